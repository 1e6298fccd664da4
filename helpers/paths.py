"""Where data, runs and builds live: found from the package, never the CWD."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _dir(env_var: str, default: str) -> Path:
    return Path(os.environ.get(env_var) or REPO_ROOT / default)


def data_dir() -> Path:
    """Datasets (`HW_DATA_DIR` overrides `<repo>/data`)."""
    return _dir("HW_DATA_DIR", "data")


def runs_dir() -> Path:
    """Run cache: checkpoints and histories (`HW_RUNS_DIR` overrides)."""
    return _dir("HW_RUNS_DIR", "runs")
