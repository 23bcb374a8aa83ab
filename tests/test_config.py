"""Configuration, layer by layer: DEFAULTS, validation, find_config, load, merge, Config."""

from __future__ import annotations

import dataclasses
import io
import os
from pathlib import Path

import pytest

from asyncaudit import config as cfg
from asyncaudit.catalog.blocking import CATEGORIES, Sink
from asyncaudit.catalog.loop import CallableSlot
from asyncaudit.config import DEFAULTS, MISSING, Config, ConfigError
from asyncaudit.model import Severity

# The example for the README: every option, each with a realistic value.
README_EXAMPLE = """\
[tool.asyncaudit]
include = ["src", "scripts/*.py"]     # analyzed when no PATH is given (default: ".")
exclude = ["tests/fixtures", "*_pb2.py"]
select = ["AA1", "AA201"]             # rule codes or prefixes (default: all)
ignore = ["AA109"]
fail-on = "medium"                    # low | medium | high | critical
python = ".venv/bin/python"           # the audited environment: a virtualenv, read, never run
follow-libraries = true
jobs = 0                              # 0 = all cores
cache = true
cache-dir = ".asyncaudit_cache"
fix-offloader = "auto"                # check --fix: auto | asyncio | executor | anyio | trio | hass
source-roots = ["apps", "vendor"]     # folders imports are searched in, besides the roots found by themselves
test-paths = ["tests/", "test/", "test_*.py", "*_test.py", "conftest.py"]  # test code (the default):
                                      # a folder on the way (`x/`), a path glob (`a/*/b`) or a file name glob
extend-select = ["AA303"]             # reported besides select (or the default rules)
extend-exclude = ["generated"]        # skipped besides exclude
respect-gitignore = true              # skip what .gitignore lists (inside a git work tree)
# sync functions that run on the event loop, and sync entry points that may call asyncio.run()
loop-decorators = ["myapp.events.on_loop"]
entry-points = ["myapp.cli.main"]
# your own offloaders and loop-callback registrars: a qualified name (the callable is
# argument 0), or a table with qualname and/or method, arg and keyword
extra-offloaders = [
    "myapp.workers.run_blocking",
    { method = "defer_to_thread", arg = 1, keyword = "func" },
]
extra-registrars = [
    { qualname = "myapp.events.Bus.subscribe", arg = 1, keyword = "handler" },
]

[tool.asyncaudit.severity-overrides]  # rule code or category -> severity
fsmeta = "medium"
AA106 = "high"

[tool.asyncaudit.extra-sinks]         # your own blocking APIs: qualified name -> category
"vendor_sdk.Client.fetch" = { category = "network", advice = "use vendor_sdk.AsyncClient.fetch" }
"myapp.storage.Store.flush" = { category = "file", severity = "high" }

[tool.asyncaudit.per-file-ignores]    # glob (relative to this file's folder, as exclude) -> codes
"scripts/*" = ["AA107", "AA109"]
"""


def load_text(text: str) -> dict[str, object]:
    return cfg.load(io.BytesIO(text.encode("utf-8")))


def table(body: str) -> dict[str, object]:
    return load_text("[tool.asyncaudit]\n" + body)


def error_of(body: str) -> str:
    with pytest.raises(ConfigError) as info:
        table(body)
    return str(info.value)


# --------------------------------------------------------------------------------------
# DEFAULTS
# --------------------------------------------------------------------------------------

def test_defaults_list_every_option_once() -> None:
    assert list(DEFAULTS) == [
        "include", "exclude", "select", "ignore", "fail-on", "extra-sinks", "extra-offloaders",
        "extra-registrars", "loop-decorators", "entry-points", "severity-overrides", "python",
        "follow-libraries", "jobs", "cache", "cache-dir", "fix-offloader", "source-roots", "test-paths",
        "extend-select", "extend-exclude", "per-file-ignores", "respect-gitignore",
    ]
    assert DEFAULTS["fail-on"] == "low" and DEFAULTS["follow-libraries"] is True
    assert DEFAULTS["jobs"] == 0 and DEFAULTS["cache"] is True and DEFAULTS["python"] is None
    assert DEFAULTS["cache-dir"] == ".asyncaudit_cache"


