"""The town view of one year (`gongkai status`): per unit, how much of what was owed was done, and on time.

Nothing here computes a deadline. Every figure is read from what `gongkai.check.run` computes: the
obligations of `gongkai.obligations` (with their status and days) and the problems of the rules
(`plan-coverage`, `plan-order`, `balance`, `continuity`). An obligation belongs to the year, month and
quarter of its **due date**, so `status` and `calendar` agree on which deadlines a year holds.

Figures of a unit for a year Y, as of a date D:
- due: obligations due in Y on or before D (one still open on its due day D is not yet counted);
- on_time / early / late (and the days late, summed) / overdue / unknown (record date unreadable): how
  those were met; on_time_rate = on_time / due;
- upcoming: obligations due in Y that are not yet due;
- not_applicable: entries under `not_applicable` in plans/Y.yaml;
- coverage: non-optional catalog items listed in the plan (items or not_applicable), of all of them;
- adoption complete: all six adoption steps dated, in order (no `plan-order`); on time: the plan
  publication obligation was met by its due date;
- statements: finance statements of Y still in force (not replaced by a correction), how many balance
  (no `balance`) and chain onto the previous period (no `continuity`);
- feedback: answers due so far, and how many were on time;
- inspected: the year's board inspection was done (and when);
- uncomputable: the unit's obligations for Y could not be computed (unit.yaml broken, or the plan of Y, or a plan
  whose year cannot be read): its figures are partial, its on-time rate is unknown (never 100% or "nothing due"),
  and the town's rate is unknown too.

Names, titles and reasons are masked (resident IDs, mobiles) here, as everywhere gongkai shows them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gongkai import catalog
from gongkai.check import CheckResult
from gongkai.model import ADOPTION_STEPS
from gongkai.obligations import Obligation, UnitObligations
from gongkai.personal import mask
from gongkai.problem import Msg, Problem, msg
from gongkai.repo import UnitData, superseded
from gongkai.rules.finance import totals

ON_TIME, LATE, OVERDUE, UPCOMING, NONE = "on-time", "late", "overdue", "upcoming", "none"
CELL_STATES = (ON_TIME, LATE, OVERDUE, UPCOMING)
COLUMNS = ("month", "quarter")
# error codes whose findings the figures and reasons already show
EXPLAINED = frozenset(("overdue", "plan-missing", "plan-late", "plan-order", "balance", "continuity"))


@dataclass(frozen=True)
class Cell:
    """One square of the heatmap: a unit's obligations due in one month (or quarter)."""

    label: str  # 2024-05 or 2024-Q2
    state: str  # on-time | late | overdue | upcoming | none
    total: int
    counts: tuple[tuple[str, int], ...]  # (state, n) for every state present
    items: tuple[tuple[str, str, str, str], ...]  # (due, title, period, state) of each obligation, for the tooltip


@dataclass
class Figures:
    """The numbers of one unit, or of the whole town (`units` > 1): every figure is a count, so that the
    town row is the sum of the unit rows."""

    units: int = 0
    due: int = 0
    on_time: int = 0
    early: int = 0
    late: int = 0
    days_late: int = 0
    overdue: int = 0
    unknown: int = 0
    upcoming: int = 0
    not_applicable: int = 0
    plans: int = 0
    covered: int = 0
    catalog_items: int = 0
    adoption_complete: int = 0
    adoption_on_time: int = 0
    statements: int = 0
    balanced: int = 0
    chained: int = 0
    feedback_due: int = 0
    feedback_on_time: int = 0
    inspected: int = 0
    errors: int = 0  # errors `check` reports for the unit, of every code
    uncomputable: int = 0  # units whose obligations for the year could not be computed (broken unit.yaml or plan)

    @property
    def rate(self) -> float | None:
        """On-time rate: obligations met by their due date, of those due so far (None when nothing was due, or
        when some obligations could not be computed: the rate is then unknown, not the rate of what was read)."""
        if self.uncomputable:
            return None
        return self.on_time / self.due if self.due else None

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {name: getattr(self, name) for name in self.__dataclass_fields__}
        out["on_time_rate"] = None if self.rate is None else round(self.rate, 4)
        return out


@dataclass
class UnitStatus:
    unit: str
    name: str
    kind: str | None
    figures: Figures
    inspection_date: dt.date | None
    inspection: str  # met | late | overdue | due-soon | pending, as `check` judged the year's inspection; "" without one
    adoption: str  # on-time | late | overdue | pending | missing (no plan for the year) | none (no plan owed)
    cells: list[Cell]
    reasons: list[Msg] = field(default_factory=list)  # why the unit is behind, most serious first
    uncomputable: list[Msg] = field(default_factory=list)  # why (some of) its obligations could not be computed


