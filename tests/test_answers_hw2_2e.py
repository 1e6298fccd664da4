"""HW2 2e's answer: each verdict on both sides of its threshold."""

from dataclasses import replace

from helpers.answers import hw2_2e as e2
from helpers.answers.hw2_2e import FID_LIMIT, Setting


def setting(form="pairs", weight=1e-4, u=0.95, low=0.92, high=0.98,
            fid=1.3) -> Setting:
    return Setting(form, weight, u, low, high, fid)


def test_verdict_reads_the_interval_against_one():
    assert e2.verdict(setting(low=0.9, high=0.999)) == "lower"
    assert e2.verdict(setting(low=0.9, high=1.0)) == "unclear"
    assert e2.verdict(setting(u=1.05, low=1.001, high=1.1)) == "higher"
    assert e2.verdict(setting(u=1.0, low=1.0, high=1.1)) == "unclear"


def test_eligible_both_sides_of_the_fid_bar():
    assert e2.eligible(setting(fid=FID_LIMIT - 1e-9))
    assert not e2.eligible(setting(fid=FID_LIMIT))


def test_recommend_the_lowest_significant_setting_within_the_bar():
    a = setting(weight=1e-4, u=0.95, high=0.98, fid=1.3)
    b = setting(weight=3e-4, u=0.90, high=0.96, fid=1.9)
    c = setting(weight=1e-3, u=0.80, high=0.85, fid=2.1)   # past the bar
    d = setting("energy", 0.003, u=0.85, low=0.7, high=1.01, fid=1.1)
    assert e2.recommend([a, b, c, d]) == (b, True)
    # without b, a is the only significant one inside the bar
    assert e2.recommend([a, c, d]) == (a, True)
    # none significant: the best frontier point, and no claimed gain
    assert e2.recommend([c, d]) == (d, False)
    assert e2.recommend([c]) == (None, False)


def test_answer_words_a_significant_gain_first():
    chosen = setting(u=0.951, low=0.930, high=0.972, fid=1.58)
    other = setting("length", 0.02, u=1.01, low=0.98, high=1.04, fid=1.2)
    text = e2.answer([chosen, other], 16, 0.95, "half an epoch")
    assert text.startswith("Add μ·U along straight latent segments")
    assert "(μ = 0.0001)" in text
    assert "lowers min U to 0.951× the control's (95 % interval 0.930–0.972" \
        in text and "1.58× its FID" in text
    assert "16 held-out pairs" in text
    assert f"bar: {FID_LIMIT:g}×" in text
    assert "path length (w = 0.02) 1.010× (0.980–1.040)" in text
    assert "both of G_ema" in text
    assert text.endswith("The intervals cover the choice of pairs, not the "
                         "training seed: one run per setting.")


def test_answer_says_when_nothing_lowers_min_u_significantly():
    # the interval of the best one reaches 1: no claimed gain
    a = setting(u=0.97, low=0.93, high=1.01, fid=1.2)
    b = setting("energy", 0.003, u=0.99, low=0.96, high=1.02, fid=1.1)
    text = e2.answer([a, b], 16, 0.95, "one epoch")
    assert text.startswith("No setting lowers min U significantly")
    assert "best frontier point, μ·U along" in text
    assert "min U 0.970× the control's" in text
    assert "path energy (μ = 0.003) 0.990×" in text


def test_answer_when_every_setting_breaks_the_fid_bar():
    text = e2.answer([setting(fid=2.5)], 16, 0.95, "one epoch")
    assert text.startswith("No setting kept FID below")


def test_answer_is_at_most_four_sentences():
    a = setting(u=0.951, low=0.930, high=0.972, fid=1.58)
    b = setting("energy", 0.003, u=0.99, low=0.96, high=1.02, fid=1.1)
    c = setting("length", 0.02, u=1.01, low=0.98, high=1.04, fid=1.2)
    rival = e2.against_runner_up(a, b, 0.97, 0.94, 0.99, 0.95)
    for text in (e2.answer([a, b, c], 16, 0.95, "one epoch"),
                 e2.answer([a, b, c], 16, 0.95, "one epoch", rival),
                 e2.answer([b, c], 16, 0.95, "one epoch")):
        assert 1 <= text.count(". ") + 1 <= 4


def test_along_weight_trend_words():
    text = e2.along_weight("pairs", [0, 0.1, 0.2], [1, 0.9, 0.8],
                           [1, 1.2, 1.5])
    assert text.startswith("As the direct weight μ grows from 0 to 0.2")
    assert "trade off at every step" in text
    text = e2.along_weight("pairs", [0, 0.1, 0.2, 0.3], [1, 0.9, 0.95, 0.85],
                           [1, 1.2, 1.5, 2.0])
    assert "min U is not monotone" in text and "no clean trade-off" in text
    assert "FID is not monotone" in e2.along_weight(
        "length", [0, 0.1, 0.2], [1, 0.9, 0.8], [1, 1.2, 1.1])


