"""The built site, checked as a reader meets it: headless Chromium (Debian's) driven by Playwright, against the
clean build served on 127.0.0.1. Every page of the table of contents loads, shows its math typeset (by KaTeX,
at build time), loads every image, makes no failed or off-site request and logs no console error; notebook
pages carry launch buttons; the header's icons show (drawn by the theme's icon fonts, without fontawesome.js);
a chapter page weighs at most 600 KB gzipped with every figure and font it uses; every page passes an axe-core
accessibility audit; the offline search finds chapters."""

import re

import pytest
import site_pages

from conftest import ROOT, toc_files, toc_notebooks

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


DESKTOP = {"viewport": {"width": 1280, "height": 900}}


class PageVisit:
    """One page load with everything a reader's browser saw go wrong recorded."""

    def __init__(self, browser, url, context=None):
        """In a context of its own, or in `context` (kept open: only the page is closed after the visit)."""
        self.own = context is None
        self.context = browser.new_context(**DESKTOP) if self.own else context
        self.page = self.context.new_page()
        self.failed, self.console_errors, self.off_site = [], [], []
        origin = re.match(r"https?://[^/]+", url).group(0)
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} (HTTP {r.status})"))
        self.page.on("request", lambda r: r.url.startswith(("http:", "https:")) and not r.url.startswith(origin) and self.off_site.append(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.response = self.page.goto(url, wait_until="load")

    def wait_for_math(self):
        """The math is typeset when the book is built (KaTeX); wait until its fonts (and the icons') have loaded."""
        self.page.evaluate("() => document.fonts.ready.then(() => true)")

    def close(self):
        (self.context if self.own else self.page).close()


# The pages whose header icons are checked (test_header_icons_show).
ICON_PAGES = ["book/intro", "book/jacobians_by_loop"]


@pytest.fixture(scope="session")
def visits(browser, site, screenshots):
    """Visit every toc page (and the search page) once and keep what was seen: first, on the page as it
    loaded, with its fonts ready, the axe-core audit and the header's icons; then math, images (force-loaded),
    prose and launch links, and a screenshot of the viewport."""
    assert AXE.exists(), "axe-core is missing: `make test` installs it with `npm ci`"
    seen = {}
    for page_name in toc_files() + ["search"]:
        visit = PageVisit(browser, f"{site}/{page_name}.html")
        page = visit.page
        visit.wait_for_math()
        # the audit first, on the page exactly as it loaded (before images are forced to load)
        page.add_script_tag(path=str(AXE))
        visit.axe = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        visit.icons = page.evaluate(ICONS) if page_name in ICON_PAGES else None
        if page_name == "search":
            visit.close()
            seen[page_name] = visit
            continue
        visit.images = page.evaluate(
            """async () => {
                const images = Array.from(document.images);
                images.forEach(img => { img.loading = "eager"; });
                await Promise.all(images.map(img => img.decode().catch(() => null)));
                return images.map(img => ({src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0}));
            }"""
        )
        visit.math_sources = page.locator(".math, span.math, div.math").count()
        visit.typeset = page.locator(".math .katex .katex-html").count()
        # the prose a reader reads, without code and outputs (where a "\\[" is a regex, not TeX), and without
        # the TeX source KaTeX keeps for screen readers in its MathML
        visit.text = page.evaluate(
            """() => {
                const article = document.querySelector("article").cloneNode(true);
                article.querySelectorAll("pre, code, .highlight, .cell_output, .output, .katex-mathml").forEach(node => node.remove());
                return article.textContent;
            }"""
        )
        visit.colab = page.locator("a[href*='colab.research.google.com']").count()
        visit.binder = page.locator("a[href*='mybinder.org']").count()
        # the viewport (what a reader sees first); a full-page shot of a long chapter cost seconds each
        page.screenshot(path=str(screenshots / f"{page_name.replace('/', '__')}.png"))
        visit.close()
        seen[page_name] = visit
    return seen


@pytest.mark.parametrize("page_name", toc_files())
def test_page_loads_cleanly(page_name, visits, screenshots):
    visit = visits[page_name]
    where = f"{page_name}.html (screenshot: {screenshots})"
    assert visit.response is not None and visit.response.status == 200, f"{where}: HTTP {visit.response and visit.response.status}"
    assert not visit.failed, f"{where}: failed requests: {visit.failed}"
    assert not visit.off_site, f"{where}: requests that leave the machine (the site must work offline): {visit.off_site}"
    assert not visit.console_errors, f"{where}: console errors: {visit.console_errors}"


@pytest.mark.parametrize("page_name", toc_files())
def test_math_is_typeset(page_name, visits):
    visit = visits[page_name]
    if visit.math_sources:
        assert visit.typeset >= visit.math_sources, (
            f"{page_name}: {visit.math_sources} math elements but only {visit.typeset} typeset by KaTeX"
        )
    for raw in ("\\(", "\\[", "$$", "\\begin{", "\\frac"):
        assert raw not in visit.text, f"{page_name}: raw TeX {raw!r} left in the page text: KaTeX did not typeset it"


ICONS = """async () => {
    await document.fonts.ready;
    const icons = Array.from(document.querySelectorAll(".bd-header-article i[class*='fa-'], .bd-header i[class*='fa-']"))
        .filter(icon => icon.getClientRects().length && getComputedStyle(icon).visibility !== "hidden");
    const blank = icons.filter(icon => {
        const before = getComputedStyle(icon, "::before");
        const box = icon.getBoundingClientRect();
        return !before.content || ["none", "normal", '""'].includes(before.content)
            || !before.fontFamily.includes("Font Awesome") || box.width < 4;
    }).map(icon => icon.className);
    const faces = Array.from(document.fonts).filter(face => face.family.includes("Font Awesome"))
        .map(face => `${face.family} ${face.weight} ${face.status}`);
    return {count: icons.length, blank, faces, svgs: document.querySelectorAll("svg.svg-inline--fa").length};
}"""


@pytest.mark.parametrize("page_name", ICON_PAGES)
def test_header_icons_show(page_name, visits):
    """The header buttons' icons (<i class="fa-...">) are drawn by the theme's CSS from its Font Awesome web
    fonts, now that fontawesome.js (which swapped them for inline SVGs) is not loaded: each visible icon has
    a glyph in a Font Awesome font that loaded, and a size (read on the page as it loaded, fonts ready)."""
    icons = visits[page_name].icons
    assert icons["svgs"] == 0, f"{page_name}: icons were swapped for SVGs: is fontawesome.js loaded again?"
    assert icons["count"] >= 4, f"{page_name}: only {icons['count']} visible icons in the header: {icons}"
    assert not icons["blank"], f"{page_name}: icons without a glyph: {icons['blank']} (fonts: {icons['faces']})"
    loaded = [face for face in icons["faces"] if face.endswith(" loaded")]
    assert any("Free 900" in face for face in loaded) and any("Brands" in face for face in loaded), (
        f"{page_name}: the icon fonts did not load: {icons['faces']}"
    )


MAX_PAGE_KB = 600


@pytest.fixture(scope="session")
def phone_views(browser, site):
    """Each page once at 390x844 (tests/site_pages.py, shared with tests/test_reader_view.py); a chapter's
    visit ends with what the whole page weighed."""
    return site_pages.phone_views(browser, site)


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_chapter_page_weight(chapter, phone_views):
    """A chapter page, with all its figures and fonts, transfers at most 600 KB gzipped (issue 16), on a phone
    (390x844): everything it downloads as it loads, then with every image fetched (lazy ones too) and the page
    scrolled to its end (fonts load as text appears), each body counted gzipped where a server would gzip it."""
    total, sizes = phone_views[chapter]["weight"]
    assert total <= MAX_PAGE_KB, (
        f"{chapter}: {total:.0f} KB gzipped > {MAX_PAGE_KB} KB; largest: "
        + ", ".join(f"{name} {size:.0f} KB" for size, name in sizes[:8])
    )


@pytest.mark.parametrize("page_name", toc_files())
def test_images_load(page_name, visits):
    broken = [image["src"] for image in visits[page_name].images if not image["ok"]]
    assert not broken, f"{page_name}: images that did not load: {broken}"


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_notebook_page_has_launch_buttons(chapter, visits):
    visit = visits[chapter]
    assert visit.colab >= 1, f"{chapter}: no Colab launch link on the page"
    assert visit.binder >= 1, f"{chapter}: no Binder launch link on the page"


@pytest.mark.parametrize("page_name", toc_files() + ["search"])
def test_accessibility_audit(page_name, visits):
    """axe-core finds no serious or critical violation (the theme's own included), on the page as it loaded
    with its fonts ready (the audit runs first in the page's one visit)."""
    result = visits[page_name].axe
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}; e.g. {[(n['target'], n['html'][:200]) for n in v['nodes'][:3]]}"
        for v in serious
    )
    assert not serious, f"{page_name}: {len(serious)} serious/critical accessibility violations:\n{report}"


