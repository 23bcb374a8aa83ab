"""Configuration: the option table, [tool.asyncaudit] loading, validation, CLI-override merge.

Stage: before the pipeline.  Every option is one `Option` entry of `OPTIONS` (vulture's
single DEFAULTS is the model): its default, validator, Config field, fingerprint part
and command-line flag are all derived from that entry, so adding an option is one
entry.  The layers are separate so each can be tested alone:

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

import argparse
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
from functools import partial
from pathlib import Path
from typing import IO, Any

from asyncaudit.catalog.blocking import CATEGORIES, Sink
from asyncaudit.catalog.loop import CallableSlot
from asyncaudit.model import Severity
from asyncaudit.parse.source import SourceError, load_toml, read_source
from asyncaudit.rules import BY_CODE, CODE_OF_CATEGORY

SECTION = "tool.asyncaudit"

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
    return CODE_OF_CATEGORY.get(key.lower())


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


# --------------------------------------------------------------------------------------
# The option table: the one place an option is written
# --------------------------------------------------------------------------------------

def _same(value: Any) -> Any:
    return value


def _same_checked(value: Any, where: str) -> Any:
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    # callers pass lists (argparse `append`) as readily as tuples; a bare string would
    # silently become one option per character
    if isinstance(value, str):
        raise TypeError(f"{where}: expected a sequence of strings, got a string")
    return tuple(value)


def _frozen(value: Any, where: str) -> frozenset[str]:
    if isinstance(value, str):
        raise TypeError(f"{where}: expected a set of strings, got a string")
    return frozenset(value)


def _tupled(value: Any, where: str) -> tuple[Any, ...]:
    return tuple(value)


def _to_severity(value: str) -> Severity:
    return Severity[value.upper()]


def _to_slot(entry: Mapping[str, Any]) -> CallableSlot:
    return CallableSlot(entry.get("qualname"), entry.get("method"), entry.get("arg", 0), entry.get("keyword"))


def _to_slots(entries: Sequence[Mapping[str, Any]]) -> tuple[CallableSlot, ...]:
    return tuple(_to_slot(e) for e in entries)


def _to_sinks(sinks: Mapping[str, Mapping[str, Any]]) -> dict[str, Sink]:
    return {q: Sink(q, s["category"], alternative=s.get("advice") or "") for q, s in sinks.items()}


def _sink_severities(sinks: Mapping[str, Mapping[str, Any]]) -> dict[str, object]:
    return {"extra_sink_severity": {q: Severity[s["severity"].upper()] for q, s in sinks.items() if s.get("severity")}}


def _to_overrides(table: Mapping[str, str]) -> dict[str, Severity]:
    return {k: Severity[v.upper()] for k, v in table.items()}


def _overrides(value: Mapping[str, Severity], where: str) -> dict[str, Severity]:
    out = {}
    for key, severity in value.items():
        code = override_code(key)
        if code is None:
            raise ValueError(f"{where}: unknown rule code or category {key!r}")
        out[code] = severity
    return out


def _per_file_ignores(value: object, where: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for pattern, codes in _table(value, where).items():
        at = _child(where, pattern)
        if not pattern.strip():
            raise ConfigError(f"{at}: expected a non-empty glob")
        out[pattern] = _array(_rule_pattern, _RULES)(codes, at)
    return out


def _to_per_file(table: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    return {pattern: tuple(codes) for pattern, codes in table.items()}


def _per_file_coerce(value: Mapping[str, Sequence[str]], where: str) -> dict[str, tuple[str, ...]]:
    return {pattern: _strings(codes, f"{where}[{pattern!r}]") for pattern, codes in value.items()}


def _slot_key(s: CallableSlot) -> list[object]:
    return [s.qualname or "", s.method or "", s.arg, s.keyword or ""]


def _severity_key(value: Mapping[str, Severity]) -> dict[str, int]:
    return {k: int(v) for k, v in value.items()}


Validator = Callable[[object, str], Any]


@dataclass(frozen=True, slots=True)
class Option:
    """One option of `[tool.asyncaudit]`, and everything derived from it.

    Validation (`check`), the `Config` field (`annotation`, `convert`, `coerce`), the
    merge of the command line over the file (`extend`), the paths resolved against the
    file's folder (`relative`), the cache fingerprint (`key`) and the command-line flag
    (`flags`, `kind`, `metavar`, `commands`, `flag_help`) are all read from here.
    """

    name: str  # kebab-case, as written in TOML
    default: object  # TOML-shaped
    check: Validator  # (TOML-shaped value, where) -> normalized value, or ConfigError naming `where`
    help: str  # one line: what it does (--show-settings, the docs test)
    annotation: str  # the Config field's type
    convert: Callable[[Any], Any] = _same  # normalized TOML value -> Config field value
    coerce: Callable[[Any, str], Any] = _same_checked  # a value given to Config() directly -> field value
    more: Callable[[Any], dict[str, Any]] | None = None  # fields besides its own it sets (normalized value)
    key: Callable[[Any], object] | None = None  # the field in the cache fingerprint; None: no effect on results
    flags: tuple[str, ...] = ()  # command-line spellings; () = configuration file only
    kind: str = "value"  # value | int | csv (A,B) | append (repeatable) | off (the flag sets false)
    metavar: str | None = None
    commands: tuple[str, ...] = ("check", "audit")
    flag_help: str = ""  # --help text, when it should differ from `help`
    relative: str = ""  # "path" | "paths" | "command": resolved against the configuration file's folder
    extend: bool = False  # the command line adds to the file's list instead of replacing it

    @property
    def attr(self) -> str:
        """The Config field and argparse `dest`."""
        return self.name.replace("-", "_")


_RULES = "rule codes or prefixes"
_SLOTS = "qualified names or tables"

#: Every option, in the order `--show-settings` and the docs list them.
OPTIONS: tuple[Option, ...] = (
    Option("include", [], _array(_string, "paths or globs"),
           "paths or globs analyzed when none are given on the command line ([] = .)",
           "tuple[str, ...]", convert=tuple, coerce=_strings, key=list, relative="paths"),
    # order decides which of two same-named modules wins: `include` is keyed in order
    Option("exclude", [], _array(_string, "globs"), "globs of files and folders to skip",
           "tuple[str, ...]", convert=tuple, coerce=_strings, key=sorted,
           flags=("--exclude",), kind="append", metavar="GLOB",
           flag_help="skip files and folders matching GLOB (repeatable)"),
    Option("select", [], _array(_rule_pattern, _RULES), "rule codes or prefixes to report ([] = the default rules)",
           "tuple[str, ...]", convert=tuple, coerce=_strings, key=sorted,
           flags=("--select",), kind="csv", metavar="CODES",
           flag_help="only these rule codes or prefixes (e.g. AA101,AA107)"),
    Option("ignore", [], _array(_rule_pattern, _RULES), "rule codes or prefixes to drop",
           "tuple[str, ...]", convert=tuple, coerce=_strings, key=sorted,
           flags=("--ignore",), kind="csv", metavar="CODES", flag_help="skip these rule codes or prefixes"),
    Option("fail-on", "low", _severity, "exit 1 only for findings at or above this severity", "Severity",
           convert=_to_severity, flags=("--fail-on",), metavar="SEVERITY", commands=("check",),
           flag_help="exit 1 only for findings at or above this severity (default: low)"),
    Option("extra-sinks", {}, _extra_sinks, "more blocking calls: qualname -> {category, severity?, advice?}",
           "dict[str, Sink]", convert=_to_sinks, coerce=lambda v, where: dict(v), more=_sink_severities,
           key=lambda v: sorted([s.qualname, s.category, s.alternative] for s in v.values())),
    Option("extra-offloaders", [], _array(_slot, _SLOTS),
           "calls that run a callable off the loop: qualname or {qualname?, method?, arg?, keyword?}",
           "tuple[CallableSlot, ...]", convert=_to_slots, coerce=_tupled,
           key=lambda v: sorted(_slot_key(s) for s in v)),
    Option("extra-registrars", [], _array(_slot, _SLOTS),
           "calls that schedule a callable on the loop (same shape as extra-offloaders)",
           "tuple[CallableSlot, ...]", convert=_to_slots, coerce=_tupled,
           key=lambda v: sorted(_slot_key(s) for s in v)),
    Option("loop-decorators", [], _array(_qualname, "qualified names"),
           "decorators marking a sync function as run on the event loop",
           "frozenset[str]", convert=frozenset, coerce=_frozen, key=sorted),
    Option("entry-points", [], _array(_qualname, "qualified names"),
           "sync entry points, which may call asyncio.run()",
           "frozenset[str]", convert=frozenset, coerce=_frozen, key=sorted),
    Option("severity-overrides", {}, _severity_overrides, "rule code or category -> severity",
           "dict[str, Severity]", convert=_to_overrides, coerce=_overrides, key=_severity_key),
    Option("python", None, _string,
           "the audited environment's virtualenv (read from its files, never run; default: VIRTUAL_ENV, "
           "CONDA_PREFIX, .venv/ or venv/ in the project)",
           "str | None", key=_same, flags=("--python",), metavar="PATH", relative="command",
           flag_help="the audited environment, a virtualenv folder or an interpreter: calls into its "
                     "installed packages are followed into their source.  A venv is read from its files; "
                     "only another interpreter is run (python -I -S, to print its paths).  Default: "
                     "VIRTUAL_ENV, CONDA_PREFIX, or .venv/ or venv/ in the project"),
    Option("follow-libraries", True, _bool, "follow calls into installed third-party packages", "bool",
           key=_same, flags=("--no-libraries",), kind="off",
           flag_help="do not follow calls into installed third-party packages"),
    Option("jobs", 0, _count, "worker processes (0 = all cores)", "int",
           flags=("--jobs", "-j"), kind="int", flag_help="worker processes (default: all cores)"),
    Option("cache", True, _bool, "read and write the cache", "bool",
           flags=("--no-cache",), kind="off", flag_help="do not read or write .asyncaudit_cache/"),
    Option("cache-dir", ".asyncaudit_cache", _string,
           "where the cache lives (from the analyzed tree's own file: only inside its root or the current directory)",
           "str", relative="path", flags=("--cache-dir",), metavar="DIR",
           flag_help="where the cache lives (default: .asyncaudit_cache in the current directory)"),
    Option("fix-offloader", "auto", _fix_offloader,
           f"what `check --fix` offloads with: {' | '.join(FIX_OFFLOADERS)}", "str"),
    # order is search order
    Option("source-roots", [], _array(_string, "folders"),
           "folders imports are searched in, besides the roots found by themselves",
           "tuple[str, ...]", convert=tuple, coerce=_strings, key=list, relative="paths",
           flags=("--source-root",), kind="append", metavar="DIR",
           flag_help="also search imports in DIR, like a folder on sys.path (repeatable)"),
    Option("test-paths", ["tests/", "test/", "test_*.py", "*_test.py", "conftest.py"], _array(_string, "globs"),
           "which files are test code, by path", "tuple[str, ...]", convert=tuple, coerce=_strings, key=sorted),
    # ruff's conventions: extend the lists above without restating them
    Option("extend-select", [], _array(_rule_pattern, _RULES),
           "rule codes or prefixes reported besides `select` (or the default rules)",
           "tuple[str, ...]", convert=tuple, coerce=_strings, key=sorted, extend=True,
           flags=("--extend-select",), kind="csv", metavar="CODES",
           flag_help="also report these rule codes or prefixes (adds to select and the configuration's "
                     "extend-select)"),
    Option("extend-exclude", [], _array(_string, "globs"), "globs of files and folders skipped besides `exclude`",
           "tuple[str, ...]", convert=tuple, coerce=_strings, key=sorted, extend=True,
           flags=("--extend-exclude",), kind="append", metavar="GLOB",
           flag_help="also skip files and folders matching GLOB (adds to exclude; repeatable)"),
    # applied to the result after the run cache (its paths are relative to the file's
    # folder, which the fingerprint does not know), so it has no key
    Option("per-file-ignores", {}, _per_file_ignores,
           "glob -> rule codes or prefixes not reported in the files it matches (relative to the "
           "configuration file's folder)",
           "dict[str, tuple[str, ...]]", convert=_to_per_file, coerce=_per_file_coerce),
    Option("respect-gitignore", True, _bool, "skip the files and folders .gitignore lists (in a git work tree)",
           "bool", key=_same, flags=("--no-respect-gitignore",), kind="off",
           flag_help="also analyze the files and folders .gitignore lists"),
)

BY_NAME: dict[str, Option] = {o.name: o for o in OPTIONS}

#: Every option with its default (TOML-shaped), in table order.
DEFAULTS: dict[str, object] = {o.name: o.default for o in OPTIONS}

_VALIDATORS: dict[str, Validator] = {o.name: o.check for o in OPTIONS}


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


_MAX_TOML_BYTES = 16 * 1024 * 1024
def _parse_toml(data: bytes, name: str | None) -> dict[str, Any]:
    """tomllib on bytes; every failure (nesting too deep included) is one ConfigError line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"invalid TOML: not UTF-8 ({exc.reason} at byte {exc.start})", path=name) from None
    try:
        return load_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {_one_line(str(exc))}", path=name) from None
    except RecursionError:
        # a value nested tens of thousands of levels deep: tomllib's recursion ends here, not the run
        raise ConfigError("invalid TOML: values nested too deeply", path=name) from None


