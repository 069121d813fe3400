"""Acceptance pass across the town-view commands (status, calendar, export, new): a unit whose obligations
cannot be computed is never shown as fine or as owing nothing, and names and titles shown by them are masked
and escaped as `check` and `overdue` show them."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers every command on the app
from gongkai.cli.app import app

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "huayuankou"
runner = CliRunner()
AS_OF = "2024-12-31"


@pytest.fixture
def town(tmp_path: Path) -> Path:
    root = tmp_path / "town"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    # nanhe: a kind typed wrong; xiwang: the 2024 plan does not parse
    (root / "nanhe" / "unit.yaml").write_text("name: 南河村\nkind: villag\n", encoding="utf-8")
    (root / "xiwang" / "plans" / "2024.yaml").write_text("year: 2024\nitems: [\n", encoding="utf-8")
    return root


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [*args])


def test_status_marks_units_whose_obligations_cannot_be_computed(town: Path) -> None:
    r = invoke("status", str(town), "--as-of", AS_OF)
    assert r.exit_code == 0
    out = r.stdout
    assert "公开义务无法计算（不等于没有逾期）：南河村、西王村" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line[:1].strip() and "）" in line.split()[0]}
    assert rows["南河村（nanhe）"][1] == "0+?" and rows["南河村（nanhe）"][-1] == "无法计算"
    assert rows["西王村（xiwang）"][1] == "6+?" and rows["西王村（xiwang）"][-1] == "无法计算"
    assert rows["合计（5个单位）"][-1] == "无法计算"  # never the 100.0% of what could be read
    assert "100.0%" not in out.splitlines()[1]
    assert "unit.yaml 的 kind 写得不对" in out and "2024 年度公开方案有错误，无法读取" in out

    data = json.loads(invoke("status", str(town), "--as-of", AS_OF, "-f", "json").stdout)
    units = {u["unit"]: u for u in data["units"]}
    assert units["nanhe"]["uncomputable"] == 1 and units["nanhe"]["on_time_rate"] is None
    assert units["xiwang"]["uncomputable"] == 1 and units["xiwang"]["on_time_rate"] is None
    assert units["dongzhuang"]["uncomputable"] == 0 and units["dongzhuang"]["on_time_rate"] == 1.0
    assert data["total"]["uncomputable"] == 2 and data["total"]["on_time_rate"] is None
    assert any("公开方案有错误" in r for r in units["xiwang"]["uncomputable_reasons"])

    rows_csv = list(csv.DictReader(io.StringIO(invoke("status", str(town), "--as-of", AS_OF, "-f", "csv").stdout.lstrip("\ufeff"))))
    by = {row["单位编号"]: row for row in rows_csv}
    assert by["nanhe"]["义务无法计算"] == "1" and by["nanhe"]["按时率"] == "无法计算"
    assert by["dongzhuang"]["义务无法计算"] == "0" and by["dongzhuang"]["按时率"] == "100.0%"

    page = invoke("status", str(town), "--as-of", AS_OF, "-f", "html").stdout
    assert "无法计算" in page and "南河村" in page


def test_calendar_never_shows_no_deadlines_for_a_broken_unit(town: Path) -> None:
    r = invoke("calendar", str(town), "--year", "2024", "--as-of", AS_OF, "--unit", "nanhe")
    assert r.exit_code == 0
    assert "南河村（nanhe）：0 个期限，另有期限无法计算" in r.stdout
    assert "！无法计算：nanhe/unit.yaml：unit.yaml 的 kind 写得不对" in r.stdout
    md = invoke("calendar", str(town), "--year", "2024", "--as-of", AS_OF, "--unit", "xiwang", "-f", "md").stdout
    assert "**无法计算：xiwang/plans/2024.yaml：2024 年度公开方案有错误" in md
    ics = invoke("calendar", str(town), "--year", "2024", "--as-of", AS_OF, "-f", "ics").stdout
    assert "SUMMARY:【无法计算】南河村" in ics and "SUMMARY:【无法计算】西王村" in ics
    assert ics == invoke("calendar", str(town), "--year", "2024", "--as-of", AS_OF, "-f", "ics").stdout  # stable UIDs


def test_export_database_lists_what_cannot_be_computed(town: Path, tmp_path: Path) -> None:
    out = tmp_path / "town.sqlite"
    assert invoke("export", str(town), "--as-of", AS_OF, "--out", str(out)).exit_code == 0
    con = sqlite3.connect(out)
    rows = con.execute("SELECT unit, kind, period, due, status, path FROM obligations WHERE status = 'unknown' "
                       "ORDER BY unit").fetchall()
    assert rows == [("nanhe", "unit", "", None, "unknown", "nanhe/unit.yaml"),
                    ("xiwang", "plan", "2024", None, "unknown", "xiwang/plans/2024.yaml")]


def test_new_checklist_says_the_plan_cannot_be_read(town: Path) -> None:
    r = invoke("new", str(town), "--unit", "xiwang", "--as-of", AS_OF)
    assert r.exit_code == 0
    assert "[?] 无法计算：xiwang/plans/2024.yaml：2024 年度公开方案有错误" in r.stdout
    r = invoke("new", str(town), "--unit", "nanhe", "--as-of", AS_OF)
    assert r.exit_code == 2 and "nanhe/unit.yaml 有错误" in r.output


def test_town_views_mask_and_escape_names_and_titles(tmp_path: Path) -> None:
    root = tmp_path / "town"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "xiwang").rename(root / "xi\x1b[31mwang")
    unit = root / "dongzhuang" / "unit.yaml"
    unit.write_text(unit.read_text(encoding="utf-8").replace("name: 东庄村", "name: 东庄村13812345678"), encoding="utf-8")
    event = root / "xi\x1b[31mwang" / "events" / "2024-01-26-assembly.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text("\n".join("title: 会议 联系人13900001111 身份证110105194912310021" if line.startswith("title:")
                               else line for line in text.splitlines()) + "\n", encoding="utf-8")
    outputs = {
        "status": invoke("status", str(root), "--as-of", AS_OF).stdout,
        "status csv": invoke("status", str(root), "--as-of", AS_OF, "-f", "csv").stdout,
        "status html": invoke("status", str(root), "--as-of", AS_OF, "-f", "html").stdout,
        "status json": invoke("status", str(root), "--as-of", AS_OF, "-f", "json").stdout,
        "calendar": invoke("calendar", str(root), "--year", "2024", "--as-of", AS_OF).stdout,
        "calendar md": invoke("calendar", str(root), "--year", "2024", "--as-of", AS_OF, "-f", "md").stdout,
        "calendar ics": invoke("calendar", str(root), "--year", "2024", "--as-of", AS_OF, "-f", "ics").stdout,
        "register": invoke("export", "register", str(root), "--as-of", AS_OF).stdout,
        "new": invoke("new", str(root), "--unit", "dongzhuang", "--as-of", AS_OF).stdout,
    }
    for name, out in outputs.items():
        assert "13812345678" not in out and "13900001111" not in out and "110105194912310021" not in out, name
        assert "\x1b" not in out, name
    assert "东庄村138****5678" in outputs["status"] and "xi\\x1b[31mwang" in outputs["status"]
    assert "139****1111" in outputs["calendar"] and "xi\\x1b[31mwang/events" in outputs["calendar"]
    # the heatmap's tooltips keep their own line breaks (escaping is for the values in them)
    assert "\\n" not in outputs["status html"] and "<title>西王村 2024-01\n2024-01-20 " in outputs["status html"]
    assert "东庄村138****5678" in outputs["register"]
    db = tmp_path / "town.sqlite"
    assert invoke("export", str(root), "--as-of", AS_OF, "--out", str(db)).exit_code == 0
    con = sqlite3.connect(db)
    for table in ("units", "obligations", "records", "problems"):
        for row in con.execute(f"SELECT * FROM {table}"):  # noqa: S608 - fixed table names
            text = "|".join(str(v) for v in row)
            assert "13812345678" not in text and "13900001111" not in text and "110105194912310021" not in text, table
    assert con.execute("SELECT name FROM units WHERE unit = 'dongzhuang'").fetchone() == ("东庄村138****5678",)


def test_render_names_a_record_whose_date_cannot_be_read(tmp_path: Path) -> None:
    """A record whose `published` has no year is on no sheet: render says so on stderr and exits 1, with or
    without --force (there is no quarter to print it in)."""
    root = tmp_path / "town"
    shutil.copytree(EXAMPLE / "dongzhuang", root)
    (root / "gongkai.yaml").write_text("name: 花园口镇\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "records" / "2024" / "q4").mkdir()
    (root / "records" / "2024" / "q4" / "affairs-15.yaml").write_text(
        "item: village/affairs/15\nperiod: 2024-Q4\npublished: 1月8日\ncontent: 低保名单\n", encoding="utf-8")
    for extra in ([], ["--force"]):
        r = invoke("render", str(root), "--out", str(tmp_path / "site"), "--as-of", "2025-01-31", *extra)
        assert r.exit_code == 1, r.output
        assert ("records/2024/q4/affairs-15.yaml:3: date 日期“1月8日”缺少年份：请写上是哪一年，如 2024-01-08"
                in r.stderr)
        assert ("；未印出：没有可读的公开日期，不属于任何一期公开栏（--force 也不能印出）：写上公开日期（如 2024-07-05）"
                "后重新生成") in r.stderr
        assert "或用 gongkai render --force" not in r.stderr


def test_new_and_import_print_a_unit_folder_with_control_characters_escaped(tmp_path: Path) -> None:
    """The written path is echoed; on a terminal an ESC in the unit's folder name would run (click strips it only
    when the output is not a terminal, hence color=True here)."""
    root = tmp_path / "town"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    folder = "xi\x1b[31mwang"
    (root / "xiwang").rename(root / folder)
    r = runner.invoke(app, ["new", "record", str(root), "--unit", folder, "--item", "village/finance/1",
                            "--period", "2024-Q4", "--as-of", AS_OF], color=True)
    assert r.exit_code == 0, r.output
    assert r.stdout.endswith("/town/xi\\x1b[31mwang/records/2024/q4/finance-1.yaml\n") and "\x1b" not in r.stdout
    assert (root / folder / "records" / "2024" / "q4" / "finance-1.yaml").is_file()
    sheet = tmp_path / "q4.csv"
    sheet.write_text("摘要,收入,支出\n租金,1000.00,\n", encoding="utf-8")
    r = runner.invoke(app, ["import", "finance", str(sheet), str(root), "--unit", folder, "--item", "village/finance/2",
                            "--period", "2024-Q4", "--opening", "0", "--as-of", AS_OF], color=True)
    assert r.exit_code == 0, r.output
    assert r.stdout.endswith("/town/xi\\x1b[31mwang/records/2024/q4/finance-2.yaml\n") and "\x1b" not in r.stdout


def test_new_and_import_name_a_previous_statement_whose_closing_balance_cannot_be_read(tmp_path: Path) -> None:
    """The previous month's statement is there but its closing balance is `48万`: not "no previous statement"."""
    root = tmp_path / "town"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    prev = root / "dongzhuang" / "records" / "2024" / "11" / "finance-1.yaml"
    prev.write_text(prev.read_text(encoding="utf-8").replace("closing_balance: 484724.04", "closing_balance: 48万"),
                    encoding="utf-8")
    r = invoke("new", "record", str(root), "--unit", "dongzhuang", "--item", "village/finance/1", "--period", "2024-12",
               "--as-of", "2025-01-02")
    assert r.exit_code == 0, r.output
    text = (root / "dongzhuang" / "records" / "2024" / "12" / "finance-1.yaml").read_text(encoding="utf-8")
    assert ("# 上期（2024-11，records/2024/11/finance-1）的期末余额读不出来（运行 gongkai check 查看）："
            "改正它，再把期初余额写成它的期末余额") in text
    assert "没有找到上一期" not in text
    (root / "dongzhuang" / "records" / "2024" / "12" / "finance-1.yaml").unlink()
    sheet = tmp_path / "12.csv"
    sheet.write_text("摘要,收入,支出\n租金,1000.00,\n", encoding="utf-8")
    r = invoke("import", "finance", str(sheet), str(root), "--unit", "dongzhuang", "--item", "village/finance/1",
               "--period", "2024-12", "--as-of", "2025-01-02")
    assert r.exit_code == 2
    assert ("12.csv: 上期（2024-11，records/2024/11/finance-1）的期末余额读不出来（运行 gongkai check 查看）："
            "改正它再导入，或用 --opening 写明期初余额") in r.output
    assert not (root / "dongzhuang" / "records" / "2024" / "12" / "finance-1.yaml").exists()


