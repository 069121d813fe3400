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
import operator
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

HEAD = 1 << 16  # photos larger than this are told apart by their first HEAD bytes before they are read whole
KEEP = 32 << 20  # smaller ones of one size are compared by their bytes while these, all together, take no more


def _sha256(real: str, size: int, limit: int | None = None) -> str | None:
    """The SHA-256 of the file's bytes (of its first `limit` bytes only, when given), read in one call when it is no
    larger than its stat said (a 1 MiB buffer for every small photo costs more than hashing it); opened without
    blocking, in case it was swapped for a FIFO. None when it cannot be read."""
    try:
        fd = os.open(real, _OPEN)
    except OSError:
        return None
    try:
        if limit is not None:
            return hashlib.sha256(os.read(fd, limit)).hexdigest()  # a short read of a regular file: it ends there
        want = size + 1 if size < _BLOCK else _BLOCK
        block = os.read(fd, want)
        if len(block) < want:
            return hashlib.sha256(block).hexdigest()  # less than asked: the end of a regular file
        return _hash_rest(fd, block)
    except OSError:
        return None
    finally:
        os.close(fd)


def _hash_rest(fd: int, first: bytes) -> str:
    """SHA-256 of `first` and what follows it in fd, read in blocks until a short read (the end of a regular
    file); OSError as os.read raises it."""
    h = hashlib.sha256(first)
    while True:
        block = os.read(fd, _BLOCK)
        if not block:
            break
        h.update(block)
        if len(block) < _BLOCK:
            break
    return h.hexdigest()


_OPEN = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_BLOCK = 1 << 20


def _full(real: str, st: os.stat_result, seen: dict[str, str], cache: FileCache | None) -> str | None:
    """SHA-256 of a photo, once per real path; kept in the unit's file cache (when there is one) by the file's
    stat, so photos are read once."""
    digest = seen.get(real)
    if digest is not None:
        return digest
    if cache is not None:
        key, mark = f"sha256:{real}", stamp(st)
        digest = cache.get(key, mark)
        if digest is None:
            digest = _sha256(real, st.st_size)
            if digest is None:
                return None
            cache.put(key, mark, digest)
    else:
        digest = _sha256(real, st.st_size)
        if digest is None:
            return None
    seen[real] = digest
    return digest


def _digests(photos: list[tuple[str, os.stat_result]], seen: dict[str, str],
             cache: FileCache | None) -> dict[str, str]:
    """The SHA-256 (by real path) of every photo whose bytes may equal another's of `photos`; a photo that cannot
    equal any other is left out, which is all the caller needs (it compares photos with each other). Photos of the
    same content have the same size, so only those sharing a size are read: small ones (up to HEAD bytes) compared by
    their bytes, and hashed only when equal to another's; of large ones only the first HEAD bytes at first, and whole
    only when these match another's (both ways only while no photo of the size has a digest in the file cache)."""
    by_size: dict[int, list[tuple[str, os.stat_result]]] = {}
    for real, st in photos:
        got = by_size.get(st.st_size)
        if got is None:
            by_size[st.st_size] = [(real, st)]
        else:
            got.append((real, st))
    out: dict[str, str] = {}
    for size, group in by_size.items():
        if len(group) < 2:
            continue  # no other photo of this size, so none of the same content
        reals: dict[str, os.stat_result] = {}
        twice: set[str] = set()  # one file behind two uses: compared with itself
        for real, st in group:
            if real in reals:
                twice.add(real)
            else:
                reals[real] = st
        fresh = cache is None and not any(r in seen for r in reals)  # none has a digest yet: any way may be taken
        if fresh and size <= HEAD and size * len(reals) <= KEEP:
            _by_bytes(reals, twice, size, seen, out)
            continue
        if fresh and size > HEAD:
            heads = {real: _sha256(real, size, HEAD) for real in reals}
            count: dict[str | None, int] = {}
            for head in heads.values():
                count[head] = count.get(head, 0) + 1
            reals = {r: st for r, st in reals.items() if r in twice or heads[r] is not None and count[heads[r]] > 1}
        for real, st in reals.items():
            digest = _full(real, st, seen, cache)
            if digest is not None:
                out[real] = digest
    return out


def _by_bytes(reals: dict[str, os.stat_result], twice: set[str], size: int, seen: dict[str, str],
              out: dict[str, str]) -> None:
    """Small photos of one size compared by their bytes, sorted so that equal ones lie side by side (comparing two
    photos' bytes stops at their first difference: far less than hashing every byte, for a dictionary of them, or
    than SHA-256); only those equal to another (or used twice) get their SHA-256 in `out` (and `seen`)."""
    read: list[tuple[bytes, str]] = []
    grown: dict[str, list[str]] = {}  # the SHA-256 of a photo grown since its stat → the photos
    for real in reals:
        got = _content(real, size)
        if isinstance(got, bytes):
            read.append((got, real))
        elif got is not None:
            grown.setdefault(got, []).append(real)
    read.sort(key=_BYTES)
    groups: list[tuple[bytes | str, list[str]]] = []
    for data, real in read:
        if groups and groups[-1][0] == data:
            groups[-1][1].append(real)
        else:
            groups.append((data, [real]))
    groups.extend(grown.items())
    for got, group in groups:
        if len(group) > 1 or group[0] in twice:
            digest = got if isinstance(got, str) else hashlib.sha256(got).hexdigest()
            for real in group:
                out[real] = seen[real] = digest


_BYTES = operator.itemgetter(0)


