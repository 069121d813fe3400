"""Every obligation of every unit, derived once and matched to what was published.

`compute(repo, as_of)` is the one deadline computation in gongkai: `check` turns the result into
overdue / late / early / due-soon problems, `overdue` lists it, `render` and the town views read it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from gongkai import basis as B
from gongkai import schedule as S
from gongkai.items import ItemInfo, effective_schedule
from gongkai.model import Event, Plan, PlanItem, Record
from gongkai.placeholders import named
from gongkai.problem import Msg, msg
from gongkai.repo import Repository, UnitData, corrected, superseded

KINDS = ("record", "plan", "plan-publication", "feedback", "inspection", "fix")
FEEDBACK_ZH = {"inquiry": "质询/意见", "complaint": "投诉", "access": "查阅复印申请"}


@dataclass
class Obligation:
    """Something owed by a unit, when, where it comes from, and whether (and when) it was met."""

    unit: str
    unit_name: str
    kind: str  # one of KINDS
    rule: str  # standing | quarterly | monthly | immediate | before | during | after | plan | plan-publication | feedback | inspection | fix
    item: str
    title: str
    period: str
    due: dt.date
    path: str  # the file the obligation comes from
    loc: tuple[int, int] | None
    basis: Msg
    opens: dt.date | None = None  # first day of the publication window (periodic only)
    responsible: str | None = None
    met: dt.date | None = None  # when it was met (a correction keeps the date of what it corrects)
    met_path: str | None = None
    met_loc: tuple[int, int] | None = None
    status: str = "pending"  # met | early | late | overdue | due-soon | pending | unknown (record date unreadable)
    days: int = 0

    def sort_key(self) -> tuple:
        return (self.unit, self.due, self.path, self.loc or (0, 0), self.period, self.item)


@dataclass
class Notice:
    """Nothing is owed, but the clerk is told why: a joint request below both thresholds, a record that meets no
    obligation."""

    unit: str
    path: str
    loc: tuple[int, int]
    message: Msg
    basis: Msg = B.JOINT


@dataclass
class Unknown:
    """Obligations that cannot be computed because the file they come from is broken: the whole unit
    (`unit.yaml` unreadable or without a valid kind) or one year's plan (its file fails to load). Never
    read as "nothing owed": `overdue` lists it and exits 1, `check` names the unit in its summary."""

    unit: str
    unit_name: str
    kind: str  # unit | plan
    period: str  # the plan's year, or "" for the whole unit
    path: str  # the broken file
    reason: Msg


@dataclass
class UnitObligations:
    unit: UnitData
    obligations: list[Obligation] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)
    unmatched: list[Notice] = field(default_factory=list)  # records that meet no obligation, and why


class _Published:
    """The unit's records as of a date: corrections folded onto what they correct."""

    def __init__(self, unit: UnitData, as_of: dt.date) -> None:
        live = {rid: r for rid, r in unit.records.items() if r.published is not None and r.published <= as_of}
        # a record whose date could not be read (reported as `date`) was published at an unknown time:
        # it neither meets nor leaves its obligation overdue, so the date error is not echoed as `overdue`
        self.undated = [r for r in unit.records.values() if r.published is None and "published" in r.src.invalid]
        gone = superseded(live)
        self.heads = [r for rid, r in sorted(live.items()) if rid not in gone]
        self.live = live
        self._indexes: dict[str, tuple[dict[Hashable, list[Record]], dict[Hashable, list[Record]]]] = {}
        self._by_item: dict[str | None, list[Record]] | None = None

    def heads_of(self, item: str) -> list[Record]:
        """The heads whose item is `item`, in the order of `heads`: built once, not a scan per obligation."""
        if self._by_item is None:
            self._by_item = {}
            for r in self.heads:
                self._by_item.setdefault(r.item, []).append(r)
        return self._by_item.get(item, [])

    def root(self, record: Record) -> Record:
        """The first record of the correction chain: its publication date is the one that counts."""
        chain = corrected(self.live, record)
        return self.live[chain[-1]] if chain else record

    def first(self, match) -> Record | None:  # type: ignore[no-untyped-def]
        """The matching record published first (by the date its correction chain started)."""
        return self._earliest([r for r in self.heads if match(r)], [r for r in self.undated if match(r)])

    def first_by(self, index: str, key: Hashable) -> Record | None:
        """`first` for the records whose key in `index` (see KEYS) is `key`: a dictionary look-up, not a scan
        of every record for every obligation."""
        built = self._indexes.get(index)
        if built is None:
            keyfn = KEYS[index]
            heads: dict[Hashable, list[Record]] = {}
            undated: dict[Hashable, list[Record]] = {}
            for group, records in ((heads, self.heads), (undated, self.undated)):
                for r in records:
                    k = keyfn(r)
                    if k is not None:
                        group.setdefault(k, []).append(r)
            built = self._indexes[index] = (heads, undated)
        return self._earliest(built[0].get(key, []), built[1].get(key, []))

    def _earliest(self, heads: list[Record], undated: list[Record]) -> Record | None:
        if not heads:
            return min(undated, key=lambda r: r.id, default=None)
        if len(heads) == 1:
            return self.root(heads[0])
        return min((self.root(r) for r in heads), key=lambda r: (r.published, r.id))


