"""HW2 1e: the Echo sampler, its truncation bound, the KSG estimator, and
the rate–distortion autoencoders (helpers.echo_ae)."""

import math

import numpy as np
import pytest
import torch

from helpers import echo
from helpers import echo_ae as ae


def test_fast_sampler_equals_the_series_definition():
    torch.manual_seed(0)
    m = torch.randn(300, 3, dtype=torch.float64)
    s = 0.9 * torch.rand(300, 3, dtype=torch.float64)
    order = echo.random_order(300)
    for depth in (1, 2, 3, 7, 64, 300):
        fast = echo.echo_sample(m, s, depth, order)
        # direct: z_i = Σ_{k<K} (Π_{j<k} s(x_j)) m(x_k) along the cyclic order
        pos = torch.argsort(order)
        direct = torch.zeros_like(m)
        for i in range(300):
            chain = order[(pos[i] + torch.arange(depth)) % 300]
            prod = torch.cumprod(torch.cat([torch.ones(1, 3, dtype=m.dtype),
                                            s[chain[:-1]]]), 0)
            direct[i] = (prod * m[chain]).sum(0)
        assert torch.allclose(fast, direct, rtol=0, atol=1e-12), depth


def test_linear_m_constant_s_matches_closed_form():
    # m(x) = a·x, s constant, x ~ N(μ, σ²): z = a Σ_{k<K} s^k x_k, so
    # E z = aμ(1 − s^K)/(1 − s), Var z = a²σ²(1 − s^{2K})/(1 − s²).
    a, s_val, mu, sigma, batch, batches = 1.5, 0.5, 1.0, 2.0, 256, 200
    depth = echo.echo_depth(s_val, torch.float64)
    mean = a * mu * (1 - s_val ** depth) / (1 - s_val)
    var = a ** 2 * sigma ** 2 * (1 - s_val ** (2 * depth)) / (1 - s_val ** 2)
    gen = torch.Generator().manual_seed(0)
    x = mu + sigma * torch.randn(batches, batch, 1, generator=gen,
                                 dtype=torch.float64)
    z = torch.stack([echo.echo_sample(a * xb, torch.full_like(xb, s_val),
                                      depth, generator=gen) for xb in x])
    # draws of one batch are dependent, batches are independent: judge each
    # statistic by its spread across batches (5 standard errors)
    batch_means = z.mean((1, 2))
    batch_vars = (z - mean).square().mean((1, 2))
    se_mean = batch_means.std() / math.sqrt(batches)
    se_var = batch_vars.std() / math.sqrt(batches)
    assert abs(batch_means.mean() - mean) < 5 * se_mean
    assert abs(batch_vars.mean() - var) < 5 * se_var
    # the test can tell: reusing x₀ (z = (1+s)·m + …) would change Var z by
    assert (1 + s_val) ** 2 * a ** 2 * sigma ** 2 - a ** 2 * sigma ** 2 > 20 * se_var


def test_echo_depth_puts_the_tail_below_eps():
    for s_max in (0.3, 0.5, 0.9, 0.99):
        for dtype in (torch.float32, torch.float64):
            k, eps = echo.echo_depth(s_max, dtype), torch.finfo(dtype).eps
            assert s_max ** k / (1 - s_max) <= eps            # enough
            assert s_max ** (k - 1) / (1 - s_max) > eps       # and not more
    with pytest.raises(ValueError, match="contraction"):
        echo.echo_depth(1.0)


def test_truncation_error_is_within_bound():
    gen = torch.Generator().manual_seed(0)
    s_max, batch = 0.9, 1024
    m = torch.randn(batch, 2, generator=gen, dtype=torch.float64)
    s = s_max * torch.rand(batch, 2, generator=gen, dtype=torch.float64)
    order = echo.random_order(batch, generator=gen)
    deep = echo.echo_sample(m, s, batch, order)   # tail < 0.9^1024: exact
    for depth in (5, 20, 60):
        err = (echo.echo_sample(m, s, depth, order) - deep).abs().max().item()
        assert err <= echo.truncation_bound(s_max, depth, m.abs().max().item())


