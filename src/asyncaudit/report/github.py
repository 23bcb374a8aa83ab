"""GitHub Actions workflow commands: one annotation per finding, on the boundary line.

    ::error file=src/app.py,line=12,col=5,endLine=12,endColumn=20,title=AA107 blocking-file::...
"""

from __future__ import annotations

import os

from asyncaudit.model import AnalysisResult, Severity
from asyncaudit.report.escape import one_line

_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "notice"}


def _escape(text: str, prop: bool = False) -> str:
    # undecodable bytes and control characters shown as escapes (a workflow command is UTF-8
    # text on one line); then the runner's own escapes for what is left
    text = "\n".join(one_line(part) for part in text.split("\n"))
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def _rel(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def render(result: AnalysisResult) -> str:
    out = []
    for f in result.findings:
        loc = f.location
        chain = ""
        if f.chains and len(f.chains[0].hops) > 1:
            hops = " -> ".join(h.callee for h in f.chains[0].hops)
            chain = f"\nchain: {hops}"
        props = (f"file={_escape(_rel(loc.path), True)},line={loc.line},col={loc.column},"
                 f"endLine={loc.end_line},endColumn={loc.end_column},title={_escape(f'{f.code} {f.rule}', True)}")
        seen = f" (confirmed at runtime: {f.runtime.calls} call(s))" if f.runtime is not None else ""
        fix = ""
        if f.fix is not None and f.fix.applicability != "none":
            fix = f"\nfix ({f.fix.applicability}): {f.fix.description}"
        out.append(f"::{_LEVEL[f.severity]} {props}::{_escape(f'{f.message}{seen}{chain}. {f.recommendation}{fix}')}")
    for d in result.diagnostics:
        out.append(f"::warning file={_escape(_rel(d.path), True)},line={max(d.line, 1)}::{_escape(d.message)}")
    return "\n".join(out) + ("\n" if out else "")
