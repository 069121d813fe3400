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
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.cache import enabled
from gongkai.problem import GongkaiError, Msg, Problem, msg, problem
from gongkai.repo import Layout, Repository
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
    broken: int = 0  # render_layout: how many files failed to load (their records may be missing)

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


def _check_out(root: Path, units: list[tuple[str, Path]], out: Path) -> None:
    """Refuse an --out that is the repository, a folder above it or a unit's folder. `units`: (id, folder)."""
    target = out.resolve()
    root = root.resolve()
    if target == root or target in root.parents:
        raise RenderError(msg("--out 不能是仓库本身或它的上级文件夹：请给一个单独的文件夹，如 _site",
                              "--out must not be the repository or a folder above it: use a folder of its own, such as _site"))
    for uid, d in units:
        if target == d.resolve():
            raise RenderError(msg("--out 不能是单位的文件夹“{u}”：请给一个单独的文件夹，如 _site",
                                  "--out must not be the unit folder '{u}': use a folder of its own, such as _site",
                                  u=uid))
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
    from gongkai.check import run

    errors = _errors_of(run(repo, as_of).problems)
    never: set[str] = set()
    for u in repo.units:
        never |= _outside(repo.root, u, errors)
    return errors, never


def _errors_of(problems: list[Problem]) -> dict[str, list[Problem]]:
    """`problems` (sorted as check sorts them) → each file with an error → its error problems."""
    errors: dict[str, list[Problem]] = {}
    for p in problems:
        if p.severity == "error":
            errors.setdefault(p.path, []).append(p)
    return errors


def _outside(root: Path, u: Any, errors: dict[str, list[Problem]]) -> set[str]:
    """The record files of unit `u` that resolve outside the repository, each given an error in `errors`."""
    from gongkai import basis as B

    real_root = root.resolve()
    inside = str(real_root).rstrip(os.sep) + os.sep
    folders: dict[str, str] = {}
    never = set()
    for r in u.records.values():
        path = os.path.join(root, r.src.path)
        folder, name = os.path.split(path)
        if folder not in folders:  # a unit's records share a few folders: each resolved once
            folders[folder] = os.path.realpath(folder)
        try:
            link = stat.S_ISLNK(os.lstat(path).st_mode)
        except OSError:
            link = True  # gone since it was read: resolved in full below
        real_text = os.path.realpath(path) if link else os.path.join(folders[folder], name)
        if real_text.startswith(inside):
            continue
        real = Path(real_text)
        if real != real_root and real_root not in real.parents:
            never.add(r.src.path)
            errors.setdefault(r.src.path, []).append(problem("schema", "error", r.src.path, None, msg(
                "记录文件指向仓库以外（{r}）：不印出", "the record file leads outside the repository ({r}): "
                "not printed", r=real), B.FORMAT, unit=u.id))
    return never


def _check_options(options: Options) -> None:
    for f in options.formats:
        if f not in FORMATS:
            raise RenderError(msg("--format 只能是 html、md 或 all", "--format must be html, md or all"))
    if options.paper not in PAPERS:
        raise RenderError(msg("--paper 只能是 a4 或 a3", "--paper must be a4 or a3"))
    if options.period:
        parse_period(options.period)


def _writer(out: Path) -> Any:
    from gongkai.render.writer import Writer

    try:
        return Writer(out)
    except OSError as e:
        raise RenderError(msg("无法建立 --out 文件夹 {p}：{e}", "cannot create the --out folder {p}: {e}", p=out,
                              e=e.strerror or e)) from None


def render(repo: Repository, options: Options) -> Result:
    """Render the sheets, record pages and indexes of a loaded `repo` into `options.out`, in this process."""
    _check_options(options)
    units = _select_units(repo, options.unit)
    override = template_folder(repo)
    _check_out(repo.root, [(u.id, u.dir) for u in repo.units], options.out)
    result = Result(options.out)
    errors, never = file_errors(repo, options.as_of)
    pages = _Pages(repo, options, override, site_url(repo, result.warnings), [u.id for u in repo.units],
                   _writer(options.out))
    outs = [pages.unit(u, errors, never) for u in units]
    return pages.finish(result, outs)


