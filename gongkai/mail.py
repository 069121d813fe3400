"""Compose the overdue mail and deliver it over SMTP.

Who gets what: the town's recipients (`email.to` in gongkai.yaml) get the whole report; each unit's
own recipients (`email:` in its unit.yaml) get that unit's part only; `--to` replaces all of them
with one whole-report message. The password never lives in the repository: it is read from the
environment variable that `password_env` names.

Every failure becomes a `MailError` carrying one line that names the server and the reason; the
caller prints it and exits 3. `email`, `smtplib` and `ssl` are imported only when a mail is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai.model import PASSWORD_REFUSED, Email
from gongkai.overdue import Report
from gongkai.problem import GongkaiError, Msg, msg

if TYPE_CHECKING:
    from email.message import EmailMessage

CAFILE_ENV = "GONGKAI_SMTP_CAFILE"  # a PEM file of extra trusted certificates (a town's self-signed server)
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_TIMEOUT = 30
LOOPBACK = ("localhost", "127.0.0.1", "::1")


class MailConfigError(GongkaiError):
    """The mail settings cannot work (missing sender, no recipients, password not in the environment)."""


class MailError(GongkaiError):
    """Nothing could be delivered: one line naming the server and the reason."""


@dataclass(frozen=True)
class Config:
    host: str
    port: int
    security: str  # none | starttls | ssl
    timeout: float
    sender: str  # the From header as written (may carry a display name)
    town_to: tuple[str, ...]
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    subject_prefix: str = ""
    timezone: str | None = None
    cafile: str | None = None  # extra trusted certificates (smtp.cafile), besides the system's

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def envelope_from(self) -> str:
        from email.utils import parseaddr

        return parseaddr(self.sender)[1] or self.sender


@dataclass
class Outgoing:
    """One message to send: to whom (the envelope), which part of the report, and the message itself."""

    recipients: tuple[str, ...]
    report: Report
    unit: str | None  # None: the whole report
    message: Any = None  # email.message.EmailMessage
    delivered: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # address → the server's reason

    @property
    def subject(self) -> str:
        return str(self.message["Subject"]) if self.message is not None else ""


# ---------------------------------------------------------------- settings


def configure(email: Email | None, timezone: str | None = None, *, need_password: bool = True,
              need_sender: bool = True, settings_problems: list[Msg] | None = None,
              base: Path | None = None) -> Config:
    """The mail settings from gongkai.yaml's `email:`, checked before anything is sent.

    Raises MailConfigError with a message that says what to write where.
    """
    if email is None:
        raise MailConfigError(Msg(
            "gongkai.yaml 里没有 email: 设置，无法发送。至少写上 from（发件人）、to（收件人）和 smtp（邮件服务器），见 README「逾期提醒」",
            "gongkai.yaml has no 'email:' section: set at least from, to and smtp (README, 'Overdue report')"))
    if "password" in email.src.pos:
        raise MailConfigError(Msg("gongkai.yaml 的 email.password：" + PASSWORD_REFUSED.zh,
                                  "gongkai.yaml email.password: " + PASSWORD_REFUSED.en))
    if settings_problems:
        first = settings_problems[0]
        raise MailConfigError(Msg("gongkai.yaml 的 email 设置有错误，先改正：" + first.zh,
                                  "the email settings in gongkai.yaml have errors, fix them first: " + first.en))
    smtp = email.smtp
    host = (smtp.host if smtp and smtp.host else None) or "localhost"
    security = (smtp.security if smtp and smtp.security else None) or "none"
    port = smtp.port if smtp and smtp.port else DEFAULT_PORTS[security]
    timeout = smtp.timeout if smtp and smtp.timeout else DEFAULT_TIMEOUT
    cafile = smtp.cafile if smtp and smtp.cafile else None
    if cafile and base is not None and not os.path.isabs(cafile):
        cafile = str(base / cafile)  # relative to the folder holding gongkai.yaml
    sender = email.from_ or ""
    if not _header_safe(sender):
        from gongkai.report.safe import visible

        raise MailConfigError(msg("gongkai.yaml 的 email.from“{v}”含有换行或控制字符，不能作为发件人：改成一行，如 "
                                  "from: 花园口镇民政办 <gongkai@huayuankou.example>",
                                  "gongkai.yaml email.from '{v}' holds a line break or a control character: write it on "
                                  "one line", v=visible(sender)))
    if need_sender and not sender:
        raise MailConfigError(Msg("gongkai.yaml 的 email 缺少 from（发件人地址），如 from: gongkai@huayuankou.example",
                                  "gongkai.yaml email has no 'from' (the sender address)"))
    password = None
    # a login happens when `username` is set; password_env alone (a relay on localhost) logs in to nothing
    if need_password and email.username:
        if not email.password_env:
            raise MailConfigError(msg(
                "gongkai.yaml 的 email 写了 username“{u}”，却没有 password_env：写上存放密码的环境变量名，"
                "如 password_env: GONGKAI_SMTP_PASSWORD，再在运行前设置这个环境变量",
                "gongkai.yaml email has username '{u}' but no password_env: name the environment variable that "
                "holds the password, e.g. password_env: GONGKAI_SMTP_PASSWORD, and set it before running", u=email.username))
        password = os.environ.get(email.password_env)
        if not password:
            raise MailConfigError(msg(
                "环境变量 {v} 没有设置，拿不到登录 {s} 的密码（password_env 指定的）。在 cron 或 systemd 里设置它，见 README「逾期提醒」",
                "the environment variable {v} (named by password_env) is not set: no password to log in to {s}. "
                "Set it in the cron or systemd environment (README, 'Overdue report')",
                v=email.password_env, s=f"{host}:{port}"))
    return Config(host=host, port=port, security=security, timeout=timeout, sender=sender,
                  town_to=tuple(email.to), username=email.username if password else None, password=password,
                  subject_prefix=email.subject_prefix or "", timezone=timezone, cafile=cafile)


def addressees(report: Report, town_to: tuple[str, ...] | list[str], override: list[str] | None,
               always: bool) -> list[Outgoing]:
    """Who gets which part. Nothing goes out for an empty part unless `always`.

    An address that is on the town list already gets the whole report and is not sent the unit part too.
    """
    if override:
        return [Outgoing(unique(override), report, None)] if (always or not report.empty) else []
    out = []
    if town_to and (always or not report.empty):
        out.append(Outgoing(unique(town_to), report, None))
    whole = {a.lower() for a in town_to}
    for s in report.sections:
        own = tuple(a for a in unique(s.emails) if a.lower() not in whole)
        if own and (always or s.rows):
            out.append(Outgoing(own, report.only(s.unit), s.unit))
    return out


def has_recipients(report: Report, town_to: tuple[str, ...] | list[str], override: list[str] | None) -> bool:
    return bool(override or town_to or any(s.emails for s in report.sections))


def _header_safe(text: str) -> bool:
    """Nothing that could end a header line or hide in one (CR, LF, other controls, bidi, undecodable bytes)."""
    from gongkai.report.safe import visible

    return visible(text) == text


def address_ok(address: str) -> bool:
    a = address.strip()
    return "@" in a and _header_safe(a) and not any(c.isspace() for c in a)


def bad_addresses(report: Report, town_to: tuple[str, ...] | list[str], override: list[str] | None) -> list[tuple[str, str]]:
    """(where it is written, address) of each address that cannot be a recipient (a line break, a control
    character, a space, no @): it is left out of every mail, and the caller says so."""
    if override:
        return [("--to", a) for a in override if not address_ok(a)]
    out = [("gongkai.yaml email.to", a) for a in town_to if not address_ok(a)]
    for s in report.sections:
        out += [(f"{s.unit}/unit.yaml email", a) for a in s.emails if not address_ok(a)]
    return out


def unique(addresses: Any) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for a in addresses:
        a = a.strip()
        if a and address_ok(a) and a.lower() not in seen:
            seen[a.lower()] = a
    return tuple(seen.values())


def split_addresses(values: list[str] | None) -> list[str]:
    """`--to a@x --to b@y` or `--to a@x,b@y`."""
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in v.replace("；", ",").replace(";", ",").replace("，", ",").split(",") if p.strip())
    return out


# ---------------------------------------------------------------- compose


def subject(report: Report, lang: str, prefix: str = "", unit_name: str | None = None) -> str:
    """`村务公开逾期提醒（截至2024-07-15）：3项逾期，5项即将到期`; names masked and shown escaped (one line)."""
    from gongkai.report.overdue_formats import counts_text, public
    from gongkai.report.safe import shown

    report = public(report)
    what = report.disclosure.get(lang)
    counts = counts_text(report.overdue, report.due_soon, lang, report.unknown)
    day = report.as_of.isoformat()
    who = shown(unit_name) or report.town or ""
    prefix = shown(prefix)
    if lang == "en":
        text = f"{who + ': ' if who else ''}{what} overdue report (as of {day}): {counts}"
    else:
        text = f"{who}{what}逾期提醒（截至{day}）：{counts}"
    return f"{prefix.strip()} {text}" if prefix.strip() else text


def compose(out: Outgoing, sender: str, lang: str, *, prefix: str = "", timezone: str | None = None,
            now: dt.datetime | None = None) -> EmailMessage:
    """A multipart/alternative message (plain text and HTML, UTF-8) with an RFC 2047 subject.

    Everything but the Date header is a function of the report: the boundary and the Message-ID are
    derived from the content, so the same report prints the same message.
    """
    from email.message import EmailMessage
    from email.policy import default
    from email.utils import format_datetime

    from gongkai.report.overdue_formats import html, plain

    report = out.report
    unit_name = report.sections[0].name if out.unit is not None and report.sections else None
    subj = subject(report, lang, prefix, unit_name)
    text = plain(report, lang, unit_name)
    page = html(report, lang, unit_name)
    digest = hashlib.sha256("\0".join([report.as_of.isoformat(), ",".join(out.recipients), subj, text]).encode()).hexdigest()

    m = EmailMessage(policy=default)
    if sender:
        m["From"] = sender
    if out.recipients:
        m["To"] = ", ".join(out.recipients)
    m["Subject"] = subj
    m["Date"] = format_datetime(now or _now(timezone))
    m["Message-ID"] = f"<gongkai.{report.as_of.isoformat()}.{digest[:24]}@{_domain(sender)}>"
    m["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    m["X-Mailer"] = "gongkai"
    m.set_content(text, charset="utf-8")
    m.add_alternative(page, subtype="html", charset="utf-8")
    m["Content-Language"] = "en" if lang == "en" else "zh-CN"  # after set_content, which clears Content-* headers
    m.set_boundary(f"=_gongkai_{digest[24:48]}")
    out.message = m
    return m


def _now(timezone: str | None) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # reproducible builds convention: a fixed clock
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo(timezone or "Asia/Shanghai"))
    except Exception:  # noqa: BLE001 - no tz database: China Standard Time has no daylight saving
        return dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))


def _domain(sender: str) -> str:
    from email.utils import parseaddr

    address = parseaddr(sender)[1]
    domain = address.rpartition("@")[2] if "@" in address else ""
    return domain if domain and domain.isascii() and " " not in domain else "gongkai.invalid"


def as_text(message: EmailMessage) -> str:
    """The RFC 5322 message with local line ends, for stdout and `| sendmail -t`."""
    return message.as_string(maxheaderlen=78)


def preview(message: EmailMessage, lang: str) -> str:
    """The message as its reader sees it, for `--dry-run`: the headers decoded (a readable Chinese subject, not
    RFC 2047), the plain-text part as text (not base64), and a line naming the HTML part. `-f email` prints
    the encoded message itself."""
    from gongkai.report.safe import visible

    skip = {"mime-version", "content-type", "content-transfer-encoding"}
    lines = [f"{name}: {visible(str(value))}" for name, value in message.items() if name.lower() not in skip]
    plain = message.get_body(("plain",))
    body = plain.get_content() if plain is not None else ""
    page = message.get_body(("html",))
    if page is not None:
        size = len(page.get_content().encode("utf-8"))
        note = (f"[another part: the same report as HTML (the --format html table), {size} bytes; -f email prints the raw message]"
                if lang == "en" else f"［另附 HTML 版本：与 --format html 相同的表格，{size} 字节；要看原始邮件用 -f email］")
        body = body.rstrip("\n") + "\n\n" + note + "\n"
    return "\n".join(lines) + "\n\n" + body


# ---------------------------------------------------------------- deliver


def deliver(config: Config, outgoing: list[Outgoing]) -> list[Outgoing]:
    """Send every message over one connection. Fills in `delivered` and `refused` of each.

    Raises MailError when nothing could be sent (connection, TLS or login failure). A failure after
    some messages went out is recorded on the messages that did not, not raised.
    """
    import smtplib
    import socket
    import ssl

    server = config.server
    try:
        client = _connect(config)
    except (ssl.SSLError, ssl.CertificateError) as e:
        raise MailError(_tls_reason(server, e)) from None
    except smtplib.SMTPConnectError as e:
        raise MailError(_fail(server, Msg(f"服务器拒绝连接：{_smtp_text(e)}", f"the server refused the session: {_smtp_text(e)}"))) from None
    except smtplib.SMTPNotSupportedError as e:
        raise MailError(_fail(server, Msg(
            f"服务器不支持 STARTTLS（{e}）：改用 security: ssl 或 none，或换端口",
            f"the server does not offer STARTTLS ({e}): use security ssl or none, or another port"))) from None
    except smtplib.SMTPResponseException as e:
        raise MailError(_fail(server, Msg(f"服务器回应错误：{_smtp_text(e)}", f"the server answered {_smtp_text(e)}"))) from None
    except (smtplib.SMTPServerDisconnected, ConnectionResetError, TimeoutError, _TooLong) as e:
        # smtplib reports a greeting that never comes (or never ends) as a disconnection caused by the timeout
        why = _cut_off(e, config)
        if why is None:
            why = Msg(f"服务器断开了连接（{e or '无说明'}）", f"the server closed the connection ({e or 'no reason given'})")
        raise MailError(_fail(server, why)) from None
    except socket.gaierror as e:
        raise MailError(_fail(server, msg("找不到主机“{h}”（{e}）", "cannot resolve host '{h}' ({e})",
                                          h=config.host, e=e.strerror or e))) from None
    except ConnectionRefusedError:
        raise MailError(_fail(server, Msg("连接被拒绝：这台主机的这个端口上没有邮件服务，请检查 host 和 port",
                                          "connection refused: no mail service on that host and port; check host and port"))) from None
    except OSError as e:
        raise MailError(_fail(server, msg("无法连接：{e}", "cannot connect: {e}", e=e.strerror or e))) from None

    try:
        if config.username:
            _login(client, config)
        for i, out in enumerate(outgoing):
            try:
                refused = client.send_message(out.message, from_addr=config.envelope_from, to_addrs=list(out.recipients))
            except smtplib.SMTPRecipientsRefused as e:
                refused = e.recipients
            except smtplib.SMTPSenderRefused as e:
                if e.smtp_code == 530 and not config.username:
                    raise MailError(_fail(server, msg(
                        "要求先登录（{r}）：在 gongkai.yaml 的 email 写上 username 和 password_env",
                        "requires a login ({r}): set username and password_env under email in gongkai.yaml",
                        r=_smtp_text(e)))) from None
                raise MailError(_fail(server, msg("拒绝发件人 {a}：{r}", "refused the sender {a}: {r}",
                                                  a=config.envelope_from, r=_smtp_text(e)))) from None
            except smtplib.SMTPDataError as e:
                refused = {a: _smtp_text(e) for a in out.recipients}
            except smtplib.SMTPNotSupportedError as e:  # a non-ASCII address and no SMTPUTF8 on the server
                refused = {a: str(e) for a in out.recipients}
            except (smtplib.SMTPServerDisconnected, OSError) as e:
                # the connection went away half-way: what was not yet accepted is not delivered
                why = _cut_off(e, config)
                reason = (why.en if why else str(e)) or "connection lost"
                for rest in outgoing[i:]:
                    rest.refused = {a: reason for a in rest.recipients}
                if i == 0:
                    raise MailError(_fail(server, why or msg("发送时连接中断（{e}）", "the connection broke while sending ({e})",
                                                             e=reason))) from None
                return outgoing
            out.refused = {a: _smtp_text(v) if isinstance(v, tuple) else str(v) for a, v in refused.items()}
            out.delivered = [a for a in out.recipients if a not in out.refused]
    finally:
        try:
            client.quit()
        except Exception:  # noqa: BLE001 - the message is accepted (or not) before QUIT; its answer does not matter
            client.close()
    return outgoing


MAX_REPLY = 1 << 20  # bytes of one server reply: SMTP replies are a few hundred bytes; a megabyte is no mail server


class _Expired(TimeoutError):
    """One exchange with the server did not finish within the timeout; `partial`: the server did send something."""

    def __init__(self, partial: bool) -> None:
        super().__init__("timed out")
        self.partial = partial


class _TooLong(OSError):
    """A server reply of more than MAX_REPLY bytes."""


class _DeadlineReader(io.RawIOBase):
    """The client's socket as a file whose every read waits at most until the exchange's deadline: a server
    that trickles one byte a second, or sends `220-` lines without end, runs into it like a silent one."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        c = self.client
        remaining = c.deadline - time.monotonic()
        if remaining <= 0:
            raise _Expired(c.received > 0)
        c.sock.settimeout(remaining)
        try:
            n = int(c.sock.recv_into(buffer))
        except TimeoutError:
            raise _Expired(c.received > 0) from None
        c.received += n
        if c.received > MAX_REPLY:
            raise _TooLong(f"the server's reply exceeds {MAX_REPLY} bytes")
        return n


