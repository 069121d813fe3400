"""`gongkai export register [PATH]` (the register of everything published) and
`gongkai export [PATH] --out FILE.sqlite` (units, obligations, records, evidence, problems as tables).
Exit 0 when written, 2 when it could not be (bad option, no unit, an --out that is not a gongkai export)."""

from __future__ import annotations

from pathlib import Path

import typer

from gongkai.cli.app import app
from gongkai.cli.common import (
    AS_OF,
    EXIT_OK,
    LANG,
    CannotRun,
    as_of_date,
    command,
    lang_of,
    load_repository,
    say,
)
from gongkai.cli.output import note_broken, write
from gongkai.problem import msg

REGISTER = "register"


@app.command()
@command
def export(
    target: list[str] | None = typer.Argument(
        None, metavar="[register] [PATH]", show_default=False,
        help="register：公开记录登记册；不写：整个仓库导出为数据库。PATH：仓库或单位所在的文件夹（默认：当前文件夹） / "
             "'register' for the register of records; otherwise the whole repository as tables"),
    year: int | None = typer.Option(
        None, "--year", min=1900, max=2999,
        help="只导出这一年的记录（按期间，没有期间按公开日期）和义务（按到期日）；不写：全部年份 / "
             "only this year's records (by period, else publication date) and obligations (by due date); default: all"),
    as_of: str | None = AS_OF,
    fmt: str | None = typer.Option(
        None, "--format", "-f", metavar="FORMAT",
        help="register：csv（默认，UTF-8 带 BOM）| json；数据库：sqlite（默认）| csv（每张表一个 CSV 文件，写入 --out 文件夹）"),
    out: Path | None = typer.Option(
        None, "--out", "-o", metavar="FILE",
        help="写到哪里：数据库必填（FILE.sqlite，或 --format csv 时的文件夹）；登记册默认输出到屏幕。"
             "只会覆盖 gongkai 以前导出的文件 / where to write; only an earlier gongkai export is replaced"),
    lang: str | None = LANG,
) -> None:
    """导出：公开记录登记册（register，csv/json），或把单位、义务、记录、证据、问题导出为 SQLite 数据库或 CSV。
    Export the register of records, or units, obligations, records, evidence and problems as SQLite or CSV."""
    from gongkai import export as ex
    from gongkai.check import run

    lg = lang_of(lang)
    args = list(target or [])
    what = "database"
    if args and args[0] == REGISTER:
        what = "register"
        args = args[1:]
    if len(args) > 1:
        raise CannotRun(msg("多余的参数：{a}。用法：gongkai export [register] [PATH]",
                            "unexpected arguments: {a}. Usage: gongkai export [register] [PATH]", a=" ".join(args[1:])))
    path = Path(args[0]) if args else Path(".")
    allowed = ("csv", "json") if what == "register" else ("sqlite", "csv")
    fmt = fmt or allowed[0]
    if fmt not in allowed:
        raise CannotRun(msg("--format：{w}只能是 {f}，收到“{v}”", "--format: {we} takes {f}, got '{v}'",
                            w="登记册" if what == "register" else "数据库导出", we=what, f=" | ".join(allowed), v=fmt))
    if what == "database" and out is None:
        raise CannotRun(msg("请用 --out 指定写到哪里，如 --out 花园口镇.sqlite（--format csv 时是一个文件夹）",
                            "give --out, e.g. --out town.sqlite (a folder with --format csv)"))
    repo = load_repository(path)
    day = as_of_date(as_of, repo.settings.timezone if repo.settings else None)
    note_broken(repo, lg)
    try:
        if what == "register":
            from gongkai.report.register_formats import is_register, render

            text = render(ex.register(repo, day, year), fmt, lg, day, year)
            if out is None:
                write(text, None)
            else:
                ex.write_text_file(out, text, is_register)
        else:
            data = ex.tables(repo, run(repo, day), year, lg)
            if fmt == "sqlite":
                ex.write_sqlite(out, data)  # type: ignore[arg-type]
            else:
                ex.write_csv_folder(out, data)  # type: ignore[arg-type]
            say(msg("已写入 {p}：{u} 个单位，{o} 项义务，{r} 条记录，{q} 个问题",
                    "wrote {p}: {u} units, {o} obligations, {r} records, {q} problems", p=out, u=len(data["units"]),
                    o=len(data["obligations"]), r=len(data["records"]), q=len(data["problems"])), lg)
    except ex.ExportError as e:
        raise CannotRun(e.message) from None
    raise typer.Exit(EXIT_OK)
