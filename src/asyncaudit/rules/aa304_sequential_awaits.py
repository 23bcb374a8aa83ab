"""AA304: sequential-awaits-in-loop.

## What it does
Finds a `for` loop in an async function that awaits a call on each iteration when the
iterations do not depend on each other: no value one iteration writes is read by a
later one, no `break`/`continue`/`return`, no augmented assignment, no `async with`
(locks, rate limits) and no `await asyncio.sleep` (deliberate pacing).

## Why is this bad?
The awaits run one after another, so N network calls take N round trips. The standard
asks for structured concurrency: independent work runs in parallel.

## Example
```python
async def translate(scene: str) -> str:
    return scene.upper()


async def translate_all(scenes: list[str]) -> list[str]:
    results = []
    for scene in scenes:
        results.append(await translate(scene))
    return results
```

## Use instead
```python
import asyncio


async def translate(scene: str) -> str:
    return scene.upper()


async def translate_all(scenes: list[str]) -> list[str]:
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(translate(scene)) for scene in scenes]
    return [t.result() for t in tasks]
```

## Known problems
Order of side effects changes, and the awaited calls may share state the analysis does
not see (a connection that allows one request at a time): review before changing.

## Fix safety
No automatic fix.
"""

from __future__ import annotations

from asyncaudit.facts import CALL, Site
from asyncaudit.model import Finding, Severity
from asyncaudit.rules.base import Rule, RuleContext

RULE = Rule("AA304", "sequential-awaits-in-loop", Severity.LOW,
            "independent awaits in a loop could run concurrently (TaskGroup / gather)",
            doc=__doc__ or "", default_enabled=False)


def check(ctx: RuleContext) -> list[Finding]:
    program = ctx.program
    out = []
    for f in program.project_functions():
        if not f.serial_awaits or program.is_test(f.module):
            continue
        q = f.qualname
        for line, col, call in f.serial_awaits:
            out.append(Finding(
                RULE.code, RULE.name, RULE.severity, ctx.locate(f, Site(CALL, line, col, line, col, ("?",))), q, call, (),
                f"`{f.name}` awaits `{call}` once per iteration, one at a time; the iterations are independent",
                "sequential awaits where structured concurrency fits",
                "run the iterations concurrently: `async with asyncio.TaskGroup() as tg:` "
                "create one task per item (or `await asyncio.gather(...)`)",
            ))
    return out
