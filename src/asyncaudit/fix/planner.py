"""Plan the fix of each finding in one file: find the boundary call in the libcst tree,
decide whether and how it can be rewritten, and how safe that is.

Stage: fix (after rules, before rendering).  A plan never touches the file; `apply`
turns the chosen plans into the new text.  The classes are ruff's:

* safe: the value keeps its place, the arguments are evaluated once on the loop as
  before, and nothing this function runs concurrently shares the call's state;
* unsafe: a rewrite exists but can change behaviour (held `with` resources, arguments
  that await, lazy iterators materialized in the worker, tasks sharing its arguments,
  thread-bound objects, loop callbacks that can only schedule the work);
* none: no rewrite (await is not legal there, the boundary is not a call, the result
  is a file or context manager used on the loop, the rule has no fix).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider, PositionProvider

from asyncaudit.catalog.loop import LOOP_RUNNERS
from asyncaudit.fix.offload import Bindings, Offloader, imports_home_assistant
from asyncaudit.fix.project import minimum_minor
from asyncaudit.model import Edit, Finding, Location
from asyncaudit.rules.blocking import CODES

SAFE, UNSAFE, NONE = "safe", "unsafe", "none"

# the codes of the catalog's categories (AA1xx, AA201): the findings that sit at a
# boundary call; the AA3xx rules have no automatic fix
_BOUNDARY_CODES = frozenset(CODES.values())

# the drop-in async alternative of a sink, by the offloader's library
_SLEEP = "time.sleep"

# sinks whose result is a lazy iterator: offloading the call alone would leave the I/O
# (each `next`) on the loop, so the fix materializes it with list() in the worker
LAZY_SINKS = frozenset({
    "os.walk", "os.fwalk", "os.scandir", "glob.iglob",
    "pathlib.Path.iterdir", "pathlib.Path.glob", "pathlib.Path.rglob", "pathlib.Path.walk",
    "concurrent.futures.as_completed",
})


def is_lazy_sink(qualname: str) -> bool:
    """Listed above, or a method that streams: `Response.iter_content`, `iter_lines`,
    `Pool.imap`, a `@stream` response's `stream()`."""
    method = qualname.rsplit(".", 1)[-1]
    return (qualname in LAZY_SINKS or method.startswith(("iter", "imap")) or method == "__iter__"
            or (method == "stream" and "@stream" in qualname))
# builtins that consume an iterator whole: `sorted(p.glob("*"))` is offloaded as one lambda
_CONSUMERS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "dict", "sum", "min", "max",
                        "any", "all", "next"})
# sinks that return an open file (or archive) whose reads and writes follow on the loop
OPENERS = frozenset({
    "builtins.open", "io.open", "io.open_code", "pathlib.Path.open", "gzip.open", "gzip.GzipFile",
    "bz2.open", "bz2.BZ2File", "lzma.open", "lzma.LZMAFile", "tarfile.open", "tarfile.TarFile",
    "tarfile.TarFile.open", "zipfile.ZipFile", "zipfile.ZipFile.open", "tempfile.TemporaryFile",
    "tempfile.NamedTemporaryFile", "shelve.open", "dbm.open", "wave.open", "smart_open.open",
})
# primitives that must be used by the thread that acquired them
_OWNED = frozenset({"threading.RLock.acquire", "threading.Condition.acquire", "threading.Condition.wait",
                    "threading.Condition.wait_for"})
_ACQUIRE = frozenset({"threading.Lock.acquire", "threading.Lock.acquire_lock", "threading.Semaphore.acquire"})
# `with` blocks that hold nothing another task could need while the call runs
_HARMLESS_WITH = frozenset({"suppress", "nullcontext", "catch_warnings", "raises", "warns", "deprecated_call",
                            "assertRaises", "assertRaisesRegex", "assertWarns", "assertWarnsRegex",
                            "assertLogs", "assertNoLogs", "TemporaryDirectory"})
_TASK_GROUPS = ("TaskGroup", "create_task_group", "open_nursery")
_SPAWNERS = frozenset({"create_task", "ensure_future", "start_soon", "run_coroutine_threadsafe"})


@dataclass(slots=True)
class Plan:
    """The fix of one finding: what replaces `target`, how safe it is, and why."""

    finding: Finding
    applicability: str  # safe | unsafe | none
    reason: str = ""  # why unsafe or none
    target: cst.CSTNode | None = None
    build: Callable[[cst.CSTNode], cst.BaseExpression] | None = None
    needs: tuple[str, ...] = ()  # modules to import when missing
    lines: tuple[int, int] = (0, 0)  # first and last line of the target
    lambda_form: bool = False  # the replacement wraps the target in a lambda
    description: str = ""
    edits: tuple[Edit, ...] = field(default_factory=tuple)
    scope: _Scope | None = None  # where its positions come from


@dataclass(slots=True)
class _Where:
    func: cst.FunctionDef | None = None
    problem: str = ""  # why `await` is not legal here
    with_item: bool = False  # the call is the context manager of a `with`
    sync_withs: list[cst.With] = field(default_factory=list)
    task_groups: list[cst.With] = field(default_factory=list)
    discarded: bool = False  # an expression statement: the value is not used
    awaited: bool = False


