"""Trained runs shared by the tests' run caches within one pytest session.

A test that needs an empty run cache would otherwise train the smoke
profile's evaluation classifiers again (≈ 15 s each on a 2-core CPU): its
cache starts with the classifiers this session has trained so far, and the
ones it trains are kept for the tests after it. Classifiers train from a
fixed seed on a forked RNG, so a copied one equals a freshly trained one."""

import os
import shutil
from pathlib import Path

# The session's run cache: a fresh temporary folder (conftest.py at the
# root), whatever HW_RUNS_DIR said before pytest started.
SESSION_RUNS = Path(os.environ["HW_RUNS_DIR"])
CLASSIFIERS = "classifier-*"


def copy_runs(source: Path, target: Path,
              pattern: str = CLASSIFIERS) -> None:
    """Copy the run folders of cache `source` matching `pattern` (by default
    the evaluation classifiers) that cache `target` lacks."""
    target.mkdir(parents=True, exist_ok=True)
    for folder in source.glob(pattern):
        if folder.is_dir() and not (target / folder.name).exists():
            shutil.copytree(folder, target / folder.name)
