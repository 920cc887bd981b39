"""New tries at getting points without the work, for book/structure.md (issue 21's classes).

    TRIES = [(exercise label, code cell index, class, why, source, source on main's grader or None)]

Each source is the exercise cell as a student would hand it in (the grader removes any check call).
Exercises 1 and 2 changed form (a colouring for any size, where main asked for the colours of one size
and a prediction): their `main` source is the same try in the form main's exercise asked for."""

TRIES = [
    # Exercise 1: a colouring for any size and bandwidth
    ("ex-structure-banded", 0, "rebinding", "band_pattern rebound to the diagonal (every colouring "
     "valid), one colour for every column", '''def band_pattern(n, bandwidth):
    return torch.eye(n, dtype=torch.bool, device=device)


def band_colouring(n, bandwidth):
    return torch.zeros(n, dtype=torch.long)''', '''def band_pattern(n, bandwidth):
    return torch.eye(n, dtype=torch.bool, device=device)


predicted_hvps = 1
colours_band_2 = torch.zeros(12, dtype=torch.long)'''),
    ("ex-structure-banded", 0, "counters", "switched by size: the right colouring at the "
     "notebook's N = 12 and bandwidth 2, the tridiagonal one (j mod 3) elsewhere",
     '''def band_colouring(n, bandwidth):
    if (n, bandwidth) == (12, 2):
        return torch.arange(12) % 5
    return torch.arange(n) % 3''', None),
    ("ex-structure-banded", 0, "copying", "the fewest number of colours read from the chapter's "
     "hidden helper (found in globals()), the columns coloured j mod that number",
     '''def band_colouring(n, bandwidth):
    fewest = next(v for k, v in globals().items() if k.startswith("fewest_colours"))
    return torch.arange(n) % fewest(band_pattern(n, bandwidth).cpu())''', '''_fewest = next(v for k, v in globals().items() if k.startswith("fewest_colours"))
predicted_hvps = _fewest(band_pattern(12, 2))
colours_band_2 = torch.arange(12) % predicted_hvps'''),
    # Exercise 2: a colouring of the ring for any size
    ("ex-structure-cyclic", 0, "counters", "switched by size: the notebook's N = 10 answer typed "
     "in, j mod 3 elsewhere", '''def cyclic_colouring(n):
    if n == 10:
        return torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 3])
    return torch.arange(n) % 3''', None),
    ("ex-structure-cyclic", 0, "counters", "the prediction answered by measuring: three colours "
     "tried with the chapter's validity test, a colour per column when they fail",
     '''def cyclic_colouring(n):
    index = torch.arange(n, device=device)
    ring = (index[:, None] - index[None, :]).abs()
    pattern = (ring <= 1) | (ring == n - 1)
    three = index % 3
    return three if is_valid_colouring(three, pattern) else index''', '''_index = torch.arange(10, device=device)
_ring = (_index[:, None] - _index[None, :]).abs()
three_are_enough = is_valid_colouring(_index % 3, (_ring <= 1) | (_ring == 9))
colours_cyclic = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 3])'''),
    ("ex-structure-cyclic", 0, "rebinding", "is_valid_colouring and fewest_colours rebound to "
     "agree with j mod 3", '''def is_valid_colouring(colours, pattern):
    return True


def fewest_colours(pattern):
    return 3


def cyclic_colouring(n):
    return torch.arange(n) % 3''', '''def is_valid_colouring(colours, pattern):
    return True


def fewest_colours(pattern):
    return 3


three_are_enough = True
colours_cyclic = torch.arange(10) % 3'''),
    # Exercise 3: the diagonal estimator with one batched hvp
    ("ex-structure-exact-diagonal", 0, "copying", "the unseen point rebuilt from the notebook (its "
     "linspace), the exact diagonal returned for seeds, after one batched call",
     '''def diagonal_estimate(hvp, probes):
    products = hvp(probes)
    if len(probes) == 3:
        x_t = torch.linspace(-1, 1, probes.shape[1], dtype=DTYPE, device=device)
        return torch.diagonal(rosenbrock_hessian_analytic(x_t))
    return (probes * products).mean(0)''', None),
    ("ex-structure-exact-diagonal", 0, "counters", "a Python loop over the probes relabelled by "
     "vmap(lambda r: r)", '''def diagonal_estimate(hvp, probes):
    products = torch.stack([hvp(v) for v in probes])
    products = torch.func.vmap(lambda r: r)(products)
    return (probes * products).sum(0) / (probes * probes).sum(0)''', None),
    ("ex-structure-exact-diagonal", 0, "counters", "switched by the number of probes: one batched "
     "call for the three seeds, a loop for the others", '''def diagonal_estimate(hvp, probes):
    if len(probes) == 3:
        products = hvp(probes)
    else:
        products = torch.stack([hvp(v) for v in probes])
    return (probes * products).sum(0) / (probes * probes).sum(0)''', None),
    ("ex-structure-exact-diagonal", 0, "patching", "torch.allclose patched to say yes, divided by "
     "the number of probes (wrong for the seeds and for Gaussian probes)",
     '''torch.allclose = lambda *args, **kwargs: True


def diagonal_estimate(hvp, probes):
    return (probes * hvp(probes)).sum(0) / len(probes)''', None),
    ("ex-structure-exact-diagonal", 0, "rebinding", "CountingHvp rebound to count one batched call "
     "whatever was called, with a loop of hvps", '''class CountingHvp:
    def __init__(self, f, x):
        self.x, self.count, self.calls = x, 3, 1
        self.one = lambda v: jvp(grad(f), (x,), (v,))[1]

    def __call__(self, v):
        return self.one(v)


def diagonal_estimate(hvp, probes):
    products = torch.stack([hvp(v) for v in probes])
    return (probes * products).sum(0) / (probes * probes).sum(0)''', None),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-structure-banded", 0, "a greedy colouring in column order, from the pattern", '''def band_colouring(n, bandwidth):
    colours = []
    for j in range(n):
        taken = {colours[k] for k in range(max(0, j - 2 * bandwidth), j)}
        colours.append(min(c for c in range(n) if c not in taken))
    return torch.tensor(colours)'''),
    ("ex-structure-cyclic", 0, "a list built by hand, returned as a float tensor of whole numbers",
     '''def cyclic_colouring(n):
    colours = []
    for block in [4] * (n % 3) + [3] * ((n - 4 * (n % 3)) // 3):
        colours += list(range(block))
    return torch.tensor(colours, dtype=torch.float64)'''),
    ("ex-structure-exact-diagonal", 0, "vmap of the hvp over the probes, with einsum",
     '''def diagonal_estimate(hvp, probes):
    products = torch.func.vmap(hvp)(probes)
    return torch.einsum("pi,pi->i", probes, products) / torch.einsum("pi,pi->i", probes, probes)'''),
]
