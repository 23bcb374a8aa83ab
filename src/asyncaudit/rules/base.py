"""The rule protocol: metadata, documentation, and the context a rule checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from asyncaudit.model import Severity

if TYPE_CHECKING:
    from asyncaudit.facts import Func, Site, Span
    from asyncaudit.model import Finding, Location
    from asyncaudit.reach import Reach
    from asyncaudit.resolve import Program


@dataclass(frozen=True, slots=True)
class Rule:
    """A finding code with its documentation.

    `default_enabled` is for `check`; `audit` runs every rule.  `needs_full` rules need
    the call graph of every project function, not only of the event-loop paths.
    """

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str = ""
    category: str | None = None  # leaf category, for the blocking-call rules
    default_enabled: bool = True
    needs_full: bool = False


LocationOf = Callable[["Func", "Site | Span | None"], "Location"]
"""`location_of(func, at=None)`: where a finding or hop is, as the user sees it.

`at` is a site of `func` or a `Span` a rule's hook recorded; None is the function's
`def` (its first character).  Columns become character columns of the file's text."""


@dataclass(slots=True)
class RuleContext:
    program: Program
    reach: Reach
    location_of: LocationOf
    entry_points: frozenset[str] = field(default_factory=frozenset)


Check = Callable[[RuleContext], "list[Finding]"]
