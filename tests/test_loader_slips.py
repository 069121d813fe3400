"""Slips a clerk makes that YAML reads as something else, and values no file may hold.

Each test feeds the slip and asserts the code, the message (what is wrong and the fix), the position and,
through the CLI, the exit code. Issue 7 (points 1, 3 and 10) and issue 10 (point 2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import UNIT, plan_yaml, problems, write
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401  (registers the commands)
from gongkai.check import run
from gongkai.cli.app import app
from gongkai.load.nodes import parse
from gongkai.load.scalars import parse_date, parse_period
from gongkai.model import Record, Settings, Unit
from gongkai.repo import load_file, load_repository
from gongkai.schedule import Period

runner = CliRunner()
FIN = "item: village/finance/1\nperiod: 2024-Q1\npublished: 2024-04-08\nreviewed: {by: 赵六, date: 2024-04-06}\n"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def load(tmp_path: Path, text: str, cls: type = Record, shown: str = "records/2024/f.yaml"):  # type: ignore[no-untyped-def]
    p = tmp_path / "f.yaml"
    p.write_text(text, encoding="utf-8")
    obj, found = load_file(p, shown, cls)
    return obj, found


def where(found) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(p.path, p.line, p.column, p.code) for p in found]


# ---------------------------------------------------------------- issue 7.1: thousands separators in { }


def test_thousands_separator_in_a_flow_mapping_is_an_amount_error_not_45(unit) -> None:
    root = unit({"records/q1.yaml": FIN + """\
finance:
  opening_balance: 125000.00
  income:
    - {name: 上级转移支付, amount: 45,000.00}
    - {name: 集体资产租赁, amount: 32000.00}
  closing_balance: 202000.00
"""}, items=["village/finance/1"])
    got = problems(root, "2024-04-20")
    assert [(p.path, p.line, p.column, p.code, p.severity) for p in got] == [
        ("records/q1.yaml", 8, 30, "amount", "error")]
    assert "45,000.00" in got[0].message.zh and "去掉千分位逗号" in got[0].message.zh
    assert "amount: 45000.00" in got[0].message.zh and "只剩 45" in got[0].message.zh
    assert "remove the thousands separators" in got[0].message.en
    assert "000.00" not in got[0].message.zh.replace("45,000.00", "").replace("45000.00", "")  # no unknown-key noise
    rec = load_repository(root).units[0].records["records/q1"]
    assert rec.finance is not None
    lines = rec.finance.income
    assert [line.name for line in lines] == ["上级转移支付", "集体资产租赁"]
    assert lines[0].amount is None and "amount" in lines[0].src.invalid  # unreadable, never 45
    assert all(line.amount is None or line.amount.value != Decimal(45) for line in lines)


def test_thousands_separator_cli_exit_and_render_never_prints_45(unit, tmp_path: Path) -> None:
    root = unit({"records/q1.yaml": FIN + "finance:\n  opening_balance: 0.00\n"
                 "  income: [{name: 上级转移支付, amount: 45,000.00}]\n  closing_balance: 45000.00\n"},
                items=["village/finance/1"])
    r = invoke("check", str(root), "--as-of", "2024-04-20")
    assert r.exit_code == 1
    assert "records/q1.yaml:7:35: error[amount] 金额“45,000.00”被逗号拆开了" in r.stdout
    out = tmp_path / "site"
    r = invoke("render", str(root), "--out", str(out), "--as-of", "2024-04-20", "--format", "md")
    assert "内部错误" not in r.output
    printed = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.md"))
    assert "45.00" not in printed and "肆拾伍元" not in printed


@pytest.mark.parametrize("text, written, fixed, col", [
    ("{name: 租金, amount: 1,234,567.89, note: 年租}", "1,234,567.89", "amount: 1234567.89", 26),
    ("{amount: 45,000, name: 利息}", "45,000", "amount: 45000", 16),
])
def test_thousands_separator_forms(tmp_path: Path, text: str, written: str, fixed: str, col: int) -> None:
    rec, found = load(tmp_path, FIN + f"finance:\n  opening_balance: 1.00\n  income:\n    - {text}\n"
                      "  closing_balance: 1.00\n")
    assert where(found) == [("records/2024/f.yaml", 8, col, "amount")]
    assert f"“{written}”" in found[0].message.zh and fixed in found[0].message.zh
    assert rec.finance.income[0].amount is None


def test_decimal_comma_gets_no_made_up_figure(tmp_path: Path) -> None:
    rec, found = load(tmp_path, FIN + "finance: {opening_balance: 45,00, closing_balance: 1.00}\n")
    assert where(found) == [("records/2024/f.yaml", 5, 28, "amount")]
    assert "小数点用“.”" in found[0].message.zh and "4500\n" not in found[0].message.zh + "\n"
    assert "opening_balance: 4500" not in found[0].message.zh
    assert rec.finance.opening_balance is None


def test_thousands_separator_in_a_count(tmp_path: Path) -> None:
    ev, found = load(tmp_path, "date: 2024-03-05\ntype: joint_request\ntitle: 联名\nitem: village/affairs/7\n"
                     "signatures: {villagers: 1,860}\n", __import__("gongkai.model").model.Event)
    assert where(found) == [("records/2024/f.yaml", 5, 25, "schema")]
    assert "villagers: 1860" in found[0].message.zh
    assert ev.signatures.villagers is None


def test_block_style_thousands_separator_reads_exactly(tmp_path: Path) -> None:
    rec, found = load(tmp_path, FIN + "finance:\n  opening_balance: 125,000.00\n  closing_balance: 125,000.00\n")
    assert found == []
    assert rec.finance.opening_balance.value == Decimal("125000.00")
    assert rec.finance.closing_balance.value == Decimal("125000.00")


# ---------------------------------------------------------------- issue 7.3: table rows, list separators


TABLE = FIN.replace("village/finance/1", "village/affairs/15") + """\
tables:
  - title: 低保对象名单
    columns: [户主姓名, 家庭人口, 类别, 保障金额]
    rows:
      - [张三, 3, 一类, 900]
      - [王*芬，1，二类，420]
      - [李四, 2, 一类]
      - [赵五, 2, 一类, 1,200]
      - [钱六, 2, 一类, 300, 多余]
      - 孙七，2，一类，300
