"""Every verdict sentence on inputs on both sides of its thresholds."""

from helpers import verdicts as v


def hist(d_loss, coverage, g_loss=None, precision=0.8, recall=0.5):
    n = len(d_loss)
    return {"d_loss": d_loss, "g_loss": g_loss or [1.0] * n,
            "coverage": coverage, "precision": [precision] * n,
            "recall": [recall] * n}


def test_collapse_by_loss_by_coverage_and_by_recall():
    below, above = v.D_WINS * 0.9, v.D_WINS * 1.1
    few, many = v.FEW_MODES - 0.01, v.FEW_MODES + 0.01
    low = v.NO_RECALL * 0.9
    assert v.collapse_epoch([0.5, below, 0.5]) == 2
    assert v.collapse_epoch([0.5, above]) is None
    ok = v.collapse(hist([0.5, above], [0.9, many]))
    assert "never wins" in ok and "did not collapse by any" in ok
    both = v.collapse(hist([0.5, below], [0.9, few]))
    assert "wins outright at epoch 2" in both
    assert "collapsed by the loss and class tests; it passes the recall" in both
    loss = v.collapse(hist([below], [many]))
    assert "collapsed by the loss test; it passes the class and recall" in loss
    modes = v.collapse(hist([above], [few]))
    assert "by the class test" in modes and "never wins" in modes
    assert v.collapse(hist([above], [many]), "So, ").startswith("So, the")
    # a class collapse that recovered is named, though the last epoch passes
    dipped = v.collapse(hist([above] * 3, [0.9, few, many]))
    assert "first below 0.5 at epoch 2" in dipped and "did not collapse" in dipped
    # data-like samples without recall: dropped modes
    dropped = v.collapse(hist([above], [many], recall=low))
    assert "collapsed by the recall test" in dropped and "data-like" in dropped
    # low recall of samples that are not data-like yet: not called collapse
    blobs = v.collapse(hist([above], [many], precision=0.1, recall=low))
    assert "did not collapse by any" in blobs and "poor quality" in blobs
    every = v.collapse(hist([below], [few], recall=low))
    assert "loss, class and recall tests." in every and "passes" not in every
    assert ") and precision" not in ok   # one "and" in the clause


def test_collapse_reads_the_larger_final_sample_when_given():
    above, many = v.D_WINS * 1.1, v.FEW_MODES + 0.01
    per_epoch = hist([above], [many], recall=v.NO_RECALL * 0.9)
    assert "collapsed by the recall test" in v.collapse(per_epoch)
    final = {"coverage": 0.91, "precision": 0.61, "recall": 0.62, "fid": 1.0}
    text = v.collapse(per_epoch, last=(final, 10_000))
    assert "(10,000 samples) have class coverage 0.91" in text
    assert "recall 0.620" in text and "did not collapse by any" in text


def test_compare_and_epoch_time():
    assert v.compare(0.96) == "lower" and v.compare(1.04) == "higher"
    assert v.compare(1.02).startswith("about the same")
    assert "faster" in v.epoch_time(0.5, 5)
    assert "slower" in v.epoch_time(1.2, 5)
    assert "about the same" in v.epoch_time(1.0, 5)


def test_inversion_verdicts():
    assert v.distinct_codes(0.0, 10).startswith("Different init")
    assert "same z\\*: all 10" in v.distinct_codes(1.0, 10)
    assert v.distinct_codes(0.3, 10).startswith("Some")
    assert "separate basins" in v.basins(0.6, 10, 0.05)
    assert "only some" in v.basins(0.4, 10, 0.05)
    assert "no pair" in v.basins(0.0, 10, 0.0)
    gain = v.RESTART_GAIN
    assert v.restarts(100 * (1 - gain) - 1, 100, 8).startswith("Restarts pay")
    assert v.restarts(100 * (1 - gain) + 1, 100, 8).startswith(
        "Restarts barely")
    assert v.typical_set(0.9, 9, 13, 20, 11.3).startswith("The codes leave")
    assert v.typical_set(0.2, 9, 13, 11, 11.3).startswith("Some codes")
    assert v.typical_set(0.0, 9, 13, 11, 11.3).startswith("The codes stay")


