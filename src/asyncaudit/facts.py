"""Index stage: one `ast.Module` -> `ModuleFacts`, the compact, picklable summary of a file.

Facts are everything later stages need and nothing else: imports, classes and their
attribute assignments, functions with their parameters, annotations, local assignments
and every call site (with whether it is awaited, inside a loop, a `with` entry or a `for`
iteration).  Expressions are kept as small symbolic tuples (`Expr`), resolved later
against the whole program; nothing is resolved here, so facts depend only on the file's
bytes and module name (which is what makes them cacheable and computable in parallel).

Expr forms (tuples, first item is the tag):
    ("n", name)                      a name
    ("a", base, attr)                attribute
    ("c", func, args, kwargs)        call; kwargs is a tuple of (name, Expr)
    ("s", base, index)               subscript
    ("k", value)                     constant (strings kept: string annotations)
    ("b", op, left, right)           binary operation (op: "/", "|", "+", ...)
    ("u", (e, ...))                  one of several values (if-expression, `or`)
    ("T", annotation)                an instance of the annotated type
    ("inst", e)                      the instances among e's values (`x: Base = Impl()`)
    ("aw", e)                        await e
    ("f", qualname)                  a function object defined here (lambda)
    ("seq", (e, ...))                tuple or list display
    ("comp", e)                      a list/set comprehension or generator of elements e
    ("dcomp", k, v)                  a dict comprehension
    ("it", e)                        an element obtained by iterating e
    ("ix", e, i)                     item i of unpacking e (`a, b = e`)
    ("enter", e)                     what `with e as x` binds
    ("nw", e, type, negated)         e narrowed by an `isinstance(e, type)` guard (or away from it)
    ("in", func_qualname, e)         e evaluated in another function's scope
    ("self", class_qualname)         the instance in a method
    ("cls", class_qualname)          the class in a classmethod
    ("super", class_qualname, self)  zero-argument super()
    ("?",)                           unknown
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

Expr = tuple

UNKNOWN: Expr = ("?",)

# Site kinds
CALL, WITH, ITER, ATTR = "call", "with", "iter", "attr"

_MAX_RETURNS = 6
_MAX_SEQ = 8
# Statement blocks, comprehensions and lambdas nested inside each other: the extractor
# recurses once per level, so the input must not decide how deep.  Parsed trees stay far
# below this (Python itself allows 100 indentation levels and 200 brackets).
_MAX_NESTING = 400


class TooDeep(Exception):
    """A statement nests deeper than the extractor follows (reported, never a crash)."""


class Site(NamedTuple):
    """A place where code runs: a call, a `with` entry, a `for` iteration, an attribute load."""

    kind: str
    line: int
    col: int
    end_line: int
    end_col: int
    callee: Expr
    args: tuple[Expr, ...] = ()
    kwargs: tuple[tuple[str, Expr], ...] = ()
    awaited: bool = False
    in_loop: bool = False
    no_loop: bool = False  # only runs when no event loop is running (except RuntimeError branch)
    loop: int = 0  # line of the innermost enclosing loop or comprehension (0: none)
    used_async: bool = False  # the call's result is awaited, entered by `async with`, or `async for`-ed


class Span(NamedTuple):
    """Where a node is: 1-based lines, 0-based UTF-8 byte columns (as `ast` gives them)."""

    line: int
    col: int
    end_line: int
    end_col: int


def span_of(node: ast.AST) -> Span:
    """The span of an `ast` node with a position."""
    line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
    return Span(line, col, getattr(node, "end_lineno", None) or line, getattr(node, "end_col_offset", None) or col)


class Param(NamedTuple):
    name: str
    annotation: Expr | None
    kind: str  # "pos", "vararg", "kwonly", "kwarg"
    default: Expr | None = None  # evaluated where the `def` is (the enclosing scope)


@dataclass(slots=True)
class Func:
    qualname: str
    name: str
    module: str
    is_async: bool
    line: int
    col: int
    end_line: int
    cls: str | None = None  # enclosing class when a method
    parent: str | None = None  # enclosing function (closures)
    kind: str = "function"  # function|method|staticmethod|classmethod|property|lambda
    params: tuple[Param, ...] = ()
    returns: Expr | None = None
    return_values: list[Expr] = field(default_factory=list)
    decorators: tuple[Expr, ...] = ()
    locals: dict[str, list[Expr]] = field(default_factory=dict)
    sites: list[Site] = field(default_factory=list)
    is_stub: bool = False  # body is only docstring / ... / pass / raise NotImplementedError
    # What the rules' extractor hooks (`FactHooks`) record: AA302's bare
    # `asyncio.get_running_loop()` statement (result unused), AA305's `create_task(...)`
    # whose result is dropped, AA304's loops of independent awaits (where, awaited call).
    loop_probe: Span | None = None
    dropped_calls: list[Site] = field(default_factory=list)
    serial_awaits: list[tuple[Span, str]] = field(default_factory=list)
    nonblocking: frozenset[str] = frozenset()  # locals made non-blocking: `sock.setblocking(False)`
    nonlocal_names: frozenset[str] = frozenset()


@dataclass(slots=True)
class Cls:
    qualname: str
    name: str
    module: str
    line: int
    bases: tuple[Expr, ...] = ()
    decorators: tuple[Expr, ...] = ()
    methods: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, list[Expr]] = field(default_factory=dict)
    parent: str | None = None


@dataclass(slots=True)
class ModuleFacts:
    name: str
    path: str
    is_package: bool
    imports: dict[str, Expr] = field(default_factory=dict)  # ("mod", m) | ("from", m, name); m may be relative
    star_imports: list[str] = field(default_factory=list)  # module names as written (`.base`)
    all_names: tuple[str, ...] | None = None
    globals: dict[str, list[Expr]] = field(default_factory=dict)
    top: dict[str, str] = field(default_factory=dict)  # module-level def/class name -> qualname
    functions: dict[str, Func] = field(default_factory=dict)
    classes: dict[str, Cls] = field(default_factory=dict)
    diagnostics: list[tuple[int, str]] = field(default_factory=list)
    suppressions: dict[int, frozenset[str] | None] = field(default_factory=dict)


def _const_expr(value: object) -> Expr:
    if isinstance(value, (str, int, float, bool, bytes)) or value is None:
        return ("k", value)
    return UNKNOWN


_BINOPS = {ast.Div: "/", ast.BitOr: "|", ast.Add: "+", ast.Mod: "%", ast.Mult: "*"}


def _is_stub(body: list[ast.stmt]) -> bool:
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # docstring or ...
        if isinstance(stmt, ast.Raise):
            exc = stmt.exc
            if isinstance(exc, ast.Call):
                exc = exc.func
            if isinstance(exc, ast.Name) and exc.id == "NotImplementedError":
                continue
        return False
    return True


def _probes_running_loop(body: list[ast.stmt]) -> bool:
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Call):
                f = n.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
                if name in ("get_running_loop", "get_event_loop"):
                    return True
    return False


def _catches_runtime_error(node: ast.expr | None) -> bool:
    if node is None:
        return True
    names = node.elts if isinstance(node, ast.Tuple) else [node]
    return any(getattr(n, "id", getattr(n, "attr", None)) in ("RuntimeError", "Exception") for n in names)


def _stored_key(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else f"{ast.dump(node.value)}.{node.attr}"  # type: ignore[attr-defined]


def _stores(body: list[ast.stmt]) -> frozenset[str]:
    """Names and attributes a function body assigns anywhere: they are not narrowed (facts are
    flow-insensitive, so one narrowing would hold across the reassignment)."""
    out = set()
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, (ast.Name, ast.Attribute)) and isinstance(n.ctx, ast.Store):
                out.add(_stored_key(n))
    return frozenset(out)


def _is_type_alias(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "TypeAlias"
            or isinstance(node, ast.Attribute) and node.attr == "TypeAlias")


def _constructs(e: Expr) -> bool:
    """A value that is (or may be) the result of a call: `Host()`, `b or Host()`."""
    tag = e[0]
    if tag == "u":
        return any(p[0] in ("c", "aw") for p in e[1])
    return tag == "c" or tag == "aw"


def last_name(e: Expr) -> str | None:
    """The name a callee ends in: `f` for `f(...)`, `m` for `a.b.m(...)`."""
    if e[0] == "a":
        return e[2]
    return e[1] if e[0] == "n" else None


def expr_text(e: Expr, depth: int = 0) -> str:
    """Render an Expr back to short source-like text, for messages."""
    tag = e[0]
    if depth > 6:
        return "..."
    if tag == "n":
        return e[1]
    if tag == "a":
        return f"{expr_text(e[1], depth + 1)}.{e[2]}"
    if tag == "c":
        return f"{expr_text(e[1], depth + 1)}()"
    if tag == "s":
        return f"{expr_text(e[1], depth + 1)}[...]"
    if tag == "super":
        return "super()"
    if tag == "aw":
        return f"await {expr_text(e[1], depth + 1)}"
    if tag == "k":
        return repr(e[1])
    if tag == "b":
        return f"({expr_text(e[2], depth + 1)} {e[1]} {expr_text(e[3], depth + 1)})"
    if tag == "f":
        return "lambda"
    if tag == "nw":
        return expr_text(e[1], depth)
    return "<expr>"


def relative_name(level: int, target: str | None) -> str:
    """The module an import names, as written: `..util` for `from ..util import x`.

    Relative imports stay relative in the facts: the Program resolves them from the
    importer's path (a guessed module name would put `..` in the wrong folder)."""
    return "." * level + (target or "") if level else (target or "")


