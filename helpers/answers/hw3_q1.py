"""HW3 Q1: the single-sample policy gradient on a bandit."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..decide import ROUNDING
from ..text import count, pm


def sample_noise(grad_norm: float, var_plain: float, var_base: float) -> str:
    """Is one sample mostly noise, and is the noise mostly the offset?"""
    snr = var_plain / grad_norm ** 2
    first = (f"the noise's total variance is {snr:.2g}× the squared norm "
             "of the exact gradient, so one sample is "
             + ("mostly noise" if snr > 1 else "mostly signal"))
    share = 1 - var_base / var_plain
    second = (f"the baseline $b = \\bar R$ removes {share:.0%} of it, so "
              + ("most of the noise comes from the common positive offset "
                 "of the rewards" if share > 0.5 else
                 "the common offset of the rewards is not the main source"))
    return f"{first}; {second}."


def matches_closed_form(err: float, scale: float) -> str:
    """Parenthetical: does the simulator's step equal the closed form, given
    the largest difference `err` and the size `scale` of the steps?"""
    if err <= ROUNDING * scale:
        return "(equal up to floating-point rounding)"
    return ("(a difference beyond floating-point rounding: the simulator "
            "does not implement the update of part (a))")


# ---- the simulation's verdicts ---------------------------------------------

# The recommended fix counts as converged when every seed ends on the best
# arm, the mean final π(a₁) is within PI_CLOSE of π*(a₁), the mean gap
# θ₁ − θ₂ within GAP_CLOSE of (R₁ − R₂)/τ, and the distance to θ* fell.
PI_CLOSE = 0.03
GAP_CLOSE = 0.25
# A remaining distance to θ* below RELAXATION × the exact-gradient path's is
# that path's slow relaxation, not noise; a gap sd NOISE_FLOOR × larger with
# constant η than with decaying steps is the constant step's noise floor.
RELAXATION = 1.5
NOISE_FLOOR = 1.5
# The per-decade growth of log t (ln 10), the asymptotic rate of the gaps.
LOG_DECADE = math.log(10)


@dataclass(frozen=True)
class ConstantStep:
    """The plain update with a constant step: what its seeds did."""
    eta: float
    seeds: int
    steps: int                    # T
    greedy: Sequence[int]         # seeds per greedy arm at t = T (arm 1 first)
    t_early: int                  # an early checkpoint (about T/10)
    pi_best: tuple[float, float]  # final π(a₁): mean, sd across seeds
    pi_exact: float               # final π(a₁) on the exact-gradient path
    spread_early: float           # median max θ − min θ at t_early
    spread_end: float             # ... at t = T

    @property
    def worse(self) -> int:
        return self.seeds - self.greedy[0]

    @property
    def per_decade(self) -> float:
        """Growth of the median spread per decade of t + 1."""
        decades = math.log10((self.steps + 1) / (self.t_early + 1))
        return (self.spread_end - self.spread_early) / decades


def constant_step(c: ConstantStep) -> str:
    """Constant η, no baseline: lock-in (or none), and divergence of θ."""
    final = (f"final $\\pi(a_1)$ {pm(*c.pi_best)}, exact-gradient path "
             f"{c.pi_exact:.4f}")
    if c.worse:
        arms = [str(j + 1) for j, n in enumerate(c.greedy) if n and j]
        verb = "ends" if c.worse == 1 else "end"
        lock = (f"{c.worse} of {c.seeds} seeds ({c.worse / c.seeds:.0%}) "
                f"{verb} locked onto a worse arm "
                f"(arm{'s' if len(arms) > 1 else ''} {', '.join(arms)}; "
                f"{final}), ")
    else:
        lock = (f"none of the {c.seeds} seeds ends on a worse arm ({final}), "
                "so lock-in is too rare to show here, ")
    grows = c.spread_end > c.spread_early
    spread = ("the median spread $\\max_j\\theta_j-\\min_j\\theta_j$ "
              + ("grew" if grows else "went")
              + f" from {c.spread_early:.3g} at $t$ = {c.t_early} to "
              f"{c.spread_end:.3g} at $t$ = {c.steps}")
    if grows:
        theta = (f"and the parameters diverge: {spread}, {c.per_decade:.2g} "
                 "per decade of $t$ (the $\\log t$ growth of part (b) gives "
                 f"$\\ln 10\\approx{LOG_DECADE:.2g}$).")
    else:
        theta = ("but, contrary to part (b), the parameters do not drift "
                 f"apart: {spread}.")
    return (f"**Constant $\\eta$ = {c.eta:g}, no baseline.** In {c.steps} "
            "steps " + lock + theta)


@dataclass(frozen=True)
class Fix:
    """The recommended fix (baseline + entropy + Robbins–Monro steps)."""
    tau: float
    seeds: int
    steps: int
    on_best: int                  # seeds whose greedy arm at T is arm 1
    pi_best: tuple[float, float]  # final π(a₁): mean, sd across seeds
    pi_star: float                # π*(a₁) = softmax(R/τ)₁
    gap: tuple[float, float]      # final θ₁ − θ₂: mean, sd across seeds
    gap_target: float             # (R₁ − R₂)/τ
    t_early: int
    dist_early: float             # mean |centred θ − θ*| at t_early
    dist_end: float               # ... at t = T

    @property
    def converged(self) -> bool:
        return (self.on_best == self.seeds
                and abs(self.pi_best[0] - self.pi_star) < PI_CLOSE
                and abs(self.gap[0] - self.gap_target) < GAP_CLOSE
                and self.dist_end < self.dist_early)


def fix_result(f: Fix) -> str:
    """Does the recommended fix reach θ* (in policy, gap and distance)?"""
    numbers = (f"final $\\pi(a_1)$ {pm(*f.pi_best)} against "
               f"$\\pi^\\star(a_1)$ = {f.pi_star:.3g}, gap "
               f"$\\theta_1-\\theta_2$ {pm(*f.gap)} against "
               f"$(R_1-R_2)/\\tau$ = {f.gap_target:.3g}, and the mean "
               "distance to $\\theta^\\star$ went from "
               f"{f.dist_early:.3g} at $t$ = {f.t_early} to {f.dist_end:.3g}.")
    head = (f"**Recommended fix** (baseline, entropy $\\tau$ = {f.tau:g}, "
            "Robbins–Monro steps). ")
    if f.converged:
        return head + (f"All {f.seeds} seeds converge to $\\pi^\\star$ and "
                       f"their parameters towards $\\theta^\\star$: "
                       + numbers)
    return head + (f"{f.on_best} of {f.seeds} seeds end on arm 1, but in "
                   f"{f.steps} steps the run does not yet show convergence "
                   f"to $\\theta^\\star$: " + numbers)


@dataclass(frozen=True)
class Variants:
    """The other variants of part (b), run on the same seeds."""
    seeds: int
    steps: int
    on_best: dict[str, int]       # seeds on arm 1 at T, per variant name
    worse_plain: int              # plain, constant η: seeds on a worse arm
    worse_early: int              # ... on a worse arm at t_early
    escaped: int                  # of those, on arm 1 again at t = T
    early_locked: int             # of those, π(a₁) < 0.05 already at t_lock
    t_lock: int
    eta_lock: float               # the Robbins–Monro step at t_lock
    pi_base: float                # baseline + RM: mean final π(a₁)
    t_early: int
    gap_base: tuple[float, float]  # baseline + RM: mean θ₁ − θ₂ at t_early, T
    log_sum_eta: float            # rise of log Σ_{s<t} η_s over that interval
    gap_error: Sequence[float]    # fix: mean |θ₁ − θ_j − (R₁ − R_j)/τ|, j ≥ 2
    pi_star_rest: Sequence[float]  # π*_j, j ≥ 2
    gap_sd: tuple[float, float]   # fix: sd of θ₁ − θ₂, constant η vs RM
    dist_end: float               # fix: mean |centred θ − θ*| at t = T
    dist_flow: float              # ... of the exact-gradient path


PLAIN, PLAIN_RM = "plain, constant η", "plain, RM η"
BASE, BASE_RM = "baseline, constant η", "baseline, RM η"


def what_fixes_what(v: Variants) -> str:
    """Which change cures the lock-in, and which makes θ converge."""
    def seeds(name: str) -> str:
        return f"{v.on_best[name]} of {v.seeds} seeds"

    if v.on_best[PLAIN] < v.seeds and v.on_best[PLAIN_RM] < v.seeds:
        rm, const = v.on_best[PLAIN_RM], v.on_best[PLAIN]
        than = ("as many as" if rm == const
                else "more than" if rm > const else "fewer than")
        txt = ("(i) *Robbins–Monro steps alone* do not cure the lock-in: "
               f"{seeds(PLAIN_RM)} end on arm 1, {than} with constant "
               f"$\\eta$ ({const} of {v.seeds}). ")
        if v.early_locked:
            txt += (f"The lock-in happens early: of the {v.worse_plain} "
                    "plain seeds that end on a worse arm, "
                    f"{v.early_locked} already had $\\pi(a_1) < 0.05$ at "
                    f"$t$ = {v.t_lock}, when the RM step is still "
                    f"{v.eta_lock:.2g}. ")
    else:
        txt = ("(i) In this run lock-in is too rare to compare the plain "
               f"variants (constant $\\eta$: {seeds(PLAIN)} on arm 1; RM "
               f"steps: {seeds(PLAIN_RM)}). ")
    if v.escaped:
        txt += (f"{count(v.escaped, 'plain seed')} on a worse arm at $t$ = "
                f"{v.t_early} escaped by $t$ = {v.steps}: lock-in is long "
                "but not necessarily permanent. ")
    elif v.worse_early:
        txt += (f"None of the {v.worse_early} plain seeds on a worse arm at "
                f"$t$ = {v.t_early} escaped by $t$ = {v.steps}. ")
    txt += (f"(ii) *With the baseline*, {seeds(BASE)} (constant $\\eta$) "
            f"and {seeds(BASE_RM)} (RM steps) end on arm 1")
    cured = (v.on_best[BASE] == v.on_best[BASE_RM] == v.seeds
             and v.on_best[PLAIN] < v.seeds)
    txt += (": removing the all-positive push removes the lock-in. " if cured
            else ". ")
    early, end = v.gap_base
    txt += ("Baseline + RM " + ("has converged in the sense of the policy "
            if v.pi_base > 0.99 else "is still moving towards "
            "$\\pi(a_1) = 1$ ") + f"(final $\\pi(a_1)$ {v.pi_base:.3g} on "
            "average), but its parameters "
            + (f"do not converge: the mean gap $\\theta_1-\\theta_2$ went "
               f"from {early:.3g} at $t$ = {v.t_early} to {end:.3g} at "
               f"$t$ = {v.steps}, growing like $\\log\\sum_{{s<t}}\\eta_s$ "
               f"(which rose by {v.log_sum_eta:.2g} over the same interval), "
               "because the maximiser of $J$ is at infinity. "
               if end > early else
               f"did not drift apart here (mean gap $\\theta_1-\\theta_2$ "
               f"{early:.3g} at $t$ = {v.t_early}, {end:.3g} at "
               f"$t$ = {v.steps}), contrary to the prediction. "))
    txt += ("(iii) *With the entropy term*, per arm the final mean error of "
            "the gap $\\theta_1-\\theta_j$ (target $(R_1-R_j)/\\tau$) is "
            + ", ".join(f"{e:.2g}" for e in v.gap_error)
            + f" for $j$ = 2–{len(v.gap_error) + 1}, where "
            "$\\pi^\\star_j$ = "
            + ", ".join(f"{p:.2g}" for p in v.pi_star_rest) + ": ")
    ordered = all(a <= b for a, b in zip(v.gap_error, v.gap_error[1:]))
    txt += ("the coordinates of rarely pulled arms relax slowest. "
            if ordered else "not in the order of $\\pi^\\star_j$, so noise, "
            "not only the relaxation rate, sets these errors. ")
    if v.dist_end < RELAXATION * v.dist_flow:
        txt += (f"The exact-gradient path with the same steps is still "
                f"{v.dist_flow:.3g} from $\\theta^\\star$ at $t$ = {v.steps} "
                f"(the runs: {v.dist_end:.3g}), so what remains is this slow "
                "relaxation, not noise. ")
    else:
        txt += (f"The exact-gradient path with the same steps is "
                f"{v.dist_flow:.3g} from $\\theta^\\star$ at $t$ = {v.steps} "
                f"(the runs: {v.dist_end:.3g}), so part of what remains is "
                "noise not yet averaged out. ")
    const, rm = v.gap_sd
    if const > NOISE_FLOOR * rm:
        txt += ("With constant $\\eta$ the entropy run keeps fluctuating "
                f"around $\\theta^\\star$ (gap sd {const:.2g} against "
                f"{rm:.2g} with RM steps): the decaying steps turn 'near "
                "$\\theta^\\star$' into convergence.")
    else:
        txt += (f"The spread of the gap with constant $\\eta$ ({const:.2g}) "
                f"is not yet clearly larger than with RM steps ({rm:.2g}) in "
                "this run; the difference is a noise floor of order "
                "$\\sqrt\\eta$ that only decaying steps remove.")
    return "**What fixes what.** " + txt
