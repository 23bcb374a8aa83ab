"""Audit stage: findings -> the standards audit a senior reviewer would write.

Groups related findings into violations, quotes the real code of each chain as evidence,
writes concrete recommendations, picks the best compliant examples, computes the score
and the Severity, Trend and Risk lines.  Everything here is a pure function of the
`AnalysisResult` (plus, for the trend, a previous report or the tree's git history), so
the same tree gives the same report, byte for byte, but for the date.

Score: the formula is `score.score` (documented there and in the README); this module
says which sites it weighs.  The I/O sites are those in event-loop contexts: compliant
ones are offloaded (`asyncio.to_thread`, ...) or awaited async I/O APIs; the others are
the boundaries of blocking-call findings.  Test code is left out.  Every count the
report prints is computed once, in `Tally`; suppressed and baselined findings are counted
there too, never dropped in silence.

Text: titles, recommendations and examples quote names and calls from the code, as
Markdown code spans (`report.markdown.code_span`); nothing stands in for a name the
audit could not read (no `a blocking call`, no `(...)` where the arguments are known).

Trend: violations are matched across reports by the baseline fingerprints of their sites
(`baseline.fingerprints`), not by number or grouping.
"""

from __future__ import annotations

import ast
import datetime as _dt
import hashlib
import json
import os
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from asyncaudit.baseline import Baseline, fingerprints
from asyncaudit.catalog import CATEGORIES, OFFLOADERS, SINKS
from asyncaudit.catalog.blocking import LOOP
from asyncaudit.model import AnalysisResult, CompliantSite, Finding, Location, Severity
from asyncaudit.report.markdown import code_paths
from asyncaudit.report.markdown import code_span as code
from asyncaudit.score import WEIGHT
from asyncaudit.score import score as weigh
from asyncaudit.score import status as status_of
from asyncaudit.sourcetext import SourceText

STANDARD = "async-first-design"
CATEGORY = "python"
IMPORTANCE = "High"
_DEEP = 3  # chains longer than this stay their own violation
_WEIGHTS = ", ".join(f"{s.label} {WEIGHT[s]}" for s in sorted(Severity, reverse=True))  # "Critical 8, ..."
_MAX_EVIDENCE_FUNCS = 7
_MAX_LINE = 100
_BLOCKING = re.compile(r"^AA(1\d\d|201)$")


@dataclass(slots=True)
class Violation:
    id: str
    title: str
    severity: Severity
    reason: str
    findings: list[Finding]
    evidence: list[str]
    recommendation: str
    fingerprints: list[str] = field(default_factory=list)  # one per finding: baseline.fingerprints
    baselined: list[bool] = field(default_factory=list)  # one per finding: accepted in the baseline

    @property
    def location(self) -> Location:
        return self.findings[0].location


@dataclass(slots=True)
class Example:
    location: Location
    text: str
    kind: str


@dataclass(slots=True)
class Trend:
    line: str
    previous: str | None = None
    fixed: list[dict[str, str]] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    still_open: list[str] = field(default_factory=list)
    fixed_sites: int = 0  # sites of the previous report gone (by fingerprint)
    new_sites: int = 0  # sites not in the previous report


@dataclass(frozen=True, slots=True)
class Tally:
    """Every count the report prints, computed once (`tally`): the Summary, the Scoring
    Rationale and the Trend read them from here, so they cannot disagree."""

    blocking: int = 0  # boundary sites of blocking findings: the score's blocking sites
    offloaded: int = 0  # compliant I/O sites handed to an offloader
    awaited: int = 0  # compliant I/O sites awaiting an async I/O API
    structured: int = 0  # TaskGroup / gather fan-outs: follow the standard, are no I/O sites
    design: int = 0  # findings of the other rules (AA3xx)
    suppressed: int = 0  # silenced by `# asyncaudit: ignore`: listed, not scored
    baselined: int = 0  # accepted in the baseline file: scored and listed like any other
    test_code: int = 0  # findings in test code: not audited

    @property
    def compliant(self) -> int:
        """Compliant I/O sites: the score's compliant sites."""
        return self.offloaded + self.awaited

    @property
    def io_sites(self) -> int:
        return self.compliant + self.blocking


@dataclass(slots=True)
class Audit:
    date: str
    score: int | None
    status: str
    violations: list[Violation]
    examples: list[Example]
    summary: str
    coverage: str
    severity: str
    trend: Trend
    risk: str
    excluded_test_findings: int = 0
    data: dict[str, object] = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)
    suppressed: list[Finding] = field(default_factory=list)  # outside test code, in source order
    baseline: str | None = None  # the baseline file read, as given


# ---- source access ---------------------------------------------------------------------

def _trim(text: str) -> str:
    text = text.rstrip()
    return text if len(text) <= _MAX_LINE else text[:_MAX_LINE - 3].rstrip() + "..."


def rel(path: str, root: Path) -> str:
    try:
        return Path(os.path.relpath(Path(path).absolute(), root.absolute())).as_posix()
    except ValueError:
        return Path(path).as_posix()


# ---- grouping ------------------------------------------------------------------------------

def _group_key(f: Finding) -> tuple[str, str]:
    if not _BLOCKING.match(f.code):
        return ("rule", f"{f.code}:{f.function}")
    top = max(f.chains, key=lambda c: len(c.hops))
    if len(top.hops) > _DEEP:
        return ("deep", f.chains[0].hops[0].target)
    return ("shallow", f.function)


