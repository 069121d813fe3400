"""`gongkai new`: start a correctly named, pre-filled file, or list what the unit owes this quarter.

Due dates come from gongkai.obligations (the one deadline computation); titles from gongkai.items.default_title;
the opening balance of a finance statement from the previous period's record. Nothing is ever overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from gongkai import catalog, schemas
from gongkai import schedule as S
from gongkai.items import LOCAL_PREFIX, ItemInfo, default_title, effective_schedule, resolve
from gongkai.load import scalars
from gongkai.model import PlanItem, Record, Statement
from gongkai.obligations import Obligation, compute_unit
from gongkai.problem import GongkaiError, Msg, msg
from gongkai.repo import Repository, UnitData, superseded
from gongkai.report.safe import shown, visible
from gongkai.scaffold import quote

KINDS = ("record", "event", "project", "feedback", "inspection")
NONE_TEXT = "本期无此项内容。"
EVENT_TYPES = ("meeting", "policy", "major", "joint_request")
FEEDBACK_TYPES = ("inquiry", "complaint", "access")
PHASES = ("before", "during", "after")


@dataclass
class Draft:
    """A file to be written: where, what kind (for its schema line) and its text."""

    path: Path
    kind: str
    text: str


# ---------------------------------------------------------------- finding things


def pick_unit(repo: Repository, unit_id: str | None) -> UnitData:
    """The unit named by --unit, or the only unit of the repository."""
    ids = [u.id for u in repo.units]
    if unit_id is not None:
        wanted = unit_id.strip("/") or "."
        for u in repo.units:
            if u.id == wanted:
                if u.unit is None or u.unit.kind is None:
                    raise GongkaiError(msg("{p} 有错误，先运行 gongkai check 改正它", "{p} has errors: run gongkai check and "
                                           "fix it first", p=u.unit_path))
                return u
        raise GongkaiError(msg("没有单位“{u}”；可用：{ids}", "no unit '{u}'; units: {ids}", u=unit_id, ids=", ".join(ids)))
    if len(repo.units) > 1:
        raise GongkaiError(msg("仓库里有 {n} 个单位，用 --unit 指定一个：{ids}", "the repository holds {n} units: "
                               "name one with --unit: {ids}", n=len(ids), ids=", ".join(ids)))
    return pick_unit(repo, repo.units[0].id)


def item_info(unit: UnitData, item: str | None) -> ItemInfo:
    if not item:
        raise GongkaiError(msg("请用 --item 指定事项，如 --item {k}/finance/1（gongkai catalog 列出全部）",
                               "name the item with --item, e.g. --item {k}/finance/1 (gongkai catalog lists them)",
                               k=unit.kind or "village"))
    info = resolve(item, unit.unit, unit.plans)
    if info is None:
        hint = catalog.load(unit.kind).suggest(item) if unit.kind and not item.startswith(LOCAL_PREFIX) else None
        raise GongkaiError(msg("{u} 的目录里没有事项“{i}”{h}", "item '{i}' is not in the catalog of {u}{he}", u=unit.name, i=item,
                               h=f"，是否应为“{hint}”？" if hint else "（本地事项须先写进年度方案）",
                               he=f"; did you mean '{hint}'?" if hint else " (a local item must be in a plan first)"))
    return info


def parse_period(text: str) -> S.Period:
    period, reason = scalars.parse_period(text)
    if period is None:
        assert reason is not None
        raise GongkaiError(Msg("--period：" + reason.zh, "--period: " + reason.en))
    return period


def parse_day(text: str, option: str) -> dt.date:
    day, reason = scalars.parse_date(text)
    if day is None:
        assert reason is not None
        raise GongkaiError(Msg(f"{option}：" + reason.zh, f"{option}: " + reason.en))
    return day


def _plan_item(unit: UnitData, info: ItemInfo, year: int) -> PlanItem | None:
    plan = unit.plan(year)
    return next((pi for pi in plan.items if pi.item == info.id), None) if plan else None


def schedule_of(unit: UnitData, info: ItemInfo, year: int) -> str | None:
    return effective_schedule(info, _plan_item(unit, info, year), unit.unit)


def channels_of(unit: UnitData, info: ItemInfo, year: int) -> list[str]:
    """The plan's channels for the item that year, else the bulletin board."""
    pi = _plan_item(unit, info, year)
    return list(pi.channels) if pi and pi.channels else ["board"]


