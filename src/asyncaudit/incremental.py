"""Incremental analysis: a program kept in memory between runs (the editor server's core).

Stage: wraps the whole pipeline of `asyncaudit.api` (discover -> facts -> build).  A
`Session` analyzes a tree once, then `analyze()` again after edits redoes in proportion
to what changed on disk:

* discovery is kept while every folder the last run listed (discovery, the module
  finder, the library search) and every non-source file it read (packaging files,
  libraries) is unchanged — the same records the run cache re-checks; otherwise the tree
  is discovered again;
* each source file's facts are kept while its bytes are the same: a new status is
  checked by the sha256 of the content, so a touched file costs one read; an edited
  file is extracted again (through the facts cache when one is configured);
* installed-library facts are kept per (file, status);
* the Program, the reach walk, the rules and the statistics are rebuilt from those facts.

The rebuild is what keeps the result byte-identical to a cold run: the resolver's
evaluation is memoized in one order per run and cuts recursion where it meets it (see
`resolve.Program.values`), so a function's resolution computed in another run's order is
not always the one a cold run computes; the facts, which depend on one file's bytes
alone, are what is safe to keep.  `tests/test_incremental.py` compares incremental and
cold results over sequences of random edits.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

from asyncaudit import api
from asyncaudit.cache import FactsCache, tool_salt
from asyncaudit.config import Config
from asyncaudit.discover import Discovery
from asyncaudit.facts import ModuleFacts
from asyncaudit.fscache import FILE, FileSystem, Signature, content_digest, file_signature, recheck
from asyncaudit.model import AnalysisResult, Diagnostic
from asyncaudit.modules import Found


@dataclass(slots=True)
class _Kept:
    """One source file's facts and the content they were extracted from."""

    signature: Signature | None  # status when last read; None: too recent to trust
    size: int
    digest: bytes | None  # sha256 of the bytes extracted; None: unknown (changed while read)
    module: str
    is_package: bool
    facts: ModuleFacts
    fallback: bool


_RACY_NS = 2 * 10**9  # as the run cache: a status this recent may hide a second write in its tick


def _trusted(sig: Signature, now_ns: int) -> Signature | None:
    """`sig`, or None when its times fall within the racy window of `now_ns`."""
    if len(sig) > 5 and any(abs(now_ns - t) < _RACY_NS for t in (sig[3], sig[4])):
        return None
    return sig


@dataclass(slots=True)
class RunStats:
    """What the last `analyze()` redid: for the server's log and the benchmark."""

    rediscovered: bool = False
    extracted: int = 0  # files parsed and extracted again
    rehashed: int = 0  # files with a new status whose bytes were read to compare
    kept: int = 0  # files whose facts were kept


