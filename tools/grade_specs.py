"""The exercises that tools/grade.py checks itself, by calling the student's function (see grade.py,
"Exercises the grader calls"). One entry per exercise label:

- ``function``: the name the student's code defines;
- ``setup``: the chapter's given code (the function under study, sizes), run by the grader in its own
  namespace in the kernel AFTER the student's code (a rebound ``predict`` is put back) and in the
  grading process (where no student code ever runs) to compute the references;
- ``points``: ``points(g, device)`` draws the arguments of each call from a generator seeded at grading
  time with a secret seed (never the notebook's seed);
- ``reference``: ``reference(*args)``, run only in the grading process;
- ``method``: ``method(*args)`` gives the counts the call must make, from the counters the grader runs
  around each call whose value it checks (names: see COUNTERS);
- ``provenance``: where the returned tensors must come from: ``"backward"`` (an output of a backward pass
  of this call, as returned or stacked, or cast to another dtype), ``"jacrev"`` (an output of a jacrev
  call of this call), or None.
- ``tolerance``: (atol, rtol) for the values (default 1e-5, 1e-4); ``tolerance64`` for float64 values.
"""

COUNTERS = {
    "backward passes": "calls of autograd's engine (torch.autograd.grad, .backward(), vjp_fn, jacrev)",
    "passes through tanh": "aten::tanh_backward inside those backward passes",
    "vectors through tanh": "vectors pulled back through tanh (a batch of k counts k)",
    "passes by autograd.functional": "backward passes made inside torch.autograd.functional",
    "forward-mode duals": "dual tensors made for forward mode (torch.func.jvp, jacfwd, forward_ad)",
    "calls of sin": "aten::sin calls (forward passes of a*sin(x))",
    "calls of jacrev": "calls of torch.func.jacrev",
    "largest tensor made": "the most elements of a tensor any torch operation of the call returned",
}

LOOP_SETUP = '''
def predict(weight, bias, x):
    return torch.tanh(weight @ x + bias)


N, M = 16, 8
'''

LOOP_POINTS = '''
def points(g, device):
    def draw(*shape):
        return torch.randn(*shape, generator=g).to(device)

    return [(draw(M, N), draw(M), draw(N)) for _ in range(3)]
'''

LOOP_POINTS_V = '''
def points(g, device):
    def draw(*shape):
        return torch.randn(*shape, generator=g).to(device)

    return [(draw(M, N), draw(M), draw(N), draw(M)) for _ in range(3)]
'''

ONE_PASS = '''
def method(*args):
    return {"backward passes": 1, "passes through tanh": 1, "vectors through tanh": 1,
            "forward-mode duals": 0, "passes by autograd.functional": 0}
'''

VJP_SETUP = '''
from functools import partial

from torch.func import jacrev, vjp, vmap


def predict(weight, bias, x):
    return torch.tanh(weight @ x + bias)


def scaled_sine(a, x):
    return a * torch.sin(x)


N, M = 16, 8
'''

SPECS = {
    "jacobians_by_loop": {
        "ex-loop-single-row": {
            "function": "jacobian_row_3",
            "setup": LOOP_SETUP,
            "points": LOOP_POINTS,
            "reference": '''
def reference(weight, bias, x):
    return torch.func.jacrev(predict, argnums=2)(weight, bias, x)[3]
''',
            "method": ONE_PASS,
            "provenance": "backward",
        },
        "ex-loop-weighted-rows": {
            "function": "weighted_rows",
            "setup": LOOP_SETUP,
            "points": LOOP_POINTS_V,
            "reference": '''
def reference(weight, bias, x, v):
    return v @ torch.func.jacrev(predict, argnums=2)(weight, bias, x)
''',
            "method": ONE_PASS,
            "provenance": "backward",
        },
        "ex-loop-bias-jacobian": {
            "function": "jacobian_wrt_bias_by_loop",
            "setup": LOOP_SETUP,
            "points": LOOP_POINTS,
            "reference": '''
def reference(weight, bias, x):
    return torch.func.jacrev(predict, argnums=1)(weight, bias, x)
''',
            "method": '''
def method(weight, bias, x):
    rows = weight.shape[0]
    return {"backward passes": rows, "passes through tanh": rows, "vectors through tanh": rows,
            "forward-mode duals": 0, "passes by autograd.functional": 0}
''',
            "provenance": "backward",
        },
    },
    "vjp_vmap_jacrev": {
        "ex-vjp-vmap-chosen-rows": {
            "function": "jacobian_rows",
            "setup": VJP_SETUP,
            "points": '''
def points(g, device):
    def draw(*shape):
        return torch.randn(*shape, generator=g).to(device)

    chosen = [[0, 3, 5], [1, 2, 7], [6, 4, 0]]
    return [(draw(M, N), draw(M), draw(N), rows) for rows in chosen]
''',
            "reference": '''
def reference(weight, bias, x, rows):
    return torch.func.jacrev(predict, argnums=2)(weight, bias, x)[rows]
''',
            "method": '''
def method(weight, bias, x, rows):
    return {"backward passes": 1, "passes through tanh": 1, "vectors through tanh": len(rows),
            "forward-mode duals": 0}
''',
            "provenance": "vmap",
        },
        "ex-vjp-vmap-another-function": {
            "function": "both_jacobians",
            "setup": VJP_SETUP,
            "points": '''
def points(g, device):
    return [tuple(torch.randn(N, generator=g).to(device) for _ in range(2)) for _ in range(3)]
''',
            "reference": '''
def reference(a, x):
    return torch.func.jacfwd(scaled_sine, argnums=(0, 1))(a, x)
''',
            "method": '''
def method(a, x):
    return {"calls of jacrev": 1, "calls of sin": 1, "forward-mode duals": 0}
''',
            "provenance": "jacrev",
        },
    },
}

