"""A module's state (book/module_state.md): the exercises the grader calls (see
tools/grade_specs/__init__.py)."""

# The chapter's given code: the BatchNorm model (in evaluation mode, with running statistics of its
# own) and the ensemble's architecture, `base` and `one_model`. The model goes to the kernel's device
# where there is one (the grader's calls pass tensors on it); the grading process runs on the CPU.
STATE_SETUP = """
import copy

from torch import nn
from torch.func import functional_call, grad, jacrev, stack_module_state, vmap

model = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Linear(16, 2))
with torch.no_grad():  # running statistics the notebook never shows
    model[1].running_mean.copy_(torch.linspace(-0.5, 0.5, 16))
    model[1].running_var.copy_(torch.linspace(0.5, 2.0, 16))
model = model.to(globals().get("device", "cpu")).eval()


def make_mlp():
    return nn.Sequential(
        nn.Linear(16, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1)
    )


base = copy.deepcopy(make_mlp()).to("meta")


def one_model(params, buffers, x):
    return functional_call(base, (params, buffers), (x,))
"""

# one vmap of grad: the model's forward runs once for all (functional_call once, under the vmap), one
# batched backward pass, and the gradients are what that vmap returned
ONE_VMAP_OF_GRAD = """
def method(*args):
    return {"calls of vmap": 1, "calls of grad under vmap": 1, "calls of functional_call": 1,
            "calls of functional_call under vmap": 1, "backward passes": 1,
            "calls of jacrev": 0, "forward-mode duals": 0, "passes by autograd.functional": 0}
"""

SPECS = {
    # A prediction is a formula in the sizes: (updates of num_batches_tracked in one jacrev call, and
    # in a loop that computes each of the B * M rows of the Jacobian by a forward and a backward
    # pass of its own), called at sizes drawn at grading time with no torch operation allowed.
    "ex-state-stat-updates": {
        "function": "predicted_updates",
        "drawn": "sizes",
        "setup": STATE_SETUP,
        "points": """
def points(g, device):
    return [(int(torch.randint(2, 10, (1,), generator=g)), int(torch.randint(1, 6, (1,), generator=g)))
            for _ in range(4)]
""",
        "reference": """
def reference(B, M):
    other = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Linear(16, M))
    other.train()
    p = {name: t.detach() for name, t in other.named_parameters()}
    X = torch.randn(B, 4)

    def fresh():
        return {name: b.clone() for name, b in other.named_buffers()}

    by_jacrev = fresh()
    jacrev(lambda p, b: functional_call(other, (p, b), (X,)))(p, by_jacrev)
    by_loop = fresh()
    leaves = {name: t.clone().requires_grad_(True) for name, t in p.items()}
    for row in range(B * M):
        out = functional_call(other, (leaves, by_loop), (X,)).reshape(-1)
        torch.autograd.grad(out[row], list(leaves.values()))
    return (int(by_jacrev["1.num_batches_tracked"]), int(by_loop["1.num_batches_tracked"]))
""",
        "method": """
def method(B, M):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
""",
        "provenance": None,
    },
    "ex-state-ensemble-grads": {
        "function": "ensemble_gradients",
        "setup": STATE_SETUP,
        # E models with weights drawn at grading time (E from 3 to 6, not the notebook's 8), a shared
        # batch and targets of a drawn size
        "points": """
def points(g, device):
    found = []
    for _ in range(2):
        E, B = int(torch.randint(3, 7, (1,), generator=g)), int(torch.randint(8, 21, (1,), generator=g))
        stacked = {name: (torch.randn((E,) + p.shape, generator=g) / p.shape[-1] ** 0.5).to(device)
                   for name, p in base.named_parameters()}
        x = torch.randn(B, 16, generator=g).to(device)
        targets = torch.randn(B, 1, generator=g).to(device)
        found.append((stacked, {}, x, targets))
    return found
""",
        "reference": """
def reference(stacked_params, stacked_buffers, x, targets):
    real = make_mlp()
    E = next(iter(stacked_params.values())).shape[0]
    rows = []
    for i in range(E):
        leaves = {name: p[i].clone().requires_grad_(True) for name, p in stacked_params.items()}
        loss = ((functional_call(real, leaves, (x,)) - targets) ** 2).mean()
        rows.append(torch.autograd.grad(loss, list(leaves.values())))
    return {name: torch.stack([row[k] for row in rows]) for k, name in enumerate(stacked_params)}
""",
        "method": ONE_VMAP_OF_GRAD,
        "tolerance": (1e-5, 1e-4),
        "provenance": "vmap",
    },
    "ex-state-per-example": {
        "function": "per_example_gradients",
        "setup": STATE_SETUP,
        # parameters drawn at grading time (the BatchNorm layer's scale and shift too), and a batch of
        # a drawn size; the model normalises with its own running statistics (evaluation mode)
        "points": """
def points(g, device):
    found = []
    for _ in range(2):
        B = int(torch.randint(6, 15, (1,), generator=g))
        params = {name: (torch.randn(p.shape, generator=g) / 2).to(device)
                  for name, p in model.named_parameters()}
        found.append((params, torch.randn(B, 4, generator=g).to(device),
                      torch.randn(B, 2, generator=g).to(device)))
    return found
""",
        "reference": """
def reference(params, X, Y):
    leaves = {name: p.clone().requires_grad_(True) for name, p in params.items()}
    rows = []
    for n in range(len(X)):
        loss = ((functional_call(model, leaves, (X[n:n + 1],)) - Y[n:n + 1]) ** 2).mean()
        rows.append(torch.autograd.grad(loss, list(leaves.values())))
    return {name: torch.stack([row[k] for row in rows]) for k, name in enumerate(params)}
""",
        "method": ONE_VMAP_OF_GRAD,
        "tolerance": (1e-5, 1e-4),
        "provenance": "vmap",
    },
}
