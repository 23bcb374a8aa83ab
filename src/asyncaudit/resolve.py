"""Resolve stage: symbolic expressions -> abstract values -> call targets, across modules.

The `Program` holds the facts of every module (the audited project, plus third-party
modules loaded on demand from the audited environment's site-packages) and evaluates
`Expr`s to abstract values:

    ("mod", name)        a module of the program
    ("fn", qualname)     a function of the program
    ("cls", qualname)    a class of the program
    ("obj", qualname)    an instance of a program class
    ("x", qualname)      an external symbol (module, function or class not in the program)
    ("xo", type)         an instance of an external type (`pathlib.Path`, `requests.Session`)
    ("xm", type, name)   a method of an external instance
    ("part", value)      functools.partial(value, ...)

Evaluation is flow-insensitive (a local is the union of everything assigned to it),
memoized, and cycle-safe.  A call whose receiver cannot be typed stays unresolved: it is
counted, never spread to every method of that name.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from asyncaudit.catalog import FUNCTION_RETURNS, MODULE_ALIASES, SINKS, TYPES
from asyncaudit.catalog.async_io import async_io_category
from asyncaudit.catalog.blocking import METHOD_FAMILIES, PROPERTY_SINKS, Sink
from asyncaudit.catalog.containers import DICT_LIKE, LIST_LIKE, TUPLE_LIKE
from asyncaudit.catalog.types import KEYWORD_RETURNS
from asyncaudit.catalog.loop import LOOP_DECORATORS, LOOP_RUNNERS, OFFLOADERS, REGISTRARS, CallableSlot
from asyncaudit.model import Severity
from asyncaudit.facts import ATTR, ITER, WITH, Cls, Expr, Func, ModuleFacts, Param, Site, last_name
from asyncaudit.modules import NAMESPACE, SOURCE, Found, ModuleFinder, compiled_in, is_stdlib

Value = tuple
NO_VALUES: tuple[Value, ...] = ()
_BUILTINS = frozenset(dir(builtins))
_MAX_VALUES = 8
# Evaluations nested inside each other (`a2 = a1`, `a1 = a0`, ...; base classes of base
# classes): the analyzed code decides the depth, so it is capped; deeper values are
# unknown, as if unresolvable, and the run neither overflows nor raises RecursionError.
_MAX_EVAL_DEPTH = 100
_MAX_OVERRIDES = 6
_PROTOCOL_MARKERS = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
# bases that say what kind of class this is, not where its attributes come from
_MARKER_BASES = _PROTOCOL_MARKERS | {"typing.Generic", "abc.ABC", "builtins.object"}
_ASYNC_PROTOCOL = ("__aenter__", "__aiter__", "__anext__", "__await__")
_ABSTRACT = frozenset({"abstractmethod", "abstractproperty"})
_NOT_MEMBERS = frozenset({"__init__", "__slots__", "__doc__", "__module__", "__qualname__",
                          "__annotations__", "__class_getitem__", "__init_subclass__"})


def canonical(qualname: str) -> str:
    """Map private implementation modules to their public name (`posixpath` -> `os.path`)."""
    head = qualname
    while True:
        if head in MODULE_ALIASES:
            return MODULE_ALIASES[head] + qualname[len(head):]
        cut = head.rfind(".")
        if cut < 0:
            return qualname
        head = head[:cut]


class Target(NamedTuple):
    """What a site runs: a program function (`fn`) or an external API (`ext`)."""

    kind: str  # "fn" | "ext"
    name: str
    how: str = "call"  # call | init | property | enter | exit | iter


@dataclass(slots=True)
class Resolution:
    targets: tuple[Target, ...]
    resolved: bool
    offloaded: tuple[str, ...] = ()  # function qualnames handed to an offloader here
    scheduled: tuple[str, ...] = ()  # function qualnames handed to a loop registrar here
    offloader: str | None = None  # the offloader's name, when this site offloads


_NOTHING = Resolution((), False)


def _type_bases(t: str) -> Iterable[str]:
    seen = {t}
    stack = [t]
    while stack:
        cur = stack.pop()
        yield cur
        kt = TYPES.get(cur)
        if kt is not None:
            for b in kt.bases:
                if b not in seen:
                    seen.add(b)
                    stack.append(b)


class _SlotIndex:
    """Offloaders or registrars indexed by qualname and by method name."""

    def __init__(self, slots: Iterable[CallableSlot]) -> None:
        self.by_name: dict[str, CallableSlot] = {}
        self.by_method: dict[str, CallableSlot] = {}
        for s in slots:
            if s.qualname:
                self.by_name.setdefault(s.qualname, s)
            if s.method:
                self.by_method.setdefault(s.method, s)
        self.last_names = frozenset(q.rpartition(".")[2] for q in self.by_name) | frozenset(self.by_method)

    def match(self, values: tuple[Value, ...], method: str | None, last: str | None) -> CallableSlot | None:
        if method is not None and method in self.by_method:
            return self.by_method[method]
        if last not in self.last_names:
            return None
        for v in values:
            if v[0] == "x" and v[1] in self.by_name:
                return self.by_name[v[1]]
            if v[0] == "xm":
                for b in _type_bases(v[1]):
                    got = self.by_name.get(f"{b}.{v[2]}")
                    if got is not None:
                        return got
        return None


_OFFLOADERS = _SlotIndex(OFFLOADERS)
_REGISTRARS = _SlotIndex(REGISTRARS)


class Program:
    """Every module's facts, with lazy cross-module evaluation."""

    def __init__(self, modules: Iterable[ModuleFacts], *,
                 finder: ModuleFinder | None = None,
                 load: Callable[[Found, str], ModuleFacts | None] | None = None,
                 test_paths: frozenset[str] = frozenset(),
                 extra_sinks: dict[str, Sink] | None = None,
                 extra_offloaders: tuple[CallableSlot, ...] = (),
                 extra_registrars: tuple[CallableSlot, ...] = (),
                 loop_decorators: frozenset[str] = frozenset(),
                 severity: dict[str, Severity] | None = None) -> None:
        """`finder` finds what each import loads (without one, modules are looked up by
        name among `modules`); `load(found, module_id)` reads an installed library's file
        as facts (None: libraries are not followed); `test_paths`: the project files that
        are test code."""
        # the catalogs, extended by the configuration for this program only
        self.sinks: dict[str, Sink] = {**SINKS, **(extra_sinks or {})}
        self.offloaders = _OFFLOADERS if not extra_offloaders else _SlotIndex((*extra_offloaders, *OFFLOADERS))
        self.registrars = _REGISTRARS if not extra_registrars else _SlotIndex((*extra_registrars, *REGISTRARS))
        self.loop_decorators = LOOP_DECORATORS | loop_decorators
        self.severity = severity or {}  # rule code or sink qualname -> base severity override
        self.modules: dict[str, ModuleFacts] = {}
        self.functions: dict[str, Func] = {}
        self.classes: dict[str, Cls] = {}
        self.project: set[str] = set()
        self.library: set[str] = set()  # modules loaded from the audited environment
        self.finder = finder
        self._load = load
        self._test_paths = test_paths
        self.tests: set[str] = set()  # project modules that are test code
        self.by_path: dict[str, str] = {}  # absolute file path -> module id
        self._abspath: dict[str, str] = {}  # module id -> absolute file path
        self._located: dict[str, Found] = {}  # module id -> where it was found (package folders)
        self._namespaces: dict[tuple[str, ...], str] = {}
        self._resolved: dict[tuple[str, str], str | None] = {}
        self.unfound: set[str] = set()  # absolute module names no search root holds (not the stdlib)
        self._memo: dict[tuple[str, Expr], tuple[Value, ...]] = {}
        self._busy: set[tuple[str, Expr]] = set()
        self._depth = 0  # nesting of values() and mro() calls, bounded by _MAX_EVAL_DEPTH
        self._subclasses: dict[str, list[str]] | None = None
        self._mro: dict[str, tuple[str, ...]] = {}
        self._ext_bases: dict[str, tuple[str, ...]] = {}
        self._protocols: set[str] = set()
        self._abstract: dict[str, bool] = {}
        self._impls: dict[tuple[str, str], tuple[str, ...]] = {}
        self._defining: dict[str, list[str]] | None = None  # member name -> classes defining it
        self.property_names: set[str] = set()
        self._project_functions: list[Func] | None = None
        for m in modules:
            self.add(m, project=True)

    # ---- modules ------------------------------------------------------------------

    def project_functions(self) -> list[Func]:
        """The audited project's functions (not loaded libraries'), by qualified name."""
        if self._project_functions is None:
            self._project_functions = [self.functions[q] for q in sorted(self.functions)
                                       if self.functions[q].module in self.project]
        return self._project_functions

    def add(self, m: ModuleFacts, *, project: bool) -> None:
        self.modules[m.name] = m
        if m.path:
            path = self._abspath[m.name] = os.path.abspath(m.path)
            self.by_path[path] = m.name
        if project:
            self.project.add(m.name)
            if m.path in self._test_paths:
                self.tests.add(m.name)
        self.functions.update(m.functions)
        self.property_names.update(f.name for f in m.functions.values() if f.kind == "property")
        self.classes.update(m.classes)
        self._subclasses = None
        self._defining = None
        self._impls.clear()
        self._project_functions = None

    def is_test(self, module: str) -> bool:
        """Whether a module of the program is test code (judged by its path)."""
        return module in self.tests

    def module(self, name: str) -> ModuleFacts | None:
        """The module an installed library's `import name` loads, if any."""
        found = self.find_module(name, None)
        return self.modules[found] if found is not None else None

    def locate(self, name: str, importer: ModuleFacts | None) -> Found | None:
        """Where `import name` (or `from name import ...`; relative names allowed) leads
        from `importer` (None: from an installed library), by the module finder."""
        if self.finder is None:
            return None
        path = self._abspath.get(importer.name) if importer is not None else None
        if name.startswith("."):
            return self.finder.relative(name, path) if path else None
        return self.finder.find(name, path if importer is not None and importer.name in self.project else None)

    def find_module(self, name: str, importer: ModuleFacts | None) -> str | None:
        """The id of the module `import name` loads in `importer`, or None (external)."""
        key = (importer.name if importer is not None else "", name)
        if key in self._resolved:
            return self._resolved[key]
        if self.finder is None:  # a program of facts alone: modules by name
            if name.startswith(".") and importer is not None:
                name = _relative_by_name(importer, name)
            out = name if name in self.modules else None
        else:
            found = self.locate(name, importer)
            if found is None:
                if not name.startswith(".") and not is_stdlib(name) and not compiled_in(name):
                    self.unfound.add(name)
                out = None
            else:
                out = self._module_for(found)
        self._resolved[key] = out
        return out

    def submodule(self, mod: ModuleFacts, name: str) -> str | None:
        """The id of submodule `name` of package `mod`, or None."""
        key = (mod.name, "\x01" + name)
        if key in self._resolved:
            return self._resolved[key]
        out: str | None = None
        if self.finder is None:
            sub = f"{mod.name}.{name}"
            out = sub if sub in self.modules else None
        else:
            found = self._located.get(mod.name)
            dirs = found.dirs if found is not None else (
                (os.path.dirname(os.path.abspath(mod.path)),) if mod.is_package and mod.path else ())
            if dirs:
                got = self.finder.submodule(Found(mod.name, mod.path, SOURCE, dirs), name)
                out = self._module_for(got) if got is not None else None
        self._resolved[key] = out
        return out

    def _module_for(self, found: Found) -> str | None:
        if found.kind == NAMESPACE:
            mid = self._namespaces.get(found.dirs)
            if mid is None:
                mid = self._namespaces[found.dirs] = self._unique(found.name, found.path)
                self.modules[mid] = ModuleFacts(mid, found.path, True)
                self._located[mid] = found
            return mid
        mid = self.by_path.get(found.path)
        if mid is None:
            if found.kind != SOURCE or self._load is None:
                return None  # a stub or a compiled module, or libraries are not followed
            loaded = self._load(found, self._unique(found.name, found.path))
            if loaded is None:
                return None
            self.add(loaded, project=False)
            self.library.add(loaded.name)
            mid = loaded.name
        if found.is_package:
            self._located.setdefault(mid, found)
        return mid

    def _unique(self, name: str, path: str) -> str:
        # a library file whose name a project module already has stays apart, named by its path
        return name if name not in self.modules else f"{name}[{path}]"

    def unfound_call(self, res: Resolution) -> str | None:
        """The module, not found anywhere, that a resolved call's every target lies in
        (and the catalog does not know either): such a call is not resolved."""
        if not res.targets or not self.unfound:
            return None
        lost = None
        unfound = self.unfound
        for t in res.targets:
            if t.kind != "ext":
                return None
            name = t.name
            cut = len(name)
            while cut > 0 and name[:cut] not in unfound:
                cut = name.rfind(".", 0, cut)
            if cut <= 0 or self.sink(t) is not None or _catalog_known(name):
                return None
            lost = lost or name[:cut]
        return lost

    # ---- evaluation ---------------------------------------------------------------

    def values(self, expr: Expr, func: Func | None, mod: ModuleFacts) -> tuple[Value, ...]:
        scope = func.qualname if func is not None else mod.name
        key = (scope, expr)
        memo = self._memo.get(key)
        if memo is not None:
            return memo
        if key in self._busy or self._depth >= _MAX_EVAL_DEPTH:
            return NO_VALUES
        self._busy.add(key)
        self._depth += 1
        try:
            out = self._eval(expr, func, mod)
        finally:
            self._busy.discard(key)
            self._depth -= 1
        if len(out) > _MAX_VALUES:
            out = out[:_MAX_VALUES]
        self._memo[key] = out
        return out

    def _eval(self, e: Expr, func: Func | None, mod: ModuleFacts) -> tuple[Value, ...]:  # noqa: C901
        tag = e[0]
        if tag == "n":
            return self.lookup(e[1], func, mod)
        if tag == "a":
            return _uniq(v2 for v in self.values(e[1], func, mod) for v2 in self.attribute(v, e[2]))
        if tag == "c":
            out: list[Value] = []
            for v in self.values(e[1], func, mod):
                out.extend(self.call_result(v, e, func, mod))
            return _uniq(out)
        if tag == "aw":
            return self.values(e[1], func, mod)
        if tag == "T":
            return self.instances(e[1], func, mod)
        if tag == "inst":
            # beside an annotation: what the value constructs, not `field(...)` and the like
            return _uniq(v for v in self.values(e[1], func, mod)
                         if v[0] == "obj" or v[0] == "xo" and not v[1].endswith("()"))
        if tag == "k":
            v = e[1]
            return (("xo", f"builtins.{type(v).__name__}"),) if v is not None else NO_VALUES
        if tag == "u":
            return _uniq(v for sub in e[1] for v in self.values(sub, func, mod))
        if tag == "b":
            if e[1] == "/":
                left = self.values(e[2], func, mod)
                return _uniq(v for v in left if v[0] == "xo" and v[1] in _PATH_TYPES)
            if e[1] == "+":
                left = self.values(e[2], func, mod)
                return _uniq(v for v in left if v[0] == "xo" and v[1].startswith("builtins."))
            return NO_VALUES
        if tag == "f":
            return (("fn", e[1]),)
        if tag == "comp":  # [f(p) for p in ...]: a list of the element's values
            return _uniq(container("builtins.list", v) for v in self.values(e[1], func, mod))
        if tag == "dcomp":
            keys, vals = self.values(e[1], func, mod), self.values(e[2], func, mod)
            if not keys and not vals:
                return NO_VALUES
            return (("xo", "builtins.dict", (_first(keys), _first(vals))),)
        if tag == "C":
            return (("cls", e[1]),)
        if tag == "in":
            f = self.functions.get(e[1])
            if f is None:
                return NO_VALUES
            return self.values(e[2], f, self.modules[f.module])
        if tag == "self":
            return (("obj", e[1]),)
        if tag == "cls":
            return (("cls", e[1]),)
        if tag == "super":
            return (("super", e[1]),)
        if tag == "enter":
            return _uniq(v2 for v in self.values(e[1], func, mod) for v2 in self.entered(v))
        if tag == "it":
            return _uniq(v2 for v in self.values(e[1], func, mod) for v2 in self.iterated(v))
        if tag == "nw":
            return self._narrowed(e, func, mod)
        if tag == "imp":
            return self.import_binding(e[1], mod)
        if tag == "s":
            return _uniq(v2 for v in self.values(e[1], func, mod) for v2 in _item(v))
        if tag == "ix":
            out = []
            for v in self.values(e[1], func, mod):
                if v[0] == "xo" and v[1] == "builtins.tuple" and len(v) > 2:
                    if e[2] < len(v[2]) and v[2][e[2]]:
                        out.append(v[2][e[2]])
                else:
                    out.extend(self.iterated(v))
            return _uniq(out)
        return NO_VALUES

    def _narrowed(self, e: Expr, func: Func | None, mod: ModuleFacts) -> tuple[Value, ...]:
        """Values of e inside `if isinstance(e, T):` -- those that are T, or T itself when
        none is; in the other branch, those that are not T."""
        _, inner, kind, negated = e
        base = self.values(inner, func, mod)
        kinds = [v for k in (kind[1] if kind[0] == "seq" else (kind,)) for v in self.values(k, func, mod)
                 if v[0] in ("cls", "x")]
        if not kinds:
            return base
        if negated:
            return tuple(v for v in base if not any(self._is_a(v, k) for k in kinds))
        out = [v for v in base if any(self._is_a(v, k) for k in kinds)]
        for k in kinds:
            if not any(self._is_a(v, k) for v in base):
                inst = self._instance_of(k)
                if inst is not None:
                    out.append(inst)
        return _uniq(out)

    def _is_a(self, v: Value, kind: Value) -> bool:
        """isinstance(v, kind) for an abstract value and a class value."""
        if v[0] == "obj":
            return kind[0] == "cls" and kind[1] in self.mro(v[1]) or kind[0] == "x" and kind[1] in self.external_bases(v[1])
        if v[0] == "xo" and kind[0] == "x":
            return kind[1] in _type_bases(v[1])
        return False

    def lookup(self, name: str, func: Func | None, mod: ModuleFacts) -> tuple[Value, ...]:
        f = func
        while f is not None:
            fmod = self.modules[f.module]
            local: tuple[Value, ...] = ()
            is_local = name in f.locals and name not in f.nonlocal_names
            if is_local:
                local = _uniq(v for e in f.locals[name] for v in self.values(e, f, fmod))
            for i, p in enumerate(f.params):
                if p.name != name:
                    continue
                if i == 0 and f.cls is not None and p.kind == "pos":
                    if f.kind in ("method", "property"):
                        return (("obj", f.cls),)
                    if f.kind == "classmethod":
                        return (("cls", f.cls),)
                if p.default is not None:
                    local = (*local, *self._default_values(p, f, fmod))
                if p.annotation is not None:
                    return _uniq((*self.values(p.annotation, f, fmod), *local))
                return _uniq(local)
            if is_local:
                return local
            f = self.functions.get(f.parent) if f.parent else None
        return self.global_lookup(mod, name)

    def _default_values(self, p: Param, f: Func, fmod: ModuleFacts) -> tuple[Value, ...]:
        """A parameter's default as one of its values, evaluated where the `def` is (the
        enclosing function, else the module).  Beside an annotation only what the default
        constructs or names as a class (`a: Base = Impl()`), as for `x: T = b or Impl()`."""
        scope = self.functions.get(f.parent) if f.parent else None
        vals = self.values(p.default, scope, fmod)  # type: ignore[arg-type]
        if p.annotation is not None:
            return tuple(v for v in vals if v[0] == "obj" or v[0] == "cls"
                         or v[0] == "xo" and not v[1].endswith("()") and not v[1].startswith("builtins."))
        return vals

    def global_lookup(self, mod: ModuleFacts, name: str, depth: int = 0) -> tuple[Value, ...]:
        if depth > 12:
            return NO_VALUES
        q = mod.top.get(name)
        if q is not None:
            return (("fn", q),) if q in self.functions else (("cls", q),)
        if name in mod.globals:
            return _uniq(v for e in mod.globals[name] for v in self.values(e, None, mod))
        b = mod.imports.get(name)
        if b is not None:
            return self.import_binding(b, mod)
        for star in mod.star_imports:
            sid = self.find_module(star, mod)
            if sid is None:
                continue
            sm = self.modules[sid]
            if sm.all_names is not None and name not in sm.all_names:
                continue
            if sm.all_names is None and name.startswith("_"):
                continue
            found = self.global_lookup(sm, name, depth + 1)
            if found:
                return found
        sub = self.submodule(mod, name)
        if sub is not None:
            return (("mod", sub),)
        if name in _BUILTINS and depth == 0:
            return (("x", f"builtins.{name}"),)
        if name == "__file__":
            return (("xo", "builtins.str"),)
        return NO_VALUES

    def import_binding(self, b: Expr, importer: ModuleFacts) -> tuple[Value, ...]:
        key = (importer.name, ("import", b))  # per importer: each finds its own modules
        memo = self._memo.get(key)
        if memo is not None:
            return memo
        out = self._import_binding(b, importer)
        self._memo[key] = out
        return out

    def _import_binding(self, b: Expr, importer: ModuleFacts) -> tuple[Value, ...]:
        if b[0] == "mod":
            found = self.find_module(b[1], importer)
            return (("mod", found),) if found else (("x", canonical(b[1])),)
        _, m, n = b
        relative = m.startswith(".")
        ext = "" if relative else canonical(f"{m}.{n}")
        if ext and _catalog_name(ext):
            return (("x", ext),)
        mname = self.find_module(m, importer)
        if mname is None:
            return (("x", ext),) if ext else NO_VALUES
        sub = self.modules[mname]
        found = self.submodule(sub, n)
        if found:
            return (("mod", found),)
        if sub is importer:
            return NO_VALUES
        key = ("busy-import", f"{mname}.{n}")
        if key in self._busy:  # type: ignore[comparison-overlap]
            return NO_VALUES
        self._busy.add(key)  # type: ignore[arg-type]
        try:
            return self.global_lookup(sub, n, 1)
        finally:
            self._busy.discard(key)  # type: ignore[arg-type]

    # ---- classes --------------------------------------------------------------------

    def mro(self, cls: str) -> tuple[str, ...]:
        """Program classes in (approximate C3) method resolution order, starting at cls."""
        got = self._mro.get(cls)
        if got is not None:
            return got
        self._mro[cls] = (cls,)  # cycle guard
        out = [cls]
        ext: list[str] = []
        c = self.classes.get(cls)
        if c is not None and self._depth < _MAX_EVAL_DEPTH:
            self._depth += 1
            try:
                self._bases_into(c, out, ext)
            finally:
                self._depth -= 1
        self._mro[cls] = tuple(out)
        self._ext_bases[cls] = tuple(dict.fromkeys(ext))
        return self._mro[cls]

    def _bases_into(self, c: Cls, out: list[str], ext: list[str]) -> None:
        mod = self.modules[c.module]
        scope = self.functions.get(c.parent) if c.parent else None
        have = set(out)  # a set: a hierarchy thousands of classes deep stays linear
        for b in c.bases:
            if b[0] == "s":  # a generic base: `Base[T]`, `DataUpdateCoordinator[Data]`
                b = b[1]
            for v in self.values(b, scope, mod):
                if v[0] == "cls":
                    for x in self.mro(v[1]):
                        if x not in have:
                            have.add(x)
                            out.append(x)
                    ext.extend(self._ext_bases.get(v[1], ()))
                elif v[0] == "x":
                    if v[1] in _PROTOCOL_MARKERS:
                        self._protocols.add(c.qualname)
                    if v[1] != "typing.Generic":
                        ext.append(v[1])

    def external_bases(self, cls: str) -> tuple[str, ...]:
        self.mro(cls)
        return self._ext_bases.get(cls, ())

    def subclasses(self, cls: str) -> list[str]:
        if self._subclasses is None:
            subs: dict[str, list[str]] = {}
            for q in sorted(self.classes):
                for base in self.mro(q)[1:]:
                    subs.setdefault(base, []).append(q)
            self._subclasses = subs
        return self._subclasses.get(cls, [])

    def is_protocol(self, cls: str) -> bool:
        """A `typing.Protocol` class: one that lists `Protocol` among its own bases."""
        self.mro(cls)
        return cls in self._protocols

    def is_abstract(self, cls: str) -> bool:
        """A class with an `@abstractmethod` it does not implement: never instantiated itself."""
        got = self._abstract.get(cls)
        if got is None:
            got = False
            for c in self.mro(cls):
                k = self.classes.get(c)
                if k is None:
                    continue
                for name, q in k.methods.items():
                    f = self.functions.get(q)
                    if (f is not None and any(last_name(d) in _ABSTRACT for d in f.decorators)
                            and self.class_member(cls, name)[0] == q):
                        got = True
                        break
                if got:
                    break
            self._abstract[cls] = got
        return got

    def implementations(self, cls: str, name: str) -> tuple[str, ...]:
        """Other methods a call `x.name()` may run when x is typed `cls`.

        Only when `cls` itself cannot be the runtime type, or its method is a stub: a
        Protocol (its implementations in the project), an abstract class or a stub
        method (the overrides in its subclasses).  A concrete method of a concrete class
        is the one that runs.  Bounded: more than `_MAX_OVERRIDES` candidates is no
        resolution at all, never a spread over every method of that name.
        """
        key = (cls, name)
        got = self._impls.get(key)
        if got is not None:
            return got
        meth, _ = self.class_member(cls, name)
        f = self.functions.get(meth) if meth is not None else None
        out: list[str] = []
        if f is not None:
            if self.is_protocol(cls):
                candidates = self.protocol_implementations(cls)
            elif f.is_stub or self.is_abstract(cls):
                candidates = tuple(self.subclasses(cls))
            else:
                candidates = ()
            for s in candidates:
                m, _ = self.class_member(s, name)
                if m is not None and m != meth and m not in out:
                    out.append(m)
        result = tuple(out) if len(out) <= _MAX_OVERRIDES else ()
        self._impls[key] = result
        return result

    def protocol_implementations(self, proto: str) -> tuple[str, ...]:
        """Classes that implement Protocol `proto`: its nominal subclasses, and the
        project's classes that have every member it declares (structural typing).

        A protocol of a single member is matched nominally only: structurally it would
        match every class that happens to have a method of that name."""
        got = self._impls.get((proto, ""))
        if got is not None:
            return got
        out = [s for s in self.subclasses(proto) if not self.is_protocol(s)]
        members: set[str] = set()
        for c in self.mro(proto):
            k = self.classes.get(c)
            if k is not None and self.is_protocol(c):
                members.update(n for n in (*k.methods, *k.attrs) if n not in _NOT_MEMBERS)
        if len(members) >= 2:
            if self._defining is None:
                index: dict[str, list[str]] = {}
                for q in sorted(self.classes):
                    k = self.classes[q]
                    for n in (*k.methods, *k.attrs):
                        index.setdefault(n, []).append(q)
                self._defining = index
            defining = self._defining
            rarest = min(sorted(members), key=lambda n: len(defining.get(n, ())))
            home = self.classes[proto].module.split(".")[0]
            cands = set()
            for q in defining.get(rarest, ()):
                cands.add(q)
                cands.update(self.subclasses(q))
            for q in sorted(cands):
                k = self.classes[q]
                if (q in out or self.is_protocol(q)
                        or (k.module not in self.project and k.module.split(".")[0] != home)):
                    continue
                if all(self._has_member(q, n) for n in members):
                    out.append(q)
        result = tuple(out)
        self._impls[(proto, "")] = result
        return result

    def _has_member(self, cls: str, name: str) -> bool:
        meth, assigns = self.class_member(cls, name)
        return meth is not None or bool(assigns)

    def class_member(self, cls: str, name: str) -> tuple[str | None, list[tuple[Cls, Expr]]]:
        """Find `name` on a class: (method qualname or None, attribute assignments)."""
        for c in self.mro(cls):
            k = self.classes.get(c)
            if k is None:
                continue
            if name in k.methods:
                return k.methods[name], []
            if name in k.attrs:
                return None, [(k, e) for e in k.attrs[name]]
        return None, []

    def attribute(self, v: Value, name: str) -> tuple[Value, ...]:  # noqa: C901
        tag = v[0]
        if name == "__class__":
            cls = _class_of(v)
            return (cls,) if cls is not None else NO_VALUES
        if tag == "mod":
            mod = self.modules.get(v[1])
            if mod is None:
                return NO_VALUES
            found = self.global_lookup(mod, name)
            return found
        if tag in ("obj", "cls"):
            meth, assigns = self.class_member(v[1], name)
            if meth is not None:
                f = self.functions[meth]
                if f.kind == "property" and tag == "obj":
                    return self.returns(f)
                return (("fn", meth),)
            if assigns:
                out: list[Value] = []
                for k, e in assigns:
                    vals = self.values(e, None, self.modules[k.module])
                    out.extend(vals)
                return _uniq(out)
            for b in self.external_bases(v[1]):
                if b not in _MARKER_BASES:
                    return self.attribute(("xo", b) if tag == "obj" else ("x", b), name)
            return NO_VALUES
        if tag == "super":
            mro = self.mro(v[1])
            for c in mro[1:]:
                k = self.classes.get(c)
                if k is not None and name in k.methods:
                    return (("fn", k.methods[name]),)
            for b in self.external_bases(v[1]):
                return (("xm", b, name),)
            return NO_VALUES
        if tag == "x":
            q = f"{v[1]}.{name}"
            return (("x", canonical(q)),)
        if tag == "xo":
            for t in _type_bases(v[1]):
                kt = TYPES.get(t)
                if kt is None:
                    continue
                if name in kt.attributes:
                    return (type_value(kt.attributes[name]),)
                if "*" in kt.attributes and name not in kt.methods and f"{t}.{name}" not in SINKS:
                    return (type_value(kt.attributes["*"]),)
            if len(v) > 2:
                return (("xm", v[1], name, v[2]),)
            return (("xm", v[1], name),)
        return NO_VALUES

    def instances(self, ann: Expr, func: Func | None, mod: ModuleFacts) -> tuple[Value, ...]:
        """Values an annotation describes: `Path` -> a Path instance, `X | None` -> X."""
        tag = ann[0]
        if tag == "k" and isinstance(ann[1], str):
            from asyncaudit.facts import string_annotation

            parsed = string_annotation(ann[1])
            return self.instances(parsed, func, mod) if parsed is not None else NO_VALUES
        if tag == "b" and ann[1] == "|":
            return _uniq((*self.instances(ann[2], func, mod), *self.instances(ann[3], func, mod)))
        if tag == "n" or tag == "a":
            alias = self._type_alias(ann, func, mod)
            if alias is not None:
                exprs, amod = alias
                key = ("alias", amod.name, exprs)
                if key in self._busy:  # a recursive alias: `JSON = Union[dict[str, "JSON"], str]`
                    return NO_VALUES
                self._busy.add(key)  # type: ignore[arg-type]
                try:
                    return _uniq(v for e in exprs for v in self.instances(e, None, amod))
                finally:
                    self._busy.discard(key)  # type: ignore[arg-type]
        if tag == "s":
            base = self.values(ann[1], func, mod)
            names = {v[1] for v in base if v[0] == "x"}
            inner = ann[2]
            if names & {"typing.Optional", "typing.Union", "typing_extensions.Optional"}:
                parts = inner[1] if inner[0] == "seq" else (inner,)
                return _uniq(v for p in parts for v in self.instances(p, func, mod))
            if names & {"typing.Annotated", "typing_extensions.Annotated", "typing.Final",
                        "typing.ClassVar", "typing_extensions.Final"}:
                first = inner[1][0] if inner[0] == "seq" and inner[1] else inner
                return self.instances(first, func, mod)
            if names & {"builtins.type", "typing.Type"}:
                return _uniq(("cls", v[1]) if v[0] == "obj" else ("x", v[1])
                             for v in self.instances(inner, func, mod) if v[0] in ("obj", "xo"))
            params = inner[1] if inner[0] == "seq" else (inner,)
            if names & LIST_LIKE:
                return _uniq(container("builtins.list", e) for e in self.instances(params[0], func, mod)
                             ) if params else NO_VALUES
            if names & TUPLE_LIKE:
                if len(params) == 2 and params[1] == ("k", Ellipsis):
                    params = params[:1]
                    return _uniq(container("builtins.list", e) for e in self.instances(params[0], func, mod))
                return (("xo", "builtins.tuple", tuple(_first(self.instances(p, func, mod)) for p in params)),)
            if names & DICT_LIKE and len(params) == 2:
                return (("xo", "builtins.dict", (_first(self.instances(params[0], func, mod)),
                                                 _first(self.instances(params[1], func, mod)))),)
            return _uniq(self._instance_of(v) for v in base if self._instance_of(v))
        return _uniq(self._instance_of(v) for v in self.values(ann, func, mod) if self._instance_of(v))

    def _type_alias(self, ann: Expr, func: Func | None, mod: ModuleFacts) -> tuple[tuple[Expr, ...], ModuleFacts] | None:
        """The type expressions a module-level alias stands for (`AnyItem = Union[A, B]`,
        `X: TypeAlias = A | B`, `type X = A | B`), followed through imports."""
        if ann[0] == "n":
            f = func
            while f is not None:  # a local or parameter of that name is not the module's alias
                if ann[1] in f.locals or any(p.name == ann[1] for p in f.params):
                    return None
                f = self.functions.get(f.parent) if f.parent else None
            return self._global_alias(mod, ann[1], 0)
        for v in self.values(ann[1], func, mod):
            if v[0] == "mod":
                m = self.modules.get(v[1])
                if m is not None:
                    return self._global_alias(m, ann[2], 0)
        return None

    def _global_alias(self, mod: ModuleFacts, name: str, depth: int) -> tuple[tuple[Expr, ...], ModuleFacts] | None:
        if depth > 8 or name in mod.top:
            return None
        exprs = mod.globals.get(name)
        if exprs is not None:
            # a type expression, not a value: a subscript, a `|` union or a string
            alias = tuple(e for e in exprs if e[0] == "s" or e[0] == "b" and e[1] == "|"
                          or e[0] == "k" and isinstance(e[1], str))
            return (alias, mod) if alias else None
        b = mod.imports.get(name)
        if b is not None and b[0] == "from":
            found = self.find_module(b[1], mod)
            if found is not None and found in self.modules:
                return self._global_alias(self.modules[found], b[2], depth + 1)
        return None

    @staticmethod
    def _instance_of(v: Value) -> Value | None:
        if v[0] == "cls":
            return ("obj", v[1])
        if v[0] == "x":
            if v[1] in ("builtins.None", "typing.Any", "typing.Self"):
                return None
            return ("xo", v[1])
        if v[0] == "obj":  # Self-style annotations evaluated to instances already
            return v
        return None

    def returns(self, f: Func) -> tuple[Value, ...]:
        mod = self.modules[f.module]
        if f.returns is not None:
            declared = self.values(f.returns, f, mod)
            if not any(v[0] == "xo" and v[1] in _ABSTRACT_FILES for v in declared):
                return declared
            # `-> TextIO` says what reading gives, not whether it touches the disk (it may
            # be in memory): the values the function returns say that (`open(path)`)
            returned = (v for e in f.return_values for v in self.values(e, f, mod))
            return _uniq((*declared, *(v for v in returned if v[0] == "xo" and v[1] not in _ABSTRACT_FILES)))
        return _uniq(v for e in f.return_values for v in self.values(e, f, mod))

    def call_result(self, v: Value, call: Expr, func: Func | None, mod: ModuleFacts) -> tuple[Value, ...]:
        tag = v[0]
        if tag == "fn":
            f = self.functions.get(v[1])
            if f is None:
                return NO_VALUES
            if f.name == "__init__":
                return NO_VALUES
            return self.returns(f)
        if tag == "cls":
            return (("obj", v[1]),)
        if tag == "x":
            q = v[1]
            if q == "functools.partial" and call[2]:
                return _uniq(("part", a) for a in self.values(call[2][0], func, mod))
            if q in _CASTS and call[2]:  # typing.cast(T, x): an x of type T
                return self.instances(call[2][0], func, mod)
            if q == "builtins.type" and len(call[2]) == 1:  # type(self): the class of the value
                return _uniq(_class_of(a) for a in self.values(call[2][0], func, mod))
            variant = _keyword_result((q,), call)
            if variant is not None:  # requests.get(url, stream=True)
                return (type_value(variant),)
            if q in _ITEM_PRESERVING and call[2]:
                return self._items_of(q, call, func, mod)
            if q in _OPEN_MODE_ARG:
                binary = _binary_file(call, _OPEN_MODE_ARG[q])
                if binary:
                    return (("xo", binary),)
            if q in FUNCTION_RETURNS:
                return (type_value(FUNCTION_RETURNS[q]),)
            owner, _, meth = q.rpartition(".")
            kt = TYPES.get(owner)
            if kt is not None and meth in kt.methods:  # Path.home(), Path.cwd()
                r = kt.methods[meth]
                return (("xo", owner) if r == "self" else type_value(r),)
            if q in TYPES or q.rpartition(".")[2][:1].isupper():
                return (("xo", q),)
            return (("xo", f"{q}()"),)
        if tag == "xm":
            if len(v) > 3:  # a method of a container: ("xm", kind, name, params)
                return _container_method(v[1], v[2], v[3])
            variant = _keyword_result([f"{b}.{v[2]}" for b in _type_bases(v[1])], call)
            if variant is not None:  # session.get(url, stream=True)
                return (type_value(variant),)
            if v[2] == "open" and v[1] in _SYNC_PATHS:
                binary = _binary_file(call, 0)
                if binary:
                    return (("xo", binary),)
            return _method_result(("xo", v[1]), v[2]) or (("xo", f"{v[1]}.{v[2]}()"),)
        if tag == "part":
            return self.call_result(v[1], ("c", None, (), ()), func, mod)
        if tag == "obj":
            meth, _ = self.class_member(v[1], "__call__")
            if meth:
                return self.returns(self.functions[meth])
        if tag == "xo" and len(v) == 2:
            return _method_result(v, "__call__")
        return NO_VALUES

    def _items_of(self, q: str, call: Expr, func: Func | None, mod: ModuleFacts) -> tuple[Value, ...]:
        """`sorted(paths)`, `list(...)`, `reversed`, `filter(f, xs)`, `enumerate`, `next`: the
        result holds (or is) the items of the iterable argument."""
        arg = call[2][1] if q == "builtins.filter" and len(call[2]) > 1 else call[2][0]
        items = _uniq(i for v in self.values(arg, func, mod) for i in self.iterated(v))
        if q == "builtins.next":
            return items
        if q == "builtins.enumerate":
            return _uniq(container("builtins.list", ("xo", "builtins.tuple", (("xo", "builtins.int"), i)))
                         for i in items)
        return _uniq(container("builtins.list", i) for i in items)

    def entered(self, v: Value) -> tuple[Value, ...]:
        if v[0] == "obj":
            meth, _ = self.class_member(v[1], "__enter__")
            if meth is None:
                meth, _ = self.class_member(v[1], "__aenter__")
            if meth is not None:
                got = self.returns(self.functions[meth])
                return got or (v,)
            return (v,)
        if v[0] == "xo":
            if len(v) > 2 and v[1] == "builtins.list" and v[2] and v[2][0]:
                # a @contextmanager generator annotated Iterator[X] binds the X it yields
                return (v[2][0],)
            for t in _type_bases(v[1]):
                kt = TYPES.get(t)
                if kt is not None:
                    return (v,) if kt.enter == "self" else (("xo", kt.enter),)
            return (v,)
        return NO_VALUES

    def iterated(self, v: Value) -> tuple[Value, ...]:
        if v[0] == "xo":
            t = v[1]
            if len(v) > 2:
                if t == "builtins.tuple":
                    return _uniq(p for p in v[2] if p)
                return (v[2][0],) if v[2] and v[2][0] else NO_VALUES
            for b in _type_bases(t):
                kt = TYPES.get(b)
                if kt is not None and "__iter__" in kt.methods:
                    return (("xo", kt.methods["__iter__"]),)
        return NO_VALUES

    # ---- sites -> targets ----------------------------------------------------------

    def function_targets(self, v: Value, how: str = "call") -> list[Target]:
        """Targets run by calling value v."""
        tag = v[0]
        if tag == "fn":
            return [Target("fn", v[1], how)]
        if tag == "cls":
            out = []
            for name in ("__init__", "__post_init__", "__new__"):
                meth, _ = self.class_member(v[1], name)
                if meth is not None:
                    out.append(Target("fn", meth, "init"))
            for b in self.external_bases(v[1]):
                out.append(Target("ext", b, "init"))
            return out
        if tag == "x":
            return [Target("ext", v[1], how)]
        if tag == "xm":
            return [Target("ext", f"{v[1]}.{v[2]}", how)]
        if tag == "part":
            return self.function_targets(v[1], how)
        if tag == "obj":
            meth, _ = self.class_member(v[1], "__call__")
            return [Target("fn", meth, how)] if meth else []
        if tag == "xo" and len(v) == 2 and not v[1].endswith("()"):
            return [Target("ext", f"{v[1]}.__call__", how)]
        return []

    def resolve_site(self, site: Site, func: Func) -> Resolution:  # noqa: C901
        mod = self.modules[func.module]
        if site.kind == ATTR:
            callee = site.callee
            external = callee[2] in _PROPERTY_SINK_NAMES  # catalog properties (resp.content)
            if callee[2] not in self.property_names and not external:
                return _NOTHING
            targets = []
            for v in self.values(callee[1], func, mod):
                if v[0] == "obj":
                    meth, _ = self.class_member(v[1], callee[2])
                    if meth is not None and self.functions[meth].kind == "property":
                        targets.append(Target("fn", meth, "property"))
                        if self._dispatches(meth):  # an abstract or Protocol property
                            targets.extend(Target("fn", q, "property") for q in self.implementations(v[1], callee[2])
                                           if self.functions[q].kind == "property")
                elif external and v[0] == "xo" and len(v) == 2:
                    t = Target("ext", f"{v[1]}.{callee[2]}", "property")
                    if self.sink(t) in PROPERTY_SINKS:
                        targets.append(t)
            return Resolution(tuple(targets), bool(targets))
        values = self.values(site.callee, func, mod)
        if site.kind == WITH:
            targets = []
            for v in values:
                if v[0] == "obj":
                    for name in ("__enter__", "__exit__"):
                        meth, _ = self.class_member(v[1], name)
                        if meth is not None:
                            targets.append(Target("fn", meth, "enter" if name == "__enter__" else "exit"))
                elif v[0] == "xo":
                    targets.append(Target("ext", f"{v[1]}.__enter__", "enter"))
                    targets.append(Target("ext", f"{v[1]}.__exit__", "exit"))
            return Resolution(tuple(targets), bool(values))
        if site.kind == ITER:
            targets = []
            for v in values:
                if v[0] == "xo":
                    targets.append(Target("ext", f"{v[1]}.__iter__", "iter"))
                elif v[0] == "obj":
                    for name in ("__iter__", "__next__"):
                        meth, _ = self.class_member(v[1], name)
                        if meth is not None:
                            targets.append(Target("fn", meth, "iter"))
            return Resolution(tuple(targets), bool(values))
        # a call
        callee = site.callee
        last = last_name(callee)
        slot = self.offloaders.match(values, last if callee[0] == "a" else None, last)
        if slot is not None:
            handed = self._slot_functions(slot, site, func, mod)
            return Resolution(tuple(t for v in values for t in self.function_targets(v)),
                              True, offloaded=handed, offloader=slot.qualname or slot.method)
        scheduled: tuple[str, ...] = ()
        slot = self.registrars.match(values, last if callee[0] == "a" else None, last)
        if slot is not None:
            scheduled = self._slot_functions(slot, site, func, mod)
        targets = []
        for v in values:
            targets.extend(self.function_targets(v))
        if callee[0] == "a" and any(v[0] == "fn" and self._dispatches(v[1]) for v in values):
            # a method called through a Protocol, an abstract class or a stub: the
            # implementations the receiver's type stands for
            for r in self.values(callee[1], func, mod):
                if r[0] == "obj":
                    targets.extend(Target("fn", q) for q in self.implementations(r[1], callee[2]))
        targets = list(dict.fromkeys(targets))
        if site.used_async and len(targets) > 1:
            targets = self._async_candidates(targets)
        return Resolution(tuple(targets), bool(targets), scheduled=scheduled)

    def _dispatches(self, q: str) -> bool:
        """Whether a call of method q may run other implementations (see `implementations`)."""
        f = self.functions.get(q)
        return f is not None and f.cls is not None and (
            f.is_stub or self.is_protocol(f.cls) or self.is_abstract(f.cls))

    def _async_candidates(self, targets: list[Target]) -> list[Target]:
        """A call whose result is awaited, `async with`-entered or `async for`-iterated
        cannot be a sync API: when the candidates mix async and sync ones (a session that
        is `requests` in `__enter__` and `aiohttp` in `__aenter__`), keep the async ones."""
        kinds = [self._asyncness(t) for t in targets]
        if True in kinds and False in kinds:
            return [t for t, k in zip(targets, kinds) if k is not False]
        return targets

    def _asyncness(self, t: Target) -> bool | None:
        """True: an async API; False: a sync one that blocks or runs sync code; None: unknown."""
        if t.kind == "fn":
            f = self.functions.get(t.name)
            if f is None:
                return None
            if f.is_async:
                return True
            for v in self.returns(f):  # a sync function returning an awaitable / async context
                if v[0] == "obj" and any(self.class_member(v[1], n)[0] for n in _ASYNC_PROTOCOL):
                    return True
                if v[0] == "xo" and async_io_category(v[1] + "."):
                    return True
            return False
        if async_io_category(t.name):
            return True
        return False if self.sink(t) is not None else None

    def _slot_functions(self, slot: CallableSlot, site: Site, func: Func, mod: ModuleFacts) -> tuple[str, ...]:
        arg: Expr | None = None
        if slot.arg < len(site.args):
            arg = site.args[slot.arg]
        elif slot.keyword:
            arg = next((e for k, e in site.kwargs if k == slot.keyword), None)
        if arg is None:
            return ()
        out = []
        for v in self.values(arg, func, mod):
            for t in self.function_targets(v):
                if t.kind == "fn":
                    out.append(t.name)
        return tuple(dict.fromkeys(out))

    def reads_memory(self, site: Site, func: Func) -> bool:
        """True when a file-category API is handed an in-memory stream (`wave.open(BytesIO(...))`)."""
        arg = site.args[0] if site.args else next(
            (e for k, e in site.kwargs if k in ("fileobj", "fp", "file", "f")), None)
        if arg is None:
            return False
        vals = self.values(arg, func, self.modules[func.module])
        return bool(vals) and all(v[0] == "xo" and v[1] in _MEMORY_STREAMS for v in vals)

    def is_loop_runner(self, target: Target) -> bool:
        return target.kind == "ext" and (target.name in LOOP_RUNNERS
                                         or target.name.endswith(".run_until_complete"))

    def sink(self, target: Target) -> str | None:
        """The canonical sink qualname a target hits, if any."""
        name = target.name
        if target.kind != "ext":
            return name if name in self.sinks and name not in SINKS else None  # configured project sinks
        if name in self.sinks:
            return name
        owner, _, meth = name.rpartition(".")
        if owner in TYPES or "." in owner:
            for b in _type_bases(owner):
                q = f"{b}.{meth}"
                if q in self.sinks:
                    return q
                family = METHOD_FAMILIES.get(b)  # every method but the local ones (boto3)
                if family is not None and (found := family.sink(meth)) is not None:
                    self.sinks[q] = found
                    return q
        return None

    def base_severity(self, code: str, category_severity: Severity, sink: str) -> Severity:
        """A category's base severity, unless the configuration overrides the sink or the code."""
        return self.severity.get(sink) or self.severity.get(code) or category_severity


