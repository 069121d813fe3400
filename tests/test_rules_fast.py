"""The shortcuts of the rules and obligations answer exactly what the long way answers.

- _digests (photos grouped by size, large ones by their first HEAD bytes, before any is read whole) puts the
  same photos together as _digests_plain (every photo read whole and hashed);
- _real_folder (each folder of a unit looked up once, links resolved by realpath) gives os.path.realpath;
- a plain evidence path whose folder is known already (one lstat) gives what the long way gives.
"""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

import pytest
from clirun import check
from conftest import problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.rules import evidence

REC = "item: village/system/{n}\npublished: {d}\nevidence:\n  - {e}\n"
ITEMS = [f"village/system/{n}" for n in range(1, 5)]


def _groups(digests: dict[str, str], photos: list[tuple[str, os.stat_result]]) -> set[frozenset[str]]:
    """The photos of one content used at least twice, as check() compares them."""
    uses: dict[str, list[str]] = {}
    for real, _ in photos:
        if real in digests:
            uses.setdefault(digests[real], []).append(real)
    return {frozenset(g) for g in uses.values() if len(g) > 1}


# contents that share sizes, and first blocks (HEAD is set to 8 bytes below, so that small files take the long road)
CONTENTS = [b"", b"a" * 5, b"b" * 5, b"head-one-tail-a", b"head-one-tail-b", b"head-two-tail-a", b"head-one-tail-a",
            b"x" * 40, b"x" * 39 + b"y", b"y" + b"x" * 39, b"12345678"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.sampled_from(range(len(CONTENTS))), min_size=1, max_size=12),
       uses=st.lists(st.integers(0, 11), min_size=0, max_size=20),
       gone=st.sets(st.integers(0, 11), max_size=3), head=st.sampled_from([4, 8, 1 << 16]),
       keep=st.sampled_from([0, 20, 1 << 25]),
       grown=st.dictionaries(st.integers(0, 11), st.sampled_from([b"+", b"++", b"+" * 70_000]), max_size=4))
def test_digests_group_as_every_photo_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: list[int],
                                                 uses: list[int], gone: set[int], head: int, keep: int,
                                                 grown: dict[int, bytes]) -> None:
    monkeypatch.setattr(evidence, "HEAD", head)
    monkeypatch.setattr(evidence, "KEEP", keep)
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    paths = []
    for i, c in enumerate(files):
        p = folder / f"{i}.jpg"
        p.write_bytes(CONTENTS[c])
        paths.append(str(p))
    photos = [(paths[i % len(paths)], os.lstat(paths[i % len(paths)])) for i in [*range(len(paths)), *uses]]
    for i, more in grown.items():  # grown after the rule stat'ed it: compared as it is now
        if i < len(paths):
            with open(paths[i], "ab") as f:
                f.write(more)
    for i in gone:  # removed after the rule stat'ed it: cannot be read, compared with nothing
        if i < len(paths):
            Path(paths[i]).unlink(missing_ok=True)
    fast = evidence._digests(photos, {}, None)
    plain = evidence._digests_plain(photos, {}, None)
    assert _groups(fast, photos) == _groups(plain, photos)
    assert all(fast[r] == plain[r] for r in fast)  # the same SHA-256 where both have one


def _tree(base: Path) -> Path:
    """A unit folder with every kind of folder link: inside (relative, absolute), outside, dangling, a loop, a link
    to a link, a file where a folder is expected."""
    unit = base / "repo" / "unit"
    for d in ("evidence/2024/q1", "evidence/2023", "other/deep"):
        (unit / d).mkdir(parents=True)
    (base / "outside" / "x").mkdir(parents=True)
    (unit / "evidence" / "file.jpg").write_bytes(b"photo")
    os.symlink("2024", unit / "evidence" / "rel")
    os.symlink(unit / "other", unit / "evidence" / "abs")
    os.symlink(base / "outside", unit / "evidence" / "out")
    os.symlink("nowhere", unit / "evidence" / "dangling")
    os.symlink("loop-b", unit / "evidence" / "loop-a")
    os.symlink("loop-a", unit / "evidence" / "loop-b")
    os.symlink("rel", unit / "evidence" / "chain")
    os.symlink("../..", unit / "evidence" / "2023" / "up")
    return unit


NAMES = ["evidence", "2024", "q1", "2023", "rel", "abs", "out", "dangling", "loop-a", "chain", "file.jpg", "up",
         "deep", "x", "missing", "other"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.sampled_from(NAMES), max_size=6), min_size=1, max_size=8))
def test_real_folder_is_realpath(tmp_path: Path, paths: list[list[str]]) -> None:
    unit = tmp_path / "repo" / "unit"
    if not unit.exists():
        _tree(tmp_path)
    known: dict[str, str] = {}  # shared by the paths, as by the photos of one unit
    for names in paths:
        assert evidence._real_folder(known, unit, names) == os.path.realpath(os.path.join(unit, *names)), names


def test_deep_evidence_path_is_no_crash(unit) -> None:  # type: ignore[no-untyped-def]
    """A path of thousands of folders (resolved folder by folder, without recursion) is just not found."""
    deep = "/".join(["d"] * 3000) + "/x.jpg"
    root = unit({"records/a.yaml": REC.format(n=1, d="2024-01-20", e=deep)}, items=ITEMS[:1])
    got = [(p.path, p.line, p.column, p.code) for p in problems(root, "2024-03-01") if p.code.startswith(("ev", "int"))]
    assert got == [("records/a.yaml", 4, 5, "evidence")]


