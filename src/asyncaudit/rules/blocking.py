"""AA101-AA111 and AA201: blocking calls reached from an event-loop context.

These rules come from the reach stage, one per leaf category of the catalog; their
documentation is built from one template and each category's examples.
"""

from __future__ import annotations

from asyncaudit.catalog import CATEGORIES
from asyncaudit.catalog.blocking import LOOP, Category
from asyncaudit.rules.base import Rule

# (Example, Use instead) per category: complete programs, imports included, so the docs
# test can run each through the analysis (the first must be reported, the second not).
_EXAMPLES = {
    "network": ("""\
import requests


async def handler(url: str) -> bytes:
    return requests.get(url).content
""", """\
import httpx


async def handler(url: str) -> bytes:
    async with httpx.AsyncClient() as client:
        return (await client.get(url)).content
"""),
    "database": ("""\
import sqlite3


async def handler(sql: str) -> list:
    conn = sqlite3.connect("app.db")
    return conn.execute(sql).fetchall()
""", """\
import aiosqlite


async def handler(sql: str) -> list:
    async with aiosqlite.connect("app.db") as db:
        cursor = await db.execute(sql)
        return list(await cursor.fetchall())
"""),
    "subprocess": ("""\
import subprocess


async def handler(cmd: list[str]) -> int:
    return subprocess.run(cmd).returncode
""", """\
import asyncio


async def handler(cmd: list[str]) -> int:
    proc = await asyncio.create_subprocess_exec(*cmd)
    return await proc.wait()
"""),
    "sleep": ("""\
import time


async def handler() -> None:
    time.sleep(1)
""", """\
import asyncio


async def handler() -> None:
    await asyncio.sleep(1)
"""),
    "wait": ("""\
import threading


class Counter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    async def handler(self) -> None:
        with self._lock:
            self.value += 1
""", """\
import asyncio


class Counter:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self.value = 0

    async def handler(self) -> None:
        async with self._lock:
            self.value += 1
"""),
    "dns": ("""\
import socket


async def handler(host: str) -> str:
    return socket.gethostbyname(host)
""", """\
import asyncio


async def handler(host: str, port: int) -> list:
    return await asyncio.get_running_loop().getaddrinfo(host, port)
"""),
    "file": ("""\
import json
from pathlib import Path


def load_config(path: Path) -> dict:
    with open(path) as fh:  # the blocking call, one helper down
        return json.load(fh)


async def handler(path: Path) -> dict:
    return load_config(path)
""", """\
import asyncio
import json
from pathlib import Path


def load_config(path: Path) -> dict:
    with open(path) as fh:
        return json.load(fh)


async def handler(path: Path) -> dict:
    return await asyncio.to_thread(load_config, path)
"""),
    "dirwalk": ("""\
from pathlib import Path


async def handler(root: Path) -> list[Path]:
    return list(root.rglob("*.py"))
""", """\
import asyncio
from pathlib import Path


async def handler(root: Path) -> list[Path]:
    return await asyncio.to_thread(lambda: list(root.rglob("*.py")))
"""),
    "fsmeta": ("""\
from pathlib import Path


async def handler(path: Path) -> bool:
    if path.exists():
        return True
    return False
""", """\
import asyncio
from pathlib import Path


async def handler(path: Path) -> bool:
    if await asyncio.to_thread(path.exists):
        return True
    return False
"""),
    "input": ("""\
async def handler() -> str:
    return input("name? ")
""", """\
import asyncio


async def handler() -> str:
    return await asyncio.to_thread(input, "name? ")
"""),
    "import": ("""\
import importlib


async def handler(name: str) -> object:
    return importlib.import_module(f"plugins.{name}")
""", """\
import asyncio
import importlib


async def handler(name: str) -> object:
    return await asyncio.to_thread(importlib.import_module, f"plugins.{name}")
"""),
}

