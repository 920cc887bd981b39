"""Wrong methods for the exercises of book/how_modes_work.md: each must fail through a ✗ check line."""

MIXED_CHECK = '''

check_answer("Jacobian at two points, and vectors pushed",
             jacobian_and_passes(bottleneck_jacobian), reference_2,
             hint="J is a product of two Jacobians: which mode suits the shape of each?");'''

WRONG = [
    ("ex-modes-mixed", 0, "jacrev of the whole function", '''def bottleneck_jacobian(x):
    return jacrev(lambda x: decompress(compress(x)))(x)''' + MIXED_CHECK),
    ("ex-modes-mixed", 0, "jacfwd of the whole function", '''def bottleneck_jacobian(x):
    return jacfwd(lambda x: decompress(compress(x)))(x)''' + MIXED_CHECK),
    ("ex-modes-mixed", 0, "the other pairing: jacfwd on compress, jacrev on decompress", '''def bottleneck_jacobian(x):
    return jacrev(decompress)(compress(x)) @ jacfwd(compress)(x)''' + MIXED_CHECK),
    ("ex-modes-mixed", 0, "the chain rule typed in, no autodiff", '''def bottleneck_jacobian(x):
    t1 = torch.tanh(B1 @ x)
    t2 = torch.tanh(E1 @ (B2 @ t1))
    return E2 @ ((1 - t2**2)[:, None] * E1) @ B2 @ ((1 - t1**2)[:, None] * B1)''' + MIXED_CHECK),
    ("ex-modes-mixed", 0, "the answer key copied, plus the six passes run for the counter", '''def bottleneck_jacobian(x):
    jacfwd(decompress)(compress(x)) @ jacrev(compress)(x)  # only for the counter
    return reference_2[0]''' + MIXED_CHECK),
]
