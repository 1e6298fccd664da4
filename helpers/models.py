"""Generators and discriminators, chosen by name (`build_gan`), and a
checkpoint's trained generator; the MLP encoder/decoder of the HW2 1e
autoencoders; layer tables."""

from typing import Any

import torch
from torch import nn

from .text import md_table

LEAKY_SLOPE_TF = 0.3  # Keras' LeakyReLU default, as in HW3 §3


def keras_init_(module: nn.Module) -> None:
    """Keras defaults: Glorot-uniform kernels, zero biases (HW3 follows the TF tutorial)."""
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


def _keras_bn(channels: int, dims: int) -> nn.Module:
    # Keras BatchNormalization: eps 1e-3, moving average 0.99 (= momentum 0.01)
    norm = nn.BatchNorm1d if dims == 1 else nn.BatchNorm2d
    return norm(channels, eps=1e-3, momentum=0.01)


class Dropout(nn.Dropout):
    """nn.Dropout with the mask drawn as 1[u ≥ p], u ~ U[0, 1): the same
    distribution (x·mask/(1 − p)), but `rand_like` is several times faster
    on CPU than the Bernoulli sampler nn.Dropout uses."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        # mask/(1 − p) built in place in u's float buffer: one multiply by x
        mask = torch.rand_like(x).ge_(self.p).mul_(1 / (1 - self.p))
        return x * mask


class DCGANGenerator(nn.Module):
    """HW3 §3c: z (100) → dense 7·7·256 → convT 128@7² → 64@14² → 1@28², tanh.

    No biases anywhere. BatchNorm + LeakyReLU(0.3) after the dense layer and
    after each transposed conv except the last (as in the TF DCGAN tutorial).
    """

    def __init__(self, z_dim: int = 100):
        super().__init__()
        self.z_dim = z_dim
        self.dense = nn.Sequential(
            nn.Linear(z_dim, 7 * 7 * 256, bias=False),
            _keras_bn(7 * 7 * 256, dims=1), nn.LeakyReLU(LEAKY_SLOPE_TF))
        # 'same' padding: stride 1 keeps 7×7; stride 2 doubles (p=2, output_padding=1)
        self.convs = nn.Sequential(
            nn.ConvTranspose2d(256, 128, 5, stride=1, padding=2, bias=False),
            _keras_bn(128, dims=2), nn.LeakyReLU(LEAKY_SLOPE_TF),
            nn.ConvTranspose2d(128, 64, 5, stride=2, padding=2,
                               output_padding=1, bias=False),
            _keras_bn(64, dims=2), nn.LeakyReLU(LEAKY_SLOPE_TF),
            nn.ConvTranspose2d(64, 1, 5, stride=2, padding=2,
                               output_padding=1, bias=False),
            nn.Tanh())
        keras_init_(self)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.convs(self.dense(z).view(-1, 256, 7, 7))


class DCGANDiscriminator(nn.Module):
    """HW3 §3b: 1@28² → conv 64@14² → 128@7² (5×5, stride 2), each followed by
    LeakyReLU(0.3) and Dropout(0.3), then dense 6272 → 1 logit."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 64, 5, stride=2, padding=2),
            nn.LeakyReLU(LEAKY_SLOPE_TF), Dropout(0.3),
            nn.Conv2d(64, 128, 5, stride=2, padding=2),
            nn.LeakyReLU(LEAKY_SLOPE_TF), Dropout(0.3),
            nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
        keras_init_(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


class FCGenerator(nn.Module):
    """HW2 2a: Linear layers 128 → 256 → 512 → 1024 → 784, LeakyReLU(0.2)
    after each hidden layer, tanh on the 784 outputs (pixels in [−1, 1])."""

    def __init__(self, z_dim: int = 128):
        super().__init__()
        self.z_dim = z_dim
        sizes = [z_dim, 256, 512, 1024]
        layers: list[nn.Module] = []
        for n_in, n_out in zip(sizes, sizes[1:]):
            layers += [nn.Linear(n_in, n_out), nn.LeakyReLU(0.2)]
        self.net = nn.Sequential(*layers, nn.Linear(1024, 28 * 28), nn.Tanh())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).view(-1, 1, 28, 28)


class FCDiscriminator(nn.Module):
    """HW2 2a/2b: 784 → 512 → 256 → 1 logit (or critic score), LeakyReLU(0.2);
    no BatchNorm and no sigmoid, so it serves as the WGAN-GP critic too."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(28 * 28, 512), nn.LeakyReLU(0.2),
            nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


class MLPEncoder(nn.Module):
    """HW2 1e: 784 → hidden → hidden → 2·z_dim, ReLU; returns (location, raw
    scale), raw being the logit of the Echo s or the Gaussian log σ²."""

    def __init__(self, z_dim: int = 16, hidden: int = 256):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(28 * 28, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
            nn.ReLU(), nn.Linear(hidden, 2 * z_dim))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        loc, raw = self.net(x.flatten(1)).chunk(2, dim=1)
        return loc, raw


class MLPDecoder(nn.Module):
    """HW2 1e: z_dim → hidden → hidden → 784 Bernoulli logits, ReLU."""

    def __init__(self, z_dim: int = 16, hidden: int = 256):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(z_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
            nn.ReLU(), nn.Linear(hidden, 28 * 28))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


def _chans(base: tuple[int, ...], width: float) -> list[int]:
    """Channel counts scaled by `width` (at least 1 each)."""
    return [max(1, round(c * width)) for c in base]


class ConvEncoder(nn.Module):
    """HW2 1e: the Echo paper's encoder (Brekelmans et al. 2019, echo.json):
    5×5 convs 32 (s1), 32 (s2), 64 (s1), 64 (s2), a 7×7 conv to 256, ReLU,
    then a linear map to 2·z_dim; `width` scales every channel count."""

    def __init__(self, z_dim: int = 32, width: float = 1.0):
        super().__init__()
        c = _chans((32, 32, 64, 64, 256), width)
        self.net = nn.Sequential(
            nn.Conv2d(1, c[0], 5, 1, 2), nn.ReLU(),      # 28 × 28
            nn.Conv2d(c[0], c[1], 5, 2, 2), nn.ReLU(),   # 14 × 14
            nn.Conv2d(c[1], c[2], 5, 1, 2), nn.ReLU(),
            nn.Conv2d(c[2], c[3], 5, 2, 2), nn.ReLU(),   # 7 × 7
            nn.Conv2d(c[3], c[4], 7), nn.ReLU(),         # 1 × 1
            nn.Flatten(), nn.Linear(c[4], 2 * z_dim))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # channels-last: ≈ 35 % faster convolutions on CPU (oneDNN)
        x = x.reshape(-1, 1, 28, 28).contiguous(
            memory_format=torch.channels_last)
        loc, raw = self.net(x).chunk(2, dim=1)
        return loc, raw


class ConvDecoder(nn.Module):
    """HW2 1e: the mirrored decoder: transposed convs 7×7 to 64 channels at
    7 × 7, 5×5 64 (s1), 64 (s2), 32 (s1), 32 (s2), a 5×5 conv 32 (the
    paper's 4×4 has no symmetric 'same' padding), a 5×5 conv to 1 logit."""

    def __init__(self, z_dim: int = 32, width: float = 1.0):
        super().__init__()
        c = _chans((64, 64, 64, 32, 32, 32), width)
        up = dict(stride=2, padding=2, output_padding=1)  # doubles H and W
        self.net = nn.Sequential(
            nn.Unflatten(1, (z_dim, 1, 1)),
            nn.ConvTranspose2d(z_dim, c[0], 7), nn.ReLU(),       # 7 × 7
            nn.ConvTranspose2d(c[0], c[1], 5, padding=2), nn.ReLU(),
            nn.ConvTranspose2d(c[1], c[2], 5, **up), nn.ReLU(),  # 14 × 14
            nn.ConvTranspose2d(c[2], c[3], 5, padding=2), nn.ReLU(),
            nn.ConvTranspose2d(c[3], c[4], 5, **up), nn.ReLU(),  # 28 × 28
            nn.Conv2d(c[4], c[5], 5, padding=2), nn.ReLU(),
            nn.Conv2d(c[5], 1, 5, padding=2))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).flatten(1)


MODELS = {
    "dcgan": (DCGANGenerator, DCGANDiscriminator),
    "fc": (FCGenerator, FCDiscriminator),
}


def build_gan(name: str, z_dim: int) -> tuple[nn.Module, nn.Module]:
    """(generator, discriminator) of a named architecture."""
    if name not in MODELS:
        raise ValueError(f"Unknown model {name!r}; known: {', '.join(MODELS)}.")
    gen_cls, disc_cls = MODELS[name]
    return gen_cls(z_dim), disc_cls()


def trained_generator(name: str, z_dim: int,
                      weights: dict[str, torch.Tensor]) -> nn.Module:
    """A named generator with a checkpoint's weights, frozen, in eval mode."""
    gen, _ = build_gan(name, z_dim)
    gen.load_state_dict(weights)
    return gen.eval().requires_grad_(False)


def checkpoint_generator(state: dict[str, Any]) -> nn.Module:
    """The generator G of a GAN run's checkpoint (its config names the
    architecture), frozen, in eval mode."""
    config = state["config"]
    return trained_generator(config["model"], config["z_dim"],
                             state["generator"])


def num_params(module: nn.Module) -> int:
    """Trainable parameters (BatchNorm running statistics are buffers)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def layer_summary(model: nn.Module, input_shape: tuple[int, ...]
                  ) -> list[tuple[str, tuple[int, ...], int]]:
    """(layer, output shape without batch, parameters) for each leaf layer."""
    rows: list[tuple[str, tuple[int, ...], int]] = []
    hooks = [m.register_forward_hook(
        lambda mod, _inp, out: rows.append(
            (type(mod).__name__, tuple(out.shape[1:]), num_params(mod))))
        for m in model.modules() if not list(m.children())]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(2, *input_shape,
                          device=next(model.parameters()).device))
    model.train(was_training)
    for hook in hooks:
        hook.remove()
    return rows


def layer_table(model: nn.Module, input_shape: tuple[int, ...]) -> str:
    """Markdown: each leaf layer's output shape and parameters."""
    rows = [[name, " × ".join(map(str, shape)), f"{n:,}"]
            for name, shape, n in layer_summary(model, input_shape)]
    return md_table(["layer", "output shape", "parameters"], rows, "llr")
