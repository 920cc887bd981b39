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
