"""Timeliness: every obligation of SPEC's timing table, at its edges. Each test lists every finding."""

from __future__ import annotations

from conftest import ADOPTION, UNIT, findings, plan_yaml, problems

FIN = "village/finance/1"


def rec(item: str, period: str | None, published: str, extra: str = "") -> str:
    p = f"period: {period}\n" if period else ""
    return f"item: {item}\n{p}published: {published}\nreviewed: {{by: 赵六, date: {published}}}\n{extra}"


def test_quarterly_met_in_window(unit) -> None:
    root = unit({"records/q1.yaml": rec(FIN, "2024-Q1", "2024-04-10"),
                 "records/q2.yaml": rec(FIN, "2024-Q2", "2024-07-01")}, items=[FIN])
    assert findings(root, "2024-07-15") == []


def test_quarterly_overdue_late_early(unit) -> None:
    root = unit({"records/q1.yaml": rec(FIN, "2024-Q1", "2024-04-15"),   # 5 days late
                 "records/q3.yaml": rec(FIN, "2024-Q3", "2024-09-20")},  # before Q3 ended
                items=[FIN])
    got = problems(root, "2024-10-01")
    assert [(p.path, p.line, p.code, p.severity) for p in got] == [
        ("plans/2024.yaml", 11, "overdue", "error"),   # Q2 missing, due 07-10
        ("plans/2024.yaml", 11, "due-soon", "info"),   # Q3 ... no: Q3 met early; this is nothing
    ][:1] + [
        ("records/q1.yaml", 3, "late", "warning"),
        ("records/q3.yaml", 3, "early", "warning"),
    ]
    overdue = got[0]
    assert "2024年第二季度" in overdue.message.zh and "已逾期 83 天" in overdue.message.zh
    assert "period: 2024-Q2" in overdue.message.zh
    assert "十日内" in overdue.basis.zh or "10日内" in overdue.basis.zh
    assert "5 天" in got[1].message.zh


def test_overdue_starts_the_day_after_due(unit) -> None:
    root = unit(items=[FIN])
    assert findings(root, "2024-04-10") == [("plans/2024.yaml", 11, "due-soon", "info")]
    assert findings(root, "2024-04-11") == [("plans/2024.yaml", 11, "overdue", "error")]
    assert findings(root, "2024-03-27") == [("plans/2024.yaml", 11, "due-soon", "info")]  # 14 days left
    assert findings(root, "2024-03-26") == []  # 15 days left


def test_q4_is_due_next_january(unit) -> None:
    root = unit({f"records/{q}.yaml": rec(FIN, f"2024-{q}", d) for q, d in
                 (("Q1", "2024-04-02"), ("Q2", "2024-07-02"), ("Q3", "2024-10-02"))}, items=[FIN])
    got = problems(root, "2024-12-31")
    assert [(p.code, p.severity) for p in got] == [("due-soon", "info")]
    assert "2025-01-10" in got[0].message.zh and "还剩 10 天" in got[0].message.zh
    assert findings(root, "2025-01-11")[0][2:] == ("overdue", "error")


def test_monthly_when_busy(unit) -> None:
    busy = UNIT.replace("since: 2024-01-01", "since: 2024-01-01\nfinance_monthly: true")
    files = {f"records/m{m:02d}.yaml": rec(FIN, f"2024-{m:02d}", f"2024-{m + 1:02d}-05") for m in range(1, 6)}
    root = unit(files, items=[FIN], unit_yaml=busy)
    got = problems(root, "2024-07-15")
    assert [(p.code, p.severity) for p in got] == [("overdue", "error")]  # June, due 07-10
    assert "2024年6月" in got[0].message.zh and "每月" in got[0].basis.zh


def test_plan_schedule_override_wins(unit) -> None:
    root = unit(items=[], extra_items=f"- {{item: {FIN}, schedule: monthly}}")
    got = findings(root, "2024-02-11")
    assert got == [("plans/2024.yaml", 11, "overdue", "error")]  # January, due 02-10


def test_since_mid_year(unit) -> None:
    mid = UNIT.replace("since: 2024-01-01", "since: 2024-05-15")
    root = unit(items=[FIN, "village/system/1"], unit_yaml=mid)
    got = findings(root, "2024-07-11")
    # Q1 ended before since: not derived; Q2 overdue; the standing item is due with Q2 (07-10)
    assert got == [("plans/2024.yaml", 11, "overdue", "error"), ("plans/2024.yaml", 12, "overdue", "error")]


