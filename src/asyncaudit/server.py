"""`asyncaudit server`: a Language Server over stdio (pygls) that serves the analysis to editors.

Stage: a front end beside the CLI.  It keeps one `incremental.Session` for the workspace:
the first analysis runs when the client is initialized; each save re-analyzes in
proportion to the edit (facts of unchanged files are kept, see `asyncaudit.incremental`)
and publishes fresh diagnostics.

* Diagnostics: one per finding, for every open document and every file that had
  findings before (so fixed files are cleared); the chain is the diagnostic's related
  information (one entry per hop, down to the blocking call), the rule code links to
  its documentation.
* Code actions: the `check --fix` rewrite of a finding (`asyncaudit.fix`), planned when
  asked for, when one exists (safe fixes are preferred; unsafe ones say why).

The analysis runs in a worker thread: an analyzer of event-loop blocking does not block
its own loop, and the server keeps answering while it works.  Analyses never overlap; a
save arriving during one is answered by the next.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lsprotocol import types as lsp
from pygls import uris
from pygls.lsp.server import LanguageServer

from asyncaudit import __version__
from asyncaudit.model import AnalysisResult, Finding, Location, Severity
from asyncaudit.report.sarif import HELP_URI

NAME = "asyncaudit"
_SEVERITY = {Severity.CRITICAL: lsp.DiagnosticSeverity.Error, Severity.HIGH: lsp.DiagnosticSeverity.Error,
             Severity.MEDIUM: lsp.DiagnosticSeverity.Warning, Severity.LOW: lsp.DiagnosticSeverity.Information}
_DOCS = HELP_URI


@dataclass
class _State:
    paths: list[str] = field(default_factory=list)
    session: object | None = None  # incremental.Session (imported lazily: startup stays fast)
    result: AnalysisResult | None = None
    by_path: dict[str, list[Finding]] = field(default_factory=dict)
    published: set[str] = field(default_factory=set)
    fixes: dict[str, list[Finding]] = field(default_factory=dict)  # path -> findings with their Fix
    lock: threading.Lock = field(default_factory=threading.Lock)  # one analysis or fix plan at a time
    running: asyncio.Lock | None = None
    last_seconds: float = 0.0


class AuditServer(LanguageServer):
    """The language server: `asyncaudit server` runs one over stdio."""

    def __init__(self) -> None:
        super().__init__(NAME, __version__)
        self.state = _State()


def _lines(path: str, cache: dict[str, list[str]]) -> list[str]:
    got = cache.get(path)
    if got is None:
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                got = fh.read().splitlines()
        except OSError:
            got = []
        cache[path] = got
    return got


def _character(lines: list[str], line: int, column: int) -> int:
    """LSP counts UTF-16 code units; asyncaudit's 1-based columns count characters."""
    if 0 < line <= len(lines):
        prefix = lines[line - 1][:max(column - 1, 0)]
        return len(prefix.encode("utf-16-le")) // 2
    return max(column - 1, 0)


def _range(loc: Location, cache: dict[str, list[str]]) -> lsp.Range:
    lines = _lines(loc.path, cache)
    return lsp.Range(lsp.Position(max(loc.line - 1, 0), _character(lines, loc.line, loc.column)),
                     lsp.Position(max(loc.end_line - 1, 0), _character(lines, loc.end_line, loc.end_column)))


def _uri(path: str) -> str:
    return uris.from_fs_path(os.path.abspath(path)) or path


def diagnostic(f: Finding, cache: dict[str, list[str]]) -> lsp.Diagnostic:
    """The LSP diagnostic of a finding: its chain (every hop) as related information."""
    related = []
    for chain in f.chains:
        hops = chain.hops
        for i, hop in enumerate(hops):
            last = i == len(hops) - 1
            what = f"blocking call `{chain.sink}` ({chain.category})" if last else f"calls `{hop.target}`"
            related.append(lsp.DiagnosticRelatedInformation(
                lsp.Location(_uri(hop.location.path), _range(hop.location, cache)),
                f"{hop.function}: `{hop.callee}` {what}" if i else f"`{hop.callee}` -> {what}"))
    return lsp.Diagnostic(
        range=_range(f.location, cache), message=f"{f.message}\n{f.recommendation}",
        severity=_SEVERITY.get(f.severity, lsp.DiagnosticSeverity.Warning), code=f.code,
        code_description=lsp.CodeDescription(href=f"{_DOCS}"), source=NAME,
        related_information=related or None,
        data={"function": f.function, "callee": f.callee, "line": f.location.line, "column": f.location.column})


def _targets(ls: AuditServer, root: str) -> tuple[list[str], object]:
    from asyncaudit.config import make_config

    config = make_config([root], {}, None)
    paths = list(config.targets([])) if config.include else [root]
    return [os.path.abspath(os.fspath(p)) for p in paths], config