# What a category's calls do to the loop, when the generic sentence is not enough.
_WHY = {
    "import": (
        "An import that is not already in `sys.modules` searches `sys.path` (stat and listdir\n"
        "calls), reads and compiles the source or reads the `.pyc`, and runs the module body,\n"
        "which may itself do I/O; reading distribution metadata (`importlib.metadata`,\n"
        "`pkg_resources`) scans every `*.dist-info` folder on `sys.path`. Home Assistant's\n"
        "loop guard reports `import_module` for this reason. Base severity is Low because it\n"
        "blocks on a cache miss only: importing a module that is already loaded returns at\n"
        "once. Compliant: `await hass.async_add_import_executor_job(...)`, Home Assistant's\n"
        "`await async_import_module(hass, name)`, or an import at module level."
    ),
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
{why}
## Example
```python
{bad}```

## Use instead
```python
{good}```
{advice}: {advice_text}.

## Severity
Base {severity}; +1 when repeated per item (in a loop), +1 on a request or long-running
pipeline path, -1 on startup-only code; test code is Low.

## Fix safety
`check --fix` rewrites the boundary in place: `helper(a, k=v)` becomes
`await asyncio.to_thread(helper, a, k=v)`, with the project's offloader
(`hass.async_add_executor_job`, `anyio`/`trio.to_thread.run_sync`, or `fix-offloader`)
and `import asyncio` added when missing. Safe when the value keeps its place and the
arguments are still evaluated once on the loop; unsafe (`--unsafe-fixes` only) inside a
`with` that holds a lock or file, when the arguments await, beside tasks that share its
names, and in a sync loop callback (the work is only scheduled with
`loop.run_in_executor`). No fix where `await` is not legal (lambda, generator
expression), when the result is a file or context manager used on the loop, or when a
project function the offloaded call runs must stay on the loop's thread (it calls
`loop.call_soon`, `create_task`, a Home Assistant `async_*` method, or is a `@callback`).
{fix_note}"""

_FIX_NOTES = {  # what the fix does differently for the category, a paragraph of its own
    "sleep": "`time.sleep(x)` has a drop-in: `await asyncio.sleep(x)` (safe).\n",
    "dirwalk": "A lazy iterator (`Path.glob`, `os.walk`, a generator) is run to the end in the\n"
               "worker, `await asyncio.to_thread(lambda: list(...))`: unsafe.\n",
    "database": "sqlite3 objects work only in the thread that made them: unsafe.\n",
    "network": "A streamed body (`Response.iter_content`, `iter_lines`) is read to the end with\n"
               "`list()` in the worker: unsafe.\n",
    "wait": "`with lock:` is not fixed; an offloaded `Lock.acquire()` is unsafe; `RLock` and\n"
            "`Condition` are not fixed.\n",
    "file": "An `open()` whose file is then read or written on the loop is not fixed.\n",
}


def _doc(c: Category) -> str:
    bad, good = _EXAMPLES[c.key]
    why = f"\n{_WHY[c.key]}\n" if c.key in _WHY else ""
    return _TEMPLATE.format(code=c.code, name=c.rule, title=c.title, bad=bad, good=good, why=why,
                            advice="Alternatives", advice_text=c.advice, severity=c.severity.label,
                            fix_note="\n" + _FIX_NOTES[c.key] if c.key in _FIX_NOTES else "")


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

## Example
```python
import asyncio


async def work() -> int:
    return 1


def compute() -> int:
    return asyncio.run(work())


async def handler() -> int:
    return compute()
```

## Use instead
Await the coroutine:
```python
async def work() -> int:
    return 1


async def compute() -> int:
    return await work()


async def handler() -> int:
    return await compute()
```

## Fix safety
At the boundary, `asyncio.run(work())` and `loop.run_until_complete(work())` become
`await work()`: unsafe, as the coroutine then runs on this loop, in this task's context.
Reached through sync helpers: no fix.
""",
)