def group(findings: list[Finding]) -> list[list[Finding]]:
    """Related findings -> one violation.

    Sites that reach blocking I/O through a deep chain (more than three hops) are grouped
    by the helper at their boundary, across async functions: one root cause.  Shallow
    sites are grouped by the set of async functions they occur in, so the progress read
    and the report write of the same pipeline functions are one violation.  Other rules'
    findings attach to the blocking violation whose chains pass through their function,
    or stand alone.
    """
    deep: dict[str, list[Finding]] = {}
    shallow_by_fn: dict[str, list[Finding]] = {}
    others: list[Finding] = []
    for f in findings:
        kind, key = _group_key(f)
        if kind == "deep":
            deep.setdefault(key, []).append(f)
        elif kind == "shallow":
            shallow_by_fn.setdefault(key, []).append(f)
        else:
            others.append(f)
    # shallow: merge async functions that share a boundary helper
    targets_of = {fn: {c.hops[0].target for x in fs for c in x.chains} for fn, fs in shallow_by_fn.items()}
    parent = {fn: fn for fn in shallow_by_fn}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_target: dict[str, str] = {}
    for fn in sorted(shallow_by_fn):
        for t in sorted(targets_of[fn]):
            if t in by_target and "." in t and not t.startswith(("builtins.", "pathlib.", "os.")):
                parent[find(fn)] = find(by_target[t])
            by_target.setdefault(t, fn)
    shallow: dict[str, list[Finding]] = {}
    for fn in sorted(shallow_by_fn):
        shallow.setdefault(find(fn), []).extend(shallow_by_fn[fn])
    groups = [sorted(g, key=_order) for g in (*deep.values(), *shallow.values())]
    # other rules: attach where their function is a hop of a blocking chain
    hop_owner: dict[str, int] = {}
    for i, g in enumerate(groups):
        for f in g:
            for c in f.chains:
                for h in c.hops:
                    hop_owner.setdefault(h.target, i)
    standalone: dict[str, list[Finding]] = {}
    for f in sorted(others, key=_order):
        owner = hop_owner.get(f.function)
        if owner is not None and f.code in ("AA301", "AA302"):
            groups[owner].append(f)
        else:
            standalone.setdefault(_standalone_key(f), []).append(f)
    groups.extend(standalone.values())
    return groups


def _standalone_key(f: Finding) -> str:
    # structured-concurrency findings are one pattern across the codebase; sync network
    # APIs one per file (a client class and its methods); the others one per function
    if f.code in ("AA304", "AA305"):
        return f.code
    if f.code == "AA306":
        return f"{f.code}:{f.location.path}"
    return f"{f.code}:{f.function}"


def _order(f: Finding) -> tuple[str, int, int, str]:
    return (f.location.path, f.location.line, f.location.column, f.code)


# ---- evidence --------------------------------------------------------------------------------

def _def_header(src: SourceText, path: str, line: int) -> str:
    text = src.line(path, line)
    stripped = text.strip()
    if stripped.startswith("@"):  # decorated: find the def below
        for n in range(line, line + 20):
            t = src.line(path, n)
            if t.lstrip().startswith(("def ", "async def ")):
                text, stripped = t, t.strip()
                break
    indent = text[: len(text) - len(text.lstrip())]
    m = re.match(r"(async\s+def|def)\s+(\w+)", stripped)
    if not m:
        return _trim(text)
    if stripped.endswith(":") and len(text) <= _MAX_LINE:
        return text.rstrip()
    return f"{indent}{m.group(1)} {m.group(2)}(...):"


def evidence(fs: list[Finding], src: SourceText, defs: dict[str, tuple[str, int]]) -> list[str]:
    """Code blocks: each function of the violation, its def line and the lines of its hops."""
    order: list[str] = []
    shown: dict[str, set[int]] = {}
    paths: dict[str, str] = {}

    def add(func: str, path: str, line: int) -> None:
        if func not in shown:
            order.append(func)
            shown[func] = set()
            paths[func] = path
        shown[func].add(line)

    for f in fs:
        add(f.function, f.location.path, f.location.line)
    for f in fs:
        for c in f.chains:
            for h in c.hops[1:]:
                add(h.function, h.location.path, h.location.line)
    blocks: list[str] = []
    current: list[str] = []
    last_path = None
    for func in order[:_MAX_EVIDENCE_FUNCS]:
        path = paths[func]
        def_path, def_line = defs.get(func, (path, 0))
        lines = sorted(shown[func])
        if def_line and def_line in lines:
            lines.remove(def_line)  # the finding is the def itself (AA301, AA306)
        chunk = []
        if def_line:
            chunk.append(_def_header(src, def_path, def_line))
        prev = def_line
        for n in lines:
            text = src.line(path, n)
            if not text.strip():
                continue
            if prev and n > prev + 1:
                indent = text[: len(text) - len(text.lstrip())]
                chunk.append(f"{indent}...")
            chunk.append(_trim(text))
            prev = n
        if last_path is not None and path != last_path and current:
            blocks.append(_dedent("\n".join(current)))
            current = []
        if current:
            current.append("")
        current.extend(chunk)
        last_path = path
    if current:
        blocks.append(_dedent("\n".join(current)))
    if len(order) > _MAX_EVIDENCE_FUNCS:
        blocks[-1] += f"\n# ... and {len(order) - _MAX_EVIDENCE_FUNCS} more functions on these chains"
    return blocks


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indents = [len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()]
    cut = min(indents) if indents else 0
    return "\n".join(ln[cut:] for ln in lines)


