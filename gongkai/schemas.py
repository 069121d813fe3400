"""JSON Schemas (draft 2020-12) for every file type, generated from the loader's own declarations.

The model classes are the schema (gongkai.model: each field's `f(type, required, key, doc)`); this module only
walks them, so an editor's red squiggles and `gongkai check` read the same definitions. Values are described as
an editor that reads YAML 1.2 sees them (VS Code's YAML extension): dates and periods are strings, amounts are
numbers or strings, and every optional key may be left empty (the loader reads `key:` as absent).

Deliberate differences from the loader (a JSON Schema cannot see them; `gongkai check` still reports them):
impossible calendar days (`2024-02-30`); an amount with more than two decimals written as a plain YAML number
(`1.005`); mixed-case enum ids (`Board`); a catalog id of the other kind (`community/...` in a village), and a
`local/` item that no plan defines; rules that need the whole unit (a quarterly item's record without `period`);
a table row with fewer or more cells than its columns; the range of a whole number written as text
(`'1,000,001'`: minimum and maximum apply to numbers only); a one-line value ending in a quoted line break
(`"会议\\n"`: the schema admits the line break that ends a block scalar, `title: |`, and cannot tell them apart).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gongkai import catalog, model
from gongkai.load import scalars
from gongkai.load.schema import (
    Bool,
    Cell,
    Date,
    Dict,
    Enum,
    Forbidden,
    Int,
    List,
    MoneyT,
    MonthDay,
    Obj,
    PeriodT,
    ScalarType,
    Str,
    Text,
    Type,
    specs,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
HOME = ".gongkai/schemas"  # where `init` and `new` keep the schemas, under the repository root
# file type → (model, what it is)
FILES: dict[str, tuple[type, str]] = {
    "unit": (model.Unit, "unit.yaml：村（社区）基本信息"),
    "plan": (model.Plan, "plans/<年度>.yaml：年度公开方案"),
    "record": (model.Record, "records/**/*.yaml：一件公开记录"),
    "event": (model.Event, "events/**/*.yaml：需要即时公开的事件"),
    "project": (model.Project, "projects/*.yaml：分阶段公开的项目"),
    "feedback": (model.Feedback, "feedback/**/*.yaml：质询、投诉、查阅申请"),
    "inspection": (model.Inspection, "inspections/*.yaml：公开栏检查"),
    "gongkai": (model.Settings, "gongkai.yaml：全镇设置"),
}
ITEM_FIELD = "item"  # every model field of this name holds a catalog id (or local/…)

# the loader reads full-width digits and punctuation as ASCII (scalars.normalize), digit by digit
_D = "[0-9０-９]"
_SP = r"\s*"
_MONTH = "([0０]?[1-9１-９]|[1１][0-2０-２])"
_DAY = "([0０]?[1-9１-９]|[12１２][0-9０-９]|[3３][01０１])"


def _digit(c: str) -> str:
    return f"[{c}{chr(ord(c) + 0xFEE0)}]"  # the ASCII digit or its full-width form


def digits_between(lo: str, hi: str) -> str:
    """A regular expression for the numbers from lo to hi written with as many digits as they have (same length):
    `digits_between("1980", "2099")` is `1[9９][8-9８-９][0-9０-９]|2[0０]…` with full-width digits too."""
    if not lo:
        return ""
    if lo == "0" * len(lo) and hi == "9" * len(hi):
        return f"{_D}{{{len(lo)}}}"
    if lo[0] == hi[0]:
        return _digit(lo[0]) + f"({digits_between(lo[1:], hi[1:])})" if len(lo) > 1 else _digit(lo[0])
    rest = len(lo) - 1
    parts = [_digit(lo[0]) + (f"({digits_between(lo[1:], '9' * rest)})" if rest else "")]
    if int(hi[0]) - int(lo[0]) > 1:
        a, b = str(int(lo[0]) + 1), str(int(hi[0]) - 1)
        parts.append(f"[{a}-{b}{chr(ord(a) + 0xFEE0)}-{chr(ord(b) + 0xFEE0)}]" + (f"{_D}{{{rest}}}" if rest else ""))
    parts.append(_digit(hi[0]) + (f"({digits_between('0' * rest, hi[1:])})" if rest else ""))
    return "|".join(parts)


# the years the loader reads (scalars.YEAR_MIN..YEAR_MAX): another year is a typo
_YEAR = f"({digits_between(str(scalars.YEAR_MIN), str(scalars.YEAR_MAX))})"
DATE_PATTERN = (f"^{_SP}{_YEAR}(([-－]{_MONTH}[-－]{_DAY})|([/／]{_MONTH}[/／]{_DAY})|([.．]{_MONTH}[.．]{_DAY})|"
                f"({_SP}年{_SP}{_MONTH}{_SP}月{_SP}{_DAY}{_SP}[日号])){_SP}$")
PERIOD_PATTERN = f"^{_SP}{_YEAR}{_SP}[-－]{_SP}[Qq][1-4１-４]{_SP}$|^{_SP}{_YEAR}[-－]{_MONTH}{_SP}$"
MONTH_DAY_PATTERN = f"^{_SP}({_MONTH}[-－]{_DAY}|{_MONTH}{_SP}月{_SP}{_DAY}{_SP}日){_SP}$"
# "-0" and "-0.00" are zero, not negative: the loader accepts them, so a minus is allowed before zeros only
MONEY_PATTERN = f"^{_SP}(\\+|[-－](?=[0０,，]+([.．][0０]{{1,2}})?{_SP}$))?({_D}+|{_D}{{1,3}}([,，]{_D}{{3}})+)([.．]{_D}{{1,2}})?{_SP}$"
# digits, or groups of three after a first group of one to three (`1,860`), as scalars.parse_int reads them
INT_PATTERN = f"^{_SP}(\\+|[-－](?=[0０,，]+{_SP}$))?({_D}+|{_D}{{1,3}}([,，]{_D}{{3}})+){_SP}$"
LOCAL_PATTERN = "^local/.+"
# text as load.schema.Str and Text read it: no invisible control character (C0 but tab and line feed, DEL, C1);
# a one-line value (Str) no line break either, except the one line break that ends a block scalar (`title: |`).
# `(?![\s\S])` is the end of the text in both Python's and ECMAScript's regular expressions (`$` is not).
ONE_LINE_PATTERN = r"^[^\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]*\n?(?![\s\S])"
TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$"
ANY_SCALAR = ["string", "number", "boolean"]


def item_ids(kinds: tuple[str, ...] = catalog.KINDS) -> list[str]:
    return [i.id for kind in kinds for i in catalog.load(kind).items]


def item_schema(kinds: tuple[str, ...]) -> dict[str, Any]:
    # enumDescriptions: VS Code's YAML extension shows each title beside the id it completes
    titles = [i.title for kind in kinds for i in catalog.load(kind).items]
    return {"description": "参考目录编号（gongkai catalog 可查），或本地事项 local/名称",
            "anyOf": [{"enum": item_ids(kinds), "enumDescriptions": titles},
                      {"type": "string", "pattern": LOCAL_PATTERN}]}


def type_schema(t: Type, kinds: tuple[str, ...]) -> dict[str, Any]:
    """The JSON Schema of one declared type, as the loader reads it."""
    if isinstance(t, Enum):
        labels = "；".join(f"{k}（{'、'.join(v)}）" for k, v in t.choices.items())
        named = [t.choices[t.lookup[v]][0] if v in t.choices else t.lookup[v] for v in t.lookup]
        return {"enum": list(t.lookup), "enumDescriptions": named, "description": "可写英文编号或中文名称：" + labels}
    if isinstance(t, Date):
        return {"type": "string", "pattern": DATE_PATTERN, "description": "日期：2024-04-08、2024/4/8、2024.4.8 或 2024年4月8日"}
    if isinstance(t, PeriodT):
        return {"type": "string", "pattern": PERIOD_PATTERN, "description": "期间：季度写 2024-Q1，月份写 2024-05"}
    if isinstance(t, MonthDay):
        return {"type": "string", "pattern": MONTH_DAY_PATTERN, "description": "月-日，如 03-31"}
    if isinstance(t, MoneyT):
        return {"type": ["number", "string"], "minimum": 0, "pattern": MONEY_PATTERN,
                "description": "金额（元），精确到分，如 12000.00；不写“元”或“¥”"}
    if isinstance(t, Int):
        return {"type": ["integer", "string"], "minimum": max(t.lo, 0), "maximum": t.hi, "pattern": INT_PATTERN,
                "description": f"{t.lo}–{t.hi} 之间的整数"}
    if isinstance(t, Bool):
        words = sorted(scalars.TRUE | scalars.FALSE)
        return {"enum": [True, False, *words], "description": "true（是）或 false（否）"}
    if isinstance(t, (Text, Cell)):  # free text: several lines
        return {"type": list(ANY_SCALAR), "pattern": TEXT_PATTERN}
    if isinstance(t, Str):
        return {"type": list(ANY_SCALAR), "pattern": ONE_LINE_PATTERN, "description": "一行文字，不能换行"}
    if isinstance(t, Forbidden):
        return {"type": "null", "description": t.reason.zh}
    if isinstance(t, List):
        many = {"type": "array", "items": type_schema(t.item, kinds)}
        if isinstance(t.item, ScalarType):  # a single value where a list is expected is a list of one
            return {"anyOf": [type_schema(t.item, kinds), many]}
        return many
    if isinstance(t, Dict):
        return {"type": "object", "additionalProperties": nullable(type_schema(t.value, kinds))}
    if isinstance(t, Obj):
        obj = object_schema(t.cls, kinds)
        if t.scalar_field:  # `drafted: 2024-01-08` stands for `drafted: {date: 2024-01-08}`
            return {"anyOf": [type_schema(specs(t.cls)[t.scalar_field].type, kinds), obj]}
        return obj
    raise TypeError(f"no JSON Schema for {type(t).__name__}")  # pragma: no cover - a new type needs a case here


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema that also admits an empty value (`key:` means the key is absent)."""
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None],
                **({"enumDescriptions": [*schema["enumDescriptions"], "空"]} if "enumDescriptions" in schema else {})}
    if "type" in schema and "anyOf" not in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return {**schema, "type": [*types, "null"] if "null" not in types else types}
    if set(schema) == {"anyOf"}:
        return {"anyOf": [*schema["anyOf"], {"type": "null"}]}
    return {"anyOf": [schema, {"type": "null"}]}


