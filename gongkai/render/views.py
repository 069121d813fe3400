"""What the templates receive: plain, already-masked values built once from the loaded repository.

Templates never see the loaded model objects: internal fields (a record's `note:`, evidence
paths, source positions) cannot leak into a page, and every text that came from the repository has
had resident IDs and mobile numbers masked before any template (bundled or the town's own) runs.

Which sheet a record goes on (the board sheet of a unit for one quarter):
- a record with a `period:` goes on the sheet of the quarter holding that period (a monthly
  record of 2024-05 goes on the 2024-Q2 sheet, a phased `during` record of 2024-Q2 too);
- a record without a period (immediate disclosures, phased before/after, standing items) goes on
  the sheet of the quarter in which it was published;
- standing items (长期公开) in force on the sheet's date are listed in a section of their own on
  every sheet; each gets its own page on the sheet of the quarter it was published in;
- a correction (`supersedes:`) replaces what it corrects and is placed by its own period or date;
- records published after --as-of are not published yet and appear nowhere;
- a record whose own file has an error (`Builder.errors`, from `gongkai check`) appears nowhere either, and is
  listed in `Builder.withheld`; with --force it is printed, its `failed` codes marked 未通过检查.

Output names (`site_names`): every part of a unit folder or record path is masked and made safe for any file
system and URL, and names that coincide afterwards are kept apart with `-2`, `-3`, …

A sheet's date is the latest publication date of its records; its number (第N期) counts the
unit's sheets from the first, so it does not change when a later quarter is rendered.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple
from urllib.parse import quote

from markupsafe import Markup

from gongkai import basis as B
from gongkai import catalog
from gongkai.items import PHASE_ZH, ItemInfo, default_title, effective_schedule, resolve
from gongkai.model import Plan, PlanItem, Record, Statement, Table
from gongkai.personal import mask
from gongkai.placeholders import filled
from gongkai.problem import Problem, msg, problem
from gongkai.render import markdown as md
from gongkai.render.money import amount
from gongkai.render.money import daxie as _daxie
from gongkai.repo import Repository, UnitData
from gongkai.schedule import Period, quarter_of

CATEGORY_ORDER = ("system", "affairs", "finance", "other")
CATEGORY_TITLE = {**catalog.CATEGORY_ZH, "other": "其他事项"}
CHANNEL_ZH = {"board": "公开栏", "screen": "电子显示屏", "wechat_group": "微信群", "wechat_official": "微信公众号",
              "website": "政务网站专栏"}
CN_NUMERAL = "〇一二三四五六七八九十"
SHORT_CELL = 12


class Public(str):
    """Text the unit publishes on purpose so that people can reach it (监督电话, the complaint contact):
    escaped like everything else, but not masked: a masked supervision phone could not be called."""


class Url(str):
    """An address of the site (`site_url` + a page): percent-encoded, so it holds no space, `<`, `>` or
    quote. Printed as is in Markdown (inside `<…>`, where `_`, `*` and `)` are not markup) and escaped
    in HTML like any text."""


_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def web_address(url: str) -> Url:
    """`url` with everything outside the URL alphabet percent-encoded (a host written in Chinese as IDNA)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    host = parts.netloc
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = quote(host, safe=_URL_SAFE)
    return Url(urlunsplit((parts.scheme, host, *(quote(clean(x), safe=_URL_SAFE) for x in parts[2:]))))