@dataclass
class Status:
    as_of: dt.date
    year: int
    town: str | None
    columns: str  # month | quarter
    units: list[UnitStatus]
    total: Figures

    @property
    def labels(self) -> list[str]:
        return column_labels(self.year, self.columns)

    @property
    def disclosure(self) -> Msg:
        """村务公开, 居务公开, or 村（居）务公开 for a town with both (English capitalised, as a heading starts)."""
        return catalog.disclosure({u.kind for u in self.units if u.kind})


def column_labels(year: int, columns: str) -> list[str]:
    if columns == "quarter":
        return [f"{year}-Q{n}" for n in range(1, 5)]
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def column_of(day: dt.date, columns: str) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}" if columns == "quarter" else f"{day.year}-{day.month:02d}"


def is_due(ob: Obligation, as_of: dt.date) -> bool:
    """Counted as due so far: its due date has passed, or it is due today and already met."""
    return ob.due < as_of or (ob.due == as_of and ob.met is not None)


def cell_state(ob: Obligation, as_of: dt.date) -> str:
    if ob.status == "overdue":
        return OVERDUE
    if ob.status in ("late", "early", "unknown"):
        return LATE
    if ob.met is None:
        return UPCOMING
    return ON_TIME


def build(result: CheckResult, year: int, town: str | None = None, columns: str = "month",
          units: list[str] | None = None) -> Status:
    """The status of every unit (or of `units`, ids) for `year`, from a CheckResult made by `check.run`."""
    if columns not in COLUMNS:
        raise ValueError(columns)
    by_unit: dict[str, list[Problem]] = {}
    for p in result.problems:
        by_unit.setdefault(p.unit, []).append(p)
    rows = [_unit(uo, by_unit.get(uo.unit.id, []), year, result.as_of, columns)
            for uo in result.obligations if units is None or uo.unit.id in units]
    total = Figures()
    for row in rows:
        total.add(row.figures)
    return Status(result.as_of, year, town, columns, rows, total)


def _unit(uo: UnitObligations, problems: list[Problem], year: int, as_of: dt.date, columns: str) -> UnitStatus:
    unit = uo.unit
    f = Figures(units=1)
    mine = [ob for ob in uo.obligations if ob.due.year == year]
    reasons: list[tuple[int, Msg]] = []
    # a broken unit.yaml, the year's plan, or a plan whose year cannot be read: the figures are not the whole story
    unknown = [x.reason for x in uo.unknown if x.kind == "unit" or x.period in (str(year), "")]
    f.uncomputable = int(bool(unknown))
    reasons += [(-1, r) for r in unknown]
    for ob in mine:
        if not is_due(ob, as_of):
            f.upcoming += 1
            continue
        f.due += 1
        if ob.status == "met":
            f.on_time += 1
        elif ob.status == "early":
            f.early += 1
            reasons.append((2, msg("{t}（{p}）在期间结束前就公开了（{m}）", "{t} ({p}) was published before its period ended ({m})",
                                   t=ob.title, p=ob.period, m=ob.met)))
        elif ob.status == "late":
            f.late += 1
            f.days_late += ob.days
            reasons.append((1, msg("{t}（{p}）晚 {n} 天（应于 {d} 前，{m} 完成）", "{t} ({p}) {n} days late (due {d}, done {m})",
                                   t=ob.title, p=ob.period, n=ob.days, d=ob.due, m=ob.met)))
        elif ob.status == "overdue":
            f.overdue += 1
            reasons.append((0, msg("{t}（{p}）逾期 {n} 天（应于 {d} 前）", "{t} ({p}) {n} days overdue (due {d})",
                                   t=ob.title, p=ob.period, n=ob.days, d=ob.due)))
        else:
            f.unknown += 1
            reasons.append((1, msg("{t}（{p}）的公开日期无法识别", "{t} ({p}): the publication date cannot be read",
                                   t=ob.title, p=ob.period)))
        if ob.kind == "feedback":
            f.feedback_due += 1
            f.feedback_on_time += ob.status == "met"
    inspection = next((ob for ob in mine if ob.kind == "inspection"), None)
    inspected = inspection.met if inspection is not None and inspection.met is not None else None
    f.inspected = int(inspected is not None)
    adoption = _plan(f, unit, uo, problems, year, reasons)
    _statements(f, unit, problems, year, reasons)
    f.errors = sum(p.severity == "error" for p in problems)
    others = sorted({p.code for p in problems if p.severity == "error" and p.code not in EXPLAINED})
    if others:
        n = sum(p.severity == "error" and p.code in others for p in problems)
        reasons.append((0, msg("另有 {n} 个错误（{c}）：运行 gongkai check 查看", "{n} more errors ({c}): run gongkai check",
                               n=n, c=", ".join(others))))
    cells = _cells(mine, year, as_of, columns)
    reasons.sort(key=lambda r: r[0])
    return UnitStatus(mask(unit.id), mask(unit.name), unit.kind, f, inspected, inspection.status if inspection else "",
                      adoption, cells, [_masked(m) for _, m in reasons], [_masked(m) for m in unknown])


