"""Device and profile resolution: the `auto` rules and the clear errors."""

import pytest
import torch

from helpers.device import resolve_device
from helpers.experiments import experiment_config
from helpers.profiles import EXPERIMENTS, resolve_profile, seeds_for, settings


def test_cpu_and_auto_resolve():
    assert resolve_device("cpu") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else None
    if expected:
        assert resolve_device("auto").type == "cuda"


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is present")
def test_cuda_without_gpu_gives_clear_error():
    with pytest.raises(RuntimeError, match="no CUDA GPU.*DEVICE=cpu"):
        resolve_device("cuda")


def test_unknown_device_names_the_choices():
    with pytest.raises(ValueError, match="auto, cpu, cuda, mps"):
        resolve_device("tpu")


def test_profile_auto_follows_the_resolved_device(monkeypatch):
    """Issue 30: `auto` is full on a CUDA device only, not wherever a GPU
    exists (DEVICE=cpu on a GPU box, or any Mac, started a `full` build)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_profile("auto") == "quick"
    assert resolve_profile("auto", "auto") == "quick"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_profile("auto") == "full"
    assert resolve_profile("auto", "cuda") == "full"
    assert resolve_profile("auto", torch.device("cuda")) == "full"
    assert resolve_profile("auto", "cuda:1") == "full"
    assert resolve_profile("auto", "cpu") == "quick"     # DEVICE=cpu, GPU box
    assert resolve_profile("auto", torch.device("cpu")) == "quick"
    assert resolve_profile("auto", "mps") == "quick"     # any Mac
    assert resolve_profile("auto", torch.device("mps")) == "quick"
    assert resolve_profile("quick", "cuda") == "quick"   # explicit wins
    assert resolve_profile("full", "cpu") == "full"


def test_auto_on_a_mac_is_quick(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert resolve_device("auto").type == "mps"
    assert resolve_profile("auto", resolve_device("auto")) == "quick"


def test_buildinfo_resolves_auto_for_the_device(monkeypatch, capsys):
    from pathlib import Path
    monkeypatch.syspath_prepend(str(Path(__file__).parents[1] / "tools"))
    import buildinfo
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    buildinfo.main("auto", "cpu", "0")
    assert "\\newcommand{\\buildprofile}{quick (auto $\\to$ quick)}" \
        in capsys.readouterr().out


def test_cli_train_resolves_auto_for_the_device(monkeypatch, capsys):
    from helpers import __main__ as cli
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(cli, "runs_of", lambda name, profile, seed: [])
    assert cli.main(["train", "hw3_q3_dcgan", "--device", "cpu"]) == 0
    assert "profile quick, cpu" in capsys.readouterr().out


def test_unknown_profile_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown profile 'fast'"):
        resolve_profile("fast")


def test_every_experiment_defines_all_profiles_with_same_keys():
    for name, block in EXPERIMENTS.items():
        table = block.sizes
        assert set(table) == {"smoke", "quick", "full"}, name
        keys = {profile: set(s) for profile, s in table.items()}
        assert keys["smoke"] == keys["quick"] == keys["full"], name


def test_full_dcgan_profile_is_the_assignment_setting():
    full = settings("hw3_q3_dcgan", "full")
    assert full["num_epochs"] == 50 and full["num_train"] is None
    assert tuple(full["snapshot_epochs"]) == (10, 30, 50)
    assert full["batch_size"] == 64


def test_every_dcgan_profile_uses_a_batch_size_the_assignment_allows():
    for profile in ("smoke", "quick", "full"):
        config = experiment_config("hw3_q3_dcgan", profile)
        assert config.batch_size in (16, 32, 64), profile
        assert len(config.snapshot_epochs) == 3, profile  # T1, T2, T3
        assert config.snapshot_epochs[-1] == config.num_epochs, profile


def test_full_profile_trains_two_seeds_of_the_2b_comparison_only():
    assert seeds_for("hw2_2b_wgan_gp", "full", seed=3) == [3, 4]
    assert seeds_for("hw2_2a_gan", "full") == [0, 1]
    assert seeds_for("hw3_q3_dcgan", "full") == [0]
    assert seeds_for("hw2_2b_wgan_gp", "quick") == [0]
