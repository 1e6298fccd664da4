"""HW2 1e: the answers, worded from the numbers the notebook measured.

Thresholds are module constants, quoted in the prose from the constant.
Fact functions return bools, strings or small dataclasses; each
`answer_*` returns 1–4 sentences for one sub-answer, verdict first.
Standard library and `helpers.text` only: the notebook passes floats.
"""

import math
from dataclasses import dataclass
from statistics import mean, stdev
from typing import Sequence

from ..text import pm

# Differences in nats per image below this count as a tie when no seed
# spread is measured: about the standard error of a mean test distortion
# over 2 000 images (per-image standard deviation ≈ 40 nats).
RD_TIE = 1.0
# An Echo rate within AT_FLOOR nats of its floor −d·log s_max is "at the
# floor" (s at its bound in every dimension).
AT_FLOOR = 0.1
# A β-VAE whose KL is below COLLAPSED nats transmits next to nothing.
COLLAPSED = 1.0
# An Echo scale with σ(a) above SATURATION_LEVEL sits at its bound; the
# encoder counts as saturated when more than a share SATURATED of them do.
SATURATION_LEVEL = 0.99
SATURATED = 0.9
# A difference of means of DETECTABLE_Z standard errors or more is detected.
DETECTABLE_Z = 3.0
# A model whose training loss still fell by more than STILL_FALLING nats
# in its last epoch is not converged.
STILL_FALLING = 1.0


# ---- table cells and lists --------------------------------------------------


def seed_cell(values: Sequence[float]) -> str:
    """A table cell over seeds: the mean to 2 decimals, or with several
    seeds 'mean ± sd' (helpers.text.pm), at most 3 decimals (nats)."""
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return pm(mean(values), stdev(values), max_decimals=3)


def shown(cell: str) -> float:
    """The mean a table cell shows, as a number: what the prose quotes."""
    return float(cell.split(" ± ")[0])


def beta_set(betas: Sequence[float]) -> str:
    """'β ∈ {0.5, 1}', or 'no β'."""
    if not betas:
        return "no β"
    return "β ∈ {" + ", ".join(f"{b:g}" for b in betas) + "}"


def _span(values: Sequence[float]) -> str:
    """'3.1 nats' or '2.0–3.1 nats': the sizes of some differences."""
    lo, hi = min(abs(v) for v in values), max(abs(v) for v in values)
    return (f"{lo:.1f} nats" if f"{lo:.1f}" == f"{hi:.1f}"
            else f"{lo:.1f}–{hi:.1f} nats")


# ---- facts ------------------------------------------------------------------


def tie_margin(seed_spreads: Sequence[float]) -> float:
    """Twice the largest seed standard deviation, at least RD_TIE."""
    return max([RD_TIE] + [2 * s for s in seed_spreads])


def side(gap: float, tol: float) -> str:
    """'ahead', 'behind' or 'level' for a gap Echo minus β-VAE (D or
    D + βR, nats; negative: Echo better) against the tie margin `tol`."""
    if gap < -tol:
        return "ahead"
    return "behind" if gap > tol else "level"


def at_floor(rate: float, floor: float) -> bool:
    """An Echo rate within AT_FLOOR nats of its floor −d·log s_max."""
    return rate - floor < AT_FLOOR


def collapsed(kl: float) -> bool:
    """A β-VAE rate (KL) below COLLAPSED nats: posterior collapse."""
    return kl < COLLAPSED


def saturated(share: float) -> bool:
    """More than SATURATED of the Echo scales have σ(a) > SATURATION_LEVEL."""
    return share > SATURATED


def detectable(z: float) -> bool:
    """A difference of DETECTABLE_Z standard errors or more."""
    return z >= DETECTABLE_Z


def converged(last_epoch_drop: float | None) -> bool:
    """The training loss fell by at most STILL_FALLING in the last epoch
    (None: one epoch, nothing to judge by, so not converged)."""
    return last_epoch_drop is not None and last_epoch_drop <= STILL_FALLING


def rate_trend(rates: Sequence[float], floor: float | None = None) -> str:
    """How a rate moves as β grows, from the means a table shows: 'stays
    at its floor', 'does not change', 'falls monotonically' (never rises
    from one β to the next) or 'does not fall monotonically'."""
    if floor is not None and all(at_floor(r, floor) for r in rates):
        return "stays at its floor"
    if len(set(rates)) == 1:
        return "does not change"
    if all(b <= a for a, b in zip(rates, rates[1:])):
        return "falls monotonically"
    return "does not fall monotonically"


