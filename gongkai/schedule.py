"""Periods, windows and due dates: pure date arithmetic, no I/O.

Everything that has a deadline gets it here, once; rules and reports read the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

QUARTER_LABEL_ZH = ("第一季度", "第二季度", "第三季度", "第四季度")


@dataclass(frozen=True, order=True)
class Period:
    """A quarter (`2024-Q2`) or a month (`2024-05`)."""

    year: int
    kind: str  # "Q" or "M"
    n: int

    def __str__(self) -> str:
        return f"{self.year}-Q{self.n}" if self.kind == "Q" else f"{self.year}-{self.n:02d}"

    @property
    def start(self) -> dt.date:
        month = 3 * (self.n - 1) + 1 if self.kind == "Q" else self.n
        return dt.date(self.year, month, 1)

    @property
    def end(self) -> dt.date:
        last_month = 3 * self.n if self.kind == "Q" else self.n
        return month_end(self.year, last_month)

    @property
    def label_zh(self) -> str:
        if self.kind == "Q":
            return f"{self.year}年{QUARTER_LABEL_ZH[self.n - 1]}"
        return f"{self.year}年{self.n}月"

    def previous(self) -> Period:
        if self.n > 1:
            return Period(self.year, self.kind, self.n - 1)
        return Period(self.year - 1, self.kind, 4 if self.kind == "Q" else 12)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def quarters(year: int) -> list[Period]:
    return [Period(year, "Q", n) for n in range(1, 5)]


def months(year: int) -> list[Period]:
    return [Period(year, "M", n) for n in range(1, 13)]


def quarter_of(day: dt.date) -> Period:
    return Period(day.year, "Q", (day.month - 1) // 3 + 1)


def quarter_ends_between(start: dt.date, stop: dt.date) -> list[Period]:
    """Quarters whose last day lies strictly between start and stop."""
    out = []
    q = quarter_of(start)
    while q.end < stop:
        if q.end > start:
            out.append(q)
        q = Period(q.year + (q.n == 4), "Q", q.n % 4 + 1)
    return out


def after(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def periodic_due(period: Period, days: int) -> dt.date:
    """Due date of a periodic record: the period's last day plus `days` (seed: 每个季度后的十日内)."""
    return period.end + dt.timedelta(days=days)


def window_start(period: Period) -> dt.date:
    """First day a periodic record may be published: the day after its period ends."""
    return period.end + dt.timedelta(days=1)


def month_day(year: int, md: tuple[int, int]) -> dt.date:
    """`plan_due`/`inspection_due` in a given year; 02-29 falls back to 02-28 in common years."""
    month, day = md
    try:
        return dt.date(year, month, day)
    except ValueError:
        return month_end(year, month)


def first_standing_due(year: int, since: dt.date | None, quarterly_days: int) -> dt.date:
    """Standing items are due with the first quarter of the plan year that ends on or after `since`."""
    for q in quarters(year):
        if since is None or q.end >= since:
            return periodic_due(q, quarterly_days)
    return periodic_due(Period(year, "Q", 4), quarterly_days)


def threshold(total: int, numerator: int, denominator: int) -> int:
    """The smallest count that is at least numerator/denominator of total (以上 includes the bound)."""
    return -(-total * numerator // denominator)
