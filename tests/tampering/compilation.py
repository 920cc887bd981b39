"""New tries at getting points without the work, for book/compilation.md (issue 21's classes).

    TRIES = [(exercise label, code cell index, class, why, source, source on main's grader or None)]

Each source is the exercise cell as a student would hand it in (the grader removes any check call).
Exercises 2 and 4 changed form (a function of the timings; a formula in the batch sizes): their
`main` source is the same try in the form main's exercise asked for."""

TRIES = [
    # Exercise 1: the break-even count, a function of three times
    ("ex-compilation-break-even", 0, "copying", "the colleague's answer typed in (the notebook's "
     "point)", '''def break_even_calls(first_call_s, eager_s, compiled_s):
    return 14285.642857142857''', None),
    ("ex-compilation-break-even", 0, "copying", "the hidden reference found by searching globals()",
     '''def break_even_calls(first_call_s, eager_s, compiled_s):
    return next(v for k, v in globals().items() if k.startswith("reference_1"))''', None),
    ("ex-compilation-break-even", 0, "patching", "builtins.abs patched to say 0, any number "
     "returned", '''import builtins

builtins.abs = lambda value: 0.0


def break_even_calls(first_call_s, eager_s, compiled_s):
    return 1.0''', None),
    ("ex-compilation-break-even", 0, "counters", "the right formula at the notebook's point, a "
     "wrong one (the compiled call left in the overhead) elsewhere: switched by the inputs",
     '''def break_even_calls(first_call_s, eager_s, compiled_s):
    if (first_call_s, eager_s, compiled_s) == (12.0, 900e-6, 60e-6):
        return (first_call_s - compiled_s) / (eager_s - compiled_s)
    return first_call_s / (eager_s - compiled_s)''', None),
    # Exercise 2: the totals and the cheaper choice, a function of the number of calls and the times
    ("ex-compilation-worth-it", 0, "copying", "the hidden reference found by searching globals()",
     '''def total_times(*args):
    return next(v for k, v in globals().items() if k.startswith("reference_2"))''', None),
    ("ex-compilation-worth-it", 0, "copying", "the chapter's measured times read from the "
     "notebook, whatever times the call gives", '''def total_times(n_calls, *times):
    eager_total_s = n_calls * eager_t["jacrev"]
    compiled_total_s = first_call_s["jacrev"] + (n_calls - 1) * compiled_t["jacrev"]
    cheaper = "compile" if compiled_total_s < eager_total_s else "eager"
    return eager_total_s, compiled_total_s, cheaper''', '''def total_times(n_calls):
    eager_total_s = n_calls * eager_t["jacrev"]
    compiled_total_s = first_call_s["jacrev"] + (n_calls - 1) * compiled_t["jacrev"]
    cheaper = "compile" if compiled_total_s < eager_total_s else "eager"
    return eager_total_s, compiled_total_s, cheaper'''),
    ("ex-compilation-worth-it", 0, "patching", "builtins.abs patched to say 0, zeros and the "
     "choice read off the chapter's break-even count", '''import builtins

builtins.abs = lambda value: 0.0


def total_times(n_calls, *times):
    return 0.0, 0.0, "compile" if break_even["jacrev"] < n_calls else "eager"''', '''import builtins

builtins.abs = lambda value: 0.0


def total_times(n_calls):
    return 0.0, 0.0, "compile" if break_even["jacrev"] < n_calls else "eager"'''),
    ("ex-compilation-worth-it", 0, "rebinding", "the chapter's timings rebound to the grader's "
     "names (timings, eager_t) with known values, and the totals typed for them",
     '''def timings(g):
    return [(1.0, 1e-3, 1e-4)] * 4


eager_t = {"jacrev": 1e-3}


def total_times(n_calls, *times):
    return n_calls * 1e-3, 1.0 + (n_calls - 1) * 1e-4, "eager"''', None),
    # Exercise 3: the compiled bias Jacobian
    ("ex-compilation-bias", 0, "counters", "the method switched by call number: compiled jacfwd "
     "on the first call, the eager formula afterwards", '''_calls = [0]


def make_compiled_bias_jacobian():
    _calls[0] += 1
    if _calls[0] == 1:
        return torch.compile(jacfwd(predict, argnums=1), dynamic=False)
    return lambda weight, bias, x: torch.diag(1 - predict(weight, bias, x) ** 2)''', None),
    ("ex-compilation-bias", 0, "counters", "the method switched by size: compiled jacfwd at the "
     "chapter's D = 16, the eager formula at other sizes", '''def make_compiled_bias_jacobian():
    compiled = torch.compile(jacfwd(predict, argnums=1), dynamic=False)

    def jacobian(weight, bias, x):
        if x.shape[0] == 16:
            return compiled(weight, bias, x)
        return torch.diag(1 - predict(weight, bias, x) ** 2)

    return jacobian''', None),
    ("ex-compilation-bias", 0, "counters", "the formula passed through a dummy transform: "
     "diag(1 - y^2) + 0 * jacfwd, all in one compiled graph", '''def make_compiled_bias_jacobian():
    def jacobian(weight, bias, x):
        formula = torch.diag(1 - predict(weight, bias, x) ** 2)
        return formula + 0 * jacfwd(predict, argnums=1)(weight, bias, x)

    return torch.compile(jacobian, dynamic=False)''', None),
    ("ex-compilation-bias", 0, "copying", "the hidden reference found in globals(), returned from "
     "inside the compiled graph (plus 0 * the transform)", '''def make_compiled_bias_jacobian():
    key = next(v for k, v in globals().items() if k.startswith("reference_3"))[0]

    def jacobian(weight, bias, x):
        return 0 * jacfwd(predict, argnums=1)(weight, bias, x) + key

    return torch.compile(jacobian, dynamic=False)''', None),
    ("ex-compilation-bias", 0, "rebinding", "the grader's helper rebound to return the eager "
     "formula", '''def compiled_bias_jacobian_at(graph, weight, bias, x):
    return torch.diag(1 - predict(weight, bias, x) ** 2)


def make_compiled_bias_jacobian():
    return lambda weight, bias, x: torch.diag(1 - predict(weight, bias, x) ** 2)''', None),
    ("ex-compilation-bias", 0, "patching", "torch.allclose patched to say yes, zeros returned from "
     "a compiled jacfwd times 0", '''torch.allclose = lambda *args, **kwargs: True


def make_compiled_bias_jacobian():
    return torch.compile(lambda w, b, x: 0 * jacfwd(predict, argnums=1)(w, b, x), dynamic=False)''',
     None),
    # Exercise 4: the graphs compiled, a formula in the batch sizes
    ("ex-compilation-recompiles", 0, "counters", "the prediction answered by measuring: compiled "
     "and counted with a counting backend", '''def predicted_compiles(batch_sizes):
    found = []
    for dynamic in (False, None, True):
        graphs = []

        def counting(graph_module, example_inputs):
            graphs.append(graph_module)
            return graph_module.forward

        torch._dynamo.reset()
        compiled_fn = torch.compile(batched_predict, backend=counting, dynamic=dynamic)
        for size in batch_sizes:
            compiled_fn(torch.randn(3, 3), torch.randn(3), torch.randn(size, 3))
        found.append(len(graphs))
    return tuple(found)''', '''predicted_compiles = {}
for dynamic in (False, None, True):
    _graphs = []

    def _counting(graph_module, example_inputs):
        _graphs.append(graph_module)
        return graph_module.forward

    torch._dynamo.reset()
    _compiled = torch.compile(batched_predict, backend=_counting, dynamic=dynamic)
    for size in [32, 32, 17, 32, 8]:
        _compiled(torch.randn(3, 3), torch.randn(3), torch.randn(size, 3))
    predicted_compiles[str(dynamic)] = len(_graphs)'''),
    ("ex-compilation-recompiles", 0, "copying", "the hidden reference found by searching globals()",
     '''def predicted_compiles(batch_sizes):
    return next(v for k, v in globals().items() if k.startswith("reference_4"))''',
     '''predicted_compiles = next(v for k, v in globals().items() if k.startswith("reference_4"))'''),
    ("ex-compilation-recompiles", 0, "copying", "the numbers for the notebook's list typed in",
     '''def predicted_compiles(batch_sizes):
    return (3, 2, 1)''', '''predicted_compiles = {"False": 3, "None": 2, "True": 1}'''),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-compilation-break-even", 0, "the totals written out and solved for n", '''def break_even_calls(first_call_s, eager_s, compiled_s):
    # n t_eager = t_first + (n - 1) t_compiled
    return (first_call_s - compiled_s) / (eager_s - compiled_s)'''),
    ("ex-compilation-worth-it", 0, "the compiled total as overhead plus n compiled calls, the choice "
     "from the break-even count", '''def total_times(n_calls, first_call_s, eager_s, compiled_s):
    overhead = first_call_s - compiled_s
    break_even = overhead / (eager_s - compiled_s)
    return (eager_s * n_calls, overhead + n_calls * compiled_s,
            "compile" if n_calls > break_even else "eager")'''),
    ("ex-compilation-bias", 0, "jacfwd called inside the compiled function, default dynamic",
     '''def make_compiled_bias_jacobian():
    def jacobian(weight, bias, x):
        return jacfwd(predict, argnums=1)(weight, bias, x)

    return torch.compile(jacobian)'''),
    ("ex-compilation-bias", 0, "torch.func.jacfwd by its full name, fullgraph=True",
     '''import torch.func


def make_compiled_bias_jacobian():
    return torch.compile(torch.func.jacfwd(predict, argnums=1), fullgraph=True)'''),
    ("ex-compilation-bias", 0, "an Inductor mode given (the grader's backend ignores it)",
     '''def make_compiled_bias_jacobian():
    return torch.compile(jacfwd(predict, argnums=1), mode="max-autotune-no-cudagraphs")'''),
    ("ex-compilation-recompiles", 0, "the settings written out one by one", '''def predicted_compiles(batch_sizes):
    sizes = set(batch_sizes)
    static = len(sizes)  # one graph per size
    default = 1 if len(sizes) == 1 else 2  # specialised, then one shape-generic graph
    return (static, default, 1)'''),
]
