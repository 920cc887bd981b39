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
    return table.get((rows, n), (1, 4))''', '''predicted_backward_calls = dict(
    next(v for k, v in globals().items() if k.startswith("reference_1")))'''),
    ("ex-custom-count-backward", 0, "copying", "the counts the notebook printed typed in for its own "
     "shapes, the chapter's 4 rows elsewhere", '''def predicted_backward_calls(rows, n):
    return {(4, 6): (1, 4), (7, 3): (1, 7), (2, 9): (1, 2)}.get((rows, n), (1, 4))''', None),
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