def check_period(unit: UnitData, info: ItemInfo, period: S.Period) -> None:
    """A monthly item needs a month: a quarter would meet none of its obligations (`check` says the same)."""
    if period.kind == "Q" and schedule_of(unit, info, period.year) == "monthly":
        busy = "（本单位财务往来较多，收支每月公开）" if unit.unit and unit.unit.finance_monthly else ""
        raise GongkaiError(msg("{i} 在 {y} 年每月公开{b}：--period 写成 {y}-{m:02d} 这样的月份，而不是 {p}",
                               "{i} is disclosed monthly in {y}: give --period as a month such as {y}-{m:02d}, not {p}",
                               i=info.id, y=period.year, b=busy, m=3 * period.n, p=period))


def last_ended(schedule: str | None, as_of: dt.date) -> S.Period:
    """The period whose record is most likely being written on `as_of`: the last month or quarter that ended."""
    current = S.Period(as_of.year, "M", as_of.month) if schedule == "monthly" else S.quarter_of(as_of)
    return current.previous()


def previous_statement(unit: UnitData, item: str, period: S.Period, project: str | None = None) -> tuple[Record, Statement] | None:
    """The statement of the same item (and project) whose period ends the day before `period` starts."""
    day_before = period.start - dt.timedelta(days=1)
    return _statement(unit, item, project, lambda p, st: p.end == day_before and st.closing_balance is not None)


def unreadable_previous(unit: UnitData, item: str, period: S.Period, project: str | None = None) -> Record | None:
    """The statement of the previous period when it is there but its closing balance cannot be read (reported by
    `check` as `amount` or `schema`): its successor's opening balance is unknown, not "no previous statement"."""
    gone = superseded(unit.records)
    day_before = period.start - dt.timedelta(days=1)
    for rid, rec in sorted(unit.records.items()):
        if rid in gone or rec.item != item or (rec.project or None) != (project or None):
            continue
        if rec.period is not None and rec.period.end == day_before and rec.finance is not None \
                and rec.finance.closing_balance is None:
            return rec
    return None


def next_statement(unit: UnitData, item: str, period: S.Period, project: str | None = None) -> tuple[Record, Statement] | None:
    """The statement of the same item (and project) whose period starts the day after `period` ends."""
    day_after = period.end + dt.timedelta(days=1)
    return _statement(unit, item, project, lambda p, st: p.start == day_after and st.opening_balance is not None)


def _statement(unit: UnitData, item: str, project: str | None,
               fits: Callable[[S.Period, Statement], bool]) -> tuple[Record, Statement] | None:
    """The first current (not superseded) record of `item` and `project`, by record id, whose statement fits."""
    gone = superseded(unit.records)
    for rid, rec in sorted(unit.records.items()):
        if rid in gone or rec.item != item or (rec.project or None) != (project or None):
            continue
        if rec.period is not None and rec.finance is not None and fits(rec.period, rec.finance):
            return rec, rec.finance
    return None


def obligation_for(unit: UnitData, as_of: dt.date, item: str, period: str) -> Obligation | None:
    """What gongkai.obligations says is owed for this item and period (the due date is never computed here)."""
    day = max(as_of, dt.date(int(period[:4]), 12, 31)) if period[:4].isdigit() else as_of
    for ob in compute_unit(unit, day).obligations:
        if ob.kind == "record" and ob.item == item and ob.period == period:
            return ob
    return None


