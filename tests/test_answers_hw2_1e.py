"""HW2 1e's answer module: each fact on both sides of its threshold, each
answer in every outcome it words."""

import ast
import re
from pathlib import Path

import pytest

from helpers.answers import hw2_1e as a

FLOOR = 5.737  # −32·log 0.8359


def sentences(text: str) -> int:
    """Sentences in an answer: full stops followed by a space, plus the last."""
    return len(re.findall(r"[.!?] (?=\S)", text)) + 1


def test_module_imports_only_the_standard_library_and_text():
    tree = ast.parse(Path(a.__file__).read_text())
    imported = {(node.module if isinstance(node, ast.ImportFrom)
                 else alias.name).split(".")[0] if not getattr(
                     node, "level", 0) else node.module
                for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in node.names}
    assert imported <= {"math", "dataclasses", "statistics", "typing", "text"}


# ---- table cells ------------------------------------------------------------


def test_seed_cell_and_shown_round_trip():
    assert a.seed_cell([207.234]) == "207.23"
    assert a.seed_cell([1.0, 2.0]) == "1.50 ± 0.71"
    assert a.shown(a.seed_cell([207.234])) == 207.23
    assert a.shown(a.seed_cell([1.0, 2.0])) == 1.5
    # nats to at most 3 decimals, whatever the spread over seeds
    assert a.seed_cell([5.73590, 5.73602]) == "5.736 ± 0.000"


def test_beta_set():
    assert a.beta_set([0.5, 1.0]) == "β ∈ {0.5, 1}"
    assert a.beta_set([]) == "no β"


# ---- facts, both sides of every threshold -----------------------------------


def test_tie_margin_is_twice_the_spread_at_least_rd_tie():
    assert a.tie_margin([]) == a.RD_TIE
    assert a.tie_margin([0.4 * a.RD_TIE]) == a.RD_TIE
    assert a.tie_margin([3.0 * a.RD_TIE]) == 6.0 * a.RD_TIE


def test_side_against_the_margin():
    assert a.side(-1.01, 1.0) == "ahead"
    assert a.side(1.01, 1.0) == "behind"
    assert a.side(1.0, 1.0) == a.side(-1.0, 1.0) == "level"


def test_at_floor_threshold():
    assert a.at_floor(FLOOR + a.AT_FLOOR - 0.01, FLOOR)
    assert not a.at_floor(FLOOR + a.AT_FLOOR + 0.01, FLOOR)


def test_collapsed_threshold():
    assert a.collapsed(a.COLLAPSED - 0.01)
    assert not a.collapsed(a.COLLAPSED + 0.01)


def test_saturated_threshold():
    assert a.saturated(a.SATURATED + 0.01)
    assert not a.saturated(a.SATURATED - 0.01)


def test_detectable_threshold():
    assert a.detectable(a.DETECTABLE_Z)
    assert not a.detectable(a.DETECTABLE_Z - 0.01)


def test_converged_threshold():
    assert a.converged(a.STILL_FALLING - 0.1)
    assert not a.converged(a.STILL_FALLING + 0.1)
    assert not a.converged(None)  # one epoch: nothing to judge by


def test_rate_trend_every_outcome():
    # flat at the floor with tiny wiggles: not "falls monotonically"
    assert a.rate_trend([5.74, 5.74, 5.73], FLOOR) == "stays at its floor"
    assert a.rate_trend([9.0, 9.0], FLOOR) == "does not change"
    assert a.rate_trend([9.0, 7.0, 7.0, 6.0], FLOOR) == "falls monotonically"
    assert a.rate_trend([9.0, 7.0, 8.0], FLOOR) == \
        "does not fall monotonically"
    # one rate just off the floor: the floor verdict no longer holds
    off = a.rate_trend([5.74, FLOOR + a.AT_FLOOR + 0.01], FLOOR)
    assert off == "does not fall monotonically"


def test_where_lower():
    assert a.where_lower([1, 2], ["ahead", "ahead"]) == "lower at every β"
    assert a.where_lower([1, 2], ["behind", "behind"]) == "higher at every β"
    assert a.where_lower([1, 2, 4], ["ahead", "behind", "level"]) == (
        "lower at β ∈ {1} and higher at β ∈ {2} and level at β ∈ {4}")


def test_floor_course_every_outcome():
    steps = [1, 2, 3, 4]
    never = a.floor_course(steps, [28.0, 20.0, 12.0, 9.0],
                           [0.5, 0.7, 0.8, 0.9], FLOOR)
    assert never.reached is None and never.left is None
    stays = a.floor_course(steps, [28.0, 5.74, 5.74, 5.74],
                           [0.5, 0.999, 0.998, 0.9995], FLOOR)
    assert stays.reached == 2 and stays.left is None
    assert stays.lowest_scale == 0.998 and stays.final_scale == 0.9995
    # off the floor once (step 3), back on it, off it for good from step 5
    leaves = a.floor_course(steps + [5], [28.0, 5.74, 6.5, 5.74, 9.0],
                            [0.5, 0.999, 0.9, 0.99, 0.7], FLOOR)
    assert leaves.reached == 2 and leaves.left == 5
    assert leaves.final_rate == 9.0 and leaves.lowest_scale == 0.7


