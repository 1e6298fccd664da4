"""Number formatting of the answers."""

from helpers.report import count, pm


def test_pm_rounds_the_mean_to_the_sds_digits():
    assert pm(0.9, 0.3) == "0.90 ± 0.30"
    assert pm(0.99998, 5.7e-05) == "0.999980 ± 0.000057"
    assert pm(10.14, 0.587) == "10.14 ± 0.59"
    assert pm(123.4, 25.0) == "123 ± 25"


def test_count_agrees_the_noun_with_the_number():
    assert count(1, "epoch") == "1 epoch"
    assert count(0, "seed") == "0 seeds"
    assert count(10_000, "sample") == "10,000 samples"
