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
    assert prose[0]["metadata"] == {"cellView": "form", "jupyter": {"source_hidden": True}, "book": {"role": "prose"}}
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


def test_block_glue_becomes_a_cell_that_shows_it(tmp_path):
    """A `{glue:md}` block (a measured table) must not reach the reader as a bare {name}."""
    path = tmp_path / "table.md"
    path.write_text(CHAPTER.replace("A plain paragraph.", "The table:\n\n```{glue:md} cost_table\n:format: myst\n```\n"))
    cells = notebooks.reader_cells(path)
    assert not any("{cost_table}" in c["source"] for c in cells if c["cell_type"] == "markdown")
    table = [c for c in cells if c["cell_type"] == "code" and "show_prose('{cost_table}')" in c["source"].replace('"', "'")
             or "show_prose(r'''{cost_table}''')" in c["source"]]
    assert len(table) == 1 and table[0]["metadata"]["book"] == {"role": "prose"}


def test_cells_say_their_part_in_the_exercises(chapter):
    cells = notebooks.build_notebook(chapter)["cells"]
    roles = {c["source"].split("\n")[-1]: c["metadata"].get("book") for c in cells if c["cell_type"] == "code"}
    assert roles["answer = ..."] == {"role": "exercise", "exercise": 1, "label": "ex-test-one"}
    assert roles["answer = 42"] == {"role": "solution", "exercise": 1, "label": "ex-test-one"}
    setup = next(c for c in cells if c["metadata"].get("book", {}).get("role") == "shared")
    assert setup["metadata"]["book"] == {"role": "shared", "name": "setup"}
    glue_cell = next(c for c in cells if c["cell_type"] == "code" and 'glue("winner"' in c["source"])
    assert glue_cell["metadata"]["cellView"] == "form" and glue_cell["source"].startswith("# @title ")


def executed_copy(chapter, setup_line="torch 2.13.0+cpu on cpu, 1 thread"):
    """The chapter as the book's build would have executed it: glued values, a figure, a setup line, the
    checker's lines of the exercise and of its solution."""
    import jupytext as jt

    notebook = json.loads(jt.writes(jt.read(chapter), fmt="ipynb"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    code[0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": setup_line + "\n"}]
    code[0]["metadata"]["execution"] = {"iopub.execute_input": "2026-12-05T10:00:00.000Z"}
    code[1]["outputs"] = [
        {"output_type": "display_data", "metadata": {"scrapbook": {"name": "winner", "mime_prefix": ""}},
         "data": {"text/plain": "'jacrev'"}},
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}},
    ]
    code[2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "✗ answer: not given\n"}]
    code[3]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "✓ answer: correct\n"},
                          {"output_type": "execute_result", "execution_count": 7, "metadata": {},
                           "data": {"text/plain": "True"}}]
    return notebook


def fake_cache(folder, notebooks_by_chapter):
    """An execution cache as jupyter-cache writes it: {chapter: executed notebook}."""
    import sqlite3

    folder.mkdir()
    with sqlite3.connect(folder / "global.db") as db:
        db.execute("create table nbcache (hashkey text, uri text, created text)")
        for n, (stem, executed) in enumerate(notebooks_by_chapter.items()):
            (folder / "executed" / f"k{n}").mkdir(parents=True)
            (folder / "executed" / f"k{n}" / "base.ipynb").write_text(json.dumps(executed))
            db.execute("insert into nbcache values (?, ?, '2026-12-04 09:00:00')", (f"k{n}", f"/x/book/{stem}.md"))
    return folder


def machine_notebook(cpu="Test CPU 9000 @ 3.0GHz"):
    """What the timing_machine chapter records in a build: the processor, glued as machine_cpu."""
    scrap = {"scrapbook": {"name": "machine_cpu", "mime_prefix": "application/papermill.record/"}}
    output = {"output_type": "display_data", "metadata": scrap,
              "data": {"application/papermill.record/text/plain": repr(cpu)}}
    return {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [output]}]}


def built(chapter, tmp_path, edition="reader"):
    cache = fake_cache(tmp_path / "cache", {chapter.stem: executed_copy(chapter), "timing_machine": machine_notebook()})
    measured = notebooks.BuildOutputs.of(chapter, tmp_path / "nowhere", cache)
    assert measured is not None
    return notebooks.build_notebook(chapter, edition, measured=measured)["cells"]


