"""`asyncaudit server` end to end: a pygls client drives the real server process over stdio.

initialize -> didOpen -> (first analysis: no finding) -> didSave after an edit that adds
a blocking call to a helper -> diagnostics for the async caller, with the chain as related
information -> the --fix rewrite as a code action -> shutdown/exit.  The save-to-
diagnostics time is printed (bench/speed.py measures it on a large tree), not asserted.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls import uris
from pygls.lsp.client import LanguageClient

from asyncaudit.model import Chain, Finding, Hop, Location, Severity
from asyncaudit.server import _character, diagnostic

HELPERS = "def load():\n    return 1\n"
APP = "from pkg import helpers\n\n\nasync def handler():\n    return helpers.load()\n"


class _Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("asyncaudit-test", "1")
        self.diagnostics: dict[str, list[lsp.Diagnostic]] = {}
        self.logs: list[str] = []
        self.changed = asyncio.Event()


async def _wait(client: _Client, uri: str, pred, timeout: float = 60) -> list[lsp.Diagnostic]:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while True:
        got = client.diagnostics.get(uri)
        if got is not None and pred(got):
            return got
        client.changed.clear()
        left = deadline - time.monotonic()
        assert left > 0, f"no matching diagnostics for {uri}: {client.diagnostics} {client.logs}"
        try:
            await asyncio.wait_for(client.changed.wait(), left)
        except TimeoutError:
            pass


async def _session(root: Path, cache: Path) -> None:
    client = _Client()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: lsp.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = list(params.diagnostics)
        client.changed.set()

    @client.feature(lsp.WINDOW_LOG_MESSAGE)
    def logged(params: lsp.LogMessageParams) -> None:
        client.logs.append(params.message)

    env = {**os.environ, "ASYNCAUDIT_CACHE_DIR": str(cache)}
    await client.start_io(sys.executable, "-m", "asyncaudit", "server", cwd=str(root), env=env)
    try:
        root_uri = uris.from_fs_path(str(root))
        await client.initialize_async(lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(), root_uri=root_uri,
            workspace_folders=[lsp.WorkspaceFolder(root_uri, "proj")]))
        client.initialized(lsp.InitializedParams())
        app_uri = uris.from_fs_path(str(root / "pkg" / "app.py"))
        helpers_uri = uris.from_fs_path(str(root / "pkg" / "helpers.py"))
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(app_uri, "python", 1, APP)))
        assert await _wait(client, app_uri, lambda d: d == []) == []

        (root / "pkg" / "helpers.py").write_text("import time\n\n\ndef load():\n    time.sleep(1)\n    return 1\n")
        start = time.perf_counter()
        client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(helpers_uri)))
        diags = await _wait(client, app_uri, lambda d: len(d) > 0)
        print(f"\nserver: save -> fresh diagnostics in {time.perf_counter() - start:.3f} s")
        d = diags[0]
        assert d.source == "asyncaudit" and d.code.startswith("AA")
        assert d.range.start == lsp.Position(4, 11)  # `helpers.load()` in handler
        related = d.related_information or []
        assert [r.location.uri for r in related] == [app_uri, helpers_uri]
        assert related[1].location.range.start == lsp.Position(4, 4)  # time.sleep(1)
        assert "time.sleep" in related[1].message

        actions = await client.text_document_code_action_async(lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(app_uri), d.range, lsp.CodeActionContext(diagnostics=[d])))
        assert actions, client.logs
        action = actions[0]
        edits = action.edit.changes[app_uri]
        assert any("asyncio.to_thread(helpers.load)" in e.new_text for e in edits)

        (root / "pkg" / "helpers.py").write_text(HELPERS)  # fixed: the diagnostic is withdrawn
        client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(helpers_uri)))
        await _wait(client, app_uri, lambda d: d == [])
        assert any("1 files extracted" in line for line in client.logs)  # incremental: one file again

        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()


def test_server_end_to_end(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "helpers.py").write_text(HELPERS)
    (root / "pkg" / "app.py").write_text(APP)
    asyncio.run(asyncio.wait_for(_session(root, tmp_path / "cache"), 120))


def test_columns_are_utf16_code_units() -> None:
    assert _character(["x = '\N{GRINNING FACE}' + f()"], 1, 12) == 12  # the emoji is two units
    assert _character(["abc"], 1, 1) == 0
    assert _character([], 3, 5) == 4  # a line the file no longer has


def test_diagnostic_carries_the_chain(tmp_path: Path) -> None:
    p = str(tmp_path / "a.py")
    Path(p).write_text("async def f():\n    g()\n\ndef g():\n    open('x')\n")
    hops = (Hop(Location(p, 2, 5, 2, 8), "a.f", "g", "a.g"), Hop(Location(p, 5, 5, 5, 14), "a.g", "open",
                                                                 "builtins.open"))
    f = Finding("AA101", "blocking-file-io", Severity.HIGH, hops[0].location, "a.f", "g",
                (Chain("file", "builtins.open", hops),), "msg", "why", "offload it")
    d = diagnostic(f, {})
    assert d.severity == lsp.DiagnosticSeverity.Error and d.code == "AA101"
    assert [r.location.range.start.line for r in d.related_information] == [1, 4]
    assert "builtins.open" in d.related_information[-1].message


async def _bad_config(root: Path, cache: Path) -> list[str]:
    client = _Client()
    shown: list[str] = []

    @client.feature(lsp.WINDOW_SHOW_MESSAGE)
    def show(params: lsp.ShowMessageParams) -> None:
        shown.append(params.message)
        client.changed.set()

    env = {**os.environ, "ASYNCAUDIT_CACHE_DIR": str(cache)}
    await client.start_io(sys.executable, "-m", "asyncaudit", "server", cwd=str(root), env=env)
    try:
        await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(),
                                                           root_uri=uris.from_fs_path(str(root))))
        client.initialized(lsp.InitializedParams())
        while not shown:
            client.changed.clear()
            await asyncio.wait_for(client.changed.wait(), 60)
        await client.shutdown_async(None)  # still answering
        client.exit(None)
    finally:
        await client.stop()
    return shown


def test_bad_configuration_is_one_message_and_the_server_lives(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[tool.asyncaudit]\nselect = 3\n")
    (root / "a.py").write_text("x = 1\n")
    shown = asyncio.run(asyncio.wait_for(_bad_config(root, tmp_path / "cache"), 120))
    assert len(shown) == 1 and shown[0].startswith("asyncaudit: ") and "select" in shown[0]
