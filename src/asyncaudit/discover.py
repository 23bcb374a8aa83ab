"""Discover stage: paths -> source files with module names and package roots.

Module names are derived from the filesystem, never by importing: a file's module is its
path relative to the *source root* that contains it.  Roots are found by themselves:
each path given, every `src/` folder (so `src/` layouts and workspaces such as
`packages/*/src` and `services/*/src` work), and every folder holding a
`pyproject.toml`, `setup.py` or `setup.cfg`.  The deepest root above a file wins, so
`packages/core/src/core/x.py` is module `core.x`, and folders without `__init__.py`
(namespace packages) still get dotted names.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

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
    root: Path


@dataclass(frozen=True, slots=True)
class Discovery:
    files: tuple[SourceFile, ...]
    roots: tuple[Path, ...]
    diagnostics: tuple[tuple[str, str], ...]  # (path, message)


def _skipped_dir(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    return os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))


def _excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    parts = rel.split("/")
    for pat in patterns:
        pat = pat.rstrip("/")
        if fnmatch.fnmatch(rel, pat) or any(fnmatch.fnmatch(p, pat) for p in parts):
            return True
        if "/" in pat and fnmatch.fnmatch(rel, pat + "/*"):
            return True
    return False


def _walk(top: Path, exclude: tuple[str, ...], diags: list[tuple[str, str]],
          files: list[Path], roots: set[Path]) -> None:
    seen: set[tuple[int, int]] = set()
    stack = [top]
    while stack:
        d = stack.pop()
        try:
            st = d.stat()
        except OSError as exc:
            diags.append((str(d), f"cannot read directory: {exc.strerror or exc}"))
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            diags.append((str(d), "symlink loop or repeated directory; skipped"))
            continue
        seen.add(key)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            diags.append((str(d), f"cannot read directory: {exc.strerror or exc}"))
            continue
        subdirs = []
        for e in entries:
            rel = os.path.relpath(e.path, top).replace(os.sep, "/")
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not _skipped_dir(e) and not _excluded(rel, exclude):
                    subdirs.append(Path(e.path))
                continue
            if e.name in PROJECT_MARKERS:
                roots.add(d / "src" if (d / "src").is_dir() else d)
            if e.name.endswith((".py", ".pyi")) and not e.name.endswith(".pyi"):
                if _excluded(rel, exclude):
                    continue
                try:
                    if e.is_symlink() and not os.path.exists(e.path):
                        diags.append((e.path, "broken symlink; skipped"))
                        continue
                    if not e.is_file():
                        diags.append((e.path, "not a regular file; skipped"))
                        continue
                except OSError as exc:
                    diags.append((e.path, f"cannot read file: {exc.strerror or exc}"))
                    continue
                files.append(Path(e.path))
        if d.name == "src":
            roots.add(d)
        stack.extend(reversed(subdirs))


def module_name(path: Path, root: Path) -> tuple[str, bool]:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    is_pkg = parts[-1] == "__init__"
    if is_pkg:
        parts.pop()
    return ".".join(parts), is_pkg


def discover(paths: list[str | Path], exclude: tuple[str, ...] = ()) -> Discovery:
    """Find the Python files below `paths` and name their modules."""
    diags: list[tuple[str, str]] = []
    files: list[Path] = []
    roots: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            diags.append((str(p), "no such file or directory"))
            continue
        if p.is_dir():
            roots.add(p)
            _walk(p, exclude, diags, files, roots)
        else:
            roots.add(p.parent)
            files.append(p)
    # also treat the directory containing a top-level package as a root
    ordered_roots = sorted({r.absolute() for r in roots}, key=lambda r: (-len(r.parts), str(r)))
    out: list[SourceFile] = []
    seen: set[Path] = set()
    for f in files:
        fa = f.absolute()
        if fa in seen:
            continue
        seen.add(fa)
        root = next((r for r in ordered_roots if fa.is_relative_to(r)), fa.parent)
        # a root inside a package (the path given was the package itself): crawl up the
        # __init__.py folders, as mypy does, so `pkg/core.py` is `pkg.core`, not `core`
        while (root / "__init__.py").is_file() and root.parent != root:
            root = root.parent
        name, is_pkg = module_name(fa, root)
        if not name:  # an __init__.py sitting directly in a root
            name, is_pkg = module_name(fa, root.parent)
            root = root.parent
        out.append(SourceFile(f, name, is_pkg, root))
    out.sort(key=lambda s: str(s.path))
    return Discovery(tuple(out), tuple(ordered_roots), tuple(diags))