def test_large_photos_of_one_size(unit) -> None:  # type: ignore[no-untyped-def]
    """Photos over HEAD bytes of one size: the same bytes are reuse, the same first block with another end
    (or another first block) is not."""
    size = evidence.HEAD + 1000
    same = bytes(random.Random(1).getrandbits(8) for _ in range(size))
    root = unit({
        "evidence/a.jpg": same,
        "evidence/b.jpg": same,  # a copy: reused
        "evidence/c.jpg": same[:-1] + b"!",  # the same first block, another last byte
        "evidence/d.jpg": b"!" + same[1:],  # another first byte
        "records/a.yaml": REC.format(n=1, d="2024-01-20", e="evidence/a.jpg"),
        "records/b.yaml": REC.format(n=2, d="2024-02-20", e="evidence/b.jpg"),
        "records/c.yaml": REC.format(n=3, d="2024-02-21", e="evidence/c.jpg"),
        "records/d.yaml": REC.format(n=4, d="2024-02-22", e="evidence/d.jpg"),
    }, items=ITEMS)
    got = [p for p in problems(root, "2024-03-01") if p.code.startswith("evidence")]
    assert [(p.path, p.line, p.column, p.code) for p in got] == [("records/b.yaml", 4, 5, "evidence-reused")]
    assert "evidence/a.jpg" in got[0].message.zh and "records/a" in got[0].message.zh
    code, lines = check(root, "2024-03-01")
    assert code == 0 and any(line.startswith("records/b.yaml:4:5: warning[evidence-reused]") for line in lines)


def test_plain_and_written_otherwise_paths_agree(unit) -> None:  # type: ignore[no-untyped-def]
    """The same photo written plainly (its folder then known: one lstat) and in the ways the long way reads
    (`./`, `//`, `\\`): found, and reused, alike; odd spellings of a missing or absolute path still reported."""
    root = unit({
        "evidence/2024/q1/a.jpg": b"one photo",
        "records/a.yaml": REC.format(n=1, d="2024-01-20", e="evidence/2024/q1/a.jpg"),
        "records/b.yaml": REC.format(n=2, d="2024-02-20", e="./evidence//2024/q1/a.jpg"),
        "records/c.yaml": REC.format(n=3, d="2024-02-21", e="'evidence\\2024\\q1\\a.jpg'"),
        "records/d.yaml": REC.format(n=4, d="2024-02-22", e="evidence/2024/q1/.."),
        "records/e.yaml": REC.format(n=4, d="2024-02-22", e="/evidence/2024/q1/a.jpg"),
        "records/f.yaml": REC.format(n=4, d="2024-02-22", e="evidence/2024/q1/"),
        "top.jpg": b"a photo at the top of the unit folder",
        "records/0.yaml": REC.format(n=1, d="2024-01-20", e="top.jpg"),  # first: before any folder is resolved
        "records/1.yaml": REC.format(n=2, d="2024-02-20", e="./top.jpg"),
    }, items=ITEMS)
    got = [(p.path, p.code) for p in problems(root, "2024-03-01") if p.code.startswith("evidence")]
    assert got == [("records/1.yaml", "evidence-reused"), ("records/b.yaml", "evidence-reused"),
                   ("records/c.yaml", "evidence-reused"), ("records/d.yaml", "evidence"), ("records/e.yaml", "evidence"),
                   ("records/f.yaml", "evidence")]


def test_obligation_fields_in_the_order_the_hot_loops_pass_them() -> None:
    """obligations._plan_items and _feedback build Obligation positionally (it runs for every period of every
    item): its fields must stay in this order."""
    from gongkai.obligations import Obligation

    assert list(Obligation.__dataclass_fields__)[:13] == [
        "unit", "unit_name", "kind", "rule", "item", "title", "period", "due", "path", "loc", "basis", "opens",
        "responsible"]


_SEPS = st.sampled_from(["", "", " ", "-", "－", ".", "\u3000", "\u200b", "  "])
_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def _mobile(draw: st.DrawFn) -> str:
    digits = "1" + draw(st.sampled_from("3456789")) + "".join(draw(st.lists(st.sampled_from("0123456789"),
                                                                            min_size=9, max_size=9)))
    text = draw(st.sampled_from(["", "+86", "86 ", "＋86"])) + digits[:3] + draw(_SEPS) + digits[3:7] + draw(_SEPS) + \
        digits[7:]
    return text.translate(_WIDE) if draw(st.booleans()) else text


@st.composite
def _resident_id(draw: st.DrawFn) -> str:
    from gongkai.personal import _CHECK, _WEIGHTS

    body = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=17, max_size=17)))
    body = body[:6] + draw(st.sampled_from(["19900101", "20240229", "18000101", body[6:14]])) + body[14:]
    check = _CHECK[sum(int(c) * w for c, w in zip(body, _WEIGHTS)) % 11] if draw(st.booleans()) else \
        draw(st.sampled_from("0123456789Xx"))
    n = body + check
    return n[:6] + draw(_SEPS) + n[6:10] + draw(_SEPS) + n[10:14] + draw(_SEPS) + n[14:]


_NOISE = st.text(alphabet=st.sampled_from(list("0123456789０１２３４５６７８９Xx+ -－.．\u3000号码电话a\n")), max_size=8)
_NUMBERISH = st.lists(st.one_of(_mobile(), _resident_id(), _NOISE), max_size=5).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_NUMBERISH)
def test_privacy_first_look_misses_nothing(text: str) -> None:
    """find() and mask() after the cheap first look (_CANDIDATE) answer what they answer without it."""
    import re

    from gongkai import personal

    fast_find, fast_mask = personal.find(text), personal.mask(text)
    saved = personal._CANDIDATE
    personal._CANDIDATE = re.compile("")  # matches everything: no first look
    try:
        assert personal.find(text) == fast_find and personal.mask(text) == fast_mask
    finally:
        personal._CANDIDATE = saved
    if fast_find:
        assert personal.candidate(text)
