"""Render stage: the Markdown audit report, in the format of the standard's example audit.

YAML front matter (standard, category, score, importance, violations_count, date,
status), the title block and a table of contents, Summary (with a table of the
violations: severity, sites, file), Violations (File, Severity, Sites, Evidence,
Recommendation), Compliant Examples, Scoring Rationale (Coverage, Severity, Trend,
Risk), then the trend details, the suppressed findings and a machine-readable comment
that a later audit's Trend reads.

Every path and identifier is a code span (`code_span`) and all other text is escaped
(`inline`), so `__init__.py` never turns bold and a file name can hold anything.  Sites
link to the code (`Links`): relative to the report's folder, or a web host's blob URL.

The Markdown escaping helpers here are the only ones: the audit stage writes its titles and
recommendations with `code_span`, and every other renderer that writes Markdown uses them;
`one_line` and `uri`, shared with the other formats, live in `report/escape.py`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from asyncaudit.report.escape import one_line, uri

if TYPE_CHECKING:  # the audit stage imports `code_span` from here
    from asyncaudit.audit import Audit
    from asyncaudit.model import Finding, Location


# ---- escaping ----------------------------------------------------------------------------------

# ASCII punctuation that can start or end Markdown syntax (emphasis, links, HTML, entities,
# tables, strikethrough, autolinks); a backslash before any of them shows it literally
_SPECIAL = re.compile(r"[\\*_\[\]<>&|~!#]")
_TICKS = re.compile(r"`+")


def code_span(text: str) -> str:
    """A Markdown code span showing `text` literally: one line, and fenced with one more
    backtick than the longest run inside, so no backtick in a name can close it early."""
    text = one_line(text)
    longest = max((len(r) for r in _TICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.strip()) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _spans(text: str) -> list[tuple[bool, str]]:
    """`text` cut into (is a code span, piece), by CommonMark's rule: a backtick run opens a
    span closed by the next run of the same length; a run without one is literal."""
    out: list[tuple[bool, str]] = []
    pos = 0
    plain_from = 0
    while True:
        m = _TICKS.search(text, pos)
        if m is None:
            break
        n = len(m.group())
        close = next((c for c in _TICKS.finditer(text, m.end()) if len(c.group()) == n), None)
        if close is None:
            pos = m.end()
            continue
        if m.start() > plain_from:
            out.append((False, text[plain_from:m.start()]))
        out.append((True, text[m.start():close.end()]))
        pos = plain_from = close.end()
    if plain_from < len(text):
        out.append((False, text[plain_from:]))
    return out


def inline(text: str) -> str:
    """Prose for one Markdown line: code spans kept as they are, everything else escaped
    (`__init__.py` stays `__init__.py`, `[High]` is no link, `<x>` no HTML)."""
    out = []
    for is_code, piece in _spans(one_line(text)):
        if is_code:
            out.append(piece)
        else:
            out.append(_SPECIAL.sub(lambda m: "\\" + m.group(), piece).replace("`", "\\`"))
    return "".join(out)


_FILE_REF = re.compile(r"(?<![\w/.-])[\w./-]*\w\.pyi?(?::\d+)?(?![\w])")


def code_paths(text: str) -> str:
    """`text` with each file reference outside a code span (`loop at __init__.py:70`)
    made a code span, for prose written by other stages."""
    return "".join(piece if is_code else _FILE_REF.sub(lambda m: code_span(m.group()), piece)
                   for is_code, piece in _spans(text))


def cell(text: str) -> str:
    """`inline` for a table cell."""
    return _pipes(inline(text))


def _pipes(md: str) -> str:
    # a `|` splits table cells even inside a code span (GFM): escape every one not escaped
    return re.sub(r"(?<!\\)\|", r"\\|", md)


def fence(block: str) -> str:
    """A code fence longer than any run of backticks in `block` (so it cannot be closed early)."""
    longest = max((len(r) for r in re.findall("`{3,}", block)), default=0)
    return "`" * max(3, longest + 1)


# ---- links -------------------------------------------------------------------------------------

def _url_path(path: str) -> str:
    """A path as a URL path: POSIX separators, its bytes percent-encoded (RFC 3986)."""
    return uri(path, absolute=False)


@dataclass(frozen=True, slots=True)
class Links:
    """Where the report links each site: `base` + the file's path relative to `root` +
    `#L<line>` (the line anchor of GitHub, GitLab and Gitea file views).

    `Links.relative(report_folder)`: links relative to the report file, which work in any
    viewer of the checkout and on the web host of the repository alike.
    `Links.web(url, repository_root)`: absolute links into a web host's file view, e.g.
    `https://github.com/o/r/blob/<sha>/`.
    """

    base: str
    root: Path

    @classmethod
    def relative(cls, report_folder: Path) -> Links:
        return cls("", report_folder.absolute())

    @classmethod
    def web(cls, url: str, repository_root: Path) -> Links:
        return cls(url if url.endswith("/") else url + "/", repository_root.absolute())

    def href(self, path: str, line: int) -> str:
        try:
            relpath = os.path.relpath(Path(path).absolute(), self.root)
        except ValueError:  # another drive: no relative form
            relpath = Path(path).absolute().as_posix()
        return f"{self.base}{_url_path(relpath)}#L{line}"


def repository_root(folder: Path) -> Path:
    """The root of the repository holding `folder` (the nearest folder above it with a
    `.git`), else `folder` itself: what a web host's blob URLs are relative to."""
    start = folder.absolute()
    for d in (start, *start.parents):
        if (d / ".git").exists():
            return d
    return start