def _analyze(ls: AuditServer) -> str:
    """Analyze (incrementally after the first time); runs in a worker thread.  Returns the
    log line; publishing is left to the event loop (the connection is not thread-safe)."""
    st = ls.state
    with st.lock:
        start = time.perf_counter()
        result = st.session.analyze()  # type: ignore[union-attr]
        st.last_seconds = time.perf_counter() - start
        by_path: dict[str, list[Finding]] = {}
        for f in result.findings:
            by_path.setdefault(os.path.abspath(f.location.path), []).append(f)
        st.result, st.by_path, st.fixes = result, by_path, {}
        stats = st.session.stats  # type: ignore[union-attr]
        return (f"asyncaudit: {len(result.findings)} findings in {st.last_seconds:.2f} s "
                f"({stats.extracted} files extracted, {stats.kept} kept"
                f"{', rediscovered' if stats.rediscovered else ''})")


def _publish(ls: AuditServer) -> None:
    st = ls.state
    open_paths = {os.path.abspath(uris.to_fs_path(u) or u) for u in ls.workspace.text_documents}
    cache: dict[str, list[str]] = {}
    for path in sorted(open_paths | set(st.by_path) | st.published):
        diags = [diagnostic(f, cache) for f in st.by_path.get(path, ())]
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=_uri(path), diagnostics=diags))
    st.published = set(st.by_path)


async def _run(ls: AuditServer) -> None:
    st = ls.state
    if st.running is None:
        st.running = asyncio.Lock()
    async with st.running:
        try:
            line = await asyncio.to_thread(_analyze, ls)
        except Exception as exc:  # noqa: BLE001 - the server must outlive a failed analysis
            logging.getLogger(__name__).exception("analysis failed")
            ls.window_show_message(lsp.ShowMessageParams(
                lsp.MessageType.Error, f"asyncaudit: analysis failed: {type(exc).__name__}: {exc}"))
            return
        ls.window_log_message(lsp.LogMessageParams(lsp.MessageType.Info, line))
        _publish(ls)


def _fixes_for(ls: AuditServer, path: str) -> list[Finding]:
    st = ls.state
    got = st.fixes.get(path)
    if got is None:
        from asyncaudit import fix

        findings = st.by_path.get(path, [])
        config = st.session.config  # type: ignore[union-attr]
        got = fix.annotate(findings, offloader=config.fix_offloader,
                           defs=st.result.defs if st.result else None) if findings else []
        st.fixes[path] = got
    return got


def code_actions(ls: AuditServer, uri: str, diagnostics: Iterable[lsp.Diagnostic]) -> list[lsp.CodeAction]:
    """The `--fix` rewrite of each asyncaudit diagnostic given, where there is one."""
    path = os.path.abspath(uris.to_fs_path(uri) or uri)
    wanted = [d for d in diagnostics if d.source == NAME and isinstance(d.data, dict)]
    if not wanted:
        return []
    with ls.state.lock:
        findings = _fixes_for(ls, path)
    out: list[lsp.CodeAction] = []
    cache: dict[str, list[str]] = {}
    for d in wanted:
        data = d.data
        f = next((f for f in findings if f.function == data.get("function") and f.callee == data.get("callee")
                  and f.location.line == data.get("line") and f.location.column == data.get("column")), None)
        if f is None or f.fix is None or f.fix.applicability not in ("safe", "unsafe") or not f.fix.edits:
            continue
        changes: dict[str, list[lsp.TextEdit]] = {}
        for e in f.fix.edits:
            changes.setdefault(_uri(e.location.path), []).append(lsp.TextEdit(_range(e.location, cache), e.text))
        title = f"asyncaudit: {f.fix.description or 'offload the call'}"
        if f.fix.applicability == "unsafe":
            title += f" (unsafe: {f.fix.reason})" if f.fix.reason else " (unsafe)"
        out.append(lsp.CodeAction(title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[d],
                                  is_preferred=f.fix.applicability == "safe",
                                  edit=lsp.WorkspaceEdit(changes=changes)))
    return out


def make_server(paths: Sequence[str] = ()) -> AuditServer:
    """The server, its features registered.  `paths`: what to analyze (default: the
    workspace root the client names, with its `[tool.asyncaudit]` configuration)."""
    ls = AuditServer()

    @ls.feature(lsp.INITIALIZED)
    async def initialized(ls: AuditServer, params: lsp.InitializedParams) -> None:
        from asyncaudit.incremental import Session

        root = ls.workspace.root_path or os.getcwd()
        given = [os.path.abspath(p) for p in paths]
        try:
            targets, config = _targets(ls, given[0] if given else root)
        except Exception as exc:  # noqa: BLE001 - a bad configuration is one message, not a dead server
            ls.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Error, f"asyncaudit: {exc}"))
            return
        ls.state.paths = given or targets
        ls.state.session = Session(ls.state.paths, config)  # type: ignore[arg-type]
        await _run(ls)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: AuditServer, params: lsp.DidOpenTextDocumentParams) -> None:
        if ls.state.result is not None:
            _publish(ls)

    @ls.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: AuditServer, params: lsp.DidSaveTextDocumentParams) -> None:
        if ls.state.session is not None:
            await _run(ls)

    @ls.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    async def code_action(ls: AuditServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        if ls.state.session is None:
            return []
        return await asyncio.to_thread(code_actions, ls, params.text_document.uri, params.context.diagnostics)

    return ls


def main(paths: Sequence[str] = ()) -> int:
    """Serve over stdin/stdout until the client says exit."""
    make_server(paths).start_io()
    return 0


__all__ = ["AuditServer", "code_actions", "diagnostic", "main", "make_server"]