def test_path_verdicts():
    assert "costs more" in v.arc_vs_line(1.2, 1.1)
    assert "more than pays" in v.arc_vs_line(0.9, 1.1)
    assert "worse by FID" in v.quality_price((60, 50), (0.9, 0.9))
    assert "better by FID" in v.quality_price((40, 50), (0.9, 0.8))
    assert "about the same by FID" in v.quality_price((50.5, 50), (0.9, 0.9))


def test_latent_path_verdicts():
    none = v.line_improvement([1.0, 1.0], [0, 0])
    assert "line itself is returned for all" in none and "1.000" in none
    every = v.line_improvement([0.5, 0.6], [3, 5])
    assert "for every pair, each by more than 3 %" in every
    assert "but none by more than 3 %" in v.line_improvement([0.99, 0.98],
                                                              [3, 5])
    assert "2 of 2 pairs the best path is the last" in v.line_improvement(
        [0.5, 0.6], [40, 40], 40)
    assert "came before the last" in v.line_improvement([0.5, 0.6], [30, 20],
                                                        40)
    assert "last iterate" not in v.line_improvement([0.5, 0.6], [40, 40])
    some = v.line_improvement([0.5, 0.99, 1.0], [3, 5, 0])
    assert "2 of the 3 pairs; 1 of the 3 by more than 3 %" in some
    assert "the other 1 no iterate" in some
    assert "median 0.990 (min–max 0.500–1.000)" in some
    assert "does not cost U" in v.shell_variant([0.5, 0.6], [0.9, 0.9])
    assert "costs U;" in v.shell_variant([1.1, 0.9], [0.5, 0.6])
    assert "above the straight line for 1 of 2" in v.shell_variant(
        [1.1, 0.9], [0.5, 0.6])
    assert "about nothing" in v.shell_variant([0.9, 0.9], [0.9, 0.9])
    good, bare = {"spacing": 1.1, "refined": 1.01}, {"spacing": 5.0,
                                                     "refined": 1.5}
    assert "faithful" in v.quadrature(good, bare, 100)
    assert "bunch up" in v.quadrature(good, bare, 100)
    assert "undercharges the path" in v.quadrature(good, bare, 100)
    assert "hardly biases U" in v.quadrature(good, {"spacing": 5.0,
                                                    "refined": 1.01}, 100)
    assert "misses ridges" in v.quadrature(
        {"spacing": 1.1, "refined": 1.2}, bare, 100)
    assert "no bunching" in v.quadrature(good, {"spacing": 1.5,
                                                "refined": 1.0}, 100)
    assert "all of them stay" in v.off_shell(0.0, 9, 13, 10, 12)
    assert "25% of them lie outside" in v.off_shell(0.25, 9, 13, 5, 12)


def test_sample_noise():
    assert "mostly noise" in v.sample_noise(1.0, 4.0, 1.0)
    assert "mostly signal" in v.sample_noise(1.0, 0.5, 0.4)
    assert "common positive offset" in v.sample_noise(1.0, 4.0, 1.0)
    assert "not the main source" in v.sample_noise(1.0, 4.0, 3.0)


def test_local_minima_sentences():
    lm, sd, nc = "local minimum", "saddle", "not converged"
    text = v.local_minima([lm, lm], [lm, lm], [0.1, 0.2], [1e-3, 2e-3],
                          [0, 0], 5, 0.0, [0.0, 0.0], [0.0, 0.0])
    assert "All 2 codes are local minima" in text
    assert "none needed refining" in text and "None is a saddle" in text
    text = v.local_minima([nc, lm, nc], [sd, lm, nc], [-0.5, 0.2, 0.1],
                          [-0.1, 1e-3, 0.0], [2, 0, 5], 5, 0.3,
                          [0.0, 0.0, 0.4], [0.1, 0.0, 0.05])
    assert "1 of 3 codes are local minima" in text
    assert "1 is a saddle point" in text and "down to -0.5" in text
    assert "1 is still not converged after 5" in text
    assert "the other 2 were refined" in text
    text = v.local_minima([nc], [lm], [0.1], [1e-2], [3], 5, 0.1, [0.0],
                          [0.01])
    assert "None remains unconverged" in text and "at most 3" in text
    text = v.local_minima([nc], [nc], [0.1], [1e-2], [5], 5, 0.1, [0.3],
                          [0.02])
    assert "No code passes" in text and "no code is stationary" in text
    assert "fell by a median 2.0%" in text and "median 0.3 × L" in text


