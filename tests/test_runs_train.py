"""Run cache and training loop: checkpoints, resume, config keys, NaN stop."""

from dataclasses import asdict, replace

import pytest
import torch

from helpers import experiments, runs, steps, train

TINY = dict(num_train=128, num_epochs=2, snapshot_epochs=(1, 2), eval_samples=0)


def tiny_config(**overrides):
    return experiments.experiment_config("hw3_q3_dcgan", "smoke",
                                   **{**TINY, **overrides})


def assert_same_weights(a: torch.nn.Module, b: torch.nn.Module):
    for (name, x), (_, y) in zip(a.state_dict().items(),
                                 b.state_dict().items()):
        assert torch.equal(x, y), name


def test_checkpoint_round_trip_and_weights_only(tmp_path):
    state = {"w": torch.randn(3, 3), "history": {"loss": [1.0, 0.5]},
             "epoch": 4}
    runs.save_checkpoint(tmp_path, state)
    loaded = runs.load_checkpoint(tmp_path)
    assert torch.equal(loaded["w"], state["w"])
    assert loaded["history"] == state["history"] and loaded["epoch"] == 4
    assert not list(tmp_path.glob("*.tmp"))


def test_garbage_checkpoint_falls_back_to_previous(tmp_path):
    runs.save_checkpoint(tmp_path, {"epoch": 1})
    runs.save_checkpoint(tmp_path, {"epoch": 2})
    (tmp_path / runs.CHECKPOINT).write_bytes(b"not a checkpoint")
    assert runs.load_checkpoint(tmp_path)["epoch"] == 1
    (tmp_path / runs.PREVIOUS).write_bytes(b"")
    with pytest.raises(runs.CheckpointError, match="delete .* to retrain"):
        runs.load_checkpoint(tmp_path)


def test_changed_config_gets_new_run_dir(runs_dir):
    a = runs.run_dir(asdict(tiny_config()))
    b = runs.run_dir(asdict(tiny_config(lr=2e-4)))
    assert a != b and a.parent == b.parent == runs_dir
    assert runs.run_dir(asdict(tiny_config())) == a


def test_same_seed_twice_gives_identical_losses(runs_dir, tmp_path_factory,
                                                monkeypatch):
    first = train.train_gan(tiny_config(), progress=False)
    monkeypatch.setenv("HW_RUNS_DIR", str(tmp_path_factory.mktemp("again")))
    second = train.train_gan(tiny_config(), progress=False)
    assert first.history["d_loss"] == second.history["d_loss"]
    assert first.history["g_loss"] == second.history["g_loss"]
    assert sorted(first.snapshots) == [1, 2]


def interrupt_in_epoch_2(monkeypatch) -> None:
    """Train the tiny run until a Ctrl-C in its second epoch."""
    real_epoch = train.run_epoch

    def crash_in_epoch_2(*args, **kwargs):
        if args[6] == 2:  # the epoch argument
            raise KeyboardInterrupt
        return real_epoch(*args, **kwargs)
    monkeypatch.setattr(train, "run_epoch", crash_in_epoch_2)
    with pytest.raises(KeyboardInterrupt):
        train.train_gan(tiny_config(), progress=False)
    monkeypatch.setattr(train, "run_epoch", real_epoch)


def test_interrupted_then_resumed_equals_uninterrupted(runs_dir, monkeypatch,
                                                       tmp_path_factory):
    reference = train.train_gan(tiny_config(), progress=False)

    monkeypatch.setenv("HW_RUNS_DIR", str(tmp_path_factory.mktemp("resume")))
    interrupt_in_epoch_2(monkeypatch)

    resumed = train.train_gan(tiny_config(), progress=False)
    assert resumed.start_epoch == 1
    assert resumed.history["d_loss"] == reference.history["d_loss"]
    assert_same_weights(resumed.generator, reference.generator)
    assert_same_weights(resumed.discriminator, reference.discriminator)

    loaded = train.train_gan(tiny_config(), progress=False)  # complete: load
    assert loaded.start_epoch == 2
    assert_same_weights(loaded.generator, reference.generator)


