"""Batch Jacobians and Hessians (book/batch_jacobians.md): the exercises the grader calls (see tools/grade_specs/__init__.py)."""

from ._flops import MATRIX_FLOPS

# The chapter's given code (book/batch_jacobians.md, "One Jacobian per sample" and "The picture").
BATCH_SETUP = """
from torch.func import hessian, jacfwd, jacrev, vmap


def predict(weight, bias, x):
    return torch.tanh(x @ weight.T + bias)


def batch_jacobian_analytic(weight, bias, xs):
    ys = predict(weight, bias, xs)
    return (1 - ys**2)[:, :, None] * weight


def diagonal_blocks(J_full):
    return J_full.diagonal(dim1=0, dim2=2).permute(2, 0, 1)


def off_diagonal_blocks(J_full):
    same_sample = torch.eye(J_full.shape[0], dtype=torch.bool, device=J_full.device)[
        :, None, :, None
    ]
    return J_full.masked_fill(same_sample, 0)


N, M, B = 16, 8, 6
"""

# Exercise 1 has two answers: a prediction (a formula in the sizes, no torch operation) and a method
# (the forward-mode batch Jacobian). The grader calls both through this function of its own, put in
# the student's namespace after the student's code: a call ("ratio", N, M) evaluates the formula, a call
# ("jacobian", weight, bias, xs) the batch Jacobian; each call is counted on its own.
FORWARD_MODE_SETUP = BATCH_SETUP + """

def graded_forward_mode_exercise(kind, *args):
    if kind == "ratio":
        return predicted_ratio(*args)
    return batch_jacobian_by_vmap_jacfwd(*args)
"""

# Exercise 3: the loss the exercise gives, and the grader's own count of matrix FLOPs (its counter's
# rules), run only in the grading process for the budget.
LOSS_SETUP = BATCH_SETUP + """

def squared_error(weight, bias, x, target):
    return 0.5 * ((predict(weight, bias, x) - target) ** 2).sum()
"""

