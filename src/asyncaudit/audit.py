"""Audit stage: findings -> the standards audit a senior reviewer would write.

Groups related findings into violations, quotes the real code of each chain as evidence,
writes concrete recommendations, picks the best compliant examples, computes the score
and the Severity, Trend and Risk lines.  Everything here is a pure function of the
`AnalysisResult` (plus, for the trend, a previous report or the tree's git history), so
the same tree gives the same report, byte for byte, but for the date.

Score: the formula is `score.score` (documented there and in the README); this module
says which sites it weighs.  The I/O sites are those in event-loop contexts: compliant
ones are offloaded (`asyncio.to_thread`, ...) or awaited async I/O APIs; the others are
the boundaries of blocking-call findings.  Test code is left out.
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

from asyncaudit.catalog import CATEGORIES, SINKS
from asyncaudit.catalog.blocking import LOOP
from asyncaudit.model import AnalysisResult, CompliantSite, Finding, Location, Severity
from asyncaudit.score import WEIGHT
from asyncaudit.score import score as weigh
from asyncaudit.score import status as status_of
from asyncaudit.severity import is_test_module
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

def to_thread_call(src: SourceText, f: Finding) -> str | None:
    """`await asyncio.to_thread(func, args...)` for the boundary call, from its source."""
    seg = src.segment(f.location)
    try:
        node = ast.parse(seg.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None
    if not isinstance(node, ast.Call):
        return None
    parts = [ast.unparse(node.func)]
    parts += [ast.unparse(a) for a in node.args]
    parts += [f"{k.arg}={ast.unparse(k.value)}" if k.arg else f"**{ast.unparse(k.value)}" for k in node.keywords]
    text = f"await asyncio.to_thread({', '.join(parts)})"
    return text if len(text) <= 140 else f"await asyncio.to_thread({parts[0]}, ...)"


def recommendation(fs: list[Finding], src: SourceText) -> str:
    blocking = [f for f in fs if _BLOCKING.match(f.code)]
    parts: list[str] = []
    if blocking:
        calls = []
        for f in blocking:
            alt = SINKS[f.chains[0].sink].alternative if f.chains[0].sink in SINKS else ""  # catalog only
            if len(f.chains) == 1 and len(f.chains[0].hops) == 1 and alt.startswith("asyncio."):
                calls.append(f"`await {alt}(...)` instead of `{f.callee}` ({_where(f)})")
                continue
            if f.code == "AA201":
                calls.append(f"await the coroutine instead of `{f.callee}` ({_where(f)})")
                continue
            t = to_thread_call(src, f)
            calls.append(f"`{t}` ({_where(f)})" if t else f"offload `{f.callee}` ({_where(f)})")
        calls = list(dict.fromkeys(calls))
        shown = calls[:4]
        more = f", and the {len(calls) - 4} other sites listed" if len(calls) > 4 else ""
        parts.append("At the boundary: " + "; ".join(shown) + more + ".")
        helpers = sorted({f.chains[0].hops[0].target.rsplit(".", 1)[-1] for f in blocking
                          if len(f.chains[0].hops) > 1})
        kinds = sorted({c.category for f in blocking for c in f.chains} - {LOOP})
        advice = "; ".join(dict.fromkeys(CATEGORIES[k].advice for k in kinds))
        if helpers:
            names = _join([f"`{h}`" for h in helpers[:5]])
            parts.append(f"Better, make {names} async and await {'it' if len(helpers) == 1 else 'them'}"
                         + (f" ({advice})." if advice else "."))
        elif advice and not all("instead of" in c for c in calls):
            parts.append(f"Or move to async I/O: {advice}.")
    by_code: dict[str, list[Finding]] = {}
    for f in fs:
        if not _BLOCKING.match(f.code):
            by_code.setdefault(f.code, []).append(f)
    for code, group_ in by_code.items():
        if len(group_) == 1:
            parts.append(f"{code} ({_where(group_[0])}): {group_[0].recommendation}.")
        elif code in ("AA301", "AA306"):  # one helper per site: name them all
            names = _join(list(dict.fromkeys(f"`{f.callee}`" for f in group_)))
            parts.append(f"{code}: make {names} `async def` on async I/O and await them.")
        else:
            parts.append(f"{code}, at each of the {len(group_)} sites listed: {group_[0].recommendation}.")
    return " ".join(dict.fromkeys(parts))


def _where(f: Finding) -> str:
    return f"{PurePath(f.location.path).name}:{f.location.line}"


def _title(fs: list[Finding]) -> str:
    blocking = [f for f in fs if _BLOCKING.match(f.code)]
    if not blocking:
        f = fs[0]
        fn = f.function.rsplit(".", 1)[-1]
        titles = {
            "AA301": f"Sync helper `{fn}` does I/O but is only called from async code",
            "AA302": f"`{fn}` asserts it runs in an event loop, then blocks it",
            "AA303": f"`{fn}` starts an event loop outside an entry point",
            "AA304": f"Independent awaits run one at a time in {_count(fs, 'loop')}",
            "AA305": f"Tasks created and dropped ({_count(fs, 'site')})",
            "AA306": (f"Public sync API `{fn}` does network I/O" if len(fs) == 1 else
                      f"{len(fs)} public sync APIs in `{PurePath(f.location.path).name}` do network I/O"),
        }
        return titles.get(f.code, f.message)
    kinds = [CATEGORIES[c].title for c in dict.fromkeys(c.category for f in blocking for c in f.chains)]
    kind = _join(kinds[:3])
    fns = list(dict.fromkeys(f.function.rsplit(".", 1)[-1] for f in blocking))
    where = _join([f"`{n}`" for n in fns[:3]]) + (f" and {len(fns) - 3} more" if len(fns) > 3 else "")
    depth = max(len(c.hops) for f in blocking for c in f.chains)
    if depth > _DEEP:
        helper = blocking[0].chains[0].hops[0].target.rsplit(".", 1)[-1]
        return f"Async {where} reach{'es' if len(fns) == 1 else ''} blocking {kind} through `{helper}` ({depth - 1}-call chain)"
    return f"Synchronous {kind} inside async {where}"


def _count(fs: list[Finding], noun: str) -> str:
    files = len({f.location.path for f in fs})
    text = f"{len(fs)} {noun}{'s' if len(fs) != 1 else ''}"
    return text + (f" in {files} files" if files > 1 else f" in {PurePath(fs[0].location.path).name}")


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _violation_id(fs: list[Finding]) -> str:
    # the root cause only: rule findings attached to a blocking group do not change its id
    fs = [f for f in fs if _BLOCKING.match(f.code)] or fs
    kind, key = _group_key(fs[0])
    keys = sorted({_group_key(f)[1] for f in fs})
    text = "\x1f".join([kind, *keys])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# ---- compliant examples ----------------------------------------------------------------------

def examples(sites: list[CompliantSite]) -> list[Example]:
    """The best real instances of the standard followed, one per file, by kind."""
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
        offloader = cs[0].how.split(":", 1)[1]
        out.append(Example(cs[0].location, f"`{owner.rsplit('.', 1)[-1]}` offloads the blocking I/O of "
                           f"{len(methods)} async methods ({_join([f'`{m}`' for m in methods[:4]])}) "
                           f"with `{offloader}`", "layer"))
        used_files.add(cs[0].location.path)
        if len(out) >= 2:
            break
    kinds = (
        ("taskgroup", lambda c: c.how == "structured:TaskGroup",
         lambda c: f"`{_fn(c)}` runs concurrent work in an `asyncio.TaskGroup`"),
        ("gather", lambda c: c.how == "structured:gather",
         lambda c: f"`{_fn(c)}` awaits independent work concurrently with `asyncio.gather`"),
        ("offload", lambda c: c.how.startswith("offloaded"),
         lambda c: f"`{_fn(c)}` offloads `{_offloaded_name(c)}` with `{c.how.split(':', 1)[1]}`"),
        ("awaited", lambda c: c.how.startswith("awaited"),
         lambda c: f"`{_fn(c)}` awaits async {c.how.split(':', 1)[1]} I/O (`{c.callee}`)"),
    )
    for kind, pred, text in kinds:
        for c in sites:
            if pred(c) and c.location.path not in used_files:
                out.append(Example(c.location, text(c), kind))
                used_files.add(c.location.path)
                break
    return out[:6]


def _fn(c: CompliantSite) -> str:
    return c.function.rsplit(".", 1)[-1]


def _offloaded_name(c: CompliantSite) -> str:
    return c.callee if c.callee not in ("asyncio.to_thread", "loop.run_in_executor") else "a blocking call"


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
    try:
        m = _DATA.search(path.read_text(encoding="utf-8"))
        return json.loads(m.group(1)) if m else None
    except (OSError, ValueError):
        return None


def trend(violations: list[Violation], previous: Path | None, prev_data: dict[str, object] | None,
          score: int | None, compliant: list[CompliantSite], root: Path) -> Trend:
    if prev_data is not None and previous is not None:
        prev = {v["id"]: v for v in prev_data.get("violations", [])}  # type: ignore[union-attr]
        cur = {v.id: v for v in violations}
        fixed = [prev[k] for k in prev if k not in cur]
        new = [cur[k].title for k in cur if k not in prev]
        still = [cur[k].title for k in cur if k in prev]
        pscore = prev_data.get("score")
        move = ""
        if isinstance(pscore, int) and score is not None:
            move = f"; score {pscore} → {score} ({score - pscore:+d})"
        line = (f"Since the previous audit ({prev_data.get('date', '?')}, `{previous.as_posix()}`): "
                f"{len(fixed)} violation{'s' if len(fixed) != 1 else ''} fixed, {len(new)} new, "
                f"{len(still)} still open{move}.")
        return Trend(line, previous.as_posix(), [{"id": str(v["id"]), "title": str(v["title"])} for v in fixed],
                     new, still)
    return _git_trend(violations, compliant, root)


def _git_trend(violations: list[Violation], compliant: list[CompliantSite], root: Path) -> Trend:
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=20, check=True).stdout.strip()
        head = subprocess.run(["git", "-C", top, "log", "-1", "--format=%cI"], capture_output=True,
                              text=True, timeout=20, check=True).stdout.strip()
        since = (_dt.datetime.fromisoformat(head) - _dt.timedelta(days=90)).isoformat()
        out = subprocess.run(["git", "-C", top, "log", f"--since={since}", "--name-only", "--format="],
                             capture_output=True, text=True, timeout=60, check=True).stdout
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
          defs: dict[str, tuple[str, int]] | None = None) -> Audit:
    src = SourceText()
    defs = defs or {}
    findings = [f for f in result.findings if not _in_tests(f.location.path, root)]
    excluded = len(result.findings) - len(findings)
    compliant = [c for c in result.compliant if not _in_tests(c.location.path, root)]
    s = result.stats
    if s.async_functions == 0 and s.loop_callbacks == 0:
        return _not_applicable(result, date)
    groups = group(findings)
    violations = []
    for g in groups:
        sev = max(f.severity for f in g)
        pool = [f for f in g if _BLOCKING.match(f.code)] or g
        top = max(pool, key=lambda f: (f.severity, -len(f.chains[0].hops) if f.chains else 0))
        violations.append(Violation(_violation_id(g), _title(g), sev, top.reason, g, evidence(g, src, defs),
                                    recommendation(g, src)))
    violations.sort(key=lambda v: (-v.severity, v.location.path, v.location.line))
    blocking = [f for f in findings if _BLOCKING.match(f.code)]
    io_sites = [c for c in compliant if is_io_site(c)]
    weighed = weigh([compliant_severity(c) for c in io_sites], [blocking_severity(f) for f in blocking])
    wc, wb, cov = weighed.compliant_weight, weighed.blocking_weight, weighed.coverage
    score: int | None = weighed.value
    nc = len(io_sites)
    off = sum(1 for c in compliant if c.how.startswith("offloaded"))
    aw = sum(1 for c in compliant if c.how.startswith("awaited"))
    if cov is not None:
        coverage = (f"{nc} of {nc + len(blocking)} I/O sites in event-loop contexts follow the standard "
                    f"({off} offloaded, {aw} awaited async I/O); {len(blocking)} block the loop. Weighted by "
                    f"the base severity of their I/O ({_WEIGHTS}): compliant {wc}, "
                    f"blocking {wb}; {wc} / ({wc} + {wb}) = {100 * cov:.1f}% → score {score}.")
    else:
        coverage = ("No I/O site was found in an event-loop context (no blocking call, offload or awaited "
                    "async I/O): nothing blocks the loop; score 100 by absence of violations.")
    by_sev = Counter(v.severity for v in violations)
    sev_counts = ", ".join(f"{by_sev[x]} {x.label}" for x in sorted(Severity, reverse=True) if by_sev[x]) or "none"
    if violations:
        worst = violations[0]
        severity = (f"{len(violations)} violation{'s' if len(violations) != 1 else ''} ({sev_counts}) over "
                    f"{sum(len(v.findings) for v in violations)} sites. Highest: {worst.severity.label} — "
                    f"{worst.title} (`{rel(worst.location.path, root)}:{worst.location.line}`): {worst.reason}.")
    else:
        severity = "No violation."
    status = status_of(score, max((v.severity for v in violations), default=None))
    prev_data = read_previous(previous) if previous else None
    tr = trend(violations, previous, prev_data, score, compliant, root)
    risk = _risk(violations, findings)
    summary = _summary(result, violations, compliant, findings, root)
    audit = Audit(date, score, status, violations, examples(compliant), summary, coverage, severity, tr,
                  risk, excluded_test_findings=excluded)
    audit.data = {
        "standard": STANDARD, "date": date, "score": score, "status": status,
        "violations": [{"id": v.id, "title": v.title, "severity": v.severity.label,
                        "sites": len(v.findings)} for v in violations],
    }
    return audit


def _in_tests(path: str, root: Path) -> bool:
    """Test code, by the file's path below the audited root (the rule severity uses too)."""
    return is_test_module(".".join(PurePath(rel(path, root)).with_suffix("").parts))


