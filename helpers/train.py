"""One GAN training loop for every homework: resumable, fast, with progress.

`train_gan(config, device)` trains a named experiment into the run cache, or
resumes it from its last complete epoch, or loads it when it is complete.
Update steps (`STEPS`) are separate from the loop that logs and checkpoints.
"""

import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn
from tqdm import tqdm

from . import data
from .device import describe, native_bf16
from .ema import WeightAverage, has_batchnorm, recompute_batchnorm
from .losses import (PATH_PENALTIES, bce_discriminator_loss,
                     bce_generator_loss, gradient_penalty, r1_penalty,
                     wgan_critic_loss, wgan_generator_loss)
from .models import build_gan
from .paths import runs_dir
from .profiles import seeds_for, settings, variants_for
from .runs import (finished_checkpoint, load_checkpoint, run_dir, run_dir_path,
                   save_checkpoint)

STAT_NAMES = ("d_loss", "g_loss", "d_real", "d_fake")
NAN_CHECK_EVERY = 50  # steps between host syncs (progress + NaN check)


@dataclass(frozen=True)
class GANConfig:
    """Everything that determines a training run (its hash names the run)."""
    experiment: str
    dataset: str
    model: str
    method: str = "bce"
    z_dim: int = 100
    batch_size: int = 64
    lr: float = 1e-4
    betas: tuple[float, float] = (0.9, 0.999)
    num_epochs: int = 50
    num_train: int | None = None   # first N training images; None = all
    num_fixed: int = 16            # fixed-noise images kept per epoch
    snapshot_epochs: tuple[int, ...] = ()
    n_critic: int = 1              # critic steps per generator step
    gp_weight: float = 0.0         # λ of the WGAN-GP gradient penalty
    real_label: float = 1.0        # BCE target for real images (<1: smoothing)
    r1_weight: float = 0.0         # γ of the R1 penalty γ/2 E‖∇ₓD(x)‖²
    eval_samples: int = 0          # >0: FID etc. of this many samples/epoch
    eval_classifier: str = "standard"  # metrics.CLASSIFIER_SETTINGS key
    seed: int = 0
    path_weight: float = 0.0       # μ of the path-energy term μ E‖J_G(z)v‖²
    path_every: int = 4            # apply it every k-th G step, weight × k
    bf16: bool = False             # bfloat16 autocast (benchmarked, opt-in)
    step_form: str = "alternating"  # bce only: alternating | simultaneous
    ema_halflife: int = 0          # >0: keep G_ema, half-life in images
    eval_samples_final: int = 0    # >eval_samples: rescore with this many
                                   # at the snapshot epochs and the last
    init_from: str = ""            # a finished run's directory name: its G,
                                   # D, optimisers and G_ema start this run
    path_form: str = "energy"      # PATH_PENALTIES key of the path term


# Fields added after runs were cached: left out of the run hash while they
# equal their defaults, so adding a field alone retrains nothing.
LATE_FIELDS = ("path_weight", "path_every", "bf16", "step_form",
               "ema_halflife", "eval_samples_final", "init_from", "path_form")
# Bump when the code changes what a config trains into, so cached runs of
# older code are retrained rather than reused. 2: the metrics classifier no
# longer draws from the training RNG; DCGAN dropout masks come from rand_like.
RESULTS_VERSION = 2


def hash_fields(config: GANConfig) -> dict[str, Any]:
    """The config as hashed into its run directory name."""
    fields = asdict(config)
    for name in LATE_FIELDS:
        if fields[name] == GANConfig.__dataclass_fields__[name].default:
            del fields[name]
    return {**fields, "results_version": RESULTS_VERSION}


# G_ema's half-life: one epoch of training images (60 000), ramped up over
# the first 5 % of images seen (StyleGAN2's ema_rampup = 0.05).
EMA_HALFLIFE = 60_000

# Named experiments: the settings the assignment fixes for every profile.
HW2_2A_GAN: dict[str, Any] = dict(
    dataset="MNIST", model="fc", method="bce", z_dim=128, lr=1e-4,
    betas=(0.5, 0.999), r1_weight=10.0, batch_size=64,
    ema_halflife=EMA_HALFLIFE)
