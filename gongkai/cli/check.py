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
    discover_units,
    lang_of,
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
    jobs: int = typer.Option(None, "--jobs", "-j", min=1,
                             help="同时检查几个单位（默认：CPU 核数，单位较多时）/ units checked in parallel (default: CPUs)"),
    lang: str = LANG,
) -> None:
    """检查所有文件：格式、目录、时限、财务、证据、隐私。Check every file against the catalogs and timing rules."""
    from gongkai.check import check_layout
    from gongkai.report import check as report

    language = lang_of(lang)
    layout = discover_units(path)
    day = as_of_date(as_of, layout.settings.timezone if layout.settings else None)
    result = check_layout(layout, day, use_cache=not no_cache, jobs=jobs)
    if format is CheckFormat.json:
        sys.stdout.write(report.as_json(result, language))
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(report.text(result, language, color))
    bad = {"error", "warning"} if strict else {"error"}
    raise typer.Exit(EXIT_FOUND if any(p.severity in bad for p in result.problems) else EXIT_OK)
