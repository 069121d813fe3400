"""The bundled reference catalogs (seed attachments 1 and 2), read from inside the installed package."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

KINDS = ("village", "community")
CATEGORIES = ("system", "affairs", "finance")
CATEGORY_ZH = {"system": "制度类", "affairs": "事务类", "finance": "财务类"}
KIND_ZH = {"village": "村", "community": "社区"}
DISCLOSURE_ZH = {"village": "村务公开", "community": "居务公开"}
SCHEDULE_ZH = {"standing": "长期公开", "quarterly": "每季度", "monthly": "每月", "immediate": "即时公开",
               "phased": "分阶段公开"}


@dataclass(frozen=True)
class CatalogItem:
    id: str
    kind: str
    category: str
    number: int
    title: str
    schedule: str
    monthly_when_busy: bool = False
    optional: bool = False

    def as_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "category": self.category, "number": self.number,
                "title": self.title, "schedule": self.schedule, "monthly_when_busy": self.monthly_when_busy,
                "optional": self.optional}


@dataclass(frozen=True)
class Catalog:
    kind: str
    title: str
    items: tuple[CatalogItem, ...]
    by_id: dict[str, CatalogItem] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id.update((i.id, i) for i in self.items)

    def get(self, item_id: str) -> CatalogItem | None:
        return self.by_id.get(item_id)

    def suggest(self, item_id: str) -> str | None:
        """The id the user most likely meant: same category and number of the right kind, or the closest."""
        parts = item_id.split("/")
        if len(parts) == 3 and parts[0] in KINDS and parts[0] != self.kind:
            same = f"{self.kind}/{parts[1]}/{parts[2]}"
            if self.get(same):
                return same
        close = difflib.get_close_matches(item_id, [i.id for i in self.items], 1, 0.75)
        return close[0] if close else None


def _source(kind: str) -> str:
    packaged = resources.files("gongkai").joinpath("catalogs").joinpath(f"{kind}.yaml")  # one name per call on 3.10
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    # a source checkout or editable install: the catalogs live beside the package
    return (Path(__file__).resolve().parent.parent / "catalogs" / f"{kind}.yaml").read_text(encoding="utf-8")


@cache
def load(kind: str) -> Catalog:
    if kind not in KINDS:
        raise ValueError(f"unknown catalog kind {kind!r}")
    data = yaml.load(_source(kind), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    items = tuple(
        CatalogItem(id=i["id"], kind=kind, category=i["category"], number=int(i["number"]), title=str(i["title"]),
                    schedule=i["schedule"], monthly_when_busy=bool(i.get("monthly_when_busy", False)),
                    optional=bool(i.get("optional", False)))
        for i in data["items"])
    return Catalog(kind=kind, title=data["title"], items=items)
