"""`make lab` starts JupyterLab, also where users are root (containers,
Colab), where Jupyter refuses to start without --allow-root."""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# A venv with jupyterlab for the live test (make test installs none):
# HW_LAB_VENV=/path/to/venv; default: the repository's .venv.
LAB_VENV = os.environ.get("HW_LAB_VENV")
MAKE_VARS = [f"VENV={LAB_VENV}"] if LAB_VENV else []


def lab_command(lab_args: str = "") -> str:
    """The line `make lab` would run to start the server (make -n)."""
    out = subprocess.run(
        ["make", "-n", "--no-print-directory", "lab", f"LAB_ARGS={lab_args}",
         *MAKE_VARS], cwd=REPO, capture_output=True, text=True,
        check=True).stdout
    [line] = [line for line in out.splitlines() if " lab" in line
              and "jupyter" in line and "import" not in line]
    return line


def test_lab_allows_root_exactly_when_root():
    assert ("--allow-root" in lab_command()) == (os.geteuid() == 0)


def test_lab_passes_extra_arguments():
    assert lab_command("--no-browser --port 9").endswith(
        "--no-browser --port 9")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_api(port: int, token: str, deadline: float) -> dict:
    """GET /api of the server on `port`, retrying until `deadline`."""
    url = f"http://127.0.0.1:{port}/api?token={token}"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return json.load(response)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def has_jupyterlab() -> bool:
    venv = Path(LAB_VENV) if LAB_VENV else REPO / ".venv"
    python = venv / "bin" / "python"
    return python.exists() and subprocess.run(
        [python, "-c", "import jupyterlab"], capture_output=True
    ).returncode == 0


@pytest.mark.skipif(not has_jupyterlab(), reason=(
    "jupyterlab is not in the venv: `make lab` installs it on first use, "
    "`make test` does not (set HW_LAB_VENV to a venv that has it)"))
def test_lab_serves_the_api(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    args = (f"--no-browser --port {port} --ServerApp.token={token} "
            f"--ServerApp.root_dir={REPO / 'notebooks'}")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    with open(tmp_path / "lab.log", "w") as log:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "lab", f"LAB_ARGS={args}",
             *MAKE_VARS], cwd=REPO, env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        api = get_api(port, token, time.monotonic() + 120)
        assert "version" in api
        assert proc.poll() is None
    except OSError:
        pytest.fail("no answer from make lab:\n"
                    + (tmp_path / "lab.log").read_text()[-3000:])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
