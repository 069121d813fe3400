"""What a disclosure repository holds. Each class is also the schema of its YAML file:
the field declarations (`f(...)`) say the key, its type, whether it is required and what it means.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from gongkai.load.scalars import YEAR_MAX, YEAR_MIN
from gongkai.load.schema import (
    Bool,
    Ctx,
    Date,
    Dict,
    Enum,
    Forbidden,
    Int,
    List,
    Model,
    Money,
    MoneyT,
    MonthDay,
    Obj,
    PeriodT,
    Row,
    Str,
    Text,
    f,
)
from gongkai.problem import Msg, msg
from gongkai.schedule import Period

KIND = Enum({"village": ("村", "行政村"), "community": ("社区", "居")})
CATEGORY = Enum({"system": ("制度类", "制度"), "affairs": ("事务类", "事务"), "finance": ("财务类", "财务")})
SCHEDULE = Enum({"standing": ("长期公开", "长期"), "quarterly": ("每季度", "季度"), "monthly": ("每月", "月度"),
                 "immediate": ("即时", "即时公开"), "phased": ("分阶段", "分阶段公开")})
CHANNEL = Enum({"board": ("公开栏",), "screen": ("电子显示屏", "显示屏"), "wechat_group": ("微信群",),
                "wechat_official": ("微信公众号", "公众号"), "website": ("政务网站专栏", "网站")})
APPROVED_BY = Enum({"assembly": ("村民会议", "居民会议"), "representatives": ("村民代表会议", "居民代表会议")})
PHASE = Enum({"before": ("事前",), "during": ("事中",), "after": ("事后",)})
EVENT_TYPE = Enum({"meeting": ("会议决议",), "policy": ("惠民政策",), "major": ("重大事项",), "joint_request": ("联名要求",)})
FEEDBACK_TYPE = Enum({"inquiry": ("质询/意见", "质询", "意见"), "complaint": ("投诉", "公开内容不实不全"),
                      "access": ("查阅复印", "查阅")})
BOARD_PROBLEM = Enum({"damaged": ("破",), "old": ("旧",), "rusty": ("锈",), "messy": ("乱",),
                      "nonstandard": ("不规范",), "missing": ("无公开栏",)})
SECURITY = Enum({"none": ("无",), "starttls": ("STARTTLS",), "ssl": ("SSL", "tls")})

# Ranges of the numbers a file may hold: beyond them a value is a typo (and a huge number of days or a five-digit
# year would overflow the date arithmetic).
DAYS = Msg("天数", "the number of days")


def _days() -> Int:
    return Int(0, 366, DAYS)


def _people() -> Int:
    return Int(0, 1_000_000, Msg("人数", "the number of people"))


def _representatives() -> Int:
    return Int(0, 10_000, Msg("代表人数", "the number of representatives"))


@dataclass(eq=False)
class Rules(Model):
    quarterly_days: int | None = f(_days(), doc="季度事项：季度结束后几日内公开（默认 10）")
    monthly_days: int | None = f(_days(), doc="每月事项：月份结束后几日内公开（默认 10）")
    plan_publish_days: int | None = f(_days(), doc="年度方案审定后几日内公布（默认 2）")
    immediate_days: int | None = f(_days(), doc="即时公开事项：事件后几日内公开（默认 2）")
    phase_after_days: int | None = f(_days(), doc="分阶段项目：完工后几日内公开（默认 10）")
    feedback_days: int | None = f(_days(), doc="质询、投诉几日内答复（默认 10）")
    due_soon_days: int | None = f(_days(), doc="提前几日提醒（默认 14）")
    plan_due: tuple[int, int] | None = f(MonthDay(), doc="年度方案每年最晚公布日期（默认 03-31）")
    inspection_due: tuple[int, int] | None = f(MonthDay(), doc="公开栏年度检查最晚日期（默认 12-31）")


@dataclass(eq=False)
class Smtp(Model):
    host: str | None = f(Str(), required=True, doc="邮件服务器")
    port: int | None = f(Int(1, 65535, Msg("端口", "the port")), doc="端口")
    security: str | None = f(SECURITY, doc="none | starttls | ssl")
    timeout: int | None = f(Int(1, 3600, Msg("超时秒数", "the timeout in seconds")), doc="超时秒数")
    cafile: str | None = f(Str(), doc="自签名服务器的证书文件（PEM），相对于 gongkai.yaml 所在文件夹")


PASSWORD_REFUSED = Msg(
    "密码不能写在仓库里（仓库会被复制、公开）：删掉 password，改用 password_env 写环境变量的名字，如 GONGKAI_SMTP_PASSWORD",
    "a password must never live in the repository: remove 'password' and name an environment variable in password_env")


@dataclass(eq=False)
class Email(Model):
    from_: str | None = f(Str(), key="from", doc="发件人")
    to: list[str] = f(List(Str()), doc="收件人（镇民政办）")
    smtp: Smtp | None = f(Obj(Smtp), doc="邮件服务器设置")
    username: str | None = f(Str(), doc="登录名")
    password_env: str | None = f(Str(), doc="存放密码的环境变量名")
    password: None = f(Forbidden(PASSWORD_REFUSED))
    subject_prefix: str | None = f(Str(), doc="邮件标题前缀")


@dataclass(eq=False)
class Settings(Model):
    """`gongkai.yaml` at the repository root."""

    name: str | None = f(Str(), doc="镇（街道）名称")
    timezone: str | None = f(Str(), doc="时区，默认 Asia/Shanghai")
    rules: Rules | None = f(Obj(Rules), doc="时限规则")
    templates: str | None = f(Str(), doc="自定义模板目录")
    site_url: str | None = f(Str(), doc="公开网站地址（用于二维码）")
    email: Email | None = f(Obj(Email), doc="逾期提醒邮件")


@dataclass(eq=False)
class Board(Model):
    id: str = f(Str(), required=True, doc="公开栏编号", default="")
    location: str | None = f(Str(), doc="位置")


@dataclass(eq=False)
class Unit(Model):
    """`unit.yaml`: the village's or community's profile."""

    name: str | None = f(Str(), required=True, doc="村（社区）名称")
    kind: str | None = f(KIND, required=True, doc="village（村）或 community（社区）")
    town: str | None = f(Str(), doc="所属乡镇")
    code: str | None = f(Str(), doc="统计用区划代码")
    villagers: int | None = f(_people(), doc="村（居）民人数")
    representatives: int | None = f(_representatives(), doc="村（居）民代表人数")
    finance_monthly: bool | None = f(Bool(), doc="财务往来较多：收支每月公开")
    since: dt.date | None = f(Date(), doc="从哪一天起检查")
    boards: list[Board] = f(List(Obj(Board)), doc="公开栏")
    contacts: dict[str, str] = f(Dict(Str()), doc="联系人")
    email: list[str] = f(List(Str()), doc="本村逾期提醒收件人")
    rules: Rules | None = f(Obj(Rules), doc="本村的时限规则")


@dataclass(eq=False)
class Step(Model):
    date: dt.date | None = f(Date(), required=True, doc="日期")
    methods: list[str] = f(List(Str()), doc="方式")
    by: str | None = f(APPROVED_BY, doc="assembly（村民会议）或 representatives（村民代表会议）")
    note: str | None = f(Text(), doc="说明")


@dataclass(eq=False)
class Adoption(Model):
    consultation: Step | None = f(Obj(Step, "date"), doc="征求意见")
    drafted: Step | None = f(Obj(Step, "date"), doc="制订方案")
    supervisory_review: Step | None = f(Obj(Step, "date"), doc="监委会审核")
    joint_meeting: Step | None = f(Obj(Step, "date"), doc="两委联席会议审议")
    approved: Step | None = f(Obj(Step, "date"), doc="村（居）民会议或代表会议审定")
    published: Step | None = f(Obj(Step, "date"), doc="公布")
    complaints: str | None = f(Text(), doc="受理投诉、问询的人和电话")


ADOPTION_STEPS = ("consultation", "drafted", "supervisory_review", "joint_meeting", "approved", "published")
ADOPTION_LABEL = {"consultation": Msg("征求意见", "consultation"), "drafted": Msg("制订方案", "drafting"),
                  "supervisory_review": Msg("监委会审核", "supervisory review"),
                  "joint_meeting": Msg("两委联席会议审议", "joint meeting"),
                  "approved": Msg("村（居）民会议审定", "approval"), "published": Msg("公布", "publication")}


@dataclass(eq=False)
class PlanItem(Model):
    item: str | None = f(Str(), required=True, doc="目录编号，如 village/finance/1；本地事项写 local/名称")
    title: str | None = f(Str(), doc="标题（本地事项必填）")
    category: str | None = f(CATEGORY, doc="类别（本地事项必填）")
    schedule: str | None = f(SCHEDULE, doc="公开时间，不写则按目录默认")
    channels: list[str] = f(List(CHANNEL), doc="公开方式")
    responsible: str | None = f(Str(), doc="责任人")
    boards: list[str] = f(List(Str()), doc="公开栏")
    note: str | None = f(Text(), doc="说明")


@dataclass(eq=False)
class NotApplicable(Model):
    item: str | None = f(Str(), required=True, doc="目录编号")
    reason: str | None = f(Text(), required=True, doc="不适用的理由")


@dataclass(eq=False)
class Plan(Model):
    """`plans/<year>.yaml`: the annual disclosure plan 年度公开方案."""

    year: int | None = f(Int(YEAR_MIN, YEAR_MAX, Msg("年份", "the year")), required=True, doc="年度")
    adoption: Adoption | None = f(Obj(Adoption), doc="方案的五个步骤（征求意见、制订、审核审议、审定、公布）")
    items: list[PlanItem] = f(List(Obj(PlanItem)), doc="公开事项")
    not_applicable: list[NotApplicable] = f(List(Obj(NotApplicable)), doc="本年度不适用的事项")
    note: str | None = f(Text(), doc="说明")


@dataclass(eq=False)
class Review(Model):
    by: str | None = f(Str(), required=True, doc="审核人")
    date: dt.date | None = f(Date(), required=True, doc="审核日期")


@dataclass(eq=False)
class Line(Model):
    name: str | None = f(Str(), required=True, doc="名目")
    amount: Money | None = f(MoneyT(), required=True, doc="金额（元）")
    note: str | None = f(Text(), doc="说明")


@dataclass(eq=False)
class Statement(Model):
    opening_balance: Money | None = f(MoneyT(), required=True, doc="期初余额")
    income: list[Line] = f(List(Obj(Line)), doc="收入")
    expense: list[Line] = f(List(Obj(Line)), doc="支出")
    closing_balance: Money | None = f(MoneyT(), required=True, doc="期末余额")


_FULLWIDTH_SEP = re.compile(r"\s*[，、]\s*")
_GROUP_HEAD = re.compile(r"^[+-]?\d{1,3}$")
_GROUP_TAIL = re.compile(r"^\d{3}(\.\d+)?$")


def _row_hint(row: list[str], columns: int) -> dict[str, str]:
    """Why a row has the wrong number of cells, when it can be told: full-width commas or a thousands separator."""
    if len(row) < columns and any(_FULLWIDTH_SEP.search(c) for c in row):
        parts = [p for c in row for p in _FULLWIDTH_SEP.split(c) if p]
        return {"hint": "。这一行用了中文逗号“，”或顿号“、”分隔，YAML 把它们之间的内容读成了一格：请改成英文逗号“,”，"
                        f"写成 [{', '.join(parts)}]",
                "hint_en": f". The row is separated by full-width commas, read as one cell: use ASCII commas, "
                           f"[{', '.join(parts)}]"}
    if len(row) > columns:
        for a, b in zip(row, row[1:]):
            if _GROUP_HEAD.match(a) and _GROUP_TAIL.match(b):
                return {"hint": f"。“{a},{b}”里的千分位逗号把一个数拆成了两格：去掉逗号，写成 {a}{b}",
                        "hint_en": f". The thousands separator in '{a},{b}' splits one number into two cells: "
                                   f"write {a}{b}"}
    return {"hint": "", "hint_en": ""}


@dataclass(eq=False)
class Table(Model):
    title: str | None = f(Str(), doc="表名")
    columns: list[str] = f(Row(), doc="列名")
    rows: list[list[str]] = f(List(Row()), doc="各行")
    note: str | None = f(Text(), doc="说明")

    def validate(self, ctx: Ctx) -> None:
        """Every row has as many cells as there are columns: a short or long row shifts the figures under the
        wrong heading on the board."""
        columns, rows = self.columns, self.rows
        if not columns or not getattr(columns, "complete", True):
            return
        if len(columns) == 1 and _FULLWIDTH_SEP.search(columns[0]) and any(len(r) > 1 for r in rows):
            ctx.add("schema", self.at("columns"), msg(
                "表头只有一列“{c}”：列名之间用了中文标点，YAML 把它读成了一列；请用英文逗号“,”隔开，写成 [{fix}]",
                "the columns are one heading '{c}': separate the headings with ASCII commas, [{fix}]",
                c=columns[0], fix=", ".join(p for p in _FULLWIDTH_SEP.split(columns[0]) if p)))
            return
        for row, loc, n in zip(rows, getattr(rows, "locs", []), getattr(rows, "idx", [])):
            if len(row) == len(columns) or not getattr(row, "complete", True):
                continue
            ctx.add("schema", loc, msg(
                "rows 的第 {n} 行有 {k} 格，表头 columns 有 {m} 列：每行的格数要和列数一致{hint}",
                "row {n} has {k} cell(s) but there are {m} columns: every row needs one cell per column{hint_en}",
                n=n + 1, k=len(row), m=len(columns), **_row_hint(row, len(columns))))


@dataclass(eq=False)
class Record(Model):
    """`records/**/*.yaml`: one published item 公开记录."""

    item: str | None = f(Str(), required=True, doc="目录编号")
    period: Period | None = f(PeriodT(), doc="期间：2024-Q1 或 2024-05")
    published: dt.date | None = f(Date(), required=True, doc="公开日期")
    title: str | None = f(Str(), doc="标题")
    channels: list[str] = f(List(CHANNEL), doc="公开方式")
    boards: list[str] = f(List(Str()), doc="公开栏")
    until: dt.date | None = f(Date(), doc="撤下日期")
    event: str | None = f(Str(), doc="对应的即时公开事件")
    project: str | None = f(Str(), doc="对应的分阶段项目")
    phase: str | None = f(PHASE, doc="before（事前）| during（事中）| after（事后）")
    supersedes: str | None = f(Str(), doc="更正：替换的记录")
    reviewed: Review | None = f(Obj(Review), doc="监委会审核")
    evidence: list[str] = f(List(Str()), doc="照片、扫描件")
    content: str | None = f(Text(), doc="正文（Markdown）")
    finance: Statement | None = f(Obj(Statement), doc="财务收支表")
    tables: list[Table] = f(List(Obj(Table)), doc="名单、表格")
    note: str | None = f(Text(), doc="内部备注（不公开）")


@dataclass(eq=False)
class Signatures(Model):
    villagers: int | None = f(_people(), doc="联名村（居）民人数")
    representatives: int | None = f(_representatives(), doc="联名代表人数")


@dataclass(eq=False)
class Event(Model):
    """`events/**/*.yaml`: what requires immediate disclosure 即时公开."""

    id: str = f(Str(), doc="编号（不写则用文件名）", default="")
    date: dt.date | None = f(Date(), required=True, doc="日期")
    type: str | None = f(EVENT_TYPE, required=True, doc="meeting | policy | major | joint_request")
    title: str | None = f(Str(), required=True, doc="标题")
    item: str | None = f(Str(), required=True, doc="目录编号")
    signatures: Signatures | None = f(Obj(Signatures), doc="联名人数（联名要求）")
    content: str | None = f(Text(), doc="说明")


@dataclass(eq=False)
class Project(Model):
    """`projects/*.yaml`: long-running work disclosed before, during and after."""

    id: str = f(Str(), doc="编号（不写则用文件名）", default="")
    title: str | None = f(Str(), required=True, doc="项目名称")
    item: str | None = f(Str(), required=True, doc="目录编号")
    start: dt.date | None = f(Date(), required=True, doc="开工日期")
    end: dt.date | None = f(Date(), doc="完工日期")
    budget: Money | None = f(MoneyT(), doc="预算（元）")
    content: str | None = f(Text(), doc="说明")


@dataclass(eq=False)
class Feedback(Model):
    """`feedback/**/*.yaml`: inquiries, complaints and requests to consult records."""

    type: str | None = f(FEEDBACK_TYPE, required=True, doc="inquiry | complaint | access")
    received: dt.date | None = f(Date(), required=True, doc="收到日期")
    from_: str | None = f(Str(), key="from", doc="反映人")
    about: str | None = f(Str(), doc="涉及的记录")
    summary: str | None = f(Text(), doc="内容摘要")
    answered: dt.date | None = f(Date(), doc="答复日期")
    answer: str | None = f(Text(), doc="答复内容")
    by: str | None = f(Str(), doc="答复人")


@dataclass(eq=False)
class Finding(Model):
    board: str | None = f(Str(), required=True, doc="公开栏编号")
    problems: list[str] = f(List(BOARD_PROBLEM), doc="damaged 破 | old 旧 | rusty 锈 | messy 乱 | nonstandard 不规范 | missing 无公开栏")
    fix_by: dt.date | None = f(Date(), doc="整改期限")
    fixed: dt.date | None = f(Date(), doc="整改完成日期")
    note: str | None = f(Text(), doc="说明")


@dataclass(eq=False)
class Inspection(Model):
    """`inspections/*.yaml`: the yearly bulletin-board inspection 公开栏检查."""

    date: dt.date | None = f(Date(), required=True, doc="检查日期")
    inspector: str | None = f(Str(), doc="检查人")
    findings: list[Finding] = f(List(Obj(Finding)), doc="发现的问题")
    note: str | None = f(Text(), doc="说明")
