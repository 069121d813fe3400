"""The one finding type every rule yields, and the bilingual text it carries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
LANGS = ("zh", "en")


class Msg(NamedTuple):
    """A text in Chinese (the default) and English; reporters pick one."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


def msg(zh: str, en: str, **params: object) -> Msg:
    """Both languages formatted with the same parameters."""
    return Msg(zh.format(**params), en.format(**params))


class GongkaiError(Exception):
    """The family of errors that stop a command, each carrying a message for people in both languages.
    The CLI turns each kind into its exit code and one line on stderr, never a traceback."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.en)
        self.message = message


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where, how bad, which code, what to do, and the clause it enforces.

    Ordering is the output order: unit, path, line, column, then code.
    """

    unit: str
    path: str
    line: int | None
    column: int | None
    code: str
    severity: str
    message: Msg
    basis: Msg

    def sort_key(self) -> tuple:
        return (self.unit, self.path, self.line or 0, self.column or 0, SEVERITY_RANK[self.severity],
                self.code, self.message)

    def stamped(self, unit: str) -> Problem:
        return replace(self, unit=unit)


def problem(code: str, severity: str, path: str, loc: tuple[int | None, int | None] | None, message: Msg, basis: Msg,
            unit: str = "") -> Problem:
    line, col = loc if loc else (None, None)
    return Problem(unit, path, line, col, code, severity, message, basis)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=Problem.sort_key)


def count(problems: list[Problem]) -> dict[str, int]:
    out = {s: 0 for s in SEVERITIES}
    for p in problems:
        out[p.severity] += 1
    return out