# ---- the report --------------------------------------------------------------------------------

def _yaml_scalar(v: object) -> str:
    if v is None:
        return "n/a"
    return str(v)


class _Writer:
    """Paths as code spans, linked when the report has links."""

    def __init__(self, root: Path, links: Links | None) -> None:
        from asyncaudit.audit import rel

        self._rel = rel
        self.root = root
        self.links = links

    def at(self, loc: Location) -> str:
        label = code_span(f"{self._rel(loc.path, self.root)}:{loc.line}")
        if self.links is None:
            return label
        return f"[{label}]({self.links.href(loc.path, loc.line)})"

    def site(self, f: Finding, baselined: bool) -> str:
        mark = " (baselined)" if baselined else ""
        return (f"{self.at(f.location)} {f.code} \\[{f.severity.label}\\] in {code_span(_short(f.function))}: "
                f"{code_span(f.callee)}{_leaves(f)}{mark}")


def _short(q: str) -> str:
    from asyncaudit.audit import short_name

    return short_name(q)


def _anchor(name: str) -> list[str]:
    # an empty block element with an id, then a blank line: a link target in every renderer
    # that passes HTML (GitHub prefixes it and still resolves #name), the heading untouched
    return [f'<div id="{name}"></div>', ""]


def render(audit: Audit, root: Path, links: Links | None = None) -> str:
    """The report's text.  `root`: the audited folder (paths are shown relative to it);
    `links`: where sites link to (None: no links)."""
    from asyncaudit.audit import CATEGORY, IMPORTANCE, STANDARD

    w = _Writer(root, links)
    t = audit.tally
    out: list[str] = [
        "---",
        f"standard: {STANDARD}",
        f"category: {CATEGORY}",
        f"score: {_yaml_scalar(audit.score)}",
        f"importance: {IMPORTANCE}",
        f"violations_count: {len(audit.violations)}",
        f"date: {audit.date}",
        f"status: {audit.status}",
        "---",
        "",
        "# Standards Audit: Async-First Design",
        "",
        f"**Standard:** `python/{STANDARD}`  ",  # two trailing spaces: one line each when rendered
        f"**Date:** {audit.date}  ",
        f"**Score:** {_yaml_scalar(audit.score)}{'/100' if audit.score is not None else ''}  ",
        f"**Importance:** {IMPORTANCE}",
        "",
    ]
    contents = [("summary", "Summary"), ("violations", f"Violations ({len(audit.violations)})"),
                ("compliant-examples", "Compliant Examples"), ("scoring-rationale", "Scoring Rationale")]
    if audit.trend.previous:
        contents.append(("trend", "Trend"))
    if audit.suppressed:
        contents.append(("suppressed-findings", f"Suppressed findings ({len(audit.suppressed)})"))
    out += ["**Contents:** " + " · ".join(f"[{label}](#{name})" for name, label in contents), ""]
    out += [*_anchor("summary"), "## Summary", "", inline(audit.summary), ""]
    if audit.violations:
        out += ["| # | Violation | Severity | Sites | File |", "|---:|---|---|---:|---|"]
        for i, v in enumerate(audit.violations, 1):
            base = sum(v.baselined)
            sites = f"{len(v.findings)}" + (f" ({base} baselined)" if base else "")
            out.append(f"| {i} | [{cell(v.title)}](#violation-{i}) | {v.severity.label} | {sites} | "
                       f"{_pipes(w.at(v.location))} |")
        out.append("")
    out += [*_anchor("violations"), "## Violations", ""]
    if not audit.violations:
        out += ["None.", ""]
    for i, v in enumerate(audit.violations, 1):
        out += [
            *_anchor(f"violation-{i}"),
            f"### Violation {i}: {inline(v.title)}",
            "",
            f"- **File:** {w.at(v.location)}",
            f"- **Severity:** {v.severity.label} — {inline(v.reason)}",
        ]
        marks = v.baselined or [False] * len(v.findings)
        if len(v.findings) > 1:
            out.append(f"- **Sites ({len(v.findings)}):**")
            out += [f"  - {w.site(f, b)}" for f, b in zip(v.findings, marks, strict=True)]
        else:
            out.append(f"- **Site:** {w.site(v.findings[0], marks[0])}")
        out.append("- **Evidence:**")
        for block in v.evidence:
            bar = fence(block)  # longer than any backtick run in the quoted code
            out += [f"  {bar}python", *(f"  {one_line(ln)}".rstrip() for ln in block.split("\n")), f"  {bar}"]
        out += [f"- **Recommendation:** {inline(v.recommendation)}", ""]
    out += [*_anchor("compliant-examples"), "## Compliant Examples", ""]
    if audit.examples:
        for e in audit.examples:
            out.append(f"- {w.at(e.location)} — {inline(e.text)}.")
    else:
        out.append("- None found: no offloaded call, awaited async I/O or structured fan-out on event-loop paths.")
    out += [
        "",
        *_anchor("scoring-rationale"),
        "## Scoring Rationale",
        "",
        f"- **Coverage:** {inline(audit.coverage)}",
        f"- **Severity:** {inline(audit.severity)}",
        f"- **Trend:** {inline(audit.trend.line)}",
        f"- **Risk:** {inline(audit.risk)}",
        "",
    ]
    if audit.trend.previous:
        out += [*_anchor("trend"), "## Trend", ""]
        for label, items in (("Fixed", [x["title"] for x in audit.trend.fixed]), ("New", audit.trend.new),
                             ("Still open", audit.trend.still_open)):
            out.append(f"- **{label} ({len(items)}):**" + ("" if items else " none"))
            out += [f"  - {inline(t_)}" for t_ in items]
        out.append("")
    if audit.suppressed:
        out += [*_anchor("suppressed-findings"), "## Suppressed findings", "",
                f"Silenced by {code_span('# asyncaudit: ignore')} comments; not scored.", ""]
        out += [f"- {w.site(f, False)}" for f in audit.suppressed]
        out.append("")
    if audit.excluded_test_findings:
        out += [f"_Test code is not audited: {audit.excluded_test_findings} findings in test files are left out "
                "(`asyncaudit check` lists them)._", ""]
    # `--` cannot occur in an HTML comment: written as `-\u002d`, which JSON reads back as `--`
    data = json.dumps(audit.data, sort_keys=True).replace("--", "-\\u002d")
    out.append(f"<!-- asyncaudit-data: {data} -->")
    return "\n".join(out) + "\n"


