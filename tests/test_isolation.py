"""The tests run in a run cache of their own, not the user's."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROBE = "HW_TEST_USER_RUNS"      # set only by the test below


def test_the_session_cache_is_a_fresh_temporary_folder():
    folder = os.environ["HW_RUNS_DIR"]
    assert Path(folder).name.startswith("hw-test-runs-")
    assert folder != os.environ.get(PROBE)


def test_a_user_cache_in_the_environment_is_not_used(tmp_path):
    user = tmp_path / "my-runs"
    user.mkdir()
    node = f"{Path(__file__).name}::" \
        "test_the_session_cache_is_a_fresh_temporary_folder"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", f"tests/{node}"], cwd=REPO,
        capture_output=True, text=True,
        env={**os.environ, "HW_RUNS_DIR": str(user), PROBE: str(user)})
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert not any(user.iterdir())
