"""The runtime detector and the join, without pytest: what counts, what is restored, how sites match."""

from __future__ import annotations

import asyncio
import os
import pathlib
import sys
import threading
import time
import types

import pytest

from asyncaudit.catalog import SINKS
from asyncaudit.model import Chain, Finding, Hop, Location, Severity
from asyncaudit.runtime.detector import Detector
from asyncaudit.runtime.events import EVENTS, RAISED_BY, covered
from asyncaudit.runtime.join import Project, RuntimeSite, attribute, join, match, matches
from asyncaudit.runtime.patching import Patcher


def _sinks(detector: Detector) -> dict[str, int]:
    out: dict[str, int] = {}
    for obs in detector.recorder.observations.values():
        out[obs.sink] = out.get(obs.sink, 0) + obs.count
    return out


def _helper_exists(path: pathlib.Path) -> bool:
    return path.exists()


def test_event_sinks_are_catalog_sinks() -> None:
    # one table, two consumers: every event reports a sink the static side knows
    assert {e.sink for e in EVENTS.values()} <= SINKS.keys()
    assert set(RAISED_BY) <= SINKS.keys()
    assert set(RAISED_BY.values()) <= EVENTS.keys()


def test_time_sleep_is_an_event_from_3_13_and_wrapped_before() -> None:
    assert ("time.sleep" in covered()) == (sys.version_info >= (3, 13))
    with Detector() as d:
        kind = d.patcher.kinds["time.sleep"]
    assert kind == ("audit" if sys.version_info >= (3, 13) else "setattr")


def test_records_calls_on_the_loop_thread_only(tmp_path: pathlib.Path) -> None:
    async def main() -> None:
        time.sleep(0)
        os.listdir(tmp_path)
        _helper_exists(tmp_path)
        await asyncio.to_thread(os.listdir, tmp_path)  # another thread: not on the loop
        await asyncio.to_thread(time.sleep, 0)

    with Detector() as d:
        time.sleep(0)  # no loop running
        os.listdir(tmp_path)
        asyncio.run(main())
    got = _sinks(d)
    assert got.get("time.sleep") == 1
    assert got.get("os.listdir") == 1
    assert got.get("pathlib.Path.exists") == 1
    assert "os.stat" not in got  # inside Path.exists: part of that call


def test_a_coroutine_driven_without_a_loop_does_not_count(tmp_path: pathlib.Path) -> None:
    async def main() -> None:
        os.listdir(tmp_path)
        time.sleep(0)

    with Detector() as d:
        coro = main()
        with pytest.raises(StopIteration):
            coro.send(None)  # no asyncio loop runs in this thread
    assert d.recorder.observations == {}


def test_frames_reach_the_coroutine(tmp_path: pathlib.Path) -> None:
    async def main() -> None:
        _helper_exists(tmp_path)

    with Detector() as d:
        asyncio.run(main())
    (obs,) = [o for o in d.recorder.observations.values() if o.sink == "pathlib.Path.exists"]
    assert obs.stop == "async"
    assert [c.co_name for c, _ in obs.frames] == ["_helper_exists", "main"]


def test_loop_callback_stops_at_the_dispatcher() -> None:
    def tick() -> None:
        time.sleep(0)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.call_soon(tick)
        await asyncio.sleep(0.01)

    with Detector() as d:
        asyncio.run(main())
    (obs,) = [o for o in d.recorder.observations.values() if o.sink == "time.sleep"]
    assert obs.stop == "callback"
    assert [c.co_name for c, _ in obs.frames] == ["tick"]


def test_nonblocking_arguments_from_the_catalog_do_not_count() -> None:
    async def main() -> None:
        event = threading.Event()
        event.wait(0)  # NONBLOCKING_ARGS: timeout=0 returns at once
        event.wait(0.001)

    with Detector() as d:
        asyncio.run(main())
    assert _sinks(d).get("threading.Event.wait") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl is Unix-only")
def test_nonblocking_flags_from_the_catalog_do_not_count(tmp_path: pathlib.Path) -> None:
    import fcntl

    async def main() -> None:
        with open(tmp_path / "lock", "w") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # AnyFlag: fails instead of waiting
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH)

    with Detector() as d:
        asyncio.run(main())
    assert _sinks(d).get("fcntl.flock") == 1


def test_patches_are_restored_and_the_hook_goes_quiet(tmp_path: pathlib.Path) -> None:
    originals = (os.stat, os.path.exists, pathlib.Path.exists, time.sleep)
    d = Detector()
    d.activate()
    try:
        assert os.stat is not originals[0]
        # a wrapped C function still compares and hashes as itself
        assert os.stat in os.supports_follow_symlinks and os.stat == originals[0]
    finally:
        d.deactivate()
    assert (os.stat, os.path.exists, pathlib.Path.exists, time.sleep) == originals
    assert os.stat is originals[0] and pathlib.Path.exists is originals[2]

    async def main() -> None:
        os.listdir(tmp_path)  # the audit hook stays installed: it must do nothing now

    asyncio.run(main())
    assert d.recorder.observations == {}


