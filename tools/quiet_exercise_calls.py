"""End the check_answer call that closes each exercise cell with `;`, so Jupyter shows the checker's line but
not its return value (`False`) under it. Idempotent; re-pairs the .ipynb of every file it changes."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"(```\{exercise-start\}.*?```\{exercise-end\})", re.S)
CELL = re.compile(r"(```\{code-cell\} ipython3\n.*?)(\n```)", re.S)


def quiet(cell):
    body, end = cell.group(1), cell.group(2)
    lines = body.rstrip().split("\n")
    start = max(i for i, line in enumerate(lines) if line.startswith("check_answer(")) if any(
        line.startswith("check_answer(") for line in lines) else None
    if start is None or lines[-1].endswith(";"):
        return cell.group(0)
    lines[-1] += ";"
    return "\n".join(lines) + end


changed = False
for md in sorted((ROOT / "book").glob("*.md")):
    text = md.read_text()
    updated = BLOCK.sub(lambda block: CELL.sub(quiet, block.group(1)), text)
    if updated != text:
        md.write_text(updated)
        changed = True
        print(f"updated {md.relative_to(ROOT)}")

if changed:  # re-pair the .ipynb files (keeping the ids of unchanged cells)
    subprocess.run([sys.executable, str(ROOT / "tools" / "pair.py")], check=True)
