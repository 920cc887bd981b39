"""The printable book: tools/make_pdf.py prints the clean build (tests/conftest.py) to one PDF, which is opened
with pypdf: one bookmark per page of _toc.yml, in order, titled by the page's heading, which also opens its
first page; a printed table of contents gives each chapter's first page; every page carries its book-wide
number ("page 12 of 301"); no page ends in an empty frame (a code cell's box whose lines went to the next
page); no raw TeX; a sane page count; every figure of the site (outside the solutions, which the printed
copy leaves out) is in it."""

import concurrent.futures
import html.parser
import re
import sys
import time
import unicodedata

import pytest

from conftest import ROOT, book_notebook_mds, code_cells, run, start_clean_build, toc_files

sys.path.insert(0, str(ROOT / "tools"))
import make_pdf  # noqa: E402
from exec_pool import POOL  # noqa: E402

RAW_TEX = ("$$", "\\frac", "\\mathbb", "\\begin{", "\\(", "\\[")
# make_pdf's bottom margin in points: the page's content ends there, its footer is below it.
CONTENT_BOTTOM = float(make_pdf.MARGIN["bottom"].removesuffix("mm")) / 25.4 * 72


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


def _apply(matrix, x, y):
    return matrix[0] * x + matrix[2] * y + matrix[4], matrix[1] * x + matrix[3] * y + matrix[5]


def read_page(page):
    """The page's text, the bounding boxes of the shapes it draws (filled or stroked paths: frames, borders,
    backgrounds) and the places where it prints something (text or an image), in PDF points, from one pass
    over its content stream."""
    shapes, marks, path = [], [], []

    def visit(op, args, cm, tm):
        nonlocal path
        if op in (b"m", b"l") and len(args) == 2:
            path.append(_apply(cm, float(args[0]), float(args[1])))
        elif op == b"c" and len(args) == 6:
            path.append(_apply(cm, float(args[4]), float(args[5])))
        elif op == b"re" and len(args) == 4:
            x, y, width, height = (float(a) for a in args)
            path += [_apply(cm, x, y), _apply(cm, x + width, y + height)]
        elif op in (b"f", b"f*", b"F", b"B", b"B*", b"b", b"b*", b"S", b"s"):
            if path:
                xs, ys = [p[0] for p in path], [p[1] for p in path]
                shapes.append((min(xs), min(ys), max(xs), max(ys)))
            path = []
        elif op == b"n":  # a clipping path: nothing drawn
            path = []
        elif op in (b"Tj", b"TJ", b"'", b'"'):
            marks.append(_apply(cm, tm[4], tm[5]))
        elif op == b"Do":
            marks.append(_apply(cm, 0.5, 0.5))

    text = page.extract_text(visitor_operand_before=visit) or ""
    return text, shapes, marks


def empty_frame_at_end(page, shapes, marks):
    """A frame cut off by the end of the page with nothing printed in it: a drawn shape at least 8 pt tall and
    50 pt wide whose bottom is the page's content bottom, and no text or image from its left edge rightwards
    within its height. That is what a code cell whose lines moved to the next page leaves behind. Returns
    its box, or None."""
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    content = [(x, y) for x, y in marks if y > CONTENT_BOTTOM - 2]  # the footer is below
    for x0, y0, x1, y1 in shapes:
        if (y1 - y0 < 8 or y1 - y0 > 0.95 * height or x1 - x0 < 50 or x0 < 0 or x1 > width
                or not CONTENT_BOTTOM - 3 < y0 < CONTENT_BOTTOM + 12):
            continue
        if not any(x0 - 2 <= x <= width and y0 - 2 <= y <= y1 + 2 for x, y in content):
            return (round(x0), round(y0), round(x1), round(y1))
    return None


class FigureCounter(html.parser.HTMLParser):
    """Lists the site's figures (the src of each <img src=".../_images/...">) outside the exercises'
    solutions."""

    def __init__(self):
        super().__init__()
        self.stack, self.solution_depth, self.figures = [], None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            if self.solution_depth is None and "_images/" in (attrs.get("src") or ""):
                self.figures.append(attrs["src"])
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


class PrintedBook(tuple):
    """(reader, page texts, [(chapter title, first page index)], html dir, seconds to print), and
    .empty_frames: [(page number, box)] of the pages that end in an empty frame."""


