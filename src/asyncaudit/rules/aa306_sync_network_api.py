"""AA306: sync-public-network-api.

## What it does
Finds a public sync function or method (no leading underscore, not an entry point, not
a test) of an async codebase that does network I/O, directly or through its callees.

## Why is this bad?
The standard: "Design all APIs and I/O around async/await". A sync API that talks to
the network can only be used from async code by blocking the loop or by offloading every
call to a thread; callers cannot run many of them concurrently.

## Example
```python
def translate_scenes(request: TranslationRequest) -> list[str]:
    return [translate_scene_sync(scene) for scene in request.scenes]  # blocks on network I/O
```

## Use instead
```python
async def translate_scenes(request: TranslationRequest) -> list[str]:
    return await asyncio.gather(*(translate_scene(s) for s in request.scenes))
```

## Known problems
Only reported in codebases that have async code. Methods of classes that extend an
external framework class (whose contract may require a sync method) and functions
handed to an offloader anywhere are left alone.
"""

from __future__ import annotations

from asyncaudit.facts import CALL, Site
from asyncaudit.model import Finding, Severity
from asyncaudit.reach import chains_from
from asyncaudit.rules.aa303_run_outside_entry import is_entry_point
from asyncaudit.rules.base import Rule, RuleContext

RULE = Rule("AA306", "sync-public-network-api", Severity.MEDIUM,
            "a public sync API does network I/O where an async API is expected",
            doc=__doc__ or "", default_enabled=False, needs_full=True)


def check(ctx: RuleContext) -> list[Finding]:
    r, program = ctx.reach, ctx.program
    if not any(f.is_async for f in program.functions.values() if f.module in program.project):
        return []
    out = []
    for q in sorted(r.steps):
        f = program.functions[q]
        if f.module not in program.project or "network" not in r.steps[q]:
            continue
        if f.name.startswith("_") or f.parent or f.kind in ("lambda", "property") or q in r.offloaded:
            continue
        if f.cls is not None and (program.classes[f.cls].name.startswith("_") or program.external_bases(f.cls)):
            continue
        if q in r.roots or is_entry_point(f, ctx.entry_points):
            continue
        chains = tuple(c for c in chains_from(r, q, ctx.locate) if c.category == "network")
        loc = ctx.locate(f, Site(CALL, f.line, f.col, f.line, f.col, ("?",)))
        out.append(Finding(
            RULE.code, RULE.name, RULE.severity, loc, q, f.name, chains,
            f"public sync API `{f.name}` does network I/O (`{chains[0].sink}`)",
            "a sync network API cannot run concurrently and blocks any event loop that calls it",
            f"make `{f.name}` `async def` on an async client (httpx.AsyncClient, aiohttp, the SDK's async client)",
        ))
    return out
