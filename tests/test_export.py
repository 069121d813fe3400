"""`gongkai export`: the register of records (csv, json, with evidence SHA-256), and the repository as SQLite or
CSV tables, written atomically and never over a file that gongkai did not write."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import sqlite3
from pathlib import Path

from conftest import UNIT, plan_yaml, write
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers every command on the app
from gongkai.cli.app import app
from gongkai.export import SCHEMA, TABLES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "huayuankou"
README = (ROOT / "README.md").read_text(encoding="utf-8")
cli = CliRunner()


def record_files(unit: str) -> list[Path]:
    return sorted((EXAMPLE / unit / "records").rglob("*.yaml"))


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return cli.invoke(app, ["export", *args])


def test_register_has_one_row_per_record_in_a_stable_order() -> None:
    result = invoke("register", str(EXAMPLE), "--as-of", "2024-12-31")
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.startswith("\ufeff".encode()) and raw.count(b"\r\n") == len(raw.splitlines())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == ["单位编号", "单位", "记录", "事项编号", "标题", "类别", "期间", "公开日期", "公开方式", "公开栏",
                             "审核人", "审核日期", "证据文件", "SHA-256", "更正的记录", "来源文件"]
    units = ["binhe-shequ", "dongzhuang", "nanhe", "xincun-shequ", "xiwang"]
    for unit in units:
        mine = [r for r in rows if r["单位编号"] == unit]
        assert len(mine) == len(record_files(unit))  # every record file, once
        keys = [(r["公开日期"], r["记录"]) for r in mine]
        assert keys == sorted(keys)
    assert [r["单位编号"] for r in rows] == sorted((r["单位编号"] for r in rows), key=units.index)
    assert len(rows) == sum(len(record_files(u)) for u in units)
    q1 = next(r for r in rows if r["单位编号"] == "nanhe" and r["记录"] == "records/2024/q1/finance-1")
    photo = EXAMPLE / "nanhe" / "evidence" / "2024" / "q1" / "finance-1.jpg"
    assert q1["证据文件"] == "evidence/2024/q1/finance-1.jpg"
    assert q1["SHA-256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert q1["类别"] == "财务类" and q1["期间"] == "2024-Q1" and q1["公开方式"] == "公开栏、微信群"
    assert q1["来源文件"] == "nanhe/records/2024/q1/finance-1.yaml" and q1["标题"]
    # binhe-shequ's Q2 photo was never uploaded: the register says so instead of inventing a hash
    missing = next(r for r in rows if r["单位编号"] == "binhe-shequ" and r["记录"] == "records/2024/q2/affairs-12")
    assert missing["SHA-256"] == "（缺失）"
    correction = next(r for r in rows if r["记录"] == "records/2024/03/finance-1-correction")
    assert correction["更正的记录"] == "records/2024/03/finance-1"


def test_register_json_year_and_as_of() -> None:
    result = invoke("register", str(EXAMPLE), "--as-of", "2024-04-30", "--format", "json", "--year", "2024")
    data = json.loads(result.stdout)
    assert data["generator"] == "gongkai export register" and data["as_of"] == "2024-04-30" and data["year"] == 2024
    assert all(r["published"] <= "2024-04-30" for r in data["records"])  # not yet published ones are left out
    first = data["records"][0]
    assert set(first) >= {"unit", "item", "title", "category", "period", "published", "channels", "boards",
                          "reviewed_by", "reviewed_date", "evidence", "path"}
    assert all(len(e["sha256"]) == 64 for r in data["records"] for e in r["evidence"])
    none = json.loads(invoke("register", str(EXAMPLE), "--format", "json", "--year", "2023").stdout)
    assert none["records"] == []


def test_register_masks_personal_numbers_in_titles(tmp_path: Path) -> None:
    repo = write(tmp_path, {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml(["village/affairs/7"]),
                            "records/a.yaml": "item: village/affairs/7\npublished: 2024-03-01\ntitle: 联系人13812345678\n"})
    out = invoke("register", str(repo), "--as-of", "2024-07-01").stdout
    assert "138****5678" in out and "13812345678" not in out


def test_register_out_never_replaces_a_users_file(tmp_path: Path) -> None:
    mine = tmp_path / "台账.csv"
    mine.write_text("我自己的表格\n", encoding="utf-8")
    result = invoke("register", str(EXAMPLE), "--as-of", "2024-12-31", "--out", str(mine))
    assert result.exit_code == 2
    assert f"“{mine}”已经存在，而且不是 gongkai 导出的文件：不会覆盖它" in result.output
    assert mine.read_text(encoding="utf-8") == "我自己的表格\n"
    out = tmp_path / "register.csv"
    assert invoke("register", str(EXAMPLE), "--as-of", "2024-12-31", "-o", str(out)).exit_code == 0
    assert invoke("register", str(EXAMPLE), "--as-of", "2024-12-31", "-o", str(out), "--lang", "en").exit_code == 0
    assert out.read_bytes().decode("utf-8-sig").startswith("unit,unit name,record")  # an earlier register: replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.csv", "台账.csv"]  # no temporary file left


def test_sqlite_tables(tmp_path: Path) -> None:
    db = tmp_path / "county" / "huayuankou.sqlite"
    result = invoke(str(EXAMPLE), "--as-of", "2024-12-31", "--out", str(db))
    assert result.exit_code == 0, result.output
    assert "已写入" in result.output and "5 个单位" in result.output
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x676B6169
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert names == set(TABLES)
        assert con.execute("SELECT unit, name, kind FROM units ORDER BY unit").fetchall()[2] == ("nanhe", "南河村", "village")
        # the 2024 obligations and their status, as in test_status's hand count
        rows = dict(con.execute("SELECT unit, count(*) FROM obligations WHERE due <= '2024-12-31' GROUP BY unit"))
        assert rows == {"dongzhuang": 56, "xiwang": 34, "nanhe": 33, "xincun-shequ": 35, "binhe-shequ": 30}
        overdue = con.execute("SELECT unit, kind, days, path FROM obligations WHERE status = 'overdue'").fetchall()
        assert overdue == [("nanhe", "feedback", 33, "nanhe/feedback/2024/2024-11-18-well-repair.yaml")]
        late = con.execute("SELECT item, period, days FROM obligations WHERE status = 'late'").fetchall()
        assert late == [("village/affairs/20", "2024-Q2", 5)]
        n_records = sum(len(record_files(u)) for u in ("binhe-shequ", "dongzhuang", "nanhe", "xincun-shequ", "xiwang"))
        assert con.execute("SELECT count(*) FROM records").fetchone()[0] == n_records
        assert con.execute("SELECT count(*) FROM evidence WHERE sha256 IS NULL").fetchone()[0] == 1
        codes = con.execute("SELECT code, count(*) FROM problems WHERE severity != 'info' GROUP BY code ORDER BY code")
        assert codes.fetchall() == [("balance", 1), ("continuity", 1), ("evidence", 1), ("late", 1), ("overdue", 1),
                                    ("plan-coverage", 1), ("privacy", 1), ("review", 1)]
        # the README's example query runs and answers it
        query = re.search(r"```sql\n(SELECT.*?)```", README, re.S)
        assert query, "README shows no example query"
        rows = con.execute(query.group(1)).fetchall()
        assert rows[0][0] == "南河村"
    finally:
        con.close()
    # run again: an earlier gongkai database is replaced
    assert invoke(str(EXAMPLE), "--as-of", "2024-12-31", "--out", str(db)).exit_code == 0
    assert [p.name for p in db.parent.iterdir()] == ["huayuankou.sqlite"]


def test_readme_documents_the_schema() -> None:
    for statement in re.findall(r"CREATE TABLE .*?\n\);|CREATE TABLE [^\n]*;", SCHEMA, re.S):
        assert statement in README, statement.splitlines()[0]


def test_sqlite_refuses_to_replace_other_files(tmp_path: Path) -> None:
    unit_yaml = EXAMPLE / "nanhe" / "unit.yaml"
    before = unit_yaml.read_bytes()
    for target, text in ((tmp_path / "notes.sqlite", "not a database"), (tmp_path / "unit.yaml", "name: x\n")):
        target.write_text(text, encoding="utf-8")
        result = invoke(str(EXAMPLE), "--as-of", "2024-12-31", "--out", str(target))
        assert result.exit_code == 2 and "不是 gongkai 导出的文件：不会覆盖它" in result.output
        assert target.read_text(encoding="utf-8") == text
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert invoke(str(EXAMPLE), "--out", str(other), "--lang", "en").exit_code == 2
    assert unit_yaml.read_bytes() == before


def test_csv_folder(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    result = invoke(str(EXAMPLE), "--as-of", "2024-12-31", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    raw = (out / "obligations.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[:6] == ["unit", "kind", "rule", "item", "title", "period"]
    assert sum(r["status"] == "overdue" for r in rows) == 1
    assert invoke(str(EXAMPLE), "--as-of", "2024-12-31", "--format", "csv", "--out", str(out)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]  # replaced; nothing left behind
    (out / "my-notes.txt").write_text("x", encoding="utf-8")
    refused = invoke(str(EXAMPLE), "--format", "csv", "--out", str(out))
    assert refused.exit_code == 2 and "不是 gongkai 导出的文件夹" in refused.output
    assert (out / "my-notes.txt").read_text(encoding="utf-8") == "x"


def test_bad_invocations_exit_2(tmp_path: Path) -> None:
    no_out = invoke(str(EXAMPLE))
    assert no_out.exit_code == 2 and "请用 --out 指定写到哪里" in no_out.output
    fmt = invoke("register", str(EXAMPLE), "--format", "sqlite")
    assert fmt.exit_code == 2 and "--format：登记册只能是 csv | json，收到“sqlite”" in fmt.output
    extra = invoke("register", str(EXAMPLE), "more")
    assert extra.exit_code == 2 and "多余的参数：more" in extra.output
    nobody = invoke("register", str(tmp_path), "--lang", "en")
    assert nobody.exit_code == 2 and "no unit found under" in nobody.output


def test_problem_messages_follow_lang(tmp_path: Path) -> None:
    db = tmp_path / "en.sqlite"
    assert invoke(str(EXAMPLE), "--as-of", "2024-12-31", "--out", str(db), "--lang", "en").exit_code == 0
    con = sqlite3.connect(db)
    try:
        (message,) = con.execute("SELECT message FROM problems WHERE code = 'overdue'").fetchone()
    finally:
        con.close()
    assert message.startswith("'答复质询/意见") and "days overdue" in message


def outside_photo_copy(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the example town whose dongzhuang Q2 affairs-15 photo is a link to a file outside the repository
    (the `evidence` rule refuses it: it is never read). Returns the copy and the outside file's SHA-256."""
    repo = tmp_path / "huayuankou"
    shutil.copytree(EXAMPLE, repo, symlinks=True)
    photo = repo / "dongzhuang" / "evidence" / "2024" / "q2" / "affairs-15.jpg"
    secret = tmp_path / "outside" / "私人照片.jpg"
    secret.parent.mkdir()
    secret.write_bytes(b"not part of the repository")
    photo.unlink()
    photo.symlink_to(secret)
    return repo, hashlib.sha256(secret.read_bytes()).hexdigest()


