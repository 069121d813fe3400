"""The rule families, listed explicitly. Each `check(ctx)` yields problems for one unit.

A rule that crashes becomes one reported `internal` error for that unit; the others still run.
"""

from __future__ import annotations

from gongkai.rules import evidence, finance, plan, privacy, references, timing
from gongkai.rules.base import RuleContext

RULES = (
    plan.check,        # plan-order, plan-coverage, duplicate plan items
    timing.check,      # overdue, late, early, due-soon, plan-missing, plan-late, threshold
    references.check,  # unknown-item, reference, duplicate records
    finance.check,     # balance, continuity, review
    evidence.check,    # evidence, evidence-reused
    privacy.check,     # privacy
)

__all__ = ["RULES", "RuleContext"]
