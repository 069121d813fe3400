"""Evidence files exist, stay inside the repository, and are not reused across items or periods."""

from __future__ import annotations

import os
from pathlib import Path

from clirun import check
from conftest import UNIT, plan_yaml, problems, write

REC = "item: village/system/{n}\npublished: 2024-01-20\nevidence:\n  - {e}\n"


def test_evidence_paths(unit, tmp_path: Path) -> None:
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"outside")
    root = unit({
        "evidence/ok.jpg": b"\xff\xd8 photo one",
        "records/ok.yaml": REC.format(n=1, e="evidence/ok.jpg"),
        "records/missing.yaml": REC.format(n=2, e="evidence/none.jpg"),
        "records/abs.yaml": REC.format(n=3, e="/etc/passwd"),
        "records/up.yaml": REC.format(n=4, e="../secret.jpg"),
        "records/link.yaml": REC.format(n=5, e="evidence/link.jpg"),
    }, items=[f"village/system/{n}" for n in range(1, 6)])
    os.symlink(outside, root / "evidence" / "link.jpg")
    got = problems(root, "2024-02-01")
    assert [(p.path, p.line, p.column, p.code) for p in got] == [
        ("records/abs.yaml", 4, 5, "evidence"),
        ("records/link.yaml", 4, 5, "evidence"),
        ("records/missing.yaml", 4, 5, "evidence"),
        ("records/up.yaml", 4, 5, "evidence"),
    ]
    assert ["绝对路径" in got[0].message.zh, "仓库外" in got[1].message.zh, "找不到" in got[2].message.zh,
            ".." in got[3].message.zh] == [True] * 4


def test_evidence_reused_on_another_day(unit) -> None:
    rec = "item: village/system/{n}\npublished: {d}\nevidence:\n  - {e}\n"
    root = unit({
        "evidence/a.jpg": b"same bytes",
        "evidence/b.jpg": b"same bytes",
        "evidence/c.jpg": b"other bytes",
        "records/a.yaml": rec.format(n=1, d="2024-01-20", e="evidence/a.jpg"),
        "records/b.yaml": rec.format(n=2, d="2024-01-27", e="evidence/b.jpg"),  # a week later: reused
        "records/c.yaml": rec.format(n=3, d="2024-01-20", e="evidence/c.jpg"),
        "records/d.yaml": rec.format(n=1, d="2024-01-29", e="evidence/a.jpg") + "supersedes: records/a\n",
    }, items=["village/system/1", "village/system/2", "village/system/3"])
    got = problems(root, "2024-02-01")
    assert [(p.path, p.line, p.column, p.code, p.severity) for p in got] == [
        ("records/b.yaml", 4, 5, "evidence-reused", "warning")]
    assert "records/a" in got[0].message.zh and "2024-01-20" in got[0].message.zh and "2024-01-27" in got[0].message.zh
    code, lines = check(root, "2024-02-01")
    assert code == 0 and lines == [lines[0]] and lines[0].startswith("records/b.yaml:4:5: warning[evidence-reused]")


def test_one_photo_of_one_posting(unit) -> None:
    """Records put up the same day share one photo of the board: not reuse."""
    rec = "item: village/system/{n}\npublished: 2024-01-20\nevidence:\n  - {e}\n"
    root = unit({
        "evidence/board-0120.jpg": b"the whole board",
        "evidence/copy.jpg": b"the whole board",
        "records/a.yaml": rec.format(n=1, e="evidence/board-0120.jpg"),
        "records/b.yaml": rec.format(n=2, e="evidence/board-0120.jpg"),
        "records/c.yaml": rec.format(n=3, e="evidence/copy.jpg"),
    }, items=["village/system/1", "village/system/2", "village/system/3"])
    assert problems(root, "2024-02-01") == []
    assert check(root, "2024-02-01", "--strict") == (0, [])


def test_dot_dot_never_allowed_even_inside(unit) -> None:
    root = unit({"evidence/a.jpg": b"photo",
                 "records/a.yaml": REC.format(n=1, e="evidence/../evidence/a.jpg")}, items=["village/system/1"])
    got = problems(root, "2024-02-01")
    assert [(p.path, p.line, p.column, p.code) for p in got] == [("records/a.yaml", 4, 5, "evidence")]
    assert "“..”" in got[0].message.zh and "请写成 evidence/a.jpg" in got[0].message.zh
    assert check(root, "2024-02-01")[0] == 1


def test_evidence_path_fixes(unit, tmp_path: Path) -> None:
    items = [f"village/system/{n}" for n in range(1, 5)]
    root = write(tmp_path / "town", {
        "dongzhuang/unit.yaml": UNIT, "dongzhuang/plans/2024.yaml": plan_yaml(items),
        "dongzhuang/inspections/2024.yaml": "date: 2024-06-01\n",
        "dongzhuang/evidence/2024/q1.jpg": b"one",
        "dongzhuang/evidence/2024/q2.jpg": b"two",
        "dongzhuang/evidence/2024/q3.jpg": b"three",
        "dongzhuang/records/case.yaml": REC.format(n=1, e="Evidence/2024/Q1.JPG"),
        "dongzhuang/records/from-repo.yaml": REC.format(n=2, e="dongzhuang/evidence/2024/q2.jpg"),
        "dongzhuang/records/no-folder.yaml": REC.format(n=3, e="2024/q3.jpg"),
        "dongzhuang/records/really-missing.yaml": REC.format(n=4, e="evidence/2024/q4.jpg"),
    })
    got = problems(root, "2024-02-01")
    assert [(p.path, p.line, p.column, p.code) for p in got] == [
        ("dongzhuang/records/case.yaml", 4, 5, "evidence"),
        ("dongzhuang/records/from-repo.yaml", 4, 5, "evidence"),
        ("dongzhuang/records/no-folder.yaml", 4, 5, "evidence"),
        ("dongzhuang/records/really-missing.yaml", 4, 5, "evidence"),
    ]
    case, repo, folder, missing = (p.message.zh for p in got)
    assert "请写成 evidence/2024/q1.jpg" in case and "大小写" in case
    assert "请写成 evidence/2024/q2.jpg" in repo and "不要再写单位文件夹名" in repo
    assert "请写成 evidence/2024/q3.jpg" in folder and "evidence/ 开头" in folder
    assert "请写成" not in missing and "找不到证据文件 evidence/2024/q4.jpg" in missing
    assert "write evidence/2024/q1.jpg" in got[0].message.en
    code, lines = check(root, "2024-02-01")
    assert code == 1 and lines[0].startswith("dongzhuang/records/case.yaml:4:5: error[evidence] 找不到证据文件 "
                                             "Evidence/2024/Q1.JPG，但有 evidence/2024/q1.jpg")
