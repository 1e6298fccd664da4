"""README's result pictures and table from the run cache (`make figures`).

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

from .experiments import (experiment_config, finished_run,  # noqa: E402
                          run_folder, runs_of, variant_label)
from .history import epoch_seconds, history_scores, series  # noqa: E402
from .models import checkpoint_generator  # noqa: E402
from .plotting import style, tile  # noqa: E402
from .text import md_table  # noqa: E402
from .train import to_uint8  # noqa: E402

MAX_BYTES = 200_000   # README pictures stay small (issue: ≤ 200 KB each)
DPI = 100


def finished_state(name: str, profile: str, device: str = "cpu",
                   **overrides: Any) -> dict[str, Any]:
    """The last checkpoint of a finished run, or an error naming the fix."""
    config, state, done = finished_run(
        experiment_config(name, profile, device, **overrides))
    if state is None:
        raise FileNotFoundError(
            f"{run_folder(config).name} has {done} of {config.num_epochs} "
            f"epochs: train it with `python -m helpers train {name} "
            f"--profile {profile}` (or `make pdf PROFILE=...`) and point "
            "HW_RUNS_DIR (RUNS=) at "
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


def path_strip(gen: torch.nn.Module, profile: str, pairs: int = 2,
               points: int = 10) -> plt.Figure:
    """HW2 2d: G along the straight line and along the optimised path for
    the first test-image pairs, with 2d's settings of the profile."""
    from . import data
    from . import latent_path as lp
    from .inversion import best_codes
    from .profiles import settings
    s = settings("hw2_2d_latent_path", profile)
    test_x, test_y = data.load("MNIST", "test", "cpu")
    images = data.to_signed_unit(test_x[:2 * pairs]).view(-1, 1, 28, 28)
    codes, _ = best_codes(gen, images, s["restarts"], s["inv_steps"])
    z_a, z_b, x_a, x_b = codes[0::2], codes[1::2], images[0::2], images[1::2]
    result = lp.optimise_path(gen, z_a, z_b, x_a, x_b, s["num_points"],
                              s["iters"])
    line = lp.segment(z_a, z_b, s["num_points"])
    show = torch.linspace(0, s["num_points"] - 1, points).round().long()
    fig, axes = plt.subplots(pairs, 1, squeeze=False,
                             figsize=(0.62 * points, 1.45 * pairs + 0.4))
    for p, ax in enumerate(axes[:, 0]):
        with torch.no_grad():
            rows = [to_uint8(gen(path[p, show])) for path in (line,
                                                              result.path)]
        ax.imshow(tile(torch.cat(rows), points), cmap="gray", vmin=0,
                  vmax=255, interpolation="nearest")
        ax.set_yticks([14, 43], ["line", "optimised"], fontsize=8)
        ax.set_xticks([])
        ax.grid(False)
        ratio = (result.u[p] / result.u_history[0, p]).item()
        ax.set_title(f"{test_y[2 * p]} → {test_y[2 * p + 1]}: U / U(line) "
                     f"= {ratio:.2f}", fontsize=9)
    fig.suptitle("HW2 2d: G along latent paths", fontsize=10)
    fig.tight_layout()
    return fig


def both(state: dict[str, Any]) -> dict[str, dict[int, torch.Tensor]]:
    """Fixed-noise snapshots of G and G_ema of a run state."""
    return {"G": state["snapshots"], "G_ema": state["snapshots_ema"]}


def dcgan_samples(profile: str, device: str) -> plt.Figure:
    """HW3 Q3: G and G_ema at the snapshot epochs."""
    state = finished_state("hw3_q3_dcgan", profile, device)
    epochs = list(experiment_config("hw3_q3_dcgan", profile, device)
                  .snapshot_epochs)
    return samples_figure(both(state), epochs, "HW3 Q3: DCGAN on "
                          "FashionMNIST, the same 16 noise vectors")


def mnist_samples(profile: str, device: str) -> plt.Figure:
    """HW2 2a/2b: G and G_ema of both GANs at the last epoch."""
    last = experiment_config("hw2_2a_gan", profile, device).num_epochs
    panels = {}
    for label, name in (("GAN + R1", "hw2_2a_gan"),
                        ("WGAN-GP", "hw2_2b_wgan_gp")):
        state = finished_state(name, profile, device)
        panels[f"{label}, G"] = state["snapshots"][last]
        panels[f"{label}, G_ema"] = state["snapshots_ema"][last]
    return row_figure(panels, f"HW2 2a/2b: MNIST after {last} epochs, the "
                      "same 16 noise vectors")


