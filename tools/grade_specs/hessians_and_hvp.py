"""Hessians, and how to compose the transforms (book/hessians_and_hvp.md): the exercises the grader calls (see tools/grade_specs/__init__.py)."""

HESSIAN_SETUP = """
import math

from torch.func import grad, grad_and_value, hessian, jacfwd, jacrev
"""

# Exercise 2: which composition makes fewer FLOPs, as a function of the sizes. The two kinds of network
# of the chapter (a scalar one, softplus of two layers summed; a vector one, two layers), built at the
# sizes drawn at grading time; the FLOPs are those of FlopCounterMode with the chapter's rule for aten.mv.
NETWORKS = HESSIAN_SETUP + """
from torch.utils.flop_counter import FlopCounterMode


def network_of(n, m):
    if m == 1:  # like scalar_network: R^n -> R
        W_1, W_2 = torch.randn(64, n) / math.sqrt(n), torch.randn(16, 64) / 8

        def scalar(x):
            return torch.nn.functional.softplus(W_2 @ torch.tanh(W_1 @ x)).sum()

        return scalar
    V_1, V_2 = torch.randn(32, n) / math.sqrt(n), torch.randn(m, 32) / math.sqrt(32)

    def vector(x):  # like vector_network: R^n -> R^m
        return V_2 @ torch.tanh(V_1 @ x)

    return vector


def counted_flops(fn, x):
    def mv_flops(a_shape, b_shape, *args, out_shape=None, **kwargs):
        return 2 * a_shape[0] * a_shape[1]

    with FlopCounterMode(display=False, custom_mapping={torch.ops.aten.mv: mv_flops}) as counter:
        fn(x)
    return counter.get_total_flops()
"""

SPECS = {
    # Exercise 1: the Hessian of x^T A x / 2 as a formula in A, called with matrices drawn at grading time,
    # never symmetric (A itself fails), in float64 and float32, of sizes the notebook never shows (the chapter's A, or its
    # Hessian, copied fails); no differentiation (no backward pass, no forward-mode dual), a handful of
    # operations.
    "ex-hessian-quadratic": {
        "function": "hessian_of_quadratic_formula",
        "drawn": "matrices",
        "setup": HESSIAN_SETUP,
        "points": """
def points(g, device):
    found = []
    sizes = (5, int(torch.randint(3, 9, (1,), generator=g)), int(torch.randint(9, 14, (1,),
                                                                              generator=g)))
    for n, dtype in zip(sizes, (torch.float64, torch.float32, torch.float64), strict=True):
        A = torch.randn(n, n, generator=g, dtype=torch.float64)
        A = A + torch.triu(torch.ones(n, n, dtype=torch.float64), 1)  # never symmetric
        found.append((A.to(device, dtype),))
    return found
""",
        "reference": """
def reference(A):
    point = torch.zeros(A.shape[0], dtype=A.dtype)
    return hessian(lambda x: 0.5 * x @ A @ x)(point)
""",
        "method": """
def method(A):
    return {"backward passes": 0, "forward-mode duals": 0, "passes by autograd.functional": 0,
            "torch operations": ("<=", 12)}
""",
        "tolerance": (1e-6, 1e-5),  # the float32 matrix (a method switched by dtype is counted there)
        "tolerance64": (1e-12, 1e-10),
        "provenance": None,
    },
    # Exercise 2: a prediction, a formula in the sizes: which composition makes fewer FLOPs for a network
    # with n inputs and m outputs, at shapes drawn at grading time of the chapter's two kinds (a scalar
    # function, where jacrev(jacrev) makes 2 to 8 times fewer; many more outputs than inputs, where
    # jacfwd(jacfwd) does), with no torch operation allowed while it runs.
    "ex-hessian-composition-winner": {
        "function": "fewer_flops",
        "drawn": "sizes",
        "setup": NETWORKS,
        "points": """
def points(g, device):
    def size(low, high):
        return int(torch.randint(low, high, (1,), generator=g))

    found = [(size(12, 65), 1), (size(4, 11), 0), (size(2, 12), 1), (size(4, 11), 0)]
    found = [(n, m if m == 1 else n * size(6, 13)) for n, m in found]
    return [found[int(k)] for k in torch.randperm(4, generator=g)]
""",
        "reference": """
def reference(n, m):
    function, x = network_of(n, m), torch.randn(n)
    counts = {name: counted_flops(transform, x) for name, transform in (
        ("jacfwd(jacfwd)", jacfwd(jacfwd(function))), ("jacrev(jacrev)", jacrev(jacrev(function))))}
    return min(counts, key=counts.get)
""",
        "method": """
def method(n, m):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
""",
        "provenance": None,
    },
}
