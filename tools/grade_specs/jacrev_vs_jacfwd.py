"""Reverse or forward mode? (book/jacrev_vs_jacfwd.md): the exercises the grader calls (see tools/grade_specs/__init__.py)."""

# A formula of FLOPs in the sizes (jacrev_vs_jacfwd, Exercise 1): checked at sizes drawn at grading time
# against the matrix FLOPs the grading process counts when it runs jacrev at those sizes.
MATRIX_FLOPS = """
from torch.func import jacrev
from torch.utils._python_dispatch import TorchDispatchMode


def predict(weight, bias, x):
    return torch.tanh(weight @ x + bias)


def matrix_flops(fn, *args):
    aten, total = torch.ops.aten, [0]
    rules = {aten.mm.default: lambda a, b: 2 * a.shape[0] * a.shape[1] * b.shape[1],
             aten.addmm.default: lambda c, a, b, *r: 2 * a.shape[0] * a.shape[1] * b.shape[1],
             aten.bmm.default: lambda a, b: 2 * a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2],
             aten.mv.default: lambda a, b: 2 * a.shape[0] * a.shape[1],
             aten.addmv.default: lambda c, a, b, *r: 2 * a.shape[0] * a.shape[1]}

    class Count(TorchDispatchMode):
        def __torch_dispatch__(self, op, types, args=(), kwargs=None):
            if op in rules:
                total[0] += rules[op](*args)
            return op(*args, **(kwargs or {}))

    with Count():
        fn(*args)
    return total[0]
"""

SPECS = {
    "ex-fwd-rev-flop-formula": {
        "function": "predicted_jacrev_flops",
        "drawn": "sizes",
        "setup": MATRIX_FLOPS,
        "points": """
def points(g, device):
    return [tuple(int(k) for k in torch.randint(2, 60, (2,), generator=g)) for _ in range(4)]
""",
        "reference": """
def reference(n, m):
    return matrix_flops(jacrev(predict, argnums=2), torch.randn(m, n), torch.randn(m), torch.randn(n))
""",
        "method": """
def method(n, m):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
""",
        "provenance": None,
    },
}
