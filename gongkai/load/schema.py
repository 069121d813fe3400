"""Typed conversion of the node tree, driven by the model's own field declarations.

A model is a dataclass whose fields carry a `Spec` in their metadata (type, required, YAML key,
documentation). `convert(cls, node, ctx)` builds the object, reporting every wrong value at its
own line and column; the same declarations can later be turned into JSON Schemas for editors.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gongkai import basis as B
from gongkai.load import scalars
from gongkai.load.nodes import Mapping, Node, Scalar, Sequence, describe
from gongkai.problem import Msg, Problem, msg, problem

INVALID: Any = object()  # a value that was reported and must not be used


class Ctx:
    """Where problems of one file are collected while it is converted."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

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


# ---------------------------------------------------------------- types


class Type:
    zh = "值"
    en = "a value"

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
        value, reason = type(self).parse(node.value)
        if reason is not None:
            ctx.add(self.code, node, reason, B.ACCURACY if self.code == "amount" else B.FORMAT)
            return INVALID
        return value


class Str(ScalarType):
    """Text exactly as written: `03711234567` and `NO` stay as they are."""

    zh, en = "文字", "text"

    @staticmethod
    def parse(text: str) -> tuple[Any, Msg | None]:
        return text, None


class Int(ScalarType):
    zh, en = "整数", "a whole number"
    parse = staticmethod(scalars.parse_int)

    def convert(self, node: Node, ctx: Ctx) -> Any:
        value = super().convert(node, ctx)
        if value is not INVALID and value < 0:
            ctx.add("schema", node, msg("“{v}”不能为负数", "'{v}' cannot be negative", v=value))
            return INVALID
        return value


class Bool(ScalarType):
    zh, en = "true 或 false", "true or false"
    parse = staticmethod(scalars.parse_bool)


class Date(ScalarType):
    zh, en = "日期", "a date"
    code = "date"
    parse = staticmethod(scalars.parse_date)


class MonthDay(ScalarType):
    zh, en = "月-日", "a month-day"
    parse = staticmethod(scalars.parse_month_day)


class PeriodT(ScalarType):
    zh, en = "期间（2024-Q1 或 2024-05）", "a period (2024-Q1 or 2024-05)"
    parse = staticmethod(scalars.parse_period)


@dataclass(frozen=True)
class Money:
    """An exact amount with the text it was written as."""

    value: Decimal
    text: str


class MoneyT(Type):
    zh, en = "金额", "an amount"

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
    """A loaded list that also knows where each of its entries stands."""

    locs: list[tuple[int, int]]


class List(Type):
    """A list; a single value where a list of scalars is expected is taken as a list of one."""

    def __init__(self, item: Type) -> None:
        self.item = item
        self.zh, self.en = f"{item.zh}的列表", f"a list of {item.en}"

    def convert(self, node: Node, ctx: Ctx) -> Any:
        out = PosList()
        out.locs = []
        if isinstance(node, Scalar) and isinstance(self.item, ScalarType):
            value = self.item.convert(node, ctx)
            if value is INVALID:
                return INVALID
            out.append(value)
            out.locs.append((node.line, node.col))
            return out
        if not isinstance(node, Sequence):
            return self.expect(node, ctx)
        for child in node.items:
            if isinstance(child, Scalar) and child.is_null:
                ctx.add("schema", child, Msg("列表里有一项是空的：删掉这一行或补上内容", "an empty list entry: remove it or fill it in"))
                continue
            value = self.item.convert(child, ctx)
            if value is not INVALID:
                out.append(value)
                out.locs.append((child.line, child.col))
        return out


class Cell(Type):
    """A table cell: any scalar, kept as written; empty is ''."""

    zh, en = "单元格", "a cell"

    def convert(self, node: Node, ctx: Ctx) -> Any:
        if not isinstance(node, Scalar):
            return self.expect(node, ctx)
        return "" if node.is_null else node.value


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


def convert(cls: type, node: Node, ctx: Ctx) -> Any:
    """Build a `cls` from a mapping node; report and skip what is wrong."""
    if not isinstance(node, Mapping):
        d = describe(node)
        ctx.add("schema", node, Msg(f"这里应为“键: 值”的键值对，却是{d.zh}", f"expected 'key: value' pairs here, found {d.en}"))
        return INVALID
    table = specs(cls)
    values: dict[str, Any] = {}
    src = Src(ctx.path, node.line, node.col)
    seen: dict[str, int] = {}
    for knode, vnode in node.items:
        if not isinstance(knode, Scalar):
            ctx.add("schema", knode, Msg("键必须是文字", "keys must be plain text"))
            continue
        key = knode.value
        if key in seen:
            ctx.add("schema", knode, msg("键“{k}”重复（第 {n} 行已经写过）：删掉其中一个",
                                         "key '{k}' repeated (already on line {n}): remove one", k=key, n=seen[key]))
            continue
        seen[key] = knode.line
        spec = table.get(key)
        if spec is None:
            _unknown_key(key, knode, table, ctx)
            continue
        # a block scalar's text starts on the line after its `|` or `>`
        block = isinstance(vnode, Scalar) and vnode.style in ("|", ">")
        src.pos[spec.name] = (vnode.line + 1, knode.col + 2) if block else (vnode.line, vnode.col)
        if isinstance(vnode, Scalar) and vnode.is_null:  # `key:`, `key: ~`, `key: null` mean absent
            if spec.required:
                ctx.add("schema", vnode, msg("“{k}”不能为空", "'{k}' must not be empty", k=key))
                src.invalid.add(spec.name)
            continue
        value = spec.type.convert(vnode, ctx)
        if value is INVALID:
            src.invalid.add(spec.name)
            continue
        values[spec.name] = value
    for spec in table.values():
        if spec.required and spec.name not in values and spec.name not in src.invalid:
            ctx.add("schema", node, msg("缺少必填的键“{k}”{doc}", "required key '{k}' is missing", k=spec.key,
                                        doc=f"（{spec.doc}）" if spec.doc else ""))
            src.invalid.add(spec.name)
    obj = cls(**values)
    obj.src = src
    return obj


def _unknown_key(key: str, knode: Scalar, table: dict[str, Spec], ctx: Ctx) -> None:
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
