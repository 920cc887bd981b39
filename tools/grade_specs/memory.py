"""Memory: chunks, has_aux and linearize (book/memory.md): the exercises the grader calls (see
tools/grade_specs/__init__.py)."""

# The chapter's given code: the decoder (with weights of the grader's own, on the input's device and
# dtype), the loss, and the element-wise layer of the linearize section.
MEMORY_SETUP = """
from torch.func import grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize, vjp, vmap

N, HIDDEN, M = 64, 32, 2048
_weights = torch.Generator().manual_seed(21)
W1 = torch.randn(HIDDEN, N, generator=_weights) / N**0.5
W2 = torch.randn(M, HIDDEN, generator=_weights) / HIDDEN**0.5
forward_calls = 0


def decoder(x):
    global forward_calls
    forward_calls += 1
    return torch.tanh(W2.to(x) @ torch.tanh(W1.to(x) @ x))


def loss(x, target):
    return ((decoder(x) - target) ** 2).mean()


def loss_with_aux(x, target):
    reconstruction = decoder(x)
    loss_value = ((reconstruction - target) ** 2).mean()
    return loss_value, (loss_value, reconstruction)


layer_calls = 0


def layer(y):
    global layer_calls
    layer_calls += 1
    return torch.sin(y) * torch.exp(-y * y) + torch.tanh(y)


def elementwise_f(x):
    return layer(layer(x))
"""

SPECS = {
    # Chunks by hand: decoders drawn at grading time (sizes, weights, one in float64), chunk sizes that
    # do not divide the outputs, and one chunk as large as all of them. One vjp; one vmapped call of
    # its vjp_fn per chunk, each one backward pass; every unit vector pulled back through both tanh
    # layers once (2 M vectors); no tensor larger than a chunk of unit vectors, the Jacobian or a weight.
    "ex-memory-chunks-by-hand": {
        "function": "jacobian_in_chunks",
        "setup": MEMORY_SETUP,
        "points": """
def points(g, device):
    found = []
    for dtype, whole in ((torch.float32, False), (torch.float64, False), (torch.float32, True)):
        n, hidden = (int(k) for k in torch.randint(4, 9, (2,), generator=g))
        m = int(torch.randint(40, 90, (1,), generator=g))
        k = m + 3 if whole else int(torch.randint(5, 16, (1,), generator=g))
        k += (m % k == 0)  # a last, partial chunk
        first = (torch.randn(hidden, n, generator=g, dtype=dtype) / n**0.5).to(device)
        second = (torch.randn(m, hidden, generator=g, dtype=dtype) / hidden**0.5).to(device)
        found.append((drawn_decoder(first, second), torch.randn(n, generator=g, dtype=dtype).to(device), k))
    return found


def drawn_decoder(first, second):
    def f(x):
        return torch.tanh(second @ torch.tanh(first @ x))

    return f
""",
        "reference": """
def reference(f, x, k):
    return jacrev(f)(x)
""",
        "method": """
def method(f, x, k):
    # run here, in the grading process; the largest tensor of a chunk is k x M (the unit vectors),
    # of the whole answer M x N, of the backward pass M x hidden (a weight transposed; hidden <= 8)
    m, n = f(x).shape[0], x.shape[0]
    chunks = -(-m // k)
    return {"calls of vjp": 1, "calls of vjp_fn": chunks, "calls of vjp_fn under vmap": chunks,
            "backward passes": chunks, "vectors through tanh": 2 * m,
            "largest tensor made": ("<=", m * max(min(k, m), n, 8)), "calls of jacrev": 0,
            "passes by autograd.functional": 0}
""",
        "tolerance": (1e-5, 1e-4),
        "tolerance64": (1e-12, 1e-10),
        "provenance": None,
    },
    # The gradient and the loss from one forward pass (two tanh) and one backward pass through both tanh
    # layers (a formula beside a dummy backward pass of a linear map pulls nothing through tanh), by one
    # call of a torch.func transform, at inputs and targets drawn at grading time (one pair in float64).
    "ex-memory-value-and-grad": {
        "function": "gradient_and_loss",
        "setup": MEMORY_SETUP,
        "points": """
def points(g, device):
    return [(torch.randn(N, generator=g, dtype=dtype).to(device),
             torch.randn(M, generator=g, dtype=dtype).to(device))
            for dtype in (torch.float32, torch.float64, torch.float32)]
""",
        "reference": """
def reference(x, target):
    x = x.clone().requires_grad_(True)
    value = loss(x, target)
    return torch.autograd.grad(value, x)[0], value.detach()
""",
        "method": """
def method(x, target):
    return {"aten.tanh": 2, "backward passes": 1, "passes through tanh": 2, "vectors through tanh": 2,
            "calls of grad + calls of grad_and_value + calls of vjp + calls of jacrev + calls of jacfwd": 1}
""",
        "tolerance": (1e-7, 1e-5),
        "tolerance64": (1e-14, 1e-10),
        "provenance": None,
    },
    # linearize once, then one vmapped call of its jvp_fn on the batch of directions: an element-wise
    # function drawn at grading time (a coefficient inside sin, a size), whose evaluations are counted
    # (linearize makes two); a loop of jvp_fn calls, relabelled by vmap(lambda r: r), is seen.
    "ex-memory-linearize-vmap": {
        "function": "four_jvps",
        "setup": MEMORY_SETUP,
        "points": """
if "count" not in globals():  # the grading process, where nothing is counted
    def count(name, k=1):
        pass


def drawn_function(c):
    def drawn_layer(y):
        return torch.sin(c * y) * torch.exp(-y * y) + torch.tanh(y)

    def f(x):
        count("evaluations of f")
        return drawn_layer(drawn_layer(x))

    return f


def points(g, device):
    found = []
    for _ in range(2):
        c = float(torch.rand(1, generator=g)) + 0.5
        d = int(torch.randint(200, 2000, (1,), generator=g))
        x = torch.randn(d, generator=g).to(device)
        found.append((drawn_function(c), x, torch.randn(4, d, generator=g).to(device)))
    return found
""",
        "reference": """
def reference(f, x, us):
    return torch.stack([jvp(f, (x,), (u,))[1] for u in us])
""",
        "method": """
def method(f, x, us):
    return {"calls of linearize": 1, "calls of jvp_fn": 1, "calls of jvp_fn under vmap": 1,
            "evaluations of f": 2, "calls of jvp": 0}
""",
        "tolerance": (1e-5, 1e-5),
        "provenance": "vmap",
    },
}
