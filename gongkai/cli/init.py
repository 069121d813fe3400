"""gongkai init DIR"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from gongkai.cli.app import app
from gongkai.cli.common import LANG, CannotRun, command, lang_of
from gongkai.problem import msg


@app.command()
@command
def init(
    directory: Path = typer.Argument(..., help="新单位的文件夹 / folder of the new unit"),
    name: str = typer.Option(..., "--name", help="村（社区）名称，如 东庄村"),
    kind: str = typer.Option(..., "--kind", help="village（村）或 community（社区）"),
    year: int = typer.Option(None, "--year", help="方案年度（默认：今年）"),
    town: str = typer.Option(None, "--town", help="所属乡镇"),
    finance_monthly: bool = typer.Option(False, "--finance-monthly", help="财务往来较多：收支每月公开"),
    lang: str = LANG,
) -> None:
    """新建一个单位：unit.yaml 和列出全部目录事项的年度方案。Create a unit with a plan listing every catalog item."""
    from gongkai.scaffold import write_unit

    language = lang_of(lang)
    kinds = {"village": "village", "村": "village", "community": "community", "社区": "community"}
    if kind not in kinds:
        raise CannotRun(msg("--kind 只能是 village（村）或 community（社区），收到“{k}”",
                            "--kind must be village or community, got '{k}'", k=kind))
    if (directory / "unit.yaml").exists():
        raise CannotRun(msg("{d} 里已经有 unit.yaml：不会覆盖已有的单位", "{d} already holds unit.yaml: an existing unit is never "
                            "overwritten", d=directory))
    written = write_unit(directory, name=name, kind=kinds[kind], year=year or dt.date.today().year, town=town,
                         finance_monthly=finance_monthly)
    for path in written:
        typer.echo(("已创建 " if language == "zh" else "created ") + path.as_posix())
    typer.echo("下一步：填写 unit.yaml 和方案里的日期，然后运行 gongkai check " + directory.as_posix() if language == "zh"
               else "next: fill in the dates in unit.yaml and the plan, then run gongkai check " + directory.as_posix())