def test_truncation_bound_is_tight_at_the_worst_case():
    # m ≡ 1, s ≡ s_max: the tail is s_max^K (1 − s_max^{B−K})/(1 − s_max),
    # within 1 % of the bound, so a sampler one term short would break it.
    s_max, batch = 0.9, 1024
    m = torch.ones(batch, 1, dtype=torch.float64)
    s = torch.full_like(m, s_max)
    deep = echo.echo_sample(m, s, batch)
    for depth in (5, 20, 60):
        err = (echo.echo_sample(m, s, depth) - deep).abs().max().item()
        bound = echo.truncation_bound(s_max, depth, 1.0)
        assert 0.99 * bound <= err <= bound * (1 + 1e-12)  # rounding
        assert err / s_max > bound  # what depth − 1 terms would leave


def test_depth_larger_than_batch_is_refused():
    m = torch.zeros(8, 2)
    with pytest.raises(ValueError, match="batch"):
        echo.echo_sample(m, m, depth=9)


@pytest.mark.parametrize("rho", [0.0, 0.6, 0.9])
def test_ksg_on_bivariate_gaussian(rho):
    gen = torch.Generator().manual_seed(1)
    n = 2000
    x = torch.randn(n, 1, generator=gen, dtype=torch.float64)
    z = rho * x + math.sqrt(1 - rho ** 2) * torch.randn(
        n, 1, generator=gen, dtype=torch.float64)
    exact = -0.5 * math.log(1 - rho ** 2)
    assert abs(echo.ksg_mutual_information(x, z, k=3) - exact) < 0.04


def test_echo_toy_exact_rate():
    # constant s: slope 0 gives s = s_max/2 and rate −d·log(s_max/2)
    toy = echo.EchoToy(dim=2, s_max=0.8, slope=0.0)
    assert math.isclose(toy.exact_rate(), -2 * math.log(0.4), rel_tol=1e-12)


def test_echo_ae_rate_is_minus_sum_log_s():
    cfg = ae.AEConfig("echo", beta=1.0, num_epochs=1, num_train=None,
                        z_dim=4, hidden=8, batch_size=256)
    model = ae.RateDistortionAE(cfg)
    last = model.encoder.net[-1]
    with torch.no_grad():  # raw logit of s = 0.3·index, so s_d = s_max·σ(0.3 d)
        last.weight.zero_()
        last.bias.copy_(torch.cat([torch.zeros(4), 0.3 * torch.arange(4.0)]))
    x = torch.rand(256, 784).round()
    dist, rate = model(x)
    s = cfg.s_max * torch.sigmoid(0.3 * torch.arange(4.0))
    assert torch.allclose(rate, -torch.log(s).sum().expand(256), atol=1e-5)
    assert dist.shape == (256,) and bool((dist > 0).all())


def test_gaussian_rate_is_kl_to_standard_normal():
    cfg = ae.AEConfig("gauss", beta=1.0, num_epochs=1, num_train=None,
                        z_dim=3, hidden=8)
    model = ae.RateDistortionAE(cfg)
    last = model.encoder.net[-1]
    with torch.no_grad():  # μ = 1, log σ² = 0: KL = ½ Σ μ² = 1.5
        last.weight.zero_()
        last.bias.copy_(torch.tensor([1.0, 1.0, 1.0, 0.0, 0.0, 0.0]))
    _, rate = model(torch.zeros(5, 784))
    assert torch.allclose(rate, torch.full((5,), 1.5))


# ---- the paper's set-up (Brekelmans et al. 2019) ------------------------------


def test_paper_clip_meets_the_float32_tail_bound():
    # M·r^K/(1 − r) < 2⁻²³ with M = max|m| = 1 (tanh), r = 0.8359, K = 100
    k = echo.echo_depth(ae.PAPER_CLIP, torch.float32)
    assert k == ae.PAPER_DEPTH == 100
    assert echo.truncation_bound(ae.PAPER_CLIP, k, 1.0) < 2.0 ** -23
    # the sampler's own default, (2⁻²³)^(1/100), would miss the bound
    loose = 2.0 ** (-23 / 100)
    assert echo.truncation_bound(loose, k, 1.0) > 2.0 ** -23