# ---------------------------------------------------------------- paths


def record_name(info: ItemInfo) -> str:
    if info.local:
        return "local-" + info.id[len(LOCAL_PREFIX):].replace("/", "-")
    _, category, number = info.id.split("/")
    return f"{category}-{number}"


def record_path(unit: UnitData, info: ItemInfo, *, period: S.Period | None, year: int, schedule: str | None,
                event: str | None = None, project: str | None = None, phase: str | None = None) -> Path:
    """records/2024/q1/finance-2.yaml, records/2024/03/finance-1.yaml, records/2024/standing/system-1.yaml,
    records/2024/immediate/<event>.yaml, records/2024/projects/<project>-<phase>.yaml (as in the example town)."""
    base = unit.dir / "records" / str(year)
    if project:
        suffix = f"-q{period.n}" if phase == "during" and period is not None else ""
        return base / "projects" / f"{project.replace('/', '-')}-{phase}{suffix}.yaml"
    if event:
        return base / "immediate" / f"{event.replace('/', '-')}.yaml"
    if period is not None:
        folder = f"q{period.n}" if period.kind == "Q" else f"{period.n:02d}"
        return base / folder / f"{record_name(info)}.yaml"
    return base / ("standing" if schedule == "standing" else "other") / f"{record_name(info)}.yaml"


# ---------------------------------------------------------------- drafts


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def record_draft(unit: UnitData, item: str | None, as_of: dt.date, *, period: str | None = None, none: bool = False,
                 event: str | None = None, project: str | None = None, phase: str | None = None) -> Draft:
    info = item_info(unit, item)
    ev = pr = None
    if event is not None:
        ev = unit.events.get(event)
        if ev is None:
            raise GongkaiError(msg("没有事件“{e}”；本单位的事件：{ids}", "no event '{e}'; events: {ids}", e=event,
                                   ids=", ".join(sorted(unit.events)) or "—"))
    if project is not None:
        pr = unit.projects.get(project)
        if pr is None:
            raise GongkaiError(msg("没有项目“{p}”；本单位的项目：{ids}", "no project '{p}'; projects: {ids}", p=project,
                                   ids=", ".join(sorted(unit.projects)) or "—"))
        if phase not in PHASES:
            raise GongkaiError(msg("分阶段公开要写 --phase before（事前）、during（事中）或 after（事后）",
                                   "a project record needs --phase before, during or after"))
    per = parse_period(period) if period else None
    year = per.year if per else (ev.date.year if ev and ev.date else as_of.year)
    sched = schedule_of(unit, info, year)
    if per is None and sched in ("quarterly", "monthly") and not project and not event:
        per = last_ended(sched, as_of)
        year = per.year
        sched = schedule_of(unit, info, year)
    if per is None and phase == "during":
        per = S.quarter_of(as_of).previous()
    if per is not None and not project:
        check_period(unit, info, per)
    if sched == "immediate" and ev is None:
        raise GongkaiError(msg("{i} 是即时公开事项：用 --event 指定它答复的事件（本单位的事件：{ids}）",
                               "{i} is disclosed after each event: name it with --event (events: {ids})",
                               i=info.id, ids=", ".join(e for e, v in sorted(unit.events.items()) if v.item == info.id) or "—"))
    key = str(per) if per and not project else (event or "")
    if project:
        key = f"{project}/during/{per}" if phase == "during" else f"{project}/{phase}"
    elif sched == "standing":
        key = str(year)
    ob = obligation_for(unit, as_of, info.id, key)
    rec = Record(item=info.id, period=per, event=event, project=project, phase=phase)
    title = default_title(rec, info, ev, pr)
    channels = channels_of(unit, info, year)

    lines = [f"# {visible(title)}（{info.id} {info.title}）"]
    if ob is not None:
        lines.append(f"# 应于 {ob.due.isoformat()} 前公开（{ob.basis.zh}）")
    else:
        lines.append(f"# {year} 年度方案里没有这一项（或没有 {year} 年度方案）：不计时限")
    lines.append(f"item: {info.id}")
    if per is not None:
        lines.append(f"period: {per}")
    if event:
        lines.append(f"event: {event}")
    if project:
        lines += [f"project: {project}", f"phase: {phase}"]
    lines += [f"published: {as_of.isoformat()}           # 公开日期：改成张贴的那一天",
              f"title: {_text(title)}",
              f"channels: [{', '.join(channels)}]"]
    if info.category == "finance":
        lines.append("# reviewed: {by: 审核人, date: " + as_of.isoformat() + "}   # 监委会审核（公开前）")
    lines.append(f"# evidence: [evidence/{year}/{record_name(info)}.jpg]   # 公开栏照片，照相留存")
    if none:
        lines += ["content: |", f"  {NONE_TEXT}"]
    else:
        lines += ["# 正文（Markdown）：在 content: | 下面逐行缩进两格书写", "content:"]
        if info.category == "finance" and per is not None:
            lines += finance_skeleton(unit, info.id, per, project)
    return Draft(record_path(unit, info, period=per, year=year, schedule=sched, event=event, project=project,
                             phase=phase), "record", "\n".join(lines) + "\n")