def render_layout(layout: Layout, options: Options, use_cache: bool = True, jobs: int | None = None,
                  progress: Any = None) -> Result:
    """Render every unit of `layout` (options.unit must be None) into `options.out`: each unit loaded, checked
    and rendered on its own, in `jobs` worker processes when there are enough units (as `gongkai check` does),
    its check results taken from the results cache (gongkai.results) when its files are unchanged, and stored
    there when not. The same bytes as render() of the loaded repository; `Result.broken` counts the files that
    failed to load (what `Repository.files_with_errors` says). `progress` (a gongkai.check.Progress, such as
    gongkai.progress.Bar) is told the number of units, then each unit rendered."""
    from gongkai.repo import rel

    assert options.unit is None, "render_layout renders every unit"
    repo = layout.repository([])
    ids = [rel(d, layout.root) for d in layout.unit_dirs]
    _check_options(options)
    override = template_folder(repo)
    _check_out(layout.root, list(zip(ids, layout.unit_dirs)), options.out)
    result = Result(options.out)
    pages = _Pages(repo, options, override, site_url(repo, result.warnings), ids, _writer(options.out))
    cache = None
    if enabled(use_cache):
        from gongkai.check import results_cache

        cache = results_cache(layout, options.as_of)  # render and check share the units' results
    global _JOB
    _JOB = (layout, pages, cache, set(layout.unit_dirs))
    try:
        outs = _parallel(layout.unit_dirs, jobs, progress)
    finally:
        _JOB = None
    result.broken = len({p.path for p in layout.problems if p.severity == "error"}.union(*(o.broken for o in outs)))
    if cache is not None:  # the units checked afresh stored as check stores them: in the repository's pack
        from gongkai.check import save_results

        fresh = {uid: o.entry for uid, o in zip(ids, outs) if o.checked}
        if any(entry is not None for entry in fresh.values()):  # (else the pack stays: not even read here)
            save_results(cache, ids, fresh, {uid: body for uid in ids if uid not in fresh
                                             and (body := cache.stored(uid)) is not None})
    return pages.finish(result, outs)


_JOB: tuple[Layout, _Pages, Any, set[Path]] | None = None  # set before the workers are forked
_KEPT: list[Any] | None = None  # in a worker process: the units it rendered, never freed one by one (_render_dir)
KEEP_AT_MOST = 256  # units kept by one worker; beyond that each is freed when done
TOWN_SHARES = True  # the bundled town index printed unit by unit (see _Pages): off, from every unit's site
_UNPRINTED = frozenset({"feedback", "inspections"})  # sections of a unit that no page prints


def _render_dir(unit_dir: Path) -> _UnitOut:
    """One unit folder: loaded, its check results from the cache or checked afresh (and stored), rendered. In a
    worker process the unit's objects (its models and views, tens of thousands for a large unit) are kept, not freed
    when it is done, as check's workers keep theirs: freeing them costs a few percent of rendering them, and a worker
    ends without freeing anything (multiprocessing ends it with os._exit); at most KEEP_AT_MOST units a worker."""
    from gongkai.cache import gc_paused
    from gongkai.check import checked
    from gongkai.problem import sort_problems
    from gongkai.repo import rel

    assert _JOB is not None
    layout, pages, cache, unit_set = _JOB
    with gc_paused():
        uid = rel(unit_dir, layout.root)
        hit, key, entry = None, None, None
        if cache is not None:  # the unit's key is taken before it is read, as check does (from the unit search's
            stored = cache.stored(uid)  # walk of it when the layout kept it: Layout.walked, Layout.listing)
            key = cache.key(uid, unit_dir, layout.listing, layout.walked)
            hit = cache.get(uid, key, stored) if stored is not None else None
        if hit is not None:
            found = hit[1]
            # nothing of a unit's feedback and inspections is printed: a file of them that check found nothing
            # wrong with (no problem at its path, so none loading it either) is not read at all
            touched = {p.path for p in found}
            unit = layout.load_unit(unit_dir, False, unit_set,
                                    lambda section, path: section in _UNPRINTED and path not in touched)
        else:
            unit = layout.load_unit(unit_dir, False, unit_set)
            _, found, entry = checked(layout.root, unit, pages.options.as_of, cache, key)
        errors = _errors_of(sort_problems(list(layout.problems) + found))
        never = _outside(layout.root, unit, errors)
        held = [unit, errors, hit] if _KEPT is not None and len(_KEPT) < KEEP_AT_MOST else None
        out = pages.unit(unit, errors, never, held)
        if held is not None and _KEPT is not None:
            _KEPT.append(held)
        out.broken = {p.path for p in unit.problems if p.severity == "error"}
        out.checked = hit is None
        out.entry = entry
        return out


