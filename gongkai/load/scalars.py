"""Scalar text → value, by the key's declared type. Each parser returns (value, None) or (None, reason)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from gongkai.problem import Msg, msg
from gongkai.schedule import Period

_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／：，", "0123456789.-/:,")
_FULLWIDTH_PERIOD = str.maketrans("ＱｑＭｍ—–", "QqMm--")
YEAR_MIN, YEAR_MAX = 1980, 2099  # a disclosure date outside these years is a typo (and would overflow date arithmetic)
MONEY_MAX = Decimal("999999999999.99")  # under 一万亿元: anything larger is a typo, and beyond 人民币大写
MAX_DIGITS = 30  # longer digit strings are refused before any conversion (int() refuses > 4300 digits)
_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]$"),
)
_MONEY = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
_QUARTER = re.compile(r"^(\d{4})\s*-\s*[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$|^(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
# a date written without its year: 04-08, 4/8, 4.8, 4月8日
_NO_YEAR = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})$|^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_LONG_YEAR = re.compile(r"^(\d{5,})\s*[-/.年]")
_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# periods written another way: 2024Q1, 2024 Q1, 2024.Q1, 2024年第一季度, 2024年1季度, 2024-1季度, 2024年5月, 2024.05, 2024/5
_QUARTER_ALT = re.compile(r"^(\d{4})\s*(?:年|[-/.])?\s*(?:[Qq]\s*([1-4])|第?\s*([一二三四1-4])\s*季度?)$")
_MONTH_ALT = re.compile(r"^(\d{4})\s*(?:年\s*(\d{1,2})\s*月份?|[./]\s*(\d{1,2}))$")
# a period without its year: Q1, 第一季度, 一季度, 5月
_QUARTER_NO_YEAR = re.compile(r"^(?:[Qq]\s*([1-4])|第?\s*([一二三四1-4])\s*季度)$")
_MONTH_NO_YEAR = re.compile(r"^(\d{1,2})\s*月份?$")
# digits, or thousands separated by commas (`1,860`); a comma elsewhere (`,5`, `1,86`) is a slip, not a number
_INT = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)$")
TRUE = frozenset(("true", "True", "TRUE", "yes", "Yes", "是", "有"))
FALSE = frozenset(("false", "False", "FALSE", "no", "No", "否", "无"))

Result = tuple[object, Msg | None]


def normalize(text: str) -> str:
    """Full-width digits and punctuation → ASCII, surrounding space removed."""
    return text.translate(_FULLWIDTH).strip()


def year_problem(year: int, text: str) -> Msg | None:
    """A year outside YEAR_MIN..YEAR_MAX: a typo, and beyond what date arithmetic can carry."""
    if YEAR_MIN <= year <= YEAR_MAX:
        return None
    return msg("“{t}”的年份 {y} 超出范围：年份应在 {lo}–{hi} 之间，请检查是否多写或少写了数字",
               "'{t}': the year {y} is out of range: years run from {lo} to {hi}; check for a missing or extra digit",
               t=text, y=year, lo=YEAR_MIN, hi=YEAR_MAX)


def _example_year(year: int | None) -> str:
    return str(year) if year is not None else "YYYY"


def parse_date(text: str, year: int | None = None) -> tuple[dt.date | None, Msg | None]:
    """A date; `year` (the year the file is about, if known) only shapes the hint for a date written without one."""
    t = normalize(text)
    for form in _DATE_FORMS:
        m = form.match(t)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if not YEAR_MIN <= y <= YEAR_MAX:
                return None, year_problem(y, text)
            try:
                return dt.date(y, mo, d), None
            except ValueError:
                if 1 <= mo <= 12:
                    return None, msg("“{t}”不是有效日期：{y}年{mo}月没有{d}日", "'{t}' is not a real date: {y}-{mo:02d} has no day {d}",
                                     t=text, y=y, mo=mo, d=d)
                return None, msg("“{t}”不是有效日期：月份应在 1–12 之间", "'{t}' is not a real date: the month must be 1-12", t=text)
    m = _NO_YEAR.match(t)
    if m:
        mo, d = (int(g) for g in (m.group(1) or m.group(3), m.group(2) or m.group(4)))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return None, msg("日期“{t}”缺少年份：请写上是哪一年，如 {y}-{mo:02d}-{d:02d}（或 {y}年{mo}月{d}日）",
                             "the date '{t}' has no year: write the year too, e.g. {y}-{mo:02d}-{d:02d}",
                             t=text, y=_example_year(year), mo=mo, d=d)
    m = _LONG_YEAR.match(t)
    if m:
        return None, msg("日期“{t}”的年份“{y}”超过四位数：年份写四位，如 {e}-04-08",
                         "the date '{t}' has a year of more than four digits ('{y}'): write a four-digit year, e.g. {e}-04-08",
                         t=text, y=m.group(1)[:MAX_DIGITS], e=_example_year(year))
    return None, msg("无法识别的日期“{t}”：请写成 {y}-04-08、{y}/4/8 或 {y}年4月8日",
                     "unreadable date '{t}': write {y}-04-08, {y}/4/8 or {y}年4月8日", t=text, y=_example_year(year))


# ---------------------------------------------------------------- quick paths
# Most values are written the plain way (`2024-04-08`, `12000.00`, `2024-Q1`, `3860`). Each `quick_*` reads only
# that plain form, without a regular expression, normalisation or message, and returns None for anything else,
# which then goes through the full parser above. For the text it accepts, each returns exactly what the full parser
# returns, because: the text is ASCII digits and punctuation only, so `normalize` leaves it unchanged (no full-width
# character to translate, no space to strip), and `\d` of the full pattern matches the same ASCII digits.
# A value the full parser refuses (a day that does not exist, a year out of range) is never accepted here.
# tests/test_scalars.py compares each quick path with its full parser over generated odd forms.


def quick_date(text: str) -> dt.date | None:
    """`YYYY-MM-DD` exactly (the first of the date forms), a real day in YEAR_MIN..YEAR_MAX; else None."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        return None
    y, mo, d = text[:4], text[5:7], text[8:]
    if not (y.isdigit() and mo.isdigit() and d.isdigit()):
        return None
    year = int(y)
    if not YEAR_MIN <= year <= YEAR_MAX:
        return None
    try:
        return dt.date(year, int(mo), int(d))
    except ValueError:
        return None