def _read_toml(file: str | os.PathLike[str] | IO[bytes]) -> tuple[dict[str, Any], str | None]:
    """Parsed TOML and the file's name (None for an anonymous stream)."""
    if isinstance(file, (str, os.PathLike)):
        name: str | None = os.fspath(file)
        try:
            # a regular file within the size limit only: a FIFO or an 8 GiB file here must
            # not hang the run or exhaust memory
            data = read_source(file, _MAX_TOML_BYTES)
        except SourceError as exc:
            raise ConfigError(f"cannot read: {exc.strerror}", path=name) from None
        except OSError as exc:
            raise ConfigError(f"cannot read: {exc.strerror or exc}", path=name) from None
        return _parse_toml(data, name), name
    name = getattr(file, "name", None)
    name = name if isinstance(name, str) else None
    return _parse_toml(file.read(_MAX_TOML_BYTES + 1), name), name


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

    An option is replaced as a whole: `--exclude x` or `--select AA101` on the command
    line replaces the file's `exclude`/`select` list rather than extending it; only the
    options marked `extend` in the table (the `extend-*` ones) add to the file's list.

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
        name = key.replace("_", "-")
        option = BY_NAME.get(name)
        if option is None:
            raise ValueError(f"unknown command-line option {key!r}{_suggest(name, list(DEFAULTS))}")
        # None too: no option can be set to None from the command line, and argparse
        # reports an absent `--python` as None
        if value is MISSING or value is None:
            continue
        checked = option.check(_cli_value(value), f"--{name}")
        merged[name] = [*merged[name], *checked] if option.extend else checked  # type: ignore[misc]
    return merged


