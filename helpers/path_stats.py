"""A paired bootstrap interval for the ratio of two arms' totals over the
same items (HW2 2e: min U of a penalised generator over the control's, on
the same held-out image pairs).

The statistic is the ratio of means Σᵢ aᵢ / Σᵢ bᵢ over items i; resampling
items with replacement and taking both arms at the same resampled items
keeps the pairing, so an item that is hard for both arms moves both sums.
"""

from dataclasses import dataclass

import numpy as np

LEVEL = 0.95        # coverage of the interval
RESAMPLES = 2_000   # bootstrap resamples of the items


@dataclass(frozen=True)
class RatioInterval:
    """Σ treated / Σ control and its percentile bootstrap interval."""
    ratio: float
    low: float
    high: float
    items: int
    level: float

    @property
    def below_one(self) -> bool:
        """The whole interval is below 1: the treated arm is lower."""
        return self.high < 1

    @property
    def above_one(self) -> bool:
        return self.low > 1


def ratio_of_means(treated: np.ndarray, control: np.ndarray) -> np.ndarray:
    """Σᵢ treatedᵢ / Σᵢ controlᵢ along the last axis."""
    return treated.sum(-1) / control.sum(-1)


def paired_ratio_interval(treated, control, level: float = LEVEL,
                          resamples: int = RESAMPLES,
                          seed: int = 0) -> RatioInterval:
    """Percentile bootstrap interval of Σ treated / Σ control over paired
    items (both 1-D, item i of each measured on the same item): `resamples`
    draws of n items with replacement, the same draw for both arms."""
    a = np.asarray(treated, dtype=np.float64)
    b = np.asarray(control, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or len(a) < 2:
        raise ValueError("treated and control must be 1-D, of equal length "
                         f"≥ 2 (got shapes {a.shape}, {b.shape}).")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(a), size=(resamples, len(a)))  # (R, n) draws
    draws = ratio_of_means(a[idx], b[idx])
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return RatioInterval(float(ratio_of_means(a, b)), float(low),
                         float(high), len(a), level)
