"""gongkai import table|finance FILE [PATH]"""

from __future__ import annotations

from pathlib import Path

import typer

from gongkai.cli.app import app
from gongkai.cli.common import AS_OF, LANG, as_of_date, command, lang_of, load_repository
from gongkai.report.safe import visible

import_app = typer.Typer(help="从表格（CSV、XLSX）导入记录。Import a record from a spreadsheet (CSV or XLSX).",
                         no_args_is_help=True)
app.add_typer(import_app, name="import")

FILE_ARG = typer.Argument(..., help="CSV 或 XLSX 文件 / the CSV or XLSX file", show_default=False)
REPO_ARG = typer.Argument(Path("."), help="仓库或单位所在的文件夹（默认：当前文件夹） / repository or unit folder",
                          show_default=False)
UNIT = typer.Option(None, "--unit", help="单位（仓库里有几个单位时必填） / the unit, when there are several")
ITEM = typer.Option(..., "--item", help="事项编号，如 village/finance/1 / the catalog item")
PERIOD = typer.Option(None, "--period", help="期间，如 2024-Q2 或 2024-05（默认：刚结束的一期） / the period")
SHEET = typer.Option(None, "--sheet", help="XLSX 的工作表名（默认：第一个） / the XLSX sheet (default: the first)")


def _target(path: Path, unit: str | None, item: str, period: str | None, as_of: str | None):  # type: ignore[no-untyped-def]
    from gongkai import importer, new

    repo = load_repository(path)
    day = as_of_date(as_of, repo.settings.timezone if repo.settings else None)
    return repo, importer.Target(new.pick_unit(repo, unit), item, period, day)


@import_app.command("table")
@command
def table(
    file: Path = FILE_ARG,
    path: Path = REPO_ARG,
    item: str = ITEM,
    period: str = PERIOD,
    unit: str = UNIT,
    title: str = typer.Option(None, "--title", help="表名（默认：表格第一行的标题，或记录标题） / the table's title"),
    sheet: str = SHEET,
    as_of: str = AS_OF,
    lang: str = LANG,
) -> None:
    """把名单、发放表等表格导入为记录的 tables。Import a list (低保名单…) as a record's tables."""
    from gongkai import importer, new

    lang_of(lang)
    repo, target = _target(path, unit, item, period, as_of)
    draft = importer.table_draft(target, importer.read(file, sheet), title)
    typer.echo(visible(new.write(draft, repo.root).as_posix()))  # a folder name may hold ESC or a line break: shown escaped


@import_app.command("finance")
@command
def finance(
    file: Path = FILE_ARG,
    path: Path = REPO_ARG,
    item: str = ITEM,
    period: str = PERIOD,
    unit: str = UNIT,
    map_: str = typer.Option(None, "--map", help="指定列：name=摘要,income=收入,expense=支出 或 amount=金额,type=收支类型"
                             "（表头或列字母） / which column is which"),
    opening: str = typer.Option(None, "--opening", help="期初余额（没有上一期记录、表里也没有期初余额时） / the opening "
                                "balance, when there is no previous statement"),
    sheet: str = SHEET,
    as_of: str = AS_OF,
    lang: str = LANG,
) -> None:
    """把收支明细表导入为平衡的财务收支记录。Import income and expense lines as a balanced finance record."""
    from gongkai import importer, new

    lang_of(lang)
    repo, target = _target(path, unit, item, period, as_of)
    draft = importer.finance_draft(target, importer.read(file, sheet), importer.parse_map(map_),
                                   importer.parse_opening(opening))
    typer.echo(visible(new.write(draft, repo.root).as_posix()))  # a folder name may hold ESC or a line break: shown escaped