# the keys `_Published.first_by` looks records up by (None: never matched)
KEYS: dict[str, Callable[[Record], Hashable]] = {
    "period": lambda r: None if r.project else (r.item, r.period),  # a periodic item's record of one period
    "event": lambda r: r.event,  # the immediate record of an event
    "phase": lambda r: (r.project, r.phase) if r.project else None,  # a project's before / after record
    "during": lambda r: (r.project, r.period) if r.project and r.phase == "during" else None,
}


def compute(repo: Repository, as_of: dt.date) -> list[UnitObligations]:
    return [compute_unit(u, as_of) for u in repo.units]


def compute_unit(unit: UnitData, as_of: dt.date) -> UnitObligations:
    out = UnitObligations(unit)
    if unit.unit is None or unit.unit.kind is None:
        # unit.yaml is broken: its problems are reported, nothing can be derived, and that is said (not "nothing owed")
        out.unknown.append(_broken_unit(unit))
        return out
    broken = broken_plans(unit)
    out.unknown.extend(Unknown(unit.id, unit.name, "plan", str(year or ""), path, msg(
        "{y}公开方案有错误，无法读取：{w}的公开义务无法计算（不等于没有逾期），请运行 gongkai check 查看并改正",
        "the {ye}plan cannot be read: {we} obligations cannot be computed (which is not \"nothing overdue\"); "
        "run gongkai check and fix it",
        y=f"{year} 年度" if year else "", ye=f"{year} " if year else "", w=f"{year} 年" if year else "其中",
        we=f"the {year}" if year else "its")) for path, year in sorted(broken.items()))
    pub = _Published(unit, as_of)
    since = unit.unit.since
    first_year = since.year if since else min((p.year for p in unit.plans if p.year), default=as_of.year)
    _plans(out, unit, pub, as_of, first_year, since, {y for y in broken.values() if y})
    _events(out, unit, pub, as_of, since)
    _projects(out, unit, pub, as_of, since)
    _feedback(out, unit, as_of, since)
    _inspections(out, unit, as_of, first_year, since)
    _unmatched(out, unit, as_of, since, {y for y in broken.values() if y})
    for ob in out.obligations:
        _status(ob, as_of, unit.timing.due_soon_days)
    out.obligations.sort(key=Obligation.sort_key)
    return out


def _new(unit: UnitData, **kw) -> Obligation:  # type: ignore[no-untyped-def]
    return Obligation(unit=unit.id, unit_name=unit.name, **kw)


def _meet(ob: Obligation, record: Record | None) -> None:
    if record is not None:
        ob.met, ob.met_path, ob.met_loc = record.published, record.src.path, record.at("published")
        if record.published is None:
            ob.status = "unknown"  # its record's date is unreadable; that is reported, not guessed


def _status(ob: Obligation, as_of: dt.date, due_soon_days: int) -> None:
    if ob.status != "unknown":
        ob.status, ob.days = judge(ob, as_of, due_soon_days)


def judge(ob: Obligation, as_of: dt.date, due_soon_days: int) -> tuple[str, int]:
    """(status, days) of an obligation as of a date, with a given due-soon window. The one place that decides
    met / early / late / overdue / due-soon / pending; `overdue --within` asks it again with its own window."""
    if ob.status == "unknown":
        return ob.status, ob.days
    if ob.met is not None:
        if ob.opens is not None and ob.met < ob.opens:
            return "early", (ob.opens - ob.met).days
        if ob.met > ob.due:
            return "late", (ob.met - ob.due).days
        return "met", 0
    if as_of > ob.due:
        return "overdue", (as_of - ob.due).days
    if (ob.due - as_of).days <= due_soon_days:
        return "due-soon", (ob.due - as_of).days
    return "pending", (ob.due - as_of).days


