"""The quick paths of the schema (a plain `2024-04-08`, `12000.00`, `2024-Q1`, `3860`, an id, a line of text read
without the full parser) give exactly what the full reading gives, or step aside: checked value by value over odd
forms (full-width and other digits, separators, yearless dates, signs, spaces), and file by file by converting
generated YAML with and without them."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gongkai import model
from gongkai.load import scalars, schema
from gongkai.load.nodes import Mapping, Scalar, Sequence, parse
from gongkai.load.schema import INVALID, Ctx, List, Type, convert

# characters that make a value odd: other digits (full-width, Arabic-Indic, superscript), the date, amount and
# period punctuation in ASCII and full width, Chinese date words, signs, spaces and a control character
ODD = "0123456789０１２３４５６７８９٣²-/.,，．－／：年月日号季度第一Qq+- \u3000\t\x07"
odd_text = st.text(alphabet=ODD, max_size=14)
digits = st.text(alphabet="0123456789", min_size=0, max_size=5)
seps = st.sampled_from(["-", "/", ".", "－", "年", "月", " - ", ""])


@st.composite
def date_like(draw: st.DrawFn) -> str:
    return draw(digits) + draw(seps) + draw(digits) + draw(seps) + draw(digits) + draw(st.sampled_from(["", "日", " "]))


@st.composite
def amount_like(draw: st.DrawFn) -> str:
    head = draw(st.sampled_from(["", "+", "-", " "])) + draw(st.text(alphabet="0123456789,，", max_size=16))
    return head + draw(st.sampled_from(["", ".", "．"])) + draw(st.text(alphabet="0123456789", max_size=4))


@st.composite
def period_like(draw: st.DrawFn) -> str:
    return draw(digits) + draw(seps) + draw(st.sampled_from(["", "Q", "q", "Ｑ"])) + draw(digits)


PLAIN = ["2024-04-08", "2024-12-31", "12000.00", "12000.5", "0.35", "2024-Q1", "2024-05", "3860", "45"]


@st.composite
def near_plain(draw: st.DrawFn) -> str:
    """A plain form with one to three characters replaced, inserted or removed: `2024-04- 8`, `2024-0_-08`,
    `+2000.00`, `2024-Q٣` (what int() or a loose check would accept and the full parser refuses)."""
    text = draw(st.sampled_from(PLAIN))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        ch = draw(st.sampled_from(ODD + "_+ eE"))
        op = draw(st.sampled_from(["replace", "insert", "delete"]))
        if op == "replace":
            text = text[:i] + ch + text[i + 1:]
        elif op == "insert":
            text = text[:i] + ch + text[i:]
        else:
            text = text[:i] + text[i + 1:]
    return text


values = st.one_of(odd_text, date_like(), amount_like(), period_like(), near_plain(),
                   st.integers(-10, 10**13).map(str))

# the plain forms, and near misses, each quick path is written for
EXAMPLES = ["2024-04-08", "2024-02-29", "2023-02-29", "2024-13-01", "2024-04-31", "1979-12-31", "2100-01-01",
            "０２４-04-08", "2024-4-08", "2024-04-08 ", "2024/04/08", "12000.00", "12000.5", "12000.", ".5", "0",
            "00.00", "12000.001", "1,000", "999999999999.99", "1000000000000", "9" * 41, "0" * 40 + "1", "+5", "-0",
            "2024-Q1", "2024-q4", "2024-Q5", "2024-00", "2024-12", "2024-13", "1979-Q1", "2099-05", "3860",
            "1" * 19, "٣", "²", "１２", "2024-04- 8", "2024-04-+8", "2024-0_-08", "2024- 4-08", "+2024-Q1",
            "2024-+5", "2024-Q٣", "1_000", "+100", " 100", "1_0.00", "1.0_0", "1e3", "12000.+5", "Infinity", "NaN"]


def _full(kind: str, text: str) -> Any:
    """What the full parser reads, or None when it reports a problem."""
    value: Any
    if kind == "date":
        value, reason = scalars.parse_date(text)
    elif kind == "period":
        value, reason = scalars.parse_period(text)
    elif kind == "int":
        value, reason = scalars.parse_int(text)
    else:
        value, reason = scalars.parse_money(text)
        if value is not None and scalars.money_problems(value, text) is not None:
            return None
    return value if reason is None else None


@pytest.mark.parametrize("kind, quick", [("date", scalars.quick_date), ("period", scalars.quick_period),
                                         ("int", scalars.quick_int), ("money", scalars.quick_money)])
@pytest.mark.parametrize("text", EXAMPLES)
def test_quick_scalar_examples(kind: str, quick: Any, text: str) -> None:
    _agree(quick(text), _full(kind, text))


@given(text=values)
@settings(max_examples=600, deadline=None)
@example(text="2024-04-08")
def test_quick_scalars_agree_with_full_parsers(text: str) -> None:
    for kind, quick in (("date", scalars.quick_date), ("period", scalars.quick_period), ("int", scalars.quick_int),
                        ("money", scalars.quick_money)):
        _agree(quick(text), _full(kind, text))


def _agree(quick: Any, full: Any) -> None:
    if quick is None:
        return  # the quick path stepped aside: the full parser decides
    assert full is not None, "the quick path accepted what the full parser refuses"
    assert repr(quick) == repr(full)  # repr: Decimal('1.0') == Decimal('1.00'), but they print differently


def _types() -> list[Type]:
    """Every type the models declare, nested ones too."""
    found: list[Type] = []

    def add(t: Type) -> None:
        if t not in found:
            found.append(t)
            if isinstance(t, List):
                add(t.item)

    for cls in vars(model).values():
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and issubclass(cls, schema.Model):
            for spec in schema.specs(cls).values():
                add(spec.type)
    add(schema.Cell())
    return found


QUICK_TYPES = [t for t in _types() if t.quick is not None]


def test_every_scalar_type_has_a_quick_path() -> None:
    kinds = {type(t).__name__ for t in QUICK_TYPES}
    assert {"Str", "Text", "Int", "Date", "PeriodT", "MoneyT", "Enum", "Cell"} <= kinds


@given(text=st.one_of(values, st.sampled_from(EXAMPLES + ["board", " board", "公开栏", "village", "Village", "村",
                                                          "a\nb", "a\u2028b", "line\n", "\x85", "王*芬，1"])),
       style=st.sampled_from([None, "", "'", '"', "|", ">"]))
@settings(max_examples=800, deadline=None)
def test_quick_types_agree_with_convert(text: str, style: str | None) -> None:
    node = Scalar(text, style, 3, 7)
    if node.is_null:
        return  # a null value never reaches a quick path
    for t in QUICK_TYPES:
        assert t.quick is not None
        quick = t.quick(text)
        if quick is None:
            continue
        ctx = Ctx("x.yaml")
        full = t.convert(node, ctx)
        assert ctx.problems == [] and full is not INVALID, (type(t).__name__, text)
        assert repr(quick) == repr(full), (type(t).__name__, text)


# ---------------------------------------------------------------- whole files, with and without the quick paths


def _dump(value: Any) -> str:
    """Every field of a converted object, with the positions of its values and of its lists' entries."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and hasattr(value, "__dict__"):
        return f"{type(value).__name__}({', '.join(f'{k}={_dump(v)}' for k, v in vars(value).items())})"
    if isinstance(value, list):
        extra = [getattr(value, k, None) for k in ("locs", "idx", "complete")]
        return f"[{', '.join(_dump(v) for v in value)}]{extra}"
    if isinstance(value, dict):
        return f"{{{', '.join(f'{k!r}: {_dump(v)}' for k, v in value.items())}}}{getattr(value, 'locs', '')}"
    if isinstance(value, set):
        return repr(sorted(value))
    return repr(value)


