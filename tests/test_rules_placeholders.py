"""What `gongkai init` writes to be filled in is flagged, at its line, until it is."""

from __future__ import annotations

from clirun import check
from conftest import ADOPTION, UNIT, problems

from gongkai.scaffold import unit_yaml


def test_placeholders_written_by_init_are_flagged_until_filled(unit) -> None:
    root = unit(unit_yaml=unit_yaml("东庄村", "village", 2024, None, False),
                adoption=ADOPTION.replace("赵六 0371-62345679", "某某 0000-00000000"))
    got = problems(root, "2024-02-01")
    assert [(p.path, p.line, p.column, p.code, p.severity) for p in got] == [
        ("plans/2024.yaml", 9, 15, "schema", "warning"),   # complaints
        ("unit.yaml", 4, 7, "schema", "warning"),           # town
        ("unit.yaml", 6, 12, "schema", "warning"),          # villagers
        ("unit.yaml", 7, 18, "schema", "warning"),          # representatives
        ("unit.yaml", 13, 10, "schema", "warning"),         # clerk
        ("unit.yaml", 14, 22, "schema", "warning"),         # supervision_phone
    ]
    texts = [p.message.zh for p in got]
    assert all(t.startswith("请填写") for t in texts)
    assert "受理投诉" in texts[0] and "某某镇" in texts[1] and "villagers: 0" in texts[2]
    assert "文书姓名" in texts[4] and "0000-00000000" in texts[5]
    code, lines = check(root, "2024-02-01")
    assert code == 0 and lines[1].startswith("unit.yaml:4:7: warning[schema] 请填写所属乡镇：“某某镇”")
    assert check(root, "2024-02-01", "--strict")[0] == 1
    # filled in: nothing left
    filled = unit_yaml("东庄村", "village", 2024, "花园口镇", False, villagers=1860, representatives=45, clerk="王芳",
                       phone="0371-62345678")
    assert problems(unit(unit_yaml=filled), "2024-02-01") == []
    assert problems(unit(unit_yaml=UNIT), "2024-02-01") == []


def test_reminders_never_name_the_placeholder_clerk(unit) -> None:
    """overdue (and so its mail and the calendar) names who is responsible: never init's 某某. With the placeholder
    no one is named (check reports the placeholder at its line); with a real name, that name; a plan item's own
    placeholder responsible falls back to the clerk."""
    import json

    from typer.testing import CliRunner

    from gongkai.cli.app import app

    def responsible(root, day: str = "2024-12-31") -> set:  # type: ignore[no-untyped-def]
        r = CliRunner().invoke(app, ["overdue", str(root), "--as-of", day, "--format", "json"])
        assert r.exit_code in (0, 1), r.output
        return {i["responsible"] for i in json.loads(r.stdout)["items"]}

    placeholder = unit(unit_yaml=unit_yaml("东庄村", "village", 2024, "花园口镇", False, villagers=1860,
                                           representatives=45, clerk="某某", phone="0371-62345678"),
                       items=["village/affairs/15"])
    got = responsible(placeholder)
    assert got and "某某" not in got and None in got
    real = unit(unit_yaml=unit_yaml("东庄村", "village", 2024, "花园口镇", False, villagers=1860,
                                    representatives=45, clerk="王芳", phone="0371-62345678"),
                items=["village/affairs/15"])
    named = responsible(real)
    assert "王芳" in named and got - {None} == named - {None, "王芳"}  # only the clerk's rows differ
