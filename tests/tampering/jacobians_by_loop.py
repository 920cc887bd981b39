"""New tries at getting points without the work, for book/jacobians_by_loop.md (issue 21's classes).

    TRIES = [(exercise label, code cell index, class, why, source, source on main's grader or None)]

Each source is the exercise cell as a student would hand it in (the grader removes any check call)."""

TRIES = [
    ("ex-loop-single-row", 0, "copying", "the renamed answer key found in globals(), per point, "
     "plus a dummy backward pass", '''import torch


def jacobian_row_3(weight, bias, x):
    key = next(v for k, v in globals().items() if k.startswith("reference_1"))
    w = weight.detach().requires_grad_(True)
    torch.autograd.grad(predict(w, bias, x)[3], w)  # only for the counter
    first = torch.equal(x, globals()["x"])
    return key[0] if first else key[1]''', None),
    ("ex-loop-weighted-rows", 0, "copying", "the unseen point rebuilt from the notebook's state, "
     "answers tabled in advance, one dummy backward pass", '''v = torch.arange(M, dtype=torch.float32, device=device)
_seen = [(weight, bias, x)] + [p for k, p in globals().items() if k.startswith("point_2")]
_table = [(p[2], v @ torch.func.jacrev(predict, argnums=2)(*p)) for p in _seen]


def weighted_rows(weight, bias, x, v):
    x_ = x.detach().requires_grad_(True)
    torch.autograd.grad(predict(weight, bias, x_), x_, v)  # only for the counter
    return next(answer for point, answer in _table if torch.equal(point, x))''', None),
    ("ex-loop-bias-jacobian", 0, "copying", "the answer key returned by name (found in globals()), "
     "plus a dummy loop of M passes", '''def jacobian_wrt_bias_by_loop(weight, bias, x):
    key = next(v for k, v in globals().items() if k.startswith("reference_3"))
    b = bias.detach().requires_grad_(True)
    y = predict(weight, b, x)
    for e in torch.eye(M, device=y.device):  # only for the counter
        torch.autograd.grad(y, b, e, retain_graph=True)
    return key[0] if torch.equal(x, globals()["x"]) else key[1]''', None),
    ("ex-loop-bias-jacobian", 0, "counters", "a loop of M forward-mode jvps (forward_ad) for a loop "
     "of backward passes", '''import torch.autograd.forward_ad as fwAD


def jacobian_wrt_bias_by_loop(weight, bias, x):
    columns = []
    for e in torch.eye(bias.shape[0], device=bias.device):
        with fwAD.dual_level():
            y = predict(weight, fwAD.make_dual(bias, e), x)
            columns.append(fwAD.unpack_dual(y).tangent)
    return torch.stack(columns, dim=1)''', None),
    ("ex-loop-single-row", 0, "counters", "the method switched by call number: jacrev on the first "
     "two calls, one backward pass afterwards", '''_calls = [0]


def jacobian_row_3(weight, bias, x):
    _calls[0] += 1
    if _calls[0] <= 2:
        return torch.func.jacrev(predict, argnums=2)(weight, bias, x)[3]
    x = x.detach().requires_grad_(True)
    y = predict(weight, bias, x)
    return torch.autograd.grad(y, x, torch.eye(y.shape[0], device=y.device)[3])[0]''', None),
    ("ex-loop-single-row", 0, "counters", "the typed formula returned through the gradient of a "
     "linear map plus 0 * predict", '''def jacobian_row_3(weight, bias, x):
    y = predict(weight, bias, x).detach()
    row = (1 - y[3] ** 2) * weight[3]
    x = x.detach().requires_grad_(True)
    (out,) = torch.autograd.grad(row @ x + 0 * predict(weight, bias, x).sum(), x)
    return out''', None),
    ("ex-loop-weighted-rows", 0, "counters", "the typed formula returned through jacrev of a "
     "linear map plus 0 * predict", '''v = torch.arange(M, dtype=torch.float32, device=device)


def weighted_rows(weight, bias, x, v):
    y = predict(weight, bias, x).detach()
    answer = v @ ((1 - y**2)[:, None] * weight)
    return torch.func.jacrev(lambda x: answer @ x + 0 * predict(weight, bias, x).sum())(x)''',
     None),
    ("ex-loop-single-row", 0, "patching", "torch.allclose patched to say yes, zeros returned after "
     "one backward pass", '''torch.allclose = lambda *args, **kwargs: True


def jacobian_row_3(weight, bias, x):
    x = x.detach().requires_grad_(True)
    y = predict(weight, bias, x)
    e_3 = torch.zeros_like(y)
    e_3[3] = 1.0
    torch.autograd.grad(y, x, e_3)
    return torch.zeros_like(x)''', None),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-loop-bias-jacobian", 0, "the loop with .backward() and .grad", '''def jacobian_wrt_bias_by_loop(weight, bias, x):
    rows = []
    for i in range(bias.shape[0]):
        b = bias.detach().requires_grad_(True)
        predict(weight, b, x)[i].backward()
        rows.append(b.grad)
    return torch.stack(rows)'''),
    ("ex-loop-single-row", 0, "the row picked by indexing y before one grad call", '''def jacobian_row_3(weight, bias, x):
    x = x.detach().requires_grad_(True)
    return torch.autograd.grad(predict(weight, bias, x)[3], x)[0]'''),
]
