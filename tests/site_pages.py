"""Each page of the book once on a phone (390x844, touch), shared by tests/test_reader_view.py (what a phone
shows, the drawers that its buttons open) and tests/test_browser.py (what a chapter weighs): one load per page
instead of one per test, and waits for what the reader would see instead of fixed sleeps."""

import gzip
import sys
import time
from contextlib import contextmanager

from conftest import ROOT, toc_files, toc_notebooks

sys.path.insert(0, str(ROOT / "tools"))
import make_pdf  # noqa: E402

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1}
FONTS_READY = "() => document.fonts.ready.then(() => true)"


@contextmanager
def open_page(browser, url, init_script=None, **options):
    context = browser.new_context(**options)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.evaluate(FONTS_READY)
        yield page
    finally:
        context.close()


# Links of a container that a reader can see: inside the viewport and not covered by anything else.
LINKS_IN_VIEW = """(selector) => Array.from(document.querySelectorAll(selector)).filter(link => {
    const box = link.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) return false;
    const x = box.left + Math.min(box.width / 2, 20), y = box.top + box.height / 2;
    const innerWidth = document.documentElement.clientWidth;
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
    const top = document.elementFromPoint(x, y);
    return top !== null && (top === link || link.contains(top));
}).map(link => link.textContent.trim())"""
OUTLINE_LINKS = ".bd-toc-nav a, .page-toc a"


def links_in_view(page, selector, wanted, timeout=2000):
    """The links of `selector` in view once `wanted(count)` holds (a JS expression of n), or when `timeout` ms
    have passed without it: the reader's view after a tap, read when it has settled, not after a fixed sleep."""
    try:
        page.wait_for_function(f"(selector) => {{ const n = ({LINKS_IN_VIEW})(selector).length; return {wanted}; }}",
                               arg=selector, timeout=timeout, polling=50)
    except Exception:  # noqa: BLE001 - the assertion on what is in view says what the reader sees
        pass
    return page.evaluate(LINKS_IN_VIEW, selector)


def tap_visible(page, selector):
    """Tap (touch) the button a reader sees: the visible one of those the selector matches."""
    button = page.locator(f"{selector}:visible").first
    assert button.count() == 1, f"no visible {selector} on the page"
    button.tap()
    try:  # the drawer is a <dialog> that opens (then its links slide in)
        page.wait_for_selector("dialog[open]", timeout=2000)
    except Exception:  # noqa: BLE001 - the assertion that follows says what the reader sees
        pass


# One visit per page at 390 px: what sticks out, raw tables, printed output that overflows, toggles.
PHONE_FACTS = """() => {
    const article = document.querySelector("article.bd-article") || document.body;
    const raw = Array.from(article.querySelectorAll("p")).map(p => p.textContent.trim())
        .filter(text => text.startsWith("|")).map(text => text.slice(0, 70));
    // the layout width: a mobile browser widens the window (innerWidth) to a page that is too wide
    const innerWidth = document.documentElement.clientWidth;
    const wide = [];
    if (document.documentElement.scrollWidth > innerWidth) {
        for (const node of document.body.querySelectorAll("*")) {
            const box = node.getBoundingClientRect();
            if (box.right > innerWidth + 1 && box.width > 0 && !node.closest("dialog:not([open])")) {
                let scroller = node.parentElement, clipped = false;
                for (; scroller; scroller = scroller.parentElement) {
                    const style = getComputedStyle(scroller);
                    if (style.overflowX !== "visible") { clipped = true; break; }
                }
                if (!clipped) wide.push(`${node.tagName.toLowerCase()}.${node.className} ${Math.round(box.right)}px: `
                    + node.textContent.trim().slice(0, 50));
            }
        }
    }
    const outputs = Array.from(article.querySelectorAll("div.cell_output pre, div.output pre"))
        .filter(pre => pre.getClientRects().length && pre.scrollWidth > pre.clientWidth + 1)
        .map(pre => `${pre.scrollWidth - pre.clientWidth}px too wide: ` + pre.textContent.trim().slice(0, 60));
    const toggles = Array.from(article.querySelectorAll("details.hide > summary .collapsed"))
        .map(title => title.textContent.trim());
    return {scrollWidth: document.documentElement.scrollWidth, width: innerWidth, raw, wide: wide.slice(0, 8),
            outputs, toggles};
}"""

HEADER_TARGETS = """() => Array.from(document.querySelectorAll(
        ".bd-header-article a, .bd-header-article button, .bd-header a, .bd-header button"))
    .filter(node => { const box = node.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(node).visibility !== "hidden"
            && box.bottom > 0 && box.top < innerHeight; })
    .map(node => { const box = node.getBoundingClientRect();
        return {name: node.getAttribute("aria-label") || node.title || node.textContent.trim().slice(0, 20)
                      || node.className, width: Math.round(box.width), height: Math.round(box.height)}; })"""

