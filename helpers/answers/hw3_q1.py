"""HW3 Q1: the single-sample policy gradient on a bandit."""

from ..decide import ROUNDING


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


def matches_closed_form(err: float, scale: float) -> str:
    """Parenthetical: does the simulator's step equal the closed form, given
    the largest difference `err` and the size `scale` of the steps?"""
    if err <= ROUNDING * scale:
        return "(equal up to floating-point rounding)"
    return ("(a difference beyond floating-point rounding: the simulator "
            "does not implement the update of part (a))")
