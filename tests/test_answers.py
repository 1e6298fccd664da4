"""The answer modules' verdicts on inputs on both sides of their thresholds
(HW3 Q1–Q3, HW2 2a, 2b, 2d, 2e; 1e and 2c have their own files)."""

from helpers import decide
from helpers.answers import gan
from helpers.answers import hw2_2a as a2
from helpers.answers import hw2_2b as b2
from helpers.answers import hw2_2d as d2
from helpers.answers import hw3_q1 as q1
from helpers.answers import hw3_q2 as q2
from helpers.answers import hw3_q3 as q3
from helpers.decide import D_WINS, FEW_MODES, LOW_RECALL


def hist(d_loss, coverage, precision=0.8, recall=0.5):
    n = len(d_loss)
    return {"d_loss": d_loss, "coverage": coverage,
            "precision": [precision] * n, "recall": [recall] * n}


def scores(fid, precision=0.7, recall=0.3, coverage=0.9):
    return {"fid": fid, "precision": precision, "recall": recall,
            "coverage": coverage}


def test_compare_both_sides_of_same():
    assert decide.compare(1 - decide.SAME * 1.1) == "lower"
    assert decide.compare(1 + decide.SAME * 1.1) == "higher"
    assert decide.compare(1 - decide.SAME * 0.9) == "same"
    assert decide.compare(1 + decide.SAME * 0.9) == "same"
    assert decide.word(0.5, "L", "H", "S") == "L"
    assert decide.word(2.0, "L", "H", "S") == "H"
    assert decide.percent(decide.SAME) == "3 %"


def test_median_and_tail_range():
    assert decide.median([3, 1, 2]) == 2
    assert decide.median([4, 1, 3, 2]) == 2.5
    assert decide.tail_range([9, 1, 2, 3, 4, 5], 5) == (1, 5)


def test_collapse_tests_both_sides_of_each_threshold():
    below, above = D_WINS * 0.9, D_WINS * 1.1
    few, many = FEW_MODES - 0.01, FEW_MODES + 0.01
    ok = decide.collapse_tests(hist([0.5, above], [0.9, many]))
    assert not ok.collapsed and ok.d_wins_at is None and not ok.few_modes
    loss = decide.collapse_tests(hist([0.5, below, 0.5], [0.9] * 3))
    assert loss.collapsed and loss.d_wins_at == 2 and not loss.few_modes
    modes = decide.collapse_tests(hist([above], [few]))
    assert modes.collapsed and modes.few_modes and not modes.d_wins
    dipped = decide.collapse_tests(hist([above] * 3, [0.9, few, many]))
    assert not dipped.collapsed and dipped.few_modes_at == 2
    # low recall at high coverage is quality, not collapse
    low = decide.collapse_tests(hist([above], [many], recall=LOW_RECALL * 0.9))
    assert low.low_recall and not low.collapsed
    assert not decide.collapse_tests(
        hist([above], [many], recall=LOW_RECALL * 1.1)).low_recall


def test_a_critic_gets_no_loss_test():
    critic = hist([-2.0, -1.5], [0.9, 0.9])        # W estimates, not BCE
    assert decide.collapse_tests(critic).d_wins      # read as BCE: wrong
    c = decide.collapse_tests(critic, bce=False)
    assert not c.collapsed and not c.loss_tested
    text = gan.collapse_sentence(c, "WGAN-GP")
    assert text.startswith("WGAN-GP does not collapse: the samples use")
    assert "discriminator" not in text
    few = decide.collapse_tests(hist([-2.0], [0.2]), bce=False)
    assert few.collapsed and "coverage 0.20" in gan.collapse_sentence(
        few, "WGAN-GP")


def test_collapse_tests_read_the_larger_final_sample():
    per_epoch = hist([D_WINS * 2], [FEW_MODES - 0.1])
    assert decide.collapse_tests(per_epoch).few_modes
    final = scores(1.0, precision=0.6, recall=0.6, coverage=0.91)
    c = decide.collapse_tests(per_epoch, final)
    assert not c.few_modes and c.coverage == 0.91 and c.recall == 0.6


def test_collapse_sentence_words_each_outcome():
    above = D_WINS * 1.1
    ok = gan.collapse_sentence(decide.collapse_tests(
        hist([0.5, above], [0.9, 0.9])), "Training")
    assert ok.startswith("Training does not collapse") and "2 epochs" in ok
    both = decide.collapse_tests(hist([0.5, D_WINS / 2], [0.9, 0.3]))
    text = gan.collapse_sentence(both, "GAN")
    assert text.startswith("GAN collapses") and "from epoch 2" in text
    assert "coverage 0.30" in text
    low = decide.collapse_tests(hist([above], [0.93], recall=0.04))
    text = gan.collapse_sentence(low, "GAN + R1")
    assert "does not collapse" in text and "low recall, not collapse" in text
    assert "low recall" not in gan.collapse_sentence(low, "G", quality=False)
    # the short clause for the parts that refer to the tests
    assert gan.collapse_clause(both) == (
        "collapses (the discriminator wins from epoch 2, coverage 0.30 < 0.5)")
    assert gan.collapse_clause(decide.collapse_tests(
        hist([above], [0.3]))) == "collapses (coverage 0.30 < 0.5)"
    assert gan.collapse_clause(low) == "does not (coverage 0.93 ≥ 0.5)"


