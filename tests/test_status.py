"""`gongkai status`: the figures, counted by hand from examples/huayuankou, every format, the exit codes,
and the HTML page in a real browser (one A4 landscape page)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import UNIT, plan_yaml, write
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers every command on the app
from gongkai.check import run
from gongkai.cli.app import app
from gongkai.repo import load_repository
from gongkai.status import build

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "huayuankou"
ARTIFACTS = ROOT / "artifacts" / "status"
YEAR_END = dt.date(2024, 12, 31)

# Counted by hand from the files of examples/huayuankou and examples/README.md, for 2024 as of 2024-12-31.
# An obligation counts in the year of its due date, so every Q4 record and dongzhuang's December statement
# (due 2025-01-10) are not in 2024. Village catalog: standing system/1-9, affairs/1, 2, 4, 19; 45 items are
# not titled 其他…; community catalog: standing system/1-9, affairs/1, 2, 4, 9, 14; 27 items not 其他….
#
# dongzhuang: standing system/1-9 + affairs/1, 2, 4, 19 = 13; quarterly affairs/5, 15, 20, finance/2, 4, 13,
#   17 = 7 × Q1-Q3 = 21; finance/1 monthly, January-November = 11; events: meeting, joint request (186 of
#   1860 = exactly 1/10, so owed), policy = 3; road project: before, during 2024-Q2, after = 3; 2 answers;
#   plan publication; inspection; one board fix = 56, all on time. 13 not_applicable entries. 12 statement
#   files, one replaced by the March correction = 11, all balanced and chained.
# xiwang: standing system/1-8 + 4 = 12; quarterly affairs/15, 20, finance/1, 2, 4 = 5 × 3 = 15; 2 meetings;
#   2 answers; plan publication, inspection, fix = 34, all on time. 16 not_applicable. 3 statements.
# nanhe: standing 12; quarterly 5 × 3 = 15; 1 meeting (the joint request is below both thresholds); 2 answers,
#   the well inquiry never answered (overdue); plan publication, inspection, fix = 33. Q2 affairs/20 published
#   5 days late. 15 not_applicable. 3 statements: Q2 does not chain onto Q1, Q3 does not balance. Errors of
#   check: continuity, balance, overdue = 3.
# xincun-shequ: standing system/1-8 + affairs/1, 2, 4, 9, 14 = 13; quarterly affairs/5, 12, 15, finance/1, 3
#   = 5 × 3 = 15; 2 meetings; 3 answers; plan publication, inspection (no findings, no fix) = 35. 3 n/a.
# binhe-shequ: standing 13; quarterly affairs/12, 15, finance/2, 3 = 4 × 3 = 12; 1 meeting; 1 answer; plan
#   publication, inspection, fix = 30. 4 n/a; community/affairs/13 in neither list: 26 of 27 covered.
#   Errors of check: evidence, privacy = 2.
HAND = {
    # unit: (due, on_time, late, days_late, overdue, n/a, covered, catalog, statements, balanced, chained,
    #        feedback_due, feedback_on_time, errors)
    "dongzhuang": (56, 56, 0, 0, 0, 13, 45, 45, 11, 11, 11, 2, 2, 0),
    "xiwang": (34, 34, 0, 0, 0, 16, 45, 45, 3, 3, 3, 2, 2, 0),
    "nanhe": (33, 31, 1, 5, 1, 15, 45, 45, 3, 2, 2, 2, 1, 3),
    "xincun-shequ": (35, 35, 0, 0, 0, 3, 27, 27, 3, 3, 3, 3, 3, 0),
    "binhe-shequ": (30, 30, 0, 0, 0, 4, 26, 27, 3, 3, 3, 1, 1, 2),
}
FIELDS = ("due", "on_time", "late", "days_late", "overdue", "not_applicable", "covered", "catalog_items",
          "statements", "balanced", "chained", "feedback_due", "feedback_on_time", "errors")
INSPECTED = {"dongzhuang": "2024-11-05", "xiwang": "2024-11-06", "nanhe": "2024-11-07",
             "xincun-shequ": "2024-11-12", "binhe-shequ": "2024-11-13"}

cli = CliRunner()


@pytest.fixture(scope="module")
def example_status():  # type: ignore[no-untyped-def]
    return build(run(load_repository(EXAMPLE), YEAR_END), 2024, town="花园口镇")


def test_example_figures_equal_the_hand_count(example_status) -> None:  # type: ignore[no-untyped-def]
    got = {u.unit: tuple(getattr(u.figures, f) for f in FIELDS) for u in example_status.units}
    assert got == HAND
    for u in example_status.units:
        assert u.figures.upcoming == 0 and u.figures.early == 0 and u.figures.unknown == 0
        assert u.inspection_date == dt.date.fromisoformat(INSPECTED[u.unit]) and u.figures.inspected == 1
        assert u.adoption == "on-time" and u.figures.adoption_complete == 1 and u.figures.plans == 1


def test_example_town_total_is_the_sum(example_status) -> None:  # type: ignore[no-untyped-def]
    t = example_status.total
    assert t.units == 5
    for n, name in enumerate(FIELDS):
        assert getattr(t, name) == sum(v[n] for v in HAND.values()), name
    assert (t.due, t.on_time, t.late, t.overdue) == (188, 186, 1, 1)
    assert t.rate == pytest.approx(186 / 188)
    assert next(u for u in example_status.units if u.unit == "nanhe").figures.rate == pytest.approx(31 / 33)


def test_example_heatmap_months_of_nanhe(example_status) -> None:  # type: ignore[no-untyped-def]
    """nanhe by due month: Jan plan publication 01-18 + meeting 01-29; Apr 12 standing + 5 Q1; Jun the
    allowance complaint (06-22); Jul 5 Q2 records, affairs/20 late; Oct 5 Q3; Nov the unanswered well
    inquiry (11-28); Dec the board fix (12-10) and the inspection (12-31)."""
    nanhe = next(u for u in example_status.units if u.unit == "nanhe")
    cells = {c.label[5:]: (c.state, c.total) for c in nanhe.cells}
    assert cells == {"01": ("on-time", 2), "02": ("none", 0), "03": ("none", 0), "04": ("on-time", 17),
                     "05": ("none", 0), "06": ("on-time", 1), "07": ("late", 5), "08": ("none", 0),
                     "09": ("none", 0), "10": ("on-time", 5), "11": ("overdue", 1), "12": ("on-time", 2)}
    quarters = build(run(load_repository(EXAMPLE), YEAR_END), 2024, columns="quarter")
    q = next(u for u in quarters.units if u.unit == "nanhe")
    assert [(c.label, c.state, c.total) for c in q.cells] == [
        ("2024-Q1", "on-time", 2), ("2024-Q2", "on-time", 18), ("2024-Q3", "late", 5), ("2024-Q4", "overdue", 8)]


def test_mid_year_counts_only_what_is_due() -> None:
    """nanhe as of 2024-07-12: due so far are the plan publication, the meeting, 12 standing items, 5 Q1 and
    5 Q2 records and the June complaint = 25; Q2 affairs/20 is not yet published (07-15), so overdue by 2 days.
    Not yet due: 5 Q3 records and the inspection; the well inquiry (11-18) and the board fix (found 11-07)
    do not exist yet."""
    status = build(run(load_repository(EXAMPLE), dt.date(2024, 7, 12)), 2024, units=["nanhe"])
    (nanhe,) = status.units
    f = nanhe.figures
    assert (f.due, f.on_time, f.late, f.overdue, f.upcoming, f.inspected) == (25, 24, 0, 1, 6, 0)
    assert nanhe.inspection_date is None and nanhe.inspection == "pending"
    assert any("逾期 2 天" in r.zh for r in nanhe.reasons)


def test_reasons_say_why_a_unit_is_behind(example_status) -> None:  # type: ignore[no-untyped-def]
    reasons = {u.unit: [r.zh for r in u.reasons] for u in example_status.units}
    assert reasons["dongzhuang"] == reasons["xiwang"] == reasons["xincun-shequ"] == []
    nanhe = reasons["nanhe"]
    assert "逾期 33 天" in nanhe[0] and "2024-11-18-well-repair" in nanhe[0]
    assert any("nanhe/records/2024/q2/finance-1.yaml" in r and "衔接" in r for r in nanhe)
    assert any("nanhe/records/2024/q3/finance-1.yaml" in r and "不平" in r for r in nanhe)
    assert any("晚 5 天" in r for r in nanhe)
    assert any("evidence, privacy" in r for r in reasons["binhe-shequ"])
    assert any("漏列 1 个" in r for r in reasons["binhe-shequ"])


# ---------------------------------------------------------------- small repositories


def test_plan_missing_and_late_publication(tmp_path: Path) -> None:
    late = plan_yaml([]).replace("published: 2024-01-16", "published: 2024-01-20")
    repo = write(tmp_path, {
        "a/unit.yaml": UNIT, "a/plans/2024.yaml": late,
        "b/unit.yaml": UNIT.replace("东庄村", "西王村"),
    })
    status = build(run(load_repository(repo), dt.date(2024, 7, 15)), 2024)
    a, b = status.units
    assert a.adoption == "late" and a.figures.adoption_on_time == 0 and a.figures.adoption_complete == 1
    assert b.adoption == "missing" and b.figures.plans == 0 and b.figures.overdue == 1  # the plan itself
    assert any("没有 2024 年度公开方案" in r.zh for r in b.reasons)
    assert status.total.adoption_on_time == 0 and status.total.plans == 1


def test_cli_formats_and_exit_codes(tmp_path: Path) -> None:
    args = ["status", str(EXAMPLE), "--as-of", "2024-12-31"]
    table = cli.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "合计（5个单位）" in table.stdout and "93.9%" in table.stdout and "188/189" in table.stdout
    en = cli.invoke(app, [*args, "--lang", "en"])
    assert "Town total (5 units)" in en.stdout and "on-time rate" in en.stdout

    raw = cli.invoke(app, [*args, "--format", "csv"]).stdout_bytes
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["单位编号", "单位", "已到期", "按时"]
    assert rows[-1][1] == "合计（5个单位）" and rows[-1][2] == "188"
    nanhe = next(r for r in rows if r[0] == "nanhe")
    assert dict(zip(rows[0], nanhe))["逾期"] == "1" and dict(zip(rows[0], nanhe))["按时率"] == "93.9%"

    data = json.loads(cli.invoke(app, [*args, "--format", "json"]).stdout)
    assert data["as_of"] == "2024-12-31" and data["year"] == 2024
    assert data["total"]["due"] == 188 and data["total"]["on_time_rate"] == round(186 / 188, 4)
    assert [u["unit"] for u in data["units"]] == ["binhe-shequ", "dongzhuang", "nanhe", "xincun-shequ", "xiwang"]
    en = json.loads(cli.invoke(app, [*args, "--format", "json", "--lang", "en"]).stdout)
    assert "the plan leaves out 1 catalog item(s)" in en["units"][0]["reasons"]

    bad = cli.invoke(app, [*args, "--format", "pdf"])
    assert bad.exit_code == 2 and "--format 只能是 table | csv | json | html，收到“pdf”" in bad.output
    nobody = cli.invoke(app, ["status", str(tmp_path)])
    assert nobody.exit_code == 2 and "没有找到任何单位" in nobody.output
    year = cli.invoke(app, [*args, "--year", "99"])
    assert year.exit_code == 2


def test_output_is_deterministic_and_written_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "status.html"
    args = ["status", str(EXAMPLE), "--as-of", "2024-12-31", "--format", "html"]
    assert cli.invoke(app, [*args, "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == cli.invoke(app, args).stdout_bytes


def test_html_is_self_contained_with_heatmap_and_legend(example_status) -> None:  # type: ignore[no-untyped-def]
    from gongkai.report.status_formats import html

    page = html(example_status, "zh")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "@page { size: A4 landscape" in page
    assert not re.search(r"<script|<link|src=\"http|url\(", page)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count("<rect") >= 5 * 12  # every unit, every month
    for legend in ("按时", "迟了", "逾期", "未到期", "无事项"):
        assert f">{legend}</text>" in svg
    assert ">1/5</text>" in svg and ">1/1</text>" in svg  # nanhe: July (1 of 5 late), November (overdue)
    assert "哪些单位落后，为什么" in page and "&lt;" not in page.split("<body>")[0]


def test_text_from_the_repository_is_escaped(tmp_path: Path) -> None:
    from gongkai.report.status_formats import html

    repo = write(tmp_path, {"unit.yaml": UNIT.replace("name: 东庄村", 'name: "<b>东庄村</b>"'),
                            "plans/2024.yaml": plan_yaml([])})
    page = html(build(run(load_repository(repo), dt.date(2024, 7, 15)), 2024), "zh")
    assert "<b>东庄村" not in page and "&lt;b&gt;东庄村&lt;/b&gt;" in page


# ---------------------------------------------------------------- a real browser


@pytest.mark.slow
def test_html_page_prints_on_one_a4_landscape_page(tmp_path: Path) -> None:
    from test_browser import browser, chromium, pdf_pages, pdf_text, squash

    if browser() is None:
        pytest.skip("no Chromium or Chrome found (Debian: apt-get install chromium); set GONGKAI_CHROMIUM")
    page = tmp_path / "status.html"
    assert cli.invoke(app, ["status", str(EXAMPLE), "--as-of", "2024-12-31", "-f", "html", "-o", str(page)]).exit_code == 0
    pdf, png = tmp_path / "status.pdf", tmp_path / "status.png"
    chromium(page, tmp_path, f"--print-to-pdf={pdf}")
    chromium(page, tmp_path, f"--screenshot={png}", "--window-size=1123,794", "--hide-scrollbars")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, ARTIFACTS / "status-2024.pdf")
    shutil.copyfile(png, ARTIFACTS / "status-2024.png")
    assert pdf_pages(pdf) == 1
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Page size:\s+84[12](\.\d+)? x 59[45](\.\d+)? pts", info), info
    flat = squash(pdf_text(pdf))
    for text in ("花园口镇2024年度村（居）务公开情况", "南河村", "滨河社区", "合计（5个单位）", "98.9%", "93.9%",
                 "哪些单位落后，为什么", "逾期33天"):
        assert squash(text) in flat, text
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 20_000


BROKEN = {
    "a/unit.yaml": "name: [\n",
    "b/unit.yaml": "name: 乙村\nkind: village\n",
    "b/plans/2024.yaml": "year: 2024\nitems:\n  - item: village/finance/1\n",
    "b/records/q1.yaml": "item: village/finance/1\nperiod: 2024-Q1\npublished: 2024-02-30\n"
                         "finance: {opening_balance: 1, closing_balance: x}\n",
}


@pytest.mark.parametrize("command", [["status"], ["status", "-f", "html"], ["calendar", "-f", "ics"],
                                     ["export", "register"]])
def test_broken_files_are_noted_never_a_traceback(tmp_path: Path, command: list[str]) -> None:
    repo = write(tmp_path, BROKEN)
    result = cli.invoke(app, [*command, str(repo), "--as-of", "2024-12-31"])
    assert result.exit_code == 0, result.output
    assert "注意：有 2 个文件有错误，其中的内容可能没有算进来；运行 gongkai check 查看" in result.output
    assert "Traceback" not in result.output


def test_unreadable_dates_and_amounts_are_not_counted_as_good(tmp_path: Path) -> None:
    """b: the plan was never published (overdue), Q1's record has an impossible date (neither on time nor
    overdue: unknown) and amounts that cannot be read (not known to balance), Q2 and Q3 are overdue."""
    status = build(run(load_repository(write(tmp_path, BROKEN)), dt.date(2024, 12, 31)), 2024)
    a, b = status.units
    assert a.figures.due == 0 and a.adoption == "none" and a.figures.errors == 1
    f = b.figures
    assert (f.due, f.on_time, f.overdue, f.unknown, f.upcoming) == (4, 0, 3, 1, 1)
    assert (f.statements, f.balanced, f.chained) == (1, 0, 0)
    assert any("公开日期无法识别" in r.zh for r in b.reasons) and any("金额无法读取" in r.zh for r in b.reasons)
    from gongkai.report.status_formats import table

    assert "0，日期不明1" in table(status, "zh")
