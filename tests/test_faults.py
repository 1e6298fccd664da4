"""Fault matrix: what a kill, a damaged file or a failing notebook leaves.

Each test breaks something for real (SIGKILL of a training process, bytes cut
off a checkpoint, a notebook that raises inside `make`) and checks that the
repository recovers or stops with a clear error, losing nothing else.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import experiments, runs, train
from test_runs_train import assert_same_weights

REPO = Path(__file__).resolve().parent.parent
TINY = dict(num_train=128, num_epochs=3, snapshot_epochs=(1, 2, 3),
            eval_samples=0)  # batch 64: two steps per epoch

# A training process that stalls after the first step of epoch 2 (weights
# already changed in memory, not yet checkpointed) and says so in a file.
STALLING_TRAINER = """
import sys, time
from helpers import experiments, steps, train
config = experiments.experiment_config("hw3_q3_dcgan", "smoke", **{tiny!r})
key = config.method
real_step, calls = steps.STEPS[key], [0]
def step_then_stall(*args):
    stats = real_step(*args)
    calls[0] += 1
    if calls[0] == 3:  # epoch 2, step 1
        open(sys.argv[1], "w").close()
        time.sleep(600)
    return stats
steps.STEPS[key] = step_then_stall
train.train_gan(config, progress=False)
"""


def tiny_config(**overrides) -> experiments.GANConfig:
    return experiments.experiment_config("hw3_q3_dcgan", "smoke",
                                         **{**TINY, **overrides})


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> train.TrainedGAN:
    """An uninterrupted tiny run (its own run cache)."""
    old = os.environ.get("HW_RUNS_DIR")
    os.environ["HW_RUNS_DIR"] = str(tmp_path_factory.mktemp("reference"))
    try:
        return train.train_gan(tiny_config(), progress=False)
    finally:
        os.environ.pop("HW_RUNS_DIR")
        if old is not None:
            os.environ["HW_RUNS_DIR"] = old


def test_kill_9_mid_epoch_then_rerun_equals_uninterrupted(runs_dir, tmp_path,
                                                          reference):
    marker = tmp_path / "stalled"
    child = subprocess.Popen(
        [sys.executable, "-c", STALLING_TRAINER.format(tiny=TINY),
         str(marker)], env={**os.environ, "HW_RUNS_DIR": str(runs_dir)})
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, "trainer exited before stalling"
            assert time.monotonic() < deadline, "trainer never stalled"
            time.sleep(0.1)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL

    resumed = train.train_gan(tiny_config(), progress=False)
    assert resumed.start_epoch == 1  # the last complete epoch
    assert resumed.history["d_loss"] == reference.history["d_loss"]
    assert_same_weights(resumed.generator, reference.generator)
    assert_same_weights(resumed.discriminator, reference.discriminator)


def test_truncated_checkpoint_resumes_from_previous_epoch(runs_dir,
                                                          reference):
    config = tiny_config()
    folder = train.train_gan(config, progress=False).folder
    latest = folder / runs.CHECKPOINT
    latest.write_bytes(latest.read_bytes()[: latest.stat().st_size // 2])

    rerun = train.train_gan(config, progress=False)
    assert rerun.start_epoch == 2  # epoch 3 redone from checkpoint.prev.pt
    assert rerun.history["d_loss"] == reference.history["d_loss"]
    assert_same_weights(rerun.generator, reference.generator)
    assert runs.load_checkpoint(folder)["epoch"] == 3  # repaired on disk


def test_both_checkpoints_unreadable_is_a_clear_error(runs_dir):
    config = tiny_config(num_epochs=1, snapshot_epochs=(1,))
    run = train.train_gan(config, progress=False)
    (run.folder / runs.CHECKPOINT).write_bytes(b"\x00" * 100)
    (run.folder / runs.PREVIOUS).write_bytes(b"garbage")
    with pytest.raises(runs.CheckpointError) as error:
        train.train_gan(config, progress=False)
    assert str(run.folder / runs.CHECKPOINT) in str(error.value)
    assert f"delete {run.folder}" in str(error.value)
    assert (run.folder / "config.json").exists()  # nothing else removed


def test_changed_config_trains_new_run_and_leaves_old_untouched(runs_dir):
    old = train.train_gan(tiny_config(num_epochs=1, snapshot_epochs=(1,)),
                          progress=False)
    checkpoint = old.folder / runs.CHECKPOINT
    before = (checkpoint.read_bytes(), checkpoint.stat().st_mtime_ns)
    new = train.train_gan(tiny_config(num_epochs=1, snapshot_epochs=(1,),
                                      lr=3e-4), progress=False)
    assert new.folder != old.folder and new.start_epoch == 0
    assert (checkpoint.read_bytes(), checkpoint.stat().st_mtime_ns) == before


FAILING_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "boom",
               "metadata": {}, "outputs": [],
               "source": "raise RuntimeError('injected failure')"}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5}


def copy_of_repo_with_failing_notebook(root: Path) -> Path:
    """The build files of the repo in `root`, with HW3's Q1 replaced."""
    import json
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)  # keeps mtimes: no reinstall
    for name in ("latex", "tools"):
        shutil.copytree(REPO / name, root / name, symlinks=True)
    for name in (".venv", "data", "helpers"):
        (root / name).symlink_to(REPO / name)
    hw3 = root / "notebooks" / "hw3"
    hw3.mkdir(parents=True)
    for notebook in (REPO / "notebooks" / "hw3").glob("*.ipynb"):
        shutil.copy2(notebook, hw3 / notebook.name)
    (hw3 / "q1_policy_gradient.ipynb").write_text(json.dumps(FAILING_NOTEBOOK))
    return root


def test_failing_notebook_fails_make_and_leaves_no_stale_pdf(tmp_path):
    root = copy_of_repo_with_failing_notebook(tmp_path)
    stale = root / "build" / "hw3.pdf"
    stale.parent.mkdir()
    stale.write_bytes(b"%PDF-1.5 an old build")
    proc = subprocess.run(
        ["make", "--no-print-directory", "hw3", "PROFILE=smoke", "DEVICE=cpu"],
        cwd=root, capture_output=True, text=True,
        env={**os.environ, "HW_RUNS_DIR": str(tmp_path / "runs")})
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "q1_policy_gradient.ipynb failed" in output
    assert "injected failure" in output
    # which cell, and where its partial output is kept
    assert re.search(r'Exception encountered at "In \[\d+\]"', output), output
    assert "partial output: build/hw3/nb/q1_policy_gradient.part.ipynb" \
        in output
    assert (root / "build/hw3/nb/q1_policy_gradient.part.ipynb").exists()
    assert not stale.exists(), "a stale hw3.pdf survived a failed build"
    assert not (root / "build/hw3/nb/q1_policy_gradient.ipynb").exists()
