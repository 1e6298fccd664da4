"""Latent inversion, the barrier test, latent paths (HW2 2c–2e): checked
against closed forms on linear generators and on a small nonlinear one."""

import math

import torch
from torch import nn

from helpers import inversion as inv
from helpers.losses import path_energy

D = 8  # latent size; images are (1, 2, 4) = 8 pixels, so A is square


class Linear(nn.Module):
    """G(z) = A z, reshaped to (1, 2, 4) images."""

    def __init__(self, a: torch.Tensor):
        super().__init__()
        self.z_dim = a.shape[1]
        self.a = nn.Parameter(a.clone())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return (z @ self.a.T).view(-1, 1, 2, 4)


class Tiny(nn.Module):
    """A small nonlinear generator 8 → 16 → 8 (tanh)."""

    def __init__(self):
        super().__init__()
        self.z_dim = D
        self.net = nn.Sequential(nn.Linear(D, 16), nn.Tanh(),
                                 nn.Linear(16, D), nn.Tanh())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return 2 * self.net(z).view(-1, 1, 2, 4)


def well_conditioned(seed: int = 0) -> torch.Tensor:
    """A = Q diag(s) with Q orthogonal and singular values in [1, 2]."""
    g = torch.Generator().manual_seed(seed)
    q, _ = torch.linalg.qr(torch.randn(D, D, generator=g))
    return q @ torch.diag(torch.linspace(1, 2, D))


def test_inversion_recovers_known_z_of_linear_generator():
    torch.manual_seed(0)
    gen = Linear(well_conditioned())
    z_true = torch.randn(3, D)
    images = gen(z_true).detach()
    for name, lr in (("adam", 0.05), ("gd", 0.05)):
        res = inv.invert(gen, images, restarts=4, steps=800, optimizer=name,
                         lr=lr)
        assert res.z.shape == (3, 4, D) and res.loss.shape == (3, 4)
        assert res.history.shape == (801, 3, 4)
        # every start of image b ends at z_true[b] (the unique minimum)
        assert torch.allclose(res.z, z_true.unsqueeze(1).expand(-1, 4, -1),
                              atol=1e-3), name
        assert res.loss.max() < 1e-5
    assert not gen.a.requires_grad and not gen.training  # frozen


def test_shell_inversion_stays_on_the_sphere():
    gen = Linear(well_conditioned())
    res = inv.invert(gen, torch.zeros(2, 1, 2, 4), 3, 20, shell=True)
    assert torch.allclose(res.z.norm(dim=-1), torch.full((2, 3), D ** 0.5))


def test_discrete_u_of_straight_line_on_linear_generator():
    # f(t) = ‖a + t b‖² + ‖c + t b‖² with a = A z_A − x_A, c = A z_A − x_B,
    # b = A(z_B − z_A); trapezoid over K points of a quadratic:
    # Σ = ∫₀¹ f + f''/(12 (K − 1)²), ∫₀¹ ‖a + t b‖² = ‖a‖² + a·b + ‖b‖²/3.
    torch.manual_seed(1)
    a_mat = well_conditioned(1)
    gen = Linear(a_mat)
    z_a, z_b = torch.randn(1, D), torch.randn(1, D)
    x_a, x_b = torch.randn(1, 1, 2, 4), torch.randn(1, 1, 2, 4)
    a = (z_a @ a_mat.T - x_a.flatten(1))[0]
    c = (z_a @ a_mat.T - x_b.flatten(1))[0]
    b = ((z_b - z_a) @ a_mat.T)[0]
    integral = (a @ a + a @ b + b @ b / 3) + (c @ c + c @ b + b @ b / 3)
    length = (z_b - z_a).norm()
    for k in (2, 5, 33):
        closed = length * (integral + 4 * (b @ b) / (12 * (k - 1) ** 2))
        u = inv.discrete_u(gen, inv.segment(z_a, z_b, k), x_a, x_b)
        assert math.isclose(u.item(), closed.item(), rel_tol=1e-5), k