def test_evidence_outside_the_repository_is_not_called_missing(tmp_path: Path) -> None:
    repo, secret_hash = outside_photo_copy(tmp_path)
    check = cli.invoke(app, ["check", str(repo), "--as-of", "2024-12-31", "--no-cache"])
    assert check.exit_code == 1
    assert ("dongzhuang/records/2024/q2/affairs-15.yaml:7:12: error[evidence] 证据文件 evidence/2024/q2/affairs-15.jpg "
            "是指向仓库外面的链接") in check.stdout
    rid = "records/2024/q2/affairs-15"
    for lang, outside, missing in (("zh", "（在仓库外，未读取）", "（缺失）"),
                                   ("en", "(outside the repository, not read)", "(missing)")):
        result = invoke("register", str(repo), "--as-of", "2024-12-31", "--lang", lang)
        assert result.exit_code == 0, result.output
        rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig"))))
        row = next(r for r in rows if r[0] == "dongzhuang" and r[2] == rid)
        assert row[12:14] == ["evidence/2024/q2/affairs-15.jpg", outside]
        # the photo that really is not there is still "missing"
        row = next(r for r in rows if r[0] == "binhe-shequ" and r[2] == "records/2024/q2/affairs-12")
        assert row[13] == missing
        assert secret_hash not in result.stdout
    data = json.loads(invoke("register", str(repo), "--as-of", "2024-12-31", "-f", "json").stdout)
    (rec,) = [r for r in data["records"] if r["unit"] == "dongzhuang" and r["record"] == rid]
    assert rec["evidence"] == [{"path": "evidence/2024/q2/affairs-15.jpg", "sha256": None, "status": "outside"}]
    states = {e["status"] for r in data["records"] for e in r["evidence"]}
    assert states == {"ok", "missing", "outside"}
    db = tmp_path / "town.sqlite"
    result = invoke(str(repo), "--as-of", "2024-12-31", "--out", str(db))
    assert result.exit_code == 0, result.output
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT unit, record, sha256, status FROM evidence WHERE status != 'ok' ORDER BY unit")
        assert rows.fetchall() == [("binhe-shequ", "records/2024/q2/affairs-12", None, "missing"),
                                   ("dongzhuang", rid, None, "outside")]
        assert con.execute("PRAGMA user_version").fetchone()[0] == 2
    finally:
        con.close()
    assert secret_hash.encode() not in db.read_bytes()