def _masked(m: Msg) -> Msg:
    return Msg(mask(m.zh), mask(m.en))


def _plan(f: Figures, unit: UnitData, uo: UnitObligations, problems: list[Problem], year: int,
          reasons: list[tuple[int, Msg]]) -> str:
    if unit.kind is not None:
        f.catalog_items = sum(not ci.optional for ci in catalog.load(unit.kind).items)
    plan = unit.plan(year)
    if plan is None:
        if any(ob.kind == "plan" and ob.period == str(year) for ob in uo.obligations):
            reasons.append((0, msg("没有 {y} 年度公开方案", "no plan for {y}", y=year)))
            return "missing"
        return "none"  # no plan is owed for the year (before `since`, or a year not reached yet)
    f.plans = 1
    f.not_applicable = len(plan.not_applicable)
    missing = sum(p.code == "plan-coverage" and p.path == plan.src.path for p in problems)
    f.covered = max(f.catalog_items - missing, 0)
    if missing:
        reasons.append((1, msg("方案漏列 {n} 个目录事项", "the plan leaves out {n} catalog item(s)", n=missing)))
    adoption = plan.adoption
    steps = all(adoption is not None and getattr(adoption, s) is not None and getattr(adoption, s).date is not None
                for s in ADOPTION_STEPS)
    ordered = not any(p.code == "plan-order" and p.path == plan.src.path for p in problems)
    f.adoption_complete = int(steps and ordered)
    if not f.adoption_complete:
        reasons.append((1, Msg("方案制定程序不完整或顺序不对", "the plan's adoption steps are incomplete or out of order")))
    publication = next((ob for ob in uo.obligations if ob.kind == "plan-publication" and ob.period == str(year)), None)
    state = "pending"
    if publication is not None:
        state = {"met": "on-time", "early": "on-time", "late": "late", "overdue": "overdue"}.get(publication.status, "pending")
    f.adoption_on_time = int(state == "on-time")
    return state


def _statements(f: Figures, unit: UnitData, problems: list[Problem], year: int,
                reasons: list[tuple[int, Msg]]) -> None:
    gone = superseded(unit.records)
    bad = {code: {p.path for p in problems if p.code == code} for code in ("balance", "continuity")}
    for rid, rec in sorted(unit.records.items()):
        if rid in gone or rec.finance is None:
            continue
        when = rec.period.year if rec.period is not None else rec.published.year if rec.published else None
        if when != year:
            continue
        f.statements += 1
        st = rec.finance
        # a statement whose amounts cannot be read (reported as `amount` or `schema`) is not known to balance
        readable = st.opening_balance is not None and st.closing_balance is not None and totals(st) is not None
        f.balanced += readable and rec.src.path not in bad["balance"]
        f.chained += readable and rec.src.path not in bad["continuity"]
        if not readable:
            reasons.append((0, msg("收支表金额无法读取：{p}", "statement amounts cannot be read: {p}", p=rec.src.path)))
        if rec.src.path in bad["balance"]:
            reasons.append((0, msg("收支表不平：{p}", "statement does not balance: {p}", p=rec.src.path)))
        if rec.src.path in bad["continuity"]:
            reasons.append((0, msg("期初余额与上期期末不衔接：{p}", "opening balance does not follow on: {p}",
                                   p=rec.src.path)))


def _cells(obligations: list[Obligation], year: int, as_of: dt.date, columns: str) -> list[Cell]:
    cells = []
    for label in column_labels(year, columns):
        here = [ob for ob in obligations if column_of(ob.due, columns) == label]
        states = [cell_state(ob, as_of) for ob in here]
        counts = tuple((s, states.count(s)) for s in (OVERDUE, LATE, UPCOMING, ON_TIME) if s in states)
        state = counts[0][0] if counts else NONE
        items = tuple((ob.due.isoformat(), mask(ob.title), ob.period, cell_state(ob, as_of)) for ob in here)
        cells.append(Cell(label, state, len(here), counts, items))
    return cells


STATE_LABEL = {
    ON_TIME: Msg("按时", "on time"),
    LATE: Msg("迟了", "late"),
    OVERDUE: Msg("逾期", "overdue"),
    UPCOMING: Msg("未到期", "not yet due"),
    NONE: Msg("无事项", "nothing due"),
}
