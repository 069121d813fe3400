"""Balance, continuity, amounts and review, exact to the cent."""

from __future__ import annotations

from clirun import check
from conftest import findings, plan_yaml, problems

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


def test_previous_period_is_the_record_ending_the_day_before(unit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Q4 → next January, three months → the next quarter; a quarter that only covers the day before a month
    (Q1 for February) has no balance on that day and is not compared."""
    root = unit({
        "plans/2025.yaml": plan_yaml(["village/finance/1"], year=2025).replace("2024-01", "2025-01"),
        "records/2024/q4.yaml": statement("2024-Q4", "2025-01-05", "100.00", [], [], "100.00"),
        "records/2025/01.yaml": statement("2025-01", "2025-02-05", "99.00", [], [], "99.00"),    # after Q4: wrong
        "records/2025/02.yaml": statement("2025-02", "2025-03-05", "99.00", [], [], "98.00"),    # after 01: right
        "records/2025/03.yaml": statement("2025-03", "2025-04-05", "98.00", [], [], "98.00"),
        "records/2025/q2.yaml": statement("2025-Q2", "2025-07-05", "97.00", [], [], "97.00"),    # after 03: wrong
    }, items=["village/finance/1"])
    got = [p for p in problems(root, "2025-07-06") if p.code in ("continuity", "balance")]
    assert [(p.path, p.line, p.column, p.code) for p in got] == [
        ("records/2025/01.yaml", 6, 20, "continuity"),
        ("records/2025/02.yaml", 11, 20, "balance"),
        ("records/2025/q2.yaml", 6, 20, "continuity"),
    ]
    assert "2024-Q4" in got[0].message.zh and "100.00" in got[0].message.zh
    assert "2025-03" in got[2].message.zh and "98.00" in got[2].message.zh
    code, lines = check(root, "2025-07-06")
    assert code == 1 and any(line.startswith("records/2025/01.yaml:6:20: error[continuity]") for line in lines)


def test_month_inside_a_published_quarter_is_not_compared_with_it(unit) -> None:
    root = unit({
        "records/q1.yaml": statement("2024-Q1", "2024-04-05", "100.00", [], [], "100.00"),
        "records/m2.yaml": statement("2024-02", "2024-03-05", "50.00", [], [], "50.00"),
    }, items=["village/finance/1"])
    assert [p.code for p in problems(root, "2024-04-06") if p.code == "continuity"] == []
