"""Every experiment's settings, one literal block each, and the profiles.

A block holds all that decides an experiment's runs: the settings of every
profile (`sizes`), the GAN settings no profile changes (`gan`, GAN
experiments only; `helpers.experiments` builds their configs), the variants
and the extra seeds trained, and whether it trains in bf16 where that is
native. Profiles: `smoke` (seconds, tests only), `quick` (a truthful draft on
a laptop CPU), `full` (exactly the assignment's settings). `auto` = full when
the device is a CUDA GPU, quick otherwise (`resolve_profile`).
"""

import os
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

import torch

PROFILE_NAMES = ("smoke", "quick", "full")
# Set (to anything) by the tests only: profile `full` keeps its branches
# (extra seeds, wording, snapshot labels) but takes the `smoke` sizes.
TOY_FULL = "HW_TOY_FULL"


@dataclass(frozen=True)
class Experiment:
    """One experiment: its settings per profile and the runs it trains."""
    # profile -> settings
    sizes: dict[str, dict[str, Any]]
    # GANConfig fields that no profile changes ({}: not a GAN experiment)
    gan: dict[str, Any] = field(default_factory=dict)
    # profile -> config overrides, one run each (none: one run)
    variants: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # profile -> seeds trained after the first
    extra_seeds: dict[str, int] = field(default_factory=dict)
    # bf16 autocast on devices with native bf16 (AVX512-BF16/AMX, bf16 GPUs)
    bf16_where_native: bool = False


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

# G_ema's half-life: one epoch of training images (60 000), ramped up over
# the first 5 % of images seen (StyleGAN2's ema_rampup = 0.05).
EMA_HALFLIFE = 60_000

# HW2 2a and 2b train for the same epochs, so they compare at equal epochs.
MNIST_GAN_SIZES: dict[str, dict[str, Any]] = {
    "smoke": dict(num_train=640, num_epochs=2, snapshot_epochs=(1, 2),
                  **EVAL_SMOKE),
    "quick": dict(num_train=None, num_epochs=6, snapshot_epochs=(1, 3, 6),
                  **EVAL_QUICK),
    "full": dict(num_train=None, num_epochs=100,
                 snapshot_epochs=(1, 10, 50, 100), **EVAL_FULL),
}

# HW2 2a: the assignment's FC generator, BCE, Adam lr 1e-4, 1:1 updates;
# β₁ = 0.5 and an R1 penalty (γ = 10) on the discriminator keep it training
# (hw2_2a_gan_no_r1 is the recipe that collapses).
HW2_2A_GAN: dict[str, Any] = dict(
    dataset="MNIST", model="fc", method="bce", z_dim=128, lr=1e-4,
    betas=(0.5, 0.999), r1_weight=10.0, batch_size=64,
    ema_halflife=EMA_HALFLIFE)


def path_energy(*weights: float) -> list[dict[str, Any]]:
    """2e settings of the path-energy penalty μE‖J_G v‖², one per μ."""
    return [{"path_weight": mu} for mu in weights]


def path_length(*weights: float) -> list[dict[str, Any]]:
    """2e settings of StyleGAN2's path-length penalty, one per weight (its
    own configs use 2 at 256² and up and switch it off, 0, for CIFAR-10 at
    32²: the weight has to be swept here, at 28²)."""
    return [{"path_form": "length", "path_weight": w} for w in weights]


# 2e's direct method: U of the straight latent segments between the codes
# of 8 real image pairs of the minibatch, at 8 points each; a code is the
# nearest of the minibatch's samples refined by 10 shell-projected Adam
# steps (measured on 2a's `quick` G: ‖G(z) − x‖² 147 against 205 for the
# nearest sample alone and 109 for 2d's best of 8 starts × 600 steps).
PAIR_PATH: dict[str, Any] = dict(path_form="pairs", pair_count=8,
                                 pair_points=8, pair_inv_steps=10)


def pair_path(*weights: float) -> list[dict[str, Any]]:
    """2e settings of the direct method μ U(segment), one per μ."""
    return [{**PAIR_PATH, "path_weight": mu} for mu in weights]

