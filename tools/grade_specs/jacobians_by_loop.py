"""Jacobians by a loop of backward passes (book/jacobians_by_loop.md): the exercises the grader calls (see tools/grade_specs/__init__.py)."""

LOOP_SETUP = """
def predict(weight, bias, x):
    return torch.tanh(weight @ x + bias)


N, M = 16, 8
"""

LOOP_POINTS = """
def points(g, device):
    def draw(*shape):
        return torch.randn(*shape, generator=g).to(device)

    return [(draw(M, N), draw(M), draw(N)) for _ in range(3)]
"""

LOOP_POINTS_V = """
def points(g, device):
    def draw(*shape):
        return torch.randn(*shape, generator=g).to(device)

    return [(draw(M, N), draw(M), draw(N), draw(M)) for _ in range(3)]
"""

ONE_PASS = """
def method(*args):
    return {"backward passes": 1, "passes through tanh": 1, "vectors through tanh": 1,
            "forward-mode duals": 0, "passes by autograd.functional": 0}
"""

SPECS = {
    "ex-loop-single-row": {
        "function": "jacobian_row_3",
        "setup": LOOP_SETUP,
        "points": LOOP_POINTS,
        "reference": """
def reference(weight, bias, x):
    return torch.func.jacrev(predict, argnums=2)(weight, bias, x)[3]
""",
        "method": ONE_PASS,
        "provenance": "backward",
    },
    "ex-loop-weighted-rows": {
        "function": "weighted_rows",
        "setup": LOOP_SETUP,
        "points": LOOP_POINTS_V,
        "reference": """
def reference(weight, bias, x, v):
    return v @ torch.func.jacrev(predict, argnums=2)(weight, bias, x)
""",
        "method": ONE_PASS,
        "provenance": "backward",
    },
    "ex-loop-bias-jacobian": {
        "function": "jacobian_wrt_bias_by_loop",
        "setup": LOOP_SETUP,
        "points": LOOP_POINTS,
        "reference": """
def reference(weight, bias, x):
    return torch.func.jacrev(predict, argnums=1)(weight, bias, x)
""",
        "method": """
def method(weight, bias, x):
    rows = weight.shape[0]
    return {"backward passes": rows, "passes through tanh": rows, "vectors through tanh": rows,
            "forward-mode duals": 0, "passes by autograd.functional": 0}
""",
        "provenance": "backward",
    },
}
