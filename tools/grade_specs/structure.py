"""Structure of Hessians (book/structure.md): the exercises the grader calls (see
tools/grade_specs/__init__.py).

The colourings are functions of the size (and the bandwidth), called at sizes drawn at grading time:
the grader checks that the colouring is valid for direct recovery (no two columns of one colour share a
row of the pattern) and counts the hvps it costs (the largest colour plus one, one seed per colour),
which must be the fewest. The diagonal estimator is called with an instrumented hvp at points and probes
drawn at grading time (colouring seeds, Gaussian and Rademacher probes), counted under vmap."""

COLOURING = """

def plain_list(t):
    # the tensor's numbers as a Python list, through torch's C methods (a patched torch.Tensor.tolist
    # or .flatten does not change them)
    if type(t) not in (torch.Tensor, torch.nn.Parameter):  # a subclass could answer for itself
        return [None]
    base = torch._C.TensorBase
    return base.tolist(base.flatten(base.cpu(base.detach(t))))

DTYPE = torch.float64


def band_pattern(n, bandwidth):
    index = torch.arange(n)
    return (index[:, None] - index[None, :]).abs() <= bandwidth


def ring_pattern(n):
    # tridiagonal plus the two corners: the cyclic Rosenbrock Hessian
    corners = torch.zeros(n, n, dtype=torch.bool)
    corners[0, n - 1] = corners[n - 1, 0] = True
    return band_pattern(n, 1) | corners


def as_colours(colours, n):
    # the student's colours as n Python ints (None when they are not n whole numbers of 0 or more);
    # what follows is plain Python, so that a patched torch function cannot change the verdict
    if not isinstance(colours, torch.Tensor) or tuple(colours.shape) != (n,):
        return None
    found = []
    for c in plain_list(colours):
        if type(c) is bool or type(c) not in (int, float) or c != int(c) or c < 0:
            return None
        found.append(int(c))
    return found


def colouring_summary(colours, n, share):
    # (valid for direct recovery, hvps it costs): what the grader compares, never the colours;
    # share(j, k): columns j and k share a row of the pattern
    colours = as_colours(colours, n)
    if colours is None:
        return (False, -1)
    valid = all(colours[j] != colours[k] or not share(j, k)
                for j in range(n) for k in range(j + 1, n))
    return (valid, max(colours) + 1)


def banded_checked(n, bandwidth):
    # columns j and k of a band share row i when both are within the bandwidth of it
    return colouring_summary(band_colouring(n, bandwidth), n,
                             lambda j, k: abs(j - k) <= 2 * bandwidth)


def cyclic_checked(n):
    # the ring: neighbours one step apart around it, so columns up to two steps apart share a row
    return colouring_summary(cyclic_colouring(n), n,
                             lambda j, k: min(abs(j - k), n - abs(j - k)) <= 2)
"""

NO_DERIVATIVES = """
def method(*args):
    return {"backward passes": 0, "forward-mode duals": 0}
"""

DIAGONAL_SETUP = """
from torch.func import grad, hessian, jvp, vmap


def rosenbrock(x):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()
"""

