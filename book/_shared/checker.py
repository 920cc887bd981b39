# @title Exercise checker (shared cell; edit book/_shared/checker.py, then run make notebooks)
# check_answer is the same in every chapter, so a wrong answer always reads the same way.
def check_answer(name, got, expected, atol=1e-5, rtol=1e-4, hint=""):
    """Print whether `got` matches `expected` and return True if it does.

    A wrong answer gets one readable line saying what was expected and what came
    back, never a traceback. Solutions call it inside `assert`, so a wrong
    solution fails the notebook run.
    """

    def describe(x):
        if isinstance(x, torch.Tensor):
            return f"a tensor of shape {tuple(x.shape)} and dtype {x.dtype}"
        if isinstance(x, (tuple, list)) and not any(isinstance(i, torch.Tensor) for i in x):
            return f"{type(x).__name__} {tuple(x)!r}"[:100]
        return f"{type(x).__name__} {x!r}"[:100]

    def fail(message):
        print(f"✗ {name}: {message}" + (f"\n  Hint: {hint}" if hint else ""))
        return False

    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            keys = sorted(got) if isinstance(got, dict) else describe(got)
            return fail(f"expected a dict with keys {sorted(expected)}, got {keys}")
        return all([check_answer(f"{name}[{k!r}]", got[k], expected[k], atol, rtol, hint) for k in expected])
    if isinstance(expected, (tuple, list)) and expected and all(type(e) is int for e in expected):
        # a shape or a list of counts: compare it whole, so the message shows both
        if not isinstance(got, (tuple, list)) or tuple(got) != tuple(expected):
            return fail(f"expected {tuple(expected)}, got {describe(got)}")
    elif isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return fail(f"expected a {type(expected).__name__} of {len(expected)} items, got {describe(got)}")
        return all([check_answer(f"{name}[{i}]", g, e, atol, rtol, hint) for i, (g, e) in enumerate(zip(got, expected, strict=True))])
    if isinstance(expected, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            return fail(f"expected {describe(expected)}, got {describe(got)}")
        if got.shape != expected.shape:
            return fail(f"expected shape {tuple(expected.shape)}, got shape {tuple(got.shape)}")
        if got.dtype != expected.dtype:
            return fail(f"expected dtype {expected.dtype}, got dtype {got.dtype}")
        got_cpu, expected_cpu = got.detach().cpu(), expected.detach().cpu()
        if not torch.allclose(got_cpu, expected_cpu, atol=atol, rtol=rtol, equal_nan=True):
            error = (got_cpu - expected_cpu).abs()
            where = tuple(int(i) for i in torch.nonzero(error == error.max())[0]) if error.dim() else ()
            return fail(
                f"shape and dtype are right, but the values differ: largest error {error.max().item():.3g} "
                f"at index {where} (got {got_cpu[where].item():.6g}, expected {expected_cpu[where].item():.6g}; "
                f"tolerance atol={atol:g}, rtol={rtol:g})"
            )
    elif isinstance(expected, bool) or not isinstance(expected, (int, float)):
        if got != expected:
            return fail(f"expected {expected!r}, got {describe(got)}")
    else:
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            return fail(f"expected a number close to {expected:.6g}, got {describe(got)}")
        if type(expected) is int and type(got) is int:  # a count: exact, and no tolerance in the message
            if got != expected:
                return fail(f"expected {expected}, got {got}")
        elif abs(got - expected) > atol + rtol * abs(expected):
            return fail(f"expected {expected:.6g}, got {got:.6g} (tolerance atol={atol:g}, rtol={rtol:g})")
    print(f"✓ {name}: correct")
    return True
