"""Latent inversion from many starts: argmin_z ‖G(z) − x‖², unconstrained
or on the shell ‖z‖ = √d (HW2 2c; 2d and 2e take their codes from here).

B images × R restarts are one (B·R, d) batch of codes on the generator's
device. The generator is frozen (eval mode, no parameter gradients); only
the codes are optimised. Images are in the generator's range [−1, 1].
"""

import copy
from dataclasses import dataclass

import torch
from torch import nn

from .lbfgs import Descent, lbfgs

OPTIMIZERS = ("adam", "gd")


def freeze(gen: nn.Module) -> nn.Module:
    """Eval mode and requires_grad False on every parameter (in place)."""
    return gen.eval().requires_grad_(False)


def sq_dist(images: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Per-row ‖a − b‖² over all pixels (broadcast over leading dims)."""
    return (images - targets).flatten(-3).pow(2).sum(-1)


def recon_loss(gen: nn.Module, z: torch.Tensor,
               targets: torch.Tensor) -> torch.Tensor:
    """‖G(z) − x‖² per row; z (N, d), targets (N, 1, H, W) → (N,)."""
    return sq_dist(gen(z), targets)


def _optimizer(name: str, params: list[torch.Tensor],
               lr: float) -> torch.optim.Optimizer:
    """Adam or plain gradient descent (SGD without momentum) by name."""
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    if name == "gd":
        return torch.optim.SGD(params, lr=lr)
    raise ValueError(f"Unknown optimizer {name!r}; use one of {OPTIMIZERS}.")


def starts(num: int, d: int, seed: int) -> torch.Tensor:
    """`num` codes z ~ N(0, I_d) from a generator seeded with `seed` (CPU)."""
    return torch.randn(num, d, generator=torch.Generator().manual_seed(seed))


def to_shell(z: torch.Tensor) -> torch.Tensor:
    """Each row projected onto the shell ‖z‖ = √d: z ← √d z / ‖z‖."""
    return z * z.shape[-1] ** 0.5 / z.norm(dim=-1, keepdim=True)


@dataclass
class Inversion:
    """Codes found by `invert`: z (B, R, d), final ‖G(z) − x‖² (B, R) and
    the loss after every step (steps + 1, B, R), all on the CPU."""
    z: torch.Tensor
    loss: torch.Tensor
    history: torch.Tensor
    optimizer: str
    steps: int
    lr: float

    def best(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Per image: the code of the lowest-loss start (B, d) and its loss."""
        idx = self.loss.argmin(1)
        rows = torch.arange(len(idx))
        return self.z[rows, idx], self.loss[rows, idx]


def invert(gen: nn.Module, images: torch.Tensor, restarts: int, steps: int,
           optimizer: str = "adam", lr: float = 0.05, seed: int = 0,
           shell: bool = False) -> Inversion:
    """argmin_z ‖G(z) − x‖² from `restarts` N(0, I) starts per image.

    All B·R codes form one batch. The objective is the sum of the per-row
    losses: row i's loss depends only on z_i, so its gradient is row i's own
    gradient, and Adam (elementwise) and GD act on every start independently.
    `shell`: after every step project z onto the sphere ‖z‖ = √d, where
    N(0, I) puts its mass (projected gradient descent).
    """
    freeze(gen)
    z = starts(len(images) * restarts, gen.z_dim, seed)
    z = (to_shell(z) if shell else z).to(images.device).requires_grad_(True)
    targets = images.repeat_interleave(restarts, dim=0)  # row b·R + r ↦ x_b
    opt = _optimizer(optimizer, [z], lr)
    history = []
    for _ in range(steps):
        loss = recon_loss(gen, z, targets)
        history.append(loss.detach())
        opt.zero_grad(set_to_none=True)
        loss.sum().backward()   # ∂/∂z_i Σ_j L_j = ∂L_i/∂z_i
        opt.step()
        if shell:
            with torch.no_grad():   # z ← √d z / ‖z‖
                z.mul_(gen.z_dim ** 0.5 / z.norm(dim=1, keepdim=True))
    with torch.no_grad():
        history.append(recon_loss(gen, z, targets))
    shape = (len(images), restarts)
    return Inversion(z.detach().view(*shape, -1).cpu(),
                     history[-1].view(shape).cpu(),
                     torch.stack(history).view(-1, *shape).cpu(),
                     optimizer, steps, lr)


def typical_norm_band(d: int, k: float = 3.0) -> tuple[float, float]:
    """‖z‖ of z ~ N(0, I_d) is χ_d: mean ≈ √(d − ½), sd ≈ 1/√2 (d ≫ 1), so
    mean ± k sd holds ≈ 99.7 % of draws for k = 3."""
    mean, sd = (d - 0.5) ** 0.5, 0.5 ** 0.5
    return mean - k * sd, mean + k * sd


def best_codes(gen: nn.Module, images: torch.Tensor, restarts: int,
               steps: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Codes on the shell ‖z‖ = √d (Adam, best of `restarts` starts) of
    images (N, 1, H, W) → (N, d) codes and their ‖G(z) − x‖², on the CPU."""
    return invert(gen, images, restarts, steps, "adam", 0.05, seed,
                  shell=True).best()


def descend(gen: nn.Module, z: torch.Tensor, targets: torch.Tensor,
            iters: int, shell: bool) -> Descent:
    """Codes z (N, d) carried on by L-BFGS on ‖G(z) − x‖² in float64, on
    the shell ‖z‖ = √d (as z = √d w/‖w‖) or unconstrained, each until its
    line search stalls or after `iters` iterations; run on the targets'
    device (the CPU for MPS, which has no float64), returned on the CPU."""
    device = targets.device if targets.device.type != "mps" else "cpu"
    gen64 = freeze(copy.deepcopy(gen).to(device).double())
    x = targets.double().to(device)
    z = z.to(device)

    def loss(w: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        return recon_loss(gen64, to_shell(w) if shell else w, x[rows])

    start = to_shell(z.double()) if shell else z.double()
    out = lbfgs(loss, start, iters)
    out.w = to_shell(out.w) if shell else out.w
    return Descent(*(v.cpu() for v in (out.w, out.loss, out.iterations,
                                       out.stopped)))
