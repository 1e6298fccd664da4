"""Command line: train a named experiment into the run cache, or sample a run.

    python -m helpers train NAME [--profile P] [--device D] [--seed S]
    python -m helpers sample RUN_DIR --n N --out F.npy [--device D]
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from .device import describe, resolve_device
from .models import build_gan
from .profiles import resolve_profile
from .runs import load_checkpoint
from .train import (EXPERIMENTS, GANConfig, experiment_config, sample_unit,
                    train_gan)


def cmd_train(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    profile = resolve_profile(args.profile)
    config = experiment_config(args.name, profile, seed=args.seed)
    print(f"[train] {args.name}: profile {profile}, {describe(device)}")
    start = time.perf_counter()
    run = train_gan(config, device)
    elapsed = time.perf_counter() - start
    trained = run.epochs_done - run.start_epoch
    print(f"[train] {run.folder}: {run.epochs_done}/{config.num_epochs} "
          f"epochs ({trained} trained now in {elapsed:.1f} s"
          + (f", {elapsed / trained:.2f} s/epoch" if trained else "") + ")")
    return 0


def load_generator(folder: Path, device: torch.device) -> torch.nn.Module:
    """The generator of a run directory's newest checkpoint."""
    config_file = folder / "config.json"
    if not config_file.exists():
        raise FileNotFoundError(f"{folder} is not a run directory "
                                "(no config.json); see runs/.")
    fields = json.loads(config_file.read_text())
    config = GANConfig(**{k: tuple(v) if isinstance(v, list) else v
                          for k, v in fields.items()
                          if k in GANConfig.__dataclass_fields__})
    state = load_checkpoint(folder, map_location=device)
    if state is None:
        raise FileNotFoundError(f"{folder} has no checkpoint yet: train it "
                                f"with `python -m helpers train {config.experiment}`.")
    gen, _ = build_gan(config.model, config.z_dim)
    gen.load_state_dict(state["generator"])
    return gen.to(device)


def cmd_sample(args: argparse.Namespace) -> int:
    device = resolve_device(args.device)
    gen = load_generator(Path(args.run_dir), device)
    images = sample_unit(gen, args.n, args.seed, device)  # tanh → [0, 1]
    images = images.squeeze(1).cpu().numpy().astype(np.float32)
    np.save(args.out, images)
    print(f"[sample] wrote {args.out}: {images.shape} float32 in [0, 1]")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m helpers",
                                  description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train a named experiment")
    train.add_argument("name", choices=sorted(EXPERIMENTS))
    train.add_argument("--profile", default="auto",
                       help="auto | smoke | quick | full (default auto)")
    train.add_argument("--device", default="auto",
                       help="auto | cpu | cuda | mps (default auto)")
    train.add_argument("--seed", type=int, default=0)
    train.set_defaults(func=cmd_train)
    sample = sub.add_parser("sample", help="write samples of a trained run")
    sample.add_argument("run_dir", help="a run directory under runs/")
    sample.add_argument("--n", type=int, default=10_000)
    sample.add_argument("--out", required=True, help="output .npy file")
    sample.add_argument("--device", default="auto")
    sample.add_argument("--seed", type=int, default=0)
    sample.set_defaults(func=cmd_sample)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, RuntimeError, FileNotFoundError, KeyError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
