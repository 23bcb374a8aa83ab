"""Resolver tests in jedi's style: a `#! target, ...` comment names what the first call on
the next line resolves to (program functions by qualified name, external APIs by their
canonical name); a bare `#!` means the call must stay unresolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncaudit.api import _facts_for
from asyncaudit.facts import CALL
from asyncaudit.resolve import Program

CASES = sorted((Path(__file__).parent / "fixtures" / "resolve").glob("*.py"))


def _expectations(path: Path) -> list[tuple[int, set[str]]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if text.startswith("#!"):
            out.append((n + 1, {t.strip() for t in text[2:].split(",") if t.strip()}))
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_resolution(case: Path) -> None:
    facts, _ = _facts_for((str(case), case.stem, False))
    program = Program([facts])
    expectations = _expectations(case)
    assert expectations
    for line, targets in expectations:
        sites = [(f, s) for f in facts.functions.values() for s in f.sites if s.kind == CALL and s.line == line]
        assert sites, f"no call on line {line}"
        func, site = min(sites, key=lambda fs: fs[1].col)
        res = program.resolve_site(site, func)
        got = {t.name for t in res.targets if t.how in ("call", "init")}
        assert got == targets, f"line {line}: expected {sorted(targets)}, got {sorted(got)}"
        assert res.resolved == bool(targets)
