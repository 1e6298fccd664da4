"""README's result pictures, drawn from the run cache (`make figures`).

Nothing is trained here: each figure reads finished runs' checkpoints
(fixed-noise snapshots and per-epoch scores), so anyone with the run cache
of a build can redraw them. A run that is missing or unfinished is named in
a clear error with the command that trains it.
"""

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from .plotting import style, tile  # noqa: E402
from .runs import load_checkpoint, run_dir_path  # noqa: E402
from .train import experiment_config, hash_fields  # noqa: E402

MAX_BYTES = 200_000   # README pictures stay small (issue: ≤ 200 KB each)
DPI = 100


def finished_state(name: str, profile: str, device: str = "cpu",
                   **overrides: Any) -> dict[str, Any]:
    """The last checkpoint of a finished run, or an error naming the fix."""
    config = experiment_config(name, profile, device, **overrides)
    folder = run_dir_path(hash_fields(config))
    state = load_checkpoint(folder) if folder.exists() else None
    done = 0 if state is None else int(state["epoch"])
    if done < config.num_epochs:
        raise FileNotFoundError(
            f"{folder.name} has {done} of {config.num_epochs} epochs: train "
            f"it with `python -m helpers train {name} --profile {profile}` "
            "(or `make pdf PROFILE=...`) and point HW_RUNS_DIR (RUNS=) at "
            "the same run cache.")
    return state


def samples_figure(rows: dict[str, dict[int, torch.Tensor]],
                   epochs: list[int], title: str) -> plt.Figure:
    """A grid of fixed-noise sample mosaics: one row per generator, one
    column per epoch."""
    fig, axes = plt.subplots(len(rows), len(epochs), squeeze=False,
                             figsize=(2.2 * len(epochs), 2.3 * len(rows)))
    for r, (label, snaps) in enumerate(rows.items()):
        for c, epoch in enumerate(epochs):
            ax = axes[r, c]
            ax.imshow(tile(snaps[epoch], 4), cmap="gray", vmin=0, vmax=255,
                      interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"epoch {epoch}", fontsize=9)
        axes[r, 0].set_ylabel(label, fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def row_figure(panels: dict[str, torch.Tensor], title: str) -> plt.Figure:
    """One row of labelled sample mosaics."""
    fig, axes = plt.subplots(1, len(panels), squeeze=False,
                             figsize=(2.2 * len(panels), 2.5))
    for ax, (label, images) in zip(axes[0], panels.items()):
        ax.imshow(tile(images, 4), cmap="gray", vmin=0, vmax=255,
                  interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(label, fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def fid_figure(panels: dict[str, dict[str, list[float]]]) -> plt.Figure:
    """FID per epoch (log scale), one panel per dataset."""
    fig, axes = plt.subplots(1, len(panels), squeeze=False,
                             figsize=(4.2 * len(panels), 3.0))
    for ax, (title, curves) in zip(axes[0], panels.items()):
        for label, fids in curves.items():
            ax.plot(range(1, len(fids) + 1), fids, lw=1.2, label=label)
        ax.set(yscale="log", xlabel="epoch", ylabel="FID (own classifier)",
               title=title)
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def save(fig: plt.Figure, path: Path) -> Path:
    """Write a palette PNG (≤ 256 colours: a quarter of RGBA's bytes) and
    check it stays under MAX_BYTES."""
    from PIL import Image
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(colors=256)
    palette.save(path, optimize=True)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise RuntimeError(f"{path} is {size:,} bytes (> {MAX_BYTES:,}): "
                           "lower figures.DPI or the figure size.")
    return path


def both(state: dict[str, Any]) -> dict[str, dict[int, torch.Tensor]]:
    """Fixed-noise snapshots of G and G_ema of a run state."""
    return {"G": state["snapshots"], "G_ema": state["snapshots_ema"]}


def make_all(profile: str, out: Path, device: str = "cpu") -> list[Path]:
    """Every README figure of a profile's runs, written into `out`."""
    style()
    out.mkdir(parents=True, exist_ok=True)
    dcgan = finished_state("hw3_q3_dcgan", profile, device)
    gan = finished_state("hw2_2a_gan", profile, device)
    wgan = finished_state("hw2_2b_wgan_gp", profile, device)
    t = list(experiment_config("hw3_q3_dcgan", profile, device)
             .snapshot_epochs)
    last = experiment_config("hw2_2a_gan", profile, device).num_epochs
    paths = [save(samples_figure(both(dcgan), t, "HW3 Q3: DCGAN on "
                                 "FashionMNIST, the same 16 noise vectors"),
                  out / "dcgan_samples.png")]
    mnist = {"GAN + R1, G": gan["snapshots"][last],
             "GAN + R1, G_ema": gan["snapshots_ema"][last],
             "WGAN-GP, G": wgan["snapshots"][last],
             "WGAN-GP, G_ema": wgan["snapshots_ema"][last]}
    fig = row_figure(mnist, f"HW2 2a/2b: MNIST after {last} epochs, the "
                     "same 16 noise vectors")
    paths.append(save(fig, out / "mnist_samples.png"))
    curves = {"HW3 Q3 DCGAN (FashionMNIST)": {
        "G": dcgan["history"]["fid"], "G_ema": dcgan["history"]["ema_fid"]},
        "HW2 2a/2b (MNIST)": {
        "GAN + R1, G": gan["history"]["fid"],
        "GAN + R1, G_ema": gan["history"]["ema_fid"],
        "WGAN-GP, G": wgan["history"]["fid"],
        "WGAN-GP, G_ema": wgan["history"]["ema_fid"]}}
    paths.append(save(fid_figure(curves), out / "fid_curves.png"))
    return paths