# --------------------------------------------------------------------------------------
# The analysis configuration
# --------------------------------------------------------------------------------------

def _option_fields(cls: type) -> type:
    """Make `cls` a dataclass with one field per option of the table (in table order),
    followed by the fields the class itself declares."""
    own = dict(cls.__dict__.get("__annotations__", {}))
    fields: dict[str, object] = {}
    for o in OPTIONS:
        fields[o.attr] = o.annotation
        # a fresh value per instance: several defaults are mutable
        setattr(cls, o.attr, field(default_factory=partial(_field_default, o)))
    fields.update(own)
    cls.__annotations__ = fields
    return dataclass(slots=True)(cls)


def _field_default(option: Option) -> object:
    return option.convert(copy.deepcopy(option.default))


@_option_fields
class Config:
    """Analysis options, as the pipeline consumes them (built by `make_config`).

    `Config()` is the all-defaults configuration; every field can also be set directly.
    There is one field per option of `OPTIONS` (`fail-on` is `fail_on`, a Severity;
    `extra-sinks` holds catalog Sinks; offloaders and registrars hold CallableSlots),
    then the fields below, which no configuration file sets.
    """

    extra_sink_severity: dict[str, Severity] = field(default_factory=dict)  # from extra-sinks, only where set
    source: Path | None = None  # the configuration file used, if any
    # `python` may be run as an interpreter only when the user gave it (command line, API);
    # from a configuration file it must name a virtualenv, read and never executed
    python_explicit: bool = True
    notes: tuple[str, ...] = ()  # one-line warnings about the configuration itself (refused values)
    # option -> where its value came from ("default", the file, "--flag"), by make_config
    origins: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for o in OPTIONS:
            setattr(self, o.attr, o.coerce(getattr(self, o.attr), f"Config.{o.attr}"))

    @classmethod
    def from_pyproject(cls, paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] = (),
                       **options: object) -> Config:
        """The configuration the command line would use for `paths`.

        Args:
            paths: A `pyproject.toml` (or other TOML file with the table) to read, or the
                analyzed paths: the nearest `pyproject.toml` with a `[tool.asyncaudit]`
                table is searched from the first one up (from the current directory when
                empty).  No such file: the defaults.
            **options: Values over the file's, by option name in snake_case
                (`select=["AA107"]`, `follow_libraries=False`), checked as command-line
                values are.

        Raises:
            ConfigError: The file is unreadable or invalid, or an option value is.
        """
        given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        explicit = len(given) == 1 and os.path.isfile(given[0]) and os.fspath(given[0]).endswith(".toml")
        return make_config([] if explicit else given, options, given[0] if explicit else None)

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
            A stable sha256 hex digest of every option whose table entry has a `key`
            (`jobs`, `cache`, `cache-dir`, `fail-on` and `fix-offloader` have none: they
            do not change what the analysis finds) and `extra_sink_severity`; `source` is
            left out.  The tool's own version is not part of it: a cache must key on that
            separately.
        """
        doc: dict[str, object] = {"v": 1}
        for o in OPTIONS:
            if o.key is not None:
                doc[o.attr] = o.key(getattr(self, o.attr))
        doc["extra_sink_severity"] = _severity_key(self.extra_sink_severity)
        text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _near(path: str) -> str:
    """`path` relative to the current directory if it lies below it, else unchanged."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return path if rel == ".." or rel.startswith(".." + os.sep) else rel


