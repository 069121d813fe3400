#!/usr/bin/env python3
"""Write the example town repository examples/huayuankou/ (花园口镇, all of 2024).

The YAML files under huayuankou/ are the product; this script only keeps them
consistent (balances that chain to the cent, publication dates inside their
windows, one distinct photo per record).  Run it from anywhere:

    python examples/generate.py

It deletes and rewrites examples/huayuankou/.  The deliberate problems listed
in examples/README.md are planted here on purpose and marked in the files with
a comment starting with 【示例故意留错】.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent / "huayuankou"
YEAR = 2024
CENT = Decimal("0.01")
QUARTER_CN = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
PLANTED = "【示例故意留错】"


def D(text: str) -> Decimal:
    return Decimal(text).quantize(CENT)


def d(text: str) -> date:
    return date.fromisoformat(text)


def money(value: Decimal) -> str:
    """Amount as a clerk writes it in prose: 52,500.00."""
    return f"{value:,.2f}"


def quarter_end(q: int) -> date:
    return {1: d("2024-03-31"), 2: d("2024-06-30"), 3: d("2024-09-30"), 4: d("2024-12-31")}[q]


def month_end(m: int) -> date:
    first_next = date(YEAR + (m == 12), m % 12 + 1, 1)
    return first_next - timedelta(days=1)


# --------------------------------------------------------------------------
# A small YAML writer: the output must look hand-written (2-space indentation,
# flow lists for short values, literal blocks for Markdown, Chinese comments).
# --------------------------------------------------------------------------


class Raw(str):
    """A scalar written exactly as given (e.g. a date in 2024年7月5日 form)."""


_PLAIN_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@` ")
_RESERVED = re.compile(
    r"^(~|null|true|false|yes|no|on|off|y|n|[-+]?(\d[\d_.:]*|\.\d+|\.inf|\.nan)([eE][-+]?\d+)?"
    r"|\d{4}-\d\d?-\d\d?.*)$",
    re.IGNORECASE,
)


def scalar(value: Any, flow: bool = False) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    unsafe = (
        not text
        or text[0] in _PLAIN_UNSAFE_START
        or text != text.strip()
        or ": " in text
        or " #" in text
        or text.endswith(":")
        or "\n" in text
        or "\t" in text
        or _RESERVED.match(text) is not None
        or (flow and any(c in text for c in ",[]{}:"))
    )
    return json.dumps(text, ensure_ascii=False) if unsafe else text


def flow_list(items: list[Any]) -> str:
    return "[" + ", ".join(scalar(i, flow=True) for i in items) + "]"


def flow_map(mapping: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in mapping.items()) + "}"


def block(text: str, indent: int = 2) -> str:
    pad = " " * indent
    lines = text.strip("\n").split("\n")
    return "|\n" + "\n".join(pad + line if line else "" for line in lines)


# --------------------------------------------------------------------------
# Evidence photos: a tiny valid 8x8 grey JPEG whose comment and grey level
# come from its path, so that no two photos share their content.
# --------------------------------------------------------------------------


def jpeg(comment: str) -> bytes:
    def seg(marker: int, payload: bytes) -> bytes:
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload

    grey = 70 + hashlib.sha256(comment.encode()).digest()[0] % 120
    out = b"\xff\xd8"
    out += seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    out += seg(0xFE, comment.encode("utf-8"))
    out += seg(0xDB, b"\x00" + bytes([8] * 64))
    out += seg(0xC0, b"\x08" + struct.pack(">HH", 8, 8) + b"\x01" + b"\x01\x11\x00")
    out += seg(0xC4, b"\x00" + bytes([0, 0, 0, 12] + [0] * 12) + bytes(range(12)))
    out += seg(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\x00")
    out += seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    dc = grey - 128  # uniform block, quantiser 8: the DC coefficient equals the level
    cat = abs(dc).bit_length()
    bits = format(cat, "04b")
    if cat:
        bits += format(dc if dc > 0 else dc + (1 << cat) - 1, f"0{cat}b")
    bits += "0"  # end of block
    bits += "1" * (-len(bits) % 8)
    data = bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8))
    out += data.replace(b"\xff", b"\xff\x00") + b"\xff\xd9"
    return out


# --------------------------------------------------------------------------
# Model of what we write
# --------------------------------------------------------------------------


@dataclass
class Line:
    name: str
    amount: Decimal


@dataclass
class Statement:
    opening: Decimal
    income: list[Line]
    expense: list[Line]
    closing: Decimal | None = None  # None: computed

    def computed(self) -> Decimal:
        return (
            self.opening
            + sum((ln.amount for ln in self.income), Decimal("0"))
            - sum((ln.amount for ln in self.expense), Decimal("0"))
        )

    def total_income(self) -> Decimal:
        return sum((ln.amount for ln in self.income), Decimal("0"))

    def total_expense(self) -> Decimal:
        return sum((ln.amount for ln in self.expense), Decimal("0"))

    @property
    def close(self) -> Decimal:
        return self.closing if self.closing is not None else self.computed()


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class Record:
    rid: str  # path relative to the unit folder, without .yaml
    item: str
    published: date | Raw
    title: str
    content: str
    comment: str = ""
    period: str | None = None
    channels: list[str] = field(default_factory=lambda: ["board", "wechat_group"])
    boards: list[str] = field(default_factory=lambda: ["main"])
    event: str | None = None
    project: str | None = None
    phase: str | None = None
    supersedes: str | None = None
    until: date | None = None
    reviewed: dict[str, Any] | None = None
    evidence: list[str] | None = None  # default: evidence/<same path>.jpg
    missing_evidence: bool = False  # planted: the listed photo is not written
    tables: list[Table] = field(default_factory=list)
    finance: Statement | None = None
    planted: str = ""

    def evidence_paths(self) -> list[str]:
        if self.evidence is not None:
            return self.evidence
        return ["evidence/" + self.rid.removeprefix("records/") + ".jpg"]

    def to_yaml(self) -> str:
        out = []
        if self.comment:
            out += [f"# {c}" for c in self.comment.split("\n")]
        if self.planted:
            out += [f"# {PLANTED}{p}" for p in self.planted.split("\n")]
        out.append(f"item: {self.item}")
        if self.period:
            out.append(f"period: {self.period}")
        if self.project:
            out.append(f"project: {self.project}")
        if self.phase:
            out.append(f"phase: {self.phase}")
        if self.event:
            out.append(f"event: {self.event}")
        out.append(f"published: {scalar(self.published)}")
        out.append(f"title: {scalar(self.title)}")
        out.append(f"channels: {flow_list(self.channels)}")
        if self.boards:
            out.append(f"boards: {flow_list(self.boards)}")
        if self.until:
            out.append(f"until: {self.until}")
        if self.supersedes:
            out.append(f"supersedes: {self.supersedes}")
        if self.reviewed:
            out.append(f"reviewed: {flow_map(self.reviewed)}")
        out.append(f"evidence: {flow_list(self.evidence_paths())}")
        out.append("content: " + block(self.content))
        if self.tables:
            out.append("tables:")
            for t in self.tables:
                out.append(f"  - title: {scalar(t.title)}")
                out.append(f"    columns: {flow_list(t.columns)}")
                out.append("    rows:")
                out += [f"      - {flow_list(r)}" for r in t.rows]
        if self.finance:
            f = self.finance
            out.append("finance:")
            out.append(f"  opening_balance: {f.opening:.2f}")
            for key, lines in (("income", f.income), ("expense", f.expense)):
                out.append(f"  {key}:")
                out += [f"    - {flow_map({'name': ln.name, 'amount': ln.amount})}" for ln in lines]
            out.append(f"  closing_balance: {f.close:.2f}")
        return "\n".join(out) + "\n"


@dataclass
class Unit:
    folder: str
    name: str
    kind: str
    code: str
    villagers: int
    representatives: int
    households: int
    boards: list[tuple[str, str]]
    clerk: str
    phone: str
    supervisor: str  # 监委会主任
    head: str  # 党组织书记、村（居）委会主任
    finance_monthly: bool = False
    records: list[Record] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # other YAML files: path -> text

    @property
    def village(self) -> bool:
        return self.kind == "village"

    @property
    def people(self) -> str:
        return "村民" if self.village else "居民"

    @property
    def cwh(self) -> str:  # 村委会 / 居委会
        return "村委会" if self.village else "居委会"

    @property
    def jwh(self) -> str:  # 村务监督委员会 / 居务监督委员会
        return "村务监督委员会" if self.village else "居务监督委员会"

    def add(self, rec: Record) -> Record:
        self.records.append(rec)
        return rec


def review(unit: Unit, published: date, days: int = 1) -> dict[str, Any]:
    return {"by": unit.supervisor, "date": published - timedelta(days=days)}


# --------------------------------------------------------------------------
# The units
# --------------------------------------------------------------------------

DONGZHUANG = Unit(
    folder="dongzhuang",
    name="东庄村",
    kind="village",
    code="410122101201",
    villagers=1860,
    representatives=45,
    households=512,
    boards=[("main", "村党群服务中心门前"), ("group3", "第三村民小组文化广场")],
    clerk="王芳",
    phone="0371-62345678",
    supervisor="赵保国",
    head="刘建军",
    finance_monthly=True,
)
XIWANG = Unit(
    folder="xiwang",
    name="西王村",
    kind="village",
    code="410122101202",
    villagers=1245,
    representatives=32,
    households=368,
    boards=[("main", "村委会大院东墙")],
    clerk="李敏",
    phone="0371-62341102",
    supervisor="王振华",
    head="王德明",
)
NANHE = Unit(
    folder="nanhe",
    name="南河村",
    kind="village",
    code="410122101203",
    villagers=980,
    representatives=28,
    households=287,
    boards=[("main", "村党群服务中心门前"), ("south", "南河桥头小广场")],
    clerk="高静",
    phone="0371-62341315",
    supervisor="徐国强",
    head="杨宏伟",
)
XINCUN = Unit(
    folder="xincun-shequ",
    name="新村社区",
    kind="community",
    code="410122101001",
    villagers=5320,
    representatives=60,
    households=1905,
    boards=[("main", "社区党群服务中心一楼大厅"), ("huimin", "惠民家园小区南门")],
    clerk="刘洋",
    phone="0371-62347021",
    supervisor="韩志诚",
    head="张丽娟",
)
BINHE = Unit(
    folder="binhe-shequ",
    name="滨河社区",
    kind="community",
    code="410122101002",
    villagers=3860,
    representatives=50,
    households=1372,
    boards=[("main", "社区党群服务中心门前")],
    clerk="朱婷",
    phone="0371-62347336",
    supervisor="曹建华",
    head="郑晓燕",
)
UNITS = [DONGZHUANG, XIWANG, NANHE, XINCUN, BINHE]


# --------------------------------------------------------------------------
# unit.yaml
# --------------------------------------------------------------------------


def unit_yaml(u: Unit, comment: str) -> str:
    boards = "\n".join(f"  - {{id: {b}, location: {scalar(loc, flow=True)}}}" for b, loc in u.boards)
    monthly = (
        "finance_monthly: true       # 财务往来较多，收支情况每月公开一次\n" if u.finance_monthly else ""
    )
    people = "户籍村民" if u.village else "辖区户籍居民"
    reps = "村民代表" if u.village else "居民代表"
    return (
        f"# {comment}\n"
        f"name: {u.name}\n"
        f"kind: {u.kind}\n"
        f"town: 花园口镇\n"
        f'code: "{u.code}"        # 统计用区划代码\n'
        f"{f'villagers: {u.villagers}':<28}# {people}人数（{u.households}户），联名要求的十分之一按此计算\n"
        f"{f'representatives: {u.representatives}':<28}# {reps}人数，五分之一按此计算\n"
        f"{monthly}"
        f"since: 2024-01-01           # 自2024年起用 gongkai 管理公开工作\n"
        f"boards:                     # 固定公开栏\n{boards}\n"
        f"contacts:\n"
        f"  clerk: {u.clerk}\n"
        f"  supervision_phone: {u.phone}   # 监督电话，打印在每张公开栏单页上\n"
        f"email: [{u.folder.replace('-shequ', '')}@huayuankou.example]\n"
    )


# --------------------------------------------------------------------------
# plans/2024.yaml
# --------------------------------------------------------------------------


@dataclass
class PlanItem:
    item: str
    comment: str = ""
    schedule: str | None = None
    channels: list[str] | None = None
    responsible: str | None = None


def plan_yaml(
    u: Unit,
    adoption: dict[str, Any],
    items: list[PlanItem],
    not_applicable: list[tuple[str, str]],
    header: str,
) -> str:
    a = adoption
    out = [f"# {line}" for line in header.split("\n")]
    out += [
        "year: 2024",
        "adoption:                           # 方案制订的五个步骤，按顺序",
        f"  consultation: {{date: {a['consultation']}, methods: {flow_list(a['methods'])}}}   # 征求意见",
        f"  drafted: {a['drafted']}                                            # 制订方案",
        f"  supervisory_review: {a['supervisory_review']}                                 # 监委会审核",
        f"  joint_meeting: {a['joint_meeting']}                                      # 两委联席会议审议",
        f"  approved: {{date: {a['approved']}, by: {a['by']}}}              # 审定",
        f"  published: {a['published']}                                          # 会后两日内公布",
        f"  complaints: {scalar(a['complaints'])}",
        "items:",
    ]
    for it in items:
        line = f"  - {{item: {it.item}"
        if it.schedule:
            line += f", schedule: {it.schedule}"
        line += f", channels: {flow_list(it.channels or ['board', 'wechat_group'])}"
        line += f", responsible: {it.responsible or u.clerk}}}"
        out.append(line + (f"   # {it.comment}" if it.comment else ""))
    out.append("not_applicable:")
    for item, reason in not_applicable:
        out.append(f"  - {{item: {item}, reason: {scalar(reason, flow=True)}}}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Standing items (制度类 + 长期公开的事务类): one record each, early in 2024
# --------------------------------------------------------------------------


@dataclass
class Profile:
    location: str
    groups: str
    farmland: str
    industry: str
    term_goals: list[str]
    plan_2024: list[str]
    committee: list[tuple[str, str, str]]  # 姓名, 职务, 分工
    grids: list[tuple[str, str, str]]  # 网格, 范围, 网格员
    three_heads: list[list[Any]] = field(default_factory=list)  # communities: “三长”及片区民警


def standing_texts(u: Unit, p: Profile) -> dict[str, tuple[str, str, list[Table]]]:
    """item suffix -> (title, content, tables)."""
    P, C, J = u.people, u.cwh, u.jwh
    v = u.village
    zizhi = "村民自治章程" if v else "居民自治章程"
    minyue = "村规民约" if v else "居民公约"
    texts: dict[str, tuple[str, str, list[Table]]] = {}
    texts["system/1"] = (
        f"{u.name}{zizhi}和{minyue}",
        f"""《{u.name}{zizhi}》和《{u.name}{minyue}》经2023年12月{P}代表会议修订通过，现全文公开。

