"""Wrong methods for the exercises of book/module_state.md: each must FAIL its check with a ✗ line."""

_ENSEMBLE_CHECK = '''


check_answer("ensemble", gradients_report(ensemble_gradients, base, stacked_params,
                                          stacked_buffers, x_shared, ensemble_targets),
             reference_2,
             hint="write the loss of one model as a function of its parameters; which "
                  "transform differentiates it, which one maps it?");
'''
_PER_EXAMPLE_CHECK = '''


check_answer("per-example",
             gradients_report(per_example_gradients, model, params, X_test, Y_test),
             reference_3,
             hint="inside the vmapped function the model sees one example: give it a "
                  "batch of one");
'''

WRONG = [
    ("ex-state-ensemble-grads", 0, "a loop over the models, grad of one_model for each",
     '''def ensemble_gradients(stacked_params, stacked_buffers, x, targets):
    def loss_of_one_model(params, buffers):
        return ((one_model(params, buffers, x) - targets) ** 2).mean()

    per_model = []
    for i in range(next(iter(stacked_params.values())).shape[0]):
        params_i = {name: p[i] for name, p in stacked_params.items()}
        buffers_i = {name: b[i] for name, b in stacked_buffers.items()}
        per_model.append(grad(loss_of_one_model)(params_i, buffers_i))
    return {name: torch.stack([g[name] for g in per_model]) for name in stacked_params}'''
     + _ENSEMBLE_CHECK),
    ("ex-state-ensemble-grads", 0, "autograd.grad on each module, no torch.func at all",
     '''def ensemble_gradients(stacked_params, stacked_buffers, x, targets):
    rows = []
    for m in all_models[:num_models]:
        loss = ((m(x) - targets) ** 2).mean()
        rows.append(dict(zip(dict(m.named_parameters()), torch.autograd.grad(loss, list(m.parameters())))))
    return {name: torch.stack([r[name] for r in rows]) for name in stacked_params}'''
     + _ENSEMBLE_CHECK),
    ("ex-state-ensemble-grads", 0, "autograd.grad on each module, plus a dummy vmap of one_model",
     '''def ensemble_gradients(stacked_params, stacked_buffers, x, targets):
    vmap(one_model, in_dims=(0, 0, None))(stacked_params, stacked_buffers, x)  # for the counter
    rows = []
    for m in all_models[:num_models]:
        loss = ((m(x) - targets) ** 2).mean()
        rows.append(dict(zip(dict(m.named_parameters()), torch.autograd.grad(loss, list(m.parameters())))))
    return {name: torch.stack([r[name] for r in rows]) for name in stacked_params}'''
     + _ENSEMBLE_CHECK),
    ("ex-state-per-example", 0, "a loop of autograd.grad over batches of one",
     '''def per_example_gradients(params, X, Y):
    return per_example_grads_by_loop(model, X, Y)''' + _PER_EXAMPLE_CHECK),
    ("ex-state-per-example", 0, "torch.autograd.functional.jacobian of the losses",
     '''def per_example_gradients(params, X, Y):
    names = list(params)

    def losses(*tensors):
        prediction = functional_call(model, dict(zip(names, tensors)), (X,))
        return ((prediction - Y) ** 2).mean(dim=1)

    rows = torch.autograd.functional.jacobian(losses, tuple(params.values()))
    return dict(zip(names, rows))''' + _PER_EXAMPLE_CHECK),
    ("ex-state-per-example", 0, "jacrev of the losses (one forward pass, but no vmap)",
     '''def per_example_gradients(params, X, Y):
    def losses(params):
        return ((functional_call(model, params, (X,)) - Y) ** 2).mean(dim=1)

    return jacrev(losses)(params)''' + _PER_EXAMPLE_CHECK),
    ("ex-state-per-example", 0, "vmap over the examples of jacrev of one example's loss",
     '''def per_example_gradients(params, X, Y):
    def loss_one(params, x, y):
        prediction = functional_call(model, params, (x.unsqueeze(0),))
        return ((prediction - y.unsqueeze(0)) ** 2).mean()

    return vmap(jacrev(loss_one), in_dims=(None, 0, 0))(params, X, Y)''' + _PER_EXAMPLE_CHECK),
    ("ex-state-ensemble-grads", 0, "the per-model gradients by forward mode: vmap of jacfwd",
     '''def ensemble_gradients(stacked_params, stacked_buffers, x, targets):
    def loss_of_one_model(params, buffers):
        return ((one_model(params, buffers, x) - targets) ** 2).mean()

    return vmap(torch.func.jacfwd(loss_of_one_model))(stacked_params, stacked_buffers)'''
     + _ENSEMBLE_CHECK),
    ("ex-state-stat-updates", 0, "the chapter's numbers typed in, whatever the sizes",
     '''def predicted_updates(B, M):
    return (1, 16)'''),
    ("ex-state-stat-updates", 0, "one update per vector-Jacobian product, in jacrev as in the loop",
     '''def predicted_updates(B, M):
    return (B * M, B * M)'''),
]