def test_only_one_detector_at_a_time() -> None:
    with Detector():
        with pytest.raises(RuntimeError, match="another asyncaudit detector"):
            Detector().activate()


def test_partial_activation_rolls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    class Refuses(type):
        def __setattr__(cls, name: str, value: object) -> None:
            if name == "second":
                raise RuntimeError("refused")
            calls.append(name)
            super().__setattr__(name, value)

    class Api(metaclass=Refuses):
        def first(self) -> None: ...

        def second(self) -> None: ...

    mod = types.ModuleType("fakesdk")
    mod.Api = Api  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fakesdk", mod)
    original = Api.__dict__["first"]
    patcher = Patcher(lambda sink, frame: None, lambda: False, None, sinks=["fakesdk.Api.first", "fakesdk.Api.second"])
    with pytest.raises(RuntimeError, match="refused"):
        patcher.refresh()
    assert Api.__dict__["first"] is original  # put back
    assert calls == ["first", "first"]
    assert patcher.patches == []


def test_modules_imported_later_are_patched_on_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    def fetch(url: str) -> str:
        return url

    mod = types.ModuleType("latesdk")
    mod.fetch = fetch  # type: ignore[attr-defined]
    with Detector(sinks=["latesdk.fetch"]) as d:
        assert d.patcher.kinds["latesdk.fetch"] == "pending"
        monkeypatch.setitem(sys.modules, "latesdk", mod)
        d.refresh()
        assert d.patcher.kinds["latesdk.fetch"] == "setattr"
        assert mod.fetch is not fetch  # type: ignore[attr-defined]
    assert mod.fetch is fetch  # type: ignore[attr-defined]


def test_c_type_methods_are_not_patched() -> None:
    with Detector() as d:
        kinds = d.patcher.kinds
    assert kinds["io.TextIOWrapper.read"] == "c-type"
    assert kinds["os.stat"] == "setattr"
    assert kinds["builtins.open"] == "audit"


def _loc(path: str, line: int, col: int, end_col: int) -> Location:
    return Location(path, line, col, line, end_col)


def _finding(path: str, line: int, col: int, end_col: int, category: str) -> Finding:
    loc = _loc(path, line, col, end_col)
    chain = Chain(category, "builtins.open", (Hop(loc, "m.f", "g", "m.g"),), Severity.MEDIUM)
    return Finding("AA107", "blocking-file", Severity.MEDIUM, loc, "m.f", "g", (chain,), "", "", "")


def _site(path: str, line: int, col: int, end_col: int, *categories: str) -> RuntimeSite:
    loc = _loc(path, line, col, end_col)
    chains = tuple(Chain(c, "builtins.open", (Hop(loc, "m.f", "g", "m.g"),), Severity.MEDIUM) for c in categories)
    return RuntimeSite(Finding("AA107", "blocking-file", Severity.MEDIUM, loc, "m.f", "g", chains, "", "", ""), 1,
                       ("t",))


def test_match_prefers_the_exact_call_on_a_line(tmp_path: pathlib.Path) -> None:
    p = str(tmp_path / "a.py")
    outer, inner = _finding(p, 3, 5, 30, "file"), _finding(p, 3, 5, 12, "file")
    assert match([outer, inner], _loc(p, 3, 5, 12)) is inner
    assert match([outer, inner], _loc(p, 3, 5, 30)) is outer
    assert match([outer], _loc(p, 4, 5, 30)) is None


def test_join_classifies(tmp_path: pathlib.Path) -> None:
    p = str(tmp_path / "a.py")
    confirmed, unexercised = _finding(p, 3, 5, 12, "file"), _finding(p, 9, 5, 12, "file")
    sites = [_site(p, 3, 5, 12, "file", "fsmeta"), _site(p, 6, 5, 12, "sleep")]
    j = join([confirmed, unexercised], sites)
    assert [f for f, _ in j.confirmed] == [confirmed]
    assert j.static_only == [unexercised]
    # line 6 is a static miss; line 3's fsmeta chain is one too (the finding reports file only)
    assert [(s.location.line, s.categories, partial) for s, partial in j.runtime_only] == [
        (3, ("fsmeta",), (confirmed,)), (6, ("sleep",), ())]
    assert j.counts() == {"confirmed": 1, "runtime_only": 2, "static_only": 1}


