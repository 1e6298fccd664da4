"""GAN losses as small pure functions of discriminator logits."""

import torch
import torch.nn.functional as F


def bce_discriminator_loss(real_logits: torch.Tensor,
                           fake_logits: torch.Tensor) -> torch.Tensor:
    """BCE[D(x), 1] + BCE[D(G(z)), 0] = −log σ(D(x)) − log(1 − σ(D(G(z))))."""
    real = F.binary_cross_entropy_with_logits(
        real_logits, torch.ones_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(
        fake_logits, torch.zeros_like(fake_logits))
    return real + fake


def bce_generator_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Non-saturating BCE[D(G(z)), 1] = −log σ(D(G(z)))."""
    return F.binary_cross_entropy_with_logits(
        fake_logits, torch.ones_like(fake_logits))
