"""`gongkai check` as a function: load, compute obligations once, run every rule, collect problems.

A unit is checked on its own (its files, its obligations, its rules), so a large repository is checked
unit by unit in worker processes (`jobs`), each with its unit's cache shard, and only the problems come back.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from gongkai.cache import enabled, gc_paused
from gongkai.problem import Problem, sort_problems
from gongkai.repo import Layout, Repository, UnitData, discover, load_layout, rel

if TYPE_CHECKING:
    from gongkai.obligations import UnitObligations
    from gongkai.results import ResultCache

PARALLEL_FROM = 16  # units; below this, starting workers costs more than it saves


@dataclass
class UnitSummary:
    id: str
    name: str
    unknown: tuple[str, ...] = ()  # broken files (unit.yaml, a plan) whose obligations could not be computed

    @classmethod
    def of(cls, unit: UnitData, uo: UnitObligations) -> UnitSummary:
        return cls(unit.id, unit.name, tuple(x.path for x in uo.unknown))


@dataclass
class CheckResult:
    as_of: dt.date
    units: list[UnitSummary]
    problems: list[Problem]
    obligations: list[UnitObligations] = field(default_factory=list)  # filled by run(), not by the parallel path


def run(repo: Repository, as_of: dt.date) -> CheckResult:
    """Check a loaded repository in this process; the result keeps every unit's obligations."""
    with gc_paused():  # rules make no reference cycles; a collector pass over a county's objects is pure cost
        problems: list[Problem] = list(repo.problems)
        obligations = []
        for unit in repo.units:
            uo, found = check_unit(repo.root, unit, as_of)
            obligations.append(uo)
            problems.extend(found)
    units = [UnitSummary.of(u, uo) for u, uo in zip(repo.units, obligations)]
    return CheckResult(as_of, units, sort_problems(problems), obligations)


def check_unit(root: Path, unit: UnitData, as_of: dt.date) -> tuple[UnitObligations, list[Problem]]:
    """One unit's obligations and problems: its load problems, then every rule; a crashing rule is reported."""
    from gongkai.obligations import compute_unit  # here, not above: a warm run from the cache needs no rule
    from gongkai.rules import RULES, RuleContext
    from gongkai.rules.base import internal

    uo = compute_unit(unit, as_of)
    problems = [p.stamped(unit.id) for p in unit.problems]
    ctx = RuleContext(root, unit, uo, as_of)
    for rule in RULES:
        ctx.rule = rule.__module__.rsplit(".", 1)[-1]
        try:
            problems.extend(rule(ctx))
        except Exception as exc:  # noqa: BLE001 - a crash outside any file's guard: reported, the other rules run
            problems.append(internal(ctx.rule, exc, unit.unit_path, None, unit.id))
        problems.extend(ctx.failures)
        ctx.failures.clear()
    if unit.cache is not None:
        unit.cache.save()
    return uo, problems


def check_path(root: Path, as_of: dt.date, use_cache: bool = True, jobs: int | None = None) -> CheckResult:
    return check_layout(discover(root), as_of, use_cache, jobs)


class Progress(Protocol):
    """What check_layout reports to while it works: how many units it will check afresh, then each one done."""

    def start(self, total: int) -> None: ...

    def advance(self) -> None: ...


