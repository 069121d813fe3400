"""`gongkai render`: the bulletin-board sheets (公开栏版面), one page per record, and the index pages
of the disclosure site, as print-ready HTML and as Markdown for WeChat and Gitee-style viewers.

    from gongkai.render import Options, render
    result = render(repository, Options(out=Path("_site"), as_of=date(2024, 7, 15)))

Layout under --out (a single-unit repository has no unit folder and no town index):

    index.html                       town index: every unit's sheets by year, records by category
    <unit>/index.html                unit index
    <unit>/sheets/2024-Q2.html       the board sheet of the quarter (cover + one page per record)
    <unit>/records/<record id>.html  one page per record (its id is its path in the unit folder)

and the same names ending in .md with --format md (or all).

Nothing wrong reaches paper silently: every rule runs first (as `gongkai check` would), and a record whose
own file has an error is left out of its sheet, its page and the indexes (`Result.withheld` says which and
why); with `force` it is printed with the mark 未通过检查 instead. A record file that resolves outside the
repository is never printed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.problem import GongkaiError, Msg, Problem, msg, problem
from gongkai.repo import Repository
from gongkai.schedule import Period

FORMATS = ("html", "md")
PAPERS = ("a4", "a3")


class RenderError(GongkaiError):
    """Rendering cannot start or cannot finish (bad option, broken town template, unsafe --out)."""


@dataclass(frozen=True)
class Options:
    out: Path
    as_of: dt.date
    formats: tuple[str, ...] = ("html",)
    period: str | None = None  # 2024-Q2 (one sheet) or 2024 (the year's sheets); None: every sheet
    unit: str | None = None  # a unit id (its folder, as `check` prints it) or its name
    paper: str = "a4"
    force: bool = False  # print records whose files have errors, marked 未通过检查


@dataclass
class Result:
    out: Path
    files: list[str] = field(default_factory=list)  # every file rendered, relative to out
    changed: list[str] = field(default_factory=list)  # the ones whose bytes changed
    sheets: list[str] = field(default_factory=list)  # the sheets, relative to out
    warnings: list[Msg] = field(default_factory=list)
    withheld: list[Any] = field(default_factory=list)  # views.Withheld: records not printed (or printed marked)

    @property
    def blocked(self) -> list[Any]:
        """The records left out because of errors (not the ones printed with --force)."""
        return [w for w in self.withheld if not w.forced]


_YEAR = re.compile(r"^\d{4}$")


def parse_period(text: str) -> tuple[int, Period | None]:
    """`2024-Q2` → (2024, Q2); `2024` → (2024, None). Months are refused: sheets are quarterly."""
    from gongkai.load.scalars import normalize
    from gongkai.load.scalars import parse_period as parse

    t = normalize(text)
    if _YEAR.match(t):
        return int(t), None
    period, reason = parse(t)
    if period is None:
        raise RenderError(msg("--period “{t}”无法识别：写成 2024-Q2（一个季度）或 2024（全年）",
                              "--period '{t}' is not understood: write 2024-Q2 (a quarter) or 2024 (the year)", t=text))
    if period.kind != "Q":
        raise RenderError(msg(
            "公开栏版面按季度出版：--period 请写季度，如 {q}（该季度的每月记录都在这一期里）",
            "board sheets are quarterly: give a quarter such as {q} (the monthly records of its months are on it)",
            q=f"{period.year}-Q{(period.n - 1) // 3 + 1}"))
    return period.year, period


def template_folder(repo: Repository) -> Path | None:
    """The town's template folder (`templates:` in gongkai.yaml, relative to that file), if any."""
    settings = repo.settings
    if settings is None or not settings.templates:
        return None
    folder = (repo.settings_dir.resolve() / settings.templates).resolve()
    root = repo.root.resolve()
    if folder != root and root not in folder.parents:
        raise RenderError(msg("gongkai.yaml 的 templates: 指向仓库以外的文件夹“{p}”（{r}）：模板只从仓库里读取",
                              "the templates: folder '{p}' named in gongkai.yaml is outside the repository ({r}): "
                              "templates are read only from inside it", p=settings.templates, r=folder))
    if not folder.is_dir():
        raise RenderError(msg("gongkai.yaml 的 templates: 指向的文件夹“{p}”不存在",
                              "the templates: folder '{p}' named in gongkai.yaml does not exist", p=settings.templates))
    return folder


