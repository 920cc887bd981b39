"""What is generated from the chapters' .md sources (tools/notebooks.py, `make notebooks`) is committed and
current: the shared cells in every chapter, the reader notebooks book/*.ipynb and the student editions
student/*.ipynb. The comparison is the tool's own (`stale`), so the tool and this test cannot disagree; it
reads no execution output, so timing noise cannot trip it. Also: one source for every shared helper, and
no error demonstration that relies on a cell tag."""

import ast
import sys

import jupytext
import pytest

from conftest import ROOT, book_notebook_mds

sys.path.insert(0, str(ROOT / "tools"))
import notebooks  # noqa: E402

FIX = "regenerate with: make notebooks   (tools/notebooks.py; the .md is the source, never edit the .ipynb)"


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_generated_files_are_current(md):
    stale = [str(path.relative_to(ROOT)) for path in notebooks.stale([md])]
    assert not stale, f"out of date with {md.relative_to(ROOT)}: {stale}; " + FIX


def test_no_generated_file_without_a_source():
    sources = {md.stem for md in book_notebook_mds()}
    orphans = [str(p.relative_to(ROOT)) for p in [*(ROOT / "book").glob("*.ipynb"), *(ROOT / "student").glob("*.ipynb")]
               if p.stem not in sources]
    assert not orphans, f"notebooks without a book/<name>.md source (delete them): {orphans}"


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_first_code_cell_is_the_shared_setup(md):
    first = next(cell for cell in jupytext.read(md).cells if cell.cell_type == "code")
    assert notebooks.shared_name(first.source) == "setup", (
        f"{md.name}: the first code cell must be the shared setup cell (its first line is the first line of "
        "book/_shared/setup.py): it sets the device, the thread count, the torch check and glue"
    )


def top_level_names(source):
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return names


SHARED_NAMES = {name: top_level_names(source) for name, source in notebooks.shared_cells().items()}


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_shared_helpers_are_not_redefined(md):
    """A helper that a shared cell defines lives only there. A deliberate variant stays, with its reason in a
    comment `# variant: ...` in the same cell."""
    shared = set().union(*SHARED_NAMES.values()) - {"display"}
    problems = []
    for number, cell in enumerate(jupytext.read(md).cells):
        if cell.cell_type != "code" or notebooks.shared_name(cell.source) or "# variant:" in cell.source:
            continue
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines())
        again = top_level_names(source) & shared
        if again:
            problems.append(f"cell {number} defines {sorted(again)}")
    assert not problems, f"{md.name} redefines shared helpers (use the shared cells in book/_shared/): {problems}"


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_no_cell_relies_on_a_tag_to_run(md):
    """Colab and Jupyter "Run all" ignore raises-exception: an error is shown with expect_error instead."""
    tagged = [i for i, cell in enumerate(jupytext.read(md).cells)
              if {"raises-exception", "skip-execution"} & set(cell.metadata.get("tags", []))]
    assert not tagged, f"{md.name}: cells {tagged} rely on a tag; wrap the failing call in `with expect_error(...)`"
