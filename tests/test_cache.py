"""The file cache returns exactly what a fresh load gives, and notices every change."""

from __future__ import annotations

import datetime as dt
import os
import pickle
from pathlib import Path

from conftest import UNIT, plan_yaml, write

from gongkai.cache import FileCache
from gongkai.check import run
from gongkai.repo import load_repository

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "huayuankou"


def signature(root: Path, use_cache: bool) -> list:
    result = run(load_repository(root, use_cache=use_cache), dt.date(2024, 12, 31))
    return [(p.path, p.line, p.column, p.code, p.message) for p in result.problems]


def test_cached_equals_fresh(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    fresh = signature(EXAMPLE, False)
    assert signature(EXAMPLE, True) == fresh    # cold: fills the cache
    assert list((tmp_path / "cache").glob("*/*.pickle"))  # one shard per unit
    assert signature(EXAMPLE, True) == fresh    # warm: served from it


def test_changes_and_deletions_are_seen(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    root = write(tmp_path / "repo", {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml(["village/system/1"]),
                                     "inspections/2024.yaml": "date: 2024-06-01\n",
                                     "records/a.yaml": "item: village/system/1\npublished: 2024-01-05\n"})
    assert signature(root, True) == []
    rec = root / "records" / "a.yaml"
    rec.write_text("item: village/system/1\npublished: 2024-02-30\n", encoding="utf-8")
    os.utime(rec, ns=(1, 1))  # even an old mtime: ctime and size still change the stamp
    assert [s[3] for s in signature(root, True)] == ["date"]
    rec.unlink()
    assert [s[3] for s in signature(root, True)] == ["overdue"]  # the standing item's only record is gone
    cache = FileCache(root, ".")
    assert not any("a.yaml" in k for k in cache.entries)


def test_corrupt_cache_is_rebuilt(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    root = write(tmp_path / "repo", {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml([]),
                                     "inspections/2024.yaml": "date: 2024-06-01\n"})
    signature(root, True)
    FileCache(root, ".").path.write_bytes(b"not a pickle")
    assert signature(root, True) == []
    assert isinstance(pickle.loads(FileCache(root, ".").path.read_bytes()), dict)


def test_parallel_equals_serial(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Checking unit by unit in worker processes gives exactly the serial result, cache or not."""
    from gongkai import check

    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(check, "PARALLEL_FROM", 1)
    day = dt.date(2024, 12, 31)
    serial = check.check_path(EXAMPLE, day, use_cache=False, jobs=1)
    for use_cache in (False, True, True):
        parallel = check.check_path(EXAMPLE, day, use_cache=use_cache, jobs=2)
        assert parallel.problems == serial.problems
        assert [(u.id, u.name) for u in parallel.units] == [(u.id, u.name) for u in serial.units]
    assert not parallel.obligations and serial.obligations
