"""Issue 10 (3, 5, 6) and issue 7 (10): every output masks personal numbers however they are written, shows
control characters escaped, never crashes on a file name, and the SMTP conversation cannot be held open."""
# ruff: noqa: F811 - the server fixtures are imported from smtp_fixtures and then named as test arguments

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from email import message_from_string, policy
from pathlib import Path

import pytest
from conftest import problems, write
from hypothesis import given, settings
from hypothesis import strategies as st
from smtp_fixtures import Server, smtp_server  # noqa: F401 - fixtures
from test_overdue import AS_OF, runner_invoke, town
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers every command on the app
from gongkai.cli.app import app
from gongkai.personal import find, mask
from gongkai.report.safe import json_safe, shown, visible

# (as written, as masked): each separator form of the issue, in ASCII and full-width digits, glued to letters
FORMS = [
    ("138\u30000000\u30000008", "138\u3000****\u30000008"),  # ideographic space
    ("138－0000－0009", "138－****－0009"),  # full-width hyphen
    ("138.0000.0010", "138.****.0010"),
    ("138-0000-0011", "138-****-0011"),
    ("138 0000 0012", "138 **** 0012"),
    ("１３８－００００－００１４", "１３８－****－００１４"),  # full-width digits, full-width separators
    ("１３８\u3000００００\u3000００１５", "１３８\u3000****\u3000００１５"),
    ("tel13800000013", "tel138****0013"),  # glued to letters
    ("110105 19491231 002X", "110105 ******** 002X"),
    ("ID11010519491231002X", "ID110105********002X"),
    ("１１０１０５－１９４９１２３１－００２Ｘ", "１１０１０５－********－００２Ｘ"),
]
# things that look like numbers but are none of a person's: stay as written
KEEP = ["2024-04-08", "410122101201", "0371-62345678", "125,000.00", "13800000013.50", "2024.04.08"]
SEEN = [f[0] for f in FORMS]
MASKED = [f[1] for f in FORMS]
NOT_SO_PLAIN = ["13800000008", "13800000013", "11010519491231002X"]  # no digits of a form ever show whole

# what a future loader might let through: the formatters are tested with it directly (test_formatters_...)
ESC_TITLE = "村道\x1b[31m红字\x1b[0m\r\n2024-07-15: error[forged] 伪造的一行\u202eabc"
# what the loader reads today: free text (a feedback summary) may hold a line break and a bidi override, not ESC
# or CR (refused as a schema error: test_a_value_with_control_characters_is_refused_and_shown_escaped)
LOADED_TITLE = "村道红字\n2024-07-15: error[forged] 伪造的一行\u202eabc"
LOADED_SHOWN = "村道红字\\n2024-07-15: error[forged] 伪造的一行\\u202eabc"
# the file named with ESC and a newline: it loads (its content is clean), so it is a row in every format
ESC_FILE = "dongzhuang/feedback/2024-07-13-\x1b[31mred\nforged tel13800000013.yaml"
ESC_FILE_SHOWN = "dongzhuang/feedback/2024-07-13-\\x1b[31mred\\nforged tel13800000013.yaml"


@pytest.mark.parametrize(("written", "masked"), FORMS)
def test_every_form_is_found_and_masked(written: str, masked: str) -> None:
    found = find(f"联系：{written}。")
    assert len(found) == 1 and found[0][0] == 3 + (written.index("1") if written[0] in "tI" else 0)
    assert found[0][1] == ("id" if "X" in masked or "Ｘ" in masked else "mobile")
    assert "*" in found[0][2] and found[0][2].isascii()
    assert mask(f"联系：{written}。") == f"联系：{masked}。"


@pytest.mark.parametrize("text", KEEP)
def test_no_false_positives(text: str) -> None:
    assert find(f"见 {text} 号") == [] and mask(f"见 {text} 号") == f"见 {text} 号"


def test_numbers_in_longer_runs_stay() -> None:
    for text in ["6222 0213 8000 0000 123", "0.13800000013", "2138-0000-0011", "138-0000-00112"]:
        assert find(text) == [] and mask(text) == text


def test_privacy_rule_flags_each_form(unit) -> None:  # type: ignore[no-untyped-def]
    rows = "\n".join(f"      - [户{n}, \"{w}\"]" for n, w in enumerate(SEEN))
    rec = f"""\
item: village/affairs/15
period: 2024-Q1
published: 2024-04-05
title: 低保名单
tables:
  - title: 名单
    columns: [姓名, 号码]
    rows:
{rows}
"""
    root = unit({"records/a.yaml": rec}, items=["village/affairs/15"])
    got = [p for p in problems(root, "2024-04-20") if p.code == "privacy"]
    assert [p.line for p in got] == list(range(9, 9 + len(FORMS)))
    assert all(w not in p.message.zh for p in got for w in SEEN + NOT_SO_PLAIN)


# ---------------------------------------------------------------- overdue: every format


