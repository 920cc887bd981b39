"""Binder's environment (binder/requirements.txt, binder/runtime.txt) is small and CPU-only: PyTorch's CPU
build from PyTorch's own wheel index, the same versions as requirements.txt, and nothing the notebooks do
not import. (Binder itself cannot be reached from here; this checks what can be checked offline.)"""

import re

import jupytext

from conftest import ROOT, book_notebook_mds

# pip's name for each module the notebooks may import
MODULE_OF = {"torch": "torch", "numpy": "numpy", "matplotlib": "matplotlib", "scipy": "scipy",
             "sklearn": "scikit-learn", "curvlinops": "curvlinops-for-pytorch"}


def pins(path):
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def test_binder_pins_agree_with_requirements():
    binder, main = pins(ROOT / "binder" / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert binder, "binder/requirements.txt pins nothing"
    for name, version in binder.items():
        assert name in main, f"binder pins {name}, which requirements.txt does not"
        assert version.split("+")[0] == main[name], f"binder pins {name}=={version}, requirements.txt {main[name]}"


def test_binder_installs_the_cpu_build_of_torch():
    text = (ROOT / "binder" / "requirements.txt").read_text()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert pins(ROOT / "binder" / "requirements.txt")["torch"].endswith("+cpu"), "pin torch==X+cpu, or pip may pick PyPI's CUDA wheel"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_binder_names_only_what_the_notebooks_import():
    imported = set()
    for md in book_notebook_mds():
        for cell in jupytext.read(md).cells:
            if cell.cell_type == "code":
                imported |= set(re.findall(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", cell.source, flags=re.M))
    needed = {MODULE_OF[module] for module in imported if module in MODULE_OF}
    binder = set(pins(ROOT / "binder" / "requirements.txt"))
    assert binder <= needed, f"binder installs {sorted(binder - needed)}, which no notebook imports"
    assert needed <= binder, f"the notebooks import {sorted(needed - binder)}, which binder does not install"