_PROPERTY_SINK_NAMES = frozenset(q.rpartition(".")[2] for q in PROPERTY_SINKS)
_MEMORY_STREAMS = frozenset({"io.BytesIO", "io.StringIO"})
_PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath", "pathlib.PurePath",
                         "anyio.Path", "trio.Path", "zipfile.Path"})


_SYNC_PATHS = frozenset({"pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"})
# builtins whose result holds the items of their iterable argument
_ITEM_PRESERVING = frozenset({"builtins.sorted", "builtins.list", "builtins.tuple", "builtins.set",
                              "builtins.frozenset", "builtins.reversed", "builtins.iter", "builtins.filter",
                              "builtins.enumerate", "builtins.next"})
# openers whose `mode` decides the file type they return: the mode's position
_OPEN_MODE_ARG = {"builtins.open": 1, "io.open": 1, "os.fdopen": 1}


def _binary_file(call: Expr, position: int) -> str | None:
    """The binary file type an `open(..., mode)` call returns ("wb" -> a buffered writer),
    or None for a text mode (the catalog's default) or a mode not written as a literal."""
    args, kwargs = call[2], call[3]
    mode = args[position] if position < len(args) else next((e for k, e in kwargs if k == "mode"), None)
    if mode is None or mode[0] != "k" or not isinstance(mode[1], str) or "b" not in mode[1]:
        return None
    m = mode[1]
    if "+" in m:
        return "io.BufferedRandom"
    return "io.BufferedReader" if "r" in m else "io.BufferedWriter"


