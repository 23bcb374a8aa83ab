"""Plan and apply the fixes of `check --fix` (the libcst half of asyncaudit.fix).

Stage: fix.  See the package docstring for the order of operations.
"""

from __future__ import annotations

import ast
import difflib
import functools
import os
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import libcst as cst

from asyncaudit.fix.imports import add_import
from asyncaudit.fix.offload import Bindings
from asyncaudit.fix.planner import NONE, SAFE, UNSAFE, FilePlanner, Plan, PlanOptions, generator_kind, loop_bound
from asyncaudit.model import Diagnostic, Edit, Finding, Fix, Location
from asyncaudit.parse.source import parse_source


@dataclass(slots=True)
class FileOutcome:
    """One file after fixing: its text before and after, the fixes applied and dropped."""

    path: str
    before: bytes
    after: bytes
    encoding: str
    applied: list[Plan] = field(default_factory=list)
    dropped: list[tuple[Plan, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.after != self.before


@dataclass(slots=True)
class _File:
    path: str
    data: bytes
    module: cst.Module
    planner: FilePlanner
    plans: list[Plan]
    _compiles: bool | None = None

    @property
    def compiles(self) -> bool:
        """Does the file as analyzed compile with this interpreter (else: newer syntax)?"""
        if self._compiles is None:
            self._compiles = _compiles(self.data, self.path)
        return self._compiles


@dataclass(slots=True)
class FixRun:
    """The plans of every finding, and (after `apply`) the outcome per file."""

    findings: list[Finding]  # annotated with their Fix, in the order given
    plans: list[Plan]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)
    _files: list[_File] = field(default_factory=list)

    def apply(self, *, unsafe: bool = False) -> list[FileOutcome]:
        """Compute the fixed text of every file (nothing is written)."""
        wanted = (SAFE, UNSAFE) if unsafe else (SAFE,)
        self.outcomes = []
        for f in self._files:
            chosen = [p for p in f.plans if p.applicability in wanted]
            if chosen:
                self.outcomes.append(_apply_file(f, chosen))
        for o in self.outcomes:
            for p, why in o.dropped:
                loc = p.finding.location
                self.diagnostics.append(Diagnostic(o.path, loc.line, f"fix dropped at {loc.line}:{loc.column}: {why}"))
        return self.outcomes

    def write(self) -> int:
        """Write the changed files; returns how many."""
        n = 0
        for o in self.outcomes:
            if o.changed:
                with open(o.path, "wb") as fh:  # in place: keeps the file's mode, owner and links
                    fh.write(o.after)
                n += 1
        return n

    def diff(self, name: Callable[[str], str] = lambda p: p) -> str:
        """The changes as one unified diff (ruff's `--diff` layout), files in order."""
        out: list[str] = []
        for o in self.outcomes:
            if not o.changed:
                continue
            a = o.before.decode(o.encoding).splitlines(keepends=True)
            b = o.after.decode(o.encoding).splitlines(keepends=True)
            shown = name(o.path)
            for line in difflib.unified_diff(a, b, fromfile=shown, tofile=shown):
                out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
        return "".join(out)

    @property
    def applied(self) -> list[Plan]:
        return [p for o in self.outcomes for p in o.applied]

    def dropped_keys(self) -> dict[tuple[str, str, str, str], str]:
        """Identity (path, function, callee, code) of each dropped fix -> why, to explain it
        in a later run on the written files."""
        return {_key(p.finding): why for o in self.outcomes for p, why in o.dropped}


def _key(f: Finding) -> tuple[str, str, str, str]:
    return (os.path.normpath(f.location.path), f.function, f.callee, f.code)


def plan(findings: Sequence[Finding], *, offloader: str = "auto",
         defs: dict[str, tuple[str, int]] | None = None,
         dropped: dict[tuple[str, str, str, str], str] | None = None) -> FixRun:
    """See `asyncaudit.fix.plan`."""
    defs = defs or {}
    by_path: dict[str, list[int]] = {}
    for i, f in enumerate(findings):
        by_path.setdefault(f.location.path, []).append(i)
    sources: dict[str, bytes | None] = {}

    def read(path: str) -> bytes | None:
        if path not in sources:
            try:
                with open(path, "rb") as fh:
                    sources[path] = fh.read()
            except OSError:
                sources[path] = None
        return sources[path]

    trees: dict[str, object] = {}

    def def_tree(qualname: str) -> tuple[object, int] | None:
        """The analysis' parse of the file defining `qualname`, and the def's line."""
        where = defs.get(qualname)
        if where is None:
            return None
        if where[0] not in trees:
            data = read(where[0])
            trees[where[0]] = parse_source(data).tree if data is not None else None
        tree = trees[where[0]]
        return (tree, where[1]) if tree is not None else None

    @functools.cache
    def generator(qualname: str) -> str | None:
        found = def_tree(qualname)
        return generator_kind(*found) if found else None  # type: ignore[arg-type]

    @functools.cache
    def bound(qualname: str) -> str | None:
        found = def_tree(qualname)
        return loop_bound(*found) if found else None  # type: ignore[arg-type]

    parsed: dict[str, tuple[bytes, cst.Module] | str] = {}
    for path in by_path:
        parsed[path] = _parse(path, read(path))
    run = FixRun(list(findings), [None] * len(findings))  # type: ignore[list-item]
    options = PlanOptions(offloader, _project_library(m for m in parsed.values() if not isinstance(m, str)),
                          generator, bound)
    for path, idx in by_path.items():
        got = parsed[path]
        if isinstance(got, str):
            for i in idx:
                run.plans[i] = Plan(findings[i], NONE, got)
            run.diagnostics.append(Diagnostic(path, 0, f"no fixes: {got}"))
            continue
        data, module = got
        planner = FilePlanner(path, module, options, parse_source(data).tree)
        plans = planner.plan([findings[i] for i in idx])
        for i, p in zip(idx, plans):
            run.plans[i] = p
        run._files.append(_File(path, data, module, planner, plans))
        _import_edits(module, plans, path)
    for i, p in enumerate(run.plans):
        why = (dropped or {}).get(_key(p.finding))
        if why is not None and p.applicability != NONE:
            p.applicability, p.reason, p.build, p.description = NONE, f"the fix was dropped: {why}", None, ""
        run.findings[i] = replace(p.finding, fix=_fix_of(p))
    return run


def _fix_of(p: Plan) -> Fix:
    if p.applicability == NONE:
        return Fix(NONE, reason=p.reason)
    return Fix(p.applicability, p.description, p.reason, p.edits)


_LIBCST_DEPTH = 300


def _too_deep_for_libcst(data: bytes) -> bool:
    """libcst's native parser overflows its C stack (a segfault) or takes minutes on
    expressions a few thousand levels deep, and it recurses once per *operator* where ast
    keeps `a and b or ...` and `a < b < ...` flat: measure nesting on the analysis's own
    tree, counting the operands of those flat nodes as levels too.  A file this
    interpreter cannot parse (newer syntax, a syntax error) is measured on the tree-sitter
    fallback, whose depth is capped: its nesting diagnostic is the answer there."""
    parsed = parse_source(data)
    if parsed.tree is None:
        return True
    if parsed.fallback and any("nesting deeper than" in message for _, message in parsed.diagnostics):
        return True
    stack: list[tuple[ast.AST, int]] = [(parsed.tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > _LIBCST_DEPTH:
            return True
        width = (len(node.values) if isinstance(node, ast.BoolOp)
                 else len(node.comparators) if isinstance(node, ast.Compare) else 0)
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1 + width))
    return False


def _parse(path: str, data: bytes | None) -> tuple[bytes, cst.Module] | str:
    if data is None:
        return "cannot read the file"
    if _too_deep_for_libcst(data):
        return "nested too deeply for libcst; not fixed"
    try:
        module = cst.parse_module(data)
    except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"libcst cannot parse the file ({first})"
    except Exception as exc:  # libcst's native parser raises its own types on odd input
        return f"libcst cannot parse the file ({type(exc).__name__})"
    return data, module


def _project_library(parsed: Iterable[tuple[bytes, cst.Module]]) -> str:
    """anyio or trio when the files with findings use it and not asyncio, else asyncio."""
    count: Counter[str] = Counter()
    for _, module in parsed:
        imported = Bindings(module).imported
        for lib in ("asyncio", "anyio", "trio"):
            count[lib] += lib in imported
    for lib in ("trio", "anyio"):
        if count[lib] and not count["asyncio"]:
            return lib
    return "asyncio"


def _compiles(data: bytes, path: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, path, "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False


def _import_edits(module: cst.Module, plans: list[Plan], path: str) -> None:
    """Add the import line to the edits of each fix that needs one (SARIF fixes apply
    one at a time, to the file as analyzed)."""
    cache: dict[str, Edit | None] = {}
    for p in plans:
        if p.applicability == NONE or not p.needs:
            continue
        extra = []
        for need in p.needs:
            if need not in cache:
                cache[need] = _inserted(module, add_import(module, need), path)
            if cache[need] is not None:
                extra.append(cache[need])
        p.edits = (*p.edits, *extra)


def _inserted(before: cst.Module, after: cst.Module, path: str) -> Edit | None:
    """The lines `add_import` inserted, as one edit.  Only the changed head of the module
    is generated (the import goes among the first statements; the rest is the same)."""
    n = next((i for i, (x, y) in enumerate(zip(before.body, after.body)) if x is not y), len(before.body))
    a = before.with_changes(body=before.body[:n + 1], footer=()).code.splitlines(keepends=True)
    b = after.with_changes(body=after.body[:n + 2], footer=()).code.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "insert":
            return Edit(Location(path, i1 + 1, 1, i1 + 1, 1), "".join(b[j1:j2]))
    return None


def _render(f: _File, plans: list[Plan]) -> bytes:
    targets = {id(p.target): p for p in plans}

    class Rewrite(cst.CSTTransformer):
        def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
            p = targets.get(id(original))
            return p.build(updated) if p is not None and p.build is not None else updated

    module = f.module.visit(Rewrite())
    needs: list[str] = []
    for p in plans:
        needs.extend(n for n in p.needs if n not in needs)
    for need in needs:
        module = add_import(module, need)
    return module.bytes


def _check(f: _File, after: bytes, plans: list[Plan]) -> str | None:
    """Why `after` must not be written, or None."""
    if f.compiles:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(after, f.path, "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
            return f"the result would not compile ({type(exc).__name__}: {getattr(exc, 'msg', exc)})"
    else:  # newer syntax than this interpreter: at least it must still parse
        try:
            cst.parse_module(after)
        except Exception as exc:  # noqa: BLE001 - any parser failure means "do not write"
            return f"the result would not parse ({type(exc).__name__})"
    enc = f.module.encoding
    a = f.data.decode(enc).splitlines(keepends=True)
    b = after.decode(enc).splitlines(keepends=True)
    allowed = {n for p in plans for n in range(p.lines[0] - 1, p.lines[1])}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "insert" and (i1 in allowed or i1 - 1 in allowed):
            continue
        if tag == "insert" and all(_is_import_line(ln) for ln in b[j1:j2]):
            continue
        if tag in ("replace", "delete") and all(n in allowed for n in range(i1, i2)):
            continue
        return f"the result would change line {i1 + 1}, outside the fixed calls"
    return None


def _is_import_line(line: str) -> bool:
    s = line.strip()
    return not s or (s.startswith("import ") and all(p.strip().replace(".", "").isidentifier()
                                                    for p in s[7:].split(",")))


def _apply_file(f: _File, plans: list[Plan]) -> FileOutcome:
    out = FileOutcome(f.path, f.data, f.data, f.module.encoding)
    if f.module.bytes != f.data:  # checked here, not when planning: a full codegen is slow
        out.dropped.extend((p, "libcst does not reproduce the file byte for byte") for p in plans)
        return out
    after = _render(f, plans)
    problem = _check(f, after, plans)
    if problem is None:
        out.after, out.applied = after, list(plans)
        return out
    # isolate the culprits: keep each fix that is fine alone, then check them together
    good = []
    for p in plans:
        why = _check(f, _render(f, [p]), [p])
        if why is None:
            good.append(p)
        else:
            out.dropped.append((p, why))
    if good:
        after = _render(f, good)
        why = _check(f, after, good)
        if why is None:
            out.after, out.applied = after, good
            return out
        out.dropped.extend((p, why) for p in good)
    return out
