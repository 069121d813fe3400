"""The code base stays lint-clean (ruff) and type-clean (mypy), as configured in pyproject.toml."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tool(name: str, *args: str) -> subprocess.CompletedProcess:
    if shutil.which(name) is None and subprocess.run([sys.executable, "-m", name, "--version"],
                                                      capture_output=True).returncode != 0:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]' installs it)")
    return subprocess.run([sys.executable, "-m", name, *args], capture_output=True, text=True, cwd=ROOT)


def test_ruff() -> None:
    r = tool("ruff", "check", "gongkai", "tests")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy() -> None:
    r = tool("mypy", "gongkai")
    assert r.returncode == 0, r.stdout + r.stderr