WIDE_TABLES = """() => Array.from(document.querySelectorAll("article table")).map(table => {
    let box = table.parentElement;
    while (box && getComputedStyle(box).overflowX === "visible") box = box.parentElement;
    const frame = (box || document.documentElement).getBoundingClientRect();
    if (box) box.scrollLeft = box.scrollWidth;  // scroll the table to its last column
    const first = table.querySelector("tbody tr > :first-child").getBoundingClientRect();
    const last = table.querySelector("tbody tr > :last-child").getBoundingClientRect();
    return {width: Math.round(table.getBoundingClientRect().width), scrolls: !!box && box !== document.body,
            frameLeft: frame.left, frameRight: frame.right, firstLeft: first.left, firstRight: first.right,
            lastRight: last.right, head: table.querySelector("tr").textContent.trim().slice(0, 40)};
})"""
WIDE_TABLE_PAGES = ("book/cheat_sheet", "book/troubleshooting")

# Types a web server sends gzipped (GitHub Pages does); images and woff2 fonts are compressed already.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
SCROLL_TO_THE_END = """async () => {
    for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
        window.scrollTo(0, y);
        await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 10)));
    }
    await document.fonts.ready;
}"""


def weigh(page, responses, pending, quiet=0.25, timeout=15.0):
    """What a reader's browser downloads to read the whole page: every response since the page began to load,
    with every image fetched (lazy ones too) and the page scrolled to its end (fonts load as text appears),
    until no request has been open for `quiet` seconds; each body counted gzipped where a server would gzip
    it. Returns (kilobytes, [(kilobytes, url)] largest first)."""
    page.evaluate(make_pdf.LOAD_ALL_IMAGES)
    page.evaluate(SCROLL_TO_THE_END)
    deadline, last = time.monotonic() + timeout, (len(responses), time.monotonic())
    while time.monotonic() < deadline:
        page.wait_for_timeout(50)
        if pending or len(responses) != last[0]:
            last = (len(responses), time.monotonic())
        elif time.monotonic() - last[1] >= quiet:
            break
    sizes = []
    for response in responses:
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - a redirect or an aborted request has no body
            continue
        kind = response.headers.get("content-type", "")
        size = len(gzip.compress(body, 6)) if kind.startswith(COMPRESSIBLE) else len(body)
        sizes.append((size / 1000, response.url.rsplit("/", 1)[-1][:60]))
    sizes.sort(reverse=True)
    return sum(size for size, _ in sizes), sizes


def phone_visit(browser, url, page_name, weighed):
    """One page at 390x844 with touch, as loaded: the facts above, the header's tap targets, its PDF links,
    its colours and (on the pages of WIDE_TABLE_PAGES) its wide tables; then the reader taps ☰ (and closes it
    with Escape) and, on a chapter, the outline button, and which links are in view at each step is kept;
    last, for a chapter, what the whole page weighs (everything it downloaded, the first load included)."""
    context = browser.new_context(color_scheme="light", **PHONE)
    page = context.new_page()
    responses, pending = [], set()
    page.on("response", lambda response: responses.append(response))
    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    try:
        page.goto(url, wait_until="load")
        page.evaluate(FONTS_READY)
        view = page.evaluate(PHONE_FACTS)
        view["header"] = page.evaluate(HEADER_TARGETS)
        view["pdf_links"] = page.eval_on_selector_all("article a[href$='.pdf']", "links => links.map(a => a.href)")
        view["theme"] = page.evaluate("() => document.documentElement.dataset.theme")
        view["background"] = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        if page_name in WIDE_TABLE_PAGES:
            view["wide_tables"] = page.evaluate(WIDE_TABLES)
        view["contents_before"] = page.evaluate(LINKS_IN_VIEW, ".bd-docs-nav a")
        tap_visible(page, ".primary-toggle")
        view["contents"] = links_in_view(page, ".bd-docs-nav a", "n >= 5")
        page.keyboard.press("Escape")
        view["contents_closed"] = links_in_view(page, ".bd-docs-nav a", "n === 0")
        view["outline_before"] = page.evaluate(LINKS_IN_VIEW, OUTLINE_LINKS)
        if page.locator(".secondary-toggle:visible").count():
            tap_visible(page, ".secondary-toggle")
            view["outline"] = links_in_view(page, OUTLINE_LINKS, "n >= 2")
        if weighed:
            page.keyboard.press("Escape")
            page.wait_for_function("() => !document.querySelector('dialog[open]')", timeout=5000)
            view["weight"] = weigh(page, responses, pending)
        return view
    finally:
        context.close()


_phone_views = {}


def phone_views(browser, site):
    """{page name: what phone_visit saw}, for every page of _toc.yml, visited once per test session."""
    key = (id(browser), site)
    if key not in _phone_views:
        chapters = set(toc_notebooks())
        _phone_views[key] = {name: phone_visit(browser, f"{site}/{name}.html", name, name in chapters)
                             for name in toc_files()}
    return _phone_views[key]
