"""One style for every chapter's code and for the tests: ruff over the notebooks (it reads .ipynb) and tests/."""

from conftest import BIN, run


def test_ruff_is_clean():
    result = run([str(BIN / "ruff"), "check", "--no-cache", "book", "tests", "tools"])
    assert result.returncode == 0, f"ruff found problems (fix them, or run `.venv/bin/ruff check --fix book tests tools`):\n{result.stdout}{result.stderr}"


def test_ruff_reads_the_notebooks():
    """Guard against a configuration that silently skips the notebooks."""
    result = run([str(BIN / "ruff"), "check", "--no-cache", "--show-files", "book"])
    assert ".ipynb" in result.stdout, f"ruff did not read any notebook:\n{result.stdout}"


def test_code_lines_fit_a_phone_and_the_pdf():
    """Code lines of at most 88 characters: a phone (390 px) and the printed page show them without
    scrolling or clipping. The shared cells' maintainer title line (`# @title ... (shared cell; ...)`)
    is exempt: the reader notebooks drop that note and Colab shows the title as a form."""
    import jupytext

    from conftest import ROOT, book_notebook_mds

    long_lines = []
    for md in book_notebook_mds():
        for number, cell in enumerate(jupytext.read(md).cells):
            if cell.cell_type != "code":
                continue
            for line in cell.source.splitlines():
                if len(line) > 88 and not line.startswith("# @title "):
                    long_lines.append(f"{md.name} cell {number}: {len(line)} chars: {line[:60]}...")
    for shared in sorted((ROOT / "book" / "_shared").glob("*.py")):
        for number, line in enumerate(shared.read_text().splitlines(), 1):
            if len(line) > 88 and not line.startswith("# @title "):
                long_lines.append(f"{shared.name} line {number}: {len(line)} chars")
    assert not long_lines, f"{len(long_lines)} code lines over 88 characters:\n" + "\n".join(long_lines[:40])
