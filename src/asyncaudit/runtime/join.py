"""Attribute runtime observations to boundary call sites, and join them with static findings.

Stage: runtime, after the run.  Input: the detector's raw observations (stacks of code
objects and instruction offsets) and the project's files; output: `RuntimeSite`s, each
carrying a `model.Finding` built exactly like a static one (boundary location, the
event-loop function, one chain per category), so every renderer of findings prints them.

Attribution.  The *context* is the innermost coroutine frame of the stack, or, for a
sync function the loop runs as a callback (`call_soon`, a protocol's `data_received`,
a framework's hook called from its own coroutine), the outermost project frame below the
loop's dispatcher or the library coroutine.  The boundary is the call the context frame
is executing; the chain is every frame from there down to the sink.  The sink is the
outermost catalogued Python sink on the stack (`shutil.rmtree` rather than the
`os.scandir` it runs), else the detected call itself.

Not attributed (dropped): stacks through the interpreter's and the test runner's own
machinery (imports, `linecache`, `logging`, `warnings`, pytest, coverage) and through an
offloader from the catalog (`run_in_executor` starting its worker thread waits for it),
and stacks whose context is asyncio's own code (its subprocess transport spawning the
child, its executor shutdown).

The join.  A runtime site is *confirmed* when a static finding's boundary is the same
call (same file, the call's line within the finding's span; columns break ties) and
shares one of its categories; its other categories are *runtime-only* chains.  The static
side may report one call several times, once per sink (`with TemporaryDirectory() as d:`
is an AA109 for the constructor and an AA108 for `__exit__`, at one location): every
finding tied for the best match is the boundary's, and each one sharing a category with
the site is confirmed.  A site without such a finding is *runtime-only* (a static miss);
a static finding no site reached is *static-only* (not exercised).
"""

from __future__ import annotations

import ast
import os
import sysconfig
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from asyncaudit.catalog import CATEGORIES, OFFLOADERS, SINKS
from asyncaudit.model import Chain, Finding, Hop, Location
from asyncaudit.rules.blocking import CODES, boundary_message, recommendation, rule_name
from asyncaudit.runtime.detector import Observation
from asyncaudit.severity import assess, context_of, is_test_path
from asyncaudit.sourcetext import SourceText

# Frames of these modules mean the call belongs to the interpreter's or the test
# runner's own machinery, not to the code under test.
_MACHINERY = ("importlib", "_frozen_importlib", "_frozen_importlib_external", "zipimport", "linecache",
              "tokenize", "traceback", "logging", "warnings", "_pytest", "pytest", "pluggy", "coverage",
              "pydevd", "_pydevd_bundle", "_pydev_bundle", "asyncaudit.runtime", "pytest_asyncio",
              "anyio.pytest_plugin")
# Python functions that wait on the loop thread only to hand work to another thread
_STARTS_THREAD = {("threading", "Thread.start")}


@dataclass(frozen=True, slots=True)
class RuntimeSite:
    """A boundary call site whose calls blocked the loop during the tests."""

    finding: Finding
    calls: int
    tests: tuple[str, ...]
    in_project: bool = True
    events: tuple[str, ...] = ()  # the detected leaf calls, when the sink is a frame above them

    @property
    def location(self) -> Location:
        return self.finding.location

    @property
    def categories(self) -> tuple[str, ...]:
        return self.finding.categories


@dataclass(slots=True)
class Joined:
    """The three-way classification of one run."""

    confirmed: list[tuple[Finding, list[RuntimeSite]]] = field(default_factory=list)
    # (site, the static findings at its boundary: empty for a pure static miss, else the
    # site's chains here are the categories none of them reports)
    runtime_only: list[tuple[RuntimeSite, tuple[Finding, ...]]] = field(default_factory=list)
    static_only: list[Finding] = field(default_factory=list)
    exercised: set[int] = field(default_factory=set)  # id() of static-only findings whose boundary ran

    def counts(self) -> dict[str, int]:
        return {"confirmed": len(self.confirmed), "runtime_only": len(self.runtime_only),
                "static_only": len(self.static_only)}


def _clean_qualname(code: Any) -> str:
    return code.co_qualname.replace(".<locals>", "")


def _machinery_module(module: str) -> bool:
    return any(module == m or module.startswith(m + ".") for m in _MACHINERY)