def finance_skeleton(unit: UnitData, item: str, period: S.Period, project: str | None = None) -> list[str]:
    prev = previous_statement(unit, item, period, project)
    if prev is not None:
        rec, st = prev
        assert st.closing_balance is not None
        opening = _money(st.closing_balance.value)
        note = f"# 期初余额 = 上期（{rec.period}，{rec.id}）期末余额"
    elif (bad := unreadable_previous(unit, item, period, project)) is not None:
        opening = "0.00"
        note = (f"# 上期（{bad.period}，{bad.id}）的期末余额读不出来（运行 gongkai check 查看）："
                "改正它，再把期初余额写成它的期末余额")
    else:
        opening, note = "0.00", "# 没有找到上一期的收支表：请填写期初余额"
    return [note, "finance:", f"  opening_balance: {opening}",
            "  income: []     # - {name: 收入名目, amount: 0.00}",
            "  expense: []    # - {name: 支出名目, amount: 0.00}",
            f"  closing_balance: {opening}   # 期初 + 收入 − 支出"]


def _text(value: str) -> str:
    """A one-line text value as written into a new file: as it is when YAML reads it back exactly (the usual
    title), else double-quoted (a title typed with `: `, `#`, a leading `[` or a line break)."""
    import yaml

    try:
        plain = yaml.safe_load(f"k: {value}") == {"k": value} and value == value.strip() and "\n" not in value
    except yaml.YAMLError:
        plain = False
    return value if plain and not _CONTROL.search(value) else quote(value)


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def _name(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text).strip("-") or "x"


def event_draft(unit: UnitData, item: str | None, as_of: dt.date, *, title: str | None, type_: str | None,
                name: str | None) -> Draft:
    info = item_info(unit, item)
    if not title:
        raise GongkaiError(msg("请用 --title 写事件名称，如 --title 村民代表会议审议年度工作报告",
                               "give the event a --title"))
    kind = type_ or "meeting"
    if kind not in EVENT_TYPES:
        raise GongkaiError(msg("--type 只能是 {t}", "--type must be one of {t}", t=", ".join(EVENT_TYPES)))
    stem = f"{as_of.isoformat()}-{_name(name)}" if name else as_of.isoformat()
    lines = [f"# 需要即时公开的事件（{info.id} {info.title}）：事件后两日内公开，用 gongkai new record --event {stem} 起草记录",
             f"date: {as_of.isoformat()}", f"type: {kind}    # meeting 会议决议 | policy 惠民政策 | major 重大事项 | joint_request 联名要求",
             f"title: {_text(title)}", f"item: {info.id}"]
    if kind == "joint_request":
        lines.append("signatures: {villagers: 0}   # 联名人数：村（居）民 villagers，代表 representatives")
    return Draft(unit.dir / "events" / f"{stem}.yaml", "event", "\n".join(lines) + "\n")


