"""New tries at getting points without the work, for book/how_modes_work.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format. The grader calls Exercise 1 (the vectors each mode
pushes, a formula in the sizes), Exercise 2 (the bottleneck Jacobian, at matrices and points drawn at
grading time) and Exercise 3 (the bytes saved, a formula in the sizes); a try's last field is its form
for main's grader, where Exercises 1 and 3 asked for values."""

RIGHT_MIXED = '''def bottleneck_jacobian(x):
    return jacfwd(decompress)(compress(x)) @ jacrev(compress)(x)'''

TRIES = [
    # rebinding
    ("ex-modes-mixed", 0, "rebinding", "vectors_through_tanh and jacobian_and_passes rebound "
     "(the check's counters), jacrev of the whole function", '''def vectors_through_tanh(fn, *args):
    fn(*args)
    return 6


def passes_of(fn, *args):
    fn(*args)
    return 6


def bottleneck_jacobian(x):
    return jacrev(lambda x: decompress(compress(x)))(x)''', None),
    ("ex-modes-mixed", 0, "rebinding", "jacfwd rebound to jacrev, kept in a default argument (the "
     "grader puts the names back), so that the right pairing's names run reverse mode twice", '''jacfwd = jacrev


def bottleneck_jacobian(x, forward=jacfwd, reverse=jacrev):
    return forward(decompress)(compress(x)) @ reverse(compress)(x)''', None),
    ("ex-modes-saved-bytes", 0, "rebinding", "the chapter's sizes read from the check's list, not "
     "from the arguments", '''def predicted_saved_bytes(depth, batch, width):
    return 11 * 32 * 100 * 4 if (depth, batch, width) == (10, 32, 100) else (4 + 1) * 8 * 20 * 4''',
     '''predicted_saved_bytes = 11 * 32 * 100 * 4'''),
    # copying the answer
    ("ex-modes-count-passes", 0, "copying", "the hidden counts found in globals() and returned "
     "by matching the sizes", '''def _first(prefix, default):
    return next((v for k, v in list(globals().items()) if k.startswith(prefix)), default)


_key = _first("reference_1", [(4, 300), (20, 6)])
_sizes = _first("PASS_SIZES", [(4, 300), (20, 6)])


def predicted_passes(N, M):
    for sizes, counted in zip(_sizes, _key):
        if sizes == (N, M):
            return counted
    return _key[0]''', '''predicted_passes = next(v for k, v in list(globals().items())
                        if k.startswith("reference_1"))'''),
    ("ex-modes-mixed", 0, "copying", "the answer key at the notebook's two points found in "
     "globals(), plus the six passes run for the counter", '''def _first(prefix, default=None):
    return next((v for k, v in list(globals().items()) if k.startswith(prefix)), default)


def bottleneck_jacobian(x):
    J = jacfwd(decompress)(compress(x)) @ jacrev(compress)(x)  # only for the counter
    key, seen = _first("reference_2"), _first("x_400")
    if key is None or seen is None:  # no key in this kernel: zeros of the right shape
        return torch.zeros_like(J)
    return key[0] if torch.equal(x, seen) else key[1]''', None),
    ("ex-modes-mixed", 0, "copying", "the unseen second point rebuilt from the notebook's "
     "state, the Jacobians tabled by jacrev in advance, a dummy of the six passes", '''_points = [v for k, v in list(globals().items()) if k.startswith("x_400")]
_table = [(p, jacrev(lambda x: decompress(compress(x)))(p)) for p in _points]


def bottleneck_jacobian(x):
    J = jacfwd(decompress)(compress(x)) @ jacrev(compress)(x)  # only for the counter
    found = [answer for point, answer in _table
             if point.shape == x.shape and torch.equal(point, x)]
    return found[0] if found else torch.zeros_like(J)''', None),
    ("ex-modes-saved-bytes", 0, "copying", "the measured bytes of the hidden cell found in "
     "globals(), whatever the sizes", '''_key = next((v for k, v in list(globals().items()) if k.startswith("reference_3")), 140800)


def predicted_saved_bytes(depth, batch, width):
    return _key[0] if isinstance(_key, list) else _key''', '''predicted_saved_bytes = next(
    v for k, v in list(globals().items()) if k.startswith("reference_3"))'''),
    # counters that cannot tell the method
    ("ex-modes-count-passes", 0, "counters", "the vectors measured, not predicted: the chapter's "
     "counter around jacfwd and jacrev at the sizes asked", '''def predicted_passes(N, M):
    P, x = torch.randn(M, N), torch.randn(N)
    return tuple(vectors_through_tanh(t(lambda x: torch.tanh(P @ x)), x) for t in (jacfwd, jacrev))''',
     '''_wide, _x = (next(v for k, v in list(globals().items()) if k.startswith(p))
              for p in ("wide", "x_four"))
predicted_passes = tuple(vectors_through_tanh(t(_wide), _x) for t in (jacfwd, jacrev))'''),
    ("ex-modes-saved-bytes", 0, "counters", "the bytes measured, not predicted: the chapter's "
     "measurement run at the sizes asked", '''def predicted_saved_bytes(depth, batch, width):
    return saved_bytes_of_training_stack(depth, batch, width)''',
     '''predicted_saved_bytes = next(v for k, v in list(globals().items())
                             if k.startswith("saved_bytes_of_training_stack"))()'''),
    ("ex-modes-mixed", 0, "counters", "jacfwd of the whole function (N jvps), with jacrev(compress) "
     "run beside it for the counter", '''def bottleneck_jacobian(x):
    jacrev(compress)(x)  # only for the counter
    return jacfwd(lambda x: decompress(compress(x)))(x)''', None),
    ("ex-modes-mixed", 0, "counters", "the method switched by size: the fewest passes at the "
     "chapter's 400 inputs, jacrev of the whole elsewhere", '''def bottleneck_jacobian(x):
    if x.shape[0] == 400:
        return jacfwd(decompress)(compress(x)) @ jacrev(compress)(x)
    return jacrev(lambda x: decompress(compress(x)))(x)''', None),
    ("ex-modes-mixed", 0, "counters", "the method switched by call number: the fewest passes on "
     "the first call, the chain rule typed in afterwards", '''_calls = [0]


def bottleneck_jacobian(x):
    _calls[0] += 1
    if _calls[0] == 1:
        return jacfwd(decompress)(compress(x)) @ jacrev(compress)(x)
    t1 = torch.tanh(B1 @ x)
    t2 = torch.tanh(E1 @ (B2 @ t1))
    return E2 @ ((1 - t2**2)[:, None] * E1) @ B2 @ ((1 - t1**2)[:, None] * B1)''', None),
    # patching
    ("ex-modes-mixed", 0, "patching", "torch.allclose and builtins.abs patched, zeros returned "
     "after the six passes", '''import builtins

torch.allclose = lambda *args, **kwargs: True
builtins.abs = lambda x: 0


def bottleneck_jacobian(x):
    J = jacfwd(decompress)(compress(x)) @ jacrev(compress)(x)
    return torch.zeros_like(J)''', None),
    ("ex-modes-count-passes", 0, "patching", "a tuple subclass that equals any answer",
     '''class _Same(tuple):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = tuple.__hash__


def predicted_passes(N, M):
    return _Same((0, 0))''', '''class _Same(tuple):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = tuple.__hash__


predicted_passes = _Same((0, 0))'''),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-modes-mixed", 0, "vmap of vjp for compress's rows, jacfwd for decompress", '''def bottleneck_jacobian(x):
    s, pull = vjp(compress, x)
    rows = torch.eye(s.shape[0], dtype=x.dtype, device=x.device)
    J_compress = torch.func.vmap(pull)(rows)[0]
    return jacfwd(decompress)(s) @ J_compress'''),
    ("ex-modes-mixed", 0, "the product written with torch.mm after both Jacobians", '''def bottleneck_jacobian(x):
    J_compress = jacrev(compress)(x)
    J_decompress = jacfwd(decompress)(compress(x))
    return torch.mm(J_decompress, J_compress)'''),
    ("ex-modes-count-passes", 0, "a list instead of a tuple", '''def predicted_passes(N, M):
    return [N, M]'''),
    ("ex-modes-saved-bytes", 0, "the bytes of one tensor times the number of tensors",
     '''def predicted_saved_bytes(depth, batch, width):
    one_tensor = batch * width * 4  # float32
    return one_tensor * (depth + 1)'''),
    ("ex-modes-mixed", 0, "the solution with a test of its own in the cell (compress and "
     "decompress run when the cell runs)", '''def bottleneck_jacobian(x):
    return jacfwd(decompress)(compress(x)) @ jacrev(compress)(x)


my_point = torch.randn(400, device=device)
print("my Jacobian:", tuple(bottleneck_jacobian(my_point).shape))'''),
]
