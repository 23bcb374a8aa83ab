"""Reversible wrappers, for one session, around the catalog sinks that raise no audit event.

Stage: runtime detection.  Every name in `asyncaudit.catalog.SINKS` is looked up in the
live interpreter *without running any code* (module and class `__dict__`s only, never
`getattr`, so lazy module attributes and proxies are left alone) and classified:

    audit        an audit event reports it (`runtime.events`): nothing to patch
    setattr      a Python function or method, a C function of a module, or a C method
                 inherited by a Python class: replaced with a wrapper, restored after
    frames       a generator function (`Path.glob`, `os.walk`): wrapping would see only
                 the generator's creation; its frame on the stack names the sink instead
    c-type       a method of a C type (`io.TextIOWrapper.read`, `sqlite3.Cursor.execute`,
                 `_thread.lock.acquire`): `setattr` is refused; not patched
    unsupported  a property, a lazy proxy object, or another kind of attribute
    absent       its module is imported but the name does not exist in this version
    pending      its module is not imported (yet): looked up again when it is

Modules imported later (a test importing `requests`) are picked up by `refresh()`,
called before each test.  `undo()` restores every patched attribute, newest first;
activation rolls back what it did if one patch fails (blockbuster's approach).
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import BuiltinFunctionType, FunctionType, ModuleType
from typing import Any

from asyncaudit.catalog import SINKS
from asyncaudit.catalog.blocking import NONBLOCKING_ARGS, AnyFlag, Given
from asyncaudit.catalog.runtime import SETATTR
from asyncaudit.catalog.types import MODULE_ALIASES
from asyncaudit.runtime.events import IMPORTS_BY_NAME, covered

_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class defined in Python (setattr allowed)
_MISSING = object()

Record = Callable[[str, Any], None]  # (sink, caller frame) -> None
Enabled = Callable[[], bool]  # a loop runs in this thread and no sink call is in progress


@dataclass(slots=True)
class Patch:
    """One replaced attribute and how to put it back."""

    sink: str
    owner: Any  # module or class
    name: str
    original: Any  # the owner's own value (None when the attribute was inherited)
    had_own: bool

    def undo(self) -> None:
        if self.had_own:
            setattr(self.owner, self.name, self.original)
        else:
            delattr(self.owner, self.name)


class _BuiltinProxy:
    """Stands in for a C function of a module (`os.stat`) and compares and hashes equal
    to it, so `os.stat in os.supports_follow_symlinks` keeps its answer."""

    __slots__ = ("__wrapped__", "_call")

    def __init__(self, original: Any, call: Callable[..., Any]) -> None:
        self.__wrapped__ = original
        self._call = call

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        return other is self or other == self.__wrapped__

    def __hash__(self) -> int:
        return hash(self.__wrapped__)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__wrapped__, name)

    def __repr__(self) -> str:
        return repr(self.__wrapped__)


def _nonblocking_fd(args: tuple[Any, ...]) -> bool:
    try:
        return not os.get_blocking(args[0])
    except Exception:
        return False


def _nonblocking_socket(args: tuple[Any, ...]) -> bool:
    try:
        return args[0].gettimeout() == 0.0
    except Exception:
        return False


def _zero_timeout_select(args: tuple[Any, ...]) -> bool:
    return len(args) > 3 and args[3] == 0


def _loaded(args: tuple[Any, ...]) -> bool:
    name = args[0] if args else None
    if not isinstance(name, str) or name.startswith("."):
        return False
    module = name.partition(":")[0]
    return module in sys.modules or ":" not in name and module.rpartition(".")[0] in sys.modules


def _skip_predicate(sink: str) -> Callable[[tuple[Any, ...]], bool] | None:
    """Calls of `sink` that cannot wait (checked on the actual arguments)."""
    if sink in IMPORTS_BY_NAME:
        return _loaded  # a module already imported: no search, no read
    if sink.startswith(("socket.socket.", "ssl.SSLSocket.")):
        return _nonblocking_socket  # asyncio drives non-blocking sockets on the loop
    if sink in ("os.read", "os.write", "os.readv", "os.writev", "os.pread", "os.pwrite", "os.sendfile"):
        return _nonblocking_fd  # pipes of asyncio's subprocess transports
    if sink == "select.select":
        return _zero_timeout_select
    return None


def _nonblocking_args(sink: str, is_method: bool) -> Callable[[tuple[Any, ...], dict[str, Any]], bool] | None:
    """The catalog's NONBLOCKING_ARGS as a predicate: `lock.acquire(False)`, `q.get(block=False)`."""
    spec = NONBLOCKING_ARGS.get(sink)
    if not spec:
        return None
    offset = 1 if is_method else 0

    def test(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        for keyword, pos, value in spec:
            if keyword in kwargs:
                got = kwargs[keyword]
            elif pos is not None and len(args) > pos + offset:
                got = args[pos + offset]
            else:
                continue
            if isinstance(value, Given):
                if got is not None:
                    return True
            elif isinstance(value, AnyFlag):
                if isinstance(got, int) and got & _flag_mask(value):
                    return True
            elif got == value and type(got) is type(value):
                return True
        return False

    return test


def _flag_mask(flag: AnyFlag) -> int:
    """The run-time value of an `AnyFlag`'s constants (`fcntl.LOCK_NB | fcntl.LOCK_UN`), from
    their modules if imported (a call of `fcntl.flock` means `fcntl` is)."""
    mask = 0
    for name in flag.names:
        module, _, const = name.rpartition(".")
        got = getattr(sys.modules.get(module), const, 0)
        mask |= got if isinstance(got, int) else 0
    return mask


def _make_wrapper(sink: str, original: Any, record: Record, enabled: Enabled, inside: Any,
                  is_method: bool, depth: int = 1) -> Callable[..., Any]:
    skip = _skip_predicate(sink)
    nonblocking = _nonblocking_args(sink, is_method)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not enabled():
            return original(*args, **kwargs)
        token = inside.set(True)  # calls made by the sink are part of it
        try:
            try:  # deciding and recording must never fail the call itself
                if not ((skip is not None and skip(args)) or (nonblocking is not None and nonblocking(args, kwargs))):
                    # a greenlet's or a C-started thread's first frame has no caller
                    record(sink, sys._getframe(depth))
            except Exception:
                pass
            return original(*args, **kwargs)
        finally:
            inside.reset(token)

    try:
        functools.update_wrapper(wrapper, original)
    except (AttributeError, TypeError):
        pass
    return wrapper


def _own(obj: Any, name: str) -> Any:
    """`obj.name` without running code: a module's or class's (MRO) `__dict__` entry."""
    if isinstance(obj, ModuleType):
        got = obj.__dict__.get(name, _MISSING)
        if got is _MISSING:
            got = sys.modules.get(f"{obj.__name__}.{name}", _MISSING)
        return got
    if isinstance(obj, type):
        for klass in obj.__mro__:
            if name in klass.__dict__:
                return klass.__dict__[name]
    return _MISSING


_ALIASES_OF: dict[str, list[str]] = {}
for _alias, _canonical in MODULE_ALIASES.items():
    _ALIASES_OF.setdefault(_canonical, []).append(_alias)


def locate(qualname: str) -> tuple[str, Any, str, Any] | None:
    """(kind, owner, attribute, raw value), or None while the module is not imported."""
    parts = qualname.split(".")
    for i in range(len(parts) - 1, 0, -1):
        modname = ".".join(parts[:i])
        if modname in sys.modules:
            break
    else:
        return None
    mods = [sys.modules[modname]] + [sys.modules[a] for a in _ALIASES_OF.get(modname, ()) if a in sys.modules]
    for mod in mods:
        owner: Any = mod
        for name in parts[i:-1]:
            owner = _own(owner, name)
            if not isinstance(owner, (ModuleType, type)):
                break
        else:
            raw = _own(owner, parts[-1])
            if raw is not _MISSING:
                return _classify(owner, parts[-1], raw)
    return ("absent", None, parts[-1], None)


def _classify(owner: Any, name: str, raw: Any) -> tuple[str, Any, str, Any]:
    heap = isinstance(owner, type) and bool(owner.__flags__ & _HEAPTYPE)
    if isinstance(owner, ModuleType):
        if isinstance(raw, BuiltinFunctionType):
            return ("setattr", owner, name, raw)
        if isinstance(raw, FunctionType):
            return ("frames" if _lazy(raw) else "setattr", owner, name, raw)
        if isinstance(raw, type):  # a constructor that performs I/O: wrap its __init__
            if not raw.__flags__ & _HEAPTYPE:
                return ("c-type", raw, "__init__", None)
            init = _own(raw, "__init__")
            if isinstance(init, FunctionType):
                return ("setattr", raw, "__init__", init)
            return ("c-type", raw, "__init__", None)
        return ("unsupported", owner, name, raw)
    if isinstance(raw, (staticmethod, classmethod)):
        func = raw.__func__
        kind = "frames" if isinstance(func, FunctionType) and _lazy(func) else "setattr"
        return (kind if heap else "c-type", owner, name, raw)
    if isinstance(raw, FunctionType):
        return ("frames" if _lazy(raw) else "setattr" if heap else "c-type", owner, name, raw)
    if callable(raw) and not isinstance(raw, type) and hasattr(raw, "__get__") and not isinstance(raw, property):
        return ("setattr" if heap else "c-type", owner, name, raw)  # a C method descriptor
    return ("unsupported", owner, name, raw)


def _lazy(func: FunctionType) -> bool:
    return inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func) or inspect.iscoroutinefunction(func)


