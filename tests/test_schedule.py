"""Periods and due dates at their edges."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai import schedule as S
from gongkai.schedule import Period

D = dt.date


@pytest.mark.parametrize("period, end, due", [
    (Period(2024, "Q", 1), D(2024, 3, 31), D(2024, 4, 10)),
    (Period(2024, "Q", 2), D(2024, 6, 30), D(2024, 7, 10)),
    (Period(2024, "Q", 3), D(2024, 9, 30), D(2024, 10, 10)),
    (Period(2024, "Q", 4), D(2024, 12, 31), D(2025, 1, 10)),  # Q4 is due the next January
    (Period(2024, "M", 2), D(2024, 2, 29), D(2024, 3, 10)),   # leap day
    (Period(2023, "M", 2), D(2023, 2, 28), D(2023, 3, 10)),
    (Period(2024, "M", 12), D(2024, 12, 31), D(2025, 1, 10)),
])
def test_period_end_and_due(period: Period, end: dt.date, due: dt.date) -> None:
    assert period.end == end
    assert S.periodic_due(period, 10) == due
    assert S.window_start(period) == end + dt.timedelta(days=1)


def test_period_text_and_previous() -> None:
    assert str(Period(2024, "Q", 1)) == "2024-Q1" and str(Period(2024, "M", 5)) == "2024-05"
    assert Period(2024, "Q", 1).previous() == Period(2023, "Q", 4)
    assert Period(2024, "M", 1).previous() == Period(2023, "M", 12)
    assert Period(2024, "Q", 3).label_zh == "2024年第三季度"


@pytest.mark.parametrize("since, due", [
    (None, D(2024, 4, 10)),
    (D(2024, 1, 1), D(2024, 4, 10)),
    (D(2024, 3, 31), D(2024, 4, 10)),   # Q1 ends on since: still Q1
    (D(2024, 4, 1), D(2024, 7, 10)),    # since in mid-year: the first quarter ending on or after it
    (D(2024, 8, 15), D(2024, 10, 10)),
])
def test_standing_due_follows_since(since: dt.date | None, due: dt.date) -> None:
    assert S.first_standing_due(2024, since, 10) == due


def test_quarter_ends_strictly_between() -> None:
    assert S.quarter_ends_between(D(2024, 4, 1), D(2024, 9, 30)) == [Period(2024, "Q", 2)]
    assert S.quarter_ends_between(D(2024, 3, 31), D(2024, 10, 1)) == [Period(2024, "Q", 2), Period(2024, "Q", 3)]
    assert S.quarter_ends_between(D(2024, 11, 1), D(2025, 7, 1)) == [Period(2024, "Q", 4), Period(2025, "Q", 1),
                                                                     Period(2025, "Q", 2)]
    assert S.quarter_ends_between(D(2024, 4, 1), D(2024, 6, 30)) == []


@pytest.mark.parametrize("total, num, den, need", [
    (1860, 1, 10, 186), (1861, 1, 10, 187), (45, 1, 5, 9), (46, 1, 5, 10), (0, 1, 10, 0), (10, 1, 10, 1),
])
def test_threshold_includes_the_bound(total: int, num: int, den: int, need: int) -> None:
    assert S.threshold(total, num, den) == need


def test_month_day_leap_fallback() -> None:
    assert S.month_day(2023, (2, 29)) == D(2023, 2, 28)
    assert S.month_day(2024, (2, 29)) == D(2024, 2, 29)


@given(st.integers(1990, 2100), st.sampled_from(["Q", "M"]), st.integers(1, 12))
def test_periods_tile_the_year(year: int, kind: str, n: int) -> None:
    if kind == "Q" and n > 4:
        n = n % 4 + 1
    p = Period(year, kind, n)
    assert p.start <= p.end
    assert p.previous().end + dt.timedelta(days=1) == p.start
    assert S.quarter_of(p.end).end >= p.end
