"""gongkai schema"""

from __future__ import annotations

from pathlib import Path

import typer

from gongkai.cli.app import app
from gongkai.cli.catalog import Kind
from gongkai.cli.common import LANG, command, lang_of


@app.command()
@command
def schema(
    out: Path = typer.Option(None, "--out", help="写到哪个文件夹（默认：仓库根目录下的 .gongkai/schemas） / "
                             "folder to write to (default: .gongkai/schemas at the repository root)"),
    kind: Kind = typer.Option(None, "--kind", help="只接受这一类目录编号：village 或 community（默认两者） / "
                              "accept only this catalog's ids"),
    lang: str = LANG,
) -> None:
    """写出各类文件的 JSON Schema，供编辑器补全和标红。Write JSON Schemas of every file type for editors."""
    from gongkai import catalog, schemas

    language = lang_of(lang)
    folder = out if out is not None else schemas.home(Path(".")) / schemas.HOME
    kinds = (kind.value,) if kind else catalog.KINDS
    for path in schemas.write_all(folder, kinds):
        typer.echo(("已写出 " if language == "zh" else "wrote ") + path.as_posix())
