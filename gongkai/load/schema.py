"""Typed conversion of the node tree, driven by the model's own field declarations.

A model is a dataclass whose fields carry a `Spec` in their metadata (type, required, YAML key,
documentation). `convert(cls, node, ctx)` builds the object, reporting every wrong value at its
own line and column; the same declarations can later be turned into JSON Schemas for editors.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gongkai import basis as B
from gongkai.load import nodes as _nodes
from gongkai.load import scalars
from gongkai.load.nodes import NULLS, Mapping, Node, Scalar, Sequence, describe
from gongkai.load.nodes import cnodes_module as _cnodes_module
from gongkai.problem import Msg, Problem, msg, problem

INVALID: Any = object()  # a value that was reported and must not be used


class Ctx:
    """Where problems of one file are collected while it is converted."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.root: Node | None = None  # the first node converted: the file's root
        self._hints: tuple[int | None, dt.date | None] | None = None

    @property
    def year(self) -> int | None:
        """The year the file is about (its period, plan year, a year in its path, or its first date), for hints."""
        if self._hints is None:
            self._hints = file_year(self.root, self.path)
        return self._hints[0]

    @property
    def published(self) -> dt.date | None:
        """The file's own `published` date, if readable: a period written without its year ended before it."""
        if self._hints is None:
            self._hints = file_year(self.root, self.path)
        return self._hints[1]

    def add(self, code: str, at: Node | tuple[int, int] | None, message: Msg, basis: Msg = B.FORMAT,
            severity: str = "error") -> None:
        loc = (at.line, at.col) if isinstance(at, (Scalar, Mapping, Sequence)) else at
        self.problems.append(problem(code, severity, self.path, loc, message, basis))


@dataclass
class Src:
    """Where an object came from: its file, its own position and the position of each field's value."""

    path: str
    line: int
    col: int
    pos: dict[str, tuple[int, int]] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)


class Model:
    """Base of every loaded object: `src` tells where it and each of its values came from."""

    src: Src
    id: str = ""  # set by the repository loader for records, feedback, events and projects

    def at(self, name: str | None = None) -> tuple[int, int]:
        if name and name in self.src.pos:
            return self.src.pos[name]
        return (self.src.line, self.src.col)

    def validate(self, ctx: Ctx) -> None:
        """Checks across this object's own fields, once they are converted (a table's rows against its columns)."""


_YEAR_KEYS = ("period", "year", "published", "date", "received", "start")
_PATH_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def file_year(root: Node | None, path: str) -> tuple[int | None, dt.date | None]:
    """The year a file is about and its publication date, read from its own top-level values, for hints only:
    the year of its period or `year:`, else a year in its path (records/2024/…), else the year of its first date."""
    found: dict[str, str] = {}
    if isinstance(root, Mapping):
        for k, v in root.items:
            if isinstance(k, Scalar) and isinstance(v, Scalar) and k.value in _YEAR_KEYS:
                found.setdefault(k.value, v.value)
    published = scalars.parse_date(found["published"])[0] if "published" in found else None
    if "period" in found:
        period = scalars.parse_period(found["period"])[0]
        if period is not None:
            return period.year, published
    if "year" in found:
        n = scalars.parse_int(found["year"])[0]
        if isinstance(n, int) and scalars.year_problem(n, found["year"]) is None:
            return n, published
    m = _PATH_YEAR.search(path)
    if m:
        return int(m.group(1)), published
    for key in ("published", "date", "received", "start"):
        day = scalars.parse_date(found[key])[0] if key in found else None
        if day is not None:
            return day.year, published
    return None, published


# ---------------------------------------------------------------- types


class Type:
    zh = "值"
    en = "a value"
    # The quick path of a scalar type, for the plain way most values are written: the value's text → what
    # `convert` returns for a scalar node with that text (of any quoting style, and not null), or None when it
    # cannot tell without the full reading, which then runs. It never reports: a text it accepts has no problem.
    quick: Callable[[str], Any] | None = None

    def convert(self, node: Node, ctx: Ctx) -> Any:
        raise NotImplementedError

    def expect(self, node: Node, ctx: Ctx) -> Any:
        d = describe(node)
        ctx.add("schema", node, Msg(f"这里应为{self.zh}，却是{d.zh}", f"expected {self.en} here, found {d.en}"))
        return INVALID


class ScalarType(Type):
    code = "schema"
    parse: Callable[[str], tuple[Any, Msg | None]]

    def convert(self, node: Node, ctx: Ctx) -> Any:
        if not isinstance(node, Scalar):
            return self.expect(node, ctx)
        value, reason = self.read(node, ctx)
        if reason is not None:
            ctx.add(self.code, node, reason, B.ACCURACY if self.code == "amount" else B.FORMAT)
            return INVALID
        return value

    def read(self, node: Scalar, ctx: Ctx) -> tuple[Any, Msg | None]:
        return type(self).parse(node.value)


