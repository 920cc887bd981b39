"""The exercises of a chapter as its MyST source (book/<chapter>.md) writes them, for the tests of the student
editions and of tools/grade.py: which code cells belong to an exercise, which to its solution."""

import ast
import re
from dataclasses import dataclass, field

import jupytext

FENCE = re.compile(r"^\s*(?:`{3,}|:{3,})\{(exercise|solution)-(start|end)\}\s*(\S*)", re.M)


@dataclass
class Exercise:
    label: str
    code: list = field(default_factory=list)  # the exercise's code cells (what the student edition keeps)
    solution: list = field(default_factory=list)  # the solution's code cells (what it must not show)


def chapter_exercises(md_path):
    """[Exercise] in the order of the chapter, and the list of every code cell outside the solutions."""
    exercises, outside, where = [], [], None  # where: None, "exercise" or "solution"
    for cell in jupytext.read(md_path).cells:
        if cell.cell_type == "markdown":
            lines = cell.source.split("\n")
            for i, line in enumerate(lines):
                found = FENCE.match(line)
                if not found:
                    continue
                kind, edge, argument = found.groups()
                if edge == "end":
                    where = None
                elif kind == "exercise":
                    label = next((rest.split(":", 2)[2].strip() for rest in lines[i + 1:i + 4]
                                  if rest.strip().startswith(":label:")), "")
                    exercises.append(Exercise(label))
                    where = "exercise"
                else:
                    where = "solution"
                    if not exercises or (argument and exercises[-1].label != argument):
                        raise ValueError(f"{md_path}: solution of {argument!r} is not after its exercise")
        elif cell.cell_type == "code":
            if where == "solution":
                exercises[-1].solution.append(cell.source)
                continue
            outside.append(cell.source)
            if where == "exercise":
                exercises[-1].code.append(cell.source)
    return exercises, outside


def is_trivial(line):
    """A line that gives nothing away: blank, a comment, or a bare placeholder."""
    stripped = line.strip()
    return not stripped or stripped.startswith("#") or stripped in ("...", "pass") or stripped.startswith("...  #")


def check_calls(source):
    """The source text of every check call in a cell (without `assert`): `check_answer(...)`, or a chapter's
    own checking function whose name starts with `check` (defined in a hidden cell before the exercise)."""
    calls = []
    for node in ast.walk(_grade_module().ast_parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "").startswith("check"):
            calls.append(ast.get_source_segment(source, node))
    return calls


def check_name_and_hint(source):
    """(name, hint, items) of the first check_answer call of a cell, read from its literal arguments; items
    is the number of entries of an `expected` written as a tuple literal (checked one by one, each printing
    its own line `name[i]: ...`), or None."""
    for node in ast.walk(_grade_module().ast_parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check_answer":
            name = ast.literal_eval(node.args[0])
            hint = next((ast.literal_eval(k.value) for k in node.keywords if k.arg == "hint"), "")
            expected = node.args[2] if len(node.args) > 2 else None
            return name, hint, len(expected.elts) if isinstance(expected, ast.Tuple) else None
    raise ValueError(f"no check_answer call in:\n{source}")


# ---------------------------------------------------------------------------------------------------------
# Submissions built from the generated notebooks, for the tests of tools/grade.py


def _grade_module():
    import sys
    from pathlib import Path

    tools = str(Path(__file__).resolve().parent.parent / "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    import grade

    return grade


def reader_solutions(chapter):
    """{exercise number: [the code of its solution cells]} from the reader edition book/<chapter>.ipynb,
    without their `# @title` line; their check statements (`assert check_answer(...)`) stay, since code
    after them may use what they measured (the grader puts the pristine check in their place)."""
    import nbformat

    grade = _grade_module()
    reader = nbformat.read(grade.BOOK_DIR / f"{chapter}.ipynb", as_version=4)
    solutions = {}
    for cell in reader.cells:
        role = cell.metadata.get("book", {})
        if role.get("role") == "solution":
            source = cell.source.split("\n", 1)[1] if cell.source.startswith("# @title") else cell.source
            solutions.setdefault(role["exercise"], []).append(source)
    return solutions


def defined_functions(source):
    return [node.name for node in _grade_module().ast_parse(source).body if isinstance(node, ast.FunctionDef)]


def answer_source(student_part, solution, check, answer="right"):
    """An exercise cell as a student would hand it in: the placeholder part, then (for "right", "wrong",
    "raises") the solution's code, then the unchanged check statements. "wrong" makes each function the
    solution defines return float64 (right values, wrong dtype); "raises" ends the code with `1 / 0`;
    "blank" leaves the placeholder."""
    parts = [student_part]
    if answer in ("wrong", "raises"):  # the wrapper or the error must come before the check
        solution = _grade_module().strip_checks(solution, [])[0]
    if answer in ("right", "wrong", "raises"):
        parts.append(solution)
    if answer == "wrong":
        for name in defined_functions(solution):
            parts.append(f"_right_{name} = {name}\n\n\ndef {name}(*args, **kwargs):\n"
                         f"    return _right_{name}(*args, **kwargs).double()")
    if answer == "raises":
        parts.append("1 / 0")
    code = "\n\n".join(part for part in parts if part)
    if answer == "right" and solution and grade_checks_in(solution):
        return code  # the solution's own check statements stand where the check goes
    return code + "\n\n" + check


def grade_checks_in(source):
    grade = _grade_module()
    tree = grade.parse(source)
    return tree is not None and any(grade.calls_a_check(node) for node in tree.body)


def answered(chapter, answers):
    """A copy of student/<chapter>.ipynb with exercise N's check cell answered as answers[N] says
    ("right", "wrong", "raises", "blank", or the whole cell source to use); exercises not in `answers`
    stay blank."""
    import nbformat

    grade = _grade_module()
    notebook = nbformat.read(grade.STUDENT_DIR / f"{chapter}.ipynb", as_version=4)
    solutions = reader_solutions(chapter)
    for number, entry in grade.layout(notebook).items():
        answer = answers.get(number, "blank")
        cell = notebook.cells[entry["cells"][-1]]
        if answer in ("right", "wrong", "raises", "blank"):
            student_part, check, _ = grade.split_exercise(cell.source)
            cell.source = answer_source(student_part, "\n\n".join(solutions.get(number, [])), check, answer)
        else:
            cell.source = answer
    return notebook