def quick_money(text: str) -> Decimal | None:
    """Digits with at most two decimals (`12000`, `12000.5`, `12000.00`), within MONEY_MAX: a valid, non-negative
    amount that `parse_money` and `money_problems` both accept; else None."""
    if not text.isascii() or len(text) > MAX_DIGITS + 10:
        return None
    whole, dot, cents = text.partition(".")
    if not whole.isdigit() or (dot and not (cents.isdigit() and len(cents) <= 2)):
        return None
    value = Decimal(text)
    return value if value <= MONEY_MAX else None


def quick_int(text: str) -> int | None:
    """Up to 18 ASCII digits (no sign, no separator); else None."""
    if len(text) > 18 or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def quick_period(text: str) -> Period | None:
    """`YYYY-Qn` or `YYYY-MM` exactly, with a year in YEAR_MIN..YEAR_MAX and a month 01-12; else None."""
    if len(text) != 7 or text[4] != "-" or not text.isascii() or not text[:4].isdigit():
        return None
    year = int(text[:4])
    if not YEAR_MIN <= year <= YEAR_MAX:
        return None
    if text[5] in "Qq" and text[6] in "1234":
        return Period(year, "Q", int(text[6]))
    if text[5:].isdigit() and 1 <= int(text[5:]) <= 12:
        return Period(year, "M", int(text[5:]))
    return None


