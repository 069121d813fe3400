"""Tables and spreadsheets shared by the reports: terminal tables (CJK-aware widths), Markdown cells, and
CSV for Excel (a BOM so that it reads UTF-8, CRLF line ends, no cell that Excel would run as a formula).

Used by the overdue, status, calendar and register reports and by `gongkai export`'s CSV tables.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence


def width(text: str) -> int:
    """Columns a string takes on a terminal: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 0 if unicodedata.combining(c) else 1
               for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def table_lines(header: list[str], body: list[list[str]], indent: str = "  ") -> list[str]:
    """Columns aligned by terminal width, two spaces apart, no trailing blanks."""
    widths = [max(width(x) for x in col) for col in zip(header, *body)]
    out = []
    for line in [header, *body]:
        out.append((indent + "  ".join(pad(c, w) for c, w in zip(line, widths))).rstrip())
    return out


def md_cell(text: str) -> str:
    """Plain text → Markdown that shows exactly that text, as render's Markdown escapes it: no raw HTML,
    no emphasis, no link, and `|` does not end the table cell."""
    from gongkai.render.markdown import md_escape

    return md_escape(text, line_start=False)


def md_code(text: str) -> str:
    """A file name or item id in a table cell's code span, where Markdown shows every character as written (a
    backslash escape would be printed). A backtick inside is safe: the span is delimited by a longer run of
    backticks, padded with a space where the text starts or ends with one (CommonMark strips that space again).
    `|` is written `\\|`, which GFM tables read as part of the cell even inside a code span. A line break
    cannot stand in a table row: such a text (callers show control characters escaped first) is escaped text."""
    if not text:
        return ""
    if "\n" in text or "\r" in text:
        return md_cell(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " " and text.strip()) else ""
    return fence + pad + text.replace("|", "\\|") + pad + fence


def csv_safe(value: str) -> str:
    """Excel runs a cell that starts with = + - @ as a formula; a title typed by a clerk must stay text."""
    if value and value[0] in "=+-@\t\r" and not value.lstrip("-").isdigit():
        return "'" + value
    return value


def excel_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV for Excel: a BOM (Chinese intact), CRLF line ends; text cells through `csv_safe`, None as an empty
    cell, numbers as numbers."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([csv_safe(h) for h in header])
    for row in rows:
        w.writerow(["" if v is None else csv_safe(v) if isinstance(v, str) else v for v in row])
    return "\ufeff" + buf.getvalue()
