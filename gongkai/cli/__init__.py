"""Command-line entry point: each command is a thin module that parses, calls the core, reports, exits."""

from __future__ import annotations

import sys

# command modules register themselves on `app`
from gongkai.cli import calendar as _calendar  # noqa: E402,F401
from gongkai.cli import catalog as _catalog  # noqa: E402,F401
from gongkai.cli import check as _check  # noqa: E402,F401
from gongkai.cli import export as _export  # noqa: E402,F401
from gongkai.cli import importcmd as _importcmd  # noqa: E402,F401
from gongkai.cli import init as _init  # noqa: E402,F401
from gongkai.cli import new as _new  # noqa: E402,F401
from gongkai.cli import overdue as _overdue  # noqa: E402,F401
from gongkai.cli import render as _render  # noqa: E402,F401
from gongkai.cli import schema as _schema  # noqa: E402,F401
from gongkai.cli import status as _status  # noqa: E402,F401
from gongkai.cli.app import app
from gongkai.cli.common import CannotRun, fail, lang_of


def main() -> None:
    try:
        app()
    except CannotRun as e:
        try:
            lang = lang_of(None)
        except CannotRun:
            lang = "zh"
        raise SystemExit(fail(e.message, lang).exit_code) from None
    except KeyboardInterrupt:
        sys.stderr.write("gongkai：已中断 / interrupted\n")
        raise SystemExit(130) from None
