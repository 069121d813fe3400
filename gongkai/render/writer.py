"""Writing the rendered files: only inside --out, atomically, and only when the bytes changed.

Every path is checked against the resolved output folder before anything is written, so a record
id, a unit folder or a symbolic link inside --out can never lead a file outside it. A file is
written to a temporary name beside its target and renamed over it, so a reader (a web server, a
browser printing the sheet) sees the old file or the new one, never half of one. A new file (nothing at its
name) is written, where the system allows it, as a file without a name (O_TMPFILE) that is given its name once
complete (link, which never replaces anything): the same guarantee with fewer system calls, and nothing left
behind if the run is killed. A file whose bytes did not change is left alone, so re-rendering keeps timestamps
and rsync/git diffs quiet.
Files are not synced one by one (a county renders tens of thousands of pages and a sync each cost more
than the rendering); `finish()` syncs everything written once, before render reports success, and while a county
renders `flushing()` hands what was written so far to the disk every half second, so that sync has little to wait for.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path


class UnsafePath(ValueError):
    """A path that would leave the output folder."""


_CONTROL = re.compile(r"[\x00-\x1f]")


def _umask_allows(mode: int) -> bool:
    """Whether files created with `mode` get exactly that mode under this process's umask."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:  # read without changing it (Linux 4.7 on)
            for line in fh:
                if line.startswith("Umask:"):
                    return mode & ~int(line.split()[1], 8) == mode
    except (OSError, ValueError):
        pass
    return False  # not known: every new file gets an explicit fchmod


