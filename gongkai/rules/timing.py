"""Timeliness (seed 二（三）): every obligation computed in `gongkai.obligations`, judged as of a date.

Passing: `village/finance/1` for 2024-Q1 published 2024-04-08 (window 04-01…04-10).
Failing: published 2024-04-15 → late (warning, 5 days); published 2024-03-20 → early (warning);
absent on 2024-04-11 → overdue (error, 1 day); absent on 2024-04-01 → due-soon (info, 9 days left).
A missing annual plan is `plan-missing`; a plan published more than two days after approval is `plan-late`.
A record that meets no obligation (item not in that year's plan, a year without a plan, monthly records that do not
complete a quarter of a quarterly item) is `unmatched` (warning), at the record, saying what to write instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from gongkai import basis as B
from gongkai.load.scalars import parse_period
from gongkai.obligations import Obligation
from gongkai.problem import Msg, Problem, msg
from gongkai.rules.base import RuleContext


def what(ob: Obligation) -> Msg:
    """The obligation in a few words: “村级财务收支情况”（2024年第二季度）."""
    if ob.rule in ("quarterly", "monthly"):
        period, _ = parse_period(ob.period)
        label = period.label_zh if period else ob.period
        return Msg(f"“{ob.title}”（{label}）", f"'{ob.item}' for {ob.period}")
    if ob.rule == "standing":
        return Msg(f"长期公开事项“{ob.title}”", f"standing item '{ob.item}'")
    if ob.rule == "immediate":
        return Msg(f"即时公开事项“{ob.title}”", f"immediate disclosure '{ob.title}' (event {ob.period})")
    if ob.rule in ("before", "during", "after"):
        return Msg(f"项目“{ob.title}”", f"project phase {ob.period}")
    return Msg(f"“{ob.title}”", f"'{ob.title}'")


# the verb of each kind of obligation in messages ("应于 … 前公开"); a feedback title already says 答复…
VERB = {"record": Msg("公开", "published"), "feedback": Msg("完成", "answered"), "fix": Msg("整改", "put right"),
        "inspection": Msg("完成检查", "done"), "plan-publication": Msg("公布", "published"), "plan": Msg("公布", "published")}


def _todo(ob: Obligation) -> Msg:
    if ob.kind == "record":
        if ob.rule in ("quarterly", "monthly"):
            return msg("请公开并在 records/ 下补一条 item: {i}、period: {p} 的记录",
                       "publish it and add a record with item: {i} and period: {p}", i=ob.item, p=ob.period)
        if ob.rule == "standing":
            return msg("请张贴并在 records/ 下补一条 item: {i} 的记录", "post it and add a record with item: {i}", i=ob.item)
        if ob.rule == "immediate":
            return msg("请公开并补一条 event: {e} 的记录", "publish it and add a record with event: {e}", e=ob.period)
        project, phase = ob.period.split("/")[:2]
        extra = f"、period: {ob.period.split('/')[2]}" if phase == "during" else ""
        return msg("请公开并补一条 project: {p}、phase: {ph}{x} 的记录", "publish it and add a record with project: {p}, phase: {ph}{x}",
                   p=project, ph=phase, x=extra)
    if ob.kind == "feedback":
        return Msg("请答复，并在文件里写上 answered 和 answer", "answer it and fill in answered and answer")
    if ob.kind == "inspection":
        return Msg("请组织检查，并在 inspections/ 下记录", "inspect the boards and record it under inspections/")
    if ob.kind == "fix":
        return Msg("请整改，并写上 fixed 日期", "put it right and fill in the fixed date")
    if ob.kind == "plan-publication":
        return Msg("请公布方案，并写上 adoption.published", "publish the plan and fill in adoption.published")
    return msg("请制定 plans/{y}.yaml（可用 gongkai init 生成）", "write plans/{y}.yaml (gongkai init makes one)", y=ob.period)


def check(ctx: RuleContext) -> Iterator[Problem]:
    for ob in ctx.obligations.obligations:
        if ob.status not in SAID:
            continue  # most obligations are met: nothing to say, no guard to enter
        with ctx.guard(ob.met_path or ob.path, ob.met_loc or ob.loc):
            yield from _judge(ctx, ob)
    for notice in ctx.obligations.notices:
        yield ctx.problem("threshold", "info", notice.path, notice.loc, notice.message, B.JOINT)
    for notice in ctx.obligations.unmatched:
        yield ctx.problem("unmatched", "warning", notice.path, notice.loc, notice.message, notice.basis)


SAID = frozenset(("overdue", "due-soon", "late", "early"))  # the statuses that make a problem; met and pending do not


def _judge(ctx: RuleContext, ob: Obligation) -> Iterator[Problem]:
    if ob.status not in SAID:
        return  # most obligations are met: their messages are not worth composing
    w, todo = what(ob), _todo(ob)
    if ob.status == "overdue":
        if ob.kind == "plan":
            yield ctx.problem("plan-missing", "error", ob.path, ob.loc, msg(
                "缺少 {y} 年度公开方案 plans/{y}.yaml（应于 {d} 前制定并公布），已逾期 {n} 天：{t}",
                "no plan for {y}: plans/{y}.yaml was due by {d}, {n} days overdue: {te}",
                y=ob.period, d=ob.due, n=ob.days, t=todo.zh, te=todo.en), ob.basis)
            return
        yield ctx.problem("overdue", "error", ob.path, ob.loc, msg(
            "{w}应于 {d} 前{v}，已逾期 {n} 天：{t}", "{we} was due by {d} and is {n} days overdue: {te}",
            w=w.zh, we=w.en, d=ob.due, v=VERB[ob.kind].zh, n=ob.days, t=todo.zh, te=todo.en), ob.basis)
    elif ob.status == "due-soon":
        yield ctx.problem("due-soon", "info", ob.path, ob.loc, msg(
            "{w}应于 {d} 前{v}，还剩 {n} 天", "{we} is due by {d}, {n} days left", w=w.zh, we=w.en, d=ob.due,
            v=VERB[ob.kind].zh, n=ob.days),
            ob.basis)
    elif ob.status == "late":
        if ob.kind == "plan-publication":
            yield ctx.problem("plan-late", "error", ob.met_path or ob.path, ob.met_loc or ob.loc, msg(
                "方案于 {m} 公布，超过审定后 {k} 日的期限（{d}）{n} 天", "the plan was published on {m}, {n} days after the "
                "deadline {d} ({k} days after approval)", m=ob.met, d=ob.due, n=ob.days,
                k=ctx.unit.timing.plan_publish_days), ob.basis)
            return
        yield ctx.problem("late", "warning", ob.met_path or ob.path, ob.met_loc or ob.loc, msg(
            "{w}于 {m} {v}，晚于期限 {d} 共 {n} 天", "{we} was {ve} on {m}, {n} days after the deadline {d}",
            w=w.zh, we=w.en, m=ob.met, v=VERB[ob.kind].zh, ve=VERB[ob.kind].en, d=ob.due, n=ob.days), ob.basis)
    elif ob.status == "early":
        yield ctx.problem("early", "warning", ob.met_path or ob.path, ob.met_loc or ob.loc, msg(
            "{w}于 {m} 公开，早于期间结束：应在 {o} 至 {d} 之间公开（期间结束后才有完整数据）",
            "{we} was published on {m}, before its period ended: publish between {o} and {d}",
            w=w.zh, we=w.en, m=ob.met, o=ob.opens, d=ob.due), ob.basis)
