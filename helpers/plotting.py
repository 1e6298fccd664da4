"""Figures: sample grids, fixed-noise snapshots over epochs, loss curves."""

import matplotlib.pyplot as plt
import numpy as np
import torch


def style() -> None:
    """Figure defaults that read well both in JupyterLab and in the PDF."""
    plt.rcParams.update({"figure.dpi": 110, "savefig.dpi": 150,
                         "figure.figsize": (9, 3.5), "axes.grid": True,
                         "grid.alpha": 0.3, "font.size": 10})


def tile(images: torch.Tensor, ncol: int) -> np.ndarray:
    """(N, H, W) uint8 images → one (rows·H, ncol·W) mosaic with 1-px gaps."""
    images = torch.as_tensor(images).cpu()
    n, h, w = images.shape
    nrow = -(-n // ncol)
    canvas = np.full((nrow * (h + 1) - 1, ncol * (w + 1) - 1), 255, np.uint8)
    for k in range(n):
        r, c = divmod(k, ncol)
        canvas[r * (h + 1):r * (h + 1) + h,
               c * (w + 1):c * (w + 1) + w] = images[k].numpy()
    return canvas


def snapshot_grid(snapshots: dict[int, torch.Tensor], epochs: list[int],
                  title: str, ncol: int = 4) -> plt.Figure:
    """One panel per epoch, each the same fixed-noise batch."""
    fig, axes = plt.subplots(1, len(epochs), figsize=(3.2 * len(epochs), 3.4),
                             squeeze=False)
    for ax, epoch in zip(axes[0], epochs):
        ax.imshow(tile(snapshots[epoch], ncol), cmap="gray", vmin=0, vmax=255)
        ax.set_title(f"epoch T = {epoch}")
        ax.axis("off")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def smooth(values: np.ndarray, window: int) -> np.ndarray:
    """Moving average over `window` points (valid part only)."""
    window = max(1, min(window, len(values)))
    return np.convolve(values, np.ones(window) / window, mode="valid")


def loss_curves(history: dict[str, list], title: str,
                labels: tuple[str, str] = ("discriminator", "generator")
                ) -> plt.Figure:
    """Per-step losses (smoothed) against epochs, plus D's outputs per epoch."""
    steps = torch.cat(history["step_losses"]).numpy()
    per_epoch = len(history["step_losses"][0])
    window = max(1, per_epoch // 4)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
    for col, label in enumerate(labels):
        curve = smooth(steps[:, col], window)
        x = (np.arange(len(curve)) + window) / per_epoch
        ax1.plot(x, curve, label=f"{label} loss")
    ax1.set(xlabel="epoch", ylabel="BCE loss",
            title=f"losses (moving average over {window} steps)")
    ax1.legend()
    epochs = np.arange(1, len(history["d_real"]) + 1)
    ax2.plot(epochs, history["d_real"], "o-", label="mean σ(D(x)), real")
    ax2.plot(epochs, history["d_fake"], "s-", label="mean σ(D(G(z))), fake")
    ax2.set(xlabel="epoch", ylabel="probability", ylim=(0, 1),
            title="discriminator outputs per epoch")
    ax2.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


METRIC_LABELS = {"fid": "FID (classifier features) ↓", "precision":
                 "precision ↑", "recall": "recall ↑",
                 "coverage": "class coverage ↑",
                 "d_loss": "discriminator loss", "g_loss": "generator loss",
                 "d_real": "mean σ(D(x)), real", "d_fake": "mean σ(D(G(z))), fake"}


def metric_curves(histories: dict[str, dict[str, list]], title: str,
                  floor: dict[str, float] | None = None,
                  keys: tuple[str, ...] = ("fid", "precision", "recall",
                                           "coverage")) -> plt.Figure:
    """Per-epoch values (metrics or mean losses) of one or more runs; the
    real-data floor (train vs test on the same metric) as a dashed line."""
    fig, axes = plt.subplots(1, len(keys), figsize=(3.1 * len(keys), 3.2))
    # one epoch per run: a curve would be one dot hidden under the next run's,
    # so each run gets its own column instead
    one_epoch = all(len(hist[keys[0]]) == 1 for hist in histories.values())
    for ax, key in zip(np.atleast_1d(axes), keys):
        for column, (label, hist) in enumerate(histories.items()):
            values = hist[key]
            epochs = [column] if one_epoch else np.arange(1, len(values) + 1)
            ax.plot(epochs, values, "o-", ms=6 if one_epoch else 3,
                    label=label)
        if floor and key in floor:
            ax.axhline(floor[key], color="k", ls="--", lw=1,
                       label="real data (train vs test)")
        ax.set(xlabel="run (after 1 epoch)" if one_epoch else "epoch",
               title=METRIC_LABELS[key])
        if one_epoch:
            ax.set_xticks([])
            ax.set_xlim(-0.5, len(histories) - 0.5)
        if key == "fid":
            ax.set_yscale("log")
    # one legend for all panels, below them, so no curve is hidden by it
    handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.09, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=len(labels),
               fontsize=8, frameon=False)
    return fig


def metric_vs_time(histories: dict[str, dict[str, list]], title: str,
                   key: str = "fid") -> plt.Figure:
    """A metric against cumulative training time (equal wall-clock view)."""
    fig, ax = plt.subplots(figsize=(5, 3.3))
    for label, hist in histories.items():
        ax.plot(np.cumsum(hist["seconds"]), hist[key], "o-", ms=3,
                label=label)
    ax.set(xlabel="training time (s)", title=f"{METRIC_LABELS[key]} — {title}")
    if key == "fid":
        ax.set_yscale("log")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def class_histograms(fractions: dict[str, list[float]],
                     title: str) -> plt.Figure:
    """Share of samples the classifier assigns to each digit, per source."""
    fig, ax = plt.subplots(figsize=(9, 3))
    width = 0.8 / len(fractions)
    for k, (label, values) in enumerate(fractions.items()):
        ax.bar(np.arange(10) + (k - (len(fractions) - 1) / 2) * width,
               values, width, label=label)
    ax.axhline(0.1, color="k", ls=":", lw=1)
    ax.set(xticks=range(10), xlabel="predicted class",
           ylabel="share of samples", title=title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def truncation_curves(depths: np.ndarray, panels: dict[str, dict[str, np.ndarray]],
                      bounds: dict[str, np.ndarray], floor: float,
                      title: str) -> plt.Figure:
    """HW2 1e: measured max |z_K − z_∞| per depth K (solid, one line per
    s_max) and its bound (dashed, same colour), log scale; one panel each."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6),
                             sharey=True, squeeze=False)
    for ax, (name, errors) in zip(axes[0], panels.items()):
        for color, (label, err) in zip(plt.cm.viridis(
                np.linspace(0, 0.85, len(errors))), errors.items()):
            shown = np.where(err > 0, err, np.nan)  # exact zeros: off the log axis
            ax.semilogy(depths, shown, color=color, label=label)
            ax.semilogy(depths, bounds[label], color=color, ls="--", lw=1)
        ax.axhline(floor, color="k", ls=":", lw=1,
                   label="float32 rounding, eps·max|m|")
        ax.set(xlabel="recursion depth K (terms kept)", title=name)
        ax.set_ylim(bottom=floor * 1e-13)  # the bounds go far below float64
    axes[0][0].set_ylabel("max over the batch of |z_K − z_∞|")
    axes[0][0].legend(fontsize=8, title="solid: measured; dashed: bound",
                      title_fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def estimates_versus_n(sizes: list[int],
                       panels: dict[str, dict[str, np.ndarray]],
                       exact: dict[str, float], title: str) -> plt.Figure:
    """HW2 1e: mean ± std over repeats of estimates (sizes, repeats) against
    the sample size n (log axis), the exact value dashed; one panel each."""
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6),
                             squeeze=False)
    for ax, (name, lines) in zip(axes[0], panels.items()):
        for k, (label, est) in enumerate(lines.items()):
            shift = 1 + 0.04 * (k - (len(lines) - 1) / 2)  # keep bars apart
            ax.errorbar(np.asarray(sizes) * shift, est.mean(1), est.std(1, ddof=1),
                        marker="o", ms=4, capsize=3, label=label)
        ax.axhline(exact[name], color="k", ls="--", lw=1,
                   label="−E log|det S(x)| (quadrature)")
        ax.set(xscale="log", xlabel="sample size n", ylabel="I(x; z) (nats)",
               title=name)
        ax.set_xticks(sizes, [f"{n:,}" for n in sizes], fontsize=8)
        ax.minorticks_off()
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def rate_distortion(curves: dict[str, tuple[list[float], np.ndarray,
                                             np.ndarray]],
                    title: str) -> plt.Figure:
    """HW2 1e: distortion against rate, one curve per model through the
    seed means, each seed a faint dot, error bars ± the seed std (with
    several seeds); points labelled with β.
    `curves`: label → (betas, rates (seeds, β), distortions (seeds, β))."""
    fig, ax = plt.subplots(figsize=(6.5, 4))
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
                        xytext=(4, 4), fontsize=7)
    ax.set(xlabel="rate R (nats per image)",
           ylabel="distortion D = −log p(x|z) (nats per image)", title=title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def ablation_bars(gaps: dict[str, float], tol: float,
                  title: str) -> plt.Figure:
    """HW2 1e: Δ = (D + βR)_Echo − (D + βR)_β-VAE per change to the set-up,
    one bar each (negative: Echo ahead), the tie margin shaded."""
    names = list(gaps)[::-1]
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(names) + 1.2))
    vals = [gaps[n] for n in names]
    ax.barh(names, vals, color=["C0" if v < 0 else "C3" for v in vals])
    ax.axvspan(-tol, tol, color="0.85", zorder=0, label=f"tie ±{tol:.1f}")
    ax.axvline(0, color="k", lw=0.8)
    ax.set(xlabel="Δ = Echo's D + βR − β-VAE's D + βR (nats; < 0: Echo "
           "ahead)", title=title)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig
