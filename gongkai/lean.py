"""The console entry point, and what commands share without Typer.

`gongkai check` runs as a pre-commit hook, so it must answer before the clerk notices: its usual command lines
(PATH, --as-of, --format, --strict, --no-cache, --jobs, --lang) are parsed here and run without importing Typer
(and the pydantic it brings, about 0.1-0.2 s). Anything else — another command, --help, an option or a value this
parser does not know — goes to the Typer application, which parses and reports exactly as before.

The cyclic garbage collector is off for the whole run: the objects of a run are long-lived and make no cycles that
matter, and a collector pass over a county's objects costs up to a quarter of the time.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gongkai.problem import LANGS, GongkaiError, Msg, msg

EXIT_OK, EXIT_FOUND, EXIT_CANNOT_RUN, EXIT_NOT_DELIVERED = 0, 1, 2, 3


class CannotRun(GongkaiError):
    """The command cannot run at all (bad option, no unit under PATH): exit 2 with this message."""


def lang_of(value: str | None) -> str:
    value = (value or os.environ.get("GONGKAI_LANG") or "zh").lower()
    value = {"cn": "zh", "zh-cn": "zh", "zh_cn": "zh", "en-us": "en", "en_us": "en"}.get(value, value)
    if value not in LANGS:
        raise CannotRun(msg("--lang 只能是 zh 或 en，收到“{v}”", "--lang must be zh or en, got '{v}'", v=value))
    return value


def as_of_date(value: str | None, timezone: str | None) -> dt.date:
    if value is None:
        from gongkai.repo import today_in

        return today_in(timezone)
    if len(value) == 10 and value.isascii() and value[4] == value[7] == "-" and \
            (value[:4] + value[5:7] + value[8:]).isdigit() and 1980 <= int(value[:4]) <= 2099:  # (YEAR_MIN, YEAR_MAX)
        try:  # the usual YYYY-MM-DD, as parse_date reads it, without importing the scalar parsers
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:
            pass  # parse_date says what is wrong
    from gongkai.load.scalars import parse_date

    day, reason = parse_date(value)
    if day is None:
        assert reason is not None
        raise CannotRun(Msg("--as-of：" + reason.zh, "--as-of: " + reason.en))
    return day


_RUN = {"lang": "zh", "quiet": False}  # of the command being run (set by @command): how to say notes on stderr


def note(message: Msg) -> None:
    """One line for people on stderr (never with --quiet): stdout stays machine-clean."""
    if _RUN["quiet"]:
        return
    say(message, str(_RUN["lang"]))


def discover_units(path: Path, listing: bool = False, lean: bool = False):  # type: ignore[no-untyped-def]
    """The layout of PATH (settings and unit folders), or why it holds no unit (exit 2); with `listing`, the
    entries of the folders walked are kept (Layout.listing, for the results cache of check).

    Run inside a unit (or a sub-folder of one, such as records/2024) PATH holds no unit: the repository is then
    found upward as git finds .git, and stderr says which folder is used (paths in the output are relative to
    it). stderr also names the settings file used when it is not PATH's own gongkai.yaml but one above it."""
    from gongkai.repo import SETTINGS_FILE, discover, find_root, settings_outside

    if not path.exists():
        raise CannotRun(msg("找不到文件夹“{p}”", "folder '{p}' does not exist", p=path))
    if not path.is_dir():
        raise CannotRun(msg("“{p}”不是文件夹：请给出仓库或单位所在的文件夹", "'{p}' is not a folder: give the repository or unit folder", p=path))
    layout = discover(path, listing, lean)
    if not layout.unit_dirs:
        above = find_root(path)
        if above is not None:
            note(msg("“{p}”里没有单位，使用上级文件夹 {r}（{a}）；输出中的路径相对于它",
                     "no unit in '{p}': using the folder above, {r} ({a}); paths in the output are relative to it",
                     p=path, r=os.path.relpath(above), a=above))
            layout = discover(above, listing, lean)
    if not layout.unit_dirs:
        raise CannotRun(msg(
            "“{p}”下没有找到任何单位。一个单位（村或社区）是含有 unit.yaml 的文件夹；"
            "用 gongkai init 文件夹 --name 东庄村 --kind village 新建一个",
            "no unit found under '{p}'. A unit (village or community) is a folder holding unit.yaml; "
            "create one with: gongkai init DIR --name NAME --kind village", p=path))
    if layout.settings_path is not None and layout.settings_path != SETTINGS_FILE:  # found above PATH: say so
        used = layout.settings is not None
        note(msg("使用设置文件 {s}", "using settings {s}", s=layout.settings_path) if used else
             msg("设置文件 {s} 没有用上（有错误，见 gongkai check）", "settings {s} not used (it has errors, see gongkai check)",
                 s=layout.settings_path))
    outside = settings_outside(layout.root) if layout.settings_path is None else None
    if outside is not None:
        note(msg("没有读取上级文件夹的 {s}：“{p}”不在 git 仓库里，只读它自己的 gongkai.yaml。要用这个设置，请在它所在的文件夹"
                 "运行，或把仓库放进 git（git init）", "{s} above is not read: '{p}' is in no git repository, so only its own "
                 "gongkai.yaml is. Run in that folder to use it, or put the repository in git (git init)",
                 s=os.path.relpath(outside, layout.root), p=layout.root))
    return layout


def say(message: Msg, lang: str) -> None:
    """One line on stderr: `gongkai：message`."""
    from gongkai.report.safe import visible  # a path or a name in the message: one line, no terminal sequence

    sys.stderr.write(("gongkai: " if lang == "en" else "gongkai：") + visible(message.get(lang)) + "\n")
    sys.stderr.flush()