def test_argmin_answer():
    lm, sd, nc = "local minimum", "saddle", "not converged"
    assert "Yes: all 2" in v.argmin_answer([lm, lm])
    assert "For 1 of 3 codes, yes" in v.argmin_answer([lm, sd, nc])
    assert "No code passes" in v.argmin_answer([sd, nc])
    assert "1 saddle and 1 undecided" in v.argmin_answer([sd, nc])
    assert "0 saddles and 2 undecided" in v.argmin_answer([nc, nc])


def test_matches_closed_form():
    assert "equal up to" in v.matches_closed_form(1e-16, 1.0)
    assert "does not implement" in v.matches_closed_form(1e-6, 1.0)
    assert "equal up to" in v.matches_closed_form(1e-6, 1e4)


def test_outward():
    assert v.outward([], 1.1) == ""
    assert "most of them still descend" in v.outward([-0.1, -0.2, 0.1], 1.1)
    assert "only some" in v.outward([-0.1, 0.2, 0.1], 1.1)
    assert "none descends" in v.outward([0.1], 1.1)


def test_ema_comparison_words_both_outcomes():
    s = dict(fid=50.0, precision=0.7, recall=0.4, coverage=0.99)
    better = dict(s, fid=40.0)
    worse = dict(s, fid=60.0)
    floor = dict(fid=4.0, precision=0.87, recall=0.87, coverage=0.999)
    args = (floor, 10_000, 100, [60.0, 50.0], [45.0, 40.0], 2_000)
    assert "G_ema is closer to the data than G (ratio 0.80)" in \
        v.ema_comparison(s, better, *args)
    assert "G is closer to the data than G_ema (ratio 1.20)" in \
        v.ema_comparison(s, worse, *args)
    assert "about as close" in v.ema_comparison(s, dict(s, fid=50.5), *args)
    text = v.ema_comparison(s, better, *args)
    assert "50.0–60.0 over the last 2 epochs" in text
    assert "on 10,000 samples" in text and "(2,000 samples)" in text
    assert v.spread([9, 1, 2, 3, 4, 5, 6]) == "2.0–6.0 over the last 5 epochs"


def test_choose_penalty_both_sides_of_the_fid_bar():
    labels = ["a", "b", "c"]
    best, text = v.choose_penalty(labels, [0.9, 0.7, 0.5], [3, 4, 4], 4,
                                  [1.2, 1.6, 2.5])
    assert best == 1 and "We choose b" in text
    assert "doubled FID: c" in text            # lower U, but FID ≥ 2×
    best, text = v.choose_penalty(labels, [0.9, 0.7, 0.5], [3, 4, 4], 4,
                                  [2.2, 2.0, 2.5])
    assert best is None and "at least doubles FID" in text
    best, text = v.choose_penalty(labels, [1.0, 1.01, 0.98], [1, 2, 2], 4,
                                  [1.0, 1.0, 1.0])
    assert best is None and "No setting lowers min U" in text


def test_along_weight_trend_words():
    assert "trade off" in v.along_weight([0, 0.1, 0.2], [1, 0.9, 0.8],
                                         [1, 1.2, 1.5])
    text = v.along_weight([0, 0.1, 0.2, 0.3], [1, 0.9, 0.95, 0.85],
                          [1, 1.2, 1.5, 2.0])
    assert "min U is not monotone" in text and "no clean trade-off" in text
    valley = v.along_weight([0, 0.1, 0.2, 0.3], [1, 0.9, 0.95, 1.0],
                            [1, 1.2, 1.5, 2.0])
    assert "min U falls up to μ = 0.1 (ratio 0.900) and rises beyond" in valley
    assert "costs both beyond it" in valley
    # a valley in min U while FID does not rise throughout: no trade-off
    assert "no clean trade-off" in v.along_weight(
        [0, 0.1, 0.2, 0.3], [1, 0.9, 0.95, 1.0], [1, 1.2, 1.1, 2.0])