def _offloader_codes() -> tuple[frozenset[Any], frozenset[str]]:
    """Code objects of the catalog's offloaders (by qualname) and the method names (by name)."""
    from asyncaudit.runtime.patching import locate

    codes = set()
    names = set()
    for slot in OFFLOADERS:
        if slot.method:
            names.add(slot.method)
        if not slot.qualname:
            continue
        located = locate(slot.qualname)
        if located is None:
            continue
        _kind, _owner, _name, raw = located
        func = getattr(raw, "__func__", raw)
        if isinstance(func, type):
            func = func.__dict__.get("__init__")
        code = getattr(func, "__code__", None)
        if code is not None:
            codes.add(code)
    return frozenset(codes), frozenset(names)


class _Positions:
    """Source positions of (code, offset) pairs, as Locations with character columns."""

    def __init__(self, text: SourceText) -> None:
        self._text = text
        self._cache: dict[Any, list[tuple[int | None, int | None, int | None, int | None]]] = {}

    def location(self, code: Any, lasti: int, path: str) -> Location:
        table = self._cache.get(code)
        if table is None:
            table = self._cache[code] = list(code.co_positions())
        i = lasti // 2
        line, end_line, col, end_col = table[i] if 0 <= i < len(table) else (None, None, None, None)
        if line is None:
            line = code.co_firstlineno
        end_line = end_line or line
        column = self._text.column(path, line, col) if col is not None else 1
        end_column = self._text.column(path, end_line, end_col) if end_col is not None else column
        return Location(path, line, column, end_line, end_column)

    def callee(self, loc: Location) -> str:
        segment = self._text.segment(loc)
        if not segment:
            return "<call>"
        try:
            node = ast.parse(segment.strip(), mode="eval").body
        except SyntaxError:
            return " ".join(segment.split())[:60]
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Call):
            return _short(node.func)
        return _short(node)


def _short(node: ast.expr, depth: int = 0) -> str:
    if depth > 6:
        return "..."
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_short(node.value, depth + 1)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_short(node.func, depth + 1)}()"
    if isinstance(node, ast.Subscript):
        return f"{_short(node.value, depth + 1)}[...]"
    if isinstance(node, ast.Await):
        return f"await {_short(node.value, depth + 1)}"
    return "<expr>"


class Project:
    """The files the static analysis covers: real path -> (path as reported, module name)."""

    def __init__(self, files: Mapping[str, tuple[str, str]]) -> None:
        self.files = dict(files)
        self._real: dict[str, str] = {}

    @classmethod
    def discover(cls, paths: Sequence[str], exclude: Sequence[str] = ()) -> Project:
        from pathlib import Path

        from asyncaudit.discover import discover

        found = discover([Path(p) for p in paths], exclude=tuple(exclude))
        return cls({os.path.realpath(f.path): (str(f.path), f.module) for f in found.files})

    def real(self, filename: str) -> str:
        got = self._real.get(filename)
        if got is None:
            got = self._real[filename] = os.path.realpath(filename)
        return got

    def get(self, filename: str) -> tuple[str, str] | None:
        return self.files.get(self.real(filename))


@dataclass(slots=True)
class _Pending:
    kind: str
    in_project: bool
    chains: dict[str, Chain]
    calls: int = 0
    tests: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)


