"""GAN losses: BCE forms on logits and the WGAN-GP gradient penalty."""

import math

import torch
from torch import nn

from helpers.losses import (bce_discriminator_loss, bce_generator_loss,
                            gradient_penalty, wgan_critic_loss)


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
