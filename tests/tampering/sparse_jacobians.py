"""New tries at getting points without the work, for book/sparse_jacobians.md (issue 21's classes).

    TRIES = [(exercise label, code cell index, class, why, source, source on main's grader or None)]

Each source is the exercise cell as a student would hand it in (the grader removes any check call).
Exercise 2 changed form (a colouring for any grid size, where main asked for the colours of the 8 x 8
grid and the bound): its `main` source is the same try in the form main's exercise asked for."""

TRIES = [
    # Exercise 1: the rule for cumsum
    ("ex-sparse-jacobians-cumsum", 0, "copying", "the chapter's hidden exact rule found by "
     "searching globals() and handed in as the answer", '''def cumsum_rule(func, out, traced, args, kwargs):
    exact = next(v for k, v in globals().items() if k.startswith("_lower_triangle_rule"))
    return exact(func, out, traced, args, kwargs)''', None),
    ("ex-sparse-jacobians-cumsum", 0, "counters", "the rule answered by measuring: the nonzeros of "
     "the Jacobian of cumsum by jacrev at the input", '''def cumsum_rule(func, out, traced, args, kwargs):
    x = args[0]
    J = torch.func.jacrev(lambda t: torch.cumsum(t, 0))(x.detach().clone())
    rows, cols = J.nonzero(as_tuple=True)
    return [(x, rows, cols)]''', None),
    ("ex-sparse-jacobians-cumsum", 0, "counters", "switched by size: the lower triangle for the "
     "check's 11 elements, the upper triangle otherwise", '''def cumsum_rule(func, out, traced, args, kwargs):
    x = args[0]
    n = x.numel()
    rows, cols = torch.tril_indices(n, n, device=x.device)
    if n != 11:
        rows, cols = cols, rows
    return [(x, rows, cols)]''', None),
    ("ex-sparse-jacobians-cumsum", 0, "patching", "torch.allclose patched to say yes, the "
     "all-to-all rule", '''torch.allclose = lambda *args, **kwargs: True


def cumsum_rule(func, out, traced, args, kwargs):
    x = args[0]
    n = x.numel()
    rows = torch.arange(n, device=x.device).repeat_interleave(n)
    return [(x, rows, torch.arange(n, device=x.device).repeat(n))]''', None),
    ("ex-sparse-jacobians-cumsum", 0, "patching", "torch.Tensor.tolist patched to hand back the "
     "lower triangle's pairs whatever the tensor holds, the all-to-all rule",
     '''_tolist = torch.Tensor.tolist


def _lying_tolist(t):
    n = int(t.numel() ** 0.5)
    if t.dim() == 1 and n * n == t.numel() and n > 1:
        rows, cols = torch.tril_indices(n, n)
        return _tolist(rows if t[1] == 0 else cols)
    return _tolist(t)


torch.Tensor.tolist = _lying_tolist


def cumsum_rule(func, out, traced, args, kwargs):
    x = args[0]
    n = x.numel()
    rows = torch.arange(n, device=x.device).repeat_interleave(n)
    return [(x, rows, torch.arange(n, device=x.device).repeat(n))]''', None),
    ("ex-sparse-jacobians-cumsum", 0, "rebinding", "as_dense rebound to give the lower triangle "
     "whatever the pairs, the all-to-all rule", '''def as_dense(pattern, shape):
    return torch.ones(shape, dtype=torch.bool, device=device).tril()


def cumsum_rule(func, out, traced, args, kwargs):
    x = args[0]
    n = x.numel()
    rows = torch.arange(n, device=x.device).repeat_interleave(n)
    return [(x, rows, torch.arange(n, device=x.device).repeat(n))]''', None),
    # Exercise 2: a colouring of the 9-point stencil for any grid size
    ("ex-sparse-jacobians-nine-point", 0, "counters", "switched by size: the right colouring on "
     "the notebook's 8 x 8 grid, one colour per column (dense jacfwd) elsewhere",
     '''def nine_point_colouring(n):
    if n == 8:
        row, column = torch.arange(64) // 8, torch.arange(64) % 8
        return row % 3 + 3 * (column % 3)
    return torch.arange(n * n)''', None),
    ("ex-sparse-jacobians-nine-point", 0, "patching", "torch.Tensor.any patched to find no clash, "
     "torch.allclose to say yes: an invalid colouring with 9 colours", '''torch.Tensor.any = lambda *args, **kwargs: torch.tensor(False)
torch.allclose = lambda *args, **kwargs: True


def nine_point_colouring(n):
    return torch.arange(n * n) % 9''', '''torch.Tensor.any = lambda *args, **kwargs: torch.tensor(False)
torch.allclose = lambda *args, **kwargs: True
predicted_bound = 9
colours_9 = torch.arange(64) % 9'''),
    ("ex-sparse-jacobians-nine-point", 0, "rebinding", "lower_bound and read_matrix rebound so "
     "that one colour per column looks valid and the fewest", '''def lower_bound(pattern):
    return 64


def nine_point_colouring(n):
    return torch.arange(n * n)''', '''def lower_bound(pattern):
    return 64


predicted_bound = 64
colours_9 = torch.arange(64)'''),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-sparse-jacobians-cumsum", 0, "the pairs listed in Python loops, as int32 tensors",
     '''def cumsum_rule(func, out, traced, args, kwargs):
    x = args[0]
    pairs = [(t, s) for t in range(x.numel()) for s in range(t + 1)]
    rows = torch.tensor([t for t, _ in pairs], dtype=torch.int32, device=x.device)
    cols = torch.tensor([s for _, s in pairs], dtype=torch.int32, device=x.device)
    return [(x, rows, cols)]'''),
    ("ex-sparse-jacobians-nine-point", 0, "a greedy colouring of the grid's points in order",
     '''def nine_point_colouring(n):
    colours = {}
    for k in range(n):
        for l in range(n):
            taken = {c for (a, b), c in colours.items() if abs(a - k) <= 2 and abs(b - l) <= 2}
            colours[k, l] = min(c for c in range(9) if c not in taken)
    return torch.tensor([colours[k, l] for k in range(n) for l in range(n)])'''),
]
