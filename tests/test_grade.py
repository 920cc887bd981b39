"""tools/grade.py grades students' notebooks without trusting what they print. Notebooks are built from a real
student edition (student/jacobians_by_loop.ipynb) and the solutions of its reader edition: all answers right
(all pass), all wrong (each fails with its check's hint), one that raises and is rearranged (cells deleted,
added, metadata gone: the rest is still graded), and the tampering a student might try: redefining
check_answer, printing fake ✓ lines, copying the answer key with a dummy call of the method, editing the
hidden reference cell. Each tampered exercise must fail. Batch mode (CSV) and the nbgrader export are tested
too; the export is checked against nbgrader's schema and the rules of its validator."""

import ast
import copy
import csv
import json
import sys

import nbformat
import pytest
from chapter_exercises import answered, check_name_and_hint

from conftest import BIN, ROOT, run

sys.path.insert(0, str(ROOT / "tools"))
import grade  # noqa: E402
from exec_pool import POOL  # noqa: E402

CHAPTER = "jacobians_by_loop"
FAKE_CHECKER = '''def check_answer(name, *args, **kwargs):
    print(f"✓ {name}: correct")
    return True'''
EDIT_MARK = "# edited by the student"


def pristine():
    return nbformat.read(ROOT / "student" / f"{CHAPTER}.ipynb", as_version=4)


def parts():
    return grade.layout(pristine())


def check_cell(number):
    notebook = pristine()
    return notebook.cells[parts()[number]["cells"][-1]].source


def key_reference(number):
    """A name a hidden cell binds and exercise `number`'s check reads: the answer key to copy."""
    notebook = pristine()
    key_names = set().union(*(grade.bound_names(grade.parse(notebook.cells[i].source))
                              for entry in parts().values() for i in entry["key"]))
    _, block, _ = grade.split_exercise(check_cell(number))
    candidates = sorted(grade.loaded_names(grade.parse(block)) & key_names)
    preferred = [name for name in candidates if name.startswith(("reference", "expected"))]
    assert candidates, f"exercise {number} reads nothing from a hidden cell"
    return (preferred or candidates)[0]


def tampered_notebook():
    """Exercise 1 redefines check_answer, exercise 2 prints fake ✓ lines, exercise 3 copies the answer key
    and calls the solution once for show; none of them is answered for real (key_edited adds the fourth
    tampering, in the hidden cells)."""
    cells = {number: grade.split_exercise(check_cell(number)) for number in parts()}
    student_1, check_1, _ = cells[1]
    student_2, check_2, _ = cells[2]
    name_2, _, _ = check_name_and_hint(check_cell(2))
    fakes = "\n".join(f'print("✓ {name}: correct")' for name in [name_2] + [f"{name_2}[{i}]" for i in range(4)])
    student_3, check_3, _ = cells[3]
    solution_3 = grade.strip_checks(answered(CHAPTER, {3: "right"}).cells[parts()[3]["cells"][-1]].source,
                                    grade.split_exercise(check_cell(3))[2])[0]
    function = [node.name for node in ast.parse(student_3).body if isinstance(node, ast.FunctionDef)][0]
    key = key_reference(3)
    copy_key = (f"{solution_3}\n\n_real = {function}\n\n\ndef {function}(*args):\n"
                f"    _real(*args)  # the dummy call, for the counters\n"
                f"    return {key}[0] if isinstance({key}, tuple) else {key}\n\n\n"
                f"try:\n    {key}\n    print('the answer key is visible')\nexcept NameError:\n"
                f"    print('the answer key is hidden')")
    return answered(CHAPTER, {
        1: f"{FAKE_CHECKER}\n\n\n{student_1}\n\n{check_1}",
        2: f"{student_2}\n\n{fakes}\n\n{check_2}\n{fakes}",
        3: f"{copy_key}\n\n{check_3}",
    })