def date_zh(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def cn_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二 (section numbers 一、二、…)."""
    if n <= 10:
        return CN_NUMERAL[n]
    if n < 20:
        return "十" + CN_NUMERAL[n % 10]
    return CN_NUMERAL[n // 10] + "十" + (CN_NUMERAL[n % 10] if n % 10 else "")


def clean(text: str) -> str:
    """Text that can be written as UTF-8: bytes of a non-UTF-8 file name (kept by Python as lone
    surrogates) become U+FFFD, the replacement character."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


_DAYS: dict[dt.date, tuple[str, str]] = {}  # a date → (iso, date_zh): a unit's records share a few dates


def _day(day: dt.date | None) -> tuple[str, str]:
    """(iso(day), date_zh(day)), each date's worked out once."""
    if type(day) is not dt.date:  # (None, or a datetime: printed as the plain functions print it)
        return iso(day), date_zh(day)
    done = _DAYS.get(day)
    if done is None:
        if len(_DAYS) >= MAX_MASKED:
            _DAYS.clear()
        done = _DAYS[day] = (iso(day), date_zh(day))
    return done


_MASKED: dict[str, str] = {}  # a text → _m(text): a county's pages print the same names and cells many times
MAX_MASKED = 100_000


def _m(text: str | None) -> str:
    if not text:
        return ""
    if type(text) is not str:
        return clean(mask(text))
    done = _MASKED.get(text)
    if done is None:
        if len(_MASKED) >= MAX_MASKED:
            _MASKED.clear()
        done = _MASKED[text] = clean(mask(text))
    return done


MAX_PART_BYTES = 200
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"\\|?\ufffd]')


_SAFE_PARTS: dict[str, str] = {}  # a part → safe_part(part): every unit's records share `records`, `2024`, `q1`, …


def safe_part(part: str) -> str:
    """One part of an output path: masked, printable, without characters that are unsafe in file names
    or URLs on any system (`:`, `\\`, control characters, undecodable bytes become `_`), never `.` or `..`."""
    done = _SAFE_PARTS.get(part)
    if done is None:
        if len(_SAFE_PARTS) >= MAX_MASKED:
            _SAFE_PARTS.clear()
        done = _SAFE_PARTS[part] = _safe_part(part)
    return done


def _safe_part(part: str) -> str:
    """safe_part, worked out (it depends on the part's text only)."""
    p = _UNSAFE_NAME.sub("_", clean(mask(part)))
    while len(p.encode("utf-8")) > MAX_PART_BYTES:  # file systems take 255 bytes; leave room for -2 and .html
        p = p[:-1]
    return "_" + p if p in ("", ".", "..") else p


def site_names(ids: list[str]) -> dict[str, str]:
    """Each id ('/'-separated: a record's path in its unit, a unit's folder) → its name under --out:
    every part made safe (`safe_part`). Names that coincide once masked and made safe (two records whose
    names differ only in the hidden digits of a mobile number), or differ only in case, stay distinct:
    the first id in sorted order keeps the name, the others get `-2`, `-3`, … Deterministic."""
    natural = {i: "/".join(map(safe_part, i.split("/"))) for i in ids}
    counts = Counter(n.casefold() for n in natural.values())
    taken = set(counts)
    seen: set[str] = set()
    out: dict[str, str] = {}
    for i in sorted(ids):
        name = natural[i]
        key = name.casefold()
        if counts[key] > 1 and key in seen:
            k = 2
            while f"{name}-{k}".casefold() in taken:
                k += 1
            name = f"{name}-{k}"
            taken.add(name.casefold())
        seen.add(key)
        out[i] = name
    return out


# ------------------------------------------------------------------ values


@dataclass(frozen=True)
class Amount:
    value: Decimal | None
    text: str  # 125,000.00

    @functools.cached_property
    def daxie(self) -> str:
        """壹拾贰万伍仟元整: written out when a template first asks (the bundled ones ask for totals only)."""
        return _daxie(self.value)

    @staticmethod
    def of(value: Decimal | None) -> Amount:
        return Amount(value, amount(value))


@dataclass(frozen=True)
class LineView:
    name: str
    amount: Amount
    note: str


@dataclass(frozen=True)
class FinanceView:
    opening: Amount
    income: list[LineView]
    income_total: Amount
    expense: list[LineView]
    expense_total: Amount
    closing: Amount
    computed_closing: Amount  # opening + income − expense, from the lines as written
    balanced: bool  # the stated closing balance equals the computed one


@dataclass(frozen=True)
class TableView:
    title: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # per column: every non-empty cell is a number (printed right-aligned)
    short: list[bool]  # per column: every cell is short (≤ 12 characters; printed without wrapping)
    note: str


@dataclass(frozen=True)
class ReviewView:
    by: str
    date: str  # 2024-07-06
    date_zh: str  # 2024年7月6日


@dataclass(frozen=True)
class ReviewerView:
    """One member of the supervisory committee and the dates they reviewed a sheet's records."""

    by: str
    dates: list[str]  # 2024-07-04, in order
    dates_zh: list[str]  # 2024年7月4日


@dataclass(frozen=True)
class CorrectionView:
    """The record a correction replaces."""

    id: str
    title: str
    published: str
    published_zh: str


@dataclass(frozen=True)
class BoardView:
    id: str
    location: str


@dataclass
class UnitView:
    id: str
    name: str
    kind: str  # village | community
    kind_zh: str  # 村 | 社区
    disclosure: str  # 村务公开 | 居务公开
    committee: str  # 村民委员会 | 居民委员会
    committee_short: str  # 村委会 | 居委会
    supervisory: str  # 村务监督委员会 | 居务监督委员会
    town: str
    code: str
    clerk: str
    supervision_phone: str
    boards: list[BoardView]
    path: str  # the unit index, relative to --out, without extension ("dongzhuang/index")
    base: str  # the unit's folder inside --out ("dongzhuang", "" for a single-unit repository)


@dataclass
class RecordView:
    id: str  # records/2024/q2-finance
    unit_name: str
    path: str  # its page, relative to --out, without extension
    item: str
    item_title: str
    item_label: str  # 财务类第1项 (or 本村自定事项)
    category: str  # system | affairs | finance | other
    category_zh: str
    schedule: str
    schedule_zh: str
    standing: bool
    period: str  # 2024-Q2, 2024-05 or ''
    period_label: str  # 2024年第二季度
    published: str
    published_zh: str
    until: str
    until_zh: str
    title: str
    channels: list[str]
    boards: list[str]
    event_title: str
    event_date: str
    project_title: str
    phase: str
    phase_zh: str
    correction: CorrectionView | None
    reviewed: ReviewView | None
    finance: FinanceView | None
    tables: list[TableView]
    sheet: str  # the path of the sheet it is printed on
    complaints: str  # the complaint contact of the plan of its year
    online_url: Url
    qr_svg: Markup | None
    # with --force only: the codes of the errors found in its file (printed with the mark 未通过检查)
    failed: list[str] = field(default_factory=list)
    # sort and placement keys (not for templates)
    published_date: dt.date = field(repr=False, default=dt.date.min)
    until_date: dt.date | None = field(repr=False, default=None)
    quarter: Period | None = field(repr=False, default=None)
    order: tuple = field(repr=False, default=())
    # the record's content Markdown as written (not for templates: they print content_html or content_md)
    content: str | None = field(repr=False, default=None)

    # converted when a template first asks (an HTML-only render never builds the Markdown, and the reverse)
    @functools.cached_property
    def content_html(self) -> Markup:
        return md.to_html(self.content)

    @functools.cached_property
    def content_md(self) -> md.MdSafe:
        return md.to_markdown(self.content)


@dataclass
class SectionView:
    category: str
    title: str  # 制度类
    number: str  # 一
    records: list[RecordView]


@dataclass
class SheetView:
    unit: UnitView
    period: str  # 2024-Q2
    period_label: str  # 2024年第二季度
    year: int
    issue: int | None  # 第N期; None for a requested quarter that has nothing new
    published: str
    published_zh: str
    sections: list[SectionView]  # the quarter's records by category (standing items excluded)
    standing: list[RecordView]  # standing items in force on the sheet's date
    new_standing: list[RecordView]  # standing items first published this quarter
    pages: list[RecordView]  # every record printed on its own page, in order
    page_of: dict[str, int]  # record id → its page number on this sheet (附1, 附2, …)
    reviews: list[ReviewView]  # distinct supervisory reviews of the pages, by date
    reviewers: list[ReviewerView]  # the same, grouped by reviewer
    unreviewed: list[RecordView]
    complaints: str
    supervision_phone: str
    path: str
    online_url: Url
    qr_svg: Markup | None

    @property
    def empty(self) -> bool:
        return not self.pages


@dataclass
class YearView:
    year: int
    sheets: list[SheetView]
    sections: list[SectionView]


@dataclass
class UnitIndexView:
    unit: UnitView
    sheets: list[SheetView]  # newest first
    years: list[YearView]  # newest first
    standing: list[RecordView]  # in force on the as-of date
    records: list[RecordView]


@dataclass
class UnitSite:
    """Everything rendered for one unit."""

    unit: UnitView
    records: list[RecordView]
    sheets: list[SheetView]
    index: UnitIndexView


# ------------------------------------------------------------------ building


def site_path(base: str, rel: str) -> str:
    if base and rel[:1] != "/" and base[-1:] != "/":  # (what posixpath.join gives then, without its checks)
        return base + "/" + rel
    return posixpath.join(base, rel) if base else rel


_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.~/-]*")  # what quote() leaves as it is (and the separators)


