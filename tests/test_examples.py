"""The bundled example gives exactly the findings documented in examples/README.md, as of 2024-12-31.

The expected findings are read from the README's own tables, so the documentation and the test cannot drift.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from gongkai.check import run
from gongkai.repo import load_repository

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TOWN = EXAMPLES / "huayuankou"
AS_OF = dt.date(2024, 12, 31)
ROW = re.compile(r"^\|\s*`([^`]+\.yaml)`\s*\|\s*`([a-z-]+)`\s*\|\s*(error|warning|info)\s*\|")
SOON = re.compile(r"^\|\s*`([a-z-]+)`\s*\|\s*(`[^|]+`)\s*\|\s*(\d{4}-(?:Q\d|\d\d))\s*\|\s*(\d+)\s*\|")


def documented() -> tuple[Counter, set[tuple[str, str, str]]]:
    findings: Counter = Counter()
    soon: set[tuple[str, str, str]] = set()
    for line in (EXAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        if m:
            findings[m.groups()] += 1
            continue
        m = SOON.match(line)
        if m:
            unit, items, period, count = m.groups()
            ids = [i.strip(" `") for i in items.split(",")]
            kind = ids[0].split("/")[0]
            expanded = {i if i.startswith(kind + "/") else f"{kind}/{i}" for i in ids}
            assert len(expanded) == int(count), line
            soon |= {(unit, i, period) for i in expanded}
    return findings, soon


def test_example_gives_exactly_the_documented_findings() -> None:
    expected, expected_soon = documented()
    assert sum(expected.values()) >= 8 and len(expected_soon) >= 20
    result = run(load_repository(TOWN), AS_OF)
    got = Counter((p.path, p.code, p.severity) for p in result.problems if p.code != "due-soon")
    assert got == expected
    soon = {(o.unit, o.item, o.period) for uo in result.obligations for o in uo.obligations if o.status == "due-soon"}
    assert soon == expected_soon
    assert sum(p.code == "due-soon" for p in result.problems) == len(expected_soon)


def test_example_cli_exit_code_and_summary() -> None:
    import gongkai.cli  # noqa: F401
    from gongkai.cli.app import app

    r = CliRunner().invoke(app, ["check", str(TOWN), "--as-of", "2024-12-31"])
    assert r.exit_code == 1
    assert r.stdout.rstrip().endswith("共 5 个单位：5 个错误，3 个警告，28 条提示")


def test_every_unit_is_a_realistic_year() -> None:
    repo = load_repository(TOWN)
    kinds = Counter(u.kind for u in repo.units)
    assert kinds["village"] >= 3 and kinds["community"] >= 2
    for u in repo.units:
        assert u.plan(2024) is not None and len(u.records) >= 20, u.id
