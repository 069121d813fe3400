"""Issue 11, `check --no-cache` and cold: a unit's files are found (gongkai._cwalk.unit_files) and read
(gongkai._cwalk.read_file) in C, and each answers exactly what the Python walk and read answer: the same files to
read, the same problems (the C walk leaves every unit with anything to report, explain or resolve to the Python
walk), the same bytes or the same reason a file is not read; `check --no-cache` prints what a cold check prints."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai import repo
from gongkai.check import check_layout
from gongkai.repo import MAX_BYTES, Confine, discover, read_regular, walk_unit
from gongkai.report.check import as_json

REPO = Path(__file__).resolve().parent.parent
TOWN = REPO / "examples" / "huayuankou"
AS_OF = "2024-12-31"

needs_c = pytest.mark.skipif(getattr(repo._cwalk, "unit_files", None) is None or repo._read_file is None,
                             reason="the C walk is not compiled (python hatch_build.py)")
pytestmark = needs_c


def both_walks(root: Path, templates: str | None = None) -> list[tuple[object, object, bool]]:
    """For each unit under root: (the walk with the C path, the Python walk, whether the C path answered)."""
    layout = discover(root)
    units = set(layout.unit_dirs)
    out = []
    for d in layout.unit_dirs:
        c_answered = repo._plain_walk(d, units, templates) is not None
        fast = walk_unit(layout.root, d, units, Confine(layout.root), layout.settings_file, templates)
        saved = repo._cwalk
        repo._cwalk = None
        try:
            slow = walk_unit(layout.root, d, units, Confine(layout.root), layout.settings_file, templates)
        finally:
            repo._cwalk = saved
        out.append(((fast.files, fast.problems), (slow.files, slow.problems), c_answered))
    return out


def make(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


BASE = {"u/unit.yaml": "name: 东庄村\nkind: village\n", "u/plans/2024.yaml": "year: 2024\n",
        "u/records/2024/q1/a.yaml": "item: x\n", "u/records/b.yaml": "item: y\n", "u/events/e.yaml": "date: x\n",
        "u/evidence/p.jpg": "photo", "u/.git/config": "x", "u/records/.hidden.yaml": "x"}


def test_the_example_town_is_walked_in_c_with_the_same_files() -> None:
    got = both_walks(TOWN)
    assert got and all(fast == slow for fast, slow, _ in got)
    assert all(c for _, _, c in got)  # (the example's units are plain: the C path answers)


@pytest.mark.parametrize("extra", [
    {},
    {"u/records/readme.yaml": "x"},  # litter: skipped without a word
    {"u/records/README-2.yaml": "x", "u/records/readme_x.yaml": "x", "u/records/readme中.yaml": "x"},
    {"u/records/a.yaml~": "x", "u/records/#a.yaml#": "x", "u/records/~$a.yaml": "x", "u/Thumbs.db": "x"},
    {"u/README.md": "notes"},
    {"u/notes.txt": "x"},  # a file at the top: explained
    {"u/2024.yaml": "x"},
    {"u/gongkai.yaml": "name: x\n"},
    {"u/records/a.yml": "x"},  # misnamed: explained
    {"u/records/photo.jpg": "x"},
    {"u/记录/a.yaml": "x"},  # an unknown folder
    {"u/plans/old/2023.yaml": "x"},  # a folder in plans/
    {"u/plans/old/.keep": "x"},
    {"u/records/inner/unit.yaml": "name: 内\nkind: village\n", "u/records/inner/records/c.yaml": "x"},  # nested
    {"u/plans/inner/unit.yaml": "name: 内\nkind: village\n"},
    {"u/other/unit.yaml": "name: 内\nkind: village\n"},  # a nested unit at the top
    {"u/templates/page.html": "x", "u/node_modules/x.yaml": "x", "u/site/x.yaml": "x"},
    {"u/records/2024/记录一.yaml": "x", "u/feedback/意见.yaml": "x"},
    {"u/records/Ｒ.yaml": "x", "u/records/ſ.swp": "x", "u/records/a.\u212a": "x"},
])
def test_the_c_walk_finds_what_the_python_walk_finds(tmp_path: Path, extra: dict[str, str]) -> None:
    root = make(tmp_path / "town", {**BASE, **extra})
    got = both_walks(root)
    assert got
    for fast, slow, _ in got:
        assert fast == slow


def test_links_and_odd_files_are_left_to_the_python_walk(tmp_path: Path) -> None:
    root = make(tmp_path / "town", BASE)
    outside = make(tmp_path / "outside", {"x.yaml": "item: z\n"})
    (root / "u/records/link.yaml").symlink_to(outside / "x.yaml")
    (root / "u/events/in.yaml").symlink_to(root / "u/records/b.yaml")
    (root / "u/projects").mkdir()
    (root / "u/projects/loop").symlink_to(root / "u/projects")
    os.mkfifo(root / "u/feedback.yaml") if hasattr(os, "mkfifo") else None
    (root / "u/inspections").mkdir()
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "u/inspections/fifo.yaml")
    for fast, slow, c in both_walks(root):
        assert fast == slow and not c


def test_the_templates_folder_and_deep_folders(tmp_path: Path) -> None:
    root = make(tmp_path / "town", BASE)
    templates = os.path.realpath(root / "u/records/2024")
    for fast, slow, _ in both_walks(root, templates):
        assert fast == slow
    (root / "u/feedback").mkdir()
    shutil.copytree(root / "u/records", root / "u/feedback/records")
    (root / "u/records/2024").rename(root / "u/templates-real")
    for fast, slow, _ in both_walks(root, os.path.realpath(root / "u/records")):
        assert fast == slow
    deep = root / "u/records" / "/".join(["d"] * (repo.MAX_FOLDER_DEPTH + 1))
    deep.mkdir(parents=True)
    (deep / "x.yaml").write_text("item: x\n")
    for fast, slow, c in both_walks(root):
        assert fast == slow and not c


NAME = st.text(alphabet=st.sampled_from(list("~#rRaAdDeEmM.$yYlLsSpPwWkKoObBtT\u212a\u017f _-中")), min_size=1,
               max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.tuples(NAME, st.sampled_from(["", ".yaml", ".yml", ".swp", "~", ".bak", ".YAML"])),
                      min_size=1, max_size=4))
def test_any_names_are_walked_alike(tmp_path: Path, names: list[tuple[str, str]]) -> None:
    root = tmp_path / f"t{abs(hash(tuple(names)))}"
    files = dict(BASE)
    for i, (stem, end) in enumerate(names):
        name = stem + end
        if "/" in name or name in (".", ".."):
            continue
        files[f"u/records/{i}/{name}"] = "x"
        files[f"u/{name}" if i % 2 else f"u/events/{name}"] = "x"
    try:
        make(root, files)
    except (OSError, ValueError):
        return  # (a name this file system refuses)
    for fast, slow, _ in both_walks(root):
        assert fast == slow
    shutil.rmtree(root)


def read_both(path: Path) -> tuple[object, object]:
    fast = read_regular(path)
    saved = repo._read_file
    repo._read_file = None
    try:
        slow = read_regular(path)
    finally:
        repo._read_file = saved
    return fast, slow


@pytest.mark.parametrize("size", [0, 1, 100, 4095, 4096, 65537, MAX_BYTES - 1, MAX_BYTES, MAX_BYTES + 1])
def test_read_file_reads_what_python_reads(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(bytes(i % 251 for i in range(size)))
    fast, slow = read_both(path)
    assert fast == slow
    if size <= MAX_BYTES:
        assert fast == path.read_bytes()


def test_read_file_says_why_as_python_says(tmp_path: Path) -> None:
    assert read_both(tmp_path / "missing.yaml")[0] == read_both(tmp_path / "missing.yaml")[1]
    assert read_both(tmp_path)[0] == read_both(tmp_path)[1] == repo.NOT_REGULAR
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "fifo.yaml")
        fast, slow = read_both(tmp_path / "fifo.yaml")
        assert fast == slow == repo.NOT_REGULAR
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    fast, slow = read_both(tmp_path / "dangling.yaml")
    assert fast == slow and "No such file" in fast.en  # type: ignore[union-attr]


def test_no_cache_prints_what_a_cold_and_a_python_check_print(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    town = tmp_path / "town"
    shutil.copytree(TOWN, town)
    make(town, {"dongzhuang/records/readme.yaml": "x", "dongzhuang/notes.txt": "x"})  # one unit walked in Python
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path / "cache"))
    day = dt.date(2024, 12, 31)

    def run(use_cache: bool) -> str:
        return as_json(check_layout(discover(town, listing=use_cache, lean=use_cache), day, use_cache, 1), "en")

    outs = [run(False), run(True), run(True), run(False)]  # --no-cache, cold, warm, --no-cache after them
    assert all(out == outs[0] for out in outs) and json.loads(outs[0])["problems"]
    monkeypatch.setattr(repo, "_cwalk", None)
    monkeypatch.setattr(repo, "_read_file", None)
    assert run(False) == outs[0]


def test_a_unit_folder_whose_unit_file_went_away_is_still_left_to_itself(tmp_path: Path) -> None:
    """A nested unit found by the search whose unit.yaml is gone when the outer unit is walked: the Python walk
    leaves its folder alone (it is a unit folder), and so does the C path (it gives the unit to the Python walk)."""
    root = make(tmp_path / "town", {**BASE, "u/records/inner/unit.yaml": "name: 内\nkind: village\n",
                                    "u/records/inner/records/c.yaml": "item: x\n"})
    layout = discover(root)
    units = set(layout.unit_dirs)
    assert len(units) == 2
    (root / "u/records/inner/unit.yaml").unlink()
    outer = root / "u"
    assert repo._plain_walk(outer, units, None) is None
    assert repo._plain_walk(outer, {outer}, None) is not None
    fast = walk_unit(layout.root, outer, units, Confine(layout.root))
    assert not any("inner" in p for p in fast.files["records"])