def url_path(path: str) -> str:
    """`path` with each part percent-encoded (a path of letters, digits and `_.~-` only is already)."""
    if type(path) is str and _PLAIN_PATH.fullmatch(path):
        return path
    return "/".join(quote(part, safe="") for part in path.split("/"))


@dataclass(frozen=True)
class Withheld:
    """A record not printed (or, with --force, printed with the mark 未通过检查) because its own file has
    errors: the first of them, and how many there are."""

    unit: str
    path: str  # the record file, as `check` shows it
    problem: Problem
    count: int
    forced: bool
    whole_unit: bool = False  # the unit's unit.yaml: none of the unit's pages is printed (or all are marked)
    undated: bool = False  # its publication date cannot be read: it belongs on no sheet, even with --force
    unreadable: bool = False  # the file could not be read, or leads outside the repository: never printed, even with --force


class _ItemFacts(NamedTuple):
    """What record_view takes from a record's item in one year (see Builder._item_facts)."""

    info: ItemInfo | None
    schedule: str
    schedule_zh: str
    category: str
    category_zh: str
    item_title: str
    item_label: str
    order: tuple  # the head of RecordView.order


class _UnitMemo:
    """What record_view works out once per unit instead of once per record: each (item, year)'s facts, each year's
    complaint contact, the boards' locations. Built for one UnitData and its UnitView, never shared with another."""

    __slots__ = ("u", "uv", "items", "complaints", "boards")

    def __init__(self, u: UnitData, uv: UnitView) -> None:
        self.u = u
        self.uv = uv
        self.items: dict[tuple[str | None, int], _ItemFacts] = {}
        self.complaints: dict[int, Public] = {}
        self.boards = {b.id: b.location for b in (u.unit.boards if u.unit else [])}


