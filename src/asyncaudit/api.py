"""The pipeline, end to end: the only module that knows every stage.

discover -> parse + extract facts (in parallel for large trees) -> Program (resolve)
-> reach -> findings -> AnalysisResult, which every output format renders.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import partial
from pathlib import Path

from asyncaudit import rules
from asyncaudit.cache import FactsCache, RunCache, fingerprint, tool_salt
from asyncaudit.config import Config, ConfigError
from asyncaudit.discover import Discovery, SourceFile, discover
from asyncaudit.environment import Environment, EnvironmentNotFound, find_environment
from asyncaudit.facts import Expr, Func, ModuleFacts, Site, Span, extract
from asyncaudit.fscache import FileSystem
from asyncaudit.model import AnalysisResult, Diagnostic, Location, Severity, Stats
from asyncaudit.modules import Found, compiled_in, is_stdlib
from asyncaudit.parse.source import SourceError, parse_source, read_source, recursion_headroom
from asyncaudit.reach import analyze_reach, compliant_sites
from asyncaudit.resolve import Program
from asyncaudit.rules.base import LocationOf
from asyncaudit.rules.blocking import findings as blocking_findings
from asyncaudit.severity import is_test_path
from asyncaudit.sourcetext import SourceText

_PARALLEL_THRESHOLD = 300


def read_bytes(path: str) -> bytes:
    """A source file's bytes: regular files only, size checked before reading (`read_source`)."""
    return read_source(path)


def _unread(path: str, module: str, is_pkg: bool, exc: OSError) -> ModuleFacts:
    m = ModuleFacts(module, path, is_pkg)
    if isinstance(exc, SourceError):
        m.diagnostics.append((1, exc.strerror))
    else:
        m.diagnostics.append((1, f"cannot read file: {exc.strerror or exc}"))
    return m


def _facts_for(src: tuple[str, str, bool], cache: FactsCache | None = None,
               lookup: bool = True) -> tuple[ModuleFacts, bool]:
    path, module, is_pkg = src
    try:
        data = read_bytes(path)
    except OSError as exc:
        return _unread(path, module, is_pkg, exc), False
    if cache is not None and lookup:
        hit = cache.get(module, is_pkg, path, data)
        if hit is not None:
            return hit
    out = _facts_of(data, path, module, is_pkg)
    if cache is not None:
        cache.put(module, is_pkg, path, data, *out)
    return out


def _facts_job(src: tuple[str, str, bool], cache: FactsCache | None) -> tuple[ModuleFacts, bool] | bytes:
    """In a worker: extract and store; send back the stored bytes, not the facts to pickle again."""
    path, module, is_pkg = src
    if cache is None:
        return _facts_for(src)
    try:
        data = read_bytes(path)
    except OSError:
        return _facts_for(src)
    out = _facts_of(data, path, module, is_pkg)
    return cache.put_encoded(module, is_pkg, path, data, *out) or out


def _facts_of(data: bytes, path: str, module: str, is_pkg: bool) -> tuple[ModuleFacts, bool]:
    parsed = parse_source(data)
    if parsed.tree is None:
        m = ModuleFacts(module, path, is_pkg)
        m.diagnostics.extend(parsed.diagnostics)
        return m, parsed.fallback  # skipped (too large), not parsed by the fallback
    with _headroom():
        m = extract(parsed.tree, module, path, is_pkg, parsed.text)
    m.diagnostics[:0] = parsed.diagnostics
    m.suppressions = rules.suppressions(parsed.text)
    return m, parsed.fallback


def _headroom(limit: int = 6000) -> contextlib.AbstractContextManager[None]:
    """Room for the bounded recursion of extraction and evaluation (each caps its own depth
    well below `limit`, whatever the input), however deep the caller already is."""
    return recursion_headroom(limit)


Progress = Callable[[str, int, int], None]


