"""The GAN update steps: one minibatch's update of D (or the critic) and G.

Each step takes (G, D, their optimisers, a real batch, the config, the step
index) and returns its statistics [d_loss, g_loss, real score, fake score]
as one detached tensor, so the loop syncs with the host only when it logs.
`STEPS` chooses the step by the config's `method`.
"""

from collections.abc import Callable

import torch
from torch import nn

from .experiments import GANConfig
from .losses import (PATH_PENALTIES, bce_discriminator_loss,
                     bce_generator_loss, gradient_penalty, pair_path_energy,
                     r1_penalty, wgan_critic_loss, wgan_generator_loss)

# Lazy regulariser: the path term on every k-th G step, weighted × k (the
# same mean weight at a k-th of the cost).
PATH_EVERY = 4
# The path terms of HW2 2e: those of losses.PATH_PENALTIES, and "pairs",
# U of latent segments between codes of real image pairs (`pair_penalty`).
PATH_FORMS = (*PATH_PENALTIES, "pairs")
# Adam's step size in `pair_codes` (the one 2c/2d's inversion uses)
PAIR_INV_LR = 0.05


def _bce_stats(d_loss: torch.Tensor, g_loss: torch.Tensor,
               real_logits: torch.Tensor,
               fake_logits: torch.Tensor) -> torch.Tensor:
    """[d_loss, g_loss, mean σ(D(x)), mean σ(D(G(z)))], detached."""
    return torch.stack([d_loss.detach(), g_loss.detach(),
                        torch.sigmoid(real_logits.detach()).mean(),
                        torch.sigmoid(fake_logits.detach()).mean()])


def pair_codes(gen: nn.Module, images: torch.Tensor, z: torch.Tensor,
               fake: torch.Tensor, steps: int) -> torch.Tensor:
    """Codes of real `images` on the shell ‖z‖ = √d, detached: each starts
    at the noise of the minibatch sample G(z) nearest to it in pixels, then
    `steps` Adam steps on ‖G(z) − x‖², projected back after each. G's
    weights get no gradient from it."""
    def to_shell(code: torch.Tensor) -> torch.Tensor:
        return code * code.shape[1] ** 0.5 / code.norm(dim=1, keepdim=True)
    with torch.no_grad():
        nearest = torch.cdist(images.flatten(1), fake.flatten(1)).argmin(1)
        code = to_shell(z[nearest]).requires_grad_(True)
    opt = torch.optim.Adam([code], lr=PAIR_INV_LR)
    for _ in range(steps):
        loss = (gen(code) - images).flatten(1).pow(2).sum()  # Σᵢ‖G(zᵢ) − xᵢ‖²
        (code.grad,) = torch.autograd.grad(loss, code)
        opt.step()
        with torch.no_grad():
            code.copy_(to_shell(code))                   # z ← √d z / ‖z‖
    return code.detach()


def pair_penalty(gen: nn.Module, real: torch.Tensor, z: torch.Tensor,
                 fake: torch.Tensor, config: GANConfig) -> torch.Tensor:
    """Mean U of the straight latent segments between the codes of the
    minibatch's first 2·pair_count real images, paired in order (the batch
    is a random draw, so the pairs are too). The codes are data here, found
    anew at every penalised step: differentiating through the inversion
    would need its Hessian."""
    images = real[:2 * config.pair_count]
    codes = pair_codes(gen, images, z, fake.detach(), config.pair_inv_steps)
    return pair_path_energy(gen, codes[0::2], codes[1::2], images[0::2],
                            images[1::2], config.pair_points)


def path_penalty(gen: nn.Module, real: torch.Tensor, z: torch.Tensor,
                 fake: torch.Tensor, config: GANConfig) -> torch.Tensor:
    """The G penalty `config.path_form` on this minibatch, unweighted."""
    if config.path_form == "pairs":
        return pair_penalty(gen, real, z, fake, config)
    return PATH_PENALTIES[config.path_form](gen, z, base=fake)


def bce_step(gen: nn.Module, disc: nn.Module, opt_g: torch.optim.Optimizer,
             opt_d: torch.optim.Optimizer, real: torch.Tensor,
             config: GANConfig, step: int) -> torch.Tensor:
    """One alternating update (D, then G against the updated D); returns
    [d_loss, g_loss, σ(D(x)), σ(D(G(z)))]."""
    z = torch.randn(real.shape[0], config.z_dim, device=real.device)
    fake = gen(z)
    # discriminator: minimise −log σ(D(x)) − log(1 − σ(D(G(z)))); one forward
    # pass over [real; fake] (D has no BatchNorm, so this equals two passes)
    both = torch.cat([real, fake.detach()])
    both.requires_grad_(config.r1_weight > 0)
    real_logits, fake_logits = disc(both).split(real.shape[0])
    d_loss = bce_discriminator_loss(real_logits, fake_logits)
    if config.r1_weight > 0:
        d_loss = d_loss + config.r1_weight / 2 * r1_penalty(real_logits, both)
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    # generator: minimise −log σ(D(G(z))) on the same fake batch
    disc.requires_grad_(False)
    g_loss = bce_generator_loss(disc(fake))
    if config.path_weight > 0 and step % PATH_EVERY == 0:
        g_loss = g_loss + config.path_weight * PATH_EVERY \
            * path_penalty(gen, real, z, fake, config)
    opt_g.zero_grad(set_to_none=True)
    g_loss.backward()
    opt_g.step()
    disc.requires_grad_(True)
    return _bce_stats(d_loss, g_loss, real_logits, fake_logits)