def test_path_optimiser_lowers_u_on_nonlinear_generator():
    torch.manual_seed(2)
    gen = Tiny()
    z_a, z_b = torch.randn(3, D) * 2, torch.randn(3, D) * 2
    x_a, x_b = gen(z_a).detach(), gen(z_b).detach()
    straight = inv.discrete_u(gen, inv.segment(z_a, z_b, 16), x_a, x_b)
    res = inv.optimise_path(gen, z_a, z_b, x_a, x_b, 16, 150, lr=0.05,
                            shell=False)
    assert res.path.shape == (3, 16, D)
    assert torch.equal(res.path[:, 0], z_a) and torch.equal(res.path[:, -1],
                                                            z_b)
    assert torch.allclose(res.u_history[0], straight)
    final = inv.discrete_u(gen, res.path, x_a, x_b)
    assert (final < 0.99 * straight).all(), (final / straight)
    assert (inv.spacing_ratio(res.path) < 1.2).all()


def test_path_result_is_the_best_iterate():
    torch.manual_seed(2)
    gen = Tiny()
    z_a, z_b = torch.randn(3, D) * 2, torch.randn(3, D) * 2
    x_a, x_b = gen(z_a).detach(), gen(z_b).detach()
    for shell in (False, True):
        res = inv.optimise_path(gen, z_a, z_b, x_a, x_b, 12, 40, lr=0.05,
                                shell=shell)
        # the returned U is the least over the equally spaced iterates
        # (the start, then one after every 10th step, and the last)
        rows = list(range(0, 40, 10)) + [40]
        assert torch.equal(res.u, res.u_history[rows].min(0).values)
        assert (res.best_iter % 10 == 0).all()
        assert (inv.spacing_ratio(res.path) < 1.5).all()   # not bunched
        assert torch.equal(res.u, res.u_history[res.best_iter,
                                                 torch.arange(3)])
        assert torch.allclose(inv.discrete_u(gen, res.path, x_a, x_b),
                              res.u, rtol=1e-6)
        assert (res.u <= res.u_history[0]).all()   # never worse than start
        assert res.last.shape == res.path.shape


def test_too_large_a_step_returns_the_straight_line():
    # lr = 50 throws every iterate far off (U explodes with the path's
    # length), so no iterate beats the start and the line itself comes back
    torch.manual_seed(3)
    gen = Tiny()
    z_a, z_b = torch.randn(2, D), torch.randn(2, D)
    x_a, x_b = gen(z_a).detach(), gen(z_b).detach()
    line = inv.segment(z_a, z_b, 10)
    u_line = inv.discrete_u(gen, line, x_a, x_b).detach()
    res = inv.optimise_path(gen, z_a, z_b, x_a, x_b, 10, 30, lr=50.0)
    assert (res.u_history[1:] > 2 * u_line).all()   # the optimiser fails
    assert (res.best_iter == 0).all()
    assert torch.equal(res.path, line) and torch.equal(res.u, u_line)
    last = inv.discrete_u(gen, res.last, x_a, x_b)
    assert (last > 2 * u_line).all()


def test_line_optimal_under_constant_weight_is_not_worsened():
    # G ≡ 0: f = ‖x_A‖² + ‖x_B‖² is constant, U = f · length, and the
    # straight line is the global minimum; Adam's steps on rounding-level
    # gradients can only lengthen it, so U(result) ≤ U(line) must hold
    gen = Linear(torch.zeros(D, D))
    torch.manual_seed(4)
    z_a, z_b = torch.randn(3, D), torch.randn(3, D)
    x_a, x_b = torch.randn(3, 1, 2, 4), torch.randn(3, 1, 2, 4)
    u_line = inv.discrete_u(gen, inv.segment(z_a, z_b, 8), x_a, x_b)
    res = inv.optimise_path(gen, z_a, z_b, x_a, x_b, 8, 50, lr=0.5)
    assert (res.u <= u_line).all()
    assert torch.allclose(res.u, u_line, rtol=1e-5)   # nothing to gain


def test_min_u_summary_keys_and_guarantees():
    torch.manual_seed(5)
    gen = Tiny()
    x_a, x_b = gen(torch.randn(2, D)).detach(), gen(torch.randn(2, D)).detach()
    out = inv.min_u_summary(gen, x_a, x_b, restarts=2, inv_steps=20,
                            num_points=8, iters=20)
    for key in ("code_loss", "dz", "u_line", "u_arc", "u_shell", "u_free",
                "free_iter", "shell_iter"):
        assert key in out, key
    assert out["code_loss"].shape == (2, 2)
    assert (out["u_free"] <= out["u_line"]).all()
    assert (out["u_shell"] <= out["u_arc"]).all()
    # u_line is U of the straight line between the inverted codes
    codes, _ = inv.best_codes(gen, torch.cat([x_a, x_b]), 2, 20)
    line = inv.segment(codes[:2], codes[2:], 8)
    assert torch.allclose(out["u_line"], inv.discrete_u(gen, line, x_a, x_b),
                          rtol=1e-5)


