"""Wrong methods for the exercises of book/custom_functions.md: each must FAIL its check with a ✗ line."""

_CUMSUM_CLASS = '''class NumpyCumsum(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return cumsum_numpy(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, grad_y):
        return grad_y.flip(-1).cumsum(-1).flip(-1)

    @staticmethod
    def vmap(info, in_dims, x):
'''
_CUMSUM_CHECK = '''

check_answer("cumsum", cumsum_report(NumpyCumsum), reference_2,
             hint="which dimension does the NumPy forward sum along, and where is the "
                  "batch dimension of x?");
'''
_HVP_CHECK = '''

check_answer("reverse over reverse", hvp_report(hvp_without_jvp), reference_3,
             atol=1e-12, rtol=0,
             hint="which transforms need only backward? Differentiate the gradient "
                  "once more, along v");
'''

_CALLS_CHECK = '''


check_answer("backward calls at three shapes",
             predictions_at(predicted_backward_calls, CALL_SHAPES), reference_1);
'''

WRONG = [
    ("ex-custom-count-backward", 0, "jacrev thought to call backward once per row, as the loop does",
     "def predicted_backward_calls(rows, n):\n    return (rows, rows)" + _CALLS_CHECK),
    ("ex-custom-count-backward", 0, "the loop thought batched by autograd, like jacrev",
     "def predicted_backward_calls(rows, n):\n    return (1, 1)" + _CALLS_CHECK),
    ("ex-custom-count-backward", 0, "one call per entry of the Jacobian row (n per output)",
     "def predicted_backward_calls(rows, n):\n    return (1, rows * n)" + _CALLS_CHECK),
    ("ex-custom-vmap-rule", 0, "a loop over the examples inside the vmap rule (one NumPy call each)",
     _CUMSUM_CLASS + '''        (x_bdim,) = in_dims
        rows = [NumpyCumsum.apply(x.select(x_bdim, i)) for i in range(x.shape[x_bdim])]
        return torch.stack(rows), 0''' + _CUMSUM_CHECK),
    ("ex-custom-vmap-rule", 0, "torch.cumsum in the rule instead of the Function's NumPy forward",
     _CUMSUM_CLASS + '''        return torch.cumsum(x.movedim(in_dims[0], 0), dim=-1), 0''' + _CUMSUM_CHECK),
    ("ex-custom-vmap-rule", 0, "the batch dimension left where it is (sums over the examples)",
     _CUMSUM_CLASS + '''        return NumpyCumsum.apply(x), in_dims[0]''' + _CUMSUM_CHECK),
    ("ex-custom-vmap-rule", 0, "torch.cumsum for the result, plus a dummy call of the NumPy forward",
     _CUMSUM_CLASS + '''        x = x.movedim(in_dims[0], 0)
        NumpyCumsum.forward(x)  # one NumPy call, for the counter
        return torch.cumsum(x, dim=-1), 0''' + _CUMSUM_CHECK),
    ("ex-custom-hvp", 0, "the whole Hessian by jacrev(jacrev), then times v",
     '''def hvp_without_jvp(f, x, v):
    return jacrev(jacrev(f))(x) @ v''' + _HVP_CHECK),
    ("ex-custom-hvp", 0, "torch.autograd.functional.hessian, then times v",
     '''def hvp_without_jvp(f, x, v):
    return torch.autograd.functional.hessian(f, x) @ v''' + _HVP_CHECK),
    ("ex-custom-hvp", 0, "the analytic formula of log-sum-exp typed in, plus a dummy grad",
     '''def hvp_without_jvp(f, x, v):
    grad(f)(x)  # one forward and one backward, for the counters
    s = torch.softmax(x, dim=0)
    return s * v - s * (s @ v)''' + _HVP_CHECK),
    ("ex-custom-hvp", 0, "the answer key copied, plus a dummy grad",
     '''def hvp_without_jvp(f, x, v):
    grad(f)(x)
    return reference_3["hvp"]''' + _HVP_CHECK),
    ("ex-custom-hvp", 0, "a loop of vjps of grad over the unit vectors (forms H row by row)",
     '''def hvp_without_jvp(f, x, v):
    _, vjp_of_grad = vjp(grad(f), x)
    rows = [vjp_of_grad(e)[0] for e in torch.eye(len(x), dtype=x.dtype, device=x.device)]
    return torch.stack(rows) @ v''' + _HVP_CHECK),
]
