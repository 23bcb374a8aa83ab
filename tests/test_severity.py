"""Severity against its documentation (`severity.py`, README "Severity"): the base
severity, +1 repeated per item, +1 on a request or pipeline path, -1 startup-only, -1
memoized, test code Low, clamped to Low..Critical; and the contexts by name, decorator,
signature and module."""

from __future__ import annotations

import pytest

from asyncaudit.model import Severity
from asyncaudit.severity import assess, context_of, is_test_path

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW
LOOP = "loop at svc.py:12"

# (base, context, repeated_at, memoized_by, expected)
ASSESS = [
    # no adjustment
    (M, "other", None, None, M),
    (L, "other", None, None, L),
    (H, "other", None, None, H),
    # +1 repeated per item
    (L, "other", LOOP, None, M),
    (M, "other", LOOP, None, H),
    # +1 request / pipeline path
    (M, "request", None, None, H),
    (M, "pipeline", None, None, H),
    (L, "request", None, None, M),
    # both: +2
    (L, "pipeline", LOOP, None, H),
    (M, "request", LOOP, None, C),
    # -1 startup only
    (H, "startup", None, None, M),
    (M, "startup", None, None, L),
    (M, "startup", LOOP, None, M),  # +1 -1
    # -1 memoized, and the loop bonus does not apply then
    (H, "other", None, "load", M),
    (H, "other", LOOP, "load", M),
    (M, "pipeline", None, "load", M),  # -1 +1
    (H, "startup", None, "load", L),  # -2
    # clamped to Low..Critical
    (L, "startup", None, None, L),
    (L, "startup", None, "load", L),
    (C, "request", LOOP, None, C),
    (H, "request", LOOP, None, C),
    # test code is always Low, whatever else applies
    (C, "test", LOOP, None, L),
    (H, "test", None, "load", L),
    (L, "test", None, None, L),
]


@pytest.mark.parametrize(("base", "context", "repeated", "memo", "expected"), ASSESS)
def test_assess_table(base: Severity, context: str, repeated: str | None, memo: str | None,
                      expected: Severity) -> None:
    sev, _ = assess(base, "file read/write", "handle", context, repeated, memo)
    assert sev == expected


def test_reason_names_every_adjustment_that_applied() -> None:
    assert assess(M, "file read/write", "_run_pipeline_async", "pipeline", "loop at wiring.py:1216") == (
        C, "file read/write (base Medium), repeated per item (loop at wiring.py:1216) +1, "
           "on a long-running pipeline/worker path `_run_pipeline_async` +1")
    assert assess(H, "sleep", "handle", "request", None) == (
        C, "sleep (base High), on a request path `handle` +1")
    assert assess(H, "network I/O", "setup", "startup", None) == (
        M, "network I/O (base High), startup/shutdown only in `setup` -1")
    assert assess(H, "file read/write", "load", "other", LOOP, "read") == (
        M, "file read/write (base High), memoized by `read` (blocks on a cache miss only) -1, in `load`")
    assert assess(M, "file read/write", "helper", "other", None) == (M, "file read/write (base Medium), in `helper`")
    assert assess(C, "sleep", "test_it", "test", LOOP) == (
        L, "sleep in test code `test_it` (test code is always Low)")


# (name, decorators, params, module, context)
CONTEXTS = [
    # request: by decorator, by the first parameters, by name
    ("index", ("app.get",), (), "svc.api", "request"),
    ("index", ("router.post",), (), "svc.api", "request"),
    ("index", ("app.websocket",), (), "svc.api", "request"),
    ("index", ("route",), (), "svc.api", "request"),
    ("index", (), ("request",), "svc.api", "request"),
    ("index", (), ("self", "req"), "svc.api", "request"),
    ("index", (), ("scope", "receive", "send"), "svc.api", "request"),
    ("index", (), ("a", "b", "c", "request"), "svc.api", "other"),  # only the first three count
    ("handle_message", (), (), "svc.api", "request"),
    ("_webhook", (), (), "svc.api", "request"),
    ("serve", (), (), "svc.api", "request"),
    # pipeline / worker by name (also `async_`-prefixed, Home Assistant style)
    ("run", (), (), "svc.jobs", "pipeline"),
    ("_run_pipeline_async", (), (), "svc.jobs", "pipeline"),
    ("worker", (), (), "svc.jobs", "pipeline"),
    ("consume_events", (), (), "svc.jobs", "pipeline"),
    ("async_fetch_data", (), (), "svc.jobs", "pipeline"),
    ("poll", (), (), "svc.jobs", "pipeline"),
    # startup / shutdown
    ("setup", (), (), "svc.app", "startup"),
    ("async_setup_entry", (), (), "svc.app", "startup"),
    ("lifespan", (), (), "svc.app", "startup"),
    ("on_shutdown", (), (), "svc.app", "startup"),
    ("__aenter__", (), (), "svc.app", "startup"),
    ("__aexit__", (), (), "svc.app", "startup"),
    ("__init__", (), (), "svc.app", "startup"),
    ("load_config", (), (), "svc.app", "startup"),
    # request wins over startup, startup over pipeline
    ("handle_setup", (), (), "svc.app", "request"),
    ("setup_worker", (), (), "svc.app", "startup"),
    # other: words only count whole (between underscores)
    ("compute", (), (), "svc.core", "other"),
    ("rerun", (), (), "svc.core", "other"),
    ("settings", (), (), "svc.core", "other"),
    ("viewer", (), (), "svc.core", "other"),
    # test code, whatever the name
    ("handle", ("app.get",), ("request",), "tests.test_api", "test"),
    ("run", (), (), "svc.tests.helpers", "test"),
    ("setup", (), (), "conftest", "test"),
    ("run", (), (), "svc.api_test", "test"),
]


@pytest.mark.parametrize(("name", "decorators", "params", "module", "expected"), CONTEXTS)
def test_context_of_table(name: str, decorators: tuple[str, ...], params: tuple[str, ...], module: str,
                          expected: str) -> None:
    test = is_test_path(module.replace(".", "/") + ".py")
    assert context_of(name, decorators, params, test) == expected


@pytest.mark.parametrize(("path", "expected"), [
    ("tests/test_api.py", True), ("test_api.py", True), ("api_test.py", True), ("conftest.py", True),
    ("pkg/tests/helpers.py", True), ("pkg/test/helpers.py", True), ("pkg/api.py", False),
    ("pkg/testsuite.py", False), ("pkg/contest.py", False), ("tests.py", False), ("pkg/latest.py", False),
    # a folder named like a test helper is no test code (S10: `work/testing/svc/app.py`)
    ("testing/svc/app.py", False), ("pkg/testing/fakes.py", False),
])
def test_is_test_path(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected


def test_test_paths_are_configurable() -> None:
    assert is_test_path("qa/checks.py", ("qa/",)) and not is_test_path("tests/a.py", ("qa/",))
    assert is_test_path("src/x/fixtures/a.py", ("src/*/fixtures/*",))
