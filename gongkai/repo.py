"""Find the units under PATH and load every file on its own.

Each file becomes (object or None, problems) independently of every other file, so one broken
file never hides the findings of the others, and loading can later run in parallel or from a cache.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai import basis as B
from gongkai.cache import FileCache, enabled, gc_paused, stamp
from gongkai.load.nodes import decode, parse, scan_slips
from gongkai.load.schema import INVALID, Ctx, convert
from gongkai.model import Event, Feedback, Inspection, Plan, Project, Record, Rules, Settings, Unit
from gongkai.problem import Problem, msg, problem

SETTINGS_FILE = "gongkai.yaml"
UNIT_FILE = "unit.yaml"
SKIP_DIRS = frozenset(("evidence", "node_modules", "__pycache__", "templates", "_site", "site", "out"))
# folder → (model, may hold sub-folders)
SECTIONS: dict[str, tuple[type, bool]] = {
    "plans": (Plan, False),
    "records": (Record, True),
    "events": (Event, True),
    "projects": (Project, True),
    "feedback": (Feedback, True),
    "inspections": (Inspection, True),
}


@dataclass(frozen=True)
class Timing:
    """The effective windows for one unit: defaults ← gongkai.yaml rules ← unit.yaml rules."""

    quarterly_days: int = 10
    monthly_days: int = 10
    plan_publish_days: int = 2
    immediate_days: int = 2
    phase_after_days: int = 10
    feedback_days: int = 10
    due_soon_days: int = 14
    plan_due: tuple[int, int] = (3, 31)
    inspection_due: tuple[int, int] = (12, 31)

    def override(self, rules: Rules | None) -> Timing:
        if rules is None:
            return self
        changes = {k: getattr(rules, k) for k in self.__dataclass_fields__ if getattr(rules, k, None) is not None}
        return Timing(**{**self.__dict__, **changes})


@dataclass
class UnitData:
    """Everything loaded for one unit. Ids follow SPEC: records and feedback by their path in the unit
    folder without `.yaml`; events and projects by their path under events/ or projects/, or `id:`."""

    id: str
    dir: Path
    unit_path: str  # unit.yaml relative to PATH
    unit: Unit | None
    timing: Timing = field(default_factory=Timing)
    plans: list[Plan] = field(default_factory=list)
    records: dict[str, Record] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    feedback: dict[str, Feedback] = field(default_factory=dict)
    inspections: dict[str, Inspection] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    cache: FileCache | None = None  # where this unit's files (and evidence digests) are cached

    @property
    def kind(self) -> str | None:
        return self.unit.kind if self.unit else None

    @property
    def name(self) -> str:
        return self.unit.name if self.unit and self.unit.name else self.id

    def plan(self, year: int) -> Plan | None:
        for p in self.plans:
            if p.year == year:
                return p
        return None


@dataclass
class Repository:
    root: Path
    settings: Settings | None
    settings_path: str | None
    units: list[UnitData]
    problems: list[Problem]  # repository-level: gongkai.yaml

    @property
    def name(self) -> str:
        if self.settings and self.settings.name:
            return self.settings.name
        return self.root.name

    @property
    def settings_dir(self) -> Path:
        """The folder of gongkai.yaml: relative paths written in it (templates, smtp.cafile) start there."""
        if self.settings_path is None:
            return self.root
        return (self.root / self.settings_path).parent

    def files_with_errors(self) -> int:
        """How many files have errors (failed to load, or wrong values): what other commands read may be incomplete."""
        problems = list(self.problems) + [p for u in self.units for p in u.problems]
        return len({p.path for p in problems if p.severity == "error"})


def superseded(records: dict[str, Record]) -> set[str]:
    """Ids of the records that a correction among `records` replaces."""
    return {r.supersedes for r in records.values() if r.supersedes and r.supersedes in records and r.supersedes != r.id}


def corrected(records: dict[str, Record], record: Record) -> list[str]:
    """The ids a record replaces among `records`, directly or through earlier corrections, nearest first.
    One walk along one chain; to ask this for many records use `Corrections`, which is linear in all of them."""
    out: list[str] = []
    seen = {record.id}
    while record.supersedes in records and record.supersedes not in seen:
        out.append(record.supersedes)
        seen.add(record.supersedes)
        record = records[record.supersedes]
    return out


class Corrections:
    """Which record replaces which, through whole `supersedes` chains, answered in constant time.

    `replaces(a, b)` is `b in corrected(records, records[a])`, but built once in time linear in the number of
    records (a 2000-long chain of corrections, or a cycle, costs 2000 steps, not 2000²): the chains form a forest
    (each record supersedes at most one) whose cycles are folded into one node; b is replaced by a when b's node
    is an ancestor of a's, or both sit on the same cycle.
    """

    def __init__(self, records: dict[str, Record]) -> None:
        parent: dict[str, str] = {}
        for rid, rec in records.items():
            if rec.supersedes and rec.supersedes in records and rec.supersedes != rid:
                parent[rid] = rec.supersedes
        # fold each cycle into one node, named by its smallest id
        node: dict[str, str] = {}
        self.cycles: list[list[str]] = []  # each cycle of corrections, from its smallest id along the chain
        state: dict[str, int] = {}  # 1 on the current walk, 2 done
        for start in sorted(records):
            path: list[str] = []
            here: str | None = start
            while here is not None and here not in state:
                state[here] = 1
                path.append(here)
                here = parent.get(here)
            if here is not None and state[here] == 1:  # the walk closed a cycle
                cycle = path[path.index(here):]
                name = min(cycle)
                turn = cycle.index(name)
                self.cycles.append(cycle[turn:] + cycle[:turn])
                for rid in cycle:
                    node[rid] = name
            for rid in path:
                state[rid] = 2
                node.setdefault(rid, rid)
        self.node = node
        # the folded forest: node → parent node (a cycle's node points where none of its members do: nowhere)
        up: dict[str, str] = {}
        for rid, sup in parent.items():
            a, b = node[rid], node[sup]
            if a != b:
                up[a] = b
        children: dict[str, list[str]] = {}
        for a, b in up.items():
            children.setdefault(b, []).append(a)
        # entry and exit times of a depth-first walk, iterative (chains may be thousands long)
        self.tin: dict[str, int] = {}
        self.tout: dict[str, int] = {}
        self.tree: dict[str, str] = {}  # node → the root of its tree: records in different trees never relate
        clock = 0
        for root in sorted(set(node.values()) - set(up)):
            stack: list[tuple[str, int]] = [(root, 0)]
            self.tin[root] = clock
            self.tree[root] = root
            clock += 1
            while stack:
                here, i = stack[-1]
                kids = children.get(here, [])
                if i < len(kids):
                    stack[-1] = (here, i + 1)
                    child = kids[i]
                    self.tin[child] = clock
                    self.tree[child] = root
                    clock += 1
                    stack.append((child, 0))
                else:
                    self.tout[here] = clock
                    clock += 1
                    stack.pop()

    def component(self, rid: str) -> str:
        """The root of the record's correction tree (itself when it corrects nothing and nothing corrects it)."""
        return self.tree.get(self.node.get(rid, rid), rid)

    def replaces(self, later: str, earlier: str) -> bool:
        """Does `later` replace `earlier`, directly or through a chain of corrections?"""
        if later == earlier or later not in self.node or earlier not in self.node:
            return False
        a, b = self.node[later], self.node[earlier]
        if a == b:
            return True  # both on one cycle (distinct records in the same node are always a cycle)
        return self.tin[b] < self.tin[a] and self.tout[a] < self.tout[b]

    def related(self, one: str, other: str) -> bool:
        """Does one of the two replace the other?"""
        return self.replaces(one, other) or self.replaces(other, one)