def _extract_all(files: Sequence[SourceFile], jobs: int, progress: Progress | None = None,
                 cache: FactsCache | None = None) -> list[tuple[ModuleFacts, bool]]:
    work = [(str(f.path), f.module, f.is_package) for f in files]
    n = jobs or os.cpu_count() or 1
    out = cache.get_many(work) if cache is not None else [None] * len(work)
    todo = [i for i, got in enumerate(out) if got is None]
    done = len(work) - len(todo)
    compute = partial(_facts_for, cache=cache, lookup=False)  # the parent already looked up
    if len(todo) < _PARALLEL_THRESHOLD or n <= 1:
        for i in todo:
            out[i] = compute(work[i])
            done += 1
            if progress:
                progress("parsing", done, len(work))
        return out  # type: ignore[return-value]
    chunk = max(8, len(todo) // (n * 16))
    chunks = [todo[i:i + chunk] for i in range(0, len(todo), chunk)]
    lost: list[int] = []
    with ProcessPoolExecutor(max_workers=n) as pool:
        futures = [pool.submit(_facts_chunk, [work[i] for i in c], cache) for c in chunks]
        for c, fut in zip(chunks, futures):
            try:
                items = fut.result()
            except BrokenProcessPool:  # a worker died (signal, memory): these files go one by one
                lost.extend(c)
                continue
            for i, item in zip(c, items):
                out[i] = FactsCache.decode(item, work[i][0]) if isinstance(item, bytes) else item
            done += len(c)
            if progress:
                progress("parsing", done, len(work))
    if lost:
        _one_by_one(lost, work, out, cache)
    return out  # type: ignore[return-value]


def _facts_chunk(items: list[tuple[str, str, bool]], cache: FactsCache | None) -> list[object]:
    return [_facts_job(src, cache) for src in items]


def _one_by_one(lost: list[int], work: list[tuple[str, str, bool]], out: list, cache: FactsCache | None) -> None:
    """Re-run the files of a dead worker each in a worker of its own, so the one that kills
    its process is named (one diagnostic) and every other file's facts are kept."""
    pool = ProcessPoolExecutor(max_workers=1)
    try:
        for i in lost:
            path, module, is_pkg = work[i]
            try:
                item = pool.submit(_facts_chunk, [work[i]], cache).result()[0]
                out[i] = FactsCache.decode(item, path) if isinstance(item, bytes) else item
            except BrokenProcessPool:
                m = ModuleFacts(module, path, is_pkg)
                m.diagnostics.append((1, "analysis crashed (its worker process died); file skipped"))
                out[i] = (m, False)
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=1)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def environment_of(config: Config, paths: Sequence[str | os.PathLike[str]]) -> Environment:
    """The audited environment for `config` (`environment.find_environment`); an unusable
    `--python` is a ConfigError (exit 2), never a silent "no libraries"."""
    if not config.follow_libraries:
        return Environment()
    try:
        return find_environment(
            cli_python=config.python if config.python_explicit else None,
            config_python=None if config.python_explicit else config.python,
            config_file=config.source, paths=paths)
    except EnvironmentNotFound as exc:
        raise ConfigError(str(exc)) from None


class LibraryLoader:
    """Loads the audited environment's third-party modules on demand, as facts."""

    def __init__(self, fs: FileSystem, cache: FactsCache | None = None) -> None:
        self.fs = fs
        self.cache = cache

    def __call__(self, found: Found, module: str) -> ModuleFacts | None:
        self.fs.track(found.path)  # the run cache re-checks every library file read
        facts, _ = _facts_for((found.path, module, found.is_package), self.cache)
        return facts


def _locator(modules: dict[str, ModuleFacts], text: SourceText) -> LocationOf:
    def location_of(func: Func, at: Site | Span | None = None) -> Location:
        path = modules[func.module].path
        if at is None:  # the function itself: its `def`'s first character
            column = text.column(path, func.line, func.col)
            return Location(path, func.line, column, func.line, column)
        return Location(path, at.line, text.column(path, at.line, at.col),
                        at.end_line, text.column(path, at.end_line, at.end_col))
    return location_of


