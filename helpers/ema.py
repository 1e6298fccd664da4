"""An exponential moving average of a generator's weights (G_ema).

Yazıcı et al., "The Unusual Effectiveness of Averaging in GAN Training"
(ICLR 2019), and StyleGAN's G_ema: training is unchanged; a copy of G
follows θ_ema ← β θ_ema + (1 − β) θ after every generator update. The decay
is set by a half-life in training images, as in StyleGAN2: β = ½^(B / h) for
batch B, with h ramped up as min(h, r · images seen) so that the average does
not remember the random initialisation for long in short runs.

BatchNorm layers: running statistics collected for the raw weights do not
match the averaged ones, so `recompute_batchnorm` re-estimates them for the
averaged generator from fixed noise batches (what SWA's `update_bn` does).
"""

import copy

import torch
from torch import nn


class WeightAverage:
    """G_ema: an averaged copy of a model, updated after each step."""

    def __init__(self, model: nn.Module, halflife_images: float,
                 rampup: float = 0.05):
        self.model = copy.deepcopy(model).requires_grad_(False)
        self._averaged = list(self.model.parameters())
        self.halflife_images = halflife_images
        self.rampup = rampup
        self.images_seen = 0

    def decay(self, batch_size: int) -> float:
        """β of the next update: ½^(B / h), h ramped up by images seen."""
        halflife = self.halflife_images
        if self.rampup > 0:
            halflife = min(halflife, self.rampup * self.images_seen)
        return 0.5 ** (batch_size / halflife) if halflife > 0 else 0.0

    @torch.no_grad()
    def update(self, model: nn.Module, batch_size: int) -> None:
        """θ_ema ← β θ_ema + (1 − β) θ, after B more training images."""
        self.images_seen += batch_size
        beta = self.decay(batch_size)
        torch._foreach_lerp_(self._averaged, list(model.parameters()),
                             1.0 - beta)

    def state_dict(self) -> dict:
        return {"model": self.model.state_dict(),
                "images_seen": torch.tensor(self.images_seen)}

    def load_state_dict(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.images_seen = int(state["images_seen"])


def has_batchnorm(model: nn.Module) -> bool:
    return any(isinstance(m, nn.modules.batchnorm._BatchNorm)
               for m in model.modules())


@torch.no_grad()
def recompute_batchnorm(gen: nn.Module, num_batches: int = 16,
                        batch_size: int = 64, seed: int = 0) -> None:
    """Re-estimate BatchNorm running mean/variance of `gen` as the plain
    average over `num_batches` batches of fixed noise z ~ N(0, I)."""
    norms = [m for m in gen.modules()
             if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    device = next(gen.parameters()).device
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None              # None: cumulative (equal-weight) mean
    noise = torch.Generator().manual_seed(seed)
    was_training = gen.training
    gen.train()
    for _ in range(num_batches):
        gen(torch.randn(batch_size, gen.z_dim, generator=noise).to(device))
    gen.train(was_training)
    for m, momentum in zip(norms, momenta):
        m.momentum = momentum