def key_edited(notebook):
    """The notebook with its hidden reference cells edited so that every check passes."""
    for entry in parts().values():
        for index in entry["key"]:
            notebook.cells[index].source += f"\n\n{EDIT_MARK}\n{FAKE_CHECKER}\n"
    return notebook


def rearranged_notebook():
    """Exercise 1 raises; exercise 2's solution sits in a cell the student added above the exercise cell;
    the checker cell and the hidden cells are deleted; a raising cell is added outside the exercises; the
    notebook's metadata is gone."""
    notebook = answered(CHAPTER, {1: "raises", 3: "right"})
    layout = parts()
    solution_2 = answered(CHAPTER, {2: "right"}).cells[layout[2]["cells"][-1]].source
    student_2, check_2, statements = grade.split_exercise(check_cell(2))
    helper = nbformat.v4.new_code_cell(grade.strip_checks(solution_2, statements)[0])
    given = [ast.get_source_segment(student_2, node) for node in ast.parse(student_2).body
             if not isinstance(node, ast.FunctionDef)]  # the placeholder function would undo the helper
    exercise_2 = notebook.cells[layout[2]["cells"][-1]]
    exercise_2.source = "\n\n".join(given + [check_2])
    checker = next(cell for cell in notebook.cells if cell.metadata.get("book", {}).get("name") == "checker")
    deleted = {checker.id} | {notebook.cells[i].id for entry in layout.values() for i in entry["key"]}
    notebook.cells.insert(notebook.cells.index(exercise_2), helper)
    notebook.cells.insert(notebook.cells.index(checker) + 1,
                          nbformat.v4.new_code_cell('raise RuntimeError("an added cell fails")'))
    notebook.cells = [cell for cell in notebook.cells if cell.id not in deleted]
    notebook.metadata.pop("book", None)
    return notebook


def reader_edition_that_dies():
    """The reader edition (book/<chapter>.ipynb) handed in, its exercise 2 cell ending the kernel."""
    notebook = nbformat.read(ROOT / "book" / f"{CHAPTER}.ipynb", as_version=4)
    cell = next(cell for cell in notebook.cells if cell.metadata.get("book", {}).get("role") == "exercise"
                and cell.metadata["book"]["exercise"] == 2)
    cell.source = "import os\n\nos._exit(3)"
    return notebook


def emptied_name():
    """A name that only a cell the exercises do not need binds (grade.prune empties that cell)."""
    notebook = answered(CHAPTER, dict.fromkeys(range(1, len(parts()) + 1), "right"))
    built, graded, _ = grade.build_graded(notebook, CHAPTER, "n0nce", ROOT / "unused.jsonl")
    emptied = grade.prune(built, graded)
    return "jacobian_by_loop" if "jacobian_by_loop" in emptied else sorted(emptied)[0]


def hidden_read_notebook():
    """All answers right, exercise 1's cell also reading, by eval (which no reading of the code sees), a
    name that only a cell the exercises do not need binds."""
    notebook = answered(CHAPTER, dict.fromkeys(range(1, len(parts()) + 1), "right"))
    cell = notebook.cells[parts()[1]["cells"][-1]]
    cell.source = f"_seen = eval({emptied_name()!r})\n\n{cell.source}"
    return notebook


@pytest.fixture(scope="module")
def graded():
    """{kind: (submitted notebook, results, executed graded notebook)}, graded two at a time."""
    count = len(parts())
    notebooks = {
        "right": answered(CHAPTER, dict.fromkeys(range(1, count + 1), "right")),
        "wrong": answered(CHAPTER, dict.fromkeys(range(1, count + 1), "wrong")),
        "rearranged": rearranged_notebook(),
        "tampered": key_edited(tampered_notebook()),
        "reader_dies": reader_edition_that_dies(),
        "hidden_read": hidden_read_notebook(),
    }
    futures = {kind: POOL.submit("grading", kind, grade.grade_notebook, copy.deepcopy(nb), estimate=12.0)
               for kind, nb in notebooks.items()}  # the run's execution pool (tools/exec_pool.py)
    return {kind: (notebooks[kind], *futures[kind].result()[1:4:2]) for kind in notebooks}


