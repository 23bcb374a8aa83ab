"""`check --fix`: rewrite each fixable finding at its boundary, keeping the rest of the
file byte for byte.

Stage: after the rules (it consumes findings), before rendering (it annotates them).
Files are rewritten with libcst, which round-trips source exactly; nothing is ever
regenerated from `ast`.

    plan(findings)       parse each file with findings once; one Plan per finding
                         (fix.planner), and each Finding annotated with its Fix
    FixRun.apply()       the new text of each file: the chosen fixes (safe, or safe and
                         unsafe), the imports they need, then verified
    FixRun.write()       write the changed files;  FixRun.diff(): a unified diff instead
    annotate(findings)   only the Fix of each finding (plain `check`), cached

Never worse: a file libcst cannot parse or round-trip is not touched; the result must
compile (when the original did) and may change only the lines of fixed calls plus the
import lines, else the offending fixes are dropped one by one, with a diagnostic.  Fixes
in one file never overlap (a call inside another fixed call is rewritten inside it, and
the outer fix becomes unsafe: its arguments then await).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from asyncaudit.config import FIX_OFFLOADERS as OFFLOADERS
from asyncaudit.fix.project import minimum_minor
from asyncaudit.model import Edit, Finding, Fix, Location

if TYPE_CHECKING:
    from asyncaudit.fix.apply import FixRun

__all__ = ["OFFLOADERS", "annotate", "plan"]


def plan(findings: Sequence[Finding], *, offloader: str = "auto",
         defs: dict[str, tuple[str, int]] | None = None,
         dropped: dict[tuple[str, str, str, str], str] | None = None) -> FixRun:
    """Plan the fix of every finding and annotate each with its `Fix`.

    Args:
        findings: The findings to fix (already filtered by baseline, changed lines...).
        offloader: `auto` or one of `fix.OFFLOADERS` (the `fix-offloader` option).
        defs: Function qualified name -> (path, def line), from the analysis: tells
            whether a boundary's callee is a generator.
        dropped: Fixes dropped in an earlier pass over the same files (see
            `FixRun.dropped_keys`): those findings are reported as unfixable, with why.

    Returns:
        The FixRun (`fix.apply`); nothing is written until `apply()` and `write()`.
    """
    from asyncaudit.fix.apply import plan as plan_files

    return plan_files(findings, offloader=offloader, defs=defs, dropped=dropped)


def annotate(findings: Sequence[Finding], *, offloader: str = "auto",
             defs: dict[str, tuple[str, int]] | None = None, cache_dir: str | None = None) -> list[Finding]:
    """`findings`, each with its `Fix` (what `check` shows without `--fix`).

    Planning parses every file with findings with libcst, which is slow next to a run
    answered from the analysis cache; with `cache_dir` the fixes are kept there, keyed
    by the findings and the bytes of every file they name.
    """
    key = _cache_key(findings, offloader) if cache_dir and findings else None
    if key is not None:
        hit = _load(cache_dir, key)  # type: ignore[arg-type]
        if hit is not None and len(hit) == len(findings):
            return [replace(f, fix=x) for f, x in zip(findings, hit)]
    out = plan(findings, offloader=offloader, defs=defs).findings
    if key is not None:
        _store(cache_dir, key, [f.fix for f in out])  # type: ignore[arg-type, misc]
    return out


_CACHE_FOLDER = "fixes"
_CACHE_KEEP = 16  # entries kept: one per recently checked tree state is enough


def _cache_key(findings: Sequence[Finding], offloader: str) -> str | None:
    from asyncaudit.cache import tool_salt

    h = hashlib.sha256(f"{tool_salt()}\0{offloader}\0".encode("utf-8", "surrogatepass"))
    paths = sorted({f.location.path for f in findings} | {h.location.path for f in findings for c in f.chains
                                                           for h in c.hops})
    for path in paths:
        try:
            with open(path, "rb") as fh:
                h.update(f"{path}\0".encode("utf-8", "surrogatepass") + hashlib.sha256(fh.read()).digest())
        except OSError:
            return None
        # the offloader depends on the Python versions the project declares
        h.update(str(minimum_minor(path)).encode())
    for f in findings:
        h.update(repr(replace(f, fix=None)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _load(cache_dir: str, key: str) -> list[Fix] | None:
    try:
        with open(os.path.join(cache_dir, _CACHE_FOLDER, f"{key}.json"), encoding="utf-8") as fh:
            data = json.load(fh)
        return [Fix(d["applicability"], d["description"], d["reason"],
                    tuple(Edit(Location(*e["location"]), e["text"]) for e in d["edits"])) for d in data]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store(cache_dir: str, key: str, fixes: list[Fix]) -> None:
    folder = os.path.join(cache_dir, _CACHE_FOLDER)
    data = [{"applicability": x.applicability, "description": x.description, "reason": x.reason,
             "edits": [{"location": [e.location.path, e.location.line, e.location.column, e.location.end_line,
                                     e.location.end_column], "text": e.text} for e in x.edits]} for x in fixes]
    try:
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f"{key}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, os.path.join(folder, f"{key}.json"))
        entries = sorted((e for e in os.scandir(folder) if e.name.endswith(".json")),
                         key=lambda e: e.stat().st_mtime_ns, reverse=True)
        for old in entries[_CACHE_KEEP:]:
            os.unlink(old.path)
    except OSError:
        pass  # a cache that cannot be written only costs time


