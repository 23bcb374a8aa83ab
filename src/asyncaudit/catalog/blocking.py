"""Blocking sinks: the leaf calls that block the thread they run on, by category.

Each category is one rule (its code and messages in `asyncaudit.rules.blocking`), with a base severity and the async alternative a user should
reach for.  `SINKS` maps a canonical qualified name (see `asyncaudit.catalog`) to its
category and, where one exists, the specific async replacement.

What belongs here: a call that blocks the calling thread on I/O (disk, network, a
pipe), on a sleep, on another thread/process (lock, queue, future, join), on a
subprocess, or on the import system (an import or a package-metadata scan that reads
and compiles files on a cache miss; its own category, AA111, Low).  What does not: pure-CPU or in-memory work (`json.loads`, `hashlib`,
`yaml.safe_load` of a string, building a request object), APIs that are async
(`httpx.AsyncClient.get`, `aiofiles`, `asyncio.*` coroutines, `redis.asyncio`), and
`print`/`logging` (their stream writes are accepted practice).

Conventions used below:

* Methods are `<type qualname>.<method>`; a type listed in `types.TYPES` inherits the
  sinks of its bases, so a sink is written once on the type that defines the method.
* A constructor that performs I/O is the type's own qualname (`subprocess.Popen`,
  `zipfile.ZipFile`, `pika.BlockingConnection`): calling a type is calling its
  constructor.
* `<type>.__enter__` / `<type>.__exit__` are sinks of a `with` statement on an instance
  (a lock's acquire, an executor's shutdown-and-wait, a stream manager's request).
* `<type>.__iter__` / `<type>.__next__` are sinks of iterating an instance (reading a
  file line by line, paging a cursor).
* `<type>.__call__` is the sink of calling an instance (`xmlrpc` proxies, gRPC stubs).
* A type in `METHOD_FAMILIES` has every public method as a sink but the local ones it
  lists (boto3 clients, whose operations are generated at run time).
* A name in `PROPERTY_SINKS` blocks when the attribute is read (`resp.content` of a
  streamed response): a property, not a method.
* `<type>@<state>` is the same run-time type in a state that makes more of its methods
  block: `requests.Response@stream` is the `requests.Response` of a request made with
  `stream=True` (its body still on the socket).  `types.KEYWORD_RETURNS` says which
  calls return it; the run-time object is `<type>` (`runtime.runtime_name`).
* Every name is canonical: it never starts with a module listed as a key of
  `types.MODULE_ALIASES` (`requests.Session`, not `requests.sessions.Session`).
"""

from __future__ import annotations

from asyncaudit.catalog.base import GIVEN, LOOP, AnyFlag, Category, Given, MethodFamily, Sink, any_flag, each, on
from asyncaudit.catalog.sinks import cloud, data, db, http, llm, stdlib
from asyncaudit.model import Severity

__all__ = ["CATEGORIES", "LOOP", "METHOD_FAMILIES", "NONBLOCKING_ARGS", "PROPERTY_SINKS", "SINKS",
           "AnyFlag", "Category", "Given", "MethodFamily", "Sink"]

CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("network", "network I/O", Severity.HIGH,
                 "use an async client (httpx.AsyncClient, aiohttp, the SDK's async client)"),
        Category("database", "database I/O", Severity.HIGH,
                 "use an async driver (aiosqlite, asyncpg, redis.asyncio)"),
        Category("subprocess", "subprocess", Severity.HIGH,
                 "use asyncio.create_subprocess_exec"),
        Category("sleep", "sleep", Severity.HIGH, "use await asyncio.sleep(...)"),
        Category("wait", "lock, queue or future wait", Severity.HIGH,
                 "use asyncio.Lock/Event/Queue, or await asyncio.wrap_future(...)"),
        Category("dns", "DNS lookup", Severity.MEDIUM,
                 "use await loop.getaddrinfo(...)"),
        Category("file", "file read/write", Severity.MEDIUM,
                 "use async file I/O (aiofiles, anyio.Path)"),
        Category("dirwalk", "directory walk", Severity.MEDIUM,
                 "walk once in a thread (asyncio.to_thread) or use anyio.Path"),
        Category("fsmeta", "filesystem metadata", Severity.LOW,
                 "use anyio.Path / aiofiles.os"),
        Category("input", "terminal input", Severity.HIGH,
                 "read input before starting the loop"),
        # Low: an import blocks on a cache miss only (the first import of a module, a
        # metadata scan), but then it searches sys.path, reads, compiles and runs code.
        Category("import", "module import", Severity.LOW,
                 "import at module level, or offload the import "
                 "(asyncio.to_thread, hass.async_add_import_executor_job)"),
        # asyncio.run() / run_until_complete() inside a running loop (catalog.loop.LOOP_RUNNERS)
        Category(LOOP, "nested event loop", Severity.CRITICAL,
                 "await the coroutine instead of starting a new event loop inside a running one"),
    )
}


SINKS: dict[str, Sink] = {
    s.qualname: s
    for s in (*stdlib.SINKS, *http.SINKS, *db.SINKS, *llm.SINKS, *cloud.SINKS, *data.SINKS)
}

# Types every public method of which is a sink, except the local ones each names (see
# `base.MethodFamily`): generated clients whose operations cannot be listed.  A method
# written in `SINKS` wins over its family; the analysis reports a family's sink as
# `<owner>.<method>` (`botocore.client.BaseClient.initiate_auth`).
METHOD_FAMILIES: dict[str, MethodFamily] = {f.owner: f for f in (*http.FAMILIES, *cloud.FAMILIES)}