def rel(path: Path, root: Path) -> str:
    """path relative to root, with '/'. Paths found by walking root share its prefix: slice it, don't relpath."""
    p, base = str(path), str(root)
    if p == base:
        return "."
    if base and p.startswith(base) and p[len(base)] == os.sep:
        return p[len(base) + 1:].replace(os.sep, "/")
    r = os.path.relpath(path, root)
    return "." if r == "." else r.replace(os.sep, "/")


def load_cached(path: Path, shown: str, cls: type, cache: FileCache | None) -> tuple[Any, list[Problem]]:
    if cache is None:
        return load_file(path, shown, cls)
    try:
        st = stamp(path.stat())
    except OSError:
        return load_file(path, shown, cls)
    key = f"{cls.__name__}:{shown}"
    hit = cache.get(key, st)
    if hit is not None:
        return hit
    result = load_file(path, shown, cls)
    cache.put(key, st, result)
    return result


def load_file(path: Path, shown: str, cls: type) -> tuple[Any, list[Problem]]:
    """One file → (object or None, its problems). Never raises for any content."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return None, [problem("syntax", "error", shown, None,
                              msg("无法读取文件：{e}", "cannot read the file: {e}", e=e.strerror or str(e)), B.FORMAT)]
    text, bad = decode(data)
    if bad is not None:
        return None, [problem(bad.code, "error", shown, (bad.line, bad.col) if bad.line else None, bad.message, B.FORMAT)]
    assert text is not None
    root, slips = parse(text)
    if slips:
        return None, [problem(s.code, "error", shown, (s.line, s.col) if s.line else None, s.message, B.FORMAT)
                      for s in slips]
    if root is None:
        return None, [problem("schema", "error", shown, (1, 1), msg(
            "文件是空的：请按 README 的格式填写，或删掉这个文件", "the file is empty: fill it in as the README shows, or delete it"),
            B.FORMAT)]
    ctx = Ctx(shown)
    obj = convert(cls, root, ctx)
    if obj is INVALID:
        # a whole file that is not a mapping is most often a full-width colon or a tab
        ctx.problems = [problem(s.code, "error", shown, (s.line, s.col), s.message, B.FORMAT)
                        for s in scan_slips(text)] or ctx.problems
        return None, ctx.problems
    return obj, ctx.problems


def find_units(root: Path) -> list[Path]:
    units = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIP_DIRS)
        if UNIT_FILE in filenames:
            units.append(Path(dirpath))
    return sorted(units, key=lambda p: rel(p, root))


def _section_files(unit_dir: Path, section: str, recursive: bool, unit_dirs: set[Path]) -> list[Path]:
    base = unit_dir / section
    if not base.is_dir():
        return []
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(base):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and here / d not in unit_dirs) if recursive else []
        # only regular files: a FIFO or device named *.yaml would block the read forever
        out.extend(here / n for n in filenames if n.endswith(".yaml") and not n.startswith(".") and (here / n).is_file())
    return sorted(out)


def find_settings(root: Path) -> Path | None:
    """gongkai.yaml at PATH, or above it up to the repository (git) root."""
    here = root.resolve()
    while True:
        candidate = here / SETTINGS_FILE
        if candidate.is_file():
            return candidate
        if (here / ".git").exists() or here.parent == here:
            return None
        here = here.parent


@dataclass
class Layout:
    """What is found before any unit is read: the settings, the effective default timing and the unit folders."""

    root: Path
    settings: Settings | None
    settings_path: str | None
    problems: list[Problem]
    timing: Timing
    unit_dirs: list[Path]

    def repository(self, units: list[UnitData]) -> Repository:
        return Repository(root=self.root, settings=self.settings, settings_path=self.settings_path, units=units,
                          problems=self.problems)


def discover(root: Path) -> Layout:
    root = Path(root)
    problems: list[Problem] = []
    settings = None
    settings_file = find_settings(root)
    settings_path = rel(settings_file, root.resolve()) if settings_file else None
    if settings_file is not None:
        settings, found = load_file(settings_file, settings_path or SETTINGS_FILE, Settings)
        problems.extend(found)
    base = Timing().override(settings.rules if settings else None)
    return Layout(root, settings, settings_path, problems, base, find_units(root))


def load_repository(root: Path, use_cache: bool = False) -> Repository:
    """Load every unit under root. With use_cache, unchanged files come from the cache (see gongkai.cache)."""
    return load_layout(discover(root), use_cache)


def load_layout(layout: Layout, use_cache: bool = False) -> Repository:
    unit_set = set(layout.unit_dirs)
    with gc_paused():
        units = [load_unit(layout.root, d, unit_set, layout.timing, use_cache) for d in layout.unit_dirs]
    return layout.repository(units)


def load_unit(root: Path, unit_dir: Path, unit_dirs: set[Path], base: Timing, use_cache: bool = False) -> UnitData:
    """One unit, every file on its own; with use_cache, unchanged files come from the unit's cache shard."""
    uid = rel(unit_dir, root)
    cache = FileCache(root, uid) if enabled(use_cache) else None

    def shown(p: Path) -> str:
        return rel(p, root)

    unit, problems = load_cached(unit_dir / UNIT_FILE, shown(unit_dir / UNIT_FILE), Unit, cache)
    data = UnitData(id=uid, dir=unit_dir, unit_path=shown(unit_dir / UNIT_FILE), unit=unit, problems=list(problems),
                    cache=cache)
    data.timing = base.override(unit.rules if unit else None)
    for section, (cls, recursive) in SECTIONS.items():
        for path in _section_files(unit_dir, section, recursive, unit_dirs):
            obj, found = load_cached(path, shown(path), cls, cache)
            data.problems.extend(found)
            if obj is None:
                continue
            _file_id(data, section, obj, path, unit_dir)
    return data


