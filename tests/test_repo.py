"""Repository discovery: every file inside a unit is read or explained (`ignored`), and PATH is found upward."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import UNIT, findings, plan_yaml, problems, write
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401  (registers the commands)
from gongkai.cli.app import app
from gongkai.repo import nearest_folder, yaml_fix

runner = CliRunner()
REC = "item: village/system/1\npublished: 2024-01-05\n"


def ignored(root: Path) -> list[tuple[str, str, str]]:
    """(path, severity, English message) of every `ignored` problem."""
    return [(p.path, p.severity, p.message.en) for p in problems(root) if p.code == "ignored"]


def test_yaml_looking_files_get_the_name_to_use(unit) -> None:  # type: ignore[no-untyped-def]
    root = unit({"records/2024/a.yml": REC, "records/2024/b.YAML": REC, "records/2024/c.yaml.txt": REC,
                 "records/2024/ok.yaml": REC, "events/e.yml": "date: 2024-01-01\n"})
    assert ignored(root) == [
        ("events/e.yml", "error", "'e.yml' is not read: gongkai reads only files ending in .yaml. Rename it to 'e.yaml'"),
        ("records/2024/a.yml", "error",
         "'a.yml' is not read: gongkai reads only files ending in .yaml. Rename it to 'a.yaml'"),
        ("records/2024/b.YAML", "error",
         "'b.YAML' is not read: gongkai reads only files ending in .yaml. Rename it to 'b.yaml'"),
        ("records/2024/c.yaml.txt", "error",
         "'c.yaml.txt' is not read: gongkai reads only files ending in .yaml. Rename it to 'c.yaml'"),
    ]
    zh = [p.message.zh for p in problems(root) if p.path == "records/2024/a.yml"]
    assert zh == ["文件名是“a.yml”，不会被读取：gongkai 只读以 .yaml 结尾的文件，请改名为“a.yaml”"]


def test_unknown_folders_and_the_unit_root(unit) -> None:  # type: ignore[no-untyped-def]
    root = unit({"record/2024/q1.yaml": REC, "plan/2024.yaml": "year: 2024\n", "2024.yaml": "year: 2024\n",
                 "misc.yaml": REC, "notes/a.txt": "x", "notes/b.docx": "x", "todo.docx": "x",
                 "plans/old/2023.yaml": "year: 2023\n", "records/photo.jpg": b"\xff\xd8",
                 "记录/a.yaml": REC})
    got = ignored(root)
    assert [(p, s) for p, s, _ in got] == [
        ("2024.yaml", "error"), ("misc.yaml", "error"), ("notes", "warning"), ("plan/2024.yaml", "error"),
        ("plans/old/2023.yaml", "error"), ("record/2024/q1.yaml", "error"), ("records/photo.jpg", "warning"),
        ("todo.docx", "warning"), ("记录/a.yaml", "error")]
    by_path = {p: m for p, _, m in got}
    assert by_path["record/2024/q1.yaml"] == "'record/' is not a folder gongkai reads: did you mean records/? Rename it"
    assert by_path["plan/2024.yaml"] == "'plan/' is not a folder gongkai reads: did you mean plans/? Rename it"
    assert by_path["记录/a.yaml"].endswith("did you mean records/? Rename it")
    assert by_path["2024.yaml"].endswith("move an annual plan to plans/2024.yaml")
    assert "records go in records/" in by_path["misc.yaml"]
    assert by_path["notes"].startswith("2 file(s) here are not read: 'notes/' is not a folder gongkai reads")
    assert by_path["plans/old/2023.yaml"].startswith("plans/ has no sub-folders")
    assert by_path["records/photo.jpg"] == "not a YAML file, so not read: keep photos and scans under evidence/"
    # every problem points at the file itself, and nothing else changed: the records in records/ are still read
    assert all(p.line is None for p in problems(root) if p.code == "ignored")


def test_what_is_skipped_silently(unit) -> None:  # type: ignore[no-untyped-def]
    """evidence/ holds anything; hidden files, editor and system litter, READMEs, render output and nested units
    are no business of the unit's."""
    root = unit({"evidence/2024/a.jpg": b"x", "evidence/notes.yaml": "x: 1\n", ".git/config": "x",
                 "records/.q1.yaml.swp": "x", "records/q1.yaml~": "x", "records/~$表.docx": "x",
                 "records/Thumbs.db": "x", ".DS_Store": "x", "README.md": "说明", "records/README.txt": "x",
                 "_site/index.html": "x", "templates/base.html": "x",
                 "group3/unit.yaml": UNIT.replace("东庄村", "三组"), "group3/records/x.txt": "x",
                 "records/sub/unit.yaml": UNIT.replace("东庄村", "嵌套"), "records/sub/notes.txt": "x"})
    assert [p for p in ignored(root) if not p[0].startswith(("group3/", "records/sub/"))] == []
    # files in the folders of a nested unit belong to that unit
    assert [(p.unit, p.path) for p in problems(root) if p.code == "ignored"] == [
        ("group3", "group3/records/x.txt"), ("records/sub", "records/sub/notes.txt")]