class Patcher:
    """Looks catalog sinks up in the running interpreter and wraps the patchable ones.

    The catalog says how each sink can be reached (`Sink.patch`, `Sink.since`/`until`);
    the live lookup finds the object and confirms it (a sink the catalog marks `setattr`
    whose owner turns out to refuse `setattr` is counted as `c-type`).
    """

    def __init__(self, record: Record, enabled: Enabled, inside: Any, sinks: Any = None) -> None:
        self._record = record
        self._enabled = enabled
        self._inside = inside
        self._audited = covered()
        self.kinds: dict[str, str] = {}  # sink -> kind, for every sink
        self.patches: list[Patch] = []
        self.applied = 0  # patches made over the session (`patches` empties on undo)
        self.code_sinks: dict[Any, str] = {}  # code object of a Python sink -> sink
        self._classes: list[tuple[str, type, str]] = []  # patched methods: overrides to follow
        self._done: set[tuple[int, str]] = set()  # (id(owner), name) patched
        names = sorted(SINKS if sinks is None else sinks)
        self._pending = []
        version = sys.version_info[:2]
        for q in names:
            entry = SINKS.get(q)
            if entry is not None and ((entry.since and version < entry.since)
                                      or (entry.until and version >= entry.until)):
                self.kinds[q] = "absent"
                continue
            if q in self._audited:
                self.kinds[q] = "audit"
            elif entry is not None and entry.patch != SETATTR:
                self.kinds[q] = entry.patch  # c-type / indirect: no Python attribute to replace
                continue
            else:
                self.kinds[q] = "pending"
            # audited sinks are looked up too: their frames name the sink of the events they raise
            self._pending.append(q)
        self._known_modules: set[str] | None = None  # sys.modules at the last refresh

    def refresh(self) -> int:
        """Patch the sinks whose module has been imported since the last call; returns how many."""
        if self._known_modules is not None and len(sys.modules) == len(self._known_modules):
            return 0
        current = set(sys.modules)
        if self._known_modules is None:
            retry = self._pending
        else:
            # only names under a package that gained a module can have appeared
            tops = {m.split(".", 1)[0] for m in current - self._known_modules}
            retry = [q for q in self._pending if q.split(".", 1)[0] in tops]
        self._known_modules = current
        if not retry:
            return 0
        retried = set(retry)
        done: list[Patch] = []
        still: list[str] = [q for q in self._pending if q not in retried]
        try:
            for q in retry:
                located = locate(q)
                if located is None:
                    still.append(q)
                    continue
                kind, owner, name, raw = located
                if kind == "absent":
                    still.append(q)  # a submodule may still come (pkg.sub imported later)
                    if q not in self._audited:
                        self.kinds[q] = kind
                    continue
                self._remember_code(raw, q)
                if q in self._audited:
                    continue
                self.kinds[q] = kind
                if kind == "setattr":
                    patch = self._patch(q, owner, name, raw)
                    if patch is not None:
                        done.append(patch)
                        if isinstance(owner, type):
                            self._classes.append((q, owner, name))
                    else:
                        self.kinds[q] = "c-type" if isinstance(owner, type) else "unsupported"
            done.extend(self._overrides())
        except BaseException:
            for patch in reversed(done):
                patch.undo()
            raise
        self.patches.extend(done)
        self.applied += len(done)
        self._pending = still
        return len(done)

    def _overrides(self) -> list[Patch]:
        """Overrides of patched methods in subclasses of the same package: a method is
        catalogued once, on the class that declares it (`Executor.shutdown` covers
        `ThreadPoolExecutor.shutdown`)."""
        out = []
        for q, owner, name in self._classes:
            package = (owner.__module__ or "").split(".")[0]
            todo = list(owner.__subclasses__())
            seen: set[int] = set()
            while todo:
                sub = todo.pop()
                if id(sub) in seen:
                    continue
                seen.add(id(sub))
                todo.extend(sub.__subclasses__())
                raw = sub.__dict__.get(name)
                if (id(sub), name) in self._done or (sub.__module__ or "").split(".")[0] != package:
                    continue
                if isinstance(raw, FunctionType) and not _lazy(raw):
                    self._remember_code(raw, q)
                    patch = self._patch(q, sub, name, raw)
                    if patch is not None:
                        out.append(patch)
        return out

    def _remember_code(self, raw: Any, sink: str) -> None:
        func = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
        code = getattr(func, "__code__", None) if isinstance(func, FunctionType) else None
        if code is not None:
            self.code_sinks.setdefault(code, sink)

    def _patch(self, sink: str, owner: Any, name: str, raw: Any) -> Patch | None:
        had_own = name in vars(owner)
        if had_own and vars(owner)[name] is not raw:
            return None
        is_module = isinstance(owner, ModuleType)
        if isinstance(raw, (staticmethod, classmethod)):
            inner = _make_wrapper(sink, raw.__func__, self._record, self._enabled, self._inside,
                                  isinstance(raw, classmethod))
            replacement: Any = type(raw)(inner)
        elif is_module and isinstance(raw, BuiltinFunctionType):
            # depth 2: the caller of the proxy's __call__
            replacement = _BuiltinProxy(raw, _make_wrapper(sink, raw, self._record, self._enabled, self._inside,
                                                           False, depth=2))
        else:
            replacement = _make_wrapper(sink, raw, self._record, self._enabled, self._inside, not is_module)
        try:
            setattr(owner, name, replacement)
        except (TypeError, AttributeError):
            return None
        self._done.add((id(owner), name))
        return Patch(sink, owner, name, raw if had_own else None, had_own)

    def undo(self) -> None:
        """Restore every patched attribute, newest first."""
        self._pending = []  # a patcher is used for one session
        while self.patches:
            patch = self.patches.pop()
            try:
                patch.undo()
            except (TypeError, AttributeError):
                pass

    def summary(self) -> dict[str, int]:
        """How many catalog sinks are of each kind."""
        out: dict[str, int] = {}
        for kind in self.kinds.values():
            out[kind] = out.get(kind, 0) + 1
        return dict(sorted(out.items()))


__all__ = ["Patch", "Patcher", "locate"]
