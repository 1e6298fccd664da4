"""The paired bootstrap interval of HW2 2e's min-U ratio."""

import numpy as np
import pytest

from helpers.path_stats import paired_ratio_interval


def synthetic_pairs(n: int, ratio: float, rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Control values spread over items; treated = ratio × control × noise
    of mean 1, so Σ treated / Σ control → ratio as n grows."""
    control = rng.lognormal(8.0, 0.5, n)
    noise = rng.lognormal(-0.5 * 0.2 ** 2, 0.2, n)   # E = 1
    return ratio * control * noise, control


def test_interval_covers_the_true_ratio_about_as_often_as_it_claims():
    rng = np.random.default_rng(0)
    trials, true = 200, 0.9
    hits = 0
    for trial in range(trials):
        treated, control = synthetic_pairs(40, true, rng)
        ci = paired_ratio_interval(treated, control, resamples=1_000,
                                   seed=trial)
        hits += ci.low <= true <= ci.high
    assert 0.88 <= hits / trials <= 0.99     # nominal 0.95


def test_interval_shrinks_with_more_pairs():
    rng = np.random.default_rng(1)
    widths = []
    for n in (10, 40, 160):
        ci = paired_ratio_interval(*synthetic_pairs(n, 0.8, rng))
        assert ci.low <= ci.ratio <= ci.high and ci.items == n
        widths.append(ci.high - ci.low)
    assert widths[0] > widths[1] > widths[2]
    assert widths[2] < 0.6 * widths[0]       # ≈ 1/√4 per fourfold n


def test_pairing_removes_the_spread_between_items():
    # treated = 0.9 × control exactly: every resample gives 0.9
    control = np.random.default_rng(2).lognormal(8.0, 1.0, 20)
    ci = paired_ratio_interval(0.9 * control, control)
    assert ci.low == pytest.approx(0.9) and ci.high == pytest.approx(0.9)
    assert ci.below_one and not ci.above_one


def test_fixed_seed_reproduces_and_bad_input_is_refused():
    treated, control = synthetic_pairs(12, 1.1,
                                       np.random.default_rng(3))
    assert paired_ratio_interval(treated, control) \
        == paired_ratio_interval(treated, control)
    with pytest.raises(ValueError, match="equal length"):
        paired_ratio_interval(treated, control[:-1])
