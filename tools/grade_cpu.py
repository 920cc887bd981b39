"""How long grading takes: each chapter's student edition with every answer right (the reader edition's
solutions), graded by tools/grade.py, one chapter at a time; prints the CPU of the grader and its kernel
(user + sys, the kernel a child process) and the points.

    .venv/bin/python tools/grade_cpu.py [CHAPTER ...]

Issue 21's budget is 30 s of CPU per notebook on the 2-core machine. CPU, not wall time, so that a busy
machine changes the figure little."""

import json
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one(chapter):
    """Grade one chapter in a process of its own, so that its CPU is its own."""
    code = f"""
import json, resource, sys
sys.path[:0] = [{str(ROOT / "tests")!r}, {str(ROOT / "tools")!r}]
from chapter_exercises import answered
import grade, nbformat
notebook = answered({chapter!r}, {{n: "right" for n in range(1, 50)}})
_, results, seconds, _ = grade.grade_notebook(notebook)
own = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"points": sum(r["passed"] for r in results), "of": len(results),
                  "cpu": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime, "wall": seconds,
                  "failed": [r["message"][:200] for r in results if not r["passed"]]}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        return {"error": out.stderr[-800:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    sys.path.insert(0, str(ROOT / "tools"))
    import grade

    chapters = sys.argv[1:] or grade.chapters()
    for chapter in chapters:
        found = one(chapter)
        if "error" in found:
            print(f"{chapter:20s} error: {found['error']}")
            continue
        print(f"{chapter:20s} {found['cpu']:6.1f} s CPU  {found['points']}/{found['of']} points"
              + (f"  failed: {found['failed']}" if found["failed"] else ""), flush=True)


if __name__ == "__main__":
    main()
