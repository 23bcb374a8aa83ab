"""Async I/O APIs: awaiting one of these is a compliant I/O site (it counts for the score).

Prefixes of canonical qualified names, each with the category of I/O it performs.  Only
used to recognise compliance; nothing here is ever reported.
"""

from __future__ import annotations

ASYNC_IO: dict[str, str] = {
    "httpx.AsyncClient.": "network",
    "aiohttp.": "network",
    "asyncio.open_connection": "network",
    "asyncio.open_unix_connection": "network",
    "asyncio.StreamReader.": "network",
    "asyncio.StreamWriter.drain": "network",
    "asyncio.AbstractEventLoop.sock_": "network",
    "asyncio.AbstractEventLoop.create_connection": "network",
    "asyncio.AbstractEventLoop.getaddrinfo": "dns",
    "websockets.": "network",
    "openai.AsyncOpenAI": "network",
    "openai.resources.chat.completions.AsyncCompletions.": "network",
    "anthropic.AsyncAnthropic": "network",
    "anthropic.resources.messages.AsyncMessages.": "network",
    "aiobotocore.": "network",
    "grpc.aio.": "network",
    "asyncpg.": "database",
    "aiosqlite.": "database",
    "aiomysql.": "database",
    "redis.asyncio.": "database",
    "motor.": "database",
    "sqlalchemy.ext.asyncio.": "database",
    "databases.": "database",
    "aiofiles.": "file",
    "anyio.open_file": "file",
    "anyio.Path.": "file",
    "anyio.AsyncFile.": "file",
    "trio.open_file": "file",
    "trio.Path.": "file",
    "asyncio.create_subprocess_exec": "subprocess",
    "asyncio.create_subprocess_shell": "subprocess",
    "asyncio.subprocess.Process.": "subprocess",
    "anyio.run_process": "subprocess",
    "anyio.open_process": "subprocess",
    # Home Assistant imports in its import executor (from the cache when already loaded).
    "homeassistant.helpers.importlib.async_import_module": "import",
}


def async_io_category(qualname: str) -> str | None:
    """The I/O category of an awaited external call, if it is a known async I/O API."""
    for prefix, cat in ASYNC_IO.items():
        if qualname.startswith(prefix):
            return cat
    return None
