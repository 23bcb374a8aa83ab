"""Text output: one finding as a compiler error, followed by its chains.

    src/app/api.py:42:9: AA107 [Medium] `load_config` blocks the event loop in async function `handle`: ...
        chain (file read/write):
          src/app/api.py:42:9       handle -> load_config
          src/app/config.py:17:10   load_config -> open  [builtins.open]

The summary line is followed by a note for any line (a shared helper's call, a leaf) that
more than a quarter of the findings pass through, where one suppression covers them all.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import NamedTuple

from asyncaudit.model import AnalysisResult, Diagnostic, Finding, RuntimeMark, Stats
from asyncaudit.report.escape import one_line


def _rel(path: str) -> str:
    """A path as shown: relative when below the current directory, on one line."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return one_line(path)
    return one_line(path if rel.startswith("..") else rel)


def _short(q: str) -> str:
    return q.rsplit(".", 1)[-1]


def finding_lines(f: Finding) -> list[str]:
    loc = f.location
    lines = [f"{_rel(loc.path)}:{loc.line}:{loc.column}: {f.code} [{f.severity.label}] {one_line(str(f.message))}"]
    for chain in f.chains:
        if len(chain.hops) == 1 and len(f.chains) == 1:
            continue
        lines.append(f"    chain ({chain.category}):")
        width = max(len(f"{_rel(h.location.path)}:{h.location.line}:{h.location.column}") for h in chain.hops)
        for i, h in enumerate(chain.hops):
            where = f"{_rel(h.location.path)}:{h.location.line}:{h.location.column}"
            leaf = f"  [{chain.sink}]" if i == len(chain.hops) - 1 else ""
            lines.append(f"      {where:<{width}}  {_short(h.function)} -> {h.callee}{leaf}")
    if f.runtime is not None:
        lines.append(f"    runtime: {runtime_text(f.runtime)}")
    lines.append(f"    help: {f.recommendation}")
    if f.fix is not None and f.fix.applicability != "none":
        unsafe = f" (unsafe: {f.fix.reason})" if f.fix.applicability == "unsafe" else ""
        lines.append(f"    fix: {f.fix.description}{unsafe}")
    return lines


def runtime_text(mark: RuntimeMark) -> str:
    """`confirmed: 3 call(s) in tests/test_a.py::test_x (+1 more test)`."""
    first = mark.tests[0] if mark.tests else "the test session"
    more = f" (+{len(mark.tests) - 1} more test{'s' if len(mark.tests) > 2 else ''})" if len(mark.tests) > 1 else ""
    return f"confirmed: {mark.calls} call(s) in {first}{more}"


def diagnostic_line(d: Diagnostic) -> str:
    """One input problem, compiler style: `path:line: warning: message`."""
    return f"{_rel(d.path)}:{d.line or 1}: warning: {one_line(d.message)}"


def hint_lines(s: Stats) -> list[str]:
    """What was lost and the option that recovers it: unresolved imports of the project's
    own modules, and calls into packages that are not installed."""
    out = []
    missing = s.project_imports - s.resolved_project_imports
    if missing:
        worst = ", ".join(f"`{m}` ({n} file{'s' if n != 1 else ''})" for m, n, _ in s.unresolved_imports[:3])
        out.append(f"{missing} import{'s' if missing != 1 else ''} of project modules found nothing "
                   f"(most: {worst}): add the folder they live in with --source-root DIR "
                   "(`source-roots` in [tool.asyncaudit])")
    if s.not_installed:
        n = len(s.not_installed)
        listed = ", ".join(f"{p} ({c} call site{'s' if c != 1 else ''} on event-loop paths)"
                           for p, c in s.not_installed[:5])
        more = f", and {n - 5} more" if n > 5 else ""
        if s.libraries == "off":
            out.append(f"calls into {n} third-party package{'s' if n != 1 else ''} not followed "
                       f"(--no-libraries): {listed}{more}")
        else:
            out.append(f"calls into {n} package{'s' if n != 1 else ''} that "
                       f"{'are' if n != 1 else 'is'} not installed: {listed}{more} — pass `--python` "
                       "with the project's environment to follow them")
    return out


