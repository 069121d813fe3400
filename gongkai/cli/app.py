"""The Typer application; command modules register themselves on it."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="gongkai",
    help="村（居）务公开：检查、打印公开栏、逾期提醒。Village and community affairs disclosure: check, render, remind.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
