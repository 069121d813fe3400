"""A small RFC 5545 (iCalendar) writer, stdlib only: content lines, TEXT escaping, folding at 75 octets.

Only what gongkai writes is here: a VCALENDAR of all-day VEVENTs, each with an optional VALARM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

CRLF = "\r\n"
LIMIT = 75  # octets per line, not counting the CRLF (RFC 5545 3.1)


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, and line ends as \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continuation lines starting with one space,
    never inside a UTF-8 sequence (a Chinese character is 3 octets and stays whole) nor inside an escape
    (`\\n` stays on one line, for readers that unescape before they unfold)."""
    out: list[str] = []
    current, size = "", 0
    for ch in _units(line):
        n = len(ch.encode("utf-8"))
        if size + n > LIMIT:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return CRLF.join(out)


def _units(line: str) -> list[str]:
    """Characters, with a backslash escape and the character it escapes kept together."""
    out: list[str] = []
    i = 0
    while i < len(line):
        step = 2 if line[i] == "\\" and i + 1 < len(line) else 1
        out.append(line[i:i + step])
        i += step
    return out


def date_value(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def stamp(day: dt.date) -> str:
    """A UTC DATE-TIME at midnight of `day`: DTSTAMP derived from --as-of, never from the clock."""
    return day.strftime("%Y%m%dT000000Z")


def trigger_before(days: int, hour: int = 9) -> str:
    """A VALARM trigger relative to the start of an all-day event (its midnight): `hour` o'clock, `days` days before."""
    if days <= 0:
        return f"PT{hour}H"
    back = days * 24 - hour
    d, h = divmod(back, 24)
    return "-P" + (f"{d}D" if d else "") + (f"T{h}H" if h else "") if (d or h) else "PT0S"


def lines(props: Iterable[tuple[str, str]]) -> str:
    """Content lines `NAME:value` (the value already escaped where it is TEXT), folded, each ending in CRLF."""
    return "".join(fold(f"{name}:{value}") + CRLF for name, value in props)
