"""A cache of loaded files, so that re-checking a county re-reads only what changed.

Each file's result (object and problems) depends on its bytes alone, so it is keyed by the file's
stat (mtime, ctime, size, inode); any change reloads it. The cache lives outside the repository
(`$GONGKAI_CACHE_DIR`, else `$XDG_CACHE_HOME/gongkai`, else `~/.cache/gongkai`), one file per unit
(a shard), so that units load and check independently, in parallel; each is written atomically, and
a missing, stale or unreadable one is simply rebuilt.
Set `GONGKAI_NO_CACHE=1` (or pass `--no-cache`) to bypass it.

The cache folder may be shared or predictable (`GONGKAI_CACHE_DIR=/tmp/...`), so nothing read from it is
trusted to run code. A shard is `MAGIC`, the format version, an HMAC-SHA256 of the payload under a key that
only this user can read (`key` in the cache folder, mode 0600), and the payload: a pickle that is loaded by an
unpickler that can build only gongkai's own data classes, dates, decimals and plain containers, never call
anything else. A shard that is not ours (another owner, group- or world-writable), truncated, of another
format, with a wrong MAC or of the wrong shape is ignored and rebuilt, never an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import gc
import hashlib
import hmac
import io
import os
import secrets
import stat as statmod
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gongkai import __version__

FORMAT = 3
MAGIC = b"gongkai-cache\n"
HEADER = MAGIC + FORMAT.to_bytes(2, "big")
MAC_SIZE = 32
KEY_FILE = "key"
MAX_SHARD = 1 << 30  # a shard larger than this is not ours: ignore it rather than read it
# the modules whose classes are the loaded data; only their data classes may be rebuilt from a shard
DATA_MODULES = ("gongkai.model", "gongkai.load.schema", "gongkai.load.nodes", "gongkai.load.scalars",
                "gongkai.schedule", "gongkai.problem")
SAFE_GLOBALS = {("datetime", "date"): dt.date, ("decimal", "Decimal"): decimal.Decimal,
                ("builtins", "set"): set, ("builtins", "frozenset"): frozenset}


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


def _is_data_class(obj: object, module: str) -> bool:
    """A class of gongkai's data modules whose construction runs no code of consequence: a dataclass,
    a NamedTuple, or a subclass of a plain value type (Money is a Decimal, PosList a list)."""
    if not isinstance(obj, type) or obj.__module__ != module:
        return False
    if "__dataclass_fields__" in obj.__dict__ or (issubclass(obj, tuple) and hasattr(obj, "_fields")):
        return True
    return issubclass(obj, (list, dict, str, int, decimal.Decimal, dt.date))


_UNPICKLER: list[type] = []


def _data_unpickler() -> type:
    """The unpickler of shards (made at the first shard read: pickle is not imported by a run that reads none, such
    as a warm `gongkai check`)."""
    if not _UNPICKLER:
        import pickle

        class _DataUnpickler(pickle.Unpickler):
            """Rebuilds only gongkai's data classes, dates, decimals and containers: a shard that names anything
            else (os.system, builtins.eval, a gongkai function) fails to load and is rebuilt."""

            def find_class(self, module: str, name: str) -> Any:
                found = SAFE_GLOBALS.get((module, name))
                if found is not None:
                    return found
                if module in DATA_MODULES and "." not in name and module in sys.modules:
                    obj = getattr(sys.modules[module], name, None)
                    if _is_data_class(obj, module):
                        return obj
                raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache")

        _UNPICKLER.append(_DataUnpickler)
    return _UNPICKLER[0]


def _ours(st: os.stat_result) -> bool:
    """A regular file of this user that nobody else may write (POSIX); anything else may have been planted."""
    if not statmod.S_ISREG(st.st_mode):
        return False
    if hasattr(os, "getuid"):
        return st.st_uid == os.getuid() and not st.st_mode & 0o022
    return True


def _own_folder(path: Path) -> bool:
    """A real folder (not a link) of this user: where a shard may be written."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not statmod.S_ISDIR(st.st_mode):
        return False
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


_KEYS: dict[Path, bytes | None] = {}


def _key(folder: Path) -> bytes | None:
    """This user's secret for the cache folder: created once (0600), None when it cannot be trusted."""
    if folder in _KEYS:
        return _KEYS[folder]
    key = None
    path = folder / KEY_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-key-")
            try:
                os.write(fd, secrets.token_bytes(32))
                os.close(fd)
                with contextlib.suppress(FileExistsError):
                    os.link(tmp, path)  # atomic: a concurrent run's key wins, never a half-written one
            finally:
                os.unlink(tmp)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            st = os.fstat(fd)
            data = os.read(fd, 33)
        finally:
            os.close(fd)
        if _ours(st) and not st.st_mode & 0o077 and len(data) == 32:
            key = data
    except OSError:
        key = None
    _KEYS[folder] = key
    return key