def internal_error(e: Exception) -> Msg:
    return msg("内部错误（{e}：{d}）：这是 gongkai 的缺陷，请报告；设置环境变量 GONGKAI_DEBUG=1 可看到详细信息",
               "internal error ({e}: {d}): this is a bug in gongkai, please report it; set GONGKAI_DEBUG=1 "
               "for the details", e=type(e).__name__, d=e)


def run_check(path: Path, as_of: str | None, fmt: str, strict: bool, no_cache: bool, jobs: int | None,
              lang: str | None) -> int:
    """`gongkai check`: print the findings (text or json) and return the exit code."""
    from gongkai import walk

    walk.start(str(path), not no_cache)  # the C search of PATH goes on while the modules are imported
    from gongkai import progress
    from gongkai.check import check_layout
    from gongkai.report import check as report

    language = lang_of(lang)
    layout = discover_units(path, listing=not no_cache, lean=not no_cache)
    day = as_of_date(as_of, layout.settings.timezone if layout.settings else None)
    if progress.wanted(fmt == "json"):
        label = "检查" if language == "zh" else "checking"
        with progress.Bar(label) as bar:
            result = check_layout(layout, day, use_cache=not no_cache, jobs=jobs, progress=bar)
    else:
        result = check_layout(layout, day, use_cache=not no_cache, jobs=jobs)
    if fmt == "json":
        sys.stdout.write(report.as_json(result, language))
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        sys.stdout.write(report.text(result, language, color))
    bad = {"error", "warning"} if strict else {"error"}
    return EXIT_FOUND if any(p.severity in bad for p in result.problems) else EXIT_OK


_CHECK_VALUES = {"--as-of": "as_of", "--format": "fmt", "-f": "fmt", "--jobs": "jobs", "-j": "jobs", "--lang": "lang"}
_CHECK_FLAGS = {"--strict": "strict", "--no-cache": "no_cache"}


def scan_args(args: list[str], flags: dict[str, str], values: dict[str, str], out: dict[str, Any]) -> bool:
    """Fill `out` from a command's ARGS: each flag (`flags`: option → key) True, each option with a value
    (`--as-of 2024-12-31` or `--as-of=2024-12-31`; `values`: option → key) its value, and one PATH (`out["path"]`).
    False for anything left to Typer: --help, --, an unknown option, a missing value or a second PATH."""
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg in flags:
            out[flags[arg]] = True
            continue
        name, value = arg, None
        if arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
        if name in values:
            if value is None:
                if i >= len(args):
                    return False
                value = args[i]
                i += 1
            out[values[name]] = value
            continue
        if arg.startswith("-") or out["path"] is not None:
            return False
        out["path"] = arg
    return True


def parse_check(args: list[str]) -> dict[str, Any] | None:
    """The arguments of `gongkai check` as run_check takes them, or None for anything this parser leaves to Typer
    (help, unknown options, values Typer would refuse): Typer then parses and reports as it always has."""
    out: dict[str, Any] = {"path": None, "as_of": None, "fmt": "text", "strict": False, "no_cache": False,
                           "jobs": None, "lang": None}
    if not scan_args(args, _CHECK_FLAGS, _CHECK_VALUES, out):
        return None
    if out["fmt"] not in ("text", "json"):
        return None
    if out["jobs"] is not None:
        if not (out["jobs"].isascii() and out["jobs"].isdigit()) or int(out["jobs"]) < 1:
            return None
        out["jobs"] = int(out["jobs"])
    if out["lang"] is None:
        out["lang"] = os.environ.get("GONGKAI_LANG")  # as Typer's envvar does
    out["path"] = Path(out["path"] if out["path"] is not None else ".")
    return out


def lean_check(args: list[str]) -> int | None:
    """Run `gongkai check ARGS` without Typer; None when the arguments are left to Typer."""
    return run_lean(parse_check, run_check, args)


def run_lean(parse: Callable[[list[str]], dict[str, Any] | None], run: Callable[..., int],
             args: list[str]) -> int | None:
    """Parse a command's ARGS with `parse` and run `run` on them without Typer, as Typer would (a GongkaiError is
    said on stderr, exit 2; anything else is an internal error); None when `parse` leaves the arguments to Typer."""
    parsed = parse(args)
    if parsed is None:
        return None
    try:
        lang = lang_of(parsed["lang"])
    except CannotRun:
        lang = "zh"
    _RUN["lang"], _RUN["quiet"] = lang, False
    try:
        return run(**parsed)
    except GongkaiError as e:
        say(e.message, lang)
        return EXIT_CANNOT_RUN
    except Exception as e:
        if os.environ.get("GONGKAI_DEBUG"):
            raise
        say(internal_error(e), lang)
        return EXIT_CANNOT_RUN


def main() -> None:
    gc.disable()  # see the module's docstring; worker processes inherit it
    args = sys.argv[1:]
    if args[:1] == ["check"] or args[:1] == ["render"]:  # their usual command lines run without Typer
        if args[0] == "check":
            lean = lean_check
        else:
            from gongkai.lean_render import lean_render as lean
        try:
            code = lean(args[1:])
        except KeyboardInterrupt:
            sys.stderr.write("gongkai：已中断 / interrupted\n")
            raise SystemExit(130) from None
        if code is not None:
            sys.stdout.flush()
            raise SystemExit(code)
    from gongkai.cli import main as typer_main

    typer_main()
