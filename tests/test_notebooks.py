"""nbval executes every reader notebook (book/<chapter>.ipynb, what Colab, Binder and the download button
open) as a reader in Colab would run it: "Run all" in a fresh kernel, each notebook copied alone into an
empty folder, every cell tag removed (Colab and Jupyter ignore tags such as raises-exception), and with
myst_nb, jupytext and sphinx unimportable. Each chapter of _toc.yml must have been executed with every
cell passing, and what the reader sees must be readable: no MyST syntax in the Markdown cells, no object
repr such as `<IPython.core.display.Markdown object>` in an output."""

import json
import os
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import BIN, ROOT, RUNNER, notebook_seconds, run, toc_notebooks, wanted_chapters

sys.path.insert(0, str(ROOT / "tools"))
import nbformat  # noqa: E402
from exec_pool import POOL  # noqa: E402
from run_like_colab import (  # noqa: E402
    BLOCKED,
    MYST_ROLE,
    OBJECT_REPR,
    PROFILER_NOISE,
    blocker_folder,
    markdown_problems,
    output_text,
    unfilled_slot,
)

_nbval = {}


def nbval_one(notebook_path, work, env):
    """nbval over one reader notebook (--nbval-lax: the asserts inside the notebooks carry the checks), its
    copy alone in an empty folder with every tag and shipped output removed. Returns (junit report path,
    outputs file, CompletedProcess)."""
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("tags", None)
        if cell.cell_type == "code":
            # Run all replaces the shipped outputs of the book's build (and nbval refuses a cell
            # that has outputs but no execution count)
            cell.outputs, cell.execution_count = [], None
    folder = work / notebook_path.stem  # alone in an empty folder: nothing of this repository beside it
    folder.mkdir()
    copy = folder / notebook_path.name
    nbformat.write(notebook, copy)
    outputs_dir = work / "outputs"
    report = work / f"{notebook_path.stem}.junit.xml"
    # `python -m pytest`, started as a fork of the runner server when the run has one (conftest.RUNNER)
    start = [str(BIN / "python"), "-m"]
    if RUNNER["socket"]:
        start = [str(BIN / "python"), str(ROOT / "tools" / "fork_kernel.py"), "run-module"]
        env = dict(env, FORK_KERNEL_SOCKET=RUNNER["socket"])
    process = run(
        [*start, "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-p", "nbval_outputs",
         "-q", f"--junitxml={report}", "-o", "junit_family=xunit1", "--rootdir", str(folder), str(copy)],
        cwd=folder, extra_env=dict(env, NBVAL_OUTPUTS_DIR=str(outputs_dir)),
    )
    return report, outputs_dir / f"{notebook_path.stem}.jsonl", process


def prefetch(items, tmp_path_factory):
    """Hand the execution pool one nbval run per reader notebook (conftest calls this at collection)."""
    if any("nbval_results" in item.fixturenames for item in items):
        start_nbval(tmp_path_factory, wanted_chapters(items, "nbval_results"))


def start_nbval(tmp_path_factory, chapters=None):
    """One pool job per reader notebook (or per chapter of `chapters`, when a run selects a few)."""
    if _nbval:
        return
    work = tmp_path_factory.mktemp("nbval")
    (work / "outputs").mkdir()
    env = {
        # the kernel inherits this: no build tools, no user-level kernelspec pointing elsewhere
        "PYTHONPATH": os.pathsep.join([str(blocker_folder()), str(ROOT / "tests")]),
        "JUPYTER_DATA_DIR": str(tmp_path_factory.mktemp("jupyter-data")),
    }
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        if chapters is not None and path.stem not in chapters:
            continue
        _nbval[path.name] = POOL.submit("nbval", path.stem, nbval_one, path, work, env,
                                        estimate=notebook_seconds(path.stem) + 3)


@pytest.fixture(scope="session")
def nbval_results(tmp_path_factory):
    """nbval over copies of every book/*.ipynb, one notebook per slot of the execution pool. Returns
    ({notebook: [(cell, failure text or None)]}, {notebook: [outputs of each executed code cell]},
    the CompletedProcess of each notebook's nbval run)."""
    start_nbval(tmp_path_factory)
    results, outputs, processes = {}, {}, {}
    for name, future in _nbval.items():
        report, outputs_file, processes[name] = future.result()
        if report.exists():
            for case in ET.parse(report).getroot().iter("testcase"):
                notebook = os.path.basename(case.get("file") or case.get("classname", "").replace(".", "/"))
                failure = case.find("failure")
                if failure is None:
                    failure = case.find("error")
                text = None if failure is None else (failure.get("message", "") + "\n" + (failure.text or ""))
                results.setdefault(notebook, []).append((case.get("name"), text))
        if outputs_file.exists():
            outputs[outputs_file.stem] = [json.loads(line) for line in outputs_file.read_text().splitlines()]
    return results, outputs, processes


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_chapter_runs_like_colab(chapter, nbval_results):
    results, _, process = nbval_results
    name = f"{chapter.rsplit('/', 1)[-1]}.ipynb"
    cells = results.get(name)
    process = process.get(name)
    assert cells, (
        f"{chapter}.ipynb (listed in _toc.yml) was not executed by nbval. nbval saw: {sorted(results)}\n"
        + (process.stdout[-2000:] + process.stderr[-2000:] if process else f"no nbval run of {name}")
    )
    failures = [(cell, text) for cell, text in cells if text is not None]
    assert not failures, f"{chapter}.ipynb: {failures[0][0]} failed when run like Colab:\n{failures[0][1][-3000:]}"


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_reader_sees_values_not_reprs(chapter, nbval_results):
    _, outputs, _ = nbval_results
    stem = chapter.rsplit("/", 1)[-1]
    assert stem in outputs, f"no outputs were recorded for {stem}.ipynb"
    problems = []
    for record in outputs[stem]:
        for text in output_text({"outputs": record["outputs"]}):
            if OBJECT_REPR.search(text):
                problems.append(f"{record['cell']}: {OBJECT_REPR.search(text).group(0)}")
            if MYST_ROLE.search(text):
                problems.append(f"{record['cell']}: MyST syntax {MYST_ROLE.search(text).group(0)!r}")
            if PROFILER_NOISE.search(text):
                problems.append(f"{record['cell']}: the profiler's log lines (use quiet_profile)")
            if "show_prose(" in record["source"] and unfilled_slot(text):
                problems.append(f"{record['cell']}: a value's slot left unfilled {unfilled_slot(text)!r}")
    silent = [r["cell"] for r in outputs[stem] if "show_prose(" in r["source"] and not r["outputs"]]
    problems += [f"{cell}: a measured paragraph that showed nothing" for cell in silent]
    assert not problems, f"{stem}.ipynb shows the reader something unreadable: {problems}"


