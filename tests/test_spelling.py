"""The prose and the comments are spelled right: codespell over the repository's sources (book/*.md, the
shared cells, tools, tests, the READMEs), with the project's own words in .codespell-words.txt."""

from conftest import BIN, run


def test_codespell_finds_no_misspelling():
    result = run([str(BIN / "codespell"), "."])
    assert result.returncode == 0, (
        "codespell found misspellings (fix them, or add a real word of this book to .codespell-words.txt):\n"
        + result.stdout + result.stderr
    )


def test_codespell_reads_the_chapters(tmp_path):
    """Guard against a configuration that silently skips the book: a planted typo in a copy must be found."""
    planted = tmp_path / "chapter.md"
    typo = "rec" + "ieved"  # spelled apart, so that this file itself passes codespell
    planted.write_text(f"The Jacobian is {typo} from the backward pass.\n")
    result = run([str(BIN / "codespell"), str(planted)])
    assert result.returncode != 0 and typo in result.stdout