EXPERIMENTS: dict[str, dict[str, Any]] = {
    # HW3 Q3 follows the TF DCGAN tutorial, whose train_step takes both
    # players' gradients at the same point before either update.
    "hw3_q3_dcgan": dict(dataset="FashionMNIST", model="dcgan", method="bce",
                         z_dim=100, lr=1e-4, betas=(0.9, 0.999),
                         step_form="simultaneous",
                         ema_halflife=EMA_HALFLIFE),
    # HW2 2a: the assignment's FC generator, BCE, Adam lr 1e-4, 1:1 updates;
    # β₁ = 0.5 and an R1 penalty (γ = 10) on the discriminator keep it
    # training (the "no_r1" variant is the recipe that collapses).
    "hw2_2a_gan": HW2_2A_GAN,
    "hw2_2a_gan_no_r1": {**HW2_2A_GAN, "r1_weight": 0.0},
    # Gulrajani et al. (2017), Algorithm 1: λ = 10, n_critic = 5,
    # Adam α = 1e-4, β = (0, 0.9).
    "hw2_2b_wgan_gp": dict(dataset="MNIST", model="fc", method="wgan-gp",
                           z_dim=128, lr=1e-4, betas=(0.0, 0.9), n_critic=5,
                           gp_weight=10.0, batch_size=64,
                           ema_halflife=EMA_HALFLIFE),
    # HW2 2e: 2a's finished run trained on with a path penalty on G (the
    # weights swept are profiles.VARIANTS; μ = 0 is 2a continued unchanged).
    "hw2_2e_path_reg": {**HW2_2A_GAN, "init_from": "hw2_2a_gan"},
}


# Experiments trained with bf16 autocast where the device has native bf16
# (AVX512-BF16/AMX CPUs, bf16 GPUs): the DCGAN, 1.4-1.5× faster there at
# minibatch 64, with sample quality within one seed standard deviation of
# fp32 over 3 seeds (README, "bf16 against fp32"). The FC GANs of HW2 stay
# fp32: 2a's bf16 means were worse on every quality column (each within one
# sd), and 2b compares 2a with WGAN-GP at equal wall-clock time.
BF16_WHERE_NATIVE = frozenset({"hw3_q3_dcgan"})


def experiment_config(name: str, profile: str,
                      device: torch.device | str | None = None,
                      **overrides: Any) -> GANConfig:
    """Config of a named experiment under a profile, plus overrides; with a
    `device`, the arithmetic it trains in there (see BF16_WHERE_NATIVE)."""
    if name not in EXPERIMENTS:
        raise KeyError(f"Unknown experiment {name!r}; known: "
                       f"{', '.join(sorted(EXPERIMENTS))}.")
    fields = {**EXPERIMENTS[name], **settings(name, profile), **overrides}
    if fields.get("init_from") in EXPERIMENTS:   # that experiment's run
        fields["init_from"] = parent_run_name(
            fields["init_from"], profile, device, fields.get("seed", 0))
    if device is not None and "bf16" not in overrides:
        fields["bf16"] = (name in BF16_WHERE_NATIVE
                          and native_bf16(torch.device(device)))
    fields["snapshot_epochs"] = tuple(fields.get("snapshot_epochs", ()))
    fields["betas"] = tuple(fields["betas"])
    return GANConfig(experiment=name, **fields)


def runs_of(name: str, profile: str,
            seed: int) -> list[tuple[str, int, dict[str, Any]]]:
    """(experiment, seed, overrides) of every run of one experiment (its
    variants), or of every run `all` trains (their seeds too)."""
    if name != "all":
        return [(name, seed, v) for v in variants_for(name, profile)]
    return [(n, s, v) for n in EXPERIMENTS for s in seeds_for(n, profile, seed)
            for v in variants_for(n, profile)]


def variant_label(overrides: dict[str, Any]) -> str:
    """' (path_weight=0.1)' for a variant's overrides, '' for none."""
    if not overrides:
        return ""
    return " (" + ", ".join(f"{k}={v}" for k, v in overrides.items()) + ")"


