"""Rules: the registry of finding codes, selection and inline suppressions.

`ALL_RULES` is an explicit tuple, in code order; `CHECKS` the functions of the rules that
run after the reach stage (the blocking-call rules are the reach stage's own output).
A blocking-call finding carries one chain per leaf category; `--select`/`--ignore` keep
or drop chains by code, and a finding whose chains are all dropped disappears.
`# asyncaudit: ignore[AA107]` (or a bare `# asyncaudit: ignore`, or flake8's
`# noqa: AA107`) on the boundary line silences that finding; on a helper's or sink's line it silences every chain through it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from asyncaudit.facts import FactHooks
from asyncaudit.model import Finding
from asyncaudit.rules import (
    aa301_async_only_helper,
    aa302_sync_guard,
    aa303_run_outside_entry,
    aa304_sequential_awaits,
    aa305_dropped_task,
    aa306_sync_network_api,
)
from asyncaudit.rules.base import Check, Rule, RuleContext
from asyncaudit.rules.blocking import BLOCKING_RULES, NESTED_LOOP, recode

_STANDARD = (aa301_async_only_helper, aa302_sync_guard, aa303_run_outside_entry, aa304_sequential_awaits,
             aa305_dropped_task, aa306_sync_network_api)

ALL_RULES: tuple[Rule, ...] = (*BLOCKING_RULES, NESTED_LOOP, *(m.RULE for m in _STANDARD))
BY_CODE = {r.code: r for r in ALL_RULES}
CODE_OF_CATEGORY = {r.category: r.code for r in ALL_RULES if r.category}
CHECKS: dict[str, Check] = {m.RULE.code: m.check for m in _STANDARD}
# the detectors single rules own, which the facts extractor runs (see facts.FactHooks)
FACT_HOOKS = FactHooks(
    call_statement=tuple(m.on_call_statement for m in _STANDARD if hasattr(m, "on_call_statement")),
    loop=tuple(m.on_loop for m in _STANDARD if hasattr(m, "on_loop")),
)

__all__ = ["ALL_RULES", "BY_CODE", "CHECKS", "FACT_HOOKS", "Rule", "RuleContext", "active", "select", "suppressions"]

_IGNORE = re.compile(r"#\s*asyncaudit:\s*ignore(?:\[([A-Za-z0-9_,\s]+)\])?")
# flake8's and ruff's spelling: `# noqa: AA107` (codes of other tools beside it are
# passed over).  A bare `# noqa` is not ours: it is written for another linter's finding on
# that line, and would hide a blocking call nobody looked at.
_NOQA = re.compile(r"#\s*noqa\s*:\s*([A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*)", re.IGNORECASE)


def suppressions(text: str) -> dict[int, frozenset[str] | None]:
    """Line -> codes suppressed there (None: all)."""
    out: dict[int, frozenset[str] | None] = {}
    ours, noqa = "asyncaudit:" in text, "noqa" in text or "NOQA" in text
    if not ours and not noqa:
        return out
    from asyncaudit.parse.source import source_lines  # lines as ast numbers them

    for n, line in enumerate(source_lines(text), 1):
        if ours and "asyncaudit:" in line:
            m = _IGNORE.search(line)
            if m:
                out[n] = (frozenset(c.strip().upper() for c in m.group(1).split(",") if c.strip())
                          if m.group(1) else None)
                continue
        if noqa and "#" in line:
            m = _NOQA.search(line)
            if m:
                codes = frozenset(c.upper() for c in re.split(r"[\s,]+", m.group(1)) if c.upper().startswith("AA"))
                if codes:
                    out[n] = codes
    return out


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(code.startswith(p.upper()) for p in patterns)


def active(select: tuple[str, ...], ignore: tuple[str, ...], *, audit: bool = False,
           extend: tuple[str, ...] = ()) -> frozenset[str]:
    """The codes a run reports: selected (or enabled by default) or in `extend`
    (`extend-select`), and not ignored."""
    out = set()
    for r in ALL_RULES:
        chosen = _matches(r.code, select) if select else (audit or r.default_enabled)
        chosen = chosen or _matches(r.code, extend)
        if chosen and not _matches(r.code, ignore):
            out.add(r.code)
    return frozenset(out)


def select(findings: list[Finding], codes: frozenset[str],
           suppressed: dict[str, dict[int, frozenset[str] | None]],
           used: set[tuple[str, int]] | None = None) -> list[Finding]:
    """Keep the findings (and chains) of active codes that are not suppressed.

    A suppression on the boundary line silences the finding; on any later hop's line (a
    helper's call, the sink itself) it silences every chain through that line.  The
    (path, line) of each suppression that silenced something is added to `used`.
    """
    used = used if used is not None else set()

    def hit(path: str, line: int, code: str) -> bool:
        sup = suppressed.get(path, {}).get(line, frozenset())
        if sup is None or code in sup:
            used.add((path, line))
            return True
        return False

    out = []
    for f in findings:
        if f.code not in codes and not f.chains:
            continue
        if not f.chains or f.code not in CODE_OF_CATEGORY.values():
            if f.code in codes and not hit(f.location.path, f.location.line, f.code):
                out.append(f)
            continue
        chains = tuple(
            c for c in f.chains
            if CODE_OF_CATEGORY[c.category] in codes
            and not any(hit(h.location.path, h.location.line, CODE_OF_CATEGORY[c.category]) for h in c.hops))
        if not chains:
            continue
        if chains != f.chains:
            f = recode(f, chains)
        out.append(f)
    return out
