"""The results of `gongkai check`, cached per unit, so that a warm run only walks the files and reads small caches.

A unit's findings depend on its files, the as-of date, the settings (gongkai.yaml) and gongkai itself, nothing
else: each unit is checked on its own. So each unit's summary and problems are kept under a key made of

- a manifest of every file in the unit folder: relative path, size, mtime_ns, ctime_ns and inode (lstat), and for
  a link the same of what it leads to (a changed photo, even behind a link, changes the key);
- the as-of date, the repository's real path and the unit's place in it;
- the settings file's bytes and the effective default timing;
- gongkai's version, this format, and the size and mtime of every file of the installed package (the rules).

One walk (scandir and lstat) of each unit gives its key; a unit whose key matches is not read at all, the others
are loaded and checked as usual and their results stored. The cache lives outside the repository, in the same
place as gongkai.cache's (`$GONGKAI_CACHE_DIR`, `$XDG_CACHE_HOME/gongkai`, `~/.cache/gongkai`): `gongkai check`
and `gongkai render` keep the units of a repository in one file, a pack (ResultCache.save_pack: a cold run of a
county creates one file, not hundreds), each unit's entry under its own key.
The files hold data only (JSON, never pickle: nothing in them is executed), sealed as gongkai.cache seals its
shards (an HMAC-SHA256 under this user's key, only files of this user that nobody else may write, no links): a
corrupt, truncated, foreign or stale file is ignored and rewritten. `--no-cache` (or GONGKAI_NO_CACHE=1) bypasses it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat as statmod
from array import array
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gongkai import __version__
from gongkai.problem import SEVERITIES, Msg, Problem

FORMAT = 4  # 3: UTF-8 JSON (Chinese text as itself, not \u escapes: a third smaller, read twice as fast); 4: a pack
PACK_HEADER = b"gongkai-results-pack\n" + FORMAT.to_bytes(2, "big")
_PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path:
    from gongkai.cache import cache_dir as base

    return base() / "results"


def pack_path(root: str | Path) -> str:
    """The pack of the repository at `root` (see ResultCache.save_pack)."""
    name = hashlib.sha256(f"pack|{os.path.realpath(root)}".encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return os.path.join(cache_dir(), name + ".json")


_FINGERPRINT: list[str] = []


def _code_fingerprint() -> str:
    """gongkai itself: its version and the size and mtime of each of its files (rules edited in place count);
    taken once per run."""
    if not _FINGERPRINT:
        _FINGERPRINT.append(_fingerprint_now())
    return _FINGERPRINT[0]


def _fingerprint_now() -> str:
    h = hashlib.sha256(f"{__version__}|{FORMAT}".encode())
    stack = [str(_PACKAGE)]
    while stack:
        here = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            if e.name == "__pycache__":
                continue
            if e.is_dir(follow_symlinks=False):
                stack.append(e.path)
            elif e.name.endswith((".py", ".yaml", ".json", ".html", ".md", ".css", ".txt", ".c", ".so")):
                try:
                    st = e.stat()
                except OSError:
                    continue
                h.update(f"{e.path}|{st.st_size}|{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


FOLDER, FILE, LINK, DANGLING, UNREADABLE = range(5)  # what each name of a manifest is

# The C walk (gongkai/_cwalk.c) covers the same as manifest() below (every folder and file of the unit with the same
# numbers, links and what they lead to, unreadable folders, None for a link to a folder) in a byte stream of its
# own. Its digests are tagged (C_TAG, and one byte longer than the Python ones): a cache filled by one walk is a
# miss for the other, never a wrong hit. GONGKAI_PURE_PYTHON=1 turns it off.
_cwalk: Any = None
if os.environ.get("GONGKAI_PURE_PYTHON", "") != "1":
    try:
        from gongkai import _cwalk  # type: ignore[attr-defined,no-redef]
    except ImportError:
        pass
C_TAG = b"C"


def walked_digest(stream: bytes | None) -> bytes | None:
    """The digest of a unit from the C walk's stream (gongkai.repo.find_units' `walked`, or _cwalk.manifest)."""
    if stream is None:
        return None
    return C_TAG + hashlib.sha256(b"gongkai-cwalk-%d\0" % _cwalk.VERSION + stream).digest()


def manifest(unit_dir: Path, listing: Mapping[str, list[os.DirEntry[str]]] | None = None) -> bytes | None:
    """The digest of the unit folder's files (see py_manifest), from the C walk when there is one."""
    if _cwalk is not None:
        return walked_digest(_cwalk.manifest(str(unit_dir)))
    return py_manifest(unit_dir, listing)


