"""gongkai render [PATH] --out DIR"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from gongkai.cli.app import app
from gongkai.cli.common import AS_OF, LANG, PATH_ARG, command


class RenderFormat(str, Enum):
    html = "html"
    md = "md"
    all = "all"


class Paper(str, Enum):
    a4 = "a4"
    a3 = "a3"


@app.command()
@command
def render(
    path: Path = PATH_ARG,
    out: Path = typer.Option(Path("_site"), "--out", "-o",
                             help="输出文件夹（默认 _site）；不会写到它以外 / output folder; nothing is written outside it"),
    format: RenderFormat = typer.Option(RenderFormat.html, "--format",
                                        help="html（打印、网站，默认）、md（微信、Gitee）或 all / html, md or all"),
    period: str = typer.Option(None, "--period",
                               help="只出这一期的公开栏版面，如 2024-Q2，或 2024 全年 / only this quarter's (or year's) sheets"),
    unit: str = typer.Option(None, "--unit", help="只出这个村（社区），写文件夹名或名称 / only this unit (folder or name)"),
    paper: Paper = typer.Option(Paper.a4, "--paper", help="a4（默认，纵向）或 a3 / paper size for printing"),
    force: bool = typer.Option(False, "--force",
                               help="文件有错误的记录也印出，并标明“未通过检查” / print records whose files have errors, "
                                    "marked 未通过检查"),
    no_cache: bool = typer.Option(False, "--no-cache",
                                  help="不用检查结果缓存，每个单位都重新检查 / check every unit afresh, without the "
                                       "results cache"),
    jobs: int = typer.Option(None, "--jobs", "-j", min=1,
                             help="同时用几个进程（默认：每个 CPU 一个） / worker processes (default: one per CPU)"),
    as_of: str = AS_OF,
    lang: str = LANG,
) -> None:
    """打印公开栏版面、逐件公开页和公开网站。Render bulletin-board sheets, one page per record, and the site index."""
    from gongkai.lean_render import FORMATS, run_render

    raise typer.Exit(run_render(path, out, FORMATS[format.value], period, unit, paper.value, force, no_cache, jobs,
                                as_of, lang))

