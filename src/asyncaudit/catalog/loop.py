"""Offloaders and event-loop callback registrars.

An *offloader* takes a sync callable and runs it off the event loop (a thread or process
pool): the callable handed to it is compliant, whatever it does.  A *registrar* takes a
sync callable and runs it **on** the event loop later: that callable is an event-loop
context, exactly like the body of an `async def`.

Both are matched by canonical qualified name when the callee resolves (`qualname`), or
by method name on any receiver (`method`), because the receiver of `run_in_executor` or
`async_add_executor_job` is rarely typed in real code.  `arg` is the positional index of
the callable; `keyword` its keyword name when passed by keyword.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CallableSlot:
    """Where an API takes the callable it offloads or schedules."""

    qualname: str | None = None
    method: str | None = None
    arg: int = 0
    keyword: str | None = None


OFFLOADERS: tuple[CallableSlot, ...] = (
    CallableSlot("asyncio.to_thread", arg=0, keyword="func"),
    CallableSlot(method="run_in_executor", arg=1, keyword="func"),
    CallableSlot("anyio.to_thread.run_sync", arg=0),
    CallableSlot("anyio.to_process.run_sync", arg=0),
    CallableSlot("trio.to_thread.run_sync", arg=0),
    CallableSlot("starlette.concurrency.run_in_threadpool", arg=0),
    CallableSlot("fastapi.concurrency.run_in_threadpool", arg=0),
    CallableSlot("asgiref.sync.sync_to_async", arg=0, keyword="func"),
    CallableSlot("django.utils.asyncio.sync_to_async", arg=0),
    CallableSlot(method="async_add_executor_job", arg=0),
    CallableSlot(method="async_add_import_executor_job", arg=0),
    CallableSlot(method="async_run_in_executor", arg=0),
    CallableSlot("concurrent.futures.Executor.submit", arg=0, keyword="fn"),
    CallableSlot("concurrent.futures.Executor.map", arg=0, keyword="fn"),
    CallableSlot("concurrent.futures.ThreadPoolExecutor.submit", arg=0, keyword="fn"),
    CallableSlot("concurrent.futures.ProcessPoolExecutor.submit", arg=0, keyword="fn"),
    CallableSlot("threading.Thread", arg=1, keyword="target"),
    CallableSlot("multiprocessing.Process", arg=1, keyword="target"),
)

REGISTRARS: tuple[CallableSlot, ...] = (
    CallableSlot(method="call_soon", arg=0),
    CallableSlot(method="call_soon_threadsafe", arg=0),
    CallableSlot(method="call_later", arg=1),
    CallableSlot(method="call_at", arg=1),
    CallableSlot(method="add_done_callback", arg=0),
    CallableSlot(method="add_signal_handler", arg=1),
    CallableSlot(method="add_reader", arg=1),
    CallableSlot(method="add_writer", arg=1),
)

# Methods of these base classes are invoked by the event loop itself.
LOOP_CALLBACK_BASES: dict[str, frozenset[str]] = {
    base: frozenset({"connection_made", "connection_lost", "data_received", "eof_received",
                     "datagram_received", "error_received", "pause_writing", "resume_writing",
                     "buffer_updated", "get_buffer", "pipe_data_received",
                     "pipe_connection_lost", "process_exited"})
    for base in ("asyncio.Protocol", "asyncio.BaseProtocol", "asyncio.DatagramProtocol",
                 "asyncio.BufferedProtocol", "asyncio.SubprocessProtocol",
                 "asyncio.protocols.Protocol", "asyncio.protocols.BaseProtocol",
                 "asyncio.protocols.DatagramProtocol", "asyncio.protocols.BufferedProtocol",
                 "asyncio.protocols.SubprocessProtocol")
}

# Calls that start a new event loop: blocking (and an error) inside a running one.
LOOP_RUNNERS: frozenset[str] = frozenset({
    "asyncio.run", "asyncio.Runner.run", "asyncio.AbstractEventLoop.run_until_complete",
    "asyncio.BaseEventLoop.run_until_complete", "asyncio.AbstractEventLoop.run_forever",
    "anyio.run", "trio.run",
})
LOOP_RUNNER_METHODS: frozenset[str] = frozenset({"run_until_complete"})
