"""What the executed chapters show a reader, read from the clean build's executed notebooks and sources:
exercises that answer with the shared checker, figures with real alt text, glossary terms and citations in use."""

import ast
import json
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


PHONE_FIGURE_PX = 358  # a figure's width on a 390 px phone screen (the content column)
SMALLEST_TEXT_PX = 9  # body text is 16 px


def svg_figures(notebook):
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            svg = output.get("data", {}).get("image/svg+xml")
            if svg:
                yield "".join(svg) if isinstance(svg, list) else svg


def smallest_text_px(svg):
    """The smallest text of a matplotlib SVG figure, in CSS px, when the figure is shown at most 358 px wide
    (a phone at 390 px; a narrower figure keeps its own size): text of s pt in a figure w pt wide appears at
    s * 358 / w px. Returns (px, the text) or None for a figure without text elements."""
    width_pt = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', svg).group(1))
    view_width = float(re.search(r'<svg[^>]*\bviewBox="[-\d.]+ [-\d.]+ ([\d.]+) ', svg).group(1))
    shown_px = min(PHONE_FIGURE_PX, width_pt * 4 / 3)  # 1 pt = 4/3 CSS px
    found = []
    for tag, size, text in re.findall(
            r'<(text|tspan)\b[^>]*?font(?:-size)?:\s*(?:[a-z-]+ )*([\d.]+)px[^>]*>([^<]*)', svg):
        found.append((float(size) * shown_px / view_width, text.strip() or tag))
    return min(found) if found else None


@pytest.mark.parametrize("notebook", sorted((ROOT / "book").glob("*.ipynb")), ids=lambda p: p.stem)
def test_figure_text_is_readable_on_a_phone(notebook):
    """Every figure's smallest text is at least 9 CSS px on a phone (the figure shown 358 px wide). The
    reader notebooks ship the build's own figures (tools/notebooks.py), so this reads what the site shows.
    The shared plotting cell sets the sizes (4.8 in, 10-11 pt); a chapter must not shrink them."""
    figures = list(svg_figures(json.loads(notebook.read_text())))
    small = []
    for number, svg in enumerate(figures, 1):
        smallest = smallest_text_px(svg)
        assert smallest is not None, f"{notebook.stem}: figure {number} has no text elements (svg.fonttype none?)"
        if smallest[0] < SMALLEST_TEXT_PX:
            small.append(f"figure {number}: {smallest[0]:.1f} px ({smallest[1]!r})")
    assert not small, (f"{notebook.stem}: figure text under {SMALLEST_TEXT_PX} CSS px on a phone: {small}; "
                       "keep figures <= 5 in wide and text >= 10 pt (book/_shared/plotting.py)")


def test_the_phone_text_size_of_a_figure():
    """The arithmetic: 10 pt in a 6.4 in figure is 7.8 px at 358 px; 10 pt in 4.8 in is 10.4 px."""
    def svg(width_in, size):
        width = width_in * 72
        return (f'<svg width="{width}pt" height="100pt" viewBox="0 0 {width} 100">'
                f'<text style="font-size: {size}px; font-family: DejaVu Sans">tick</text></svg>')
    assert round(smallest_text_px(svg(6.4, 10))[0], 1) == 7.8
    assert round(smallest_text_px(svg(4.8, 10))[0], 1) == 10.4
    assert round(smallest_text_px(svg(2, 10))[0], 1) == 13.3  # narrower than the column: shown at its size


SHOWING_CALLS = {"print", "display", "show_table", "show_prose", "expect_error", "check_answer", "show", "glue"}


def shows_something(source):
    """Whether a code cell prints or displays something when it runs, read from its code: a call of print,
    display, plt.show, expect_error, check_answer, show_table, show_prose or glue (unless display=False) outside
    a function and outside a CUDA-only branch, or a last line that is a value (not a call, no `;`)."""
    source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    tree = ast.parse(source)

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return False
        if isinstance(node, ast.If) and "cuda" in ast.unparse(node.test):
            return any(visit(child) for child in node.orelse)
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            quiet = any(k.arg == "display" and isinstance(k.value, ast.Constant) and not k.value.value
                        for k in node.keywords)
            if name in SHOWING_CALLS and not quiet:
                return True
        return any(visit(child) for child in ast.iter_child_nodes(node))

    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and not isinstance(last.value, ast.Call) and not source.rstrip().endswith(";"):
        return True
    return any(visit(statement) for statement in tree.body)


@pytest.mark.parametrize("notebook", sorted((ROOT / "book").glob("*.ipynb")), ids=lambda p: p.stem)
def test_reader_notebook_shows_what_the_site_shows(notebook):
    """A reader who opens a reader notebook in Colab and only reads sees every output the site shows: each
    code cell that prints, displays, demonstrates an error or runs a check ships the build's output
    (tools/notebooks.py copies them from the build: make book, then make notebooks). The student editions
    are left out: they ship no output that gives an answer away."""
    cells = json.loads(notebook.read_text())["cells"]
    empty = [cell["source"].split("\n")[0][:60] for cell in cells
             if cell["cell_type"] == "code" and not cell.get("outputs") and shows_something(cell["source"])]
    assert not empty, (f"{notebook.stem}: {len(empty)} code cells that show something ship no output, e.g. "
                       f"{empty[:4]}; run make book, then make notebooks")
