"""Learning on real data (issue 32, item 2): each recipe, from its
experiment's own config, trained briefly on a subset of its dataset through
the library's training loop (`train.train_gan`, whose `run_epoch` calls the
recipe's step in `steps.STEPS` and its losses; `echo_ae.train_rd`), must
improve its quality measure by a stated margin over the untrained model's:
the Fréchet distance of the evaluation classifier's features for the GANs
(`metrics.test_set_evaluator`), the test-set distortion −log p(x|z) for the
autoencoders (`echo_ae.evaluate`). Seeded, so deterministic on one CPU.

Why the margins are large: the untrained FC generators' grey noise is so
far from the data that a generator trained with a swapped BCE label or a
flipped WGAN generator sign still lowers FID, by collapsing onto one
saturated image (measured, these runs with the bug: 21-37 % lower). A
working recipe leaves that behind within the steps given here (70-83 %
lower), so those tests ask for ≥ 50-55 %. The DCGAN's FID, with its
BatchNorm statistics re-estimated, does not move with such a bug (−6 to
+6 %); a working step lowers it by 41-64 %: ≥ 30 % asked. Each margin and
what it was chosen from is beside its case. A flipped label or sign fails
these tests (checked on a branch, see issue 32's note).

Sizes: the GAN + R1 recipe as it is; WGAN-GP and the DCGAN at 10× their
learning rate (at the recipes' 1e-4 their FID, in the steps a test can
afford, stays where a bug's collapse also gets it; measured), the DCGAN at
the `quick` profile's minibatch 16 (a third of batch 64's cost per step).
Costs are process CPU time, one thread, without the evaluation classifiers
(≈ 23 s each, trained once per session: shared_runs.py).
"""

import copy
from dataclasses import replace

import pytest
import torch
from shared_runs import SESSION_RUNS

from helpers import echo_ae, experiments, metrics, profiles, train
from helpers.ema import recompute_batchnorm

CPU = torch.device("cpu")
NUM_EVAL = 512          # samples scored, against the first 512 test images
SAMPLE_SEED = 1_234     # their noise (the training RNG is not touched)
BN_SEED = 5             # noise of the BatchNorm re-estimate (DCGAN)


