"""Grade students' completed notebooks without trusting what the notebooks print.

    python tools/grade.py student_notebook.ipynb          # a table for people
    python tools/grade.py student_notebook.ipynb --json   # the same results for machines
    python tools/grade.py --batch submissions/ --csv grades.csv   # a whole class, for a gradebook
    python tools/grade.py --export nbgrader OUTDIR        # the student editions as nbgrader sources
    make grade NOTEBOOK=student_notebook.ipynb

**What runs.** The grader does not run the submitted notebook as it is. It finds the chapter (the
notebook's metadata `book.chapter`; else the cell ids, else the title, matched against student/*.ipynb)
and rebuilds the notebook from this repository's pristine student edition, student/<chapter>.ipynb:

- every cell outside the exercises (the set-up and shared cells, the checker, the hidden cells that compute
  what the checks compare against, the chapter's own code) is the teacher's copy, matched by cell id; a
  cell the student deleted or edited is back as it was;
- each exercise's code cells are the student's (matched by cell id; new cells the student added inside an
  exercise stay in place), except the check: the statements that measure and check (the `check_answer(...)`
  call and the statements just before it that count or time the student's function) are removed from the
  student's cell and the pristine cell's own check statements are run instead;
- those check statements, and every teacher's cell, run with the names the hidden reference cells bind
  (references, counting helpers, a second test point) renamed with a random nonce, so the student's code
  can neither read a reference (return it, copy it) nor rebind a helper; names that an exercise's own code
  or a solution reads (a function the exercise gives) keep their names. `check_answer` in the check
  statements and in the hidden cells is the grader's, which runs the teacher's checker read from
  book/_shared/checker.py at grading time (a student's redefinition of `check_answer` changes nothing);
- before each of those check statements, the names it reads that the teacher's cells bind (`count_flops`,
  `predict`, `hessian`, `torch`, and what the chapter's checking functions read when called), except the
  names the exercise asks for, are bound again to the objects the teacher's cells bound (the grader
  remembers them after each teacher's cell): a student who rebinds one changes nothing the check reads;
- only the cells the graded cells need run (`prune`): a teacher's cell is emptied when no exercise cell,
  hidden reference cell, shared cell or other kept cell reads a name it binds or changes (timing sweeps,
  figures); a run in which a cell raised NameError for a name an emptied cell binds runs again whole;
- the student's value is turned into plain Python and plain tensors before it is compared (a tensor
  subclass or an object whose `==` always says yes is compared as a description of itself, and fails);
- results go through a channel the notebook cannot print to: a recorder object whose name carries a
  random nonce made by this run writes JSON lines to a file (also named with the nonce) in a folder
  outside the notebook's working folder. ✓ lines the student's code prints are ignored.

**Exercises the grader calls itself: every exercise of the book** (tools/grade_specs/<chapter>.py has a
spec for each; tests/test_grade.py fails when an exercise has none). For these the notebook's own check,
and the hidden reference cells it compares with, are not run at all: they are the student's self-check in
their own kernel. After the last cell, the grader runs the student's exercise code again in a namespace of
its own (a copy of the kernel's globals with the chapter's given names, `predict`, `rosenbrock`, ..., put
back from the grader's copies after the student's code, so a rebound name changes nothing), then calls
the student's function at points drawn from a seed made at grading time (secrets.randbits; it exists only
in that last cell's source, never in the notebook): weights, inputs, functions, sizes and timings the
notebook never shows, in float64 beside the chapter's float32 where a method could be switched by dtype.
A prediction is a formula in the sizes, called at sizes drawn at grading time. Around each call whose
value it checks it counts the method with counters built in the grader's first cell, before any student
code ran, from references to torch's functions taken then (tools/grade_specs/__init__.py lists them):
autograd's engine (backward passes, and those made inside torch.autograd.functional), forward-mode dual
tensors, each torch.func transform, torch.autograd.functional function and torch.compile by name (and
whether it ran under vmap), the functions vjp and linearize return, the tensors those transforms return,
Dynamo's graphs, and a dispatch mode that sees every aten operation by name (a prediction must run none;
those run outside any vmapped call show a batch computed by hand), the matrix FLOPs, the largest tensor an
operation returned (a Hessian formed for a small input is N x N) and the non-zero vectors pulled back
through tanh. Objects the grader hands over (a function, a model, an hvp) count their own calls. The
values go back as plain tensors in a file named in that last cell, loaded with weights_only, and are
compared here, in the grading process, with references computed here, where no student code ever ran,
by the teacher's checker read from book/_shared/checker.py. A counter can tell a loop of backward passes
from forward mode (no engine call), a method switched by call number (every checked call is counted), a
formula returned through the gradient of a linear map plus 0 * f (zero vectors through tanh), a loop
relabelled by `vmap(lambda r: r)` (the passes, the calls of vjp_fn and the operations outside vmap are
counted, not the vmap calls), and a method switched by input size, dtype or kind of function (the
method is counted at every point, the small float64 ones too).

An exercise without a spec (a new one, until its spec is written) is checked by the notebook's own check
statements, run in the student's kernel, as follows.

An exercise passes when its checks recorded at least one result, all of them passed, the check statements
ran to the end, and none of its cells (its hidden reference cells included) raised. The notebook runs in a
fresh kernel, from an empty temporary folder (so it reads no file of the repository, as in Colab), with
errors allowed: a cell that raises does not stop the later exercises from being graded.

**Limits (read the code of an answer that looks too good).** The student's code runs in the same Python
process as the checks (and as the grader's calls and counters), so code written on purpose against the
grader can still win: code that patches torch's C level or the grader's own objects (found in the
kernel's globals by their prefix), that hooks IPython to read the last cell, that calls torch._functorch's
private transforms instead of torch.func's, or that reads what the grader hands over (a drawn function's
closure or defaults) to type a formula; for an exercise without a spec: code that searches the
kernel's globals for the recorder or the renamed references (their names are random, but they are globals),
or that finds the results file, or patches torch itself (`torch.allclose = ...`) before the check runs.
Cells added outside the exercises are dropped and reported in the message. The checks
themselves decide what a wrong *method* is (see teachers/NOTES.md): the grader makes them run as the
teacher wrote them, it does not make them stricter. Grading runs the students' code: do it in a virtual
machine or container you can throw away.

**Batch mode** grades every `*.ipynb` in a folder (the student is the file name without `.ipynb`; a folder
per student, `FOLDER/<student>/<chapter>.ipynb`, also works) and writes CSV rows `student, chapter,
exercise, title, points, message` (1 point per passed exercise), and beside it `<name>-summary.csv`, one
row per student (points per chapter, total, maximum, percent) for a gradebook. An exercise's title is the
first sentence of its task. A reader edition (book/<chapter>.ipynb) handed in is graded, and each of its
failed exercises says that it is the reader edition; a kernel that dies (os._exit, a crash) is reported as
dead for the exercise it died in and every later one.

**Export.** `--export nbgrader OUTDIR` writes OUTDIR/source/<chapter>/<chapter>.ipynb, each chapter's
notebook as an nbgrader *source* notebook (solutions in `### BEGIN SOLUTION` regions, locked set-up,
checker and reference cells, one autograded test cell per exercise worth 1 point) and an
OUTDIR/nbgrader_config.py. nbgrader was chosen over otter-grader (both are on the package index) because
its cell metadata maps one to one onto the book's read-only cells, answer cells and checks, and it needs
neither pandas nor a Docker client; `nbgrader generate_assignment <chapter>` and `nbgrader autograde`
then work with OUTDIR as the course directory (tried with nbgrader 0.9.6: 3 of 3 points for the
solutions, 0 for the blank edition). In nbgrader, a test cell runs in the student's namespace: nbgrader
restores locked and test cells, and each test cell defines the teacher's `check_answer` again (in a
hidden-tests region), so a redefined `check_answer` no longer passes every later exercise; but patching
what the checker calls (`torch.allclose`) does, and returning a reference by name passes: the export
writes these limits to
OUTDIR/GRADING-LIMITS.md; grade with this tool when that matters. The release keeps the student edition's
outputs (figures, measured paragraphs): the export keeps them in locked cells and its config turns
nbgrader's ClearOutput off.

The exit code is 0 whatever the grades (a notebook that cannot be read or matched to a chapter exits 2), so
a script can collect the results of a whole class.
"""

import argparse
import ast
import concurrent.futures
import copy
import csv
import io
import json
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import grade_specs
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

ROOT = Path(__file__).resolve().parent.parent
STUDENT_DIR = ROOT / "student"
BOOK_DIR = ROOT / "book"
CHECKER = BOOK_DIR / "_shared" / "checker.py"

EXERCISE_HEADING = re.compile(r"^###\s+Exercise\s+(\d+)\b[.:]?[ \t]*(.*)")
SOLUTION_TITLE = "# @title Solution to exercise"


# ---------------------------------------------------------------------------------------------------------
# Reading what a notebook printed. The book's own tests use this on notebooks they run unchanged (a student
# edition must print a ✗ line for every unanswered exercise); grading never trusts these lines.


def is_hidden(cell):
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden"))


def is_heading(cell):
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith("#")


