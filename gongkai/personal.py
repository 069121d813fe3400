"""Personal numbers in public text: found by the `privacy` rule, masked in everything gongkai prints.

One set of patterns serves both, so what `check` flags is exactly what `render`, `overdue` and `check`'s own
messages hide (masking also hides an 18-digit number whose check digit is wrong but whose birth date is real:
a mistyped ID is still an ID).

- resident ID (居民身份证号码, 18 characters): the first 6 and the last 4 stay,
  `410122199001011234` → `410122********1234`. A number counts as an ID when its check digit is
  valid *or* its birth date is a real date, so a mistyped ID is still hidden;
- mobile number (11 digits, 13x–19x, optionally +86): `138****5678`.

Both are found however they are written: full-width digits (`１３８…`); grouped 3-4-4 (mobile) or
6-8-4 / 6-4-4-4 (ID) with a space, an ideographic space (`　`), a hyphen or full-width hyphen (`－`), a dot
or an invisible zero-width character between the groups; glued to letters (`tel13800000013`,
`ID11010519491231002X`). The separators stay in the masked form (`138－****－0009`).

Left alone: numbers inside longer runs of digits (bank accounts, 12-digit 统计用区划代码 `410122101201`),
decimals (`13800000013.50`), dates (`2024-04-08`) and landlines (`0371-62345678`): none has the shape.
"""

from __future__ import annotations

import datetime as dt
import re

_D = "[0-9０-９]"
# one separator between digit groups: space, no-break and ideographic space, hyphens and dashes (ASCII,
# full-width, Unicode), dots (ASCII, full-width, middle dot) and the invisible zero-width characters
_S = "[ \u00a0\u3000\\-\uff0d\u2010\u2011\u2012\u2013\u2014\u2212.\uff0e\u00b7\u30fb\u200b\u200c\u200d\u2060\ufeff]"
# not inside a longer number: no digit right before or after, nor a decimal point joining one
_BEFORE = "(?<![0-9０-９])(?<![0-9０-９][.．])"
_AFTER = "(?![0-9０-９])(?![.．][0-9０-９])"
_FULL = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")
_ID = re.compile(rf"{_BEFORE}({_D}{{6}})({_S}?)({_D}{{4}}{_S}?{_D}{{4}})({_S}?)({_D}{{3}}[0-9０-９XxＸｘ]){_AFTER}")
_MOBILE = re.compile(
    rf"{_BEFORE}((?:[+＋]?[8８][6６]{_S}?)?)([1１][3-9３-９]{_D})({_S}?)({_D}{{4}})({_S}?)({_D}{{4}}){_AFTER}")
_SEP = re.compile(_S)
# a cheap first look: every mobile number is three digits and two groups of four (its head and tail), and so is
# every resident ID from its fourth digit on (6-8-4 or 6-4-4-4 digits); so are only few other numbers
_CANDIDATE = re.compile(rf"{_D}{{3}}{_S}?{_D}{{4}}{_S}?{_D}{{4}}")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def _digits(text: str) -> str:
    """ASCII digits (and X) of a number as written: separators dropped, full-width folded."""
    return _SEP.sub("", text).translate(_FULL).upper()


def id_check_ok(number: str) -> bool:
    n = _digits(number)
    if len(n) != 18 or not n[:17].isdigit():
        return False
    return _CHECK[sum(int(c) * w for c, w in zip(n[:17], _WEIGHTS)) % 11] == n[17]


def _birth_ok(digits8: str) -> bool:
    d = _digits(digits8)
    try:
        day = dt.date(int(d[:4]), int(d[4:6]), int(d[6:8]))
    except ValueError:
        return False
    return 1850 <= day.year <= 2100


def mask(text: str, star: str = "*") -> str:
    """Mask every resident ID and mobile number in `text`. `star` is the masking character (Markdown
    rendering masks with a placeholder first, so that the stars are never read as emphasis)."""
    if not text or not _CANDIDATE.search(text):
        return text

    def _id(m: re.Match[str]) -> str:
        if not (id_check_ok(m.group(0)) or _birth_ok(m.group(3))):
            return m.group(0)
        return m.group(1) + m.group(2) + star * 8 + m.group(4) + m.group(5)[-4:]

    def _mobile(m: re.Match[str]) -> str:
        prefix, head, sep1, _middle, sep2, tail = m.groups()
        return f"{prefix}{head}{sep1}{star * 4}{sep2}{tail}"

    return _MOBILE.sub(_mobile, _ID.sub(_id, text))


def candidate(text: str) -> bool:
    """Could text hold a resident ID or a mobile number (`find` may find one)? A cheap first look."""
    return _CANDIDATE.search(text) is not None


def find(text: str) -> list[tuple[int, str, str]]:
    """(offset, kind, masked) for each unmasked resident ID with a valid check digit (ISO 7064 MOD 11-2)
    and each mobile number in text; `kind` is "id" or "mobile"; `masked` is in ASCII digits, no separators."""
    out: list[tuple[int, str, str]] = []
    if not text or not _CANDIDATE.search(text):
        return out
    taken: list[range] = []
    for m in _ID.finditer(text):
        if id_check_ok(m.group(0)):
            n = _digits(m.group(0))
            out.append((m.start(), "id", n[:6] + "*" * 8 + n[-4:]))
            taken.append(range(m.start(), m.end()))
    for m in _MOBILE.finditer(text):
        if any(m.start() in r for r in taken):
            continue
        _prefix, head, _s1, _middle, _s2, tail = m.groups()
        out.append((m.start(2), "mobile", f"{_digits(head)}****{_digits(tail)}"))
    return sorted(out)
