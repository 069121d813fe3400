"""Issue 11, warm check: the C walk (gongkai/_cwalk.c) finds the same units as the Python search, reports through
it whatever the search reports, and its key of a unit sees every change the Python manifest sees (an edit, a touch,
a rename, a new or deleted file or folder, a chmod, a link retargeted, a rewrite of the same size and mtime, a
change behind a link); a switch between the walks is a cache miss, never a wrong hit. The warm path imports no
YAML loader, and reads gongkai.yaml's facts from the settings cache."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gongkai import repo, results
from gongkai.repo import MAX_FOLDER_DEPTH, find_units

REPO = Path(__file__).resolve().parent.parent
TOWN = REPO / "examples" / "huayuankou"
AS_OF = "2024-12-31"

needs_c = pytest.mark.skipif(repo._cwalk is None, reason="the C walk is not compiled (python hatch_build.py)")


@pytest.fixture
def python_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repo, "_cwalk", None)
    monkeypatch.setattr(results, "_cwalk", None)


def search(root: Path, c: bool) -> tuple[list[Path], list[tuple[str, str, str]], dict[str, bytes | None]]:
    """The units, the problems (code, path, English message) and, with the C walk, each unit's stream."""
    saved = repo._cwalk
    if not c:
        repo._cwalk = None
    try:
        problems: list = []
        walked: dict[str, bytes | None] = {}
        units = find_units(root, problems, None, walked)
    finally:
        repo._cwalk = saved
    return units, [(p.code, p.path, p.message.en) for p in problems], walked