def check_layout(layout: Layout, as_of: dt.date, use_cache: bool = True, jobs: int | None = None,
                 progress: Progress | None = None) -> CheckResult:
    """Check a repository, unit by unit, in `jobs` worker processes (default: one per CPU, when there are
    enough units to pay for them). Only problems and unit names come back from the workers.

    With use_cache, a unit whose files, settings, as-of date and gongkai are unchanged since a previous run is
    not read at all: its results come from gongkai.results (looked up in the workers too); the others are checked
    and their results stored."""
    if not enabled(use_cache) and progress is None and _parallel_for(layout.unit_dirs, jobs) is None:
        return run(load_layout(layout, use_cache), as_of)
    cache = None
    done: dict[Path, tuple[UnitSummary, list[Problem]]] = {}
    keys: dict[Path, str | None] = {}
    if enabled(use_cache):
        cache = results_cache(layout, as_of)
        # one small read, and one walk (scandir, lstat) of a unit that has stored results; nothing stored (a cold
        # run): nothing to compare with, the unit's key is taken where it is checked
        ids = [rel(d, layout.root) for d in layout.unit_dirs]
        stored = {d: body for d, uid in zip(layout.unit_dirs, ids) if (body := cache.stored(uid)) is not None}
        asked = [(uid, d) for d, uid in zip(layout.unit_dirs, ids) if d in stored]
        for (uid, d), key in zip(asked, cache.keys(asked, layout.listing, layout.walked)):
            keys[d] = key
            hit = cache.get(uid, key, stored[d])
            if hit is not None:
                done[d] = (UnitSummary(*hit[0]), hit[1])
        if layout.walked:  # the C search walked every unit already (before any is read): each one's key is at hand
            for d, uid in zip(layout.unit_dirs, ids):
                if d not in keys and str(d) in layout.walked:
                    keys[d] = cache.key(uid, d, None, layout.walked)
    todo = [d for d in layout.unit_dirs if d not in done]
    if todo:
        fresh = _check_dirs(layout, todo, as_of, use_cache, cache, keys, jobs, progress)
        for d, (summary, problems, _) in zip(todo, fresh):
            done[d] = (summary, problems)
        if cache is not None:  # one file for the repository: the fresh entries and those that hit
            by_id = dict(zip(layout.unit_dirs, ids))
            save_results(cache, ids, {by_id[d]: entry for d, (_, _, entry) in zip(todo, fresh)},
                         {by_id[d]: body for d, body in stored.items()})
    return _result(layout, as_of, [done[d] for d in layout.unit_dirs])


def results_cache(layout: Layout, as_of: dt.date) -> ResultCache:
    """The results cache of `layout` as of `as_of`. `gongkai render` takes its units' check results from the same
    cache (and stores what it checks afresh), so both commands make their keys here."""
    from gongkai.results import ResultCache

    return ResultCache(layout.root, layout.settings_path, layout.timing, as_of,
                       (str(layout.settings_file), layout.templates, layout.settings is None))


def checked(root: Path, unit: UnitData, as_of: dt.date, cache: ResultCache | None,
            key: str | None | bool, keep: list[object] | None = None) -> Checked:
    """A loaded unit checked: its summary, its problems and the entry of its results under `key` for the
    repository's pack (ResultCache.save_pack; None without a cache or a key). `keep` (a worker's): the unit and
    its obligations are kept there, not freed (see _check_dir)."""
    uo, problems = check_unit(root, unit, as_of)
    summary = UnitSummary.of(unit, uo)
    if keep is not None and len(keep) < KEEP_AT_MOST:
        keep.append((unit, uo))
    entry = None
    if cache is not None and isinstance(key, str):
        entry = cache.entry(key, (summary.id, summary.name, summary.unknown), problems)
    return summary, problems, entry


def save_results(cache: ResultCache, ids: list[str], fresh: dict[str, bytes | None],
                 stored: dict[str, bytes]) -> None:
    """Write the repository's pack when a unit was checked afresh with a key: each unit's fresh entry (units
    checked afresh: `fresh`, None when the unit has no key) or what was stored and hit (`stored`)."""
    if any(entry is not None for entry in fresh.values()):
        cache.save_pack([(uid, body) for uid in ids
                         if (body := fresh.get(uid) if uid in fresh else stored.get(uid)) is not None])


def _result(layout: Layout, as_of: dt.date, results: list[tuple[UnitSummary, list[Problem]]]) -> CheckResult:
    problems = list(layout.problems)
    for _, found in results:
        problems.extend(found)
    return CheckResult(as_of, [s for s, _ in results], sort_problems(problems))


def _parallel_for(dirs: list[Path], jobs: int | None) -> int | None:
    """How many worker processes to check `dirs` with, or None to check them in this process."""
    workers = effective_jobs(jobs, len(dirs))
    return workers if workers > 1 and len(dirs) >= PARALLEL_FROM else None


Checked = tuple[UnitSummary, list[Problem], bytes | None]  # and the entry of the results cache (ResultCache.entry)


