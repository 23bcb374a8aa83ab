"""The expectation comments of fixtures, parsed and checked (format: see `test_fixtures`).

Shared by the single-file and project fixtures (`test_fixtures.py`) and the multi-file
resolver cases (`test_resolve_modules.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from asyncaudit.model import Finding, Severity

EXPECT = re.compile(r"#\s*(AA\d{3})(?:\[(Critical|High|Medium|Low)\])?:\s*(\d+)\s+([\w.,<>\[\]@\s-]+?)\s*(?=#|$)")
_SEVERITY = {s.label: s for s in Severity}
_ANGLED = re.compile(r"<(\w+)>")  # `<lambda>` in a qualified name: not a hop separator


@dataclass(frozen=True)
class Expected:
    path: str
    line: int
    code: str
    column: int
    severity: Severity | None  # None: the short form, which pins sinks only
    chains: frozenset[tuple[str, ...]]  # short form: 1-tuples of sinks; long form: hop targets

    def matches(self, f: Finding) -> bool:
        if (str(Path(f.location.path).resolve()), f.location.line, f.code, f.location.column) != \
                (self.path, self.line, self.code, self.column):
            return False
        if self.severity is None:
            return frozenset((c.sink,) for c in f.chains) == self.chains
        return f.severity == self.severity and _same_chains(self.chains, [_targets(c) for c in f.chains])

    def text(self) -> str:
        sev = f"[{self.severity.label}]" if self.severity else ""
        chains = ", ".join(sorted(">".join(c) for c in self.chains)) or "-"
        return f"{Path(self.path).name}:{self.line}: # {self.code}{sev}: {self.column} {chains}"


def _targets(chain) -> tuple[str, ...]:  # noqa: ANN001
    return (*(h.target for h in chain.hops[:-1]), chain.sink)


def _hop_matches(written: str, target: str) -> bool:
    return target == written or target.endswith("." + written)


def _same_chains(expected: frozenset[tuple[str, ...]], got: list[tuple[str, ...]]) -> bool:
    """A one-to-one match of the written chains onto the finding's chains."""
    if len(expected) != len(got):
        return False

    def assign(todo: list[tuple[str, ...]], free: list[tuple[str, ...]]) -> bool:
        if not todo:
            return True
        first, rest = todo[0], todo[1:]
        for i, g in enumerate(free):
            if len(g) == len(first) and g[-1] == first[-1] and all(map(_hop_matches, first[:-1], g[:-1])):
                if assign(rest, free[:i] + free[i + 1:]):
                    return True
        return False

    return assign(sorted(expected), got)


def _split_chain(text: str) -> tuple[str, ...]:
    protected = _ANGLED.sub(lambda m: f"\x00{m.group(1)}\x01", text)
    return tuple(p.strip().replace("\x00", "<").replace("\x01", ">") for p in protected.split(">"))


def parse_expectations(line: str, path: str, n: int) -> list[Expected]:
    """The expectations written on one line of a fixture."""
    out = []
    for m in EXPECT.finditer(line):
        code, sev, col, rest = m.groups()
        items = [s.strip() for s in rest.split(",") if s.strip() not in ("", "-")]
        chains = frozenset((s,) for s in items) if sev is None else frozenset(_split_chain(s) for s in items)
        out.append(Expected(path, n, code, int(col), _SEVERITY[sev] if sev else None, chains))
    return out


def written(f: Finding) -> str:
    """A finding as the long-form expectation that would match it (for the failure message)."""
    chains = ", ".join(sorted(">".join((*(t.rsplit(".", 1)[-1] for t in _targets(c)[:-1]), c.sink))
                              for c in f.chains)) or "-"
    return (f"{Path(f.location.path).name}:{f.location.line}: # {f.code}[{f.severity.label}]: "
            f"{f.location.column} {chains}")


def check_expectations(findings: list[Finding], expected: list[Expected]) -> str | None:
    """None when the findings are exactly the expected ones, else what differs."""
    unmatched = list(findings)
    missing = []
    for e in expected:
        hit = next((f for f in unmatched if e.matches(f)), None)
        if hit is None:
            missing.append(e)
        else:
            unmatched.remove(hit)
    if not missing and not unmatched:
        return None
    return "\n".join([*(f"missing: {e.text()}" for e in missing),
                      *(f"unexpected: {written(f)}" for f in unmatched)])
