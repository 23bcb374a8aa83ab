"""AA303: asyncio-run-outside-entry-point.

## What it does
Finds `asyncio.run()` (and `anyio.run`, `trio.run`, `loop.run_until_complete`) called
from a sync function that is not an entry point: not `main`, not a CLI command
(`@app.command()`, `@click.command()`), not in a `__main__` module, not a test, and not
listed in `entry-points` of the configuration.

## Why is this bad?
The standard allows sync wrappers only at entry points, which must bridge to async
immediately. A library function that starts its own event loop cannot be called from
async code (it raises "asyncio.run() cannot be called from a running event loop", see
AA201), starts a fresh loop per call, and hides an async API behind a sync one.

## Example
```python
import asyncio


async def _fetch_all(urls: list[str]) -> list[bytes]:
    return [url.encode() for url in urls]


def fetch_all(urls: list[str]) -> list[bytes]:
    return asyncio.run(_fetch_all(urls))
```

## Use instead
Expose `async def fetch_all(...)` and call `asyncio.run()` once, in `main()`:
```python
import asyncio


async def fetch_all(urls: list[str]) -> list[bytes]:
    return [url.encode() for url in urls]


def main() -> None:
    print(asyncio.run(fetch_all(["https://example.com"])))
```

## Fix safety
No automatic fix.
"""

from __future__ import annotations

import re

from asyncaudit.catalog.loop import COMMAND_DECORATOR_NAMES, ENTRY_POINT_NAMES, RUNNER_METHOD_NAMES
from asyncaudit.facts import CALL, Func, expr_text, last_name
from asyncaudit.model import Finding, Severity, message
from asyncaudit.rules.base import Rule, RuleContext

RULE = Rule("AA303", "asyncio-run-outside-entry-point", Severity.MEDIUM,
            "asyncio.run() in library code instead of an entry point", doc=__doc__ or "",
            default_enabled=False, needs_full=True)

_COMMAND_DECORATOR = re.compile(rf"(^|\.)({'|'.join(COMMAND_DECORATOR_NAMES)})$")


def is_entry_point(f: Func, configured: frozenset[str], test: bool = False) -> bool:
    """A sync entry point (may call asyncio.run()); `test`: f lies in test code."""
    if f.qualname in configured or f.name in configured:
        return True
    if f.name in ENTRY_POINT_NAMES or f.name.startswith("test") or f.module.endswith("__main__"):
        return True
    if test:
        return True
    return any(_COMMAND_DECORATOR.search(expr_text(d[1] if d[0] == "c" else d)) for d in f.decorators)


def _only_entry_callers(ctx: RuleContext, q: str) -> bool:
    """Every caller (through sync helpers, a few levels up) is an entry point."""
    program, r = ctx.program, ctx.reach
    seen, stack = {q}, [q]
    found = False
    while stack:
        cur = stack.pop()
        callers = {c for c, _ in r.edges_into.get(cur, ())}
        if not callers and cur != q:
            return False
        for c in callers:
            if c in seen:
                continue
            seen.add(c)
            cf = program.functions[c]
            if is_entry_point(cf, ctx.entry_points, ctx.program.is_test(cf.module)):
                found = True
            elif cf.is_async or len(seen) > 50:
                return False
            else:
                stack.append(c)
    return found


def check(ctx: RuleContext) -> list[Finding]:
    program = ctx.program
    out = []
    for f in program.project_functions():
        if f.is_async or is_entry_point(f, ctx.entry_points, ctx.program.is_test(f.module)):
            continue
        q = f.qualname
        for site in f.sites:
            if site.kind != CALL or last_name(site.callee) not in RUNNER_METHOD_NAMES:
                continue
            res = program.resolve_site(site, f)
            if not any(program.is_loop_runner(t) for t in res.targets):
                continue
            runner = next(t.name for t in res.targets if program.is_loop_runner(t))
            guarded = " (on its no-running-loop branch)" if site.no_loop else ""
            if _only_entry_callers(ctx, q):
                sev, why = Severity.LOW, "only called from entry points, but starts a new event loop per call"
            else:
                sev, why = RULE.severity, "a sync wrapper around async code outside an entry point"
            out.append(Finding(
                RULE.code, RULE.name, sev, ctx.location_of(f, site), q, expr_text(site.callee), (),
                message("`{function}` starts an event loop with `{runner}`{guarded}: only entry points should",
                        function=f.name, runner=runner, guarded=guarded),
                why,
                f"make `{f.name}` async and await the coroutine; call asyncio.run() once, in the entry point",
            ))
    return out
