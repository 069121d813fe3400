"""The overdue mail against real SMTP servers (aiosmtpd on 127.0.0.1): what arrives, for whom, and every failure."""
# ruff: noqa: F811 - the server fixtures are imported from smtp_fixtures and then named as test arguments

from __future__ import annotations

import datetime as dt
import re
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from smtp_fixtures import (  # noqa: F401 - fixtures
    PASSWORD,
    USER,
    Server,
    certs,
    closed_port,
    silent_port,
    smtp_auth_plain,
    smtp_auth_required,
    smtp_server,
    smtp_ssl,
    smtp_starttls,
)
from test_overdue import AS_OF, runner_invoke, town

from gongkai import mail
from gongkai.overdue import build
from gongkai.repo import load_repository

PW_ENV = "GONGKAI_TEST_SMTP_PASSWORD"
TOWN, DONG, XIN, NAN = ("minzhengban@huayuankou.example", "dongzhuang@huayuankou.example",
                        "xincun@huayuankou.example", "nanhe@huayuankou.example")
WHOLE_SUBJECT = "花园口镇村（居）务公开逾期提醒（截至2024-07-15）：3项逾期，2项即将到期"


def parts(m: EmailMessage) -> tuple[str, str]:
    plain = m.get_body(("plain",))
    page = m.get_body(("html",))
    assert plain is not None and page is not None
    return plain.get_content(), page.get_content()


def by_recipient(server: Server) -> dict[tuple[str, ...], EmailMessage]:
    return {tuple(r.rcpt_tos): r.message for r in server.received}


