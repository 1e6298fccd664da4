"""HW2 1e: the Echo autoencoder against the Gaussian β-VAE on MNIST.

Rebuilds the rate–distortion experiment of Brekelmans et al. (2019) in their
MNIST set-up (`paper_config`: conv nets, Glorot-uniform weights and zero
biases, m = tanh(·/16), s = 0.8359·σ(a), batch 100), trains it through the
run cache while recording the rate and the Echo scales σ(a) against steps,
and ablates the set-up one change at a time. The Echo sampler itself is in
`helpers.echo`. Used by HW2 1e.
"""

import math
import os
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from . import data
from .echo import (bounded_scale, check_depth, echo_depth, echo_sample,
                   echo_sample_permuted, log_bounded_scale)
from .models import (ConvDecoder, ConvEncoder, MLPDecoder, MLPEncoder,
                     keras_init_)
from .profiles import TOY_FULL, resolve_profile
from .runs import load_checkpoint, run_dir, save_checkpoint

# The paper's clip constant: s = CLIP·σ(a) with M·CLIP^K/(1 − CLIP) below
# 2⁻²³ for M = max|m| = 1 and K = 100 terms. Its echo.json passes this clip
# to the sampler and its echo_loss uses it in the rate, as AEConfig does
# with one s_max for both.
PAPER_CLIP = 0.8359
PAPER_DEPTH = 100
# Points of the training trace (rate, distortion, σ(a)) recorded per run.
TRACE_POINTS = 100
TRACE_KEYS = ("step", "rate", "distortion", "scale")


@dataclass(frozen=True)
class AEConfig:
    """One rate–distortion run (its hash names the run in the cache)."""
    kind: str                      # "echo" | "gauss"
    beta: float
    num_epochs: int
    num_train: int | None          # first N training images; None = all
    experiment: str = "hw2_1e_rate_distortion"
    z_dim: int = 16
    hidden: int = 256              # MLP width
    s_max: float = 0.9             # Echo: s ∈ (0, s_max), sampler and rate
    batch_size: int = 256          # ≥ echo_depth(s_max) = 174 for float32
    lr: float = 1e-3
    seed: int = 0
    arch: str = "mlp"              # "mlp" | "conv" (the paper's)
    width: float = 1.0             # conv channel multiplier (paper: 1)
    m_bound: float | None = None   # Echo m = tanh(raw/m_bound); None: raw
    sampler: str = "cyclic"        # "cyclic" | "permuted" (the paper's)
    lr_decay: bool = False         # constant lr, then linear to 0 (paper)
    s_bias: float | None = None    # Echo: initial bias of the raw scale a
    init: str = "torch"            # "torch" defaults | "glorot" (paper)

    def key(self) -> dict:
        """The cache key: the fields, less the later ones at their defaults
        (so runs cached before those fields existed keep their names)."""
        later = {"arch": "mlp", "width": 1.0, "m_bound": None,
                 "sampler": "cyclic", "lr_decay": False, "s_bias": None,
                 "init": "torch"}
        return {k: v for k, v in asdict(self).items()
                if not (k in later and later[k] == v)}


def paper_config(kind: str, beta: float, num_epochs: int,
                 num_train: int | None, width: float = 1.0, seed: int = 0,
                 **overrides) -> AEConfig:
    """Brekelmans et al.'s MNIST set-up (echo.json, vae.json): conv nets,
    Glorot-uniform weights, zero biases, latent 32, m = tanh(·/16),
    s = 0.8359·σ(a), 100 echo terms from the batch without replacement,
    Adam 3e-4 constant for half the steps then linear to 0, batch 100."""
    base = dict(experiment="hw2_1e_echo_paper", z_dim=32, s_max=PAPER_CLIP,
                batch_size=PAPER_DEPTH, lr=3e-4, arch="conv", width=width,
                m_bound=16.0, sampler="permuted", lr_decay=True, seed=seed,
                init="glorot")
    return AEConfig(kind, float(beta), num_epochs, num_train,
                    **{**base, **overrides})


def glorot_init_(encoder: nn.Module, decoder: nn.Module, z_dim: int) -> None:
    """Keras's defaults, as in the paper's code: Glorot-uniform kernels and
    zero biases; the encoder's last layer as its two Dense heads (m and a,
    or μ and log σ²), z_dim outputs each."""
    keras_init_(encoder)
    keras_init_(decoder)
    head = encoder.net[-1]
    # Glorot: U(−b, b), b = √(6 / (fan_in + fan_out)), fan_out = z_dim per head
    bound = math.sqrt(6 / (head.in_features + z_dim))
    with torch.no_grad():
        head.weight.uniform_(-bound, bound)