{minyue}共八章三十条，主要内容包括：遵纪守法、孝老爱亲、邻里互助；红白事简办（红事宴席不超过10桌，白事不大操大办）；环境卫生“门前三包”；{"黄河滩区禁烧禁牧，" if v else ""}文明养犬、不乱堆乱放、不私搭乱建。

全文可到{C}便民服务窗口查阅，也可在{P}微信群下载。""",
        [],
    )
    texts["system/2"] = (
        f"{C}工作制度和办事指南",
        f"""{C}实行坐班值班制度：工作日上午8时30分至12时、下午14时30分至17时30分在党群服务中心便民服务窗口办公，周末和节假日安排专人值班。

{C}成员实行首问负责、限时办结、一次性告知。{P}办事可先到便民服务窗口咨询，能当场办理的当场办理，需上报的由代办员代为报送并告知办理进度。""",
        [],
    )
    texts["system/3"] = (
        f"{J}工作制度",
        f"""{J}由3名成员组成，主任{u.supervisor}。监委会成员列席{"村“两委”" if v else "社区“两委”"}会议，对{"村务" if v else "居务"}决策和公开情况进行监督。

每期财务收支公开前，由监委会审核原始凭证并签署意见；对{P}反映公开内容不实、不全的问题，监委会在十日内调查核实，督促{C}作出解释和答复。""",
        [],
    )
    texts["system/4"] = (
        f"民主评议{'村民' if v else '居民'}委员会成员制度",
        f"""每年年底召开{P}会议或{P}代表会议，对{C}成员履行职责情况进行民主评议。评议分满意、基本满意、不满意三个等次，评议结果当场公布并报镇党委、镇政府备案。

连续两次被评为不满意的成员，由{P}会议依法处理。""",
        [],
    )
    texts["system/5"] = (
        f"{'村级' if v else '社区'}议事协商制度",
        f"""凡涉及{P}切身利益的重大事项，严格落实“四议两公开”：党组织提议、“两委”会议商议、党员大会审议、{P}会议或{P}代表会议决议，决议公开、实施结果公开。

议事协商可采取{P}说事、议事会、恳谈会等形式，协商结果每季度向{P}公开。""",
        [],
    )
    texts["system/6"] = (
        f"{'村民' if v else '居民'}委员会印章使用管理制度",
        f"""{C}印章由{C}主任指定专人保管，使用时须填写《印章使用登记簿》，写明用印事由、份数和经办人，经{C}主任签字同意后方可盖章。

严禁在空白介绍信、空白纸张上加盖印章；印章不得带出办公场所，确需外带的须两人以上同行。""",
        [],
    )
    texts["system/7"] = (
        f"{'村级' if v else '社区'}财务管理制度",
        f"""本{"村" if v else "社区"}实行“{"村财镇管" if v else "居财镇管"}”，财务由镇农村集体“三资”管理服务中心代理记账。

单笔支出5000元以上的须经“两委”联席会议研究，2万元以上的提交{P}代表会议决议；所有票据经报账员审核、{C}主任签字、{J}审核后方可入账。财务收支{"每月" if u.finance_monthly else "每季度"}公开一次。""",
        [],
    )
    texts["system/8"] = (
        f"{'村级' if v else '社区'}档案管理制度",
        f"""档案分文书、会计、基建、{"村务" if v else "居务"}公开等类别，由{u.clerk}负责收集、整理、归档。

公开栏张贴内容撤下前照相留存，电子文档每季度备份一次，做到公开栏公开、照相留存、计算机存储、资料存档内容一致。{P}查阅、复印与{"村务" if v else "居务"}相关的凭证和资料，须到{C}登记，由{C}、{J}提供。""",
        [],
    )
    goals = "\n".join(f"{i}. {g}" for i, g in enumerate(p.term_goals, 1))
    plan = "\n".join(f"{i}. {g}" for i, g in enumerate(p.plan_2024, 1))
    texts["affairs/1"] = (
        f"{u.name}简介、任期目标和2024年度工作计划",
        f"""{u.name}位于花园口镇{p.location}，辖{p.groups}，{"户籍" if v else "常住"}{u.households}户{u.villagers}人{p.farmland}。{p.industry}

**本届任期（2021—2026年）目标**

{goals}

**2024年度工作计划**

{plan}""",
        [],
    )
    texts["affairs/2"] = (
        f"{C}和{J}职责、人员组成及分工",
        f"""{C}负责办理本{"村" if v else "社区"}公共事务和公益事业，调解民间纠纷，协助维护社会治安，向镇政府反映{P}意见和要求；{J}负责{"村务" if v else "居务"}决策和公开、财务管理等情况的监督。

人员组成和分工如下。""",
        [Table(f"{C}、{J}人员及分工", ["姓名", "职务", "分工"], [list(r) for r in p.committee])],
    )
    texts["affairs/4"] = (
        f"{u.name}网格划分及网格员信息",
        f"""本{"村" if v else "社区"}划分为{len(p.grids)}个网格，网格长由党组织书记{u.head}担任。网格员负责信息采集、矛盾排查、政策宣传和代办服务，{P}有事可直接找所在网格的网格员。

2024年{"村" if v else "社区"}范围无调整。""",
        [Table("网格划分", ["网格", "范围", "网格员"], [list(r) for r in p.grids])],
    )
    service = "affairs/19" if v else "affairs/14"
    texts[service] = (
        f"{C}代办的政务服务事项和办理流程",
        f"""{"村" if v else "社区"}便民服务窗口可以领办、代办以下事项，{P}带齐材料到窗口提交，由代办员送镇便民服务中心办理，办结后通知本人领取。

办理流程：窗口受理 → 代办员审核材料 → 报送镇便民服务中心 → 办结反馈。材料不全的一次性告知。""",
        [
            Table(
                "代办事项一览",
                ["事项", "办理方式", "所需材料"],
                [
                    ["城乡居民基本养老保险参保、待遇领取资格认证", "代办", "户口簿、身份证"],
                    ["城乡居民基本医疗保险缴费", "代办", "户口簿"],
                    ["最低生活保障、特困供养申请", "代办", "申请书、户口簿、收入情况说明"],
                    ["残疾人两项补贴申请", "代办", "残疾人证、户口簿"],
                    ["高龄津贴申请", "代办", "户口簿、身份证"],
                    ["出具居住证明", "领办", "户口簿"],
                ],
            )
        ],
    )
    if not v:
        texts["affairs/9"] = (
            "辖区公共服务单位、“三长”及片区民警信息",
            """辖区供水、供电、燃气、供暖服务单位及报修方式、“三长”（小区长、楼栋长、单元长）名单和片区民警信息如下。

