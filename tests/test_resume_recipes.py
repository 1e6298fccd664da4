"""Resume bit-identity for every recipe with per-epoch scoring on (issue 32,
item 5): WGAN-GP (its gradient penalty draws random numbers), the GAN with
R1, and 2e's path-energy fine-tune (which starts from a finished 2a run).
Each trains uninterrupted, then again with a Ctrl-C in epoch 2 (inside a
training step, or in the epoch's scoring, after its training and snapshots,
before its checkpoint) and a rerun; the two must agree bit for bit: G, D,
G_ema, both optimisers, the RNG, the snapshots and every history series
(same keys, same lengths, same values; the wall-clock timings by length).
"""

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import torch
from shared_runs import SESSION_RUNS

from helpers import experiments, metrics, runs, steps, train

EPOCHS = 3
# scored after every epoch, rescored with more samples at epoch 2 (the one
# interrupted) and the last (the smoke profile scores 256 / 512)
SCORED = {"num_epochs": EPOCHS, "snapshot_epochs": (2,), "eval_samples": 64,
          "eval_samples_final": 128}
TIMINGS = ("seconds", "eval_seconds")   # wall-clock: compared by length
PARENT_NAME = "hw2_2a_gan"


@pytest.fixture(scope="module")
def classifier():
    """The smoke evaluation classifier of MNIST, trained once into the
    session's run cache (each test's `runs_dir` starts with it)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HW_RUNS_DIR", str(SESSION_RUNS))
        metrics.classifier("MNIST", "cpu", size="tiny")


def parent_config() -> experiments.GANConfig:
    """A one-epoch 2a run for the fine-tune to start from."""
    return experiments.experiment_config(
        PARENT_NAME, "smoke", num_train=128, num_epochs=1,
        snapshot_epochs=(1,), eval_samples=64, eval_samples_final=0)


def recipe_config(recipe: str) -> experiments.GANConfig:
    """The recipe's smoke config at tiny sizes (batch 64), scoring on."""
    if recipe == "gan_r1":          # 2 steps per epoch
        return experiments.experiment_config("hw2_2a_gan", "smoke",
                                             num_train=128, **SCORED)
    if recipe == "wgan_gp":         # 5 critic steps and 1 G step per epoch
        return experiments.experiment_config("hw2_2b_wgan_gp", "smoke",
                                             num_train=320, **SCORED)
    # 4 steps per epoch; the path term at step 0 (steps.PATH_EVERY = 4)
    parent = experiments.run_folder(parent_config()).name
    return replace(experiments.experiment_config(
        "hw2_2e_path_reg", "smoke", num_train=256, path_weight=0.03,
        **SCORED), init_from=parent)


def interrupt_in_epoch_2(config: experiments.GANConfig, where: str,
                         monkeypatch) -> None:
    """Train `config` until a Ctrl-C in epoch 2: after its first training
    step ("step"), or in its scoring ("scoring"); only epoch 1 stays
    checkpointed."""
    per_epoch = config.num_train // config.batch_size
    real_step, real_evaluate = steps.STEPS[config.method], train._evaluate
    calls = []

    def step_then_stop(*args):
        calls.append(1)
        if len(calls) == per_epoch + 2:   # epoch 2, its second step
            raise KeyboardInterrupt
        return real_step(*args)

    def evaluate_then_stop(*args):
        if args[-1] == 2:                 # the epoch argument
            raise KeyboardInterrupt
        return real_evaluate(*args)

    with monkeypatch.context() as patch:
        if where == "step":
            patch.setitem(steps.STEPS, config.method, step_then_stop)
        else:
            patch.setattr(train, "_evaluate", evaluate_then_stop)
        with pytest.raises(KeyboardInterrupt):
            train.train_gan(config, progress=False)
    state = runs.load_checkpoint(experiments.run_folder(config))
    assert state["epoch"] == 1 and len(state["history"]["fid"]) == 1
    if where == "step":
        assert len(calls) == per_epoch + 2


def without_timings(history: dict[str, Any]) -> dict[str, Any]:
    """The history with each wall-clock series replaced by its length."""
    return {key: len(value) if key in TIMINGS else value
            for key, value in history.items()}


def assert_identical(a: Any, b: Any, where: str = "") -> None:
    """Same structure (dict keys, sequence lengths) and bit-equal values."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor), where
        assert a.dtype == b.dtype and a.shape == b.shape, where
        assert torch.equal(a, b), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), \
            (where, sorted(map(str, a)), sorted(map(str, b)))
        for key in a:
            assert_identical(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), (where, a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            assert_identical(x, y, f"{where}[{i}]")
    else:
        assert a == b, (where, a, b)


def checkpoint_of(folder: Path) -> dict[str, Any]:
    state = runs.load_checkpoint(folder)
    state["history"] = without_timings(state["history"])
    return state


def assert_same_run(resumed: train.TrainedGAN,
                    reference: train.TrainedGAN,
                    resumed_state: dict[str, Any],
                    reference_state: dict[str, Any]) -> None:
    """The runs in memory and their last checkpoints, compared whole."""
    for name in ("generator", "discriminator", "generator_ema"):
        assert_identical(getattr(resumed, name).state_dict(),
                         getattr(reference, name).state_dict(), name)
    assert_identical(without_timings(resumed.history),
                     without_timings(reference.history), "history")
    assert_identical(resumed.snapshots, reference.snapshots, "snapshots")
    assert_identical(resumed.snapshots_ema, reference.snapshots_ema,
                     "snapshots_ema")
    # generator, discriminator, opt_g, opt_d, ema (G_ema and images seen),
    # rng, history, snapshots, snapshots_ema, config, epoch
    assert {"opt_g", "opt_d", "ema", "rng"} <= set(reference_state)
    assert_identical(resumed_state, reference_state, "checkpoint")


@pytest.mark.parametrize("where", ["step", "scoring"])
@pytest.mark.parametrize("recipe", ["wgan_gp", "gan_r1", "path_energy"])
def test_interrupted_then_resumed_equals_uninterrupted(
        recipe, where, classifier, runs_dir, monkeypatch):
    if recipe == "path_energy":
        parent = train.train_gan(parent_config(), progress=False)
        assert parent.epochs_done == 1
    config = recipe_config(recipe)
    reference = train.train_gan(config, progress=False)
    reference_state = checkpoint_of(reference.folder)
    # what makes the comparison worth having: every epoch scored (G and
    # G_ema), the rescoring at epochs 2 and 3, a snapshot per epoch
    history = reference.history
    assert reference.generator_ema is not None
    for key in ("d_loss", "step_losses", "fid", "ema_fid", "coverage",
                "ema_class_fractions", *TIMINGS):
        assert len(history[key]) == EPOCHS, key
    assert history["final"]["epoch"] == [2, 3]
    assert len(history["final"]["ema_fid"]) == 2
    assert sorted(reference.snapshots) == sorted(reference.snapshots_ema) \
        == [1, 2, 3]
    if recipe == "path_energy":     # it started from the parent's weights
        assert config.init_from == parent.folder.name
    # the same run name again: the reference's folder is moved aside
    folder = reference.folder
    folder.rename(folder.with_name(folder.name + "-reference"))

    interrupt_in_epoch_2(config, where, monkeypatch)
    resumed = train.train_gan(config, progress=False)
    assert resumed.start_epoch == 1 and resumed.folder == folder
    assert_same_run(resumed, reference, checkpoint_of(folder),
                    reference_state)