# ---- recommendations -------------------------------------------------------------------------

# Text a recommendation may quote only when it was written from the code: the rules'
# generic recommendations hold `(...)` where the audit knows the real arguments, and
# `expr_text` renders what it cannot show as `<expr>` / `[...]` / `lambda`.
_PLACEHOLDER = re.compile(r"<expr>|\[\.\.\.\]|\(\.\.\.\)|, \.\.\.\)|\blambda\b")
_MAX_CALL = 160


def _call(src: SourceText, loc: Location) -> ast.Call | None:
    """The call written at `loc`, parsed from the source (None: not a call, or unreadable)."""
    seg = src.segment(loc)
    try:
        node = ast.parse(seg.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None
    return node if isinstance(node, ast.Call) else None


def _args(node: ast.Call) -> list[str]:
    parts = [ast.unparse(a) for a in node.args]
    parts += [f"{k.arg}={ast.unparse(k.value)}" if k.arg else f"**{ast.unparse(k.value)}" for k in node.keywords]
    return parts


def callee_text(src: SourceText, f: Finding) -> str:
    """The boundary callee as written: from the source when the finding's own rendering
    of it stands in for something (`<expr>`, `x[...]`, `lambda`)."""
    if not _PLACEHOLDER.search(f.callee):
        return f.callee
    node = _call(src, f.location)
    if node is not None:
        return ast.unparse(node.func)
    seg = " ".join(src.segment(f.location).split())
    return seg if seg and len(seg) <= _MAX_CALL else f.callee


def to_thread_call(src: SourceText, f: Finding) -> str | None:
    """`await asyncio.to_thread(func, args...)` for the boundary call, from its source
    (None: the boundary is no call, or the call is too long to quote)."""
    node = _call(src, f.location)
    if node is None:
        return None
    text = f"await asyncio.to_thread({', '.join([ast.unparse(node.func), *_args(node)])})"
    return text if len(text) <= _MAX_CALL else None


def _boundary_advice(f: Finding, src: SourceText, root: Path | None) -> str:
    """What to do at one blocking boundary, with the call's own text."""
    where = _at(f, root)
    sink = f.chains[0].sink
    alt = SINKS[sink].alternative if sink in SINKS else ""  # catalog only
    if f.code == "AA201":
        return f"await the coroutine instead of calling {code(callee_text(src, f))} ({where})"
    if len(f.chains) == 1 and len(f.chains[0].hops) == 1 and alt.startswith("asyncio."):
        node = _call(src, f.location)
        if alt == "asyncio.sleep" and node is not None:  # same arguments, awaited
            awaited = f"await asyncio.sleep({', '.join(_args(node))})"
            return f"{code(awaited)} instead of {code(ast.unparse(node))} ({where})"
        alts = _join([code(a.strip()) for a in alt.split(" / ")], "or")
        return f"use {alts} instead of {code(callee_text(src, f))} ({where})"
    t = to_thread_call(src, f)
    if t:
        return f"{code(t)} ({where})"
    node = _call(src, f.location)
    if node is not None:  # a call too long to quote: name what to hand over
        return f"pass {code(ast.unparse(node.func))} and its arguments to {code('asyncio.to_thread')} ({where})"
    return f"move the use of {code(callee_text(src, f))} into a function run with {code('asyncio.to_thread')} ({where})"


def recommendation(fs: list[Finding], src: SourceText, root: Path | None = None) -> str:
    """The violation's recommendation: the boundary calls rewritten, then the better fix
    (make the helpers async) and what each other rule asks, every name from the code."""
    blocking = [f for f in fs if _BLOCKING.match(f.code)]
    parts: list[str] = []
    if blocking:
        calls = list(dict.fromkeys(_boundary_advice(f, src, root) for f in blocking))
        shown = calls[:4]
        more = f", and the {len(calls) - 4} other sites listed" if len(calls) > 4 else ""
        parts.append("At the boundary: " + "; ".join(shown) + more + ".")
        helpers = sorted({short_name(f.chains[0].hops[0].target) for f in blocking if len(f.chains[0].hops) > 1})
        kinds = sorted({c.category for f in blocking for c in f.chains} - {LOOP})
        advice = "; ".join(dict.fromkeys(_advice(CATEGORIES[k].advice) for k in kinds))
        ctors = [h for h in helpers if h.endswith(("__init__", "__new__"))]
        helpers = [h for h in helpers if h not in ctors]
        if helpers:
            names = _join([code(h) for h in helpers[:5]], more=len(helpers) - 5)
            parts.append(f"Better, make {names} async and await {'it' if len(helpers) == 1 else 'them'}"
                         + (f" ({advice})." if advice else "."))
        if ctors:
            names = _join([code(h) for h in ctors[:5]], more=len(ctors) - 5)
            parts.append(f"A constructor cannot be awaited: move the blocking I/O out of {names} into an async "
                         "factory or setup method" + (f" ({advice})." if advice and not helpers else "."))
        if not helpers and not ctors and advice and not all(" instead of " in c for c in calls):
            parts.append(f"Or move to async I/O: {advice}.")
    by_code: dict[str, list[Finding]] = {}
    for f in fs:
        if not _BLOCKING.match(f.code):
            by_code.setdefault(f.code, []).append(f)
    for code_, group_ in by_code.items():
        if len(group_) == 1:
            parts.append(f"{code_} ({_at(group_[0], root)}): {_rule_advice(group_[0])}.")
        elif code_ in ("AA301", "AA306"):  # one helper per site: name them all
            names = _join(list(dict.fromkeys(code(f.callee) for f in group_)))
            parts.append(f"{code_}: make {names} {code('async def')} on async I/O and await them.")
        else:
            parts.append(f"{code_}, at each of the {len(group_)} sites listed: {_rule_advice(group_[0])}.")
    return " ".join(dict.fromkeys(parts))


_API_CALL = re.compile(r"(?:await )?([A-Za-z_][\w.]*)\(\.\.\.\)")


def _advice(text: str) -> str:
    """A category's advice with its API calls named, not sketched: `await asyncio.sleep(...)`
    -> `asyncio.sleep` (the audit quotes real calls only)."""
    return _API_CALL.sub(lambda m: code(m.group(1)), text)


def _rule_advice(f: Finding) -> str:
    """Another rule's advice for one finding, with its names (the rules' own wording
    holds `(...)` where this finding's calls are known)."""
    fn = short_name(f.function)
    if f.code == "AA302":
        calls = _join(list(dict.fromkeys(code(c.hops[0].callee) for c in f.chains)))
        return (f"make {code(fn)} {code('async def')}, and await async replacements of its blocking calls"
                + (f" ({calls})" if calls else "") + f" or offload them with {code('asyncio.to_thread')}")
    if f.code == "AA304":
        return (f"run the iterations concurrently: one task per item in an {code('asyncio.TaskGroup')} "
                f"(or the awaitables passed to {code('asyncio.gather')})")
    return f.recommendation


def short_name(q: str) -> str:
    """A qualified name as the report shows it: its last part, with the class for a
    dunder method (`Store.__init__`, not a bare `__init__`)."""
    parts = q.split(".")
    if len(parts) > 1 and parts[-1].startswith("__") and parts[-1].endswith("__"):
        return ".".join(parts[-2:])
    return parts[-1]


def _at(f: Finding, root: Path | None) -> str:
    """`path:line` of a finding as a code span: relative to `root`, else the file name."""
    loc = f.location
    name = rel(loc.path, root) if root is not None else PurePath(loc.path).name
    return code(f"{name}:{loc.line}")


def _title(fs: list[Finding], root: Path | None = None) -> str:
    blocking = [f for f in fs if _BLOCKING.match(f.code)]
    if not blocking:
        f = fs[0]
        fn = code(short_name(f.function))
        titles = {
            "AA301": f"Sync helper {fn} does I/O but is only called from async code",
            "AA302": f"{fn} asserts it runs in an event loop, then blocks it",
            "AA303": f"{fn} starts an event loop outside an entry point",
            "AA304": f"Independent awaits run one at a time in {_count(fs, 'loop', root)}",
            "AA305": f"Tasks created and dropped ({_count(fs, 'site', root)})",
            "AA306": (f"Public sync API {fn} does network I/O" if len(fs) == 1 else
                      f"{len(fs)} public sync APIs in {_file(f.location.path, root)} do network I/O"),
        }
        return titles.get(f.code, str(f.message))
    kinds = [CATEGORIES[c].title for c in dict.fromkeys(c.category for f in blocking for c in f.chains)]
    kind = _join(kinds) if len(kinds) <= 4 else _join(kinds[:3], more=len(kinds) - 3)
    fns = list(dict.fromkeys(short_name(f.function) for f in blocking))
    where = _join([code(n) for n in fns[:3]], more=len(fns) - 3)
    depth = max(len(c.hops) for f in blocking for c in f.chains)
    if depth > _DEEP:
        helper = short_name(blocking[0].chains[0].hops[0].target)
        return (f"Async {where} reach{'es' if len(fns) == 1 else ''} blocking {kind} through {code(helper)} "
                f"({depth - 1}-call chain)")
    return f"Synchronous {kind} inside async {where}"


def _file(path: str, root: Path | None) -> str:
    return code(rel(path, root) if root is not None else PurePath(path).name)


def _count(fs: list[Finding], noun: str, root: Path | None = None) -> str:
    files = len({f.location.path for f in fs})
    text = _plural(len(fs), noun)
    return text + (f" in {files} files" if files > 1 else f" in {_file(fs[0].location.path, root)}")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _join(items: list[str], word: str = "and", *, more: int = 0) -> str:
    """`a, b and c`; with `more` > 0 the items are the first of a longer list: `a, b, c and 4 more`."""
    if more > 0:
        return ", ".join(items) + f" {word} {more} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _violation_id(fs: list[Finding]) -> str:
    # the root cause only: rule findings attached to a blocking group do not change its id
    fs = [f for f in fs if _BLOCKING.match(f.code)] or fs
    kind, key = _group_key(fs[0])
    keys = sorted({_group_key(f)[1] for f in fs})
    text = "\x1f".join([kind, *keys])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]  # any file name


