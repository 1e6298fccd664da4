"""tools/nbtex.py: the notebook body, its appendix and the shared preamble."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
import nbtex  # noqa: E402

BEGIN, END = "%% nbtex:appendix-begin\n", "%% nbtex:appendix-end\n"


def test_appendix_cells_move_in_order_with_one_back_reference():
    body = ("\\subsection{Answer}\nmain one\n"
            + BEGIN + "\\subsection{Sweep}\nfirst evidence\n" + END
            + "main two\n"
            + BEGIN + "\\subsubsection{Seeds}\nsecond evidence\n" + END)
    main, appendix = nbtex.split_appendix(body, "q3_dcgan")
    assert main.count("\\appendixref{q3_dcgan}") == 1
    assert main.index("main one") < main.index("\\appendixref") \
        < main.index("main two")
    assert "evidence" not in main and "nbtex:" not in main
    assert appendix.index("first evidence") < appendix.index("second")
    # headings one level down; the order of replacement keeps them apart
    assert "\\subsubsection{Sweep}" in appendix
    assert "\\paragraph{Seeds}" in appendix


def test_the_back_reference_ends_the_opening_answer_paragraph():
    """Not where the first appendix cell stood (after a figure, from which
    a page break could part it): at the end of the answer, inline."""
    body = ("\\textbf{Answer.} Yes, by 3 %\nof the loss.\n\n"
            "\\subsection{Method}\ntext\n\n\\begin{center}figure\\end{center}\n"
            + BEGIN + "evidence\n" + END + "\n\\section{Next}\n")
    main, appendix = nbtex.split_appendix(body, "2a_gan")
    assert "of the loss. \\appendixref{2a_gan}\n\n\\subsection{Method}" in main
    assert main.count("\\appendixref") == 1 and "evidence" not in main
    assert appendix.strip() == "evidence"


def test_a_body_without_appendix_cells_is_unchanged():
    body = "\\subsection{Answer}\ntext\n"
    assert nbtex.split_appendix(body, "x") == (body, "")


def test_main_writes_appendix_beside_the_body(tmp_path, monkeypatch):
    folder = tmp_path / "q1_policy_gradient"
    folder.mkdir()
    tex = folder / "body.tex"
    tex.write_text("\\documentclass{article}\n\\usepackage{x}\n"
                   "\\begin{document}\nmain\n" + BEGIN + "extra\n" + END
                   + "\\end{document}\n")
    monkeypatch.setattr(sys, "argv", ["nbtex", str(tex), "--preamble",
                                      str(tmp_path / "pre.tex")])
    nbtex.main()
    assert tex.read_text().startswith("main\n\\par\\appendixref{q1_policy_gradient}")
    assert (folder / "appendix.tex").read_text().strip() == "extra"
    assert "documentclass" not in (tmp_path / "pre.tex").read_text()
