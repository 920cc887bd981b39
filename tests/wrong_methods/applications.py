"""Wrong methods for the exercises of book/applications.md: each must fail through a ✗ check line."""

ROSENBROCK_CHECK = '''


check_hessian_and_condition(hessian_and_condition);'''

GAUSS_NEWTON_CHECK = '''


check_gauss_newton_step(gauss_newton_step);'''

HVP_CHECK = '''


check_hvp_reverse(hvp_reverse_over_reverse);'''

FLOW_CHECK = '''


check_log_abs_det(log_abs_det_jacobian);'''

WRONG = [
    ("ex-applications-rosenbrock-minimum", 0, "the analytic Hessian typed in", '''def hessian_and_condition(f, p):
    x, y = p
    H_p = torch.stack([torch.stack([1200 * x**2 - 400 * y + 2, -400 * x]),
                       torch.stack([-400 * x, 200 + 0 * x])])
    eigenvalues_p = torch.linalg.eigvalsh(H_p)
    return H_p, (eigenvalues_p[-1] / eigenvalues_p[0]).item()''' + ROSENBROCK_CHECK),
    ("ex-applications-rosenbrock-minimum", 0, "torch.autograd.functional.hessian", '''def hessian_and_condition(f, p):
    H_p = torch.autograd.functional.hessian(f, p)
    eigenvalues_p = torch.linalg.eigvalsh(H_p)
    return H_p, (eigenvalues_p[-1] / eigenvalues_p[0]).item()''' + ROSENBROCK_CHECK),
    ("ex-applications-rosenbrock-minimum", 0, "the chapter's formula copied, plus a dummy hessian call", '''def hessian_and_condition(f, p):
    hessian(f)(p)  # only to satisfy the counter
    H_p = rosenbrock_hessian_analytic(p)
    eigenvalues_p = torch.linalg.eigvalsh(H_p)
    return H_p, (eigenvalues_p[-1] / eigenvalues_p[0]).item()''' + ROSENBROCK_CHECK),
    ("ex-applications-gauss-newton-step", 0, "jacrev instead of jacfwd (sixty vjps for four columns)", '''def gauss_newton_step(residuals, theta):
    J = jacrev(residuals)(theta)
    r = residuals(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)''' + GAUSS_NEWTON_CHECK),
    ("ex-applications-gauss-newton-step", 0, "torch.autograd.functional.jacobian instead of jacfwd", '''def gauss_newton_step(residuals, theta):
    J = torch.autograd.functional.jacobian(residuals, theta)
    r = residuals(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)''' + GAUSS_NEWTON_CHECK),
    ("ex-applications-gauss-newton-step", 0, "the Jacobian by finite differences, no autodiff", '''def gauss_newton_step(residuals, theta):
    J = jacobian_by_finite_differences(residuals, theta)
    r = residuals(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)''' + GAUSS_NEWTON_CHECK),
    ("ex-applications-hvp-reverse", 0, "the dense Hessian of the chapter times v", '''def hvp_reverse_over_reverse(f, theta, v):
    return H @ v''' + HVP_CHECK),
    ("ex-applications-hvp-reverse", 0, "the dense Hessian formed with hessian, then times v", '''def hvp_reverse_over_reverse(f, theta, v):
    return hessian(f)(theta) @ v''' + HVP_CHECK),
    ("ex-applications-hvp-reverse", 0, "the dense Hessian by jacrev of grad, then times v", '''def hvp_reverse_over_reverse(f, theta, v):
    return jacrev(grad(f))(theta) @ v''' + HVP_CHECK),
    ("ex-applications-hvp-reverse", 0, "forward over reverse (the chapter's hvp), not reverse over reverse", '''def hvp_reverse_over_reverse(f, theta, v):
    return jvp(grad(f), (theta,), (v,))[1]''' + HVP_CHECK),
    ("ex-applications-hvp-reverse", 0, "torch.autograd.functional.hvp", '''def hvp_reverse_over_reverse(f, theta, v):
    return torch.autograd.functional.hvp(f, theta, v)[1]''' + HVP_CHECK),
    ("ex-applications-hvp-reverse", 0, "H @ v returned, plus a dummy reverse-over-reverse call", '''def hvp_reverse_over_reverse(f, theta, v):
    grad(lambda p: torch.dot(grad(f)(p), v))(theta)  # only for the counter
    return H @ v''' + HVP_CHECK),
    ("ex-applications-planar-flow", 0, "jacrev of the whole batch, then the diagonal blocks", '''def log_abs_det_jacobian(flow, z_batch):
    J_all = jacrev(vmap(flow))(z_batch)  # (5, 2, 5, 2)
    points = torch.arange(z_batch.shape[0])
    return torch.linalg.slogdet(J_all[points, :, points, :]).logabsdet''' + FLOW_CHECK),
    ("ex-applications-planar-flow", 0, "torch.autograd.functional.jacobian of the batch", '''def log_abs_det_jacobian(flow, z_batch):
    J_all = torch.autograd.functional.jacobian(vmap(flow), z_batch)
    points = torch.arange(z_batch.shape[0])
    return torch.linalg.slogdet(J_all[points, :, points, :]).logabsdet''' + FLOW_CHECK),
    ("ex-applications-planar-flow", 0, "a Python loop of jacrev over the points", '''def log_abs_det_jacobian(flow, z_batch):
    jacobians = torch.stack([jacrev(flow)(z) for z in z_batch])
    return torch.linalg.slogdet(jacobians).logabsdet''' + FLOW_CHECK),
    ("ex-applications-planar-flow", 0, "the determinant lemma typed in", '''def log_abs_det_jacobian(flow, z_batch):
    psi_z = (1 - torch.tanh(z_batch @ w_flow + b_flow) ** 2)[:, None] * w_flow
    return torch.log(torch.abs(1 + psi_z @ u_flow))''' + FLOW_CHECK),
    ("ex-applications-planar-flow", 0, "the formula returned, plus dummy calls of vmap(jacrev) and slogdet", '''def log_abs_det_jacobian(flow, z_batch):
    torch.linalg.slogdet(vmap(jacrev(flow))(z_batch))  # only for the counters
    psi_z = (1 - torch.tanh(z_batch @ w_flow + b_flow) ** 2)[:, None] * w_flow
    return torch.log(torch.abs(1 + psi_z @ u_flow))''' + FLOW_CHECK),
]

WRONG += [
    ("ex-applications-hvp-reverse", 0, "reverse over reverse for the direction, but the dense Hessian "
     "formed first (jacrev of grad) and its product returned through grad", '''def hvp_reverse_over_reverse(f, theta, v):
    hv = jacrev(grad(f))(theta) @ v
    return grad(lambda p: torch.dot(p, hv))(theta)''' + HVP_CHECK),
    ("ex-applications-gauss-newton-step", 0, "a Python loop of jvps, one column of J per parameter",
     '''def gauss_newton_step(residuals, theta):
    eye = torch.eye(theta.shape[0], dtype=theta.dtype, device=theta.device)
    J = torch.stack([jvp(residuals, (theta,), (e,))[1] for e in eye], dim=1)
    r = residuals(theta)
    return torch.linalg.solve(J.T @ J, -J.T @ r)''' + GAUSS_NEWTON_CHECK),
    ("ex-applications-planar-flow", 0, "vmap(jacfwd) (forward mode) instead of vmap(jacrev)",
     '''def log_abs_det_jacobian(flow, z_batch):
    return torch.linalg.slogdet(vmap(jacfwd(flow))(z_batch)).logabsdet''' + FLOW_CHECK),
]