# annotations for file handles that do not say whether the file is on disk or in memory
_ABSTRACT_FILES = frozenset({"typing.TextIO", "typing.BinaryIO", "typing.IO", "io.IOBase", "io.TextIOBase",
                             "io.BufferedIOBase", "io.RawIOBase"})
_CASTS = frozenset({"typing.cast", "typing_extensions.cast"})


def _class_of(v: Value) -> Value | None:
    """`type(v)` / `v.__class__` for an instance value."""
    if v[0] == "obj":
        return ("cls", v[1])
    if v[0] == "xo" and len(v) == 2 and not v[1].endswith("()"):
        return ("x", v[1])
    return None


def _catalog_name(name: str) -> bool:
    return (name in SINKS or name in TYPES or name in FUNCTION_RETURNS or name in LOOP_RUNNERS
            or name in _OFFLOADERS.by_name)


def _catalog_known(name: str) -> bool:
    """A catalogued API, or a method of a catalogued type: known without the package's source."""
    if _catalog_name(name):
        return True
    owner = name.rpartition(".")[0]
    return owner in TYPES or async_io_category(name) is not None


def _relative_by_name(importer: ModuleFacts, name: str) -> str:
    """`..x` from `importer`, by its module name (for a program built without a finder)."""
    level = len(name) - len(name.lstrip("."))
    parts = importer.name.split(".")
    if not importer.is_package:
        parts = parts[:-1]
    parts = parts[:max(0, len(parts) - (level - 1))]
    rest = name[level:]
    return ".".join([*parts, rest] if rest else parts)


