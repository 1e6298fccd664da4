"""Numbers and tables as Markdown text (standard library only, so that
`helpers.answers` can word their sentences without importing torch)."""

import math


# A column of a wide table gets at most this many characters' share of the
# width: longer text wraps instead of squeezing the number columns. A header
# up to HEADER_LINE characters long is given room for one line.
WIDEST_COLUMN = 24
HEADER_LINE = 12


def _dashes(title: str, cells: list[str]) -> int:
    """Width share of one column: its longest cell or header, capped.

    Pandoc sets a table wider than 72 characters across the text width with
    each column's width ∝ the dashes under its header; equal dashes give a
    label column as narrow as a number column, wrapped onto many lines."""
    longest = max([len(cell) for cell in cells]
                  + [len(word) for word in title.split()]
                  + [min(len(title), HEADER_LINE)], default=0)
    return max(3, min(longest, WIDEST_COLUMN))


def md_table(header: list[str], rows: list[list], align: str = "") -> str:
    """A Markdown table; `align` is one of l/r/c per column (default l)."""
    align = align or "l" * len(header)
    cells = [[str(cell) for cell in row] for row in rows]
    rule = []
    for j, (title, a) in enumerate(zip(header, align)):
        dashes = "-" * _dashes(title, [row[j] for row in cells if j < len(row)])
        rule.append({"l": dashes, "r": dashes + ":",
                     "c": ":" + dashes + ":"}[a])
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def pm(mean: float, sd: float, digits: int = 2,
       max_decimals: int | None = None) -> str:
    """'mean ± sd' with sd to `digits` significant digits and the mean to
    the same decimal place (0.9 and 0.3 → '0.90 ± 0.30'), at most
    `max_decimals` places (a tiny sd then prints as 0.000)."""
    if not math.isfinite(sd) or sd <= 0:
        return f"{mean:.3g} ± {sd:.2g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(sd)))
    if max_decimals is not None:
        decimals = min(decimals, max_decimals)
    return f"{mean:.{decimals}f} ± {sd:.{decimals}f}"


def by_at_most(err: float) -> str:
    """'by at most 3.1e-17', or 'by exactly 0' where nothing differs."""
    return "by exactly 0" if err == 0 else f"by at most {err:.1e}"


def count(n: int, noun: str) -> str:
    """'1 epoch', '3 epochs': a number with its noun in agreement."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
