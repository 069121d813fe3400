"""Files for a new unit, commented in Chinese key by key. Nothing existing is ever overwritten."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from gongkai import catalog

SECTIONS = ("records", "events", "projects", "feedback", "inspections", "evidence")


def write_atomic(path: Path, text: str, *, exclusive: bool = True) -> None:
    """Write through a temporary file and rename; with exclusive, refuse to replace an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if exclusive:
            os.link(tmp, path)  # fails if path exists: no race with another writer
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# characters a YAML double-quoted scalar cannot hold as they are: line breaks, controls, the BOM
_ESCAPE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
PLACEHOLDER_TOWN = "某某镇"
PLACEHOLDER_CLERK = "某某"
PLACEHOLDER_PHONE = "0000-00000000"


def quote(value: str) -> str:
    """`value` as a YAML double-quoted scalar that reads back exactly as typed, whatever it holds
    (`NO`, `: x`, `#村`, `'`, a line break, a leading `@`, `0371…`)."""
    out = []
    for ch in value:
        o = ord(ch)
        if ch in _ESCAPE:
            out.append(_ESCAPE[ch])
        elif o < 0x20 or 0x7F <= o < 0xA0 or o in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF):
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def unit_yaml(name: str, kind: str, year: int, town: str | None, finance_monthly: bool, *,
              villagers: int | None = None, representatives: int | None = None, clerk: str | None = None,
              phone: str | None = None) -> str:
    """unit.yaml with every value the user typed quoted; what was not given is a placeholder that
    `gongkai check` flags until it is filled in."""
    people = "村民" if kind == "village" else "居民"
    return f"""# 单位基本信息（gongkai 用它确定目录和时限）
name: {quote(name)}                     # 必填：村（社区）名称
kind: {kind}                   # 必填：village（村）或 community（社区），决定使用哪个参考目录
town: {quote(town or PLACEHOLDER_TOWN)}                  # 所属乡镇
# code: "410122101201"          # 统计用区划代码（写成带引号的文字）
villagers: {villagers or 0}                    # 登记{people}人数：联名要求达到十分之一以上须即时公开
representatives: {representatives or 0}              # {people}代表人数：联名达到五分之一以上须即时公开
finance_monthly: {"true" if finance_monthly else "false"}         # 财务往来较多的，收支情况每月公开一次
since: {year}-01-01               # 从这一天起检查（之前结束的期间不检查）
boards:                         # 固定公开栏
  - {{id: main, location: 党群服务中心门前}}
contacts:
  clerk: {quote(clerk or PLACEHOLDER_CLERK)}                     # 文书（逾期提醒里的默认责任人）
  supervision_phone: {quote(phone or PLACEHOLDER_PHONE)}  # 监督电话，印在每张公开栏版面上
# email: [someone@example.org]  # 本单位的逾期提醒收件人
"""


def plan_yaml(kind: str, year: int, finance_monthly: bool) -> str:
    """The year's plan listing every catalog item. No `schedule:` is written: each item follows the catalog's
    default, so a unit that turns on `finance_monthly` later discloses income and expenditure monthly."""
    cat = catalog.load(kind)
    lines = [
        f"# {year} 年度{catalog.DISCLOSURE_ZH[kind]}工作方案（实施方案 二（二））",
        f"year: {year}",
        "adoption:                          # 五个步骤，依次填写日期",
        f"  # consultation: {{date: {year}-01-05, methods: [三长会议, 微信群]}}   # 1. 征求意见",
        f"  # drafted: {year}-01-08                                            # 2. 制订方案",
        f"  # supervisory_review: {year}-01-10                                 # 3. 监委会审核",
        f"  # joint_meeting: {year}-01-12                                      # 3. 两委联席会议审议",
        f"  # approved: {{date: {year}-01-15, by: representatives}}              # 4. 村（居）民会议或代表会议审定",
        f"  # published: {year}-01-16                                          # 5. 公布：审定后两日内",
        "  # complaints: 村务监督委员会 某某 0000-00000000                     # 受理投诉、问询的人和电话",
        "items:                             # 本年度公开的事项；不写 schedule 即按参考目录的默认公开时间",
        "                                   # （可加 schedule: monthly 更频繁公开；财务类不能少于目录默认）",
    ]
    for category in catalog.CATEGORIES:
        lines.append(f"  # —— {catalog.CATEGORY_ZH[category]} ——")
        for item in (i for i in cat.items if i.category == category):
            prefix = "  # " if item.optional else "  "
            when = catalog.SCHEDULE_ZH[item.schedule]
            if item.monthly_when_busy:
                when += "；unit.yaml 写 finance_monthly: true 时每月" + ("（本单位即是）" if finance_monthly else "")
            lines.append(f"{prefix}- item: {item.id}    # {item.title}（默认：{when}）")
            lines.append(f"{prefix}  channels: [board, wechat_group]")
    lines += [
        "not_applicable: []                 # 本年度不适用的事项，写明理由，如：",
        "  # - {item: " + f"{kind}/affairs/12" + ", reason: 本年度无此事项}",
        "",
    ]
    return "\n".join(lines)


def write_unit(directory: Path, *, name: str, kind: str, year: int, town: str | None,
               finance_monthly: bool, villagers: int | None = None, representatives: int | None = None,
               clerk: str | None = None, phone: str | None = None) -> list[Path]:
    from gongkai import schemas

    written = []
    root = schemas.home(directory)  # first lines name the editor schemas (gongkai schema), kept at the root
    unit = directory / "unit.yaml"
    write_atomic(unit, schemas.modeline(unit, "unit", root) + unit_yaml(
        name, kind, year, town, finance_monthly, villagers=villagers, representatives=representatives,
        clerk=clerk, phone=phone))
    written.append(unit)
    plan = directory / "plans" / f"{year}.yaml"
    if not plan.exists():
        write_atomic(plan, schemas.modeline(plan, "plan", root) + plan_yaml(kind, year, finance_monthly))
        written.append(plan)
    for section in SECTIONS:
        keep = directory / section / ".gitkeep"
        if not keep.parent.exists():
            write_atomic(keep, "")
            written.append(keep.parent)
    if schemas.ensure(root):
        written.append(root.resolve() / schemas.HOME)
    return written