SPECS = {
    "ex-batch-jacfwd-flops": {
        "function": "graded_forward_mode_exercise",
        "drawn": "sizes and points",
        "setup": FORWARD_MODE_SETUP,
        # the ratio at sizes from 40 to 160 (where N / M is within 10 % of the exact (N + 2) / (M + 1)),
        # one far below 1 and one far above, so that M / N or a constant fails; the batch Jacobian at
        # the chapter's sizes in float32 (its values within 10 %, as the ratio: a method switched by
        # dtype or size is counted there too) and at two other sizes in float64 (compared tightly)
        "points": """
def points(g, device):
    def size(low, high):
        return int(torch.randint(low, high, (1,), generator=g))

    # N / M far below 1, far above 1, and anywhere in the range
    found = [("ratio", size(40, 70), size(110, 161)), ("ratio", size(110, 161), size(40, 70)),
             ("ratio", size(40, 161), size(40, 161))]
    for b, n, m, dtype in ((B, N, M, torch.float32), (3, 5, 11, torch.float64),
                           (7, 12, 4, torch.float64)):
        weight = torch.randn(m, n, generator=g, dtype=dtype).to(device) / n**0.5
        bias = torch.randn(m, generator=g, dtype=dtype).to(device)
        xs = torch.randn(b, n, generator=g, dtype=dtype).to(device)
        found.append(("jacobian", weight, bias, xs))
    return found
""",
        "reference": """
from torch.utils.flop_counter import FlopCounterMode


def matrix_flops(fn, *args):
    with FlopCounterMode(display=False) as counter:
        fn(*args)
    return counter.get_total_flops()


def reference(kind, *args):
    if kind == "ratio":
        n, m = args
        weight, bias, xs = torch.randn(m, n), torch.randn(m), torch.randn(2, n)
        forward = vmap(jacfwd(predict, argnums=2), in_dims=(None, None, 0))
        backward = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
        return matrix_flops(forward, weight, bias, xs) / matrix_flops(backward, weight, bias, xs)
    return batch_jacobian_analytic(*args)
""",
        # the prediction runs no torch operation; the batch Jacobian is one vmapped call of jacfwd
        # (forward mode: no backward pass), whose matrix products are the N jvps and two forward
        # products of every sample: 2 B M N (N + 2) FLOPs, no more (a formula computed beside a
        # dummy call of vmap(jacfwd) adds its own), and one tanh for the whole batch
        "method": """
def method(kind, *args):
    if kind == "ratio":
        return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
    weight, bias, xs = args
    b, m, n = xs.shape[0], weight.shape[0], weight.shape[1]
    return {"backward passes": 0, "passes by autograd.functional": 0, "calls of vmap": 1,
            "calls of jacfwd": 1, "calls of jacfwd under vmap": 1, "aten.tanh": 1,
            "matrix FLOPs": 2 * b * m * n * (n + 2)}
""",
        "tolerance": (0, 0.1),  # the ratio: within 10 %, as the chapter's check allowed
        "tolerance64": (1e-12, 1e-10),  # the batch Jacobian in float64
        "provenance": None,
    },
    # Exercise 4: the shapes as a formula in the sizes, checked at sizes drawn at grading time (all
    # different, so that B, M and N cannot be swapped), with no torch operation allowed while it runs.
    "ex-batch-shapes": {
        "function": "predicted_shapes",
        "drawn": "sizes",
        "setup": BATCH_SETUP,
        "points": """
def points(g, device):
    return [tuple(int(k) + 2 for k in torch.randperm(11, generator=g)[:3]) for _ in range(3)]
""",
        "reference": """
def reference(B, N, M):
    weight, bias, xs = torch.randn(M, N), torch.randn(M), torch.randn(B, N)
    hessians = vmap(hessian(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)
    full = jacrev(predict, argnums=2)(weight, bias, xs)
    return (tuple(hessians.shape), tuple(full.shape))
""",
        "method": """
def method(B, N, M):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
""",
        "provenance": None,
    },
    # Exercise 3: one batched call of hessian (forward over reverse) for the whole batch: one vmap, one
    # backward pass and one forward-mode dual, where a loop over the B >= 3 samples, relabelled by vmap
    # or not, makes B of each; N + 1 non-zero vectors through tanh (the gradient's, then one per input
    # direction), where a formula passed through the Hessian of a quadratic pulls none; at the
    # chapter's sizes (float32) and at two other sizes (float64); the matrix FLOPs within 1.5 times
    # those of B single-sample Hessians (the Hessian of the summed batch loss, cut into blocks, does B
    # times that); the value is what the vmapped call returned (a formula beside a dummy call is not).
    "ex-batch-hessian-loss": {
        "function": "batch_hessian_of_loss",
        "setup": LOSS_SETUP,
        "points": """
def points(g, device):
    found = []
    for b, n, m, dtype in ((B, N, M, torch.float32), (3, 5, 9, torch.float64),
                           (8, 7, 3, torch.float64)):
        def draw(*shape):
            return torch.randn(*shape, generator=g, dtype=dtype).to(device)

        found.append((draw(m, n) / n**0.5, draw(m), draw(b, n), draw(b, m)))
    return found
""",
        "reference": """
def reference(weight, bias, xs, targets):
    ys = predict(weight, bias, xs)
    curvature = (1 - ys**2) ** 2 + (-2 * ys * (1 - ys**2)) * (ys - targets)
    return torch.einsum("mi,km,mj->kij", weight, curvature, weight)
""",
        "method": MATRIX_FLOPS + """

def method(weight, bias, xs, targets):
    single = matrix_flops(hessian(squared_error, argnums=2), weight, bias, xs[0], targets[0])
    n = xs.shape[1]
    return {"calls of vmap": 1, "backward passes": 1, "forward-mode duals": 1,
            "vectors through tanh": n + 1, "passes by autograd.functional": 0,
            "matrix FLOPs": ("<=", 1.5 * xs.shape[0] * single)}
""",
        "tolerance": (1e-5, 1e-4),
        "tolerance64": (1e-12, 1e-10),
        "provenance": "vmap",
    },
    # Exercise 2: whether the sum trick gives the per-sample Jacobians of a batch function, decided by
    # the student's function for six batch functions drawn at grading time: one code for all of them
    # (a centring, a normalisation, a softmax or a cumulative sum, then a layer), where only the
    # dimension the first step runs along, over the batch (0) or inside each row (1), decides; three of
    # each, in a random order. Reading the names the code uses cannot tell them apart; a computation
    # (the full Jacobian's off-diagonal blocks, or moving one input row) can.
    "ex-batch-sum-trick-valid": {
        "function": "sum_trick_is_valid",
        "drawn": "batch functions",
        "setup": BATCH_SETUP,
        "points": """
def points(g, device):
    def make(kind, dim, weight, bias):
        def batch_function(xs):
            if kind == 0:
                z = xs - xs.mean(dim, keepdim=True)
            elif kind == 1:
                z = xs / xs.norm(dim=dim, keepdim=True)
            elif kind == 2:
                z = torch.softmax(xs, dim=dim)
            else:
                z = xs.cumsum(dim)
            return torch.tanh(z @ weight.T + bias)

        return batch_function

    found = []
    for dim in torch.tensor([0, 0, 0, 1, 1, 1])[torch.randperm(6, generator=g)].tolist():
        kind = int(torch.randint(0, 4, (1,), generator=g))
        b, n, m = (int(k) for k in torch.randint(3, 7, (3,), generator=g))
        weight = torch.randn(m, n, generator=g, dtype=torch.float64).to(device)
        bias = torch.randn(m, generator=g, dtype=torch.float64).to(device)
        xs = (torch.rand(b, n, generator=g, dtype=torch.float64) + 0.5).to(device)
        found.append((make(kind, dim, weight, bias), xs))
    return found
""",
        "reference": """
def reference(batch_function, xs):
    return bool(off_diagonal_blocks(jacrev(batch_function)(xs)).abs().max() == 0)
""",
        # any computation may decide (the full Jacobian, or a moved input row); no tensor of more
        # than a million elements for these small batches
        "method": """
def method(batch_function, xs):
    return {"largest tensor made": ("<=", 10**6)}
""",
        "provenance": None,
    },
}