def test_standing_in_force(unit) -> None:
    std = "village/system/1"
    root = unit({"records/s.yaml": f"item: {std}\npublished: 2023-06-01\n"}, items=[std])
    assert findings(root, "2024-07-15") == []
    root = unit({"records/s.yaml": f"item: {std}\npublished: 2023-06-01\nuntil: 2024-05-01\n"}, items=[std])
    got = problems(root, "2024-07-15")
    assert [(p.code, p.line) for p in got] == [("overdue", 11)]
    assert "长期公开事项" in got[0].message.zh
    root = unit({"records/s.yaml": f"item: {std}\npublished: 2024-05-01\n"}, items=[std])
    assert findings(root, "2024-07-15") == [("records/s.yaml", 2, "late", "warning")]


def test_immediate_event(unit) -> None:
    event = "date: 2024-03-05\ntype: meeting\ntitle: 村民代表会议\nitem: village/affairs/7\n"
    root = unit({"events/2024-03-05-rep.yaml": event,
                 "records/e.yaml": "item: village/affairs/7\npublished: 2024-03-07\nevent: 2024-03-05-rep\n"})
    assert findings(root) == []
    root = unit({"events/2024-03-05-rep.yaml": event,
                 "records/e.yaml": "item: village/affairs/7\npublished: 2024-03-08\nevent: 2024-03-05-rep\n"})
    assert findings(root) == [("records/e.yaml", 2, "late", "warning")]
    root = unit({"events/2024-03-05-rep.yaml": event})
    got = problems(root)
    assert [(p.path, p.line, p.code) for p in got] == [("events/2024-03-05-rep.yaml", 1, "overdue")]
    assert "event: 2024-03-05-rep" in got[0].message.zh


def test_a_record_without_its_naming_key_meets_nothing(unit) -> None:
    event = "date: 2024-03-05\ntype: meeting\ntitle: 会议\nitem: village/affairs/7\n"
    root = unit({"events/e1.yaml": event, "records/e.yaml": "item: village/affairs/7\npublished: 2024-03-06\n"})
    assert [f[2] for f in findings(root)] == ["overdue"]


def test_joint_request_thresholds(unit) -> None:
    def jr(n: int, reps: int = 0) -> dict[str, str]:
        return {"events/jr.yaml": f"date: 2024-05-01\ntype: joint_request\ntitle: 联名要求公开道路工程账目\n"
                                  f"item: village/affairs/11\nsignatures: {{villagers: {n}, representatives: {reps}}}\n"}
    assert [f[2:] for f in findings(unit(jr(186)))] == [("overdue", "error")]          # 1860 / 10 = 186: at the bound
    got = problems(unit(jr(185)))
    assert [(p.code, p.severity, p.line) for p in got] == [("threshold", "info", 5)]    # one below
    assert "186" in got[0].message.zh and "9" in got[0].message.zh
    assert [f[2] for f in findings(unit(jr(0, 9)))] == ["overdue"]                       # 45 / 5 = 9 representatives
    no_counts = UNIT.replace("villagers: 1860\n", "").replace("representatives: 45\n", "")
    assert [f[2] for f in findings(unit(jr(3), unit_yaml=no_counts))] == ["overdue"]      # unknown counts: mandatory


def test_phased_project(unit) -> None:
    project = "title: 村道硬化工程\nitem: village/affairs/11\nstart: 2024-04-01\nend: 2024-09-30\n"
    base = {"projects/2024-road.yaml": project}
    r = "item: village/affairs/11\nproject: 2024-road\n"
    ok = dict(base)
    ok["records/before.yaml"] = r + "phase: before\npublished: 2024-03-25\n"
    ok["records/during.yaml"] = r + "phase: during\nperiod: 2024-Q2\npublished: 2024-07-05\n"
    ok["records/after.yaml"] = r + "phase: after\npublished: 2024-10-08\n"
    assert findings(unit(ok), "2024-12-31") == []
    got = problems(unit(base), "2024-12-31")
    assert [(p.line, p.code) for p in got] == [(3, "overdue"), (3, "overdue"), (4, "overdue")]
    assert sorted(next(ph for ph in ("事前", "事中", "事后") if ph in p.message.zh) for p in got) == ["事中", "事前", "事后"]
    assert "phase: during、period: 2024-Q2" in " ".join(p.message.zh for p in got)
    # under way: during is derived up to the as-of date
    running = {"projects/p.yaml": "title: 改造\nitem: village/affairs/11\nstart: 2024-04-01\n",
               "records/b.yaml": "item: village/affairs/11\nproject: p\nphase: before\npublished: 2024-04-01\n"}
    assert findings(unit(running), "2024-07-11") == [("projects/p.yaml", 3, "overdue", "error")]
    assert findings(unit(running), "2024-06-30") == []


