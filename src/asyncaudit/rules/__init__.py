"""Rules: the registry of finding codes, selection and inline suppressions.

One rule per leaf category of blocking call (the catalog's categories), plus AA201 for
starting an event loop inside a running one.  A finding carries one chain per leaf
category; `--select`/`--ignore` keep or drop chains by code, and a finding whose chains
are all dropped disappears.  `# asyncaudit: ignore[AA107]` (or a bare
`# asyncaudit: ignore`) on the boundary line silences that finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from asyncaudit.catalog import CATEGORIES
from asyncaudit.model import Finding, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    category: str
    severity: Severity
    summary: str


RULES: tuple[Rule, ...] = (
    *(Rule(c.code, f"blocking-{c.key}", c.key, c.severity,
           f"{c.title} reached from an event-loop context without an offloader")
      for c in sorted(CATEGORIES.values(), key=lambda c: c.code)),
    Rule("AA201", "nested-event-loop", "loop", Severity.CRITICAL,
         "asyncio.run() / run_until_complete() reached while an event loop is running"),
)
BY_CODE = {r.code: r for r in RULES}
CODE_OF_CATEGORY = {r.category: r.code for r in RULES}

_IGNORE = re.compile(r"#\s*asyncaudit:\s*ignore(?:\[([A-Za-z0-9_,\s]+)\])?")


def suppressions(text: str) -> dict[int, frozenset[str] | None]:
    """Line -> codes suppressed there (None: all)."""
    out: dict[int, frozenset[str] | None] = {}
    if "asyncaudit:" not in text:
        return out
    for n, line in enumerate(text.splitlines(), 1):
        if "asyncaudit:" not in line:
            continue
        m = _IGNORE.search(line)
        if m:
            out[n] = frozenset(c.strip().upper() for c in m.group(1).split(",") if c.strip()) if m.group(1) else None
    return out


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(code.startswith(p.upper()) for p in patterns)


def select(findings: list[Finding], select: tuple[str, ...], ignore: tuple[str, ...],
           suppressed: dict[str, dict[int, frozenset[str] | None]]) -> list[Finding]:
    out = []
    for f in findings:
        sup = suppressed.get(f.location.path, {}).get(f.location.line, frozenset())
        chains = tuple(
            c for c in f.chains
            if (not select or _matches(CODE_OF_CATEGORY[c.category], select))
            and not _matches(CODE_OF_CATEGORY[c.category], ignore)
            and not (sup is None or CODE_OF_CATEGORY[c.category] in sup)
        )
        if not chains:
            continue
        if chains != f.chains:
            top = chains[0]
            f = replace(f, chains=chains, code=CODE_OF_CATEGORY[top.category], severity=top.severity,
                        reason=top.reason, rule=BY_CODE[CODE_OF_CATEGORY[top.category]].name)
        out.append(f)
    return out
