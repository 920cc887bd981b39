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

# Which mode runs fewer matrix FLOPs (jacrev_vs_jacfwd, Exercise 3): a function of the sizes and of the
# argument, checked at layers drawn at grading time against the FLOPs the grading process counts for
# both modes. Every call asks about the weight once with a tall layer and once with a wide one (so that
# "jacfwd when M > N", the weight's M N inputs missed, fails), and about x once tall and once wide, the
# sizes at least 4 apart (near the diagonal the constants decide; at M = N + 1 the two counts tie).
SPECS["ex-fwd-rev-predict-winner"] = {
    "function": "predicted_winner",
    "drawn": "sizes",
    "setup": MATRIX_FLOPS + "\nfrom torch.func import jacfwd\n",
    "points": """
def points(g, device):
    def sizes():
        small, large = (int(k) for k in torch.randint(2, 9, (2,), generator=g))
        return small, small + 4 + large  # at least 4 apart
    found = []
    for wrt in ("weight", "x"):
        n, m = sizes()
        found += [(n, m, wrt), (m, n, wrt)]
    return found
""",
    "reference": """
def reference(n, m, wrt):
    argnums = 0 if wrt == "weight" else 2
    layer = torch.randn(m, n), torch.randn(m), torch.randn(n)
    flops = {name: matrix_flops(transform(predict, argnums=argnums), *layer)
             for name, transform in (("jacfwd", jacfwd), ("jacrev", jacrev))}
    return min(flops, key=flops.get)
""",
    "method": """
def method(n, m, wrt):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
""",
    "provenance": None,
}

# Chunks (jacrev_vs_jacfwd, Exercise 2): the matrix products (aten.mm) and the FLOP ratio of
# jacrev(predict, argnums=2, chunk_size=c) to jacrev without chunks, as a formula in (m, n, c), checked
# at layers and chunk sizes drawn at grading time (one chunk size past M: a single chunk), against the
# counts the grading process makes.
SPECS["ex-fwd-rev-chunks"] = {
    "function": "predicted_chunks",
    "drawn": "sizes",
    "setup": MATRIX_FLOPS,
    "points": """
def points(g, device):
    found = []
    for whole in (False, False, True):
        m = int(torch.randint(10, 120, (1,), generator=g))
        n = int(torch.randint(2, 40, (1,), generator=g))
        c = m + int(torch.randint(1, 9, (1,), generator=g)) if whole else int(
            torch.randint(2, m, (1,), generator=g))
        found.append((m, n, c))
    return found
""",
    "reference": """
def reference(m, n, c):
    from collections import Counter

    layer = torch.randn(m, n), torch.randn(m), torch.randn(n)
    products = Counter()

    class Products(TorchDispatchMode):
        def __torch_dispatch__(self, op, types, args=(), kwargs=None):
            products[op] += 1
            return op(*args, **(kwargs or {}))

    chunked = jacrev(predict, argnums=2, chunk_size=c)
    with Products():
        chunked(*layer)
    ratio = matrix_flops(chunked, *layer) / matrix_flops(jacrev(predict, argnums=2), *layer)
    return (products[torch.ops.aten.mm.default], ratio)
""",
    "method": """
def method(m, n, c):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
""",
    "provenance": None,
}