def py_manifest(unit_dir: Path, listing: Mapping[str, list[os.DirEntry[str]]] | None = None) -> bytes | None:
    """A digest of every file under the unit folder with its lstat (size, mtime_ns, ctime_ns, inode, mode; for a
    link also the real path and stat of what it leads to) and of every folder; None when the folder holds a link
    to a folder (what lies behind it is not walked: such a unit is always checked afresh). Folders are told by the
    directory entry's type, so only files cost a system call. `listing`: folders already listed by the unit
    search (Layout.listing, sorted by name), not listed again; the files in them are stat'ed now.

    The walk visits folders and names in a fixed order (by name), and keeps names and numbers in two streams that
    are hashed at once (the numbers as 64-bit integers, not formatted one by one: a county has 40,000 files); each
    name's kind says how many numbers it has, so no two trees give the same streams."""
    names: list[str] = []
    nums: list[int] = []
    base = str(unit_dir)
    cut = len(base) + 1
    stack = [base]
    listed = listing.get if listing is not None else None
    while stack:
        here = stack.pop()
        entries = listed(here) if listed is not None else None
        if entries is None:
            try:
                with os.scandir(here) as it:
                    entries = sorted(it, key=_name)
            except OSError as err:
                names.append(here[cut:])
                nums += (UNREADABLE, err.errno or 0)
                continue
        names.append(here[cut:])
        nums.append(FOLDER)
        folders = []
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    folders.append(e.path)
                    continue
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            names.append(e.name)
            mode = st.st_mode
            nums += (FILE, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, mode)
            if statmod.S_ISLNK(mode):
                try:
                    target = os.stat(e.path)
                except OSError:
                    nums.append(DANGLING)
                else:
                    if statmod.S_ISDIR(target.st_mode):
                        return None
                    names.append(os.path.realpath(e.path))
                    nums += (LINK, target.st_size, target.st_mtime_ns, target.st_ctime_ns, target.st_ino,
                             target.st_mode)
        stack.extend(reversed(folders))
    h = hashlib.sha256("\0".join(names).encode("utf-8", "surrogateescape"))
    try:
        h.update(array("q", nums).tobytes())
    except OverflowError:  # an inode or a size beyond 63 bits: the numbers as text
        h.update(b"\0" + " ".join(map(str, nums)).encode())
    return h.digest()


SPLIT_FROM = 16  # units: from this many, a forked process walks every other unit (see manifests)
_ABSENT = b"\0" * 33