_ORDER = operator.attrgetter("order")
_PERIODS: dict[tuple[int, str, int], tuple[str, str, Period]] = {}  # (year, kind, n) → _period_facts


def _period_facts(p: Period) -> tuple[str, str, Period]:
    """A period's text (2024-Q2, 2024-05), its label (2024年第二季度) and the quarter holding it, worked out once."""
    key = (p.year, p.kind, p.n)
    done = _PERIODS.get(key)
    if done is None:
        done = _PERIODS[key] = (str(p), p.label_zh, quarter_of(p.start))
    return done


class Builder:
    """Turns one loaded repository into views, for one as-of date.

    `errors` maps a file (as `check` shows its path) to the error problems found in it; a record whose
    own file is in it is left out (`withheld`), or printed with the mark 未通过检查 when `force` is set."""

    def __init__(self, repo: Repository, as_of: dt.date, site_url: str | None,
                 errors: dict[str, list[Problem]] | None = None, force: bool = False,
                 never: set[str] | None = None, unit_ids: list[str] | None = None) -> None:
        """`unit_ids`: the ids of every unit of the repository, when `repo` holds only some of them loaded (each
        unit is then built on its own, with `errors` and `never` of that unit set before `build_unit`)."""
        self.repo = repo
        self.as_of = as_of
        self.site_url = site_url.rstrip("/") + "/" if site_url else None
        self.errors = errors or {}
        self.force = force
        self.never = never or set()  # record files never printed, not even with force (they lead outside)
        self.withheld: list[Withheld] = []
        self.unit_ids = [u.id for u in repo.units] if unit_ids is None else list(unit_ids)
        self.unit_bases = site_names([i for i in self.unit_ids if i != "."])
        self._last: _UnitMemo | None = None  # record_view's memo of the unit being built

    def online(self, path: str) -> Url:
        return Url(web_address(self.site_url) + url_path(path + ".html")) if self.site_url else Url("")

    def qr(self, url: str) -> Markup | None:
        if not url:
            return None
        import segno

        code = segno.make_qr(url, error="m")
        return Markup(code.svg_inline(border=2, omitsize=True, svgclass="qr", lineclass=None, light="#fff"))

    # -------------------------------------------------------------- unit

    def unit_view(self, u: UnitData) -> UnitView:
        if u.id != ".":
            base = self.unit_bases[u.id]
        elif len(self.unit_ids) == 1:
            base = ""  # a single-unit repository: its index is the top page
        else:  # a unit at the root with other units below it: keep the top page for the town index
            base = safe_part(self.repo.root.resolve().name or "unit")
            while base.casefold() in {b.split("/")[0].casefold() for b in self.unit_bases.values()}:
                base = "_" + base
        unit = u.unit
        kind = (unit.kind if unit else None) or "village"
        contacts = unit.contacts if unit else {}
        return UnitView(
            id=_m(u.id), name=_m(u.name), kind=kind, kind_zh=catalog.KIND_ZH.get(kind, ""),
            disclosure=catalog.DISCLOSURE_ZH.get(kind, "村务公开"),
            committee="居民委员会" if kind == "community" else "村民委员会",
            committee_short="居委会" if kind == "community" else "村委会",
            supervisory="居务监督委员会" if kind == "community" else "村务监督委员会",
            town=_m(filled(unit.town if unit else None) or self.repo.name), code=(unit.code or "") if unit else "",
            clerk=_m(filled(contacts.get("clerk"))), supervision_phone=Public(filled(contacts.get("supervision_phone")) or ""),
            boards=[BoardView(_m(b.id), _m(filled(b.location))) for b in (unit.boards if unit else []) if b.id],
            path=site_path(base, "index"), base=base)

    def build_unit(self, u: UnitData) -> UnitSite | None:
        """The unit's site; None when its unit.yaml has errors (every sheet would carry a wrong or missing
        masthead, category or supervision phone), unless `force`, which prints every page marked."""
        unit_failed = self._unit_failed(u)
        if unit_failed and not self.force:
            return None
        uv = self.unit_view(u)
        live = {rid: r for rid, r in u.records.items() if r.published is not None and r.published <= self.as_of}
        # a correction replaces what it corrects even when the correction itself cannot be printed:
        # the record it corrects is known to be wrong
        superseded = {r.supersedes: rid for rid, r in live.items() if r.supersedes in live and r.supersedes != rid}
        names = site_names(list(live))
        records: list[RecordView] = []
        for rid, rec in sorted(live.items()):
            if rid in superseded:
                continue
            failed = self._failed(u, rec)
            if failed and not (self.force and rec.src.path not in self.never):
                continue
            view = self.record_view(u, uv, rec, live, names)
            view.failed = sorted(set(failed) | set(unit_failed)) if failed or unit_failed else []
            records.append(view)
        for _rid, rec in sorted(u.records.items()):
            if rec.published is None and rec.src.path in self.errors:  # its date cannot be read: on no sheet, said so
                found = sorted(self.errors[rec.src.path], key=Problem.sort_key)
                self.withheld.append(Withheld(u.id, rec.src.path, found[0], len(found), False, undated=True))
        loaded = {x.src.path for x in u.records.values()}
        prefix = ("" if u.id == "." else u.id + "/") + "records/"
        for path in sorted(self.errors):
            if path.startswith(prefix) and path not in loaded:  # a record file that could not be read at all
                found = sorted(self.errors[path], key=Problem.sort_key)
                self.withheld.append(Withheld(u.id, path, found[0], len(found), False, unreadable=True))
        records.sort(key=_ORDER)
        quarters = sorted({r.quarter for r in records if r.quarter is not None})
        issues = {q: n for n, q in enumerate(quarters, 1)}
        sheets = [self.sheet_view(u, uv, q, issues[q], records) for q in quarters]
        self._last = None  # (the memo holds the unit: let it go with the unit)
        for sheet in sheets:
            for r in sheet.pages:
                r.sheet = sheet.path
        index = self.unit_index(uv, sheets, records)
        return UnitSite(uv, records, sheets, index)

    def extra_sheet(self, u: UnitData, site: UnitSite, quarter: Period) -> SheetView:
        """A sheet for a quarter with nothing new (printed on request): standing items only, no number."""
        return self.sheet_view(u, site.unit, quarter, None, site.records)

    # -------------------------------------------------------------- records

    def _unit_failed(self, u: UnitData) -> list[str]:
        """The codes of the errors in the unit's own unit.yaml (noting it in `withheld`), or [] when it has none."""
        # what was wrong reading unit.yaml itself, not the obligations pointing at it (plan-missing, overdue inspection)
        found = sorted((p for p in u.problems if p.path == u.unit_path and p.severity == "error"), key=Problem.sort_key)
        if not found and u.unit is None:  # unreadable without a problem of its own: never print it as valid
            found = [problem("schema", "error", u.unit_path, None, msg(
                "unit.yaml 无法读取", "unit.yaml cannot be read"), B.FORMAT, unit=u.id)]
        if not found:
            return []
        self.withheld.append(Withheld(u.id, u.unit_path, found[0], len(found), self.force, whole_unit=True))
        return sorted({p.code for p in found})

    def _failed(self, u: UnitData, r: Record) -> list[str]:
        """The codes of the errors in the record's own file (noting it in `withheld`), or [] when it has none."""
        path = r.src.path
        if path not in self.errors:
            return []
        found = sorted(self.errors[path], key=Problem.sort_key)
        if not found:
            return []
        self.withheld.append(Withheld(u.id, path, found[0], len(found), self.force and path not in self.never,
                                      unreadable=path in self.never))
        return sorted({p.code for p in found})

    def _plan_item(self, u: UnitData, item: str, year: int) -> PlanItem | None:
        plan = u.plan(year)
        if plan is None:
            return None
        return next((pi for pi in plan.items if pi.item == item), None)

    def _memo(self, u: UnitData, uv: UnitView) -> _UnitMemo:
        """The memo of the unit being built (a new one when `u` or `uv` is not the last one's)."""
        memo = self._last
        if memo is None or memo.u is not u or memo.uv is not uv:
            memo = self._last = _UnitMemo(u, uv)
        return memo

    def _item_facts(self, u: UnitData, uv: UnitView, item: str | None, year: int) -> _ItemFacts:
        """What a record's item means in `year`: the same for every record of the item that year."""
        info: ItemInfo | None = resolve(item, u.unit, u.plans) if item else None
        schedule = (effective_schedule(info, self._plan_item(u, item or "", year), u.unit) or "") if info else ""
        category = info.category if info and info.category in catalog.CATEGORIES else "other"
        if info is None:
            item_label = ""
        elif info.local:
            item_label = "本" + uv.kind_zh + "自定事项"
        else:
            tail = info.id.rsplit("/", 1)[-1]
            item_label = f"{catalog.CATEGORY_ZH.get(category, '')}第{tail}项"
        return _ItemFacts(info, schedule, catalog.SCHEDULE_ZH.get(schedule, ""), category, CATEGORY_TITLE[category],
                          _m(info.title) if info else "", item_label,
                          (CATEGORY_ORDER.index(category), info is None or info.local, _catalog_number(info), item or ""))

    def record_view(self, u: UnitData, uv: UnitView, r: Record, live: dict[str, Record],
                    names: dict[str, str]) -> RecordView:
        memo = self._memo(u, uv)
        period = r.period
        quarter: Period | None
        if period is not None:
            period_str, period_label, quarter = _period_facts(period)
            year = period.year
        else:
            period_str, period_label = "", ""
            quarter = quarter_of(r.published) if r.published else None
            year = (r.published or dt.date.min).year
        published = r.published or dt.date.min
        facts = memo.items.get((r.item, year))
        if facts is None:
            facts = memo.items[(r.item, year)] = self._item_facts(u, uv, r.item, year)
        info = facts.info
        event = u.events.get(r.event) if r.event else None
        project = u.projects.get(r.project) if r.project else None
        title = _m(r.title) or _m(default_title(r, info, event, project))
        correction = None
        if r.supersedes and r.supersedes in live:
            old = live[r.supersedes]
            correction = CorrectionView(names.get(r.supersedes, _m(r.supersedes)), _m(old.title) or _m(default_title(old, info, None, None)),
                                        iso(old.published), date_zh(old.published))
        boards = memo.boards
        path = site_path(uv.base, names[r.id])
        online = self.online(path)
        reviewed = r.reviewed
        published_iso, published_zh = _day(r.published)
        until_iso, until_zh = _day(r.until)
        return RecordView(
            id=names[r.id], unit_name=uv.name, path=path, item=r.item or "", item_title=facts.item_title,
            item_label=facts.item_label, category=facts.category, category_zh=facts.category_zh,
            schedule=facts.schedule, schedule_zh=facts.schedule_zh,
            standing=facts.schedule == "standing" and period is None, period=period_str,
            period_label=period_label, published=published_iso, published_zh=published_zh,
            until=until_iso, until_zh=until_zh, title=title,
            channels=[CHANNEL_ZH.get(c, c) for c in r.channels],
            boards=[_m(boards.get(b) or b) for b in r.boards],
            event_title=_m(event.title) if event else "", event_date=iso(event.date) if event else "",
            project_title=_m(project.title) if project else "", phase=r.phase or "",
            phase_zh=PHASE_ZH.get(r.phase or "", ""), correction=correction,
            reviewed=ReviewView(_m(reviewed.by), *_day(reviewed.date)) if reviewed and reviewed.by else None,
            finance=finance_view(r.finance) if r.finance else None,
            tables=[table_view(t) for t in r.tables], sheet="",
            complaints=self._complaints(u, uv, year), online_url=online, qr_svg=self.qr(online),
            published_date=published, until_date=r.until, quarter=quarter,
            order=facts.order + (period_str, published, r.id),
            content=r.content)

    def _complaints(self, u: UnitData, uv: UnitView, year: int) -> Public:
        """The complaint contact printed for `year` (see _complaints), worked out once per unit and year."""
        memo = self._memo(u, uv)
        done = memo.complaints.get(year)
        if done is None:
            done = memo.complaints[year] = Public(_complaints(u.plans, year))
        return done

    # -------------------------------------------------------------- sheets

    def sheet_view(self, u: UnitData, uv: UnitView, quarter: Period, issue: int | None,
                   records: list[RecordView]) -> SheetView:
        y, k, n = quarter.year, quarter.kind, quarter.n  # (Period's __eq__, without a call for each record)
        own = [r for r in records if (q := r.quarter) is not None and q.year == y and q.kind == k and q.n == n]
        day = max((r.published_date for r in own), default=min(quarter.end, self.as_of))
        standing = [r for r in records if r.standing and r.published_date <= day
                    and (r.until_date is None or r.until_date > day)]
        new_standing = [r for r in own if r.standing]
        periodic = [r for r in own if not r.standing]
        sections: list[SectionView] = []
        for cat in CATEGORY_ORDER:
            in_cat = [r for r in periodic if r.category == cat]
            if in_cat:
                sections.append(SectionView(cat, CATEGORY_TITLE[cat], cn_ordinal(len(sections) + 1), in_cat))
        pages = [r for s in sections for r in s.records] + new_standing
        reviews = sorted({r.reviewed for r in pages if r.reviewed}, key=lambda v: (v.date, v.by))
        reviewers = [ReviewerView(by, [v.date for v in reviews if v.by == by], [v.date_zh for v in reviews if v.by == by])
                     for by in dict.fromkeys(v.by for v in reviews)]
        path = site_path(uv.base, f"sheets/{quarter}")
        online = self.online(path)
        return SheetView(
            unit=uv, period=str(quarter), period_label=quarter.label_zh, year=quarter.year, issue=issue,
            published=iso(day), published_zh=date_zh(day), sections=sections, standing=standing,
            new_standing=new_standing, pages=pages, page_of={r.id: n for n, r in enumerate(pages, 1)}, reviews=reviews,
            reviewers=reviewers, unreviewed=[r for r in pages if r.reviewed is None], complaints=self._complaints(u, uv, quarter.year),
            supervision_phone=uv.supervision_phone, path=path, online_url=online, qr_svg=self.qr(online))

    # -------------------------------------------------------------- indexes

    def unit_index(self, uv: UnitView, sheets: list[SheetView], records: list[RecordView]) -> UnitIndexView:
        years = sorted({r.published_date.year if not r.period else int(r.period[:4]) for r in records}, reverse=True)
        year_views = []
        for year in years:
            in_year = [r for r in records if (int(r.period[:4]) if r.period else r.published_date.year) == year]
            sections: list[SectionView] = []
            for cat in CATEGORY_ORDER:
                in_cat = [r for r in in_year if r.category == cat]
                if in_cat:
                    sections.append(SectionView(cat, CATEGORY_TITLE[cat], cn_ordinal(len(sections) + 1), in_cat))
            year_views.append(YearView(year, [s for s in reversed(sheets) if s.year == year], sections))
        standing = [r for r in records if r.standing and (r.until_date is None or r.until_date > self.as_of)]
        return UnitIndexView(uv, list(reversed(sheets)), year_views, standing, records)