def test_resample_and_shell_projection():
    # points bunched at one end of a straight line → equally spaced again
    t = torch.tensor([0.0, 0.01, 0.02, 0.03, 1.0]).view(1, -1, 1)
    path = t * torch.ones(1, 1, 3)
    out = inv.resample_equal_arclength(path)
    assert torch.allclose(out[0, :, 0], torch.linspace(0, 1, 5), atol=1e-6)
    radii = inv.shell_radii(out[:, 0] + 1, out[:, -1], 5)
    proj = inv.project_to_shell(out + 1, radii)
    assert torch.allclose(proj[:, 1:-1].norm(dim=-1), radii[:, 1:-1, 0])
    # the chord between two points of a sphere → an arc on it, equally spaced
    ends = torch.tensor([[3.0, 0.0, 0.0]]), torch.tensor([[0.0, 3.0, 0.0]])
    arc = inv.shell_arc(inv.segment(*ends, 9), inv.shell_radii(*ends, 9))
    assert torch.allclose(arc.norm(dim=-1), torch.full((1, 9), 3.0))
    assert inv.spacing_ratio(arc).item() < 1.01


def test_barrier_of_known_profiles():
    losses = torch.tensor([[1.0, 3.0, 2.0],     # rises 1 above the larger end
                           [1.0, 0.5, 2.0],     # no rise
                           [2.0, 1.5, 1.0]])    # monotone
    assert torch.allclose(inv.barrier(losses), torch.tensor([1.0, 0.0, 0.0]))


def test_segment_losses_on_linear_generator_are_quadratic():
    # x = A z0: L(t) = ‖A((1 − t) z0 + t z1) − A z0‖² = t² ‖A(z1 − z0)‖²
    gen = Linear(well_conditioned())
    z0, z1 = torch.randn(2, D), torch.randn(2, D)
    losses = inv.segment_losses(gen, z0, z1, gen(z0), num=5)
    t = torch.linspace(0, 1, 5)
    expected = t ** 2 * ((z1 - z0) @ gen.a.T).pow(2).sum(1, keepdim=True)
    assert torch.allclose(losses, expected, rtol=1e-5, atol=1e-5)
    assert (inv.barrier(losses) <= 0).all()   # one basin: no ridge


def test_path_energy_of_linear_generator():
    # ‖J v‖² = ‖A v‖² exactly, for any step δ; E over uniform unit v is
    # ‖A‖_F² / d.
    torch.manual_seed(3)
    a_mat = well_conditioned(3)
    gen = Linear(a_mat)
    z = torch.randn(5, D)
    v = torch.randn(5, D)
    v = v / v.norm(dim=1, keepdim=True)
    exact = (v @ a_mat.T).pow(2).sum(1).mean()
    assert math.isclose(path_energy(gen, z, v, delta=0.1).item(),
                        exact.item(), rel_tol=1e-4)
    many = torch.randn(20_000, D)
    assert math.isclose(path_energy(gen, many).item(),
                        (a_mat.pow(2).sum() / D).item(), rel_tol=0.03)


def test_path_energy_gradient_reaches_generator():
    gen = Linear(well_conditioned())
    path_energy(gen, torch.randn(4, D)).backward()
    assert gen.a.grad is not None and gen.a.grad.abs().sum() > 0


class Saddle(nn.Module):
    """G(z) = (z₁, z₂²/2): with x = (0, c), c > 0, L = z₁² + (z₂²/2 − c)²
    has ∇L(0) = 0 and ∇²L(0) = diag(2, −2c) (a saddle), and minima at
    z = (0, ±√(2c)) with ∇²L = diag(2, 4c)."""
    z_dim = 2

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.stack([z[:, 0], z[:, 1] ** 2 / 2], 1).view(-1, 1, 1, 2)


def test_grad_hessian_of_linear_generator_is_closed_form():
    # L = ‖A z − x‖²: ∇L = 2Aᵀ(A z − x), ∇²L = 2AᵀA at every z
    torch.manual_seed(4)
    a_mat = well_conditioned(4).double()
    gen = inv.freeze(Linear(a_mat).double())
    z, x = torch.randn(5, D).double(), torch.randn(5, 1, 2, 4).double()
    loss, grad, hess = inv.grad_hessian(gen, z, x, chunk=2)
    resid = z @ a_mat.T - x.flatten(1)
    assert torch.allclose(loss, resid.pow(2).sum(1))
    assert torch.allclose(grad, 2 * resid @ a_mat)
    assert torch.allclose(hess, (2 * a_mat.T @ a_mat).expand(5, D, D))


