"""`gongkai overdue`: the rows, every format, the exit codes, and the same count as `check`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from conftest import UNIT, plan_yaml, write
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers every command on the app
from gongkai.check import run
from gongkai.cli.app import app
from gongkai.overdue import build
from gongkai.repo import load_repository

AS_OF = "2024-07-15"
FIN, AFF = "village/finance/1", "village/affairs/5"
INSPECTED = "date: 2024-06-01\ninspector: 镇民政办\n"


def record(item: str, period: str, published: str) -> str:
    return f"item: {item}\nperiod: {period}\npublished: {published}\nreviewed: {{by: 赵六, date: {published}}}\n"


def town(root: Path, email: str = "") -> Path:
    """A town of three units, as of 2024-07-15:

    dongzhuang (village): finance/1 Q2 and affairs/5 Q1, Q2 overdue; an inquiry due 07-20 (due soon).
    xincun-shequ (community): a meeting on 07-14 to disclose by 07-16 (due soon); nothing overdue.
    nanhe (village): nothing owed before the end of the year.
    """
    community = UNIT.replace("name: 东庄村", "name: 新村社区").replace("kind: village", "kind: community") \
        .replace("clerk: 王芳", "clerk: 李静")
    files: dict[str, str | bytes] = {
        "dongzhuang/unit.yaml": UNIT + "email: [dongzhuang@huayuankou.example]\n",
        "dongzhuang/plans/2024.yaml": plan_yaml([], extra_items=f"""
            - item: {FIN}
              responsible: 王芳
            - item: {AFF}
              responsible: 张伟
            """),
        "dongzhuang/records/2024/q1-finance.yaml": record(FIN, "2024-Q1", "2024-04-08"),
        "dongzhuang/feedback/2024-07-10-road.yaml": "type: inquiry\nreceived: 2024-07-10\nfrom: 村民李某\nsummary: 村道何时修\n",
        "dongzhuang/inspections/2024.yaml": INSPECTED,
        "xincun-shequ/unit.yaml": community + "email: [xincun@huayuankou.example]\n",
        "xincun-shequ/plans/2024.yaml": plan_yaml([], kind="community"),
        "xincun-shequ/events/2024-07-14-meeting.yaml":
            "date: 2024-07-14\ntype: meeting\ntitle: 居民代表会议决定加装电梯\nitem: community/affairs/7\n",
        "xincun-shequ/inspections/2024.yaml": INSPECTED,
        "nanhe/unit.yaml": UNIT.replace("东庄村", "南河村") + "email: [nanhe@huayuankou.example]\n",
        "nanhe/plans/2024.yaml": plan_yaml([]),
        "nanhe/inspections/2024.yaml": INSPECTED,
    }
    files["gongkai.yaml"] = "name: 花园口镇\ntimezone: Asia/Shanghai\n" + email
    (root / ".git").mkdir(parents=True, exist_ok=True)  # the repository boundary: no gongkai.yaml above it counts
    return write(root, files)


EXPECTED = [  # (unit, kind, item, period, due, days, status, responsible, path)
    ("dongzhuang", "record", AFF, "2024-Q1", "2024-04-10", 96, "overdue", "张伟", "dongzhuang/plans/2024.yaml"),
    ("dongzhuang", "record", FIN, "2024-Q2", "2024-07-10", 5, "overdue", "王芳", "dongzhuang/plans/2024.yaml"),
    ("dongzhuang", "record", AFF, "2024-Q2", "2024-07-10", 5, "overdue", "张伟", "dongzhuang/plans/2024.yaml"),
    ("dongzhuang", "feedback", "", "feedback/2024-07-10-road", "2024-07-20", 5, "due-soon", "王芳",
     "dongzhuang/feedback/2024-07-10-road.yaml"),
    ("xincun-shequ", "record", "community/affairs/7", "2024-07-14-meeting", "2024-07-16", 1, "due-soon", "李静",
     "xincun-shequ/events/2024-07-14-meeting.yaml"),
]


def runner_invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["overdue", *args], env=env)


def as_tuples(items: list[dict]) -> list[tuple]:
    keys = ("unit", "kind", "item", "period", "due", "days", "status", "responsible", "path")
    return [tuple(i[k] for k in keys) for i in items]


# ---------------------------------------------------------------- the rows


def test_rows_complete_and_ordered(tmp_path: Path) -> None:
    report = build(load_repository(town(tmp_path)), dt.date(2024, 7, 15))
    assert as_tuples([r.as_json() for r in report.rows]) == EXPECTED
    assert (report.overdue, report.due_soon) == (3, 2)
    assert [(s.unit, len(s.rows)) for s in report.sections] == [("dongzhuang", 4), ("nanhe", 0), ("xincun-shequ", 1)]


@pytest.mark.parametrize("day", ["2024-01-02", "2024-04-01", "2024-04-11", AS_OF, "2024-10-01", "2024-12-31", "2025-04-30"])
def test_same_obligations_as_check(tmp_path: Path, day: str) -> None:
    """Exactly what check reports as overdue, plan-missing or due-soon: same count, same files and lines."""
    root = town(tmp_path)
    as_of = dt.date.fromisoformat(day)
    from_check = sorted((p.path, p.line, "due-soon" if p.code == "due-soon" else "overdue")
                        for p in run(load_repository(root), as_of).problems
                        if p.code in ("overdue", "plan-missing", "due-soon"))
    rows = build(load_repository(root), as_of).rows
    assert sorted((r.path, r.line, r.status) for r in rows) == from_check
    assert len(rows) == len(from_check)


def test_within_widens_and_narrows_due_soon(tmp_path: Path) -> None:
    repo = load_repository(town(tmp_path))
    day = dt.date(2024, 7, 15)
    assert [r.period for r in build(repo, day, within=0).rows] == ["2024-Q1", "2024-Q2", "2024-Q2"]
    assert [r.period for r in build(repo, day, within=1).rows if r.status == "due-soon"] == ["2024-07-14-meeting"]
    wide = build(repo, day, within=90).rows
    soon = [(r.unit, r.item, r.period, r.days) for r in wide if r.status == "due-soon"]
    assert soon == [("dongzhuang", "", "feedback/2024-07-10-road", 5), ("dongzhuang", FIN, "2024-Q3", 87),
                    ("dongzhuang", AFF, "2024-Q3", 87), ("xincun-shequ", "community/affairs/7", "2024-07-14-meeting", 1)]


def test_due_today_is_due_soon_with_zero_days(tmp_path: Path) -> None:
    rows = build(load_repository(town(tmp_path)), dt.date(2024, 7, 20)).rows
    road = [r for r in rows if r.kind == "feedback"]
    assert [(r.status, r.days) for r in road] == [("due-soon", 0)]
    rows = build(load_repository(town(tmp_path)), dt.date(2024, 7, 21)).rows
    assert [(r.status, r.days) for r in rows if r.kind == "feedback"] == [("overdue", 1)]


def test_missing_plan_is_an_item_of_kind_plan(tmp_path: Path) -> None:
    root = write(tmp_path, {"unit.yaml": UNIT, "inspections/2024.yaml": INSPECTED})
    rows = build(load_repository(root), dt.date(2024, 7, 15)).rows
    assert [(r.unit, r.kind, r.period, r.due.isoformat(), r.days, r.status, r.path) for r in rows] == [
        (".", "plan", "2024", "2024-03-31", 106, "overdue", "unit.yaml")]
    out = runner_invoke(str(root), "--as-of", AS_OF).stdout
    assert out.startswith("东庄村村务公开逾期提醒（截至2024-07-15）\n")  # a single unit names itself
    assert "年度方案" not in out and "2024年度村务公开方案" in out


# ---------------------------------------------------------------- formats through the command


def test_json_exactly_as_spec(tmp_path: Path) -> None:
    result = runner_invoke(str(town(tmp_path)), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["as_of", "items"] and data["as_of"] == AS_OF
    assert all(list(i) == ["unit", "unit_name", "kind", "item", "title", "period", "due", "days", "status",
                           "responsible", "path"] for i in data["items"])
    assert as_tuples(data["items"]) == EXPECTED
    assert data["items"][0]["unit_name"] == "东庄村"
    assert "东庄村" in result.stdout  # not \\u escapes


def test_output_is_deterministic(tmp_path: Path) -> None:
    root = str(town(tmp_path))
    for fmt in ("table", "md", "html", "json", "csv"):
        first = runner_invoke(root, "--as-of", AS_OF, "-f", fmt).stdout_bytes
        assert first == runner_invoke(root, "--as-of", AS_OF, "-f", fmt).stdout_bytes, fmt


def test_table_groups_by_unit(tmp_path: Path) -> None:
    result = runner_invoke(str(town(tmp_path)), "--as-of", AS_OF)
    assert result.exit_code == 1
    out = result.stdout
    assert out.splitlines()[0] == "花园口镇村（居）务公开逾期提醒（截至2024-07-15）"
    assert "合计：3项逾期，2项即将到期（即将到期指 14 天内到期）。" in out
    assert "东庄村（dongzhuang）：3项逾期，1项即将到期" in out
    assert "新村社区（xincun-shequ）：无逾期，1项即将到期" in out
    assert "逾期 96 天" in out and "还剩 1 天" in out
    assert "dongzhuang/feedback/2024-07-10-road.yaml:2" in out
    assert "没有逾期或即将到期事项的单位：南河村。" in out
    assert out.index("dongzhuang") < out.index("xincun-shequ")
    en = runner_invoke(str(town(tmp_path)), "--as-of", AS_OF, "--lang", "en").stdout
    assert "In all: 3 overdue, 2 due soon" in en and "96 days overdue" in en and "1 day left" in en


def test_csv_opens_in_excel(tmp_path: Path) -> None:
    raw = runner_invoke(str(town(tmp_path)), "--as-of", AS_OF, "-f", "csv").stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["单位编号", "单位", "类别", "事项编号", "事项", "期间", "到期日", "状态", "天数", "责任人", "文件"]
    assert rows[1][:4] == ["dongzhuang", "东庄村", "公开记录", AFF] and rows[1][6:9] == ["2024-04-10", "逾期", "96"]
    assert len(rows) == 1 + len(EXPECTED)


def test_csv_cell_never_becomes_a_formula(tmp_path: Path) -> None:
    root = town(tmp_path)
    write(root, {"dongzhuang/feedback/2024-07-11-x.yaml": "type: inquiry\nreceived: 2024-07-11\nsummary: =HYPERLINK(\"x\")\n"})
    raw = runner_invoke(str(root), "--as-of", AS_OF, "-f", "csv").stdout_bytes.decode("utf-8-sig")
    assert "'答复" not in raw and "=HYPERLINK" in raw  # the title starts with 答复, so it is safe as it is
    from gongkai.report.tabular import csv_safe as _csv_safe

    assert _csv_safe("=1+1") == "'=1+1" and _csv_safe("-5") == "-5" and _csv_safe("@x") == "'@x"


def test_html_is_one_self_contained_page(tmp_path: Path) -> None:
    root = town(tmp_path)
    write(root, {"dongzhuang/feedback/2024-07-11-x.yaml":
                 "type: complaint\nreceived: 2024-07-11\nsummary: <script>alert(1)</script>\n"})
    page = runner_invoke(str(root), "--as-of", AS_OF, "-f", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and "<style>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"""(src|href)=|@import|url\(""", page)  # nothing fetched from anywhere
    assert page.count("<table>") == 2 and page.count('<tr class="overdue">') == 3


def test_markdown(tmp_path: Path) -> None:
    out = runner_invoke(str(town(tmp_path)), "--as-of", AS_OF, "-f", "md").stdout
    assert out.startswith("# 花园口镇村（居）务公开逾期提醒（截至2024-07-15）\n")
    assert "## 东庄村（dongzhuang）：3项逾期，1项即将到期" in out
    assert "| 2024-04-10 | **逾期 96 天** |" in out


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    result = runner_invoke(str(town(tmp_path / "repo")), "--as-of", AS_OF, "-f", "csv", "-o", str(target))
    assert result.exit_code == 1 and result.stdout == ""
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


# ---------------------------------------------------------------- exit codes and options


def test_exit_zero_when_only_due_soon(tmp_path: Path) -> None:
    result = runner_invoke(str(town(tmp_path)), "--as-of", AS_OF, "--unit", "xincun-shequ", "-f", "json")
    assert result.exit_code == 0
    assert [i["unit"] for i in json.loads(result.stdout)["items"]] == ["xincun-shequ"]


def test_nothing_at_all(tmp_path: Path) -> None:
    result = runner_invoke(str(town(tmp_path)), "--as-of", AS_OF, "--unit", "南河村")
    assert result.exit_code == 0
    assert "没有逾期或即将到期的事项" in result.stdout
    assert json.loads(runner_invoke(str(town(tmp_path)), "--as-of", AS_OF, "--unit", "nanhe", "-f", "json").stdout) == \
        {"as_of": AS_OF, "items": []}


def test_unit_accepts_several_and_keeps_repository_order(tmp_path: Path) -> None:
    result = runner_invoke(str(town(tmp_path)), "--as-of", AS_OF, "--unit", "xincun-shequ", "--unit", "东庄村", "-f", "json")
    assert result.exit_code == 1
    assert [i["unit"] for i in json.loads(result.stdout)["items"]] == ["dongzhuang"] * 4 + ["xincun-shequ"]


@pytest.mark.parametrize("args, words", [
    (["--unit", "dongzhaung"], "dongzhuang"),
    (["--format", "pdf"], "--format"),
    (["--within", "-3"], "--within"),
    (["--as-of", "2024-02-30"], "--as-of"),
    (["--lang", "fr"], "--lang"),
])
def test_cannot_run(tmp_path: Path, args: list[str], words: str) -> None:
    result = runner_invoke(str(town(tmp_path)), *args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and result.stdout == "" and "Traceback" not in result.output


def test_no_unit_is_exit_2(tmp_path: Path) -> None:
    result = runner_invoke(str(tmp_path))
    assert result.exit_code == 2 and "unit.yaml" in result.stderr


def test_broken_files_are_mentioned(tmp_path: Path) -> None:
    root = town(tmp_path)
    write(root, {"dongzhuang/records/bad.yaml": "item: [\n"})
    result = runner_invoke(str(root), "--as-of", AS_OF)
    assert result.exit_code == 1 and "1 个文件有错误" in result.stderr and "gongkai check" in result.stderr


def test_example_repository_matches_check() -> None:
    """The documented example: the report lists exactly what check calls overdue or due soon."""
    root = Path(__file__).resolve().parent.parent / "examples" / "huayuankou"
    if not (root / "gongkai.yaml").is_file():
        pytest.skip("examples/huayuankou is not there yet")
    for day in ("2024-04-12", "2024-07-15", "2024-10-12", "2024-12-31"):
        as_of = dt.date.fromisoformat(day)
        from_check = sorted((p.path, p.line) for p in run(load_repository(root), as_of).problems
                            if p.code in ("overdue", "plan-missing", "due-soon"))
        assert sorted((r.path, r.line) for r in build(load_repository(root), as_of).rows) == from_check, day


# ---------------------------------------------------------------- a broken unit.yaml or plan is never "nothing overdue"


def broken_town(tmp_path: Path, email: str = "") -> Path:
    """The town, with nanhe's unit.yaml giving an invalid kind and xincun-shequ's 2024 plan not loading (a tab)."""
    root = town(tmp_path, email)
    write(root, {"nanhe/unit.yaml": UNIT.replace("东庄村", "南河村").replace("kind: village", "kind: 村庄")
                 + "email: [nanhe@huayuankou.example]\n",
                 "xincun-shequ/plans/2024.yaml": "year: 2024\nitems:\n\t- item: community/system/1\n"})
    return root


UNKNOWN_ROWS = [
    ("nanhe", "unit", "", "", None, 0, "unknown", "王芳", "nanhe/unit.yaml"),
    ("xincun-shequ", "plan", "", "2024", None, 0, "unknown", "李静", "xincun-shequ/plans/2024.yaml"),
]


def test_broken_unit_and_plan_are_rows_in_json_and_exit_1(tmp_path: Path) -> None:
    root = broken_town(tmp_path)
    result = runner_invoke(str(root), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1, result.output
    items = json.loads(result.stdout)["items"]
    assert all(list(i) == ["unit", "unit_name", "kind", "item", "title", "period", "due", "days", "status",
                           "responsible", "path"] for i in items)
    got = [t for t in as_tuples(items) if t[6] == "unknown"]
    assert got == UNKNOWN_ROWS
    nanhe = next(i for i in items if i["unit"] == "nanhe")
    assert nanhe["title"].startswith("unit.yaml 的 kind 写得不对（应为 village 村 或 community 社区）：本单位的公开义务无法计算")
    xin = next(i for i in items if i["kind"] == "plan")
    assert xin["title"] == "2024 年度公开方案有错误，无法读取：2024 年的公开义务无法计算（不等于没有逾期），请运行 gongkai check 查看并改正"
    # the unreadable plan is not reported as missing
    assert not [i for i in items if i["unit"] == "xincun-shequ" and i["status"] == "overdue"]
    # only the broken unit, with nothing else due: still exit 1
    only = runner_invoke(str(root), "--as-of", AS_OF, "--unit", "nanhe")
    assert only.exit_code == 1, only.output
    assert "南河村（nanhe）：1项无法计算，其余无逾期，无即将到期" in only.stdout
    assert "没有逾期或即将到期" not in only.stdout


@pytest.mark.parametrize("fmt, words", [
    ("table", ["无法计算", "nanhe/unit.yaml", "xincun-shequ/plans/2024.yaml", "合计：2项无法计算，3项逾期"]),
    ("md", ["**无法计算**", "`nanhe/unit.yaml`", "`xincun-shequ/plans/2024.yaml`"]),
    ("html", ['<tr class="unknown">', "无法计算", "nanhe/<wbr>unit.yaml", "xincun-shequ/<wbr>plans/<wbr>2024.yaml"]),
    ("csv", ["nanhe,南河村,单位信息,,", ",无法计算,0,王芳,nanhe/unit.yaml", "年度方案,,", "xincun-shequ/plans/2024.yaml"]),
    ("email", ["=?utf-8?", "Content-Transfer-Encoding"]),
])
def test_broken_units_in_every_format(tmp_path: Path, fmt: str, words: list[str]) -> None:
    result = runner_invoke(str(broken_town(tmp_path)), "--as-of", AS_OF, "-f", fmt, "--to", "a@x.example")
    assert result.exit_code == 1, result.output
    out = result.stdout_bytes.decode("utf-8-sig")
    for w in words:
        assert w in out, (fmt, w)
    if fmt == "email":
        from email import message_from_string, policy

        m = message_from_string(out, policy=policy.default)
        assert m["Subject"].endswith("2项无法计算，3项逾期，2项即将到期")
        text = m.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert "无法计算" in text and "nanhe/unit.yaml" in text and "xincun-shequ/plans/2024.yaml" in text
    en = runner_invoke(str(broken_town(tmp_path)), "--as-of", AS_OF, "-f", "table", "--lang", "en").stdout
    assert "cannot be computed" in en and "invalid kind" in en


def test_unit_yaml_unreadable_or_without_kind(tmp_path: Path) -> None:
    root = write(tmp_path, {"unit.yaml": "name: 东庄村\nkind village\n", "plans/2024.yaml": plan_yaml([]),
                            "inspections/2024.yaml": INSPECTED})
    rows = build(load_repository(root), dt.date(2024, 7, 15)).rows
    assert [(r.kind, r.status, r.path) for r in rows] == [("unit", "unknown", "unit.yaml")]
    assert rows[0].title.startswith("unit.yaml 无法读取")
    write(root, {"unit.yaml": "name: 东庄村\n"})
    rows = build(load_repository(root), dt.date(2024, 7, 15)).rows
    assert rows[0].title.startswith("unit.yaml 缺少 kind")


def test_check_summary_names_units_that_cannot_be_computed(tmp_path: Path) -> None:
    root = broken_town(tmp_path)
    result = CliRunner().invoke(app, ["check", str(root), "--as-of", AS_OF])
    assert result.exit_code == 1
    last = result.stdout.rstrip("\n").splitlines()[-1]
    assert last == "2 个单位无法计算公开义务：nanhe（南河村）unit.yaml 有错误；xincun-shequ（新村社区）plans/2024.yaml 有错误"
    assert "plan-missing" not in result.stdout  # the plan is there, it cannot be read: that is not "missing"
    assert "xincun-shequ/plans/2024.yaml:3:1: error[syntax]" in result.stdout
    en = CliRunner().invoke(app, ["check", str(root), "--as-of", AS_OF, "--lang", "en"]).stdout
    assert en.rstrip("\n").splitlines()[-1] == ("obligations of 2 units cannot be computed: nanhe (南河村): errors in "
                                                "unit.yaml; xincun-shequ (新村社区): errors in plans/2024.yaml")


def test_broken_plan_whose_name_gives_no_year(tmp_path: Path) -> None:
    root = write(tmp_path, {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml([]), "inspections/2024.yaml": INSPECTED,
                            "plans/draft.yaml": "year: 2025\nitems:\n\t- item: village/system/1\n"})
    rows = build(load_repository(root), dt.date(2024, 7, 15)).rows
    assert [(r.kind, r.period, r.status, r.path) for r in rows] == [("plan", "", "unknown", "plans/draft.yaml")]
    assert rows[0].title == "公开方案有错误，无法读取：其中的公开义务无法计算（不等于没有逾期），请运行 gongkai check 查看并改正"
    result = runner_invoke(str(root), "--as-of", AS_OF, "-f", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)["items"][0]["due"] is None