def wgan_gp_step(gen: nn.Module, critic: nn.Module,
                 opt_g: torch.optim.Optimizer, opt_c: torch.optim.Optimizer,
                 real: torch.Tensor, config: GANConfig,
                 step: int) -> torch.Tensor:
    """One critic update on a real batch (+ a generator update every
    `n_critic` steps); returns [critic loss, −E D(G(z)), E D(x), E D(G(z))]."""
    z = torch.randn(real.shape[0], config.z_dim, device=real.device)
    with torch.no_grad():
        fake = gen(z)
    real_scores, fake_scores = critic(torch.cat([real, fake])).split(
        real.shape[0])
    # L_D = E D(G(z)) − E D(x) + λ E (‖∇D(x_hat)‖ − 1)²
    c_loss = (wgan_critic_loss(real_scores, fake_scores) + config.gp_weight
              * gradient_penalty(critic, real, fake))
    opt_c.zero_grad(set_to_none=True)
    c_loss.backward()
    opt_c.step()
    if (step + 1) % config.n_critic == 0:
        critic.requires_grad_(False)
        g_loss = wgan_generator_loss(critic(gen(
            torch.randn(real.shape[0], config.z_dim, device=real.device))))
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        opt_g.step()
        critic.requires_grad_(True)
    return torch.stack([c_loss.detach(), -fake_scores.detach().mean(),
                        real_scores.detach().mean(),
                        fake_scores.detach().mean()])


def bce_simultaneous_step(gen: nn.Module, disc: nn.Module,
                          opt_g: torch.optim.Optimizer,
                          opt_d: torch.optim.Optimizer, real: torch.Tensor,
                          config: GANConfig, step: int) -> torch.Tensor:
    """The TF DCGAN tutorial's step: ∇_D L_D and ∇_G L_G both at the current
    (G, D) from one forward pass, then both updates; returns the stats of
    `bce_step`. Saves the second discriminator forward of `bce_step`."""
    z = torch.randn(real.shape[0], config.z_dim, device=real.device)
    fake = gen(z)
    fake_in = fake.detach().requires_grad_(True)   # cut: G's grad via ∂L_G/∂x
    real_logits = disc(real)
    fake_logits = disc(fake_in)
    d_loss = bce_discriminator_loss(real_logits, fake_logits)
    g_loss = bce_generator_loss(fake_logits)
    # ∂L_G/∂G(z) through D (input gradients only), then the chain rule into G
    (grad_fake,) = torch.autograd.grad(g_loss, fake_in, retain_graph=True)
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward(inputs=list(disc.parameters()))
    opt_g.zero_grad(set_to_none=True)
    fake.backward(grad_fake)
    opt_d.step()
    opt_g.step()
    return _bce_stats(d_loss, g_loss, real_logits, fake_logits)


Step = Callable[..., torch.Tensor]
STEPS: dict[str, Step] = {"bce": bce_step,
                          "bce-simultaneous": bce_simultaneous_step,
                          "wgan-gp": wgan_gp_step}
# The penalty weights each step applies; any other must stay 0.
PENALTIES: dict[str, tuple[str, ...]] = {
    "bce": ("r1_weight", "path_weight"), "bce-simultaneous": (),
    "wgan-gp": ("gp_weight",)}


def check(config: GANConfig) -> None:
    """Raise a clear error unless `config`'s step exists and applies every
    penalty the config sets."""
    if config.method not in STEPS:
        raise ValueError(f"Unknown method {config.method!r}; known: "
                         f"{', '.join(STEPS)}.")
    for name in ("r1_weight", "path_weight", "gp_weight"):
        if getattr(config, name) and name not in PENALTIES[config.method]:
            users = [m for m, names in PENALTIES.items() if name in names]
            raise ValueError(f"{name} needs method "
                             f"{' or '.join(map(repr, users))} "
                             f"(got {config.method!r}).")
    if config.path_form not in PATH_FORMS:
        raise ValueError(f"Unknown path_form {config.path_form!r}; known: "
                         f"{', '.join(PATH_FORMS)}.")
    if config.path_form == "pairs" and config.path_weight > 0:
        check_pairs(config)


def check_pairs(config: GANConfig) -> None:
    """Raise unless path_form "pairs" has pairs, points and a batch to
    draw its pairs from."""
    if not 1 <= config.pair_count <= config.batch_size // 2:
        raise ValueError(f"path_form 'pairs' needs 1 ≤ pair_count ≤ "
                         f"batch_size / 2 = {config.batch_size // 2} "
                         f"(got {config.pair_count}).")
    if config.pair_points < 2 or config.pair_inv_steps < 0:
        raise ValueError("path_form 'pairs' needs pair_points ≥ 2 and "
                         f"pair_inv_steps ≥ 0 (got {config.pair_points}, "
                         f"{config.pair_inv_steps}).")
