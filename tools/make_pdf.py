"""Print the built site to one PDF (`make pdf`): every page of _toc.yml in order, offline.

    python tools/make_pdf.py [_build/html] [_build/pdf/book.pdf]

Debian's Chromium (/usr/bin/chromium), driven by Playwright, opens each page from the built site served on
127.0.0.1, waits until every image has loaded (the math is typeset when the site is built), and prints it
with a print stylesheet: no sidebars, header or launch buttons, the exercises' solutions left out (a printed
copy is the students' copy), and code cells and boxes kept whole on a page when they fit on one (so no page
ends in the empty top of a frame whose content went to the next page). A table of contents with each
chapter's first page is printed in front. pypdf merges the pages into one PDF with one bookmark per chapter,
titled by the chapter's heading, and stamps every page's footer with the chapter's title and the book-wide
page number ("page 12 of 301"), taken from a page of footers that Chromium prints too.

Needs: `make book` first (make pdf does it), playwright (requirements-test.txt), pypdf (requirements.txt).
"""

import argparse
import asyncio
import contextlib
import functools
import html
import http.server
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# The same flags as the browser tests: no request may leave the machine.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

PRINT_CSS = """
@media print {
  /* the site's navigation and buttons mean nothing on paper */
  .bd-header, .bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, .prev-next-area,
  .header-article-items, .bd-search, .search-button-field, #pst-back-to-top, .skip-link, .headerlink,
  .theme-switch-button, .bd-footer-article, .bd-footer { display: none !important; }
  /* the students' copy: solutions are left out */
  div.solution, .solution { display: none !important; }
  /* folded code (plotting, set-up) stays folded, and its toggle line goes */
  details.hide.above-input > summary, details.hide.below-input > summary { display: none !important; }
  .bd-main .bd-content .bd-article-container { max-width: 100% !important; padding: 0 !important; }
  .bd-page-width { max-width: 100% !important; }
  pre { white-space: pre-wrap !important; word-break: break-word; }
  img { max-width: 100% !important; break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  /* A frame (a code cell's input or output, a code block, an admonition, a figure) moves to the next page
     whole when it fits on one, rather than leaving its empty top at the foot of this page. Only the
     outermost frame avoids breaks: an inner block that avoided them too would leave its frame's top behind
     whenever the frame is a little taller than a page. A frame taller than a page breaks between lines of
     its <pre>, never leaving fewer than 3 lines on either side. */
  div.cell_input, div.cell_output, div.highlight, div.admonition, figure, table, .katex-display {
    break-inside: avoid; }
  div.cell_input div, div.cell_output div, div.admonition div.highlight, div.admonition div.cell_input,
  div.admonition div.cell_output, pre { break-inside: auto !important; }
  pre { orphans: 3; widows: 3; }
  /* a table may break between rows, never inside one */
  tr { break-inside: avoid; }
}
"""

MARGIN = {"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"}

# The footers of the whole book, one A4 page each, stamped onto the printed pages by pypdf.
FOOTERS_PAGE = """<section style="height: 297mm; position: relative; break-after: page; overflow: hidden;">
 <div style="position: absolute; bottom: 7mm; left: 12mm; right: 12mm; display: flex; justify-content: space-between;
 font: 8pt sans-serif; color: #333;"><span>{title}</span><span>page {number} of {total}</span></div></section>"""

