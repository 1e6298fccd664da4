"""HW3 Q1 and Q2: the simulation verdicts on both sides of their tests."""

from dataclasses import replace

from helpers.answers import hw3_q1 as q1
from helpers.answers import hw3_q2 as q2

# ---- Q1: constant step ------------------------------------------------------

LOCKED = q1.ConstantStep(
    eta=1.0, seeds=30, steps=5000, greedy=[23, 6, 1, 0, 0], t_early=516,
    pi_best=(0.77, 0.42), pi_exact=0.9996, spread_early=7.64,
    spread_end=10.2)


def test_constant_step_lock_in_and_divergence():
    text = q1.constant_step(LOCKED)
    assert text.startswith("**Constant $\\eta$ = 1, no baseline.**")
    assert "7 of 30 seeds (23%) end locked onto a worse arm (arms 2, 3;" in text
    assert "0.77 ± 0.42, exact-gradient path 0.9996)" in text
    assert "parameters diverge" in text and "grew from 7.64" in text
    assert "2.6 per decade" in text


def test_constant_step_one_locked_seed():
    one = q1.constant_step(replace(LOCKED, greedy=[29, 0, 1, 0, 0]))
    assert "1 of 30 seeds (3%) ends locked onto a worse arm (arm 3;" in one


def test_constant_step_no_lock_in_no_growth():
    calm = replace(LOCKED, greedy=[30, 0, 0, 0, 0], spread_end=7.0)
    text = q1.constant_step(calm)
    assert "none of the 30 seeds ends on a worse arm" in text
    assert "too rare to show" in text
    assert "contrary to part (b)" in text and "went from 7.64" in text


# ---- Q1: the recommended fix ------------------------------------------------

FIXED = q1.Fix(
    tau=0.1, seeds=30, steps=5000, on_best=30, pi_best=(0.862, 0.023),
    pi_star=0.865, gap=(1.98, 0.20), gap_target=2.0, t_early=516,
    dist_early=2.45, dist_end=1.77)


def test_fix_converges():
    assert FIXED.converged
    text = q1.fix_result(FIXED)
    assert "All 30 seeds converge to $\\pi^\\star$" in text
    assert "1.98 ± 0.20 against $(R_1-R_2)/\\tau$ = 2" in text
    assert "distance to $\\theta^\\star$ went from 2.45 at $t$ = 516 to 1.77." in text


def test_fix_not_yet_converged():
    for late in (replace(FIXED, gap=(2.48, 0.16)),
                 replace(FIXED, pi_best=(0.9, 0.02)),
                 replace(FIXED, on_best=29),
                 replace(FIXED, dist_end=2.5)):
        assert not late.converged
        assert "does not yet show convergence" in q1.fix_result(late)


# ---- Q1: what fixes what ----------------------------------------------------

VARIANTS = q1.Variants(
    seeds=30, steps=5000,
    on_best={q1.PLAIN: 23, q1.PLAIN_RM: 23, q1.BASE: 30, q1.BASE_RM: 30},
    worse_plain=7, worse_early=10, escaped=3, early_locked=6, t_lock=101,
    eta_lock=0.66, pi_base=0.998, t_early=516, gap_base=(5.53, 6.87),
    log_sum_eta=1.3, gap_error=[0.16, 0.43, 0.52, 1.8],
    pi_star_rest=[0.1, 0.02, 0.002, 3e-4], gap_sd=(0.83, 0.20),
    dist_end=1.77, dist_flow=1.8)


def test_what_fixes_what_lock_in_cured_by_the_baseline():
    text = q1.what_fixes_what(VARIANTS)
    assert text.startswith("**What fixes what.** (i) *Robbins–Monro steps")
    assert "23 of 30 seeds end on arm 1, as many as with constant $\\eta$ " \
        "(23 of 30)" in text
    more = replace(VARIANTS, on_best={**VARIANTS.on_best, q1.PLAIN_RM: 26})
    assert "26 of 30 seeds end on arm 1, more than with constant" in \
        q1.what_fixes_what(more)
    fewer = replace(VARIANTS, on_best={**VARIANTS.on_best, q1.PLAIN_RM: 20})
    assert "fewer than with constant" in q1.what_fixes_what(fewer)
    assert "$\\pi^\\star_j$ = 0.12, 0.019" in q1.what_fixes_what(
        replace(VARIANTS, pi_star_rest=[0.117, 0.0193, 0.002, 3e-4]))
    assert "6 already had $\\pi(a_1) < 0.05$ at $t$ = 101" in text
    assert "3 plain seeds on a worse arm at $t$ = 516 escaped" in text
    assert "removing the all-positive push removes the lock-in" in text
    assert "has converged in the sense of the policy" in text
    assert "do not converge: the mean gap" in text
    assert "rarely pulled arms relax slowest" in text
    assert "slow relaxation, not noise" in text
    assert "keeps fluctuating around" in text


def test_what_fixes_what_short_run():
    short = replace(
        VARIANTS, on_best={q1.PLAIN: 30, q1.PLAIN_RM: 29, q1.BASE: 30,
                           q1.BASE_RM: 29}, escaped=0,
        pi_base=0.97, gap_base=(6.0, 5.0), gap_error=[0.5, 0.3, 1.2, 3.0],
        gap_sd=(0.16, 0.16), dist_end=2.0, dist_flow=1.0)
    text = q1.what_fixes_what(short)
    assert "lock-in is too rare to compare" in text
    assert "None of the 10 plain seeds on a worse arm" in text
    assert "removes the lock-in" not in text
    assert "still moving towards" in text
    assert "did not drift apart here" in text
    assert "not in the order of" in text
    assert "part of what remains is noise" in text
    assert "not yet clearly larger" in text
    quiet = q1.what_fixes_what(replace(VARIANTS, early_locked=0, escaped=0,
                                       worse_early=0))
    assert "happens early" not in quiet and "escaped" not in quiet


# ---- Q2 ------------------------------------------------------------------------

def test_gda_runs_words_each_regime():
    text = q2.gda_runs([0.05, 0.125, 0.18, 0.3], [0.6, 0.0, -0.44, -1.4],
                       [0.6, 0.0, -0.44, -1.4])
    assert text.startswith("At η = 0.05, 0.125, 0.18 and 0.3 GDA multiplies")
    assert ("it converges monotonically, lands on the saddle, converges "
            "while jumping across the saddle and diverges.") in text
    assert "by $0.6$, $0$, $-0.44$ and $-1.4$ per step" in text
    one = q2.gda_runs([0.1], [0.2], [0.2])
    assert "At η = 0.1 GDA multiplies $z$ by $0.2$" in one


def test_boundary_agrees_or_not():
    ok = q2.boundary(0.24, 0.27, False, 0.25, 0.03, 21, 8)
    assert "up to η = 0.24 and the next, η = 0.27, diverges" in ok
    assert "lies between them" in ok
    for bad in (q2.boundary(0.21, 0.24, False, 0.25, 0.03, 21, 8),
                q2.boundary(0.24, 0.27, True, 0.25, 0.03, 21, 8)):
        assert "does not lie between them" in bad


def test_gd_special_case():
    assert "it converges to the saddle" in q2.gd_special(1.5, 2e-9, 40)
    assert "does not converge" in q2.gd_special(1.5, 1e-3, 40)
