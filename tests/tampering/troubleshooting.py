"""New tries at getting points without the work, for book/troubleshooting.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format. Each try of Exercises 1 and 2 keeps the given code
of the exercise cell (the function of one row, the notebook's rows), as a student's cell would."""

_CLIP = '''def clip_to_unit_norm(v):
    norm = v.norm()
    if norm > 1:
        return v / norm
    return v


short_rows = 0.1 * torch.randn(3, D, device=device)
long_rows = 3 * torch.randn(3, D, device=device)
rows = torch.cat([short_rows, long_rows])


'''

_INTERLEAVE = '''def interleave_with_zeros(y):
    out = torch.zeros(2 * D, device=device)
    out[::2] = y
    return out


'''

TRIES = [
    # rebinding a name the check reads
    ("ex-troubleshooting-clip", 0, "rebinding", "clip_to_unit_norm rebound to the identity (the "
     "function the reference is computed with), then vmapped", _CLIP + '''def clip_to_unit_norm(v):
    return v


def clip_rows(rows):
    return vmap(clip_to_unit_norm)(rows)''', None),
    ("ex-troubleshooting-interleave", 0, "rebinding", "a Python loop over the rows, with the "
     "checking helpers rebound (operations_in returns a constant, returned_by says yes)",
     _INTERLEAVE + '''def operations_in(fn, *args):
    fn(*args)
    return 7


def returned_by(results, got):
    return True


def interleave_rows(ys):
    return torch.stack([interleave_with_zeros(y) for y in ys])''', None),
    ("ex-troubleshooting-complex-exp", 0, "rebinding", "complex_jacobian_blocks (the reference's "
     "formula) rebound to zeros, zeros returned through jacrev of a constant map", '''def complex_jacobian_blocks(derivative):
    n = len(derivative)
    return torch.zeros(n, 2, n, 2, device=derivative.device)


def jacobian_of_complex_exp(z):
    n = len(z)
    return jacrev(lambda p: 0 * p.sum() + torch.zeros(n, 2, device=p.device))(
        torch.view_as_real(z))''', None),
    # copying the answer
    ("ex-troubleshooting-clip", 0, "copying", "the notebook's rows clipped in advance one by one, the "
     "table returned through vmap(lambda r: r) (the same operations for any number of rows)",
     _CLIP + '''_answers = torch.stack([clip_to_unit_norm(row) for row in rows])


def clip_rows(rows):
    return vmap(lambda r: r)(_answers[: len(rows)])''', None),
    ("ex-troubleshooting-complex-exp", 0, "copying", "the renamed reference found in globals() "
     "returned through jacrev of a linear map", '''def jacobian_of_complex_exp(z):
    key = next(v for k, v in globals().items() if k.startswith("reference_3"))["Jacobian"]
    return jacrev(lambda p: torch.einsum("kilj,lj->ki", key, p))(torch.view_as_real(z))''',
     None),
    ("ex-troubleshooting-complex-exp", 0, "copying", "the notebook's z rebuilt from the visible seed "
     "(its value), its blocks typed in, returned by jacrev of a linear map; jacrev of exp elsewhere",
     '''_z_seen = z.clone()
_blocks_seen = complex_jacobian_blocks(torch.exp(_z_seen))


def jacobian_of_complex_exp(z):
    if z.shape == _z_seen.shape and torch.equal(z, _z_seen):
        return jacrev(lambda p: torch.einsum("kilj,lj->ki", _blocks_seen, p))(
            torch.view_as_real(z))
    return jacfwd(as_real_function(torch.exp))(torch.view_as_real(z))''', None),
    # counters that cannot tell the method
    ("ex-troubleshooting-clip", 0, "counters", "batched by hand (three operations for any number of "
     "rows), then relabelled by vmap(lambda r: r)", _CLIP + '''def clip_rows(rows):
    scale = torch.clamp(rows.norm(dim=1, keepdim=True), min=1)
    return vmap(lambda r: r)(rows / scale)''', None),
    ("ex-troubleshooting-interleave", 0, "counters", "batched by hand, then relabelled by "
     "vmap(lambda r: r)", _INTERLEAVE + '''def interleave_rows(ys):
    both = torch.stack([ys, torch.zeros_like(ys)], dim=-1)
    return vmap(lambda r: r)(both.reshape(len(ys), -1))''', None),
    ("ex-troubleshooting-clip", 0, "counters", "a Python loop over the rows inside one vmap call "
     "(vmapped over a dummy batch of one)", _CLIP + '''def clip_rows(rows):
    looped = vmap(lambda _: torch.stack([clip_to_unit_norm(r) for r in rows]))
    return looped(torch.zeros(1, device=rows.device))[0]''', None),
    ("ex-troubleshooting-interleave", 0, "counters", "a method switched by batch size: one vmap call "
     "for the check's small batches, a Python loop for more rows", _INTERLEAVE + '''def _one(y):
    return torch.stack([y, torch.zeros_like(y)], dim=-1).reshape(-1)


def interleave_rows(ys):
    if len(ys) <= 8:
        return vmap(_one)(ys)
    return torch.stack([interleave_with_zeros(y) for y in ys])''', None),
    ("ex-troubleshooting-complex-exp", 0, "counters", "the Cauchy-Riemann blocks of exp (the chapter's "
     "formula, written out) returned through jacrev of the linear map they make", '''def jacobian_of_complex_exp(z):
    d = torch.exp(z)  # the derivative of exp, written as its blocks [[a, -b], [b, a]]
    a, b = d.real, d.imag
    block = torch.stack([torch.stack([a, -b], dim=-1), torch.stack([b, a], dim=-1)], dim=-2)
    blocks = torch.einsum("kij,kl->kilj", block, torch.eye(len(z), device=z.device))
    return jacrev(lambda p: torch.einsum("kilj,lj->ki", blocks, p))(torch.view_as_real(z))''',
     None),
    ("ex-troubleshooting-complex-exp", 0, "counters", "a method switched by call number: jacrev on "
     "the first call, jacfwd afterwards", '''_calls = [0]


def jacobian_of_complex_exp(z):
    _calls[0] += 1
    transform = jacrev if _calls[0] == 1 else jacfwd
    return transform(as_real_function(torch.exp))(torch.view_as_real(z))''', None),
    ("ex-troubleshooting-complex-exp", 0, "counters", "a method switched by size: jacrev at the "
     "notebook's size D, torch.autograd.functional.jacobian at any other", '''def jacobian_of_complex_exp(z):
    real = as_real_function(torch.exp)
    if len(z) == D:
        return jacrev(real)(torch.view_as_real(z))
    return torch.autograd.functional.jacobian(real, torch.view_as_real(z))''', None),
    # patching
    ("ex-troubleshooting-clip", 0, "patching", "torch.allclose and torch.equal patched to say yes, "
     "the rows returned unclipped by vmap", _CLIP + '''torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True


def clip_rows(rows):
    return vmap(lambda r: r * 1)(rows)''', None),
    ("ex-troubleshooting-interleave", 0, "patching", "interleave_with_zeros changed in place "
     "(__code__ of a vmappable but wrong function), then vmapped", _INTERLEAVE + '''def _wrong(y):
    return torch.cat([y, y])


interleave_with_zeros.__code__ = _wrong.__code__


def interleave_rows(ys):
    return vmap(interleave_with_zeros)(ys)''', None),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-troubleshooting-clip", 0, "dividing by the norm clamped at 1 (another vmappable clip)",
     _CLIP + '''def clip_rows(rows):
    return vmap(lambda v: v / torch.clamp(v.norm(), min=1))(rows)'''),
    ("ex-troubleshooting-clip", 0, "torch.where, computed in float64 inside the vmapped function",
     _CLIP + '''def _clip(v):
    w = v.double()
    norm = w.norm()
    return torch.where(norm > 1, w / norm, w).to(v.dtype)


def clip_rows(rows):
    return vmap(_clip)(rows)'''),
    ("ex-troubleshooting-clip", 0, "the given clip_to_unit_norm rewritten in place (torch.where), "
     "then vmapped", _CLIP.replace("""    if norm > 1:
        return v / norm
    return v""", "    return torch.where(norm > 1, v / norm, v)") + '''def clip_rows(rows):
    return vmap(clip_to_unit_norm)(rows)'''),
    ("ex-troubleshooting-interleave", 0, "the given interleave_with_zeros rewritten in place "
     "(y.new_zeros), then vmapped", '''def interleave_with_zeros(y):
    out = y.new_zeros(2 * D)
    out[::2] = y
    return out


def interleave_rows(ys):
    return vmap(interleave_with_zeros)(ys)'''),
    ("ex-troubleshooting-interleave", 0, "no write: each entry stacked with a zero",
     _INTERLEAVE + '''def interleave_rows(ys):
    return vmap(lambda y: torch.stack([y, torch.zeros_like(y)], dim=-1).reshape(-1))(ys)'''),
    ("ex-troubleshooting-complex-exp", 0, "jacrev of a wrapper written out with real and "
     "imaginary parts (exp(a)cos(b), exp(a)sin(b))", '''def jacobian_of_complex_exp(z):
    def real_exp(pairs):
        a, b = pairs[:, 0], pairs[:, 1]
        return torch.stack([torch.exp(a) * torch.cos(b), torch.exp(a) * torch.sin(b)], dim=-1)

    return jacrev(real_exp)(torch.view_as_real(z))'''),
]