def test_every_default_passes_its_own_validation() -> None:
    given = {k: v for k, v in DEFAULTS.items() if v is not None}
    assert cfg.validate(given) == given


def test_load_without_file_or_table_is_defaults_and_a_fresh_copy() -> None:
    assert cfg.load(None) == DEFAULTS
    assert load_text("[project]\nname = 'x'\n") == DEFAULTS
    assert load_text("") == DEFAULTS
    got = cfg.load(None)
    got["exclude"].append("x")  # type: ignore[union-attr]
    assert DEFAULTS["exclude"] == []


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------

def test_valid_values_are_normalized() -> None:
    got = table('fail-on = "HIGH"\nselect = ["aa10"]\nignore = ["AA109"]\njobs = 4\n'
                'severity-overrides = { fsmeta = "Medium", aa106 = "critical" }\n'
                'extra-offloaders = ["mylib.run", { method = "defer", arg = 1 }]\n')
    assert got["fail-on"] == "high"
    assert got["select"] == ["AA10"] and got["ignore"] == ["AA109"]
    assert got["jobs"] == 4
    assert got["severity-overrides"] == {"AA109": "medium", "AA106": "critical"}
    assert got["extra-offloaders"] == [
        {"qualname": "mylib.run", "method": None, "arg": 0, "keyword": None},
        {"qualname": None, "method": "defer", "arg": 1, "keyword": None},
    ]


def test_snake_case_spelling_is_an_alias() -> None:
    assert table('fail_on = "high"\nfollow_libraries = false\n')["follow-libraries"] is False
    assert "given twice" in error_of('fail_on = "high"\nfail-on = "low"\n')


