"""`gongkai status` as text: table (terminal), csv (Excel), json, and html — one self-contained page for the
town office whose centre is an SVG heatmap (units × months or quarters) that prints on one A4 landscape page.

Pure functions of the Status and the language: the same repository and `--as-of` give byte-identical output.
"""

from __future__ import annotations

import json
from html import escape

from gongkai.problem import Msg
from gongkai.report.safe import visible
from gongkai.report.tabular import excel_csv, table_lines
from gongkai.status import LATE, NONE, ON_TIME, OVERDUE, STATE_LABEL, UPCOMING, Figures, Status, UnitStatus

FORMATS = ("table", "csv", "json", "html")
ADOPTION_LABEL = {
    "on-time": Msg("按时", "on time"),
    "late": Msg("迟了", "late"),
    "overdue": Msg("逾期", "overdue"),
    "pending": Msg("未到期", "not yet due"),
    "missing": Msg("无方案", "no plan"),
    "none": Msg("—", "—"),
}
COLORS = {ON_TIME: "#2e9e5b", LATE: "#e3a008", OVERDUE: "#c8161d", UPCOMING: "#c9d1d9", NONE: "#ffffff"}
TEXT_COLORS = {ON_TIME: "#ffffff", LATE: "#1f2328", OVERDUE: "#ffffff", UPCOMING: "#1f2328", NONE: "#8c959f"}

# (key, heading) of the summary columns, in the order of the table, the page and the CSV
COLUMNS: tuple[tuple[str, Msg], ...] = (
    ("due", Msg("已到期", "due")),
    ("on_time", Msg("按时", "on time")),
    ("late", Msg("迟办（天）", "late (days)")),
    ("overdue", Msg("逾期", "overdue")),
    ("upcoming", Msg("未到期", "not yet due")),
    ("not_applicable", Msg("不适用", "n/a")),
    ("coverage", Msg("方案覆盖", "plan coverage")),
    ("adoption_complete", Msg("方案程序完整", "adoption complete")),
    ("adoption_on_time", Msg("方案按时公布", "plan on time")),
    ("balanced", Msg("收支平衡", "balanced")),
    ("chained", Msg("余额衔接", "chained")),
    ("feedback", Msg("按时答复", "answered on time")),
    ("inspected", Msg("公开栏检查", "boards inspected")),
    ("errors", Msg("检查错误", "check errors")),
    ("rate", Msg("按时率", "on-time rate")),
)


# ---------------------------------------------------------------- words


def heading(status: Status, lang: str) -> str:
    town = status.town or ""
    if lang == "en":
        what = status.disclosure.en
        return f"{town + ': ' if town else ''}{what[0].upper() + what[1:]} in {status.year}"
    return f"{town}{status.year}年度{status.disclosure.zh}情况"


def title(status: Status, lang: str) -> str:
    if lang == "en":
        return f"{heading(status, lang)}, as of {status.as_of.isoformat()}"
    return f"{heading(status, lang)}（截至{status.as_of.isoformat()}）"


def rate_text(f: Figures, lang: str = "zh") -> str:
    if f.uncomputable:  # some obligations could not be computed: the rate is unknown, never that of what was read
        return UNCOMPUTABLE.get(lang)
    return "—" if f.rate is None else f"{f.rate * 100:.1f}%"


UNCOMPUTABLE = Msg("无法计算", "cannot be computed")


def _yes(flag: int, lang: str) -> str:
    return ("yes" if flag else "no") if lang == "en" else ("是" if flag else "否")


