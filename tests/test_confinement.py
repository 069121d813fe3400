"""Nothing is read from outside the repository, only regular files are read, and no folder tree stops the run.

Each test plants the attack (or the slip), then asserts the safe result: the message at the path, the secret
never echoed by check, overdue or render, and never an internal error.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import UNIT, plan_yaml, problems, write
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401  (registers the commands)
from gongkai import check as check_mod
from gongkai.cli.app import app
from gongkai.load.nodes import MAX_BYTES
from gongkai.repo import MAX_FOLDER_DEPTH, NOT_REGULAR, read_regular

runner = CliRunner()
SECRET = "ghp_SECRETTOKEN0123456789"
OUTSIDE = "a link leading outside the repository: not read. Copy the file itself into the repository"
REPO = Path(__file__).resolve().parent.parent


def repo(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    return write(tmp_path / "repo", {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml(["village/system/1"]),
                                     "inspections/2024.yaml": "date: 2024-06-01\n",
                                     "records/ok.yaml": "item: village/system/1\npublished: 2024-01-05\n",
                                     **(files or {})})


def ignored(root: Path) -> list[tuple[str, str, str]]:
    return [(p.path, p.severity, p.message.en) for p in problems(root) if p.code == "ignored"]


def every_output(root: Path, tmp_path: Path) -> str:
    """What check (text, json), overdue and render print or write: none may hold the secret or an internal error."""
    out = []
    for args in (["check", str(root)], ["check", str(root), "--format", "json"], ["overdue", str(root)],
                 ["overdue", str(root), "-f", "json"], ["render", str(root), "--out", str(tmp_path / "site")]):
        r = runner.invoke(app, [*args, "--as-of", "2024-07-15"])
        assert r.exit_code in (0, 1), r.output
        assert "内部错误" not in r.output and "internal error" not in r.output, r.output
        out.append(r.output)
    for f in (tmp_path / "site").rglob("*"):
        if f.is_file():
            out.append(f.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(out)


def test_a_record_linked_to_a_secret_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secrets.txt"
    secret.write_text(f"token: {SECRET}\n", encoding="utf-8")
    root = repo(tmp_path)
    (root / "records" / "leak.yaml").symlink_to(secret)
    (root / "events").mkdir()
    (root / "events" / "leak.yaml").symlink_to(secret)
    assert ignored(root) == [("events/leak.yaml", "error", OUTSIDE), ("records/leak.yaml", "error", OUTSIDE)]
    assert SECRET not in every_output(root, tmp_path)
    r = runner.invoke(app, ["check", str(root), "--as-of", "2024-07-15"])
    assert "records/leak.yaml: error[ignored] 这是指向仓库以外的链接，不会被读取：请把文件本身复制到仓库里" in r.stdout


def test_a_link_inside_the_repository_is_read(tmp_path: Path) -> None:
    root = repo(tmp_path, {"archive/q.yaml": "item: village/system/1\npublished: 2024-02-30\n"})
    (root / "records" / "linked.yaml").symlink_to(root / "archive" / "q.yaml")
    found = [(p.path, p.code) for p in problems(root)]
    assert ("records/linked.yaml", "date") in found  # read, and reported at the link's own path


def test_records_linked_to_the_filesystem_root_is_not_walked(tmp_path: Path) -> None:
    root = repo(tmp_path, {"events/2024/x.yaml": "date: 2024-01-01\ntype: meeting\ntitle: 会\nitem: village/affairs/7\n"})
    os.rename(root / "records", root / "records-old")
    (root / "records").symlink_to("/")
    (root / "projects").symlink_to(tmp_path)  # outside: the folder holding the repository
    started = time.monotonic()
    got = ignored(root)
    assert time.monotonic() - started < 5
    assert ("records", "error", OUTSIDE) in got and ("projects", "error", OUTSIDE) in got
    assert every_output(root, tmp_path)


def test_fifo_and_device_are_not_read(tmp_path: Path) -> None:
    """A FIFO named unit.yaml or a record must not hang; unit.yaml linked to /dev/zero must not eat memory."""
    root = repo(tmp_path)
    os.mkfifo(root / "records" / "pipe.yaml")
    fifo_unit = write(tmp_path / "fifo", {"plans/2024.yaml": plan_yaml([])})
    os.mkfifo(fifo_unit / "unit.yaml")
    zero_unit = write(tmp_path / "zero", {"plans/2024.yaml": plan_yaml([])})
    (zero_unit / "unit.yaml").symlink_to("/dev/zero")
    code = ("import datetime, sys\nfrom gongkai.check import check_path\n"
            "for p in sys.argv[1:]:\n"
            "    r = check_path(__import__('pathlib').Path(p), datetime.date(2024, 7, 15), use_cache=False)\n"
            "    print(sorted({(x.path, x.code, x.message.en) for x in r.problems if x.code == 'ignored'}))\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code, str(root), str(fifo_unit), str(zero_unit)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == str([("records/pipe.yaml", "ignored", NOT_REGULAR.en)])
    assert lines[1] == str([("unit.yaml", "ignored", NOT_REGULAR.en)])
    assert lines[2] == str([("unit.yaml", "ignored", OUTSIDE)])
    assert read_regular(Path("/dev/zero")) is NOT_REGULAR


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    root = repo(tmp_path)
    huge = root / "records" / "huge.yaml"
    with huge.open("wb") as fh:
        fh.truncate(10 * 1024**3)  # 10 GB, sparse: reading it would take minutes and all memory
    started = time.monotonic()
    found = [(p.path, p.code, p.message.en) for p in problems(root) if p.path == "records/huge.yaml"]
    assert time.monotonic() - started < 5
    assert found == [("records/huge.yaml", "syntax", f"file too large ({10 * 1024**3} bytes, limit {MAX_BYTES}): keep "
                      "one item per file and put attachments under evidence/")]


def test_dangling_links_and_link_loops(tmp_path: Path) -> None:
    root = repo(tmp_path)
    rec = root / "records"
    (rec / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (rec / "a.yaml").symlink_to(rec / "b.yaml")
    (rec / "b.yaml").symlink_to(rec / "a.yaml")
    (rec / "up").symlink_to("..")
    (rec / "self").symlink_to(".")
    (root / "unit-loop").mkdir()
    (root / "unit-loop" / "back").symlink_to(root)
    got = ignored(root)
    assert got == [
        ("records/a.yaml", "error", "a link loop: not read. Delete the link"),
        ("records/b.yaml", "error", "a link loop: not read. Delete the link"),
        ("records/gone.yaml", "error",
         "a link to something that does not exist: not read. Delete it or point it at a file in the repository"),
        ("records/self", "warning", "a link to a folder already read: not read again"),
        ("records/up", "warning", "a link to a unit folder: not read here, that unit is checked on its own"),
        ("unit-loop/back", "warning", "a link to a unit folder: not read here, that unit is checked on its own"),
    ]
    every_output(root, tmp_path)


def test_a_unit_folder_linked_outside_is_refused(tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere", {"unit.yaml": UNIT.replace("东庄村", "外村"), "records/x.yaml": f"title: {SECRET}\n"})
    town = write(tmp_path / "town", {"dz/unit.yaml": UNIT, "dz/plans/2024.yaml": plan_yaml([]),
                                     "dz/inspections/2024.yaml": "date: 2024-06-01\n"})
    (town / "wai").symlink_to(outside)
    (town / "dz" / "unit-copy").mkdir()
    got = [(p.unit, p.path, p.severity, p.message.en) for p in problems(town) if p.code == "ignored"]
    assert got == [("", "wai", "warning", OUTSIDE)]
    assert SECRET not in every_output(town, tmp_path)
    # unit.yaml itself linked outside
    (town / "dz" / "unit.yaml").unlink()
    (town / "dz" / "unit.yaml").symlink_to(outside / "unit.yaml")
    assert [(p.path, p.message.en) for p in problems(town) if p.code == "ignored"] == [
        ("wai", OUTSIDE), ("dz/unit.yaml", OUTSIDE)]
    assert "外村" not in every_output(town, tmp_path)


def test_settings_linked_outside_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text(f"name: {SECRET}\nbogus: {SECRET}\n", encoding="utf-8")
    root = repo(tmp_path)
    (root / "gongkai.yaml").symlink_to(secret)
    assert [(p.path, p.code, p.message.en) for p in problems(root) if not p.unit] == [("gongkai.yaml", "ignored", OUTSIDE)]
    assert SECRET not in every_output(root, tmp_path)


def _nest(top: Path, depth: int, name: str = "a") -> None:
    """depth nested folders below top, made through directory descriptors (the full path is longer than PATH_MAX)."""
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            new = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
        with open(os.open("deep.yaml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as fh:
            fh.write("item: village/system/1\npublished: 2024-01-05\n")
    finally:
        os.close(fd)


def _unnest(top: Path, name: str = "a") -> None:
    """Remove what _nest made, deepest first, without recursion (shutil.rmtree, and so pytest's clean-up of old
    temporary folders, recurses once per level and fails on 2000 of them)."""
    fds = [os.open(top, os.O_RDONLY)]
    try:
        while True:
            try:
                fds.append(os.open(name, os.O_RDONLY, dir_fd=fds[-1]))
            except FileNotFoundError:
                break
        while len(fds) > 1:
            with contextlib.suppress(FileNotFoundError):
                os.unlink("deep.yaml", dir_fd=fds[-1])
            os.close(fds.pop())
            os.rmdir(name, dir_fd=fds[-1])
    finally:
        for fd in fds:
            os.close(fd)


@pytest.fixture
def nested(tmp_path: Path) -> Iterator[Path]:
    root = repo(tmp_path)
    _nest(root / "records", 2000)
    yield root
    _unnest(root / "records")


def test_two_thousand_nested_folders(tmp_path: Path, nested: Path) -> None:
    root = nested
    started = time.monotonic()
    got = ignored(root)
    assert time.monotonic() - started < 10
    deep = "records/" + "/".join(["a"] * MAX_FOLDER_DEPTH)
    assert got == [(deep, "error", f"folders nested too deeply (over {MAX_FOLDER_DEPTH} levels): nothing inside is "
                    "read. Use fewer levels")]
    every_output(root, tmp_path)


def test_a_deep_unit_tree(tmp_path: Path) -> None:
    top = tmp_path / "town"
    top.mkdir()
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(300):
            with open(os.open("unit.yaml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as fh:
                fh.write(UNIT)
            os.mkdir("u", dir_fd=fd)
            new = os.open("u", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
    finally:
        os.close(fd)
    r = runner.invoke(app, ["check", str(top), "--as-of", "2024-07-15", "--format", "json", "--no-cache"])
    assert r.exit_code == 1 and "internal error" not in r.output and "内部错误" not in r.output
    data = json.loads(r.stdout)
    too_deep = [p for p in data["problems"] if p["code"] == "ignored" and "嵌套过深" in p["message"]]
    assert too_deep and too_deep[0]["path"] == "/".join(["u"] * (MAX_FOLDER_DEPTH + 1))


@pytest.mark.parametrize("requested,units,cpus,expected", [
    (None, 100, 2, 2), (100_000, 100, 2, 8), (100_000, 3, 2, 3), (5, 100, 2, 5), (1, 100, 2, 1), (None, 0, 2, 1)])
def test_jobs_are_capped(requested, units, cpus, expected, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert check_mod.effective_jobs(requested, units) == expected


def test_huge_jobs_option_checks_normally(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen = []
    real = check_mod._parallel

    def spy(layout, dirs, as_of, use_cache, cache, keys, jobs, progress):  # type: ignore[no-untyped-def]
        seen.append(jobs)
        return real(layout, dirs, as_of, use_cache, cache, keys, jobs, progress)

    monkeypatch.setattr(check_mod, "PARALLEL_FROM", 1)
    monkeypatch.setattr(check_mod, "_parallel", spy)
    town = REPO / "examples" / "huayuankou"
    r = runner.invoke(app, ["check", str(town), "--as-of", "2024-12-31", "--jobs", "1000000", "--format", "json",
                            "--no-cache"])  # not the results of an earlier run: check, in parallel
    serial = runner.invoke(app, ["check", str(town), "--as-of", "2024-12-31", "--jobs", "1", "--format", "json",
                                 "--no-cache"])
    assert r.exit_code == serial.exit_code == 1 and r.stdout == serial.stdout
    assert seen == [min(5, (os.cpu_count() or 1) * 4)]
