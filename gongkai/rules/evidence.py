"""Photos and scans kept with each record (seed 二（五）: 公开栏公开、照相留存…内容一致).

Passing: `evidence: [evidence/2024/q1-board.jpg]` and that file exists inside the repository.
Failing: a path that does not exist (with the fix when only the case or the unit folder is off), an absolute
path, any `..` (even one that stays inside), or a link leading out → evidence; the same photo (same bytes) behind
records of different items or periods published on different days → evidence-reused (warning). Records put up
on the same day are one posting: one photo of the board may stand behind all of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import posixpath
import re
import stat as statmod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from gongkai import basis as B
from gongkai.cache import FileCache, stamp
from gongkai.model import Record
from gongkai.problem import Msg, Problem, msg
from gongkai.repo import Corrections
from gongkai.rules.base import RuleContext


def _digest(real: str, st: os.stat_result, seen: dict[str, str], cache: FileCache | None) -> str | None:
    """SHA-256 of a photo; kept in the repository cache by the file's stat, so photos are read once."""
    if real in seen:
        return seen[real]
    key = f"sha256:{real}"
    mark = stamp(st)
    digest = cache.get(key, mark) if cache is not None else None
    if digest is None:
        digest = _sha256(real, st.st_size)
        if digest is None:
            return None
        if cache is not None:
            cache.put(key, mark, digest)
    seen[real] = digest
    return digest


def _sha256(real: str, size: int) -> str | None:
    """The file's SHA-256, read in one call when it is no larger than its stat said (a 1 MiB buffer for every
    small photo costs more than hashing it); opened without blocking, in case it was swapped for a FIFO."""
    h = hashlib.sha256()
    try:
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    try:
        want = min(size + 1, 1 << 20)
        while True:
            block = os.read(fd, want)
            if not block:
                break
            h.update(block)
            if len(block) < want:
                break  # a read of a regular file returns less than asked only at its end
            want = 1 << 20
    except OSError:
        return None
    finally:
        os.close(fd)
    return h.hexdigest()


@dataclass
class _Use:
    """One record's use of one photo."""

    rid: str
    rec: Record
    entry: str
    loc: tuple[int, int]
    what: tuple  # the item and period (or event, project) the record publishes


def check(ctx: RuleContext) -> Iterator[Problem]:
    unit = ctx.unit
    root = os.path.realpath(ctx.root)
    found: list[tuple[str, Record, list[tuple[str, tuple[int, int], str, os.stat_result]]]] = []
    sizes: dict[int, int] = {}  # photos of the same content have the same size: only those sharing one are read
    for rid, rec in sorted(unit.records.items()):
        with ctx.guard(rec.src.path, rec.at("evidence")):
            photos: list[tuple[str, tuple[int, int], str, os.stat_result]] = []
            found.append((rid, rec, photos))  # before the photos: those read before a crash are still compared
            for entry, loc in zip(rec.evidence, getattr(rec.evidence, "locs", [])):
                got = _check_path(ctx, rec.src.path, loc, entry, unit.dir, root)
                if isinstance(got, Problem):
                    yield got
                    continue
                real, st = got
                photos.append((entry, loc, real, st))
                sizes[st.st_size] = sizes.get(st.st_size, 0) + 1
    uses: dict[str, list[_Use]] = {}
    for rid, rec, photos in found:
        with ctx.guard(rec.src.path, rec.at("evidence")):
            for entry, loc, real, st in photos:
                if sizes[st.st_size] < 2:
                    continue  # no other photo of this size, so none of the same content: never reused
                digest = _digest(real, st, ctx.hashes, ctx.unit.cache)
                if digest is not None:
                    what = (rec.item, str(rec.period) if rec.period else rec.event or rec.project or rid)
                    uses.setdefault(digest, []).append(_Use(rid, rec, entry, loc, what))
    fixes: Corrections | None = None
    for key in sorted(uses):
        group = uses[key]
        if len(group) < 2:
            continue
        if fixes is None:
            fixes = Corrections(unit.records)
        # one photo of one posting: records put up the same day share it rightly; a record published on a later
        # day showing the same photo (of another item or period) reuses it
        group.sort(key=lambda u: (u.rec.published or dt.date.max, u.rid))
        for use in group:
            with ctx.guard(use.rec.src.path, use.loc):
                yield from _reused(ctx, fixes, use, group)


def _reused(ctx: RuleContext, fixes: Corrections, use: _Use, group: list[_Use]) -> Iterator[Problem]:
    """The photo belongs to the posting of the first day it appears; a record of a later day may show it only
    when it corrects, or publishes the same item and period as, a record of that day."""
    day, first_day = use.rec.published, group[0].rec.published
    if day is None or first_day is None or day == first_day:
        return  # an unreadable date is reported as `date`: which posting it belongs to cannot be told
    originals = [u for u in group if u.rec.published == first_day]
    if any(o.what == use.what or fixes.related(use.rid, o.rid) for o in originals):
        return
    first = originals[0]
    yield ctx.problem("evidence-reused", "warning", use.rec.src.path, use.loc, msg(
        "照片 {e} 与 {o}（{od} 公开）的照片 {oe} 内容相同，但本记录 {d} 才公开、是另一事项或期间："
        "同一天张贴的记录可共用一张照片，每次张贴应留存当次的照片",
        "photo {e} has the same content as {oe} of {o} (published {od}), but this record, of another item or "
        "period, went up on {d}: records posted the same day may share a photo, each posting needs its own",
        e=use.entry, o=first.rid, oe=first.entry, od=first_day, d=day), B.ARCHIVE)


