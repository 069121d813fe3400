"""`check` output: one line per problem, then a summary per unit and in total; or the JSON of SPEC.

Messages echo what the clerk wrote (a title, a name): resident IDs and mobile numbers in them are masked as
`render` masks them. File names are printed as they are (the clerk must find the file), but in the text
output every control character of a path or a message is shown escaped (`\\x1b`, `\\n`: gongkai.report.safe),
so that no value can forge an output line or run a terminal sequence; the JSON output is valid UTF-8 JSON.
"""

from __future__ import annotations

import json

from gongkai.check import CheckResult
from gongkai.personal import mask
from gongkai.problem import SEVERITIES, Problem, count
from gongkai.report.safe import json_safe, shown, visible

COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
RESET, DIM = "\x1b[0m", "\x1b[2m"
NOUN_ZH = {"error": "个错误", "warning": "个警告", "info": "条提示"}
NOUN_EN = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("info", "info")}


def location(p: Problem) -> str:
    if p.line is None:
        return visible(p.path)
    return f"{visible(p.path)}:{p.line}:{p.column or 1}"


def line(p: Problem, lang: str, color: bool = False) -> str:
    sev = f"{p.severity}[{p.code}]"
    if color:
        sev = f"{COLORS[p.severity]}{sev}{RESET}"
    basis = visible(p.basis.get(lang))
    tail = f"（依据：{basis}）" if lang == "zh" else f" (basis: {basis})"
    if color:
        tail = f"{DIM}{tail}{RESET}"
    return f"{location(p)}: {sev} {shown(p.message.get(lang))}{tail}"


def _counts(c: dict[str, int], lang: str) -> str:
    if lang == "en":
        return ", ".join(f"{c[s]} {NOUN_EN[s][c[s] != 1]}" for s in SEVERITIES)
    return "，".join(f"{c[s]} {NOUN_ZH[s]}" for s in SEVERITIES)


def text(result: CheckResult, lang: str = "zh", color: bool = False) -> str:
    out = [line(p, lang, color) for p in result.problems]
    if out:
        out.append("")
    head = f"检查日期 {result.as_of}" if lang == "zh" else f"as of {result.as_of}"
    out.append(head)
    repo_level = [p for p in result.problems if not p.unit]
    if repo_level:
        label = "仓库设置 gongkai.yaml" if lang == "zh" else "repository settings gongkai.yaml"
        out.append(f"  {label}: {_counts(count(repo_level), lang)}")
    by_unit: dict[str, list[Problem]] = {}  # one pass over the problems, not one per unit
    for p in result.problems:
        by_unit.setdefault(p.unit, []).append(p)
    for unit in result.units:
        mine = by_unit.get(unit.id, [])
        uid, name = visible(unit.id), shown(unit.name)
        out.append(f"  {uid}（{name}）: {_counts(count(mine), lang)}" if lang == "zh"
                   else f"  {uid} ({name}): {_counts(count(mine), lang)}")
    total = count(result.problems)
    n = len(result.units)
    out.append(f"共 {n} 个单位：{_counts(total, lang)}" if lang == "zh"
               else f"{n} unit{'s' if n != 1 else ''}: {_counts(total, lang)}")
    unknown = _unknown(result, lang)
    if unknown:
        out.append(unknown)
    return "\n".join(out) + "\n"


def _unknown(result: CheckResult, lang: str) -> str:
    """`2 个单位无法计算公开义务：dongzhuang（东庄村）unit.yaml 有错误；…`: a broken unit.yaml or plan is never
    read as "nothing overdue"."""
    broken = [u for u in result.units if u.unknown]
    if not broken:
        return ""
    parts = []
    for u in broken:
        prefix = "" if u.id == "." else u.id + "/"
        files = [visible(p[len(prefix):] if p.startswith(prefix) else p) for p in u.unknown]
        uid, name = visible(u.id), shown(u.name)  # as in the summary lines above: escaped, the name masked
        if lang == "zh":
            parts.append(f"{uid}（{name}）" + "、".join(files) + " 有错误")
        else:
            parts.append(f"{uid} ({name}): errors in " + ", ".join(files))
    if lang == "zh":
        return f"{len(broken)} 个单位无法计算公开义务：" + "；".join(parts)
    n = len(broken)
    return f"obligations of {n} unit{'s' if n != 1 else ''} cannot be computed: " + "; ".join(parts)


def as_json(result: CheckResult, lang: str = "zh") -> str:
    data = {
        "as_of": result.as_of.isoformat(),
        "problems": [
            {"path": p.path, "line": p.line, "column": p.column, "severity": p.severity, "code": p.code,
             "unit": p.unit or None, "message": mask(p.message.get(lang)), "basis": p.basis.get(lang)}
            for p in result.problems
        ],
        "summary": count(result.problems),
    }
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