# ---- compliant examples ----------------------------------------------------------------------

def examples(sites: list[CompliantSite], src: SourceText | None = None) -> list[Example]:
    """The best real instances of the standard followed, one per file, by kind."""
    src = src or SourceText()
    out: list[Example] = []
    used_files: set[str] = set()
    # async layers: classes whose methods offload their blocking I/O
    by_class: dict[str, list[CompliantSite]] = {}
    for c in sites:
        if c.how.startswith("offloaded"):
            owner = c.function.rsplit(".", 1)[0]
            if owner.rsplit(".", 1)[-1][:1].isupper():
                by_class.setdefault(owner, []).append(c)
    for owner, cs in sorted(by_class.items(), key=lambda kv: (-len({c.function for c in kv[1]}), kv[0])):
        methods = sorted({c.function.rsplit(".", 1)[-1] for c in cs})
        if len(methods) < 2:
            continue
        offloaders = _join([code(o) for o in sorted({c.how.split(":", 1)[1] for c in cs})])
        out.append(Example(cs[0].location, f"{code(owner.rsplit('.', 1)[-1])} offloads the blocking I/O of "
                           f"{len(methods)} async methods ({_join([code(m) for m in methods[:4]], more=len(methods) - 4)}) "
                           f"with {offloaders}", "layer"))
        used_files.add(cs[0].location.path)
        if len(out) >= 2:
            break
    kinds = (
        ("taskgroup", lambda c: c.how == "structured:TaskGroup",
         lambda c: f"{code(_fn(c))} runs concurrent work in an {code('asyncio.TaskGroup')}"),
        ("gather", lambda c: c.how == "structured:gather",
         lambda c: f"{code(_fn(c))} awaits independent work concurrently with {code('asyncio.gather')}"),
        ("offload", lambda c: c.how.startswith("offloaded"), lambda c: _offload_text(c, src)),
        ("awaited", lambda c: c.how.startswith("awaited"),
         lambda c: f"{code(_fn(c))} awaits async {CATEGORIES[_kind(c)].title if _kind(c) in CATEGORIES else _kind(c)} "
                   f"({code(c.callee)})"),
    )
    for kind, pred, text in kinds:
        for c in sites:
            if pred(c) and c.location.path not in used_files:
                out.append(Example(c.location, text(c), kind))
                used_files.add(c.location.path)
                break
    return out[:6]