@contextmanager
def _watchdog(sock: Any, seconds: float) -> Iterator[None]:
    """Shut the connection down when a TLS handshake is not over in `seconds` (its reads are not ours to bound)."""
    import socket
    import threading

    fired = threading.Event()

    def fire() -> None:
        fired.set()
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    except Exception:
        if fired.is_set():
            raise _Expired(True) from None
        raise
    finally:
        timer.cancel()
    if fired.is_set():
        raise _Expired(True)


def _bounded(base: Any) -> Any:
    """`base` (smtplib.SMTP or SMTP_SSL) where every exchange has an overall deadline of `step` seconds: the
    connection and the greeting, each reply of the server (however many continuation lines), each piece of a
    message sent, and a TLS handshake. smtplib's own timeout bounds only each single read."""
    import smtplib

    tls_first = issubclass(base, smtplib.SMTP_SSL)

    class Bounded(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, step: float, **kw: Any) -> None:
            self.step = step
            self.deadline = time.monotonic() + step
            self.received = 0
            super().__init__(*args, **kw)

        def getreply(self) -> Any:
            self.deadline = time.monotonic() + self.step
            self.received = 0
            if getattr(self, "file", None) is None and self.sock is not None:
                self.file = io.BufferedReader(_DeadlineReader(self))
            return super().getreply()

        def send(self, s: Any) -> None:
            if self.sock is not None:
                self.sock.settimeout(self.step)  # sendall: the timeout is the whole call's (Python >= 3.5)
            super().send(s)

        def starttls(self, *args: Any, **kw: Any) -> Any:
            with _watchdog(self.sock, self.step):
                return super().starttls(*args, **kw)

        def _get_socket(self, host: str, port: int, timeout: float) -> Any:
            if tls_first:
                import socket

                raw = socket.create_connection((host, port), timeout, self.source_address)
                try:
                    with _watchdog(raw, self.step):
                        return self.context.wrap_socket(raw, server_hostname=self._host)
                except BaseException:
                    raw.close()
                    raise
            return super()._get_socket(host, port, timeout)

    return Bounded


