"""Annual plans: adoption order, coverage, duplicates, local items."""

from __future__ import annotations

from clirun import check
from conftest import ADOPTION, UNIT, findings, plan_yaml, problems


def test_clean_plan(unit) -> None:
    assert findings(unit(items=["village/system/1"]), "2024-02-01") == []


def test_steps_out_of_order(unit) -> None:
    root = unit(adoption=ADOPTION.replace("joint_meeting: 2024-01-12", "joint_meeting: 2024-01-09"))
    got = problems(root, "2024-02-01")
    assert [(p.line, p.code) for p in got] == [(6, "plan-order")]
    assert "两委联席会议审议" in got[0].message.zh and "监委会审核" in got[0].message.zh


def test_missing_step(unit) -> None:
    root = unit(adoption=ADOPTION.replace("  supervisory_review: 2024-01-10\n", ""))
    got = problems(root, "2024-02-01")
    assert [(p.line, p.code) for p in got] == [(3, "plan-order")]
    assert "缺少“监委会审核”" in got[0].message.zh


def test_published_before_approval(unit) -> None:
    root = unit(adoption=ADOPTION.replace("published: 2024-01-16", "published: 2024-01-14"))
    assert [f[2] for f in findings(root, "2024-02-01")] == ["plan-order"]


def test_coverage_and_optional_items(unit) -> None:
    text = plan_yaml([]).replace("  - {item: village/finance/4, reason: 本年度无此事项}\n", "")
    root = unit({"plans/2024.yaml": text})
    got = problems(root, "2024-02-01")
    assert [(p.code, p.severity) for p in got] == [("plan-coverage", "warning")]
    assert "village/finance/4" in got[0].message.zh and "误工补贴" in got[0].message.zh
    # 其他… items (village/system/9, affairs/21, finance/18) are optional and plan_yaml leaves them out


def test_item_twice(unit) -> None:
    root = unit(items=["village/system/1"], extra_items="- item: village/system/1")
    got = findings(root, "2024-02-01")
    assert got == [("plans/2024.yaml", 12, "duplicate", "error")]


def test_local_item(unit) -> None:
    local = "- {item: local/tourism-income, title: 乡村旅游经营收益, category: finance, schedule: quarterly}"
    root = unit(extra_items=local, files={"records/t.yaml": "item: local/tourism-income\nperiod: 2024-Q1\n"
                                                             "published: 2024-04-03\nreviewed: {by: 赵六, date: 2024-04-02}\n"})
    assert findings(root, "2024-04-20") == []
    root = unit(extra_items="- {item: local/x, title: 某事}")
    assert findings(root, "2024-02-01") == [("plans/2024.yaml", 11, "schema", "error")]


def test_unknown_items_in_plan(unit) -> None:
    # community/finance/3 (社区收益及各项支出情况) is the village's finance/1 (村级财务收支情况): matched by what
    # the item is, never by its number (community/finance/1 is 公益创投, nothing like village/finance/1)
    root = unit(extra_items="- item: community/finance/3\n- item: village/finance/19")
    got = problems(root, "2024-02-01")
    assert [(p.line, p.code) for p in got] == [(11, "unknown-item"), (12, "unknown-item")]
    assert "是否应为 village/finance/1（村级财务收支情况）" in got[0].message.zh and "社区" in got[0].message.zh
    assert "是否应为 village/finance/1" in got[1].message.zh or "village/finance" in got[1].message.zh


def test_plan_cannot_lower_the_finance_floor(unit) -> None:
    extra = """\
    - item: village/finance/1
      schedule: standing
    - item: village/finance/2
      schedule: monthly
    - item: village/finance/3
      schedule: quarterly
    - item: village/finance/4
      schedule: immediate
    - item: village/finance/5
      schedule: quarterly
    - item: village/finance/6
    """
    root = unit(extra_items=extra)
    got = [p for p in problems(root, "2024-02-01") if p.code == "plan-schedule"]
    # the lines of the schedule: keys of finance/1, finance/4 and finance/5 (more often, or the default, is fine)
    assert [(p.path, p.line, p.column, p.severity) for p in got] == [
        ("plans/2024.yaml", 12, 15, "warning"), ("plans/2024.yaml", 18, 15, "warning"),
        ("plans/2024.yaml", 20, 15, "warning")]
    assert "village/finance/1" in got[0].message.zh and "至少每季度" in got[0].message.zh
    assert "standing" in got[0].message.zh and "二（三）4" in got[0].basis.zh
    assert "village/finance/4" in got[1].message.zh and "quarterly 或 monthly" in got[1].message.zh
    assert "即时公开" in got[2].message.zh and "二（三）5" in got[2].basis.zh
    code, lines = check(root, "2024-02-01")
    assert code == 0 and lines[0].startswith("plans/2024.yaml:12:15: warning[plan-schedule] village/finance/1")
    assert check(root, "2024-02-01", "--strict")[0] == 1


def test_busy_finances_keep_income_and_expenditure_monthly(unit) -> None:
    busy = UNIT.replace("since: 2024-01-01", "since: 2024-01-01\nfinance_monthly: true")
    root = unit(unit_yaml=busy, extra_items="- {item: village/finance/1, schedule: quarterly}\n")
    got = [p for p in problems(root, "2024-02-01") if p.code == "plan-schedule"]
    assert [(p.path, p.line, p.column) for p in got] == [("plans/2024.yaml", 11, 41)]
    assert "finance_monthly: true" in got[0].message.zh and "schedule: monthly" in got[0].message.zh
    assert "每月公开一次" in got[0].basis.zh
    # the same plan for a unit without busy finances, and monthly or no schedule for a busy one, are fine
    assert not [p for p in problems(unit(extra_items="- {item: village/finance/1, schedule: quarterly}\n"),
                                    "2024-02-01") if p.code == "plan-schedule"]
    for fine in ("- {item: village/finance/1, schedule: monthly}\n", "- {item: village/finance/1}\n"):
        assert not [p for p in problems(unit(unit_yaml=busy, extra_items=fine), "2024-02-01")
                    if p.code == "plan-schedule"]
    # community income and expenditure is finance/3
    croot = unit({"unit.yaml": busy.replace("kind: village", "kind: community"),
                  "plans/2024.yaml": plan_yaml([], kind="community",
                                               extra_items="- {item: community/finance/3, schedule: quarterly}\n")})
    got = [p for p in problems(croot, "2024-02-01") if p.code == "plan-schedule"]
    assert [(p.line, p.message.zh.split("（")[0]) for p in got] == [(11, "community/finance/3")]
