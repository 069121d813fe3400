"""What `gongkai render` tells the clerk about what it does not print as written, on copies of the example town:
records that can never be printed (never offered --force, which cannot help), and the placeholders of
`gongkai init` (never printed: the boards and pages show 【待填写】, stderr names file:line:col and the fix)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

import gongkai.cli  # noqa: F401  (registers the commands)
from gongkai.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "huayuankou"
runner = CliRunner()
SUGGESTS_FORCE = "或用 gongkai render --force"


def town_copy(tmp_path: Path) -> Path:
    repo = tmp_path / "huayuankou"
    shutil.copytree(EXAMPLE, repo)
    return repo


def render(repo: Path, out: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["render", str(repo), "--out", str(out), "--as-of", "2024-12-31", *args])


def site_files(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- records --force cannot print


def unprintable_copy(tmp_path: Path) -> Path:
    """xiwang with a record whose `published` was deleted (it belongs on no sheet), a record file that is not
    YAML (nothing was read), and a statement that does not balance (balance: printable, marked, with --force)."""
    repo = town_copy(tmp_path)
    q2 = repo / "xiwang" / "records" / "2024" / "q2"
    affairs = q2 / "affairs-15.yaml"
    affairs.write_text("".join(line for line in affairs.read_text(encoding="utf-8").splitlines(keepends=True)
                               if not line.startswith("published:")), encoding="utf-8")
    (q2 / "broken.yaml").write_text("item: [village/affairs/7\n", encoding="utf-8")
    finance = q2 / "finance-1.yaml"
    text = finance.read_text(encoding="utf-8")
    assert "amount: 203.17}" in text
    finance.write_text(text.replace("amount: 203.17}", "amount: 213.17}"), encoding="utf-8")  # off by 10.00
    return repo


def reasons(stderr: str) -> dict[str, str]:
    return {line.split(":")[0]: line for line in stderr.splitlines() if line.startswith("xiwang/records/")}


def test_force_is_never_suggested_for_what_it_cannot_print(tmp_path: Path) -> None:
    repo = unprintable_copy(tmp_path)
    undated = ("xiwang/records/2024/q2/affairs-15.yaml:1: schema 缺少必填的键“published”（公开日期）；未印出：没有可读的"
               "公开日期，不属于任何一期公开栏（--force 也不能印出）：写上公开日期（如 2024-07-05）后重新生成")
    unread = "；未印出：文件没有读取或在仓库以外，没有可印的内容（--force 也不能印出）：按上面的说明改正后重新生成"

    plain = render(repo, tmp_path / "site", "--unit", "xiwang")
    assert plain.exit_code == 1, plain.output
    lines = reasons(plain.stderr)
    assert sorted(lines) == ["xiwang/records/2024/q2/affairs-15.yaml", "xiwang/records/2024/q2/broken.yaml",
                             "xiwang/records/2024/q2/finance-1.yaml"]
    assert lines["xiwang/records/2024/q2/affairs-15.yaml"] == undated
    assert lines["xiwang/records/2024/q2/broken.yaml"].startswith("xiwang/records/2024/q2/broken.yaml:2: syntax ")
    assert lines["xiwang/records/2024/q2/broken.yaml"].endswith(unread)
    # what --force can print still says so
    assert lines["xiwang/records/2024/q2/finance-1.yaml"].startswith("xiwang/records/2024/q2/finance-1.yaml:")
    assert lines["xiwang/records/2024/q2/finance-1.yaml"].endswith(
        "；未印出：改正后重新生成，或用 gongkai render --force 印出并标明“未通过检查”")

    forced = render(repo, tmp_path / "site", "--unit", "xiwang", "--force")
    assert forced.exit_code == 1, forced.output  # two records are still not printed
    lines = reasons(forced.stderr)
    assert lines["xiwang/records/2024/q2/affairs-15.yaml"] == undated
    assert lines["xiwang/records/2024/q2/broken.yaml"].endswith(unread)
    assert lines["xiwang/records/2024/q2/finance-1.yaml"].endswith("；已按 --force 印出，标明“未通过检查”")
    assert SUGGESTS_FORCE not in forced.stderr

    english = render(repo, tmp_path / "site", "--unit", "xiwang", "--force", "--lang", "en")
    lines = reasons(english.stderr)
    assert lines["xiwang/records/2024/q2/affairs-15.yaml"].endswith(
        "; not printed: it has no readable publication date, so it belongs on no board sheet (--force cannot print "
        "it either): write its publication date (e.g. 2024-07-05) and render again")
    assert lines["xiwang/records/2024/q2/broken.yaml"].endswith(
        "; not printed: the file was not read or lies outside the repository, so there is nothing to print "
        "(--force cannot print it either): fix it as said above and render again")
    assert "with --force" not in english.stderr


# ---------------------------------------------------------------- placeholders of gongkai init


def placeholder_copy(tmp_path: Path) -> Path:
    """dongzhuang with its town, supervision phone and complaint contact left as `gongkai init` writes them."""
    repo = town_copy(tmp_path)
    unit = repo / "dongzhuang" / "unit.yaml"
    text = unit.read_text(encoding="utf-8")
    assert "town: 花园口镇\n" in text and "supervision_phone: 0371-62345678" in text
    unit.write_text(text.replace("town: 花园口镇\n", 'town: "某某镇"\n')
                    .replace("supervision_phone: 0371-62345678", 'supervision_phone: "0000-00000000"'), encoding="utf-8")
    plan = repo / "dongzhuang" / "plans" / "2024.yaml"
    plan.write_text(re.sub(r"complaints: .*", "complaints: 村务监督委员会 某某 0000-00000000",
                           plan.read_text(encoding="utf-8")), encoding="utf-8")
    return repo


def test_init_placeholders_never_reach_a_board(tmp_path: Path) -> None:
    repo = placeholder_copy(tmp_path)
    out = tmp_path / "site"
    r = render(repo, out, "--unit", "dongzhuang", "--format", "all")
    assert r.exit_code == 0, r.output
    notes = [line for line in r.stderr.splitlines() if "gongkai init 写的占位" in line]
    assert notes == [
        "gongkai：dongzhuang/plans/2024.yaml:11:15：投诉受理人和电话仍是 gongkai init 写的占位“村务监督委员会 某某 "
        "0000-00000000”，公开栏版面和网页上印作“【待填写】”，不印这个占位：请在这一行填写真实的投诉受理人和电话后重新生成",
        "gongkai：dongzhuang/unit.yaml:4:7：所属乡镇仍是 gongkai init 写的占位“某某镇”，公开栏版面和网页上印作“【待填写】”，"
        "不印这个占位：请在这一行填写真实的所属乡镇后重新生成",
        "gongkai：dongzhuang/unit.yaml:15:22：监督电话仍是 gongkai init 写的占位“0000-00000000”，公开栏版面和网页上印作"
        "“【待填写】”，不印这个占位：请在这一行填写真实的监督电话后重新生成",
    ]
    written = site_files(out)
    assert written
    for rel, page in written.items():
        assert "0000-00000000" not in page and "某某" not in page, rel
    html, md = written["dongzhuang/sheets/2024-Q2.html"], written["dongzhuang/sheets/2024-Q2.md"]
    assert "<tr><th>监督电话</th><td>【待填写】</td></tr>" in html
    assert "<tr><th>投诉受理</th><td>【待填写】</td></tr>" in html
    assert '<span>【待填写】东庄村' in html
    assert "- 监督电话：【待填写】\n" in md and "- 投诉受理：【待填写】\n" in md
    page_html = written["dongzhuang/records/2024/q2/finance-2.html"]
    page_md = written["dongzhuang/records/2024/q2/finance-2.md"]
    assert "监督电话：【待填写】　投诉受理：【待填写】" in page_html
    assert "- 监督电话：【待填写】\n" in page_md and "- 投诉受理：【待填写】\n" in page_md
    assert "监督电话：【待填写】" in written["dongzhuang/index.html"] and "监督电话：【待填写】" in written["dongzhuang/index.md"]

    english = render(repo, out, "--unit", "dongzhuang", "--lang", "en")
    assert ("gongkai: dongzhuang/unit.yaml:15:22: the supervision phone is still the placeholder '0000-00000000' written "
            "by gongkai init; board sheets and pages show '【待填写】' instead, never the placeholder: fill in the real "
            "value on this line and render again") in english.stderr


def test_a_unit_fresh_from_init_prints_no_placeholder(tmp_path: Path) -> None:
    """Every value `gongkai init` leaves to be filled in, in a unit it has just written into the example town."""
    repo = town_copy(tmp_path)
    made = runner.invoke(app, ["init", str(repo / "xinzhuang"), "--name", "新庄村", "--kind", "village", "--year", "2024"])
    assert made.exit_code == 0, made.output
    standing = repo / "xinzhuang" / "records" / "2024" / "standing"
    standing.mkdir(parents=True)
    (standing / "system-1.yaml").write_text("item: village/system/1\npublished: 2024-01-18\ncontent: 村规民约全文。\n",
                                            encoding="utf-8")
    out = tmp_path / "site"
    r = render(repo, out, "--unit", "xinzhuang", "--format", "all")
    assert r.exit_code == 0, r.output
    assert [line.split("：")[1] for line in r.stderr.splitlines() if "gongkai init 写的占位" in line] == [
        "xinzhuang/unit.yaml:5:7", "xinzhuang/unit.yaml:14:10", "xinzhuang/unit.yaml:15:22"]
    written = site_files(out)
    assert "xinzhuang/sheets/2024-Q1.html" in written and "xinzhuang/sheets/2024-Q1.md" in written
    for rel, page in written.items():
        assert "0000-00000000" not in page and "某某" not in page, rel
    assert "<tr><th>监督电话</th><td>【待填写】</td></tr>" in written["xinzhuang/sheets/2024-Q1.html"]
    assert "- 监督电话：【待填写】\n" in written["xinzhuang/sheets/2024-Q1.md"]
