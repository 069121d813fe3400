"""Writing a report: to stdout as exact UTF-8 bytes, or to a file named by --output."""

from __future__ import annotations

import sys
from pathlib import Path

from gongkai.cli.common import CannotRun, say
from gongkai.problem import Msg, msg


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


def note_broken(repo, lang: str) -> None:  # type: ignore[no-untyped-def]
    """Files that failed to load hold obligations and records that are missing from the figures: say so."""
    broken = repo.files_with_errors()
    if broken:
        say(broken_note(broken), lang)


def broken_note(n: int) -> Msg:
    return msg("注意：有 {n} 个文件有错误，其中的内容可能没有算进来；运行 gongkai check 查看",
               "note: {n} files have errors and what they hold may be missing here; run gongkai check", n=n)


def choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise CannotRun(msg("{o} 只能是 {f}，收到“{v}”", "{o} must be one of {f}, got '{v}'",
                            o=option, f=" | ".join(allowed), v=value))
    return value
