"""gongkai check [PATH]"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path

import typer

from gongkai.cli.app import app
from gongkai.cli.common import (
    AS_OF,
    EXIT_FOUND,
    EXIT_OK,
    LANG,
    PATH_ARG,
    as_of_date,
    command,
    lang_of,
    load_repository,
)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
@command
def check(
    path: Path = PATH_ARG,
    as_of: str = AS_OF,
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", help="text（默认）或 json"),
    strict: bool = typer.Option(False, "--strict", help="有警告也算失败 / fail on warnings too"),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用缓存，重新读取每个文件 / re-read every file"),
    lang: str = LANG,
) -> None:
    """检查所有文件：格式、目录、时限、财务、证据、隐私。Check every file against the catalogs and timing rules."""
    from gongkai.check import run
    from gongkai.report import check as report

    language = lang_of(lang)
    repo = load_repository(path, use_cache=not no_cache)
    result = run(repo, as_of_date(as_of, repo.settings.timezone if repo.settings else None))
    if format is CheckFormat.json:
        sys.stdout.write(report.as_json(result, language))
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(report.text(result, language, color))
    bad = {"error", "warning"} if strict else {"error"}
    raise typer.Exit(EXIT_FOUND if any(p.severity in bad for p in result.problems) else EXIT_OK)
