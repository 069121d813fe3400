"""Scalar text → value, by the key's declared type. Each parser returns (value, None) or (None, reason)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from gongkai.problem import Msg, msg
from gongkai.schedule import Period

_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／：，", "0123456789.-/:,")
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
_INT = re.compile(r"^[+-]?\d+$")
TRUE = frozenset(("true", "True", "TRUE", "yes", "Yes", "是", "有"))
FALSE = frozenset(("false", "False", "FALSE", "no", "No", "否", "无"))

Result = tuple[object, Msg | None]


def normalize(text: str) -> str:
    """Full-width digits and punctuation → ASCII, surrounding space removed."""
    return text.translate(_FULLWIDTH).strip()


def parse_date(text: str) -> tuple[dt.date | None, Msg | None]:
    t = normalize(text)
    for form in _DATE_FORMS:
        m = form.match(t)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d), None
            except ValueError:
                if 1 <= mo <= 12:
                    return None, msg("“{t}”不是有效日期：{y}年{mo}月没有{d}日", "'{t}' is not a real date: {y}-{mo:02d} has no day {d}",
                                     t=text, y=y, mo=mo, d=d)
                return None, msg("“{t}”不是有效日期：月份应在 1–12 之间", "'{t}' is not a real date: the month must be 1-12", t=text)
    return None, msg("无法识别的日期“{t}”：请写成 2024-04-08、2024/4/8 或 2024年4月8日",
                     "unreadable date '{t}': write 2024-04-08, 2024/4/8 or 2024年4月8日", t=text)


def parse_money(text: str) -> tuple[Decimal | None, Msg | None]:
    """An exact decimal from the source text (never through a float)."""
    t = normalize(text).replace("，", ",")
    if not _MONEY.match(t):
        return None, msg("金额“{t}”不是数字：只写数字和小数点，如 12000.00（不要写“元”或“¥”）",
                         "amount '{t}' is not a number: write digits and a decimal point, e.g. 12000.00", t=text)
    try:
        return Decimal(t.replace(",", "")), None
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None, msg("金额“{t}”不是数字", "amount '{t}' is not a number", t=text)


def money_problems(value: Decimal, text: str) -> Msg | None:
    if value < 0:
        return msg("金额“{t}”为负数：支出请记在 expense 里，金额写正数", "amount '{t}' is negative: record outflows under expense as positive amounts", t=text)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return msg("金额“{t}”超过两位小数：金额精确到分", "amount '{t}' has more than two decimals: amounts are in fen at most", t=text)
    return None


def parse_period(text: str) -> tuple[Period | None, Msg | None]:
    t = normalize(text)
    m = _QUARTER.match(t)
    if m:
        return Period(int(m.group(1)), "Q", int(m.group(2))), None
    m = _MONTH.match(t)
    if m and 1 <= int(m.group(2)) <= 12:
        return Period(int(m.group(1)), "M", int(m.group(2))), None
    return None, msg("无法识别的期间“{t}”：季度写成 2024-Q1，月份写成 2024-05",
                     "unreadable period '{t}': write a quarter as 2024-Q1, a month as 2024-05", t=text)


def parse_int(text: str) -> tuple[int | None, Msg | None]:
    t = normalize(text).replace(",", "")
    if _INT.match(t):
        return int(t), None
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
