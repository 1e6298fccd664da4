"""`make bench-peer`: our DCGAN step against the TensorFlow tutorial it comes
from, on the same CPU, data and batch, in one run and one table.

TensorFlow runs in its own virtual environment (`benchmarks/peer_tf.py`
under `--peer-python`, made by `make bench-peer`); ours runs here. The two
alternate `--reps` times so drift of a shared host hits both alike; the table
gives medians and the speed-up = TF s/epoch ÷ ours.

    python benchmarks/bench_peer.py --peer-python .venv-peer/bin/python
"""

import argparse
import json
import statistics
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import cpu_model, time_ours  # noqa: E402

from helpers import data  # noqa: E402
from helpers.experiments import experiment_config  # noqa: E402
from helpers.device import cpu_capability, native_bf16  # noqa: E402
from helpers.paths import REPO_ROOT, data_dir  # noqa: E402

STEPS_PER_EPOCH = 60_000 // 64
# (row label, config overrides) of our DCGAN variants
OURS = [("ours: simultaneous step (as trained), fp32",
         dict(method="bce-simultaneous")),
        ("ours: alternating step, fp32", dict(method="bce")),
        ("ours: simultaneous step, bf16 autocast",
         dict(method="bce-simultaneous", bf16=True))]


def time_tf(peer_python: str, steps: int, warmup: int) -> float:
    """s/epoch of the TF tutorial step, from its JSON line."""
    images = data_dir() / "FashionMNIST" / "raw" / "train-images-idx3-ubyte"
    out = subprocess.run(
        [peer_python, str(REPO_ROOT / "benchmarks" / "peer_tf.py"),
         str(images), "--steps", str(steps), "--warmup", str(warmup)],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["s_per_epoch"]


def tf_version(peer_python: str) -> str:
    return subprocess.run(
        [peer_python, "-c", "import tensorflow as tf; print(tf.__version__)"],
        check=True, capture_output=True, text=True).stdout.strip()


def table(times: dict[str, list[float]], tf_label: str) -> str:
    tf_median = statistics.median(times[tf_label])
    lines = ["| step | s/epoch (median) | runs | TF ÷ this |",
             "|---|---:|---|---:|"]
    for label, values in times.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.1f}" for v in values)
        lines.append(f"| {label} | {median:.1f} | {runs} | "
                     f"{tf_median / median:.2f}× |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer-python", required=True)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--out",
                        default=str(REPO_ROOT / "build" / "bench-peer.json"))
    args = parser.parse_args(argv)
    device = torch.device("cpu")
    data.fetch("FashionMNIST")
    images, _ = data.load("FashionMNIST", "train", device)
    base = replace(experiment_config("hw3_q3_dcgan", "full"),
                   eval_samples=0)
    cases = [(label, replace(base, **over)) for label, over in OURS
             if not over.get("bf16") or native_bf16(device)]
    tf_label = f"TensorFlow {tf_version(args.peer_python)} tutorial step"
    machine = (f"{cpu_model()} ({cpu_capability()}), "
               f"{torch.get_num_threads()} threads; torch {torch.__version__}")
    print(f"[bench-peer] {machine}", flush=True)
    times: dict[str, list[float]] = {tf_label: []}
    times.update({label: [] for label, _ in cases})
    for rep in range(args.reps):
        times[tf_label].append(time_tf(args.peer_python, args.steps,
                                       args.warmup))
        print(f"[bench-peer] rep {rep + 1}: TF {times[tf_label][-1]:.1f} "
              "s/epoch", flush=True)
        for label, config in cases:
            torch.manual_seed(0)
            per_step = time_ours(config, images, args.steps, args.warmup,
                                 device)
            times[label].append(per_step * STEPS_PER_EPOCH)
            print(f"[bench-peer] rep {rep + 1}: {label} "
                  f"{times[label][-1]:.1f} s/epoch", flush=True)
    print(f"Machine: {machine}\n")
    print(table(times, tf_label))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "s_per_epoch": times},
                              indent=2))
    print(f"[bench-peer] wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
