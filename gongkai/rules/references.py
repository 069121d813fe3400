"""Ids and names that must point at something (SPEC "Ids and references").

Passing: `event: 2024-03-05-rep-meeting` with events/2024-03-05-rep-meeting.yaml present.
Failing: `item: village/finance/19` → unknown-item (did you mean …); `supersedes: records/2024/nope` → reference;
two records of village/finance/1 for 2024-Q1, neither superseding the other → duplicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from gongkai import basis as B
from gongkai import catalog
from gongkai.items import LOCAL_PREFIX, effective_schedule
from gongkai.model import PlanItem, Record
from gongkai.problem import Problem, msg
from gongkai.repo import Corrections
from gongkai.rules.base import RuleContext


def check(ctx: RuleContext) -> Iterator[Problem]:
    yield from _items(ctx)
    yield from _references(ctx)
    yield from _periods(ctx)
    yield from _duplicates(ctx)


def _periods(ctx: RuleContext) -> Iterator[Problem]:
    """A record of a quarterly or monthly item needs a period, and a monthly item a month: otherwise it meets no
    obligation and the clerk would only see `overdue` without knowing why."""
    planned: dict[int, dict[str | None, PlanItem]] = {}  # each plan's first entry of each item, by year
    for _rid, rec in sorted(ctx.unit.records.items()):
        if not rec.item or rec.event or rec.project or rec.published is None:
            continue  # nothing _period looks at
        with ctx.guard(rec.src.path, rec.at()):
            yield from _period(ctx, rec, planned)


def _period(ctx: RuleContext, rec: Record, planned: dict[int, dict[str | None, PlanItem]]) -> Iterator[Problem]:
    unit = ctx.unit
    if not rec.item or rec.event or rec.project or "period" in rec.src.invalid or rec.published is None:
        return
    info = unit.item(rec.item)
    if info is None:
        return
    year = rec.period.year if rec.period else rec.published.year
    plan = unit.plan(year)
    plan_item = None
    if plan is not None:
        index = planned.get(year)
        if index is None:
            index = planned[year] = {}
            for x in plan.items:
                index.setdefault(x.item, x)
        plan_item = index.get(rec.item)
    if plan is not None and plan_item is None:
        return  # not planned that year: nothing is owed, any period is fine
    sched = effective_schedule(info, plan_item, unit.unit)
    want = {"quarterly": "Q", "monthly": "M"}.get(sched or "")
    if want is None:
        return
    example = f"{year}-Q1" if want == "Q" else f"{year}-01"
    how_zh = "每季度" if want == "Q" else "每月"
    how_en = "quarterly" if want == "Q" else "monthly"
    if rec.period is None:
        yield ctx.problem("schema", "error", rec.src.path, rec.at("item"), msg(
            "{i} 是{h}公开的事项，记录要写 period（如 {e}），否则对不上任何一期",
            "{i} is disclosed {he}: the record needs a period such as {e}, or it meets no obligation",
            i=rec.item, h=how_zh, he=how_en, e=example), B.FORMAT)
    elif want == "M" and rec.period.kind == "Q":  # monthly for a quarterly item is more, not less: fine
        why = "（本单位财务往来较多，收支每月公开）" if want == "M" and unit.unit and unit.unit.finance_monthly else ""
        yield ctx.problem("schema", "error", rec.src.path, rec.at("period"), msg(
            "{i} 在 {y} 年是{h}公开{w}：period 应写成 {e} 这样的{k}，而不是 {p}",
            "{i} is disclosed {he} in {y}: write the period like {e}, not {p}",
            i=rec.item, y=year, h=how_zh, w=why, he=how_en, e=example, k="季度" if want == "Q" else "月份",
            p=rec.period), B.FORMAT)


def _unknown(ctx: RuleContext, item: str, path: str, loc: tuple[int, int]) -> Iterator[Problem]:
    unit = ctx.unit
    if unit.item(item) is not None or unit.kind is None:
        return
    if item.startswith(LOCAL_PREFIX):
        yield ctx.problem("unknown-item", "error", path, loc, msg(
            "本地事项 {i} 没有在任何年度方案的 items 里定义（需写 title、category、schedule）",
            "local item {i} is not defined in any plan's items (with title, category and schedule)", i=item), B.CATALOG_OF.get(unit.kind or '', B.CATALOG))
        return
    cat = catalog.load(unit.kind)
    guess = cat.suggest(item)
    kind_zh = catalog.KIND_ZH[unit.kind]
    parts = item.split("/")
    if parts[0] in catalog.KINDS and parts[0] != unit.kind:
        lead_zh = f"{item} 是{catalog.KIND_ZH[parts[0]]}目录的编号，本单位是{kind_zh}"
        lead_en = f"{item} belongs to the {parts[0]} catalog but this unit is a {unit.kind}"
    elif guess and any("\u3400" <= ch <= "\u9fff" for ch in item):
        lead_zh = f"item 要写目录编号，不写标题或中文：“{item}”不是编号"
        lead_en = f"item takes a catalog id, not a title: '{item}' is not an id"
    else:
        lead_zh = f"{item} 不在{cat.title}里"
        lead_en = f"{item} is not in the {unit.kind} catalog"
    hint_zh = f"，是否应为 {guess}（{cat.get(guess).title}）？" if guess else "：用 gongkai catalog 查看可用编号"  # type: ignore[union-attr]
    hint_en = f"; did you mean {guess}?" if guess else ": see gongkai catalog"
    yield ctx.problem("unknown-item", "error", path, loc, msg("{a}{b}", "{c}{d}", a=lead_zh, b=hint_zh, c=lead_en, d=hint_en),
                      B.CATALOG_OF.get(unit.kind or '', B.CATALOG))


def _items(ctx: RuleContext) -> Iterator[Problem]:
    unit = ctx.unit
    if unit.kind is None:
        return  # _unknown says nothing without a kind
    known = unit.item
    for plan in unit.plans:
        for entry in list(plan.items) + list(plan.not_applicable):
            if entry.item:
                with ctx.guard(plan.src.path, entry.at("item")):
                    if known(entry.item) is None:
                        yield from _unknown(ctx, entry.item, plan.src.path, entry.at("item"))
    for group in (unit.records, unit.events, unit.projects):
        for obj in group.values():  # type: ignore[attr-defined]
            if obj.item:
                with ctx.guard(obj.src.path, obj.at("item")):
                    if known(obj.item) is None:
                        yield from _unknown(ctx, obj.item, obj.src.path, obj.at("item"))


def _ref(ctx: RuleContext, obj, key: str, target: str, what_zh: str, what_en: str, known) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    if target in known:
        return
    yield ctx.problem("reference", "error", obj.src.path, obj.at(key), msg(
        "{k}: {t} 找不到对应的{w}：{hint}", "{k}: {t} names no {we}: {hint_en}", k=key, t=target, w=what_zh, we=what_en,
        hint=f"检查拼写，可用的有：{'、'.join(sorted(known)[:8]) or '（无）'}",
        hint_en=f"check the spelling; known: {', '.join(sorted(known)[:8]) or '(none)'}"), B.FORMAT)


def _references(ctx: RuleContext) -> Iterator[Problem]:
    unit = ctx.unit
    boards = {b.id for b in unit.unit.boards if b.id} if unit.unit else None  # None: unit.yaml is broken
    targets: set[str] | None = None  # what `about:` may name, gathered when one is written
    for rid, rec in sorted(unit.records.items()):
        try:
            plain = not (rec.event or rec.project or rec.supersedes) and (boards is None or boards.issuperset(rec.boards))
        except TypeError:  # a board that is no string: looked at under the guard, as ever
            plain = False
        if plain:
            continue  # names nothing that could be missing (most records): no guard, no generator
        with ctx.guard(rec.src.path, rec.at()):
            yield from _record_refs(ctx, rid, rec, boards)
    for fb in unit.feedback.values():
        if fb.about:
            if targets is None:
                targets = set(unit.records) | set(unit.feedback)
            with ctx.guard(fb.src.path, fb.at("about")):
                yield from _ref(ctx, fb, "about", fb.about, "记录（records/ 或 feedback/）", "record or feedback", targets)
    for plan in unit.plans:
        with ctx.guard(plan.src.path, plan.at()):
            for pi in plan.items:
                for board, loc in zip(pi.boards, getattr(pi.boards, "locs", [])):
                    if boards is not None and board not in boards:
                        yield _board(ctx, plan.src.path, loc, board, boards)
    for insp in unit.inspections.values():
        with ctx.guard(insp.src.path, insp.at()):
            for finding in insp.findings:
                if boards is not None and finding.board and finding.board not in boards:
                    yield _board(ctx, insp.src.path, finding.at("board"), finding.board, boards)


def _record_refs(ctx: RuleContext, rid: str, rec: Record, boards: set[str] | None) -> Iterator[Problem]:
    unit = ctx.unit
    if rec.event:
        yield from _ref(ctx, rec, "event", rec.event, "事件（events/）", "event", unit.events)
    if rec.project:
        yield from _ref(ctx, rec, "project", rec.project, "项目（projects/）", "project", unit.projects)
        if rec.phase is None and "phase" not in rec.src.invalid:
            yield ctx.problem("schema", "error", rec.src.path, rec.at("project"), msg(
                "写了 project 就要写 phase：before（事前）、during（事中）或 after（事后）",
                "a record naming a project needs phase: before, during or after"), B.PHASED)
        elif rec.phase == "during" and rec.period is None and "period" not in rec.src.invalid:
            yield ctx.problem("schema", "error", rec.src.path, rec.at("phase"), msg(
                "事中公开（during）要写 period，如 2024-Q2", "a 'during' record needs a period such as 2024-Q2"), B.PHASED)
    if rec.supersedes:
        if rec.supersedes == rid:
            yield ctx.problem("reference", "error", rec.src.path, rec.at("supersedes"), msg(
                "记录不能更正它自己", "a record cannot supersede itself"), B.FORMAT)
        else:
            yield from _ref(ctx, rec, "supersedes", rec.supersedes, "记录（records/）", "record", unit.records)
    for board, loc in zip(rec.boards, getattr(rec.boards, "locs", [])):
        if boards is not None and board not in boards:
            yield _board(ctx, rec.src.path, loc, board, boards)


def _board(ctx: RuleContext, path: str, loc: tuple[int, int], board: str, boards: set[str]) -> Problem:
    return ctx.problem("reference", "error", path, loc, msg(
        "公开栏“{b}”没有在 unit.yaml 的 boards 里登记（已登记：{k}）", "board '{b}' is not listed under boards in unit.yaml "
        "(listed: {k})", b=board, k=", ".join(sorted(boards)) or "—"), B.CHANNELS)


def _duplicates(ctx: RuleContext) -> Iterator[Problem]:
    unit = ctx.unit
    fixes = Corrections(unit.records)
    for cycle in fixes.cycles:
        shown = cycle if len(cycle) <= 6 else [*cycle[:3], f"…({len(cycle)})"]
        for rid in cycle:
            rec = unit.records[rid]
            yield ctx.problem("reference", "error", rec.src.path, rec.at("supersedes"), msg(
                "更正关系绕成了圈（{c} → {f}）：最早的那份记录不应写 supersedes，请删掉它的 supersedes",
                "the corrections go round in a circle ({c} → {f}): the first record must not supersede anything; "
                "remove its supersedes", c=" → ".join(shown), f=cycle[0]), B.FORMAT)
    groups: dict[tuple, list[Record]] = defaultdict(list)
    for rec in unit.records.values():
        if rec.item and rec.period is not None:
            groups[(rec.item, rec.period, rec.project or "", rec.phase or "")].append(rec)
    shared = [(key, recs) for key, recs in groups.items() if len(recs) > 1]  # one record alone duplicates nothing
    for (item, period, _project, _phase), recs in sorted(shared, key=lambda kv: str(kv[0])):
        recs.sort(key=lambda r: r.id)
        # records of different correction trees never correct each other; inside one tree, a line of corrections
        # (the usual case, however long) relates every pair: only a branching tree needs pairs compared
        trees: dict[str, list[Record]] = defaultdict(list)
        for rec in recs:
            trees[fixes.component(rec.id)].append(rec)
        lines = {tree for tree, members in trees.items() if _one_chain(fixes, members)}
        firsts = [members[0] for members in sorted(trees.values(), key=lambda m: m[0].id)]
        for later in recs:
            with ctx.guard(later.src.path, later.at("period")):
                tree = fixes.component(later.id)
                other = next((f for f in firsts[:2] if fixes.component(f.id) != tree), None)
                found = [other] if other is not None and other.id < later.id else []
                if tree not in lines:
                    mine = next((e for e in trees[tree] if e.id < later.id and not fixes.related(later.id, e.id)), None)
                    found += [mine] if mine is not None else []
                if found:
                    earlier = min(found, key=lambda r: r.id)
                    yield ctx.problem("duplicate", "error", later.src.path, later.at("period"), msg(
                        "与 {o} 重复（同一事项 {i}、同一期间 {p}）：如果这是更正，请写 supersedes: {o}",
                        "duplicates {o} (same item {i} and period {p}): if it corrects it, add supersedes: {o}",
                        o=earlier.id, i=item, p=period), B.ACCURACY)


def _one_chain(fixes: Corrections, recs: list[Record]) -> bool:
    """Do the records form one line of corrections (each pair related)? Ancestry is transitive, so ordering
    them along the chain and checking neighbours is enough."""
    order = sorted(recs, key=lambda r: fixes.tin.get(fixes.node.get(r.id, ""), -1))
    return all(fixes.related(a.id, b.id) for a, b in zip(order, order[1:]))
