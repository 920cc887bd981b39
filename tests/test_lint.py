"""One style for every chapter's code and for the tests: ruff over the notebooks (it reads .ipynb) and tests/."""

from conftest import BIN, run


def test_ruff_is_clean():
    result = run([str(BIN / "ruff"), "check", "--no-cache", "book", "tests", "tools"])
    assert result.returncode == 0, f"ruff found problems (fix them, or run `.venv/bin/ruff check --fix book tests tools`):\n{result.stdout}{result.stderr}"


def test_ruff_reads_the_notebooks():
    """Guard against a configuration that silently skips the notebooks."""
    result = run([str(BIN / "ruff"), "check", "--no-cache", "--show-files", "book"])
    assert ".ipynb" in result.stdout, f"ruff did not read any notebook:\n{result.stdout}"
