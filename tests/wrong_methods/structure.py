"""Wrong methods for the exercises of book/structure.md: each must fail through a ✗ check line."""

DIAGONAL_CHECK = '''


check_diagonal_exercise(diagonal_estimate);'''

BANDED_CHECK = """


check_banded_exercise(band_colouring);"""

CYCLIC_CHECK = """


check_cyclic_exercise(cyclic_colouring);"""

WRONG = [
    ("ex-structure-banded", 0, "the tridiagonal colouring j mod 3 for every bandwidth", '''def band_colouring(n, bandwidth):
    return torch.arange(n) % 3''' + BANDED_CHECK),
    ("ex-structure-banded", 0, "the substitution count w + 1 used as the number of colours",
     '''def band_colouring(n, bandwidth):
    return torch.arange(n) % (bandwidth + 1)''' + BANDED_CHECK),
    ("ex-structure-banded", 0, "one colour per column: valid, but not the fewest", '''def band_colouring(n, bandwidth):
    return torch.arange(n)''' + BANDED_CHECK),
    ("ex-structure-banded", 0, "the colouring of bandwidth 2 for every bandwidth (j mod 5)",
     '''def band_colouring(n, bandwidth):
    return torch.arange(n) % 5''' + BANDED_CHECK),
    ("ex-structure-cyclic", 0, "j mod 3 around the ring: the first and last columns clash", '''def cyclic_colouring(n):
    return torch.arange(n) % 3''' + CYCLIC_CHECK),
    ("ex-structure-cyclic", 0, "j mod 3 with the last column a colour of its own, for every n "
     "(valid only when n mod 3 is 1)", '''def cyclic_colouring(n):
    colours = torch.arange(n) % 3
    colours[-1] = 3
    return colours''' + CYCLIC_CHECK),
    ("ex-structure-cyclic", 0, "four colours always: valid, not the fewest when n is a multiple of 3",
     '''def cyclic_colouring(n):
    fours = n % 3 if n % 3 else 3
    blocks = [torch.arange(4)] * fours + [torch.arange(3)] * ((n - 4 * fours) // 3)
    return torch.cat(blocks)''' + CYCLIC_CHECK),
    ("ex-structure-exact-diagonal", 0, "a Python loop of hvps, one call per probe", '''def diagonal_estimate(hvp, probes):
    products = torch.stack([hvp(v) for v in probes])
    return (probes * products).sum(0) / (probes * probes).sum(0)''' + DIAGONAL_CHECK),
    ("ex-structure-exact-diagonal", 0, "the mean over probes instead of dividing by the sum of v * v",
     '''def diagonal_estimate(hvp, probes):
    return (probes * hvp(probes)).mean(0)''' + DIAGONAL_CHECK),
    ("ex-structure-exact-diagonal", 0, "one hvp of the summed probes (one unbatched call)",
     '''def diagonal_estimate(hvp, probes):
    total = probes.sum(0)
    return total * hvp(total) / (total * total)''' + DIAGONAL_CHECK),
]
