"""AA301: sync-helper-only-called-from-async.

## What it does
Finds a sync function that does blocking I/O (directly or through its own callees) and
whose every caller is an async function.

## Why is this bad?
Each of those callers blocks the event loop at its call (reported as AA1xx findings at
the boundaries). When a helper exists only to serve async code, wrapping every call in
`asyncio.to_thread` treats the symptom; the standard's audit procedure (step 4) asks to
make the helper itself async, on async I/O.

## Example
```python
import json
from pathlib import Path


def read_manifest(path: Path) -> dict:
    return json.loads(path.read_text())


async def download(path: Path) -> dict:
    return read_manifest(path)
```

## Use instead
```python
import json
from pathlib import Path

import anyio


async def read_manifest(path: Path) -> dict:
    return json.loads(await anyio.Path(path).read_text())


async def download(path: Path) -> dict:
    return await read_manifest(path)
```

## Known problems
Callers are those the analysis resolved; a helper also called through an unresolved
receiver (or from code outside the audited tree) may have sync callers too. A helper
handed to an offloader anywhere is left alone: it is used as a sync function on purpose.

## Fix safety
No automatic fix.
"""

from __future__ import annotations

from asyncaudit.model import Finding, Severity, message
from asyncaudit.reach import chains_from
from asyncaudit.rules.base import Rule, RuleContext

RULE = Rule("AA301", "sync-helper-only-called-from-async", Severity.MEDIUM,
            "a sync helper that does I/O is only ever called from async code: make it async",
            doc=__doc__ or "", default_enabled=False, needs_full=True)


def check(ctx: RuleContext) -> list[Finding]:
    r, program = ctx.reach, ctx.program
    out = []
    for q in sorted(r.steps):
        f = program.functions[q]
        if f.module not in program.project or f.kind in ("lambda", "property") or f.name.startswith("__"):
            continue
        if q in r.offloaded or q in r.roots:
            continue
        callers = sorted({c for c, _ in r.edges_into.get(q, ())})
        if not callers or not all(r.roots.get(c) == "async" for c in callers):
            continue
        chains = chains_from(r, q, ctx.location_of)
        if not chains:
            continue
        kinds = ", ".join(dict.fromkeys(c.category for c in chains))
        names = ", ".join(f"`{program.functions[c].name}`" for c in callers)
        loc = ctx.location_of(f)
        out.append(Finding(
            RULE.code, RULE.name, RULE.severity, loc, q, f.name, chains,
            message("`{function}` does blocking I/O ({kinds}) and is only called from async code ({callers})",
                    function=f.name, kinds=kinds, callers=names),
            f"design: every caller of `{f.name}` runs on the event loop",
            f"make `{f.name}` `async def` on async I/O and await it from {names}",
        ))
    return out
