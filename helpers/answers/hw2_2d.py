"""HW2 2d: a path of low U between two inverted codes."""

from collections.abc import Sequence

from ..decide import SAME, median, percent, word

PCT = percent(SAME)


def arc_vs_line(u_ratio: float, length_ratio: float) -> str:
    """U(arc)/U(line) split into length × mean weight f, as a clause."""
    f_ratio = u_ratio / length_ratio
    head = (f"the arc is {length_ratio:.3f}× as long as the chord, its U "
            f"is {u_ratio:.3f}× the line's and its mean weight f is "
            f"{f_ratio:.3f}× the line's")
    if u_ratio > 1:
        return head + ": on the shell this path costs more than the chord"
    return head + (": on the shell G's images are closer to both ends, "
                   "which more than pays for the longer path")


def _range(values: Sequence[float]) -> str:
    """'median m (min–max a–b)' of a list, three decimals."""
    return (f"median {median(values):.3f} (min–max {min(values):.3f}–"
            f"{max(values):.3f})")


def line_improvement(ratios: Sequence[float], best_iters: Sequence[int],
                     iters: int | None = None) -> str:
    """U(result)/U(line) per pair, and how many pairs the optimiser
    improved on (best iterate after the start) vs returned the line; with
    `iters`, also how many pairs' best is the last iterate (still falling)."""
    return " ".join(filter(None, [_improvement(ratios, best_iters),
                                  budget(best_iters, iters)]))


def budget(best_iters: Sequence[int], iters: int | None) -> str:
    """Did the iterations run out? A sentence on the pairs whose best
    iterate is the last one ('' without `iters`)."""
    if iters is None or iters == 0:
        return ""
    at_end = sum(1 for i in best_iters if i == iters)
    if at_end == 0:
        return ("Every pair's best path came before the last iteration: "
                "U of the candidates stopped falling within the budget.")
    return (f"For {at_end} of {len(best_iters)} pairs the best path is the "
            "last iterate: U is still falling when the iterations run out, "
            "so more iterations may lower it further.")


def _improvement(ratios: Sequence[float], best_iters: Sequence[int]) -> str:
    """The first part of `line_improvement`."""
    n = len(ratios)
    won = sum(1 for i in best_iters if i > 0)
    clear = sum(1 for r in ratios if r < 1 - SAME)
    head = (f"U of the returned path over U of the straight line is "
            f"{_range(ratios)} over the {n} pairs. ")
    if won == 0:
        return head + ("For no pair did any iterate beat the straight line, "
                       "so the line itself is returned for all of them: "
                       "within this budget the straight line is the best "
                       "path found.")
    tail = (f", each by more than {PCT}" if clear == won else
            f", but none by more than {PCT}" if clear == 0 else
            f"; {clear} of the {n} by more than {PCT}")
    if won == n:
        return head + (f"The optimiser finds a path of lower U than the "
                       f"straight line for every pair{tail}.")
    return head + (f"The optimiser finds a path of lower U than the "
                   f"straight line for {won} of the {n} pairs{tail}; for "
                   f"the other {n - won} no iterate beat the line, which is "
                   "returned as it is (ratio exactly 1).")


def shell_variant(shell: Sequence[float], free: Sequence[float]) -> str:
    """The shell-constrained variant vs the unconstrained answer, from their
    per-pair U/U(line)."""
    above = sum(1 for r in shell if r > 1)
    head = (f"The shell-constrained variant ends at U/U(line) {_range(shell)}"
            f", above the straight line for {above} of {len(shell)} pairs, "
            f"against {_range(free)} unconstrained: ")
    return head + word(
        median(shell) / median(free),
        lower="on the shell the optimiser ends lower (it starts from the "
        "arc, not the line, and reaches a different local optimum), so the "
        "constraint does not cost U here.",
        higher="the constraint costs U; the unconstrained path is cheaper "
        "because it may use codes off the shell, where G was not trained.",
        same=f"the constraint costs about nothing here (medians within {PCT}).")


# Re-evaluating U with 4× more points per segment may raise it by at most
# 5 % for the discrete U to count as a faithful quadrature of the integral.
FAITHFUL = 1.05


def quadrature(main: dict[str, float], bare: dict[str, float],
               iters: int) -> str:
    """Do the points bunch up without reparametrisation? From each run's
    max spacing ratio and max U(4× points)/U (`spacing`, `refined`)."""
    ok = main["refined"] <= FAITHFUL
    first = (f"with reparametrisation the spacing ratio stays at "
             f"{main['spacing']:.2f} and refining every segment 4× changes U "
             f"by at most a factor {main['refined']:.3f}, so the discrete U "
             + (f"is a faithful quadrature (within {FAITHFUL - 1:.0%})" if ok else
                f"still misses ridges between points (more than {FAITHFUL - 1:.0%}); more "
                "points are needed") + "; without it ")
    if bare["spacing"] > 2 * main["spacing"]:
        second = (f"the points bunch up (spacing ratio {bare['spacing']:.2f})"
                  f" and the refined U is up to {bare['refined']:.3f}× the "
                  "discrete one, "
                  + ("so at this size the bunching hardly biases U."
                     if bare["refined"] <= FAITHFUL else
                     "so its discrete U undercharges the path: a degenerate "
                     "solution that reparametrisation prevents."))
    else:
        second = (f"the spacing ratio is {bare['spacing']:.2f} (no bunching "
                  f"within these {iters} iterations; refined U up to "
                  f"{bare['refined']:.3f}×).")
    return first + second


def off_shell(frac_out: float, lo: float, hi: float, zmin: float,
              zmax: float) -> str:
    """Where the unconstrained path's interior points lie relative to the
    prior's typical band of ‖z‖ [lo, hi] (`frac_out`: share outside it)."""
    head = (f"The unconstrained path's interior points have ‖z‖ ∈ "
            f"[{zmin:.1f}, {zmax:.1f}] against the prior's typical band "
            f"[{lo:.1f}, {hi:.1f}]: ")
    if frac_out == 0:
        return head + "all of them stay in the band."
    return head + (f"{frac_out:.0%} of them lie outside it, where G saw "
                   "almost no training codes; the shell variant avoids "
                   "them.")
