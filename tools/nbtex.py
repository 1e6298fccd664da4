"""Split nbconvert's LaTeX of one notebook into a body and a shared preamble.

usage: python tools/nbtex.py NOTEBOOK.tex [--preamble PREAMBLE.tex]
The body replaces NOTEBOOK.tex; the preamble (packages and macros nbconvert's
output needs, without \\documentclass and title fields) is written if asked.
"""

import argparse
import re
from pathlib import Path

BEGIN, END = r"\begin{document}", r"\end{document}"
DROP_FROM_PREAMBLE = re.compile(r"^\s*\\(documentclass|title|date|author)\b")


def split(tex: str) -> tuple[str, str]:
    head, sep, rest = tex.partition(BEGIN)
    body, sep2, _ = rest.rpartition(END)
    if not (sep and sep2):
        raise SystemExit("nbtex: no \\begin{document} ... \\end{document}")
    preamble = "\n".join(line for line in head.splitlines()
                         if not DROP_FROM_PREAMBLE.match(line))
    return preamble, body.strip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tex", type=Path)
    parser.add_argument("--preamble", type=Path)
    args = parser.parse_args()
    preamble, body = split(args.tex.read_text())
    args.tex.write_text(body)
    if args.preamble:
        args.preamble.write_text(preamble + "\n")


if __name__ == "__main__":
    main()
