"""gongkai catalog"""

from __future__ import annotations

import json
import sys
from enum import Enum

import typer

from gongkai.cli.app import app
from gongkai.cli.common import LANG, command, lang_of


class Kind(str, Enum):
    village = "village"
    community = "community"


class CatalogFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
@command
def catalog(
    kind: Kind = typer.Option(None, "--kind", help="village（村）或 community（社区）；不写则两个都列出"),
    format: CatalogFormat = typer.Option(CatalogFormat.table, "--format", help="table（默认）或 json"),
    lang: str = LANG,
) -> None:
    """列出内置的公开事项参考目录。Show the bundled reference catalogs."""
    from gongkai import catalog as cat

    language = lang_of(lang)
    kinds = [kind.value] if kind else list(cat.KINDS)
    catalogs = [cat.load(k) for k in kinds]
    if format is CatalogFormat.json:
        items = [i.as_json() for c in catalogs for i in c.items]
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=False)
    for c in catalogs:
        zh = language == "zh"
        table = Table(title=c.title if zh else f"{c.kind} catalog", title_justify="left", show_lines=False)
        for head in (("编号", "id"), ("类别", "category"), ("事项", "title"), ("公开时间", "schedule")):
            table.add_column(head[0] if zh else head[1], overflow="fold")
        for i in c.items:
            sched = cat.SCHEDULE_ZH[i.schedule] if zh else i.schedule
            if i.monthly_when_busy:
                sched += "（财务往来较多时每月）" if zh else " (monthly when busy)"
            title = i.title + ("（可选）" if zh and i.optional else " (optional)" if i.optional else "")
            table.add_row(i.id, cat.CATEGORY_ZH[i.category] if zh else i.category, title, sched)
        console.print(table)
