"""The notebooks' `full`-only branches run in CI, at toy sizes.

With `HW_TOY_FULL` set, profile `full` keeps everything that depends on the
profile's name (the extra seeds of 2b, Q3's T = 10/30/50 wording, 1e's
comparison with the full settings) but trains at `smoke` sizes, so a branch
that only `full` takes fails `make test` instead of a user's overnight build.
"""

from pathlib import Path

import papermill
import pytest

from helpers import profiles

REPO = Path(__file__).resolve().parent.parent
# the notebooks with a branch on the profile's name
NOTEBOOKS = ["hw3/q3_dcgan.ipynb", "hw2/2b_wgan_gp.ipynb",
             "hw2/1e_echo_sampling.ipynb"]


def test_toy_full_keeps_the_name_and_takes_smoke_sizes(monkeypatch):
    monkeypatch.setenv(profiles.TOY_FULL, "1")
    assert profiles.settings("hw2_2a_gan", "full") == \
        profiles.settings("hw2_2a_gan", "smoke")
    assert profiles.seeds_for("hw2_2b_wgan_gp", "full") == [0, 1]
    monkeypatch.delenv(profiles.TOY_FULL)
    assert profiles.settings("hw2_2a_gan", "full")["num_epochs"] == 100


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_full_branch_executes(notebook, runs_dir, tmp_path, monkeypatch):
    monkeypatch.setenv(profiles.TOY_FULL, "1")
    source = REPO / "notebooks" / notebook
    out = tmp_path / source.name
    papermill.execute_notebook(
        str(source), str(out), parameters={"profile": "full",
                                           "device": "cpu"},
        cwd=str(source.parent), progress_bar=False,
        kernel_name="python3")
    assert out.exists() and "profile full" in out.read_text()


def test_no_code_branches_on_the_quick_profile_by_name():
    """`quick` differs from `smoke` only in sizes (profiles.py, whose keys a
    test in test_device_profiles checks per profile), so the smoke runs
    execute every quick code path. A branch on the name 'quick' would not be
    run by `make test`: give it a toy run like HW_TOY_FULL's first."""
    import re
    branch = re.compile(r"""profile\s*(==|!=|in)\s*[^\n]*["']quick["']""")
    sources = [*(REPO / "notebooks").rglob("*.ipynb"),
               *(REPO / "helpers").rglob("*.py")]
    found = [f"{path.relative_to(REPO)}" for path in sources
             if branch.search(path.read_text(encoding="utf-8"))]
    assert not found, f"a branch on profile 'quick' in {found}"
