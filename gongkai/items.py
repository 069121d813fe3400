"""What an item id means for one unit: a catalog item of the unit's kind, or a local item its plans define."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai import catalog
from gongkai.model import Event, Plan, PlanItem, Project, Record, Unit

LOCAL_PREFIX = "local/"


@dataclass(frozen=True)
class ItemInfo:
    id: str
    title: str
    category: str | None
    schedule: str | None  # the catalog's default, before plan overrides and finance_monthly
    monthly_when_busy: bool = False
    optional: bool = False
    local: bool = False


def resolve(item_id: str, unit: Unit | None, plans: list[Plan]) -> ItemInfo | None:
    if item_id.startswith(LOCAL_PREFIX):
        for plan in plans:
            for pi in plan.items:
                if pi.item == item_id:
                    return ItemInfo(item_id, pi.title or item_id[len(LOCAL_PREFIX):], pi.category, pi.schedule, local=True)
        return None
    if unit is None or unit.kind is None:
        return None
    ci = catalog.load(unit.kind).get(item_id)
    if ci is None:
        return None
    return ItemInfo(ci.id, ci.title, ci.category, ci.schedule, ci.monthly_when_busy, ci.optional)


def effective_schedule(info: ItemInfo, plan_item: PlanItem | None, unit: Unit | None) -> str | None:
    """Plan override first; otherwise the catalog default, monthly for busy finances (seed 二（三）4)."""
    if plan_item is not None and plan_item.schedule:
        return plan_item.schedule
    if info.monthly_when_busy and unit is not None and unit.finance_monthly:
        return "monthly"
    return info.schedule


PHASE_ZH = {"before": "事前", "during": "事中", "after": "事后"}


def default_title(record: Record, info: ItemInfo | None, event: Event | None = None,
                  project: Project | None = None) -> str:
    """A record's title when it gives none (SPEC: derived from item and period): 2024年第一季度村级财务收支情况,
    村道硬化工程（事中公开，2024年第二季度）, or the event's title."""
    item_title = info.title if info else (record.item or record.id)
    if project is not None and record.phase:
        when = f"（{PHASE_ZH.get(record.phase, '')}公开{'，' + record.period.label_zh if record.period else ''}）"
        return (project.title or "") + when
    if record.period is not None:
        return record.period.label_zh + item_title
    if event is not None and event.title:
        return event.title
    return item_title
