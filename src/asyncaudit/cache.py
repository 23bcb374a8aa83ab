"""Cache stage: skip work whose inputs have not changed, around discover -> facts -> result.

Two caches share one directory (`.asyncaudit_cache/` by default):

* `FactsCache` sits between discover and the Program: per-file `ModuleFacts` keyed by
  sha256(salt, module name, is_package, sha256 of the file's bytes).  Facts depend only
  on those, so a hit is exact; the path stored in the facts is rewritten on load, so a
  file moved or copied elsewhere still hits.
* `RunCache` short-cuts the whole pipeline when nothing it looked at changed: `key()`
  covers the configuration and the paths; each stored `AnalysisResult` carries the
  dependencies the run's `FileSystem` recorded (every folder discovery and the module
  finder listed, every file read, with the digest of its bytes), which `load()`
  re-checks — no second walk of the tree, and a file touched without a change to its
  bytes is no change (its entry is refreshed so the next run need not hash it again).

The salt (see `tool_salt`) covers the tool version, the tool's own code, the interpreter
and the tree-sitter grammar, plus a configuration fingerprint chosen by the caller.

Layout::

    .asyncaudit_cache/
        .gitignore, CACHEDIR.TAG
        facts/<2 hex>/<62 hex>    one entry per (salt, module, content)
        runs/<64 hex>             the latest few whole-run results

Every entry is `header + pickle`; the header holds a magic, the entry's own key, the
payload length and its CRC-32, so a truncated, garbled or misplaced file is a miss.
Writes go to a unique temporary file and are `os.replace`d into place, so concurrent runs
and crashes never expose half an entry.  Payloads are unpickled with an allow-list of
asyncaudit's own data classes: a planted cache file cannot run code (asyncaudit promises
never to run the audited project's code).  No cache failure escapes: an unreadable entry
is a miss, an unwritable directory (read-only, disk full) turns writing off for the run.
"""

from __future__ import annotations

import gc
import hashlib
import io
import itertools
import os
import pickle
import struct
import sys
import time
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from asyncaudit.facts import ModuleFacts
from asyncaudit.fscache import FileSystem, recheck
from asyncaudit.model import AnalysisResult
from asyncaudit.parse.source import read_source

FORMAT = 1
DEFAULT_DIRECTORY = ".asyncaudit_cache"

_MAGIC = b"AAC" + bytes([FORMAT])
_HEADER = struct.Struct("<4s32sQI")  # magic, key digest, payload length, crc32(payload)
_PROTOCOL = 5
_FACTS, _RUNS = "facts", "runs"
_TMP_SUFFIX = ".tmp"
_STALE_TMP_NS = 3600 * 10**9

CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by asyncaudit.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)
GITIGNORE = "# Automatically created by asyncaudit.\n*\n"


# ---- salt and fingerprints ---------------------------------------------------------

