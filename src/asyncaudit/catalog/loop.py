"""Offloaders and event-loop callback registrars.

An *offloader* takes a sync callable and runs it off the event loop (a thread or process
pool): the callable handed to it is compliant, whatever it does.  A *registrar* takes a
sync callable and runs it **on** the event loop later: that callable is an event-loop
context, exactly like the body of an `async def`.

Both are matched by canonical qualified name when the callee resolves (`qualname`), or
by method name on any receiver (`method`), because the receiver of `run_in_executor` or
`async_add_executor_job` is rarely typed in real code.  `arg` is the positional index of
the callable; `keyword` its keyword name when passed by keyword.

`method=` matching is kept to names distinctive enough that any receiver offering them
has the same meaning and the same argument position; everything else is matched by
qualname only (the receiver must resolve, e.g. through `types.FUNCTION_RETURNS`:
`asyncio.get_running_loop()`, `IOLoop.current()`).
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
    # asyncio (and tornado's IOLoop.run_in_executor(executor, func, *args): same slot).
    CallableSlot("asyncio.to_thread", arg=0, keyword="func"),
    CallableSlot(method="run_in_executor", arg=1, keyword="func"),
    # anyio / trio worker threads, processes and subinterpreters.
    CallableSlot("anyio.to_thread.run_sync", arg=0, keyword="func"),
    CallableSlot("anyio.to_process.run_sync", arg=0, keyword="func"),
    CallableSlot("anyio.to_interpreter.run_sync", arg=0, keyword="func"),
    CallableSlot("trio.to_thread.run_sync", arg=0, keyword="sync_fn"),
    # Starlette / FastAPI.  A background task's sync callable runs in the threadpool
    # (an async one is a coroutine function, analysed as such anyway).
    CallableSlot("starlette.concurrency.run_in_threadpool", arg=0, keyword="func"),
    CallableSlot("fastapi.concurrency.run_in_threadpool", arg=0, keyword="func"),
    CallableSlot("starlette.background.BackgroundTask", arg=0, keyword="func"),
    CallableSlot("starlette.background.BackgroundTasks.add_task", arg=0, keyword="func"),
    CallableSlot("fastapi.BackgroundTasks.add_task", arg=0, keyword="func"),
    CallableSlot("fastapi.background.BackgroundTasks.add_task", arg=0, keyword="func"),
    # asgiref (what Django documents: `from asgiref.sync import sync_to_async`) and
    # Django Channels.
    CallableSlot("asgiref.sync.sync_to_async", arg=0, keyword="func"),
    CallableSlot("asgiref.sync.SyncToAsync", arg=0, keyword="func"),
    CallableSlot("channels.db.database_sync_to_async", arg=0, keyword="func"),
    # Quart: `run_sync` / `app.ensure_async` / `app.sync_to_async` wrap a sync function so
    # that it runs in the loop's default executor.
    CallableSlot("quart.utils.run_sync", arg=0, keyword="func"),
    CallableSlot("quart.Quart.ensure_async", arg=0, keyword="func"),
    CallableSlot("quart.Quart.sync_to_async", arg=0, keyword="func"),
    # Home Assistant: `hass.async_add_executor_job(target, *args)` and the import variant
    # run `target` in the executor.  (`async_add_job` / `async_run_hass_job` are not
    # listed: they run a plain function in the executor but an `@callback` one on the
    # loop, so the slot's meaning depends on the target.)
    CallableSlot(method="async_add_executor_job", arg=0),
    CallableSlot(method="async_add_import_executor_job", arg=0),
    # concurrent.futures executors.
    CallableSlot("concurrent.futures.Executor.submit", arg=0, keyword="fn"),
    CallableSlot("concurrent.futures.Executor.map", arg=0, keyword="fn"),
    CallableSlot("concurrent.futures.ThreadPoolExecutor.submit", arg=0, keyword="fn"),
    CallableSlot("concurrent.futures.ThreadPoolExecutor.map", arg=0, keyword="fn"),
    CallableSlot("concurrent.futures.ProcessPoolExecutor.submit", arg=0, keyword="fn"),
    CallableSlot("concurrent.futures.ProcessPoolExecutor.map", arg=0, keyword="fn"),
    # Threads and processes started explicitly.
    CallableSlot("threading.Thread", arg=1, keyword="target"),
    CallableSlot("threading.Timer", arg=1, keyword="function"),
    CallableSlot("_thread.start_new_thread", arg=0, keyword="function"),
    CallableSlot("multiprocessing.Process", arg=1, keyword="target"),
    CallableSlot("multiprocessing.context.Process", arg=1, keyword="target"),
    # multiprocessing pools run `func` in worker processes (the blocking wait for the
    # results is itself a sink, see blocking.py).
    *(CallableSlot(f"multiprocessing.pool.Pool.{m}", arg=0, keyword="func")
      for m in ("apply", "apply_async", "map", "map_async", "imap", "imap_unordered",
                "starmap", "starmap_async")),
)

REGISTRARS: tuple[CallableSlot, ...] = (
    # asyncio event loop (tornado's IOLoop.call_later/call_at share the signature).
    CallableSlot(method="call_soon", arg=0, keyword="callback"),
    CallableSlot(method="call_soon_threadsafe", arg=0, keyword="callback"),
    CallableSlot(method="call_later", arg=1, keyword="callback"),
    CallableSlot(method="call_at", arg=1, keyword="callback"),
    CallableSlot(method="add_signal_handler", arg=1, keyword="callback"),
    CallableSlot(method="add_reader", arg=1, keyword="callback"),
    CallableSlot(method="add_writer", arg=1, keyword="callback"),
    CallableSlot(method="set_exception_handler", arg=0, keyword="handler"),
    # asyncio.Future / Task done callbacks run on the loop.  (On a
    # concurrent.futures.Future the callback runs in the completing thread instead: the
    # method match treats it as loop code, which errs towards reporting.)
    CallableSlot(method="add_done_callback", arg=0, keyword="fn"),
    # tornado IOLoop: callbacks run on the IOLoop's (asyncio) thread.
    CallableSlot("tornado.ioloop.IOLoop.add_callback", arg=0, keyword="callback"),
    CallableSlot("tornado.ioloop.IOLoop.add_callback_from_signal", arg=0, keyword="callback"),
    CallableSlot("tornado.ioloop.IOLoop.spawn_callback", arg=0, keyword="callback"),
    CallableSlot("tornado.ioloop.IOLoop.add_timeout", arg=1, keyword="callback"),
    CallableSlot("tornado.ioloop.IOLoop.add_future", arg=1, keyword="callback"),
    CallableSlot("tornado.ioloop.IOLoop.add_handler", arg=1, keyword="handler"),
    CallableSlot("tornado.ioloop.PeriodicCallback", arg=0, keyword="callback"),
    # Calls from a worker thread back into the event loop thread.
    CallableSlot("anyio.from_thread.run_sync", arg=0, keyword="func"),
    CallableSlot("anyio.from_thread.BlockingPortal.call", arg=0, keyword="func"),
    CallableSlot("trio.from_thread.run_sync", arg=0, keyword="fn"),
    CallableSlot(method="run_sync_soon", arg=0, keyword="sync_fn"),  # trio TrioToken
    CallableSlot("homeassistant.util.async_.run_callback_threadsafe", arg=1, keyword="callback"),
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
    "asyncio.run", "asyncio.Runner.run",
    "asyncio.AbstractEventLoop.run_until_complete", "asyncio.BaseEventLoop.run_until_complete",
    "asyncio.AbstractEventLoop.run_forever", "asyncio.BaseEventLoop.run_forever",
    "anyio.run", "trio.run", "uvloop.run",
    "tornado.ioloop.IOLoop.run_sync", "tornado.ioloop.IOLoop.start",
    # `async_to_sync(f)(...)` runs `f` on a loop and refuses to run inside one.
    "asgiref.sync.AsyncToSync.__call__",
    # Servers that start their own loop.
    "uvicorn.run", "aiohttp.web.run_app",
})

# Decorators that declare a sync function runs on the event loop (a framework contract):
# Home Assistant runs `@callback` functions in the loop, never in its executor.
LOOP_DECORATORS: frozenset[str] = frozenset({
    "homeassistant.core.callback",
})


# Structured concurrency: awaiting these runs tasks whose lifetime the caller owns (the
# audit counts them as compliant fan-outs).
STRUCTURED_CONCURRENCY: dict[str, str] = {
    "asyncio.TaskGroup": "TaskGroup", "asyncio.gather": "gather", "anyio.create_task_group": "TaskGroup",
    "trio.open_nursery": "TaskGroup",
}


# Task spawners whose result is the task (AA305: a statement that drops it), and the loop
# types whose `create_task` method is one.
TASK_SPAWNERS: frozenset[str] = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task"})
LOOP_TYPES: tuple[str, ...] = ("asyncio.AbstractEventLoop", "asyncio.BaseEventLoop", "asyncio.events.AbstractEventLoop")

# AA303 (an event loop started outside an entry point): the method names of the runners
# it looks at (their calls are then resolved against LOOP_RUNNERS), and the entry points
# by convention: function names, and the last name of a CLI framework's command
# decorator (`@click.command()`, `@app.callback()`, `@typer_app.command`).
RUNNER_METHOD_NAMES: frozenset[str] = frozenset({"run", "run_until_complete", "run_forever"})
ENTRY_POINT_NAMES: frozenset[str] = frozenset({"main", "cli", "run_cli", "entrypoint", "entry_point", "run_main",
                                               "app_main"})
COMMAND_DECORATOR_NAMES: tuple[str, ...] = ("command", "callback", "group", "main", "entrypoint")
