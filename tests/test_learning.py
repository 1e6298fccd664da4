"""The GAN losses and update steps learn: closed forms at asymmetric inputs,
the update schedule counted, and each step moving a toy generator onto a
1-D Gaussian. A flipped label or sign fails here."""

import math

import pytest
import torch
from torch import nn

from helpers import losses, steps
from helpers.experiments import GANConfig
from helpers.metrics import frechet_distance

TARGET_MEAN, TARGET_SD = 3.0, 0.5


def softplus(x: float) -> float:
    return math.log1p(math.exp(x))


def test_bce_losses_at_asymmetric_logits():
    real, fake = torch.tensor([3.0]), torch.tensor([-2.0])
    # −log σ(3) − log(1 − σ(−2)) = softplus(−3) + softplus(−2)
    d = losses.bce_discriminator_loss(real, fake).item()
    assert d == pytest.approx(softplus(-3) + softplus(-2), rel=1e-6)
    # swapped labels would score D's correct answers as wrong: much larger
    assert losses.bce_discriminator_loss(fake, real).item() > 10 * d
    # non-saturating G loss −log σ(D(G(z))): small when D is fooled
    assert losses.bce_generator_loss(torch.tensor([3.0])).item() == \
        pytest.approx(softplus(-3), rel=1e-6)
    assert losses.bce_generator_loss(torch.tensor([-2.0])).item() == \
        pytest.approx(softplus(2), rel=1e-6)


def test_wgan_signs():
    real, fake = torch.tensor([2.0, 4.0]), torch.tensor([-1.0, 0.0])
    assert losses.wgan_critic_loss(real, fake).item() == -3.5   # E f − E r
    assert losses.wgan_generator_loss(fake).item() == 0.5       # −E D(G(z))


def test_frechet_distance_closed_forms():
    torch.manual_seed(0)
    feats = torch.randn(4_000, 3, dtype=torch.float64) @ torch.tensor(
        [[1.0, 0.3, 0.0], [0.0, 0.8, 0.2], [0.0, 0.0, 0.5]],
        dtype=torch.float64)
    shift = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    # same covariance: FID = ‖μ₁ − μ₂‖²
    assert frechet_distance(feats, feats + shift) == pytest.approx(
        shift.pow(2).sum().item(), rel=1e-4)
    # Σ₂ = 4Σ₁, same mean: Tr(Σ + 4Σ − 2·2Σ) = Tr(Σ)
    centred = feats - feats.mean(0)
    trace = torch.cov(centred.T).trace().item()
    assert frechet_distance(centred, 2 * centred) == pytest.approx(
        trace, rel=1e-4)
    assert frechet_distance(feats, feats) == pytest.approx(0.0, abs=1e-6)


def toy_config(method: str, **extra) -> GANConfig:
    return GANConfig(experiment="toy", dataset="toy", model="toy",
                     method=method, z_dim=2, batch_size=128, lr=0.01,
                     betas=(0.5, 0.999), num_epochs=1, num_train=None,
                     snapshot_epochs=(1,), eval_samples=0,
                     eval_samples_final=0, eval_classifier="", **extra)


class CountingAdam(torch.optim.Adam):
    """Adam that counts its steps."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = 0

    def step(self, closure=None):
        self.count += 1
        return super().step(closure)


def train_toy(config: GANConfig, num_steps: int):
    """A linear G: ℝ² → ℝ started at mean 0, and a small D, trained with the
    step of `config.method` on x ~ N(TARGET_MEAN, TARGET_SD²)."""
    torch.manual_seed(0)
    gen = nn.Linear(config.z_dim, 1)
    nn.init.zeros_(gen.bias)
    disc = nn.Sequential(nn.Linear(1, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1),
                         nn.Flatten(0))
    opt_g = CountingAdam(gen.parameters(), lr=config.lr, betas=config.betas)
    opt_d = CountingAdam(disc.parameters(), lr=config.lr, betas=config.betas)
    step = steps.STEPS[config.method]
    for i in range(num_steps):
        real = TARGET_MEAN + TARGET_SD * torch.randn(config.batch_size, 1)
        step(gen, disc, opt_g, opt_d, real, config, i)
    with torch.no_grad():
        mean = gen(torch.randn(4_096, config.z_dim)).mean().item()
    return mean, opt_g.count, opt_d.count


@pytest.mark.parametrize("method", ["bce", "bce-simultaneous"])
def test_bce_steps_move_the_generator_onto_the_data(method):
    mean, g_steps, d_steps = train_toy(toy_config(method), 600)
    assert abs(mean - TARGET_MEAN) < 0.5, mean      # started at 0
    assert g_steps == d_steps == 600


def test_wgan_gp_step_learns_and_updates_g_once_per_n_critic():
    config = toy_config("wgan-gp", n_critic=5, gp_weight=1.0)
    config = GANConfig(**{**config.__dict__, "betas": (0.0, 0.9)})
    mean, g_steps, c_steps = train_toy(config, 1_500)
    assert c_steps == 1_500 and g_steps == 1_500 // 5
    assert abs(mean - TARGET_MEAN) < 0.5, mean


def test_knn_precision_and_recall_on_constructed_sets():
    from helpers.metrics import precision_recall
    real = torch.arange(10.0).unsqueeze(1)            # 0, 1, …, 9: radius 1
    fake = torch.cat([torch.arange(5.0), 100 + torch.arange(5.0)]).unsqueeze(1)
    precision, recall = precision_recall(real, fake, k=1)
    # half the samples lie on the data; the data 0–4 and 5 (one step from
    # the sample 4, inside its radius 1) are reached: 6 of 10
    assert precision == pytest.approx(0.5)
    assert recall == pytest.approx(0.6)
    # the two are not symmetric: swapped arguments give other numbers
    assert precision_recall(fake, real, k=1) == pytest.approx((0.6, 0.5))
