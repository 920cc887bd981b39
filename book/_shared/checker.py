# @title Exercise checker (shared cell; edit book/_shared/checker.py, then run make notebooks)
# check_answer is the same in every chapter: a wrong answer always reads the same way.
def check_answer(name, got, expected, atol=1e-5, rtol=1e-4, hint=""):
    """Print whether `got` matches `expected` and return True if it does.

    A wrong answer gets a short line saying what KIND of thing is wrong (not a
    tensor, wrong shape, wrong dtype, values wrong beyond the tolerance, not the
    right number) and what you gave, never the expected value, where it differs or
    in which direction, and never a traceback. Lines are wrapped at 70 characters.
    Solutions call it inside `assert`, so a wrong solution fails the notebook run.
    """
    import textwrap

    def describe(x):
        if isinstance(x, torch.Tensor):
            return f"a tensor of shape {tuple(x.shape)} and dtype {x.dtype}"
        if isinstance(x, (tuple, list)) and not any(torch.is_tensor(i) for i in x):
            return f"{type(x).__name__} {tuple(x)!r}"[:60]
        return f"{type(x).__name__} {x!r}"[:60]

    def show(mark, message):
        line = textwrap.fill(f"{mark} {name}: {message}", 70, subsequent_indent="  ",
                             break_on_hyphens=False)
        if hint and mark == "✗":
            line += "\n" + textwrap.fill(f"Hint: {hint}", 70, initial_indent="  ",
                                         subsequent_indent="    ",
                                         break_on_hyphens=False)
        print(line)

    def fail(message):
        show("✗", message)
        return False

    def is_number(x):
        return isinstance(x, (int, float)) and not isinstance(x, bool)

    tolerance = f"(atol={atol:g}, rtol={rtol:g})"
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            keys = f"keys {sorted(got)}" if isinstance(got, dict) else describe(got)
            return fail(f"not the right dict keys: you gave {keys}")
        results = [check_answer(f"{name}[{k!r}]", got[k], expected[k],
                                atol=atol, rtol=rtol, hint=hint)
                   for k in expected]
        return all(results)
    if isinstance(expected, (tuple, list)) and expected and all(
            type(e) is int for e in expected):
        # a shape or a list of counts, often the answer itself: right or wrong,
        # never which entry, how many entries or in which direction
        if not isinstance(got, (tuple, list)) or not all(is_number(g) for g in got):
            return fail(f"expected whole numbers, got {describe(got)}")
        if tuple(got) != tuple(expected):
            return fail(f"not right: you gave {tuple(got)!r}")
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
            return fail(f"not a tensor: you gave {describe(got)}")
        if got.shape != expected.shape:
            return fail(f"wrong shape: you gave shape {tuple(got.shape)}")
        if got.dtype != expected.dtype:
            return fail(f"wrong dtype: you gave {got.dtype} "
                        f"(expected {expected.dtype})")
        got_cpu, expected_cpu = got.detach().cpu(), expected.detach().cpu()
        if not torch.allclose(got_cpu, expected_cpu, rtol=rtol, atol=atol,
                              equal_nan=True):
            nan = " (yours has NaN or inf)" if not got_cpu.isfinite().all() else ""
            return fail(f"shape and dtype right, values wrong beyond the tolerance "
                        f"{tolerance}{nan}")
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
                return fail(f"not right: you gave {got}")
        elif abs(got - expected) > atol + rtol * abs(expected):
            return fail(f"not right within the tolerance {tolerance}: "
                        f"you gave {got:.6g}")
    show("✓", "correct")
    return True