def test_sampler_rows_use_the_shown_means():
    row = a.SamplerRow("2-D", 250, 1.287, 1.233, 0.02, 2.582)
    assert row.difference == 0.054         # 1.287 − 1.233, as the table shows
    assert row.z == pytest.approx(2.7)
    rows = [row, a.SamplerRow("1-D", 250, 1.2, 1.21, 0.02, 1.291)]
    assert a.largest_difference(rows) is row


def test_approaches_both_sides():
    rows = [a.SamplerRow("1-D", 250, 1.20, 1.2, 0.01, 1.291),
            a.SamplerRow("1-D", 8000, 1.28, 1.28, 0.01, 1.291)]
    assert a.approaches(rows, "1-D")
    rows[1] = a.SamplerRow("1-D", 8000, 1.10, 1.1, 0.01, 1.291)
    assert not a.approaches(rows, "1-D")


def test_training_effect_every_outcome():
    assert a.training_effect(-96.0, 24.0, 1.0) == \
        "helps the β-VAE more than Echo"
    assert a.training_effect(24.0, -96.0, 1.0) == \
        "helps Echo more than the β-VAE"
    assert "neither" in a.training_effect(5.0, 5.5, 1.0)


def test_acts_through_every_outcome():
    assert a.acts_through(-30.0, -130.0) == "mainly on the β-VAE"
    assert a.acts_through(-30.0, -5.0) == "mainly on Echo"
    assert a.acts_through(-30.0, -40.0) == "on both alike"


# ---- the answers ------------------------------------------------------------


def test_answer_truncation_every_outcome():
    ok = a.answer_truncation(0.98, [24, 74], [24, 79], 6.4e-7, 2.0e-7)
    assert ok.startswith("**Answer (i).** My depth K is enough in every "
                         "case I tried")
    assert "never exceeds" in ok and "3.2×" in ok and sentences(ok) <= 4
    short = a.answer_truncation(0.98, [80], [79], 6.4e-7, 2.0e-7)
    assert "NOT enough" in short
    broken = a.answer_truncation(1.2, [24], [24], 6.4e-7, 2.0e-7)
    assert "EXCEEDS" in broken and "1.200" in broken


def _mi_rows(batch_large: float = 1.287, indep_small: float = 1.20,
             se: float = 0.02) -> list:
    return [a.SamplerRow("1-D", 250, 1.22, indep_small, se, 1.291),
            a.SamplerRow("1-D", 8000, batch_large, 1.285, se, 1.291),
            a.SamplerRow("2-D", 250, 1.90, 1.92, se, 2.582),
            a.SamplerRow("2-D", 8000, 2.37, 2.36, se, 2.582)]


def test_answer_mi_check_every_outcome():
    quiet = a.answer_mi_check(_mi_rows(se=0.05), 4)
    assert quiet.startswith("**Answer (ii).** The minus sign is right")
    assert "would be −1.291, −2.582 nats" in quiet   # typeset minus signs
    assert "has no detectable effect" in quiet
    # the largest difference of the table, not of some other row
    assert "at most 0.020 nats in the table (1-D, n = 250)" in quiet
    assert "in 2 of 2 toys." in quiet and sentences(quiet) <= 4
    loud = a.answer_mi_check(_mi_rows(se=0.005), 4)
    assert "shifts the estimate detectably" in loud and "4.0 standard" in loud
    unsure = a.answer_mi_check(_mi_rows(batch_large=-0.1), 4)
    assert "do not settle the sign" in unsure
    assert "1 of 2 toys; KSG is biased low" in unsure


def test_equal_rate_verdict_every_outcome():
    assert "cannot be compared" in a.equal_rate_verdict([], 1.0)
    ahead = a.equal_rate_verdict([(10.0, -3.0), (20.0, -2.0)], 1.0)
    assert ahead.startswith("Echo dominates") and "2.0–3.0 nats" in ahead
    behind = a.equal_rate_verdict([(10.0, 3.0), (20.0, 3.0)], 1.0)
    assert behind.startswith("Echo trails") and "by 3.0 nats" in behind
    level = a.equal_rate_verdict([(10.0, 0.5)], 1.0)
    assert level.startswith("Neither dominates") and "±1.0" in level
    mixed = a.equal_rate_verdict([(10.0, -3.0), (20.0, 4.0)], 1.0)
    assert mixed.startswith("Neither dominates") and "some rates" in mixed


def test_convergence_every_outcome():
    assert "no convergence check" in a.convergence(None)
    assert "at most 1 nat" in a.convergence(a.STILL_FALLING - 0.1)
    assert a.convergence(a.STILL_FALLING + 2.0).startswith(
        "Not converged: a loss still fell by 3.0 nats")


