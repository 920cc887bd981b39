"""New tries at getting points without the work, for book/hessians_and_hvp.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format. The grader calls Exercise 1 (the Hessian of a
quadratic, with matrices drawn at grading time, never symmetric) and Exercise 2 (which composition makes
fewer FLOPs, a formula in the sizes, at shapes drawn at grading time, no torch operation allowed); a try's
last field is its form for main's grader, where Exercise 2 asked for two values."""

TRIES = [
    # Exercise 1
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
    ("ex-hessian-quadratic", 0, "copying", "the check's 'fresh' matrix rebuilt from the seed visible "
     "in its cell, its Hessian tabled in advance, A itself for any other matrix", '''_g = torch.Generator(device=device).manual_seed(3)
_A_new = torch.randn(6, 6, dtype=torch.float64, device=device, generator=_g)
_table = [(_A_new, (_A_new + _A_new.T) / 2), (A, (A + A.T) / 2)]


def hessian_of_quadratic_formula(M):
    for seen, answer in _table:
        if seen.shape == M.shape and torch.equal(seen, M):
            return answer
    return M''', None),
    ("ex-hessian-quadratic", 0, "counters", "the method switched by size: the formula at the "
     "chapter's sizes (5 and the check's 6), torch.func.hessian otherwise", '''def hessian_of_quadratic_formula(A):
    if A.shape[0] in (5, 6):
        return (A + A.T) / 2
    start = torch.zeros(A.shape[0], dtype=A.dtype, device=A.device)
    return hessian(lambda x: 0.5 * x @ A @ x)(start)''', None),
    ("ex-hessian-quadratic", 0, "counters", "the method switched by dtype: the formula in float64 "
     "(the chapter's), jacfwd(jacrev) otherwise", '''def hessian_of_quadratic_formula(A):
    if A.dtype == torch.float64:
        return (A + A.T) / 2
    start = torch.zeros(A.shape[0], dtype=A.dtype, device=A.device)
    return jacfwd(jacrev(lambda x: 0.5 * x @ A @ x))(start)''', None),
    ("ex-hessian-quadratic", 0, "patching", "torch.allclose and builtins.abs patched, A itself "
     "returned", '''import builtins

torch.allclose = lambda *args, **kwargs: True
builtins.abs = lambda x: 0


def hessian_of_quadratic_formula(A):
    return A''', None),
    # Exercise 2
    ("ex-hessian-composition-winner", 0, "rebinding", "the check's list of shapes rebound to the "
     "scalar network only, and one answer for all", '''NETWORK_SIZES = [(64, 1)] * 4


def fewer_flops(n, m):
    return "jacrev(jacrev)"''', '''fewer_flops_of_two = lambda function, x: ("jacrev(jacrev)", {})
predicted_fewer_flops = {"scalar_network": "jacrev(jacrev)", "vector_network": "jacrev(jacrev)"}'''),
    ("ex-hessian-composition-winner", 0, "copying", "the hidden answers found in globals() and "
     "returned by matching the shape against the check's shapes", '''_key = next(v for k, v in list(globals().items()) if k.startswith("reference_2"))


def fewer_flops(n, m):
    for (n_seen, m_seen), answer in zip(NETWORK_SIZES, _key):
        if (n, m) == (n_seen, m_seen):
            return answer
    return "jacfwd(jacfwd)"''', '''predicted_fewer_flops = dict(next(v for k, v in list(globals().items())
                                  if k.startswith("reference_2")))'''),
    ("ex-hessian-composition-winner", 0, "copying", "the answers typed in for the chapter's two "
     "networks, one of them for any other shape", '''def fewer_flops(n, m):
    if (n, m) == (64, 1):
        return "jacrev(jacrev)"
    if (n, m) == (8, 128):
        return "jacfwd(jacfwd)"
    return "jacrev(jacrev)"''', '''predicted_fewer_flops = {"scalar_network": "jacrev(jacrev)", "vector_network": "jacfwd(jacfwd)"}'''),
    ("ex-hessian-composition-winner", 0, "counters", "the winner measured, not predicted: "
     "FlopCounterMode around both compositions on a network of the shape asked", '''from torch.utils.flop_counter import FlopCounterMode as _Counter


def fewer_flops(n, m):
    V_1, V_2 = torch.randn(32, n), torch.randn(m, 32)
    network = lambda x: V_2 @ torch.tanh(V_1 @ x)
    counts = {}
    for name, transform in (("jacfwd(jacfwd)", jacfwd(jacfwd(network))),
                            ("jacrev(jacrev)", jacrev(jacrev(network)))):
        with _Counter(display=False) as counter:
            transform(torch.randn(n))
        counts[name] = counter.get_total_flops()
    if m == 1:
        return "jacrev(jacrev)"
    return min(counts, key=counts.get)''', '''predicted_fewer_flops = {
    name: min(counts, key=counts.get)
    for name, counts in (("scalar_network", {"jacfwd(jacfwd)": count_flops(jacfwd(jacfwd(scalar_network)), x_a),
                                             "jacrev(jacrev)": count_flops(jacrev(jacrev(scalar_network)), x_a)}),
                         ("vector_network", {"jacfwd(jacfwd)": count_flops(jacfwd(jacfwd(vector_network)), x_b),
                                             "jacrev(jacrev)": count_flops(jacrev(jacrev(vector_network)), x_b)}))
}'''),
    ("ex-hessian-composition-winner", 0, "patching", "a str subclass that equals any answer, "
     "returned for every shape", '''class _Any(str):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__


def fewer_flops(n, m):
    return _Any("jacfwd(jacfwd)")''', '''class _Any(str):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__


predicted_fewer_flops = {"scalar_network": _Any("jacfwd(jacfwd)"), "vector_network": _Any("x")}'''),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-hessian-quadratic", 0, "the symmetric part written with transpose and a product by 0.5",
     '''def hessian_of_quadratic_formula(A):
    return 0.5 * (A + A.transpose(0, 1))'''),
    ("ex-hessian-quadratic", 0, "torch.add with alpha, then a division", '''def hessian_of_quadratic_formula(A):
    return torch.add(A, A.mT).div(2)'''),
    ("ex-hessian-composition-winner", 0, "the rule by comparing the numbers of outputs and inputs",
     '''def fewer_flops(n, m):
    if m > n:
        return "jacfwd(jacfwd)"
    return "jacrev(jacrev)"'''),
]
