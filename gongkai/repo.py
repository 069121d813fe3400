"""Find the units under PATH and load every file on its own.

Each file becomes (object or None, problems) independently of every other file, so one broken
file never hides the findings of the others, and loading can later run in parallel or from a cache.

Nothing inside a unit is ignored silently: `walk_unit` returns the YAML files of the known folders and explains
every other file at its path (`ignored`). Nothing outside the repository is read: links are resolved and refused
when they lead outside PATH (or dangle, or loop), only regular files are read, their size checked before reading,
folders are walked without recursion and at most MAX_FOLDER_DEPTH deep, and gongkai.yaml is looked up only
inside the repository.
"""

from __future__ import annotations

import datetime as dt
import errno
import operator
import os
import re
import stat as statmod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai import basis as B
from gongkai import walk as walk_mod
from gongkai.cache import FileCache, enabled, gc_paused, stamp
from gongkai.problem import Msg, Problem, msg, problem
from gongkai.walk import MAX_FOLDER_DEPTH, SKIP_DIRS, SKIP_LIST

if TYPE_CHECKING:
    from gongkai.items import ItemInfo
    from gongkai.model import Event, Feedback, Inspection, Plan, Project, Record, Rules, Settings, Unit

SETTINGS_FILE = "gongkai.yaml"
UNIT_FILE = "unit.yaml"
# folder → may hold sub-folders; SECTIONS (folder → (model, may hold sub-folders)) is made when first asked for
SECTION_NESTS: dict[str, bool] = {"plans": False, "records": True, "events": True, "projects": True,
                                  "feedback": True, "inspections": True}

# The YAML loader, the schema and the models are imported when the first file is read, not with this module: a warm
# `gongkai check` finds the units and reads their results from the cache without them (see _need_loader).
MAX_BYTES = 4 * 1024 * 1024  # gongkai.load.nodes.MAX_BYTES (tests/test_results_walk.py checks they agree)
BYTES_IN_C: Any = None
decode: Any = None
parse: Any = None
quick_parse: Any = None
scan_slips: Any = None
INVALID: Any = None
Ctx: Any = None
convert: Any = None
quick_load: Any = None
_SECTIONS: dict[str, tuple[type, bool]] = {}


def _need_loader() -> None:
    """Import the YAML loader, the schema and the models (once)."""
    global BYTES_IN_C, decode, parse, quick_parse, scan_slips, INVALID, Ctx, convert, quick_load
    if convert is not None:
        return
    from gongkai import model
    from gongkai.load import nodes, schema

    if not _SECTIONS:
        _SECTIONS.update({name: (getattr(model, cls), SECTION_NESTS[name]) for name, cls in (
            ("plans", "Plan"), ("records", "Record"), ("events", "Event"), ("projects", "Project"),
            ("feedback", "Feedback"), ("inspections", "Inspection"))})
    BYTES_IN_C, decode, parse = nodes.BYTES_IN_C, nodes.decode, nodes.parse
    quick_parse, scan_slips = nodes.quick_parse, nodes.scan_slips
    INVALID, Ctx, convert, quick_load = schema.INVALID, schema.Ctx, schema.convert, schema.quick_load


