"""New tries at getting points without the work, for book/memory.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format."""

TRIES = [
    ("ex-memory-chunks-by-hand", 0, "counters", "the method switched by size: the chunked vjps only "
     "at the chapter's 2048 outputs, jacrev with chunk_size elsewhere", '''def jacobian_in_chunks(f, x, k):
    output, vjp_fn = vjp(f, x)
    m = output.numel()
    if m != 2048:
        return jacrev(f, chunk_size=k)(x)
    eye = torch.eye(m, device=output.device, dtype=output.dtype)
    return torch.cat([vmap(vjp_fn)(eye[s:s + k])[0] for s in range(0, m, k)])''', None),
    ("ex-memory-chunks-by-hand", 0, "counters", "single rows pulled back one at a time, each chunk "
     "stacked by hand, then relabelled by vmap(lambda r: r)", '''def jacobian_in_chunks(f, x, k):
    output, vjp_fn = vjp(f, x)
    m = output.numel()
    blocks = []
    for start in range(0, m, k):
        rows = []
        for i in range(start, min(start + k, m)):
            e = torch.zeros(m, dtype=output.dtype, device=output.device)
            e[i] = 1.0
            rows.append(vjp_fn(e)[0])
        blocks.append(vmap(lambda r: r)(torch.stack(rows)))
    return torch.cat(blocks)''', None),
    ("ex-memory-chunks-by-hand", 0, "copying", "the chapter's analytic Jacobian returned (the formula "
     "of its decoder), plus one vjp and chunked vmapped calls for the counters", '''def jacobian_in_chunks(f, x, k):
    output, vjp_fn = vjp(f, x)
    m = output.numel()
    for start in range(0, m, k):
        u = torch.zeros(min(k, m - start), m, dtype=output.dtype, device=output.device)
        u[torch.arange(len(u)), torch.arange(start, start + len(u))] = 1.0
        vmap(vjp_fn)(u)
    return decoder_jacobian_analytic(x)''', None),
    ("ex-memory-chunks-by-hand", 0, "rebinding", "the check's counter of vmapped backward passes "
     "(found in globals()) set by the answer, which calls jacrev once", '''def jacobian_in_chunks(f, x, k):
    output, vjp_fn = vjp(f, x)
    J = jacrev(f)(x)
    for name in [n for n in globals() if n.startswith("backward_calls")]:
        globals()[name] = -(-output.numel() // k)
    return J''', None),
    ("ex-memory-chunks-by-hand", 0, "patching", "torch.allclose patched to say yes, zeros returned "
     "after the chunked calls", '''torch.allclose = lambda *args, **kwargs: True


def jacobian_in_chunks(f, x, k):
    output, vjp_fn = vjp(f, x)
    m = output.numel()
    for start in range(0, m, k):
        u = torch.zeros(min(k, m - start), m, dtype=output.dtype, device=output.device)
        u[torch.arange(len(u)), torch.arange(start, start + len(u))] = 1.0
        vmap(vjp_fn)(u)
    return torch.zeros(m, x.numel(), dtype=x.dtype, device=x.device)''', None),
    ("ex-memory-value-and-grad", 0, "counters", "grad, then the loss recomputed by hand from the "
     "weights (a second forward pass the decoder's counter cannot see)", '''def gradient_and_loss(x, target):
    g = grad(loss)(x, target)
    y = torch.tanh(W2.to(x) @ torch.tanh(W1.to(x) @ x))
    return g, ((y - target) ** 2).mean()''', None),
    ("ex-memory-value-and-grad", 0, "counters", "the analytic gradient from a forward pass by hand "
     "(two tanh), plus one grad of a linear map for the transform and backward counters", '''def gradient_and_loss(x, target):
    first, second = W1.to(x), W2.to(x)
    h = torch.tanh(first @ x)
    y = torch.tanh(second @ h)
    value = ((y - target) ** 2).mean()
    dy = 2 * (y - target) / y.numel() * (1 - y**2)
    gradient = first.T @ ((1 - h**2) * (second.T @ dy))
    grad(lambda z: (z * 0).sum())(x)
    return gradient, value''', None),
    ("ex-memory-value-and-grad", 0, "rebinding", "two forward passes, then the check's forward "
     "counter (found in globals()) set back to 1", '''def gradient_and_loss(x, target):
    g = grad(loss)(x, target)
    value = loss(x, target)
    for name in [n for n in globals() if n.startswith("forward_calls")]:
        globals()[name] = 1
    return g, value''', None),
    ("ex-memory-value-and-grad", 0, "copying", "the answer key found in globals() returned, plus one "
     "grad_and_value call for the counters", '''def gradient_and_loss(x, target):
    grad_and_value(loss)(x, target)
    key = next(v for k, v in globals().items() if k.startswith("reference_2"))
    return key[0], key[1]''', None),
    ("ex-memory-value-and-grad", 0, "patching", "builtins.abs and torch.allclose patched, zeros "
     "returned after one grad_and_value call", '''import builtins

builtins.abs = lambda value: 0
torch.allclose = lambda *args, **kwargs: True


def gradient_and_loss(x, target):
    g, value = grad_and_value(loss)(x, target)
    return torch.zeros_like(g), value * 0''', None),
    ("ex-memory-linearize-vmap", 0, "counters", "a loop of jvp_fn calls, stacked and relabelled by "
     "vmap(lambda r: r)", '''def four_jvps(f, x, us):
    _, jvp_fn = linearize(f, x)
    return vmap(lambda r: r)(torch.stack([jvp_fn(u) for u in us]))''', None),
    ("ex-memory-linearize-vmap", 0, "counters", "jvp under vmap for the values, plus linearize and "
     "one vmapped jvp_fn call for the counters", '''def four_jvps(f, x, us):
    _, jvp_fn = linearize(f, x)
    vmap(jvp_fn)(us)
    return vmap(lambda u: torch.func.jvp(f, (x,), (u,))[1])(us)''', None),
    ("ex-memory-linearize-vmap", 0, "copying", "the chapter's formula for its own layer, computed "
     "inside the vmapped call so that it looks returned by vmap", '''def four_jvps(f, x, us):
    _, jvp_fn = linearize(f, x)
    scale = layer_derivative(layer(x)) * layer_derivative(x)
    return vmap(lambda u: jvp_fn(u) * 0 + scale * u)(us)''', None),
    ("ex-memory-linearize-vmap", 0, "rebinding", "a loop of jvps written into the tensor vmap(jvp_fn) "
     "returned, then the check's counter of evaluations (found in globals()) set back", '''def four_jvps(f, x, us):
    _, jvp_fn = linearize(f, x)
    out = vmap(jvp_fn)(us)
    looped = torch.stack([torch.func.jvp(f, (x,), (u,))[1] for u in us])
    out.copy_(looped)
    for name in [n for n in globals() if n.startswith("layer_calls")]:
        globals()[name] = 4
    return out''', None),
    ("ex-memory-linearize-vmap", 0, "copying", "the chapter's formula written into the very tensor "
     "vmap(jvp_fn) returned", '''def four_jvps(f, x, us):
    _, jvp_fn = linearize(f, x)
    out = vmap(jvp_fn)(us)
    out.copy_(layer_derivative(layer(x)) * layer_derivative(x) * us)
    return out''', None),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-memory-chunks-by-hand", 0, "the row indices split with torch.split, each chunk's unit "
     "vectors made by one_hot", '''def jacobian_in_chunks(f, x, k):
    y, pullback = vjp(f, x)
    m = y.shape[0]
    blocks = []
    for idx in torch.arange(m, device=y.device).split(k):
        unit = torch.nn.functional.one_hot(idx, m).to(y.dtype)
        blocks.append(vmap(pullback)(unit)[0])
    return torch.cat(blocks, dim=0)'''),
    ("ex-memory-value-and-grad", 0, "grad with has_aux and loss_with_aux, unpacked",
     '''def gradient_and_loss(x, target):
    gradient, (value, _) = grad(loss_with_aux, has_aux=True)(x, target)
    return gradient, value'''),
    ("ex-memory-value-and-grad", 0, "vjp of the loss, pulled back with 1", '''def gradient_and_loss(x, target):
    value, pullback = vjp(lambda x: loss(x, target), x)
    return pullback(torch.ones_like(value))[0], value'''),
    ("ex-memory-linearize-vmap", 0, "torch.func.linearize by its full name, vmap with in_dims given, the first 4 rows sliced", '''def four_jvps(f, x, us):
    out, jvp_fn = torch.func.linearize(f, x)
    return vmap(jvp_fn, in_dims=(0,))(us[:4])'''),
]
