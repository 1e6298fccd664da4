"""HW2 2e: which change to GAN training lowers min U, by how much, at what
cost in sample quality. Facts first, then `answer`, 1-4 sentences."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..decide import SAME, compare, percent, times

# A setting is eligible when its G_ema's FID is below this multiple of the
# control's (the bar HW2 2e's reviewer set).
FID_LIMIT = 2.0

# What each penalty (GANConfig.path_form) adds to G's loss, its short name
# and its weight's symbol.
METHODS = {
    "pairs": ("μ·U along straight latent segments between the inverted "
              "codes of real image pairs"),
    "energy": "μ·E‖J_G(z)v‖², G's squared speed along random directions",
    "length": "StyleGAN2's path-length penalty w·E(‖J_G(z)ᵀy‖ − a)²",
}
NAMES = {"pairs": "direct", "energy": "path energy",
         "length": "path length"}
SYMBOLS = {"pairs": "μ", "energy": "μ", "length": "w"}

Verdict = Literal["lower", "unclear", "higher"]

# What the paired bootstrap intervals cover and what they do not.
SEED_CAVEAT = ("the intervals cover the choice of pairs, not the training "
               "seed: one run per setting")


@dataclass(frozen=True)
class Setting:
    """One penalised run against the control (μ = 0, equal training): min U
    summed over the held-out pairs as a ratio to the control's, its paired
    bootstrap interval, and G_ema's FID as a ratio to the control's."""
    form: str            # GANConfig.path_form
    weight: float
    u_ratio: float
    low: float
    high: float
    fid_ratio: float

    @property
    def label(self) -> str:
        return setting_label(self.form, self.weight)


def setting_label(form: str, weight: float) -> str:
    """'direct (μ = 0.0001)'; 'control (μ = 0)' at weight 0."""
    if weight == 0:
        return "control (μ = 0)"
    return f"{NAMES[form]} ({SYMBOLS[form]} = {weight:g})"


def verdict(setting: Setting) -> Verdict:
    """Lower (higher) when the whole interval lies below (above) 1."""
    if setting.high < 1:
        return "lower"
    return "higher" if setting.low > 1 else "unclear"


def eligible(setting: Setting) -> bool:
    """FID below FID_LIMIT × the control's."""
    return setting.fid_ratio < FID_LIMIT


def recommend(settings: Sequence[Setting]) -> tuple[Setting | None, bool]:
    """The setting to recommend and whether it lowers min U significantly:
    the lowest min U among the eligible settings whose interval lies below
    1; else the best frontier point, the lowest min U among the eligible;
    (None, False) when none is eligible."""
    fair = [s for s in settings if eligible(s)]
    lower = [s for s in fair if verdict(s) == "lower"]
    pool = lower or fair
    if not pool:
        return None, False
    return min(pool, key=lambda s: s.u_ratio), bool(lower)


def ratio_ci(setting: Setting, level: float, pairs: int) -> str:
    """'0.951× the control's (95 % interval 0.930–0.972, 16 held-out
    pairs)'."""
    return (f"{setting.u_ratio:.3f}× the control's ({level * 100:g} % "
            f"interval {setting.low:.3f}–{setting.high:.3f}, {pairs} "
            "held-out pairs)")


def best_of_others(settings: Sequence[Setting], chosen: Setting) -> str:
    """'path energy (μ = 0.003) 0.990× (0.960–1.020) at 1.10× FID; …': the
    lowest min U of each other penalty within the FID bar."""
    parts = []
    for form in NAMES:
        own = [s for s in settings if s.form == form != chosen.form
               and eligible(s)]
        if own:
            best = min(own, key=lambda s: s.u_ratio)
            parts.append(f"{best.label} {best.u_ratio:.3f}× ({best.low:.3f}"
                         f"–{best.high:.3f}) at {times(best.fid_ratio)}× FID")
    return "; ".join(parts)


def answer(settings: Sequence[Setting], pairs: int, level: float,
           fine_tuning: str, versus_runner_up: str = "",
           chosen: Setting | None = None) -> str:
    """The 2e answer, answer first: the recommended modification, by how
    much it lowers min U (with the interval) and at what FID; or that none
    lowers it significantly and which has the best frontier;
    `versus_runner_up` (`against_runner_up`) after the other penalties;
    `chosen` overrides `recommend`'s choice (see `prefer_cheaper`)."""
    best, significant = recommend(settings)
    if chosen is not None:
        best, significant = chosen, verdict(chosen) == "lower"
    if best is None:
        return (f"No setting kept FID below {FID_LIMIT:g}× the control's, "
                "so I recommend none: every penalty tried costs more "
                "sample quality than the bar allows.")
    change = (f"{METHODS[best.form]} ({SYMBOLS[best.form]} = "
              f"{best.weight:g})")
    effect = (f"{ratio_ci(best, level, pairs)} at "
              f"{times(best.fid_ratio)}× its FID (bar: {FID_LIMIT:g}×; both "
              f"of G_ema), after {fine_tuning}")
    if significant:
        text = (f"Add {change} to the generator's loss. It lowers min U to "
                f"{effect}.")
    else:
        text = (f"No setting lowers min U significantly at FID below "
                f"{FID_LIMIT:g}× the control's: every such interval "
                f"reaches 1. I recommend the best frontier point, {change}: "
                f"min U {effect}.")
    others = best_of_others(settings, best)
    if others:
        text += (f" Within the {FID_LIMIT:g}× FID bar, the best weight of "
                 f"each other penalty gives {others}.")
    if versus_runner_up:       # it carries the caveat on the intervals
        return text + " " + versus_runner_up
    return text + " " + capitalised(SEED_CAVEAT) + "."


