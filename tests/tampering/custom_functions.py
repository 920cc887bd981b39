"""New tries at getting points without the work, for book/custom_functions.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format."""

TRIES = [
    ("ex-custom-count-backward", 0, "counters", "the backward calls measured at the sizes asked (jacrev "
     "and a loop run on a matrix of that shape), not predicted", '''def predicted_backward_calls(rows, n):
    X = torch.randn(rows, n, dtype=torch.float64)
    calls.clear()
    jacrev(lse)(X)
    by_jacrev = calls["backward"]
    calls.clear()
    Xg = X.clone().requires_grad_()
    y = lse(Xg)
    for i in range(rows):
        torch.autograd.grad(y[i], Xg, retain_graph=True)
    return (by_jacrev, calls["backward"])''', '''X_measured = torch.randn(4, 6, dtype=torch.float64)
calls.clear()
jacrev(lse)(X_measured)
by_jacrev = calls["backward"]
calls.clear()
Xg = X_measured.clone().requires_grad_()
y = lse(Xg)
for i in range(4):
    torch.autograd.grad(y[i], Xg, retain_graph=True)
predicted_backward_calls = {"jacrev": by_jacrev, "loop of autograd.grad": calls["backward"]}'''),
    ("ex-custom-count-backward", 0, "copying", "the answer key found in globals(), tabled by the "
     "notebook's shapes, a guess elsewhere", '''def predicted_backward_calls(rows, n):
    key = next(v for k, v in globals().items() if k.startswith("reference_1"))
    table = dict(zip(CALL_SHAPES, zip(key[::2], key[1::2])))
    return table.get((rows, n), (1, 1))''', '''predicted_backward_calls = dict(
    next(v for k, v in globals().items() if k.startswith("reference_1")))'''),
    ("ex-custom-count-backward", 0, "copying", "the counts the notebook printed typed in for its own "
     "shapes, a guess elsewhere", '''def predicted_backward_calls(rows, n):
    return {(4, 6): (1, 4), (7, 3): (1, 7), (2, 9): (1, 2)}.get((rows, n), (1, 1))''', None),
    ("ex-custom-count-backward", 0, "patching", "builtins.abs patched to say 0, halves given",
     '''import builtins

builtins.abs = lambda value: 0


def predicted_backward_calls(rows, n):
    return (0.5, rows + 0.5)''', '''import builtins

builtins.abs = lambda value: 0
predicted_backward_calls = {"jacrev": 0.5, "loop of autograd.grad": 4.5}'''),
    ("ex-custom-count-backward", 0, "rebinding", "the chapter's lse rebound to a Function whose "
     "backward counts nothing, then measured", '''_true_lse = lse


def lse(X):
    return torch.logsumexp(X, dim=-1)


def predicted_backward_calls(rows, n):
    X = torch.randn(rows, n, dtype=torch.float64)
    calls.clear()
    jacrev(_true_lse)(X)
    return (calls["backward"], rows)''', '''_true_lse = lse
calls.clear()
jacrev(_true_lse)(torch.randn(4, 6, dtype=torch.float64))
predicted_backward_calls = {"jacrev": calls["backward"], "loop of autograd.grad": 4}
lse = None'''),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-custom-count-backward", 0, "a list, not a tuple, and an int() of the size", '''def predicted_backward_calls(rows, n):
    return [1, int(rows)]'''),
]

_CUMSUM_CLASS = """class NumpyCumsum(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return cumsum_numpy(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, grad_y):
        return grad_y.flip(-1).cumsum(-1).flip(-1)

    @staticmethod
    def vmap(info, in_dims, x):
"""

TRIES += [
    ("ex-custom-vmap-rule", 0, "counters", "the rule switched by where the batch dimension is: the "
     "NumPy forward for the notebook's last dimension, torch.cumsum otherwise", _CUMSUM_CLASS + '''        (x_bdim,) = in_dims
        if x_bdim == x.dim() - 1:
            return NumpyCumsum.apply(x.movedim(x_bdim, 0)), 0
        return torch.cumsum(x.movedim(x_bdim, 0), dim=-1), 0''', None),
    ("ex-custom-vmap-rule", 0, "counters", "torch.cumsum written into the very tensor the NumPy "
     "forward made (one NumPy call, its storage returned)", _CUMSUM_CLASS + '''        x = x.movedim(in_dims[0], 0)
        result = NumpyCumsum.apply(x)
        with torch.no_grad():
            result.copy_(torch.cumsum(x, dim=-1))
        return result, 0''', None),
    ("ex-custom-vmap-rule", 0, "patching", "the check's record of NumPy results (found in globals()) "
     "given a torch.cumsum's storage", _CUMSUM_CLASS + '''        result = torch.cumsum(x.movedim(in_dims[0], 0), dim=-1)
        for name, value in list(globals().items()):
            if name.startswith("NumpyResults"):
                value.made.append(result.untyped_storage().data_ptr())
        return result, 0''', None),
    ("ex-custom-hvp", 0, "counters", "the method switched by size: the log-sum-exp formula (and a "
     "dummy grad) at the notebook's 50 inputs, the whole Hessian elsewhere", '''def hvp_without_jvp(f, x, v):
    if len(x) == 50:
        grad(f)(x)
        s = torch.softmax(x, dim=0)
        return s * v - s * (s @ v)
    return jacrev(jacrev(f))(x) @ v''', None),
    ("ex-custom-hvp", 0, "copying", "the answer key found in globals(), by size, plus a dummy grad",
     '''def hvp_without_jvp(f, x, v):
    grad(f)(x)
    key = next(v for k, v in globals().items() if k.startswith("reference_3"))
    return key["hvp"] if len(x) == 50 and torch.equal(v, globals().get("v_hvp", v)) \\
        else key["hvp of another Function"]''', None),
    ("ex-custom-hvp", 0, "patching", "torch.allclose patched to say yes, zeros returned after one "
     "grad", '''torch.allclose = lambda *args, **kwargs: True


def hvp_without_jvp(f, x, v):
    return grad(f)(x) * 0''', None),
]

VARIANTS += [
    ("ex-custom-vmap-rule", 0, "torch.movedim, the batch dimension named", _CUMSUM_CLASS + '''        batch_dim = in_dims[0]
        return NumpyCumsum.apply(torch.movedim(x, batch_dim, 0)), 0'''),
    ("ex-custom-hvp", 0, "double backward with torch.autograd.grad and create_graph",
     '''def hvp_without_jvp(f, x, v):
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x), x, create_graph=True)
    return torch.autograd.grad(g, x, v)[0]'''),
    ("ex-custom-hvp", 0, "torch.autograd.functional.vhp (a vhp is an hvp for a symmetric H)",
     '''def hvp_without_jvp(f, x, v):
    return torch.autograd.functional.vhp(f, x, v)[1]'''),
]
