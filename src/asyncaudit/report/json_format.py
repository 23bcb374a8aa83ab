"""JSON output: a documented, versioned schema (see README, "JSON output").

Top level: {"version": 1, "tool": "asyncaudit", "findings": [...], "compliant": [...],
"diagnostics": [...], "stats": {...}}.  Field names are stable; new fields may be added.
"""

from __future__ import annotations

import json

from asyncaudit import __version__
from asyncaudit.model import AnalysisResult, Fix, Location

SCHEMA_VERSION = 1


def _loc(loc: Location) -> dict[str, object]:
    return {"path": loc.path, "line": loc.line, "column": loc.column,
            "end_line": loc.end_line, "end_column": loc.end_column}


def _fix(fix: Fix | None) -> dict[str, object] | None:
    if fix is None:
        return None
    return {"applicability": fix.applicability, "description": fix.description, "reason": fix.reason,
            "edits": [{"location": _loc(e.location), "text": e.text} for e in fix.edits]}


def as_dict(result: AnalysisResult) -> dict[str, object]:
    s = result.stats
    out: dict[str, object] = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "asyncaudit", "version": __version__},
        "findings": [
            {
                "code": f.code,
                "rule": f.rule,
                "severity": f.severity.label,
                "message": str(f.message),
                "reason": f.reason,
                "recommendation": f.recommendation,
                "location": _loc(f.location),
                "function": f.function,
                "context": f.context,
                "callee": f.callee,
                "fix": _fix(f.fix),
                "chains": [
                    {
                        "category": c.category,
                        "sink": c.sink,
                        "hops": [{"location": _loc(h.location), "function": h.function,
                                  "callee": h.callee, "target": h.target} for h in c.hops],
                    }
                    for c in f.chains
                ],
            }
            for f in result.findings
        ],
        "compliant": [{"location": _loc(c.location), "function": c.function, "callee": c.callee,
                       "how": c.how} for c in result.compliant],
        "diagnostics": [{"path": d.path, "line": d.line, "message": d.message} for d in result.diagnostics],
        "stats": {
            "files": s.files, "project_modules": s.project_modules, "library_modules": s.library_modules,
            "functions": s.functions, "async_functions": s.async_functions,
            "loop_callbacks": s.loop_callbacks, "reached_functions": s.reached_functions,
            "call_sites": s.call_sites, "resolved_call_sites": s.resolved_call_sites,
            "resolved_share": round(s.resolved_share, 4), "fallback_parsed": s.fallback_parsed,
            "project_imports": s.project_imports, "resolved_project_imports": s.resolved_project_imports,
            "resolved_import_share": round(s.resolved_import_share, 4),
            "unresolved_imports": [{"module": m, "files": n, "first": first}
                                   for m, n, first in s.unresolved_imports[:20]],
            "not_installed": [{"package": p, "call_sites": n} for p, n in s.not_installed],
            "libraries": s.libraries,
        },
        "environment": result.environment or None,  # how installed packages were found (None: not followed)
    }
    for f, entry in zip(result.findings, out["findings"]):  # type: ignore[call-overload]
        if f.runtime is not None:  # confirmed by the test suite (`check --runtime FILE`)
            entry["runtime"] = {"calls": f.runtime.calls, "tests": list(f.runtime.tests)}
    return out


def render(result: AnalysisResult) -> str:
    return json.dumps(as_dict(result), indent=2, sort_keys=False) + "\n"
