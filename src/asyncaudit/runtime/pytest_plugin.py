"""pytest plugin: confirm the static findings with the blocking calls the tests really make.

Stage: runtime, entry point (`pytest11`: `asyncaudit`).  Off unless asked: `pytest
--asyncaudit`, `-p asyncaudit`, or `asyncaudit = true` in the ini file.  While a test
runs code on an asyncio event loop (pytest-asyncio, anyio's plugin, `asyncio.run` in a
sync test), `runtime.detector` records every blocking call made on the loop's thread;
at the end of the session the static analysis runs on the project (cached) and
`runtime.join` classifies: confirmed, runtime-only (a static miss), static-only (not
exercised).  The terminal summary prints the three counts, then every runtime-only
finding the way `asyncaudit check` prints findings.

Every command-line flag has an ini key (the flag wins):

    --asyncaudit                   asyncaudit            turn the plugin on
    --asyncaudit-report FILE       asyncaudit_report     write the JSON report
    --asyncaudit-fail-on WHAT      asyncaudit_fail_on    none | runtime-only | any: fail the run
    --asyncaudit-baseline FILE     asyncaudit_baseline   findings known (as `check --baseline`)
    --asyncaudit-paths P,Q         asyncaudit_paths      what the static analysis covers
    --asyncaudit-write-baseline FILE                     accept today's findings, runtime-only ones too

Suppressions (`# asyncaudit: ignore[AA107]`), `select`/`ignore` and the baseline are
those of `check`.  The plugin never changes a test's outcome; with a fail-on option it
sets the session's exit status (the tests keep their own results).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

FAIL_ON = ("none", "runtime-only", "any")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("asyncaudit", "asyncaudit: confirm blocking calls on the event loop at runtime")
    group.addoption("--asyncaudit", action="store_true", default=None, dest="asyncaudit",
                    help="record blocking calls made on a running event loop and join them with the "
                         "static findings (ini: asyncaudit)")
    group.addoption("--asyncaudit-report", metavar="FILE", default=None, dest="asyncaudit_report",
                    help="write the runtime report as JSON to FILE (ini: asyncaudit_report)")
    group.addoption("--asyncaudit-fail-on", choices=FAIL_ON, default=None, dest="asyncaudit_fail_on",
                    help="fail the run on runtime-only blocking calls (static misses) or on any blocking "
                         "call not accepted; default none (ini: asyncaudit_fail_on)")
    group.addoption("--asyncaudit-baseline", metavar="FILE", default=None, dest="asyncaudit_baseline",
                    help="an `asyncaudit check` baseline: its findings are known (ini: asyncaudit_baseline)")
    group.addoption("--asyncaudit-write-baseline", metavar="FILE", default=None,
                    dest="asyncaudit_write_baseline",
                    help="write a baseline accepting today's static and runtime-only findings")
    group.addoption("--asyncaudit-paths", metavar="PATHS", default=None, dest="asyncaudit_paths",
                    help="comma-separated paths the static analysis covers (default: `include` of "
                         "[tool.asyncaudit], else the rootdir; ini: asyncaudit_paths)")
    parser.addini("asyncaudit", type="bool", default=False, help="turn the asyncaudit runtime plugin on")
    parser.addini("asyncaudit_report", default="", help="asyncaudit: JSON report file")
    parser.addini("asyncaudit_fail_on", default="none", help="asyncaudit: none | runtime-only | any")
    parser.addini("asyncaudit_baseline", default="", help="asyncaudit: baseline file of known findings")
    parser.addini("asyncaudit_paths", type="linelist", default=[],
                  help="asyncaudit: paths the static analysis covers (relative to the rootdir)")


def _option(config: pytest.Config, name: str) -> Any:
    value = config.getoption(name)
    return config.getini(name) if value is None else value


def _wanted(config: pytest.Config) -> bool:
    plugins = getattr(config.option, "plugins", None) or []
    return bool(_option(config, "asyncaudit")) or "asyncaudit" in plugins


def pytest_configure(config: pytest.Config) -> None:
    if not _wanted(config):
        return
    fail_on = _option(config, "asyncaudit_fail_on") or "none"
    if fail_on not in FAIL_ON:
        raise pytest.UsageError(f"asyncaudit_fail_on: expected one of {', '.join(FAIL_ON)}, got {fail_on!r}")
    if getattr(config, "workerinput", None) is not None:
        return  # a pytest-xdist worker: see `RuntimePlugin.pytest_terminal_summary`
    config.pluginmanager.register(RuntimePlugin(config, fail_on), "asyncaudit-runtime")


@dataclass(slots=True)
class _Outcome:
    joined: Any
    outside: list[Any]
    known: set[int]
    fingerprints: dict[int, str]
    calls: int
    tests: int
    static_total: int
    failing: list[str] = field(default_factory=list)
    report: str = ""
    baseline_written: str = ""
    seconds: float = 0.0


class RuntimePlugin:
    """The active plugin: registered only when asked for."""

    def __init__(self, config: pytest.Config, fail_on: str) -> None:
        from asyncaudit.runtime.detector import Detector

        self.config = config
        self.fail_on = fail_on
        self.outcome: _Outcome | None = None
        self.error = ""
        self.xdist = bool(getattr(config.option, "numprocesses", None)) and config.pluginmanager.hasplugin("xdist")
        self.detector = Detector()
        if not self.xdist:
            self.detector.activate()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None):
        recorder = self.detector.recorder
        self.detector.refresh()  # modules the tests imported since
        recorder.test_id = item.nodeid
        try:
            yield
        finally:
            recorder.test_id = ""
            recorder.forget_frames()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.detector.deactivate()
        if self.xdist:
            return
        started = time.perf_counter()
        try:
            self.outcome = self._finish()
            self.outcome.seconds = time.perf_counter() - started
        except Exception as exc:  # the run's results stand: say what failed in one line
            if os.environ.get("ASYNCAUDIT_DEBUG"):
                raise
            self.error = f"{type(exc).__name__}: {exc}"
            return
        if self.outcome.failing and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.detector.deactivate()

    def _paths(self, root: Path, cfg: Any) -> list[str]:
        given = _option(self.config, "asyncaudit_paths")
        if isinstance(given, str):
            given = [p.strip() for p in given.split(",") if p.strip()]
        if given:
            return [_near(str(root / p)) for p in given]
        if cfg.include:
            return cfg.targets()
        return [_near(str(root))]

    def _finish(self) -> _Outcome:
        from asyncaudit import rules
        from asyncaudit.api import analyze
        from asyncaudit.baseline import fingerprints, load_baseline, write_baseline
        from asyncaudit.config import make_config
        from asyncaudit.runtime.join import Project, attribute, join
        from asyncaudit.runtime.report import document, dumps

        root = Path(str(self.config.rootpath))
        cfg = make_config([str(root)], {}, None)
        paths = self._paths(root, cfg)
        if cfg.python is None and not os.environ.get("VIRTUAL_ENV"):
            cfg.python = sys.executable  # the environment the tests ran in is the audited one
        result = analyze(paths, cfg)
        project = Project.discover(paths, cfg.exclude)
        recorder = self.detector.recorder
        sites = attribute(recorder.observations.values(), recorder.modules, recorder.code_sinks, project)
        inside = _select([s for s in sites if s.in_project], rules.active(cfg.select, cfg.ignore))
        outside = [s for s in sites if not s.in_project]
        joined = join(result.findings, inside)

        base = cfg.source.parent if cfg.source is not None else Path.cwd()
        runtime_only = [s.finding for s, _ in joined.runtime_only]
        prints = dict(zip(map(id, result.findings), fingerprints(result.findings, base)))
        prints.update(zip(map(id, runtime_only), fingerprints(runtime_only, base)))
        known: set[int] = set()
        baseline = _option(self.config, "asyncaudit_baseline")
        if baseline:
            accepted = load_baseline(root / baseline)
            for group in (result.findings, runtime_only):
                new = {id(f) for f in accepted.filter_new(group, base)}
                known |= {id(f) for f in group if id(f) not in new}
        out = _Outcome(joined, outside, known, prints,
                       calls=sum(s.calls for s in inside), tests=len({t for s in inside for t in s.tests}),
                       static_total=len(joined.confirmed) + len(joined.static_only))
        new_runtime = [s for s, _ in joined.runtime_only if id(s.finding) not in known]
        if self.fail_on in ("runtime-only", "any") and new_runtime:
            out.failing.append(f"{len(new_runtime)} runtime-only")
        if self.fail_on == "any":
            new_confirmed = [f for f, _ in joined.confirmed if id(f) not in known]
            if new_confirmed:
                out.failing.append(f"{len(new_confirmed)} confirmed")
        write = self.config.getoption("asyncaudit_write_baseline")
        if write:
            write_baseline(Path(write), [*result.findings, *runtime_only], base)
            out.baseline_written = write
        report = _option(self.config, "asyncaudit_report")
        if report:
            detector = {"catalog": self.detector.patcher.summary(), "unattributed": recorder.unattributed,
                        "loop_waits": recorder.loop_waits,
                        "patched": self.detector.patcher.applied}
            doc = document(joined, outside, root, prints, known, detector)
            target = root / report if not os.path.isabs(report) else Path(report)
            target.write_text(dumps(doc), encoding="utf-8")
            out.report = _near(str(target))
        return out

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        write = terminalreporter.write_line
        terminalreporter.write_sep("=", "asyncaudit runtime")
        if self.xdist:
            write("asyncaudit: not run: the runtime plugin does not support pytest-xdist (-n); run without it")
            return
        if self.error:
            write(f"asyncaudit: runtime join failed: {self.error}")
            return
        out = self.outcome
        if out is None:
            return
        from asyncaudit.report.text import finding_lines

        from asyncaudit.runtime.join import observable

        j = out.joined
        c = j.counts()
        write(f"{c['confirmed']} confirmed, {c['runtime_only']} runtime-only, {c['static_only']} static-only "
              f"({out.static_total} static findings; {out.calls} blocking call(s) on the loop in "
              f"{out.tests} test(s))")
        hidden = sum(1 for f in j.static_only if not observable(f))
        if j.exercised or hidden:
            write(f"static-only: {len(j.exercised)} exercised but blocking in another category, "
                  f"{hidden} not observable at runtime (C-type sinks such as threading.Lock)")
        if j.runtime_only:
            write("runtime-only (the static analysis did not report these):")
            for site, partial in j.runtime_only:
                for line in finding_lines(site.finding):
                    write(line)
                more = f" (+{len(site.tests) - 1} more)" if len(site.tests) > 1 else ""
                first = site.tests[0] if site.tests else "the session"
                write(f"    seen: {site.calls} call(s) in {first}{more}"
                      + ("  [known: baseline]" if id(site.finding) in out.known else ""))
                if partial:
                    codes = ", ".join(dict.fromkeys(f.code for f in partial))
                    cats = ", ".join(dict.fromkeys(c for f in partial for c in f.categories))
                    write(f"    static: {codes} at this boundary report{'s' if len(partial) == 1 else ''} "
                          f"{cats} only")
        if out.outside:
            n = len(out.outside)
            write(f"{n} blocking call site{'s' if n != 1 else ''} inside third-party async code "
                  f"(not the project's; listed in the report)")
        if out.known:
            write(f"{len(out.known)} finding(s) known from the baseline")
        if out.report:
            write(f"report: {out.report}")
        write(f"static analysis and join: {out.seconds:.2f} s")
        if out.baseline_written:
            write(f"wrote baseline: {out.baseline_written}")
        if out.failing:
            write(f"asyncaudit: failing the run (--asyncaudit-fail-on={self.fail_on}): "
                  f"{' and '.join(out.failing)} blocking call site(s) not accepted")


def _select(sites: list[Any], codes: frozenset[str]) -> list[Any]:
    """Apply `select`/`ignore` and `# asyncaudit: ignore` comments, as `check` does."""
    from dataclasses import replace

    from asyncaudit import rules
    from asyncaudit.parse.source import decode

    texts: dict[str, dict[int, frozenset[str] | None]] = {}

    def suppressed(path: str) -> dict[int, frozenset[str] | None]:
        got = texts.get(path)
        if got is None:
            try:
                with open(path, "rb") as fh:
                    got = rules.suppressions(decode(fh.read())[0])
            except OSError:
                got = {}
            texts[path] = got
        return got

    out = []
    for site in sites:
        paths = {h.location.path for c in site.finding.chains for h in c.hops}
        table = {p: suppressed(p) for p in paths}
        kept = rules.select([site.finding], codes, {p: t for p, t in table.items() if t})
        if kept:
            out.append(replace(site, finding=kept[0]))
    return out


def _near(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel == ".." or rel.startswith(".." + os.sep) else rel
