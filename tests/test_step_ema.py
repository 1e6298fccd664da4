"""The simultaneous (TF tutorial) step, G_ema, and the two-tier scoring."""

import copy
from dataclasses import replace

import pytest
import torch
from torch import nn

from helpers import ema, experiments, steps, train
from helpers.losses import bce_discriminator_loss, bce_generator_loss
from test_runs_train import assert_same_weights, tiny_config


def toy_gan(seed: int = 0) -> tuple[nn.Module, nn.Module]:
    torch.manual_seed(seed)
    gen = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 4))
    gen.z_dim = 3
    disc = nn.Sequential(nn.Linear(4, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1),
                         nn.Flatten(0))
    return gen, disc


def test_simultaneous_step_takes_both_gradients_at_the_same_point():
    config = replace(tiny_config(), z_dim=3, method="bce-simultaneous")
    gen, disc = toy_gan()
    gen0, disc0 = copy.deepcopy(gen), copy.deepcopy(disc)
    real = torch.randn(16, 4)
    sgd = lambda m: torch.optim.SGD(m.parameters(), lr=0.1)  # noqa: E731
    torch.manual_seed(1)
    steps.STEPS[config.method](gen, disc, sgd(gen), sgd(disc), real,
                               config, 0)
    # by hand: both losses at (G0, D0), gradients, then one SGD step each
    torch.manual_seed(1)
    z = torch.randn(16, 3)
    fake = gen0(z)
    d_loss = bce_discriminator_loss(disc0(real), disc0(fake.detach()))
    g_loss = bce_generator_loss(disc0(fake))
    d_grads = torch.autograd.grad(d_loss, list(disc0.parameters()))
    g_grads = torch.autograd.grad(g_loss, list(gen0.parameters()))
    for p, p0, g in zip(disc.parameters(), disc0.parameters(), d_grads):
        torch.testing.assert_close(p, p0 - 0.1 * g)
    for p, p0, g in zip(gen.parameters(), gen0.parameters(), g_grads):
        torch.testing.assert_close(p, p0 - 0.1 * g)


def test_alternating_step_differs_from_simultaneous():
    base = replace(tiny_config(), z_dim=3)
    results = []
    for method in ("bce", "bce-simultaneous"):
        gen, disc = toy_gan()
        torch.manual_seed(1)
        config = replace(base, method=method)
        steps.STEPS[config.method](
            gen, disc, torch.optim.SGD(gen.parameters(), lr=0.5),
            torch.optim.SGD(disc.parameters(), lr=0.5), torch.randn(16, 4),
            config, 0)
        results.append(gen)
    # G's gradient sees the updated D only in the alternating form
    assert not torch.allclose(results[0][0].weight, results[1][0].weight)


def test_unknown_method_and_penalties_are_refused(runs_dir):
    with pytest.raises(ValueError,
                       match="known: bce, bce-simultaneous, wgan-gp"):
        steps.check(replace(tiny_config(), method="wgan-gp-simultaneous"))
    assert tiny_config().method == "bce-simultaneous"
    with pytest.raises(ValueError, match="r1_weight needs method 'bce'"):
        train.train_gan(replace(tiny_config(), r1_weight=1.0),
                        progress=False)
    with pytest.raises(ValueError, match="path_weight needs method 'bce'"):
        train.train_gan(replace(tiny_config(), method="wgan-gp",
                                path_weight=0.1), progress=False)
    assert not list(runs_dir.glob("hw3_q3_dcgan-*"))  # refused before it ran


def test_weight_average_equals_closed_form():
    """θ_ema,t = β θ_ema,t−1 + (1 − β) θ_t with θ_ema,0 = θ_0 (no ramp-up)."""
    param = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        param.weight.fill_(2.0)
    average = ema.WeightAverage(param, halflife_images=64, rampup=0)
    beta = average.decay(32)
    assert beta == pytest.approx(0.5 ** 0.5)
    values = [3.0, -1.0, 5.0, 0.5]
    for value in values:
        with torch.no_grad():
            param.weight.fill_(value)
        average.update(param, 32)
    expected = 2.0 * beta ** 4 + sum(
        (1 - beta) * beta ** (3 - t) * v for t, v in enumerate(values))
    assert average.model.weight.item() == pytest.approx(expected, rel=1e-6)


def test_weight_average_ramp_up_forgets_the_initialisation():
    average = ema.WeightAverage(nn.Linear(1, 1), halflife_images=60_000,
                                rampup=0.05)
    average.images_seen = 64
    assert average.decay(64) < 1e-5          # h = 0.05 · 64: almost a copy
    average.images_seen = 10_000_000
    assert average.decay(64) == pytest.approx(0.5 ** (64 / 60_000))


def test_recompute_batchnorm_gives_the_batch_statistics():
    gen = nn.Sequential(nn.Linear(3, 5), nn.BatchNorm1d(5, momentum=0.01))
    gen.z_dim = 3
    ema.recompute_batchnorm(gen, num_batches=4, batch_size=32, seed=7)
    noise = torch.Generator().manual_seed(7)
    with torch.no_grad():
        outs = [gen[0](torch.randn(32, 3, generator=noise))
                for _ in range(4)]
    mean = torch.stack([o.mean(0) for o in outs]).mean(0)
    torch.testing.assert_close(gen[1].running_mean, mean)
    assert gen[1].momentum == 0.01           # restored


def test_resume_keeps_the_average_bit_identical(runs_dir, monkeypatch,
                                                tmp_path_factory):
    config = tiny_config(num_epochs=3, ema_halflife=200)
    reference = train.train_gan(config, progress=False)
    assert sorted(reference.snapshots_ema) == [1, 2, 3]
    monkeypatch.setenv("HW_RUNS_DIR", str(tmp_path_factory.mktemp("again")))
    real_epoch = train.run_epoch

    def crash_in_epoch_3(*args, **kwargs):
        if args[6] == 3:
            raise KeyboardInterrupt
        return real_epoch(*args, **kwargs)
    monkeypatch.setattr(train, "run_epoch", crash_in_epoch_3)
    with pytest.raises(KeyboardInterrupt):
        train.train_gan(config, progress=False)
    monkeypatch.setattr(train, "run_epoch", real_epoch)
    resumed = train.train_gan(config, progress=False)
    assert resumed.start_epoch == 2
    assert_same_weights(resumed.generator_ema, reference.generator_ema)
    assert not torch.equal(resumed.generator_ema.dense[0].weight,
                           resumed.generator.dense[0].weight)


def test_two_tier_scores(runs_dir):
    config = experiments.experiment_config("hw2_2a_gan", "smoke",
                                           num_train=256, num_epochs=3,
                                           snapshot_epochs=(1,))
    assert config.eval_samples_final > config.eval_samples > 0
    run = train.train_gan(config, progress=False)
    history = run.history
    assert len(history["fid"]) == len(history["ema_fid"]) == 3
    assert history["final"]["epoch"] == [1, 3]      # snapshots + the last
    assert len(history["final"]["ema_fid"]) == 2
    assert len(history["eval_seconds"]) == 3
    # different sample sizes give different FIDs for the same generator
    assert history["final"]["fid"][-1] != history["fid"][-1]
