"""The shortcuts a cold check takes answer exactly what the long way answers.

Each shortcut skips work that cannot change a finding: a photo whose size no other photo of the unit has is not
read (equal bytes need equal sizes), the litter pattern is not searched for a plain `*.yaml` name, a record whose
texts hold nothing number-like is not searched number by number, an item id is resolved once per unit.
"""

from __future__ import annotations

from clirun import check
from conftest import problems
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.items import resolve
from gongkai.repo import LITTER, litter, load_repository

REC = "item: village/system/{n}\npublished: {d}\nevidence:\n  - {e}\n"
ITEMS = [f"village/system/{n}" for n in range(1, 5)]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("~#rRaAdDeEmM.$yYlLsSpPwWkKoObBtT\u212a\u017f \n_-")), min_size=1),
       st.sampled_from(["", ".yaml", ".yml", ".swp", "~", ".bak", ".YAML"]))
def test_litter_is_the_pattern(stem: str, end: str) -> None:
    name = stem + end
    assert litter(name) == (LITTER.search(name) is not None)


def test_one_photo_of_a_size_of_its_own_behind_two_postings(unit) -> None:  # type: ignore[no-untyped-def]
    """The same file behind records of two days: its size is unique among the files, but it is used twice,
    so it is compared (and reused); photos of one size but other bytes are not reuse."""
    root = unit({
        "evidence/big.jpg": b"a photo of a size no other photo has",
        "evidence/x.jpg": b"same size 1",
        "evidence/y.jpg": b"same size 2",
        "records/a.yaml": REC.format(n=1, d="2024-01-20", e="evidence/big.jpg"),
        "records/b.yaml": REC.format(n=2, d="2024-02-20", e="evidence/big.jpg"),
        "records/c.yaml": REC.format(n=3, d="2024-01-20", e="evidence/x.jpg"),
        "records/d.yaml": REC.format(n=4, d="2024-02-20", e="evidence/y.jpg"),
    }, items=ITEMS)
    got = [(p.path, p.line, p.column, p.code) for p in problems(root, "2024-03-01") if p.code.startswith("evidence")]
    assert got == [("records/b.yaml", 4, 5, "evidence-reused")]
    code, lines = check(root, "2024-03-01")
    assert code == 0 and any(line.startswith("records/b.yaml:4:5: warning[evidence-reused]") for line in lines)


def test_a_photo_copied_under_another_name_is_found_among_others_of_its_size(unit) -> None:  # type: ignore[no-untyped-def]
    root = unit({
        "evidence/q1.jpg": b"board of january",
        "evidence/q2.jpg": b"board of february",
        "evidence/q2-copy.jpg": b"board of january",  # the January photo again, one byte shorter than q2.jpg
        "records/a.yaml": REC.format(n=1, d="2024-01-20", e="evidence/q1.jpg"),
        "records/b.yaml": REC.format(n=2, d="2024-02-20", e="evidence/q2.jpg"),
        "records/c.yaml": REC.format(n=3, d="2024-02-21", e="evidence/q2-copy.jpg"),
    }, items=ITEMS)
    got = [p for p in problems(root, "2024-03-01") if p.code == "evidence-reused"]
    assert [(p.path, p.line, p.column) for p in got] == [("records/c.yaml", 4, 5)]
    assert "evidence/q1.jpg" in got[0].message.zh and "records/a" in got[0].message.zh


def test_a_number_in_one_cell_of_many(unit) -> None:  # type: ignore[no-untyped-def]
    """The first look joins a record's texts: a mobile number in its last table cell is still found at its cell,
    and digits split over two cells are no number."""
    rec = ("item: village/system/1\npublished: 2024-01-20\ntitle: 名单\ntables:\n  - columns: [姓名, 电话]\n"
           "    rows:\n      - [张三, 138]\n      - [\"0000\", \"0000\"]\n      - [李四, 13912345678]\n")
    root = unit({"records/a.yaml": rec}, items=ITEMS[:1])
    got = [(p.path, p.line, p.column, p.code) for p in problems(root, "2024-03-01") if p.code == "privacy"]
    assert got == [("records/a.yaml", 9, 14, "privacy")]
    code, lines = check(root, "2024-03-01")
    assert code == 1 and any(line.startswith("records/a.yaml:9:14: error[privacy]") and "139****5678" in line
                             for line in lines)


def test_items_resolved_once_per_unit_as_resolve_says(unit) -> None:  # type: ignore[no-untyped-def]
    root = unit({}, items=ITEMS[:2])
    data = load_repository(root).units[0]
    for item in ("village/system/1", "village/finance/1", "village/nope/9", "local/x", "community/system/1"):
        assert data.item(item) == resolve(item, data.unit, data.plans)
        assert data.item(item) is data.item(item)