def project_draft(unit: UnitData, item: str | None, as_of: dt.date, *, title: str | None, name: str | None) -> Draft:
    info = item_info(unit, item)
    if not title:
        raise GongkaiError(msg("请用 --title 写项目名称，如 --title 村道硬化工程", "give the project a --title"))
    stem = f"{as_of.year}-{_name(name)}" if name else f"{as_of.year}-{_name(title)}"
    lines = [f"# 分阶段公开的项目（{info.id} {info.title}）：事前、事中（每季度）、事后分别公开",
             f"title: {_text(title)}", f"item: {info.id}", f"start: {as_of.isoformat()}     # 开工日期：事前公开应在此之前",
             "# end: " + as_of.isoformat() + "     # 完工日期：完工后写上", "# budget: 0.00     # 预算（元）"]
    return Draft(unit.dir / "projects" / f"{stem}.yaml", "project", "\n".join(lines) + "\n")


def feedback_draft(unit: UnitData, as_of: dt.date, *, type_: str | None, name: str | None) -> Draft:
    kind = type_ or "inquiry"
    if kind not in FEEDBACK_TYPES:
        raise GongkaiError(msg("--type 只能是 {t}", "--type must be one of {t}", t=", ".join(FEEDBACK_TYPES)))
    stem = f"{as_of.strftime('%m-%d')}-{_name(name)}" if name else as_of.strftime("%m-%d")
    lines = ["# 质询、投诉或查阅申请：收到后十日内答复（本地默认）",
             f"type: {kind}    # inquiry 质询/意见 | complaint 公开内容不实不全 | access 查阅复印",
             f"received: {as_of.isoformat()}", "# from: 反映人", "# about: records/…   # 涉及的记录", "# summary: 内容摘要",
             "# answered: 答复日期", "# answer: 答复内容"]
    return Draft(unit.dir / "feedback" / str(as_of.year) / f"{stem}.yaml", "feedback", "\n".join(lines) + "\n")


def inspection_draft(unit: UnitData, as_of: dt.date, *, name: str | None) -> Draft:
    assert unit.unit is not None
    lines = ["# 公开栏全覆盖检查（每年一次）：逐个公开栏记录问题、整改期限和完成日期",
             f"date: {as_of.isoformat()}", "# inspector: 镇民政办", "findings:"]
    boards = [b.id for b in unit.unit.boards] or ["main"]
    for board in boards:
        lines += [f"  - board: {board}", "    problems: []   # damaged 破 | old 旧 | rusty 锈 | messy 乱 | nonstandard 不规范 | missing 无公开栏",
                  "    # fix_by: 整改期限", "    # fixed: 整改完成日期"]
    stem = f"{as_of.year}-{_name(name)}" if name else str(as_of.year)
    return Draft(unit.dir / "inspections" / f"{stem}.yaml", "inspection", "\n".join(lines) + "\n")


def write(draft: Draft, root: Path) -> Path:
    """Write the draft with its schema line first; refuse an existing file. The schemas are written if missing."""
    from gongkai.scaffold import write_atomic

    if draft.path.exists():
        raise GongkaiError(msg("{p} 已经存在：不会覆盖。请编辑它，或换一个 --name / --period",
                               "{p} already exists and is never overwritten: edit it, or choose another --name / --period",
                               p=draft.path.as_posix()))
    home = schemas.home(root)
    try:
        write_atomic(draft.path, schemas.modeline(draft.path, draft.kind, home) + draft.text)
    except FileExistsError:
        raise GongkaiError(msg("{p} 已经存在：不会覆盖", "{p} already exists and is never overwritten",
                               p=draft.path.as_posix())) from None
    schemas.ensure(home)
    return draft.path


