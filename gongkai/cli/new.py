"""gongkai new [record|event|project|feedback|inspection] [PATH]"""

from __future__ import annotations

from pathlib import Path

import typer

from gongkai.cli.app import app
from gongkai.cli.common import AS_OF, LANG, CannotRun, as_of_date, command, lang_of, load_repository
from gongkai.problem import msg
from gongkai.report.safe import visible


@app.command()
@command
def new(
    kind: str = typer.Argument(None, help="record（记录）、event（事件）、project（项目）、feedback（质询投诉）或 inspection"
                               "（公开栏检查）；不写则列出本季度的公开清单 / what to start; none: this quarter's checklist",
                               show_default=False),
    path: Path = typer.Argument(Path("."), help="仓库或单位所在的文件夹（默认：当前文件夹） / repository or unit folder",
                                show_default=False),
    unit: str = typer.Option(None, "--unit", help="单位（仓库里有几个单位时必填），如 dongzhuang / the unit, when there are several"),
    item: str = typer.Option(None, "--item", help="事项编号，如 village/finance/1 / the catalog item"),
    period: str = typer.Option(None, "--period", help="期间，如 2024-Q2 或 2024-05（默认：刚结束的一期） / the period"),
    none: bool = typer.Option(False, "--none", help="写“本期无此项内容”的记录 / a record saying there is nothing this period"),
    event: str = typer.Option(None, "--event", help="即时公开记录答复的事件编号 / the event an immediate record answers"),
    project: str = typer.Option(None, "--project", help="分阶段公开的项目编号 / the project of a phased record"),
    phase: str = typer.Option(None, "--phase", help="before（事前）| during（事中）| after（事后）"),
    title: str = typer.Option(None, "--title", help="事件或项目的名称 / the title of an event or project"),
    type_: str = typer.Option(None, "--type", help="事件类型（meeting|policy|major|joint_request）或质询类型"
                              "（inquiry|complaint|access） / event or feedback type"),
    name: str = typer.Option(None, "--name", help="文件名的一部分，如 rep-meeting / part of the file name"),
    as_of: str = AS_OF,
    lang: str = LANG,
) -> None:
    """新建一份预先填好的文件，或列出本季度的公开清单。Start a pre-filled file, or list what is due this quarter."""
    from gongkai import new as core

    language = lang_of(lang)
    what: str | None = kind
    if what is not None and what not in core.KINDS:
        if path == Path(".") and Path(what).is_dir():  # `gongkai new dongzhuang`: a folder, no type
            path = Path(what)
            what = None
        else:
            raise CannotRun(msg("不认识“{k}”：可写 {ks}", "unknown type '{k}': use {ks}", k=what, ks=" | ".join(core.KINDS)))
    repo = load_repository(path)
    day = as_of_date(as_of, repo.settings.timezone if repo.settings else None)
    target = core.pick_unit(repo, unit)
    if what is None:
        typer.echo(core.checklist_text(target, day, language, str(path)), nl=False)
        return
    drafts = {
        "record": lambda: core.record_draft(target, item, day, period=period, none=none, event=event, project=project,
                                            phase=phase),
        "event": lambda: core.event_draft(target, item, day, title=title, type_=type_, name=name),
        "project": lambda: core.project_draft(target, item, day, title=title, name=name),
        "feedback": lambda: core.feedback_draft(target, day, type_=type_, name=name),
        "inspection": lambda: core.inspection_draft(target, day, name=name),
    }
    written = core.write(drafts[what](), repo.root)
    typer.echo(visible(written.as_posix()))  # a folder name may hold ESC or a line break: shown escaped