class Span(NamedTuple):
    """A node's place in the file: 1-based lines, 0-based character columns, end exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int


class _Scope:
    """Positions and parents of the nodes of one function (or the whole module).

    libcst's metadata visitors are slow on large modules, so they run on a module made
    of the one function that holds the boundary; its positions are then shifted to the
    function's place in the file (`dl` lines, `dc` columns: the def's indentation)."""

    def __init__(self, module: cst.Module, cls: cst.ClassDef | None = None, anchor: tuple[int, int] | None = None,
                 whole: bool = False) -> None:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        meta = wrapper.resolve_many([PositionProvider, ParentNodeProvider])  # one pass for both
        ranges = meta[PositionProvider]
        self.parents: dict[cst.CSTNode, cst.CSTNode] = dict(meta[ParentNodeProvider])
        self.root = module.body[0] if module.body and not whole else None
        self.cls = cls
        self.whole = whole
        dl = dc = 0
        if anchor is not None and isinstance(self.root, cst.FunctionDef):
            dl, dc = anchor[0] - ranges[self.root.name].start.line, anchor[1]
        self.spans: dict[cst.CSTNode, Span] = {
            n: Span(r.start.line + dl, r.start.column + dc, r.end.line + dl, r.end.column + dc)
            for n, r in ranges.items()}
        self.calls = {sp: n for n, sp in self.spans.items() if isinstance(n, cst.Call)}
        self.starts: dict[tuple[int, int], cst.CSTNode] = {}
        for n, sp in self.spans.items():
            self.starts.setdefault((sp.line, sp.col), n)  # the outermost node starting there


class FilePlanner:
    """Plans for the findings of one file, from one libcst parse."""

    def __init__(self, path: str, module: cst.Module, options: PlanOptions, tree: ast.Module | None = None) -> None:
        self.path = path
        self.module = module
        self.options = options
        self.tree = tree  # the analysis' own parse: finds the function holding a line fast
        self.bindings = Bindings(module)
        self.is_hass = imports_home_assistant(self.bindings, path)
        self._scopes: dict[int, _Scope] = {}
        self._whole: _Scope | None = None
        self._facts: dict[tuple[str, int], object] = {}
        self.scope: _Scope = None  # type: ignore[assignment]  # the scope of the plan being worked on

    def _memo(self, key: tuple[str, int], compute: Callable[[], object]) -> object:
        """Per-function (per-class) facts, computed once for all the findings in it."""
        if key not in self._facts:
            self._facts[key] = compute()
        return self._facts[key]

    def _module_scope(self) -> _Scope:
        if self._whole is None:
            self._whole = _Scope(self.module, whole=True)
        return self._whole

    def _scope_for(self, line: int) -> _Scope:
        found = _innermost_def(self.module.body, self.tree.body, line) if self.tree is not None else None
        if found is None:
            return self._module_scope()
        cfn, afn, cls = found
        scope = self._scopes.get(id(cfn))
        if scope is None:
            alone = self.module.with_changes(body=[cfn.with_changes(leading_lines=())], header=(), footer=())
            scope = self._scopes[id(cfn)] = _Scope(alone, cls, (afn.lineno, afn.col_offset))
        return scope

    @property
    def spans(self) -> dict[cst.CSTNode, Span]:
        return self.scope.spans

    @property
    def parents(self) -> dict[cst.CSTNode, cst.CSTNode]:
        return self.scope.parents

    # ------------------------------------------------------------------ planning ----
    def plan(self, findings: Sequence[Finding]) -> list[Plan]:
        plans = []
        for f in findings:
            if f.code not in _BOUNDARY_CODES:
                plans.append(Plan(f, NONE, "no automatic fix for this rule"))
                continue
            loc = f.location
            key = Span(loc.line, loc.column - 1, loc.end_line, loc.end_column - 1)
            self.scope = self._scope_for(loc.line)
            if key not in self.scope.calls and not self.scope.whole:
                self.scope = self._module_scope()  # the shifted positions did not fit: the slow, exact way
            plan = self._plan(f, self.scope.calls.get(key))
            plan.scope = self.scope
            plans.append(plan)
        self._resolve_overlaps(plans)
        for p in plans:
            if p.applicability != NONE:
                self.scope = p.scope
                self._describe(p)
        return plans

    def _plan(self, f: Finding, call: cst.Call | None) -> Plan:
        loc = f.location
        if call is None:
            node = self.scope.starts.get((loc.line, loc.column - 1))
            if node is None:
                return Plan(f, NONE, "the boundary call is not where the analysis found it (file changed?)")
            sinks = ", ".join(sorted({c.sink for c in f.chains}))
            what = "a loop over a blocking iterator" if self._in_loop_header(node) else "a `with` on a blocking object"
            return Plan(f, NONE, f"the boundary is {what} ({sinks}), not a call: no automatic fix")
        where = self._where(call)
        direct = _direct_sinks(f)
        plan = Plan(f, SAFE, target=call, lines=self._lines(call))

        if where.problem:
            return _none(plan, where.problem)
        if where.awaited:
            return _none(plan, "the call's result is awaited: make the callee async")
        if where.with_item:
            return _none(plan, "the call's result is a context manager used on the loop: move the whole "
                               "`with` block into a sync helper and offload that")
        if direct and direct & _OWNED:
            return _none(plan, "the primitive must be used by the thread that holds it: use an asyncio one")
        if direct and direct <= OPENERS and not where.discarded:
            return _none(plan, "the opened file is read or written on the loop: move the open and its use "
                               "into a sync helper and offload that")
        func = where.func
        assert func is not None
        name = f.function.rsplit(".", 1)[-1]
        if func.name.value != name:
            return _none(plan, f"the call is not directly in `{name}`")
        if func.asynchronous is None:
            return self._plan_callback(plan, f, call, where, direct)

        offloader, problem = self._offloader(func)
        if offloader is None:
            return _none(plan, problem)
        unsafe: list[str] = []
        if direct and direct <= LOOP_RUNNERS:
            return self._plan_nested_loop(plan, call, direct)
        if direct == {_SLEEP}:
            spelled, need = self.bindings.spell(f"{offloader.sleep_module}.sleep")
            plan.needs = (need,) if need else ()
            plan.build = functools.partial(self._build_sleep, spelled=spelled, parens=self._needs_parens(call))
        else:
            lazy = self._lazy(f, direct)
            if lazy == "decorated":
                return _none(plan, "the callee is a decorated generator: its result is not a plain iterator")
            target: cst.CSTNode = call
            if lazy:
                consumer = self._consumer(call)
                target = consumer or call
                plan.target, plan.lines = target, self._lines(target)
                plan.lambda_form = True
                if consumer is None:
                    unsafe.append("the callee returns a lazy iterator: the fix runs it to the end with list() in "
                                  "the worker thread")
                else:
                    unsafe.append("the iterator and its consumer run in the worker thread, their arguments "
                                  "evaluated there, not before the call")
            bound = self._loop_bound(f)
            if bound:
                return _none(plan, bound)
            plan.build, plan.needs = self._offload_builder(offloader, target, lazy=bool(lazy), consumed=target is not call)
            if direct and any(s.startswith("sqlite3.") for s in direct):
                unsafe.append("sqlite3 objects may only be used in the thread that created them")
            if direct and direct & _ACQUIRE:
                unsafe.append("the lock is acquired in a worker thread and then held across awaits")
        unsafe.extend(self._concurrency(plan.target, where, func))  # type: ignore[arg-type]
        if unsafe:
            plan.applicability, plan.reason = UNSAFE, unsafe[0]
        return plan

    def _plan_nested_loop(self, plan: Plan, call: cst.Call, direct: set[str]) -> Plan:
        args = call.args
        if len(args) != 1 or args[0].keyword is not None or args[0].star:
            return _none(plan, "starts an event loop with options: await the coroutine instead")
        if not direct <= {"asyncio.run", "asyncio.AbstractEventLoop.run_until_complete",
                          "asyncio.BaseEventLoop.run_until_complete"}:
            return _none(plan, "starts another event loop: await the coroutine instead")
        plan.build = functools.partial(_build_await_arg, parens=self._needs_parens(call))
        plan.applicability = UNSAFE
        plan.reason = "awaiting the coroutine runs it on this loop, not on a new one (context, loop-bound objects)"
        return plan

    def _plan_callback(self, plan: Plan, f: Finding, call: cst.Call, where: _Where, direct: set[str]) -> Plan:
        if f.context != "callback":
            return _none(plan, "the call is in a sync function: offload the call of that function instead")
        if not where.discarded:
            return _none(plan, "a sync callback the loop runs cannot await the result: make it async, or move "
                               "the work and what uses its result into a helper scheduled on an executor")
        if direct and direct <= LOOP_RUNNERS | {_SLEEP} | _OWNED:
            return _none(plan, "a sync callback the loop runs cannot wait for this")
        offloader, problem = self._offloader(where.func)  # type: ignore[arg-type]
        if offloader is None:
            return _none(plan, problem)
        if offloader.kind in ("anyio", "trio"):
            return _none(plan, f"a sync callback cannot schedule work with {offloader.kind}: make it async")
        bound = self._loop_bound(f)  # scheduled on the executor, it would run in a worker all the same
        if bound:
            return _none(plan, bound)
        plan.build, plan.needs = self._schedule_builder(offloader, call)
        plan.applicability = UNSAFE
        plan.reason = ("a sync callback cannot await: the fix schedules the call on the executor without waiting "
                       "for it (it finishes later, and its errors are not raised here)")
        return plan

    # ------------------------------------------------------------------ context -----
    def _where(self, call: cst.Call) -> _Where:
        w = _Where()
        path: list[cst.CSTNode] = [call]
        child: cst.CSTNode = call
        parent = self.parents.get(call)
        if isinstance(parent, cst.Expr):
            w.discarded = True
        if isinstance(parent, cst.Await):
            w.awaited = True
        while parent is not None:
            if isinstance(parent, cst.Lambda):
                w.problem = "`await` is not allowed in a lambda"
                return w
            elif isinstance(parent, cst.GeneratorExp):
                if not any(n is parent.for_in.iter for n in path):
                    w.problem = ("`await` in a generator expression would make it an async generator: "
                                 "use a list comprehension")
                    return w
            elif isinstance(parent, (cst.Decorator, cst.Param, cst.Annotation, cst.Parameters)):
                w.problem = "the call runs when the function or class is defined: no automatic fix"
                return w
            elif isinstance(parent, cst.FormattedStringExpression) and parent.equal is not None:
                w.problem = "the call is shown by an f-string `=` specifier: rewriting it changes the text"
                return w
            elif isinstance(parent, cst.WithItem) and parent.item is child and path[0] is child:
                with_node = self.parents.get(parent)
                if isinstance(with_node, cst.With) and with_node.asynchronous is None:
                    w.with_item = True
            elif isinstance(parent, cst.With) and child is parent.body:
                if parent.asynchronous is None:
                    w.sync_withs.append(parent)
                elif any(_last_name(i.item).endswith(_TASK_GROUPS) for i in parent.items):
                    w.task_groups.append(parent)
            elif isinstance(parent, cst.ClassDef):
                w.problem = "the call is in a class body: no automatic fix"
                return w
            elif isinstance(parent, cst.FunctionDef):
                w.func = parent
                return w
            elif isinstance(parent, cst.Module):
                w.problem = "the call is at module level"
                return w
            path.append(parent)
            child, parent = parent, self.parents.get(parent)
        w.problem = "the call's function was not found"
        return w

    def _concurrency(self, target: cst.CSTNode, where: _Where, func: cst.FunctionDef) -> list[str]:
        out = []
        for w in where.sync_withs:
            items = [i for i in w.items if _last_name(i.item) not in _HARMLESS_WITH]
            if items:
                text = self._code(items[0].item)
                out.append(f"inside `with {_short(text)}`: what it holds stays held while other tasks run")
                break
        if where.task_groups:
            out.append("inside a task group: its tasks run while the call runs in the worker thread")
        if _contains(target, cst.Await):
            out.append("its arguments contain `await`")
        # the await makes the whole statement yield, not only the call: its names count
        names = _names(self._statement(target))
        if names:
            for spawn in self._memo(("spawns", id(func.body)), lambda: list(_spawns(func.body))):
                shared = sorted(names & self._memo(("spawned", id(spawn)),
                                                   lambda: set().union(*(_names(a) for a in spawn.args))))
                if shared:
                    line = self.spans[spawn].line
                    out.append(f"`{shared[0]}` is also used by the task started at line {line}, "
                               f"which runs while the call runs in the worker thread")
                    break
        return out

    def _in_loop_header(self, node: cst.CSTNode) -> bool:
        parent = self.parents.get(node)
        return (isinstance(parent, cst.For) and parent.iter is node) or (
            isinstance(parent, cst.CompFor) and parent.iter is node)

    def _statement(self, node: cst.CSTNode) -> cst.CSTNode:
        """The simple statement holding `node`, or the header expression of a compound one."""
        child, parent = node, self.parents.get(node)
        while parent is not None and not isinstance(parent, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
            child, parent = parent, self.parents.get(parent)
        return child if isinstance(parent, cst.BaseCompoundStatement) or parent is None else parent

    def _lazy(self, f: Finding, direct: set[str] | None) -> str | bool:
        """True when the call returns a lazy iterator (a generator, `Path.glob`...)."""
        if direct:
            return any(is_lazy_sink(q) for q in direct)
        kinds = {self.options.generator(c.hops[1].function) for c in f.chains if len(c.hops) > 1}
        if "decorated" in kinds:
            return "decorated"
        return "plain" in kinds

    def _loop_bound(self, f: Finding) -> str:
        """Why the callee must stay on the loop's thread, or "".  Every project function
        of a chain runs in the worker once the boundary is offloaded: one that schedules
        on the loop (`loop.call_soon`, `create_task`, Home Assistant's `async_*` methods,
        a `@callback`) would then do so from another thread, which these APIs forbid."""
        for chain in f.chains:
            for hop in chain.hops[1:]:
                found = self.options.loop_bound(hop.function)
                if found:
                    name = hop.function.rsplit(".", 1)[-1]
                    blocking = chain.hops[-1].callee
                    return (f"`{name}` {found}, which must run on the event loop's thread: offload only the "
                            f"blocking call inside it (`{blocking}`)")
        return ""

    def _consumer(self, call: cst.Call) -> cst.Call | None:
        arg = self.parents.get(call)
        consumer = self.parents.get(arg) if isinstance(arg, cst.Arg) else None
        if (isinstance(consumer, cst.Call) and isinstance(consumer.func, cst.Name)
                and consumer.func.value in _CONSUMERS and consumer.args and consumer.args[0] is arg
                and arg.keyword is None and not arg.star):
            return consumer
        return None

    def _offloader(self, func: cst.FunctionDef) -> tuple[Offloader | None, str]:
        choice = self.options.offloader
        receiver = self._hass_receiver(func) if choice == "hass" or (choice == "auto" and self.is_hass) else ""
        if choice == "hass":
            return (Offloader("hass", receiver), "") if receiver else (
                None, "`fix-offloader = \"hass\"` but no `hass` (or `self.hass`) is in scope here")
        if choice != "auto":
            return Offloader(choice), ""
        if receiver and self.is_hass:
            return Offloader("hass", receiver), ""
        imported = self.bindings.imported
        for lib in ("trio", "anyio"):
            if lib in imported and "asyncio" not in imported:
                return Offloader(lib), ""
        if not imported & {"asyncio", "anyio", "trio"} and self.options.project_library in ("anyio", "trio"):
            return Offloader(self.options.project_library), ""
        minor = minimum_minor(self.path)
        if minor is not None and minor < 9:
            return Offloader("executor"), ""  # asyncio.to_thread is new in 3.9
        return Offloader("asyncio"), ""

    def _hass_receiver(self, func: cst.FunctionDef) -> str:
        # a parameter, a local, or a closure's free variable: code that reads `hass` has it
        if any(p.name.value == "hass" for p in _all_params(func.params)) or "hass" in self._memo(
                ("names", id(func.body)), lambda: _names(func.body)):
            return "hass"
        cls = self._class_of(func)
        if cls is None or not _all_params(func.params) or _all_params(func.params)[0].name.value != "self":
            return ""
        attrs = self._memo(("attrs", id(cls)), lambda: _self_attrs(cls))
        if "hass" in attrs:
            return "self.hass"
        if "_hass" in attrs:
            return "self._hass"
        for base in cls.bases:
            root = _root_name(base.value)
            dotted = self.bindings.reverse().get(root, "")
            if dotted.startswith("homeassistant."):
                return "self.hass"  # Entity, DataUpdateCoordinator, FlowHandler... carry `hass`
        return ""

    def _class_of(self, func: cst.FunctionDef) -> cst.ClassDef | None:
        if not self.scope.whole:
            return self.scope.cls
        block = self.parents.get(func)
        cls = self.parents.get(block) if isinstance(block, cst.IndentedBlock) else None
        return cls if isinstance(cls, cst.ClassDef) else None

    # ------------------------------------------------------------------ builders ----
    def _needs_parens(self, node: cst.CSTNode) -> bool:
        """`await x` binds looser than `.attr`, `[i]` and `(...)`: parenthesize it there."""
        parent = self.parents.get(node)
        if isinstance(node, cst.BaseExpression) and (node.lpar if hasattr(node, "lpar") else ()):
            return False
        return ((isinstance(parent, cst.Attribute) and parent.value is node)
                or (isinstance(parent, cst.Subscript) and parent.value is node)
                or (isinstance(parent, cst.Call) and parent.func is node))

    def _spell(self, dotted: str, needs: list[str]) -> cst.BaseExpression:
        spelled, need = self.bindings.spell(dotted)
        if need and need not in needs:
            needs.append(need)
        return _expression(spelled)

    def _offload_builder(self, off: Offloader, target: cst.CSTNode, *, lazy: bool, consumed: bool
                         ) -> tuple[Callable[[cst.CSTNode], cst.BaseExpression], tuple[str, ...]]:
        needs: list[str] = []
        if off.kind == "asyncio":
            head = self._spell("asyncio.to_thread", needs)
        elif off.kind == "executor":
            head = cst.Attribute(cst.Call(self._spell("asyncio.get_running_loop", needs)),
                                 cst.Name("run_in_executor"))
        elif off.kind in ("anyio", "trio"):
            head = self._spell(f"{off.kind}.to_thread.run_sync", needs)
        else:
            head = cst.Attribute(_expression(off.receiver), cst.Name("async_add_executor_job"))
        lead = [cst.Arg(cst.Name("None"), comma=_COMMA)] if off.kind == "executor" else []
        partial = None
        if not lazy and not off.takes_kwargs and isinstance(target, cst.Call) and _has_kwargs(target):
            partial = self._spell("functools.partial", needs)
        parens = self._needs_parens(target)

        def build(node: cst.CSTNode) -> cst.BaseExpression:
            assert isinstance(node, cst.Call)
            if lazy:
                body = _strip(node) if consumed else cst.Call(cst.Name("list"), [cst.Arg(_strip(node))])
                args = [*lead, cst.Arg(cst.Lambda(cst.Parameters(), body))]
                call = cst.Call(head, args)
            elif partial is not None:
                inner = cst.Call(partial, _prepend(node.func, node.args), whitespace_before_args=node.whitespace_before_args)
                call = cst.Call(head, [*lead, cst.Arg(inner)])
            else:
                call = cst.Call(head, [*lead, *_prepend(node.func, node.args)],
                                whitespace_before_args=node.whitespace_before_args)
            return _await(call, node, parens)

        return build, tuple(needs)

    def _schedule_builder(self, off: Offloader, call: cst.Call
                          ) -> tuple[Callable[[cst.CSTNode], cst.BaseExpression], tuple[str, ...]]:
        needs: list[str] = []
        if off.kind == "hass":
            head: cst.BaseExpression = cst.Attribute(_expression(off.receiver),
                                                     cst.Name("async_add_executor_job"))
            lead: list[cst.Arg] = []
        else:
            head = cst.Attribute(cst.Call(self._spell("asyncio.get_running_loop", needs)), cst.Name("run_in_executor"))
            lead = [cst.Arg(cst.Name("None"), comma=_COMMA)]
        partial = self._spell("functools.partial", needs) if _has_kwargs(call) else None

        def build(node: cst.CSTNode) -> cst.BaseExpression:
            assert isinstance(node, cst.Call)
            if partial is not None:
                inner = cst.Call(partial, _prepend(node.func, node.args), whitespace_before_args=node.whitespace_before_args)
                return cst.Call(head, [*lead, cst.Arg(inner)], lpar=node.lpar, rpar=node.rpar)
            return cst.Call(head, [*lead, *_prepend(node.func, node.args)], lpar=node.lpar, rpar=node.rpar,
                            whitespace_before_args=node.whitespace_before_args)

        return build, tuple(needs)

    def _build_sleep(self, node: cst.CSTNode, *, spelled: str, parens: bool) -> cst.BaseExpression:
        assert isinstance(node, cst.Call)
        call = cst.Call(_expression(spelled), node.args, whitespace_before_args=node.whitespace_before_args)
        return _await(call, node, parens)

    # ------------------------------------------------------------------ overlaps ----
    def _resolve_overlaps(self, plans: list[Plan]) -> None:
        live = [p for p in plans if p.applicability != NONE]
        seen: dict[int, Plan] = {}
        for p in live:
            key = id(p.target)
            if key in seen:
                first = seen[key].finding.location
                _none(p, f"overlaps the fix of the finding at {first.line}:{first.column}")
            else:
                seen[key] = p
        live = [p for p in plans if p.applicability != NONE]
        for outer in live:
            o = outer.scope.spans[outer.target]  # type: ignore[index, union-attr]
            for inner in live:
                if inner is outer or inner.applicability == NONE:
                    continue
                i = inner.scope.spans[inner.target]  # type: ignore[index, union-attr]
                if _within(i, o):
                    if outer.lambda_form:
                        _none(outer, "contains another fixed call (`await` cannot go in its lambda)")
                        break
                    if outer.applicability == SAFE:
                        outer.applicability = UNSAFE
                        outer.reason = "its arguments contain another fixed call: they would contain `await`"

    # ------------------------------------------------------------------ rendering ---
    def _describe(self, p: Plan) -> None:
        assert p.target is not None and p.build is not None
        new = p.build(p.target)
        # the target's own parentheses stay in the file, outside the replaced span
        text = self.module.code_for_node(_strip(new) if _own_parens(p.target) else new)
        r = self.spans[p.target]
        loc = Location(self.path, r.line, r.col + 1, r.end_line, r.end_col + 1)
        p.edits = (Edit(loc, text),)
        one_line = " ".join(text.split()).replace("( ", "(").replace(" )", ")")
        if len(one_line) > 100:
            one_line = one_line[:96] + " ..."
        p.description = f"replace with `{one_line}`"

    def _lines(self, node: cst.CSTNode) -> tuple[int, int]:
        r = self.spans[node]
        return r.line, r.end_line

    def _code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


@dataclass(slots=True)
class PlanOptions:
    """What planning needs beyond the file: the configured offloader, the project's
    async library, whether a function (by qualified name) is a generator, and whether
    it uses an API bound to the loop's thread."""

    offloader: str = "auto"
    project_library: str = "asyncio"
    generator: Callable[[str], str | None] = lambda q: None
    # qualified name -> what in that function must run on the loop's thread (see loop_bound)
    loop_bound: Callable[[str], str | None] = lambda q: None


