"""Every problem code of SPEC is produced, documented in the README, and nothing else is produced."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ADOPTION, UNIT, findings

SPEC_CODES = {
    "syntax", "encoding", "schema", "date", "unknown-item", "duplicate", "reference", "evidence", "evidence-reused",
    "plan-missing", "plan-order", "plan-late", "plan-coverage", "overdue", "late", "early", "due-soon", "threshold",
    "balance", "continuity", "amount", "review", "privacy",
    "unmatched",  # issue 7: a record that meets no obligation
}
CODES = SPEC_CODES | {"plan-schedule", "ignored"}  # beyond SPEC: a plan below the seed's floor; a file not read, and why
README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_documents_every_code() -> None:
    table = set(re.findall(r"^\| `([a-z-]+)` \|", README.read_text(encoding="utf-8"), re.M))
    assert CODES <= table


def test_one_repository_produces_every_code(unit, tmp_path: Path) -> None:
    fin = "village/finance/1"
    st = "item: village/finance/1\nperiod: {p}\npublished: {d}\nreviewed: {{by: 赵六, date: {d}}}\n" \
         "finance: {{opening_balance: {o}, income: [{{name: 租金, amount: {i}}}], closing_balance: {c}}}\n"
    root = unit({
        "records/syntax.yaml": "item: x\n\tpublished: 2024-01-01\n",
        "records/ignored.yml": "item: village/system/1\npublished: 2024-01-05\n",
        "records/encoding.yaml": "title: 东庄\n".encode("gbk"),
        "records/schema.yaml": "item: village/system/1\npublshed: 2024-01-01\n",
        "records/date.yaml": "item: village/system/1\npublished: 2024-02-30\n",
        "records/unknown.yaml": "item: village/system/99\npublished: 2024-01-05\n",
        "records/ref.yaml": "item: village/system/1\npublished: 2024-01-05\nevent: nothing\n",
        "records/q1.yaml": st.format(p="2024-Q1", d="2024-03-30", o="1.00", i="1.00", c="2.00"),   # early
        "records/q1b.yaml": st.format(p="2024-Q1", d="2024-04-02", o="1.00", i="1.00", c="2.00"),  # duplicate
        "records/q2.yaml": st.format(p="2024-Q2", d="2024-07-12", o="5.00", i="1.005", c="6.00"),  # late, continuity, amount
        "records/q3.yaml": st.format(p="2024-Q3", d="2024-10-02", o="6.00", i="1.00", c="9.00")    # balance
        .replace("reviewed: {by: 赵六, date: 2024-10-02}\n", "") + "content: 电话 13812345678\n",   # review, privacy
        "records/unmatched.yaml": "item: village/system/3\npublished: 2024-01-05\n",               # not applicable in the plan
        "records/ev1.yaml": "item: village/system/1\npublished: 2024-01-05\nevidence: [evidence/a.jpg]\n",
        "records/ev2.yaml": "item: village/system/2\npublished: 2024-01-06\nevidence: [evidence/b.jpg, evidence/none.jpg]\n",
        "evidence/a.jpg": b"same", "evidence/b.jpg": b"same",
        "events/jr.yaml": "date: 2024-05-01\ntype: joint_request\ntitle: 联名\nitem: village/affairs/11\n"
                          "signatures: {villagers: 3}\n",
        "feedback/f.yaml": "type: complaint\nreceived: 2024-09-01\n",                                 # overdue
        "inspections/2024.yaml": "date: 2024-06-01\nfindings:\n  - {board: main, problems: [old], fix_by: 2024-12-30}\n",
        "plans/2023.yaml": "year: 2023\n" + ADOPTION.replace("2024", "2023").replace("published: 2023-01-16",
                                                                                    "published: 2023-01-20") + "items: []\n",
    }, items=["village/system/1", "village/system/2"],
        extra_items=f"- {{item: {fin}, schedule: quarterly}}\n- {{item: village/finance/2, schedule: standing}}\n",
        adoption=ADOPTION.replace("joint_meeting: 2024-01-12", "joint_meeting: 2024-01-09"),
        unit_yaml=UNIT.replace("since: 2024-01-01", "since: 2022-01-01"))  # no plan for 2022
    codes = {f[2] for f in findings(root, "2024-12-20")}
    assert codes == CODES