@dataclass
class TownYear:
    year: int
    rows: list[tuple[UnitView, list[SheetView | None]]]  # per unit: Q1..Q4
    sections: list[SectionView]


@dataclass
class TownIndexView:
    town: str
    units: list[UnitIndexView]
    years: list[TownYear]


def town_index(repo: Repository, sites: list[UnitSite]) -> TownIndexView:
    years = sorted({s.year for site in sites for s in site.sheets}
                   | {y.year for site in sites for y in site.index.years}, reverse=True)
    out = []
    for year in years:
        rows = []
        for site in sites:
            by_q = {s.period: s for s in site.sheets if s.year == year}
            rows.append((site.unit, [by_q.get(f"{year}-Q{n}") for n in range(1, 5)]))
        sections: list[SectionView] = []
        for cat in CATEGORY_ORDER:
            in_cat = [r for site in sites for y in site.index.years if y.year == year
                      for s in y.sections if s.category == cat for r in s.records]
            if in_cat:
                sections.append(SectionView(cat, CATEGORY_TITLE[cat], cn_ordinal(len(sections) + 1), in_cat))
        out.append(TownYear(year, rows, sections))
    return TownIndexView(_m(repo.name), [s.index for s in sites], out)


# ------------------------------------------------------------------ parts


def _catalog_number(info: ItemInfo | None) -> int:
    if info is None or info.local:
        return 10_000
    tail = info.id.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 10_000