def test_ema_answer_both_ways():
    assert "answer shows the closer" in v.ema_answer("WGAN-GP", 40, 50, 512)
    far = v.ema_answer("WGAN-GP", 50, 40, 512)
    assert "G_ema is closer to the data than the pictures shown" in far
    assert "are G's" in far and "512 samples" in far
    assert "about as close" in v.ema_answer("GAN", 50, 50.5, 512)
    ema = v.ema_answer("GAN", 50, 40, 512, answer="G_ema")
    assert "are G_ema's" in ema and "answer shows the closer" in ema


def test_equilibrium_both_ways():
    far = v.equilibrium([0.8] * 6, [0.3] * 6)
    assert "has not reached the equilibrium" in far and "at least 0.50" in far
    assert "last 5 epochs" in far
    near = v.equilibrium([0.52, 0.55], [0.48, 0.5])
    assert "compatible with the equilibrium but do not show it" in near
    assert "0.04–0.05" in near


def test_minimax_simulation_verdicts():
    assert "same factor" in v.same_factor(0.0)
    assert "does not move on the straight line" in v.same_factor(1e-3)
    assert "runs down the concave" in v.gd_runs_down(1.4, 1.4)
    assert "does not grow" in v.gd_runs_down(0.9, 1.4)
    ok = v.bilinear(0, 0, 20, (-0.1, 0.2))
    assert "as predicted, it diverges" in ok and "bounded cycling" in ok
    bad = v.bilinear(3, 2, 20, (-0.1, 0.2))
    assert "contracts for 3 of 20" in bad and "some runs converge" in bad
    assert "leaves the factor-10 band" in v.bilinear(0, 0, 20, (-0.1, 2.0))
    assert "escapes" in v.escape(-14.0, -2.0, 80, 200)
    assert "no escape" in v.escape(-14.0, -13.5, 80, 200)


def test_echo_vs_vae_every_outcome():
    tol = v.rd_tolerance([0.2])
    assert tol == v.RD_TIE and v.rd_tolerance([3.0]) == 6.0
    assert "cannot be compared" in v.echo_vs_vae([], tol)
    ahead = v.echo_vs_vae([(10.0, -3.0), (20.0, -2.0)], tol)
    assert "Echo dominates" in ahead and "2.0–3.0 nats" in ahead
    assert "lead may shrink" in ahead and "widen" not in ahead
    behind = v.echo_vs_vae([(10.0, 3.0), (20.0, 2.0)], tol)
    assert "trails the β-VAE everywhere" in behind and "widen" in behind
    level = v.echo_vs_vae([(10.0, 0.5)], tol)
    assert "neither model dominates" in level
    low = v.echo_vs_vae([(5.0, -2.0), (15.0, 0.0), (25.0, 4.0)], tol)
    assert "leads at low rates, trails at high" in low
    assert "level within ±1.0 nats at R = 15.0" in low
    high = v.echo_vs_vae([(5.0, 2.0), (25.0, -4.0)], tol)
    assert "leads at high rates, trails at low" in high
    floor = v.echo_vs_vae([(5.74, 27.2), (5.74, 27.4), (5.71, 27.3)], tol)
    assert "(R = 5.7 nats each)" in floor and "5.7, 5.7" not in floor
    assert "(R = 10.0, 20.0 nats)" in behind


def test_ablation_verdict_every_outcome():
    trails = v.ablation_verdict(5.0, {"a": 1.0, "b": 9.0, "c": 5.5}, 1.0)
    assert "Echo behind" in trails and "helps it most is a" in trails
    assert trails.startswith("With the paper's set-up at this ablation")
    assert "b moves it against Echo" in trails
    assert "c changes it by less" in trails
    assert "no change flips" in trails
    stuck = v.ablation_verdict(5.0, {"a": 4.5, "b": 4.8}, 1.0)
    assert "no single change tried here helps" in stuck
    assert "A, b change it by less" in stuck
    flip = v.ablation_verdict(5.0, {"a": -3.0}, 1.0)
    assert "a changes which model is ahead" in flip
    leads = v.ablation_verdict(-5.0, {"a": 2.0, "b": -5.2}, 1.0)
    assert "Echo leads" in leads and "erodes the lead most is a" in leads
    safe = v.ablation_verdict(-5.0, {"b": -5.2}, 1.0)
    assert "no single change tried here erodes" in safe
    tie = v.ablation_verdict(0.3, {"b": 0.2}, 1.0)
    assert "level in the paper's set-up" in tie


