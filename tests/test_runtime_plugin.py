"""The pytest plugin end to end, on a fixture project run by pytester.

tests/fixtures/runtime/blockapp: pytest-asyncio tests that exercise some blocking chains
and not others.  Expected: `read_config` (file), `check` (fsmeta) and the `call_soon`
callback `pause` (sleep) confirmed; `dynamic` (a helper reached through `getattr`, which
the static side cannot resolve) runtime-only; `never_run` (dirwalk) static-only;
`offloaded` (to_thread) and the sync test nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

FIXTURE = Path(__file__).parent / "fixtures" / "runtime" / "blockapp"
OUTCOMES = {"passed": 7}


@pytest.fixture
def app(pytester: pytest.Pytester) -> pytest.Pytester:
    for item in FIXTURE.iterdir():
        target = pytester.path / item.name
        if item.is_dir():
            shutil.copytree(item, target)
        else:
            shutil.copy(item, target)
    return pytester


def _run(app: pytest.Pytester, *args: str) -> pytest.RunResult:
    return app.runpytest("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning", *args)


def _lines(result: pytest.RunResult, expected: list[str]) -> None:
    """fnmatch_lines with `[` and `]` taken literally (`[High]`, `[time.sleep]`)."""
    result.stdout.fnmatch_lines(["".join({"[": "[[]", "]": "[]]"}.get(c, c) for c in line) for line in expected])


def _report(app: pytest.Pytester, name: str = "rt.json") -> dict:
    return json.loads((app.path / name).read_text())


def test_each_category_and_the_runtime_only_chain(app: pytest.Pytester) -> None:
    result = _run(app, "--asyncaudit", "--asyncaudit-report=rt.json")
    result.assert_outcomes(**OUTCOMES)
    assert result.ret == 0
    _lines(result, [
        "*asyncaudit runtime*",
        "3 confirmed, 1 runtime-only, 1 static-only (4 static findings; * in 4 test(s))",
        "runtime-only (the static analysis did not report these):",
        "src/blockapp/service.py:18:5: AA104 [High] `getattr()` blocks the event loop in async function `dynamic`*",
        "    chain (sleep):",
        "      src/blockapp/service.py:18:5  dynamic -> getattr()",
        "      src/blockapp/store.py:19:5    pause -> time.sleep  [time.sleep]",
        "*seen: 1 call(s) in tests/test_service.py::test_dynamic",
        "report: rt.json",
    ])
    doc = _report(app)
    assert doc["counts"] == {"confirmed": 3, "runtime_only": 1, "static_only": 1, "outside_project": 0, "known": 0}
    got = {(s["classification"], s["finding"]["location"]["path"], s["finding"]["location"]["line"],
            s["finding"]["code"], tuple(s["tests"])) for s in doc["sites"]}
    assert got == {
        ("confirmed", "src/blockapp/service.py", 9, "AA107", ("tests/test_service.py::test_read_config",)),
        ("confirmed", "src/blockapp/service.py", 13, "AA109", ("tests/test_service.py::test_check",)),
        ("confirmed", "src/blockapp/store.py", 19, "AA104", ("tests/test_service.py::test_schedule",)),
        ("runtime-only", "src/blockapp/service.py", 18, "AA104", ("tests/test_service.py::test_dynamic",)),
    }
    confirmed_callback = [s for s in doc["sites"] if s["finding"]["location"]["line"] == 19]
    assert confirmed_callback[0]["finding"]["context"] == "callback"
    assert [(s["location"]["line"], s["code"]) for s in doc["static_only"]] == [(34, "AA108")]


def test_without_the_flag_nothing_changes(app: pytest.Pytester) -> None:
    plain = _run(app, "-rA")
    plain.assert_outcomes(**OUTCOMES)
    assert "asyncaudit runtime" not in plain.stdout.str()
    assert not (app.path / ".asyncaudit_cache").exists()
    audited = _run(app, "-rA", "--asyncaudit")
    audited.assert_outcomes(**OUTCOMES)
    passed = sorted(line for line in plain.stdout.lines if line.startswith("PASSED"))
    assert passed == sorted(line for line in audited.stdout.lines if line.startswith("PASSED"))
    assert audited.ret == plain.ret == 0


def test_ini_key_turns_it_on(app: pytest.Pytester) -> None:
    ini = app.path / "pyproject.toml"
    ini.write_text(ini.read_text() + 'asyncaudit = true\nasyncaudit_report = "rt.json"\n')
    _run(app).assert_outcomes(**OUTCOMES)
    assert _report(app)["counts"]["runtime_only"] == 1


def test_fail_on_runtime_only_fails_the_run_not_the_tests(app: pytest.Pytester) -> None:
    result = _run(app, "--asyncaudit", "--asyncaudit-fail-on=runtime-only")
    result.assert_outcomes(**OUTCOMES)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    _lines(result, ["asyncaudit: failing the run (--asyncaudit-fail-on=runtime-only): 1 runtime-only*"])


def test_suppression_comment_accepts_a_runtime_call(app: pytest.Pytester) -> None:
    service = app.path / "src" / "blockapp" / "service.py"
    service.write_text(service.read_text().replace(
        "    getattr(store, name)()", "    getattr(store, name)()  # asyncaudit: ignore[AA104]"))
    result = _run(app, "--asyncaudit", "--asyncaudit-fail-on=runtime-only")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["3 confirmed, 0 runtime-only, 1 static-only*"])


def test_baseline_accepts_known_calls(app: pytest.Pytester) -> None:
    _run(app, "--asyncaudit", "--asyncaudit-write-baseline=base.json").assert_outcomes(**OUTCOMES)
    result = _run(app, "--asyncaudit", "--asyncaudit-baseline=base.json", "--asyncaudit-fail-on=any",
                  "--asyncaudit-report=rt.json")
    assert result.ret == 0
    doc = _report(app)
    assert all(s["known"] for s in doc["sites"])
    assert doc["counts"]["known"] == 1  # the runtime-only one; confirmed ones are known through static
    # the baseline is one `check` reads too
    check = subprocess.run([sys.executable, "-m", "asyncaudit", "check", "--baseline", "base.json"],
                           cwd=app.path, capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_fail_on_any_counts_confirmed_calls(app: pytest.Pytester) -> None:
    service = app.path / "src" / "blockapp" / "service.py"
    service.write_text(service.read_text().replace(
        "    getattr(store, name)()", "    getattr(store, name)()  # asyncaudit: ignore"))
    result = _run(app, "--asyncaudit", "--asyncaudit-fail-on=any")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    _lines(result, ["asyncaudit: failing the run (--asyncaudit-fail-on=any): 3 confirmed*"])


def test_anyio_plugin(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        work="""
        import time

        def pause():
            time.sleep(0)
        """,
        test_work="""
        import pytest
        import work

        @pytest.mark.anyio
        async def test_pause():
            work.pause()

        @pytest.fixture
        def anyio_backend():
            return "asyncio"
        """,
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "anyio", "--asyncaudit", "--asyncaudit-report=rt.json")
    result.assert_outcomes(passed=1)
    doc = json.loads((pytester.path / "rt.json").read_text())
    assert [(s["classification"], s["finding"]["function"]) for s in doc["sites"]] == [
        ("confirmed", "test_work.test_pause")]


def test_check_marks_confirmed_findings_in_every_format(app: pytest.Pytester) -> None:
    _run(app, "--asyncaudit", "--asyncaudit-report=rt.json").assert_outcomes(**OUTCOMES)

    def check(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "asyncaudit", "check", "--runtime", "rt.json", *args],
                              cwd=app.path, capture_output=True, text=True, check=False)
        assert done.returncode == 1, done.stderr
        return done.stdout

    text = check()
    assert text.count("    runtime: confirmed:") == 3
    assert "runtime: confirmed: 1 call(s) in tests/test_service.py::test_check" in text
    findings = json.loads(check("--format", "json"))["findings"]
    assert {f["location"]["line"]: "runtime" in f for f in findings} == {9: True, 13: True, 19: True, 34: False}
    sarif = json.loads(check("--format", "sarif"))["runs"][0]["results"]
    assert sum("runtime" in r["properties"] for r in sarif) == 3
    assert check("--format", "github").count("confirmed at runtime") == 3


def test_check_rejects_a_bad_runtime_report(app: pytest.Pytester) -> None:
    (app.path / "bad.json").write_text("{}")
    done = subprocess.run([sys.executable, "-m", "asyncaudit", "check", "--runtime", "bad.json"],
                          cwd=app.path, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "asyncaudit: error: invalid runtime report bad.json: not an asyncaudit runtime report (version 1)"]


def test_loaded_by_name_when_autoload_is_off(app: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    result = app.runpytest_subprocess("-p", "no:cacheprovider", "-p", "asyncio", "-p", "asyncaudit",
                                      "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(**OUTCOMES)
    result.stdout.fnmatch_lines(["3 confirmed, 1 runtime-only, 1 static-only*"])
