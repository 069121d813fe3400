"""A cache of loaded files, so that re-checking a county re-reads only what changed.

Each file's result (object and problems) depends on its bytes alone, so it is keyed by the file's
stat (mtime, ctime, size, inode); any change reloads it. The cache lives outside the repository
(`$GONGKAI_CACHE_DIR`, else `$XDG_CACHE_HOME/gongkai`, else `~/.cache/gongkai`), one file per unit
(a shard), so that units load and check independently, in parallel; each is written atomically, and
a missing, stale or unreadable one is simply rebuilt.
Set `GONGKAI_NO_CACHE=1` (or pass `--no-cache`) to bypass it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gongkai import __version__

FORMAT = 2


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived objects are built: it would scan them
    again and again for nothing (unpickling a county's cache takes a third of the time without it)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def cache_dir() -> Path:
    if os.environ.get("GONGKAI_CACHE_DIR"):
        return Path(os.environ["GONGKAI_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gongkai"


def stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


class FileCache:
    """The cached files of one unit (`shard`, its folder relative to the repository root) of one repository."""

    def __init__(self, root: Path, shard: str = ".") -> None:
        repo = hashlib.sha256(f"{Path(root).resolve()}|{__version__}|{FORMAT}".encode("utf-8", "surrogateescape")).hexdigest()[:20]
        unit = hashlib.sha256(shard.encode("utf-8", "surrogateescape")).hexdigest()[:20]
        self.path = cache_dir() / repo / f"{unit}.pickle"
        self.entries: dict[str, tuple[tuple, Any]] = {}
        self.used: set[str] = set()
        self.dirty = False
        try:
            with self.path.open("rb") as fh, gc_paused():
                data = pickle.load(fh)
            if isinstance(data, dict):
                self.entries = data
        except Exception:  # noqa: BLE001 - no cache, or one from another version: start afresh
            self.entries = {}

    def get(self, key: str, st: tuple) -> Any:
        hit = self.entries.get(key)
        if hit is not None and hit[0] == st:
            self.used.add(key)
            return hit[1]
        return None

    def put(self, key: str, st: tuple, value: Any) -> None:
        self.entries[key] = (st, value)
        self.used.add(key)
        self.dirty = True

    def save(self) -> None:
        if len(self.used) != len(self.entries):
            self.entries = {k: v for k, v in self.entries.items() if k in self.used}  # forget deleted files
            self.dirty = True
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(self.entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only home or full disk only costs speed


def enabled(use_cache: bool) -> bool:
    return use_cache and not os.environ.get("GONGKAI_NO_CACHE")
