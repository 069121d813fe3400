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
import tempfile
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
        parent.mkdir(parents=True, exist_ok=True)
        real_parent = parent.resolve()
        if real_parent != self.root and self.root not in real_parent.parents:
            raise UnsafePath(rel)
        return real_parent / target.name

    def write(self, rel: str, text: str) -> None:
        data = text.encode("utf-8")
        target = self.target(rel)
        self.written.append(rel)
        if target.is_symlink():
            target.unlink()  # never write through a link; the rename below replaces it anyway
        elif target.is_file():
            try:
                if target.read_bytes() == data:
                    return
            except OSError:
                pass
        fd, tmp = tempfile.mkstemp(prefix=".gongkai-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        self.changed.append(rel)

    def finish(self) -> None:
        """Make what was written durable: one sync for the whole output instead of one per file."""
        if self.changed and hasattr(os, "sync"):
            os.sync()