def _connect(config: Config) -> Any:
    import smtplib

    client: smtplib.SMTP
    if config.security == "ssl":
        client = _bounded(smtplib.SMTP_SSL)(config.host, config.port, timeout=config.timeout,
                                             context=_tls_context(config.cafile), step=config.timeout)
    else:
        client = _bounded(smtplib.SMTP)(config.host, config.port, timeout=config.timeout, step=config.timeout)
    try:
        client.ehlo_or_helo_if_needed()
        if config.security == "starttls":
            client.starttls(context=_tls_context(config.cafile))
            client.ehlo()
    except BaseException:
        client.close()
        raise
    return client


def _cut_off(e: BaseException, config: Config) -> Msg | None:
    """Why the connection ended, when our own deadline or reply limit ended it (None: the server did)."""
    cause = e if isinstance(e, (TimeoutError, _TooLong)) else e.__context__
    if isinstance(cause, _Expired) and cause.partial:
        return msg("{t} 秒内没有说完一个回应（服务器一直在发送却不结束，或发得极慢），已断开",
                   "did not finish an answer within {t} seconds (it kept sending without end, or very slowly): "
                   "disconnected", t=_secs(config.timeout))
    if isinstance(cause, TimeoutError):
        return msg("{t} 秒内没有响应（超时）", "no answer within {t} seconds (timed out)", t=_secs(config.timeout))
    if isinstance(cause, _TooLong):
        return msg("的回应超过 {n} 字节仍没有结束，不像邮件服务器：请检查 host 和 port",
                   "sent an answer of more than {n} bytes without end, not what a mail server does: check host and port",
                   n=MAX_REPLY)
    return None