def test_gongkai_yaml_of_a_nested_unit_is_not_read(tmp_path: Path) -> None:
    root = write(tmp_path, {"gongkai.yaml": "name: 花园口镇\n", "dz/unit.yaml": UNIT, "dz/gongkai.yaml": "name: 别的镇\n",
                            "dz/plans/2024.yaml": plan_yaml([]), "dz/inspections/2024.yaml": "date: 2024-06-01\n"})
    assert ignored(root) == [("dz/gongkai.yaml", "error", "only the gongkai.yaml of the repository root (or PATH) is "
                              "read, not this one: a unit's own timing goes under rules: in unit.yaml")]
    # a single-unit repository keeps its settings next to unit.yaml: that one is read, not flagged
    single = write(tmp_path / "single", {"gongkai.yaml": "name: 花园口镇\n", "unit.yaml": UNIT,
                                         "plans/2024.yaml": plan_yaml([]), "inspections/2024.yaml": "date: 2024-06-01\n"})
    assert findings(single) == []


def test_the_configured_templates_folder_is_not_data(tmp_path: Path) -> None:
    root = write(tmp_path, {"gongkai.yaml": "templates: 模板/\n", "unit.yaml": UNIT, "plans/2024.yaml": plan_yaml([]),
                            "inspections/2024.yaml": "date: 2024-06-01\n", "模板/sheet.html": "{{ unit.name }}",
                            "模版/x.html": "x"})
    assert [p for p, _, _ in ignored(root)] == ["模版"]  # the folder gongkai.yaml names is skipped, a stray one is not


def test_a_misnamed_unit_file_is_reported(tmp_path: Path) -> None:
    root = write(tmp_path, {"a/unit.yaml": UNIT, "a/plans/2024.yaml": plan_yaml([]),
                            "a/inspections/2024.yaml": "date: 2024-06-01\n", "b/unit.yml": UNIT})
    assert ignored(root) == [("b/unit.yml", "error", "the unit file must be named unit.yaml ('unit.yml' is not read), "
                              "so this folder is no unit yet: rename it")]


def test_cli_explains_ignored_files(unit) -> None:  # type: ignore[no-untyped-def]
    root = unit({"record/a.yaml": REC, "records/b.yml": REC})
    for args in (["check"], ["overdue"], ["render", "--out", str(root.parent / "site")]):
        r = runner.invoke(app, [args[0], str(root), "--as-of", "2024-07-15", *args[1:]])
        assert r.exit_code in (0, 1), r.output
        assert "内部错误" not in r.output and "internal error" not in r.output
    r = runner.invoke(app, ["check", str(root), "--as-of", "2024-07-15"])
    assert r.exit_code == 1
    assert "record/a.yaml: error[ignored] “record/”不是 gongkai 读取的文件夹：是否应为 records/？请改名" in r.stdout
    assert "records/b.yml: error[ignored] 文件名是“b.yml”" in r.stdout


def test_helpers() -> None:
    assert yaml_fix("a.yml") == "a.yaml" and yaml_fix("a.Yaml") == "a.yaml" and yaml_fix("a.yml.TXT") == "a.yaml"
    assert yaml_fix("a.yaml") is None and yaml_fix("a.jpg") is None and yaml_fix("a.yaml.bak") is None
    assert nearest_folder("record") == "records" and nearest_folder("Plan") == "plans"
    assert nearest_folder("inspection") == "inspections" and nearest_folder("照片") == "evidence"
    assert nearest_folder("archive") is None


# ---------------------------------------------------------------- PATH found upward (issue 7 point 10)


def _town(tmp_path: Path) -> Path:
    return write(tmp_path / "town", {
        ".git/HEAD": "ref: refs/heads/main\n", "gongkai.yaml": "name: 花园口镇\n",
        "dz/unit.yaml": UNIT, "dz/plans/2024.yaml": plan_yaml([]), "dz/inspections/2024.yaml": "date: 2024-06-01\n",
        "dz/records/2024/a.yaml": "item: village/system/1\npublished: 2024-02-30\n",
        "xc/unit.yaml": UNIT.replace("东庄村", "西村"), "xc/plans/2024.yaml": plan_yaml([]),
        "xc/inspections/2024.yaml": "date: 2024-06-01\n", "notes/x.txt": "x"})


