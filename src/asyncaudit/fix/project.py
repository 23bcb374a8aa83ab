"""What the audited project declares about itself that the fix must respect.

Stage: fix.  `asyncio.to_thread` is new in Python 3.9: a project that still supports 3.8
gets `loop.run_in_executor` instead.  Kept apart from the libcst modules so that a `check`
answered from the caches does not import libcst.
"""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

from asyncaudit.parse.source import load_toml, read_source

_REQUIRES = re.compile(r"""requires[-_]python\s*=\s*["']([^"']+)["']""")
_LOWER = re.compile(r">=?\s*3\s*\.\s*(\d+)")


def minimum_minor(path: str) -> int | None:
    """The lowest Python 3 minor version the project of `path` declares it supports
    (`requires-python` in the nearest pyproject.toml, `python_requires` in setup.cfg or
    setup.py), or None when it declares none."""
    return _project_minor(Path(path).absolute().parent)


@functools.lru_cache(maxsize=None)
def _project_minor(folder: Path) -> int | None:
    found = _declared(folder)
    if found is not False:
        return found  # type: ignore[return-value]
    if (folder / ".git").exists() or folder.parent == folder:
        return None  # the repository's root: a project file further up is someone else's
    return _project_minor(folder.parent)


def _declared(d: Path) -> int | None | bool:
    """The declared minimum minor in folder `d`; False when `d` holds no project file."""
    pyproject = d / "pyproject.toml"
    if pyproject.is_file():
        try:
            # the analyzed tree's file: read safely (size, regular file) and a value nested
            # too deep for tomllib's recursion means "declares nothing", not a lost run
            data = load_toml(read_source(pyproject).decode("utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
            return None
        spec = data.get("project", {}).get("requires-python") if isinstance(data.get("project"), dict) else None
        if spec is None:
            poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
            deps = poetry.get("dependencies", {}) if isinstance(poetry, dict) else {}
            spec = deps.get("python") if isinstance(deps, dict) else None
        return _lowest(spec) if isinstance(spec, str) else None
    for name in ("setup.cfg", "setup.py"):
        f = d / name
        if f.is_file():
            try:
                text = read_source(f).decode("utf-8", errors="replace")
            except OSError:
                return None
            m = re.search(r"python_requires\s*=\s*[\"']?([^\"'\n]+)", text) or _REQUIRES.search(text)
            return _lowest(m.group(1)) if m else None
    return False


def _lowest(spec: str) -> int | None:
    if spec.strip().startswith("^"):  # poetry: ^3.8
        m = re.match(r"\^\s*3\s*\.\s*(\d+)", spec.strip())
        return int(m.group(1)) if m else None
    minors = [int(m) for m in _LOWER.findall(spec)]
    return min(minors) if minors else None
