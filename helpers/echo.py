"""HW2 Part 1 (e): sampling Echo noise, checking part (d), rate vs distortion.

Echo noise (Brekelmans et al., 2019) draws z ~ q⋆(z|x₀) as the series
z = m(x₀) + Σ_{k≥1} (Π_{j<k} S(x_j)) m(x_k), x₁, x₂, … fresh data points.
Here S = diag(s) with s = s_max·σ(·) ∈ (0, s_max), s_max < 1 (a contraction),
the series is cut after K terms with K chosen so that the dropped tail is below
the dtype's rounding error, and x₁, …, x_{K−1} are the other samples of the
minibatch: along one random cyclic order (`echo_sample`), or a fresh random
permutation per sample as in the paper's code (`echo_sample_permuted`).
The rate–distortion experiment rebuilds the paper's MNIST set-up
(`paper_config`) and ablates it one change at a time. Used by HW2 1e.
"""

import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from . import data
from .models import ConvDecoder, ConvEncoder, MLPDecoder, MLPEncoder
from .runs import load_checkpoint, run_dir, save_checkpoint

# ---- the sampler ------------------------------------------------------------


def echo_depth(s_max: float, dtype: torch.dtype = torch.float32) -> int:
    """Terms K needed so that the truncated tail is below rounding error."""
    if not 0 < s_max < 1:
        raise ValueError(f"s_max must be in (0, 1) for a contraction, not {s_max}.")
    eps = torch.finfo(dtype).eps
    # tail ≤ s_max^K · max|m| / (1 − s_max) ≤ eps · max|m|  ⇔  s_max^K ≤ eps(1 − s_max)
    return math.ceil(math.log(eps * (1 - s_max)) / math.log(s_max))


def truncation_bound(s_max: float, depth: int, m_max: float) -> float:
    """Bound on |z_∞ − z_K|: the dropped tail Π_{j<K} s_j · z_tail."""
    # |Π_{j<K} s_j| ≤ s_max^K and |z_tail| ≤ Σ_k s_max^k max|m| = max|m|/(1 − s_max)
    return s_max ** depth * m_max / (1 - s_max)


def bounded_scale(raw: torch.Tensor, s_max: float) -> torch.Tensor:
    """s = s_max · σ(raw) ∈ (0, s_max): the diagonal of S, a contraction."""
    return s_max * torch.sigmoid(raw)


def log_bounded_scale(raw: torch.Tensor, s_max: float) -> torch.Tensor:
    """log s = log s_max + log σ(raw), accurate also where σ(raw) underflows."""
    return math.log(s_max) + F.logsigmoid(raw)


def random_order(batch: int, device: torch.device | str = "cpu",
                 generator: torch.Generator | None = None) -> torch.Tensor:
    """A random cyclic order of the batch (who echoes whom)."""
    return torch.randperm(batch, device=device, generator=generator)


def _check_depth(depth: int, batch: int) -> None:
    if not 1 <= depth <= batch:
        raise ValueError(
            f"depth K={depth} needs a batch of at least K samples (batch is "
            f"{batch}): the chain x₁…x_(K−1) would reuse x₀. Use a larger "
            "batch or a smaller s_max (see echo_depth).")


