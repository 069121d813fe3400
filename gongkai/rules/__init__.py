"""The rule families, listed explicitly. Each `check(ctx)` yields problems for one unit.

Rules guard each file's part (`with ctx.guard(path):`): a crash on one file is an `internal` error at that
file, and the same rule still reports the others; a crash outside any guard is one `internal` error for the unit.
"""

from __future__ import annotations

from gongkai.rules import evidence, finance, placeholders, plan, privacy, references, timing
from gongkai.rules.base import RuleContext

RULES = (
    plan.check,        # plan-order, plan-coverage, plan-schedule, duplicate plan items
    timing.check,      # overdue, late, early, due-soon, plan-missing, plan-late, threshold
    references.check,  # unknown-item, reference, duplicate records
    finance.check,     # balance, continuity, review
    evidence.check,    # evidence, evidence-reused
    privacy.check,     # privacy
    placeholders.check,  # schema (warning): values gongkai init wrote to be filled in
)

__all__ = ["RULES", "RuleContext"]