_DRIVE = re.compile(r"^[A-Za-z]:")


def _check_path(ctx: RuleContext, path: str, loc: tuple[int, int], entry: str, unit_dir: Path, root: str):  # type: ignore[no-untyped-def]
    """The evidence file's real path, or the problem with it. String arithmetic: this runs once per photo."""
    text = entry.strip()
    if text.startswith(("/", "\\")) or _DRIVE.match(text):
        return ctx.problem("evidence", "error", path, loc, msg(
            "证据路径 {e} 是绝对路径：请写相对于本单位文件夹的路径，如 evidence/2024/q1-board.jpg",
            "evidence path {e} is absolute: write it relative to the unit folder, e.g. evidence/2024/q1-board.jpg", e=text),
            B.ARCHIVE)
    parts = text.replace("\\", "/").split("/")
    if ".." in parts:
        # never followed, even when it would stay inside: a path is read as written, one way only
        plain = posixpath.normpath("/".join(parts))
        fix_zh = f"，请写成 {plain}" if not plain.startswith("..") else "：证据文件必须放在本单位文件夹里"
        fix_en = f": write {plain}" if not plain.startswith("..") else ": evidence stays inside the unit folder"
        return ctx.problem("evidence", "error", path, loc, msg(
            "证据路径 {e} 含有“..”：路径里不能有“..”{f}", "evidence path {e} contains '..', which is never allowed{fe}",
            e=text, f=fix_zh, fe=fix_en), B.ARCHIVE)
    kept = [p for p in parts if p and p != "."]
    sub = "/".join(kept[:-1])  # the folder within the unit's: resolved once per folder
    real_folder = ctx.realdirs.get(sub) if kept else None
    if real_folder is None:
        folder, name = os.path.split(os.path.join(str(unit_dir), *kept))
        real_folder = os.path.realpath(folder)
        if kept:
            ctx.realdirs[sub] = real_folder
    else:
        name = kept[-1]
    real = real_folder + name if real_folder.endswith(os.sep) else real_folder + os.sep + name
    try:
        st: os.stat_result | None = os.lstat(real)
    except OSError:
        st = None
    if st is not None and statmod.S_ISLNK(st.st_mode):
        real = os.path.realpath(real)
        try:
            st = os.stat(real)
        except OSError:
            st = None
    if real != root and not real.startswith(root + os.sep):
        return ctx.problem("evidence", "error", path, loc, msg(
            "证据文件 {e} 是指向仓库外面的链接：请把文件本身放进仓库", "evidence {e} is a link leading outside the repository: "
            "put the file itself in the repository", e=text), B.ARCHIVE)
    if st is None or not statmod.S_ISREG(st.st_mode):
        fix = _suggest(unit_dir, parts, ctx.unit.id)
        if fix is not None:
            return ctx.problem("evidence", "error", path, loc, msg(
                "找不到证据文件 {e}，但有 {f}：{why}，请写成 {f}",
                "evidence file {e} not found, but {f} exists: {why_en}; write {f}",
                e=text, f=fix.path, why=fix.why.zh, why_en=fix.why.en), B.ARCHIVE)
        return ctx.problem("evidence", "error", path, loc, msg(
            "找不到证据文件 {e}：请把照片放到这个位置，或改正路径", "evidence file {e} not found: put the photo there or fix the path",
            e=text), B.ARCHIVE)
    return real, st


class _Fix(NamedTuple):
    path: str
    why: Msg


def _suggest(unit_dir: Path, parts: list[str], unit_id: str) -> _Fix | None:
    """The existing file the clerk most likely meant: the same path in other letter case, written from the
    repository instead of the unit folder (`dongzhuang/evidence/…`), or without its `evidence/` folder."""
    parts = [p for p in parts if p not in ("", ".")]
    if not parts:
        return None
    folded = [p.casefold() for p in parts]
    tries: list[tuple[list[str], Msg]] = [(parts, Msg("文件名的大小写不同（电脑和网站区分大小写）",
                                                       "the letter case differs (paths are case-sensitive)"))]
    unit_parts = [] if unit_id == "." else unit_id.split("/")
    if unit_parts and folded[:len(unit_parts)] == [p.casefold() for p in unit_parts]:
        tries.append((parts[len(unit_parts):], Msg("证据路径从本单位文件夹写起，不要再写单位文件夹名",
                                                  "evidence paths start in the unit folder, without its name")))
    if folded[0] != "evidence":
        tries.append((["evidence", *parts], Msg("照片放在本单位的 evidence 文件夹里，路径要以 evidence/ 开头",
                                                "photos live in the unit's evidence folder: start the path with evidence/")))
    for want, why in tries:
        found = _case_insensitive(unit_dir, want)
        if found is not None and found != parts:
            return _Fix("/".join(found), why)
    return None


def _case_insensitive(base: Path, parts: list[str]) -> list[str] | None:
    """The real names of an existing regular file whose path equals `parts` ignoring letter case."""
    here = str(base)
    out: list[str] = []
    for i, part in enumerate(parts):
        try:
            names = sorted(os.listdir(here))
        except OSError:
            return None
        match = part if part in names else next((n for n in names if n.casefold() == part.casefold()), None)
        if match is None or match.startswith(".") and not part.startswith("."):
            return None
        out.append(match)
        here = os.path.join(here, match)
        if i < len(parts) - 1 and not os.path.isdir(here):
            return None
    return out if os.path.isfile(here) else None
