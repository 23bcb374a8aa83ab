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
import asyncio

import requests

URL = "https://api.example.com/translate"


def translate_scenes(scenes: list[str]) -> list[str]:  # blocks on network I/O
    return [requests.post(URL, json={"text": s}).json()["text"] for s in scenes]


async def serve() -> None:  # the codebase is async
    await asyncio.sleep(0)
```

## Use instead
```python
import asyncio

import httpx

URL = "https://api.example.com/translate"


async def translate_scene(client: httpx.AsyncClient, scene: str) -> str:
    response = await client.post(URL, json={"text": scene})
    return response.json()["text"]


async def translate_scenes(scenes: list[str]) -> list[str]:
    async with httpx.AsyncClient() as client:
        return await asyncio.gather(*(translate_scene(client, s) for s in scenes))
```

## Known problems
Only reported in codebases that have async code. Framework contracts are left alone:
methods that extend an external class or override a base class's method, top-level
functions whose name is defined in three or more modules (plugin hooks such as
`setup_platform`), and functions handed to an offloader anywhere.

## Fix safety
No automatic fix.
"""

from __future__ import annotations

from asyncaudit.model import Finding, Severity, message
from asyncaudit.reach import chains_from
from asyncaudit.rules.aa303_run_outside_entry import is_entry_point
from asyncaudit.rules.base import Rule, RuleContext

RULE = Rule("AA306", "sync-public-network-api", Severity.MEDIUM,
            "a public sync API does network I/O where an async API is expected",
            doc=__doc__ or "", default_enabled=False, needs_full=True)


def _hook_names(program) -> frozenset[str]:  # noqa: ANN001
    """Top-level function names defined in three or more modules: a plugin-hook convention
    (`setup_platform`, `get_service`) whose sync signature the framework dictates."""
    counts: dict[str, int] = {}
    for m in program.project:
        for name in program.modules[m].top:
            counts[name] = counts.get(name, 0) + 1
    return frozenset(n for n, c in counts.items() if c >= 3)


def _overrides(program, cls: str, name: str) -> bool:  # noqa: ANN001
    """The method implements a base class's method: the base fixes its sync contract."""
    for base in program.mro(cls)[1:]:
        k = program.classes.get(base)
        if k is not None and name in k.methods:
            return True
    return False


def check(ctx: RuleContext) -> list[Finding]:
    r, program = ctx.reach, ctx.program
    if not any(f.is_async for f in program.project_functions()):
        return []
    hooks = _hook_names(program)
    out = []
    for q in sorted(r.steps):
        f = program.functions[q]
        if f.module not in program.project or "network" not in r.steps[q]:
            continue
        if f.name.startswith("_") or f.parent or f.kind in ("lambda", "property") or q in r.offloaded:
            continue
        if f.cls is not None and (program.classes[f.cls].name.startswith("_") or program.external_bases(f.cls)):
            continue
        if q in r.roots or is_entry_point(f, ctx.entry_points, ctx.program.is_test(f.module)):
            continue
        if (f.cls is None and f.name in hooks) or (f.cls is not None and _overrides(program, f.cls, f.name)):
            continue
        chains = tuple(c for c in chains_from(r, q, ctx.location_of) if c.category == "network")
        loc = ctx.location_of(f)
        out.append(Finding(
            RULE.code, RULE.name, RULE.severity, loc, q, f.name, chains,
            message("public sync API `{function}` does network I/O (`{sink}`)", function=f.name, sink=chains[0].sink),
            "a sync network API cannot run concurrently and blocks any event loop that calls it",
            f"make `{f.name}` `async def` on an async client (httpx.AsyncClient, aiohttp, the SDK's async client)",
        ))
    return out
