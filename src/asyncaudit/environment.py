"""Before the pipeline: the audited environment's module search path, found from its files.

An analyzed tree is data: nothing it names is ever run.  The environment whose installed
packages are followed is read from disk — `pyvenv.cfg`, `lib/python3.*/site-packages`
(`Lib/site-packages` on Windows) and the *path lines* of its `.pth` files, never their
`import` lines, which `site` would execute (an editable install's finder module is read
as text for the package folders it maps).  Sources, first found wins:

1. `--python PATH` on the command line: a virtualenv folder, or an interpreter.  A venv's
   interpreter is read like its folder; only another interpreter (a system or pyenv
   `python3`) is run, because the user asked for it, and then as `python -I -S` (no
   `site`: no `sitecustomize`, no `.pth` import lines) just to print its `sysconfig` paths.
   A missing path or one that is neither is an error (exit 2), never a silent "no
   libraries".
2. `python` in the configuration: used only when it names a virtualenv (its folder or its
   interpreter) whose files can be read; never executed, whoever wrote the file.
3. `VIRTUAL_ENV`, then `CONDA_PREFIX`.
4. A `.venv/` or `venv/` folder holding `pyvenv.cfg` in the audited project (the first
   path and the folders above it up to the project root), as ruff and pyright do.

`find_environment(...)` returns an `Environment`: `search_path` (site-packages folders,
each followed by its `.pth` path entries, in the order `site` puts them on `sys.path`),
`source` (how it was found, for the summary line) and `diagnostics`.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from asyncaudit.parse.source import read_source

_SMALL = 1 << 20  # pyvenv.cfg, .pth files: a real one is a few lines
_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")
_VERSION_DIR = re.compile(r"python(\d+)\.(\d+)t?$")


class EnvironmentNotFound(ValueError):
    """`--python` names nothing usable (one line, for exit status 2)."""


@dataclass(frozen=True, slots=True)
class Environment:
    """Where installed packages are looked up, and how that was decided."""

    search_path: tuple[Path, ...] = ()
    source: str = ""  # e.g. ".venv (python3.12)"; "" when no environment is used
    prefix: Path | None = None
    diagnostics: tuple[str, ...] = field(default=())
    ran_interpreter: bool = False  # only ever True for an explicit --python interpreter


def find_environment(*, cli_python: str | None = None, config_python: str | None = None,
                     config_file: Path | None = None, paths: Sequence[str | os.PathLike[str]] = (),
                     environ: Mapping[str, str] | None = None) -> Environment:
    """The audited environment, from the first source that names one (see the module doc).

    Raises:
        EnvironmentNotFound: `cli_python` is missing, or neither a virtualenv nor an
            interpreter that answers.
    """
    env = os.environ if environ is None else environ
    if cli_python:
        return _from_cli(cli_python)
    notes: list[str] = []
    if config_python:
        prefix = venv_prefix(Path(os.path.expanduser(config_python)))
        if prefix is not None:
            return _from_venv(prefix, _shown(prefix), notes)
        where = f" in {config_file}" if config_file else ""
        notes.append(f"python = {config_python!r}{where} is not a virtualenv whose files can be read; ignored "
                     "(a configuration never runs an interpreter: pass --python on the command line)")
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        value = env.get(var)
        if value and Path(value).is_dir():
            return _from_venv(Path(value), f"{var}={value}", notes)
    for folder in _project_folders(paths, config_file):
        for name in (".venv", "venv"):
            cand = folder / name
            if (cand / "pyvenv.cfg").is_file():
                return _from_venv(cand, _shown(cand), notes)
    return Environment(diagnostics=tuple(notes))


def _project_folders(paths: Sequence[str | os.PathLike[str]], config_file: Path | None) -> list[Path]:
    """The first analyzed path's folder and those above it up to the project root (the
    first holding a project marker), then the configuration file's folder."""
    out: list[Path] = []
    if paths:
        start = Path(paths[0]).absolute()
        folder = start if start.is_dir() else start.parent
        for f in (folder, *folder.parents):
            out.append(f)
            if any((f / m).exists() for m in _PROJECT_MARKERS):
                break
    if config_file is not None and config_file.absolute().parent not in out:
        out.append(config_file.absolute().parent)
    return out


