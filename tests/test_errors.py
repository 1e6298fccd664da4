"""The errors a newcomer meets name their fix (one test per message that no
other test file checks): the Makefile's settings and TeX check, the CLI's
profile/device/run-directory errors."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from helpers.__main__ import main

REPO = Path(__file__).resolve().parent.parent


def make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=REPO,
                          capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("setting, message", [
    ("PROFILE=fast", "PROFILE=fast is not a profile: use auto, smoke, quick "
                     "or full"),
    ("DEVICE=gpu", "DEVICE=gpu is not a device: use auto, cpu, cuda, cuda:N "
                   "or mps")])
def test_make_refuses_an_unknown_setting_before_any_work(setting, message):
    proc = make("-n", "pdf", setting)
    assert proc.returncode != 0 and message in proc.stderr
    assert "papermill" not in proc.stdout


def test_make_setup_refuses_a_python_older_than_3_10(tmp_path):
    """A stand-in for Python 3.9: it answers the version check as 3.9 does
    (exit status 1) and would make no venv either."""
    old_python = tmp_path / "python3.9"
    old_python.write_text("#!/bin/sh\nexit 1\n")
    old_python.chmod(0o755)
    venv = tmp_path / "venv"
    proc = make("setup", f"PYTHON={old_python}", f"VENV={venv}")
    assert proc.returncode != 0
    assert f"error: Python >= 3.10 is needed (PYTHON={old_python})" \
        in proc.stderr
    assert "e.g. make pdf PYTHON=python3.11" in proc.stderr
    assert not venv.exists()


def path_without(tmp_path: Path, *hidden: str) -> str:
    """A PATH with every program of /usr/bin and /bin but `hidden`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for folder in ("/usr/local/bin", "/usr/bin", "/bin"):
        for name in os.listdir(folder) if os.path.isdir(folder) else []:
            target = bin_dir / name
            if name not in hidden and not target.exists():
                target.symlink_to(Path(folder) / name)
    return str(bin_dir)


def test_make_without_pandoc_stops_before_any_notebook_runs(tmp_path):
    """No pandoc and no apt-get to install it: the apt line, no notebook."""
    env = {"PATH": path_without(tmp_path, "pandoc", "apt-get"),
           "HW_RUNS_DIR": str(tmp_path / "runs")}
    proc = make("hw3", "PROFILE=smoke", "DEVICE=cpu",
                f"BUILD={tmp_path / 'build'}", env=env)
    assert proc.returncode != 0
    assert "the PDF build needs TeX (pandoc is missing)" in proc.stderr
    assert "apt-get install -y --no-install-recommends" in proc.stderr
    assert "[pdf] executing" not in proc.stdout
    assert not list((tmp_path / "build").rglob("*.ipynb"))


@pytest.mark.parametrize("option, message", [
    ("--profile=fast", "error: Unknown profile 'fast': use one of auto, "
                       "smoke, quick, full (e.g. `make pdf PROFILE=quick`)"),
    ("--device=gpu", "error: Unknown device 'gpu': use one of")])
def test_cli_names_the_choices_of_a_wrong_option(option, message, capsys):
    assert main(["train", "hw2_2a_gan", option, "--dry-run"]) == 1
    assert message in capsys.readouterr().err


def test_sample_from_a_folder_that_is_not_a_run(tmp_path, capsys):
    assert main(["sample", str(tmp_path), "--n", "4",
                 "--out", str(tmp_path / "x.npy")]) == 1
    assert "is not a run directory (no config.json)" in capsys.readouterr().err


def test_sample_from_a_run_that_has_not_trained_yet(tmp_path, capsys):
    (tmp_path / "config.json").write_text(json.dumps(
        {"experiment": "hw2_2a_gan"}))
    assert main(["sample", str(tmp_path), "--n", "4",
                 "--out", str(tmp_path / "x.npy")]) == 1
    assert ("has no checkpoint yet: train it with `python -m helpers train "
            "hw2_2a_gan`") in capsys.readouterr().err


def test_an_unresolved_reference_fails_the_pdf_build(tmp_path):
    log = tmp_path / "main.log"
    log.write_text("LaTeX Warning: Citation `kingma2015' on page 3 undefined "
                   "on input line 12.\n")
    proc = subprocess.run(["tools/check_refs.sh", str(log), "hw3"], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "kingma2015" in proc.stdout
    assert ("unresolved \\ref or \\cite above" in proc.stderr
            and "latex/hw3/references.tex" in proc.stderr)
    log.write_text("Output written on main.pdf (9 pages).\n")
    assert subprocess.run(["tools/check_refs.sh", str(log), "hw3"],
                          cwd=REPO).returncode == 0
