"""The overdue report as text: table (terminal), md, html (one self-contained page), json (SPEC), csv (Excel).

Every function here is a pure function of the report and the language: the same repository and
`--as-of` give byte-identical output. The mail (gongkai.mail) reuses `plain` and `html` for its parts.

Every value read from the repository (titles, names, periods, file names, whatever a row holds) goes
through `public` first: resident IDs and mobile numbers masked exactly as `render` masks them
(gongkai.personal), and, in the formats people read (table, plain text, md, html, csv), control, bidi and
undecodable characters shown escaped (`\\x1b`, `\\n`, gongkai.report.safe) so that no value forges a line
or runs a terminal sequence. JSON keeps the values (masked) and escapes the rest as JSON does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any

from gongkai.overdue import DUE_SOON, OVERDUE, UNKNOWN, Report, Row, Section
from gongkai.personal import mask
from gongkai.problem import Msg
from gongkai.report.safe import json_safe, shown
from gongkai.report.tabular import excel_csv, md_cell, md_code, table_lines

FORMATS = ("table", "md", "html", "json", "csv", "email")

KIND_LABEL = {
    "record": Msg("公开记录", "record"),
    "plan": Msg("年度方案", "annual plan"),
    "plan-publication": Msg("方案公布", "plan publication"),
    "feedback": Msg("答复", "answer"),
    "inspection": Msg("公开栏检查", "board inspection"),
    "fix": Msg("公开栏整改", "board repair"),
    "unit": Msg("单位信息", "unit profile"),
}
HEAD = {
    "unit": Msg("单位编号", "unit"),
    "unit_name": Msg("单位", "unit name"),
    "kind": Msg("类别", "kind"),
    "item": Msg("事项编号", "item"),
    "title": Msg("事项", "title"),
    "period": Msg("期间", "period"),
    "due": Msg("到期日", "due"),
    "status": Msg("状态", "status"),
    "days": Msg("天数", "days"),
    "responsible": Msg("责任人", "responsible"),
    "path": Msg("文件", "file"),
}
# the long title last, so that a narrow terminal wraps only the end of each line
TABLE_COLUMNS = ("due", "status", "period", "item", "responsible", "path", "title")
PAGE_COLUMNS = ("due", "status", "title", "period", "item", "responsible", "path")


# ---------------------------------------------------------------- what may be printed

_KEEP_ROW = frozenset({"status"})  # words of gongkai's own, compared against OVERDUE / DUE_SOON
_KEEP_SECTION = frozenset({"kind", "emails"})  # the addresses are where the mail goes, not what it says


def _each(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, Msg):
        return Msg(fn(value.zh), fn(value.en))
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return tuple(fn(v) for v in value)
    return value


def public(report: Report, readable: bool = True) -> Report:
    """The report with every text field of every row and section (whatever rows there are, of whatever
    kind) masked, and with `readable` also shown escaped; idempotent, so formatters may call it again."""
    fn = shown if readable else mask

    def row(r: Row) -> Row:
        return replace(r, **{f.name: _each(getattr(r, f.name), fn) for f in fields(r) if f.name not in _KEEP_ROW})

    def section(s: Section) -> Section:
        changed = {f.name: _each(getattr(s, f.name), fn) for f in fields(s) if f.name not in _KEEP_SECTION | {"rows"}}
        return replace(s, rows=tuple(row(r) for r in s.rows), **changed)

    return replace(report, town=fn(report.town) if report.town else report.town,
                   sections=tuple(section(s) for s in report.sections))


# ---------------------------------------------------------------- words shared by every format


def status_text(row: Row, lang: str) -> str:
    if row.status == UNKNOWN:
        return "无法计算" if lang != "en" else "cannot be computed"
    if row.status == OVERDUE:
        return f"逾期 {row.days} 天" if lang != "en" else f"{row.days} day{'s' * (row.days != 1)} overdue"
    if row.days == 0:
        return "今天到期" if lang != "en" else "due today"
    return f"还剩 {row.days} 天" if lang != "en" else f"{row.days} day{'s' * (row.days != 1)} left"


def counts_text(overdue: int, due_soon: int, lang: str, unknown: int = 0) -> str:
    """`3项逾期，5项即将到期` — the phrase of the subject line and the summaries. What could not be computed comes
    first, and then never reads as "nothing overdue"."""
    if lang == "en":
        if unknown:
            return f"{unknown} cannot be computed, {overdue} overdue, {due_soon} due soon"
        if not overdue and not due_soon:
            return "nothing overdue or due soon"
        return f"{overdue} overdue, {due_soon} due soon"
    if unknown:
        return (f"{unknown}项无法计算，" + (f"{overdue}项逾期" if overdue else "其余无逾期") + "，"
                + (f"{due_soon}项即将到期" if due_soon else "无即将到期"))
    if not overdue and not due_soon:
        return "没有逾期或即将到期的事项"
    return (f"{overdue}项逾期" if overdue else "无逾期") + "，" + (f"{due_soon}项即将到期" if due_soon else "无即将到期")


def title(report: Report, lang: str, unit_name: str | None = None) -> str:
    """`花园口镇村（居）务公开逾期提醒（截至2024-07-15）`; a unit's own part names the unit."""
    only = report.sections[0].name if len(report.sections) == 1 else None
    who = shown(unit_name) or report.town or only or ""
    what = report.disclosure.get(lang)
    if lang == "en":
        return f"{who + ': ' if who else ''}{what}, overdue report as of {report.as_of.isoformat()}"
    return f"{who}{what}逾期提醒（截至{report.as_of.isoformat()}）"