def test_check_inside_a_unit_finds_it_upward(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    town = _town(tmp_path)
    monkeypatch.chdir(town / "dz" / "records" / "2024")
    r = runner.invoke(app, ["check", "--as-of", "2024-07-15"])
    assert r.exit_code == 1, r.output
    assert r.stdout.startswith("records/2024/a.yaml:2:12: error[date]")  # relative to the unit found
    assert "  .（东庄村）: 1 个错误" in r.stdout and "西村" not in r.stdout
    assert f"“.”里没有单位，使用上级文件夹 ../..（{town / 'dz'}）；输出中的路径相对于它" in r.stderr
    assert "使用设置文件 ../gongkai.yaml" in r.stderr  # the town's settings, found inside the git repository
    for cmd in ("overdue", "render"):
        r = runner.invoke(app, [cmd, "--as-of", "2024-07-15", *(["--out", str(tmp_path / "site")] if cmd == "render"
                                                                 else [])])
        assert r.exit_code in (0, 1) and "使用上级文件夹 ../.." in r.stderr, r.output
    r = runner.invoke(app, ["check", "--as-of", "2024-07-15", "--lang", "en"])
    assert "no unit in '.': using the folder above, ../.." in r.stderr


def test_check_in_a_folder_of_the_town_finds_the_town(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    town = _town(tmp_path)
    monkeypatch.chdir(town / "notes")
    r = runner.invoke(app, ["check", "--as-of", "2024-07-15"])
    assert r.exit_code == 1
    assert "dz/records/2024/a.yaml:2:12: error[date]" in r.stdout and "共 2 个单位" in r.stdout
    assert "使用上级文件夹 .." in r.stderr


def test_no_unit_upward_is_still_exit_2(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    empty = write(tmp_path / "repo", {".git/HEAD": "x", "a/b.txt": "x"})
    monkeypatch.chdir(empty / "a")
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 2 and "没有找到任何单位" in r.stderr
    # the search stops at .git: a unit above the repository is not this repository's
    write(tmp_path, {"unit.yaml": UNIT})
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 2 and "没有找到任何单位" in r.stderr


def test_settings_are_never_read_above_the_repository(tmp_path: Path) -> None:
    """Without .git only PATH's own gongkai.yaml is read; with .git, up to the repository's top and no further."""
    write(tmp_path, {"gongkai.yaml": "name: 外面的镇\nrules: {quarterly_days: 99}\n"})
    plain = write(tmp_path / "plain", {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml([]),
                                       "inspections/2024.yaml": "date: 2024-06-01\n"})
    r = runner.invoke(app, ["check", str(plain), "--as-of", "2024-07-15"])
    assert r.exit_code == 0 and "gongkai.yaml" not in r.stdout
    assert f"没有读取上级文件夹的 ../gongkai.yaml：“{plain}”不在 git 仓库里" in r.stderr
    inner = write(tmp_path / "git", {".git/HEAD": "x", "u/unit.yaml": UNIT, "u/plans/2024.yaml": plan_yaml([]),
                                     "u/inspections/2024.yaml": "date: 2024-06-01\n"})
    r = runner.invoke(app, ["check", str(inner / "u"), "--as-of", "2024-07-15"])
    assert r.exit_code == 0 and "gongkai.yaml" not in r.stderr
    (inner / "gongkai.yaml").write_text("name: 镇\nrules: {quarterly_days: 5}\n", encoding="utf-8")
    r = runner.invoke(app, ["check", str(inner / "u"), "--as-of", "2024-07-15"])
    assert r.exit_code == 0 and "使用设置文件 ../gongkai.yaml" in r.stderr
    os.remove(inner / "gongkai.yaml")


def test_non_utf8_file_names_are_printable(unit) -> None:  # type: ignore[no-untyped-def]
    """A GBK file name from a Windows machine is shown with escapes, never an encoding failure."""
    root = unit({"records/ok.yaml": REC})
    os.makedirs(os.path.join(os.fsencode(root), "记录".encode("gbk")))
    for name in (b"records/\xd5\xd5.jpg", b"records/\xd5\xd5.yml", "记录".encode("gbk") + b"/a.yaml"):
        with open(os.path.join(os.fsencode(root), name), "wb") as fh:
            fh.write(b"x: 1\n")
    got = ignored(root)
    assert [p for p, _, _ in got] == ["\\xbc\\xc7¼/a.yaml", "records/\\xd5\\xd5.jpg", "records/\\xd5\\xd5.yml"]
    assert got[2][2] == "'\\xd5\\xd5.yml' is not read: gongkai reads only files ending in .yaml. Rename it to " \
                        "'\\xd5\\xd5.yaml'"
    for p in problems(root):
        (p.path + p.message.zh + p.message.en).encode("utf-8")  # strict: what any terminal or JSON needs
