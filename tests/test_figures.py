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
    scores = {"precision": [0.7] * epochs, "recall": [0.5] * epochs,
              "coverage": [0.99] * epochs}
    history = {"fid": fids, "ema_fid": [f * 0.8 for f in fids],
               "seconds": [10.0 + e for e in range(epochs)], **scores,
               **{"ema_" + k: v for k, v in scores.items()}}
    return {"epoch": epochs, "generator": model.state_dict(),
            "snapshots": snaps(), "snapshots_ema": snaps(),
            "config": {"model": "fc", "z_dim": 128, "bf16": False,
                       "eval_samples": 1000, "eval_samples_final": 0},
            "history": history}


def test_every_figure_is_written_and_small(tmp_path, monkeypatch):
    states = {"hw3_q3_dcgan": fake_state(3, 0), "hw2_2a_gan": fake_state(2, 1),
              "hw2_2b_wgan_gp": fake_state(2, 2)}

    def lookup(name, profile, device="cpu", **_):
        if name not in states:
            raise FileNotFoundError(f"{name} is not finished")
        return states[name]
    monkeypatch.setattr(figures, "finished_state", lookup)
    paths, skipped = figures.make_all("smoke", tmp_path)
    assert skipped == []
    assert {p.name for p in paths} == {"dcgan_samples.png",
                                       "mnist_samples.png", "fid_curves.png",
                                       "latent_paths.png", "results.md"}
    for path in paths:   # random pixels: the worst case for PNG size
        assert 0 < path.stat().st_size <= figures.MAX_BYTES
    table = (tmp_path / "results.md").read_text()
    assert table.count("\n| hw") == 3 and "hw2_2e" not in table


def test_an_unfinished_run_names_the_command_that_trains_it(runs_dir):
    with pytest.raises(FileNotFoundError, match="python -m helpers train "
                       "hw2_2a_gan --profile smoke"):
        figures.finished_state("hw2_2a_gan", "smoke")


def test_figures_of_finished_runs_are_drawn_the_others_skipped(
        tmp_path, monkeypatch):
    state = fake_state(3, 0)

    def only_dcgan(name, profile, device="cpu", **_):
        if name != "hw3_q3_dcgan":
            raise FileNotFoundError(f"{name} has 0 of 2 epochs")
        return state
    monkeypatch.setattr(figures, "finished_state", only_dcgan)
    paths, skipped = figures.make_all("smoke", tmp_path)
    assert [p.name for p in paths] == ["dcgan_samples.png", "fid_curves.png",
                                       "results.md"]
    rows = (tmp_path / "results.md").read_text().splitlines()[2:]
    assert len(rows) == 1 and rows[0].startswith("| hw3_q3_dcgan | 0 | 3 |")
    assert len(skipped) == 2 and all("0 of 2 epochs" in r for r in skipped)


def test_the_command_fails_when_no_run_is_finished(runs_dir, tmp_path):
    from helpers.__main__ import main
    assert main(["figures", "--profile", "smoke", "--out",
                 str(tmp_path)]) == 1


def test_the_results_row_quotes_the_largest_sample_of_the_last_epoch():
    state = fake_state(3, 0)
    row = figures.result_row("hw2_2e_path_reg", 0, {"path_weight": 0.1},
                             state)
    # per-epoch scores only: the last epoch's, on eval_samples
    assert row[:5] == ["hw2_2e_path_reg (path_weight=0.1)", "0", "3", "fp32",
                       "11.0"]
    assert row[5] == "30.0" and row[7] == "24.0" and row[-1] == "1,000"
    state["config"]["eval_samples_final"] = 10_000
    state["history"]["final"] = {"epoch": [3], "fid": [25.5],
                                 "ema_fid": [20.25], "precision": [0.8],
                                 "recall": [0.6], "coverage": [1.0],
                                 "ema_precision": [0.8], "ema_recall": [0.6],
                                 "ema_coverage": [1.0]}
    row = figures.result_row("hw3_q3_dcgan", 0, {}, state)
    assert row[5] == "25.5" and row[6] == "0.800 / 0.600 / 1.000"
    assert row[7] == "20.2" and row[-1] == "10,000"


def test_fid_curves_draw_the_finished_runs_of_a_homework(monkeypatch):
    states = {"hw3_q3_dcgan": fake_state(3, 0), "hw2_2a_gan": fake_state(2, 1)}

    def lookup(name, profile, device="cpu", **_):
        if name not in states:
            raise FileNotFoundError(f"{name} is not finished")
        return states[name]
    monkeypatch.setattr(figures, "finished_state", lookup)
    fig = figures.fid_curves("smoke", "cpu")
    labels = [[line.get_label() for line in ax.get_lines()
               if not line.get_label().startswith("_")] for ax in fig.axes]
    assert labels == [["G", "G_ema"], ["GAN + R1, G", "GAN + R1, G_ema"]]


def test_one_epoch_runs_get_a_column_each_and_longer_runs_share_the_epoch_axis():
    from helpers.plotting import metric_curves
    one = {"precision": [0.5], "recall": [0.4], "coverage": [0.9], "fid": [80.0]}
    fig = metric_curves({"a": one, "b": dict(one, fid=[60.0])}, "1 epoch")
    xs = [line.get_xdata()[0] for line in fig.axes[0].get_lines()]
    assert xs == [0, 1]
    assert fig.axes[0].get_xlabel() == "run (after 1 epoch)"
    two = {key: values * 2 for key, values in one.items()}
    fig = metric_curves({"a": two, "b": two}, "2 epochs")
    assert [list(line.get_xdata()) for line in fig.axes[0].get_lines()] == [
        [1, 2], [1, 2]]
    assert fig.axes[0].get_xlabel() == "epoch"
