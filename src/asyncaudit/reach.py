"""Reach stage: which sync functions reach which blocking sinks, as chains.

1. *Roots* are the event-loop contexts of the audited project: every `async def`, every
   sync function handed to a loop registrar (`loop.call_soon(cb)`, ...), and the
   callback methods of `asyncio.Protocol` subclasses.
2. From the roots, a forward walk resolves the sites of every sync function reachable
   without an offloader in between (calls, constructors, properties, `with` entries,
   `for` iterations) and records the call graph among them, plus their direct sinks.
3. A backward breadth-first search from the direct sinks, one category at a time, gives
   every reached sync function its *shortest* chain to a sink of each category; cycles
   and recursion need no special case, and the work is bounded by edges x categories.
4. `boundary_chains` gives each root's blocking sites (a site whose targets hit a sink
   directly, or through a sync function with a chain) with the shortest chain per leaf
   category; `chains_from` a sync function's own chains.  Reach writes no finding and no
   message: the rules do (`asyncaudit.rules.blocking` turns boundary chains into the
   AA101-AA111 / AA201 findings).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from asyncaudit.catalog.blocking import LOOP, NONBLOCKING_ARGS, AnyFlag, Given
from asyncaudit.catalog.async_io import async_io_category
from asyncaudit.catalog.loop import LOOP_CALLBACK_BASES, STRUCTURED_CONCURRENCY
from asyncaudit.facts import CALL, Expr, Func, ModuleFacts, Site, expr_text, last_name
from asyncaudit.model import Chain, CompliantSite, Hop, Location
from asyncaudit.resolve import Program, Resolution, Target
_MAX_FUNCTIONS = 200_000

Locate = Callable[[Func, Site], Location]


@dataclass(slots=True)
class _Step:
    """How a function reaches a category: via `site` of the function, to `target`.

    Steps are assigned in breadth-first order from the sinks, so following them from
    any function gives its shortest chain."""

    site: Site
    target: str  # next function qualname, or the sink's qualname at the leaf
    leaf: bool


@dataclass(slots=True)
class Reach:
    program: Program
    roots: dict[str, str] = field(default_factory=dict)  # qualname -> "async" | "callback"
    resolutions: dict[str, list[Resolution]] = field(default_factory=dict)
    steps: dict[str, dict[str, _Step]] = field(default_factory=dict)
    call_sites: int = 0
    resolved_sites: int = 0
    unfound_calls: dict[str, int] = field(default_factory=dict)  # module not found -> call sites into it
    compliant: list[tuple[Func, Site, str]] = field(default_factory=list)
    edges_into: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # callee -> (caller, site)
    offloaded: set[str] = field(default_factory=set)  # functions handed to an offloader somewhere
    direct: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)  # fn -> (cat, sink, site)


def _site_sink(program: Program, site: Site, res: Resolution, func: Func) -> list[tuple[str, str]]:
    """(category, sink qualname) for each catalogued sink this site hits directly."""
    out: list[tuple[str, str]] = []
    for t in res.targets:
        if program.is_loop_runner(t):
            out.append((LOOP, t.name))
            continue
        s = program.sink(t)
        if s is None:
            continue
        cat = program.sinks[s].category
        if cat == "file" and t.how == "call" and program.reads_memory(site, func):
            continue
        if t.how == "call" and _nonblocking_call(program, s, site, func):
            continue
        out.append((cat, s))
    return out


def _nonblocking_call(program: Program, sink: str, site: Site, func: Func) -> bool:
    """`executor.shutdown(wait=False)`, `q.get(block=False)`, `flock(fd, LOCK_EX | LOCK_NB)`,
    `Connection(host, config=cfg)`, a method of a socket this function made non-blocking:
    the catalogued API, called so that it returns at once."""
    if sink.startswith("socket.socket.") and site.callee[0] == "a" and site.callee[1][0] == "n" \
            and site.callee[1][1] in func.nonblocking:
        return True
    for keyword, position, value in NONBLOCKING_ARGS.get(sink, ()):
        given = next((e for k, e in site.kwargs if k == keyword), None)
        if given is None and position is not None and position < len(site.args):
            given = site.args[position]
        if given is None:
            continue
        if isinstance(value, Given):
            if not (given[0] == "k" and given[1] is None):
                return True
        elif isinstance(value, AnyFlag):
            if _has_flag(program, given, func, program.modules[func.module], value.names):
                return True
        elif given[0] == "k" and given[1] == value and type(given[1]) is type(value):
            return True
    return False


def _has_flag(program: Program, e: Expr, func: Func | None, mod: ModuleFacts, names: frozenset[str],
              depth: int = 0) -> bool:
    """Whether constants `a | b | ...` include one of `names`, on every value `e` may have
    (each branch of `x if c else y`, each assignment of a local or module constant).  A
    parameter, or anything else, may be any value: no."""
    if depth > 4:
        return False
    tag = e[0]
    if tag == "b" and e[1] == "|":
        return any(_has_flag(program, side, func, mod, names, depth + 1) for side in (e[2], e[3]))
    if tag == "u":
        return all(_has_flag(program, alt, func, mod, names, depth + 1) for alt in e[1])
    if tag == "n":
        if func is not None and any(p.name == e[1] for p in func.params):
            return False
        if func is not None and e[1] in func.locals:
            scope, bound = func, func.locals[e[1]]
        else:
            scope, bound = None, mod.globals.get(e[1], ())
        if bound:
            return all(_has_flag(program, b, scope, mod, names, depth + 1) for b in bound)
    if tag in ("n", "a"):
        return any(v[0] == "x" and v[1] in names for v in program.values(e, func, mod))
    return False


def find_roots(program: Program) -> dict[str, str]:
    roots: dict[str, str] = {}
    functions = program.project_functions()
    for f in functions:
        if f.is_async:
            roots[f.qualname] = "async"
    # loop callbacks: protocol methods
    for q in sorted(program.classes):
        c = program.classes[q]
        if c.module not in program.project:
            continue
        for base in program.external_bases(q):
            names = LOOP_CALLBACK_BASES.get(base)
            if names:
                for name, mq in c.methods.items():
                    if name in names and not program.functions[mq].is_async:
                        roots.setdefault(mq, "callback")
    # loop callbacks: functions declared to run on the loop by a decorator
    for f in functions:
        if not f.is_async and f.decorators:
            mod = program.modules[f.module]
            scope = program.functions.get(f.parent) if f.parent else None
            for d in f.decorators:
                if any(v[0] in ("x", "fn") and v[1] in program.loop_decorators for v in program.values(d, scope, mod)):
                    roots.setdefault(f.qualname, "callback")
    # loop callbacks: functions handed to registrars anywhere in the project
    for f in functions:
        for site in f.sites:
            if site.kind != CALL or last_name(site.callee) not in program.registrars.last_names:
                continue
            res = program.resolve_site(site, f)
            for cb in res.scheduled:
                cf = program.functions.get(cb)
                if cf is not None and not cf.is_async:
                    roots.setdefault(cb, "callback")
    return roots


def follows(program: Program, t: Target) -> Func | None:
    """The sync program function a site runs synchronously, if target t is one."""
    if t.kind != "fn":
        return None
    f = program.functions.get(t.name)
    if f is None or f.is_async or t.name in program.sinks:  # a configured sink is a leaf
        return None
    return f


def analyze_reach(program: Program, *, full: bool = False) -> Reach:
    """Walk from the event-loop contexts (and, when `full`, from every project function)."""
    r = Reach(program, roots=find_roots(program))
    seeds = set(r.roots)
    seeds.update(f.qualname for f in program.project_functions() if full or f.loop_probe)
    seen: set[str] = set(seeds)
    queue: deque[str] = deque(sorted(seeds))
    edges_into = r.edges_into
    direct = r.direct
    edges_from: dict[str, set[str]] = {}
    while queue and len(seen) < _MAX_FUNCTIONS:
        q = queue.popleft()
        f = program.functions[q]
        in_project = f.module in program.project
        resolutions = []
        for i, site in enumerate(f.sites):
            res = program.resolve_site(site, f)
            resolutions.append(res)
            if res.offloaded or res.offloader:
                r.offloaded.update(res.offloaded)
                if in_project:
                    r.compliant.append((f, site, f"offloaded:{res.offloader}"))
                continue
            if site.no_loop:
                continue
            if not (f.is_async and site.awaited):
                for cat, sink in _site_sink(program, site, res, f):
                    direct.setdefault(q, []).append((cat, sink, i))
            if in_project and f.is_async and site.kind == CALL:
                for t in res.targets:
                    if t.kind == "ext" and t.name in STRUCTURED_CONCURRENCY:
                        r.compliant.append((f, site, f"structured:{STRUCTURED_CONCURRENCY[t.name]}"))
            if in_project and f.is_async and site.awaited and q in r.roots:
                cat = next((c for t in res.targets if t.kind == "ext" for c in (async_io_category(t.name),) if c),
                           None)
                if cat is not None:
                    r.compliant.append((f, site, f"awaited:{cat}"))
            for t in res.targets:
                g = follows(program, t)
                if g is None:
                    continue
                edges_into.setdefault(g.qualname, []).append((q, i))
                edges_from.setdefault(q, set()).add(g.qualname)
                if g.qualname not in seen:
                    seen.add(g.qualname)
                    queue.append(g.qualname)
        r.resolutions[q] = resolutions
    _count_sites_on_loop(r, edges_from)
    # backward BFS per category; async functions do not pass effects to their callers
    cats = sorted({c for lst in direct.values() for c, _, _ in lst})
    for cat in cats:
        frontier: deque[str] = deque()
        for q in sorted(direct):
            f = program.functions[q]
            if f.is_async or r.roots.get(q) == "callback":
                continue
            for c, sink, i in direct[q]:
                if c == cat:
                    r.steps.setdefault(q, {})[cat] = _Step(f.sites[i], sink, True)
                    frontier.append(q)
                    break
        while frontier:
            q = frontier.popleft()
            for caller, i in sorted(edges_into.get(q, ())):
                cf = program.functions[caller]
                if cf.is_async or r.roots.get(caller) == "callback":
                    continue
                got = r.steps.setdefault(caller, {})
                if cat not in got:
                    got[cat] = _Step(cf.sites[i], q, False)
                    frontier.append(caller)
    r.steps = {k: v for k, v in r.steps.items() if v}
    return r


def _count_sites_on_loop(r: Reach, edges_from: dict[str, set[str]]) -> None:
    """Resolution statistics over the project's call sites on event-loop paths."""
    on_loop = set(r.roots)
    stack = sorted(r.roots)
    while stack:
        for g in sorted(edges_from.get(stack.pop(), ())):
            if g not in on_loop:
                on_loop.add(g)
                stack.append(g)
    for q in on_loop:
        f = r.program.functions[q]
        if f.module not in r.program.project:
            continue
        for site, res in zip(f.sites, r.resolutions.get(q, ())):
            if site.kind == CALL:
                r.call_sites += 1
                lost = r.program.unfound_call(res)  # a call into a module not found is not resolved
                if lost is None:
                    r.resolved_sites += res.resolved
                else:
                    r.unfound_calls[lost] = r.unfound_calls.get(lost, 0) + 1


