"""What a rule sees: one unit, its obligations, and the as-of date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.obligations import UnitObligations
from gongkai.problem import Msg, Problem, problem
from gongkai.repo import UnitData


@dataclass
class RuleContext:
    root: Path  # the repository root (evidence must stay inside it)
    unit: UnitData
    obligations: UnitObligations
    as_of: dt.date
    hashes: dict[Path, str] = field(default_factory=dict)  # evidence content by real path
    realdirs: dict[str, str] = field(default_factory=dict)  # resolved evidence folders

    def problem(self, code: str, severity: str, path: str, loc: tuple[int, int] | None, message: Msg,
                basis: Msg) -> Problem:
        return problem(code, severity, path, loc, message, basis, unit=self.unit.id)
