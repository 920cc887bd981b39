"""The built site as a reader meets it on a phone (390x844, touch), on a desktop (1366x900), in dark mode and
in the search (issue 20), in Debian's headless Chromium against the clean build served on 127.0.0.1:

- the contents (☰) and outline buttons a phone shows open their drawers when tapped, with the links in view,
  and the desktop sidebar button hides and shows the sidebar;
- no Markdown table arrives as a paragraph of `|` text, and the three measured tables are tables;
- no page pans sideways at 390 px; the wide tables of the cheat sheet and troubleshooting scroll inside their
  own box with their first column kept in view; printed output wraps instead of running off the screen;
- the page follows the system's dark setting, and a figure in dark mode is a white card whose text keeps a
  contrast of at least 4.5:1;
- search snippets carry no TeX source, and the search icon does not sit on the typed text; the header's
  buttons are at least 44x44 px on a phone; each folded code cell's toggle names the cell;
- the home page links the PDF where `make site` puts it, and a printed table row is kept whole.

Share of code blocks that fit without scrolling (a measurement, not a test): tools/code_fit.py.
"""

import io
import re
import subprocess

import pytest
import site_pages
from site_pages import LINKS_IN_VIEW, PHONE, WIDE_TABLE_PAGES, links_in_view, open_page

from conftest import ROOT, toc_files, toc_notebooks

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PDF_NAME = "jacobians-hessians-and-more.pdf"  # where `make site` puts the PDF, at the site's root


@pytest.mark.parametrize("page_name", ["book/intro", "book/hvp"])
def test_desktop_sidebar_button_hides_and_shows_the_sidebar(page_name, browser, site):
    with open_page(browser, f"{site}/{page_name}.html", **DESKTOP) as page:
        before = page.evaluate(LINKS_IN_VIEW, ".bd-docs-nav a")
        assert len(before) >= 5, f"{page_name}: the desktop sidebar shows no contents: {before}"
        page.locator(".primary-toggle:visible").first.click()
        hidden = links_in_view(page, ".bd-docs-nav a", "n === 0")
        assert hidden == [], f"{page_name}: the sidebar button did not hide the sidebar: {hidden[:5]}"
        page.locator(".primary-toggle:visible").first.click()
        assert len(links_in_view(page, ".bd-docs-nav a", "n >= 5")) >= 5, "a second click did not bring it back"


@pytest.fixture(scope="session")
def phone_views(browser, site):
    """Each page once at 390x844 with touch (tests/site_pages.py): what sticks out, raw tables, printed output
    that overflows, toggles, the header's tap targets, the colours, the wide tables; then the reader taps ☰
    (and closes it with Escape) and, on a chapter, the outline button; which links are in view at each step."""
    return site_pages.phone_views(browser, site)


@pytest.mark.parametrize("page_name", toc_files())
def test_phone_contents_and_outline_buttons_open(page_name, phone_views):
    """At 390x844 with touch, tapping ☰ shows the book's contents with its links in view (and Escape closes
    them); on a chapter, tapping the outline button shows the page's sections. (On main both did nothing: the
    themes listen to a hidden copy of each button, pydata/pydata-sphinx-theme#2451.)"""
    view = phone_views[page_name]
    assert view["contents_before"] == [], f"{page_name}: the contents are in view before any tap"
    assert len(view["contents"]) >= 5, f"{page_name}: after tapping ☰, contents links in view: {view['contents']}"
    assert view["contents_closed"] == [], f"{page_name}: Escape did not close the contents"
    if page_name in toc_notebooks():
        assert view["outline_before"] == [], f"{page_name}: the outline is in view before any tap"
        assert "outline" in view, f"{page_name}: no visible outline button"
        assert len(view["outline"]) >= 2, (
            f"{page_name}: after tapping the outline button, section links in view: {view['outline']}")


@pytest.mark.parametrize("page_name", toc_files())
def test_no_raw_markdown_table(page_name, phone_views):
    """A Markdown table displayed by a cell (or glued) renders as a table, not as a paragraph of `|`."""
    raw = phone_views[page_name]["raw"]
    assert not raw, f"{page_name}: paragraphs that are raw Markdown tables: {raw}"


MEASURED_TABLES = {
    "book/hvp": "time (gradients)",
    "book/hessians_and_hvp": "one layer",
    "book/custom_functions": "composition",
}