def from_options(options: Mapping[str, object], source: Path | None = None) -> Config:
    """Build the Config from validated options (the output of `load` or `merge`).

    Args:
        options: Options by kebab-case name; missing ones take their DEFAULTS value.
        source: The configuration file they came from, recorded on the Config.

    Returns:
        The Config; each option converted by its table entry (severities become Severity
        members, extra sinks catalog Sinks with the advice as their `alternative`,
        offloader/registrar entries CallableSlots).
    """
    given: dict[str, Any] = {**DEFAULTS, **options}
    values: dict[str, Any] = {}
    for o in OPTIONS:
        value = given[o.name]
        values[o.attr] = o.convert(value)
        if o.more is not None:
            values.update(o.more(value))
    return Config(**values, source=source)


def _relative_to(base: Path, options: dict[str, object]) -> None:
    """Resolve the file's relative paths (the options marked `relative`) against `base`."""
    def resolve(p: str) -> str:
        p = os.path.expanduser(p)
        return p if os.path.isabs(p) else os.path.normpath(os.path.join(base, p))

    for o in OPTIONS:
        value = options[o.name]
        if o.relative == "paths":
            options[o.name] = [resolve(p) for p in value]  # type: ignore[union-attr]
        elif o.relative == "path":
            options[o.name] = resolve(value)  # type: ignore[arg-type]
        # like a shell: a bare command name (`python3`) is looked up on PATH, not in `base`
        elif o.relative == "command" and isinstance(value, str) and (
                os.sep in value or "/" in value or value.startswith("~")):
            options[o.name] = resolve(value)


