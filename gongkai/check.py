"""`gongkai check` as a function: load, compute obligations once, run every rule, collect problems.

A unit is checked on its own (its files, its obligations, its rules), so a large repository is checked
unit by unit in worker processes (`jobs`), each with its unit's cache shard, and only the problems come back.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.cache import gc_paused
from gongkai.obligations import UnitObligations, compute_unit
from gongkai.problem import Problem, sort_problems
from gongkai.repo import Layout, Repository, UnitData, discover, load_layout
from gongkai.rules import RULES, RuleContext
from gongkai.rules.base import internal

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


def check_layout(layout: Layout, as_of: dt.date, use_cache: bool = True, jobs: int | None = None) -> CheckResult:
    """Check a repository, unit by unit, in `jobs` worker processes (default: one per CPU, when there are
    enough units to pay for them). Only problems and unit names come back from the workers."""
    jobs = effective_jobs(jobs, len(layout.unit_dirs))
    if jobs > 1 and len(layout.unit_dirs) >= PARALLEL_FROM:
        try:
            return _parallel(layout, as_of, use_cache, jobs)
        except Exception:  # noqa: BLE001 - no worker processes here (sandbox, no fork): check in this process
            pass
    return run(load_layout(layout, use_cache), as_of)


def effective_jobs(requested: int | None, units: int) -> int:
    """Worker processes for `units` units: as asked (default: one per CPU), never more than the units nor than
    four per CPU (`--jobs 100000` must not try to start 100,000 processes)."""
    cpus = os.cpu_count() or 1
    jobs = requested if requested is not None else cpus
    return max(1, min(jobs, units, cpus * 4))


_WORK: tuple[Layout, dt.date, bool] | None = None  # set in the parent before forking; read by the workers


def _check_dir(unit_dir: Path) -> tuple[UnitSummary, list[Problem]]:
    assert _WORK is not None
    layout, as_of, use_cache = _WORK
    with gc_paused():
        unit = layout.load_unit(unit_dir, use_cache)
        uo, problems = check_unit(layout.root, unit, as_of)
    return UnitSummary.of(unit, uo), problems


def _parallel(layout: Layout, as_of: dt.date, use_cache: bool, jobs: int) -> CheckResult:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _WORK
    _WORK = (layout, as_of, use_cache)
    try:
        context = multiprocessing.get_context("fork")
        chunk = max(1, len(layout.unit_dirs) // (jobs * 8))
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            results = list(pool.map(_check_dir, layout.unit_dirs, chunksize=chunk))
    finally:
        _WORK = None
    problems = list(layout.problems)
    for _, found in results:
        problems.extend(found)
    return CheckResult(as_of, [s for s, _ in results], sort_problems(problems))
