"""Fixtures shared by the test modules."""

from pathlib import Path

import pytest


@pytest.fixture
def runs_dir(tmp_path, monkeypatch) -> Path:
    """An empty run cache for one test (`HW_RUNS_DIR`)."""
    folder = tmp_path / "runs"
    monkeypatch.setenv("HW_RUNS_DIR", str(folder))
    return folder