def _broken_unit(unit: UnitData) -> Unknown:
    if unit.unit is None:
        why = Msg("unit.yaml 无法读取", "unit.yaml cannot be read")
    elif "kind" in unit.unit.src.pos:  # written, but not village or community
        why = Msg("unit.yaml 的 kind 写得不对（应为 village 村 或 community 社区）",
                  "unit.yaml has an invalid kind (village or community)")
    else:
        why = Msg("unit.yaml 缺少 kind（village 村 或 community 社区）", "unit.yaml has no kind (village or community)")
    return Unknown(unit.id, unit.name, "unit", "", unit.unit_path, msg(
        "{w}：本单位的公开义务无法计算（不等于没有逾期），请运行 gongkai check 查看并改正",
        "{we}: this unit's obligations cannot be computed (which is not \"nothing overdue\"); run gongkai check and fix it",
        w=why.zh, we=why.en))


def broken_plans(unit: UnitData) -> dict[str, int | None]:
    """Plan files that failed to load (or have no readable year), by path, with the year their name gives:
    the obligations of that year are unknown, not missing."""
    prefix = unit.unit_path[: -len("unit.yaml")] + "plans/"
    loaded = {p.src.path for p in unit.plans}
    out: dict[str, int | None] = {}
    for p in unit.problems:
        if p.severity == "error" and p.path.startswith(prefix) and p.path.endswith(".yaml") and p.path not in loaded:
            stem = p.path[len(prefix):-len(".yaml")]
            out[p.path] = int(stem) if stem.isdigit() and len(stem) == 4 else None
    # plans/2024.yaml saying `year: 2025` (reported as `schema`): which year it plans is not known, so the
    # obligations of the year its name gives are unknown, not "no plan" (the plan is there)
    for plan in unit.plans:
        stem = plan.src.path[len(prefix):-len(".yaml")] if plan.src.path.startswith(prefix) else ""
        if stem.isdigit() and len(stem) == 4 and plan.year is not None and int(stem) != plan.year \
                and unit.plan(int(stem)) is None:
            out[plan.src.path] = int(stem)
    return out


def _plans(out: UnitObligations, unit: UnitData, pub: _Published, as_of: dt.date, first_year: int,
           since: dt.date | None, broken: set[int]) -> None:
    t = unit.timing
    clerk = named(unit.unit.contacts.get("clerk")) if unit.unit else None
    disclosure = "村务" if unit.kind == "village" else "居务"
    years = sorted({p.year for p in unit.plans if p.year and p.year >= first_year} | set(range(first_year, as_of.year + 1)))
    for year in years:
        plan = unit.plan(year)
        plan_due = S.month_day(year, t.plan_due)
        if since and since > plan_due:
            plan_due = since  # nothing is due before since: the plan is due by the later of the two
        if plan is None:
            if year in broken:
                continue  # the plan exists but cannot be read: unknown (listed as such), not missing
            out.obligations.append(_new(
                unit, kind="plan", rule="plan", item="", title=f"{year}年度{disclosure}公开方案", period=str(year),
                due=plan_due, path=unit.unit_path, loc=None, responsible=clerk,
                basis=B.fmt(B.PLAN_DUE, due=f"{t.plan_due[0]:02d}-{t.plan_due[1]:02d}")))
            continue
        _plan_publication(out, unit, plan, plan_due, clerk, disclosure, as_of, since)
        _plan_items(out, unit, plan, pub, as_of, since, clerk)


def _plan_publication(out: UnitObligations, unit: UnitData, plan: Plan, plan_due: dt.date, clerk: str | None,
                      disclosure: str, as_of: dt.date, since: dt.date | None) -> None:
    adoption = plan.adoption
    approved = adoption.approved.date if adoption and adoption.approved else None
    published = adoption.published.date if adoption and adoption.published else None
    if approved is not None:
        due = approved + dt.timedelta(days=unit.timing.plan_publish_days)
        basis = B.PLAN_PUBLISH
        loc = adoption.at("published") if adoption and adoption.published else adoption.at("approved")  # type: ignore[union-attr]
    else:
        due, basis = plan_due, B.fmt(B.PLAN_DUE, due=f"{unit.timing.plan_due[0]:02d}-{unit.timing.plan_due[1]:02d}")
        loc = adoption.at() if adoption else plan.at()
    if since and due < since:
        return  # due before since: not judged (a plan adopted before the unit started using gongkai)
    ob = _new(unit, kind="plan-publication", rule="plan-publication", item="",
              title=f"{plan.year}年度{disclosure}公开方案公布", period=str(plan.year), due=due, path=plan.src.path,
              loc=loc, responsible=clerk, basis=basis)
    if published is not None and published <= as_of:
        ob.met, ob.met_path, ob.met_loc = published, plan.src.path, loc
    out.obligations.append(ob)


