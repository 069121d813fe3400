"""Balance, continuity, amounts and review, exact to the cent."""

from __future__ import annotations

from conftest import findings, problems

HEAD = "item: village/finance/1\nperiod: {p}\npublished: {d}\nreviewed: {{by: 赵六, date: {d}}}\n"


def statement(p: str, d: str, opening: str, income: list[str], expense: list[str], closing: str) -> str:
    lines = [HEAD.format(p=p, d=d).rstrip("\n"), "finance:", f"  opening_balance: {opening}", "  income:"]
    lines += [f"    - {{name: 收入{i}, amount: {a}}}" for i, a in enumerate(income)] or ["    []"]
    lines += ["  expense:"] + ([f"    - {{name: 支出{i}, amount: {a}}}" for i, a in enumerate(expense)] or ["    []"])
    lines.append(f"  closing_balance: {closing}")
    return "\n".join(lines) + "\n"


def test_balances_to_the_cent(unit) -> None:
    root = unit({"records/q1.yaml": statement("2024-Q1", "2024-04-05", "0.10", ["0.20"], [], "0.30")},
                items=["village/finance/1"])
    assert findings(root, "2024-04-20") == []


def test_balance_error(unit) -> None:
    root = unit({"records/q1.yaml": statement("2024-Q1", "2024-04-05", "125000.00", ["50000.00", "32000.00"],
                                              ["18000.00"], "189000.10")}, items=["village/finance/1"])
    got = problems(root, "2024-04-20")
    assert [(p.line, p.code) for p in got] == [(12, "balance")]
    assert "189,000.00" in got[0].message.zh and "多 0.10" in got[0].message.zh


def test_continuity(unit) -> None:
    root = unit({
        "records/q1.yaml": statement("2024-Q1", "2024-04-05", "100.00", ["50.00"], ["20.00"], "130.00"),
        "records/q2.yaml": statement("2024-Q2", "2024-07-05", "131.00", [], [], "131.00"),
        "records/q3.yaml": statement("2024-Q3", "2024-10-05", "131.00", [], [], "131.00"),
    }, items=["village/finance/1"])
    got = problems(root, "2024-10-06")
    assert [(p.path, p.line, p.code) for p in got] == [("records/q2.yaml", 6, "continuity")]
    assert "130.00" in got[0].message.zh and "2024-Q1" in got[0].message.zh


def test_continuity_across_monthly_and_quarterly(unit) -> None:
    root = unit({
        "records/q1.yaml": statement("2024-Q1", "2024-04-05", "100.00", [], [], "100.00"),
        "records/m4.yaml": statement("2024-04", "2024-05-05", "90.00", [], [], "90.00"),
    }, items=["village/finance/1"])
    assert [(f[0], f[2]) for f in findings(root, "2024-05-06")] == [("records/m4.yaml", "continuity")]


def test_amount_problems_skip_balance(unit) -> None:
    root = unit({"records/q1.yaml": statement("2024-Q1", "2024-04-05", "1.00", ["1.005", "-2.00", "3元"], [], "9.00")},
                items=["village/finance/1"])
    got = findings(root, "2024-04-20")
    assert got == [("records/q1.yaml", 8, "amount", "error"), ("records/q1.yaml", 9, "amount", "error"),
                   ("records/q1.yaml", 10, "amount", "error")]


def test_review(unit) -> None:
    no_review = "item: village/finance/4\nperiod: 2024-Q1\npublished: 2024-04-05\n"
    root = unit({"records/a.yaml": no_review}, items=["village/finance/4"])
    assert findings(root, "2024-04-20") == [("records/a.yaml", 1, "review", "warning")]
    after = no_review + "reviewed: {by: 赵六, date: 2024-04-06}\n"
    root = unit({"records/a.yaml": after}, items=["village/finance/4"])
    assert findings(root, "2024-04-20") == [("records/a.yaml", 4, "review", "error")]
    # non-finance items need no review
    root = unit({"records/s.yaml": "item: village/system/1\npublished: 2024-01-20\n"}, items=["village/system/1"])
    assert findings(root, "2024-04-20") == []