def _complaints(plans: list[Plan], year: int) -> str:
    """The complaint contact of the year's plan, else of the latest earlier plan that names one."""
    for plan in sorted((p for p in plans if p.year is not None and p.year <= year), key=lambda p: -(p.year or 0)):
        if plan.adoption and plan.adoption.complaints:
            return filled(plan.adoption.complaints) or ""
    return ""


def finance_view(st: Statement) -> FinanceView:
    def lines(items: list) -> list[LineView]:  # type: ignore[type-arg]
        known = _MASKED.get  # (what _m gives, without a call for each text already masked once)
        new = object.__new__  # (a statement has many lines: their frozen views made without __init__'s setattr calls)
        out = []
        for li in items:
            value = li.amount.value if li.amount else None
            name, note = li.name, li.note
            figure = new(Amount)
            figure.__dict__.update(value=value, text=amount(value))
            line = new(LineView)
            line.__dict__.update(name=known(name) or _m(name) if name else "", amount=figure,
                                 note=known(note) or _m(note) if note else "")
            out.append(line)
        return out

    income_total = sum((li.amount.value for li in st.income if li.amount), Decimal(0))
    expense_total = sum((li.amount.value for li in st.expense if li.amount), Decimal(0))
    opening = st.opening_balance.value if st.opening_balance else None
    closing = st.closing_balance.value if st.closing_balance else None
    computed = opening + income_total - expense_total if opening is not None else None
    return FinanceView(
        opening=Amount.of(opening), income=lines(st.income), income_total=Amount.of(income_total),
        expense=lines(st.expense), expense_total=Amount.of(expense_total), closing=Amount.of(closing),
        computed_closing=Amount.of(computed),
        balanced=closing is not None and computed is not None and closing == computed)