EXPERIMENTS: dict[str, Experiment] = {
    # HW3 Q1: softmax policy gradient on a k-armed bandit.
    "hw3_q1_bandit": Experiment(sizes={
        "smoke": dict(num_seeds=4, num_steps=300),
        "quick": dict(num_seeds=30, num_steps=5_000),
        "full": dict(num_seeds=100, num_steps=20_000),
    }),
    # HW3 Q2: gradient descent/ascent on a quadratic saddle.
    "hw3_q2_minimax": Experiment(sizes={
        "smoke": dict(num_etas=21, num_steps=200, num_points=8,
                      num_couplings=5),
        "quick": dict(num_etas=201, num_steps=2_000, num_points=64,
                      num_couplings=25),
        "full": dict(num_etas=401, num_steps=5_000, num_points=128,
                     num_couplings=49),
    }),
    # HW3 Q3: DCGAN on FashionMNIST (50 epochs, snapshots at T = 10, 30, 50)
    # after the TF DCGAN tutorial, whose train_step takes both players'
    # gradients at the same point before either update. bf16 where native
    # (AVX512-BF16/AMX CPUs, bf16 GPUs): 1.4-1.5× faster there at minibatch
    # 64, sample quality within one seed sd of fp32 over 3 seeds (README,
    # "bf16 against fp32"). `quick` spends its ≈ 5 min on steps, not images:
    # minibatch 16 (of the assignment's 16/32/64) costs a third of batch
    # 64's time per step and the sample quality follows the number of steps
    # (measured: 7 500 steps of 16 reach FID 169 (G) / 156 (G_ema), 1 560 of
    # 64 ended at 341 / 320; docs/measurements.md).
    "hw3_q3_dcgan": Experiment(
        gan=dict(dataset="FashionMNIST", model="dcgan",
                 method="bce-simultaneous", z_dim=100, lr=1e-4,
                 betas=(0.9, 0.999), ema_halflife=EMA_HALFLIFE),
        bf16_where_native=True,
        sizes={
            "smoke": dict(num_train=128, num_epochs=3,
                          snapshot_epochs=(1, 2, 3), batch_size=64,
                          **EVAL_SMOKE),
            "quick": dict(num_train=40_000, num_epochs=3, batch_size=16,
                          snapshot_epochs=(1, 2, 3), **EVAL_QUICK),
            "full": dict(num_train=None, num_epochs=50, batch_size=64,
                         snapshot_epochs=(10, 30, 50), **EVAL_FULL),
        }),
    # HW2 1e: the kNN check of part (d) (sample sizes × repeats, 1-D and 2-D
    # toys), then the Echo AE vs Gaussian β-VAE in the paper's set-up (conv
    # nets with channels × ae_width, batch 100) on binarised MNIST (two
    # seeds in full), and the one-change-at-a-time ablation at β = abl_beta,
    # whose runs are quick-sized in every profile but smoke.
    "hw2_1e_echo": Experiment(
        extra_seeds={"full": 1},
        sizes={
            "smoke": dict(mi_sizes=(200, 400), mi_repeats=2,
                          ae_num_train=200, ae_num_test=200, ae_epochs=1,
                          ae_width=0.125, ae_betas=(0.5, 4.0), abl_beta=1.0,
                          abl_num_train=200, abl_epochs=1, abl_width=0.125,
                          abl_num_test=200),
            "quick": dict(mi_sizes=(250, 500, 1_000, 2_000, 4_000, 8_000),
                          mi_repeats=4, ae_num_train=6_000,
                          ae_num_test=2_000, ae_epochs=2, ae_width=0.25,
                          ae_betas=(0.25, 0.5, 1.0, 2.0, 4.0),
                          abl_beta=1.0, abl_num_train=6_000, abl_epochs=2,
                          abl_width=0.25, abl_num_test=2_000),
            "full": dict(mi_sizes=(250, 500, 1_000, 2_000, 4_000, 8_000,
                                   16_000),
                         mi_repeats=10, ae_num_train=None, ae_num_test=None,
                         ae_epochs=1, ae_width=0.25,
                         ae_betas=(0.25, 0.5, 1.0, 2.0, 4.0),
                         abl_beta=1.0, abl_num_train=6_000, abl_epochs=2,
                         abl_width=0.25, abl_num_test=2_000),
        }),
    # HW2 2a: FC GAN on MNIST, 100 epochs in full; two seeds in full (2b
    # compares two seeds of each GAN).
    "hw2_2a_gan": Experiment(gan=HW2_2A_GAN, sizes=MNIST_GAN_SIZES,
                             extra_seeds={"full": 1}),
    # HW2 2a: the assignment's recipe as it stands (no R1), at the same
    # epochs as with R1 so that the two compare epoch for epoch.
    "hw2_2a_gan_no_r1": Experiment(
        gan={**HW2_2A_GAN, "r1_weight": 0.0}, sizes=MNIST_GAN_SIZES),
    # HW2 2b: WGAN-GP with the FC generator, the same epochs as 2a.
    # Gulrajani et al. (2017), Algorithm 1: λ = 10, n_critic = 5, Adam
    # α = 1e-4, β = (0, 0.9).
    "hw2_2b_wgan_gp": Experiment(
        gan=dict(dataset="MNIST", model="fc", method="wgan-gp", z_dim=128,
                 lr=1e-4, betas=(0.0, 0.9), n_critic=5, gp_weight=10.0,
                 batch_size=64, ema_halflife=EMA_HALFLIFE),
        sizes=MNIST_GAN_SIZES, extra_seeds={"full": 1}),
    # HW2 2e: 2a's finished run trained on with a penalty on G, one run per
    # variant; μ = 0 is 2a continued unchanged, the control at equal
    # training. Three penalties: the direct one (U of latent segments
    # between codes of real pairs, `pair_path`), the path energy
    # μE‖J_G(z)v‖² and StyleGAN2's path length, each at log-spaced weights.
    # Probed at `quick` sizes (30 000 images from 2a's epoch 6, 16 pairs;
    # ratios to the control): direct μ = 1e-5 / 1e-4 / 3e-4 / 1e-3 gave
    # min U 0.99 / 0.97 / 0.95 / 0.93 at FID 1.01 / 1.27 / 1.58 / 2.01, and
    # costs 1.5-2× a control epoch; path length w = 0.02 / 0.2: min U
    # 0.99 / 0.97 at FID 1.01 / 1.04; path energy μ = 0.003 / 0.01: 1.01 /
    # 0.985 at 1.03 / 1.08 (earlier, over a full epoch, μ = 0.03 doubled
    # FID). `full` trains 20×
    # the steps from a better G (earlier, at `full`, energy μ = 0.001 gave
    # FID 1.92× and 0.003 tripled it), so its weights reach lower. `smoke`
    # and `full` keep their sizes (their run names are pinned by the tests).
    "hw2_2e_path_reg": Experiment(
        gan={**HW2_2A_GAN, "init_from": "hw2_2a_gan"},
        sizes={
            "smoke": dict(num_train=640, num_epochs=1, snapshot_epochs=(1,),
                          **EVAL_SMOKE),
            # half an epoch per setting: the notebook's 5 runs and their
            # min U took 3 min 41 s on a shared 2-core CPU (one thread)
            "quick": dict(num_train=30_000, num_epochs=1,
                          snapshot_epochs=(1,), **EVAL_QUICK),
            "full": dict(num_train=None, num_epochs=10,
                         snapshot_epochs=(10,), **EVAL_FULL),
        },
        variants={
            "smoke": [*path_energy(0.0, 0.03), *pair_path(1e-3),
                      *path_length(0.02)],
            "quick": [*path_energy(0.0), *pair_path(1e-4, 3e-4),
                      *path_energy(0.01), *path_length(0.2)],
            "full": [*path_energy(0.0), *pair_path(1e-5, 3e-5, 1e-4),
                     *path_energy(0.0001, 0.0003, 0.001),
                     *path_length(0.02, 0.06, 0.2)],
        }),
    # HW2 2e: min U of each 2e generator on P held-out test pairs (test
    # images 1000, 1001, …): codes on the shell (best of R starts, S Adam
    # steps), then 2d's path optimisation from the segment (K points,
    # `iters` steps). P is what the paired bootstrap interval needs.
    "hw2_2e_min_u": Experiment(sizes={
        "smoke": dict(num_pairs=4, restarts=2, inv_steps=30, num_points=8,
                      iters=20),
        "quick": dict(num_pairs=16, restarts=4, inv_steps=300,
                      num_points=16, iters=200),
        "full": dict(num_pairs=48, restarts=8, inv_steps=1_000,
                     num_points=24, iters=600),
    }),
    # HW2 2c: invert 2a's generator; B test images × R random starts, Adam
    # for `steps` steps; then per code at most `shell_iters` L-BFGS steps on
    # the shell ‖z‖ = √d and `free_iters` off it, and `newton_iters`
    # active-set Newton steps (measured at quick: these caps certify 123 of
    # the 128 codes, in about 130 s on one CPU thread).
    "hw2_2c_inversion": Experiment(sizes={
        "smoke": dict(num_images=8, restarts=10, steps=30, shell_iters=20,
                      free_iters=20, newton_iters=3),
        "quick": dict(num_images=8, restarts=16, steps=1_000,
                      shell_iters=500, free_iters=300, newton_iters=100),
        "full": dict(num_images=16, restarts=32, steps=3_000,
                     shell_iters=1_000, free_iters=1_000, newton_iters=200),
    }),
    # HW2 2d/2e: P image pairs; codes by shell-constrained inversion
    # (R starts, best kept), paths of K points optimised for `iters` steps.
    "hw2_2d_latent_path": Experiment(sizes={
        "smoke": dict(num_pairs=2, restarts=2, inv_steps=30, num_points=8,
                      iters=20),
        "quick": dict(num_pairs=4, restarts=8, inv_steps=600, num_points=32,
                      iters=400),
        "full": dict(num_pairs=8, restarts=16, inv_steps=2_000,
                     num_points=64, iters=2_000),
    }),
}