# Sinks reached by reading an attribute rather than calling it.
PROPERTY_SINKS: frozenset[str] = frozenset({
    # (urllib3's `HTTPResponse.data` is left out: `.data` is among the most common
    # attribute names - 14,000 loads in Home Assistant - and each would be resolved.)
    *each("requests.Response@stream", "content text"),
    # PathDistribution reads METADATA / RECORD / entry_points.txt on every access.
    *on("importlib.metadata.Distribution", "metadata version entry_points files requires"),
})

# Sinks that do not block when called with one of these arguments: (keyword, position
# among the arguments after self, or None for a keyword-only one, value).  A value is a
# literal (`executor.shutdown(wait=False)` returns at once; `lock.acquire(False)` /
# `queue.get(block=False)` never wait; a zero timeout polls), an `AnyFlag`: constants
# joined with `|`, of which one makes the call return at once (`fcntl.flock(fd,
# fcntl.LOCK_EX | fcntl.LOCK_NB)` fails instead of waiting, `LOCK_UN` releases;
# `os.waitpid(pid, os.WNOHANG)` polls), where an argument that cannot be read (a
# parameter, a computed value) blocks; or `GIVEN`, any argument but a literal None:
# Fabric / Invoke read their config files only when not handed a config, and a
# `lazy=True` config loads none until asked (fabric's own `Config` reads `lazy` from its
# keywords only).
_NO_WAIT_LOCK = any_flag("fcntl.LOCK_NB", "fcntl.LOCK_UN")
_WNOHANG = any_flag("os.WNOHANG")
_ZERO_TIMEOUT = (0, 0.0)
NONBLOCKING_ARGS: dict[str, tuple[tuple[str, int | None, object], ...]] = {
    "concurrent.futures.Executor.shutdown": (("wait", 0, False),),
    "threading.Lock.acquire": (("blocking", 0, False), ("timeout", 1, 0)),
    "threading.RLock.acquire": (("blocking", 0, False), ("timeout", 1, 0)),
    "threading.Semaphore.acquire": (("blocking", 0, False), ("timeout", 1, 0)),
    "threading.Event.wait": (("timeout", 0, 0),),
    "threading.Thread.join": (("timeout", 0, 0),),
    "queue.Queue.get": (("block", 0, False), ("timeout", 1, 0)),
    "queue.SimpleQueue.get": (("block", 0, False), ("timeout", 1, 0)),
    "concurrent.futures.Future.result": (("timeout", 0, 0),),
    "fcntl.flock": (("operation", 1, _NO_WAIT_LOCK),),
    "fcntl.lockf": (("cmd", 1, _NO_WAIT_LOCK),),
    "os.waitpid": (("options", 1, _WNOHANG),),
    "os.wait3": (("options", 0, _WNOHANG),),
    "os.wait4": (("options", 1, _WNOHANG),),
    "os.waitid": (("options", 2, _WNOHANG),),
    "select.select": tuple(("timeout", 3, t) for t in _ZERO_TIMEOUT),
    "select.poll.poll": tuple(("timeout", 0, t) for t in _ZERO_TIMEOUT),
    "select.epoll.poll": tuple(("timeout", 0, t) for t in _ZERO_TIMEOUT),
    "selectors.BaseSelector.select": tuple(("timeout", 0, t) for t in _ZERO_TIMEOUT),
    "fabric.Connection": (("config", 3, GIVEN),),
    "invoke.Context": (("config", 0, GIVEN),),
    "invoke.Config": (("lazy", 6, True),),
    "fabric.Config": (("lazy", None, True),),
}


# Names other tools flag (flake8-async, ruff, blockbuster, Home Assistant's loop guard,
# aiocop) that are deliberately not sinks, with the reason: they do not block, or do not
# exist.  Kept as data so that the decision is visible and tested (tests/test_catalog.py).
NOT_SINKS: dict[str, str] = {
    **dict.fromkeys(("os.getcwd", "os.path.abspath", "os.path.relpath", "pathlib.Path.absolute",
                     "pathlib.Path.cwd"),
                    "getcwd is answered by the kernel from memory, no disk I/O"),
    **dict.fromkeys(("os.path.normpath", "os.path.normcase", "os.path.samestat",
                     "pathlib.PurePath.full_match", "pathlib.Path.from_uri"),
                    "pure computation on strings or on stat results already read"),
    **dict.fromkeys(("os.path.expanduser", "pathlib.Path.expanduser", "pathlib.Path.home"),
                    "reads $HOME from the environment"),
    **dict.fromkeys(("requests.connect", "requests.trace", "httpx.connect", "httpx.trace"),
                    "no such function (ruff ASYNC210 lists them)"),
    "httpx.Client.close": "closes the pooled sockets without waiting on the peer",
    "http.client.HTTPConnection.putrequest":
        "only formats the request line into a buffer; Home Assistant patches it as the choke "
        "point of every stdlib HTTP request (connect/send/getresponse are the sinks)",
    "os.fork": "copies the process's page tables: CPU work, not a wait on I/O",
    "os.kill": "sends a signal and returns",
    "socket.socket.bind": "binds locally, never waits on a peer",
    **dict.fromkeys(("syslog.syslog", "syslog.openlog"),
                    "logging: accepted practice, like the logging module"),
    "importlib.resources.files":
        "imports its anchor only when given a module name that is not loaded; almost always "
        "called with the calling package (the Traversable's reads are the sinks)",
}