def where_lower(betas: Sequence[float], sides: Sequence[str]) -> str:
    """'lower at β ∈ {…} and higher at β ∈ {…}', 'lower at every β', …
    from the side ('ahead', 'behind', 'level') of Echo at each β."""
    parts = [(word, [b for b, s in zip(betas, sides) if s == key])
             for word, key in (("lower", "ahead"), ("higher", "behind"),
                               ("level", "level"))]
    parts = [(word, bs) for word, bs in parts if bs]
    if len(parts) == 1:
        return f"{parts[0][0]} at every β"
    return " and ".join(f"{word} at {beta_set(bs)}" for word, bs in parts)


@dataclass(frozen=True)
class FloorCourse:
    """What an Echo run's rate did against its floor during training."""
    reached: int | None   # first logged step at the floor, None if never
    left: int | None      # first step off it for good, None if still there
    final_rate: float
    final_scale: float    # mean σ(a) at the last logged step
    lowest_scale: float   # its least value from reaching the floor on


def floor_course(steps: Sequence[float], rates: Sequence[float],
                 scales: Sequence[float], floor: float) -> FloorCourse:
    """Read a training trace (step, mean rate, mean σ(a)) against the floor."""
    hits = [i for i, r in enumerate(rates) if at_floor(r, floor)]
    if not hits:
        return FloorCourse(None, None, rates[-1], scales[-1], scales[-1])
    first, last = hits[0], hits[-1]
    left = int(steps[last + 1]) if last + 1 < len(steps) else None
    return FloorCourse(int(steps[first]), left, rates[-1], scales[-1],
                       min(scales[first:]))


@dataclass(frozen=True)
class SamplerRow:
    """One row of the (ii) table: the KSG means of both samplers at one n
    (rounded as shown), the standard error of their difference, the formula."""
    toy: str
    n: int
    batch: float
    independent: float
    se: float
    exact: float

    @property
    def difference(self) -> float:
        """Batch sampler minus independent chains, from the shown means."""
        return round(self.batch - self.independent, 3)

    @property
    def z(self) -> float:
        """|difference| in standard errors of the difference."""
        return abs(self.difference) / self.se if self.se > 0 else math.inf


def largest_difference(rows: Sequence[SamplerRow]) -> SamplerRow:
    """The row where the two samplers differ most."""
    return max(rows, key=lambda r: abs(r.difference))


def approaches(rows: Sequence[SamplerRow], toy: str) -> bool:
    """The batch sampler's estimate is closer to the formula at the
    largest n than at the smallest, for one toy."""
    own = sorted((r for r in rows if r.toy == toy), key=lambda r: r.n)
    first, last = own[0], own[-1]
    return abs(last.batch - last.exact) < abs(first.batch - first.exact)


def training_effect(short: float, long: float, tol: float) -> str:
    """Which model longer training helps more, from Δ (Echo minus β-VAE,
    D + βR) after a short and a long run."""
    if long > short + tol:
        return "helps the β-VAE more than Echo"
    if long < short - tol:
        return "helps Echo more than the β-VAE"
    return f"moves neither beyond ±{tol:.1f} nats"


# ---- (i) truncation ---------------------------------------------------------


def answer_truncation(worst_ratio: float, first_k: Sequence[int],
                      depth_k: Sequence[int], float32_error: float,
                      float32_rounding: float) -> str:
    """(i): `worst_ratio` = max of measured error / bound over all cases;
    per case the first K whose error is below float32 rounding and
    echo_depth's K; the float32 sampler's error at its K and the error of
    rounding z_∞ to float32."""
    enough = all(f <= k for f, k in zip(first_k, depth_k))
    held = worst_ratio <= 1 + 1e-9
    head = ("My depth K is enough in every case I tried: by K terms the "
            "error is below float32 rounding" if enough else
            "My depth K is NOT enough in every case I tried: somewhere the "
            "error is still above float32 rounding at K terms")
    bound = (f"It never exceeds its bound (largest ratio {worst_ratio:.3f})."
             if held else
             f"It EXCEEDS its bound somewhere (ratio {worst_ratio:.3f}).")
    times = float32_error / float32_rounding if float32_rounding else math.inf
    rest = (f"In float32 the sampler is {times:.1f}× as far from z_∞ as "
            "rounding z_∞ itself: float32 arithmetic, not truncation.")
    return f"**Answer (i).** {head}. {bound} {rest}"


# ---- (ii) the part-(d) check ------------------------------------------------