"""


def test_table_rows_must_match_the_columns(tmp_path: Path) -> None:
    rec, found = load(tmp_path, TABLE)
    assert where(found) == [
        ("records/2024/f.yaml", 14, 9, "schema"),  # reported while reading the row, before rows meet columns
        ("records/2024/f.yaml", 10, 9, "schema"),
        ("records/2024/f.yaml", 11, 9, "schema"),
        ("records/2024/f.yaml", 12, 9, "schema"),
        ("records/2024/f.yaml", 13, 9, "schema"),
    ]
    msgs = {p.line: p.message for p in found}
    assert msgs[14].zh.startswith("这里应写成方括号里的列表") and "[孙七, 2, 一类, 300]" in msgs[14].zh
    assert msgs[10].zh.startswith("rows 的第 2 行有 1 格，表头 columns 有 4 列")
    assert "英文逗号" in msgs[10].zh and "[王*芬, 1, 二类, 420]" in msgs[10].zh
    assert "row 2 has 1 cell(s) but there are 4 columns" in msgs[10].en
    assert msgs[11].zh.startswith("rows 的第 3 行有 3 格") and "逗号" not in msgs[11].zh
    assert msgs[12].zh.startswith("rows 的第 4 行有 5 格") and "千分位" in msgs[12].zh and "1200" in msgs[12].zh
    assert msgs[13].zh.startswith("rows 的第 5 行有 5 格")
    assert rec.tables[0].rows[0] == ["张三", "3", "一类", "900"]


def test_table_columns_with_fullwidth_commas(tmp_path: Path) -> None:
    _, found = load(tmp_path, FIN + "tables:\n  - columns: [姓名，人口]\n    rows: [[张三, 3], [李四, 2]]\n")
    assert where(found) == [("records/2024/f.yaml", 6, 14, "schema")]
    assert "[姓名, 人口]" in found[0].message.zh  # one message for the heading, none for every row


def test_table_row_error_through_check(unit) -> None:
    root = unit({"records/list.yaml": "item: village/system/1\npublished: 2024-01-20\ntables:\n"
                 "  - columns: [姓名, 人口]\n    rows:\n      - [张三, 3]\n      - [李四]\n"},
                items=["village/system/1"])
    r = invoke("check", str(root), "--as-of", "2024-02-10")
    assert r.exit_code == 1
    assert "records/list.yaml:7:9: error[schema] rows 的第 2 行有 1 格，表头 columns 有 2 列" in r.stdout


@pytest.mark.parametrize("line, fix", [
    ("channels: [board，wechat_group]", "[board, wechat_group]"),
    ("channels: [公开栏、微信群]", "[公开栏, 微信群]"),
    ("channels: board，wechat_group", "[board, wechat_group]"),
    ("boards: [main，group3]", "[main, group3]"),
    ("evidence: evidence/a.jpg, evidence/b.jpg", "[evidence/a.jpg, evidence/b.jpg]"),
])
def test_lists_with_fullwidth_commas(tmp_path: Path, line: str, fix: str) -> None:
    rec, found = load(tmp_path, "item: village/system/1\npublished: 2024-01-20\n" + line + "\n")
    key = line.split(":")[0]
    col = line.index("[") + 2 if "[" in line else len(key) + 3
    assert where(found) == [("records/2024/f.yaml", 3, col, "schema")]
    assert ("英文逗号" in found[0].message.zh or "方括号" in found[0].message.zh) and fix in found[0].message.zh
    assert "ASCII comma" in found[0].message.en or "square brackets" in found[0].message.en
    assert getattr(rec, key) == []


def test_free_text_lists_keep_their_commas(tmp_path: Path) -> None:
    plan, found = load(tmp_path, "year: 2024\nadoption:\n  consultation: {date: 2024-01-05, methods: [入户走访，发放意见表]}\n",
                       __import__("gongkai.model").model.Plan, "plans/2024.yaml")
    assert found == [] and plan.adoption.consultation.methods == ["入户走访，发放意见表"]


# ---------------------------------------------------------------- issue 7.10: dates, periods, ids, YAML


@pytest.mark.parametrize("text, fix", [("4月8日", "2023-04-08"), ("04-08", "2023-04-08"), ("4/8", "2023-04-08")])
def test_date_without_year_says_so_with_the_files_year(tmp_path: Path, text: str, fix: str) -> None:
    _, found = load(tmp_path, f"item: village/finance/1\nperiod: 2023-Q1\npublished: {text}\n")
    assert where(found) == [("records/2024/f.yaml", 3, 12, "date")]
    assert "缺少年份" in found[0].message.zh and fix in found[0].message.zh
    assert "has no year" in found[0].message.en


@pytest.mark.parametrize("period, published, fix", [
    ("Q2", "2023-07-05", "2023-Q2"),
    ("第四季度", "2024-01-08", "2023-Q4"),  # published in January: the quarter of the year before
    ("12月", "2024-01-05", "2023-12"),
    ("2023年第二季度", "2023-07-05", "2023-Q2"),
    ("2023Q2", "2023-07-05", "2023-Q2"),
    ("2023年5月", "2023-06-05", "2023-05"),
])
def test_period_hints_use_the_files_own_year(tmp_path: Path, period: str, published: str, fix: str) -> None:
    _, found = load(tmp_path, f"item: village/finance/1\nperiod: {period}\npublished: {published}\n",
                    shown="records/q.yaml")
    assert where(found) == [("records/q.yaml", 2, 9, "schema")]
    assert f"写成 {fix}" in found[0].message.zh and fix in found[0].message.en


def test_unreadable_period_example_is_the_plan_year_not_a_fixed_one(tmp_path: Path) -> None:
    _, found = load(tmp_path, "item: village/finance/1\nperiod: 上季度\npublished: 2026-04-08\n", shown="records/x.yaml")
    assert "季度写成 2026-Q1，月份写成 2026-05" in found[0].message.zh
    assert "2024" not in found[0].message.zh
    assert parse_period("上季度")[1].zh.endswith("季度写成 YYYY-Q1，月份写成 YYYY-05")  # type: ignore[union-attr]


def test_fullwidth_periods_are_accepted(unit) -> None:
    assert parse_period("２０２４-Ｑ１") == (Period(2024, "Q", 1), None)
    assert parse_period("２０２４－０５") == (Period(2024, "M", 5), None)
    root = unit({"records/q1.yaml": "item: village/finance/4\nperiod: ２０２４-Ｑ１\npublished: 2024-04-08\n"
                                    "reviewed: {by: 赵六, date: 2024-04-06}\n"}, items=["village/finance/4"])
    assert problems(root, "2024-04-20") == []


@pytest.mark.parametrize("kind, written, guess", [
    ("village", "村级财务收支情况", "village/finance/1"),
    ("village", "2024年第一季度村级财务收支情况", "village/finance/1"),
    ("village", "村务/财务/1", "village/finance/1"),
    ("village", "居务/财务/3", "village/finance/1"),            # the community's income and expenditure item
    ("village", "community/system/4", "village/system/4"),     # 民主评议…成员制度: the same title in both
    ("community", "村级财务收支情况", "community/finance/3"),
    ("community", "village/affairs/7", "community/affairs/6"),  # same title, different number
])
def test_item_suggestions_by_title_in_the_units_own_catalog(tmp_path: Path, kind: str, written: str, guess: str) -> None:
    unit_yaml = UNIT.replace("kind: village", f"kind: {kind}")
    root = write(tmp_path, {"unit.yaml": unit_yaml, "plans/2024.yaml": plan_yaml([], kind=kind),
                            "records/x.yaml": f"item: {written}\npublished: 2024-01-20\n"})
    got = [p for p in problems(root, "2024-02-10") if p.path == "records/x.yaml"]
    assert [(p.line, p.column, p.code) for p in got] == [(1, 7, "unknown-item")]
    assert f"是否应为 {guess}" in got[0].message.zh and f"did you mean {guess}" in got[0].message.en


def test_no_suggestion_by_number_across_kinds(tmp_path: Path) -> None:
    # community/finance/1 (公益创投) has no village counterpart; village/finance/1 would be a wrong guess
    root = write(tmp_path, {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml([]),
                            "records/x.yaml": "item: community/finance/1\npublished: 2024-01-20\n"})
    got = [p for p in problems(root, "2024-02-10") if p.path == "records/x.yaml"]
    assert [p.code for p in got] == ["unknown-item"]
    assert "village/finance/1" not in got[0].message.zh and "gongkai catalog" in got[0].message.zh


@pytest.mark.parametrize("text, line, col, zh, en", [
    ("title: a: b\n", 1, 9, "这里不能出现“键: 值”", "mapping values are not allowed"),
    ("item: village/system/1\ntitle: `通知`\n", 2, 8, "值不能以“`”开头", "found character that cannot start any token"),
    ("item: village/system/1\ntitle\npublished: 2024-01-05\n", 2, 1, "找不到“键: 值”里的冒号", "could not find expected ':'"),
    ("item: x\ntitle\n", 2, 1, "找不到“键: 值”里的冒号", "could not find expected ':'"),
    ("a:\n  b: 1\n c: 2\n", 3, 2, "读取键值对时（从第 1 行开始），这里应该是下一个键", "did not find expected key"),
    ("a: [1, 2\nb: 3\n", 2, 2, "方括号 [ ] 没有闭合", "did not find expected ',' or ']'"),
    ("a: 'abc\n", 1, 4, "引号还没有闭合", "found unexpected end of stream"),
    ('a: "C:\\q"\n', 1, 7, "反斜杠", "found unknown escape character"),
    ("a: \x01\n", 1, 4, "控制字符 U+0001", "unacceptable character"),
])
def test_yaml_parser_messages_in_chinese(text: str, line: int, col: int, zh: str, en: str) -> None:
    _, slips = parse(text)
    assert [(s.code, s.line, s.col) for s in slips] == [("syntax", line, col)]
    assert slips[0].message.zh.startswith("YAML 格式错误：") and zh in slips[0].message.zh
    assert all(not ("a" <= ch <= "z") for ch in slips[0].message.zh.split("。")[0].replace("YAML", ""))
    assert en in slips[0].message.en  # libyaml's own words, in English


def test_yaml_parser_message_through_check(tmp_path: Path) -> None:
    root = write(tmp_path, {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml([]),
                            "records/x.yaml": "item: village/system/1\ntitle: 通知: 第二批\n"})
    r = invoke("check", str(root), "--as-of", "2024-02-10")
    assert r.exit_code == 1
    assert "records/x.yaml:2:10: error[syntax] YAML 格式错误：这里不能出现“键: 值”。值里如果有“: ”" in r.stdout
    r = invoke("check", str(root), "--as-of", "2024-02-10", "--lang", "en")
    assert "records/x.yaml:2:10: error[syntax] YAML syntax error (mapping values are not allowed in this context)" in r.stdout


# ---------------------------------------------------------------- issue 10.2: no single value stops the town


def town(tmp_path: Path, settings: str = "name: 花园口镇\n", **units: str) -> Path:
    """gongkai.yaml, a clean unit `a` (with a plan item overdue) and the given unit.yaml of `b`."""
    files: dict[str, str | bytes] = {"gongkai.yaml": settings}
    files.update({"a/unit.yaml": UNIT.replace("东庄村", "甲村"), "a/plans/2024.yaml": plan_yaml(["village/finance/4"]),
                  "a/inspections/2024.yaml": "date: 2024-06-01\n"})
    for name, unit_yaml in units.items():
        files.update({f"{name}/unit.yaml": unit_yaml, f"{name}/plans/2024.yaml": plan_yaml([]),
                      f"{name}/inspections/2024.yaml": "date: 2024-06-01\n"})
    return write(tmp_path, files)


def all_commands(root: Path, out: Path) -> dict[str, object]:
    results = {
        "check": invoke("check", str(root), "--as-of", "2024-07-15"),
        "overdue": invoke("overdue", str(root), "--as-of", "2024-07-15"),
        "render": invoke("render", str(root), "--out", str(out), "--as-of", "2024-07-15"),
    }
    for name, r in results.items():
        assert "内部错误" not in r.output and "internal error" not in r.output, (name, r.output)  # type: ignore[attr-defined]
        assert r.exception is None or isinstance(r.exception, SystemExit), (name, r.exception)  # type: ignore[attr-defined]
    assert results["check"].exit_code == 1  # type: ignore[attr-defined]
    overdue = results["overdue"]
    assert overdue.exit_code == 1 and "2024-Q1" in overdue.stdout  # type: ignore[attr-defined]  # the other unit
    assert results["render"].exit_code in (0, 1)  # type: ignore[attr-defined]
    return results


@pytest.mark.parametrize("plan, line, col, needle", [
    ("year: 20244\nitems: []\n", 1, 7, "“20244”超出范围：年份应在 1980–2099 之间"),
    ("year: 0\nitems: []\n", 1, 7, "“0”超出范围：年份应在 1980–2099 之间"),
    ("year: 2024\nadoption: {approved: 9999-12-31}\n", 2, 22, "年份 9999 超出范围"),
])
def test_out_of_range_year_is_a_schema_error_at_its_line(tmp_path: Path, plan: str, line: int, col: int,
                                                         needle: str) -> None:
    root = town(tmp_path, b=UNIT)
    (root / "b" / "plans" / "2024.yaml").write_text(plan, encoding="utf-8")
    results = all_commands(root, tmp_path / "out")
    check = results["check"].stdout  # type: ignore[attr-defined]
    assert f"b/plans/2024.yaml:{line}:{col}: error[" in check and needle in check


@pytest.mark.parametrize("where_, text, needle", [
    ("gongkai.yaml", "name: 花园口镇\nrules: {quarterly_days: 100000000}\n", "gongkai.yaml:2:25: error[schema] “100000000”超出范围：天数应在 0–366 之间"),
    ("b/unit.yaml", UNIT + "rules:\n  feedback_days: 12345678901234567890\n",
     "b/unit.yaml:13:18: error[schema] “12345678901234567890”超出范围：天数应在 0–366 之间"),
    ("b/unit.yaml", UNIT.replace("villagers: 1860", "villagers: " + "1" + "0" * 30),
     "b/unit.yaml:4:12: error[schema] “100000000000…”超出范围：人数应在 0–1000000 之间"),
    ("b/unit.yaml", UNIT.replace("since: 2024-01-01", "since: 20244-01-01"), "b/unit.yaml:6:8: error[date] 日期“20244-01-01”的年份"),
    ("b/unit.yaml", UNIT.replace("villagers: 1860", "villagers: " + "9" * 5000), "b/unit.yaml:4:12: error[schema]"),
])
def test_out_of_range_numbers_never_stop_the_town(tmp_path: Path, where_: str, text: str, needle: str) -> None:
    root = town(tmp_path, b=UNIT)
    (root / where_).write_text(text, encoding="utf-8")
    results = all_commands(root, tmp_path / "out")
    assert needle in results["check"].stdout  # type: ignore[attr-defined]


def test_as_of_out_of_range_is_refused_cleanly(tmp_path: Path) -> None:
    r = invoke("check", str(town(tmp_path)), "--as-of", "9999-12-31")
    assert r.exit_code == 2 and "超出范围" in r.stderr and "内部错误" not in r.stderr


def test_amount_out_of_range(tmp_path: Path) -> None:
    rec, found = load(tmp_path, FIN + "finance: {opening_balance: 10000000000000.00, closing_balance: 1.00}\n")
    assert where(found) == [("records/2024/f.yaml", 5, 28, "amount")]
    assert "超出范围" in found[0].message.zh and rec.finance.opening_balance is None


@pytest.mark.parametrize("line, key", [
    ('evidence: ["evidence/a\\0.jpg"]', "evidence"),
    ('supersedes: "records/a\\0b"', "supersedes"),
    ('title: "通知\\e[2J"', "title"),
])
def test_control_characters_in_record_values(tmp_path: Path, line: str, key: str) -> None:
    rec, found = load(tmp_path, "item: village/system/1\npublished: 2024-01-20\n" + line + "\n")
    col = line.index('"') + 1
    assert where(found) == [("records/2024/f.yaml", 3, col, "schema")]
    assert "控制字符 U+00" in found[0].message.zh and "remove it" in found[0].message.en
    assert getattr(rec, key) in (None, [])


def test_nul_in_about_and_templates(tmp_path: Path) -> None:
    fb, found = load(tmp_path, 'type: inquiry\nreceived: 2024-06-02\nabout: "records/q1\\0"\n',
                     __import__("gongkai.model").model.Feedback, "feedback/f.yaml")
    assert where(found) == [("feedback/f.yaml", 3, 8, "schema")] and "NUL" in found[0].message.zh
    settings, found = load(tmp_path, 'name: 花园口镇\ntemplates: "tpl\\0/x"\n', Settings, "gongkai.yaml")
    assert where(found) == [("gongkai.yaml", 2, 12, "schema")] and settings.templates is None


@pytest.mark.parametrize("old, new, line, col", [
    ("name: 东庄村", 'name: "东庄村\\n伪造"', 1, 7),
    ("town: 花园口镇", 'town: "花园口镇\\r\\nBcc: x@example.com"', 3, 7),
    ("{id: main, location: 党群服务中心门前}", '{id: main, location: "党群服务中心\\n门前"}', 8, 26),
    ("  clerk: 王芳", '  clerk: "王芳\\n"', 10, 10),
])
def test_line_breaks_in_one_line_values_are_schema_errors(tmp_path: Path, old: str, new: str, line: int,
                                                          col: int) -> None:
    assert old in UNIT
    root = town(tmp_path, b=UNIT.replace(old, new))
    results = all_commands(root, tmp_path / "out")
    check = results["check"].stdout  # type: ignore[attr-defined]
    assert f"b/unit.yaml:{line}:{col}: error[schema] 这里只能写一行，不能换行" in check


def test_line_break_in_the_town_name(tmp_path: Path) -> None:
    root = town(tmp_path, settings='name: "花园口镇\\nSubject: 伪造"\nrules: {due_soon_days: 999}\n', b=UNIT)
    results = all_commands(root, tmp_path / "out")
    check = results["check"].stdout  # type: ignore[attr-defined]
    assert "gongkai.yaml:1:7: error[schema] 这里只能写一行，不能换行" in check
    assert "gongkai.yaml:2:24: error[schema] “999”超出范围：天数应在 0–366 之间" in check
    assert "伪造" not in results["overdue"].stdout  # type: ignore[attr-defined]


def test_a_block_title_is_one_line(tmp_path: Path) -> None:
    rec, found = load(tmp_path, "item: village/system/1\npublished: 2024-01-20\ntitle: |\n  村规民约\ncontent: |\n  第一行\n  第二行\n")
    assert found == [] and rec.title == "村规民约" and rec.content == "第一行\n第二行\n"
    rec, found = load(tmp_path, "item: village/system/1\npublished: 2024-01-20\ntitle: |\n  村规\n  民约\n")
    assert where(found) == [("records/2024/f.yaml", 3, 8, "schema")] and rec.title is None


def test_out_of_range_checks_keep_valid_values(tmp_path: Path) -> None:
    unit, found = load(tmp_path, UNIT + "rules: {quarterly_days: 366, due_soon_days: 0}\n", Unit, "unit.yaml")
    assert found == [] and unit.rules.quarterly_days == 366 and unit.villagers == 1860
    assert parse_date("1980-01-01")[0] == dt.date(1980, 1, 1) and parse_date("2099-12-31")[0] == dt.date(2099, 12, 31)
    assert parse_date("1979-12-31")[0] is None and parse_period("2100-Q1")[0] is None


def test_example_town_is_unchanged_by_the_checks() -> None:
    root = Path(__file__).resolve().parent.parent / "examples" / "huayuankou"
    found = run(load_repository(root), dt.date(2024, 12, 31)).problems
    assert not [p for p in found if p.code in ("syntax", "schema", "amount", "date")]


def test_plan_dates_without_year_use_the_plan_year(tmp_path: Path) -> None:
    _, found = load(tmp_path, "year: 2025\nadoption:\n  drafted: 1月8日\n", __import__("gongkai.model").model.Plan,
                    "plans/2025.yaml")
    assert where(found) == [("plans/2025.yaml", 3, 12, "date")]
    assert "缺少年份" in found[0].message.zh and "2025-01-08" in found[0].message.zh


def test_period_of_the_wrong_shape_names_the_files_year(tmp_path: Path) -> None:
    _, found = load(tmp_path, "item: village/finance/1\nperiod: [2023-Q1]\npublished: 2023-04-08\n", shown="records/a.yaml")
    assert where(found) == [("records/a.yaml", 2, 9, "schema")]
    assert "2023-Q1 或 2023-05" in found[0].message.zh and "列表" in found[0].message.zh


def test_split_number_after_a_misspelt_key_reports_the_key(tmp_path: Path) -> None:
    _, found = load(tmp_path, FIN + "finance:\n  opening_balance: 1.00\n  income: [{name: 租金, amout: 45,000.00}]\n"
                    "  closing_balance: 1.00\n")
    assert where(found) == [("records/2024/f.yaml", 7, 23, "schema"), ("records/2024/f.yaml", 7, 12, "schema")]
    assert "是否应为“amount”" in found[0].message.zh and "缺少必填的键“amount”" in found[1].message.zh


def test_split_number_reports_the_split_not_what_its_head_alone_is(tmp_path: Path) -> None:
    _, found = load(tmp_path, "date: 2024-03-05\ntype: joint_request\ntitle: 联名\nitem: village/affairs/7\n"
                    "signatures: {villagers: -1,000}\n", __import__("gongkai.model").model.Event)
    assert where(found) == [("records/2024/f.yaml", 5, 25, "schema")]
    assert "“-1,000”被逗号拆开了" in found[0].message.zh and "负数" not in found[0].message.zh
