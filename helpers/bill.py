"""The training bill of a profile: what each GAN run costs on this machine.

`python -m helpers train all --profile full --dry-run` prints, per run, the
seconds measured where the run cache has its epochs, and an estimate of the
rest: a few timed update steps × steps per epoch × epochs left, plus one
timed scoring pass per epoch left (and the larger final scoring at the
epochs that get it). Nothing is trained and nothing is written.
"""

import time
from dataclasses import dataclass

import torch

from . import data, metrics
from .experiments import GANConfig, run_folder
from .runs import load_checkpoint
from .text import md_table
from .train import build_training, run_epoch, sample_unit

TIMED_STEPS = 10   # update steps timed per run, after WARMUP_STEPS
WARMUP_STEPS = 3


@dataclass(frozen=True)
class BillRow:
    """One run's cost: cached epochs (measured), the rest (estimated)."""
    experiment: str
    seed: int
    epochs: int
    epochs_done: int
    measured_s: float
    estimated_s: float
    scoring_s: float       # the part of estimated_s that is scoring

    @property
    def total_s(self) -> float:
        return self.measured_s + self.estimated_s


def cached_seconds(config: GANConfig) -> tuple[int, float]:
    """(epochs done, their training + scoring seconds) from the run cache."""
    folder = run_folder(config)
    state = load_checkpoint(folder) if folder.exists() else None
    if state is None:
        return 0, 0.0
    history = state["history"]
    seconds = sum(history["seconds"]) + sum(history.get("eval_seconds", []))
    return len(history["seconds"]), seconds


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def step_seconds(config: GANConfig, images: torch.Tensor,
                 device: torch.device, steps: int = TIMED_STEPS,
                 warmup: int = WARMUP_STEPS) -> float:
    """Seconds per update step of the training loop (`train.run_epoch`)
    for `config` on `device`, after `warmup` steps; the RNG is untouched."""
    batch = config.batch_size
    with torch.random.fork_rng(devices=[]):
        gen, disc, opt_g, opt_d = build_training(config, device)
        for count in (warmup, steps):
            _sync(device)
            start = time.perf_counter()
            run_epoch(gen, disc, opt_g, opt_d, images[:count * batch],
                      config, 1)
            _sync(device)
    return (time.perf_counter() - start) / steps


def scoring_seconds(config: GANConfig, device: torch.device | str,
                    epochs: range) -> float:
    """Estimated scoring time over `epochs`: one timed scoring pass of each
    size, times the epochs that score at that size (G and G_ema)."""
    if not config.eval_samples:
        return 0.0
    device = torch.device(device)
    # an untrained classifier costs the same and needs no training here
    model = metrics.for_inference(metrics.Classifier().to(device))
    gen, _, _, _ = build_training(config, device)
    per_pass = {}
    for tier, n in (("epoch", config.eval_samples),
                    ("final", config.eval_samples_final)):
        if n:
            evaluator = metrics.test_set_evaluator(config.dataset, n, device,
                                                   model=model)
            start = time.perf_counter()
            evaluator.score(sample_unit(gen, n, 0, device))
            per_pass[tier] = time.perf_counter() - start
    generators = 2 if config.ema_halflife > 0 else 1
    finals = (len(config.final_epochs & set(epochs))
              if config.eval_samples_final > config.eval_samples else 0)
    return generators * (per_pass["epoch"] * len(epochs)
                         + per_pass.get("final", 0.0) * finals)


def estimate(config: GANConfig, device: torch.device | str) -> BillRow:
    """Measured cost of the cached epochs + an estimate of the others."""
    device = torch.device(device)
    done, measured = cached_seconds(config)
    left = range(done + 1, config.num_epochs + 1)
    estimated = scoring = 0.0
    if len(left):
        images, _ = data.load(config.dataset, "train", device)
        num_train = min(config.num_train or len(images), len(images))
        steps = num_train // config.batch_size
        scoring = scoring_seconds(config, device, left)
        estimated = (step_seconds(config, images, device) * steps * len(left)
                     + scoring)
    return BillRow(config.experiment, config.seed, config.num_epochs, done,
                   measured, estimated, scoring)


def bill_table(rows: list[BillRow]) -> str:
    """Markdown: per run, epochs cached, measured and estimated seconds."""
    cells = [[r.experiment, r.seed, f"{r.epochs_done}/{r.epochs}",
              f"{r.measured_s:.0f}", f"{r.estimated_s:.0f}",
              f"{r.scoring_s:.0f}", f"{r.total_s:.0f}"] for r in rows]
    total = sum(r.total_s for r in rows)
    cells.append(["all", "", "", f"{sum(r.measured_s for r in rows):.0f}",
                  f"{sum(r.estimated_s for r in rows):.0f}",
                  f"{sum(r.scoring_s for r in rows):.0f}",
                  f"{total:.0f} (≈ {total / 3600:.1f} h)"])
    return md_table(["experiment", "seed", "epochs cached", "measured s",
                     "estimated s (epochs left)", "of which scoring",
                     "total s"], cells, "lrrrrrr")
