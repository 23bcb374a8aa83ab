"""What `check --fix` says: the summary of fixed and remaining findings, the fixable hint.

Stage: render (fix outcomes); consumes only the model and a FixRun.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from asyncaudit.model import Finding

if TYPE_CHECKING:
    from asyncaudit.fix.apply import FixRun


def relative(path: str) -> str:
    """`path` as reports show it: relative to the current directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def summary(run: FixRun, remaining: list[Finding], *, unsafe: bool, would: bool = False,
            before: list[Finding] | None = None) -> str:
    """How many findings were fixed, and why each remaining one was left.

    Args:
        run: The applied FixRun.
        remaining: The findings reported after fixing (ignored with `would`: then they
            are the ones whose fix was not applied).
        unsafe: Unsafe fixes were applied.
        would: `--diff`: nothing was written.
        before: The findings the fixes were planned from: an unfixed one that is no
            longer reported is listed (the analysis lost track of a value the fix passed
            through an offloader; what it found still blocks).
    """
    applied = run.applied
    files = sum(1 for o in run.outcomes if o.changed)
    n_unsafe = sum(p.applicability == "unsafe" for p in applied)
    fixed_ids = {id(p.finding) for p in applied}
    if would:
        remaining = [f for f, p in zip(run.findings, run.plans) if id(p.finding) not in fixed_ids]
    verb = "Would fix" if would else "Fixed"
    head = (f"{verb} {len(applied)} finding{'s' if len(applied) != 1 else ''} in {files} "
            f"file{'s' if files != 1 else ''}" + (f" ({n_unsafe} unsafe)" if n_unsafe else "")
            + f"; {len(remaining)} remain{'s' if len(remaining) == 1 else ''}" + (":" if remaining else "."))
    lines = [head]
    for f in remaining:
        fx = f.fix
        if fx is None or fx.applicability == "none":
            why = f"no fix: {fx.reason if fx else 'not planned'}"
        elif fx.applicability == "unsafe" and not unsafe:
            why = f"unsafe fix not applied (--unsafe-fixes): {fx.reason}"
        else:  # planned safe but still reported: a later pass would change it again
            why = f"still reported after fixing: {fx.description}"
        loc = f.location
        lines.append(f"  {relative(loc.path)}:{loc.line}:{loc.column}: {f.code} {why}")
    fixed = {_identity(p.finding) for p in applied}
    now = {_identity(f) for f in remaining}
    vanished = [f for f in before or () if _identity(f) not in fixed and _identity(f) not in now]
    if vanished and not would:
        lines.append(f"{len(vanished)} unfixed finding{'s are' if len(vanished) != 1 else ' is'} no longer reported "
                     "(a value now passes through an offloader the analysis does not follow); still blocking:")
        for f in vanished:
            loc = f.location
            lines.append(f"  {relative(loc.path)}:{loc.line}:{loc.column}: {f.code} `{f.callee}` (line before fixing)")
    hidden = sum(1 for f in remaining if f.fix is not None and f.fix.applicability == "unsafe") if not unsafe else 0
    if hidden:
        lines.append(f"{hidden} more fixable with --unsafe-fixes.")
    return "\n".join(lines)


def fixable_hint(findings: list[Finding], *, unsafe: bool) -> str:
    """The ruff-style line after a report: how many findings `--fix` would fix."""
    safe = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "safe")
    risky = sum(1 for f in findings if f.fix is not None and f.fix.applicability == "unsafe")
    if unsafe:
        safe, risky = safe + risky, 0
    if not safe:
        return f"{risky} fixable with `--fix --unsafe-fixes`" if risky else ""
    more = f" ({risky} more with `--unsafe-fixes`)" if risky else ""
    return f"{safe} fixable with `--fix`{more}"


def _identity(f: Finding) -> tuple[str, str, str]:
    """A finding across a rewrite of its file: lines move, the function and call stay."""
    return (os.path.normpath(f.location.path), f.function, f.callee)
