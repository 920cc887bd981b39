"""Batch Jacobians and Hessians (book/batch_jacobians.md): the exercises the grader calls (see tools/grade_specs/__init__.py)."""

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
}