def site_url(repo: Repository, warnings: list[Msg]) -> str | None:
    url = repo.settings.site_url.strip() if repo.settings and repo.settings.site_url else ""
    if not url:
        return None
    if not re.match(r"^https?://[^\s/?#]+", url, re.IGNORECASE):
        warnings.append(msg("site_url “{u}”不是 http:// 或 https:// 开头的网址：不印二维码",
                            "site_url '{u}' is not an http:// or https:// address: no QR codes printed", u=url))
        return None
    return url


def _check_out(repo: Repository, out: Path) -> None:
    target = out.resolve()
    root = repo.root.resolve()
    if target == root or target in root.parents:
        raise RenderError(msg("--out 不能是仓库本身或它的上级文件夹：请给一个单独的文件夹，如 _site",
                              "--out must not be the repository or a folder above it: use a folder of its own, such as _site"))
    for u in repo.units:
        if target == u.dir.resolve():
            raise RenderError(msg("--out 不能是单位的文件夹“{u}”：请给一个单独的文件夹，如 _site",
                                  "--out must not be the unit folder '{u}': use a folder of its own, such as _site", u=u.id))
    if target.exists() and not target.is_dir():
        raise RenderError(msg("--out “{p}”已存在且不是文件夹", "--out '{p}' exists and is not a folder", p=out))


def _select_units(repo: Repository, wanted: str | None) -> list[Any]:
    if wanted is None:
        return list(repo.units)
    key = wanted.strip().strip("/") or "."
    found = [u for u in repo.units if u.id == key] or [u for u in repo.units if u.name == wanted.strip()]
    if not found:
        raise RenderError(msg("没有单位“{w}”；可用：{ids}", "no unit '{w}'; units here: {ids}", w=wanted,
                              ids=", ".join(u.id for u in repo.units)))
    return found


def file_errors(repo: Repository, as_of: dt.date) -> tuple[dict[str, list[Problem]], set[str]]:
    """Every file with an error, from loading or from any rule (exactly what `gongkai check` reports),
    → its error problems; and the record files that resolve outside the repository (never printed,
    not even with --force), each with an error of its own."""
    from gongkai import basis as B
    from gongkai.check import run

    errors: dict[str, list[Problem]] = {}
    for p in run(repo, as_of).problems:
        if p.severity == "error":
            errors.setdefault(p.path, []).append(p)
    root = repo.root.resolve()
    never = set()
    for u in repo.units:
        for r in u.records.values():
            real = (repo.root / r.src.path).resolve()
            if real != root and root not in real.parents:
                never.add(r.src.path)
                errors.setdefault(r.src.path, []).append(problem("schema", "error", r.src.path, None, msg(
                    "记录文件指向仓库以外（{r}）：不印出", "the record file leads outside the repository ({r}): "
                    "not printed", r=real), B.FORMAT, unit=u.id))
    return errors, never


def render(repo: Repository, options: Options) -> Result:
    """Render the sheets, record pages and indexes of `repo` into `options.out`."""
    from gongkai.personal import mask
    from gongkai.placeholders import printed as printed_placeholders
    from gongkai.render.env import environment
    from gongkai.render.views import Builder, town_index
    from gongkai.render.writer import Writer

    for f in options.formats:
        if f not in FORMATS:
            raise RenderError(msg("--format 只能是 html、md 或 all", "--format must be html, md or all"))
    if options.paper not in PAPERS:
        raise RenderError(msg("--paper 只能是 a4 或 a3", "--paper must be a4 or a3"))
    year, quarter = parse_period(options.period) if options.period else (None, None)
    units = _select_units(repo, options.unit)
    override = template_folder(repo)
    _check_out(repo, options.out)
    result = Result(options.out)
    errors, never = file_errors(repo, options.as_of)
    builder = Builder(repo, options.as_of, site_url(repo, result.warnings), errors, options.force, never)

    sites = []
    for u in units:
        site = builder.build_unit(u)
        if site is None:  # unit.yaml has errors: nothing of this unit is printed (see Result.withheld)
            continue
        if quarter is not None:
            sheets = [s for s in site.sheets if s.period == str(quarter)] or [builder.extra_sheet(u, site, quarter)]
        elif year is not None:
            sheets = [s for s in site.sheets if s.year == year]
        else:
            sheets = site.sheets
        sites.append((site, sheets))
        result.warnings.extend(p.note() for p in printed_placeholders(u))  # printed as 【待填写】: said where
    result.withheld = list(builder.withheld)
    single = len(repo.units) == 1 and repo.units[0].id == "."
    with_town = not single and options.unit is None

    try:
        writer = Writer(options.out)
    except OSError as e:
        raise RenderError(msg("无法建立 --out 文件夹 {p}：{e}", "cannot create the --out folder {p}: {e}", p=options.out,
                              e=e.strerror or e)) from None
    common = {"town": mask(repo.name), "as_of": options.as_of.isoformat(), "paper": options.paper}
    for fmt in options.formats:
        env = environment(fmt, override)
        ext = "." + fmt
        for site, sheets in sites:
            for record in site.records:
                _emit(env, writer, "record" + ext, record.path + ext, common, unit=site.unit, record=record)
            for sheet in sheets:
                _emit(env, writer, "sheet" + ext, sheet.path + ext, common, unit=site.unit, sheet=sheet)
                result.sheets.append(sheet.path + ext)
            _emit(env, writer, "unit_index" + ext, site.unit.path + ext, common, unit=site.unit, index=site.index)
        if with_town:
            _emit(env, writer, "town_index" + ext, "index" + ext, common, index=town_index(repo, [s for s, _ in sites]))
    writer.finish()
    result.files = list(writer.written)
    result.changed = list(writer.changed)
    return result