def _risk(violations: list[Violation], findings: list[Finding]) -> str:
    if not violations:
        return "Low — nothing on the event-loop paths blocks."
    top = max(v.severity for v in violations)
    blocking = [f for f in findings if _BLOCKING.match(f.code)]
    loops = sum(1 for f in blocking if any(h.in_loop for c in f.chains for h in c.hops))
    hot = sum(1 for f in blocking if "request" in f.reason or "pipeline" in f.reason)
    kinds = Counter(c.category for f in blocking for c in f.chains)
    common = ", ".join(f"{CATEGORIES[k].title} ({n})" for k, n in kinds.most_common(3))
    parts = [f"{top.label} — {len(blocking)} blocking sites"]
    if hot:
        parts.append(f"{hot} on request or long-running pipeline paths, where every block stalls all "
                     "concurrent work")
    if loops:
        parts.append(f"{loops} repeated per item, so the stall grows with the workload")
    if common:
        parts.append(f"most common: {common}")
    return "; ".join(parts) + "."


def _summary(result: AnalysisResult, violations: list[Violation], compliant: list[CompliantSite],
             findings: list[Finding], root: Path) -> str:
    s = result.stats
    blocking = [f for f in findings if _BLOCKING.match(f.code)]
    text = (f"asyncaudit traced {s.async_functions} async functions and {s.loop_callbacks} event-loop callbacks "
            f"in {s.files} files through {s.reached_functions} functions on event-loop paths "
            f"({100 * s.resolved_share:.0f}% of their call sites resolved). ")
    if not violations:
        return text + (f"No blocking call was found on those paths; {len(compliant)} I/O sites are offloaded "
                       "or awaited async I/O, as the standard asks.")
    dirs = Counter(str(PurePath(rel(f.location.path, root)).parent) for f in blocking)
    where = _join([f"`{d}`" for d, _ in dirs.most_common(3)])
    worst = [v for v in violations if v.severity == violations[0].severity][:2]
    text += (f"{len(blocking)} call sites block the event loop, grouped into "
             f"{sum(1 for v in violations if any(_BLOCKING.match(f.code) for f in v.findings))} violations")
    design = sum(1 for v in violations if not any(_BLOCKING.match(f.code) for f in v.findings))
    if design:
        text += f", and {design} more violate the rest of the standard (design, structured concurrency)"
    text += ". "
    text += f"The highest-impact ({violations[0].severity.label}) are: " + "; ".join(
        f"{v.title.rstrip('.')}" for v in worst) + ". "
    if where:
        text += f"Blocking sites are concentrated in {where}. "
    if compliant:
        text += (f"{len(compliant)} I/O sites already follow the standard (offloaded or awaited async I/O).")
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