def test_answer_rate_distortion_at_the_floor_and_off_it():
    stuck = a.answer_rate_distortion(
        [0.25, 1.0, 4.0], [5.74, 5.74, 5.73], [22.3, 9.1, 0.4], FLOOR,
        [], [20.0, 24.4, 34.5], 1.0, None)
    assert stuck.startswith("**Answer (iii).** No Echo rate lies inside")
    assert "higher at every β" in stuck
    assert "stays at its floor" in stuck and "Echo's rate falls" not in stuck
    assert "KL falls monotonically, below 1 nat (collapsed) at β ∈ {4}" in stuck
    assert "no convergence check" in stuck and sentences(stuck) <= 4
    moving = a.answer_rate_distortion(
        [0.25, 1.0], [30.0, 12.0], [22.3, 9.1], FLOOR,
        [(12.0, -2.0)], [-3.0, 0.5], 1.0, 40.0)
    # not converged: the caveat leads, the provisional order follows
    assert moving.startswith("**Answer (iii).** Not converged: a loss still "
                             "fell by 40.0 nats")
    assert "the order may change. As trained so far: Echo dominates" in moving
    assert "lower at β ∈ {0.25} and level at β ∈ {1}" in moving
    assert "Echo's rate falls monotonically from 30.00 to 12.00" in moving
    assert moving.endswith("the β-VAE's KL falls monotonically.")
    assert sentences(moving) <= 4
    settled = a.answer_rate_distortion(
        [0.25, 1.0], [30.0, 12.0], [22.3, 9.1], FLOOR,
        [(12.0, -2.0)], [-3.0, 0.5], 1.0, a.STILL_FALLING / 2)
    assert settled.startswith("**Answer (iii).** Echo dominates")
    assert "Every model's loss changed by at most" in settled
    flat = a.answer_rate_distortion([1.0, 2.0], [9.0, 9.0], [3.0, 3.0], FLOOR,
                                    [], [2.0, 2.0], 1.0, None)
    assert "Echo's rate stays at 9.00 nats at every β (floor 5.74)" in flat


def test_answer_floor_every_outcome():
    stays = a.FloorCourse(41, None, 5.736, 0.9995, 0.998)
    out = a.answer_floor(stays, 360, 1.0)
    assert out.startswith("**Answer (iii), longer.** Echo does not leave")
    assert "from step 41 on" in out and "≥ 0.998" in out
    assert "saturation alone traps nothing" in out     # share 1.0 > SATURATED
    assert "Δ goes" not in out and sentences(out) <= 4
    left = a.FloorCourse(41, 2130, 9.0, 0.949, 0.949)
    out = a.answer_floor(left, 4800, a.SATURATED - 0.01, (600, 24.4, 30.1),
                         1.0)
    assert out.startswith("**Answer (iii), longer.** Echo leaves its rate")
    assert "above it from step 2,130 on" in out and "0.949" in out
    assert "at most 90%: the encoder is not saturated" in out
    assert "From 600 to 4,800 steps Δ goes from +24.4 to +30.1" in out
    assert "helps the β-VAE more" in out and sentences(out) <= 4
    never = a.FloorCourse(None, None, 12.0, 0.8, 0.8)
    assert "never reaches" in a.answer_floor(never, 6, 0.0)


def test_answer_ablation_every_outcome():
    calm = a.answer_ablation(2.0, {"x": 2.5}, 1.0, {"x": 0.1}, {"x": -0.4})
    assert calm.startswith("**Answer (iii), why.** In the paper's set-up "
                           "Echo is behind (Δ = +2.0")
    assert "No single change moves Δ" in calm
    moved = a.answer_ablation(24.0, {"lr": 0.35, "s": 26.0}, 1.0,
                              {"lr": -2.0, "s": 2.0}, {"lr": -25.65, "s": 0.0})
    assert "largest move is lr, to Δ = +0.3" in moved
    assert "mainly on the β-VAE" in moved
    assert "No change reverses" in moved and sentences(moved) <= 4
    flipped = a.answer_ablation(5.0, {"m": -3.0}, 1.0, {"m": -8.0},
                                {"m": 0.0})
    assert "m reverses which model is ahead" in flipped
    level = a.answer_ablation(0.3, {"m": 0.2}, 1.0, {"m": 0.0}, {"m": 0.0})
    assert "Echo is level" in level
    # at a size other than the sweep's, the answer says so
    sized = a.answer_ablation(2.0, {"x": 2.5}, 1.0, {"x": 0.1}, {"x": -0.4},
                              "6,000 images × 2 epochs, not the sweep's")
    assert sized.startswith("**Answer (iii), why.** At the ablation's size "
                            "(6,000 images × 2 epochs, not the sweep's), in "
                            "the paper's set-up Echo is behind")