@pytest.fixture(scope="module")
def classifiers():
    """The smoke profile's evaluation classifiers, trained once into the
    session's run cache (each test's own cache, `runs_dir`, starts with
    them): their ≈ 23 s each is the session's, not a test's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HW_RUNS_DIR", str(SESSION_RUNS))
        for dataset in ("MNIST", "FashionMNIST"):
            metrics.classifier(dataset, CPU, size="tiny")


def gan_config(name: str, steps: int, **overrides) -> experiments.GANConfig:
    """The experiment's smoke config, trained for `steps` minibatches in one
    epoch, without per-epoch scoring (the test scores)."""
    config = experiments.experiment_config(
        name, "smoke", num_epochs=1, snapshot_epochs=(1,), eval_samples=0,
        eval_samples_final=0, **overrides)
    return replace(config, num_train=steps * config.batch_size)


def generator_fid(evaluator: metrics.Evaluator,
                  gen: torch.nn.Module) -> float:
    """FID of NUM_EVAL samples of `gen`, in eval mode with its BatchNorm
    statistics re-estimated (a no-op for the FC generators): the DCGAN's
    running statistics (momentum 0.01) lag its weights by ≈ 100 steps, which
    would otherwise score the statistics, not the weights."""
    gen = copy.deepcopy(gen)
    recompute_batchnorm(gen, seed=BN_SEED)
    return evaluator.score(train.sample_unit(gen, NUM_EVAL, SAMPLE_SEED,
                                             CPU)).fid


def fid_before_and_after(config: experiments.GANConfig
                         ) -> tuple[float, float]:
    """FID of the generator `train_gan` starts from and of the one it
    trains, scored alike."""
    evaluator = metrics.test_set_evaluator(config.dataset, NUM_EVAL, CPU,
                                           config.eval_classifier)
    start = train.train_gan(replace(config, num_epochs=0), progress=False)
    assert start.epochs_done == 0
    before = generator_fid(evaluator, start.generator)
    run = train.train_gan(config, progress=False)
    assert run.epochs_done == config.num_epochs
    return before, generator_fid(evaluator, run.generator)


# (experiment, steps, overrides, least relative drop of FID). Measured
# (one thread; seed 0 is the test's, seeds 1-4 the spread; FID of the
# untrained generator → trained):
GAN_CASES = {
    # BCE + R1 (γ = 10), Adam 1e-4 as in the recipe: 600 steps. 2343 → 398
    # (83 % lower); seeds 1, 2: 78 %, 75 %. With swapped D labels 31.5 %,
    # with G's target flipped 29.6 % (at 400 steps, seed 2: 36 %, 37 %).
    # 17-19 s CPU.
    "gan_r1": ("hw2_2a_gan", 600, {}, 0.55),
    # n_critic = 5, λ = 10: 600 critic steps, 120 G steps. 2343 → 707
    # (70 %); seeds 1, 2: 77 %, 72 %. G's sign flipped: 21 % (1 847), 24 %.
    # (At the recipe's lr 1e-4: 15-17 % after 600 critic steps, below the
    # flipped sign's, and 28 % after 1 200.) 12-13 s CPU.
    "wgan_gp": ("hw2_2b_wgan_gp", 600, {"lr": 1e-3}, 0.5),
    # the simultaneous BCE step, 120 steps of 16. 1039 → 372 (64 %); seeds
    # 1-4: 56, 41, 61, 64 %. Swapped D labels: 6 % (975), −6 % (seed 2);
    # G's target flipped: 2 %, −5 %. 15-16 s CPU.
    "dcgan": ("hw3_q3_dcgan", 120, {"lr": 1e-3, "batch_size": 16}, 0.3),
}


def gan_drop(case: str, **more) -> tuple[float, float]:
    name, steps, overrides, _ = GAN_CASES[case]
    return fid_before_and_after(gan_config(name, steps,
                                           **{**overrides, **more}))


@pytest.mark.parametrize("case", list(GAN_CASES))
def test_gan_recipe_lowers_fid(case, classifiers, runs_dir):
    before, after = gan_drop(case)
    least = GAN_CASES[case][3]
    assert after < (1 - least) * before, (case, before, after)


# HW2 1e's set-up (`echo_ae.paper_config`) at the smoke profile's width,
# with its ablation row "lr 1e-3 constant" (the paper's 3e-4, decaying,
# moves the distortion by 11-34 % in 120 steps), β = 1: 180 steps of 100
# images. Measured, distortion on 500 test images (nats): Echo 543 → 202
# (63 % lower; seed 1: 63 %), 10 s CPU; β-VAE 544 → 245 (55 %; seed 1:
# 64 %), 8-9 s CPU. (Both end near the pixels' marginal entropy, 202 nats:
# in this budget the decoder learns the marginals, the code little.)
AE_STEPS, AE_EPOCHS, AE_TEST = 60, 3, 500


def ae_config(kind: str, **overrides) -> echo_ae.AEConfig:
    width = profiles.settings("hw2_1e_echo", "smoke")["ae_width"]
    return echo_ae.paper_config(
        kind, 1.0, AE_EPOCHS, AE_STEPS * echo_ae.PAPER_DEPTH, width,
        **{**echo_ae.ABLATIONS["lr 1e-3 constant"], **overrides})


def distortion_before_and_after(config: echo_ae.AEConfig
                                ) -> tuple[float, float]:
    """Test distortion (nats per image) of the model `train_rd` starts from
    and of the one it trains, on the same images and noise."""
    images = echo_ae.test_images(AE_TEST, CPU)
    torch.manual_seed(config.seed)            # as train_rd builds it
    start = echo_ae.RateDistortionAE(config)
    _, before = echo_ae.evaluate(start, images, config.batch_size,
                                 config.seed + 1)
    run = echo_ae.train_rd(config, CPU, num_test=AE_TEST)
    return before, run.distortion


@pytest.mark.parametrize("kind", ["echo", "gauss"])
def test_autoencoder_lowers_the_distortion(kind, runs_dir):
    before, after = distortion_before_and_after(ae_config(kind))
    assert after < (1 - 0.3) * before, (kind, before, after)