SPECS = {
    "ex-structure-banded": {
        "function": "banded_checked",
        "drawn": "sizes and bandwidths",
        "setup": COLOURING,
        "points": """
def points(g, device):
    found = []
    # every bandwidth from 1 to 4 once, in a random order: a colouring right for one bandwidth only
    # (j mod 3 is right for 1, j mod 5 for 2) must not pass by the luck of the draw
    for bandwidth in (torch.randperm(4, generator=g) + 1).tolist():
        n = int(torch.randint(2 * bandwidth + 2, 3 * bandwidth + 12, (1,), generator=g))
        found.append((n, bandwidth))
    return found
""",
        # any 2w + 1 consecutive columns share a row pairwise, and j mod (2w + 1) is valid
        "reference": """
def reference(n, bandwidth):
    return (True, min(n, 2 * bandwidth + 1))
""",
        "method": NO_DERIVATIVES,
        "provenance": None,
    },
    "ex-structure-cyclic": {
        "function": "cyclic_checked",
        "drawn": "sizes",
        "setup": COLOURING,
        # sizes from 9 to 30, a multiple of 3 and another size drawn each time
        "points": """
def points(g, device):
    found = []
    for k in range(4):
        n = int(torch.randint(3, 11, (1,), generator=g)) * 3
        found.append((n if k % 2 else n + int(torch.randint(1, 3, (1,), generator=g)),))
    return found
""",
        # the chapter's backtracking, here only (the setup runs where the student's code can read it)
        "reference": """
def fewest_colours(pattern):
    # the chapter's backtracking: fast for a ring (each column after the first two is forced)
    n = pattern.shape[0]
    shares = ((pattern.T.to(DTYPE) @ pattern.to(DTYPE)) > 0).tolist()

    def colourable(colours, count):
        j = len(colours)
        if j == n:
            return True
        return any(colourable(colours + [c], count) for c in range(count)
                   if all(colours[k] != c or not shares[j][k] for k in range(j)))

    return next(count for count in range(1, n + 1) if colourable([], count))


def reference(n):
    return (True, fewest_colours(ring_pattern(n)))
""",
        "method": NO_DERIVATIVES,
        "provenance": None,
    },
    "ex-structure-exact-diagonal": {
        "function": "diagonal_estimate",
        "setup": DIAGONAL_SETUP,
        # the Rosenbrock Hessian with the three colouring seeds (exact), a dense Hessian drawn at
        # grading time with Gaussian probes (the sum of v * v is not the number of probes) and with
        # Rademacher probes; each through the grader's hvp, which counts its calls
        "points": """
def points(g, device):
    found = []

    def instrumented(f, point):
        def one(v):
            return jvp(grad(f), (point,), (v,))[1]

        def hvp_at_point(v):
            # one vector, or a batch of them as rows (run with vmap), or one vector under the
            # student's vmap: a batched call either way; a loop over the probes makes k calls
            count("calls of hvp")
            if v.dim() == 2:
                count("batched calls of hvp")
                return vmap(one)(v)
            if is_batched(v):
                count("batched calls of hvp")
            return one(v)

        hvp_at_point.f, hvp_at_point.point = f, point
        return hvp_at_point

    n = int(torch.randint(7, 13, (1,), generator=g))
    seeds = ((torch.arange(n) % 3)[None, :] == torch.arange(3)[:, None]).to(torch.float64)
    point = torch.randn(n, generator=g, dtype=torch.float64)
    found.append((instrumented(rosenbrock, point.to(device)), seeds.to(device)))
    m, rows = int(torch.randint(8, 16, (1,), generator=g)), 20
    A = torch.randn(rows, m, generator=g, dtype=torch.float64) / m**0.5
    A = A.to(device)

    def logistic_loss(x):
        return torch.nn.functional.softplus(A @ x).sum() + 0.05 * (x @ x)

    point = torch.randn(m, generator=g, dtype=torch.float64).to(device)
    k = int(torch.randint(5, 12, (1,), generator=g))
    gaussian = torch.randn(k, m, generator=g, dtype=torch.float64)
    signs = torch.randint(0, 2, (k + 3, m), generator=g).to(torch.float64) * 2 - 1
    found.append((instrumented(logistic_loss, point), gaussian.to(device)))
    found.append((instrumented(logistic_loss, point), signs.to(device)))
    return found
""",
        "reference": """
def reference(hvp, probes):
    H = hessian(hvp.f)(hvp.point).cpu()
    probes = probes.cpu()
    return (probes * (probes @ H.T)).sum(0) / (probes * probes).sum(0)
""",
        "method": """
def method(hvp, probes):
    return {"calls of hvp": 1, "batched calls of hvp": 1}
""",
        "tolerance": (1e-9, 1e-10),
        "tolerance64": (1e-9, 1e-10),
        "provenance": None,
    },
}
