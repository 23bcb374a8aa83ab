"""Frozen data shared by every stage: severities, locations, chains, findings.

Stage: the vocabulary of the pipeline; formatters consume only this module.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Finding severity; higher is worse."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()



@dataclass(frozen=True, slots=True)
class Location:
    """A span in a file; line and column are 1-based, columns count characters."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Hop:
    """One call on the way from the boundary to the leaf: `function` calls `callee` here."""

    location: Location
    function: str  # qualified name of the function containing the call
    callee: str  # the call as written (`self.store.flush`)
    target: str  # what it resolved to: a function's qualified name, or the sink's
    in_loop: bool = False  # the call sits in a loop or comprehension of its function


@dataclass(frozen=True, slots=True)
class Chain:
    """The shortest path from a boundary call to one leaf blocking call."""

    category: str
    sink: str
    hops: tuple[Hop, ...]
    severity: Severity = Severity.LOW
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RuntimeMark:
    """A finding the test suite exercised: the pytest plugin saw its calls block the loop."""

    calls: int
    tests: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text of `location` (an empty span inserts) with `text`."""

    location: Location
    text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """How `check --fix` resolves a finding: `safe` (applied by `--fix`), `unsafe` (only
    with `--unsafe-fixes`) or `none`.  `description` says what the fix does, `reason`
    why it is unsafe or why there is none.  `edits` are against the file as analyzed,
    the import line included."""

    applicability: str  # safe | unsafe | none
    description: str = ""
    reason: str = ""
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True, slots=True)
class Message:
    """A finding's message: the rule's template and its arguments, rendered at the edge.

    Analysis never writes message text: a rule names a template (`"`{function}` checks
    that an event loop is running, then blocks it ({kinds})"`) and the values of its
    fields, and each output renders it (`str(message)`), as pyflakes' message classes do.
    A message with no arguments is its template verbatim (a message read back from a
    report)."""

    template: str
    args: tuple[tuple[str, str], ...] = ()

    def render(self) -> str:
        return self.template.format_map(dict(self.args)) if self.args else self.template

    __str__ = render

    @property
    def fields(self) -> dict[str, str]:
        return dict(self.args)


def message(template: str, **args: object) -> Message:
    """`Message(template, args)` with the arguments as text, in a fixed order."""
    return Message(template, tuple((k, str(v)) for k, v in args.items()))


@dataclass(frozen=True, slots=True)
class Finding:
    """One boundary call site in an event-loop context that blocks."""

    code: str
    rule: str
    severity: Severity
    location: Location
    function: str  # the event-loop function (async def or loop callback) containing it
    callee: str
    chains: tuple[Chain, ...]
    message: Message  # rendered by the outputs: str(finding.message)
    reason: str
    recommendation: str
    context: str = "async"  # async | callback
    runtime: RuntimeMark | None = None  # set by `check --runtime FILE` (and the pytest plugin)
    fix: Fix | None = None  # set by asyncaudit.fix.annotate; None: not planned

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(c.category for c in self.chains)


@dataclass(frozen=True, slots=True)
class CompliantSite:
    """An I/O site in an event-loop context that is compliant (offloaded or awaited)."""

    location: Location
    function: str
    callee: str
    how: str  # "offloaded:<offloader>" | "awaited"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem with the input (not a finding): unparsable, undecodable, skipped..."""

    path: str
    line: int
    message: str


@dataclass(slots=True)
class Stats:
    files: int = 0
    project_modules: int = 0
    library_modules: int = 0
    functions: int = 0
    async_functions: int = 0
    loop_callbacks: int = 0
    reached_functions: int = 0
    call_sites: int = 0
    resolved_call_sites: int = 0
    fallback_parsed: int = 0
    # imports of the audited tree's own modules (distinct importing file, imported module)
    project_imports: int = 0
    resolved_project_imports: int = 0
    unresolved_imports: list[tuple[str, int, str]] = field(default_factory=list)  # (module, files, first), worst first
    # third-party packages that were not found, with the call sites on event-loop paths into them
    not_installed: list[tuple[str, int]] = field(default_factory=list)
    libraries: str = "off"  # off (--no-libraries) | none (no environment found) | followed

    @property
    def resolved_share(self) -> float:
        return self.resolved_call_sites / self.call_sites if self.call_sites else 1.0

    @property
    def resolved_import_share(self) -> float:
        return self.resolved_project_imports / self.project_imports if self.project_imports else 1.0


@dataclass(slots=True)
class AnalysisResult:
    """Everything every output format is rendered from."""

    findings: list[Finding] = field(default_factory=list)
    compliant: list[CompliantSite] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    roots: tuple[str, ...] = ()
    defs: dict[str, tuple[str, int]] = field(default_factory=dict)  # function -> (path, def line)
    unused_ignores: list[Location] = field(default_factory=list)  # suppressions that silenced nothing
    suppressed: list[Finding] = field(default_factory=list)  # findings `# asyncaudit: ignore` silenced
    test_paths: frozenset[str] = frozenset()  # analyzed files that are test code (config `test-paths`)
    environment: str = ""  # the audited environment used for installed packages ("" = none)
