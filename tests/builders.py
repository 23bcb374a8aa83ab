"""Hand-built analysis results for in-process tests of the audit and the renderers.

The shapes are those `reach.findings` produces (a finding's code and severity are its
first chain's; hop 0 is the boundary call, the last hop's target the sink), written out
so a test states exactly what it feeds the stage under test.
"""

from __future__ import annotations

from pathlib import Path

from asyncaudit.catalog import CATEGORIES
from asyncaudit.rules.blocking import CODES, rule_name
from asyncaudit.model import AnalysisResult, Chain, CompliantSite, Finding, Hop, Location, Severity, Stats


def loc(path: str | Path, line: int, col: int = 5, width: int = 10) -> Location:
    return Location(str(path), line, col, line, col + width)


def hop(path: str | Path, line: int, function: str, callee: str, target: str, *, col: int = 5,
        in_loop: bool = False) -> Hop:
    return Hop(loc(path, line, col, len(callee) + 2), function, callee, target, in_loop)


def chain(category: str, *hops: Hop, severity: Severity | None = None, reason: str = "") -> Chain:
    """A chain whose sink is the last hop's target."""
    sev = CATEGORIES[category].severity if severity is None else severity
    return Chain(category, hops[-1].target, tuple(hops), sev, reason or f"{CATEGORIES[category].title} (base)")


def path_chain(path: str | Path, category: str, sink: str, function: str, helpers: list[str],
               *, first_line: int = 10, boundary_callee: str | None = None) -> Chain:
    """boundary call in `function` -> helpers[0] -> ... -> helpers[-1] -> sink, one hop per call.

    Hop i sits on line first_line + i; helpers are qualified names.
    """
    targets = [*helpers, sink]
    callers = [function, *helpers]
    hops = []
    for i, (caller, target) in enumerate(zip(callers, targets)):
        callee = boundary_callee if i == 0 and boundary_callee else target.rsplit(".", 1)[-1]
        hops.append(hop(path, first_line + i, caller, callee, target))
    return chain(category, *hops)


def finding(*chains: Chain, function: str | None = None, code: str | None = None,
            severity: Severity | None = None, location: Location | None = None, callee: str | None = None,
            message: str = "", reason: str = "", recommendation: str = "offload it") -> Finding:
    """A blocking finding from its chains (code, severity and location from the first),
    or, with `code` and no chains, another rule's finding."""
    if chains:
        top = chains[0]
        code = code or CODES[top.category]
        rule = rule_name(top.category)
        severity = top.severity if severity is None else severity
        location = location or top.hops[0].location
        function = function or top.hops[0].function
        callee = callee or top.hops[0].callee
        reason = reason or top.reason
    else:
        assert code and location and function
        rule = code.lower()
        severity = severity or Severity.MEDIUM
        callee = callee or function.rsplit(".", 1)[-1]
    return Finding(code, rule, severity, location, function, callee, tuple(chains),
                   message or f"{callee} blocks", reason or "why", recommendation)


def compliant(path: str | Path, line: int, function: str, how: str, callee: str = "asyncio.to_thread") -> CompliantSite:
    return CompliantSite(loc(path, line), function, callee, how)


def result(findings: list[Finding] = (), compliant_sites: list[CompliantSite] = (), *,  # type: ignore[assignment]
           async_functions: int = 1, files: int = 1) -> AnalysisResult:
    return AnalysisResult(findings=list(findings), compliant=list(compliant_sites),
                          stats=Stats(files=files, async_functions=async_functions, functions=async_functions))