def __getattr__(name: str) -> Any:
    if name == "SECTIONS":
        _need_loader()
        return _SECTIONS
    if name == "UNIT_VARIANT":
        return _unit_variant()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    _items: dict[str, ItemInfo | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    def item(self, item_id: str) -> ItemInfo | None:
        """`gongkai.items.resolve(item_id, unit, plans)` for this unit, once per id: rules and obligations ask it
        for every record, plan item and event. Ask only once the unit is loaded (its plans are then final)."""
        try:
            return self._items[item_id]
        except KeyError:
            from gongkai.items import resolve

            info = self._items[item_id] = resolve(item_id, self.unit, self.plans)
            return info

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


def load_cached(path: Path | str, shown: str, cls: type, cache: FileCache | None) -> tuple[Any, list[Problem]]:
    if cache is None:
        return load_file(path, shown, cls)
    try:
        st = stamp(os.stat(path))
    except OSError:
        return load_file(path, shown, cls)
    key = f"{cls.__name__}:{shown}"
    hit = cache.get(key, st)
    if hit is not None:
        return hit
    result = load_file(path, shown, cls)
    cache.put(key, st, result)
    return result


def read_regular(path: Path | str) -> bytes | Msg:
    """The bytes of a regular file, at most MAX_BYTES + 1 of them, or why it is not read.

    Opened without blocking (a FIFO named unit.yaml must not hang the run) and checked with fstat before any
    byte is read: a device, a FIFO or a file over the size limit is refused, and reading is bounded anyway. With the
    C walk, the same system calls are made in C (gongkai._cwalk.read_file): no Python objects on the way."""
    if _read_file is not None:
        got = _read_file(path, MAX_BYTES)
        if type(got) is bytes:
            return got
        why, value = got
        if why == "irregular":
            return NOT_REGULAR
        if why == "large":
            return _too_large(value)
        return msg("无法读取文件：{e}", "cannot read the file: {e}", e=os.strerror(value))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        return msg("无法读取文件：{e}", "cannot read the file: {e}", e=e.strerror or str(e))
    try:
        st = os.fstat(fd)
        if not statmod.S_ISREG(st.st_mode):
            return NOT_REGULAR
        if st.st_size > MAX_BYTES:
            return _too_large(st.st_size)
        # the whole file and one byte more in one read (a 1 MiB buffer for every small file costs more than the
        # reading), then small reads to the end: bounded anyway, a file that grows is read up to the limit
        # A read of a regular file returns less than asked only at its end: then no further read is needed (nor
        # was the whole file and one more byte there: the first read is all of it, as the stat said or shorter).
        want = min(st.st_size + 1, MAX_BYTES + 1)
        first = os.read(fd, want)
        if len(first) < want:
            return first
        chunks, size, want = [first], len(first), 1 << 16
        while size <= MAX_BYTES:
            chunk = os.read(fd, min(want, MAX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as e:
        return msg("无法读取文件：{e}", "cannot read the file: {e}", e=e.strerror or str(e))
    finally:
        os.close(fd)


def _too_large(n: int) -> Msg:
    return msg("文件过大（{n} 字节，上限 {m} 字节）：一个文件只写一条记录，大的附件放到 evidence/ 里",
               "file too large ({n} bytes, limit {m}): keep one item per file and put attachments under evidence/",
               n=n, m=MAX_BYTES)


def load_file(path: Path | str, shown: str, cls: type) -> tuple[Any, list[Problem]]:
    """One file → (object or None, its problems). Never raises for any content."""
    if convert is None:
        _need_loader()
    data = read_regular(path)
    if isinstance(data, Msg):
        code = "ignored" if data is NOT_REGULAR else "syntax"
        return None, [problem(code, "error", shown, None, data, B.FORMAT)]
    if len(data) > MAX_BYTES:  # it grew while being read
        return None, [problem("syntax", "error", shown, (1, 1), _too_large(len(data)), B.FORMAT)]
    # an ordinary file: its bytes go straight to C, which builds the object (quick_load) or at least the node tree
    # (quick_parse); anything else is decoded first
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    done = quick_load(cls, body, shown)
    if done is not None:
        return done
    root = quick_parse(body)
    text: str | None = None
    if root is None:
        text, bad = decode(data)
        if bad is not None:
            return None, [problem(bad.code, "error", shown, (bad.line, bad.col) if bad.line else None, bad.message,
                                  B.FORMAT)]
        assert text is not None
        root, slips = parse(text, c=not BYTES_IN_C)  # (the C builder has had its try on the bytes)
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
        if text is None:
            text = decode(data)[0]  # (the C builder read it: it is UTF-8)
            assert text is not None
        # a whole file that is not a mapping is most often a full-width colon or a tab
        ctx.problems = [problem(s.code, "error", shown, (s.line, s.col), s.message, B.FORMAT)
                        for s in scan_slips(text)] or ctx.problems
        return None, ctx.problems
    return obj, ctx.problems


# ---------------------------------------------------------------- what is read, what is not, and why

NOT_REGULAR = msg("这不是普通文件（而是命名管道、设备等），不会被读取：请换成普通的 YAML 文件",
                  "not a regular file (a FIFO, a device…): not read. Replace it with a plain YAML file")
OUTSIDE = msg("这是指向仓库以外的链接，不会被读取：请把文件本身复制到仓库里",
              "a link leading outside the repository: not read. Copy the file itself into the repository")
DANGLING = msg("链接指向的文件不存在，不会被读取：删掉这个链接，或让它指向仓库里的文件",
               "a link to something that does not exist: not read. Delete it or point it at a file in the repository")
KNOWN_HINT = Msg("公开记录放 records/，年度方案放 plans/，事件放 events/，项目放 projects/，质询投诉放 feedback/，"
                 "公开栏检查放 inspections/，照片扫描件放 evidence/",
                 "records go in records/, plans in plans/, events in events/, projects in projects/, feedback in "
                 "feedback/, inspections in inspections/, photos and scans in evidence/")
# names people use for the known folders: a misnamed folder gets the right one
FOLDER_ALIASES = {"记录": "records", "公开记录": "records", "方案": "plans", "计划": "plans", "年度方案": "plans",
                  "事件": "events", "项目": "projects", "工程": "projects", "反馈": "feedback", "意见": "feedback",
                  "投诉": "feedback", "检查": "inspections", "照片": "evidence", "证据": "evidence", "图片": "evidence"}
# editor and system litter, and notes, skipped without a word (hidden files and folders are skipped too)
LITTER = re.compile(r"(~|\.swp|\.swo|\.tmp|\.bak)$|^~\$|^#.*#$|^(thumbs\.db|ehthumbs\.db|desktop\.ini)$|^readme\b",
                    re.IGNORECASE)
_LITTER_FIRST = frozenset("~#rR")  # what a name LITTER matches may start with, unless it ends like litter


def litter(name: str) -> bool:
    """LITTER.search(name), answered without the search for the usual `*.yaml` (none of LITTER's endings, and a
    first character none of its beginnings can match, even ignoring case)."""
    if name.endswith(".yaml") and name[:1] not in _LITTER_FIRST:
        return False
    return LITTER.search(name) is not None


YAMLISH = re.compile(r"(.+)\.ya?ml(\.txt)?", re.IGNORECASE)


def yaml_fix(name: str) -> str | None:
    """The name a file that was meant to be YAML should have (`a.yml`, `a.YAML`, `a.yaml.txt` → `a.yaml`)."""
    m = YAMLISH.fullmatch(name)
    if m is None or name.endswith(".yaml"):
        return None
    return m.group(1) + ".yaml"


def nearest_folder(name: str) -> str | None:
    """The known folder an unknown one was most likely meant to be (`record` → `records`)."""
    if name in FOLDER_ALIASES:
        return FOLDER_ALIASES[name]
    known = [*SECTION_NESTS, "evidence"]
    import difflib  # (here: a warm run needs no near names)

    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    return close[0] if close else None


def printable(path: str) -> str:
    """A path as it can be printed: bytes of a non-UTF-8 file name (a GBK name from Windows) as \\xNN escapes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _ignored(severity: str, shown: str, message: Msg) -> Problem:
    message = Msg(printable(message.zh), printable(message.en))  # it may quote a file or folder name
    return problem("ignored", severity, printable(shown), None, message, B.FORMAT)


class Confine:
    """The repository's real path: everything read must resolve inside it."""

    def __init__(self, root: Path) -> None:
        self.real = os.path.realpath(root)

    def inside(self, real: str) -> bool:
        return real == self.real or real.startswith(self.real.rstrip(os.sep) + os.sep)

    def link(self, path: str) -> tuple[str | None, Msg | None]:
        """Where a link leads (its real path), or why it is not followed (outside, dangling, a loop)."""
        try:
            real = os.path.realpath(path, strict=True)
        except (OSError, RuntimeError) as e:
            if isinstance(e, OSError) and e.errno == errno.ELOOP or isinstance(e, RuntimeError):
                return None, msg("链接形成循环，不会被读取：请删掉这个链接", "a link loop: not read. Delete the link")
            if not os.path.exists(path):
                return None, DANGLING
            return None, msg("无法读取：{e}", "cannot read: {e}", e=getattr(e, "strerror", None) or str(e))
        if not self.inside(real):
            return None, OUTSIDE
        return real, None

    def refuse(self, path: Path) -> Msg | None:
        """Why a single file at a fixed place (unit.yaml, gongkai.yaml) is not read, or None: it may be."""
        p = str(path)
        if os.path.islink(p):
            return self.link(p)[1]
        return None


@dataclass
class Walk:
    """What walking a unit folder found: the files to read per section, and the files it explains."""

    files: dict[str, list[str]] = field(default_factory=dict)  # paths from walking the unit folder
    problems: list[Problem] = field(default_factory=list)


def _entries(folder: str, shown: Callable[[str], str], out: list[Problem]) -> list[os.DirEntry[str]]:
    """The folder's entries by name; when it cannot be listed, an error at shown(folder) and none."""
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as e:
        out.append(_ignored("error", shown(folder), msg("无法读取文件夹：{e}", "cannot read the folder: {e}",
                                                        e=e.strerror or str(e))))
        return []


def walk_unit(root: Path, unit_dir: Path, unit_dirs: set[Path], confine: Confine,
              settings_file: Path | None = None, templates: str | None = None) -> Walk:
    """Every entry of a unit folder, read or explained: YAML files of the known folders are returned to be
    read; everything else gets an `ignored` problem at its path, except evidence/, hidden files, editor and
    system litter, READMEs, render output and nested units (which read their own files).

    Paths are plain strings from os.scandir (each DirEntry's type comes with the listing: no stat per file), shown
    by cutting the unit folder's own path off: a unit's files are all below it. A unit with nothing to explain (the
    usual one) is walked in C (gongkai._cwalk.unit_files): the same files, found without a Python object per entry."""
    plain = _plain_walk(unit_dir, unit_dirs, templates)
    if plain is not None:
        return plain
    found = Walk({s: [] for s in SECTION_NESTS})
    out = found.problems
    top = str(unit_dir)
    top_shown = rel(unit_dir, root)
    cut = len(top) if top.endswith(os.sep) else len(top) + 1

    def in_unit(p: str) -> str:
        """p (below the unit folder) relative to the unit folder, with '/'."""
        tail = p[cut:]
        return tail if os.sep == "/" else tail.replace(os.sep, "/")

    def shown(p: str) -> str:
        if p == top:
            return top_shown
        if not p.startswith(top):
            return rel(Path(p), root)
        return in_unit(p) if top_shown == "." else top_shown + "/" + in_unit(p)

    seen: set[tuple[int, int]] = set()

    def nested(path: str, real: str | None) -> bool:
        """A folder of another unit (found, or too deep to be looked for: find_units reports that), which reads its
        own files; a link to a unit folder is explained and not followed (that unit is checked on its own)."""
        if not os.path.lexists(os.path.join(path, UNIT_FILE)) and Path(path) not in unit_dirs:
            return False
        if real is not None:
            out.append(_ignored("warning", shown(path), msg(
                "这个链接指向一个单位的文件夹，不会被读取：那个单位单独检查", "a link to a unit folder: not read here, "
                "that unit is checked on its own")))
        return True

    def first_visit(entry: os.DirEntry[str] | str, real: str | None = None) -> bool:
        """A folder reached through a link is walked once, and never when it is walked already (a loop ends
        here); a real folder is always walked (the tree itself is finite) and remembered."""
        try:
            st = os.stat(real) if real else os.stat(entry) if isinstance(entry, str) else entry.stat()
        except OSError:
            return False
        key = (st.st_dev, st.st_ino)
        if key in seen and real is not None:
            return False
        seen.add(key)
        return True

    def resolve(entry: os.DirEntry[str]) -> tuple[str, str | None] | None:
        """('dir'|'file'|'other', real path for a link) or None when the entry is explained and skipped."""
        if entry.is_symlink():
            real, why = confine.link(entry.path)
            if why is not None:
                out.append(_ignored("error", shown(entry.path), why))
                return None
            assert real is not None
            kind = "dir" if os.path.isdir(real) else "file" if os.path.isfile(real) else "other"
            return kind, real
        try:
            kind = "dir" if entry.is_dir(follow_symlinks=False) else "file" if entry.is_file(follow_symlinks=False) \
                else "other"
        except OSError:
            kind = "other"
        return kind, None

    def too_deep(path: str) -> None:
        out.append(_ignored("error", shown(path), msg(
            "文件夹嵌套过深（超过 {n} 层），里面的文件不会被读取：请减少子文件夹层次",
            "folders nested too deeply (over {n} levels): nothing inside is read. Use fewer levels",
            n=MAX_FOLDER_DEPTH)))

    def walk(start: str, level: int, on_file: Callable[[os.DirEntry[str], str], None],
             on_dir: Callable[[os.DirEntry[str], int], bool] | None = None,
             again: Callable[[str], None] | None = None) -> None:
        """Walk the folder `start`, `level` folders below the unit folder, without recursion. Hidden entries and
        litter are skipped; links are resolved and confined (`resolve`); folders of nested units are left to them;
        every other folder is offered to on_dir (which may take it: True) and otherwise walked into, unless it lies
        MAX_FOLDER_DEPTH deep (`too_deep`) or is reached again through a link (`again`, when given, explains
        that); every other entry goes to on_file with its kind ('file' or 'other')."""
        stack = [(start, level)]
        while stack:
            folder, depth = stack.pop()
            subfolders = []
            for entry in _entries(folder, shown, out):
                if entry.name.startswith(".") or litter(entry.name):
                    continue
                got = resolve(entry)
                if got is None:
                    continue
                kind, real = got
                if kind != "dir":
                    on_file(entry, kind)
                elif nested(entry.path, real):
                    continue  # a nested unit reads its own files
                elif on_dir is not None and on_dir(entry, depth):
                    continue
                elif depth >= MAX_FOLDER_DEPTH:
                    too_deep(entry.path)
                elif first_visit(entry, real):
                    subfolders.append((entry.path, depth + 1))
                elif again is not None:
                    again(entry.path)
            stack.extend(reversed(subfolders))

    def walk_section(start: str, section: str, recursive: bool) -> None:
        files = found.files[section]

        def on_file(entry: os.DirEntry[str], kind: str) -> None:
            name = entry.name
            if name.endswith(".yaml"):
                if kind == "file":
                    files.append(entry.path)
                else:
                    out.append(_ignored("error", shown(entry.path), NOT_REGULAR))
                return
            fix = yaml_fix(name)
            if fix is not None:
                out.append(_ignored("error", shown(entry.path), msg(
                    "文件名是“{n}”，不会被读取：gongkai 只读以 .yaml 结尾的文件，请改名为“{f}”",
                    "'{n}' is not read: gongkai reads only files ending in .yaml. Rename it to '{f}'", n=name, f=fix)))
                return
            out.append(_ignored("warning", shown(entry.path), msg(
                "不是 YAML 文件，不会被读取：照片、扫描件请放到 evidence/ 里",
                "not a YAML file, so not read: keep photos and scans under evidence/")))

        def flat(entry: os.DirEntry[str], depth: int) -> bool:
            """A folder in a section without sub-folders (plans/): nothing in it is read."""
            walk_unknown(entry.path, msg(
                "{s}/ 里不分子文件夹，这里的文件不会被读取：请直接放在 {s}/ 下，文件名写年份，如 {s}/2024.yaml",
                "{s}/ has no sub-folders, so this is not read: put it directly in {s}/, named by the year "
                "as {s}/2024.yaml", s=section), depth)
            return True

        def again(path: str) -> None:
            out.append(_ignored("warning", shown(path), msg(
                "这个链接指向已经读过的文件夹，不再重复读取", "a link to a folder already read: not read again")))

        walk(start, 1, on_file, None if recursive else flat, again)

    def walk_unknown(start: str, why: Msg, depth: int = 0) -> None:
        """A folder gongkai does not read: each YAML-looking file inside is an error (it was surely meant to be
        read), the other files one warning at the folder."""
        others = 0

        def on_file(entry: os.DirEntry[str], kind: str) -> None:
            nonlocal others
            if entry.name.endswith(".yaml") or yaml_fix(entry.name):
                out.append(_ignored("error", shown(entry.path), why))
            else:
                others += 1

        walk(start, depth + 1, on_file)
        if others:
            out.append(_ignored("warning", shown(start), Msg(
                f"这里有 {others} 个文件不会被读取：{why.zh}", f"{others} file(s) here are not read: {why.en}")))

    first_visit(str(unit_dir))
    for entry in _entries(top, shown, out):
        name = entry.name
        if name.startswith(".") or litter(name) or name == UNIT_FILE:
            continue
        got = resolve(entry)
        if got is None:
            continue
        kind, real = got
        if kind == "dir":
            if nested(entry.path, real) or name == "evidence" or name in SKIP_DIRS or \
                    (templates is not None and os.path.realpath(entry.path) == templates):
                continue
            if name in SECTION_NESTS:
                if first_visit(entry, real):
                    walk_section(entry.path, name, SECTION_NESTS[name])
                continue
            near = nearest_folder(name)
            if near:
                why = msg("“{d}/”不是 gongkai 读取的文件夹：是否应为 {n}/？请改名", "'{d}/' is not a folder gongkai reads: "
                          "did you mean {n}/? Rename it", d=name, n=near)
            else:
                why = Msg(f"“{name}/”不是 gongkai 读取的文件夹：{KNOWN_HINT.zh}",
                          f"'{name}/' is not a folder gongkai reads: {KNOWN_HINT.en}")
            walk_unknown(entry.path, why)
            continue
        if name == SETTINGS_FILE and settings_file is not None and \
                os.path.realpath(entry.path) == os.path.realpath(settings_file):
            continue  # the repository's own settings, read by discover()
        if name == SETTINGS_FILE:
            out.append(_ignored("error", shown(entry.path), msg(
                "只有仓库根目录（或 PATH）的 gongkai.yaml 会被读取，这个不会：单位自己的时限写在 unit.yaml 的 rules: 里",
                "only the gongkai.yaml of the repository root (or PATH) is read, not this one: a unit's own timing "
                "goes under rules: in unit.yaml")))
        elif name.endswith(".yaml") or yaml_fix(name):
            stem = name.split(".")[0]
            hint = msg("年度方案请移到 plans/{y}.yaml", "move an annual plan to plans/{y}.yaml", y=stem) \
                if stem.isdigit() and len(stem) == 4 else KNOWN_HINT
            out.append(_ignored("error", shown(entry.path), Msg(
                f"单位文件夹里只读 unit.yaml，这个文件不会被读取：{hint.zh}",
                f"only unit.yaml is read at the top of a unit folder, not this file: {hint.en}")))
        else:
            out.append(_ignored("warning", shown(entry.path), Msg(
                "单位文件夹里的这个文件不会被读取：" + KNOWN_HINT.zh, "this file in the unit folder is not read: " + KNOWN_HINT.en)))
    for files in found.files.values():
        files.sort(key=lambda p: p.split(os.sep))  # as Path objects sort: by their parts
    return found


_SECTION_PAIRS = tuple(SECTION_NESTS.items())


def _plain_walk(unit_dir: Path, unit_dirs: set[Path], templates: str | None) -> Walk | None:
    """walk_unit's answer for a unit folder that holds nothing to report or resolve, from the C walk; None for any
    other (a link, a file or folder that is explained, a name the C walk does not decide) or without the C walk."""
    unit_files = getattr(_cwalk, "unit_files", None)
    if unit_files is None:
        return None
    got = unit_files(str(unit_dir), _SECTION_PAIRS, MAX_FOLDER_DEPTH, SKIP_LIST, templates)
    if got is None:
        return None
    lists, folders = got
    if not _unit_paths(unit_dirs).isdisjoint(folders):  # a unit folder whose unit.yaml has gone meanwhile
        return None
    found = Walk(dict(zip(SECTION_NESTS, lists)))
    for files in lists:
        files.sort(key=lambda p: p.split(os.sep))  # as Path objects sort: by their parts
    return found


_UNIT_PATHS: list[Any] = [None, 0, frozenset()]  # the last unit_dirs asked about, its size, its paths as strings


def _unit_paths(unit_dirs: set[Path]) -> frozenset[str]:
    """The unit folders as strings, made once per set of them (load_unit gets the same set for every unit of a run):
    a Path made of each folder walked, to look it up, would cost more than the walk in C."""
    if _UNIT_PATHS[0] is not unit_dirs or _UNIT_PATHS[1] != len(unit_dirs):
        _UNIT_PATHS[:] = [unit_dirs, len(unit_dirs), frozenset(map(str, unit_dirs))]
    return _UNIT_PATHS[2]


_UNIT_VARIANT: list[re.Pattern[str]] = []  # UNIT_VARIANT, compiled when the Python search first needs it


def _unit_variant() -> re.Pattern[str]:
    if not _UNIT_VARIANT:
        _UNIT_VARIANT.append(re.compile(r"unit\.(ya?ml)(\.txt)?", re.IGNORECASE))
    return _UNIT_VARIANT[0]
_cwalk: Any = walk_mod.cwalk  # the C walk of the unit search and the results cache; GONGKAI_PURE_PYTHON=1 turns it off
_BY_NAME = operator.attrgetter("name")
_read_file: Any = getattr(_cwalk, "read_file", None)  # (a module compiled without it: read in Python)


def find_units(root: Path, problems: list[Problem] | None = None,
               listing: dict[str, list[os.DirEntry[str]]] | None = None,
               walked: dict[str, bytes | None] | None = None) -> list[Path]:
    """Every folder under root holding unit.yaml, walked without recursion and without following links; folders
    whose unit file is misnamed (`unit.yml`) and folder links that lead outside are reported into `problems`.
    `listing` (if given) receives the entries of every folder walked, so that the results cache's walk of a unit
    (gongkai.results.manifest) need not list them again.

    With the C walk (gongkai/_cwalk.c) the folders are searched in C, and `walked` (if given) receives each unit
    folder's walk for the results cache (str(unit folder) → what gongkai.results.walked_digest hashes), taken in
    the same pass, in threads; `listing` then stays empty. Whenever the search has anything to report or decide
    (a misnamed unit file, a link or an unreadable folder outside units, folders nested too deeply) the C walk
    leaves it to the Python search below, which reports as it always has."""
    out: list[Problem] = [] if problems is None else problems
    if _cwalk is not None:
        started = walk_mod.taken(str(root), walked is not None)  # (begun by `gongkai check` before its imports)
        found = started.result() if started is not None else \
            _cwalk.scan(str(root), MAX_FOLDER_DEPTH, SKIP_LIST, walk_mod.threads(), walked is not None)
        if found is not None:
            if walked is not None:
                walked.update((str(Path(p)), stream) for p, stream in found)
            return sorted((Path(p) for p, _ in found), key=lambda p: rel(p, root))
    confine = Confine(root)
    units = []

    def shown(folder: str) -> str:
        return rel(Path(folder), root)

    stack = [(str(root), 0, False)]
    while stack:
        folder, depth, in_unit = stack.pop()
        try:
            with os.scandir(folder) as it:
                names = sorted(it, key=_BY_NAME)
        except OSError:
            names = _entries(folder, shown, out)  # reports why (its relative path only then)
        else:
            if listing is not None:  # only folders listed: an unreadable one is listed again (and reported) later
                listing[folder] = names
        subfolders = []
        kinds = []  # the entries that may be folders to walk: not hidden, not skipped
        unit_here = False
        for e in names:
            name = e.name
            if name == UNIT_FILE:
                unit_here = True
            if name[0] != "." and name not in SKIP_DIRS:
                kinds.append(e)
        if unit_here:
            units.append(Path(folder))
            in_unit = True
        elif not in_unit:
            for e in names:
                if _unit_variant().fullmatch(e.name):
                    out.append(_ignored("error", rel(Path(e.path), root), msg(
                        "文件名应为 unit.yaml（“{n}”不会被读取），所以这个文件夹现在不算一个单位：请改名",
                        "the unit file must be named unit.yaml ('{n}' is not read), so this folder is no unit yet: "
                        "rename it", n=e.name)))
                    break
        for e in kinds:
            if e.is_symlink():
                # a folder link is never followed here (so no loop): one leading inside names a folder that is
                # walked under its own path anyway; one leading outside is refused
                if not in_unit and os.path.isdir(e.path) and confine.link(e.path)[1] is OUTSIDE:
                    out.append(_ignored("warning", rel(Path(e.path), root), OUTSIDE))
                continue
            if not e.is_dir(follow_symlinks=False):
                continue
            if depth + 1 > MAX_FOLDER_DEPTH:
                if in_unit and not os.path.lexists(os.path.join(e.path, UNIT_FILE)):
                    continue  # the unit's own folders: walk_unit reports them, counted from the unit folder
                out.append(_ignored("warning", rel(Path(e.path), root), msg(
                    "文件夹嵌套过深（超过 {n} 层），里面不再查找单位", "folders nested too deeply (over {n} levels): no unit "
                    "is looked for inside", n=MAX_FOLDER_DEPTH)))
                continue
            subfolders.append((e.path, depth + 1, in_unit))
        stack.extend(reversed(subfolders))
    return sorted(units, key=lambda p: rel(p, root))


def git_top(start: Path) -> Path | None:
    """The nearest folder at or above start holding .git (the repository), or None."""
    here = start.resolve()
    while True:
        if os.path.lexists(here / ".git"):
            return here
        if here.parent == here:
            return None
        here = here.parent


def find_settings(root: Path) -> Path | None:
    """gongkai.yaml at PATH, or above it up to the top of its git repository; never above the repository: without
    git, only PATH itself (a gongkai.yaml in /tmp or a home folder is none of this repository's business)."""
    here = root.resolve()
    top = git_top(here) or here
    while True:
        candidate = here / SETTINGS_FILE
        if os.path.lexists(candidate):
            return candidate
        if here == top or here.parent == here:
            return None
        here = here.parent


def settings_outside(root: Path) -> Path | None:
    """A gongkai.yaml above PATH that is not read because PATH is in no git repository (only PATH's own is): said
    on stderr, so that a town's settings are not dropped without a word."""
    here = root.resolve()
    if git_top(here) is not None or os.path.lexists(here / SETTINGS_FILE):
        return None
    for folder in here.parents:
        if os.path.lexists(folder / SETTINGS_FILE):
            return folder / SETTINGS_FILE
    return None


def _mine(path: Path) -> bool:
    """Owned by this user (or root): an unowned unit.yaml above the working folder may have been planted."""
    if not hasattr(os, "getuid"):
        return True
    try:
        return os.stat(path).st_uid in (os.getuid(), 0)
    except OSError:
        return False


def find_root(start: Path) -> Path | None:
    """The repository that start lies in, found upward as git finds .git: the nearest folder holding unit.yaml,
    or holding gongkai.yaml or .git with units below it. None when start is in none; the search stops at .git."""
    here = start.resolve()
    while here.parent != here:
        here = here.parent
        unit = here / UNIT_FILE
        if os.path.isfile(unit) and _mine(unit) and _mine(here):
            return here
        marker = (os.path.lexists(here / SETTINGS_FILE) or os.path.lexists(here / ".git")) and _mine(here)
        if marker and find_units(here):
            return here
        if os.path.lexists(here / ".git"):
            return None
    return None


@dataclass
class Layout:
    """What is found before any unit is read: the settings, the effective default timing and the unit folders."""

    root: Path
    settings: Settings | None
    settings_path: str | None
    problems: list[Problem]
    timing: Timing
    unit_dirs: list[Path]
    settings_file: Path | None = None
    listing: dict[str, list[os.DirEntry[str]]] | None = None  # what find_units listed (discover(listing=True))
    walked: dict[str, bytes | None] | None = None  # each unit's walk by the C search (discover(listing=True))

    @property
    def templates(self) -> str | None:
        """The real path of the town's templates folder (`templates:` in gongkai.yaml): not a unit's data."""
        if self.settings is None or not self.settings.templates or self.settings_file is None:
            return None
        return os.path.realpath(os.path.join(os.path.dirname(self.settings_file), self.settings.templates))

    def repository(self, units: list[UnitData]) -> Repository:
        return Repository(root=self.root, settings=self.settings, settings_path=self.settings_path, units=units,
                          problems=self.problems)

    def load_unit(self, unit_dir: Path, use_cache: bool = False, unit_set: set[Path] | None = None,
                  skip: Callable[[str, str], bool] | None = None) -> UnitData:
        return load_unit(self.root, unit_dir, set(self.unit_dirs) if unit_set is None else unit_set, self.timing,
                         use_cache, self.settings_file, self.templates, skip)


def discover(root: Path, listing: bool = False, lean: bool = False) -> Layout:
    """The layout of root; with `listing`, it keeps the entries of every folder walked (Layout.listing) or, with
    the C walk, each unit's walk (Layout.walked), for the results cache's keys. `lean` (a `check` that may use its
    caches): what is needed of gongkai.yaml comes from the settings cache when its bytes are unchanged
    (Layout.settings is then a CachedSettings)."""
    root = Path(root)
    problems: list[Problem] = []
    settings: Any = None
    base: Timing | None = None
    settings_file = find_settings(root)
    settings_path = rel(settings_file, root.resolve()) if settings_file else None
    if settings_file is not None:
        shown = settings_path or SETTINGS_FILE
        why = Confine(git_top(root) or root).refuse(settings_file)
        if why is not None:
            problems.append(_ignored("error", shown, why))
            settings_file = None
        else:
            settings, found, base = _settings(settings_file, shown, lean)
            problems.extend(found)
    if base is None:
        base = Timing().override(settings.rules if settings else None)
    listed: dict[str, list[os.DirEntry[str]]] | None = {} if listing else None
    walked: dict[str, bytes | None] | None = {} if listing else None
    unit_dirs = find_units(root, problems, listed, walked)
    return Layout(root, settings, settings_path, problems, base, unit_dirs, settings_file, listed, walked)


class CachedSettings:
    """gongkai.yaml as the settings cache knows it (gongkai.results.SettingsCache): what `check` asks of it
    (timezone, templates) at once; anything else asked of it loads the file then (a warm check never does)."""

    def __init__(self, path: Path, shown: str, timezone: str | None, templates: str | None) -> None:
        self._path, self._shown = path, shown
        self.timezone, self.templates = timezone, templates

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_real":
            raise AttributeError(name)
        real = self.__dict__.get("_real")
        if real is None:
            from gongkai.model import Settings

            real = load_file(self._path, self._shown, Settings)[0]
            if real is None:  # it changed since and no longer loads
                raise AttributeError(name)
            self.__dict__["_real"] = real
        return getattr(real, name)


def _load_settings(settings_file: Path, shown: str) -> tuple[Any, list[Problem]]:
    from gongkai.model import Settings

    return load_file(settings_file, shown, Settings)


def _settings(settings_file: Path, shown: str, lean: bool) -> tuple[Any, list[Problem], Timing | None]:
    """gongkai.yaml loaded: (settings or None, its problems, the default timing or None to make it from the
    settings); `lean`: from the settings cache when it holds these bytes (and stored there when not)."""
    if not lean or not enabled(True):
        return (*_load_settings(settings_file, shown), None)
    data = read_regular(settings_file)
    if isinstance(data, Msg) or len(data) > MAX_BYTES:
        return (*_load_settings(settings_file, shown), None)
    from gongkai.results import SettingsCache

    cache = SettingsCache(settings_file, shown, data)
    hit = cache.get()
    if hit is not None:
        facts, fields, found = hit
        try:
            base = Timing(*fields)
        except TypeError:  # (another number of fields: not ours)
            pass
        else:
            if facts is None:
                return None, found, base
            return CachedSettings(settings_file, shown, facts["timezone"], facts["templates"]), found, base
    settings, found = _load_settings(settings_file, shown)
    base = Timing().override(settings.rules if settings else None)
    cache.put(None if settings is None else {"timezone": settings.timezone, "templates": settings.templates},
              [getattr(base, k) for k in base.__dataclass_fields__], found)
    return settings, found, base


def load_repository(root: Path, use_cache: bool = False) -> Repository:
    """Load every unit under root. With use_cache, unchanged files come from the cache (see gongkai.cache)."""
    return load_layout(discover(root), use_cache)


def load_layout(layout: Layout, use_cache: bool = False) -> Repository:
    unit_set = set(layout.unit_dirs)
    with gc_paused():
        units = [layout.load_unit(d, use_cache, unit_set) for d in layout.unit_dirs]
    return layout.repository(units)


def load_unit(root: Path, unit_dir: Path, unit_dirs: set[Path], base: Timing, use_cache: bool = False,
              settings_file: Path | None = None, templates: str | None = None,
              skip: Callable[[str, str], bool] | None = None) -> UnitData:
    """One unit, every file on its own; with use_cache, unchanged files come from the unit's cache shard.
    `skip(section, path)`: a file of the walk left unread (render, which knows the unit's check results and
    prints no feedback or inspections, leaves out those without problems)."""
    _need_loader()
    from gongkai.model import Unit

    uid = rel(unit_dir, root)
    cache = FileCache(root, uid) if enabled(use_cache) else None
    confine = Confine(root)

    def shown(p: Path) -> str:
        return rel(p, root)

    unit_file = unit_dir / UNIT_FILE
    why = confine.refuse(unit_file)
    if why is not None:
        unit, problems = None, [_ignored("error", shown(unit_file), why)]
    else:
        unit, problems = load_cached(unit_file, shown(unit_file), Unit, cache)
    data = UnitData(id=uid, dir=unit_dir, unit_path=shown(unit_file), unit=unit, problems=list(problems), cache=cache)
    data.timing = base.override(unit.rules if unit else None)
    walk = walk_unit(root, unit_dir, unit_dirs, confine, settings_file, templates)
    data.problems.extend(walk.problems)
    top = str(unit_dir)
    cut = len(top) if top.endswith(os.sep) else len(top) + 1
    for section, (cls, _) in _SECTIONS.items():
        for path in walk.files[section]:
            inner = path[cut:] if os.sep == "/" else path[cut:].replace(os.sep, "/")  # the path in the unit folder
            at = inner if uid == "." else f"{uid}/{inner}"
            if skip is not None and skip(section, at):
                continue
            obj, found = load_cached(path, at, cls, cache)
            data.problems.extend(found)
            if obj is None:
                continue
            _file_id(data, section, obj, inner)
    return data


def _file_id(data: UnitData, section: str, obj: Any, inner: str) -> None:
    """Give obj its id from `inner`, its path in the unit folder, and file it in data."""
    in_unit = inner[: -len(".yaml")]
    if section == "plans":
        stem = in_unit.rsplit("/", 1)[-1]
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