def window_text(report: Report, lang: str) -> str:
    days = report.window
    if days is None:
        return "即将到期指在各单位设定的提醒天数内到期" if lang != "en" else "due soon: within each unit's reminder window"
    return f"即将到期指 {days} 天内到期" if lang != "en" else f"due soon: due within {days} days"


def section_heading(section: Section, lang: str) -> str:
    name = section.name if section.name == section.unit else f"{section.name}（{section.unit}）"
    if lang == "en":
        name = section.name if section.name == section.unit else f"{section.name} ({section.unit})"
        return f"{name}: {counts_text(section.overdue, section.due_soon, lang, section.unknown)}"
    return f"{name}：{counts_text(section.overdue, section.due_soon, lang, section.unknown)}"


def clean_units(report: Report) -> list[Section]:
    return [s for s in report.sections if not s.rows]


def where(row: Row) -> str:
    return f"{row.path}:{row.line}" if row.line else row.path


def period_text(row: Row) -> str:
    return row.period


def cells(row: Row, lang: str) -> dict[str, str]:
    return {
        "unit": row.unit,
        "unit_name": row.unit_name,
        "kind": KIND_LABEL.get(row.kind, Msg(row.kind, row.kind)).get(lang),
        "item": row.item,
        "title": row.reason.get(lang) if row.reason else row.title,
        "period": period_text(row),
        "due": row.due.isoformat() if row.due else "—",
        "status": status_text(row, lang),
        "days": str(row.days),
        "responsible": row.responsible or "",
        "path": where(row),
    }


# ---------------------------------------------------------------- table (terminal and the plain-text mail part)


def table(report: Report, lang: str) -> str:
    report = public(report)
    lines = [title(report, lang), _summary(report, lang), ""]
    for s in report.sections:
        if not s.rows:
            continue
        lines.append(section_heading(s, lang))
        header = [HEAD[c].get(lang) for c in TABLE_COLUMNS]
        lines.extend(table_lines(header, [[cells(r, lang)[c] for c in TABLE_COLUMNS] for r in s.rows]))
        lines.append("")
    clean = clean_units(report)
    if clean and not report.empty:
        lines.append(_clean_line(clean, lang))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _summary(report: Report, lang: str) -> str:
    if report.empty:
        return counts_text(0, 0, lang) + ("。" if lang != "en" else ".")
    total = counts_text(report.overdue, report.due_soon, lang, report.unknown)
    if lang == "en":
        return f"In all: {total} ({window_text(report, lang)})."
    return f"合计：{total}（{window_text(report, lang)}）。"