# ---------------------------------------------------------------------- helpers -----

_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


@functools.lru_cache(maxsize=256)
def _expression(code: str) -> cst.BaseExpression:
    """A parsed dotted name (`asyncio.to_thread`); nodes are immutable, so shared."""
    return cst.parse_expression(code)


def _none(plan: Plan, reason: str) -> Plan:
    plan.applicability, plan.reason, plan.build, plan.needs = NONE, reason, None, ()
    return plan


def _direct_sinks(f: Finding) -> set[str] | None:
    """The sinks the boundary call is itself (every chain one hop long), else None."""
    if f.chains and all(len(c.hops) == 1 for c in f.chains):
        return {c.sink for c in f.chains}
    return None


def _prepend(func: cst.BaseExpression, args: Sequence[cst.Arg]) -> list[cst.Arg]:
    """`func` as the first argument, spaced like the call's own arguments."""
    if not args:
        return [cst.Arg(func)]
    first = args[0].comma
    ws = first.whitespace_after if isinstance(first, cst.Comma) and len(args) > 1 else cst.SimpleWhitespace(" ")
    return [cst.Arg(func, comma=cst.Comma(whitespace_after=ws)), *args]


def _await(call: cst.BaseExpression, node: cst.CSTNode, parens: bool) -> cst.Await:
    lpar = list(getattr(node, "lpar", ()))
    rpar = list(getattr(node, "rpar", ()))
    if parens and not lpar:
        lpar, rpar = [cst.LeftParen()], [cst.RightParen()]
    return cst.Await(call, lpar=lpar, rpar=rpar)