MARK = "未通过检查"


def _emit(env: Any, writer: Any, template: str, page: str, common: dict[str, Any], **ctx: Any) -> None:
    """Render one template for one page (paths relative to --out) and write it. Any failure of a template
    (syntax, undefined name, the sandbox, a limit, an exception in its expressions) is a RenderError naming
    the template and, where known, its line."""
    import jinja2

    from gongkai.render.env import TemplateLimit
    from gongkai.render.writer import UnsafePath

    try:
        text = env.render_page(env.get_template(template), {**common, "page": page, "ext": page[page.rindex("."):],
                                                            **ctx})
    except jinja2.TemplateSyntaxError as e:
        raise RenderError(msg("模板 {n} 第 {l} 行：{e}", "template {n} line {l}: {e}",
                              n=e.name or template, l=e.lineno, e=e.message)) from None
    except TemplateLimit as e:
        raise RenderError(_where(e, template, e.text)) from None
    except jinja2.TemplateError as e:
        raise RenderError(_where(e, template, Msg(str(e), str(e)))) from None
    except RecursionError as e:
        raise RenderError(_where(e, template, msg("模板递归太深（宏或 include 调用自身）",
                                                  "the template recurses too deeply (a macro or include calling itself)"))) from None
    except Exception as e:  # noqa: BLE001 - an expression in a town template failed: say where, not a traceback
        raise RenderError(_where(e, template, Msg(f"{type(e).__name__}: {e}", f"{type(e).__name__}: {e}"))) from None
    sheet, record = ctx.get("sheet"), ctx.get("record")
    failed = [r for r in sheet.pages if r.failed] if sheet is not None else \
        ([record] if record is not None and record.failed else [])
    if failed and MARK not in text:
        raise RenderError(msg("模板 {n} 没有印出“{m}”标记：--force 印出有错误的记录时必须标明（见 r.failed）",
                              "template {n} does not print the mark '{m}': records printed with --force despite "
                              "errors must carry it (see r.failed)", n=template, m=MARK))
    try:
        writer.write(page, text)
    except UnsafePath:
        raise RenderError(msg("不能写到 --out 以外：{p}", "refusing to write outside --out: {p}", p=page)) from None
    except OSError as e:
        raise RenderError(msg("无法写入 {p}：{e}", "cannot write {p}: {e}", p=page, e=e.strerror or e)) from None


def _where(e: BaseException, template: str, what: Msg) -> Msg:
    """`what` prefixed by the template and line where `e` happened (the innermost template frame)."""
    import traceback

    from gongkai.render.env import TEMPLATES

    name, line = template, None
    for frame in traceback.extract_tb(e.__traceback__):
        f = frame.filename or ""
        if f.endswith((".html", ".md", ".css")) or f.startswith(str(TEMPLATES)):
            name, line = Path(f).name, frame.lineno
    if line is None:
        return Msg(f"模板 {name}：{what.zh}", f"template {name}: {what.en}")
    return Msg(f"模板 {name} 第 {line} 行：{what.zh}", f"template {name} line {line}: {what.en}")