@pytest.mark.parametrize(("body", "message"), [
    ('fail-on = "severe"',
     "tool.asyncaudit.fail-on: expected one of low, medium, high, critical, got 'severe'"),
    ("fail-on = 3", "tool.asyncaudit.fail-on: expected one of low, medium, high, critical, got 3"),
    ("jobs = true", "tool.asyncaudit.jobs: expected an integer, got true"),
    ("jobs = 2.0", "tool.asyncaudit.jobs: expected an integer, got 2.0"),
    ('jobs = "4"', "tool.asyncaudit.jobs: expected an integer, got '4'"),
    ("jobs = -1", "tool.asyncaudit.jobs: expected an integer >= 0, got -1"),
    ("cache = 1", "tool.asyncaudit.cache: expected true or false, got 1"),
    ('follow-libraries = "yes"', "tool.asyncaudit.follow-libraries: expected true or false, got 'yes'"),
    ('exclude = "tests"', "tool.asyncaudit.exclude: expected an array of globs, got 'tests'"),
    ("exclude = ['ok', 3]", "tool.asyncaudit.exclude[1]: expected a string, got 3"),
    ("include = ['']", "tool.asyncaudit.include[0]: expected a non-empty string"),
    ("select = ['XY1']", "tool.asyncaudit.select[0]: 'XY1' is no rule code or prefix"),
    ("ignore = ['AA1O7']", "tool.asyncaudit.ignore[0]: 'AA1O7' is no rule code or prefix (did you mean 'AA107'?)"),
    ("python = 3", "tool.asyncaudit.python: expected a string, got 3"),
    ("python = ''", "tool.asyncaudit.python: expected a non-empty string"),
    ("cache-dir = []", "tool.asyncaudit.cache-dir: expected a string, got an array"),
    ("loop-decorators = ['callback']",
     "tool.asyncaudit.loop-decorators[0]: expected a dotted qualified name such as 'package.module.name', "
     "got 'callback'"),
    ("entry-points = 'myapp.main'",
     "tool.asyncaudit.entry-points: expected an array of qualified names, got 'myapp.main'"),
    ("entry-points = ['myapp.1main']", "tool.asyncaudit.entry-points[0]: expected a dotted qualified name"),
    ("severity-overrides = ['AA109']", "tool.asyncaudit.severity-overrides: expected a table, got an array"),
    ('severity-overrides = { fsmet = "low" }',
     "tool.asyncaudit.severity-overrides.fsmet: unknown rule code or category 'fsmet' (did you mean 'fsmeta'?)"),
    ('severity-overrides = { AA109 = "severe" }',
     "tool.asyncaudit.severity-overrides.AA109: expected one of low, medium, high, critical, got 'severe'"),
    ('severity-overrides = { AA109 = "low", fsmeta = "high" }',
     "tool.asyncaudit.severity-overrides.fsmeta: AA109 is given twice"),
    ("extra-offloaders = [3]", "tool.asyncaudit.extra-offloaders[0]: expected a qualified name or a table"),
    ("extra-offloaders = ['run']", "tool.asyncaudit.extra-offloaders[0]: expected a dotted qualified name"),
    ("extra-offloaders = [{ arg = 1 }]", "tool.asyncaudit.extra-offloaders[0]: needs 'qualname' or 'method'"),
    ("extra-offloaders = [{ method = 'defer', arg = true }]",
     "tool.asyncaudit.extra-offloaders[0].arg: expected an integer, got true"),
    ("extra-registrars = [{ method = 'a.b' }]",
     "tool.asyncaudit.extra-registrars[0].method: expected a Python identifier, got 'a.b'"),
    ("extra-registrars = [{ method = 'on', keywrd = 'cb' }]",
     "tool.asyncaudit.extra-registrars[0]: unknown key 'keywrd' (did you mean 'keyword'?)"),
    ("extra-sinks = ['mylib.fetch']", "tool.asyncaudit.extra-sinks: expected a table, got an array"),
    ('extra-sinks = { "mylib.fetch" = "network" }',
     'tool.asyncaudit.extra-sinks."mylib.fetch": expected a table such as { category = "network" }, '
     "got 'network'"),
    ('extra-sinks = { "mylib.fetch" = { category = "net" } }',
     'tool.asyncaudit.extra-sinks."mylib.fetch".category: unknown category \'net\''),
    ('extra-sinks = { "mylib.fetch" = { category = 1 } }',
     'tool.asyncaudit.extra-sinks."mylib.fetch".category: expected a string, got 1'),
    ('extra-sinks = { "mylib.fetch" = { severity = "high" } }',
     'tool.asyncaudit.extra-sinks."mylib.fetch": missing key \'category\''),
    ('extra-sinks = { "mylib.fetch" = { category = "network", severity = "urgent" } }',
     'tool.asyncaudit.extra-sinks."mylib.fetch".severity: expected one of low, medium, high, critical, '
     "got 'urgent'"),
    ('extra-sinks = { "mylib.fetch" = { category = "network", advise = "x" } }',
     'tool.asyncaudit.extra-sinks."mylib.fetch": unknown key \'advise\' (did you mean \'advice\'?)'),
    ('extra-sinks = { "mylib.fetch" = { category = "network", advice = 1 } }',
     'tool.asyncaudit.extra-sinks."mylib.fetch".advice: expected a string, got 1'),
    ('extra-sinks = { fetch = { category = "network" } }',
     "tool.asyncaudit.extra-sinks.fetch: the key must be a dotted qualified name"),
    ('exlude = ["x"]', "tool.asyncaudit: unknown key 'exlude' (did you mean 'exclude'?)"),
    ("cache_directory = 'x'", "tool.asyncaudit: unknown key 'cache_directory' (did you mean 'cache-dir'?)"),
    ("zzz = 1", "tool.asyncaudit: unknown key 'zzz'"),
])
def test_invalid_values_name_their_key(body: str, message: str) -> None:
    assert error_of(body).startswith(message)


def test_unknown_key_without_a_close_match_has_no_suggestion() -> None:
    assert error_of("zzz = 1") == "tool.asyncaudit: unknown key 'zzz'"


def test_unknown_category_lists_the_choices() -> None:
    message = error_of('extra-sinks = { "mylib.fetch" = { category = "net" } }')
    assert message.endswith(f"(choose from {', '.join(CATEGORIES)})")


def test_section_that_is_not_a_table() -> None:
    with pytest.raises(ConfigError, match=r"^tool.asyncaudit: expected a table, got 3$"):
        load_text("tool.asyncaudit = 3\n")