def test_nan_loss_stops_with_epoch_and_step(runs_dir, monkeypatch):
    key = tiny_config().method
    real_step = steps.STEPS[key]
    calls = {"n": 0}

    def step_with_nan(*args):
        calls["n"] += 1
        stats = real_step(*args)
        return stats * float("nan") if calls["n"] == 2 else stats
    monkeypatch.setitem(steps.STEPS, key, step_with_nan)
    with pytest.raises(train.NonFiniteLossError, match="epoch 1, step 2"):
        train.train_gan(tiny_config(), progress=False)


def test_run_epoch_runs_without_a_progress_callback_and_reports_with_one():
    config = tiny_config(method="bce")
    images = torch.randint(0, 256, (64 * 3, 28, 28), dtype=torch.uint8)
    results, heard = [], []

    def listen(done: int, last: list[float]) -> None:
        heard.append((done, last))
    for on_progress in (None, listen):
        torch.manual_seed(0)
        gen, disc, opt_g, opt_d = train.build_training(config,
                                                       torch.device("cpu"))
        results.append(train.run_epoch(gen, disc, opt_g, opt_d, images,
                                       config, 1, on_progress=on_progress))
    assert results[0].shape == (3, 4) and torch.isfinite(results[0]).all()
    assert torch.equal(results[0], results[1])  # the callback changes nothing
    assert heard == [(3, results[1][2].tolist())]  # every step, last stats


def test_wgan_gp_trains_and_updates_generator_every_n_critic(runs_dir):
    config = experiments.experiment_config("hw2_2b_wgan_gp", "smoke",
                                           num_train=640, num_epochs=1,
                                           eval_samples=0)
    torch.manual_seed(config.seed)
    run = train.train_gan(config, progress=False)
    steps = run.history["step_losses"][0]
    assert steps.shape == (10, 2) and torch.isfinite(steps).all()
    assert config.n_critic == 5 and config.gp_weight == 10.0


def test_training_records_sample_metrics(runs_dir):
    config = experiments.experiment_config("hw2_2a_gan", "smoke",
                                           num_train=256, num_epochs=1)
    run = train.train_gan(config, progress=False)
    assert len(run.history["fid"]) == 1 and run.history["fid"][0] > 0
    assert 0 <= run.history["coverage"][0] <= 1


def test_sample_cli_round_trip(runs_dir, tmp_path):
    import numpy as np
    from helpers.__main__ import main
    config = tiny_config(num_epochs=1)
    run = train.train_gan(config, progress=False)
    out = tmp_path / "samples.npy"
    assert main(["sample", str(run.folder), "--n", "37", "--out", str(out),
                 "--device", "cpu"]) == 0
    images = np.load(out)
    assert images.shape == (37, 28, 28) and images.dtype == np.float32
    assert images.min() >= 0 and images.max() <= 1
    assert main(["sample", str(tmp_path), "--n", "1", "--out",
                 str(out)]) == 1  # not a run directory: clear error


def test_run_hash_has_version_and_late_fields_only_when_set():
    base = experiments.experiment_config("hw2_2a_gan", "quick", seed=0)
    fields = experiments.hash_fields(base)
    assert fields["results_version"] == experiments.RESULTS_VERSION
    late = experiments.LATE_FIELDS
    for name, value in late.items():   # hashed only when not that value
        assert (name in fields) == (getattr(base, name) != value)
    plain = replace(base, **late)
    assert not set(late) & set(experiments.hash_fields(plain))
    reg = replace(base, path_weight=0.1)
    assert experiments.hash_fields(reg)["path_weight"] == 0.1
    assert runs.config_hash(experiments.hash_fields(reg)) != \
        runs.config_hash(fields)


# Run directory names computed by the code before the experiment blocks
# and GANConfig were reorganised: (experiment, profile, device, native bf16,
# overrides) -> name. A cached run must keep its name.
KNOWN_RUNS = [
    ("hw2_2a_gan", "quick", None, False, {}, "hw2_2a_gan-4cdd0839d5"),
    ("hw3_q3_dcgan", "full", "cpu", True, {}, "hw3_q3_dcgan-905736aba2"),
    ("hw3_q3_dcgan", "full", "cpu", False, {}, "hw3_q3_dcgan-bab53b72ad"),
    ("hw3_q3_dcgan", "smoke", None, False, {}, "hw3_q3_dcgan-7bced8e065"),
    ("hw2_2e_path_reg", "smoke", "cpu", False,
     {"path_form": "length", "path_weight": 2.0},
     "hw2_2e_path_reg-8df72cf58e"),
    ("hw2_2e_path_reg", "full", "cpu", False, {"path_weight": 0.0003},
     "hw2_2e_path_reg-b3e644b173"),
    ("hw2_2b_wgan_gp", "full", "cpu", False, {"seed": 1},
     "hw2_2b_wgan_gp-d9b402b0ca"),
    # renamed on purpose: the no-R1 recipe now trains 2a's epochs
    ("hw2_2a_gan_no_r1", "smoke", None, False, {"seed": 3},
     "hw2_2a_gan_no_r1-ff206db79e"),
]