def attribute(observations: Iterable[Observation], modules: Mapping[Any, str], code_sinks: Mapping[Any, str],
              project: Project, text: SourceText | None = None) -> list[RuntimeSite]:
    """Turn raw observations into boundary sites (project and library ones), sorted."""
    text = text or SourceText()
    pos = _Positions(text)
    off_codes, off_names = _offloader_codes()
    sites: dict[tuple[object, ...], _Pending] = {}
    for obs in observations:
        frames = obs.frames
        if not frames or obs.stop is None:
            continue
        mods = [modules.get(code, "") for code, _ in frames]
        if any(_machinery_module(m) for m in mods):
            continue
        if any(code in off_codes or code.co_name in off_names
               or (m, code.co_qualname) in _STARTS_THREAD for (code, _), m in zip(frames, mods)):
            continue
        in_proj = [project.get(code.co_filename) is not None for code, _ in frames]
        ctx = _context(obs.stop, frames, mods, in_proj)
        if ctx is None:
            continue
        index, kind = ctx
        if not in_proj[index] and _stdlib(frames[index][0].co_filename):
            continue  # the standard library's own loop work (wrap_future's callbacks, ...)
        # the sink: the outermost catalogued Python function called below the context
        sink, end = obs.sink, 0
        for i in range(index - 1, -1, -1):
            s = code_sinks.get(frames[i][0])
            if s is not None:
                sink, end = s, i + 1
                break
        if sink not in SINKS:
            continue
        hops = []
        for i in range(index, end - 1, -1):
            code, lasti = frames[i]
            known = project.get(code.co_filename)
            path = known[0] if known else code.co_filename
            module = known[1] if known else mods[i]
            loc = pos.location(code, lasti, path)
            target = f"{_qualname(frames[i - 1][0], modules, project)}" if i > end else sink
            hops.append(Hop(loc, f"{module}.{_clean_qualname(code)}" if module else _clean_qualname(code),
                            pos.callee(loc), target))
        category = SINKS[sink].category
        boundary = hops[0]
        key = (boundary.location, boundary.function)
        site = sites.get(key)
        if site is None:
            site = sites[key] = _Pending(kind, in_proj[index], {})
        chain = Chain(category, sink, tuple(hops))
        if category not in site.chains or len(chain.hops) < len(site.chains[category].hops):
            site.chains[category] = chain
        site.calls += obs.count
        site.tests.update(obs.tests)
        if sink != obs.sink:
            site.events.add(obs.sink)
    out = [_site(key, site) for key, site in sites.items()]
    out.sort(key=lambda s: (not s.in_project, s.location.path, s.location.line, s.location.column))
    return out


def _qualname(code: Any, modules: Mapping[Any, str], project: Project) -> str:
    known = project.get(code.co_filename)
    module = known[1] if known else modules.get(code, "")
    return f"{module}.{_clean_qualname(code)}" if module else _clean_qualname(code)


def _context(stop: str, frames: Sequence[tuple[Any, int]], mods: Sequence[str],
             in_proj: Sequence[bool]) -> tuple[int, str] | None:
    """(index of the context frame, "async" | "callback"), or None when nothing is attributable."""
    last = len(frames) - 1
    if stop == "async" and in_proj[last]:
        return last, "async"
    # a library coroutine or the loop's dispatcher runs a sync project function
    for i in range(last - (stop == "async"), -1, -1):
        if in_proj[i]:
            return i, "callback"
    if stop == "async":
        return None if _asyncio(mods[last]) else (last, "async")
    i = last
    while i >= 0 and _asyncio(mods[i]):
        i -= 1  # the transport's `_read_ready` that called `data_received`, ...
    return (i, "callback") if i >= 0 else None


_STDLIB = tuple(os.path.realpath(p) + os.sep for p in {sysconfig.get_paths()["stdlib"],
                                                      sysconfig.get_paths()["platstdlib"]})
_SITE = tuple(os.path.realpath(p) + os.sep for p in {sysconfig.get_paths()["purelib"],
                                                   sysconfig.get_paths()["platlib"]})


def _stdlib(filename: str) -> bool:
    if filename.startswith("<frozen "):
        return True
    real = os.path.realpath(filename)
    return real.startswith(_STDLIB) and not real.startswith(_SITE)


def _asyncio(module: str) -> bool:
    return module == "asyncio" or module.startswith("asyncio.")


def _site(key: tuple[object, ...], p: _Pending) -> RuntimeSite:
    location, function = key
    assert isinstance(location, Location) and isinstance(function, str)
    name = function.rpartition(".")[2]
    ctx = context_of(name, (), (), is_test_path(os.path.relpath(location.path).replace(os.sep, "/")))
    chains = []
    for c in p.chains.values():
        cat = CATEGORIES[c.category]
        sev, why = assess(cat.severity, cat.title, name, ctx, None)
        chains.append(replace(c, severity=sev, reason=f"seen at runtime: {why}"))
    chains.sort(key=lambda c: (-c.severity, -CATEGORIES[c.category].severity, c.category))
    top = chains[0]
    callee = top.hops[0].callee
    ordered = tuple(chains)
    finding = Finding(CODES[top.category], rule_name(top.category), top.severity, location, function, callee,
                      ordered, boundary_message(ordered, callee, p.kind, name), top.reason,
                      recommendation(ordered, callee, SINKS.get(top.sink)), p.kind)
    return RuntimeSite(finding, p.calls, tuple(sorted(p.tests)), p.in_project, tuple(sorted(p.events)))


