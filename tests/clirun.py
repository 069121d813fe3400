"""`gongkai check` through Typer's runner, for tests that assert the exit code with the findings."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import gongkai.cli  # noqa: F401  (registers the commands)
from gongkai.cli.app import app

runner = CliRunner()


def check(root: Path, as_of: str, *extra: str):  # type: ignore[no-untyped-def]
    """(exit code, the problem lines of stdout)."""
    r = runner.invoke(app, ["check", str(root), "--as-of", as_of, "--no-cache", *extra])
    lines = [line for line in r.stdout.splitlines() if "[" in line and "]" in line and ": " in line]
    return r.exit_code, lines