def _shown(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _from_cli(python: str) -> Environment:
    given = Path(os.path.expanduser(python))
    if not given.exists() and os.sep not in python and "/" not in python:
        found = shutil.which(python)  # a bare command name, as a shell would look it up
        given = Path(found) if found else given
    if not given.exists():
        raise EnvironmentNotFound(f"--python {python}: no such file or directory")
    prefix = venv_prefix(given)
    if prefix is not None:
        return _from_venv(prefix, f"--python {python}", [])
    if given.is_dir():
        raise EnvironmentNotFound(f"--python {python}: not a virtualenv (no pyvenv.cfg) nor an interpreter")
    return _from_interpreter(given, python)


def venv_prefix(path: Path) -> Path | None:
    """The virtualenv `path` is (its folder) or belongs to (its interpreter), if any."""
    for cand in (path, path.parent.parent, path.parent):
        try:
            if (cand / "pyvenv.cfg").is_file():
                return cand
        except OSError:
            continue
    return None


def _read_cfg(prefix: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        text = read_source(prefix / "pyvenv.cfg", _SMALL).decode("utf-8", "replace")
    except OSError:  # SourceError included: a FIFO or a huge file is no configuration
        return out
    for line in text.splitlines()[:200]:
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip().lower()] = value.strip()
    return out


def _from_venv(prefix: Path, shown: str, notes: list[str]) -> Environment:
    cfg = _read_cfg(prefix)
    version = _cfg_version(cfg)
    sites = _site_dirs(prefix, version)
    if cfg.get("include-system-site-packages", "").lower() == "true" and cfg.get("home"):
        base = Path(cfg["home"]).parent  # home is the base interpreter's bin folder
        sites += [s for s in _site_dirs(base, version or _version_of(sites)) if s not in sites]
    version = version or _version_of(sites)
    label = f"{shown} (python{version})" if version else shown
    if not sites:
        notes.append(f"{shown}: no site-packages folder found; installed packages are not followed")
    return Environment(_with_pth(sites), label, prefix, tuple(notes))


def _cfg_version(cfg: Mapping[str, str]) -> str:
    raw = cfg.get("version_info") or cfg.get("version") or ""
    m = re.match(r"(\d+)\.(\d+)", raw)
    return f"{m.group(1)}.{m.group(2)}" if m else ""


def _version_of(sites: Sequence[Path]) -> str:
    for s in sites:
        m = _VERSION_DIR.match(s.parent.name)
        if m:
            return f"{m.group(1)}.{m.group(2)}"
    return ""


def _site_dirs(prefix: Path, version: str) -> list[Path]:
    """site-packages folders of a prefix: POSIX `lib/pythonX.Y`, Windows `Lib`, Debian's
    `dist-packages`; the version pyvenv.cfg names first when several exist."""
    found: list[Path] = []
    for lib in ("lib", "lib64"):
        try:
            dirs = sorted(d for d in (prefix / lib).glob("python3*") if _VERSION_DIR.match(d.name))
        except OSError:
            dirs = []
        if version:
            dirs.sort(key=lambda d: not d.name.startswith(f"python{version}"))
        for d in dirs:
            for name in ("site-packages", "dist-packages"):
                cand = d / name
                if cand.is_dir() and not any(_same(cand, f) for f in found):
                    found.append(cand)
    for cand in (prefix / "Lib" / "site-packages", prefix / "lib" / "python3" / "dist-packages"):
        if cand.is_dir() and not any(_same(cand, f) for f in found):
            found.append(cand)
    return found


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a == b


def _with_pth(sites: Sequence[Path]) -> tuple[Path, ...]:
    """Each site folder followed by the path lines of its .pth files, as `site.addsitedir`
    orders them (files by name); `import` lines are code and are never run.

    Editable installs whose `.pth` only imports a finder (setuptools' `__editable___*_finder`,
    the `editables` redirector of hatchling and PDM) map package names to their source
    folders; that mapping is read from the finder module's text (`_editable_roots`) and
    the folders holding the mapped packages come last, as the finder itself sits after
    the path-based finder on `sys.meta_path`."""
    out: list[Path] = []
    late: list[Path] = []
    for site in sites:
        if site not in out:
            out.append(site)
        try:
            names = sorted(n for n in os.listdir(site) if n.endswith(".pth") and not n.startswith("."))
        except OSError:
            continue
        for name in names:
            try:
                raw = read_source(site / name, _SMALL)
            except OSError:
                continue
            for line in raw.decode("utf-8", "replace").splitlines():
                line = line.rstrip()
                if not line or line.startswith("#"):
                    continue
                if line.startswith(("import ", "import\t")):
                    late += _editable_roots(site, line)
                    continue
                entry = Path(os.path.normpath(site / line))
                if entry.is_dir() and entry not in out:
                    out.append(entry)
    out += [p for p in dict.fromkeys(late) if p not in out]
    return tuple(out)


_IMPORTED = re.compile(r"(?:^|;)\s*import\s+([A-Za-z_]\w*)")


def _editable_roots(site: Path, line: str) -> list[Path]:
    """The folders holding the packages an editable-install finder maps, read (never run)
    from the modules a `.pth` import line names, found beside it in `site`.

    setuptools writes `MAPPING: dict[str, str] = {"pkg": "/src/pkg"}` (and `NAMESPACES`);
    `editables` writes `F.map_module("pkg", "/src/pkg/__init__.py")`.  A mapped name is
    followed when the folder or file it maps to carries that name, so the folder above it,
    as a search root, finds it under the same name."""
    out: list[Path] = []
    for module in _IMPORTED.findall(line):
        path = site / f"{module}.py"
        try:
            tree = ast.parse(read_source(path, _SMALL))
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        pairs: list[tuple[object, object]] = []
        for node in ast.walk(tree):
            target = (node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1
                      else node.target if isinstance(node, ast.AnnAssign) else None)
            if isinstance(target, ast.Name) and target.id in ("MAPPING", "NAMESPACES") and node.value is not None:
                try:
                    value = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                    continue
                if isinstance(value, dict):
                    for k, v in value.items():
                        pairs += [(k, x) for x in v] if isinstance(v, list) else [(k, v)]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("map_module", "map_package") and len(node.args) >= 2):
                name, where = node.args[:2]
                if isinstance(name, ast.Constant) and isinstance(where, ast.Constant):
                    pairs.append((name.value, where.value))
        for name, where in pairs:
            if not (isinstance(name, str) and isinstance(where, str) and os.path.isabs(where)):
                continue
            target = Path(os.path.normpath(where))
            if target.name == "__init__.py":
                target = target.parent
            stem = target.name[:-3] if target.name.endswith(".py") else target.name
            if stem == name.rpartition(".")[2] and target.exists() and name.count(".") == 0:
                out.append(target.parent)
    return out