class Hotspot(NamedTuple):
    """One line that many findings' chains all pass through: a shared helper or leaf."""

    path: str
    line: int
    helper: str  # the function containing the line
    target: str  # what it calls there: the leaf sink, or the next helper
    covered: int  # findings every chain of which passes through this line


def hotspots(findings: list[Finding], share: float = 0.25, minimum: int = 3) -> list[Hotspot]:
    """Lines beyond the boundary behind more than `share` of the findings (and at least
    `minimum`), each where one `# asyncaudit: ignore` would silence all of them (a
    suppression on a hop's line silences every chain through it).  Greedy: the line that
    covers most, the deepest on a tie (it names the leaf), then again on the rest."""
    n = len(findings)
    cover: dict[tuple[str, int], set[int]] = {}
    info: dict[tuple[str, int], tuple[int, str, str]] = {}
    for k, f in enumerate(findings):
        common: set[tuple[str, int]] | None = None
        for chain in f.chains:
            here = set()
            for depth, h in enumerate(chain.hops[1:], 1):
                key = (h.location.path, h.location.line)
                here.add(key)
                target = chain.sink if depth == len(chain.hops) - 1 else h.target
                if depth > info.get(key, (0, "", ""))[0]:
                    info[key] = (depth, h.function, target)
            common = here if common is None else common & here
        for key in common or ():
            cover.setdefault(key, set()).add(k)
    out: list[Hotspot] = []
    left = dict(cover)
    while left:
        key = max(sorted(left), key=lambda x: (len(left[x]), info[x][0]))
        got = left.pop(key)
        if len(got) <= n * share or len(got) < minimum:
            break
        depth, helper, target = info[key]
        out.append(Hotspot(key[0], key[1], helper, target, len(got)))
        left = {x: c - got for x, c in left.items() if c - got}
    return out


def hotspot_line(h: Hotspot, total: int) -> str:
    return (f"note: {h.covered} of {total} findings reach `{h.target}` through `{_short(h.helper)}`: "
            f"one `# asyncaudit: ignore` at {_rel(h.path)}:{h.line} would cover them all")


def statistics(result: AnalysisResult) -> str:
    """`check --statistics`: counts per rule and per leaf (like ruff's), then the hotspots."""
    from asyncaudit.rules import BY_CODE

    rules = Counter(f.code for f in result.findings)
    leaves = Counter(sink for f in result.findings for sink in dict.fromkeys(c.sink for c in f.chains))
    out = []
    width = len(str(max([*rules.values(), *leaves.values(), 1])))
    for code, count in sorted(rules.items(), key=lambda x: (-x[1], x[0])):
        rule = BY_CODE.get(code)
        out.append(f"{count:>{width}}  {code}  {rule.name if rule else ''}".rstrip())
    if leaves:
        out.append("")
        for sink, count in sorted(leaves.items(), key=lambda x: (-x[1], x[0])):
            out.append(f"{count:>{width}}  {sink}")
    spots = hotspots(result.findings)
    if spots:
        out.append("")
        out.extend(hotspot_line(h, len(result.findings)) for h in spots)
    return "\n".join(out) + "\n" if out else ""


def render(result: AnalysisResult) -> str:
    out: list[str] = []
    for d in result.diagnostics:
        out.append(diagnostic_line(d))
    for f in result.findings:
        out.extend(finding_lines(f))
    s = result.stats
    n = len(result.findings)
    out.append("")
    out.append(
        f"{n} finding{'s' if n != 1 else ''} in {s.files} files "
        f"({s.async_functions} async functions, {s.loop_callbacks} loop callbacks; "
        f"{s.resolved_call_sites}/{s.call_sites} call sites on event-loop paths resolved, "
        f"{100 * s.resolved_share:.1f}%" + (
            f"; {s.resolved_project_imports}/{s.project_imports} imports of project modules resolved, "
            f"{100 * s.resolved_import_share:.1f}%" if s.project_imports else "") + ")"
        + (f"; environment: {one_line(result.environment)}" if result.environment else "")
    )
    out.extend(hint_lines(s))
    out.extend(hotspot_line(h, n) for h in hotspots(result.findings))
    return "\n".join(out) + "\n"