def _convert_all(root: Any, cls: type) -> str:
    ctx = Ctx("x.yaml")
    obj = convert(cls, root, ctx)
    return _dump(obj) + "\n" + "\n".join(map(repr, ctx.problems))


def _convert_slow(root: Any, cls: type, monkeypatch: pytest.MonkeyPatch) -> str:
    with monkeypatch.context() as m:
        for t in _types():
            m.setattr(t, "quick", None, raising=False)
        m.setattr(schema, "_PLANS", {})  # the compiled key tables hold the quick paths
        m.setattr(schema, "_CPLANS", {})  # ...and so do those of the C path
        return _convert_all(root, cls)


KEYS = {model.Record: ["item", "period", "published", "title", "channels", "boards", "until", "reviewed", "evidence",
                       "finance", "tables", "content", "titel"],
        model.Unit: ["name", "kind", "villagers", "representatives", "finance_monthly", "since", "boards", "contacts"],
        model.Plan: ["year", "adoption", "items"],
        model.Statement: ["opening_balance", "closing_balance", "income", "expense"],
        model.Table: ["title", "columns", "rows"]}
flow_values = st.one_of(st.sampled_from(EXAMPLES), values.filter(lambda v: "\t" not in v and "\x07" not in v),
                        st.sampled_from(["board", "公开栏", "main", "村", "~", "", "[]", "'2024-04-08'",
                                         '"12000.00"', "[board, wechat_group]", "[board，wechat_group]",
                                         "board, wechat_group", "[a, ~, b]", "{by: 张, date: 2024-04-08}",
                                         "{name: 电费, amount: 1200.00}", "[[a, 1], [b, 2]]", "[a, b]", "45,000.00",
                                         "{amount: 45,000.00}", "[x, [y]]", "[main，side]", "[a;b, c]",
                                         "main, side", "[~, '~', null, 'null', '']", "|\n  text\n"]))


