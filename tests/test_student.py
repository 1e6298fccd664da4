"""latex/student.tex: unfilled fields are flagged (tools/student_check.sh,
red MISSING boxes in the PDF), and any name prints as typed, CJK and
& _ % # $ ^ included."""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHECK = REPO / "tools" / "student_check.sh"

FILLED = r"""% a comment with \placeholder{x} and Student Name is ignored
\startstudentfields
\newcommand{\studentname}{Zoë O'Brien & 山田 太郎}
\newcommand{\collaborators}{Ana_Lima, 김민준, #3 (100% $5 ^_^)}
\newcommand{\hoursHWtwo}{12 h}
\newcommand{\hoursHWthree}{\placeholder{not yet recorded}}
\stopstudentfields
"""
MAIN = r"""\documentclass[11pt]{article}
\usepackage{fontspec}\usepackage{unicode-math}\usepackage{amsmath}
\usepackage{geometry}\usepackage{xcolor}
\input{common.tex}
\input{student.tex}
\newcommand{\buildprofile}{smoke}\newcommand{\builddevice}{cpu}
\newcommand{\buildseed}{0}\newcommand{\buildtorch}{2}
\newcommand{\buildcommit}{abc}\newcommand{\builddate}{today}
\begin{document}
\homeworktitle{Homework}{Course}{\hoursHWthree}
\end{document}
"""


def check(tmp_path: Path, text: str) -> str:
    """The warning tools/student_check.sh prints for a student.tex."""
    path = tmp_path / "student.tex"
    path.write_text(text)
    proc = subprocess.run([CHECK, path], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stdout
    return proc.stderr


def test_check_passes_a_filled_file(tmp_path):
    filled = FILLED.replace(r"\placeholder{not yet recorded}", "3 h")
    assert check(tmp_path, filled) == ""


@pytest.mark.parametrize("field", [
    r"\placeholder{3 h}", "not yet recorded",
    "Student Name (edit latex/student.tex)"])
def test_check_warns_about_each_unfilled_field(tmp_path, field):
    text = FILLED.replace(r"\placeholder{not yet recorded}", field)
    warning = check(tmp_path, text)
    assert "still has fields to fill in" in warning
    assert field in warning and "Zoë" not in warning


def test_details_print_as_typed(tmp_path):
    shutil.copy(REPO / "latex" / "common" / "common.tex", tmp_path)
    (tmp_path / "student.tex").write_text(FILLED)
    (tmp_path / "main.tex").write_text(MAIN)
    proc = subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
        cwd=tmp_path, capture_output=True, text=True)
    log = (tmp_path / "main.log").read_text(errors="replace")
    assert proc.returncode == 0, log[-3000:]
    assert "Missing character" not in log      # no glyph dropped silently
    text = subprocess.run(["pdftotext", "-layout", "main.pdf", "-"],
                          cwd=tmp_path, capture_output=True, text=True,
                          check=True).stdout.replace("\u2019", "'")
    assert "Zoë O'Brien & 山田 太郎" in text
    assert "Ana_Lima, 김민준, #3 (100% $5 ^_^)" in text
    assert "MISSING: not yet recorded" in text
