"""Cross-module resolution, in mypy's multi-file style (`fixtures/resolve/*.test`).

Each case is a small tree of files; the expectations inside them are fixture comments
whose chains name the resolved functions by qualified name.  The cases state what
Python's import system does (relative imports, `import a.b`, `__all__` and star
imports, re-exports through `__init__`, attributes typed in another module), so they
hold whatever the module finder looks like inside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from expectations import check_expectations, parse_expectations

from asyncaudit.api import Config, analyze

DATA = Path(__file__).parent / "fixtures" / "resolve"
_SECTION = re.compile(r"^\[(case|file) ([^\]]+)\]\s*$")


@dataclass
class Case:
    name: str
    xfail: str | None = None
    files: dict[str, str] = field(default_factory=dict)


def parse_cases(text: str) -> list[Case]:
    """`[case NAME]` / `[file PATH]` sections; `--` lines outside files are comments (the
    first one after a `-xfail` case header is the reason)."""
    cases: list[Case] = []
    current: list[str] | None = None
    for line in text.splitlines():
        m = _SECTION.match(line)
        if m and m.group(1) == "case":
            name = m.group(2)
            cases.append(Case(name.removesuffix("-xfail"), "" if name.endswith("-xfail") else None))
            current = None
        elif m:
            assert cases, f"[file] before any [case]: {line}"
            current = []
            cases[-1].files[m.group(2)] = current  # type: ignore[assignment]
        elif current is not None:
            current.append(line)
        elif line.startswith("--"):
            if cases and cases[-1].xfail == "":
                cases[-1].xfail = line[2:].strip()
        elif line.strip():
            raise ValueError(f"text outside a [file] section: {line!r}")
    for c in cases:
        c.files = {p: "\n".join(lines).rstrip("\n") + "\n" if lines else "" for p, lines in c.files.items()}
    return cases


def _params() -> list:
    out = []
    for f in sorted(DATA.glob("*.test")):
        for c in parse_cases(f.read_text(encoding="utf-8")):
            marks = [pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail is not None else []
            out.append(pytest.param(c, marks=marks, id=f"{f.stem}:{c.name}"))
    return out


CASES = _params()


@pytest.mark.parametrize("case", CASES)
def test_cross_module(case: Case, tmp_path: Path) -> None:
    root = tmp_path / case.name
    for rel, text in case.files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    expected = [e for rel in sorted(case.files)
                for n, line in enumerate(case.files[rel].splitlines(), 1)
                for e in parse_expectations(line, str((root / rel).resolve()), n)]
    assert expected, "a case needs at least one expected finding, so that it can fail"
    result = analyze([root], Config(follow_libraries=False, cache=False))
    problem = check_expectations(result.findings, expected)
    assert problem is None, problem


def test_case_names_are_unique() -> None:
    names = [p.id for p in CASES]
    assert len(names) == len(set(names))


def test_parse_cases() -> None:
    cases = parse_cases("-- header\n[case one]\n[file a/__init__.py]\n[file a/b.py]\nx = 1\n\n"
                        "[case two-xfail]\n-- the reason\n[file m.py]\ny = 2\n")
    assert [(c.name, c.xfail, c.files) for c in cases] == [
        ("one", None, {"a/__init__.py": "", "a/b.py": "x = 1\n"}),
        ("two", "the reason", {"m.py": "y = 2\n"}),
    ]
