"""The PDF pipeline end to end: `make hw3` in the smoke profile, into its own
folder (never replacing a user's build/hw3.pdf), and every part is in it."""

import json
from html import unescape
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


HW2_SECTIONS = ["Part 1: rate", "(e) Sampling from", "Part 2: a GAN",
                "(a) A fully connected GAN", "(b) WGAN-GP", "(c) Inverting",
                "(d) Latent paths", "(e) Training a generator", "References"]


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


# Pages a grader reads before the appendix (the budgets): the whole
# main text, and each part from its heading to the next heading of the same
# or a higher level (or the appendix), in pages measured down the page.
MAIN_PAGES = {"hw3": 10, "hw2": 18}
PART_PAGES = {
    "hw3": [("1 Understanding policy gradients", 2), ("2 Minimax optimisation", 3),
            ("3 Generative models", 3)],
    "hw2": [("1 Part 1: rate", 6), ("1.5 (e) Sampling from", 2),
            ("2 Part 2: a GAN", 10), ("2.1 (a)", 2), ("2.2 (b)", 2),
            ("2.3 (c)", 2), ("2.4 (d)", 2), ("2.5 (e)", 2)],
}
APPENDIX_HEADING = re.compile(r"^\s*([A-Z0-9.]+\s+)?Appendix\b", re.M)
WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]*)</word>')
PAGE = re.compile(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', re.S)


def pdf_pages(path: Path) -> list[str]:
    pages = pdf_text(path).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def main_text_pages(pages: list[str]) -> int:
    """Pages before the first page with an 'Appendix' heading line."""
    return next((i for i, page in enumerate(pages)
                 if i and APPENDIX_HEADING.search(page)), len(pages))


def pdf_lines(path: Path) -> list[tuple[float, str]]:
    """(position, text) of every line: position = page index (0-based) +
    the line's height on the page as a fraction of the page."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    lines = []
    for index, (height, body) in enumerate(PAGE.findall(html)):
        rows: dict[float, list[str]] = {}
        for y, word in WORD.findall(body):
            rows.setdefault(round(float(y), 1), []).append(unescape(word))
        lines += [(index + y / float(height), " ".join(words))
                  for y, words in sorted(rows.items())]
    return lines


def part_lengths(lines: list[tuple[float, str]], end: float,
                 parts: list[tuple[str, int]]) -> dict[str, float]:
    """Pages from each part's heading line to the next part heading of the
    same or a higher level ('1.5 (e)' ends at '2 Part'), or to `end`."""
    starts = {h: next(pos for pos, text in lines if text.startswith(h))
              for h, _ in parts}
    level = {h: h.split()[0].count(".") for h, _ in parts}
    return {h: min([starts[k] for k, _ in parts if starts[k] > starts[h]
                    and level[k] <= level[h]], default=end) - starts[h]
            for h, _ in parts}


def test_page_counting_on_a_made_up_document():
    pages = ["1 Understanding policy gradients\n...", "2 Minimax optimisation",
             "more", "3 Generative models\n", "x", "A Appendix: evidence",
             "see Appendix A.1 for more"]
    assert main_text_pages(pages) == 5
    assert main_text_pages(pages[:5]) == 5
    lines = [(0.1, "1 Understanding policy gradients"), (0.5, "1.1 (a) x"),
             (1.6, "2 Minimax optimisation"), (3.9, "3 Generative models"),
             (5.1, "A Appendix: evidence")]
    assert part_lengths(lines, 5.0, PART_PAGES["hw3"]) == pytest.approx({
        "1 Understanding policy gradients": 1.5, "2 Minimax optimisation": 2.3,
        "3 Generative models": 1.1})
    # HW2's Part 2 holds its questions as subsections: (a) ends at (b), (e)
    # at the appendix, Part 1's (e) at Part 2, Part 2 at the appendix
    hw2 = [(0.1, "1 Part 1: rate"), (4.0, "1.5 (e) Sampling from"),
           (5.5, "2 Part 2: a GAN"), (5.6, "2.1 (a)"), (7.0, "2.2 (b)"),
           (8.0, "2.3 (c)"), (9.0, "2.4 (d)"), (10.0, "2.5 (e)")]
    lengths = part_lengths(hw2, 11.5, PART_PAGES["hw2"])
    assert lengths == pytest.approx({
        "1 Part 1: rate": 5.4, "1.5 (e) Sampling from": 1.5,
        "2 Part 2: a GAN": 6.0, "2.1 (a)": 1.4, "2.2 (b)": 1.0,
        "2.3 (c)": 1.0, "2.4 (d)": 1.0, "2.5 (e)": 1.5})


@pytest.mark.parametrize("name", ["hw3", "hw2"])
def test_main_text_fits_its_page_budget(smoke_build, name):
    pdf = smoke_build / f"{name}.pdf"
    main = main_text_pages(pdf_pages(pdf))
    assert main <= MAIN_PAGES[name], f"{name}.pdf: {main} pages before the appendix"
    lengths = part_lengths(pdf_lines(pdf), float(main), PART_PAGES[name])
    over = {h: round(n, 2) for h, n in lengths.items()
            if n > dict(PART_PAGES[name])[h]}
    assert not over, f"{name}.pdf: parts over their page budget: {over}"


# Words of a build log, not of a student's answer: the machine, the tools,
# the run cache and the history of the code belong to the appendix.
LAB_LOG = re.compile(r"run cache|run director|papermill|nbconvert|commit|"
                     r"\bAVX|\b[CG]PU\b|threads?\b|s/epoch|sitting|session|"
                     r"\bhash\b|earlier version|profile (smoke|quick|full)",
                     re.I)


def lab_log_words(main_text: str) -> list[str]:
    return [m.group(0) for m in LAB_LOG.finditer(" ".join(main_text.split()))]


def test_lab_log_finder():
    assert lab_log_words("Trained on a 2-core CPU (2 threads), run cache "
                         "hit, at profile quick.") == \
        ["CPU", "threads", "run cache", "profile quick"]
    assert lab_log_words("ε the machine epsilon; nothing can be cached") == []


@pytest.mark.parametrize("name", ["hw3", "hw2"])
def test_main_text_names_no_machine_tool_or_run(smoke_build, name):
    pages = pdf_pages(smoke_build / f"{name}.pdf")
    main = "\n".join(pages[:main_text_pages(pages)])
    assert not lab_log_words(main), \
        f"{name}.pdf's main text: {lab_log_words(main)} (move it to the appendix)"


def pointers_alone_atop_a_page(pages: list[str]) -> list[int]:
    """Pages (1-based) that open with a part's 'Further evidence' line, cut
    off from the text it closes."""
    return [i + 1 for i, page in enumerate(pages)
            if page.strip().startswith("Further evidence")]


def test_pointer_finder_on_a_made_up_document():
    pages = ["text\nFurther evidence: Appendix A.1.\n",
             "\n  Further evidence: Appendix A.2.\n\n3 Part 2 (b)", "x"]
    assert pointers_alone_atop_a_page(pages) == [2]


@pytest.mark.parametrize("name", ["hw3", "hw2"])
def test_no_appendix_pointer_opens_a_page(smoke_build, name):
    pages = pdf_pages(smoke_build / f"{name}.pdf")
    assert not pointers_alone_atop_a_page(pages), \
        f"{name}.pdf: a 'Further evidence' line opens page(s) " \
        f"{pointers_alone_atop_a_page(pages)} (latex/common/common.tex, \\appendixref)"


def executed_notebooks(build: Path, name: str) -> list[dict]:
    """The notebooks a homework's PDF was made from, as executed."""
    paths = sorted(p for p in (build / name / "nb").glob("*.ipynb")
                   if not p.name.endswith(".part.ipynb"))
    return [json.loads(p.read_text()) for p in paths]


def outputs(notebook: dict, mime: str) -> list[str]:
    return ["".join(o["data"][mime]) for cell in notebook["cells"]
            for o in cell.get("outputs", []) if mime in o.get("data", {})]


@pytest.mark.parametrize("name", ["hw3", "hw2"])
def test_pdf_has_every_figure_the_notebooks_draw(smoke_build, name):
    drawn = sum(len(outputs(nb, "image/png"))
                for nb in executed_notebooks(smoke_build, name))
    listing = subprocess.run(["pdfimages", "-list",
                              str(smoke_build / f"{name}.pdf")],
                             capture_output=True, text=True).stdout
    images = [row.split()[2] for row in listing.splitlines()[2:]]
    assert drawn >= 4 and images.count("image") == drawn


@pytest.mark.parametrize("name", ["hw3", "hw2"])
def test_every_computed_answer_printed_text(smoke_build, name):
    """Each cell that words a result from its numbers (`md(...)`) printed a
    non-empty paragraph in the executed notebook the PDF was made from."""
    silent = [("".join(cell["source"])[:60])
              for nb in executed_notebooks(smoke_build, name)
              for cell in nb["cells"]
              if cell["cell_type"] == "code" and "md(" in "".join(cell["source"])
              and not any(text.strip() for text in
                          outputs({"cells": [cell]}, "text/markdown"))]
    assert not silent, f"{name}: answer cells without text: {silent}"


def test_committed_notebooks_have_no_outputs():
    notebooks = sorted((REPO / "notebooks").rglob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        if ".ipynb_checkpoints" in path.parts:
            continue
        cells = json.loads(path.read_text())["cells"]
        assert all("id" in cell for cell in cells), \
            f"{path.name}: a cell without an id (nbformat 4.5 needs one)"
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
