"""Wrong methods for the exercises of book/structure.md: each must fail through a ✗ check line."""

DIAGONAL_CHECK = '''


check_diagonal_exercise(diagonal_estimate);'''

WRONG = [
    ("ex-structure-banded", 0, "the tridiagonal colouring j mod 3 for bandwidth 2", '''predicted_hvps = 3
colours_band_2 = torch.arange(12) % 3

check_banded_exercise(colours_band_2, predicted_hvps);'''),
    ("ex-structure-banded", 0, "the substitution count w + 1 with a direct colouring", '''predicted_hvps = 3
colours_band_2 = torch.arange(12) % 5

check_banded_exercise(colours_band_2, predicted_hvps);'''),
    ("ex-structure-banded", 0, "one colour per column: valid, but not the fewest", '''predicted_hvps = 12
colours_band_2 = torch.arange(12)

check_banded_exercise(colours_band_2, predicted_hvps);'''),
    ("ex-structure-cyclic", 0, "j mod 3 around the ring: columns 0 and 9 clash", '''three_are_enough = True
colours_cyclic = torch.arange(10) % 3

check_cyclic_exercise(three_are_enough, colours_cyclic);'''),
    ("ex-structure-exact-diagonal", 0, "a Python loop of hvps, one call per probe", '''def diagonal_estimate(hvp, probes):
    products = torch.stack([hvp(v) for v in probes])
    return (probes * products).sum(0) / (probes * probes).sum(0)''' + DIAGONAL_CHECK),
    ("ex-structure-exact-diagonal", 0, "the mean over probes instead of dividing by the sum of v * v",
     '''def diagonal_estimate(hvp, probes):
    return (probes * hvp(probes)).mean(0)''' + DIAGONAL_CHECK),
]
