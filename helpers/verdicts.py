"""Conclusions as functions of the measured numbers (HW2 1e, 2a–2e, HW3 Q1, Q3).

The sentences are Markdown (for `report.md`): a literal asterisk is "\\*".

Each function takes numbers a notebook measured and returns the sentence
that states what they show, worded for every outcome; the thresholds are
module constants so that the tests can check both sides of each.
"""

from collections.abc import Sequence

from .text import count

# Mean discriminator BCE per epoch below which D wins outright: the loss is
# BCE(real, 1) + BCE(fake, 0), so 0.05 means σ(D) > 0.975 on real and
# < 0.025 on fake images on average (the starved-generator regime).
D_WINS = 0.05
# Class coverage = H(predicted classes) / log 10; exp(H) = 10^coverage is
# the number of equally used classes, so below 0.5 the samples use about
# three classes or fewer (≈ 3.2): few modes.
FEW_MODES = 0.5
# A ratio within ±3 % of 1 counts as "about the same".
SAME = 0.03


def times(ratio: float) -> str:
    """A ratio for prose: two decimals below 10, whole numbers above."""
    return f"{ratio:.2f}" if ratio < 10 else f"{ratio:.0f}"


def collapse_epoch(d_loss: Sequence[float]) -> int | None:
    """First epoch (1-based) whose mean D loss is below D_WINS, or None."""
    return next((e + 1 for e, v in enumerate(d_loss) if v < D_WINS), None)


def compare(ratio: float, lower: str = "lower", higher: str = "higher",
            same: str = "about the same (within 3 %)") -> str:
    """Word a ratio new/old: lower, higher, or about the same (±SAME)."""
    if ratio < 1 - SAME:
        return lower
    return higher if ratio > 1 + SAME else same


# k-NN recall (the share of test images inside some sample's k-NN ball;
# real data ≈ 0.88) below NO_RECALL while precision is at least REALISTIC:
# the samples look like data but reach almost none of it (dropped modes).
NO_RECALL = 0.05
REALISTIC = 0.5


