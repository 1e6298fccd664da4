"""Command line: train a named experiment into the run cache, or sample a run.

    python -m helpers train NAME [--profile P] [--device D] [--seed S]
    python -m helpers train all [--profile P] [--device D] [--json F]
    python -m helpers train NAME|all --dry-run [--profile P]  (the bill)
    python -m helpers sample RUN_DIR --n N --out F.npy [--device D]
    python -m helpers figures [--profile P] [--out DIR]  (README pictures)
"""

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .device import deterministic_kernels, describe, resolve_device
from .experiments import (GAN_EXPERIMENTS, experiment_config, runs_of,
                          variant_label)
from .history import last_fids
from .models import checkpoint_generator
from .profiles import resolve_profile
from .runs import NoSpaceError, require_checkpoint
from .text import md_table
from .train import sample_unit, train_experiment


def train_one(name: str, profile: str, seed: int, device: torch.device,
              overrides: dict[str, Any]) -> dict[str, Any]:
    """Train (or resume, or load) one run; its timing and last scores."""
    config = experiment_config(name, profile, device, seed=seed, **overrides)
    start = time.perf_counter()
    run = train_experiment(name, profile, device, seed=seed, **overrides)
    elapsed = time.perf_counter() - start
    trained = run.epochs_done - run.start_epoch
    train_seconds = sum(run.history["seconds"][run.start_epoch:])
    # wall time also holds scoring and, on a first run, the classifier
    print(f"[train] {run.folder}: {run.epochs_done}/{config.num_epochs} "
          f"epochs ({trained} trained now in {elapsed:.1f} s"
          + (f"; training alone {train_seconds:.1f} s, "
             f"{train_seconds / trained:.2f} s/epoch" if trained else "")
          + ")")
    return {"experiment": name, "seed": seed, "variant": overrides,
            "epochs": run.epochs_done,
            "trained_now": trained, "seconds": elapsed,
            "train_seconds": train_seconds,
            **last_fids(run.history, run.epochs_done, config.eval_samples,
                        config.eval_samples_final)}


def timing_table(rows: list[dict[str, Any]]) -> str:
    """Markdown: seconds per run (wall, and training without evaluation)."""
    def shown(value: float | int | None, fmt: str) -> str:
        return "—" if value is None else format(value, fmt)
    cells = [[r["experiment"] + variant_label(r.get("variant", {})),
              r["seed"], r["epochs"], r["trained_now"], f"{r['seconds']:.1f}",
              f"{r['train_seconds']:.1f}", shown(r["fid"], ".1f"),
              shown(r.get("ema_fid"), ".1f"),
              shown(r.get("fid_samples"), ",")] for r in rows]
    cells.append(["all", "", "", "", f"{sum(r['seconds'] for r in rows):.1f}",
                  f"{sum(r['train_seconds'] for r in rows):.1f}", "", "", ""])
    return md_table(["experiment", "seed", "epochs", "trained now", "wall s",
                     "training s", "FID G", "FID G_ema", "scored on"],
                    cells, "lrrrrrrrr")


def cmd_train(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    deterministic_kernels(device)
    profile = resolve_profile(args.profile, device)
    print(f"[train] {args.name}: profile {profile}, {describe(device)}")
    if args.dry_run:
        return print_bill(args, profile, device)
    # every GAN run the notebooks of this profile use: seeds and variants
    rows = [train_one(name, profile, seed, device, overrides)
            for name, seed, overrides in runs_of(args.name, profile,
                                                 args.seed)]
    if args.name != "all":
        return 0
    print(timing_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"device": describe(device), "profile": profile,
             "torch": torch.__version__, "runs": rows}, indent=1))
    return 0


def print_bill(args: argparse.Namespace, profile: str,
               device: torch.device) -> int:
    """--dry-run: measured + estimated training seconds, nothing trained."""
    from .bill import bill_table, estimate
    rows = []
    for name, seed, overrides in runs_of(args.name, profile, args.seed):
        print(f"[bill] timing {name}{variant_label(overrides)} (seed {seed})"
              " …", flush=True)
        row = estimate(experiment_config(name, profile, device, seed=seed,
                                         **overrides), device)
        rows.append(replace(row, experiment=name + variant_label(overrides)))
    print(bill_table(rows))
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    deterministic_kernels(device)
    state = require_checkpoint(Path(args.run_dir), map_location="cpu")
    gen = checkpoint_generator(state).to(device)
    images = sample_unit(gen, args.n, args.seed, device)  # tanh → [0, 1]
    images = images.squeeze(1).cpu().numpy().astype(np.float32)
    np.save(args.out, images)
    print(f"[sample] wrote {args.out}: {images.shape} float32 in [0, 1]")
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    from .figures import make_all
    written, skipped = make_all(resolve_profile(args.profile), Path(args.out))
    for path in written:
        print(f"[figures] wrote {path} ({path.stat().st_size:,} bytes)")
    for reason in skipped:
        print(f"[figures] skipped {reason}", file=sys.stderr)
    return 0 if written else 1


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m helpers",
                                  description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train a named experiment")
    train.add_argument("name", choices=["all", *sorted(GAN_EXPERIMENTS)],
                       help="an experiment, or all: every run the notebooks "
                       "of the profile train, timed")
    train.add_argument("--profile", default="auto",
                       help="auto | smoke | quick | full (default auto)")
    train.add_argument("--device", default="auto",
                       help="auto | cpu | cuda | mps (default auto)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--json", help="with all: also write the timings here")
    train.add_argument("--dry-run", action="store_true",
                       help="train nothing: print the measured and the "
                       "estimated seconds of each run on this machine")
    train.set_defaults(func=cmd_train)
    sample = sub.add_parser("sample", help="write samples of a trained run")
    sample.add_argument("run_dir", help="a run directory under runs/")
    sample.add_argument("--n", type=int, default=10_000)
    sample.add_argument("--out", required=True, help="output .npy file")
    sample.add_argument("--device", default="auto")
    sample.add_argument("--seed", type=int, default=0)
    sample.set_defaults(func=cmd_sample)
    figures = sub.add_parser("figures", help="README's pictures from the "
                             "finished runs of a profile (nothing trained)")
    figures.add_argument("--profile", default="full")
    figures.add_argument("--out", default="docs/figures")
    figures.set_defaults(func=cmd_figures)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, RuntimeError, FileNotFoundError, KeyError,
            NoSpaceError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
