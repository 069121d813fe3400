"""Every command and every option has help text and is documented in the README (after sqlite-utils' test_docs)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

import gongkai.cli  # noqa: F401 - registers the commands
from gongkai.cli.app import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
GROUP = typer.main.get_command(app)
COMMANDS = sorted(GROUP.commands.items())  # type: ignore[attr-defined]


@pytest.mark.parametrize("name, cmd", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_command_documented(name: str, cmd) -> None:  # type: ignore[no-untyped-def]
    assert cmd.help, f"{name} has no help"
    assert f"gongkai {name}" in README, f"README does not show `gongkai {name}`"
    for param in cmd.params:
        if param.param_type_name == "option":
            assert param.help, f"{name} {param.opts} has no help"
            assert any(opt in README for opt in param.opts if opt.startswith("--")), \
                f"README does not document {name} {param.opts[0]}"


def test_all_commands_present() -> None:
    assert {n for n, _ in COMMANDS} >= {"check", "overdue", "render", "catalog", "init"}


def test_pre_commit_hook_runs_a_real_command() -> None:
    import yaml

    hooks = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "gongkai-check" and hook["language"] == "python" and hook["pass_filenames"] is False
    program, command = hook["entry"].split()
    assert program == "gongkai" and command in dict(COMMANDS)
    assert hook["id"] in README