def _joined(names: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c' + ' test' or ' tests'."""
    words = (names[0] if len(names) == 1
             else ", ".join(names[:-1]) + " and " + names[-1])
    return words + (" test" if len(names) == 1 else " tests")


def _reach(precision: float, recall: float) -> tuple[str, bool]:
    """The recall test as a clause, and whether it finds collapse."""
    text = f"precision {precision:.3f} and recall {recall:.3f}"
    if recall >= NO_RECALL:
        return text, False
    if precision >= REALISTIC:
        return (text + f" (data-like samples that reach almost none of the "
                f"test images: recall < {NO_RECALL})"), True
    return (text + f" (recall < {NO_RECALL}, but at precision below "
            f"{REALISTIC} the samples are not yet data-like, so low recall "
            "does not tell collapse from poor quality)"), False


def collapse(history: dict[str, Sequence[float]], lead: str = "",
             last: tuple[dict[str, float], int] | None = None) -> str:
    """Whether a GAN run collapsed, by three tests on its last epoch: the D
    loss (D wins outright), the classes (coverage < FEW_MODES) and the
    recall (data-like samples with recall < NO_RECALL); `lead` starts the
    sentence (e.g. "For the regular GAN, "). `last` = (scores, sample size)
    of the last epoch (train.last_scores) when it was scored on a larger
    sample than the per-epoch history."""
    d, g, cov = history["d_loss"], history["g_loss"], list(history["coverage"])
    scores = {name: history[name][-1]
              for name in ("coverage", "precision", "recall")}
    sample = ""
    if last is not None:
        scores = {name: last[0][name] for name in scores}
        cov[-1] = scores["coverage"]
        sample = f" ({last[1]:,} samples)"
    e = collapse_epoch(d)
    if e:
        loss = (f"the discriminator wins outright at epoch {e} (mean loss "
                f"{d[e - 1]:.3f} < {D_WINS}, generator loss "
                f"{g[e - 1]:.2f})")
    else:
        loss = (f"the discriminator never wins outright: its mean loss "
                f"stays above {D_WINS} in all {len(d)} epochs (lowest "
                f"{min(d):.3f}) and the generator loss is at most "
                f"{max(g):.2f}")
    few = cov[-1] < FEW_MODES
    first_few = next((k + 1 for k, c in enumerate(cov) if c < FEW_MODES),
                     None)
    reach, dropped = _reach(scores["precision"], scores["recall"])
    modes = (f"the last epoch's samples{sample} have class coverage "
             f"{cov[-1]:.2f} (about {10 ** cov[-1]:.1f} equally used "
             f"classes; lowest over epochs {min(cov):.2f}"
             + (f", first below {FEW_MODES} at epoch {first_few}"
                if first_few else "") + f"), {reach}")
    tests = {"loss": bool(e), "class": few, "recall": dropped}
    failed = [name for name, bad in tests.items() if bad]
    passed = [name for name, bad in tests.items() if not bad]
    if not failed:
        end = ("training did not collapse by any of the three tests (loss, "
               "class, recall).")
    else:
        end = (f"training collapsed by the {_joined(failed)}"
               + (f"; it passes the {_joined(passed)}." if passed else "."))
    start = lead + loss if lead else loss[0].upper() + loss[1:]
    return f"{start}; {modes}: {end}"


def epoch_time(ratio: float, critic_steps: int) -> str:
    """Explain the measured WGAN-GP/GAN seconds-per-epoch ratio."""
    head = (f"One WGAN-GP epoch takes {ratio:.2f}× as long as a GAN epoch "
            "(median training seconds per epoch of each run): ")
    why = (f"both pay a double backward for their penalty on every "
           f"critic/discriminator step, and WGAN-GP updates the generator "
           f"only once per {critic_steps} critic steps")
    if ratio < 1 - SAME:
        return head + f"it is faster, as expected, since {why}."
    if ratio > 1 + SAME:
        return (head + f"it is slower, although {why}; so in this run "
                "something other than the generator updates dominates the "
                "epoch time (this measurement does not say what).")
    return (head + f"about the same, although {why}: the saved generator "
            "updates are a small part of an epoch in this run.")


# ---- HW2 2c: inversion from many starts -----------------------------------

# Two codes of one image count as the same z* when they are closer than
# this fraction of ‖z*‖: Adam moves each coordinate by up to lr = 0.05 per
# step, i.e. by up to 0.05 √d ≈ 0.05 ‖z*‖ for codes near the shell, so
# closer codes are indistinguishable from one point seen through Adam's
# jitter.
SAME_CODE = 0.05
# Restarts "pay" when the best of R starts is at least 5 % below the
# median start's loss.
RESTART_GAIN = 0.05


def distinct_codes(frac_same: float, pairs: int) -> str:
    """Do different starts reach different z*? From the share of same-image
    pairs of codes closer than SAME_CODE × ‖z*‖."""
    tol = f"{SAME_CODE:.0%} of ‖z\\*‖"
    if frac_same == 0:
        return (f"Different initialisations give different z\\*: none of the "
                f"{pairs} same-image pairs of codes is closer than {tol}.")
    if frac_same == 1:
        return (f"Different initialisations reach the same z\\*: all {pairs} "
                f"same-image pairs of codes are closer than {tol}.")
    return (f"Some initialisations reach the same z\\* and others do not: "
            f"{frac_same:.0%} of the {pairs} same-image pairs of codes are "
            f"closer than {tol}.")


def basins(frac_ridge: float, pairs: int, median_rel: float) -> str:
    """What the barrier test says: share of pairs separated by a ridge."""
    head = (f"In {frac_ridge:.0%} of the {pairs} same-image pairs the loss "
            "along the straight segment rises more than 1 % above both ends "
            f"(median barrier {median_rel:.1%} of the end loss), so ")
    if frac_ridge > 0.5:
        return head + ("most of these codes sit in separate basins: "
                       "‖G(z) − x‖² is non-convex in z and where gradient "
                       "descent ends depends on the start. ")
    if frac_ridge > 0:
        return head + ("only some pairs are separated by a ridge; the "
                       "others are joined by a segment without one. ")
    return head + ("no pair is separated by a ridge along its segment: "
                   "this test finds no sign of separate basins. ")


def restarts(best: float, typical: float, num: int) -> str:
    """Do restarts pay? Median best-of-`num` loss vs the median start's."""
    gain = 1 - best / typical
    text = (f"keeping the best of {num} starts gives a median loss of "
            f"{best:.1f} against {typical:.1f} for a typical start "
            f"({gain:.0%} lower)")
    if gain >= RESTART_GAIN:
        return f"Restarts pay: {text}."
    return (f"Restarts barely pay: {text}, less than "
            f"{RESTART_GAIN:.0%}.")


def typical_set(frac_out: float, lo: float, hi: float, mean_norm: float,
                root_d: float) -> str:
    """Do the codes leave N(0, I)'s typical shell? From the share of ‖z*‖
    outside [lo, hi], the band holding 99.7 % of the prior's norms."""
    text = (f"{frac_out:.0%} of the codes have ‖z\\*‖ outside [{lo:.1f}, "
            f"{hi:.1f}], where 99.7 % of N(0, I) draws lie, and ‖z\\*‖ "
            f"averages {mean_norm:.1f} = {mean_norm / root_d:.2f} √d")
    if frac_out > 0.5:
        return (f"The codes leave the prior's typical set: {text}; 2d "
                "therefore inverts on the shell ‖z‖ = √d.")
    if frac_out > 0:
        return (f"Some codes leave the prior's typical set: {text}; 2d "
                "inverts on the shell ‖z‖ = √d so that none do.")
    return (f"The codes stay in the prior's typical set: {text}; 2d "
            "inverts on the shell ‖z‖ = √d all the same, so that this "
            "holds by construction.")


# ---- HW2 2d, 2e: latent paths ----------------------------------------------

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


def _mid(values: Sequence[float]) -> float:
    """Median (mean of the two middle values for an even count)."""
    xs = sorted(values)
    return (xs[(len(xs) - 1) // 2] + xs[len(xs) // 2]) / 2


def _range(values: Sequence[float]) -> str:
    """'median m (min–max a–b)' of a list, three decimals."""
    return (f"median {_mid(values):.3f} (min–max {min(values):.3f}–"
            f"{max(values):.3f})")


def line_improvement(ratios: Sequence[float], best_iters: Sequence[int],
                     iters: int | None = None) -> str:
    """U(result)/U(line) per pair, and how many pairs the optimiser
    improved on (best iterate after the start) vs returned the line; with
    `iters`, also how many pairs' best is the last iterate (still falling)."""
    return _improvement(ratios, best_iters) + _budget(best_iters, iters)


def _budget(best_iters: Sequence[int], iters: int | None) -> str:
    """Sentence on pairs whose best iterate is the last one, if any."""
    if iters is None or iters == 0:
        return ""
    at_end = sum(1 for i in best_iters if i == iters)
    if at_end == 0:
        return (" Every pair's best path came before the last iteration: "
                "U of the candidates stopped falling within the budget.")
    return (f" For {at_end} of {len(best_iters)} pairs the best path is the "
            "last iterate: U was still falling when the iterations ran out, "
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
    tail = (", each by more than 3 %" if clear == won else
            ", but none by more than 3 %" if clear == 0 else
            f"; {clear} of the {n} by more than 3 %")
    if won == n:
        return head + (f"The optimiser found a path of lower U than the "
                       f"straight line for every pair{tail}.")
    return head + (f"The optimiser found a path of lower U than the "
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
    return head + compare(
        _mid(shell) / _mid(free),
        lower="on the shell the optimiser ends lower (it starts from the "
        "arc, not the line, and reaches a different local optimum), so the "
        "constraint does not cost U here.",
        higher="the constraint costs U; the unconstrained path is cheaper "
        "because it may use codes off the shell, where G was not trained.",
        same="the constraint costs about nothing here (medians within 3 %).")


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
             + ("is a faithful quadrature (within 5 %)" if ok else
                "still misses ridges between points (more than 5 %); more "
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


def quality_price(fid: tuple[float, float], cov: tuple[float, float]) -> str:
    """Sample quality of the regularised vs the baseline generator, from
    (regularised, baseline) FID (lower is better) and coverage."""
    word = compare(fid[0] / fid[1], "better", "worse", "about the same")
    cov_word = compare(cov[0] / cov[1], "lower", "higher", "about the same")
    return (f"Sample quality is {word} by FID ({fid[0]:.1f} vs "
            f"{fid[1]:.1f}, within 3 % counting as the same) and class "
            f"coverage is {cov_word} ({cov[0]:.3f} vs {cov[1]:.3f}).")


# A setting "lowers min U without doubling FID" when its FID is below this
# multiple of the control's (the bar HW2 2e's reviewer set).
FID_LIMIT = 2.0


def choose_penalty(labels: Sequence[str], u_ratio: Sequence[float],
                   wins: Sequence[int], num_pairs: int,
                   fid_ratio: Sequence[float]) -> tuple[int | None, str]:
    """Pick the setting with the lowest min U among those that lower it
    (mean ratio to the control below 1 − SAME) at FID below FID_LIMIT × the
    control's; its index (None if none qualifies) and the sentence."""
    def said(i: int) -> str:
        return (f"{labels[i]} (min U {u_ratio[i]:.3f}× the control's, lower "
                f"in {wins[i]} of {num_pairs} pairs; FID {times(fid_ratio[i])}×)")
    lower = [i for i in range(len(labels))
             if compare(u_ratio[i]) == "lower"]
    fair = [i for i in lower if fid_ratio[i] < FID_LIMIT]
    if not lower:
        return None, (f"No setting lowers min U by more than 3 % against the "
                      f"control (ratios {min(u_ratio):.3f}–"
                      f"{max(u_ratio):.3f}), so none is chosen.")
    if not fair:
        return None, ("Every setting that lowers min U at least doubles FID: "
                      + "; ".join(said(i) for i in lower)
                      + ". None meets the bar, so none is chosen.")
    best = min(fair, key=lambda i: u_ratio[i])
    costly = [i for i in lower if i not in fair and u_ratio[i] < u_ratio[best]]
    text = (f"We choose {said(best)}: the lowest min U among the settings "
            f"that lower it while keeping FID below {FID_LIMIT:g}× the "
            "control's.")
    if costly:
        text += (" Lower min U is reached only at the price of a doubled "
                 "FID: " + "; ".join(said(i) for i in costly) + ".")
    return best, text


def path_factors(mu: float, dz_ratio: float, c_ratio: float) -> str:
    """Split a change of min U (≥ ½‖x_A − x_B‖² ‖z_A − z_B‖ · c) into the
    codes' distance and the factor c, from ratios to the control's."""
    text = (f"At μ = {mu:g} the inverted codes lie {dz_ratio:.2f}× as far "
            "apart as the control's and the factor "
            "c = U / (½‖x_A − x_B‖² ‖z_A − z_B‖) is "
            f"{c_ratio:.2f}× the control's")
    if compare(dz_ratio) == "higher":
        text += (": a slower G needs its codes further apart to reach the "
                 "same images, which lengthens every path")
        return text + (", while its paths' images are closer to both ends."
                       if compare(c_ratio) == "lower" else
                       ", and its paths' images are not closer to both "
                       "ends.")
    if compare(c_ratio) == "lower":
        return text + (": its paths pass through images closer to both "
                       "ends, as the bound intends.")
    return text + ": neither factor lowers min U."


def _valley(values: Sequence[float]) -> int | None:
    """Index of an interior minimum that `values` falls to at every step and
    rises from at every step after it, else None."""
    k = min(range(len(values)), key=values.__getitem__)
    if not 0 < k < len(values) - 1:
        return None
    falls = all(b < a for a, b in zip(values[:k], values[1:k + 1]))
    rises = all(b > a for a, b in zip(values[k:], values[k + 1:]))
    return k if falls and rises else None


def along_weight(weights: Sequence[float], u_ratio: Sequence[float],
                 fid_ratio: Sequence[float]) -> str:
    """Do min U and FID move monotonically, in opposite directions, as the
    penalty weight grows? (weights ascending, control included)."""
    def trend(values: Sequence[float]) -> str:
        steps = [b - a for a, b in zip(values, values[1:])]
        if all(d < 0 for d in steps):
            return "falls"
        return "rises" if all(d > 0 for d in steps) else "is not monotone"
    u, f = trend(u_ratio), trend(fid_ratio)
    head = (f"As μ grows from {weights[0]:g} to {weights[-1]:g}, min U {u} "
            f"({', '.join(f'{r:.3f}' for r in u_ratio)}) and FID {f} "
            f"({', '.join(times(r) for r in fid_ratio)}, both relative to "
            "the control)")
    if u == "falls" and f == "rises":
        return head + (": along this penalty the two trade off against each "
                       "other at every step of μ.")
    k = _valley(u_ratio)
    if k is not None and f == "rises":
        return head + (f": min U falls up to μ = {weights[k]:g} (ratio "
                       f"{u_ratio[k]:.3f}) and rises beyond it, while FID "
                       "rises at every step, so the penalty trades sample "
                       f"quality for a lower min U only up to μ = "
                       f"{weights[k]:g} and costs both beyond it (one run "
                       "per setting).")
    return head + (": the measured points show no clean trade-off along μ "
                   "(one run per setting, so seed noise may hide or fake "
                   "one).")


# ---- HW3 Q1: the single-sample policy gradient ----------------------------

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


def local_minima(found: list[str], final: list[str], lam_min: list[float],
                 lam_ratio: list[float], steps: list[int], cap: int,
                 moved: float, rel_dec: list[float],
                 drop: list[float]) -> str:
    """One sentence per verdict of the second-order test (2c), from the
    verdicts as found and after Newton refinement, each final code's λ_min,
    λ_min/λ_max, Newton steps, decrement / L and relative loss drop during
    refinement, and the largest ‖Δz‖."""
    n = len(final)
    ids = {k: [i for i, x in enumerate(final) if x == k] for k in
           ("local minimum", "saddle", "not converged")}
    mins, sads, ncs = ids.values()
    refined = sum(x == "not converged" for x in found)
    out = [f"As the inversion left them, {n - refined} of {n} codes pass the "
           "stationarity test; "
           + (f"the other {refined} were refined by Newton steps (at most "
              f"{cap} each; they moved by at most {moved:.2g} in z)."
              if refined else "none needed refining.")]
    if mins:
        lo = min(lam_min[i] for i in mins)
        ratio = min(lam_ratio[i] for i in mins)
        out.append(("All" if len(mins) == n else f"{len(mins)} of")
                   + f" {n} codes are local minima: stationary, with the "
                   f"Hessian's smallest eigenvalue at least {lo:.3g} "
                   f"(≥ {ratio:.2g} λ_max), i.e. positive curvature in "
                   "every direction.")
    else:
        out.append("No code passes as a local minimum.")
    if sads:
        lo = min(lam_min[i] for i in sads)
        verb = "is a saddle point" if len(sads) == 1 else \
            "are saddle points"
        out.append(f"{len(sads)} {verb}: stationary, but with "
                   f"a negative eigenvalue down to {lo:.3g}.")
    elif mins:
        out.append("None is a saddle: no stationary code has a negative "
                   "eigenvalue beyond the tolerance.")
    else:
        out.append("None is a saddle either, since no code is stationary.")
    if ncs:
        verb = "is" if len(ncs) == 1 else "are"
        out.append(f"{len(ncs)} {verb} still not converged after "
                   f"{max(steps[i] for i in ncs)} Newton steps (the cap): "
                   f"their loss fell by a median {_median(drop, ncs):.1%} "
                   "while refined, and their Newton decrement is still a "
                   f"median {_median(rel_dec, ncs):.2g} × L, so the test "
                   "cannot classify them.")
    elif refined:
        out.append(f"None remains unconverged: the refined codes needed "
                   f"at most {max(steps)} Newton steps.")
    return " ".join(out)


def outward(changes: list[float], factor: float) -> str:
    """Sentence on L(factor · z)/L(z) − 1 of the unconverged codes."""
    if not changes:
        return ""
    lower = sum(c < 0 for c in changes) / len(changes)
    mid = _median(changes, range(len(changes)))
    head = (f"Scaling the unconverged codes by {factor:g} (outward) changes "
            f"their loss by a median {mid:+.2%} and lowers it for "
            f"{lower:.0%} of them: ")
    if lower > 0.5:
        return head + ("most of them still descend towards larger ‖z‖, "
                       "away from the prior's shell.")
    if lower > 0:
        return head + "only some still descend in that direction."
    return head + "none descends in that direction."


def _median(values: list[float], ids: list[int]) -> float:
    """Median (lower middle) of values at the indices ids."""
    chosen = sorted(values[i] for i in ids)
    return chosen[(len(chosen) - 1) // 2]


def argmin_answer(final: list[str]) -> str:
    """Answer "is the argmin a local minimum?" from the final verdicts."""
    n, k = len(final), final.count("local minimum")
    rest = (f"{count(final.count('saddle'), 'saddle')} and "
            f"{final.count('not converged')} undecided")
    if k == n:
        return (f"Is the argmin a local minimum? Yes: all {n} codes pass "
                "the second-order test (zero gradient, positive definite "
                "Hessian). ")
    if k:
        return (f"Is the argmin a local minimum? For {k} of {n} codes, "
                f"yes; the others are {rest}. ")
    return (f"Is the argmin a local minimum? No code passes the "
            f"second-order test: {rest}. ")


# float64 steps of size ~ η R carry rounding errors near 1e-16 of their
# size; anything above 1e-9 of it is a real difference.
ROUNDING = 1e-9


def matches_closed_form(err: float, scale: float) -> str:
    """Parenthetical: does the simulator's step equal the closed form, given
    the largest difference `err` and the size `scale` of the steps?"""
    if err <= ROUNDING * scale:
        return "(equal up to floating-point rounding)"
    return ("(a difference beyond floating-point rounding: the simulator "
            "does not implement the update of part (a))")


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


# ---- G and its weight average G_ema (HW3 Q3, HW2 2a/2b) -------------------

def _fids(values: Sequence[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def closer_by_fid(a: str, a_fids: Sequence[float], b: str,
                  b_fids: Sequence[float]) -> str:
    """Which of two methods is closer to the data on FID, from one FID per
    seed each: with several seeds a lead counts only when every seed of one
    beats every seed of the other; with one seed, the ±SAME rule."""
    mean_a = sum(a_fids) / len(a_fids)
    mean_b = sum(b_fids) / len(b_fids)
    if min(len(a_fids), len(b_fids)) == 1:
        return compare(
            mean_a / mean_b,
            lower=f"{a} is closer to the data on this metric (one seed)",
            higher=f"{b} is closer to the data on this metric (one seed)",
            same="the two are about as close to the data (within 3 %, one "
                 "seed)")
    if max(a_fids) < min(b_fids) or max(b_fids) < min(a_fids):
        win, lose = (a, b) if mean_a < mean_b else (b, a)
        return (f"{win} is closer to the data on this metric: every seed of "
                f"it beats every seed of {lose} ({a}: {_fids(a_fids)}; "
                f"{b}: {_fids(b_fids)})")
    return (f"the seeds overlap ({a}: {_fids(a_fids)}; {b}: "
            f"{_fids(b_fids)}), so {len(a_fids)} seeds do not tell which "
            "is closer to the data on this metric")


LAST_K = 5   # epochs over which a quoted score's spread is reported


def spread(values: Sequence[float], k: int = LAST_K) -> str:
    """'a–b over the last k epochs' of a per-epoch series."""
    tail = list(values)[-k:]
    return (f"{min(tail):.1f}–{max(tail):.1f} over the last {len(tail)} "
            "epochs")


def ema_comparison(raw: dict[str, float], avg: dict[str, float],
                   floor: dict[str, float], num: int, epoch: int,
                   raw_fids: Sequence[float], avg_fids: Sequence[float],
                   per_epoch: int) -> str:
    """G vs G_ema at the last epoch (scores of `num` samples), with the
    spread of each one's per-epoch FID (`per_epoch` samples) and which
    of the two is closer to the data on FID."""
    def scores(s: dict[str, float]) -> str:
        return (f"FID {s['fid']:.1f}, precision {s['precision']:.3f}, "
                f"recall {s['recall']:.3f}, coverage {s['coverage']:.3f}")
    ratio = avg["fid"] / raw["fid"]
    which = compare(ratio, lower="G_ema is closer to the data than G",
                    higher="G is closer to the data than G_ema",
                    same="G and G_ema are about as close to the data "
                    "(within 3 %)")
    return (f"At epoch {epoch}, on {num:,} samples: G has {scores(raw)}; "
            f"G_ema has {scores(avg)}; real training images have "
            f"{scores(floor)}. On FID {which} (ratio {ratio:.2f}). The "
            f"per-epoch FID ({per_epoch:,} samples) of G spans "
            f"{spread(raw_fids)}, that of G_ema {spread(avg_fids)}.")


def ema_answer(method: str, raw_fid: float, avg_fid: float, num: int,
               answer: str = "G") -> str:
    """Which generator (`answer`: "G" or "G_ema") the answer's pictures
    and scores use for `method`, and whether it is the one closer to the
    data on FID (`num` samples)."""
    other = "G_ema" if answer == "G" else "G"
    mine, theirs = ((raw_fid, avg_fid) if answer == "G"
                    else (avg_fid, raw_fid))
    head = (f"For {method} the answer's pictures and scores are {answer}'s; "
            f"on {num:,} samples {answer} has FID {mine:.1f} and {other} "
            f"{theirs:.1f}, so ")
    return head + compare(
        mine / theirs,
        lower="the answer shows the closer of the two to the data.",
        higher=f"{other} is closer to the data than the pictures shown.",
        same="the two are about as close to the data (within 3 %).")


# ---- HW3 Q3: how far from the GAN equilibrium? ----------------------------

# A discriminator output gap this large (a tenth of the [0, 1] range) counts
# as clearly separating real from generated images.
SEPARATES = 0.1


def equilibrium(d_real: Sequence[float], d_fake: Sequence[float],
                k: int = LAST_K) -> str:
    """What the mean σ(D(x)) and σ(D(G(z))) of the last k epochs say about
    the equilibrium p_g = p_data (where the optimal D is ½ everywhere).

    For any D with values in [0, 1], E_data[D] − E_g[D] ≤ TV(p_data, p_g),
    so each epoch's gap is a lower bound on the total variation distance;
    a small gap bounds nothing (a weak D also has one)."""
    real, fake = list(d_real)[-k:], list(d_fake)[-k:]
    gaps = [r - f for r, f in zip(real, fake)]
    n = len(gaps)
    head = (f"Over the last {n} epochs the discriminator assigns on average "
            f"{sum(real) / n:.2f} to real and {sum(fake) / n:.2f} to "
            f"generated images (½ and ½ at the equilibrium p_g = p_data, "
            f"where the optimal D is ½ everywhere); the gap is "
            f"{min(gaps):.2f}–{max(gaps):.2f} per epoch. Since "
            "E_data[D] − E_g[D] ≤ TV(p_data, p_g) for any D with values in "
            "[0, 1], ")
    if min(gaps) >= SEPARATES:
        return head + (f"the total variation distance between data and "
                       f"generator is at least {min(gaps):.2f} in every one "
                       "of these epochs: training has not reached the "
                       "equilibrium.")
    return head + (f"a gap below {SEPARATES} in some epoch bounds that "
                   "distance only weakly: the numbers are compatible with "
                   "the equilibrium but do not show it, since a "
                   "discriminator that has merely fallen behind the "
                   "generator has a small gap too.")


# ---- Echo AE vs Gaussian β-VAE (HW2 1e) -----------------------------------

# Differences in nats per image below this count as a tie when no seed
# spread is measured: about the standard error of a mean test distortion
# over 2 000 images (per-image standard deviation ≈ 40 nats).
RD_TIE = 1.0
# An Echo rate within this many nats of its floor −d·log s_max is "at the
# floor" (s at its bound in every dimension); a β-VAE whose KL is below
# COLLAPSED nats transmits next to nothing (posterior collapse).
AT_FLOOR = 0.1
COLLAPSED = 1.0
# Share of Echo scales with σ(a) > 0.99 above which the encoder counts as
# saturated: most of its s_d(x) then receive (almost) no gradient.
SATURATED = 0.9


def _betas(bs: Sequence[float]) -> str:
    return "β ∈ {" + ", ".join(f"{b:g}" for b in bs) + "}"


def rate_extremes(betas: Sequence[float], echo_rates: Sequence[float],
                  floor: float, vae_rates: Sequence[float]) -> str:
    """Whether the Echo AE sits at its rate floor and whether the β-VAE has
    collapsed (KL < COLLAPSED), β by β."""
    stuck = [b for b, r in zip(betas, echo_rates) if r - floor < AT_FLOOR]
    gone = [b for b, r in zip(betas, vae_rates) if r < COLLAPSED]
    if len(stuck) == len(betas):
        echo = (f"The Echo AE sits at its rate floor ({floor:.2f} nats, s at "
                f"its bound in every dimension) at every β: there β no longer "
                "moves it, and its 'curve' is one point.")
    elif stuck:
        echo = (f"The Echo AE sits at its rate floor ({floor:.2f} nats) at "
                f"{_betas(stuck)} and above it elsewhere.")
    else:
        echo = (f"The Echo AE stays above its rate floor ({floor:.2f} nats) "
                "at every β.")
    if len(gone) == len(betas):
        vae = (f" The β-VAE's KL is below {COLLAPSED:g} nat at every β: it "
               "transmits next to nothing (posterior collapse).")
    elif gone:
        vae = (f" The β-VAE's KL is below {COLLAPSED:g} nat (posterior "
               f"collapse) at {_betas(gone)}.")
    else:
        vae = (f" The β-VAE's KL is at least {COLLAPSED:g} nat at every β: "
               "no posterior collapse.")
    return echo + vae


def rd_tolerance(seed_spreads: Sequence[float]) -> float:
    """Tie margin: twice the largest seed spread, at least RD_TIE."""
    return max([RD_TIE] + [2 * s for s in seed_spreads])


def _nats(values: Sequence[float]) -> str:
    """'a' or 'a–b' nats for the sizes of some differences."""
    lo, hi = min(abs(v) for v in values), max(abs(v) for v in values)
    return f"{lo:.1f} nats" if round(lo, 1) == round(hi, 1) \
        else f"{lo:.1f}–{hi:.1f} nats"


def _rates(points: Sequence[tuple[float, float]]) -> str:
    """'R = a, b, c nats', or 'R = a nats each' when they print alike."""
    shown = [f"{r:.1f}" for r, _ in points]
    if len(shown) > 1 and len(set(shown)) == 1:
        return f"R = {shown[0]} nats each"
    return "R = " + ", ".join(shown) + " nats"


def echo_vs_vae(gaps: Sequence[tuple[float, float]], tol: float) -> str:
    """Where the Echo AE is ahead of or behind the β-VAE at equal rate,
    from (R, D_echo − D_vae) pairs and a tie margin `tol` in nats."""
    if not gaps:
        return ("No Echo rate lies inside the β-VAE's range of rates, so "
                "the two curves cannot be compared at equal rate.")
    ahead = [(r, g) for r, g in gaps if g < -tol]
    behind = [(r, g) for r, g in gaps if g > tol]
    level = [(r, g) for r, g in gaps if -tol <= g <= tol]
    n = len(gaps)
    if len(ahead) == n:
        head = (f"At all {n} Echo rates inside the β-VAE's range "
                f"({_rates(ahead)}) the Echo AE's distortion is lower, "
                f"by {_nats([g for _, g in ahead])} (tie margin ±{tol:.1f}): "
                "here Echo dominates the β-VAE, as the paper claims.")
    elif len(behind) == n:
        head = (f"At all {n} Echo rates inside the β-VAE's range "
                f"({_rates(behind)}) the Echo AE's distortion is "
                f"higher, by {_nats([g for _, g in behind])} (tie margin "
                f"±{tol:.1f}): here Echo trails the β-VAE everywhere, the "
                "opposite of the paper's claim.")
    elif len(level) == n:
        head = (f"At all {n} Echo rates inside the β-VAE's range "
                f"({_rates(level)}) the two distortions agree within "
                f"the tie margin ±{tol:.1f} nats: neither model dominates.")
    else:
        parts = []
        if ahead:
            parts.append(f"ahead at {_rates(ahead)} (by "
                         f"{_nats([g for _, g in ahead])})")
        if behind:
            parts.append(f"behind at {_rates(behind)} (by "
                         f"{_nats([g for _, g in behind])})")
        if level:
            parts.append(f"level within ±{tol:.1f} nats at {_rates(level)}")
        head = ("At equal rate the Echo AE is " + "; ".join(parts)
                + ": neither curve dominates the other")
        if ahead and behind and max(r for r, _ in ahead) < min(
                r for r, _ in behind):
            head += " (Echo leads at low rates, trails at high rates)"
        elif ahead and behind and min(r for r, _ in ahead) > max(
                r for r, _ in behind):
            head += " (Echo leads at high rates, trails at low rates)"
        head += "."
    tail = []
    if behind:
        tail.append("where Echo trails, drawing the β-VAE at its true "
                    "I(x; z) (left of its KL) would only widen the gap")
    if ahead:
        tail.append("where Echo leads, the lead may shrink by the β-VAE's "
                    "unknown KL(q(z) ‖ p(z)), since its rate axis is an "
                    "upper bound")
    tail_text = "; ".join(tail)
    return head + (" " + tail_text[0].upper() + tail_text[1:] + "."
                   if tail else "")


def ablation_verdict(base: float, rows: dict[str, float], tol: float) -> str:
    """What each single change to the paper's set-up does to the gap
    Δ = (D + βR)_Echo − (D + βR)_β-VAE (nats; negative: Echo ahead)."""
    def side(g: float) -> str:
        if g > tol:
            return "Echo behind"
        return "Echo ahead" if g < -tol else "level"
    head = (f"With the paper's set-up at this ablation's size, Δ = "
            f"{base:+.1f} nats ({side(base)}, tie margin ±{tol:.1f}).")
    favour = {k: g for k, g in rows.items() if g < base - tol}
    against = {k: g for k, g in rows.items() if g > base + tol}
    same = [k for k in rows if k not in favour and k not in against]
    parts = [f"{k} moves it in Echo's favour (Δ = {g:+.1f})"
             for k, g in sorted(favour.items(), key=lambda kv: kv[1])]
    parts += [f"{k} moves it against Echo (Δ = {g:+.1f})"
              for k, g in against.items()]
    if same:
        parts.append(f"{', '.join(same)} change{'s' if len(same) == 1 else ''}"
                     f" it by less than the margin")
    text = "; ".join(parts)
    body = " " + text[0].upper() + text[1:] + "." if parts else ""
    flips = [k for k, g in rows.items()
             if side(g) != side(base) and "level" not in (side(g), side(base))]
    if base > tol:
        end = (f" Echo trails in the paper's set-up, and the change that "
               f"helps it most is {min(favour, key=favour.get)}"
               if favour else " Echo trails in the paper's set-up, and no "
               "single change tried here helps it beyond the margin")
    elif base < -tol:
        end = (f" Echo leads in the paper's set-up, and the change that "
               f"erodes the lead most is {max(against, key=against.get)}"
               if against else " Echo leads in the paper's set-up, and no "
               "single change tried here erodes that lead beyond the margin")
    else:
        end = " The two are level in the paper's set-up"
    end += (f"; {', '.join(flips)} change{'s' if len(flips) == 1 else ''} "
            "which model is ahead." if flips else
            "; no change flips which model is ahead.")
    return head + body + end


def ablation_source(name: str, echo_change: float, vae_change: float) -> str:
    """Which model a change of set-up acts through: the changes of Echo's
    and of the β-VAE's own D + βR (new − old, nats) that make up its Δ."""
    total = echo_change - vae_change
    head = (f"The change of Δ with {name} ({total:+.1f} nats) splits into "
            f"Echo's own D + βR changing by {echo_change:+.1f} and the "
            f"β-VAE's by {vae_change:+.1f}: ")
    if abs(vae_change) > 2 * abs(echo_change):
        return head + ("it acts mainly through the β-VAE, i.e. on how far "
                       "the β-VAE gets in this training, not on Echo.")
    if abs(echo_change) > 2 * abs(vae_change):
        return head + "it acts mainly through the Echo AE itself."
    return head + "it acts on both models alike."


def saturation(share: float) -> str:
    """Whether the Echo encoder's scales are stuck at their bound, from the
    share of σ(a_d(x)) above 0.99 on the test images."""
    head = (f"On the test images {100 * share:.0f} % of the Echo scales have "
            f"σ(a) > 0.99, i.e. s within 1 % of its bound: ")
    if share > SATURATED:
        return head + ("the log-sigmoid is saturated there, so neither the "
                       "rate nor the distortion sends a gradient to a "
                       "(dσ/da = σ(1 − σ) ≈ 0) and gradient descent cannot "
                       "lift the encoder off its rate floor.")
    return head + ("most scales are off the bound, so where the encoder "
                   "sits is the optimiser's choice, not a dead gradient.")


def training_length(short: int, gap_short: float, long: int, gap_long: float,
                    tol: float) -> str:
    """How Δ (Echo minus β-VAE, D + βR) moves from `short` to `long`
    training steps, at the same β (the ablation's and the sweep's runs)."""
    head = (f"Training length: at {short:,} steps Δ = {gap_short:+.1f} nats, "
            f"at {long:,} steps (the sweep above) {gap_long:+.1f}: ")
    if gap_long > gap_short + tol:
        return head + ("longer training helps the β-VAE more than Echo, "
                       "so the short runs overstate Echo's standing.")
    if gap_long < gap_short - tol:
        return head + ("longer training helps Echo more than the β-VAE, "
                       "so the short runs understate Echo's standing.")
    return head + (f"within ±{tol:.1f} nats, so training length does not "
                   "change the comparison here.")


def batch_sampler_effect(z: float, diff: float, bias: float,
                         repeats: int) -> str:
    """Whether drawing the Echo chains from the batch moves the KSG estimate:
    the largest difference of means to independent chains, `z` of its
    standard errors, against KSG's own bias `bias` at that n."""
    if z < 3:
        return ("so reusing the batch for the chains has no effect "
                f"detectable with {repeats} repeats")
    size = "smaller" if diff < bias else "not smaller"
    return (f"so reusing the batch shifts the estimate detectably ({z:.1f} "
            f"standard errors ≥ 3), by {diff:.3f} nats: {size} than the "
            f"estimator's own bias of {bias:.3f} nats at that n")
