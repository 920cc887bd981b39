"""What the executed chapters show a reader, read from the clean build's executed notebooks and sources:
exercises that answer with the shared checker, figures with real alt text, glossary terms and citations in use."""

import re

import jupytext
import pytest

from conftest import ROOT, executed_chapter, toc_files, toc_notebooks


def executed(clean_build, chapter):
    notebook = executed_chapter(clean_build, chapter)  # from the build's execution cache
    assert notebook is not None, f"the build did not execute {chapter} (its execution cache has no run of it)"
    return notebook


def text_output(cell):
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append("".join(output["text"]) if isinstance(output["text"], list) else output["text"])
        elif "data" in output and "text/plain" in output["data"]:
            data = output["data"]["text/plain"]
            parts.append("".join(data) if isinstance(data, list) else data)
    return "".join(parts)


def exercise_and_solution_cells(chapter):
    """Indices of code cells inside exercise-start/end and solution-start/end blocks of the .md source."""
    notebook = jupytext.read(ROOT / f"{chapter}.md")
    inside, exercises, solutions = None, [], []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            for marker in re.findall(r"\{(exercise|solution)-(start|end)\}", cell.source):
                inside = marker[0] if marker[1] == "start" else None
        elif cell.cell_type == "code" and inside == "exercise":
            exercises.append(index)
        elif cell.cell_type == "code" and inside == "solution":
            solutions.append(index)
    return exercises, solutions


@pytest.mark.parametrize("chapter", toc_notebooks())
def test_exercises_show_hints_and_solutions_pass(chapter, clean_build):
    exercises, solutions = exercise_and_solution_cells(chapter)
    if not exercises:
        pytest.skip("no exercises in this page")
    cells = executed(clean_build, chapter)["cells"]
    assert solutions, f"{chapter}: exercises without solutions"
    for index in exercises:
        out = text_output(cells[index])
        assert "✗" in out, (
            f"{chapter}, exercise cell {index}: run unanswered it should print the checker's hint (✗ ...); it printed {out!r}"
        )
        results = [o for o in cells[index].get("outputs", []) if o.get("output_type") == "execute_result"]
        assert not results, f"{chapter}, exercise cell {index} also shows its last value {text_output(cells[index])!r}: end the check_answer call with ';'"
    for index in solutions:
        out = text_output(cells[index])
        assert "✗" not in out, f"{chapter}, solution cell {index} fails its own check: {out!r}"
    assert any("✓" in text_output(cells[i]) for i in solutions), f"{chapter}: no solution confirms itself with ✓"


@pytest.mark.parametrize("page", toc_files())
def test_figures_have_descriptive_alt_text(page, clean_build):
    _, html = clean_build
    text = (html / f"{page}.html").read_text()
    for tag in re.findall(r"<img\b[^>]*>", text):
        if "_images/" not in tag:
            continue  # theme icons (logos in buttons) are labelled by the theme
        alt = re.search(r'alt="([^"]*)"', tag)
        alt = alt.group(1) if alt else ""
        assert len(alt.split()) >= 8 and not re.search(r"\.(png|svg|jpg)\b", alt), (
            f"{page}: a figure's alt text must describe what it shows (at least a sentence), got {alt!r}; "
            "set it in the cell metadata (mystnb: image: alt: ...)"
        )
        src = re.search(r'src="([^"]*)"', tag).group(1)
        assert src.endswith(".svg"), (
            f"{page}: figure {src} is not SVG; the set-up cell's set_matplotlib_formats('svg') makes every figure "
            "a vector image (sharp on a phone, smaller gzipped)"
        )


def glossary_terms():
    text = (ROOT / "book" / "glossary.md").read_text()
    block = text.split(":::{glossary}", 1)[1].split(":::", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.startswith((" ", "\t"))]


@pytest.mark.parametrize("term", glossary_terms())
def test_glossary_term_is_linked_from_a_chapter(term):
    chapters = [ROOT / f"{chapter}.md" for chapter in toc_notebooks()]
    pattern = re.compile(r"\{term\}`(?:[^`<]*<)?" + re.escape(term) + r">?`", re.I)
    assert any(pattern.search(path.read_text()) for path in chapters), (
        f"the glossary term {term!r} is not linked ({{term}}`{term}`) from any chapter"
    )


def test_every_reference_is_cited():
    keys = re.findall(r"^@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text(), flags=re.M)
    pages = " ".join((ROOT / f"{entry}.md").read_text() for entry in toc_files())
    cited = set(re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", pages))
    cited = {key.strip() for group in cited for key in group.split(",")}
    uncited = [key for key in keys if key not in cited]
    assert not uncited, f"references.bib entries that no page cites (cite them where the idea is used, or remove them): {uncited}"
