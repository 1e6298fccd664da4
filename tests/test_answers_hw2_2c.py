"""HW2 2c's answer: every fact on both sides of its threshold, and the
answer's wording for each outcome."""

from helpers.answers import hw2_2c as c
from helpers.decide import ROUNDING

AWAY = c.Runaway(loss_ratio=0.5, norm=80.0, max_norm=2e4)
NEAR = c.Runaway(loss_ratio=0.99, norm=1.2, max_norm=1.5)


def counts(minima=120, saddles=0, degenerate=0, not_converged=8):
    return c.Counts(minima, saddles, degenerate, not_converged)


def test_counts_of_verdicts():
    got = c.Counts.of(["local minimum", "saddle", "local minimum",
                       "not converged", "degenerate"])
    assert got == c.Counts(2, 1, 1, 1)
    assert got.total == 5 and got.decided == 3


def test_decides_at_the_threshold():
    total = 100
    at = round(c.DECIDED * total)
    assert c.decides(c.Counts(at, 0, 0, total - at))
    assert not c.decides(c.Counts(at - 1, 0, 1, total - at))
    assert c.decides(c.Counts(at - 10, 10, 0, total - at))  # saddles count


def test_differ_all_some_none():
    assert c.differ([16, 2, 5]) == "all"
    assert c.differ([16, 1, 5]) == "some"
    assert c.differ([1, 1]) == "none"


def test_above_lowest_ignores_rounding():
    low = 100.0
    assert c.above_lowest([[low, low * (1 + 10 * ROUNDING)], [5.0]]) == 1
    assert c.above_lowest([[low, low * (1 + 0.1 * ROUNDING)], []]) == 0


def test_restarts_pay_at_the_threshold():
    gain = c.RESTART_GAIN
    assert c.restarts_pay([0.0, gain + 0.001, 0.5])
    assert not c.restarts_pay([0.0, gain - 0.001, 0.5])


def test_runs_away_needs_far_and_falling():
    assert c.runs_away(AWAY)
    assert not c.runs_away(NEAR)
    assert not c.runs_away(c.Runaway(1.01, 2 * c.FAR, 3 * c.FAR))
    assert not c.runs_away(c.Runaway(0.5, 0.5 * c.FAR, c.FAR))


def answer(**kw):
    args = dict(counts=counts(), distinct=[16, 16, 12], minima=[
        [100.0, 101.0], [50.0, 52.0], [30.0]], kinks=45.0,
        gains=[0.1, 0.06, 0.2], restarts=16, run=AWAY)
    return c.answer(**{**args, **kw})


def test_answer_opens_with_the_verdict_and_has_four_sentences():
    text = answer()
    assert text.startswith("Different starts give different z\\*")
    assert text.count(". ") + 1 == 4 and text.endswith(".")
    assert f"closer than {c.SAME_CODE * 100:g} %" in text
    assert "median of 16 distinct local minima" in text
    assert "Is the argmin a local minimum? On the shell, yes: 120 of 128" \
        in text
    assert "0 saddles, 8 undecided" in text
    assert "median of 45 LeakyReLU kinks" in text
    assert "(up to 20,000 √d)" in text
    assert "2 of the 5 distinct minima lie above it" in text
    assert "restarts pay (" in text and "a median 10.0 %" in text
    assert "at most 20.0 %" in text
    assert "has no minimum within reach" in text and "80 √d" in text


def test_answer_other_outcomes():
    assert answer(distinct=[1, 1, 1]).startswith(
        "Different starts reach the same z\\*")
    assert answer(distinct=[1, 3, 1]).startswith("Some starts share")
    assert "cannot answer" in answer(counts=counts(minima=50,
                                                   not_converged=78))
    assert "On the shell, mostly not: 10 of 128" in answer(
        counts=counts(minima=10, saddles=110))
    assert "none is known to be non-global" in answer(
        minima=[[100.0, 100.0], [5.0]])
    assert "restarts barely pay" in answer(gains=[0.01, 0.0, 0.3])
    assert "descent stays within reach" in answer(run=NEAR)