报修电话以各单位公布的服务热线为准；小区长、楼栋长联系方式在各楼栋单元门口公示。""",
            [
                Table(
                    "公共服务单位",
                    ["类别", "服务单位", "报修方式"],
                    [
                        ["供水", "花园口镇自来水公司", "营业厅或12345热线"],
                        ["供电", "国网花园口供电所", "95598"],
                        ["燃气", "镇燃气公司", "营业厅或12345热线"],
                        ["供暖", "热力公司花园口站", "营业厅或12345热线"],
                    ],
                ),
                Table("“三长”及片区民警", ["职务", "姓名", "负责范围"], p.three_heads),
            ],
        )
    return texts


PROFILES: dict[str, Profile] = {}

PROFILES["dongzhuang"] = Profile(
    location="东部，距镇政府2公里",
    groups="8个村民小组",
    farmland="，耕地2650亩",
    industry="主要种植小麦、玉米，发展大棚蔬菜200余亩；村集体有标准化厂房两处、沿街门面房六间，出租收入是村集体主要经营收入。",
    term_goals=["硬化全部通组道路，实现“户户通”", "村集体经营性收入年均增长5%以上", "建成村级养老服务站"],
    plan_2024=[
        "实施三组至五组村道硬化工程（1.8公里）",
        "完成厂房租赁合同续签，规范集体资产管理",
        "开展人居环境整治，改造旱厕40户",
        "做好低保、特困等困难群众帮扶",
    ],
    committee=[
        ("刘建军", "村党支部书记、村委会主任", "主持全面工作"),
        ("陈国平", "村委会副主任", "分管农业生产、项目建设"),
        ("王芳", "村委会委员、文书", "村务公开、档案、便民服务"),
        ("孙立新", "村委会委员", "分管治安调解、人居环境"),
        ("周秀兰", "村委会委员、妇联主席", "妇女儿童、民政救助"),
        ("赵保国", "村务监督委员会主任", "主持监委会工作"),
        ("马永利", "村务监督委员会委员", "财务监督"),
        ("杜桂香", "村务监督委员会委员", "村务公开监督"),
    ],
    grids=[
        ("第一网格", "第一、二村民小组", "孙立新"),
        ("第二网格", "第三、四村民小组", "陈国平"),
        ("第三网格", "第五、六村民小组", "周秀兰"),
        ("第四网格", "第七、八村民小组", "王芳"),
    ],
)
PROFILES["xiwang"] = Profile(
    location="西部黄河大堤以南",
    groups="6个村民小组",
    farmland="，耕地1980亩，另有集体藕塘240亩",
    industry="以小麦、水稻种植和莲藕养殖为主，集体藕塘整体发包经营。",
    term_goals=[
        "完成滩区排涝沟清淤，提升防汛能力",
        "发展稻藕特色种植，打造“西王莲藕”品牌",
        "村集体年收入稳定在15万元以上",
    ],
    plan_2024=[
        "做好汛期防汛排涝和排涝沟清淤",
        "修补村内生产路坑洼路段",
        "完成村报账员调整交接",
        "开展“美丽庭院”创建评选",
    ],
    committee=[
        ("王德明", "村党支部书记、村委会主任", "主持全面工作"),
        ("王建设", "村委会副主任", "分管农业、防汛"),
        ("李敏", "村委会委员、文书", "村务公开、档案、便民服务"),
        ("张海涛", "村委会委员", "分管治安调解、民政"),
        ("王振华", "村务监督委员会主任", "主持监委会工作"),
        ("刘桂芝", "村务监督委员会委员", "财务监督"),
        ("王中立", "村务监督委员会委员", "村务公开监督"),
    ],
    grids=[("第一网格", "第一至三村民小组", "王建设"), ("第二网格", "第四至六村民小组", "张海涛")],
)
PROFILES["nanhe"] = Profile(
    location="南部，南河穿村而过",
    groups="5个村民小组",
    farmland="，耕地1420亩",
    industry="以小麦、玉米种植为主，近年发展葡萄种植150亩。",
    term_goals=["完成全村机井改造，保障农田灌溉", "葡萄种植面积扩大到300亩", "完善村内路灯和排水设施"],
    plan_2024=["维修老旧机井，保障春灌秋种", "组织葡萄种植技术培训两期", "整治南河沿岸环境卫生"],
    committee=[
        ("杨宏伟", "村党支部书记、村委会主任", "主持全面工作"),
        ("何卫东", "村委会副主任", "分管农业、水利"),
        ("高静", "村委会委员、文书", "村务公开、档案、便民服务"),
        ("吴长江", "村委会委员", "分管治安调解、民政"),
        ("徐国强", "村务监督委员会主任", "主持监委会工作"),
        ("杨秀梅", "村务监督委员会委员", "财务监督"),
        ("何振东", "村务监督委员会委员", "村务公开监督"),
    ],
    grids=[("第一网格", "第一至三村民小组", "何卫东"), ("第二网格", "第四、五村民小组", "吴长江")],
)
PROFILES["xincun-shequ"] = Profile(
    location="镇区北部",
    groups="新村小区、惠民家园、金堤苑3个小区，共42栋楼",
    farmland="",
    industry="辖区有幼儿园1所、农贸市场1个，社区党群服务中心建筑面积860平方米。",
    term_goals=[
        "建成“15分钟便民生活圈”",
        "完善小区物业管理，业委会覆盖全部小区",
        "打造邻里互助食堂等为老服务品牌",
    ],
    plan_2024=[
        "办好邻里互助食堂（公益创投项目）",
        "推进惠民家园加装电梯前期协商",
        "开展“邻里节”和重阳敬老活动",
        "完成居委会委员补选",
    ],
    committee=[
        ("张丽娟", "社区党委书记、居委会主任", "主持全面工作"),
        ("黄志刚", "居委会副主任", "分管物业协调、安全生产"),
        ("刘洋", "居委会委员", "居务公开、档案、便民服务"),
        ("宋佳", "居委会委员", "民政救助、老年人服务"),
        ("韩志诚", "居务监督委员会主任", "主持监委会工作"),
        ("赵春燕", "居务监督委员会委员", "财务监督"),
        ("石磊", "居务监督委员会委员", "居务公开监督"),
    ],
    grids=[
        ("第一网格", "新村小区1—15号楼", "宋佳"),
        ("第二网格", "新村小区16—24号楼", "刘洋"),
        ("第三网格", "惠民家园", "黄志刚"),
        ("第四网格", "金堤苑", "张丽娟"),
    ],
)
PROFILES["xincun-shequ"].three_heads = [
    ["小区长", "孟庆华", "新村小区"],
    ["小区长", "胡玉琴", "惠民家园"],
    ["小区长", "谢文斌", "金堤苑"],
    ["片区民警", "郭警官", "花园口派出所新村警务室"],
]
PROFILES["binhe-shequ"] = Profile(
    location="东南部，紧邻滨河公园",
    groups="滨河小区、康居小区2个小区和4个居民小组",
    farmland="",
    industry="辖区以回迁安置居民为主，老年人口比例较高，社区设有日间照料中心。",
    term_goals=["完成康居小区雨污分流改造", "日间照料中心服务覆盖全部高龄老人", "规范社区收支管理和居务公开"],
    plan_2024=[
        "开展春节、重阳节走访慰问",
        "组织滨河公园周边环境整治",
        "做好低保、特困、残疾人等困难群众帮扶",
    ],
    committee=[
        ("郑晓燕", "社区党支部书记、居委会主任", "主持全面工作"),
        ("冯伟", "居委会副主任", "分管物业、安全"),
        ("朱婷", "居委会委员", "居务公开、档案、便民服务"),
        ("马丽", "居委会委员", "民政救助、老年人服务"),
        ("曹建华", "居务监督委员会主任", "主持监委会工作"),
        ("冯淑芬", "居务监督委员会委员", "财务监督"),
        ("秦立军", "居务监督委员会委员", "居务公开监督"),
    ],
    grids=[
        ("第一网格", "滨河小区", "马丽"),
        ("第二网格", "康居小区", "冯伟"),
        ("第三网格", "第一至四居民小组", "朱婷"),
    ],
)
PROFILES["binhe-shequ"].three_heads = [
    ["小区长", "田振江", "滨河小区"],
    ["小区长", "卢秀云", "康居小区"],
    ["片区民警", "韩警官", "花园口派出所滨河警务室"],
]


def add_standing(u: Unit, published: date) -> None:
    items = [f"system/{i}" for i in range(1, 9)]
    items += (
        ["affairs/1", "affairs/2", "affairs/4", "affairs/19"]
        if u.village
        else ["affairs/1", "affairs/2", "affairs/4", "affairs/9", "affairs/14"]
    )
    texts = standing_texts(u, PROFILES[u.folder])
    for suffix in items:
        title, content, tables = texts[suffix]
        slug = suffix.replace("/", "-")
        u.add(
            Record(
                rid=f"records/2024/standing/{slug}",
                item=f"{u.kind}/{suffix}",
                published=published,
                title=title,
                content=content,
                tables=tables,
                comment=f"长期公开（{u.kind}/{suffix}），2024年方案公布后重新张贴",
            )
        )


# --------------------------------------------------------------------------
# Finance statements
# --------------------------------------------------------------------------


def chain(opening: Decimal, periods: list[tuple[list[Line], list[Line]]]) -> list[Statement]:
    out = []
    for income, expense in periods:
        st = Statement(opening, income, expense)
        out.append(st)
        opening = st.close
    return out


def L(name: str, amount: str) -> Line:
    return Line(name, D(amount))


# 东庄村：每月公开。村道硬化工程合同价486,320.00元：预付30%、进度款40%、
# 竣工验收后付至97%，留3%质保金；上级乡村振兴衔接资金40万元分两次到位。
DZ_MONTHS: dict[int, tuple[list[Line], list[Line]]] = {
    1: (
        [
            L("上级转移支付（村级组织运转经费）", "52500.00"),
            L("集体资产租赁收入（厂房租金）", "45000.00"),
            L("集体资产租赁收入（门面房租金）", "9000.00"),
        ],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "1286.40"),
            L("水电费", "2135.60"),
            L("春节走访慰问困难群众", "4000.00"),
        ],
    ),
    2: (
        [L("集体资产租赁收入（门面房租金）", "7500.00")],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "642.00"),
            L("水电费", "1876.25"),
        ],
    ),
    3: (
        [L("集体资产租赁收入（门面房租金）", "9000.00"), L("利息收入", "312.46")],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "1214.50"),
            L("水电费", "2386.00"),
            L("村道硬化工程设计费", "8600.00"),
        ],
    ),
    4: (
        [
            L("上级转移支付（村级组织运转经费）", "52500.00"),
            L("集体资产租赁收入（厂房租金）", "45000.00"),
            L("集体资产租赁收入（门面房租金）", "9000.00"),
            L("乡村振兴衔接资金（村道硬化工程）", "200000.00"),
        ],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "938.70"),
            L("水电费", "1540.35"),
            L("村道硬化工程预付款", "145896.00"),
        ],
    ),
    5: (
        [L("集体资产租赁收入（门面房租金）", "9000.00")],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "1075.00"),
            L("水电费", "1298.80"),
            L("村内路灯维修", "2860.00"),
        ],
    ),
    6: (
        [L("集体资产租赁收入（门面房租金）", "9000.00"), L("利息收入", "486.12")],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "720.50"),
            L("水电费", "1962.14"),
            L("村道硬化工程进度款", "194528.00"),
        ],
    ),
    7: (
        [
            L("上级转移支付（村级组织运转经费）", "52500.00"),
            L("集体资产租赁收入（厂房租金）", "45000.00"),
            L("集体资产租赁收入（门面房租金）", "9000.00"),
            L("乡村振兴衔接资金（村道硬化工程）", "200000.00"),
        ],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "1356.20"),
            L("水电费", "2748.90"),
        ],
    ),
    8: (
        [L("集体资产租赁收入（门面房租金）", "9000.00")],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "865.00"),
            L("水电费", "2913.45"),
            L("汛期排涝抽水费用", "1950.00"),
        ],
    ),
    9: (
        [L("集体资产租赁收入（门面房租金）", "9000.00"), L("利息收入", "402.83")],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "1108.60"),
            L("水电费", "2207.30"),
        ],
    ),
    10: (
        [
            L("上级转移支付（村级组织运转经费）", "52500.00"),
            L("集体资产租赁收入（厂房租金）", "45000.00"),
            L("集体资产租赁收入（门面房租金）", "9000.00"),
        ],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "954.30"),
            L("水电费", "1684.75"),
            L("村道硬化工程结算款", "131306.40"),
            L("村道硬化工程监理费", "9200.00"),
        ],
    ),
    11: (
        [L("集体资产租赁收入（门面房租金）", "9000.00")],
        [
            L("村干部误工补贴", "16800.00"),
            L("保洁员工资", "6400.00"),
            L("办公经费（办公用品、打印耗材）", "1032.80"),
            L("水电费", "1521.60"),
            L("冬季绿化补植", "3420.00"),
        ],
    ),
}
DZ_OPENING = D("386452.17")

XW_QUARTERS: dict[int, tuple[list[Line], list[Line]]] = {
    1: (
        [
            L("上级转移支付（村级组织运转经费）", "45000.00"),
            L("集体藕塘发包收入（2024年度承包费）", "86400.00"),
            L("利息收入", "118.35"),
        ],
        [
            L("村干部误工补贴", "39600.00"),
            L("保洁员工资", "10800.00"),
            L("办公经费（办公用品、报刊）", "2316.80"),
            L("水电费", "3104.55"),
        ],
    ),
    2: (
        [L("上级转移支付（村级组织运转经费）", "45000.00"), L("利息收入", "203.17")],
        [
            L("村干部误工补贴", "39600.00"),
            L("保洁员工资", "10800.00"),
            L("办公经费（办公用品、报刊）", "1875.00"),
            L("水电费", "2689.20"),
            L("村内生产路坑洼修补", "8640.00"),
        ],
    ),
    3: (
        [
            L("上级转移支付（村级组织运转经费）", "45000.00"),
            L("上级防汛补助资金", "15000.00"),
            L("利息收入", "176.42"),
        ],
        [
            L("村干部误工补贴", "39600.00"),
            L("保洁员工资", "10800.00"),
            L("办公经费（办公用品、报刊）", "1432.60"),
            L("水电费", "3867.90"),
            L("排涝沟清淤", "12300.00"),
        ],
    ),
}
XW_OPENING = D("127834.62")

NH_QUARTERS: dict[int, tuple[list[Line], list[Line]]] = {
    1: (
        [L("上级转移支付（村级组织运转经费）", "36000.00"), L("利息收入", "41.27")],
        [
            L("村干部误工补贴", "33000.00"),
            L("办公经费（办公用品、打印耗材）", "1186.50"),
            L("水电费", "942.30"),
        ],
    ),
    2: (
        [
            L("上级转移支付（村级组织运转经费）", "36000.00"),
            L("葡萄种植技术培训补助", "3000.00"),
            L("利息收入", "57.84"),
        ],
        [
            L("村干部误工补贴", "33000.00"),
            L("办公经费（办公用品、打印耗材）", "864.00"),
            L("水电费", "1315.60"),
            L("葡萄种植技术培训费用", "2950.00"),
        ],
    ),
    3: (
        [L("上级转移支付（村级组织运转经费）", "36000.00"), L("利息收入", "49.16")],
        [
            L("村干部误工补贴", "33000.00"),
            L("办公经费（办公用品、打印耗材）", "1023.40"),
            L("水电费", "1608.25"),
            L("南河沿岸垃圾清运", "1800.00"),
        ],
    ),
}
NH_OPENING = D("31205.38")

XC_QUARTERS: dict[int, tuple[list[Line], list[Line]]] = {
    1: (
        [
            L("镇拨付社区工作经费", "30000.00"),
            L("社区服务用房出租收入（便民超市）", "12000.00"),
            L("利息收入", "88.20"),
        ],
        [
            L("办公经费（办公用品、打印耗材）", "2418.60"),
            L("水电费", "4286.35"),
            L("“邻里节”活动经费", "3650.00"),
            L("公共区域维修", "1920.00"),
        ],
    ),
    2: (
        [
            L("镇拨付社区工作经费", "30000.00"),
            L("社区服务用房出租收入（便民超市）", "12000.00"),
            L("利息收入", "95.64"),
        ],
        [
            L("办公经费（办公用品、打印耗材）", "1865.40"),
            L("水电费", "3902.18"),
            L("惠民家园加装电梯协商会议费用", "680.00"),
            L("消防器材更换", "5240.00"),
        ],
    ),
    3: (
        [
            L("镇拨付社区工作经费", "30000.00"),
            L("社区服务用房出租收入（便民超市）", "12000.00"),
            L("利息收入", "102.37"),
        ],
        [
            L("办公经费（办公用品、打印耗材）", "2036.90"),
            L("水电费", "5127.62"),
            L("重阳节敬老活动经费", "4800.00"),
            L("小区绿化补植", "3160.00"),
        ],
    ),
}
XC_OPENING = D("58420.00")

BH_QUARTERS: dict[int, tuple[list[Line], list[Line]]] = {
    1: (
        [L("镇拨付社区工作经费", "25000.00"), L("利息收入", "36.18")],
        [
            L("办公经费（办公用品、打印耗材）", "1764.00"),
            L("水电费", "3281.40"),
            L("日间照料中心运行费用", "6300.00"),
        ],
    ),
    2: (
        [L("镇拨付社区工作经费", "25000.00"), L("利息收入", "42.75")],
        [
            L("办公经费（办公用品、打印耗材）", "1530.20"),
            L("水电费", "2896.65"),
            L("日间照料中心运行费用", "6300.00"),
            L("滨河公园周边环境整治", "4750.00"),
        ],
    ),
    3: (
        [L("镇拨付社区工作经费", "25000.00"), L("利息收入", "39.91")],
        [
            L("办公经费（办公用品、打印耗材）", "1688.50"),
            L("水电费", "3950.30"),
            L("日间照料中心运行费用", "6300.00"),
        ],
    ),
}
BH_OPENING = D("23617.80")


def finance_content(u: Unit, label: str, st: Statement, notes: str) -> str:
    return f"""{label}{"村级财务" if u.village else "社区"}收支情况公开如下（单位：元）。

本期期初余额{money(st.opening)}元，收入合计{money(st.total_income())}元，支出合计{money(st.total_expense())}元，期末余额{money(st.close)}元。{notes}

以上收支已经{u.jwh}审核，原始凭证存镇“三资”管理服务中心，{u.people}可按规定到{u.cwh}申请查阅。"""


# --------------------------------------------------------------------------
# Quarterly items shared by the units
# --------------------------------------------------------------------------


def add_finance_quarterly(
    u: Unit,
    item: str,
    statements: list[Statement],
    pub: dict[int, date],
    notes: dict[int, str],
    planted: dict[int, str] | None = None,
    unreviewed: set[int] | None = None,
    boards: list[str] | None = None,
    published_raw: dict[int, Raw] | None = None,
    reviewed_raw: dict[int, Raw] | None = None,
) -> None:
    planted = planted or {}
    for q, st in enumerate(statements, 1):
        slug = item.split("/", 1)[1].replace("/", "-")
        published: date | Raw = pub[q]
        rev: dict[str, Any] | None = review(u, pub[q])
        if published_raw and q in published_raw:
            published = published_raw[q]
            rev = {"by": u.supervisor, "date": reviewed_raw[q]} if reviewed_raw else rev
        if unreviewed and q in unreviewed:
            rev = None
        u.add(
            Record(
                rid=f"records/2024/q{q}/{slug}",
                item=item,
                period=f"2024-Q{q}",
                published=published,
                title=f"2024年{QUARTER_CN[q]}{'村级财务' if u.village else '社区收益及各项'}收支情况",
                content=finance_content(u, f"2024年{QUARTER_CN[q]}", st, notes.get(q, "")),
                reviewed=rev,
                finance=st,
                planted=planted.get(q, ""),
                boards=boards or ["main"],
            )
        )


def welfare_tables(roster: list[list[Any]], tekun: list[list[Any]], label: str) -> list[Table]:
    return [
        Table(
            f"{label}最低生活保障对象名单", ["户主姓名", "保障人口", "保障类别", "月保障金额（元）"], roster
        ),
        Table(f"{label}特困人员供养名单", ["姓名", "供养方式", "月供养金额（元）"], tekun),
    ]


def add_welfare(
    u: Unit,
    item: str,
    pub: dict[int, date],
    rosters: dict[int, list[list[Any]]],
    tekun: dict[int, list[list[Any]]],
    notes: dict[int, str],
    skip: set[int] | None = None,
    evidence_override: dict[int, list[str]] | None = None,
    missing_evidence: set[int] | None = None,
    planted: dict[int, str] | None = None,
) -> None:
    for q in (1, 2, 3):
        if skip and q in skip:
            continue
        label = f"2024年{QUARTER_CN[q]}"
        slug = item.split("/", 1)[1].replace("/", "-")
        kind_word = "农村" if u.village else "社区"
        u.add(
            Record(
                rid=f"records/2024/q{q}/{slug}",
                item=item,
                period=f"2024-Q{q}",
                published=pub[q],
                title=f"{label}{kind_word}低保、特困供养等社会救助和关爱服务情况",
                content=f"""{label}本{"村" if u.village else "社区"}最低生活保障、特困人员供养等情况公示如下。{notes[q]}