def _leaves(f: Finding) -> str:
    if not f.chains:
        return ""
    return " → " + ", ".join(code_span(c.sink) for c in f.chains)


def as_dict(audit: Audit, root: Path, links: Links | None = None) -> dict[str, object]:
    """The report as JSON (`audit --format json`): the same content, `link` per site when
    the report has links."""
    from asyncaudit.audit import CATEGORY, IMPORTANCE, STANDARD, rel

    def site(f: Finding, baselined: bool, fp: str | None) -> dict[str, object]:
        d: dict[str, object] = {
            "path": rel(f.location.path, root), "line": f.location.line, "column": f.location.column,
            "code": f.code, "severity": f.severity.label, "function": f.function, "callee": f.callee,
            "sinks": [c.sink for c in f.chains]}
        if fp is not None:
            d["fingerprint"] = fp
            d["baselined"] = baselined
        if links is not None:
            d["link"] = links.href(f.location.path, f.location.line)
        return d

    t = audit.tally
    return {
        "standard": STANDARD, "category": CATEGORY, "score": audit.score, "importance": IMPORTANCE,
        "violations_count": len(audit.violations), "date": audit.date, "status": audit.status,
        "summary": audit.summary,
        "violations": [
            {"id": v.id, "title": v.title, "severity": v.severity.label, "reason": v.reason,
             "file": f"{rel(v.location.path, root)}:{v.location.line}",
             "sites": [site(f, b, fp) for f, b, fp in zip(v.findings, v.baselined or [False] * len(v.findings),
                                                          v.fingerprints or [None] * len(v.findings), strict=True)],
             "evidence": v.evidence, "recommendation": v.recommendation}
            for v in audit.violations
        ],
        "compliant_examples": [{"file": f"{rel(e.location.path, root)}:{e.location.line}", "kind": e.kind,
                                "text": e.text} for e in audit.examples],
        "scoring_rationale": {"coverage": audit.coverage, "severity": audit.severity, "trend": audit.trend.line,
                              "risk": audit.risk},
        "counts": {"blocking_sites": t.blocking, "compliant_sites": t.compliant, "offloaded": t.offloaded,
                   "awaited": t.awaited, "structured": t.structured, "design_findings": t.design,
                   "suppressed": t.suppressed, "baselined": t.baselined, "test_code": t.test_code},
        "trend": {"previous": audit.trend.previous, "fixed": audit.trend.fixed, "new": audit.trend.new,
                  "still_open": audit.trend.still_open, "fixed_sites": audit.trend.fixed_sites,
                  "new_sites": audit.trend.new_sites},
        "suppressed": [site(f, False, None) for f in audit.suppressed],
        "baseline": audit.baseline,
        "excluded_test_findings": audit.excluded_test_findings,
    }