def attack_town(root: Path, email: str = "") -> Path:
    """The test town plus feedback whose summaries hold every form, raw HTML, a line break and a bidi override,
    one file named with ESC and a newline, a unit and a clerk whose names hold numbers. Every file loads."""
    town(root, email)
    unit_yaml = (root / "dongzhuang/unit.yaml").read_text(encoding="utf-8")
    unit_yaml = unit_yaml.replace("name: 东庄村", 'name: "东庄村 138.0000.0010"').replace("clerk: 王芳", "clerk: 王芳 138-0000-0011")
    files: dict[str, str | bytes] = {"dongzhuang/unit.yaml": unit_yaml}
    for n, written in enumerate(SEEN):
        files[f"dongzhuang/feedback/2024-07-{11 + n % 3:02d}-f{n:02d}.yaml"] = (
            f'type: inquiry\nreceived: 2024-07-{11 + n % 3:02d}\nfrom: 村民\nsummary: "户主 {written} 问"\n')
    files["dongzhuang/feedback/2024-07-12-html.yaml"] = (
        'type: inquiry\nreceived: 2024-07-12\nfrom: 村民\nsummary: "<script>alert(1)</script> <b>粗</b> *强调* [链接](javascript:x) | 竖线"\n')
    files[ESC_FILE] = ('type: inquiry\nreceived: 2024-07-13\nfrom: 村民\nsummary: "'
                       + LOADED_TITLE.replace("\n", "\\n").replace("\u202e", "\\u202e") + '"\n')
    return write(root, files)


def no_raw(text: str) -> None:
    for raw in SEEN + NOT_SO_PLAIN + ["13800000013", "138-0000-0011", "138.0000.0010"]:
        assert raw not in text, raw
    assert "internal error" not in text and "内部错误" not in text