def _from_interpreter(python: Path, shown: str) -> Environment:
    """Ask an interpreter the user named for its paths: `-I -S`, so no site hook runs."""
    code = ("import sys, sysconfig; p = sysconfig.get_paths(); "
            "print(p['purelib']); print(p['platlib']); print('%d.%d' % sys.version_info[:2])")
    try:
        proc = subprocess.run([str(python), "-I", "-S", "-c", code], capture_output=True, text=True,
                              timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError) as exc:
        raise EnvironmentNotFound(f"--python {shown}: cannot run it as an interpreter ({exc})") from None
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or len(lines) < 3:
        raise EnvironmentNotFound(f"--python {shown}: not a Python interpreter (it did not answer)")
    sites = [Path(p) for p in dict.fromkeys(lines[:2]) if Path(p).is_dir()]
    label = f"--python {shown} (python{lines[2].strip()})"
    return Environment(_with_pth(sites), label, None, (), ran_interpreter=True)


__all__ = ["Environment", "EnvironmentNotFound", "find_environment"]

if __name__ == "__main__":  # a look at what would be used here: python -m asyncaudit.environment
    e = find_environment(paths=sys.argv[1:] or ["."])
    print(e.source or "no environment", *map(str, e.search_path), *e.diagnostics, sep="\n")
