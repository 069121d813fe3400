"""The CLI through Typer's runner: exit code and output together."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import UNIT, plan_yaml, write
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401  (registers the commands)
from gongkai.cli.app import app

runner = CliRunner()


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def clean(tmp_path: Path) -> Path:
    return write(tmp_path, {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml([]),
                            "inspections/2024.yaml": "date: 2024-06-01\n"})


def test_check_clean_exits_0(tmp_path: Path) -> None:
    r = invoke("check", str(clean(tmp_path)), "--as-of", "2024-07-15")
    assert r.exit_code == 0, r.output
    assert r.stdout == "检查日期 2024-07-15\n  .（东庄村）: 0 个错误，0 个警告，0 条提示\n共 1 个单位：0 个错误，0 个警告，0 条提示\n"


def test_check_errors_exit_1_with_lines(tmp_path: Path) -> None:
    root = clean(tmp_path)
    (root / "records").mkdir()
    (root / "records" / "x.yaml").write_text("item: village/system/1\npublished: 2024-02-30\n", encoding="utf-8")
    r = invoke("check", str(root), "--as-of", "2024-07-15")
    assert r.exit_code == 1
    first = r.stdout.splitlines()[0]
    assert first.startswith("records/x.yaml:2:12: error[date] “2024-02-30”不是有效日期")
    assert "（依据：" in first
    assert "1 个错误" in r.stdout


def test_check_json(tmp_path: Path) -> None:
    root = clean(tmp_path)
    (root / "plans" / "2024.yaml").write_text(plan_yaml(["village/system/1"]), encoding="utf-8")
    (root / "records").mkdir()
    (root / "records" / "x.yaml").write_text("item: village/system/1\npublished: 2024-01-05\ncontent: 电话 13812345678\n",
                                             encoding="utf-8")
    r = invoke("check", str(root), "--as-of", "2024-07-15", "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["as_of"] == "2024-07-15"
    assert data["summary"] == {"error": 1, "warning": 0, "info": 0}
    (p,) = data["problems"]
    assert set(p) == {"path", "line", "column", "severity", "code", "unit", "message", "basis"}
    assert (p["path"], p["line"], p["column"], p["code"], p["unit"]) == ("records/x.yaml", 3, 13, "privacy", ".")


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    root = clean(tmp_path)
    write(root, {"records/x.yaml": "item: village/finance/4\nperiod: 2024-Q1\npublished: 2024-04-05\n"})
    assert invoke("check", str(root), "--as-of", "2024-04-20").exit_code == 0
    assert invoke("check", str(root), "--as-of", "2024-04-20", "--strict").exit_code == 1


def test_english(tmp_path: Path) -> None:
    root = clean(tmp_path)
    write(root, {"records/x.yaml": "item: village/system/1\npublshed: 2024-01-05\n"})
    r = invoke("check", str(root), "--as-of", "2024-07-15", "--lang", "en")
    assert r.exit_code == 1
    assert "records/x.yaml:2:1: error[schema] unknown key 'publshed'; did you mean 'published'?" in r.stdout
    assert "1 unit: 2 errors, 0 warnings, 0 info" in r.stdout


def test_no_unit_exits_2(tmp_path: Path) -> None:
    r = invoke("check", str(tmp_path))
    assert r.exit_code == 2
    assert "unit.yaml" in r.stderr and "gongkai init" in r.stderr
    assert r.stdout == ""
    assert invoke("check", str(tmp_path / "nope")).exit_code == 2


def test_bad_options_exit_2(tmp_path: Path) -> None:
    root = clean(tmp_path)
    r = invoke("check", str(root), "--as-of", "2024-02-30")
    assert r.exit_code == 2 and "--as-of" in r.stderr
    assert invoke("check", str(root), "--format", "xml").exit_code == 2
    assert invoke("check", str(root), "--lang", "fr").exit_code == 2


def test_output_is_deterministic(tmp_path: Path) -> None:
    root = clean(tmp_path)
    write(root, {"records/a.yaml": "item: village/finanse/1\npublished: 2024-01-05\n",
                 "records/b.yaml": "item: village/system/1\npublished: 2024.1.5\nevidence: [evidence/x.jpg]\n"})
    outs = {invoke("check", str(root), "--as-of", "2024-07-15", "--format", f).stdout for f in ("json", "json")}
    assert len(outs) == 1


def test_catalog_json_and_table() -> None:
    r = invoke("catalog", "--format", "json")
    assert r.exit_code == 0
    items = json.loads(r.stdout)
    assert len(items) == 48 + 30
    assert items[0] == {"id": "village/system/1", "kind": "village", "category": "system", "number": 1,
                        "title": "本村的村民自治章程、村规民约", "schedule": "standing", "monthly_when_busy": False,
                        "optional": False}
    community = json.loads(invoke("catalog", "--kind", "community", "--format", "json").stdout)
    assert [i["number"] for i in community if i["category"] == "finance"] == [1, 2, 3, 5, 6]
    assert [i["id"] for i in community if i["monthly_when_busy"]] == ["community/finance/3"]
    table = invoke("catalog", "--kind", "village")
    assert table.exit_code == 0 and "村级财务收支情况" in table.stdout


def test_init_creates_a_checkable_unit_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "dongzhuang"
    r = invoke("init", str(target), "--name", "东庄村", "--kind", "village", "--year", "2024")
    assert r.exit_code == 0, r.output
    unit_text = (target / "unit.yaml").read_text(encoding="utf-8")
    assert 'name: "东庄村"' in unit_text and "# 必填" in unit_text
    plan = (target / "plans" / "2024.yaml").read_text(encoding="utf-8")
    assert plan.count("\n  - item: village/") == 45 and "  # - item: village/system/9" in plan
    r = invoke("check", str(target), "--as-of", "2024-02-01", "--format", "json")
    found = json.loads(r.stdout)["problems"]
    # a fresh unit is valid: only what is coming, and the placeholders to fill in (warnings), are listed
    assert {p["code"] for p in found} <= {"due-soon", "schema"} and r.exit_code == 0, r.stdout
    assert {(p["line"], p["severity"]) for p in found if p["code"] == "schema"} == {
        (5, "warning"), (7, "warning"), (8, "warning"), (14, "warning"), (15, "warning")}
    (target / "unit.yaml").write_text("name: 改过的\n", encoding="utf-8")
    r = invoke("init", str(target), "--name", "东庄村", "--kind", "village")
    assert r.exit_code == 2 and "不会覆盖" in r.stderr
    assert (target / "unit.yaml").read_text(encoding="utf-8") == "name: 改过的\n"
    assert invoke("init", str(tmp_path / "x"), "--name", "甲", "--kind", "town").exit_code == 2


def test_init_takes_the_profile_and_writes_no_default_schedule(tmp_path: Path) -> None:
    target = tmp_path / "dongzhuang"
    r = invoke("init", str(target), "--name", "东庄村", "--kind", "village", "--year", "2024", "--town", "花园口镇",
               "--villagers", "1860", "--representatives", "45", "--clerk", "王芳", "--phone", "0371-62345678")
    assert r.exit_code == 0, r.output
    assert "占位" not in r.stdout
    unit_text = (target / "unit.yaml").read_text(encoding="utf-8")
    for line in ('name: "东庄村"', "villagers: 1860", "representatives: 45", '  clerk: "王芳"',
                 '  supervision_phone: "0371-62345678"', 'town: "花园口镇"'):
        assert line in unit_text
    plan = (target / "plans" / "2024.yaml").read_text(encoding="utf-8")
    assert "\n  - item: village/finance/1    # 村级财务收支情况（默认：每季度；unit.yaml 写 finance_monthly: true 时每月）" in plan
    # no schedule is written: a unit that turns on finance_monthly later is monthly without editing its plan
    assert "  schedule:" not in plan.replace("# schedule", "")
    r = invoke("check", str(target), "--as-of", "2024-02-01", "--format", "json")
    assert r.exit_code == 0 and {p["code"] for p in json.loads(r.stdout)["problems"]} <= {"due-soon"}, r.stdout
    busy = unit_text.replace("finance_monthly: false", "finance_monthly: true")
    (target / "unit.yaml").write_text(busy, encoding="utf-8")
    r = invoke("overdue", str(target), "--as-of", "2024-02-01", "--format", "json")
    periods = {i["period"] for i in json.loads(r.stdout)["items"] if i["item"] == "village/finance/1"}
    assert periods == {"2024-01"}, r.stdout  # January's income and expenditure is due in ten days
    r = invoke("init", str(tmp_path / "x"), "--name", "甲", "--kind", "village", "--villagers", "0")
    assert r.exit_code == 2 and not (tmp_path / "x").exists()
    r = invoke("init", str(tmp_path / "y"), "--name", "甲", "--kind", "village", "--clerk", " ")
    assert r.exit_code == 2 and "--clerk 不能为空" in r.stderr


TRICKY = ["NO", ": x", "#村", "'", "东\n庄", "@村", "0371", '"', "\\", " 前后空格 ", "yes", "~", "null", "1e3", "[x]",
          "{a: b}", "- x", "%x", "`x", "!x", "&a", "*a", "|", ">", "a\tb", "行\u2028分", "a\x85b", "\ufeffBOM",
          "\x1b[31m红", "a # b", "a: b", "0x10", "2024-01-01", "3.50"]


def test_init_quotes_every_value_it_writes(tmp_path: Path) -> None:
    import yaml

    from gongkai.load.nodes import parse
    from gongkai.load.schema import Ctx, convert
    from gongkai.model import Unit

    for i, value in enumerate(TRICKY):
        target = tmp_path / f"u{i}"
        r = invoke("init", str(target), "--name", value, "--kind", "village", "--year", "2024", "--town", value,
                   "--clerk", value, "--phone", value)
        assert r.exit_code == 0, (value, r.output)
        text = (target / "unit.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        assert (data["name"], data["town"], data["contacts"]["clerk"], data["contacts"]["supervision_phone"]) == \
            (value, value, value, value), value
        node, slips = parse(text)
        assert not slips, (value, slips)
        if any(ch < " " or "\x7f" <= ch < "\xa0" or ch in "\u2028\ufeff" for ch in value):
            continue  # read back exactly by YAML; whether a name may hold a line break is the loader's to judge
        unit = convert(Unit, node, Ctx("unit.yaml"))
        assert (unit.name, unit.town, unit.contacts["clerk"], unit.contacts["supervision_phone"]) == \
            (value, value, value, value), value
        assert data["villagers"] == 0 and unit.kind == "village"


def test_unexpected_failure_is_one_line_not_a_traceback(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import gongkai.check

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(gongkai.check, "check_layout", boom)
    r = invoke("check", str(clean(tmp_path)))
    assert r.exit_code == 2
    assert "内部错误" in r.stderr and "disk on fire" in r.stderr and "Traceback" not in r.stderr
    monkeypatch.setenv("GONGKAI_DEBUG", "1")
    r = invoke("check", str(clean(tmp_path)))
    assert isinstance(r.exception, RuntimeError)


def test_version_and_help() -> None:
    from gongkai import __version__

    r = invoke("--version")
    assert r.exit_code == 0 and r.stdout == f"gongkai {__version__}\n"
    r = invoke("--help")
    assert r.exit_code == 0 and all(c in r.stdout for c in ("check", "overdue", "render", "catalog", "init"))