def messages(results):
    return [(r["exercise"], r["passed"], r["message"]) for r in results]


def test_right_answers_all_pass(graded):
    _, results, _ = graded["right"]
    assert [r["exercise"] for r in results] == list(parts())
    for result in results:
        assert result["passed"], messages(results)
        assert result["checks"] and all(c["passed"] and c["line"].endswith(": correct") for c in result["checks"])


def test_wrong_answers_fail_with_their_hints(graded):
    _, results, _ = graded["wrong"]
    for number, result in zip(parts(), results, strict=True):
        _, hint, _ = check_name_and_hint(check_cell(number))
        assert not result["passed"], messages(results)
        assert "wrong dtype: you gave torch.float64 (expected torch.float32)" in result["message"]
        assert f"Hint: {hint}" in result["message"]


def test_a_raising_cell_and_a_rearranged_notebook(graded):
    """Exercise 1 raises; the others pass although the checker and the hidden cells were deleted (the
    grader puts its own back), a cell added outside the exercises raised, and the chapter had to be found
    from the cell ids; the helper cell the student added inside exercise 2 is kept."""
    submitted, results, _ = graded["rearranged"]
    assert "book" not in submitted.metadata
    assert grade.find_chapter(submitted) == CHAPTER
    first, *rest = results
    assert (first["passed"], first["message"]) == (
        False, "raised ZeroDivisionError: division by zero (1 cell(s) added outside the exercises were not run)")
    assert first["error"] == {"type": "ZeroDivisionError", "message": "division by zero"}
    assert all(r["passed"] for r in rest), messages(results)


def test_tampering_fails(graded):
    """A redefined check_answer, printed ✓ lines and a copied answer key each fail their exercise."""
    _, results, executed = graded["tampered"]
    assert [r["passed"] for r in results] == [False] * len(results), messages(results)
    printed = "".join(o.get("text", "") for cell in executed.cells for o in cell.get("outputs", []))
    assert "the answer key is hidden" in printed and "the answer key is visible" not in printed
    assert "✓ " in printed  # the fake lines were printed, and ignored


def test_a_reader_edition_and_a_dead_kernel_say_so(graded):
    """A reader edition handed in gets a word why it has no points; a kernel ended by os._exit is
    reported as dead for the exercise it died in and the later ones, not as a missing check."""
    _, results, _ = graded["reader_dies"]
    assert all(not r["passed"] and "the reader edition (book/jacobians_by_loop.ipynb" in r["message"]
               for r in results), messages(results)
    assert all("the kernel died" in r["message"] for r in results[1:]), messages(results)
    assert not any("line is missing" in r["message"] for r in results[1:]), messages(results)


def test_the_kernel_prints_no_tcp_warning(capfd):
    """The grader's kernel logs errors only: no warning about TCP printed on each run."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    not_run, died = grade.execute(notebook, timeout=60)
    assert (not_run, died) == (set(), None)
    assert notebook.cells[0].outputs[0]["text"] == "42\n"
    assert "TCP" not in capfd.readouterr().err


def test_only_the_cells_the_exercises_need_run(graded):
    """The grader empties the chapter's cells that no graded cell needs (timing sweeps, plots); a run in
    which a cell raised NameError for a name an emptied cell binds (here: read by eval) is run again
    whole, so the student's code sees every name the chapter binds."""
    name = emptied_name()

    def binds(cell):
        return name in grade.bound_names(grade.parse(cell.source))

    _, results, executed = graded["right"]
    assert all(r["passed"] for r in results)
    assert not any(binds(cell) for cell in executed.cells)
    _, results, executed = graded["hidden_read"]
    assert [(r["exercise"], r["passed"], r["error"]) for r in results] == [
        (r["exercise"], True, None) for r in results]
    assert any(binds(cell) for cell in executed.cells)


