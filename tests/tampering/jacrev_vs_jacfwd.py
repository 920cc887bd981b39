"""New tries at getting points without the work, for book/jacrev_vs_jacfwd.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format."""

TRIES = [
    ("ex-fwd-rev-flop-formula", 0, "counters", "the FLOPs measured with count_flops at the sizes, not "
     "predicted", '''def predicted_jacrev_flops(n, m):
    layer = (torch.randn(m, n), torch.randn(m), torch.randn(n))
    return count_flops(jacrev(predict, argnums=2), *layer)''', None),
    ("ex-fwd-rev-flop-formula", 0, "copying", "the answer key found in globals(), tabled by the "
     "shapes it was counted at", '''def predicted_jacrev_flops(n, m):
    shapes = next(v for k, v in globals().items() if k.startswith("FLOP_SHAPES"))
    key = next(v for k, v in globals().items() if k.startswith("reference_1"))
    return dict(zip(shapes, key)).get((n, m), 0)''', None),
    ("ex-fwd-rev-predict-winner", 0, "counters", "the FLOPs of both modes measured with count_flops "
     "at the sizes asked, not predicted", '''def predicted_winner(n, m, wrt):
    layer = (torch.randn(m, n), torch.randn(m), torch.randn(n))
    argnums = 0 if wrt == "weight" else 2
    flops = {name: count_flops(t(predict, argnums=argnums), *layer)
             for name, t in (("jacfwd", jacfwd), ("jacrev", jacrev))}
    return min(flops, key=flops.get)''', '''_layer = (torch.randn(48, 48), torch.randn(48), torch.randn(48))
_flops = {name: count_flops(t(predict, argnums=0), *_layer)
          for name, t in (("jacfwd", jacfwd), ("jacrev", jacrev))}
predicted_winner = min(_flops, key=_flops.get)'''),
    ("ex-fwd-rev-predict-winner", 0, "counters", "the stopwatch decides: both modes timed at the "
     "sizes asked", '''def predicted_winner(n, m, wrt):
    layer = (torch.randn(m, n), torch.randn(m), torch.randn(n))
    argnums = 0 if wrt == "weight" else 2
    modes = {"jacfwd": jacfwd(predict, argnums=argnums), "jacrev": jacrev(predict, argnums=argnums)}
    timings = time_methods(modes, *layer, run_time=0.01)
    return min(timings, key=lambda name: timings[name].median)''', '''_layer = (torch.randn(48, 48), torch.randn(48), torch.randn(48))
_modes = {"jacfwd": jacfwd(predict, argnums=0), "jacrev": jacrev(predict, argnums=0)}
_timings = time_methods(_modes, *_layer, run_time=0.01)
predicted_winner = min(_timings, key=lambda name: _timings[name].median)'''),
    ("ex-fwd-rev-predict-winner", 0, "copying", "the answer key found in globals(), tabled by the "
     "notebook's cases, a guess elsewhere", '''def predicted_winner(n, m, wrt):
    key = next(v for k, v in globals().items() if k.startswith("reference_3"))
    if isinstance(key, str) and "WINNER_CASES" in globals():
        return dict(zip(WINNER_CASES, key.split(", "))).get((n, m, wrt), "jacrev")
    return key''', '''predicted_winner = next(v for k, v in globals().items() if k.startswith("reference_3"))'''),
    ("ex-fwd-rev-predict-winner", 0, "patching", "a str whose == always says yes",
     '''class _Yes(str):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__


def predicted_winner(n, m, wrt):
    return _Yes("vmap")''', '''class _Yes(str):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__


predicted_winner = _Yes("vmap")'''),
    ("ex-fwd-rev-chunks", 0, "counters", "the products and the FLOPs measured at the sizes asked, "
     "with the chapter's op_counts and count_flops", '''def predicted_chunks(m, n, c):
    layer = (torch.randn(m, n), torch.randn(m), torch.randn(n))
    chunked = jacrev(predict, argnums=2, chunk_size=c)
    ratio = count_flops(chunked, *layer) / count_flops(jacrev(predict, argnums=2), *layer)
    return (op_counts(chunked, *layer)["aten::mm"], ratio)''', '''_layer = (torch.randn(100, 32), torch.randn(100), torch.randn(32))
_chunked = jacrev(predict, argnums=2, chunk_size=16)
predicted_matrix_products = op_counts(_chunked, *_layer)["aten::mm"]
predicted_flop_ratio = count_flops(_chunked, *_layer) / count_flops(
    jacrev(predict, argnums=2), *_layer)'''),
    ("ex-fwd-rev-chunks", 0, "copying", "the answer key found in globals(), tabled by the notebook's "
     "cases, a guess elsewhere", '''def predicted_chunks(m, n, c):
    key = next(v for k, v in globals().items() if k.startswith("reference_2"))
    if "CHUNK_CASES" in globals():
        return dict(zip(CHUNK_CASES, key)).get((m, n, c), (7, 1.0))
    return tuple(key)''', '''predicted_matrix_products, predicted_flop_ratio = next(
    v for k, v in globals().items() if k.startswith("reference_2"))'''),
    ("ex-fwd-rev-chunks", 0, "patching", "builtins.abs patched to say 0, a wrong ratio given",
     '''import builtins

builtins.abs = lambda value: 0


def predicted_chunks(m, n, c):
    return (-(-m // c), 0.5)''', '''import builtins

builtins.abs = lambda value: 0
predicted_matrix_products = 7
predicted_flop_ratio = 0.5'''),
]

VARIANTS = [
    ("ex-fwd-rev-flop-formula", 0, "the formula factored, with integer arithmetic", '''def predicted_jacrev_flops(n, m):
    return 2 * m * n * (m + 1)'''),
    ("ex-fwd-rev-predict-winner", 0, "the FLOP counts of both modes written as formulas, the smaller "
     "one returned", '''def predicted_winner(n, m, wrt):
    if wrt == "weight":  # M outputs, M N inputs; forward mode also multiplies x's zero tangent
        flops = {"jacfwd": 2 * m * n * (m * n + 2), "jacrev": 2 * m * n}
    else:
        flops = {"jacfwd": 4 * m * n + 2 * m * n**2, "jacrev": 2 * m * n + 2 * m**2 * n}
    return min(flops, key=flops.get)'''),
    ("ex-fwd-rev-chunks", 0, "math.ceil, and the ratio as the int 1", '''import math


def predicted_chunks(m, n, c):
    return (math.ceil(m / c), 1)'''),
]