def test_paper_sampler_tail_is_below_float32_precision():
    # worst case s ≡ clip, |m| ≤ 1: the sampler's 100 terms (x₀ and the 99
    # other items of a batch of 100) against the same series continued for
    # 900 more terms; the difference is the dropped tail, < 2⁻²³
    gen = torch.Generator().manual_seed(0)
    m = torch.tanh(torch.randn(100, 4, generator=gen, dtype=torch.float64) * 9)
    s = torch.full_like(m, ae.PAPER_CLIP)
    z = echo.echo_sample_permuted(m, s, ae.PAPER_DEPTH,
                                  torch.Generator().manual_seed(1))
    idx = echo.other_items(100, 99, generator=torch.Generator().manual_seed(1))
    more = torch.randint(0, 100, (100, 900), generator=gen)
    chain = torch.cat([idx, more], 1)              # x₁ … x₉₉₉
    powers = ae.PAPER_CLIP ** torch.arange(1, 1000, dtype=torch.float64)
    terms = powers[None, :, None] * m[chain]       # (Π_{j<k} s_j) m(x_k)
    assert torch.allclose(z, m + terms[:, :99].sum(1), rtol=0, atol=1e-12)
    long = m + terms.sum(1)
    tail = (long - z).abs().max().item()
    assert tail <= echo.truncation_bound(ae.PAPER_CLIP, 100, 1.0) < 2.0 ** -23
    assert tail > 0.1 * 2.0 ** -23   # the check can fail: the tail is real


def test_permuted_sampler_uses_each_other_item_once():
    idx = echo.other_items(7, 6, generator=torch.Generator().manual_seed(3))
    for i, row in enumerate(idx.tolist()):
        assert sorted(row) == [j for j in range(7) if j != i]
    with pytest.raises(ValueError, match="batch"):
        echo.other_items(7, 7)


def test_permuted_sampler_equals_the_series_with_its_own_chains():
    gen = torch.Generator().manual_seed(1)
    m = torch.randn(12, 3, generator=gen, dtype=torch.float64)
    s = 0.8 * torch.rand(12, 3, generator=gen, dtype=torch.float64)
    z = echo.echo_sample_permuted(m, s, 6, torch.Generator().manual_seed(5))
    idx = echo.other_items(12, 5, generator=torch.Generator().manual_seed(5))
    for i in range(12):  # z = m₀ + s₀(m₁ + s₁(m₂ + …))
        acc = torch.zeros(3, dtype=torch.float64)
        for j in reversed(idx[i].tolist()):
            acc = m[j] + s[j] * acc
        assert torch.allclose(z[i], m[i] + s[i] * acc, atol=1e-12)


def _paper_model(kind, z_dim=32):
    torch.manual_seed(0)
    return ae.RateDistortionAE(ae.paper_config(kind, 1.0, 1, None,
                                                   width=0.25, z_dim=z_dim))


def test_paper_rate_is_minus_sum_log_s():
    model = _paper_model("echo")
    head = model.encoder.net[-1]
    with torch.no_grad():  # raw logit of s_d = 0.1·d: s_d = clip·σ(0.1 d)
        head.weight.zero_()
        head.bias.copy_(torch.cat([torch.zeros(32), 0.1 * torch.arange(32.)]))
    dist, rate = model(torch.rand(100, 784).round())
    s = ae.PAPER_CLIP * torch.sigmoid(0.1 * torch.arange(32.))
    assert torch.allclose(rate, -torch.log(s).sum().expand(100), atol=1e-4)
    assert dist.shape == (100,)


def test_paper_m_is_bounded_by_one():
    model = _paper_model("echo")
    x = torch.rand(100, 784).round()
    with torch.no_grad():
        model.encoder.net[-1].bias.fill_(1e4)  # huge raw m
        loc, _ = model.encoder(x)
    assert loc.abs().max() > 100
    assert model.m_bound == 16.0
    z, _, _ = model.encode(x)
    # |z| ≤ Σ_k clip^k = 1/(1 − clip) when |m| ≤ 1
    assert z.abs().max() <= 1 / (1 - ae.PAPER_CLIP) + 1e-4