def test_collapse_tests_are_stated_from_the_thresholds():
    text = gan.collapse_tests_text()
    assert f"below {D_WINS} in some epoch" in text
    assert f"below {FEW_MODES}, i.e. about 3.2 equally used classes" in text
    assert f"Recall below {LOW_RECALL}" in text


def test_fid_leader_every_outcome():
    assert decide.fid_leader([20.0, 22.0], [30.0, 25.0]) == "a"
    assert decide.fid_leader([30.0, 25.0], [20.0, 22.0]) == "b"
    assert decide.fid_leader([20.0, 28.0], [25.0, 30.0]) == "overlap"
    assert decide.fid_leader([20.0], [30.0]) == "a"
    assert decide.fid_leader([30.0], [20.0]) == "b"
    assert decide.fid_leader([20.0], [20.3]) == "tie"


def test_versus_explains_a_clash_of_fid_and_precision():
    sharp = scores(50.0, precision=0.8, recall=0.1, coverage=0.8)
    broad = scores(40.0, precision=0.6, recall=0.3, coverage=0.9)
    text = gan.versus("WGAN-GP", broad, "GAN + R1", sharp, "a")
    assert text.startswith("WGAN-GP is closer to the data than GAN + R1")
    assert "The eye may disagree: GAN + R1's samples are more" in text
    assert "reaches more of the data (recall 0.300 vs 0.100, coverage 0.90 " \
        "vs 0.80)" in text and "(40.0 vs 50.0)" in text
    # only the scores that are ahead as printed support "reaches more"
    level = scores(40.0, precision=0.6, recall=0.3, coverage=0.801)
    assert "reaches more of the data (recall 0.300 vs 0.100);" in gan.versus(
        "WGAN-GP", level, "GAN + R1", sharp, "a")
    narrow = scores(40.0, precision=0.6, recall=0.05, coverage=0.7)
    assert "reaches no more of the data" in gan.versus(
        "WGAN-GP", narrow, "GAN + R1", sharp, "a")
    agree = gan.versus("WGAN-GP", scores(50.0, precision=0.5), "GAN + R1",
                       scores(40.0, precision=0.8), "b")
    assert agree.startswith("GAN + R1 is closer") and "eye" not in agree
    assert "level on FID" in gan.versus("a", sharp, "b", broad, "tie")
    blank = scores(40.0, precision=0.0)
    assert "eye" not in gan.versus("a", blank, "b", scores(50.0, precision=0.0),
                                   "a")
    assert "eye" in gan.versus("a", blank, "b", scores(50.0), "a")
    assert "seeds overlapping" in gan.versus("a", sharp, "b", broad, "overlap")
    # the reason FID can side against precision: only where asked for
    short = gan.versus("WGAN-GP", broad, "GAN + R1", sharp, "a", explain=False)
    assert short.endswith("coverage 0.90 vs 0.80).") and "FID, a" not in short
    assert gan.versus("WGAN-GP", narrow, "GAN + R1", sharp, "a",
                      explain=False).endswith("coverage 0.70 vs 0.80).")


def test_2b_verdicts_word_both_outcomes():
    ok = decide.collapse_tests(hist([0.5], [0.9]))
    bad = decide.collapse_tests(hist([D_WINS / 2], [0.2]))
    text = b2.vs_regular(scores(30.0), scores(90.0), 3, ok, bad)
    assert text.startswith("At epoch 3, WGAN-GP is closer to the data than "
                           "the regular GAN")
    assert ("By the collapse tests of 2a, the regular GAN collapses (the "
            "discriminator wins from epoch 1, coverage 0.20 < 0.5) and WGAN-GP "
            "does not (coverage 0.90 ≥ 0.5).") in text
    worse = b2.vs_regular(scores(90.0), scores(30.0), 3, bad, ok)
    assert "the regular GAN is closer to the data than WGAN-GP" in worse
    assert "the regular GAN does not (" in worse
    assert "WGAN-GP collapses (" in worse
    r1 = b2.vs_r1(scores(30.0), scores(40.0), [29.0, 31.0], [39.0, 41.0], 6)
    assert "(means over 2 seeds)" in r1 and "WGAN-GP is closer" in r1
    clash = b2.vs_r1(scores(30.0, precision=0.5, recall=0.4),
                     scores(40.0, precision=0.8), [30.0], [40.0], 6)
    # the second comparison of a part words the clash without repeating
    # the first's "The eye may disagree"
    assert "But GAN + R1's samples are more data-like" in clash
    assert "The eye may disagree" not in clash and "FID, a distance" not in clash
    assert "GAN + R1 leads" in b2.equal_time(100, 30.0, 6, 40.0, 2)
    assert "WGAN-GP leads" in b2.equal_time(100, 40.0, 6, 30.0, 2)
    assert "level" in b2.equal_time(100, 40.0, 6, 40.2, 2)
    assert "although" not in b2.epoch_time(0.5, 5)
    assert "critic's own steps dominate" in b2.epoch_time(1.2, 5)
    assert "small part" in b2.epoch_time(1.0, 5)
    assert "G_ema is closer" in b2.shown_generator("GAN", 50, 40)
    assert "the G shown is closer" in b2.shown_generator("GAN", 40, 50)
    assert "level" in b2.shown_generator("GAN", 40, 40.2)