def _content(real: str, size: int) -> bytes | str | None:
    """The file's bytes while it holds no more than its stat said (`size`), read in one call; when it has grown
    since, the SHA-256 of all it holds (read in blocks, never whole: a grown file is no longer the same size as the
    others, so only another grown one can equal it); None when it cannot be read."""
    try:
        fd = os.open(real, _OPEN)
    except OSError:
        return None
    try:
        data = os.read(fd, size + 1)
        if len(data) <= size:
            return data
        return _hash_rest(fd, data)
    except OSError:
        return None
    finally:
        os.close(fd)


def _digests_plain(photos: list[tuple[str, os.stat_result]], seen: dict[str, str],
                   cache: FileCache | None) -> dict[str, str]:
    """_digests without its shortcuts: every photo read whole (what the tests compare it with)."""
    out: dict[str, str] = {}
    for real, st in photos:
        digest = _full(real, st, seen, cache)
        if digest is not None:
            out[real] = digest
    return out


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
    photos: list[tuple[str, os.stat_result]] = []
    for rid, rec in sorted(unit.records.items()):
        if not rec.evidence:
            continue
        with ctx.guard(rec.src.path, rec.at("evidence")):
            mine: list[tuple[str, tuple[int, int], str, os.stat_result]] = []
            found.append((rid, rec, mine))  # before the photos: those read before a crash are still compared
            for entry, loc in zip(rec.evidence, getattr(rec.evidence, "locs", [])):
                got = _check_path(ctx, rec.src.path, loc, entry, unit.dir, root)
                if isinstance(got, Problem):
                    yield got
                    continue
                real, st = got
                mine.append((entry, loc, real, st))
                photos.append((real, st))
    if len(photos) < 2:
        return
    digests = _digests(photos, ctx.hashes, unit.cache)
    if not digests:
        return  # no photo may equal another
    shared: dict[str, int] = {}  # how many uses each content has: only those of two or more are compared
    for real, _st in photos:
        digest = digests.get(real)
        if digest is not None:
            shared[digest] = shared.get(digest, 0) + 1
    if all(n < 2 for n in shared.values()):
        return  # no photo behind two uses: nothing is reused
    uses: dict[str, list[_Use]] = {}
    for rid, rec, mine in found:
        with ctx.guard(rec.src.path, rec.at("evidence")):
            for entry, loc, real, _st in mine:
                digest = digests.get(real)
                if digest is not None and shared[digest] > 1:
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


_ODD_NAMES = ("", ".", "..")


def _check_path(ctx: RuleContext, path: str, loc: tuple[int, int], entry: str, unit_dir: Path, root: str):  # type: ignore[no-untyped-def]
    """The evidence file's real path and lstat, or the problem with it. String arithmetic: this runs once per
    photo. A plain path (`evidence/2024/q1/x.jpg`) whose folder is resolved already costs one lstat."""
    text = entry.strip()
    folder_text, _, name = text.rpartition("/")
    real_folder = ctx.realdirs.get(folder_text)  # only plain paths (no "", "." or ".." in them) are kept there
    if real_folder is None or name in _ODD_NAMES or text[:1] == "/" or text[1:2] == ":" or "\\" in text:
        where = _where(ctx, path, loc, text, unit_dir)
        if isinstance(where, Problem):
            return where
        real_folder, name = where
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
        fix = _suggest(unit_dir, text.replace("\\", "/").split("/"), ctx.unit.id)
        if fix is not None:
            return ctx.problem("evidence", "error", path, loc, msg(
                "找不到证据文件 {e}，但有 {f}：{why}，请写成 {f}",
                "evidence file {e} not found, but {f} exists: {why_en}; write {f}",
                e=text, f=fix.path, why=fix.why.zh, why_en=fix.why.en), B.ARCHIVE)
        return ctx.problem("evidence", "error", path, loc, msg(
            "找不到证据文件 {e}：请把照片放到这个位置，或改正路径", "evidence file {e} not found: put the photo there or fix the path",
            e=text), B.ARCHIVE)
    return real, st


def _where(ctx: RuleContext, path: str, loc: tuple[int, int], text: str, unit_dir: Path):  # type: ignore[no-untyped-def]
    """The real folder and the name of the evidence path `text` (with `\\` read as `/`, empty and `.` parts left
    out), or the problem with it: absolute, or with `..` in it."""
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
    if not kept:
        folder, name = os.path.split(str(unit_dir))
        return os.path.realpath(folder), name
    return _real_folder(ctx.realdirs, unit_dir, kept[:-1]), kept[-1]


def _real_folder(known: dict[str, str], unit_dir: Path, names: list[str]) -> str:
    """os.path.realpath of the folder `names` (its path in the unit folder, no `..`), resolving only what `known`
    (the real paths found so far, by their path in the unit folder; "" is the unit folder) does not hold yet: each
    folder of a unit is looked up (lstat) once, not once for every folder below it (realpath looks up every folder
    from the root for every path: six system calls for evidence/2024/q1/ of a unit). A link is resolved by realpath
    itself; realpath of a path resolves its parent first and goes on from there, as this does."""
    sub = "/".join(names)
    real = known.get(sub)
    if real is not None:
        return real
    prefixes = []
    acc = ""
    for n in names:
        acc = f"{acc}/{n}" if acc else n
        prefixes.append(acc)
    i = max(len(names) - 1, 0)  # the deepest folder that may be resolved already: names[:i]
    while i > 0 and prefixes[i - 1] not in known:
        i -= 1
    real = known[prefixes[i - 1]] if i else known.get("")
    if real is None:
        real = known[""] = os.path.realpath(unit_dir)
    for j in range(i, len(names)):
        here = real + names[j] if real.endswith(os.sep) else real + os.sep + names[j]
        try:
            link = statmod.S_ISLNK(os.lstat(here).st_mode)
        except OSError:
            link = False  # missing (or not a folder): realpath keeps the name as written, and so on below it
        real = known[prefixes[j]] = os.path.realpath(here) if link else here
    return real


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
