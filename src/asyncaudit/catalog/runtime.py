"""How the catalog's names exist at run time: which Python versions and platforms have
them, and how a runtime wrapper can patch each sink (`Sink.patch`).

The static analysis never imports anything; these tables are for the runtime confirmer
(a pytest plugin that wraps the catalogued sinks while tests run) and for the test that
checks every standard-library name against the interpreter running it
(`tests/test_catalog.py`).

Stage: catalog data, applied by `asyncaudit.catalog.base.sinks` when the tables are built.
"""

from __future__ import annotations

from typing import NamedTuple

# ---- Sink.patch values -------------------------------------------------------------
# `setattr(owner, name, wrapper)` replaces it: a module attribute, or a method of a class
# defined in Python.  (A reference taken before patching — `from time import sleep` —
# keeps the original; a method is written once on the class that declares it, so a
# wrapper patches that class and each subclass that overrides the method.)
SETATTR = "setattr"
# A method of a type implemented in C: `setattr` raises TypeError; only writing the
# type's dict (forbiddenfruit's `curse`) or wrapping the object that holds it reaches it.
C_TYPE = "c-type"
# Not an attribute under this name at run time: the "type" is a factory function
# (`threading.Lock()` before 3.13, `threading.RLock()`, `select.poll()`), the method is
# bound per instance in `__init__` (multiprocessing locks, `threading.Condition.acquire`),
# or the method is generated at run time (boto3 service operations).  A wrapper has to
# wrap what the factory returns instead.
INDIRECT = "indirect"
PATCH_VALUES = (SETATTR, C_TYPE, INDIRECT)

# Types implemented in C (immutable at run time) that own catalogued methods.
C_TYPES: frozenset[str] = frozenset({
    # standard library
    "io.TextIOWrapper", "io.BufferedReader", "io.BufferedWriter", "io.BufferedRandom",
    "io.BufferedRWPair", "io.FileIO", "pickle.Pickler", "pickle.Unpickler", "sqlite3.Connection",
    "sqlite3.Cursor", "sqlite3.Blob", "select.kqueue", "queue.SimpleQueue",
    # third-party C extensions
    "psycopg2.extensions.connection", "psycopg2.extensions.cursor", "pyodbc.Connection",
    "pyodbc.Cursor", "pycurl.Curl", "numpy.ndarray",
})

# Owners whose catalogued methods are reached only through instances (see INDIRECT).
INDIRECT_OWNERS: frozenset[str] = frozenset({
    "threading.Lock", "threading.RLock", "select.poll", "select.devpoll",
    "botocore.client.BaseClient",
})
# Single methods bound per instance in `__init__`.
INDIRECT_NAMES: frozenset[str] = frozenset({
    "threading.Condition.acquire",
    "multiprocessing.synchronize.Lock.acquire", "multiprocessing.synchronize.RLock.acquire",
    "multiprocessing.synchronize.Semaphore.acquire",
    "multiprocessing.synchronize.Condition.acquire",
})


class Availability(NamedTuple):
    """Where a name exists: from `since` (None: every supported version, 3.8 on), up to but
    not including `until`, on `platform` (empty: every platform)."""

    since: tuple[int, int] | None = None
    until: tuple[int, int] | None = None
    platform: str = ""


# Names (or module / type prefixes) that do not exist on every Python 3.8-3.14 or every
# platform.  The static analysis uses them on every version: code written for 3.14 still
# names `Path.copy` when analysed by an older interpreter.
AVAILABILITY: dict[str, Availability] = {
    # new in a Python version
    "tomllib": Availability(since=(3, 11)),
    "importlib.resources.abc": Availability(since=(3, 11)),
    "importlib.metadata.packages_distributions": Availability(since=(3, 10)),
    "importlib.metadata.EntryPoints": Availability(since=(3, 10)),
    "platform.freedesktop_os_release": Availability(since=(3, 10)),
    "os.splice": Availability(since=(3, 10), platform="Linux"),
    "os.path.isjunction": Availability(since=(3, 12)),
    "pathlib.Path.walk": Availability(since=(3, 12)),
    "pathlib.Path.is_junction": Availability(since=(3, 12)),
    "pathlib.PurePath.with_segments": Availability(since=(3, 12)),
    "pathlib.Path.with_segments": Availability(since=(3, 12)),
    "pathlib.PurePath.full_match": Availability(since=(3, 13)),
    "pathlib.Path.from_uri": Availability(since=(3, 13)),
    "pathlib.Path.copy": Availability(since=(3, 14)),
    "pathlib.Path.copy_into": Availability(since=(3, 14)),
    "pathlib.Path.move": Availability(since=(3, 14)),
    "pathlib.Path.move_into": Availability(since=(3, 14)),
    "dbm.sqlite3": Availability(since=(3, 13)),
    "imaplib.IMAP4.idle": Availability(since=(3, 14)),
    "concurrent.futures.InterpreterPoolExecutor": Availability(since=(3, 14)),
    "_thread.lock": Availability(since=(3, 13)),
    # removed in a Python version
    "telnetlib": Availability(until=(3, 13)),
    "nntplib": Availability(until=(3, 13)),
    "fcntl": Availability(platform="Unix"),
    "imp": Availability(until=(3, 12)),
    "pkgutil.find_loader": Availability(until=(3, 14)),
    "pkgutil.get_loader": Availability(until=(3, 14)),
    "pkgutil.resolve_name": Availability(since=(3, 9)),
    "pathlib.Path.link_to": Availability(until=(3, 12)),
    "ssl.wrap_socket": Availability(until=(3, 12)),
    # platform- or build-specific
    "os.lchmod": Availability(platform="BSD/macOS (Windows from 3.13)"),
    "os.getxattr": Availability(platform="Linux"),
    "os.setxattr": Availability(platform="Linux"),
    "os.listxattr": Availability(platform="Linux"),
    "os.removexattr": Availability(platform="Linux"),
    "os.copy_file_range": Availability(platform="Linux"),
    "os.posix_fallocate": Availability(platform="Linux/BSD"),
    "select.epoll": Availability(platform="Linux"),
    "select.kqueue": Availability(platform="BSD/macOS"),
    "select.devpoll": Availability(platform="Solaris"),
    "selectors.EpollSelector": Availability(platform="Linux"),
    "selectors.KqueueSelector": Availability(platform="BSD/macOS"),
    "selectors.DevpollSelector": Availability(platform="Solaris"),
    "dbm.gnu": Availability(platform="built with gdbm"),
    "dbm.ndbm": Availability(platform="built with ndbm"),
}

_EVERYWHERE = Availability()


def availability(qualname: str) -> Availability:
    """The availability of a name: its own entry, else its longest listed prefix."""
    head = qualname
    while True:
        got = AVAILABILITY.get(head)
        if got is not None:
            return got
        cut = head.rfind(".")
        if cut < 0:
            return _EVERYWHERE
        head = head[:cut]


def runtime_name(qualname: str) -> str:
    """The run-time dotted name of a catalog name: a state variant `T@state` is a `T`."""
    head, _, rest = qualname.partition("@")
    return head + rest[rest.find("."):] if rest and "." in rest else head


def patch_kind(qualname: str) -> str:
    """How a runtime wrapper reaches the sink named `qualname` (one of PATCH_VALUES)."""
    owner = qualname.rpartition(".")[0]
    if qualname in INDIRECT_NAMES or owner in INDIRECT_OWNERS:
        return INDIRECT
    if owner in C_TYPES:
        return C_TYPE
    return SETATTR
