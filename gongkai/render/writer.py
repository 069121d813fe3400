"""Writing the rendered files: only inside --out, atomically, and only when the bytes changed.

Every path is checked against the resolved output folder before anything is written, so a record
id, a unit folder or a symbolic link inside --out can never lead a file outside it. A file is
written to a temporary name beside its target and renamed over it, so a reader (a web server, a
browser printing the sheet) sees the old file or the new one, never half of one. A file whose
bytes did not change is left alone, so re-rendering keeps timestamps and rsync/git diffs quiet.
Files are not synced one by one (a county renders tens of thousands of pages and a sync each cost more
than the rendering); `finish()` syncs everything written once, before render reports success.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath


class UnsafePath(ValueError):
    """A path that would leave the output folder."""


class Writer:
    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.root = self.out.resolve()
        self.written: list[str] = []  # relative paths, in the order written (changed or not)
        self.changed: list[str] = []
        self.folders: dict[Path, Path] = {}  # a folder inside --out (as joined) → where it resolves, checked once
        self.count = 0  # temporary files made, for their names

    def target(self, rel: str) -> Path:
        """The absolute path for `rel` (a '/'-separated path relative to --out), or UnsafePath."""
        p = PurePosixPath(rel)
        if not rel or p.is_absolute() or "\\" in rel or any(part in ("", ".", "..") for part in rel.split("/")):
            raise UnsafePath(rel)
        if any(ord(ch) < 32 for ch in rel) or ":" in rel.split("/")[0]:
            raise UnsafePath(rel)
        target = self.root.joinpath(*p.parts)
        # the folders on the way must resolve inside the output (a symlinked folder must not lead out)
        parent = target.parent
        real_parent = self.folders.get(parent)
        if real_parent is None:  # each folder is made and checked once per run (a county writes 10,000s of files)
            parent.mkdir(parents=True, exist_ok=True)
            real_parent = parent.resolve()
            if real_parent != self.root and self.root not in real_parent.parents:
                raise UnsafePath(rel)
            self.folders[parent] = real_parent
        return real_parent / target.name

    def write(self, rel: str, text: str) -> None:
        data = text.encode("utf-8")
        target = self.target(rel)
        self.written.append(rel)
        try:
            st = os.lstat(target)  # one look: nothing there (a new file), a link, or a file to compare
            mode, size = st.st_mode, st.st_size
        except FileNotFoundError:
            mode, size = 0, 0
        if stat.S_ISLNK(mode):
            target.unlink()  # never write through a link; the rename below replaces it anyway
        elif stat.S_ISREG(mode):
            try:
                if size == len(data) and target.read_bytes() == data:
                    return
            except OSError:
                pass
        fd, tmp = self._temporary(target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                os.fchmod(fd, 0o644)  # whatever the umask, as a web server expects
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        self.changed.append(rel)

    def _temporary(self, folder: Path) -> tuple[int, str]:
        """A new file beside the target, created exclusively (never an existing file or link), mode 0644."""
        while True:
            self.count += 1
            tmp = str(folder / f".gongkai-{os.getpid()}-{self.count}.tmp")
            try:
                return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644), tmp
            except FileExistsError:
                continue

    def finish(self, others: bool = False) -> None:
        """Make what was written durable: one sync for the whole output instead of one per file. `others`: other
        writers (worker processes) changed files too."""
        if (self.changed or others) and hasattr(os, "sync"):
            os.sync()
