"""Latent inversion, the local-minimum test and latent paths (HW2 2c–2e):
checked against closed forms on linear generators, on toy generators whose
minima and saddles are known, and on a small nonlinear one."""

import math

import pytest
import torch
from torch import nn

from helpers import critical as cr
from helpers import inversion as inv
from helpers import latent_path as lp
from helpers import lbfgs, pieces
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
        u = lp.discrete_u(gen, lp.segment(z_a, z_b, k), x_a, x_b)
        assert math.isclose(u.item(), closed.item(), rel_tol=1e-5), k


def test_path_optimiser_lowers_u_on_nonlinear_generator():
    torch.manual_seed(2)
    gen = Tiny()
    z_a, z_b = torch.randn(3, D) * 2, torch.randn(3, D) * 2
    x_a, x_b = gen(z_a).detach(), gen(z_b).detach()
    straight = lp.discrete_u(gen, lp.segment(z_a, z_b, 16), x_a, x_b)
    res = lp.optimise_path(gen, z_a, z_b, x_a, x_b, 16, 150, lr=0.05,
                            shell=False)
    assert res.path.shape == (3, 16, D)
    assert torch.equal(res.path[:, 0], z_a) and torch.equal(res.path[:, -1],
                                                            z_b)
    assert torch.allclose(res.u_history[0], straight)
    final = lp.discrete_u(gen, res.path, x_a, x_b)
    assert (final < 0.99 * straight).all(), (final / straight)
    assert (lp.spacing_ratio(res.path) < 1.2).all()