def test_linear_generator_minimum_is_found_and_confirmed():
    # A is invertible: the minimiser is z = A⁻¹x (least squares), L = 0
    torch.manual_seed(5)
    a_mat = well_conditioned(5)
    gen = Linear(a_mat)
    x = torch.randn(3, 1, 2, 4)
    z_ls = torch.linalg.lstsq(a_mat.double(),
                              x.flatten(1).double().T).solution.T
    found, final, steps = inv.check_minima(gen, z_ls, x, 5)
    assert found.verdict == ["local minimum"] * 3 and steps.sum() == 0
    lam = torch.linalg.eigvalsh(2 * a_mat.T.double() @ a_mat.double())
    assert torch.allclose(found.evals, lam.expand(3, -1), rtol=1e-5)
    # far from it: not converged, and Newton steps (each at most
    # TRUST · max(‖z‖, √d) long) get there
    start = z_ls.float() + 1
    found, final, steps = inv.check_minima(gen, start, x, 30)
    assert found.verdict == ["not converged"] * 3
    assert final.verdict == ["local minimum"] * 3
    assert (steps >= 1).all() and (steps <= 30).all()
    moved = (final.z - start.double()).norm(dim=1)
    bound = inv.TRUST * torch.maximum(start.norm(dim=1) + moved,
                                      torch.tensor(D ** 0.5)).double()
    assert (moved <= steps * bound).all()
    assert torch.allclose(final.z, z_ls, atol=1e-6)


def test_saddle_is_classified_and_refinement_is_capped():
    gen, c = Saddle(), 1.0
    x = torch.tensor([0.0, c]).view(1, 1, 1, 2).expand(3, -1, -1, -1)
    z = torch.tensor([[0.0, 0.0],            # the saddle
                      [0.0, 2 ** 0.5],       # the minimum z = (0, √(2c))
                      [0.3, 1.7]], dtype=torch.float64)  # neither
    found, final, steps = inv.check_minima(gen, z, x, 0)
    assert found.verdict == ["saddle", "local minimum", "not converged"]
    assert final.verdict == found.verdict and steps.sum() == 0
    assert torch.allclose(found.evals[0], torch.tensor([-2 * c, 2.0])
                          .double())
    assert torch.allclose(found.evals[1], torch.tensor([2.0, 4 * c])
                          .double())
    # with steps allowed, the third code converges to the minimum
    found, final, steps = inv.check_minima(gen, z, x, 20)
    assert final.verdict == ["saddle", "local minimum", "local minimum"]
    assert steps.tolist()[:2] == [0, 0] and 1 <= steps[2] <= 20
    assert torch.allclose(final.z[2], torch.tensor([0.0, 2 ** 0.5]).double(),
                          atol=1e-6)


def test_classify_thresholds():
    hi = torch.tensor([1.0, 1.0, 1.0, 1.0])
    lo = torch.tensor([0.5, -2 * inv.EIG_TOL, -0.5 * inv.EIG_TOL, 0.5])
    rel = torch.tensor([0.0, 0.0, 0.0, 2 * inv.STATIONARY])
    assert inv.classify(rel, lo, hi) == [
        "local minimum", "saddle", "local minimum", "not converged"]
    rel = torch.tensor([0.5 * inv.STATIONARY] * 4)
    assert inv.classify(rel, lo, hi)[3] == "local minimum"


def test_typical_norm_band_holds_997_permille_of_the_prior():
    torch.manual_seed(6)
    lo, hi = inv.typical_norm_band(128)
    norms = torch.randn(200_000, 128).norm(dim=1)
    inside = ((norms > lo) & (norms < hi)).float().mean().item()
    assert 0.995 < inside < 0.999


def test_outward_change_on_linear_generator():
    # x = A (2 z): L(s z) = (s − 2)² ‖A z‖², so L(1.1 z)/L(z) − 1 = 0.81 − 1
    gen = Linear(well_conditioned())
    z = torch.randn(3, D)
    change = inv.outward_change(gen, z, gen(2 * z).detach())
    assert torch.allclose(change, torch.full((3,), 0.81 - 1), atol=1e-4)
    assert (inv.outward_change(gen, z, gen(0.5 * z).detach()) > 0).all()