# invisible characters that have no place in a value: C0 controls but tab and line feed, DEL, C1 controls
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# ...and in a one-line value (a name, title, id or path that is printed in headings and mail subjects) line breaks too
_CONTROL_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_NAMES = {0x00: "NUL", 0x08: "BS", 0x0a: "LF", 0x0d: "CR", 0x1b: "ESC", 0x7f: "DEL", 0x85: "NEL",
                  0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR"}


def _printable(text: str) -> str | None:
    """The quick path of Str and Text: a text without control characters and line breaks is taken as it is,
    as `Str.read` does first."""
    return text if text.isprintable() else None


def control_char(ch: str) -> str:
    """`\x00` → `U+0000 NUL`: how an invisible character is named in a message."""
    name = _CONTROL_NAMES.get(ord(ch))
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


class Str(ScalarType):
    """One line of text exactly as written (`03711234567` and `NO` stay as they are): a name, title, id or path.
    A line break or an invisible control character is refused, since the value is printed in headings, file
    names and mail subjects. A block scalar's own final line break (`title: |`) is not part of the line."""

    zh, en = "一行文字", "one line of text"
    multiline = False
    quick = staticmethod(_printable)

    def read(self, node: Scalar, ctx: Ctx) -> tuple[Any, Msg | None]:
        text = node.value
        if text.isprintable():  # the common case, in C: no control character, no line break
            return text, None
        if self.multiline:
            bad = _CONTROL.search(text)
        else:
            if node.style in ("|", ">") and text.endswith("\n") and "\n" not in text[:-1]:
                text = text[:-1]
            bad = _CONTROL_LINE.search(text)
        if bad is None:
            return text, None
        if bad.group() in "\n\r\u2028\u2029":
            return None, Msg("这里只能写一行，不能换行：名称、标题、编号和路径会印在表头、文件名和邮件标题里；"
                             "请写在同一行（长的说明写到 note 或 content 里）",
                             "this value must be one line: names, titles, ids and paths are printed in headings, "
                             "file names and mail subjects; remove the line break (put long explanations under note "
                             "or content)")
        return None, msg("这里有一个看不见的控制字符 {c}（第 {n} 个字符，多半是复制粘贴带进来的）：请删掉它",
                         "an invisible control character {c} (character {n}, most likely pasted in): remove it",
                         c=control_char(bad.group()), n=bad.start() + 1)


def _text(text: str) -> str | None:
    """The quick path of Text: a text without control characters (line breaks allowed) is taken as it is,
    as `Str.read` does for a multi-line text."""
    return text if text.isprintable() or _CONTROL.search(text) is None else None


class Text(Str):
    """Free text that may run over several lines (content, notes, answers); control characters are refused."""

    zh, en = "文字", "text"
    multiline = True
    quick = staticmethod(_text)


class Int(ScalarType):
    """A whole number within [lo, hi]: a count, a number of days, a year. Out of range is a typo, and a huge
    number of days or a five-digit year would overflow the date arithmetic."""

    parse = staticmethod(scalars.parse_int)

    def __init__(self, lo: int, hi: int, what: Msg) -> None:
        self.lo, self.hi, self.what = lo, hi, what
        self.zh, self.en = f"{lo}–{hi} 之间的整数", f"a whole number from {lo} to {hi}"
        self.quick = self._quick

    def _quick(self, text: str) -> int | None:
        value = scalars.quick_int(text)  # never negative
        return value if value is not None and value <= self.hi and value >= self.lo else None

    def convert(self, node: Node, ctx: Ctx) -> Any:
        value = super().convert(node, ctx)
        if value is INVALID:
            return value
        if value < 0:
            ctx.add("schema", node, msg("“{v}”不能为负数", "'{v}' cannot be negative", v=value))
            return INVALID
        if not self.lo <= value <= self.hi:
            shown = str(value) if len(str(value)) <= 24 else str(value)[:12] + "…"
            ctx.add("schema", node, msg("“{v}”超出范围：{w}应在 {lo}–{hi} 之间", "'{v}' is out of range: {we} must be "
                                        "from {lo} to {hi}", v=shown, w=self.what.zh, we=self.what.en, lo=self.lo,
                                        hi=self.hi))
            return INVALID
        return value


class Bool(ScalarType):
    zh, en = "true 或 false", "true or false"
    parse = staticmethod(scalars.parse_bool)


class Date(ScalarType):
    zh, en = "日期", "a date"
    code = "date"
    quick = staticmethod(scalars.quick_date)

    def read(self, node: Scalar, ctx: Ctx) -> tuple[Any, Msg | None]:
        value, reason = scalars.parse_date(node.value)
        if reason is not None:  # only a hint needs the file's year: look for it only then
            return scalars.parse_date(node.value, ctx.year)
        return value, None


class MonthDay(ScalarType):
    zh, en = "月-日", "a month-day"
    parse = staticmethod(scalars.parse_month_day)


class PeriodT(ScalarType):
    zh, en = "期间", "a period"
    quick = staticmethod(scalars.quick_period)

    def expect(self, node: Node, ctx: Ctx) -> Any:
        y = ctx.year if ctx.year is not None else "YYYY"
        d = describe(node)
        ctx.add("schema", node, Msg(f"这里应为一个期间（如 {y}-Q1 或 {y}-05），却是{d.zh}",
                                    f"expected a period (such as {y}-Q1 or {y}-05) here, found {d.en}"))
        return INVALID

    def read(self, node: Scalar, ctx: Ctx) -> tuple[Any, Msg | None]:
        value, reason = scalars.parse_period(node.value)
        if reason is not None:  # only a hint needs the file's year: look for it only then
            return scalars.parse_period(node.value, ctx.year, ctx.published)
        return value, None


@dataclass(frozen=True)
class Money:
    """An exact amount with the text it was written as."""

    value: Decimal
    text: str


def _quick_money(text: str) -> Money | None:
    value = scalars.quick_money(text)
    return Money(value, text) if value is not None else None


class MoneyT(Type):
    zh, en = "金额", "an amount"
    quick = staticmethod(_quick_money)

    def convert(self, node: Node, ctx: Ctx) -> Any:
        if not isinstance(node, Scalar):
            return self.expect(node, ctx)
        value, reason = scalars.parse_money(node.value)
        if reason is not None or value is None:
            assert reason is not None
            ctx.add("amount", node, reason, B.ACCURACY)
            return INVALID
        bad = scalars.money_problems(value, node.value)
        if bad is not None:
            ctx.add("amount", node, bad, B.ACCURACY)
        return Money(value, node.value)


class Enum(ScalarType):
    """An id or one of its Chinese labels; the value is always the id."""

    def __init__(self, choices: dict[str, tuple[str, ...]]) -> None:
        self.choices = choices
        self.lookup = {k: k for k in choices}
        for k, labels in choices.items():
            for label in labels:
                self.lookup[label] = k
        self.zh = "以下之一：" + "、".join(f"{k}（{v[0]}）" for k, v in choices.items())
        self.en = "one of " + ", ".join(choices)
        # the quick path: an id or label as written (none has surrounding space, which `convert` strips first)
        assert all(k == k.strip() for k in self.lookup)
        self.quick = self.lookup.get

    def convert(self, node: Node, ctx: Ctx) -> Any:
        if not isinstance(node, Scalar):
            return self.expect(node, ctx)
        text = node.value.strip()
        if text in self.lookup:
            return self.lookup[text]
        if text.lower() in self.lookup:
            return self.lookup[text.lower()]
        close = difflib.get_close_matches(text, list(self.lookup), 1, 0.6)
        hint_zh = f"，是否应为“{close[0]}”？" if close else "。"
        hint_en = f"; did you mean '{close[0]}'?" if close else "."
        ctx.add("schema", node, Msg(f"“{text}”不是可用的值，可用：{self.zh[5:]}{hint_zh}",
                                    f"'{text}' is not allowed; use {self.en[7:]}{hint_en}"))
        return INVALID

    def label(self, value: str) -> str:
        return self.choices[value][0]


class Forbidden(Type):
    """A key that must not be used, with the reason."""

    def __init__(self, reason: Msg) -> None:
        self.reason = reason

    def convert(self, node: Node, ctx: Ctx) -> Any:
        ctx.add("schema", node, self.reason)
        return INVALID


class PosList(list):
    """A loaded list that also knows where each of its entries stands: `locs` their positions, `idx` their
    index in the list as written, and `complete` whether every entry was read (none reported and dropped)."""

    locs: list[tuple[int, int]]
    idx: list[int]
    complete: bool


_LIST_SEPARATORS = re.compile(r"\s*[，、；;,]\s*")
_TEXT_SEPARATORS = re.compile(r"\s*(?:[，、；;]|,\s)\s*")  # a file name may hold a comma; ", " never
_ANY_SEPARATOR = re.compile(r"[，、；;,]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _split_list_slip(node: Scalar, item: Type) -> list[str] | None:
    """A list written with Chinese punctuation (`[board，wechat_group]`) or without its brackets
    (`channels: board, wechat_group`) is read by YAML as one value: its parts when it looks like that slip.
    Free text (methods: [入户走访，发放征求意见表]) is left alone."""
    if not isinstance(node, Scalar) or node.style not in (None, "") or not _ANY_SEPARATOR.search(node.value):
        return None
    if isinstance(item, Enum):
        parts = [p for p in _LIST_SEPARATORS.split(node.value.strip()) if p]
        return parts if len(parts) > 1 else None
    if type(item) is Str:
        parts = [p for p in _TEXT_SEPARATORS.split(node.value.strip()) if p]
        return parts if len(parts) > 1 and not any(_CJK.search(p) for p in parts) else None
    return None


def _list_slip(node: Scalar, parts: list[str], ctx: Ctx) -> None:
    sep = next(ch for ch in node.value if ch in "，、；;,")
    if sep == ",":
        ctx.add("schema", node, msg(
            "“{t}”是一个值：多个值请写在方括号里，写成 [{fix}]",
            "'{t}' is a single value: write several values in square brackets, [{fix}]", t=node.value,
            fix=", ".join(parts)))
        return
    ctx.add("schema", node, msg(
        "“{t}”用了“{s}”分隔，YAML 把它读成了一个值：列表里的各项请用英文逗号“,”隔开，写成 [{fix}]",
        "'{t}' is separated by '{s}', which YAML reads as a single value: separate list entries with an ASCII "
        "comma, [{fix}]", t=node.value, s=sep, fix=", ".join(parts)))


class List(Type):
    """A list; a single value where a list of scalars is expected is taken as a list of one."""

    def __init__(self, item: Type) -> None:
        self.item = item
        self.zh, self.en = f"{item.zh}的列表", f"a list of {item.en}"
        self.slips = isinstance(item, Enum) or type(item) is Str  # lists whose entries may be run together

    def convert(self, node: Node, ctx: Ctx) -> Any:
        out = PosList()
        locs: list[tuple[int, int]] = []
        idx: list[int] = []
        out.locs, out.idx, out.complete = locs, idx, True
        if isinstance(node, Scalar) and isinstance(self.item, ScalarType):
            parts = _split_list_slip(node, self.item) if self.slips else None
            if parts is not None:
                _list_slip(node, parts, ctx)
                return INVALID
            value = self.item.convert(node, ctx)
            if value is INVALID:
                return INVALID
            out.append(value)
            out.locs.append((node.line, node.col))
            out.idx.append(0)
            return out
        if not isinstance(node, Sequence):
            return self.expect(node, ctx)
        item, slips, quick = self.item, self.slips, self.item.quick
        # entries that are themselves mappings or lists go straight to what item.convert would call for them
        model = item.cls if isinstance(item, Obj) and type(item) is Obj else None
        row: List | None = item if isinstance(item, Row) and type(item) is Row else None
        for n, child in enumerate(node.items):
            if isinstance(child, Scalar):
                text, style = child.value, child.style
                if not style and text in NULLS:  # child.is_null
                    ctx.add("schema", child, Msg("列表里有一项是空的：删掉这一行或补上内容", "an empty list entry: remove it or fill it in"))
                    out.complete = False
                    continue
                # the quick path, when the entry cannot be a run-together list (see _split_list_slip)
                if quick is not None and (not slips or style or _ANY_SEPARATOR.search(text) is None):
                    value = (text if text.isprintable() else None) if quick is _printable else quick(text)
                    if value is not None:
                        out.append(value)
                        locs.append((child.line, child.col))
                        idx.append(n)
                        continue
                parts = _split_list_slip(child, item) if slips else None
                if parts is not None:
                    _list_slip(child, parts, ctx)
                    out.complete = False
                    continue
                value = item.convert(child, ctx)
            elif model is not None and type(child) is Mapping:
                value = convert(model, child, ctx)  # Obj.convert of a mapping
            elif row is not None and type(child) is Sequence:
                value = List.convert(row, child, ctx)  # Row.convert of a list
            else:
                value = item.convert(child, ctx)
            if value is INVALID:
                out.complete = False
                continue
            out.append(value)
            locs.append((child.line, child.col))
            idx.append(n)
        return out


_TEXT = Text()


class Cell(Type):
    """A table cell: any scalar, kept as written; empty is ''."""

    zh, en = "单元格", "a cell"
    quick = staticmethod(_printable)  # as Text: a null cell never reaches a quick path

    def convert(self, node: Node, ctx: Ctx) -> Any:
        if not isinstance(node, Scalar):
            return self.expect(node, ctx)
        if node.is_null:
            return ""
        value, reason = _TEXT.read(node, ctx)
        if reason is not None:
            ctx.add("schema", node, reason)
            return INVALID
        return value


class Row(List):
    """A table row (or the columns): a list of cells. A row written as one text with commas between its cells
    (`- 王*芬，1，二类，420`) is reported with the fix, not read as one cell."""

    def __init__(self) -> None:
        super().__init__(Cell())
        self.zh, self.en = "一行单元格的列表（如 [张三, 3, 900]）", "a list of cells (such as [张三, 3, 900])"

    def convert(self, node: Node, ctx: Ctx) -> Any:
        if isinstance(node, Scalar) and not node.is_null and re.search(r"[，、,]", node.value):
            parts = [p for p in re.split(r"\s*[，、,]\s*", node.value.strip()) if p]
            ctx.add("schema", node, msg(
                "这里应写成方括号里的列表，各格之间用英文逗号“,”隔开：[{fix}]",
                "a row is a list in square brackets with ASCII commas between the cells: [{fix}]",
                fix=", ".join(parts)))
            return INVALID
        return List.convert(self, node, ctx)


class PosDict(dict):
    """A loaded mapping that also knows where each of its values stands."""

    locs: dict[str, tuple[int, int]]


class Dict(Type):
    """A mapping of free keys to scalar values (contacts)."""

    zh, en = "键值对", "a mapping"

    def __init__(self, value: Type) -> None:
        self.value = value

    def convert(self, node: Node, ctx: Ctx) -> Any:
        if not isinstance(node, Mapping):
            return self.expect(node, ctx)
        out = PosDict()
        out.locs = {}
        for k, v in node.items:
            if not isinstance(k, Scalar):
                self.expect(k, ctx)
                continue
            bad = _CONTROL_LINE.search(k.value)
            if bad is not None:
                ctx.add("schema", k, msg("键里有一个看不见的控制字符或换行 {c}：请删掉它",
                                         "the key contains an invisible control character or line break {c}: remove it",
                                         c=control_char(bad.group())))
                continue
            if isinstance(v, Scalar) and v.is_null:
                continue
            value = self.value.convert(v, ctx)
            if value is not INVALID:
                out[k.value] = value
                out.locs[k.value] = (v.line, v.col)
        return out


class Obj(Type):
    """A nested model; with `scalar_field`, a bare scalar fills that field (`drafted: 2024-01-08`)."""

    def __init__(self, cls: type, scalar_field: str | None = None) -> None:
        self.cls = cls
        self.scalar_field = scalar_field
        self.zh, self.en = "键值对", "a mapping"

    def convert(self, node: Node, ctx: Ctx) -> Any:
        if isinstance(node, Scalar) and self.scalar_field:
            spec = specs(self.cls)[self.scalar_field]
            value = spec.type.convert(node, ctx)
            if value is INVALID:
                return INVALID
            obj = self.cls(**{spec.name: value})
            obj.src = Src(ctx.path, node.line, node.col, {spec.name: (node.line, node.col)})
            return obj
        return convert(self.cls, node, ctx)


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Spec:
    name: str
    key: str
    type: Type
    required: bool
    doc: str


def f(type_: Type, *, required: bool = False, key: str | None = None, doc: str = "", default: Any = None) -> Any:
    """Declare a model field: its type, whether it is required, its YAML key and what it means."""
    factory = list if isinstance(type_, List) else (dict if isinstance(type_, Dict) else None)
    meta = {"spec": (type_, required, key, doc)}
    if factory is not None and default is None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


_SPECS: dict[type, dict[str, Spec]] = {}


def specs(cls: type) -> dict[str, Spec]:
    """YAML key → Spec for a model class, from its dataclass fields."""
    cached = _SPECS.get(cls)
    if cached is None:
        cached = {}
        for fld in dataclasses.fields(cls):
            if "spec" in fld.metadata:
                type_, required, key, doc = fld.metadata["spec"]
                cached[key or fld.name] = Spec(fld.name, key or fld.name, type_, required, doc)
        _SPECS[cls] = cached
    return cached


# A model class compiled once for `convert`: YAML key → (field name, type, the type's quick path, Spec), the
# Specs of its required keys in declaration order, and whether the class has checks of its own (`validate`).
_Field = tuple[str, Type, "Callable[[str], Any] | None", Spec]
_Plan = tuple[dict[str, _Field], tuple[Spec, ...], bool]
_PLANS: dict[type, _Plan] = {}


def _compile(cls: type) -> _Plan:
    table = specs(cls)
    plan = ({key: (spec.name, spec.type, spec.type.quick, spec) for key, spec in table.items()},
            tuple(spec for spec in table.values() if spec.required),
            getattr(cls, "validate", Model.validate) is not Model.validate)
    _PLANS[cls] = plan
    return plan


def convert(cls: type, node: Node, ctx: Ctx) -> Any:
    """Build a `cls` from a mapping node; report and skip what is wrong.

    The C path (gongkai/load/_cnodes.c, when compiled) builds the same object for the common case, a mapping
    without any problem; on anything else it gives up, and whatever was reported meanwhile is dropped and the
    mapping is converted here from the start (`_convert`), which words every problem."""
    if _cconvert is not None and type(node) is Mapping:
        plan = _CPLANS.get(cls) or _cplan(cls)
        if ctx.root is None:
            ctx.root = node
        mark = len(ctx.problems)
        obj = _cconvert(plan, node, ctx)
        if obj is not _CFALLBACK:
            return obj
        del ctx.problems[mark:]
    return _convert(cls, node, ctx)


def _convert(cls: type, node: Node, ctx: Ctx) -> Any:
    """`convert` in Python: every case, and every problem reported."""
    if not isinstance(node, Mapping):
        d = describe(node)
        ctx.add("schema", node, Msg(f"这里应为“键: 值”的键值对，却是{d.zh}", f"expected 'key: value' pairs here, found {d.en}"))
        return INVALID
    if ctx.root is None:
        ctx.root = node
    fields, required, validates = _PLANS.get(cls) or _compile(cls)
    values: dict[str, Any] = {}
    pos: dict[str, tuple[int, int]] = {}
    src = Src(ctx.path, node.line, node.col, pos, set())
    seen: dict[str, int] = {}
    # `{amount: 45,000.00}`: YAML reads `amount: 45` and then a key `000.00` with no value. The plain value of
    # the pair just read, while it may still turn out to be the head of such a split number: (key, spec, value
    # node, problems before it); and the split once its first digit-only key is seen. Whether the head is a number
    # at all (_SPLIT_HEAD) is asked only when a key that looks like a tail follows it.
    # (last_k, last_v, last_mark: the key node, its plain value node and how many problems came before it)
    last_k: Scalar | None = None
    last_v: Scalar | None = None
    last_mark = 0
    split: tuple[str, Spec | None, Scalar, list[Scalar]] | None = None
    problems = ctx.problems
    invalid = src.invalid
    for knode, vnode in node.items:
        if (last_v is not None and knode.line == last_v.line and isinstance(vnode, Scalar) and vnode.value == ""
                and _split_tail(knode, vnode, last_v) and _SPLIT_HEAD.match(last_v.value)):
            if split is None:
                assert last_k is not None
                key = last_k.value
                last_entry = fields.get(key)
                spec_ = last_entry[3] if last_entry is not None else None
                if spec_ is not None:  # (an unknown key stays reported; its split value is not read anyway)
                    del problems[last_mark:]  # whatever `45` alone was found to be no longer matters
                    values.pop(spec_.name, None)
                    invalid.add(spec_.name)
                split = (key, spec_, last_v, [])
            split[3].append(knode)  # type: ignore[arg-type]
            continue
        if split is not None:
            _split_number(*split, ctx)
            split = None
        last_v = None
        if not isinstance(knode, Scalar):
            ctx.add("schema", knode, Msg("键必须是文字", "keys must be plain text"))
            continue
        key = knode.value
        if key in seen:
            ctx.add("schema", knode, msg("键“{k}”重复（第 {n} 行已经写过）：删掉其中一个",
                                         "key '{k}' repeated (already on line {n}): remove one", k=key, n=seen[key]))
            continue
        seen[key] = knode.line
        entry = fields.get(key)
        if not isinstance(vnode, Scalar):
            if entry is None:
                _unknown_key(key, knode, fields, ctx)
                continue
            name, type_, _, spec = entry
            pos[name] = (vnode.line, vnode.col)
        else:
            text, style = vnode.value, vnode.style
            if not style:
                last_k, last_v, last_mark = knode, vnode, len(problems)
            if entry is None:
                _unknown_key(key, knode, fields, ctx)
                continue
            name, type_, quick, spec = entry
            if not style:
                pos[name] = (vnode.line, vnode.col)
                if text in NULLS:  # vnode.is_null: `key:`, `key: ~`, `key: null` mean absent
                    if spec.required:
                        ctx.add("schema", vnode, msg("“{k}”不能为空", "'{k}' must not be empty", k=key))
                        invalid.add(name)
                    continue
            else:
                # a block scalar's text starts on the line after its `|` or `>`
                pos[name] = (vnode.line + 1, knode.col + 2) if style == "|" or style == ">" else (vnode.line, vnode.col)
            if quick is _printable:  # (the most common quick path, one line of text, without a call)
                if text.isprintable():
                    values[name] = text
                    continue
            elif quick is not None:
                value = quick(text)
                if value is not None:
                    values[name] = value
                    continue
        value = type_.convert(vnode, ctx)
        if value is INVALID:
            invalid.add(name)
            continue
        values[name] = value
    if split is not None:
        _split_number(*split, ctx)
    for spec in required:
        if spec.name not in values and spec.name not in src.invalid:
            ctx.add("schema", node, msg("缺少必填的键“{k}”{doc}", "required key '{k}' is missing", k=spec.key,
                                        doc=f"（{spec.doc}）" if spec.doc else ""))
            src.invalid.add(spec.name)
    obj = cls(**values)
    obj.src = src
    if validates:
        obj.validate(ctx)
    return obj


_SPLIT_HEAD = re.compile(r"^[+-]?\d+$")
_SPLIT_TAIL = re.compile(r"^\d+(\.\d*)?$")
_THOUSANDS = re.compile(r"^\d{3}$")
_THOUSANDS_LAST = re.compile(r"^\d{3}(\.\d*)?$")


def _split_tail(key: Node, value: Node, head: Scalar) -> bool:
    """Is `key` (with `value`) the rest of the number `head`, split off by a comma inside `{ }`: digits only,
    on the same line, with no value of its own?"""
    return (isinstance(key, Scalar) and not key.style and key.line == head.line and isinstance(value, Scalar)
            and not value.style and value.value == "" and _SPLIT_TAIL.match(key.value) is not None)


def _split_number(key: str, spec: Spec | None, value: Scalar, tail: list[Scalar], ctx: Ctx) -> None:
    if spec is None:
        return  # an unknown key, already reported
    written = ",".join([value.value] + [k.value for k in tail])
    thousands = all(_THOUSANDS.match(k.value) for k in tail[:-1]) and _THOUSANDS_LAST.match(tail[-1].value)
    if isinstance(spec.type, (MoneyT, Int)):
        what_zh, what_en = ("金额", "amount") if isinstance(spec.type, MoneyT) else ("数字", "number")
        if thousands:
            fix_zh = f"去掉千分位逗号，写成 {key}: {written.replace(',', '')}"
            fix_en = f"remove the thousands separators, {key}: {written.replace(',', '')}"
        else:
            fix_zh, fix_en = "小数点用“.”，千分位不写逗号（如 45000.00）", "use '.' for decimals and no thousands separators"
        ctx.add("amount" if isinstance(spec.type, MoneyT) else "schema", value, msg(
            "{w}“{t}”被逗号拆开了（在 {{…}} 里逗号用来分隔各项），读出来只剩 {v}，不能使用：{f}",
            "the {we} '{t}' is split at its comma (in {{…}} a comma separates entries) and reads as {v}; it cannot be "
            "used: {fe}", w=what_zh, we=what_en, t=written, v=value.value, f=fix_zh, fe=fix_en),
            B.ACCURACY if isinstance(spec.type, MoneyT) else B.FORMAT)
    else:
        ctx.add("schema", value, msg(
            "“{k}”的值“{w}”被逗号拆开了（在 {{…}} 里逗号用来分隔各项）：值里有逗号时请加引号，写成 {k}: \"{w}\"",
            "the value '{w}' of '{k}' is split at its comma (in {{…}} a comma separates entries): quote it, "
            "{k}: \"{w}\"", k=key, w=written))


def _unknown_key(key: str, knode: Scalar, table: dict[str, Any], ctx: Ctx) -> None:
    if "：" in key or "\u3000" in key:
        ctx.add("syntax", knode, msg("键“{k}”里有全角冒号或全角空格：请改成半角“: ”和半角空格",
                                     "key '{k}' contains a full-width colon or space: use ASCII ': ' and spaces", k=key))
        return
    close = difflib.get_close_matches(key, list(table), 1, 0.6)
    if close:
        ctx.add("schema", knode, msg("未知的键“{k}”，是否应为“{c}”？", "unknown key '{k}'; did you mean '{c}'?", k=key, c=close[0]))
    else:
        ctx.add("schema", knode, msg("未知的键“{k}”；这里可用的键：{keys}", "unknown key '{k}'; keys allowed here: {keys}",
                                     k=key, keys=", ".join(table)))



# ---------------------------------------------------------------- the C path of `convert`
# A model class, a list or a type compiled once into tuples for _cnodes.convert (the shapes are named in
# _cnodes.c): how each value is read in C (the quick path: Q_*), and how a nested mapping or list is (S_*).
# A type not described here is read by its own `convert`, called from C.
Q_NONE, Q_PRINTABLE, Q_TEXT, Q_ENUM, Q_INT, Q_DATE, Q_CALL, Q_MONEY = range(8)
S_GENERIC, S_OBJ, S_LIST = range(3)
_CPLANS: dict[type, tuple] = {}
_CBUSY: set[type] = set()  # classes whose plan is being compiled (a class nested in itself is read in Python)


def _cquick(type_: Type) -> tuple[int, Any, Any]:
    """(quick kind, the quick callable, its argument) of a type."""
    quick = type_.quick
    if quick is None:
        return Q_NONE, None, None
    if quick is _printable:
        return Q_PRINTABLE, quick, None
    if quick is _text:
        return Q_TEXT, quick, None
    if isinstance(type_, Enum) and type(type_.lookup) is dict and getattr(quick, "__self__", None) is type_.lookup \
            and getattr(quick, "__name__", "") == "get":
        return Q_ENUM, quick, type_.lookup
    if type(type_) is Int and getattr(quick, "__func__", None) is Int._quick and getattr(quick, "__self__", None) \
            is type_ and type(type_.lo) is int and type(type_.hi) is int:
        return Q_INT, quick, (type_.lo, type_.hi)
    if quick is scalars.quick_date:
        return Q_DATE, quick, (scalars.YEAR_MIN, scalars.YEAR_MAX)
    money = _cinit(Money, ("value", "text"))
    if quick is _quick_money and money is not None:
        return Q_MONEY, quick, (Decimal, scalars.MONEY_MAX, scalars.MAX_DIGITS + 10, money)
    return Q_CALL, quick, None


def _cinit(cls: type, given: tuple[str, ...]) -> tuple | None:
    """How C fills a new `cls` as its dataclass-made __init__ would, given the values of the fields `given` (by
    position; the others take their default): (cls, ((name, default, factory or None, index or -1), ...)), or
    None when the class does anything more (its own __init__, __new__, __setattr__ or __post_init__): then C
    calls the class."""
    params = getattr(cls, "__dataclass_params__", None)
    init = cls.__dict__.get("__init__")
    code = getattr(init, "__code__", None)
    if (params is None or not params.init or code is None or code.co_filename != "<string>"
            or hasattr(cls, "__post_init__") or cls.__new__ is not object.__new__
            or not (params.frozen or cls.__setattr__ is object.__setattr__)):
        return None
    fields: list[tuple[str, Any, Any, int]] = []
    for fld in dataclasses.fields(cls):
        if not fld.init:
            return None
        index = given.index(fld.name) if fld.name in given else -1
        if fld.default is not dataclasses.MISSING:
            fields.append((fld.name, fld.default, None, index))
        elif fld.default_factory is not dataclasses.MISSING:
            fields.append((fld.name, None, fld.default_factory, index))
        elif index >= 0:
            fields.append((fld.name, None, None, index))
        else:
            return None
    if set(given) - {name for name, *_ in fields} or len(fields) != len(code.co_varnames[1:code.co_argcount]):
        return None
    return (cls, tuple(fields))


def _clist(type_: List) -> tuple:
    item = type_.item
    qkind, quick, qarg = _cquick(item)
    model = _cplan(item.cls) if type(item) is Obj else None
    row = _clist(item) if type(item) is Row else None
    return (item, qkind, quick, qarg, bool(type_.slips), model, row)


def _cplan(cls: type) -> tuple | None:
    """The plan of a model class for _cnodes.convert (None while it is being compiled: nested in itself)."""
    plan = _CPLANS.get(cls)
    if plan is not None or cls in _CBUSY:
        return plan
    _CBUSY.add(cls)
    try:
        table = specs(cls)
        keys: dict[str, int] = {}
        fields = []
        for i, (key, spec) in enumerate(table.items()):
            keys[key] = i
            type_ = spec.type
            qkind, quick, qarg = _cquick(type_)
            skind, sarg = S_GENERIC, None
            if type(type_) is Obj:
                sarg = _cplan(type_.cls)
                skind = S_OBJ if sarg is not None else S_GENERIC
            elif type(type_) is List or type(type_) is Row:
                skind, sarg = S_LIST, _clist(type_)
            fields.append((spec.name, qkind, type_, quick, qarg, skind, sarg, spec.required))
        validates = getattr(cls, "validate", Model.validate) is not Model.validate
        plan = (cls, keys, tuple(fields), tuple(i for i, spec in enumerate(table.values()) if spec.required),
                validates, _cinit(cls, tuple(spec.name for spec in table.values())))
        if len(fields) <= 64:  # (C keeps the keys seen in one 64-bit word)
            _CPLANS[cls] = plan
        else:
            plan = None
    finally:
        _CBUSY.discard(cls)
    return plan


_cconvert: Any = None
_cload: Any = None
_CFALLBACK: Any = object()
if _cnodes_module is not None and hasattr(_cnodes_module, "convert"):
    if _cnodes_module.configure_convert(Src, PosList, INVALID, _cinit(Src, ("path", "line", "col", "pos", "invalid"))):
        _cconvert, _CFALLBACK = _cnodes_module.convert, _cnodes_module.FALLBACK
        _cload = getattr(_cnodes_module, "load", None)


def quick_load(cls: type, data: bytes, shown: str) -> tuple[Any, list[Problem]] | None:
    """A file's bytes (its BOM cut off) → (its `cls`, the problems its objects' own checks found), straight from
    the parser's events in C, without the node tree, when the file is ordinary and converts without a problem of
    its own; None otherwise (no C, anything unusual): the caller then reads it the usual way, which reports."""
    if _cload is None or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    ctx = Ctx(shown)
    obj = _cload(data, _CPLANS.get(cls) or _cplan(cls), ctx, _nodes.MAX_DEPTH, _nodes.MAX_NODES)
    return None if obj is _CFALLBACK else (obj, ctx.problems)