NOTHING = Experiment(sizes={})   # what an unknown name trains: one run


def auto_profile(device: torch.device | str = "auto") -> str:
    """What `auto` means on `device`: full on CUDA only, else quick.

    Not on mps: `full` is sized for a CUDA GPU, its time on an Apple GPU is
    unmeasured and bf16 is off there (`native_bf16`), so `auto` would
    silently start a build of hours on any Mac; nor on the CPU of a machine
    that has a GPU (`DEVICE=cpu`). `PROFILE=full` still asks for it."""
    if isinstance(device, str) and device.strip().lower() == "auto":
        return "full" if torch.cuda.is_available() else "quick"
    kind = torch.device(str(device).strip().lower()).type
    return "full" if kind == "cuda" else "quick"


def resolve_profile(name: str = "auto",
                    device: torch.device | str = "auto") -> str:
    """Map a profile name to smoke/quick/full (auto: `auto_profile(device)`,
    full on a CUDA device, quick otherwise)."""
    name = str(name).strip().lower()
    if name == "auto":
        return auto_profile(device)
    if name not in PROFILE_NAMES:
        raise ValueError(
            f"Unknown profile {name!r}: use one of auto, "
            f"{', '.join(PROFILE_NAMES)} (e.g. `make pdf PROFILE=quick`).")
    return name