@st.composite
def documents(draw: st.DrawFn) -> tuple[type, str]:
    cls = draw(st.sampled_from(sorted(KEYS, key=lambda c: c.__name__)))
    keys = draw(st.lists(st.sampled_from(KEYS[cls]), max_size=8))
    lines = []
    for key in keys:
        value = draw(flow_values)
        if draw(st.booleans()) and not value.startswith(("[", "{")):
            value = "'" + value.replace("'", "''") + "'"  # quoted: the same text, another style
        lines.append(f"{key}: {value}")
    if cls is model.Statement and draw(st.booleans()):
        lines.append("income:\n  - {name: 利息, amount: " + draw(st.sampled_from(EXAMPLES)) + "}\n  - name: 租金\n"
                     "    amount: 3,000")
    return cls, "\n".join(lines) + "\n"


@given(doc=documents())
@settings(max_examples=400, deadline=None)
@example(doc=(model.Record, "item: a\npublished: 2024-04-08\nchannels: [board, 微信群]\n"))
@example(doc=(model.Record, "item: '~'\ntitle: ''\nboards: [main，side, 'a;b', \"\", 'null']\nevidence: x,y\n"))
@example(doc=(model.Statement, "opening_balance: 12000.00\nclosing_balance: {amount: 45,000.00}\n"))
def test_files_convert_the_same_with_and_without_quick_paths(doc: tuple[type, str]) -> None:
    cls, text = doc
    root, slips = parse(text)
    if slips or root is None:
        return
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _convert_all(root, cls) == _convert_slow(root, cls, monkeypatch)


def test_the_slow_path_is_really_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above would prove nothing if switching the quick paths off did not switch them off."""
    root, _ = parse("item: a\npublished: 2024-04-08\n")
    calls: list[str] = []
    real = scalars.parse_date

    def counted(text: str, year: int | None = None) -> Any:
        calls.append(text)
        return real(text, year)

    monkeypatch.setattr(scalars, "parse_date", counted)
    _convert_all(root, model.Record)
    assert calls == []  # the quick path read the plain date
    _convert_slow(root, model.Record, monkeypatch)
    assert calls == ["2024-04-08"]


def test_money_keeps_its_written_text() -> None:
    root, _ = parse("opening_balance: 12000.50\nclosing_balance: '7.5'\n")
    assert isinstance(root, Mapping)
    obj = convert(model.Statement, root, Ctx("x.yaml"))
    assert (obj.opening_balance.text, str(obj.opening_balance.value)) == ("12000.50", "12000.50")
    assert (obj.closing_balance.text, str(obj.closing_balance.value)) == ("7.5", "7.5")
    assert obj.at("closing_balance") == (2, 18)
    assert not isinstance(root, Sequence) and Decimal("7.5") == obj.closing_balance.value
