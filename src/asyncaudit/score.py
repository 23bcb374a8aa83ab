"""Audit stage, the arithmetic: the Async-First Design score and the audit status.

A pure function of the base severities of the I/O sites in event-loop contexts, kept
apart from the report so it can be checked against its documentation (as pylint keeps
its `evaluation` formula in one documented place):

    weight(site) = 8 / 4 / 2 / 1 for a Critical / High / Medium / Low base severity
    coverage     = sum(weight of compliant sites) / sum(weight of all sites)
    score        = round(100 * coverage)            (Python's round: half to even)
    score        = 100 when there is no I/O site at all (nothing blocks the loop)

    status       = "clean"             when score >= 90 and no violation is High or Critical
                 = "violations-found"  otherwise
                 = "not-applicable"    when there is no score (no async code)

The base severity is the leaf category's (README, "What it finds"), not the adjusted
severity of a finding: a site weighs what its kind of I/O weighs wherever it sits, so
the score moves only when sites are fixed or added.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from asyncaudit.model import Severity

WEIGHT: dict[Severity, int] = {Severity.CRITICAL: 8, Severity.HIGH: 4, Severity.MEDIUM: 2, Severity.LOW: 1}
CLEAN_AT = 90  # the lowest score that can be "clean"


@dataclass(frozen=True, slots=True)
class Score:
    """The score and the two weighted sums it comes from (the report prints both)."""

    value: int
    compliant_weight: int
    blocking_weight: int

    @property
    def coverage(self) -> float | None:
        """compliant / all, by weight; None when there is no I/O site to weigh."""
        total = self.compliant_weight + self.blocking_weight
        return self.compliant_weight / total if total else None


def score(compliant: Iterable[Severity], blocking: Iterable[Severity]) -> Score:
    """The score of a tree from the base severities of its compliant and blocking sites."""
    wc = sum(WEIGHT[s] for s in compliant)
    wb = sum(WEIGHT[s] for s in blocking)
    value = round(100 * wc / (wc + wb)) if wc + wb else 100
    return Score(value, wc, wb)


def status(value: int | None, worst: Severity | None) -> str:
    """The audit's status from its score and its most severe violation (None: no violation)."""
    if value is None:
        return "not-applicable"
    if value >= CLEAN_AT and (worst is None or worst < Severity.HIGH):
        return "clean"
    return "violations-found"
