"""One parametrized test over every fixture: expected findings are written beside the code.

A fixture line that must produce a finding ends with a comment

    path.read_text()  # AA107: 5 pathlib.Path.read_text

meaning: a finding with code AA107 whose boundary call starts at column 5 (1-based) of
this line, and whose chains end in exactly these sinks (comma-separated, any order;
`-` for a finding without chains).
Every finding must be expected and every expectation found.

Single-file fixtures live in `fixtures/rules/*.py` and are analyzed alone; directory
fixtures in `fixtures/projects/<case>/` are analyzed as one tree, with expectations in
any of their files.  A header line `# ARGS: --select AA107 --ignore AA109` passes options.
Every single-file fixture must also compile (as the interpreter running the tests can),
unless it starts with `# NOCOMPILE`.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from asyncaudit.api import Config, analyze

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"#\s*(AA\d{3}):\s*(\d+)\s+([\w.,<>\[\]\s-]+?)\s*(?:#|$)")


def _expectations(root: Path) -> set[tuple[str, int, str, int, frozenset[str]]]:
    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
    out = set()
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            for m in EXPECT.finditer(line):
                sinks = frozenset(s.strip() for s in m.group(3).split(",") if s.strip() not in ("", "-"))
                out.add((str(f.resolve()), n, m.group(1), int(m.group(2)), sinks))
    return out


def _config(root: Path) -> Config:
    first = root if root.is_file() else root / "ARGS"
    text = first.read_text(encoding="utf-8") if first.is_file() else ""
    cfg = Config(follow_libraries=False)
    for line in text.splitlines()[:5]:
        if line.startswith("# ARGS:"):
            args = shlex.split(line.split(":", 1)[1])
            for flag, value in zip(args[::2], args[1::2]):
                key = flag.lstrip("-").replace("-", "_")
                setattr(cfg, key, tuple(value.split(",")))
    return cfg


CASES = sorted(
    [*(FIXTURES / "rules").glob("*.py"), *(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())],
    key=lambda p: p.name,
)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture(case: Path) -> None:
    result = analyze([case], _config(case))
    got = {
        (str(Path(f.location.path).resolve()), f.location.line, f.code, f.location.column,
         frozenset(c.sink for c in f.chains))
        for f in result.findings
    }
    expected = _expectations(case)
    missing = sorted(expected - got)
    unexpected = sorted(got - expected)
    assert not missing and not unexpected, _explain(missing, unexpected)


def _explain(missing: list, unexpected: list) -> str:
    lines = []
    for tag, items in (("missing", missing), ("unexpected", unexpected)):
        for path, line, code, col, sinks in items:
            lines.append(f"{tag}: {Path(path).name}:{line}: # {code}: {col} {', '.join(sorted(sinks))}")
    return "\n".join(lines)


@pytest.mark.parametrize("case", [c for c in CASES if c.is_file()], ids=lambda c: c.name)
def test_fixture_compiles(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    if text.startswith("# NOCOMPILE"):
        pytest.skip("fixture uses syntax newer than this interpreter")
    compile(text, str(case), "exec")
