"""New tries at getting points without the work, for book/vjp_vmap_jacrev.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format. The prediction was a value on main (checked at
M = 5, N = 3) and is a function of the sizes here: its tries have a version for each."""

TRIES = [
    ("ex-vjp-vmap-shapes", 0, "counters", "the prediction measured by running jacrev at the sizes",
     '''def predicted_shapes(M, N):
    layer = (torch.randn(M, N), torch.randn(M), torch.randn(N))
    return tuple(tuple(j.shape) for j in jacrev(predict, argnums=(0, 1))(*layer))''',
     '''predicted_shapes = tuple(tuple(j.shape) for j in jacrev(predict, argnums=(0, 1))(
    torch.randn(5, 3), torch.randn(5), torch.randn(3)))'''),
    ("ex-vjp-vmap-chosen-rows", 0, "counters", "three vjp_fn calls in a loop, stacked, then "
     "relabelled by vmap(lambda r: r)", '''def jacobian_rows(weight, bias, x, rows):
    _, vjp_fn = vjp(partial(predict, weight, bias), x)
    eye = torch.eye(weight.shape[0], dtype=x.dtype, device=x.device)
    by_hand = torch.stack([vjp_fn(eye[r])[0] for r in rows])
    return vmap(lambda r: r)(by_hand)''', None),
    ("ex-vjp-vmap-another-function", 0, "patching", "builtins.abs and torch.allclose patched, zeros "
     "returned through jacrev", '''import builtins

builtins.abs = lambda value: 0 * value
torch.allclose = lambda *args, **kwargs: True


def both_jacobians(a, x):
    return jacrev(lambda a, x: 0 * a * torch.sin(x), argnums=(0, 1))(a, x)''', None),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-vjp-vmap-another-function", 0, "jacrev in float64, cast to float32", '''def both_jacobians(a, x):
    da, dx = jacrev(scaled_sine, argnums=(0, 1))(a.double(), x.double())
    return da.float(), dx.float()'''),
    ("ex-vjp-vmap-chosen-rows", 0, "the batch of unit vectors built by one_hot", '''def jacobian_rows(weight, bias, x, rows):
    _, vjp_fn = vjp(lambda x: predict(weight, bias, x), x)
    batch = torch.nn.functional.one_hot(torch.tensor(rows, device=x.device), weight.shape[0])
    return vmap(vjp_fn)(batch.to(x.dtype))[0]'''),
]