def parse_money(text: str) -> tuple[Decimal | None, Msg | None]:
    """An exact decimal from the source text (never through a float)."""
    t = normalize(text).replace("，", ",")
    if len(t) > MAX_DIGITS + 10:
        return None, msg("金额“{t}”太长，超出范围：上限 {m} 元，请检查是否多写了数字",
                         "amount '{t}' is too long and out of range: the limit is {m}; check for extra digits",
                         t=text[:MAX_DIGITS] + "…", m=f"{MONEY_MAX:,}")
    if not _MONEY.match(t):
        return None, msg("金额“{t}”不是数字：只写数字和小数点，如 12000.00（不要写“元”或“¥”）",
                         "amount '{t}' is not a number: write digits and a decimal point, e.g. 12000.00", t=text)
    try:
        value = Decimal(t.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None, msg("金额“{t}”不是数字", "amount '{t}' is not a number", t=text)
    if abs(value) > MONEY_MAX:
        return None, msg("金额“{t}”超出范围：上限 {m} 元，请检查是否多写了数字",
                         "amount '{t}' is out of range: the limit is {m}; check for extra digits", t=text, m=f"{MONEY_MAX:,}")
    return value, None


def money_problems(value: Decimal, text: str) -> Msg | None:
    if value < 0:
        return msg("金额“{t}”为负数：支出请记在 expense 里，金额写正数", "amount '{t}' is negative: record outflows under expense as positive amounts", t=text)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return msg("金额“{t}”超过两位小数：金额精确到分", "amount '{t}' has more than two decimals: amounts are in fen at most", t=text)
    return None


def parse_period(text: str, year: int | None = None, published: dt.date | None = None) -> tuple[Period | None, Msg | None]:
    """`2024-Q1` or `2024-05` (full-width digits and letters accepted). `year` (the year the file is about)
    and `published` (its publication date), if known, only shape the hint for a period written without a year."""
    t = normalize(text).translate(_FULLWIDTH_PERIOD)
    m = _QUARTER.match(t)
    if m:
        bad = year_problem(int(m.group(1)), text)
        return (None, bad) if bad else (Period(int(m.group(1)), "Q", int(m.group(2))), None)
    m = _MONTH.match(t)
    if m:
        bad = year_problem(int(m.group(1)), text)
        if bad:
            return None, bad
        if 1 <= int(m.group(2)) <= 12:
            return Period(int(m.group(1)), "M", int(m.group(2))), None
        return None, msg("期间“{t}”的月份应在 01–12 之间（季度写成 {y}-Q1）", "period '{t}': the month must be 01-12 "
                         "(a quarter is written {y}-Q1)", t=text, y=m.group(1))
    return None, _period_hint(text, t, year, published)


def _without_year(kind: str, n: int, year: int | None, published: dt.date | None) -> str:
    """The period a clerk meant by `Q4` or `12月`: of the file's year, or the latest one that ended before the
    record was published (a fourth quarter is published in January of the next year)."""
    if published is not None and (year is None or Period(year, kind, n).end >= published):
        year = published.year if Period(published.year, kind, n).end < published else published.year - 1
    return str(Period(year, kind, n)) if year is not None else (f"YYYY-Q{n}" if kind == "Q" else f"YYYY-{n:02d}")


def _period_hint(text: str, t: str, year: int | None, published: dt.date | None) -> Msg:
    m = _QUARTER_ALT.match(t)
    if m:
        fix = f"{m.group(1)}-Q{_CN_NUM[m.group(2) or m.group(3)]}"
        return msg("期间“{t}”的写法不对：季度写成 {f}", "period '{t}' is written the wrong way: write the quarter as {f}",
                   t=text, f=fix)
    m = _MONTH_ALT.match(t)
    if m and 1 <= int(m.group(2) or m.group(3)) <= 12:
        fix = f"{m.group(1)}-{int(m.group(2) or m.group(3)):02d}"
        return msg("期间“{t}”的写法不对：月份写成 {f}", "period '{t}' is written the wrong way: write the month as {f}",
                   t=text, f=fix)
    y = _example_year(year)
    m = _QUARTER_NO_YEAR.match(t)
    if m:
        fix = _without_year("Q", _CN_NUM[m.group(1) or m.group(2)], year, published)
        return msg("期间“{t}”缺少年份：写成 {f}", "period '{t}' has no year: write {f}", t=text, f=fix)
    m = _MONTH_NO_YEAR.match(t) or re.match(r"^(\d{1,2})$", t)
    if m and 1 <= int(m.group(1)) <= 12:
        fix = _without_year("M", int(m.group(1)), year, published)
        return msg("期间“{t}”缺少年份：写成 {f}", "period '{t}' has no year: write {f}", t=text, f=fix)
    m = re.match(r"^(\d{4})\s*-\s*[Qq]\s*(\d+)$", t)
    if m:
        return msg("期间“{t}”不对：一年只有四个季度，写成 {y}-Q1 到 {y}-Q4", "period '{t}': a year has four quarters, "
                   "{y}-Q1 to {y}-Q4", t=text, y=m.group(1))
    return msg("无法识别的期间“{t}”：季度写成 {y}-Q1，月份写成 {y}-05",
               "unreadable period '{t}': write a quarter as {y}-Q1, a month as {y}-05", t=text, y=y)


def parse_int(text: str) -> tuple[int | None, Msg | None]:
    t = normalize(text)
    if _INT.match(t):
        t = t.replace(",", "")
        digits = len(t.lstrip("+-").lstrip("0"))
        if digits > 100:  # the declared range refuses it anyway; int() of thousands of digits is refused or slow
            return None, msg("“{t}…”有 {n} 位数，超出范围：请检查是否多写了数字", "'{t}…' has {n} digits and is out of "
                             "range: check for extra digits", t=text.strip()[:12], n=digits)
        return int(t), None
    if "," in t and re.fullmatch(r"[+-]?[\d,]*\d[\d,]*", t):
        return None, msg("“{t}”不是整数：逗号只能用作千位分隔，每三位一个（如 1,860），也可以不写逗号",
                         "'{t}' is not a whole number: a comma may only separate thousands, every three digits "
                         "(such as 1,860), or leave the commas out", t=text)
    return None, msg("“{t}”不是整数", "'{t}' is not a whole number", t=text)


def parse_bool(text: str) -> tuple[bool | None, Msg | None]:
    t = text.strip()
    if t in TRUE:
        return True, None
    if t in FALSE:
        return False, None
    return None, msg("“{t}”应为 true（是）或 false（否）", "'{t}' should be true or false", t=text)


def parse_month_day(text: str) -> tuple[tuple[int, int] | None, Msg | None]:
    t = normalize(text)
    m = _MONTH_DAY.match(t)
    if m:
        mo, d = (int(g) for g in (m.group(1) or m.group(3), m.group(2) or m.group(4)))
        try:
            dt.date(2024, mo, d)  # a leap year admits 02-29
            return (mo, d), None
        except ValueError:
            pass
    return None, msg("“{t}”应写成“月-日”，如 03-31", "'{t}' should be month-day, e.g. 03-31", t=text)
