"""What a rule sees: one unit, its obligations, and the as-of date.

Rules wrap the work for each file (record, plan, obligation) in `with ctx.guard(path):`, so that a defect
in gongkai that crashes on one file is reported as `internal` at that file and the same rule still
reports every other file.
"""

from __future__ import annotations

import datetime as dt
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from gongkai import basis as B
from gongkai.obligations import UnitObligations
from gongkai.problem import Msg, Problem, msg, problem
from gongkai.repo import UnitData


def internal(rule: str, exc: BaseException, path: str, loc: tuple[int, int] | None, unit: str) -> Problem:
    """The `internal` problem for a rule that crashed at `path`: where in gongkai, so it can be reported."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = frames[-1] if frames else None
    return problem("internal", "error", path, loc, msg(
        "检查规则 {r} 在这个文件上出错（{e}，{f}:{n}）：这是 gongkai 的缺陷，请报告；其他文件和其他规则的结果不受影响",
        "rule {r} failed on this file ({e}, {f}:{n}): this is a bug in gongkai, please report it; "
        "other files and rules were still checked",
        r=rule, e=type(exc).__name__, f=Path(where.filename).name if where else "?", n=where.lineno if where else 0),
        B.FORMAT, unit=unit)


@dataclass
class RuleContext:
    root: Path  # the repository root (evidence must stay inside it)
    unit: UnitData
    obligations: UnitObligations
    as_of: dt.date
    hashes: dict[str, str] = field(default_factory=dict)  # evidence content by real path
    realdirs: dict[str, str] = field(default_factory=dict)  # resolved evidence folders, by their path in the unit
    rule: str = ""  # the running rule family, set by the runner
    failures: list[Problem] = field(default_factory=list)  # `internal` problems caught by guard()

    def problem(self, code: str, severity: str, path: str, loc: tuple[int, int] | None, message: Msg,
                basis: Msg) -> Problem:
        return problem(code, severity, path, loc, message, basis, unit=self.unit.id)

    def guard(self, path: str, loc: tuple[int, int] | None = None) -> _Guard:
        """Run one file's part of a rule: an exception becomes `internal` at that file, and the rule goes on."""
        return _Guard(self, path, loc)


class _Guard:
    """`with ctx.guard(path, loc):` — a plain context manager (entered once per file and rule: a generator-based
    one costs several times more), catching what `except Exception` catches."""

    __slots__ = ("ctx", "path", "loc")

    def __init__(self, ctx: RuleContext, path: str, loc: tuple[int, int] | None) -> None:
        self.ctx, self.path, self.loc = ctx, path, loc

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> bool:
        if exc is None or not isinstance(exc, Exception):
            return False  # nothing raised, or KeyboardInterrupt, GeneratorExit…: not ours to keep
        # a defect on one file must not hide the others' findings
        self.ctx.failures.append(internal(self.ctx.rule, exc, self.path, self.loc, self.ctx.unit.id))
        return True
