"""Notebook set-up: resolve the papermill parameters, seed, show Markdown."""

import platform
import random
from dataclasses import dataclass

import numpy as np
import torch

from .device import deterministic_kernels, describe, resolve_device
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
    resolved = resolve_device(device)
    deterministic_kernels(resolved)
    run = Setup(resolve_profile(profile, resolved), resolved, int(seed))
    seed_everything(run.seed)
    print(f"Run settings: {run}")
    return run


def md(text: str) -> None:
    """Show Markdown (an answer that quotes numbers computed above it)."""
    from IPython.display import Markdown, display
    display(Markdown(text))


def source(*objects: object) -> str:
    """The source of classes or functions as one Markdown code block, for
    the code a grader must see in the PDF (e.g. HW3 Q3's networks)."""
    import inspect
    code = "\n\n".join(inspect.getsource(obj).rstrip() for obj in objects)
    return f"```python\n{code}\n```"
