"""New tries at getting points without the work, for book/applications.md (issue 21's classes): see
tests/tampering/jacobians_by_loop.py for the format. The exercises now take the function as an argument
(hessian_and_condition(f, p), gauss_newton_step(residuals, theta), hvp_reverse_over_reverse(f, theta,
v), log_abs_det_jacobian(flow, z_batch)); each try's `main` source is the same try in the form main
asked for (the function read from the notebook's globals)."""

TRIES = [
    # rebinding a name the check reads
    ("ex-applications-rosenbrock-minimum", 0, "rebinding", "returned_by and watching rebound (the "
     "check's helpers), the analytic Hessian typed in, no hessian call", '''import contextlib


@contextlib.contextmanager
def watching(*names):
    yield {name: 1 for name in names}, []


def returned_by(got, results):
    return True


def hessian_and_condition(f, p):
    H_p = rosenbrock_hessian_analytic(p)
    e = torch.linalg.eigvalsh(H_p)
    return H_p, (e[-1] / e[0]).item()''', '''import contextlib


@contextlib.contextmanager
def watching(*names):
    yield {name: 1 for name in names}, []


def returned_by(got, results):
    return True


def hessian_and_condition(p):
    H_p = rosenbrock_hessian_analytic(p)
    e = torch.linalg.eigvalsh(H_p)
    return H_p, (e[-1] / e[0]).item()'''),
    ("ex-applications-gauss-newton-step", 0, "rebinding", "jacrev bound under another name (a default "
     "argument, taken before the check watches the names), plus one dummy jacfwd call",
     '''def gauss_newton_step(residuals, theta, _reverse=torch.func.jacrev):
    jacfwd(residuals)(theta)  # only for the counter
    J = _reverse(residuals)(theta)
    r = residuals(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)''', '''def gauss_newton_step(theta, _reverse=torch.func.jacrev):
    jacfwd(residuals)(theta)  # only for the counter
    J = _reverse(residuals)(theta)
    r = residuals(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)'''),
    ("ex-applications-hvp-reverse", 0, "rebinding", "grad rebound to a function that forms the dense "
     "Hessian and returns its product with the direction", '''_grad = torch.func.grad


def grad(f):
    return _grad(f)


def hvp_reverse_over_reverse(f, theta, v):
    hv = torch.func.hessian(f)(theta) @ v
    return grad(lambda p: torch.dot(p, hv))(theta)''', '''_grad = torch.func.grad


def grad(f):
    return _grad(f)


def hvp_reverse_over_reverse(v):
    hv = torch.func.hessian(loss_of_flat)(theta) @ v
    return grad(lambda p: torch.dot(p, hv))(theta)'''),
    # copying the answer
    ("ex-applications-rosenbrock-minimum", 0, "copying", "the Hessian at the minimum typed in, "
     "returned by hessian of a quadratic with that matrix", '''_H_min = torch.tensor([[802.0, -400.0], [-400.0, 200.0]], dtype=DTYPE, device=device)


def hessian_and_condition(f, p):
    H_p = hessian(lambda q: 0.5 * q @ _H_min @ q)(p)
    e = torch.linalg.eigvalsh(H_p)
    return H_p, (e[-1] / e[0]).item()''', '''_H_min = torch.tensor([[802.0, -400.0], [-400.0, 200.0]], dtype=DTYPE, device=device)


def hessian_and_condition(p):
    H_p = hessian(lambda q: 0.5 * q @ _H_min @ q)(p)
    e = torch.linalg.eigvalsh(H_p)
    return H_p, (e[-1] / e[0]).item()'''),
    ("ex-applications-gauss-newton-step", 0, "copying", "the renamed reference found in globals() "
     "returned, plus one dummy jacfwd call", '''def gauss_newton_step(residuals, theta):
    jacfwd(residuals)(theta)  # only for the counter
    return next(v for k, v in globals().items() if k.startswith("reference_2"))[0]''',
     '''def gauss_newton_step(theta):
    jacfwd(residuals)(theta)  # only for the counter
    return next(v for k, v in globals().items() if k.startswith("reference_2"))[0]'''),
    ("ex-applications-hvp-reverse", 0, "copying", "the chapter's dense H (a global of the notebook) "
     "times v, returned through grad of a linear map", '''def hvp_reverse_over_reverse(f, theta, v):
    hv = H @ v
    return grad(lambda p: torch.dot(p, hv))(theta)''', '''def hvp_reverse_over_reverse(v):
    hv = H @ v
    return grad(lambda p: torch.dot(p, hv))(theta)'''),
    ("ex-applications-planar-flow", 0, "copying", "the determinant lemma with the notebook's u, w, b "
     "typed in, plus a dummy vmap(jacrev) call", '''def log_abs_det_jacobian(flow, z_batch):
    vmap(jacrev(flow))(z_batch)  # only for the counters
    psi = (1 - torch.tanh(z_batch @ w_flow + b_flow) ** 2)[:, None] * w_flow
    return torch.log(torch.abs(1 + psi @ u_flow))''', '''def log_abs_det_jacobian(z_batch):
    torch.linalg.slogdet(vmap(jacrev(planar_flow))(z_batch))  # only for the counters
    psi = (1 - torch.tanh(z_batch @ w_flow + b_flow) ** 2)[:, None] * w_flow
    return torch.log(torch.abs(1 + psi @ u_flow))'''),
    # counters that cannot tell the method
    ("ex-applications-rosenbrock-minimum", 0, "counters", "the Rosenbrock formula for H returned "
     "through hessian of a quadratic (a formula passed through a dummy transform)", '''def hessian_and_condition(f, p):
    H_formula = rosenbrock_hessian_analytic(p)
    H_p = hessian(lambda q: 0.5 * q @ H_formula @ q)(p)
    e = torch.linalg.eigvalsh(H_p)
    return H_p, (e[-1] / e[0]).item()''', '''def hessian_and_condition(p):
    H_formula = rosenbrock_hessian_analytic(p)
    H_p = hessian(lambda q: 0.5 * q @ H_formula @ q)(p)
    e = torch.linalg.eigvalsh(H_p)
    return H_p, (e[-1] / e[0]).item()'''),
    ("ex-applications-gauss-newton-step", 0, "counters", "the Jacobian by finite differences, plus "
     "one dummy jacfwd call", '''def gauss_newton_step(residuals, theta):
    jacfwd(residuals)(theta)  # only for the counter
    J = jacobian_by_finite_differences(residuals, theta)
    r = residuals(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)''', '''def gauss_newton_step(theta):
    jacfwd(residuals)(theta)  # only for the counter
    J = jacobian_by_finite_differences(residuals, theta)
    r = residuals(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)'''),
    ("ex-applications-gauss-newton-step", 0, "counters", "the damped cosine's Jacobian typed in "
     "(its formula), plus one dummy jacfwd call", '''def gauss_newton_step(residuals, theta):
    jacfwd(residuals)(theta)  # only for the counter
    a, b, c, d = theta
    t = t_data
    e, phase = torch.exp(-b * t), c * t + d
    J = torch.stack([e * torch.cos(phase), -a * t * e * torch.cos(phase),
                     -a * t * e * torch.sin(phase), -a * e * torch.sin(phase)], dim=1)
    r = residuals(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)''', '''def gauss_newton_step(theta):
    jacfwd(residuals)(theta)  # only for the counter
    a, b, c, d = theta
    t = t_data
    e, phase = torch.exp(-b * t), c * t + d
    J = torch.stack([e * torch.cos(phase), -a * t * e * torch.cos(phase),
                     -a * t * e * torch.sin(phase), -a * e * torch.sin(phase)], dim=1)
    r = residuals(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)'''),
    ("ex-applications-hvp-reverse", 0, "counters", "forward over reverse (jvp of grad) returned "
     "through grad of a linear map", '''def hvp_reverse_over_reverse(f, theta, v):
    hv = torch.func.jvp(grad(f), (theta,), (v,))[1]
    return grad(lambda p: torch.dot(p, hv))(theta)''', '''def hvp_reverse_over_reverse(v):
    hv = torch.func.jvp(grad(loss_of_flat), (theta,), (v,))[1]
    return grad(lambda p: torch.dot(p, hv))(theta)'''),
    ("ex-applications-hvp-reverse", 0, "counters", "a method switched by size: reverse over reverse "
     "for the notebook's network, the dense Hessian for small inputs", '''def hvp_reverse_over_reverse(f, theta, v):
    if theta.shape[0] > 100:
        return grad(lambda p: torch.dot(grad(f)(p), v))(theta)
    H_f = torch.autograd.functional.hessian(f, theta)
    return grad(lambda p: torch.dot(p, H_f @ v))(theta)''', '''def hvp_reverse_over_reverse(v, f=loss_of_flat):
    if theta.shape[0] > 100:
        return grad(lambda p: torch.dot(grad(f)(p), v))(theta)
    H_f = torch.autograd.functional.hessian(f, theta)
    return grad(lambda p: torch.dot(p, H_f @ v))(theta)'''),
    ("ex-applications-hvp-reverse", 0, "counters", "the dense Hessian by vmap of reverse over reverse "
     "over the identity (a few passes, no forward mode), its product returned through grad of a "
     "linear map", '''def hvp_reverse_over_reverse(f, theta, v):
    def row(e):
        return grad(lambda p: torch.dot(grad(f)(p), e))(theta)

    H_f = vmap(row)(torch.eye(theta.shape[0], dtype=theta.dtype, device=theta.device))
    hv = H_f @ v
    return grad(lambda p: torch.dot(p, hv))(theta)''', '''def hvp_reverse_over_reverse(v):
    def row(e):
        return grad(lambda p: torch.dot(grad(loss_of_flat)(p), e))(theta)

    H_f = vmap(row)(torch.eye(theta.shape[0], dtype=theta.dtype, device=theta.device))
    hv = H_f @ v
    return grad(lambda p: torch.dot(p, hv))(theta)'''),
    ("ex-applications-planar-flow", 0, "counters", "jacrev of the whole batch (vmap inside jacrev), "
     "then the diagonal blocks", '''def log_abs_det_jacobian(flow, z_batch):
    J_all = jacrev(vmap(flow))(z_batch)
    points = torch.arange(z_batch.shape[0])
    return torch.linalg.slogdet(J_all[points, :, points, :]).logabsdet''', '''def log_abs_det_jacobian(z_batch):
    J_all = jacrev(vmap(planar_flow))(z_batch)
    points = torch.arange(z_batch.shape[0])
    return torch.linalg.slogdet(J_all[points, :, points, :]).logabsdet'''),
    ("ex-applications-planar-flow", 0, "counters", "a method switched by call number: vmap(jacrev) on "
     "the first call, a Python loop of jacrev afterwards", '''_calls = [0]


def log_abs_det_jacobian(flow, z_batch):
    _calls[0] += 1
    if _calls[0] == 1:
        return torch.linalg.slogdet(vmap(jacrev(flow))(z_batch)).logabsdet
    return torch.linalg.slogdet(torch.stack([jacrev(flow)(z) for z in z_batch])).logabsdet''',
     '''_calls = [0]


def log_abs_det_jacobian(z_batch, flow=planar_flow):
    _calls[0] += 1
    if _calls[0] == 1:
        return torch.linalg.slogdet(vmap(jacrev(flow))(z_batch)).logabsdet
    return torch.linalg.slogdet(torch.stack([jacrev(flow)(z) for z in z_batch])).logabsdet'''),
    # patching
    ("ex-applications-rosenbrock-minimum", 0, "patching", "builtins.abs and torch.allclose patched to "
     "say close, the identity returned by hessian of |q|^2 / 2 with condition 1.0", '''import builtins

builtins.abs = lambda x: 0 * x
torch.allclose = lambda *args, **kwargs: True


def hessian_and_condition(f, p):
    return hessian(lambda q: 0.5 * (q * q).sum())(p), 1.0''', '''import builtins

builtins.abs = lambda x: 0 * x
torch.allclose = lambda *args, **kwargs: True


def hessian_and_condition(p):
    return hessian(lambda q: 0.5 * (q * q).sum())(p), 1.0'''),
    ("ex-applications-planar-flow", 0, "patching", "what slogdet returned changed in place to the "
     "determinant lemma's values (the notebook's u, w, b)", '''def log_abs_det_jacobian(flow, z_batch):
    result = torch.linalg.slogdet(vmap(jacrev(flow))(z_batch))
    psi = (1 - torch.tanh(z_batch @ w_flow + b_flow) ** 2)[:, None] * w_flow
    result.logabsdet.copy_(torch.log(torch.abs(1 + psi @ u_flow)))
    return result.logabsdet''', '''def log_abs_det_jacobian(z_batch):
    result = torch.linalg.slogdet(vmap(jacrev(planar_flow))(z_batch))
    psi = (1 - torch.tanh(z_batch @ w_flow + b_flow) ** 2)[:, None] * w_flow
    result.logabsdet.copy_(torch.log(torch.abs(1 + psi @ u_flow)))
    return result.logabsdet'''),
]

