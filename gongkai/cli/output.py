"""Writing a report: to stdout as exact UTF-8 bytes, or to a file named by --output."""

from __future__ import annotations

import sys
from pathlib import Path

from gongkai.cli.common import CannotRun
from gongkai.lean_render import broken_note, note_broken  # noqa: F401 - shared with the lean path of render
from gongkai.problem import msg


def write(text: str, output: Path | None) -> None:
    """UTF-8 bytes, exactly: a CSV keeps its BOM and CRLF, an .ics its CRLF, Chinese survives a non-UTF-8 console."""
    data = text.encode("utf-8")
    if output is not None:
        try:
            output.write_bytes(data)
        except OSError as e:
            raise CannotRun(msg("无法写入“{p}”：{e}", "cannot write '{p}': {e}", p=output, e=e.strerror or e)) from None
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
    else:
        buffer.write(data)
        buffer.flush()


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise CannotRun(msg("{o} 只能是 {f}，收到“{v}”", "{o} must be one of {f}, got '{v}'",
                            o=option, f=" | ".join(allowed), v=value))
    return value
