"""Compiling torch.func transforms (book/compilation.md): the exercises the grader calls (see
tools/grade_specs/__init__.py).

Exercises 1 and 2 are functions of the timings (break-even calls; the totals and the cheaper choice),
called with timings drawn at grading time, never the chapter's measurements: grading no longer runs the
chapter's compile-and-time cells (grade.prune empties them). Exercise 3 calls the student's factory with
torch.compile made to use a recording backend (no C++ compile) and counts what it compiled. Exercise 4
is a formula: the graphs Dynamo compiles for a sequence of batch sizes, under each setting of dynamic,
checked at sequences drawn at grading time against the graphs the grading process counts when it
compiles them."""

# A formula in the timings runs nothing: no torch operation, no transform, no compile.
NOTHING_RUN = """
def method(*args):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0,
            "calls of torch.compile": 0}
"""

TIMINGS = """
def timings(g):
    # a first call (which compiles) from 0.2 s to 30 s, an eager call from 20 us to 5 ms, a compiled
    # call from 5 % to 90 % of it; the last draw is a cheap compile (a few eager calls' worth, as
    # with a warm cache), where the compiled call's time in the overhead is not negligible
    found = []
    for k in range(4):
        u = torch.rand(3, generator=g, dtype=torch.float64).tolist()
        eager_s = 20e-6 * 250 ** u[1]
        compiled_s = eager_s * (0.05 + 0.85 * u[2])
        first_call_s = 0.2 * 150 ** u[0] if k < 3 else eager_s * (2 + 8 * u[0])
        found.append((first_call_s, eager_s, compiled_s))
    return found
"""

BIAS_SETUP = """
from torch.func import jacfwd, jacrev


def predict(weight, bias, x):
    return torch.tanh(weight @ x + bias)


def compiled_bias_jacobian_at(graph, weight, bias, x):
    # The student's factory and its compiled function, with torch.compile made to use the grader's
    # recording backend (it keeps the graph and what the graph returned; no C++ compile).
    compile_now = torch.compile

    def compile_recording(fn=None, **options):
        options["backend"] = graph.backend
        for inductors_own in ("mode", "options"):  # settings for Inductor, which does not run here
            options.pop(inductors_own, None)
        return compile_now(fn, **options)

    torch._dynamo.reset()  # each call compiles from nothing, as in a fresh process
    torch.compile = compile_recording
    try:
        made = make_compiled_bias_jacobian()
        got = made(weight, bias, x)
    finally:
        torch.compile = compile_now
    graph.returned(got)
    return got
"""

RECOMPILES_SETUP = """
from torch.func import vmap


def predict(weight, bias, x):
    return torch.tanh(weight @ x + bias)


batched_predict = vmap(predict, in_dims=(None, None, 0))
"""

