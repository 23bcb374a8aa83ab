"""Module finder: file -> module name by crawling up `__init__.py` folders; import -> file by
searching an ordered list of roots, as Python, mypy (`modulefinder.py`, `find_sources.py`)
and pyright (`docs/import-resolution.md`) do.

Pipeline role: discover builds the finder (it knows the tree's roots) and names every
file with it; the Program asks it, per import and per importer, which file an import
loads.  Nothing here imports or runs the audited code; every listing goes through the
run's `FileSystem`, so the run cache sees every folder the finder looked at.

Naming.  A file's name comes from the folders above it: crawl up while the folder holds
an `__init__.py`; the folder above the highest one is the file's *base* (what Python
puts on `sys.path` to import it).  Above that base, folders without `__init__.py` are
namespace packages when an explicit base lies further up: a configured source root, a
`src/` folder, a packaging root or the package folder its configuration names.  So
`src/ns/pkg/mod.py` is `ns.pkg.mod`, while `work/code/proj/pkg/mod.py` checked as `work`
is `pkg.mod`.  The name only labels the module (qualified names, configuration):
imports are found by path, so a file reachable under two names is one module.

Search order for an absolute import from a project file (first regular module or package
wins; namespace portions are merged across roots, as in Python):

1. the importer's own roots: its base (where it is named from), and the deepest tree
   root holding it;
2. the roots of the tree: the audited folders that are not packages, every `src/`,
   every packaging root (a folder whose `pyproject.toml`/`setup.cfg`/`setup.py` is a
   packaging file, never one beside an `__init__.py`) and the folders its packaging
   configuration names (`where`, `package-dir`, Poetry/Hatch/PDM settings);
3. the parent of every top-level package of the tree (the folder above the highest
   `__init__.py`);
4. the configured `source-roots`;
5. the audited interpreter's search path (site-packages and `.pth` path entries);
6. last, as pyright does, the importer's folder and its parents up to the audited root.

Modules compiled into the interpreter (`sys`, `time`, `builtins`, the frozen `os`,
`io`, ...) are never shadowed by a project file.  Another standard-library name is
shadowed only by a file in the importer's own roots or a configured source root: those
sit before the standard library on `sys.path` when the project runs; the other roots
stand for folders that would not be on it.  Imports from installed libraries search
steps 2-5 (the project first, as when it runs) and never shadow the standard library.
Relative imports are resolved from the importer's path, never from its name.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from asyncaudit.fscache import DIR, FILE, FileSystem

SOURCE, STUB, COMPILED, NAMESPACE = "source", "stub", "compiled", "namespace"


def _compiled_in() -> frozenset[str]:
    names = set(sys.builtin_module_names)
    try:
        import _imp

        names.update(_imp._frozen_module_names())  # type: ignore[attr-defined]
    except (ImportError, AttributeError):  # pragma: no cover - not CPython 3.11+
        names.update(("os", "io", "abc", "codecs", "stat", "posixpath", "genericpath", "site"))
    # the frozen test packages say nothing about real code
    return frozenset(n for n in names if not n.startswith("__"))


#: modules the interpreter has before it looks at sys.path: no file can shadow them
COMPILED_IN = _compiled_in()
STDLIB = frozenset(sys.stdlib_module_names)


def is_stdlib(name: str) -> bool:
    return name.partition(".")[0] in STDLIB


def compiled_in(name: str) -> bool:
    return name in COMPILED_IN or name.partition(".")[0] in COMPILED_IN


@dataclass(frozen=True, slots=True)
class Found:
    """What an import loads."""

    name: str  # the dotted name it was found under
    path: str  # the file (source, stub, compiled module, `__init__`); a namespace's first folder
    kind: str  # source | stub | compiled | namespace
    dirs: tuple[str, ...] = ()  # where its submodules are searched (packages only)

    @property
    def is_package(self) -> bool:
        return bool(self.dirs)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


_COMPILED_SUFFIXES = (".so", ".pyd")


class ModuleFinder:
    """Names files and finds modules along the search roots (see the module docstring).

    Paths given to and returned by the finder are absolute (`FileSystem.key`).
    """

    def __init__(self, fs: FileSystem, *, given: Sequence[str] = (), roots: Sequence[str] = (),
                 bases: Iterable[str] = (), source_roots: Sequence[str] = (),
                 search_path: Sequence[str] = ()) -> None:
        key = fs.key
        self.fs = fs
        self.given = tuple(dict.fromkeys(key(p) for p in given))
        self.source_roots = tuple(dict.fromkeys(key(p) for p in source_roots))
        self.search_path = tuple(dict.fromkeys(key(p) for p in search_path))
        self.roots = tuple(dict.fromkeys(key(p) for p in roots))  # step 2
        # explicit bases end a namespace crawl; configured roots end it even on a package
        self._strong = frozenset(self.source_roots)
        self._bases = frozenset(key(p) for p in bases) | self._strong | frozenset(self.search_path)
        self.package_parents: tuple[str, ...] = ()  # step 3, set by discovery
        self._global: tuple[str, ...] | None = None
        self._crawled: dict[str, tuple[str, str] | None] = {}
        self._init_bases: dict[str, str] = {}
        self._own: dict[str, tuple[str, ...]] = {}
        self._fallback: dict[str, tuple[str, ...]] = {}
        self._searched: dict[tuple[str, tuple[str, ...]], Found | None] = {}
        self._found: dict[tuple[str, str | None], Found | None] = {}
        self._compiled: dict[str, frozenset[str]] = {}

    # ---- naming --------------------------------------------------------------------

    def has_init(self, folder: str) -> bool:
        return self.fs.entries(folder).get("__init__.py") == FILE

    def _below_a_base(self, folder: str) -> bool:
        return any(folder.startswith(b + os.sep) for b in self._bases)

    def crawl(self, folder: str) -> tuple[str, str] | None:
        """(dotted prefix, base) for the files in `folder`, or None when it is no package
        and no explicit base lies above it (mypy's `_crawl_up_helper`)."""
        if folder in self._crawled:
            return self._crawled[folder]
        out: tuple[str, str] | None
        parent, name = os.path.split(folder)
        if folder in self._strong:
            out = ("", folder)
        elif self.has_init(folder) and name.isidentifier() and parent != folder:
            up = self.crawl(parent)
            prefix, base = up if up is not None else ("", parent)
            out = (_join(prefix, name), base)
        elif folder in self._bases:
            out = ("", folder)
        elif not name or parent == folder or not name.isidentifier() or not self._below_a_base(folder):
            out = None
        else:
            up = self.crawl(parent)
            out = None if up is None else (_join(up[0], name), up[1])
        self._crawled[folder] = out
        return out

    def name_of(self, path: str) -> tuple[str, bool]:
        """(module name, is_package) of a source file, from the folders above it."""
        folder, filename = os.path.split(path)
        stem = filename.rpartition(".")[0] or filename
        prefix, _ = self.crawl(folder) or ("", folder)
        if stem == "__init__":
            if prefix:
                return prefix, True
            # an __init__.py directly in a base: name it after its folder
            return os.path.basename(folder), True
        return _join(prefix, stem), False

    def base(self, folder: str) -> str:
        """The folder the files of `folder` are named from: the folder above the highest
        `__init__.py`, or the explicit base above their namespace packages."""
        got = self.crawl(folder)
        return got[1] if got is not None else folder

    def init_base(self, folder: str) -> str:
        """The folder above the highest `__init__.py` over `folder` (Python's sys.path entry)."""
        got = self._init_bases.get(folder)
        if got is None:
            d = folder
            while self.has_init(d) and os.path.basename(d).isidentifier():
                parent = os.path.dirname(d)
                if parent == d:
                    break
                d = parent
            got = self._init_bases[folder] = d
        return got

    # ---- search roots --------------------------------------------------------------

    def global_roots(self) -> tuple[str, ...]:
        """Steps 2-5, in order."""
        if self._global is None:
            self._global = tuple(dict.fromkeys((*self.roots, *self.package_parents, *self.source_roots,
                                                *self.search_path)))
        return self._global

    def own_roots(self, importer: str) -> tuple[str, ...]:
        """Step 1 for a project file: its base and the deepest tree root holding it."""
        folder = os.path.dirname(importer)
        got = self._own.get(folder)
        if got is None:
            base = self.base(folder)
            deepest = max((r for r in self.roots if folder == r or folder.startswith(r + os.sep)),
                          key=len, default=None)
            got = self._own[folder] = tuple(dict.fromkeys(r for r in (base, deepest) if r))
        return got

    def fallback_roots(self, importer: str) -> tuple[str, ...]:
        """Step 6: the importer's folder and its parents, up to the audited folder holding
        it or the parent of the importer's base, whichever is higher."""
        folder = os.path.dirname(importer)
        got = self._fallback.get(folder)
        if got is None:
            base = self.init_base(folder)
            stops = [g for g in self.given if folder == g or folder.startswith(g + os.sep)]
            stops.append(os.path.dirname(base))
            top = min(stops, key=len)
            out = []
            d = folder
            while True:
                out.append(d)
                parent = os.path.dirname(d)
                if d == top or parent == d or len(d) <= len(top):
                    break
                d = parent
            got = self._fallback[folder] = tuple(out)
        return got

    # ---- finding -------------------------------------------------------------------

    def find(self, name: str, importer: str | None = None) -> Found | None:
        """The module `import name` loads in `importer` (a project file's absolute path;
        None for an installed library's file), or None (standard library, not found)."""
        key = (name, os.path.dirname(importer) if importer else None)
        if key in self._found:
            hit = self._found[key]
        else:
            hit = self._found[key] = self._find(name, importer)
        if hit is not None and importer is not None and hit.path == importer and name != self.name_of(importer)[0]:
            # `import celery` inside `proj/celery.py` does not load the file itself (under
            # its own name, as `from pkg import x` in pkg/__init__.py, it does)
            return self._find(name, importer, skip=importer)
        return hit

    def _find(self, name: str, importer: str | None, skip: str | None = None) -> Found | None:
        if not name or name.startswith(".") or compiled_in(name):
            return None
        stdlib = is_stdlib(name)
        if importer is None:
            return None if stdlib else self._search(name, self.global_roots(), skip)
        own = self.own_roots(importer)
        if stdlib:
            return self._search(name, (*own, *self.source_roots), skip)
        hit = self._search(name, (*own, *self.global_roots()), skip)
        if hit is None or hit.kind == NAMESPACE:
            late = self._search(name, self.fallback_roots(importer), skip)
            if late is not None and (hit is None or late.kind != NAMESPACE):
                return late
        return hit

    def _search(self, name: str, roots: tuple[str, ...], skip: str | None = None) -> Found | None:
        key = (name, roots)
        if skip is None and key in self._searched:
            return self._searched[key]
        parts = name.split(".")
        portions: list[str] = []
        hit: Found | None = None
        for root in roots:
            got = self._probe(root, parts, name)
            if isinstance(got, Found):
                if got.path != skip:
                    hit = got
                    break
            elif got is not None:
                portions.append(got)
        if hit is None and portions:
            hit = Found(name, portions[0], NAMESPACE, tuple(dict.fromkeys(portions)))
        if skip is None:
            self._searched[key] = hit
        return hit

    def _probe(self, root: str, parts: list[str], name: str) -> Found | str | None:
        """The module `parts` below one root: a Found, a namespace portion folder, or None."""
        entries = self.fs.entries
        d = root
        for p in parts[:-1]:
            if entries(d).get(p) != DIR:
                return None
            d = os.path.join(d, p)
        last = parts[-1]
        ents = entries(d)
        portion = None
        if ents.get(last) == DIR:
            pkg = os.path.join(d, last)
            inner = entries(pkg)
            if inner.get("__init__.py") == FILE:
                return Found(name, os.path.join(pkg, "__init__.py"), SOURCE, (pkg,))
            if inner.get("__init__.pyi") == FILE:
                return Found(name, os.path.join(pkg, "__init__.pyi"), STUB, (pkg,))
            if last.isidentifier():
                portion = pkg
        if ents.get(last + ".py") == FILE:
            return Found(name, os.path.join(d, last + ".py"), SOURCE)
        if ents.get(last + ".pyi") == FILE:
            return Found(name, os.path.join(d, last + ".pyi"), STUB)
        if last in self._compiled_stems(d, ents):
            return Found(name, os.path.join(d, last), COMPILED)
        return portion

    def _compiled_stems(self, folder: str, ents: dict[str, str]) -> frozenset[str]:
        got = self._compiled.get(folder)
        if got is None:
            got = self._compiled[folder] = frozenset(
                n.partition(".")[0] for n, k in ents.items() if k == FILE and n.endswith(_COMPILED_SUFFIXES))
        return got

    def relative(self, dotted: str, importer: str) -> Found | None:
        """`from .x import y` / `from .. import z` in `importer`, resolved from its path."""
        level = len(dotted) - len(dotted.lstrip("."))
        rest = dotted[level:]
        d = os.path.dirname(importer)
        for _ in range(level - 1):
            parent = os.path.dirname(d)
            if parent == d:
                return None
            d = parent
        if not rest:
            return self.package_at(d)
        hit = self._search(rest, (d,))
        if hit is None:
            return None
        base_name, _ = self.name_of(os.path.join(d, "__init__.py"))
        return Found(_join(base_name, rest), hit.path, hit.kind, hit.dirs)

    def package_at(self, folder: str) -> Found:
        """The package a folder is: regular when it holds `__init__.py`, else a namespace."""
        init = os.path.join(folder, "__init__.py")
        name, _ = self.name_of(init)
        if self.fs.isfile(init):
            return Found(name, init, SOURCE, (folder,))
        return Found(name, folder, NAMESPACE, (folder,))

    def submodule(self, package: Found, name: str) -> Found | None:
        """Submodule `name` of a package, searched in the package's folders."""
        if not package.dirs or not name.isidentifier():
            return None
        hit = self._search(name, package.dirs)
        if hit is None:
            return None
        return Found(f"{package.name}.{name}", hit.path, hit.kind, hit.dirs)


__all__ = ["COMPILED", "COMPILED_IN", "NAMESPACE", "SOURCE", "STDLIB", "STUB", "Found", "ModuleFinder",
           "compiled_in", "is_stdlib"]