def analyze(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], config: Config | None = None, *,
            audit: bool = False, progress: Progress | None = None) -> AnalysisResult:
    """Analyze the Python code below `paths`; never imports or runs it.

    Args:
        paths: One file or folder (`"src"`), or several.
        config: The options.  None reads the project's configuration as the command line
            does: the nearest `pyproject.toml` with a `[tool.asyncaudit]` table, from the
            first path up (`Config.from_pyproject`).  Pass `Config()` for the defaults
            without reading any file.
        audit: Report the audit-only rules too (AA301, AA303, AA304, AA306), as `audit`.
        progress: Called as `progress(stage, done, total)` while files are parsed.

    Returns:
        The AnalysisResult: findings, diagnostics (input problems), stats; render it with
        `asyncaudit.render(result, "text" | "json" | "sarif" | "github")`.
    """
    # a str is a sequence too: "src" must be one path, not three
    paths = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if config is None:
        config = Config.from_pyproject(paths)
    env = environment_of(config, paths)
    libs = list(env.search_path)
    facts_cache = run_cache = None
    # ASYNCAUDIT_CACHE_DIR moves the cache (CI caches, tests), like RUFF_CACHE_DIR
    cache_dir = os.environ.get("ASYNCAUDIT_CACHE_DIR") or config.cache_dir
    if config.cache:
        facts_cache = FactsCache(cache_dir, tool_salt())  # facts depend on no option
        run_cache = RunCache(cache_dir, tool_salt(config.fingerprint()))
        run_key = run_cache.key(paths, fingerprint(audit, [str(p) for p in libs], bool(env.search_path)))
        cached = run_cache.load(run_key, ignore=[cache_dir])
        if cached is not None:
            return per_file_ignores(cached, config)
    # every folder and file the run looks at goes through fs: the run cache keys on them
    fs = FileSystem(ignore=[cache_dir] if config.cache else [])
    collecting = gc.isenabled()
    gc.disable()  # millions of small, acyclic objects: collections cost ~40% of the run
    try:
        result = _analyze(paths, config, audit, progress, libs, bool(env.search_path), facts_cache, fs)
        result.environment = env.source
        where = str(config.source) if config.source is not None else "."
        result.diagnostics[:0] = [Diagnostic(where, 0, note) for note in (*config.notes, *env.diagnostics)]
    finally:
        if collecting:
            gc.enable()
    if run_cache is not None and facts_cache is not None:
        run_cache.store(run_key, result, fs)
        if facts_cache.misses:
            facts_cache.prune()
    return per_file_ignores(result, config)


def render(result: AnalysisResult, format: str = "text") -> str:  # noqa: A002  (the CLI's --format)
    """Render a result as `check --format` does: "text", "json", "sarif" or "github".

    Raises:
        ValueError: An unknown format (the message lists the formats).
    """
    from asyncaudit.report import FORMATTERS

    try:
        return FORMATTERS[format](result)
    except KeyError:
        raise ValueError(f"unknown format {format!r} (choose from {', '.join(FORMATTERS)})") from None


def per_file_ignores(result: AnalysisResult, config: Config) -> AnalysisResult:
    """Drop what `per-file-ignores` names in the files its globs match (paths relative to
    the configuration file's folder, else the current directory; the same globs as
    `exclude`).  What it drops is counted as suppressed, like a suppression comment."""
    if not config.per_file_ignores:
        return result
    from asyncaudit.discover import _excluded

    base = os.path.abspath(config.source.parent if config.source is not None else ".")
    ignored: dict[str, tuple[str, ...]] = {}
    kept: list = []
    for f in result.findings:
        path = f.location.path
        if path not in ignored:
            rel = os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")
            ignored[path] = tuple(code for pattern, codes in config.per_file_ignores.items()
                                  if _excluded(rel, (pattern,)) for code in codes)
        drop = ignored[path]
        if not drop:
            kept.append(f)
            continue
        codes = frozenset(c for c in rules.BY_CODE if not c.startswith(drop))
        left = rules.select([f], codes, {})
        kept.extend(left)
        if not left:
            result.suppressed.append(f)
    result.findings = kept
    return result


