"""Detect blocking calls made on the thread of a running asyncio event loop.

Stage: runtime detection, beside the static pipeline.  It reads the same catalog as the
static side (`asyncaudit.catalog.SINKS`): sinks that raise a CPython audit event are
seen by one audit hook (`runtime.events`), the others are wrapped for the session
(`runtime.patching`).  Either way a call counts only when a loop is running in the
current thread: `asyncio.to_thread`, `run_in_executor` and other offloaders run the call
on another thread, where no loop runs, so they need no special case.

What is recorded is raw and cheap: the stack from the blocking call up to the innermost
coroutine frame (or the loop's callback dispatcher, `asyncio.Handle._run`), as (code
object, instruction offset) pairs, with the sink, the current test and a count.
`runtime.join` turns those into findings after the run.

An audit hook cannot be removed: it stays installed for the life of the process and
does nothing while no detector is active.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import threading
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from asyncaudit.runtime.events import EVENTS
from asyncaudit.runtime.patching import Patcher

_ASYNC = inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE | inspect.CO_ASYNC_GENERATOR
_MAX_DEPTH = 256
_get_running_loop = asyncio._get_running_loop
_HANDLE_RUN = asyncio.Handle._run.__code__
_RUN_ONCE = asyncio.BaseEventLoop._run_once.__code__  # the loop's own selector wait

# True while a wrapped sink runs: what it calls is part of that one call
_inside: ContextVar[bool] = ContextVar("asyncaudit_inside_sink", default=False)

Frame = tuple[Any, int]  # (code object, f_lasti)


@dataclass(slots=True)
class Observation:
    """One distinct stack that reached a sink on the loop's thread."""

    frames: tuple[Frame, ...]  # innermost (the caller of the sink) first
    stop: str | None  # "async": frames[-1] is a coroutine; "callback": a loop callback; None: neither found
    sink: str  # the catalog sink detected (an event's or a wrapper's)
    count: int = 0
    tests: dict[str, int] = field(default_factory=dict)


class Recorder:
    """Collects observations; `record` is called from the hook and the wrappers."""

    def __init__(self) -> None:
        self.observations: dict[tuple[object, ...], Observation] = {}
        self.modules: dict[Any, str] = {}  # code object -> module name
        self.code_sinks: dict[Any, str] = {}  # shared with the Patcher
        self.test_id = ""
        self.unattributed = 0  # stacks with neither a coroutine nor a loop callback
        self.loop_waits = 0  # the loop's own selector waits, seen through a wrapped selector
        self._last = threading.local()  # the sink frame of the last event, per thread

    def record(self, sink: str, frame: Any) -> None:
        if frame is not None and frame.f_code is _RUN_ONCE:
            self.loop_waits += 1
            return
        frames: list[Frame] = []
        stop = None
        outer_sink_frame = None
        modules = self.modules
        code_sinks = self.code_sinks
        f = frame
        while f is not None and len(frames) < _MAX_DEPTH:
            code = f.f_code
            if code is _HANDLE_RUN:
                stop = "callback"
                break
            if code not in modules:
                modules[code] = f.f_globals.get("__name__") or ""
            if code in code_sinks:
                outer_sink_frame = f
            frames.append((code, f.f_lasti))
            if code.co_flags & _ASYNC:
                stop = "async"
                break
            f = f.f_back
        if stop is None:
            # neither a coroutine nor a loop callback: the loop's own work (its selector
            # wait in `_run_once`), or a thread whose loop is not the caller
            self.unattributed += 1
            return
        if outer_sink_frame is not None:
            # several events inside one call of a Python sink (`shutil.rmtree` scanning and
            # removing) are that one call
            if getattr(self._last, "frame", None) is outer_sink_frame:
                return
            self._last.frame = outer_sink_frame
        key = (tuple(frames), stop, sink)
        obs = self.observations.get(key)
        if obs is None:
            obs = self.observations[key] = Observation(key[0], stop, sink)
        obs.count += 1
        obs.tests[self.test_id] = obs.tests.get(self.test_id, 0) + 1

    def forget_frames(self) -> None:
        """Drop the reference to the last sink frame (it keeps the frame's locals alive)."""
        self._last.frame = None


class _State:
    active = False
    recorder: Recorder | None = None


_STATE = _State()
_HOOK_INSTALLED = False


def _enabled() -> bool:
    return _STATE.active and _get_running_loop() is not None and not _inside.get()


def _audit_hook(event: str, args: tuple[object, ...]) -> None:
    if not _STATE.active:
        return
    spec = EVENTS.get(event)
    if spec is None:
        return
    try:  # an exception here would abort the audited operation: never let one out
        if _get_running_loop() is None or _inside.get():
            return
        if spec.check is not None and not spec.check(args):
            return
        recorder = _STATE.recorder
        if recorder is not None:
            recorder.record(spec.sink, sys._getframe(1))
    except Exception:
        pass


def _record(sink: str, frame: Any) -> None:
    recorder = _STATE.recorder
    if recorder is None:
        return
    try:
        recorder.record(sink, frame)
    except Exception:
        pass


class Detector:
    """Activate, record, deactivate.  One active detector per process.

    Example:
        detector = Detector()
        detector.activate()
        try:
            asyncio.run(main())
        finally:
            detector.deactivate()
        detector.recorder.observations  # what blocked the loop
    """

    def __init__(self, sinks: Any = None) -> None:
        self.recorder = Recorder()
        self.patcher = Patcher(_record, _enabled, _inside, sinks)
        self.recorder.code_sinks = self.patcher.code_sinks

    def activate(self) -> None:
        """Install the audit hook (once per process) and patch what is importable now."""
        global _HOOK_INSTALLED
        if _STATE.active:
            raise RuntimeError("another asyncaudit detector is active")
        if not _HOOK_INSTALLED:
            sys.addaudithook(_audit_hook)
            _HOOK_INSTALLED = True
        self.patcher.refresh()
        _STATE.recorder = self.recorder
        _STATE.active = True

    def refresh(self) -> None:
        """Patch sinks of modules imported since activation (cheap when none were)."""
        if _STATE.active and _STATE.recorder is self.recorder:
            self.patcher.refresh()

    def deactivate(self) -> None:
        """Stop recording and restore every patched attribute."""
        if _STATE.recorder is self.recorder:
            _STATE.active = False
            _STATE.recorder = None
        self.patcher.undo()
        self.recorder.forget_frames()

    def __enter__(self) -> Detector:
        self.activate()
        return self

    def __exit__(self, *exc: object) -> None:
        self.deactivate()


__all__ = ["Detector", "Observation", "Recorder"]
