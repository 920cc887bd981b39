"""Custom operations under the transforms (book/custom_functions.md): the exercises the grader calls (see
tools/grade_specs/__init__.py)."""

# The chapter's given code: the NumPy log-sum-exp Function and its call counter.
CUSTOM_SETUP = """
import collections

import numpy as np
from torch.func import grad, hessian, jacfwd, jacrev, vjp, vmap

calls = collections.Counter()


def logsumexp_numpy(x):
    a = x.detach().cpu().numpy()
    m = a.max(axis=-1, keepdims=True)
    return torch.as_tensor(
        (m + np.log(np.exp(a - m).sum(axis=-1, keepdims=True)))[..., 0], device=x.device
    )


class NumpyLogSumExp(torch.autograd.Function):
    @staticmethod
    def forward(x):
        calls["forward"] += 1
        return logsumexp_numpy(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)

    @staticmethod
    def backward(ctx, grad_y):
        calls["backward"] += 1
        (x,) = ctx.saved_tensors
        return grad_y[..., None] * torch.softmax(x, dim=-1)

    @staticmethod
    def jvp(ctx, x_t):
        calls["jvp"] += 1
        (x,) = ctx.saved_tensors
        return (torch.softmax(x, dim=-1) * x_t).sum(dim=-1)

    @staticmethod
    def vmap(info, in_dims, x):
        calls["vmap rule"] += 1
        (x_bdim,) = in_dims
        return NumpyLogSumExp.apply(x.movedim(x_bdim, 0)), 0


lse = NumpyLogSumExp.apply


def backward_calls(run):
    calls.clear()
    run()
    return calls["backward"]


def rows_one_at_a_time(X):
    X = X.clone().requires_grad_()
    y = lse(X)
    return [torch.autograd.grad(y[i], X, retain_graph=True)[0] for i in range(len(y))]
"""

SPECS = {
    # A prediction is a formula in the sizes: called at sizes drawn at grading time, with no torch
    # operation allowed while it runs (an answer that measures, by running jacrev, fails).
    "ex-custom-count-backward": {
        "function": "predicted_backward_calls",
        "drawn": "sizes",
        "setup": CUSTOM_SETUP,
        "points": """
def points(g, device):
    # sizes the notebook does not use (its shapes are (4, 6), (7, 3) and (2, 9)), so that answers
    # tabled for those cannot pass however the sizes fall
    found = []
    while len(found) < 3:
        shape = tuple(int(k) for k in torch.randint(2, 12, (2,), generator=g))
        if shape not in ((4, 6), (7, 3), (2, 9)):
            found.append(shape)
    return found
""",
        "reference": """
def reference(rows, n):
    X = torch.randn(rows, n, dtype=torch.float64)
    return (backward_calls(lambda: jacrev(lse)(X)), backward_calls(lambda: rows_one_at_a_time(X)))
""",
        "method": """
def method(rows, n):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
""",
        "provenance": None,
    },
}

# The vmap rule (Exercise 2): the student's NumpyCumsum is run under vmap by the grader's own runner,
# defined after the student's code. The NumPy forward, cumsum_numpy, is the grader's: each call reports
# to the watcher handed over by `points`, which counts the calls and whether the tensor vmap returned
# is the very one NumPy made (a torch.cumsum beside a dummy NumPy call is not). Inputs drawn at grading
# time, with the batch dimension first or last, in float32 and float64.
CUMSUM_SETUP = CUSTOM_SETUP + """
_numpy_watch = [None]


def cumsum_numpy(x):
    result = torch.as_tensor(np.cumsum(x.detach().cpu().numpy(), axis=-1), device=x.device)
    if _numpy_watch[0] is not None:
        _numpy_watch[0](result)
    return result


def cumsum_by_the_rule(watch, X, bdim):
    _numpy_watch[0] = watch
    try:
        out = vmap(NumpyCumsum.apply, in_dims=bdim)(X)
    finally:
        _numpy_watch[0] = None
    watch.returned(out)
    return out
"""

