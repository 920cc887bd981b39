"""Code shared by the chapters' specs (not a chapter: the loader skips names starting with "_")."""

# matrix_flops(fn, *args): the FLOPs of fn's matrix products (2 m n k each), counted in the grading process
# by the same rules as the grader's counter in the kernel (tools/grade.py, RECORDER_CELL's `products`)
MATRIX_FLOPS = """
from torch.utils._python_dispatch import TorchDispatchMode


def matrix_flops(fn, *args):
    aten, total = torch.ops.aten, [0]
    rules = {aten.mm.default: lambda a, b: 2 * a.shape[0] * a.shape[1] * b.shape[1],
             aten.addmm.default: lambda c, a, b, *r, **k: 2 * a.shape[0] * a.shape[1] * b.shape[1],
             aten.bmm.default: lambda a, b: 2 * a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2],
             aten.mv.default: lambda a, b: 2 * a.shape[0] * a.shape[1],
             aten.addmv.default: lambda c, a, b, *r, **k: 2 * a.shape[0] * a.shape[1],
             aten.dot.default: lambda a, b: 2 * a.shape[0]}

    class Count(TorchDispatchMode):
        def __torch_dispatch__(self, op, types, args=(), kwargs=None):
            if op in rules:
                total[0] += rules[op](*args)
            return op(*args, **(kwargs or {}))

    with Count():
        fn(*args)
    return total[0]
"""
