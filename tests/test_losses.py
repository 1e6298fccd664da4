"""GAN losses: BCE forms on logits, the WGAN-GP gradient penalty, and HW2
2e's penalty on latent segments between codes of real image pairs."""

import math

import torch
from torch import nn

from helpers.losses import (bce_discriminator_loss, bce_generator_loss,
                            gradient_penalty, pair_path_energy,
                            wgan_critic_loss)


def test_bce_losses_at_indifferent_discriminator():
    zeros = torch.zeros(8)  # σ(0) = ½ for every image
    assert math.isclose(bce_discriminator_loss(zeros, zeros).item(),
                        2 * math.log(2), rel_tol=1e-6)
    assert math.isclose(bce_generator_loss(zeros).item(), math.log(2),
                        rel_tol=1e-6)


def test_wgan_critic_loss_is_score_gap():
    real, fake = torch.tensor([3.0, 5.0]), torch.tensor([1.0, 1.0])
    assert wgan_critic_loss(real, fake).item() == 1.0 - 4.0


def linear_critic(norm: float) -> nn.Module:
    """D(x) = w·x + b with ‖w‖₂ = norm, so ∇ₓD = w everywhere."""
    critic = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 1))
    with torch.no_grad():
        w = torch.randn(1, 28 * 28)
        critic[1].weight.copy_(w / w.norm() * norm)
    return critic


def test_gradient_penalty_of_linear_critic_is_analytic():
    torch.manual_seed(0)
    real, fake = torch.randn(16, 1, 28, 28), torch.randn(16, 1, 28, 28)
    for norm in (0.5, 1.0, 3.0):
        penalty = gradient_penalty(linear_critic(norm), real, fake)
        assert math.isclose(penalty.item(), (norm - 1) ** 2, abs_tol=1e-5)


def test_gradient_penalty_gradient_wrt_weights():
    # d/dw (‖w‖ − 1)² = 2 (‖w‖ − 1) w / ‖w‖
    torch.manual_seed(0)
    critic = linear_critic(3.0)
    real, fake = torch.randn(4, 1, 28, 28), torch.randn(4, 1, 28, 28)
    gradient_penalty(critic, real, fake).backward()
    w = critic[1].weight.detach()
    expected = 2 * (w.norm() - 1) * w / w.norm()
    assert torch.allclose(critic[1].weight.grad, expected, atol=1e-5)


def test_gradient_penalty_norms_are_per_sample():
    # D(x) = ½ Σ x²: ∇ = x̂, so the penalty is the mean of (‖x̂ᵢ‖ − 1)².
    class Quadratic(nn.Module):
        def forward(self, x):
            return 0.5 * x.flatten(1).pow(2).sum(1)
    real = torch.zeros(2, 1, 28, 28)
    real[0].fill_(1 / 28)       # ‖x‖ = 1
    real[1].fill_(3 / 28)       # ‖x‖ = 3
    penalty = gradient_penalty(Quadratic(), real, real.clone())
    assert math.isclose(penalty.item(), (0 + 4) / 2, rel_tol=1e-5)


def test_r1_penalty_of_linear_discriminator_is_weight_norm_squared():
    torch.manual_seed(0)
    disc = linear_critic(2.0)
    real, fake = torch.randn(4, 1, 28, 28), torch.randn(4, 1, 28, 28)
    both = torch.cat([real, fake]).requires_grad_(True)
    real_logits, _ = disc(both).split(4)
    from helpers.losses import r1_penalty
    assert math.isclose(r1_penalty(real_logits, both).item(), 4.0,
                        rel_tol=1e-5)


# ---- HW2 2e: U of latent segments between codes of real image pairs -------

class LinearGenerator(nn.Module):
    """G(z) = W z + c as 2 × 2 images, float64: U has a closed form."""

    def __init__(self, d: int = 3, seed: int = 0):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        self.weight = nn.Parameter(torch.randn(4, d, generator=gen,
                                               dtype=torch.float64))
        self.bias = nn.Parameter(torch.randn(4, generator=gen,
                                             dtype=torch.float64))
        self.z_dim = d

    def forward(self, z):
        return (z @ self.weight.T + self.bias).view(-1, 1, 2, 2)


def pair_inputs(num_pairs: int = 3, d: int = 3, seed: int = 1):
    gen = torch.Generator().manual_seed(seed)
    z_a, z_b = (torch.randn(num_pairs, d, generator=gen,
                            dtype=torch.float64) for _ in range(2))
    x_a, x_b = (torch.randn(num_pairs, 1, 2, 2, generator=gen,
                            dtype=torch.float64) for _ in range(2))
    return z_a, z_b, x_a, x_b


def linear_u(gen: LinearGenerator, z_a, z_b, x_a, x_b,
             points: int) -> torch.Tensor:
    """Closed form: on z(t) = z_A + tΔ, G moves as g₀ + t w (w = WΔ), so
    f(t) = αt² + βt + γ with α = 2‖w‖², β = 2w·(u_A + u_B), γ = ‖u_A‖² +
    ‖u_B‖², u = g₀ − x. ∫₀¹ f = α/3 + β/2 + γ, and the trapezoid rule with
    step h = 1/(K − 1) adds exactly f''h²/12 = αh²/6; U = ‖Δ‖ × that."""
    with torch.no_grad():
        delta = z_b - z_a
        w = delta @ gen.weight.T
        g0 = gen(z_a).flatten(1)
        u_a, u_b = g0 - x_a.flatten(1), g0 - x_b.flatten(1)
        alpha = 2 * w.pow(2).sum(1)
        beta = 2 * (w * (u_a + u_b)).sum(1)
        gamma = u_a.pow(2).sum(1) + u_b.pow(2).sum(1)
        h = 1 / (points - 1)
        per_pair = delta.norm(dim=1) * (alpha / 3 + beta / 2 + gamma
                                        + alpha * h ** 2 / 6)
    return per_pair.mean()


