"""Every experiment's settings per profile, in one table.

Profiles: `smoke` (seconds, tests only), `quick` (a truthful draft on a laptop
CPU), `full` (exactly the assignment's settings). `auto` = full when a GPU is
present, quick otherwise.
"""

import os
from copy import deepcopy
from typing import Any

from .device import gpu_available

PROFILE_NAMES = ("smoke", "quick", "full")
# Set (to anything) by the tests only: profile `full` keeps its branches
# (extra seeds, wording, snapshot labels) but takes the `smoke` sizes.
TOY_FULL = "HW_TOY_FULL"

# Scoring: `eval_samples` samples after every epoch (the curves) and, where
# `eval_samples_final` is larger, that many again at the snapshot epochs and
# the last one (the tables), so that scoring stays a small share of training
# (measured, 2a `full`: 2 000 per epoch for G and G_ema cost 15 % of the
# training time; 1 000 about half of that).
EVAL_SMOKE = dict(eval_samples=256, eval_samples_final=512,
                  eval_classifier="tiny")
EVAL_QUICK = dict(eval_samples=2_000, eval_samples_final=0,
                  eval_classifier="standard")
EVAL_FULL = dict(eval_samples=1_000, eval_samples_final=10_000,
                 eval_classifier="standard")

# HW2 2a and 2b train for the same epochs, so they compare at equal epochs.
MNIST_GAN_PROFILES: dict[str, dict[str, Any]] = {
    "smoke": dict(num_train=640, num_epochs=2, snapshot_epochs=(1, 2),
                  **EVAL_SMOKE),
    "quick": dict(num_train=None, num_epochs=6, snapshot_epochs=(1, 3, 6),
                  **EVAL_QUICK),
    "full": dict(num_train=None, num_epochs=100,
                 snapshot_epochs=(1, 10, 50, 100), **EVAL_FULL),
}

