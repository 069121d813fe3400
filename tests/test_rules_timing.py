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
    got = problems(root)
    assert [(p.path, p.line, p.column, p.code, p.severity) for p in got] == [
        ("events/e1.yaml", 1, 7, "overdue", "error"), ("records/e.yaml", 1, 7, "unmatched", "warning")]
    assert "记录要写 event: 事件编号" in got[1].message.zh and "needs event:" in got[1].message.en


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


# ---------------------------------------------------------------- issue 7: records that meet nothing, standing items, since


def cli_check(root, day: str):  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    import gongkai.cli  # noqa: F401
    from gongkai.cli.app import app

    return CliRunner().invoke(app, ["check", str(root), "--as-of", day])


def test_record_of_an_item_the_plan_calls_not_applicable_is_unmatched(unit, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    import gongkai.cli  # noqa: F401
    from gongkai.cli.app import app

    root = unit({"records/x.yaml": "item: village/system/3\npublished: 2024-01-05\n"})
    got = problems(root)
    assert [(p.path, p.line, p.column, p.code, p.severity) for p in got] == [
        ("records/x.yaml", 1, 7, "unmatched", "warning")]
    assert got[0].message.zh.startswith("plans/2024.yaml 把 village/system/3 列为不适用（not_applicable：本年度无此事项）")
    assert "移到 items" in got[0].message.zh and "move it from not_applicable to items" in got[0].message.en
    r = CliRunner().invoke(app, ["check", str(root), "--as-of", "2024-07-15"])
    assert r.exit_code == 0 and "records/x.yaml:1:7: warning[unmatched]" in r.stdout
    # a quarterly item the plan does not list, written without period: the plan is the cause, not the period
    root = unit({"records/f2.yaml": "item: village/finance/2\npublished: 2024-04-05\nreviewed: {by: 赵六, date: 2024-04-05}\n"})
    got = problems(root)
    assert [(p.path, p.line, p.column, p.code) for p in got] == [("records/f2.yaml", 1, 7, "unmatched")]
    assert "列为不适用" in got[-1].message.zh
    assert CliRunner().invoke(app, ["check", str(root), "--as-of", "2024-07-15", "--strict"]).exit_code == 1


def test_record_of_an_item_missing_from_the_plan_is_unmatched(unit) -> None:
    # village/affairs/21 (其他…) is optional: a plan may leave it out, but then a record of it meets nothing
    root = unit({"records/other.yaml": "item: village/affairs/21\nperiod: 2024-Q1\npublished: 2024-04-05\n"})
    got = problems(root)
    assert [(p.path, p.line, p.code) for p in got] == [("records/other.yaml", 1, "unmatched")]
    assert "village/affairs/21 不在 2024 年度公开方案 plans/2024.yaml 的 items 里" in got[0].message.zh
    assert "请把 village/affairs/21 加到方案的 items" in got[0].message.zh


def test_period_in_a_year_without_a_plan_is_unmatched_whatever_the_as_of_date(unit) -> None:
    root = unit({"records/q.yaml": rec(FIN, "2025-Q1", "2025-04-05")}, items=[FIN])
    # the 2025 plan is due 03-31: before that it may still come
    assert [p for p in problems(root, "2025-03-31") if p.path == "records/q.yaml"] == []
    for day in ("2025-04-01", "2025-12-31"):  # a file is read whatever --as-of: published after it or not
        got = [p for p in problems(root, day) if p.path == "records/q.yaml"]
        assert [(p.line, p.column, p.code, p.severity) for p in got] == [(2, 9, "unmatched", "warning")]
        assert "期间 2025-Q1 在 2025 年，但没有 2025 年度公开方案 plans/2025.yaml" in got[0].message.zh
        assert "请制定 plans/2025.yaml 并把 village/finance/1 列入 items" in got[0].message.zh


def test_standing_record_counts_in_every_plan_year_it_is_up(unit) -> None:
    std = "village/system/1"
    # posted in 2023 (no plan, before since): it is up in 2024, whose plan lists it
    root = unit({"records/s.yaml": f"item: {std}\npublished: 2023-06-01\n"}, items=[std])
    assert findings(root) == []
    # a standing item not in the plan of any year it is up
    root = unit({"records/s.yaml": "item: village/system/2\npublished: 2023-06-01\n"}, items=[std])
    got = problems(root)
    assert [(p.path, p.line, p.code) for p in got if p.path == "records/s.yaml"] == [("records/s.yaml", 1, "unmatched")]


def test_quarterly_item_met_by_three_monthly_records(unit) -> None:
    months = {"records/m04.yaml": rec(FIN, "2024-04", "2024-05-05"),
              "records/m05.yaml": rec(FIN, "2024-05", "2024-06-05")}
    root = unit(months, items=[FIN])
    got = problems(root, "2024-07-15")
    assert [(p.path, p.line, p.column, p.code, p.severity) for p in got] == [
        ("plans/2024.yaml", 11, 5, "overdue", "error"),       # Q1 not published
        ("plans/2024.yaml", 11, 5, "overdue", "error"),       # Q2: June is missing
        ("records/m04.yaml", 2, 9, "unmatched", "warning"),
        ("records/m05.yaml", 2, 9, "unmatched", "warning")]
    assert "2024年第二季度的三个月都有才算公开了这一季度，还缺 2024-06" in got[2].message.zh
    assert "period: 2024-Q2" in got[2].message.zh and "missing 2024-06. Add" in got[2].message.en
    april = problems(unit({"records/m04.yaml": rec(FIN, "2024-04", "2024-05-05")}, items=[FIN]), "2024-07-15")
    assert "还缺 2024-05、2024-06。" in april[-1].message.zh and "missing 2024-05, 2024-06." in april[-1].message.en
    # before Q2 is due (07-10) the other months may still come: no warning yet
    assert [p.code for p in problems(root, "2024-07-10") if p.path.startswith("records/")] == []
    # June completes the quarter: published = the latest of the three, judged from that (07-12: 2 days late)
    root = unit({**months, "records/m06.yaml": rec(FIN, "2024-06", "2024-07-12"),
                 "records/q1.yaml": rec(FIN, "2024-Q1", "2024-04-02")}, items=[FIN])
    got = problems(root, "2024-07-15")
    assert [(p.path, p.line, p.code) for p in got] == [("records/m06.yaml", 3, "late")]
    assert "于 2024-07-12 公开，晚于期限 2024-07-10 共 2 天" in got[0].message.zh
    root = unit({**months, "records/m06.yaml": rec(FIN, "2024-06", "2024-07-02"),
                 "records/q1.yaml": rec(FIN, "2024-Q1", "2024-04-02")}, items=[FIN])
    assert findings(root, "2024-07-15") == []


def test_past_years_standing_item_posted_late_is_late_not_overdue_forever(unit) -> None:
    std = "village/system/1"
    plan_2025 = plan_yaml([std], year=2025, adoption=ADOPTION.replace("2024", "2025"))
    base = {"plans/2025.yaml": plan_2025, "inspections/2025.yaml": "date: 2025-06-01\n"}
    root = unit({**base, "records/s.yaml": f"item: {std}\npublished: 2025-02-01\n"}, items=[std])
    got = problems(root, "2025-03-01")
    # 2024's item: first in force on 2025-02-01, 297 days after its due date 2024-04-10; 2025's: on time
    assert [(p.path, p.line, p.column, p.code, p.severity) for p in got] == [
        ("records/s.yaml", 2, 12, "late", "warning")]
    assert got[0].message.zh == "长期公开事项“本村的村民自治章程、村规民约”于 2025-02-01 公开，晚于期限 2024-04-10 共 297 天"
    r = cli_check(root, "2025-03-01")
    assert r.exit_code == 0 and "records/s.yaml:2:12: warning[late]" in r.stdout  # a warning, not overdue
    # before it was posted the 2024 item was overdue
    assert [(p.path, p.code) for p in problems(root, "2025-01-20")] == [("plans/2024.yaml", "overdue")]


def test_standing_item_met_on_the_first_day_in_force(unit) -> None:
    std = "village/system/1"
    plan_2025 = plan_yaml([std], year=2025, adoption=ADOPTION.replace("2024", "2025"))
    base = {"plans/2025.yaml": plan_2025, "inspections/2025.yaml": "date: 2025-06-01\n"}
    # up Jan–Mar, down, up again from May: on time (first day in force 01-05), in force on the as-of date
    root = unit({"records/a.yaml": f"item: {std}\npublished: 2024-01-05\nuntil: 2024-03-01\n",
                 "records/b.yaml": f"item: {std}\npublished: 2024-05-01\n"}, items=[std])
    assert findings(root, "2024-07-15") == []
    # a past year's item taken down in June was met; the current year's item, not up on the as-of date, is owed again
    root = unit({**base, "records/a.yaml": f"item: {std}\npublished: 2024-01-05\nuntil: 2024-06-01\n"}, items=[std])
    assert findings(root, "2025-03-01") == []
    got = problems(root, "2025-04-11")
    assert [(p.path, p.line, p.code) for p in got] == [("plans/2025.yaml", 11, "overdue")]
    assert "应于 2025-04-10 前公开，已逾期 1 天" in got[0].message.zh


SINCE_JUNE = UNIT.replace("since: 2024-01-01", "since: 2024-06-01")


def test_nothing_due_before_since_is_judged(unit) -> None:
    late_plan = ADOPTION.replace("published: 2024-01-16", "published: 2024-01-25")  # 8 days late, but in January
    root = unit(items=[FIN], unit_yaml=SINCE_JUNE, adoption=late_plan)
    assert findings(root, "2024-05-31") == []   # Q1 ended before since: not derived; no plan-late before since
    assert cli_check(root, "2024-05-31").exit_code == 0
    got = problems(root, "2024-07-11")
    assert [(p.path, p.code) for p in got] == [("plans/2024.yaml", "overdue")]
    assert got[0].message.zh.startswith("“村级财务收支情况”（2024年第二季度）应于 2024-07-10 前公开")
    # the plan itself: due by the later of plan_due (03-31) and since
    no_plan = unit(unit_yaml=SINCE_JUNE)
    (no_plan / "plans" / "2024.yaml").unlink()
    assert findings(no_plan, "2024-05-17") == []
    assert findings(no_plan, "2024-05-18") == [("unit.yaml", None, "due-soon", "info")]
    got = problems(no_plan, "2024-06-02")
    assert [(p.path, p.code) for p in got] == [("unit.yaml", "plan-missing")]
    assert "应于 2024-06-01 前制定并公布），已逾期 1 天" in got[0].message.zh
    r = cli_check(no_plan, "2024-06-02")
    assert r.exit_code == 1 and "unit.yaml: error[plan-missing]" in r.stdout
    # an inspection due before since is not judged either
    early_insp = SINCE_JUNE + "rules: {inspection_due: 03-31}\n"
    root = unit(unit_yaml=early_insp)
    (root / "inspections" / "2024.yaml").unlink()
    assert findings(root, "2024-12-31") == []


def test_content_rules_read_every_file_whatever_as_of(unit) -> None:
    bad = ("item: village/finance/1\nperiod: {p}\npublished: {d}\nreviewed: {{by: 赵六, date: {d}}}\n"
           "content: 联系 13812345678\n"
           "finance: {{opening_balance: 1.00, income: [{{name: 租金, amount: 1.00}}], closing_balance: 9.00}}\n")
    root = unit({"records/later.yaml": bad.format(p="2024-Q3", d="2024-10-05"),    # after the as-of date
                 "records/before.yaml": bad.format(p="2023-Q4", d="2024-01-05")},  # before since
                items=[FIN])
    got = findings(root, "2024-07-01")
    assert [(f[0], f[2]) for f in got if f[0].startswith("records/")] == [
        ("records/before.yaml", "privacy"), ("records/before.yaml", "balance"),
        ("records/later.yaml", "privacy"), ("records/later.yaml", "balance")]


def test_standing_record_in_a_year_without_any_plan(unit) -> None:
    std = "village/system/2"  # not applicable in the 2024 plan; posted in 2025, which has no plan
    root = unit({"records/s.yaml": f"item: {std}\npublished: 2025-01-05\nuntil: 2025-12-01\n"}, items=["village/system/1"])
    assert [p for p in problems(root, "2025-03-31") if p.path == "records/s.yaml"] == []  # 2025's plan not due yet
    got = [p for p in problems(root, "2025-04-01") if p.path == "records/s.yaml"]
    assert [(p.line, p.column, p.code, p.severity) for p in got] == [(2, 12, "unmatched", "warning")]
    assert got[0].message.zh.startswith("这条长期公开记录 2025 年在张贴，但没有 2025 年度公开方案 plans/2025.yaml，"
                                        "之前的方案也都没有列入 village/system/2")
    # a 2024 standing item posted only in 2025 meets 2024's obligation (late): not unmatched
    root = unit({"records/s.yaml": "item: village/system/1\npublished: 2025-01-05\n"}, items=["village/system/1"])
    assert [(p.code, p.path) for p in problems(root, "2025-04-01") if p.path == "records/s.yaml"] == [
        ("late", "records/s.yaml")]