def test_evidence_states_of_paths_never_followed(tmp_path: Path) -> None:
    """An absolute path leads outside; a path with `..` or a folder is not read; a dangling link inside is missing."""
    (tmp_path / "evidence").mkdir(parents=True)
    (tmp_path / "evidence" / "gone.jpg").symlink_to(tmp_path / "evidence" / "nowhere.jpg")
    repo = write(tmp_path, {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml(["village/affairs/7"]),
                            "evidence/ok.jpg": b"photo",
                            "records/a.yaml": "item: village/affairs/7\npublished: 2024-03-01\nevidence: [/etc/hostname, "
                                              "evidence/../evidence/ok.jpg, evidence, evidence/gone.jpg, evidence/ok.jpg]\n"})
    result = invoke("register", str(repo), "--as-of", "2024-07-01", "-f", "json")
    assert result.exit_code == 0, result.output
    (rec,) = json.loads(result.stdout)["records"]
    assert [(e["status"], e["sha256"]) for e in rec["evidence"]] == [
        ("outside", None), ("not-read", None), ("not-read", None), ("missing", None),
        ("ok", hashlib.sha256(b"photo").hexdigest())]
    cells = invoke("register", str(repo), "--as-of", "2024-07-01").stdout_bytes.decode("utf-8-sig")
    assert "（在仓库外，未读取）; （未读取）; （未读取）; （缺失）; " + hashlib.sha256(b"photo").hexdigest() in cells
