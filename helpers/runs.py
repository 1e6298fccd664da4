"""Run cache: a config → its run directory; atomic checkpoints, safe loads.

A run directory is named `<experiment>-<hash of the full config>`, so a changed
config never reuses an old checkpoint. Each epoch's state is written to a
temporary file, fsynced and renamed over `checkpoint.pt` (the one before is
kept as `checkpoint.prev.pt`); loads use `torch.load(weights_only=True)`.
"""

import errno
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import torch

from .paths import runs_dir

CHECKPOINT = "checkpoint.pt"
PREVIOUS = "checkpoint.prev.pt"


class CheckpointError(RuntimeError):
    """No readable checkpoint although checkpoint files exist."""


class NoSpaceError(OSError):
    """The run cache's filesystem cannot hold a run's checkpoints."""


# What torch's zip writer says when a write fails for lack of space.
TORCH_WRITE_FAILURES = ("unexpected pos", "inline_container",
                        "No space left")


def megabytes(n: int) -> str:
    return f"{n / 2 ** 20:,.0f} MB"


def _is_no_space(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno == errno.ENOSPC:
        return True
    return isinstance(err, RuntimeError) and any(
        text in str(err) for text in TORCH_WRITE_FAILURES)


def checkpoint_bytes(nets: list[torch.nn.Module], ema: bool,
                     steps: int) -> int:
    """A GAN checkpoint's size, estimated before the first one: float32
    weights of each net and Adam's two moments of them, G_ema (a copy of
    the first net), and the per-step losses (4 floats a step)."""
    sizes = [sum(t.numel() for t in net.state_dict().values())
             for net in nets]
    return 4 * (3 * sum(sizes) + (sizes[0] if ema else 0) + 4 * steps)


def require_space(folder: Path, checkpoint_bytes: int) -> None:
    """Stop before training unless `folder`'s filesystem can hold what a
    run writes at its peak: checkpoint + previous + the temporary file of
    the next save, less the checkpoint files it holds already."""
    held = sum(path.stat().st_size for path in
               (folder / CHECKPOINT, folder / PREVIOUS) if path.exists())
    need = 3 * checkpoint_bytes - held
    free = shutil.disk_usage(folder).free
    if free < need:
        raise NoSpaceError(
            f"Not enough disk space for the run in {folder}: it needs about "
            f"{megabytes(need)} more (three checkpoints of about "
            f"{megabytes(checkpoint_bytes)} at the peak of a save), and "
            f"{megabytes(free)} are free there. Free some space, or move "
            "the run cache to a larger disk with RUNS=dir (make) or "
            "HW_RUNS_DIR=dir (python -m helpers).")


def config_hash(config: dict[str, Any]) -> str:
    text = json.dumps(config, sort_keys=True, default=list)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def run_dir_path(config: dict[str, Any]) -> Path:
    """Where the run directory of a config is (not created)."""
    return runs_dir() / f"{config['experiment']}-{config_hash(config)}"


def run_dir(config: dict[str, Any]) -> Path:
    """The run directory of a config (created, with its config.json)."""
    folder = run_dir_path(config)
    folder.mkdir(parents=True, exist_ok=True)
    meta = folder / "config.json"
    if not meta.exists():
        _write_atomic_text(meta, json.dumps(config, indent=2, sort_keys=True))
    return folder


def _write_atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def save_checkpoint(folder: Path, state: dict[str, Any]) -> None:
    """Write `state` atomically: temp file, fsync, rename (old one kept)."""
    tmp = folder / (CHECKPOINT + ".tmp")
    try:
        with open(tmp, "wb") as f:
            torch.save(state, f)
            f.flush()
            os.fsync(f.fileno())
    except (OSError, RuntimeError) as err:
        tmp.unlink(missing_ok=True)
        if not _is_no_space(err):
            raise
        kept = int(state.get("epoch", 1)) - 1
        raise NoSpaceError(
            f"No space left on the disk of {folder} while writing "
            f"{tmp.name} (epoch {kept + 1}); the last complete checkpoint "
            + (f"(epoch {kept}) is kept" if kept else "(none yet)")
            + ". Free some space and rerun: training resumes from it.") \
            from err
    current = folder / CHECKPOINT
    if current.exists():
        os.replace(current, folder / PREVIOUS)
    os.replace(tmp, current)


def load_checkpoint(folder: Path,
                    map_location: torch.device | str = "cpu") -> dict | None:
    """The newest readable checkpoint of a run, or None if it has none."""
    candidates = [folder / CHECKPOINT, folder / PREVIOUS]
    existing = [p for p in candidates if p.exists()]
    errors = []
    for path in existing:
        try:
            return torch.load(path, map_location=map_location,
                              weights_only=True)
        except Exception as err:
            errors.append(f"{path}: {type(err).__name__}: {err}")
            print(f"[runs] {path} is unreadable; trying an older checkpoint.",
                  file=sys.stderr)
    if existing:
        raise CheckpointError(
            "No readable checkpoint in " + str(folder) + ":\n  " +
            "\n  ".join(errors) +
            f"\nFix: delete {folder} to retrain this run from scratch.")
    return None


def require_checkpoint(folder: Path,
                       map_location: torch.device | str = "cpu") -> dict:
    """The newest checkpoint of a run directory, or an error that says
    what the folder lacks."""
    meta = folder / "config.json"
    if not meta.exists():
        raise FileNotFoundError(f"{folder} is not a run directory "
                                "(no config.json); see runs/.")
    state = load_checkpoint(folder, map_location)
    if state is None:
        experiment = json.loads(meta.read_text())["experiment"]
        raise FileNotFoundError(
            f"{folder} has no checkpoint yet: train it with "
            f"`python -m helpers train {experiment}`.")
    return state


def finished_checkpoint(folder: Path, map_location: torch.device | str = "cpu"
                        ) -> tuple[dict | None, int]:
    """(the run's last checkpoint if it trained all its epochs, else None;
    the epochs it has), for a run directory that may not exist yet."""
    state = load_checkpoint(folder, map_location) if folder.exists() else None
    done = 0 if state is None else int(state["epoch"])
    finished = state is not None and done >= state["config"]["num_epochs"]
    return (state if finished else None), done
