"""`make bench-bf16`: does bfloat16 autocast cost sample quality?

Trains each experiment twice per seed, in float32 and with bf16 autocast
(`GANConfig.bf16`), through the run cache the notebooks use, and prints one
table: final and best FID, precision, recall, class coverage and training
seconds per epoch (median over epochs), side by side. bf16 is only worth
enabling where the quality columns do not get worse.

    python benchmarks/bf16_quality.py [--profile quick] [--device auto]
        [--experiments hw3_q3_dcgan hw2_2a_gan] [--seeds 0 1]
"""

import argparse
import json
import statistics
from pathlib import Path

from helpers import train
from helpers.device import describe, resolve_device
from helpers.paths import REPO_ROOT
from helpers.profiles import PROFILE_NAMES

HEADER = ("| experiment | arithmetic | seed | FID (last) ↓ | FID (best) ↓ | "
          "precision ↑ | recall ↑ | coverage ↑ | s/epoch |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|")


def summarise(run: train.TrainedGAN) -> dict[str, float]:
    """The last epoch's scores, the best FID and the median epoch time."""
    h = run.history
    return {"fid": h["fid"][-1], "best_fid": min(h["fid"]),
            "precision": h["precision"][-1], "recall": h["recall"][-1],
            "coverage": h["coverage"][-1],
            "seconds_per_epoch": statistics.median(h["seconds"])}


def row(experiment: str, bf16: bool, seed: int, s: dict[str, float]) -> str:
    return (f"| {experiment} | {'bf16' if bf16 else 'fp32'} | {seed} | "
            f"{s['fid']:.1f} | {s['best_fid']:.1f} | {s['precision']:.3f} | "
            f"{s['recall']:.3f} | {s['coverage']:.3f} | "
            f"{s['seconds_per_epoch']:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="quick",
                        choices=PROFILE_NAMES)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--experiments", nargs="+",
                        default=["hw3_q3_dcgan", "hw2_2a_gan"],
                        choices=sorted(train.EXPERIMENTS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--out", default=str(REPO_ROOT / "build" /
                                              "bf16_quality.json"))
    args = parser.parse_args(argv)
    device = resolve_device(args.device)
    results, lines = [], []
    for experiment in args.experiments:
        for seed in args.seeds:
            for bf16 in (False, True):
                config = train.experiment_config(
                    experiment, args.profile, seed=seed, bf16=bf16)
                s = summarise(train.train_gan(config, device))
                results.append({"experiment": experiment, "bf16": bf16,
                                "seed": seed, **s})
                lines.append(row(experiment, bf16, seed, s))
    print(f"\n{describe(device)}, profile {args.profile}\n\n{HEADER}")
    print("\n".join(lines))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(
        {"device": describe(device), "profile": args.profile,
         "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