def all_text(cell):
    return "".join(notebooks.text_of(o.get("text", "")) + "".join(notebooks.text_of(v) for v in o.get("data", {}).values())
                   for o in cell["outputs"])


def test_build_outputs_ship_the_books_measurements(chapter, tmp_path):
    folder = tmp_path / "executed"
    folder.mkdir()
    (folder / f"{chapter.stem}.ipynb").write_text(json.dumps(executed_copy(chapter)))
    # myst-nb keeps the values glued with display=False in a file of their own
    scrap = {"scrapbook": {"name": "speedup", "mime_prefix": "application/papermill.record/"}}
    glued = {"speedup": {"output_type": "display_data", "metadata": scrap, "data": {"text/plain": "3.14159"}}}
    (folder / f"{chapter.stem}.glue.json").write_text(json.dumps(glued))
    measured = notebooks.BuildOutputs.of(chapter, folder, tmp_path / "no-cache")
    assert measured is not None
    cells = notebooks.build_notebook(chapter, measured=measured)["cells"]
    prose = next(c for c in cells if c["metadata"].get("book", {}).get("role") == "prose")
    shown = prose["outputs"][0]["data"]["text/markdown"]
    assert shown == "Here jacrev was faster by 3.1 times, with $\\mathbb{R}^N$ intact."
    figure = next(c for c in cells if c["cell_type"] == "code" and 'glue("winner"' in c["source"])
    assert [list(o["data"]) for o in figure["outputs"]] == [["text/markdown"], ["text/plain"], ["image/png", "text/plain"]]
    # a build of another source counts for nothing, and without a build the committed outputs stay
    chapter.write_text(chapter.read_text().replace("answer = ...", "answer = None"))
    assert notebooks.BuildOutputs.of(chapter, folder, tmp_path / "no-cache") is None
    previous = {"cells": cells}
    kept = notebooks.build_notebook(chapter, previous=previous)["cells"]
    assert next(c for c in kept if c["id"] == prose["id"])["outputs"] == prose["outputs"]


def test_build_outputs_come_first_from_the_execution_cache(chapter, tmp_path):
    """The execution cache keeps every output, figures included, with the glued values inline."""
    executed = executed_copy(chapter)
    scrap = {"scrapbook": {"name": "speedup", "mime_prefix": "application/papermill.record/"}}
    code = [c for c in executed["cells"] if c["cell_type"] == "code"]
    code[1]["outputs"].insert(0, {"output_type": "display_data", "metadata": scrap,
                                  "data": {"application/papermill.record/text/plain": "2.5"}})
    cache = fake_cache(tmp_path / "cache", {chapter.stem: executed})
    measured = notebooks.BuildOutputs.of(chapter, tmp_path / "nowhere", cache)
    assert measured is not None and measured.glued["speedup"]["text/plain"] == "2.5"
    cells = notebooks.build_notebook(chapter, measured=measured)["cells"]
    figure = next(c for c in cells if c["cell_type"] == "code" and 'glue("winner"' in c["source"])
    assert any("image/png" in o["data"] for o in figure["outputs"])
    # a value glued with display=False shows nowhere on the site, so not in the notebook either
    assert not any("application/papermill.record/text/plain" in o["data"] for o in figure["outputs"])
    assert not any("scrapbook" in o["metadata"] for o in figure["outputs"])


def test_every_output_of_the_build_is_shipped(chapter, tmp_path):
    """Prints, checks and results show before the reader runs anything, as the site shows them."""
    cells = built(chapter, tmp_path)
    code = {c["source"].split("\n")[-1]: c for c in cells if c["cell_type"] == "code"}
    assert all_text(code["answer = ..."]) == "✗ answer: not given\n"
    solution = code["answer = 42"]
    assert [o["output_type"] for o in solution["outputs"]] == ["stream", "execute_result"]
    assert solution["outputs"][1]["execution_count"] is None and solution["execution_count"] is None
    setup = next(c for c in cells if c["metadata"].get("book", {}).get("role") == "shared")
    assert all_text(setup) == "torch 2.13.0+cpu on cpu, 1 thread\n"


