"""The printable book: tools/make_pdf.py prints the clean build (tests/conftest.py) to one PDF, which is opened
with pypdf: one bookmark per page of _toc.yml, in order, titled by the page's heading, which also opens its
first page; no raw TeX; a sane page count; every figure of the site (outside the solutions, which the printed
copy leaves out) is in it; each page carries a page number."""

import html.parser
import re
import sys
import time
import unicodedata

import pytest

from conftest import ROOT, book_notebook_mds, code_cells, run, toc_files

sys.path.insert(0, str(ROOT / "tools"))
import make_pdf  # noqa: E402

RAW_TEX = ("$$", "\\frac", "\\mathbb", "\\begin{", "\\(", "\\[")


def heading(page_name):
    """The page's title as a reader sees it: its first Markdown heading, without Markdown markup."""
    for line in (ROOT / f"{page_name}.md").read_text().splitlines():
        if line.startswith("# "):
            return words(re.sub(r"[`*]", "", line[2:]))
    raise AssertionError(f"{page_name}.md has no title")


def words(text):
    """Text compared as a reader reads it: ligatures (ﬀ) as letters, typographic quotes as plain ones,
    whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    for fancy, plain in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        text = text.replace(fancy, plain)
    return " ".join(text.split())


def image_count(page):
    """Image XObjects drawn on a page, looking inside form XObjects (faster than pypdf's page.images)."""

    def count(resources, seen):
        xobjects = (resources or {}).get("/XObject") or {}
        total = 0
        for reference in xobjects.values():
            xobject = reference.get_object()
            key = id(xobject) if not hasattr(reference, "idnum") else reference.idnum
            if key in seen:
                continue
            seen.add(key)
            if xobject.get("/Subtype") == "/Image":
                total += 1
            elif xobject.get("/Subtype") == "/Form":
                total += count(xobject.get("/Resources"), seen)
        return total

    return count(page.get("/Resources"), set())


class FigureCounter(html.parser.HTMLParser):
    """Counts the site's figures (<img src=".../_images/...">) outside the exercises' solutions."""

    def __init__(self):
        super().__init__()
        self.stack, self.solution_depth, self.figures = [], None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            if self.solution_depth is None and "_images/" in (attrs.get("src") or ""):
                self.figures += 1
            return
        if tag in ("br", "hr", "meta", "link", "input", "source", "wbr"):
            return
        self.stack.append(tag)
        if tag == "div" and "solution" in (attrs.get("class") or "").split() and self.solution_depth is None:
            self.solution_depth = len(self.stack)

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        while self.stack:
            closed = self.stack.pop()
            if self.solution_depth is not None and len(self.stack) < self.solution_depth:
                self.solution_depth = None
            if closed == tag:
                break


def figures_in(html_path):
    counter = FigureCounter()
    counter.feed(html_path.read_text())
    return counter.figures


@pytest.fixture(scope="session")
def book_pdf(clean_build, tmp_path_factory):
    result, html_dir = clean_build
    missing = [name for name in toc_files() if not (html_dir / f"{name}.html").exists()]
    if missing:
        pytest.fail(f"the clean build has no page for {missing}, so there is nothing to print:\n"
                    + result.stdout[-2000:] + result.stderr[-2000:])
    from pypdf import PdfReader

    out = tmp_path_factory.mktemp("pdf") / "book.pdf"
    start = time.perf_counter()  # how long printing takes, reported on failure only
    chapters = make_pdf.make_pdf(html_dir, out, log=lambda line: None)
    seconds = time.perf_counter() - start
    reader = PdfReader(out)
    texts = [page.extract_text() or "" for page in reader.pages]
    return reader, texts, chapters, html_dir, seconds


def test_bookmarks_are_the_chapters_in_toc_order(book_pdf):
    reader, texts, chapters, _, _ = book_pdf
    expected = [heading(name) for name in toc_files()]
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert [words(title) for title, _ in outline] == expected
    firsts = [page for _, page in outline]
    assert firsts == sorted(firsts) and len(set(firsts)) == len(firsts), f"bookmarks out of order: {outline}"
    for title, first in outline:
        assert words(title) in words(texts[first]), f"{title!r} is not printed on its first page ({first + 1})"


def test_page_count_and_numbers(book_pdf):
    reader, texts, _, _, _ = book_pdf
    assert 40 <= len(reader.pages) <= 600, f"{len(reader.pages)} pages"
    unnumbered = [i + 1 for i, text in enumerate(texts) if not re.search(r"page \d+ of \d+", text)]
    assert not unnumbered, f"pages without a page number in the footer: {unnumbered}"


def test_no_raw_tex(book_pdf):
    """MathJax typeset every formula before printing: no TeX source is left in the text (a line of code that
    itself holds TeX, such as a matplotlib label, is allowed)."""
    _, texts, _, _, _ = book_pdf
    code = "\n".join(source for md in book_notebook_mds() for source in code_cells(md))
    raw = [(page + 1, line.strip()) for page, text in enumerate(texts) for line in text.splitlines()
           if any(tex in line for tex in RAW_TEX) and line.strip() not in code]
    assert not raw, f"raw TeX in the PDF (page, line): {raw[:10]}"


def test_every_figure_is_printed(book_pdf):
    reader, _, chapters, html_dir, _ = book_pdf
    bounds = [first for _, first in chapters] + [len(reader.pages)]
    short = []
    for (name, (_title, first)), end in zip(zip(toc_files(), chapters, strict=True), bounds[1:], strict=True):
        expected = figures_in(html_dir / f"{name}.html")
        printed = sum(image_count(reader.pages[i]) for i in range(first, end))
        if printed < expected:
            short.append(f"{name}: {expected} figures on the site, {printed} images in the PDF")
    assert not short, "figures missing from the PDF:\n" + "\n".join(short)


def test_solutions_are_left_out(book_pdf):
    _, texts, _, _, _ = book_pdf
    shown = [i + 1 for i, text in enumerate(texts) if re.search(r"Solution to\s*Exercise \d", text)]
    assert not shown, f"pages that print a solution: {shown}"


def test_make_pdf_target():
    """`make pdf` builds the site, then prints it to _build/pdf/book.pdf (a dry run: nothing is run)."""
    result = run(["make", "-n", "pdf"])
    assert result.returncode == 0, result.stderr
    assert "tools/make_pdf.py _build/html _build/pdf/book.pdf" in result.stdout