def container(kind: str, elem: Value) -> Value:
    return ("xo", kind, (elem,))


def _first(values: tuple[Value, ...]) -> Value | None:
    return values[0] if values else None


def type_value(t: str) -> Value:
    """A catalog type string (`builtins.list[pathlib.Path]`) as a value."""
    if t.endswith("]") and "[" in t:
        kind, _, inner = t[:-1].partition("[")
        return ("xo", kind, tuple(type_value(p.strip()) for p in _split_params(inner)))
    return ("xo", t)


def _split_params(s: str) -> list[str]:
    out, depth, cur = [], 0, []
    for ch in s:
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
            continue
        depth += (ch == "[") - (ch == "]")
        cur.append(ch)
    out.append("".join(cur))
    return out


def _method_result(v: Value, name: str) -> tuple[Value, ...]:
    """What calling method `name` of external instance v returns, from the catalog."""
    for t in _type_bases(v[1]):
        kt = TYPES.get(t)
        if kt is not None and name in kt.methods:
            r = kt.methods[name]
            return (("xo", v[1]) if r == "self" else type_value(r),)
    return NO_VALUES


def _keyword_result(names: Iterable[str], call: Expr) -> str | None:
    """The catalog's result type for a call that a literal keyword argument selects
    (`catalog.types.KEYWORD_RETURNS`), for the first of `names` listed there."""
    for name in names:
        for keyword, value, result in KEYWORD_RETURNS.get(name, ()):
            for k, e in call[3]:
                if k == keyword and e[0] == "k" and e[1] == value and type(e[1]) is type(value):
                    return result
    return None