def discover_tree(paths: Sequence[str | os.PathLike[str]], config: Config, fs: FileSystem,
                  libs: Sequence[Path]) -> Discovery:
    """Discovery with the configuration's exclusions, roots and .gitignore policy (the CLI
    run and the incremental session find the same files)."""
    return discover(paths, exclude=config.exclude + config.extend_exclude, fs=fs, source_roots=config.source_roots,
                    search_path=list(libs), respect_gitignore=config.respect_gitignore)


def _analyze(paths: Sequence[str | os.PathLike[str]], config: Config, audit: bool, progress: Progress | None,
             libs: list[Path], environment: bool, facts_cache: FactsCache | None,
             fs: FileSystem) -> AnalysisResult:
    found = discover_tree(paths, config, fs, libs)
    extracted = _extract_all(found.files, config.jobs, progress, facts_cache)
    loader = LibraryLoader(fs, facts_cache) if libs else None
    return build(paths, config, audit, progress, found, extracted, loader, environment)


def build(paths: Sequence[str | os.PathLike[str]], config: Config, audit: bool, progress: Progress | None,
          found: Discovery, extracted: Sequence[tuple[ModuleFacts, bool]],
          loader: Callable[[Found, str], ModuleFacts | None] | None, environment: bool) -> AnalysisResult:
    """The result from discovery and each discovered file's (facts, fallback_used), in
    `found.files` order: Program, reach, rules, statistics.  The facts are only read, so
    a caller may keep them for the next run (`asyncaudit.incremental`)."""
    result = AnalysisResult()
    result.diagnostics.extend(Diagnostic(p, 0, m) for p, m in found.diagnostics)
    modules: list[ModuleFacts] = []
    for facts, fallback in extracted:
        result.stats.fallback_parsed += fallback
        result.diagnostics.extend(Diagnostic(facts.path, line, msg) for line, msg in facts.diagnostics)
        modules.append(facts)
    test_paths = _test_paths(found, config.test_paths)
    severity: dict[str, Severity] = {**config.severity_overrides, **config.extra_sink_severity}
    program = Program(modules, finder=found.finder, load=loader, test_paths=test_paths,
                      extra_sinks=config.extra_sinks, extra_offloaders=config.extra_offloaders,
                      extra_registrars=config.extra_registrars, loop_decorators=config.loop_decorators,
                      severity=severity)
    codes = rules.active(config.select, config.ignore, audit=audit, extend=config.extend_select)
    if progress:
        progress("resolving", 0, 0)
    locate = _locator(program.modules, SourceText())
    with _headroom():  # evaluation nests up to resolve._MAX_EVAL_DEPTH levels, a few frames each
        reach = analyze_reach(program, full=any(rules.BY_CODE[c].needs_full for c in codes))
        found_findings = blocking_findings(reach, locate)
        ctx = rules.RuleContext(program, reach, locate, config.entry_points)
        for code in sorted(codes & rules.CHECKS.keys()):
            extra = rules.CHECKS[code](ctx)
            if code in config.severity_overrides:
                extra = [replace(f, severity=config.severity_overrides[code]) for f in extra]
            found_findings.extend(extra)
    found_findings.sort(key=lambda x: (x.location.path, x.location.line, x.location.column, x.code))
    suppressed = {m.path: m.suppressions for m in modules if m.suppressions}
    used: set[tuple[str, int]] = set()
    result.findings = rules.select(found_findings, codes, suppressed, used)
    if used:  # what the comments silenced, for the audit to count (check does not print it)
        kept = {(f.location, f.function, f.callee) for f in result.findings}
        result.suppressed = [f for f in rules.select(found_findings, codes, {})
                             if (f.location, f.function, f.callee) not in kept]
    result.unused_ignores = [Location(path, line, 1, line, 1) for path in sorted(suppressed)
                             for line in sorted(suppressed[path]) if (path, line) not in used]
    result.compliant = compliant_sites(reach, locate)
    named = {f.function for f in result.findings} | {h.function for f in result.findings for c in f.chains
                                                      for h in c.hops}
    for q in sorted(named):
        fn = program.functions.get(q)
        if fn is not None:
            result.defs[q] = (program.modules[fn.module].path, fn.line)
    s = result.stats
    s.files = len(found.files)
    s.project_modules = len(program.project)
    s.library_modules = len(program.library)
    proj_funcs = program.project_functions()
    s.functions = len(proj_funcs)
    s.async_functions = sum(f.is_async for f in proj_funcs)
    s.loop_callbacks = sum(1 for k in reach.roots.values() if k == "callback")
    s.reached_functions = len(reach.resolutions)
    s.call_sites = reach.call_sites
    s.resolved_call_sites = reach.resolved_sites
    _import_stats(program, modules, found, s)
    s.libraries = "off" if not config.follow_libraries else "followed" if environment else "none"
    packages: dict[str, int] = {}
    for name, n in reach.unfound_calls.items():
        top = name.partition(".")[0]
        if top not in found.names:  # a project module not found is an unresolved import, not a package
            packages[top] = packages.get(top, 0) + n
    s.not_installed = sorted(packages.items(), key=lambda kv: (-kv[1], kv[0]))
    result.test_paths = test_paths
    result.roots = tuple(str(p) for p in paths)
    result.diagnostics.sort(key=lambda d: (d.path, d.line, d.message))
    return result


