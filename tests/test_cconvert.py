"""The C path of the conversion (gongkai/load/_cnodes.c: convert) builds exactly the objects the Python convert
builds (every field and its order, every position: src, pos, locs, idx, complete), and for anything else than a
mapping without problems it steps aside, so that the problems are the Python convert's, in the same order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import os
import subprocess
import sys
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gongkai import model
from gongkai.load import nodes, schema
from gongkai.load.nodes import Mapping, Scalar, Sequence, decode, parse
from gongkai.load.schema import INVALID, Ctx
from gongkai.repo import SECTIONS, load_file

ROOT = Path(__file__).resolve().parent.parent
needs_c = pytest.mark.skipif(schema._cconvert is None, reason="the C conversion is not compiled here")
MODELS = [model.Record, model.Plan, model.Unit, model.Event, model.Project, model.Feedback, model.Inspection,
          model.Settings, model.Statement, model.Table]


def snap(o: Any) -> Any:
    """Everything about a converted value: exact types, values, attributes in their order, list positions."""
    t = type(o)
    if o is None or o is INVALID or t in (str, int, bool, float, Decimal, dt.date):
        return (t.__name__, repr(o))
    if isinstance(o, tuple):
        return (t.__name__, [snap(x) for x in o])
    if isinstance(o, list):
        return (t.__name__, [snap(x) for x in o], [(k, snap(v)) for k, v in vars(o).items()]
                if hasattr(o, "__dict__") else None)
    if isinstance(o, dict):
        return (t.__name__, [(snap(k), snap(v)) for k, v in o.items()], [(k, snap(v)) for k, v in vars(o).items()]
                if hasattr(o, "__dict__") else None)
    if isinstance(o, (set, frozenset)):
        return (t.__name__, sorted(map(repr, o)))
    if hasattr(o, "__dict__"):
        return (t.__name__, [(k, snap(v)) for k, v in vars(o).items()])
    if dataclasses.is_dataclass(o):
        return (t.__name__, [(f.name, snap(getattr(o, f.name))) for f in dataclasses.fields(o)])
    return (t.__name__, repr(o))


def _python(fn: Any, *args: Any) -> Any:
    saved = schema._cconvert, schema._cload
    schema._cconvert = schema._cload = None
    try:
        return fn(*args)
    finally:
        schema._cconvert, schema._cload = saved


def _convert(cls: type, root: Any) -> tuple[Any, list[Any]]:
    ctx = Ctx("r/x.yaml")
    obj = schema.convert(cls, root, ctx)
    return snap(obj), [repr(p) for p in ctx.problems]


def both(cls: type, root: Any) -> bool:
    """Convert with the C path and without it; assert they agree; whether C built the whole object itself."""
    c = _convert(cls, root)
    p = _python(_convert, cls, root)
    assert c == p
    if type(root) is not Mapping:
        return False
    plan = schema._CPLANS.get(cls) or schema._cplan(cls)
    return schema._cconvert(plan, root, Ctx("r/x.yaml")) is not schema._CFALLBACK


def both_text(cls: type, text: str) -> bool:
    """As both(), and the file's bytes read straight from the parser's events (schema.quick_load) give the same
    or step aside; whether C built the object from the nodes."""
    root, slips = parse(text)
    data = text.encode("utf-8", "surrogatepass")
    loaded = schema.quick_load(cls, data, "r/x.yaml")
    if root is None or slips:
        assert loaded is None  # whatever the reader reports is left to Python
        return False
    if loaded is not None:
        assert (snap(loaded[0]), [repr(p) for p in loaded[1]]) == _python(_convert, cls, root)
        assert type(root) is Mapping
    return both(cls, root)


def _yaml_files() -> list[Path]:
    found = [p for d in ("examples", "tests", "catalogs") for p in sorted((ROOT / d).rglob("*")) if p.suffix in (".yaml", ".yml")]
    return [p for p in found if p.is_file()]


@needs_c
def test_every_yaml_file_of_the_project_as_every_model() -> None:
    files = _yaml_files()
    assert len(files) > 150
    by_c = 0
    for path in files:
        text, _ = decode(path.read_bytes())
        if text is None:
            continue
        for cls in MODELS:
            by_c += both_text(cls, text)
    assert by_c > 150  # the example's own files are read by C


@needs_c
def test_load_file_of_the_example_and_the_generated_county(tmp_path: Path) -> None:
    """load_file (bytes → object and problems) gives the same with and without the C conversion, and a
    generated county is read by C alone (nothing falls back)."""
    spec = importlib.util.spec_from_file_location("county", ROOT / "tests" / "bench" / "county.py")
    assert spec is not None and spec.loader is not None
    county = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(county)
    county.build_county(tmp_path / "county", 2)
    fallbacks: list[Any] = []
    real = schema._cconvert

    def counting(plan: Any, node: Any, ctx: Any) -> Any:
        out = real(plan, node, ctx)
        if out is schema._CFALLBACK:
            fallbacks.append(ctx.path)
        return out

    checked = 0
    for base in (tmp_path / "county", ROOT / "examples" / "huayuankou"):
        for unit in sorted(p.parent for p in base.rglob("unit.yaml")):
            files = [(unit / "unit.yaml", model.Unit)] + [
                (p, cls) for section, (cls, _) in SECTIONS.items() for p in sorted((unit / section).rglob("*.yaml"))]
            for path, cls in files:
                with pytest.MonkeyPatch.context() as m:
                    m.setattr(schema, "_cconvert", counting)
                    c_obj, c_problems = load_file(path, "x.yaml", cls)
                p_obj, p_problems = _python(load_file, path, "x.yaml", cls)
                assert snap(c_obj) == snap(p_obj), path
                assert [repr(p) for p in c_problems] == [repr(p) for p in p_problems], path
                checked += 1
                if base.name == "county":
                    assert fallbacks == [], path
                fallbacks.clear()
    assert checked > 150


# ---------------------------------------------------------------- generated documents

ODD = "0123456789０１２３４５６７８９٣²-/.,，．－／：年月日号季度第一Qq+- \u3000\t\x07\x7f\x1f\xa0\x85\u2028~"
VALUES = ["2024-04-08", "2024-02-29", "2023-02-29", "2024-13-01", "2024-04-31", "1979-12-31", "2100-01-01",
          "2099-12-31", "1980-01-01", "2024-4-08", "2024/04/08", "12000.00", "12000.5", "12000.", ".5", "0", "00.00",
          "12000.001", "1,000", "999999999999.99", "1000000000000", "9" * 41, "0" * 40 + "1", "9" * 40, "+5", "-0",
          "2024-Q1", "2024-q4", "2024-Q5", "2024-00", "2024-12", "2024-13", "3860", "1" * 18, "1" * 19, "٣", "１２",
          "366", "367", "65535", "board", "公开栏", "village", "Village", "村", "a\nb", "a\u2028b", "line\n", "\x85",
          "王*芬，1", "a\x7fb", "\x9f", "", "~", "null", "Null", "NULL", "nul", "true", "否", "03-31", "1.2.3", "12.3.", "1..2", "0.35"]
text_values = st.one_of(st.sampled_from(VALUES), st.text(alphabet=ODD, max_size=12), st.text(max_size=8),
                        st.integers(-10, 10**13).map(str))
KEYS = {model.Record: ["item", "period", "published", "title", "channels", "boards", "until", "reviewed", "evidence",
                       "finance", "tables", "content", "note", "phase", "titel", "000"],
        model.Unit: ["name", "kind", "villagers", "representatives", "finance_monthly", "since", "boards", "contacts",
                     "email", "rules"],
        model.Plan: ["year", "adoption", "items", "not_applicable", "note"],
        model.Statement: ["opening_balance", "closing_balance", "income", "expense"],
        model.Table: ["title", "columns", "rows", "note"],
        model.Inspection: ["date", "inspector", "findings", "note"],
        model.Settings: ["name", "rules", "email", "site_url"]}
REQUIRED_TEXT = {model.Record: [("item", "a"), ("published", "2024-04-08")], model.Unit: [("name", "东庄"), ("kind", "村")],
                 model.Plan: [("year", "2024")], model.Statement: [("opening_balance", "1.00"), ("closing_balance", "2")],
                 model.Inspection: [("date", "2024-12-01")]}
FLOW = ["[]", "{}", "[board, wechat_group]", "[board，wechat_group]", "board, wechat_group", "[a, ~, b]", "[a, b]",
        "{by: 张, date: 2024-04-08}", "{by: 张}", "{name: 电费, amount: 1200.00}", "[[a, 1], [b, 2]]", "[[a, 1], [b]]",
        "45,000.00", "{amount: 45,000.00}", "[x, [y]]", "[main，side]", "[a;b, c]", "[~, '~', null, 'null', '']",
        "|\n  text\n", ">\n  folded\n  text\n", "|\n  a\n  b\n", "[{name: a, amount: 1.00}, {name: b, amount: x}]",
        "[{item: a}, {item: b, titel: c}, 3]", "[{board: main, problems: [old, rusty]}]", "{quarterly_days: 10}",
        "{host: smtp.example.com, port: 25}", "{a: 1, a: 2}", "[2024-01-01]", "{opening_balance: 1, closing_balance: 2}"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[type, str]:
    cls = draw(st.sampled_from(sorted(KEYS, key=lambda c: c.__name__)))
    keys = draw(st.lists(st.sampled_from(KEYS[cls]), max_size=8))
    lines = []
    if draw(st.booleans()):  # the required keys, so that C builds the object whenever Python reports nothing
        lines += [f"{k}: {v}" for k, v in REQUIRED_TEXT.get(cls, []) if k not in keys]
    for key in keys:
        value = draw(st.one_of(st.sampled_from(FLOW), text_values.filter(lambda v: v.isprintable())))
        if draw(st.booleans()) and not value.startswith(("[", "{", "|", ">")):
            value = "'" + value.replace("'", "''") + "'"
        lines.append(f"{key}: {value}")
    if cls is model.Record and draw(st.booleans()):
        lines.append("finance:\n  opening_balance: 1.00\n  closing_balance: " + draw(st.sampled_from(VALUES[11:25]))
                     + "\n  income:\n    - {name: 利息, amount: " + draw(st.sampled_from(VALUES[11:25])) + "}\n"
                     "    - name: 租金\n      amount: 3,000")
    if cls is model.Record and draw(st.booleans()):
        lines.append("tables:\n  - columns: [a, b]\n    rows: [[1, 2], " + draw(st.sampled_from(["[3, 4]", "[3]", "[5, 6, 7]"]))
                     + "]")
    return cls, "\n".join(lines) + "\n"


@needs_c
@given(doc=documents())
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(doc=(model.Record, "item: a\npublished: 2024-04-08\nchannels: [board, 微信群]\n"))
@example(doc=(model.Record, "item: a\npublished: 2024-04-08\ntables:\n  - {columns: [a, b], rows: [[1]]}\ntitel: x\n"))
@example(doc=(model.Statement, "opening_balance: 12000.00\nclosing_balance: {amount: 45,000.00}\n"))
@example(doc=(model.Statement, "opening_balance: 12,000.00\nclosing_balance: 1\n"))
def test_generated_documents_convert_the_same(doc: tuple[type, str]) -> None:
    cls, text = doc
    both_text(cls, text)


ATTACKS = ["item: &x 1\npublished: *x\n", "item: a\npublished: 2024-04-08\n<<: {title: b}\n",
           "item: a\npublished: 2024-04-08\n---\nitem: b\n", "item: !!str a\npublished: 2024-04-08\n",
           "item: a\npublished: 2024-04-08\ntitle: a: b\n", "item: a\npublished: 2024-04-08\n]\n",
           "item: a\npublished: 2024-04-08\n...\n---\n", "%YAML 1.1\n---\nitem: a\npublished: 2024-04-08\n",
           "item: a\npublished: 2024-04-08\n\x01\n", "- item: a\n", "a", "", "# only a comment\n", "---\n",
           "{item: a, published: 2024-04-08}", "item: a\npublished: 2024-04-08\ntables: [{rows: &r [[1]]}]\n",
           "item: a\npublished: 2024-04-08\nevidence: [a, *b]\n", "? [a]\n: b\n", "? item\n: a\npublished: 2024-04-08\n",
           "item: a\npublished: 2024-04-08\ntables:\n" + "  - rows: [[x]]\n" * 3,
           "item: a\npublished: 2024-04-08\nevidence: " + "[" * 60 + "]" * 60 + "\n",
           "item: a\npublished: 2024-04-08\nevidence: [" + ", ".join(["x"] * 250_000) + "]\n"]


@needs_c
@pytest.mark.parametrize("text", ATTACKS, ids=range(len(ATTACKS)))
def test_attacks_read_from_the_events(text: str) -> None:
    both_text(model.Record, text)


@needs_c
def test_the_limits_hold_when_read_from_the_events(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "item: a\npublished: 2024-04-08\ntables: [{rows: [[x]]}]\n"
    assert schema.quick_load(model.Record, text.encode(), "x.yaml") is not None
    monkeypatch.setattr(nodes, "MAX_DEPTH", 3)
    assert schema.quick_load(model.Record, text.encode(), "x.yaml") is None  # four levels: Python reports
    assert parse(text)[1]  # (as the Python builder)
    monkeypatch.setattr(nodes, "MAX_DEPTH", 48)
    for limit in range(8, 16):  # twelve values: read from the events exactly when the builder reads them
        monkeypatch.setattr(nodes, "MAX_NODES", limit)
        loaded = schema.quick_load(model.Record, text.encode(), "x.yaml")
        assert (loaded is None) is (limit < 12) is bool(parse(text)[1])


SCALAR_FIELDS = [(model.Record, "published"), (model.Record, "period"), (model.Record, "title"),
                 (model.Record, "content"), (model.Record, "channels"), (model.Record, "phase"),
                 (model.Unit, "villagers"), (model.Unit, "finance_monthly"), (model.Unit, "kind"),
                 (model.Line, "amount"), (model.Project, "budget"), (model.Rules, "plan_due"),
                 (model.Rules, "quarterly_days"), (model.Plan, "year"), (model.Email, "password")]


@needs_c
@given(text=text_values, style=st.sampled_from([None, "", "'", '"', "|", ">"]), entry=st.booleans())
@settings(max_examples=1500, deadline=None)
@example(text="2024-02-29", style=None, entry=False)
@example(text="99999999999.99", style=None, entry=False)
def test_every_scalar_reads_the_same(text: str, style: str | None, entry: bool) -> None:
    """Hand-built trees, so that any text in any style reaches each type (C's quick paths against Python's)."""
    for cls, key in SCALAR_FIELDS:
        value: Any = Scalar(text, style, 2, 9)
        if entry:
            value = Sequence(2, 7, [value, Scalar("x", None, 3, 9)])
        # the required keys too, so that C builds the object whenever Python reports nothing
        pairs = [(Scalar(k, None, 5 + i, 1), Scalar(v, None, 5 + i, 9)) for i, (k, v) in enumerate(REQUIRED[cls])
                 if k != key]
        both(cls, Mapping(1, 1, [(Scalar(key, None, 2, 3), value), *pairs]))


REQUIRED = {model.Record: [("item", "a"), ("published", "2024-04-08")], model.Unit: [("name", "东庄"), ("kind", "村")],
            model.Line: [("name", "电费"), ("amount", "1.00")], model.Plan: [("year", "2024")],
            model.Project: [("title", "路"), ("item", "a"), ("start", "2024-01-02")], model.Rules: [], model.Email: []}


@needs_c
@pytest.mark.parametrize("style", [None, "", "'", '"', "|", ">"])
def test_every_listed_value_reads_the_same(style: str | None) -> None:
    for text in VALUES:
        for entry in (False, True):
            test_every_scalar_reads_the_same.hypothesis.inner_test(text=text, style=style, entry=entry)  # type: ignore[attr-defined]


@needs_c
def test_the_scalar_trees_are_built_by_c() -> None:
    """(The comparison above proves something only if C builds the objects it compares.)"""
    for cls, key in SCALAR_FIELDS:
        text = "true" if key == "finance_monthly" else "03-31" if key == "plan_due" else "2024" if key == "year" else "1"
        if key == "password":
            continue  # refused whatever it holds
        pairs = [(Scalar(k, None, 5 + i, 1), Scalar(v, None, 5 + i, 9)) for i, (k, v) in enumerate(REQUIRED[cls])
                 if k != key]
        if key in ("published",):
            text = "2024-04-08"
        elif key == "period":
            text = "2024-Q1"
        elif key in ("channels", "phase", "kind"):
            text = {"channels": "board", "phase": "before", "kind": "village"}[key]
        assert both(cls, Mapping(1, 1, [(Scalar(key, None, 2, 3), Scalar(text, None, 2, 9)), *pairs])), (cls, key)


@needs_c
@pytest.mark.parametrize("root", [
    Mapping(1, 1, [(Scalar("item", None, 1, 1), Scalar("a", None, 1, 7)), (Scalar("item", None, 2, 1), Scalar("b", None, 2, 7))]),
    Mapping(1, 1, [(Sequence(1, 1, []), Scalar("a", None, 1, 7))]),
    Mapping(1, 1, [(Mapping(1, 1, []), Scalar("a", None, 1, 7))]),
    Mapping(1, 1, [(Scalar("item", None, 1, 1), Mapping(1, 7, []))]),
    Mapping(1, 1, [(Scalar("channels", None, 1, 1), Mapping(1, 7, []))]),
    Mapping(1, 1, [(Scalar("reviewed", None, 1, 1), Sequence(1, 7, []))]),
    Mapping(1, 1, [(Scalar("reviewed", None, 1, 1), Scalar("张", None, 1, 7))]),
    Mapping(1, 1, [(Scalar("tables", None, 1, 1), Sequence(1, 7, [Sequence(2, 3, [])]))]),
    Mapping(1, 1, [(Scalar("tables", None, 1, 1), Sequence(1, 7, [Mapping(2, 3, [(Scalar("rows", None, 2, 3),
                                                                                   Scalar("a，b", None, 2, 9))])]))]),
    Mapping(1, 1, [(Scalar("evidence", None, 1, 1), Sequence(1, 7, [Scalar("a, b", None, 2, 3)]))]),
    Mapping(1, 1, [(Scalar("evidence", None, 1, 1), Sequence(1, 7, [Scalar("a, b", "'", 2, 3)]))]),
    Mapping(1, 1, [(Scalar("evidence", None, 1, 1), Sequence(1, 7, [Scalar("", "'", 2, 3), Scalar("~", None, 3, 3)]))]),
    Mapping(1, 1, [(Scalar("item", None, 1, 1), Scalar("a", "|", 1, 7))]),
    Mapping(1, 1, [(Scalar("item", None, 1, 1), Scalar("a\n", ">", 1, 7))]),
    Mapping(1, 1, [(Scalar("item", None, 1, 1), Scalar("a", "?", 1, 7))]),
    Mapping(1, 1, []),
    Sequence(1, 1, []),
    Scalar("a", None, 1, 1),
], ids=range(18))
def test_hand_made_trees(root: Any) -> None:
    both(model.Record, root)


@needs_c
@pytest.mark.parametrize("root", [
    Mapping(1, 1, [("item", "a")]),  # not pairs of nodes
    Mapping(1, 1, [(Scalar("item", None, 1, 1),)]),
    Mapping(1, 1, [(Scalar(3, None, 1, 1), Scalar("a", None, 1, 7))]),  # type: ignore[arg-type]
    Mapping(1, 1, [(Scalar("item", None, 1, 1), Scalar(b"a", None, 1, 7))]),  # type: ignore[arg-type]
    Mapping(1, 1, [(Scalar("item", None, 1, 1), Scalar("a", 5, 1, 7))]),  # type: ignore[arg-type]
    Mapping(1, 1, [(Scalar("item", None, 1, 1), Scalar("a", "|", "1", 7))]),  # type: ignore[arg-type]
    Mapping(1, 1, [(Scalar("evidence", None, 1, 1), Sequence(1, 7, ("a",)))]),  # type: ignore[arg-type]
    Mapping(1, 1, ()),  # type: ignore[arg-type]
    Mapping(1, 1, [(Scalar("item", None, 1, 1), 5)]),  # type: ignore[list-item]
], ids=range(9))
def test_odd_trees_are_left_to_python(root: Mapping) -> None:
    """Trees no builder makes: C steps aside (never a crash), whatever Python then does with them."""
    plan = schema._cplan(model.Record)
    assert schema._cconvert(plan, root, Ctx("x.yaml")) is schema._CFALLBACK
    assert schema._cconvert((1, 2), root, Ctx("x.yaml")) is schema._CFALLBACK
    assert schema._cconvert(plan, Mapping(1, 1, []), object()) is schema._CFALLBACK  # a context without a path


@needs_c
def test_problems_reported_before_the_fallback_are_not_doubled() -> None:
    """A table's own check (validate) reports from inside C; then an unknown key makes the record fall back, and
    the Python convert reports the table's problem again: it is reported once, in its place."""
    text = ("item: a\npublished: 2024-04-08\ntables:\n  - columns: [a, b]\n    rows: [[1, 2], [3]]\n"
            "titel: x\n")
    root, _ = parse(text)
    ctx = Ctx("x.yaml")
    schema.convert(model.Record, root, ctx)
    assert [(p.code, p.line, p.column) for p in ctx.problems] == [("schema", 5, 20), ("schema", 6, 1)]
    both(model.Record, root)


