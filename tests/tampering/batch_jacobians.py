"""New tries at getting points without the work, for book/batch_jacobians.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format. Exercise 1 is checked in the student's kernel: the
grader puts back the names its check reads (count_flops, predict, ...) before the check runs."""

TRIES = [
    ("ex-batch-jacfwd-flops", 0, "rebinding", "vmap(jacrev) (reverse mode), with count_flops rebound "
     "to return the FLOPs of vmap(jacfwd) from the solution's formula", '''predicted_ratio = N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)


def count_flops(fn, *args):
    fn(*args)
    return 2 * B * M * N * (N + 2)''', None),
    ("ex-batch-jacfwd-flops", 0, "rebinding", "vmap(jacrev) (reverse mode), with FlopCounterMode "
     "rebound to a counter that reports the FLOPs of vmap(jacfwd)", '''predicted_ratio = N / M


def batch_jacobian_by_vmap_jacfwd(weight, bias, xs):
    return vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))(weight, bias, xs)


class FlopCounterMode:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False

    def get_total_flops(self):
        return 2 * B * M * N * (N + 2)''', None),
]