def answer_mi_check(rows: Sequence[SamplerRow], repeats: int) -> str:
    """(ii): the sign of part (d) from the batch sampler's estimates at the
    largest n; whether reusing the batch moves them (table rows only)."""
    largest = [r for r in rows if r.n == max(r.n for r in rows)]
    toys = [r.toy for r in largest]
    closer = [t for t in toys if approaches(rows, t)]
    if all(r.batch > 0 for r in largest):
        sign = ("The minus sign is right: the kNN estimates of I(x; z) are "
                "positive, while +E log det S(x) would be "
                + ", ".join(f"{-r.exact:.3f}".replace("-", "−")
                            for r in largest) + " nats.")
    else:
        sign = ("The estimates do not settle the sign: some are not "
                "positive at the largest n.")
    trend = (f"With n they approach −E log|det S(x)| in "
             f"{len(closer)} of {len(toys)} toys"
             + ("." if len(closer) == len(toys) else
                "; KSG is biased low at finite n, more so in 2-D."))
    worst = largest_difference(rows)
    found = ("shifts the estimate detectably" if detectable(worst.z)
             else "has no detectable effect")
    batch = (f"Reusing the batch for the chains {found}: the samplers "
             f"differ by at most {abs(worst.difference):.3f} nats in the "
             f"table ({worst.toy}, n = {worst.n:,}), {worst.z:.1f} standard "
             f"errors (detectable: ≥ {DETECTABLE_Z:g}; {repeats} repeats).")
    return f"**Answer (ii).** {sign} {trend} {batch}"


# ---- (iii) Echo AE vs β-VAE -------------------------------------------------


def equal_rate_verdict(gaps: Sequence[tuple[float, float]], tol: float) -> str:
    """One sentence from (R, D_echo − D_vae) pairs at equal rate."""
    if not gaps:
        return ("No Echo rate lies inside the β-VAE's range of rates, so "
                "the curves cannot be compared at equal rate.")
    sides = {side(g, tol) for _, g in gaps}
    size = _span([g for _, g in gaps])
    if sides == {"ahead"}:
        return (f"Echo dominates, as the paper claims: at every Echo rate "
                f"inside the β-VAE's range its distortion is lower, by "
                f"{size}.")
    if sides == {"behind"}:
        return (f"Echo trails, the opposite of the paper's claim: at every "
                f"Echo rate inside the β-VAE's range its distortion is "
                f"higher, by {size}.")
    if sides == {"level"}:
        return (f"Neither dominates: at equal rate the distortions agree "
                f"within ±{tol:.1f} nats.")
    return (f"Neither dominates: at equal rate Echo is ahead at some rates "
            f"and not at others (gaps {size}, tie ±{tol:.1f}).")


def convergence(last_epoch_drop: float | None) -> str:
    """One sentence on the largest fall of a training loss in its last
    epoch (None: one epoch only)."""
    if last_epoch_drop is None:
        return "One epoch per model: its loss gives no convergence check."
    if converged(last_epoch_drop):
        return (f"Every model's loss changed by at most {STILL_FALLING:g} "
                "nat in its last epoch, as its lr decayed to 0.")
    return (f"Not converged: a loss still fell by {last_epoch_drop:.1f} "
            "nats in its last epoch, so the order may change.")


def answer_rate_distortion(betas: Sequence[float], echo_rates: Sequence[float],
                           vae_rates: Sequence[float], floor: float,
                           equal_rate: Sequence[tuple[float, float]],
                           equal_beta: Sequence[float], tol: float,
                           last_epoch_drop: float | None) -> str:
    """(iii), the sweep. Rates and Δ at equal β are the means the table
    shows; `equal_rate` the (R, D gap) pairs at equal rate; the largest
    fall of any model's training loss in its last epoch."""
    sides = [side(g, tol) for g in equal_beta]
    objective = (f"On D + βR at equal β Echo is {where_lower(betas, sides)}"
                 f" (tie ±{tol:.1f} nats).")
    trend = rate_trend(echo_rates, floor)
    if trend == "stays at its floor":
        echo = (f"Echo's rate stays at its floor −d·log s_max = {floor:.2f} "
                f"nats (within {AT_FLOOR:g}) at every β")
    elif trend == "does not change":
        echo = (f"Echo's rate stays at {echo_rates[0]:.2f} nats at every β "
                f"(floor {floor:.2f})")
    else:
        echo = (f"Echo's rate {trend} from {echo_rates[0]:.2f} to "
                f"{echo_rates[-1]:.2f} nats (floor {floor:.2f})")
    gone = [b for b, r in zip(betas, vae_rates) if collapsed(r)]
    vae = (f"the β-VAE's KL {rate_trend(vae_rates)}"
           + (f", below {COLLAPSED:g} nat (collapsed) at {beta_set(gone)}"
              if gone else ""))
    verdict = f"{equal_rate_verdict(equal_rate, tol)} {objective}"
    caveat = convergence(last_epoch_drop)
    settled = last_epoch_drop is None or converged(last_epoch_drop)
    # an unconverged order is a provisional one: the caveat leads
    first, then = ((verdict, caveat) if settled
                   else (caveat, f"As trained so far: {verdict}"))
    return f"**Answer (iii).** {first} {then} {echo}; {vae}."


