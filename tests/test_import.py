"""`gongkai import table|finance`: spreadsheets in, exact amounts, refusals naming the cell, records `check` accepts."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from conftest import UNIT, plan_yaml, write
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers the commands
from gongkai import importer
from gongkai.cli.app import app

runner = CliRunner()
Q1 = """\
item: village/finance/1
period: 2024-Q1
published: 2024-04-08
reviewed: {by: 赵六, date: 2024-04-07}
finance:
  opening_balance: 444111.92
  income: [{name: 利息, amount: 10.00}]
  closing_balance: 444121.92
"""
GOOD_CSV = "摘要,收入,支出,备注\n集体资产租赁收入（门面房租金）,9000.00,,三间\n利息收入,0.10,\n利息收入,0.20,\n" \
           "村干部误工补贴,,\"16,800.00\"\n保洁员工资,,6400\n合计,9000.30,23200.00\n"


def village(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    (tmp_path / ".git").mkdir(parents=True, exist_ok=True)
    files: dict[str, str | bytes] = {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml(["village/finance/1", "village/affairs/15"]),
                                     "inspections/2024.yaml": "date: 2024-06-01\n"}
    files.update(extra or {})
    return write(tmp_path, files)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def problems_of(root: Path, rel: str, as_of: str = "2024-07-08") -> list[tuple[str, str]]:
    r = invoke("check", str(root), "--as-of", as_of, "--format", "json", "--no-cache")
    return [(p["code"], p["severity"]) for p in json.loads(r.stdout)["problems"] if p["path"] == rel]


def test_finance_csv_round_trip(tmp_path: Path) -> None:
    root = village(tmp_path, {"records/2024/q1/finance-1.yaml": Q1})
    sheet = tmp_path / "二季度收支.csv"
    sheet.write_text(GOOD_CSV, encoding="utf-8-sig")  # Excel's "CSV UTF-8" has a BOM
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2",
               "--as-of", "2024-07-08")
    assert r.exit_code == 0, r.output
    path = root / "records/2024/q2/finance-1.yaml"
    assert r.stdout == path.as_posix() + "\n"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../.gongkai/schemas/record.schema.json\n")
    assert "  opening_balance: 444121.92   # = 上期（2024-Q1，records/2024/q1/finance-1）期末余额\n" in text
    assert "    - {name: 集体资产租赁收入（门面房租金）, amount: 9000.00, note: 三间}\n" in text
    assert "    - {name: 利息收入, amount: 0.10}\n    - {name: 利息收入, amount: 0.20}\n" in text
    assert "    - {name: 村干部误工补贴, amount: 16800.00}\n" in text
    assert "  closing_balance: 429922.22\n" in text  # 444121.92 + 9000.30 − 23200.00, exactly
    codes = problems_of(root, "records/2024/q2/finance-1.yaml")
    assert ("balance", "error") not in codes and ("continuity", "error") not in codes
    assert codes == [("review", "warning")]  # the committee still has to review it
    again = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2")
    assert again.exit_code == 2 and "不会覆盖" in again.stderr


def test_gbk_csv_with_amount_and_type_columns(tmp_path: Path) -> None:
    root = village(tmp_path)
    sheet = tmp_path / "收支.csv"
    sheet.write_bytes("项目,收支类型,金额（元）\n期初余额,,100.00\n租金,收入,50.00\n水电费,支出,20.5\n期末余额,,129.50\n"
                      .encode("gbk"))
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2",
               "--as-of", "2024-07-08")
    assert r.exit_code == 0, r.output
    text = (root / "records/2024/q2/finance-1.yaml").read_text(encoding="utf-8")
    assert "  opening_balance: 100.00\n" in text and "  closing_balance: 129.50\n" in text
    assert "  expense:\n    - {name: 水电费, amount: 20.50}\n" in text


@pytest.mark.parametrize("csv_text, where, words", [
    ("摘要,收入,支出\n租金,9000.00,\n合计,9000.01,\n", "B3", "合计 9000.01 与上面各行之和 9000.00 不一致"),
    ("摘要,收入,支出\n期初余额,100,\n租金,50,\n期末余额,,151.00\n", "C4", "收支不平"),
    ("摘要,收入,支出\n期初余额,100,\n租金,五十,\n", "B3", "无法读取金额“五十”"),
    ("摘要,收入,支出\n期初余额,100,\n租金,50.005,\n", "B3", "超过两位小数"),
    ("摘要,收入,支出\n期初余额,100,\n租金,-50,\n", "B3", "是负数"),
    ("摘要,收入,支出\n期初余额,100,\n,50,\n", "A3", "没有名目"),
    ("摘要,收入,支出\n期初余额,100,\n租金,,\n", "B3", "没有金额"),
    ("项目,金额\n期初余额,100\n租金,50\n", "B3", "收支类型"),
    ("项目,类型,金额\n期初余额,,100\n租金,转账,50\n", "B3", "收支类型“转账”看不懂"),
])
def test_bad_sheets_are_refused_with_the_cell(tmp_path: Path, csv_text: str, where: str, words: str) -> None:
    root = village(tmp_path)
    sheet = tmp_path / "s.csv"
    sheet.write_text(csv_text, encoding="utf-8")
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2")
    assert r.exit_code == 2, r.output
    assert f"s.csv:{where}: " in r.stderr and words in r.stderr, r.stderr
    assert not (root / "records").exists()  # nothing written


def test_opening_must_agree_with_the_previous_record(tmp_path: Path) -> None:
    root = village(tmp_path, {"records/2024/q1/finance-1.yaml": Q1})
    sheet = tmp_path / "s.csv"
    sheet.write_text("摘要,收入,支出\n期初余额,444111.92,\n租金,50,\n", encoding="utf-8")
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2")
    assert r.exit_code == 2 and "s.csv:B2: 表里的期初余额 444111.92 与上期（2024-Q1，records/2024/q1/finance-1）的期末余额 " \
                                "444121.92 不一致" in r.stderr


def test_no_opening_anywhere_needs_the_option(tmp_path: Path) -> None:
    root = village(tmp_path)
    sheet = tmp_path / "s.csv"
    sheet.write_text("名称,收入,支出\n租金,50,\n", encoding="utf-8")
    args = ("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2")
    r = invoke(*args)
    assert r.exit_code == 2 and "--opening" in r.stderr
    r = invoke(*args, "--opening", "10.00", "--as-of", "2024-07-08")
    assert r.exit_code == 0, r.output
    assert "  closing_balance: 60.00\n" in (root / "records/2024/q2/finance-1.yaml").read_text(encoding="utf-8")


def test_explicit_map_by_header_and_letter(tmp_path: Path) -> None:
    root = village(tmp_path)
    sheet = tmp_path / "s.csv"
    sheet.write_text("日期,用途,进账,出账\n2024-04-02,期初余额,100,\n2024-04-03,租金,50,\n2024-05-01,电费,,30\n",
                     encoding="utf-8")
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2")
    assert r.exit_code == 2 and "--map" in r.stderr and "用途" in r.stderr
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2",
               "--map", "name=用途,income=C,expense=出账", "--as-of", "2024-07-08")
    assert r.exit_code == 0, r.output
    text = (root / "records/2024/q2/finance-1.yaml").read_text(encoding="utf-8")
    assert "{name: 电费, amount: 30.00}" in text and "  closing_balance: 120.00\n" in text
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--map", "price=C")
    assert r.exit_code == 2 and "--map" in r.stderr


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_xlsx_numbers_without_float_error(tmp_path: Path) -> None:
    root = village(tmp_path, {"records/2024/q1/finance-1.yaml": Q1})
    sheet = xlsx(tmp_path / "收支.xlsx", [["2024年第二季度收支明细"], ["摘要", "收入", "支出"],
                                         ["利息", 0.1 + 0.2, None], ["租金", 9000, None], ["电费", None, 1214.5],
                                         ["合计", 9000.3, 1214.5]])
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2",
               "--as-of", "2024-07-08")
    assert r.exit_code == 0, r.output
    text = (root / "records/2024/q2/finance-1.yaml").read_text(encoding="utf-8")
    assert "{name: 利息, amount: 0.30}" in text and "{name: 电费, amount: 1214.50}" in text
    assert "  closing_balance: 451907.72\n" in text
    assert problems_of(root, "records/2024/q2/finance-1.yaml") == [("review", "warning")]


def test_xlsx_real_third_decimal_is_refused(tmp_path: Path) -> None:
    root = village(tmp_path)
    sheet = xlsx(tmp_path / "s.xlsx", [["摘要", "收入", "支出"], ["期初余额", 1, None], ["利息", 1.005, None]])
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2")
    assert r.exit_code == 2 and "s.xlsx:B3: 金额 1.005 超过两位小数" in r.stderr


def test_cell_values() -> None:
    assert importer.xlsx_cell("A1", 0.1 + 0.2) == importer.Cell("A1", "0.3", Decimal("0.30"), False)
    assert importer.xlsx_cell("A1", 3.0).text == "3"
    assert importer.column_letter(27) == "AB" and importer.column_index("AB") == 27


def test_table_import_round_trip(tmp_path: Path) -> None:
    root = village(tmp_path)
    sheet = xlsx(tmp_path / "低保.xlsx", [["2024年第二季度低保对象名单"], ["户主姓名", "家庭人口", "保障金额（元/月）", "备注"],
                                        ["张三", 3, 900, None], ["李四: 五组", 1, 450.5, "新增"]])
    r = invoke("import", "table", str(sheet), str(root), "--item", "village/affairs/15", "--period", "2024-Q2",
               "--as-of", "2024-07-08")
    assert r.exit_code == 0, r.output
    text = (root / "records/2024/q2/affairs-15.yaml").read_text(encoding="utf-8")
    assert "  - title: 2024年第二季度低保对象名单\n" in text
    assert "    columns: [户主姓名, 家庭人口, 保障金额（元/月）, 备注]\n" in text
    assert '      - [张三, 3, 900, ""]\n      - ["李四: 五组", 1, 450.5, 新增]\n' in text
    assert problems_of(root, "records/2024/q2/affairs-15.yaml") == []


def test_table_csv_gbk_and_cell_outside_the_header(tmp_path: Path) -> None:
    root = village(tmp_path)
    sheet = tmp_path / "名单.csv"
    sheet.write_bytes("姓名,人口\n王五,2,多出来\n".encode("gbk"))
    r = invoke("import", "table", str(sheet), str(root), "--item", "village/affairs/15", "--period", "2024-Q2")
    assert r.exit_code == 2 and "名单.csv:C2: “多出来”在表头之外的列里" in r.stderr


def test_unreadable_files(tmp_path: Path) -> None:
    root = village(tmp_path)
    old = tmp_path / "a.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    r = invoke("import", "table", str(old), str(root), "--item", "village/affairs/15")
    assert r.exit_code == 2 and "另存为” .xlsx 或 CSV" in r.stderr
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(b"not a zip")
    r = invoke("import", "table", str(broken), str(root), "--item", "village/affairs/15")
    assert r.exit_code == 2 and "无法打开 b.xlsx" in r.stderr


def test_missing_xlsx_extra_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if the [xlsx] extra were not installed
    sheet = tmp_path / "s.xlsx"
    sheet.write_bytes(b"PK")
    with pytest.raises(importer.Refused) as e:
        importer.read(sheet)
    assert "pip install 'gongkai[xlsx]'" in e.value.message.zh


def test_import_subcommands_documented() -> None:
    import typer

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app).commands["import"]  # type: ignore[attr-defined]
    for name, cmd in group.commands.items():
        assert cmd.help and f"gongkai import {name}" in readme
        for param in cmd.params:
            if param.param_type_name == "option":
                assert param.help and any(o in readme for o in param.opts if o.startswith("--")), (name, param.opts)


def test_next_period_must_still_follow(tmp_path: Path) -> None:
    q3 = Q1.replace("2024-Q1", "2024-Q3").replace("444111.92", "500.00").replace("444121.92", "510.00")
    root = village(tmp_path, {"records/2024/q3/finance-1.yaml": q3})
    sheet = tmp_path / "s.csv"
    sheet.write_text("摘要,收入,支出\n期初余额,100,\n租金,50,\n", encoding="utf-8")
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2")
    assert r.exit_code == 2
    assert "s.csv: 导入后期末余额为 150.00，但下一期（2024-Q3，records/2024/q3/finance-1）的期初余额写的是 500.00" in r.stderr


def test_monthly_unit_refuses_a_quarter(tmp_path: Path) -> None:
    root = village(tmp_path, {"unit.yaml": UNIT + "finance_monthly: true\n"})
    sheet = tmp_path / "s.csv"
    sheet.write_text("摘要,收入,支出\n期初余额,100,\n租金,50,\n", encoding="utf-8")
    r = invoke("import", "finance", str(sheet), str(root), "--item", "village/finance/1", "--period", "2024-Q2")
    assert r.exit_code == 2 and "--period 写成 2024-06 这样的月份" in r.stderr


TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_written_cells_read_back_as_the_same_text(text: str) -> None:
    """Whatever a sheet holds, the loader reads back exactly that text from what import writes."""
    from gongkai.load.nodes import Mapping, Scalar, Sequence, parse

    text = text.strip()
    assume(text)
    for written in (importer.yaml_text(text), importer.yaml_cell(text)):
        root, slips = parse(f"v: [{written}, {{name: {written}}}]\n")
        assert not slips, (text, written, slips)
        assert isinstance(root, Mapping)
        seq = root.items[0][1]
        assert isinstance(seq, Sequence)
        first, second = seq.items
        assert isinstance(first, Scalar) and first.value == text and not first.is_null
        assert isinstance(second, Mapping) and isinstance(second.items[0][1], Scalar)
        assert second.items[0][1].value == text