def test_path_result_is_the_best_iterate():
    torch.manual_seed(2)
    gen = Tiny()
    z_a, z_b = torch.randn(3, D) * 2, torch.randn(3, D) * 2
    x_a, x_b = gen(z_a).detach(), gen(z_b).detach()
    for shell in (False, True):
        res = lp.optimise_path(gen, z_a, z_b, x_a, x_b, 12, 40, lr=0.05,
                                shell=shell)
        # the returned U is the least over the equally spaced iterates
        # (the start, then one after every 10th step, and the last)
        rows = list(range(0, 40, 10)) + [40]
        assert torch.equal(res.u, res.u_history[rows].min(0).values)
        assert (res.best_iter % 10 == 0).all()
        assert (lp.spacing_ratio(res.path) < 1.5).all()   # not bunched
        assert torch.equal(res.u, res.u_history[res.best_iter,
                                                 torch.arange(3)])
        assert torch.allclose(lp.discrete_u(gen, res.path, x_a, x_b),
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
    line = lp.segment(z_a, z_b, 10)
    u_line = lp.discrete_u(gen, line, x_a, x_b).detach()
    res = lp.optimise_path(gen, z_a, z_b, x_a, x_b, 10, 30, lr=50.0)
    assert (res.u_history[1:] > 2 * u_line).all()   # the optimiser fails
    assert (res.best_iter == 0).all()
    assert torch.equal(res.path, line) and torch.equal(res.u, u_line)
    last = lp.discrete_u(gen, res.last, x_a, x_b)
    assert (last > 2 * u_line).all()


def test_line_optimal_under_constant_weight_is_not_worsened():
    # G ≡ 0: f = ‖x_A‖² + ‖x_B‖² is constant, U = f · length, and the
    # straight line is the global minimum; Adam's steps on rounding-level
    # gradients can only lengthen it, so U(result) ≤ U(line) must hold
    gen = Linear(torch.zeros(D, D))
    torch.manual_seed(4)
    z_a, z_b = torch.randn(3, D), torch.randn(3, D)
    x_a, x_b = torch.randn(3, 1, 2, 4), torch.randn(3, 1, 2, 4)
    u_line = lp.discrete_u(gen, lp.segment(z_a, z_b, 8), x_a, x_b)
    res = lp.optimise_path(gen, z_a, z_b, x_a, x_b, 8, 50, lr=0.5)
    assert (res.u <= u_line).all()
    assert torch.allclose(res.u, u_line, rtol=1e-5)   # nothing to gain


def test_min_u_summary_keys_and_guarantees():
    torch.manual_seed(5)
    gen = Tiny()
    x_a, x_b = gen(torch.randn(2, D)).detach(), gen(torch.randn(2, D)).detach()
    out = lp.min_u_summary(gen, x_a, x_b, restarts=2, inv_steps=20,
                            num_points=8, iters=20)
    for key in ("code_loss", "dz", "u_line", "u_arc", "u_shell", "u_free",
                "free_iter", "shell_iter"):
        assert key in out, key
    assert out["code_loss"].shape == (2, 2)
    assert (out["u_free"] <= out["u_line"]).all()
    assert (out["u_shell"] <= out["u_arc"]).all()
    # u_line is U of the straight line between the inverted codes
    codes, _ = inv.best_codes(gen, torch.cat([x_a, x_b]), 2, 20)
    line = lp.segment(codes[:2], codes[2:], 8)
    assert torch.allclose(out["u_line"], lp.discrete_u(gen, line, x_a, x_b),
                          rtol=1e-5)


def test_resample_and_shell_projection():
    # points bunched at one end of a straight line → equally spaced again
    t = torch.tensor([0.0, 0.01, 0.02, 0.03, 1.0]).view(1, -1, 1)
    path = t * torch.ones(1, 1, 3)
    out = lp.resample_equal_arclength(path)
    assert torch.allclose(out[0, :, 0], torch.linspace(0, 1, 5), atol=1e-6)
    radii = lp.shell_radii(out[:, 0] + 1, out[:, -1], 5)
    proj = lp.project_to_shell(out + 1, radii)
    assert torch.allclose(proj[:, 1:-1].norm(dim=-1), radii[:, 1:-1, 0])
    # the chord between two points of a sphere → an arc on it, equally spaced
    ends = torch.tensor([[3.0, 0.0, 0.0]]), torch.tensor([[0.0, 3.0, 0.0]])
    arc = lp.shell_arc(lp.segment(*ends, 9), lp.shell_radii(*ends, 9))
    assert torch.allclose(arc.norm(dim=-1), torch.full((1, 9), 3.0))
    assert lp.spacing_ratio(arc).item() < 1.01


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


def test_typical_norm_band_holds_997_permille_of_the_prior():
    torch.manual_seed(6)
    lo, hi = inv.typical_norm_band(128)
    norms = torch.randn(200_000, 128).norm(dim=1)
    inside = ((norms > lo) & (norms < hi)).float().mean().item()
    assert 0.995 < inside < 0.999


# ---- is z* a local minimum? (2c) -------------------------------------------

class Net(nn.Module):
    """G(z) = net(z) shaped (1, 1, p): net = Linear/LeakyReLU layers, Tanh."""

    def __init__(self, *layers: nn.Module):
        super().__init__()
        self.net = nn.Sequential(*layers)
        self.z_dim = layers[0].in_features

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(len(z), 1, 1, -1)


def linear(weight: list[list[float]]) -> nn.Linear:
    """A bias-free Linear layer with the given weight."""
    w = torch.tensor(weight)
    layer = nn.Linear(w.shape[1], w.shape[0], bias=False)
    layer.weight.data.copy_(w)
    return layer


ALPHA = tuple(torch.tensor([0.1, 0.2, 0.3]).tolist())   # as float32 holds them
R3 = 3 ** 0.5


def axes_toy() -> Net:
    """G(z) = tanh(diag(α) z), x = 0: L = Σ tanh²(αₖ zₖ). On the sphere
    ‖z‖ = √3 its critical points are ±√3 eₖ; smallest α: minimum, middle:
    saddle (L ≈ Σ αₖ² zₖ², a Rayleigh quotient, for αₖ√3 < 1)."""
    return Net(linear(torch.diag(torch.tensor(ALPHA)).tolist()), nn.Tanh())


def shell_curvatures(k: int) -> list[float]:
    """Closed-form eigenvalues of L's Hessian on the sphere at √3 eₖ:
    2αⱼ² − μ (j ≠ k), μ = ∂L/∂zₖ / r = 2 tanh(αₖr) sech²(αₖr) αₖ / r."""
    a = ALPHA[k] * R3
    mu = 2 * math.tanh(a) / math.cosh(a) ** 2 * ALPHA[k] / R3
    return sorted(2 * ALPHA[j] ** 2 - mu for j in range(3) if j != k)


def kink_toy() -> Net:
    """Hidden units z₁, −z₁, z₂, −z₂ (LeakyReLU 0.2, φ); outputs φ(z₁),
    (φ(z₁) − φ(−z₁))/1.2 = z₁ and z₂, then tanh. With x = (−0.5, x₂, 0.4):
    L = (tanh φ(z₁) + 0.5)² + (tanh z₁ − x₂)² + (tanh z₂ − 0.4)², whose
    slopes at z₁ = 0 are 0.2 − 2x₂ (left) and 2(0.5 − x₂) (right)."""
    c = 1 / 1.2
    return Net(linear([[1, 0], [-1, 0], [0, 1], [0, -1]]), nn.LeakyReLU(0.2),
               linear([[1, 0, 0, 0], [c, -c, 0, 0], [0, 0, c, -c]]),
               nn.Tanh())


def kink_target(x2: float) -> torch.Tensor:
    return torch.tensor([-0.5, x2, 0.4], dtype=torch.float64).view(1, 1, 1, 3)


def test_piece_matches_autograd_on_a_leaky_net():
    torch.manual_seed(7)
    gen = Net(nn.Linear(D, 16), nn.LeakyReLU(0.2), nn.Linear(16, 12),
              nn.LeakyReLU(0.2), nn.Linear(16 - 4, 5), nn.Tanh()).double()
    z, x = torch.randn(4, D).double(), torch.rand(4, 1, 1, 5).double()
    p = pieces.piece(gen, z, x, chunk=3)
    loss = inv.recon_loss(gen, z, x)
    assert torch.allclose(p.loss, loss)
    for i in range(4):
        def f(v):
            return inv.recon_loss(gen, v[None], x[i:i + 1])[0]
        assert torch.allclose(p.grad[i], torch.func.grad(f)(z[i]))
        assert torch.allclose(p.hess[i], torch.func.hessian(f)(z[i]))

    def hidden(v):
        h1 = gen.net[0](v)
        return torch.cat([h1, gen.net[2](gen.net[1](h1))])
    assert torch.allclose(p.kinks[1], hidden(z[1]))
    assert torch.allclose(p.normals[1], torch.func.jacrev(hidden)(z[1]))


def test_layers_rejects_other_generators():
    with pytest.raises(ValueError, match="Sequential"):
        pieces.layers(Linear(well_conditioned()))
    with pytest.raises(ValueError, match="Sequential"):
        pieces.layers(Net(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 2),
                          nn.Tanh()))


