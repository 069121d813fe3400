"""The file cache returns exactly what a fresh load gives, and notices every change."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import pickle
from pathlib import Path

from conftest import UNIT, plan_yaml, write
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401  (registers the commands)
from gongkai import cache
from gongkai.cache import FileCache
from gongkai.check import run
from gongkai.cli.app import app
from gongkai.load.nodes import parse
from gongkai.repo import load_repository

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "huayuankou"
runner = CliRunner()


def signature(root: Path, use_cache: bool) -> list:
    result = run(load_repository(root, use_cache=use_cache), dt.date(2024, 12, 31))
    return [(p.path, p.line, p.column, p.code, p.message) for p in result.problems]


def test_cached_equals_fresh(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    fresh = signature(EXAMPLE, False)
    assert signature(EXAMPLE, True) == fresh    # cold: fills the cache
    assert len(list((tmp_path / "cache").glob("*/*.cache"))) == 5  # one shard per unit
    assert signature(EXAMPLE, True) == fresh    # warm: served from it
    shard = FileCache(EXAMPLE, "dongzhuang")
    assert len(shard.entries) > 50  # the warm run really read the shard back


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


def _repo(tmp_path: Path) -> Path:
    return write(tmp_path / "repo", {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml([]),
                                     "inspections/2024.yaml": "date: 2024-06-01\n",
                                     "records/a.yaml": "item: village/system/1\npublished: 2024-02-30\n"})


def test_corrupt_cache_is_rebuilt(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    root = _repo(tmp_path)
    fresh = signature(root, False)
    assert [s[3] for s in fresh] == ["date"]
    signature(root, True)
    path = FileCache(root, ".").path
    good = path.read_bytes()
    for bad in (b"not a pickle", b"", good[:len(good) // 2], good[:-1] + bytes([good[-1] ^ 1]),
                good.replace(cache.HEADER, cache.MAGIC + b"\x00\x01"), pickle.dumps(["wrong", "shape"])):
        path.write_bytes(bad)
        assert signature(root, True) == fresh  # never an internal error, the same findings
        assert FileCache(root, ".").path.read_bytes().startswith(cache.HEADER)  # and rebuilt
        assert FileCache(root, ".").entries


class Boom:
    """Unpickling this runs a shell command: the classic pickle attack."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, (f"touch {self.marker}",))


def _forge(key: bytes, payload: bytes) -> bytes:
    return cache.HEADER + hmac.new(key, payload, hashlib.sha256).digest() + payload


def test_a_malicious_cache_never_runs(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A shard planted in a shared or predictable cache folder is never executed, even with a valid MAC
    (a leaked key), and the check gives exactly the --no-cache findings."""
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    root = _repo(tmp_path)
    fresh = signature(root, False)
    signature(root, True)
    marker = tmp_path / "pwned"
    shard = FileCache(root, ".")
    assert shard.key is not None
    evil = pickle.dumps({"Unit:unit.yaml": ((0, 0, 0, 0), Boom(marker))})
    evil_gongkai = pickle.dumps({"x": ((1,), parse)})  # a function of a data module, not data
    for blob in (evil, cache.HEADER + b"\x00" * 32 + evil, _forge(shard.key, evil), _forge(shard.key, evil_gongkai)):
        shard.path.write_bytes(blob)
        assert signature(root, True) == fresh
        assert not marker.exists()
        r = runner.invoke(app, ["check", str(root), "--as-of", "2024-12-31"])
        assert r.exit_code == 1 and "内部错误" not in r.output and "internal error" not in r.output
        assert not marker.exists()
        assert FileCache(root, ".").path.read_bytes().startswith(cache.HEADER)  # rebuilt


def test_a_cache_not_ours_is_ignored(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A shard or key that others may write (group- or world-writable) is not trusted."""
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    root = _repo(tmp_path)
    signature(root, True)
    shard = FileCache(root, ".")
    assert shard.entries
    shard.path.chmod(0o666)
    assert FileCache(root, ".").entries == {}
    key = tmp_path / "cache" / cache.KEY_FILE
    key.chmod(0o644)
    cache._KEYS.clear()
    assert FileCache(root, ".").key is None and FileCache(root, ".").entries == {}
    assert signature(root, True) == signature(root, False)  # still checks, only without the cache
    cache._KEYS.clear()


def test_no_shard_is_written_through_a_planted_link(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The shard folder's name is predictable: one linked elsewhere by someone else receives nothing."""
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    root = _repo(tmp_path)
    target = tmp_path / "victim"
    target.mkdir()
    folder = FileCache(root, ".").path.parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.symlink_to(target)
    assert signature(root, True) == signature(root, False)
    assert list(target.iterdir()) == []


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
