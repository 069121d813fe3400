"""`gongkai calendar` as text: table (terminal), md, and ics — an RFC 5545 calendar for phones.

Pure functions of the Calendar and the language: the same repository and `--as-of` give byte-identical
output (the .ics's DTSTAMP is the --as-of date, never the clock).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from gongkai import __version__
from gongkai import ics as I
from gongkai.deadlines import Calendar, Deadline
from gongkai.obligations import Unknown
from gongkai.problem import Msg
from gongkai.report.overdue_formats import KIND_LABEL
from gongkai.report.safe import shown as visible
from gongkai.report.tabular import md_cell, md_code, table_lines

FORMATS = ("table", "md", "ics")
HEAD = {
    "due": Msg("到期日", "due"),
    "what": Msg("事项", "what"),
    "item": Msg("事项编号", "item"),
    "status": Msg("状态", "status"),
    "responsible": Msg("责任人", "responsible"),
    "path": Msg("来源文件", "source"),
}
COLUMNS = ("due", "status", "item", "responsible", "path", "what")  # the long title last, for narrow terminals
PAGE_COLUMNS = ("due", "what", "item", "status", "responsible", "path")


def status_text(d: Deadline, lang: str) -> str:
    en = lang == "en"
    s = "s" * (d.days != 1)
    if d.status == "met":
        return f"done {d.met}" if en else f"已完成（{d.met}）"
    if d.status == "early":
        return f"done early {d.met}" if en else f"提前（{d.met}）"
    if d.status == "late":
        return f"done {d.days} day{s} late" if en else f"迟 {d.days} 天完成（{d.met}）"
    if d.status == "overdue":
        return f"{d.days} day{s} overdue" if en else f"逾期 {d.days} 天"
    if d.status == "due-soon":
        return ("due today" if en else "今天到期") if d.days == 0 else (f"{d.days} day{s} left" if en else f"还剩 {d.days} 天")
    if d.status == "unknown":
        return "date unreadable" if en else "日期无法识别"
    return "not yet due" if en else "未到期"


def title(cal: Calendar, lang: str) -> str:
    who = cal.town or (cal.units[0][1] if len(cal.units) == 1 else "")
    if lang == "en":
        return f"{who + ': ' if who else ''}disclosure deadlines of {cal.year}"
    return f"{who}{cal.year}年公开期限"


def where(d: Deadline) -> str:
    return f"{d.path}:{d.line}" if d.line else d.path


def _cells(d: Deadline, lang: str) -> dict[str, str]:
    return {"due": d.due.isoformat(), "what": d.what, "item": d.item or KIND_LABEL[d.kind].get(lang),
            "status": status_text(d, lang), "responsible": d.responsible or "", "path": where(d)}


def _heading(cal: Calendar, unit: str, name: str, lang: str) -> str:
    n = len(cal.of(unit))
    label = name if name == unit else (f"{name} ({unit})" if lang == "en" else f"{name}（{unit}）")
    if cal.unknown_of(unit):  # never "0 deadlines" for a unit whose deadlines could not be computed
        return (f"{label}: {n} deadline{'s' * (n != 1)} known, others cannot be computed" if lang == "en"
                else f"{label}：{n} 个期限，另有期限无法计算")
    return f"{label}: {n} deadline{'s' * (n != 1)}" if lang == "en" else f"{label}：{n} 个期限"


def unknown_text(x: Unknown, lang: str) -> str:
    """One line for what could not be computed: the broken file and why."""
    return f"{UNKNOWN_LABEL.get(lang)}: {x.path}: {x.reason.en}" if lang == "en" else \
        f"{UNKNOWN_LABEL.get(lang)}：{x.path}：{x.reason.zh}"


UNKNOWN_LABEL = Msg("无法计算", "cannot be computed")


def _note(cal: Calendar, lang: str) -> str:
    if lang == "en":
        return f"As of {cal.as_of}; every deadline falling in {cal.year}, per unit, in date order."
    return f"截至 {cal.as_of}；{cal.year} 年内到期的全部公开期限，按单位、按日期排列。"


def table(cal: Calendar, lang: str) -> str:
    lines = [title(cal, lang), _note(cal, lang), ""]
    for unit, name in cal.units:
        rows = cal.of(unit)
        lines.append(visible(_heading(cal, unit, name, lang)))
        lines += [f"  ！{visible(unknown_text(x, lang))}" for x in cal.unknown_of(unit)]
        if rows:
            header = [HEAD[c].get(lang) for c in COLUMNS]
            lines += table_lines(header, [[visible(_cells(d, lang)[c]) for c in COLUMNS] for d in rows])
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def md(cal: Calendar, lang: str) -> str:
    lines = [f"# {md_cell(title(cal, lang))}", "", _note(cal, lang), ""]
    for unit, name in cal.units:
        rows = cal.of(unit)
        lines += [f"## {md_cell(visible(_heading(cal, unit, name, lang)))}", ""]
        lines += [f"**{md_cell(visible(unknown_text(x, lang)))}**\n" for x in cal.unknown_of(unit)]
        if not rows:
            continue
        lines.append("| " + " | ".join(HEAD[c].get(lang) for c in PAGE_COLUMNS) + " |")
        lines.append("|" + "|".join("---" for _ in PAGE_COLUMNS) + "|")
        for d in rows:
            c = {k: md_cell(visible(v)) for k, v in _cells(d, lang).items()}
            c["status"] = f"**{c['status']}**" if d.status == "overdue" and c["status"] else c["status"]
            raw = _cells(d, lang)  # ids and paths in code spans, shown as written (escapes would show there)
            c["item"] = md_code(visible(raw["item"])) if d.item else c["item"]
            c["path"] = md_code(visible(raw["path"]))
            lines.append("| " + " | ".join(c[k] for k in PAGE_COLUMNS) + " |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- ics (RFC 5545)

VERB = {"record": Msg("公开", "publish"), "plan": Msg("制定并公布", "adopt and publish"),
        "plan-publication": Msg("公布", "publish"), "feedback": Msg("答复", "answer"),
        "inspection": Msg("完成检查", "inspect"), "fix": Msg("整改", "put right")}


def summary(d: Deadline, lang: str) -> str:
    """What the phone shows: 东庄村：村级财务收支情况（2024年第四季度）, marked ✓ once done, 【逾期】 when overdue."""
    text = f"{d.unit_name}：{d.what}" if lang != "en" else f"{d.unit_name}: {d.what}"
    if d.done:
        return "✓ " + text
    if d.status == "overdue":
        return ("【逾期】" if lang != "en" else "[overdue] ") + text
    return text


def description(d: Deadline, lang: str) -> str:
    en = lang == "en"
    rows = [
        (("item" if en else "事项"), d.item or KIND_LABEL[d.kind].get(lang)),
        (("period" if en else "期间"), d.period),
        (("due" if en else "期限"), f"{VERB[d.kind].get(lang)} by {d.due}" if en else f"应于 {d.due} 前{VERB[d.kind].zh}"),
        (("status" if en else "状态"), status_text(d, lang)),
    ]
    if d.responsible:
        rows.append((("responsible" if en else "责任人"), d.responsible))
    rows += [(("basis" if en else "依据"), d.basis.get(lang)), (("source" if en else "来源文件"), where(d))]
    sep = ": " if en else "："
    return "\n".join(f"{k}{sep}{v}" for k, v in rows)


def calendar_name(cal: Calendar, lang: str) -> str:
    return title(cal, lang)


def ics(cal: Calendar, lang: str, remind_days: int = 3) -> str:
    """VCALENDAR (VERSION 2.0, PRODID) of all-day VEVENTs, one per deadline: DTSTART;VALUE=DATE on the due day,
    a stable UID, DTSTAMP from --as-of; a VALARM `remind_days` before (at 09:00) on each deadline still open."""
    out = I.lines([
        ("BEGIN", "VCALENDAR"),
        ("VERSION", "2.0"),
        ("PRODID", f"-//gongkai//gongkai {__version__}//{'EN' if lang == 'en' else 'ZH'}"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("X-WR-CALNAME", I.escape(calendar_name(cal, lang))),
    ])
    dtstamp = I.stamp(cal.as_of)
    for d in cal.by_date():
        props = [
            ("BEGIN", "VEVENT"),
            ("UID", d.uid),
            ("DTSTAMP", dtstamp),
            ("DTSTART;VALUE=DATE", I.date_value(d.due)),
            ("DTEND;VALUE=DATE", I.date_value(d.due + dt.timedelta(days=1))),
            ("SUMMARY", I.escape(visible(summary(d, lang)))),
            ("DESCRIPTION", I.escape("\n".join(visible(x) for x in description(d, lang).split("\n")))),
            ("CATEGORIES", I.escape(KIND_LABEL[d.kind].get(lang))),
            ("TRANSP", "TRANSPARENT"),
        ]
        if not d.done and d.status != "unknown":
            props += [
                ("BEGIN", "VALARM"),
                ("ACTION", "DISPLAY"),
                ("DESCRIPTION", I.escape(visible(summary(d, lang)))),
                ("TRIGGER", I.trigger_before(remind_days)),
                ("END", "VALARM"),
            ]
        props.append(("END", "VEVENT"))
        out += I.lines(props)
    names = dict(cal.units)
    for x in cal.unknown:  # on the --as-of day, so that the phone shows that deadlines are missing, not none
        uid = hashlib.sha256(f"{x.unit}\x1funknown|{x.kind}|{x.period}|{x.path}".encode()).hexdigest()[:32] + "@gongkai"
        text = f"【{UNKNOWN_LABEL.get(lang)}】{names.get(x.unit, x.unit)}" if lang != "en" else \
            f"[{UNKNOWN_LABEL.get(lang)}] {names.get(x.unit, x.unit)}"
        out += I.lines([
            ("BEGIN", "VEVENT"),
            ("UID", uid),
            ("DTSTAMP", dtstamp),
            ("DTSTART;VALUE=DATE", I.date_value(cal.as_of)),
            ("DTEND;VALUE=DATE", I.date_value(cal.as_of + dt.timedelta(days=1))),
            ("SUMMARY", I.escape(visible(text))),
            ("DESCRIPTION", I.escape(visible(unknown_text(x, lang)))),
            ("CATEGORIES", I.escape(UNKNOWN_LABEL.get(lang))),
            ("TRANSP", "TRANSPARENT"),
            ("END", "VEVENT"),
        ])
    return out + I.lines([("END", "VCALENDAR")])


def render(cal: Calendar, fmt: str, lang: str, remind_days: int = 3) -> str:
    if fmt == "table":
        return table(cal, lang)
    if fmt == "md":
        return md(cal, lang)
    if fmt == "ics":
        return ics(cal, lang, remind_days)
    raise ValueError(fmt)
