"""Run notebooks as a reader in Colab or a fresh Jupyter would: "Run all" from top to bottom.

Each notebook runs in a fresh kernel started from an empty temporary folder, with every cell tag removed
first (Colab, Binder and JupyterLab ignore tags such as raises-exception), and with `myst_nb`, `jupytext`
and `sphinx` made unimportable (a Colab runtime has none of them). A notebook fails on:
- any cell that raises (the first one stops the run, as in Colab);
- MyST syntax left in a Markdown cell (a role such as {term}`x` or a ```{directive} fence), which Jupyter
  shows as raw text;
- an object's repr in an output, such as `<IPython.core.display.Markdown object>`.

It needs only nbformat and nbclient besides the notebooks' own packages, so `make test-torch` can run it in
a throw-away environment with another torch. Usage:

    python tools/run_like_colab.py book/x.ipynb student/x.ipynb [--jobs 2] [--timeout 300]

Prints one line per notebook (seconds, or the failure) and exits 1 if any failed.
"""

import argparse
import concurrent.futures
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

MYST_ROLE = re.compile(r"\{[a-z][\w:-]*\}`")
MYST_FENCE = re.compile(r"^\s*(?:```+|:::+)\s*\{[a-z][\w:-]*\}", re.M)
MYST_TARGET = re.compile(r"^\(\S+\)=\s*$", re.M)
OBJECT_REPR = re.compile(r"<[\w.]+ object(?: at 0x[0-9a-f]+)?>")
# what kineto writes to stderr when a profile starts and stops (the shared quiet_profile silences it)
PROFILER_NOISE = re.compile(r"^USDT:|SyncActivityProfilerHandler|ActivityProfilerController", re.M)
# a value's slot left unfilled: {name} or {name:.2f} outside math, code and LaTeX commands (\mathbb{R})
GLUE_SLOT = re.compile(r"(?<![\\\w^_}])\{[A-Za-z_]\w*(?::[^{}\s]*)?\}")


def unfilled_slot(text):
    """The first {name} slot in Markdown text that nothing filled, or None (math and code are skipped)."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.S)
    text = re.sub(r"\$[^$\n]*\$", "", text)
    text = re.sub(r"`[^`\n]*`", "", text)
    found = GLUE_SLOT.search(text)
    return found.group(0) if found else None
# curvlinops is not in Colab's runtime either: blocking it runs the path a Colab reader gets (book/curvature)
BLOCKED = ("myst_nb", "jupytext", "sphinx", "curvlinops")


def markdown_problems(notebook):
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        text = re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", cell.source, flags=re.S))  # code is not syntax
        for pattern, what in ((MYST_ROLE, "a MyST role"), (MYST_FENCE, "a MyST directive"), (MYST_TARGET, "a MyST target")):
            found = pattern.search(cell.source if pattern is MYST_FENCE else text)
            if found:
                problems.append(f"markdown cell {index}: {what} left for the reader: {found.group(0)!r}")
        if unfilled_slot(cell.source):
            problems.append(f"markdown cell {index}: a value's slot left unfilled: {unfilled_slot(cell.source)!r}")
    return problems


def output_text(cell):
    """What a reader sees of each output: the richest text form (Markdown, then HTML, then plain text)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            yield output.get("text", "")
        data = output.get("data", {})
        if any(mime.startswith("image/") for mime in data):
            continue
        for mime in ("text/markdown", "text/html", "text/plain"):
            if data.get(mime):
                yield data[mime] if isinstance(data[mime], str) else "".join(data[mime])
                break


def blocker_folder():
    """A folder to put first on PYTHONPATH whose modules make myst_nb, jupytext and sphinx unimportable."""
    folder = Path(tempfile.mkdtemp(prefix="no-build-tools-"))
    for name in BLOCKED:
        (folder / f"{name}.py").write_text(f"raise ModuleNotFoundError(\"No module named '{name}' (as in Colab)\")\n")
    return folder


def colab_environment():
    """Set this process's environment as the kernels it starts must see it: the build tools blocked, and
    Jupyter's user-level kernelspecs (which could point at another Python) out of the way."""
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(blocker_folder()), os.environ.get("PYTHONPATH")]))
    os.environ["JUPYTER_DATA_DIR"] = tempfile.mkdtemp(prefix="jupyter-data-")


def run(path, timeout, env=None):
    """Execute one notebook (in the environment colab_environment sets, or in `env`, the kernel's whole
    environment, when given); return (seconds, [problems], the executed notebook)."""
    notebook = nbformat.read(path, as_version=4)
    problems = markdown_problems(notebook)
    for cell in notebook.cells:
        cell.metadata.pop("tags", None)
    workdir = tempfile.mkdtemp(prefix="colab-like-")
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": workdir}})
    start = time.perf_counter()  # the wall time of a whole notebook run, not a benchmark
    try:
        client.execute(**({"env": env} if env is not None else {}))
    except (CellExecutionError, CellTimeoutError) as error:
        failing = next((i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))), "?")
        problems.append(f"code cell at index {failing} raised:\n{str(error)[-2500:]}")
    seconds = time.perf_counter() - start
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        for text in output_text(cell):
            found = OBJECT_REPR.search(text)
            if found:
                problems.append(f"cell {index} shows an object's repr instead of its value: {found.group(0)}")
            if MYST_ROLE.search(text):
                problems.append(f"cell {index} shows MyST syntax in its output: {MYST_ROLE.search(text).group(0)!r}")
            if PROFILER_NOISE.search(text):
                problems.append(f"cell {index} shows the profiler's C++ log lines: use quiet_profile")
            if "show_prose(" in cell.source and unfilled_slot(text):
                problems.append(f"cell {index} shows a value's slot unfilled: {unfilled_slot(text)!r}")
    return seconds, problems, notebook


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=300, help="seconds a single cell may take")
    args = parser.parse_args()
    colab_environment()
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {pool.submit(run, path.resolve(), args.timeout): path for path in args.notebooks}
        for future in concurrent.futures.as_completed(futures):
            path = futures[future]
            seconds, problems, _ = future.result()
            if problems:
                failed += 1
                print(f"FAIL {path} ({seconds:.1f} s)\n  " + "\n  ".join(problems), flush=True)
            else:
                print(f"ok   {path} ({seconds:.1f} s)", flush=True)
    print(f"{len(args.notebooks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
