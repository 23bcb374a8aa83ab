"""Benchmark: compare the statements `check --fix` wrote with a maintainers' own fix.

    python bench/fix_compare.py FIXED PRE POST SITES.tsv

FIXED is a copy of PRE after `asyncaudit check --fix`; POST is the maintainers' tree.
SITES.tsv lists the sites they moved off the loop, one a line, tab-separated: file, line
in PRE, callee, line in POST, kind (only `wrapped` rows are compared), async function
(lines starting with # are comments).  For rentl PR #136 this is the measure tools'
`rentl-pr136-sites.tsv`.

Per site, the statement holding the site's line in FIXED (the PRE line mapped through a
line diff PRE -> FIXED) is compared by AST with the statement at the POST line; compound
statements (if/for/while/with) by their header only, since their bodies hold other sites.
Prints a markdown table and the count of AST-equal sites.  Not a test: it needs the trees.
"""

from __future__ import annotations

import argparse
import ast
import difflib
from pathlib import Path

from asyncaudit.parse.source import parse_source

_HEADERS = {ast.If: "test", ast.While: "test", ast.For: "iter", ast.AsyncFor: "iter"}


def line_map(a: list[str], b: list[str]) -> dict[int, int]:
    """1-based line of `a` -> its line in `b` (a replaced block maps line by line)."""
    out = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                out[i1 + k + 1] = j1 + k + 1
        elif tag == "replace":
            for k in range(i2 - i1):
                out[i1 + k + 1] = j1 + min(k, j2 - j1 - 1) + 1
    return out


def stmt_at(tree: ast.AST, line: int) -> ast.AST | None:
    """The innermost statement holding `line` (a compound one: its header expression)."""
    best = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno):
            if best is None or (node.lineno, -(node.end_lineno or 0)) >= (best.lineno, -(best.end_lineno or 0)):
                best = node
    if best is None:
        return None
    body = getattr(best, "body", None)
    if isinstance(body, list) and body and line < body[0].lineno:
        header = _HEADERS.get(type(best))
        if header:
            return getattr(best, header)
        if isinstance(best, (ast.With, ast.AsyncWith)):
            return ast.Tuple([i.context_expr for i in best.items])
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("fixed", type=Path)
    ap.add_argument("pre", type=Path)
    ap.add_argument("post", type=Path)
    ap.add_argument("sites", type=Path)
    args = ap.parse_args()

    cache: dict[Path, tuple[list[str], ast.AST]] = {}

    def load(path: Path) -> tuple[list[str], ast.AST]:
        if path not in cache:
            parsed = parse_source(path.read_bytes())  # tree-sitter fallback: newer syntax than this Python's
            cache[path] = (parsed.text.splitlines(), parsed.tree)
        return cache[path]

    def text(node: ast.AST | None) -> str:
        return " ".join(ast.unparse(node).split()) if node is not None else "?"

    rows = [r.split("\t") for r in args.sites.read_text(encoding="utf-8").splitlines()
            if r.strip() and not r.startswith("#")]
    equal = n = 0
    print("| # | site (pre) | callee | ours | maintainers' | AST equal |")
    print("|---|---|---|---|---|---|")
    for rel, pre_line, callee, post_line, kind, *_ in rows:
        if kind != "wrapped":
            continue
        n += 1
        pre_lines, _ = load(args.pre / rel)
        fix_lines, fix_tree = load(args.fixed / rel)
        _, post_tree = load(args.post / rel)
        mapped = line_map(pre_lines, fix_lines).get(int(pre_line))
        ours = stmt_at(fix_tree, mapped) if mapped else None
        theirs = stmt_at(post_tree, int(post_line.split("-")[0]))
        same = ours is not None and theirs is not None and ast.dump(ours) == ast.dump(theirs)
        equal += same
        print(f"| {n} | {rel.rsplit('/', 1)[-1]}:{pre_line} | `{callee}` | `{text(ours)}` | `{text(theirs)}` "
              f"| {'yes' if same else '**no**'} |")
    print(f"\nAST-equal: {equal}/{n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