def _chain(r: Reach, start: Func, site: Site, first_target: str, cat: str, locate: Locate,
           leaf: bool) -> Chain:
    hops = [Hop(locate(start, site), start.qualname, expr_text(site.callee), first_target, site.in_loop)]
    sink = first_target
    cur = first_target
    # Steps were assigned breadth-first from the sinks: each one is one call closer to its
    # leaf, so following them always ends there, however long the chain (no cut: a cut
    # chain would end on a helper and name it as the blocking call).  The bound only
    # guards against a broken invariant, never against the input.
    guard = len(r.steps) + 1
    while not leaf and guard > 0:
        guard -= 1
        f = r.program.functions[cur]
        step = r.steps[cur][cat]
        hops.append(Hop(locate(f, step.site), f.qualname, expr_text(step.site.callee), step.target,
                        step.site.in_loop))
        if step.leaf:
            sink = step.target
            break
        cur = step.target
    return Chain(cat, sink, tuple(hops))


def chains_from(r: Reach, q: str, locate: Locate) -> tuple[Chain, ...]:
    """The shortest chain from inside sync function q to each kind of blocking call it reaches."""
    out = []
    f = r.program.functions[q]
    for cat, step in sorted(r.steps.get(q, {}).items()):
        out.append(_chain(r, f, step.site, step.target, cat, locate, step.leaf))
    return tuple(out)


