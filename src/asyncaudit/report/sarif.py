"""SARIF 2.1.0 output: rules from the registry, each chain as a codeFlow.

Diagnostics (unparsable or skipped files) become tool execution notifications, not
results.  Paths are relative URIs against `%SRCROOT%` when under the working directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from asyncaudit import __version__
from asyncaudit.baseline import fingerprints
from asyncaudit.model import AnalysisResult, Fix, Location, Severity
from asyncaudit.report.escape import uri
from asyncaudit.rules import ALL_RULES as RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
HELP_URI = "https://github.com/asyncaudit/asyncaudit/blob/main/README.md#rules"
_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note"}


def _uri(path: str) -> tuple[str, bool]:
    """(URI, relative to %SRCROOT%?): the name's bytes percent-encoded, whatever they are."""
    p = Path(path)
    try:
        rel = os.path.relpath(p.absolute(), Path.cwd())
    except ValueError:
        return uri(str(p.absolute()), absolute=True), False
    if rel.startswith(".."):
        return uri(str(p.absolute()), absolute=True), False
    return uri(Path(rel).as_posix(), absolute=False), True


def _location(loc: Location, message: str | None = None) -> dict[str, object]:
    uri, relative = _uri(loc.path)
    artifact: dict[str, object] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    out: dict[str, object] = {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {"startLine": loc.line, "startColumn": loc.column,
                       "endLine": loc.end_line, "endColumn": loc.end_column},
        }
    }
    if message:
        out["message"] = {"text": message}
    return out


def _fix(fix: Fix) -> dict[str, object]:
    """A SARIF fix: the edits of `check --fix` as replacements (an empty region inserts)."""
    by_path: dict[str, list[dict[str, object]]] = {}
    for e in fix.edits:
        where = _location(e.location)["physicalLocation"]
        by_path.setdefault(e.location.path, [where["artifactLocation"]]).append(  # type: ignore[index]
            {"deletedRegion": where["region"], "insertedContent": {"text": e.text}})  # type: ignore[index]
    text = fix.description + (f" (unsafe: {fix.reason})" if fix.applicability == "unsafe" else "")
    return {"description": {"text": text},
            "artifactChanges": [{"artifactLocation": reps[0], "replacements": reps[1:]} for reps in by_path.values()]}


def as_dict(result: AnalysisResult) -> dict[str, object]:
    rules = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "helpUri": f"{HELP_URI}",
            "defaultConfiguration": {"level": _LEVEL[r.severity]},
            "properties": {"category": r.category, "severity": r.severity.label},
        }
        for r in RULES
    ]
    index = {r.code: i for i, r in enumerate(RULES)}
    results = []
    # the baseline's fingerprints: they survive unrelated edits, as code scanning expects
    prints = fingerprints(result.findings, Path.cwd())
    for f, fingerprint in zip(result.findings, prints):
        flows = []
        for c in f.chains:
            flows.append({
                "message": {"text": f"{c.category}: {f.callee} -> ... -> {c.sink}"},
                "threadFlows": [{
                    "locations": [
                        {"location": _location(h.location, f"{h.function.rsplit('.', 1)[-1]} calls {h.callee}"),
                         "nestingLevel": i}
                        for i, h in enumerate(c.hops)
                    ]
                }],
            })
        entry: dict[str, object] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVEL[f.severity],
            "message": {"text": f"{f.message}. {f.recommendation}"},
            "locations": [_location(f.location)],
            "partialFingerprints": {"asyncaudit/v1": fingerprint},
            "properties": {"severity": f.severity.label, "reason": f.reason, "function": f.function,
                           "categories": list(f.categories)},
        }
        if f.runtime is not None:
            entry["properties"]["runtime"] = {"confirmed": True, "calls": f.runtime.calls,  # type: ignore[index]
                                              "tests": list(f.runtime.tests)}
        if flows:
            entry["codeFlows"] = flows
        if f.fix is not None:
            entry["properties"]["fix"] = f.fix.applicability  # type: ignore[index]
            if f.fix.edits:
                entry["fixes"] = [_fix(f.fix)]
        results.append(entry)
    notifications = [
        {"level": "warning", "message": {"text": d.message},
         "locations": [_location(Location(d.path, max(d.line, 1), 1, max(d.line, 1), 1))]}
        for d in result.diagnostics
    ]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "asyncaudit", "version": __version__,
                                "informationUri": HELP_URI.split("/blob")[0], "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": uri(str(Path.cwd()), absolute=True).rstrip("/") + "/"}},
            "results": results,
            "invocations": [{"executionSuccessful": True,
                             "toolExecutionNotifications": notifications}],
        }],
    }


def render(result: AnalysisResult) -> str:
    return json.dumps(as_dict(result), indent=2) + "\n"