class Writer:
    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.root = self.out.resolve()
        self._root = str(self.root)
        self._inside = self._root.rstrip(os.sep) + os.sep
        self.written: list[str] = []  # relative paths, in the order written (changed or not)
        self.changed: list[str] = []
        self.folders: dict[str, str] = {"": self._root}  # a folder inside --out ('/'-separated) → where it resolves
        self.fresh: set[str] = set()  # folders (resolved) made by this process: what is in them, it wrote
        self.places: dict[str, tuple[str, str, bool]] = {}  # 'a/b/' → (its path with a separator, its path, fresh)
        self.count = 0  # temporary files made, for their names
        self.mode_set = _umask_allows(0o644)  # a new file is made 0644 as it is: no fchmod
        # new files via O_TMPFILE + linkat (Linux)
        self.unnamed = hasattr(os, "O_TMPFILE") and os.link in os.supports_dir_fd and os.path.isdir("/proc/self/fd")
        self._link_from = -1  # a folder descriptor, only to make os.link call linkat (which follows /proc's links)

    def target(self, rel: str) -> str:
        """The absolute path for `rel` (a '/'-separated path relative to --out), or UnsafePath."""
        if not rel or rel[0] == "/" or "\\" in rel or _CONTROL.search(rel):
            raise UnsafePath(rel)
        parts = rel.split("/")
        if any(part in ("", ".", "..") for part in parts) or ":" in parts[0]:
            raise UnsafePath(rel)
        # the folders on the way must resolve inside the output (a symlinked folder must not lead out)
        folder = rel[:-len(parts[-1]) - 1] if len(parts) > 1 else ""
        real_parent = self.folders.get(folder)
        if real_parent is None:
            real_parent = self._folder(parts[:-1], rel)
        return os.path.join(real_parent, parts[-1])

    def _folder(self, parts: list[str], rel: str) -> str:
        """Where the folder `parts` of --out resolves, made if missing and checked to stay inside, each folder once
        per run (a county writes 10,000s of files into a few thousand folders): a folder made here, or found as a
        plain folder inside a checked one, is where it is; only a link is resolved (and must not lead out)."""
        key = "/".join(parts)
        real = self.folders.get(key)
        if real is not None:
            return real
        path = os.path.join(self._folder(parts[:-1], rel) if parts[:-1] else self._root, parts[-1])
        try:
            os.mkdir(path, 0o777)
            real = path
            self.fresh.add(real)
        except FileExistsError:
            if stat.S_ISDIR(os.lstat(path).st_mode):
                real = path
            else:  # a link (followed, then resolved) or a file (FileExistsError, as Path.mkdir says it)
                os.makedirs(path, exist_ok=True)
                real = os.path.realpath(path)
        if real != self._root and not real.startswith(self._inside):
            raise UnsafePath(rel)
        self.folders[key] = real
        return real

    def _place(self, rel: str) -> tuple[str, str, bool]:
        """(target(rel), the folder it is in, whether this run made that folder): a folder's checks made once, only the
        file's name checked again for each file (a county writes 10,000s of files into a few thousand folders)."""
        name = rel.rpartition("/")[2]
        key = rel[:len(rel) - len(name)]  # the folders on the way, with their last '/' ('' for a file at the top)
        place = self.places.get(key)
        if (place is None or name in ("", ".", "..") or "\\" in name or _CONTROL.search(name) is not None
                or (not key and ":" in name)):
            target = self.target(rel)  # every check (UnsafePath), and the folders made or resolved
            folder = os.path.dirname(target)
            if key:
                self.places[key] = (folder if folder.endswith(os.sep) else folder + os.sep, folder, folder in self.fresh)
            return target, folder, folder in self.fresh
        return place[0] + name, place[1], place[2]

    def write(self, rel: str, text: str | bytes) -> None:
        """Write `text` (or its UTF-8 bytes) at `rel`, a '/'-separated path inside --out."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        target, folder, fresh = self._place(rel)
        self.written.append(rel)
        if fresh:  # a folder this run made holds only what it wrote: nothing is at `target`
            mode, size = 0, 0
        else:
            try:
                st = os.lstat(target)  # one look: nothing there (a new file), a link, or a file to compare
                mode, size = st.st_mode, st.st_size
            except FileNotFoundError:
                mode, size = 0, 0
        if mode == 0 and self.unnamed and self._new(folder, target, data):
            self.changed.append(rel)
            return
        if mode == 0 and fresh:  # written the usual way below, after one look
            try:
                st = os.lstat(target)
                mode, size = st.st_mode, st.st_size
            except FileNotFoundError:
                pass
        if stat.S_ISLNK(mode):
            os.unlink(target)  # never write through a link; the rename below replaces it anyway
        elif stat.S_ISREG(mode) and size == len(data):
            try:
                with open(target, "rb") as fh:
                    if fh.read() == data:
                        return
            except OSError:
                pass
        fd, tmp = self._temporary(folder)
        try:
            try:
                self._fill(fd, data)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        self.changed.append(rel)

    def _fill(self, fd: int, data: bytes) -> None:
        if not self.mode_set:
            os.fchmod(fd, 0o644)  # whatever the umask, as a web server expects
        n = os.write(fd, data)  # all of it, as a rule
        if n < len(data):
            view = memoryview(data)[n:]
            while view:
                view = view[os.write(fd, view):]

    def _new(self, folder: str, target: str, data: bytes) -> bool:
        """Write `data` as a new file at `target` (where nothing was a moment ago): a file without a name in `folder`,
        filled, then linked to `target` whole. False (nothing written, nothing left) when the system cannot do it
        or something appeared at `target` meanwhile: the caller then writes the usual way."""
        try:
            fd = os.open(folder, os.O_WRONLY | os.O_TMPFILE | os.O_CLOEXEC, 0o644)
        except OSError:  # no O_TMPFILE on this system or file system: temporary names from now on
            self.unnamed = False
            return False
        try:
            self._fill(fd, data)
            if self._link_from < 0:
                self._link_from = os.open(self._root, os.O_RDONLY | os.O_CLOEXEC)
            # an absolute source ignores src_dir_fd; giving one makes Python call linkat(AT_SYMLINK_FOLLOW), which
            # links the file /proc/self/fd/N stands for (link() would link the symbolic link itself)
            os.link(f"/proc/self/fd/{fd}", target, src_dir_fd=self._link_from, follow_symlinks=True)
            return True
        except FileExistsError:  # something is at `target` now: compared or replaced the usual way
            return False
        except OSError as e:
            if e.errno in (errno.ENOENT, errno.EXDEV, errno.EPERM, errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
                self.unnamed = False  # no /proc links here: temporary names from now on
                return False
            raise
        finally:
            os.close(fd)

    def _temporary(self, folder: str) -> tuple[int, str]:
        """A new file beside the target, created exclusively (never an existing file or link), mode 0644."""
        while True:
            self.count += 1
            tmp = f"{folder}{os.sep}.gongkai-{os.getpid()}-{self.count}.tmp"
            try:
                return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644), tmp
            except FileExistsError:
                continue

    @contextlib.contextmanager
    def flushing(self, every: float = 0.5) -> Iterator[None]:
        """While the block runs, what has been written so far is handed to the disk every `every` seconds by a
        thread of this process (os.sync waits for the disk, not the processor), so that the one sync of finish()
        finds little left to wait for. Start it after worker processes are forked, never before."""
        if not hasattr(os, "sync"):
            yield
            return
        import threading

        stop = threading.Event()

        def flush() -> None:
            while not stop.wait(every):
                os.sync()

        thread = threading.Thread(target=flush, name="gongkai-flush", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def finish(self, others: bool = False) -> None:
        """Make what was written durable: one sync for the whole output instead of one per file. `others`: other
        writers (worker processes) changed files too."""
        if (self.changed or others) and hasattr(os, "sync"):
            os.sync()
        if self._link_from >= 0:
            os.close(self._link_from)
            self._link_from = -1
