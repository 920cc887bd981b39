"""From a loop to vmap(vjp) to jacrev (book/vjp_vmap_jacrev.md): the exercises the grader calls (see tools/grade_specs/__init__.py)."""

VJP_SETUP = """
from functools import partial

from torch.func import jacrev, vjp, vmap


def predict(weight, bias, x):
    return torch.tanh(weight @ x + bias)


def scaled_sine(a, x):
    return a * torch.sin(x)


N, M = 16, 8
"""

SPECS = {
    "ex-vjp-vmap-chosen-rows": {
        "function": "jacobian_rows",
        "setup": VJP_SETUP,
        "points": """
def points(g, device):
    def draw(*shape):
        return torch.randn(*shape, generator=g).to(device)

    chosen = [[0, 3, 5], [1, 2, 7], [6, 4, 0]]
    return [(draw(M, N), draw(M), draw(N), rows) for rows in chosen]
""",
        "reference": """
def reference(weight, bias, x, rows):
    return torch.func.jacrev(predict, argnums=2)(weight, bias, x)[rows]
""",
        "method": """
def method(weight, bias, x, rows):
    return {"backward passes": 1, "passes through tanh": 1, "vectors through tanh": len(rows),
            "forward-mode duals": 0}
""",
        "provenance": "vmap",
    },
    "ex-vjp-vmap-another-function": {
        "function": "both_jacobians",
        "setup": VJP_SETUP,
        "points": """
def points(g, device):
    return [tuple(torch.randn(N, generator=g).to(device) for _ in range(2)) for _ in range(3)]
""",
        "reference": """
def reference(a, x):
    return torch.func.jacfwd(scaled_sine, argnums=(0, 1))(a, x)
""",
        "method": """
def method(a, x):
    return {"calls of jacrev": 1, "calls of sin": 1, "forward-mode duals": 0}
""",
        "provenance": "jacrev",
    },
}

# A prediction is a formula in the sizes: called at sizes drawn at grading time, with no torch operation
# allowed while it runs (a prediction that measures, by running jacrev on tensors of those sizes, fails).
SPECS["ex-vjp-vmap-shapes"] = {
    "function": "predicted_shapes",
    "drawn": "sizes",
    "setup": VJP_SETUP,
    "points": """
def points(g, device):
    return [tuple(int(k) for k in torch.randint(2, 40, (2,), generator=g)) for _ in range(3)]
""",
    "reference": """
def reference(M, N):
    weight, bias, x = torch.randn(M, N), torch.randn(M), torch.randn(N)
    return tuple(tuple(j.shape) for j in jacrev(predict, argnums=(0, 1))(weight, bias, x))
""",
    "method": """
def method(M, N):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
""",
    "provenance": None,
}
