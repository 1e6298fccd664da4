"""The PDF pipeline end to end: `make hw3` in the smoke profile, into its own
folder (never replacing a user's build/hw3.pdf), and every part is in it."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shared_runs import SESSION_RUNS, copy_runs

REPO = Path(__file__).resolve().parent.parent
SMOKE_BUILD = REPO / "build" / "smoke"
HW3_SECTIONS = ["Understanding policy gradients", "Minimax optimisation",
                "DCGAN on FashionMNIST", "References"]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


HW2_SECTIONS = ["Part 1: rate", "(e) Sampling from", "Part 2 (a)", "Part 2 (b)",
                "Part 2 (c)", "Part 2 (d)", "Part 2 (e)", "References"]


@pytest.fixture(scope="module")
def smoke_make() -> subprocess.CompletedProcess:
    """`make pdf` in the smoke profile, into build/smoke with its own run
    cache (which starts with the session's evaluation classifiers only)."""
    shutil.rmtree(SMOKE_BUILD, ignore_errors=True)
    runs = SMOKE_BUILD / "runs"
    copy_runs(SESSION_RUNS, runs)
    env = {**os.environ, "HW_RUNS_DIR": str(runs)}
    proc = subprocess.run(
        ["make", "--no-print-directory", "pdf", f"BUILD={SMOKE_BUILD}",
         "PROFILE=smoke", "DEVICE=cpu"],
        cwd=REPO, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, (proc.stdout[-4000:] + proc.stderr[-4000:])
    # every smoke run, so that the notebook smoke runs (nbval, after the
    # tests) load what this build trained: the training path is tested here
    copy_runs(runs, SESSION_RUNS, pattern="*")
    return proc


@pytest.fixture(scope="module")
def smoke_build(smoke_make) -> Path:
    return SMOKE_BUILD


@pytest.fixture(scope="module")
def smoke_hw3_pdf(smoke_build) -> Path:
    return smoke_build / "hw3.pdf"


def test_hw2_pdf_has_every_part(smoke_build):
    text = " ".join(pdf_text(smoke_build / "hw2.pdf").split())
    for title in HW2_SECTIONS:
        assert title in text, f"section {title!r} missing from hw2.pdf"
    assert "profile smoke" in text


def test_hw2_code_zip_has_code_and_no_data(smoke_build):
    import zipfile
    names = zipfile.ZipFile(smoke_build / "hw2-code.zip").namelist()
    for needed in ("hw2-code/Makefile", "hw2-code/helpers/train.py",
                   "hw2-code/notebooks/hw2/2a_gan.ipynb",
                   "hw2-code/latex/hw2/main.tex",
                   "hw2-code/requirements.txt", "hw2-code/README.md"):
        assert needed in names, needed
    assert not [n for n in names if n.split("/")[1] in ("data", "runs",
                                                          "build")]
    assert not [n for n in names if n.endswith((".pt", ".pdf", "-ubyte"))]


def test_hw3_pdf_has_every_part(smoke_hw3_pdf):
    text = pdf_text(smoke_hw3_pdf)
    for title in HW3_SECTIONS:
        assert title in text, f"section {title!r} missing from the PDF"
    assert "profile smoke" in " ".join(text.split())


@pytest.mark.parametrize("name", ["hw3", "hw2"])
def test_pdf_has_no_litter(smoke_build, name):
    text = pdf_text(smoke_build / f"{name}.pdf")
    for litter in ("step/s]", "it/s]", "Traceback", "Warning:",
                   'environ.get("HW_PROFILE"', "??"):
        assert litter not in text, f"{litter!r} leaked into {name}.pdf"


def page_text(path: Path, first: int, last: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(first), "-l", str(last),
                           "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("name", ["hw3", "hw2"])
def test_provenance_sits_in_the_appendix_not_on_page_one(smoke_build, name):
    pdf = smoke_build / f"{name}.pdf"
    first = " ".join(page_text(pdf, 1, 1).split())
    for word in ("papermill", "commit", "run cache", "profile smoke"):
        assert word not in first, f"{word!r} on page 1 of {name}.pdf"
    text = " ".join(pdf_text(pdf).split())
    # the appendix opens with a heading line that says so (the page count
    # before the appendix is read from it)
    assert re.search(r"^\s*A\s+Appendix: evidence", pdf_text(pdf), re.M)
    assert text.index("Appendix: evidence") < text.index("Reproducibility") \
        < text.index("profile smoke")


def test_hw3_pdf_has_figures(smoke_hw3_pdf):
    images = subprocess.run(["pdfimages", "-list", str(smoke_hw3_pdf)],
                            capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) - 2 >= 4  # header is 2 lines


def test_committed_notebooks_have_no_outputs():
    notebooks = sorted((REPO / "notebooks").rglob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        if ".ipynb_checkpoints" in path.parts:
            continue
        cells = json.loads(path.read_text())["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, \
                    f"{path.name} is committed with outputs: strip them"


# Markdown that pandoc did not turn into LaTeX, as it appears in its output:
# bold/emphasis markers, a backtick, a link. Code listings and TeX quotes
# (``...'' and `...', pandoc's smart quotes) are removed first.
STRAY_MARKDOWN = re.compile(r"\*\*|__|\\_\\_|`|\]\(|\{\]\}\(")
VERBATIM = re.compile(
    r"\\begin\{(Verbatim|verbatim|lstlisting|Highlighting)\}.*?\\end\{\1\}",
    re.DOTALL)
TEX_QUOTES = re.compile(r"``[^`]{0,300}?''|`[^`']{0,300}'")


def stray_markdown(tex: str) -> list[str]:
    """Lines of LaTeX (code listings aside) with Markdown markers in them."""
    text = TEX_QUOTES.sub("", VERBATIM.sub("", tex))
    return [line for line in text.splitlines()
            if STRAY_MARKDOWN.search(line) and not line.lstrip()
            .startswith("%")]


def test_stray_markdown_finder():
    assert stray_markdown("**Final ‖G(z*) − x‖²** table")
    assert stray_markdown("see {[}the docs{]}(https://x.y)")
    assert stray_markdown("a lone ` tick and \\_\\_init")
    assert stray_markdown("an unclosed `code span")
    assert not stray_markdown(
        "``quoted'' `single\nquote' \\textbf{b} a\\_b\n"
        "\\begin{Verbatim}\nx**2\n\\end{Verbatim}"
        "\\begin{Highlighting}\n\\FunctionTok{\\_\\_init\\_\\_}\n"
        "\\end{Highlighting}")


def test_no_markdown_reaches_the_latex(smoke_build):
    bodies = sorted(smoke_build.glob("hw*/nb/*/body.tex"))
    assert len(bodies) == 9
    stray = {f"{tex.parent.name}: {line.strip()[:120]}"
             for tex in bodies for line in stray_markdown(tex.read_text())}
    assert not stray, "Markdown left unrendered:\n" + "\n".join(sorted(stray))


def student_fields_unfilled() -> bool:
    """Whether latex/student.tex still has a \\placeholder{...} field."""
    lines = (REPO / "latex" / "student.tex").read_text().splitlines()
    return any("\\placeholder{" in line for line in lines
               if not line.lstrip().startswith("%"))


def test_unfilled_student_details_are_flagged(smoke_make, smoke_hw3_pdf):
    warned = "still has fields to fill in" in smoke_make.stderr
    marked = "MISSING:" in pdf_text(smoke_hw3_pdf)
    assert warned == marked == student_fields_unfilled()
    if warned:   # make pdf ends with it: the fields are its last lines
        assert "\\placeholder{" in smoke_make.stderr.splitlines()[-1]