CONTENTS_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Contents</title><style>
 @page {{ size: A4; margin: 14mm 12mm 16mm 12mm; }}
 body {{ font: 11pt/1.45 sans-serif; color: #222; margin: 0; }}
 h1 {{ font-size: 22pt; font-weight: 400; margin: 0 0 2mm; }}
 p.book {{ margin: 0 0 8mm; color: #555; }}
 h2 {{ font-size: 12pt; margin: 6mm 0 1.5mm; color: #444; break-after: avoid; }}
 ol {{ list-style: none; margin: 0; padding: 0; }}
 li {{ display: flex; align-items: baseline; margin: 0 0 1.2mm; }}
 li .title {{ flex: 0 1 auto; }}
 li .dots {{ flex: 1 1 auto; border-bottom: 1px dotted #888; margin: 0 2mm; min-width: 8mm; }}
 li .page {{ flex: 0 0 auto; font-variant-numeric: tabular-nums; }}
</style></head><body><h1>Contents</h1><p class="book">{book}</p>{parts}</body></html>"""


def toc_pages(toc_path):
    """Every file entry of the table of contents, in reading order (repo-relative, no suffix)."""
    toc = yaml.safe_load(Path(toc_path).read_text())
    pages = [toc["root"]]

    def walk(items):
        for item in items or []:
            if "file" in item:
                pages.append(item["file"])
            walk(item.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def toc_parts(toc_path):
    """[(part caption or "", [pages])] in reading order: the root page first, with no caption."""
    toc = yaml.safe_load(Path(toc_path).read_text())
    parts = [("", [toc["root"]])]

    def walk(items, pages):
        for item in items or []:
            if "file" in item:
                pages.append(item["file"])
            walk(item.get("sections"), pages)
        return pages

    for part in toc.get("parts", []):
        parts.append((part.get("caption", ""), walk(part.get("chapters"), [])))
    if toc.get("chapters"):
        parts.append(("", walk(toc.get("chapters"), [])))
    return parts


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# Figures load lazily (loading="lazy"): fetch and decode them all now, as a reader scrolling down would.
LOAD_ALL_IMAGES = """async () => {
    const images = Array.from(document.images);
    images.forEach(img => { img.loading = "eager"; });
    await Promise.all(images.map(img => img.decode().catch(() => null)));
}"""


TITLE = """() => {
    const heading = document.querySelector("article h1") || document.querySelector("h1");
    if (!heading) return document.title;
    const copy = heading.cloneNode(true);
    copy.querySelectorAll(".headerlink").forEach(node => node.remove());
    return copy.textContent.replace(/\\s+/g, " ").trim();
}"""


async def print_page(context, url, path):
    """Print one page to `path`; return its title (the page's first heading)."""
    page = await context.new_page()
    try:
        await page.goto(url, wait_until="load")
        await page.evaluate(LOAD_ALL_IMAGES)
        await page.add_style_tag(content=PRINT_CSS)
        title = await page.evaluate(TITLE)
        # no footer here: make_pdf stamps the book-wide page numbers once every page is printed
        await page.pdf(path=str(path), format="A4", print_background=True, margin=MARGIN,
                       scale=0.85)  # the site's 16 px text prints at about 10 pt
        return title
    finally:
        await page.close()


class Printer:
    """One headless Chromium for the whole book, driven by Playwright's async API from an event loop of its own
    in the calling thread (so it also runs in a thread of a process whose main thread has a loop): `workers`
    pages print at once (each page renders in a process of its own), and the contents and the footers are
    printed by the same browser (a launch costs more than a second of CPU)."""

    def __enter__(self):
        from playwright.async_api import async_playwright

        self.loop = asyncio.new_event_loop()
        try:
            self.playwright = self.run(async_playwright().start())
            self.browser = self.run(self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))
        except BaseException:
            self.__exit__()
            raise
        return self

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def __exit__(self, *exc):
        try:
            if hasattr(self, "browser"):
                self.run(self.browser.close())
            if hasattr(self, "playwright"):
                self.run(self.playwright.stop())
        finally:
            self.loop.close()

    def pages(self, jobs, workers=2):
        """Print [(url, path)], `workers` at once; return the titles in the order of `jobs`."""
        return self.run(self._pages(jobs, workers))

    async def _pages(self, jobs, workers):
        context = await self.browser.new_context(viewport={"width": 1000, "height": 1300})
        todo, titles = list(enumerate(jobs)), [None] * len(jobs)

        async def work():
            while todo:
                index, (url, path) = todo.pop(0)
                titles[index] = await print_page(context, url, path)

        try:
            await asyncio.gather(*(work() for _ in range(max(1, min(workers, len(jobs))))))
        finally:
            await context.close()
        return titles

    def document(self, text, path, margin):
        """Print an HTML document (the contents, the footers: small, fast) to `path`."""
        self.run(self._document(text, path, margin))

    async def _document(self, text, path, margin):
        page = await self.browser.new_page()
        try:
            await page.set_content(text, wait_until="load")
            await page.pdf(path=str(path), format="A4", print_background=False, margin=margin)
        finally:
            await page.close()


def stamp(writer, stamps):
    """Draw stamps[i] over writer.pages[i], as a form XObject that the page draws last (in a graphics state of
    its own): what pypdf's merge_page draws, without parsing and rewriting every page's content stream (which
    took most of the merging time of a 400-page book)."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    def stream(data, **entries):
        obj = DecodedStreamObject()
        obj.set_data(data)
        obj.update({NameObject(key): value for key, value in entries.items()})
        return writer._add_object(obj)

    begin = stream(b"q\n")
    for number, (page, footer) in enumerate(zip(writer.pages, stamps, strict=True)):
        contents = footer.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        parts = contents if isinstance(contents, ArrayObject) else [contents] if contents is not None else []
        data = b"\n".join(part.get_object().get_data() for part in parts)
        resources = footer["/Resources"].clone(writer) if "/Resources" in footer else DictionaryObject()
        name = NameObject(f"/BookFooter{number}")  # unique: pages may share their resources
        form = stream(data, **{"/Type": NameObject("/XObject"), "/Subtype": NameObject("/Form"),
                               "/BBox": ArrayObject(footer.mediabox), "/Resources": resources})
        page_resources = page["/Resources"].get_object() if "/Resources" in page else None
        if page_resources is None:
            page_resources = DictionaryObject()
            page[NameObject("/Resources")] = page_resources
        if "/XObject" not in page_resources:
            page_resources[NameObject("/XObject")] = DictionaryObject()
        page_resources["/XObject"].get_object()[name] = form
        own = page["/Contents"] if "/Contents" in page else None
        own_parts = list(own.get_object()) if isinstance(own and own.get_object(), ArrayObject) else (
            [own] if own is not None else [])
        page[NameObject("/Contents")] = ArrayObject([begin, *own_parts, stream(f"Q q {name} Do Q\n".encode())])


def contents_html(parts, titles, first_pages, book_title):
    """The printed table of contents: each page of the toc with the number of its first page."""
    sections, index = [], 0
    for caption, pages in parts:
        items = []
        for _ in pages:
            items.append(f'<li><span class="title">{html.escape(titles[index])}</span><span class="dots"></span>'
                         f'<span class="page">{first_pages[index]}</span></li>')
            index += 1
        heading = f"<h2>{html.escape(caption)}</h2>" if caption else ""
        sections.append(f"{heading}<ol>{''.join(items)}</ol>")
    return CONTENTS_HTML.format(book=html.escape(book_title), parts="".join(sections))


def footers_html(footer_titles):
    total = len(footer_titles)
    pages = [FOOTERS_PAGE.format(title=html.escape(title), number=number, total=total)
             for number, title in enumerate(footer_titles, start=1)]
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><style>@page { size: A4; margin: 0; }'
            "body { margin: 0; }</style></head><body>" + "".join(pages) + "</body></html>")


def make_pdf(html_dir, out, toc=ROOT / "_toc.yml", log=print, workers=2):
    """Write the book's PDF to `out`; return [(chapter title, index of its first page)] (0-based indices
    into the PDF, whose first pages are the table of contents)."""
    from pypdf import PdfReader, PdfWriter

    html_dir, out = Path(html_dir), Path(out)
    pages = toc_pages(toc)
    missing = [name for name in pages if not (html_dir / f"{name}.html").exists()]
    if missing:
        raise SystemExit(f"{html_dir} lacks {missing}: build the site first (make book)")
    book = yaml.safe_load((ROOT / "_config.yml").read_text())
    server = serve(html_dir)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    writer, chapters = PdfWriter(), []
    with tempfile.TemporaryDirectory(prefix="book-pdf-") as folder, contextlib.ExitStack() as stack:
        folder = Path(folder)
        parts = [folder / f"{number:03d}.pdf" for number in range(len(pages))]
        start = time.perf_counter()  # progress report only
        printer = stack.enter_context(Printer())
        try:
            titles = printer.pages([(f"{base}/{name}.html", part) for name, part in zip(pages, parts, strict=True)],
                                   workers)
        finally:
            server.shutdown()
        readers = [PdfReader(part) for part in parts]
        lengths = [len(reader.pages) for reader in readers]
        # The contents come first; their own length moves every number, so print them until it is stable.
        contents, contents_length = folder / "contents.pdf", 1
        while True:
            firsts = [contents_length + 1 + sum(lengths[:index]) for index in range(len(pages))]
            text = contents_html(toc_parts(toc), titles, firsts, book.get("title", ""))
            printer.document(text, contents, MARGIN)
            printed = len(PdfReader(contents).pages)
            if printed == contents_length:
                break
            contents_length = printed
        writer.append(PdfReader(contents))
        writer.add_outline_item(title="Contents", page_number=0)
        for name, reader, title in zip(pages, readers, titles, strict=True):
            first = len(writer.pages)
            writer.append(reader)
            writer.add_outline_item(title=title, page_number=first)
            chapters.append((title, first))
            log(f"{name}: {len(writer.pages) - first} pages")
        # Footers: the chapter's title and the book-wide page number, stamped onto each page.
        footer_titles = ["Contents"] * contents_length + [title for title, length in zip(titles, lengths, strict=True)
                                                          for _ in range(length)]
        footers = folder / "footers.pdf"
        printer.document(footers_html(footer_titles), footers, {"top": "0", "bottom": "0", "left": "0", "right": "0"})
        stack.close()  # the browser is done
        stamps = PdfReader(footers)
        if len(stamps.pages) < len(writer.pages):
            raise SystemExit(f"the footers printed on {len(stamps.pages)} pages for a book of {len(writer.pages)}")
        stamp(writer, list(stamps.pages)[:len(writer.pages)])
        log(f"printed {len(pages)} pages of the table of contents and {len(writer.pages)} PDF pages "
            f"in {time.perf_counter() - start:.0f} s")
    writer.add_metadata({"/Title": book.get("title", ""), "/Author": book.get("author", "")})
    writer.page_mode = "/UseOutlines"  # open with the bookmarks shown
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as file:
        writer.write(file)
    return chapters


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", nargs="?", type=Path, default=ROOT / "_build" / "html", help="the built site")
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "_build" / "pdf" / "book.pdf")
    parser.add_argument("--toc", type=Path, default=ROOT / "_toc.yml")
    parser.add_argument("--workers", type=int, default=2, help="pages printed at once (default 2)")
    args = parser.parse_args()
    chapters = make_pdf(args.html, args.out, args.toc, workers=args.workers)
    print(f"wrote {args.out}: {len(chapters)} chapters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