def unit(folder: Path, files: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "unit.yaml").write_text("name: 东庄村\nkind: village\n", encoding="utf-8")
    for name, data in (files or {"records/2024/a.yaml": b"id: a\n", "evidence/p.jpg": b"\xff\xd8"}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


# ---------------------------------------------------------------- the same units, the same problems


def trees() -> dict[str, Callable[[Path], None]]:
    def plain(root: Path) -> None:
        for i in range(5):
            unit(root / f"v{i}")

    def towns(root: Path) -> None:
        for t in range(3):
            for i in range(3):
                unit(root / f"town{t}" / f"v{i}")
        (root / "town1" / "notes").mkdir()

    def nested(root: Path) -> None:  # a unit inside a unit, and one inside that
        unit(root / "a")
        unit(root / "a" / "records" / "b")
        unit(root / "a" / "records" / "b" / "inner" / "c")
        unit(root / "a" / "evidence" / "not-a-unit")  # evidence/ is skipped by the search
        unit(root / "a" / ".hidden" / "not-either")

    def hidden_and_skipped(root: Path) -> None:
        unit(root / "v")
        unit(root / ".git" / "v")
        unit(root / "node_modules" / "v")
        unit(root / "templates" / "v")

    def misnamed(root: Path) -> None:  # reported by the Python search
        unit(root / "v")
        (root / "w").mkdir()
        (root / "w" / "Unit.YML").write_text("name: x\n", encoding="utf-8")

    def misnamed_inside_a_unit(root: Path) -> None:  # not reported: inside a unit
        unit(root / "v")
        (root / "v" / "records" / "unit.yml").write_text("name: x\n", encoding="utf-8")

    def link_outside(root: Path) -> None:
        unit(root / "v")
        outside = root.parent / "elsewhere"
        unit(outside / "u")
        (root / "there").symlink_to(outside, target_is_directory=True)

    def link_inside(root: Path) -> None:
        unit(root / "v")
        (root / "again").symlink_to(root / "v", target_is_directory=True)

    def deep(root: Path) -> None:
        unit(root / "v")
        here = root
        for i in range(MAX_FOLDER_DEPTH + 2):
            here = here / f"d{i}"
        unit(here)

    def deep_inside_a_unit(root: Path) -> None:
        here = unit(root / "v")
        for i in range(MAX_FOLDER_DEPTH + 2):
            here = here / f"d{i}"
        here.mkdir(parents=True)
        (here / "x.yaml").write_text("a: 1\n", encoding="utf-8")

    def deep_unit_inside_a_unit(root: Path) -> None:  # just beyond the limit: reported
        here = unit(root / "v")
        for i in range(MAX_FOLDER_DEPTH):
            here = here / f"d{i}"
        unit(here)

    def deeper_unit_inside_a_unit(root: Path) -> None:  # below a folder beyond the limit: not looked at
        here = unit(root / "v")
        for i in range(MAX_FOLDER_DEPTH + 2):
            here = here / f"d{i}"
        unit(here)

    def root_is_a_unit(root: Path) -> None:
        unit(root)
        unit(root / "records" / "inner")

    def odd_names(root: Path) -> None:
        unit(root / "东庄村")
        unit(root / "v w")
        unit(root / os.fsdecode(b"bad-\xff-name"))
        (root / "x").mkdir()
        (root / "x" / "ünit.yaml").write_text("name: x\n", encoding="utf-8")

    def nothing(root: Path) -> None:
        (root / "a" / "b").mkdir(parents=True)

    return {f.__name__: f for f in (plain, towns, nested, hidden_and_skipped, misnamed, misnamed_inside_a_unit,
                                    link_outside, link_inside, deep, deep_inside_a_unit, deep_unit_inside_a_unit,
                                    deeper_unit_inside_a_unit,
                                    root_is_a_unit, odd_names, nothing)}


@needs_c
@pytest.mark.parametrize("name", sorted(trees()))
def test_the_c_search_finds_what_the_python_one_finds(tmp_path: Path, name: str) -> None:
    root = tmp_path / "root"
    root.mkdir()
    trees()[name](root)
    py_units, py_problems, _ = search(root, c=False)
    c_units, c_problems, walked = search(root, c=True)
    assert c_units == py_units
    assert c_problems == py_problems
    if walked:  # the C search answered: every unit walked, each stream the one of walking the unit alone
        assert sorted(walked) == sorted(str(u) for u in c_units)
        for u in c_units:
            assert walked[str(u)] == repo._cwalk.manifest(str(u))
    if name in ("misnamed", "link_outside", "deep", "deep_unit_inside_a_unit"):
        assert not walked  # left to the Python search, which reports
        assert py_problems


@needs_c
def test_the_c_search_on_the_example_town(tmp_path: Path) -> None:
    units, problems, walked = search(TOWN, c=True)
    assert (units, problems) == search(TOWN, c=False)[:2]
    assert len(walked) == len(units) >= 3


# ---------------------------------------------------------------- every change seen, by both walks


def change_kinds() -> dict[str, Callable[[Path], None]]:
    def edit(u: Path) -> None:
        with (u / "records" / "2024" / "a.yaml").open("ab") as fh:
            fh.write(b"# more\n")

    def touch(u: Path) -> None:
        p = u / "evidence" / "p.jpg"
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))

    def rename(u: Path) -> None:
        (u / "records" / "2024" / "a.yaml").rename(u / "records" / "2024" / "b.yaml")

    def add(u: Path) -> None:
        (u / "records" / "2024" / "new.yaml").write_bytes(b"id: new\n")

    def add_folder(u: Path) -> None:
        (u / "records" / "2025").mkdir()

    def add_hidden(u: Path) -> None:
        (u / ".notes").mkdir()
        (u / ".notes" / "x").write_bytes(b"x")

    def delete(u: Path) -> None:
        (u / "evidence" / "p.jpg").unlink()

    def chmod(u: Path) -> None:
        (u / "records" / "2024" / "a.yaml").chmod(0o600)

    def same_size_same_mtime(u: Path) -> None:  # only the ctime says so
        p = u / "records" / "2024" / "a.yaml"
        st = p.stat()
        p.write_bytes(b"id: b\n")
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))

    def retarget_link(u: Path) -> None:
        link = u / "evidence" / "link.jpg"
        link.unlink()
        link.symlink_to(u.parent / "outside-2.jpg")

    def behind_a_link(u: Path) -> None:
        (u.parent / "outside-1.jpg").write_bytes(b"\xff\xd8 another photo, longer")

    def dangle(u: Path) -> None:
        (u.parent / "outside-1.jpg").unlink()

    return {f.__name__: f for f in (edit, touch, rename, add, add_folder, add_hidden, delete, chmod,
                                    same_size_same_mtime, retarget_link, behind_a_link, dangle)}


def linked_unit(tmp_path: Path) -> Path:
    u = unit(tmp_path / "root" / "v")
    (tmp_path / "root" / "outside-1.jpg").write_bytes(b"\xff\xd8 one")
    (tmp_path / "root" / "outside-2.jpg").write_bytes(b"\xff\xd8 two")
    (u / "evidence" / "link.jpg").symlink_to(tmp_path / "root" / "outside-1.jpg")
    return u