def test_error_from_a_file_names_the_file(tmp_path: Path) -> None:
    f = tmp_path / "pyproject.toml"
    f.write_text('[tool.asyncaudit]\nfail-on = "severe"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        cfg.load(f)
    assert str(info.value) == (f"{f}: tool.asyncaudit.fail-on: expected one of low, medium, high, critical, "
                               "got 'severe'")
    assert info.value.path == str(f)
    assert info.value.message.startswith("tool.asyncaudit.fail-on:")


# --------------------------------------------------------------------------------------
# find_config and reading files
# --------------------------------------------------------------------------------------

def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_find_config_walks_up_past_a_pyproject_without_the_table(tmp_path: Path) -> None:
    top = write(tmp_path / "pyproject.toml", "[tool.asyncaudit]\njobs = 2\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")
    module = write(tmp_path / "pkg" / "src" / "pkg" / "mod.py", "")
    assert cfg.find_config([module]) == top  # a file: start at its folder
    assert cfg.find_config([module.parent]) == top  # a folder: start there
    assert cfg.find_config([str(tmp_path / "pkg")]) == top


def test_find_config_takes_the_nearest_and_uses_the_first_path(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.asyncaudit]\n")
    inner = write(tmp_path / "a" / "pyproject.toml", "[tool.asyncaudit]\njobs = 1\n")
    (tmp_path / "b").mkdir()
    assert cfg.find_config([tmp_path / "a", tmp_path / "b"]) == inner
    assert cfg.find_config([tmp_path / "b", tmp_path / "a"]) == tmp_path / "pyproject.toml"


def test_find_config_defaults_to_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = write(tmp_path / "pyproject.toml", "[tool.asyncaudit]\n")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert cfg.find_config([]) == found


def test_find_config_none_without_the_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.other]\nx = 1\n")
    got = cfg.find_config([tmp_path])
    # a pyproject.toml above tmp_path (outside the test's control) could only be a real one
    assert got is None or tmp_path not in got.parents


def test_find_config_invalid_toml_names_the_file(tmp_path: Path) -> None:
    bad = write(tmp_path / "pyproject.toml", "[tool.asyncaudit\njobs = 1\n")
    write(tmp_path / "deeper" / "x.py", "")
    with pytest.raises(ConfigError) as info:
        cfg.find_config([tmp_path / "deeper" / "x.py"])
    message = str(info.value)
    assert message.startswith(f"{bad}: invalid TOML: ")
    assert "\n" not in message and "line 1" in message


def test_invalid_utf8_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "pyproject.toml"
    bad.write_bytes(b"[tool.asyncaudit]\nx = '\xff'\n")
    with pytest.raises(ConfigError, match="invalid TOML: not UTF-8"):
        cfg.load(bad)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_unreadable_pyproject_is_a_config_error(tmp_path: Path) -> None:
    f = write(tmp_path / "pyproject.toml", "[tool.asyncaudit]\n")
    f.chmod(0)
    try:
        with pytest.raises(ConfigError, match=r"pyproject.toml: cannot read: Permission denied"):
            cfg.find_config([tmp_path])
    finally:
        f.chmod(0o644)


def test_load_invalid_toml_stream() -> None:
    with pytest.raises(ConfigError, match=r"^invalid TOML: "):
        load_text("[tool.asyncaudit]\njobs = \n")


# --------------------------------------------------------------------------------------
# merge
# --------------------------------------------------------------------------------------

def test_merge_precedence_cli_over_file_over_defaults() -> None:
    file_options = table('fail-on = "high"\njobs = 2\nexclude = ["build"]\nselect = ["AA101"]\n')
    got = cfg.merge(file_options, {"jobs": 8, "fail_on": MISSING, "exclude": MISSING, "select": ("AA107",)})
    assert got["jobs"] == 8  # CLI
    assert got["fail-on"] == "high" and got["exclude"] == ["build"]  # file
    assert got["select"] == ["AA107"]  # CLI replaces the list, it does not extend it
    assert got["cache"] is True and got["cache-dir"] == ".asyncaudit_cache"  # defaults
    assert set(got) == set(DEFAULTS)


def test_merge_missing_differs_from_false_and_empty() -> None:
    file_options = table("follow-libraries = true\ncache = true\nexclude = ['build']\n")
    got = cfg.merge(file_options, {"follow-libraries": False, "cache": MISSING, "exclude": [], "python": None})
    assert got["follow-libraries"] is False  # a given False wins
    assert got["cache"] is True  # MISSING does not
    assert got["exclude"] == []  # an explicitly given empty list wins
    assert got["python"] is None  # None counts as not given


