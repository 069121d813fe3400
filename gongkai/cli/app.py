"""The Typer application; command modules register themselves on it."""

from __future__ import annotations

import typer

from gongkai import __version__

app = typer.Typer(
    name="gongkai",
    help="村（居）务公开：检查、打印公开栏、逾期提醒。Village and community affairs disclosure: check, render, remind.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gongkai {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="显示版本 / show the version"),
) -> None:
    """村（居）务公开：检查、打印公开栏、逾期提醒。Village and community affairs disclosure: check, render, remind."""
