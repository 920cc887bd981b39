"""Curvature of a real network (book/curvature.md): the exercises the grader calls (see
tools/grade_specs/__init__.py). The chapter trains a network; the grader's own calls use a tiny network
and a small matrix drawn at grading time, so that they cost a fraction of a second."""

CURVATURE_SETUP = """
import numpy as np
import scipy.sparse.linalg
from torch.func import functional_call, grad, jacrev, jvp, vjp, vmap

DTYPE = torch.float64


def graded_smallest_eigenvalue(matvec, n):
    # the exercise's answer as a number: a one-element tensor (or numpy's float64) is accepted
    got = smallest_eigenvalue(matvec, n)
    if isinstance(got, torch.Tensor) and got.numel() == 1:
        return got.item()
    return got
"""

SPECS = {
    "ex-curvature-ef-product": {
        "function": "ef_product",
        "setup": CURVATURE_SETUP,
        # a tiny network (6 inputs, a hidden layer of drawn width, 4 classes) with parameters, images,
        # labels and a direction drawn at grading time (float64); its forward passes are counted by
        # a hook on the module
        "points": """
count = globals().get("count", lambda *args, **kwargs: None)  # the grading process counts nothing


def points(g, device):
    found = []
    for _ in range(2):
        hidden = int(torch.randint(7, 11, (1,), generator=g))
        N = int(torch.randint(20, 41, (1,), generator=g))
        small = torch.nn.Sequential(torch.nn.Linear(6, hidden), torch.nn.Tanh(),
                                    torch.nn.Linear(hidden, 4)).to(device=device, dtype=DTYPE)
        small.register_forward_hook(lambda *args: count("forward passes of the model"))
        params = {name: torch.randn(p.shape, generator=g, dtype=DTYPE).to(device)
                  for name, p in small.named_parameters()}
        x = torch.randn(N, 6, generator=g, dtype=DTYPE).to(device)
        y = torch.randint(0, 4, (N,), generator=g).to(device)
        v = {name: torch.randn(p.shape, generator=g, dtype=DTYPE).to(device)
             for name, p in params.items()}
        found.append((small, params, x, y, v))
    return found
""",
        "reference": """
def reference(model, params, inputs, labels, v):
    # the dense per-sample gradients by a loop of autograd.grad (no torch.func transform: the
    # grading process need not start its machinery)
    leaves = {name: p.clone().requires_grad_(True) for name, p in params.items()}
    rows = []
    for x, y in zip(inputs, labels):
        loss = torch.nn.functional.cross_entropy(
            functional_call(model, leaves, (x[None],)), y[None])
        rows.append(torch.cat([t.reshape(-1) for t in torch.autograd.grad(
            loss, list(leaves.values()))]))
    g = torch.stack(rows)
    flat_v = torch.cat([t.reshape(-1) for t in v.values()])
    out = g.T @ (g @ flat_v) / len(labels)
    pieces = torch.split(out, [p.numel() for p in params.values()])
    return {name: piece.reshape(p.shape) for (name, p), piece in zip(params.items(), pieces)}
""",
        # a jvp and a vjp of the per-sample losses: two forward passes of the network over the whole
        # batch (three with linearize, which traces the function once more), and no tensor of
        # per-sample gradients: the largest tensor made stays within twice an
        # activation of the batch (N x the widest layer), where the per-sample gradients of the
        # second layer's weight alone are N x 4 x hidden, the dense empirical Fisher P x P, and a
        # loop over the images makes N forward passes
        "method": """
def method(model, params, inputs, labels, v):
    widest = max(p.shape[0] for p in params.values())
    return {"forward passes of the model": ("<=", 3), "passes by autograd.functional": 0,
            "largest tensor made": ("<=", 2 * len(labels) * max(widest, inputs.shape[1]))}
""",
        "tolerance": (1e-12, 1e-10),
        "tolerance64": (1e-12, 1e-10),  # float64 against the dense product: a few ulps
        "provenance": None,
    },
    "ex-curvature-smallest": {
        "function": "graded_smallest_eigenvalue",
        "setup": CURVATURE_SETUP,
        # a symmetric matrix of a drawn size (250 to 400, more than the 200 products allowed) with a
        # drawn spectrum: two negative eigenvalues, a cluster near zero, three positive outliers
        # larger in size than the negative ones; its products are counted (a block of k counts k)
        "points": """
count = globals().get("count", lambda *args, **kwargs: None)  # the grading process counts nothing


def points(g, device):
    found = []
    for _ in range(2):
        n = int(torch.randint(250, 401, (1,), generator=g))
        negative = -0.2 - 0.8 * torch.rand(2, generator=g, dtype=DTYPE)
        spectrum = torch.cat([
            negative,
            torch.rand(n - 5, generator=g, dtype=DTYPE) * 0.1 - 0.01,
            2.0 + 4.0 * torch.rand(3, generator=g, dtype=DTYPE),
        ])
        # in a random orthonormal basis: four Householder reflections H = I - 2 u u^T, each
        # applied on both sides (no factorisation: cheap in the grading process too)
        hidden = torch.diag(spectrum)
        for _ in range(4):
            u = torch.randn(n, 1, generator=g, dtype=DTYPE)
            u = u / u.norm()
            hidden = hidden - 2 * u @ (u.T @ hidden)
            hidden = hidden - 2 * (hidden @ u) @ u.T
        hidden = hidden.to(device)

        def matvec(v, hidden=hidden):
            v = torch.as_tensor(v, dtype=DTYPE, device=hidden.device)
            count("products", 1 if v.dim() == 1 else v.shape[1])
            return hidden @ v

        found.append((matvec, n))
    return found
""",
        "reference": """
def reference(matvec, n):
    hidden = matvec.__defaults__[0]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one small eigvalsh: more threads only wait on each other
    try:
        return torch.linalg.eigvalsh(hidden)[0].item()
    finally:
        torch.set_num_threads(threads)
""",
        "method": """
def method(matvec, n):
    # at most 200 products (a block of k counts k), and no n x n tensor made (the dense matrix)
    return {"products": ("<=", 200), "largest tensor made": ("<=", 200 * n)}
""",
        "tolerance": (1e-8, 1e-8),
        "provenance": None,
    },
}
