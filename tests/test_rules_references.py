"""References, unknown items and duplicate records."""

from __future__ import annotations

from conftest import findings, problems

REC = "item: village/system/1\npublished: 2024-01-20\n"


def test_references_name_something(unit) -> None:
    root = unit({
        "records/a.yaml": REC + "event: nope\nboards: [main, east]\n",
        "records/b.yaml": REC + "supersedes: records/zzz\n",
        "records/c.yaml": REC + "project: road\nphase: before\n",
        "feedback/f.yaml": "type: inquiry\nreceived: 2024-02-01\nabout: records/none\nanswered: 2024-02-02\n",
        "inspections/2024.yaml": "date: 2024-06-01\nfindings:\n  - {board: north, problems: [old]}\n",
    }, items=["village/system/1"])
    got = problems(root, "2024-02-10")
    assert [(p.path, p.line, p.code) for p in got] == [
        ("feedback/f.yaml", 3, "reference"),
        ("inspections/2024.yaml", 3, "reference"),
        ("records/a.yaml", 3, "reference"),
        ("records/a.yaml", 4, "reference"),
        ("records/b.yaml", 3, "reference"),
        ("records/c.yaml", 3, "reference"),
    ]
    assert "east" in got[3].message.zh


def test_unknown_item_in_record_suggests(unit) -> None:
    root = unit({"records/x.yaml": "item: village/finanse/1\nperiod: 2024-Q1\npublished: 2024-04-02\n"})
    got = problems(root, "2024-02-10")
    assert [(p.line, p.code) for p in got] == [(1, "unknown-item")]
    assert "是否应为 village/finance/1" in got[0].message.zh
    assert "did you mean village/finance/1" in got[0].message.en


def test_duplicate_records_and_corrections(unit) -> None:
    base = "item: village/finance/4\nperiod: 2024-Q1\npublished: 2024-04-05\nreviewed: {by: 赵六, date: 2024-04-04}\n"
    root = unit({"records/a.yaml": base, "records/b.yaml": base}, items=["village/finance/4"])
    got = problems(root, "2024-04-20")
    assert [(p.path, p.line, p.code) for p in got] == [("records/b.yaml", 2, "duplicate")]
    assert "supersedes: records/a" in got[0].message.zh
    fixed = unit({"records/a.yaml": base, "records/b.yaml": base + "supersedes: records/a\n",
                  "records/c.yaml": base + "supersedes: records/b\n"}, items=["village/finance/4"])
    assert findings(fixed, "2024-04-20") == []


def test_correction_keeps_the_timeliness_of_what_it_replaces(unit) -> None:
    first = "item: village/finance/4\nperiod: 2024-Q1\npublished: 2024-04-05\nreviewed: {by: 赵六, date: 2024-04-04}\n"
    again = first.replace("2024-04-05", "2024-05-20").replace("2024-04-04", "2024-05-19") + "supersedes: records/a\n"
    root = unit({"records/a.yaml": first, "records/b.yaml": again}, items=["village/finance/4"])
    assert findings(root, "2024-06-01") == []
    late = first.replace("2024-04-05", "2024-04-12")
    root = unit({"records/a.yaml": late, "records/b.yaml": again}, items=["village/finance/4"])
    assert findings(root, "2024-06-01") == [("records/a.yaml", 3, "late", "warning")]


def test_event_and_project_ids(unit) -> None:
    ev = "date: 2024-03-05\ntype: meeting\ntitle: 会议\nitem: village/affairs/7\n"
    root = unit({"events/2024/a.yaml": ev, "events/b.yaml": "id: 2024/a\n" + ev,
                 "records/r.yaml": "item: village/affairs/7\npublished: 2024-03-06\nevent: 2024/a\n"})
    assert findings(root, "2024-04-01") == [("events/b.yaml", 1, "duplicate", "error")]


def test_periodic_records_need_the_right_period(unit) -> None:
    from conftest import UNIT

    rec = "item: village/finance/4\npublished: 2024-04-05\nreviewed: {by: 赵六, date: 2024-04-04}\n"
    root = unit({"records/a.yaml": rec}, items=["village/finance/4"])
    got = problems(root, "2024-04-08")
    assert [(p.path, p.line, p.code) for p in got] == [("plans/2024.yaml", 11, "due-soon"), ("records/a.yaml", 1, "schema")]
    assert "period" in got[1].message.zh and "2024-Q1" in got[1].message.zh
    busy = UNIT.replace("since: 2024-01-01", "since: 2024-01-01\nfinance_monthly: true")
    q = "item: village/finance/1\nperiod: 2024-Q1\npublished: 2024-04-05\nreviewed: {by: 赵六, date: 2024-04-04}\n"
    root = unit({"records/q.yaml": q}, items=["village/finance/1"], unit_yaml=busy)
    got = [p for p in problems(root, "2024-02-05") if p.code == "schema"]
    assert [(p.line, p.code) for p in got] == [(2, "schema")]
    assert "每月公开" in got[0].message.zh and "2024-01" in got[0].message.zh
    # an item the plan does not list that year owes nothing: no period is asked for, the record meets nothing
    # (issue 7: it is `unmatched`, at its item, saying to add the item to the plan)
    root = unit({"records/a.yaml": rec})
    assert findings(root, "2024-04-08") == [("records/a.yaml", 1, "unmatched", "warning")]
