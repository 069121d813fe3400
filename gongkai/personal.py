"""Personal numbers in public text: found by the `privacy` rule, masked in everything gongkai renders.

One set of patterns serves both, so what `check` flags is exactly what `render` hides (render also hides
an 18-digit number whose check digit is wrong but whose birth date is real: a mistyped ID is still an ID).

- resident ID (居民身份证号码, 18 characters): the first 6 and the last 4 stay,
  `410122199001011234` → `410122********1234`. A number counts as an ID when its check digit is
  valid *or* its birth date is a real date, so a mistyped ID is still hidden;
- mobile number (11 digits, 13x–19x, optionally +86 and 3-4-4 spacing): `138****5678`.

Digits written full-width (`１３８…`) are recognised too. Numbers inside longer runs of digits
(bank accounts, codes) are left alone, as are landlines (`0371-62345678`).
"""

from __future__ import annotations

import datetime as dt
import re

_D = "[0-9０-９]"
_FULL = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")
_ID = re.compile(rf"(?<![0-9０-９A-Za-z])({_D}{{6}})({_D}{{8}})({_D}{{3}}[0-9０-９XxＸｘ])(?![0-9０-９A-Za-z])")
_MOBILE = re.compile(
    rf"(?<![0-9０-９])((?:[+＋]?[8８][6６][- ]?)?)([1１][3-9３-９]{_D})([- ]?)({_D}{{4}})([- ]?)({_D}{{4}})(?![0-9０-９])")
_CANDIDATE = re.compile(rf"{_D}{{3}}[- ]?{_D}{{4}}")  # every ID and mobile starts like this: a cheap first look
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_ok(number: str) -> bool:
    n = number.translate(_FULL).upper()
    if len(n) != 18 or not n[:17].isdigit():
        return False
    return _CHECK[sum(int(c) * w for c, w in zip(n[:17], _WEIGHTS)) % 11] == n[17]


def _birth_ok(digits8: str) -> bool:
    d = digits8.translate(_FULL)
    try:
        day = dt.date(int(d[:4]), int(d[4:6]), int(d[6:8]))
    except ValueError:
        return False
    return 1850 <= day.year <= 2100


def mask(text: str, star: str = "*") -> str:
    """Mask every resident ID and mobile number in `text`. `star` is the masking character (Markdown
    rendering masks with a placeholder first, so that the stars are never read as emphasis)."""
    if not text:
        return text

    def _id(m: re.Match[str]) -> str:
        if not (id_check_ok(m.group(0)) or _birth_ok(m.group(2))):
            return m.group(0)
        return m.group(1) + star * 8 + m.group(3)[-4:]

    def _mobile(m: re.Match[str]) -> str:
        prefix, head, sep1, _middle, sep2, tail = m.groups()
        return f"{prefix}{head}{sep1}{star * 4}{sep2}{tail}"

    return _MOBILE.sub(_mobile, _ID.sub(_id, text))


def find(text: str) -> list[tuple[int, str, str]]:
    """(offset, kind, masked) for each unmasked resident ID with a valid check digit (ISO 7064 MOD 11-2)
    and each mobile number in text; `kind` is "id" or "mobile"."""
    out: list[tuple[int, str, str]] = []
    if not text or not _CANDIDATE.search(text):
        return out
    taken: list[range] = []
    for m in _ID.finditer(text):
        if id_check_ok(m.group(0)):
            out.append((m.start(), "id", m.group(1).translate(_FULL) + "*" * 8 + m.group(3).translate(_FULL)[-4:].upper()))
            taken.append(range(m.start(), m.end()))
    for m in _MOBILE.finditer(text):
        if any(m.start() in r for r in taken):
            continue
        _prefix, head, _s1, _middle, _s2, tail = m.groups()
        out.append((m.start(2), "mobile", f"{head}****{tail}".translate(_FULL)))
    return sorted(out)
