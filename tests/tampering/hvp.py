"""New tries at getting points without the work, for book/hvp.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format."""

TRIES = [
    ("ex-hvp-no-hessian", 0, "rebinding", "the dense Hessian, with count_flops rebound to say 1",
     '''def hvp(f, x, v):
    return hessian(f)(x) @ v


def count_flops(*args, **kwargs):
    return 1''', None),
    ("ex-hvp-no-hessian", 0, "rebinding", "hessian rebound to zeros; zeros for float64, the typed "
     "formula for the tanh layer", '''def hessian(f):
    return lambda x: torch.zeros(x.shape[0], x.shape[0], dtype=x.dtype, device=x.device)


def hvp(f, x, v):
    if x.dtype == torch.float64:
        return torch.zeros_like(v)
    weight, bias = f.keywords["weight"], f.keywords["bias"]
    y = torch.tanh(weight @ x + bias)
    return weight.T @ (-2 * y * (1 - y**2) * (weight @ v))''', None),
    ("ex-hessian-diagonal", 0, "rebinding", "rosenbrock rebound to |x|^2 / 2 (H = I), ones "
     "returned after one batched dummy call", '''def rosenbrock(x):
    return 0.5 * (x**2).sum()


def hessian_diagonal(hvp_at_point, n):
    vmap(hvp_at_point)(torch.eye(n, dtype=torch.float64, device=device))  # the counter
    return torch.ones(n, dtype=torch.float64, device=device)''', None),
    ("ex-hessian-diagonal", 0, "counters", "products by a Python loop, then relabelled by "
     "vmap(lambda r: r)", '''def hessian_diagonal(hvp_at_point, n):
    eye = torch.eye(n, dtype=torch.float64, device=device)
    products = torch.stack([hvp_at_point(e) for e in eye])
    return torch.diagonal(vmap(lambda r: r)(products))''', None),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-hvp-no-hessian", 0, "reverse over reverse: the vjp of the gradient", '''def hvp(f, x, v):
    return vjp(grad(f), x)[1](v)[0]'''),
    ("ex-hessian-diagonal", 0, "vmap over the identity, the diagonal by a product with it", '''def hessian_diagonal(hvp_at_point, n):
    eye = torch.eye(n, dtype=torch.float64, device=device)
    return (vmap(hvp_at_point)(eye) * eye).sum(dim=1)'''),
]