def make_config(paths: Sequence[str | os.PathLike[str]], cli_options: Mapping[str, object],
                config_file: str | os.PathLike[str] | None = None) -> Config:
    """Find, load and merge the configuration for analyzing `paths`.

    Args:
        paths: The paths given on the command line (the search starts at the first).
        cli_options: Command-line options, as for `merge`.
        config_file: An explicit `--config` file; it is not searched for, and it must
            have the `[tool.asyncaudit]` table (ConfigError otherwise).

    Returns:
        The Config, with `source` set to the file used (None if none was found).  The
        file's relative `include`, `cache-dir` (including the default one) and
        `python` are resolved against the file's folder; command-line values are left
        relative to the current directory.

    Raises:
        ConfigError: The file is unreadable, not TOML, or invalid, an explicit file has
            no table, or a command-line value is invalid.
    """
    source = Path(config_file) if config_file is not None else find_config(paths)
    if config_file is not None and _section(_read_toml(source)[0]) is None:
        # a file given on purpose that configures nothing is a mistake, not "all defaults"
        raise ConfigError("no [tool.asyncaudit] table: nothing to read (add the table, or drop --config)",
                          path=source)
    file_options = load(source)
    explicit_cache = source is not None and _sets(source, "cache-dir")
    notes: list[str] = []
    if source is not None:
        _relative_to(source.resolve().parent, file_options)
        if not explicit_cache:  # the default cache lives where the user is, never in the tree
            file_options["cache-dir"] = DEFAULTS["cache-dir"]
        elif (config_file is None and cli_options.get("cache_dir", cli_options.get("cache-dir", MISSING))
              in (MISSING, None) and not os.environ.get("ASYNCAUDIT_CACHE_DIR")):
            # found in the analyzed tree, and the value is the one used: its writes stay in
            # its root or here, else the default cache (here) is used instead, with one line
            refused = _refused_cache_dir(str(file_options["cache-dir"]), source)
            if refused:
                notes.append(refused)
                file_options["cache-dir"] = DEFAULTS["cache-dir"]
    config = from_options(merge(file_options, cli_options), source)
    config.python_explicit = cli_options.get("python", MISSING) not in (MISSING, None)
    config.notes = tuple(notes)
    config.origins = _origins(source, cli_options)
    return config


