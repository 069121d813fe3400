"""What `gongkai export` writes: the register of everything published, and the whole repository as tables.

- `register(repo, …)`: one row per record (unit, item, title, category, period, published date, channels,
  boards, review, evidence files with their SHA-256, source file), in a stable order: unit (repository
  order), publication date, record id. It is what the town office enters into the national
  grassroots-governance system and files in the archive (seed 二（五）: board, photo, computer and archive
  copies agree).
- `tables(repo, result, …)`: units, obligations (with status and days, as `check` computed them), records,
  evidence and problems as rows, written by `write_sqlite` (one SQLite database, stdlib `sqlite3`) or
  `write_csv_folder` (one CSV per table). Both write atomically (a temporary file or folder, then a rename)
  and refuse to replace anything that is not an earlier gongkai export.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import stat as statmod
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gongkai import __version__
from gongkai.check import CheckResult
from gongkai.items import default_title, resolve
from gongkai.personal import mask
from gongkai.problem import GongkaiError, msg
from gongkai.repo import Repository, UnitData

APPLICATION_ID = 0x676B6169  # "gkai": PRAGMA application_id of every database gongkai writes
SCHEMA_VERSION = 2  # 2: evidence.status (an evidence file outside the repository is not "missing")
CHANNEL_ZH = {"board": "公开栏", "screen": "电子显示屏", "wechat_group": "微信群", "wechat_official": "微信公众号",
              "website": "政务网站专栏"}
CATEGORY_ZH = {"system": "制度类", "affairs": "事务类", "finance": "财务类"}

# The documented schema (README, 「导出」); tests check that README shows exactly these statements.
SCHEMA = """\
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE units (
  unit TEXT PRIMARY KEY,        -- folder relative to the repository root ('.' for a single unit)
  name TEXT, kind TEXT,         -- kind: village | community
  town TEXT, code TEXT, villagers INTEGER, representatives INTEGER,
  finance_monthly INTEGER,      -- 1 when income and expenditure are disclosed monthly
  since TEXT, path TEXT         -- path: the unit.yaml
);
CREATE TABLE obligations (
  unit TEXT REFERENCES units(unit),
  kind TEXT,                    -- record | plan | plan-publication | feedback | inspection | fix | unit
  rule TEXT,                    -- standing | quarterly | monthly | immediate | before | during | after | ...
  item TEXT, title TEXT,
  period TEXT,                  -- 2024-Q2, 2024-05, the year, or the event / project / feedback id
  due TEXT, opens TEXT,         -- dates as YYYY-MM-DD
  status TEXT,                  -- met | early | late | overdue | due-soon | pending | unknown
  days INTEGER,                 -- days late or overdue; days left when due-soon or pending
  met TEXT, met_path TEXT, responsible TEXT,
  path TEXT, line INTEGER,      -- the file (and line) the obligation comes from
  uid TEXT                      -- the UID of its event in `gongkai calendar --format ics`
);
CREATE TABLE records (
  unit TEXT REFERENCES units(unit),
  record TEXT,                  -- path in the unit folder without .yaml
  item TEXT, title TEXT, category TEXT, period TEXT, published TEXT, until TEXT,
  channels TEXT, boards TEXT,   -- comma-separated ids
  reviewed_by TEXT, reviewed_date TEXT,
  supersedes TEXT, event TEXT, project TEXT, phase TEXT,
  path TEXT,
  PRIMARY KEY (unit, record)
);
CREATE TABLE evidence (
  unit TEXT, record TEXT, file TEXT,
  sha256 TEXT,                  -- NULL unless status is 'ok'
  status TEXT                   -- ok | missing | outside (leads outside the repository: not read) | not-read
);
CREATE TABLE problems (
  unit TEXT, path TEXT, line INTEGER, col INTEGER,
  severity TEXT, code TEXT, message TEXT, basis TEXT
);
"""
TABLES = ("meta", "units", "obligations", "records", "evidence", "problems")


class ExportError(GongkaiError):
    """The export cannot be written (it would replace a file that is not a gongkai export, a disk error)."""


# ---------------------------------------------------------------- the register


# What became of an evidence file: read and hashed, not there, outside the repository (a link or absolute path
# leading out: never read, so never called missing and never hashed), or not read for another reason (a path with
# `..`, not a regular file, unreadable). `check` reports all but `ok` as `evidence`.
EVIDENCE_OK, EVIDENCE_MISSING, EVIDENCE_OUTSIDE, EVIDENCE_NOT_READ = "ok", "missing", "outside", "not-read"


@dataclass(frozen=True)
class Evidence:
    path: str
    sha256: str | None  # only when status is "ok"
    status: str = EVIDENCE_OK


@dataclass(frozen=True)
class RegisterRow:
    unit: str
    unit_name: str
    record: str
    item: str
    title: str
    category: str | None
    period: str
    published: dt.date | None
    until: dt.date | None
    channels: tuple[str, ...]
    boards: tuple[str, ...]
    reviewed_by: str | None
    reviewed_date: dt.date | None
    supersedes: str | None
    event: str | None
    project: str | None
    phase: str | None
    evidence: tuple[Evidence, ...]
    path: str

    def as_json(self) -> dict[str, object]:
        return {
            "unit": self.unit, "unit_name": self.unit_name, "record": self.record, "item": self.item,
            "title": self.title, "category": self.category, "period": self.period,
            "published": _iso(self.published), "until": _iso(self.until), "channels": list(self.channels),
            "boards": list(self.boards), "reviewed_by": self.reviewed_by, "reviewed_date": _iso(self.reviewed_date),
            "supersedes": self.supersedes, "event": self.event, "project": self.project, "phase": self.phase,
            "evidence": [{"path": e.path, "sha256": e.sha256, "status": e.status} for e in self.evidence],
            "path": self.path,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def record_year(record) -> int | None:  # type: ignore[no-untyped-def]
    """The year a record belongs to: its period's, else its publication date's."""
    if record.period is not None:
        return int(record.period.year)
    return record.published.year if record.published else None


def register(repo: Repository, as_of: dt.date, year: int | None = None) -> list[RegisterRow]:
    """Every record published by `as_of` (of `year`, when given), one row each, in a stable order."""
    root = os.path.realpath(repo.root)
    rows: list[RegisterRow] = []
    for unit in repo.units:
        mine = []
        for rid, rec in unit.records.items():
            if rec.published is not None and rec.published > as_of:
                continue  # not published yet on the as-of date
            if year is not None and record_year(rec) != year:
                continue
            mine.append(_row(unit, rid, rec, root))
        rows.extend(sorted(mine, key=lambda r: (r.published or dt.date.max, r.record)))
    return rows


def _row(unit: UnitData, rid: str, rec, root: str) -> RegisterRow:  # type: ignore[no-untyped-def]
    info = resolve(rec.item, unit.unit, unit.plans) if rec.item else None
    event = unit.events.get(rec.event) if rec.event else None
    project = unit.projects.get(rec.project) if rec.project else None
    title = rec.title or default_title(rec, info, event, project)
    return RegisterRow(
        unit=unit.id, unit_name=mask(unit.name), record=rid, item=rec.item or "", title=mask(title),
        category=info.category if info else None, period=str(rec.period) if rec.period else "",
        published=rec.published, until=rec.until, channels=tuple(rec.channels), boards=tuple(rec.boards),
        reviewed_by=rec.reviewed.by if rec.reviewed else None,
        reviewed_date=rec.reviewed.date if rec.reviewed else None, supersedes=rec.supersedes, event=rec.event,
        project=rec.project, phase=rec.phase,
        evidence=tuple(evidence_of(unit.dir, e, root) for e in rec.evidence), path=rec.src.path)


def evidence_of(unit_dir: Path, entry: str, root: str) -> Evidence:
    """An evidence file named relative to the unit folder, with its SHA-256 when it is a regular file inside the
    repository; otherwise why not (as the `evidence` rule reports it). What leads outside is never opened."""
    text = entry.strip().replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return Evidence(entry, None, EVIDENCE_OUTSIDE)  # an absolute path: never followed
    if not text or ".." in text.split("/"):
        return Evidence(entry, None, EVIDENCE_NOT_READ)
    real = os.path.realpath(os.path.join(str(unit_dir), *[p for p in text.split("/") if p not in ("", ".")]))
    if not real.startswith(root + os.sep):
        return Evidence(entry, None, EVIDENCE_OUTSIDE)
    try:
        st = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        return Evidence(entry, None, EVIDENCE_MISSING)
    except OSError:
        return Evidence(entry, None, EVIDENCE_NOT_READ)
    if not statmod.S_ISREG(st.st_mode):
        return Evidence(entry, None, EVIDENCE_NOT_READ)
    h = hashlib.sha256()
    try:
        with open(real, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return Evidence(entry, None, EVIDENCE_NOT_READ)
    return Evidence(entry, h.hexdigest())


# ---------------------------------------------------------------- the tables


def tables(repo: Repository, result: CheckResult, year: int | None = None, lang: str = "zh") -> dict[str, list[tuple]]:
    """Rows of every table of SCHEMA; `year` keeps the obligations due in it and the records of it; problem
    messages in `lang`."""
    from gongkai.deadlines import deadline

    units: list[tuple] = []
    obligations: list[tuple] = []
    records: list[tuple] = []
    evidence: list[tuple] = []
    for u in repo.units:
        p = u.unit
        units.append((u.id, mask(u.name), u.kind, p.town if p else None, p.code if p else None, p.villagers if p else None,
                      p.representatives if p else None, None if p is None or p.finance_monthly is None
                      else int(p.finance_monthly), _iso(p.since) if p else None, u.unit_path))
    for uo in result.obligations:
        for ob in uo.obligations:
            if year is not None and ob.due.year != year:
                continue
            # names and titles masked as in the records table and everywhere gongkai shows them
            obligations.append((ob.unit, ob.kind, ob.rule, ob.item, mask(ob.title), ob.period, ob.due.isoformat(),
                                _iso(ob.opens), ob.status, ob.days, _iso(ob.met), ob.met_path,
                                mask(ob.responsible) if ob.responsible else ob.responsible,
                                ob.path, ob.loc[0] if ob.loc else None, deadline(ob).uid))
        # obligations that could not be computed (broken unit.yaml or plan): a row saying so, as `overdue` lists it,
        # so that a query never reads such a unit as owing nothing
        for x in uo.unknown:
            if year is not None and x.kind != "unit" and x.period not in (str(year), ""):
                continue
            obligations.append((x.unit, x.kind, None, None, x.reason.get(lang), x.period, None, None, "unknown", 0,
                                None, None, None, x.path, None, None))
    for r in register(repo, result.as_of, year):
        records.append((r.unit, r.record, r.item, r.title, r.category, r.period, _iso(r.published), _iso(r.until),
                        ",".join(r.channels), ",".join(r.boards), r.reviewed_by, _iso(r.reviewed_date),
                        r.supersedes, r.event, r.project, r.phase, r.path))
        evidence.extend((r.unit, r.record, e.path, e.sha256, e.status) for e in r.evidence)
    problems = [(p.unit, p.path, p.line, p.column, p.severity, p.code, p.message.get(lang), p.basis.get(lang))
                for p in result.problems]
    meta = [("generator", f"gongkai {__version__}"), ("schema_version", str(SCHEMA_VERSION)),
            ("as_of", result.as_of.isoformat()), ("year", str(year) if year is not None else ""),
            ("town", repo.settings.name if repo.settings and repo.settings.name else "")]
    return {"meta": meta, "units": units, "obligations": obligations, "records": records, "evidence": evidence,
            "problems": problems}


def columns() -> dict[str, list[str]]:
    """Column names of every table, read from SCHEMA through SQLite itself."""
    con = sqlite3.connect(":memory:")
    try:
        con.executescript(SCHEMA)
        return {t: [row[1] for row in con.execute(f"PRAGMA table_info({t})")] for t in TABLES}
    finally:
        con.close()


# ---------------------------------------------------------------- writing, safely


def is_gongkai_database(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except OSError:
        return False
    # the application id is a big-endian integer at offset 68 of the database header
    return head[:16] == b"SQLite format 3\x00" and int.from_bytes(head[68:72], "big") == APPLICATION_ID


def _refuse(path: Path, what: str) -> ExportError:
    return ExportError(msg("“{p}”已经存在，而且不是 gongkai 导出的{w}：不会覆盖它。请换一个 --out",
                           "'{p}' exists and is not a {we} written by gongkai export: it is never overwritten. Choose another --out",
                           p=path, w="数据库" if what == "database" else "文件夹" if what == "folder" else "文件",
                           we=what))


def _check_target_file(path: Path, is_ours) -> None:  # type: ignore[no-untyped-def]
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise _refuse(path, "file")
    if path.exists() and not is_ours(path):
        raise _refuse(path, "file")


@contextlib.contextmanager
def _atomic_file(path: Path) -> Iterator[Path]:
    """A temporary file next to `path`, renamed onto it when the block succeeds, removed when it fails."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as e:
        raise ExportError(msg("无法写入“{p}”：{e}", "cannot write '{p}': {e}", p=path, e=e.strerror or e)) from None
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ExportError(msg("无法写入“{p}”：{e}", "cannot write '{p}': {e}", p=path, e=e.strerror or e)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_sqlite(path: Path, data: dict[str, list[tuple]]) -> None:
    """One SQLite database holding every table; replaces only an earlier gongkai database."""
    _check_target_file(path, is_gongkai_database)
    with _atomic_file(path) as tmp:
        tmp.unlink()  # sqlite3 creates the file itself
        con = sqlite3.connect(tmp)
        try:
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            con.executescript(SCHEMA)
            cols = columns()
            for table in TABLES:
                marks = ", ".join("?" for _ in cols[table])
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", data[table])
            con.commit()
        finally:
            con.close()


def csv_bytes(header: list[str], rows: list[tuple]) -> bytes:
    """UTF-8 with a BOM and CRLF, for Excel; cells Excel would run as a formula are prefixed with '."""
    from gongkai.report.tabular import excel_csv

    return excel_csv(header, rows).encode("utf-8")


def _is_our_folder(path: Path) -> bool:
    names = {f"{t}.csv" for t in TABLES}
    try:
        entries = list(path.iterdir())
    except OSError:
        return False
    return all(e.name in names and e.is_file() and not e.is_symlink() for e in entries)


def write_csv_folder(path: Path, data: dict[str, list[tuple]]) -> None:
    """The tables as CSV files (units.csv, obligations.csv, …) in a folder: built in a temporary folder next to
    it, then renamed into place. An existing folder is replaced only if it holds nothing but such files."""
    if path.is_symlink() or (path.exists() and not path.is_dir()) or (path.is_dir() and not _is_our_folder(path)):
        raise _refuse(path, "folder")
    cols = columns()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    except OSError as e:
        raise ExportError(msg("无法写入“{p}”：{e}", "cannot write '{p}': {e}", p=path, e=e.strerror or e)) from None
    old = None
    try:
        for table in TABLES:
            (tmp / f"{table}.csv").write_bytes(csv_bytes(cols[table], data[table]))
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
            old.rmdir()
            os.replace(path, old)
        os.replace(tmp, path)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not path.exists():
            os.replace(old, path)
        raise ExportError(msg("无法写入“{p}”：{e}", "cannot write '{p}': {e}", p=path, e=e.strerror or e)) from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_text_file(path: Path, text: str, is_ours) -> None:  # type: ignore[no-untyped-def]
    """A report file (the register), atomically; an existing file is replaced only when `is_ours(path)`."""
    _check_target_file(path, is_ours)
    with _atomic_file(path) as tmp:
        tmp.write_bytes(text.encode("utf-8"))


def json_dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
