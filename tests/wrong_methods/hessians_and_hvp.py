"""Wrong methods for the exercises of book/hessians_and_hvp.md: each must fail through a ✗ check line."""

QUADRATIC_CHECK = '''


check_quadratic_exercise(hessian_of_quadratic_formula);'''

WRONG = [
    ("ex-hessian-quadratic", 0, "torch.func.hessian instead of a formula", '''def hessian_of_quadratic_formula(A):
    point = torch.zeros(A.shape[0], dtype=A.dtype, device=A.device)
    return hessian(lambda x: 0.5 * x @ A @ x)(point)''' + QUADRATIC_CHECK),
    ("ex-hessian-quadratic", 0, "torch.func.hessian of an element-wise form (no matrix product)",
     '''def hessian_of_quadratic_formula(A):
    point = torch.zeros(A.shape[0], dtype=A.dtype, device=A.device)
    return hessian(lambda x: 0.5 * (x[:, None] * A * x[None, :]).sum())(point)''' + QUADRATIC_CHECK),
    ("ex-hessian-quadratic", 0, "A itself: forgets that A is not symmetric", '''def hessian_of_quadratic_formula(A):
    return A''' + QUADRATIC_CHECK),
    ("ex-hessian-quadratic", 0, "the chapter's matrix A's Hessian copied for any A", '''def hessian_of_quadratic_formula(A_given):
    return (A + A.T) / 2''' + QUADRATIC_CHECK),
]

WINNER_CHECK = '''


predicted = [fewer_flops(n, m) for n, m in NETWORK_SIZES]
if check_answer("predictions made", None not in predicted, True):
    check_answer("composition with fewer FLOPs, at all four shapes", predicted == reference_2, True)'''

WRONG += [
    ("ex-hessian-composition-winner", 0, "always jacrev(jacrev): reverse mode for everything",
     '''def fewer_flops(n, m):
    return "jacrev(jacrev)"''' + WINNER_CHECK),
    ("ex-hessian-composition-winner", 0, "the modes swapped: forward for one output, reverse for many",
     '''def fewer_flops(n, m):
    return "jacfwd(jacfwd)" if m == 1 else "jacrev(jacrev)"''' + WINNER_CHECK),
    ("ex-hessian-quadratic", 0, "the transpose only: forgets the symmetric part is an average",
     '''def hessian_of_quadratic_formula(A):
    return A.T''' + QUADRATIC_CHECK),
    ("ex-hessian-quadratic", 0, "A + A.T: forgets the factor 1/2", '''def hessian_of_quadratic_formula(A):
    return A + A.T''' + QUADRATIC_CHECK),
]