def parent_run_name(name: str, profile: str,
                    device: torch.device | str | None, seed: int) -> str:
    """Run directory name of experiment `name` (profile, device, seed)."""
    config = experiment_config(name, profile, device, seed=seed)
    return run_dir_path(hash_fields(config)).name


def train_experiment(name: str, profile: str,
                     device: torch.device | str = "cpu", progress: bool = True,
                     **overrides: Any) -> "TrainedGAN":
    """Train (or resume, or load) a named experiment, after the run it
    starts from if it has one (`init_from`)."""
    parent = EXPERIMENTS[name].get("init_from")
    if parent:
        train_experiment(parent, profile, device, progress,
                         seed=overrides.get("seed", 0))
    return train_gan(experiment_config(name, profile, device, **overrides),
                     device, progress)


@dataclass
class TrainedGAN:
    """A finished (or loaded) run: models, per-epoch history, snapshots."""
    config: GANConfig
    folder: Path
    generator: nn.Module
    discriminator: nn.Module
    history: dict[str, list] = field(default_factory=dict)
    snapshots: dict[int, torch.Tensor] = field(default_factory=dict)
    fixed_noise: torch.Tensor | None = None
    start_epoch: int = 0           # epochs already in the cache when called
    generator_ema: nn.Module | None = None   # G_ema (weight average)
    snapshots_ema: dict[int, torch.Tensor] = field(default_factory=dict)

    @property
    def epochs_done(self) -> int:
        return len(self.history.get("d_loss", []))

    @property
    def epoch_seconds(self) -> float:
        return epoch_seconds(self.history)


def epoch_seconds(history: dict[str, Any]) -> float:
    """Median training seconds per epoch of a run's history: robust to
    epochs slowed by other jobs on the machine or split over sittings."""
    return statistics.median(history["seconds"])


def _bce_stats(d_loss: torch.Tensor, g_loss: torch.Tensor,
               real_logits: torch.Tensor,
               fake_logits: torch.Tensor) -> torch.Tensor:
    """[d_loss, g_loss, mean σ(D(x)), mean σ(D(G(z)))], detached."""
    return torch.stack([d_loss.detach(), g_loss.detach(),
                        torch.sigmoid(real_logits.detach()).mean(),
                        torch.sigmoid(fake_logits.detach()).mean()])


def bce_step(gen: nn.Module, disc: nn.Module, opt_g: torch.optim.Optimizer,
             opt_d: torch.optim.Optimizer, real: torch.Tensor,
             config: GANConfig, step: int) -> torch.Tensor:
    """One alternating update; returns [d_loss, g_loss, σ(D(x)), σ(D(G(z)))]."""
    z = torch.randn(real.shape[0], config.z_dim, device=real.device)
    fake = gen(z)
    # discriminator: minimise −log σ(D(x)) − log(1 − σ(D(G(z)))); one forward
    # pass over [real; fake] (D has no BatchNorm, so this equals two passes)
    both = torch.cat([real, fake.detach()])
    both.requires_grad_(config.r1_weight > 0)
    real_logits, fake_logits = disc(both).split(real.shape[0])
    d_loss = bce_discriminator_loss(real_logits, fake_logits,
                                    config.real_label)
    if config.r1_weight > 0:
        d_loss = d_loss + config.r1_weight / 2 * r1_penalty(real_logits, both)
    opt_d.zero_grad(set_to_none=True)
    d_loss.backward()
    opt_d.step()
    # generator: minimise −log σ(D(G(z))) on the same fake batch
    disc.requires_grad_(False)
    g_loss = bce_generator_loss(disc(fake))
    if config.path_weight > 0 and step % config.path_every == 0:
        # lazy regulariser: weight μ·k every k-th step (the same mean weight)
        penalty = PATH_PENALTIES[config.path_form]
        g_loss = g_loss + config.path_weight * config.path_every \
            * penalty(gen, z, base=fake)
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
    # L_D = E D(G(z)) − E D(x) + λ E (‖∇ D(x̂)‖ − 1)²
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
    d_loss = bce_discriminator_loss(real_logits, fake_logits,
                                    config.real_label)
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


