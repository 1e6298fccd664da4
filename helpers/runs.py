"""Run cache: a config → its run directory; atomic checkpoints, safe loads.

A run directory is named `<experiment>-<hash of the full config>`, so a changed
config never reuses an old checkpoint. Each epoch's state is written to a
temporary file, fsynced and renamed over `checkpoint.pt` (the one before is
kept as `checkpoint.prev.pt`); loads use `torch.load(weights_only=True)`.
"""

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import torch

from .paths import runs_dir

CHECKPOINT = "checkpoint.pt"
PREVIOUS = "checkpoint.prev.pt"


class CheckpointError(RuntimeError):
    """No readable checkpoint although checkpoint files exist."""


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
    with open(tmp, "wb") as f:
        torch.save(state, f)
        f.flush()
        os.fsync(f.fileno())
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


def finished_checkpoint(folder: Path, map_location: torch.device | str = "cpu"
                        ) -> tuple[dict | None, int]:
    """(the run's last checkpoint if it trained all its epochs, else None;
    the epochs it has), for a run directory that may not exist yet."""
    state = load_checkpoint(folder, map_location) if folder.exists() else None
    done = 0 if state is None else int(state["epoch"])
    finished = state is not None and done >= state["config"]["num_epochs"]
    return (state if finished else None), done