def _of(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "—"


def cells(f: Figures, row: UnitStatus | None, lang: str) -> dict[str, str]:
    """Display values of one row: a unit's (row given) or the town total's."""
    en = lang == "en"
    late = str(f.late) if not f.late else (f"{f.late} ({f.days_late} d)" if en else f"{f.late}（{f.days_late}天）")
    if f.early:
        late += f", {f.early} early" if en else f"，提前{f.early}"
    if f.unknown:
        late += f", {f.unknown} undated" if en else f"，日期不明{f.unknown}"
    out = {
        "due": f"{f.due}+?" if f.uncomputable else str(f.due),
        "on_time": str(f.on_time),
        "late": late,
        "overdue": str(f.overdue),
        "upcoming": str(f.upcoming),
        "not_applicable": str(f.not_applicable) if f.plans else "—",
        "coverage": _of(f.covered, f.catalog_items) if f.plans else "—",
        "balanced": _of(f.balanced, f.statements),
        "chained": _of(f.chained, f.statements),
        "feedback": _of(f.feedback_on_time, f.feedback_due),
        "errors": str(f.errors),
        "rate": rate_text(f, lang),
    }
    if row is not None:
        out["adoption_complete"] = _yes(f.adoption_complete, lang) if f.plans else "—"
        out["adoption_on_time"] = ADOPTION_LABEL[row.adoption].get(lang)
        if row.inspection_date:
            out["inspected"] = row.inspection_date.isoformat()[5:]
        elif row.inspection in ("pending", "due-soon"):
            out["inspected"] = ADOPTION_LABEL["pending"].get(lang)
        else:
            out["inspected"] = _yes(0, lang)
    else:
        out["adoption_complete"] = _of(f.adoption_complete, f.units)
        out["adoption_on_time"] = _of(f.adoption_on_time, f.units)
        out["inspected"] = _of(f.inspected, f.units)
    return out


def unit_label(row: UnitStatus, lang: str = "zh") -> str:
    if row.name == row.unit:
        return row.name
    return f"{row.name} ({row.unit})" if lang == "en" else f"{row.name}（{row.unit}）"


def total_label(status: Status, lang: str) -> str:
    n = status.total.units
    return f"Town total ({n} unit{'s' * (n != 1)})" if lang == "en" else f"合计（{n}个单位）"


def summary(status: Status, lang: str) -> str:
    f = status.total
    behind = [u.name for u in status.units if u.reasons]
    unknown = [u.name for u in status.units if u.uncomputable]
    if lang == "en":
        text = (f"{f.units} units. Due so far: {f.due}; on time {f.on_time}, late {f.late}, overdue {f.overdue}; "
                f"on-time rate {rate_text(f, lang)}. Not yet due: {f.upcoming}.")
        if unknown:
            text += (f" Obligations that cannot be computed (which is not \"nothing overdue\"): {', '.join(unknown)}; "
                     "run gongkai check.")
        return text + (f" Behind: {', '.join(behind)}." if behind else " No unit is behind.")
    text = (f"共 {f.units} 个单位。已到期 {f.due} 项：按时 {f.on_time} 项，迟办 {f.late} 项，逾期 {f.overdue} 项，"
            f"按时率 {rate_text(f, lang)}；未到期 {f.upcoming} 项。")
    if unknown:
        text += f"公开义务无法计算（不等于没有逾期）：{'、'.join(unknown)}，请运行 gongkai check 查看并改正。"
    return text + (f"需要关注：{'、'.join(behind)}。" if behind else "各单位均无问题。")


def rule_text(lang: str) -> str:
    if lang == "en":
        return ("Each obligation counts in the month (quarter) of its due date. Figures are what gongkai check "
                "computes; run gongkai check or gongkai overdue for the details.")
    return "每项义务按到期日计入月份（季度）。数字来自 gongkai check 的计算结果；详情请运行 gongkai check 或 gongkai overdue。"


# ---------------------------------------------------------------- table


def table(status: Status, lang: str) -> str:
    header = [Msg("单位", "unit").get(lang)] + [h.get(lang) for _, h in COLUMNS]
    body = [[unit_label(u, lang)] + [cells(u.figures, u, lang)[k] for k, _ in COLUMNS] for u in status.units]
    body.append([total_label(status, lang)] + [cells(status.total, None, lang)[k] for k, _ in COLUMNS])
    lines = [visible(title(status, lang)), visible(summary(status, lang)), ""]
    lines += table_lines(header, [[visible(c) for c in row] for row in body], indent="")
    behind = [u for u in status.units if u.reasons]
    if behind:
        lines += ["", "原因：" if lang != "en" else "Why:"]
        for u in behind:
            lines.append(f"  {visible(unit_label(u, lang))}")
            lines += [f"    - {visible(r.get(lang))}" for r in u.reasons]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- csv


CSV_FIELDS = ("due", "on_time", "early", "late", "days_late", "overdue", "unknown", "uncomputable", "upcoming", "not_applicable",
              "plans", "covered", "catalog_items", "adoption_complete", "adoption_on_time", "statements", "balanced",
              "chained", "feedback_due", "feedback_on_time", "inspected", "errors")
CSV_HEAD = {
    "unit": Msg("单位编号", "unit"), "unit_name": Msg("单位", "unit name"), "due": Msg("已到期", "due"),
    "on_time": Msg("按时", "on time"), "early": Msg("提前", "early"), "late": Msg("迟办", "late"),
    "days_late": Msg("迟办天数", "days late"), "overdue": Msg("逾期", "overdue"), "unknown": Msg("日期不明", "unknown"),
    "uncomputable": Msg("义务无法计算", "obligations cannot be computed"),
    "upcoming": Msg("未到期", "not yet due"), "not_applicable": Msg("不适用", "not applicable"),
    "plans": Msg("有方案", "plan"), "covered": Msg("方案已列目录事项", "catalog items covered"),
    "catalog_items": Msg("目录事项", "catalog items"), "adoption_complete": Msg("方案程序完整", "adoption complete"),
    "adoption_on_time": Msg("方案按时公布", "plan published on time"), "statements": Msg("收支表", "statements"),
    "balanced": Msg("收支平衡", "balanced"), "chained": Msg("余额衔接", "chained"),
    "feedback_due": Msg("应答复", "answers due"), "feedback_on_time": Msg("按时答复", "answered on time"),
    "inspected": Msg("公开栏已检查", "boards inspected"), "inspection_date": Msg("检查日期", "inspection date"),
    "on_time_rate": Msg("按时率", "on-time rate"), "errors": Msg("检查错误", "check errors"),
}


def csv_text(status: Status, lang: str) -> str:
    """For Excel: a BOM (Chinese intact), CRLF, the figures as numbers; the last row is the town total."""
    keys = ("unit", "unit_name", *CSV_FIELDS, "inspection_date", "on_time_rate")
    rows: list[list[object]] = []
    for u in status.units:
        f = u.figures
        rows.append([visible(u.unit), visible(u.name), *(getattr(f, k) for k in CSV_FIELDS),
                     u.inspection_date.isoformat() if u.inspection_date else "",
                     rate_text(f, lang) if f.rate is not None or f.uncomputable else ""])
    t = status.total
    rows.append(["", total_label(status, lang), *(getattr(t, k) for k in CSV_FIELDS), "",
                 rate_text(t, lang) if t.rate is not None or t.uncomputable else ""])
    return excel_csv([CSV_HEAD[k].get(lang) for k in keys], rows)


# ---------------------------------------------------------------- json


def json_text(status: Status, lang: str = "zh") -> str:
    data = {
        "as_of": status.as_of.isoformat(),
        "year": status.year,
        "columns": status.columns,
        "units": [{
            "unit": u.unit, "unit_name": u.name, "kind": u.kind, **u.figures.as_json(),
            "inspection_date": u.inspection_date.isoformat() if u.inspection_date else None,
            "inspection": u.inspection or None,
            "plan_publication": u.adoption,
            "cells": [{"period": c.label, "state": c.state, "total": c.total, "counts": dict(c.counts)} for c in u.cells],
            "reasons": [r.get(lang) for r in u.reasons],
            "uncomputable_reasons": [r.get(lang) for r in u.uncomputable],
        } for u in status.units],
        "total": status.total.as_json(),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- html: one page, SVG heatmap, A4 landscape


CSS = """
@page { size: A4 landscape; margin: 10mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "微软雅黑", sans-serif;
       color: #1f2328; margin: 0 auto; padding: 8mm 10mm; max-width: 297mm; line-height: 1.45; font-size: 10.5pt; }
header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 2px solid #c8161d;
         padding-bottom: 2mm; margin-bottom: 3mm; }
h1 { font-size: 17pt; margin: 0; letter-spacing: .02em; }
header .asof { color: #57606a; white-space: nowrap; margin-left: 4mm; }
p.summary { margin: 0 0 3mm; font-size: 11pt; }
.kpis { display: flex; gap: 3mm; margin: 0 0 3mm; }
.kpi { flex: 1; border: 1px solid #d0d7de; border-radius: 2mm; padding: 1.5mm 3mm; }
.kpi b { display: block; font-size: 16pt; line-height: 1.2; }
.kpi span { color: #57606a; font-size: 9pt; }
.kpi.bad b { color: #c8161d; }
.kpi.warn b { color: #9a6700; }
figure { margin: 0 0 3mm; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { color: #57606a; font-size: 8.5pt; margin-top: 1mm; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border: 1px solid #d0d7de; padding: .8mm 1.5mm; text-align: center; white-space: nowrap; }
th { background: #f6f8fa; font-weight: 600; white-space: normal; }
td.name, th.name { text-align: left; }
tr.total td { font-weight: 700; background: #f6f8fa; border-top: 2px solid #57606a; }
td.bad { color: #c8161d; font-weight: 700; }
td.warn { color: #9a6700; font-weight: 700; }
section.why { margin-top: 3mm; font-size: 9pt; display: grid; grid-template-columns: 1fr 1fr; column-gap: 8mm; }
section.why h2 { font-size: 10.5pt; margin: 0 0 1mm; grid-column: 1 / -1; }
section.why div { break-inside: avoid; margin-bottom: 1.5mm; }
section.why ul { margin: .5mm 0 0; padding-left: 5mm; }
footer { margin-top: 3mm; color: #57606a; font-size: 8pt; }
@media print {
  body { padding: 0; max-width: none; font-size: 9.5pt; }
  figure svg { max-height: 100mm; }
  .kpis { display: none; }
  table { font-size: 8.5pt; }
  section.why { font-size: 8.5pt; }
}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(text: str) -> str:
    """HTML text: escaped, control characters shown (a tooltip's own line breaks stay line breaks)."""
    return escape("\n".join(visible(line) for line in text.split("\n")), quote=True)


def column_heads(status: Status, lang: str) -> list[str]:
    if status.columns == "quarter":
        return [f"Q{n}" if lang == "en" else f"第{'一二三四'[n - 1]}季度" for n in range(1, 5)]
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return list(months) if lang == "en" else [f"{m}月" for m in range(1, 13)]


def heatmap(status: Status, lang: str) -> str:
    """Units (rows) by months or quarters (columns); each square coloured by the worst state of the obligations
    due in it and showing how many there are; the last column is the on-time rate; a legend underneath."""
    heads = column_heads(status, lang)
    ncols = len(heads)
    # rows get lower as units get more, so that a town of 15 units still prints its heatmap full width
    label_w, rate_w, head_h, legend_h = 150, 86, 26, 34
    row_h = max(20, min(30, 300 // max(len(status.units), 1)))
    cell_w = (1000 - label_w - rate_w) / ncols
    width = label_w + cell_w * ncols + rate_w
    height = head_h + row_h * max(len(status.units), 1) + legend_h
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height}" role="img" '
           f'aria-label="{_e(Msg("各单位逐月完成情况", "units by month").get(lang))}" '
           'font-family="Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif">']
    for i, h in enumerate(heads):
        x = label_w + cell_w * i + cell_w / 2
        out.append(f'<text x="{x:.1f}" y="{head_h - 8}" font-size="13" text-anchor="middle" fill="#57606a">{_e(h)}</text>')
    out.append(f'<text x="{label_w + cell_w * ncols + rate_w / 2:.1f}" y="{head_h - 8}" font-size="13" '
               f'text-anchor="middle" fill="#57606a">{_e(Msg("按时率", "on time").get(lang))}</text>')
    for r, u in enumerate(status.units):
        y = head_h + row_h * r
        weight = ' font-weight="bold"' if u.reasons else ""
        out.append(f'<text x="{label_w - 10}" y="{y + row_h / 2 + 5:.1f}" font-size="{min(14, row_h - 6)}" text-anchor="end"'
                   f'{weight} fill="{"#c8161d" if u.figures.overdue or u.uncomputable else "#1f2328"}">'
                   f'{_e(visible(u.name))}</text>')
        for i, c in enumerate(u.cells):
            x = label_w + cell_w * i
            tip = _tooltip(u, c, lang)
            stroke = "#d0d7de" if c.state == NONE else "#ffffff"
            out.append(f'<g><title>{_e(tip)}</title><rect x="{x + 1.5:.1f}" y="{y + 1.5}" width="{cell_w - 3:.1f}" '
                       f'height="{row_h - 3}" rx="3" fill="{COLORS[c.state]}" stroke="{stroke}"/>')
            if c.total:
                bad = sum(n for s, n in c.counts if s in (OVERDUE, LATE))
                text = f"{bad}/{c.total}" if bad else str(c.total)
                bold = ' font-weight="bold"' if bad else ""
                out.append(f'<text x="{x + cell_w / 2:.1f}" y="{y + row_h / 2 + 5:.1f}" font-size="13" text-anchor="middle" '
                           f'fill="{TEXT_COLORS[c.state]}"{bold}>{_e(text)}</text>')
            out.append("</g>")
        f = u.figures
        x0 = label_w + cell_w * ncols + 10
        bar = rate_w - 20
        out.append(f'<rect x="{x0}" y="{y + 5}" width="{bar}" height="{row_h - 10}" fill="#eaeef2" rx="2"/>')
        if f.rate is not None:
            colour = COLORS[ON_TIME] if f.rate >= 0.995 else COLORS[LATE] if f.rate >= 0.9 else COLORS[OVERDUE]
            out.append(f'<rect x="{x0}" y="{y + 5}" width="{bar * f.rate:.1f}" height="{row_h - 10}" fill="{colour}" rx="2"/>')
        out.append(f'<text x="{x0 + bar / 2:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="{min(12, row_h - 8)}" text-anchor="middle" '
                   f'fill="{"#c8161d" if f.uncomputable else "#1f2328"}" font-weight="bold">{_e(rate_text(f, lang))}</text>')
    # legend
    y = head_h + row_h * max(len(status.units), 1) + 12
    x = float(label_w)
    for state in (ON_TIME, LATE, OVERDUE, UPCOMING, NONE):
        out.append(f'<rect x="{x:.1f}" y="{y}" width="16" height="16" rx="3" fill="{COLORS[state]}" stroke="#d0d7de"/>')
        label = STATE_LABEL[state].get(lang)
        out.append(f'<text x="{x + 22:.1f}" y="{y + 13}" font-size="13" fill="#1f2328">{_e(label)}</text>')
        x += 40 + 14 * len(label) if lang != "en" else 40 + 7 * len(label)
    note = Msg("格内数字：到期事项数；“2/7”表示 7 项中 2 项迟办或逾期", "number: obligations due; 2/7: 2 of 7 late or overdue")
    out.append(f'<text x="{width - 4:.0f}" y="{y + 13}" font-size="12" text-anchor="end" fill="#57606a">'
               f'{_e(note.get(lang))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _tooltip(u: UnitStatus, c, lang: str) -> str:  # type: ignore[no-untyped-def]
    head = f"{u.name} {c.label}"
    if not c.items:
        return head + ("：无到期事项" if lang != "en" else ": nothing due")
    lines = [head]
    for due, what, period, state in c.items:
        lines.append(f"{due} {what}（{period}）：{STATE_LABEL[state].get(lang)}" if lang != "en"
                     else f"{due} {what} ({period}): {STATE_LABEL[state].get(lang)}")
    return "\n".join(lines)


def _kpis(status: Status, lang: str) -> str:
    f = status.total
    items = [
        ("", str(f.units), Msg("个单位", "units")),
        ("", str(f.due), Msg("项已到期", "due so far")),
        ("bad" if f.uncomputable else "", rate_text(f, lang), Msg("按时率", "on-time rate")),
        ("warn" if f.late else "", str(f.late), Msg("项迟办", "late")),
        ("bad" if f.overdue else "", str(f.overdue), Msg("项逾期", "overdue")),
        ("", str(f.upcoming), Msg("项未到期", "not yet due")),
    ]
    return '<div class="kpis">' + "".join(
        f'<div class="kpi {cls}"><b>{_e(value)}</b><span>{_e(label.get(lang))}</span></div>'
        for cls, value, label in items) + "</div>"


def _row(label: str, f: Figures, row: UnitStatus | None, lang: str, cls: str = "") -> str:
    values = cells(f, row, lang)
    tds = [f'<td class="name">{_e(label)}</td>']
    for key, _ in COLUMNS:
        mark = ""
        if key == "overdue" and f.overdue:
            mark = "bad"
        elif key == "late" and f.late:
            mark = "warn"
        elif key in ("balanced", "chained") and getattr(f, key) < f.statements:
            mark = "bad"
        elif key == "coverage" and f.covered < f.catalog_items and f.plans:
            mark = "warn"
        elif key == "inspected" and row is not None and row.inspection == "overdue":
            mark = "bad"
        elif key == "errors" and f.errors:
            mark = "bad"
        elif key in ("due", "rate") and f.uncomputable:
            mark = "bad"
        elif key == "feedback" and f.feedback_on_time < f.feedback_due:
            mark = "bad"
        tds.append(f'<td class="{key} {mark}">' if mark else f'<td class="{key}">')
        tds[-1] += f"{_e(values[key])}</td>"
    return f'<tr class="{cls}">' + "".join(tds) + "</tr>" if cls else "<tr>" + "".join(tds) + "</tr>"


def html(status: Status, lang: str) -> str:
    page_title = title(status, lang)
    heads = "".join(f"<th>{_e(h.get(lang))}</th>" for _, h in COLUMNS)
    rows = [_row(unit_label(u, lang), u.figures, u, lang) for u in status.units]
    rows.append(_row(total_label(status, lang), status.total, None, lang, "total"))
    behind = [u for u in status.units if u.reasons]
    why = []
    if behind:
        why.append('<section class="why">')
        why.append(f"<h2>{_e(Msg('哪些单位落后，为什么', 'Which units are behind, and why').get(lang))}</h2>")
        for u in behind:
            why.append(f"<div><b>{_e(unit_label(u, lang))}</b><ul>"
                       + "".join(f"<li>{_e(r.get(lang))}</li>" for r in u.reasons) + "</ul></div>")
        why.append("</section>")
    caption = Msg("各单位逐月（按到期日）公开义务完成情况。鼠标停在格子上可看到具体事项。",
                  "Each unit's obligations by the month of their due date; hover over a square to see them.")
    if status.columns == "quarter":
        caption = Msg("各单位逐季度（按到期日）公开义务完成情况。鼠标停在格子上可看到具体事项。",
                      "Each unit's obligations by the quarter of their due date; hover over a square to see them.")
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-CN"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="generator" content="gongkai">',
        f"<title>{_e(page_title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{_e(heading(status, lang))}</h1>"
        f'<span class="asof">{_e(Msg("截至 ", "as of ").get(lang) + status.as_of.isoformat())}</span></header>',
        f'<p class="summary">{_e(summary(status, lang))}</p>',
        _kpis(status, lang),
        "<figure>",
        heatmap(status, lang),
        f"<figcaption>{_e(caption.get(lang))}</figcaption>",
        "</figure>",
        "<table>",
        f'<thead><tr><th class="name">{_e(Msg("单位", "unit").get(lang))}</th>{heads}</tr></thead>',
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
        *why,
        f"<footer>{_e(rule_text(lang))}</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def render(status: Status, fmt: str, lang: str) -> str:
    if fmt == "table":
        return table(status, lang)
    if fmt == "csv":
        return csv_text(status, lang)
    if fmt == "json":
        return json_text(status, lang)
    if fmt == "html":
        return html(status, lang)
    raise ValueError(fmt)
