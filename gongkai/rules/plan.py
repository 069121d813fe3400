"""Annual plans (seed 二（二）): the five adoption steps in order, and a plan that covers the catalog.

Passing: consultation 01-05, drafted 01-08, supervisory_review 01-10, joint_meeting 01-12,
approved 01-15, published 01-16, and every non-optional catalog item under `items` or `not_applicable`.
Failing: `joint_meeting: 2024-01-09` before `supervisory_review: 2024-01-10` → plan-order;
no entry for village/finance/4 → plan-coverage (warning).
"""

from __future__ import annotations

from collections.abc import Iterator

from gongkai import basis as B
from gongkai import catalog
from gongkai.basis import fmt
from gongkai.items import LOCAL_PREFIX
from gongkai.model import ADOPTION_LABEL, ADOPTION_STEPS, Plan
from gongkai.problem import Problem, msg
from gongkai.rules.base import RuleContext


def check(ctx: RuleContext) -> Iterator[Problem]:
    unit = ctx.unit
    years: dict[int, Plan] = {}
    for plan in sorted(unit.plans, key=lambda p: p.src.path):
        assert plan.year is not None
        if plan.year in years:
            yield ctx.problem("duplicate", "error", plan.src.path, plan.at("year"), msg(
                "{y} 年已有方案 {p}：每年只能有一个方案文件", "{p} is already the plan for {y}: one plan file per year",
                y=plan.year, p=years[plan.year].src.path), B.PLAN_PROCEDURE)
            continue
        years[plan.year] = plan
        with ctx.guard(plan.src.path, plan.at()):
            yield from _order(ctx, plan)
            yield from _items(ctx, plan)
            yield from _schedules(ctx, plan)


def _order(ctx: RuleContext, plan: Plan) -> Iterator[Problem]:
    adoption = plan.adoption
    if adoption is None:
        return
    steps = [(name, getattr(adoption, name)) for name in ADOPTION_STEPS]
    present = [(name, step) for name, step in steps if step is not None and step.date is not None]
    if not present:
        return
    last_index = ADOPTION_STEPS.index(present[-1][0])
    for name, step in steps[:last_index]:
        if step is None and name not in adoption.src.invalid:
            later = ADOPTION_LABEL[present[-1][0]]
            yield ctx.problem("plan-order", "error", plan.src.path, adoption.at(), msg(
                "缺少“{s}”步骤（已写了“{later}”）：五个步骤须依次完成", "the '{se}' step is missing although '{le}' is recorded: "
                "the five steps come in order", s=ADOPTION_LABEL[name].zh, later=later.zh, se=ADOPTION_LABEL[name].en,
                le=later.en), B.PLAN_PROCEDURE)
    for (prev_name, prev), (name, step) in zip(present, present[1:]):
        if step.date < prev.date:
            yield ctx.problem("plan-order", "error", plan.src.path, adoption.at(name), msg(
                "“{s}”（{d}）早于前一步“{p}”（{pd}）：步骤顺序不对，请核对日期",
                "'{se}' ({d}) comes before the previous step '{pe}' ({pd}): check the dates",
                s=ADOPTION_LABEL[name].zh, p=ADOPTION_LABEL[prev_name].zh, se=ADOPTION_LABEL[name].en,
                pe=ADOPTION_LABEL[prev_name].en, d=step.date, pd=prev.date), B.PLAN_PROCEDURE)