@pytest.mark.parametrize("kind", ["echo", "gauss"])
@pytest.mark.parametrize("width", [0.25, 1.0])
def test_conv_model_shapes(kind, width):
    from helpers.models import ConvDecoder, ConvEncoder
    enc, dec = ConvEncoder(32, width), ConvDecoder(32, width)
    loc, raw = enc(torch.zeros(100, 784))
    assert loc.shape == raw.shape == (100, 32)
    assert dec(loc).shape == (100, 784)
    model = ae.RateDistortionAE(ae.paper_config(kind, 1.0, 1, None,
                                                    width=width))
    dist, rate = model(torch.rand(100, 784).round())
    assert dist.shape == rate.shape == (100,)


def test_conv_widths_follow_the_paper():
    from helpers.models import ConvEncoder
    convs = [m for m in ConvEncoder(32).net if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [32, 32, 64, 64, 256]
    assert [c.kernel_size[0] for c in convs] == [5, 5, 5, 5, 7]
    assert [c.stride[0] for c in convs] == [1, 2, 1, 2, 1]


def test_lr_schedule_is_flat_then_linear_to_zero():
    assert [ae.lr_factor(t, 10, True) for t in (0, 5, 6, 9)] == \
        [1.0, 1.0, 0.8, 0.2]
    assert ae.lr_factor(9, 10, False) == 1.0


def test_cache_key_of_old_configs_is_unchanged():
    cfg = ae.AEConfig("echo", 1.0, 1, None)
    assert set(cfg.key()) == {"kind", "beta", "num_epochs", "num_train",
                              "experiment", "z_dim", "hidden", "s_max",
                              "batch_size", "lr", "seed"}
    assert ae.paper_config("echo", 1.0, 1, None).key()["arch"] == "conv"


def test_equal_rate_gaps_interpolate_inside_the_range():
    gaps = ae.equal_rate_gaps(np.array([1.0, 5.0, 20.0]),
                                np.array([10.0, 8.0, 1.0]),
                                np.array([12.0, 2.0]), np.array([5.0, 9.0]))
    # D_vae(5) = 9 + (5 − 2)/(12 − 2)·(5 − 9) = 7.8; 1 and 20 are outside
    assert len(gaps) == 1 and gaps[0][0] == 5.0
    assert math.isclose(gaps[0][1], 8.0 - 7.8)


def test_saturated_share_counts_scales_at_the_bound():
    model = _paper_model("echo")
    head = model.encoder.net[-1]
    with torch.no_grad():  # a_d = 10 for half the dimensions, 0 for the rest
        head.weight.zero_()
        head.bias.copy_(torch.cat([torch.zeros(32), torch.full((16,), 10.),
                                   torch.zeros(16)]))
    assert ae.saturated_share(model, torch.zeros(4, 784)) == 0.5


def test_s_bias_sets_the_initial_scale():
    model = ae.RateDistortionAE(ae.paper_config(
        "echo", 1.0, 1, None, width=0.25, s_bias=-4.0))
    with torch.no_grad():
        _, raw = model.encoder(torch.zeros(2, 784))
    # zero input: the raw scale is the bias plus what the ReLU stack adds
    assert model.encoder.net[-1].bias[32:].eq(-4.0).all()
    assert raw.mean() < -3
    assert "s_bias" not in ae.paper_config("echo", 1.0, 1, None).key()


def _glorot_bound(layer: torch.nn.Module) -> float:
    """√(6 / (fan_in + fan_out)) of a Linear or (transposed) conv layer."""
    fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(layer.weight)
    return math.sqrt(6 / (fan_in + fan_out))


@pytest.mark.parametrize("kind", ["echo", "gauss"])
def test_paper_nets_start_glorot_uniform_with_zero_biases(kind):
    model = _paper_model(kind)
    layers = [m for m in model.modules()
              if isinstance(m, (torch.nn.Linear, torch.nn.Conv2d,
                                torch.nn.ConvTranspose2d))]
    head = model.encoder.net[-1]
    assert len(layers) == 13 and layers.index(head) == 5
    for layer in layers:
        w = layer.weight.detach().abs()
        # the head is two Dense layers (m and a), z_dim = 32 outputs each
        bound = (math.sqrt(6 / (head.in_features + 32)) if layer is head
                 else _glorot_bound(layer))
        assert w.max() <= bound, layer
        # uniform on (−b, b): of ≥ 200 draws one is above 0.9 b (P > 1 − 1e-9)
        assert w.max() > 0.9 * bound, layer
        assert layer.bias.eq(0).all(), layer
    # PyTorch's own default (kaiming-uniform, a = √5; uniform biases) fails
    torch.manual_seed(0)
    plain = ae.RateDistortionAE(ae.paper_config(kind, 1.0, 1, None, width=0.25,
                                                init="torch"))
    assert not plain.decoder.net[1].bias.eq(0).all()


def test_init_is_part_of_the_cache_key():
    glorot = ae.paper_config("echo", 1.0, 1, None)
    torch_init = ae.paper_config("echo", 1.0, 1, None, init="torch")
    assert glorot.key()["init"] == "glorot"
    assert "init" not in torch_init.key() and glorot.key() != torch_init.key()
    with pytest.raises(ValueError, match="init"):
        ae.RateDistortionAE(ae.paper_config("echo", 1.0, 1, None,
                                            width=0.25, init="he"))


def test_training_records_rate_and_scale_against_steps(runs_dir):
    cfg = ae.paper_config("echo", 1.0, 2, 200, width=0.125)
    run = ae.train_rd(cfg, "cpu", num_test=100)
    steps = run.trace["step"]
    assert steps == [1.0, 2.0, 3.0, 4.0]   # 2 epochs × 200 // 100, all kept
    floor = -32 * math.log(ae.PAPER_CLIP)
    # the rate is −Σ_d log(s_max σ(a_d)), so it lies above the floor
    assert all(r > floor for r in run.trace["rate"])
    assert all(0 < s < 1 for s in run.trace["scale"])
    assert all(d > 0 for d in run.trace["distortion"])
    # loaded from the cache: the same trace
    assert ae.train_rd(cfg, "cpu", num_test=100).trace == run.trace


def test_echo_figures_are_readable_in_the_pdf():
    """Every 1e figure: at most helpers.echo_plots.WIDTH inches wide, at most
    two panels side by side, no text under SMALL pt (the PDF shows a figure
    at about 5.8 in, so this keeps every label at 7.7 pt or more)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from helpers import echo_plots as ep
    from helpers.plotting import style
    style()
    depths = np.arange(1, 51)
    errs = {f"s_max = {s}": s ** depths for s in (0.5, 0.8)}
    rng = np.random.default_rng(0)
    est = {"batch": rng.normal(1.2, 0.05, (3, 4)),
           "independent": rng.normal(1.2, 0.05, (3, 4))}
    trace = {"step": [1, 2, 3], "rate": [9.0, 7.0, 6.0],
             "distortion": [300.0, 250.0, 240.0], "scale": [0.5, 0.9, 0.99]}
    figures = [
        ep.truncation_curves(depths, {"a": errs, "b": errs}, errs, 1e-7, "t"),
        ep.estimates_versus_n([250, 500, 1000], {"1-D": est, "2-D": est},
                              {"1-D": 1.29, "2-D": 2.58}, "t"),
        ep.rate_distortion({"Echo": ([0.5, 1.0], np.array([[6.0, 5.8]]),
                                     np.array([[230.0, 228.0]]))}, "t"),
        ep.ablation_bars({"paper set-up": -90.0, "lr": 1.4}, 1.0, "t"),
        ep.training_traces({"Echo": trace}, {"β-VAE": trace}, 5.74, "t"),
    ]
    for fig in figures:
        assert fig.get_figwidth() <= ep.WIDTH
        rows = {}
        for ax in fig.axes:
            if ax.get_visible() and ax.axison:
                y = round(ax.get_position().y0, 2)
                rows[y] = rows.get(y, 0) + 1
        assert max(rows.values()) <= 2, rows
        fig.canvas.draw()
        small = [t.get_text() for t in fig.findobj(Text)
                 if t.get_visible() and t.get_text().strip()
                 and t.get_fontsize() < ep.SMALL]
        assert not small, small
        plt.close(fig)