def experiment(name: str) -> Experiment:
    """The block of a named experiment, or a clear error."""
    if name not in EXPERIMENTS:
        raise KeyError(f"Unknown experiment {name!r}; known: "
                       f"{', '.join(sorted(EXPERIMENTS))}.")
    return EXPERIMENTS[name]


def settings(name: str, profile: str) -> dict[str, Any]:
    """A copy of one experiment's settings for a (resolved or auto) profile."""
    sizes = experiment(name).sizes
    resolved = resolve_profile(profile)
    if resolved == "full" and os.environ.get(TOY_FULL):
        resolved = "smoke"     # tests: full's code paths at smoke sizes
    return deepcopy(sizes[resolved])


def seeds_for(name: str, profile: str, seed: int = 0) -> list[int]:
    """The seeds the notebooks train `name` with: seed, seed + 1, …"""
    extra = EXPERIMENTS.get(name, NOTHING).extra_seeds.get(
        resolve_profile(profile), 0)
    return [seed + i for i in range(1 + extra)]


def variants_for(name: str, profile: str) -> list[dict[str, Any]]:
    """Config overrides of every run of `name` ([{}]: one run)."""
    options = EXPERIMENTS.get(name, NOTHING).variants.get(
        resolve_profile(profile))
    return deepcopy(options) if options else [{}]