def _build_await_arg(node: cst.CSTNode, *, parens: bool) -> cst.BaseExpression:
    assert isinstance(node, cst.Call)
    value = node.args[0].value
    if not isinstance(value, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)) and not getattr(value, "lpar", ()):
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return _await(value, node, parens)


def _strip(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.with_changes(lpar=[], rpar=[]) if getattr(node, "lpar", ()) else node


def _own_parens(node: cst.CSTNode) -> bool:
    return bool(getattr(node, "lpar", ()))


def _has_kwargs(call: cst.Call) -> bool:
    return any(a.keyword is not None or a.star == "**" for a in call.args)


def _within(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.col) <= (inner.line, inner.col) and (inner.end_line, inner.end_col) <= (
        outer.end_line, outer.end_col) and inner != outer


def _last_name(node: cst.BaseExpression) -> str:
    while isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Name):
        return node.value
    return ""


def _root_name(node: cst.BaseExpression) -> str:
    while isinstance(node, (cst.Attribute, cst.Subscript, cst.Call)):
        node = node.func if isinstance(node, cst.Call) else node.value
    return node.value if isinstance(node, cst.Name) else ""


def _short(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= 60 else one[:56] + " ..."


def _collect(root: cst.CSTNode, want: type | tuple[type, ...], *, nested: bool = False) -> list[cst.CSTNode]:
    """Nodes of type `want` in `root`; not inside nested functions, lambdas and classes
    (whose bodies run elsewhere) unless `nested`."""
    found: list[cst.CSTNode] = []

    class V(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, want):
                found.append(node)
            return nested or node is root or not isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef))

    root.visit(V())
    return found


