"""Configuration: DEFAULTS, [tool.asyncaudit] loading, validation, CLI-override merge.

Stage: before the pipeline.  The layers are separate so each can be tested alone:

    find_config(paths)       nearest pyproject.toml that has a [tool.asyncaudit] table
    load(file)               that table, validated strictly, defaults filled in
    merge(file, cli)         command-line values (unless MISSING) win over the file,
                             the file wins over DEFAULTS
    from_options(options)    -> Config, the object the pipeline consumes

`make_config(paths, cli_options, config_file)` runs all four.  Option names are
kebab-case in TOML (`fail-on`); snake_case spellings (`fail_on`) are accepted as
aliases, and `merge` accepts either, so `vars(argparse_namespace)`-style keys work.
"""

from __future__ import annotations

import copy
import difflib
import enum
import glob
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from asyncaudit.catalog.blocking import CATEGORIES, Sink
from asyncaudit.catalog.loop import CallableSlot
from asyncaudit.model import Severity
from asyncaudit.rules import BY_CODE

SECTION = "tool.asyncaudit"

#: Every option of [tool.asyncaudit], with its default.  The one place options are listed:
#: validators, merge and the tests are all keyed by these names.
DEFAULTS: dict[str, object] = {
    "include": [],  # paths/globs to analyze when none are given on the command line; [] = "."
    "exclude": [],  # globs of files/folders to skip
    "select": [],  # rule codes or prefixes to keep; [] = all
    "ignore": [],  # rule codes or prefixes to drop
    "fail-on": "low",  # exit 1 only for findings at or above this severity
    "extra-sinks": {},  # qualname -> {category, severity?, advice?}
    "extra-offloaders": [],  # "qualname" or {qualname?, method?, arg?, keyword?}
    "extra-registrars": [],  # same shape as extra-offloaders
    "loop-decorators": [],  # decorators marking a sync function as run on the event loop
    "entry-points": [],  # sync entry points: may call asyncio.run()
    "severity-overrides": {},  # rule code or category key -> severity
    "python": None,  # interpreter of the audited environment (None: the active virtualenv)
    "follow-libraries": True,  # follow calls into installed third-party packages
    "jobs": 0,  # worker processes; 0 = all cores
    "cache": True,
    "cache-dir": ".asyncaudit_cache",
    "fix-offloader": "auto",  # what `check --fix` offloads with: auto | asyncio | executor | anyio | trio | hass
    "source-roots": [],  # folders imports are searched in, besides the roots found by themselves
    "test-paths": ["tests/", "test/", "test_*.py", "*_test.py", "conftest.py"],  # test code, by path
}

#: The values of `fix-offloader` (see asyncaudit.fix.offload).
FIX_OFFLOADERS: tuple[str, ...] = ("auto", "asyncio", "executor", "anyio", "trio", "hass")

SEVERITIES: tuple[str, ...] = tuple(s.name.lower() for s in Severity)  # low .. critical


class _Missing(enum.Enum):
    MISSING = "MISSING"

    def __repr__(self) -> str:
        return "MISSING"


#: "Not given on the command line", as opposed to a given False, 0 or empty list.
MISSING = _Missing.MISSING


