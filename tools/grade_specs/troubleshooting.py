"""When torch.func says no (book/troubleshooting.md): the exercises the grader calls (see tools/grade_specs/__init__.py)."""

# The chapter's given names that the grader puts back after the student's code: the transforms and the
# sizes (D is read by a vmappable interleave_with_zeros).
TS_SETUP = """
from torch.func import jacfwd, jacrev, vmap

D, B = 3, 4
"""

# The chapter's functions of one example and the Cauchy-Riemann blocks of section 6, for the references
# only (computed in the grading process): a student who rewrites clip_to_unit_norm or interleave_with_zeros
# in place, to make it vmappable, keeps it in the kernel.
ONE_ROW = """
def clip_to_unit_norm(v):
    norm = v.norm()
    if norm > 1:
        return v / norm
    return v


def interleave_with_zeros(y):
    out = torch.zeros(2 * D, dtype=y.dtype, device=y.device)
    out[::2] = y
    return out


def complex_jacobian_blocks(derivative):
    a, b = derivative.real, derivative.imag
    blocks = torch.stack([torch.stack([a, -b], dim=-1), torch.stack([b, a], dim=-1)], dim=-2)
    eye = torch.eye(len(derivative), dtype=a.dtype, device=derivative.device)
    return torch.einsum("kij,kl->kilj", blocks, eye)
"""

# One vmap call of a function of one row: the grader counts the calls of vmap (one), the torch operations
# run outside that call (none: a batch computed by hand, then passed through vmap(lambda r: r), runs its
# operations outside), and the torch operations in all (a few: a loop over the 24 to 40 rows runs its
# operations once per row, inside one vmap call or outside it).
ONE_VMAP = """
def method(rows):
    return {"calls of vmap": 1, "torch operations outside vmap": 0, "torch operations": ("<=", 20),
            "backward passes": 0, "forward-mode duals": 0}
"""

SPECS = {
    "ex-troubleshooting-clip": {
        "function": "clip_rows",
        "setup": TS_SETUP,
        # rows drawn at grading time, each one either shorter or longer than 1 (the two branches), in
        # float32 at the chapter's width and in float64 at another width
        "points": """
def points(g, device):
    found = []
    for dtype, width in ((torch.float32, D), (torch.float64, D + 2), (torch.float32, D)):
        n = int(torch.randint(24, 41, (1,), generator=g))
        rows = torch.randn(n, width, generator=g, dtype=dtype)
        rows = rows / rows.norm(dim=1, keepdim=True)
        lengths = torch.rand(n, 1, generator=g, dtype=dtype) * 0.8 + 0.1
        longer = torch.rand(n, 1, generator=g) < 0.5
        lengths = torch.where(longer, 1.2 + 3 * lengths, lengths)
        found.append(((rows * lengths).to(device),))
    return found
""",
        "reference": ONE_ROW + """
def reference(rows):
    return torch.stack([clip_to_unit_norm(row) for row in rows])
""",
        "method": ONE_VMAP,
        "provenance": "vmap",
        "tolerance64": (1e-12, 1e-10),
    },
    "ex-troubleshooting-interleave": {
        "function": "interleave_rows",
        "setup": TS_SETUP,
        "points": """
def points(g, device):
    found = []
    for dtype in (torch.float32, torch.float64, torch.float32):
        n = int(torch.randint(24, 41, (1,), generator=g))
        found.append((torch.randn(n, D, generator=g, dtype=dtype).to(device),))
    return found
""",
        "reference": ONE_ROW + """
def reference(ys):
    return torch.stack([interleave_with_zeros(y) for y in ys])
""",
        "method": ONE_VMAP,
        "provenance": "vmap",
        "tolerance64": (1e-12, 1e-10),
    },
    "ex-troubleshooting-complex-exp": {
        "function": "jacobian_of_complex_exp",
        "setup": TS_SETUP,
        # z drawn at grading time, at the chapter's size and at another one
        "points": """
def points(g, device):
    return [(torch.randn(n, generator=g, dtype=torch.complex64).to(device),) for n in (D, D + 2, D)]
""",
        "reference": ONE_ROW + """
def reference(z):
    return complex_jacobian_blocks(torch.exp(z))
""",
        # one jacrev call, no forward mode (jacfwd refuses complex numbers the same way and would also
        # accept the wrapper), no torch.autograd.functional, and no matrix product: exp acts entry by
        # entry, so its Jacobian by jacrev multiplies none, where the Cauchy-Riemann blocks put on the
        # diagonal (an einsum with the identity) or returned through jacrev of the linear map they
        # make do
        "method": """
def method(z):
    return {"calls of jacrev": 1, "calls of jacfwd": 0, "forward-mode duals": 0,
            "passes by autograd.functional": 0, "calls of autograd.functional.jacobian": 0,
            "matrix FLOPs": 0}
""",
        "provenance": "jacrev",
        "tolerance": (1e-5, 1e-5),
    },
}
