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
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "").startswith("check"):
            calls.append(ast.get_source_segment(source, node))
    return calls


def check_name_and_hint(source):
    """(name, hint, items) of the first check_answer call of a cell, read from its literal arguments; items
    is the number of entries of an `expected` written as a tuple literal (checked one by one, each printing
    its own line `name[i]: ...`), or None."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check_answer":
            name = ast.literal_eval(node.args[0])
            hint = next((ast.literal_eval(k.value) for k in node.keywords if k.arg == "hint"), "")
            expected = node.args[2] if len(node.args) > 2 else None
            return name, hint, len(expected.elts) if isinstance(expected, ast.Tuple) else None
    raise ValueError(f"no check_answer call in:\n{source}")
