"""The views' fast paths give what the plain code gives: table_view's per-cell facts, the amounts' text cache,
safe_part's cache and record_view's per-unit memo (each compared with the plain code it replaces)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gongkai.model import Table
from gongkai.render import money, views
from gongkai.render.views import SHORT_CELL, SHORT_ROOM, TableView, _display_width, _is_number, _m
from gongkai.repo import load_repository

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "huayuankou"


def plain_table_view(t: Table) -> TableView:
    """table_view as it was written before the per-cell facts (the reference)."""
    width = max([len(t.columns)] + [len(r) for r in t.rows])
    columns = [_m(c) for c in t.columns] + [""] * (width - len(t.columns))
    rows = [[_m(c) for c in r] + [""] * (width - len(r)) for r in t.rows]
    numeric = [any(r[i].strip() for r in rows) and all(_is_number(r[i]) for r in rows if r[i].strip())
               for i in range(width)]
    short = [all(len(r[i]) <= SHORT_CELL for r in rows) and len(columns[i]) <= SHORT_CELL for i in range(width)]
    need = [_display_width([r[i] for r in rows]) + 1 for i in range(width)]
    room = SHORT_ROOM - sum(need[i] for i in range(width) if numeric[i])
    candidates = sorted((i for i in range(width) if short[i] and not numeric[i]), key=lambda i: (need[i], i))
    wrapping = sum(1 for i in range(width) if not short[i] and not numeric[i])
    for n, i in enumerate(candidates):
        short[i] = room > 0 and need[i] + 3 * (wrapping + len(candidates) - n - 1) <= room
        room = room - need[i] if short[i] else 0
    return TableView(_m(t.title), columns, rows, numeric, short, _m(t.note))


CELL = st.one_of(
    st.sampled_from(["", " ", "1", "2", "1,040.00", "-3.5", "+7", "1.2.3", "１２", "A类", "孟*山", "分散供养",
                     "13800001234", "138 0000 1234", "410122199001011234", "低保对象名单备注很长很长的一格文字",
                     "abcdefghijklm", "abcdefghijkl", "，", "0.55", "\ufffd", "x\udcff"]),
    st.text(alphabet="0123456789., -+aZ中文名单*", max_size=16),
)


@settings(max_examples=300, deadline=None)
@given(columns=st.lists(CELL, max_size=6), rows=st.lists(st.lists(CELL, max_size=7), max_size=6),
       title=st.one_of(st.none(), CELL), note=st.one_of(st.none(), CELL))
@example(columns=[], rows=[], title=None, note=None)
@example(columns=[], rows=[[]], title="", note="")
@example(columns=["a"], rows=[[""], [""]], title=None, note=None)
def test_table_view_is_the_plain_one(columns: list[str], rows: list[list[str]], title: str | None,
                                     note: str | None) -> None:
    t = Table(title=title, columns=columns, rows=rows, note=note)
    assert views.table_view(t) == plain_table_view(t)
    views._CELLS.clear()  # a cold store gives the same
    assert views.table_view(t) == plain_table_view(t)


def plain_amount(value: Decimal | None) -> str:
    """money.amount before its cache (the reference)."""
    if value is None:
        return "—"
    try:
        if value == value.quantize(money.CENT):
            return f"{value:,.2f}"
    except InvalidOperation:
        pass
    return f"{value:,}"


DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    st.decimals(allow_nan=False, allow_infinity=False, max_value=10**9, min_value=-10**9),
    st.sampled_from([Decimal("1.5"), Decimal("1.50"), Decimal("1.500"), Decimal("1.005"), Decimal("1.0050"),
                     Decimal("0"), Decimal("-0"), Decimal("0.00"), Decimal("-0.00"), Decimal("1E+2"), Decimal("100"),
                     Decimal("NaN"), Decimal("-Infinity"), Decimal("sNaN"), Decimal("1E+40")]),
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(DECIMALS, max_size=12))
def test_amount_is_the_plain_one_whatever_was_asked_before(values: list[Decimal]) -> None:
    for value in values + values[::-1]:  # equal values written differently meet the cache both ways
        assert money.amount(value) == plain_amount(value)


def test_amounts_equal_but_written_differently() -> None:
    money._TEXTS.clear()
    for value, text in [(Decimal("1.5"), "1.50"), (Decimal("1.50"), "1.50"), (Decimal("1.005"), "1.005"),
                        (Decimal("1.0050"), "1.0050"), (Decimal("0.00"), "0.00"), (Decimal("-0.00"), "-0.00"),
                        (Decimal("-0"), "-0.00"), (Decimal("1E+2"), "100.00"), (Decimal("-1.5"), "-1.50"),
                        (None, "—")]:
        assert money.amount(value) == text == plain_amount(value)
    assert money.amount(Decimal("NaN")) == plain_amount(Decimal("NaN"))
    assert money.amount(Decimal("sNaN")) == plain_amount(Decimal("sNaN"))


@settings(max_examples=200, deadline=None)
@given(part=st.one_of(CELL, st.text(max_size=30), st.sampled_from([".", "..", "a:b", "x" * 300, "王" * 90])))
def test_safe_part_is_the_plain_one(part: str) -> None:
    assert views.safe_part(part) == views._safe_part(part)
    assert views.safe_part(part) == views._safe_part(part)  # (from the cache)
    if "13800001234" in part:
        assert "13800001234" not in views.safe_part(part)  # still masked


def _plain(x: object) -> object:
    """A view as nested plain values (its lazily built fields too): what a template could print."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        out = {f.name: _plain(getattr(x, f.name)) for f in dataclasses.fields(x) if f.name != "unit"}
        for lazy in ("daxie", "content_html", "content_md"):
            if hasattr(type(x), lazy):
                out[lazy] = _plain(getattr(x, lazy))
        return (type(x).__name__, out)
    if isinstance(x, (list, tuple)):
        return [_plain(i) for i in x]
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return (type(x).__name__, x if isinstance(x, (str, int, type(None))) else repr(x))


