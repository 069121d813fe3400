"""Whatever the bytes, the loader returns problems with valid locations and never raises."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.check import run
from gongkai.model import Event, Feedback, Inspection, Plan, Project, Record, Settings, Unit
from gongkai.repo import load_file, load_repository

SEED = """\
item: village/finance/1
period: 2024-Q1
published: 2024-04-08
title: 2024年第一季度村级财务收支情况
channels: [board, wechat_group]
reviewed: {by: 赵六, date: 2024-04-06}
evidence: [evidence/2024/q1-board.jpg]
content: |
  本季度收支如下。
finance:
  opening_balance: 125000.00
  income:  [{name: 上级转移支付, amount: 50000.00}]
  expense: [{name: 误工补贴, amount: 18000.00}]
  closing_balance: 157000.00
tables:
  - title: 名单
    columns: [姓名, 金额]
    rows:
      - [张三, 900]
"""
MODELS = (Record, Unit, Plan, Event, Project, Feedback, Inspection, Settings)
JUNK = st.sampled_from(["：", "\t", "\u3000", ":", "- ", "&a ", "*a", "<<: ", "{", "[", "]", "'", '"', "|", "\n",
                        "  ", "#", "!!str ", "2024-02-30", "０", "\x00", "\ufeff", "---\n", "? ", "%YAML 1.1\n", "\r\n"])


def check_locations(found, text: str) -> None:  # type: ignore[no-untyped-def]
    lines = text.count("\n") + 2
    for p in found:
        assert p.code and p.severity in ("error", "warning", "info")
        assert p.message.zh and p.message.en
        if p.line is not None:
            assert 1 <= p.line <= lines, (p, text)
            assert p.column is None or p.column >= 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from(MODELS))
def test_random_bytes(tmp_path: Path, data: bytes, cls: type) -> None:
    f = tmp_path / "x.yaml"
    f.write_bytes(data)
    _, found = load_file(f, "x.yaml", cls)
    check_locations(found, data.decode("utf-8", "replace"))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(SEED)), st.integers(0, 3), JUNK), max_size=6), st.sampled_from(MODELS))
def test_mutated_yaml(tmp_path: Path, edits: list[tuple[int, int, str]], cls: type) -> None:
    text = SEED
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut:]
    f = tmp_path / "x.yaml"
    f.write_text(text, encoding="utf-8", errors="surrogatepass")
    _, found = load_file(f, "x.yaml", cls)
    check_locations(found, text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(SEED)), st.integers(0, 3), JUNK), max_size=4))
def test_mutated_record_through_every_rule(tmp_path: Path, edits: list[tuple[int, int, str]]) -> None:
    text = SEED
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut:]
    (tmp_path / "unit.yaml").write_text("name: 东庄村\nkind: village\n", encoding="utf-8")
    (tmp_path / "records").mkdir(exist_ok=True)
    (tmp_path / "records" / "x.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    result = run(load_repository(tmp_path), dt.date(2024, 7, 15))
    assert not [p for p in result.problems if p.code == "internal"], [p for p in result.problems if p.code == "internal"]
