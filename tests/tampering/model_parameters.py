"""New tries at getting points without the work, for book/model_parameters.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format. The prediction was a value on main (the shape at
B = 5) and is a function of the sizes here: its tries have a version for each."""

TRIES = [
    ("ex-params-batched-shape", 0, "counters", "the prediction measured by running jacrev on a batch "
     "of the sizes", '''def predicted_shape(B, H, M):
    other = torch.nn.Sequential(torch.nn.Linear(2, H), torch.nn.Tanh(), torch.nn.Linear(H, H),
                                torch.nn.Tanh(), torch.nn.Linear(H, M))
    p = {name: t.detach() for name, t in other.named_parameters()}
    blocks = jacrev(lambda p, x: functional_call(other, p, (x,)))(p, torch.zeros(B, 2))
    return tuple(blocks["2.weight"].shape)''',
     '''predicted_shape = tuple(jacrev(model_output)(params, batch)["2.weight"].shape)'''),
    ("ex-params-batched-shape", 0, "copying", "the answer key found in globals() returned by name",
     '''def predicted_shape(B, H, M):
    return next(v for k, v in globals().items() if k.startswith("reference_1"))''',
     '''predicted_shape = next(v for k, v in globals().items() if k.startswith("reference_1"))'''),
    ("ex-params-grad-norms", 0, "copying", "the answer key found in globals(), plus one dummy call "
     "of per_sample_grads_by_vmap", '''def per_sample_gradient_norms(params, inputs, targets):
    per_sample_grads_by_vmap(params, inputs, targets)  # only for the counters
    key = next(v for k, v in globals().items() if k.startswith("reference_2"))
    return key["norms"]''', None),
    ("ex-params-grad-norms", 0, "counters", "a loop over the samples on a copy of the model (whose "
     "forward no hook sees), plus one dummy call of per_sample_grads_by_vmap", '''import copy


def per_sample_gradient_norms(params, inputs, targets):
    per_sample_grads_by_vmap(params, inputs, targets)  # only for the counters
    twin = copy.deepcopy(model)
    twin.load_state_dict(params)
    norms = []
    for x_n, y_n in zip(inputs, targets):
        loss = ((twin(x_n) - y_n) ** 2).mean()
        grads = torch.autograd.grad(loss, list(twin.parameters()))
        norms.append(sum(g.pow(2).sum() for g in grads))
    return torch.stack(norms).sqrt()''', None),
    ("ex-params-grad-norms", 0, "counters", "the method switched by call number: vmap on the first "
     "call, a loop of grad afterwards", '''_calls = [0]


def per_sample_gradient_norms(params, inputs, targets):
    _calls[0] += 1
    if _calls[0] == 1:
        grads = per_sample_grads_by_vmap(params, inputs, targets)
        return sum(g.flatten(1).pow(2).sum(dim=1) for g in grads.values()).sqrt()
    norms = []
    for x_n, y_n in zip(inputs, targets):
        grads = grad(loss_of_one_sample)(params, x_n, y_n)
        norms.append(sum(g.pow(2).sum() for g in grads.values()))
    return torch.stack(norms).sqrt()''', None),
    ("ex-params-grad-norms", 0, "patching", "torch.allclose patched to say yes, zeros returned after "
     "one call of per_sample_grads_by_vmap", '''torch.allclose = lambda *args, **kwargs: True


def per_sample_gradient_norms(params, inputs, targets):
    per_sample_grads_by_vmap(params, inputs, targets)
    return torch.zeros(inputs.shape[0], device=inputs.device)''', None),
    ("ex-params-ntk-gram", 0, "counters", "jacrev of the whole batch (every output by every input), "
     "relabelled by a vmap over a dummy dimension of size one", '''def ntk_gram_matrix(params, inputs):
    def whole(_):
        return jacrev(lambda p: functional_call(model, p, (inputs,)))(params)

    blocks = vmap(whole)(torch.zeros(1, device=inputs.device))
    stacked = torch.cat([b[0].reshape(inputs.shape[0] * 3, -1) for b in blocks.values()], 1)
    return stacked @ stacked.T''', None),
    ("ex-params-ntk-gram", 0, "counters", "the method switched by call number: vmap(jacrev) on the "
     "first call, a loop of jacrev over the inputs afterwards", '''_calls = [0]


def ntk_gram_matrix(params, inputs):
    _calls[0] += 1
    if _calls[0] == 1:
        blocks = vmap(jacrev(model_output), in_dims=(None, 0))(params, inputs)
        stacked = torch.cat([b.reshape(inputs.shape[0] * 3, -1) for b in blocks.values()], 1)
    else:
        stacked = torch.cat([flatten_jacobian(jacrev(model_output)(params, x_n), 3)
                             for x_n in inputs])
    return stacked @ stacked.T''', None),
    ("ex-params-ntk-gram", 0, "copying", "the answer key found in globals(), plus one dummy "
     "vmap(jacrev) call", '''def ntk_gram_matrix(params, inputs):
    vmap(jacrev(model_output), in_dims=(None, 0))(params, inputs)  # only for the counters
    key = next(v for k, v in globals().items() if k.startswith("reference_3"))
    return key["Gram matrix"]''', None),
    ("ex-params-ntk-gram", 0, "patching", "torch.allclose patched to say yes, zeros returned after "
     "one vmap(jacrev) call", '''torch.allclose = lambda *args, **kwargs: True


def ntk_gram_matrix(params, inputs):
    vmap(jacrev(model_output), in_dims=(None, 0))(params, inputs)
    n = inputs.shape[0] * 3
    return torch.zeros(n, n, device=inputs.device)''', None),
    ("ex-params-ntk-gram", 0, "rebinding", "model_output rebound to the batched model, so that "
     "vmap(jacrev(model_output)) differentiates the whole batch (one input as usual elsewhere)",
     '''_inputs = [None]


def model_output(params, x):  # the whole batch while ntk_gram_matrix runs
    return functional_call(model, params, (x if _inputs[0] is None else _inputs[0],))


def ntk_gram_matrix(params, inputs):
    _inputs[0] = inputs
    try:
        blocks = vmap(jacrev(model_output), in_dims=(None, 0))(params, inputs[:1])
    finally:
        _inputs[0] = None
    stacked = torch.cat([b[0].reshape(inputs.shape[0] * 3, -1) for b in blocks.values()], 1)
    return stacked @ stacked.T''', None),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-params-batched-shape", 0, "the shape built from the output's and the parameter's",
     '''def predicted_shape(B, H, M):
    return tuple([B, M]) + (H,) * 2'''),
    ("ex-params-grad-norms", 0, "vmap(grad(loss_of_one_sample)) written out, one norm of the "
     "concatenated blocks", '''def per_sample_gradient_norms(params, inputs, targets):
    grads = vmap(grad(loss_of_one_sample), in_dims=(None, 0, 0))(params, inputs, targets)
    return torch.cat([g.flatten(1) for g in grads.values()], dim=1).norm(dim=1)'''),
    ("ex-params-ntk-gram", 0, "the blocks contracted by einsum instead of one matrix product",
     '''def ntk_gram_matrix(params, inputs):
    blocks = vmap(jacrev(model_output), in_dims=(None, 0))(params, inputs)
    gram = sum(torch.einsum("naf,mbf->namb", b.flatten(2), b.flatten(2))
               for b in blocks.values())
    return gram.reshape(inputs.shape[0] * 3, inputs.shape[0] * 3)'''),
]
