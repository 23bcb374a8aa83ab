"""AA101-AA111 and AA201: blocking calls reached from an event-loop context.

One rule per leaf category of the catalog (`catalog.blocking.CATEGORIES`: what blocks,
its title, base severity and advice).  This module owns everything else about them: the
codes (`CODES`), the findings made from the reach stage's boundary chains (`findings`),
their severity (`assess`), message and recommendation, the re-coding of a finding whose
chains `--select`/`--ignore` filter (`recode`), and the documentation (one template and
each category's examples).  The runtime join (`asyncaudit.runtime.join`) builds its
findings with the same `message` / `recommendation`.

Adding a blocking rule: its category and sinks in the catalog, its code and examples
here, a fixture `tests/fixtures/rules/<code>.py`, a line in the README's rule table.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath

from asyncaudit.catalog import CATEGORIES
from asyncaudit.catalog.blocking import LOOP, Category, Sink
from asyncaudit.catalog.handles import HANDLE_PREFIXES, OPENERS, OTHER_PATHS
from asyncaudit.catalog.severity import MEMO_DECORATORS
from asyncaudit.facts import CALL, ITER, Expr, Func, Site, expr_text
from asyncaudit.model import Chain, Finding, Message, Severity, message
from asyncaudit.reach import Locate, Reach, boundary_chains
from asyncaudit.resolve import Program
from asyncaudit.rules.base import Rule
from asyncaudit.severity import assess as assess_severity, context_of

# leaf category -> rule code
CODES: dict[str, str] = {
    "network": "AA101", "database": "AA102", "subprocess": "AA103", "sleep": "AA104", "wait": "AA105",
    "dns": "AA106", "file": "AA107", "dirwalk": "AA108", "fsmeta": "AA109", "input": "AA110",
    "import": "AA111", LOOP: "AA201",
}


def rule_name(category: str) -> str:
    """The rule's name (`blocking-file`, `nested-event-loop`)."""
    return "nested-event-loop" if category == LOOP else f"blocking-{category}"

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
    return _TEMPLATE.format(code=CODES[c.key], name=rule_name(c.key), title=c.title, bad=bad, good=good, why=why,
                            advice="Alternatives", advice_text=c.advice, severity=c.severity.label,
                            fix_note="\n" + _FIX_NOTES[c.key] if c.key in _FIX_NOTES else "")


BLOCKING_RULES: tuple[Rule, ...] = tuple(
    Rule(CODES[c.key], rule_name(c.key), c.severity,
         f"{c.title} reached from an event-loop context without an offloader", doc=_doc(c), category=c.key)
    for c in sorted(CATEGORIES.values(), key=lambda c: CODES[c.key]) if c.key != LOOP
)

