"""The overdue report: what `gongkai check` calls overdue or due soon, as rows grouped by unit.

Nothing here computes a deadline. The rows are read from `gongkai.obligations.compute`, the one
deadline computation; `--within DAYS` only widens or narrows which unmet, not-yet-due obligations
count as due soon, measured from the due date `compute` gave them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from gongkai.placeholders import named
from gongkai.problem import Msg, msg
from gongkai.repo import Repository

OVERDUE, DUE_SOON, UNKNOWN = "overdue", "due-soon", "unknown"
KINDS = ("record", "plan", "plan-publication", "feedback", "inspection", "fix", "unit")


@dataclass(frozen=True)
class Row:
    """One line of the report; the JSON object of SPEC plus where in the file it points.

    A row with status `unknown` says that obligations could not be computed (kind `unit`: unit.yaml is broken;
    kind `plan`: that year's plan file is): `due` is None, `path` the broken file, `reason` why."""

    unit: str
    unit_name: str
    kind: str
    item: str
    title: str
    period: str
    due: dt.date | None
    days: int
    status: str  # overdue | due-soon | unknown
    responsible: str | None
    path: str
    line: int | None = None
    basis: Msg | None = None
    reason: Msg | None = None  # unknown rows: why nothing could be computed

    def as_json(self) -> dict[str, object]:
        return {"unit": self.unit, "unit_name": self.unit_name, "kind": self.kind, "item": self.item,
                "title": self.title, "period": self.period, "due": self.due.isoformat() if self.due else None, "days": self.days,
                "status": self.status, "responsible": self.responsible, "path": self.path}


@dataclass(frozen=True)
class Section:
    """One unit's part of the report; `rows` may be empty (the unit has nothing overdue or due)."""

    unit: str
    name: str
    kind: str | None  # village | community
    emails: tuple[str, ...]
    rows: tuple[Row, ...]
    due_soon_days: int

    @property
    def overdue(self) -> int:
        return sum(r.status == OVERDUE for r in self.rows)

    @property
    def due_soon(self) -> int:
        return sum(r.status == DUE_SOON for r in self.rows)

    @property
    def unknown(self) -> int:
        return sum(r.status == UNKNOWN for r in self.rows)


@dataclass(frozen=True)
class Report:
    as_of: dt.date
    town: str | None  # gongkai.yaml `name`, when set
    within: int | None  # --within, or None for each unit's own due_soon_days
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def rows(self) -> list[Row]:
        return [r for s in self.sections for r in s.rows]

    @property
    def overdue(self) -> int:
        return sum(s.overdue for s in self.sections)

    @property
    def due_soon(self) -> int:
        return sum(s.due_soon for s in self.sections)

    @property
    def unknown(self) -> int:
        """Rows saying that obligations could not be computed (a broken unit.yaml or plan): never "nothing due"."""
        return sum(s.unknown for s in self.sections)

    @property
    def empty(self) -> bool:
        return not any(s.rows for s in self.sections)

    @property
    def window(self) -> int | None:
        """The due-soon window in days, when one number holds for the whole report."""
        if self.within is not None:
            return self.within
        windows = {s.due_soon_days for s in self.sections}
        return windows.pop() if len(windows) == 1 else None

    @property
    def disclosure(self) -> Msg:
        """村务公开, 居务公开, or 村（居）务公开 for a town with both."""
        from gongkai.catalog import disclosure

        return disclosure({s.kind for s in self.sections if s.kind})

    def only(self, unit: str) -> Report:
        """The part a unit's own recipients get: that unit's section alone."""
        return replace(self, sections=tuple(s for s in self.sections if s.unit == unit))


class UnknownUnit(Exception):
    def __init__(self, message: Msg) -> None:
        super().__init__(message.en)
        self.message = message


def select_units(repo: Repository, wanted: list[str] | None) -> list[str]:
    """Unit ids for `--unit`: a folder path (`dongzhuang`) or the unit's name (`东庄村`)."""
    ids = [u.id for u in repo.units]
    if not wanted:
        return ids
    chosen: list[str] = []
    for w in wanted:
        key = w.strip().strip("/").replace("\\", "/") or "."
        match = [u.id for u in repo.units if u.id == key] or [u.id for u in repo.units if u.name == w.strip()]
        if not match:
            import difflib

            names = ids + [u.name for u in repo.units]
            near = difflib.get_close_matches(w, names, n=1)
            hint_zh = f"（是不是 {near[0]}？）" if near else ""
            hint_en = f" (did you mean {near[0]}?)" if near else ""
            raise UnknownUnit(msg("--unit：没有单位“{w}”{h}。可选：{all}", "--unit: no unit '{w}'{he}. Units: {all}",
                                  w=w, h=hint_zh, he=hint_en, all=", ".join(ids)))
        chosen.extend(m for m in match if m not in chosen)
    return [i for i in ids if i in chosen]  # repository order, whatever order the options came in


def build(repo: Repository, as_of: dt.date, within: int | None = None, units: list[str] | None = None) -> Report:
    """Every overdue obligation and every one due soon, per unit, in SPEC order (unit, due date, path); first in
    each unit, what could not be computed at all (status `unknown`)."""
    from gongkai.obligations import compute, judge

    keep = set(select_units(repo, units))
    sections = []
    for uo in compute(repo, as_of):
        u = uo.unit
        if u.id not in keep:
            continue
        clerk = named(u.unit.contacts.get("clerk")) if u.unit else None
        rows = [Row(unit=x.unit, unit_name=x.unit_name, kind=x.kind, item="", title=x.reason.zh, period=x.period,
                    due=None, days=0, status=UNKNOWN, responsible=clerk, path=x.path, reason=x.reason)
                for x in uo.unknown]
        for ob in sorted(uo.obligations, key=lambda o: o.sort_key()):
            status, days = ob.status, ob.days
            if within is not None and status in (DUE_SOON, "pending"):
                status, days = judge(ob, as_of, within)  # the same judgement as compute(), with DAYS
            if status not in (OVERDUE, DUE_SOON):
                continue
            rows.append(Row(unit=ob.unit, unit_name=ob.unit_name, kind=ob.kind, item=ob.item, title=ob.title,
                            period=ob.period, due=ob.due, days=days, status=status, responsible=ob.responsible,
                            path=ob.path, line=ob.loc[0] if ob.loc else None, basis=ob.basis))
        sections.append(Section(unit=u.id, name=u.name, kind=u.kind,
                                emails=tuple(u.unit.email) if u.unit else (), rows=tuple(rows),
                                due_soon_days=u.timing.due_soon_days))
    town = repo.settings.name if repo.settings and repo.settings.name else None
    return Report(as_of=as_of, town=town, within=within, sections=tuple(sections))