def _login(client: Any, config: Config) -> None:
    import smtplib

    server = config.server
    try:
        user, password = config.username or "", config.password or ""
        if (user + password).isascii():
            client.login(user, password)
        else:
            _login_utf8(client, user, password)
    except smtplib.SMTPServerDisconnected as e:
        why = _cut_off(e, config) or msg("登录时断开了连接（{e}）", "closed the connection at login ({e})", e=e)
        raise MailError(_fail(server, why)) from None
    except smtplib.SMTPAuthenticationError as e:
        raise MailError(_fail(server, msg("拒绝登录（用户 {u}）：{r}。检查 username 和环境变量中的密码",
                                          "login rejected for user {u}: {r}. Check username and the password in the environment",
                                          u=config.username, r=_smtp_text(e)))) from None
    except smtplib.SMTPNotSupportedError:
        hint = Msg("；多数服务器只在加密后才允许登录，把 security 设为 starttls 或 ssl",
                   "; most servers allow login only after encryption: set security to starttls or ssl") \
            if config.security == "none" else Msg("", "")
        raise MailError(_fail(server, Msg("服务器不提供登录（AUTH）" + hint.zh, "the server offers no login (AUTH)" + hint.en))) from None
    except smtplib.SMTPException as e:
        raise MailError(_fail(server, msg("登录失败：{r}", "login failed: {r}", r=_smtp_text(e)))) from None