def _item(v: Value) -> tuple[Value, ...]:
    """`v[...]`: the element of a list, the value of a dict, a catalog type's `__getitem__`."""
    if v[0] == "xo" and len(v) == 2:
        return _method_result(v, "__getitem__")
    if v[0] != "xo" or len(v) < 3 or not v[2]:
        return NO_VALUES
    if v[1] == "builtins.dict":
        return (v[2][1],) if len(v[2]) > 1 and v[2][1] else NO_VALUES
    if v[1] == "builtins.tuple":
        return _uniq(p for p in v[2] if p)
    return (v[2][0],) if v[2][0] else NO_VALUES


def _container_method(kind: str, name: str, params: tuple) -> tuple[Value, ...]:
    if kind == "builtins.dict" and len(params) == 2:
        k, v = params
        if name == "items":
            return (container("builtins.list", ("xo", "builtins.tuple", (k, v))),)
        if name in ("values",):
            return (container("builtins.list", v),) if v else NO_VALUES
        if name in ("keys",):
            return (container("builtins.list", k),) if k else NO_VALUES
        if name in ("get", "pop", "setdefault", "__getitem__"):
            return (v,) if v else NO_VALUES
    elif params and params[0] and name in ("pop", "__getitem__", "popleft"):
        return (params[0],)
    return NO_VALUES


def _uniq(values: Iterable[Value]) -> tuple[Value, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
