"""Values `gongkai init` writes to be replaced: they are flagged until the clerk fills them in.

Passing: `villagers: 1860`, `clerk: 王芳`, `supervision_phone: 0371-62345678`.
Failing: `villagers: 0`, `representatives: 0`, `town: 某某镇`, `clerk: 某某`, `supervision_phone: 0000-00000000`,
or the plan's `complaints: 村务监督委员会 某某 0000-00000000` left as written → schema (warning) at the value:
请填写…. `render` never prints such a value (it shows 【待填写】 in its place, gongkai/placeholders.py); zero
villagers makes every joint request mandatory.
"""

from __future__ import annotations

from collections.abc import Iterator

from gongkai import basis as B
from gongkai.placeholders import is_placeholder
from gongkai.problem import Msg, Problem, msg
from gongkai.rules.base import RuleContext

CONTACT_ZH = {"clerk": "文书姓名", "supervision_phone": "监督电话"}


def _placeholder(value: str) -> bool:
    return is_placeholder(value)  # the same test render uses to print 【待填写】 instead


def check(ctx: RuleContext) -> Iterator[Problem]:
    unit = ctx.unit
    profile = unit.unit
    if profile is not None:
        with ctx.guard(unit.unit_path, profile.at()):
            yield from _unit(ctx, profile)
    for plan in unit.plans:
        with ctx.guard(plan.src.path, plan.at()):
            adoption = plan.adoption
            if adoption is not None and adoption.complaints and _placeholder(adoption.complaints):
                yield _flag(ctx, plan.src.path, adoption.at("complaints"), Msg("受理投诉、问询的人和电话", "who takes complaints"),
                            adoption.complaints)


def _unit(ctx: RuleContext, profile) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    path = ctx.unit.unit_path
    people = "村民" if profile.kind != "community" else "居民"
    for key, zh, en in (("villagers", f"登记{people}人数", "the number of registered residents"),
                        ("representatives", f"{people}代表人数", "the number of representatives")):
        if getattr(profile, key) == 0:
            yield ctx.problem("schema", "warning", path, profile.at(key), msg(
                "请填写{w}：{k}: 0 是 gongkai init 写的占位，联名要求的十分之一、五分之一据此计算",
                "fill in {we}: {k}: 0 is the placeholder gongkai init wrote; the joint-request thresholds use it",
                w=zh, we=en, k=key), B.JOINT)
    for key in ("name", "town"):
        value = getattr(profile, key)
        if value and _placeholder(value):
            yield _flag(ctx, path, profile.at(key), Msg("所属乡镇" if key == "town" else "名称", key), value)
    locs = getattr(profile.contacts, "locs", {})
    for key, value in sorted(profile.contacts.items()):
        if isinstance(value, str) and _placeholder(value):
            yield _flag(ctx, path, locs.get(key, profile.at("contacts")), Msg(CONTACT_ZH.get(key, key), key), value)
    for board in profile.boards:
        if board.location and _placeholder(board.location):
            yield _flag(ctx, path, board.at("location"), Msg("公开栏位置", "board location"), board.location)


def _flag(ctx: RuleContext, path: str, loc: tuple[int, int], what: Msg, value: str) -> Problem:
    return ctx.problem("schema", "warning", path, loc, msg(
        "请填写{w}：“{v}”是 gongkai init 写的占位，不能这样公开或用于提醒",
        "fill in {we}: '{v}' is the placeholder gongkai init wrote, not fit to publish or to remind anyone", w=what.zh, we=what.en,
        v=value), B.FORMAT)
