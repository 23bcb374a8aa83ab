"""The runtime report: what the tests saw block the loop, joined with the static findings.

Stage: runtime, render.  `document()` builds the JSON written by `--asyncaudit-report
FILE`; `load()` reads it back for `asyncaudit check --runtime FILE`, which marks the
static findings the tests confirmed (`confirm()`), in every output format.

    {"version": 1, "tool": {...}, "python": "3.12.1", "root": "/abs/project",
     "counts": {"confirmed": 3, "runtime_only": 1, "static_only": 2, "outside_project": 4, "known": 0},
     "sites": [{"classification": "confirmed" | "runtime-only" | "partial", "calls": 2,
                "tests": [...], "events": [...], "static": {"code", "fingerprint", "location"} | null,
                "known": false, "finding": {<a finding, as in `check --format json`>}}],
     "static_only": [{"code", "fingerprint", "location", "function", "callee", "categories",
                      "exercised": the boundary ran but blocked otherwise,
                      "observable": a runtime detector can see one of its sinks}],
     "outside_project": [{"calls", "tests", "finding"}],
     "detector": {"catalog": {"audit": 68, "setattr": 217, ...}, "unattributed": 0}}

Paths are relative to `root` (posix), so the same tree gives the same bytes.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from asyncaudit import __version__
from asyncaudit.model import AnalysisResult, Chain, Finding, Hop, Location, Message, RuntimeMark, Severity
from asyncaudit.report.json_format import as_dict
from asyncaudit.runtime.join import Joined, RuntimeSite, join, observable, runtime_mark

VERSION = 1


class RuntimeReportError(Exception):
    """A runtime report cannot be read; the message is one line naming the file."""


def _relocate(f: Finding, move: Callable[[str], str]) -> Finding:
    def loc(x: Location) -> Location:
        return replace(x, path=move(x.path))

    chains = tuple(replace(c, hops=tuple(replace(h, location=loc(h.location)) for h in c.hops)) for c in f.chains)
    return replace(f, location=loc(f.location), chains=chains)


def _finding_dict(f: Finding, move: Callable[[str], str]) -> dict[str, Any]:
    return as_dict(AnalysisResult(findings=[_relocate(f, move)]))["findings"][0]  # type: ignore[index]


def _loc_dict(loc: Location, move: Callable[[str], str]) -> dict[str, object]:
    return {"path": move(loc.path), "line": loc.line, "column": loc.column,
            "end_line": loc.end_line, "end_column": loc.end_column}


def relative_to(root: Path) -> Callable[[str], str]:
    """A path mover: absolute or cwd-relative paths become posix paths relative to `root`."""
    base = os.path.realpath(root)

    def move(path: str) -> str:
        real = os.path.realpath(path)
        try:
            rel = os.path.relpath(real, base)
        except ValueError:
            return Path(real).as_posix()
        return Path(real).as_posix() if rel.startswith("..") else Path(rel).as_posix()

    return move


def document(joined: Joined, outside: Sequence[RuntimeSite], root: Path, fingerprint: Mapping[int, str],
             known: set[int], detector: Mapping[str, object]) -> dict[str, object]:
    """The JSON report of one run.  `fingerprint`/`known` are keyed by `id()` of findings."""
    move = relative_to(root)
    sites: list[dict[str, object]] = []
    for f, confirming in joined.confirmed:
        for site in confirming:
            sites.append({"classification": "confirmed", "site": site, "static": f})
    for site, partial in joined.runtime_only:
        sites.append({"classification": "partial" if partial else "runtime-only",
                      "site": site, "static": partial[0] if partial else None})
    rows = []
    for entry in sites:
        site: RuntimeSite = entry["site"]  # type: ignore[assignment]
        static: Finding | None = entry["static"]  # type: ignore[assignment]
        rows.append({
            "classification": entry["classification"],
            "calls": site.calls,
            "tests": list(site.tests),
            "events": list(site.events),
            "static": None if static is None else {
                "code": static.code, "fingerprint": fingerprint.get(id(static), ""),
                "location": _loc_dict(static.location, move)},
            "known": id(static if entry["classification"] == "confirmed" else site.finding) in known,
            "finding": _finding_dict(site.finding, move),
        })
    rows.sort(key=lambda r: (r["finding"]["location"]["path"], r["finding"]["location"]["line"],  # type: ignore[index]
                             r["finding"]["location"]["column"], r["finding"]["code"]))  # type: ignore[index]
    counts = {**joined.counts(), "outside_project": len(outside),
              "known": sum(1 for r in rows if r["known"] and r["classification"] != "confirmed")}
    return {
        "version": VERSION,
        "tool": {"name": "asyncaudit", "version": __version__},
        "python": ".".join(map(str, sys.version_info[:3])),
        "root": Path(os.path.realpath(root)).as_posix(),
        "counts": counts,
        "sites": rows,
        "static_only": [
            {"code": f.code, "fingerprint": fingerprint.get(id(f), ""), "location": _loc_dict(f.location, move),
             "function": f.function, "callee": f.callee, "categories": list(f.categories),
             "exercised": id(f) in joined.exercised, "observable": observable(f)}
            for f in joined.static_only
        ],
        "outside_project": [
            {"calls": s.calls, "tests": list(s.tests), "events": list(s.events),
             "finding": _finding_dict(s.finding, move)}
            for s in outside
        ],
        "detector": dict(detector),
    }


def dumps(doc: Mapping[str, object]) -> str:
    return json.dumps(doc, indent=2) + "\n"


def _location(d: Mapping[str, Any], base: Path) -> Location:
    path = d["path"]
    full = path if os.path.isabs(path) else str(base / path)
    return Location(full, int(d["line"]), int(d["column"]), int(d["end_line"]), int(d["end_column"]))


def _finding(d: Mapping[str, Any], base: Path) -> Finding:
    chains = tuple(
        Chain(c["category"], c["sink"], tuple(
            Hop(_location(h["location"], base), h["function"], h["callee"], h["target"]) for h in c["hops"]))
        for c in d["chains"])
    return Finding(d["code"], d["rule"], Severity[d["severity"].upper()], _location(d["location"], base),
                   d["function"], d["callee"], chains, Message(d["message"]), d.get("reason", ""),
                   d.get("recommendation", ""), d.get("context", "async"))


def load(path: Path) -> list[RuntimeSite]:
    """The project sites of a report written by the pytest plugin."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuntimeReportError(f"cannot read runtime report {path}: {exc.strerror or exc}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise RuntimeReportError(f"invalid runtime report {path}: not JSON") from exc
    if not isinstance(doc, dict) or doc.get("version") != VERSION or not isinstance(doc.get("sites"), list):
        raise RuntimeReportError(f"invalid runtime report {path}: not an asyncaudit runtime report "
                                 f"(version {VERSION})")
    root = Path(doc.get("root") or Path(path).parent)
    if not root.is_dir():
        root = Path(path).resolve().parent
    try:
        return [RuntimeSite(_finding(row["finding"], root), int(row["calls"]), tuple(row["tests"]))
                for row in doc["sites"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise RuntimeReportError(f"invalid runtime report {path}: malformed site ({exc})") from exc


def confirm(findings: Sequence[Finding], sites: Sequence[RuntimeSite]) -> list[Finding]:
    """`findings` with `runtime` set on those the sites confirm (same order)."""
    joined = join(findings, sites)
    marks = {id(f): runtime_mark(s) for f, s in joined.confirmed}
    out = []
    for f in findings:
        got = marks.get(id(f))
        out.append(replace(f, runtime=RuntimeMark(*got)) if got else f)
    return out


__all__ = ["RuntimeReportError", "confirm", "document", "dumps", "load", "relative_to"]