REAL = scores(40.0, precision=0.85, recall=0.85, coverage=1.0)


def test_2a_answer_names_both_recipes_and_the_epochs():
    bad = decide.collapse_tests(hist([0.5, 0.5, D_WINS / 2], [0.9, 0.5, 0.2]))
    ok = decide.collapse_tests(hist([0.5] * 3, [0.9] * 3))
    text = a2.answer(bad, ok, scores(1900.0), scores(500.0), REAL)
    assert text.startswith("After 3 epochs each, the assignment’s recipe "
                           "(no R1) collapses")
    assert "With the R1 penalty the GAN does not collapse" in text
    assert text.endswith("R1 lowers FID from 1900.0 to 500.0.")
    longer = decide.collapse_tests(hist([0.5] * 6, [0.9] * 6))
    assert a2.answer(bad, longer, scores(1.0), scores(2.0), REAL).startswith(
        "After 3 and 6 epochs")
    assert "R1 raises FID from 1.0 to 2.0" in a2.answer(
        bad, longer, scores(1.0), scores(2.0), REAL)
    assert "R1 leaves FID about where it is" in a2.answer(
        bad, ok, scores(50.0), scores(50.5), REAL)
    # low recall is worded once, as quality, not inside the collapse verdict
    low = decide.collapse_tests(hist([0.5] * 3, [0.9] * 3, recall=0.01))
    text = a2.answer(bad, low, scores(1900.0), scores(500.0, recall=0.01),
                     REAL)
    assert text.count("recall below") == 1


def test_2a_quality_words_each_outcome():
    lo = 0.6 * a2.NEAR                   # a fraction of real data's score
    def q(p, r):
        return a2.quality("G", scores(50.0, precision=p * 0.85,
                                      recall=r * 0.85), REAL)
    assert "close to the data on both k-NN scores" in q(1.0, 1.0)
    assert "fall short of the data on both" in q(lo, lo)
    assert "diverse but often unlike any test digit" in q(lo, 1.0)
    assert "cover only part of the test set's variety" in q(1.0, lo)
    assert "reach little of the data (recall below" in a2.quality(
        "G", scores(50.0, recall=LOW_RECALL / 2), REAL)
    # both sides of NEAR
    assert "close to the data" in q(1.01 * a2.NEAR, 1.01 * a2.NEAR)
    assert "diverse but" in q(0.99 * a2.NEAR, 1.01 * a2.NEAR)
    assert "cover only part" in q(1.01 * a2.NEAR, 0.99 * a2.NEAR)
    assert q(1.0, 1.0).startswith("G's samples are close") and \
        "FID 50.0 against 40.0" in q(1.0, 1.0)


def test_ema_sentence_both_ways():
    assert gan.ema_sentence(50, 40).startswith("G_ema is closer")
    assert gan.ema_sentence(40, 50).startswith("G is closer")
    assert "about as close" in gan.ema_sentence(50, 50.5)
    assert gan.spread([9, 1, 2, 3, 4, 5]) == "1.0–5.0 over the last 5 epochs"


def test_equilibrium_both_ways():
    far = q3.equilibrium([0.8] * 6, [0.3] * 6)
    assert "has not reached the equilibrium" in far and "at least 0.50" in far
    assert "last 5 epochs" in far
    near = q3.equilibrium([0.52, 0.55], [0.48, 0.5])
    assert "do not show the equilibrium" in near and "smallest 0.04" in near
    assert q3.equilibrium_gap([0.9, 0.8], [0.1, 0.75]) == \
        q3.equilibrium_gap([0.8], [0.75])


def test_times_rounds_large_ratios_to_whole_numbers():
    assert decide.times(1.923) == "1.92" and decide.times(116.86) == "117"