STEPS: dict[str, Callable[..., torch.Tensor]] = {
    "bce": bce_step, "wgan-gp": wgan_gp_step,
    "bce/simultaneous": bce_simultaneous_step}


def step_key(config: GANConfig) -> str:
    """The `STEPS` key of a config: its method, and step form if not
    alternating (e.g. 'bce/simultaneous')."""
    key = config.method
    if config.step_form != "alternating":
        key = f"{config.method}/{config.step_form}"
    if key not in STEPS:
        raise ValueError(f"No {config.step_form!r} step for method "
                         f"{config.method!r}; known: {', '.join(STEPS)}.")
    return key


def step_function(config: GANConfig) -> Callable[..., torch.Tensor]:
    """The update step of a config."""
    return STEPS[step_key(config)]


class NonFiniteLossError(FloatingPointError):
    """A loss became NaN or infinite; training stopped."""


def _check_finite(stats: torch.Tensor, first_step: int, epoch: int,
                  folder: Path) -> None:
    """Raise, naming epoch and step, if any loss in `stats` is not finite."""
    finite = torch.isfinite(stats[:, :2]).all(dim=1).cpu()
    if finite.all():
        return
    bad = int((~finite).nonzero()[0]) + first_step
    raise NonFiniteLossError(
        f"Training stopped: a loss became NaN/inf at epoch {epoch}, step "
        f"{bad + 1}. The last complete epoch stays checkpointed in {folder}. "
        "Lower the learning rate or check the data scaling.")


def _rng_state(device: torch.device) -> dict[str, torch.Tensor]:
    state = {"cpu": torch.get_rng_state()}
    if device.type == "cuda":
        state["cuda"] = torch.cuda.get_rng_state(device)
    return state


def _set_rng_state(state: dict[str, torch.Tensor], device: torch.device) -> None:
    torch.set_rng_state(state["cpu"].cpu())
    if device.type == "cuda" and "cuda" in state:
        torch.cuda.set_rng_state(state["cuda"].cpu(), device)


@torch.inference_mode()
def generate(gen: nn.Module, noise: torch.Tensor) -> torch.Tensor:
    """Generator output in eval mode (BatchNorm running statistics), [−1, 1]."""
    was_training = gen.training
    gen.eval()
    images = gen(noise)
    gen.train(was_training)
    return images


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """[−1, 1] images (N, 1, H, W) → uint8 (N, H, W) on the CPU."""
    return ((images.squeeze(1) + 1) * 127.5).round().clamp(0, 255) \
        .to(torch.uint8).cpu()


def _run_epoch(gen: nn.Module, disc: nn.Module, opt_g: torch.optim.Optimizer,
               opt_d: torch.optim.Optimizer, images: torch.Tensor,
               config: GANConfig, epoch: int, bar: tqdm,
               folder: Path, ema: WeightAverage | None = None
               ) -> torch.Tensor:
    """One pass over the training images; per-step stats (steps, 4) on CPU.
    `ema`, if given, averages the generator's weights after every step."""
    step = step_function(config)
    num_steps = images.shape[0] // config.batch_size
    stats = torch.empty(num_steps, len(STAT_NAMES), device=images.device)
    checked = 0
    for i, idx in enumerate(data.minibatches(images.shape[0],
                                             config.batch_size, images.device)):
        real = data.to_signed_unit(images[idx])
        with torch.autocast(images.device.type, torch.bfloat16,
                            enabled=config.bf16):
            stats[i] = step(gen, disc, opt_g, opt_d, real, config, i)
        if ema is not None:
            ema.update(gen, config.batch_size)
        if (i + 1) % NAN_CHECK_EVERY == 0 or i + 1 == num_steps:
            _check_finite(stats[checked:i + 1], checked, epoch, folder)
            bar.update(i + 1 - checked)
            checked = i + 1
            last = stats[i].tolist()
            bar.set_postfix(epoch=epoch, d_loss=f"{last[0]:.3f}",
                            g_loss=f"{last[1]:.3f}", refresh=False)
    return stats.cpu()


