"""Wrong methods for the exercises of book/hvp.md: each must fail through a ✗ check line."""

HVP_CHECK = '''


check_hvp_exercise(hvp);'''

DIAGONAL_CHECK = '''


check_diagonal_exercise(hessian_diagonal);'''

WRONG = [
    ("ex-hvp-no-hessian", 0, "the dense Hessian formed, then multiplied", '''def hvp(f, x, v):
    return hessian(f)(x) @ v''' + HVP_CHECK),
    ("ex-hvp-no-hessian", 0, "torch.autograd.functional.hessian, then multiplied", '''def hvp(f, x, v):
    return torch.autograd.functional.hessian(f, x) @ v''' + HVP_CHECK),
    ("ex-hvp-no-hessian", 0, "the analytic product of the chapter's tanh layer typed in",
     '''def hvp(f, x, v):
    if x.shape != (D,):
        return torch.zeros_like(v)  # the formula only knows the chapter's layer
    y = torch.tanh(weight @ x + bias)
    return weight.T @ (-2 * y * (1 - y**2) * (weight @ v))''' + HVP_CHECK),
    ("ex-hvp-no-hessian", 0, "central differences of the gradient, no second derivative", '''def hvp(f, x, v, h=1e-6):
    return (grad(f)(x + h * v) - grad(f)(x - h * v)) / (2 * h)''' + HVP_CHECK),
    ("ex-hvp-no-hessian", 0, "the chapter's answer at its own point copied, plus a dummy hvp", '''def hvp(f, x, v):
    jvp(grad(f), (x,), (v,))  # only to look like an hvp
    return Hv_exact.to(x.dtype)[: x.shape[0]]''' + HVP_CHECK),
    ("ex-hessian-diagonal", 0, "a Python loop of hvps instead of one batched call", '''def hessian_diagonal(hvp_at_point, n):
    unit_vectors = torch.eye(n, dtype=torch.float64, device=device)
    return torch.stack([hvp_at_point(e)[i] for i, e in enumerate(unit_vectors)])''' + DIAGONAL_CHECK),
    ("ex-hessian-diagonal", 0, "torch.func.hessian of the Rosenbrock function at a point of its own",
     '''def hessian_diagonal(hvp_at_point, n):
    point = torch.zeros(n, dtype=torch.float64, device=device)
    hvp_at_point(torch.ones(n, dtype=torch.float64, device=device))  # a dummy call
    return torch.diagonal(hessian(rosenbrock)(point))''' + DIAGONAL_CHECK),
    ("ex-hessian-diagonal", 0, "the analytic diagonal typed in, no hvp at all", '''def hessian_diagonal(hvp_at_point, n):
    x = torch.ones(n, dtype=torch.float64, device=device)
    diagonal = torch.zeros(n, dtype=torch.float64, device=device)
    diagonal[:-1] += 1200 * x[:-1] ** 2 - 400 * x[1:] + 2
    diagonal[1:] += 200
    return diagonal''' + DIAGONAL_CHECK),
]
