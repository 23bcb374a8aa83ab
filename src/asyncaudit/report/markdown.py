"""Markdown audit report, in the format of the standard's example audit.

YAML front matter (standard, category, score, importance, violations_count, date,
status), Summary, Violations (File, Severity, Sites, Evidence, Recommendation),
Compliant Examples, Scoring Rationale (Coverage, Severity, Trend, Risk), then the trend
details and a machine-readable comment that a later audit's Trend reads.
"""

from __future__ import annotations

import json
from pathlib import Path

from asyncaudit.audit import CATEGORY, IMPORTANCE, STANDARD, Audit, rel


def _yaml_scalar(v: object) -> str:
    if v is None:
        return "n/a"
    return str(v)


def render(audit: Audit, root: Path) -> str:
    out: list[str] = [
        "---",
        f"standard: {STANDARD}",
        f"category: {CATEGORY}",
        f"score: {_yaml_scalar(audit.score)}",
        f"importance: {IMPORTANCE}",
        f"violations_count: {len(audit.violations)}",
        f"date: {audit.date}",
        f"status: {audit.status}",
        "---",
        "",
        "# Standards Audit: Async-First Design",
        "",
        f"**Standard:** `python/{STANDARD}`  ",  # two trailing spaces: one line each when rendered
        f"**Date:** {audit.date}  ",
        f"**Score:** {_yaml_scalar(audit.score)}{'/100' if audit.score is not None else ''}  ",
        f"**Importance:** {IMPORTANCE}",
        "",
        "## Summary",
        "",
        audit.summary,
        "",
        "## Violations",
        "",
    ]
    if not audit.violations:
        out += ["None.", ""]
    for i, v in enumerate(audit.violations, 1):
        loc = v.location
        out += [
            f"### Violation {i}: {v.title}",
            "",
            f"- **File:** `{rel(loc.path, root)}:{loc.line}`",
            f"- **Severity:** {v.severity.label} — {v.reason}",
        ]
        if len(v.findings) > 1:
            out.append(f"- **Sites ({len(v.findings)}):**")
            for f in v.findings:
                out.append(f"  - `{rel(f.location.path, root)}:{f.location.line}` {f.code} "
                           f"[{f.severity.label}] in `{f.function.rsplit('.', 1)[-1]}`: `{f.callee}`"
                           f"{_leaves(f)}")
        else:
            out.append(f"- **Site:** {v.findings[0].code} in `{v.findings[0].function.rsplit('.', 1)[-1]}`: "
                       f"`{v.findings[0].callee}`{_leaves(v.findings[0])}")
        out.append("- **Evidence:**")
        for block in v.evidence:
            out += ["  ```python", *(f"  {ln}".rstrip() for ln in block.split("\n")), "  ```"]
        out += [f"- **Recommendation:** {v.recommendation}", ""]
    out += ["## Compliant Examples", ""]
    if audit.examples:
        for e in audit.examples:
            out.append(f"- `{rel(e.location.path, root)}:{e.location.line}` — {e.text}.")
    else:
        out.append("- None found: no offloaded call, awaited async I/O or structured fan-out on event-loop paths.")
    out += [
        "",
        "## Scoring Rationale",
        "",
        f"- **Coverage:** {audit.coverage}",
        f"- **Severity:** {audit.severity}",
        f"- **Trend:** {audit.trend.line}",
        f"- **Risk:** {audit.risk}",
        "",
    ]
    if audit.trend.previous:
        out += ["## Trend", ""]
        for label, items in (("Fixed", [x["title"] for x in audit.trend.fixed]), ("New", audit.trend.new),
                             ("Still open", audit.trend.still_open)):
            out.append(f"- **{label} ({len(items)}):**" + ("" if items else " none"))
            out += [f"  - {t}" for t in items]
        out.append("")
    if audit.excluded_test_findings:
        out += [f"_Test code is not audited: {audit.excluded_test_findings} findings in test files are left out "
                "(`asyncaudit check` lists them)._", ""]
    out.append(f"<!-- asyncaudit-data: {json.dumps(audit.data, sort_keys=True)} -->")
    return "\n".join(out) + "\n"


def _leaves(f) -> str:  # noqa: ANN001
    if not f.chains:
        return ""
    return " → " + ", ".join(f"`{c.sink}`" for c in f.chains)


def as_dict(audit: Audit, root: Path) -> dict[str, object]:
    return {
        "standard": STANDARD, "category": CATEGORY, "score": audit.score, "importance": IMPORTANCE,
        "violations_count": len(audit.violations), "date": audit.date, "status": audit.status,
        "summary": audit.summary,
        "violations": [
            {"id": v.id, "title": v.title, "severity": v.severity.label, "reason": v.reason,
             "file": f"{rel(v.location.path, root)}:{v.location.line}",
             "sites": [{"path": rel(f.location.path, root), "line": f.location.line, "column": f.location.column,
                        "code": f.code, "severity": f.severity.label, "function": f.function, "callee": f.callee,
                        "sinks": [c.sink for c in f.chains]} for f in v.findings],
             "evidence": v.evidence, "recommendation": v.recommendation}
            for v in audit.violations
        ],
        "compliant_examples": [{"file": f"{rel(e.location.path, root)}:{e.location.line}", "kind": e.kind,
                                "text": e.text} for e in audit.examples],
        "scoring_rationale": {"coverage": audit.coverage, "severity": audit.severity, "trend": audit.trend.line,
                              "risk": audit.risk},
        "trend": {"previous": audit.trend.previous, "fixed": audit.trend.fixed, "new": audit.trend.new,
                  "still_open": audit.trend.still_open},
        "excluded_test_findings": audit.excluded_test_findings,
    }