METRIC_NAMES = ("fid", "precision", "recall", "coverage")


def _new_history() -> dict[str, Any]:
    return {**{name: [] for name in STAT_NAMES}, "seconds": [],
            "eval_seconds": [], "step_losses": [],
            **{name: [] for name in METRIC_NAMES}, "final": {}}


def metric_key(name: str, ema: bool = False) -> str:
    """History key of a metric: 'fid' for G, 'ema_fid' for G_ema."""
    return f"ema_{name}" if ema else name


def averaged_history(history: dict[str, Any]) -> dict[str, Any]:
    """The per-epoch scores of G_ema under the plain metric names (for
    plotting beside G's), plus G's losses and seconds."""
    view = dict(history)
    for name in (*METRIC_NAMES, "class_fractions"):
        view[name] = history.get(metric_key(name, ema=True), [])
    return view


def last_scores(run: "TrainedGAN", ema: bool = False
                ) -> tuple[dict[str, float], int]:
    """The last epoch's FID, precision, recall and coverage of G (or G_ema),
    from the largest sample scored at that epoch, and that sample size."""
    return history_scores(run.history, run.epochs_done,
                          run.config.eval_samples,
                          run.config.eval_samples_final, ema)


def history_scores(history: dict[str, Any], epochs_done: int,
                   eval_samples: int, eval_samples_final: int,
                   ema: bool = False) -> tuple[dict[str, float], int]:
    """last_scores from a run's recorded history (e.g. a checkpoint's)."""
    final = history.get("final", {})
    if final.get("epoch") and final["epoch"][-1] == epochs_done:
        source, size = final, eval_samples_final
    else:
        source, size = history, eval_samples
    return ({name: source[metric_key(name, ema)][-1]
             for name in METRIC_NAMES}, size)


@torch.inference_mode()
def sample_unit(gen: nn.Module, num: int, seed: int,
                device: torch.device) -> torch.Tensor:
    """`num` generator samples in [0, 1] from noise of a fixed seed (the
    training RNG is untouched)."""
    noise = torch.randn(num, gen.z_dim,
                        generator=torch.Generator().manual_seed(seed))
    images = torch.cat([generate(gen, chunk.to(device))
                        for chunk in noise.split(1000)])
    return ((images + 1) / 2).clamp(0, 1)


def _append_scores(history: dict[str, Any], scores: Any,
                   ema: bool) -> None:
    for name in METRIC_NAMES:
        history.setdefault(metric_key(name, ema), []).append(
            getattr(scores, name))
    history.setdefault(metric_key("class_fractions", ema), []).append(
        torch.tensor(scores.class_fractions))


def _evaluate(generators: dict[bool, nn.Module], config: GANConfig,
              evaluators: dict[str, Any], device: torch.device,
              history: dict[str, Any], epoch: int) -> None:
    """Score G (and G_ema) on this epoch's samples; at the snapshot epochs
    and the last one also with `eval_samples_final` samples."""
    start = time.perf_counter()
    for ema, gen in generators.items():
        images = sample_unit(gen, config.eval_samples, config.seed + 2,
                             device)
        _append_scores(history, evaluators["epoch"].score(images), ema)
    if "final" in evaluators and epoch in final_epochs(config):
        final = history["final"]
        final.setdefault("epoch", []).append(epoch)
        for ema, gen in generators.items():
            images = sample_unit(gen, config.eval_samples_final,
                                 config.seed + 2, device)
            _append_scores(final, evaluators["final"].score(images), ema)
    history["eval_seconds"].append(time.perf_counter() - start)


def final_epochs(config: GANConfig) -> set[int]:
    """Epochs scored with `eval_samples_final`: the snapshots and the last."""
    return {*config.snapshot_epochs, config.num_epochs}


def _evaluators(config: GANConfig, device: torch.device) -> dict[str, Any]:
    """The per-epoch evaluator and, if asked for, the larger final one."""
    from .metrics import test_set_evaluator
    evaluators = {"epoch": test_set_evaluator(
        config.dataset, config.eval_samples, device, config.eval_classifier)}
    if config.eval_samples_final > config.eval_samples:
        evaluators["final"] = test_set_evaluator(
            config.dataset, config.eval_samples_final, device,
            config.eval_classifier)
    return evaluators


