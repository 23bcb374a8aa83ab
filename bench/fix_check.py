"""Benchmark: `check --fix` on a copy of a real tree, checked for never making things worse.

    python bench/fix_check.py TREE WORK [--sub homeassistant] [--unsafe | --both] [--sample 20]
    AA="python -m asyncaudit" python bench/fix_check.py ...   # another asyncaudit command

TREE is never written: it is copied to WORK/tree (WORK is wiped first).  The script runs
`check --format json` (the fix classes), `check --fix` (with `--unsafe-fixes` under
--unsafe; --both: first without, then with, on a fresh copy, skipped when there is no
unsafe fix) and `check --fix` again, then checks every changed file:

* it compiles when the original did (else: it still parses, with no new syntax error);
* every changed line lies in a statement that holds a finding's boundary call, or is an
  added import line;
* its AST equals the original's once the fix shapes are undone (offloader calls back to
  the call, awaits dropped, the asyncio/functools/anyio/trio imports dropped);
* the second --fix changes no file and leaves the same findings;
* no finding after --fix is new: each one (rule, file, function, callee, message) was
  reported before, so the rewrite introduced no blocking call, guard or other rule hit.

It prints the counts (findings by fix class, with the reasons of the unsafe and unfixed
ones), the summary line, the problems found (the goal is none) and, with --sample N, N
randomly chosen hunks of the diff (seeded: the same tree gives the same sample).  Not a
test: it needs real corpora; figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

from asyncaudit.parse.source import parse_source

# the asyncaudit of this interpreter (the one whose parser canon() uses), unless AA says otherwise
AA = shlex.split(os.environ.get("AA", "")) or [sys.executable, "-m", "asyncaudit"]


def compiles(data: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, "x", "exec", dont_inherit=True)
        return True
    except (SyntaxError, ValueError):
        return False


OFFLOAD = {"to_thread", "run_sync", "async_add_executor_job", "run_in_executor"}


class Undo(ast.NodeTransformer):
    """Map fix shapes (and the same shapes already in the original) to the plain call."""

    def visit_Await(self, node: ast.Await) -> ast.AST:
        return self.visit(node.value)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node = self.generic_visit(node)  # type: ignore[assignment]
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        args = list(node.args)
        if name in OFFLOAD and args:
            if name == "run_in_executor" and len(args) > 1:
                args = args[1:]
            first = args[0]
            if isinstance(first, ast.Lambda):
                body = first.body
                if isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id == "list" \
                        and len(body.args) == 1:
                    return body.args[0]
                return body
            if isinstance(first, ast.Call) and (getattr(first.func, "attr", None) == "partial"
                                                or getattr(first.func, "id", None) == "partial") and first.args:
                return ast.Call(first.args[0], first.args[1:], first.keywords)
            return ast.Call(first, args[1:], node.keywords)
        if name in ("run", "run_until_complete") and len(args) == 1 and not node.keywords:
            return args[0]
        if name == "sleep":
            return ast.Call(ast.Name("sleep", ast.Load()), args, node.keywords)
        return node

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node = self.generic_visit(node)  # type: ignore[assignment]
        node.body = [s for s in node.body if not (isinstance(s, ast.Import) and len(s.names) == 1
                     and s.names[0].name in ("asyncio", "functools", "anyio", "trio") and not s.names[0].asname)]
        return node


def identity(f: dict) -> tuple[str, str, str, str, str]:
    """A finding without its position (the added import shifts lines)."""
    return (f["code"], f["location"]["path"], f.get("function") or "", f.get("callee") or "", f["message"])


def canon(data: bytes) -> str:
    parsed = parse_source(data)
    return ast.dump(Undo().visit(parsed.tree)) if parsed.tree is not None else ""


def stmt_ranges(data: bytes, lines: set[int]) -> set[int]:
    """Lines of the smallest statements holding the given lines (compound: the header)."""
    parsed = parse_source(data)
    out: set[int] = set()
    for line in lines:
        best = None
        for node in ast.walk(parsed.tree):
            if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno):
                if best is None or node.lineno >= best.lineno:
                    best = node
        if best is None:
            continue
        end = best.end_lineno or best.lineno
        body = getattr(best, "body", None)
        if isinstance(body, list) and body and line < body[0].lineno:
            end = body[0].lineno - 1
        out.update(range(best.lineno, end + 1))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("work")
    ap.add_argument("--sub", default="")
    ap.add_argument("--unsafe", action="store_true", help="--fix --unsafe-fixes")
    ap.add_argument("--both", action="store_true", help="--fix, then --fix --unsafe-fixes on a fresh copy")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--extra", default="--no-libraries")
    args = ap.parse_args()

    src, work = Path(args.src), Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tree = work / "tree"
    shutil.copytree(src, tree, symlinks=True)
    env = {**os.environ, "ASYNCAUDIT_CACHE_DIR": os.environ.get("FIX_CACHE", str(work / "cache"))}  # never in TREE
    target = str(tree / args.sub) if args.sub else str(tree)
    extra = shlex.split(args.extra)

    def run(*a: str) -> subprocess.CompletedProcess[str]:
        p = subprocess.run([*AA, "check", target, "--format", "json", *extra, *a], cwd=work, env=env,
                           capture_output=True, text=True)
        if p.returncode not in (0, 1):
            sys.exit(f"asyncaudit failed ({p.returncode}): {p.stderr[-2000:]}")
        return p

    before = json.loads(run().stdout)["findings"]
    kinds = Counter(f["fix"]["applicability"] for f in before)
    print(f"findings before: {len(before)}  by fix: {dict(kinds)}")
    reasons = Counter((f["fix"]["applicability"], f["fix"]["reason"].split(":")[0][:70]) for f in before
                      if f["fix"]["applicability"] != "safe")
    for (k, r), n in sorted(reasons.items(), key=lambda x: -x[1]):
        print(f"  {n:4d} {k:6s} {r}")
    (work / "before.json").write_text(json.dumps(before), encoding="utf-8")  # for a closer look
    modes = ["safe", "unsafe"] if args.both else ["unsafe" if args.unsafe else "safe"]
    problems: list[str] = []
    for n_mode, mode in enumerate(modes):
        unsafe = mode == "unsafe"
        print(f"\n== --fix{' --unsafe-fixes' if unsafe else ''} ==")
        if n_mode:
            if not kinds["unsafe"]:
                print("no unsafe fixes: the same as the safe run")
                continue
            shutil.rmtree(tree)
            shutil.copytree(src, tree, symlinks=True)
        fixflags = ["--fix"] + (["--unsafe-fixes"] if unsafe else [])
        p = run(*fixflags)
        after = json.loads(p.stdout)["findings"]
        summary = [ln for ln in p.stderr.splitlines() if ln.startswith(("Fixed", "Would"))]
        vanished = [ln for ln in p.stderr.splitlines() if "no longer reported" in ln]
        dropped = [ln for ln in p.stderr.splitlines() if "fix dropped" in ln]
        applied_kinds = ("safe", "unsafe") if unsafe else ("safe",)
        expect_fixed = sum(kinds[k] for k in applied_kinds)
        print("summary:", summary[0] if summary else "(none)")
        for v in vanished:
            print("  ", v)
        for d in dropped:
            print("  dropped:", d)
        applied = sum(kinds[k] for k in applied_kinds) - len(dropped)
        print(f"fixes: planned {expect_fixed}, applied {applied}, dropped {len(dropped)}")
        print(f"findings after: {len(after)} (expected {len(before) - expect_fixed + len(dropped)})")

        boundary_lines: dict[str, set[int]] = {}
        for f in before:
            if f["fix"]["applicability"] not in applied_kinds:
                continue  # only the statements of fixes --fix applies may change
            rel = os.path.relpath(os.path.join(work, f["location"]["path"]), tree)
            loc = f["location"]
            boundary_lines.setdefault(rel, set()).update(range(loc["line"], loc["end_line"] + 1))

        mode_problems = len(problems)
        # a finding after --fix that was not there before: the rewrite introduced it
        new = Counter(identity(f) for f in after) - Counter(identity(f) for f in before)
        for (code, path, func, callee, _msg), n in sorted(new.items()):
            problems.append(f"{path}: new finding after --fix: {code} `{callee}` in {func} (x{n})")
        hunks: list[str] = []
        changed = 0
        compiled = [0, 0]  # changed files checked by compile(), by parse only
        for fixed in sorted(tree.rglob("*.py")):
            rel = str(fixed.relative_to(tree))
            orig = src / rel
            if not orig.is_file() or fixed.is_symlink():
                continue
            a, b = orig.read_bytes(), fixed.read_bytes()
            if a == b:
                continue
            changed += 1
            if compiles(a):
                compiled[0] += 1
                if not compiles(b):
                    problems.append(f"{rel}: does not compile after --fix")
            else:  # newer syntax than this Python's, or broken already: it must still parse as well
                compiled[1] += 1
                pa, pb = parse_source(a), parse_source(b)
                if pb.tree is None or len(pb.diagnostics) > len(pa.diagnostics):
                    problems.append(f"{rel}: more syntax errors after --fix")
            if canon(a) != canon(b):
                problems.append(f"{rel}: AST differs beyond the fix shapes")
            allowed = stmt_ranges(a, boundary_lines.get(rel, set()))
            al = a.decode("utf-8", "replace").splitlines(keepends=True)
            bl = b.decode("utf-8", "replace").splitlines(keepends=True)
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, al, bl, autojunk=False).get_opcodes():
                if tag == "equal":
                    continue
                if tag == "insert" and all(x.strip() == "" or x.startswith("import ") for x in bl[j1:j2]):
                    continue
                if tag == "insert" and (i1 in allowed or (i1 + 1) in allowed):
                    continue
                if tag in ("replace", "delete") and all(n + 1 in allowed for n in range(i1, i2)):
                    continue
                problems.append(f"{rel}: line {i1 + 1} changed outside a fixed statement ({tag})")
            cur: list[str] = []
            for ln in list(difflib.unified_diff(al, bl, rel, rel, n=1))[2:]:
                if ln.startswith("@@") and cur:
                    hunks.append(f"# {rel}\n" + "".join(cur))
                    cur = []
                cur.append(ln if ln.endswith("\n") else ln + "\n")
            if cur:
                hunks.append(f"# {rel}\n" + "".join(cur))

        print(f"files changed: {changed} (compile-checked {compiled[0]}, parse-checked {compiled[1]}: "
              f"syntax newer than Python {sys.version_info.major}.{sys.version_info.minor})")
        # idempotency: a second --fix on the fixed tree changes nothing
        snapshot = {p: p.read_bytes() for p in tree.rglob("*.py") if p.is_file() and not p.is_symlink()}
        p2 = run(*fixflags)
        again = [ln for ln in p2.stderr.splitlines() if ln.startswith("Fixed")]
        rewritten = [str(q.relative_to(tree)) for q, data in snapshot.items() if q.read_bytes() != data]
        print("second --fix:", again[0] if again else "(no summary)", "| files rewritten:", len(rewritten))
        if rewritten:
            problems.extend(f"{r}: changed by a second --fix" for r in rewritten)
        after_again = json.loads(p2.stdout)["findings"]
        if len(after_again) != len(after):
            problems.append(f"second --fix: {len(after)} -> {len(after_again)} findings")
        print(f"problems: {len(problems) - mode_problems}")
        for pr in problems[mode_problems:]:
            print("  ", pr)
        if args.sample:
            rng = random.Random(0)
            pick = rng.sample(hunks, min(args.sample, len(hunks)))
            print(f"\n--- sample of {len(pick)} of {len(hunks)} hunks ---")
            for h in pick:
                print(h)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
