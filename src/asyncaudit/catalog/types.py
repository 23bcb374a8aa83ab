"""Known types of the standard library and well-known third-party packages.

Type knowledge lets the resolver follow values: `Path(x) / "a"` is a `pathlib.Path`,
`open(p)` is a text file, `requests.Session()` is a session whose `.get` is a network
sink, `httpx.AsyncClient().get` is not.  A `KnownType` lists its bases (for sink
inheritance), the result type of its methods, the type of its attributes and
properties, and what its `__enter__` returns (`"self"` by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class KnownType:
    """An external type known without importing it."""

    qualname: str
    bases: tuple[str, ...] = ()
    methods: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    enter: str = "self"


_P = "pathlib.Path"
_TEXT = "io.TextIOWrapper"
_BYTES_R = "io.BufferedReader"

TYPES: dict[str, KnownType] = {
    t.qualname: t
    for t in (
        KnownType(
            _P,
            bases=("pathlib.PurePath",),
            methods={m: _P for m in ("resolve", "absolute", "expanduser", "with_name", "with_suffix",
                                     "with_stem", "joinpath", "relative_to", "__truediv__",
                                     "__rtruediv__", "home", "cwd", "readlink", "rename", "replace")}
            | {"open": _TEXT, "iterdir": "builtins.list[pathlib.Path]",
               "glob": "builtins.list[pathlib.Path]", "rglob": "builtins.list[pathlib.Path]"},
            attributes={"parent": _P, "name": "builtins.str", "stem": "builtins.str",
                        "suffix": "builtins.str", "parents": "builtins.list[pathlib.Path]"},
        ),
        KnownType("pathlib.PosixPath", bases=(_P,)),
        KnownType("pathlib.WindowsPath", bases=(_P,)),
        KnownType("pathlib.PurePath"),
        KnownType(_TEXT, methods={"__iter__": "builtins.str"}),
        KnownType(_BYTES_R, methods={"__iter__": "builtins.bytes"}),
        KnownType("io.BufferedWriter"),
        KnownType("requests.Session", methods={m: "requests.Response" for m in (
            "get", "post", "put", "patch", "delete", "head", "options", "request", "send")}),
        KnownType("httpx.Client"),
        KnownType("httpx.AsyncClient"),
        KnownType("sqlite3.Connection", methods={"cursor": "sqlite3.Cursor", "execute": "sqlite3.Cursor"}),
        KnownType("sqlite3.Cursor"),
        KnownType("socket.socket", methods={"accept": "builtins.tuple"}),
        KnownType("subprocess.Popen"),
        KnownType("threading.Lock"),
        KnownType("threading.RLock"),
        KnownType("threading.Event"),
        KnownType("threading.Condition"),
        KnownType("threading.Semaphore"),
        KnownType("threading.Thread"),
        KnownType("queue.Queue"),
        KnownType("concurrent.futures.Future"),
        KnownType("concurrent.futures.Executor"),
        KnownType("concurrent.futures.ThreadPoolExecutor", bases=("concurrent.futures.Executor",)),
        KnownType("concurrent.futures.ProcessPoolExecutor", bases=("concurrent.futures.Executor",)),
        KnownType("tempfile.TemporaryDirectory", enter="builtins.str"),
        KnownType("tempfile._TemporaryFileWrapper", enter="self"),
    )
}

# Module-level functions (and constructors that are not classes) and the type they return.
FUNCTION_RETURNS: dict[str, str] = {
    "builtins.open": _TEXT,
    "io.open": _TEXT,
    "os.fdopen": _TEXT,
    "tempfile.NamedTemporaryFile": "tempfile._TemporaryFileWrapper",
    "sqlite3.connect": "sqlite3.Connection",
    "socket.create_connection": "socket.socket",
    "requests.session": "requests.Session",
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
}

# Modules that are the same module under another name.
MODULE_ALIASES: dict[str, str] = {
    "posixpath": "os.path",
    "ntpath": "os.path",
    "genericpath": "os.path",
    "requests.api": "requests",
    "requests.sessions": "requests",
    "httpx._api": "httpx",
    "httpx._client": "httpx",
    "pathlib._local": "pathlib",
    "_io": "io",
    "asyncio.tasks": "asyncio",
    "asyncio.runners": "asyncio",
    "asyncio.threads": "asyncio",
    "concurrent.futures._base": "concurrent.futures",
    "concurrent.futures.thread": "concurrent.futures",
    "concurrent.futures.process": "concurrent.futures",
}