def _plan_items(out: UnitObligations, unit: UnitData, plan: Plan, pub: _Published, as_of: dt.date,
                since: dt.date | None, clerk: str | None) -> None:
    t = unit.timing
    year = plan.year
    assert year is not None
    seen: set[str] = set()
    uid, name, path = unit.id, unit.name, plan.src.path
    for pi in plan.items:
        if not pi.item or pi.item in seen:
            continue
        seen.add(pi.item)
        info = unit.item(pi.item)
        if info is None:
            continue
        sched = effective_schedule(info, pi, unit.unit)
        who = named(pi.responsible) or clerk
        loc = pi.at()
        # Obligation(unit, unit_name, kind, rule, item, title, period, due, path, loc, basis, opens, responsible):
        # positional, as this runs for every item and period of every plan
        if sched == "standing":
            if since and since > dt.date(year, 12, 31):
                continue
            due = _first_standing_due(year, since if since and since.year == year else None, t.quarterly_days)
            ob = Obligation(uid, name, "record", "standing", info.id, info.title, str(year), due, path, loc,
                            B.STANDING, None, who)
            start = max(dt.date(year, 1, 1), since) if since else dt.date(year, 1, 1)
            _meet_standing(ob, pub, info.id, start, as_of, current=year >= as_of.year)
            out.obligations.append(ob)
        elif sched in ("quarterly", "monthly"):
            days = t.quarterly_days if sched == "quarterly" else t.monthly_days
            basis = _periodic_basis(sched, info, days)
            for period, label, end, due, opens in _periods_of(year, sched, days):
                if since and end < since:
                    continue
                ob = Obligation(uid, name, "record", sched, info.id, info.title, label, due, path, loc, basis, opens,
                                who)
                found = pub.first_by("period", (info.id, period))
                if found is None and sched == "quarterly":
                    found = _months_of(pub, info.id, period)
                _meet(ob, found)
                out.obligations.append(ob)


_first_standing_due = functools.cache(S.first_standing_due)  # the same few dates for every item and unit


@functools.cache
def _periods_of(year: int, sched: str, days: int) -> tuple[tuple[S.Period, str, dt.date, dt.date, dt.date], ...]:
    """(period, its name, last day, due date, first day of its window) of each quarter or month of a year: the
    same for every item and unit, so computed once per run."""
    periods = S.quarters(year) if sched == "quarterly" else S.months(year)
    return tuple((p, str(p), p.end, S.periodic_due(p, days), S.window_start(p)) for p in periods)


def _meet_standing(ob: Obligation, pub: _Published, item: str, start: dt.date, as_of: dt.date, current: bool) -> None:
    """A standing item is met on the first day, from the obligation's start to the as-of date, that a record of it
    was in force (published, not yet taken down): on or before the due date is on time, after it is late, and once
    posted a past year's item is never overdue. A current year's item must also still be in force on the as-of date."""
    starts: list[tuple[dt.date, str, Record]] = []
    in_force_now = False
    for head in pub.heads_of(item):
        root = pub.root(head)  # a correction keeps the date of what it corrects
        assert root.published is not None
        day = max(start, root.published)
        if day <= as_of and (head.until is None or head.until > day):
            starts.append((day, root.id, root))
        in_force_now = in_force_now or head.until is None or head.until > as_of
    if not starts:
        _meet(ob, next((r for r in pub.undated if r.item == item), None))
        return
    if current and not in_force_now:
        return  # taken down: owed again
    day, _, record = min(starts, key=lambda s: s[:2])
    ob.met, ob.met_path, ob.met_loc = day, record.src.path, record.at("published")


def _months_of(pub: _Published, item: str, quarter: S.Period) -> Record | None:
    """A quarterly item is met by monthly records when every month of the quarter has one: the latest of them
    (its date is the quarter's publication date); None while a month is missing."""
    found = []
    for month in _months_in(quarter):
        r = pub.first_by("period", (item, month))
        if r is None:
            return None
        found.append(r)
    undated = [r for r in found if r.published is None]
    if undated:
        return undated[0]
    return max(found, key=lambda r: (r.published, r.id))