@pytest.mark.parametrize("name, profile, device, native, overrides, run",
                         KNOWN_RUNS)
def test_run_names_are_stable(name, profile, device, native, overrides, run,
                              monkeypatch):
    monkeypatch.delenv("HW_TOY_FULL", raising=False)
    monkeypatch.setattr(experiments, "native_bf16", lambda device: native)
    config = experiments.experiment_config(name, profile, device,
                                           **overrides)
    assert experiments.run_folder(config).name == run


def test_fine_tune_starts_from_its_finished_parent(runs_dir):
    small = dict(num_train=256, eval_samples=0)
    parent = experiments.experiment_config("hw2_2a_gan", "smoke",
                                           num_epochs=1, **small)
    name = runs.run_dir_path(experiments.hash_fields(parent)).name
    child = replace(experiments.experiment_config(
        "hw2_2e_path_reg", "smoke", path_weight=0.25, lr=3e-4, **small),
        init_from=name)
    assert experiments.experiment_config("hw2_2e_path_reg",
                                         "smoke").init_from \
        == runs.run_dir_path(experiments.hash_fields(
            experiments.experiment_config("hw2_2a_gan", "smoke"))).name
    with pytest.raises(FileNotFoundError, match="Train it first"):
        train.train_gan(child, progress=False)
    done = train.train_gan(parent, progress=False)
    start = train.train_gan(replace(child, num_epochs=0), progress=False)
    assert_same_weights(start.generator, done.generator)
    assert_same_weights(start.discriminator, done.discriminator)
    assert_same_weights(start.generator_ema, done.generator_ema)
    assert start.epochs_done == 0
    run = train.train_gan(child, progress=False)
    assert torch.isfinite(run.history["step_losses"][0]).all()
    assert run.folder.name.startswith("hw2_2e_path_reg-")
    assert run.folder != start.folder      # num_epochs is in the hash


def test_path_length_penalty_is_the_batch_variance_of_jt_y():
    from helpers.losses import path_length_deviation

    class Linear(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.randn(4, 3))

        def forward(self, z):
            return (z @ self.weight.T).view(-1, 1, 2, 2)

    gen, z = Linear(), torch.randn(5, 3)
    torch.manual_seed(1)
    penalty = path_length_deviation(gen, z)
    torch.manual_seed(1)
    y = torch.randn(5, 4) / 2                     # N(0, I/(H·W)), H·W = 4
    lengths = (y @ gen.weight).norm(dim=1)        # ‖Jᵀy‖ with J = W
    expected = (lengths - lengths.mean()).pow(2).mean()
    assert torch.allclose(penalty, expected)
    penalty.backward()
    assert gen.weight.grad is not None and gen.weight.grad.abs().sum() > 0


def test_a_swept_experiment_trains_every_variant():
    from helpers import __main__ as cli, profiles
    sweep = profiles.variants_for("hw2_2e_path_reg", "smoke")
    assert len(sweep) >= 3 and {"path_weight": 0.0} in sweep
    assert cli.runs_of("hw2_2e_path_reg", "smoke", 0) == [
        ("hw2_2e_path_reg", 0, v) for v in sweep]
    names = [n for n, _, _ in cli.runs_of("all", "smoke", 0)]
    assert names.index("hw2_2a_gan") < names.index("hw2_2e_path_reg")
    assert profiles.variants_for("hw2_2a_gan", "full") == [{}]


