"""`gongkai new`: pre-filled files that `check` accepts, never overwriting, and the quarter's checklist."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import UNIT, plan_yaml, write
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers the commands
from gongkai.cli.app import app

runner = CliRunner()
BUSY = UNIT + "finance_monthly: false\n"
Q1 = """\
item: village/finance/1
period: 2024-Q1
published: 2024-04-08
reviewed: {by: 赵六, date: 2024-04-07}
finance:
  opening_balance: 1000.00
  income: [{name: 利息, amount: 10.50}]
  closing_balance: 1010.50
"""


def village(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    (tmp_path / ".git").mkdir(parents=True, exist_ok=True)
    files: dict[str, str | bytes] = {
        "unit.yaml": BUSY,
        "plans/2024.yaml": plan_yaml(["village/finance/1", "village/affairs/5", "village/system/1", "village/affairs/7"]),
        "inspections/2024.yaml": "date: 2024-06-01\n",
        "events/2024-07-01-meeting.yaml": "date: 2024-07-01\ntype: meeting\ntitle: 村民代表会议审议工作报告\n"
                                          "item: village/affairs/7\n",
    }
    files.update(extra or {})
    return write(tmp_path, files)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def check_json(root: Path, as_of: str) -> list[dict]:
    r = invoke("check", str(root), "--as-of", as_of, "--format", "json", "--no-cache")
    return json.loads(r.stdout)["problems"]


def test_finance_record_prefilled_with_due_date_title_and_opening_balance(tmp_path: Path) -> None:
    root = village(tmp_path, {"records/2024/q1/finance-1.yaml": Q1})
    r = invoke("new", "record", str(root), "--item", "village/finance/1", "--as-of", "2024-07-03")
    assert r.exit_code == 0, r.output
    path = root / "records" / "2024" / "q2" / "finance-1.yaml"  # the quarter that just ended, named as the examples
    assert r.stdout == path.as_posix() + "\n"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../../.gongkai/schemas/record.schema.json"
    assert (root / ".gongkai" / "schemas" / "record.schema.json").is_file()
    assert lines[1] == "# 2024年第二季度村级财务收支情况（village/finance/1 村级财务收支情况）"
    assert lines[2].startswith("# 应于 2024-07-10 前公开（实施方案 二（三）4")
    assert "period: 2024-Q2\n" in text and "title: 2024年第二季度村级财务收支情况\n" in text
    assert "  opening_balance: 1010.50\n" in text and "  closing_balance: 1010.50" in text
    assert "# 期初余额 = 上期（2024-Q1，records/2024/q1/finance-1）期末余额" in text
    # new then check: nothing wrong with the file apart from what is still to be written (the committee's review)
    found = [(p["code"], p["severity"]) for p in check_json(root, "2024-07-03")
             if p["path"] == "records/2024/q2/finance-1.yaml"]
    assert found == [("review", "warning")]


def test_never_overwrites(tmp_path: Path) -> None:
    root = village(tmp_path)
    args = ("new", "record", str(root), "--item", "village/affairs/5", "--period", "2024-Q2", "--as-of", "2024-07-03")
    assert invoke(*args).exit_code == 0
    path = root / "records" / "2024" / "q2" / "affairs-5.yaml"
    path.write_text("item: village/affairs/5\n# 我写的\n", encoding="utf-8")
    r = invoke(*args)
    assert r.exit_code == 2
    assert "已经存在：不会覆盖" in r.stderr and "records/2024/q2/affairs-5.yaml" in r.stderr
    assert path.read_text(encoding="utf-8") == "item: village/affairs/5\n# 我写的\n"


def test_none_record_meets_the_obligation(tmp_path: Path) -> None:
    root = village(tmp_path)
    before = invoke("overdue", str(root), "--as-of", "2024-07-12", "--format", "json")
    owed = {(i["item"], i["period"]) for i in json.loads(before.stdout)["items"]}
    assert ("village/affairs/5", "2024-Q2") in owed
    r = invoke("new", "record", str(root), "--item", "village/affairs/5", "--period", "2024-Q2", "--none",
               "--as-of", "2024-07-05")
    assert r.exit_code == 0, r.output
    text = (root / "records/2024/q2/affairs-5.yaml").read_text(encoding="utf-8")
    assert "content: |\n  本期无此项内容。\n" in text and "finance:" not in text
    after = invoke("overdue", str(root), "--as-of", "2024-07-12", "--format", "json")
    assert ("village/affairs/5", "2024-Q2") not in {(i["item"], i["period"]) for i in json.loads(after.stdout)["items"]}
    assert [p for p in check_json(root, "2024-07-12") if p["path"] == "records/2024/q2/affairs-5.yaml"] == []


def test_immediate_record_answers_its_event(tmp_path: Path) -> None:
    root = village(tmp_path)
    r = invoke("new", "record", str(root), "--item", "village/affairs/7", "--as-of", "2024-07-02")
    assert r.exit_code == 2 and "--event" in r.stderr and "2024-07-01-meeting" in r.stderr
    r = invoke("new", "record", str(root), "--item", "village/affairs/7", "--event", "2024-07-01-meeting",
               "--as-of", "2024-07-02")
    assert r.exit_code == 0, r.output
    text = (root / "records/2024/immediate/2024-07-01-meeting.yaml").read_text(encoding="utf-8")
    assert "# 应于 2024-07-03 前公开" in text and "title: 村民代表会议审议工作报告\n" in text
    assert "event: 2024-07-01-meeting\n" in text
    assert [p for p in check_json(root, "2024-07-02") if "immediate" in p["path"]] == []


def test_standing_record_and_other_types_are_clean(tmp_path: Path) -> None:
    root = village(tmp_path)
    for args in (("record", "--item", "village/system/1"),
                 ("event", "--item", "village/affairs/7", "--title", "村民会议", "--name", "assembly"),
                 ("project", "--item", "village/affairs/11", "--title", "村道硬化工程", "--name", "road"),
                 ("feedback", "--type", "complaint", "--name", "li"),
                 ("inspection", "--name", "spring")):
        r = invoke("new", args[0], str(root), *args[1:], "--as-of", "2024-08-01")
        assert r.exit_code == 0, (args, r.output)
    written = {"records/2024/standing/system-1.yaml", "events/2024-08-01-assembly.yaml", "projects/2024-road.yaml",
               "feedback/2024/08-01-li.yaml", "inspections/2024-spring.yaml"}
    for rel in written:
        assert (root / rel).read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
    bad = [p for p in check_json(root, "2024-08-01") if p["path"] in written and p["severity"] == "error"]
    assert bad == []


def test_wrong_item_and_period_are_explained(tmp_path: Path) -> None:
    root = village(tmp_path)
    r = invoke("new", "record", str(root), "--item", "village/finance/99", "--as-of", "2024-07-03")
    assert r.exit_code == 2 and "village/finance/99" in r.stderr
    r = invoke("new", "record", str(root), "--item", "community/finance/3", "--as-of", "2024-07-03")
    assert r.exit_code == 2 and "是否应为“village/finance/1”" in r.stderr
    r = invoke("new", "record", str(root), "--item", "village/finance/1", "--period", "2024-Q5")
    assert r.exit_code == 2 and "--period：期间“2024-Q5”不对：一年只有四个季度" in r.stderr
    r = invoke("new", "memo", str(root))
    assert r.exit_code == 2 and "record | event | project | feedback | inspection" in r.stderr


def test_unit_must_be_named_in_a_town(tmp_path: Path) -> None:
    village(tmp_path / "a")
    village(tmp_path / "b")
    r = invoke("new", "record", str(tmp_path), "--item", "village/finance/1")
    assert r.exit_code == 2 and "--unit" in r.stderr and "a, b" in r.stderr
    r = invoke("new", "record", str(tmp_path), "--unit", "b", "--item", "village/finance/1", "--as-of", "2024-07-03")
    assert r.exit_code == 0 and r.stdout.strip().endswith("b/records/2024/q2/finance-1.yaml")


def test_checklist_of_the_quarter(tmp_path: Path) -> None:
    root = village(tmp_path, {"records/2024/q1/finance-1.yaml": Q1})
    r = invoke("new", str(root), "--as-of", "2024-07-05")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "东庄村2024年第三季度公开清单（截至 2024-07-05）"
    assert "[!] 2024-07-03  村民代表会议审议工作报告 [2024-07-01-meeting]  village/affairs/7" in lines
    assert f"      gongkai new record {root} --item village/affairs/7 --event 2024-07-01-meeting" in lines
    assert "[x] 2024-04-10  村级财务收支情况 [2024-Q1]  village/finance/1" not in lines  # met last quarter: not listed
    assert "[!] 2024-04-10  本村的村民自治章程、村规民约  village/system/1" in lines
    assert "[ ] 2024-07-10  村级财务收支情况 [2024-Q2]  village/finance/1" in lines
    assert f"      gongkai new record {root} --item village/finance/1 --period 2024-Q2" in lines
    assert "[ ] 2024-09-30  村级民主协商的实施过程和成果采纳、落实、反馈和结果反馈等情况 [2024-Q3]" not in r.stdout
    assert lines[-1] == "[x] 已公开  [!] 已逾期  [ ] 待办"
    # the due dates are those of `overdue` (one computation): every open line is listed there too
    od = json.loads(invoke("overdue", str(root), "--as-of", "2024-07-05", "--format", "json", "--within", "200").stdout)
    assert {(i["due"], i["item"]) for i in od["items"] if i["item"]} >= {("2024-07-10", "village/finance/1")}


def test_monthly_item_needs_a_month(tmp_path: Path) -> None:
    root = village(tmp_path, {"unit.yaml": UNIT + "finance_monthly: true\n"})
    r = invoke("new", "record", str(root), "--item", "village/finance/1", "--period", "2024-Q2")
    assert r.exit_code == 2
    assert "village/finance/1 在 2024 年每月公开（本单位财务往来较多，收支每月公开）：--period 写成 2024-06 这样的月份" in r.stderr
    r = invoke("new", "record", str(root), "--item", "village/finance/1", "--as-of", "2024-07-03")
    assert r.exit_code == 0 and r.stdout.strip().endswith("records/2024/06/finance-1.yaml")  # default: last month


def test_none_for_an_immediate_item_still_names_the_event(tmp_path: Path) -> None:
    root = village(tmp_path)
    r = invoke("new", "record", str(root), "--item", "village/affairs/7", "--none", "--as-of", "2024-07-02")
    assert r.exit_code == 2 and "--event" in r.stderr


def test_checklist_commands_work_where_the_checklist_was_asked_for(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """At the root of a copy of the example town, `gongkai new dongzhuang` suggests commands naming dongzhuang:
    one without it would be refused there (the repository has five units), exit 2."""
    import shlex
    import shutil

    town = tmp_path / "huayuankou"
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples" / "huayuankou", town)
    monkeypatch.chdir(town)
    r = invoke("new", "dongzhuang", "--as-of", "2024-07-05")
    assert r.exit_code == 0, r.output
    commands = [line.strip() for line in r.stdout.splitlines() if line.startswith("      gongkai new record")]
    assert commands == ["gongkai new record dongzhuang --item village/finance/1 --period 2024-07",
                        "gongkai new record dongzhuang --item village/finance/1 --period 2024-08"]
    bare = invoke("new", "record", "--item", "village/finance/1", "--period", "2024-07", "--as-of", "2024-08-02")
    assert bare.exit_code == 2 and "仓库里有 5 个单位，用 --unit 指定一个" in bare.stderr
    (town / "dongzhuang" / "records" / "2024" / "07" / "finance-1.yaml").unlink()  # published in August: start it anew
    started = invoke(*shlex.split(commands[0])[1:], "--as-of", "2024-08-02")
    assert started.exit_code == 0, started.output
    assert started.stdout.strip() == "dongzhuang/records/2024/07/finance-1.yaml"
    assert (town / "dongzhuang" / "records" / "2024" / "07" / "finance-1.yaml").is_file()
    # from the town with --unit, and for a path with a space, the command is as typed
    r = invoke("new", ".", "--unit", "xiwang", "--as-of", "2024-10-05")
    assert "      gongkai new record --unit xiwang --item village/finance/1 --period 2024-Q3" in r.stdout.splitlines()
    spaced = tmp_path / "my town"
    town.rename(spaced)
    monkeypatch.chdir(tmp_path)
    r = invoke("new", "my town", "--unit", "xiwang", "--as-of", "2024-10-05")
    assert "      gongkai new record 'my town' --unit xiwang --item village/finance/1 --period 2024-Q3" in r.stdout.splitlines()