def _origins(source: Path | None, cli_options: Mapping[str, object]) -> dict[str, str]:
    """Where each option's value came from: "default", the file's name, or the flag."""
    out = {o.name: "default" for o in OPTIONS}
    if source is not None:
        table = _section(_read_toml(source)[0])
        for key in table if isinstance(table, dict) else ():
            out[key.replace("_", "-")] = os.fspath(source)
    for key, value in cli_options.items():
        name = key.replace("_", "-")
        if value is not MISSING and value is not None:
            flag = BY_NAME[name].flags[0] if BY_NAME[name].flags else f"--{name}"
            out[name] = f"{flag} (and {out[name]})" if BY_NAME[name].extend and out[name] != "default" else flag
    return out


def _toml(value: object) -> str:
    """A settings value in TOML syntax (Config values turned back into what a file holds)."""
    if isinstance(value, enum.Enum):
        return json.dumps(value.name.lower())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (str, os.PathLike)):
        return json.dumps(os.fspath(value), ensure_ascii=False)
    if isinstance(value, Sink):
        return _toml({"category": value.category, **({"advice": value.alternative} if value.alternative else {})})
    if isinstance(value, CallableSlot):
        return _toml({k: v for k, v in (("qualname", value.qualname), ("method", value.method), ("arg", value.arg),
                                        ("keyword", value.keyword)) if v is not None})
    if isinstance(value, Mapping):
        items = ", ".join(f"{k if _BARE_KEY.fullmatch(k) else json.dumps(k)} = {_toml(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    if isinstance(value, (frozenset, set)):
        value = sorted(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value))


