"""AA101-AA110 and AA201: blocking calls reached from an event-loop context.

These rules come from the reach stage, one per leaf category of the catalog; their
documentation is built from one template and each category's examples.
"""

from __future__ import annotations

from asyncaudit.catalog import CATEGORIES
from asyncaudit.catalog.blocking import LOOP, Category
from asyncaudit.rules.base import Rule

_EXAMPLES = {
    "network": ("requests.get(url)", "await client.get(url)  # httpx.AsyncClient"),
    "database": ("conn.execute(sql)  # sqlite3", "await db.execute(sql)  # aiosqlite"),
    "subprocess": ("subprocess.run(cmd)", "proc = await asyncio.create_subprocess_exec(*cmd)"),
    "sleep": ("time.sleep(1)", "await asyncio.sleep(1)"),
    "wait": ("with self._lock:  # threading.Lock", "async with self._lock:  # asyncio.Lock"),
    "dns": ("socket.gethostbyname(host)", "await loop.getaddrinfo(host, port)"),
    "file": ("config = load_config(path)  # open() inside",
             "config = await asyncio.to_thread(load_config, path)"),
    "dirwalk": ("files = list(root.rglob('*.py'))", "files = await asyncio.to_thread(lambda: list(root.rglob('*.py')))"),
    "fsmeta": ("if path.exists():", "if await asyncio.to_thread(path.exists):"),
    "input": ("name = input('name? ')", "name = await asyncio.to_thread(input, 'name? ')"),
}

_TEMPLATE = """{code}: {name}

## What it does
Finds a call in an event-loop context (an `async def`, or a sync callback the loop
runs) that performs {title}, directly or through any chain of sync helpers. The finding
is reported at the boundary, the highest sync call inside the async function, with the
shortest chain to the leaf as evidence.

## Why is this bad?
While the call runs, the event loop runs nothing else: every other task, request and
timer waits. The standard: "Avoid blocking operations in async paths", and trace every
sync callee to its leaf I/O.

## Example
```python
async def handler():
    {bad}
```

## Use instead
```python
async def handler():
    {good}
```
{advice}: {advice_text}.

## Severity
Base {severity}; +1 when repeated per item (in a loop), +1 on a request or long-running
pipeline path, -1 on startup-only code; test code is Low.
"""


def _doc(c: Category) -> str:
    bad, good = _EXAMPLES.get(c.key, ("blocking_call()", "await asyncio.to_thread(blocking_call)"))
    return _TEMPLATE.format(code=c.code, name=c.rule, title=c.title, bad=bad, good=good,
                            advice="Alternatives", advice_text=c.advice, severity=c.severity.label)


BLOCKING_RULES: tuple[Rule, ...] = tuple(
    Rule(c.code, c.rule, c.severity,
         f"{c.title} reached from an event-loop context without an offloader", doc=_doc(c), category=c.key)
    for c in sorted(CATEGORIES.values(), key=lambda c: c.code) if c.key != LOOP
)

_LOOP = CATEGORIES[LOOP]
NESTED_LOOP = Rule(
    _LOOP.code, _LOOP.rule, _LOOP.severity,
    "asyncio.run() / run_until_complete() reached while an event loop is running",
    category=LOOP,
    doc="""AA201: nested-event-loop

## What it does
Finds `asyncio.run()`, `loop.run_until_complete()`, `anyio.run()` or `trio.run()`
reached from an event-loop context, directly or through sync helpers.

## Why is this bad?
Inside a running loop, `asyncio.run()` raises RuntimeError; `run_until_complete()` on
another loop blocks this one until the other finishes. A call on the no-running-loop
branch of a `get_running_loop()` probe (`except RuntimeError:`) is not reported.

## Use instead
Await the coroutine: `result = await work()`.
""",
)