def _items(ctx: RuleContext, plan: Plan) -> Iterator[Problem]:
    unit = ctx.unit
    seen: dict[str, int] = {}
    for entry in list(plan.items) + list(plan.not_applicable):
        if not entry.item:
            continue
        if entry.item in seen:
            yield ctx.problem("duplicate", "error", plan.src.path, entry.at("item"), msg(
                "事项 {i} 在方案里出现了两次（第 {n} 行已有）：删掉一处", "item {i} appears twice in the plan (already on line {n})",
                i=entry.item, n=seen[entry.item]), B.CATALOG_OF.get(unit.kind or '', B.CATALOG))
            continue
        seen[entry.item] = entry.at("item")[0]
    for pi in plan.items:
        if pi.item and pi.item.startswith(LOCAL_PREFIX):
            missing = [k for k in ("title", "category", "schedule") if getattr(pi, k) is None and k not in pi.src.invalid]
            if missing:
                yield ctx.problem("schema", "error", plan.src.path, pi.at(), msg(
                    "本地事项 {i} 需要写 {k}", "local item {i} needs {k}", i=pi.item, k="、".join(missing)), B.FORMAT)
    if unit.kind is None:
        return
    listed = set(seen)
    missing_items = [ci for ci in catalog.load(unit.kind).items if not ci.optional and ci.id not in listed]
    for ci in missing_items:
        yield ctx.problem("plan-coverage", "warning", plan.src.path, plan.at("items"), msg(
            "目录事项 {i}“{t}”既不在 items 里，也不在 not_applicable 里：列入方案，或写明不适用的理由",
            "catalog item {i} ('{t}') is neither in items nor in not_applicable: plan it or say why it does not apply",
            i=ci.id, t=ci.title), B.CATALOG_OF.get(unit.kind or '', B.CATALOG))


# how often each schedule discloses a periodic item, from most to least: the seed's floor for finances is quarterly
FREQUENCY = {"monthly": 3, "quarterly": 2}


def _schedules(ctx: RuleContext, plan: Plan) -> Iterator[Problem]:
    """A plan may disclose an item more often than the catalog says, never less often for finances: the seed's
    floor (二（三）4) is at least quarterly, and monthly income and expenditure for units with busy finances."""
    unit = ctx.unit
    if unit.unit is None or unit.kind is None:
        return
    for pi in plan.items:
        if not pi.item or not pi.schedule or pi.item.startswith(LOCAL_PREFIX):
            continue
        ci = catalog.load(unit.kind).get(pi.item)
        if ci is None or ci.category != "finance":
            continue
        busy = ci.monthly_when_busy and bool(unit.unit.finance_monthly)
        floor = "monthly" if busy else ci.schedule
        if pi.schedule == floor or FREQUENCY.get(pi.schedule, 0) >= FREQUENCY.get(floor, 99):
            continue
        zh, en = catalog.SCHEDULE_ZH[pi.schedule], pi.schedule
        if busy:
            yield ctx.problem("plan-schedule", "warning", plan.src.path, pi.at("schedule"), msg(
                "{i}（{t}）写的是 {s}（{z}），但本单位 unit.yaml 写了 finance_monthly: true（财务往来较多），"
                "收支情况应当每月公开：改为 schedule: monthly，或删掉 schedule 行按默认",
                "{i} ('{t}') is planned {s}, but unit.yaml says finance_monthly: true: income and expenditure are "
                "disclosed monthly; write schedule: monthly or remove the line",
                i=pi.item, t=ci.title, s=en, z=zh), fmt(B.MONTHLY, days=unit.timing.monthly_days))
        elif ci.schedule == "immediate":
            yield ctx.problem("plan-schedule", "warning", plan.src.path, pi.at("schedule"), msg(
                "{i}（{t}）在参考目录里是即时公开（事后{d}日内），方案改为 {s}（{z}）会推迟公开：删掉 schedule 行按默认",
                "{i} ('{t}') is disclosed at once after each event in the catalog (within {d} days); planning it "
                "{s} delays it: remove the schedule line",
                i=pi.item, t=ci.title, s=en, z=zh, d=unit.timing.immediate_days),
                fmt(B.IMMEDIATE, days=unit.timing.immediate_days))
        else:
            yield ctx.problem("plan-schedule", "warning", plan.src.path, pi.at("schedule"), msg(
                "{i}（{t}）是财务类事项，至少每季度公开一次，方案写的 {s}（{z}）低于这个要求："
                "改为 quarterly 或 monthly，或删掉 schedule 行按默认（{c}）",
                "{i} ('{t}') is a finance item, disclosed at least quarterly; {s} is less: write quarterly or "
                "monthly, or remove the line for the default ({c})",
                i=pi.item, t=ci.title, s=en, z=zh, c=ci.schedule),
                fmt(B.FINANCE_QUARTERLY, days=unit.timing.quarterly_days))
