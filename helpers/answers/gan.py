"""Sentences shared by the GAN parts (HW3 Q3, HW2 2a, 2b): collapse, the
weight average G_ema, and two generators compared on their scores."""

from collections.abc import Sequence
from math import exp

from .. import decide
from ..decide import D_WINS, FEW_MODES, LOW_RECALL, Collapse


def classes(coverage: float) -> str:
    """'about 9.1 equally used classes' from class coverage (10^coverage)."""
    return f"about {10 ** coverage:.1f} equally used classes"


def collapse_tests_text() -> str:
    """What the collapse tests are, for the one place a homework states
    them (HW2 2a; the other parts refer to it)."""
    return (f"*Collapse tests.* A run collapses when the discriminator wins "
            f"outright (its mean BCE falls below {D_WINS} in some epoch: "
            f"σ(D) > {exp(-D_WINS / 2):.3f} on real and < "
            f"{1 - exp(-D_WINS / 2):.3f} on generated images, and G "
            f"gets almost no gradient) or when its samples use few classes "
            f"(class coverage, the entropy of a small MNIST classifier's "
            f"predicted digits over log 10, below {FEW_MODES}, i.e. "
            f"{classes(FEW_MODES)} or fewer). Recall below {LOW_RECALL} "
            f"at a higher coverage is low recall, not collapse. Quality is "
            f"scored on the same classifier's features of the MNIST test "
            f"set: FID <cite data-cite=\"heusel2017fid\">(Heusel et "
            f"al.)</cite>, and k-NN precision (the share of samples near "
            f"some test image) and recall (the share of test images near "
            f"some sample) <cite data-cite=\"kynkaanniemi2019precision\">"
            f"(Kynkäänniemi et al.)</cite>.")


def _reasons(c: Collapse) -> list[str]:
    """Why a run counts as collapsed (empty when it does not)."""
    why = []
    if c.d_wins:
        why.append(f"the discriminator wins outright from epoch "
                   f"{c.d_wins_at} (mean loss below {D_WINS})")
    if c.few_modes:
        why.append(f"its samples use {classes(c.coverage)} (coverage "
                   f"{c.coverage:.2f} < {FEW_MODES})")
    return why


def collapse_sentence(c: Collapse, name: str, quality: bool = True) -> str:
    """Does the run collapse (loss or class test), and (with `quality`) is
    its recall low?"""
    if c.collapsed:
        text = f"{name} collapses: " + " and ".join(_reasons(c)) + "."
    else:
        loss = (f"the discriminator loss stays above {D_WINS} in all "
                f"{c.epochs} epochs and " if c.loss_tested else "")
        text = (f"{name} does not collapse: {loss}the samples use "
                f"{classes(c.coverage)} (coverage {c.coverage:.2f} ≥ "
                f"{FEW_MODES}).")
    if quality and c.low_recall and not c.few_modes:
        text += (f" Its recall is low ({c.recall:.3f} < {LOW_RECALL}) at "
                 "that coverage: the samples span the classes but few test "
                 "images have a sample near them, which is low recall, not "
                 "collapse.")
    return text


def collapse_clause(c: Collapse) -> str:
    """'collapses (coverage 0.00 < 0.5)' or 'does not (coverage 0.91 ≥
    0.5)': a run's verdict in a few words, for a part that refers to the
    tests stated once."""
    if not c.collapsed:
        return f"does not (coverage {c.coverage:.2f} ≥ {FEW_MODES})"
    why = []
    if c.d_wins:
        why.append(f"the discriminator wins from epoch {c.d_wins_at}")
    if c.few_modes:
        why.append(f"coverage {c.coverage:.2f} < {FEW_MODES}")
    return "collapses (" + ", ".join(why) + ")"


def spread(values: Sequence[float], k: int = decide.LAST_K) -> str:
    """'a–b over the last k epochs' of a per-epoch series."""
    lo, hi = decide.tail_range(values, k)
    return f"{lo:.1f}–{hi:.1f} over the last {min(k, len(values))} epochs"


def ema_sentence(raw_fid: float, avg_fid: float) -> str:
    """Which of G and G_ema is closer to the data on FID (±SAME)."""
    ratio = avg_fid / raw_fid
    which = decide.word(ratio, lower="G_ema is closer to the data than G",
                        higher="G is closer to the data than G_ema",
                        same="G and G_ema are about as close to the data")
    return (f"{which} (FID ratio G_ema/G {ratio:.2f}; within "
            f"{decide.percent(decide.SAME)} counts as the same).")


def sharper(a: dict[str, float], b: dict[str, float]) -> str:
    """'a', 'b' or 'same': which has the higher precision (±SAME)."""
    if min(a["precision"], b["precision"]) <= 0:
        return ("same" if a["precision"] == b["precision"]
                else "a" if a["precision"] > b["precision"] else "b")
    return decide.word(a["precision"] / b["precision"], lower="b",
                       higher="a", same="same")


def versus(a_name: str, a: dict[str, float], b_name: str,
           b: dict[str, float], leader: decide.Leader,
           explain: bool = True) -> str:
    """Two generators on FID (`leader` from decide.fid_leader), and where
    precision (how data-like each sample is) disagrees with FID, which
    scores move; with `explain`, also why FID can side against precision
    (say it once per answer)."""
    if leader in ("tie", "overlap"):
        return (f"{a_name} and {b_name} are level on FID ({a['fid']:.1f} vs "
                f"{b['fid']:.1f}"
                + (", seeds overlapping" if leader == "overlap" else "")
                + ").")
    win, lose = (a_name, b_name) if leader == "a" else (b_name, a_name)
    ws, ls = (a, b) if leader == "a" else (b, a)
    head = (f"{win} is closer to the data than {lose} on FID "
            f"({ws['fid']:.1f} vs {ls['fid']:.1f})")
    if sharper(ws, ls) != "b":
        return head + (f", and its samples are at least as data-like "
                       f"(precision {ws['precision']:.3f} vs "
                       f"{ls['precision']:.3f}).")
    head += "."
    clash = ((" The eye may disagree: " if explain else " But ")
             + f"{lose}'s samples are more data-like (precision "
             f"{ls['precision']:.3f} vs {ws['precision']:.3f})")
    ahead = [f"{k} {ws[k]:.{n}f} vs {ls[k]:.{n}f}"
             for k, n in (("recall", 3), ("coverage", 2))
             if round(ws[k], n) > round(ls[k], n)]
    if ahead:
        return head + clash + (
            f", while {win} reaches more of the data ({', '.join(ahead)})"
            + ("; FID, a distance between whole feature distributions, "
               "rewards that diversity as well as sharpness." if explain
               else "."))
    return head + clash + (
        f", and {win} reaches no more of the data either (recall "
        f"{ws['recall']:.3f} vs {ls['recall']:.3f}, coverage "
        f"{ws['coverage']:.2f} vs {ls['coverage']:.2f})"
        + (": its FID lead comes from the features' mean and covariance, "
           "which neither k-NN score sees." if explain else "."))