@functools.cache
def _months_in(quarter: S.Period) -> tuple[S.Period, ...]:
    """The three months of a quarter, made once per run."""
    return tuple(S.Period(quarter.year, "M", n) for n in range(3 * quarter.n - 2, 3 * quarter.n + 1))


def _periodic_basis(sched: str, info: ItemInfo, days: int) -> Msg:
    if sched == "monthly":
        return B.fmt(B.MONTHLY, days=days)
    if info.category == "finance":
        return B.fmt(B.FINANCE_QUARTERLY, days=days)
    return B.QUARTERLY


def _events(out: UnitObligations, unit: UnitData, pub: _Published, as_of: dt.date, since: dt.date | None) -> None:
    t = unit.timing
    u = unit.unit
    assert u is not None
    for eid, ev in sorted(unit.events.items()):
        if ev.date is None or ev.date > as_of or (since and ev.date < since):
            continue  # an event after the as-of date has not happened yet
        basis = B.fmt(B.IMMEDIATE, days=t.immediate_days)
        if ev.type == "joint_request":
            notice = joint_request_notice(unit, ev)
            if notice is not None:
                out.notices.append(notice)
                continue
            basis = B.JOINT
        info = unit.item(ev.item or "")
        ob = _new(unit, kind="record", rule="immediate", item=ev.item or "",
                  title=ev.title or (info.title if info else ""), period=eid,
                  due=ev.date + dt.timedelta(days=t.immediate_days), path=ev.src.path, loc=ev.at("date"),
                  responsible=named(u.contacts.get("clerk")), basis=basis)
        _meet(ob, pub.first_by("event", eid))
        out.obligations.append(ob)


def joint_request_notice(unit: UnitData, ev: Event) -> Notice | None:
    """None when the request must be disclosed: signatures reach 1/10 of villagers or 1/5 of representatives
    (以上 includes the bound), or the unit does not say how many there are."""
    u = unit.unit
    assert u is not None
    if u.villagers is None and u.representatives is None:
        return None
    sig = ev.signatures
    v = sig.villagers if sig and sig.villagers is not None else 0
    r = sig.representatives if sig and sig.representatives is not None else 0
    need_v = S.threshold(u.villagers, 1, 10) if u.villagers is not None else None
    need_r = S.threshold(u.representatives, 1, 5) if u.representatives is not None else None
    if (need_v is not None and v >= need_v) or (need_r is not None and r >= need_r):
        return None
    parts_zh, parts_en = [], []
    if need_v is not None:
        parts_zh.append(f"村（居）民 {v} 人联名，未达 {u.villagers} 人的十分之一（{need_v} 人）")
        parts_en.append(f"{v} residents signed, below 1/10 of {u.villagers} ({need_v})")
    if need_r is not None:
        parts_zh.append(f"代表 {r} 人联名，未达 {u.representatives} 人的五分之一（{need_r} 人）")
        parts_en.append(f"{r} representatives signed, below 1/5 of {u.representatives} ({need_r})")
    return Notice(unit.id, ev.src.path, ev.at("signatures") if ev.signatures else ev.at(), Msg(
        "联名要求：" + "；".join(parts_zh) + "。不属于必须即时公开的事项（可自愿公开）",
        "joint request: " + "; ".join(parts_en) + ". Disclosure is not mandatory (it may still be published)"))


def _projects(out: UnitObligations, unit: UnitData, pub: _Published, as_of: dt.date, since: dt.date | None) -> None:
    t = unit.timing
    u = unit.unit
    assert u is not None
    for pid, pr in sorted(unit.projects.items()):
        if pr.start is None:
            continue
        title = pr.title or pid
        common = dict(item=pr.item or "", path=pr.src.path, responsible=named(u.contacts.get("clerk")), basis=B.PHASED)
        if not since or pr.start >= since:
            ob = _new(unit, kind="record", rule="before", title=f"{title}（事前公开）", period=f"{pid}/before",
                      due=pr.start, loc=pr.at("start"), **common)
            _meet(ob, pub.first_by("phase", (pid, "before")))
            out.obligations.append(ob)
        stop = pr.end if pr.end is not None else as_of
        for q in S.quarter_ends_between(pr.start, stop):
            if since and q.end < since:
                continue
            ob = _new(unit, kind="record", rule="during", title=f"{title}（事中公开 {q.label_zh}）",
                      period=f"{pid}/during/{q}", due=S.periodic_due(q, t.quarterly_days), opens=S.window_start(q),
                      loc=pr.at("start"), **common)
            _meet(ob, pub.first_by("during", (pid, q)))
            out.obligations.append(ob)
        if pr.end is not None and (not since or pr.end >= since):
            ob = _new(unit, kind="record", rule="after", title=f"{title}（事后公开）", period=f"{pid}/after",
                      due=pr.end + dt.timedelta(days=t.phase_after_days), loc=pr.at("end"), **common)
            _meet(ob, pub.first_by("phase", (pid, "after")))
            out.obligations.append(ob)