def _clean_line(clean: list[Section], lang: str) -> str:
    names = [s.name for s in clean]
    if lang == "en":
        return "Nothing overdue or due soon: " + ", ".join(names) + "."
    return "没有逾期或即将到期事项的单位：" + "、".join(names) + "。"


# ---------------------------------------------------------------- plain text: the mail's text part


def plain(report: Report, lang: str, unit_name: str | None = None) -> str:
    """One block per item: mail programs show text in proportional fonts, where no table stays aligned."""
    en = lang == "en"
    report = public(report)
    lines = [title(report, lang, unit_name), _summary(report, lang), ""]
    for s in report.sections:
        if not s.rows:
            continue
        lines += [f"【{section_heading(s, lang)}】" if not en else f"== {section_heading(s, lang)} ==", ""]
        for n, r in enumerate(s.rows, 1):
            c = cells(r, lang)
            due = "" if r.due is None else f"（应于 {c['due']} 完成）" if not en else f" (due {c['due']})"
            what = f"{r.item} {r.title}" if r.item else r.title
            meta = [f"期间：{c['period']}" if not en else f"period: {c['period']}"]
            if r.responsible:
                meta.append(f"责任人：{r.responsible}" if not en else f"responsible: {r.responsible}")
            lines += [f"{n}. {c['status']}{due}", f"   {what}", "   " + ("；" if not en else "; ").join(meta),
                      f"   文件：{c['path']}" if not en else f"   file: {c['path']}", ""]
    clean = clean_units(report)
    if clean and not report.empty:
        lines += [_clean_line(clean, lang), ""]
    lines.append(_footer(lang))
    return "\n".join(lines).rstrip("\n") + "\n"


def _footer(lang: str) -> str:
    if lang == "en":
        return "Made by gongkai from the repository's plans and records; run gongkai check for the details."
    return "本提醒由 gongkai 根据仓库中的公开方案和公开记录生成；详情请运行 gongkai check。"


# ---------------------------------------------------------------- Markdown


