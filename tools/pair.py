"""Regenerate book/<name>.ipynb from book/<name>.md for every MyST notebook whose pair has drifted.

The .md is the source. A pair that already matches is left untouched (jupytext would otherwise give every
cell a new random id, a diff in every notebook). A drifted pair is updated in place with `jupytext --update`
(cells that did not change keep their ids) and then stripped of outputs, which are never committed."""

import json
import subprocess
import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent


def cells(path):
    return [(c.cell_type, c.source.strip(), c.metadata) for c in jupytext.read(path).cells]


def has_outputs(ipynb):
    return any(c.get("outputs") or c.get("execution_count") for c in json.loads(ipynb.read_text())["cells"])


def is_notebook(md):
    return "format_name: myst" in md.read_text().split("\n---", 1)[0]


for md in sorted((ROOT / "book").glob("*.md")):
    if not is_notebook(md):
        continue
    ipynb = md.with_suffix(".ipynb")
    if ipynb.exists() and cells(md) == cells(ipynb) and not has_outputs(ipynb):
        continue
    command = [str(Path(sys.executable).parent / "jupytext"), "--quiet", "--to", "ipynb"]
    subprocess.run(command + (["--update"] if ipynb.exists() else []) + [str(md)], check=True)
    notebook = json.loads(ipynb.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    ipynb.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    print(f"regenerated {ipynb.relative_to(ROOT)}")