@pytest.mark.parametrize("walk", ["python", "c"])
@pytest.mark.parametrize("change", sorted(change_kinds()))
def test_every_change_changes_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, walk: str,
                                      change: str) -> None:
    if walk == "python":
        monkeypatch.setattr(repo, "_cwalk", None)
        monkeypatch.setattr(results, "_cwalk", None)
    elif repo._cwalk is None:
        pytest.skip("the C walk is not compiled")
    u = linked_unit(tmp_path)

    def key() -> bytes | None:
        layout = repo.discover(tmp_path / "root", listing=True)
        got = results.manifest(u, layout.listing)
        if walk == "c":
            assert got == results.walked_digest((layout.walked or {})[str(u)])
        return got

    before = key()
    assert before is not None and before == key()
    change_kinds()[change](u)
    after = key()
    assert after is not None and after != before


@pytest.mark.parametrize("walk", ["python", "c"])
def test_a_link_to_a_folder_gives_no_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, walk: str) -> None:
    if walk == "python":
        monkeypatch.setattr(results, "_cwalk", None)
    elif results._cwalk is None:
        pytest.skip("the C walk is not compiled")
    u = unit(tmp_path / "v")
    (tmp_path / "elsewhere").mkdir()
    (u / "evidence" / "more").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert results.manifest(u) is None


@needs_c
def test_the_walks_are_told_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key of the C walk never equals one of the Python walk: a cache filled by one is a miss for the other."""
    u = unit(tmp_path / "v")
    cache = results.ResultCache(tmp_path, None, repo.Timing(), dt.date(2024, 12, 31))
    with_c = cache.key("v", u)
    monkeypatch.setattr(results, "_cwalk", None)
    pure = cache.key("v", u)
    assert with_c is not None and pure is not None and with_c != pure
    assert len(results.manifest(u) or b"") == 32
    monkeypatch.undo()
    assert (results.manifest(u) or b"")[:1] == results.C_TAG


@needs_c
def test_an_unreadable_folder_inside_a_unit(tmp_path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root reads every folder")
    u = unit(tmp_path / "v")
    before = results.manifest(u)
    (u / "evidence").chmod(0)
    try:
        units, _, _ = search(tmp_path, c=True)
        assert units == search(tmp_path, c=False)[0]
        assert results.manifest(u) != before
    finally:
        (u / "evidence").chmod(0o755)


@needs_c
def test_no_leak_and_no_growth(tmp_path: Path) -> None:
    """Walked many times, the C walk holds no memory: no reference leak, no growing allocation."""
    import resource
    import tracemalloc

    root = tmp_path / "root"
    for i in range(20):
        unit(root / f"v{i}")
    scan = repo._cwalk.scan
    for _ in range(50):
        scan(str(root), MAX_FOLDER_DEPTH, sorted(repo.SKIP_DIRS), 2, True)
    tracemalloc.start()
    first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(500):
        found = scan(str(root), MAX_FOLDER_DEPTH, sorted(repo.SKIP_DIRS), 2, True)
        repo._cwalk.manifest(str(root / "v1"))
        del found
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert after - before < 10_000
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - first < 20_000  # KiB
    with pytest.raises(TypeError):
        scan(None, 1, [], 1, True)
    with pytest.raises(TypeError):
        scan(str(root), 1, [None], 1, True)
    assert scan(str(tmp_path / "missing"), MAX_FOLDER_DEPTH, [], 2, True) is None


# ---------------------------------------------------------------- end to end, and the lean warm path


def run(root: Path, cache: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    full = {**os.environ, "PYTHONPATH": str(REPO), "GONGKAI_CACHE_DIR": str(cache), **(env or {})}
    full.pop("GONGKAI_NO_CACHE", None)
    r = subprocess.run([sys.executable, "-m", "gongkai", "check", str(root), "--as-of", AS_OF, "--format", "json",
                        *extra], capture_output=True, text=True, env=full)
    return r.returncode, r.stdout, r.stderr


@pytest.mark.parametrize("pure", ["", "1"])
def test_cold_warm_changed_and_no_cache_print_the_same(tmp_path: Path, pure: str) -> None:
    root = tmp_path / "town"
    shutil.copytree(TOWN, root)
    env = {"GONGKAI_PURE_PYTHON": pure}
    fresh = run(root, tmp_path / "cache", "--no-cache", env=env)
    assert fresh[0] == 1 and json.loads(fresh[1])["problems"]
    assert run(root, tmp_path / "cache", env=env) == fresh  # cold
    assert run(root, tmp_path / "cache", env=env) == fresh  # warm
    other = run(root, tmp_path / "cache", env={"GONGKAI_PURE_PYTHON": "1" if not pure else ""})
    assert other == fresh  # the other walk: a miss, checked afresh, the same findings
    rec = next((root / "dongzhuang" / "records").rglob("*.yaml"))
    rec.write_bytes(rec.read_bytes() + b"\nbroken: [\n")
    changed = run(root, tmp_path / "cache", env=env)
    assert changed == run(root, tmp_path / "cache", "--no-cache", env=env) != fresh
    assert any(p["path"] == rec.relative_to(root).as_posix() for p in json.loads(changed[1])["problems"])


WARM_IMPORTS = r"""
import io, sys
sys.argv = ["gongkai", "check", sys.argv[1], "--as-of", "2024-12-31", "--format", "json"]
out, sys.stdout = sys.stdout, io.StringIO()
from gongkai.lean import lean_check
code = lean_check(sys.argv[2:])
sys.stdout = out
print(code, sorted(m for m in ("yaml", "gongkai.model", "gongkai.load.schema", "gongkai.load.nodes",
                               "gongkai.load.scalars", "gongkai.rules", "gongkai.obligations") if m in sys.modules))