def _fn(c: CompliantSite) -> str:
    return short_name(c.function)


def _kind(c: CompliantSite) -> str:
    return c.how.split(":", 1)[1]


def offloaded_callable(c: CompliantSite, src: SourceText) -> str | None:
    """The callable an offloading call hands to its offloader, as written (the slot of
    catalog `OFFLOADERS`: `asyncio.to_thread(f, ...)` -> `f`, `loop.run_in_executor(None, f)`
    -> `f`); None when the call cannot be read or passes it in another way."""
    node = _call(src, c.location)
    if node is None:
        return None
    offloader = _kind(c)
    slot = next((s for s in OFFLOADERS if offloader in (s.qualname, s.method)), None)
    arg, keyword = (slot.arg, slot.keyword) if slot is not None else (0, None)
    for k in node.keywords:
        if keyword is not None and k.arg == keyword:
            return ast.unparse(k.value)
    if len(node.args) > arg and not any(isinstance(a, ast.Starred) for a in node.args[:arg + 1]):
        text = ast.unparse(node.args[arg])
        return text if len(text) <= _MAX_CALL else None
    return None


def _offload_text(c: CompliantSite, src: SourceText) -> str:
    handed = offloaded_callable(c, src)
    with_ = code(_kind(c))
    if handed is None:
        return f"{code(_fn(c))} runs its blocking work off the event loop with {with_}"
    return f"{code(_fn(c))} offloads {code(handed)} with {with_}"


# ---- score -----------------------------------------------------------------------------------

def is_io_site(c: CompliantSite) -> bool:
    """A compliant site the score counts: offloaded or awaited async I/O (not a TaskGroup)."""
    return c.how.startswith(("offloaded", "awaited"))


def compliant_severity(c: CompliantSite) -> Severity:
    """Base severity of a compliant site: its awaited I/O's category; an offloaded call's
    category is not known, so it weighs Medium."""
    kind = c.how.split(":", 1)[1] if c.how.startswith("awaited:") else None
    if kind in CATEGORIES:
        return CATEGORIES[kind].severity
    return Severity.MEDIUM


def blocking_severity(f: Finding) -> Severity:
    """Base severity of a blocking boundary: its most severe leaf category (not the
    finding's adjusted severity), Medium for a finding without chains."""
    sevs = [CATEGORIES[c.category].severity for c in f.chains]
    return max(sevs) if sevs else Severity.MEDIUM


# ---- trend -----------------------------------------------------------------------------------

_DATA = re.compile(r"<!--\s*asyncaudit-data:\s*(\{.*?\})\s*-->", re.S)


def read_previous(path: Path) -> dict[str, object] | None:
    """The trend data of an earlier report: the data comment of a Markdown report, or the
    same fields from a JSON one (`audit --format json`); None when it has neither."""
    try:
        text = path.read_text(encoding="utf-8")
        m = _DATA.search(text)
        data = json.loads(m.group(1)) if m else _from_json_report(text)
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _from_json_report(text: str) -> dict[str, object] | None:
    doc = json.loads(text)
    if not isinstance(doc, dict) or doc.get("standard") != STANDARD or not isinstance(doc.get("violations"), list):
        return None
    violations = []
    for v in doc["violations"]:
        if not isinstance(v, dict) or "id" not in v:
            continue
        entry = {"id": v["id"], "title": v.get("title", v["id"])}
        sites = v.get("sites")
        if isinstance(sites, list) and sites and all(isinstance(x, dict) and "fingerprint" in x for x in sites):
            entry["fingerprints"] = sorted(str(x["fingerprint"]) for x in sites)
        violations.append(entry)
    return {"date": doc.get("date"), "score": doc.get("score"), "violations": violations}


