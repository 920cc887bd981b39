"""Wrong methods for the exercises of book/compilation.md: each must fail through a ✗ check line."""

BIAS_CHECK = '''


check_compiled_bias(make_compiled_bias_jacobian);'''

WRONG = [
    ("ex-compilation-bias", 0, "the transform of a compiled function (the refused order)", '''def make_compiled_bias_jacobian():
    return jacfwd(torch.compile(predict, dynamic=False), argnums=1)''' + BIAS_CHECK),
    ("ex-compilation-bias", 0, "eager jacfwd, nothing compiled", '''def make_compiled_bias_jacobian():
    return jacfwd(predict, argnums=1)''' + BIAS_CHECK),
    ("ex-compilation-bias", 0, "compiled jacrev instead of jacfwd", '''def make_compiled_bias_jacobian():
    return torch.compile(jacrev(predict, argnums=1), dynamic=False)''' + BIAS_CHECK),
    ("ex-compilation-bias", 0, "the analytic formula typed in and compiled", '''def make_compiled_bias_jacobian():
    def formula(weight, bias, x):
        return torch.diag(1 - predict(weight, bias, x) ** 2)

    return torch.compile(formula, dynamic=False)''' + BIAS_CHECK),
    ("ex-compilation-bias", 0, "torch.autograd.functional.jacobian", '''def make_compiled_bias_jacobian():
    def jacobian(weight, bias, x):
        return torch.autograd.functional.jacobian(lambda b: predict(weight, b, x), bias)

    return jacobian''' + BIAS_CHECK),
    ("ex-compilation-bias", 0, "the formula returned, plus a dummy call of the compiled jacfwd", '''def make_compiled_bias_jacobian():
    compiled = torch.compile(jacfwd(predict, argnums=1), dynamic=False)

    def jacobian(weight, bias, x):
        compiled(weight, bias, x)  # only to satisfy the checks
        return torch.diag(1 - predict(weight, bias, x) ** 2)

    return jacobian''' + BIAS_CHECK),
]

WRONG += [
    ("ex-compilation-break-even", 0, "the compiled call left in the overhead: t_first / (t_eager - "
     "t_compiled)", '''def break_even_calls(first_call_s, eager_s, compiled_s):
    return first_call_s / (eager_s - compiled_s)'''),
    ("ex-compilation-break-even", 0, "the first call over the eager time, no saving per call",
     '''def break_even_calls(first_call_s, eager_s, compiled_s):
    return first_call_s / eager_s'''),
    ("ex-compilation-worth-it", 0, "the first call on top of n compiled calls", '''def total_times(n_calls, first_call_s, eager_s, compiled_s):
    eager_total_s = n_calls * eager_s
    compiled_total_s = first_call_s + n_calls * compiled_s
    return eager_total_s, compiled_total_s, "compile" if compiled_total_s < eager_total_s else "eager"'''),
    ("ex-compilation-worth-it", 0, "the compiled total without the first call", '''def total_times(n_calls, first_call_s, eager_s, compiled_s):
    eager_total_s = n_calls * eager_s
    compiled_total_s = n_calls * compiled_s
    return eager_total_s, compiled_total_s, "compile" if compiled_total_s < eager_total_s else "eager"'''),
    ("ex-compilation-recompiles", 0, "the default counted like dynamic=False (a graph per size)",
     '''def predicted_compiles(batch_sizes):
    distinct = len(set(batch_sizes))
    return (distinct, distinct, 1)'''),
    ("ex-compilation-recompiles", 0, "a graph per call, repeated sizes counted again",
     '''def predicted_compiles(batch_sizes):
    return (len(batch_sizes), 2, 1)'''),
]
