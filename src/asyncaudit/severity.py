"""Severity you can explain: the leaf's base severity, adjusted by where the boundary runs.

    base      the leaf category's severity (catalog: network/database/subprocess/sleep/
              wait/input High, file/dirwalk/DNS Medium, filesystem metadata and imports Low)
    +1        repeated: the boundary, or a hop of its chain, sits in a loop or
              comprehension (the block happens once per item)
    +1        long-running path: the event-loop function is a request handler or a
              pipeline/worker/stream loop (by name, decorator or signature)
    -1        startup-only: setup/init/bootstrap/lifespan/shutdown code, run once
    -1        memoized: the chain passes through a `functools.cache`/`lru_cache` function,
              so it blocks on a cache miss only (and the repetition bonus does not apply)
    = Low     test code, by path below the audited folder (`test-paths`: `tests/`, `test_*.py`, `conftest.py`, ...)

The result is clamped to Low..Critical.  Every finding carries the one-line reason that
names which of these applied, so a reviewer can check the arithmetic.
"""

from __future__ import annotations

import fnmatch
import re

from asyncaudit.model import Severity

_REQUEST_DECORATORS = re.compile(
    r"(^|\.)(get|post|put|patch|delete|route|websocket|api_route|view|handler|endpoint|middleware)$")
_REQUEST_NAMES = re.compile(r"(^|_)(handle|handler|endpoint|view|request|webhook|websocket|serve)(_|$)")
_PIPELINE_NAMES = re.compile(
    r"(^|_)(run|pipeline|phase|process|worker|consume|consumer|stream|batch|loop|poll|translate|"
    r"execute|dispatch|listen|download|upload|sync|fetch|crawl|ingest|export|tick)(_|$)")
_STARTUP_NAMES = re.compile(
    r"(^|_)(setup|set_up|init|initialize|initialise|bootstrap|startup|start_up|lifespan|shutdown|"
    r"teardown|close|stop|configure|migrate|install|load_config|on_startup|on_shutdown)(_|$)")
_STARTUP_DUNDERS = frozenset({"__init__", "__enter__", "__exit__", "__aenter__", "__aexit__"})
_REQUEST_PARAMS = frozenset({"request", "req", "websocket", "ws", "scope"})


DEFAULT_TEST_PATHS = ("tests/", "test/", "test_*.py", "*_test.py", "conftest.py")


def is_test_path(rel: str, patterns: tuple[str, ...] = DEFAULT_TEST_PATHS) -> bool:
    """Test code, judged by the file's path below the audited folder (so a project's
    `tests/` counts, but the folder the audited tree itself sits in does not).

    A pattern ending in `/` matches a folder on the way (`tests/`); one holding a `/`
    matches the whole relative path (`src/*/testing/*`); any other the file name."""
    rel = rel.replace("\\", "/")
    parts = rel.split("/")
    for pat in patterns:
        if pat.endswith("/"):
            if any(fnmatch.fnmatchcase(p, pat[:-1]) for p in parts[:-1]):
                return True
        elif "/" in pat:
            if fnmatch.fnmatchcase(rel, pat):
                return True
        elif fnmatch.fnmatchcase(parts[-1], pat):
            return True
    return False


def context_of(name: str, decorators: tuple[str, ...], params: tuple[str, ...], test: bool) -> str:
    """Classify an event-loop function: test | request | pipeline | startup | other
    (`test`: it lies in test code)."""
    if test:
        return "test"
    bare = name.lstrip("_").lower()
    # a route decorator usually takes arguments: `@app.get("/items")` is written `app.get()`
    if any(_REQUEST_DECORATORS.search(d.removesuffix("()")) for d in decorators) \
            or _REQUEST_PARAMS & set(params[:3]) \
            or _REQUEST_NAMES.search(bare):
        return "request"
    if name in _STARTUP_DUNDERS or _STARTUP_NAMES.search(bare):
        return "startup"
    if _PIPELINE_NAMES.search(bare.removeprefix("async_")):
        return "pipeline"
    return "other"


_CONTEXT_WORDS = {
    "request": "on a request path",
    "pipeline": "on a long-running pipeline/worker path",
    "startup": "startup/shutdown only",
    "test": "test code",
}


def assess(base: Severity, title: str, function: str, context: str, repeated_at: str | None,
           memoized_by: str | None = None) -> tuple[Severity, str]:
    """Severity and its one-line reason."""
    level = int(base)
    parts = [f"{title} (base {base.label})"]
    if context == "test":
        return Severity.LOW, f"{title} in test code `{function}` (test code is always Low)"
    if memoized_by:
        level -= 1
        parts.append(f"memoized by `{memoized_by}` (blocks on a cache miss only) -1")
    elif repeated_at:
        level += 1
        parts.append(f"repeated per item ({repeated_at}) +1")
    if context in ("request", "pipeline"):
        level += 1
        parts.append(f"{_CONTEXT_WORDS[context]} `{function}` +1")
    elif context == "startup":
        level -= 1
        parts.append(f"{_CONTEXT_WORDS[context]} in `{function}` -1")
    else:
        parts.append(f"in `{function}`")
    sev = Severity(max(Severity.LOW, min(Severity.CRITICAL, level)))
    return sev, ", ".join(parts)