def exercises(notebook):
    """[(number, title, setup cell indices, body cell indices)] in notebook order."""
    cells = notebook.cells
    headings = []
    for index, cell in enumerate(cells):
        found = EXERCISE_HEADING.match(cell.source.lstrip()) if cell.cell_type == "markdown" else None
        if found:
            headings.append((index, int(found.group(1)), found.group(2).strip()))
    found = []
    for k, (start, number, title) in enumerate(headings):
        end = next((i for i in range(start + 1, len(cells)) if is_heading(cells[i])), len(cells))
        body = [i for i in range(start + 1, end)
                if cells[i].cell_type == "code" and not cells[i].source.startswith(SOLUTION_TITLE)]
        if k + 1 < len(headings) and end == headings[k + 1][0]:
            # hidden cells after the exercise's last visible cell prepare the next exercise
            while body and is_hidden(cells[body[-1]]) and any(not is_hidden(cells[i]) for i in body[:-1]):
                body.pop()
        setup, i = [], start - 1
        while i >= 0 and cells[i].cell_type == "code" and is_hidden(cells[i]) and not cells[i].source.startswith(SOLUTION_TITLE):
            setup.insert(0, i)
            i -= 1
        if found:  # a cell already graded with the previous exercise stays there
            setup = [i for i in setup if i not in found[-1][3]]
        found.append((number, title, setup, body))
    return found


def parse_check_text(text):
    """The checker's lines in printed text: [(passed, text)], a ✗ line with its hint joined on. The checker
    wraps its lines for a phone: an indented line continues the check above it."""
    checks = []
    for line in text.splitlines():
        if line.startswith("✓ "):
            checks.append((True, line[2:].strip()))
        elif line.startswith("✗ "):
            checks.append((False, line[2:].strip()))
        elif line.strip().startswith("Hint:") and checks and not checks[-1][0]:
            checks[-1] = (False, f"{checks[-1][1]} {line.strip()}")
        elif line.startswith("  ") and line.strip() and checks:
            checks[-1] = (checks[-1][0], f"{checks[-1][1]} {line.strip()}")
    return checks


def check_lines(cell):
    """The checker's lines a cell printed: [(passed, text)], a ✗ line with its hint joined on."""
    return parse_check_text("".join(output.get("text", "") for output in cell.get("outputs", [])
                                    if output.get("output_type") == "stream" and output.get("name") == "stdout"))


def first_error(cells):
    for cell in cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = (output.get("evalue") or "").strip().splitlines()
                return output.get("ename", "Error"), message[0] if message else ""
    return None


def verdict(checks, error, not_run, finished=True, died=False):
    """(passed, message) of one exercise from its checks [(passed, text)] and the first error of its cells."""
    if error:
        return False, f"raised {error[0]}: {error[1]}".rstrip(": ")
    if died:
        return False, "the kernel died (os._exit, a crash or out of memory) before this exercise was checked"
    if not_run:
        return False, "not run: the kernel stopped before this exercise"
    if not checks:
        return False, "no check ran: the exercise's check_answer(...) line is missing"
    if not finished:
        return False, "the check did not run to its end"
    grouped = group_checks(checks)
    if all(ok for ok, _ in grouped):
        return True, "; ".join(text for _, text in grouped)
    return False, "; ".join(text for ok, text in grouped if not ok)


PART = re.compile(r"^(?P<base>.+?)\[(?P<part>\d+|'[^']*')\]: (?P<rest>.*)$", re.S)


def group_checks(checks):
    """The checks with the parts of one check (`name[0]: ...`, `name[1]: ...`, `name['key']: ...`)
    said once: "name: correct (3 parts)" when every part passed, else the failing parts by their number
    (from 1) or key; other checks as they are."""
    grouped, index = [], 0
    while index < len(checks):
        found = PART.match(checks[index][1])
        if not found:
            grouped.append(checks[index])
            index += 1
            continue
        base, parts = found["base"], []
        while index < len(checks) and (m := PART.match(checks[index][1])) and m["base"] == base:
            parts.append((checks[index][0], m["part"], m["rest"]))
            index += 1
        if all(ok for ok, _, _ in parts):
            grouped.append((True, f"{base}: correct ({len(parts)} part{'s' * (len(parts) != 1)})"))
            continue
        for ok, part, rest in parts:
            if not ok:
                name = f"part {int(part) + 1} of {len(parts)}" if part.isdigit() else part
                grouped.append((False, f"{base}, {name}: {rest}"))
    return grouped


def result_row(number, title, checks, error, passed, message):
    return {
        "exercise": number,
        "title": title,
        "passed": passed,
        "message": message,
        "checks": [{"passed": ok, "line": text} for ok, text in checks],
        "error": {"type": error[0], "message": error[1]} if error else None,
    }


def grade_cells(notebook, not_run=frozenset()):
    """The exercises of a notebook executed as it is, from the lines it printed: a list of dicts. Only for
    notebooks nobody could have tampered with (the book's tests); `grade` does not use it."""
    results = []
    for number, title, setup, body in exercises(notebook):
        cells = [notebook.cells[i] for i in setup + body]
        checks = [check for i in body for check in check_lines(notebook.cells[i])]
        # a hidden set-up cell that raised matters only if the exercise's own cells then failed to check
        error = first_error(cells) if first_error([notebook.cells[i] for i in body]) or not checks else None
        passed, message = verdict(checks, error, any(i in not_run for i in setup + body))
        results.append(result_row(number, title, checks, error, passed, message))
    return results


# ---------------------------------------------------------------------------------------------------------
# Reading code


def python_source(source):
    """A cell's source as plain Python (IPython's %magics and !commands become function calls)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - no IPython, or a cell it cannot transform: use the text as it is
        return source


# ast.parse is not safe in threads on Python 3.11: two parses at once can raise "SystemError: AST
# constructor recursion depth mismatch" (python/cpython#106905; it failed one graded run of the test
# pool, whose gradings run in threads). Every parse of the grader and of the tests goes through this lock.
_ast_lock = threading.Lock()


def ast_parse(source):
    with _ast_lock:
        return ast.parse(source)


def parse(source):
    try:
        return ast_parse(python_source(source))
    except (SyntaxError, ValueError):
        return None


def bound_names(tree):
    """The global names a cell's top-level code binds (not the locals of its functions)."""
    names = set()

    def targets(node):
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)

    def visit(statements):
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    names.add(alias.asname or alias.name.split(".")[0])
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    targets(target)
                targets(node.value) if node.value is not None else None  # walrus
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                targets(node.target)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        targets(item.optional_vars)
            elif isinstance(node, ast.Try):
                for handler in node.handlers:
                    if handler.name:
                        names.add(handler.name)
            else:
                targets(node)
            for field in ("body", "orelse", "finalbody", "handlers"):
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    children = getattr(node, field, [])
                    visit([c for c in children if isinstance(c, ast.stmt)])
                    for handler in children if field == "handlers" else []:
                        visit(handler.body)

    visit(tree.body if tree else [])
    return names


def loaded_names(tree):
    """Every name a cell reads, in its own code or in the bodies of the functions it defines."""
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)} if tree else set()


def calls_a_check(node):
    return any(isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id.startswith("check")
               for sub in ast.walk(node))


def split_exercise(source):
    """(student part, check part, the check part's statements) of a pristine exercise cell. The check part
    starts at the first statement that calls a check function (`check_answer` or a chapter's `check_...`),
    together with the statements just before it that call something to measure the student's answer
    (`with count_forward_passes(model) as passes: ...`, `calls.clear()`), but not a definition, an import
    or a statement holding the placeholder `...`."""
    code = python_source(source)
    tree = parse(source)
    if tree is None:
        return code, "", []
    body = tree.body
    start = next((i for i, node in enumerate(body) if calls_a_check(node)), None)
    if start is None:
        return code, "", []

    def measures(node):
        return (not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom))
                and any(isinstance(sub, ast.Call) for sub in ast.walk(node))
                and not any(isinstance(sub, ast.Constant) and sub.value is Ellipsis for sub in ast.walk(node)))

    while start > 0 and measures(body[start - 1]):
        start -= 1
    lines = code.split("\n")
    first_line = body[start].lineno - 1
    return "\n".join(lines[:first_line]).rstrip(), "\n".join(lines[first_line:]).strip("\n"), body[start:]


def strip_checks(source, check_statements, replacement=None):
    """The student's cell without its check statements: any top-level statement equal to one of the
    pristine check statements, or that calls a check function (outside a definition), is removed; the rest of
    the student's code stays as written. With `replacement`, that text takes the place of the first removed
    statement (or goes at the end when none was removed), so code after the check still runs after it.
    Returns (code, parsed); a cell that does not parse is returned as it is (it raises when run)."""
    code = python_source(source)
    tree = parse(source)
    if tree is None:
        return code, False
    pristine = {ast.dump(node) for node in check_statements}
    lines = code.split("\n")
    remove, first_removed = set(), None
    for node in tree.body:
        defines = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        if ast.dump(node) in pristine or (not defines and calls_a_check(node)):
            first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            remove.update(range(first - 1, node.end_lineno))
            first_removed = first - 1 if first_removed is None else first_removed
    kept = []
    for i, line in enumerate(lines):
        if i == first_removed and replacement is not None:
            kept.append(replacement)
        if i not in remove:
            kept.append(line)
    if replacement is not None and first_removed is None:
        kept += ["", replacement]
    return "\n".join(kept).rstrip(), True


# ---------------------------------------------------------------------------------------------------------
# Which chapter, and the pristine editions


def chapters():
    return sorted(path.stem for path in STUDENT_DIR.glob("*.ipynb"))


