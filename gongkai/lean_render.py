"""`gongkai render` without Typer: the command's body (`run_render`, which the Typer command calls too), and the
lean path of its usual command lines.

A county's nightly render starts one interpreter: Typer and the pydantic it brings cost that interpreter about
0.1-0.2 s before the first unit is read. The usual command lines (PATH, --out/-o, --format, --period, --unit, --paper,
--force, --no-cache, --jobs/-j, --as-of, --lang) are parsed here, as `gongkai check`'s are in gongkai.lean; anything
else — --help, an option or a value this parser does not know, a value Typer would refuse — goes to the Typer
application, which parses and reports exactly as before. Both run the same `run_render`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from gongkai.lean import EXIT_FOUND, EXIT_OK, CannotRun, lang_of, run_lean, say, scan_args
from gongkai.problem import Msg, msg

FORMATS = {"html": ("html",), "md": ("md",), "all": ("html", "md")}  # --format → the formats rendered
PAPERS = ("a4", "a3")


def note_broken(repo: Any, lang: str) -> None:
    """Files that failed to load hold obligations and records that are missing from the figures: say so."""
    broken = repo.files_with_errors()
    if broken:
        say(broken_note(broken), lang)


def broken_note(n: int) -> Msg:
    return msg("注意：有 {n} 个文件有错误，其中的内容可能没有算进来；运行 gongkai check 查看",
               "note: {n} files have errors and what they hold may be missing here; run gongkai check", n=n)


def run_render(path: Path, out: Path, formats: tuple[str, ...], period: str | None, unit: str | None, paper: str,
               force: bool, no_cache: bool, jobs: int | None, as_of: str | None, lang: str | None) -> int:
    """`gongkai render`: render, report on stderr (the sheets written on stdout), return the exit code. A RenderError
    becomes CannotRun (exit 2, said by the caller)."""
    if unit is None:  # the C search of PATH, with each unit's walk for the results cache, goes on during the imports
        from gongkai import walk

        walk.start(str(path), not no_cache)
    from gongkai.lean import as_of_date, discover_units
    from gongkai.render import Options, RenderError, render_layout
    from gongkai.render import render as run
    from gongkai.report.safe import visible

    language = lang_of(lang)
    repo = None
    try:
        if unit is None:  # every unit: each loaded, checked (or its results taken from the cache) and rendered alone
            layout = discover_units(path, listing=not no_cache)  # (each unit's walk kept: its results key)
            day = as_of_date(as_of, layout.settings.timezone if layout.settings else None)
            options = Options(out=out, as_of=day, formats=formats, period=period, paper=paper, force=force)
            from gongkai import progress

            if progress.wanted(False):  # a bar on a terminal only (see gongkai.progress): the sheets go to stdout
                with progress.Bar("生成" if language == "zh" else "rendering") as bar:
                    result = render_layout(layout, options, not no_cache, jobs, bar)
            else:
                result = render_layout(layout, options, not no_cache, jobs)
        else:  # one unit, found by its folder or its name: every unit is loaded to know the names
            from gongkai.repo import load_layout

            repo = load_layout(discover_units(path), False)
            day = as_of_date(as_of, repo.settings.timezone if repo.settings else None)
            result = run(repo, Options(out=out, as_of=day, formats=formats, period=period, unit=unit,
                                       paper=paper, force=force))
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
    return EXIT_FOUND if result.blocked else EXIT_OK


def withheld_line(w: Any, language: str) -> str:
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


_VALUES = {"--out": "out", "-o": "out", "--format": "format", "--period": "period", "--unit": "unit",
           "--paper": "paper", "--jobs": "jobs", "-j": "jobs", "--as-of": "as_of", "--lang": "lang"}
_FLAGS = {"--force": "force", "--no-cache": "no_cache"}


def parse_render(args: list[str]) -> dict[str, Any] | None:
    """The arguments of `gongkai render` as run_render takes them, or None for anything this parser leaves to Typer
    (help, unknown options, values Typer would refuse): Typer then parses and reports as it always has."""
    got: dict[str, Any] = {"path": None, "out": "_site", "format": "html", "period": None, "unit": None,
                           "paper": "a4", "force": False, "no_cache": False, "jobs": None, "as_of": None, "lang": None}
    if not scan_args(args, _FLAGS, _VALUES, got):
        return None
    if got["format"] not in FORMATS or got["paper"] not in PAPERS:
        return None
    jobs = got["jobs"]
    if jobs is not None:
        if not (jobs.isascii() and jobs.isdigit()) or int(jobs) < 1:
            return None
        jobs = int(jobs)
    lang = got["lang"] if got["lang"] is not None else os.environ.get("GONGKAI_LANG")  # as Typer's envvar does
    return {"path": Path(got["path"] if got["path"] is not None else "."), "out": Path(got["out"]),
            "formats": FORMATS[got["format"]], "period": got["period"], "unit": got["unit"], "paper": got["paper"],
            "force": got["force"], "no_cache": got["no_cache"], "jobs": jobs, "as_of": got["as_of"], "lang": lang}


def lean_render(args: list[str]) -> int | None:
    """Run `gongkai render ARGS` without Typer; None when the arguments are left to Typer."""
    return run_lean(parse_render, run_render, args)