def show_settings(config: Config, paths: Sequence[str] = ()) -> str:
    """`--show-settings`: the merged configuration, one TOML line per option, each with
    where its value came from (ruff's flag of the same name)."""
    lines = [f"# configuration file: {config.source if config.source is not None else '(none found)'}"]
    if paths:
        lines.append(f"# paths: {' '.join(paths)}")
    lines.append("[tool.asyncaudit]")
    rows = []
    for o in OPTIONS:
        value = getattr(config, o.attr)
        if o.name == "extra-sinks":  # the severity lives apart on the Config
            value = {q: {**_sink_table(s), **({"severity": config.extra_sink_severity[q].name.lower()}
                                              if q in config.extra_sink_severity else {})} for q, s in value.items()}
        text = f"{o.name} = {_toml(value)}" if value is not None else f"# {o.name} is not set"
        rows.append((text, config.origins.get(o.name, "default")))
    width = min(max(len(t) for t, _ in rows), 60)
    lines.extend(f"{t:<{width}}  # {origin}" for t, origin in rows)
    return "\n".join(lines) + "\n"


def _sink_table(s: Sink) -> dict[str, str]:
    return {"category": s.category, **({"advice": s.alternative} if s.alternative else {})}


def _sets(source: Path, option: str) -> bool:
    """Whether the file's `[tool.asyncaudit]` table gives `option` itself (either spelling)."""
    table = _section(_read_toml(source)[0])
    return isinstance(table, dict) and (option in table or option.replace("-", "_") in table)


def _inside(path: str, folder: str) -> bool:
    p, f = os.path.realpath(path), os.path.realpath(folder)
    return p == f or p.startswith(f.rstrip(os.sep) + os.sep)


def _refused_cache_dir(cache_dir: str, source: Path) -> str | None:
    """Why a `cache-dir` from a configuration found in the analyzed tree is refused, or None.

    It must stay inside that project's root or the current directory (symlinks resolved):
    an analyzed tree must not choose where asyncaudit writes."""
    root = str(source.resolve().parent)
    if _inside(cache_dir, root) or _inside(cache_dir, os.getcwd()):
        return None
    return (f"cache-dir {cache_dir!r} is outside the project root and the current directory; refused, "
            "the default cache is used (choose another with --cache-dir, ASYNCAUDIT_CACHE_DIR or --config)")


# --------------------------------------------------------------------------------------
# The command line, from the table
# --------------------------------------------------------------------------------------

def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def add_arguments(parser: argparse.ArgumentParser, command: str) -> None:
    """Add the flag of every option the table gives one for `command` to `parser`.

    Flags not given are MISSING (None for repeatable ones), so `merge` leaves the file's
    value; values are checked by the option's validator in `merge`, whose message names
    the flag.
    """
    for o in OPTIONS:
        if not o.flags or command not in o.commands:
            continue
        kw: dict[str, Any] = {"dest": o.attr, "default": MISSING, "help": o.flag_help or o.help}
        if o.kind == "off":
            kw.update(action="store_const", const=False)
        elif o.kind == "append":
            kw.update(action="append", default=None)  # argparse appends to a copy of the default
        elif o.kind == "csv":
            kw.update(type=_csv)
        elif o.kind == "int":
            kw.update(type=int)
        if o.metavar and o.kind != "off":
            kw["metavar"] = o.metavar
        parser.add_argument(*o.flags, **kw)


def cli_options(args: argparse.Namespace) -> dict[str, object]:
    """The table's options as parsed by a parser `add_arguments` built, for `merge`."""
    return {o.name: getattr(args, o.attr, MISSING) for o in OPTIONS if o.flags}


__all__ = [
    "BY_NAME",
    "DEFAULTS",
    "FIX_OFFLOADERS",
    "MISSING",
    "OPTIONS",
    "SEVERITIES",
    "Config",
    "ConfigError",
    "Option",
    "add_arguments",
    "cli_options",
    "find_config",
    "from_options",
    "load",
    "make_config",
    "merge",
    "override_code",
    "show_settings",
    "validate",
]
