"""gongkai check [PATH]"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from gongkai.cli.app import app
from gongkai.cli.common import AS_OF, LANG, PATH_ARG, command


class CheckFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
@command
def check(
    path: Path = PATH_ARG,
    as_of: str = AS_OF,
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text（默认）或 json"),
    strict: bool = typer.Option(False, "--strict", help="有警告也算失败 / fail on warnings too"),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用缓存，重新读取每个文件 / re-read every file"),
    jobs: int = typer.Option(None, "--jobs", "-j", min=1,
                             help="同时检查几个单位（默认：CPU 核数，单位较多时）/ units checked in parallel (default: CPUs)"),
    lang: str = LANG,
) -> None:
    """检查所有文件：格式、目录、时限、财务、证据、隐私。Check every file against the catalogs and timing rules."""
    from gongkai.lean import run_check

    raise typer.Exit(run_check(path, as_of, format.value, strict, no_cache, jobs, lang))
