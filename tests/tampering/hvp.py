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
    ("ex-hvp-no-hessian", 0, "counters", "a method switched by input size: the dense Hessian for "
     "small inputs (the float64 function the check does not show), jvp of grad at D = 256 (where "
     "the FLOPs are counted)", '''def hvp(f, x, v):
    if x.shape[0] < 100:
        return hessian(f)(x) @ v
    return jvp(grad(f), (x,), (v,))[1]''', None),
    ("ex-hvp-no-hessian", 0, "counters", "a method switched by dtype: torch.autograd.functional."
     "hessian for float64, vjp of grad for float32", '''def hvp(f, x, v):
    if x.dtype == torch.float64:
        return torch.autograd.functional.hessian(f, x) @ v
    return vjp(grad(f), x)[1](v)[0]''', None),
    ("ex-hvp-no-hessian", 0, "counters", "a method switched by the kind of function: H v summed "
     "column by column from D forward-over-reverse products (never an N x N tensor) unless f is a "
     "partial", '''def hvp(f, x, v):
    if isinstance(f, partial):
        return jvp(grad(f), (x,), (v,))[1]
    total = torch.zeros_like(x)
    for i in range(x.shape[0]):
        unit = torch.zeros_like(x)
        unit[i] = 1
        total = total + jvp(grad(f), (x,), (unit,))[1] * v[i]
    return total''', None),
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
    ("ex-hvp-no-hessian", 0, "reverse over forward: the gradient of a jvp", '''def hvp(f, x, v):
    return grad(lambda y: jvp(f, (y,), (v,))[1])(x)'''),
    ("ex-hvp-no-hessian", 0, "torch.autograd.functional.hvp", '''def hvp(f, x, v):
    return torch.autograd.functional.hvp(f, x, v)[1]'''),
    ("ex-hessian-diagonal", 0, "vmap over the identity, the diagonal by a product with it", '''def hessian_diagonal(hvp_at_point, n):
    eye = torch.eye(n, dtype=torch.float64, device=device)
    return (vmap(hvp_at_point)(eye) * eye).sum(dim=1)'''),
]
