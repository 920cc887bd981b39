"""New tries at getting points without the work, for book/batch_jacobians.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format. The grader calls Exercise 1 (the predicted ratio, a
formula in the sizes, and the forward-mode batch Jacobian), Exercise 3 and Exercise 4 (the shapes, a
formula in the sizes) at sizes and points drawn at grading time; a try's last field is its form for
main's grader, where the prediction exercises asked for values."""

SOLUTION_1 = '''def predicted_ratio(N, M):
    return N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return vmap(jacfwd(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)'''

RIGHT_JACFWD = '''def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return vmap(jacfwd(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)'''

REVERSE = '''def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)'''

LOSS_HEAD = '''targets = torch.randn(B, M, device=device)


def squared_error(weight, bias, x, target):
    return 0.5 * ((predict(weight, bias, x) - target) ** 2).sum()


'''

TRIES = [
    # Exercise 1: rebinding the names the check reads
    ("ex-batch-jacfwd-flops", 0, "rebinding", "vmap(jacrev) (reverse mode), with count_flops rebound "
     "to return the FLOPs of vmap(jacfwd) from the solution's formula", '''def predicted_ratio(N, M):
    return N / M


''' + REVERSE + '''


def count_flops(fn, *args):
    fn(*args)
    return 2 * B * M * N * (N + 2)''', '''predicted_ratio = N / M


''' + REVERSE + '''


def count_flops(fn, *args):
    fn(*args)
    return 2 * B * M * N * (N + 2)'''),
    ("ex-batch-jacfwd-flops", 0, "rebinding", "vmap(jacrev) (reverse mode), with FlopCounterMode "
     "rebound to a counter that reports the FLOPs of vmap(jacfwd)", '''def predicted_ratio(N, M):
    return N / M


''' + REVERSE + '''


class FlopCounterMode:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def get_total_flops(self):
        return 2 * B * M * N * (N + 2)''', '''predicted_ratio = N / M


''' + REVERSE + '''


class FlopCounterMode:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def get_total_flops(self):
        return 2 * B * M * N * (N + 2)'''),
    ("ex-batch-jacfwd-flops", 0, "rebinding", "the grader's own function rebound to one that answers "
     "for both parts, with the reverse-mode Jacobian", '''def predicted_ratio(N, M):
    return N / M


''' + REVERSE + '''


def graded_forward_mode_exercise(kind, *args):
    if kind == "ratio":
        return args[0] / args[1]
    return batch_jacobian_analytic(*args)''', None),
    ("ex-batch-shapes", 0, "rebinding", "the chapter's sizes B, N, M read from globals instead of "
     "the arguments (rebinding the arguments' names away)", '''def predicted_shapes(b, n, m):
    return (B, M, N, N), (B, M, B, N)''', '''shapes = {
    "batch Hessians of predict": (B, M, N, N),
    "full Jacobian of the batch": (B, M, B, N),
}'''),
    # copying the answer
    ("ex-batch-jacfwd-flops", 0, "copying", "the counted ratios of the hidden reference cell found in "
     "globals() (the chapter's 2 where none is found) and returned whatever the sizes", '''_key = next((v for k, v in list(globals().items()) if k.startswith("reference_ratio")), 2.0)


def predicted_ratio(N, M):
    return _key[0] if isinstance(_key, list) else _key


''' + RIGHT_JACFWD, '''predicted_ratio = next(v for k, v in list(globals().items())
                       if k.startswith("reference_ratio"))


''' + RIGHT_JACFWD),
    ("ex-batch-jacfwd-flops", 0, "copying", "the ratio typed in as a number (the chapter's 2), "
     "for any sizes", '''def predicted_ratio(N, M):
    return 2.0


''' + RIGHT_JACFWD, '''predicted_ratio = 2.0


''' + RIGHT_JACFWD),
    ("ex-batch-jacfwd-flops", 0, "copying", "the batch Jacobian copied from the chapter's own "
     "reference values at the chapter's point, the formula elsewhere", '''def predicted_ratio(N, M):
    return N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    vmap(jacfwd(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)  # counted
    key = [v for k, v in list(globals().items()) if k.startswith("reference_values")]
    if key and key[0].shape == (xs.shape[0], weight.shape[0], weight.shape[1]):
        return key[0].to(xs.dtype)
    return batch_jacobian_analytic(weight, bias, xs)''', '''predicted_ratio = N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    vmap(jacfwd(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)  # counted
    key = [v for k, v in list(globals().items()) if k.startswith("reference_values")]
    if key and key[0].shape == (xs.shape[0], weight.shape[0], weight.shape[1]):
        return key[0].to(xs.dtype)
    return batch_jacobian_analytic(weight, bias, xs)'''),
    ("ex-batch-shapes", 0, "copying", "the shapes read off the chapter's tensors H_predict and "
     "J_full", '''def predicted_shapes(B, N, M):
    return tuple(H_predict.shape), tuple(J_full.shape)''', '''shapes = {
    "batch Hessians of predict": tuple(H_predict.shape),
    "full Jacobian of the batch": tuple(J_full.shape),
}'''),
    # counters that cannot tell the method
    ("ex-batch-jacfwd-flops", 0, "counters", "the ratio measured, not predicted: FlopCounterMode "
     "around vmap(jacfwd) and vmap(jacrev) at the sizes asked", '''from torch.utils.flop_counter import FlopCounterMode as _Counter


def predicted_ratio(N, M):
    w, b, x = torch.randn(M, N), torch.randn(M), torch.randn(2, N)
    flops = []
    for transform in (jacfwd, jacrev):
        with _Counter(display=False) as counter:
            vmap(transform(predict, argnums=2), in_dims=(None, None, 0))(w, b, x)
        flops.append(counter.get_total_flops())
    return flops[0] / flops[1]


''' + RIGHT_JACFWD, '''from torch.utils.flop_counter import FlopCounterMode as _Counter


def _measured(N, M):
    w, b, x = torch.randn(M, N), torch.randn(M), torch.randn(2, N)
    flops = []
    for transform in (jacfwd, jacrev):
        with _Counter(display=False) as counter:
            vmap(transform(predict, argnums=2), in_dims=(None, None, 0))(w, b, x)
        flops.append(counter.get_total_flops())
    return flops[0] / flops[1]


predicted_ratio = _measured(N, M)


''' + RIGHT_JACFWD),
    ("ex-batch-shapes", 0, "counters", "the shapes measured, not predicted: vmap(hessian) and "
     "jacrev run at the sizes asked", '''def predicted_shapes(B, N, M):
    w, b, x = torch.randn(M, N), torch.randn(M), torch.randn(B, N)
    H = vmap(hessian(predict, argnums=2), in_dims=(None, None, 0))(w, b, x)
    return tuple(H.shape), tuple(jacrev(predict, argnums=2)(w, b, x).shape)''', '''_w, _b, _x = torch.randn(M, N), torch.randn(M), torch.randn(B, N)
shapes = {
    "batch Hessians of predict": tuple(
        vmap(hessian(predict, argnums=2), in_dims=(None, None, 0))(_w, _b, _x).shape),
    "full Jacobian of the batch": tuple(jacrev(predict, argnums=2)(_w, _b, _x).shape),
}'''),
    ("ex-batch-jacfwd-flops", 0, "counters", "the method switched by dtype: vmap(jacrev) in "
     "float32 (the chapter's), vmap(jacfwd) otherwise", '''def predicted_ratio(N, M):
    return N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    transform = jacrev if xs.dtype == torch.float32 else jacfwd
    return vmap(transform(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)''', None),
    ("ex-batch-jacfwd-flops", 0, "counters", "the method switched by call number: vmap(jacfwd) on "
     "the first call, a loop of jacrev afterwards", '''_calls = [0]


def predicted_ratio(N, M):
    return N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    _calls[0] += 1
    if _calls[0] == 1:
        return vmap(jacfwd(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)
    return torch.stack([jacrev(predict, argnums=2)(weight, bias, x) for x in xs])''', '''_calls = [0]
predicted_ratio = N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    _calls[0] += 1
    if _calls[0] == 1:
        return vmap(jacfwd(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)
    return torch.stack([jacrev(predict, argnums=2)(weight, bias, x) for x in xs])'''),
    ("ex-batch-jacfwd-flops", 0, "counters", "a Python loop of jacfwd relabelled by "
     "vmap(lambda r: r)", '''def predicted_ratio(N, M):
    return N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    rows = torch.stack([jacfwd(predict, argnums=2)(weight, bias, x) for x in xs])
    return vmap(lambda r: r)(rows)''', '''predicted_ratio = N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    rows = torch.stack([jacfwd(predict, argnums=2)(weight, bias, x) for x in xs])
    return vmap(lambda r: r)(rows)'''),
    ("ex-batch-jacfwd-flops", 0, "counters", "the analytic formula passed through vmap(jacfwd) of "
     "a linear map plus 0 * predict", '''def predicted_ratio(N, M):
    return N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    formula = batch_jacobian_analytic(weight, bias, xs).detach()

    def linear(x, J):
        return J @ x + 0 * predict(weight, bias, x)

    return vmap(jacfwd(linear), in_dims=(0, 0))(xs, formula)''', '''predicted_ratio = N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    formula = batch_jacobian_analytic(weight, bias, xs).detach()

    def linear(x, J):
        return J @ x + 0 * predict(weight, bias, x)

    return vmap(jacfwd(linear), in_dims=(0, 0))(xs, formula)'''),
    # Exercise 2 (is the sum trick valid?)
    ("ex-batch-sum-trick-valid", 0, "rebinding", "off_diagonal_blocks rebound to zeros and kept as "
     "a default argument, so that the full-Jacobian test says yes to every function", '''def _zeros(J_full):
    return torch.zeros_like(J_full)


def sum_trick_is_valid(batch_function, xs, blocks=_zeros):
    return bool(blocks(jacrev(batch_function)(xs)).abs().max() == 0)''', '''def off_diagonal_blocks(J_full):
    return torch.zeros_like(J_full)


sum_trick_is_valid = {name: bool(off_diagonal_blocks(jacrev(f)(xs)).abs().max() == 0)
                      for name, f in candidates.items()}'''),
    ("ex-batch-sum-trick-valid", 0, "copying", "the hidden answers found in globals() and looked up "
     "by the candidate the function is, True for any other", '''_key = next((v for k, v in list(globals().items()) if k.startswith("reference_2")), {})
_known = {id(f): _key[name] for name, f in candidates.items() if name in _key}


def sum_trick_is_valid(batch_function, xs):
    return _known.get(id(batch_function), True)''', '''sum_trick_is_valid = dict(next(v for k, v in list(globals().items())
                             if k.startswith("reference_2")))'''),
    ("ex-batch-sum-trick-valid", 0, "copying", "the four answers typed in by candidate, and by the "
     "names the code calls for any other function", '''def sum_trick_is_valid(batch_function, xs):
    typed = {id(candidates["softmax over outputs"]): True,
             id(candidates["centred over the batch"]): False,
             id(candidates["each row scaled to unit norm"]): True,
             id(candidates["divided by the largest norm in the batch"]): False}
    if id(batch_function) in typed:
        return typed[id(batch_function)]
    return "mean" not in batch_function.__code__.co_names''', '''sum_trick_is_valid = {
    "softmax over outputs": True,
    "centred over the batch": False,
    "each row scaled to unit norm": True,
    "divided by the largest norm in the batch": False,
}'''),
    ("ex-batch-sum-trick-valid", 0, "counters", "the answer read off the code (the names it "
     "calls: a mean, a max, a cumulative sum), no computation", '''def sum_trick_is_valid(batch_function, xs):
    names = batch_function.__code__.co_names
    return not any(name in names for name in ("mean", "max", "cumsum"))''', '''sum_trick_is_valid = {
    name: not any(n in f.__code__.co_names for n in ("mean", "max", "cumsum"))
    for name, f in candidates.items()
}'''),
    ("ex-batch-sum-trick-valid", 0, "patching", "an object that equals True and False, returned "
     "for every function", '''class _Both:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True


def sum_trick_is_valid(batch_function, xs):
    return _Both()''', '''class _Both:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


sum_trick_is_valid = {name: _Both() for name in candidates}'''),
    # Exercise 3 (the batch Hessian of the loss)
    ("ex-batch-hessian-loss", 0, "rebinding", "squared_error rebound to a loss whose Hessian is the "
     "analytic formula's quadratic (kept as a default argument), so that a vmapped hessian of it "
     "returns the formula", LOSS_HEAD.replace(
        "def squared_error", "def _given_squared_error") + '''def squared_error(weight, bias, x, target):
    y = predict(weight, bias, x).detach()
    c = (1 - y**2) ** 2 + (-2 * y * (1 - y**2)) * (y - target)
    return 0.5 * x @ ((weight.T * c) @ weight) @ x


def batch_hessian_of_loss(weight, bias, xs, targets, loss=squared_error):
    return vmap(hessian(loss, argnums=2), in_dims=(None, None, 0, 0))(
        weight, bias, xs, targets
    )''', None),
    ("ex-batch-hessian-loss", 0, "copying", "the analytic Hessians typed in, returned through "
     "vmap(lambda h: h) after a dummy vmapped hessian call", LOSS_HEAD + '''def batch_hessian_of_loss(weight, bias, xs, targets):
    vmap(hessian(squared_error, argnums=2), in_dims=(None, None, 0, 0))(weight, bias, xs, targets)
    ys = predict(weight, bias, xs)
    curvature = (1 - ys**2) ** 2 + (-2 * ys * (1 - ys**2)) * (ys - targets)
    return torch.einsum("mi,km,mj->kij", weight, curvature, weight)''', None),
    ("ex-batch-hessian-loss", 0, "counters", "a Python loop of hessian over the samples, relabelled "
     "by vmap(lambda h: h)", LOSS_HEAD + '''def batch_hessian_of_loss(weight, bias, xs, targets):
    rows = torch.stack([hessian(squared_error, argnums=2)(weight, bias, x, t)
                        for x, t in zip(xs, targets)])
    return vmap(lambda h: h)(rows)''', None),
    ("ex-batch-hessian-loss", 0, "counters", "the per-sample formula passed through the vmapped "
     "Hessian of a quadratic plus 0 * squared_error", LOSS_HEAD + '''def batch_hessian_of_loss(weight, bias, xs, targets):
    def one(x, t):
        y = predict(weight, bias, x)
        c = (1 - y**2) ** 2 + (-2 * y * (1 - y**2)) * (y - t)
        H_k = (weight.T * c) @ weight
        return hessian(lambda z: 0.5 * z @ H_k @ z
                       + 0 * squared_error(weight, bias, x + z, t))(torch.zeros_like(x))

    return vmap(one)(xs, targets)''', None),
    ("ex-batch-hessian-loss", 0, "counters", "the method switched by dtype: vmap(hessian) in "
     "float64, a loop of hessian in float32 (the chapter's)", LOSS_HEAD + '''def batch_hessian_of_loss(weight, bias, xs, targets):
    if xs.dtype == torch.float64:
        return vmap(hessian(squared_error, argnums=2), in_dims=(None, None, 0, 0))(
            weight, bias, xs, targets)
    return torch.stack([hessian(squared_error, argnums=2)(weight, bias, x, t)
                        for x, t in zip(xs, targets)])''', None),
    ("ex-batch-hessian-loss", 0, "patching", "torch.allclose patched, the Hessian of the summed "
     "batch loss cut into blocks (B times the FLOPs)", LOSS_HEAD + '''torch.allclose = lambda *args, **kwargs: True


def batch_hessian_of_loss(weight, bias, xs, targets):
    def batch_loss(xs):
        return vmap(squared_error, in_dims=(None, None, 0, 0))(weight, bias, xs, targets).sum()

    H_full = hessian(batch_loss)(xs)
    samples = torch.arange(xs.shape[0])
    return H_full[samples, :, samples, :]''', None),
    # patching
    ("ex-batch-jacfwd-flops", 0, "patching", "builtins.abs and torch.allclose patched to say the "
     "numbers are close, the ratio M / N and the reverse-mode Jacobian", '''import builtins

builtins.abs = lambda x: 0
torch.allclose = lambda *args, **kwargs: True


def predicted_ratio(N, M):
    return M / N


''' + REVERSE, '''import builtins

builtins.abs = lambda x: 0
torch.allclose = lambda *args, **kwargs: True
predicted_ratio = M / N


''' + REVERSE),
    ("ex-batch-shapes", 0, "patching", "tuple.__ne__ cannot be patched, so the answer is a tuple "
     "subclass that equals everything", '''class _Same(tuple):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


def predicted_shapes(B, N, M):
    return _Same((B, N)), _Same((B, N))''', '''class _Same(tuple):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


shapes = {
    "batch Hessians of predict": _Same((B, N)),
    "full Jacobian of the batch": _Same((B, N)),
}'''),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-batch-jacfwd-flops", 0, "the exact ratio (N + 2) / (M + 1), and jacfwd of a closure "
     "vmapped over the samples", '''def predicted_ratio(N, M):
    return (N + 2) / (M + 1)


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return vmap(jacfwd(lambda x: predict(weight, bias, x)))(xs)'''),
    ("ex-batch-jacfwd-flops", 0, "the ratio as a fraction of ints, torch.func named in full",
     '''def predicted_ratio(N, M):
    return float(N) / float(M)


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    per_sample = torch.func.jacfwd(predict, argnums=2)
    return torch.func.vmap(per_sample, in_dims=(None, None, 0))(weight, bias, xs)'''),
    ("ex-batch-shapes", 0, "the shapes as lists", '''def predicted_shapes(B, N, M):
    hessians = [B, M, N, N]
    full = [B, M, B, N]
    return [hessians, full]'''),
    ("ex-batch-hessian-loss", 0, "hessian of a closure over the two batched arguments",
     LOSS_HEAD + '''def batch_hessian_of_loss(weight, bias, xs, targets):
    return vmap(hessian(lambda x, t: squared_error(weight, bias, x, t)))(xs, targets)'''),
    ("ex-batch-hessian-loss", 0, "jacfwd(jacrev), what hessian stands for",
     LOSS_HEAD + '''def batch_hessian_of_loss(weight, bias, xs, targets):
    per_sample = jacfwd(jacrev(squared_error, argnums=2), argnums=2)
    return vmap(per_sample, in_dims=(None, None, 0, 0))(weight, bias, xs, targets)'''),
    ("ex-batch-sum-trick-valid", 0, "one input row moved, the other output rows compared "
     "(the chapter's own reference test)", '''def sum_trick_is_valid(batch_function, xs):
    moved = xs.clone()
    moved[0] = 10 * moved[0] + 1
    return torch.equal(batch_function(moved)[1:], batch_function(xs)[1:])'''),
]