SPECS["ex-custom-vmap-rule"] = {
    "function": "cumsum_by_the_rule",
    "setup": CUMSUM_SETUP,
    "points": """
def points(g, device):
    found = []
    for bdim, dtype in ((1, torch.float64), (0, torch.float32), (1, torch.float32)):
        batch, n = (int(k) for k in torch.randint(2, 9, (2,), generator=g))
        X = torch.randn(batch, n, generator=g, dtype=dtype).to(device)
        if bdim == 1:
            X = X.T.contiguous()

        class Watch:
            made = []

            def __call__(self, result):
                count("NumPy forward calls")
                self.made.append(result.untyped_storage().data_ptr())

            def returned(self, out):
                if type(out) is torch.Tensor and out.untyped_storage().data_ptr() in self.made:
                    count("results made by the NumPy forward")

        found.append((Watch(), X, bdim))
    return found
""",
    "reference": """
def reference(watch, X, bdim):
    return torch.cumsum(X.movedim(bdim, 0), dim=-1)
""",
    "method": """
def method(watch, X, bdim):
    return {"NumPy forward calls": 1, "results made by the NumPy forward": 1, "aten.cumsum": 0}
""",
    "tolerance64": (1e-12, 1e-12),
    "provenance": None,
}

# Reverse over reverse (Exercise 3): two Functions without a jvp, each with counted forward and
# backward calls, at sizes and points drawn at grading time: NoJvp's NumPy log-sum-exp and a softplus
# sum with a coefficient drawn then (a formula typed for log-sum-exp fails on it). One forward, one
# backward, no tensor larger than the input (no Hessian formed), no forward mode.
HVP_SETUP = CUSTOM_SETUP + """
def no_jvp_function(forward, backward):
    def vmap_rule(info, in_dims, x):
        return function.apply(x.movedim(in_dims[0], 0)), 0

    body = {"forward": staticmethod(forward), "backward": staticmethod(backward),
            "setup_context": staticmethod(NumpyLogSumExp.setup_context),
            "vmap": staticmethod(vmap_rule)}
    function = type("NoJvpFunction", (torch.autograd.Function,), body)
    return function
"""

SPECS["ex-custom-hvp"] = {
    "function": "hvp_without_jvp",
    "setup": HVP_SETUP,
    "points": """
if "count" not in globals():  # the grading process, where nothing is counted
    def count(name, k=1):
        pass


def points(g, device):
    found = []
    def softplus_pieces(c):  # closures: a default argument would reach setup_context's inputs
        def forward(x):
            count("forward calls of f")
            return torch.nn.functional.softplus(c * x).sum(dim=-1) / c

        def backward(ctx, grad_y):
            count("backward calls of f")
            (x,) = ctx.saved_tensors
            return grad_y[..., None] * torch.sigmoid(c * x)

        return forward, backward

    def lse_forward(x):
        count("forward calls of f")
        return logsumexp_numpy(x)

    def lse_backward(ctx, grad_y):
        count("backward calls of f")
        (x,) = ctx.saved_tensors
        return grad_y[..., None] * torch.softmax(x, dim=-1)

    for kind in ("log-sum-exp", "softplus"):
        n = int(torch.randint(20, 60, (1,), generator=g))
        c = float(torch.rand(1, generator=g)) + 0.5
        x, v = (torch.randn(n, generator=g, dtype=torch.float64).to(device) for _ in range(2))
        if kind == "log-sum-exp":
            forward, backward = lse_forward, lse_backward
        else:
            forward, backward = softplus_pieces(c)
        found.append((apply_of(no_jvp_function(forward, backward)), x, v))
    return found


def apply_of(function):
    def f(x):
        return function.apply(x)

    return f
""",
    "reference": """
def reference(f, x, v):
    return jacrev(jacrev(f))(x) @ v  # the whole Hessian, here in the grading process
""",
    "method": """
def method(f, x, v):
    return {"forward calls of f": 1, "backward calls of f": 1, "largest tensor made": ("<=", len(x)),
            "forward-mode duals": 0}
""",
    "tolerance64": (1e-12, 0),
    "provenance": None,
}
