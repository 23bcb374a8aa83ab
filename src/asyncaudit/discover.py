"""Discover stage: paths -> source files with module names, and the module finder.

Walks the paths given (through the run's `FileSystem`, so the run cache knows every
folder looked at), finds the tree's roots by themselves — every `src/` folder, every
packaging root (a `pyproject.toml`, `setup.cfg` or `setup.py` that is a packaging file,
never one beside an `__init__.py`, where it is a module or a tool's settings) and the
package folders its configuration names — and builds the `ModuleFinder` that names each
file by crawling up its `__init__.py` folders and later finds what each import loads
(see `asyncaudit.modules`).  Virtualenvs, build, cache and VCS folders are skipped.

Two files claiming one module name (two sibling projects with a top-level `util.py`,
scripts in different folders) both stay, each named by its path below the audited
folder (`a.util`, `b.util`), and a diagnostic names them; each importer still finds the
one on its own search path.
"""

from __future__ import annotations

import ast
import configparser
import fnmatch
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from asyncaudit.fscache import BROKEN, DIR, FILE, FileSystem
from asyncaudit.gitignore import GitIgnore
from asyncaudit.modules import ModuleFinder
from asyncaudit.parse.source import load_toml

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".env", "__pycache__",
    "node_modules", "build", "dist", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".asyncaudit_cache", "site-packages", ".eggs", ".idea", ".vscode", "htmlcov",
})
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One Python file to analyze."""

    path: Path  # as given/walked, used for display
    module: str
    is_package: bool  # an __init__.py


@dataclass(frozen=True, slots=True)
class Discovery:
    files: tuple[SourceFile, ...]
    finder: ModuleFinder
    names: frozenset[str]  # the tree's top-level names (what an import of a project module starts with)
    diagnostics: tuple[tuple[str, str], ...]  # (path, message)


def _excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    parts = rel.split("/")
    for pat in patterns:
        pat = pat.rstrip("/")
        if fnmatch.fnmatch(rel, pat) or any(fnmatch.fnmatch(p, pat) for p in parts):
            return True
        if "/" in pat and fnmatch.fnmatch(rel, pat + "/*"):
            return True
    return False


# ---- packaging files ----------------------------------------------------------------

def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _pyproject_dirs(data: dict) -> list[str] | None:
    """Package folders a pyproject.toml names (relative), or None when it is no packaging file."""
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    packaging = "project" in data or "build-system" in data or any(
        k in tool for k in ("poetry", "setuptools", "hatch", "pdm", "flit", "maturin"))
    if not packaging:
        return None
    out: list[str] = []
    st = tool.get("setuptools") if isinstance(tool.get("setuptools"), dict) else {}
    find = st.get("packages", {}).get("find") if isinstance(st.get("packages"), dict) else None
    if isinstance(find, dict):
        out += _strings(find.get("where"))
    pkg_dir = st.get("package-dir")
    if isinstance(pkg_dir, dict):
        out += [v for k, v in pkg_dir.items() if k == "" and isinstance(v, str)]
        # `pkg = "lib/pkg"`: lib/ is a root when the folder carries the package's name
        out += [os.path.dirname(v) for k, v in pkg_dir.items()
                if k and isinstance(v, str) and os.path.basename(v.rstrip("/")) == k.rpartition(".")[2]]
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    for entry in poetry.get("packages", []) if isinstance(poetry.get("packages"), list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("from"), str):
            out.append(entry["from"])
    hatch = tool.get("hatch") if isinstance(tool.get("hatch"), dict) else {}
    build = hatch.get("build") if isinstance(hatch.get("build"), dict) else {}
    targets = build.get("targets") if isinstance(build.get("targets"), dict) else {}
    for section in (build, *(t for t in targets.values() if isinstance(t, dict))):
        out += [os.path.dirname(p.rstrip("/")) for p in _strings(section.get("packages"))]
        sources = section.get("sources")
        out += _strings(sources) if isinstance(sources, list) else [
            k for k, v in sources.items() if v == ""] if isinstance(sources, dict) else []
    pdm = tool.get("pdm") if isinstance(tool.get("pdm"), dict) else {}
    for section in (pdm, pdm.get("build") if isinstance(pdm.get("build"), dict) else {}):
        out += _strings(section.get("package-dir"))
    maturin = tool.get("maturin") if isinstance(tool.get("maturin"), dict) else {}
    out += _strings(maturin.get("python-source"))
    return out


def _setup_cfg_dirs(text: str) -> list[str] | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    if not (parser.has_section("metadata") or parser.has_section("options")):
        return None
    out: list[str] = []
    raw = parser.get("options", "package_dir", fallback="")
    for line in raw.replace(";", "\n").splitlines():
        key, eq, value = line.partition("=")
        if eq and not key.strip() and value.strip():
            out.append(value.strip())
    out += [w.strip() for w in parser.get("options.packages.find", "where", fallback="").split() if w.strip()]
    return out


def _setup_py_dirs(text: bytes) -> list[str] | None:
    """A setup.py is a packaging file when it calls setup(); `package_dir={"": d}` and
    `find_packages(d)` / `where=d` name package folders."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    names = {getattr(c.func, "id", getattr(c.func, "attr", None)): c for c in calls}
    if "setup" not in names:
        return None
    out: list[str] = []
    for c in calls:
        fname = getattr(c.func, "id", getattr(c.func, "attr", None))
        if fname in ("find_packages", "find_namespace_packages"):
            args = [*c.args[:1], *(k.value for k in c.keywords if k.arg == "where")]
            out += [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        for k in c.keywords:
            if k.arg == "package_dir" and isinstance(k.value, ast.Dict):
                for key, value in zip(k.value.keys, k.value.values):
                    if (isinstance(key, ast.Constant) and key.value == "" and isinstance(value, ast.Constant)
                            and isinstance(value.value, str)):
                        out.append(value.value)
    return out


def packaging_dirs(fs: FileSystem, folder: str, entries: dict[str, str]) -> list[str] | None:
    """The package folders (absolute) of a packaging root, or None when `folder` is none."""
    if entries.get("__init__.py") == FILE:
        return None  # a package: its setup.py is a module, its pyproject a tool's settings
    found: list[str] | None = None
    for marker in PROJECT_MARKERS:
        if entries.get(marker) != FILE:
            continue
        path = os.path.join(folder, marker)
        try:
            data = fs.read(path)
        except OSError:
            continue
        got: list[str] | None
        if marker == "pyproject.toml":
            try:
                got = _pyproject_dirs(load_toml(data.decode("utf-8")))
            except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
                got = None  # not TOML, or nested beyond any real file: no packaging root
        elif marker == "setup.cfg":
            got = _setup_cfg_dirs(data.decode("utf-8", "replace"))
        else:
            got = _setup_py_dirs(data)
        if got is not None:
            found = (found or []) + got
    if found is None:
        return None
    out = []
    for rel in found:
        d = os.path.normpath(os.path.join(folder, rel))
        if fs.isdir(d):
            out.append(d)
    return out


# ---- the walk -------------------------------------------------------------------------

class _Walk:
    def __init__(self, fs: FileSystem, exclude: tuple[str, ...], gitignore: GitIgnore | None = None) -> None:
        self.fs = fs
        self.exclude = exclude
        self.gitignore = gitignore
        self.diags: list[tuple[str, str]] = []
        self.files: list[str] = []
        self.roots: list[str] = []
        self.bases: list[str] = []
        self.plain: list[tuple[str, list[str]]] = []  # folders without __init__.py, and their entries
        # (device, inode) of every folder walked -> its path as walked: a folder reached
        # again from another given path (`.` and `../x`, a symlink to it) is walked once
        self.done: dict[tuple[int, int], str] = {}

    def skipped(self, path: str, name: str) -> bool:
        if name in SKIP_DIRS or name.endswith(".egg-info") or self.fs.ignored(path):
            return True
        return self.fs.entries(path).get("pyvenv.cfg") is not None

    def walk(self, top: str, shown: str) -> None:
        """Walk folder `top` (absolute), given as `shown` (paths in diagnostics are shown so)."""
        fs = self.fs

        def show(path: str) -> str:
            return os.path.normpath(os.path.join(shown, os.path.relpath(path, top)))

        seen: set[tuple[int, int]] = set()
        stack = [(top, "")]  # (folder, its path below top, posix, with a trailing /)
        sep = os.sep
        while stack:
            d, below = stack.pop()
            entries = fs.entries(d)
            err = fs.error(d)
            if err is not None:
                self.diags.append((show(d), f"cannot read directory: {err.strerror or err}"))
                continue
            ident = fs.ident(d)
            if ident in seen:
                self.diags.append((show(d), "symlink loop or repeated directory; skipped"))
                continue
            if ident is not None and ident in self.done:
                continue  # walked already, below another given path: its files are in
            seen.add(ident)  # type: ignore[arg-type]
            if ident is not None:
                self.done[ident] = d
            if os.path.basename(d) == "src" and entries.get("__init__.py") != FILE:
                self.roots.append(d)
                self.bases.append(d)
            if any(m in entries for m in PROJECT_MARKERS):
                dirs = packaging_dirs(fs, d, entries)
                if dirs is not None:
                    self.roots += [d, *dirs]
                    self.bases += [d, *dirs]
            # names a project import may start with: what sits directly in a folder that
            # is not a package (a package's own modules are reached through the package)
            plain: list[str] | None = [] if entries.get("__init__.py") != FILE else None
            if plain is not None:
                self.plain.append((d, plain))
            subdirs = []
            for name in sorted(entries):
                kind = entries[name]
                if kind != DIR and not name.endswith(".py"):
                    continue
                path = d + sep + name if not d.endswith(sep) else d + name
                rel = below + name
                if kind == DIR:
                    if (not self.skipped(path, name) and not (self.exclude and _excluded(rel, self.exclude))
                            and not (self.gitignore and self.gitignore.ignored(path, True))):
                        subdirs.append((path, rel + "/"))
                        if plain is not None and name.isidentifier():
                            plain.append(name)
                    continue
                if self.exclude and _excluded(rel, self.exclude):
                    continue
                if self.gitignore and self.gitignore.ignored(path, False):
                    continue
                if kind == BROKEN:
                    self.diags.append((show(path), "broken symlink; skipped"))
                elif kind != FILE:
                    self.diags.append((show(path), "not a regular file; skipped"))
                else:
                    fs.track(path)
                    self.files.append(path)
                    if plain is not None:
                        plain.append(name[:-3])
            stack.extend(reversed(subdirs))


def _dotted(path: str, top: str) -> str:
    rel = os.path.relpath(path, top)
    parts = [p for p in Path(rel).with_suffix("").parts if p not in (os.curdir, os.pardir)]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def discover(paths: Sequence[str | os.PathLike[str]], exclude: tuple[str, ...] = (), *,
             fs: FileSystem | None = None, source_roots: Sequence[str | os.PathLike[str]] = (),
             search_path: Sequence[str | os.PathLike[str]] = (), respect_gitignore: bool = False) -> Discovery:
    """Find the Python files below `paths`, build the module finder and name the modules.

    `source_roots`: configured folders to import from (config `source-roots`);
    `search_path`: the audited interpreter's search path (site-packages, `.pth` entries);
    `respect_gitignore`: skip what git ignores in the folders walked (a file named
    itself is analyzed all the same).
    """
    fs = fs or FileSystem()
    w = _Walk(fs, exclude, GitIgnore(fs) if respect_gitignore else None)
    given: list[str] = []
    shown: dict[str, str] = {}  # absolute path -> as given/walked, for display
    files_given: set[tuple[int, int]] = set()
    # folders first: a file given beside a folder that holds it (under any name) is then
    # recognised as walked already, whatever the order on the command line
    ordered = sorted((os.fspath(raw) for raw in paths), key=lambda p: not os.path.isdir(p))
    for p in ordered:
        # os.path, not the recording layer: the folder holding an audited path is no input
        if not os.path.exists(p):
            w.diags.append((p, "no such file or directory"))
            continue
        if os.path.isdir(p):
            top = fs.key(p)
            if fs.ident(top) in w.done:  # the same folder given twice, or one inside a walked one
                continue
            given.append(top)
            n = len(w.files)
            w.walk(top, p)
            for f in w.files[n:]:
                shown.setdefault(f, os.path.join(p, os.path.relpath(f, top)))
            # the audited folder itself is a root unless it is a package
            if fs.entries(top).get("__init__.py") != FILE:
                w.roots.append(top)
            continue
        f = fs.key(p)
        if f in shown or _walked_as(fs, w, p):  # given twice, or walked (its diagnostic said) already
            continue
        ident = _file_ident(p)
        if ident is not None and ident in files_given:  # one file under two names (a link)
            continue
        if ident is not None:
            files_given.add(ident)
        fs.track(f)
        given.append(os.path.dirname(f))
        w.files.append(f)
        shown[f] = p
    for d in (os.fspath(s) for s in source_roots):
        fs.entries(d)
    finder = ModuleFinder(fs, given=given, roots=sorted(set(w.roots)), bases=w.bases,
                          source_roots=[os.fspath(s) for s in source_roots],
                          search_path=[os.fspath(s) for s in search_path])
    named: dict[str, tuple[str, bool]] = {}
    parents: set[str] = set()
    names: set[str] = set()
    for f in _once(fs, w.files):
        named[f] = finder.name_of(f)
        names.add(named[f][0].partition(".")[0])
        folder = os.path.dirname(f)
        if finder.has_init(folder):
            parents.add(finder.init_base(folder))
    finder.package_parents = tuple(sorted(parents))
    # the entries of a plain folder are top-level names, unless it is a namespace package
    # named from a base above (custom_components/ below a packaging root)
    for folder, entries in w.plain:
        crawled = finder.crawl(folder)
        if crawled is None or not crawled[0]:
            names.update(entries)
    _unique_names(named, given, w.diags, shown)
    out = [SourceFile(Path(shown[f]), name, is_pkg) for f, (name, is_pkg) in named.items()]
    out.sort(key=lambda s: str(s.path))
    return Discovery(tuple(out), finder, frozenset(names), tuple(w.diags))


def _once(fs: FileSystem, files: list[str]) -> list[str]:
    """`files` with each file once: a symlink or hard link to a file listed under another
    name is dropped (the real name is kept), so one file is never analyzed twice."""
    by_ident: dict[tuple, str] = {}
    out: dict[str, None] = {}
    for f in dict.fromkeys(files):
        ident = fs.identity(f)
        other = by_ident.get(ident) if ident is not None else None
        if other is None:
            if ident is not None:
                by_ident[ident] = f
            out[f] = None
        elif os.path.islink(other) and not os.path.islink(f):  # keep the file's own name
            del out[other]
            out[f] = None
            by_ident[ident] = f  # type: ignore[index]
    return list(out)


def _walked_as(fs: FileSystem, w: _Walk, path: str) -> bool:
    """Whether a walk met the file `path` already, under this or another name (its real
    folder was walked): as a source, or as a non-regular file or broken link it reported.
    A regular file the walk left out by an `exclude` pattern was not met: given by name,
    it is analyzed."""
    for where in dict.fromkeys((os.path.abspath(path), os.path.realpath(path))):
        folder, name = os.path.split(where)
        ident = fs.ident(folder) if os.path.isdir(folder) else None
        walked = w.done.get(ident) if ident is not None else None  # type: ignore[arg-type]
        kind = fs.entries(walked).get(name) if walked is not None else None
        if kind is not None and name.endswith(".py"):  # the walk looks at .py entries only
            return kind != FILE or os.path.join(walked, name) in w.files  # type: ignore[arg-type]
    return False


def _file_ident(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if st.st_ino else None


def _unique_names(named: dict[str, tuple[str, bool]], given: list[str], diags: list[tuple[str, str]],
                  shown: dict[str, str]) -> None:
    """Rename the files of a module name claimed twice by their paths, and say so."""
    claims: dict[str, list[str]] = {}
    for f, (name, _) in named.items():
        claims.setdefault(name, []).append(f)
    taken = set(claims)
    for name in sorted(claims):
        files = sorted(claims[name])
        if len(files) < 2:
            continue
        renamed = {}
        for f in files:
            top = max((g for g in given if f.startswith(g + os.sep)), key=len, default=os.sep)
            renamed[f] = _dotted(f, top) or name
        if len(set(renamed.values())) < len(files) or any(v in taken and v != name for v in renamed.values()):
            renamed = {f: _dotted(f, os.sep) for f in files}
        taken.update(renamed.values())
        for f in files:
            named[f] = (renamed[f], named[f][1])
        others = ", ".join(shown[f] for f in files[1:])
        diags.append((shown[files[0]], f"module name `{name}` is claimed by {len(files)} files "
                                       f"(also {others}); they are named by their paths, and each "
                                       "import finds the one on the importer's own search path"))