def _prev_violations(prev_data: dict[str, object]) -> list[dict[str, object]]:
    got = prev_data.get("violations")
    return [v for v in got if isinstance(v, dict) and "id" in v] if isinstance(got, list) else []


def trend(violations: list[Violation], previous: Path | None, prev_data: dict[str, object] | None,
          score: int | None, io_sites: list[CompliantSite], root: Path) -> Trend:
    """Fixed, new and still-open violations since `previous`, matched by root cause.

    Each violation carries the baseline fingerprints of its sites (`baseline.fingerprints`:
    file, function, call, rule and chains; no line numbers).  A current violation is still
    open when one of its sites was in a previous violation, new when none was; a previous
    violation is fixed when none of its sites is left.  So fixing one site of a violation
    leaves it open (one site fewer), whatever the grouping and numbering make of the rest.
    A report written before fingerprints were recorded is matched by violation id.
    Without a previous report: the git history of the tree (`_git_trend`).
    """
    if previous is None:
        return _git_trend(violations, io_sites, root)
    if prev_data is None:  # given, but not a report: say so rather than fall back in silence
        return Trend(f"Not computed: {code(previous.as_posix())} is no asyncaudit audit report (no trend data in it).")
    prev = _prev_violations(prev_data)
    by_fp = all(isinstance(v.get("fingerprints"), list) for v in prev) and bool(prev)
    fixed_sites = new_sites = 0
    if by_fp:
        owner: dict[str, int] = {str(fp): i for i, v in enumerate(prev) for fp in v["fingerprints"]}  # type: ignore[union-attr]
        cur_fps = {fp for v in violations for fp in v.fingerprints}
        hits = [{owner[fp] for fp in v.fingerprints if fp in owner} for v in violations]
        matched: set[int] = set().union(*hits) if hits else set()
        shared = Counter(i for hit in hits for i in hit)
        new, still = [], []
        for v, hit in zip(violations, hits, strict=True):
            if not hit:
                new.append(v.title)
                continue
            before = {fp for i in hit for fp in prev[i]["fingerprints"]}  # type: ignore[union-attr]
            gone, added = len(before - cur_fps), len(set(v.fingerprints) - set(owner))
            split = any(shared[i] > 1 for i in hit)  # an earlier violation now reported as several
            note = ", ".join(x for x in (
                "split from an earlier violation" if split else "",
                (f"{gone} of its sites fixed" if split else f"{_plural(gone, 'site')} fixed") if gone else "",
                _plural(added, "new site") if added else "") if x)
            still.append(v.title + (f" ({note})" if note else ""))
        fixed = [v for i, v in enumerate(prev) if i not in matched]
        fixed_sites = len(set(owner) - cur_fps)
        new_sites = len(cur_fps - set(owner))
    else:
        ids = {str(v["id"]) for v in prev}
        cur = {v.id for v in violations}
        fixed = [v for v in prev if str(v["id"]) not in cur]
        new = [v.title for v in violations if v.id not in ids]
        still = [v.title for v in violations if v.id in ids]
    pscore = prev_data.get("score")
    move = ""
    if isinstance(pscore, int) and not isinstance(pscore, bool) and score is not None:
        move = f"; score {pscore} → {score} ({score - pscore:+d})"
    sites = f" ({_plural(fixed_sites, 'site')} fixed, {new_sites} new, matched by root cause)" if by_fp else ""
    date = prev_data.get("date")
    when = f"{date}, " if isinstance(date, str) and date else ""
    line = (f"Since the previous audit ({when}{code(previous.as_posix())}): "
            f"{_plural(len(fixed), 'violation')} fixed, {len(new)} new, {len(still)} still open{sites}{move}.")
    return Trend(line, previous.as_posix(), [{"id": str(v["id"]), "title": str(v.get("title", v["id"]))}
                                             for v in fixed], new, still, fixed_sites, new_sites)


def _git_trend(violations: list[Violation], compliant: list[CompliantSite], root: Path) -> Trend:
    try:
        from asyncaudit.changes import git  # hardened against the tree's own .git/config

        top = git(["rev-parse", "--show-toplevel"], root, timeout=20).decode("utf-8", "surrogateescape").strip()
        head = git(["log", "-1", "--format=%cI", "--no-show-signature"], top, timeout=20).decode().strip()
        since = (_dt.datetime.fromisoformat(head) - _dt.timedelta(days=90)).isoformat()
        out = git(["log", f"--since={since}", "--name-only", "--format=", "--no-show-signature",
                   "--no-textconv", "--no-ext-diff"], top).decode("utf-8", "surrogateescape")
    except (OSError, subprocess.SubprocessError, ValueError):
        return Trend("Not computed: no previous report and no git history for this tree.")
    recent = {str((Path(top) / p).resolve()) for p in out.splitlines() if p.endswith(".py")}
    if not recent:
        return Trend("No Python file changed in the 90 days before the last commit; nothing to compare.")
    sites = [f for v in violations for f in v.findings if _BLOCKING.match(f.code)]

    def share(pred) -> tuple[int, int]:  # noqa: ANN001
        bad = sum(1 for f in sites if pred(f.location.path))
        good = sum(1 for c in compliant if pred(c.location.path))
        return bad, good

    def is_recent(p: str) -> bool:
        return str(Path(p).resolve()) in recent

    rb, rg = share(is_recent)
    ob, og = share(lambda p: not is_recent(p))

    def pct(bad: int, good: int) -> str:
        return f"{100 * good / (good + bad):.0f}% compliant" if good + bad else "no I/O sites"

    verdict = ""
    if rb + rg and ob + og:
        r, o = rg / (rb + rg), og / (ob + og)
        verdict = (" Recent code is more async-first than older code." if r > o + 0.05 else
                   " Recent code is less async-first than older code." if r < o - 0.05 else
                   " Recent and older code are about as async-first.")
    return Trend(f"Files changed in the 90 days before the last commit: {rb} blocking and {rg} compliant "
                 f"I/O sites ({pct(rb, rg)}); older files: {ob} blocking and {og} compliant "
                 f"({pct(ob, og)}).{verdict}")