def _fingerprint() -> str:
    """The code that builds cached values: its version, and the bytes of the modules that make them (so a
    development checkout whose loader changed never serves results of the old loader)."""
    h = hashlib.sha256(f"{__version__}|{FORMAT}".encode())
    here = Path(__file__).resolve().parent
    for name in ("model.py", "problem.py", "schedule.py", "basis.py", "load/__init__.py", "load/nodes.py",
                 "load/scalars.py", "load/schema.py", "repo.py"):
        with contextlib.suppress(OSError):
            h.update((here / name).read_bytes())
    return h.hexdigest()


_FINGERPRINT: list[str] = []


def fingerprint() -> str:
    if not _FINGERPRINT:
        _FINGERPRINT.append(_fingerprint())
    return _FINGERPRINT[0]


def _valid(entries: object) -> bool:
    """The shape every shard has: {key: (stat tuple, value)}."""
    if not isinstance(entries, dict):
        return False
    for k, v in entries.items():
        if not (isinstance(k, str) and isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], tuple)):
            return False
    return True


def read_shard(path: Path, key: bytes | None) -> dict[str, tuple[tuple, Any]]:
    """The entries of one shard, or {} for anything that is not a shard this user wrote with this format."""
    if key is None:
        return {}
    blob = _read_ours(path, len(HEADER) + MAC_SIZE)
    if blob is None or not blob.startswith(HEADER):
        return {}
    mac, payload = blob[len(HEADER):len(HEADER) + MAC_SIZE], blob[len(HEADER) + MAC_SIZE:]
    if not hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).digest()):
        return {}
    try:
        with gc_paused():
            data = _data_unpickler()(io.BytesIO(payload)).load()
    except Exception:  # noqa: BLE001 - any failure to rebuild means: not a usable cache, start afresh
        return {}
    return data if _valid(data) else {}


class FileCache:
    """The cached files of one unit (`shard`, its folder relative to the repository root) of one repository."""

    def __init__(self, root: Path, shard: str = ".") -> None:
        repo = hashlib.sha256(f"{Path(root).resolve()}|{fingerprint()}".encode("utf-8", "surrogateescape")).hexdigest()[:20]
        unit = hashlib.sha256(shard.encode("utf-8", "surrogateescape")).hexdigest()[:20]
        self.folder = cache_dir()
        self.path = self.folder / repo / f"{unit}.cache"
        self.key = _key(self.folder)
        self.entries: dict[str, tuple[tuple, Any]] = read_shard(self.path, self.key)
        self.used: set[str] = set()
        self.dirty = False

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
        if not self.dirty or self.key is None:
            return
        import pickle

        try:
            payload = pickle.dumps(self.entries, protocol=pickle.HIGHEST_PROTOCOL)
            mac = hmac.new(self.key, payload, hashlib.sha256).digest()
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not _own_folder(self.path.parent):
                return  # a folder planted (or linked) by someone else: write nothing into it
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".cache")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(HEADER + mac + payload)
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except (OSError, pickle.PicklingError, TypeError, RecursionError):
            pass  # a read-only home or full disk only costs speed


def read_sealed(path: Path | str, header: bytes) -> bytes | None:
    """The payload of a file that write_sealed wrote with this header, under this user's key; None for anything
    else (missing, not ours, a link, too large, another header, a wrong MAC). The same checks as a shard's."""
    return unseal(path, header, sealing_key())


def sealing_key() -> bytes | None:
    """This user's key for the cache folder (see _key), for unseal()."""
    return _key(cache_dir())


def unseal(path: Path | str, header: bytes, key: bytes | None) -> bytes | None:
    """read_sealed() under `key` (sealing_key(), taken once by a caller that reads many files)."""
    if key is None:
        return None
    blob = _read_ours(path, len(header) + MAC_SIZE)
    if blob is None or not blob.startswith(header):
        return None
    mac, payload = blob[len(header):len(header) + MAC_SIZE], blob[len(header) + MAC_SIZE:]
    if not hmac.compare_digest(mac, hmac.digest(key, payload, "sha256")):
        return None
    return payload


def _read_ours(path: Path | str, least: int) -> bytes | None:
    """The bytes of a file of ours (see _ours) of at least `least` bytes and at most MAX_SHARD, read by one
    open, fstat and read of its size (no buffered reader, which would set aside MAX_SHARD bytes for each: a warm
    check reads hundreds of these); None otherwise. A short read only fails the MAC check."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        size = st.st_size
        if not _ours(st) or size > MAX_SHARD or size < least:
            return None
        return os.read(fd, size + 1)  # one byte more: a file that grew since is not what was sealed (MAC)
    except OSError:
        return None
    finally:
        os.close(fd)


def write_sealed(path: Path, header: bytes, payload: bytes) -> None:
    """Write header, the HMAC of the payload under this user's key, and the payload, atomically, into a folder
    of this user's; nothing when that cannot be done safely (a read-only home or full disk only costs speed)."""
    key = _key(cache_dir())
    if key is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _own_folder(path.parent):
            return
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(header + hmac.new(key, payload, hashlib.sha256).digest() + payload)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        pass


def enabled(use_cache: bool) -> bool:
    return use_cache and not os.environ.get("GONGKAI_NO_CACHE")