def axes_codes(*points: list[float]) -> torch.Tensor:
    return torch.tensor(points, dtype=torch.float64)


def test_shell_minimum_and_saddle_of_a_known_toy():
    gen, x = axes_toy(), torch.zeros(2, 1, 1, 3)
    start = axes_codes([1.6, 0.5, 0.4],         # near the minimum √3 e₁
                       [0.0, R3, 0.0])          # exactly the saddle √3 e₂
    crit = cr.converge(gen, start, x, shell=True, max_iter=50)
    assert crit.verdict == ["local minimum", "saddle"]
    # stationary: ½ λ δ² ≤ STATIONARY · L puts z within ≈ 1e-6 of it
    assert torch.allclose(crit.z[0], axes_codes([R3, 0, 0]), atol=1e-6)
    assert crit.iterations[1] == 0 and crit.kinks.tolist() == [0, 0]
    for row, k in ((0, 0), (1, 1)):
        lo, hi = shell_curvatures(k)
        assert math.isclose(crit.lam_min[row], lo, rel_tol=1e-9)
        assert math.isclose(crit.lam_max[row], hi, rel_tol=1e-9)
    assert crit.rel_decrement.max() < cr.STATIONARY
    assert (crit.edge_min == math.inf).all()    # no kinks to test


def test_flipped_curvature_fails_the_toy(monkeypatch):
    gen, x = axes_toy(), torch.zeros(2, 1, 1, 3)
    points = axes_codes([R3, 0, 0], [0, R3, 0])
    right = cr.converge(gen, points, x, shell=True, max_iter=0).verdict
    assert right == ["local minimum", "saddle"]
    honest = cr.on_m

    def flipped(*args, **kwargs):
        m = honest(*args, **kwargs)
        return pieces.OnM(m.basis, m.grad, -m.hess, m.normals)
    monkeypatch.setattr(cr, "on_m", flipped)
    wrong = cr.converge(gen, points, x, shell=True, max_iter=0).verdict
    assert wrong != right


def test_kink_minimum_is_found_and_certified():
    # x₂ = 0.3: slopes −0.4 left, +0.4 right of z₁ = 0 — a V; the minimum
    # is (0, atanh 0.4), with one kink active
    gen, x = kink_toy(), kink_target(0.3)
    crit = cr.converge(gen, torch.tensor([[0.3, 0.1]]), x, shell=False,
                       max_iter=50)
    assert crit.verdict == ["local minimum"] and crit.kinks.item() == 1
    assert torch.allclose(crit.z[0], torch.tensor(
        [0.0, math.atanh(0.4)], dtype=torch.float64), atol=1e-6)
    assert math.isclose(crit.loss.item(), 0.25 + 0.09, rel_tol=1e-9)
    # both one-sided slopes are 0.4, and so is ‖∇L‖ beside the kink
    assert math.isclose(crit.edge_min.item(), 1.0, rel_tol=1e-6)


