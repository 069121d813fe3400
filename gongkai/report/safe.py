"""Values read from the repository, made safe to print: personal numbers masked, invisible characters shown.

A title, a name or a file name can hold anything: an ESC that starts a terminal sequence (`\\x1b[31m`), a
newline or carriage return that forges an output line, a bidi override (U+202E) that shows text reversed,
a byte that is not UTF-8 in a file name (kept by Python as a lone surrogate, which cannot be printed).
Every text output of `check` and `overdue` passes each such value through `shown` (mask, then `visible`);
JSON output passes through `json_safe` (JSON escapes C0 itself); CSV cells through `shown` as well.

`visible` never touches a backslash, so it is idempotent: a value shown twice is shown the same.
"""

from __future__ import annotations

import re

from gongkai.personal import mask

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0 and DEL, C1, line and paragraph separators, bidi controls, zero-width characters, lone surrogates
_INVISIBLE = "\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff"
_UNSAFE = re.compile(f"[{_INVISIBLE}]")


def _show(m: re.Match[str]) -> str:
    c = m.group(0)
    n = ord(c)
    if c in _NAMED:
        return _NAMED[c]
    if n < 0x100:
        return f"\\x{n:02x}"
    if 0xDC80 <= n <= 0xDCFF:  # a byte of a non-UTF-8 file name (surrogateescape): show the byte
        return f"\\x{n - 0xDC00:02x}"
    return f"\\u{n:04x}"


def visible(text: str) -> str:
    """`text` with every control, bidi, zero-width and undecodable character written as an escape (`\\x1b`,
    `\\n`, `\\u202e`, `\\xff`): one line, nothing a terminal runs, nothing a reader cannot see."""
    if not text:
        return text
    return _UNSAFE.sub(_show, text)


def shown(text: str | None) -> str:
    """A repository value as every human-readable output prints it: masked, then `visible`."""
    return visible(mask(text)) if text else ""


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def _json_escape(m: re.Match[str]) -> str:
    c = m.group(0)
    n = ord(c)
    if 0xD800 <= n <= 0xDFFF:  # inside a JSON string: an escaped backslash, then the byte as visible shows it
        return "\\" + _show(m)
    return f"\\u{n:04x}"


def json_safe(text: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) with DEL, C1, bidi and zero-width characters as
    `\\uXXXX` escapes — the same data — and undecodable file-name bytes as the text `\\xff` (a lone surrogate
    is not valid in UTF-8, and many JSON readers refuse it). One pass over the text (a county's JSON is large)."""
    return _JSON_UNSAFE.sub(_json_escape, text)
