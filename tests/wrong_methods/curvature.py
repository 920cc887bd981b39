"""Wrong methods for the exercises of book/curvature.md: each must fail through a ✗ check line."""

EF_CHECK = '''


check_ef_exercise(ef_product);'''

SMALLEST_CHECK = '''


check_smallest_exercise(smallest_eigenvalue);'''

WRONG = [
    ("ex-curvature-ef-product", 0, "per-sample gradients by vmap(grad), as the chapter's product",
     '''def ef_product(model, params, inputs, labels, v):
    def one(params, x, y):
        logits = functional_call(model, params, (x[None],))
        return torch.nn.functional.cross_entropy(logits, y[None])

    g = vmap(grad(one), in_dims=(None, 0, 0))(params, inputs, labels)
    dots = sum((g[k].reshape(len(labels), -1) * v[k].reshape(-1)).sum(1) for k in g)
    return {k: torch.einsum("n,n...->...", dots, g[k]) / len(labels) for k in g}''' + EF_CHECK),
    ("ex-curvature-ef-product", 0, "the dense empirical Fisher formed from per-sample gradients",
     '''def ef_product(model, params, inputs, labels, v):
    def one(params, x, y):
        logits = functional_call(model, params, (x[None],))
        return torch.nn.functional.cross_entropy(logits, y[None])

    g = vmap(grad(one), in_dims=(None, 0, 0))(params, inputs, labels)
    g = torch.cat([t.reshape(len(labels), -1) for t in g.values()], dim=1)
    flat_v = torch.cat([t.reshape(-1) for t in v.values()])
    out = (g.T @ g / len(labels)) @ flat_v
    pieces = torch.split(out, [p.numel() for p in params.values()])
    return {k: piece.reshape(p.shape) for (k, p), piece in zip(params.items(), pieces)}''' + EF_CHECK),
    ("ex-curvature-ef-product", 0, "a Python loop over the images, one gradient each",
     '''def ef_product(model, params, inputs, labels, v):
    out = {k: torch.zeros_like(p) for k, p in params.items()}
    for x, y in zip(inputs, labels):
        g = grad(lambda p: torch.nn.functional.cross_entropy(
            functional_call(model, p, (x[None],)), y[None]))(params)
        dot = sum((g[k] * v[k]).sum() for k in g)
        for k in out:
            out[k] = out[k] + dot * g[k] / len(labels)
    return out''' + EF_CHECK),
    ("ex-curvature-ef-product", 0, "the outer product of the mean gradient, not of each image's",
     '''def ef_product(model, params, inputs, labels, v):
    def mean_loss(params):
        logits = functional_call(model, params, (inputs,))
        return torch.nn.functional.cross_entropy(logits, labels)

    g = grad(mean_loss)(params)
    dot = sum((g[k] * v[k]).sum() for k in g)
    return {k: dot * g[k] for k in g}''' + EF_CHECK),
    ("ex-curvature-ef-product", 0, "the GGN product instead of the empirical Fisher",
     '''def ef_product(model, params, inputs, labels, v):
    def logits(params):
        return functional_call(model, params, (inputs,))

    def mean_loss(z):
        return torch.nn.functional.cross_entropy(z, labels)

    z, Jv = jvp(logits, (params,), (v,))
    HJv = jvp(grad(mean_loss), (z,), (Jv,))[1]
    return vjp(logits, params)[1](HJv)[0]''' + EF_CHECK),
    ("ex-curvature-ef-product", 0, "the sum over images, without dividing by N",
     '''def ef_product(model, params, inputs, labels, v):
    def per_sample_losses(params):
        logits = functional_call(model, params, (inputs,))
        return torch.nn.functional.cross_entropy(logits, labels, reduction="none")

    _, u = jvp(per_sample_losses, (params,), (v,))
    return vjp(per_sample_losses, params)[1](u)[0]''' + EF_CHECK),
    ("ex-curvature-smallest", 0, "the whole matrix from n products, then eigvalsh",
     '''def smallest_eigenvalue(matvec, n):
    dense = matvec(torch.eye(n, dtype=DTYPE, device=device))
    return torch.linalg.eigvalsh(dense)[0].item()''' + SMALLEST_CHECK),
    ("ex-curvature-smallest", 0, "the top eigenvalue of -H, without turning the sign back",
     '''def smallest_eigenvalue(matvec, n):
    def product(x):
        return -matvec(torch.as_tensor(x, dtype=DTYPE)).cpu().numpy()

    op = scipy.sparse.linalg.LinearOperator((n, n), matvec=product, matmat=product,
                                            dtype=np.float64)
    return scipy.sparse.linalg.eigsh(op, k=1, which="LA", return_eigenvectors=False)[0]'''
     + SMALLEST_CHECK),
    ("ex-curvature-smallest", 0, "eigsh with which='LA': the top of the spectrum",
     '''def smallest_eigenvalue(matvec, n):
    def product(x):
        return matvec(torch.as_tensor(x, dtype=DTYPE)).cpu().numpy()

    op = scipy.sparse.linalg.LinearOperator((n, n), matvec=product, matmat=product,
                                            dtype=np.float64)
    return scipy.sparse.linalg.eigsh(op, k=1, which="LA", return_eigenvectors=False)[0]'''
     + SMALLEST_CHECK),
    ("ex-curvature-smallest", 0, "power iteration without a shift: the largest in size",
     '''def smallest_eigenvalue(matvec, n):
    v = torch.randn(n, dtype=DTYPE, device=device)
    for _ in range(150):
        w = matvec(v)
        v = w / w.norm()
    return (v @ matvec(v)).item()''' + SMALLEST_CHECK),
    ("ex-curvature-smallest", 0, "the chapter's Hessian's smallest eigenvalue typed in",
     '''def smallest_eigenvalue(matvec, n):
    matvec(torch.ones(n, dtype=DTYPE, device=device))  # a dummy product
    return -4.09e-3  # the smallest eigenvalue of the chapter's H (P = 4,810)''' + SMALLEST_CHECK),
]
