"""Add `import asyncio` (or functools, anyio, trio) once, where the file's imports are.

Stage: fix.  The new line goes where isort would put it, without touching any other
line: after the module docstring and `from __future__` imports, inside the first block
of top-level imports, in alphabetical order among the plain standard-library
`import x` lines; before the first standard-library `from x import y` line when there is
no plain one; as a section of its own before a block of third-party imports; after the
docstring when the file imports nothing.
"""

from __future__ import annotations

import sys

import libcst as cst

_STDLIB = frozenset(sys.stdlib_module_names)


def _imported(stmt: cst.CSTNode) -> tuple[str, str] | None:
    """("import" | "from", first module name) of an import line, else None."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Import):
        return "import", _dotted(small.names[0].name)
    if isinstance(small, cst.ImportFrom):
        if small.relative:
            return "from", "."
        return "from", _dotted(small.module) if small.module is not None else ""
    return None


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def add_import(module: cst.Module, name: str) -> cst.Module:
    """`module` with `import name` added (a plain, top-level import)."""
    body = list(module.body)
    new = cst.SimpleStatementLine([cst.Import([cst.ImportAlias(cst.parse_expression(name))])])  # type: ignore[arg-type]
    start = 0
    if body and _is_docstring(body[0]):
        start = 1
    while start < len(body) and (_imported(body[start]) or ("", ""))[1] == "__future__":
        start += 1
    end = start
    while end < len(body) and _imported(body[end]) is not None:
        end += 1
    block = range(start, end)
    key = name.lower()
    stdlib = name.split(".")[0] in _STDLIB

    def kind(i: int) -> tuple[str, str]:
        return _imported(body[i])  # type: ignore[return-value]

    plain = [i for i in block if kind(i)[0] == "import" and (kind(i)[1].split(".")[0] in _STDLIB) == stdlib]
    if plain:
        after = [i for i in plain if kind(i)[1].lower() > key]
        if after:
            return _before(module, body, after[0], new)
        return _after(module, body, plain[-1], new)
    same = [i for i in block if kind(i)[1] != "." and (kind(i)[1].split(".")[0] in _STDLIB) == stdlib]
    if same:
        return _before(module, body, same[0], new)
    if len(block):
        if stdlib:  # a section of its own, before the third-party and local ones
            return _before(module, body, block[0], new, rest=[cst.EmptyLine()])
        # third party after the standard library: after the last import of the block
        return _after(module, body, block[-1], new.with_changes(leading_lines=[cst.EmptyLine()]))
    if start > 0:
        if start < len(body) and not body[start].leading_lines:  # type: ignore[attr-defined]
            body[start] = body[start].with_changes(leading_lines=[cst.EmptyLine()])
        return _after(module, body, start - 1, new.with_changes(leading_lines=[cst.EmptyLine()]))
    if body:
        return _before(module, body, 0, new, rest=[cst.EmptyLine()])
    return module.with_changes(body=[new])


def _before(module: cst.Module, body: list[cst.CSTNode], i: int, new: cst.SimpleStatementLine,
            rest: list[cst.EmptyLine] | None = None) -> cst.Module:
    """Insert `new` just above statement `i`.  The blank lines and comments that led `i`
    lead `new` (they stay where they are in the text); `i` is then led by `rest`."""
    stmt = body[i]
    body[i] = stmt.with_changes(leading_lines=rest or [])
    body.insert(i, new.with_changes(leading_lines=stmt.leading_lines))  # type: ignore[attr-defined]
    return module.with_changes(body=body)


def _after(module: cst.Module, body: list[cst.CSTNode], i: int, new: cst.SimpleStatementLine) -> cst.Module:
    body.insert(i + 1, new)
    return module.with_changes(body=body)
