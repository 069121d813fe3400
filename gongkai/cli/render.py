"""gongkai render [PATH] --out DIR"""

from __future__ import annotations

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
    CannotRun,
    as_of_date,
    command,
    discover_units,
    lang_of,
    load_repository,
    say,
)
from gongkai.cli.output import broken_note, note_broken
from gongkai.problem import Msg, msg
from gongkai.report.safe import visible


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
    from gongkai.render import Options, RenderError, render_layout
    from gongkai.render import render as run

    language = lang_of(lang)
    formats = ("html", "md") if format is RenderFormat.all else (format.value,)
    repo = None
    try:
        if unit is None:  # every unit: each loaded, checked (or its results taken from the cache) and rendered alone
            layout = discover_units(path)
            day = as_of_date(as_of, layout.settings.timezone if layout.settings else None)
            result = render_layout(layout, Options(out=out, as_of=day, formats=formats, period=period,
                                                   paper=paper.value, force=force), not no_cache, jobs)
        else:  # one unit, found by its folder or its name: every unit is loaded to know the names
            repo = load_repository(path)
            day = as_of_date(as_of, repo.settings.timezone if repo.settings else None)
            result = run(repo, Options(out=out, as_of=day, formats=formats, period=period, unit=unit,
                                       paper=paper.value, force=force))
    except RenderError as e:
        raise CannotRun(Msg(visible(e.message.zh), visible(e.message.en))) from None
    for w in result.warnings:
        say(w, language)
    for w in result.withheld:
        sys.stderr.write(visible(withheld_line(w, language)) + "\n")
    if repo is not None:
        note_broken(repo, language)
    elif result.broken:
        say(broken_note(result.broken), language)
    for sheet in result.sheets:
        sys.stdout.write(str(out / sheet) + "\n")
    done = msg("已生成 {n} 个文件（{c} 个有变化）到 {o}；公开栏版面 {s} 份",
               "rendered {n} files ({c} changed) into {o}; {s} board sheets",
               n=len(result.files), c=len(result.changed), o=out, s=len({f.rsplit('.', 1)[0] for f in result.sheets}))
    say(done, language)
    raise typer.Exit(EXIT_FOUND if result.blocked else EXIT_OK)


def withheld_line(w, language: str) -> str:  # type: ignore[no-untyped-def]
    """One line for a record left out (or printed marked, with --force): path:line: code message (what now)."""
    p = w.problem
    where = w.path + (f":{p.line}" if p.line else "")
    text = " ".join(p.message.get(language).split())
    more = msg("（另有 {n} 处错误）", " ({n} more errors)", n=w.count - 1).get(language) if w.count > 1 else ""
    if w.whole_unit and w.forced:
        what = msg("已按 --force 印出本单位各页，均标明“未通过检查”",
                   "the unit's pages printed because of --force, each marked 未通过检查")
    elif w.whole_unit:
        what = msg("本单位的公开栏和页面都未印出（表头、类别、监督电话取自 unit.yaml）：改正后重新生成，"
                   "或用 gongkai render --force 印出并标明“未通过检查”",
                   "none of the unit's sheets and pages is printed (masthead, categories and supervision phone "
                   "come from unit.yaml): fix it and render again, or print them marked 未通过检查 with --force")
    elif w.forced:
        what = msg("已按 --force 印出，标明“未通过检查”", "printed because of --force, marked 未通过检查")
    # what --force cannot print is never offered it: a record with no readable date belongs on no sheet, a file
    # that could not be read (or leads outside the repository) holds nothing to print
    elif w.undated:
        what = msg("未印出：没有可读的公开日期，不属于任何一期公开栏（--force 也不能印出）：写上公开日期（如 2024-07-05）后重新生成",
                   "not printed: it has no readable publication date, so it belongs on no board sheet (--force cannot "
                   "print it either): write its publication date (e.g. 2024-07-05) and render again")
    elif w.unreadable:
        what = msg("未印出：文件没有读取或在仓库以外，没有可印的内容（--force 也不能印出）：按上面的说明改正后重新生成",
                   "not printed: the file was not read or lies outside the repository, so there is nothing to print "
                   "(--force cannot print it either): fix it as said above and render again")
    else:
        what = msg("未印出：改正后重新生成，或用 gongkai render --force 印出并标明“未通过检查”",
                   "not printed: fix it and render again, or print it marked 未通过检查 with --force")
    sep = "；" if language == "zh" else "; "
    return f"{where}: {p.code} {text}{more}{sep}{what.get(language)}"