@needs_c
def test_classes_doing_more_than_a_dataclass_are_called() -> None:
    @dataclasses.dataclass(eq=False)
    class Posted(schema.Model):
        title: str | None = schema.f(schema.Str())
        seen: list[str] = dataclasses.field(default_factory=list)

        def __post_init__(self) -> None:
            self.seen.append(self.title or "")

    @dataclasses.dataclass(eq=False)
    class Plain(schema.Model):
        title: str | None = schema.f(schema.Str())
        seen: list[str] = dataclasses.field(default_factory=list)

    assert schema._cinit(Posted, ("title",)) is None
    assert schema._cinit(Plain, ("title",)) is not None
    root = Mapping(1, 1, [(Scalar("title", None, 1, 1), Scalar("t", None, 1, 8))])
    for cls in (Posted, Plain):
        assert both(cls, root)
    obj = schema.convert(Posted, root, Ctx("x.yaml"))
    assert obj.seen == ["t"] and obj.src.pos == {"title": (1, 8)}
    a, b = schema.convert(Plain, root, Ctx("x.yaml")), schema.convert(Plain, root, Ctx("x.yaml"))
    assert a.seen == [] and a.seen is not b.seen  # a new list from the default factory for each object


# ---------------------------------------------------------------- references


def _all_objects(o: Any, out: list[Any]) -> list[Any]:
    out.append(o)
    if isinstance(o, (list, tuple, set)):
        for x in o:
            _all_objects(x, out)
    if isinstance(o, dict):
        for k, v in o.items():
            _all_objects(k, out)
            _all_objects(v, out)
    if hasattr(o, "__dict__") and not isinstance(o, type):
        _all_objects(vars(o), out)
    return out


