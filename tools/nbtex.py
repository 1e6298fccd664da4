"""Split nbconvert's LaTeX of one notebook into a body, its appendix and a
shared preamble.

usage: python tools/nbtex.py NOTEBOOK/body.tex [--preamble PREAMBLE.tex]
The body replaces body.tex; the cells tagged `appendix` (between the markers
that latex/templates/body.tex.j2 writes) move, in notebook order, to
appendix.tex beside it, their headings one level down, and the main text
gets one back-reference (\\appendixref{NOTEBOOK}): at the end of the
opening answer paragraph where the body opens with one, else where the
first appendix cell stood. The preamble (packages and macros nbconvert's
output needs, without \\documentclass and title fields) is written if
asked.
"""

import argparse
import re
from pathlib import Path

BEGIN, END = r"\begin{document}", r"\end{document}"
DROP_FROM_PREAMBLE = re.compile(r"^\s*\\(documentclass|title|date|author)\b")
APPENDIX = re.compile(r"^%% nbtex:appendix-begin\n(.*?)^%% nbtex:appendix-end\n",
                      re.S | re.M)
# The body's opening paragraph when it is the part's answer ("Answer." in
# bold): the pointer to the evidence ends it, so it can never be cut off
# from the text it belongs to.
OPENING_ANSWER = re.compile(
    r"\A\s*\\textbf\{Answer[^\n]*(?:\n(?![ \t]*\n)[^\n]*)*")
# Appendix headings sit one level below the main text's (the notebook's
# own section becomes a subsection of the appendix).
DEMOTE = (("\\subsubsection", "\\paragraph"),
          ("\\subsection", "\\subsubsection"))


def split(tex: str) -> tuple[str, str]:
    head, sep, rest = tex.partition(BEGIN)
    body, sep2, _ = rest.rpartition(END)
    if not (sep and sep2):
        raise SystemExit("nbtex: no \\begin{document} ... \\end{document}")
    preamble = "\n".join(line for line in head.splitlines()
                         if not DROP_FROM_PREAMBLE.match(line))
    return preamble, body.strip() + "\n"


def demote(tex: str) -> str:
    """Every sectioning command one level down."""
    for old, new in DEMOTE:
        tex = re.sub(re.escape(old) + r"(?=\*?\{)", lambda _: new, tex)
    return tex


def split_appendix(body: str, name: str) -> tuple[str, str]:
    """(main text with one back-reference, appendix text) of a body."""
    chunks = [m.group(1) for m in APPENDIX.finditer(body)]
    if not chunks:
        return body, ""
    reference = f"\\appendixref{{{name}}}"
    answer = OPENING_ANSWER.match(body)
    if answer:
        main = body[:answer.end()] + " " + reference + body[answer.end():]
    else:
        main = APPENDIX.sub(lambda _: f"\\par{reference}\\par\n", body,
                            count=1)
    return APPENDIX.sub("", main), demote("\n".join(chunks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tex", type=Path)
    parser.add_argument("--preamble", type=Path)
    args = parser.parse_args()
    preamble, body = split(args.tex.read_text())
    body, appendix = split_appendix(body, args.tex.parent.name)
    args.tex.write_text(body)
    if appendix:
        (args.tex.parent / "appendix.tex").write_text(appendix)
    if args.preamble:
        args.preamble.write_text(preamble + "\n")


if __name__ == "__main__":
    main()