class Session:
    """Analyze `paths` with `config`, then again after edits, keeping what did not change.

    Not thread-safe: one analysis at a time.  `analyze()` returns the same bytes as
    `api.analyze()` on the tree as it is on disk at the call (without the run cache).
    """

    def __init__(self, paths: Sequence[str | os.PathLike[str]], config: Config | None = None, *,
                 audit: bool = False) -> None:
        self.paths = [os.fspath(p) for p in paths]
        self.config = config or Config()
        self.audit = audit
        self._env = api.environment_of(self.config, self.paths)
        self._libs = list(self._env.search_path)
        self._environment = bool(self._env.search_path)
        cache_dir = os.environ.get("ASYNCAUDIT_CACHE_DIR") or self.config.cache_dir
        self._ignore = [cache_dir] if self.config.cache else []
        self._facts_cache = FactsCache(cache_dir, tool_salt()) if self.config.cache else None
        self._fs: FileSystem | None = None
        self._found: Discovery | None = None
        self._deps: tuple[Signature, ...] = ()
        self._kept: dict[str, _Kept] = {}
        self._libraries: dict[tuple[str, str], tuple[Signature, ModuleFacts | None]] = {}
        self.result: AnalysisResult | None = None
        self.stats = RunStats()

    # ---- discovery ------------------------------------------------------------------

    def _discovery(self) -> Discovery:
        if self._found is not None and self._fs is not None:
            same, _ = recheck(self._deps, self._ignore)
            if same:
                return self._found
        self.stats.rediscovered = True
        self._fs = FileSystem(ignore=self._ignore)
        self._found = api.discover_tree(self.paths, self.config, self._fs, self._libs)
        return self._found

    def _record(self, found: Discovery) -> None:
        """What the next run re-checks: every folder looked at and every file read except
        the sources, whose facts are judged by content in `_facts`."""
        assert self._fs is not None
        sources = {os.path.abspath(f.path) for f in found.files}
        self._deps = tuple(d for d in self._fs.dependencies() if d[1] != FILE or d[0] not in sources)

    # ---- facts ----------------------------------------------------------------------

    def _facts(self, found: Discovery) -> list[tuple[ModuleFacts, bool]]:
        out: list[tuple[ModuleFacts, bool] | None] = []
        todo: list[int] = []
        kept: dict[str, _Kept] = {}
        now = time.time_ns()
        for f in found.files:
            path = str(f.path)
            old = self._kept.get(path)
            if old is not None and old.module == f.module and old.is_package == f.is_package:
                absolute = os.path.abspath(path)
                sig = file_signature(absolute)
                same = old.signature is not None and sig == old.signature
                if not same and old.digest is not None and len(sig) > 2 and sig[2] == old.size:
                    # a new (or untrusted) status with the same size: compare the bytes
                    self.stats.rehashed += 1
                    same = content_digest(absolute) == old.digest and file_signature(absolute) == sig
                if same:
                    old.signature = _trusted(sig, now)
                    kept[path] = old
                    out.append((old.facts, old.fallback))
                    self.stats.kept += 1
                    continue
            todo.append(len(out))
            out.append(None)
        # the status before the read, the digest after it: when the status did not move in
        # between, the digest is of the bytes extracted (same-tick writes: `_trusted`)
        sigs = {i: file_signature(os.path.abspath(str(found.files[i].path))) for i in todo}
        extracted = api._extract_all([found.files[i] for i in todo], self.config.jobs, None, self._facts_cache)
        now = time.time_ns()
        for i, got in zip(todo, extracted):
            f = found.files[i]
            absolute = os.path.abspath(str(f.path))
            out[i] = got
            sig = sigs[i]
            if len(sig) <= 2:  # unreadable: extracted again next time
                continue
            digest = content_digest(absolute)
            if file_signature(absolute) != sig:
                digest = None
            kept[str(f.path)] = _Kept(_trusted(sig, now), sig[2], digest, f.module, f.is_package, *got)
        self.stats.extracted = len(todo)
        self._kept = kept
        return out  # type: ignore[return-value]

    def _load_library(self, found: Found, module: str) -> ModuleFacts | None:
        assert self._fs is not None
        self._fs.track(found.path)
        key = (found.path, module)
        sig = file_signature(os.path.abspath(found.path))
        old = self._libraries.get(key)
        if old is not None and old[0] == sig:
            return old[1]
        facts, _ = api._facts_for((found.path, module, found.is_package), self._facts_cache)
        self._libraries[key] = (sig, facts)
        return facts

    # ---- the run --------------------------------------------------------------------

    def analyze(self) -> AnalysisResult:
        """The result for the tree as it is on disk now."""
        self.stats = RunStats()
        collecting = gc.isenabled()
        gc.disable()  # as api.analyze: millions of small acyclic objects
        try:
            found = self._discovery()
            extracted = self._facts(found)
            loader = self._load_library if self._libs else None
            self.result = api.per_file_ignores(
                api.build(self.paths, self.config, self.audit, None, found, extracted, loader, self._environment),
                self.config)
            # as api.analyze: the environment used, and the configuration's and its notes first
            self.result.environment = self._env.source
            where = str(self.config.source) if self.config.source is not None else "."
            self.result.diagnostics[:0] = [Diagnostic(where, 0, note)
                                           for note in (*self.config.notes, *self._env.diagnostics)]
            self._record(found)
        finally:
            if collecting:
                gc.enable()
        return self.result


__all__ = ["RunStats", "Session"]
