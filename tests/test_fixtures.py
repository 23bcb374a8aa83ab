"""One parametrized test over every fixture: expected findings are written beside the code.

A fixture line that must produce a finding ends with a comment, in one of two forms:

    path.read_text()  # AA107: 5 pathlib.Path.read_text
    cfg = outer(path)  # AA107[Medium]: 11 outer>load>read_config>builtins.open, outer>load>pathlib.Path.exists

The first means: a finding with code AA107 whose boundary call starts at column 5
(1-based) of this line, and whose chains end in exactly these sinks (comma-separated, any
order; `-` for a finding without chains).

The second, with the severity in brackets, pins more: the finding's severity, and each
chain written out hop by hop, as the targets of its calls joined by `>` - the program
functions it passes through by their qualified name or any dotted tail of it (`load`,
`Child.save`), then the sink by its canonical name.  A chain of one call (the blocking
call written in the event-loop function itself) is its sink alone.

Every finding must be expected and every expectation found.

Single-file fixtures live in `fixtures/rules/*.py` and are analyzed alone; directory
fixtures in `fixtures/projects/<case>/` are analyzed as one tree, with expectations in
any of their files.  A header line `# ARGS: --select AA107 --ignore AA109` passes options;
`# XFAIL: reason` marks a fixture that fails today because of a known bug (strict: it
must fail, so fixing the bug means removing the line).
Every single-file fixture must also compile (as the interpreter running the tests can),
unless it starts with `# NOCOMPILE`.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from expectations import Expected, check_expectations, parse_expectations

from asyncaudit.api import Config, analyze
from asyncaudit.model import Finding, Severity

FIXTURES = Path(__file__).parent / "fixtures"


def _expectations(root: Path) -> list[Expected]:
    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
    out = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            out.extend(parse_expectations(line, str(f.resolve()), n))
    return out


def _header(case: Path, key: str) -> str | None:
    first = case if case.is_file() else case / "ARGS"
    text = first.read_text(encoding="utf-8") if first.is_file() else ""
    for line in text.splitlines()[:5]:
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].strip()
    return None


def _config(root: Path) -> Config:
    cfg = Config(follow_libraries=False)
    args = shlex.split(_header(root, "ARGS") or "")
    for flag, value in zip(args[::2], args[1::2]):
        key = flag.lstrip("-").replace("-", "_")
        setattr(cfg, key, tuple(value.split(",")))
    return cfg


CASES = sorted(
    [*(FIXTURES / "rules").glob("*.py"), *(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())],
    key=lambda p: p.name,
)


def _case(case: Path):  # noqa: ANN202
    reason = _header(case, "XFAIL")
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, marks=marks, id=case.name)


@pytest.mark.parametrize("case", [_case(c) for c in CASES])
def test_fixture(case: Path) -> None:
    result = analyze([case], _config(case))
    problem = check_expectations(result.findings, _expectations(case))
    assert problem is None, problem


@pytest.mark.parametrize("case", [c for c in CASES if c.is_file()], ids=lambda c: c.name)
def test_fixture_compiles(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    if text.startswith("# NOCOMPILE"):
        pytest.skip("fixture uses syntax newer than this interpreter")
    compile(text, str(case), "exec")


# ---- the expectation format itself ------------------------------------------------------------

def _finding(line: int, code: str, col: int, sev: Severity, *chains: tuple[str, ...]) -> Finding:
    from asyncaudit.model import Chain, Hop, Location

    here = Location(str(Path(__file__).resolve()), line, col, line, col + 3)
    built = tuple(Chain("file", c[-1], tuple(Hop(here, "m.f", "x", t) for t in c)) for c in chains)
    return Finding(code, "r", sev, here, "m.f", "x", built, "", "", "")


def _parse(comment: str, line: int = 7) -> list[Expected]:
    return parse_expectations(comment, str(Path(__file__).resolve()), line)


FORMAT_CASES = [
    # (comment, finding chains as full hop targets, severity, matches)
    ("# AA107: 5 builtins.open", [("pkg.mod.load", "builtins.open")], Severity.HIGH, True),  # sinks only
    ("# AA107: 5 builtins.open, pathlib.Path.exists",
     [("pkg.load", "builtins.open"), ("pathlib.Path.exists",)], Severity.LOW, True),
    ("# AA107: 5 builtins.open", [("builtins.open",), ("pathlib.Path.exists",)], Severity.LOW, False),
    ("# AA107[High]: 5 load>builtins.open", [("pkg.mod.load", "builtins.open")], Severity.HIGH, True),
    ("# AA107[Medium]: 5 load>builtins.open", [("pkg.mod.load", "builtins.open")], Severity.HIGH, False),
    ("# AA107[High]: 5 mod.load>builtins.open", [("pkg.mod.load", "builtins.open")], Severity.HIGH, True),
    ("# AA107[High]: 5 oad>builtins.open", [("pkg.mod.load", "builtins.open")], Severity.HIGH, False),
    ("# AA107[High]: 5 builtins.open", [("pkg.mod.load", "builtins.open")], Severity.HIGH, False),  # one hop
    ("# AA107[High]: 5 a>b>builtins.open, a>pathlib.Path.exists",
     [("m.a", "pathlib.Path.exists"), ("m.a", "m.b", "builtins.open")], Severity.HIGH, True),
    ("# AA107[High]: 5 a>b>builtins.open", [("m.a", "m.c", "builtins.open")], Severity.HIGH, False),
    ("# AA107[High]: 5 main.<lambda>>slow>pathlib.Path.read_text",
     [("m.main.<lambda>", "m.slow", "pathlib.Path.read_text")], Severity.HIGH, True),
    ("# AA303[Medium]: 12 -", [], Severity.MEDIUM, True),
    ("# AA303: 12 -", [], Severity.LOW, True),
]


@pytest.mark.parametrize(("comment", "chains", "severity", "matches"), FORMAT_CASES)
def test_expectation_format(comment: str, chains: list[tuple[str, ...]], severity: Severity,
                            matches: bool) -> None:
    (e,) = _parse(comment)
    f = _finding(7, e.code, e.column, severity, *chains)
    assert e.matches(f) is matches
    assert (check_expectations([f], [e]) is None) is matches


def test_expectation_format_position_and_code_must_match() -> None:
    (e,) = _parse("# AA107: 5 builtins.open")
    assert not e.matches(_finding(8, "AA107", 5, Severity.LOW, ("builtins.open",)))
    assert not e.matches(_finding(7, "AA107", 6, Severity.LOW, ("builtins.open",)))
    assert not e.matches(_finding(7, "AA108", 5, Severity.LOW, ("builtins.open",)))
    # two expectations on one line need two findings
    two = _parse("# AA104: 5 time.sleep  # AA104: 5 time.sleep")
    assert len(two) == 2
    assert check_expectations([_finding(7, "AA104", 5, Severity.HIGH, ("time.sleep",))], two) is not None
