"""Wrong answers to the exercises of book/jacrev_vs_jacfwd.md: each must fail through a ✗ check line.
The chapter's exercises are predictions (a FLOP formula, counts under chunk_size, the cheaper mode for
an argument), so the wrong tries are the plausible wrong reasonings: a pass forgotten, the shape read the wrong
way round, a multiply-add counted once, a partial chunk dropped, the weight's Jacobian taken as square."""

FORMULA_CHECK = '''


check_answer(
    "FLOPs of jacrev at three shapes",
    [predicted_jacrev_flops(n, m) for n, m in FLOP_SHAPES],
    reference_1,
    hint="which matrix products run in the forward pass, and in the batched backward?",
);'''

CHUNKS_CHECK = '''


check_answer(
    "(matrix products, FLOP ratio) at three layers",
    [predicted_chunks(*case) for case in CHUNK_CASES],
    reference_2,
    hint="into how many pieces is the batch cut, and does cutting change the work?",
);'''

WINNER_CHECK = '''


if check_answer(
    "prediction made",
    predicted_winner(48, 48, "weight") in ("jacfwd", "jacrev"),
    True,
    hint='return "jacfwd" or "jacrev" first',
):
    check_answer(
        "modes with fewer FLOPs at four layers",
        winners_at(predicted_winner, WINNER_CASES),
        reference_3,
        hint="count the outputs and the inputs of each Jacobian",
    )'''


def chunks(formula):
    return f"def predicted_chunks(m, n, c):\n    return {formula}" + CHUNKS_CHECK


WRONG = [
    ("ex-fwd-rev-flop-formula", 0, "the batched backward only, the forward pass forgotten",
     "def predicted_jacrev_flops(n, m):\n    return 2 * m**2 * n" + FORMULA_CHECK),
    ("ex-fwd-rev-flop-formula", 0, "n and m swapped: N vjps of an N x M product",
     "def predicted_jacrev_flops(n, m):\n    return 2 * n * m + 2 * n**2 * m" + FORMULA_CHECK),
    ("ex-fwd-rev-flop-formula", 0, "jacfwd's count: N tangents pushed forward, plus the weight's",
     "def predicted_jacrev_flops(n, m):\n    return 2 * m * n**2 + 2 * 2 * m * n" + FORMULA_CHECK),
    ("ex-fwd-rev-flop-formula", 0, "a multiply-add counted as one FLOP, not two",
     "def predicted_jacrev_flops(n, m):\n    return m * n + m**2 * n" + FORMULA_CHECK),
    ("ex-fwd-rev-flop-formula", 0, "one vjp per output, each a full matrix-vector product and forward pass",
     "def predicted_jacrev_flops(n, m):\n    return m * (2 * m * n + 2 * m * n)" + FORMULA_CHECK),
    ("ex-fwd-rev-chunks", 0, "m // c: the last, partial chunk dropped", chunks("(m // c, 1.0)")),
    ("ex-fwd-rev-chunks", 0, "the forward pass counted as a matrix product", chunks("(-(-m // c) + 1, 1.0)")),
    ("ex-fwd-rev-chunks", 0, "chunks thought to cut the work to one chunk's share", chunks("(-(-m // c), c / m)")),
    ("ex-fwd-rev-chunks", 0, "chunks thought to repeat the whole product", chunks("(-(-m // c), float(-(-m // c)))")),
    ("ex-fwd-rev-chunks", 0, "one product only: chunks thought to be a loop inside one kernel", chunks("(1, 1.0)")),
    ("ex-fwd-rev-chunks", 0, "only the count predicted, the ratio left out", chunks("(-(-m // c), None)")),
    ("ex-fwd-rev-predict-winner", 0, "the shape of dy/dx applied to dy/dW: the weight's M N inputs missed",
     'def predicted_winner(n, m, wrt):\n    return "jacfwd" if m > n else "jacrev"' + WINNER_CHECK),
    ("ex-fwd-rev-predict-winner", 0, "jacfwd for a square layer (N = M = 48 read as a square Jacobian)",
     'def predicted_winner(n, m, wrt):\n    return "jacfwd" if m >= n else "jacrev"' + WINNER_CHECK),
    ("ex-fwd-rev-predict-winner", 0, "jacrev always: the input's tall Jacobian missed",
     'def predicted_winner(n, m, wrt):\n    return "jacrev"' + WINNER_CHECK),
    ("ex-fwd-rev-predict-winner", 0, "the rule read the wrong way round (jacrev for tall)",
     'def predicted_winner(n, m, wrt):\n    return "jacrev" if wrt == "weight" or m > n else "jacfwd"'
     + WINNER_CHECK),
    ("ex-fwd-rev-predict-winner", 0, "a transform that is neither mode",
     'def predicted_winner(n, m, wrt):\n    return "vmap"' + WINNER_CHECK),
]