def _is_number(cell: str) -> bool:
    t = cell.strip().replace(",", "").replace("，", "")
    if t.startswith(("-", "+")):
        t = t[1:]
    return bool(t) and t.replace(".", "", 1).isdigit()


SHORT_ROOM = 32.0  # characters of a table's printed width on A4, less the 序号 column


def _display_width(cells: list[str]) -> float:
    """The widest cell in characters of the table's type: a Chinese character 1, a Latin letter or digit about half."""
    return max((sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in cell) for cell in cells), default=0.0)


_CELLS: dict[str, tuple[bool, bool, bool, float]] = {}  # a printed cell → _cell_facts(cell): lists repeat their values


def _cell_facts(cell: str) -> tuple[bool, bool, bool, float]:
    """What table_view needs of one cell: not blank, a number, short (≤ SHORT_CELL characters), its display width."""
    return bool(cell.strip()), _is_number(cell), len(cell) <= SHORT_CELL, _display_width([cell])


def table_view(t: Table) -> TableView:
    width = max([len(t.columns)] + [len(r) for r in t.rows])
    known = _MASKED.get  # (what _m gives, without a call for each cell already masked once)
    columns = [known(c) or _m(c) if c else "" for c in t.columns] + [""] * (width - len(t.columns))
    rows = [[known(c) or _m(c) if c else "" for c in r] + [""] * (width - len(r)) for r in t.rows]
    numeric: list[bool] = []
    short: list[bool] = []
    need: list[float] = []
    cells = _CELLS
    for i, cells_of in enumerate(zip(*rows) if rows else [()] * width):
        filled_in, number, fits, wide = False, True, True, 0.0
        for cell in cells_of:
            facts = cells.get(cell)
            if facts is None:
                if len(cells) >= MAX_MASKED:
                    cells.clear()
                facts = cells[cell] = _cell_facts(cell)
            if facts[0]:
                filled_in = True
                number = number and facts[1]
            fits = fits and facts[2]
            if facts[3] > wide:
                wide = facts[3]
        numeric.append(filled_in and number)
        short.append(fits and len(columns[i]) <= SHORT_CELL)
        need.append(wide + 1)  # + the cell's padding
    # cells kept on one line must leave the other columns room (A4: about 34 characters at the table's size,
    # less 序号 and the numbers): the narrowest columns keep their cells whole, while each column left to
    # wrap still gets three characters; so no table runs off the page or breaks a short value letter by letter
    room = SHORT_ROOM - sum(need[i] for i in range(width) if numeric[i])
    candidates = sorted((i for i in range(width) if short[i] and not numeric[i]), key=lambda i: (need[i], i))
    wrapping = sum(1 for i in range(width) if not short[i] and not numeric[i])
    for n, i in enumerate(candidates):
        short[i] = room > 0 and need[i] + 3 * (wrapping + len(candidates) - n - 1) <= room
        room = room - need[i] if short[i] else 0  # once one must wrap, the wider ones wrap too
    return TableView(_m(t.title), columns, rows, numeric, short, _m(t.note))


