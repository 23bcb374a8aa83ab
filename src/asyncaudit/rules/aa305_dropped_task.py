"""AA305: task-reference-dropped.

## What it does
Finds `asyncio.create_task(...)`, `asyncio.ensure_future(...)` and
`loop.create_task(...)` used as a statement, with the task thrown away.

## Why is this bad?
The event loop keeps only a weak reference to tasks: a task nobody holds can be
garbage-collected before it finishes, and its exception is never retrieved. It also
escapes structured concurrency: nothing waits for it or cancels it.

## Example
```python
import asyncio


async def notify(user: str) -> None:
    print(user)


async def on_signup(user: str) -> None:
    asyncio.create_task(notify(user))
```

## Use instead
```python
import asyncio


async def notify(user: str) -> None:
    print(user)


async def on_signup(user: str) -> None:
    async with asyncio.TaskGroup() as tg:
        tg.create_task(notify(user))
```
or keep a reference (`self._tasks.add(task); task.add_done_callback(self._tasks.discard)`).
TaskGroup and nursery `create_task`/`start_soon` calls are not reported.

## Fix safety
No automatic fix.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from asyncaudit.catalog.loop import LOOP_TYPES, TASK_SPAWNERS
from asyncaudit.facts import CALL, Func, Site, expr_text
from asyncaudit.model import Finding, Severity, message
from asyncaudit.rules.base import Rule, RuleContext

RULE = Rule("AA305", "task-reference-dropped", Severity.MEDIUM,
            "the task returned by create_task/ensure_future is dropped", doc=__doc__ or "")



def on_call_statement(stmt: ast.Expr, name: str | None, func: Func,
                      scan: Callable[[ast.AST], list[Site]]) -> bool:
    """Extractor hook: a `create_task(...)` / `ensure_future(...)` statement drops its task."""
    if name not in ("create_task", "ensure_future"):
        return False
    call = stmt.value
    func.dropped_calls.extend(x for x in scan(call) if x.line == stmt.lineno
                              and x.col == call.col_offset and x.kind == CALL)
    return True


def check(ctx: RuleContext) -> list[Finding]:
    program = ctx.program
    out = []
    for f in program.project_functions():
        if not f.dropped_calls:
            continue
        q = f.qualname
        mod = program.modules[f.module]
        for site in f.dropped_calls:
            values = program.values(site.callee, f, mod)
            hit = any(
                (v[0] == "x" and v[1] in TASK_SPAWNERS)
                or (v[0] == "xm" and v[2] == "create_task" and v[1].startswith(LOOP_TYPES))
                for v in values)
            if not hit:
                continue
            out.append(Finding(
                RULE.code, RULE.name, RULE.severity, ctx.location_of(f, site), q, expr_text(site.callee), (),
                message("the task created by `{spawner}` in `{function}` is dropped",
                        spawner=expr_text(site.callee), function=f.name),
                "an unreferenced task can be garbage-collected mid-flight and its errors are lost",
                "create it in an `asyncio.TaskGroup`, or keep a reference and await or cancel it",
            ))
    return out
