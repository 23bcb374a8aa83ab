"""Filesystem layer: one cached, recording view of the disk for discover, the module finder
and library loading (the role mypy's `fscache` plays).

Every directory listed and every file read or stat'ed goes through one `FileSystem` per
run.  Besides sparing repeated system calls, it records what the run looked at: the
run cache stores those records (`dependencies()`) next to the result and `unchanged()`
re-checks exactly them, so a change anywhere the analysis looked — a `.py` file edited,
an `__init__.py` added in a folder above the audited path, a package installed into
site-packages — invalidates the stored result, and nothing else has to walk the tree
a second time.

A folder is recorded by a digest of its *relevant* entries (names and kinds of Python
sources, stubs, compiled modules, `.pth` files, packaging files, `pyvenv.cfg`, and every
sub-folder except `__pycache__` and the cache's own), not by its mtime: a README written
next to the code is no change.  A file is recorded by (size, mtime, ctime, inode) and,
when the run cache stores it, the sha256 of its bytes: a file whose status changed but
whose bytes did not (`touch`, a checkout that rewrote it unchanged, a copy) is no change
either, at the cost of reading that one file again.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable

from asyncaudit.parse.source import read_source

# entry kinds: "f" regular file, "d" folder (symlinks followed), "l" broken symlink, "o" other
FILE, DIR, BROKEN, OTHER = "f", "d", "l", "o"

Signature = tuple  # (path, kind, *values); kind "d": (digest,), "f": (size, mtime, ctime, inode[, sha256])
_STAT = 6  # length of a file signature without its content digest

_RELEVANT_SUFFIXES = (".py", ".pyi", ".pth", ".so", ".pyd")
_RELEVANT_NAMES = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "pyvenv.cfg"})
_IRRELEVANT_DIRS = frozenset({"__pycache__", ".asyncaudit_cache"})


def _relevant(folder: str, name: str, kind: str, ignored: frozenset[str]) -> bool:
    if kind == DIR:
        return name not in _IRRELEVANT_DIRS and (not ignored or os.path.join(folder, name) not in ignored)
    return name.endswith(_RELEVANT_SUFFIXES) or name in _RELEVANT_NAMES


def _listing(path: str) -> tuple[dict[str, str], tuple[int, int] | None, OSError | None]:
    entries: dict[str, str] = {}
    try:
        st = os.stat(path)
        ident = (st.st_dev, st.st_ino)
        with os.scandir(path) as it:
            for e in it:
                try:
                    if e.is_dir():
                        kind = DIR
                    elif e.is_file():
                        kind = FILE
                    elif e.is_symlink() and not os.path.exists(e.path):
                        kind = BROKEN
                    else:
                        kind = OTHER
                except OSError:
                    kind = OTHER
                entries[e.name] = kind
    except OSError as exc:
        return {}, None, exc
    return entries, ident, None


def _digest(folder: str, entries: dict[str, str], ignored: frozenset[str]) -> str:
    h = hashlib.sha256()
    for name in sorted(entries):
        kind = entries[name]
        if _relevant(folder, name, kind, ignored):
            h.update(f"{kind}{name}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def content_digest(path: str) -> bytes | None:
    """sha256 of a file's bytes, None when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").digest()
    except OSError:
        return None


def with_content(sig: Signature) -> Signature:
    """`sig` with the digest of the file's bytes appended, when the file still has that status.

    Hashing after the fact is sound: the status was taken before the run read the file, so
    a file written since then shows a new status (a write within the same timestamp tick
    is what `FileSystem.racy` guards against) and keeps a digest-less signature, which
    only an identical status matches."""
    if len(sig) != _STAT or sig[1] != FILE:
        return sig
    digest = content_digest(sig[0])
    if digest is None or file_signature(sig[0]) != sig:
        return sig
    return (*sig, digest)


