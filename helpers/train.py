"""One GAN training loop for every homework: resumable, fast, with progress.

`train_gan(config, device)` trains a run into the run cache, or resumes it
from its last complete epoch, or loads it when it is complete;
`train_experiment` does it for a named experiment, after the run that one
starts from. `run_epoch` is one pass over the data with the config's update
step (`helpers.steps`); what an epoch records is `helpers.history`'s layout.
"""

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

from . import data, steps
from .device import describe, native_bf16, rng_state, set_rng_state
from .ema import WeightAverage, has_batchnorm, recompute_batchnorm
from .experiments import (GANConfig, experiment_config, finished_twin,
                          hash_fields, parent_experiment, run_folder)
from .history import STAT_NAMES, append_scores, epoch_seconds, new_history
from .models import build_gan
from .paths import runs_dir
from .runs import (checkpoint_bytes, finished_checkpoint, load_checkpoint,
                   require_space, run_dir, save_checkpoint)

NAN_CHECK_EVERY = 50  # steps between host syncs (progress + NaN check)
NUM_FIXED = 16        # fixed-noise images kept per epoch (a 4 × 4 mosaic)

# on_progress(steps done since the last call, the last step's statistics)
Progress = Callable[[int, list[float]], None]


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


def train_experiment(name: str, profile: str,
                     device: torch.device | str = "cpu", progress: bool = True,
                     **overrides: Any) -> TrainedGAN:
    """Train (or resume, or load) a named experiment, after the run it
    starts from if it has one (`init_from`)."""
    parent = parent_experiment(name)
    if parent:
        train_experiment(parent, profile, device, progress,
                         seed=overrides.get("seed", 0))
    return train_gan(experiment_config(name, profile, device, **overrides),
                     device, progress)


class NonFiniteLossError(FloatingPointError):
    """A loss became NaN or infinite; training stopped."""


def _check_finite(stats: torch.Tensor, first_step: int, epoch: int) -> None:
    """Raise, naming epoch and step, if any loss in `stats` is not finite."""
    finite = torch.isfinite(stats[:, :2]).all(dim=1).cpu()
    if finite.all():
        return
    bad = int((~finite).nonzero()[0]) + first_step
    raise NonFiniteLossError(
        f"Training stopped: a loss became NaN/inf at epoch {epoch}, step "
        f"{bad + 1}. Lower the learning rate or check the data scaling.")


@torch.inference_mode()
def generate(gen: nn.Module, noise: torch.Tensor) -> torch.Tensor:
    """G's output in eval mode (BatchNorm running statistics), [−1, 1]."""
    was_training = gen.training
    gen.eval()
    images = gen(noise)
    gen.train(was_training)
    return images


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """[−1, 1] images (N, 1, H, W) → uint8 (N, H, W) on the CPU."""
    return ((images.squeeze(1) + 1) * 127.5).round().clamp(0, 255) \
        .to(torch.uint8).cpu()


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


def run_epoch(gen: nn.Module, disc: nn.Module, opt_g: torch.optim.Optimizer,
              opt_d: torch.optim.Optimizer, images: torch.Tensor,
              config: GANConfig, epoch: int,
              ema: WeightAverage | None = None,
              on_progress: Progress | None = None) -> torch.Tensor:
    """One pass over the training images with the config's update step;
    per-step statistics (steps, 4) on the CPU. `ema`, if given, averages
    G's weights after every step; `on_progress`, if given, is told every
    NAN_CHECK_EVERY steps how many steps were done and the last statistics."""
    step = steps.STEPS[config.method]
    num_steps = images.shape[0] // config.batch_size
    stats = torch.empty(num_steps, len(STAT_NAMES), device=images.device)
    checked = 0
    batches = data.minibatches(images.shape[0], config.batch_size,
                               images.device)
    for i, idx in enumerate(batches):
        real = data.to_signed_unit(images[idx])
        with torch.autocast(images.device.type, torch.bfloat16,
                            enabled=config.bf16):
            stats[i] = step(gen, disc, opt_g, opt_d, real, config, i)
        if ema is not None:
            ema.update(gen, config.batch_size)
        if (i + 1) % NAN_CHECK_EVERY == 0 or i + 1 == num_steps:
            _check_finite(stats[checked:i + 1], checked, epoch)
            if on_progress is not None:
                on_progress(i + 1 - checked, stats[i].tolist())
            checked = i + 1
    return stats.cpu()


def _bar_progress(bar: tqdm, epoch: int) -> Progress:
    """A `run_epoch` callback that advances `bar` and shows the losses."""
    def report(done: int, last: list[float]) -> None:
        bar.update(done)
        bar.set_postfix(epoch=epoch, d_loss=f"{last[0]:.3f}",
                        g_loss=f"{last[1]:.3f}", refresh=False)
    return report


def _evaluate(generators: dict[bool, nn.Module], config: GANConfig,
              evaluators: dict[str, Any], device: torch.device,
              history: dict[str, Any], epoch: int) -> None:
    """Score G (and G_ema) on this epoch's samples; at the snapshot epochs
    and the last one also with `eval_samples_final` samples."""
    start = time.perf_counter()
    for ema, gen in generators.items():
        images = sample_unit(gen, config.eval_samples, config.seed + 2,
                             device)
        append_scores(history, evaluators["epoch"].score(images), ema)
    if "final" in evaluators and epoch in config.final_epochs:
        final = history["final"]
        final.setdefault("epoch", []).append(epoch)
        for ema, gen in generators.items():
            images = sample_unit(gen, config.eval_samples_final,
                                 config.seed + 2, device)
            append_scores(final, evaluators["final"].score(images), ema)
    history["eval_seconds"].append(time.perf_counter() - start)


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


