"""A GAN run's config: built from its experiment's block, hashed into its name.

`experiment_config(name, profile, device)` is the one way a GAN run's
settings are read: the block of `name` in `helpers.profiles` (its GAN
settings and the profile's sizes), the overrides given, and bf16 where the
block asks for it and the device has it. `hash_fields` is what names the
run's directory in the run cache.
"""

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import torch

from .device import native_bf16
from .profiles import (EXPERIMENTS, Experiment, seeds_for, settings,
                       variants_for)
from .runs import finished_checkpoint, run_dir_path


@dataclass(frozen=True)
class GANConfig:
    """Everything that determines a training run (its hash names the run)."""
    experiment: str
    dataset: str
    model: str                     # models.MODELS key
    method: str                    # steps.STEPS key: the update step
    z_dim: int
    batch_size: int
    lr: float
    betas: tuple[float, float]
    num_epochs: int
    num_train: int | None          # first N training images; None = all
    snapshot_epochs: tuple[int, ...]
    eval_samples: int              # >0: FID etc. of this many samples/epoch
    eval_samples_final: int        # >eval_samples: rescore with this many
    #                                at the snapshot epochs and the last
    eval_classifier: str           # metrics.CLASSIFIER_SETTINGS key
    seed: int = 0
    n_critic: int = 1              # critic steps per generator step
    gp_weight: float = 0.0         # λ of the WGAN-GP gradient penalty
    r1_weight: float = 0.0         # γ of the R1 penalty γ/2 E‖∇ₓD(x)‖²
    path_weight: float = 0.0       # μ of the path term on G (path_form)
    path_form: str = "energy"      # steps.PATH_FORMS key
    pair_count: int = 0            # path_form "pairs": real image pairs
    #                                per penalty step,
    pair_points: int = 0           # points K on each pair's latent segment,
    pair_inv_steps: int = 0        # inversion steps per code (steps.py)
    ema_halflife: int = 0          # >0: keep G_ema, half-life in images
    init_from: str = ""            # a finished run's directory name: its G,
    #                                D, optimisers and G_ema start this run
    bf16: bool = False             # bfloat16 autocast

    @property
    def final_epochs(self) -> set[int]:
        """Epochs scored with `eval_samples_final`: snapshots and the last."""
        return {*self.snapshot_epochs, self.num_epochs}


# Bump when the code changes what a config trains into, so cached runs of
# older code are retrained rather than reused. 2: the metrics classifier no
# longer draws from the training RNG; DCGAN dropout masks come from rand_like.
RESULTS_VERSION = 2
# Fields added after runs were cached: hashed only when they differ from
# these values, so adding a field alone retrains nothing.
LATE_FIELDS: dict[str, Any] = {
    "path_weight": 0.0, "bf16": False, "ema_halflife": 0,
    "eval_samples_final": 0, "init_from": "", "path_form": "energy",
    "pair_count": 0, "pair_points": 0, "pair_inv_steps": 0}
# Settings that left the config (never changed by any run): hashed with the
# value they always had, so cached runs keep their names.
RETIRED_FIELDS: dict[str, Any] = {"num_fixed": 16, "real_label": 1.0}
# The update step was two fields (method, step_form) before it was one.
HASHED_METHOD: dict[str, dict[str, str]] = {
    "bce-simultaneous": {"method": "bce", "step_form": "simultaneous"}}


def hash_fields(config: GANConfig) -> dict[str, Any]:
    """The config as hashed into its run directory name."""
    fields = {**asdict(config), **RETIRED_FIELDS,
              **HASHED_METHOD.get(config.method, {})}
    for name, value in LATE_FIELDS.items():
        if fields[name] == value:
            del fields[name]
    return {**fields, "results_version": RESULTS_VERSION}


def run_folder(config: GANConfig) -> Path:
    """Where the run of `config` lives in the run cache (not created)."""
    return run_dir_path(hash_fields(config))


def finished_twin(config: GANConfig) -> tuple[GANConfig, dict] | None:
    """(config, last checkpoint) of the same run in the other arithmetic
    (bf16 <-> fp32) if that run finished, else None: a run trained where
    bf16 is native (a GPU, an AVX512-BF16 CPU) stands in for the unfinished
    run of a machine without it, and back. (Only the bf16 field flips: no
    run that starts from a parent run (`init_from`) trains in bf16.)"""
    twin = replace(config, bf16=not config.bf16)
    state, _ = finished_checkpoint(run_folder(twin))
    return None if state is None else (twin, state)


def finished_run(config: GANConfig) -> tuple[GANConfig, dict | None, int]:
    """(config, its last checkpoint if the run finished else None, epochs
    done), or its finished twin's (`finished_twin`)."""
    state, done = finished_checkpoint(run_folder(config))
    twin = finished_twin(config) if state is None else None
    if twin is not None:
        return twin[0], twin[1], int(twin[1]["epoch"])
    return config, state, done


# The GAN experiments, in the order `train all` trains them.
GAN_EXPERIMENTS: dict[str, Experiment] = {
    name: block for name, block in EXPERIMENTS.items() if block.gan}


def gan_experiment(name: str) -> Experiment:
    """The block of a GAN experiment, or a clear error."""
    if name not in GAN_EXPERIMENTS:
        raise KeyError(f"Unknown experiment {name!r}; known: "
                       f"{', '.join(sorted(GAN_EXPERIMENTS))}.")
    return GAN_EXPERIMENTS[name]


def experiment_config(name: str, profile: str,
                      device: torch.device | str | None = None,
                      **overrides: Any) -> GANConfig:
    """Config of a named experiment under a profile, plus overrides; with a
    `device`, the arithmetic it trains in there (bf16_where_native)."""
    block = gan_experiment(name)
    fields = {**block.gan, **settings(name, profile), **overrides}
    if fields.get("init_from") in GAN_EXPERIMENTS:   # that experiment's run
        fields["init_from"] = parent_run_name(
            fields["init_from"], profile, device, fields.get("seed", 0))
    if device is not None and "bf16" not in overrides:
        fields["bf16"] = (block.bf16_where_native
                          and native_bf16(torch.device(device)))
    fields["snapshot_epochs"] = tuple(fields["snapshot_epochs"])
    fields["betas"] = tuple(fields["betas"])
    return GANConfig(experiment=name, **fields)


def parent_run_name(name: str, profile: str,
                    device: torch.device | str | None, seed: int) -> str:
    """Run directory name of experiment `name` (profile, device, seed)."""
    return run_folder(experiment_config(name, profile, device,
                                        seed=seed)).name


def parent_experiment(name: str) -> str:
    """The experiment whose finished run `name` starts from ('' if none)."""
    return gan_experiment(name).gan.get("init_from", "")


def runs_of(name: str, profile: str,
            seed: int) -> list[tuple[str, int, dict[str, Any]]]:
    """(experiment, seed, overrides) of every run of one experiment (its
    variants), or of every run `all` trains (their seeds too)."""
    if name != "all":
        return [(name, seed, v) for v in variants_for(name, profile)]
    return [(n, s, v) for n in GAN_EXPERIMENTS
            for s in seeds_for(n, profile, seed)
            for v in variants_for(n, profile)]


def variant_label(overrides: dict[str, Any]) -> str:
    """' (path_weight=0.1)' for a variant's overrides, '' for none."""
    if not overrides:
        return ""
    return " (" + ", ".join(f"{k}={v}" for k, v in overrides.items()) + ")"
