"""Applications (book/applications.md): the exercises the grader calls (see tools/grade_specs/__init__.py)."""

# The chapter's given names that the grader puts back after the student's code: the transforms (so that
# the names the notebook imported are the grader's watched ones) and the Rosenbrock function.
APPS_SETUP = """
from torch.func import functional_call, grad, hessian, jacfwd, jacrev, jvp, vjp, vmap

DTYPE = torch.float64


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2
"""

# The functions that points() hands over count their calls with the grader's `count` in the kernel; in
# the grading process, where the references call them, nothing is counted.
NO_COUNT = """
def count(name, k=1):
    pass


def under_vmap():
    return False
"""

SPECS = {
    "ex-applications-rosenbrock-minimum": {
        "function": "hessian_and_condition",
        "setup": APPS_SETUP,
        # the Rosenbrock family (a - x)^2 + b (y - x^2)^2 with a and b drawn at grading time, at points
        # of its valley y = x^2 (give or take 1e-3, where H stays positive definite), never the minimum
        # the notebook shows, and a strictly convex function of 3 variables the notebook never shows
        "points": """
def points(g, device):
    def uniform(low, high):
        return low + (high - low) * torch.rand((), generator=g, dtype=DTYPE)

    found = []
    for _ in range(2):
        a, b = uniform(0.5, 2.0), uniform(50.0, 150.0)

        def family(p, a=a, b=b):
            x, y = p[0], p[1]
            return (a - x) ** 2 + b * (y - x**2) ** 2

        x = uniform(-1.5, 1.5)
        found.append((family, torch.stack([x, x**2 + uniform(-1e-3, 1e-3)]).to(device)))
    c = torch.rand(3, generator=g, dtype=DTYPE) * 4 + 1

    def unseen(p):
        return torch.logsumexp(c.to(p.device) * p, 0) + 0.5 * (p**2).sum() + 0.1 * (p**4).sum()

    found.append((unseen, torch.randn(3, generator=g, dtype=DTYPE).to(device)))
    return found
""",
        "reference": """
def reference(f, p):
    H = torch.func.hessian(f)(p)
    eigenvalues = torch.linalg.eigvalsh(H)
    return H, (eigenvalues[-1] / eigenvalues[0]).item()
""",
        "method": """
def method(f, p):
    return {"calls of hessian": 1, "passes by autograd.functional": 0}
""",
        # H must be what hessian returned (the condition number beside it is a number computed from it)
        "provenance": "hessian",
        "tolerance": (1e-8, 1e-8),
        "tolerance64": (1e-8, 1e-10),
    },
    "ex-applications-gauss-newton-step": {
        "function": "gauss_newton_step",
        "setup": APPS_SETUP,
        # curve fits drawn at grading time: the chapter's damped cosine with other data, and a model the
        # notebook never shows (a logistic curve plus a slope, 5 parameters); each residual function
        # counts its calls (a Jacobian by finite differences calls it once per parameter at least)
        "points": """
def points(g, device):
    def draw(*shape):
        return torch.randn(*shape, generator=g, dtype=DTYPE)

    def fit(model, truth, n, start):
        t = torch.linspace(0, 6, n, dtype=DTYPE).to(device)
        y = (model(truth.to(device), t) + 0.05 * draw(n).to(device))

        def residuals(theta):
            count("calls of residuals")
            return model(theta, t) - y

        return residuals, start.to(device)

    def damped_cosine(theta, t):
        a, b, c, d = theta
        return a * torch.exp(-b * t) * torch.cos(c * t + d)

    def logistic(theta, t):
        a, b, c, d, e = theta
        return a / (1 + torch.exp(-b * (t - c))) + d * t + e

    found = []
    for _ in range(2):
        n = int(torch.randint(40, 81, (1,), generator=g))
        truth = torch.tensor([2.0, 0.4, 3.0, 0.5], dtype=DTYPE) + 0.2 * draw(4)
        found.append(fit(damped_cosine, truth, n, truth + 0.15 * draw(4)))
    n = int(torch.randint(40, 81, (1,), generator=g))
    truth = torch.tensor([1.5, 2.0, 3.0, 0.2, -0.5], dtype=DTYPE) + 0.2 * draw(5)
    found.append(fit(logistic, truth, n, truth + 0.15 * draw(5)))
    return found
""",
        "reference": NO_COUNT + """
def reference(residuals, theta):
    J = torch.func.jacrev(residuals)(theta)
    return torch.linalg.lstsq(J, -residuals(theta)[:, None]).solution[:, 0]
""",
        # J has 4 or 5 columns and 40 to 80 rows: forward mode, one jacfwd call, no reverse mode at all;
        # the residuals are evaluated for J and for r (twice at most)
        "method": """
def method(residuals, theta):
    return {"calls of jacfwd": 1, "calls of jacrev": 0, "calls of hessian": 0, "backward passes": 0,
            "passes by autograd.functional": 0, "calls of residuals": ("<=", 2)}
""",
        "provenance": None,
        "tolerance64": (1e-8, 1e-6),
    },
    "ex-applications-hvp-reverse": {
        "function": "hvp_reverse_over_reverse",
        "setup": APPS_SETUP,
        # two functions the notebook never shows, at points drawn at grading time (float64, N from 16
        # to 24): no matrix of N x N elements in them, so that a dense Hessian shows as the largest
        # tensor made
        "points": """
def points(g, device):
    def draw(*shape):
        return torch.randn(*shape, generator=g, dtype=DTYPE).to(device)

    c = torch.rand(3, generator=g, dtype=DTYPE) + 0.5

    def unseen(x):
        return (torch.sin(c[0] * x) * x.roll(1)).sum() + torch.log1p(c[1] * x**2).sum() * c[2]

    weight, bias = draw(4, 24) / 4, draw(4)

    def layer(x):
        n = x.shape[0]
        return torch.tanh(weight[:, :n] @ x + bias).pow(2).sum() + 0.1 * (x**4).sum()

    found = []
    for f in (unseen, layer, unseen):
        n = int(torch.randint(16, 25, (1,), generator=g))
        found.append((f, draw(n), draw(n)))
    return found
""",
        "reference": """
def reference(f, x, v):
    return torch.func.hessian(f)(x) @ v
""",
        # reverse over reverse: two backward passes (the inner gradient with its graph, the outer one),
        # no forward-mode dual (forward over reverse makes one), no tensor of N x N elements (a dense
        # Hessian), no other transform; the value is what grad returned
        "method": """
def method(f, x, v):
    n = x.shape[0]
    return {"forward-mode duals": 0, "backward passes": ("<=", 4), "largest tensor made": ("<=", 4 * n),
            "passes by autograd.functional": 0, "calls of hessian": 0, "calls of jacrev": 0,
            "calls of jacfwd": 0, "calls of jvp": 0, "calls of vjp": 0, "calls of linearize": 0}
""",
        "provenance": "grad",
        "tolerance64": (1e-10, 1e-8),
    },
    "ex-applications-planar-flow": {
        "function": "log_abs_det_jacobian",
        "setup": APPS_SETUP,
        # a planar flow with parameters drawn at grading time, and a map of the plane the notebook never
        # shows, at 8 to 16 points drawn at grading time; each flow counts its calls, and those made
        # while a vmapped call runs
        "points": """
def points(g, device):
    def draw(*shape):
        return torch.randn(*shape, generator=g, dtype=DTYPE).to(device)

    u, w, b = draw(2), draw(2), draw(())

    def planar(z):
        count("calls of the flow")
        if under_vmap():
            count("calls of the flow under vmap")
        return z + u * torch.tanh(torch.dot(w, z) + b)

    a = draw(2) / 2

    def unseen(z):
        count("calls of the flow")
        if under_vmap():
            count("calls of the flow under vmap")
        return torch.stack([z[0] + a[0] * torch.sin(z[1]), z[1] + a[1] * torch.tanh(z[0] * z[1])])

    found = []
    for flow in (planar, unseen, planar):
        n = int(torch.randint(8, 17, (1,), generator=g))
        found.append((flow, draw(n, 2)))
    return found
""",
        "reference": NO_COUNT + """
def reference(flow, z_batch):
    return torch.stack([torch.linalg.slogdet(torch.func.jacfwd(flow)(z)).logabsdet for z in z_batch])
""",
        # one vmapped call of the function jacrev returns: the flow runs once, under vmap; a Jacobian of
        # the whole batch (B x 2 x B x 2) shows as the largest tensor made, and makes its jacrev call
        # outside vmap
        "method": """
def method(flow, z_batch):
    n = z_batch.shape[0]
    return {"calls of the flow": 1, "calls of the flow under vmap": 1, "calls of vmap": 1,
            "calls of jacrev under vmap": 1, "forward-mode duals": 0,
            "passes by autograd.functional": 0, "largest tensor made": ("<=", 4 * n)}
""",
        "provenance": None,
        "tolerance64": (1e-10, 1e-10),
    },
}
