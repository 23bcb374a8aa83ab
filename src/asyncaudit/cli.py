"""Command line: `asyncaudit check|audit|server|rules|explain` -> exit status.

Options are layered: command line over `[tool.asyncaudit]` (found by walking up from the
first path, or `--config FILE`) over the defaults.  Flags that the user did not give are
MISSING, so they never override the file.

Exit status: 0 no finding at or above `--fail-on`, 1 findings, 2 usage, configuration
or internal error.
"""

from __future__ import annotations

import argparse
import enum
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from asyncaudit import __version__
from asyncaudit.config import MISSING, add_arguments


class ExitCode(enum.IntEnum):
    CLEAN = 0
    FINDINGS = 1
    ERROR = 2


class _UsageError(Exception):
    """A combination of options that argparse cannot express; exit 2."""


def _analysis_options(p: argparse.ArgumentParser, command: str) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: `include`, or .)")
    p.add_argument("--config", metavar="FILE", help="read [tool.asyncaudit] from FILE instead of searching")
    # every option of the table that has a flag (--select, --exclude, --python, ...)
    add_arguments(p, command)
    p.add_argument("--show-settings", action="store_true",
                   help="print the merged configuration, and where each value came from, then exit")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="print the findings (audit: the report path) and errors, nothing else")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asyncaudit",
        description="Audit Python code against the Async-First Design standard.",
    )
    parser.add_argument("--version", action="version", version=f"asyncaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="find event-loop-blocking calls, with their call chains")
    _analysis_options(check, "check")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when there are findings (errors still exit 2)")
    check.add_argument("--write-baseline", metavar="FILE", help="record today's findings in FILE and exit 0")
    check.add_argument("--baseline", metavar="FILE", help="report (and fail on) only findings not in FILE")
    check.add_argument("--runtime", metavar="FILE",
                       help="mark the findings the test suite confirmed, from the pytest plugin's report "
                            "(pytest --asyncaudit --asyncaudit-report FILE)")
    check.add_argument("--statistics", action="store_true",
                       help="print counts per rule and per leaf (and the lines behind many findings) "
                            "instead of the findings")
    check.add_argument("--report-unused-ignores", action="store_true",
                       help="report `# asyncaudit: ignore` comments that silence nothing (and fail on them)")
    changed = check.add_mutually_exclusive_group()
    changed.add_argument("--changed", action="store_true",
                         help="only findings whose boundary or chain touches uncommitted changes")
    changed.add_argument("--since", metavar="REV",
                         help="only findings whose boundary or chain touches lines changed since REV")
    fixing = check.add_argument_group("fixes")
    fixing.add_argument("--fix", action="store_true", help="rewrite fixable findings in place (safe fixes)")
    fixing.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix: apply unsafe fixes too; without: count them as available")
    fixing.add_argument("--fix-only", action="store_true",
                        help="apply fixes, report nothing else, exit 0 (implies --fix)")
    # ruff's meaning: with --fix, print the fixes as a unified diff and write nothing.
    # Alone, --diff keeps its earlier meaning (--changed) for existing scripts, with a warning.
    fixing.add_argument("--diff", action="store_true",
                        help="with --fix: print a unified diff of the fixes instead of writing them")

    audit = sub.add_parser("audit", help="write the standards audit report (score, violations, evidence)")
    _analysis_options(audit, "audit")
    audit.add_argument("--out", metavar="FILE",
                       help="report file (default: audits/<YYYY-MM-DD>/async-first-design.md, or .json)")
    audit.add_argument("--format", choices=("markdown", "json"), default="markdown")
    audit.add_argument("--previous", metavar="REPORT",
                       help="an earlier report, for the trend (default: the newest earlier one in audits/)")
    audit.add_argument("--date", metavar="YYYY-MM-DD", help="the report date (default: today)")
    audit.add_argument("--baseline", metavar="FILE",
                       help="a baseline (check --write-baseline): its findings stay in the report, counted "
                            "and marked as baselined")
    audit.add_argument("--link-base", metavar="URL",
                       help="link sites to URL + the file's path in the repository + #L<line> (e.g. "
                            "https://github.com/o/r/blob/<sha>/); default: links relative to the report")

    server = sub.add_parser("server", help="serve diagnostics and fixes to editors (Language Server over stdio)")
    server.add_argument("paths", nargs="*", metavar="PATH",
                        help="what to analyze (default: the workspace the editor opens, or its `include`)")
    sub.add_parser("rules", help="list the rules")
    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("code")
    parser.set_defaults(_commands=dict(sub.choices))
    return parser


def parse_args(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse like ruff: a command's paths may come anywhere among its options
    (`check a.py --no-cache --format text b.py`).

    argparse's `parse_intermixed_args` cannot see through subparsers, so the command's
    own parser reads everything after the command name.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    commands: dict[str, argparse.ArgumentParser] = parser.get_default("_commands")
    if not args or args[0] not in commands:  # --version, --help, nothing, or an unknown command
        return parser.parse_args(args)
    ns = commands[args[0]].parse_intermixed_args(args[1:])
    ns.command = args[0]
    return ns


def _Progress(quiet: bool = False):  # noqa: ANN202, N802
    from asyncaudit.terminal import Progress

    return Progress(quiet)


def _make_config(args: argparse.Namespace):  # noqa: ANN202
    from asyncaudit.config import cli_options, make_config
    from asyncaudit.environment import venv_prefix  # a virtualenv is named by its files, interpreter or not

    missing = [p for p in args.paths if not os.path.lexists(p)]
    if missing:
        raise FileNotFoundError(2, "no such file or directory", missing[0])

    config = make_config(args.paths, cli_options(args), args.config)
    python = config.python
    # an environment that is not there would silently stop following installed packages
    if python and not (os.path.exists(os.path.expanduser(python)) or shutil.which(python)
                       or venv_prefix(Path(os.path.expanduser(python))) is not None):
        origin = config.origins.get("python", "--python")
        raise _NothingToAnalyze(f"{'--python' if origin.startswith('--') else f'python (in {origin})'}: "
                                f"no such interpreter or environment: {python}")
    return config


def _targets(args: argparse.Namespace, config) -> list[str]:  # noqa: ANN001
    """The paths to analyze; an `include` entry that names nothing is an error, as the
    same path on the command line is (CI must not pass on "0 findings in 0 files")."""
    paths = config.targets(args.paths)
    if not args.paths:
        missing = [p for p in paths if not os.path.lexists(p)]
        if missing:
            raise _NothingToAnalyze(f"{missing[0]}: no such file or directory (from `include` in {config.source})")
    return paths


class _NothingToAnalyze(Exception):
    """Nothing could be analyzed (no such path from the configuration, no Python files): exit 2."""


def _analyze(paths: list[str], config, *, audit: bool, quiet: bool = False):  # noqa: ANN001, ANN202
    from asyncaudit.api import analyze

    progress = _Progress(quiet)
    try:
        result = analyze(paths, config, audit=audit, progress=progress)
    finally:
        progress.close()
    if not result.stats.files:
        for d in result.diagnostics:  # why: excluded, unreadable, ...
            _print_diagnostic(d)
        where = " ".join(paths)
        raise _NothingToAnalyze(f"no Python files to analyze in {where}" + (
            " (all excluded?)" if config.exclude or config.extend_exclude else ""))
    return result


def _print_diagnostic(d) -> None:  # noqa: ANN001
    from asyncaudit.report.text import diagnostic_line

    print(diagnostic_line(d), file=sys.stderr)


def _warn(result, quiet: bool = False) -> None:  # noqa: ANN001
    if quiet:
        return
    for d in result.diagnostics:
        _print_diagnostic(d)


def _root(config) -> Path:  # noqa: ANN001
    """Where relative paths (baseline, report) are anchored: the config file's folder, else cwd."""
    return config.source.parent if config.source is not None else Path.cwd()


def _filtered(findings: list, args: argparse.Namespace, paths: list[str], root: Path) -> tuple[list, int]:
    """The findings `check` reports (not in the baseline, touching the changed lines), and
    how many the baseline hid."""
    known = 0
    if args.baseline:
        from asyncaudit.baseline import load_baseline

        before = len(findings)
        findings = load_baseline(Path(args.baseline)).filter_new(findings, root)
        known = before - len(findings)
    if args.changed or args.since:
        from asyncaudit.changes import changed_lines, touches

        changed = changed_lines(args.since, Path(paths[0]) if Path(paths[0]).is_dir() else Path.cwd())
        findings = [f for f in findings if touches(f, changed)]
    return findings, known


def _check(args: argparse.Namespace) -> int:
    from asyncaudit.report import FORMATTERS

    if args.fix_only:
        args.fix = True
    fixing = args.fix
    if args.diff and not fixing:
        if args.since:
            raise _UsageError("argument --diff: not allowed with argument --since (use --changed)")
        print("asyncaudit: warning: `--diff` without `--fix` is deprecated: use `--changed` "
              "(with --fix, --diff prints the fixes as a diff)", file=sys.stderr)
        args.changed, args.diff = True, False
    config = _make_config(args)
    if args.show_settings:
        return _show_settings(args, config)
    paths = _targets(args, config)
    quiet = args.quiet
    result = _analyze(paths, config, audit=False, quiet=quiet)
    root = _root(config)
    if args.runtime:
        from asyncaudit.runtime.report import RuntimeReportError, confirm, load

        try:
            result.findings = confirm(result.findings, load(Path(args.runtime)))
        except RuntimeReportError as exc:
            print(f"asyncaudit: error: {exc}", file=sys.stderr)
            return ExitCode.ERROR
    if args.write_baseline:
        from asyncaudit.baseline import write_baseline

        n = write_baseline(Path(args.write_baseline), result.findings, root)
        print(f"wrote {n} finding{'s' if n != 1 else ''} to {args.write_baseline}")
        return ExitCode.CLEAN
    result.findings, known = _filtered(result.findings, args, paths, root)
    from asyncaudit import fix
    from asyncaudit.fix.report import fixable_hint, relative, summary
    from asyncaudit.report.text import diagnostic_line

    if fixing:
        run = fix.plan(result.findings, offloader=config.fix_offloader, defs=result.defs)
        result.findings = run.findings
    elif result.findings:
        cache_dir = (os.environ.get("ASYNCAUDIT_CACHE_DIR") or config.cache_dir) if config.cache else None
        result.findings = fix.annotate(result.findings, offloader=config.fix_offloader, defs=result.defs,
                                       cache_dir=cache_dir)
    if fixing:
        run.apply(unsafe=args.unsafe_fixes)
        for d in run.diagnostics:
            print(diagnostic_line(d), file=sys.stderr)
        if args.diff:
            sys.stdout.write(run.diff(relative))
            print(summary(run, run.findings, unsafe=args.unsafe_fixes, would=True), file=sys.stderr)
            return ExitCode.FINDINGS if any(o.changed for o in run.outcomes) else ExitCode.CLEAN
        before = result.findings
        if run.write():
            # the rest of the report is about the files as they are now: analyze them again
            dropped = run.dropped_keys()
            result = _analyze(paths, config, audit=False, quiet=quiet)
            result.findings = fix.plan(_filtered(result.findings, args, paths, root)[0],
                                       offloader=config.fix_offloader, defs=result.defs, dropped=dropped).findings
        outcome = summary(run, result.findings, unsafe=args.unsafe_fixes, before=before)
        if args.fix_only:
            if not quiet:
                print(outcome, file=sys.stderr)
            return ExitCode.CLEAN
    if args.statistics:
        from asyncaudit.report.text import statistics

        rendered = statistics(result)
    elif quiet and args.format == "text":  # ruff's --quiet: the findings, nothing else
        from asyncaudit.report.text import finding_lines

        rendered = "".join(line + "\n" for f in result.findings for line in finding_lines(f))
    else:
        rendered = FORMATTERS[args.format](result)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(rendered)
    else:
        if args.format == "text":
            from asyncaudit.terminal import write

            write(rendered)  # coloured on a terminal (NO_COLOR / FORCE_COLOR honoured)
        else:
            sys.stdout.write(rendered)
    if args.format not in ("text", "github") or args.statistics:
        _warn(result, quiet)
    out = sys.stdout if args.format == "text" and not args.output else sys.stderr
    if quiet:
        pass
    elif fixing:
        print(outcome, file=out)
    else:
        hint = fixable_hint(result.findings, unsafe=args.unsafe_fixes)
        if hint:
            print(hint, file=out)
    if args.baseline and known and not quiet:
        print(f"{known} finding{'s' if known != 1 else ''} already in the baseline not shown", file=sys.stderr)
    unused = result.unused_ignores if args.report_unused_ignores else []
    for loc in unused:
        print(f"{loc.path}:{loc.line}:{loc.column}: unused suppression: `# asyncaudit: ignore` silences nothing",
              file=sys.stderr)
    failing = [f for f in result.findings if f.severity >= config.fail_on]
    if args.exit_zero:
        return ExitCode.CLEAN
    return ExitCode.FINDINGS if failing or unused else ExitCode.CLEAN


def _show_settings(args: argparse.Namespace, config) -> int:  # noqa: ANN001
    from asyncaudit.config import show_settings

    sys.stdout.write(show_settings(config, config.targets(args.paths)))
    return ExitCode.CLEAN


def _audit(args: argparse.Namespace) -> int:
    import datetime as dt
    import json

    from asyncaudit import audit as audit_mod
    from asyncaudit.report import markdown

    date = args.date or audit_mod.today()
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        print(f"asyncaudit: error: --date: expected YYYY-MM-DD, got {date!r}", file=sys.stderr)
        return ExitCode.ERROR
    ext = "md" if args.format == "markdown" else "json"
    out = Path(args.out) if args.out else Path("audits") / date / f"async-first-design.{ext}"
    previous = Path(args.previous) if args.previous else _newest_previous(out, date)
    if previous is not None and not previous.is_file():
        print(f"asyncaudit: error: --previous: no such report: {previous}", file=sys.stderr)
        return ExitCode.ERROR
    args.fail_on = MISSING
    config = _make_config(args)
    if args.show_settings:
        return _show_settings(args, config)
    paths = _targets(args, config)
    result = _analyze(paths, config, audit=True, quiet=args.quiet)
    first = Path(paths[0])
    root = first if first.is_dir() else first.parent
    baseline = None
    if args.baseline:
        from asyncaudit.baseline import load_baseline

        baseline = load_baseline(Path(args.baseline))
    report = audit_mod.build(result, root=root, date=date, previous=previous, defs=result.defs,
                             baseline=baseline, baseline_root=_root(config))
    links = (markdown.Links.web(args.link_base, markdown.repository_root(root)) if args.link_base
             else markdown.Links.relative(out.parent))
    text = (markdown.render(report, root, links) if args.format == "markdown"
            else json.dumps(markdown.as_dict(report, root, links), indent=2) + "\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    _warn(result, args.quiet)
    if args.quiet:
        print(out)
        return ExitCode.CLEAN
    score = "n/a" if report.score is None else f"{report.score}/100"
    print(f"score: {score}  status: {report.status}  violations: {len(report.violations)}  report: {out}")
    return ExitCode.CLEAN


def _newest_previous(out: Path, date: str) -> Path | None:
    audits = out.parent.parent
    if not audits.is_dir():
        return None
    earlier = sorted(p for p in audits.glob(f"*/{out.name}") if p.parent.name < date)
    return earlier[-1] if earlier else None


def _rules() -> int:
    from asyncaudit.rules import ALL_RULES

    for r in ALL_RULES:
        on = "" if r.default_enabled else "  (audit; check with --select)"
        print(f"{r.code}  {r.name:<36} {r.severity.label:<8} {r.summary}{on}")
    return ExitCode.CLEAN


def _explain(code: str) -> int:
    from asyncaudit.rules import BY_CODE

    rule = BY_CODE.get(code.upper())
    if rule is None:
        print(f"asyncaudit: unknown rule {code!r}; see `asyncaudit rules`", file=sys.stderr)
        return ExitCode.ERROR
    print(rule.doc.strip() if rule.doc else f"{rule.code}: {rule.name}\n\n{rule.summary}")
    return ExitCode.CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    from asyncaudit.baseline import BaselineError
    from asyncaudit.changes import ChangesError
    from asyncaudit.config import ConfigError

    parser = build_parser()
    args = parse_args(parser, argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "audit":
            return _audit(args)
        if args.command == "server":
            from asyncaudit.server import main as serve

            return serve(args.paths)
        if args.command == "rules":
            return _rules()
        if args.command == "explain":
            return _explain(args.code)
        parser.print_help()
        return ExitCode.ERROR
    except _UsageError as exc:
        print(f"asyncaudit check: error: {exc}", file=sys.stderr)
        return ExitCode.ERROR
    except _NothingToAnalyze as exc:
        print(f"asyncaudit: error: {exc}", file=sys.stderr)
        return ExitCode.ERROR
    except (ConfigError, BaselineError) as exc:
        print(f"asyncaudit: error: {exc}", file=sys.stderr)
        return ExitCode.ERROR
    except ChangesError as exc:
        print(f"asyncaudit: error: cannot read changes from git: {exc}", file=sys.stderr)
        return ExitCode.ERROR
    except KeyboardInterrupt:
        return ExitCode.ERROR
    except BrokenPipeError:
        return ExitCode.CLEAN
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"asyncaudit: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return ExitCode.ERROR
    except Exception as exc:  # an internal error must still be one line, not a traceback
        if os.environ.get("ASYNCAUDIT_DEBUG"):
            raise
        print(f"asyncaudit: internal error: {type(exc).__name__}: {exc} "
              f"(set ASYNCAUDIT_DEBUG=1 for a traceback)", file=sys.stderr)
        return ExitCode.ERROR
