"""Evidence files exist, stay inside the repository, and are not reused across items or periods."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import findings, problems

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


def test_evidence_reused(unit) -> None:
    root = unit({
        "evidence/a.jpg": b"same bytes",
        "evidence/b.jpg": b"same bytes",
        "evidence/c.jpg": b"other bytes",
        "records/a.yaml": REC.format(n=1, e="evidence/a.jpg"),
        "records/b.yaml": REC.format(n=2, e="evidence/b.jpg"),
        "records/c.yaml": REC.format(n=3, e="evidence/c.jpg"),
        "records/d.yaml": REC.format(n=1, e="evidence/a.jpg") + "supersedes: records/a\n",
    }, items=["village/system/1", "village/system/2", "village/system/3"])
    got = problems(root, "2024-02-01")
    assert [(p.path, p.code, p.severity) for p in got] == [("records/b.yaml", "evidence-reused", "warning")]
    assert "records/a" in got[0].message.zh
    assert findings(root, "2024-02-01")[0][1] == 4
