"""HW2 2c: do different starts give different z*, and is the argmin a local
minimum? Facts first, then `answer`, 1-4 sentences."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..decide import ROUNDING, median, percent

# Two converged codes of one image are the same z* when closer than
# SAME_CODE × √d, 5 % of the shell's radius: a converged code lies within
# about 10⁻⁶ √d of its critical point (critical.STATIONARY), so two copies
# of one minimum are far closer than that, and two minima farther apart
# differ by more than Adam's jitter at its step 0.05 per coordinate.
SAME_CODE = 0.05
# Restarts pay when the best of an image's R starts ends at least 5 %
# below its median start, for the median image.
RESTART_GAIN = 0.05
# The test answers the question when it classifies (local minimum or
# saddle) at least 90 % of the codes.
DECIDED = 0.9
# Unconstrained descent has no minimum within reach when the median code
# leaves for ‖z‖ > FAR × √d, where N(0, I) puts no mass (99.7 % of its
# norms lie within √d ± 2.1), while its loss falls.
FAR = 10.0

Share = Literal["all", "some", "none"]


@dataclass(frozen=True)
class Counts:
    """Verdicts of the local-minimum test (`critical.VERDICTS`)."""
    minima: int
    saddles: int
    degenerate: int
    not_converged: int

    @classmethod
    def of(cls, verdicts: Sequence[str]) -> "Counts":
        return cls(*(list(verdicts).count(v) for v in
                     ("local minimum", "saddle", "degenerate",
                      "not converged")))

    @property
    def total(self) -> int:
        return self.minima + self.saddles + self.degenerate \
            + self.not_converged

    @property
    def decided(self) -> int:
        return self.minima + self.saddles


@dataclass(frozen=True)
class Runaway:
    """Unconstrained L-BFGS carried on from Adam's codes: the median loss
    ratio to Adam's code, the median and largest ‖z‖/√d where it ends."""
    loss_ratio: float
    norm: float
    max_norm: float


def decides(counts: Counts) -> bool:
    """Does the test classify at least DECIDED of the codes?"""
    return counts.decided >= DECIDED * counts.total


def differ(distinct: Sequence[int]) -> Share:
    """For how many images did the starts reach more than one z*?"""
    many = sum(n > 1 for n in distinct)
    return "all" if many == len(distinct) else "none" if many == 0 \
        else "some"


def above_lowest(minima: Sequence[Sequence[float]]) -> int:
    """How many distinct minima lie above their image's lowest one (by more
    than float64 rounding): none of those is a global minimum."""
    return sum(loss > low * (1 + ROUNDING)
               for losses in minima if losses
               for low in [min(losses)] for loss in losses)


def restarts_pay(gains: Sequence[float]) -> bool:
    """Per image 1 − best/median loss of its starts: is the median image's
    gain at least RESTART_GAIN?"""
    return median(gains) >= RESTART_GAIN


def runs_away(run: Runaway) -> bool:
    """Does unconstrained descent leave for ‖z‖ > FAR √d, loss falling?"""
    return run.norm > FAR and run.loss_ratio < 1


def _distinct(distinct: Sequence[int], restarts: int) -> str:
    """Sentence: do different starts reach different z*?"""
    mid = f"{median(distinct):g}"
    where = (f"on the shell ‖z‖ = √d the {restarts} starts of an image end "
             f"at a median of {mid} distinct local minima (codes closer "
             f"than {percent(SAME_CODE)} of √d count as one)")
    return {"all": f"Different starts give different z\\*: {where}.",
            "some": f"Some starts share their z\\*, others do not: {where}.",
            "none": f"Different starts reach the same z\\*: {where}."}[
        differ(distinct)]


def _local(counts: Counts, kinks: float) -> str:
    """Sentence: is the argmin a local minimum (on the shell)?"""
    rest = (f"{counts.saddles} saddles, {counts.total - counts.decided} "
            "undecided")
    if not decides(counts):
        return (f"The test cannot answer whether the argmin is a local "
                f"minimum: it classifies only {counts.decided} of "
                f"{counts.total} codes ({counts.minima} minima, {rest}).")
    head = ("Is the argmin a local minimum? On the shell, "
            + ("yes" if counts.minima >= counts.saddles else "mostly not"))
    return (f"{head}: {counts.minima} of {counts.total} codes converge to "
            f"strict local minima ({rest}), kinked ones: each lies on a "
            f"median of {kinks:g} LeakyReLU kinks.")


def _global(minima: Sequence[Sequence[float]], gains: Sequence[float],
            restarts: int) -> str:
    """Sentence: local or global, and do restarts pay?"""
    above, total = above_lowest(minima), sum(len(m) for m in minima)
    gain = (f"the best of an image's {restarts} starts ends a median "
            f"{100 * median(gains):.1f} % below its median start, at most "
            f"{100 * max(gains):.1f} %")
    pay = "restarts pay" if restarts_pay(gains) else "restarts barely pay"
    if above:
        return (f"Only an image's lowest minimum can be global, and {above} "
                f"of the {total} distinct minima lie above it: a start's "
                f"z\\* is a local, not a global, minimum, and {pay} "
                f"({gain}).")
    return (f"All distinct minima of an image share one loss, so none is "
            f"known to be non-global; {pay} ({gain}).")


def _runaway(run: Runaway) -> str:
    """Sentence: the unconstrained problem."""
    where = (f"L-BFGS carries Adam's codes on to a median ‖z‖ of "
             f"{run.norm:,.0f} √d (up to {run.max_norm:,.0f} √d) and "
             f"{100 * run.loss_ratio:.0f} % of their loss")
    if runs_away(run):
        return ("Without the shell, ‖G(z) − x‖² has no minimum within "
                f"reach: {where}.")
    return f"Without the shell, descent stays within reach: {where}."


def answer(counts: Counts, distinct: Sequence[int],
           minima: Sequence[Sequence[float]], kinks: float,
           gains: Sequence[float], restarts: int, run: Runaway) -> str:
    """The answer: different z*? local minimum? global? unconstrained?
    `distinct`: distinct minima per image; `minima`: their losses per
    image; `kinks`: median active kinks per minimum; `gains`: per image,
    1 − best/median loss of its converged shell codes."""
    return " ".join([_distinct(distinct, restarts), _local(counts, kinks),
                     _global(minima, gains, restarts), _runaway(run)])