def test_merge_normalizes_and_validates_cli_values() -> None:
    got = cfg.merge({}, {"fail_on": Severity.CRITICAL, "python": Path("/usr/bin/python3"), "ignore": ("aa109",)})
    assert got["fail-on"] == "critical" and got["python"] == "/usr/bin/python3" and got["ignore"] == ["AA109"]
    with pytest.raises(ConfigError, match=r"^--jobs: expected an integer, got true$"):
        cfg.merge({}, {"jobs": True})
    with pytest.raises(ConfigError, match=r"^--select\[0\]: 'ZZ' is no rule code or prefix"):
        cfg.merge({}, {"select": ("ZZ",)})
    with pytest.raises(ValueError, match="unknown command-line option 'no_libraries'"):
        cfg.merge({}, {"no_libraries": True})


def test_merge_does_not_mutate_its_inputs() -> None:
    file_options = table("exclude = ['build']\n")
    cli = {"select": ["AA101"]}
    got = cfg.merge(file_options, cli)
    got["exclude"].append("more")  # type: ignore[union-attr]
    got["select"].append("AA102")  # type: ignore[union-attr]
    assert file_options["exclude"] == ["build"] and cli == {"select": ["AA101"]}


# --------------------------------------------------------------------------------------
# Config and make_config
# --------------------------------------------------------------------------------------

def test_config_default_construction_is_compatible() -> None:
    c = Config()
    assert (c.select, c.ignore, c.exclude, c.include) == ((), (), (), ())
    assert c.python is None and c.follow_libraries is True and c.jobs == 0
    assert c.fail_on is Severity.LOW and c.cache is True and c.cache_dir == ".asyncaudit_cache"
    assert c.extra_sinks == {} and c.extra_offloaders == () and c.loop_decorators == frozenset()
    assert c.source is None
    assert Config(follow_libraries=False).follow_libraries is False
    assert Config(exclude=["a", "b"]).exclude == ("a", "b")  # argparse `append` gives a list
    assert Config(severity_overrides={"fsmeta": Severity.HIGH}).severity_overrides == {"AA109": Severity.HIGH}
    with pytest.raises(TypeError):
        Config(select="AA101")  # type: ignore[arg-type]


def test_config_keeps_every_field_of_the_api_config() -> None:
    from asyncaudit import api

    if api.Config is Config:  # already wired
        return
    ours = {f.name: f for f in dataclasses.fields(Config)}
    for f in dataclasses.fields(api.Config):
        assert f.name in ours
        assert getattr(api.Config(), f.name) == getattr(Config(), f.name)


def test_all_defaults_give_the_default_config() -> None:
    assert cfg.from_options(cfg.load(None)) == Config()
    assert cfg.from_options({}) == Config()


