"""AA302: sync-guard-then-block.

## What it does
Finds a sync function that calls `asyncio.get_running_loop()` only to check that it runs
inside an event loop (the result is discarded), and then blocks.

## Why is this bad?
The guard guarantees the worst case: whenever the function runs, an event loop is
running on this thread, so every blocking call after the guard blocks that loop. The
guard documents that callers are async, which is the signal that the function should be
async itself.

## Example
```python
import asyncio
from pathlib import Path


def load_agent_profile_sync(path: Path) -> str:
    return path.read_text()


def load_agent_profile(path: Path) -> str:
    asyncio.get_running_loop()  # "must be called from async code"
    return load_agent_profile_sync(path)
```

## Use instead
```python
import asyncio
from pathlib import Path


def load_agent_profile_sync(path: Path) -> str:
    return path.read_text()


async def load_agent_profile(path: Path) -> str:
    return await asyncio.to_thread(load_agent_profile_sync, path)
```

## Fix safety
No automatic fix.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from asyncaudit.facts import Func, Site, span_of
from asyncaudit.model import Finding, Severity, message
from asyncaudit.reach import chains_from
from asyncaudit.rules.base import Rule, RuleContext

RULE = Rule("AA302", "sync-guard-then-block", Severity.HIGH,
            "a sync function asserts it runs inside an event loop, then blocks it",
            doc=__doc__ or "")


def on_call_statement(stmt: ast.Expr, name: str | None, func: Func,
                      scan: Callable[[ast.AST], list[Site]]) -> bool:
    """Extractor hook: the first bare `get_running_loop()` statement is the guard."""
    if name == "get_running_loop" and func.loop_probe is None:
        func.loop_probe = span_of(stmt.value)
    return False


def check(ctx: RuleContext) -> list[Finding]:
    r, program = ctx.reach, ctx.program
    out = []
    for q in sorted(r.steps):
        f = program.functions[q]
        if f.module not in program.project or f.loop_probe is None or f.is_async:
            continue
        chains = chains_from(r, q, ctx.location_of)
        if not chains:
            continue
        kinds = ", ".join(dict.fromkeys(c.category for c in chains))
        loc = ctx.location_of(f, f.loop_probe)
        out.append(Finding(
            RULE.code, RULE.name, RULE.severity, loc, q, "asyncio.get_running_loop", chains,
            message("`{function}` checks that an event loop is running, then blocks it ({kinds})",
                    function=f.name, kinds=kinds),
            "the guard makes every blocking call after it run on the event loop",
            f"make `{f.name}` `async def` and offload or replace the blocking calls "
            f"(`await asyncio.to_thread(...)`)",
        ))
    return out
