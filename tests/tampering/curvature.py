"""New tries at getting points without the work, for book/curvature.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format."""

TRIES = [
    ("ex-curvature-ef-product", 0, "copying", "the check's unseen model and data rebuilt from the "
     "seed its hidden cell shows, the answer tabled from the dense per-sample gradients, zeros "
     "elsewhere", '''def _tabled():
    generator = torch.Generator(device=device).manual_seed(21)
    torch.manual_seed(21)
    small = torch.nn.Sequential(torch.nn.Linear(5, 7), torch.nn.Tanh(),
                                torch.nn.Linear(7, 3)).to(device=device, dtype=DTYPE)
    p = {n: t.detach() for n, t in small.named_parameters()}
    x = torch.randn(40, 5, dtype=DTYPE, device=device, generator=generator)
    y = torch.randint(0, 3, (40,), device=device, generator=generator)
    v = {n: torch.randn(t.shape, dtype=DTYPE, device=device, generator=generator)
         for n, t in p.items()}

    def one(params, xi, yi):
        return torch.nn.functional.cross_entropy(
            functional_call(small, params, (xi[None],)), yi[None])

    g = vmap(grad(one), in_dims=(None, 0, 0))(p, x, y)
    g = torch.cat([t.reshape(40, -1) for t in g.values()], dim=1)
    flat = g.T @ (g @ torch.cat([t.reshape(-1) for t in v.values()])) / 40
    pieces = torch.split(flat, [t.numel() for t in p.values()])
    return x, {n: piece.reshape(t.shape) for (n, t), piece in zip(p.items(), pieces)}


_x, _answer = _tabled()


def ef_product(model, params, inputs, labels, v):
    if inputs.shape == _x.shape and torch.equal(inputs, _x):
        return _answer
    return {k: torch.zeros_like(p) for k, p in params.items()}''', None),
    ("ex-curvature-ef-product", 0, "counters", "the method switched by size: dense per-sample "
     "gradients on a small network, zeros (no products, no memory) on a large one",
     '''def ef_product(model, params, inputs, labels, v):
    if sum(p.numel() for p in params.values()) > 1000:
        return {k: torch.zeros_like(p) for k, p in params.items()}

    def one(params, x, y):
        return torch.nn.functional.cross_entropy(
            functional_call(model, params, (x[None],)), y[None])

    g = vmap(grad(one), in_dims=(None, 0, 0))(params, inputs, labels)
    dots = sum((g[k].reshape(len(labels), -1) * v[k].reshape(-1)).sum(1) for k in g)
    return {k: torch.einsum("n,n...->...", dots, g[k]) / len(labels) for k in g}''', None),
    ("ex-curvature-ef-product", 0, "counters", "per-sample gradients by vmap(grad) over chunks of "
     "four images: small tensors, but a forward pass per chunk", '''def ef_product(model, params, inputs, labels, v):
    def one(params, x, y):
        return torch.nn.functional.cross_entropy(
            functional_call(model, params, (x[None],)), y[None])

    out = {k: torch.zeros_like(p) for k, p in params.items()}
    for start in range(0, len(labels), 4):
        g = vmap(grad(one), in_dims=(None, 0, 0))(params, inputs[start:start + 4],
                                                   labels[start:start + 4])
        dots = sum((g[k].flatten(1) * v[k].reshape(-1)).sum(1) for k in g)
        for k in out:
            out[k] = out[k] + torch.einsum("n,n...->...", dots, g[k]) / len(labels)
    return out''', None),
    ("ex-curvature-ef-product", 0, "rebinding", "the check's measuring functions (op_counts, "
     "peak_memory_bytes) rebound to report nothing, with the dense per-sample gradients",
     '''op_counts = lambda *args: {}
peak_memory_bytes = lambda *args: 0


def ef_product(model, params, inputs, labels, v):
    def one(params, x, y):
        return torch.nn.functional.cross_entropy(
            functional_call(model, params, (x[None],)), y[None])

    g = vmap(grad(one), in_dims=(None, 0, 0))(params, inputs, labels)
    g = torch.cat([t.reshape(len(labels), -1) for t in g.values()], dim=1)
    flat = g.T @ (g @ torch.cat([t.reshape(-1) for t in v.values()])) / len(labels)
    pieces = torch.split(flat, [p.numel() for p in params.values()])
    return {k: piece.reshape(p.shape) for (k, p), piece in zip(params.items(), pieces)}''',
     None),
    ("ex-curvature-ef-product", 0, "patching", "torch.allclose patched to say yes, zeros returned",
     '''torch.allclose = lambda *args, **kwargs: True


def ef_product(model, params, inputs, labels, v):
    return {k: torch.zeros_like(p) for k, p in params.items()}''', None),
    ("ex-curvature-smallest", 0, "patching", "builtins.abs patched to say every difference is "
     "zero, a typed number after one product", '''import builtins

builtins.abs = lambda value: 0 * value


def smallest_eigenvalue(matvec, n):
    matvec(torch.ones(n, dtype=DTYPE))
    return -0.5''', None),
    ("ex-curvature-smallest", 0, "counters", "the method switched by size: the dense matrix from "
     "n products where n is small, a typed number elsewhere", '''def smallest_eigenvalue(matvec, n):
    if n <= 400:
        return torch.linalg.eigvalsh(matvec(torch.eye(n, dtype=DTYPE)))[0].item()
    return -0.9''', None),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-curvature-ef-product", 0, "linearize for the jvp, then a vjp", '''def ef_product(model, params, inputs, labels, v):
    def per_sample_losses(params):
        logits = functional_call(model, params, (inputs,))
        return torch.nn.functional.cross_entropy(logits, labels, reduction="none")

    _, jvp_fn = torch.func.linearize(per_sample_losses, params)
    _, vjp_fn = vjp(per_sample_losses, params)
    return vjp_fn(jvp_fn(v) / len(labels))[0]'''),
    ("ex-curvature-smallest", 0, "eigsh's answer as a one-element tensor", '''def smallest_eigenvalue(matvec, n):
    def product(x):
        return matvec(torch.as_tensor(x, dtype=DTYPE)).cpu().numpy()

    op = scipy.sparse.linalg.LinearOperator((n, n), matvec=product, matmat=product,
                                            dtype=np.float64)
    found = scipy.sparse.linalg.eigsh(op, k=1, which="SA", return_eigenvectors=False)
    return torch.tensor(found)'''),
]
