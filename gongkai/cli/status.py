"""`gongkai status`: the town view of one year — per unit, what was due, done on time, late, overdue; plan,
finance and board figures; a town total. Exit 0 when the report was made, 2 when it could not be."""

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
    YEAR,
    as_of_date,
    command,
    lang_of,
    load_repository,
)
from gongkai.cli.output import choice, note_broken, write

FORMATS = ("table", "csv", "json", "html")


@app.command()
@command
def status(
    path: Path = PATH_ARG,
    year: int | None = YEAR,
    as_of: str | None = AS_OF,
    fmt: str = typer.Option("table", "--format", "-f", metavar="FORMAT",
                            help="table（默认）| csv（UTF-8 带 BOM，Excel 可直接打开）| json | html（一页热力图，A4 横向打印）"),
    by: str = typer.Option("month", "--by", metavar="month|quarter",
                           help="html 热力图按月（默认）或按季度分列 / heatmap columns: month or quarter"),
    output: Path | None = OUTPUT,
    lang: str | None = LANG,
) -> None:
    """各单位全年公开情况：按时、迟办、逾期、方案、收支、答复、公开栏检查和按时率，附全镇合计。
    The year per unit: obligations due, on time, late, overdue; plan, finance, answers, inspection; a town total."""
    from gongkai.check import run
    from gongkai.report.status_formats import render
    from gongkai.status import build

    lg = lang_of(lang)
    choice(fmt, FORMATS, "--format")
    choice(by, ("month", "quarter"), "--by")
    repo = load_repository(path)
    day = as_of_date(as_of, repo.settings.timezone if repo.settings else None)
    result = run(repo, day)
    town = repo.settings.name if repo.settings and repo.settings.name else None
    report = build(result, year or day.year, town=town, columns=by)
    note_broken(repo, lg)
    write(render(report, fmt, lg), output)
    raise typer.Exit(EXIT_OK)