def test_train_all_trains_every_notebook_run_and_times_it(runs_dir, tmp_path,
                                                          monkeypatch, capsys):
    import json
    from helpers import __main__ as cli, profiles
    monkeypatch.setattr(experiments, "GAN_EXPERIMENTS", {
        name: experiments.GAN_EXPERIMENTS[name]
        for name in ("hw2_2a_gan", "hw2_2b_wgan_gp")})
    monkeypatch.setitem(profiles.EXPERIMENTS["hw2_2b_wgan_gp"].extra_seeds,
                        "smoke", 1)
    out = tmp_path / "times.json"
    argv = ["train", "all", "--profile", "smoke", "--device", "cpu",
            "--json", str(out)]
    assert cli.main(argv) == 0
    rows = json.loads(out.read_text())["runs"]
    assert [(r["experiment"], r["seed"]) for r in rows] == [
        ("hw2_2a_gan", 0), ("hw2_2b_wgan_gp", 0), ("hw2_2b_wgan_gp", 1)]
    assert all(r["trained_now"] == r["epochs"] == 2 for r in rows)
    assert all(0 < r["train_seconds"] <= r["seconds"] for r in rows)
    # the FID columns: last epoch, the larger final sample (smoke: 512)
    assert all(r["fid_samples"] == 512 and r["ema_fid"] > 0 for r in rows)
    printed = capsys.readouterr().out
    assert "| all |" in printed and "| FID G | FID G_ema | scored on |" in printed
    assert cli.main(argv) == 0   # all cached now: loaded, nothing trained
    again = json.loads(out.read_text())["runs"]
    assert all(r["trained_now"] == 0 == r["train_seconds"] for r in again)
    assert [r["fid"] for r in again] == [r["fid"] for r in rows]


def test_bf16_without_native_support_warns(runs_dir, monkeypatch):
    monkeypatch.setattr(train, "native_bf16", lambda device: False)
    config = experiments.experiment_config("hw2_2a_gan", "smoke",
                                           num_train=64, num_epochs=1,
                                           eval_samples=0, bf16=True)
    with pytest.warns(UserWarning, match="no native bf16"):
        train.train_gan(config, progress=False)


def test_resumed_history_stays_on_the_cpu(runs_dir, monkeypatch):
    """Issue 30: a checkpoint mapped to the device put the saved history on
    it, and the loss plot's torch.cat of old and new epochs raised. Loads
    mapped anywhere but "cpu" come back here with the history and snapshots
    on the `meta` device, as a GPU's would."""
    from helpers import plotting
    real_load, seen = torch.load, []

    def device_load(*args, **kwargs):
        seen.append(kwargs.get("map_location"))
        state = real_load(*args, **kwargs)
        if not (isinstance(seen[-1], str) and seen[-1] == "cpu"):
            for key in ("history", "snapshots"):
                state[key] = _to_meta(state[key])
        return state

    interrupt_in_epoch_2(monkeypatch)
    monkeypatch.setattr(torch, "load", device_load)
    resumed = train.train_gan(tiny_config(), progress=False)
    assert resumed.start_epoch == 1 and seen == ["cpu"]
    assert [t.device.type for t in resumed.history["step_losses"]] \
        == ["cpu", "cpu"]
    assert {t.device.type for t in resumed.snapshots.values()} == {"cpu"}
    plotting.loss_curves(resumed.history, "resumed")  # raised before
    loaded = train.train_gan(tiny_config(), progress=False)  # complete
    assert {t.device.type for t in loaded.history["step_losses"]} == {"cpu"}


def _to_meta(value):
    if isinstance(value, torch.Tensor):
        return value.to("meta")
    if isinstance(value, dict):
        return {k: _to_meta(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_meta(v) for v in value]
    return value



@pytest.mark.filterwarnings("ignore:bf16=True on")  # emulated bf16 on AVX2
def test_a_run_finished_in_bf16_is_found_in_fp32_and_back(runs_dir):
    """A run trained where bf16 is native (a GPU) loads, not retrains, on a
    machine without it: the run records the arithmetic that trained it."""
    trained = train.train_gan(tiny_config(bf16=True), progress=False)
    found = train.train_gan(tiny_config(bf16=False), progress=False)
    assert found.config.bf16 and found.folder == trained.folder
    assert found.start_epoch == found.config.num_epochs  # loaded, not trained
    assert found.history["d_loss"] == trained.history["d_loss"]
    assert not experiments.run_folder(tiny_config(bf16=False)).exists()
    config, state, done = experiments.finished_run(tiny_config(bf16=False))
    assert config.bf16 and state is not None and done == 2
    # where the arithmetic is what is measured (make bench-bf16): its own run
    own = train.train_gan(tiny_config(bf16=False), progress=False,
                          exact_arithmetic=True)
    assert not own.config.bf16 and own.folder != trained.folder