def boundary_chains(r: Reach, q: str, locate: Locate) -> dict[int, dict[str, Chain]]:
    """Root q's boundary sites that block: site index -> leaf category -> the shortest chain.

    A site hits a sink directly (a chain of one hop) or calls a sync function that
    reaches one (the boundary hop, then that function's chain)."""
    program = r.program
    f = program.functions[q]
    by_site: dict[int, dict[str, Chain]] = {}
    for cat, sink, i in r.direct.get(q, ()):
        site = f.sites[i]
        by_site.setdefault(i, {}).setdefault(cat, _chain(r, f, site, sink, cat, locate, True))
    for i, (site, res) in enumerate(zip(f.sites, r.resolutions.get(q, ()))):
        if res.offloaded or res.offloader or site.no_loop:
            continue
        for t in res.targets:
            g = follows(program, t)
            if g is None or g.qualname not in r.steps:
                continue
            for cat in sorted(r.steps[g.qualname]):
                cur = by_site.setdefault(i, {})
                chain = _chain(r, f, site, g.qualname, cat, locate, False)
                if cat not in cur or len(chain.hops) < len(cur[cat].hops):
                    cur[cat] = chain
    return by_site


def compliant_sites(r: Reach, locate: Locate) -> list[CompliantSite]:
    out = [CompliantSite(locate(f, s), f.qualname, expr_text(s.callee), how) for f, s, how in r.compliant
           if r.roots.get(f.qualname)]
    out.sort(key=lambda c: (c.location.path, c.location.line, c.location.column))
    return out
