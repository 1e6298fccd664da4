"""HW2 2b: WGAN-GP against the regular GAN (and the GAN + R1 of 2a)."""

from collections.abc import Sequence

from .. import decide
from ..decide import Collapse
from .gan import collapse_clause, versus


def vs_regular(wgan: dict[str, float], regular: dict[str, float],
               epoch: int, wgan_collapse: Collapse,
               regular_collapse: Collapse) -> str:
    """The verdict on the assignment's comparison, at equal epochs: FID
    (and which score moves where FID and precision disagree), then the
    collapse tests of 2a for both."""
    leader = decide.fid_leader([wgan["fid"]], [regular["fid"]])
    return (f"At epoch {epoch}, " + versus("WGAN-GP", wgan, "the regular GAN",
                                           regular, leader)
            + f" By the collapse tests of 2a, the regular GAN "
            f"{collapse_clause(regular_collapse)} and WGAN-GP "
            f"{collapse_clause(wgan_collapse)}.")


def vs_r1(wgan: dict[str, float], gan: dict[str, float],
          wgan_fids: Sequence[float], gan_fids: Sequence[float],
          epoch: int) -> str:
    """WGAN-GP against the stabilised reference GAN + R1 (means over seeds;
    a lead needs every seed of one ahead of every seed of the other)."""
    leader = decide.fid_leader(wgan_fids, gan_fids)
    seeds = ("" if len(wgan_fids) == 1
             else f" (means over {len(wgan_fids)} seeds)")
    return (f"Against GAN + R1 at epoch {epoch}{seeds}: "
            + versus("WGAN-GP", wgan, "GAN + R1", gan, leader,
                     explain=False))


def equal_time(budget: float, gan_fid: float, gan_epoch: int,
               wgan_fid: float, wgan_epoch: int) -> str:
    """Who leads after the same seconds of training."""
    which = decide.word(wgan_fid / gan_fid, lower="WGAN-GP leads",
                        higher="GAN + R1 leads", same="the two are level")
    return (f"After the same {budget:.0f} s of training {which} (FID: "
            f"WGAN-GP {wgan_fid:.1f} at epoch {wgan_epoch}, GAN + R1 "
            f"{gan_fid:.1f} at epoch {gan_epoch}).")


def epoch_time(ratio: float, critic_steps: int) -> str:
    """The measured WGAN-GP/GAN seconds-per-epoch ratio, explained."""
    head = f"A WGAN-GP epoch takes {ratio:.2f}× as long as a GAN + R1 epoch"
    why = (f"both pay a double backward for their penalty on every critic "
           f"step and WGAN-GP updates G once per {critic_steps} of them")
    return head + decide.word(
        ratio, lower=f": {why}.",
        higher=f", although {why}: the critic's own steps dominate here.",
        same=f", although {why}: generator updates are a small part of an "
             "epoch.")


def shown_generator(method: str, raw_fid: float, avg_fid: float) -> str:
    """Whether the pictures (of G) show the closer of G and G_ema."""
    return f"For {method}, " + decide.word(
        avg_fid / raw_fid,
        lower=f"G_ema is closer to the data than the G shown (FID "
              f"{avg_fid:.1f} vs {raw_fid:.1f}).",
        higher=f"the G shown is closer to the data than G_ema (FID "
               f"{raw_fid:.1f} vs {avg_fid:.1f}).",
        same=f"G and G_ema are level (FID {raw_fid:.1f} vs {avg_fid:.1f}).")