def test_new_writes_a_title_typed_with_a_colon_as_yaml_that_reads_back(tmp_path: Path) -> None:
    """`--title "村民代表会议: 审议报告"` was written as `title: 村民代表会议: 审议报告`, a YAML syntax error that
    hid the whole event (and the record drafted from it) from check."""
    root = tmp_path / "town"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    r = invoke("new", "event", str(root), "--unit", "dongzhuang", "--item", "village/affairs/7",
               "--title", "村民代表会议: 审议报告 #1", "--name", "rep", "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    event = root / "dongzhuang" / "events" / "2024-12-31-rep.yaml"
    assert 'title: "村民代表会议: 审议报告 #1"\n' in event.read_text(encoding="utf-8")
    r = invoke("new", "record", str(root), "--unit", "dongzhuang", "--item", "village/affairs/7",
               "--event", "2024-12-31-rep", "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    record = root / "dongzhuang" / "records" / "2024" / "immediate" / "2024-12-31-rep.yaml"
    assert 'title: "村民代表会议: 审议报告 #1"\n' in record.read_text(encoding="utf-8")
    r = invoke("new", "project", str(root), "--unit", "dongzhuang", "--item", "village/affairs/11",
               "--title", "[一期] 村道硬化", "--name", "lane", "--as-of", AS_OF)
    assert r.exit_code == 0, r.output
    assert 'title: "[一期] 村道硬化"\n' in (root / "dongzhuang" / "projects" / "2024-lane.yaml").read_text(encoding="utf-8")
    r = invoke("check", str(root), "--as-of", AS_OF, "--no-cache")
    lines = [line for line in r.stdout.splitlines() if "2024-12-31-rep" in line or "2024-lane" in line]
    assert not [line for line in lines if "error[" in line], lines
    # a line break typed into --title stays in the value (quoted) and is a schema error at its line, not a syntax error
    r = invoke("new", "event", str(root), "--unit", "dongzhuang", "--item", "village/affairs/7",
               "--title", "会议\n#伪造", "--name", "nl", "--as-of", AS_OF)
    assert r.exit_code == 0
    text = (root / "dongzhuang" / "events" / "2024-12-31-nl.yaml").read_text(encoding="utf-8")
    assert 'title: "会议\\n#伪造"\n' in text
    r = invoke("check", str(root), "--as-of", AS_OF, "--no-cache")
    assert "dongzhuang/events/2024-12-31-nl.yaml:5:8: error[schema] 这里只能写一行" in r.stdout


def test_a_plan_whose_year_disagrees_with_its_file_name_is_not_read_as_no_plan(tmp_path: Path) -> None:
    """plans/2024.yaml saying `year: 2025`: the 2024 obligations are unknown (the plan is there, with a typo),
    never "the 2024 plan is 275 days overdue" with every 2024 item deadline silently gone."""
    root = tmp_path / "town"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    plan = root / "xiwang" / "plans" / "2024.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("year: 2024", "year: 2025", 1), encoding="utf-8")
    r = invoke("check", str(root), "--as-of", AS_OF, "--no-cache")
    assert r.exit_code == 1
    mine = [line for line in r.stdout.splitlines() if line.startswith("xiwang/") and "info[" not in line]
    assert mine == ["xiwang/plans/2024.yaml:3:7: error[schema] 文件名是 2024.yaml，但 year 写的是 2025：两者应一致"
                    "（依据：gongkai 文件格式（见 README「仓库格式」））"]
    assert r.stdout.rstrip().endswith("1 个单位无法计算公开义务：xiwang（西王村）plans/2024.yaml 有错误")
    r = invoke("overdue", str(root), "--as-of", AS_OF, "-f", "json")
    assert r.exit_code == 1
    items = [i for i in json.loads(r.stdout)["items"] if i["unit"] == "xiwang"]
    assert [(i["kind"], i["period"], i["status"], i["path"]) for i in items] == [
        ("plan", "2024", "unknown", "xiwang/plans/2024.yaml")]
    data = json.loads(invoke("status", str(root), "--as-of", AS_OF, "-f", "json").stdout)
    xiwang = next(u for u in data["units"] if u["unit"] == "xiwang")
    assert xiwang["uncomputable"] == 1 and xiwang["on_time_rate"] is None and xiwang["overdue"] == 0
