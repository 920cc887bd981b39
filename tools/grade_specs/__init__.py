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
  around each call whose value it checks (names: see COUNTERS);
- ``provenance``: where the returned tensors must come from: ``"backward"`` (an output of a backward pass
  of this call, as returned or stacked, or cast to another dtype), ``"jacrev"`` (an output of a jacrev
  call of this call), or None.
- ``tolerance``: (atol, rtol) for the values (default 1e-5, 1e-4); ``tolerance64`` for float64 values.
"""

COUNTERS = {
    "backward passes": "calls of autograd's engine (torch.autograd.grad, .backward(), vjp_fn, jacrev)",
    "passes through tanh": "aten::tanh_backward inside those backward passes",
    "vectors through tanh": "vectors pulled back through tanh (a batch of k counts k)",
    "passes by autograd.functional": "backward passes made inside torch.autograd.functional",
    "forward-mode duals": "dual tensors made for forward mode (torch.func.jvp, jacfwd, forward_ad)",
    "calls of sin": "aten::sin calls (forward passes of a*sin(x))",
    "calls of jacrev": "calls of torch.func.jacrev",
    "largest tensor made": "the most elements of a tensor any torch operation of the call returned",
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
