"""HW2 2a: the basic GAN on MNIST, as the assignment specifies it and with
the R1 penalty that keeps it training."""

from ..decide import Collapse
from .gan import collapse_sentence


def answer(plain: Collapse, r1: Collapse, plain_fid: float,
           r1_fid: float) -> str:
    """The results in two or three sentences: each recipe's collapse
    verdict and FID, at the epochs the table shows."""
    same_length = plain.epochs == r1.epochs
    at = (f"after {plain.epochs} epochs each" if same_length else
          f"after {plain.epochs} and {r1.epochs} epochs")
    return (f"{collapse_sentence(plain, 'The assignment’s recipe (no R1)')} "
            f"{collapse_sentence(r1, 'With the R1 penalty (γ = 10) it')} "
            f"FID {plain_fid:.1f} without and {r1_fid:.1f} with R1, {at}.")