def file_signature(path: str) -> Signature:
    try:
        st = os.stat(path)
    except OSError:
        return (path, "x")
    if not stat.S_ISREG(st.st_mode):
        return (path, "s")
    return (path, FILE, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class FileSystem:
    """Cached directory listings and file reads, recording every path looked at.

    Paths are normalized to absolute form for the cache; callers may pass relative ones.
    `ignore`: folders whose presence is irrelevant to the analysis (the cache directory).
    """

    def __init__(self, ignore: Iterable[str | os.PathLike[str]] = ()) -> None:
        self._lists: dict[str, dict[str, str]] = {}
        self._idents: dict[str, tuple[int, int] | None] = {}
        self._errors: dict[str, OSError] = {}
        self._files: dict[str, Signature] = {}
        self._ignored = frozenset(os.path.abspath(os.fspath(p)) for p in ignore)

    def ignored(self, path: str | os.PathLike[str]) -> bool:
        """Whether `path` lies in an ignored folder (the cache directory)."""
        if not self._ignored:
            return False
        key = self.key(path)
        return any(key == p or key.startswith(p + os.sep) for p in self._ignored)

    @staticmethod
    def key(path: str | os.PathLike[str]) -> str:
        return os.path.abspath(os.fspath(path))

    def entries(self, path: str | os.PathLike[str]) -> dict[str, str]:
        """name -> kind of every entry of folder `path` ({} when it cannot be read)."""
        got = self._lists.get(path)  # type: ignore[call-overload]
        if got is not None:  # already a key: absolute and normalized
            return got
        key = self.key(path)
        got = self._lists.get(key)
        if got is None:
            got, ident, err = _listing(key)
            self._lists[key] = got
            self._idents[key] = ident
            if err is not None:
                self._errors[key] = err
        return got

    def error(self, path: str | os.PathLike[str]) -> OSError | None:
        """Why listing `path` failed, after `entries(path)`; None when it did not."""
        if not self._errors:
            return None
        return self._errors.get(self.key(path))

    def ident(self, path: str | os.PathLike[str]) -> tuple[int, int] | None:
        """(device, inode) of a listed folder, for symlink-loop detection."""
        if path in self._idents:
            return self._idents[path]  # type: ignore[index]
        key = self.key(path)
        if key not in self._idents:
            self.entries(key)
        return self._idents[key]

    def kind(self, path: str | os.PathLike[str]) -> str | None:
        """The kind of `path` as its parent's listing shows it, or None when absent."""
        key = self.key(path)
        parent, name = os.path.split(key)
        if not name:
            return DIR if os.path.isdir(key) else None
        return self.entries(parent).get(name)

    def isfile(self, path: str | os.PathLike[str]) -> bool:
        return self.kind(path) == FILE

    def isdir(self, path: str | os.PathLike[str]) -> bool:
        return self.kind(path) == DIR

    def track(self, path: str | os.PathLike[str]) -> None:
        """Record the current signature of a file the result depends on (taken before reading)."""
        if path in self._files:
            return
        key = self.key(path)
        if key not in self._files:
            self._files[key] = file_signature(key)

    def identity(self, path: str | os.PathLike[str]) -> tuple[int, ...] | None:
        """What tells one tracked regular file from another under any name (inode, size,
        times), or None; the file is tracked if it was not."""
        self.track(path)
        sig = self._files.get(path) or self._files.get(self.key(path))  # type: ignore[call-overload]
        return tuple(sig[2:]) if sig is not None and sig[1] == FILE else None

    def read(self, path: str | os.PathLike[str], limit: int | None = None) -> bytes:
        """The bytes of a file, recorded as a dependency; raises OSError.

        Read with `read_source`: the analyzed tree's packaging files are data too, and a
        FIFO or a device named `pyproject.toml` must not block the run, nor a huge one fill
        memory (SourceError, an OSError)."""
        self.track(path)
        return read_source(self.key(path), limit)

    def dependencies(self, contents: bool = False) -> tuple[Signature, ...]:
        """Every folder listed (by relevant-entry digest) and file tracked, sorted;
        `contents`: each file's signature carries the digest of its bytes (`with_content`)."""
        out: list[Signature] = [(p, "d", "?" if p in self._errors else _digest(p, e, self._ignored))
                                for p, e in self._lists.items() if not self.ignored(p)]
        out.extend(map(with_content, self._files.values()) if contents else self._files.values())
        out.sort()
        return tuple(out)

    def racy(self, window_ns: int, now_ns: int) -> bool:
        """True when a tracked file changed within `window_ns` of `now_ns` (same timestamp tick)."""
        lo, hi = now_ns - window_ns, now_ns + window_ns  # far-future times are not racy
        return any(len(sig) > 5 and (lo < sig[3] < hi or lo < sig[4] < hi) for sig in self._files.values())


def unchanged(deps: Iterable[Signature], ignore: Iterable[str | os.PathLike[str]] = ()) -> bool:
    """True when every recorded folder and file still looks as it did (`ignore`: as for
    `FileSystem`); a file with a content digest may have a new status and the same bytes."""
    return recheck(deps, ignore)[0]


def recheck(deps: Iterable[Signature],
            ignore: Iterable[str | os.PathLike[str]] = ()) -> tuple[bool, tuple[Signature, ...] | None]:
    """(unchanged, refreshed): as `unchanged`, and when some file had a new status but the
    same bytes, the dependencies with those files' current signatures (so the next check
    needs no hashing); None when no status moved or something changed."""
    ignored = frozenset(os.path.abspath(os.fspath(p)) for p in ignore)
    refreshed: dict[int, Signature] = {}
    deps = tuple(deps)
    for i, sig in enumerate(deps):
        path, kind = sig[0], sig[1]
        if kind == "d":
            entries, _, err = _listing(path)
            now = "?" if err is not None else _digest(path, entries, ignored)
            if now != sig[2]:
                return False, None
            continue
        now = file_signature(path)
        if now == sig[:_STAT]:
            continue
        # same bytes under a new status: only a file of the same size can be unchanged
        if len(sig) != _STAT + 1 or len(now) != _STAT or now[2] != sig[2] or content_digest(path) != sig[_STAT]:
            return False, None
        refreshed[i] = (*now, sig[_STAT])
    if not refreshed:
        return True, None
    return True, tuple(refreshed.get(i, sig) for i, sig in enumerate(deps))


__all__ = ["BROKEN", "DIR", "FILE", "OTHER", "FileSystem", "Signature", "content_digest", "file_signature",
           "recheck", "unchanged", "with_content"]