def md(report: Report, lang: str) -> str:
    report = public(report)
    lines = [f"# {md_cell(title(report, lang))}", "", md_cell(_summary(report, lang)), ""]
    for s in report.sections:
        if not s.rows:
            continue
        lines += [f"## {md_cell(section_heading(s, lang))}", ""]
        lines.append("| " + " | ".join(HEAD[c].get(lang) for c in PAGE_COLUMNS) + " |")
        lines.append("|" + "|".join("---" for _ in PAGE_COLUMNS) + "|")
        for r in s.rows:
            c = {k: md_cell(v) for k, v in cells(r, lang).items()}
            c["status"] = f"**{c['status']}**" if r.status in (OVERDUE, UNKNOWN) else c["status"]
            c["path"] = md_code(where(r))
            c["item"] = md_code(r.item) if r.item else ""
            lines.append("| " + " | ".join(c[k] for k in PAGE_COLUMNS) + " |")
        lines.append("")
    clean = clean_units(report)
    if clean and not report.empty:
        lines += [md_cell(_clean_line(clean, lang)), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- HTML: one page, no external resources, no script

CSS = """
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
       color: #1f2328; margin: 1.5em; line-height: 1.5; }
h1 { font-size: 1.35em; margin: 0 0 .3em; }
h2 { font-size: 1.1em; margin: 1.4em 0 .4em; border-left: 4px solid #b42318; padding-left: .5em; }
p.summary { margin: 0 0 1em; }
table { border-collapse: collapse; width: 100%; font-size: .95em; }
th, td { border: 1px solid #d0d7de; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; white-space: nowrap; }
td.due, td.status, td.period { white-space: nowrap; }
tr.overdue td.status { color: #b42318; font-weight: bold; }
tr.due-soon td.status { color: #9a6700; }
tr.unknown td.status { color: #b42318; font-weight: bold; }
code { font-family: Consolas, "Courier New", monospace; font-size: .9em; }
p.clean { color: #57606a; }
footer { margin-top: 2em; color: #57606a; font-size: .85em; }
@media print { body { margin: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


STATUS_STYLE = {OVERDUE: "color:#b42318;font-weight:bold", DUE_SOON: "color:#9a6700",
                UNKNOWN: "color:#b42318;font-weight:bold"}


def _e(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


def html(report: Report, lang: str, unit_name: str | None = None) -> str:
    report = public(report)
    page_title = title(report, lang, unit_name)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-CN"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(page_title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(page_title)}</h1>",
        f'<p class="summary">{_e(_summary(report, lang))}</p>',
    ]
    for s in report.sections:
        if not s.rows:
            continue
        out.append(f'<h2 id="unit-{_e(s.unit)}">{_e(section_heading(s, lang))}</h2>')
        out.append("<table>")
        out.append("<thead><tr>" + "".join(f"<th>{_e(HEAD[c].get(lang))}</th>" for c in PAGE_COLUMNS) + "</tr></thead>")
        out.append("<tbody>")
        for r in s.rows:
            c = cells(r, lang)
            tds = []
            for k in PAGE_COLUMNS:
                value = _e(c[k])
                if k in ("item", "path", "period"):
                    value = value.replace("/", "/<wbr>")  # long paths break after a slash, not mid-word
                if k in ("item", "path") and value:
                    value = f"<code>{value}</code>"
                # the status colour inline too: some mail programs drop the <style> block
                style = f' style="{STATUS_STYLE[r.status]}"' if k == "status" else ""
                tds.append(f'<td class="{k}"{style}>{value}</td>')
            out.append(f'<tr class="{r.status}">' + "".join(tds) + "</tr>")
        out.append("</tbody>")
        out.append("</table>")
    clean = clean_units(report)
    if clean and not report.empty:
        out.append(f'<p class="clean">{_e(_clean_line(clean, lang))}</p>')
    out += [f"<footer>{_e(_footer(lang))}</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- machine formats


def json_text(report: Report) -> str:
    """SPEC: {"as_of": …, "items": [{"unit", "unit_name", "kind", "item", "title", "period", "due", "days",
    "status", "responsible", "path"}]}."""
    import json

    report = public(report, readable=False)
    data = {"as_of": report.as_of.isoformat(), "items": [r.as_json() for r in report.rows]}
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


CSV_COLUMNS = ("unit", "unit_name", "kind", "item", "title", "period", "due", "status", "days", "responsible", "path")


def csv_text(report: Report, lang: str) -> str:
    """For Excel: a BOM so that it reads UTF-8 (Chinese intact), CRLF line ends, the days as a number."""
    report = public(report)
    rows = []
    for r in report.rows:
        c = cells(r, lang)
        c["path"] = r.path
        c["status"] = {OVERDUE: "逾期", DUE_SOON: "即将到期", UNKNOWN: "无法计算"}[r.status] if lang != "en" else r.status
        c["due"] = r.due.isoformat() if r.due else ""
        rows.append([c[k] for k in CSV_COLUMNS])
    return excel_csv([HEAD[c].get(lang) for c in CSV_COLUMNS], rows)


def render(report: Report, fmt: str, lang: str) -> str:
    if fmt == "table":
        return table(report, lang)
    if fmt == "md":
        return md(report, lang)
    if fmt == "html":
        return html(report, lang)
    if fmt == "json":
        return json_text(report)
    if fmt == "csv":
        return csv_text(report, lang)
    raise ValueError(fmt)
