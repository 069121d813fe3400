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
    villagers: int = typer.Option(None, "--villagers", min=1, help="登记村（居）民人数"),
    representatives: int = typer.Option(None, "--representatives", min=1, help="村（居）民代表人数"),
    clerk: str = typer.Option(None, "--clerk", help="文书姓名（逾期提醒里的默认责任人）"),
    phone: str = typer.Option(None, "--phone", help="监督电话，印在每张公开栏版面上，如 0371-62345678"),
    lang: str = LANG,
) -> None:
    """新建一个单位：unit.yaml 和列出全部目录事项的年度方案。Create a unit with a plan listing every catalog item."""
    from gongkai.scaffold import write_unit

    language = lang_of(lang)
    kinds = {"village": "village", "村": "village", "community": "community", "社区": "community"}
    if kind not in kinds:
        raise CannotRun(msg("--kind 只能是 village（村）或 community（社区），收到“{k}”",
                            "--kind must be village or community, got '{k}'", k=kind))
    for option, value in (("--name", name), ("--town", town), ("--clerk", clerk), ("--phone", phone)):
        if value is not None and not value.strip():
            raise CannotRun(msg("{o} 不能为空", "{o} must not be empty", o=option))
        if value is not None and any("\ud800" <= ch <= "\udfff" for ch in value):
            raise CannotRun(msg("{o} 含有无法识别的字符（终端编码不是 UTF-8？）：请重新输入",
                                "{o} holds bytes that are not UTF-8: type it again", o=option))
    if (directory / "unit.yaml").exists():
        raise CannotRun(msg("{d} 里已经有 unit.yaml：不会覆盖已有的单位", "{d} already holds unit.yaml: an existing unit is never "
                            "overwritten", d=directory))
    written = write_unit(directory, name=name, kind=kinds[kind], year=year or dt.date.today().year, town=town,
                         finance_monthly=finance_monthly, villagers=villagers, representatives=representatives,
                         clerk=clerk, phone=phone)
    for path in written:
        typer.echo(("已创建 " if language == "zh" else "created ") + path.as_posix())
    typer.echo("下一步：填写 unit.yaml 和方案里的日期，然后运行 gongkai check " + directory.as_posix() if language == "zh"
               else "next: fill in the dates in unit.yaml and the plan, then run gongkai check " + directory.as_posix())
    left = [o for o, v in (("--town", town), ("--villagers", villagers), ("--representatives", representatives),
                           ("--clerk", clerk), ("--phone", phone)) if v is None]
    if left:
        typer.echo(("unit.yaml 里还有占位值（check 会提示“请填写”），可用 " if language == "zh"
                    else "unit.yaml still holds placeholders (check says 'fill in'); give ") + " ".join(left))