def test_feedback_answers(unit) -> None:
    fb = "type: inquiry\nreceived: 2024-06-02\nfrom: 村民李某\nsummary: 对误工补贴有疑问\n"
    assert findings(unit({"feedback/a.yaml": fb + "answered: 2024-06-12\nanswer: 已答复\n"})) == []
    assert findings(unit({"feedback/a.yaml": fb + "answered: 2024-06-13\n"})) == [("feedback/a.yaml", 5, "late", "warning")]
    got = problems(unit({"feedback/a.yaml": fb}))
    assert [(p.path, p.line, p.code) for p in got] == [("feedback/a.yaml", 2, "overdue")]
    assert "answered" in got[0].message.zh


def test_inspection_and_fixes(unit) -> None:
    root = unit({"inspections/2024.yaml": "date: 2024-06-01\nfindings:\n  - board: main\n    problems: [rusty, 乱]\n"
                                          "    fix_by: 2024-06-30\n"})
    assert findings(root, "2024-07-15") == [("inspections/2024.yaml", 3, "overdue", "error")]
    root = unit({"inspections/2024.yaml": "date: 2024-06-01\nfindings:\n  - board: main\n    problems: [rusty]\n"
                                          "    fix_by: 2024-06-30\n    fixed: 2024-07-02\n"})
    assert findings(root, "2024-07-15") == [("inspections/2024.yaml", 6, "late", "warning")]
    root = unit({"inspections/2024.yaml": "date: 2025-01-05\n"})  # not yet inspected in 2024
    assert findings(root, "2024-12-20") == [("unit.yaml", None, "due-soon", "info")]
    assert findings(root, "2025-01-01") == [("unit.yaml", None, "overdue", "error")]


def test_plan_missing_publication_and_late(unit) -> None:
    root = unit()
    assert findings(root, "2025-03-20") == [("unit.yaml", None, "due-soon", "info")]
    got = problems(root, "2025-04-01")
    assert [(p.path, p.code, p.severity) for p in got] == [("unit.yaml", "plan-missing", "error")]
    assert "plans/2025.yaml" in got[0].message.zh
    late = unit(adoption=ADOPTION.replace("published: 2024-01-16", "published: 2024-01-18"))
    got = problems(late, "2024-07-15")
    assert [(p.path, p.line, p.code) for p in got] == [("plans/2024.yaml", 8, "plan-late")]
    assert "2024-01-17" in got[0].message.zh
    unpublished = unit(adoption=ADOPTION.replace("  published: 2024-01-16\n", ""))
    assert findings(unpublished, "2024-01-17") == [("plans/2024.yaml", 7, "due-soon", "info")]
    assert findings(unpublished, "2024-01-18") == [("plans/2024.yaml", 7, "overdue", "error")]


def test_records_after_as_of_do_not_count(unit) -> None:
    root = unit({"records/q1.yaml": rec(FIN, "2024-Q1", "2024-04-08")}, items=[FIN])
    assert [f[2] for f in findings(root, "2024-04-07")] == ["due-soon"]


def test_future_events_owe_nothing_yet(unit) -> None:
    event = "date: 2024-03-05\ntype: meeting\ntitle: 村民代表会议\nitem: village/affairs/7\n"
    root = unit({"events/e.yaml": event})
    assert findings(root, "2024-03-04") == []
    assert findings(root, "2024-03-05") == [("events/e.yaml", 1, "due-soon", "info")]


def test_standing_item_of_a_past_year_is_judged_at_that_years_end(unit) -> None:
    std = "village/system/1"
    plan_2025 = plan_yaml([std], year=2025, adoption=ADOPTION.replace("2024", "2025"))
    root = unit({"plans/2025.yaml": plan_2025, "inspections/2025.yaml": "date: 2025-06-01\n",
                 "records/old.yaml": f"item: {std}\npublished: 2024-01-20\nuntil: 2025-03-01\n",
                 "records/new.yaml": f"item: {std}\npublished: 2025-03-01\n"}, items=[std])
    assert findings(root, "2025-07-01") == []  # 2024: the old sheet was up all year; 2025: the new one is up
