"""README's samples and defaults for check, overdue, status, calendar, export, new and import, against what the
commands print for the example town (a wrong figure in README tells the clerk something wrong)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import typer
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers every command on the app
from gongkai.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "huayuankou"
README = (ROOT / "README.md").read_text(encoding="utf-8")
cli = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return cli.invoke(app, list(args))


def section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def test_calendar_summary_sample_is_what_the_ics_says() -> None:
    text = section("## 公开期限日历")
    (sample,) = re.findall(r"The summary is `([^`]+)`", text)
    r = invoke("calendar", str(EXAMPLE), "--year", "2025", "--unit", "东庄村", "-f", "ics", "--as-of", "2024-12-31")
    assert r.exit_code == 0, r.output
    unfolded = r.stdout_bytes.decode("utf-8").replace("\r\n ", "")
    assert f"SUMMARY:{sample}\r\n" in unfolded
    assert "来源文件：dongzhuang/plans/2024.yaml:37" in unfolded and "`来源文件：dongzhuang/plans/2024.yaml:37`" in text


def test_export_year_defaults_to_every_year(tmp_path: Path) -> None:
    """`--year` of export keeps every year when not given (its --help once said "the --as-of year")."""
    export = typer.main.get_command(app).commands["export"]  # type: ignore[attr-defined]
    (year,) = [o for o in export.params if "--year" in getattr(o, "opts", [])]
    assert "不写：全部年份" in year.help and "默认：--as-of 那一年" not in year.help
    assert "；不写：全部年份 / only this year (default: every year) |" in section("## 导出")
    repo = tmp_path / "town"
    shutil.copytree(EXAMPLE / "xiwang", repo)
    old = repo / "records" / "2023" / "q4"
    old.mkdir(parents=True)
    (old / "affairs-15.yaml").write_text("item: village/affairs/15\nperiod: 2023-Q4\npublished: 2024-01-08\n",
                                         encoding="utf-8")
    r = invoke("export", "register", str(repo), "-f", "json", "--as-of", "2024-12-31")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["year"] is None and {x["period"][:4] for x in data["records"]} >= {"2023", "2024"}
    only = json.loads(invoke("export", "register", str(repo), "-f", "json", "--as-of", "2024-12-31", "--year", "2023").stdout)
    assert [x["record"] for x in only["records"]] == ["records/2023/q4/affairs-15"]


def test_new_record_names_a_during_record_as_readme_says(tmp_path: Path) -> None:
    assert "`records/2024/projects/<project>-during-q2.yaml`" in section("## 起草和导入")
    town = tmp_path / "huayuankou"
    shutil.copytree(EXAMPLE, town)
    during = town / "dongzhuang" / "records" / "2024" / "projects" / "2024-road-during-q2.yaml"
    during.unlink()
    r = invoke("new", "record", str(town), "--unit", "dongzhuang", "--item", "village/affairs/11", "--project",
               "2024-road", "--phase", "during", "--period", "2024-Q2", "--as-of", "2024-07-05")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().endswith("dongzhuang/records/2024/projects/2024-road-during-q2.yaml") and during.is_file()


def test_import_period_is_optional_as_readme_says(tmp_path: Path) -> None:
    assert "--item ID [--period P] [--unit ID]` (`--period`, as for `new record`, defaults" in section("## 起草和导入")
    town = tmp_path / "huayuankou"
    shutil.copytree(EXAMPLE, town)
    sheet = tmp_path / "收支.csv"
    sheet.write_text("摘要,收入,支出\n上级转移支付,5000.00,\n误工补贴,,1200.00\n", encoding="utf-8")
    r = invoke("import", "finance", str(sheet), str(town), "--unit", "dongzhuang", "--item", "village/finance/1",
               "--as-of", "2025-01-05")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().endswith("/dongzhuang/records/2024/12/finance-1.yaml")  # the month that has just ended
    check = invoke("check", str(town), "--as-of", "2025-01-05", "--no-cache")
    assert "records/2024/12/finance-1.yaml" in check.stdout
    assert not re.search(r"records/2024/12/finance-1\.yaml\S* error\[(balance|continuity)\]", check.stdout)


def test_check_and_overdue_figures_of_the_example() -> None:
    """README's getting-started: the example's findings and exit 1; overdue lists what check calls overdue or
    due-soon, exactly."""
    r = invoke("check", str(EXAMPLE), "--as-of", "2024-12-31", "--format", "json", "--no-cache")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert list(data) == ["as_of", "problems", "summary"] and data["summary"] == {"error": 5, "warning": 3, "info": 28}
    assert list(data["problems"][0]) == ["path", "line", "column", "severity", "code", "unit", "message", "basis"]
    flagged = sum(p["code"] in ("overdue", "plan-missing", "due-soon") for p in data["problems"])
    od = invoke("overdue", str(EXAMPLE), "--as-of", "2024-12-31", "-f", "json")
    assert od.exit_code == 1
    items = json.loads(od.stdout)["items"]
    assert len(items) == flagged == 28
    sample = re.search(r'```json\n(\{"as_of".*?)```', section("## 逾期提醒"), re.S)
    assert sample
    assert list(json.loads(sample.group(1))["items"][0]) == list(items[0])  # the documented keys, in order
