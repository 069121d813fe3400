"""`gongkai calendar`: every deadline of the year per unit; the .ics parses with the `icalendar` library, its
events are the obligations, its UIDs are stable, and it follows RFC 5545 (CRLF, folding, escaping)."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
import shutil
from pathlib import Path

import pytest
from conftest import UNIT, plan_yaml, write
from markdown_it import MarkdownIt
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers every command on the app
from gongkai import ics as I
from gongkai.cli.app import app
from gongkai.obligations import compute
from gongkai.repo import load_repository

icalendar = pytest.importorskip("icalendar")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "huayuankou"
AS_OF = "2024-07-01"
cli = CliRunner()


def ics_bytes(path: Path, *extra: str) -> bytes:
    result = cli.invoke(app, ["calendar", str(path), "--as-of", AS_OF, "--format", "ics", *extra])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def events(data: bytes) -> list:
    cal = icalendar.Calendar.from_ical(data)
    return list(cal.walk("VEVENT"))


def test_ics_events_equal_the_obligations() -> None:
    data = ics_bytes(EXAMPLE)
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and "gongkai" in str(cal["PRODID"])
    expected = sorted((ob.unit_name, ob.due, ob.status) for uo in compute(load_repository(EXAMPLE), dt.date(2024, 7, 1))
                      for ob in uo.obligations if ob.due.year == 2024)
    got = []
    for ev in cal.walk("VEVENT"):
        start = ev["DTSTART"].dt
        assert type(start) is dt.date  # all-day: DTSTART;VALUE=DATE
        assert ev["DTEND"].dt == start + dt.timedelta(days=1)
        assert ev["DTSTAMP"].dt == dt.datetime(2024, 7, 1, tzinfo=dt.timezone.utc)
        summary = str(ev["SUMMARY"])
        name = summary.removeprefix("✓ ").removeprefix("【逾期】").split("：", 1)[0]
        status = "done" if summary.startswith("✓ ") else "overdue" if summary.startswith("【逾期】") else "open"
        got.append((name, start, status))
        alarms = list(ev.walk("VALARM"))
        if status == "done":
            assert not alarms
        else:
            (alarm,) = alarms
            assert str(alarm["ACTION"]) == "DISPLAY"
            assert alarm["TRIGGER"].dt == -dt.timedelta(days=2, hours=15)  # 09:00, three days before
    done = {"met", "early", "late"}
    assert sorted(got) == [(n, d, "done" if s in done else "overdue" if s == "overdue" else "open")
                           for n, d, s in expected]


def test_example_2024_has_every_deadline_as_of_year_end() -> None:
    """As of 2024-12-31 the 2024 deadlines are the 188 obligations counted in test_status (56 + 34 + 33 + 35 + 30)."""
    result = cli.invoke(app, ["calendar", str(EXAMPLE), "--as-of", "2024-12-31", "--format", "ics"])
    evs = events(result.stdout_bytes)
    assert len(evs) == 188
    assert len({str(e["UID"]) for e in evs}) == 188
    well = [e for e in evs if "机井" in str(e["SUMMARY"])]
    (well_event,) = well
    assert str(well_event["SUMMARY"]).startswith("【逾期】南河村：答复质询/意见") and well_event["DTSTART"].dt == dt.date(2024, 11, 28)
    assert "nanhe/feedback/2024/2024-11-18-well-repair.yaml:4" in str(well_event["DESCRIPTION"])


def test_uids_are_stable_across_runs_and_places(tmp_path: Path) -> None:
    first = ics_bytes(EXAMPLE)
    assert ics_bytes(EXAMPLE) == first  # byte-identical: DTSTAMP comes from --as-of, not the clock
    moved = tmp_path / "elsewhere" / "town"
    shutil.copytree(EXAMPLE, moved)
    assert ics_bytes(moved) == first  # nothing depends on where the repository lives
    later = cli.invoke(app, ["calendar", str(EXAMPLE), "--as-of", "2024-12-31", "--format", "ics"]).stdout_bytes
    before = {str(e["UID"]): str(e["SUMMARY"]) for e in events(first)}
    after = {str(e["UID"]): str(e["SUMMARY"]) for e in events(later)}
    # importing the later calendar updates the events of the earlier one: the same UIDs, now marked done
    assert set(before) <= set(after)
    q2 = [u for u, s in before.items() if "村级财务收支情况（2024年第二季度）" in s and s.startswith("西王村")]
    assert len(q2) == 1 and after[q2[0]].startswith("✓ 西王村")


def test_rfc5545_lines_folding_and_escaping(tmp_path: Path) -> None:
    title = "讨论, 分配; 方案 \\ 第二稿，以及" + "很长的标题" * 10
    repo = write(tmp_path, {
        "unit.yaml": UNIT, "plans/2024.yaml": plan_yaml(["village/affairs/7"]),
        "events/2024-07-20-meeting.yaml": f"date: 2024-06-30\ntype: meeting\ntitle: '{title}'\nitem: village/affairs/7\n",
    })
    data = ics_bytes(repo)
    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)  # every line ends in CRLF, no bare LF
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # folding never cuts a UTF-8 sequence
    unfolded = data.replace(b"\r\n ", b"").decode("utf-8")
    assert "SUMMARY:东庄村：讨论\\, 分配\\; 方案 \\\\ 第二稿，以及很长的标题" in unfolded
    assert "DESCRIPTION:事项：village/affairs/7\\n期间：2024-07-20-meeting\\n" in unfolded
    (ev,) = [e for e in events(data) if "讨论" in str(e["SUMMARY"])]
    assert str(ev["SUMMARY"]) == "东庄村：" + title  # what a calendar program reads back
    assert ev["DTSTART"].dt == dt.date(2024, 7, 2)  # meeting 06-30 + 2 days


def test_fold_and_escape_units() -> None:
    assert I.escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    folded = I.fold("DESCRIPTION:" + "x" * 63 + "\\n" + "y" * 10)
    first, second = folded.split("\r\n")
    assert len(first) == 75 and second.startswith(" ") and first.endswith("x") and second == " \\n" + "y" * 10
    assert I.fold("X:" + "中" * 30).split("\r\n")[0].encode() == ("X:" + "中" * 24).encode()  # 2 + 72 octets
    assert I.trigger_before(3) == "-P2DT15H" and I.trigger_before(1) == "-PT15H" and I.trigger_before(0) == "PT9H"


def test_table_md_unit_filter_and_exit_codes(tmp_path: Path) -> None:
    args = ["calendar", str(EXAMPLE), "--as-of", "2024-12-31"]
    table = cli.invoke(app, [*args, "--unit", "南河村"])
    assert table.exit_code == 0, table.output
    assert "南河村（nanhe）：33 个期限" in table.stdout and "东庄村" not in table.stdout
    lines = [line for line in table.stdout.splitlines() if line.startswith("  2024-")]
    dates = [line.split()[0] for line in lines]
    assert len(lines) == 33 and dates == sorted(dates)  # in date order
    assert "逾期 33 天" in table.stdout and "迟 5 天完成（2024-07-15）" in table.stdout
    md = cli.invoke(app, [*args, "--unit", "xiwang", "--format", "md", "--lang", "en"])
    assert md.exit_code == 0 and md.stdout.startswith("# 花园口镇: disclosure deadlines of 2024")
    assert "## 西王村 (xiwang): 34 deadlines" in md.stdout and "| due | what |" in md.stdout
    unknown = cli.invoke(app, [*args, "--unit", "nanhee"])
    assert unknown.exit_code == 2 and "没有单位“nanhee”（是不是 nanhe？）" in unknown.output
    bad = cli.invoke(app, [*args, "--format", "ical"])
    assert bad.exit_code == 2 and "--format 只能是 table | md | ics" in bad.output
    assert cli.invoke(app, ["calendar", str(tmp_path)]).exit_code == 2


def test_remind_option_changes_the_alarm(tmp_path: Path) -> None:
    data = ics_bytes(EXAMPLE, "--remind", "7", "--unit", "nanhe")
    alarms = [a for e in events(data) for a in e.walk("VALARM")]
    assert alarms and all(a["TRIGGER"].dt == -dt.timedelta(days=6, hours=15) for a in alarms)


def test_markdown_shows_paths_and_ids_as_written(tmp_path: Path) -> None:
    """Paths and item ids stand in code spans, where Markdown shows every character as written: escaping them
    as text would print the backslashes; the overdue status stays bold, other text is escaped."""
    repo = write(tmp_path, {
        "unit.yaml": UNIT, "plans/2024.yaml": plan_yaml(["village/affairs/7"]),
        "events/[急]_会议*1.yaml": "date: 2024-06-30\ntype: meeting\ntitle: '<b>讨论</b> *方案*'\nitem: village/affairs/7\n",
    })
    md = cli.invoke(app, ["calendar", str(repo), "--as-of", "2024-07-15", "--format", "md"]).stdout
    (row,) = [line for line in md.splitlines() if "会议" in line]
    assert "`events/[急]_会议*1.yaml:1`" in row and "`village/affairs/7`" in row
    assert "\\[" not in row.split("`")[1] and "<b>" not in row and "**逾期" in row


def test_markdown_code_spans_render_as_written_even_with_backticks(tmp_path: Path) -> None:
    """Rendered by a Markdown reader (markdown-it, GFM tables), every path and item id shows exactly as written
    and stays in a code span: no backslash shown, and a name with backticks or `|` neither breaks out of its span
    nor splits the row."""
    repo = tmp_path / "huayuankou"
    shutil.copytree(EXAMPLE, repo)
    name = "events/2024-06-30-`急`_会议*|[1].yaml"
    write(repo / "dongzhuang", {name: "date: 2024-06-30\ntype: meeting\ntitle: 村民代表会议\nitem: village/affairs/7\n"})
    result = cli.invoke(app, ["calendar", str(repo), "--as-of", "2024-07-15", "-f", "md", "--unit", "dongzhuang"])
    assert result.exit_code == 0, result.output
    html = MarkdownIt("commonmark").enable("table").render(result.stdout)
    rows = [re.findall(r"<td>(.*?)</td>", r, re.S) for r in re.findall(r"<tr>(.*?)</tr>", html, re.S)]
    rows = [r for r in rows if r]
    assert f"## 东庄村（dongzhuang）：{len(rows)} 个期限" in result.stdout  # one table row per deadline
    for cells in rows:
        assert len(cells) == 6
        path = cells[5]
        assert path.startswith("<code>") and path.endswith("</code>"), path
        assert "\\" not in htmllib.unescape(path)
    (mine,) = [r for r in rows if "会议*" in r[5]]
    assert htmllib.unescape(mine[5]) == f"<code>dongzhuang/{name}:1</code>"
    assert mine[2] == "<code>village/affairs/7</code>" and mine[3] == "<strong>逾期 13 天</strong>"
