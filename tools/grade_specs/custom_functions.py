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
    return [tuple(int(k) for k in torch.randint(2, 12, (2,), generator=g)) for _ in range(3)]
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
