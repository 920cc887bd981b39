"""The built site, checked as a reader meets it: headless Chromium (Debian's) driven by Playwright, against the
clean build served on 127.0.0.1. Every page of the table of contents loads, typesets its math with the local
MathJax, loads every image, makes no failed or off-site request and logs no console error; notebook pages
carry launch buttons; every page passes an axe-core accessibility audit; the offline search finds chapters."""

import re

import pytest

from conftest import ROOT, toc_files, toc_notebooks

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    return tmp_path_factory.mktemp("screenshots")


class PageVisit:
    """One page load with everything a reader's browser saw go wrong recorded."""

    def __init__(self, browser, url):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
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
        """Sphinx loads MathJax only on pages with math; where it does, wait until typesetting is done."""
        if self.page.locator("script[src*='mathjax']").count():
            self.page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=20000)
            self.page.evaluate("() => MathJax.startup.promise")

    def close(self):
        self.context.close()


@pytest.fixture(scope="session")
def visits(browser, site, screenshots):
    """Visit every toc page once (typeset math, force-load images, screenshot) and keep what was seen."""
    seen = {}
    for page_name in toc_files():
        visit = PageVisit(browser, f"{site}/{page_name}.html")
        page = visit.page
        visit.wait_for_math()
        visit.images = page.evaluate(
            """async () => {
                const images = Array.from(document.images);
                images.forEach(img => { img.loading = "eager"; });
                await Promise.all(images.map(img => img.decode().catch(() => null)));
                return images.map(img => ({src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0}));
            }"""
        )
        visit.math_sources = page.locator(".math, span.math, div.math").count()
        visit.typeset = page.locator("mjx-container").count()
        # the prose a reader reads, without code and outputs (where a "\\[" is a regex, not TeX)
        visit.text = page.evaluate(
            """() => {
                const article = document.querySelector("article").cloneNode(true);
                article.querySelectorAll("pre, code, .highlight, .cell_output, .output").forEach(node => node.remove());
                return article.textContent;
            }"""
        )
        visit.colab = page.locator("a[href*='colab.research.google.com']").count()
        visit.binder = page.locator("a[href*='mybinder.org']").count()
        page.screenshot(path=str(screenshots / f"{page_name.replace('/', '__')}.png"), full_page=True)
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
            f"{page_name}: {visit.math_sources} math elements but only {visit.typeset} typeset by MathJax"
        )
    for raw in ("\\(", "\\[", "$$"):
        assert raw not in visit.text, f"{page_name}: raw TeX {raw!r} left in the page text: MathJax did not typeset it"


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
def test_accessibility_audit(page_name, browser, site):
    """axe-core finds no serious or critical violation (the theme's own included)."""
    assert AXE.exists(), "axe-core is missing: `make test` installs it with `npm ci`"
    visit = PageVisit(browser, f"{site}/{page_name}.html")
    try:
        visit.wait_for_math()
        visit.page.add_script_tag(path=str(AXE))
        result = visit.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    finally:
        visit.close()
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


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_offline_search_finds_chapter(chapter, browser, site):
    word = distinctive_word(chapter)
    visit = PageVisit(browser, f"{site}/search.html?q={word}")
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


def test_search_for_nonsense_finds_nothing(browser, site):
    visit = PageVisit(browser, f"{site}/search.html?q=zqxjvwkplm")
    try:
        visit.page.wait_for_selector("#search-results p.search-summary", timeout=20000)
        found = visit.page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")
    finally:
        visit.close()
    assert found == [], f"a word in no page found {found}"