def _login_utf8(client: Any, user: str, password: str) -> None:
    """AUTH PLAIN with UTF-8 credentials (RFC 4616); smtplib insists on ASCII."""
    import base64
    import smtplib

    client.ehlo_or_helo_if_needed()
    if not client.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    if "PLAIN" not in client.esmtp_features["auth"].upper().split():
        raise smtplib.SMTPException("the server does not offer AUTH PLAIN, needed for a non-ASCII password")
    token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, resp = client.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


def _tls_context(configured: str | None = None) -> Any:
    """The system's root certificates, plus smtp.cafile or the file GONGKAI_SMTP_CAFILE names (a self-signed town server)."""
    import ssl

    context = ssl.create_default_context()
    for cafile, source in ((configured, "smtp.cafile"), (os.environ.get(CAFILE_ENV), CAFILE_ENV)):
        if not cafile:
            continue
        try:
            context.load_verify_locations(cafile=cafile)
        except (OSError, ssl.SSLError) as e:
            raise MailError(msg("{v} 指定的证书文件“{p}”无法使用（{e}）：应为 PEM 格式的证书",
                                "the certificate file '{p}' named by {v} cannot be used ({e}): it should be a PEM certificate",
                                v=source, p=cafile, e=getattr(e, "strerror", None) or e)) from None
    return context


