"""HW3 Q3: the DCGAN on FashionMNIST — how far from the equilibrium?"""

from collections.abc import Sequence

from ..decide import LAST_K, compare

# A discriminator output gap this large (a tenth of the [0, 1] range) counts
# as clearly separating real from generated images.
SEPARATES = 0.1


def equilibrium_gap(d_real: Sequence[float], d_fake: Sequence[float],
                    k: int = LAST_K) -> float:
    """Smallest per-epoch gap E_data[σ(D)] − E_g[σ(D)] of the last k epochs:
    a lower bound on TV(p_data, p_g) in each of them."""
    return min(r - f for r, f in zip(list(d_real)[-k:], list(d_fake)[-k:]))


def equilibrium(d_real: Sequence[float], d_fake: Sequence[float],
                k: int = LAST_K) -> str:
    """Whether the mean σ(D) on real and generated images shows that
    training is away from p_g = p_data (where the optimal D is ½)."""
    real, fake = list(d_real)[-k:], list(d_fake)[-k:]
    gap = equilibrium_gap(real, fake, k)
    head = (f"Over the last {len(real)} epochs D gives real images "
            f"{sum(real) / len(real):.2f} and generated ones "
            f"{sum(fake) / len(fake):.2f} on average (½ each at the "
            "equilibrium). ")
    if gap >= SEPARATES:
        return head + (f"The gap, at least {gap:.2f} in every epoch, bounds "
                       "the total variation distance between data and "
                       "generator from below: training has not reached the "
                       "equilibrium.")
    return head + (f"A gap below {SEPARATES} in some epoch (smallest "
                   f"{gap:.2f}) bounds that distance only weakly: the "
                   "numbers do not show the equilibrium, since a "
                   "discriminator that has fallen behind also has a small "
                   "gap.")


def trend(first: float, last: float, lower_is_better: bool = False,
          fmt: str = ".3f") -> str:
    """'improves from a to b', 'worsens …' or 'stays at …' (±SAME)."""
    direction = compare(last / first) if first else (
        "same" if last == first else "higher")
    if direction == "same":
        return f"stays at about {last:{fmt}} ({first:{fmt}} before)"
    better = (direction == "lower") == lower_is_better
    return (f"{'improves' if better else 'worsens'} from {first:{fmt}} to "
            f"{last:{fmt}}")


def samples_change(epochs: Sequence[int], fid: Sequence[float],
                   precision: Sequence[float],
                   coverage: Sequence[float]) -> str:
    """How the samples change between the first and the last grid epoch,
    from the per-epoch scores at those epochs (1-based)."""
    a, b = epochs[0], epochs[-1]
    at = {name: (series[a - 1], series[b - 1]) for name, series in
          (("fid", fid), ("precision", precision), ("coverage", coverage))}
    return (f"From T = {a} to T = {b} the FID of G "
            f"{trend(*at['fid'], lower_is_better=True, fmt='.1f')}, its precision (how "
            f"many samples look like some real garment) "
            f"{trend(*at['precision'])} and its class coverage "
            f"{trend(*at['coverage'])}.")
