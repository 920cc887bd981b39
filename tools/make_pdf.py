"""Print the built site to one PDF (`make pdf`): every page of _toc.yml in order, offline.

    python tools/make_pdf.py [_build/html] [_build/pdf/book.pdf]

Debian's Chromium (/usr/bin/chromium), driven by Playwright, opens each page from the built site served on
127.0.0.1, waits until MathJax has typeset the math and every image has loaded, and prints it with a print
stylesheet: no sidebars, header or launch buttons, and the exercises' solutions left out (a printed copy is
the students' copy). Each page's footer gives the chapter's title and its page number. pypdf then merges the
pages into one PDF with one bookmark per chapter, titled by the chapter's heading.

Needs: `make book` first (make pdf does it), playwright (requirements-test.txt), pypdf (requirements.txt).
"""

import argparse
import functools
import html
import http.server
import queue
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
}
"""

FOOTER = """<div style="font-size: 8pt; width: 100%; margin: 0 12mm; display: flex; justify-content: space-between;
 font-family: sans-serif; color: #333;"><span>{title}</span>
 <span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>"""


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


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def print_page(context, url, path):
    """Print one page to `path`; return its title (the page's first heading)."""
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        if page.locator("script[src*='mathjax']").count():
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=30000)
            page.evaluate("() => MathJax.startup.promise")
        page.evaluate(
            """async () => {
                const images = Array.from(document.images);
                images.forEach(img => { img.loading = "eager"; });
                await Promise.all(images.map(img => img.decode().catch(() => null)));
            }"""
        )
        page.add_style_tag(content=PRINT_CSS)
        title = page.evaluate(
            """() => {
                const heading = document.querySelector("article h1") || document.querySelector("h1");
                if (!heading) return document.title;
                const copy = heading.cloneNode(true);
                copy.querySelectorAll(".headerlink").forEach(node => node.remove());
                return copy.textContent.replace(/\\s+/g, " ").trim();
            }"""
        )
        page.pdf(
            path=str(path), format="A4", print_background=True, display_header_footer=True,
            header_template="<span></span>", footer_template=FOOTER.format(title=html.escape(title)),
            margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
            scale=0.85,  # the site's 16 px text prints at about 10 pt
        )
        return title
    finally:
        page.close()


def print_pages(base, jobs, workers=2):
    """Print [(url, path)] with `workers` browsers at once (Chromium renders a PDF on one core); return the
    titles in the order of `jobs`. Each thread has its own Playwright, as Playwright's sync API requires."""
    from playwright.sync_api import sync_playwright

    todo = queue.Queue()
    for index, job in enumerate(jobs):
        todo.put((index, job))
    titles, errors = [None] * len(jobs), []

    def work():
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1000, "height": 1300})
                while True:
                    try:
                        index, (url, path) = todo.get_nowait()
                    except queue.Empty:
                        break
                    titles[index] = print_page(context, url, path)
                browser.close()
        except Exception as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(max(1, min(workers, len(jobs))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return titles


def make_pdf(html_dir, out, toc=ROOT / "_toc.yml", log=print, workers=2):
    """Write the book's PDF to `out`; return [(chapter title, index of its first page)]."""
    from pypdf import PdfReader, PdfWriter

    html_dir, out = Path(html_dir), Path(out)
    pages = toc_pages(toc)
    missing = [name for name in pages if not (html_dir / f"{name}.html").exists()]
    if missing:
        raise SystemExit(f"{html_dir} lacks {missing}: build the site first (make book)")
    server = serve(html_dir)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    writer, chapters = PdfWriter(), []
    with tempfile.TemporaryDirectory(prefix="book-pdf-") as folder:
        parts = [Path(folder) / f"{number:03d}.pdf" for number in range(len(pages))]
        start = time.perf_counter()  # progress report only
        try:
            titles = print_pages(base, [(f"{base}/{name}.html", part) for name, part in zip(pages, parts, strict=True)],
                                 workers)
        finally:
            server.shutdown()
        for name, part, title in zip(pages, parts, titles, strict=True):
            first = len(writer.pages)
            writer.append(PdfReader(part))
            writer.add_outline_item(title=title, page_number=first)
            chapters.append((title, first))
            log(f"{name}: {len(writer.pages) - first} pages")
        log(f"printed {len(pages)} pages of the table of contents in {time.perf_counter() - start:.0f} s")
    book = yaml.safe_load((ROOT / "_config.yml").read_text())
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