def _file_id(data: UnitData, section: str, obj: Any, path: Path, unit_dir: Path) -> None:
    in_unit = rel(path, unit_dir)[: -len(".yaml")]
    if section == "plans":
        stem = path.stem
        if obj.year is not None and stem.isdigit() and int(stem) != obj.year:
            data.problems.append(problem("schema", "error", obj.src.path, obj.at("year"), msg(
                "文件名是 {s}.yaml，但 year 写的是 {y}：两者应一致", "the file is {s}.yaml but year says {y}: make them agree",
                s=stem, y=obj.year), B.FORMAT))
        if obj.year is not None:
            data.plans.append(obj)
        return
    if section in ("events", "projects"):
        default = in_unit[len(section) + 1:]
        obj.id = obj.id or default
        getattr(data, section).setdefault(obj.id, obj)
        if getattr(data, section)[obj.id] is not obj:
            first = getattr(data, section)[obj.id]
            data.problems.append(problem("duplicate", "error", obj.src.path, obj.at("id"), msg(
                "编号“{i}”已被 {p} 使用：每个事件或项目的编号必须唯一", "id '{i}' is already used by {p}: ids must be unique",
                i=obj.id, p=first.src.path), B.FORMAT))
        return
    obj.id = in_unit
    getattr(data, section)[in_unit] = obj


def today_in(tz: str | None) -> dt.date:
    """Today in the configured timezone (default Asia/Shanghai)."""
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(tz or "Asia/Shanghai")).date()
    except Exception:  # noqa: BLE001 - an unknown zone or no tz database: fall back to UTC+8
        return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=8)).date()