def _tls_reason(server: str, e: Exception) -> Msg:
    import ssl

    if isinstance(e, ssl.SSLCertVerificationError):
        why = e.verify_message or str(e)
        return _fail(server, msg(
            "服务器证书无法验证（{w}）。若服务器用自签名证书，在 gongkai.yaml 的 smtp 里写 cafile: 证书文件路径（或用环境变量 {v}）",
            "the server's certificate cannot be verified ({w}). For a self-signed certificate, set smtp.cafile in gongkai.yaml (or the "
            "environment variable {v})", w=why, v=CAFILE_ENV))
    return _fail(server, msg("TLS 握手失败（{e}）：security 与端口是否对应？465 端口用 ssl，587 端口用 starttls",
                             "TLS handshake failed ({e}): does security match the port? 465 is ssl, 587 is starttls",
                             e=getattr(e, "reason", None) or e))


def _fail(server: str, reason: Msg) -> Msg:
    return Msg(f"邮件未发送：邮件服务器 {server} {reason.zh}", f"mail not sent: mail server {server}: {reason.en}")


def _smtp_text(e: Any) -> str:
    if isinstance(e, tuple) and len(e) == 2:
        code, text = e
    else:
        code, text = getattr(e, "smtp_code", ""), getattr(e, "smtp_error", e)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip().replace("\r", " ").replace("\n", " ")


def _secs(t: float) -> str:
    return str(int(t)) if float(t).is_integer() else str(t)


def plaintext_login_warning(config: Config) -> Msg | None:
    """A password over an unencrypted connection to another machine deserves a word."""
    if config.username and config.security == "none" and config.host not in LOOPBACK:
        return msg("注意：以明文连接 {s} 并发送密码；建议 security: starttls 或 ssl",
                   "warning: the password goes to {s} unencrypted; use security starttls or ssl", s=config.server)
    return None
