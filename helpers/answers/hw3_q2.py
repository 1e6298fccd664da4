"""HW3 Q2: gradient descent–ascent on quadratic and bilinear games."""

from collections.abc import Sequence

from ..decide import ROUNDING


def same_factor(err: float) -> str:
    """Does GDA on 4x² − 4y² scale x and y by the same factor per step
    (largest measured difference `err` of the two factors)?"""
    if err <= ROUNDING:
        return ("Both coordinates are multiplied by the same factor (up to "
                "rounding), so GDA moves on the straight line through $z_0$ "
                "and the saddle, flipping sides every step when "
                "$1-8\\eta<0$.")
    return (f"The two coordinates' factors differ by up to {err:.2g}, so "
            "GDA does not move on the straight line through $z_0$, contrary "
            "to the closed form.")


def gd_runs_down(factor: float, predicted: float) -> str:
    """Plain GD's measured per-step factor of y vs the prediction 1 + 8η."""
    head = (f"Plain GD multiplies $y$ by {factor:.4g} per step (predicted "
            f"$1+8\\eta$ = {predicted:.4g}) and ")
    if factor > 1:
        return head + "runs down the concave direction"
    return head + "does not grow in $y$, contrary to the prediction"


# |z_T|/|z_0| within a factor 10 either way counts as a bounded orbit.
BOUNDED = 1.0


def bilinear(gda_conv: int, alt_conv: int, num: int,
             alt_log: tuple[float, float]) -> str:
    """f = xy: simultaneous GDA (predicted to diverge for every η > 0) and
    alternating updates (predicted bounded, neither converging nor
    diverging), from the counts of contracting step sizes among `num` and
    the range of log10 |z_T|/|z_0| of the alternating runs."""
    gda = ("as predicted, it diverges for every positive step size"
           if gda_conv == 0 else
           f"contrary to the prediction, it contracts for {gda_conv} of "
           f"{num} step sizes")
    lo, hi = alt_log
    head = (f"Alternating updates: $\\log_{{10}} |z_T|/|z_0|$ lies in "
            f"[{lo:.2g}, {hi:.2g}] over the grid and {alt_conv} of {num} "
            "step sizes contract: ")
    if alt_conv == 0 and max(abs(lo), abs(hi)) <= BOUNDED:
        alt = ("bounded cycling without convergence (within a factor 10 of "
               "$|z_0|$), as predicted.")
    elif alt_conv:
        alt = "some runs converge, contrary to the bounded-orbit prediction."
    else:
        alt = ("the distance leaves the factor-10 band around $|z_0|$, so "
               "at this horizon the orbit does not look bounded, contrary "
               "to the prediction.")
    return f"Simultaneous GDA: {gda}. " + head + alt


def escape(log_min: float, log_end: float, t_min: int, steps: int) -> str:
    """GD started on the stable eigenvector: did rounding make it escape?
    (log10 distance at its minimum and at the end of the run)."""
    if log_end > log_min + 1:
        return (f"In exact arithmetic the run would converge; here it "
                f"escapes: after t = {t_min} the distance grows by "
                f"$10^{{{log_end - log_min:.1f}}}$, so the stable line is "
                "unstable to perturbations in practice.")
    return (f"Within {steps} steps the distance has not grown tenfold from "
            "its minimum, so this run shows no escape at this horizon.")


def gda_runs(etas: Sequence[float], factors: Sequence[float],
             predicted: Sequence[float]) -> str:
    """GDA's measured per-step factor of x for each η, with what it means
    (monotone or oscillating convergence, one step, divergence)."""
    def what(f: float) -> str:
        if abs(f) >= 1:
            return "diverges"
        if abs(f) <= ROUNDING:
            return "lands on the saddle"
        return ("converges monotonically" if f > 0 else
                "converges while jumping across the saddle")

    def listed(words: Sequence[str]) -> str:
        return (", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1
                else words[0])

    return (f"At η = {listed([f'{e:g}' for e in etas])} GDA multiplies $z$ "
            f"by {listed([f'${f:.3g}$' for f in factors])} per step (closed "
            f"form $1-8\\eta$: {', '.join(f'${p:.3g}$' for p in predicted)}):"
            f" it {listed([what(f) for f in factors])}.")


def boundary(largest: float, next_eta: float, next_converges: bool,
             derived: float, spacing: float, num_etas: int,
             num_points: int) -> str:
    """(c) in numbers: does the derived η* lie between the largest
    converging grid step size and the next one?"""
    nxt = (f"the next, η = {next_eta:.4g}, "
           + ("converges too" if next_converges else "diverges"))
    head = (f"Over {num_etas} step sizes and {num_points} random starts, "
            f"GDA converges from every start up to η = {largest:.4g} and "
            f"{nxt}; the derived bound η* = {derived:.4g} ")
    if largest <= derived < next_eta and not next_converges:
        return head + ("lies between them: simulation and theory agree "
                       f"(grid spacing {spacing:.2g}).")
    return head + (f"does not lie between them (grid spacing {spacing:.2g}): "
                   "simulation and theory disagree.")


# GD from y₀ = 0 counts as converged when |z_T| < CONVERGED·|z_0|.
CONVERGED = 1e-6


def gd_special(dist_start: float, dist_end: float, steps: int) -> str:
    """The special case y₀ = 0 of plain GD: did it converge?"""
    ratio = dist_end / dist_start
    if ratio < CONVERGED:
        return (f"from $y_0 = 0$ it converges to the saddle "
                f"($|z|$ = {dist_end:.2g} after {steps} steps), the special "
                "case of (d).")
    return (f"from $y_0 = 0$ it does not converge ($|z|$ = {dist_end:.2g} "
            f"after {steps} steps, {ratio:.2g} of the start), contrary to the "
            "special case of (d).")