def first_title(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.split("\n", 1)[0]
    return None


def reader_edition(notebook):
    """True when the submission is a reader edition (book/*.ipynb): it holds the solution cells."""
    return any(cell.metadata.get("book", {}).get("role") == "solution"
               or cell.get("source", "").startswith(SOLUTION_TITLE) for cell in notebook.cells)


def find_chapter(notebook):
    """The chapter a submission belongs to: its metadata, else the student edition sharing most cell ids
    with it, else the one with the same title; None when nothing matches."""
    named = notebook.metadata.get("book", {}).get("chapter")
    if named in chapters():
        return named
    ids = {cell.get("id") for cell in notebook.cells} - {None}
    best, overlap = None, 0
    for chapter in chapters():
        pristine = nbformat.read(STUDENT_DIR / f"{chapter}.ipynb", as_version=4)
        shared = len(ids & {cell.get("id") for cell in pristine.cells})
        if shared > overlap:
            best, overlap = chapter, shared
    if best and overlap >= 5:
        return best
    title = first_title(notebook)
    for chapter in chapters():
        if title and first_title(nbformat.read(STUDENT_DIR / f"{chapter}.ipynb", as_version=4)) == title:
            return chapter
    return None


def book_role(cell):
    return cell.metadata.get("book", {})


def layout(pristine):
    """{exercise number: {"title", "key": [indices], "cells": [indices], "section": [indices]}} of a
    pristine student edition, from its cell metadata (`book.role`), else from its headings."""
    found = {}
    headings = {}
    for index, cell in enumerate(pristine.cells):
        heading = EXERCISE_HEADING.match(cell.source.lstrip()) if cell.cell_type == "markdown" else None
        if heading:
            headings[int(heading.group(1))] = (index, heading.group(2).strip())
    if any(book_role(cell).get("role") == "exercise" for cell in pristine.cells):
        for index, cell in enumerate(pristine.cells):
            role = book_role(cell)
            if role.get("role") in ("exercise", "key"):
                entry = found.setdefault(role["exercise"], {"key": [], "cells": []})
                entry["key" if role["role"] == "key" else "cells"].append(index)
    else:
        for number, _, setup, body in exercises(pristine):
            found[number] = {"key": setup, "cells": body}
    for number, entry in found.items():
        start = headings.get(number, (min(entry["cells"] or [0]), ""))[0]
        end = max(entry["cells"] or [start])
        entry["title"] = headings.get(number, (0, ""))[1] or task_title(pristine.cells[start].source)
        entry["section"] = list(range(start, end + 1))
    return dict(sorted(found.items()))


def task_title(source, width=60):
    """A short title for an exercise whose heading has none: the first sentence of its task, without
    Markdown marks, cut at `width` characters."""
    text = " ".join(line for line in source.split("\n") if not line.lstrip().startswith("#"))
    text = re.sub(r"[*`$]|\\", "", text).strip()
    sentence = re.split(r"(?<=[.?!:])\s", text, maxsplit=1)[0].rstrip(".:")
    return sentence if len(sentence) <= width else sentence[:width - 1].rsplit(" ", 1)[0] + "…"


def solution_sources(chapter):
    """The code of the reader edition's solutions (names they read are never hidden from students)."""
    path = BOOK_DIR / f"{chapter}.ipynb"
    if not path.exists():
        return []
    reader = nbformat.read(path, as_version=4)
    return [cell.source for cell in reader.cells if cell.cell_type == "code"
            and (book_role(cell).get("role") == "solution" or cell.source.startswith(SOLUTION_TITLE))]


# ---------------------------------------------------------------------------------------------------------
# The notebook that is run


RECORDER_CELL = r"""# The grader's own cell (tools/grade.py adds it at grading time; it is not part of the book).
def _make_grader_recorder():
    import builtins
    import contextlib
    import io
    import json

    import torch

    path = __PATH__
    checker = {"torch": torch, "__name__": "teacher_checker"}
    exec(__CHECKER__, checker)
    teacher_check = checker["check_answer"]
    state = {"exercise": None}

    def write(record):
        with open(path, "a", encoding="utf-8") as file:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def plain(value, depth=0):
        # The student's value as plain Python and plain tensors; any other object becomes a
        # description of itself, so that it cannot answer a comparison with a lie.
        kind = type(value)
        simple = (bool, int, float, complex, str, torch.dtype, torch.device, torch.Size)
        if value is None or kind in simple or kind in (torch.Tensor, torch.nn.Parameter):
            return value
        if depth < 20 and isinstance(value, (tuple, list)):
            items = (plain(v, depth + 1) for v in value)
            return list(items) if isinstance(value, list) else tuple(items)
        if depth < 20 and isinstance(value, dict):
            return {plain(k, depth + 1): plain(v, depth + 1) for k, v in dict.items(value)}
        for base in (int, float):  # a subclass (numpy's float64 too) becomes the plain number
            if isinstance(value, base):
                return base(base.__repr__(value))
        if isinstance(value, str):
            return str.__str__(value)
        if kind.__module__ == "numpy" and getattr(value, "ndim", None) == 0:
            return plain(value.item(), depth + 1)
        return f"<{kind.__module__}.{kind.__qualname__} object>"


    # The grader's own calls of the student's functions (the exercises of tools/grade_specs/). Every
    # function and class used here is taken now, before any student code runs: a later patch of torch,
    # builtins or the chapter's names does not change what is counted, saved or compared.
    import sys

    import torch.autograd as autograd_module
    import torch.autograd.forward_ad as forward_ad
    import torch.func as func_module
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils._pytree import tree_leaves as leaves

    import torch.autograd.functional as functional_module

    engine = autograd_module._engine_run_backward
    make_dual = forward_ad.make_dual
    # transforms that return a function: each call of that function counts as "calls of NAME" (and
    # "calls of NAME under vmap" inside a vmapped call); the others count each call of themselves
    returning = ("jacrev", "jacfwd", "vmap", "grad", "grad_and_value", "hessian")
    direct = ("vjp", "jvp", "linearize", "functional_call")
    in_functional = ("jacobian", "hessian", "hvp", "vhp", "jvp", "vjp")
    func_originals = {name: func_module.__dict__[name] for name in returning + direct}
    functional_originals = {name: functional_module.__dict__[name] for name in in_functional}
    compile_original = torch.compile
    # True while Dynamo traces: the outputs of a transform traced into a compiled graph are not kept
    # (keeping them calls functorch's C functions, which Dynamo cannot trace: the graph would break)
    is_compiling = torch.compiler.is_compiling
    save, equal, Generator = torch.save, torch.equal, torch.Generator
    count_nonzero = torch.count_nonzero
    is_tensor, Tensor, Parameter = torch.is_tensor, torch.Tensor, torch.nn.Parameter
    tanh_backward, sin = torch.ops.aten.tanh_backward.default, torch.ops.aten.sin.default
    wrapped = torch._C._functorch.is_functorch_wrapped_tensor
    batched = torch._C._functorch.is_batchedtensor
    setattr_, exec_, dict_, type_, isinstance_, callable_ = setattr, exec, dict, type, isinstance, callable
    getframe = sys._getframe
    counts, active = {}, [False, 0, 0]  # [counting, backward passes running, vmapped calls running]
    outputs = {name: [] for name in ("backward",) + returning + direct}
    keeping = [False]

    def add(name, k=1):
        counts[name] = counts.get(name, 0) + k

    def keep(kind, values):
        keeping[0] = True  # the grader's own copies are no operation of the student's
        try:
            for t in leaves(values):  # a tensor, or the tensors of a tuple, list or dict
                if is_tensor(t) and not wrapped(t):
                    outputs[kind].append(t.detach().clone())
        finally:
            keeping[0] = False

    def watched_engine(*args, **kwargs):
        if not active[0]:
            return engine(*args, **kwargs)
        add("backward passes")
        frame = getframe(1)
        while frame is not None:  # a pass that torch.autograd.functional makes for the student
            if frame.f_globals.get("__name__") == "torch.autograd.functional":
                add("passes by autograd.functional")
                break
            frame = frame.f_back
        active[1] += 1
        try:
            result = engine(*args, **kwargs)
        finally:
            active[1] -= 1
        if not kwargs.get("accumulate_grad", False):
            keep("backward", result)
        else:  # .backward(): the gradients went into .grad, where they cannot be followed
            outputs["accumulated"] = True
        return result

    def watched_make_dual(*args, **kwargs):
        if active[0]:
            add("forward-mode duals")
        return make_dual(*args, **kwargs)

    def called(name):
        add(f"calls of {name}")
        if active[2] > 0:
            add(f"calls of {name} under vmap")

    def watching(transform, name):
        def watched(*args, **kwargs):
            transformed = transform(*args, **kwargs)
            if not active[0]:
                return transformed

            def run(*run_args, **run_kwargs):
                called(name)
                active[2] += name == "vmap"
                try:
                    out = transformed(*run_args, **run_kwargs)
                finally:
                    active[2] -= name == "vmap"
                if not is_compiling():
                    keep(name, out)
                return out

            return run

        return watched

    # the functions vjp and linearize return: each call counts as "calls of vjp_fn" / "calls of jvp_fn"
    # (and "... under vmap" inside a vmapped call), so that vmap(jvp_fn) is told from a loop of jvp_fn
    # calls whose stacked result is relabelled by vmap(lambda r: r)
    returned_names = {"vjp": "vjp_fn", "linearize": "jvp_fn"}

    def counting_returned(function, name):
        def run(*args, **kwargs):
            if active[0]:
                called(name)
            return function(*args, **kwargs)

        return run

    def counting(function, name, kept=None):
        def watched(*args, **kwargs):
            if active[0]:
                called(name)
            out = function(*args, **kwargs)
            if active[0] and kept and not is_compiling():
                keep(kept, out)
            if active[0] and name in returned_names and isinstance_(out, tuple) and len(out) > 1:
                out = (out[0], counting_returned(out[1], returned_names[name])) + out[2:]
            return out

        return watched

    watched_func = {name: watching(func_originals[name], name) for name in returning}
    watched_func.update({name: counting(func_originals[name], name, name) for name in direct})
    watched_functional = {name: counting(functional_originals[name], f"autograd.functional.{name}")
                          for name in in_functional}

    def watched_compile(*args, **kwargs):
        if active[0]:
            called("torch.compile")
        compiled = compile_original(*args, **kwargs)
        if not callable_(compiled) or not active[0]:
            return compiled

        def run(*run_args, **run_kwargs):
            if active[0]:
                called("a compiled function")
            return compiled(*run_args, **run_kwargs)

        return run

    aten = torch.ops.aten
    products = {aten.mm.default: lambda a, b: 2 * a.shape[0] * a.shape[1] * b.shape[1],
                aten.addmm.default: lambda c, a, b, *r, **k: 2 * a.shape[0] * a.shape[1] * b.shape[1],
                aten.bmm.default: lambda a, b: 2 * a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2],
                aten.mv.default: lambda a, b: 2 * a.shape[0] * a.shape[1],
                aten.addmv.default: lambda c, a, b, *r, **k: 2 * a.shape[0] * a.shape[1],
                aten.dot.default: lambda a, b: 2 * a.shape[0]}

    class Count(TorchDispatchMode):
        def __torch_dispatch__(self, op, types, args=(), kwargs=None):
            add("torch operations")
            if not active[2] and not keeping[0]:  # batched by hand, relabelled by vmap(lambda r: r)
                add("torch operations outside vmap")
            add(f"aten.{op._overloadpacket.__name__}")  # every operation by name: "aten.tanh", "aten.mm"
            if op in products:
                add("matrix FLOPs", products[op](*args))
            if op is tanh_backward and active[1]:
                # a vector of zeros pulled back (a formula plus 0 * f) carries nothing of f
                add("passes through tanh")
                size = max(args[1].numel(), 1)
                if args[0].numel() % size == 0:
                    vectors = args[0].reshape(-1, size)
                    add("vectors through tanh", int(count_nonzero(vectors.abs().sum(-1))))
                else:  # a gradient shaped otherwise than the output (under vmap): one vector, if any
                    add("vectors through tanh", int(bool(count_nonzero(args[0]))))
            elif op is sin:
                add("calls of sin")
            out = op(*args, **(kwargs or {}))
            made = max((t.numel() for t in leaves(out) if isinstance_(t, Tensor)), default=0)
            if made > counts.get("largest tensor made", 0):  # an N x N Hessian of an N-vector shows here
                counts["largest tensor made"] = made
            return out

    def portable(value, depth=0):
        # what goes back to the grading process: plain tensors (on the CPU), numbers, strings
        kind = type_(value)
        if kind in (Tensor, Parameter):
            return value.detach().to("cpu").clone()
        if value is None or kind in (bool, int, float, str):
            return value
        if depth < 5 and kind in (tuple, list):
            return [portable(v, depth + 1) for v in value]
        if depth < 5 and kind is dict_:  # a dict shaped like a model's parameters
            return {str(k): portable(v, depth + 1) for k, v in value.items()}
        for base in (int, float):  # a subclass (numpy's float64 too) becomes the plain number
            if isinstance_(value, base):
                return base(base.__repr__(value))
        return f"<{kind.__module__}.{kind.__qualname__} object>"

    def came_from(value, kind):
        if kind == "backward" and outputs.get("accumulated"):
            return True
        found = outputs[kind]
        tensors = list(value.values()) if type_(value) is dict_ else value
        tensors = tensors if isinstance_(tensors, (tuple, list)) else (tensors,)
        if isinstance_(value, (tuple, list)):  # (H, condition): the numbers beside the tensors are free
            tensors = [t for t in tensors if type_(t) not in (int, float)]

        def one(t):
            if type_(t) is not Tensor:
                return False
            if any(o.shape == t.shape and equal(o.to(t.dtype), t.detach()) for o in found):
                return True
            return t.dim() > 0 and len(t) > 0 and all(
                any(o.shape == r.shape and equal(o.to(r.dtype), r.detach()) for o in found)
                for r in t)

        return len(tensors) > 0 and all(one(t) for t in tensors)

    def graphs():
        utils = sys.modules.get("torch._dynamo.utils")  # imported only if something compiled
        return utils.counters["stats"]["unique_graphs"] if utils is not None else 0

    def run_specs(namespace, seed, path, jobs):
        # jobs: [(key, function name, setup, points, student code, provenance, options)]
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        results = {}
        patched = [(autograd_module, "_engine_run_backward", watched_engine),
                   (forward_ad, "make_dual", watched_make_dual), (torch, "compile", watched_compile)]
        patched += [(func_module, name, new) for name, new in watched_func.items()]
        patched += [(functional_module, name, new) for name, new in watched_functional.items()]
        originals = [(m, n, m.__dict__[n]) for m, n, _ in patched]
        if any(not options.get("dispatch", True) for *_, options in jobs):
            # Dynamo's table of torch's functions is built at its first use, from the names as they are
            # then: built now, before the counters are put in, it names torch's own functions (built
            # later, it names the counters instead, and a compiled transform runs eagerly)
            import torch._dynamo.trace_rules as trace_rules

            trace_rules.get_torch_obj_rule_map()
        for module, name, new in patched:
            setattr_(module, name, new)
        try:
            for key, function, setup, points_source, code, provenance, options in jobs:
                ns = dict_(namespace)
                ns["torch"] = torch
                record = {"calls": [], "error": None}
                results[key] = record
                try:
                    exec_(setup, ns)
                    exec_(code, ns)
                    exec_(setup, ns)  # the chapter's names are the grader's again
                    drawn = {"torch": torch, "count": add, "is_batched": batched,
                             "under_vmap": lambda: active[2] > 0}
                    exec_(setup + points_source, drawn)
                    generator = Generator().manual_seed(seed)
                    calls = drawn["points"](generator, device)
                    student = ns[function]
                except BaseException as error:  # noqa: BLE001
                    record["error"] = f"{type_(error).__name__}: {error}"[:200]
                    continue
                for args in calls:
                    counts.clear()
                    for kept in outputs.values():
                        if isinstance_(kept, list):
                            kept.clear()
                    outputs.pop("accumulated", None)
                    call = {"value": None, "counts": {}, "error": None, "provenance": None}
                    compiled_before = graphs()
                    active[0] = True
                    try:
                        if options.get("dispatch", True):
                            with Count():
                                value = student(*args)
                        else:  # a spec that compiles: counted without the dispatch mode
                            value = student(*args)
                    except BaseException as error:  # noqa: BLE001
                        call["error"] = f"{type_(error).__name__}: {error}"[:200]
                        value = None
                    finally:
                        active[0], active[1], active[2] = False, 0, 0
                    if graphs() != compiled_before:
                        add("graphs compiled", graphs() - compiled_before)
                    call["counts"] = dict_(counts)
                    call["value"] = portable(value)
                    if provenance:
                        call["provenance"] = bool(came_from(value, provenance))
                    record["calls"].append(call)
        finally:
            for module, name, old in originals:
                setattr_(module, name, old)
        save(results, path)

    kept_names = {}
    contains = dict_.__contains__

    class Recorder:
        def remember(self, namespace, names):
            for name in names:
                if contains(namespace, name):
                    kept_names[name] = namespace[name]

        def restore(self, namespace, names):
            for name in names:
                if contains(kept_names, name):
                    namespace[name] = kept_names[name]

        def start(self, exercise):
            state["exercise"] = exercise
            write({"exercise": exercise, "event": "start"})

        def end(self, exercise):
            write({"exercise": exercise, "event": "end"})
            state["exercise"] = None

        def check_answer(self, name, got, expected, atol=1e-5, rtol=1e-4, hint=""):
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                ok = teacher_check(str(name), plain(got), expected,
                                   atol=atol, rtol=rtol, hint=str(hint))
            text = buffer.getvalue()
            builtins.print(text, end="")
            write({"exercise": state["exercise"], "passed": ok is True, "text": text})
            return ok

        def print(self, *args, **kwargs):
            builtins.print(*args, **kwargs)
            text = " ".join(str(a) for a in args).lstrip()
            if text.startswith("✗"):  # a chapter's checking function printing its own failure
                write({"exercise": state["exercise"], "passed": False, "text": text + "\n"})

    recorder = Recorder()
    recorder.run_specs = run_specs
    return recorder


__NAME__ = _make_grader_recorder()
__NAME___check = __NAME__.check_answer
__NAME___print = __NAME__.print
del _make_grader_recorder
"""


class Renamer(ast.NodeTransformer):
    """Renames global names in teacher code: each name of `names` gets the nonce appended; `check_answer`
    and `print` become the recorder's when `checks` is set."""

    def __init__(self, names, nonce, recorder, checks):
        self.map = {name: f"{name}_{nonce}" for name in names}
        if checks:
            self.map.update({"check_answer": f"{recorder}_check", "print": f"{recorder}_print"})

    def visit_Name(self, node):
        node.id = self.map.get(node.id, node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.map.get(node.arg, node.arg)
        return node

    def rename_definition(self, node):
        node.name = self.map.get(node.name, node.name)
        return self.generic_visit(node)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = rename_definition

    def visit_Global(self, node):
        node.names = [self.map.get(name, name) for name in node.names]
        return node

    visit_Nonlocal = visit_Global

    def visit_alias(self, node):
        bound = node.asname or node.name.split(".")[0]
        if bound in self.map and (node.asname or "." not in node.name):
            node.asname = self.map[bound]
        return node


def renamed(source, names, nonce, recorder, checks=False):
    """Teacher code with its hidden names renamed (unchanged text when it uses none of them)."""
    tree = parse(source)
    if tree is None:
        return python_source(source)
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | bound_names(tree)
    used |= {name for n in ast.walk(tree) if isinstance(n, (ast.Global, ast.Nonlocal)) for name in n.names}
    if not (used & set(names)) and not (checks and used & {"check_answer", "print"}):
        return python_source(source)
    return ast.unparse(Renamer(names, nonce, recorder, checks).visit(tree))


def pristine_hint(source):
    """The hint of the first check_answer call of a pristine exercise cell ("" when none)."""
    tree = parse(source)
    for node in ast.walk(tree) if tree else []:
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check_answer":
            for keyword in node.keywords:
                if keyword.arg == "hint" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return ""


def build_graded(submission, chapter, nonce, results_path, tries=(), calls_seed=0, calls_path=None):
    """The notebook to run: the pristine student edition with the student's exercise code put in, and the
    grader's recorder; returns (notebook, {exercise: {"title", "cells": graded indices}}, notes).

    `tries` (for the book's tests of wrong methods): [(tag, exercise, cell position, source)], each run
    after the exercise as a copy of its cells with the one at `cell position` replaced by `source`, and
    graded under `tag` as if it were an exercise of its own."""
    pristine = nbformat.read(STUDENT_DIR / f"{chapter}.ipynb", as_version=4)
    parts = layout(pristine)
    recorder = f"_grader_{nonce}"
    owner = {}  # pristine index -> exercise number, for every cell of an exercise's section
    for number, entry in parts.items():
        for index in entry["section"] + entry["cells"]:
            owner[index] = number
    key_of = {index: number for number, entry in parts.items() for index in entry["key"]}
    exercise_of = {index: number for number, entry in parts.items() for index in entry["cells"]}

    # The names the hidden reference cells bind are renamed (with the nonce) in every teacher's cell and
    # check, so the student's code cannot read or rebind them; except the names an exercise's own code or
    # a solution reads (a function the exercise gives, `squared_error`), which the student may use.
    key_names = set().union(*(bound_names(parse(pristine.cells[i].source)) for i in key_of)) if key_of else set()
    readable = set()
    for index in exercise_of:
        student_part, _, _ = split_exercise(pristine.cells[index].source)
        readable |= loaded_names(parse(student_part)) | bound_names(parse(student_part))
    for source in solution_sources(chapter):  # without their `assert check_answer(...)` lines
        code = strip_checks(source, [])[0]
        readable |= loaded_names(parse(code)) | bound_names(parse(code))
    hide = sorted(key_names - readable - {"check_answer", "print"})

    # The names each check reads that the teacher's cells bind (`count_flops`, `predict`, `torch`, and
    # what the checking functions of the hidden cells read in turn), except the names the exercise asks
    # for: the grader remembers them after each teacher's cell and puts them back before the check runs,
    # so a name the student rebound changes nothing the check reads.
    teacher = {i: parse(cell.source) for i, cell in enumerate(pristine.cells)
               if cell.cell_type == "code" and i not in exercise_of}
    teacher_binds = {i: bound_names(tree) for i, tree in teacher.items() if tree}
    calls_read = {}  # name -> the globals its teacher's definitions read when called
    for tree in filter(None, teacher.values()):
        for name, reads in definition_reads(tree).items():
            calls_read.setdefault(name, set()).update(reads)
    taught = set().union(*teacher_binds.values()) if teacher_binds else set()
    protect = {}
    for number, entry in parts.items():
        asked = set()
        for index in entry["cells"]:
            asked |= bound_names(parse(split_exercise(pristine.cells[index].source)[0]))
        block = split_exercise(pristine.cells[entry["cells"][-1]].source)[1] if entry["cells"] else ""
        if not block:
            continue
        wanted, frontier = set(), free_names(parse(block)) if parse(block) else set()
        while frontier:
            wanted |= frontier
            frontier = set().union(*(calls_read.get(name, set()) for name in frontier)) - wanted
        protect[number] = sorted((wanted & taught) - asked - set(hide) - {"check_answer", "print"})
    remembered = set().union(*protect.values()) if protect else set()

    # the student's cells, by id; cells without a known id belong to the exercise section they sit in
    pristine_index = {cell.get("id"): i for i, cell in enumerate(pristine.cells)}
    known = {}
    added = {number: [] for number in parts}
    dropped = 0
    current = None
    matched_by_id = any(cell.get("id") in pristine_index for cell in submission.cells)
    if matched_by_id:
        for cell in submission.cells:
            index = pristine_index.get(cell.get("id"))
            if index is not None:
                current = owner.get(index)
                if index in exercise_of and index not in known:
                    known[index] = cell
                    added[current].append(("pristine", index))
            elif cell.cell_type == "code":
                if current is None:
                    dropped += bool(cell.source.strip())
                else:
                    added[current].append(("added", cell))
    else:  # no cell ids (an old Jupyter): match each exercise's cells in order under its heading
        student = {number: body for number, _, _, body in exercises(submission)}
        for number, entry in parts.items():
            body = [submission.cells[i] for i in student.get(number, [])]
            extra = len(body) - len(entry["cells"])
            for cell in body[:max(extra, 0)]:
                added[number].append(("added", cell))
            for index, cell in zip(entry["cells"], body[max(extra, 0):], strict=False):
                known[index] = cell
                added[number].append(("pristine", index))

    labels = {number: next((book_role(pristine.cells[i]).get("label") for i in entry["cells"]
                            if book_role(pristine.cells[i]).get("label")), None)
              for number, entry in parts.items()}
    specs = grade_specs.SPECS.get(chapter, {})
    called = {number for number, label in labels.items() if label in specs}  # the grader calls these
    # the checks of the exercises the grader calls do not run: what only they read is not remembered
    # (a cell that remembers a name is kept by prune, a timing sweep with it)
    remembered = set().union(*(names for number, names in protect.items() if number not in called))

    def check_cell(index, cell_source, tag=None):
        _, block, statements = split_exercise(pristine.cells[index].source)
        if not block or exercise_of[index] in called:
            return strip_checks(cell_source, statements)[0]
        number = exercise_of[index] if tag is None else tag
        check = renamed(block, hide, nonce, recorder, checks=True)
        names = protect.get(exercise_of[index], [])
        restore = f"{recorder}.restore(globals(), {names!r})\n" if names else ""
        run = f"{recorder}.start({number!r})\n{restore}{check}\n{recorder}.end({number!r})"
        return strip_checks(cell_source, statements, replacement=run)[0]

    recorder_source = (RECORDER_CELL.replace("__PATH__", repr(str(results_path)))
                       .replace("__CHECKER__", repr(CHECKER.read_text())).replace("__NAME__", recorder))
    cells = [nbformat.v4.new_code_cell(recorder_source)]
    graded = {number: {"title": entry["title"], "cells": []} for number, entry in parts.items()}
    placed, key_cells = set(), set()
    for index, cell in enumerate(pristine.cells):
        if index in exercise_of:
            number = exercise_of[index]
            if number in placed:
                continue
            placed.add(number)
            sequence = added[number]
            present = {item for kind, item in sequence if kind == "pristine"}
            sequence += [("pristine", i) for i in parts[number]["cells"] if i not in present]
            for kind, item in sequence:
                if kind == "pristine":
                    source = known[item].source if item in known else pristine.cells[item].source
                    new = nbformat.v4.new_code_cell(check_cell(item, source))
                else:
                    new = nbformat.v4.new_code_cell(strip_checks(item.source, [])[0])
                graded[number]["cells"].append(len(cells))
                cells.append(new)
            if number in called:
                graded[number]["spec"] = labels[number]
                graded[number]["hint"] = pristine_hint(pristine.cells[parts[number]["cells"][-1]].source)
                graded[number]["code"] = "\n\n".join(cells[i].source for i in graded[number]["cells"]
                                                     if i not in key_cells)
            for tag, exercise, position, source in tries:
                if exercise != number:
                    continue
                keys = [i for i in graded[number]["cells"] if i in key_cells]
                graded[tag] = {"title": parts[number]["title"], "cells": keys}
                for k, item in enumerate(parts[number]["cells"]):
                    text = source if k == position else pristine.cells[item].source
                    graded[tag]["cells"].append(len(cells))
                    cells.append(nbformat.v4.new_code_cell(check_cell(item, text, tag)))
                if number in called:
                    graded[tag]["spec"] = labels[number]
                    graded[tag]["hint"] = graded[number]["hint"]
                    graded[tag]["code"] = "\n\n".join(cells[i].source for i in graded[tag]["cells"]
                                                      if i not in key_cells)
            continue
        new = copy.deepcopy(cell)
        if cell.cell_type == "code":
            new.outputs, new.execution_count = [], None
            new.source = renamed(cell.source, hide, nonce, recorder, checks=index in key_of)
            names = sorted(teacher_binds.get(index, set()) & remembered)
            if names:  # what the checks read, as the teacher's cell bound it
                new.source += f"\n{recorder}.remember(globals(), {names!r})"
            if index in key_of:
                graded[key_of[index]]["cells"].append(len(cells))
                key_cells.add(len(cells))
        cells.append(new)
    jobs = []
    for tag, entry in graded.items():
        if "spec" in entry:
            # the hidden reference cells of an exercise the grader calls compare nothing: not kept for it
            entry["cells"] = [i for i in entry["cells"] if i not in key_cells]
            spec = specs[entry["spec"]]
            jobs.append((tag, spec["function"], spec["setup"], spec["points"], entry["code"],
                         spec.get("provenance"), {"dispatch": spec.get("dispatch", True)}))
    if jobs:  # the grader's calls, after every cell of the notebook (their seed exists only here)
        calls_cell = nbformat.v4.new_code_cell(
            f"{recorder}.run_specs(globals(), {calls_seed!r}, {str(calls_path)!r}, {jobs!r})")
        for entry in graded.values():
            if "spec" in entry:
                entry["calls_cell"] = len(cells)
        cells.append(calls_cell)
    notebook = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(pristine.metadata))
    notes = [f"{dropped} cell(s) added outside the exercises were not run"] if dropped else []
    return notebook, graded, notes


def execute(notebook, timeout=300):
    """Run every cell in a fresh kernel from an empty folder, errors allowed; return the indices not run."""
    workdir = tempfile.mkdtemp(prefix="grade-")
    # the kernel logs errors only: ipykernel's warning about unencrypted TCP on localhost is not printed on
    # every run (a kernel's errors and the cells' own output still are)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": workdir}},
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    died = None
    try:
        client.execute()
    except DeadKernelError as error:  # os._exit, a crash, memory: the cells after it never ran
        died = str(error) or "the kernel died"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    not_run = {i for i, cell in enumerate(notebook.cells)
               if cell.cell_type == "code" and cell.get("execution_count") is None and cell.source.strip()}
    return not_run, died


def read_records(path):
    records = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return records


# ---------------------------------------------------------------------------------------------------------
# Running only what the graded cells need


def touched_names(tree):
    """Names a cell binds, or changes in place in its top-level code: a method call (`model.eval()`,
    `torch.manual_seed(0)`) or an assignment into an attribute or item (`x[0] = 1`)."""
    names = bound_names(tree)

    def root(node):
        while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
            node = node.func if isinstance(node, ast.Call) else node.value
        return node.id if isinstance(node, ast.Name) else None

    def visit(statements):
        for node in statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                if isinstance(node.value.func, ast.Attribute):
                    names.add(root(node.value.func))
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if not isinstance(target, ast.Name):
                        names.add(root(target))
            for field in ("body", "orelse", "finalbody"):
                visit([child for child in getattr(node, field, []) if isinstance(child, ast.stmt)])
            for handler in getattr(node, "handlers", []):
                visit(handler.body)

    visit(tree.body)
    return names - {None, "plt", "fig", "ax", "axes"}


def free_names(tree):
    """The global names a cell reads: its top-level reads, and the reads of its functions, lambdas and
    comprehensions that are not their own arguments or locals."""
    found = set()
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
              ast.GeneratorExp)

    def visit(node, local):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, scopes):
                inner = {n.id for n in ast.walk(child) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
                # a function or class defined inside is local too (the grader's recorder defines `graphs`)
                inner |= {n.name for n in ast.walk(child) if n is not child and isinstance(
                    n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
                inner |= {a.arg for a in ast.walk(child) if isinstance(a, ast.arg)}
                visit(child, local | inner)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
                if child.id not in local:
                    found.add(child.id)
            else:
                visit(child, local)

    visit(tree, set())
    return found


def earlier_reads(tree):
    """The names a cell reads that earlier cells must have bound: a top-level statement's reads (free_names)
    less what the cell's earlier statements bound, and less what a compound statement binds itself (its
    loop variable, its `with ... as` name). A simple statement's own targets still count (`x = f(x)` reads
    x). Used to decide which cells a kept cell needs; a miss shows as a NameError, which `missed` sees."""
    if tree is None:
        return set()
    found, bound = set(), set()
    simple = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return, ast.Assert, ast.Delete)
    for node in tree.body:
        module = ast.Module(body=[node], type_ignores=[])
        reads = free_names(module) - bound
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            reads.add(node.target.id)
        if not isinstance(node, simple):
            reads -= bound_names(module)
        found |= reads
        bound |= bound_names(module)
    return found


def definition_reads(tree):
    """{name: the global names read when it is called} for the functions and classes a cell's top-level
    code defines (`def f`, `class C`, `f = lambda ...`)."""
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.setdefault(node.name, set()).update(free_names(ast.Module(body=[node], type_ignores=[])))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, set()).update(free_names(node.value))
    return found


def prune(notebook, graded):
    """Empty the teacher's code cells that no kept cell needs; return the names the emptied cells bind.
    Kept: the grader's cells, every graded cell (the exercises' cells, the student's among them, and their
    hidden reference cells), the shared cells, and then, from the last cell up, every cell that binds or
    changes (`x.method()`, `x[i] = ...`, `x.attr = ...`) a name a kept cell reads (a cell that does not
    parse is kept). The timing sweeps, plots and prose code of a chapter go; its set-up stays."""
    keep = {0} | {i for entry in graded.values() for i in entry["cells"]}
    keep |= {entry["calls_cell"] for entry in graded.values() if "calls_cell" in entry}
    keep |= {i for i, cell in enumerate(notebook.cells) if cell.metadata.get("book", {}).get("role") == "shared"}
    trees = {i: parse(cell.source) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"}
    needed = set().union(*(earlier_reads(trees[i]) for i in keep if trees.get(i)))
    for i in sorted(trees, reverse=True):
        if i in keep:
            continue
        if trees[i] is None or touched_names(trees[i]) & needed:
            keep.add(i)
            needed |= earlier_reads(trees[i])
    emptied = set()
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and i not in keep and cell.source.strip():
            emptied |= touched_names(trees[i])
            cell.source = ""
    return emptied


NAME_ERROR = re.compile(r"name '([^']+)' is not defined")


def missed(notebook, emptied):
    """True when a cell of the run raised NameError for a name that an emptied cell binds."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") in ("NameError", "UnboundLocalError"):
                found = NAME_ERROR.search(output.get("evalue") or "")
                if found and found.group(1) in emptied:
                    return True
    return False


def grade_notebook(submission, timeout=300, tries=(), prepare=None, whole=False, only=None):
    """Grade a submission (an nbformat notebook): (chapter, results, seconds, executed graded notebook).
    Raises LookupError when the notebook matches no chapter. `tries`: see build_graded; `prepare(notebook,
    graded)` may change the notebook to run. Only the cells the graded cells need are run (`prune`); a run
    in which a cell raised NameError for a name an emptied cell binds is run again whole (as with `whole`).
    `only`: the exercises and tries (keys of build_graded's `graded`) whose needs decide what runs, for a
    test that reads only those results (tests/test_wrong_methods.py); the others' results mean nothing."""
    chapter = find_chapter(submission)
    if chapter is None:
        raise LookupError("this notebook matches no chapter's student edition (no metadata, cell ids or title)")
    reader = reader_edition(submission)
    nonce = secrets.token_hex(12)
    channel = Path(tempfile.mkdtemp(prefix="grade-results-"))
    results_path = channel / f"results-{nonce}.jsonl"
    calls_seed = secrets.randbits(62)  # the points of the grader's calls: drawn now, never in the notebook
    calls_path = channel / f"calls-{secrets.token_hex(12)}.pt"
    try:
        built, graded, notes = build_graded(submission, chapter, nonce, results_path, tries,
                                            calls_seed, calls_path)
        if prepare is not None:
            prepare(built, graded)
        start = time.perf_counter()  # the wall time of the whole run, for the summary line only
        for whole_run in (whole, True):
            notebook = copy.deepcopy(built)
            needs = graded if only is None else {key: entry for key, entry in graded.items() if key in only}
            emptied = set() if whole_run else prune(notebook, needs)
            results_path.unlink(missing_ok=True)
            calls_path.unlink(missing_ok=True)
            not_run, died = execute(notebook, timeout)
            if whole_run or not missed(notebook, emptied):
                break
        seconds = time.perf_counter() - start
        records = read_records(results_path)
        calls = read_calls(calls_path)
    finally:
        shutil.rmtree(channel, ignore_errors=True)
    specs = grade_specs.SPECS.get(chapter, {})
    results = []
    for number, entry in graded.items():
        cells = [notebook.cells[i] for i in entry["cells"]]
        error = first_error(cells)
        if "spec" in entry:
            checks = called_checks(specs[entry["spec"]], calls_seed, calls.get(number))
            if entry["hint"] and not all(ok for ok, _ in checks):
                checks = [(ok, text if ok else f"{text} Hint: {entry['hint']}") for ok, text in checks]
            stopped = any(i in not_run for i in entry["cells"] + [entry["calls_cell"]])
            passed, message = verdict(checks, error, stopped, died=died is not None and stopped)
            if notes and not passed:
                message += f" ({'; '.join(notes)})"
            results.append(result_row(number, entry["title"], checks, error, passed, message))
            continue
        mine = [r for r in records if r.get("exercise") == number]
        checks = [check for r in mine if "text" in r for check in parse_check_text(r["text"])
                  or [(bool(r.get("passed")), "(a check without a message)")]]
        # a check recorded as failed whose text says ✓ is still a failure (the recorder's verdict wins)
        if any("text" in r and not r.get("passed") for r in mine) and all(ok for ok, _ in checks):
            checks.append((False, "a check failed"))
        finished = any(r.get("event") == "end" for r in mine)
        stopped = any(i in not_run for i in entry["cells"])
        passed, message = verdict(checks, error, stopped, finished, died=died is not None and stopped)
        if notes and not passed:
            message += f" ({'; '.join(notes)})"
        results.append(result_row(number, entry["title"], checks, error, passed, message))
    if reader:
        for result in results:
            if not result["passed"]:
                result["message"] = (f"the reader edition (book/{chapter}.ipynb, with the solutions folded) was "
                                     f"handed in, not the student edition (student/{chapter}.ipynb): the "
                                     f"answers belong in the exercise cells. {result['message']}")
    return chapter, results, seconds, notebook


def read_calls(path):
    """What the grader's calls returned (tools/grade_specs/): {tag: record}, or {} when the cell never
    wrote it. Loaded with weights_only: plain tensors, numbers, strings and containers only."""
    if not path.exists():
        return {}
    import torch

    try:
        return torch.load(path, weights_only=True)
    except Exception:  # noqa: BLE001 - a file the student's code replaced or broke: nothing was checked
        return {}


_references = {}
# Gradings run in threads of one process (a batch, the tests' pool); torch.func's transforms keep their
# levels in state shared by the process (two jacfwd at once raise "Trying to access a forward AD level
# with an invalid index"), so the references are computed one at a time.
_references_lock = threading.Lock()


def detached(value):
    if isinstance(value, tuple):
        return tuple(detached(v) for v in value)
    if isinstance(value, dict):
        return {k: detached(v) for k, v in value.items()}
    return value.detach() if hasattr(value, "detach") else value


def references(spec, seed):
    """(points, expected values, expected counts) of an exercise the grader calls, computed here, in the
    grading process, where no student code runs."""
    key = (spec["function"], seed)
    with _references_lock:
        return _computed_references(spec, seed, key)


def _computed_references(spec, seed, key):
    if key not in _references:
        import torch

        namespace = {"torch": torch}
        exec(spec["setup"] + spec["points"] + spec["reference"] + spec["method"], namespace)
        points = namespace["points"](torch.Generator().manual_seed(seed), torch.device("cpu"))
        values = []
        for point in points:
            value = namespace["reference"](*point)
            values.append(detached(value))
        _references[key] = (points, values, [namespace["method"](*point) for point in points])
    return _references[key]


def called_checks(spec, seed, record):
    """[(passed, text)] for an exercise the grader calls: one line for the values at the points drawn at
    grading time, one for the method counted on those same calls, one for where the value came from."""
    # The checker's lines go to this call's own buffer through its module's `print`: redirecting
    # sys.stdout would catch the lines of another grading that runs in another thread of the pool.
    out = {"buffer": io.StringIO()}

    def captured_print(*args, sep=" ", end="\n", **_):
        out["buffer"].write(sep.join(map(str, args)) + end)

    silent = {"torch": __import__("torch"), "__name__": "grader_checker", "print": captured_print}
    exec(CHECKER.read_text(), silent)
    check = silent["check_answer"]
    if record is None:
        return []
    if record.get("error"):
        return [(False, f"your code could not be run by the grader: {record['error']}")]
    points, expected, methods = references(spec, seed)
    calls = record["calls"]
    if len(calls) != len(points):
        return [(False, "the grader's calls did not all return")]
    atol, rtol = spec.get("tolerance", (1e-5, 1e-4))
    checks = []

    def run(name, got, want, **kwargs):
        out["buffer"] = io.StringIO()
        ok = check(name, got, want, **kwargs)
        return ok is True, parse_check_text(out["buffer"].getvalue())

    label = f"values at {len(points)} {spec.get('drawn', 'points')} drawn at grading time"
    for call, want in zip(calls, expected, strict=True):
        if call["error"]:
            checks.append((False, f"{label}: your function raised {call['error']}"))
            break
        got = tuple(call["value"]) if isinstance(want, tuple) and isinstance(call["value"], list) else call["value"]
        double = getattr(want, "dtype", None) == silent["torch"].float64
        tolerance = spec.get("tolerance64", (atol, rtol)) if double else (atol, rtol)
        ok, lines = run(label, got, want, atol=tolerance[0], rtol=tolerance[1])
        if not ok:
            checks.append(next(line for line in group_checks(lines) if not line[0]))
            break
    else:
        checks.append((True, f"{label}: correct"))
    label = f"method on those calls ({', '.join(sorted(set().union(*methods)))})"
    for call, want in zip(calls, methods, strict=True):
        # an expected count is a number, or ("<=", bound)
        counts = call["counts"]
        wrong = []
        for name in sorted(want):
            # "calls of grad + calls of vjp": the sum of those counters (one of several methods)
            got = sum(counts.get(part, 0) for part in name.split(" + "))
            if isinstance(want[name], tuple) and not got <= want[name][1]:
                wrong.append(f"{name} {got}, over the bound")
            elif not isinstance(want[name], tuple) and got != want[name]:
                wrong.append(f"{name} {got}")
        if wrong:
            checks.append((False, f"method not right: your call made {', '.join(wrong)}"))
            break
    else:
        checks.append((True, f"{label}: correct"))
    if spec.get("provenance"):
        source = {"backward": "a backward pass"}.get(spec["provenance"], spec["provenance"])
        fine = all(call["provenance"] for call in calls)
        checks.append((fine, f"the value is what {source} returned: " + ("correct" if fine else "not right")))
    return checks


def grade(path, timeout=300):
    """Read, rebuild, execute and grade one notebook; return (results, seconds)."""
    _, results, seconds, _ = grade_notebook(nbformat.read(path, as_version=4), timeout)
    return results, seconds


def table(results):
    rows = [("Exercise", "Result", "Message")]
    rows += [(f"{r['exercise']}. {r['title']}" if r.get("title") else str(r["exercise"]),
              "passed" if r["passed"] else "failed", r["message"]) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in rows]
    lines.insert(1, f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * len('Message')}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# A whole class


def submissions(folder):
    """[(student, path)]: FOLDER/<student>.ipynb, and FOLDER/<student>/<chapter>.ipynb."""
    found = [(path.stem, path) for path in sorted(folder.glob("*.ipynb"))]
    found += [(path.parent.name, path) for path in sorted(folder.glob("*/*.ipynb"))
              if not path.parent.name.startswith(".")]
    return found


def grade_batch(folder, csv_path, timeout=300, jobs=1):
    """Grade every submission in a folder; write the CSV; return the rows."""

    def one(item):
        student, path = item
        try:
            submission = nbformat.read(path, as_version=4)
            chapter, results, _, _ = grade_notebook(submission, timeout)
        except Exception as error:  # noqa: BLE001 - one unreadable file must not stop the class's grading
            return [{"student": student, "chapter": "", "exercise": "", "title": "", "points": 0,
                     "message": f"not graded ({path.name}): {type(error).__name__}: {error}"}]
        return [{"student": student, "chapter": chapter, "exercise": r["exercise"], "title": r["title"],
                 "points": int(r["passed"]), "message": r["message"]} for r in results]

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        rows = [row for rows in pool.map(one, submissions(folder)) for row in rows]
    with open(csv_path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=["student", "chapter", "exercise", "title", "points", "message"])
        writer.writeheader()
        writer.writerows(rows)
    write_summary(rows, summary_path(csv_path))
    return rows


def summary_path(csv_path):
    return csv_path.with_name(f"{csv_path.stem}-summary.csv")


def write_summary(rows, path):
    """One row per student, for a gradebook: the points of each chapter (blank when it was not handed in),
    the total, the maximum (every exercise of every chapter anyone handed in, the same for the whole class)
    and the percentage."""
    chapters_seen = sorted({row["chapter"] for row in rows if row["chapter"]})
    maximum = {chapter: len(layout(nbformat.read(STUDENT_DIR / f"{chapter}.ipynb", as_version=4)))
               for chapter in chapters_seen}
    students = sorted({row["student"] for row in rows})
    total_maximum = sum(maximum.values())
    columns = ["student"] + [f"{chapter} (of {maximum[chapter]})" for chapter in chapters_seen]
    columns += ["points", "maximum", "percent"]
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        for student in students:
            mine = [row for row in rows if row["student"] == student]
            per = {chapter: sum(row["points"] for row in mine if row["chapter"] == chapter)
                   for chapter in chapters_seen if any(row["chapter"] == chapter for row in mine)}
            points = sum(per.values())
            percent = f"{100 * points / total_maximum:.1f}" if total_maximum else ""
            writer.writerow([student] + [per.get(chapter, "") for chapter in chapters_seen]
                            + [points, total_maximum, percent])


# ---------------------------------------------------------------------------------------------------------
# Export for nbgrader


NBGRADER_CONFIG = '''# nbgrader configuration written by tools/grade.py --export nbgrader (the course directory is this folder).
# Read GRADING-LIMITS.md beside it: what nbgrader's autograding of these notebooks does not stop.
c = get_config()  # noqa: F821 - nbgrader defines it
# An answer cell keeps the book's placeholder above its solution region; the region itself becomes this line.
c.ClearSolutions.code_stub = {"python": "# (your code goes in the placeholder above)"}
# The release keeps the student edition's outputs (figures, measured paragraphs); answer and test cells
# carry none.
c.ClearOutput.enabled = False
'''

NBGRADER_LIMITS = """# What nbgrader's autograding of these notebooks does not stop

Written by `tools/grade.py --export nbgrader`. In nbgrader, each test cell runs in the student's own
kernel, after the student's code, and reads names the notebook binds; nbgrader restores the locked and
test cells, but not the namespace they run in. So, with these notebooks:

- each test cell defines the teacher's `check_answer` again (in a hidden-tests region), so a student's
  `check_answer` no longer passes every later exercise; but one that patches what the checker calls
  (`torch.allclose`, `builtins.abs`, `isinstance`) still passes them;
- returning a reference by name passes: the hidden reference cells bind names (`reference_1`, ...)
  that an answer cell can read and return, with a dummy call of the asked-for method for the counters;
- rebinding a name a check reads (a FLOP counter, the function under study, `hessian`) changes
  what the check compares against; patching `torch.allclose` or `builtins.abs` passes the comparisons;
- the checks run at the chapter's own points, visible in the notebook.

`tools/grade.py` (the book's grader) stops these: it calls every exercise's function itself, at inputs
drawn when it grades, and compares in its own process: grade with it when this matters (see
teachers/NOTES.md).
"""


def solution_code(source, check_statements):
    """A reader edition's solution cell as nbgrader solution code: without its `# @title` line, and without
    its check statements and what follows them (which the test cell runs)."""
    lines = source.split("\n")
    if lines and lines[0].startswith("# @title"):
        lines = lines[1:]
    code = python_source("\n".join(lines))
    tree = parse(code)
    if tree is None:
        return code.strip("\n")
    pristine = {ast.dump(node) for node in check_statements}
    stop = next((node.lineno - 1 for node in tree.body
                 if ast.dump(node) in pristine or calls_a_check(node)), None)
    return "\n".join(code.split("\n")[:stop]).strip("\n")


def nbgrader_test(number, block):
    """The autograder test cell of an exercise: the pristine check statements, with their ✓/✗ lines
    captured; the cell raises (0 points) unless every check passed."""
    if '"""' in block or "'''" in block:  # a multi-line string must not be indented: run it as text
        body = f"    exec({block!r})"
    else:
        body = "\n".join(f"    {line}" if line.strip() else "" for line in block.split("\n"))
    # the teacher's checker again, in a hidden-tests region (gone from the release, put back by nbgrader
    # when it grades): a check_answer redefined in an answer cell changes nothing in this cell's checks
    checker = CHECKER.read_text().strip("\n")
    return (f"# The check of Exercise {number} (1 point when every check passes; written by tools/grade.py)\n"
            f"### BEGIN HIDDEN TESTS\n{checker}\n### END HIDDEN TESTS\n"
            "import contextlib\nimport io\n\n"
            "_check_output = io.StringIO()\n"
            "with contextlib.redirect_stdout(_check_output):\n"
            f"{body}\n"
            "print(_check_output.getvalue(), end=\"\")\n"
            "assert \"✓\" in _check_output.getvalue() and \"✗\" not in _check_output.getvalue(), "
            "\"a check failed: see the lines above\"")


def nbgrader_notebook(chapter):
    """The nbgrader source notebook of one chapter: every code cell of the student edition outside the
    exercises locked (read-only), each exercise's cells answer cells (the book's placeholder, then the
    reader edition's solution in a solution region), and after each exercise a locked test cell with its
    check, worth 1 point."""
    pristine = nbformat.read(STUDENT_DIR / f"{chapter}.ipynb", as_version=4)
    parts = layout(pristine)
    exercise_of = {index: number for number, entry in parts.items() for index in entry["cells"]}
    solutions = {}
    reader_path = BOOK_DIR / f"{chapter}.ipynb"
    if reader_path.exists():
        for cell in nbformat.read(reader_path, as_version=4).cells:
            role = book_role(cell)
            if role.get("role") == "solution":
                solutions.setdefault(role["exercise"], []).append(cell.source)

    def meta(grade_id, **fields):
        return {"nbgrader": {"schema_version": 3, "grade_id": grade_id, "locked": False, "solution": False,
                             "grade": False, **fields}}

    cells = []
    for index, cell in enumerate(pristine.cells):
        new = copy.deepcopy(cell)
        new.pop("id", None)
        if cell.cell_type == "code" and index in exercise_of:  # locked cells keep the edition's outputs
            new.outputs, new.execution_count = [], None
        if cell.cell_type != "code" or index not in exercise_of:
            if cell.cell_type == "code":  # set-up, shared, checker and reference cells: read-only
                new.metadata.update(meta(f"{chapter}-cell-{index}", locked=True))
            cells.append(new)
            continue
        number = exercise_of[index]
        last = index == parts[number]["cells"][-1]
        student_part, block, statements = split_exercise(cell.source)
        answer = student_part if block else python_source(cell.source)
        if last:
            solution = [solution_code(source, statements) for source in solutions.get(number, [])]
            if any(solution):
                answer += "\n\n### BEGIN SOLUTION\n" + "\n\n".join(filter(None, solution)) + "\n### END SOLUTION"
        new.source = answer.strip("\n")
        new.metadata.update(meta(f"{chapter}-exercise-{number}-answer-{index}", solution=True))
        cells.append(new)
        if block:
            test = nbformat.v4.new_code_cell(nbgrader_test(number, block))
            test.pop("id", None)
            test.metadata.update(meta(f"{chapter}-exercise-{number}-test", locked=True, grade=True, points=1))
            cells.append(test)
    return nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(pristine.metadata))


def export_nbgrader(outdir, only=None):
    """Write OUTDIR/source/<chapter>/<chapter>.ipynb for every chapter with exercises, and
    OUTDIR/nbgrader_config.py; return the paths written."""
    written = []
    for chapter in only or chapters():
        notebook = nbgrader_notebook(chapter)
        if not any("nbgrader" in cell.metadata and cell.metadata["nbgrader"].get("grade") for cell in notebook.cells):
            continue
        path = outdir / "source" / chapter / f"{chapter}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        for cell in notebook.cells:  # nbgrader 0.9 keeps nbformat 4.4 notebooks: no cell ids
            cell.pop("id", None)
        notebook.nbformat_minor = 4
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    config = outdir / "nbgrader_config.py"
    config.write_text(NBGRADER_CONFIG, encoding="utf-8")
    limits = outdir / "GRADING-LIMITS.md"
    limits.write_text(NBGRADER_LIMITS, encoding="utf-8")
    return written + [config, limits]


# ---------------------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description="Grade students' notebooks (see the module docstring).")
    parser.add_argument("notebook", type=Path, nargs="?")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--timeout", type=int, default=300, help="seconds a single cell may take (default 300)")
    parser.add_argument("--batch", type=Path, metavar="FOLDER", help="grade every notebook in FOLDER")
    parser.add_argument("--csv", type=Path, default=Path("grades.csv"), help="where --batch writes its rows")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks graded at a time with --batch")
    parser.add_argument("--export", nargs=2, metavar=("FORMAT", "OUTDIR"),
                        help="write the chapters as nbgrader source notebooks (FORMAT: nbgrader)")
    parser.add_argument("--save-graded", type=Path, metavar="PATH",
                        help="also write the notebook as it was run, with its outputs (for a teacher's look)")
    args = parser.parse_args(argv)
    if args.export:
        kind, outdir = args.export
        if kind != "nbgrader":
            parser.error("--export knows one format: nbgrader")
        for path in export_nbgrader(Path(outdir)):
            print(path)
        return 0
    if args.batch:
        rows = grade_batch(args.batch, args.csv, args.timeout, args.jobs)
        students = len({row["student"] for row in rows})
        print(f"{len(rows)} rows for {students} student(s) written to {args.csv}; one row per student "
              f"(points, maximum, percent) in {summary_path(args.csv)}")
        return 0
    if args.notebook is None:
        parser.error("say which notebook to grade (or --batch FOLDER, or --export nbgrader OUTDIR)")
    try:
        submission = nbformat.read(args.notebook, as_version=4)
        chapter, results, seconds, executed = grade_notebook(submission, args.timeout)
    except (OSError, ValueError, LookupError, nbformat.reader.NotJSONError) as error:
        print(f"cannot read {args.notebook}: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    if args.save_graded:
        nbformat.write(executed, args.save_graded)
    passed = sum(r["passed"] for r in results)
    if args.json:
        print(json.dumps({"notebook": str(args.notebook), "chapter": chapter, "passed": passed,
                          "total": len(results), "seconds": round(seconds, 1), "exercises": results},
                         indent=1, ensure_ascii=False))
    else:
        if results:
            print(table(results))
            print()
        print(f"{passed} of {len(results)} exercises passed ({args.notebook}, run in {seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