"""


def test_a_warm_check_imports_no_loader_and_a_changed_setting_is_read(tmp_path: Path) -> None:
    root = tmp_path / "town"
    shutil.copytree(TOWN, root)
    env = {**os.environ, "PYTHONPATH": str(REPO), "GONGKAI_CACHE_DIR": str(tmp_path / "cache")}

    def imports() -> str:
        return subprocess.run([sys.executable, "-c", WARM_IMPORTS, str(root)], capture_output=True, text=True,
                              env=env, check=True).stdout.strip()

    fresh = run(root, tmp_path / "cache", "--no-cache")
    assert imports() != "1 []"  # cold: loads
    assert imports() == "1 []"  # warm: neither the YAML loader nor the models nor the rules
    assert run(root, tmp_path / "cache") == fresh
    # a broken gongkai.yaml: its problem reported, warm or not; then mended: read again
    settings = root / "gongkai.yaml"
    good = settings.read_bytes()
    settings.write_bytes(good + b"\nrules: {quarterly_days: many}\n")
    broken = run(root, tmp_path / "cache", "--no-cache")
    assert broken != fresh and any(p["path"] == "gongkai.yaml" for p in json.loads(broken[1])["problems"])
    assert run(root, tmp_path / "cache") == broken
    assert imports() == "1 []"
    assert run(root, tmp_path / "cache") == broken
    settings.write_bytes(good)
    assert run(root, tmp_path / "cache") == fresh
    # a damaged settings cache: ignored and rebuilt
    for stored in (tmp_path / "cache" / "settings").glob("*.json"):
        stored.write_bytes(stored.read_bytes()[:-3] + b"xx}")
    assert run(root, tmp_path / "cache") == fresh
    assert imports() == "1 []"


def test_the_timing_of_gongkai_yaml_comes_back_from_the_settings_cache(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GONGKAI_NO_CACHE", raising=False)
    root = tmp_path / "town"
    shutil.copytree(TOWN, root)
    (root / "gongkai.yaml").write_bytes((root / "gongkai.yaml").read_bytes() + b"\nrules:\n  quarterly_days: 3\n"
                                        b"  plan_due: 02-15\n")
    env = {"GONGKAI_CACHE_DIR": str(tmp_path / "cache")}
    fresh = run(root, tmp_path / "cache", "--no-cache", env=env)
    assert run(root, tmp_path / "cache", env=env) == fresh
    monkeypatch.setattr(results, "_FINGERPRINT", [])  # gongkai's files as they are now, as the runs above saw them
    lean_layout = repo.discover(root, lean=True)
    full = repo.discover(root)
    assert isinstance(lean_layout.settings, repo.CachedSettings)
    assert lean_layout.timing == full.timing != repo.Timing()
    assert lean_layout.problems == full.problems
    assert lean_layout.templates == full.templates
    assert full.settings is not None and lean_layout.settings is not None
    assert lean_layout.settings.timezone == full.settings.timezone
    assert lean_layout.settings.name == full.settings.name  # anything else: the file read then


@pytest.mark.parametrize("value", ["2024-12-31", "2024-02-29", "2023-02-29", "1979-12-31", "1980-01-01", "2099-12-31",
                                   "2100-01-01", "2024-13-01", "2024-00-10", "2024-1-5", "２０２４-１２-３１",
                                   "2024-12-3１", "2024/12/31", "0000-00-00", "2024-12-31 ", "2024-1²-31"])
def test_the_quick_as_of_agrees_with_the_date_parser(value: str) -> None:
    from gongkai.lean import CannotRun, as_of_date
    from gongkai.load.scalars import parse_date

    day, _ = parse_date(value)
    if day is None:
        with pytest.raises(CannotRun):
            as_of_date(value, None)
    else:
        assert as_of_date(value, None) == day


def test_the_size_limit_is_the_loaders() -> None:
    from gongkai.load import nodes

    assert repo.MAX_BYTES == nodes.MAX_BYTES


def test_an_undecodable_file_name_comes_back_from_the_cache_as_it_went_in(tmp_path: Path) -> None:
    """A name that is no UTF-8 (kept as surrogate escapes) in a problem's path: the cached results (UTF-8 JSON)
    give back the same output."""
    root = tmp_path / "town"
    shutil.copytree(TOWN, root)
    odd = root / "dongzhuang" / "records" / os.fsdecode(b"bad-\xff-name.yaml")
    odd.write_bytes(b"id: [\n")
    fresh = run(root, tmp_path / "cache", "--no-cache")
    assert "bad-" in fresh[1]
    assert run(root, tmp_path / "cache") == fresh
    assert run(root, tmp_path / "cache") == fresh


@needs_c
def test_a_search_started_early_answers_as_one_run_at_once(tmp_path: Path) -> None:
    """`gongkai check` starts the C search before its imports (gongkai.walk.start): its answer is the one of a search
    run at once; it is taken once, only for the same folder and kind; one never taken costs nothing."""
    from gongkai import walk

    root = tmp_path / "root"
    for i in range(6):
        unit(root / f"v{i}")
    now = search(root, c=True)
    walk.start(str(root), True)
    started = walk.taken(str(root), True)
    assert started is not None and walk.taken(str(root), True) is None
    assert sorted(started.result()) == sorted(repo._cwalk.scan(str(root), MAX_FOLDER_DEPTH, walk.SKIP_LIST, 2, True))
    assert started.result() is started.result()
    walk.start(str(root), True)
    assert search(root, c=True) == now  # find_units takes it
    assert walk.taken(str(root), True) is None
    walk.start(str(root), False)  # another kind: not taken by a search with the walks
    assert search(root, c=True) == now
    walk.start(str(tmp_path / "missing"), True)
    walk.start(str(root), True)  # a second start replaces the first, which is dropped (its thread joined)
    assert walk.taken(str(tmp_path / "missing"), True) is None
    assert walk.taken(str(root), True) is not None
    for _ in range(20):  # started and dropped at once, many times: no thread left behind
        walk.start(str(root), True)
    walk._STARTED.clear()
    assert repo._cwalk.start(str(tmp_path / "missing"), MAX_FOLDER_DEPTH, [], 2, True).result() is None


def test_cached_problems_come_back_only_in_their_shape() -> None:
    """A results file's problems are rebuilt only from exactly the values problems_to wrote; anything else is an
    error (the cache is then ignored and the unit checked afresh)."""
    from gongkai.problem import Msg, Problem

    good = [Problem("v", "v/unit.yaml", 3, None, "schema", "error", Msg("中", "en"), Msg("依据", "basis")),
            Problem("v", "v/x", None, None, "ignored", "warning", Msg("a", "b"), Msg("", ""))]
    rows = json.loads(json.dumps(results.problems_to(good)))
    assert results.problems_from(rows) == good
    bad_rows = []
    for at, value in ((0, 1), (1, None), (2, "3"), (2, True), (3, 1.5), (4, ["x"]), (5, "fatal"), (6, ["a"]),
                      (6, ["a", 1]), (7, "ab"), (7, ["a", "b", "c"])):
        row = list(rows[0])
        row[at] = value
        bad_rows.append(row)
    bad_rows.append(rows[0][:7])
    for row in bad_rows:
        with pytest.raises((ValueError, TypeError)):
            results.problems_from([row])
