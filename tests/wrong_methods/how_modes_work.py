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

PASSES_CHECK = '''


check_answer("(jacfwd passes, jacrev passes) at two sizes",
             [predicted_passes(n, m) for n, m in PASS_SIZES], reference_1);'''
SAVED_CHECK = '''


check_answer("bytes saved for backward, at two sizes",
             [predicted_saved_bytes(*sizes) for sizes in SAVED_SIZES], reference_3,
             atol=0, rtol=0);'''

WRONG += [
    ("ex-modes-count-passes", 0, "the modes swapped: one jvp per output, one vjp per input",
     '''def predicted_passes(N, M):
    return (M, N)''' + PASSES_CHECK),
    ("ex-modes-count-passes", 0, "one pass each, as if a whole Jacobian came from one pass",
     '''def predicted_passes(N, M):
    return (1, 1)''' + PASSES_CHECK),
    ("ex-modes-saved-bytes", 0, "the inputs of every matrix product and every tanh output counted "
     "apart (each layer's input counted twice)", '''def predicted_saved_bytes(depth, batch, width):
    return 2 * depth * batch * width * 4''' + SAVED_CHECK),
    ("ex-modes-saved-bytes", 0, "the network's input left out", '''def predicted_saved_bytes(depth, batch, width):
    return depth * batch * width * 4''' + SAVED_CHECK),
]
