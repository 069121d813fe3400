"""Files → typed objects: values by declared type, problems at their own line, one file never hides another."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import findings, problems, write

from gongkai.model import Record, Settings, Unit
from gongkai.repo import load_file, load_repository


def load(tmp_path: Path, text: str | bytes, cls: type = Record):  # type: ignore[no-untyped-def]
    p = tmp_path / "f.yaml"
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    obj, found = load_file(p, "f.yaml", cls)
    return obj, [(x.line, x.column, x.code) for x in found], found


def test_strings_stay_verbatim(tmp_path: Path) -> None:
    unit, found, _ = load(tmp_path, "name: NO\nkind: village\ncode: 0410122101201\ncontacts: {supervision_phone: 03711234567}\n", Unit)
    assert found == []
    assert unit.name == "NO" and unit.code == "0410122101201"
    assert unit.contacts == {"supervision_phone": "03711234567"}


def test_money_dates_enums(tmp_path: Path) -> None:
    rec, found, _ = load(tmp_path, """\
item: village/finance/1
period: 2024-Q1
published: 2024年4月8日
channels: [公开栏, wechat_group]
finance:
  opening_balance: 0.10
  income: [{name: 利息, amount: 0.20}]
  closing_balance: 0.30
""")
    assert found == []
    assert str(rec.published) == "2024-04-08"
    assert rec.channels == ["board", "wechat_group"]
    assert rec.finance.opening_balance.value + rec.finance.income[0].amount.value == Decimal("0.30")


def test_each_bad_value_at_its_own_line(tmp_path: Path) -> None:
    _, found, msgs = load(tmp_path, """\
item: village/finance/1
period: 2024-Q5
published: 2024-02-30
channels: [board, poster]
publshed: 2024-04-08
finance:
  opening_balance: 12元
  closing_balance: -1.005
""")
    assert found == [(2, 9, "schema"), (3, 12, "date"), (4, 19, "schema"), (5, 1, "schema"), (7, 20, "amount"),
                     (8, 20, "amount")]
    texts = [m.message.zh for m in msgs]
    assert "是否应为“published”" in texts[3]
    assert "2024年2月没有30日" in texts[1]


def test_missing_required_and_wrong_shape(tmp_path: Path) -> None:
    _, found, msgs = load(tmp_path, "period: 2024-Q1\ntables: 不是列表\n")
    assert found == [(2, 9, "schema"), (1, 1, "schema"), (1, 1, "schema")]
    assert {"缺少必填的键“item”" in m.message.zh for m in msgs[1:]} == {True, False}


def test_fullwidth_space_in_key(tmp_path: Path) -> None:
    _, found, msgs = load(tmp_path, "item: village/system/1\n\u3000published: 2024-04-08\n")
    assert found[0][2] == "syntax" and found[0][0] == 2


def test_whole_file_fullwidth_colon(tmp_path: Path) -> None:
    _, found, _ = load(tmp_path, "item：village/system/1\n")
    assert found == [(1, 5, "syntax")]


def test_password_is_refused(tmp_path: Path) -> None:
    _, found, msgs = load(tmp_path, "email:\n  password: hunter2\n", Settings)
    assert found == [(2, 13, "schema")]
    assert "password_env" in msgs[0].message.zh


def test_duplicate_keys(tmp_path: Path) -> None:
    _, found, _ = load(tmp_path, "item: village/system/1\nitem: village/system/2\npublished: 2024-01-02\n")
    assert found == [(2, 1, "schema")]


def test_one_broken_file_never_hides_the_others(unit) -> None:
    root = unit({
        "records/gbk.yaml": "item: village/system/1\ntitle: 村规民约\npublished: 2024-01-02\n".encode("gbk"),
        "records/tab.yaml": "item: village/system/1\n\tpublished: 2024-01-02\n",
        "records/junk.yaml": bytes(range(256)) * 4,
        "records/empty.yaml": "",
        "records/list.yaml": "- a\n- b\n",
        "records/ok.yaml": "item: village/finance/1\nperiod: 2024-Q1\npublished: 2024-04-02\n"
                           "reviewed: {by: 赵六, date: 2024-04-01}\n"
                           "finance: {opening_balance: 1.00, closing_balance: 2.00}\n",
    }, items=["village/finance/1"])
    got = findings(root, "2024-07-15")
    assert got == [
        ("plans/2024.yaml", 11, "overdue", "error"),   # Q2 of finance/1
        ("records/empty.yaml", 1, "schema", "error"),
        ("records/gbk.yaml", 2, "encoding", "error"),
        ("records/junk.yaml", 2, "encoding", "error"),
        ("records/list.yaml", 1, "schema", "error"),
        ("records/ok.yaml", 5, "balance", "error"),
        ("records/tab.yaml", 2, "syntax", "error"),
    ]


def test_settings_rules_and_unit_override(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "gongkai.yaml": "name: 花园口镇\nrules: {quarterly_days: 15, due_soon_days: 3}\n",
        "a/unit.yaml": "name: 甲村\nkind: village\nrules: {quarterly_days: 20}\n",
        "b/unit.yaml": "name: 乙社区\nkind: 社区\n",
    })
    repo = load_repository(root)
    assert [u.id for u in repo.units] == ["a", "b"]
    assert repo.units[0].timing.quarterly_days == 20 and repo.units[0].timing.due_soon_days == 3
    assert repo.units[1].timing.quarterly_days == 15 and repo.units[1].kind == "community"
    assert repo.name == "花园口镇"


def test_plan_file_year_must_match(unit) -> None:
    root = unit({"plans/2024.yaml": "year: 2023\nitems: []\n"})
    got = problems(root, "2024-02-01")
    assert [(p.path, p.line, p.code) for p in got][:1] == [("plans/2024.yaml", 1, "schema")]


def test_broken_unit_yaml_does_not_cascade(unit) -> None:
    root = unit({"unit.yaml": "name: 东庄村\nkind: village\nboards: [{id: main}]\n".encode("gbk"),
                 "records/a.yaml": "item: village/system/1\npublished: 2024-01-05\nboards: [main]\n"})
    assert findings(root, "2024-07-15") == [("unit.yaml", 1, "encoding", "error")]


def test_unreadable_record_date_is_not_echoed_as_overdue(unit) -> None:
    root = unit({"records/q1.yaml": "item: village/finance/4\nperiod: 2024-Q1\npublished: 2024-02-30\n"
                                    "reviewed: {by: 赵六, date: 2024-01-01}\n"}, items=["village/finance/4"])
    assert findings(root, "2024-05-01") == [("records/q1.yaml", 3, "date", "error")]


def test_unreadable_standing_record_date_is_not_echoed_either(unit) -> None:
    root = unit({"records/s.yaml": "item: village/system/1\npublished: 2024/13/01\n"}, items=["village/system/1"])
    assert findings(root, "2024-05-01") == [("records/s.yaml", 2, "date", "error")]