def _real(path: str) -> str:
    return os.path.realpath(path)


def _span_score(f: Finding, loc: Location) -> tuple[int, int, int] | None:
    s = f.location
    if not (s.line <= loc.line <= s.end_line):
        return None
    exact = (s.line, s.column, s.end_line, s.end_column) == (loc.line, loc.column, loc.end_line, loc.end_column)
    return (int(exact), int(s.line == loc.line and s.column == loc.column), -abs(s.column - loc.column))


def matches(findings: Sequence[Finding], site_location: Location,
            by_path: Mapping[str, list[Finding]] | None = None) -> list[Finding]:
    """The static findings whose boundary is the call at `site_location` (several when the
    static side reports that call once per sink), in the findings' order; empty if none."""
    candidates = (by_path or _by_path(findings)).get(_real(site_location.path), [])
    best: tuple[int, int, int] | None = None
    out: list[Finding] = []
    for f in candidates:
        score = _span_score(f, site_location)
        if score is None or (best is not None and score < best):
            continue
        if best is None or score > best:
            best, out = score, []
        out.append(f)
    return out


def match(findings: Sequence[Finding], site_location: Location,
          by_path: Mapping[str, list[Finding]] | None = None) -> Finding | None:
    """The first static finding whose boundary is the call at `site_location`, if any."""
    found = matches(findings, site_location, by_path)
    return found[0] if found else None


def _by_path(findings: Sequence[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(_real(f.location.path), []).append(f)
    return out


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The static findings a runtime detector can observe: those with blocking-call chains."""
    return [f for f in findings if f.chains and all(c.category in CATEGORIES for c in f.chains)
            and any(c.category != "loop" for c in f.chains)]


def join(findings: Sequence[Finding], sites: Sequence[RuntimeSite]) -> Joined:
    """Classify static findings and project runtime sites: confirmed, runtime-only, static-only."""
    static = blocking(findings)
    by_path = _by_path(static)
    seen: dict[int, list[RuntimeSite]] = {}
    out = Joined()
    for site in sites:
        if not site.in_project:
            continue
        at = matches(static, site.location, by_path)
        if not at:
            out.runtime_only.append((site, ()))
            continue
        covered: set[str] = set()
        for f in at:
            shared = set(f.categories) & set(site.categories)
            if shared:
                seen.setdefault(id(f), []).append(site)
                covered |= shared
            else:
                out.exercised.add(id(f))  # it ran, but blocked in another category than the static one
        missing = [c for c in site.finding.chains if c.category not in covered]
        if missing:
            partial = replace(site.finding, chains=tuple(missing))
            out.runtime_only.append((replace(site, finding=_retop(partial)), tuple(at)))
    for f in static:
        if id(f) in seen:
            out.confirmed.append((f, seen[id(f)]))
        else:
            out.static_only.append(f)
    # "exercised" describes static-only findings: one another site confirmed is not one
    out.exercised &= {id(f) for f in out.static_only}
    return out


def observable(f: Finding) -> bool:
    """Whether a runtime detector can see one of the finding's sinks: not when every chain
    ends in a method of a C type or an instance-bound one (`threading.Lock.__enter__`,
    `sqlite3.Cursor.execute`) that raises no audit event."""
    from asyncaudit.catalog.runtime import SETATTR
    from asyncaudit.runtime.events import covered

    audited = covered()
    for c in f.chains:
        sink = SINKS.get(c.sink)
        if sink is None or sink.patch == SETATTR or c.sink in audited:
            return True
    return False


def _retop(f: Finding) -> Finding:
    top = f.chains[0]
    return replace(f, code=CODES[top.category], rule=rule_name(top.category), severity=top.severity,
                   reason=top.reason)


def runtime_mark(sites: Sequence[RuntimeSite]) -> tuple[int, tuple[str, ...]]:
    """(calls, tests) of the sites confirming one finding."""
    tests = sorted({t for s in sites for t in s.tests})
    return sum(s.calls for s in sites), tuple(tests)


__all__ = ["Joined", "Project", "RuntimeSite", "attribute", "blocking", "join", "match", "matches", "observable",
           "runtime_mark"]