def object_schema(cls: type, kinds: tuple[str, ...]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    for key, spec in specs(cls).items():
        sub = item_schema(kinds) if spec.name == ITEM_FIELD else type_schema(spec.type, kinds)
        detail = sub.pop("description", None)
        if spec.required:
            required.append(key)
        else:
            sub = nullable(sub)
        doc = "。".join(d for d in (spec.doc, detail) if d)
        props[key] = {"description": doc, **sub} if doc else sub
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def schema(name: str, kinds: tuple[str, ...] = catalog.KINDS) -> dict[str, Any]:
    """The JSON Schema of one file type (a key of FILES)."""
    cls, what = FILES[name]
    return {"$schema": DRAFT, "title": f"gongkai {name}", "description": what, **object_schema(cls, kinds)}


def file_name(name: str) -> str:
    return f"{name}.schema.json"


def render(name: str, kinds: tuple[str, ...] = catalog.KINDS) -> str:
    return json.dumps(schema(name, kinds), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_all(out: Path, kinds: tuple[str, ...] = catalog.KINDS, *, replace: bool = True) -> list[Path]:
    """Write every schema into `out`; without replace, files already there are kept. Returns what was written."""
    from gongkai.scaffold import write_atomic

    written = []
    for name in FILES:
        path = out / file_name(name)
        if path.exists() and not replace:
            continue
        write_atomic(path, render(name, kinds), exclusive=False)
        written.append(path)
    return written


def home(start: Path) -> Path:
    """The repository root for a path: the nearest folder upwards holding `.git` or gongkai.yaml, else start."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists() or (folder / "gongkai.yaml").is_file():
            return folder
    return here


def modeline(file: Path, name: str, root: Path) -> str:
    """The first line that tells VS Code's YAML extension which schema `file` follows (a path relative to it)."""
    import os

    target = root.resolve() / HOME / file_name(name)
    rel = os.path.relpath(target, file.resolve().parent).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={rel}\n"


def ensure(root: Path) -> list[Path]:
    """The schemas under root/.gongkai/schemas, written when missing (existing ones are left alone)."""
    return write_all(root.resolve() / HOME, replace=False)
