"""Fixtures shared by the test modules."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared_runs import SESSION_RUNS, copy_runs


@pytest.fixture
def runs_dir(tmp_path, monkeypatch) -> Iterator[Path]:
    """A run cache for one test (`HW_RUNS_DIR`): no runs, only the
    evaluation classifiers trained so far in this session."""
    folder = tmp_path / "runs"
    copy_runs(SESSION_RUNS, folder)
    monkeypatch.setenv("HW_RUNS_DIR", str(folder))
    yield folder
    copy_runs(folder, SESSION_RUNS)
