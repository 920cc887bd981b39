"""Wrong methods for the exercises of book/batch_jacobians.md: each must fail through a ✗ check line."""

JACFWD_HEAD = '''def predicted_ratio(N, M):
    return N / M


'''
JACFWD_CHECK = '''


check_forward_mode_exercise(batch_jacobian_by_vmap_jacfwd, predicted_ratio)'''

HESSIAN_HEAD = '''targets = torch.randn(B, M, device=device)


def squared_error(weight, bias, x, target):
    return 0.5 * ((predict(weight, bias, x) - target) ** 2).sum()


'''
HESSIAN_CHECK = '''


check_batch_hessian_of_loss(batch_hessian_of_loss, targets);'''

WRONG = [
    ("ex-batch-jacfwd-flops", 0, "vmap(jacrev) instead of forward mode", JACFWD_HEAD + '''def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)''' + JACFWD_CHECK),
    ("ex-batch-jacfwd-flops", 0, "a Python loop of jacfwd over the samples", JACFWD_HEAD + '''def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return torch.stack([jacfwd(predict, argnums=2)(weight, bias, x) for x in xs])''' + JACFWD_CHECK),
    ("ex-batch-jacfwd-flops", 0, "jacfwd of the whole batch, then the diagonal blocks", JACFWD_HEAD + '''def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    J_full = jacfwd(predict, argnums=2)(weight, bias, xs)  # (B, M, B, N)
    return diagonal_blocks(J_full)''' + JACFWD_CHECK),
    ("ex-batch-jacfwd-flops", 0, "torch.autograd.functional.jacobian per sample", JACFWD_HEAD + '''def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return torch.stack([
        torch.autograd.functional.jacobian(lambda x: predict(weight, bias, x), x)
        for x in xs
    ])''' + JACFWD_CHECK),
    ("ex-batch-jacfwd-flops", 0, "the analytic formula typed in", JACFWD_HEAD + '''def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    ys = predict(weight, bias, xs)
    return (1 - ys**2)[:, :, None] * weight''' + JACFWD_CHECK),
    ("ex-batch-jacfwd-flops", 0, "the formula returned, plus a dummy vmap(jacfwd) call", JACFWD_HEAD + '''def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    vmap(jacfwd(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)  # dummy
    return batch_jacobian_analytic(weight, bias, xs)''' + JACFWD_CHECK),
    ("ex-batch-jacfwd-flops", 0, "the ratio the wrong way round, M / N", '''def predicted_ratio(N, M):
    return M / N


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return vmap(jacfwd(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)''' + JACFWD_CHECK),
    ("ex-batch-jacfwd-flops", 0, "the ratio of passes only, N / M, with the wrong Jacobian "
     "(vmap over the batch missing: jacfwd of the whole batch)", JACFWD_HEAD + '''def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return jacfwd(predict, argnums=2)(weight, bias, xs).diagonal(dim1=0, dim2=2).permute(2, 0, 1)'''
     + JACFWD_CHECK),
    ("ex-batch-shapes", 0, "the full Jacobian's shape without the batch axis of the input",
     '''def predicted_shapes(B, N, M):
    return (B, M, N, N), (B, M, N)


check_answer(
    "shapes at two sizes",
    [predicted_shapes(*sizes) for sizes in SHAPE_SIZES],
    reference_4,
);'''),
    ("ex-batch-shapes", 0, "the Hessians' axes in the wrong order (inputs before outputs)",
     '''def predicted_shapes(B, N, M):
    return (B, N, N, M), (B, M, B, N)


check_answer(
    "shapes at two sizes",
    [predicted_shapes(*sizes) for sizes in SHAPE_SIZES],
    reference_4,
);'''),
    ("ex-batch-hessian-loss", 0, "the Hessian of the summed batch loss, cut into diagonal blocks", HESSIAN_HEAD + '''def batch_hessian_of_loss(weight, bias, xs, targets):
    def batch_loss(xs):
        losses = vmap(squared_error, in_dims=(None, None, 0, 0))(weight, bias, xs, targets)
        return losses.sum()

    H_full = hessian(batch_loss)(xs)  # (B, N, B, N)
    samples = torch.arange(xs.shape[0])
    return H_full[samples, :, samples, :]''' + HESSIAN_CHECK),
    ("ex-batch-hessian-loss", 0, "a Python loop of hessian over the samples", HESSIAN_HEAD + '''def batch_hessian_of_loss(weight, bias, xs, targets):
    return torch.stack([hessian(squared_error, argnums=2)(weight, bias, x, t)
                        for x, t in zip(xs, targets)])''' + HESSIAN_CHECK),
    ("ex-batch-hessian-loss", 0, "torch.autograd.functional.hessian per sample", HESSIAN_HEAD + '''def batch_hessian_of_loss(weight, bias, xs, targets):
    return torch.stack([
        torch.autograd.functional.hessian(lambda x: squared_error(weight, bias, x, t), x)
        for x, t in zip(xs, targets)
    ])''' + HESSIAN_CHECK),
    ("ex-batch-hessian-loss", 0, "the analytic Hessians typed in", HESSIAN_HEAD + '''def batch_hessian_of_loss(weight, bias, xs, targets):
    ys = predict(weight, bias, xs)
    curvature = (1 - ys**2) ** 2 + (-2 * ys * (1 - ys**2)) * (ys - targets)
    return torch.einsum("mi,km,mj->kij", weight, curvature, weight)''' + HESSIAN_CHECK),
]

SUM_TRICK_CHECK = '''


answers = {name: sum_trick_is_valid(fn, xs) for name, fn in candidates.items()}
check_answer("sum trick valid, all four candidates right", answers == reference_2, True);'''

WRONG += [
    ("ex-batch-sum-trick-valid", 0, "the shapes only: one output row per input row",
     '''def sum_trick_is_valid(batch_function, xs):
    return batch_function(xs).shape[0] == xs.shape[0]''' + SUM_TRICK_CHECK),
    ("ex-batch-sum-trick-valid", 0, "the full Jacobian of a batch of one row, where no row can "
     "read another", '''def sum_trick_is_valid(batch_function, xs):
    J_full = jacrev(batch_function)(xs[:1])
    return bool(off_diagonal_blocks(J_full).abs().max() == 0)''' + SUM_TRICK_CHECK),
]
