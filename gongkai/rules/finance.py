"""Finance statements (seed 二（三）4 and 一): they balance, they chain, and the committee reviewed them.

Passing: opening 125000.00 + income 82000.00 − expense 18000.00 = closing 189000.00, and Q2's
opening_balance is Q1's closing_balance.
Failing: closing 189000.10 → balance; Q2 opening 188000.00 → continuity; no `reviewed` → review (warning);
reviewed 2024-04-09 but published 2024-04-08 → review (error). Amounts are exact decimals: 0.10 + 0.20 = 0.30.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from gongkai import basis as B
from gongkai.model import Record, Statement
from gongkai.problem import Problem, msg
from gongkai.repo import superseded
from gongkai.rules.base import RuleContext


def yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def totals(st: Statement) -> tuple[Decimal, Decimal] | None:
    """Σincome and Σexpense, or None when an amount could not be read (already reported as `amount`)."""
    if "income" in st.src.invalid or "expense" in st.src.invalid:
        return None
    lines = list(st.income) + list(st.expense)
    if any(line.amount is None for line in lines):
        return None
    return (sum((line.amount.value for line in st.income), Decimal(0)),  # type: ignore[union-attr]
            sum((line.amount.value for line in st.expense), Decimal(0)))  # type: ignore[union-attr]


def check(ctx: RuleContext) -> Iterator[Problem]:
    yield from _balance(ctx)
    yield from _continuity(ctx)
    yield from _review(ctx)


def _balance(ctx: RuleContext) -> Iterator[Problem]:
    for _rid, rec in sorted(ctx.unit.records.items()):
        if rec.finance is None:
            continue  # nothing to balance
        with ctx.guard(rec.src.path, rec.at("finance")):
            yield from _balance_one(ctx, rec)


def _balance_one(ctx: RuleContext, rec: Record) -> Iterator[Problem]:
    st = rec.finance
    if st is None or st.opening_balance is None or st.closing_balance is None:
        return
    sums = totals(st)
    if sums is None:
        return
    income, expense = sums
    expected = st.opening_balance.value + income - expense
    if expected != st.closing_balance.value:
        yield ctx.problem("balance", "error", rec.src.path, st.at("closing_balance"), msg(
            "收支不平：期初 {o} + 收入 {i} − 支出 {e} = {x}，但期末余额写的是 {c}（{more}{d}）：请对照凭证核对各项金额和期末余额",
            "does not balance: opening {o} + income {i} − expense {e} = {x}, but closing_balance is {c} ({d} {more_en}): "
            "check the amounts and the closing balance against the vouchers",
            o=yuan(st.opening_balance.value), i=yuan(income), e=yuan(expense), x=yuan(expected),
            c=yuan(st.closing_balance.value), d=yuan(abs(st.closing_balance.value - expected)),
            more="多 " if st.closing_balance.value > expected else "少 ",
            more_en="too much" if st.closing_balance.value > expected else "short"), B.ACCURACY)


def _continuity(ctx: RuleContext) -> Iterator[Problem]:
    """The previous period of a statement is the record of the same item (and project) whose period ends on the
    day before this one starts, whatever its length: Q4 → next January, three months → the next quarter, and a
    year's last record → the next year's first. A record whose period only covers that day (a quarter, for a
    month inside it) has no balance on that day and is not compared."""
    unit = ctx.unit
    gone = superseded(unit.records)
    by_end: dict[tuple[str, str, dt.date], list[Record]] = defaultdict(list)
    chains: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for rid, rec in sorted(unit.records.items()):
        if rid in gone or rec.finance is None or rec.period is None or not rec.item:
            continue
        key = (rec.item, rec.project or "")
        by_end[(key[0], key[1], rec.period.end)].append(rec)
        chains[key].append(rec)
    for key, recs in sorted(chains.items()):
        for rec in recs:
            with ctx.guard(rec.src.path, rec.finance.at("opening_balance") if rec.finance else rec.at()):
                assert rec.period is not None
                before = by_end.get((*key, rec.period.start - dt.timedelta(days=1)), [])
                # a month and a quarter may both end that day: prefer the same length, then the first by path
                prev = min(before, key=lambda r: (r.period.kind != rec.period.kind, r.id), default=None)  # type: ignore[union-attr]
                yield from _chain(ctx, rec, prev)


def _chain(ctx: RuleContext, rec: Record, prev: Record | None) -> Iterator[Problem]:
    st, pst = rec.finance, prev.finance if prev else None
    if prev is None or st is None or pst is None or st.opening_balance is None or pst.closing_balance is None:
        return
    if st.opening_balance.value != pst.closing_balance.value:
        yield ctx.problem("continuity", "error", rec.src.path, st.at("opening_balance"), msg(
            "期初余额 {o} 与上一期（{p}，{f}）的期末余额 {c} 不一致：期初余额应等于上期期末余额，请核对两份收支表",
            "opening_balance {o} differs from the closing balance {c} of the previous period ({p}, {f}): "
            "it should equal it; check both statements",
            o=yuan(st.opening_balance.value), c=yuan(pst.closing_balance.value), p=prev.period, f=prev.id),
            B.ACCURACY)


def _review(ctx: RuleContext) -> Iterator[Problem]:
    unit = ctx.unit
    for _rid, rec in sorted(unit.records.items()):
        if not rec.item:
            continue  # no item, no finance item
        with ctx.guard(rec.src.path, rec.at()):
            info = unit.item(rec.item)
            if info is not None and info.category == "finance":  # asked here first: most records are not
                yield from _review_one(ctx, rec)


def _review_one(ctx: RuleContext, rec: Record) -> Iterator[Problem]:
    unit = ctx.unit
    info = unit.item(rec.item) if rec.item else None
    if info is None or info.category != "finance":
        return
    if rec.reviewed is None:
        if "reviewed" not in rec.src.invalid:
            yield ctx.problem("review", "warning", rec.src.path, rec.at("item"), msg(
                "财务类事项公开前应经村（居）务监督委员会审核：请补上 reviewed: {{by: 审核人, date: 日期}}",
                "finance items are reviewed by the supervisory committee before publication: add reviewed: {{by, date}}"),
                B.SUPERVISION)
    elif rec.reviewed.date and rec.published and rec.reviewed.date > rec.published:
        yield ctx.problem("review", "error", rec.src.path, rec.reviewed.at("date"), msg(
            "监委会审核日期 {r} 晚于公开日期 {p}：应先审核、后公开", "reviewed on {r}, after publication on {p}: "
            "review comes before publication", r=rec.reviewed.date, p=rec.published), B.SUPERVISION)