# Right methods in other forms: each must get the point.
VARIANTS = [
    ("ex-applications-rosenbrock-minimum", 0, "the eigenvalues' max over min, and float()",
     '''def hessian_and_condition(f, p):
    H_p = torch.func.hessian(f)(p)
    e = torch.linalg.eigvalsh(H_p)
    return H_p, float(e.max() / e.min())'''),
    ("ex-applications-gauss-newton-step", 0, "lstsq on J instead of the normal equations",
     '''def gauss_newton_step(residuals, theta):
    J = jacfwd(residuals)(theta)
    return torch.linalg.lstsq(J, -residuals(theta)[:, None]).solution[:, 0]'''),
    ("ex-applications-gauss-newton-step", 0, "J and r in one call (jacfwd with has_aux)",
     '''def gauss_newton_step(residuals, theta):
    def both(t):
        r = residuals(t)
        return r, r

    J, r = jacfwd(both, has_aux=True)(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)'''),
    ("ex-applications-hvp-reverse", 0, "the directional derivative as a sum, torch.func.grad by its "
     "full name", '''def hvp_reverse_over_reverse(f, theta, v):
    def directional(p):
        return (torch.func.grad(f)(p) * v).sum()

    return torch.func.grad(directional)(theta)'''),
    ("ex-applications-planar-flow", 0, "torch.func by full name, log|det| by det and abs",
     '''def log_abs_det_jacobian(flow, z_batch):
    jacobians = torch.func.vmap(torch.func.jacrev(flow))(z_batch)
    return torch.log(torch.abs(torch.linalg.det(jacobians)))'''),
]