def _feedback(out: UnitObligations, unit: UnitData, as_of: dt.date, since: dt.date | None) -> None:
    t = unit.timing
    u = unit.unit
    assert u is not None
    basis = B.fmt(B.FEEDBACK, days=t.feedback_days)
    clerk = named(u.contacts.get("clerk"))
    within = dt.timedelta(days=t.feedback_days)
    for fid, fb in sorted(unit.feedback.items()):
        if fb.received is None or fb.received > as_of or (since and fb.received < since):
            continue
        what = fb.summary or fb.from_ or fid
        # Obligation(unit, unit_name, kind, rule, item, title, period, due, path, loc, basis, opens, responsible)
        ob = Obligation(unit.id, unit.name, "feedback", "feedback", "", f"答复{FEEDBACK_ZH.get(fb.type or '', '')}：{what}",
                        fid, fb.received + within, fb.src.path, fb.at("received"), basis, None, clerk)
        if fb.answered is not None and fb.answered <= as_of:
            ob.met, ob.met_path, ob.met_loc = fb.answered, fb.src.path, fb.at("answered")
        out.obligations.append(ob)


def _inspections(out: UnitObligations, unit: UnitData, as_of: dt.date, first_year: int, since: dt.date | None) -> None:
    t = unit.timing
    done = sorted((i for i in unit.inspections.values() if i.date is not None and i.date <= as_of),
                  key=lambda i: (i.date, i.id))
    for year in range(first_year, as_of.year + 1):
        due = S.month_day(year, t.inspection_due)
        if since and due < since:
            continue  # nothing due before since is judged
        ob = _new(unit, kind="inspection", rule="inspection", item="", title=f"{year}年度公开栏全覆盖检查",
                  period=str(year), due=due, path=unit.unit_path, loc=None, responsible=None, basis=B.INSPECTION)
        for insp in done:
            if insp.date.year == year:  # type: ignore[union-attr]
                ob.met, ob.met_path, ob.met_loc = insp.date, insp.src.path, insp.at("date")
                break
        out.obligations.append(ob)
    for insp in done:
        for n, finding in enumerate(insp.findings, 1):
            if finding.fix_by is None or (since and finding.fix_by < since):
                continue
            ob = _new(unit, kind="fix", rule="fix", item="", title=f"公开栏“{finding.board}”整改",
                      period=f"{insp.id}#{n}", due=finding.fix_by, path=insp.src.path, loc=finding.at(),
                      responsible=None, basis=B.FIX)
            if finding.fixed is not None and finding.fixed <= as_of:
                ob.met, ob.met_path, ob.met_loc = finding.fixed, insp.src.path, finding.at("fixed")
            out.obligations.append(ob)


_REFERS = frozenset(("item", "period", "event", "project"))  # a record with one of these unreadable is not judged
UNMATCHED_BASIS = Msg("实施方案 二（二）2、二（三）：按年度公开方案确定的事项和时间公开；记录要对上方案中的事项和期间才算公开",
                      "seed 2.(2)2, 2.(3): items and times follow the annual plan; a record counts when it matches "
                      "an item and a period of the plan")