_LOOP = CATEGORIES[LOOP]
NESTED_LOOP = Rule(
    CODES[LOOP], rule_name(LOOP), _LOOP.severity,
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


# ---- findings ------------------------------------------------------------------------

def findings(r: Reach, location_of: Locate) -> list[Finding]:
    """One finding per blocking boundary site of each project root, with its chains."""
    program = r.program
    out: list[Finding] = []
    for q in sorted(r.roots):
        f = program.functions[q]
        if f.module not in program.project:
            continue
        by_site = boundary_chains(r, q, location_of)
        _drop_handle_operations(f, by_site)
        context = context_of(f.name, tuple(expr_text(d) for d in f.decorators),
                             tuple(p.name for p in f.params), program.is_test(f.module))
        for i in sorted(by_site):
            site = f.sites[i]
            chains = sort_chains(
                replace(c, severity=sv, reason=why)
                for c in by_site[i].values() for sv, why in (assess(program, c, context, f.name),))
            callee = expr_text(site.callee)
            top = chains[0]
            where = r.roots[q]
            out.append(Finding(CODES[top.category], rule_name(top.category), top.severity, location_of(f, site), q,
                               callee, chains,
                               boundary_message(chains, callee, where, f.name, _leaves_project(program, top)),
                               top.reason,
                               recommendation(chains, callee, program.sinks.get(top.sink)), where))
    out.sort(key=lambda x: (x.location.path, x.location.line, x.location.column, x.code))
    return out


def sort_chains(chains: object) -> tuple[Chain, ...]:
    """Worst first: by assessed severity, then the category's base severity, then name."""
    return tuple(sorted(chains, key=lambda c: (-c.severity, -CATEGORIES[c.category].severity,  # type: ignore[attr-defined]
                                               c.category)))


def boundary_message(chains: tuple[Chain, ...], callee: str, where: str, function: str,
                     library: str | None = None) -> Message:
    """The finding's message; `where` is the function's context (`async` | `callback`),
    `library` the installed library's function at which the chain leaves the project."""
    top = chains[0]
    context = "async function" if where == "async" else "event-loop callback"
    if len(top.hops) == 1:
        return message("blocking call `{sink}` ({title}) in {context} `{function}`",
                       sink=top.sink, title=CATEGORIES[top.category].title, context=context, function=function)
    kinds = ", ".join(dict.fromkeys(CATEGORIES[c.category].title for c in chains))
    if library is not None:
        return message("`{callee}` blocks the event loop in {context} `{function}`: reaches {kinds} "
                       "through {calls} sync call(s), in an installed library: `{library}` → `{sink}`",
                       callee=callee, context=context, function=function, kinds=kinds, calls=len(top.hops) - 1,
                       library=library, sink=top.sink)
    return message("`{callee}` blocks the event loop in {context} `{function}`: reaches {kinds} "
                   "through {calls} sync call(s)",
                   callee=callee, context=context, function=function, kinds=kinds, calls=len(top.hops) - 1)


def recommendation(chains: tuple[Chain, ...], callee: str, sink: Sink | None) -> str:
    """What to do: the sink's own async alternative at a direct call, else offload or go async."""
    top = chains[0]
    advice = CATEGORIES[top.category].advice
    if len(top.hops) > 1:
        return (f"offload it here (`await asyncio.to_thread({callee}, ...)`), "
                f"or make the chain async: {advice}")
    if sink is not None and sink.alternative:
        alt = sink.alternative if " " in sink.alternative else f"use {sink.alternative} instead"
        return f"{alt}, or offload with asyncio.to_thread"
    return f"{advice}, or offload with asyncio.to_thread"


def recode(f: Finding, chains: tuple[Chain, ...]) -> Finding:
    """The finding with only `chains` left (worst first): its code, rule, severity and
    reason become the first chain's."""
    top = chains[0]
    return replace(f, chains=chains, code=CODES[top.category], rule=rule_name(top.category),
                   severity=top.severity, reason=top.reason)


def _drop_handle_operations(f: Func, by_site: dict[int, dict[str, Chain]]) -> None:
    """A read or write on a handle this function opened is part of that `open`'s finding
    (`with open(p) as fh: data = fh.read()`: one fix covers both), unless it works on
    other paths (`zf.extractall(dest)`), repeats in a loop the open is not in (each
    iteration blocks again, often with awaits between), or the handle came from anywhere
    but a direct opener call of this function (a parameter, a helper's result)."""
    openers = [f.sites[i] for i, chains in by_site.items()
               if any(len(c.hops) == 1 and c.sink in OPENERS for c in chains.values())]
    if not openers:
        return
    params = {p.name for p in f.params}

    def opened(e: Expr, depth: int = 0) -> Site | None:
        tag = e[0]
        if depth > 4:
            return None
        if tag in ("aw", "enter", "nw"):
            return opened(e[1], depth + 1)
        if tag == "c":
            return next((s for s in openers if s.callee == e[1] and s.args[:4] == e[2]
                         and s.kwargs[:6] == e[3]), None)
        if tag == "n" and e[1] not in params:
            bound = f.locals.get(e[1], ())
            got = [opened(b, depth + 1) for b in bound]
            if got and all(got) and len(set(got)) == 1:
                return got[0]
        return None

    for i in list(by_site):
        chains = by_site[i]
        if not all(len(c.hops) == 1 and c.sink.startswith(HANDLE_PREFIXES)
                   and c.sink not in OTHER_PATHS and c.sink not in OPENERS
                   for c in chains.values()):
            continue
        site = f.sites[i]
        handle = site.callee[1] if site.kind == CALL and site.callee[0] == "a" else site.callee
        opener = opened(handle) if site.kind in (CALL, ITER) else None
        if opener is not None and site.loop == opener.loop and opener is not site:
            del by_site[i]


def _leaves_project(program: Program, chain: Chain) -> str | None:
    """The library function at which a chain leaves the audited project, if it does."""
    for h in chain.hops[:-1]:
        g = program.functions.get(h.target)
        if g is not None and g.module not in program.project:
            return h.target
    return None


def assess(program: Program, chain: Chain, context: str, function: str) -> tuple[Severity, str]:
    """A chain's severity and the reason, from its category's base severity (or the
    configured one) and where it runs."""
    cat = CATEGORIES[chain.category]
    base = program.base_severity(CODES[chain.category], cat.severity, chain.sink)
    repeated = next((h for h in chain.hops if h.in_loop), None)
    where = None
    if repeated is not None:
        where = f"loop at {PurePath(repeated.location.path).name}:{repeated.location.line}"
    memo = next((h.target for h in chain.hops if _memoized(program, h.target)), None)
    return assess_severity(base, cat.title, function, context, where, memo.rsplit(".", 1)[-1] if memo else None)


def _memoized(program: Program, q: str) -> bool:
    f = program.functions.get(q)
    if f is None or not f.decorators:
        return False
    mod = program.modules[f.module]
    scope = program.functions.get(f.parent) if f.parent else None
    for d in f.decorators:
        for v in program.values(d[1] if d[0] == "c" else d, scope, mod):
            if v[0] == "x" and v[1] in MEMO_DECORATORS:
                return True
    return False
