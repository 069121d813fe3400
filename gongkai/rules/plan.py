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
        yield from _order(ctx, plan)
        yield from _items(ctx, plan)


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