def _load_images(config: GANConfig, device: torch.device) -> torch.Tensor:
    images, _ = data.load(config.dataset, "train", device)
    if config.num_train is not None:
        images = images[:config.num_train]
    if images.shape[0] < config.batch_size:
        raise ValueError(f"num_train={images.shape[0]} is smaller than "
                         f"batch_size={config.batch_size}.")
    return images


def build_training(config: GANConfig, device: torch.device
                   ) -> tuple[nn.Module, nn.Module, torch.optim.Optimizer,
                              torch.optim.Optimizer]:
    """Generator, discriminator and their Adam optimisers, on `device`."""
    gen, disc = (m.to(device) for m in build_gan(config.model, config.z_dim))
    # fused Adam: one kernel per step instead of several per parameter
    fused = device.type in ("cpu", "cuda")
    opt_g = torch.optim.Adam(gen.parameters(), lr=config.lr,
                             betas=config.betas, fused=fused)
    opt_d = torch.optim.Adam(disc.parameters(), lr=config.lr,
                             betas=config.betas, fused=fused)
    return gen, disc, opt_g, opt_d


def train_gan(config: GANConfig, device: torch.device | str = "cpu",
              progress: bool = True) -> TrainedGAN:
    """Train (or resume, or load) the run of `config`; checkpoints per epoch."""
    device = torch.device(device)
    if config.path_weight > 0 and config.method != "bce":
        raise ValueError("path_weight is implemented for method 'bce' only "
                         f"(got {config.method!r}).")
    if config.step_form != "alternating" and (config.r1_weight
                                              or config.path_weight):
        raise ValueError("r1_weight and path_weight need step_form "
                         f"'alternating' (got {config.step_form!r}).")
    if config.path_form not in PATH_PENALTIES:
        raise ValueError(f"Unknown path_form {config.path_form!r}; known: "
                         f"{', '.join(PATH_PENALTIES)}.")
    if config.bf16 and not native_bf16(device):
        warnings.warn(f"bf16=True on {describe(device)}, which has no native "
                      "bf16 (AVX512-BF16 or AMX): emulated bf16 trains far "
                      "slower than fp32.", stacklevel=2)
    folder = run_dir(hash_fields(config))
    torch.manual_seed(config.seed)
    gen, disc, opt_g, opt_d = build_training(config, device)
    ema = (WeightAverage(gen, config.ema_halflife)
           if config.ema_halflife > 0 else None)
    fixed_noise = torch.randn(
        config.num_fixed, config.z_dim,
        generator=torch.Generator().manual_seed(config.seed + 1)).to(device)
    run = TrainedGAN(config, folder, gen, disc, _new_history(), {},
                     fixed_noise,
                     generator_ema=None if ema is None else ema.model)
    state = load_checkpoint(folder, map_location=device)
    if state is not None:
        _restore(run, state, opt_g, opt_d, ema, device)
    elif config.init_from:
        _start_from(run, _finished_parent(config, device), opt_g, opt_d, ema)
    if run.epochs_done >= config.num_epochs:
        return run
    images = _load_images(config, device)
    steps_per_epoch = images.shape[0] // config.batch_size
    # before the bar: a first run trains the evaluation classifier here (its
    # own bar), which would otherwise count into the training bar's rate
    evaluators = _evaluators(config, device) if config.eval_samples else {}
    bar = tqdm(total=config.num_epochs * steps_per_epoch,
               initial=run.epochs_done * steps_per_epoch, unit="step",
               desc=config.experiment, file=sys.stderr, mininterval=2,
               disable=not progress, dynamic_ncols=True)
    gen.train()
    disc.train()
    with bar:
        for epoch in range(run.epochs_done + 1, config.num_epochs + 1):
            start = time.perf_counter()
            stats = _run_epoch(gen, disc, opt_g, opt_d, images, config, epoch,
                               bar, folder, ema)
            run.history["seconds"].append(time.perf_counter() - start)
            for name, value in zip(STAT_NAMES, stats.mean(0).tolist()):
                run.history[name].append(value)
            run.history["step_losses"].append(stats[:, :2].clone())
            _end_of_epoch(run, ema, evaluators, device, epoch)
            save_checkpoint(folder, _state(run, opt_g, opt_d, ema, epoch,
                                           device))
    return run