def _unmatched(out: UnitObligations, unit: UnitData, as_of: dt.date, since: dt.date | None, broken: set[int]) -> None:
    """Records that meet no obligation, each with why and what to write instead. Every record is read, whatever the
    as-of date (published after it or not); only a plan or the months of a quarter that are not due yet on the as-of
    date are not called missing. A record naming an event or a project is left to the reference rules; one without period where its
    item needs one, or a quarter for a monthly item, is already a schema error (rules.references)."""
    u = unit.unit
    assert u is not None
    gone = superseded(unit.records)
    planned: dict[int, dict[str | None, PlanItem]] = {}  # each plan's first entry of each item, by id(plan)
    for rid, rec in sorted(unit.records.items()):
        if (rid in gone or not rec.item or rec.event or rec.project
                or not _REFERS.isdisjoint(rec.src.invalid)):
            continue
        info = unit.item(rec.item)
        if info is None:
            continue  # unknown-item says it
        if rec.period is not None:
            year = rec.period.year
            if since and rec.period.end < since:
                continue  # before since: not judged
        elif rec.published is not None:
            year = rec.published.year
        else:
            continue
        plan = unit.plan(year)
        pi = _plan_index(planned, plan).get(rec.item) if plan is not None else None
        sched = effective_schedule(info, pi, u)
        note = _why_unmatched(unit, rec, info, year, plan, pi, sched, as_of, since, broken, planned)
        if note is not None:
            where, message, basis = note
            out.unmatched.append(Notice(unit.id, rec.src.path, rec.at(where), message, basis))


def _plan_index(planned: dict[int, dict[str | None, PlanItem]], plan: Plan) -> dict[str | None, PlanItem]:
    """The plan's first entry of each item (kept in `planned` by id(plan): built once per plan, not a scan of its
    items for every record)."""
    index = planned.get(id(plan))
    if index is None:
        index = planned[id(plan)] = {}
        for x in plan.items:
            index.setdefault(x.item, x)
    return index


def _why_unmatched(unit: UnitData, rec: Record, info: ItemInfo, year: int, plan: Plan | None, pi, sched: str | None,  # type: ignore[no-untyped-def]
                   as_of: dt.date, since: dt.date | None, broken: set[int],
                   planned: dict[int, dict[str | None, PlanItem]]) -> tuple[str, Msg, Msg] | None:
    t = unit.timing
    i = rec.item
    before_since = bool(since and rec.period is None and rec.published and rec.published < since)
    if before_since and sched != "standing":
        return None  # published before since: not judged (a standing record may still be up: see below)
    if sched == "immediate":
        return "item", msg(
            "{i} 是即时公开事项：记录要写 event: 事件编号（events/ 下的文件名，不含 .yaml），否则对不上任何公开义务，不算公开",
            "{i} is disclosed after each event: the record needs event: <the event's id> (its file name under events/), "
            "otherwise it meets no obligation", i=i), B.fmt(B.IMMEDIATE, days=t.immediate_days)
    if sched == "phased":
        return "item", msg(
            "{i} 是分阶段公开事项：记录要写 project: 项目编号 和 phase: before/during/after，否则对不上任何公开义务，不算公开",
            "{i} is disclosed in phases: the record needs project: <the project's id> and phase: before, during or "
            "after, otherwise it meets no obligation", i=i), B.PHASED
    if rec.period is None and sched in ("quarterly", "monthly") and (plan is None or pi is not None):
        return None  # rules.references: a periodic item needs a period
    if rec.period is None and sched == "standing":
        return _standing_unmatched(unit, rec, as_of, since, broken, planned)
    if rec.period is None and plan is not None and pi is None:
        return _not_in_plan(rec, plan, year)
    if plan is None:
        if year in broken:
            return None  # that year's plan is unreadable: unknown, said elsewhere
        if as_of <= S.month_day(year, t.plan_due):
            return None  # the plan is not due yet: it may still come
        where = "period" if rec.period is not None else "published"
        return where, msg(
            "{w} 在 {y} 年，但没有 {y} 年度公开方案 plans/{y}.yaml：这条记录对不上任何公开义务，不算公开。"
            "请制定 plans/{y}.yaml 并把 {i} 列入 items，或检查 {k} 是否写错",
            "{we} is in {y} but there is no plan for {y} (plans/{y}.yaml): the record meets no obligation. "
            "Write plans/{y}.yaml listing {i} under items, or check the {ke}",
            w=f"期间 {rec.period}" if rec.period else f"公开日期 {rec.published}",
            we=f"period {rec.period}" if rec.period else f"the publication date {rec.published}",
            y=year, i=i, k="period" if rec.period else "published", ke="period" if rec.period else "published date"), \
            B.fmt(B.PLAN_DUE, due=f"{t.plan_due[0]:02d}-{t.plan_due[1]:02d}")
    if pi is None:
        return _not_in_plan(rec, plan, year)
    if sched == "quarterly" and rec.period is not None and rec.period.kind == "M":
        quarter = S.quarter_of(rec.period.start)
        have = {r.period for r in unit.records.values()
                if r.item == i and not r.project and r.period is not None and r.period.kind == "M"}
        missing = [str(S.Period(year, "M", n)) for n in range(3 * quarter.n - 2, 3 * quarter.n + 1)
                   if S.Period(year, "M", n) not in have]
        if not missing:
            return None  # the three months together meet the quarter
        if as_of <= S.periodic_due(quarter, t.quarterly_days):
            return None  # the quarter is not due yet: its other months may still come
        return "period", msg(
            "{i} 在 {y} 年是每季度公开：按月的记录要 {q}的三个月都有才算公开了这一季度，还缺 {m}。"
            "请补上这几个月的记录，或把这一季度写成一条 period: {qs} 的记录",
            "{i} is disclosed quarterly in {y}: monthly records meet {qs} only when all three months have one; "
            "missing {me}. Add those months, or write one record with period: {qs}",
            i=i, y=year, q=quarter.label_zh, qs=quarter, m="、".join(missing), me=", ".join(missing)), \
            _periodic_basis("quarterly", info, t.quarterly_days)
    return None