SPECS = {
    "ex-compilation-break-even": {
        "function": "break_even_calls",
        "drawn": "timings",
        "setup": TIMINGS,
        "points": """
def points(g, device):
    return timings(g)
""",
        "reference": """
def reference(first_call_s, eager_s, compiled_s):
    return (first_call_s - compiled_s) / (eager_s - compiled_s)
""",
        "method": NOTHING_RUN,
        # floats in float64: a few ulps apart for another order of the same arithmetic; leaving the
        # compiled call out of the overhead is off by 0.3 or more at the last draw
        "tolerance": (0.0, 1e-9),
        "provenance": None,
    },
    "ex-compilation-worth-it": {
        "function": "total_times",
        "drawn": "timings",
        "setup": TIMINGS,
        # a number of calls well below or well above the break-even count of each draw, each side
        # drawn at least once
        "points": """
def points(g, device):
    found = []
    for k, (first_call_s, eager_s, compiled_s) in enumerate(timings(g)):
        break_even = (first_call_s - compiled_s) / (eager_s - compiled_s)
        u = float(torch.rand(1, generator=g, dtype=torch.float64))
        factor = 0.2 + 0.5 * u if k % 2 else 1.5 + 3.5 * u
        found.append((max(2, round(break_even * factor)), first_call_s, eager_s, compiled_s))
    return found
""",
        "reference": """
def reference(n_calls, first_call_s, eager_s, compiled_s):
    eager_total_s = n_calls * eager_s
    compiled_total_s = first_call_s + (n_calls - 1) * compiled_s
    return (eager_total_s, compiled_total_s,
            "compile" if compiled_total_s < eager_total_s else "eager")
""",
        "method": NOTHING_RUN,
        "tolerance": (0.0, 1e-9),
        "provenance": None,
    },
    "ex-compilation-bias": {
        "function": "compiled_bias_jacobian_at",
        "setup": BIAS_SETUP,
        # two small sizes drawn at grading time (each call compiles once, through the recording
        # backend: a fraction of a second)
        "points": """
RESHAPING = {"_remove_batch_dim", "_vmap_decrement_nesting", "movedim", "split", "getitem",
             "unflatten", "view", "reshape", "contiguous", "squeeze", "unsqueeze", "clone", "to",
             "float", "detach", "_set_fwd_grad_enabled", "_exit_dual_level", "_unwrap_for_grad"}


def points(g, device):
    class Graph:
        # the grader's backend: counts the graphs it is given, those holding the forward-mode
        # transform, the operations after the transform, and whether the result is a tensor the
        # compiled graph returned. Kept here and counted after the call: Dynamo writes back the
        # counters that the traced code changed (a call of jacfwd inside the compiled function) as
        # they were when it traced, over what the backend counted meanwhile.
        def __init__(self):
            self.outputs, self.found = [], {}

        def note(self, name, k=1):
            self.found[name] = self.found.get(name, 0) + k

        def backend(self, graph_module, example_inputs):
            self.note("graphs given to the backend")
            names = [getattr(node.target, "__name__", str(node.target))
                     for node in graph_module.graph.nodes
                     if node.op in ("call_function", "call_method")]
            if "_jvp_increment_nesting" in names:
                self.note("graphs holding forward mode")
                # what the graph returns must be the transform's result, reshaped at most: no
                # arithmetic after the transform ends (a formula plus 0 * the transform has some)
                after = names[len(names) - names[::-1].index("_jvp_decrement_nesting"):]
                self.note("operations after the transform",
                          sum(name not in RESHAPING for name in after))

            def run(*args):
                results = graph_module.forward(*args)
                flat = results if isinstance(results, (tuple, list)) else [results]
                self.outputs.extend(r for r in flat if isinstance(r, torch.Tensor))
                return results

            return run

        def returned(self, got):
            for name, k in self.found.items():
                count(name, k)
            if isinstance(got, torch.Tensor) and any(
                    got.data_ptr() == out.data_ptr() for out in self.outputs):
                count("results from the compiled graph")

    found = []
    for size in torch.randperm(5, generator=g)[:2] + 5:
        size = int(size)
        weight = (torch.randn(size, size, generator=g) / size**0.5).to(device)
        bias, x = (torch.randn(size, generator=g).to(device) for _ in range(2))
        found.append((Graph(), weight, bias, x))
    return found
""",
        "reference": """
def reference(graph, weight, bias, x):
    y = predict(weight, bias, x)
    return torch.diag(1 - y**2)
""",
        "method": """
def method(graph, weight, bias, x):
    return {"calls of torch.compile": 1, "calls of a compiled function": 1,
            "graphs given to the backend": 1, "graphs holding forward mode": 1,
            "results from the compiled graph": 1, "operations after the transform": 0,
            "calls of jacfwd": 1,
            "calls of jacrev": 0, "backward passes": 0}
""",
        # 16 float32 ulps of entries of size one, as in the chapter
        "tolerance": (16 * 1.2e-7, 0.0),
        "dispatch": False,
        "provenance": None,
    },
    "ex-compilation-recompiles": {
        "function": "predicted_compiles",
        "drawn": "sequences of batch sizes",
        "setup": RECOMPILES_SETUP,
        # batch sizes from 2 to 40 (size 1 is always special), at most 4 distinct ones (under the
        # recompile limit), with repeats, and one sequence of one size only; the first has 3 or 4 sizes,
        # where the default's count (first size, then one dynamic graph) differs from a graph per size
        "points": """
def points(g, device):
    found = []
    for k in range(3):
        length = int(torch.randint(4, 8, (1,), generator=g))
        least = 3 if k == 0 else 2
        distinct = 1 if k == 2 else int(torch.randint(least, 5, (1,), generator=g))
        sizes = (torch.randperm(39, generator=g)[:distinct] + 2).tolist()
        picks = torch.randint(0, distinct, (length,), generator=g).tolist()
        sequence = [sizes[0]] + [sizes[p] for p in picks]
        for size in sizes:  # every drawn size appears
            if size not in sequence:
                sequence.insert(int(torch.randint(1, len(sequence) + 1, (1,), generator=g)), size)
        found.append((sequence,))
    return found
""",
        # the graphs Dynamo compiles, counted here with a backend that counts (no C++ compile)
        "reference": """
def reference(sequence):
    found = []
    for dynamic in (False, None, True):
        graphs = []

        def counting(graph_module, example_inputs):
            graphs.append(graph_module)
            return graph_module.forward

        torch._dynamo.reset()
        compiled_fn = torch.compile(batched_predict, backend=counting, dynamic=dynamic)
        weight, bias = torch.randn(6, 6), torch.randn(6)
        for size in sequence:
            compiled_fn(weight, bias, torch.randn(size, 6))
        found.append(len(graphs))
    torch._dynamo.reset()
    return tuple(found)
""",
        "method": NOTHING_RUN.replace('"calls of torch.compile": 0', '"calls of torch.compile": 0, '
                                      '"graphs compiled": 0'),
        "provenance": None,
    },
}