def _one(layout: Layout, unit_dir: Path, unit_set: set[Path], as_of: dt.date, use_cache: bool,
         cache: ResultCache | None, key: str | None | bool, keep: list[object] | None = None) -> Checked:
    """One unit checked; with a results cache, its results stored under `key`, the unit's key taken before it was
    read (False: not taken yet, so taken here, in the worker, first thing). One walk is enough: a file changed while
    the unit is read changes its ctime, so the next run's key differs from the stored one and the unit is checked
    afresh; a key taken after the read could instead seal results of the old files under the new files' key.
    The unit's files are read afresh, not from the file cache (gongkai.cache): a unit is re-checked because
    something in it changed, and filling the file cache of every file of a county costs a cold run more than
    re-reading one unit's files ever saves."""
    uid = rel(unit_dir, layout.root)
    if cache is not None and key is False:
        key = cache.key(uid, unit_dir, layout.listing, layout.walked)
    unit = layout.load_unit(unit_dir, use_cache and cache is None, unit_set)
    return checked(layout.root, unit, as_of, cache, key, keep)  # the entry stored by the parent, in the pack


def _check_dirs(layout: Layout, dirs: list[Path], as_of: dt.date, use_cache: bool, cache: ResultCache | None,
                keys: dict[Path, str | None], jobs: int | None,
                progress: Progress | None) -> list[Checked]:
    """(summary, problems, cache entry) of each unit folder in `dirs`, in order: in worker processes when it pays."""
    if progress is not None:
        progress.start(len(dirs))
    workers = _parallel_for(dirs, jobs)
    if workers is not None:
        try:
            return _parallel(layout, dirs, as_of, use_cache, cache, keys, workers, progress)
        except Exception:  # noqa: BLE001 - no worker processes here (sandbox, no fork): check in this process
            if progress is not None:
                progress.start(len(dirs))
    unit_set = set(layout.unit_dirs)
    out = []
    with gc_paused():
        for d in dirs:
            out.append(_one(layout, d, unit_set, as_of, use_cache, cache, keys.get(d, False)))
            if progress is not None:
                progress.advance()
    return out


def effective_jobs(requested: int | None, units: int) -> int:
    """Worker processes for `units` units: as asked (default: one per CPU), never more than the units nor than
    four per CPU (`--jobs 100000` must not try to start 100,000 processes)."""
    cpus = os.cpu_count() or 1
    jobs = requested if requested is not None else cpus
    return max(1, min(jobs, units, cpus * 4))


_WORK: tuple[Layout, dt.date, bool, ResultCache | None, dict[Path, str | None], set[Path]] | None = None  # pre-fork


_KEPT: list[object] = []  # in a worker process: the units it checked, never freed one by one (see _check_dir)
KEEP_AT_MOST = 256  # units kept by one worker (about 0.5 MiB each); beyond that each is freed when done


def _check_dir(unit_dir: Path) -> Checked:
    """One unit, in a worker process. The unit's objects (tens of thousands for a large unit) are kept, not freed
    when it is done: freeing them costs a tenth of checking them, and a worker ends without freeing anything
    (multiprocessing ends it with os._exit). A worker holds at most its share of the repository, and at most
    KEEP_AT_MOST units (a county of thousands of units on few cores must not grow without bound)."""
    assert _WORK is not None
    layout, as_of, use_cache, cache, keys, unit_set = _WORK
    with gc_paused():
        return _one(layout, unit_dir, unit_set, as_of, use_cache, cache, keys.get(unit_dir, False), _KEPT)


def _parallel(layout: Layout, dirs: list[Path], as_of: dt.date, use_cache: bool, cache: ResultCache | None,
              keys: dict[Path, str | None], jobs: int,
              progress: Progress | None) -> list[Checked]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from gongkai import catalog, obligations, rules  # noqa: F401 - imported once here, not in every worker

    for kind in catalog.KINDS:  # and the catalogs read once: the workers share what the parent holds when forked
        catalog.load(kind)
    global _WORK
    _WORK = (layout, as_of, use_cache, cache, keys, set(layout.unit_dirs))
    try:
        context = multiprocessing.get_context("fork")
        # small chunks, handed out as workers finish: units differ in size, and with large ones (a county's 300
        # units in chunks of 18) one worker could be left alone with the last chunk for a quarter of a second
        chunk = max(1, min(4, len(dirs) // (jobs * 8)))
        results = []
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            for found in pool.map(_check_dir, dirs, chunksize=chunk):
                results.append(found)
                if progress is not None:
                    progress.advance()
    finally:
        _WORK = None
    return results