def _not_in_plan(rec: Record, plan: Plan, year: int) -> tuple[str, Msg, Msg]:
    i = rec.item
    na = next((x for x in plan.not_applicable if x.item == i), None)
    if na is not None:
        return "item", msg(
            "{p} 把 {i} 列为不适用（not_applicable{r}）：这条 {y} 年的记录对不上任何公开义务，不算公开。"
            "如果本年度有此事项，请把它从 not_applicable 移到 items；否则检查 item 和 period 是否写错",
            "{p} lists {i} as not applicable{re}: this record of {y} meets no obligation. If the item applies this "
            "year, move it from not_applicable to items; otherwise check item and period",
            p=plan.src.path, i=i, y=year, r=f"：{na.reason}" if na.reason else "", re=f" ({na.reason})" if na.reason else ""), \
            UNMATCHED_BASIS
    return "item", msg(
        "{i} 不在 {y} 年度公开方案 {p} 的 items 里：这条记录对不上任何公开义务，不算公开。"
        "请把 {i} 加到方案的 items，或检查 item 和 period 是否写错",
        "{i} is not among the items of the {y} plan {p}: this record meets no obligation. Add {i} to the plan's "
        "items, or check item and period", i=i, y=year, p=plan.src.path), UNMATCHED_BASIS


def _standing_unmatched(unit: UnitData, rec: Record, as_of: dt.date, since: dt.date | None, broken: set[int],
                        planned: dict[int, dict[str | None, PlanItem]]) -> tuple[str, Msg, Msg] | None:
    """A standing record counts for every plan year up to the last year it is in force (a past year's item stays owed
    until something is posted): unmatched only when none of those plans lists its item."""
    assert rec.published is not None
    end = rec.until - dt.timedelta(days=1) if rec.until is not None else max(as_of, rec.published)
    if since and end < since:
        return None  # taken down before since: history, not judged
    plans = [p for p in unit.plans if p.year and p.year <= end.year and (not since or p.year >= since.year)]
    if any(rec.item in _plan_index(planned, p) for p in plans):
        return None
    year = end.year
    if any(y <= year for y in broken):
        return None  # an unreadable plan might list it
    plan = unit.plan(year)
    if plan is not None:
        return _not_in_plan(rec, plan, year)
    t = unit.timing
    if as_of <= S.month_day(year, t.plan_due):
        return None  # the plan is not due yet: it may still come
    return "published", msg(
        "这条长期公开记录 {y} 年在张贴，但没有 {y} 年度公开方案 plans/{y}.yaml{o}：它对不上任何公开义务，不算公开。"
        "请制定 plans/{y}.yaml 并把 {i} 列入 items，或检查 item 和公开日期是否写错",
        "this standing record is up in {y} but there is no plan for {y} (plans/{y}.yaml){oe}: it meets no obligation. "
        "Write plans/{y}.yaml listing {i} under items, or check item and published", y=year, i=rec.item,
        o=f"，之前的方案也都没有列入 {rec.item}" if plans else "", oe=f", and no earlier plan lists {rec.item}" if plans else ""), \
        B.fmt(B.PLAN_DUE, due=f"{t.plan_due[0]:02d}-{t.plan_due[1]:02d}")