# ---- the audit -------------------------------------------------------------------------------

def build(result: AnalysisResult, *, root: Path, date: str, previous: Path | None = None,
          defs: dict[str, tuple[str, int]] | None = None, baseline: Baseline | None = None,
          baseline_root: Path | None = None) -> Audit:
    """The audit of one analysis.

    Args:
        result: The analysis (run with every rule: `analyze(..., audit=True)`).
        root: The audited folder: report paths and fingerprints are relative to it.
        date: The report date (YYYY-MM-DD).
        previous: An earlier report, for the trend (else the tree's git history).
        defs: Function -> (path, def line), for the evidence (`result.defs`).
        baseline: Accepted findings (`check --baseline`): still scored and listed, marked
            and counted as baselined.
        baseline_root: The folder the baseline's paths are relative to (default `root`).
    """
    src = SourceText()
    defs = defs or {}
    findings = [f for f in result.findings if f.location.path not in result.test_paths]
    excluded = len(result.findings) - len(findings)
    compliant = [c for c in result.compliant if c.location.path not in result.test_paths]
    suppressed = [f for f in result.suppressed if f.location.path not in result.test_paths]
    s = result.stats
    if s.async_functions == 0 and s.loop_callbacks == 0:
        return _not_applicable(result, date)
    fp_of = dict(zip(map(id, findings), fingerprints(findings, root), strict=True))
    accepted: set[int] = set()
    if baseline is not None:
        new = {id(f) for f in baseline.filter_new(result.findings, baseline_root or root)}
        accepted = {id(f) for f in findings if id(f) not in new}
    violations = []
    for g in group(findings):
        sev = max(f.severity for f in g)
        pool = [f for f in g if _BLOCKING.match(f.code)] or g
        top = max(pool, key=lambda f: (f.severity, -len(f.chains[0].hops) if f.chains else 0))
        violations.append(Violation(_violation_id(g), _title(g, root), sev, code_paths(top.reason), g,
                                    evidence(g, src, defs),
                                    recommendation(g, src, root), [fp_of[id(f)] for f in g],
                                    [id(f) in accepted for f in g]))
    violations.sort(key=lambda v: (-v.severity, v.location.path, v.location.line))
    blocking = [f for f in findings if _BLOCKING.match(f.code)]
    io_sites = [c for c in compliant if is_io_site(c)]
    tally = Tally(
        blocking=len(blocking),
        offloaded=sum(1 for c in io_sites if c.how.startswith("offloaded")),
        awaited=sum(1 for c in io_sites if c.how.startswith("awaited")),
        structured=sum(1 for c in compliant if c.how.startswith("structured")),
        design=len(findings) - len(blocking),
        suppressed=len(suppressed),
        baselined=len(accepted),
        test_code=excluded,
    )
    weighed = weigh([compliant_severity(c) for c in io_sites], [blocking_severity(f) for f in blocking])
    score: int | None = weighed.value
    coverage = _coverage(tally, weighed.compliant_weight, weighed.blocking_weight, weighed.coverage, score)
    by_sev = Counter(v.severity for v in violations)
    sev_counts = ", ".join(f"{by_sev[x]} {x.label}" for x in sorted(Severity, reverse=True) if by_sev[x]) or "none"
    if violations:
        worst = violations[0]
        severity = (f"{_plural(len(violations), 'violation')} ({sev_counts}) over "
                    f"{_plural(sum(len(v.findings) for v in violations), 'site')}. Highest: {worst.severity.label} — "
                    f"{worst.title} ({_at(worst.findings[0], root)}): {worst.reason}.")
    else:
        severity = "No violation."
    status = status_of(score, max((v.severity for v in violations), default=None))
    prev_data = read_previous(previous) if previous else None
    tr = trend(violations, previous, prev_data, score, io_sites, root)
    risk = _risk(violations, blocking)
    summary = _summary(result, violations, blocking, tally, root)
    audit = Audit(date, score, status, violations, examples(compliant, src), summary, coverage, severity, tr,
                  risk, excluded_test_findings=excluded, tally=tally, suppressed=suppressed,
                  baseline=baseline.path.as_posix() if baseline is not None and baseline.path else None)
    audit.data = {
        "standard": STANDARD, "date": date, "score": score, "status": status,
        "violations": [{"id": v.id, "title": v.title, "severity": v.severity.label,
                        "sites": len(v.findings), "fingerprints": sorted(v.fingerprints)} for v in violations],
    }
    return audit