def _end_of_epoch(run: TrainedGAN, ema: WeightAverage | None,
                  evaluators: dict[str, Any], device: torch.device,
                  epoch: int) -> None:
    """Fixed-noise snapshots and scores of G (and G_ema) after an epoch."""
    generators = {False: run.generator}
    run.snapshots[epoch] = to_uint8(generate(run.generator, run.fixed_noise))
    if ema is not None:
        if has_batchnorm(ema.model):
            recompute_batchnorm(ema.model, seed=run.config.seed + 3)
        generators[True] = ema.model
        run.snapshots_ema[epoch] = to_uint8(generate(ema.model,
                                                     run.fixed_noise))
    if evaluators:
        _evaluate(generators, run.config, evaluators, device, run.history,
                  epoch)


def _state(run: TrainedGAN, opt_g: torch.optim.Optimizer,
           opt_d: torch.optim.Optimizer, ema: WeightAverage | None,
           epoch: int, device: torch.device) -> dict[str, Any]:
    """Everything a checkpoint holds (tensors and plain containers only)."""
    state = {"config": asdict(run.config), "epoch": epoch,
             "generator": run.generator.state_dict(),
             "discriminator": run.discriminator.state_dict(),
             "opt_g": opt_g.state_dict(), "opt_d": opt_d.state_dict(),
             "history": run.history, "snapshots": run.snapshots,
             "rng": _rng_state(device)}
    if ema is not None:
        state["ema"] = ema.state_dict()
        state["snapshots_ema"] = run.snapshots_ema
    return state


def _finished_parent(config: GANConfig,
                     device: torch.device) -> dict[str, Any]:
    """The last checkpoint of the finished run `config.init_from`, or a
    clear error that says how to train it."""
    state, done = finished_checkpoint(runs_dir() / config.init_from, device)
    if state is None:
        parent = config.init_from.rsplit("-", 1)[0]
        raise FileNotFoundError(
            f"{config.experiment} starts from the finished run "
            f"{config.init_from}, which has {done} epochs in {runs_dir()}. "
            f"Train it first: `python -m helpers train {parent}` with the "
            "same profile and seed (train_experiment does this for you).")
    return state


def _start_from(run: TrainedGAN, parent: dict[str, Any],
                opt_g: torch.optim.Optimizer, opt_d: torch.optim.Optimizer,
                ema: WeightAverage | None) -> None:
    """Models, Adam moments and G_ema of a finished run (the learning rate
    and betas stay this config's); a fresh history."""
    run.generator.load_state_dict(parent["generator"])
    run.discriminator.load_state_dict(parent["discriminator"])
    for opt, key in ((opt_g, "opt_g"), (opt_d, "opt_d")):
        opt.load_state_dict(parent[key])
        for group in opt.param_groups:
            group.update(lr=run.config.lr, betas=run.config.betas)
    if ema is not None and "ema" in parent:
        ema.load_state_dict(parent["ema"])


def _restore(run: TrainedGAN, state: dict[str, Any],
             opt_g: torch.optim.Optimizer, opt_d: torch.optim.Optimizer,
             ema: WeightAverage | None, device: torch.device) -> None:
    """Load a checkpoint into a run (models, optimisers, history, RNG)."""
    run.generator.load_state_dict(state["generator"])
    run.discriminator.load_state_dict(state["discriminator"])
    opt_g.load_state_dict(state["opt_g"])
    opt_d.load_state_dict(state["opt_d"])
    run.history, run.snapshots = state["history"], state["snapshots"]
    if ema is not None:
        ema.load_state_dict(state["ema"])
        run.snapshots_ema = state["snapshots_ema"]
    _set_rng_state(state["rng"], device)
    run.start_epoch = run.epochs_done
