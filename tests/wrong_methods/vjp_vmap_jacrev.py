"""Wrong methods for the exercises of book/vjp_vmap_jacrev.md: each must fail through a ✗ check line."""

ROWS_CHECK = '''

check_answer("rows 0, 3, 5 of J at two points; (backward passes, vectors)",
             rows_and_method(jacobian_rows, [0, 3, 5]), reference_2,
             hint="which unit vectors does a vjp turn into rows 0, 3 and 5?");'''

BOTH_CHECK = '''

check_answer("(dg/da, dg/dx) at two points; (jacrev calls, sin calls, from jacrev)",
             jacobians_and_method(both_jacobians), reference_3,
             hint="argnums can name more than one argument");'''

SCALED_SINE = '''def scaled_sine(a, x):
    return a * torch.sin(x)


'''

WRONG = [
    ("ex-vjp-vmap-chosen-rows", 0, "jacrev of all rows, then indexing", '''def jacobian_rows(weight, bias, x, rows):
    return jacrev(predict, argnums=2)(weight, bias, x)[rows]''' + ROWS_CHECK),
    ("ex-vjp-vmap-chosen-rows", 0, "vmap(vjp) over all M unit vectors, then indexing", '''def jacobian_rows(weight, bias, x, rows):
    _, vjp_fn = vjp(partial(predict, weight, bias), x)
    (all_rows,) = vmap(vjp_fn)(torch.eye(weight.shape[0], device=x.device))
    return all_rows[rows]''' + ROWS_CHECK),
    ("ex-vjp-vmap-chosen-rows", 0, "a loop of three vjp_fn calls instead of vmap", '''def jacobian_rows(weight, bias, x, rows):
    _, vjp_fn = vjp(partial(predict, weight, bias), x)
    unit_vectors = torch.eye(weight.shape[0], device=x.device)[rows]
    return torch.stack([vjp_fn(e)[0] for e in unit_vectors])''' + ROWS_CHECK),
    ("ex-vjp-vmap-chosen-rows", 0, "the analytic formula typed in", '''def jacobian_rows(weight, bias, x, rows):
    y = predict(weight, bias, x)
    return ((1 - y**2)[:, None] * weight)[rows]''' + ROWS_CHECK),
    ("ex-vjp-vmap-chosen-rows", 0, "the answer key copied, plus a dummy vmap(vjp) of three vectors", '''def jacobian_rows(weight, bias, x, rows):
    _, vjp_fn = vjp(partial(predict, weight, bias), x)
    vmap(vjp_fn)(torch.ones(3, weight.shape[0], device=x.device))  # only for the counter
    return reference_2[0]''' + ROWS_CHECK),
    ("ex-vjp-vmap-another-function", 0, "the analytic formulas typed in", SCALED_SINE + '''def both_jacobians(a, x):
    return torch.diag(torch.sin(x)), torch.diag(a * torch.cos(x))''' + BOTH_CHECK),
    ("ex-vjp-vmap-another-function", 0, "the analytic formulas, plus a dummy call of jacrev", SCALED_SINE + '''def both_jacobians(a, x):
    jacrev(scaled_sine, argnums=(0, 1))(a, x)  # only for the counter
    return torch.diag(torch.sin(x)), torch.diag(a * torch.cos(x))''' + BOTH_CHECK),
    ("ex-vjp-vmap-another-function", 0, "two calls of jacrev, one per argument", SCALED_SINE + '''def both_jacobians(a, x):
    return jacrev(scaled_sine, argnums=0)(a, x), jacrev(scaled_sine, argnums=1)(a, x)''' + BOTH_CHECK),
    ("ex-vjp-vmap-another-function", 0, "jacfwd instead of jacrev", SCALED_SINE + '''from torch.func import jacfwd


def both_jacobians(a, x):
    return jacfwd(scaled_sine, argnums=(0, 1))(a, x)''' + BOTH_CHECK),
    ("ex-vjp-vmap-another-function", 0, "the answer key copied, plus a dummy call of jacrev", SCALED_SINE + '''def both_jacobians(a, x):
    jacrev(scaled_sine, argnums=(0, 1))(a, x)  # only for the counter
    return reference_3[0]''' + BOTH_CHECK),
]