def manifests(dirs: list[Path], listing: Mapping[str, list[os.DirEntry[str]]] | None = None) -> list[bytes | None]:
    """manifest() of each unit folder. A walk is system calls (scandir, lstat) and they are slow on some machines
    (virtual ones above all) while a second CPU waits: with many units and a CPU free (see _can_fork), a forked process
    walks every other unit while this one walks the rest, and sends its digests back through a pipe (33 bytes
    each). The digests are those of walking each unit here: anything amiss with the other process (no fork, it
    failed, its answer is short) and its units are walked here."""
    n = len(dirs)
    theirs = list(range(1, n, 2))
    if _cwalk is not None or n < SPLIT_FROM or not _can_fork():  # (the C walk releases the lock: no fork needed)
        return [manifest(d, listing) for d in dirs]
    try:
        r, w = os.pipe()
    except OSError:
        return [manifest(d, listing) for d in dirs]
    try:
        pid = os.fork()
    except OSError:
        os.close(r)
        os.close(w)
        return [manifest(d, listing) for d in dirs]
    if pid == 0:  # the other process: its digests into the pipe, then gone without running anything of the parent's
        code = 1
        try:
            os.close(r)
            out = bytearray()
            for i in theirs:
                m = manifest(dirs[i], listing)
                out += _ABSENT if m is None else b"\1" + m
            view = memoryview(out)
            while view:
                view = view[os.write(w, view):]
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    found: list[bytes | None] = [None] * n
    chunks = []
    try:
        for i in range(0, n, 2):
            found[i] = manifest(dirs[i], listing)
        while True:
            chunk = os.read(r, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        _, status = os.waitpid(pid, 0)
    data = b"".join(chunks)
    if status != 0 or len(data) != 33 * len(theirs):
        for i in theirs:
            found[i] = manifest(dirs[i], listing)
        return found
    for j, i in enumerate(theirs):
        piece = data[33 * j:33 * j + 33]
        found[i] = piece[1:] if piece[0] == 1 else None
    return found


def _can_fork() -> bool:
    """More than one CPU and not all of them taken (as `make --max-load`: the load average below the number of
    CPUs; on a busy machine a helper process only adds its start and its copied pages), fork, and no other
    thread (a progress bar's) that a forked process could inherit a lock of."""
    cpus = os.cpu_count() or 1
    if cpus < 2 or not hasattr(os, "fork"):
        return False
    try:
        if os.getloadavg()[0] >= cpus:
            return False
    except (AttributeError, OSError):
        pass
    import sys

    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def _name(e: os.DirEntry[str]) -> str:
    return e.name


class ResultCache:
    """The cached results of the units of one repository, for one as-of date and one gongkai."""

    def __init__(self, root: Path, settings_path: str | None, timing: Any, as_of: dt.date,
                 context: tuple = ()) -> None:
        """`context`: anything else of the repository the units' results depend on (the settings file used,
        the templates folder), as plain values."""
        self.root = os.path.realpath(root)
        settings = b""
        if settings_path is not None:
            try:
                settings = (Path(root) / settings_path).read_bytes()
            except OSError:
                settings = b"\0unreadable"
        self.base = hashlib.sha256("\n".join((
            str(FORMAT), __version__, _code_fingerprint(), self.root, as_of.isoformat(), str(settings_path),
            hashlib.sha256(settings).hexdigest(), repr(timing), repr(context))).encode("utf-8", "surrogateescape")
        ).hexdigest()
        self._key: list[bytes | None] = []  # this user's sealing key, taken at the first read
        self._packed: dict[str, bytes] | None = None

    def key(self, unit_id: str, unit_dir: Path, listing: Mapping[str, list[os.DirEntry[str]]] | None = None,
            walked: Mapping[str, bytes | None] | None = None) -> str | None:
        """The unit's key now, or None when it cannot be cached; `listing`: see manifest(); `walked`: the C walk of
        the unit search (Layout.walked), used when it holds the unit."""
        if walked is not None and (here := str(unit_dir)) in walked:
            tree = walked_digest(walked[here])
        else:
            tree = manifest(unit_dir, listing)
        return None if tree is None else self._of(unit_id, tree)

    def keys(self, units: list[tuple[str, Path]], listing: Mapping[str, list[os.DirEntry[str]]] | None = None,
             walked: Mapping[str, bytes | None] | None = None) -> list[str | None]:
        """key() of each (unit id, unit folder), the walks shared with another process (see manifests) unless
        the C walk of the unit search (`walked`) holds them."""
        if walked is not None and all(str(d) in walked for _, d in units):
            return [self.key(uid, d, None, walked) for uid, d in units]
        return [None if tree is None else self._of(uid, tree)
                for (uid, _), tree in zip(units, manifests([d for _, d in units], listing))]

    def _of(self, unit_id: str, tree: bytes) -> str:
        h = hashlib.sha256(f"{self.base}\n{unit_id!r}\n".encode("utf-8", "surrogateescape"))
        h.update(tree)
        return h.hexdigest()

    def _pack_path(self) -> str:
        return pack_path(self.root)

    def _sealing_key(self) -> bytes | None:
        from gongkai.cache import sealing_key

        if not self._key:
            self._key.append(sealing_key())
        return self._key[0]

    def packed(self) -> dict[str, bytes]:
        """The repository's pack (see save_pack): each unit's stored results by unit id, read once."""
        if self._packed is None:
            from gongkai.cache import unseal

            self._packed = {}
            payload = unseal(self._pack_path(), PACK_HEADER, self._sealing_key())
            if payload:
                for line in payload.split(b"\n"):
                    uid, tab, body = line.partition(b"\t")
                    try:
                        name = json.loads(uid.decode("utf-8", "surrogatepass"))
                    except ValueError:
                        continue
                    if tab and type(name) is str:
                        self._packed[name] = body
        return self._packed

    def stored(self, unit_id: str) -> bytes | None:
        """What the repository's pack holds for the unit, still to be checked against its key by get(); None when
        nothing usable is (missing, not ours, damaged): a cold run then takes no key before it must, only where the
        unit is checked."""
        return self.packed().get(unit_id)

    def get(self, unit_id: str, key: str | None,
            body: bytes | None = None) -> tuple[tuple[str, str, tuple[str, ...]], list[Problem]] | None:
        """(unit id, name, unknown paths) and the problems stored under `key`, or None (missing, stale, damaged).
        `body`: what stored() returned, not read again."""
        if key is None:
            return None
        if body is None:
            body = self.stored(unit_id)
        if body is None:
            return None
        try:
            data = json.loads(body.decode("utf-8", "surrogatepass"))
            if data["key"] != key:
                return None
            uid, name, unknown = data["unit"]
            summary = (_str(uid), _str(name), tuple(_str(u) for u in unknown))
            return summary, problems_from(data["problems"])
        except Exception:  # noqa: BLE001 - a damaged or foreign cache: check afresh
            return None

    @staticmethod
    def entry(key: str, summary: tuple[str, str, tuple[str, ...]], problems: list[Problem]) -> bytes:
        """What save_pack() packs of a unit (made in the worker that checked the unit)."""
        return _dumps({"key": key, "unit": list(summary), "problems": problems_to(problems)})

    def save_pack(self, entries: list[tuple[str, bytes]]) -> None:
        """The entries (unit id, entry()) of every unit of the repository in one file, the pack, written atomically
        and sealed as one: a cold run of a county then creates one file, not one per unit (creating a file is
        the costly part of writing a small one). Each entry keeps its own key, so a unit is a hit only when its
        own key matches; two runs at once each write a whole pack and the last one stays (a unit of the other
        run's then costs a miss, never a wrong hit). A line per unit: its id (JSON), a tab, its entry (JSON text
        holds neither a raw tab nor a newline)."""
        from gongkai.cache import write_sealed

        write_sealed(Path(self._pack_path()), PACK_HEADER,
                     b"\n".join(_dumps(uid) + b"\t" + body for uid, body in entries))


def _dumps(data: Any) -> bytes:
    """JSON in UTF-8; a path's undecodable bytes (surrogate escapes) kept as they are, as they came."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


def problems_to(problems: list[Problem]) -> list[list[Any]]:
    return [[p.unit, p.path, p.line, p.column, p.code, p.severity, list(p.message), list(p.basis)] for p in problems]


def problems_from(rows: list[Any]) -> list[Problem]:
    """The problems problems_to() wrote; ValueError (or another error) for anything else. (Checked inline, not by a
    call per value: a warm run of a county rebuilds thousands.)"""
    out = []
    make = Msg._make
    for u, p, line, col, code, sev, m, b in rows:
        if not (type(u) is str and type(p) is str and type(code) is str and sev in SEVERITIES
                and (line is None or type(line) is int) and (col is None or type(col) is int)
                and type(m) is list and len(m) == 2 and type(m[0]) is str and type(m[1]) is str
                and type(b) is list and len(b) == 2 and type(b[0]) is str and type(b[1]) is str):
            raise ValueError("not a problem")
        out.append(Problem(u, p, line, col, code, sev, make(m), make(b)))
    return out


# ---------------------------------------------------------------- the settings, for a warm run

SETTINGS_HEADER = b"gongkai-settings\n" + FORMAT.to_bytes(2, "big")


class SettingsCache:
    """What gongkai.repo.discover takes from gongkai.yaml (its problems, whether it loaded, its timezone and
    templates, the default timing it makes), kept under its bytes, its shown path and gongkai itself: a warm run
    then imports neither the YAML loader nor the models. Sealed and checked as the results are."""

    def __init__(self, settings_file: Path, shown: str, data: bytes) -> None:
        self.key = hashlib.sha256("\n".join((str(FORMAT), __version__, _code_fingerprint(), shown)).encode(
            "utf-8", "surrogateescape") + b"\n" + data).hexdigest()
        real = os.path.realpath(settings_file)
        name = hashlib.sha256(f"settings|{real}|{shown}".encode("utf-8", "surrogateescape")).hexdigest()[:32]
        from gongkai.cache import cache_dir as base

        self.path = base() / "settings" / (name + ".json")

    def get(self) -> tuple[dict[str, str | None] | None, list[Any], list[Problem]] | None:
        """(timezone and templates, or None when the settings did not load; the default timing's fields; the
        problems), or None when nothing usable is stored."""
        from gongkai.cache import sealing_key, unseal

        body = unseal(self.path, SETTINGS_HEADER, sealing_key())
        if body is None:
            return None
        try:
            data = json.loads(body.decode("utf-8", "surrogatepass"))
            if data["key"] != self.key:
                return None
            facts = data["settings"]
            if facts is not None:
                facts = {"timezone": _opt_str(facts["timezone"]), "templates": _opt_str(facts["templates"])}
            timing = [tuple(_int(x) for x in v) if type(v) is list else _int(v) for v in data["timing"]]
            return facts, timing, problems_from(data["problems"])
        except Exception:  # noqa: BLE001 - a damaged or foreign cache: load the file
            return None

    def put(self, facts: dict[str, str | None] | None, timing: list[Any], problems: list[Problem]) -> None:
        from gongkai.cache import write_sealed

        data = {"key": self.key, "settings": facts, "timing": [list(v) if isinstance(v, tuple) else v for v in timing],
                "problems": problems_to(problems)}
        write_sealed(self.path, SETTINGS_HEADER, _dumps(data))


def _opt_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _int(value: object) -> int:
    if type(value) is not int:
        raise ValueError("not a number")
    return value


def _str(value: object) -> str:
    if type(value) is not str:
        raise ValueError("not a string")
    return value
