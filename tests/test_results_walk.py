"""Issue 11, warm check: the results keys of many units are walked by two processes at once (gongkai.results.
manifests), and each digest is exactly the one walking the unit alone gives; a failing helper process only costs
speed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gongkai import repo, results
from gongkai.repo import discover


@pytest.fixture(autouse=True)
def idle(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with a CPU free (the helper process is started only then), whatever the load of this one, and the
    Python walk (the C walk, gongkai/_cwalk.c, walks in threads instead: tests/test_cwalk.py)."""
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    monkeypatch.setattr(results, "_cwalk", None)
    monkeypatch.setattr(repo, "_cwalk", None)


def county(tmp_path: Path, n: int = 20) -> list[Path]:
    dirs = []
    for i in range(n):
        unit = tmp_path / f"unit-{i:02d}"
        (unit / "records" / "2024").mkdir(parents=True)
        (unit / "evidence").mkdir()
        (unit / "unit.yaml").write_text(f"name: 第{i}村\nkind: village\n", encoding="utf-8")
        for j in range(i % 4 + 1):
            (unit / "records" / "2024" / f"r{j}.yaml").write_text(f"id: r{j}\n", encoding="utf-8")
            (unit / "evidence" / f"p{j}.jpg").write_bytes(b"\xff\xd8" + bytes([i, j]))
        dirs.append(unit)
    (dirs[3] / "evidence" / "link").symlink_to(dirs[3] / "records")  # a folder link: no key (None)
    (dirs[5] / "evidence" / "photo.jpg").symlink_to(dirs[5] / "evidence" / "p0.jpg")
    return dirs


needs_two_cpus = pytest.mark.skipif((os.cpu_count() or 1) < 2 or not hasattr(os, "fork"), reason="one CPU, or no fork")


@needs_two_cpus
def test_two_processes_give_the_digests_of_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = county(tmp_path)
    assert len(dirs) >= results.SPLIT_FROM
    alone = [results.manifest(d) for d in dirs]
    assert alone[3] is None and all(m is not None for i, m in enumerate(alone) if i != 3)
    here: list[str] = []  # the units walked by this process: every other one, the helper walks the rest
    real = results.manifest
    parent = os.getpid()

    def spy(unit_dir: Path, listing=None) -> bytes | None:  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            here.append(unit_dir.name)
        return real(unit_dir, listing)

    monkeypatch.setattr(results, "manifest", spy)
    assert results.manifests(dirs) == alone
    assert here == [d.name for d in dirs[::2]]
    monkeypatch.setattr(results, "manifest", real)
    listing = discover(tmp_path, listing=True).listing
    assert results.manifests(dirs, listing) == alone


@needs_two_cpus
def test_a_change_in_a_unit_the_other_process_walks_is_seen(tmp_path: Path) -> None:
    dirs = county(tmp_path)
    before = results.manifests(dirs)
    photo = dirs[7] / "evidence" / "p0.jpg"  # unit 7: an odd one, walked by the other process
    photo.write_bytes(b"\xff\xd8 another photo")
    after = results.manifests(dirs)
    assert [i for i in range(len(dirs)) if before[i] != after[i]] == [7]
    assert after[7] == results.manifest(dirs[7])


def test_a_failing_helper_process_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = county(tmp_path)
    alone = [results.manifest(d) for d in dirs]
    parent = os.getpid()
    real = results.manifest

    def dies_in_the_child(unit_dir: Path, listing=None) -> bytes | None:  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            raise RuntimeError("the helper process fails")
        return real(unit_dir, listing)

    monkeypatch.setattr(results, "manifest", dies_in_the_child)
    assert results.manifests(dirs) == alone  # the helper's units walked again here

    def no_fork() -> int:
        raise OSError("no fork here")

    monkeypatch.setattr(os, "fork", no_fork)
    assert results.manifests(dirs) == alone


@needs_two_cpus
def test_no_helper_process_on_a_busy_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = county(tmp_path)
    alone = [results.manifest(d) for d in dirs]
    monkeypatch.setattr(os, "getloadavg", lambda: (float(os.cpu_count() or 1), 0.0, 0.0))
    here: list[str] = []
    real = results.manifest

    def spy(unit_dir: Path, listing=None) -> bytes | None:  # type: ignore[no-untyped-def]
        here.append(unit_dir.name)
        return real(unit_dir, listing)

    monkeypatch.setattr(results, "manifest", spy)
    assert results.manifests(dirs) == alone
    assert here == [d.name for d in dirs]  # all walked here, none by a helper