HVP_SETUP = '''
from functools import partial

from torch.func import grad, hessian, jvp, vjp, vmap


def predict(weight, bias, x):
    return torch.tanh(weight @ x + bias)


def sum_of_outputs(x, weight, bias):
    return predict(weight, bias, x).sum()


def rosenbrock(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


SIZE = 256
'''

SPECS["hvp"] = {
    "ex-hvp-no-hessian": {
        "function": "hvp",
        "setup": HVP_SETUP,
        # a function the notebook never shows, with coefficients drawn at grading time (float64), and
        # the chapter's tanh layer at D = 256 (float32), where the matrix FLOPs are counted
        "points": '''
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
''',
        "reference": '''
def reference(f, x, v):
    return hessian(f)(x) @ v
''',
        # one gradient of the layer is two matrix-vector products (4 D^2 FLOPs); the check of the
        # chapter allows 10 gradients' worth, a dense Hessian costs D of them. The function the
        # notebook never shows (N from 7 to 12, no matrix) is counted too, so that a method switched
        # by size, dtype or kind of function is seen: an hvp makes tensors of N elements and a few
        # passes; a Hessian formed makes an N x N tensor, or N passes, or N forward-mode duals.
        "method": '''
def method(f, x, v):
    if x.shape[0] != SIZE:
        n = x.shape[0]
        return {"largest tensor made": ("<=", 2 * n), "backward passes": ("<=", 4),
                "forward-mode duals": ("<=", 2)}
    return {"matrix FLOPs": ("<=", 10 * 4 * SIZE * SIZE)}
''',
        "tolerance": (1e-5, 1e-4),
        "tolerance64": (1e-12, 1e-10),  # float64 autodiff against the dense product: a few ulps
        "provenance": None,
    },
    "ex-hessian-diagonal": {
        "function": "hessian_diagonal",
        "setup": HVP_SETUP,
        # the Rosenbrock Hessian at a point drawn at grading time, through the grader's own hvp
        "points": '''
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
''',
        "reference": '''
def reference(hvp_at_point, n):
    return torch.diagonal(hessian(rosenbrock)(hvp_at_point.point))
''',
        "method": '''
def method(hvp_at_point, n):
    return {"calls of hvp_at_point": 1, "batched calls of hvp_at_point": 1}
''',
        "tolerance": (1e-9, 1e-12),
        "provenance": None,
    },
}

# A prediction is a formula in the sizes: called at sizes drawn at grading time, with no torch operation
# allowed while it runs (a prediction that measures, by running jacrev on tensors of those sizes, fails).
SPECS["vjp_vmap_jacrev"]["ex-vjp-vmap-shapes"] = {
    "function": "predicted_shapes",
    "drawn": "sizes",
    "setup": VJP_SETUP,
    "points": '''
def points(g, device):
    return [tuple(int(k) for k in torch.randint(2, 40, (2,), generator=g)) for _ in range(3)]
''',
    "reference": '''
def reference(M, N):
    weight, bias, x = torch.randn(M, N), torch.randn(M), torch.randn(N)
    return tuple(tuple(j.shape) for j in jacrev(predict, argnums=(0, 1))(weight, bias, x))
''',
    "method": '''
def method(M, N):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
''',
    "provenance": None,
}

# A formula of FLOPs in the sizes (jacrev_vs_jacfwd, Exercise 1): checked at sizes drawn at grading time
# against the matrix FLOPs the grading process counts when it runs jacrev at those sizes.
MATRIX_FLOPS = '''
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
'''

SPECS["jacrev_vs_jacfwd"] = {
    "ex-fwd-rev-flop-formula": {
        "function": "predicted_jacrev_flops",
        "drawn": "sizes",
        "setup": MATRIX_FLOPS,
        "points": '''
def points(g, device):
    return [tuple(int(k) for k in torch.randint(2, 60, (2,), generator=g)) for _ in range(4)]
''',
        "reference": '''
def reference(n, m):
    return matrix_flops(jacrev(predict, argnums=2), torch.randn(m, n), torch.randn(m), torch.randn(n))
''',
        "method": '''
def method(n, m):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
''',
        "provenance": None,
    },
}