def test_ablation_from_level_is_no_flip():
    out = v.ablation_verdict(0.3, {"a": -4.0}, 1.0)
    assert "no change flips" in out and "in Echo's favour" in out


def test_rate_extremes_every_outcome():
    floor = 5.74
    out = v.rate_extremes([1, 2], [5.75, 5.74], floor, [0.5, 0.1])
    assert "at every β" in out and "one point" in out
    assert "transmits next to nothing" in out
    some = v.rate_extremes([1, 2], [9.0, 5.76], floor, [3.0, 0.2])
    assert "floor (5.74 nats) at β ∈ {2}" in some
    assert "collapse) at β ∈ {2}" in some
    none = v.rate_extremes([1, 2], [9.0, 7.0], floor, [3.0, 2.0])
    assert "stays above its rate floor" in none and "no posterior" in none


def test_ablation_source_every_outcome():
    assert "through the β-VAE" in v.ablation_source("x", -30.0, -130.0)
    assert "Echo AE itself" in v.ablation_source("x", -30.0, -5.0)
    assert "both models alike" in v.ablation_source("x", -30.0, -40.0)
    assert "(+100.0 nats)" in v.ablation_source("x", -30.0, -130.0)


def test_saturation_both_sides():
    assert "cannot" in v.saturation(v.SATURATED + 0.05)
    assert "optimiser's choice" in v.saturation(v.SATURATED - 0.05)


def test_training_length_every_outcome():
    assert "helps the β-VAE more" in v.training_length(120, -96, 600, 24, 1)
    assert "helps Echo more" in v.training_length(120, 24, 600, -96, 1)
    assert "does not change" in v.training_length(120, 5, 600, 5.5, 1)


def test_path_factors_words_each_factor():
    text = v.path_factors(0.1, 1.3, 0.9)
    assert "1.30× as far apart" in text and "lengthens every path" in text
    assert "while its paths' images are closer" in text
    assert "are not closer" in v.path_factors(0.1, 1.3, 1.0)
    assert "as the bound intends" in v.path_factors(0.1, 1.0, 0.8)
    assert "neither factor lowers" in v.path_factors(0.1, 0.99, 1.01)


def test_batch_sampler_effect_both_sides():
    assert "no effect detectable with 4 repeats" in v.batch_sampler_effect(
        2.0, 0.01, 0.1, 4)
    shifted = v.batch_sampler_effect(4.0, 0.01, 0.1, 4)
    assert "shifts the estimate detectably (4.0" in shifted
    assert "smaller than the estimator's own bias" in shifted
    assert "not smaller" in v.batch_sampler_effect(4.0, 0.2, 0.1, 4)


def test_closer_by_fid_every_outcome():
    apart = v.closer_by_fid("WGAN-GP", [20.0, 22.0], "GAN + R1", [30.0, 25.0])
    assert apart.startswith("WGAN-GP is closer") and "every seed" in apart
    flipped = v.closer_by_fid("WGAN-GP", [30.0, 25.0], "GAN + R1", [20.0, 22.0])
    assert flipped.startswith("GAN + R1 is closer")
    overlap = v.closer_by_fid("WGAN-GP", [20.0, 28.0], "GAN + R1", [25.0, 30.0])
    assert "do not tell" in overlap and "20.0, 28.0" in overlap
    one = v.closer_by_fid("WGAN-GP", [20.0], "GAN + R1", [30.0])
    assert one.startswith("WGAN-GP is closer") and "one seed" in one
    assert "within 3 %" in v.closer_by_fid("a", [20.0], "b", [20.3])


def test_times_rounds_large_ratios_to_whole_numbers():
    assert v.times(1.923) == "1.92" and v.times(116.86) == "117"
