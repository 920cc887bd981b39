"""Wrong methods for the exercises of book/model_parameters.md: each must fail through a ✗ check line."""

NORMS_CHECK = '''


check_gradient_norms(per_sample_gradient_norms);'''

GRAM_CHECK = '''


check_gram(ntk_gram_matrix);'''

WRONG = [
    ("ex-params-grad-norms", 0, "a loop of autograd.grad over the samples (the chapter's reference)", '''def per_sample_gradient_norms(params, inputs, targets):
    blocks = per_sample_grads_by_loop(model, inputs, targets)
    return sum(b.flatten(1).norm(dim=1) ** 2 for b in blocks.values()) ** 0.5''' + NORMS_CHECK),
    ("ex-params-grad-norms", 0, "torch.autograd.functional.jacobian of the per-sample losses", '''def per_sample_gradient_norms(params, inputs, targets):
    def losses(*tensors):
        p = dict(zip(params, tensors))
        return ((functional_call(model, p, (inputs,)) - targets) ** 2).mean(dim=1)

    blocks = torch.autograd.functional.jacobian(losses, tuple(params.values()))
    return sum(b.flatten(1).norm(dim=1) ** 2 for b in blocks) ** 0.5''' + NORMS_CHECK),
    ("ex-params-grad-norms", 0, "jacrev of the batch's losses instead of vmap(grad)", '''def per_sample_gradient_norms(params, inputs, targets):
    def losses(p):
        return ((functional_call(model, p, (inputs,)) - targets) ** 2).mean(dim=1)

    blocks = jacrev(losses)(params)
    return sum(b.flatten(1).norm(dim=1) ** 2 for b in blocks.values()) ** 0.5''' + NORMS_CHECK),
    ("ex-params-grad-norms", 0, "the chapter's per-sample gradients copied, plus a dummy call", '''def per_sample_gradient_norms(params, inputs, targets):
    per_sample_grads_by_vmap(params, inputs, targets)  # only to satisfy the counters
    return sum(b.flatten(1).norm(dim=1) ** 2 for b in grads_loop.values()) ** 0.5''' + NORMS_CHECK),
    ("ex-params-ntk-gram", 0, "jacrev of the whole batched output (every output by every input)", '''def ntk_gram_matrix(params, inputs):
    blocks = jacrev(lambda p: functional_call(model, p, (inputs,)))(params)
    stacked = torch.cat([b.reshape(inputs.shape[0] * 3, -1) for b in blocks.values()], 1)
    return stacked @ stacked.T''' + GRAM_CHECK),
    ("ex-params-ntk-gram", 0, "torch.autograd.functional.jacobian instead of vmap(jacrev)", '''def ntk_gram_matrix(params, inputs):
    def outputs(*tensors):
        return functional_call(model, dict(zip(params, tensors)), (inputs,))

    blocks = torch.autograd.functional.jacobian(outputs, tuple(params.values()))
    stacked = torch.cat([b.reshape(inputs.shape[0] * 3, -1) for b in blocks], 1)
    return stacked @ stacked.T''' + GRAM_CHECK),
    ("ex-params-ntk-gram", 0, "a Python loop of jacrev over the inputs", '''def ntk_gram_matrix(params, inputs):
    rows = [flatten_jacobian(jacrev(model_output)(params, x_n), 3) for x_n in inputs]
    stacked = torch.cat(rows)
    return stacked @ stacked.T''' + GRAM_CHECK),
    ("ex-params-ntk-gram", 0, "the chapter's NTK function (the answer key's way), reshaped", '''def ntk_gram_matrix(params, inputs):
    ntk = ntk_by_jacobian_contraction(params, inputs, inputs)
    return ntk.permute(0, 2, 1, 3).reshape(18, 18)''' + GRAM_CHECK),
    ("ex-params-grad-norms", 0, "per_sample_grads_by_vmap called once per sample (a loop of "
     "batches of one)", '''def per_sample_gradient_norms(params, inputs, targets):
    norms = []
    for n in range(inputs.shape[0]):
        grads = per_sample_grads_by_vmap(params, inputs[n:n + 1], targets[n:n + 1])
        norms.append(sum(g.pow(2).sum() for g in grads.values()))
    return torch.stack(norms).sqrt()''' + NORMS_CHECK),
    ("ex-params-ntk-gram", 0, "forward mode: vmap(jacfwd(...)) instead of vmap(jacrev(...))",
     '''def ntk_gram_matrix(params, inputs):
    blocks = vmap(torch.func.jacfwd(model_output), in_dims=(None, 0))(params, inputs)
    stacked = torch.cat([b.reshape(inputs.shape[0] * 3, -1) for b in blocks.values()], 1)
    return stacked @ stacked.T''' + GRAM_CHECK),
    ("ex-params-batched-shape", 0, "the chapter's shape typed in, whatever the sizes",
     '''def predicted_shape(B, H, M):
    return (5, 3, 32, 32)'''),
    ("ex-params-batched-shape", 0, "the parameter's shape before the output's",
     '''def predicted_shape(B, H, M):
    return (H, H, B, M)'''),
]
