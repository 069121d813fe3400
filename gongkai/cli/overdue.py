"""`gongkai overdue`: what is overdue or due soon, as a table, md, html, json, csv or a mail; `--send` mails it.

Exit 0 when nothing is overdue, 1 when something is (or a unit's obligations cannot be computed), 2 when the command cannot run (bad option, no
unit, mail settings that cannot work), 3 when `--send` could not deliver (the report is still printed).
"""

from __future__ import annotations

from pathlib import Path

import typer

from gongkai.cli.app import app
from gongkai.cli.common import (
    AS_OF,
    EXIT_FOUND,
    EXIT_NOT_DELIVERED,
    EXIT_OK,
    LANG,
    PATH_ARG,
    UNITS,
    CannotRun,
    as_of_date,
    command,
    lang_of,
    load_repository,
    say,
)
from gongkai.cli.output import note_broken, write
from gongkai.problem import Msg, msg
from gongkai.report.safe import shown, visible

FORMATS = ("table", "md", "html", "json", "csv", "email")


@app.command()
@command
def overdue(
    path: Path = PATH_ARG,
    as_of: str | None = AS_OF,
    within: int | None = typer.Option(
        None, "--within", metavar="DAYS",
        help="把 DAYS 天内到期的事项列为即将到期（默认：各单位的 due_soon_days，14） / due soon = due within DAYS"),
    unit: list[str] | None = UNITS,
    fmt: str = typer.Option(
        "table", "--format", "-f", metavar="FORMAT",
        help="table | md | html | json | csv（UTF-8 带 BOM，Excel 可直接打开）| email（RFC 5322，可接 sendmail -t）"),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", help="把报告写入文件，而不是屏幕 / write the report to FILE"),
    send: bool = typer.Option(False, "--send", help="按 gongkai.yaml 的 email 设置发送邮件 / mail the report"),
    to: list[str] | None = typer.Option(
        None, "--to", metavar="ADDRESS", help="只发给这些地址（代替所有设置的收件人），可重复 / send only to these"),
    always: bool = typer.Option(False, "--always", help="没有逾期或即将到期的事项也发送 / send even when nothing is due"),
    dry_run: bool = typer.Option(False, "--dry-run", help="打印要发送的邮件而不发送 / print the mail instead of sending"),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="与 --send 同用：发送成功时什么也不打印（适合 cron） / with --send: silent on success"),
    lang: str | None = LANG,
) -> None:
    """逾期和即将到期的公开事项（按单位分组）；--send 发送邮件。Overdue and due-soon obligations; --send mails them."""
    from gongkai import mail
    from gongkai.overdue import UnknownUnit, build
    from gongkai.report.overdue_formats import render

    lg = lang_of(lang)
    if fmt not in FORMATS:
        raise CannotRun(msg("--format 只能是 {f}，收到“{v}”", "--format must be one of {f}, got '{v}'",
                            f=" | ".join(FORMATS), v=fmt))
    if within is not None and within < 0:
        raise CannotRun(msg("--within 不能为负数：{v}", "--within cannot be negative: {v}", v=within))
    send = send or dry_run
    override = mail.split_addresses(to)
    if to is not None and to and not override:
        raise CannotRun(Msg("--to 没有给出邮件地址", "--to gives no address"))
    if quiet and not send:
        quiet = False  # without --send the report is the whole point

    repo = load_repository(path)
    settings = repo.settings
    as_of_day = as_of_date(as_of, settings.timezone if settings else None)
    try:
        report = build(repo, as_of_day, within=within, units=unit)
    except UnknownUnit as e:
        raise CannotRun(e.message) from None

    if not quiet:
        note_broken(repo, lg)

    # mail settings are checked before anything is printed or sent: a setting that cannot work is exit 2
    email_settings = settings.email if settings else None
    config = None
    if send or fmt == "email":
        settings_errors = _email_problems(repo)
        if email_settings is None and not send:
            config = mail.Config(host="", port=0, security="none", timeout=0, sender="", town_to=())
        else:
            try:
                config = mail.configure(email_settings, settings.timezone if settings else None,
                                        need_password=send and not dry_run, need_sender=send and not dry_run,
                                        settings_problems=settings_errors,
                                        base=repo.settings_dir)
            except mail.MailConfigError as e:
                raise CannotRun(e.message) from None
        if send and not mail.has_recipients(report, config.town_to, override):
            raise CannotRun(Msg(
                "没有收件人：在 gongkai.yaml 的 email.to 写镇里的收件人，或在各单位 unit.yaml 的 email 写本单位的收件人，或用 --to",
                "no recipients: set email.to in gongkai.yaml, email in a unit.yaml, or use --to"))

    # an address that cannot be a recipient is left out and named, even with --quiet: someone misses the mail
    skipped = mail.bad_addresses(report, config.town_to, override) if config is not None else []
    if skipped:
        for where, address in skipped:
            say(msg("邮件地址“{a}”（{w}）无效（含换行、控制字符或空格，或没有 @），不发给它",
                     "the mail address '{a}' ({w}) is not valid (a line break, a control character or a space, or no @): "
                     "nothing is sent to it", a=address, w=where), lg)
    # ...and so is an address the loader refused (a line break: a forged header); `check` says what is wrong
    unread = _unread_addresses(repo, report) if config is not None and not override else []
    for where in unread:
        say(msg("{w}：email 里有地址写错了，没有读入，不发给它；运行 gongkai check 查看",
                 "{w}: an address under email is written wrong and was not read: nothing is sent to it; "
                 "run gongkai check", w=where), lg)
    missed = bool(skipped or unread)  # someone who should have had the mail will not get it

    if fmt == "email":
        assert config is not None
        whole = mail.Outgoing(mail.unique(override or config.town_to), report, None)
        text = mail.as_text(mail.compose(whole, config.sender, lg, prefix=config.subject_prefix,
                                         timezone=config.timezone))
        if not whole.recipients:
            say(Msg("注意：没有收件人（To），请用 --to 或在 gongkai.yaml 写 email.to",
                     "note: no recipients (To): use --to or set email.to in gongkai.yaml"), lg)
    else:
        text = render(report, fmt, lg)
    # obligations that could not be computed (a broken unit.yaml or plan) are not "nothing overdue"
    exit_code = EXIT_FOUND if report.overdue or report.unknown else EXIT_OK

    if not send:
        write(text, output)
        raise typer.Exit(exit_code)

    assert config is not None
    outgoing = mail.addressees(report, config.town_to, override, always)
    for out in outgoing:
        mail.compose(out, config.sender, lg, prefix=config.subject_prefix, timezone=config.timezone)

    if dry_run:
        if output is not None:
            write(text, output)
        if not outgoing and not missed:
            say(_nothing_to_send(report), lg)
        write("".join(_dry(out, n, len(outgoing), lg) for n, out in enumerate(outgoing, 1)), None)
        raise typer.Exit(exit_code)

    if not quiet or output is not None:
        write(text, output)
    if not outgoing:
        if missed:
            if quiet and output is None:
                write(text, None)
            raise typer.Exit(EXIT_NOT_DELIVERED)
        if not quiet:
            say(_nothing_to_send(report), lg)
        raise typer.Exit(exit_code)
    plain = mail.plaintext_login_warning(config)
    if plain is not None:
        say(plain, lg)
    try:
        mail.deliver(config, outgoing)
    except mail.MailError as e:
        if quiet and output is None:
            write(text, None)  # nothing is lost: the report goes to cron's mail instead
        say(e.message, lg)
        raise typer.Exit(EXIT_NOT_DELIVERED) from None

    failed = [o for o in outgoing if o.refused]
    for o in failed:
        for address, reason in o.refused.items():
            say(msg("邮件未送达 {a}（邮件服务器 {s} 拒收：{r}）", "mail not delivered to {a} (mail server {s} refused: {r})",
                     a=address, s=config.server, r=reason), lg)
    if failed:
        if quiet and output is None:
            write(text, None)
        sent = [a for o in outgoing for a in o.delivered]
        if sent:
            say(msg("部分送达：已发给 {a}", "partly delivered: sent to {a}", a=", ".join(sent)), lg)
        raise typer.Exit(EXIT_NOT_DELIVERED)
    if not quiet:
        for o in outgoing:
            name = shown(o.report.sections[0].name) if o.unit is not None else ""
            part = Msg("全部单位", "all units") if o.unit is None else Msg(name, name)
            say(msg("已发送给 {a}（{p}）", "sent to {a} ({p})", a=", ".join(o.recipients), p=part.get(lg)), lg)
    if missed:
        if quiet and output is None:
            write(text, None)
        raise typer.Exit(EXIT_NOT_DELIVERED)  # someone who should have had the mail did not get it
    raise typer.Exit(exit_code)


