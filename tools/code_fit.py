"""How many code blocks of the built site fit their column without a sideways scroll (issue 20, item 5).

    .venv/bin/python tools/code_fit.py [_build/html]

A measurement, not a test: it serves the built site on 127.0.0.1, opens every page of _toc.yml in Debian's
Chromium at 390x844 (a phone, touch) and at 1366x900 (a laptop), unfolds every folded cell, and counts the
code blocks whose content fits (scrollWidth <= clientWidth): source code (cell inputs and code blocks) and
printed output (cell outputs) separately. Prints one line per width and kind, and the pages with the most
blocks that do not fit.
"""

import argparse
import functools
import http.server
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from make_pdf import CHROMIUM, CHROMIUM_ARGS, QuietHandler, toc_pages  # noqa: E402

VIEWS = {
    "390 px (phone)": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "1366 px (laptop)": {"viewport": {"width": 1366, "height": 900}},
}

COUNT = """() => {
    document.querySelectorAll("article details").forEach(d => { d.open = true; });
    const fits = pre => pre.scrollWidth <= pre.clientWidth + 1;
    const blocks = Array.from(document.querySelectorAll("article pre"))
        .filter(pre => pre.getClientRects().length && !pre.closest(".solution"));
    const output = pre => !!pre.closest("div.cell_output, div.output");
    const source = blocks.filter(pre => !output(pre)), printed = blocks.filter(output);
    return {source: [source.filter(fits).length, source.length], output: [printed.filter(fits).length, printed.length]};
}"""


def measure(html_dir):
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(html_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for view, options in VIEWS.items():
                context = browser.new_context(**options)
                page = context.new_page()
                for name in toc_pages(ROOT / "_toc.yml"):
                    page.goto(f"{base}/{name}.html", wait_until="load")
                    page.evaluate("() => document.fonts.ready.then(() => true)")
                    results[view, name] = page.evaluate(COUNT)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return results


def report(results):
    lines = []
    for view in VIEWS:
        pages = {name: counts for (v, name), counts in results.items() if v == view}
        for kind in ("source", "output"):
            fit = sum(counts[kind][0] for counts in pages.values())
            total = sum(counts[kind][1] for counts in pages.values())
            lines.append(f"{view:17} {kind:7} {fit:4} of {total:4} blocks fit ({100 * fit / max(total, 1):5.1f} %)")
        fit = sum(c["source"][0] + c["output"][0] for c in pages.values())
        total = sum(c["source"][1] + c["output"][1] for c in pages.values())
        lines.append(f"{view:17} all     {fit:4} of {total:4} blocks fit ({100 * fit / max(total, 1):5.1f} %)")
        worst = sorted(pages.items(), key=lambda item: -(item[1]["source"][1] - item[1]["source"][0]
                                                          + item[1]["output"][1] - item[1]["output"][0]))[:4]
        lines.append("    most overflowing: " + ", ".join(
            f"{name.split('/')[-1]} (source {c['source'][1] - c['source'][0]}/{c['source'][1]},"
            f" output {c['output'][1] - c['output'][0]}/{c['output'][1]})" for name, c in worst))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", nargs="?", default=str(ROOT / "_build" / "html"))
    args = parser.parse_args()
    print(report(measure(Path(args.html))))


if __name__ == "__main__":
    main()
