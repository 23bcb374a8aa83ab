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

import ast

from asyncaudit.facts import Func, Span
from asyncaudit.model import Finding, Severity, message
from asyncaudit.rules.base import Rule, RuleContext

RULE = Rule("AA304", "sequential-awaits-in-loop", Severity.LOW,
            "independent awaits in a loop could run concurrently (TaskGroup / gather)",
            doc=__doc__ or "", default_enabled=False)


def on_loop(stmt: ast.For | ast.AsyncFor, func: Func) -> None:
    """Extractor hook: record a `for` loop of an async function whose iterations are independent."""
    if isinstance(stmt, ast.For) and func.is_async:
        serial = _independent_awaits(stmt)
        if serial:
            # reported at the loop's first character
            func.serial_awaits.append((Span(stmt.lineno, stmt.col_offset, stmt.lineno, stmt.col_offset), serial))


def _independent_awaits(loop: ast.For) -> str | None:
    """The awaited call of a `for` loop whose iterations could run concurrently, if any.

    Conservative: the body awaits a call, has no break/continue/return/yield, no
    `async with`/`async for` (locks, streams, rate limits), no `await asyncio.sleep`
    (deliberate pacing), no augmented assignment, and no name that one iteration writes
    and a later one reads (a loop-carried dependency).
    """
    if loop.orelse:
        return None
    awaited: list[ast.Call] = []
    stored: set[str] = set()
    read_first: set[str] = set()
    targets = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
    for stmt in loop.body:
        # names read by this statement before any store in this iteration
        loads, stores = [], []
        for n in ast.walk(stmt):
            if isinstance(n, (ast.Break, ast.Continue, ast.Return, ast.Yield, ast.YieldFrom,
                              ast.AsyncWith, ast.AsyncFor, ast.AugAssign, ast.FunctionDef,
                              ast.AsyncFunctionDef, ast.Lambda, ast.Global, ast.Nonlocal)):
                return None
            if isinstance(n, ast.Await) and isinstance(n.value, ast.Call):
                f = n.value.func
                if isinstance(f, ast.Attribute) and f.attr == "sleep":
                    return None
                awaited.append(n.value)
            elif isinstance(n, ast.Name):
                (stores if isinstance(n.ctx, ast.Store) else loads).append(n.id)
        read_first.update(x for x in loads if x not in stored)
        stored.update(stores)
    if not awaited or (stored - targets) & read_first:
        return None
    return _call_text(awaited[0])


def _call_text(call: ast.Call) -> str:
    f = call.func
    parts = []
    while isinstance(f, ast.Attribute):
        parts.append(f.attr)
        f = f.value
    if isinstance(f, ast.Name):
        parts.append(f.id)
    return ".".join(reversed(parts)) or "<call>"


def check(ctx: RuleContext) -> list[Finding]:
    program = ctx.program
    out = []
    for f in program.project_functions():
        if not f.serial_awaits or program.is_test(f.module):
            continue
        q = f.qualname
        for span, call in f.serial_awaits:
            out.append(Finding(
                RULE.code, RULE.name, RULE.severity, ctx.location_of(f, span), q, call, (),
                message("`{function}` awaits `{call}` once per iteration, one at a time; "
                        "the iterations are independent", function=f.name, call=call),
                "sequential awaits where structured concurrency fits",
                "run the iterations concurrently: `async with asyncio.TaskGroup() as tg:` "
                "create one task per item (or `await asyncio.gather(...)`)",
            ))
    return out
