"""Compare the colour counts of book/sparse_jacobians.md with asdex's, on the same patterns.

The book stays PyTorch-only; this script is a benchmark for the maintainers. It runs the chapter's
detection and colouring code (the code cells before the measured sweep, read from the .md with jupytext)
in this venv, writes the detected patterns to a temporary .npz, and colours the same patterns with asdex
(JAX) in a throw-away venv:

    python3 -m venv /tmp/asdex-venv && /tmp/asdex-venv/bin/pip install jax asdex
    .venv/bin/python tools/bench_asdex.py [--asdex-python /tmp/asdex-venv/bin/python]

asdex also detects the pattern of a JAX copy of the stencil residual, as a check that both tools see the
same pattern. Prints one table; exits 1 if a count differs from asdex's by more than 1.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

import jupytext
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTER = ROOT / "book" / "sparse_jacobians.md"

ASDEX_SIDE = r"""
import json, sys
import numpy as np
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import asdex

data = np.load(sys.argv[1])
out = {}
for name in sorted({key.rsplit("_", 1)[0] for key in data.files}):
    rows, cols = data[name + "_rows"], data[name + "_cols"]
    shape = tuple(int(s) for s in data[name + "_shape"])
    pattern = asdex.SparsityPattern.from_coo(rows, cols, shape)
    if name.startswith("hessian"):
        out[name] = {"star": int(asdex.hessian_coloring_from_sparsity(pattern).num_colors)}
    else:
        out[name] = {
            "columns": int(asdex.jacobian_coloring_from_sparsity(pattern, mode="fwd").num_colors),
            "rows": int(asdex.jacobian_coloring_from_sparsity(pattern, mode="rev").num_colors),
        }


def residual(u):  # the chapter's stencil residual, in JAX
    n = int(round(u.size ** 0.5))
    U = jnp.pad(u.reshape(n, n), 1)
    centre = U[1:-1, 1:-1]
    neighbours = U[:-2, 1:-1] + U[2:, 1:-1] + U[1:-1, :-2] + U[1:-1, 2:]
    return ((4 * centre - neighbours) * (n + 1) ** 2 + centre**3 - 50).reshape(-1)


for n in (16, 32):
    detected = asdex.jacobian_sparsity(residual, jnp.ones(n * n))
    out[f"asdex_detected_stencil_{n * n}"] = int(detected.nnz)
print(json.dumps(out))
"""


def chapter_namespace():
    notebook = jupytext.read(CHAPTER)
    namespace = {}
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if "grid_sides, dense_sides" in cell.source:
            break  # the measured sweep and everything after it are not needed
        exec(compile(cell.source, str(CHAPTER), "exec"), namespace)
    return namespace


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asdex-python", default="/tmp/asdex-venv/bin/python")
    args = parser.parse_args()
    ns = chapter_namespace()
    torch, DTYPE = ns["torch"], ns["DTYPE"]
    patterns, ours = {}, {}
    for n in (16, 32, 64, 128):
        u = torch.rand(n * n, dtype=DTYPE)
        p = ns["jacobian_pattern"](ns["residual"], u, say=False)
        patterns[f"stencil_{n * n}"] = (p, (n * n, n * n))
        ours[f"stencil_{n * n}"] = {
            "columns": int(ns["column_colouring"](p, n * n).max()) + 1,
            "rows": int(ns["column_colouring"](p.flip(0), n * n).max()) + 1,
            "bound": ns["lower_bound"](p), "nnz": p.shape[1]}
        h = ns["jacobian_pattern"](ns["grad"](ns["energy"]), u, say=False)
        patterns[f"hessian_{n * n}"] = (h, (n * n, n * n))
        ours[f"hessian_{n * n}"] = {"star": int(ns["star_colouring"](h, n * n).max()) + 1,
                                    "bound": ns["lower_bound"](h)}
    for length in (512, 4096):
        signal = torch.randn(length, dtype=DTYPE)
        with torch.no_grad():
            p = ns["jacobian_pattern"](ns["denoise"], signal, say=False)
        patterns[f"cnn_{length}"] = (p, (length, length))
        ours[f"cnn_{length}"] = {
            "columns": int(ns["column_colouring"](p, length).max()) + 1,
            "rows": int(ns["column_colouring"](p.flip(0), length).max()) + 1,
            "bound": ns["lower_bound"](p)}
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "patterns.npz"
        arrays = {}
        for name, (p, shape) in patterns.items():
            arrays[name + "_rows"] = p[0].numpy().astype(np.int32)
            arrays[name + "_cols"] = p[1].numpy().astype(np.int32)
            arrays[name + "_shape"] = np.array(shape)
        np.savez(path, **arrays)
        done = subprocess.run([args.asdex_python, "-c", ASDEX_SIDE, str(path)],
                              capture_output=True, text=True, check=True)
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    worst = 0
    print(f"{'pattern':14s} {'kind':8s} {'bound':>5s} {'ours':>5s} {'asdex':>5s}")
    for name, counts in ours.items():
        for kind in ("columns", "rows", "star"):
            if kind in counts:
                mine, other = counts[kind], theirs[name][kind]
                worst = max(worst, abs(mine - other))
                print(f"{name:14s} {kind:8s} {counts['bound']:5d} {mine:5d} {other:5d}")
    for n in (16, 32):
        ours_nnz, theirs_nnz = ours[f"stencil_{n * n}"]["nnz"], theirs[f"asdex_detected_stencil_{n * n}"]
        print(f"stencil N = {n * n}: entries detected here {ours_nnz}, by asdex {theirs_nnz}")
        worst = max(worst, 2 * (ours_nnz != theirs_nnz))
    print(f"largest difference in colours: {worst}")
    return 0 if worst <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