@pytest.mark.parametrize("page_name", sorted(MEASURED_TABLES))
def test_measured_tables_are_tables(page_name, browser, site):
    header = MEASURED_TABLES[page_name]
    with open_page(browser, f"{site}/{page_name}.html", **DESKTOP) as page:
        headers = page.eval_on_selector_all(
            "article table thead", "heads => heads.map(head => head.textContent.replace(/\\s+/g, ' '))")
        rows = page.evaluate(
            """(header) => { const table = Array.from(document.querySelectorAll("article table"))
                .find(t => t.tHead && t.tHead.textContent.includes(header));
                return table ? table.tBodies[0].rows.length : 0; }""", header)
    assert any(header in text for text in headers), f"{page_name}: no table headed {header!r}; tables: {headers}"
    assert rows >= 2, f"{page_name}: the table headed {header!r} has {rows} rows"


@pytest.mark.parametrize("page_name", toc_files())
def test_no_page_pans_sideways_on_a_phone(page_name, phone_views):
    view = phone_views[page_name]
    assert view["scrollWidth"] <= view["width"], (
        f"{page_name}: the page is {view['scrollWidth']} px wide on a {view['width']} px screen; "
        f"what sticks out: {view['wide']}"
    )


@pytest.mark.parametrize("page_name", toc_files())
def test_printed_output_wraps_on_a_phone(page_name, phone_views):
    """Printed output (stdout, a check's ✗ line, an error message) wraps: none needs a sideways scroll."""
    outputs = phone_views[page_name]["outputs"]
    assert not outputs, f"{page_name}: {len(outputs)} outputs overflow at 390 px: {outputs[:4]}"


@pytest.mark.parametrize("page_name", WIDE_TABLE_PAGES)
def test_wide_tables_scroll_in_their_box_with_the_first_column_in_view(page_name, phone_views):
    tables = phone_views[page_name]["wide_tables"]
    wide = [t for t in tables if t["width"] > 390]
    assert wide, f"{page_name}: no table wider than the phone: nothing to check ({tables})"
    for table in wide:
        where = f"{page_name}, table {table['head']!r} ({table['width']} px)"
        assert table["scrolls"] and table["frameRight"] <= 390, f"{where}: does not scroll inside its own box"
        # scrolled to its last column, the last column and the first one are both in the box
        assert table["lastRight"] <= table["frameRight"] + 1, f"{where}: its last column cannot be reached"
        assert table["firstLeft"] >= table["frameLeft"] - 1 and table["firstRight"] <= table["frameRight"], (
            f"{where}: scrolled to its last column, the first column left the screen: {table}"
        )


# ---- Dark mode -------------------------------------------------------------------------------------------

DARK_INIT = {"system": None, "picked": 'localStorage.setItem("mode", "dark"); localStorage.setItem("theme", "dark");'}


@pytest.fixture(scope="session")
def dark_views(browser, site):
    """book/hvp.html on a phone set to dark, once as the system's mode and once picked with the theme's button
    (stored as the button stores it): the page's theme and background as loaded, then its first figure scrolled
    into view and loaded, with a screenshot of the figure and the page beside it."""
    from PIL import Image

    seen = {}
    for mode, init in DARK_INIT.items():
        with open_page(browser, f"{site}/book/hvp.html", init_script=init, color_scheme="dark", **PHONE) as page:
            view = seen[mode] = {"theme": page.evaluate("() => document.documentElement.dataset.theme"),
                                 "background": page.evaluate("() => getComputedStyle(document.body).backgroundColor")}
            figure = page.locator("div.cell_output img, figure img").first
            figure.scroll_into_view_if_needed()
            figure.evaluate("img => { img.loading = 'eager'; return img.decode(); }")
            page.wait_for_timeout(200)
            view["box"] = box = figure.bounding_box()
            view["shot"] = Image.open(io.BytesIO(page.screenshot(clip={
                "x": 0, "y": box["y"] - 12, "width": 390, "height": box["height"] + 24}))).convert("RGB")
    return seen


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_page_follows_the_system_colour_scheme(scheme, dark_views, phone_views):
    """A reader who has not picked a mode gets the system's: a phone set to dark gets a dark page (book/hvp,
    as loaded; the light one is the phone's visit of it, whose system is light)."""
    view = dark_views["system"] if scheme == "dark" else phone_views["book/hvp"]
    theme, background = view["theme"], view["background"]
    assert theme == scheme, f"system {scheme}: the page's theme is {theme!r}"
    channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
    assert (sum(channels) < 150) == (scheme == "dark"), f"system {scheme}: body background {background}"