# the newest Python the tool analyzes: `sys.version_info` branches are decided for it
NEWEST_PYTHON = (3, 14, 0, "final", 0)
_TYPE_COMMENT = re.compile(r"#\s*type:\s*(?!ignore\b)(\S.*?)\s*$")
_SIGNATURE = re.compile(r"^\((.*)\)\s*->\s*(.+)$")


def type_comments(text: str) -> dict[int, tuple[int, str]]:
    """PEP 484 type comments (`x = f()  # type: Foo`) by line: (UTF-8 column of the
    `#`, the comment's text).  `# type: ignore` is not one.  Read from the text, not from
    `ast.parse(type_comments=True)`, which rejects files with a comment it finds misplaced;
    whether a comment belongs to a statement is decided by its position (`_Extractor`)."""
    if "type:" not in text:
        return {}
    out: dict[int, tuple[int, str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if "type:" not in line:
            continue
        m = _TYPE_COMMENT.search(line)
        if m is not None:
            out[n] = (len(line[:m.start()].encode("utf-8")), m.group(1))
    return out


def _static_condition(test: ast.expr) -> bool | None:
    """An `if` test decided without running anything: `TYPE_CHECKING` (true: a type
    checker's view, which names the real types) and `sys.version_info` comparisons
    (decided for `NEWEST_PYTHON`); None for every other test."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _static_condition(test.operand)
        return None if inner is None else not inner
    if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING" or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"):
        return True
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, right = test.left, test.comparators[0]
    if isinstance(left, ast.Subscript) and isinstance(left.slice, ast.Slice):
        left = left.value  # sys.version_info[:2]
    if not (isinstance(left, ast.Attribute) and left.attr == "version_info"
            and isinstance(left.value, ast.Name) and left.value.id == "sys"):
        return None
    if not (isinstance(right, ast.Tuple) and right.elts
            and all(isinstance(e, ast.Constant) and type(e.value) is int for e in right.elts)):
        return None
    other = tuple(e.value for e in right.elts)  # type: ignore[attr-defined]
    if len(other) > 3:
        return None
    # (3, 14, 0, 'final', 0) compares above (3, 14, 0): one more int item does the same
    version = (*NEWEST_PYTHON[:3], 1)
    op = type(test.ops[0])
    if op is ast.GtE:
        return version >= other
    if op is ast.Gt:
        return version > other
    if op is ast.Lt:
        return version < other
    if op is ast.LtE:
        return version <= other
    return None


@dataclass(frozen=True, slots=True)
class FactHooks:
    """Detectors a single rule owns, run by the extractor while it walks a function body.

    Each rule keeps its detection in its own module (`asyncaudit.rules.<code>`), and
    `asyncaudit.rules.FACT_HOOKS` lists them; what a hook records goes on the `Func`.

    * `call_statement(stmt, name, func, scan)`: an expression statement that is a call
      (`name`: the name the callee ends in, or None); `scan(node)` records the sites of
      a node and returns them.  True: the hook scanned the statement itself.
    * `loop(stmt, func)`: a `for` / `async for` statement, before its body is walked.
    """

    call_statement: tuple[Callable[[ast.Expr, str | None, Func, Callable[[ast.AST], list[Site]]], bool], ...] = ()
    loop: tuple[Callable[[ast.For | ast.AsyncFor, Func], None], ...] = ()


_HOOKS: list[FactHooks] = []


def _hooks() -> FactHooks:
    if not _HOOKS:
        # imported at first use: the rule modules import this one
        from asyncaudit.rules import FACT_HOOKS
        _HOOKS.append(FACT_HOOKS)
    return _HOOKS[0]


class _Extractor:
    def __init__(self, facts: ModuleFacts, comments: dict[int, tuple[int, str]] | None = None) -> None:
        self.m = facts
        self.comments = comments or {}
        self.dead = False  # in a branch `_static_condition` rules out: its names are not bound
        self.func: Func | None = None
        self.cls: Cls | None = None
        self.loop_depth = 0
        self.loop_line = 0
        self.no_loop = False
        self.nesting = 0  # recursion depth of body()/scan(), bounded by _MAX_NESTING
        self.async_use: set[int] = set()  # id() of call nodes used by `async with` / `async for`
        self.narrowed: dict[Expr, tuple[Expr, bool]] = {}  # name -> (isinstance type, negated)
        self._body: list[ast.stmt] = []  # the current function's body
        self._stored: tuple[Func, frozenset[str]] | None = None  # what that body assigns
        self._globals: dict[str, frozenset[str]] = {}  # function -> names it declares `global`
        self.hooks = _hooks()

    # ---- expressions -> Expr -------------------------------------------------

    def expr(self, node: ast.expr | None, depth: int = 0) -> Expr:
        if node is None:
            return UNKNOWN
        if depth > 12:
            return UNKNOWN
        d = depth + 1
        if isinstance(node, ast.Name):
            e: Expr = ("n", node.id)
            return self._narrow(e) if self.narrowed else e
        if isinstance(node, ast.Attribute):
            e = ("a", self.expr(node.value, d), node.attr)
            return self._narrow(e) if self.narrowed else e
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "super" and not node.args and self.func:
                if self.func.cls:
                    return ("super", self.func.cls)
            args = tuple(self.expr(a, d) for a in node.args[:4])
            kwargs = tuple((k.arg, self.expr(k.value, d)) for k in node.keywords[:6] if k.arg)
            return ("c", self.expr(func, d), args, kwargs)
        if isinstance(node, ast.Constant):
            return _const_expr(node.value)
        if isinstance(node, ast.Subscript):
            return ("s", self.expr(node.value, d), self.expr(node.slice, d))
        if isinstance(node, ast.BinOp):
            op = _BINOPS.get(type(node.op))
            if op is None:
                return UNKNOWN
            return ("b", op, self.expr(node.left, d), self.expr(node.right, d))
        if isinstance(node, ast.IfExp):
            return ("u", (self.expr(node.body, d), self.expr(node.orelse, d)))
        if isinstance(node, ast.BoolOp):
            return ("u", tuple(self.expr(v, d) for v in node.values[:4]))
        if isinstance(node, ast.Await):
            return ("aw", self.expr(node.value, d))
        if isinstance(node, (ast.Tuple, ast.List)):
            if len(node.elts) > _MAX_SEQ:
                return ("seq", ())
            return ("seq", tuple(self.expr(e, d) for e in node.elts))
        if isinstance(node, ast.Lambda):
            return ("f", self._lambda_name(node))
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return ("comp", self.expr(node.elt, d))
        if isinstance(node, ast.DictComp):
            return ("dcomp", self.expr(node.key, d), self.expr(node.value, d))
        if isinstance(node, ast.NamedExpr):
            return self.expr(node.value, d)
        if isinstance(node, ast.JoinedStr):
            return ("k", "")
        return UNKNOWN

    def _narrow(self, e: Expr) -> Expr:
        got = self.narrowed.get(e)
        return ("nw", e, *got) if got is not None else e

    def _narrowing(self, test: ast.expr, negate: bool) -> dict[Expr, tuple[Expr, bool]]:
        """What `if test:` tells in the branch taken when the test is `not negate`:
        `isinstance(x, T)` narrows x to T, `not isinstance(...)` away from it.  A name or
        attribute the function assigns is not narrowed (facts are flow-insensitive)."""
        if self.func is None:
            return {}
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self._narrowing(test.operand, not negate)
        if isinstance(test, ast.BoolOp):
            # `a and b` taken: both hold; `a or b` not taken: neither holds
            if isinstance(test.op, ast.And) and not negate or isinstance(test.op, ast.Or) and negate:
                out: dict[Expr, tuple[Expr, bool]] = {}
                for v in test.values:
                    out.update(self._narrowing(v, negate))
                return out
            return {}
        if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance"
                and len(test.args) == 2 and isinstance(test.args[0], (ast.Name, ast.Attribute))):
            return {}
        subject = test.args[0]
        saved, self.narrowed = self.narrowed, {}
        try:
            key = self.expr(subject)
            kind = self.expr(test.args[1])
        finally:
            self.narrowed = saved
        if self._stored is None or self._stored[0] is not self.func:
            self._stored = (self.func, _stores(self._body))
        if _stored_key(subject) in self._stored[1]:
            return {}
        return {key: (kind, negate)}

    def _lambda_name(self, node: ast.Lambda) -> str:
        owner = self.func.qualname if self.func else self.m.name
        return f"{owner}.<lambda@{node.lineno}:{node.col_offset}>"

    def annotation(self, node: ast.expr | None) -> Expr | None:
        if node is None:
            return None
        return ("T", self.expr(node))

    # ---- scanning: record sites ---------------------------------------------

    def scan_sites(self, node: ast.AST) -> list[Site]:
        """`scan`, returning the sites it recorded (what a rule's hook looks at)."""
        func = self.func
        n = len(func.sites) if func is not None else 0
        self.scan(node)
        return func.sites[n:] if func is not None else []

    def scan(self, node: ast.AST | None) -> None:
        """Record every call, lambda and attribute load inside an expression."""
        if node is None:
            return
        self.nesting += 1
        try:
            if self.nesting > _MAX_NESTING:
                raise TooDeep
            self._scan(node)
        finally:
            self.nesting -= 1

    def _scan(self, node: ast.AST) -> None:
        stack: list[tuple[ast.AST, bool]] = [(node, False)]
        while stack:
            n, awaited = stack.pop()
            if isinstance(n, ast.Await):
                stack.append((n.value, True))
                continue
            if isinstance(n, ast.Call):
                self._call_site(n, awaited)
                stack.extend((a, False) for a in reversed(n.args))
                stack.extend((k.value, False) for k in reversed(n.keywords))
                f = n.func
                # the callee's own sub-expressions (receivers) run too: a.b().c() calls a.b()
                if isinstance(f, ast.Attribute):
                    stack.append((f.value, False))
                elif not isinstance(f, ast.Name):
                    stack.append((f, False))
                continue
            if isinstance(n, ast.Lambda):
                self._lambda(n)
                continue
            if isinstance(n, ast.Attribute):
                if isinstance(n.ctx, ast.Load) and self.func is not None:
                    self._site(ATTR, n, self.expr(n.value), attr=n.attr)
                stack.append((n.value, False))
                continue
            if isinstance(n, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                # the first iterable is evaluated once, before the loop starts
                self.scan(n.generators[0].iter)
                self.loop_depth += 1
                saved_line, self.loop_line = self.loop_line, n.lineno
                try:
                    for k, gen in enumerate(n.generators):
                        if k:
                            self.scan(gen.iter)
                        self._bind_target(gen.target, ("it", self.expr(gen.iter)))
                        for cond in gen.ifs:
                            self.scan(cond)
                    if isinstance(n, ast.DictComp):
                        self.scan(n.key)
                        self.scan(n.value)
                    else:
                        self.scan(n.elt)
                finally:
                    self.loop_depth -= 1
                    self.loop_line = saved_line
                continue
            if isinstance(n, ast.NamedExpr):
                self._bind_target(n.target, self.expr(n.value))
                stack.append((n.value, False))
                continue
            t = type(n)
            if t is ast.Name or t is ast.Constant:
                continue
            if t is ast.BinOp:
                stack.append((n.left, False))
                stack.append((n.right, False))
            elif t is ast.Compare:
                stack.append((n.left, False))
                stack.extend((c, False) for c in n.comparators)
            elif t is ast.BoolOp or t is ast.JoinedStr:
                stack.extend((c, False) for c in n.values)
            elif t is ast.UnaryOp or t is ast.FormattedValue or t is ast.Starred:
                stack.append((getattr(n, "operand", None) or n.value, False))  # type: ignore[attr-defined]
            elif t is ast.Subscript:
                stack.append((n.value, False))
                stack.append((n.slice, False))
            elif t is ast.Tuple or t is ast.List or t is ast.Set:
                stack.extend((c, False) for c in n.elts)
            elif t is ast.Dict:
                stack.extend((c, False) for c in n.keys if c is not None)
                stack.extend((c, False) for c in n.values)
            else:
                for child in ast.iter_child_nodes(n):
                    if isinstance(child, ast.expr):
                        stack.append((child, False))

    def _site(self, kind: str, node: ast.AST, callee: Expr, *, attr: str | None = None,
              args: tuple[Expr, ...] = (), kwargs: tuple[tuple[str, Expr], ...] = (),
              awaited: bool = False) -> None:
        if self.func is None:
            return
        if attr is not None:
            callee = ("a", callee, attr)
        self.func.sites.append(Site(
            kind, node.lineno, node.col_offset,
            getattr(node, "end_lineno", None) or node.lineno,
            getattr(node, "end_col_offset", None) or node.col_offset,
            callee, args, kwargs, awaited, self.loop_depth > 0, self.no_loop, self.loop_line,
            awaited or id(node) in self.async_use,
        ))

    def _call_site(self, node: ast.Call, awaited: bool) -> None:
        callee = self.expr(node.func)
        args = tuple(self.expr(a) for a in node.args[:6])
        kwargs = tuple((k.arg, self.expr(k.value)) for k in node.keywords[:8] if k.arg)
        self._site(CALL, node, callee, args=args, kwargs=kwargs, awaited=awaited)

    def _lambda(self, node: ast.Lambda) -> None:
        qual = self._lambda_name(node)
        f = Func(qual, "<lambda>", self.m.name, False, node.lineno, node.col_offset,
                 getattr(node, "end_lineno", node.lineno) or node.lineno,
                 cls=None, parent=self.func.qualname if self.func else None, kind="lambda",
                 params=self._params(node.args))
        self.m.functions[qual] = f
        saved, saved_loop = self.func, (self.loop_depth, self.loop_line, self.narrowed)
        self.func, self.loop_depth, self.loop_line, self.narrowed = f, 0, 0, {}
        try:
            f.return_values.append(self.expr(node.body))
            self.scan(node.body)
        finally:
            self.func, (self.loop_depth, self.loop_line, self.narrowed) = saved, saved_loop

    # ---- binding ----------------------------------------------------------------

    def _bind_name(self, name: str, value: Expr) -> None:
        if self.dead:
            return
        if self.func is not None:
            if name in self.func.nonlocal_names:
                self._bind_outer(self.func, name, value)
                return
            self.func.locals.setdefault(name, []).append(value)
        elif self.cls is not None:
            self.cls.attrs.setdefault(name, []).append(value)
        else:
            self.m.globals.setdefault(name, []).append(value)
            if name == "__all__" and value[0] == "seq":
                self.m.all_names = tuple(e[1] for e in value[1] if e[0] == "k" and isinstance(e[1], str))

    def _bind_outer(self, f: Func, name: str, value: Expr) -> None:
        """`global X` / `nonlocal X` then `X = value`: a value of the module's X, or of the
        enclosing function's X, computed in this function's scope."""
        value = ("in", f.qualname, value)
        if name in self._globals.get(f.qualname, ()):
            self.m.globals.setdefault(name, []).append(value)
            return
        outer = self.m.functions.get(f.parent) if f.parent else None
        while outer is not None:  # the nearest enclosing function that binds the name
            if name in outer.locals or any(p.name == name for p in outer.params):
                if name in outer.nonlocal_names:
                    self._bind_outer(outer, name, value)
                else:
                    outer.locals.setdefault(name, []).append(value)
                return
            outer = self.m.functions.get(outer.parent) if outer.parent else None

    def _bind_target(self, target: ast.expr, value: Expr) -> None:
        if isinstance(target, ast.Name):
            self._bind_name(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for i, elt in enumerate(target.elts):
                if isinstance(elt, ast.Starred):
                    self._bind_target(elt.value, UNKNOWN)
                elif value[0] == "seq" and len(value[1]) == len(target.elts):
                    self._bind_target(elt, value[1][i])
                elif value != UNKNOWN:
                    self._bind_target(elt, ("ix", value, i))
        elif isinstance(target, ast.Attribute):
            # self.x = value inside a method: an instance attribute of the class
            f = self.func
            if (f is not None and f.cls is not None and isinstance(target.value, ast.Name)
                    and f.params and target.value.id == f.params[0].name
                    and f.kind in ("method", "property")):
                cls = self.m.classes.get(f.cls)
                if cls is not None:
                    cls.attrs.setdefault(target.attr, []).append(("in", f.qualname, value))
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, UNKNOWN)

    # ---- statements -------------------------------------------------------------

    def body(self, stmts: list[ast.stmt]) -> None:
        self.nesting += 1
        saved = self.narrowed
        try:
            if self.nesting > _MAX_NESTING:
                raise TooDeep
            for k, s in enumerate(stmts):
                self.stmt(s)
                if (isinstance(s, ast.If) and not s.orelse and s.body and self.func is not None
                        and isinstance(s.body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))):
                    # `if not isinstance(x, T): return` -- the rest of the block has x: T
                    narrowing = self._narrowing(s.test, True)
                    if narrowing:
                        self.narrowed = {**self.narrowed, **narrowing}
        finally:
            self.nesting -= 1
            self.narrowed = saved

    def stmt(self, s: ast.stmt) -> None:  # noqa: C901 - one dispatch over statement kinds
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(s)
        elif isinstance(s, ast.ClassDef):
            self.klass(s)
        elif isinstance(s, ast.Assign):
            self.scan(s.value)
            value = self.expr(s.value)
            typed = self._type_comment(s.end_lineno, s.end_col_offset) if self.comments else None
            for t in s.targets:
                if typed is None:
                    self._bind_target(t, value)
                else:  # `x = None  # type: Optional[Foo]` reads as `x: Optional[Foo] = None`
                    self._bind_typed(t, typed)
                    if _constructs(value):
                        self._bind_target(t, ("inst", value))
                self._scan_target(t)
        elif isinstance(s, ast.AnnAssign):
            self.scan(s.value)
            ann = self.annotation(s.annotation)
            if s.value is not None and _is_type_alias(s.annotation):
                self._bind_target(s.target, self.expr(s.value))  # `X: TypeAlias = A | B`
            elif s.value is not None:
                value = self.expr(s.value)
                # an annotation is more reliable than a default like None or field(...),
                # but a constructed value is one more type (`x: Backend = b or Host()`)
                self._bind_target(s.target, ann if ann is not None else value)
                if ann is not None and _constructs(value):
                    self._bind_target(s.target, ("inst", value))
            elif ann is not None and (self.cls is not None and self.func is None
                                      or isinstance(s.target, ast.Attribute)):
                self._bind_target(s.target, ann)
            elif ann is not None and self.func is not None and isinstance(s.target, ast.Name):
                self._bind_target(s.target, ann)
            self._scan_target(s.target)
        elif isinstance(s, ast.AugAssign):
            self.scan(s.value)
            self._scan_target(s.target)
        elif isinstance(s, (ast.For, ast.AsyncFor)):
            if isinstance(s, ast.AsyncFor) and isinstance(s.iter, ast.Call):
                self.async_use.add(id(s.iter))
            if self.func is not None:
                for loop_hook in self.hooks.loop:
                    loop_hook(s, self.func)
            self.scan(s.iter)
            it = self.expr(s.iter)
            if isinstance(s, ast.For) and self.func is not None:
                self._site(ITER, s.iter, it)
            self._bind_target(s.target, ("it", it))
            typed = self._type_comment(s.iter.end_lineno, s.iter.end_col_offset) if self.comments else None
            if typed is not None:  # `for x in xs:  # type: Foo`
                self._bind_typed(s.target, typed)
            self.loop_depth += 1
            saved_line, self.loop_line = self.loop_line, s.lineno
            self.body(s.body)
            self.loop_depth -= 1
            self.loop_line = saved_line
            self.body(s.orelse)
        elif isinstance(s, ast.While):
            self.loop_depth += 1
            saved_line, self.loop_line = self.loop_line, s.lineno
            self.scan(s.test)
            self.body(s.body)
            self.loop_depth -= 1
            self.loop_line = saved_line
            self.body(s.orelse)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                if isinstance(s, ast.AsyncWith) and isinstance(item.context_expr, ast.Call):
                    self.async_use.add(id(item.context_expr))
                self.scan(item.context_expr)
                ctx = self.expr(item.context_expr)
                if isinstance(s, ast.With):
                    self._site(WITH, item.context_expr, ctx)
                if item.optional_vars is not None:
                    self._bind_target(item.optional_vars, ("enter", ctx))
            last = s.items[-1]
            end = last.optional_vars or last.context_expr
            typed = self._type_comment(end.end_lineno, end.end_col_offset) if self.comments else None
            if typed is not None and len(s.items) == 1 and last.optional_vars is not None:
                self._bind_typed(last.optional_vars, typed)  # `with f() as x:  # type: Foo`
            self.body(s.body)
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            self.imports(s)
        elif isinstance(s, ast.Return):
            self.scan(s.value)
            if self.func is not None and s.value is not None and len(self.func.return_values) < _MAX_RETURNS:
                self.func.return_values.append(self.expr(s.value))
        elif isinstance(s, ast.If) and _static_condition(s.test) is not None:
            # `if TYPE_CHECKING:` / `if sys.version_info >= (3, 11):`: both branches' code
            # runs somewhere (sites are kept), but a name means what the taken branch binds
            self.scan(s.test)
            taken = _static_condition(s.test)
            saved_dead = self.dead
            for branch, live in ((s.body, taken), (s.orelse, not taken)):
                self.dead = saved_dead or not live
                self.body(branch)
            self.dead = saved_dead
        elif isinstance(s, ast.If):
            self.scan(s.test)
            saved = self.narrowed
            for branch, negate in ((s.body, False), (s.orelse, True)):
                narrowing = self._narrowing(s.test, negate) if branch else None
                if narrowing:
                    self.narrowed = {**saved, **narrowing}
                self.body(branch)
                self.narrowed = saved
        elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
            self.body(s.body)  # type: ignore[attr-defined]
            probes_loop = _probes_running_loop(s.body)  # type: ignore[attr-defined]
            for h in s.handlers:  # type: ignore[attr-defined]
                self.scan(h.type)
                saved_no_loop = self.no_loop
                if probes_loop and _catches_runtime_error(h.type):
                    self.no_loop = True
                self.body(h.body)
                self.no_loop = saved_no_loop
            self.body(s.orelse)  # type: ignore[attr-defined]
            self.body(s.finalbody)  # type: ignore[attr-defined]
        elif isinstance(s, ast.Match):
            self.scan(s.subject)
            for case in s.cases:
                self.scan(case.guard)
                self.body(case.body)
        elif isinstance(s, (ast.Global, ast.Nonlocal)):
            if self.func is not None:
                self.func.nonlocal_names = self.func.nonlocal_names | frozenset(s.names)
                if isinstance(s, ast.Global):
                    q = self.func.qualname
                    self._globals[q] = self._globals.get(q, frozenset()) | frozenset(s.names)
        elif type(s).__name__ == "TypeAlias":  # PEP 695 `type X = A | B` (3.12+)
            self._bind_target(s.name, self.expr(s.value))  # type: ignore[attr-defined]
        elif isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and self.func is not None:
            f = s.value.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            if (name in ("setblocking", "settimeout") and isinstance(f, ast.Attribute)
                    and isinstance(f.value, ast.Name) and len(s.value.args) == 1
                    and isinstance(s.value.args[0], ast.Constant) and s.value.args[0].value in (False, 0, 0.0)):
                self.func.nonblocking = self.func.nonblocking | {f.value.id}
            for statement_hook in self.hooks.call_statement:
                if statement_hook(s, name, self.func, self.scan_sites):
                    return
            self.scan(s.value)
        else:
            # Expr, Raise, Assert, Delete, ...: scan their expressions
            for child in ast.iter_child_nodes(s):
                if isinstance(child, ast.expr):
                    self.scan(child)

    def _type_comment(self, line: int | None, col: int | None) -> Expr | None:
        """The type comment after a statement ending at (line, col): one that starts
        after the statement's last token (so never text inside a string), or None."""
        got = self.comments.get(line or 0)
        if got is None or got[0] < (col or 0) or _SIGNATURE.match(got[1]):
            return None
        return string_annotation(got[1])

    def _bind_typed(self, target: ast.expr, typed: Expr) -> None:
        # `a, b = f()  # type: int, Path`: one type per name
        if isinstance(target, (ast.Tuple, ast.List)) and typed[0] == "seq" and len(typed[1]) == len(target.elts):
            for elt, t in zip(target.elts, typed[1]):
                self._bind_typed(elt, t)
        elif not isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
            self._bind_target(target, ("T", typed))

    def _signature_comment(self, node: ast.FunctionDef | ast.AsyncFunctionDef,
                           params: tuple[Param, ...]) -> tuple[tuple[Param, ...], Expr | None]:
        """PEP 484 function type comments: `# type: (int, Path) -> Foo` after the header
        (or on the line after it), and `a,  # type: Path` after each argument.  They fill
        parameters and the return only where no annotation is written."""
        first_body = node.body[0].lineno if node.body else node.lineno
        signature = None
        for line in range(node.lineno, max(first_body, node.lineno + 1)):
            got = self.comments.get(line)
            if got is not None:
                signature = _SIGNATURE.match(got[1])
                if signature is not None:
                    break
        types: list[Expr | None] = []
        returns = None
        if signature is not None:
            returns = string_annotation(signature.group(2))
            try:
                call = ast.parse(f"f({signature.group(1)})", mode="eval").body
            except (SyntaxError, ValueError, RecursionError):
                call = None
            if isinstance(call, ast.Call):
                nodes = [a.value if isinstance(a, ast.Starred) else a for a in call.args]
                nodes += [k.value for k in call.keywords if k.arg is None]
                if not (len(nodes) == 1 and isinstance(nodes[0], ast.Constant) and nodes[0].value is Ellipsis):
                    types = [self.expr(n) for n in nodes]
        if types and len(types) == len(params) - 1 and params and params[0].name in ("self", "cls"):
            types = [None, *types]  # the comment may leave out `self`
        if len(types) != len(params):
            types = [None] * len(params)
        every = [*getattr(node.args, "posonlyargs", []), *node.args.args]
        if node.args.vararg:
            every.append(node.args.vararg)
        every += node.args.kwonlyargs
        if node.args.kwarg:
            every.append(node.args.kwarg)
        out = []
        for p, a, t in zip(params, every, types):
            if t is None and a.lineno != first_body:
                t = self._type_comment(a.end_lineno, a.end_col_offset)
            out.append(p._replace(annotation=("T", t)) if t is not None and p.annotation is None else p)
        return tuple(out), (("T", returns) if returns is not None else None)

    def _scan_target(self, t: ast.expr) -> None:
        # subscripts and attributes in targets evaluate their receivers
        if isinstance(t, ast.Subscript):
            self.scan(t.value)
            self.scan(t.slice)
        elif isinstance(t, ast.Attribute):
            self.scan(t.value)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self._scan_target(e)

    def imports(self, s: ast.Import | ast.ImportFrom) -> None:
        if isinstance(s, ast.Import):
            for a in s.names:
                if a.asname:
                    binding: Expr = ("mod", a.name)
                    name = a.asname
                else:
                    name = a.name.split(".")[0]
                    binding = ("mod", name)
                self._bind_import(name, binding)
            return
        mod = relative_name(s.level or 0, s.module)
        for a in s.names:
            if a.name == "*":
                if self.func is None:
                    self.m.star_imports.append(mod)
                continue
            self._bind_import(a.asname or a.name, ("from", mod, a.name))

    def _bind_import(self, name: str, binding: Expr) -> None:
        if self.dead:
            return
        if self.func is None and self.cls is None:
            self.m.imports[name] = binding
        else:
            self._bind_name(name, ("imp", binding))

    def _params(self, args: ast.arguments) -> tuple[Param, ...]:
        out: list[Param] = []
        pos = [*getattr(args, "posonlyargs", []), *args.args]
        # defaults belong to the last positional parameters; a default is one of the
        # parameter's values (`def f(adapter=JSONAdapter)`), read in the defining scope
        defaults: list[ast.expr | None] = [None] * (len(pos) - len(args.defaults)) + list(args.defaults)
        for a, d in zip(pos, defaults):
            out.append(Param(a.arg, self.annotation(a.annotation), "pos", self._default(d)))
        if args.vararg:
            out.append(Param(args.vararg.arg, None, "vararg"))
        for a, d in zip(args.kwonlyargs, args.kw_defaults):
            out.append(Param(a.arg, self.annotation(a.annotation), "kwonly", self._default(d)))
        if args.kwarg:
            out.append(Param(args.kwarg.arg, None, "kwarg"))
        return tuple(out)

    def _default(self, node: ast.expr | None) -> Expr | None:
        if node is None or isinstance(node, ast.Constant) and node.value is None:
            return None
        e = self.expr(node)
        return None if e == UNKNOWN else e

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        owner_cls = self.cls if self.func is None else None
        prefix = self.func.qualname if self.func else (owner_cls.qualname if owner_cls else self.m.name)
        qual = f"{prefix}.{node.name}"
        # decorators run in the enclosing scope
        for dec in node.decorator_list:
            self.scan(dec)
        for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
            self.scan(d)
        decorators = tuple(self.expr(d) for d in node.decorator_list)
        kind = "function"
        if owner_cls is not None:
            kind = "method"
            for d in decorators:
                last = d[2] if d[0] == "a" else (d[1] if d[0] == "n" else None)
                if last == "staticmethod":
                    kind = "staticmethod"
                elif last == "classmethod":
                    kind = "classmethod"
                elif last in ("property", "cached_property", "getter") or (
                        d[0] == "a" and last in ("setter", "deleter")):
                    kind = "property" if last != "setter" and last != "deleter" else "method"
        params = self._params(node.args)
        returns = self.annotation(node.returns)
        if self.comments:
            params, commented = self._signature_comment(node, params)
            returns = returns or commented
        f = Func(
            qual, node.name, self.m.name, isinstance(node, ast.AsyncFunctionDef),
            node.lineno, node.col_offset, getattr(node, "end_lineno", node.lineno) or node.lineno,
            cls=owner_cls.qualname if owner_cls else None,
            parent=self.func.qualname if self.func else None,
            kind=kind,
            params=params,
            returns=returns,
            decorators=decorators,
            is_stub=_is_stub(node.body),
        )
        if self.dead:
            if qual in self.m.functions:  # the taken branch's definition of that name stays
                return
        elif owner_cls is not None:
            # a later definition (property setter) must not shadow the getter
            if not (node.name in owner_cls.methods and kind == "method"
                    and any(d[0] == "a" and d[2] in ("setter", "deleter") for d in decorators)):
                owner_cls.methods[node.name] = qual
        elif self.func is not None:
            self.func.locals.setdefault(node.name, []).append(("f", qual))
        else:
            self.m.top[node.name] = qual
        self.m.functions[qual] = f
        saved = (self.func, self.cls, self.loop_depth, self.loop_line, self.narrowed, self._body, self.dead)
        (self.func, self.cls, self.loop_depth, self.loop_line, self.narrowed, self._body,
         self.dead) = f, None, 0, 0, {}, node.body, False
        try:
            self.body(node.body)
        finally:
            self.func, self.cls, self.loop_depth, self.loop_line, self.narrowed, self._body, self.dead = saved

    def klass(self, node: ast.ClassDef) -> None:
        for dec in node.decorator_list:
            self.scan(dec)
        for b in node.bases:
            self.scan(b)
        prefix = self.func.qualname if self.func else (self.cls.qualname if self.cls else self.m.name)
        qual = f"{prefix}.{node.name}"
        c = Cls(qual, node.name, self.m.name, node.lineno,
                bases=tuple(self.expr(b) for b in node.bases),
                decorators=tuple(self.expr(d) for d in node.decorator_list),
                parent=self.func.qualname if self.func else None)
        if self.dead:
            if qual in self.m.classes:  # the taken branch's definition of that name stays
                return
        elif self.func is not None:
            self.func.locals.setdefault(node.name, []).append(("C", qual))
        elif self.cls is not None:
            self.cls.attrs.setdefault(node.name, []).append(("C", qual))
        else:
            self.m.top[node.name] = qual
        self.m.classes[qual] = c
        saved = (self.func, self.cls, self.loop_depth, self.loop_line, self.narrowed, self.dead)
        self.func, self.cls, self.loop_depth, self.loop_line, self.narrowed, self.dead = None, c, 0, 0, {}, False
        try:
            self.body(node.body)
        finally:
            self.func, self.cls, self.loop_depth, self.loop_line, self.narrowed, self.dead = saved


def extract(tree: ast.Module, module: str, path: str, is_package: bool, text: str = "") -> ModuleFacts:
    """Extract the facts of one parsed module (`text`, its source: for type comments)."""
    facts = ModuleFacts(module, path, is_package)
    ex = _Extractor(facts, type_comments(text))
    for stmt in tree.body:
        try:
            ex.stmt(stmt)
        except (TooDeep, RecursionError):
            facts.diagnostics.append((getattr(stmt, "lineno", 1),
                                      "statement nested too deeply to analyze; skipped"))
            ex.func, ex.cls, ex.loop_depth, ex.nesting, ex.no_loop = None, None, 0, 0, False
            ex.loop_line, ex.narrowed, ex.dead = 0, {}, False
    return facts


_ANNOTATION_MEMO: dict[str, Expr | None] = {}


def string_annotation(text: str) -> Expr | None:
    """Parse a string annotation (`"Store | None"`) into an Expr, or None."""
    if text in _ANNOTATION_MEMO:
        return _ANNOTATION_MEMO[text]
    result: Expr | None = None
    if len(text) < 300:
        try:
            node = ast.parse(text.strip(), mode="eval").body
            result = _Extractor(ModuleFacts("", "", False)).expr(node)
        except (SyntaxError, ValueError, RecursionError):
            result = None
    _ANNOTATION_MEMO[text] = result
    return result
