"""The audit score and status against their documentation (README "Score", `score.py`):
weights Critical 8, High 4, Medium 2, Low 1 by *base* severity; score = round(100 *
compliant / all); clean at >= 90 with no High or Critical violation."""

from __future__ import annotations

import pytest

from asyncaudit.model import Severity
from asyncaudit.score import WEIGHT, score, status

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW


def test_documented_weights() -> None:
    assert WEIGHT == {C: 8, H: 4, M: 2, L: 1}


# (compliant base severities, blocking base severities, compliant weight, blocking weight, score)
# Each row isolates one weight: a wrong weight for that severity changes the row's score.
SCORES = [
    ([C], [L], 8, 1, 89),            # 8/9 = 88.9
    ([L], [C], 1, 8, 11),            # 1/9 = 11.1
    ([H], [L], 4, 1, 80),            # 4/5
    ([L], [H], 1, 4, 20),
    ([M], [L], 2, 1, 67),            # 2/3 = 66.7
    ([L], [M], 1, 2, 33),
    ([H, H], [M], 8, 2, 80),
    ([M, M, M], [H], 6, 4, 60),
    ([C], [H, H], 8, 8, 50),         # Critical weighs two Highs
    ([H], [M, M], 4, 4, 50),         # High weighs two Mediums
    ([M], [L, L], 2, 2, 50),         # Medium weighs two Lows
    ([L, L, L, L, L, L, L], [L], 7, 1, 88),  # 87.5 -> 88 (half to even)
    ([L], [L, L, L, L, L, L, L], 1, 7, 12),  # 12.5 -> 12 (half to even)
    ([H, M], [], 6, 0, 100),         # nothing blocks
    ([], [C, L], 0, 9, 0),           # nothing compliant
]


@pytest.mark.parametrize(("good", "bad", "wc", "wb", "expected"), SCORES)
def test_score_table(good: list[Severity], bad: list[Severity], wc: int, wb: int, expected: int) -> None:
    s = score(good, bad)
    assert (s.compliant_weight, s.blocking_weight, s.value) == (wc, wb, expected)
    assert s.coverage == pytest.approx(wc / (wc + wb))


def test_no_io_site_scores_100_without_coverage() -> None:
    s = score([], [])
    assert (s.value, s.compliant_weight, s.blocking_weight, s.coverage) == (100, 0, 0, None)


def test_score_accepts_iterators() -> None:
    assert score(iter([H]), (x for x in [L])).value == 80


# (score, most severe violation, status)
STATUSES = [
    (100, None, "clean"),
    (90, None, "clean"),
    (90, M, "clean"),
    (95, L, "clean"),
    (89, None, "violations-found"),   # below the threshold
    (89, L, "violations-found"),
    (100, H, "violations-found"),     # a High violation is never clean
    (100, C, "violations-found"),
    (99, M, "clean"),
    (None, None, "not-applicable"),
]


@pytest.mark.parametrize(("value", "worst", "expected"), STATUSES)
def test_status_table(value: int | None, worst: Severity | None, expected: str) -> None:
    assert status(value, worst) == expected
