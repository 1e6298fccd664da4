"""HW2 2a: the basic GAN on MNIST, as the assignment specifies it and with
the R1 penalty that keeps it training."""

from .. import decide
from ..decide import LOW_RECALL, Collapse
from .gan import collapse_sentence

# A k-NN score (precision or recall) of the samples counts as close to the
# data when it reaches NEAR × real data's (training images scored against
# the test set the same way).
NEAR = 0.75


def quality(name: str, gan: dict[str, float], real: dict[str, float]) -> str:
    """The samples' quality from precision and recall against real data's
    (`gan`, `real`: dicts with fid, precision, recall)."""
    low_p = gan["precision"] < NEAR * real["precision"]
    low_r = gan["recall"] < NEAR * real["recall"]
    if gan["recall"] < LOW_RECALL:
        verdict = (f"reach little of the data (recall below {LOW_RECALL}: "
                   f"few test images have a sample near them)")
    elif low_p and low_r:
        verdict = "fall short of the data on both k-NN scores"
    elif low_p:
        verdict = "are diverse but often unlike any test digit"
    elif low_r:
        verdict = ("look like digits but cover only part of the test set's "
                   "variety")
    else:
        verdict = (f"are close to the data on both k-NN scores (within "
                   f"{NEAR:.0%} of real data's)")
    return (f"{name}'s samples {verdict}: precision {gan['precision']:.3f} "
            f"and recall {gan['recall']:.3f}, against {real['precision']:.3f}"
            f" and {real['recall']:.3f} for real data; FID "
            f"{gan['fid']:.1f} against {real['fid']:.1f}.")


def answer(plain: Collapse, r1: Collapse, plain_scores: dict[str, float],
           r1_scores: dict[str, float], real: dict[str, float]) -> str:
    """The answer in three or four sentences: each recipe's collapse
    verdict (after its epochs), the R1 GAN's quality, and what R1 does to
    FID. Scores: dicts with fid, precision, recall (`real`: real data's)."""
    at = (f"After {plain.epochs} epochs each" if plain.epochs == r1.epochs
          else f"After {plain.epochs} and {r1.epochs} epochs")
    a, b = plain_scores["fid"], r1_scores["fid"]
    fid = decide.word(
        b / a, lower=f"R1 lowers FID from {a:.1f} to {b:.1f}.",
        higher=f"R1 raises FID from {a:.1f} to {b:.1f}.",
        same=f"R1 leaves FID about where it is ({a:.1f} vs {b:.1f}).")
    return " ".join([
        collapse_sentence(plain, f"{at}, the assignment’s recipe (no R1)",
                          quality=False),
        collapse_sentence(r1, "With the R1 penalty the GAN", quality=False),
        quality("The R1 GAN", r1_scores, real), fid])
