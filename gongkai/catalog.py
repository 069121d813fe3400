"""The bundled reference catalogs (seed attachments 1 and 2), read from inside the installed package."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from gongkai.problem import Msg

KINDS = ("village", "community")
CATEGORIES = ("system", "affairs", "finance")
CATEGORY_ZH = {"system": "制度类", "affairs": "事务类", "finance": "财务类"}
KIND_ZH = {"village": "村", "community": "社区"}
DISCLOSURE_ZH = {"village": "村务公开", "community": "居务公开"}
SCHEDULE_ZH = {"standing": "长期公开", "quarterly": "每季度", "monthly": "每月", "immediate": "即时公开",
               "phased": "分阶段公开"}


def disclosure(kinds: set[str | None]) -> Msg:
    """村务公开 for villages only, 居务公开 for communities only, 村（居）务公开 for a town with both (or none known)."""
    if kinds == {"village"}:
        return Msg("村务公开", "Village affairs disclosure")
    if kinds == {"community"}:
        return Msg("居务公开", "Community affairs disclosure")
    return Msg("村（居）务公开", "Village and community affairs disclosure")


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
        """The id of this catalog the user most likely meant by `item_id`, or None.

        - an id of this kind written in Chinese (`村务/财务/1`) or with full-width digits → that id;
        - an id of the other kind (`community/finance/3` in a village) → this catalog's item with the same title
          (the numbering differs between the two catalogs, so never the same number);
        - a catalog title written as the id (`村级财务收支情况`, `2024年第一季度村级财务收支情况`) → that item;
        - a misspelt id (`village/finanse/1`) → the closest id.
        """
        text = item_id.strip().translate(_FULLWIDTH)
        parts = [x.strip() for x in re.split(r"\s*[/／\\]\s*", text)]
        if len(parts) == 3:
            kind = KIND_WORDS.get(parts[0], parts[0].lower())
            category = CATEGORY_WORDS.get(parts[1], parts[1].lower())
            number = re.sub(r"^第|[项條条]$", "", parts[2])
            if kind in KINDS and category in CATEGORIES and number.isdigit():
                written = f"{kind}/{category}/{int(number)}"
                if kind == self.kind:
                    return written if self.get(written) and written != item_id else None
                other = load(kind).get(written)
                return self.by_title(other.title, category) if other else None
            if kind in KINDS and kind != self.kind:
                return None  # an id of the other catalog that does not exist there either: no number to trust
        if _CJK.search(text):
            return self.by_title(text)
        close = difflib.get_close_matches(text, [i.id for i in self.items], 1, 0.75)
        return close[0] if close else None

    def by_title(self, title: str, category: str | None = None) -> str | None:
        """The item whose title matches `title` (of either catalog): the same title once 社区/居民 and 村/村民 are
        read alike, a title inside the text (`2024年第一季度村级财务收支情况`), or a close one. Among equally
        good matches, the one of `category` wins (其他需要公开的事项 is in two categories)."""
        want = _plain_title(title)
        if not want:
            return None
        scored: list[tuple[float, bool, int, str]] = []
        for i, item in enumerate(self.items):
            have = _plain_title(item.title)
            if have == want:
                score = 2.0
            elif len(have) >= 4 and have in want:
                score = 1.5 + len(have) / 1000  # the longest title contained wins
            elif len(want) >= 4 and want in have and len(want) >= 0.3 * len(have):
                score = 1.2 - len(have) / 1000  # a good part of a title: the shortest title containing it wins
            else:
                score = difflib.SequenceMatcher(None, want, have).ratio()
            scored.append((score, item.category == category, -i, item.id))
        best = max(scored)
        if best[0] >= 0.75:
            return best[3]
        # income and expenditure are titled differently in the two catalogs; both mark it monthly when busy
        other = next((i for k in KINDS if k != self.kind for i in load(k).items if _plain_title(i.title) == want), None)
        if other is not None and other.monthly_when_busy:
            return next((i.id for i in self.items if i.monthly_when_busy), None)
        return None


_FULLWIDTH = str.maketrans("０１２３４５６７８９／", "0123456789/")
_CJK = re.compile(r"[\u3400-\u9fff]")
KIND_WORDS = {"村": "village", "村务": "village", "行政村": "village", "社区": "community", "居": "community",
              "居务": "community"}
CATEGORY_WORDS = {"制度": "system", "制度类": "system", "事务": "affairs", "事务类": "affairs", "财务": "finance",
                  "财务类": "finance"}
# the community catalog's words for the village catalog's, so that the same item reads alike in both
_KIND_NEUTRAL = (("居民委员会", "村民委员会"), ("居代表", "村民代表"), ("居务", "村务"), ("居民", "村民"),
                 ("本村的", "村"), ("本村", "村"), ("社区", "村"), ("村级", "村"))


def _plain_title(title: str) -> str:
    t = title
    for a, b in _KIND_NEUTRAL:
        t = t.replace(a, b)
    return re.sub(r"[\s、，,；;。.“”\"'（）()《》]|^\d{4}年(第[一二三四1-4]季度|\d{1,2}月|度)?", "", t)


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
