"""The exercises that tools/grade.py checks itself, by calling the student's function (see grade.py,
"Exercises the grader calls"). One module per chapter (tools/grade_specs/<chapter>.py), whose ``SPECS``
has one entry per exercise label:

- ``function``: the name the student's code defines;
- ``setup``: the chapter's given code (the function under study, sizes), run by the grader in its own
  namespace in the kernel AFTER the student's code (a rebound ``predict`` is put back) and in the
  grading process (where no student code ever runs) to compute the references;
- ``points``: ``points(g, device)`` draws the arguments of each call from a generator seeded at grading
  time with a secret seed (never the notebook's seed);
- ``reference``: ``reference(*args)``, run only in the grading process;
- ``method``: ``method(*args)`` gives the counts the call must make, from the counters the grader runs
  around each call whose value it checks (names: see COUNTERS): a number, or ``("<=", bound)``; a name
  may be a sum, ``"calls of grad + calls of vjp"``, for an exercise that allows one of several transforms;
- ``provenance``: where the returned tensors must come from: ``"backward"`` (an output of a backward pass
  of this call, as returned or stacked, or cast to another dtype), the name of a transform (``"jacrev"``,
  ``"vmap"``, ``"hessian"``, ...: an output of that transform in this call), or None;
- ``tolerance``: (atol, rtol) for the values (default 1e-5, 1e-4); ``tolerance64`` for float64 values;
- ``drawn``: what the points are called in the messages (default "points"; "sizes" for a prediction);
- ``dispatch``: False for a spec that compiles (no TorchDispatchMode around the call; see compilation.py).

The ``points`` namespace also has ``count(name, k=1)``, ``is_batched(tensor)`` and ``under_vmap()``, to hand
the student an instrumented object (a function whose calls are counted, a model whose forward passes are).
"""

COUNTERS = {
    "backward passes": "calls of autograd's engine (torch.autograd.grad, .backward(), vjp_fn, jacrev)",
    "passes by autograd.functional": "backward passes made inside torch.autograd.functional",
    "forward-mode duals": "dual tensors made for forward mode (torch.func.jvp, jacfwd, forward_ad)",
    "calls of NAME": "NAME in jacrev, jacfwd, vmap, grad, grad_and_value, hessian (each call of the function "
                     "they return); vjp, jvp, linearize, functional_call (each call); vjp_fn, jvp_fn (the "
                     "functions vjp and linearize return); torch.compile; a compiled function",
    "calls of NAME under vmap": "the same, made while a vmapped function runs",
    "calls of autograd.functional.NAME": "jacobian, hessian, hvp, vhp, jvp, vjp of torch.autograd.functional",
    "graphs compiled": "Dynamo's unique graphs made during the call (when something compiled)",
    "torch operations": "every aten operation the call ran (a prediction, a formula in the sizes, runs none)",
    "torch operations outside vmap": "those run while no vmapped function ran (a batch computed by hand)",
    "aten.NAME": "each aten operation by name: aten.mm, aten.tanh, aten.cumsum, ...",
    "matrix FLOPs": "2 m n k for each matrix product (mm, addmm, bmm, mv, addmv, dot)",
    "largest tensor made": "the most elements of a tensor any torch operation of the call returned",
    "passes through tanh": "aten::tanh_backward inside backward passes",
    "vectors through tanh": "non-zero vectors pulled back through tanh (a batch of k counts k)",
    "calls of sin": "aten::sin calls (forward passes of a*sin(x))",
}


def _load():
    import importlib
    import pkgutil

    found = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            found[info.name] = importlib.import_module(f"{__name__}.{info.name}").SPECS
    return found


SPECS = _load()  # {chapter: {exercise label: spec}}
