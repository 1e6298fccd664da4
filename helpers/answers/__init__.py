"""One answer module per homework part: the paragraph a notebook shows.

Each module (`hw3_q1`, …, `hw2_2e`) holds its part's thresholds as
constants and an `answer(...)` that turns the numbers the notebook measured
into that part's answer paragraph (Markdown), answer first. Shared
thresholds and checks that return facts live in `helpers.decide`; the
number formatting in `helpers.text`. Standard library only: no torch.
"""