def answer_floor(course: FloorCourse, steps: int, share: float,
                 delta: tuple[int, float, float] | None = None,
                 tol: float = RD_TIE) -> str:
    """(iii), trained longer: does Echo leave its rate floor? `share` of
    its scales saturated at the end; `delta` = (the sweep's steps, its Δ,
    the long run's Δ) where a β-VAE was trained as long."""
    if course.reached is None:
        head = (f"Echo never reaches its rate floor in {steps:,} steps "
                f"(R = {course.final_rate:.2f} nats at the end).")
    elif course.left is not None:
        head = (f"Echo leaves its rate floor: at it from step "
                f"{course.reached:,}, above it from step {course.left:,} on, "
                f"its mean σ(a) ending at {course.final_scale:.3f}.")
    else:
        head = (f"Echo does not leave its rate floor in {steps:,} steps: "
                f"there from step {course.reached:,} on, its mean σ(a) "
                f"stays ≥ {course.lowest_scale:.3f}.")
    cause = (f"{100 * share:.0f} % of its scales end above σ(a) = "
             f"{SATURATION_LEVEL:g}")
    cause += (", yet saturation alone traps nothing: ∂(D + βR)/∂a = "
              "(1 − σ(a))(s·∂D/∂s − β), so s falls wherever the decoder "
              "gains more than β." if saturated(share) else
              f", at most {SATURATED:.0%}: the encoder is not saturated.")
    longer = ("" if delta is None else
              f" From {delta[0]:,} to {steps:,} steps Δ goes from "
              f"{delta[1]:+.1f} to {delta[2]:+.1f} nats: longer training "
              f"{training_effect(delta[1], delta[2], tol)}.")
    return (f"**Answer (iii), longer.** {head} "
            f"{cause[0].upper()}{cause[1:]}{longer}")


def acts_through(echo_change: float, vae_change: float) -> str:
    """Which model a change of set-up acts through: the one whose own
    D + βR moved more than twice as much as the other's, else both."""
    if abs(vae_change) > 2 * abs(echo_change):
        return "mainly on the β-VAE"
    if abs(echo_change) > 2 * abs(vae_change):
        return "mainly on Echo"
    return "on both alike"


def answer_ablation(base: float, rows: dict[str, float], tol: float,
                    echo_change: dict[str, float],
                    vae_change: dict[str, float], size: str = "") -> str:
    """(iii), why: Δ = (D + βR)_Echo − (D + βR)_β-VAE in the paper's set-up
    (`base`) and with each single change (`rows`); each change's effect on
    Echo's and on the β-VAE's own D + βR (new − old, nats). `size`: the
    ablation's training ('6,000 images × 2 epochs') where it differs from
    the sweep's, so that its Δ is not read as the sweep's."""
    at = f"At the ablation's size ({size}), in" if size else "In"
    head = (f"**Answer (iii), why.** {at} the paper's set-up Echo is "
            f"{side(base, tol)} (Δ = {base:+.1f} nats, tie ±{tol:.1f}).")
    moved = {k: g for k, g in rows.items() if abs(g - base) > tol}
    if not moved:
        return head + " No single change moves Δ beyond the tie margin."
    top = max(moved, key=lambda k: abs(moved[k] - base))
    largest = (f" The largest move is {top}, to Δ = {moved[top]:+.1f}, "
               f"acting {acts_through(echo_change[top], vae_change[top])} "
               f"(own D + βR: Echo {echo_change[top]:+.1f}, β-VAE "
               f"{vae_change[top]:+.1f}).")
    flips = [k for k, g in rows.items()
             if {side(g, tol), side(base, tol)} == {"ahead", "behind"}]
    flip = (f" {', '.join(flips)} reverses which model is ahead."
            if flips else " No change reverses which model is ahead.")
    return head + largest + flip