def echo_sample(m: torch.Tensor, s: torch.Tensor, depth: int,
                order: torch.Tensor | None = None,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """z_K = Σ_{k<K} (Π_{j<k} s(x_j)) m(x_k) for each sample x₀ of the batch.

    m, s: (B, d). Along the cyclic `order` (random if None) the sample at
    position p uses the samples at p+1, …, p+K−1 as x₁, …, x_{K−1}. The K
    steps z[p] ← m[p] + s[p]·z[p+1] are affine maps; they are composed by
    repeated squaring, so the cost is O(B·d·log K) in log₂K vectorised steps.
    """
    batch = m.shape[0]
    _check_depth(depth, batch)
    if order is None:
        order = random_order(batch, m.device, generator)
    m_o, s_o = m[order], s[order]
    # a block of L steps from position p: z[p] = b[p] + a[p]·z[p+L]
    blk_a, blk_b, blk_len = s_o, m_o, 1
    acc_a, acc_b, acc_len = torch.ones_like(s_o), torch.zeros_like(m_o), 0
    remaining = depth
    while remaining:
        if remaining & 1:  # append a block after acc_len steps
            acc_b = acc_b + acc_a * blk_b.roll(-acc_len, 0)  # b += a·b_blk[p+L]
            acc_a = acc_a * blk_a.roll(-acc_len, 0)          # a ·= a_blk[p+L]
            acc_len += blk_len
        remaining >>= 1
        if remaining:  # a block of 2L steps is two blocks of L
            blk_b = blk_b + blk_a * blk_b.roll(-blk_len, 0)
            blk_a = blk_a * blk_a.roll(-blk_len, 0)
            blk_len *= 2
    # acc_b[p] belongs to sample order[p]
    return acc_b[torch.argsort(order)]


def other_items(batch: int, count: int, device: torch.device | str = "cpu",
                generator: torch.Generator | None = None) -> torch.Tensor:
    """(batch, count): row i is a random permutation of the other items of
    the batch, cut to `count` (sampling without replacement, x₀ excluded)."""
    if not 0 <= count <= batch - 1:
        raise ValueError(f"{count} echo terms need a batch of at least "
                         f"{count + 1} (batch is {batch}).")
    keys = torch.rand(batch, batch, device=device, generator=generator)
    keys.fill_diagonal_(2.0)  # every other key is < 1: x₀ sorts last
    return keys.argsort(dim=1)[:, :count]


def echo_sample_permuted(m: torch.Tensor, s: torch.Tensor, depth: int,
                         generator: torch.Generator | None = None
                         ) -> torch.Tensor:
    """The paper's batch sampler: z = m(x₀) + s(x₀)·Σ_{k=1}^{K−1}
    (Π_{1≤j<k} s(x_j)) m(x_k), x₁…x_{K−1} a fresh permutation of the other
    samples of the batch for every x₀ (O(B·K·d) memory)."""
    batch = m.shape[0]
    _check_depth(depth, batch)
    if depth == 1:
        return m
    idx = other_items(batch, depth - 1, m.device, generator)  # (B, K−1)
    noise = echo_series(m[idx].transpose(0, 1), s[idx].transpose(0, 1))
    return m + s * noise[-1]


def echo_series(m_seq: torch.Tensor, s_seq: torch.Tensor) -> torch.Tensor:
    """Partial sums z_K = Σ_{k<K} (Π_{j<k} s_j) m_k, K = 1..len, along axis 0."""
    prods = torch.cumprod(s_seq, 0)
    # Π_{j<k} s_j: 1 for k = 0, then the cumulative products shifted by one
    prods = torch.cat([torch.ones_like(prods[:1]), prods[:-1]])
    return torch.cumsum(prods * m_seq, 0)


def echo_partial_sums(m: torch.Tensor, s: torch.Tensor, depth: int,
                      order: torch.Tensor) -> torch.Tensor:
    """Every truncation z_1..z_K of `echo_sample` (same chains), (K, B, d).

    The direct O(K·B·d)-memory definition: a reference for the fast sampler
    and the truncation-error measurement.
    """
    batch = m.shape[0]
    _check_depth(depth, batch)
    position = torch.argsort(order)  # where each sample sits in the order
    k = torch.arange(depth, device=m.device)
    # x_k of sample i is the sample k places after it along the order
    chain = order[(position[None, :] + k[:, None]) % batch]
    return echo_series(m[chain], s[chain])


# ---- a toy data distribution for the part-(d) check -------------------------


@dataclass(frozen=True)
class EchoToy:
    """x ~ N(0, I_d), m(x) = x, s_i(x) = s_max·σ(slope·x_i): a continuous
    data distribution whose Echo rate −E log|det S(x)| is known to quadrature."""
    dim: int = 1
    s_max: float = 0.8
    slope: float = 2.0

    def scale(self, x: torch.Tensor) -> torch.Tensor:
        """s(x) = s_max·σ(slope·x), elementwise."""
        return bounded_scale(self.slope * x, self.s_max)

    def exact_rate(self, nodes: int = 101) -> float:
        """−E log|det S(x)| = −d·E_u[log s_max + log σ(slope·u)], u ~ N(0, 1)."""
        u, w = np.polynomial.hermite_e.hermegauss(nodes)  # weight e^{−u²/2}
        log_sig = -np.logaddexp(0.0, -self.slope * u)     # log σ(slope·u)
        expect = np.sum(w * log_sig) / math.sqrt(2 * math.pi)
        return -self.dim * (math.log(self.s_max) + expect)

    def sample(self, n: int, generator: torch.Generator,
               chains: str = "batch",
               dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
        """n pairs (x, z): z from the batch sampler, or from independent chains."""
        depth = echo_depth(self.s_max, dtype)
        x = torch.randn(n, self.dim, generator=generator, dtype=dtype)
        if chains == "batch":
            return x, echo_sample(x, self.scale(x), depth, generator=generator)
        if chains == "independent":
            # x_k fresh for every sample: exact i.i.d. draws up to truncation
            xs = torch.randn(depth - 1, n, self.dim, generator=generator,
                             dtype=dtype)
            seq = torch.cat([x[None], xs])
            return x, echo_series(seq, self.scale(seq))[-1]
        raise ValueError(f"chains must be 'batch' or 'independent', not {chains!r}")


# ---- kNN mutual information ---------------------------------------------------


def _max_norm_dist(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """‖a_i − b_j‖_∞ for every pair, (len(a), len(b))."""
    return torch.cdist(a, b, p=float("inf"))


def ksg_mutual_information(x: torch.Tensor, z: torch.Tensor, k: int = 3,
                           chunk: int = 256) -> float:
    """Kraskov–Stögbauer–Grassberger (2004) estimator 1 of I(x; z), in nats.

    I ≈ ψ(k) + ψ(n) − ⟨ψ(n_x + 1) + ψ(n_z + 1)⟩, where ε_i is the max-norm
    distance from (x_i, z_i) to its k-th neighbour in the joint space and
    n_x(i), n_z(i) count the points strictly within ε_i in each marginal.
    Chosen over H(z) − H(z|x) with Kozachenko–Leonenko entropies because
    H(z|x) has no direct KL estimate for continuous x, and KSG uses the same
    ε_i in the joint and marginal spaces, so the biases of the entropy terms
    largely cancel (exactly 0 in expectation for independent x, z). It is
    consistent as n → ∞; for strong dependence it is biased low at finite n.
    O(n²) time, O(chunk·n) memory.
    """
    if x.device.type == "mps":  # no float64 on MPS
        x, z = x.cpu(), z.cpu()
    x = x.reshape(len(x), -1).double()
    z = z.reshape(len(z), -1).double()
    n = len(x)
    total = torch.zeros((), dtype=torch.float64, device=x.device)
    for rows in torch.arange(n, device=x.device).split(chunk):
        dx, dz = _max_norm_dist(x[rows], x), _max_norm_dist(z[rows], z)
        joint = torch.maximum(dx, dz)
        # k-th neighbour: the (k+1)-th smallest distance, the point itself being 0
        eps = joint.topk(k + 1, dim=1, largest=False).values[:, -1:]
        n_x = (dx < eps).sum(1) - 1  # strictly inside, minus the point itself
        n_z = (dz < eps).sum(1) - 1
        total += (torch.special.digamma(n_x + 1.0)
                  + torch.special.digamma(n_z + 1.0)).sum()
    psi = torch.special.digamma
    const = psi(torch.tensor([float(k), float(n)], dtype=torch.float64)).sum()
    return float(const) - float(total) / n  # ψ(k) + ψ(n) − ⟨ψ(n_x+1) + ψ(n_z+1)⟩


def mi_versus_n(toy: EchoToy, sizes: tuple[int, ...], repeats: int, seed: int,
                chains: str = "batch", k: int = 3,
                device: torch.device | str = "cpu") -> np.ndarray:
    """KSG estimates of I(x; z), (len(sizes), repeats), one fresh sample each
    (drawn on the CPU, so the numbers do not depend on the device)."""
    gen = torch.Generator().manual_seed(seed)
    out = np.empty((len(sizes), repeats))
    for i, n in enumerate(sizes):
        for r in range(repeats):
            x, z = toy.sample(n, gen, chains)
            out[i, r] = ksg_mutual_information(x.to(device), z.to(device), k)
    return out


def truncation_errors(m: torch.Tensor, s: torch.Tensor, max_depth: int,
                      generator: torch.Generator) -> np.ndarray:
    """max_i |z_K − z_∞| for K = 1..max_depth along one random order; z_∞ is
    the series over the whole batch (its own tail is below s_max^B)."""
    order = random_order(len(m), m.device, generator)
    sums = echo_partial_sums(m, s, len(m), order)
    return (sums[:max_depth] - sums[-1]).abs().amax(dim=(1, 2)).cpu().numpy()


# ---- Echo autoencoder vs Gaussian β-VAE on MNIST ------------------------------


# The paper's clip constant: s = CLIP·σ(·) with M·CLIP^K/(1 − CLIP) below
# 2⁻²³ for M = max|m| = 1 and K = 100 terms (echo_noise.py's echo_loss;
# its echo_sample defaults to (2⁻²³)^(1/100) ≈ 0.853 instead, a mismatch
# between the sampler and the rate that AEConfig avoids: one s_max for both).
PAPER_CLIP = 0.8359
PAPER_DEPTH = 100


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

    def key(self) -> dict:
        """The cache key: the fields, less the later ones at their defaults
        (so runs cached before those fields existed keep their names)."""
        later = {"arch": "mlp", "width": 1.0, "m_bound": None,
                 "sampler": "cyclic", "lr_decay": False, "s_bias": None}
        return {k: v for k, v in asdict(self).items()
                if not (k in later and later[k] == v)}


def paper_config(kind: str, beta: float, num_epochs: int,
                 num_train: int | None, width: float = 1.0, seed: int = 0,
                 **overrides) -> AEConfig:
    """Brekelmans et al.'s MNIST set-up (echo.json, vae.json): conv nets,
    latent 32, m = tanh(·/16), s = 0.8359·σ(·), 100 echo terms from the
    batch without replacement, Adam 3e-4 then linear decay, batch 100."""
    base = dict(experiment="hw2_1e_echo_paper", z_dim=32, s_max=PAPER_CLIP,
                batch_size=PAPER_DEPTH, lr=3e-4, arch="conv", width=width,
                m_bound=16.0, sampler="permuted", lr_decay=True, seed=seed)
    return AEConfig(kind, float(beta), num_epochs, num_train,
                    **{**base, **overrides})


def _networks(config: AEConfig) -> tuple[nn.Module, nn.Module]:
    """(encoder, decoder) of the config's architecture."""
    if config.arch == "mlp":
        return (MLPEncoder(config.z_dim, config.hidden),
                MLPDecoder(config.z_dim, config.hidden))
    if config.arch == "conv":  # channels-last weights: faster on CPU
        return (ConvEncoder(config.z_dim, config.width).to(
                    memory_format=torch.channels_last),
                ConvDecoder(config.z_dim, config.width).to(
                    memory_format=torch.channels_last))
    raise ValueError(f"arch must be 'mlp' or 'conv', not {config.arch!r}")


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
        _check_depth(self.depth, config.batch_size)
        self.encoder, self.decoder = _networks(config)
        if config.s_bias is not None:  # a = s_bias at the start: s = s_max·σ
            with torch.no_grad():
                self.encoder.net[-1].bias[config.z_dim:] = config.s_bias

    def encode(self, x: torch.Tensor, generator: torch.Generator | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """(z, rate per image in nats) for a batch of flat images."""
        loc, raw = self.encoder(x)
        if self.kind == "echo":
            # rate = I(x; z) = −log|det S(x)| = −Σ_d log s_d(x), exact (part d)
            rate = -log_bounded_scale(raw, self.s_max).sum(1)
            s = bounded_scale(raw, self.s_max)
            if self.m_bound is not None:  # |m| ≤ 1, the M of the tail bound
                loc = torch.tanh(loc / self.m_bound)
            sample = (echo_sample_permuted if self.sampler == "permuted"
                      else echo_sample)
            return sample(loc, s, self.depth, generator=generator), rate
        # raw = log σ²: KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − log σ²)
        rate = 0.5 * (loc.square() + raw.exp() - 1 - raw).sum(1)
        noise = torch.randn(loc.shape, generator=generator, device=loc.device)
        return loc + (0.5 * raw).exp() * noise, rate

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """(distortion, rate) per image in nats; x binary, (B, 784)."""
        z, rate = self.encode(x, generator)
        logits = self.decoder(z)
        # −log p(x|z) for independent Bernoulli pixels
        distortion = F.binary_cross_entropy_with_logits(
            logits, x, reduction="none").sum(1)
        return distortion, rate


def binarise(images: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 28, 28) → float {0, 1} (N, 784): pixel > 127 is on."""
    return (images > 127).flatten(1).float()


@dataclass
class RDResult:
    """A trained (or cached) run: test rate and distortion, loss per epoch."""
    config: AEConfig
    rate: float
    distortion: float
    train_loss: list[float] = field(default_factory=list)
    seconds: float = 0.0
    model: RateDistortionAE | None = None


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
    state = load_checkpoint(folder, map_location=device)
    if state is not None:
        model.load_state_dict(state["model"])
        losses, seconds = state["train_loss"].tolist(), float(state["seconds"])
    else:
        losses, seconds = _fit(model, config, device)
        save_checkpoint(folder, {"model": model.state_dict(),
                                 "train_loss": torch.tensor(losses),
                                 "seconds": torch.tensor(seconds)})
    test, _ = data.load("MNIST", "test", device)
    test = binarise(test[:num_test])
    rate, dist = evaluate(model, test, config.batch_size, config.seed + 1)
    return RDResult(config, rate, dist, losses, seconds, model)


def lr_factor(step: int, total: int, decay: bool) -> float:
    """Learning-rate multiplier: 1, or with `decay` 1 for the first half of
    training and then linear to 0 (the paper's schedule, per step)."""
    return min(1.0, 2 * (total - step) / total) if decay else 1.0


def _fit(model: RateDistortionAE, config: AEConfig,
         device: torch.device) -> tuple[list[float], float]:
    """Adam on mean(D + β·R); returns the mean loss per epoch and seconds."""
    images, _ = data.load("MNIST", "train", device)
    x = binarise(images[:config.num_train])
    if len(x) < config.batch_size:
        raise ValueError(f"num_train={len(x)} is smaller than "
                         f"batch_size={config.batch_size}.")
    opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    total_steps = config.num_epochs * (len(x) // config.batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda t: lr_factor(t, total_steps, config.lr_decay))
    model.train()
    losses, start = [], time.perf_counter()
    for epoch in range(config.num_epochs):
        total = torch.zeros((), device=device)
        steps = 0
        for idx in data.minibatches(len(x), config.batch_size, device):
            dist, rate = model(x[idx])
            loss = (dist + config.beta * rate).mean()  # L = D + β·R
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total, steps = total + loss.detach(), steps + 1
        mean = (total / steps).item()
        if not math.isfinite(mean):
            raise FloatingPointError(f"{config.kind} β={config.beta}: loss "
                                     f"is {mean} at epoch {epoch + 1}.")
        losses.append(mean)
    return losses, time.perf_counter() - start


def paper_sweep(betas: tuple[float, ...], seeds: list[int],
                device: torch.device, num_epochs: int, num_train: int | None,
                num_test: int | None, width: float
                ) -> dict[str, list[list[RDResult]]]:
    """The paper's set-up for both kinds: {kind: [per seed: [per β]]}."""
    return {kind: [[train_rd(paper_config(kind, b, num_epochs, num_train,
                                          width, seed), device, num_test)
                    for b in betas] for seed in seeds]
            for kind in ("echo", "gauss")}


# One change to the paper's set-up per row (HW2 1e ablation). Fields that
# only the Echo encoder reads leave the β-VAE at the paper's set-up.
ABLATIONS: dict[str, dict] = {
    "paper set-up": {},
    "m unbounded": {"m_bound": None},            # no tanh(·/16)
    "MLP nets": {"arch": "mlp"},                 # 784–256–256, both ways
    "lr 1e-3 constant": {"lr": 1e-3, "lr_decay": False},  # faster training
    "s starts small": {"s_bias": -4.0},          # σ(−4) ≈ 0.018: little noise
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


def test_images(num_test: int | None, device: torch.device | str
                ) -> torch.Tensor:
    """The first num_test binarised MNIST test images (all if None)."""
    images, _ = data.load("MNIST", "test", device)
    return binarise(images[:num_test])
