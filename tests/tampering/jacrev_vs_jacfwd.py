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
]

VARIANTS = [
    ("ex-fwd-rev-flop-formula", 0, "the formula factored, with integer arithmetic", '''def predicted_jacrev_flops(n, m):
    return 2 * m * n * (m + 1)'''),
]