# ------------------------------------------------------------------ the town index, unit by unit


def town_share(site: UnitSite) -> tuple[TownIndexView, dict[int, TownYear], dict[int, dict[str, SectionView]]]:
    """One unit's part of town_index(), for the blocks of the bundled town index to print where the unit is rendered
    (see printed_town_index): a town index of the unit alone (its line in the list of units), its row in each year
    it has a sheet or a record in, and its records of each of those years by category (unnumbered: the numbers
    count the categories of every unit)."""
    years = sorted({s.year for s in site.sheets} | {y.year for y in site.index.years}, reverse=True)
    rows: dict[int, TownYear] = {}
    sections: dict[int, dict[str, SectionView]] = {}
    for year in years:
        by_q = {s.period: s for s in site.sheets if s.year == year}
        rows[year] = TownYear(year, [(site.unit, [by_q.get(f"{year}-Q{n}") for n in range(1, 5)])], [])
        in_year: dict[str, SectionView] = {}
        for cat in CATEGORY_ORDER:
            in_cat = [r for y in site.index.years if y.year == year for s in y.sections if s.category == cat
                      for r in s.records]
            if in_cat:
                in_year[cat] = SectionView(cat, CATEGORY_TITLE[cat], "", in_cat)
        sections[year] = in_year
    return TownIndexView("", [site.index], []), rows, sections


@dataclass
class TownShare:
    """One unit's share of the bundled town index in one format, printed (town_share's parts through the blocks
    of town_index.html/.md): its line, its row in each of its years, its row in a year it has nothing in (dashes),
    and its lines by year and category. Plain strings: sent back from a worker process."""

    line: str
    rows: dict[int, str]
    blank: str
    records: dict[int, dict[str, str]]


@dataclass
class PrintedSection:
    title: str
    number: str
    records: str  # the section's lines, printed


@dataclass
class PrintedYear:
    year: int
    rows: str  # the year's rows, printed
    sections: list[PrintedSection]


@dataclass
class PrintedTownIndex:
    """What _town_index.html/.md print: town_index() with each unit's parts already printed."""

    town: str
    units: list[str]  # each unit's line, printed
    years: list[PrintedYear]


def printed_town_index(repo: Repository, shares: list[TownShare], safe: type[str]) -> PrintedTownIndex:
    """The town index of the units' shares (in the units' order) as town_index() makes it of their sites: every
    year of any unit, newest first, with every unit's row, and the sections of the categories with records that
    year numbered across all units (一、二、…). `safe` marks printed text as such (Markup, MdSafe)."""
    years = sorted({year for s in shares for year in s.rows}, reverse=True)
    out = []
    for year in years:
        sections: list[PrintedSection] = []
        for cat in CATEGORY_ORDER:
            lines = [s.records[year][cat] for s in shares if cat in s.records.get(year, ())]
            if lines:
                sections.append(PrintedSection(CATEGORY_TITLE[cat], cn_ordinal(len(sections) + 1),
                                               safe("".join(lines))))
        out.append(PrintedYear(year, safe("".join(s.rows.get(year, s.blank) for s in shares)), sections))
    return PrintedTownIndex(_m(repo.name), [safe(s.line) for s in shares], out)