def test_an_edited_key_cell_is_replaced(graded):
    """The tampered notebook's hidden cells also redefine check_answer: the grader runs its own copies."""
    submitted, _, executed = graded["tampered"]
    assert any(EDIT_MARK in cell.source for cell in submitted.cells)
    assert not any(EDIT_MARK in cell.source for cell in executed.cells)


def test_the_student_cannot_reach_the_recorder_by_a_known_name(graded):
    """The recorder's name and the results file carry a nonce made at grading time."""
    _, _, first = graded["right"]
    _, _, second = graded["wrong"]
    recorder = [cell.source.split("\n")[-4] for cell in (first.cells[0], second.cells[0])]
    assert all(line.startswith("_grader_") for line in recorder)
    assert recorder[0] != recorder[1]


def test_the_recorder_compares_plain_values(tmp_path):
    """The grader's checker compares plain values: a str subclass that equals everything, or a tensor
    subclass whose allclose always says yes, fails; the record goes to the results file, not to stdout."""
    import torch

    results = tmp_path / "results.jsonl"
    source = (grade.RECORDER_CELL.replace("__PATH__", repr(str(results)))
              .replace("__CHECKER__", repr(grade.CHECKER.read_text())).replace("__NAME__", "_grader_test"))
    namespace = {}
    exec(source, namespace)
    recorder = namespace["_grader_test"]

    class EqualsEverything(str):
        def __eq__(self, other):
            return True

        def __ne__(self, other):
            return False

        __hash__ = str.__hash__

    class AlwaysClose(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func is torch.allclose:
                return True
            return super().__torch_function__(func, types, args, kwargs or {})

    recorder.start(7)
    assert recorder.check_answer("mode", EqualsEverything("jacfwd"), "jacrev") is False
    assert recorder.check_answer("J", torch.zeros(2).as_subclass(AlwaysClose), torch.ones(2)) is False
    assert recorder.check_answer("J", torch.ones(2), torch.ones(2)) is True
    recorder.end(7)
    records = grade.read_records(results)
    assert [(r["exercise"], r.get("passed")) for r in records if "text" in r] == [(7, False), (7, False), (7, True)]
    assert [r.get("event") for r in records if "event" in r] == ["start", "end"]


def test_every_exercise_is_called_by_the_grader():
    """Every exercise of every student edition has a spec in tools/grade_specs/<chapter>.py (the grader calls
    the student's function at points drawn at grading time), and every spec names an exercise that exists:
    an exercise added without one would be graded by the notebook's own check, in the student's kernel."""
    import grade_specs
    import nbformat

    labels = {}
    for chapter in grade.chapters():
        notebook = nbformat.read(grade.STUDENT_DIR / f"{chapter}.ipynb", as_version=4)
        labels[chapter] = {cell.metadata["book"]["label"] for cell in notebook.cells
                           if cell.metadata.get("book", {}).get("role") == "exercise"}
    without = sorted((c, label) for c in labels for label in labels[c] - set(grade_specs.SPECS.get(c, {})))
    unknown = sorted((c, label) for c, specs in grade_specs.SPECS.items() for label in set(specs) - labels.get(c, set()))
    assert not without, f"exercises without a spec in tools/grade_specs/: {without}"
    assert not unknown, f"specs for exercises no student edition has: {unknown}"
    assert sum(map(len, labels.values())) >= 50


def test_the_grader_counts_each_transform_by_name(tmp_path):
    """The counters the grader runs around its calls (tools/grade_specs/) name what was called: jacfwd
    and jacrev apart, a jacrev inside vmap apart from one outside, torch.autograd.functional apart from
    torch.func, each aten operation by name, and vjp and functional_call as direct calls."""
    import torch

    source = (grade.RECORDER_CELL.replace("__PATH__", repr(str(tmp_path / "results.jsonl")))
              .replace("__CHECKER__", repr(grade.CHECKER.read_text())).replace("__NAME__", "_grader_test"))
    namespace = {}
    exec(source, namespace)
    recorder = namespace["_grader_test"]
    setup = "import torch\n\ndef f(x):\n    return torch.sin(x) * x\n"
    points = "def points(g, device):\n    return [(torch.randn(3, generator=g),)]\n"
    student = {
        "forward": "def answer(x):\n    return torch.func.jacfwd(f)(x)",
        "batched": "from torch.func import jacrev, vmap\n\ndef answer(x):\n"
                   "    return vmap(jacrev(f))(x.expand(2, 3)), jacrev(f)(x)",
        "functional": "def answer(x):\n    return torch.autograd.functional.jacobian(f, x)",
        "direct": "def answer(x):\n    out, pull = torch.func.vjp(f, x)\n    return pull(torch.ones_like(out))",
    }
    jobs = [(key, "answer", setup, points, code, None, {}) for key, code in student.items()]
    # a batch of Hessians of a vector function: tanh's backward sees a gradient shaped otherwise than tanh's
    # output (it raised in the counter, so the student's right call raised)
    jobs.append(("hessians", "answer", setup + "\n\ndef g(x):\n    return torch.tanh(2 * x)\n", points,
                 "def answer(x):\n    return torch.func.vmap(torch.func.hessian(g))(x.expand(4, 3))", None, {}))
    path = tmp_path / "calls.pt"
    recorder.run_specs({}, 1, str(path), jobs)
    counts = {key: record["calls"][0]["counts"] for key, record in torch.load(path).items()}
    assert all(record["error"] is None and record["calls"][0]["error"] is None
               for record in torch.load(path).values()), torch.load(path)
    assert counts["forward"].get("calls of jacfwd") == 1 and "calls of jacrev" not in counts["forward"]
    assert counts["forward"].get("forward-mode duals", 0) > 0 and counts["forward"].get("aten.sin", 0) > 0
    assert counts["batched"].get("calls of jacrev") == 2 and counts["batched"].get("calls of vmap") == 1
    assert counts["batched"].get("calls of jacrev under vmap") == 1
    assert counts["functional"].get("calls of autograd.functional.jacobian") == 1
    assert "calls of jacfwd" not in counts["functional"] and counts["functional"].get("backward passes", 0) > 0
    assert counts["direct"].get("calls of vjp") == 1 and counts["direct"].get("backward passes") == 1
    assert counts["hessians"].get("vectors through tanh", 0) > 0


def test_table_and_json_output(graded, monkeypatch, capsys, tmp_path):
    """The command prints the table (or JSON) and exits 0 whatever the grades; it exits 2 on an unreadable
    file or a notebook of no chapter."""
    submitted, results, executed = graded["rearranged"]
    path = tmp_path / "rearranged.ipynb"
    nbformat.write(submitted, path)
    monkeypatch.setattr(grade, "grade_notebook", lambda notebook, timeout=300: (CHAPTER, results, 12.0, executed))
    assert grade.main([str(path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    rows = [(f"{r['exercise']}. {r['title']}", "passed" if r["passed"] else "failed", r["message"])
            for r in results]
    assert all(r["title"] for r in results)  # each exercise has a title (its task's first sentence)
    widths = [max(len(header), *(len(row[i]) for row in rows)) for i, header in enumerate(("Exercise", "Result"))]
    table = [f"{'Exercise':<{widths[0]}}  {'Result':<{widths[1]}}  Message",
             f"{'-' * widths[0]}  {'-' * widths[1]}  -------"]
    table += [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows]
    passed = sum(r["passed"] for r in results)
    assert printed == table + ["", f"{passed} of {len(results)} exercises passed ({path}, run in 12 s)"]

    assert grade.main([str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["chapter"], data["passed"], data["total"]) == (CHAPTER, passed, len(results))
    assert [(e["exercise"], e["passed"], e["message"]) for e in data["exercises"]] == messages(results)

    assert grade.main([str(tmp_path / "missing.ipynb")]) == 2
    assert "cannot read" in capsys.readouterr().err
    monkeypatch.undo()
    stranger = tmp_path / "stranger.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Not a chapter")]), stranger)
    assert grade.main([str(stranger)]) == 2
    assert "matches no chapter" in capsys.readouterr().err


def test_batch_writes_one_csv_row_per_student_and_exercise(graded, monkeypatch, tmp_path, capsys):
    """--batch grades every notebook of a folder (FOLDER/<student>.ipynb or FOLDER/<student>/<x>.ipynb);
    a file that is not a notebook gets a row saying so. The grading itself is the one tested above."""
    folder = tmp_path / "submissions"
    (folder / "bob").mkdir(parents=True)
    kinds = {"alice": "right", "bob": "tampered"}
    for student, kind in kinds.items():
        notebook = copy.deepcopy(graded[kind][0])
        notebook.metadata["test_kind"] = kind
        nbformat.write(notebook, folder / ("alice.ipynb" if student == "alice" else "bob/jacobians_by_loop.ipynb"))
    (folder / "carol.ipynb").write_text("not a notebook")

    def fake_grade(notebook, timeout=300):
        return CHAPTER, graded[notebook.metadata["test_kind"]][1], 1.0, None

    monkeypatch.setattr(grade, "grade_notebook", fake_grade)
    out = tmp_path / "grades.csv"
    assert grade.main(["--batch", str(folder), "--csv", str(out)]) == 0
    assert "written to" in capsys.readouterr().out
    with open(out, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["student", "chapter", "exercise", "title", "points", "message"]
    for student, kind in kinds.items():
        mine = [row for row in rows if row["student"] == student]
        expected = [(CHAPTER, str(r["exercise"]), r["title"], str(int(r["passed"])), r["message"])
                    for r in graded[kind][1]]
        assert [(r["chapter"], r["exercise"], r["title"], r["points"], r["message"]) for r in mine] == expected
    (carol,) = [row for row in rows if row["student"] == "carol"]
    assert carol["points"] == "0" and carol["message"].startswith("not graded (carol.ipynb)")
    # the summary a gradebook imports: one row per student, with the total and the class-wide maximum
    with open(tmp_path / "grades-summary.csv", newline="", encoding="utf-8") as file:
        summary = {row["student"]: row for row in csv.DictReader(file)}
    maximum = len(parts())
    assert sorted(summary) == ["alice", "bob", "carol"]
    for student, kind in kinds.items():
        points = sum(r["passed"] for r in graded[kind][1])
        row = summary[student]
        assert (row[f"{CHAPTER} (of {maximum})"], row["points"], row["maximum"]) == (
            str(points), str(points), str(maximum))
        assert row["percent"] == f"{100 * points / maximum:.1f}"
    assert (summary["carol"][f"{CHAPTER} (of {maximum})"], summary["carol"]["points"]) == ("", "0")


# The make targets are run for real (`-o .venv/.installed`: the venv counts as installed, nothing is
# installed), on inputs that need no kernel: what comes out shows that make called the grader with them.
def test_make_grade_target(tmp_path):
    """`make grade NOTEBOOK=...` runs the grader on that notebook: on a missing one, the grader's own
    message about that very path, and its exit code through make."""
    missing = tmp_path / "homework" / "x.ipynb"
    result = run(["make", "--no-print-directory", "-o", ".venv/.installed", "grade", f"NOTEBOOK={missing}"])
    assert result.returncode != 0, result.stdout
    assert f"cannot read {missing}" in result.stderr, result.stdout + result.stderr


def test_make_grade_class_target(tmp_path):
    """`make grade-class FOLDER=... CSV=...` grades that folder into that CSV: a file there that is not a
    notebook gets its row."""
    folder = tmp_path / "homework"
    folder.mkdir()
    (folder / "carol.ipynb").write_text("not a notebook")
    out = tmp_path / "out.csv"
    result = run(["make", "--no-print-directory", "-o", ".venv/.installed", "grade-class", f"FOLDER={folder}",
                  f"CSV={out}"])
    assert result.returncode == 0, result.stdout + result.stderr
    with open(out, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [(row["student"], row["points"]) for row in rows] == [("carol", "0")], rows
    assert rows[0]["message"].startswith("not graded (carol.ipynb)"), rows


def test_grade_runs_as_a_command():
    """The script itself starts and reads its arguments (the graded runs above call it in-process)."""
    result = run([str(BIN / "python"), "tools/grade.py", "--help"])
    assert result.returncode == 0
    assert all(option in result.stdout for option in ("--json", "--batch", "--csv", "--export"))


# nbgrader's cell-metadata schema, version 3 (nbgrader/nbgraderformat/v3.json in nbgrader 0.9.6, the version
# on the package index); nbgrader itself is not a test dependency (it brings Notebook 7 and JupyterLab
# extensions into the venv), so the export is checked against its schema here, and against the rules its
# validator adds (nbgrader_rule_breaks).
NBGRADER_V3 = {
    "type": "object",
    "properties": {
        "schema_version": {"type": "integer", "minimum": 3, "maximum": 3},
        "grade": {"type": "boolean"},
        "locked": {"type": "boolean"},
        "solution": {"type": "boolean"},
        "task": {"type": "boolean"},
        "grade_id": {"type": "string", "pattern": "^[a-zA-Z0-9_\\-]*$"},
        "points": {"type": "number", "minimum": 0},
        "checksum": {"type": "string", "minLength": 32, "maxLength": 32},
        "cell_type": {"type": "string", "enum": ["raw", "code", "markdown"]},
    },
    "required": ["schema_version", "grade", "locked", "solution"],
    "additionalProperties": False,
}


def nbgrader_rule_breaks(notebook):
    """What nbgrader's own v3 validator (nbgrader/nbgraderformat/v3.py, 0.9) refuses beyond the schema,
    checked here because nbgrader is not installed: a grade, solution or locked cell without a grade id,
    a grade cell without points, a Markdown cell that is a grade cell or a solution cell but not both (a
    task cell must be Markdown), a cell whose recorded type is not its type, a grade id used twice."""
    breaks, ids = [], set()
    for index, cell in enumerate(notebook.cells):
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        graded, solution, task = meta["grade"], meta["solution"], meta.get("task", False)
        if graded or solution or meta["locked"]:
            if not meta.get("grade_id"):
                breaks.append(f"cell {index}: no grade_id")
            elif meta["grade_id"] in ids:
                breaks.append(f"cell {index}: grade_id {meta['grade_id']} used twice")
            ids.add(meta.get("grade_id"))
        if graded and "points" not in meta:
            breaks.append(f"cell {index}: a grade cell without points")
        if task and cell.cell_type != "markdown":
            breaks.append(f"cell {index}: a task cell that is not Markdown")
        if not task and cell.cell_type == "markdown" and graded != solution:
            breaks.append(f"cell {index}: a Markdown cell that is a grade or a solution cell, not both")
        if meta.get("cell_type", cell.cell_type) != cell.cell_type:
            breaks.append(f"cell {index}: recorded as {meta['cell_type']}, is {cell.cell_type}")
    return breaks


def release_version(source):
    """What `nbgrader generate_assignment` does to an answer cell: each solution region becomes the stub."""
    lines, kept, inside = source.split("\n"), [], False
    for line in lines:
        if line.strip() == "### BEGIN SOLUTION":
            inside = True
            kept.append("# (your code goes in the placeholder above)")
        elif line.strip() == "### END SOLUTION":
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def test_nbgrader_export(tmp_path):
    """--export nbgrader writes a source notebook per chapter that nbgrader accepts: valid v3 metadata,
    unique grade ids, the teacher's cells locked and unchanged, one 1-point test cell per exercise holding
    its pristine check, the solution inside a solution region (gone from the release version, which keeps
    the book's placeholder), and a source notebook that runs with every test cell passing."""
    import jsonschema

    assert grade.main(["--export", "nbgrader", str(tmp_path)]) == 0
    config = (tmp_path / "nbgrader_config.py").read_text()
    assert "c.ClearOutput.enabled = False" in config  # the release keeps the figures
    limits = (tmp_path / "GRADING-LIMITS.md").read_text()
    assert "`torch.allclose`" in limits and "returning a reference by name passes" in limits
    path = tmp_path / "source" / CHAPTER / f"{CHAPTER}.ipynb"
    exported = nbformat.read(path, as_version=4)
    nbformat.validate(exported)
    original = pristine()
    layout = parts()
    ids, tests, answers = set(), {}, []
    for cell in exported.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        jsonschema.validate(meta, NBGRADER_V3)
        assert meta["grade_id"] and meta["grade_id"] not in ids
        ids.add(meta["grade_id"])
        if meta["grade"]:
            assert meta["points"] == 1 and meta["locked"] and not meta["solution"]
            number = int(cell.source.split("Exercise ", 1)[1].split(" ", 1)[0])
            tests[number] = cell.source
        elif meta["solution"]:
            answers.append(cell.source)
        else:
            assert meta["locked"]
            (teacher,) = [c for c in original.cells if c.source == cell.source and c.cell_type == cell.cell_type][:1]
            if cell.cell_type == "code":  # the student edition's outputs (figures, measured text) stay
                assert cell.outputs == teacher.outputs
    assert sorted(tests) == list(layout)
    for number, entry in layout.items():
        _, block, _ = grade.split_exercise(original.cells[entry["cells"][-1]].source)
        assert all(line.strip() in tests[number] for line in block.split("\n"))
    for source in answers:
        assert "### BEGIN SOLUTION" in source and "### END SOLUTION" in source
    for entry in layout.values():
        student_part, _, _ = grade.split_exercise(original.cells[entry["cells"][-1]].source)
        assert any(release_version(source).startswith(student_part) for source in answers)
    assert not nbgrader_rule_breaks(exported), nbgrader_rule_breaks(exported)
    broken = copy.deepcopy(exported)  # the rules catch what they guard against
    test_cell = next(cell for cell in broken.cells if cell.metadata.get("nbgrader", {}).get("grade"))
    test_cell.cell_type = "markdown"
    del test_cell.metadata["nbgrader"]["points"]
    found = " ".join(nbgrader_rule_breaks(broken))
    assert "without points" in found and "not both" in found, found
    # the source version (with the solutions) runs, and every test cell passes
    from nbclient import NotebookClient

    POOL.run("grading", "nbgrader export", NotebookClient(exported, timeout=300, kernel_name="python3",
             resources={"metadata": {"path": str(tmp_path)}}).execute, estimate=12.0)
    # a check_answer redefined in the first answer cell does not pass a later, unanswered exercise
    tampered = copy.deepcopy(exported)
    answer_cells = [cell for cell in tampered.cells if cell.metadata.get("nbgrader", {}).get("solution")]
    answer_cells[0].source += f"\n\n{FAKE_CHECKER}\n"
    answer_cells[-1].source = release_version(answer_cells[-1].source)
    POOL.run("grading", "nbgrader export, tampered", NotebookClient(
        tampered, timeout=300, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}}).execute, estimate=12.0)
    last_test = [cell for cell in tampered.cells if cell.metadata.get("nbgrader", {}).get("grade")][-1]
    assert any(output.get("output_type") == "error" for output in last_test.outputs), last_test.outputs