保障金由县民政局通过惠民惠农财政补贴资金“一卡通”按月直接发放到户。留守儿童、困境儿童和独居老人由网格员每月至少走访一次。

对名单有异议的，可在公示之日起7日内向{u.jwh}或镇民政办反映。名单中姓名已作遮蔽处理。""",
                tables=welfare_tables(rosters[q], tekun[q], label),
                evidence=(evidence_override or {}).get(q),
                missing_evidence=bool(missing_evidence and q in missing_evidence),
                planted=(planted or {}).get(q, ""),
            )
        )


def add_answers(
    u: Unit,
    item: str,
    pub: dict[int, date],
    answers: dict[int, list[list[Any]]],
    extra: dict[int, str] | None = None,
    planted: dict[int, str] | None = None,
) -> None:
    for q in (1, 2, 3):
        label = f"2024年{QUARTER_CN[q]}"
        rows = answers.get(q, [])
        slug = item.split("/", 1)[1].replace("/", "-")
        if rows:
            text = f"{label}共收到{u.people}对{'村务' if u.village else '居务'}公开事项的质询、意见和查阅申请{len(rows)}件，均已答复办结，办理情况如下。"
        else:
            text = f"{label}未收到{u.people}对{'村务' if u.village else '居务'}公开事项的质询或意见。"
        text += (extra or {}).get(q, "")
        text += (
            f"\n\n{u.people}对公开内容有疑问的，可到{u.cwh}或{u.jwh}当面反映，也可拨打公开栏上的监督电话。"
        )
        u.add(
            Record(
                rid=f"records/2024/q{q}/{slug}",
                item=item,
                period=f"2024-Q{q}",
                published=pub[q],
                title=f"{label}{u.people}质询和意见答复办理情况",
                content=text,
                tables=[Table("办理情况", ["收到日期", "反映人", "事项", "答复情况"], rows)] if rows else [],
                planted=(planted or {}).get(q, ""),
            )
        )


def add_allowance(
    u: Unit,
    pub: dict[int, date],
    staff: dict[int, list[tuple[str, str, str]]],
    note: dict[int, str] | None = None,
) -> None:
    for q in (1, 2, 3):
        rows = [[n, role, D(std), D(std) * 3] for n, role, std in staff[q]]
        total = sum((r[3] for r in rows), Decimal("0"))
        label = f"2024年{QUARTER_CN[q]}"
        u.add(
            Record(
                rid=f"records/2024/q{q}/finance-4",
                item="village/finance/4",
                period=f"2024-Q{q}",
                published=pub[q],
                title=f"{label}享受误工补贴人员和补贴标准",
                content=f"""按照镇党委、镇政府核定的村干部误工补贴标准，{label}本村享受误工补贴人员{len(rows)}人，发放合计{money(total)}元，已通过银行代发到个人账户。{(note or {}).get(q, "")}""",
                reviewed=review(u, pub[q]),
                tables=[
                    Table(
                        f"{label}误工补贴发放表",
                        ["姓名", "职务", "补贴标准（元/月）", "本季度发放（元）"],
                        rows,
                    )
                ],
            )
        )


def add_office_funds(
    u: Unit, pub: dict[int, date], received: Decimal, spend: dict[int, list[tuple[str, Decimal]]]
) -> None:
    for q in (1, 2, 3):
        rows = [[name, amt] for name, amt in spend[q]]
        total = sum((a for _, a in spend[q]), Decimal("0"))
        label = f"2024年{QUARTER_CN[q]}"
        u.add(
            Record(
                rid=f"records/2024/q{q}/finance-2",
                item="village/finance/2",
                period=f"2024-Q{q}",
                published=pub[q],
                title=f"{label}村级组织运转经费和办公经费使用情况",
                content=f"""{label}收到镇财政拨付的村级组织运转经费{money(received)}元，当季使用{money(total)}元，明细如下。

