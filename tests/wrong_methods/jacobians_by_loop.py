"""Wrong methods for the exercises of book/jacobians_by_loop.md: each must fail through a ✗ check line."""

ROW_3_CHECK = '''

check_answer("row 3 of J at two points; (passes, vectors, ready-made calls)",
             answers_and_method(jacobian_row_3), reference_1,
             hint="a backward pass returns v^T J: which v leaves only row 3?");'''

WEIGHTED_CHECK = '''

check_answer("v^T J at two points; (passes, vectors, ready-made calls)",
             answers_and_method(weighted_rows, v), reference_2,
             hint="the vector you pass to a backward pass weights the rows of J");'''

BIAS_CHECK = '''

check_answer("dy/db at two points; (passes, vectors, ready-made calls)",
             answers_and_method(jacobian_wrt_bias_by_loop), reference_3,
             hint="which tensor must require gradients now, and how many rows does J have?");'''

WRONG = [
    ("ex-loop-single-row", 0, "the analytic formula typed in, no backward pass", '''def jacobian_row_3(weight, bias, x):
    y = predict(weight, bias, x)
    return (1 - y[3] ** 2) * weight[3]''' + ROW_3_CHECK),
    ("ex-loop-single-row", 0, "jacrev of all rows, then indexing row 3", '''from torch.func import jacrev


def jacobian_row_3(weight, bias, x):
    return jacrev(predict, argnums=2)(weight, bias, x)[3]''' + ROW_3_CHECK),
    ("ex-loop-single-row", 0, "torch.autograd.functional.jacobian, then indexing row 3", '''def jacobian_row_3(weight, bias, x):
    return torch.autograd.functional.jacobian(lambda x: predict(weight, bias, x), x)[3]''' + ROW_3_CHECK),
    ("ex-loop-single-row", 0, "the whole loop of the chapter, then indexing row 3", '''def jacobian_row_3(weight, bias, x):
    return jacobian_by_loop(weight, bias, x)[3]''' + ROW_3_CHECK),
    ("ex-loop-single-row", 0, "the answer key copied, plus a dummy backward pass", '''def jacobian_row_3(weight, bias, x):
    x = x.detach().requires_grad_(True)
    y = predict(weight, bias, x)
    torch.autograd.grad(y, x, torch.ones_like(y))  # only to satisfy the counter
    return reference_1[0]''' + ROW_3_CHECK),
    ("ex-loop-weighted-rows", 0, "all rows by the loop, then the weighted sum", '''v = torch.arange(M, dtype=torch.float32, device=device)


def weighted_rows(weight, bias, x, v):
    return v @ jacobian_by_loop(weight, bias, x)''' + WEIGHTED_CHECK),
    ("ex-loop-weighted-rows", 0, "the analytic formula typed in", '''v = torch.arange(M, dtype=torch.float32, device=device)


def weighted_rows(weight, bias, x, v):
    y = predict(weight, bias, x)
    return v @ ((1 - y**2)[:, None] * weight)''' + WEIGHTED_CHECK),
    ("ex-loop-weighted-rows", 0, "the answer key copied, plus a dummy backward pass", '''v = torch.arange(M, dtype=torch.float32, device=device)


def weighted_rows(weight, bias, x, v):
    x = x.detach().requires_grad_(True)
    torch.autograd.grad(predict(weight, bias, x), x, v)  # only to satisfy the counter
    return reference_2[0]''' + WEIGHTED_CHECK),
    ("ex-loop-bias-jacobian", 0, "torch.autograd.functional.jacobian instead of a loop", '''def jacobian_wrt_bias_by_loop(weight, bias, x):
    return torch.autograd.functional.jacobian(lambda b: predict(weight, b, x), bias)''' + BIAS_CHECK),
    ("ex-loop-bias-jacobian", 0, "torch.autograd.functional.jacobian(vectorize=True)", '''def jacobian_wrt_bias_by_loop(weight, bias, x):
    return torch.autograd.functional.jacobian(lambda b: predict(weight, b, x), bias,
                                              vectorize=True)''' + BIAS_CHECK),
    ("ex-loop-bias-jacobian", 0, "the analytic formula typed in", '''def jacobian_wrt_bias_by_loop(weight, bias, x):
    return torch.diag(1 - predict(weight, bias, x) ** 2)''' + BIAS_CHECK),
    ("ex-loop-bias-jacobian", 0, "jacrev instead of a loop", '''from torch.func import jacrev


def jacobian_wrt_bias_by_loop(weight, bias, x):
    return jacrev(predict, argnums=1)(weight, bias, x)''' + BIAS_CHECK),
    ("ex-loop-bias-jacobian", 0, "the answer key copied, plus a dummy loop of M passes", '''def jacobian_wrt_bias_by_loop(weight, bias, x):
    bias = bias.detach().requires_grad_(True)
    y = predict(weight, bias, x)
    for v in torch.eye(M, device=y.device):  # only to satisfy the counter
        torch.autograd.grad(y, bias, v, retain_graph=True)
    return reference_3[0]''' + BIAS_CHECK),
]
