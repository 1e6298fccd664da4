"""Number formatting of the answers."""

from helpers.text import (HEADER_LINE, WIDEST_COLUMN, by_at_most, count,
                          md_table, pm)


def test_pm_rounds_the_mean_to_the_sds_digits():
    assert pm(0.9, 0.3) == "0.90 ± 0.30"
    assert pm(0.99998, 5.7e-05) == "0.999980 ± 0.000057"
    assert pm(10.14, 0.587) == "10.14 ± 0.59"
    assert pm(5.735951, 8.3e-05, max_decimals=3) == "5.736 ± 0.000"
    assert pm(10.14, 0.587, max_decimals=3) == "10.14 ± 0.59"
    assert pm(123.4, 25.0) == "123 ± 25"


def test_count_agrees_the_noun_with_the_number():
    assert count(1, "epoch") == "1 epoch"
    assert count(0, "seed") == "0 seeds"
    assert count(10_000, "sample") == "10,000 samples"


def test_a_tables_columns_get_width_shares_from_their_contents():
    table = md_table(["run", "FID ↓", "note"],
                     [["GAN + R1: G, epoch 6", "429.7", "x" * 60],
                      ["no R1", "1942.9", "short"]], align="lrl")
    rule = table.splitlines()[1].strip("|").split("|")
    # label: its longest cell; number: its longest cell, right-aligned;
    # long text: capped, so it wraps instead of squeezing the others
    assert rule == ["-" * 20, "-" * 6 + ":", "-" * WIDEST_COLUMN]
    assert table.splitlines()[2] == ("| GAN + R1: G, epoch 6 | 429.7 | "
                                     + "x" * 60 + " |")
    narrow = md_table(["a", "precision ↑", "seeds on the best arm"],
                      [["1", "2", "77%"]], align="crr")
    # short headers keep one line; a long one wraps at HEADER_LINE
    assert narrow.splitlines()[1] == ("|:---:|-----------:|"
                                      + "-" * HEADER_LINE + ":|")


def test_a_difference_of_zero_is_said_as_exactly_zero():
    assert by_at_most(0.0) == "by exactly 0"
    assert by_at_most(2.2e-16) == "by at most 2.2e-16"