def _contains(node: cst.CSTNode, kind: type[cst.CSTNode]) -> bool:
    return bool(_collect(node, kind))


def _names(node: cst.CSTNode) -> set[str]:
    """The variables an expression reads: bare names and the roots of attribute chains;
    not attribute names, keyword names, the names of called functions, or `self`."""
    skip: set[int] = set()
    found: list[str] = []

    class V(cst.CSTVisitor):
        def visit_Attribute(self, n: cst.Attribute) -> None:
            skip.add(id(n.attr))

        def visit_Arg(self, n: cst.Arg) -> None:
            if n.keyword is not None:
                skip.add(id(n.keyword))

        def visit_Call(self, n: cst.Call) -> None:
            skip.add(id(n.func))

        def visit_Name(self, n: cst.Name) -> None:
            if id(n) not in skip:
                found.append(n.value)

    node.visit(V())
    return set(found) - {"self", "cls", "None", "True", "False"}


def _spawns(body: cst.CSTNode) -> Iterator[cst.Call]:
    for n in _collect(body, cst.Call):
        assert isinstance(n, cst.Call)
        if _last_name(n.func) in _SPAWNERS:
            yield n


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    out = [*params.posonly_params, *params.params, *params.kwonly_params]
    if isinstance(params.star_arg, cst.Param):
        out.append(params.star_arg)
    if params.star_kwarg is not None:
        out.append(params.star_kwarg)
    return out


