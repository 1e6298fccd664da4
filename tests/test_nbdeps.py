"""tools/nbdeps.py finds the helper modules a notebook imports, and make
re-executes only the notebooks that import a touched helper."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
import nbdeps  # noqa: E402

NOTEBOOKS = sorted((REPO / "notebooks").glob("hw*/*.ipynb"))


def write_notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    """A minimal .ipynb with (cell_type, source) cells."""
    path.write_text(json.dumps({"cells": [
        {"cell_type": kind, "source": source, "metadata": {}}
        for kind, source in cells]}))
    return path


@pytest.fixture
def package(tmp_path) -> Path:
    """A fake `helpers` package using every import form between modules."""
    pkg = tmp_path / "helpers"
    pkg.mkdir()
    modules = {
        "__init__": "from .version import VERSION\n",
        "version": "VERSION = 1\n",
        "a": "from .b import f\n",                # relative, from-module
        "b": "from . import c\n",                 # relative, from-package
        "c": "import os\n",
        "d": "def late():\n    import helpers.e\n",  # absolute, nested
        "e": "from helpers.c import x\n",
        "unused": "from . import a\n",
        "outside": "from .. import something\n",  # beyond the package
    }
    for name, source in modules.items():
        (pkg / f"{name}.py").write_text(source)
    return pkg


def deps_of(notebook: Path, pkg: Path) -> set[str]:
    """The stems of the helper files `notebook` depends on."""
    return {path.stem for path in nbdeps.notebook_deps(notebook, pkg)}


def test_every_import_form_is_followed(tmp_path, package):
    nb = write_notebook(tmp_path / "x.ipynb", [
        ("code", "%matplotlib inline\nfrom helpers import a, VERSION\n"),
        ("code", "!ls\nimport helpers.d as dd\n"),
        ("markdown", "from helpers import unused"),
        ("code", "import numpy as np"),
    ])
    assert deps_of(nb, package) == {"__init__", "version", "a", "b", "c",
                                    "d", "e"}


def test_a_notebook_without_helpers_depends_on_none(tmp_path, package):
    nb = write_notebook(tmp_path / "x.ipynb", [("code", "import helpersx")])
    assert deps_of(nb, package) == set()


def test_from_submodule_import_name(tmp_path, package):
    nb = write_notebook(tmp_path / "x.ipynb",
                        [("code", "from helpers.e import x")])
    assert deps_of(nb, package) == {"__init__", "version", "e", "c"}


def test_subpackage_modules_and_their_relative_imports(tmp_path, package):
    sub = package / "answers"
    sub.mkdir()
    (sub / "__init__.py").write_text("")
    (sub / "one.py").write_text("from ..c import x\nfrom .shared import y\n")
    (sub / "shared.py").write_text("from .. import version\n")
    (sub / "two.py").write_text("from ..d import late\n")
    nb = write_notebook(tmp_path / "x.ipynb",
                        [("code", "from helpers.answers import one")])
    assert {str(p.relative_to(package)) for p in
            nbdeps.notebook_deps(nb, package)} == {
        "__init__.py", "version.py", "answers/__init__.py", "answers/one.py",
        "answers/shared.py", "c.py"}


def test_real_notebooks_bandit_only_in_q1():
    pkg = REPO / "helpers"
    users = {nb.stem for nb in NOTEBOOKS if "bandit" in deps_of(nb, pkg)}
    assert users == {"q1_policy_gradient"}
    for nb in NOTEBOOKS:
        assert "notebook" in deps_of(nb, pkg), nb.name


def test_make_rules_name_the_executed_notebooks():
    rules = nbdeps.make_rules(NOTEBOOKS[:1], REPO / "helpers")
    hw, name = NOTEBOOKS[0].parent.name, NOTEBOOKS[0].stem
    assert f"$(BUILD)/{hw}/nb/{name}.ipynb: " in rules


def out_of_date(build: Path, *make_args: str) -> set[str]:
    """Notebooks `make -n` would execute, as 'hwN/name'."""
    targets = [str(build / nb.parent.name / "nb" / nb.name)
               for nb in NOTEBOOKS]
    # -o FORCE: take the run parameters as unchanged (make -n cannot know).
    proc = subprocess.run(
        ["make", "-n", "--no-print-directory", f"BUILD={build}",
         "PROFILE=smoke", "DEVICE=cpu", "-o", "FORCE", *make_args, *targets],
        cwd=REPO, capture_output=True, text=True, check=True)
    prefix = "[pdf] executing notebooks/"
    return {line.split(prefix)[1].split(".ipynb")[0]
            for line in proc.stdout.splitlines() if prefix in line}


def test_touching_a_helper_reexecutes_only_its_importers(tmp_path):
    build = tmp_path / "build"
    later = time.time() + 3600           # newer than every source file
    for hw in ("hw2", "hw3"):
        (build / hw / "nb").mkdir(parents=True)
        (build / hw / "params").write_text("profile=smoke\n")
    for nb in NOTEBOOKS:
        done = build / nb.parent.name / "nb" / nb.name
        done.touch()
        os.utime(done, (later, later))
    assert out_of_date(build) == set()
    assert out_of_date(build, "-W", "helpers/bandit.py") == \
        {"hw3/q1_policy_gradient"}
    # one part's answer module re-executes only that part's notebook
    for part, notebook in (("hw3_q1", "hw3/q1_policy_gradient"),
                           ("hw2_2b", "hw2/2b_wgan_gp")):
        assert out_of_date(build, "-W", f"helpers/answers/{part}.py") == \
            {notebook}
    assert out_of_date(build, "-W", "helpers/inversion.py") == \
        {"hw2/2c_inversion", "hw2/2d_latent_path",
         "hw2/2e_path_regularised_gan"}
