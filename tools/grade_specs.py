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
- ``tolerance``: (atol, rtol) for the values.
"""

COUNTERS = {
    "backward passes": "calls of autograd's engine (torch.autograd.grad, .backward(), vjp_fn, jacrev)",
    "passes through tanh": "aten::tanh_backward inside those backward passes",
    "vectors through tanh": "vectors pulled back through tanh (a batch of k counts k)",
    "passes by autograd.functional": "backward passes made inside torch.autograd.functional",
    "forward-mode duals": "dual tensors made for forward mode (torch.func.jvp, jacfwd, forward_ad)",
    "calls of sin": "aten::sin calls (forward passes of a*sin(x))",
    "calls of jacrev": "calls of torch.func.jacrev",
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
            "provenance": None,
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
