"""New tries at getting points without the work, for book/module_state.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format. The prediction was a value on main (the updates in
one jacrev call) and is a function of the sizes here: its tries have a version for each."""

TRIES = [
    ("ex-state-stat-updates", 0, "counters", "the prediction measured: jacrev run on a fresh state, "
     "then a loop over the rows, at the sizes", '''def predicted_updates(B, M):
    other = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.BatchNorm1d(16),
                                torch.nn.Tanh(), torch.nn.Linear(16, M)).train()
    p = {n: t.detach() for n, t in other.named_parameters()}
    X_ = torch.randn(B, 4)
    state = {n: b.clone() for n, b in other.named_buffers()}
    jacrev(lambda p, b: functional_call(other, (p, b), (X_,)))(p, state)
    return (int(state["1.num_batches_tracked"]), B * M)''',
     '''model.train()
_state = {name: b.clone() for name, b in buffers.items()}
jacrev(lambda p, b: functional_call(model, (p, b), (X,)))(params, _state)
model.eval()
predicted_updates = int(_state["1.num_batches_tracked"])'''),
    ("ex-state-stat-updates", 0, "copying", "the answer key found in globals() returned by name",
     '''def predicted_updates(B, M):
    return next(v for k, v in globals().items() if k.startswith("reference_1"))''',
     '''predicted_updates = next(v for k, v in globals().items() if k.startswith("reference_1"))'''),
    ("ex-state-ensemble-grads", 0, "counters", "a loop over the models on a real module, one dummy "
     "vmap of one_model for the forward count, the result relabelled by vmap(lambda d: d)",
     '''def ensemble_gradients(stacked_params, stacked_buffers, x, targets):
    vmap(one_model, in_dims=(0, 0, None))(stacked_params, stacked_buffers, x)  # the counter
    real = make_mlp()
    count = next(iter(stacked_params.values())).shape[0]
    rows = []
    for i in range(count):
        p_i = {name: p[i].detach().requires_grad_(True) for name, p in stacked_params.items()}
        loss = ((functional_call(real, p_i, (x,)) - targets) ** 2).mean()
        rows.append(torch.autograd.grad(loss, list(p_i.values())))
    stacked = {name: torch.stack([r[k] for r in rows]) for k, name in enumerate(stacked_params)}
    return vmap(lambda d: d)(stacked)''', None),
    ("ex-state-ensemble-grads", 0, "copying", "the answer key found in globals(), returned through "
     "a vmap after one dummy vmap of one_model", '''def ensemble_gradients(stacked_params, stacked_buffers, x, targets):
    vmap(one_model, in_dims=(0, 0, None))(stacked_params, stacked_buffers, x)
    key = next(v for k, v in globals().items() if k.startswith("reference_2"))
    return vmap(lambda d: d)(key["gradients"])''', None),
    ("ex-state-ensemble-grads", 0, "patching", "torch.allclose and torch.equal patched to say yes, "
     "zeros returned by a vmap", '''torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True


def ensemble_gradients(stacked_params, stacked_buffers, x, targets):
    vmap(one_model, in_dims=(0, 0, None))(stacked_params, stacked_buffers, x)
    return vmap(lambda p: {k: torch.zeros_like(v) for k, v in p.items()})(stacked_params)''',
     None),
    ("ex-state-per-example", 0, "counters", "the method switched by call number: vmap(grad) on the "
     "first call, jacrev of the losses afterwards", '''_calls = [0]


def per_example_gradients(params, X, Y):
    _calls[0] += 1

    def loss_one(params, x, y):
        prediction = functional_call(model, params, (x.unsqueeze(0),))
        return ((prediction - y.unsqueeze(0)) ** 2).mean()

    if _calls[0] == 1:
        return vmap(grad(loss_one), in_dims=(None, 0, 0))(params, X, Y)

    def losses(params):
        return ((functional_call(model, params, (X,)) - Y) ** 2).mean(dim=1)

    return jacrev(losses)(params)''', None),
    ("ex-state-per-example", 0, "copying", "the answer key found in globals(), returned through a "
     "vmap, after one dummy forward pass", '''def per_example_gradients(params, X, Y):
    functional_call(model, params, (X,))  # the forward count
    key = next(v for k, v in globals().items() if k.startswith("reference_3"))
    return vmap(lambda d: d)(key["gradients"])''', None),
    ("ex-state-per-example", 0, "rebinding", "vmap rebound to a loop over the examples, kept as a "
     "default argument so that the chapter's names put back do not undo it", '''def vmap(fn, in_dims=0):  # a loop under the name the exercise asks for
    def run(params, X, Y):
        rows = [fn(params, X[n], Y[n]) for n in range(len(X))]
        return {name: torch.stack([r[name] for r in rows]) for name in rows[0]}

    return run


def per_example_gradients(params, X, Y, vmap=vmap):
    def loss_one(params, x, y):
        prediction = functional_call(model, params, (x.unsqueeze(0),))
        return ((prediction - y.unsqueeze(0)) ** 2).mean()

    return vmap(grad(loss_one), in_dims=(None, 0, 0))(params, X, Y)''', None),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-state-stat-updates", 0, "the two numbers without brackets", '''def predicted_updates(B, M):
    rows = M * B
    return 1, rows'''),
    ("ex-state-ensemble-grads", 0, "grad of a closure over x and the targets, vmapped over the "
     "stacked parameters and buffers", '''def ensemble_gradients(stacked_params, stacked_buffers, x, targets):
    def loss(params, buffers):
        return torch.nn.functional.mse_loss(one_model(params, buffers, x), targets)

    return vmap(grad(loss))(stacked_params, stacked_buffers)'''),
    ("ex-state-per-example", 0, "a batch of one by x[None] and a closure-free loss", '''def per_example_gradients(params, X, Y):
    def loss_one(params, x, y):
        return ((functional_call(model, params, (x[None],))[0] - y) ** 2).mean()

    return vmap(grad(loss_one), in_dims=(None, 0, 0))(params, X, Y)'''),
]
