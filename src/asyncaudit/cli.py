"""Command line: `asyncaudit check|rules|explain` -> exit status.

Exit status: 0 no finding at or above `--fail-on`, 1 findings, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import enum
import sys
from collections.abc import Sequence

from asyncaudit import __version__
from asyncaudit.model import Severity


class ExitCode(enum.IntEnum):
    CLEAN = 0
    FINDINGS = 1
    ERROR = 2


def _csv(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _severity(value: str) -> Severity:
    try:
        return Severity[value.upper()]
    except KeyError:
        raise argparse.ArgumentTypeError(
            f"invalid severity {value!r} (choose from low, medium, high, critical)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="asyncaudit",
        description="Audit Python code against the Async-First Design standard.",
    )
    parser.add_argument("--version", action="version", version=f"asyncaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="find event-loop-blocking calls, with their call chains")
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--select", type=_csv, default=(), metavar="CODES",
                       help="only these rule codes or prefixes (e.g. AA101,AA107)")
    check.add_argument("--ignore", type=_csv, default=(), metavar="CODES", help="skip these rule codes or prefixes")
    check.add_argument("--fail-on", type=_severity, default=Severity.LOW, metavar="SEVERITY",
                       help="exit 1 only for findings at or above this severity (default: low)")
    check.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="skip files and folders matching GLOB (repeatable)")
    check.add_argument("--python", metavar="PATH",
                       help="interpreter of the audited environment: calls into its installed "
                            "packages are followed into their source (default: the active virtualenv)")
    check.add_argument("--no-libraries", action="store_true",
                       help="do not follow calls into installed third-party packages")
    check.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (default: all cores)")

    audit = sub.add_parser("audit", help="write the standards audit report (score, violations, evidence)")
    audit.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    audit.add_argument("--out", metavar="FILE",
                       help="report file (default: audits/<YYYY-MM-DD>/async-first-design.md, or .json)")
    audit.add_argument("--format", choices=("markdown", "json"), default="markdown")
    audit.add_argument("--previous", metavar="REPORT",
                       help="an earlier report, for the trend (default: the newest earlier one in audits/)")
    audit.add_argument("--date", metavar="YYYY-MM-DD", help="the report date (default: today)")
    audit.add_argument("--exclude", action="append", default=[], metavar="GLOB")
    audit.add_argument("--python", metavar="PATH")
    audit.add_argument("--no-libraries", action="store_true")
    audit.add_argument("--jobs", "-j", type=int, default=0)

    sub.add_parser("rules", help="list the rules")
    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("code")
    return parser


def _check(args: argparse.Namespace) -> int:
    from asyncaudit.api import Config, analyze
    from asyncaudit.report import FORMATTERS

    config = Config(select=args.select, ignore=args.ignore, exclude=tuple(args.exclude),
                    python=args.python, follow_libraries=not args.no_libraries, jobs=args.jobs)
    result = analyze(args.paths, config)
    rendered = FORMATTERS[args.format](result)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(rendered)
    else:
        sys.stdout.write(rendered)
    if args.format != "text" and result.diagnostics:
        for d in result.diagnostics:
            print(f"{d.path}:{d.line or 1}: warning: {d.message}", file=sys.stderr)
    failing = [f for f in result.findings if f.severity >= args.fail_on]
    return ExitCode.FINDINGS if failing else ExitCode.CLEAN


def _audit(args: argparse.Namespace) -> int:
    import datetime as dt
    import json
    from pathlib import Path

    from asyncaudit import audit as audit_mod
    from asyncaudit.api import Config, analyze
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
    config = Config(exclude=tuple(args.exclude), python=args.python, follow_libraries=not args.no_libraries,
                    jobs=args.jobs)
    result = analyze(args.paths, config, audit=True)
    first = Path(args.paths[0]) if args.paths else Path(".")
    root = first if first.is_dir() else first.parent
    report = audit_mod.build(result, root=root, date=date, previous=previous, defs=result.defs)
    text = (markdown.render(report, root) if args.format == "markdown"
            else json.dumps(markdown.as_dict(report, root), indent=2) + "\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    for d in result.diagnostics:
        print(f"{d.path}:{d.line or 1}: warning: {d.message}", file=sys.stderr)
    score = "n/a" if report.score is None else f"{report.score}/100"
    print(f"score: {score}  status: {report.status}  violations: {len(report.violations)}  report: {out}")
    return ExitCode.CLEAN


def _newest_previous(out, date: str):  # noqa: ANN001, ANN202
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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "audit":
            return _audit(args)
        if args.command == "rules":
            return _rules()
        if args.command == "explain":
            return _explain(args.code)
        parser.print_help()
        return ExitCode.ERROR
    except KeyboardInterrupt:
        return ExitCode.ERROR
    except BrokenPipeError:
        return ExitCode.CLEAN
    except OSError as exc:
        print(f"asyncaudit: error: {exc}", file=sys.stderr)
        return ExitCode.ERROR
    except Exception as exc:  # an internal error must still be one line, not a traceback
        if "--debug" in sys.argv or __import__("os").environ.get("ASYNCAUDIT_DEBUG"):
            raise
        print(f"asyncaudit: internal error: {type(exc).__name__}: {exc} "
              f"(set ASYNCAUDIT_DEBUG=1 for a traceback)", file=sys.stderr)
        return ExitCode.ERROR
