"""Wrong methods for the exercises of book/memory.md: each must fail through a ✗ check line."""

CHUNKS_CHECK = '''


check_jacobian_in_chunks(jacobian_in_chunks);'''

VALUE_AND_GRAD_CHECK = '''


check_gradient_and_loss(gradient_and_loss);'''

FOUR_JVPS_CHECK = '''


check_four_jvps(four_jvps);'''

WRONG = [
    ("ex-memory-chunks-by-hand", 0, "jacrev with chunk_size, the function to rebuild", '''def jacobian_in_chunks(f, x, k):
    return jacrev(f, chunk_size=k)(x)''' + CHUNKS_CHECK),
    ("ex-memory-chunks-by-hand", 0, "torch.autograd.functional.jacobian", '''def jacobian_in_chunks(f, x, k):
    return torch.autograd.functional.jacobian(f, x)''' + CHUNKS_CHECK),
    ("ex-memory-chunks-by-hand", 0, "the analytic formula typed in", '''def jacobian_in_chunks(f, x, k):
    h = torch.tanh(W1 @ x)
    y = torch.tanh(W2 @ h)
    return (1 - y**2)[:, None] * (W2 @ ((1 - h**2)[:, None] * W1))''' + CHUNKS_CHECK),
    ("ex-memory-chunks-by-hand", 0, "the answer key copied, plus a dummy vjp", '''def jacobian_in_chunks(f, x, k):
    output, vjp_fn = vjp(f, x)  # only to satisfy the counter
    return decoder_jacobian_analytic(x)''' + CHUNKS_CHECK),
    ("ex-memory-chunks-by-hand", 0, "one vmap over the whole identity, no chunks", '''def jacobian_in_chunks(f, x, k):
    output, vjp_fn = vjp(f, x)
    return vmap(vjp_fn)(torch.eye(output.numel(), device=output.device))[0]''' + CHUNKS_CHECK),
    ("ex-memory-value-and-grad", 0, "grad, then the loss again: two forward passes", '''def gradient_and_loss(x, target):
    return grad(loss)(x, target), loss(x, target)''' + VALUE_AND_GRAD_CHECK),
    ("ex-memory-value-and-grad", 0, "the analytic gradient typed in, no autodiff", '''def gradient_and_loss(x, target):
    h = torch.tanh(W1 @ x)
    y = torch.tanh(W2 @ h)
    value = ((y - target) ** 2).mean()
    dy = 2 * (y - target) / y.numel() * (1 - y**2)
    return W1.T @ ((1 - h**2) * (W2.T @ dy)), loss(x, target)''' + VALUE_AND_GRAD_CHECK),
    ("ex-memory-value-and-grad", 0, "torch.autograd.grad (the answer key's way), no transform", '''def gradient_and_loss(x, target):
    x = x.clone().requires_grad_(True)
    value = loss(x, target)
    return torch.autograd.grad(value, x)[0], value.detach()''' + VALUE_AND_GRAD_CHECK),
    ("ex-memory-value-and-grad", 0, "the chapter's results copied, plus a dummy transform call", '''def gradient_and_loss(x, target):
    grad_and_value(loss)(x, target)  # only to satisfy the counters
    return gradient_plain, loss_plain''' + VALUE_AND_GRAD_CHECK),
    ("ex-memory-linearize-vmap", 0, "a loop of jvps", '''def four_jvps(f, x, us):
    return torch.stack([jvp(f, (x,), (u,))[1] for u in us])''' + FOUR_JVPS_CHECK),
    ("ex-memory-linearize-vmap", 0, "one vmap of jvp, no linearize", '''def four_jvps(f, x, us):
    return vmap(lambda u: jvp(f, (x,), (u,))[1])(us)''' + FOUR_JVPS_CHECK),
    ("ex-memory-linearize-vmap", 0, "linearize, then a loop of jvp_fn calls", '''def four_jvps(f, x, us):
    _, jvp_fn = linearize(f, x)
    return torch.stack([jvp_fn(u) for u in us])''' + FOUR_JVPS_CHECK),
    ("ex-memory-linearize-vmap", 0, "the analytic formula typed in", '''def four_jvps(f, x, us):
    return layer_derivative(layer(x)) * layer_derivative(x) * us''' + FOUR_JVPS_CHECK),
    ("ex-memory-linearize-vmap", 0, "the answer key copied, plus dummy calls of linearize and jvp_fn", '''def four_jvps(f, x, us):
    _, jvp_fn = linearize(f, x)
    vmap(jvp_fn)(us)  # only to satisfy the counters
    return layer_derivative(layer(x)) * layer_derivative(x) * us''' + FOUR_JVPS_CHECK),
    ("ex-memory-chunks-by-hand", 0, "chunks sliced from the whole identity, built at once", '''def jacobian_in_chunks(f, x, k):
    output, vjp_fn = vjp(f, x)
    eye = torch.eye(output.numel(), device=output.device, dtype=output.dtype)
    return torch.cat([vmap(vjp_fn)(eye[s:s + k])[0] for s in range(0, len(eye), k)])''' + CHUNKS_CHECK),
    ("ex-memory-chunks-by-hand", 0, "one unit vector at a time: a loop of vjp_fn calls", '''def jacobian_in_chunks(f, x, k):
    output, vjp_fn = vjp(f, x)
    eye = torch.eye(output.numel(), device=output.device, dtype=output.dtype)
    return torch.stack([vjp_fn(e)[0] for e in eye])''' + CHUNKS_CHECK),
    ("ex-memory-value-and-grad", 0, "jacfwd of the loss (forward mode), the loss beside it", '''def gradient_and_loss(x, target):
    return jacfwd(loss)(x, target), loss(x, target)''' + VALUE_AND_GRAD_CHECK),
]
