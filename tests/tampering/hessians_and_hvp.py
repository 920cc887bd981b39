"""New tries at getting points without the work, for book/hessians_and_hvp.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format. Exercise 1 is checked in the student's kernel: the
grader puts back the names its check reads (hessian, op_counts, ...) before the check runs."""

TRIES = [
    ("ex-hessian-quadratic", 0, "rebinding", "torch.func.hessian instead of a formula, with op_counts "
     "rebound to count nothing", '''from collections import Counter


def hessian_of_quadratic_formula(A):
    start = torch.zeros(A.shape[0], dtype=A.dtype, device=A.device)
    return torch.func.hessian(lambda x: 0.5 * x @ A @ x)(start)


def op_counts(fn, *args):
    fn(*args)
    return Counter()''', None),
    ("ex-hessian-quadratic", 0, "rebinding", "A itself (not symmetric), with hessian rebound to "
     "hand back the check's own matrix from the closure of its quadratic", '''def hessian_of_quadratic_formula(A):
    return A


def hessian(f):
    matrix = next(cell.cell_contents for cell in f.__closure__
                  if torch.is_tensor(cell.cell_contents))
    return lambda x: matrix''', None),
]