def test_every_finding_reported_at_one_call_is_the_boundarys(tmp_path: pathlib.Path) -> None:
    # `with tempfile.TemporaryDirectory() as d:` is two static findings at one location:
    # the constructor (fsmeta) and its `__exit__` (dirwalk); a run seeing the mkdir
    # confirms the fsmeta one, whichever of the two comes first
    p = str(tmp_path / "a.py")
    dirwalk, fsmeta = _finding(p, 3, 10, 40, "dirwalk"), _finding(p, 3, 10, 40, "fsmeta")
    other = _finding(p, 3, 10, 20, "file")  # a call inside the first: not this boundary
    assert matches([dirwalk, other, fsmeta], _loc(p, 3, 10, 40)) == [dirwalk, fsmeta]
    j = join([dirwalk, fsmeta], [_site(p, 3, 10, 40, "fsmeta", "file")])
    assert [f for f, _ in j.confirmed] == [fsmeta]
    assert j.static_only == [dirwalk] and j.exercised == {id(dirwalk)}
    # the file chain is still a miss; it names both findings at the boundary
    assert [(s.categories, partial) for s, partial in j.runtime_only] == [(("file",), (dirwalk, fsmeta))]
    # a finding another site confirms is not "exercised but blocking in another category"
    j = join([dirwalk, fsmeta], [_site(p, 3, 10, 40, "fsmeta"), _site(p, 3, 10, 40, "dirwalk")])
    assert [f for f, _ in j.confirmed] == [dirwalk, fsmeta] and not j.exercised and not j.runtime_only


def test_attribute_builds_findings_at_the_boundary(tmp_path: pathlib.Path) -> None:
    pkg = tmp_path / "proj"
    pkg.mkdir()
    (pkg / "work.py").write_text(
        "import time\n\n\ndef pause():\n    time.sleep(0)\n\n\nasync def run():\n    pause()\n")
    sys.path.insert(0, str(pkg))
    try:
        import work  # type: ignore[import-not-found]

        with Detector() as d:
            asyncio.run(work.run())
    finally:
        sys.path.remove(str(pkg))
        sys.modules.pop("work", None)
    project = Project.discover([str(pkg)])
    r = d.recorder
    sites = [s for s in attribute(r.observations.values(), r.modules, r.code_sinks, project) if s.in_project]
    assert len(sites) == 1
    f = sites[0].finding
    assert (os.path.basename(f.location.path), f.location.line, f.location.column) == ("work.py", 9, 5)
    assert (f.code, f.function, f.callee, f.context) == ("AA104", "work.run", "pause", "async")
    (chain,) = f.chains
    assert [(h.location.line, h.function, h.callee, h.target) for h in chain.hops] == [
        (9, "work.run", "pause", "work.pause"), (5, "work.pause", "time.sleep", "time.sleep")]


def test_overrides_in_the_same_package_are_the_catalogued_sink() -> None:
    from concurrent.futures import ThreadPoolExecutor

    async def main() -> None:
        pool = ThreadPoolExecutor(1)
        pool.shutdown()  # ThreadPoolExecutor.shutdown overrides the catalogued Executor.shutdown
        ThreadPoolExecutor(1).shutdown(wait=False)  # NONBLOCKING_ARGS

    with Detector() as d:
        asyncio.run(main())
    got = _sinks(d)
    assert got.get("concurrent.futures.Executor.shutdown") == 1
    assert "threading.Thread.join" not in got  # inside shutdown: part of that call


def test_kinds_follow_the_catalog_patch_field() -> None:
    with Detector() as d:
        kinds = d.patcher.kinds
    assert {kinds[q] for q, s in SINKS.items() if s.patch == "indirect"} == {"indirect"}
    assert kinds["sqlite3.Cursor.execute"] == "c-type"


def test_static_findings_a_detector_cannot_see(tmp_path: pathlib.Path) -> None:
    from dataclasses import replace

    from asyncaudit.runtime.join import observable

    p = str(tmp_path / "a.py")
    lock = _finding(p, 3, 5, 12, "wait")
    lock = replace(lock, chains=(replace(lock.chains[0], sink="threading.Lock.__enter__"),))
    assert not observable(lock)  # a method of a C type, no audit event
    assert observable(_finding(p, 3, 5, 12, "file"))  # builtins.open: the `open` event
    j = join([lock], [_site(p, 3, 5, 12, "file")])
    assert j.static_only == [lock] and j.exercised == {id(lock)}


def test_imports_count_on_a_cache_miss_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    for name in ("colorsys", "wave"):
        monkeypatch.delitem(sys.modules, name, raising=False)

    async def main() -> None:
        import colorsys  # noqa: F401  a miss: the `import` event
        import json  # noqa: F401  cached: nothing
        importlib.import_module("wave")  # a miss, through the wrapped import_module
        importlib.import_module("wave")  # now cached

    with Detector() as d:
        asyncio.run(main())
    got = _sinks(d)
    assert got.get("builtins.__import__") == 1
    assert got.get("importlib.import_module") == 1


def test_a_wrapper_never_fails_the_call() -> None:
    from contextvars import ContextVar

    from asyncaudit.runtime.patching import _make_wrapper

    def record(sink: str, frame: object) -> None:
        raise AssertionError("not reached")

    class Weird:
        def __eq__(self, other: object) -> bool:
            raise ValueError("ambiguous")  # numpy arrays do this

    # no caller at that depth (a greenlet's first frame), and arguments that refuse ==
    deep = _make_wrapper("threading.Event.wait", lambda *a: "done", record, lambda: True, ContextVar("x"), True,
                         depth=10_000)
    assert deep(object(), Weird()) == "done"
