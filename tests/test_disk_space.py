"""A full disk stops a run with a message that names the folder, the need
and the free space, and loses no checkpoint."""

import copy
import errno
from collections import namedtuple

import pytest
import torch

from helpers import runs
from helpers.experiments import experiment_config, run_folder
from helpers.train import train_gan

Usage = namedtuple("Usage", "total used free")


def only_free(monkeypatch, free: int) -> None:
    monkeypatch.setattr(runs.shutil, "disk_usage",
                        lambda path: Usage(10 ** 12, 0, free))


def test_require_space_names_folder_need_and_free(tmp_path, monkeypatch):
    only_free(monkeypatch, 5 * 2 ** 20)
    with pytest.raises(runs.NoSpaceError) as err:
        runs.require_space(tmp_path, 10 * 2 ** 20)
    text = str(err.value)
    assert str(tmp_path) in text and "30 MB more" in text
    assert "5 MB are free" in text and "RUNS=dir" in text
    runs.require_space(tmp_path, 1 * 2 ** 20)          # 3 MB < 5 MB: fine


def test_checkpoints_already_held_count_towards_the_need(tmp_path,
                                                         monkeypatch):
    (tmp_path / runs.CHECKPOINT).write_bytes(b"x" * 2 ** 20)
    (tmp_path / runs.PREVIOUS).write_bytes(b"x" * 2 ** 20)
    only_free(monkeypatch, int(1.5 * 2 ** 20))
    runs.require_space(tmp_path, 2 ** 20)               # 3 − 2 = 1 MB
    with pytest.raises(runs.NoSpaceError):
        runs.require_space(tmp_path, 2 * 2 ** 20)


def failing_save(message: str):
    def save(state, f):
        f.write(b"partial")
        raise RuntimeError(message)
    return save


def test_a_write_that_runs_out_of_space_keeps_the_last_checkpoint(
        tmp_path, monkeypatch):
    runs.save_checkpoint(tmp_path, {"epoch": 1, "w": torch.ones(3)})
    monkeypatch.setattr(runs.torch, "save", failing_save(
        "[enforce fail at inline_container.cc:672] . unexpected pos 667840 "
        "vs 667792"))
    with pytest.raises(runs.NoSpaceError) as err:
        runs.save_checkpoint(tmp_path, {"epoch": 2, "w": torch.zeros(3)})
    assert "No space left on the disk of" in str(err.value)
    assert "(epoch 1) is kept" in str(err.value)
    assert not (tmp_path / (runs.CHECKPOINT + ".tmp")).exists()
    monkeypatch.undo()
    assert runs.load_checkpoint(tmp_path)["epoch"] == 1


def test_other_write_errors_are_not_called_a_full_disk(tmp_path,
                                                       monkeypatch):
    monkeypatch.setattr(runs.torch, "save", failing_save("boom"))
    with pytest.raises(RuntimeError, match="boom") as err:
        runs.save_checkpoint(tmp_path, {"epoch": 1})
    assert not isinstance(err.value, runs.NoSpaceError)
    assert not (tmp_path / (runs.CHECKPOINT + ".tmp")).exists()


def test_training_stops_before_the_first_step(runs_dir, monkeypatch):
    only_free(monkeypatch, 2 ** 20)
    config = experiment_config("hw2_2a_gan", "smoke", "cpu")
    with pytest.raises(runs.NoSpaceError, match="Not enough disk space"):
        train_gan(config, "cpu", progress=False)
    assert not (run_folder(config) / runs.CHECKPOINT).exists()


def test_the_estimate_matches_a_real_checkpoint(tmp_path):
    from helpers.models import build_gan
    gen, disc = build_gan("fc", 128)
    opt = [torch.optim.Adam(m.parameters()) for m in (gen, disc)]
    for m, o in zip((gen, disc), opt):          # fill Adam's two moments
        sum(p.sum() for p in m.parameters()).backward()
        o.step()
    steps = 100
    state = {"generator": gen.state_dict(), "discriminator": disc.state_dict(),
             "opt_g": opt[0].state_dict(), "opt_d": opt[1].state_dict(),
             "ema": copy.deepcopy(gen).state_dict(),
             "losses": torch.zeros(steps, 4)}
    runs.save_checkpoint(tmp_path, state)
    size = (tmp_path / runs.CHECKPOINT).stat().st_size
    assert runs.checkpoint_bytes([gen, disc], True, steps) == \
        pytest.approx(size, rel=0.02)


def test_cli_prints_the_message_not_a_traceback(runs_dir, monkeypatch,
                                                capsys):
    from helpers.__main__ import main
    only_free(monkeypatch, 2 ** 20)
    assert main(["train", "hw2_2a_gan", "--profile", "smoke",
                 "--device", "cpu"]) == 1
    assert "error: Not enough disk space" in capsys.readouterr().err


def test_an_enospc_from_the_writer_is_reported_as_a_full_disk(
        tmp_path, monkeypatch):
    runs.save_checkpoint(tmp_path, {"epoch": 3, "w": torch.ones(2)})

    def save(state, f):
        f.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(runs.torch, "save", save)
    with pytest.raises(runs.NoSpaceError, match=r"\(epoch 3\) is kept"):
        runs.save_checkpoint(tmp_path, {"epoch": 4, "w": torch.zeros(2)})
    assert not list(tmp_path.glob("*.tmp"))
    monkeypatch.undo()
    assert runs.load_checkpoint(tmp_path)["epoch"] == 3