def _check(config: GANConfig, device: torch.device) -> None:
    """Refuse a config the steps cannot train; warn of emulated bf16."""
    steps.check(config)
    if config.bf16 and not native_bf16(device):
        warnings.warn(f"bf16=True on {describe(device)}, which has no native "
                      "bf16 (AVX512-BF16 or AMX): emulated bf16 trains far "
                      "slower than fp32.", stacklevel=3)


def train_gan(config: GANConfig, device: torch.device | str = "cpu",
              progress: bool = True, exact_arithmetic: bool = False
              ) -> TrainedGAN:
    """Train (or resume, or load) the run of `config`; a checkpoint per
    epoch. Unless `exact_arithmetic` (where bf16 against fp32 is what is
    measured), a run finished in the other arithmetic stands in for an
    unfinished one (`finished_twin`)."""
    device = torch.device(device)
    _check(config, device)
    run, opt_g, opt_d, ema = _start(config, device, exact_arithmetic)
    if run.epochs_done >= config.num_epochs:
        return run
    steps = config.num_epochs * (config.num_train or 60_000) \
        // config.batch_size
    require_space(run.folder, checkpoint_bytes(
        [run.generator, run.discriminator], ema is not None, steps))
    images = _load_images(config, device)
    steps_per_epoch = images.shape[0] // config.batch_size
    # before the bar: a first run trains the evaluation classifier here (its
    # own bar), which would otherwise count into the training bar's rate
    evaluators = _evaluators(config, device) if config.eval_samples else {}
    bar = tqdm(total=config.num_epochs * steps_per_epoch,
               initial=run.epochs_done * steps_per_epoch, unit="step",
               desc=config.experiment, file=sys.stderr, mininterval=2,
               disable=not progress, dynamic_ncols=True)
    run.generator.train()
    run.discriminator.train()
    with bar:
        for epoch in range(run.epochs_done + 1, config.num_epochs + 1):
            _train_epoch(run, opt_g, opt_d, ema, images, epoch,
                         _bar_progress(bar, epoch))
            _end_of_epoch(run, ema, evaluators, device, epoch)
            save_checkpoint(run.folder, _state(run, opt_g, opt_d, ema, epoch,
                                               device))
    return run


def _start(config: GANConfig, device: torch.device, exact_arithmetic: bool
           ) -> tuple[TrainedGAN, torch.optim.Optimizer,
                      torch.optim.Optimizer, WeightAverage | None]:
    """The run of `config` (or its finished twin) as its last checkpoint
    left it, else as its parent run finished (`init_from`), else fresh; its
    optimisers, G_ema. To the CPU: history and snapshots stay CPU tensors;
    load_state_dict copies weights and optimiser moments onto the device."""
    own = run_folder(config)
    state = load_checkpoint(own, map_location="cpu") if own.exists() else None
    if not exact_arithmetic and (state is None
                                 or state["epoch"] < config.num_epochs):
        config, state = finished_twin(config) or (config, state)
    folder = run_dir(hash_fields(config))
    torch.manual_seed(config.seed)
    gen, disc, opt_g, opt_d = build_training(config, device)
    ema = (WeightAverage(gen, config.ema_halflife)
           if config.ema_halflife > 0 else None)
    fixed_noise = torch.randn(
        NUM_FIXED, config.z_dim,
        generator=torch.Generator().manual_seed(config.seed + 1)).to(device)
    run = TrainedGAN(config, folder, gen, disc, new_history(), {},
                     fixed_noise,
                     generator_ema=None if ema is None else ema.model)
    if state is not None:
        _restore(run, state, opt_g, opt_d, ema, device)
    elif config.init_from:
        _start_from(run, _finished_parent(config, device), opt_g, opt_d, ema)
    return run, opt_g, opt_d, ema


def _train_epoch(run: TrainedGAN, opt_g: torch.optim.Optimizer,
                 opt_d: torch.optim.Optimizer, ema: WeightAverage | None,
                 images: torch.Tensor, epoch: int,
                 on_progress: Progress) -> None:
    """One epoch of updates, its time and mean statistics in the history."""
    start = time.perf_counter()
    try:
        stats = run_epoch(run.generator, run.discriminator, opt_g, opt_d,
                          images, run.config, epoch, ema=ema,
                          on_progress=on_progress)
    except NonFiniteLossError as err:
        raise NonFiniteLossError(f"{err} The last complete epoch stays "
                                 f"checkpointed in {run.folder}.") from None
    run.history["seconds"].append(time.perf_counter() - start)
    for name, value in zip(STAT_NAMES, stats.mean(0).tolist()):
        run.history[name].append(value)
    run.history["step_losses"].append(stats[:, :2].clone())


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
             "rng": rng_state(device)}
    if ema is not None:
        state["ema"] = ema.state_dict()
        state["snapshots_ema"] = run.snapshots_ema
    return state


def _finished_parent(config: GANConfig,
                     device: torch.device) -> dict[str, Any]:
    """The last checkpoint of the finished run `config.init_from`, or a
    clear error that says how to train it."""
    state, done = finished_checkpoint(runs_dir() / config.init_from, "cpu")
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
    set_rng_state(state["rng"], device)
    run.start_epoch = run.epochs_done