def send(root: Path, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner_invoke(str(root), "--as-of", AS_OF, "--send", *args, env=env)


# ---------------------------------------------------------------- compose, without a server


def test_message_is_multipart_utf8_with_encoded_subject(tmp_path: Path) -> None:
    report = build(load_repository(town(tmp_path)), dt.date(2024, 7, 15))
    out = mail.Outgoing((TOWN,), report, None)
    m = mail.compose(out, "花园口镇民政办 <gongkai@huayuankou.example>", "zh",
                     now=dt.datetime(2024, 7, 15, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    raw = mail.as_text(m)
    assert raw.isascii()  # headers RFC 2047, bodies base64: travels through any server
    assert "=?utf-8?" in raw.split("\n\n", 1)[0]
    back = message_from_string(raw, policy=policy.default)
    assert back["Subject"] == WHOLE_SUBJECT
    assert back["From"].addresses[0].display_name == "花园口镇民政办"
    assert back["To"] == TOWN and back["Date"] == "Mon, 15 Jul 2024 08:00:00 +0800"
    assert re.fullmatch(r"<gongkai\.2024-07-15\.[0-9a-f]{24}@huayuankou\.example>", back["Message-ID"])
    assert back.get_content_type() == "multipart/alternative"
    text, page = parts(back)
    assert "【东庄村（dongzhuang）：3项逾期，1项即将到期】" in text
    assert "1. 逾期 96 天（应于 2024-04-10 完成）\n   village/affairs/5 村级民主协商" in text
    assert "   期间：2024-Q1；责任人：张伟\n   文件：dongzhuang/plans/2024.yaml:" in text
    assert back["Content-Language"] == "zh-CN"
    assert "<h2" in page and "东庄村" in page and 'class="overdue"' in page
    assert all(p.get_content_charset() == "utf-8" for p in back.iter_parts())


def test_message_is_deterministic_but_unique_per_report(tmp_path: Path) -> None:
    repo = load_repository(town(tmp_path))
    now = dt.datetime(2024, 7, 15, tzinfo=dt.timezone.utc)

    def make(day: dt.date, to: tuple[str, ...] = (TOWN,)) -> str:
        return mail.as_text(mail.compose(mail.Outgoing(to, build(repo, day), None), "gongkai@x.example", "zh", now=now))

    first = make(dt.date(2024, 7, 15))
    assert first == make(dt.date(2024, 7, 15))
    ids = {re.search(r"Message-ID: (\S+)", t).group(1)  # type: ignore[union-attr]
           for t in (first, make(dt.date(2024, 7, 16)), make(dt.date(2024, 7, 15), (DONG,)))}
    assert len(ids) == 3


def test_english_subject(tmp_path: Path) -> None:
    report = build(load_repository(town(tmp_path)), dt.date(2024, 7, 15))
    assert mail.subject(report, "en") == \
        "花园口镇: Village and community affairs disclosure overdue report (as of 2024-07-15): 3 overdue, 2 due soon"
    assert mail.subject(report.only("dongzhuang"), "zh", "[花园口镇]", "东庄村") == \
        "[花园口镇] 东庄村村务公开逾期提醒（截至2024-07-15）：3项逾期，1项即将到期"


def test_who_gets_what(tmp_path: Path) -> None:
    report = build(load_repository(town(tmp_path)), dt.date(2024, 7, 15))
    plan = [(o.recipients, o.unit, len(o.report.rows)) for o in mail.addressees(report, (TOWN,), None, False)]
    assert plan == [((TOWN,), None, 5), ((DONG,), "dongzhuang", 4), ((XIN,), "xincun-shequ", 1)]
    always = [(o.recipients, o.unit) for o in mail.addressees(report, (TOWN,), None, True)]
    assert always == [((TOWN,), None), ((DONG,), "dongzhuang"), ((NAN,), "nanhe"), ((XIN,), "xincun-shequ")]
    # an address on the town list already has everything
    assert [o.recipients for o in mail.addressees(report, (TOWN, DONG.upper()), None, False)] == [(TOWN, DONG.upper()), (XIN,)]
    assert [(o.recipients, o.unit) for o in mail.addressees(report, (TOWN,), ["me@x.example"], False)] == \
        [(("me@x.example",), None)]
    assert mail.split_addresses(["a@x, b@y", "c@z；a@x"]) == ["a@x", "b@y", "c@z", "a@x"]


# ---------------------------------------------------------------- delivered to a real server


def test_send_plain_per_unit_recipients(tmp_path: Path, smtp_server: Server) -> None:
    root = town(tmp_path, smtp_server.yaml())
    result = send(root)
    assert result.exit_code == 1, result.output  # delivered; something is overdue
    assert result.stdout.startswith("花园口镇村（居）务公开逾期提醒")  # the report is printed as well
    got = by_recipient(smtp_server)
    assert sorted(got) == [(DONG,), (TOWN,), (XIN,)]  # nanhe has nothing due: no mail
    assert all(r.mail_from == "gongkai@huayuankou.example" for r in smtp_server.received)

    whole = got[(TOWN,)]
    assert whole["Subject"] == WHOLE_SUBJECT and whole["To"] == TOWN
    assert whole["Date"] and whole["Message-ID"]
    text, page = parts(whole)
    assert "东庄村（dongzhuang）" in text and "新村社区（xincun-shequ）" in text and "南河村" in text
    assert "居民代表会议决定加装电梯" in page and "答复质询/意见：村道何时修" in page

    own = got[(DONG,)]
    assert own["Subject"] == "东庄村村务公开逾期提醒（截至2024-07-15）：3项逾期，1项即将到期"
    text, page = parts(own)
    assert text.startswith("东庄村村务公开逾期提醒（截至2024-07-15）\n") and "<h1>东庄村村务公开逾期提醒" in page
    assert "新村社区" not in text and "xincun" not in page
    assert got[(XIN,)]["Subject"] == "新村社区居务公开逾期提醒（截至2024-07-15）：无逾期，1项即将到期"
    assert f"已发送给 {TOWN}（全部单位）" in result.stderr and f"已发送给 {DONG}（东庄村）" in result.stderr


def test_to_overrides_every_recipient(tmp_path: Path, smtp_server: Server) -> None:
    result = send(town(tmp_path, smtp_server.yaml()), "--to", "me@test.example,you@test.example", "--quiet")
    assert result.exit_code == 1 and result.stdout == "" and result.stderr == ""
    assert [tuple(r.rcpt_tos) for r in smtp_server.received] == [("me@test.example", "you@test.example")]
    assert smtp_server.received[0].message["Subject"] == WHOLE_SUBJECT


def test_starttls_and_login(tmp_path: Path, smtp_starttls: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PW_ENV, PASSWORD)
    root = town(tmp_path, smtp_starttls.yaml(username=USER, password_env=PW_ENV))
    result = send(root, "--unit", "dongzhuang")
    assert result.exit_code == 1, result.output
    assert [(tuple(r.rcpt_tos), r.authenticated, r.tls) for r in smtp_starttls.received] == \
        [((TOWN,), True, True), ((DONG,), True, True)]
    assert smtp_starttls.received[0].message["Subject"] == \
        "花园口镇村务公开逾期提醒（截至2024-07-15）：3项逾期，1项即将到期"  # one village: 村务公开


def test_ssl_and_login(tmp_path: Path, smtp_ssl: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PW_ENV, PASSWORD)
    root = town(tmp_path, smtp_ssl.yaml(username=USER, password_env=PW_ENV))
    result = send(root, "--to", "me@test.example")
    assert result.exit_code == 1, result.output
    assert [(r.rcpt_tos, r.authenticated, r.tls) for r in smtp_ssl.received] == [(["me@test.example"], True, True)]


def test_login_over_plain_connection_on_loopback(tmp_path: Path, smtp_auth_plain: Server,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PW_ENV, PASSWORD)
    result = send(town(tmp_path, smtp_auth_plain.yaml(username=USER, password_env=PW_ENV)), "--to", "me@test.example")
    assert result.exit_code == 1 and "明文" not in result.stderr  # 127.0.0.1: no warning
    assert [r.authenticated for r in smtp_auth_plain.received] == [True]


def test_nothing_due_sends_nothing_unless_always(tmp_path: Path, smtp_server: Server) -> None:
    root = town(tmp_path, smtp_server.yaml())
    result = send(root, "--unit", "nanhe")
    assert result.exit_code == 0 and smtp_server.received == []
    assert "没有发送邮件" in result.stderr and "--always" in result.stderr
    result = send(root, "--unit", "nanhe", "--always")
    assert result.exit_code == 0, result.output
    got = by_recipient(smtp_server)
    assert sorted(got) == [(TOWN,), (NAN,)]
    assert got[(TOWN,)]["Subject"] == "花园口镇村务公开逾期提醒（截至2024-07-15）：没有逾期或即将到期的事项"
    assert "没有逾期或即将到期的事项" in parts(got[(NAN,)])[0]


def test_dry_run_prints_and_sends_nothing(tmp_path: Path, smtp_server: Server) -> None:
    # no password in the environment: a dry run does not need it
    root = town(tmp_path, smtp_server.yaml(username=USER, password_env=PW_ENV))
    result = runner_invoke(str(root), "--as-of", AS_OF, "--dry-run")
    assert result.exit_code == 1, result.output
    assert smtp_server.received == []
    chunks = re.split(r"^----- 邮件 \d/3（未发送）.*-----\n", result.stdout, flags=re.M)
    assert chunks[0] == "" and len(chunks) == 4
    messages = [message_from_string(c, policy=policy.default) for c in chunks[1:]]
    assert [m["To"] for m in messages] == [TOWN, DONG, XIN]
    assert messages[0]["Subject"] == WHOLE_SUBJECT
    assert f"主题：{WHOLE_SUBJECT}" in result.stdout
    # decoded for reading: the subject and the plain text as they will show, not RFC 2047 / base64
    assert f"Subject: {WHOLE_SUBJECT}\n" in result.stdout and "=?utf-8?" not in result.stdout.lower()
    assert "Content-Transfer-Encoding" not in result.stdout and "【东庄村（dongzhuang）：3项逾期，1项即将到期】" in result.stdout


def test_format_email_for_sendmail(tmp_path: Path, smtp_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    root = town(tmp_path, smtp_server.yaml())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1721001600")
    first = runner_invoke(str(root), "--as-of", AS_OF, "-f", "email")
    assert first.exit_code == 1, first.output
    assert first.stdout == runner_invoke(str(root), "--as-of", AS_OF, "-f", "email").stdout  # byte-identical
    m = message_from_string(first.stdout, policy=policy.default)
    assert m["To"] == TOWN and m["Subject"] == WHOLE_SUBJECT and m["Date"] == "Mon, 15 Jul 2024 00:00:00 +0000"
    assert "东庄村" in parts(m)[0]
    assert smtp_server.received == []
    only = runner_invoke(str(root), "--as-of", AS_OF, "-f", "email", "--to", "me@test.example")
    assert message_from_string(only.stdout, policy=policy.default)["To"] == "me@test.example"


# ---------------------------------------------------------------- failures: one line, exit 3, the report kept


def test_connection_refused(tmp_path: Path, closed_port: int) -> None:
    email = f"email:\n  from: gongkai@huayuankou.example\n  to: [{TOWN}]\n  smtp: {{host: 127.0.0.1, port: {closed_port}}}\n"
    result = send(town(tmp_path, email), "--quiet")
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and f"127.0.0.1:{closed_port}" in result.stderr and "连接被拒绝" in result.stderr
    assert "东庄村（dongzhuang）" in result.stdout  # --quiet, but the report is not lost
    en = send(town(tmp_path, email), "--lang", "en")
    assert en.exit_code == 3 and "mail not sent: mail server 127.0.0.1" in en.stderr and "connection refused" in en.stderr


def test_timeout(tmp_path: Path, silent_port: int) -> None:
    email = (f"email:\n  from: gongkai@huayuankou.example\n  to: [{TOWN}]\n"
             f"  smtp: {{host: 127.0.0.1, port: {silent_port}, timeout: 1}}\n")
    result = send(town(tmp_path, email))
    assert result.exit_code == 3, result.output
    assert f"127.0.0.1:{silent_port}" in result.stderr and "1 秒内没有响应" in result.stderr
    assert result.stdout.startswith("花园口镇")


def test_login_rejected(tmp_path: Path, smtp_starttls: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PW_ENV, "wrong")
    result = send(town(tmp_path, smtp_starttls.yaml(username=USER, password_env=PW_ENV)))
    assert result.exit_code == 3, result.output
    line = result.stderr.strip()
    assert "\n" not in line and f"{smtp_starttls.host}:{smtp_starttls.port}" in line
    assert f"拒绝登录（用户 {USER}）" in line and "535" in line
    assert smtp_starttls.received == [] and "东庄村" in result.stdout


def test_untrusted_certificate(tmp_path: Path, smtp_starttls: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GONGKAI_SMTP_CAFILE")
    monkeypatch.setenv(PW_ENV, PASSWORD)
    result = send(town(tmp_path, smtp_starttls.yaml(username=USER, password_env=PW_ENV)))
    assert result.exit_code == 3
    assert "证书无法验证" in result.stderr and "GONGKAI_SMTP_CAFILE" in result.stderr and smtp_starttls.received == []


def test_unusable_cafile(tmp_path: Path, smtp_starttls: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_SMTP_CAFILE", str(tmp_path / "nope.pem"))
    result = send(town(tmp_path / "repo", smtp_starttls.yaml()))
    assert result.exit_code == 3 and "GONGKAI_SMTP_CAFILE" in result.stderr and "nope.pem" in result.stderr


def test_server_without_login(tmp_path: Path, smtp_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PW_ENV, PASSWORD)
    result = send(town(tmp_path, smtp_server.yaml(username=USER, password_env=PW_ENV)))
    assert result.exit_code == 3 and "服务器不提供登录" in result.stderr and "starttls" in result.stderr


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_server_wants_a_login_we_do_not_have(tmp_path: Path, smtp_auth_required: Server) -> None:
    result = send(town(tmp_path, smtp_auth_required.yaml()))
    assert result.exit_code == 3 and "530" in result.stderr and "username" in result.stderr
    assert smtp_auth_required.received == []


def test_password_env_without_username_is_no_login(tmp_path: Path, smtp_server: Server,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The example's setting: a relay on localhost that needs no login; the variable is not even read."""
    monkeypatch.delenv(PW_ENV, raising=False)
    result = send(town(tmp_path, smtp_server.yaml(password_env=PW_ENV)), "--to", "me@test.example")
    assert result.exit_code == 1, result.output
    assert [r.authenticated for r in smtp_server.received] == [False]


def test_partial_delivery_says_who(tmp_path: Path, smtp_server: Server) -> None:
    smtp_server.refuse(XIN)
    result = send(town(tmp_path, smtp_server.yaml()))
    assert result.exit_code == 3
    assert sorted(by_recipient(smtp_server)) == [(DONG,), (TOWN,)]
    assert f"邮件未送达 {XIN}" in result.stderr and "550" in result.stderr
    assert f"部分送达：已发给 {TOWN}, {DONG}" in result.stderr


# ---------------------------------------------------------------- settings that cannot work: exit 2 before anything


def test_password_in_the_repository_is_refused(tmp_path: Path, smtp_server: Server) -> None:
    root = town(tmp_path, smtp_server.yaml(username=USER, password="hunter2"))
    result = send(root)
    assert result.exit_code == 2 and "password_env" in result.stderr and "仓库" in result.stderr
    assert smtp_server.received == [] and result.stdout == ""
    assert "hunter2" not in result.output


def test_password_env_not_set(tmp_path: Path, smtp_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PW_ENV, raising=False)
    result = send(town(tmp_path, smtp_server.yaml(username=USER, password_env=PW_ENV)))
    assert result.exit_code == 2 and f"环境变量 {PW_ENV} 没有设置" in result.stderr and smtp_server.received == []


@pytest.mark.parametrize("email, words", [
    ("", "没有 email"),
    ("email:\n  to: [a@b.example]\n", "from"),
    ("email:\n  from: g@b.example\n  username: u\n", "password_env"),
    ("email:\n  from: g@b.example\n  smtp: {host: x, security: tls13}\n", "gongkai.yaml:5:29: “tls13”"),
])
def test_settings_that_cannot_work(tmp_path: Path, email: str, words: str) -> None:
    root = town(tmp_path, email)
    result = send(root)
    assert result.exit_code == 2 and words in result.stderr, result.stderr


def test_no_recipients_at_all(tmp_path: Path) -> None:
    root = town(tmp_path, "email:\n  from: g@b.example\n")
    for unit in ("dongzhuang", "xincun-shequ", "nanhe"):
        path = root / unit / "unit.yaml"
        path.write_text(re.sub(r"email: .*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    result = send(root)
    assert result.exit_code == 2 and "没有收件人" in result.stderr


def test_cafile_in_settings(tmp_path: Path, smtp_starttls: Server, certs, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """smtp.cafile, relative to the folder of gongkai.yaml, trusts a self-signed server without the variable."""
    monkeypatch.delenv("GONGKAI_SMTP_CAFILE")
    monkeypatch.setenv(PW_ENV, PASSWORD)
    root = tmp_path / "repo"
    block = smtp_starttls.yaml(username=USER, password_env=PW_ENV).replace("timeout: 5}", "timeout: 5, cafile: certs/town-ca.pem}")
    town(root, block)
    (root / "certs").mkdir()
    (root / "certs" / "town-ca.pem").write_bytes(certs.ca.read_bytes())
    result = send(root)
    assert result.exit_code == 1, result.stderr  # delivered; 1 because items are overdue
    assert smtp_starttls.received
    (root / "certs" / "town-ca.pem").write_text("not a certificate", encoding="utf-8")
    result = send(root)
    assert result.exit_code == 3 and "smtp.cafile" in result.stderr


def test_a_unit_that_cannot_be_computed_is_mailed_without_always(tmp_path: Path, smtp_server: Server) -> None:
    from test_overdue import broken_town

    root = broken_town(tmp_path, smtp_server.yaml())
    result = send(root, "--unit", "nanhe")  # nothing overdue there, but its obligations are unknown
    assert result.exit_code == 1, result.output
    got = by_recipient(smtp_server)
    assert sorted(got) == [(TOWN,), (NAN,)]
    subject = "花园口镇村（居）务公开逾期提醒（截至2024-07-15）：1项无法计算，其余无逾期，无即将到期"  # kind unknown
    assert got[(TOWN,)]["Subject"] == subject
    text, page = parts(got[(NAN,)])
    assert "无法计算" in text and "文件：nanhe/unit.yaml" in text and "kind 写得不对" in text
    assert "没有逾期或即将到期的事项" not in text
    assert '<tr class="unknown">' in page and "nanhe/<wbr>unit.yaml" in page
