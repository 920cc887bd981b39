"""Wrong methods for the exercises of book/troubleshooting.md: each must FAIL its check with a ✗ line."""

_CLIP = '''def clip_to_unit_norm(v):
    norm = v.norm()
    if norm > 1:
        return v / norm
    return v


short_rows = 0.1 * torch.randn(3, D, device=device)
long_rows = 3 * torch.randn(3, D, device=device)
rows = torch.cat([short_rows, long_rows])


'''
_CLIP_CHECK = '''


check_rows_function("clipped rows", clip_rows, rows, clip_to_unit_norm,
                    hint="section 5 shows what replaces an `if` on a tensor");
'''
_INTERLEAVE = '''def interleave_with_zeros(y):
    out = torch.zeros(2 * D, device=device)
    out[::2] = y
    return out


'''
_INTERLEAVE_CHECK = '''


check_rows_function("interleaved rows", interleave_rows, ys, interleave_with_zeros,
                    hint="section 2 shows how to make a tensor that vmap batches");
'''
_COMPLEX_CHECK = '''


check_answer("real Jacobian of exp", jacobian_report(jacobian_of_complex_exp, z),
             reference_3,
             hint="jacrev needs real numbers in and out: section 6 has a wrapper");
'''

WRONG = [
    ("ex-troubleshooting-clip", 0, "a Python loop over the rows",
     _CLIP + '''def clip_rows(rows):
    return torch.stack([clip_to_unit_norm(row) for row in rows])''' + _CLIP_CHECK),
    ("ex-troubleshooting-clip", 0, "batched by hand, no vmap",
     _CLIP + '''def clip_rows(rows):
    return rows / torch.clamp(rows.norm(dim=1, keepdim=True), min=1)''' + _CLIP_CHECK),
    ("ex-troubleshooting-clip", 0, "one vmap call per row, then concatenated",
     _CLIP + '''def clip_one(v):
    norm = v.norm()
    return torch.where(norm > 1, v / norm, v)


def clip_rows(rows):
    return torch.cat([vmap(clip_one)(rows[i:i + 1]) for i in range(len(rows))])''' + _CLIP_CHECK),
    ("ex-troubleshooting-clip", 0, "a loop, plus a dummy vmap call for the checker",
     _CLIP + '''def clip_rows(rows):
    vmap(torch.norm)(rows)
    return torch.stack([clip_to_unit_norm(row) for row in rows])''' + _CLIP_CHECK),
    ("ex-troubleshooting-clip", 0, "batched by hand, then passed through vmap(lambda r: r)",
     _CLIP + '''def clip_rows(rows):
    norms = rows.norm(dim=1, keepdim=True)
    return vmap(lambda r: r)(rows / torch.clamp(norms, min=1))''' + _CLIP_CHECK),
    ("ex-troubleshooting-clip", 0, "the original, vmapped as it is (its `if` raises under vmap)",
     _CLIP + '''def clip_rows(rows):
    return vmap(clip_to_unit_norm)(rows)''' + _CLIP_CHECK),
    ("ex-troubleshooting-interleave", 0, "one vmap call per row, then stacked",
     _INTERLEAVE + '''def _one(y):
    return torch.stack([y, torch.zeros_like(y)], dim=-1).reshape(-1)


def interleave_rows(ys):
    return torch.cat([vmap(_one)(ys[i:i + 1]) for i in range(len(ys))])''' + _INTERLEAVE_CHECK),
    ("ex-troubleshooting-interleave", 0, "a Python loop over the rows",
     _INTERLEAVE + '''def interleave_rows(ys):
    return torch.stack([interleave_with_zeros(y) for y in ys])''' + _INTERLEAVE_CHECK),
    ("ex-troubleshooting-interleave", 0, "batched by hand, no vmap",
     _INTERLEAVE + '''def interleave_rows(ys):
    return torch.stack([ys, torch.zeros_like(ys)], dim=-1).reshape(len(ys), -1)''' + _INTERLEAVE_CHECK),
    ("ex-troubleshooting-complex-exp", 0, "jacfwd instead of jacrev",
     '''def jacobian_of_complex_exp(z):
    return jacfwd(as_real_function(torch.exp))(torch.view_as_real(z))''' + _COMPLEX_CHECK),
    ("ex-troubleshooting-complex-exp", 0, "torch.autograd.functional.jacobian instead of jacrev",
     '''def jacobian_of_complex_exp(z):
    return torch.autograd.functional.jacobian(as_real_function(torch.exp), torch.view_as_real(z))'''
     + _COMPLEX_CHECK),
    ("ex-troubleshooting-complex-exp", 0, "the Cauchy-Riemann formula typed in, no autodiff",
     '''def jacobian_of_complex_exp(z):
    return complex_jacobian_blocks(torch.exp(z))''' + _COMPLEX_CHECK),
    ("ex-troubleshooting-complex-exp", 0, "the formula, plus a dummy jacrev call for the checker",
     '''def jacobian_of_complex_exp(z):
    jacrev(torch.sin)(z.real)
    return complex_jacobian_blocks(torch.exp(z))''' + _COMPLEX_CHECK),
]

WRONG += [
    ("ex-troubleshooting-complex-exp", 0, "a Python loop of jacrev, one row of blocks per entry",
     '''def jacobian_of_complex_exp(z):
    real = as_real_function(torch.exp)
    pairs = torch.view_as_real(z)
    rows = [jacrev(lambda p, k=k: real(p)[k])(pairs) for k in range(len(z))]
    return torch.stack(rows)''' + _COMPLEX_CHECK),
]