def print_and_read(result, html_dir, out):
    """Print the built site to `out` and read every page back: a PrintedBook, or the reason there is none.
    A job of the execution pool: it keeps a slot busy while the browser tests run in the test process."""
    missing = [name for name in toc_files() if not (html_dir / f"{name}.html").exists()]
    if missing:
        return (f"the clean build has no page for {missing}, so there is nothing to print:\n"
                + result.stdout[-2000:] + result.stderr[-2000:])
    from pypdf import PdfReader

    start = time.perf_counter()  # how long printing takes, reported on failure only
    chapters = make_pdf.make_pdf(html_dir, out, log=lambda line: None)
    seconds = time.perf_counter() - start
    reader = PdfReader(out)
    texts, empty_frames = [], []
    for number, page in enumerate(reader.pages, start=1):
        text, shapes, marks = read_page(page)
        texts.append(text)
        frame = empty_frame_at_end(page, shapes, marks)
        if frame:
            empty_frames.append((number, frame))
    printed = PrintedBook((reader, texts, chapters, html_dir, seconds))
    printed.empty_frames = empty_frames
    return printed


_pdf = {}


def prefetch(items, tmp_path_factory):
    """Once the clean build is done, hand the pool the printing of the book (conftest calls this at
    collection), so that it runs beside the browser tests rather than after them."""
    if _pdf or not any("book_pdf" in item.fixturenames for item in items):
        return
    out = tmp_path_factory.mktemp("pdf") / "book.pdf"
    done = concurrent.futures.Future()
    _pdf["future"] = done

    def after_build(build):
        try:
            result, html_dir = build.result()
            job = POOL.submit("pdf", "print and read", print_and_read, result, html_dir, out, estimate=90.0)
            job.add_done_callback(lambda f: done.set_exception(f.exception()) if f.exception()
                                  else done.set_result(f.result()))
        except BaseException as error:  # noqa: BLE001 (the fixture reports it)
            done.set_exception(error)

    start_clean_build(tmp_path_factory).add_done_callback(after_build)


@pytest.fixture(scope="session")
def book_pdf(clean_build, tmp_path_factory):
    """The printed book (the pool's job that prefetch started, or a print made here when none was)."""
    if "future" in _pdf:
        future = _pdf["future"]
        while not future.done():  # in short waits, so that Ctrl-C still stops the run
            concurrent.futures.wait([future], timeout=1.0)
        printed = future.result()
    else:
        printed = print_and_read(*clean_build, tmp_path_factory.mktemp("pdf") / "book.pdf")
    if isinstance(printed, str):
        pytest.fail(printed)
    return printed


def test_bookmarks_are_the_chapters_in_toc_order(book_pdf):
    reader, texts, chapters, _, _ = book_pdf
    expected = ["Contents"] + [heading(name) for name in toc_files()]
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert [words(title) for title, _ in outline] == expected
    firsts = [page for _, page in outline]
    assert firsts == sorted(firsts) and len(set(firsts)) == len(firsts), f"bookmarks out of order: {outline}"
    for title, first in outline:
        assert words(title) in words(texts[first]), f"{title!r} is not printed on its first page ({first + 1})"


def test_page_count_and_numbers(book_pdf):
    """Every page's footer gives its place in the whole book: page i of the total, counted from the first
    page of the PDF (numbers that restart with each chapter fail)."""
    reader, texts, _, _, _ = book_pdf
    total = len(reader.pages)
    assert 40 <= total <= 600, f"{total} pages"
    wrong = [(i, re.findall(r"page \d+ of \d+", text)) for i, text in enumerate(texts, start=1)
             if f"page {i} of {total}" not in text]
    assert not wrong, f"pages whose footer is not 'page i of {total}' (page, footers found): {wrong[:10]}"


