"""The training bill (`train ... --dry-run`): measured and estimated cost."""

from types import SimpleNamespace

from helpers import bill, train
from helpers.experiments import GANConfig, experiment_config
from helpers.__main__ import main


def smoke(name: str = "hw2_2a_gan", **overrides) -> GANConfig:
    return experiment_config(name, "smoke", num_train=256, **overrides)


def test_estimate_of_an_untrained_run_trains_nothing(runs_dir):
    before = sorted(runs_dir.iterdir())
    row = bill.estimate(smoke(), "cpu")
    assert row.epochs_done == 0 and row.measured_s == 0
    assert row.estimated_s > row.scoring_s > 0
    assert sorted(runs_dir.iterdir()) == before


def test_cached_epochs_are_measured_not_estimated(runs_dir):
    config = smoke(num_epochs=1)
    run = train.train_gan(config, progress=False)
    row = bill.estimate(config, "cpu")
    expected = run.history["seconds"][0] + run.history["eval_seconds"][0]
    assert row.epochs_done == 1 and row.estimated_s == 0
    assert abs(row.measured_s - expected) < 1e-9
    longer = bill.estimate(smoke(num_epochs=3), "cpu")   # another config
    assert longer.epochs_done == 0 and longer.estimated_s > 0


def test_scoring_counts_both_generators_and_the_final_tier(runs_dir,
                                                           monkeypatch):
    calls = []

    def clock() -> float:       # 1 s passes between two readings
        calls.append(0)
        return float(len(calls))
    monkeypatch.setattr(bill, "time", SimpleNamespace(perf_counter=clock))
    config = smoke(num_epochs=4, snapshot_epochs=(2,))
    assert bill.scoring_seconds(config, "cpu", range(1, 5)) == \
        2 * (1 * 4 + 1 * 2)             # G and G_ema; epochs 2 and 4 final


def test_dry_run_cli_prints_the_table(runs_dir, capsys):
    before = sorted(runs_dir.iterdir())
    assert main(["train", "hw2_2a_gan", "--profile", "smoke", "--device",
                 "cpu", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "| hw2_2a_gan | 0 | 0/2 |" in out and "| all |" in out
    assert sorted(runs_dir.iterdir()) == before
