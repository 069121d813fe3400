"""What every command shares: PATH, --as-of, --lang, and turning "cannot run" into exit 2."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from gongkai.lean import (  # noqa: F401 - shared with the lean path of `check`, which runs without Typer
    _RUN,
    EXIT_CANNOT_RUN,
    EXIT_FOUND,
    EXIT_NOT_DELIVERED,
    EXIT_OK,
    CannotRun,
    as_of_date,
    discover_units,
    internal_error,
    lang_of,
    note,
    say,
)
from gongkai.problem import GongkaiError, Msg

PATH_ARG = typer.Argument(Path("."), help="仓库或单位所在的文件夹（默认：当前文件夹） / repository or unit folder", show_default=False)
AS_OF = typer.Option(None, "--as-of", help="按哪一天计算，如 2024-07-15（默认：今天） / the date to judge by (default: today)")
LANG = typer.Option(None, "--lang", envvar="GONGKAI_LANG", help="zh（默认）或 en / message language")
YEAR = typer.Option(None, "--year", min=1900, max=2999, help="哪一年（默认：--as-of 那一年） / the year (default: the --as-of year)")
UNITS = typer.Option(None, "--unit", metavar="ID", help="只看这个单位（文件夹名或单位名称），可重复 / only this unit (repeatable)")
OUTPUT = typer.Option(None, "--output", "-o", metavar="FILE", help="写入文件，而不是屏幕 / write to FILE")


def load_repository(path: Path, use_cache: bool = False):  # type: ignore[no-untyped-def]
    """Load PATH (unchanged files from the cache with use_cache, see gongkai.cache), or explain why it holds no unit."""
    from gongkai.repo import load_layout

    return load_layout(discover_units(path), use_cache)


def fail(message: Msg, lang: str, code: int = EXIT_CANNOT_RUN) -> typer.Exit:
    say(message, lang)
    return typer.Exit(code)


def command(fn):  # type: ignore[no-untyped-def]
    """Wrap a command so that a GongkaiError not handled by the command becomes one clear line on stderr and
    exit 2, and so does an unexpected failure (a bug), with how to see the details: never a bare traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            lang = lang_of(kwargs.get("lang"))
        except CannotRun:
            lang = "zh"
        _RUN["lang"], _RUN["quiet"] = lang, bool(kwargs.get("quiet")) and bool(kwargs.get("send") or kwargs.get("dry_run"))
        try:
            return fn(*args, **kwargs)
        except GongkaiError as e:
            raise fail(e.message, lang) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception as e:
            if os.environ.get("GONGKAI_DEBUG"):
                raise
            raise fail(internal_error(e), lang) from None

    return wrapper