def test_printed_table_of_contents(book_pdf):
    """The first page(s) list every chapter, in toc order, with the number of the page it starts on."""
    reader, texts, chapters, _, _ = book_pdf
    first_chapter = chapters[0][1]
    assert first_chapter >= 1, "no page before the first chapter: the table of contents is missing"
    contents = words(" ".join(texts[:first_chapter]))
    assert contents.startswith("Contents"), f"the PDF does not open with its contents: {contents[:200]!r}"
    missing, position = [], 0
    for title, first in chapters:
        entry = re.compile(re.escape(words(title)) + r"[ .]*" + str(first + 1) + r"\b")
        found = entry.search(contents, position)
        if not found:
            missing.append(f"{title!r} ... {first + 1}")
        else:
            position = found.end()
    assert not missing, f"chapters not listed in order with their first page: {missing}"


def test_no_page_ends_in_an_empty_frame(book_pdf):
    """No page ends in the empty top of a frame (a code cell whose lines went to the next page): the print
    stylesheet keeps frames whole (break-inside: avoid) when they fit on a page."""
    reader, _, _, _, _ = book_pdf
    empty = book_pdf.empty_frames
    assert not empty, (f"{len(empty)} of {len(reader.pages)} pages end in an empty frame (page, box in points): "
                       f"{empty[:15]}")


def test_no_raw_tex(book_pdf):
    """KaTeX typeset every formula when the site was built: no TeX source is left in the text (a line of code that
    itself holds TeX, such as a matplotlib label, is allowed)."""
    _, texts, _, _, _ = book_pdf
    code = "\n".join(source for md in book_notebook_mds() for source in code_cells(md))
    raw = [(page + 1, line.strip()) for page, text in enumerate(texts) for line in text.splitlines()
           if any(tex in line for tex in RAW_TEX) and line.strip() not in code]
    assert not raw, f"raw TeX in the PDF (page, line): {raw[:10]}"


def page_text(html_path):
    """The words of a built page, code included (a figure is an <img>: its own text is not in it)."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html_path.read_text(), flags=re.S)
    return words(html.unescape(re.sub(r"<[^>]+>", " ", text)))


def figure_mark(svg_path, page_words):
    """A line of text that only the figure holds: the longest of its <text> lines (matplotlib writes SVG
    text as text with svg.fonttype "none") that the page's prose and code do not contain. A title that
    states a measured finding is one. None if the figure has no such line."""
    lines = [words(html.unescape(line)) for line in re.findall(r"<text\b[^>]*>([^<]+)</text>", svg_path.read_text())]
    own = [line for line in lines if len(line) > 12 and line not in page_words]
    return max(own, key=len) if own else None


def test_every_figure_is_printed(book_pdf):
    """Every figure of a chapter is in its pages of the PDF. Figures are SVG and print as vector drawings
    with their text as text, so each is found by a line of text that is in the figure and nowhere else on
    its page."""
    reader, texts, chapters, html_dir, _ = book_pdf
    bounds = [first for _, first in chapters] + [len(reader.pages)]
    missing, unmarked, checked = [], [], 0
    for (name, (_title, first)), end in zip(zip(toc_files(), chapters, strict=True), bounds[1:], strict=True):
        page = html_dir / f"{name}.html"
        printed, page_words = words(" ".join(texts[first:end])), page_text(page)
        for src in figures_in(page):
            mark = figure_mark((page.parent / src).resolve(), page_words)
            if mark is None:
                unmarked.append(f"{name}: {src}")
            elif mark not in printed:
                missing.append(f"{name}: the figure that says {mark!r} (pages {first + 1}-{end})")
            checked += 1
    assert not unmarked, ("figures with no text of their own (not SVG, or a title that the prose repeats "
                          "word for word; let the title state the measured finding):\n" + "\n".join(unmarked))
    assert checked >= 20, f"only {checked} figures were found on the site; the book has more"
    assert not missing, "figures missing from the PDF:\n" + "\n".join(missing)


def test_solutions_are_left_out(book_pdf):
    _, texts, _, _, _ = book_pdf
    shown = [i + 1 for i, text in enumerate(texts) if re.search(r"Solution to\s*Exercise \d", text)]
    assert not shown, f"pages that print a solution: {shown}"


def test_make_pdf_target():
    """`make pdf` builds the site, then prints it to _build/pdf/book.pdf (a dry run: nothing is run)."""
    result = run(["make", "-n", "pdf"])
    assert result.returncode == 0, result.stderr
    assert "tools/make_pdf.py _build/html _build/pdf/book.pdf" in result.stdout
