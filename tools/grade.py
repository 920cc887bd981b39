"""Grade a student's completed notebook: run it, then read every exercise's check.

    python tools/grade.py student_notebook.ipynb          # a table for people
    python tools/grade.py student_notebook.ipynb --json   # the same results for machines
    make grade NOTEBOOK=student_notebook.ipynb

The notebook runs from top to bottom in a fresh kernel, from an empty temporary folder (so it can read no file
of this repository, as in Colab), with errors allowed: a cell that raises in the middle does not stop the later
exercises from being graded. In the generated notebooks (student/<chapter>.ipynb, book/<chapter>.ipynb) each
exercise begins with a Markdown cell `### Exercise N`, and its code cells print the checker's lines,
`✓ name: correct` or `✗ name: what was expected` (with `  Hint: ...` below). An exercise passes when its
checks printed at least one ✓ line, no ✗ line, and none of its cells raised. Hidden cells just before an
exercise's heading (they compute the references its check compares against) count as part of that exercise.

The exit code is 0 whatever the grades (a notebook that cannot be read exits 2), so a script can collect the
results of a whole class.
"""

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

EXERCISE_HEADING = re.compile(r"^###\s+Exercise\s+(\d+)\b[.:]?\s*(.*)")
SOLUTION_TITLE = "# @title Solution to exercise"


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


def check_lines(cell):
    """The checker's lines a cell printed: [(passed, text)], a ✗ line with its hint joined on."""
    text = "".join(output.get("text", "") for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream" and output.get("name") == "stdout")
    checks = []
    for line in text.splitlines():
        if line.startswith("✓ "):
            checks.append((True, line[2:].strip()))
        elif line.startswith("✗ "):
            checks.append((False, line[2:].strip()))
        elif line.strip().startswith("Hint:") and checks and not checks[-1][0]:
            checks[-1] = (False, f"{checks[-1][1]} {line.strip()}")
    return checks


def first_error(cells):
    for cell in cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = (output.get("evalue") or "").strip().splitlines()
                return output.get("ename", "Error"), message[0] if message else ""
    return None


def grade_cells(notebook, not_run=frozenset()):
    """The grade of every exercise of an executed notebook: a list of dicts."""
    results = []
    for number, title, setup, body in exercises(notebook):
        cells = [notebook.cells[i] for i in setup + body]
        checks = [check for i in body for check in check_lines(notebook.cells[i])]
        # a hidden set-up cell that raised matters only if the exercise's own cells then failed to check
        error = first_error(cells) if first_error([notebook.cells[i] for i in body]) or not checks else None
        if error:
            passed, message = False, f"raised {error[0]}: {error[1]}".rstrip(": ")
        elif any(i in not_run for i in setup + body):
            passed, message = False, "not run: the kernel stopped before this exercise"
        elif not checks:
            passed, message = False, "no check ran: the exercise's check_answer(...) line is missing"
        elif all(ok for ok, _ in checks):
            passed, message = True, "; ".join(text for _, text in checks)
        else:
            passed, message = False, "; ".join(text for ok, text in checks if not ok)
        results.append({
            "exercise": number,
            "title": title,
            "passed": passed,
            "message": message,
            "checks": [{"passed": ok, "line": text} for ok, text in checks],
            "error": {"type": error[0], "message": error[1]} if error else None,
        })
    return results


def execute(notebook, timeout=300):
    """Run every cell in a fresh kernel from an empty folder, errors allowed; return the indices not run."""
    workdir = tempfile.mkdtemp(prefix="grade-")
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": workdir}})
    try:
        client.execute()
    except DeadKernelError:
        pass
    return {i for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and cell.get("execution_count") is None and cell.source.strip()}


def grade(path, timeout=300):
    """Read, execute and grade one notebook; return (results, seconds)."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.perf_counter()  # the wall time of the whole run, for the summary line only
    not_run = execute(notebook, timeout)
    return grade_cells(notebook, not_run), time.perf_counter() - start


def table(results):
    rows = [("Exercise", "Result", "Message")]
    rows += [(str(r["exercise"]), "passed" if r["passed"] else "failed", r["message"]) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c}".rstrip() for a, b, c in rows]
    lines.insert(1, f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * len('Message')}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Grade a student's completed notebook (see the module docstring).")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--timeout", type=int, default=300, help="seconds a single cell may take (default 300)")
    args = parser.parse_args(argv)
    try:
        nbformat.read(args.notebook, as_version=4)
    except Exception as error:  # a missing file, bad JSON, not a notebook: nothing to grade
        print(f"cannot read {args.notebook}: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    results, seconds = grade(args.notebook.resolve(), args.timeout)
    passed = sum(r["passed"] for r in results)
    if args.json:
        print(json.dumps({"notebook": str(args.notebook), "passed": passed, "total": len(results),
                          "seconds": round(seconds, 1), "exercises": results}, indent=1, ensure_ascii=False))
    else:
        if results:
            print(table(results))
            print()
        print(f"{passed} of {len(results)} exercises passed ({args.notebook}, run in {seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