def test_make_config_from_the_readme_example(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write(project / "pyproject.toml", README_EXAMPLE)
    module = write(project / "src" / "myapp" / "cli.py", "")
    c = cfg.make_config([module], {"jobs": 3, "fail_on": MISSING, "python": None})
    base = project.resolve()
    assert c.source == project / "pyproject.toml"
    assert c.include == (str(base / "src"), str(base / "scripts/*.py"))
    assert c.exclude == ("tests/fixtures", "*_pb2.py")  # globs matched during discovery: left as written
    assert c.select == ("AA1", "AA201") and c.ignore == ("AA109",)
    assert c.fail_on is Severity.MEDIUM
    assert c.python == str(base / ".venv/bin/python")
    assert c.follow_libraries is True and c.cache is True
    assert c.jobs == 3  # from the command line
    assert c.cache_dir == str(base / ".asyncaudit_cache")
    assert c.source_roots == (str(base / "apps"), str(base / "vendor"))  # relative to the file
    assert c.test_paths == Config().test_paths
    assert c.loop_decorators == frozenset({"myapp.events.on_loop"})
    assert c.entry_points == frozenset({"myapp.cli.main"})
    assert c.extra_offloaders == (CallableSlot("myapp.workers.run_blocking"),
                                  CallableSlot(method="defer_to_thread", arg=1, keyword="func"))
    assert c.extra_registrars == (CallableSlot("myapp.events.Bus.subscribe", arg=1, keyword="handler"),)
    assert c.severity_overrides == {"AA109": Severity.MEDIUM, "AA106": Severity.HIGH}
    assert c.extra_sinks == {
        "vendor_sdk.Client.fetch": Sink("vendor_sdk.Client.fetch", "network", "use vendor_sdk.AsyncClient.fetch"),
        "myapp.storage.Store.flush": Sink("myapp.storage.Store.flush", "file", ""),
    }
    assert c.extra_sink_severity == {"myapp.storage.Store.flush": Severity.HIGH}


def test_make_config_without_a_file_is_defaults_plus_cli(tmp_path: Path) -> None:
    c = cfg.make_config([tmp_path], {"select": ("AA104",)}, config_file=write(tmp_path / "empty.toml",
                                                                              "[tool.asyncaudit]\n"))
    assert c.select == ("AA104",) and c.source == tmp_path / "empty.toml"
    assert c.cache_dir == ".asyncaudit_cache"  # the default cache is where the user is, not by the file
    assert dataclasses.replace(c, select=(), source=None, python_explicit=True, origins=Config().origins) == Config()
    # a --config file without the table configures nothing: an error, never silently the defaults
    with pytest.raises(ConfigError, match=r"empty2.toml: no \[tool.asyncaudit\] table"):
        cfg.make_config([tmp_path], {}, config_file=write(tmp_path / "empty2.toml", ""))


def test_make_config_explicit_file_wins_over_search(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.asyncaudit]\njobs = 1\n")
    other = write(tmp_path / "conf" / "asyncaudit.toml", "[tool.asyncaudit]\njobs = 2\n")
    assert cfg.make_config([tmp_path], {}).jobs == 1
    assert cfg.make_config([tmp_path], {}, config_file=other).jobs == 2
    with pytest.raises(ConfigError, match="cannot read"):
        cfg.make_config([tmp_path], {}, config_file=tmp_path / "missing.toml")


def test_make_config_paths_relative_to_the_file_cli_paths_untouched(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASYNCAUDIT_CACHE_DIR", raising=False)
    write(tmp_path / "pyproject.toml",
          '[tool.asyncaudit]\npython = "python3"\ncache-dir = "/var/cache/aa"\ninclude = ["~/x"]\n')
    # found in the analyzed tree: a cache-dir outside its root and the current directory is refused
    c = cfg.make_config([tmp_path], {})
    assert c.cache_dir == ".asyncaudit_cache" and len(c.notes) == 1 and "outside the project root" in c.notes[0]
    c = cfg.make_config([tmp_path], {}, config_file=tmp_path / "pyproject.toml")  # the user's own choice
    assert c.python == "python3"  # a bare command is looked up on PATH
    assert c.cache_dir == "/var/cache/aa"
    assert c.include == (os.path.expanduser("~/x"),)
    c = cfg.make_config([tmp_path], {"python": "env/bin/python", "cache_dir": "here"})
    assert c.python == "env/bin/python" and c.cache_dir == "here"


def test_make_config_errors_name_file_and_key(tmp_path: Path) -> None:
    f = write(tmp_path / "pyproject.toml", "[tool.asyncaudit]\njobs = true\n")
    with pytest.raises(ConfigError) as info:
        cfg.make_config([tmp_path], {})
    assert str(info.value) == f"{f}: tool.asyncaudit.jobs: expected an integer, got true"


def test_targets_prefer_given_paths_then_include(tmp_path: Path) -> None:
    write(tmp_path / "scripts" / "a.py", "")
    write(tmp_path / "scripts" / "b.py", "")
    c = Config(include=(str(tmp_path / "src"), str(tmp_path / "scripts" / "*.py"), str(tmp_path / "none*")))
    assert c.targets(["x"]) == ["x"]
    assert c.targets() == [str(tmp_path / "src"), str(tmp_path / "scripts" / "a.py"),
                           str(tmp_path / "scripts" / "b.py"), str(tmp_path / "none*")]
    assert Config().targets() == ["."]


def test_targets_below_the_current_directory_are_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", '[tool.asyncaudit]\ninclude = ["src", "."]\n')
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path)
    c = cfg.make_config([], {})
    assert c.include == (str(tmp_path.resolve() / "src"), str(tmp_path.resolve()))
    assert c.targets() == ["src", "."]  # reports print paths as given: keep them short
    monkeypatch.chdir(tmp_path / "src")
    assert c.targets() == [".", str(tmp_path.resolve())]  # above the cwd: left absolute


# --------------------------------------------------------------------------------------
# fingerprint
# --------------------------------------------------------------------------------------

def test_fingerprint_is_stable_and_order_insensitive() -> None:
    a = Config(select=("AA101", "AA107"), loop_decorators=frozenset({"a.b", "c.d"}))
    b = Config(select=("AA107", "AA101"), loop_decorators=frozenset({"c.d", "a.b"}))
    assert a.fingerprint() == b.fingerprint()
    assert len(a.fingerprint()) == 64 and int(a.fingerprint(), 16) >= 0
    assert Config().fingerprint() == Config().fingerprint()


@pytest.mark.parametrize("change", [
    {"select": ("AA101",)},
    {"ignore": ("AA109",)},
    {"exclude": ("tests",)},
    {"include": ("src",)},
    {"python": "/usr/bin/python3"},
    {"follow_libraries": False},
    {"extra_sinks": {"a.b": Sink("a.b", "network")}},
    {"extra_sink_severity": {"a.b": Severity.HIGH}},
    {"extra_offloaders": (CallableSlot("a.b"),)},
    {"extra_registrars": (CallableSlot(method="on"),)},
    {"loop_decorators": frozenset({"a.deco"})},
    {"entry_points": frozenset({"a.main"})},
    {"severity_overrides": {"AA109": Severity.HIGH}},
    {"source_roots": ("apps",)},
    {"test_paths": ("qa/",)},
])
def test_fingerprint_changes_with_analysis_options(change: dict[str, object]) -> None:
    assert Config(**change).fingerprint() != Config().fingerprint()  # type: ignore[arg-type]


@pytest.mark.parametrize("change", [
    {"jobs": 7}, {"cache": False}, {"cache_dir": "elsewhere"}, {"fail_on": Severity.CRITICAL},
    {"source": Path("pyproject.toml")},
])
def test_fingerprint_ignores_options_that_do_not_change_results(change: dict[str, object]) -> None:
    assert Config(**change).fingerprint() == Config().fingerprint()  # type: ignore[arg-type]


def test_fingerprint_of_the_readme_example_differs_from_defaults(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", README_EXAMPLE)
    c = cfg.make_config([tmp_path], {})
    assert c.fingerprint() != Config().fingerprint()
    assert dataclasses.replace(c, jobs=5).fingerprint() == c.fingerprint()


# --------------------------------------------------------------------------------------
# The option table: everything else is derived from it
# --------------------------------------------------------------------------------------

def test_config_fields_are_the_table_then_the_fields_no_file_sets() -> None:
    names = [f.name for f in dataclasses.fields(Config)]
    assert names[:len(cfg.OPTIONS)] == [o.attr for o in cfg.OPTIONS]
    assert names[len(cfg.OPTIONS):] == ["extra_sink_severity", "source", "python_explicit", "notes", "origins"]
    assert list(DEFAULTS) == [o.name for o in cfg.OPTIONS]


def test_every_option_default_converts_to_its_config_default() -> None:
    fresh = Config()
    for o in cfg.OPTIONS:
        assert getattr(fresh, o.attr) == o.convert(o.default), o.name


def test_config_defaults_are_not_shared_between_instances() -> None:
    a, b = Config(), Config()
    a.extra_sinks["x.y"] = Sink("x.y", "network")
    assert b.extra_sinks == {}


def test_fingerprint_covers_exactly_the_options_with_a_key() -> None:
    # the options the table says change nothing must be the ones the cache may ignore
    assert {o.name for o in cfg.OPTIONS if o.key is None} == {"fail-on", "jobs", "cache", "cache-dir", "fix-offloader",
                                                             "per-file-ignores"}


def _parse(command: str, *argv: str) -> dict[str, object]:
    from asyncaudit.cli import build_parser

    return cfg.cli_options(build_parser().parse_args([command, *argv]))


def test_flags_not_given_leave_the_file_values() -> None:
    given = _parse("check")
    assert set(given) == {o.name for o in cfg.OPTIONS if o.flags and "check" in o.commands}
    assert cfg.merge({"select": ["AA107"], "jobs": 3}, given) == {**DEFAULTS, "select": ["AA107"], "jobs": 3}


@pytest.mark.parametrize(("argv", "option", "value"), [
    (["--select", "AA101,aa107"], "select", ["AA101", "AA107"]),
    (["--ignore", "AA109"], "ignore", ["AA109"]),
    (["--exclude", "a", "--exclude", "b/*"], "exclude", ["a", "b/*"]),
    (["--source-root", "apps"], "source-roots", ["apps"]),
    (["--fail-on", "HIGH"], "fail-on", "high"),
    (["--python", "/usr/bin/python3"], "python", "/usr/bin/python3"),
    (["--no-libraries"], "follow-libraries", False),
    (["--no-cache"], "cache", False),
    (["-j", "2"], "jobs", 2),
    (["--extend-select", "AA3"], "extend-select", ["AA3"]),
    (["--extend-exclude", "gen"], "extend-exclude", ["gen"]),
    (["--no-respect-gitignore"], "respect-gitignore", False),
])
def test_every_flag_reaches_its_option(argv: list[str], option: str, value: object) -> None:
    assert cfg.merge({}, _parse("check", *argv))[option] == value


def test_every_option_with_a_flag_is_tested_above() -> None:
    tested = {"select", "ignore", "exclude", "source-roots", "fail-on", "python", "follow-libraries", "cache",
              "jobs", "extend-select", "extend-exclude", "respect-gitignore"}
    assert {o.name for o in cfg.OPTIONS if o.flags} <= tested | {"cache-dir"}


def test_check_only_flags_are_not_offered_to_audit() -> None:
    assert _parse("audit")["fail-on"] is MISSING
    with pytest.raises(SystemExit):
        _parse("audit", "--fail-on", "high")


def test_a_bad_flag_value_is_named_by_its_flag() -> None:
    with pytest.raises(ConfigError, match=r"^--fail-on: expected one of low, medium, high, critical, got 'bogus'$"):
        cfg.merge({}, _parse("check", "--fail-on", "bogus"))
    with pytest.raises(ConfigError, match=r"^--select\[0\]: 'AA999' is no rule code or prefix"):
        cfg.merge({}, _parse("check", "--select", "AA999"))


def test_the_options_resolved_against_the_file() -> None:
    relative = {o.name for o in cfg.OPTIONS if o.relative}
    assert relative == {"include", "source-roots", "cache-dir", "python"}


def test_extend_options_add_to_the_file_instead_of_replacing() -> None:
    file = {"extend-select": ["AA301"], "extend-exclude": ["gen"], "select": ["AA1"]}
    got = cfg.merge(file, _parse("check", "--extend-select", "AA302", "--extend-exclude", "x", "--select", "AA2"))
    assert got["extend-select"] == ["AA301", "AA302"] and got["extend-exclude"] == ["gen", "x"]
    assert got["select"] == ["AA2"]  # select itself is still replaced


def test_per_file_ignores_are_validated() -> None:
    assert table('[tool.asyncaudit.per-file-ignores]\n"tests/*" = ["aa107"]\n')["per-file-ignores"] == {
        "tests/*": ["AA107"]}
    assert error_of('[tool.asyncaudit.per-file-ignores]\n"tests/*" = "AA107"\n') == (
        "tool.asyncaudit.per-file-ignores.\"tests/*\": expected an array of rule codes or prefixes, got 'AA107'")
    assert "'AA999' is no rule code" in error_of('[tool.asyncaudit.per-file-ignores]\n"x.py" = ["AA999"]\n')


def test_the_readme_configuration_block_is_this_example_and_lists_every_option() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "```toml\n" + README_EXAMPLE + "```" in readme
    for o in cfg.OPTIONS:
        assert f"\n{o.name} = " in README_EXAMPLE or f"[tool.asyncaudit.{o.name}]" in README_EXAMPLE, o.name
