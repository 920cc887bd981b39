"""The book's structure: the table of contents, and notebooks that run alone (in Colab, with nothing from this repo)."""

import ast
import re
import sys
from pathlib import Path

import jupytext
import pytest
import yaml

from conftest import ROOT, book_notebook_mds, code_cells, is_notebook, toc_files, toc_notebooks

# What a fresh Colab runtime has that the book may use, besides the standard library.
# matplotlib_inline comes with every Jupyter kernel (ipykernel and IPython need it), Colab's too
ALLOWED_THIRD_PARTY = {"torch", "numpy", "matplotlib", "matplotlib_inline", "IPython", "myst_nb",
                       # in Colab's default runtime too (book/curvature uses them)
                       "scipy", "sklearn"}
# Packages Colab lacks that a chapter may import only inside `try: ... except ImportError:`, going on
# without them (book/curvature compares with curvlinops where it is installed, and says how otherwise)
OPTIONAL_THIRD_PARTY = {"curvlinops"}
SHARED = {path.stem: path.read_text().strip() for path in (ROOT / "book" / "_shared").glob("*.py")}


def test_toc_entries_exist():
    missing = [entry for entry in toc_files() if not any((ROOT / f"{entry}{s}").exists() for s in (".md", ".ipynb"))]
    assert not missing, f"_toc.yml names pages that do not exist: {missing}"


def test_every_page_in_book_is_in_toc():
    """A page left out of _toc.yml is silently not built (only_build_toc_files)."""
    listed = {ROOT / f"{entry}.md" for entry in toc_files()}
    orphans = [str(p.relative_to(ROOT)) for p in (ROOT / "book").glob("*.md") if p not in listed]
    assert not orphans, f"pages in book/ that _toc.yml does not list: {orphans}"


def test_toc_has_the_notebooks():
    assert toc_notebooks(), "no notebook chapter found in _toc.yml"
    assert set(toc_notebooks()) == {str(p.relative_to(ROOT).with_suffix("")) for p in book_notebook_mds()}


def guarded_imports(tree):
    """The import statements inside a `try:` whose handlers catch ImportError."""
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            guarded |= {id(n) for statement in node.body for n in ast.walk(statement)}
    return guarded


def imported_modules(source):
    tree = ast.parse(source)
    guarded = guarded_imports(tree)
    for node in ast.walk(tree):
        if id(node) in guarded and isinstance(node, ast.Import) and all(
                alias.name.split(".")[0] in OPTIONAL_THIRD_PARTY for alias in node.names):
            continue  # an optional package, imported where its absence is handled
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom):
            yield ("." if node.level else node.module.split(".")[0]), node.lineno


def python_source(cell_source):
    """Cell source without IPython magics and shell escapes, which are not Python."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell_source.splitlines())


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_notebook_imports_only_what_colab_has(md):
    local_modules = {p.stem for p in ROOT.rglob("*.py") if ".venv" not in p.parts and "node_modules" not in p.parts}
    local_modules |= {p.name for p in ROOT.iterdir() if p.is_dir()}
    problems = []
    for number, source in enumerate(code_cells(md)):
        for module, line in imported_modules(python_source(source)):
            if module == "." or module in local_modules:
                problems.append(f"code cell {number}, line {line}: imports {module!r} from this repository")
            elif module not in sys.stdlib_module_names and module not in ALLOWED_THIRD_PARTY:
                problems.append(f"code cell {number}, line {line}: imports {module!r}, which a fresh Colab runtime may lack")
    assert not problems, f"{md.relative_to(ROOT)} must run alone in Colab:\n" + "\n".join(problems)


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_notebook_reads_no_file_from_repo(md):
    """Any string literal that names a file or folder of this repository (from book/ or the root) is a dependency Colab lacks."""
    problems = []
    for number, source in enumerate(code_cells(md)):
        for node in ast.walk(ast.parse(python_source(source))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and 0 < len(node.value) < 200:
                text = node.value.strip()
                if not text or "\n" in text or text in {".", ".."}:
                    continue
                for base in (md.parent, ROOT):
                    try:
                        target = (base / text).resolve()
                        exists = target.exists() and target.is_relative_to(ROOT)
                    except (OSError, ValueError):
                        exists = False
                    if exists and Path(text).name not in {"", "."}:
                        problems.append(f"code cell {number}: the string {text!r} names {base / text}")
    assert not problems, f"{md.relative_to(ROOT)} reads from the repository:\n" + "\n".join(problems)


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_exercise_checker_is_the_shared_one(md):
    """Every chapter with exercises carries the shared check_answer cell (book/_shared/checker.py) before the
    first exercise, so wrong answers read the same everywhere; no chapter defines its own."""
    text = md.read_text()
    if "{exercise-start}" not in text:
        pytest.skip("no exercises in this page")
    notebook = jupytext.read(md)
    checker_cells = [c for c in notebook.cells if c.cell_type == "code" and "def check_answer(" in c.source]
    assert len(checker_cells) == 1, f"{md.name}: expected one check_answer cell, found {len(checker_cells)}"
    assert checker_cells[0].source.strip() == SHARED["checker"], (
        f"{md.name}: the check_answer cell is not the shared cell book/_shared/checker.py; run make notebooks"
    )
    assert "hide-input" in checker_cells[0].metadata.get("tags", []), f"{md.name}: tag the check_answer cell hide-input"
    first_exercise = text.index("{exercise-start}")
    assert text.index("def check_answer(") < first_exercise, f"{md.name}: define check_answer before the first exercise"


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_no_wall_clock_timing(md):
    """Timing goes through torch.utils.benchmark, never hand-rolled clocks."""
    for number, source in enumerate(code_cells(md)):
        for forbidden in ("time.time(", "time.perf_counter(", "timeit.timeit(", "%timeit", "%%time"):
            assert forbidden not in source, f"{md.name}, code cell {number}: uses {forbidden}; time with torch.utils.benchmark.Timer"


def test_plain_pages_are_not_notebooks():
    for entry in toc_files():
        path = ROOT / f"{entry}.md"
        if path.exists() and not is_notebook(path):
            assert not path.with_suffix(".ipynb").exists(), f"{path.name} is a plain page but has an .ipynb beside it"


def chapters_in_parts(*captions):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [item["file"] for part in toc["parts"] if part.get("caption") in captions for item in part["chapters"]]


@pytest.mark.parametrize("chapter", chapters_in_parts("The core", "In practice"))
def test_chapter_has_exercises_with_solutions(chapter):
    """Every chapter ends with 2 to 4 exercises, each with a solution (the skips elsewhere must not hide a loss)."""
    text = (ROOT / f"{chapter}.md").read_text()
    exercises = re.findall(r"```\{exercise-start\}\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution-start\} (\S+)", text)
    assert 2 <= len(exercises) <= 4, f"{chapter}: {len(exercises)} exercises, expected 2 to 4"
    assert sorted(solutions) == sorted(exercises), f"{chapter}: exercises {exercises} but solutions {solutions}"