def fid_curves(profile: str, device: str) -> plt.Figure:
    """FID per epoch of G and G_ema: a panel per homework, with the runs of
    it that are finished (an error if none is)."""
    groups = {"HW3 Q3 DCGAN (FashionMNIST)": {"": "hw3_q3_dcgan"},
              "HW2 2a/2b (MNIST)": {"GAN + R1, ": "hw2_2a_gan",
                                    "WGAN-GP, ": "hw2_2b_wgan_gp"}}
    panels, missing = {}, []
    for title, runs in groups.items():
        states = {}
        for prefix, name in runs.items():
            try:
                states[prefix] = finished_state(name, profile, device)
            except FileNotFoundError as err:
                missing.append(str(err))
        if states:
            panels[title] = {f"{p}{g}": series(s["history"], "fid", ema)
                             for p, s in states.items()
                             for g, ema in (("G", False), ("G_ema", True))}
    if not panels:
        raise FileNotFoundError(" ".join(missing))
    return fid_figure(panels)


def latent_paths(profile: str, device: str) -> plt.Figure:
    """HW2 2d: the path strip of 2a's generator."""
    state = finished_state("hw2_2a_gan", profile, device)
    return path_strip(checkpoint_generator(state), profile)


FIGURES = {"dcgan_samples.png": dcgan_samples,
           "mnist_samples.png": mnist_samples,
           "fid_curves.png": fid_curves,
           "latent_paths.png": latent_paths}


def result_row(name: str, seed: int, overrides: dict[str, Any],
               state: dict[str, Any]) -> list[str]:
    """One Markdown row of the results table for a finished run's state."""
    config, history = state["config"], state["history"]
    cells = [name + variant_label(overrides), str(seed),
             str(state["epoch"]), "bf16" if config.get("bf16") else "fp32",
             f"{epoch_seconds(history):.1f}"]
    for ema in (False, True):
        scores, size = history_scores(history, state["epoch"],
                                      config["eval_samples"],
                                      config["eval_samples_final"], ema)
        cells.append(f"{scores['fid']:.1f}")
        cells.append(f"{scores['precision']:.3f} / {scores['recall']:.3f} / "
                     f"{scores['coverage']:.3f}")
    cells.append(f"{size:,}")
    return cells


RESULT_COLUMNS = ["run", "seed", "epochs", "arithmetic", "median s/epoch",
                  "FID G", "precision / recall / coverage G", "FID G_ema",
                  "precision / recall / coverage G_ema", "samples scored"]


def results_table(profile: str, device: str = "cpu") -> str:
    """Markdown table of every finished GAN run `train all` trains (the
    last epoch's scores of G and G_ema); unfinished runs are left out."""
    rows = []
    for name, seed, overrides in runs_of("all", profile, 0):
        try:
            state = finished_state(name, profile, device, seed=seed,
                                   **overrides)
        except FileNotFoundError:
            continue
        rows.append(result_row(name, seed, overrides, state))
    if not rows:
        raise FileNotFoundError(f"no {profile} run is finished in the run "
                                "cache (HW_RUNS_DIR / RUNS=).")
    return md_table(RESULT_COLUMNS, rows, "lrrlrrlrlr") + "\n"


def make_all(profile: str, out: Path, device: str = "cpu"
             ) -> tuple[list[Path], list[str]]:
    """Every README figure whose runs are finished, written into `out`;
    the paths written and, for each figure skipped, why."""
    style()
    out.mkdir(parents=True, exist_ok=True)
    written, skipped = [], []
    for name, draw in FIGURES.items():
        try:
            fig = draw(profile, device)
        except FileNotFoundError as err:
            skipped.append(f"{name}: {err}")
            continue
        written.append(save(fig, out / name))
    try:
        table = out / "results.md"
        table.write_text(results_table(profile, device))
        written.append(table)
    except FileNotFoundError as err:
        skipped.append(f"results.md: {err}")
    return written, skipped
