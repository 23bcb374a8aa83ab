"""Mutation probes: break one documented behaviour at a time and check that a test fails.

    python bench/mutations.py              # each mutation against its relevant tests
    python bench/mutations.py --full       # each mutation against the whole suite
    python bench/mutations.py --only deep  # mutations whose name contains "deep"
    python bench/mutations.py --list       # the mutations and where they apply

The list is issue 7's: each severity adjustment, the High score weight, the deep-chain
grouping depth, AA306's exclusions, the `__all__` filter on star imports, relative
imports of level > 1 and `import a.b; a.b.f()`, plus a few neighbours.

Every mutation is applied to a temporary copy of `src/` and `tests/` (never to the
working tree), run with that copy first on `PYTHONPATH`.  A mutation point is found by
a small regular expression searched in every module of `src/asyncaudit`, so it survives
code moving between modules; it must match exactly once, else the mutation is reported
as NOT FOUND / AMBIGUOUS (update its pattern) rather than as survived.  An unmutated
baseline runs first: if it fails, nothing is measured.

Output: one line per mutation, `caught` (with the first failing test), `SURVIVED`, or
why it was not measured; exit status 1 unless every mutation is caught.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path("src") / "asyncaudit"

SEVERITY_TESTS = ("tests/test_severity.py", "tests/test_fixtures.py")
SCORE_TESTS = ("tests/test_score.py", "tests/test_audit_units.py", "tests/test_audit.py")
GROUPING_TESTS = ("tests/test_audit_units.py", "tests/test_audit.py", "tests/test_report_units.py")
RESOLVE_TESTS = ("tests/test_resolve_modules.py", "tests/test_resolve.py", "tests/test_fixtures.py")
AA306_TESTS = ("tests/test_fixtures.py", "tests/test_docs.py")


@dataclass(frozen=True)
class Mutation:
    name: str
    what: str
    pattern: str  # a regular expression (re.M), matching exactly once in src/asyncaudit
    replacement: str  # re.sub replacement
    tests: tuple[str, ...]
    equivalent: str = ""  # why the mutation cannot change behaviour, when known


MUTATIONS = [
    Mutation("severity-loop", "no +1 for a boundary or hop in a loop",
             r"(elif repeated_at:\n\s*level )\+= 1", r"\g<1>+= 0", SEVERITY_TESTS),
    Mutation("severity-request-pipeline", "no +1 on a request or pipeline path",
             r'(if context in \("request", "pipeline"\):\n\s*level )\+= 1', r"\g<1>+= 0", SEVERITY_TESTS),
    Mutation("severity-startup", "no -1 on startup code",
             r'(elif context == "startup":\n\s*level )-= 1', r"\g<1>-= 0", SEVERITY_TESTS),
    Mutation("severity-test-code", "test code is not Low",
             r'if context == "test":(\n\s*return Severity\.LOW)', r"if False:\g<1>", SEVERITY_TESTS),
    Mutation("severity-memoized", "no -1 through a memoized helper (in the arithmetic)",
             r"(if memoized_by:\n\s*level )-= 1", r"\g<1>-= 0", SEVERITY_TESTS),
    Mutation("severity-memoized-detection", "memoized helpers are not recognised on the chain",
             r"^(\s*)memo = next\(.*_memoized\(.*$", r"\g<1>memo = None", SEVERITY_TESTS),
    Mutation("score-high-weight", "the score weight of High is 9, not 4",
             r"(WEIGHT\b[^\n]*Severity\.HIGH: )4\b", r"\g<1>9", SCORE_TESTS),
    Mutation("score-clean-threshold", "status is clean from 89, not 90",
             r"^(CLEAN_AT = )90\b", r"\g<1>89", SCORE_TESTS),
    Mutation("grouping-deep-1", "deep-chain grouping from 2 calls instead of 4",
             r"^(_DEEP = )3\b", r"\g<1>1", GROUPING_TESTS),
    Mutation("grouping-deep-4", "deep-chain grouping from 5 calls instead of 4",
             r"^(_DEEP = )3\b", r"\g<1>4", GROUPING_TESTS),
    Mutation("aa306-plugin-hooks", "AA306 reports plugin hooks (names defined in 3+ modules)",
             r"\(f\.cls is None and f\.name in hooks\)", "False", AA306_TESTS),
    Mutation("aa306-overrides", "AA306 reports methods overriding a base class's method",
             r"\(f\.cls is not None and _overrides\(program, f\.cls, f\.name\)\)", "False", AA306_TESTS),
    Mutation("aa306-external-bases", "AA306 reports methods of classes extending an external class",
             r" or program\.external_bases\(f\.cls\)\)", ")", AA306_TESTS),
    Mutation("star-import-all", "star imports ignore `__all__`",
             r"(if \w+\.all_names is not None and name not in \w+\.all_names:\n\s*)continue", r"\g<1>pass",
             RESOLVE_TESTS),
    Mutation("star-import-private", "star imports without `__all__` bind private names",
             r"(if \w+\.all_names is None and name\.startswith\(\"_\"\):\n\s*)continue", r"\g<1>pass",
             RESOLVE_TESTS),
    Mutation("relative-import-level", "relative imports of level > 1 climb only one package",
             r"for _ in range\(level - 1\):", "for _ in range(0):", RESOLVE_TESTS),
    Mutation("import-a-b-submodule", "`import a.b; a.b.f()`: `a.b` is not found as a submodule attribute",
             r'(sub = self\.submodule\(mod, name\)\n\s*)if sub is not None:', r"\g<1>if False:",
             RESOLVE_TESTS),
]


def _copy(dest: Path) -> None:
    for part in ("src", "tests", "bench"):
        shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", ".asyncaudit_cache", ".pytest_cache"))
    for f in ("pyproject.toml", "README.md"):
        if (ROOT / f).exists():
            shutil.copy2(ROOT / f, dest / f)


def locate(src: Path, m: Mutation) -> tuple[Path | None, str]:
    """The one module the pattern matches in, or why there is none."""
    hits = []
    for p in sorted(src.rglob("*.py")):
        n = len(re.findall(m.pattern, p.read_text(encoding="utf-8"), re.M))
        if n:
            hits.append((p, n))
    if not hits:
        return None, "NOT FOUND (the code moved or changed: update the pattern)"
    if len(hits) > 1 or hits[0][1] > 1:
        where = ", ".join(f"{p.relative_to(src.parent.parent)} x{n}" for p, n in hits)
        return None, f"AMBIGUOUS ({where}: make the pattern match once)"
    return hits[0][0], ""


def _pytest(tree: Path, tests: tuple[str, ...], full: bool, timeout: int) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
           *(() if full else tests)]
    try:
        p = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    failed = next((ln.split(" ", 1)[1].split(" - ")[0] for ln in p.stdout.splitlines()
                   if ln.startswith(("FAILED ", "ERROR "))), "")
    return p.returncode, failed


def _check_isolation(tree: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    got = subprocess.run([sys.executable, "-c", "import asyncaudit; print(asyncaudit.__file__)"], cwd=tree,
                         env=env, capture_output=True, text=True, check=True).stdout.strip()
    if not Path(got).resolve().is_relative_to(tree.resolve()):
        sys.exit(f"mutations: the copy is not the code under test (asyncaudit imports from {got}); "
                 "is asyncaudit installed non-editable with a meta-path finder?")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--full", action="store_true", help="run the whole suite for every mutation")
    ap.add_argument("--only", metavar="TEXT", help="only mutations whose name contains TEXT")
    ap.add_argument("--list", action="store_true", help="list the mutations and where they apply")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per pytest run")
    args = ap.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or args.only in m.name]
    if args.list:
        for m in chosen:
            path, why = locate(ROOT / PACKAGE, m)
            print(f"{m.name:<28} {path.relative_to(ROOT) if path else why}  -- {m.what}")
        return 0
    caught = 0
    with tempfile.TemporaryDirectory(prefix="asyncaudit-mutations-") as tmp:
        tree = Path(tmp) / "tree"
        _copy(tree)
        _check_isolation(tree)
        start = time.monotonic()
        subset = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
        rc, failed = _pytest(tree, subset, args.full, args.timeout)
        if rc != 0:
            print(f"baseline: the unmutated tests fail ({failed or 'rc ' + str(rc)}); nothing measured")
            return 2
        print(f"baseline: green ({time.monotonic() - start:.0f}s); "
              f"{'whole suite' if args.full else 'relevant tests'} per mutation\n")
        for m in chosen:
            src = tree / PACKAGE
            path, why = locate(src, m)
            if path is None:
                print(f"{m.name:<28} {why}")
                continue
            original = path.read_text(encoding="utf-8")
            mutated = re.sub(m.pattern, m.replacement, original, count=1, flags=re.M)
            assert mutated != original
            path.write_text(mutated, encoding="utf-8")
            try:
                t0 = time.monotonic()
                rc, failed = _pytest(tree, m.tests, args.full, args.timeout)
            finally:
                path.write_text(original, encoding="utf-8")
            took = f"{time.monotonic() - t0:.0f}s"
            rel = path.relative_to(tree)
            if rc == 0:
                label = f"survived (equivalent: {m.equivalent})" if m.equivalent else "SURVIVED"
                print(f"{m.name:<28} {label}  [{rel}; {took}] -- {m.what}")
                caught += bool(m.equivalent)  # a known-equivalent mutant is not a missing test
            elif rc == -1:
                print(f"{m.name:<28} TIMEOUT  [{rel}] -- {m.what}")
            else:
                caught += 1
                print(f"{m.name:<28} caught by {failed or 'rc ' + str(rc)}  [{rel}; {took}] -- {m.what}")
    print(f"\n{caught}/{len(chosen)} caught or known equivalent")
    return 0 if caught == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