def test_ramp_kink_is_released_to_the_smooth_minimum():
    # x₂ = 0.05: slopes +0.1 left, +0.9 right — L still falls to the left
    # of z₁ = 0, so the kink is left and the minimum is smooth, at z₁ < 0
    gen, x = kink_toy(), kink_target(0.05)
    crit = cr.converge(gen, torch.tensor([[0.3, 0.1]]), x, shell=False,
                       max_iter=50)
    assert crit.verdict == ["local minimum"] and crit.kinks.item() == 0

    def slope(z1: float) -> float:   # dL/dz₁ for z₁ < 0
        a, b = math.tanh(0.2 * z1), math.tanh(z1)
        return (0.4 * (a + 0.5) * (1 - a * a)
                + 2 * (b - 0.05) * (1 - b * b))
    lo, hi = -3.0, -1e-12
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if slope(mid) < 0 else (lo, mid)
    assert math.isclose(crit.z[0, 0].item(), lo, abs_tol=1e-6)
    assert math.isclose(crit.z[0, 1].item(), math.atanh(0.4), abs_tol=1e-6)


def test_classify_each_branch():
    s, e, g = cr.STATIONARY, cr.EIG_TOL, cr.EDGE_TOL
    assert cr.classify(0.0, 0.5, 1.0, 1.0) == "local minimum"
    assert cr.classify(0.0, -2 * e, 1.0, 1.0) == "saddle"
    assert cr.classify(0.0, 0.5 * e, 1.0, 1.0) == "degenerate"
    assert cr.classify(0.0, 0.5, 1.0, 0.5 * g) == "degenerate"
    assert cr.classify(2 * s, 0.5, 1.0, 1.0) == "not converged"
    assert cr.classify(0.5 * s, 0.5, 1.0, -2 * g) == "not converged"
    nan = float("nan")                      # M is a point: kinks decide
    assert cr.classify(0.0, nan, nan, 1.0) == "local minimum"


def test_groups_are_connected_components():
    z = torch.tensor([[0.0, 0], [0.05, 0], [0.1, 0], [5, 0], [5, 0.01]])
    assert cr.groups(z, 0.06) == [0, 0, 0, 1, 1]
    assert cr.groups(z, 0.01) == [0, 1, 2, 3, 4]


def test_lbfgs_rows_are_independent():
    # f = Σ cᵢ (wᵢ − tᵢ)² per row, a different quadratic per row
    torch.manual_seed(8)
    c, t = torch.rand(3, 4).double() + 0.1, torch.randn(3, 4).double()

    def f(w, rows):
        return (c[rows] * (w - t[rows]) ** 2).sum(1)
    start = torch.randn(3, 4).double()
    out = lbfgs.lbfgs(f, start, 100)
    assert torch.allclose(out.w, t, atol=1e-8)
    alone = lbfgs.lbfgs(lambda w, rows: f(w, rows + 1), start[1:2], 100)
    assert torch.equal(alone.w[0], out.w[1])        # row 1 on its own


def test_lbfgs_reaches_a_kink_minimum():
    # f = |w₁| + (w₂ − 1)²: minimum (0, 1) on the kink w₁ = 0
    def f(w, rows):
        return w[:, 0].abs() + (w[:, 1] - 1) ** 2
    out = lbfgs.lbfgs(f, torch.tensor([[0.7, -2.0]], dtype=torch.float64),
                      300)
    assert torch.allclose(out.w, torch.tensor([[0.0, 1.0]],
                                              dtype=torch.float64), atol=1e-6)
    assert out.loss.item() < 1e-10


def test_descend_on_the_shell_and_off_it():
    torch.manual_seed(9)
    gen = Net(nn.Linear(D, 16), nn.LeakyReLU(0.2), nn.Linear(16, 8),
              nn.Tanh())
    x = gen(torch.randn(3, D)).detach()
    z = torch.randn(3, D)
    for shell in (True, False):
        out = inv.descend(gen, z, x, 50, shell)
        start = inv.to_shell(z) if shell else z
        assert (out.loss < inv.recon_loss(gen, start, x).double()).all()
        assert torch.allclose(out.loss, inv.recon_loss(gen.double(), out.w,
                                                       x.double()))
        gen.float()
        if shell:
            assert torch.allclose(out.w.norm(dim=1),
                                  torch.full((3,), D ** 0.5,
                                             dtype=torch.float64))


def test_distinct_losses_one_per_group_of_kept_codes():
    z = torch.tensor([[0.0, 0], [0.01, 0], [3, 0], [6, 0]])
    loss = torch.tensor([2.0, 2.0, 1.0, 0.5])
    keep = torch.tensor([True, True, True, False])
    assert cr.distinct_losses(z, loss, keep, 0.1) == [1.0, 2.0]