# experiment -> profile -> settings. Anything the assignment fixes for all
# profiles (architecture, lr, losses) lives in the experiment's code, not here.
PROFILES: dict[str, dict[str, dict[str, Any]]] = {
    # HW3 Q1: softmax policy gradient on a k-armed bandit.
    "hw3_q1_bandit": {
        "smoke": dict(num_seeds=4, num_steps=300),
        "quick": dict(num_seeds=30, num_steps=5_000),
        "full": dict(num_seeds=100, num_steps=20_000),
    },
    # HW3 Q2: gradient descent/ascent on a quadratic saddle.
    "hw3_q2_minimax": {
        "smoke": dict(num_etas=21, num_steps=200, num_points=8,
                      num_couplings=5),
        "quick": dict(num_etas=201, num_steps=2_000, num_points=64,
                      num_couplings=25),
        "full": dict(num_etas=401, num_steps=5_000, num_points=128,
                     num_couplings=49),
    },
    # HW3 Q3: DCGAN on FashionMNIST (50 epochs, snapshots at T = 10, 30, 50).
    # `quick` spends its ≈ 5 min on steps, not images: minibatch 16 (of the
    # assignment's 16/32/64) costs a third of batch 64's time per step and
    # the sample quality follows the number of steps (measured: 7 500 steps
    # of 16 reach FID 169 (G) / 156 (G_ema), 1 560 of 64 ended at 341 / 320;
    # docs/measurements.md).
    "hw3_q3_dcgan": {
        "smoke": dict(num_train=128, num_epochs=3, snapshot_epochs=(1, 2, 3),
                      batch_size=64, **EVAL_SMOKE),
        "quick": dict(num_train=40_000, num_epochs=3, batch_size=16,
                      snapshot_epochs=(1, 2, 3), **EVAL_QUICK),
        "full": dict(num_train=None, num_epochs=50, batch_size=64,
                     snapshot_epochs=(10, 30, 50), **EVAL_FULL),
    },
    # HW2 1e: the kNN check of part (d) (sample sizes × repeats, 1-D and 2-D
    # toys), then the Echo AE vs Gaussian β-VAE in the paper's set-up (conv
    # nets with channels × ae_width, batch 100) on binarised MNIST (two seeds
    # in full, see EXTRA_SEEDS), and the one-change-at-a-time ablation at β = abl_beta, whose
    # runs are quick-sized in every profile but smoke.
    "hw2_1e_echo": {
        "smoke": dict(mi_sizes=(200, 400), mi_repeats=2, ae_num_train=200,
                      ae_num_test=200, ae_epochs=1, ae_width=0.125,
                      ae_betas=(0.5, 4.0), abl_beta=1.0,
                      abl_num_train=200, abl_epochs=1, abl_width=0.125,
                      abl_num_test=200),
        "quick": dict(mi_sizes=(250, 500, 1_000, 2_000, 4_000, 8_000),
                      mi_repeats=4, ae_num_train=6_000, ae_num_test=2_000,
                      ae_epochs=2, ae_width=0.25,
                      ae_betas=(0.25, 0.5, 1.0, 2.0, 4.0),
                      abl_beta=1.0, abl_num_train=6_000, abl_epochs=2,
                      abl_width=0.25, abl_num_test=2_000),
        "full": dict(mi_sizes=(250, 500, 1_000, 2_000, 4_000, 8_000, 16_000),
                     mi_repeats=10, ae_num_train=None, ae_num_test=None,
                     ae_epochs=1, ae_width=0.25,
                     ae_betas=(0.25, 0.5, 1.0, 2.0, 4.0),
                     abl_beta=1.0, abl_num_train=6_000, abl_epochs=2,
                     abl_width=0.25, abl_num_test=2_000),
    },
    # HW2 2a: FC GAN on MNIST, 100 epochs in full.
    "hw2_2a_gan": MNIST_GAN_PROFILES,
    # HW2 2a ablation: the same without R1, long enough to see it collapse
    # (at `quick` its coverage is below 0.5 from epoch 1 on, measured; three
    # epochs show that it stays there).
    "hw2_2a_gan_no_r1": {
        "smoke": dict(num_train=640, num_epochs=2, snapshot_epochs=(2,),
                      **EVAL_SMOKE),
        "quick": dict(num_train=None, num_epochs=3, snapshot_epochs=(3,),
                      **EVAL_QUICK),
        "full": dict(num_train=None, num_epochs=12, snapshot_epochs=(12,),
                     **EVAL_FULL),
    },
    # HW2 2b: WGAN-GP with the FC generator, the same epochs as 2a.
    "hw2_2b_wgan_gp": MNIST_GAN_PROFILES,
    # HW2 2e: 2a's finished run trained on for a few epochs with a path
    # penalty (each setting of VARIANTS, μ = 0 the control).
    "hw2_2e_path_reg": {
        "smoke": dict(num_train=640, num_epochs=1, snapshot_epochs=(1,),
                      **EVAL_SMOKE),
        # `quick`: one epoch (≈ 20 s per setting on a 2-core AVX-512 CPU),
        # so that the draft build stays within its 20 minutes.
        "quick": dict(num_train=None, num_epochs=1, snapshot_epochs=(1,),
                      **EVAL_QUICK),
        "full": dict(num_train=None, num_epochs=10, snapshot_epochs=(10,),
                     **EVAL_FULL),
    },
    # HW2 2c: invert 2a's generator; B test images × R random starts, Adam
    # and plain gradient descent for the same number of steps; then at most
    # `newton_steps` Newton steps for codes not yet stationary.
    "hw2_2c_inversion": {
        "smoke": dict(num_images=8, restarts=10, steps=30, segment_points=9,
                      newton_steps=5),
        "quick": dict(num_images=8, restarts=16, steps=1_000,
                      segment_points=33, newton_steps=20),
        "full": dict(num_images=16, restarts=32, steps=3_000,
                     segment_points=65, newton_steps=30),
    },
    # HW2 2d/2e: P image pairs; codes by shell-constrained inversion
    # (R starts, best kept), paths of K points optimised for `iters` steps.
    "hw2_2d_latent_path": {
        "smoke": dict(num_pairs=2, restarts=2, inv_steps=30, num_points=8,
                      iters=20),
        "quick": dict(num_pairs=4, restarts=8, inv_steps=600, num_points=32,
                      iters=400),
        "full": dict(num_pairs=8, restarts=16, inv_steps=2_000,
                     num_points=64, iters=2_000),
    },
}


