"""Notebook set-up and output: resolved settings, Markdown answers."""

import math
import platform
import random
from dataclasses import dataclass

import numpy as np
import torch

from .device import describe, resolve_device
from .profiles import resolve_profile


@dataclass(frozen=True)
class Setup:
    """What a notebook runs with, after resolving `auto`."""
    profile: str
    device: torch.device
    seed: int

    def __str__(self) -> str:
        return (f"profile {self.profile} · device {describe(self.device)} · "
                f"seed {self.seed} · torch {torch.__version__} · "
                f"Python {platform.python_version()}")


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA) RNGs."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def setup(profile: str = "auto", device: str = "auto", seed: int = 0) -> Setup:
    """Resolve a notebook's parameters, seed RNGs and print what was chosen."""
    run = Setup(resolve_profile(profile), resolve_device(device), int(seed))
    seed_everything(run.seed)
    print(f"Run settings: {run}")
    return run


def md_table(header: list[str], rows: list[list], align: str = "") -> str:
    """A Markdown table; `align` is one of l/r/c per column (default l)."""
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    align = align or "l" * len(header)
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |"
              for row in rows]
    return "\n".join(lines)


def pm(mean: float, sd: float, digits: int = 2) -> str:
    """'mean ± sd' with sd to `digits` significant digits and the mean to
    the same decimal place (0.9 and 0.3 → '0.90 ± 0.30')."""
    if not math.isfinite(sd) or sd <= 0:
        return f"{mean:.3g} ± {sd:.2g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(sd)))
    return f"{mean:.{decimals}f} ± {sd:.{decimals}f}"


def count(n: int, noun: str) -> str:
    """'1 epoch', '3 epochs': a number with its noun in agreement."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def md(text: str) -> None:
    """Show Markdown (an answer that quotes numbers computed above it)."""
    from IPython.display import Markdown, display
    display(Markdown(text))
