"""Which glued verdicts flip with machine load: execute chapters twice, once as they are and once beside a
second CPU load (a busy-loop process on one core, as a Colab or CI neighbour would be), and list every
glued verdict word and ratio that changes between the two runs, and every figure title whose words
change.

    .venv/bin/python tools/flips.py book/hvp.md book/jacobians_by_loop.md   # run both, compare
    .venv/bin/python tools/flips.py --compare DIR_A DIR_B                    # compare two builds

Each run writes the executed notebooks into its own folder (default /tmp/flips/quiet and
/tmp/flips/loaded), as a book build writes _build/jupyter_execute; --compare reads any two such folders
(for example the jupyter_execute folders of two `jupyter-book build --path-output` runs).

A glued value is read from the notebook's glue records (myst_nb's scrapbook outputs). What counts as a
flip:
- a glued string (a verdict word, a winner's name, a phrase) that differs;
- a glued number that is on one side of 1 in one run and on the other side in the other (a ratio whose
  direction the prose reads: "faster", "more than");
- a figure (SVG, text as <text>) whose words (titles, labels, legends), numbers aside, differ.
Numbers that move without crossing 1 are listed as "moved" when they change by more than --moved
(default 25 %), not counted as flips: the prose must not read more into them than their run shows.
Exit code 1 when there is any flip."""

import argparse
import json
import multiprocessing
import os
import re
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def busy_loop(stop):
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def execute(md_paths, out_dir, loaded, timeout=600, source=ROOT / "book"):
    """Execute each chapter's reader notebook (from `source`) into out_dir, with a busy-loop process
    when `loaded`."""
    from nbclient import NotebookClient

    out_dir.mkdir(parents=True, exist_ok=True)
    stop = multiprocessing.Event()
    load = multiprocessing.Process(target=busy_loop, args=(stop,), daemon=True) if loaded else None
    if load:
        load.start()
    try:
        for md in md_paths:
            ipynb = Path(source) / f"{Path(md).stem}.ipynb"
            nb = nbformat.read(ipynb, as_version=4)
            start = time.perf_counter()
            NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(out_dir)}}).execute()
            nbformat.write(nb, out_dir / ipynb.name)
            print(f"{'loaded' if loaded else 'quiet '} {ipynb.stem}: {time.perf_counter() - start:.0f} s", file=sys.stderr)
    finally:
        if load:
            stop.set()
            load.join(5)
            if load.is_alive():
                load.terminate()


def glued(nb):
    """{name: value} from a notebook's glue records; numbers as floats, strings as str."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook")
            if not record:
                continue
            data = output.get("data", {})
            text = data.get(record.get("mime_prefix", "") + "text/plain")
            markdown = data.get(record.get("mime_prefix", "") + "text/markdown")
            if markdown is not None:
                values[record["name"]] = ("md", markdown)
                continue
            if text is None:
                continue
            try:
                values[record["name"]] = ("num", float(text))
            except ValueError:
                values[record["name"]] = ("str", text.strip("'\""))
    return values


def titles(nb):
    """Figure titles, numbers replaced by #: the words a title's verdict is made of."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            svg = output.get("data", {}).get("image/svg+xml")
            if not svg:
                continue
            svg = "".join(svg) if isinstance(svg, list) else svg
            # with svg.fonttype "none" matplotlib writes each text as a <text> element; keep
            # those made of words (titles, labels, legends), not tick numbers
            texts = [
                re.sub(r"<[^>]+>", "", t).strip()
                for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.DOTALL)
            ]
            found.append(" | ".join(t for t in texts if re.search(r"[A-Za-z]{3}", t) and "mathdefault" not in t))
    return found


# Glued numbers that are not ratios (percentages, shares, rates, times, sizes): their crossing 1 means
# nothing. Recognised by the end or the middle of the name.
# A range's ends (_low, _high) are read as a range; a slope is read against 1 and 2 in words.
NOT_RATIOS = re.compile(
    r"(_pct|_us|_ms|_s|_mib|_kib|_mb|_gflops|_p25.*|_p75.*|_low|_high)$|share|fraction|rate|slope"
)
# Ratios whose prose says in words that they are no verdict (a range, "in this run"): listed apart.
NO_VERDICT = {"hes_ff_time_ratio", "vmap_over_jacrev"}


def words(text):
    return re.sub(r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", "#", text)


def used_in_prose(chapter):
    """The glue names the chapter's Markdown source shows (None when there is no source)."""
    md = ROOT / "book" / f"{chapter}.md"
    if not md.exists():
        return None
    text = md.read_text()
    return set(re.findall(r"\{glue(?::\w+)?\}`(\w+)", text)) | set(
        re.findall(r"```\{glue(?::\w+)?\} (\w+)", text)
    )


def compare(dir_a, dir_b, moved=0.25):
    flips, moves = [], []
    for nb_a in sorted(Path(dir_a).glob("*.ipynb")):
        nb_b = Path(dir_b) / nb_a.name
        if not nb_b.exists():
            continue
        a, b = nbformat.read(nb_a, 4), nbformat.read(nb_b, 4)
        va, vb = glued(a), glued(b)
        shown = used_in_prose(nb_a.stem)
        for name in sorted(set(va) & set(vb)):
            if shown is not None and name not in shown:
                continue  # glued but not in the prose: no reader sees it
            (kind, x), (_, y) = va[name], vb[name]
            if kind == "num":
                if (x - 1) * (y - 1) < 0 and not NOT_RATIOS.search(name):
                    line = f"{nb_a.stem}: {name} crossed 1: {x:.3g} -> {y:.3g}"
                    (moves if name in NO_VERDICT else flips).append(line)
                elif x and y and max(abs(x), abs(y)) / max(min(abs(x), abs(y)), 1e-300) > 1 + moved:
                    moves.append(f"{nb_a.stem}: {name} {x:.3g} -> {y:.3g}")
            elif words(x) != words(y):
                flips.append(f"{nb_a.stem}: {name}: {x!r} -> {y!r}")
        for ta, tb in zip(titles(a), titles(b), strict=False):
            if words(ta) != words(tb):
                flips.append(f"{nb_a.stem}: figure title: {ta!r} -> {tb!r}")
    return flips, moves


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapters", nargs="*", help="book/<chapter>.md files to execute twice")
    parser.add_argument("--compare", nargs=2, metavar=("DIR_A", "DIR_B"), help="compare two executed folders")
    parser.add_argument("--out", default="/tmp/flips", help="where the two runs go")
    parser.add_argument(
        "--notebooks", default=str(ROOT / "book"),
        help="folder of the reader notebooks to run (e.g. another commit's book/, from git show)",
    )
    parser.add_argument("--moved", type=float, default=0.25, help="relative change listed as moved")
    args = parser.parse_args()
    if args.compare:
        dir_a, dir_b = map(Path, args.compare)
    else:
        if not args.chapters:
            parser.error("name the chapters to run, or --compare two folders")
        dir_a, dir_b = Path(args.out) / "quiet", Path(args.out) / "loaded"
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        execute(args.chapters, dir_a, loaded=False, source=args.notebooks)
        execute(args.chapters, dir_b, loaded=True, source=args.notebooks)
    flips, moves = compare(dir_a, dir_b, args.moved)
    print(json.dumps({"flips": len(flips), "moved": len(moves)}))
    for line in flips:
        print("FLIP ", line)
    for line in moves:
        print("moved", line)
    return 1 if flips else 0


if __name__ == "__main__":
    sys.exit(main())
