"""Each MyST notebook (book/*.md) and its committed .ipynb hold the same cells, and the .ipynb has no outputs."""

import json

import jupytext
import pytest

from conftest import ROOT, book_notebook_mds

FIX = "make pair   (tools/pair.py: regenerates {md}'s .ipynb, keeping unchanged cell ids)"


def cells(path):
    return [(cell.cell_type, cell.source.strip(), sorted(cell.metadata.get("tags", []))) for cell in jupytext.read(path).cells]


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_pair_has_same_cells(md):
    ipynb = md.with_suffix(".ipynb")
    rel_md, rel_ipynb = md.relative_to(ROOT), ipynb.relative_to(ROOT)
    assert ipynb.exists(), f"{rel_md} has no paired {rel_ipynb}. Create it with: {FIX.format(md=rel_md)}"
    md_cells, nb_cells = cells(md), cells(ipynb)
    if md_cells != nb_cells:
        first = next((i for i, (a, b) in enumerate(zip(md_cells, nb_cells, strict=False)) if a != b), min(len(md_cells), len(nb_cells)))
        pytest.fail(
            f"{rel_md} and {rel_ipynb} have drifted apart ({len(md_cells)} vs {len(nb_cells)} cells; "
            f"first difference at cell {first}). The .md is the source: regenerate the .ipynb with: "
            + FIX.format(md=rel_md)
        )


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_committed_ipynb_has_no_outputs(md):
    notebook = json.loads(md.with_suffix(".ipynb").read_text())
    with_outputs = [i for i, cell in enumerate(notebook["cells"]) if cell.get("outputs") or cell.get("execution_count")]
    assert not with_outputs, (
        f"{md.with_suffix('.ipynb').relative_to(ROOT)} is committed with outputs in cells {with_outputs}; "
        f"regenerate it from the .md with: " + FIX.format(md=md.relative_to(ROOT))
    )


@pytest.mark.parametrize("md", book_notebook_mds(), ids=lambda p: p.name)
def test_pairing_is_declared(md):
    """Colab and Binder users who edit the .ipynb with jupytext installed keep the pair in sync."""
    formats = jupytext.read(md).metadata.get("jupytext", {}).get("formats", "")
    assert formats == "ipynb,md:myst", f"{md.relative_to(ROOT)}: jupytext formats is {formats!r}, expected 'ipynb,md:myst'"