def _parallel(dirs: list[Path], jobs: int | None, progress: Any = None) -> list[_UnitOut]:
    """_render_dir of each folder, in order: in forked worker processes when it pays, else in this process;
    `progress` (if given) told of each unit done."""
    if progress is not None:
        progress.start(len(dirs))
    from gongkai.check import PARALLEL_FROM, effective_jobs

    workers = effective_jobs(jobs, len(dirs))
    if workers > 1 and len(dirs) >= PARALLEL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        assert _JOB is not None
        _JOB[1].prepare()  # what every worker needs is imported and compiled once, here, before the fork
        import gc

        try:
            context = multiprocessing.get_context("fork")
            # small chunks, handed out as workers finish: units differ in size, and the workers end together (a
            # unit takes a few hundredths of a second: a chunk of four leaves one worker idle that long at most)
            chunk = max(1, min(4, len(dirs) // (workers * 8)))
            gc.freeze()  # what the workers inherit stays shared: no collector pass writes to (and copies) its pages
            try:
                with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_keeping) as pool:
                    results = pool.map(_render_dir, dirs, chunksize=chunk)  # the workers are forked here
                    with _JOB[1].writer.flushing():  # (a thread: only once the workers are forked)
                        return _counted(results, progress)
            finally:
                gc.unfreeze()
        except (OSError, ImportError, ValueError, NotImplementedError):  # no worker processes here: in this one
            pass
    if len(dirs) < PARALLEL_FROM:
        return _counted(map(_render_dir, dirs), progress)
    assert _JOB is not None
    with _JOB[1].writer.flushing():
        return _counted(map(_render_dir, dirs), progress)


def _counted(results: Iterable[_UnitOut], progress: Any) -> list[_UnitOut]:
    """`results` as a list, `progress` (if given) told of each one as it comes."""
    if progress is None:
        return list(results)
    out = []
    for r in results:
        out.append(r)
        progress.advance()
    return out


def _keeping() -> None:
    """A worker process starts keeping the units it renders (see _render_dir)."""
    global _KEPT
    _KEPT = []


@dataclass
class _UnitOut:
    """What rendering one unit gives back (from a worker process: plain values, pickled)."""

    files: list[list[str]]  # per format: the pages written, in order
    changed: list[list[str]]  # per format: the ones whose bytes changed
    sheets: list[list[str]]  # per format: the sheets written
    withheld: list[Any]
    site: Any = None  # views.UnitSite for a town's own town index, or None (unit.yaml has errors, or no town index)
    town: list[Any] | None = None  # the bundled town index: the unit's views.TownShare in each format (up to a failure)
    town_error: tuple[int, Msg] | None = None  # the format whose share failed to print, and why
    error: tuple[int, Msg] | None = None  # the first format that failed, and why
    broken: set[str] = field(default_factory=set)
    notes: list[Msg] = field(default_factory=list)  # init placeholders printed as 【待填写】, each said where
    checked: bool = False  # checked afresh (its results were not in the results cache)
    entry: bytes | None = None  # then, the entry of its results for the cache's pack (None: no key)


class _Pages:
    """Renders units one at a time, in this process or in a forked worker (each has its own environments and
    writer state). The order of the pages is the order of a single process: for each format, each unit's record
    pages, sheets and index, then the town index."""

    def __init__(self, repo: Repository, options: Options, override: Path | None, url: str | None,
                 unit_ids: list[str], writer: Any) -> None:
        from gongkai.personal import mask
        from gongkai.render.views import Builder

        self.repo = repo
        self.options = options
        self.override = override
        self.period = parse_period(options.period) if options.period else (None, None)
        self.builder = Builder(repo, options.as_of, url, {}, options.force, set(), unit_ids)
        self.with_town = not (len(unit_ids) == 1 and unit_ids[0] == ".") and options.unit is None
        # the bundled town index is printed unit by unit, where each unit is rendered (in its worker), and only put
        # together at the end; a town's own town index gets the units' sites (TOWN_SHARES off: the same, tests)
        self.shares = self.with_town and override is None and TOWN_SHARES
        self.writer = writer
        self.common = {"town": mask(repo.name), "as_of": options.as_of.isoformat(), "paper": options.paper}
        self.envs: dict[str, Any] = {}
        self.stop = len(options.formats)  # formats from this index on failed for an earlier unit: not rendered

    def prepare(self) -> None:
        """Import the rules and compile the bundled templates in this process, so that worker processes forked from
        it inherit them instead of each doing it again. A town's templates are left to the workers: their errors are
        reported where a page uses them."""
        import gongkai.obligations  # noqa: F401
        import gongkai.render.markdown  # noqa: F401
        import gongkai.rules  # noqa: F401
        from gongkai import catalog

        for kind in catalog.KINDS:  # read by every unit's rules and pages
            try:
                catalog.load(kind)
            except Exception:  # noqa: BLE001 - a missing catalog is reported where a unit needs it, as before
                pass
        if self.override is not None:
            return
        for fmt in self.options.formats:
            env = self.env(fmt)
            extra = ["base.html", "style.css"] if fmt == "html" else []
            town = ["town_index", "_town_index"] if self.with_town else []
            for name in [f"{n}.{fmt}" for n in ["record", "sheet", "unit_index", "_record", *town]] + extra:
                env.get_template(name)

    def env(self, fmt: str) -> Any:
        if fmt not in self.envs:
            from gongkai.render.env import environment

            self.envs[fmt] = environment(fmt, self.override)
        return self.envs[fmt]

    def unit(self, u: Any, errors: dict[str, list[Problem]], never: set[str], keep: list[Any] | None = None) -> _UnitOut:
        """Build one unit's site and write its pages in every format (up to the first that fails); the site is put
        in `keep` (a worker's kept units), if given."""
        builder = self.builder
        builder.errors, builder.never, builder.withheld = errors, never, []
        for env in self.envs.values():
            if hasattr(env, "forget"):
                env.forget()
        site = builder.build_unit(u)
        if keep is not None:
            keep.append(site)
        n = len(self.options.formats)
        out = _UnitOut([[] for _ in range(n)], [[] for _ in range(n)], [[] for _ in range(n)], builder.withheld)
        if site is None:  # unit.yaml has errors: nothing of this unit is printed (see Result.withheld)
            return out
        from gongkai.placeholders import printed as printed_placeholders

        out.notes = [p.note() for p in printed_placeholders(u)]
        year, quarter = self.period
        if quarter is not None:
            sheets = [s for s in site.sheets if s.period == str(quarter)] or [builder.extra_sheet(u, site, quarter)]
        elif year is not None:
            sheets = [s for s in site.sheets if s.year == year]
        else:
            sheets = site.sheets
        for i, fmt in enumerate(self.options.formats[:self.stop]):
            env, ext, written = self.env(fmt), "." + fmt, self.writer.written
            mark = len(written), len(self.writer.changed)
            try:
                for record in site.records:
                    _emit(env, self.writer, "record" + ext, record.path + ext, self.common, unit=site.unit,
                          record=record)
                for sheet in sheets:
                    _emit(env, self.writer, "sheet" + ext, sheet.path + ext, self.common, unit=site.unit, sheet=sheet)
                    out.sheets[i].append(sheet.path + ext)
                _emit(env, self.writer, "unit_index" + ext, site.unit.path + ext, self.common, unit=site.unit,
                      index=site.index)
            except RenderError as e:
                out.error = (i, e.message)
                self.stop = i
                break
            finally:
                out.files[i] = written[mark[0]:]
                out.changed[i] = self.writer.changed[mark[1]:]
        if self.shares:
            out.town, out.town_error = self._town_shares(site)
        elif self.with_town:
            out.site = site  # (a town's own town index may print anything of it)
        return out

    def _town_shares(self, site: Any) -> tuple[list[Any], tuple[int, Msg] | None]:
        """The unit's share of the bundled town index in each format rendered (views.TownShare): printed by the
        blocks of town_index.html/.md themselves (units, rows, records), given the unit's part alone, on the page
        the town index is (its links are the same), so the page put together from the shares is the page printed
        from every site."""
        from gongkai.render.views import TownShare, TownYear, town_share

        alone, rows, sections = town_share(site)
        blank = TownYear(0, [(site.unit, [None, None, None, None])], [])
        shares: list[Any] = []
        for i, fmt in enumerate(self.options.formats[:self.stop]):
            ext = "." + fmt
            name = "town_index" + ext
            try:
                template = self.env(fmt).get_template(name)
                page = {**self.common, "page": "index" + ext, "ext": ext}

                def block(part: str, **ctx: Any) -> str:
                    return "".join(template.blocks[part](template.new_context({**page, **ctx})))  # noqa: B023

                shares.append(TownShare(block("units", index=alone), {y: block("rows", y=v) for y, v in rows.items()},
                                        block("rows", y=blank),
                                        {y: {c: block("records", section=s) for c, s in cats.items()}
                                         for y, cats in sections.items()}))
            except Exception as e:  # noqa: BLE001 - reported where the town index would be written, as before
                return shares, (i, _where(e, name, Msg(f"{type(e).__name__}: {e}", f"{type(e).__name__}: {e}")))
        return shares, None

    def finish(self, result: Result, outs: list[_UnitOut]) -> Result:
        """The town index of each format, the first failure (in the order of a single process), one sync."""
        from markupsafe import Markup

        from gongkai.render.markdown import MdSafe
        from gongkai.render.views import printed_town_index, town_index

        failed = min(((o.error[0], n) for n, o in enumerate(outs) if o.error is not None), default=None)
        sites = [o.site for o in outs if o.site is not None]
        town: list[list[str]] = []
        for i, fmt in enumerate(self.options.formats):
            if failed is not None and failed[0] == i:
                error = outs[failed[1]].error
                assert error is not None
                raise RenderError(error[1])
            mark = len(self.writer.written)
            ext = "." + fmt
            if self.shares:  # put together from the units' shares, printed where each unit was
                share_failed = next((o.town_error for o in outs if o.town_error and o.town_error[0] == i), None)
                if share_failed is not None:
                    raise RenderError(share_failed[1])
                index = printed_town_index(self.repo, [o.town[i] for o in outs if o.town is not None],
                                           Markup if fmt == "html" else MdSafe)
                _emit(self.env(fmt), self.writer, "_town_index" + ext, "index" + ext, self.common, index=index)
            elif self.with_town:
                _emit(self.env(fmt), self.writer, "town_index" + ext, "index" + ext, self.common,
                      index=town_index(self.repo, sites))
            town.append(self.writer.written[mark:])
        changed_town = set(self.writer.changed)
        self.writer.finish(any(c for o in outs for c in o.changed))  # what the workers wrote is synced here too
        for i in range(len(self.options.formats)):
            for o in outs:
                result.files += o.files[i]
                result.changed += o.changed[i]
                result.sheets += o.sheets[i]
            result.files += town[i]
            result.changed += [f for f in town[i] if f in changed_town]
        result.withheld = [w for o in outs for w in o.withheld]
        result.warnings.extend(n for o in outs for n in o.notes)
        return result


MARK = "未通过检查"


def _emit(env: Any, writer: Any, template: str, page: str, common: dict[str, Any], **ctx: Any) -> None:
    """Render one template for one page (paths relative to --out) and write it. Any failure of a template
    (syntax, undefined name, the sandbox, a limit, an exception in its expressions) is a RenderError naming
    the template and, where known, its line. (What tells the failures apart is imported when one happens: a
    county renders 10,000s of pages without one.)"""
    try:
        # the bundled templates' pages come as bytes (render_bytes: the style sheet encoded once, not on every page)
        render = env.render_bytes if hasattr(env, "render_bytes") else env.render_page
        text = render(env.get_template(template), {**common, "page": page, "ext": page[page.rindex("."):], **ctx})
    except Exception as e:  # noqa: BLE001 - an expression in a town template failed: say where, not a traceback
        import jinja2

        from gongkai.render.env import TemplateLimit

        if isinstance(e, jinja2.TemplateSyntaxError):
            raise RenderError(msg("模板 {n} 第 {l} 行：{e}", "template {n} line {l}: {e}",
                                  n=e.name or template, l=e.lineno, e=e.message)) from None
        if isinstance(e, TemplateLimit):
            raise RenderError(_where(e, template, e.text)) from None
        if isinstance(e, jinja2.TemplateError):
            raise RenderError(_where(e, template, Msg(str(e), str(e)))) from None
        if isinstance(e, RecursionError):
            raise RenderError(_where(e, template, msg("模板递归太深（宏或 include 调用自身）",
                                                      "the template recurses too deeply (a macro or include calling "
                                                      "itself)"))) from None
        raise RenderError(_where(e, template, Msg(f"{type(e).__name__}: {e}", f"{type(e).__name__}: {e}"))) from None
    sheet, record = ctx.get("sheet"), ctx.get("record")
    failed = [r for r in sheet.pages if r.failed] if sheet is not None else \
        ([record] if record is not None and record.failed else [])
    if failed and (MARK if isinstance(text, str) else MARK.encode("utf-8")) not in text:  # (in the bytes iff in the text)
        raise RenderError(msg("模板 {n} 没有印出“{m}”标记：--force 印出有错误的记录时必须标明（见 r.failed）",
                              "template {n} does not print the mark '{m}': records printed with --force despite "
                              "errors must carry it (see r.failed)", n=template, m=MARK))
    try:
        writer.write(page, text)
    except (ValueError, OSError) as e:
        from gongkai.render.writer import UnsafePath

        if isinstance(e, UnsafePath):
            raise RenderError(msg("不能写到 --out 以外：{p}", "refusing to write outside --out: {p}", p=page)) from None
        if isinstance(e, OSError):
            raise RenderError(msg("无法写入 {p}：{e}", "cannot write {p}: {e}", p=page, e=e.strerror or e)) from None
        raise


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