def test_student_edition_ships_no_answer(chapter, tmp_path):
    cells = built(chapter, tmp_path, edition="student")
    exercise = next(c for c in cells if c["metadata"].get("book", {}).get("role") == "exercise")
    assert exercise["outputs"] == []
    text = "".join(all_text(c) for c in cells if c["cell_type"] == "code")
    assert "✓" not in text and "✗" not in text
    assert "torch 2.13.0+cpu" in text  # the rest is shipped


def test_one_stamp_at_the_top_names_the_machine(chapter, tmp_path):
    cells = built(chapter, tmp_path)
    assert [c["cell_type"] for c in cells[:3]] == ["markdown", "markdown", "code"]
    stamp = cells[2]
    assert stamp["metadata"]["book"] == {"role": "stamp"} and stamp["metadata"]["cellView"] == "form"
    text = all_text(stamp)
    for part in ("Test CPU 9000 @ 3.0GHz", "1 thread", "torch 2.13.0+cpu", "2026-12-05"):
        assert part in text, (part, text)
    everything = "".join(all_text(c) for c in cells if c["cell_type"] == "code")
    assert everything.count("Test CPU 9000") == 1 and everything.count("2026-12-05") == 1
    assert "measured when the book was built" not in everything
    # a figure says once, briefly, that it is the book's run until the reader reruns it
    figure = next(c for c in cells if c["cell_type"] == "code" and 'glue("winner"' in c["source"])
    assert all_text(figure).count("the book's run") == 1


def test_folded_paragraphs_have_short_neutral_titles(chapter, tmp_path):
    path = tmp_path / "table.md"
    path.write_text(CHAPTER.replace("A plain paragraph.", "The table:\n\n```{glue:md} cost_table\n:format: myst\n```\n"))
    cells = notebooks.reader_cells(path)
    titles = [c["source"].split("\n")[0] for c in cells if c["metadata"].get("book", {}).get("role") == "prose"]
    assert titles == ["# @title Table of the measurements", "# @title Here … was faster by … times …"]
    long = "A plain [linked](https://x.org) sentence about $D$ and {speedup:.1f} that goes on and on."
    assert notebooks.prose_title(long) == "A plain linked sentence about … and …"


def test_staleness_ignores_shipped_outputs(chapter, tmp_path, monkeypatch):
    """CI has no build: notebooks that ship a build's outputs are current as long as their cells are."""
    monkeypatch.setattr(notebooks, "STUDENT_DIR", tmp_path / "student")
    (tmp_path / "student").mkdir()
    cache = fake_cache(tmp_path / "cache", {chapter.stem: executed_copy(chapter), "timing_machine": machine_notebook()})
    measured = notebooks.BuildOutputs.of(chapter, tmp_path / "nowhere", cache)
    for path, text in notebooks.outputs(chapter, measured).items():
        path.write_text(text)
    reader = json.loads(chapter.with_suffix(".ipynb").read_text())
    assert sum(bool(c.get("outputs")) for c in reader["cells"]) >= 4
    assert notebooks.stale([chapter]) == []
    chapter.write_text(chapter.read_text().replace("A plain paragraph.", "A changed paragraph."))
    assert notebooks.stale([chapter]) == [chapter.with_suffix(".ipynb"), tmp_path / "student" / "test_chapter.ipynb"]


def test_a_measured_table_says_once_that_it_is_the_books_run(tmp_path):
    path = tmp_path / "table.md"
    path.write_text(notebooks.sync_shared(
        CHAPTER.replace("A plain paragraph.", "The table:\n\n```{glue:md} cost_table\n:format: myst\n```\n")))
    executed = executed_copy(path)
    scrap = {"scrapbook": {"name": "cost_table", "mime_prefix": "application/papermill.record/"}}
    code = [c for c in executed["cells"] if c["cell_type"] == "code"]
    code[1]["outputs"].append({"output_type": "display_data", "metadata": scrap,
                               "data": {"application/papermill.record/text/markdown": "| a |\n|---|\n| 1 |"}})
    cache = fake_cache(tmp_path / "cache", {path.stem: executed, "timing_machine": machine_notebook()})
    cells = notebooks.build_notebook(path, measured=notebooks.BuildOutputs.of(path, tmp_path / "no", cache))["cells"]
    table = next(c for c in cells if c["source"].startswith("# @title Table of the measurements"))
    shown = all_text(table)
    assert shown.startswith("| a |\n|---|\n| 1 |") and shown.count("the book's run") == 1
