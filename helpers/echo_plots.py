"""HW2 1e: the figures of the Echo sampler and of the rate–distortion
autoencoders.

Sized for the PDF: the build scales a figure to about 5.8 in, so every
figure here is WIDTH = 6 in wide with no text under SMALL = 8 pt (at least
7.7 pt once scaled), and at most two panels side by side.
"""

import matplotlib.pyplot as plt
import numpy as np

WIDTH = 6.0     # inches; the PDF shows figures at about 5.8 in
SMALL = 8       # pt: legends, tick labels, point labels
TITLE = 9       # pt: panel titles and suptitles


def _finish(fig: plt.Figure, title: str) -> plt.Figure:
    """A suptitle at TITLE pt, tight layout."""
    if title:
        fig.suptitle(title, fontsize=TITLE)
    fig.tight_layout()
    return fig


def truncation_curves(depths: np.ndarray,
                      panels: dict[str, dict[str, np.ndarray]],
                      bounds: dict[str, np.ndarray], floor: float,
                      title: str) -> plt.Figure:
    """Measured max |z_K − z_∞| per depth K (solid, one line per s_max) and
    its bound (dashed, same colour), log scale; one panel per choice of s
    (at most two), one legend in a row below them."""
    assert len(panels) <= 2, "at most two panels side by side"
    fig, axes = plt.subplots(1, len(panels), figsize=(WIDTH, 2.45),
                             sharey=True, squeeze=False)
    for ax, (name, errors) in zip(axes[0], panels.items()):
        for color, (label, err) in zip(plt.cm.viridis(
                np.linspace(0, 0.85, len(errors))), errors.items()):
            shown = np.where(err > 0, err, np.nan)  # exact zeros: off the log axis
            ax.semilogy(depths, shown, color=color, label=label)
            ax.semilogy(depths, bounds[label], color=color, ls="--", lw=1)
        ax.axhline(floor, color="k", ls=":", lw=1, label="float32 rounding")
        ax.set_xlabel("depth K (terms kept)", fontsize=SMALL + 1)
        ax.set_title(name, fontsize=TITLE)
        ax.tick_params(labelsize=SMALL)
        ax.set_ylim(bottom=floor * 1e-13)  # the bounds go far below float64
    axes[0][0].set_ylabel("max |z_K − z_∞|", fontsize=SMALL + 1)
    fig.legend(*axes[0][0].get_legend_handles_labels(), fontsize=SMALL,
               loc="lower center", ncol=4, frameon=False)
    fig.suptitle(f"{title}; solid: measured, dashed: bound", fontsize=TITLE)
    fig.tight_layout(rect=(0, 0.085, 1, 1))
    return fig


def estimates_versus_n(sizes: list[int],
                       panels: dict[str, dict[str, np.ndarray]],
                       exact: dict[str, float], title: str) -> plt.Figure:
    """Mean ± std over repeats of estimates (sizes, repeats) against the
    sample size n (log axis), the exact value dashed; one panel per toy
    (at most two)."""
    assert len(panels) <= 2, "at most two panels side by side"
    fig, axes = plt.subplots(1, len(panels), figsize=(WIDTH, 3.0),
                             squeeze=False)
    for ax, (name, lines) in zip(axes[0], panels.items()):
        for k, (label, est) in enumerate(lines.items()):
            shift = 1 + 0.04 * (k - (len(lines) - 1) / 2)  # keep bars apart
            ax.errorbar(np.asarray(sizes) * shift, est.mean(1),
                        est.std(1, ddof=1), marker="o", ms=3, capsize=2,
                        label=label)
        ax.axhline(exact[name], color="k", ls="--", lw=1,
                   label="−E log|det S(x)|")
        ax.set_xscale("log")
        ax.set_xlabel("sample size n", fontsize=SMALL + 1)
        ax.set_title(name, fontsize=TITLE)
        ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
        ax.tick_params(labelsize=SMALL)
        ax.tick_params(axis="x", labelrotation=45)
        ax.minorticks_off()
    axes[0][0].set_ylabel("I(x; z) (nats)", fontsize=SMALL + 1)
    axes[0][0].legend(fontsize=SMALL)
    return _finish(fig, title)