# Extra seeds per profile: 2b compares two seeds of 2a's GAN and of WGAN-GP
# in `full`, 1e two seeds of each autoencoder; every other run uses one.
EXTRA_SEEDS: dict[str, dict[str, int]] = {
    "full": {"hw2_2a_gan": 1, "hw2_2b_wgan_gp": 1, "hw2_1e_echo": 1}}


# Settings an experiment is trained with, one run each: HW2 2e's path
# penalties. μ = 0 continues 2a unchanged (the control at equal training);
# "energy" is μ E‖J_G(z)v‖²; "length" is StyleGAN2's path-length penalty
# with its weight 2.
# Measured at `quick` (2 epochs on from 2a's epoch 6): μ = 0.03 already
# doubled G_ema's FID (2.07×) and 0.25 tripled it, so the sweep is
# log-spaced below, and `quick` stops at μ = 0.01 (1.78×): a setting past
# the page's 2× FID limit cannot be chosen, and each costs ≈ 45 s.
def path_energy(*weights: float) -> list[dict[str, Any]]:
    """2e settings of the path-energy penalty μE‖J_G v‖², one per μ."""
    return [{"path_weight": mu} for mu in weights]


PATH_LENGTH = {"path_form": "length", "path_weight": 2.0}
# `full` reaches down to μ = 0.0003: from 2a's 100-epoch run, μ = 0.003
# already tripled G_ema's FID (measured), so smaller weights find where
# the penalty stays within 2× of the control's FID.
VARIANTS: dict[str, dict[str, list[dict[str, Any]]]] = {
    "hw2_2e_path_reg": {
        "smoke": [*path_energy(0.0, 0.03), PATH_LENGTH],
        "quick": [*path_energy(0.0, 0.003, 0.01), PATH_LENGTH],
        "full": [*path_energy(0.0, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1),
                 PATH_LENGTH],
    },
}


def variants_for(experiment: str, profile: str) -> list[dict[str, Any]]:
    """Config overrides of every run of `experiment` ([{}]: one run)."""
    options = VARIANTS.get(experiment, {}).get(resolve_profile(profile))
    return deepcopy(options) if options else [{}]


def resolve_profile(name: str = "auto") -> str:
    """Map a profile name to smoke/quick/full (auto: full with a GPU)."""
    name = str(name).strip().lower()
    if name == "auto":
        return "full" if gpu_available() else "quick"
    if name not in PROFILE_NAMES:
        raise ValueError(
            f"Unknown profile {name!r}: use one of auto, "
            f"{', '.join(PROFILE_NAMES)} (e.g. `make pdf PROFILE=quick`).")
    return name


def settings(experiment: str, profile: str) -> dict[str, Any]:
    """A copy of one experiment's settings for a (resolved or auto) profile."""
    if experiment not in PROFILES:
        raise KeyError(f"Unknown experiment {experiment!r}; known: "
                       f"{', '.join(sorted(PROFILES))}.")
    resolved = resolve_profile(profile)
    if resolved == "full" and os.environ.get(TOY_FULL):
        resolved = "smoke"     # tests: full's code paths at smoke sizes
    return deepcopy(PROFILES[experiment][resolved])


def seeds_for(experiment: str, profile: str, seed: int = 0) -> list[int]:
    """The seeds the notebooks train `experiment` with: seed, seed + 1, …"""
    extra = EXTRA_SEEDS.get(resolve_profile(profile), {}).get(experiment, 0)
    return [seed + i for i in range(1 + extra)]
