# @title Exercise checker (shared cell; edit book/_shared/checker.py, then run make notebooks)
# check_answer is the same in every chapter: a wrong answer always reads the same way.
def check_answer(name, got, expected, atol=1e-5, rtol=1e-4, hint=""):
    """Print whether `got` matches `expected` and return True if it does.

    A wrong answer gets one readable line saying what is wrong with it (the kind of
    value, the number of dimensions, where the largest error is, too many or too few)
    and what you gave, never the expected value itself, and never a traceback.
    Solutions call it inside `assert`, so a wrong solution fails the notebook run.
    """

    def describe(x):
        if isinstance(x, torch.Tensor):
            return f"a tensor of shape {tuple(x.shape)} and dtype {x.dtype}"
        if isinstance(x, (tuple, list)) and not any(torch.is_tensor(i) for i in x):
            return f"{type(x).__name__} {tuple(x)!r}"[:100]
        return f"{type(x).__name__} {x!r}"[:100]

    def fail(message):
        print(f"✗ {name}: {message}" + (f"\n  Hint: {hint}" if hint else ""))
        return False

    def is_number(x):
        return isinstance(x, (int, float)) and not isinstance(x, bool)

    def dims(n):
        return f"{n} dimension" + ("" if n == 1 else "s")

    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            keys = f"keys {sorted(got)}" if isinstance(got, dict) else describe(got)
            return fail(f"expected a dict with keys {sorted(expected)}, got {keys}")
        results = [check_answer(f"{name}[{k!r}]", got[k], expected[k],
                                atol=atol, rtol=rtol, hint=hint)
                   for k in expected]
        return all(results)
    if isinstance(expected, (tuple, list)) and expected and all(
            type(e) is int for e in expected):
        # a shape or a list of counts, often the answer itself: say what was given
        # and which entries are wrong, never the expected numbers
        if not isinstance(got, (tuple, list)) or not all(is_number(g) for g in got):
            return fail("expected whole numbers (a shape or counts), "
                        f"got {describe(got)}")
        if len(got) != len(expected):
            return fail(f"not the right shape or counts: you gave {tuple(got)!r}, "
                        "and the answer has another number of entries")
        pairs = zip(got, expected, strict=True)
        wrong = [i for i, (g, e) in enumerate(pairs) if g != e]
        if wrong:
            where = ", ".join(str(i) for i in wrong)
            return fail(f"not the right shape or counts: you gave {tuple(got)!r}; "
                        f"the number(s) at position {where} are not right")
    elif isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            kind = type(expected).__name__
            return fail(f"expected a {kind} of {len(expected)} items, "
                        f"got {describe(got)}")
        pairs = zip(got, expected, strict=True)
        results = [check_answer(f"{name}[{i}]", g, e,
                                atol=atol, rtol=rtol, hint=hint)
                   for i, (g, e) in enumerate(pairs)]
        return all(results)
    elif isinstance(expected, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            return fail(f"expected a tensor, got {describe(got)}")
        if got.dim() != expected.dim():
            return fail(f"wrong shape: got shape {tuple(got.shape)}, "
                        f"{dims(got.dim())}; the answer has {dims(expected.dim())}")
        if got.shape != expected.shape:
            pairs = zip(got.shape, expected.shape, strict=True)
            differ = [str(i) for i, (g, e) in enumerate(pairs) if g != e]
            return fail(f"wrong shape: got shape {tuple(got.shape)}; the size along "
                        f"dimension {', '.join(differ)} is not right")
        if got.dtype != expected.dtype:
            return fail(f"expected dtype {expected.dtype}, got dtype {got.dtype}")
        got_cpu, expected_cpu = got.detach().cpu(), expected.detach().cpu()
        if not torch.allclose(got_cpu, expected_cpu, rtol=rtol, atol=atol,
                              equal_nan=True):
            error = (got_cpu - expected_cpu).abs().nan_to_num(float("inf"))
            largest = error.max()
            at = torch.nonzero(error == largest)[0] if error.dim() else []
            where = tuple(int(i) for i in at)
            return fail(
                f"shape and dtype are right, but the values differ: largest error "
                f"{largest.item():.3g} at index {where}, where you have "
                f"{got_cpu[where].item():.6g} (tolerance atol={atol:g}, rtol={rtol:g})"
            )
    elif isinstance(expected, bool) or not isinstance(expected, (int, float)):
        if isinstance(expected, str) and not isinstance(got, str):
            return fail(f"expected a str, got {describe(got)}")
        try:
            different = bool(got != expected)
        except Exception:  # a tensor of several values, or a type that cannot compare
            different = True
        if different:
            return fail(f"not the right answer: you gave {describe(got)}")
    else:
        if not is_number(got):
            return fail(f"expected a number, got {describe(got)}")
        if type(expected) is int and type(got) is int:  # a count: exact
            if got != expected:
                many = "many" if got > expected else "few"
                return fail(f"too {many}: you gave {got}")
        elif abs(got - expected) > atol + rtol * abs(expected):
            return fail(f"not close enough: you gave {got:.6g} "
                        f"(tolerance atol={atol:g}, rtol={rtol:g})")
    print(f"✓ {name}: correct")
    return True
