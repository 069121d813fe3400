"""`gongkai calendar`: every deadline of a year per unit, in date order; `--format ics` for phone calendars.
Exit 0 when the calendar was made, 2 when it could not be (bad option, no unit, unknown --unit)."""

from __future__ import annotations

from pathlib import Path

import typer

from gongkai.cli.app import app
from gongkai.cli.common import (
    AS_OF,
    EXIT_OK,
    LANG,
    OUTPUT,
    PATH_ARG,
    UNITS,
    YEAR,
    CannotRun,
    as_of_date,
    command,
    lang_of,
    load_repository,
)
from gongkai.cli.output import choice, note_broken, write

FORMATS = ("table", "md", "ics")


@app.command()
@command
def calendar(
    path: Path = PATH_ARG,
    year: int | None = YEAR,
    unit: list[str] | None = UNITS,
    as_of: str | None = AS_OF,
    fmt: str = typer.Option("table", "--format", "-f", metavar="FORMAT",
                            help="table（默认）| md | ics（手机日历可导入，RFC 5545） / table, md or ics"),
    remind: int = typer.Option(3, "--remind", min=0, max=60, metavar="DAYS",
                               help="ics：到期前几天上午 9 点提醒（默认 3） / ics: remind DAYS before, at 09:00"),
    output: Path | None = OUTPUT,
    lang: str | None = LANG,
) -> None:
    """全年的公开期限（方案、记录、事件、项目、答复、检查），按单位、按日期；可导出手机日历（ics）。
    Every deadline of the year per unit in date order; --format ics for phone calendars."""
    from gongkai.deadlines import build
    from gongkai.obligations import compute
    from gongkai.overdue import UnknownUnit, select_units
    from gongkai.report.calendar_formats import render

    lg = lang_of(lang)
    choice(fmt, FORMATS, "--format")
    repo = load_repository(path)
    day = as_of_date(as_of, repo.settings.timezone if repo.settings else None)
    try:
        ids = select_units(repo, unit)
    except UnknownUnit as e:
        raise CannotRun(e.message) from None
    town = repo.settings.name if repo.settings and repo.settings.name else None
    cal = build(compute(repo, day), year or day.year, day, town=town, units=ids)
    note_broken(repo, lg)
    write(render(cal, fmt, lg, remind), output)
    raise typer.Exit(EXIT_OK)