def _unread_addresses(repo, report) -> list[str]:  # type: ignore[no-untyped-def]
    """`dongzhuang/unit.yaml:12:8` for each unit of the report whose `email` list lost an entry at load."""
    from gongkai.load.schema import PosList

    in_report = {s.unit for s in report.sections}
    out = []
    for u in repo.units:
        if u.unit is None or u.id not in in_report:
            continue
        emails = u.unit.email
        if "email" in u.unit.src.invalid or (isinstance(emails, PosList) and not emails.complete):
            line, col = u.unit.src.pos.get("email", (None, None))
            out.append(u.unit_path + (f":{line}:{col}" if line else ""))
    return out


def _email_problems(repo) -> list[Msg]:  # type: ignore[no-untyped-def]
    """gongkai.yaml problems inside its `email:` block, so that a broken setting is never half-used."""
    email = repo.settings.email if repo.settings else None
    if email is None:
        return []
    bad = set(email.src.invalid) - {"password"}
    if email.smtp is not None:
        bad |= set(email.smtp.src.invalid)
    if not bad:
        return []
    found = [p for p in repo.problems if p.line is not None and p.line >= email.src.line]
    if not found:
        return [Msg("请运行 gongkai check 查看", "run gongkai check to see them")]
    p = found[0]
    return [Msg(f"{p.path}:{p.line}:{p.column or 1}: {p.message.zh}", f"{p.path}:{p.line}:{p.column or 1}: {p.message.en}")]


def _nothing_to_send(report) -> Msg:  # type: ignore[no-untyped-def]
    return msg("截至 {d} 没有逾期或即将到期的事项，没有发送邮件（要照常发送，加 --always）",
               "nothing overdue or due soon as of {d}: no mail sent (add --always to send anyway)",
               d=report.as_of.isoformat())


def _dry(out, n: int, total: int, lang: str) -> str:  # type: ignore[no-untyped-def]
    from gongkai import mail

    who = visible(", ".join(out.recipients))
    part = ("全部单位" if lang != "en" else "all units") if out.unit is None else shown(out.report.sections[0].name)
    subject = visible(out.subject)
    if lang == "en":
        head = f"----- mail {n}/{total} (not sent) · to {who} ({part}) · subject: {subject} -----"
    else:
        head = f"----- 邮件 {n}/{total}（未发送）· 收件人 {who}（{part}）· 主题：{subject} -----"
    return head + "\n" + mail.preview(out.message, lang) + "\n"
