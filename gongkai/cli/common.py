"""What every command shares: PATH, --as-of, --lang, and turning "cannot run" into exit 2."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import typer

from gongkai.problem import LANGS, GongkaiError, Msg, msg

EXIT_OK, EXIT_FOUND, EXIT_CANNOT_RUN, EXIT_NOT_DELIVERED = 0, 1, 2, 3

PATH_ARG = typer.Argument(Path("."), help="仓库或单位所在的文件夹（默认：当前文件夹） / repository or unit folder", show_default=False)
AS_OF = typer.Option(None, "--as-of", help="按哪一天计算，如 2024-07-15（默认：今天） / the date to judge by (default: today)")
LANG = typer.Option(None, "--lang", envvar="GONGKAI_LANG", help="zh（默认）或 en / message language")
YEAR = typer.Option(None, "--year", min=1900, max=2999, help="哪一年（默认：--as-of 那一年） / the year (default: the --as-of year)")
UNITS = typer.Option(None, "--unit", metavar="ID", help="只看这个单位（文件夹名或单位名称），可重复 / only this unit (repeatable)")
OUTPUT = typer.Option(None, "--output", "-o", metavar="FILE", help="写入文件，而不是屏幕 / write to FILE")


class CannotRun(GongkaiError):
    """The command cannot run at all (bad option, no unit under PATH): exit 2 with this message."""


def lang_of(value: str | None) -> str:
    value = (value or os.environ.get("GONGKAI_LANG") or "zh").lower()
    value = {"cn": "zh", "zh-cn": "zh", "zh_cn": "zh", "en-us": "en", "en_us": "en"}.get(value, value)
    if value not in LANGS:
        raise CannotRun(msg("--lang 只能是 zh 或 en，收到“{v}”", "--lang must be zh or en, got '{v}'", v=value))
    return value


def as_of_date(value: str | None, timezone: str | None) -> dt.date:
    from gongkai.load.scalars import parse_date
    from gongkai.repo import today_in

    if value is None:
        return today_in(timezone)
    day, reason = parse_date(value)
    if day is None:
        assert reason is not None
        raise CannotRun(Msg("--as-of：" + reason.zh, "--as-of: " + reason.en))
    return day


_RUN = {"lang": "zh", "quiet": False}  # of the command being run (set by @command): how to say notes on stderr


def say(message: Msg, lang: str) -> None:
    """One message for people, on stderr: stdout stays machine-clean. A path, a name or a server's answer in it
    can hold anything: shown as one line, with no terminal sequence."""
    from gongkai.report.safe import visible

    sys.stderr.write(("gongkai: " if lang == "en" else "gongkai：") + visible(message.get(lang)) + "\n")
    sys.stderr.flush()


def note(message: Msg) -> None:
    """`say`, in the language of the command being run, never with --quiet."""
    if _RUN["quiet"]:
        return
    say(message, str(_RUN["lang"]))


def discover_units(path: Path):  # type: ignore[no-untyped-def]
    """The layout of PATH (settings and unit folders), or why it holds no unit (exit 2).

    Run inside a unit (or a sub-folder of one, such as records/2024) PATH holds no unit: the repository is then
    found upward as git finds .git, and stderr says which folder is used (paths in the output are relative to
    it). stderr also names the settings file used when it is not PATH's own gongkai.yaml but one above it."""
    from gongkai.repo import SETTINGS_FILE, discover, find_root, settings_outside

    if not path.exists():
        raise CannotRun(msg("找不到文件夹“{p}”", "folder '{p}' does not exist", p=path))
    if not path.is_dir():
        raise CannotRun(msg("“{p}”不是文件夹：请给出仓库或单位所在的文件夹", "'{p}' is not a folder: give the repository or unit folder", p=path))
    layout = discover(path)
    if not layout.unit_dirs:
        above = find_root(path)
        if above is not None:
            note(msg("“{p}”里没有单位，使用上级文件夹 {r}（{a}）；输出中的路径相对于它",
                     "no unit in '{p}': using the folder above, {r} ({a}); paths in the output are relative to it",
                     p=path, r=os.path.relpath(above), a=above))
            layout = discover(above)
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


def load_repository(path: Path, use_cache: bool = False):  # type: ignore[no-untyped-def]
    """Load PATH (unchanged files from the cache with use_cache, see gongkai.cache), or explain why it holds no unit."""
    from gongkai.repo import load_layout

    return load_layout(discover_units(path), use_cache)


def fail(message: Msg, lang: str, code: int = EXIT_CANNOT_RUN) -> typer.Exit:
    say(message, lang)
    return typer.Exit(code)


def command(fn):  # type: ignore[no-untyped-def]
    """Wrap a command so that a GongkaiError not handled by the command becomes one clear line on stderr and
    exit 2, and so does an unexpected failure (a bug), with how to see the details: never a bare traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            lang = lang_of(kwargs.get("lang"))
        except CannotRun:
            lang = "zh"
        _RUN["lang"], _RUN["quiet"] = lang, bool(kwargs.get("quiet")) and bool(kwargs.get("send") or kwargs.get("dry_run"))
        try:
            return fn(*args, **kwargs)
        except GongkaiError as e:
            raise fail(e.message, lang) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception as e:
            if os.environ.get("GONGKAI_DEBUG"):
                raise
            raise fail(msg("内部错误（{e}：{d}）：这是 gongkai 的缺陷，请报告；设置环境变量 GONGKAI_DEBUG=1 可看到详细信息",
                           "internal error ({e}: {d}): this is a bug in gongkai, please report it; set GONGKAI_DEBUG=1 "
                           "for the details", e=type(e).__name__, d=e), lang) from None

    return wrapper
