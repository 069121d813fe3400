"""Every obligation of every unit, derived once and matched to what was published.

`compute(repo, as_of)` is the one deadline computation in gongkai: `check` turns the result into
overdue / late / early / due-soon problems, `overdue` lists it, `render` and the town views read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gongkai import basis as B
from gongkai import schedule as S
from gongkai.items import ItemInfo, effective_schedule, resolve
from gongkai.model import Event, Plan, Record
from gongkai.problem import Msg
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
    """A joint request below both thresholds: nothing is owed, but the clerk is told why."""

    unit: str
    path: str
    loc: tuple[int, int]
    message: Msg


@dataclass
class UnitObligations:
    unit: UnitData
    obligations: list[Obligation] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


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

    def root(self, record: Record) -> Record:
        """The first record of the correction chain: its publication date is the one that counts."""
        chain = corrected(self.live, record)
        return self.live[chain[-1]] if chain else record

    def first(self, match) -> Record | None:  # type: ignore[no-untyped-def]
        """The matching record published first (by the date its correction chain started)."""
        found = [self.root(r) for r in self.heads if match(r)]
        if not found:
            return next((r for r in sorted(self.undated, key=lambda r: r.id) if match(r)), None)
        return min(found, key=lambda r: (r.published, r.id))


def compute(repo: Repository, as_of: dt.date) -> list[UnitObligations]:
    return [compute_unit(u, as_of) for u in repo.units]


def compute_unit(unit: UnitData, as_of: dt.date) -> UnitObligations:
    out = UnitObligations(unit)
    if unit.unit is None or unit.unit.kind is None:
        return out  # unit.yaml is broken: its problems are reported, nothing can be derived
    pub = _Published(unit, as_of)
    since = unit.unit.since
    first_year = since.year if since else min((p.year for p in unit.plans if p.year), default=as_of.year)
    _plans(out, unit, pub, as_of, first_year, since)
    _events(out, unit, pub, as_of, since)
    _projects(out, unit, pub, as_of, since)
    _feedback(out, unit, as_of, since)
    _inspections(out, unit, as_of, first_year, since)
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


def _plans(out: UnitObligations, unit: UnitData, pub: _Published, as_of: dt.date, first_year: int,
           since: dt.date | None) -> None:
    t = unit.timing
    clerk = unit.unit.contacts.get("clerk") if unit.unit else None
    disclosure = "村务" if unit.kind == "village" else "居务"
    years = sorted({p.year for p in unit.plans if p.year and p.year >= first_year} | set(range(first_year, as_of.year + 1)))
    for year in years:
        plan = unit.plan(year)
        plan_due = S.month_day(year, t.plan_due)
        if since and since > plan_due and since.year == year:
            plan_due = since
        if plan is None:
            out.obligations.append(_new(
                unit, kind="plan", rule="plan", item="", title=f"{year}年度{disclosure}公开方案", period=str(year),
                due=plan_due, path=unit.unit_path, loc=None, responsible=clerk,
                basis=B.fmt(B.PLAN_DUE, due=f"{t.plan_due[0]:02d}-{t.plan_due[1]:02d}")))
            continue
        _plan_publication(out, unit, plan, plan_due, clerk, disclosure, as_of)
        _plan_items(out, unit, plan, pub, as_of, since, clerk)


def _plan_publication(out: UnitObligations, unit: UnitData, plan: Plan, plan_due: dt.date, clerk: str | None,
                      disclosure: str, as_of: dt.date) -> None:
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
    for pi in plan.items:
        if not pi.item or pi.item in seen:
            continue
        seen.add(pi.item)
        info = resolve(pi.item, unit.unit, unit.plans)
        if info is None:
            continue
        sched = effective_schedule(info, pi, unit.unit)
        who = pi.responsible or clerk
        where = dict(path=plan.src.path, loc=pi.at(), responsible=who, item=info.id)
        if sched == "standing":
            if since and since > dt.date(year, 12, 31):
                continue
            due = S.first_standing_due(year, since if since and since.year == year else None, t.quarterly_days)
            ob = _new(unit, kind="record", rule="standing", title=info.title, period=str(year), due=due,
                      basis=B.STANDING, **where)
            # in force on the as-of date; for a past plan year, at the end of that year (a later replacement
            # of the sheet must not make last year's posting look late)
            day = min(as_of, dt.date(year, 12, 31))
            in_force = [pub.root(r) for r in pub.heads if r.item == info.id and r.published <= day  # type: ignore[operator]
                        and (r.until is None or r.until > day)]
            if in_force:
                _meet(ob, min(in_force, key=lambda r: (r.published, r.id)))
            else:
                _meet(ob, next((r for r in pub.undated if r.item == info.id), None))
            out.obligations.append(ob)
        elif sched in ("quarterly", "monthly"):
            periods = S.quarters(year) if sched == "quarterly" else S.months(year)
            days = t.quarterly_days if sched == "quarterly" else t.monthly_days
            basis = _periodic_basis(sched, info, days)
            for period in periods:
                if since and period.end < since:
                    continue
                ob = _new(unit, kind="record", rule=sched, title=info.title, period=str(period),
                          due=S.periodic_due(period, days), opens=S.window_start(period), basis=basis, **where)
                _meet(ob, pub.first(lambda r, p=period, i=info.id: r.item == i and r.period == p and not r.project))
                out.obligations.append(ob)


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
        info = resolve(ev.item or "", u, unit.plans)
        ob = _new(unit, kind="record", rule="immediate", item=ev.item or "",
                  title=ev.title or (info.title if info else ""), period=eid,
                  due=ev.date + dt.timedelta(days=t.immediate_days), path=ev.src.path, loc=ev.at("date"),
                  responsible=u.contacts.get("clerk"), basis=basis)
        _meet(ob, pub.first(lambda r, e=eid: r.event == e))
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
        common = dict(item=pr.item or "", path=pr.src.path, responsible=u.contacts.get("clerk"), basis=B.PHASED)
        if not since or pr.start >= since:
            ob = _new(unit, kind="record", rule="before", title=f"{title}（事前公开）", period=f"{pid}/before",
                      due=pr.start, loc=pr.at("start"), **common)
            _meet(ob, pub.first(lambda r, p=pid: r.project == p and r.phase == "before"))
            out.obligations.append(ob)
        stop = pr.end if pr.end is not None else as_of
        for q in S.quarter_ends_between(pr.start, stop):
            if since and q.end < since:
                continue
            ob = _new(unit, kind="record", rule="during", title=f"{title}（事中公开 {q.label_zh}）",
                      period=f"{pid}/during/{q}", due=S.periodic_due(q, t.quarterly_days), opens=S.window_start(q),
                      loc=pr.at("start"), **common)
            _meet(ob, pub.first(lambda r, p=pid, q=q: r.project == p and r.phase == "during" and r.period == q))
            out.obligations.append(ob)
        if pr.end is not None and (not since or pr.end >= since):
            ob = _new(unit, kind="record", rule="after", title=f"{title}（事后公开）", period=f"{pid}/after",
                      due=pr.end + dt.timedelta(days=t.phase_after_days), loc=pr.at("end"), **common)
            _meet(ob, pub.first(lambda r, p=pid: r.project == p and r.phase == "after"))
            out.obligations.append(ob)


def _feedback(out: UnitObligations, unit: UnitData, as_of: dt.date, since: dt.date | None) -> None:
    t = unit.timing
    u = unit.unit
    assert u is not None
    for fid, fb in sorted(unit.feedback.items()):
        if fb.received is None or fb.received > as_of or (since and fb.received < since):
            continue
        what = fb.summary or fb.from_ or fid
        ob = _new(unit, kind="feedback", rule="feedback", item="", title=f"答复{FEEDBACK_ZH.get(fb.type or '', '')}：{what}",
                  period=fid, due=fb.received + dt.timedelta(days=t.feedback_days), path=fb.src.path,
                  loc=fb.at("received"), responsible=u.contacts.get("clerk"), basis=B.fmt(B.FEEDBACK, days=t.feedback_days))
        if fb.answered is not None and fb.answered <= as_of:
            ob.met, ob.met_path, ob.met_loc = fb.answered, fb.src.path, fb.at("answered")
        out.obligations.append(ob)


def _inspections(out: UnitObligations, unit: UnitData, as_of: dt.date, first_year: int, since: dt.date | None) -> None:
    t = unit.timing
    done = sorted((i for i in unit.inspections.values() if i.date is not None and i.date <= as_of),
                  key=lambda i: (i.date, i.id))
    for year in range(first_year, as_of.year + 1):
        ob = _new(unit, kind="inspection", rule="inspection", item="", title=f"{year}年度公开栏全覆盖检查",
                  period=str(year), due=S.month_day(year, t.inspection_due), path=unit.unit_path, loc=None,
                  responsible=None, basis=B.INSPECTION)
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
