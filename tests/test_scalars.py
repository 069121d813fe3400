"""Scalar parsing by declared type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongkai.load.scalars import parse_date, parse_money, parse_period
from gongkai.schedule import Period


@pytest.mark.parametrize("text", ["2024-04-08", "2024/4/8", "2024.4.8", "2024年4月8日", "２０２４年４月８日",
                                  "２０２４-０４-０８", " 2024-4-8 "])
def test_date_forms(text: str) -> None:
    assert parse_date(text) == (dt.date(2024, 4, 8), None)


@pytest.mark.parametrize("text, needle", [("2024-02-30", "没有30日"), ("2023-02-29", "没有29日"), ("2024-13-01", "月份"),
                                          ("明天", "无法识别"), ("2024-4", "无法识别")])
def test_bad_dates(text: str, needle: str) -> None:
    value, reason = parse_date(text)
    assert value is None and reason is not None and needle in reason.zh


def test_leap_day_is_a_date() -> None:
    assert parse_date("2024-02-29")[0] == dt.date(2024, 2, 29)


def test_money_is_exact() -> None:
    a, b, c = (parse_money(t)[0] for t in ("0.10", "0.20", "0.30"))
    assert a + b == c  # type: ignore[operator]
    assert parse_money("1,234,567.89")[0] == Decimal("1234567.89")
    assert parse_money("１２０００.００")[0] == Decimal("12000.00")
    for bad in ("12元", "¥12", "1.2.3", "12,34", ""):
        assert parse_money(bad)[0] is None


def test_periods() -> None:
    assert parse_period("2024-Q1")[0] == Period(2024, "Q", 1)
    assert parse_period("2024-q4")[0] == Period(2024, "Q", 4)
    assert parse_period("2024-05")[0] == Period(2024, "M", 5)
    for bad in ("2024-Q5", "2024-13", "2024", "Q1"):
        assert parse_period(bad)[0] is None
