"""tools/notebooks.py turns a MyST chapter into a notebook that reads cleanly in plain Jupyter and Colab:
each MyST construct the book uses, converted on a small chapter written for this test."""

import json
import sys
import textwrap

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import notebooks  # noqa: E402

SITE = notebooks.site_url()

CHAPTER = textwrap.dedent('''\
    ---
    jupytext:
      text_representation:
        extension: .md
        format_name: myst
        format_version: 0.13
    kernelspec:
      display_name: Python 3 (ipykernel)
      language: python
      name: python3
    ---

    # A test chapter

    A {term}`Jacobian` as in {doc}`jacobians_by_loop`, after {cite:p}`griewank2008,baydin2018`; see also
    {cite:t}`pearlmutter1994` and {doc}`that chapter <hessians_and_hvp>`.

    ```{code-cell} ipython3
    :tags: [hide-input]

    # @title Setup (shared cell; edit book/_shared/setup.py, then run make notebooks)
    ```

    ```{code-cell} ipython3
    :tags: [hide-input]

    glue("speedup", 3.14159, display=False)
    glue("winner", "jacrev", display=False)
    ```

    A plain paragraph.

    Here {glue:text}`winner` was faster by {glue:text}`speedup:.1f` times, with $\\mathbb{R}^N$ intact.

    ```{note}
    Remember this.
    ```

    ```{exercise-start}
    :label: ex-test-one
    ```

    Do the thing.

    ```{code-cell} ipython3
    answer = ...
    ```

    ```{exercise-end}
    ```

    ```{solution-start} ex-test-one
    :class: dropdown
    ```

    Because it works.

    ```{code-cell} ipython3
    answer = 42
    ```

    ```{solution-end}
    ```

    ## Summary

    Done.
    ''')


@pytest.fixture()
def chapter(tmp_path):
    path = tmp_path / "test_chapter.md"
    path.write_text(notebooks.sync_shared(CHAPTER))
    return path


def sources(cells, kind=None):
    return [c["source"] for c in cells if kind is None or c["cell_type"] == kind]


def test_roles_become_links(chapter):
    text = "\n".join(sources(notebooks.reader_cells(chapter), "markdown"))
    assert f"[Jacobian]({SITE}/book/glossary.html#term-Jacobian)" in text
    assert f"[Jacobians by a loop of backward passes]({SITE}/book/jacobians_by_loop.html)" in text
    assert f"[that chapter]({SITE}/book/hessians_and_hvp.html)" in text
    assert f"([Griewank and Walther, 2008]({SITE}/book/references.html); [Baydin et al., 2018]({SITE}/book/references.html))" in text
    assert f"[Pearlmutter (1994)]({SITE}/book/references.html)" in text
    assert "{" + "term}" not in text and "{" + "doc}" not in text and "{" + "cite" not in text


def test_measured_paragraph_becomes_a_folded_cell(chapter):
    cells = notebooks.reader_cells(chapter)
    prose = [c for c in cells if c["cell_type"] == "code" and "\nshow_prose(" in c["source"]]
    assert len(prose) == 1
    assert prose[0]["metadata"] == {"cellView": "form", "jupyter": {"source_hidden": True}}
    assert "Here {winner} was faster by {speedup:.1f} times, with $\\mathbb{R}^N$ intact." in prose[0]["source"]
    assert "A plain paragraph." in "\n".join(sources(cells, "markdown"))


def test_show_prose_fills_the_slots(capsys):
    namespace = {}
    exec(notebooks.shared_cells()["setup"], namespace)
    namespace["glue"]("speedup", 3.14159, display=False)
    namespace["glue"]("winner", "jacrev", display=False)
    shown = []
    namespace["display"] = shown.append
    namespace["show_prose"](r"Here {winner} was faster by {speedup:.1f} times, with $\mathbb{R}^N$ and {unknown}.")
    assert shown[0].data == r"Here jacrev was faster by 3.1 times, with $\mathbb{R}^N$ and {unknown}."


def test_exercise_and_folded_solution(chapter):
    cells = notebooks.reader_cells(chapter)
    text = "\n".join(sources(cells))
    assert "### Exercise 1" in text and "exercise-start" not in text and "solution-end" not in text
    solution = next(c for c in cells if c["cell_type"] == "code" and "answer = 42" in c["source"])
    assert solution["source"].startswith("# @title Solution to exercise 1")
    assert solution["metadata"]["cellView"] == "form"
    explanation = next(c for c in cells if "Because it works." in c["source"])
    assert explanation["source"].startswith("<details>") and explanation["source"].endswith("</details>")
    assert sources(cells)[-1] == "## Summary\n\nDone."


def test_student_edition_has_no_solution(chapter):
    text = "\n".join(sources(notebooks.reader_cells(chapter, edition="student")))
    assert "answer = ..." in text and "### Exercise 1" in text
    assert "answer = 42" not in text and "Because it works." not in text


def test_admonition_and_shared_cell(chapter):
    cells = notebooks.reader_cells(chapter)
    assert "> **Note.**\n>\n> Remember this." in sources(cells, "markdown")
    setup = next(c for c in cells if c["cell_type"] == "code")
    title, body = notebooks.shared_cells()["setup"].split("\n", 1)
    assert setup["source"] == "# @title Setup: imports, device, one thread, the torch check, glue\n" + body
    assert title.startswith("# @title Setup: imports, device, one thread, the torch check, glue (shared cell;")
    assert setup["metadata"]["cellView"] == "form"


def test_unknown_syntax_stops_the_tool(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text(CHAPTER.replace("A plain paragraph.", "A {numref}`fig-x` reference."))
    with pytest.raises(ValueError, match="numref"):
        notebooks.reader_cells(path)
    path.write_text(CHAPTER.replace("```{note}", "```{figure}"))
    with pytest.raises(ValueError, match="figure"):
        notebooks.reader_cells(path)


def test_output_is_deterministic(chapter):
    first = notebooks.dumps(notebooks.build_notebook(chapter))
    assert first == notebooks.dumps(notebooks.build_notebook(chapter))
    notebook = json.loads(first)
    ids = [cell["id"] for cell in notebook["cells"]]
    assert len(set(ids)) == len(ids)
    assert all(not cell.get("outputs") for cell in notebook["cells"])


def test_sync_shared_fills_and_refreshes():
    stale_cell = "```{code-cell} ipython3\n# @title Old title (shared cell; edit book/_shared/errors.py, then run make notebooks)\nold body\n```\n"
    synced = notebooks.sync_shared(stale_cell)
    assert synced == "```{code-cell} ipython3\n" + notebooks.shared_cells()["errors"] + "\n```\n"
