"""Photos and scans kept with each record (seed 二（五）: 公开栏公开、照相留存…内容一致).

Passing: `evidence: [evidence/2024/q1-board.jpg]` and that file exists inside the repository.
Failing: a path that does not exist, an absolute path, `../` or a link leading out → evidence;
the same photo (same bytes) behind records of different items or periods → evidence-reused (warning).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat as statmod
from collections.abc import Iterator
from pathlib import Path

from gongkai import basis as B
from gongkai.cache import FileCache, stamp
from gongkai.problem import Problem, msg
from gongkai.repo import corrected
from gongkai.rules.base import RuleContext


def _digest(path: Path, stat: os.stat_result, seen: dict[Path, str], cache: FileCache | None) -> str | None:
    """SHA-256 of a photo; kept in the repository cache by the file's stat, so photos are read once."""
    if path in seen:
        return seen[path]
    st = stamp(stat)
    key = f"sha256:{path}"
    digest = cache.get(key, st) if cache is not None else None
    if digest is None:
        h = hashlib.sha256()
        try:
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        except OSError:
            return None
        digest = h.hexdigest()
        if cache is not None:
            cache.put(key, st, digest)
    seen[path] = digest
    return digest


def check(ctx: RuleContext) -> Iterator[Problem]:
    unit = ctx.unit
    root = os.path.realpath(ctx.root)
    owners: dict[str, tuple] = {}
    for rid, rec in sorted(unit.records.items()):
        for entry, loc in zip(rec.evidence, getattr(rec.evidence, "locs", [])):
            found = _check_path(ctx, rec.src.path, loc, entry, unit.dir, root)
            if isinstance(found, Problem):
                yield found
                continue
            real, st = found
            digest = _digest(real, st, ctx.hashes, ctx.unit.cache)
            if digest is None:
                continue
            mine = (rec.item, str(rec.period) if rec.period else rec.event or rec.project or rid)
            first = owners.setdefault(digest, (mine, rid, entry))
            if first[0] != mine and first[1] not in corrected(unit.records, rec):
                yield ctx.problem("evidence-reused", "warning", rec.src.path, loc, msg(
                    "照片 {e} 与 {o} 的照片 {oe} 内容相同，但那是另一事项或另一期间：每次公开应留存当次的照片",
                    "photo {e} has the same content as {oe} of {o}, a different item or period: keep a photo of each posting",
                    e=entry, o=first[1], oe=first[2]), B.ARCHIVE)


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
        return ctx.problem("evidence", "error", path, loc, msg(
            "证据路径 {e} 含有“..”：证据文件必须放在本仓库里", "evidence path {e} contains '..': evidence stays inside the repository",
            e=text), B.ARCHIVE)
    target = os.path.join(str(unit_dir), *[p for p in parts if p not in ("", ".")])
    folder, name = os.path.split(target)
    real_folder = ctx.realdirs.get(folder)
    if real_folder is None:
        real_folder = ctx.realdirs[folder] = os.path.realpath(folder)
    real = os.path.join(real_folder, name)
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
        return ctx.problem("evidence", "error", path, loc, msg(
            "找不到证据文件 {e}：请把照片放到这个位置，或改正路径", "evidence file {e} not found: put the photo there or fix the path",
            e=text), B.ARCHIVE)
    return Path(real), st