def capitalised(text: str) -> str:
    """The text with its first letter upper-case (a label opening a
    sentence)."""
    return text[:1].upper() + text[1:]


def runner_up(settings: Sequence[Setting],
              chosen: Setting | None) -> Setting | None:
    """The eligible setting of another penalty with the lowest min U."""
    if chosen is None:
        return None
    rivals = [s for s in settings if s.form != chosen.form and eligible(s)]
    return min(rivals, key=lambda s: s.u_ratio, default=None)


def prefer_cheaper(chosen: Setting, rival: Setting, high: float) -> bool:
    """Should the runner-up be recommended instead? When the pairs cannot
    tell their min U apart (`high`: the upper end of the interval of Σ min U
    chosen / Σ min U rival reaches 1), it costs less FID, and it lowers
    min U significantly wherever the chosen one does."""
    return (high >= 1 and rival.fid_ratio < chosen.fid_ratio
            and (verdict(rival) == "lower" or verdict(chosen) != "lower"))


def against_runner_up(chosen: Setting, rival: Setting, ratio: float,
                      low: float, high: float, level: float) -> str:
    """The recommended setting against the best other penalty, pair by
    pair. `ratio`, `low`, `high`: Σ min U rival / Σ min U chosen and its
    paired bootstrap interval."""
    interval = f"{level * 100:g} % interval {low:.3f}–{high:.3f}"
    if ratio < 1:      # the rival has the lower sum: chosen for its FID
        return (f"{capitalised(rival.label)} reaches a lower min U, "
                f"{ratio:.3f}× this "
                f"one's ({interval}), but these pairs cannot tell the two "
                f"apart and it costs {times(rival.fid_ratio)}× the "
                f"control's FID against {times(chosen.fid_ratio)}×, so I "
                f"prefer this one ({SEED_CAVEAT}).")
    head = (f"The best other penalty, {rival.label}, ends at {ratio:.3f}× "
            f"this one's min U ({interval})")
    if low > 1:
        return head + f": higher on these pairs ({SEED_CAVEAT})."
    return head + (": these pairs do not tell the two apart, and this one "
                   f"has the lower sum ({SEED_CAVEAT}).")


def settle(settings: Sequence[Setting], level: float,
           interval: Callable[[Setting, Setting], Any]
           ) -> tuple[Setting | None, str]:
    """The setting to recommend and the sentence that compares it with the
    best other penalty (`against_runner_up`; '' without one): the lowest
    min U, unless `prefer_cheaper` picks the runner-up. `interval(a, b)`:
    the paired bootstrap interval of Σ min U a / Σ min U b (with .ratio,
    .low, .high)."""
    chosen, _ = recommend(settings)
    rival = runner_up(settings, chosen)
    if chosen is None or rival is None:
        return chosen, ""
    if prefer_cheaper(chosen, rival, interval(chosen, rival).high):
        chosen, rival = rival, chosen
    pair = interval(rival, chosen)
    return chosen, against_runner_up(chosen, rival, pair.ratio, pair.low,
                                     pair.high, level)


def path_factors(label: str, dz_ratio: float, c_ratio: float) -> str:
    """Split a change of min U (≥ ½‖x_A − x_B‖² ‖z_A − z_B‖ · c) into the
    codes' distance and the factor c, from ratios to the control's."""
    text = (f"With {label} the inverted codes lie {dz_ratio:.2f}× as far "
            "apart as the control's and the factor "
            "c = U / (½‖x_A − x_B‖² ‖z_A − z_B‖) is "
            f"{c_ratio:.2f}× the control's")
    if compare(dz_ratio) == "higher":
        text += (": a slower G needs its codes further apart to reach the "
                 "same images, which lengthens every path")
        return text + (", while its paths' images are closer to both ends."
                       if compare(c_ratio) == "lower" else
                       ", and its paths' images are not closer to both "
                       "ends.")
    if compare(c_ratio) == "lower":
        return text + (": its paths pass through images closer to both "
                       "ends, as the penalty intends.")
    return text + (f": neither factor moves by more than {percent(SAME)} "
                   "on its own.")


def along_weight(form: str, weights: Sequence[float],
                 u_ratio: Sequence[float], fid_ratio: Sequence[float]) -> str:
    """Do min U and FID move monotonically, in opposite directions, as one
    penalty's weight grows? (weights ascending, control included)."""
    def trend(values: Sequence[float]) -> str:
        steps = [b - a for a, b in zip(values, values[1:])]
        if all(d < 0 for d in steps):
            return "falls"
        return "rises" if all(d > 0 for d in steps) else "is not monotone"
    u, f = trend(u_ratio), trend(fid_ratio)
    head = (f"As the {NAMES[form]} weight {SYMBOLS[form]} grows from "
            f"{weights[0]:g} to {weights[-1]:g}, min U {u} "
            f"({', '.join(f'{r:.3f}' for r in u_ratio)}) and FID {f} "
            f"({', '.join(times(r) for r in fid_ratio)}, both relative to "
            "the control)")
    if u == "falls" and f == "rises":
        return head + ": the two trade off at every step."
    return head + (f": no clean trade-off along {SYMBOLS[form]} (one run "
                   "per setting, so seed noise may hide or fake one).")