def distinctive_word(chapter):
    """A long word of this chapter's text that appears in no other page's source (so a search must find it here)."""
    own = (ROOT / f"{chapter}.md").read_text()
    others = " ".join((ROOT / f"{entry}.md").read_text().lower() for entry in toc_files() if entry != chapter)
    prose = re.sub(r"```.*?```", " ", own, flags=re.S)
    words = sorted(set(re.findall(r"\b[a-z]{9,}\b", prose)))
    for word in words:
        if word not in others:
            return word
    pytest.skip(f"{chapter} has no word of nine letters or more that is unique to it")


@pytest.fixture(scope="session")
def search_context(browser):
    """One browser context for the searches (its HTTP cache keeps the search index); a page each."""
    context = browser.new_context(**DESKTOP)
    yield context
    context.close()


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_offline_search_finds_chapter(chapter, browser, site, search_context):
    word = distinctive_word(chapter)
    visit = PageVisit(browser, f"{site}/search.html?q={word}", search_context)
    try:
        visit.page.wait_for_selector("#search-results p.search-summary", timeout=20000)
        found = visit.page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")
        problems = visit.failed + visit.console_errors + visit.off_site
    finally:
        visit.close()
    assert not problems, f"search page problems: {problems}"
    assert any(f"/{chapter}.html" in link for link in found), (
        f"searching for {word!r} (found only in {chapter}.md) did not find {chapter}.html; results: {found}"
    )


def test_search_for_nonsense_finds_nothing(browser, site, search_context):
    visit = PageVisit(browser, f"{site}/search.html?q=zqxjvwkplm", search_context)
    try:
        visit.page.wait_for_selector("#search-results p.search-summary", timeout=20000)
        found = visit.page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")
    finally:
        visit.close()
    assert found == [], f"a word in no page found {found}"