class ConfigError(Exception):
    """An invalid configuration; the message names the offending key.

    `str(error)` is `"<file>: <message>"` when the file is known, else the message.
    """

    def __init__(self, message: str, path: str | os.PathLike[str] | None = None) -> None:
        self.message = message
        self.path = os.fspath(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


# --------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _child(where: str, key: str | int) -> str:
    """The dotted TOML path of `key` inside `where`, quoted as TOML would need it."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if _BARE_KEY.fullmatch(key) else f"{where}.{json.dumps(key, ensure_ascii=False)}"


def _show(value: object) -> str:
    """A value as the user wrote it in TOML (`true`, `'severe'`, `3`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__} ({value})"  # TOML dates and times


def _suggest(word: str, choices: Sequence[str]) -> str:
    if word.replace("_", "-") in choices:
        return f" (did you mean {word.replace('_', '-')!r}?)"
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_keys(table: Mapping[str, object], allowed: Sequence[str], where: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(f"{where}: unknown key {key!r}{_suggest(key, allowed)}")


# --------------------------------------------------------------------------------------
# Validators: (value, where) -> normalized value, or ConfigError naming `where`
# --------------------------------------------------------------------------------------

def _string(value: object, where: str) -> str:
    if type(value) is not str:
        raise ConfigError(f"{where}: expected a string, got {_show(value)}")
    if not value.strip():
        raise ConfigError(f"{where}: expected a non-empty string")
    return value


def _bool(value: object, where: str) -> bool:
    if type(value) is not bool:
        raise ConfigError(f"{where}: expected true or false, got {_show(value)}")
    return value


def _count(value: object, where: str) -> int:
    # `type() is`, not isinstance: True is an int to Python but never a job count
    if type(value) is not int:
        raise ConfigError(f"{where}: expected an integer, got {_show(value)}")
    if value < 0:
        raise ConfigError(f"{where}: expected an integer >= 0, got {value}")
    return value


def _table(value: object, where: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise ConfigError(f"{where}: expected a table, got {_show(value)}")
    return value


def _array(item: Callable[[object, str], Any], what: str) -> Callable[[object, str], list[Any]]:
    def check(value: object, where: str) -> list[Any]:
        if type(value) is not list:
            # the common mistake is `exclude = "tests"`: say what the array should hold
            raise ConfigError(f"{where}: expected an array of {what}, got {_show(value)}")
        return [item(v, _child(where, i)) for i, v in enumerate(value)]
    return check


def _severity(value: object, where: str) -> str:
    if type(value) is str and value.lower() in SEVERITIES:
        return value.lower()
    raise ConfigError(f"{where}: expected one of {', '.join(SEVERITIES)}, got {_show(value)}")


def _fix_offloader(value: object, where: str) -> str:
    if type(value) is str and value.lower() in FIX_OFFLOADERS:
        return value.lower()
    raise ConfigError(f"{where}: expected one of {', '.join(FIX_OFFLOADERS)}, got {_show(value)}")


def _is_qualname(name: str) -> bool:
    parts = name.split(".")
    return len(parts) >= 2 and all(p.isidentifier() for p in parts)


def _qualname(value: object, where: str) -> str:
    # a bare name (`fetch`) can never match: catalog names always start with their module
    name = _string(value, where)
    if not _is_qualname(name):
        raise ConfigError(f"{where}: expected a dotted qualified name such as 'package.module.name', "
                          f"got {_show(value)}")
    return name


def _identifier(value: object, where: str) -> str:
    name = _string(value, where)
    if not name.isidentifier():
        raise ConfigError(f"{where}: expected a Python identifier, got {_show(value)}")
    return name


def _rule_pattern(value: object, where: str) -> str:
    # a typo here would silently select nothing (or ignore nothing): reject it
    pattern = _string(value, where).strip().upper()
    if not any(code.startswith(pattern) for code in BY_CODE):
        raise ConfigError(f"{where}: {value!r} is no rule code or prefix{_suggest(pattern, list(BY_CODE))} "
                          f"(codes: {', '.join(BY_CODE)})")
    return pattern


def override_code(key: str) -> str | None:
    """Map a `severity-overrides` key to the rule code it names.

    Args:
        key: A rule code (`AA109`, any case) or a catalog category key (`fsmeta`).

    Returns:
        The rule code, or None when `key` names no rule.
    """
    if key.upper() in BY_CODE:
        return key.upper()
    category = CATEGORIES.get(key.lower())
    return category.code if category else None


def _severity_overrides(value: object, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    choices = [*BY_CODE, *CATEGORIES]
    for key, severity in _table(value, where).items():
        at = _child(where, key)
        code = override_code(key)
        if code is None:
            raise ConfigError(f"{at}: unknown rule code or category {key!r}{_suggest(key, choices)} "
                              f"(choose from {', '.join(choices)})")
        if code in out:
            # `fsmeta` and `AA109` are the same rule: two values would be a silent tie-break
            raise ConfigError(f"{at}: {code} is given twice (a category and its rule code name the same rule)")
        out[code] = _severity(severity, at)
    return out


_SINK_KEYS = ("category", "severity", "advice")


def _extra_sinks(value: object, where: str) -> dict[str, dict[str, str | None]]:
    out: dict[str, dict[str, str | None]] = {}
    for name, spec in _table(value, where).items():
        at = _child(where, name)
        if not _is_qualname(name):
            raise ConfigError(f"{at}: the key must be a dotted qualified name such as 'package.module.name'")
        if type(spec) is not dict:
            raise ConfigError(f"{at}: expected a table such as {{ category = \"network\" }}, got {_show(spec)}")
        _check_keys(spec, _SINK_KEYS, at)
        if "category" not in spec:
            raise ConfigError(f"{at}: missing key 'category' (choose from {', '.join(CATEGORIES)})")
        category = _string(spec["category"], _child(at, "category")).lower()
        if category not in CATEGORIES:
            raise ConfigError(f"{_child(at, 'category')}: unknown category {spec['category']!r}"
                              f"{_suggest(category, list(CATEGORIES))} (choose from {', '.join(CATEGORIES)})")
        severity = _severity(spec["severity"], _child(at, "severity")) if "severity" in spec else None
        advice = _string(spec["advice"], _child(at, "advice")) if "advice" in spec else ""
        out[name] = {"category": category, "severity": severity, "advice": advice}
    return out


_SLOT_KEYS = ("qualname", "method", "arg", "keyword")


def _slot(value: object, where: str) -> dict[str, object]:
    if type(value) is str:
        return {"qualname": _qualname(value, where), "method": None, "arg": 0, "keyword": None}
    if type(value) is not dict:
        raise ConfigError(f"{where}: expected a qualified name or a table such as "
                          f"{{ method = \"submit_job\", arg = 0 }}, got {_show(value)}")
    _check_keys(value, _SLOT_KEYS, where)
    if "qualname" not in value and "method" not in value:
        raise ConfigError(f"{where}: needs 'qualname' or 'method' (or both)")
    return {
        "qualname": _qualname(value["qualname"], _child(where, "qualname")) if "qualname" in value else None,
        "method": _identifier(value["method"], _child(where, "method")) if "method" in value else None,
        "arg": _count(value["arg"], _child(where, "arg")) if "arg" in value else 0,
        "keyword": _identifier(value["keyword"], _child(where, "keyword")) if "keyword" in value else None,
    }


_VALIDATORS: dict[str, Callable[[object, str], object]] = {
    "include": _array(_string, "paths or globs"),
    "exclude": _array(_string, "globs"),
    "select": _array(_rule_pattern, "rule codes or prefixes"),
    "ignore": _array(_rule_pattern, "rule codes or prefixes"),
    "fail-on": _severity,
    "extra-sinks": _extra_sinks,
    "extra-offloaders": _array(_slot, "qualified names or tables"),
    "extra-registrars": _array(_slot, "qualified names or tables"),
    "loop-decorators": _array(_qualname, "qualified names"),
    "entry-points": _array(_qualname, "qualified names"),
    "severity-overrides": _severity_overrides,
    "python": _string,
    "source-roots": _array(_string, "folders"),
    "test-paths": _array(_string, "globs"),
    "follow-libraries": _bool,
    "jobs": _count,
    "cache": _bool,
    "cache-dir": _string,
    "fix-offloader": _fix_offloader,
}
assert _VALIDATORS.keys() == DEFAULTS.keys()


def validate(table: Mapping[str, object], where: str = SECTION) -> dict[str, object]:
    """Check a `[tool.asyncaudit]` table and normalize it; only the keys it has.

    Args:
        table: The parsed table (snake_case key spellings are accepted as aliases).
        where: How error messages name the table.

    Returns:
        The table with kebab-case keys, severities lowercased, rule codes uppercased,
        `severity-overrides` keyed by rule code, and offloader/registrar entries as
        `{qualname, method, arg, keyword}` dicts.

    Raises:
        ConfigError: On an unknown key or a value of the wrong type or range.
    """
    out: dict[str, object] = {}
    for key, value in table.items():
        option = key.replace("_", "-")
        if option not in DEFAULTS:
            raise ConfigError(f"{where}: unknown key {key!r}{_suggest(key, list(DEFAULTS))}")
        if option in out:
            raise ConfigError(f"{where}: {option!r} is given twice (as kebab-case and snake_case)")
        out[option] = _VALIDATORS[option](value, _child(where, key))
    return out


# --------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------

def _one_line(text: str) -> str:
    return " ".join(text.split())


def _read_toml(file: str | os.PathLike[str] | IO[bytes]) -> tuple[dict[str, Any], str | None]:
    """Parsed TOML and the file's name (None for an anonymous stream)."""
    if isinstance(file, (str, os.PathLike)):
        name: str | None = os.fspath(file)
        try:
            with open(file, "rb") as fh:
                return tomllib.load(fh), name
        except OSError as exc:
            raise ConfigError(f"cannot read: {exc.strerror or exc}", path=name) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"invalid TOML: {_one_line(str(exc))}", path=name) from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"invalid TOML: not UTF-8 ({exc.reason} at byte {exc.start})", path=name) from None
    name = getattr(file, "name", None)
    name = name if isinstance(name, str) else None
    try:
        return tomllib.load(file), name
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {_one_line(str(exc))}", path=name) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"invalid TOML: not UTF-8 ({exc.reason} at byte {exc.start})", path=name) from None


def _section(data: Mapping[str, Any]) -> object | None:
    """`data["tool"]["asyncaudit"]`, or None when absent (a non-table `tool` counts as absent)."""
    tool = data.get("tool")
    return tool.get("asyncaudit") if isinstance(tool, dict) else None


def find_config(paths: Sequence[str | os.PathLike[str]] = ()) -> Path | None:
    """The nearest `pyproject.toml` with a `[tool.asyncaudit]` table.

    Args:
        paths: The analyzed paths; the walk starts at the first one (a file's folder, or
            the folder itself), or at the current directory when empty.

    Returns:
        The first such file from the start folder up to the filesystem root, or None.
        A `pyproject.toml` without the table is passed over.

    Raises:
        ConfigError: A `pyproject.toml` on the way cannot be read or is not valid TOML
            (rather than silently skipping a configuration the user meant to apply).
    """
    start = Path(paths[0]) if paths else Path.cwd()
    try:
        start = start.resolve()
    except (OSError, RuntimeError):  # symlink loop: RuntimeError on 3.11/3.12
        start = start.absolute()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        candidate = folder / "pyproject.toml"
        # os.path.isfile: an unsearchable folder on the way up is "no file here", not an error
        if os.path.isfile(candidate):
            data, _ = _read_toml(candidate)
            if _section(data) is not None:
                return candidate
    return None


def load(file: str | os.PathLike[str] | IO[bytes] | None = None) -> dict[str, object]:
    """Read, validate and complete the `[tool.asyncaudit]` table of a TOML file.

    Args:
        file: A path, a binary file object (tests), or None for no file.

    Returns:
        Every option of DEFAULTS (a fresh copy) with the file's values over them,
        normalized as by `validate`.  A file without the table gives the defaults.

    Raises:
        ConfigError: The file cannot be read or parsed, or the table is invalid; the
            message starts with the file name when there is one.
    """
    options = copy.deepcopy(DEFAULTS)
    if file is None:
        return options
    data, name = _read_toml(file)
    table = _section(data)
    if table is None:
        return options
    try:
        options.update(validate(_table(table, SECTION)))
    except ConfigError as exc:
        raise ConfigError(exc.message, path=name) from None
    return options


def _cli_value(value: object) -> object:
    """argparse-shaped values -> TOML-shaped values, so one set of validators serves both."""
    if isinstance(value, Severity):
        return value.name.lower()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (tuple, list)):
        return [_cli_value(v) for v in value]
    return value


def merge(file_options: Mapping[str, object], cli_options: Mapping[str, object]) -> dict[str, object]:
    """Combine the options: command line over file over DEFAULTS.

    Every option is replaced as a whole: `--exclude x` or `--select AA101` on the command
    line replaces the file's `exclude`/`select` list rather than extending it.

    Args:
        file_options: Options from `load` (or any subset of them, already valid).
        cli_options: Command-line options by name (`fail_on` or `fail-on`).  A value of
            MISSING or None means "not given" and leaves the file's value; any other
            value (including False, 0 and an empty list) wins.  Tuples, Severity members
            and paths are accepted and normalized like TOML values.

    Returns:
        A complete options dict (every key of DEFAULTS, kebab-case).

    Raises:
        ConfigError: A command-line value is invalid; the message names the `--option`.
        ValueError: An option name is unknown (a wiring mistake, not a user error).
    """
    merged = copy.deepcopy(DEFAULTS)
    for key, value in file_options.items():
        if key not in DEFAULTS:
            raise ValueError(f"unknown option {key!r} in file options")
        merged[key] = copy.deepcopy(value)
    for key, value in cli_options.items():
        option = key.replace("_", "-")
        if option not in DEFAULTS:
            raise ValueError(f"unknown command-line option {key!r}{_suggest(option, list(DEFAULTS))}")
        # None too: no option can be set to None from the command line, and argparse
        # reports an absent `--python` as None
        if value is MISSING or value is None:
            continue
        merged[option] = _VALIDATORS[option](_cli_value(value), f"--{option}")
    return merged


# --------------------------------------------------------------------------------------
# The analysis configuration
# --------------------------------------------------------------------------------------

@dataclass(slots=True)
class Config:
    """Analysis options, as the pipeline consumes them (built by `make_config`).

    `Config()` is the all-defaults configuration; every field can also be set directly.
    """

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    python: str | None = None  # interpreter of the audited environment, for site-packages
    follow_libraries: bool = True
    jobs: int = 0  # 0: all cores
    include: tuple[str, ...] = ()  # analyzed when no path is given; () = "."
    fail_on: Severity = Severity.LOW
    extra_sinks: dict[str, Sink] = field(default_factory=dict)
    extra_sink_severity: dict[str, Severity] = field(default_factory=dict)  # only where set
    extra_offloaders: tuple[CallableSlot, ...] = ()
    extra_registrars: tuple[CallableSlot, ...] = ()
    loop_decorators: frozenset[str] = frozenset()
    entry_points: frozenset[str] = frozenset()
    severity_overrides: dict[str, Severity] = field(default_factory=dict)  # rule code -> severity
    cache: bool = True
    cache_dir: str = ".asyncaudit_cache"
    source_roots: tuple[str, ...] = ()  # folders imports are searched in (config `source-roots`)
    test_paths: tuple[str, ...] = ("tests/", "test/", "test_*.py", "*_test.py", "conftest.py")
    source: Path | None = None  # the configuration file used, if any
    fix_offloader: str = "auto"  # `check --fix` only: never changes the analysis

    def __post_init__(self) -> None:
        # callers pass lists (argparse `append`) as readily as tuples
        for name in ("select", "ignore", "exclude", "include", "source_roots", "test_paths"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"Config.{name}: expected a sequence of strings, got a string")
            setattr(self, name, tuple(value))
        self.extra_offloaders = tuple(self.extra_offloaders)
        self.extra_registrars = tuple(self.extra_registrars)
        self.loop_decorators = frozenset(self.loop_decorators)
        self.entry_points = frozenset(self.entry_points)
        overrides = {}
        for key, severity in self.severity_overrides.items():
            code = override_code(key)
            if code is None:
                raise ValueError(f"Config.severity_overrides: unknown rule code or category {key!r}")
            overrides[code] = severity
        self.severity_overrides = overrides

    def targets(self, given: Sequence[str | os.PathLike[str]] = ()) -> list[str]:
        """The paths to analyze.

        Args:
            given: The paths named on the command line; they win over `include`.

        Returns:
            `given` if not empty, else `include` with its globs expanded (sorted), else
            `["."]`.  A pattern that matches nothing is kept as written, so discovery
            reports it as missing instead of it vanishing silently.  Paths below the
            current directory are made relative to it, as reports print them as given.
        """
        if given:
            return [os.fspath(p) for p in given]
        if not self.include:
            return ["."]
        out: list[str] = []
        for pattern in self.include:
            matches = sorted(glob.glob(pattern, recursive=True)) if any(c in pattern for c in "*?[") else []
            out.extend(p for p in map(_near, matches or [pattern]) if p not in out)
        return out

    def fingerprint(self) -> str:
        """Identify the options that can change analysis results, for cache invalidation.

        Returns:
            A stable sha256 hex digest.  `jobs`, `cache`, `cache_dir`, `fail_on` (it only
            changes the exit status) and `source` are left out; order-insensitive options
            are sorted first.  The tool's own version is not part of it: a cache must key
            on that separately.
        """
        def slot(s: CallableSlot) -> list[object]:
            return [s.qualname or "", s.method or "", s.arg, s.keyword or ""]

        doc = {
            "v": 1,
            "select": sorted(self.select),
            "ignore": sorted(self.ignore),
            "exclude": sorted(self.exclude),
            "include": list(self.include),  # order decides which of two same-named modules wins
            "python": self.python,
            "source_roots": list(self.source_roots),  # order is search order
            "test_paths": sorted(self.test_paths),
            "follow_libraries": self.follow_libraries,
            "extra_sinks": sorted([s.qualname, s.category, s.alternative] for s in self.extra_sinks.values()),
            "extra_sink_severity": {k: int(v) for k, v in self.extra_sink_severity.items()},
            "extra_offloaders": sorted(slot(s) for s in self.extra_offloaders),
            "extra_registrars": sorted(slot(s) for s in self.extra_registrars),
            "loop_decorators": sorted(self.loop_decorators),
            "entry_points": sorted(self.entry_points),
            "severity_overrides": {k: int(v) for k, v in self.severity_overrides.items()},
        }
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _near(path: str) -> str:
    """`path` relative to the current directory if it lies below it, else unchanged."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if rel == ".." or rel.startswith(".." + os.sep) else rel


def _to_slot(entry: Mapping[str, Any]) -> CallableSlot:
    return CallableSlot(entry.get("qualname"), entry.get("method"), entry.get("arg", 0), entry.get("keyword"))


def from_options(options: Mapping[str, object], source: Path | None = None) -> Config:
    """Build the Config from validated options (the output of `load` or `merge`).

    Args:
        options: Options by kebab-case name; missing ones take their DEFAULTS value.
        source: The configuration file they came from, recorded on the Config.

    Returns:
        The Config; severities become Severity members, extra sinks become catalog
        Sinks (the advice as their `alternative`), offloader/registrar entries become
        CallableSlots.
    """
    o: dict[str, Any] = {**DEFAULTS, **options}
    sinks: dict[str, dict[str, Any]] = o["extra-sinks"]
    return Config(
        select=tuple(o["select"]),
        ignore=tuple(o["ignore"]),
        exclude=tuple(o["exclude"]),
        include=tuple(o["include"]),
        python=o["python"],
        follow_libraries=o["follow-libraries"],
        jobs=o["jobs"],
        fail_on=Severity[o["fail-on"].upper()],
        extra_sinks={q: Sink(q, s["category"], alternative=s.get("advice") or "") for q, s in sinks.items()},
        extra_sink_severity={q: Severity[s["severity"].upper()] for q, s in sinks.items() if s.get("severity")},
        extra_offloaders=tuple(_to_slot(e) for e in o["extra-offloaders"]),
        extra_registrars=tuple(_to_slot(e) for e in o["extra-registrars"]),
        loop_decorators=frozenset(o["loop-decorators"]),
        entry_points=frozenset(o["entry-points"]),
        severity_overrides={k: Severity[v.upper()] for k, v in o["severity-overrides"].items()},
        cache=o["cache"],
        cache_dir=o["cache-dir"],
        fix_offloader=o["fix-offloader"],
        source_roots=tuple(o["source-roots"]),
        test_paths=tuple(o["test-paths"]),
        source=source,
    )


def _relative_to(base: Path, options: dict[str, object]) -> None:
    """Resolve the file's relative `include`, `source-roots`, `cache-dir` and `python` against `base`."""
    def resolve(p: str) -> str:
        p = os.path.expanduser(p)
        return p if os.path.isabs(p) else os.path.normpath(os.path.join(base, p))

    options["include"] = [resolve(p) for p in options["include"]]  # type: ignore[union-attr]
    options["source-roots"] = [resolve(p) for p in options["source-roots"]]  # type: ignore[union-attr]
    options["cache-dir"] = resolve(options["cache-dir"])  # type: ignore[arg-type]
    python = options["python"]
    # like a shell: a bare command name (`python3`) is looked up on PATH, not in `base`
    if isinstance(python, str) and (os.sep in python or "/" in python or python.startswith("~")):
        options["python"] = resolve(python)


def make_config(paths: Sequence[str | os.PathLike[str]], cli_options: Mapping[str, object],
                config_file: str | os.PathLike[str] | None = None) -> Config:
    """Find, load and merge the configuration for analyzing `paths`.

    Args:
        paths: The paths given on the command line (the search starts at the first).
        cli_options: Command-line options, as for `merge`.
        config_file: An explicit `--config` file; it is not searched for, and it may lack
            the `[tool.asyncaudit]` table (all defaults then).

    Returns:
        The Config, with `source` set to the file used (None if none was found).  The
        file's relative `include`, `cache-dir` (including the default one) and
        `python` are resolved against the file's folder; command-line values are left
        relative to the current directory.

    Raises:
        ConfigError: The file is unreadable, not TOML, or invalid, or a command-line
            value is invalid.
    """
    source = Path(config_file) if config_file is not None else find_config(paths)
    file_options = load(source)
    if source is not None:
        _relative_to(source.resolve().parent, file_options)
    return from_options(merge(file_options, cli_options), source)


__all__ = [
    "DEFAULTS",
    "FIX_OFFLOADERS",
    "MISSING",
    "SEVERITIES",
    "Config",
    "ConfigError",
    "find_config",
    "from_options",
    "load",
    "make_config",
    "merge",
    "override_code",
    "validate",
]
