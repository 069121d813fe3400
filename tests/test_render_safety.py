"""`gongkai render` under attack and with wrong data: records with errors never reach paper silently,
town templates stay inside their folder and inside their budget, output names stay inside --out and
distinct. Through the CLI, like a clerk (or a hostile repository) runs it: never "internal error"."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import write
from test_render import FINANCE, SMALL, STANDING, files, invoke, text

BALANCE = """\
item: village/finance/1
period: 2024-Q1
published: 2024-04-08
title: 东庄村2024年第一季度收支
reviewed: {by: 赵六, date: 2024-04-06}
finance:
  opening_balance: 100.00
  income: [{name: 租金, amount: 50.00}]
  expense: []
  closing_balance: 125000.00
"""
PRIVATE_STANDING = STANDING + "  联系人电话 13912345678。\n"


def run(repo: Path, out: Path, *args: str, as_of: str = "2024-07-15"):  # type: ignore[no-untyped-def]
    r = invoke("render", str(repo), "--out", str(out), "--as-of", as_of, *args)
    assert "internal error" not in r.output and "内部错误" not in r.output, r.output
    return r


def reasons(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "未印出" in line or "已按 --force 印出" in line]


# ---------------------------------------------------------------- issue 7 point 2: records with errors


def wrong_repo(tmp_path: Path) -> Path:
    return write(tmp_path / "repo", {**SMALL, "records/2024/q1-finance.yaml": BALANCE,
                                     "records/standing/system-1.yaml": PRIVATE_STANDING})


def test_records_with_errors_are_withheld(tmp_path: Path) -> None:
    out = tmp_path / "site"
    r = run(wrong_repo(tmp_path), out, "--format", "all")
    assert r.exit_code == 1, r.output
    lines = reasons(r.stderr)
    assert len(lines) == 2, r.stderr
    assert lines[0].startswith("records/2024/q1-finance.yaml:10: balance 收支不平：期初 100.00 + 收入 50.00 − 支出 0.00 "
                               "= 150.00，但期末余额写的是 125,000.00（多 124,850.00）")
    assert lines[0].endswith("；未印出：改正后重新生成，或用 gongkai render --force 印出并标明“未通过检查”")
    assert lines[1].startswith("records/standing/system-1.yaml:6: privacy ")
    written = files(out)
    # everything else is still written; the two records are on no sheet, no page and no index
    assert "records/2024/q2-finance.html" in written and "sheets/2024-Q2.html" in written
    assert not any(rel.startswith(("records/2024/q1-finance", "records/standing/", "sheets/2024-Q1")) for rel in written)
    for rel, data in written.items():
        page = data.decode("utf-8")
        assert "第一季度收支" not in page and "东庄村村规民约" not in page and "未通过检查" not in page, rel
    assert "长期公开事项" in text(out, "sheets/2024-Q2.html")
    r = run(wrong_repo(tmp_path), out, "--format", "all", "--lang", "en")
    assert any(line.startswith("records/2024/q1-finance.yaml:10: balance ") and line.endswith(
        "; not printed: fix it and render again, or print it marked 未通过检查 with --force") for line in r.stderr.splitlines())


def test_a_unit_whose_unit_yaml_has_errors_prints_nothing(tmp_path: Path) -> None:
    """The masthead, the categories (from `kind`) and the supervision phone of every sheet come from unit.yaml:
    a unit.yaml with an error would put a wrong board on the wall, so none of the unit's pages is printed;
    an overdue obligation that merely points at unit.yaml (the yearly inspection) withholds nothing."""
    repo = write(tmp_path / "repo", {**SMALL, "unit.yaml": SMALL["unit.yaml"].replace("kind: village", "kind: vilage")})
    out = tmp_path / "site"
    r = run(repo, out)
    assert r.exit_code == 1, r.output
    lines = reasons(r.stderr)
    assert len(lines) == 1 and lines[0].startswith("unit.yaml:2: schema "), r.stderr
    assert "本单位的公开栏和页面都未印出" in lines[0]
    assert not out.exists() or not [f for f in files(out) if f.endswith(".html")]
    r = run(repo, out, "--force")
    assert r.exit_code == 0, r.output
    assert "已按 --force 印出本单位各页" in r.stderr
    sheet = text(out, "sheets/2024-Q2.html")
    assert "未通过检查" in sheet
    # an overdue inspection (an error at unit.yaml, as of a later day) is not an error in unit.yaml
    healthy = write(tmp_path / "healthy", SMALL)
    r = run(healthy, tmp_path / "late", as_of="2026-02-01")
    assert "本单位的公开栏和页面都未印出" not in r.stderr and (tmp_path / "late/sheets/2024-Q2.html").exists()


def test_force_prints_them_marked(tmp_path: Path) -> None:
    out = tmp_path / "site"
    r = run(wrong_repo(tmp_path), out, "--format", "all", "--force")
    assert r.exit_code == 0, r.output
    lines = reasons(r.stderr)
    assert [line.split(": ")[0] for line in lines] == ["records/2024/q1-finance.yaml:10", "records/standing/system-1.yaml:6"]
    assert all(line.endswith("；已按 --force 印出，标明“未通过检查”") for line in lines)
    q1 = text(out, "sheets/2024-Q1.html")
    assert '<td><span class="failed-mark">【未通过检查】</span>东庄村2024年第一季度收支</td>' in q1  # the cover
    assert ('<p class="failed">【未通过检查】本件的文件有错误（balance），内容可能不准确，以核实后的更正为准。</p>'
            in q1)  # its page on the sheet
    assert '<li><span class="failed-mark">【未通过检查】</span>东庄村村规民约<span class="when">' in text(
        out, "sheets/2024-Q2.html")  # the standing list
    assert '<p class="failed">【未通过检查】本件的文件有错误（privacy）' in text(out, "records/standing/system-1.html")
    assert "139****5678" in text(out, "records/standing/system-1.html")  # and still masked
    md = text(out, "sheets/2024-Q1.md")
    assert "| 1 | **【未通过检查】**[东庄村2024年第一季度收支](../records/2024/q1-finance.md) |" in md
    assert "> **【未通过检查】**本件的文件有错误（balance），内容可能不准确，以核实后的更正为准。" in md
    assert "> **【未通过检查】**本件的文件有错误（privacy）" in text(out, "records/standing/system-1.md")
    assert "**【未通过检查】**[东庄村村规民约]" in text(out, "sheets/2024-Q2.md")
    assert "【未通过检查】" in text(out, "index.html") and "【未通过检查】" in text(out, "index.md")
    # the clean record carries no mark
    assert "未通过检查" not in text(out, "records/2024/q2-finance.html")


def test_warnings_do_not_block(tmp_path: Path) -> None:
    late = FINANCE.replace("published: 2024-07-08", "published: 2024-07-14")  # due 2024-07-10: `late`, a warning
    repo = write(tmp_path / "repo", {**SMALL, "records/2024/q2-finance.yaml": late})
    check = invoke("check", str(repo), "--as-of", "2024-07-15")
    assert "records/2024/q2-finance.yaml" in check.stdout and "warning[late]" in check.stdout
    out = tmp_path / "site"
    r = run(repo, out)
    assert r.exit_code == 0 and reasons(r.stderr) == []
    assert "2024年第二季度村级财务收支情况" in text(out, "sheets/2024-Q2.html")
    assert "未通过检查" not in text(out, "sheets/2024-Q2.html")


@pytest.mark.parametrize("name, record, code", [
    ("amount", FINANCE.replace("amount: 32000.00", "amount: 三万二"), "amount"),  # unreadable when loading
    ("schema", FINANCE.replace("channels: [board, wechat_group]", "channels: [board, fax]"), "schema"),
    ("privacy", FINANCE.replace("请村民监督", "联系 13912345678"), "privacy"),
    ("balance", FINANCE.replace("closing_balance: 189000.00", "closing_balance: 189000.10"), "balance"),
])
def test_each_kind_of_error_withholds(tmp_path: Path, name: str, record: str, code: str) -> None:
    repo = write(tmp_path / "repo", {**SMALL, "records/2024/q2-finance.yaml": record})
    check = invoke("check", str(repo), "--as-of", "2024-07-15")
    errors = [line for line in check.stdout.splitlines() if line.startswith("records/2024/q2-finance.yaml:")
              and "error[" in line]
    assert errors, name
    first = errors[0]
    out = tmp_path / "site"
    r = run(repo, out, "--format", "all")
    assert r.exit_code == 1
    (line,) = reasons(r.stderr)
    assert line.startswith(f"records/2024/q2-finance.yaml:{first.split(':')[1]}: {code} ")
    assert not (out / "records/2024/q2-finance.html").exists() and not (out / "records/2024/q2-finance.md").exists()
    assert not (out / "sheets/2024-Q2.html").exists()  # it was the only record of the quarter
    assert "东庄村村规民约" in text(out, "sheets/2024-Q1.html")  # everything else is still written
    assert "2024年第二季度村级财务收支情况" not in text(out, "index.md")


def test_correction_with_errors_hides_what_it_corrects(tmp_path: Path) -> None:
    """The record a correction replaces is known to be wrong: it does not come back when the correction itself
    cannot be printed."""
    fix = FINANCE.replace("item: village/finance/1", "item: village/finance/1\nsupersedes: records/2024/q2-finance") \
        .replace("closing_balance: 189000.00", "closing_balance: 1.00").replace("2024-07-08", "2024-07-12")
    repo = write(tmp_path / "repo", {**SMALL, "records/2024/q2-finance-fix.yaml": fix})
    out = tmp_path / "site"
    r = run(repo, out)
    assert r.exit_code == 1 and [x.split(":")[0] for x in reasons(r.stderr)] == ["records/2024/q2-finance-fix.yaml"]
    assert not (out / "sheets/2024-Q2.html").exists() and not (out / "records/2024/q2-finance.html").exists()
    assert "收支情况" not in text(out, "index.html")


def test_a_town_template_must_print_the_mark(tmp_path: Path) -> None:
    repo = write(tmp_path / "repo", {**SMALL, "gongkai.yaml": "templates: t\n", "records/2024/q1-finance.yaml": BALANCE,
                                     "t/_record.html": "<h2>{{ r.title }}</h2>\n"})
    r = run(repo, tmp_path / "site", "--force")
    assert r.exit_code == 2
    assert "模板 record.html 没有印出“未通过检查”标记" in r.stderr or "模板 sheet.html 没有印出“未通过检查”标记" in r.stderr
    assert run(repo, tmp_path / "site2").exit_code == 1  # without --force nothing of it is printed: fine


# ---------------------------------------------------------------- issue 10 point 1: confinement


SECRET = "TOP-SECRET-0000"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    p = tmp_path / "outside" / "secret.html"
    p.parent.mkdir()
    p.write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
    return p


def assert_never_published(out: Path) -> None:
    for rel, data in (files(out).items() if out.exists() else []):
        assert SECRET.encode() not in data, rel


@pytest.mark.parametrize("template", [
    None,  # sheet.html itself is the link
    '{% include "leak.html" %}',
    '{% import "leak.html" as m %}{{ m }}',
    '{% extends "leak.html" %}',
    '{% include "sub/secret.html" %}',  # through a linked folder
])
def test_town_template_links_out_are_refused(tmp_path: Path, secret: Path, template: str | None) -> None:
    repo = write(tmp_path / "repo", {**SMALL, "gongkai.yaml": "templates: t\n"})
    (repo / "t").mkdir()
    if template is None:
        (repo / "t" / "sheet.html").symlink_to(secret)
        shown = "t/sheet.html"
    else:
        (repo / "t" / "sheet.html").write_text(template, encoding="utf-8")
        (repo / "t" / "leak.html").symlink_to(secret)
        (repo / "t" / "sub").symlink_to(secret.parent, target_is_directory=True)
        shown = "t/sub/secret.html" if "sub/" in template else "t/leak.html"
    out = tmp_path / "site"
    r = run(repo, out)
    assert r.exit_code == 2, r.output
    assert f"模板“{shown}”是指向模板文件夹以外（{secret}）的链接：不读取、不使用" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert_never_published(out)


def test_dangling_and_special_templates(tmp_path: Path) -> None:
    repo = write(tmp_path / "repo", {**SMALL, "gongkai.yaml": "templates: t\n"})
    (repo / "t").mkdir()
    (repo / "t" / "sheet.html").symlink_to(repo / "t" / "gone.html")
    r = run(repo, tmp_path / "site")
    assert r.exit_code == 2 and "模板“t/sheet.html”是断开的链接" in r.stderr
    (repo / "t" / "sheet.html").unlink()
    (repo / "t" / "sheet.html").mkdir()
    r = run(repo, tmp_path / "site")
    assert r.exit_code == 2 and "模板“t/sheet.html”不是普通文件" in r.stderr
    (repo / "t" / "sheet.html").rmdir()
    (repo / "t" / "sheet.html").write_bytes(b"\xff\xfe{{ x }}")
    r = run(repo, tmp_path / "site")
    assert r.exit_code == 2 and "模板“t/sheet.html”不是 UTF-8 编码" in r.stderr


def test_template_folder_outside_the_repository(tmp_path: Path, secret: Path) -> None:
    (secret.parent / "sheet.html").write_text(f"{SECRET}\n", encoding="utf-8")
    repo = write(tmp_path / "repo", {**SMALL, "gongkai.yaml": "templates: ../outside\n"})
    out = tmp_path / "site"
    r = run(repo, out)
    assert r.exit_code == 2 and "templates: 指向仓库以外的文件夹“../outside”" in r.stderr
    repo2 = write(tmp_path / "repo2", {**SMALL, "gongkai.yaml": "templates: t\n"})
    (repo2 / "t").symlink_to(secret.parent, target_is_directory=True)
    r = run(repo2, out)
    assert r.exit_code == 2 and "templates: 指向仓库以外的文件夹“t”" in r.stderr
    assert_never_published(out)


def test_record_file_linked_outside_is_never_printed(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "stolen.yaml"
    outside.parent.mkdir()
    outside.write_text(FINANCE.replace("本季度收支情况如下", SECRET).replace("period: 2024-Q2", "period: 2024-Q1")
                       .replace("2024-07-08", "2024-04-08"), encoding="utf-8")
    repo = write(tmp_path / "repo", SMALL)
    (repo / "records/2024/stolen.yaml").symlink_to(outside)
    out = tmp_path / "site"
    for args in ((), ("--force",)):
        r = run(repo, out, "--format", "all", *args)
        assert r.exit_code == 1, r.output
        assert any(line.startswith("records/2024/stolen.yaml") and "未印出" in line for line in r.stderr.splitlines())
        assert_never_published(out)
        assert not (out / "records/2024/stolen.html").exists()


# ---------------------------------------------------------------- issue 10 point 3: distinct masked names


def test_masked_names_never_collide(tmp_path: Path) -> None:
    a = STANDING.replace("东庄村村规民约", "甲：村规民约")
    b = STANDING.replace("东庄村村规民约", "乙：财务制度").replace("village/system/1", "village/system/7")
    c = STANDING.replace("东庄村村规民约", "丙：档案制度").replace("village/system/1", "village/system/8")
    repo = write(tmp_path / "repo", {**SMALL, "records/standing/13811110001.yaml": a,
                                     "records/standing/13822220001.yaml": b, "records/standing/Notice.yaml": c,
                                     "records/standing/notice.yaml": a.replace("甲：", "丁：")})
    out = tmp_path / "site"
    r = run(repo, out, "--format", "all")
    assert r.exit_code == 0, r.output
    written = files(out)
    assert {rel for rel in written if rel.startswith("records/standing/")} == {
        f"records/standing/{n}.{ext}" for n in ("138****0001", "138****0001-2", "Notice", "notice-2", "system-1")
        for ext in ("html", "md")}
    assert "甲：村规民约" in text(out, "records/standing/138****0001.html")
    assert "乙：财务制度" in text(out, "records/standing/138****0001-2.html")
    assert "丙：档案制度" in text(out, "records/standing/Notice.html")
    assert "丁：村规民约" in text(out, "records/standing/notice-2.html")
    index = text(out, "index.html")
    for href in ("138%2A%2A%2A%2A0001.html", "138%2A%2A%2A%2A0001-2.html", "Notice.html", "notice-2.html"):
        assert f'href="records/standing/{href}"' in index
    q1 = text(out, "sheets/2024-Q1.html")
    assert q1.count('<article class="record" id="records/standing/138****0001') == 2  # two distinct pages
    assert all(n in q1 for n in ("附1", "附2", "附3", "附4", "附5"))
    assert "13811110001" not in "".join(written) and "13822220001" not in "".join(written)


def test_unit_folders_whose_masked_names_coincide(tmp_path: Path) -> None:
    from test_render import UNIT

    repo = write(tmp_path / "town", {"gongkai.yaml": "name: 花园口镇\n",
                                     "13811110001/unit.yaml": UNIT.replace("东庄村", "甲村"),
                                     "13822220001/unit.yaml": UNIT.replace("东庄村", "乙村")})
    out = tmp_path / "site"
    r = run(repo, out)
    assert r.exit_code == 0, r.output
    assert sorted(files(out)) == ["138****0001-2/index.html", "138****0001/index.html", "index.html"]
    assert "乙村" in text(out, "138****0001-2/index.html") and "甲村" in text(out, "138****0001/index.html")


# ---------------------------------------------------------------- issue 10 point 5: bounded templates


@pytest.mark.parametrize("template, message", [
    ('{{ "a" * 10**10 }}', "模板要生成的内容太大"),
    ("{{ [0] * 10**9 }}", "模板要生成的内容太大"),
    ("{{ 2 ** (10 ** 9) }}", "模板里的乘方太大"),
    ("{% for i in range(10**9) %}x{% endfor %}", "模板里的 range() 太大"),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "模板执行步数超过上限"),
    ('{% for i in range(100000) %}{{ "a" * 1000000 }}{% endfor %}', "模板输出超过上限"),
    ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "模板递归太深"),
    ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}", "模板执行步数超过上限"),
    ('{% include "sheet.html" %}', "模板递归太深"),
    ('{{ "a"|center(10**10) }}', "模板要生成的内容太大"),
    ('{{ "a".ljust(10**10) }}', "模板要生成的内容太大"),
    ('{{ "%099999999999d"|format(1) }}', "格式宽度太大"),
    ('{{ "%099999999999d" % 1 }}', "格式宽度太大"),
    ('{{ "{:>99999999999}".format(1) }}', "格式宽度太大"),
    ('{{ "{:>{w}}".format(1, w=10**10) }}', "格式宽度太大"),
    ('{{ ("a" * 1000000)|replace("a", "a" * 1000000) }}', "模板要生成的内容太大"),
    ('{{ ("a" * 1000000).replace("a", "a" * 1000000) }}', "模板要生成的内容太大"),
    ('{{ ("a" * 1000000).join(["b"] * 1000000) }}', "模板要生成的内容太大"),
    ("{{ [0]|batch(10**9, 0)|list }}", "模板要生成的内容太大"),
    ("\n\n{{ 1 / 0 }}", "模板 sheet.html 第 3 行：ZeroDivisionError"),
    # step by step: each step doubles what the one before built
    ('{% set ns = namespace(s="ab") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}',
     "模板要生成的内容太大"),
    ('{% set ns = namespace(s="ab") %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}',
     "模板要生成的内容太大"),
    ('{% set ns = namespace(s="ab") %}{% for i in range(64) %}{% set ns.s = "%s%s"|format(ns.s, ns.s) %}{% endfor %}',
     "模板要生成的内容太大"),
    ("{% set x = [1, 2] %}{% for i in range(64) %}{{ x.extend(x) }}{% endfor %}", "模板要生成的内容太大"),
])
def test_runaway_templates_stop_with_a_template_error(tmp_path: Path, template: str, message: str) -> None:
    repo = write(tmp_path / "repo", {**SMALL, "gongkai.yaml": "templates: t\n", "t/sheet.html": template})
    start = time.monotonic()
    r = run(repo, tmp_path / "site")
    took = time.monotonic() - start
    assert r.exit_code == 2, r.output
    (line,) = r.stderr.strip().splitlines()
    assert line.startswith("gongkai：模板 sheet.html") and message in line, line
    assert took < 20, took


def test_limits_do_not_touch_real_sheets(tmp_path: Path) -> None:
    """A big, legitimate sheet (300 records with tables) renders within the budget."""
    rows = "".join(f"      - [户{i}, {i % 5 + 1}, \"{i}.00\"]\n" for i in range(200))
    record = ("item: village/affairs/15\nperiod: 2024-Q2\npublished: 2024-07-08\ntitle: 名单{n}\ntables:\n"
              "  - title: 名单\n    columns: [户主, 人口, 金额]\n    rows:\n" + rows)
    many = {f"records/2024/list-{n:03}.yaml": record.replace("{n}", str(n)) for n in range(300)}
    repo = write(tmp_path / "repo", {**SMALL, **many})
    out = tmp_path / "site"
    r = run(repo, out, "--force")  # (300 records of one item and period are duplicates: printed marked)
    assert r.exit_code == 0 and "模板" not in r.stderr, r.stderr[-500:]
    sheet = text(out, "sheets/2024-Q2.html")
    assert sheet.count('<section class="page record-page">') == 301 and sheet.count("户199") == 300


# ---------------------------------------------------------------- issue 10 point 6: names and --out


def test_hostile_file_names_stay_inside_out(tmp_path: Path) -> None:
    names = ["a:b", "new\nline", "..", " .", "C:", "x\\..\\y", "back\x1b[31mred", "tab\there", "q?<>|\""]
    records = {f"records/2024/{n}.yaml": FINANCE.replace("published: 2024-07-08", f"published: 2024-07-0{i % 9 + 1}")
               .replace("period: 2024-Q2", f"period: 2024-{i % 9 + 1:02}").replace("item: village/finance/1",
                                                                               "item: village/finance/2")
               for i, n in enumerate(names)}
    repo = write(tmp_path / "town", {"gongkai.yaml": "name: 花园口镇\n",
                                     **{f"u..1/{k}": v for k, v in {**SMALL, **records}.items() if k != "gongkai.yaml"},
                                     "C:/unit.yaml": SMALL["unit.yaml"].replace("东庄村", "西庄村")})
    bad = os.fsencode(repo / "u..1" / "records" / "2024") + b"/\xff\xfegbk-\xb6\xab.yaml"
    with open(bad, "wb") as fh:
        fh.write(FINANCE.replace("period: 2024-Q2", "period: 2024-Q3").replace("2024-07-08", "2024-07-09")
                 .replace("title", "x").encode("utf-8"))
    before = sorted(p for p in tmp_path.rglob("*"))
    out = tmp_path / "site"
    r = run(repo, out, "--format", "all", "--force")  # (their dates do not add up: printed marked)
    assert r.exit_code == 0, r.output
    for line in r.stderr.splitlines():  # names are shown escaped: no forged line, no terminal colours
        assert not any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in line), line
    assert "u..1/records/2024/new\\nline.yaml:" in r.stderr and "back\\x1b[31mred" in r.stderr
    assert "u..1/records/2024/\\xff\\xfegbk-\\xb6\\xab.yaml:" in r.stderr
    after = sorted(p for p in tmp_path.rglob("*"))
    assert [p for p in after if p not in before and out not in p.parents and p != out] == []
    written = files(out)
    for rel in written:
        assert not any(ord(c) < 32 for c in rel) and ":" not in rel and "\\" not in rel and "\ufffd" not in rel, rel
        assert all(part not in ("", ".", "..") for part in rel.split("/")), rel
        rel.encode("utf-8")  # no undecodable bytes left
    for data in written.values():
        data.decode("utf-8")
    assert "u..1/records/2024/a_b.html" in written and "C_/index.html" in written
    assert "u..1/records/2024/new_line.html" in written and "u..1/records/2024/x_.._y.html" in written
    assert "u..1/records/2024/q_____.html" in written and "u..1/records/2024/back_[31mred.html" in written
    assert "u..1/records/2024/__gbk-__.html" in written  # each undecodable byte becomes _
    # deterministic: the same names and bytes the second time
    out2 = tmp_path / "site2"
    run(repo, out2, "--format", "all", "--force")
    assert files(out2) == written


@pytest.mark.parametrize("url", ["https://gk.example/hua_yuan*kou(1)/", "https://gk.example/a_b/c_d_e/",
                                 "https://gk.example/x y/<b>/"])
def test_markdown_online_link_survives_url_characters(tmp_path: Path, url: str) -> None:
    from markdown_it import MarkdownIt

    repo = write(tmp_path / "repo", {**SMALL, "gongkai.yaml": f"name: 花园口镇\nsite_url: \"{url}\"\n"})
    out = tmp_path / "site"
    assert run(repo, out, "--format", "md").exit_code == 0
    expected = url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E") + "sheets/2024-Q2.html"
    tokens = MarkdownIt("commonmark").parseInline(text(out, "sheets/2024-Q2.md").split("- 网上公开：")[1].split("\n")[0])
    links = [t.attrGet("href") for tok in tokens for t in (tok.children or []) if t.type == "link_open"]
    assert links == [expected]
    assert f"<{expected}>" in text(out, "sheets/2024-Q2.md")


def test_long_names_and_unwritable_out(tmp_path: Path) -> None:
    long_a, long_b = "甲" * 80 + "a", "甲" * 80 + "b"  # 241 and 241 bytes: cut to 200, where they coincide
    a = STANDING.replace("东庄村村规民约", "甲规约")
    b = STANDING.replace("东庄村村规民约", "乙规约").replace("village/system/1", "village/system/7")
    repo = write(tmp_path / "repo", {**SMALL, f"records/standing/{long_a}.yaml": a, f"records/standing/{long_b}.yaml": b})
    out = tmp_path / "site"
    r = run(repo, out)
    assert r.exit_code == 0, r.output
    cut = "甲" * 66
    assert "甲规约" in text(out, f"records/standing/{cut}.html") and "乙规约" in text(out, f"records/standing/{cut}-2.html")
    (tmp_path / "file").write_text("x")
    r = run(repo, tmp_path / "file" / "site")
    assert r.exit_code == 2 and "无法建立 --out 文件夹" in r.stderr


def test_sandbox_and_budgets_whenever_a_town_template_folder_is_in_use(tmp_path: Path) -> None:
    """Without a town folder the bundled templates (gongkai's own) run unsandboxed, for speed; with one, every
    template runs in the bounded sandbox, the bundled ones a town template includes or extends too."""
    from jinja2.sandbox import SandboxedEnvironment

    from gongkai.render.env import BoundedEnvironment, TrustedEnvironment, environment

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "sheet.html").write_text("{% include 'style.css' %}{{ ''.__class__.__mro__ }}", encoding="utf-8")
    for kind in ("html", "md"):
        assert type(environment(kind)) is TrustedEnvironment
        town = environment(kind, folder)
        assert isinstance(town, BoundedEnvironment) and isinstance(town, SandboxedEnvironment)
    repo = write(tmp_path / "repo", {**SMALL, "gongkai.yaml": "templates: t\n"})
    (repo / "t").mkdir()
    (repo / "t" / "sheet.html").write_text("{% include 'style.css' %}{{ ''.__class__.__mro__ }}", encoding="utf-8")
    r = run(repo, tmp_path / "site")
    assert r.exit_code == 2 and "模板 sheet.html 第 1 行" in r.stderr and "__class__" in r.stderr and "unsafe" in r.stderr, r.stderr