def generated_notebooks():
    return sorted((ROOT / "book").glob("*.ipynb")) + sorted((ROOT / "student").glob("*.ipynb"))


@pytest.mark.parametrize("path", generated_notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_myst_syntax_for_jupyter_readers(path):
    problems = markdown_problems(nbformat.read(path, as_version=4))
    assert not problems, f"{path.relative_to(ROOT)}: Jupyter and Colab would show this raw:\n" + "\n".join(problems)


def test_blocked_modules_cannot_be_imported():
    """The Colab-like run is only honest if the build tools really are unimportable in its kernel."""
    folder = blocker_folder()
    for module in BLOCKED:
        result = run([str(BIN / "python"), "-c", f"import {module}"], extra_env={"PYTHONPATH": str(folder)})
        assert result.returncode != 0 and "as in Colab" in result.stderr, f"{module} was importable: {result.stderr}"


def test_unfilled_slots_are_found():
    """The slot check is only worth something if it finds a slot and leaves math, code and LaTeX alone."""
    assert unfilled_slot("The table:\n\n{cost_table}\n") == "{cost_table}"
    assert unfilled_slot("faster by {speedup:.1f} times") == "{speedup:.1f}"
    clean = "$\\mathbb{R}^{N}$ and $$J_{ij}$$ and `d = {k: v}` and x^{2} and \\frac{a}{b}"
    assert unfilled_slot(clean) is None
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("A result: {fit_table}")])
    assert any("unfilled" in problem for problem in markdown_problems(notebook))


@pytest.mark.parametrize("path", generated_notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_folded_cells_are_folded_in_colab_too(path):
    """JupyterLab folds a cell by `source_hidden`; Colab only by `cellView: form` with a `# @title` line.
    Every folded cell needs both, or Colab shows the code that the site and JupyterLab fold away."""
    notebook = nbformat.read(path, as_version=4)
    unfolded = [index for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
                and cell.metadata.get("jupyter", {}).get("source_hidden")
                and not (cell.metadata.get("cellView") == "form" and cell.source.startswith("# @title "))]
    assert not unfolded, f"{path.relative_to(ROOT)}: cells {unfolded} are folded in JupyterLab, not in Colab"


def figure_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code" and "plt.show()" in cell.source]


@pytest.mark.parametrize("path", sorted((ROOT / "book").glob("*.ipynb")), ids=lambda p: p.name)
def test_reader_notebook_ships_the_books_measurements(path):
    """A reader who opens a notebook and only reads sees the book's own results: every measured paragraph
    and every figure carries the output of the build, under one stamp at the top that says so
    (`make book`, then `make notebooks`)."""
    notebook = nbformat.read(path, as_version=4)
    stamps = [cell for cell in notebook.cells if cell.metadata.get("book", {}).get("role") == "stamp"]
    assert len(stamps) == 1 and any("the book's own run" in text for text in output_text(stamps[0])), (
        f"{path.name}: no stamp of the book's run at the top; run make book, then make notebooks")
    prose = [cell for cell in notebook.cells if cell.metadata.get("book", {}).get("role") == "prose"]
    empty = [cell.source.split("\n")[1][:70] for cell in prose + figure_cells(notebook)
             if not "".join(output_text(cell)).strip()]
    assert not empty, (f"{path.name}: {len(empty)} measured paragraphs or figures carry no output of the "
                       f"book's build, e.g. {empty[:3]}; run make book, then make notebooks")
    unfilled = [text for cell in prose for text in output_text(cell) if unfilled_slot(text)]
    assert not unfilled, f"{path.name}: a shipped paragraph has an unfilled slot: {unfilled[0][:200]}"
    blank = [cell.source.split("\n")[0] for cell in figure_cells(notebook)
             if not any(mime.startswith("image/") for output in cell.outputs for mime in output.get("data", {}))]
    assert not blank, f"{path.name}: figure cells without the build's figure: {blank}"
