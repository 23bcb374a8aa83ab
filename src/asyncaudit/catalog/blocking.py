"""Blocking sinks: the leaf calls that block the thread they run on, by category.

Each category has a rule code, a base severity and the async alternative a user should
reach for.  `SINKS` maps a canonical qualified name (see `asyncaudit.catalog`) to its
category and, where one exists, the specific async replacement.
"""

from __future__ import annotations

from dataclasses import dataclass

from asyncaudit.model import Severity


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of blocking operation; one rule code each."""

    key: str
    code: str
    title: str
    severity: Severity
    advice: str


@dataclass(frozen=True, slots=True)
class Sink:
    """One blocking API."""

    qualname: str
    category: str
    alternative: str = ""


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("network", "AA101", "network I/O", Severity.HIGH,
                 "use an async client (httpx.AsyncClient, aiohttp) or offload with asyncio.to_thread"),
        Category("database", "AA102", "database I/O", Severity.HIGH,
                 "use an async driver (aiosqlite, asyncpg, redis.asyncio) or offload with asyncio.to_thread"),
        Category("subprocess", "AA103", "subprocess", Severity.HIGH,
                 "use asyncio.create_subprocess_exec or offload with asyncio.to_thread"),
        Category("sleep", "AA104", "sleep", Severity.HIGH, "use await asyncio.sleep(...)"),
        Category("wait", "AA105", "lock, queue or future wait", Severity.HIGH,
                 "use asyncio.Lock/Event/Queue, or await asyncio.wrap_future(...)"),
        Category("dns", "AA106", "DNS lookup", Severity.MEDIUM,
                 "use await loop.getaddrinfo(...)"),
        Category("file", "AA107", "file read/write", Severity.MEDIUM,
                 "use aiofiles / anyio.Path, or offload with asyncio.to_thread"),
        Category("dirwalk", "AA108", "directory walk", Severity.MEDIUM,
                 "offload the walk with asyncio.to_thread"),
        Category("fsmeta", "AA109", "filesystem metadata", Severity.LOW,
                 "use anyio.Path / aiofiles.os, or offload with asyncio.to_thread"),
        Category("input", "AA110", "terminal input", Severity.HIGH,
                 "read input before starting the loop, or offload with asyncio.to_thread"),
    )
}


def _sinks(category: str, *names: str, alternative: str = "") -> list[Sink]:
    return [Sink(n, category, alternative) for n in names]


_PATH = "pathlib.Path."

SINKS: dict[str, Sink] = {
    s.qualname: s
    for s in (
        *_sinks("sleep", "time.sleep", alternative="asyncio.sleep"),
        *_sinks("input", "builtins.input", "getpass.getpass"),
        *_sinks(
            "file",
            "builtins.open", "io.open", "os.open", "os.read", "os.write", "os.fdopen",
            *(_PATH + m for m in ("open", "read_text", "read_bytes", "write_text", "write_bytes")),
            *("io.TextIOWrapper." + m for m in ("read", "readline", "readlines", "write", "writelines", "__iter__", "__next__")),
            *("io.BufferedReader." + m for m in ("read", "readline", "readlines", "__iter__", "__next__")),
            *("io.BufferedWriter." + m for m in ("write", "writelines")),
            "json.load", "json.dump", "tomllib.load", "toml.load", "toml.dump", "tomli.load",
            "pickle.load", "pickle.dump",
            "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copyfileobj", "shutil.move",
            "tempfile.NamedTemporaryFile", "tempfile.TemporaryFile", "tempfile.SpooledTemporaryFile",
            "tempfile.mkstemp",
            "gzip.open", "bz2.open", "lzma.open", "zipfile.ZipFile", "tarfile.open",
        ),
        *_sinks(
            "dirwalk",
            "os.walk", "os.listdir", "os.scandir", "glob.glob", "glob.iglob",
            "shutil.rmtree", "shutil.copytree",
            *(_PATH + m for m in ("iterdir", "glob", "rglob", "walk")),
        ),
        *_sinks(
            "fsmeta",
            *("os.path." + m for m in ("exists", "isfile", "isdir", "islink", "getsize", "getmtime",
                                         "getatime", "getctime", "realpath", "lexists", "samefile")),
            *("os." + m for m in ("stat", "lstat", "mkdir", "makedirs", "remove", "unlink", "rmdir",
                                  "rename", "replace", "chmod", "chown", "symlink", "link",
                                  "utime", "access", "removedirs", "truncate", "fsync")),
            *(_PATH + m for m in ("exists", "is_file", "is_dir", "is_symlink", "stat", "lstat", "mkdir",
                                  "unlink", "rmdir", "rename", "replace", "touch", "chmod",
                                  "resolve", "samefile", "symlink_to", "hardlink_to", "readlink",
                                  "owner", "group", "is_mount", "expanduser", "absolute")),
            "tempfile.mkdtemp", "tempfile.TemporaryDirectory",
        ),
        *_sinks("subprocess", "subprocess.run", "subprocess.call", "subprocess.check_call",
                "subprocess.check_output", "subprocess.getoutput", "subprocess.getstatusoutput",
                "subprocess.Popen", "subprocess.Popen.wait", "subprocess.Popen.communicate",
                "os.system", "os.popen", "os.waitpid", "os.wait",
                alternative="asyncio.create_subprocess_exec"),
        *_sinks("dns", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                "socket.gethostbyaddr", "socket.getfqdn", "socket.getnameinfo",
                alternative="loop.getaddrinfo"),
        *_sinks("network",
                *("requests." + m for m in ("get", "post", "put", "patch", "delete", "head", "options", "request")),
                *("requests.Session." + m for m in ("get", "post", "put", "patch", "delete", "head", "options",
                                                    "request", "send")),
                *("httpx." + m for m in ("get", "post", "put", "patch", "delete", "head", "options", "request",
                                         "stream")),
                *("httpx.Client." + m for m in ("get", "post", "put", "patch", "delete", "head", "options",
                                                "request", "send", "stream")),
                "urllib.request.urlopen", "urllib.request.urlretrieve",
                "socket.create_connection",
                *("socket.socket." + m for m in ("connect", "accept", "recv", "recv_into", "recvfrom",
                                                 "send", "sendall", "sendto")),
                alternative="httpx.AsyncClient"),
        *_sinks("database", "sqlite3.connect",
                *("sqlite3.Connection." + m for m in ("execute", "executemany", "executescript", "commit",
                                                      "rollback")),
                *("sqlite3.Cursor." + m for m in ("execute", "executemany", "executescript", "fetchone",
                                                  "fetchall", "fetchmany")),
                alternative="aiosqlite"),
        *_sinks("wait", "threading.Lock.acquire", "threading.RLock.acquire", "threading.Event.wait",
                "threading.Condition.wait", "threading.Semaphore.acquire", "threading.Thread.join",
                "threading.Lock.__enter__", "threading.RLock.__enter__",
                "queue.Queue.get", "queue.Queue.join",
                "concurrent.futures.Future.result", "concurrent.futures.wait",
                "concurrent.futures.as_completed"),
    )
}