def test_path_factors_words_each_factor():
    text = e2.path_factors("direct (μ = 0.1)", 1.3, 0.9)
    assert text.startswith("With direct (μ = 0.1) the inverted codes lie "
                           "1.30× as far apart")
    assert "lengthens every path" in text
    assert "while its paths' images are closer" in text
    assert "are not closer" in e2.path_factors("x", 1.3, 1.0)
    assert "as the penalty intends" in e2.path_factors("x", 1.0, 0.8)
    assert "neither factor moves by more than 3 % on its own" in \
        e2.path_factors("x", 0.99, 0.975)


def test_setting_labels():
    assert e2.setting_label("pairs", 1e-4) == "direct (μ = 0.0001)"
    assert e2.setting_label("length", 0.2) == "path length (w = 0.2)"
    assert e2.setting_label("energy", 0.0) == "control (μ = 0)"


def test_runner_up_is_the_best_eligible_setting_of_another_penalty():
    chosen = setting(u=0.95, high=0.97)
    same_form = setting(weight=1e-5, u=0.96)
    energy = setting("energy", 0.01, u=0.985, fid=1.08)
    length = setting("length", 0.2, u=0.966, fid=1.04)
    too_dear = setting("length", 0.6, u=0.90, fid=2.5)    # past the FID bar
    found = [chosen, same_form, energy, length, too_dear]
    assert e2.runner_up(found, chosen) == length
    assert e2.runner_up([chosen, same_form], chosen) is None
    assert e2.runner_up(found, None) is None


def test_against_runner_up_every_outcome():
    chosen, rival = setting(), setting("length", 0.2, u=0.966, fid=1.04)
    clear = e2.against_runner_up(chosen, rival, 1.03, 1.01, 1.05, 0.95)
    assert clear.startswith("The best other penalty, path length (w = 0.2), "
                            "ends at 1.030× this one's min U (95 % interval "
                            "1.010–1.050): higher on these pairs")
    assert "one run per setting" in clear
    close = e2.against_runner_up(chosen, rival, 1.02, 0.99, 1.05, 0.95)
    assert "do not tell the two apart, and this one has the lower sum" in close
    # the recommended one kept for its FID, the other lower on min U
    cheaper = e2.against_runner_up(rival, chosen, 0.985, 0.95, 1.02, 0.95)
    assert cheaper.startswith("Direct (μ = 0.0001) reaches a lower min U, "
                              "0.985× this one's")
    assert "costs 1.30× the control's FID against 1.04×, so I prefer this " \
        "one" in cheaper


def test_prefer_cheaper_both_sides_of_each_condition():
    direct = setting(u=0.951, low=0.92, high=0.987, fid=1.58)
    length = setting("length", 0.2, u=0.966, low=0.941, high=0.996, fid=1.04)
    assert e2.prefer_cheaper(direct, length, high=1.023)
    # the pairs resolve the gap: keep the lower min U
    assert not e2.prefer_cheaper(direct, length, high=0.99)
    # the runner-up costs more FID
    assert not e2.prefer_cheaper(direct, replace(length, fid_ratio=1.7),
                                 high=1.023)
    # the runner-up is not significant against the control, the chosen is
    assert not e2.prefer_cheaper(direct, replace(length, high=1.01),
                                 high=1.023)
    # neither is significant: the cheaper one is the better frontier point
    assert e2.prefer_cheaper(replace(direct, high=1.01),
                             replace(length, high=1.01), high=1.023)


def test_answer_recommends_the_setting_it_is_given():
    direct = setting(u=0.951, low=0.92, high=0.987, fid=1.58)
    length = setting("length", 0.2, u=0.966, low=0.941, high=0.996, fid=1.04)
    text = e2.answer([direct, length], 16, 0.95, "one epoch", chosen=length)
    assert text.startswith("Add StyleGAN2's path-length penalty")
    assert "lowers min U to 0.966×" in text
    assert "direct (μ = 0.0001) 0.951×" in text


def test_settle_keeps_the_lowest_min_u_unless_the_pairs_cannot_tell():
    from types import SimpleNamespace
    direct = setting(u=0.951, low=0.92, high=0.987, fid=1.58)
    length = setting("length", 0.2, u=0.966, low=0.941, high=0.996, fid=1.04)

    def interval(high):
        def paired(a, b):
            r = a.u_ratio / b.u_ratio
            return SimpleNamespace(ratio=r, low=r - 0.03,
                                   high=high if a is direct else 2 - high)
        return paired
    # the pairs cannot tell them apart: the cheaper path length
    chosen, text = e2.settle([direct, length], 0.95, interval(1.02))
    assert chosen is length and text.startswith("Direct (μ = 0.0001) "
                                                "reaches a lower min U")
    # they can: the lower min U stays
    chosen, text = e2.settle([direct, length], 0.95, interval(0.99))
    assert chosen is direct and text.startswith("The best other penalty")
    # no other penalty within the bar: no comparison
    assert e2.settle([direct], 0.95, interval(1.02)) == (direct, "")
    assert e2.settle([setting(fid=2.5)], 0.95, interval(1.02)) == (None, "")
