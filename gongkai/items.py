"""What an item id means for one unit: a catalog item of the unit's kind, or a local item its plans define."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai import catalog
from gongkai.model import Plan, PlanItem, Unit

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
