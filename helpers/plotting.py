"""Figures: sample grids, fixed-noise snapshots over epochs, loss curves.

The PDF scales a figure to the text width (about 6.3 in), so the figures
here are at most WIDTH inches wide with text of 8 pt or more, and put at
most two panels of curves side by side.
"""

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.ticker import MaxNLocator

WIDTH = 6.5   # inches: about the PDF's text width, so fonts keep their size


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
    """One panel per epoch, each the same fixed-noise batch (the row fits
    WIDTH inches)."""
    side = min(3.2, WIDTH / len(epochs))
    fig, axes = plt.subplots(1, len(epochs), figsize=(side * len(epochs),
                                                      side + 0.6),
                             squeeze=False)
    for ax, epoch in zip(axes[0], epochs):
        ax.imshow(tile(snapshots[epoch], ncol), cmap="gray", vmin=0, vmax=255)
        ax.set_title(f"epoch T = {epoch}", fontsize=9)
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def sample_rows(panels: dict[str, dict[str, torch.Tensor]], title: str,
                per_row: int = 8) -> plt.Figure:
    """At most two mosaics side by side, WIDTH inches in all; in each, one
    labelled row of the first `per_row` images (N, H, W) of every entry
    (e.g. a generator's fixed-noise samples, one row per epoch)."""
    if not 1 <= len(panels) <= 2:
        raise ValueError("sample_rows draws one or two panels")
    rows = max(len(entries) for entries in panels.values())
    label = 0.9 if len(panels) == 1 else 0.75   # inches for the row labels
    side = (WIDTH / len(panels) - label) / per_row
    fig, axes = plt.subplots(1, len(panels), squeeze=False,
                             figsize=(WIDTH, side * rows + 0.75))
    for ax, (name, entries) in zip(axes[0], panels.items()):
        images = torch.cat([torch.as_tensor(x).cpu()[:per_row]
                            for x in entries.values()])
        h = images.shape[1]
        ax.imshow(tile(images, per_row), cmap="gray", vmin=0, vmax=255)
        ax.set_yticks([(h + 1) * r + h / 2 for r in range(len(entries))],
                      list(entries), fontsize=8)
        ax.set_xticks([])
        ax.tick_params(length=0)
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_title(name, fontsize=9)
    fig.suptitle(title, fontsize=10)
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
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(WIDTH, 3.0))
    for col, label in enumerate(labels):
        curve = smooth(steps[:, col], window)
        x = (np.arange(len(curve)) + window) / per_epoch
        ax1.plot(x, curve, label=f"{label} loss")
    ax1.set(xlabel="epoch", ylabel="BCE loss")
    ax1.set_title(f"losses (moving average, {window} steps)", fontsize=9)
    ax1.legend(fontsize=8)
    epochs = np.arange(1, len(history["d_real"]) + 1)
    ax2.plot(epochs, history["d_real"], "o-", label="mean σ(D(x)), real")
    ax2.plot(epochs, history["d_fake"], "s-", label="mean σ(D(G(z))), fake")
    ax2.set(xlabel="epoch", ylabel="probability", ylim=(0, 1))
    ax2.set_title("discriminator outputs per epoch", fontsize=9)
    ax2.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
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
    real-data floor (train vs test on the same metric) as a dashed line.
    Two panels per row, one legend below them all."""
    ncols = min(2, len(keys))
    nrows = -(-len(keys) // ncols)
    entries = len(histories) + bool(floor)
    legend_rows = -(-entries // 3)
    height = 2.4 * nrows + 0.4 + 0.2 * legend_rows
    fig, axes = plt.subplots(nrows, ncols, figsize=(WIDTH, height),
                             squeeze=False)
    for ax in axes.flat[len(keys):]:
        ax.set_visible(False)
    axes = axes.flat[:len(keys)]
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
        ax.set(xlabel="run (after 1 epoch)" if one_epoch else "epoch")
        ax.set_title(METRIC_LABELS.get(key, key), fontsize=9)
        if one_epoch:
            ax.set_xticks([])
            ax.set_xlim(-0.5, len(histories) - 0.5)
        if key == "fid":
            ax.set_yscale("log")
        if not one_epoch:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    # one legend for all panels, below them, so no curve is hidden by it
    handles, labels = np.atleast_1d(axes)[0].get_legend_handles_labels()
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, (0.02 + 0.2 * legend_rows) / height, 1, 1))
    fig.legend(handles, labels, loc="lower center", ncol=min(3, len(labels)),
               fontsize=8, frameon=False)
    return fig


def metric_vs_time(histories: dict[str, dict[str, list]], title: str,
                   key: str = "fid") -> plt.Figure:
    """A metric against cumulative training time (equal wall-clock view)."""
    fig, ax = plt.subplots(figsize=(5, 3.3))
    for label, hist in histories.items():
        ax.plot(np.cumsum(hist["seconds"]), hist[key], "o-", ms=3,
                label=label)
    ax.set(xlabel="training time (s)")
    ax.set_title(f"{METRIC_LABELS[key]} — {title}", fontsize=9)
    if key == "fid":
        ax.set_yscale("log")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def class_histograms(fractions: dict[str, list[float]],
                     title: str) -> plt.Figure:
    """Share of samples the classifier assigns to each digit, per source."""
    fig, ax = plt.subplots(figsize=(WIDTH, 2.8))
    width = 0.8 / len(fractions)
    for k, (label, values) in enumerate(fractions.items()):
        ax.bar(np.arange(10) + (k - (len(fractions) - 1) / 2) * width,
               values, width, label=label)
    ax.axhline(0.1, color="k", ls=":", lw=1)
    ax.set(xticks=range(10), xlabel="predicted class",
           ylabel="share of samples")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