def _networks(config: AEConfig) -> tuple[nn.Module, nn.Module]:
    """(encoder, decoder) of the config's architecture and initialisation."""
    if config.arch == "mlp":
        nets = (MLPEncoder(config.z_dim, config.hidden),
                MLPDecoder(config.z_dim, config.hidden))
    elif config.arch == "conv":
        nets = (ConvEncoder(config.z_dim, config.width),
                ConvDecoder(config.z_dim, config.width))
    else:
        raise ValueError(f"arch must be 'mlp' or 'conv', not {config.arch!r}")
    if config.init == "glorot":
        glorot_init_(*nets, config.z_dim)
    elif config.init != "torch":
        raise ValueError(f"init must be 'torch' or 'glorot', not "
                         f"{config.init!r}")
    if config.arch == "conv":  # channels-last weights: faster on CPU
        nets = tuple(n.to(memory_format=torch.channels_last) for n in nets)
    return nets


class RateDistortionAE(nn.Module):
    """Encoder + decoder; `kind` picks the encoder noise and its rate."""

    def __init__(self, config: AEConfig):
        super().__init__()
        if config.kind not in ("echo", "gauss"):
            raise ValueError(f"kind must be 'echo' or 'gauss', not {config.kind!r}")
        if config.sampler not in ("cyclic", "permuted"):
            raise ValueError(f"sampler must be 'cyclic' or 'permuted', not "
                             f"{config.sampler!r}")
        self.kind, self.s_max = config.kind, config.s_max
        self.m_bound, self.sampler = config.m_bound, config.sampler
        self.depth = echo_depth(config.s_max, torch.float32)
        check_depth(self.depth, config.batch_size)
        self.encoder, self.decoder = _networks(config)
        if config.s_bias is not None:  # a = s_bias at the start: s = s_max·σ
            with torch.no_grad():
                self.encoder.net[-1].bias[config.z_dim:] = config.s_bias

    def encode(self, x: torch.Tensor, generator: torch.Generator | None = None
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(z, rate per image in nats, noise scale) for flat images; the
        scale is σ(a) = s/s_max for Echo, the posterior std for the β-VAE."""
        loc, raw = self.encoder(x)
        if self.kind == "echo":
            # rate = I(x; z) = −log|det S(x)| = −Σ_d log s_d(x), exact (part d)
            rate = -log_bounded_scale(raw, self.s_max).sum(1)
            s = bounded_scale(raw, self.s_max)
            if self.m_bound is not None:  # |m| ≤ 1, the M of the tail bound
                loc = torch.tanh(loc / self.m_bound)
            sample = (echo_sample_permuted if self.sampler == "permuted"
                      else echo_sample)
            z = sample(loc, s, self.depth, generator=generator)
            return z, rate, s / self.s_max
        # raw = log σ²: KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − log σ²)
        rate = 0.5 * (loc.square() + raw.exp() - 1 - raw).sum(1)
        std = (0.5 * raw).exp()
        noise = torch.randn(loc.shape, generator=generator, device=loc.device)
        return loc + std * noise, rate, std

    def terms(self, x: torch.Tensor, generator: torch.Generator | None = None
              ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(distortion, rate, noise scale) per image; x binary, (B, 784)."""
        z, rate, scale = self.encode(x, generator)
        logits = self.decoder(z)
        # −log p(x|z) for independent Bernoulli pixels
        distortion = F.binary_cross_entropy_with_logits(
            logits, x, reduction="none").sum(1)
        return distortion, rate, scale

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """(distortion, rate) per image in nats."""
        distortion, rate, _ = self.terms(x, generator)
        return distortion, rate


def binarise(images: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 28, 28) → float {0, 1} (N, 784): pixel > 127 is on."""
    return (images > 127).flatten(1).float()


def test_images(num_test: int | None, device: torch.device | str
                ) -> torch.Tensor:
    """The first num_test binarised MNIST test images (all if None)."""
    images, _ = data.load("MNIST", "test", device)
    return binarise(images[:num_test])


@dataclass
class RDResult:
    """A trained (or cached) run: test rate and distortion, loss per epoch,
    and the training trace {TRACE_KEYS: values at every logged step}."""
    config: AEConfig
    rate: float
    distortion: float
    train_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0
    model: RateDistortionAE | None = None
    trace: dict[str, list[float]] = field(default_factory=dict)


@torch.no_grad()
def evaluate(model: RateDistortionAE, x: torch.Tensor, batch_size: int,
             seed: int) -> tuple[float, float]:
    """Mean (rate, distortion) in nats per image over x, fixed noise seed."""
    model.eval()
    gen = torch.Generator(device=x.device).manual_seed(seed)
    # chunks of ≥ batch_size images, so the Echo chains fit in every chunk
    chunks = torch.arange(len(x), device=x.device).tensor_split(
        max(1, len(x) // batch_size))
    dist = rate = 0.0
    for idx in chunks:
        d, r = model(x[idx], gen)
        dist, rate = dist + d.sum().item(), rate + r.sum().item()
    return rate / len(x), dist / len(x)


def train_rd(config: AEConfig, device: torch.device | str = "cpu",
             num_test: int | None = None) -> RDResult:
    """Train (or load from the run cache) one model; score it on test images."""
    device = torch.device(device)
    folder = run_dir(config.key())
    torch.manual_seed(config.seed)
    model = RateDistortionAE(config).to(device)
    state = load_checkpoint(folder, map_location="cpu")  # weights: copied
    if state is None:
        state = _fit(model, config, device)
        save_checkpoint(folder, state)
    model.load_state_dict(state["model"])
    trace = state.get("trace", torch.empty(0, len(TRACE_KEYS))).cpu()
    rate, dist = evaluate(model, test_images(num_test, device),
                          config.batch_size, config.seed + 1)
    return RDResult(config, rate, dist, state["train_loss"].tolist(),
                    float(state["seconds"]), model,
                    dict(zip(TRACE_KEYS, trace.T.tolist())))


def lr_factor(step: int, total: int, decay: bool) -> float:
    """Learning-rate multiplier: 1, or with `decay` 1 for the first half of
    training and then linear to 0 (monotone, per step)."""
    return min(1.0, 2 * (total - step) / total) if decay else 1.0


def _fit(model: RateDistortionAE, config: AEConfig,
         device: torch.device) -> dict[str, torch.Tensor | dict]:
    """Adam on mean(D + β·R); the checkpoint: weights, mean loss per epoch,
    seconds, and the trace (window means of R, D and the noise scale)."""
    images, _ = data.load("MNIST", "train", device)
    x = binarise(images[:config.num_train])
    if len(x) < config.batch_size:
        raise ValueError(f"num_train={len(x)} is smaller than "
                         f"batch_size={config.batch_size}.")
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    total_steps = config.num_epochs * (len(x) // config.batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda t: lr_factor(t, total_steps, config.lr_decay))
    log_every = max(1, total_steps // TRACE_POINTS)
    model.train()
    losses, trace, step, start = [], [], 0, time.perf_counter()
    window = torch.zeros(3, device=device)  # Σ over steps of (R, D, scale)
    since = 0                               # steps summed in the window
    for epoch in range(config.num_epochs):
        total = torch.zeros((), device=device)
        for idx in data.minibatches(len(x), config.batch_size, device):
            dist, rate, scale = model.terms(x[idx])
            loss = (dist + config.beta * rate).mean()  # L = D + β·R
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            step, since = step + 1, since + 1
            total += loss.detach()
            window += torch.stack([rate.mean(), dist.mean(),
                                   scale.mean()]).detach()
            if step % log_every == 0 or step == total_steps:  # one sync
                trace.append([step, *(window / since).tolist()])
                window.zero_()
                since = 0
        mean = (total / (len(x) // config.batch_size)).item()
        if not math.isfinite(mean):
            raise FloatingPointError(f"{config.kind} β={config.beta}: loss "
                                     f"is {mean} at epoch {epoch + 1}.")
        losses.append(mean)
    return {"model": model.state_dict(), "train_loss": torch.tensor(losses),
            "seconds": torch.tensor(time.perf_counter() - start),
            "trace": torch.tensor(trace).reshape(-1, len(TRACE_KEYS))}


def paper_sweep(betas: tuple[float, ...], seeds: list[int],
                device: torch.device, num_epochs: int, num_train: int | None,
                num_test: int | None, width: float
                ) -> dict[str, list[list[RDResult]]]:
    """The paper's set-up for both kinds: {kind: [per seed: [per β]]}."""
    return {kind: [[train_rd(paper_config(kind, b, num_epochs, num_train,
                                          width, seed), device, num_test)
                    for b in betas] for seed in seeds]
            for kind in ("echo", "gauss")}


# The long runs of HW2 1e, per profile (a setting helpers/profiles.py does
# not hold): the paper's set-up at β = `beta`, `epochs` over `num_train`
# images (steps = epochs · num_train // 100, the lr decaying over the second
# half as in the sweep), for each of `kinds`. quick: the sweep's own runs
# at β = 1 (cached, no extra time); full: 5× the sweep's steps (3 000 each,
# 3 % of the paper's 100 000; ≈ 7 min for both at ≈ 70 ms a step, one core).
LONG_RUN: dict[str, dict] = {
    "smoke": dict(beta=1.0, num_train=200, epochs=3, width=0.125,
                  num_test=200, kinds=("echo", "gauss")),
    "quick": dict(beta=1.0, num_train=6_000, epochs=2, width=0.25,
                  num_test=2_000, kinds=("echo", "gauss")),
    "full": dict(beta=1.0, num_train=None, epochs=5, width=0.25,
                 num_test=None, kinds=("echo", "gauss")),
}


def long_run_settings(profile: str) -> dict:
    """LONG_RUN of a profile; `full` at smoke sizes under HW_TOY_FULL, as
    helpers.profiles.settings does (tests run full's branches that way)."""
    resolved = resolve_profile(profile)
    if resolved == "full" and os.environ.get(TOY_FULL):
        resolved = "smoke"
    return dict(LONG_RUN[resolved])


def long_runs(profile: str, device: torch.device, seed: int = 0
              ) -> dict[str, RDResult]:
    """{kind: run} of the profile's long runs (trained or from the cache)."""
    opts = long_run_settings(profile)
    return {kind: train_rd(paper_config(kind, opts["beta"], opts["epochs"],
                                        opts["num_train"], opts["width"],
                                        seed), device, opts["num_test"])
            for kind in opts["kinds"]}


# One change to the paper's set-up per row (HW2 1e ablation). Fields that
# only the Echo encoder reads leave the β-VAE at the paper's set-up.
ABLATIONS: dict[str, dict] = {
    "paper set-up": {},
    "m unbounded": {"m_bound": None},            # no tanh(·/16)
    "lr 1e-3 constant": {"lr": 1e-3, "lr_decay": False},  # faster training
    "PyTorch's default init": {"init": "torch"},  # not Glorot, zero bias
}
ECHO_ONLY_FIELDS = ("m_bound", "sampler", "s_max", "s_bias")


def ablation(beta: float, device: torch.device, num_epochs: int,
             num_train: int | None, num_test: int | None, width: float,
             seed: int = 0) -> dict[str, tuple[RDResult, RDResult]]:
    """{row: (Echo run, β-VAE run)} for every change in ABLATIONS, at one β."""
    out = {}
    for name, change in ABLATIONS.items():
        shared = {k: v for k, v in change.items() if k not in ECHO_ONLY_FIELDS}
        out[name] = tuple(
            train_rd(paper_config(kind, beta, num_epochs, num_train, width,
                                  seed, **(change if kind == "echo"
                                           else shared)), device, num_test)
            for kind in ("echo", "gauss"))
    return out


def loss_gap(echo_run: RDResult, vae_run: RDResult) -> float:
    """(D + βR) of the Echo AE minus the β-VAE's at the same β, in nats."""
    beta = echo_run.config.beta
    return ((echo_run.distortion + beta * echo_run.rate)
            - (vae_run.distortion + beta * vae_run.rate))


def equal_rate_gaps(echo_rates: np.ndarray, echo_dists: np.ndarray,
                    vae_rates: np.ndarray, vae_dists: np.ndarray
                    ) -> list[tuple[float, float]]:
    """(R, D_echo(R) − D_vae(R)) at each Echo rate inside the β-VAE's range,
    D_vae interpolated linearly between its points sorted by rate."""
    order = np.argsort(vae_rates)
    r, d = np.asarray(vae_rates)[order], np.asarray(vae_dists)[order]
    return [(float(er), float(ed - np.interp(er, r, d)))
            for er, ed in zip(echo_rates, echo_dists) if r[0] <= er <= r[-1]]


@torch.no_grad()
def saturated_share(model: RateDistortionAE, x: torch.Tensor,
                    level: float = 0.99) -> float:
    """Share of the Echo scales σ(a_d(x)) above `level` on images x: where
    σ' = σ(1 − σ) ≈ 0, so no gradient moves s_d off its bound s_max."""
    model.eval()
    _, raw = model.encoder(x)
    return float((torch.sigmoid(raw) > level).float().mean())
