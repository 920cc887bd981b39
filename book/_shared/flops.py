# @title Counting FLOPs (shared cell; edit book/_shared/flops.py, then run make notebooks)
from torch.utils.flop_counter import FlopCounterMode


def mv_flops(matrix_shape, vector_shape, *args, out_shape=None, **kwargs):
    # one multiply and one add per entry of the matrix
    return 2 * matrix_shape[0] * matrix_shape[1]


def count_flops(fn, *args):
    """FLOPs of the matrix products that fn(*args) runs (2 per multiply-add), counted by
    FlopCounterMode.

    FlopCounterMode counts matrix-matrix products (mm, addmm, bmm, ...) but, in torch
    2.13, not matrix-vector products (aten.mv, which W @ x runs for a vector x), so we
    add that rule. Element-wise operations are not counted. FLOP counts do not depend on
    the machine, unlike times."""
    with FlopCounterMode(
        display=False, custom_mapping={torch.ops.aten.mv: mv_flops}
    ) as counter:
        fn(*args)
    return counter.get_total_flops()


def matmul_rate(size=512):
    """This machine's arithmetic rate in FLOP/s: a float32 size x size matrix product on
    NUM_THREADS threads."""
    a = torch.randn(size, size, device=device)
    b = torch.randn(size, size, device=device)
    seconds = time_it(torch.mm, a, b, min_run_time=0.1).median
    return count_flops(torch.mm, a, b) / seconds