def rate_distortion(curves: dict[str, tuple[list[float], np.ndarray,
                                             np.ndarray]],
                    title: str) -> plt.Figure:
    """Distortion against rate, one curve per model through the seed means,
    each seed a faint dot, error bars ± the seed std (with several seeds);
    points labelled with β.
    `curves`: label → (betas, rates (seeds, β), distortions (seeds, β))."""
    fig, ax = plt.subplots(figsize=(WIDTH, 3.4))
    for (label, (betas, rates, dists)), marker in zip(curves.items(), "os^v"):
        rates, dists = np.atleast_2d(rates), np.atleast_2d(dists)
        r, d = rates.mean(0), dists.mean(0)
        many = len(rates) > 1
        line = ax.errorbar(r, d, xerr=rates.std(0, ddof=1) if many else None,
                           yerr=dists.std(0, ddof=1) if many else None,
                           marker=marker, capsize=3, label=label)
        if many:
            ax.scatter(rates.ravel(), dists.ravel(), s=8, alpha=0.35,
                       color=line[0].get_color())
        for b, x, y in zip(betas, r, d):
            ax.annotate(f"β={b:g}", (x, y), textcoords="offset points",
                        xytext=(4, 4), fontsize=SMALL)
    ax.set_xlabel("rate R (nats per image)", fontsize=SMALL + 1)
    ax.set_ylabel("distortion D (nats per image)", fontsize=SMALL + 1)
    ax.tick_params(labelsize=SMALL)
    ax.legend(fontsize=SMALL)
    return _finish(fig, title)


def ablation_bars(gaps: dict[str, float], tol: float,
                  title: str) -> plt.Figure:
    """Δ = (D + βR)_Echo − (D + βR)_β-VAE per change to the set-up, one bar
    each (negative: Echo ahead), the tie margin shaded."""
    names = list(gaps)[::-1]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.4 * len(names) + 1.3))
    vals = [gaps[n] for n in names]
    ax.barh(names, vals, color=["C0" if v < 0 else "C3" for v in vals])
    ax.axvspan(-tol, tol, color="0.85", zorder=0, label=f"tie ±{tol:.1f}")
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel("Δ = (D + βR) of Echo − of the β-VAE (nats; < 0: Echo "
                  "ahead)", fontsize=SMALL + 1)
    ax.tick_params(labelsize=SMALL + 1)
    ax.legend(fontsize=SMALL, loc="best")
    return _finish(fig, title)


def training_traces(echo: dict[str, dict[str, list[float]]],
                    others: dict[str, dict[str, list[float]]],
                    floor: float, title: str) -> plt.Figure:
    """Rate, distortion and mean σ(a) against training steps, two panels a
    row: the Echo runs in all three panels, the `others` (β-VAE) in the
    first two; the Echo rate floor −d·log s_max dashed; the legend in the
    fourth slot. Traces: {"step", "rate", "distortion", "scale"}
    (helpers.echo_ae.TRACE_KEYS)."""
    fig, ((ax_r, ax_d), (ax_s, ax_key)) = plt.subplots(
        2, 2, figsize=(WIDTH, 4.6))
    for label, trace in {**echo, **others}.items():
        line, = ax_r.plot(trace["step"], trace["rate"], label=label)
        ax_d.plot(trace["step"], trace["distortion"], color=line.get_color())
        if label in echo:
            ax_s.plot(trace["step"], trace["scale"], color=line.get_color())
    ax_r.axhline(floor, color="k", ls="--", lw=1,
                 label=f"Echo floor {floor:.2f}")
    for ax, name in ((ax_r, "rate R (Echo: I(x; z); β-VAE: KL)"),
                     (ax_d, "distortion D"),
                     (ax_s, "mean σ(a) = s / s_max (Echo)")):
        ax.set_title(name, fontsize=TITLE)
        ax.set_xlabel("step", fontsize=SMALL + 1)
        ax.tick_params(labelsize=SMALL)
    ax_r.set_ylabel("nats per image", fontsize=SMALL + 1)
    ax_s.set_ylim(0, 1.02)
    ax_key.axis("off")
    ax_key.legend(*ax_r.get_legend_handles_labels(), fontsize=SMALL,
                  loc="center")
    return _finish(fig, title)
