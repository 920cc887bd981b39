"""Wrong methods for the exercises of book/sparse_jacobians.md: each must fail through a ✗ check line."""

CUMSUM_CHECK = '''


check_cumsum_rule(cumsum_rule);'''

NINE_POINT_CHECK = '''


check_nine_point(nine_point_colouring);'''

WRONG = [
    ("ex-sparse-jacobians-cumsum", 0, "all-to-all: always right, but not exact", '''def cumsum_rule(func, out, traced, args, kwargs):
    x = args[0]
    n = x.numel()
    rows = torch.arange(n, device=x.device).repeat_interleave(n)
    cols = torch.arange(n, device=x.device).repeat(n)
    return [(x, rows, cols)]''' + CUMSUM_CHECK),
    ("ex-sparse-jacobians-cumsum", 0, "the upper triangle: output t reads the later inputs", '''def cumsum_rule(func, out, traced, args, kwargs):
    x = args[0]
    rows, cols = torch.triu_indices(x.numel(), x.numel(), device=x.device)
    return [(x, rows, cols)]''' + CUMSUM_CHECK),
    ("ex-sparse-jacobians-cumsum", 0, "a pointwise rule: each output reads only its own input", '''def cumsum_rule(func, out, traced, args, kwargs):
    x = args[0]
    index = torch.arange(x.numel(), device=x.device)
    return [(x, index, index)]''' + CUMSUM_CHECK),
    ("ex-sparse-jacobians-cumsum", 0, "the triangle without its diagonal", '''def cumsum_rule(func, out, traced, args, kwargs):
    x = args[0]
    rows, cols = torch.tril_indices(x.numel(), x.numel(), -1, device=x.device)
    return [(x, rows, cols)]''' + CUMSUM_CHECK),
    ("ex-sparse-jacobians-nine-point", 0, "the 5-point colouring (k + 2l) mod 5: diagonal neighbours clash", '''def nine_point_colouring(n):
    row, column = torch.arange(n * n) // n, torch.arange(n * n) % n
    return (row + 2 * column) % 5''' + NINE_POINT_CHECK),
    ("ex-sparse-jacobians-nine-point", 0, "colours repeating every 5 points both ways: valid, 25 jvps", '''def nine_point_colouring(n):
    row, column = torch.arange(n * n) // n, torch.arange(n * n) % n
    return row % 5 + 5 * (column % 5)''' + NINE_POINT_CHECK),
    ("ex-sparse-jacobians-nine-point", 0, "one colour per column (dense jacfwd): valid, n * n jvps", '''def nine_point_colouring(n):
    return torch.arange(n * n)''' + NINE_POINT_CHECK),
    ("ex-sparse-jacobians-nine-point", 0, "colours repeating every 9 points of the numbering", '''def nine_point_colouring(n):
    return torch.arange(n * n) % 9''' + NINE_POINT_CHECK),
    ("ex-sparse-jacobians-nine-point", 0, "the 8 x 8 grid's numbering used for every n (j = 8k + l)",
     '''def nine_point_colouring(n):
    j = torch.arange(n * n)
    return (j // 8) % 3 + 3 * ((j % 8) % 3)''' + NINE_POINT_CHECK),
]