# ---------------------------------------------------------------- the quarter's checklist


@dataclass
class Entry:
    mark: str  # "x" met, "!" overdue, " " still to do
    ob: Obligation
    command: str | None


def checklist(unit: UnitData, as_of: dt.date, path: str = ".") -> tuple[S.Period, list[Entry]]:
    """What the unit owes this quarter (due within it) and whatever is still overdue, by due date; each open
    record with the command that starts it, run from where `gongkai new PATH` was (`path` is that PATH)."""
    quarter = S.quarter_of(as_of)
    uo = compute_unit(unit, as_of)
    out = []
    for ob in uo.obligations:
        this_quarter = quarter.contains(ob.due)
        overdue = ob.status == "overdue"
        if not (this_quarter or overdue):
            continue
        met = ob.status in ("met", "late", "early")
        mark = "x" if met else "!" if overdue else " "
        out.append(Entry(mark, ob, None if met else _command(unit, ob, path)))
    return quarter, out


def _command(unit: UnitData, ob: Obligation, path: str = ".") -> str | None:
    # the PATH the checklist was asked for, so that the command works where it was typed (`gongkai new dongzhuang`
    # at the town's root suggests `gongkai new record dongzhuang …`, not a command that asks for --unit)
    where = ("" if path in ("", ".") else f" {shlex.quote(path)}") + ("" if unit.id == "." else f" --unit {shlex.quote(unit.id)}")
    if ob.kind != "record" or not ob.item:
        return None
    if ob.rule in ("quarterly", "monthly"):
        return f"gongkai new record{where} --item {ob.item} --period {ob.period}"
    if ob.rule == "immediate":
        return f"gongkai new record{where} --item {ob.item} --event {ob.period}"
    if ob.rule == "standing":
        return f"gongkai new record{where} --item {ob.item}"
    if ob.rule in PHASES:
        project = ob.period.split("/")[0]
        period = f" --period {ob.period.rsplit('/', 1)[1]}" if ob.rule == "during" else ""
        return f"gongkai new record{where} --item {ob.item} --project {project} --phase {ob.rule}{period}"
    return None  # pragma: no cover - every record rule is listed above


def checklist_text(unit: UnitData, as_of: dt.date, lang: str, path: str = ".") -> str:
    quarter, entries = checklist(unit, as_of, path)
    zh = lang == "zh"
    who = unit.name if unit.id == "." else (f"{unit.name}（{unit.id}）" if zh else f"{unit.name} ({unit.id})")
    head = (f"{who}{quarter.label_zh}公开清单（截至 {as_of.isoformat()}）" if zh
            else f"{who}: checklist for {quarter} (as of {as_of.isoformat()})")
    lines = [shown(head), ""]
    # a broken unit.yaml or plan: what it owes cannot be computed, which is not "nothing due"
    unknown = compute_unit(unit, as_of).unknown
    for x in unknown:
        lines.append(shown(f"[?] {'无法计算' if zh else 'cannot be computed'}：{x.path}：{x.reason.get(lang)}" if zh
                           else f"[?] cannot be computed: {x.path}: {x.reason.get(lang)}"))
    if not entries and not unknown:
        lines.append("本季度没有到期的事项。" if zh else "nothing is due this quarter.")
    for e in entries:
        period = "" if e.ob.period in ("", str(e.ob.due.year)) else f" [{e.ob.period}]"
        lines.append(shown(f"[{e.mark}] {e.ob.due.isoformat()}  {e.ob.title}{period}"
                           + (f"  {e.ob.item}" if e.ob.item else "")))
        if e.command:
            lines.append(f"      {shown(e.command)}")
    legend = "[x] 已公开  [!] 已逾期  [ ] 待办" if zh else "[x] done  [!] overdue  [ ] to do"
    if unknown:
        legend += "  [?] 无法计算" if zh else "  [?] cannot be computed"
    lines += ["", legend]
    return "\n".join(lines) + "\n"
