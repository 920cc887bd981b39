"""Hessian-vector products (book/hvp.md): the exercises the grader calls (see tools/grade_specs/__init__.py)."""

HVP_SETUP = """
from functools import partial

from torch.func import grad, hessian, jvp, vjp, vmap


def predict(weight, bias, x):
    return torch.tanh(weight @ x + bias)


def sum_of_outputs(x, weight, bias):
    return predict(weight, bias, x).sum()


def rosenbrock(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


SIZE = 256
"""

SPECS = {
    "ex-hvp-no-hessian": {
        "function": "hvp",
        "setup": HVP_SETUP,
        # a function the notebook never shows, with coefficients drawn at grading time (float64), and
        # the chapter's tanh layer at D = 256 (float32), where the matrix FLOPs are counted
        "points": """
def points(g, device):
    c = torch.rand(3, generator=g, dtype=torch.float64) + 0.5

    def unseen(x):
        return (torch.sin(c[0] * x) * x.roll(1)).sum() + torch.log1p(c[1] * x**2).sum() * c[2]

    n = int(torch.randint(7, 13, (1,), generator=g))
    x_1, v_1 = (torch.randn(n, generator=g, dtype=torch.float64).to(device) for _ in range(2))
    weight = (torch.randn(SIZE, SIZE, generator=g) / 16).to(device)
    bias, x_2, v_2 = (torch.randn(SIZE, generator=g).to(device) for _ in range(3))
    layer = partial(sum_of_outputs, weight=weight, bias=bias)
    return [(unseen, x_1, v_1), (layer, x_2, v_2)]
""",
        "reference": """
def reference(f, x, v):
    return hessian(f)(x) @ v
""",
        # one gradient of the layer is two matrix-vector products (4 D^2 FLOPs); the check of the
        # chapter allows 10 gradients' worth, a dense Hessian costs D of them. The function the
        # notebook never shows (N from 7 to 12, no matrix) is counted too, so that a method switched
        # by size, dtype or kind of function is seen: an hvp makes tensors of N elements and a few
        # passes; a Hessian formed makes an N x N tensor, or N passes, or N forward-mode duals.
        "method": """
def method(f, x, v):
    if x.shape[0] != SIZE:
        n = x.shape[0]
        return {"largest tensor made": ("<=", 2 * n), "backward passes": ("<=", 4),
                "forward-mode duals": ("<=", 2)}
    return {"matrix FLOPs": ("<=", 10 * 4 * SIZE * SIZE)}
""",
        "tolerance": (1e-5, 1e-4),
        "tolerance64": (1e-12, 1e-10),  # float64 autodiff against the dense product: a few ulps
        "provenance": None,
    },
    "ex-hessian-diagonal": {
        "function": "hessian_diagonal",
        "setup": HVP_SETUP,
        # the Rosenbrock Hessian at a point drawn at grading time, through the grader's own hvp
        "points": """
def points(g, device):
    found = []
    for _ in range(2):
        n = int(torch.randint(5, 10, (1,), generator=g))
        point = torch.randn(n, generator=g, dtype=torch.float64).to(device)

        def hvp_at_point(v, point=point):
            count("calls of hvp_at_point")
            if is_batched(v):
                count("batched calls of hvp_at_point")
            return jvp(grad(rosenbrock), (point,), (v,))[1]

        hvp_at_point.point = point
        found.append((hvp_at_point, n))
    return found
""",
        "reference": """
def reference(hvp_at_point, n):
    return torch.diagonal(hessian(rosenbrock)(hvp_at_point.point))
""",
        "method": """
def method(hvp_at_point, n):
    return {"calls of hvp_at_point": 1, "batched calls of hvp_at_point": 1}
""",
        "tolerance": (1e-9, 1e-12),
        "provenance": None,
    },
}
