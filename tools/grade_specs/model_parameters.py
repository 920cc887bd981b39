"""A model's parameters as an argument (book/model_parameters.md): the exercises the grader calls (see
tools/grade_specs/__init__.py)."""

# The chapter's given code. `per_sample_grads_by_vmap` makes its vmap when it is called (the chapter
# makes it once, at the top level): the same function, whose vmap and grad the grader's counters see.
PARAMS_SETUP = """
from torch import nn
from torch.func import functional_call, grad, jacrev, jvp, vjp, vmap

model = nn.Sequential(
    nn.Linear(2, 32), nn.Tanh(),
    nn.Linear(32, 32), nn.Tanh(),
    nn.Linear(32, 3),
)


def model_output(params, x):
    return functional_call(model, params, (x,))


def flatten_jacobian(jacobian_dict, output_size):
    return torch.cat(
        [block.reshape(output_size, -1) for block in jacobian_dict.values()], dim=1
    )


def loss_of_one_sample(params, x, y):
    prediction = model_output(params, x)
    return ((prediction - y) ** 2).mean()


def per_sample_grads_by_vmap(params, inputs, targets):
    return vmap(grad(loss_of_one_sample), in_dims=(None, 0, 0))(params, inputs, targets)
"""

# parameters of the chapter's architecture drawn at grading time (the model's own are never used: a
# method that runs the module with its own weights gives other numbers), and a batch of a drawn size
PARAMS_POINTS = """
def draw_params(g, device):
    return {name: (torch.randn(p.shape, generator=g) / p.shape[-1] ** 0.5).to(device)
            for name, p in model.named_parameters()}
"""

SPECS = {
    # A prediction is a formula in the sizes: called at sizes drawn at grading time (batch B, hidden
    # width H, outputs M), with no torch operation allowed while it runs.
    "ex-params-batched-shape": {
        "function": "predicted_shape",
        "drawn": "sizes",
        "setup": PARAMS_SETUP,
        "points": """
def points(g, device):
    return [tuple(int(k) for k in torch.randint(2, 13, (3,), generator=g)) for _ in range(4)]
""",
        "reference": """
def reference(B, H, M):
    other = nn.Sequential(nn.Linear(2, H), nn.Tanh(), nn.Linear(H, H), nn.Tanh(),
                          nn.Linear(H, M))
    weight = dict(other.named_parameters())["2.weight"].detach()
    # autograd.functional, not jacrev: the grading process need not start torch.func's machinery
    block = torch.autograd.functional.jacobian(
        lambda w: functional_call(other, {"2.weight": w}, (torch.zeros(B, 2),)), weight)
    return tuple(block.shape)
""",
        "method": """
def method(B, H, M):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
""",
        "provenance": None,
    },
    "ex-params-grad-norms": {
        "function": "per_sample_gradient_norms",
        "setup": PARAMS_SETUP,
        "points": PARAMS_POINTS + """
def points(g, device):
    found = []
    for _ in range(3):
        B = int(torch.randint(5, 13, (1,), generator=g))
        inputs = torch.randn(B, 2, generator=g).to(device)
        targets = torch.randn(B, 3, generator=g).to(device)
        found.append((draw_params(g, device), inputs, targets))
    return found
""",
        "reference": """
def reference(params, inputs, targets):
    names, tensors = list(params), [p.clone().requires_grad_(True) for p in params.values()]
    norms = []
    for x_n, y_n in zip(inputs, targets):
        loss = ((functional_call(model, dict(zip(names, tensors)), (x_n,)) - y_n) ** 2).mean()
        norms.append(sum(g.pow(2).sum() for g in torch.autograd.grad(loss, tensors)))
    return torch.stack(norms).sqrt()
""",
        # one vmap of grad: the model's forward runs once (functional_call once, under the vmap) and
        # one batched backward pass goes through both tanh layers; a loop over the samples makes B of
        # each, jacrev of the batch's losses makes no vmap call of grad
        "method": """
def method(params, inputs, targets):
    return {"calls of vmap": 1, "calls of grad under vmap": 1, "calls of functional_call": 1,
            "calls of functional_call under vmap": 1, "backward passes": 1,
            "aten.tanh_backward": 2, "forward-mode duals": 0, "calls of jacrev": 0,
            "passes by autograd.functional": 0}
""",
        "tolerance": (1e-5, 1e-4),
        "provenance": None,
    },
    "ex-params-ntk-gram": {
        "function": "ntk_gram_matrix",
        "setup": PARAMS_SETUP,
        "points": PARAMS_POINTS + """
def points(g, device):
    found = []
    for _ in range(2):
        B = int(torch.randint(4, 9, (1,), generator=g))
        found.append((draw_params(g, device), torch.randn(B, 2, generator=g).to(device)))
    return found
""",
        "reference": """
def reference(params, inputs):
    rows = []
    for x_n in inputs:
        out = model_output(params, x_n)
        for a in range(out.shape[0]):
            row = torch.autograd.functional.vjp(
                lambda *t: model_output(dict(zip(params, t)), x_n)[a],
                tuple(params.values()))[1]
            rows.append(torch.cat([r.reshape(-1) for r in row]))
    stacked = torch.stack(rows)
    return stacked @ stacked.T
""",
        # vmap(jacrev(...)) once: one forward pass for all inputs (functional_call once, under the
        # vmap) and one jacrev under the vmap, whose backward pass pulls the M = 3 unit vectors
        # through each tanh layer, batched over the inputs; jacrev of the whole batch (even
        # relabelled under a vmap) pulls back B * M vectors of the whole batch, a loop over the
        # inputs makes B jacrev calls outside any vmap
        "method": """
def method(params, inputs):
    return {"calls of vmap": 1, "calls of jacrev under vmap": 1, "calls of functional_call": 1,
            "calls of functional_call under vmap": 1, "vectors through tanh": 2 * 3,
            "forward-mode duals": 0, "passes by autograd.functional": 0}
""",
        "tolerance": (1e-4, 1e-4),
        "provenance": None,
    },
}
