"""`make bench-bf16`: does bfloat16 autocast cost sample quality?

Trains each experiment twice per seed, in float32 and with bf16 autocast
(`GANConfig.bf16`), through the run cache the notebooks use, and prints one
table: final and best FID, precision, recall, class coverage and training
seconds per epoch (median over epochs), side by side. bf16 is only worth
enabling where the quality columns do not get worse.

    python benchmarks/bf16_quality.py [--profile quick] [--device auto]
        [--experiments hw3_q3_dcgan hw2_2a_gan] [--seeds 0 1 2]

With several seeds a second table gives each column's mean ± standard
deviation over the seeds, so a bf16 − fp32 gap can be read against the
seed-to-seed spread.
"""

import argparse
import json
import statistics
from pathlib import Path

from helpers.experiments import GAN_EXPERIMENTS, experiment_config
from helpers.history import epoch_seconds
from helpers.train import TrainedGAN, train_gan
from helpers.device import describe, native_bf16, resolve_device
from helpers.paths import REPO_ROOT
from helpers.profiles import PROFILE_NAMES

HEADER = ("| experiment | arithmetic | seed | FID (last) ↓ | FID (best) ↓ | "
          "precision ↑ | recall ↑ | coverage ↑ | s/epoch |\n"
          "|---|---|---:|---:|---:|---:|---:|---:|---:|")


def summarise(run: TrainedGAN) -> dict[str, float]:
    """The last epoch's scores, the best FID and the median epoch time."""
    h = run.history
    return {"fid": h["fid"][-1], "best_fid": min(h["fid"]),
            "precision": h["precision"][-1], "recall": h["recall"][-1],
            "coverage": h["coverage"][-1],
            "seconds_per_epoch": epoch_seconds(h)}


COLUMNS = (("fid", 1), ("best_fid", 1), ("precision", 3), ("recall", 3),
           ("coverage", 3), ("seconds_per_epoch", 1))  # (key, decimals)
SUMMARY_HEADER = ("| experiment | arithmetic | seeds | FID (last) ↓ | "
                  "FID (best) ↓ | precision ↑ | recall ↑ | coverage ↑ | "
                  "s/epoch |\n|---|---|---:|---:|---:|---:|---:|---:|---:|")


def mean_sd(values: list[float], decimals: int) -> str:
    """'mean ± sample standard deviation' (just the mean for one value)."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return f"{mean:.{decimals}f}"
    return f"{mean:.{decimals}f} ± {statistics.stdev(values):.{decimals}f}"


def seed_summary(results: list[dict]) -> list[str]:
    """One row per (experiment, arithmetic): each column over the seeds."""
    groups: dict[tuple[str, bool], list[dict]] = {}
    for result in results:
        groups.setdefault((result["experiment"], result["bf16"]),
                          []).append(result)
    return [f"| {experiment} | {'bf16' if bf16 else 'fp32'} | {len(runs)} | "
            + " | ".join(mean_sd([r[key] for r in runs], decimals)
                         for key, decimals in COLUMNS) + " |"
            for (experiment, bf16), runs in groups.items()]


def row(experiment: str, bf16: bool, seed: int, s: dict[str, float]) -> str:
    return (f"| {experiment} | {'bf16' if bf16 else 'fp32'} | {seed} | "
            + " | ".join(f"{s[key]:.{decimals}f}" for key, decimals in COLUMNS)
            + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="quick",
                        choices=PROFILE_NAMES)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--experiments", nargs="+",
                        default=["hw3_q3_dcgan", "hw2_2a_gan"],
                        choices=sorted(GAN_EXPERIMENTS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--allow-emulated", action="store_true",
                        help="run even where bf16 is emulated (very slow)")
    parser.add_argument("--out", default=str(REPO_ROOT / "build" /
                                              "bf16_quality.json"))
    args = parser.parse_args(argv)
    device = resolve_device(args.device)
    if not (native_bf16(device) or args.allow_emulated):
        parser.error(f"{describe(device)} has no native bf16 (a CPU needs "
                     "AVX512-BF16 or AMX), so bf16 training is emulated and "
                     "far slower than fp32 (the DCGAN ≈ 25× on an AVX2 CPU). "
                     "Run this on such a CPU or a GPU, or pass "
                     "--allow-emulated.")
    results, lines = [], []
    for experiment in args.experiments:
        for seed in args.seeds:
            for bf16 in (False, True):
                config = experiment_config(
                    experiment, args.profile, seed=seed, bf16=bf16)
                s = summarise(train_gan(config, device,
                                        exact_arithmetic=True))
                results.append({"experiment": experiment, "bf16": bf16,
                                "seed": seed, **s})
                lines.append(row(experiment, bf16, seed, s))
    print(f"\n{describe(device)}, profile {args.profile}\n\n{HEADER}")
    print("\n".join(lines))
    if len(args.seeds) > 1:
        print(f"\n{SUMMARY_HEADER}\n" + "\n".join(seed_summary(results)))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(
        {"device": describe(device), "profile": args.profile,
         "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
