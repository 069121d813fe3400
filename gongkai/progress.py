"""A progress bar for long runs, on stderr, only where a person is watching.

Shown only when stderr is a terminal, the output is not JSON, no CI is running (`CI` set, as every CI service
does) and TERM is not `dumb`; and only once a run has lasted half a second with units still to go (a warm run
from the cache, or a village, finishes before a bar would help). Rich is imported only then.
The bar is transient: when the run ends it disappears, and stdout is never touched.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

SHOW_FROM = 16  # units
DELAY = 0.5  # seconds before the bar appears


def wanted(json_output: bool) -> bool:
    if json_output or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # stderr closed or replaced
        return False


class Bar:
    """The `gongkai.check.Progress` a terminal gets: a rich bar of units done, shown once the run has taken
    DELAY seconds with units still to go (a warm run from the cache ends before; rich is not even imported)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.task: Any = None
        self.total = self.done = 0
        self.since = 0.0

    def start(self, total: int) -> None:
        self.close()
        self.total, self.done, self.since = total, 0, time.monotonic()

    def advance(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.advance(self.task)
        elif self.total >= SHOW_FROM and self.done < self.total and time.monotonic() - self.since > DELAY:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=self.total, completed=self.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
