"""`gongkai check` as a function: load, compute obligations once, run every rule, collect problems."""

from __future__ import annotations

import datetime as dt
import traceback
from dataclasses import dataclass
from pathlib import Path

from gongkai import basis as B
from gongkai.cache import gc_paused
from gongkai.obligations import UnitObligations, compute
from gongkai.problem import Problem, msg, problem, sort_problems
from gongkai.repo import Repository
from gongkai.rules import RULES, RuleContext


@dataclass
class CheckResult:
    as_of: dt.date
    repo: Repository
    obligations: list[UnitObligations]
    problems: list[Problem]


def run(repo: Repository, as_of: dt.date) -> CheckResult:
    with gc_paused():  # rules make no reference cycles; a collector pass over a county's objects is pure cost
        return _run(repo, as_of)


def _run(repo: Repository, as_of: dt.date) -> CheckResult:
    obligations = compute(repo, as_of)
    problems: list[Problem] = list(repo.problems)
    hashes: dict[Path, str] = {}
    realdirs: dict[str, str] = {}
    for uo in obligations:
        unit = uo.unit
        problems.extend(p.stamped(unit.id) for p in unit.problems)
        ctx = RuleContext(repo, unit, uo, as_of, hashes, realdirs)
        for rule in RULES:
            try:
                problems.extend(rule(ctx))
            except Exception as exc:  # noqa: BLE001 - a crashing rule is reported, the others still run
                where = traceback.extract_tb(exc.__traceback__)[-1]
                problems.append(problem("internal", "error", unit.unit_path, None, msg(
                    "检查规则 {r} 出错（{e}，{f}:{n}）：这是 gongkai 的缺陷，请报告；其他规则的结果不受影响",
                    "rule {r} failed ({e}, {f}:{n}): this is a bug in gongkai, please report it; other rules still ran",
                    r=rule.__module__.rsplit(".", 1)[-1], e=type(exc).__name__, f=Path(where.filename).name, n=where.lineno),
                    B.FORMAT, unit=unit.id))
    if repo.cache is not None:
        repo.cache.save()
    return CheckResult(as_of, repo, obligations, sort_problems(problems))
