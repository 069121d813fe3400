"""A rule that crashes on one file reports `internal` at that file and still reports every other file."""

from __future__ import annotations

from clirun import check
from conftest import problems
from test_rules_finance import statement

import gongkai.rules.finance
import gongkai.rules.privacy


def test_a_crash_on_one_record_hides_nothing_else(unit, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = unit({
        "records/a.yaml": statement("2024-Q1", "2024-04-05", "100.00", ["1.00"], [], "100.00") + "content: 电话 13812345678\n",
        "records/b.yaml": statement("2024-Q2", "2024-07-05", "100.00", ["1.00"], [], "100.00") + "content: 电话 13812345679\n",
        "records/c.yaml": statement("2024-Q3", "2024-10-05", "100.00", ["1.00"], [], "100.00") + "content: 电话 13812345670\n",
    }, items=["village/finance/1"])
    real_totals, real_texts = gongkai.rules.finance.totals, gongkai.rules.privacy._texts

    def totals(st):  # type: ignore[no-untyped-def]
        if st.src.path == "records/b.yaml":
            raise KeyError("boom")
        return real_totals(st)

    def texts(rec):  # type: ignore[no-untyped-def]
        if rec.id == "records/a":
            raise ValueError("boom")
        return real_texts(rec)

    monkeypatch.setattr(gongkai.rules.finance, "totals", totals)
    monkeypatch.setattr(gongkai.rules.privacy, "_texts", texts)
    got = [p for p in problems(root, "2024-10-06") if p.code in ("balance", "privacy", "internal")]
    assert [(p.path, p.line, p.column, p.code) for p in got] == [
        ("records/a.yaml", 1, 1, "internal"),     # privacy crashed on a: its phone number is not checked
        ("records/a.yaml", 11, 20, "balance"),
        ("records/b.yaml", 6, 3, "internal"),     # balance crashed on b, at its finance statement
        ("records/b.yaml", 12, 13, "privacy"),
        ("records/c.yaml", 11, 20, "balance"),
        ("records/c.yaml", 12, 13, "privacy"),
    ]
    crash_a, crash_b = got[0], got[2]
    assert "检查规则 privacy 在这个文件上出错（ValueError" in crash_a.message.zh and "请报告" in crash_a.message.zh
    assert "rule finance failed on this file (KeyError" in crash_b.message.en
    code, lines = check(root, "2024-10-06")
    assert code == 1
    assert any(line.startswith("records/b.yaml:6:3: error[internal] 检查规则 finance") for line in lines)
    assert any(line.startswith("records/c.yaml:11:20: error[balance]") for line in lines)


def test_a_crash_outside_any_file_is_one_internal_for_the_unit(unit, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = unit({"records/a.yaml": statement("2024-Q1", "2024-04-05", "100.00", ["1.00"], [], "100.00")},
                items=["village/finance/1"])

    def superseded(records):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(gongkai.rules.finance, "superseded", superseded)
    got = [(p.path, p.line, p.code) for p in problems(root, "2024-04-06") if p.code in ("balance", "internal")]
    # the balance part ran before the crash in continuity; the crash is reported once, at unit.yaml
    assert got == [("records/a.yaml", 11, "balance"), ("unit.yaml", None, "internal")]