运转经费专款专用，主要用于村干部误工补贴和村委会日常办公，不足部分由村集体收入补足。""",
                reviewed=review(u, pub[q]),
                tables=[Table(f"{label}运转经费使用明细", ["支出项目", "金额（元）"], rows)],
            )
        )


def sum_lines(statements: list[Statement], prefix: str) -> Decimal:
    return sum(
        (ln.amount for st in statements for ln in st.expense if ln.name.startswith(prefix)), Decimal("0")
    )


# --------------------------------------------------------------------------
# Events, projects, feedback, inspections
# --------------------------------------------------------------------------


def event_yaml(
    comment: str,
    when: str,
    type_: str,
    title: str,
    item: str,
    signatures: dict[str, int] | None = None,
    planted: str = "",
) -> str:
    out = [f"# {comment}"]
    if planted:
        out.append(f"# {PLANTED}{planted}")
    out += [f"date: {when}", f"type: {type_}", f"title: {scalar(title)}", f"item: {item}"]
    if signatures:
        out.append(f"signatures: {flow_map(signatures)}")
    return "\n".join(out) + "\n"


def feedback_yaml(
    comment: str,
    type_: str,
    received: str,
    from_: str,
    summary: str,
    about: str | None = None,
    answered: str | None = None,
    answer: str | None = None,
    planted: str = "",
) -> str:
    out = [f"# {comment}"]
    if planted:
        out.append(f"# {PLANTED}{planted}")
    out += [f"type: {type_}", f"received: {received}", f"from: {scalar(from_)}"]
    if about:
        out.append(f"about: {about}")
    out.append(f"summary: {scalar(summary)}")
    if answered:
        out.append(f"answered: {answered}")
        out.append("answer: " + block(answer or ""))
    return "\n".join(out) + "\n"


def inspection_yaml(u: Unit, when: str, findings: list[dict[str, Any]], note: str) -> str:
    out = [
        f"# {u.name}2024年度{'村务' if u.village else '居务'}公开栏全覆盖检查。{note}",
        f"date: {when}",
        "inspector: 镇民政办",
    ]
    if not findings:
        out.append("findings: []                  # 检查未发现问题")
    else:
        out.append("findings:")
        for f in findings:
            out.append(f"  - board: {f['board']}")
            out.append(
                f"    problems: {flow_list(f['problems'])}" + (f"   # {f['why']}" if f.get("why") else "")
            )
            out.append(f"    fix_by: {f['fix_by']}")
            out.append(f"    fixed: {f['fixed']}")
    return "\n".join(out) + "\n"


# ==========================================================================
# 东庄村 dongzhuang — the busy village: monthly finance, the road project,
# a joint request above the threshold, a correction.  Clean.
# ==========================================================================


def build_dongzhuang() -> None:
    u = DONGZHUANG
    u.files["unit.yaml"] = unit_yaml(u, "东庄村：全镇财务往来最多的村，收支情况按月公开")
    adoption = dict(
        consultation="2024-01-04",
        methods=["三长会议", "村民小组长会议", "微信群"],
        drafted="2024-01-08",
        supervisory_review="2024-01-10",
        joint_meeting="2024-01-12",
        approved="2024-01-15",
        by="representatives",
        published="2024-01-16",
        complaints="村务监督委员会 赵保国 0371-62345678（工作日在村党群服务中心受理投诉和问询）",
    )
    items = [PlanItem(f"village/system/{i}") for i in range(1, 10)]
    items += [
        PlanItem("village/affairs/1"),
        PlanItem("village/affairs/2"),
        PlanItem("village/affairs/3", "发生时即时公开"),
        PlanItem("village/affairs/4"),
        PlanItem("village/affairs/5", "每季度公开协商议题和结果", responsible="陈国平"),
        PlanItem("village/affairs/7", "村民代表会议后两日内公开"),
        PlanItem("village/affairs/8"),
        PlanItem("village/affairs/9"),
        PlanItem("village/affairs/10"),
        PlanItem("village/affairs/11", "村道硬化工程，事前、事中、事后分阶段公开", responsible="陈国平"),
        PlanItem("village/affairs/15", responsible="周秀兰"),
        PlanItem("village/affairs/17"),
        PlanItem("village/affairs/18"),
        PlanItem("village/affairs/19"),
        PlanItem("village/affairs/20"),
        PlanItem(
            "village/finance/1",
            "财务往来较多，每月10日前公开上月收支",
            schedule="monthly",
            channels=["board", "wechat_group", "website"],
        ),
        PlanItem("village/finance/2"),
        PlanItem("village/finance/4"),
        PlanItem("village/finance/5"),
        PlanItem("village/finance/8"),
        PlanItem("village/finance/9"),
        PlanItem("village/finance/13", "厂房、门面房租赁情况"),
        PlanItem("village/finance/15"),
        PlanItem("village/finance/17", "每季度公开监委会审核情况", responsible="赵保国"),
    ]
    na = [
        ("village/affairs/6", "本届村民会议未向村民代表会议新增授权，授权范围已于2021年换届后公开"),
        ("village/affairs/12", "本村不在村庄搬迁撤并范围内"),
        ("village/affairs/13", "本村无拆迁安置项目"),
        ("village/affairs/14", "防返贫监测对象和需长期帮扶人员并入事务类第15项一并公开"),
        ("village/affairs/16", "红白理事会章程和移风易俗标准已写入村规民约，随制度类第1项长期公开"),
        ("village/finance/3", "本年度未开展“一事一议”筹资筹劳"),
        ("village/finance/6", "本年度未接受救灾救助资金和社会捐赠"),
        ("village/finance/7", "耕地地力保护补贴等由镇财政所通过“一卡通”直接发放，并在镇政务网站专栏公开"),
        ("village/finance/10", "本年度无新增宅基地审批"),
        ("village/finance/11", "本年度无土地征用"),
        ("village/finance/12", "村集体无债权债务，2023年底已清理完毕"),
        ("village/finance/14", "村集体经营收益统一纳入村级财务收支，按财务类第1项每月公开"),
        ("village/finance/16", "本村无机动地和“四荒”资源"),
    ]
    u.files["plans/2024.yaml"] = plan_yaml(
        u,
        adoption,
        items,
        na,
        "东庄村2024年度村务公开工作方案\n"
        "经2024年1月15日村民代表会议审议通过，1月16日在公开栏和村民微信群公布。",
    )

    add_standing(u, d("2024-01-18"))
    u.add(
        Record(
            rid="records/2024/standing/system-9",
            item="village/system/9",
            published=d("2024-01-18"),
            title="东庄村村级小微权力清单",
            comment="长期公开（village/system/9，其他相关制度），本村列入方案的是小微权力清单",
            content="根据镇纪委统一部署，本村梳理村级小微权力事项28项，分为重大事项决策、集体资产资源管理、"
            "工程项目建设、惠民政策落实、便民服务五类，每项均明确办理流程和监督责任人。\n\n"
            "清单和运行流程图张贴于党群服务中心，村民办事可对照清单监督。",
        )
    )

    # Monthly income and expenditure, January to November (December is due 2025-01-10).
    statements = chain(DZ_OPENING, [DZ_MONTHS[m] for m in range(1, 12)])
    pub = {
        1: "2024-02-06",
        2: "2024-03-06",
        3: "2024-04-08",
        4: "2024-05-08",
        5: "2024-06-05",
        6: "2024-07-05",
        7: "2024-08-06",
        8: "2024-09-05",
        9: "2024-10-09",
        10: "2024-11-06",
        11: "2024-12-05",
    }
    notes = {
        1: "本月收到镇财政拨付一季度村级组织运转经费；春节前走访慰问困难群众20户，每户200元。",
        3: "本月支付村道硬化工程设计费，设计方案已经3月15日村民代表会议审议通过。",
        4: "本月收到乡村振兴衔接资金20万元，按合同支付村道硬化工程预付款（合同价的30%）。",
        5: "本月维修村内主干道路灯12盏。",
        6: "按监理确认的工程量支付村道硬化工程进度款（合同价的40%）。",
        7: "本月收到第二笔乡村振兴衔接资金20万元。",
        8: "汛期租用水泵排除低洼地块积水，支付抽水费用。",
        10: "村道硬化工程9月30日竣工验收合格，支付结算款（付至合同价的97%，留3%质保金14,589.60元一年后支付）和监理费。",
        11: "本月在村道两侧补植女贞、紫薇等苗木。",
    }
    for m, st in enumerate(statements, 1):
        p = d(pub[m])
        rid = f"records/2024/{m:02d}/finance-1"
        if m == 3:
            # The March sheet first went up with 办公经费 and 水电费 swapped; a villager
            # asked (feedback/2024/2024-04-11-march-finance), the corrected sheet replaced it.
            wrong = Statement(
                st.opening,
                st.income,
                [
                    L("村干部误工补贴", "16800.00"),
                    L("保洁员工资", "6400.00"),
                    L("办公经费（办公用品、打印耗材）", "2386.00"),
                    L("水电费", "1214.50"),
                    L("村道硬化工程设计费", "8600.00"),
                ],
            )
            assert wrong.close == st.close
            u.add(
                Record(
                    rid=rid,
                    item="village/finance/1",
                    period="2024-03",
                    published=p,
                    until=d("2024-04-16"),
                    title="2024年3月村级财务收支情况",
                    boards=["main", "group3"],
                    channels=["board", "wechat_group", "website"],
                    content=finance_content(u, "2024年3月", wrong, notes.get(m, "")),
                    reviewed=review(u, p),
                    finance=wrong,
                    comment="2024年3月收支（原公开件）。办公经费与水电费金额录入时颠倒，\n"
                    "4月16日由 records/2024/03/finance-1-correction 更正并撤下，本件保留备查",
                )
            )
            pc = d("2024-04-16")
            u.add(
                Record(
                    rid=rid + "-correction",
                    item="village/finance/1",
                    period="2024-03",
                    published=pc,
                    title="2024年3月村级财务收支情况（更正）",
                    boards=["main", "group3"],
                    channels=["board", "wechat_group", "website"],
                    supersedes=rid,
                    content="**更正说明**：4月8日公开的3月份收支表中，“办公经费”与“水电费”两项金额录入时颠倒，"
                    "收支合计和期末余额无误。经村务监督委员会核对原始凭证，现更正如下，原公开件同时撤下。\n\n"
                    + finance_content(u, "2024年3月", st, notes.get(m, "")),
                    reviewed=review(u, pc),
                    finance=st,
                    comment="更正件：替换4月8日公开的3月收支表（同一事项、同一期间，不算重复）",
                )
            )
            continue
        u.add(
            Record(
                rid=rid,
                item="village/finance/1",
                period=f"2024-{m:02d}",
                published=p,
                title=f"2024年{m}月村级财务收支情况",
                boards=["main", "group3"],
                channels=["board", "wechat_group", "website"],
                content=finance_content(u, f"2024年{m}月", st, notes.get(m, "")),
                reviewed=review(u, p),
                finance=st,
            )
        )

    qpub = {1: d("2024-04-08"), 2: d("2024-07-05"), 3: d("2024-10-09")}
    # 民主协商
    topics = {
        1: (
            "村道硬化工程实施方案",
            "2月下旬分组召开村民说事会4场，收集意见27条；采纳“路面加宽到4.5米”“保留排水边沟”等意见，方案提交3月15日村民代表会议表决通过。",
        ),
        2: (
            "党群服务中心门前公共停车管理",
            "5月召开议事会1次，商定划设停车位32个、农忙季节临时开放文化广场停车，已于6月实施。",
        ),
        3: (
            "村东坑塘整治方案",
            "8月召开恳谈会2次，多数村民同意清淤后作为排涝调蓄池，不再对外发包；方案列入2025年计划。",
        ),
    }
    for q, (topic, text) in topics.items():
        u.add(
            Record(
                rid=f"records/2024/q{q}/affairs-5",
                item="village/affairs/5",
                period=f"2024-Q{q}",
                published=qpub[q],
                title=f"2024年{QUARTER_CN[q]}村级民主协商情况",
                content=f"本季度协商议题：{topic}。\n\n{text}\n\n协商成果的落实情况在下季度继续公开。",
            )
        )
    # 低保、特困
    base = [
        ["刘*山", 3, "A类", D("1290.00")],
        ["陈*芳", 2, "B类", D("760.00")],
        ["孙*德", 1, "A类", D("430.00")],
        ["周*英", 4, "C类", D("880.00")],
        ["王*成", 2, "B类", D("760.00")],
    ]
    q2 = base + [["马*红", 3, "B类", D("1140.00")]]
    q3 = [r for r in q2 if r[0] != "孙*德"]
    tekun = [["杜*田", "分散供养", D("680.00")], ["李*海", "集中供养（县社会福利中心）", D("680.00")]]
    add_welfare(
        u,
        "village/affairs/15",
        qpub,
        {1: base, 2: q2, 3: q3},
        {1: tekun, 2: tekun, 3: tekun},
        {
            1: "本季度低保对象5户12人，特困供养人员2人，无新增和退出。",
            2: "本季度经村民代表评议、镇政府审核、县民政局审批，新增低保对象1户3人（马*红户，因病致困）。",
            3: "孙*德于8月因病去世，其低保金自9月起停发；现有低保对象5户14人。",
        },
    )
    add_answers(
        u,
        "village/affairs/20",
        qpub,
        {
            2: [
                [
                    "2024-04-11",
                    "村民张某",
                    "3月份收支表“办公经费”“水电费”金额有疑问",
                    "经核对两项金额录入颠倒，4月16日已更正公开",
                ]
            ],
            3: [
                [
                    "2024-08-05",
                    "村民孙某",
                    "村道硬化工程进度公开未列已付工程款",
                    "8月12日答复：已付款项见4月、6月收支表，并已在公开栏补充张贴说明",
                ]
            ],
        },
    )
    # 运转经费和办公经费
    spend = {}
    for q in (1, 2, 3):
        qs = statements[(q - 1) * 3 : q * 3]
        spend[q] = [
            ("村干部误工补贴", sum_lines(qs, "村干部误工补贴")),
            ("办公经费（办公用品、打印耗材）", sum_lines(qs, "办公经费")),
            ("水电费", sum_lines(qs, "水电费")),
        ]
    add_office_funds(u, qpub, D("52500.00"), spend)
    staff = [
        ("刘建军", "村党支部书记、村委会主任", "3200.00"),
        ("陈国平", "村委会副主任", "2600.00"),
        ("王芳", "村委会委员、文书", "2400.00"),
        ("孙立新", "村委会委员", "2300.00"),
        ("周秀兰", "村委会委员、妇联主席", "2300.00"),
        ("李红梅", "报账员", "2000.00"),
        ("赵保国", "村务监督委员会主任", "2000.00"),
    ]
    add_allowance(u, qpub, {1: staff, 2: staff, 3: staff})
    # 集体资产运营
    asset_rows = [
        ["一号厂房（1200平方米）", "某食品加工厂", "2022年1月至2026年12月", D("180000.00"), "按季度收取"],
        ["沿街门面房1—6号", "个体经营户6户", "2024年1月至12月", D("108000.00"), "按月收取，2月空置1间"],
    ]
    for q in (1, 2, 3):
        qs = statements[(q - 1) * 3 : q * 3]
        rent = sum(
            (ln.amount for st in qs for ln in st.income if ln.name.startswith("集体资产租赁")), Decimal("0")
        )
        u.add(
            Record(
                rid=f"records/2024/q{q}/finance-13",
                item="village/finance/13",
                period=f"2024-Q{q}",
                published=qpub[q],
                title=f"2024年{QUARTER_CN[q]}村集体资产运营及收益情况",
                content=f"本季度村集体资产租赁收入{money(rent)}元，已全部存入村集体账户，纳入每月收支公开。"
                + (
                    "二号厂房原承租方合同到期后不再续租，经村民代表会议同意暂作村集体农机存放点。"
                    if q == 1
                    else ""
                )
                + "\n\n资产租赁合同原件存村档案室，村民可申请查阅。",
                reviewed=review(u, qpub[q]),
                tables=[
                    Table(
                        "经营性资产出租情况", ["资产", "承租方", "租期", "年租金（元）", "备注"], asset_rows
                    )
                ],
            )
        )
    # 监委会财务监督
    months_of = {1: "1—3月", 2: "4—6月", 3: "7—9月"}
    for q in (1, 2, 3):
        u.add(
            Record(
                rid=f"records/2024/q{q}/finance-17",
                item="village/finance/17",
                period=f"2024-Q{q}",
                published=qpub[q],
                title=f"2024年{QUARTER_CN[q]}村务监督委员会财务监督情况",
                content=f"本季度村务监督委员会审核了{months_of[q]}的村级财务收支，逐笔核对原始凭证，签署审核意见后公开。"
                + {
                    1: "对村道硬化工程设计费支付依据进行了审核，与设计合同一致。",
                    2: "根据村民4月11日的质询，复核发现3月份收支表“办公经费”“水电费”两项金额录入颠倒，已督促村委会于4月16日更正公开；"
                    "对村道硬化工程预付款、进度款支付依据进行了专项审核，付款与监理确认的工程量一致。",
                    3: "本季度未发现违规支出。",
                }[q],
                reviewed=review(u, qpub[q]),
            )
        )

    # --- events and their immediate records ---
    u.files["events/2024-01-20-rep-meeting.yaml"] = event_yaml(
        "村民代表会议（应到45人，实到41人）",
        "2024-01-20",
        "meeting",
        "村民代表会议审议2023年度村委会工作报告",
        "village/affairs/7",
    )
    u.add(
        Record(
            rid="records/2024/immediate/2024-01-20-work-report",
            item="village/affairs/7",
            published=d("2024-01-21"),
            event="2024-01-20-rep-meeting",
            title="村民代表会议审议2023年度村委会工作报告情况",
            content="2024年1月20日召开村民代表会议，应到代表45人，实到41人。会议听取并审议了村委会主任刘建军所作的"
            "《2023年度村民委员会工作报告》。\n\n表决结果：同意39票，不同意0票，弃权2票，报告获得通过。"
            "代表提出的“加快三组至五组道路硬化”“规范门面房出租”等意见已列入2024年工作计划。",
        )
    )
    u.files["events/2024-05-20-joint-request.yaml"] = event_yaml(
        "村民联名要求公开（186人签名，正好达到1860人的十分之一，须即时公开）",
        "2024-05-20",
        "joint_request",
        "村民联名要求公开村集体土地流转合同及流转费收取情况",
        "village/finance/9",
        signatures={"villagers": 186},
    )
    u.add(
        Record(
            rid="records/2024/immediate/2024-05-22-land-transfer",
            item="village/finance/9",
            published=d("2024-05-22"),
            event="2024-05-20-joint-request",
            title="村集体土地流转合同及流转费收取情况（应村民联名要求公开）",
            content="5月20日收到村民186人联名要求，现将村集体土地流转情况公开如下。\n\n"
            "2021年经村民代表会议决议，第六、七村民小组机动地共320亩流转给某农业专业合作社种植蔬菜，"
            "流转期限10年，流转费每亩每年800元，逐年递增不超过3%。流转费由合作社直接支付给承包农户，"
            "村集体不收取管理费。流转合同复印件已张贴于公开栏，原件存村档案室。",
            reviewed=review(u, d("2024-05-22")),
            tables=[
                Table(
                    "土地流转情况",
                    ["地块", "面积（亩）", "流入方", "期限", "流转费（元/亩·年）"],
                    [
                        ["第六村民小组西地", "180", "某农业专业合作社", "2021年10月至2031年9月", D("800.00")],
                        ["第七村民小组南地", "140", "某农业专业合作社", "2021年10月至2031年9月", D("800.00")],
                    ],
                )
            ],
        )
    )
    u.files["events/2024-06-18-farm-policy.yaml"] = event_yaml(
        "上级新出台的惠农政策，收到文件后即时公开",
        "2024-06-18",
        "policy",
        "2024年小麦“一喷三防”和玉米“一喷多促”补助政策",
        "village/affairs/18",
    )
    u.add(
        Record(
            rid="records/2024/immediate/2024-06-19-farm-policy",
            item="village/affairs/18",
            published=d("2024-06-19"),
            event="2024-06-18-farm-policy",
            title="2024年玉米“一喷多促”补助政策",
            content="根据县农业农村局通知，2024年对全县玉米种植实行“一喷多促”统防统治，由县里统一招标作业，"
            "农户不需缴费。本村玉米种植面积约2100亩，作业时间为7月下旬至8月上旬，请各户配合做好地块确认。\n\n"
            "有疑问的可咨询村委会副主任陈国平。",
        )
    )

    # --- the road project, disclosed before, during and after ---
    u.files["projects/2024-road.yaml"] = (
        "# 三组至五组村道硬化工程：2024年3月15日村民代表会议表决通过，\n"
        "# 事前（开工前）、事中（每季度末）、事后（竣工验收后十日内）分阶段公开\n"
        "title: 三组至五组村道硬化工程\n"
        "item: village/affairs/11\n"
        "start: 2024-04-01\n"
        "end: 2024-09-30                 # 竣工验收日期\n"
    )
    u.add(
        Record(
            rid="records/2024/projects/2024-road-before",
            item="village/affairs/11",
            project="2024-road",
            phase="before",
            published=d("2024-03-20"),
            title="三组至五组村道硬化工程实施方案（事前公开）",
            boards=["main", "group3"],
            content="经2024年3月15日村民代表会议表决（应到45人，实到43人，同意42票），实施三组至五组村道硬化工程。\n\n"
            "- 建设内容：水泥混凝土路面1.8公里，宽4.5米，厚20厘米，两侧保留排水边沟；\n"
            "- 资金来源：乡村振兴衔接资金40万元，不足部分由村集体收入支付；\n"
            "- 施工单位：经镇公共资源交易平台公开招标确定，合同价486,320.00元；\n"
            "- 工期：2024年4月1日开工，9月30日前完工。\n\n"
            "工程由镇农业农村服务中心委托监理，村务监督委员会全程监督，村民可推选代表参与质量监督。",
        )
    )
    u.add(
        Record(
            rid="records/2024/projects/2024-road-during-q2",
            item="village/affairs/11",
            project="2024-road",
            phase="during",
            period="2024-Q2",
            published=d("2024-07-05"),
            title="三组至五组村道硬化工程进展情况（截至6月30日）",
            boards=["main", "group3"],
            content="截至2024年6月30日，已完成路基整平1.8公里、混凝土路面浇筑1.1公里，约占总工程量的60%。\n\n"
            "5月下旬，村民质量监督代表发现第四组路段切缝不及时，已督促施工单位整改。"
            "下一步将完成剩余0.7公里路面浇筑和路肩培土，预计9月底完工。",
        )
    )
    u.add(
        Record(
            rid="records/2024/projects/2024-road-after",
            item="village/affairs/11",
            project="2024-road",
            phase="after",
            published=d("2024-10-09"),
            title="三组至五组村道硬化工程竣工验收和资金使用情况（事后公开）",
            boards=["main", "group3"],
            reviewed=review(u, d("2024-10-09")),
            content="工程于2024年9月30日通过镇农业农村服务中心组织的竣工验收，质量合格。\n\n"
            "合同价486,320.00元，已支付471,730.40元（预付款145,896.00元、进度款194,528.00元、结算款131,306.40元），"
            "质保金14,589.60元一年后无质量问题再支付；另支付设计费8,600.00元、监理费9,200.00元（10月支付）。"
            "各笔款项已在当月财务收支中公开。",
            tables=[
                Table(
                    "工程资金使用情况",
                    ["项目", "金额（元）", "支付月份"],
                    [
                        ["设计费", D("8600.00"), "2024年3月"],
                        ["预付款（30%）", D("145896.00"), "2024年4月"],
                        ["进度款（40%）", D("194528.00"), "2024年6月"],
                        ["结算款（27%）", D("131306.40"), "2024年10月"],
                        ["监理费", D("9200.00"), "2024年10月"],
                        ["质保金（3%，未付）", D("14589.60"), "2025年10月"],
                    ],
                )
            ],
        )
    )

    # --- feedback ---
    u.files["feedback/2024/2024-04-11-march-finance.yaml"] = feedback_yaml(
        "村民对3月份收支公开的质询，5天内答复，并更正公开",
        "inquiry",
        "2024-04-11",
        "村民张某",
        "3月份收支表中“水电费”1,214.50元、“办公经费”2,386.00元，与往月相比差别较大，是否录错",
        about="records/2024/03/finance-1",
        answered="2024-04-16",
        answer="经村务监督委员会核对原始凭证，两项金额录入时颠倒：3月办公经费实为1,214.50元，水电费实为2,386.00元，"
        "收支合计和期末余额无误。4月16日已张贴更正后的收支表，原表撤下。感谢您的监督。",
    )
    u.files["feedback/2024/2024-08-05-road-payments.yaml"] = feedback_yaml(
        "村民投诉工程进度公开内容不全，监委会调查后答复",
        "complaint",
        "2024-08-05",
        "村民孙某",
        "村道硬化工程事中公开只写了进度，没有写已经付了多少工程款，公开不全",
        about="records/2024/projects/2024-road-during-q2",
        answered="2024-08-12",
        answer="村务监督委员会已调查：截至6月底已付预付款145,896.00元、进度款194,528.00元，分别在4月、6月收支表中公开。"
        "村委会已在8月12日补充张贴说明，工程竣工后将公开全部资金使用情况。",
    )

    u.files["inspections/2024.yaml"] = inspection_yaml(
        u,
        "2024-11-05",
        [
            {
                "board": "group3",
                "problems": ["rusty", "messy"],
                "why": "第三组公开栏边框锈蚀，过期材料未撤下",
                "fix_by": "2024-11-30",
                "fixed": "2024-11-20",
            },
        ],
        "第三组公开栏限期整改，已按期整改完毕。",
    )


# ==========================================================================
# 西王村 xiwang — quarterly village, a new bookkeeper in July, a complaint. Clean.
# ==========================================================================


def build_xiwang() -> None:
    u = XIWANG
    u.files["unit.yaml"] = unit_yaml(u, "西王村：黄河滩区村，收支情况按季度公开")
    adoption = dict(
        consultation="2024-01-05",
        methods=["村民小组长会议", "征集意见箱"],
        drafted="2024-01-09",
        supervisory_review="2024-01-11",
        joint_meeting="2024-01-15",
        approved="2024-01-18",
        by="assembly",
        published="2024-01-19",
        complaints="村务监督委员会 王振华 0371-62341102",
    )
    items = [PlanItem(f"village/system/{i}") for i in range(1, 9)]
    items += [
        PlanItem("village/affairs/1"),
        PlanItem("village/affairs/2"),
        PlanItem("village/affairs/3"),
        PlanItem("village/affairs/4"),
        PlanItem("village/affairs/7"),
        PlanItem("village/affairs/8"),
        PlanItem("village/affairs/9"),
        PlanItem("village/affairs/10"),
        PlanItem("village/affairs/11", "如有公益事业建设项目，分阶段公开"),
        PlanItem("village/affairs/15", responsible="张海涛"),
        PlanItem("village/affairs/17"),
        PlanItem("village/affairs/18"),
        PlanItem("village/affairs/19"),
        PlanItem("village/affairs/20"),
        PlanItem("village/finance/1"),
        PlanItem("village/finance/2"),
        PlanItem("village/finance/4"),
        PlanItem("village/finance/5", "村报账员任用、解聘后两日内公开"),
        PlanItem("village/finance/8"),
        PlanItem("village/finance/9", "集体藕塘发包"),
        PlanItem("village/finance/15"),
    ]
    na = [
        ("village/affairs/5", "本年度议事协商事项均提交村民会议决议，按决议情况即时公开"),
        ("village/affairs/6", "本届村民会议未向村民代表会议授权"),
        ("village/affairs/12", "本村不在村庄搬迁撤并范围内"),
        ("village/affairs/13", "本村无拆迁安置项目"),
        ("village/affairs/14", "防返贫监测对象并入事务类第15项一并公开"),
        ("village/affairs/16", "红白理事会和移风易俗要求已写入村规民约，长期公开"),
        ("village/finance/3", "本年度未开展“一事一议”筹资筹劳"),
        ("village/finance/6", "防汛补助资金已纳入财务收支公开，本年度未接受社会捐赠"),
        ("village/finance/7", "耕地地力保护补贴等由镇财政所“一卡通”直接发放，并在镇政务网站专栏公开"),
        ("village/finance/10", "本年度无新增宅基地审批"),
        ("village/finance/11", "本年度无土地征用"),
        ("village/finance/12", "村集体无债权债务"),
        ("village/finance/13", "村集体无厂房、门面房等经营性资产"),
        ("village/finance/14", "本年度村集体经济无可分配收益"),
        ("village/finance/16", "本村无机动地，滩区“四荒”由县黄河河务局统一管理"),
        ("village/finance/17", "监委会财务监督意见随每季度财务收支一并公开"),
    ]
    u.files["plans/2024.yaml"] = plan_yaml(
        u,
        adoption,
        items,
        na,
        "西王村2024年度村务公开工作方案\n经2024年1月18日村民会议讨论通过，1月19日公布。",
    )
    add_standing(u, d("2024-01-22"))

    qpub = {1: d("2024-04-09"), 2: d("2024-07-05"), 3: d("2024-10-09")}
    statements = chain(XW_OPENING, [XW_QUARTERS[q] for q in (1, 2, 3)])
    # Q2 is written the way the clerk writes dates by hand: 2024年7月5日, reviewed 2024/7/4.
    add_finance_quarterly(
        u,
        "village/finance/1",
        statements,
        qpub,
        {
            1: "一季度收到2024年度集体藕塘承包费86,400.00元（240亩，每亩360元）。",
            2: "二季度修补村内生产路坑洼路段约600平方米。",
            3: "三季度收到上级防汛补助资金15,000.00元，用于排涝沟清淤。",
        },
        published_raw={2: Raw("2024年7月5日")},
        reviewed_raw={2: Raw("2024/7/4")},
    )
    rosters = {
        1: [
            ["王*林", 2, "A类", D("860.00")],
            ["张*兰", 1, "A类", D("430.00")],
            ["王*军", 4, "B类", D("1520.00")],
            ["李*花", 3, "C类", D("990.00")],
        ],
    }
    rosters[2] = rosters[1]
    rosters[3] = rosters[1] + [["王*全", 2, "B类", D("760.00")]]
    tekun = [["王*德", "分散供养", D("680.00")]]
    add_welfare(
        u,
        "village/affairs/15",
        qpub,
        rosters,
        {1: tekun, 2: tekun, 3: tekun},
        {
            1: "本季度低保对象4户10人，特困供养人员1人。",
            2: "本季度无新增和退出。",
            3: "本季度新增低保对象1户2人（王*全户，因残致困）。7月有村民对二季度名单提出异议，经监委会入户调查，名单属实，已答复。",
        },
    )
    add_answers(
        u,
        "village/affairs/20",
        qpub,
        {
            3: [
                [
                    "2024-07-20",
                    "村民王某",
                    "认为二季度低保名单中个别户不符合条件",
                    "监委会入户核实，7月29日答复：该户符合条件",
                ],
                [
                    "2024-09-09",
                    "村民刘某",
                    "申请查阅二季度生产路修补支出凭证",
                    "9月11日在村委会提供凭证复印件",
                ],
            ],
        },
    )
    spend = {}
    for q in (1, 2, 3):
        st = statements[q - 1]
        spend[q] = [
            ("村干部误工补贴", sum_lines([st], "村干部误工补贴")),
            ("办公经费（办公用品、报刊）", sum_lines([st], "办公经费")),
            ("水电费", sum_lines([st], "水电费")),
        ]
    add_office_funds(u, qpub, D("45000.00"), spend)
    staff1 = [
        ("王德明", "村党支部书记、村委会主任", "2900.00"),
        ("王建设", "村委会副主任", "2300.00"),
        ("李敏", "村委会委员、文书", "2200.00"),
        ("张海涛", "村委会委员", "2000.00"),
        ("王振华", "村务监督委员会主任", "2000.00"),
        ("王玉兰", "报账员", "1800.00"),
    ]
    staff3 = staff1[:5] + [("郭晓丽", "报账员", "1800.00")]
    add_allowance(
        u,
        qpub,
        {1: staff1, 2: staff1, 3: staff3},
        note={3: "7月起报账员由郭晓丽担任，王玉兰不再享受误工补贴。"},
    )

    u.files["events/2024-01-26-assembly.yaml"] = event_yaml(
        "村民会议（全村18周岁以上村民过半数参加）",
        "2024-01-26",
        "meeting",
        "村民会议审议2023年度村委会工作报告",
        "village/affairs/7",
    )
    u.add(
        Record(
            rid="records/2024/immediate/2024-01-26-work-report",
            item="village/affairs/7",
            published=d("2024-01-27"),
            event="2024-01-26-assembly",
            title="村民会议审议2023年度村委会工作报告情况",
            content="2024年1月26日召开村民会议，到会村民512人，超过全村18周岁以上村民的半数。会议审议了村委会主任王德明所作的"
            "《2023年度村民委员会工作报告》，举手表决全票通过。\n\n会上村民提出的排涝沟清淤、生产路修补等建议已列入2024年工作计划。",
        )
    )
    u.files["events/2024-07-15-bookkeeper.yaml"] = event_yaml(
        "原报账员王玉兰因年龄原因辞去报账员职务",
        "2024-07-15",
        "meeting",
        "村民代表会议同意聘任郭晓丽为村报账员",
        "village/finance/5",
    )
    u.add(
        Record(
            rid="records/2024/immediate/2024-07-16-bookkeeper",
            item="village/finance/5",
            published=d("2024-07-16"),
            event="2024-07-15-bookkeeper",
            title="村报账员任用和解聘情况",
            content="原村报账员王玉兰因年龄原因申请辞去报账员职务。经村“两委”提名、2024年7月15日村民代表会议表决"
            "（应到32人，实到29人，同意29票），聘任郭晓丽为村报账员，自7月16日起履职。\n\n"
            "交接工作在镇“三资”管理服务中心和村务监督委员会监督下完成，账目、票据和印鉴交接清楚。",
            reviewed=review(u, d("2024-07-16"), days=0),
        )
    )
    u.files["feedback/2024/2024-07-20-dibao-complaint.yaml"] = feedback_yaml(
        "村民认为低保名单公开内容不实，监委会调查后答复",
        "complaint",
        "2024-07-20",
        "村民王某",
        "二季度低保名单中王*军户家里有人在外打工，认为不符合低保条件",
        about="records/2024/q2/affairs-15",
        answered="2024-07-29",
        answer="村务监督委员会会同镇民政办入户核实：王*军本人为二级肢体残疾，其子在外务工收入已计入家庭收入，"
        "人均收入仍低于低保标准，符合B类保障条件。调查情况已当面向反映人说明。",
    )
    u.files["feedback/2024/2024-09-09-access.yaml"] = feedback_yaml(
        "村民申请查阅、复印财务凭证",
        "access",
        "2024-09-09",
        "村民刘某",
        "申请查阅二季度“村内生产路坑洼修补”8,640.00元的支出凭证",
        about="records/2024/q2/finance-1",
        answered="2024-09-11",
        answer="9月11日在村委会提供了施工结算单、验收单和付款凭证复印件，由村务监督委员会委员刘桂芝陪同查阅。",
    )
    u.files["inspections/2024.yaml"] = inspection_yaml(
        u,
        "2024-11-06",
        [
            {
                "board": "main",
                "problems": ["old"],
                "why": "公开栏面板褪色",
                "fix_by": "2024-12-15",
                "fixed": "2024-12-10",
            },
        ],
        "公开栏面板已更换。",
    )


# ==========================================================================
# 南河村 nanhe — holds five of the deliberate problems.
# ==========================================================================


def build_nanhe() -> None:
    u = NANHE
    u.files["unit.yaml"] = unit_yaml(
        u, "南河村：收支情况按季度公开（本村文件中有示例故意留错，见 examples/README.md）"
    )
    adoption = dict(
        consultation="2024-01-03",
        methods=["三长会议", "微信群"],
        drafted="2024-01-08",
        supervisory_review="2024-01-10",
        joint_meeting="2024-01-12",
        approved="2024-01-16",
        by="representatives",
        published="2024-01-18",
        complaints="村务监督委员会 徐国强 0371-62341315",
    )
    items = [PlanItem(f"village/system/{i}") for i in range(1, 9)]
    items += [
        PlanItem("village/affairs/1"),
        PlanItem("village/affairs/2"),
        PlanItem("village/affairs/3"),
        PlanItem("village/affairs/4"),
        PlanItem("village/affairs/7"),
        PlanItem("village/affairs/8"),
        PlanItem("village/affairs/9"),
        PlanItem("village/affairs/10"),
        PlanItem("village/affairs/11"),
        PlanItem("village/affairs/15", responsible="吴长江"),
        PlanItem("village/affairs/17"),
        PlanItem("village/affairs/18"),
        PlanItem("village/affairs/19"),
        PlanItem("village/affairs/20"),
        PlanItem("village/finance/1"),
        PlanItem("village/finance/2"),
        PlanItem("village/finance/4"),
        PlanItem("village/finance/5"),
        PlanItem("village/finance/8"),
        PlanItem("village/finance/9"),
        PlanItem("village/finance/15"),
        PlanItem("village/finance/16"),
    ]
    na = [
        ("village/affairs/5", "本年度议事协商事项均经村民代表会议决议，按决议情况即时公开"),
        ("village/affairs/6", "本届村民会议未向村民代表会议授权"),
        ("village/affairs/12", "本村不在村庄搬迁撤并范围内"),
        ("village/affairs/13", "本村无拆迁安置项目"),
        ("village/affairs/14", "防返贫监测对象并入事务类第15项一并公开"),
        ("village/affairs/16", "红白理事会和移风易俗要求已写入村规民约，长期公开"),
        ("village/finance/3", "本年度未开展“一事一议”筹资筹劳"),
        ("village/finance/6", "本年度未接受救灾救助资金和社会捐赠"),
        ("village/finance/7", "耕地地力保护补贴等由镇财政所“一卡通”直接发放，并在镇政务网站专栏公开"),
        ("village/finance/10", "本年度无新增宅基地审批"),
        ("village/finance/11", "本年度无土地征用"),
        ("village/finance/12", "村集体无债权债务"),
        ("village/finance/13", "村集体无经营性资产"),
        ("village/finance/14", "本年度村集体经济无可分配收益"),
        ("village/finance/17", "监委会财务监督意见随每季度财务收支一并公开"),
    ]
    u.files["plans/2024.yaml"] = plan_yaml(
        u,
        adoption,
        items,
        na,
        "南河村2024年度村务公开工作方案\n经2024年1月16日村民代表会议审议通过，1月18日公布。",
    )
    add_standing(u, d("2024-01-22"))

    qpub = {1: d("2024-04-08"), 2: d("2024-07-08"), 3: d("2024-10-10")}
    q1, q2, q3 = chain(NH_OPENING, [NH_QUARTERS[q] for q in (1, 2, 3)])
    # Planted `continuity`: the Q2 opening balance was copied from Q1's closing with two
    # digits transposed; Q2 itself balances from that wrong figure, Q3 chains from Q2.
    right = f"{q1.close:.2f}"
    wrong_text = right[0] + right[2] + right[1] + right[3:]
    assert wrong_text != right, right
    q2 = Statement(D(wrong_text), q2.income, q2.expense)
    # Planted `balance`: Q3's closing balance is written 0.10 short.
    q3 = Statement(q2.close, q3.income, q3.expense)
    q3.closing = q3.computed() - D("0.10")
    add_finance_quarterly(
        u,
        "village/finance/1",
        [q1, q2, q3],
        qpub,
        {
            2: "二季度收到县农业农村局葡萄种植技术培训补助3,000.00元，举办培训两期。",
            3: "三季度清运南河沿岸垃圾约40车。",
        },
        planted={
            2: f"期初余额{q2.opening:.2f}与一季度期末余额{q1.close:.2f}不一致（抄录时两位数字颠倒）→ continuity",
            3: f"期末余额少写0.10元（按收支应为{q3.computed():.2f}）→ balance",
        },
    )
    rosters = {
        1: [
            ["杨*田", 2, "A类", D("860.00")],
            ["何*珍", 1, "B类", D("380.00")],
            ["吴*山", 3, "B类", D("1140.00")],
        ]
    }
    rosters[2] = rosters[1]
    rosters[3] = rosters[1]
    tekun = [["杨*生", "分散供养", D("680.00")]]
    add_welfare(
        u,
        "village/affairs/15",
        qpub,
        rosters,
        {1: tekun, 2: tekun, 3: tekun},
        {
            1: "本季度低保对象3户6人，特困供养人员1人。",
            2: "本季度无新增和退出。",
            3: "本季度无新增和退出。",
        },
    )
    # Planted `late`: the Q2 answers sheet went up on 07-15, five days after 07-10.
    pub20 = dict(qpub)
    pub20[2] = d("2024-07-15")
    add_answers(
        u,
        "village/affairs/20",
        pub20,
        {
            2: [
                [
                    "2024-06-12",
                    "村民何某",
                    "一季度收支表中误工补贴数额有疑问",
                    "6月19日答复：5人误工补贴标准见误工补贴公开表",
                ]
            ],
        },
        planted={2: "二季度答复情况7月15日才公开，晚于7月10日 → late（警告）"},
    )
    spend = {}
    for q, st in zip((1, 2, 3), (q1, q2, q3), strict=True):
        spend[q] = [
            ("村干部误工补贴", sum_lines([st], "村干部误工补贴")),
            ("办公经费（办公用品、打印耗材）", sum_lines([st], "办公经费")),
            ("水电费", sum_lines([st], "水电费")),
        ]
    add_office_funds(u, qpub, D("36000.00"), spend)
    staff = [
        ("杨宏伟", "村党支部书记、村委会主任", "2800.00"),
        ("何卫东", "村委会副主任", "2200.00"),
        ("高静", "村委会委员、文书", "2100.00"),
        ("吴长江", "村委会委员", "2000.00"),
        ("徐国强", "村务监督委员会主任", "1900.00"),
    ]
    add_allowance(u, qpub, {1: staff, 2: staff, 3: staff})

    u.files["events/2024-01-27-rep-meeting.yaml"] = event_yaml(
        "村民代表会议（应到28人，实到26人）",
        "2024-01-27",
        "meeting",
        "村民代表会议审议2023年度村委会工作报告",
        "village/affairs/7",
    )
    u.add(
        Record(
            rid="records/2024/immediate/2024-01-29-work-report",
            item="village/affairs/7",
            published=d("2024-01-29"),
            event="2024-01-27-rep-meeting",
            title="村民代表会议审议2023年度村委会工作报告情况",
            content="2024年1月27日召开村民代表会议，应到代表28人，实到26人，审议村委会主任杨宏伟所作的"
            "《2023年度村民委员会工作报告》。表决结果：同意25票，弃权1票，报告获得通过。",
        )
    )
    u.files["events/2024-09-03-joint-request.yaml"] = event_yaml(
        "部分村民联名要求公开南河桥头集体荒滩发包合同",
        "2024-09-03",
        "joint_request",
        "村民联名要求公开南河桥头集体荒滩发包合同",
        "village/finance/16",
        signatures={"villagers": 72, "representatives": 4},
        planted="72人不足980人的十分之一（98人），4名代表不足28人的五分之一（6人）：\n"
        "# 不属于必须即时公开的联名要求 → threshold（提示）。村委会已当面向联名村民解释。",
    )
    u.files["feedback/2024/2024-06-12-allowance.yaml"] = feedback_yaml(
        "村民投诉一季度收支公开不全：误工补贴只有总数",
        "complaint",
        "2024-06-12",
        "村民何某",
        "一季度收支表中村干部误工补贴33,000.00元只有总数，看不出每人多少",
        about="records/2024/q1/finance-1",
        answered="2024-06-19",
        answer="每人误工补贴标准和发放金额已在《2024年第一季度享受误工补贴人员和补贴标准》中公开，"
        "村务监督委员会已带反映人到公开栏逐项核对。",
    )
    u.files["feedback/2024/2024-11-18-well-repair.yaml"] = feedback_yaml(
        "村民质询机井维修情况",
        "inquiry",
        "2024-11-18",
        "村民吴某",
        "第四组2号机井10月份坏了至今未修，村里说已报修，要求说明维修经费和时间",
        planted="收到后一直未答复（应于11月28日前答复）→ overdue（错误）",
    )
    u.files["inspections/2024.yaml"] = inspection_yaml(
        u,
        "2024-11-07",
        [
            {
                "board": "south",
                "problems": ["damaged"],
                "why": "南河桥头公开栏玻璃破损",
                "fix_by": "2024-12-10",
                "fixed": "2024-12-06",
            },
        ],
        "南河桥头公开栏已更换玻璃。",
    )


# ==========================================================================
# 新村社区 xincun-shequ — a clean community with a 公益创投 project.
# ==========================================================================


def build_xincun() -> None:
    u = XINCUN
    u.files["unit.yaml"] = unit_yaml(u, "新村社区：镇区北部的城镇社区，收支情况按季度公开")
    adoption = dict(
        consultation="2024-01-04",
        methods=["居民小组长会议", "征集意见箱", "微信群"],
        drafted="2024-01-09",
        supervisory_review="2024-01-11",
        joint_meeting="2024-01-15",
        approved="2024-01-17",
        by="representatives",
        published="2024-01-18",
        complaints="居务监督委员会 韩志诚 0371-62347021",
    )
    items = [PlanItem(f"community/system/{i}") for i in range(1, 9)]
    items += [
        PlanItem("community/affairs/1"),
        PlanItem("community/affairs/2"),
        PlanItem("community/affairs/3", "委员辞职、补选后即时公开"),
        PlanItem("community/affairs/4"),
        PlanItem("community/affairs/5", "每季度公开协商议题和结果", responsible="黄志刚"),
        PlanItem("community/affairs/6"),
        PlanItem("community/affairs/7"),
        PlanItem("community/affairs/8"),
        PlanItem("community/affairs/9"),
        PlanItem("community/affairs/12", responsible="宋佳"),
        PlanItem("community/affairs/13"),
        PlanItem("community/affairs/14"),
        PlanItem("community/affairs/15"),
        PlanItem("community/finance/1", "邻里互助食堂公益创投项目"),
        PlanItem("community/finance/3"),
        PlanItem("community/finance/5"),
    ]
    na = [
        ("community/affairs/10", "惠民家园加装电梯尚在协商，本年度无老旧小区改造工程"),
        ("community/affairs/11", "需长期重点帮扶的人员并入事务类第12项一并公开"),
        ("community/finance/2", "本年度慰问物资由镇里统一发放，社区未接受社会各界慰问钱款"),
    ]
    u.files["plans/2024.yaml"] = plan_yaml(
        u,
        adoption,
        items,
        na,
        "新村社区2024年度居务公开工作方案\n经2024年1月17日居民代表会议审议通过，1月18日公布。",
    )
    add_standing(u, d("2024-01-19"))

    qpub = {1: d("2024-04-08"), 2: d("2024-07-04"), 3: d("2024-10-08")}
    statements = chain(XC_OPENING, [XC_QUARTERS[q] for q in (1, 2, 3)])
    add_finance_quarterly(
        u,
        "community/finance/3",
        statements,
        qpub,
        {
            1: "一季度举办“邻里节”活动，维修新村小区公共照明。",
            2: "二季度更换惠民家园灭火器和应急照明灯。",
            3: "三季度举办重阳节敬老活动，为80岁以上老人送蛋糕和慰问品。",
        },
        boards=["main", "huimin"],
    )
    topics = {
        1: (
            "惠民家园加装电梯",
            "3月召开楼栋议事会3次，12个单元中有7个单元意见基本一致，已报街道住建部门指导，下步开展费用分摊协商。",
        ),
        2: (
            "新村小区电动车集中充电",
            "5月召开居民议事会，商定在小区东侧建设集中充电棚2处，由物业公司负责建设和管理，8月已投入使用。",
        ),
        3: (
            "金堤苑小区停车收费标准",
            "8月召开协商会2次，居民代表、业委会和物业公司商定月租车位每月80元，临时停车2小时内免费。",
        ),
    }
    for q, (topic, text) in topics.items():
        u.add(
            Record(
                rid=f"records/2024/q{q}/affairs-5",
                item="community/affairs/5",
                period=f"2024-Q{q}",
                published=qpub[q],
                title=f"2024年{QUARTER_CN[q]}社区民主协商情况",
                boards=["main", "huimin"],
                content=f"本季度协商议题：{topic}。\n\n{text}",
            )
        )
    rosters = {
        1: [
            ["孟*山", 2, "A类", D("1040.00")],
            ["胡*英", 1, "A类", D("520.00")],
            ["谢*国", 3, "B类", D("1380.00")],
            ["石*兰", 2, "C类", D("620.00")],
        ]
    }
    rosters[2] = rosters[1]
    rosters[3] = [r for r in rosters[1] if r[0] != "石*兰"]
    tekun = [["韩*祥", "分散供养", D("920.00")]]
    add_welfare(
        u,
        "community/affairs/12",
        qpub,
        rosters,
        {1: tekun, 2: tekun, 3: tekun},
        {
            1: "本季度城市低保对象4户8人，特困供养人员1人。",
            2: "本季度无新增和退出。",
            3: "石*兰户家庭收入增加，经复核自9月起退出低保。",
        },
    )
    add_answers(
        u,
        "community/affairs/15",
        qpub,
        {
            2: [
                [
                    "2024-04-20",
                    "居民谢某",
                    "一季度“公共区域维修”支出不清楚修了哪里",
                    "4月28日答复：维修新村小区5、6号楼间路灯和单元门禁",
                ],
                [
                    "2024-05-14",
                    "居民孟某",
                    "邻里互助食堂政府补助资金用在哪里",
                    "5月20日答复：详见公益创投项目资金使用情况公开",
                ],
            ],
        },
    )
    # 公益创投: 邻里互助食堂
    grants = {
        1: [["食堂设备购置（消毒柜、保温餐车）", D("18600.00")], ["食材采购补贴", D("9450.00")]],
        2: [["食材采购补贴", D("12380.00")], ["志愿者保险", D("960.00")]],
        3: [["食材采购补贴", D("13120.00")], ["厨房燃气改造", D("4200.00")]],
    }
    for q in (1, 2, 3):
        used = sum((r[1] for r in grants[q]), Decimal("0"))
        u.add(
            Record(
                rid=f"records/2024/q{q}/finance-1",
                item="community/finance/1",
                period=f"2024-Q{q}",
                published=qpub[q],
                title=f"2024年{QUARTER_CN[q]}邻里互助食堂公益创投项目资金使用情况",
                boards=["main", "huimin"],
                content=f"邻里互助食堂为县民政局2024年社区公益创投项目，财政资助80,000.00元，由社区社会组织“新村邻里互助会”实施，"
                f"为辖区60岁以上老人提供午餐，每餐老人自付5元。\n\n本季度使用项目资金{money(used)}元，明细如下。"
                + ("\n\n一季度累计服务老人2,860人次。" if q == 1 else ""),
                reviewed=review(u, qpub[q]),
                tables=[Table("项目资金使用明细", ["用途", "金额（元）"], grants[q])],
            )
        )
    # events
    u.files["events/2024-01-24-rep-meeting.yaml"] = event_yaml(
        "居民代表会议（应到60人，实到52人）",
        "2024-01-24",
        "meeting",
        "居民代表会议审议2023年度居委会工作报告",
        "community/affairs/6",
    )
    u.add(
        Record(
            rid="records/2024/immediate/2024-01-24-work-report",
            item="community/affairs/6",
            published=d("2024-01-25"),
            event="2024-01-24-rep-meeting",
            title="居民代表会议审议2023年度居委会工作报告情况",
            boards=["main", "huimin"],
            content="2024年1月24日召开居民代表会议，应到代表60人，实到52人，审议了居委会主任张丽娟所作的"
            "《2023年度居民委员会工作报告》。表决结果：同意50票，弃权2票，报告获得通过。",
        )
    )
    u.files["events/2024-06-20-by-election.yaml"] = event_yaml(
        "居委会委员陈某因工作调动辞职，居民代表会议补选",
        "2024-06-20",
        "meeting",
        "居民代表会议补选居民委员会委员",
        "community/affairs/3",
    )
    u.add(
        Record(
            rid="records/2024/immediate/2024-06-21-by-election",
            item="community/affairs/3",
            published=d("2024-06-21"),
            event="2024-06-20-by-election",
            title="居民委员会委员辞职和补选情况",
            boards=["main", "huimin"],
            content="居委会委员陈某因工作调动于5月提出辞职，经居民代表会议同意，其职务自5月31日终止。\n\n"
            "2024年6月20日召开居民代表会议补选委员1名，应到60人，实到55人，宋佳得55票当选居民委员会委员。",
        )
    )
    u.files["feedback/2024/2024-04-20-repairs.yaml"] = feedback_yaml(
        "居民认为一季度收支公开内容不全",
        "complaint",
        "2024-04-20",
        "居民谢某",
        "一季度收支“公共区域维修”1,920.00元没写修了哪里",
        about="records/2024/q1/finance-3",
        answered="2024-04-28",
        answer="居务监督委员会核实：该笔支出为新村小区5、6号楼间路灯和2个单元门禁维修，维修单据已张贴补充公开。",
    )
    u.files["feedback/2024/2024-05-14-canteen.yaml"] = feedback_yaml(
        "居民问询公益创投资金使用",
        "inquiry",
        "2024-05-14",
        "居民孟某",
        "邻里互助食堂的政府补助资金用在哪里",
        about="records/2024/q1/finance-1",
        answered="2024-05-20",
        answer="项目资金用于设备购置和食材补贴，每季度在公开栏公开明细，一季度使用28,050.00元。",
    )
    u.files["feedback/2024/2024-10-15-access.yaml"] = feedback_yaml(
        "居民申请查阅收支凭证",
        "access",
        "2024-10-15",
        "居民胡某",
        "申请查阅三季度“小区绿化补植”支出凭证",
        about="records/2024/q3/finance-3",
        answered="2024-10-17",
        answer="10月17日在社区提供苗木采购合同、验收单和付款凭证，由居务监督委员会委员赵春燕陪同查阅。",
    )
    u.files["inspections/2024.yaml"] = inspection_yaml(u, "2024-11-12", [], "两处公开栏均符合规范。")


# ==========================================================================
# 滨河社区 binhe-shequ — holds the other deliberate problems.
# ==========================================================================


def build_binhe() -> None:
    u = BINHE
    u.files["unit.yaml"] = unit_yaml(
        u, "滨河社区：回迁安置社区（本社区文件中有示例故意留错，见 examples/README.md）"
    )
    adoption = dict(
        consultation="2024-01-05",
        methods=["居民小组长会议", "微信群"],
        drafted="2024-01-10",
        supervisory_review="2024-01-12",
        joint_meeting="2024-01-16",
        approved="2024-01-19",
        by="representatives",
        published="2024-01-20",
        complaints="居务监督委员会 曹建华 0371-62347336",
    )
    items = [PlanItem(f"community/system/{i}") for i in range(1, 9)]
    items += [
        PlanItem("community/affairs/1"),
        PlanItem("community/affairs/2"),
        PlanItem("community/affairs/3"),
        PlanItem("community/affairs/4"),
        PlanItem("community/affairs/6"),
        PlanItem("community/affairs/7"),
        PlanItem("community/affairs/8"),
        PlanItem("community/affairs/9"),
        PlanItem("community/affairs/12", responsible="马丽"),
        PlanItem("community/affairs/14"),
        PlanItem("community/affairs/15"),
        PlanItem("community/finance/2", "春节、重阳节慰问金"),
        PlanItem("community/finance/3"),
        PlanItem("community/finance/5"),
    ]
    na = [
        ("community/affairs/5", "本年度议事协商事项均经居民代表会议决议，按决议情况即时公开"),
        ("community/affairs/10", "康居小区雨污分流改造列入2025年计划，本年度无老旧小区改造工程"),
        ("community/affairs/11", "需长期重点帮扶的人员并入事务类第12项一并公开"),
        ("community/finance/1", "本年度辖区无财政资金或慈善资金支持的公益创投、公益采购项目"),
    ]
    text = plan_yaml(
        u,
        adoption,
        items,
        na,
        "滨河社区2024年度居务公开工作方案\n经2024年1月19日居民代表会议审议通过，1月20日公布。",
    )
    # Planted `plan-coverage`: community/affairs/13 is neither an item nor not_applicable.
    anchor = "  - {item: community/affairs/14,"
    assert anchor in text
    text = text.replace(
        anchor,
        f"  # {PLANTED}漏列 community/affairs/13（疫情防控），也没有写进 not_applicable → plan-coverage（警告）\n"
        + anchor,
    )
    u.files["plans/2024.yaml"] = text
    add_standing(u, d("2024-01-23"))

    qpub = {1: d("2024-04-09"), 2: d("2024-07-09"), 3: d("2024-10-09")}
    statements = chain(BH_OPENING, [BH_QUARTERS[q] for q in (1, 2, 3)])
    add_finance_quarterly(
        u,
        "community/finance/3",
        statements,
        qpub,
        {
            2: "二季度组织清理滨河公园周边卫生死角，清运建筑垃圾。",
        },
        unreviewed={2},
        planted={2: "居务监督委员会未审核就公开了（没有 reviewed）→ review（警告）"},
    )
    rosters = {
        1: [
            ["田*福", 1, "A类", D("520.00")],
            ["卢*梅", 2, "B类", D("920.00")],
            ["秦*海", 3, "A类", D("1560.00")],
            ["冯*珍", 1, "C类", D("260.00")],
            ["郑*民", 2, "B类", D("920.00")],
        ]
    }
    rosters[2] = rosters[1]
    rosters[3] = rosters[1]
    tekun = [["曹*根", "分散供养", D("920.00")], ["马*义", "集中供养（镇敬老院）", D("920.00")]]
    add_welfare(
        u,
        "community/affairs/12",
        qpub,
        rosters,
        {1: tekun, 2: tekun, 3: tekun},
        {
            1: "本季度城市低保对象5户9人，特困供养人员2人。",
            2: "本季度无新增和退出。",
            3: "本季度无新增和退出。",
        },
        evidence_override={2: ["evidence/2024/q2/affairs-12-board.jpg"]},
        missing_evidence={2},
        planted={2: "照片 evidence/2024/q2/affairs-12-board.jpg 没有上传，文件不存在 → evidence（错误）"},
    )
    add_answers(
        u,
        "community/affairs/15",
        qpub,
        {
            3: [
                [
                    "2024-08-02",
                    "居民卢某",
                    "春节收到的商会慰问金是否已全部发放",
                    "8月8日答复：已全部发放，签领表存社区备查",
                ]
            ],
        },
        extra={3: "\n\n慰问金发放有疑问的，也可直接联系网格员马丽，电话13812345678。"},
        planted={3: "正文中写出了网格员未遮蔽的手机号码 → privacy（错误）"},
    )
    gifts = {
        1: (
            "春节",
            [["某商会慰问金", D("20000.00")]],
            [
                ["困难家庭春节慰问（40户×300元）", D("12000.00")],
                ["高龄老人春节慰问（40人×200元）", D("8000.00")],
            ],
        ),
        2: ("", [], []),
        3: (
            "",
            [["某爱心企业重阳节慰问金", D("6000.00")]],
            [["80岁以上老人重阳节慰问（60人×100元）", D("6000.00")]],
        ),
    }
    for q in (1, 2, 3):
        _, got, used = gifts[q]
        if q == 2:
            content = "本季度社区未收到社会各界慰问钱款，也无慰问金支出。一季度春节慰问金已全部发放完毕，签领表存社区备查。"
            tables: list[Table] = []
        else:
            content = (
                f"本季度收到社会各界慰问钱款{money(sum((r[1] for r in got), Decimal('0')))}元，已全部发放，"
                "签领表存社区备查。慰问对象由居民小组长提名、居民代表会议评议确定。"
            )
            tables = [
                Table(
                    "慰问钱款收支",
                    ["来源或用途", "金额（元）"],
                    [["收到：" + r[0], r[1]] for r in got] + [["发放：" + r[0], r[1]] for r in used],
                )
            ]
        u.add(
            Record(
                rid=f"records/2024/q{q}/finance-2",
                item="community/finance/2",
                period=f"2024-Q{q}",
                published=qpub[q],
                title=f"2024年{QUARTER_CN[q]}社会各界慰问钱款管理和使用情况",
                content=content,
                reviewed=review(u, qpub[q]),
                tables=tables,
            )
        )
    u.files["events/2024-01-25-rep-meeting.yaml"] = event_yaml(
        "居民代表会议（应到50人，实到46人）",
        "2024-01-25",
        "meeting",
        "居民代表会议审议2023年度居委会工作报告",
        "community/affairs/6",
    )
    u.add(
        Record(
            rid="records/2024/immediate/2024-01-25-work-report",
            item="community/affairs/6",
            published=d("2024-01-26"),
            event="2024-01-25-rep-meeting",
            title="居民代表会议审议2023年度居委会工作报告情况",
            content="2024年1月25日召开居民代表会议，应到代表50人，实到46人，审议了居委会主任郑晓燕所作的"
            "《2023年度居民委员会工作报告》。表决结果：同意46票，报告获得通过。",
        )
    )
    u.files["feedback/2024/2024-08-02-gifts.yaml"] = feedback_yaml(
        "居民问询慰问金发放",
        "inquiry",
        "2024-08-02",
        "居民卢某",
        "春节收到的商会慰问金是否已经全部发放",
        about="records/2024/q1/finance-2",
        answered="2024-08-08",
        answer="20,000.00元已于春节前全部发放给40户困难家庭和40名高龄老人，签领表存社区，可申请查阅。",
    )
    u.files["inspections/2024.yaml"] = inspection_yaml(
        u,
        "2024-11-13",
        [
            {
                "board": "main",
                "problems": ["nonstandard"],
                "why": "公开栏未标注监督电话",
                "fix_by": "2024-12-20",
                "fixed": "2024-12-18",
            },
        ],
        "已补标监督电话。",
    )


# --------------------------------------------------------------------------
# gongkai.yaml and writing out
# --------------------------------------------------------------------------

GONGKAI_YAML = """\
# 花园口镇村（居）务公开仓库：3个行政村、2个社区
# 依据：花政字〔2023〕103号《关于花园口镇制定村（居）务公开工作实施方案》
name: 花园口镇
timezone: Asia/Shanghai
email:
  from: gongkai@huayuankou.example
  to: [minzhengban@huayuankou.example]
  smtp: {host: localhost, port: 25, security: none}
  password_env: GONGKAI_SMTP_PASSWORD   # 密码只放在环境变量里，不写进仓库
"""


def write() -> None:
    if ROOT.exists():
        shutil.rmtree(ROOT)
    ROOT.mkdir(parents=True)
    (ROOT / "gongkai.yaml").write_text(GONGKAI_YAML, encoding="utf-8")
    for build in (build_dongzhuang, build_xiwang, build_nanhe, build_xincun, build_binhe):
        build()
    for u in UNITS:
        base = ROOT / u.folder
        for rel, text in u.files.items():
            path = base / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for rec in u.records:
            path = base / (rec.rid + ".yaml")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(rec.to_yaml(), encoding="utf-8")
            if rec.missing_evidence:
                continue
            for ev in rec.evidence_paths():
                photo = base / ev
                photo.parent.mkdir(parents=True, exist_ok=True)
                photo.write_bytes(jpeg(f"花园口镇{u.name}公开栏照片 {ev}"))


if __name__ == "__main__":
    write()