def _self_attrs(cls: cst.ClassDef) -> set[str]:
    return {n.attr.value for n in _collect(cls, cst.Attribute, nested=True)  # type: ignore[attr-defined]
            if isinstance(n.value, cst.Name) and n.value.value == "self"}  # type: ignore[attr-defined]


def generator_kind(tree: ast.Module, line: int) -> str | None:
    """Is the function defined at `line` of `tree` a generator ("plain"), a decorated
    one ("decorated", e.g. @contextmanager), or neither (None)?"""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.lineno == line:
            if not _yields(node):
                return None
            return "decorated" if node.decorator_list else "plain"
    return None


# methods and functions that only the thread running the event loop may call: asyncio's
# loop and task API is not thread-safe (the `*_threadsafe` ones are, and are not listed).
# Not `get_running_loop()`: code calls it to ask whether a loop runs (and falls back to
# `asyncio.run` in a worker thread, where it raises), so it binds nothing by itself.
_LOOP_ONLY = frozenset({"call_soon", "call_later", "call_at", "create_task", "ensure_future", "create_future",
                        "add_reader", "add_writer", "remove_reader", "remove_writer", "add_signal_handler"})


def loop_bound(tree: ast.Module, line: int) -> str | None:
    """What makes the sync function defined at `line` of `tree` loop-bound, or None: a
    call to one of `_LOOP_ONLY`, or in a Home Assistant module a `@callback` decorator
    or a call to an `async_*` function.  Home Assistant's convention is that a sync
    `async_*` function (`hass.async_create_task`, `entity.async_write_ha_state`...) runs
    only in the loop; elsewhere the prefix promises nothing (SQLAlchemy's
    `async_sessionmaker` is a plain constructor)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.lineno == line:
            break
    else:
        return None
    hass = _imports_from(tree, "homeassistant")
    for dec in node.decorator_list:
        if hass and _ast_name(dec) == "callback":
            return "is a Home Assistant `@callback`"
    stack: list[ast.AST] = list(node.body)
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # defined here, run later (or elsewhere)
        if isinstance(n, ast.Call):
            name = _ast_name(n.func)
            if name in _LOOP_ONLY or (hass and name.startswith("async_")):
                return f"calls `{_short(ast.unparse(n.func))}()` (line {n.lineno})"
        stack.extend(ast.iter_child_nodes(n))
    return None


def _ast_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _imports_from(tree: ast.Module, package: str) -> bool:
    """The module imports from `package` at its top level."""
    return any(isinstance(s, ast.ImportFrom) and s.level == 0 and (s.module or "").split(".")[0] == package
               or isinstance(s, ast.Import) and any(a.name.split(".")[0] == package for a in s.names)
               for s in tree.body)


def _yields(func: ast.FunctionDef) -> bool:
    stack: list[ast.AST] = list(func.body)
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(n))
    return False


# ------------------------------------------------------------------ navigation -----
# libcst and ast bodies list the same statements, except that `a; b` is one libcst
# SimpleStatementLine and two ast statements: group ast statements by physical line.
_COMPOUND = {ast.FunctionDef: cst.FunctionDef, ast.AsyncFunctionDef: cst.FunctionDef, ast.ClassDef: cst.ClassDef,
             ast.If: cst.If, ast.For: cst.For, ast.AsyncFor: cst.For, ast.While: cst.While, ast.With: cst.With,
             ast.AsyncWith: cst.With, ast.Try: cst.Try}
if hasattr(ast, "TryStar"):
    _COMPOUND[ast.TryStar] = cst.TryStar


def _groups(body: list[ast.stmt]) -> list[list[ast.stmt]]:
    out: list[list[ast.stmt]] = []
    for s in body:
        simple = type(s) not in _COMPOUND
        if out and simple and type(out[-1][-1]) not in _COMPOUND and s.lineno == out[-1][-1].end_lineno:
            out[-1].append(s)
        else:
            out.append([s])
    return out


def _first_line(s: ast.stmt) -> int:
    decorators = getattr(s, "decorator_list", None)
    return min([s.lineno, *(d.lineno for d in decorators)]) if decorators else s.lineno


def _bodies(c: cst.CSTNode, a: ast.stmt) -> list[tuple[Sequence[cst.CSTNode], list[ast.stmt]]]:
    """The statement bodies of a compound statement, libcst and ast side by side."""
    def block(b: cst.BaseSuite) -> Sequence[cst.CSTNode]:
        return b.body if isinstance(b, cst.IndentedBlock) else ()

    out: list[tuple[Sequence[cst.CSTNode], list[ast.stmt]]] = [(block(c.body), a.body)]  # type: ignore[attr-defined]
    orelse = getattr(c, "orelse", None)
    if isinstance(orelse, cst.If):
        out.append(([orelse], a.orelse))  # type: ignore[attr-defined]
    elif isinstance(orelse, cst.Else):
        out.append((block(orelse.body), a.orelse))  # type: ignore[attr-defined]
    if isinstance(c, (cst.Try, cst.TryStar)):
        out.extend((block(h.body), ah.body) for h, ah in zip(c.handlers, a.handlers))  # type: ignore[attr-defined]
        if c.finalbody is not None:
            out.append((block(c.finalbody.body), a.finalbody))  # type: ignore[attr-defined]
    return out


def _innermost_def(body: Sequence[cst.CSTNode], tree: list[ast.stmt], line: int,
                   cls: cst.ClassDef | None = None) -> tuple[cst.FunctionDef, ast.stmt, cst.ClassDef | None] | None:
    """The innermost function holding `line`, its ast twin and the class it is a method
    of; None when the two trees do not line up (the caller then uses the whole module)."""
    groups = _groups(tree)
    if len(groups) != len(body):
        return None
    for c, g in zip(body, groups):
        if not _first_line(g[0]) <= line <= (g[-1].end_lineno or g[-1].lineno):
            continue
        a = g[0]
        want = _COMPOUND.get(type(a))
        if want is None:
            return None  # a simple statement: not in a function
        if not isinstance(c, want):
            return None
        for cb, ab in _bodies(c, a):
            inner = _innermost_def(cb, ab, line, c if isinstance(c, cst.ClassDef) else None)
            if inner is not None:
                return inner
        if isinstance(c, cst.FunctionDef):
            return c, a, cls
        return None
    return None
