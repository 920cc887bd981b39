"""tools/grade.py grades a student's completed notebook. Three notebooks are built from a real student edition
(student/jacobians_by_loop.ipynb): one whose exercise cells hold the solutions of book/jacobians_by_loop.md (all
pass), one with wrong answers (each fails with its check's hint), and one where an early cell and the first
exercise raise (the later exercises are still graded). The tables are compared whole, with the rows expected
from the chapter's own check calls (their names, hints and the shape of what they compare)."""

import ast
import concurrent.futures
import json
import sys

import nbformat
import pytest
from chapter_exercises import chapter_exercises, check_name_and_hint

from conftest import BIN, ROOT, run

sys.path.insert(0, str(ROOT / "tools"))
import grade  # noqa: E402

CHAPTER = "jacobians_by_loop"


def fill_in(exercise_source, solution_sources, answer="right"):
    """The exercise cell with each function it asks for replaced by the solution's function of that name.
    answer="wrong" wraps each one so it returns float64 (right values, wrong dtype); "raises" makes it divide
    by zero."""
    solutions = {}
    for source in solution_sources:
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef):
                solutions[node.name] = ast.get_source_segment(source, node)
    lines = exercise_source.split("\n")
    replaced = []
    for node in reversed(ast.parse(exercise_source).body):
        if isinstance(node, ast.FunctionDef) and node.name in solutions:
            new = solutions[node.name].split("\n")
            if answer == "wrong":
                new += [f"_right_{node.name} = {node.name}", "", "",
                        f"def {node.name}(*args, **kwargs):",
                        f"    return _right_{node.name}(*args, **kwargs).double()"]
            elif answer == "raises":
                new += ["", "", f"def {node.name}(*args, **kwargs):", "    return 1 / 0"]
            lines[node.lineno - 1:node.end_lineno] = new
            replaced.append(node.name)
    assert replaced, f"the exercise cell defines no function its solution gives:\n{exercise_source}"
    return "\n".join(lines)


def build(tmp_path, name, answers, early_error=False):
    """A copy of the student edition with each exercise cell answered as `answers[i]` says."""
    exercises, _ = chapter_exercises(ROOT / "book" / f"{CHAPTER}.md")
    notebook = nbformat.read(ROOT / "student" / f"{CHAPTER}.ipynb", as_version=4)
    sources = {cell.source: cell for cell in notebook.cells if cell.cell_type == "code"}
    for exercise, answer in zip(exercises, answers, strict=True):
        (cell_source,) = [s for s in exercise.code if "check_answer(" in s]
        assert cell_source in sources, f"{exercise.label}: its exercise cell is not in the student edition"
        sources[cell_source].source = fill_in(cell_source, exercise.solution, answer)
    if early_error:  # a cell that raises early on, outside any exercise (after the set-up cell)
        first_code = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")
        notebook.cells.insert(first_code + 1, nbformat.v4.new_code_cell('raise RuntimeError("an early cell fails")'))
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{kind: (notebook path, grade results)} for the three notebooks, graded two at a time."""
    tmp_path = tmp_path_factory.mktemp("grade")
    count = len(chapter_exercises(ROOT / "book" / f"{CHAPTER}.md")[0])
    notebooks = {
        "right": build(tmp_path, "right", ["right"] * count),
        "wrong": build(tmp_path, "wrong", ["wrong"] * count),
        "raises": build(tmp_path, "raises", ["raises"] + ["right"] * (count - 1), early_error=True),
    }
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {kind: pool.submit(grade.grade, path) for kind, path in notebooks.items()}
        return {kind: (notebooks[kind], futures[kind].result()[0]) for kind in notebooks}


def expected_rows(kinds):
    """The rows (exercise, passed, message) the grader must print, from the chapter's own check calls."""
    exercises, _ = chapter_exercises(ROOT / "book" / f"{CHAPTER}.md")
    rows = []
    for number, (exercise, kind) in enumerate(zip(exercises, kinds, strict=True), start=1):
        name, hint, items = check_name_and_hint(next(s for s in exercise.code if "check_answer(" in s))
        # an expected tuple (the answer, then counts of how it was computed) prints one line per item
        names = [name] if items is None else [f"{name}[{i}]" for i in range(items)]
        if kind == "right":
            rows.append((number, True, "; ".join(f"{n}: correct" for n in names)))
        elif kind == "wrong":  # the answer (item 0) has the wrong dtype; the counts are still right
            message = f"{names[0]}: expected dtype torch.float32, got dtype torch.float64"
            rows.append((number, False, message + (f" Hint: {hint}" if hint else "")))
        else:
            rows.append((number, False, "raised ZeroDivisionError: division by zero"))
    return rows


def rows(results):
    return [(r["exercise"], r["passed"], r["message"]) for r in results]


def test_right_answers_all_pass(graded):
    _, results = graded["right"]
    assert rows(results) == expected_rows(["right"] * len(results))


def test_wrong_answers_fail_with_their_hints(graded):
    _, results = graded["wrong"]
    assert rows(results) == expected_rows(["wrong"] * len(results))


def test_a_raising_cell_does_not_stop_the_later_exercises(graded):
    _, results = graded["raises"]
    assert rows(results) == expected_rows(["raises"] + ["right"] * (len(results) - 1))
    assert results[0]["error"] == {"type": "ZeroDivisionError", "message": "division by zero"}


def test_table_and_json_output(graded, monkeypatch, capsys):
    """The command prints the table (or JSON) and exits 0 whatever the grades; it exits 2 on an unreadable file."""
    path, results = graded["raises"]
    monkeypatch.setattr(grade, "grade", lambda notebook, timeout=300: (results, 12.0))
    assert grade.main([str(path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    expected = expected_rows(["raises"] + ["right"] * (len(results) - 1))
    result_width = max(len("Result"), *(len("passed" if ok else "failed") for _, ok, _ in expected))
    number_width = max(len("Exercise"), *(len(str(n)) for n, _, _ in expected))
    table = [f"{'Exercise':<{number_width}}  {'Result':<{result_width}}  Message",
             f"{'-' * number_width}  {'-' * result_width}  -------"]
    table += [f"{n:<{number_width}}  {'passed' if ok else 'failed':<{result_width}}  {m}" for n, ok, m in expected]
    passed = sum(ok for _, ok, _ in expected)
    assert printed == table + ["", f"{passed} of {len(expected)} exercises passed ({path}, run in 12 s)"]

    assert grade.main([str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["passed"], data["total"]) == (passed, len(expected))
    assert [(e["exercise"], e["passed"], e["message"]) for e in data["exercises"]] == expected

    missing = path.parent / "missing.ipynb"
    assert grade.main([str(missing)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_make_grade_target():
    """`make grade NOTEBOOK=...` calls the grader on that notebook (a dry run: nothing is installed or run)."""
    result = run(["make", "-n", "grade", "NOTEBOOK=homework/x.ipynb"])
    assert result.returncode == 0, result.stderr
    assert 'tools/grade.py "homework/x.ipynb"' in result.stdout


def test_grade_runs_as_a_command():
    """The script itself starts and reads its arguments (the graded runs above call it in-process)."""
    result = run([str(BIN / "python"), "tools/grade.py", "--help"])
    assert result.returncode == 0 and "--json" in result.stdout
