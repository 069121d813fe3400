"""Shared helpers: small repositories written from inline YAML, and checking them."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import tempfile
import textwrap
from pathlib import Path

import pytest

from gongkai import catalog

# the CLI caches loaded files; keep the tests' cache out of the home directory
os.environ.setdefault("GONGKAI_CACHE_DIR", tempfile.mkdtemp(prefix="gongkai-test-cache-"))
from gongkai.check import run
from gongkai.repo import load_repository

UNIT = """\
name: 东庄村
kind: village
town: 花园口镇
villagers: 1860
representatives: 45
since: 2024-01-01
boards:
  - {id: main, location: 党群服务中心门前}
contacts:
  clerk: 王芳
  supervision_phone: 0371-62345678
"""

ADOPTION = """\
adoption:
  consultation: {date: 2024-01-05, methods: [三长会议, 微信群]}
  drafted: 2024-01-08
  supervisory_review: 2024-01-10
  joint_meeting: 2024-01-12
  approved: {date: 2024-01-15, by: representatives}
  published: 2024-01-16
  complaints: 村务监督委员会 赵六 0371-62345679
"""


def plan_yaml(items: list[str], kind: str = "village", year: int = 2024, adoption: str = ADOPTION,
              extra_items: str = "") -> str:
    """A plan listing `items` and every other non-optional catalog item as not applicable."""
    listed = set(items) | set(re.findall(r"item: ([\w/-]+)", extra_items))
    rest = [i.id for i in catalog.load(kind).items if not i.optional and i.id not in listed]
    lines = [f"year: {year}", adoption.rstrip(), "items:"]
    lines += [f"  - item: {i}" for i in items]
    if extra_items:
        lines.append(textwrap.indent(textwrap.dedent(extra_items).strip("\n"), "  "))
    if not items and not extra_items:
        lines[-1] = "items: []"
    lines.append("not_applicable:")
    lines += [f"  - {{item: {i}, reason: 本年度无此事项}}" for i in rest]
    return "\n".join(lines) + "\n"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def findings(root: Path, as_of: str | dt.date = "2024-07-15") -> list[tuple]:
    """(path, line, code, severity) of every problem, in output order."""
    day = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(as_of)
    result = run(load_repository(root), day)
    return [(p.path, p.line, p.code, p.severity) for p in result.problems]


def problems(root: Path, as_of: str = "2024-07-15"):  # type: ignore[no-untyped-def]
    return run(load_repository(root), dt.date.fromisoformat(as_of)).problems


@pytest.fixture
def unit(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A factory: unit(files, items=[...]) writes a village with a clean 2024 plan plus `files`."""

    counter = itertools.count()

    def make(files: dict[str, str | bytes] | None = None, items: list[str] | None = None,
             unit_yaml: str = UNIT, **plan_kw) -> Path:  # type: ignore[no-untyped-def]
        base: dict[str, str | bytes] = {"unit.yaml": unit_yaml, "plans/2024.yaml": plan_yaml(items or [], **plan_kw),
                                        "inspections/2024.yaml": "date: 2024-06-01\ninspector: 镇民政办\n"}
        base.update(files or {})
        return write(tmp_path / f"u{next(counter)}", base)

    return make