def _test_paths(found: Discovery, patterns: tuple[str, ...]) -> frozenset[str]:
    """The analyzed files that are test code, by their path below the audited folder."""
    given = found.finder.given
    out = set()
    for f in found.files:
        path = os.path.abspath(f.path)
        top = max((g for g in given if path.startswith(g + os.sep)), key=len, default=os.path.dirname(path))
        if is_test_path(os.path.relpath(path, top).replace(os.sep, "/"), patterns):
            out.add(str(f.path))
    return frozenset(out)


def _imported(m: ModuleFacts) -> set[str]:
    """The modules a file imports, as written (`pkg.util`, `..base`), anywhere in it."""
    out: set[str] = set()

    def add(b: Expr) -> None:
        if b[0] in ("mod", "from"):
            out.add(b[1])

    for b in m.imports.values():
        add(b)
    out.update(m.star_imports)
    for f in m.functions.values():
        for values in f.locals.values():
            for e in values:
                if e[0] == "imp":
                    add(e[1])
    for c in m.classes.values():
        for values in c.attrs.values():
            for e in values:
                if e[0] == "imp":
                    add(e[1])
    return out


def _import_stats(program: Program, modules: list[ModuleFacts], found: Discovery, s: Stats) -> None:
    """Count the imports of the tree's own modules (each distinct importing file and module
    named: relative ones, and absolute ones whose first name is a folder or module of the
    tree), and list those that found nothing."""
    given = found.finder.given
    unresolved: dict[str, list[str]] = {}
    total = ok = 0
    for m in modules:
        for name in sorted(_imported(m)):
            relative = name.startswith(".")
            if not relative and (compiled_in(name) or name.partition(".")[0] not in found.names):
                continue
            hit = program.locate(name, m)
            if hit is None:
                if not relative and is_stdlib(name):
                    continue  # the standard library (no project file shadows it here)
                total += 1
                unresolved.setdefault(name, []).append(m.path)
            elif relative or any(hit.path.startswith(g + os.sep) for g in given):
                total += 1
                ok += 1
    s.project_imports, s.resolved_project_imports = total, ok
    s.unresolved_imports = sorted(((name, len(paths), min(paths)) for name, paths in unresolved.items()),
                                  key=lambda t: (-t[1], t[0]))


__all__ = ["Config", "Severity", "analyze", "render"]
