"""Paste tests/snippets/check_answer.py into the check_answer cell of every book/*.md, then re-pair the .ipynb.

Run it (`make checker`) after changing the shared exercise checker; the structure test fails until you do."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNIPPET = (ROOT / "tests" / "snippets" / "check_answer.py").read_text().strip()
CELL = re.compile(r"(```\{code-cell\} ipython3\n:tags: \[hide-input\]\n\n)# Exercise checker:.*?(\n```)", re.S)

changed = False
for md in sorted((ROOT / "book").glob("*.md")):
    text = md.read_text()
    updated, count = CELL.subn(lambda m: m.group(1) + SNIPPET + m.group(2), text)
    if count and updated != text:
        md.write_text(updated)
        changed = True
        print(f"updated {md.relative_to(ROOT)}")

if changed:  # re-pair the .ipynb files (keeping the ids of unchanged cells)
    subprocess.run([sys.executable, str(ROOT / "tools" / "pair.py")], check=True)
