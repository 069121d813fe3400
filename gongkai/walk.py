"""The unit search's constants, and its C walk (gongkai/_cwalk.c) started early.

`gongkai check` knows its PATH before it imports anything heavy: it starts the C search of PATH (gongkai.repo.
find_units, with each unit's walk for the results cache) in a thread of its own at once, and imports its modules and
reads gongkai.yaml while the walk — system calls, most of a warm run — goes on; find_units then takes the answer.
This module imports nothing of gongkai's. GONGKAI_PURE_PYTHON=1 turns the C walk off.
"""

from __future__ import annotations

import os
from typing import Any

SKIP_DIRS = frozenset(("evidence", "node_modules", "__pycache__", "templates", "_site", "site", "out"))
MAX_FOLDER_DEPTH = 32  # folders below a unit (or below PATH when looking for units)
SKIP_LIST = sorted(SKIP_DIRS)

cwalk: Any = None
if os.environ.get("GONGKAI_PURE_PYTHON", "") != "1":
    try:
        from gongkai import _cwalk as cwalk  # type: ignore[attr-defined,no-redef]
    except ImportError:
        pass

_STARTED: dict[tuple[str, bool], Any] = {}  # at most one search under way: (root, stat_files) → its Scan


def threads() -> int:
    """Threads of the C walk: one per CPU (at most four: the walk is system calls, and they share the kernel)."""
    return max(1, min(os.cpu_count() or 1, 4))


def start(root: str, stat_files: bool) -> None:
    """Start the C search of `root` (see gongkai.repo.find_units) in a thread; nothing without the C walk."""
    if cwalk is None:
        return
    _STARTED.clear()
    try:
        _STARTED[(root, stat_files)] = cwalk.start(root, MAX_FOLDER_DEPTH, SKIP_LIST, threads(), stat_files)
    except (AttributeError, OSError, ValueError):  # (a module compiled without start: no head start)
        pass


def taken(root: str, stat_files: bool) -> Any:
    """The search of `root` started by start(), handed over once (None when there is none)."""
    return _STARTED.pop((root, stat_files), None)