@needs_c
def test_reference_counts_match_the_python_objects() -> None:
    """Each object C makes is held as often as the one Python makes (no reference leaked or missing)."""
    checked = 0
    for path in sorted((ROOT / "examples" / "huayuankou").rglob("*.yaml")):
        cls = model.Unit if path.name == "unit.yaml" else SECTIONS.get(path.parent.name, (model.Record,))[0]
        root, slips = parse(path.read_text(encoding="utf-8"))
        if root is None or type(root) is not Mapping:
            continue
        p = _python(schema.convert, cls, root, Ctx("x.yaml"))
        c = schema.convert(cls, root, Ctx("x.yaml"))
        _same_references(c, p, path)
        loaded = schema.quick_load(cls, path.read_bytes(), "x.yaml")
        if loaded is not None:
            c = loaded[0]
            del loaded
            _same_references(c, p, path)
        checked += 1
    assert checked > 50


def _same_references(c: Any, p: Any, path: Path) -> None:
    c_objs, p_objs = _all_objects(c, []), _all_objects(p, [])
    assert len(c_objs) == len(p_objs)
    for x, y in zip(c_objs, p_objs):
        if type(x) in (str, int, bool, type(None), dt.date) or x is INVALID:
            continue  # shared (interned, cached) or shared with the tree
        assert sys.getrefcount(x) == sys.getrefcount(y), (path, type(x), x)