def test_minimax_simulation_verdicts():
    assert "same factor" in q2.same_factor(0.0)
    assert "does not move on the straight line" in q2.same_factor(1e-3)
    assert "runs down the concave" in q2.gd_runs_down(1.4, 1.4)
    assert "does not grow" in q2.gd_runs_down(0.9, 1.4)
    ok = q2.bilinear(0, 0, 20, (-0.1, 0.2))
    assert "as predicted, it diverges" in ok and "bounded cycling" in ok
    bad = q2.bilinear(3, 2, 20, (-0.1, 0.2))
    assert "contracts for 3 of 20" in bad and "some runs converge" in bad
    assert "leaves the factor-10 band" in q2.bilinear(0, 0, 20, (-0.1, 2.0))
    assert "escapes" in q2.escape(-14.0, -2.0, 80, 200)
    assert "no escape" in q2.escape(-14.0, -13.5, 80, 200)


def test_sample_noise():
    assert "mostly noise" in q1.sample_noise(1.0, 4.0, 1.0)
    assert "mostly signal" in q1.sample_noise(1.0, 0.5, 0.4)
    assert "common positive offset" in q1.sample_noise(1.0, 4.0, 1.0)
    assert "not the main source" in q1.sample_noise(1.0, 4.0, 3.0)


def test_matches_closed_form():
    assert "equal up to" in q1.matches_closed_form(1e-16, 1.0)
    assert "does not implement" in q1.matches_closed_form(1e-6, 1.0)
    assert "equal up to" in q1.matches_closed_form(1e-6, 1e4)


def test_latent_path_verdicts():
    none = d2.line_improvement([1.0, 1.0], [0, 0])
    assert "line itself is returned for all" in none and "1.000" in none
    every = d2.line_improvement([0.5, 0.6], [3, 5])
    assert "for every pair, each by more than 3 %" in every
    assert "but none by more than 3 %" in d2.line_improvement([0.99, 0.98],
                                                              [3, 5])
    assert "2 of 2 pairs the best path is the last" in d2.line_improvement(
        [0.5, 0.6], [40, 40], 40)
    assert "came before the last" in d2.line_improvement([0.5, 0.6], [30, 20],
                                                        40)
    assert "last iterate" not in d2.line_improvement([0.5, 0.6], [40, 40])
    some = d2.line_improvement([0.5, 0.99, 1.0], [3, 5, 0])
    assert "2 of the 3 pairs; 1 of the 3 by more than 3 %" in some
    assert "the other 1 no iterate" in some
    assert "median 0.990 (min–max 0.500–1.000)" in some
    assert "does not cost U" in d2.shell_variant([0.5, 0.6], [0.9, 0.9])
    assert "costs U;" in d2.shell_variant([1.1, 0.9], [0.5, 0.6])
    assert "above the straight line for 1 of 2" in d2.shell_variant(
        [1.1, 0.9], [0.5, 0.6])
    assert "about nothing" in d2.shell_variant([0.9, 0.9], [0.9, 0.9])
    good, bare = {"spacing": 1.1, "refined": 1.01}, {"spacing": 5.0,
                                                     "refined": 1.5}
    assert "faithful" in d2.quadrature(good, bare, 100)
    assert "bunch up" in d2.quadrature(good, bare, 100)
    assert "undercharges the path" in d2.quadrature(good, bare, 100)
    assert "hardly biases U" in d2.quadrature(good, {"spacing": 5.0,
                                                    "refined": 1.01}, 100)
    assert "misses ridges" in d2.quadrature(
        {"spacing": 1.1, "refined": 1.2}, bare, 100)
    assert "no bunching" in d2.quadrature(good, {"spacing": 1.5,
                                                "refined": 1.0}, 100)
    assert "all of them stay" in d2.off_shell(0.0, 9, 13, 10, 12)
    assert "25% of them lie outside" in d2.off_shell(0.25, 9, 13, 5, 12)


def test_path_verdicts():
    assert "costs more" in d2.arc_vs_line(1.2, 1.1)
    assert "more than pays" in d2.arc_vs_line(0.9, 1.1)


def test_q3_samples_change_words_each_direction():
    text = q3.samples_change([1, 2, 3], [100.0, 80.0, 50.0], [0.5, 0.6, 0.7],
                             [0.9, 0.9, 0.9])
    assert text.startswith("From T = 1 to T = 3 the FID of G improves from "
                           "100.0 to 50.0")
    assert "precision (how many samples look like some real garment) " \
        "improves from 0.500 to 0.700" in text
    assert "coverage stays at about 0.900" in text
    worse = q3.samples_change([1, 3], [50.0, 0, 100.0], [0.7, 0, 0.5],
                              [0.9, 0, 0.6])
    assert "FID of G worsens from 50.0 to 100.0" in worse
    assert "precision (how many samples look like some real garment) " \
        "worsens from 0.700 to 0.500" in worse and "coverage worsens" in worse