def _sites(order: list[int], one_builder: bool) -> list[object]:
    repo = load_repository(EXAMPLE)
    builder = views.Builder(repo, dt.date(2024, 12, 31), "https://example.org/公开/")
    out: dict[int, object] = {}
    for i in order:
        if not one_builder:
            builder = views.Builder(repo, dt.date(2024, 12, 31), "https://example.org/公开/")
            views._MASKED.clear(), views._CELLS.clear(), views._SAFE_PARTS.clear(), views._PERIODS.clear()
        site = builder.build_unit(repo.units[i])
        out[i] = _plain(site)
    return [out[i] for i in sorted(out)]


def test_per_unit_memo_never_carries_one_unit_into_another() -> None:
    """Each unit's views are the same built alone with cold stores, or after other units (in either order) with one
    Builder: the memo of items, years and boards is the unit's own."""
    n = len(load_repository(EXAMPLE).units)
    assert n > 1
    alone = _sites(list(range(n)), one_builder=False)
    assert _sites(list(range(n)), one_builder=True) == alone
    assert _sites(list(reversed(range(n))), one_builder=True) == alone


@settings(max_examples=200, deadline=None)
@given(day=st.one_of(st.none(), st.dates(), st.datetimes()))
def test_day_texts_are_iso_and_date_zh(day: dt.date | None) -> None:
    for _ in range(2):  # (worked out, then from the store)
        assert views._day(day) == (views.iso(day), views.date_zh(day))


def plain_lines(items: list) -> list[views.LineView]:  # type: ignore[type-arg]
    """finance_view's lines made by the views' own constructors (the reference)."""
    return [views.LineView(_m(li.name), views.Amount.of(li.amount.value if li.amount else None), _m(li.note))
            for li in items]


def test_statement_lines_are_the_constructed_ones() -> None:
    """finance_view makes its lines without the frozen dataclasses' __init__: the same values, equal, hashed, printed
    and pickled alike (a field added to LineView or Amount would be missing, and this fails)."""
    import pickle

    repo = load_repository(EXAMPLE)
    seen = 0
    for u in repo.units:
        for r in u.records.values():
            if r.finance is None:
                continue
            fv = views.finance_view(r.finance)
            for made, plain in [(fv.income, plain_lines(r.finance.income)), (fv.expense, plain_lines(r.finance.expense))]:
                assert made == plain and [hash(x) for x in made] == [hash(x) for x in plain]
                assert repr(made) == repr(plain) and [vars(x) for x in made] == [vars(x) for x in plain]
                assert [x.amount.daxie for x in made] == [x.amount.daxie for x in plain]
                assert pickle.loads(pickle.dumps(made)) == plain
                seen += len(made)
    assert seen > 20
    assert {f.name for f in dataclasses.fields(views.LineView)} == {"name", "amount", "note"}
    assert {f.name for f in dataclasses.fields(views.Amount)} == {"value", "text"}
    assert not hasattr(views.LineView, "__post_init__") and not hasattr(views.Amount, "__post_init__")