@needs_c
def test_no_memory_is_kept_by_repeated_conversions() -> None:
    files = sorted((ROOT / "examples" / "huayuankou").rglob("*.yaml"))
    trees = [parse(p.read_text(encoding="utf-8"))[0] for p in files]
    bad = [Mapping(1, 1, [(Scalar("item", None, 1, 1), Scalar("a", None, 1, 7)), (Scalar("titel", None, 2, 1),
                                                                                   Scalar("b", None, 2, 7))])]

    data = [p.read_bytes() for p in files] + [b"item: a\npublished: 2024-04-08\ntitel: b\n", b"item: [a"]

    def run() -> None:
        for root in trees + bad:
            for cls in (model.Record, model.Plan):
                schema.convert(cls, root, Ctx("x.yaml"))
        for one in data:
            for cls in (model.Record, model.Plan):
                schema.quick_load(cls, one, "x.yaml")

    run()
    tracemalloc.start()
    try:
        run()
        first, _ = tracemalloc.get_traced_memory()
        for _ in range(30):
            run()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - first < 64 * 1024, after - first


def test_pure_python_turns_the_c_conversion_off() -> None:
    code = "import gongkai.load.schema as s; print(s._cconvert is None, s._cload is None)"
    env = dict(os.environ, GONGKAI_PURE_PYTHON="1", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True True"
    if nodes.cnodes_module is not None:
        env.pop("GONGKAI_PURE_PYTHON")
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "False False"