def fingerprint(*parts: object) -> str:
    """A stable digest of `parts` (strings, numbers, tuples, None...), for salts and keys."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


_TOOL_DIGEST: str | None = None


def _tree_digest(h: Any, root: str, recursive: bool, contents: bool) -> None:
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        h.update(b"?" + root.encode("utf-8", "surrogatepass"))
        return
    for e in entries:
        if e.name == "__pycache__" or e.name.endswith((".pyc", _TMP_SUFFIX)):
            continue
        try:
            if e.is_dir():
                if recursive:
                    h.update(b"D" + e.name.encode("utf-8", "surrogatepass") + b"\0")
                    _tree_digest(h, e.path, recursive, contents)
                continue
            h.update(b"F" + e.name.encode("utf-8", "surrogatepass") + b"\0")
            if contents:
                with open(e.path, "rb") as fh:
                    h.update(hashlib.sha256(fh.read()).digest())
            else:
                st = e.stat()
                h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            h.update(b"?")


def _tool_digest() -> str:
    """Digest of asyncaudit's own files and the tree-sitter packages (memoized per process).

    The version alone misses edits in a development checkout; reading ~40 small files
    takes a few milliseconds.
    """
    global _TOOL_DIGEST
    if _TOOL_DIGEST is None:
        import importlib.util

        h = hashlib.sha256()
        _tree_digest(h, os.path.dirname(os.path.abspath(__file__)), recursive=True, contents=True)
        for mod in ("tree_sitter", "tree_sitter_python"):
            try:
                spec = importlib.util.find_spec(mod)
            except (ImportError, ValueError):
                spec = None
            locations = list(spec.submodule_search_locations or ()) if spec else []
            h.update(mod.encode() + b"\0")
            for loc in locations:
                _tree_digest(h, loc, recursive=False, contents=False)
        _TOOL_DIGEST = h.hexdigest()
    return _TOOL_DIGEST


def tool_salt(config_fingerprint: str = "", *, version: str | None = None) -> str:
    """The salt for both caches: tool version and code, interpreter, cache format, config.

    `version` defaults to `asyncaudit.__version__` (tests pass another to prove that a
    version change invalidates).
    """
    if version is None:
        from asyncaudit import __version__ as version
    return "|".join((f"asyncaudit {version}", f"format {FORMAT}", sys.version,
                     sys.implementation.cache_tag or "", _tool_digest(), config_fingerprint))


def default_directory() -> Path:
    """`$ASYNCAUDIT_CACHE_DIR`, else `.asyncaudit_cache` in the working directory."""
    return Path(os.environ.get("ASYNCAUDIT_CACHE_DIR") or DEFAULT_DIRECTORY)


# ---- safe unpickling -------------------------------------------------------------

_ALLOWED_MODULES = ("asyncaudit.facts", "asyncaudit.model")
_ALLOWED_BUILTINS = frozenset({"set", "frozenset", "complex", "bytearray", "slice", "range",
                               "Ellipsis", "NotImplemented"})


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _ALLOWED_BUILTINS:
            return super().find_class(module, name)
        if module in _ALLOWED_MODULES and "." not in name:
            obj = super().find_class(module, name)
            if isinstance(obj, type) and obj.__module__ == module:
                return obj
        raise pickle.UnpicklingError(f"cache entry refers to {module}.{name}")


def _loads(payload: bytes) -> Any:
    return _Unpickler(io.BytesIO(payload)).load()


class _NoGC:
    """Unpickling millions of small objects with the collector on is ~5x slower."""

    def __enter__(self) -> None:
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was:
            gc.enable()


# ---- storage shared by both caches -------------------------------------------------

class _Store:
    def __init__(self, directory: str | os.PathLike[str], salt: str) -> None:
        self.directory = Path(directory)
        self.salt = salt
        self._root = os.fspath(self.directory)
        self._base = hashlib.sha256(f"asyncaudit-cache\0{FORMAT}\0{salt}\0".encode("utf-8", "surrogatepass"))
        self.writable = True  # turned off at the first failed write
        self._ready = False
        self._made: set[str] = set()
        self._counter = itertools.count()
        self.errors = 0

    def __reduce__(self) -> tuple[Any, ...]:  # workers get a fresh instance
        return (type(self), (self.directory, self.salt))

    def _ensure_root(self) -> bool:
        if self._ready:
            return True
        if not self.writable:
            return False
        try:
            os.makedirs(self._root, exist_ok=True)
            # mark the folder only when it is ours: a cache directory mistakenly set to a
            # project folder must not get a `*` .gitignore
            if not os.listdir(self._root):
                for name, text in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
                    self._atomic_write(os.path.join(self._root, name), text.encode())
        except OSError:
            self._fail()
            return False
        self._ready = True
        return True

    def _fail(self) -> None:
        self.errors += 1
        self.writable = False

    def _atomic_write(self, target: str, data: bytes | Sequence[bytes]) -> None:
        """Write `data` to a unique temporary next to `target`, then os.replace it in."""
        while True:
            tmp = f"{target}.{os.getpid()}-{next(self._counter)}{_TMP_SUFFIX}"
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            except FileExistsError:
                continue
            break
        try:
            try:
                for part in (data,) if isinstance(data, bytes) else data:
                    view = memoryview(part)
                    while view:
                        view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def _write_entry(self, folder: str, target: str, digest: bytes, payload: bytes) -> bool:
        if not self._ensure_root():
            return False
        try:
            if folder not in self._made:
                os.makedirs(folder, exist_ok=True)
                self._made.add(folder)
            header = _HEADER.pack(_MAGIC, digest, len(payload), zlib.crc32(payload))
            self._atomic_write(target, (header, payload))
            return True
        except OSError:
            self._fail()
            return False

    @staticmethod
    def _read_entry(target: str, digest: bytes) -> bytes | None:
        try:
            with open(target, "rb") as fh:
                blob = fh.read()
        except OSError:
            return None
        n = _HEADER.size
        if len(blob) < n:
            return None
        magic, got, length, crc = _HEADER.unpack_from(blob)
        payload = blob[n:]
        if magic != _MAGIC or got != digest or length != len(payload) or zlib.crc32(payload) != crc:
            return None
        return payload


# ---- per-file facts ---------------------------------------------------------------

class FactsCache(_Store):
    """Per-file facts keyed by sha256(salt, module, is_package, sha256(content)).

    Usage: `get_many()` (or `get()`) before extracting; `put()` every file extracted
    (from worker processes too: the cache pickles as just its directory and salt);
    `prune()` after a run that wrote anything.  Counters: hits, misses, writes, errors.
    """

    def __init__(self, directory: str | os.PathLike[str], salt: str) -> None:
        super().__init__(directory, salt)
        self._folder = os.path.join(self._root, _FACTS)
        self._used: set[str] = set()
        self.hits = self.misses = self.writes = 0

    def key(self, module: str, is_package: bool, data: bytes) -> str:
        """The entry key (hex) of this content as this module."""
        h = self._base.copy()
        h.update(f"{module}\0{int(is_package)}\0".encode("utf-8", "surrogatepass"))
        h.update(hashlib.sha256(data).digest())
        return h.hexdigest()

    def _target(self, key: str) -> tuple[str, str]:
        folder = os.path.join(self._folder, key[:2])
        return folder, os.path.join(folder, key[2:])

    def get(self, module: str, is_package: bool, path: str,
            data: bytes) -> tuple[ModuleFacts, bool] | None:
        """The cached (facts, fallback_used) of this content, with `facts.path = path`; else None."""
        with _NoGC():
            return self._get(self.key(module, is_package, data), module, path)

    def _get(self, key: str, module: str, path: str) -> tuple[ModuleFacts, bool] | None:
        self._used.add(key)
        payload = self._read_entry(self._target(key)[1], bytes.fromhex(key))
        if payload is not None:
            try:
                facts, fallback = _loads(payload)
            except Exception:  # noqa: BLE001 - any bad entry is a miss
                facts = fallback = None
            if isinstance(facts, ModuleFacts) and facts.name == module:
                facts.path = path
                self.hits += 1
                return facts, bool(fallback)
            self.errors += 1
        self.misses += 1
        return None

    def get_many(self, files: Iterable[tuple[str, str, bool]]) -> list[tuple[ModuleFacts, bool] | None]:
        """Read each (path, module, is_package) and look it up; None for misses and unreadable files.

        The collector is off for the whole batch: loading ~7,000 entries takes 0.6 s
        instead of 3 s.  Extract the misses by reading the file again and `put()` them.
        """
        out: list[tuple[ModuleFacts, bool] | None] = []
        if not os.path.isdir(self._folder):  # first run: nothing to read the sources for
            out = [None for _ in files]
            self.misses += len(out)
            return out
        with _NoGC():
            for path, module, is_package in files:
                try:
                    data = read_source(path)  # a FIFO or device here must not block the run
                except OSError:
                    out.append(None)
                    continue
                out.append(self._get(self.key(module, is_package, data), module, path))
        return out

    def put(self, module: str, is_package: bool, path: str, data: bytes,
            facts: ModuleFacts, fallback: bool) -> bool:
        """Store the facts extracted from `data`; False (never an exception) when not stored.

        Call it before anything renames the facts (duplicate module names).
        """
        return self._put(module, is_package, data, facts, fallback, encode=False) is not None

    def put_encoded(self, module: str, is_package: bool, path: str, data: bytes,
                    facts: ModuleFacts, fallback: bool) -> bytes | None:
        """Like `put`, and return the encoded facts (stored or not) for `decode`, or None.

        For worker processes: returning these bytes instead of the facts spares pickling
        every file twice (once for the cache, once for the way back).
        """
        return self._put(module, is_package, data, facts, fallback, encode=True)

    @staticmethod
    def decode(payload: bytes, path: str) -> tuple[ModuleFacts, bool]:
        """The (facts, fallback_used) of `put_encoded` bytes, with `facts.path = path`."""
        with _NoGC():
            facts, fallback = _loads(payload)
        facts.path = path
        return facts, fallback

    def _put(self, module: str, is_package: bool, data: bytes, facts: ModuleFacts, fallback: bool,
             encode: bool) -> bytes | None:
        if not self.writable and not encode:
            return None
        key = self.key(module, is_package, data)
        self._used.add(key)
        try:
            payload = pickle.dumps((facts, bool(fallback)), protocol=_PROTOCOL)
        except Exception:  # noqa: BLE001 - unpicklable facts are simply not cached
            self.errors += 1
            return None
        folder, target = self._target(key)
        if self.writable and self._write_entry(folder, target, bytes.fromhex(key), payload):
            self.writes += 1
            return payload
        return payload if encode else None

    def prune(self, max_entries: int = 20_000) -> int:
        """Delete the oldest entries beyond `max_entries`, keeping every entry this run used.

        Also removes temporary files left by crashed writers.  Returns the number removed.
        """
        now = time.time_ns()
        entries: list[tuple[int, str]] = []
        removed = 0
        try:
            shards = list(os.scandir(self._folder))
        except OSError:
            return 0
        for shard in shards:
            try:
                if not shard.is_dir(follow_symlinks=False):
                    continue
                children = list(os.scandir(shard.path))
            except OSError:
                continue
            for e in children:
                try:
                    if e.name.endswith(_TMP_SUFFIX):
                        if now - e.stat(follow_symlinks=False).st_mtime_ns > _STALE_TMP_NS:
                            os.unlink(e.path)
                            removed += 1
                        continue
                    if shard.name + e.name in self._used:
                        continue
                    entries.append((e.stat(follow_symlinks=False).st_mtime_ns, e.path))
                except OSError:
                    continue
        excess = len(entries) + len(self._used) - max_entries
        if excess > 0:
            entries.sort()
            for _, p in entries[:excess]:
                try:
                    os.unlink(p)
                    removed += 1
                except OSError:
                    pass
        return removed


# ---- whole-run results -------------------------------------------------------------

class RunCache(_Store):
    """The latest `keep` whole-run results, keyed by the configuration and the paths, each
    stored with the dependencies the run recorded (every folder listed and file read, see
    `asyncaudit.fscache`) and re-checked on `load()`.

    A result is not stored when a file it read changed within `racy_ns` of the run: an
    edit in the same timestamp tick (2 s on FAT, 1 s on HFS+) would leave the stats
    unchanged.  The run after next stores it.
    """

    def __init__(self, directory: str | os.PathLike[str], salt: str, *, keep: int = 4,
                 racy_ns: int = 2 * 10**9) -> None:
        super().__init__(directory, salt)
        self._folder = os.path.join(self._root, _RUNS)
        self.keep = keep
        self.racy_ns = racy_ns

    def key(self, roots: Iterable[str | os.PathLike[str]], extra: str = "") -> str:
        """Key of a run: the roots as given, the working directory (reported paths are
        relative to it) and `extra` (the configuration fingerprint, the search path...)."""
        h = self._base.copy()
        h.update(repr((os.getcwd(), tuple(os.fspath(r) for r in roots), extra)).encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _target(self, key: str) -> str:
        return os.path.join(self._folder, key)

    def load(self, key: str, ignore: Iterable[str | os.PathLike[str]] = ()) -> AnalysisResult | None:
        """The result stored under `key` if everything it depends on is unchanged; else None.

        `ignore`: folders whose appearance is no change (the cache directory)."""
        try:
            target = self._target(key)
            payload = self._read_entry(target, bytes.fromhex(key))
            if payload is None:
                return None
            with _NoGC():
                result, deps = _loads(payload)
            if not isinstance(result, AnalysisResult):
                return None
            same, refreshed = recheck(deps, ignore)
            if not same:
                return None
            if refreshed is not None and not _racy(refreshed, self.racy_ns, time.time_ns()):
                # touched, not changed: store the new statuses so the next load hashes nothing
                self._write(key, result, refreshed)
            else:
                try:
                    os.utime(target)  # most recently used
                except OSError:
                    pass
            return result
        except Exception:  # noqa: BLE001 - any bad entry is a miss
            self.errors += 1
            return None

    def store(self, key: str, result: AnalysisResult, fs: FileSystem) -> bool:
        """Store `result` under `key` with what `fs` recorded.  Keeps the latest `keep` results."""
        if not self.writable or fs.racy(self.racy_ns, time.time_ns()):
            return False
        return self._write(key, result, fs.dependencies(contents=True))

    def _write(self, key: str, result: AnalysisResult, deps: tuple[Any, ...]) -> bool:
        if not self.writable:
            return False
        try:
            payload = pickle.dumps((result, deps), protocol=_PROTOCOL)
        except Exception:  # noqa: BLE001
            self.errors += 1
            return False
        if not self._write_entry(self._folder, self._target(key), bytes.fromhex(key), payload):
            return False
        self._trim()
        return True

    def _trim(self) -> None:
        now = time.time_ns()
        try:
            found = []
            for e in os.scandir(self._folder):
                st = e.stat(follow_symlinks=False)
                if e.name.endswith(_TMP_SUFFIX):
                    if now - st.st_mtime_ns > _STALE_TMP_NS:
                        os.unlink(e.path)
                    continue
                found.append((st.st_mtime_ns, e.path))
            found.sort(reverse=True)
            for _, p in found[self.keep:]:
                os.unlink(p)
        except OSError:
            pass


def _racy(deps: Iterable[tuple[Any, ...]], window_ns: int, now_ns: int) -> bool:
    """As `FileSystem.racy`, over stored signatures."""
    lo, hi = now_ns - window_ns, now_ns + window_ns
    return any(len(sig) > 5 and sig[1] == "f" and (lo < sig[3] < hi or lo < sig[4] < hi) for sig in deps)


_OWN_NAMES = frozenset({_FACTS, _RUNS, ".gitignore", "CACHEDIR.TAG"})


def _is_cache_dir(root: str) -> bool:
    try:
        with open(os.path.join(root, "CACHEDIR.TAG"), encoding="utf-8") as fh:
            if fh.read() == CACHEDIR_TAG:
                return True
    except (OSError, UnicodeDecodeError):
        pass
    try:
        return all(n in _OWN_NAMES or n.endswith(_TMP_SUFFIX) for n in os.listdir(root))
    except OSError:
        return False


def clear(directory: str | os.PathLike[str]) -> bool:
    """Remove the cache in `directory`; True when it is gone (or never existed).

    A folder that is not an asyncaudit cache (no asyncaudit CACHEDIR.TAG and other files
    than the cache's own) is left alone and False returned, so a mistaken `directory`
    loses nothing.
    """
    import shutil

    root = os.fspath(directory)
    if not os.path.lexists(root):
        return True
    if not os.path.isdir(root) or os.path.islink(root) or not _is_cache_dir(root):
        return False
    shutil.rmtree(root, ignore_errors=True)
    return not os.path.lexists(root)


__all__ = ["DEFAULT_DIRECTORY", "FactsCache", "RunCache", "clear", "default_directory",
           "fingerprint", "tool_salt"]
