"""README pictures: drawn from finished runs, small, clear error otherwise."""

import pytest
import torch

from helpers import figures
from helpers.models import build_gan


def fake_state(epochs: int, seed: int) -> dict:
    """A finished run's checkpoint as far as the figures read it."""
    gen = torch.Generator().manual_seed(seed)

    def snaps():
        return {e: torch.randint(0, 256, (16, 28, 28), generator=gen,
                                 dtype=torch.uint8)
                for e in range(1, epochs + 1)}
    fids = torch.linspace(300, 30, epochs).tolist()
    torch.manual_seed(seed)
    model, _ = build_gan("fc", 128)
    return {"epoch": epochs, "generator": model.state_dict(),
            "snapshots": snaps(), "snapshots_ema": snaps(),
            "history": {"fid": fids, "ema_fid": [f * 0.8 for f in fids]}}


def test_every_figure_is_written_and_small(tmp_path, monkeypatch):
    states = {"hw3_q3_dcgan": fake_state(3, 0), "hw2_2a_gan": fake_state(2, 1),
              "hw2_2b_wgan_gp": fake_state(2, 2)}
    monkeypatch.setattr(figures, "finished_state",
                        lambda name, profile, device="cpu": states[name])
    paths, skipped = figures.make_all("smoke", tmp_path)
    assert skipped == []
    assert {p.name for p in paths} == {"dcgan_samples.png",
                                       "mnist_samples.png", "fid_curves.png",
                                       "latent_paths.png"}
    for path in paths:   # random pixels: the worst case for PNG size
        assert 0 < path.stat().st_size <= figures.MAX_BYTES


def test_an_unfinished_run_names_the_command_that_trains_it(runs_dir):
    with pytest.raises(FileNotFoundError, match="python -m helpers train "
                       "hw2_2a_gan --profile smoke"):
        figures.finished_state("hw2_2a_gan", "smoke")


def test_figures_of_finished_runs_are_drawn_the_others_skipped(
        tmp_path, monkeypatch):
    state = fake_state(3, 0)

    def only_dcgan(name, profile, device="cpu"):
        if name != "hw3_q3_dcgan":
            raise FileNotFoundError(f"{name} has 0 of 2 epochs")
        return state
    monkeypatch.setattr(figures, "finished_state", only_dcgan)
    paths, skipped = figures.make_all("smoke", tmp_path)
    assert [p.name for p in paths] == ["dcgan_samples.png", "fid_curves.png"]
    assert len(skipped) == 2 and all("0 of 2 epochs" in r for r in skipped)


def test_the_command_fails_when_no_run_is_finished(runs_dir, tmp_path):
    from helpers.__main__ import main
    assert main(["figures", "--profile", "smoke", "--out",
                 str(tmp_path)]) == 1