def no_controls(text: str, allowed: str = "\n") -> None:
    bad = [c for c in text if (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029\u202e") and c not in allowed]
    assert bad == [], bad


def overdue(root: Path, *args: str, clean: bool = True):  # type: ignore[no-untyped-def]
    result = runner_invoke(str(root), "--as-of", AS_OF, *args)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "内部错误" not in result.output
    if clean:  # every file was read: what is tested reached the output (a refused file would not)
        assert "文件有错误" not in result.stderr, result.stderr
    return result


def test_table_masks_and_escapes(tmp_path: Path) -> None:
    out = overdue(attack_town(tmp_path), "-f", "table").stdout
    no_raw(out)
    no_controls(out)
    for masked in MASKED:
        assert masked in out
    assert "东庄村 138.****.0010" in out and "王芳 138-****-0011" in out
    assert LOADED_SHOWN in out
    assert "2024-07-13-\\x1b[31mred\\nforged tel138****0013.yaml:2" in out
    # every line of the table is a line gongkai made: none begins with the forged text
    assert not any(line.startswith("2024-07-15: error[forged]") for line in out.splitlines())
    for keep in ["0371-62345678"]:  # the supervision phone is not in the report; nothing else was touched
        assert keep not in out


def test_markdown_masks_and_escapes_raw_html(tmp_path: Path) -> None:
    out = overdue(attack_town(tmp_path), "-f", "md").stdout
    no_raw(out)
    no_controls(out)
    assert "<script>" not in out and "<b>" not in out
    assert "\\<script\\>alert(1)\\</script\\>" in out and "\\*强调\\*" in out and "\\| 竖线" in out
    for masked in MASKED:
        assert masked.replace("*", "\\*") in out
    # the table keeps its shape: every row has as many cells as the header
    rows = [ln for ln in out.splitlines() if ln.startswith("| ")]
    cells = {len(ln.replace("\\|", "").split("|")) for ln in rows}
    assert len(cells) == 1
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(out)
    assert "<script>" not in html and "<b>" not in html and "&lt;script&gt;" in html


def test_html_masks_and_escapes(tmp_path: Path) -> None:
    out = overdue(attack_town(tmp_path), "-f", "html").stdout
    no_raw(out)
    no_controls(out)
    assert "<script>" not in out and "&lt;script&gt;" in out
    for masked in MASKED:
        assert masked in out
    assert "东庄村 138.****.0010" in out


def test_json_masks_and_stays_json(tmp_path: Path) -> None:
    out = overdue(attack_town(tmp_path), "-f", "json").stdout
    no_raw(out)
    no_controls(out)  # JSON escapes them: the text itself holds none
    data = json.loads(out)
    titles = [i["title"] for i in data["items"]]
    for masked in MASKED:
        assert any(masked in t for t in titles)
    assert any(t == "答复质询/意见：" + mask(LOADED_TITLE) for t in titles)  # the value itself, masked, intact
    assert {i["unit_name"] for i in data["items"] if i["unit"] == "dongzhuang"} == {"东庄村 138.****.0010"}
    assert any(i["path"] == "dongzhuang/feedback/2024-07-13-\x1b[31mred\nforged tel138****0013.yaml" for i in data["items"])


def test_csv_masks_escapes_and_quotes(tmp_path: Path) -> None:
    out = overdue(attack_town(tmp_path), "-f", "csv").stdout
    no_raw(out)
    no_controls(out, allowed="\r\n")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"), newline="")))
    assert len({len(r) for r in rows}) == 1 and len(rows) == 1 + len(json.loads(overdue(attack_town(tmp_path / "j"), "-f", "json").stdout)["items"])
    titles = [r[4] for r in rows[1:]]
    assert "答复质询/意见：" + visible(mask(LOADED_TITLE)) in titles and "答复质询/意见：" + LOADED_SHOWN in titles
    assert any("2024-07-13-\\x1b[31mred\\nforged tel138****0013.yaml" in cell for r in rows for cell in r)
    assert any("<script>alert(1)</script> <b>粗</b> *强调* [链接](javascript:x) | 竖线" in t for t in titles)
    for masked in MASKED:
        assert any(masked in t for t in titles)


def test_email_subject_and_both_parts(tmp_path: Path, smtp_server: Server) -> None:  # noqa: F811
    root = attack_town(tmp_path, smtp_server.yaml())
    out = overdue(root, "-f", "email").stdout
    no_raw(out)
    m = message_from_string(out, policy=policy.default)
    plain = m.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    page = m.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for part in (plain, page, str(m["Subject"])):
        no_raw(part)
        no_controls(part, allowed="\r\n")  # the line ends of the message
    for masked in MASKED:
        assert masked in plain and masked in page
    assert LOADED_SHOWN in plain and "2024-07-13-\\x1b[31mred\\nforged tel138****0013.yaml" in plain
    assert "&lt;script&gt;" in page and "<script>" not in page and "\\u202eabc" in page

    sent = runner_invoke(str(root), "--as-of", AS_OF, "--send")
    assert sent.exit_code == 1, sent.output
    for r in smtp_server.received:
        m = r.message
        no_raw(str(m["Subject"]))
        for kind in ("plain", "html"):
            body = m.get_body((kind,)).get_content()  # type: ignore[union-attr]
            no_raw(body)
            no_controls(body, allowed="\r\n")
    unit_mail = [r.message for r in smtp_server.received if r.rcpt_tos == ["dongzhuang@huayuankou.example"]]
    assert str(unit_mail[0]["Subject"]).startswith("东庄村 138.****.0010村务公开逾期提醒")
    assert "已发送给" in sent.stderr and "东庄村 138.****.0010" in sent.stderr
    no_raw(sent.stderr)


def test_dry_run_shows_the_mail_decoded(tmp_path: Path, smtp_server: Server) -> None:  # noqa: F811
    root = attack_town(tmp_path, smtp_server.yaml())
    out = overdue(root, "--dry-run").stdout
    no_raw(out)
    no_controls(out)
    assert "=?utf-8?" not in out.lower() and "base64" not in out and "quoted-printable" not in out
    assert "Subject: 花园口镇村（居）务公开逾期提醒（截至2024-07-15）：" in out
    assert "Subject: 东庄村 138.****.0010村务公开逾期提醒（截至2024-07-15）：" in out
    assert "From: 花园口镇民政办 <gongkai@huayuankou.example>" in out
    assert "【东庄村 138.****.0010（dongzhuang）：3项逾期" in out  # the plain body, readable
    assert "［另附 HTML 版本" in out
    en = runner_invoke(str(root), "--as-of", AS_OF, "--dry-run", "--lang", "en").stdout
    assert "[another part: the same report as HTML" in en and "Subject: 东庄村 138.****.0010: Village affairs" in en


# ---------------------------------------------------------------- check: messages masked, controls escaped


def check(root: Path, *args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["check", str(root), "--as-of", AS_OF, *args])
    assert "internal error" not in result.output and "内部错误" not in result.output
    return result


def test_check_text_masks_messages_and_escapes_controls(tmp_path: Path) -> None:
    result = check(attack_town(tmp_path))
    assert result.exit_code == 1, result.output
    out = result.stdout
    no_controls(out)
    assert "error[schema]" not in out and "error[syntax]" not in out  # every file was read
    for masked in MASKED:
        assert masked in out
    messages = [line.split(" info[due-soon] ", 1)[-1] for line in out.splitlines()]
    for raw in SEEN + ["138-0000-0011", "138.0000.0010"]:  # what the clerk wrote, echoed in messages
        assert all(raw not in m for m in messages), raw
    assert any("户主 tel138****0013 问" in m for m in messages)
    # the location is the file as it is named (the clerk must find it), shown escaped on one line
    assert f"{ESC_FILE_SHOWN}:2:11: info[due-soon]" in out
    assert LOADED_SHOWN in out
    assert not any(line.startswith("2024-07-15: error[forged]") for line in out.splitlines())
    assert "dongzhuang（东庄村 138.****.0010）" in out


def test_check_json_masks_and_stays_valid(tmp_path: Path) -> None:
    result = check(attack_town(tmp_path), "--format", "json")
    out = result.stdout
    no_controls(out)
    data = json.loads(out)
    messages = [p["message"] for p in data["problems"]]
    for masked in MASKED:
        assert any(masked in m for m in messages)
    assert not any(raw in m for m in messages for raw in SEEN + ["13800000013"])
    assert any(mask(LOADED_TITLE) in m for m in messages)  # JSON carries the value itself, escaped as JSON escapes
    assert "\\u202e" in out and "\u202e" not in out  # ...and the bidi override as \\u202e (json_safe)
    assert any(p["path"] == ESC_FILE and p["code"] == "due-soon" for p in data["problems"])
    assert not any(p["code"] in ("schema", "syntax") for p in data["problems"])


def test_json_safe_escapes_what_json_leaves() -> None:
    text = json.dumps({"a": "x\x9b\u2028\u202e\udcff"}, ensure_ascii=False)
    safe = json_safe(text)
    assert safe.isascii() or all(ord(c) > 0x9F and c not in "\u2028\u202e" for c in safe)
    safe.encode("utf-8")  # no lone surrogate left
    assert json.loads(safe) == {"a": "x\x9b\u2028\u202e\\xff"}


def test_visible_is_idempotent_and_one_line() -> None:
    text = "a\x1b[31mb\r\nc\td\x00\x7f\x85\u2028\u2029\u202e\u200b\ufeff\udcfe"
    once = visible(text)
    assert once == "a\\x1b[31mb\\r\\nc\\td\\x00\\x7f\\x85\\u2028\\u2029\\u202e\\u200b\\ufeff\\xfe"
    assert visible(once) == once and shown(once) == once


@pytest.mark.skipif(sys.platform == "darwin" or os.name == "nt", reason="the file system refuses non-UTF-8 names")
def test_non_utf8_file_names_never_crash(tmp_path: Path) -> None:
    root = town(tmp_path)
    name = os.fsdecode(b"2024-07-12-\xff\xfe.yaml")
    (root / "dongzhuang/feedback" / name).write_text("type: inquiry\nreceived: 2024-07-12\nfrom: 村民\nsummary: 问\n",
                                                     encoding="utf-8")
    shown_name = "dongzhuang/feedback/2024-07-12-\\xff\\xfe.yaml"
    for fmt in ("table", "md", "html", "csv"):
        out = overdue(root, "-f", fmt).stdout.replace("<wbr>", "")
        assert shown_name in out or shown_name.replace("\\", "\\\\") in out, fmt
    data = json.loads(overdue(root, "-f", "json").stdout)
    assert shown_name in [i["path"] for i in data["items"]]
    text = check(root)
    assert text.exit_code == 1 and f"{shown_name}:2:11: info[due-soon]" in text.stdout
    assert shown_name in [p["path"] for p in json.loads(check(root, "--format", "json").stdout)["problems"]]


# ---------------------------------------------------------------- SMTP: an overall deadline


class RawServer:
    """A tiny server on 127.0.0.1 that says `script(conn)` to each client; it stops by itself after `life` s."""

    def __init__(self, talk, life: float = 15.0) -> None:  # type: ignore[no-untyped-def]
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.talk, self.until = talk, time.monotonic() + life
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def alive(self) -> bool:
        return not self.stop.is_set() and time.monotonic() < self.until

    def run(self) -> None:
        while self.alive():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                try:
                    self.talk(conn, self)
                except OSError:
                    pass  # the client went away: what the test wants

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


def endless_greeting(conn: socket.socket, server: RawServer) -> None:
    n = 0
    while server.alive():
        conn.sendall(b"220-smtp.test still greeting %d\r\n" % n)
        n += 1
        time.sleep(0.02)


def trickle(conn: socket.socket, server: RawServer) -> None:
    for byte in b"220 smtp.test ESMTP " + b"x" * 10000:
        if not server.alive():
            return
        conn.sendall(bytes([byte]))
        time.sleep(0.2)


def huge_reply(conn: socket.socket, server: RawServer) -> None:
    line = b"220-" + b"x" * 1000 + b"\r\n"
    while server.alive():
        conn.sendall(line * 64)


@pytest.fixture(params=[endless_greeting, trickle, huge_reply])
def bad_server(request: pytest.FixtureRequest) -> Iterator[RawServer]:
    server = RawServer(request.param)
    try:
        yield server
    finally:
        server.close()


def test_smtp_conversation_has_a_deadline(tmp_path: Path, bad_server: RawServer) -> None:
    email = ("email:\n  from: gongkai@huayuankou.example\n  to: [minzhengban@huayuankou.example]\n"
             f"  smtp: {{host: 127.0.0.1, port: {bad_server.port}, timeout: 1}}\n")
    start = time.monotonic()
    result = runner_invoke(str(town(tmp_path, email)), "--as-of", AS_OF, "--send")
    took = time.monotonic() - start
    assert result.exit_code == 3, result.output
    assert took < 6, took
    assert result.stderr.count("\n") == 1 and f"邮件未发送：邮件服务器 127.0.0.1:{bad_server.port}" in result.stderr
    if bad_server.talk is huge_reply:
        assert "回应超过 1048576 字节仍没有结束" in result.stderr
    else:
        assert "1 秒内没有说完一个回应" in result.stderr
    assert "internal error" not in result.output and result.stdout.startswith("花园口镇")


def test_any_row_kind_is_masked_and_escaped() -> None:
    """Rows of a kind the formatters do not know (a unit that could not be read, say) are masked and escaped
    field by field like every other row."""
    import datetime as dt

    from gongkai.overdue import Report, Row, Section
    from gongkai.report import overdue_formats as f

    bad = "138-0000-0011\x1b[2J\n<i>x</i>"
    row = Row(unit="u\x1b", unit_name=bad, kind="unit-unreadable", item="", title=bad, period=bad,
              due=dt.date(2024, 7, 1), days=14, status="overdue", responsible=bad, path="u/unit.yaml\n", line=3)
    report = Report(as_of=dt.date(2024, 7, 15), town=bad, within=None,
                    sections=(Section(unit="u\x1b", name=bad, kind="village", emails=("13800000011@qq.example",),
                                      rows=(row,), due_soon_days=14),))
    for fmt in ("table", "md", "html", "json", "csv"):
        out = f.render(report, fmt, "zh")
        assert "138-0000-0011" not in out and "\x1b" not in out, fmt
        assert "<i>" not in out or fmt in ("table", "json", "csv"), fmt  # text formats show it as text
        assert "138-****-0011" in out or "138-\\*\\*\\*\\*-0011" in out, fmt
    assert "\x1b" not in f.plain(report, "zh") and "\\x1b[2J\\n" in f.plain(report, "zh")
    assert f.public(f.public(report)) == f.public(report)
    assert f.public(report).sections[0].emails == ("13800000011@qq.example",)  # where the mail goes: untouched


@pytest.mark.skipif(sys.platform == "darwin" or os.name == "nt", reason="the file system refuses non-UTF-8 names")
def test_non_utf8_unit_folder_never_crashes(tmp_path: Path) -> None:
    root = town(tmp_path)
    (root / "dongzhuang").rename(root / os.fsdecode(b"dong\xffzhuang\x1b[31m"))
    text = check(root)
    assert text.exit_code == 1 and "  dong\\xffzhuang\\x1b[31m（东庄村）: 3 个错误" in text.stdout
    no_controls(text.stdout)
    data = json.loads(check(root, "--format", "json").stdout)
    assert "dong\\xffzhuang\x1b[31m" in {p["unit"] for p in data["problems"]}
    for fmt in ("table", "md", "html", "csv", "email"):
        out = overdue(root, "-f", fmt).stdout
        no_controls(out, allowed="\r\n")
        assert "dong\\xffzhuang\\x1b[31m" in out.replace("<wbr>", "") or "dong\\\\xffzhuang\\\\x1b\\[31m" in out, fmt


def test_an_address_with_a_line_break_is_refused_at_load_and_the_others_get_their_mail(
        tmp_path: Path, smtp_server: Server) -> None:  # noqa: F811
    """An address with a line break (a forged Bcc header) in unit.yaml is a schema error at its line: that unit
    gets no mail of its own (the town office still gets its rows), every other unit gets its mail."""
    root = town(tmp_path, smtp_server.yaml())
    unit_yaml = root / "dongzhuang/unit.yaml"
    unit_yaml.write_text(unit_yaml.read_text(encoding="utf-8").replace(
        "email: [dongzhuang@huayuankou.example]", 'email: ["dong@x.example\\nBcc: evil@x.example"]'), encoding="utf-8")
    result = check(root)
    assert result.exit_code == 1
    assert "dongzhuang/unit.yaml:12:9: error[schema] 这里只能写一行，不能换行" in result.stdout
    assert "evil" not in result.stdout  # the message names the fix, it does not echo the value
    for args in (["-f", "email"], ["--dry-run"]):
        out = overdue(root, *args, clean=False)
        assert "Bcc" not in out.stdout and "evil" not in out.stdout
        assert out.stderr == ("gongkai：注意：有 1 个文件有错误，其中的内容可能没有算进来；运行 gongkai check 查看\n"
                              "gongkai：dongzhuang/unit.yaml:12:8：email 里有地址写错了，没有读入，不发给它；运行 gongkai check 查看\n")
    dry = overdue(root, "--dry-run", clean=False).stdout
    assert "收件人 minzhengban@huayuankou.example（全部单位）" in dry and "【东庄村（dongzhuang）：3项逾期" in dry
    assert "收件人 xincun@huayuankou.example（新村社区）" in dry and "（东庄村）·" not in dry  # no mail of its own
    sent = runner_invoke(str(root), "--as-of", AS_OF, "--send", "--quiet")
    assert sent.exit_code == 3, sent.output  # someone misses the mail: as for an address mail refuses
    assert sorted(tuple(r.rcpt_tos) for r in smtp_server.received) == [("minzhengban@huayuankou.example",),
                                                                       ("xincun@huayuankou.example",)]
    town_mail = [r.message for r in smtp_server.received if r.rcpt_tos == ["minzhengban@huayuankou.example"]][0]
    assert "dongzhuang/plans/2024.yaml:11" in town_mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert all("evil" not in r.content.decode() for r in smtp_server.received)
    # --quiet keeps the note on broken files to itself, but not that a unit misses its mail (cron mails this)
    assert sent.stderr == "gongkai：dongzhuang/unit.yaml:12:8：email 里有地址写错了，没有读入，不发给它；运行 gongkai check 查看\n"
    assert sent.stdout.startswith("花园口镇")


@pytest.mark.parametrize("address", ["dong zhuang@huayuankou.example", "dongzhuang.huayuankou.example",
                                     "dong\u202ezhuang@huayuankou.example", "dong\u200bzhuang@huayuankou.example"])
def test_a_bad_address_is_left_out_and_the_others_get_their_mail(tmp_path: Path, smtp_server: Server,  # noqa: F811
                                                                 address: str) -> None:
    """What the loader reads but no mail can go to (a space, no @, a bidi or zero-width character) is left out
    by mail, which says so; the unit's other address and every other unit still get their mail."""
    root = town(tmp_path, smtp_server.yaml())
    unit_yaml = root / "dongzhuang/unit.yaml"
    unit_yaml.write_text(unit_yaml.read_text(encoding="utf-8").replace(
        "email: [dongzhuang@huayuankou.example]", f'email: ["{address}", dongzhuang@huayuankou.example]'),
        encoding="utf-8")
    shown_address = visible(address)  # as the message shows it: escaped
    assert "error[schema]" not in check(root).stdout  # the loader reads it: mail is what refuses it
    for args in (["-f", "email"], ["--dry-run"]):
        result = overdue(root, *args, clean=False)
        assert address not in result.stdout and shown_address not in result.stdout
        assert result.stderr.count("\n") == 1 and "\u202e" not in result.stderr and "\u200b" not in result.stderr
        assert f"邮件地址“{shown_address}”（dongzhuang/unit.yaml email）无效" in result.stderr
    sent = runner_invoke(str(root), "--as-of", AS_OF, "--send", "--quiet")
    assert sent.exit_code == 3, sent.output
    assert sorted(tuple(r.rcpt_tos) for r in smtp_server.received) == [("dongzhuang@huayuankou.example",),
                                                                       ("minzhengban@huayuankou.example",),
                                                                       ("xincun@huayuankou.example",)]
    assert "dongzhuang/unit.yaml email" in sent.stderr and sent.stdout.startswith("花园口镇")  # --quiet, yet not lost


def test_a_sender_with_a_line_break_cannot_run(tmp_path: Path) -> None:
    """Refused by the loader (a one-line value) before mail sees it: exit 2 with the file:line:col."""
    email = 'email:\n  from: "gongkai@huayuankou.example\\nBcc: evil@x.example"\n  to: [a@huayuankou.example]\n'
    result = runner_invoke(str(town(tmp_path, email)), "--as-of", AS_OF, "--dry-run")
    assert result.exit_code == 2, result.output
    assert "gongkai：gongkai.yaml 的 email 设置有错误，先改正：gongkai.yaml:4:9: 这里只能写一行，不能换行" in result.stderr
    assert "evil" not in result.output and result.stdout == ""
    assert "internal error" not in result.output and "内部错误" not in result.output


def test_a_sender_with_a_bidi_override_cannot_run(tmp_path: Path) -> None:
    """What the loader lets through (a bidi override is no control character to it) mail still refuses."""
    email = 'email:\n  from: "gongkai@huayuankou.example\\u202eBcc"\n  to: [a@huayuankou.example]\n'
    result = runner_invoke(str(town(tmp_path, email)), "--as-of", AS_OF, "--dry-run")
    assert result.exit_code == 2, result.output
    assert "email.from“gongkai@huayuankou.example\\u202eBcc”含有换行或控制字符" in result.stderr
    assert "\u202e" not in result.output and result.stdout == ""


def test_cannot_run_messages_are_one_line_without_sequences(tmp_path: Path) -> None:
    result = runner_invoke(str(town(tmp_path)), "--as-of", AS_OF, "--unit", "dong\x1b[31m\nzhuang")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "\x1b" not in result.stderr
    assert "没有单位“dong\\x1b[31m\\nzhuang”" in result.stderr


@pytest.mark.parametrize(("written", "masked"), FORMS)
def test_mail_subject_masks_every_form(written: str, masked: str) -> None:
    import datetime as dt

    from gongkai import mail
    from gongkai.overdue import Report, Section
    from gongkai.report import overdue_formats as f

    report = Report(as_of=dt.date(2024, 7, 15), town=f"花园口镇{written}", within=None,
                    sections=(Section(unit="u", name=f"东庄村{written}", kind="village", emails=(), rows=(), due_soon_days=14),))
    assert mail.subject(report, "zh") == f"花园口镇{masked}村务公开逾期提醒（截至2024-07-15）：没有逾期或即将到期的事项"
    assert mail.subject(report, "zh", prefix=f"[{written}]", unit_name=f"东庄村{written}\n") == \
        f"[{masked}] 东庄村{masked}\\n村务公开逾期提醒（截至2024-07-15）：没有逾期或即将到期的事项"
    m = mail.compose(mail.Outgoing(("a@b.example",), report, None), "gongkai@b.example", "zh",
                     now=dt.datetime(2024, 7, 15, tzinfo=dt.timezone.utc))
    assert written not in mail.preview(m, "zh") and masked in str(m["Subject"])
    assert f.title(f.public(report), "zh") == f"花园口镇{masked}村务公开逾期提醒（截至2024-07-15）"


def test_record_file_named_with_esc_and_newline(tmp_path: Path) -> None:
    """A record file named with ESC and a newline, whose title holds a mobile; an event file named with a
    terminal sequence, whose title holds a mobile too (it reaches check's messages and every overdue row). The
    contents are clean, so both files load and their names and titles reach every output, escaped and masked."""
    root = town(tmp_path)
    write(root, {
        "dongzhuang/records/2024/q2-\x1b[31m\nforged.yaml":
            'item: village/finance/1\nperiod: 2024-Q2\npublished: 2024-07-08\ntitle: "通知 13800000013"\n'
            "reviewed: {by: 赵六, date: 2024-07-08}\n",
        "dongzhuang/events/2024-07-14-\x1b[2J\u202emeeting.yaml":
            'date: 2024-07-14\ntype: meeting\ntitle: "会议决定 伪造 138-0000-0011"\nitem: village/affairs/7\n',
    })
    result = check(root)
    out = result.stdout
    no_controls(out)
    assert "error[schema]" not in out and "error[syntax]" not in out  # both files were read
    name = "dongzhuang/records/2024/q2-\\x1b[31m\\nforged.yaml"
    privacy = [ln for ln in out.splitlines() if "error[privacy]" in ln]
    assert privacy and all(ln.startswith(f"{name}:4:") for ln in privacy)
    assert all("13800000013" not in ln for ln in privacy) and any("138****0013" in ln for ln in privacy)
    assert "dongzhuang/events/2024-07-14-\\x1b[2J\\u202emeeting.yaml:1:7: info[due-soon]" in out
    assert "会议决定 伪造 138-****-0011" in out and "138-0000-0011" not in out
    data = json.loads(check(root, "--format", "json").stdout)
    assert any(p["path"] == "dongzhuang/records/2024/q2-\x1b[31m\nforged.yaml" and p["code"] == "privacy"
               for p in data["problems"])
    assert any(p["path"] == "dongzhuang/events/2024-07-14-\x1b[2J\u202emeeting.yaml" for p in data["problems"])
    for fmt in ("table", "md", "html", "csv", "email", "json"):
        got = overdue(root, "-f", fmt).stdout
        no_controls(got, allowed="\r\n")
        no_raw(got)
        if fmt in ("table", "csv"):
            assert "会议决定 伪造 138-****-0011" in got
            assert "2024-07-14-\\x1b[2J\\u202emeeting" in got
        elif fmt == "json":
            assert any(i["path"] == "dongzhuang/events/2024-07-14-\x1b[2J\u202emeeting.yaml"
                       for i in json.loads(got)["items"])
        else:
            assert "138-****-0011" in got or "138-\\*\\*\\*\\*-0011" in got, fmt
            assert "x1b[2J" in got.replace("<wbr>", ""), fmt


def test_a_value_with_control_characters_is_refused_and_shown_escaped(tmp_path: Path) -> None:
    """ESC and CR in values are refused by the loader as schema errors at their line; a message that echoes the
    value (a `type` that is no type), and the file name holding ESC, a newline and a mobile, are shown escaped
    and the message masked in check's text; JSON keeps them as JSON escapes, the message masked."""
    root = town(tmp_path)
    refused = "dongzhuang/feedback/2024-07-12-\x1b[2Jrefused\ntel13800000013.yaml"
    write(root, {refused: 'type: "inquiry\\e[31m 13800000013\\r"\nreceived: 2024-07-12\nfrom: 村民\n'
                          'summary: "户主\\e[31m 138-0000-0011\\r问"\n'})
    result = check(root)
    assert result.exit_code == 1, result.output
    out = result.stdout
    no_controls(out)
    where = "dongzhuang/feedback/2024-07-12-\\x1b[2Jrefused\\ntel13800000013.yaml"
    assert (f"{where}:1:7: error[schema] “inquiry\\x1b[31m 138****0013”不是可用的值，可用：inquiry（质询/意见）、"
            "complaint（投诉）、access（查阅复印）。") in out
    assert (f"{where}:4:10: error[schema] 这里有一个看不见的控制字符 U+001B ESC（第 3 个字符，多半是复制粘贴带进来的）："
            "请删掉它") in out
    messages = [ln.split("error[schema] ", 1)[1] for ln in out.splitlines() if "error[schema] " in ln]
    assert len(messages) == 2 and not any(raw in m for m in messages for raw in ["13800000013", "138-0000-0011"])
    assert "138-0000-0011" not in out and "户主" not in out  # the refused summary is not echoed
    data = json.loads(check(root, "--format", "json").stdout)
    schema = [p for p in data["problems"] if p["code"] == "schema"]
    assert [(p["path"], p["line"], p["column"]) for p in schema] == [(refused, 1, 7), (refused, 4, 10)]
    assert schema[0]["message"].startswith("“inquiry\x1b[31m 138****0013”不是可用的值")
    en = json.loads(check(root, "--format", "json", "--lang", "en").stdout)
    assert [p["message"] for p in en["problems"] if p["code"] == "schema"][1].startswith(
        "an invisible control character U+001B ESC (character 3")
    # overdue reads what it can, says a file has errors, and shows nothing of the refused values
    table = overdue(root, clean=False)
    assert "有 1 个文件有错误" in table.stderr and "138-0000-0011" not in table.stdout
    no_controls(table.stdout)


DIGITS_AND_SEPARATORS = "0123456789013813X ．.-－　a+86\n\x1b１３８０"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list(DIGITS_AND_SEPARATORS)), max_size=40).map("".join))
def test_masked_text_holds_nothing_to_flag(text: str) -> None:
    """What `check` flags, masking hides: after mask() the privacy rule finds nothing."""
    assert find(mask(text)) == [], (text, mask(text))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_shown_text_is_one_printable_line(text: str) -> None:
    s = shown(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029\u202e" for c in s)
    assert visible(s) == s
    s.encode("utf-8")  # no lone surrogate


# ---------------------------------------------------------------- the formatters themselves, fed what no loader reads today


def _unsafe_report(written: str):  # type: ignore[no-untyped-def]
    """A report whose every text field holds ESC, CR/LF, U+202E, raw HTML and `written` (a personal number)."""
    import datetime as dt

    from gongkai.overdue import DUE_SOON, OVERDUE, Report, Row, Section

    bad = f"{ESC_TITLE} {written} <i>x</i>"
    rows = tuple(Row(unit="dong\x1b[31m", unit_name=bad, kind=kind, item=f"local/{bad}", title=bad, period=bad,
                     due=dt.date(2024, 7, 1), days=14, status=status, responsible=bad,
                     path=f"dong\x1b[31m/records/{bad}.yaml", line=3)
                 for kind, status in (("record", OVERDUE), ("feedback", DUE_SOON)))
    return Report(as_of=dt.date(2024, 7, 15), town=bad, within=None,
                  sections=(Section(unit="dong\x1b[31m", name=bad, kind="village", emails=("a@b.example",), rows=rows,
                                    due_soon_days=14),))


@pytest.mark.parametrize(("written", "masked"), FORMS)
def test_formatters_mask_every_form_and_escape_controls(written: str, masked: str) -> None:
    """Every overdue format, fed rows holding ESC, CR/LF and U+202E beside each personal-number form: the form is
    masked everywhere, the people's formats hold no control character, JSON stays JSON with the values intact."""
    from gongkai.report import overdue_formats as f

    report = _unsafe_report(written)
    digits = written.translate(str.maketrans("１３８０１２３４５６７８９Ｘ", "1380123456789X"))
    for fmt in ("table", "md", "html", "csv", "plain"):
        out = f.plain(report, "zh") if fmt == "plain" else f.render(report, fmt, "zh")
        assert written not in out, fmt
        assert "".join(c for c in digits if c.isdigit())[:11] not in "".join(c for c in out if c.isdigit()), fmt
        no_controls(out, allowed="\r\n" if fmt == "csv" else "\n")
        assert masked in out or masked.replace("*", "\\*") in out, fmt
        assert "\\x1b[31m红字" in out.replace("<wbr>", "") or "\\\\x1b\\[31m红字" in out, fmt  # escaped, as text
        assert not any(line.startswith("2024-07-15: error[forged]") for line in out.splitlines()), fmt
    assert "<i>" not in f.render(report, "html", "zh") and "&lt;i&gt;" in f.render(report, "html", "zh")
    data = json.loads(f.render(report, "json", "zh"))
    assert all(i["title"] == mask(f"{ESC_TITLE} {written} <i>x</i>") for i in data["items"])
    assert masked in data["items"][0]["title"] and written not in f.render(report, "json", "zh")
    csv_rows = list(csv.reader(io.StringIO(f.render(report, "csv", "zh").lstrip("\ufeff"), newline="")))
    assert len(csv_rows) == 3 and {len(r) for r in csv_rows} == {11}  # CR/LF in values never splits a row


@pytest.mark.parametrize(("written", "masked"), FORMS)
def test_check_output_masks_every_form_and_escapes_controls(written: str, masked: str) -> None:
    """check's text and JSON, fed problems and unit names holding control characters and each form: the
    message and the name are masked, the path and the id escaped (not masked: the clerk must find the file)."""
    import datetime as dt

    from gongkai.check import CheckResult, UnitSummary
    from gongkai.problem import Msg, Problem
    from gongkai.report import check as c

    bad = f"{ESC_TITLE} {written}"
    path = f"dong\x1b[31m/records/q2\n{written}.yaml"
    result = CheckResult(
        as_of=dt.date(2024, 7, 15),
        units=[UnitSummary("dong\x1b[31m", f"东庄村 {written}\r\n", (f"dong\x1b[31m/plans/2024\n{written}.yaml",))],
        problems=[Problem("dong\x1b[31m", path, 4, 8, "privacy", "error", Msg(f"“{bad}”", f"'{bad}'"),
                          Msg("依据\x1b[2J", "basis\x1b[2J"))])
    for lang in ("zh", "en"):
        out = c.text(result, lang)
        no_controls(out)
        assert not any(line.startswith("2024-07-15: error[forged]") for line in out.splitlines())
        shown_path = visible(path)
        assert out.startswith(f"{shown_path}:4:8: error[privacy] “{visible(mask(bad))}”" if lang == "zh"
                              else f"{shown_path}:4:8: error[privacy] '{visible(mask(bad))}'")
        assert f"dong\\x1b[31m（东庄村 {masked}\\r\\n）" in out or f"dong\\x1b[31m (东庄村 {masked}\\r\\n)" in out
        # the line naming units whose obligations cannot be computed: escaped and masked as well
        unknown = out.splitlines()[-1]
        assert "dong\\x1b[31m" in unknown and f"plans/2024\\n{written}.yaml" in unknown, unknown
        assert f"东庄村 {masked}\\r\\n" in unknown, unknown
        messages_and_names = out.replace(shown_path, "").replace(f"plans/2024\\n{written}.yaml", "")
        assert written not in messages_and_names
        data = json.loads(c.as_json(result, lang))
        assert data["problems"][0]["path"] == path  # JSON keeps the name as it is, as JSON escapes it
        assert data["problems"][0]["message"] == mask(Msg(f"“{bad}”", f"'{bad}'").get(lang))
        assert written not in data["problems"][0]["message"] and masked in data["problems"][0]["message"]


def test_safe_escapes_every_control_and_masks_every_form() -> None:
    for written, masked in FORMS:
        assert shown(f"{ESC_TITLE}{written}") == visible(ESC_TITLE) + masked
    assert visible(ESC_TITLE) == "村道\\x1b[31m红字\\x1b[0m\\r\\n2024-07-15: error[forged] 伪造的一行\\u202eabc"
    assert json.loads(json_safe(json.dumps(ESC_TITLE, ensure_ascii=False))) == ESC_TITLE
    assert "\u202e" not in json_safe(json.dumps(ESC_TITLE, ensure_ascii=False))


def _json_safe_two_passes(text: str) -> str:
    """json_safe as it was: the bidi/zero-width/C1 pass, then the lone-surrogate pass (issue 11: now one pass)."""
    import re

    from gongkai.report.safe import _show

    text = re.sub("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]",
                  lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return re.sub("[\ud800-\udfff]", lambda m: "\\" + _show(m), text)


_TRICKY = st.sampled_from(["\x00", "\x1b", "\x7f", "\x85", "\x9f", "\u061c", "\u200b", "\u200f", "\u2028", "\u202e",
                           "\u2060", "\u2069", "\ufeff", "\ud800", "\udc80", "\udcff", "\udfff", "\\", "\"", "村", "a"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_TRICKY, st.characters(), st.text(max_size=5))))
def test_json_safe_in_one_pass_equals_the_two_passes(parts: list[str]) -> None:
    text = "".join(parts)
    assert json_safe(text) == _json_safe_two_passes(text)
    as_json = json.dumps({"t": text}, ensure_ascii=False)
    assert json_safe(as_json) == _json_safe_two_passes(as_json)
