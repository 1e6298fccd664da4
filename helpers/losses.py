"""GAN losses as small pure functions of discriminator logits, and the
generator penalties of HW2 2e."""

import torch
import torch.nn.functional as F


def bce_discriminator_loss(real_logits: torch.Tensor,
                           fake_logits: torch.Tensor,
                           real_label: float = 1.0) -> torch.Tensor:
    """BCE[D(x), r] + BCE[D(G(z)), 0]; r = 1 gives −log σ(D(x)) −
    log(1 − σ(D(G(z)))), r < 1 is one-sided label smoothing."""
    real = F.binary_cross_entropy_with_logits(
        real_logits, torch.full_like(real_logits, real_label))
    fake = F.binary_cross_entropy_with_logits(
        fake_logits, torch.zeros_like(fake_logits))
    return real + fake


def bce_generator_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """Non-saturating BCE[D(G(z)), 1] = −log σ(D(G(z)))."""
    return F.binary_cross_entropy_with_logits(
        fake_logits, torch.ones_like(fake_logits))


def wgan_critic_loss(real_scores: torch.Tensor,
                     fake_scores: torch.Tensor) -> torch.Tensor:
    """E[D(G(z))] − E[D(x)]: minimising it maximises the Wasserstein estimate."""
    return fake_scores.mean() - real_scores.mean()


def wgan_generator_loss(fake_scores: torch.Tensor) -> torch.Tensor:
    """−E[D(G(z))]."""
    return -fake_scores.mean()


def gradient_penalty(critic: torch.nn.Module, real: torch.Tensor,
                     fake: torch.Tensor) -> torch.Tensor:
    """E[(‖∇D(x_hat)‖₂ − 1)²], x_hat = εx + (1 − ε)G(z), ε ~ U[0, 1] per
    sample (the gradient with respect to x_hat).

    Multiply by λ outside. The graph is kept (create_graph) so the penalty
    can be differentiated with respect to the critic's weights.
    """
    eps = torch.rand(real.shape[0], *([1] * (real.dim() - 1)),
                     device=real.device, dtype=real.dtype)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grads,) = torch.autograd.grad(critic(x_hat).sum(), x_hat,
                                   create_graph=True)
    norms = grads.flatten(1).norm(dim=1)          # per-sample ‖∇D(x_hat)‖₂
    return ((norms - 1) ** 2).mean()


def r1_penalty(real_logits: torch.Tensor,
               inputs: torch.Tensor) -> torch.Tensor:
    """E‖∇ₓ D(x)‖² over real images x (Mescheder et al., 2018); multiply by
    γ/2 outside. `inputs` must require grad and contain the real batch (other
    rows, e.g. detached fakes scored in the same pass, get zero gradient from
    `real_logits` because D treats samples independently)."""
    (grads,) = torch.autograd.grad(real_logits.sum(), inputs,
                                   create_graph=True)
    return grads.flatten(1).pow(2).sum() / real_logits.shape[0]


def path_energy(gen: torch.nn.Module, z: torch.Tensor,
                v: torch.Tensor | None = None, delta: float = 1e-2,
                base: torch.Tensor | None = None) -> torch.Tensor:
    """E‖J_G(z) v‖² over the rows, by the finite difference
    ‖G(z + δv) − G(z)‖² / δ²: the squared image-space speed of G along a short
    latent segment in a random unit direction v (drawn if not given).

    Used by HW2 2e: it bounds U of straight latent segments from above, so
    penalising it lowers min U (see the 2e notebook). `base` = G(z) if
    already computed (saves a forward pass).
    """
    if v is None:
        v = torch.randn_like(z)
        v = v / v.norm(dim=1, keepdim=True)      # uniform on the unit sphere
    if base is None:
        base = gen(z)
    moved = gen(z + delta * v)
    return (moved - base).flatten(1).pow(2).sum(1).mean() / delta ** 2


def path_length_deviation(gen: torch.nn.Module, z: torch.Tensor,
                          base: torch.Tensor | None = None) -> torch.Tensor:
    """StyleGAN2's path-length penalty on z: E(‖J_G(z)ᵀy‖ − a)² with
    y ~ N(0, I/(H·W)) in image space and a the batch mean of ‖J_G(z)ᵀy‖,
    held fixed (StyleGAN2 keeps a running mean instead). It pulls G's
    Jacobian norm towards a constant, not towards 0. `base` is unused: ∂/∂z
    needs a forward pass from a z that requires grad."""
    z = z.detach().requires_grad_(True)
    images = gen(z)
    y = torch.randn_like(images) / images[0, 0].numel() ** 0.5
    (grad,) = torch.autograd.grad((images * y).sum(), z, create_graph=True)
    lengths = grad.norm(dim=1)                       # ‖J_G(z)ᵀ y‖ per row
    return (lengths - lengths.detach().mean()).pow(2).mean()


def pair_path_energy(gen: torch.nn.Module, z_a: torch.Tensor,
                     z_b: torch.Tensor, x_a: torch.Tensor, x_b: torch.Tensor,
                     points: int) -> torch.Tensor:
    """Mean over pairs of the discrete path energy of the straight latent
    segment z_A → z_B: U = Σₖ ½[f(zₖ) + f(zₖ₊₁)] ‖zₖ₊₁ − zₖ‖ with
    f(z) = ‖G(z) − x_A‖² + ‖G(z) − x_B‖² at `points` equally spaced points
    (ends included); z (P, d), x (P, ...).

    Used by HW2 2e: min U ≤ U(segment), so penalising it lowers min U
    directly. The codes are constants here; the gradient reaches G through
    its images only.
    """
    t = torch.linspace(0, 1, points, device=z_a.device).view(1, -1, 1)
    path = (1 - t) * z_a.unsqueeze(1) + t * z_b.unsqueeze(1)  # (P, K, d)
    images = gen(path.flatten(0, 1)).view(*path.shape[:2], -1)
    f = ((images - x_a.flatten(1).unsqueeze(1)).pow(2).sum(-1)
         + (images - x_b.flatten(1).unsqueeze(1)).pow(2).sum(-1))  # (P, K)
    # equal steps on a segment: ‖zₖ₊₁ − zₖ‖ = ‖z_B − z_A‖ / (K − 1)
    step = (z_b - z_a).norm(dim=1, keepdim=True) / (points - 1)
    return (0.5 * (f[:, 1:] + f[:, :-1]) * step).sum(1).mean()


# The G penalties of HW2 2e, by GANConfig.path_form, that read
# (G, its noise z, G(z)); "pairs" (pair_path_energy) needs real images
# and their codes, which helpers.steps finds.
PATH_PENALTIES = {"energy": path_energy, "length": path_length_deviation}