def test_pair_path_energy_of_linear_generator_is_the_closed_form():
    gen, inputs = LinearGenerator(), pair_inputs()
    for points in (2, 5, 33):
        assert torch.allclose(pair_path_energy(gen, *inputs, points),
                              linear_u(gen, *inputs, points))


def test_pair_path_energy_equals_2d_discrete_u_on_the_segment():
    from helpers.latent_path import discrete_u, segment
    gen, (z_a, z_b, x_a, x_b) = LinearGenerator(), pair_inputs()
    path = segment(z_a, z_b, 7)
    assert torch.allclose(pair_path_energy(gen, z_a, z_b, x_a, x_b, 7),
                          discrete_u(gen, path, x_a, x_b).mean())


def test_pair_path_energy_gradient_matches_finite_differences():
    gen, inputs = LinearGenerator(), pair_inputs()
    pair_path_energy(gen, *inputs, 6).backward()
    eps = 1e-6
    for param in (gen.weight, gen.bias):
        flat = param.data.view(-1)
        for i in range(flat.numel()):
            old = flat[i].item()
            flat[i] = old + eps
            up = pair_path_energy(gen, *inputs, 6).item()
            flat[i] = old - eps
            down = pair_path_energy(gen, *inputs, 6).item()
            flat[i] = old
            assert math.isclose(param.grad.view(-1)[i].item(),
                                (up - down) / (2 * eps), rel_tol=1e-5,
                                abs_tol=1e-6)


def test_pairs_penalty_enters_the_g_step_with_its_sign_and_weight():
    """One SGD step of G with path_form "pairs" at weight μ moves G's
    weights by −lr μ k ∇U (k = PATH_EVERY) more than the same step at
    μ = 0, at the codes the step finds; so U falls (a flipped sign would
    raise it)."""
    import copy
    from dataclasses import replace

    from helpers import steps
    from test_runs_train import tiny_config
    mu, lr = 0.01, 0.05
    config = replace(tiny_config(), z_dim=3, method="bce", r1_weight=0.0,
                     path_form="pairs", pair_count=4, pair_points=5,
                     pair_inv_steps=3, batch_size=16)
    steps.check(replace(config, path_weight=mu))
    torch.manual_seed(0)
    gen0 = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 4))
    disc0 = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2),
                          nn.Linear(8, 1), nn.Flatten(0))
    real = torch.randn(16, 4)
    torch.manual_seed(1)                  # the step's own draw of z
    z = torch.randn(16, 3)
    codes = steps.pair_codes(gen0, real[:8], z, gen0(z).detach(), 3)
    pairs = (codes[0::2], codes[1::2], real[0:8:2], real[1:8:2])
    u_grad = torch.autograd.grad(pair_path_energy(gen0, *pairs, 5),
                                 list(gen0.parameters()))
    after = {}
    for weight in (0.0, mu):
        gen, disc = copy.deepcopy(gen0), copy.deepcopy(disc0)
        torch.manual_seed(1)
        steps.bce_step(gen, disc, torch.optim.SGD(gen.parameters(), lr=lr),
                       torch.optim.SGD(disc.parameters(), lr=lr), real,
                       replace(config, path_weight=weight), 0)
        after[weight] = gen
    k = steps.PATH_EVERY
    for p_mu, p_0, g in zip(after[mu].parameters(), after[0.0].parameters(),
                            u_grad):
        torch.testing.assert_close(p_mu - p_0, -lr * mu * k * g)
    with torch.no_grad():
        assert pair_path_energy(after[mu], *pairs, 5) \
            < pair_path_energy(after[0.0], *pairs, 5)


def test_pair_codes_fit_the_images_better_than_their_warm_start():
    from helpers import steps
    torch.manual_seed(0)
    gen = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 4))
    images = gen(torch.randn(6, 3) * 1.7).detach()   # reachable targets
    z = torch.randn(64, 3)
    fake = gen(z).detach()
    err = lambda c: (gen(c) - images).pow(2).sum().item()  # noqa: E731
    start = steps.pair_codes(gen, images, z, fake, 0)
    refined = steps.pair_codes(gen, images, z, fake, 50)
    assert torch.allclose(start.norm(dim=1), torch.full((6,), 3 ** 0.5))
    assert torch.allclose(refined.norm(dim=1), torch.full((6,), 3 ** 0.5))
    assert err(refined) < err(start)
    assert all(p.grad is None for p in gen.parameters())


def test_pairs_form_is_checked():
    from dataclasses import replace

    import pytest

    from helpers import steps
    from test_runs_train import tiny_config
    config = replace(tiny_config(), method="bce", path_form="pairs",
                     path_weight=0.1, pair_points=8, batch_size=16)
    with pytest.raises(ValueError, match="pair_count"):
        steps.check(config)
    with pytest.raises(ValueError, match="pair_points"):
        steps.check(replace(config, pair_count=8, pair_points=1))
    steps.check(replace(config, pair_count=8))
    with pytest.raises(ValueError, match="known: energy, length, pairs"):
        steps.check(replace(config, path_form="chord"))
