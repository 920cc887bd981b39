"""Sparse Jacobians (book/sparse_jacobians.md): the exercises the grader calls (see
tools/grade_specs/__init__.py).

The cumsum rule is called as the detection calls a rule, at inputs of sizes and dtypes drawn at grading
time, and the pairs it returns are compared with cumsum's exact pattern (the lower triangle). The
9-point colouring is a function of the grid size, called at sizes drawn at grading time: it must be
valid (no two columns of one colour share a row of the stencil's Jacobian) and reach the lower bound
(the most entries in a row)."""

CUMSUM_SETUP = """

def plain_list(t):
    # the tensor's numbers as a Python list, through torch's C methods (a patched torch.Tensor.tolist
    # or .flatten does not change them)
    if type(t) not in (torch.Tensor, torch.nn.Parameter):  # a subclass could answer for itself
        return [None]
    base = torch._C.TensorBase
    return base.tolist(base.flatten(base.cpu(base.detach(t))))

def cumsum_rule_checked(x):
    # the student's rule, called as the detection calls it for aten.cumsum on a traced x; what goes
    # back: how many distinct pairs lie in the lower triangle (diagonal included), how many outside
    # it, and whether they belong to x itself. Counted in plain Python, so that a patched torch
    # function cannot change the verdict.
    n = x.numel()
    reads = cumsum_rule(torch.ops.aten.cumsum.default, torch.cumsum(x, 0), [x], (x, 0), {})
    if not isinstance(reads, (list, tuple)) or len(reads) != 1 or len(reads[0]) != 3:
        return (-1, -1, False)
    t, rows, cols = reads[0]
    if not (isinstance(rows, torch.Tensor) and isinstance(cols, torch.Tensor)):
        return (-1, -1, False)
    rows, cols = plain_list(rows), plain_list(cols)
    if len(rows) != len(cols) or any(type(i) is not int for i in rows + cols):
        return (-1, -1, False)
    pairs = {(r, c) for r, c in zip(rows, cols)}
    inside = sum(1 for r, c in pairs if 0 <= c <= r < n)
    return (inside, len(pairs) - inside, t is x)
"""

NINE_POINT_SETUP = """

def plain_list(t):
    # the tensor's numbers as a Python list, through torch's C methods (a patched torch.Tensor.tolist
    # or .flatten does not change them)
    if type(t) not in (torch.Tensor, torch.nn.Parameter):  # a subclass could answer for itself
        return [None]
    base = torch._C.TensorBase
    return base.tolist(base.flatten(base.cpu(base.detach(t))))

def nine_point_pattern(n):
    # row i of the Jacobian of the 9-point stencil on an n x n grid (points numbered row by row)
    # reads the points within one step of point i, diagonals included
    k, l = torch.arange(n * n) // n, torch.arange(n * n) % n
    return ((k[:, None] - k[None, :]).abs() <= 1) & ((l[:, None] - l[None, :]).abs() <= 1)


def nine_point_checked(n):
    # (valid for recovery, jvps it costs): what the grader compares, never the colours. Two
    # columns share a row when their points are at most two steps apart each way. Plain Python.
    colours = nine_point_colouring(n)
    if not isinstance(colours, torch.Tensor) or tuple(colours.shape) != (n * n,):
        return (False, -1)
    found = []
    for c in plain_list(colours):
        if type(c) is bool or type(c) not in (int, float) or c != int(c) or c < 0:
            return (False, -1)
        found.append(int(c))
    valid = all(found[i] != found[j] or abs(i // n - j // n) > 2 or abs(i % n - j % n) > 2
                for i in range(n * n) for j in range(i + 1, n * n))
    return (valid, max(found) + 1)
"""

NO_DERIVATIVES = """
def method(*args):
    return {"backward passes": 0, "forward-mode duals": 0, "calls of jacrev": 0, "calls of jacfwd": 0}
"""

SPECS = {
    "ex-sparse-jacobians-cumsum": {
        "function": "cumsum_rule_checked",
        "drawn": "inputs",
        "setup": CUMSUM_SETUP,
        "points": """
def points(g, device):
    found = []
    for dtype in (torch.float64, torch.float32, torch.float64):
        n = int(torch.randint(4, 40, (1,), generator=g))
        found.append((torch.randn(n, generator=g, dtype=dtype).to(device),))
    return found
""",
        "reference": """
def reference(x):
    n = x.numel()
    return (int(torch.ones(n, n).tril().sum()), 0, True)
""",
        "method": NO_DERIVATIVES,
        "provenance": None,
    },
    "ex-sparse-jacobians-nine-point": {
        "function": "nine_point_checked",
        "drawn": "grid sizes",
        "setup": NINE_POINT_SETUP,
        "points": """
def points(g, device):
    return [(int(n),) for n in torch.randperm(9, generator=g)[:3] + 4]
""",
        # the lower bound: the most entries in a row of the pattern (it can be reached)
        "reference": """
def reference(n):
    return (True, int(nine_point_pattern(n).sum(1).max()))
""",
        "method": NO_DERIVATIVES,
        "provenance": None,
    },
}
