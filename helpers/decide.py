"""Shared thresholds and the checks that read them: facts, not prose.

Each threshold is defined once here; the answer modules (`helpers.answers`)
quote it from its constant when their text names it. Standard library only.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Direction = Literal["lower", "same", "higher"]

# A ratio new/old within ±3 % of 1 counts as "about the same".
SAME = 0.03
# float64 results of size s carry rounding errors near 1e-16·s; a difference
# above 1e-9·s is real.
ROUNDING = 1e-9
# Mean discriminator BCE per epoch below which D wins outright: the loss is
# BCE(real, 1) + BCE(fake, 0), so 0.05 means σ(D) > 0.975 on real and
# < 0.025 on fake images on average (the starved-generator regime).
D_WINS = 0.05
# Class coverage = H(predicted classes) / log 10; exp(H) = 10^coverage is
# the number of equally used classes, so below 0.5 the samples use about
# three classes or fewer (≈ 3.2): few modes.
FEW_MODES = 0.5
# k-NN recall (share of test images inside some sample's k-NN ball; real
# data ≈ 0.88) below LOW_RECALL: the samples reach almost none of the data.
LOW_RECALL = 0.05
LAST_K = 5   # epochs over which a quoted score's spread is reported


def compare(ratio: float, same: float = SAME) -> Direction:
    """Ratio new/old: "lower", "higher", or "same" within ±`same`."""
    if ratio < 1 - same:
        return "lower"
    return "higher" if ratio > 1 + same else "same"


def percent(fraction: float) -> str:
    """0.03 → '3 %' (a threshold quoted in prose)."""
    return f"{fraction * 100:g} %"


def times(ratio: float) -> str:
    """A ratio for prose: two decimals below 10, whole numbers above."""
    return f"{ratio:.2f}" if ratio < 10 else f"{ratio:.0f}"


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def median(values: Sequence[float]) -> float:
    """The middle value; of an even count, the mean of the two middle ones."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return (ordered[mid] if len(ordered) % 2
            else (ordered[mid - 1] + ordered[mid]) / 2)


def tail_range(values: Sequence[float], k: int = LAST_K) -> tuple[float, float]:
    """(min, max) over the last k entries of a per-epoch series."""
    tail = list(values)[-k:]
    return min(tail), max(tail)


# ---- collapse of a GAN run --------------------------------------------------

@dataclass(frozen=True)
class Collapse:
    """The collapse tests of a run's last epoch.

    Collapse means the loss test (D wins outright) or the class test (few
    classes). Low recall at high coverage is a quality finding, not
    collapse: the samples then use the classes but miss most of the data."""
    epochs: int
    d_wins_at: int | None      # first epoch with mean D loss < D_WINS
    coverage: float            # last epoch's class coverage
    min_coverage: float        # lowest over epochs
    few_modes_at: int | None   # first epoch with coverage < FEW_MODES
    precision: float
    recall: float
    loss_tested: bool = True   # False for a critic (WGAN): no BCE to test

    @property
    def d_wins(self) -> bool:
        return self.d_wins_at is not None

    @property
    def few_modes(self) -> bool:
        return self.coverage < FEW_MODES

    @property
    def collapsed(self) -> bool:
        return self.d_wins or self.few_modes

    @property
    def low_recall(self) -> bool:
        return self.recall < LOW_RECALL


def first_below(values: Sequence[float], bound: float) -> int | None:
    """First 1-based index whose value is below `bound`, or None."""
    return next((i + 1 for i, v in enumerate(values) if v < bound), None)


def collapse_tests(history: dict[str, Sequence[float]],
                   last: dict[str, float] | None = None,
                   bce: bool = True) -> Collapse:
    """The collapse tests on a run's history; `last` = the last epoch's
    scores on a larger sample (history.last_scores), where it has one.
    `bce=False` (a WGAN critic, whose loss is a score, not a BCE) skips the
    loss test."""
    coverage = list(history["coverage"])
    scores = {k: history[k][-1] for k in ("coverage", "precision", "recall")}
    if last is not None:
        scores = {k: last[k] for k in scores}
        coverage[-1] = scores["coverage"]
    return Collapse(
        epochs=len(history["d_loss"]),
        d_wins_at=(first_below(history["d_loss"], D_WINS) if bce else None),
        coverage=scores["coverage"], min_coverage=min(coverage),
        few_modes_at=first_below(coverage, FEW_MODES),
        precision=scores["precision"], recall=scores["recall"],
        loss_tested=bce)


# ---- which of two methods is closer to the data -----------------------------

Leader = Literal["a", "b", "tie", "overlap"]


def fid_leader(a_fids: Sequence[float], b_fids: Sequence[float]) -> Leader:
    """Which of two methods has the lower FID, from one FID per seed each.

    With several seeds a lead counts only when every seed of one beats
    every seed of the other ("overlap" otherwise); with one seed each, a
    ratio within ±SAME is a "tie"."""
    if min(len(a_fids), len(b_fids)) == 1:
        return word(mean(a_fids) / mean(b_fids), lower="a", higher="b",
                    same="tie")
    if max(a_fids) < min(b_fids):
        return "a"
    return "b" if max(b_fids) < min(a_fids) else "overlap"


def word(ratio: float, lower: str, higher: str, same: str) -> str:
    """The wording for `compare(ratio)` among three given ones."""
    return {"lower": lower, "higher": higher, "same": same}[compare(ratio)]