def _coverage(t: Tally, wc: int, wb: int, share: float | None, score: int) -> str:
    if share is None:
        text = ("No I/O site was found in an event-loop context (no blocking call, offload or awaited "
                "async I/O): nothing blocks the loop; score 100 by absence of violations.")
    else:
        text = (f"{t.compliant} of {_plural(t.io_sites, 'I/O site')} in event-loop contexts follow the standard "
                f"({t.offloaded} offloaded, {t.awaited} awaited async I/O); {t.blocking} block the loop. Weighted by "
                f"the base severity of their I/O ({_WEIGHTS}): compliant {wc}, "
                f"blocking {wb}; {wc} / ({wc} + {wb}) = {100 * share:.1f}% → score {score}.")
    return text + _not_scored(t)


def _not_scored(t: Tally) -> str:
    """What the score leaves out or includes on purpose, counted (never silently)."""
    parts = []
    if t.baselined:
        parts.append(f" {_plural(t.baselined, 'finding')} accepted in the baseline {'are' if t.baselined != 1 else 'is'} "
                     "scored like the others (marked baselined in the sites).")
    if t.suppressed:
        parts.append(f" {_plural(t.suppressed, 'finding')} silenced by {code('# asyncaudit: ignore')} comments "
                     f"{'are' if t.suppressed != 1 else 'is'} not scored (listed under Suppressed findings).")
    if t.test_code:
        parts.append(f" {_plural(t.test_code, 'finding')} in test code {'are' if t.test_code != 1 else 'is'} "
                     "not audited.")
    return "".join(parts)


def _risk(violations: list[Violation], blocking: list[Finding]) -> str:
    if not violations:
        return "Low — nothing on the event-loop paths blocks."
    top = max(v.severity for v in violations)
    loops = sum(1 for f in blocking if any(h.in_loop for c in f.chains for h in c.hops))
    hot = sum(1 for f in blocking if "request" in f.reason or "pipeline" in f.reason)
    kinds = Counter(c.category for f in blocking for c in f.chains)
    common = ", ".join(f"{CATEGORIES[k].title} ({n})" for k, n in kinds.most_common(3))
    parts = [f"{top.label} — {_plural(len(blocking), 'blocking site')}"]
    if hot:
        parts.append(f"{hot} on request or long-running pipeline paths, where every block stalls all "
                     "concurrent work")
    if loops:
        parts.append(f"{loops} repeated per item, so the stall grows with the workload")
    if common:
        parts.append(f"most common: {common}")
    return "; ".join(parts) + "."


def _summary(result: AnalysisResult, violations: list[Violation], blocking: list[Finding], t: Tally,
             root: Path) -> str:
    s = result.stats
    text = (f"asyncaudit traced {s.async_functions} async functions and {s.loop_callbacks} event-loop callbacks "
            f"in {s.files} files through {s.reached_functions} functions on event-loop paths "
            f"({100 * s.resolved_share:.0f}% of their call sites resolved). ")
    fanouts = (f", and {_plural(t.structured, 'fan-out')} {'runs' if t.structured == 1 else 'run'} concurrent "
               f"work in a {code('TaskGroup')} or {code('gather')}") if t.structured else ""
    if not violations:
        return text + (f"No blocking call was found on those paths; {t.compliant} of {_plural(t.io_sites, 'I/O site')} "
                       f"are offloaded or awaited async I/O, as the standard asks{fanouts}.")
    n_blocking = sum(1 for v in violations if any(_BLOCKING.match(f.code) for f in v.findings))
    if blocking:
        text += (f"{_plural(len(blocking), 'call site')} {'blocks' if len(blocking) == 1 else 'block'} the event "
                 f"loop, grouped into {_plural(n_blocking, 'violation')}")
        design = len(violations) - n_blocking
        if design:
            text += (f", and {design} more {'violates' if design == 1 else 'violate'} the rest of the standard "
                     "(design, structured concurrency)")
    else:
        text += (f"No call site blocks the event loop; {_plural(len(violations), 'violation')} of the rest of the "
                 "standard (design, structured concurrency)")
    text += ". "
    worst = [v for v in violations if v.severity == violations[0].severity][:2]
    text += f"The highest-impact ({violations[0].severity.label}) are: " + "; ".join(
        f"{v.title.rstrip('.')}" for v in worst) + ". "
    dirs = Counter(str(PurePath(rel(f.location.path, root)).parent) for f in blocking)
    if dirs:
        where = _join([code(d + "/") if d != "." else "the top-level modules" for d, _ in dirs.most_common(3)])
        text += f"Blocking sites are concentrated in {where}. "
    text += (f"{t.compliant} of {_plural(t.io_sites, 'I/O site')} in event-loop contexts already follow the "
             f"standard (offloaded or awaited async I/O){fanouts}.")
    return text.strip()


def _not_applicable(result: AnalysisResult, date: str) -> Audit:
    s = result.stats
    msg = (f"No async code was found in {s.files} files: no `async def` and no event-loop callback. The "
           "Async-First Design standard audits event-loop paths, so there is nothing to score here; "
           "score and status are `n/a` rather than a number that would mean something else.")
    audit = Audit(date, None, "not-applicable", [], [], msg,
                  "Not applicable: no event-loop context.", "Not applicable.",
                  Trend("Not applicable."), "Not applicable: code without an event loop cannot block one.")
    audit.data = {"standard": STANDARD, "date": date, "score": None, "status": "not-applicable",
                  "violations": []}
    return audit


def today() -> str:
    return _dt.date.today().isoformat()