def luminance(rgb):
    def linear(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("mode", ["system", "picked"])
def test_dark_mode_figure_is_a_readable_light_card(mode, dark_views):
    """In dark mode (the system's, or picked with the theme's button) a figure is a white card on the dark
    page, and its darkest marks (text, axes) keep a contrast of at least 4.5:1 against the card (WCAG AA for
    text). On main a figure was dimmed to a grey box."""
    view = dark_views[mode]
    assert view["theme"] == "dark", f"{mode}: the page's theme is {view['theme']!r}"
    box, shot, pad = view["box"], view["shot"], 12
    card = shot.crop((int(box["x"]) + 2, pad + 2, int(box["x"] + box["width"]) - 2, pad + int(box["height"]) - 2))
    colours = sorted(card.getcolors(1 << 20), reverse=True)
    background = colours[0][1]
    marks = sorted(luminance(rgb) for count, rgb in colours for _ in range(min(count, 50)))
    text = marks[max(0, len(marks) // 200)]  # the darkest half percent: text and axes
    page_left = shot.getpixel((1, pad + int(box["height"]) // 2))
    ratio = (luminance(background) + 0.05) / (text + 0.05)
    assert luminance(page_left) < 0.05, f"{mode}: the page beside the figure is not dark: {page_left}"
    assert luminance(background) > 0.9, f"{mode}: the figure's background is {background}, a dimmed grey, not white"
    assert ratio >= 4.5, f"{mode}: figure text contrast {ratio:.1f}:1 < 4.5:1"


# ---- Search, header, toggles --------------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["jacobian", "hessian"])
def test_search_snippets_carry_no_tex(word, browser, site):
    with open_page(browser, f"{site}/search.html?q={word}", **DESKTOP) as page:
        page.wait_for_selector("#search-results p.search-summary", timeout=30000)
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('#search-results li')).every(li => li.querySelector('p'))"
            " || document.querySelectorAll('#search-results li p.context').length >= 5", timeout=30000)
        snippets = page.eval_on_selector_all("#search-results li p.context", "ps => ps.map(p => p.textContent)")
    assert len(snippets) >= 5, f"only {len(snippets)} snippets for {word!r}"
    tex = [s for s in snippets if re.search(r"\\[a-zA-Z]{2,}|\^\{|_\{", s)]
    assert not tex, f"{len(tex)} of {len(snippets)} snippets for {word!r} show TeX source, e.g. {tex[:2]}"


def test_search_icon_leaves_the_typed_text_clear(browser, site):
    with open_page(browser, f"{site}/search.html", **PHONE) as page:
        field = page.locator("article form.bd-search input, .bd-search-container form.bd-search input").first
        field.fill("hessian vector product")
        geometry = field.evaluate(
            """input => { const form = input.closest("form");
                const icon = Array.from(form.querySelectorAll("i, svg")).find(i => i.getClientRects().length);
                const box = input.getBoundingClientRect(), style = getComputedStyle(input);
                return {icon: icon && icon.getBoundingClientRect().right,
                        text: box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft)}; }""")
    assert geometry["icon"] is not None, "the search field has no icon"
    assert geometry["icon"] <= geometry["text"], f"the search icon overlaps the typed text: {geometry}"


@pytest.mark.parametrize("page_name", ["book/intro", "book/hvp"])
def test_header_tap_targets_are_44_px(page_name, phone_views):
    targets = phone_views[page_name]["header"]
    assert len(targets) >= 4, f"{page_name}: only {targets} in the header"
    small = [t for t in targets if t["width"] < 44 or t["height"] < 44]
    assert not small, f"{page_name}: header controls smaller than 44x44 px on a phone: {small}"


@pytest.mark.parametrize("page_name", toc_notebooks())
def test_folded_cells_name_what_they_hide(page_name, phone_views):
    toggles = phone_views[page_name]["toggles"]
    generic = [t for t in toggles if re.fullmatch(r"(Show|Hide) code cell \w+", t)]
    assert not generic, f"{page_name}: {len(generic)} of {len(toggles)} toggles read only {generic[0]!r}"
    repeated = sorted({t for t in toggles if toggles.count(t) > 1})
    assert not repeated, f"{page_name}: toggles that read the same: {repeated}"


# ---- The PDF and print -----------------------------------------------------------------------------------

def test_home_page_links_the_pdf_where_make_site_puts_it(phone_views, site):
    links = phone_views["book/intro"]["pdf_links"]
    assert f"{site}/{PDF_NAME}" in links, f"the home page links no {PDF_NAME} at the site's root: {links}"
    plan = subprocess.run(["make", "-n", "site"], cwd=ROOT, capture_output=True, text=True)
    assert plan.returncode == 0, plan.stderr
    assert re.search(rf"make_pdf\.py \S+ _build/html/{re.escape(PDF_NAME)}", plan.stdout), (
        f"`make site` does not print the PDF to _build/html/{PDF_NAME}:\n{plan.stdout}")


def test_printed_table_rows_stay_whole(browser, site):
    with open_page(browser, f"{site}/book/troubleshooting.html", **DESKTOP) as page:
        page.emulate_media(media="print")
        breaks = page.eval_on_selector_all("article table tr", "rows => rows.map(r => getComputedStyle(r).breakInside)")
    assert breaks and set(breaks) == {"avoid"}, f"table rows may split across printed pages: {set(breaks)}"
