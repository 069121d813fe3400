"""Every deadline of a year, per unit (`gongkai calendar`): the obligations `gongkai.obligations.compute`
derives from plans, events, projects, feedback and inspections, whose due date falls in the year.

Nothing here computes a deadline: each Deadline is an Obligation as computed, with a stable identity
(`key`, `uid`) so that a calendar imported again updates its events instead of adding them twice.
A unit whose obligations (or a year of them) cannot be computed — unit.yaml or the plan is broken — carries
them as `Unknown` entries: the calendar says so, it never shows such a unit as having no deadlines.
Names and titles are masked (resident IDs, mobiles) as everywhere gongkai shows them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from gongkai.load.scalars import parse_period
from gongkai.obligations import Obligation, UnitObligations, Unknown
from gongkai.personal import mask
from gongkai.problem import Msg

DONE = ("met", "early", "late")


@dataclass(frozen=True)
class Deadline:
    unit: str
    unit_name: str
    kind: str
    rule: str
    item: str
    title: str
    period: str
    due: dt.date
    status: str  # met | early | late | overdue | due-soon | pending | unknown, as `check` judged it
    days: int
    met: dt.date | None
    responsible: str | None
    path: str
    line: int | None
    basis: Msg

    @property
    def key(self) -> str:
        """What the deadline is within its unit, independent of where the repository lives: kind, item, period."""
        return f"{self.kind}|{self.item}|{self.period}"

    @property
    def uid(self) -> str:
        """RFC 5545 UID: a hash of the unit id and the key, the same on every run and every machine."""
        digest = hashlib.sha256(f"{self.unit}\x1f{self.key}".encode()).hexdigest()
        return f"{digest[:32]}@gongkai"

    @property
    def done(self) -> bool:
        return self.status in DONE

    @property
    def what(self) -> str:
        """The title, with the period in words where the title does not say it: 村级财务收支情况（2024年第四季度）."""
        if self.rule in ("quarterly", "monthly", "standing"):
            period, _ = parse_period(self.period)
            label = period.label_zh if period else f"{self.period}年度"
            return f"{self.title}（{label}）"
        return self.title


@dataclass(frozen=True)
class Calendar:
    as_of: dt.date
    year: int
    town: str | None
    units: tuple[tuple[str, str], ...]  # (id, name) of every unit shown, in repository order
    deadlines: tuple[Deadline, ...]  # unit order, then date order
    unknown: tuple[Unknown, ...] = ()  # what could not be computed for the year (broken unit.yaml or plan)

    def of(self, unit: str) -> list[Deadline]:
        return [d for d in self.deadlines if d.unit == unit]

    def unknown_of(self, unit: str) -> list[Unknown]:
        return [x for x in self.unknown if x.unit == unit]

    def by_date(self) -> list[Deadline]:
        order = {u: n for n, (u, _) in enumerate(self.units)}
        return sorted(self.deadlines, key=lambda d: (d.due, order[d.unit], d.path, d.line or 0, d.period, d.item))


def deadline(ob: Obligation) -> Deadline:
    return Deadline(unit=ob.unit, unit_name=mask(ob.unit_name), kind=ob.kind, rule=ob.rule, item=ob.item,
                    title=mask(ob.title), period=ob.period, due=ob.due, status=ob.status, days=ob.days, met=ob.met,
                    responsible=mask(ob.responsible) if ob.responsible else ob.responsible, path=mask(ob.path), line=ob.loc[0] if ob.loc else None, basis=ob.basis)


def build(obligations: list[UnitObligations], year: int, as_of: dt.date, town: str | None = None,
          units: list[str] | None = None) -> Calendar:
    """The deadlines of `year` of every unit (or of `units`, ids), each unit's in date order."""
    shown = [uo for uo in obligations if units is None or uo.unit.id in units]
    out: list[Deadline] = []
    unknown: list[Unknown] = []
    for uo in shown:
        mine = sorted((ob for ob in uo.obligations if ob.due.year == year), key=Obligation.sort_key)
        out.extend(deadline(ob) for ob in mine)
        unknown += [x for x in uo.unknown if x.kind == "unit" or x.period in (str(year), "")]
    return Calendar(as_of, year, town, tuple((uo.unit.id, mask(uo.unit.name)) for uo in shown), tuple(out),
                    tuple(unknown))
