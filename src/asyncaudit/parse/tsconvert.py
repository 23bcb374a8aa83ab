"""Parse stage: tree-sitter fallback that produces standard ``ast`` trees.

The analyzer parses with :func:`ast.parse` first.  When that fails -- syntax
newer than the running interpreter (PEP 695 ``type`` aliases and generic
``def``/``class``, PEP 758 ``except A, B:``, PEP 701 f-strings), a genuine
syntax error, or nesting too deep for CPython's parser -- the file is parsed
with tree-sitter-python and the concrete tree is converted here into ordinary
``ast`` nodes, so every later stage works on a single tree type.

For input CPython accepts, the result equals ``ast.parse(src)`` node for node,
positions included (UTF-8 byte columns, as in CPython).  Syntax the running
interpreter lacks maps onto its ``ast``: ``type X[T] = Y`` becomes ``Assign``
(``TypeAlias`` where it exists), type parameters fill ``type_params`` where
that field exists and are dropped otherwise, ``except A, B:`` gets a
``Tuple`` type.  Known deviations:

* Inside f-strings, ``Constant``/``FormattedValue`` parts and format-spec
  ``JoinedStr`` nodes get the span of the whole (possibly concatenated)
  literal; CPython 3.11's own spans for them, and for expressions inside
  multi-line f-strings, are quirky and not reproduced.
* ``t"..."`` template strings (PEP 750) become ``JoinedStr``.
* ``type_comment`` is always None and ``type_ignores`` empty, as with
  ``ast.parse`` without ``type_comments=True``.
* A line inside brackets dedented below its block derails tree-sitter's
  indentation tracking; such statements are reported and skipped.
* Some syntax that CPython rejects (mostly caught by its compiler anyway)
  is accepted; ``from __future__ import *`` is rejected.

Error tolerance: a statement containing tree-sitter ERROR/MISSING nodes, or a
construct the converter rejects, is skipped -- only the smallest enclosing
statement -- with a ``(line, "syntax error: ...")`` diagnostic.  Because
tree-sitter's error recovery can swallow everything after an unclosed bracket,
a broken region is re-parsed in chunks split at lines that start a statement
at the region's indentation, and a broken compound statement is rebuilt from
its clause headers with each body recovered on its own.  A block that lost
every statement keeps a ``...`` placeholder.  Subtrees nested deeper than
``max_depth`` become ``Constant(Ellipsis)`` with one diagnostic; recursion
and the depth of the returned tree are bounded by ``max_depth``, not by the
input (``elif`` chains and flat ``and``/``or`` chains mirror CPython).
"""

from __future__ import annotations

import ast
import bisect
import contextlib
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from itertools import pairwise

import tree_sitter
import tree_sitter_python

__all__ = ["parse_with_tree_sitter"]

Diagnostic = tuple[int, str]
Node = tree_sitter.Node

_LANGUAGE = tree_sitter.Language(tree_sitter_python.language())

_LOAD = ast.Load()
_STORE = ast.Store()
_DEL = ast.Del()

_BINOPS: dict[str, type[ast.operator]] = {
    "+": ast.Add, "-": ast.Sub, "*": ast.Mult, "@": ast.MatMult, "/": ast.Div,
    "%": ast.Mod, "//": ast.FloorDiv, "**": ast.Pow, "|": ast.BitOr,
    "&": ast.BitAnd, "^": ast.BitXor, "<<": ast.LShift, ">>": ast.RShift,
}
_BIN_PREC = {
    "|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4, "+": 5, "-": 5,
    "*": 6, "@": 6, "/": 6, "//": 6, "%": 6, "**": 7,
}
_POW_PREC = 7
_AUGOPS = {op + "=": cls for op, cls in _BINOPS.items()}
_UNARYOPS: dict[str, type[ast.unaryop]] = {"+": ast.UAdd, "-": ast.USub, "~": ast.Invert}
_CMPOPS: dict[str, type[ast.cmpop]] = {
    "<": ast.Lt, "<=": ast.LtE, "==": ast.Eq, "!=": ast.NotEq, ">=": ast.GtE,
    ">": ast.Gt, "in": ast.In, "not in": ast.NotIn, "is": ast.Is, "is not": ast.IsNot,
}

_COMPOUND = frozenset({
    "if_statement", "for_statement", "while_statement", "try_statement",
    "with_statement", "function_definition", "class_definition",
    "decorated_definition", "match_statement",
})
# Children of a compound statement that carry their own header and block.
_CLAUSES = frozenset({
    "elif_clause", "else_clause", "except_clause", "finally_clause",
    "case_clause", "function_definition", "class_definition",
})

_POSTFIX = {"call": "function", "attribute": "object", "subscript": "value"}

_REPARSE_BUDGET = 5000

_HAS_TYPE_PARAMS = "type_params" in ast.FunctionDef._fields
_TYPE_ALIAS = getattr(ast, "TypeAlias", None)
_TRY_STAR = getattr(ast, "TryStar", None)

_CODING_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_STMT_START_RE = re.compile(rb"[ \t\f]*(?:[A-Za-z_\x80-\xff]|@)")
_CLAUSE_WORD_RE = re.compile(rb"[ \t\f]*(?:else|elif|except|finally)\b")
# Comments and string literals, for finding rows inside multi-line strings.
_LEX_RE = re.compile(
    rb"#[^\n]*"
    rb"|'''(?:[^\\]|\\.)*?(?:'''|\Z)"
    rb'|"""(?:[^\\]|\\.)*?(?:"""|\Z)'
    rb"|'(?:[^'\\\n]|\\.)*(?:'|$)"
    rb'|"(?:[^"\\\n]|\\.)*(?:"|$)',
    re.DOTALL | re.MULTILINE,
)
_HEADER_END_RE = re.compile(rb":[ \t\f]*(?:#[^\n]*)?$")

_STR_ESCAPE_RE = re.compile(
    r"\\(?:(\n)|([0-7]{1,3})|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})"
    r"|U([0-9a-fA-F]{8})|N\{([^}\n]*)\}|(.))",
    re.DOTALL,
)
_BYTES_ESCAPE_RE = re.compile(r"\\(?:(\n)|([0-7]{1,3})|x([0-9a-fA-F]{2})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f",
    "n": "\n", "r": "\r", "t": "\t", "v": "\v",
}


class _Reject(Exception):
    """Raised while converting a statement that cannot be represented."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


def parse_with_tree_sitter(
    source: bytes, *, max_depth: int = 200
) -> tuple[ast.Module, list[tuple[int, str]]]:
    """Parse source with tree-sitter and convert to an ast.Module.

    Returns the module and diagnostics as (line, message).  Never raises."""
    diags: list[Diagnostic] = []
    try:
        data = _prepare_source(source, diags)
        if data is None:
            module = ast.Module(body=[], type_ignores=[])
        else:
            conv = _Converter(data, max(1, int(max_depth)), diags)
            with _recursion_headroom(12 * conv.max_depth + 400):
                body = conv.convert_module()
            module = ast.Module(body=body, type_ignores=[])
    except Exception as exc:  # noqa: BLE001 -- the fallback parser must never raise
        module = ast.Module(body=[], type_ignores=[])
        diags.append((1, f"syntax error: conversion failed ({type(exc).__name__}: {exc})"))
    diags.sort(key=lambda d: d[0])
    return module, diags


# --------------------------------------------------------------------------
# source preparation


def _prepare_source(source: bytes | bytearray | memoryview | str, diags: list[Diagnostic]) -> bytes | None:
    """Return UTF-8 bytes with universal newlines, no BOM and no NUL bytes,
    or None (with a diagnostic) for data that is clearly not source text."""
    replaced = 0
    if isinstance(source, str):
        text = source
    else:
        raw = bytes(source)
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        # Valid UTF-8 wins over a coding cookie: callers may hand over text
        # that was already decoded and re-encoded, cookie and all.
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_fallback(raw, diags)
            replaced = text.count("\ufffd")
    bad = replaced + text.count("\x00")
    if bad > 64 and bad * 20 > len(text):
        # Binary data (or UTF-16): tree-sitter's error recovery on it is slow
        # and the result would be noise.
        diags.append((1, f"syntax error: source looks like binary data ({bad} NUL or undecodable bytes); not parsed"))
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        diags.append((line, "syntax error: source contains NUL bytes; replaced with spaces"))
        text = text.replace("\x00", " ")
    return _cap_indentation(text.encode("utf-8", "replace"), diags)


# CPython's own limit (the tokenizer's MAXINDENT): no file nested deeper runs anywhere.
# tree-sitter-python's scanner keeps its indentation stack in a fixed serialization
# buffer and corrupts memory (a segmentation fault, seen from ~500 levels on) when it
# overflows, so deeper lines must never reach the parser.
MAX_INDENT_LEVELS = 100
_DEEP_LINE_RE = re.compile(rb"(?:^|\n)[ \t\f]{%d}" % (MAX_INDENT_LEVELS + 1))


def _cap_indentation(data: bytes, diags: list[Diagnostic]) -> bytes:
    """Blank the lines indented more than MAX_INDENT_LEVELS blocks deep (one diagnostic).

    Depth is counted as the tokenizer does (a stack of indentation widths, tabs to the next
    multiple of 8, a form feed resetting the column; blank and comment lines count for
    nothing), without tracking brackets or strings: continuation lines can only make the
    count larger, never let a deep line through.  Each run of blanked lines keeps one `...`
    at its first line, so the block above it still has a body; line numbers do not move.
    """
    if _DEEP_LINE_RE.search(data) is None:  # fast path: a line 101 levels deep needs 101 blanks
        return data
    lines = data.split(b"\n")
    stack = [0]
    first = count = 0
    in_run = False
    for i, line in enumerate(lines):
        body = line.lstrip(b" \t\f")
        if not body or body.startswith(b"#"):
            if in_run:
                lines[i] = b""
            continue
        lead = line[:len(line) - len(body)]
        col = len(lead)
        if b"\t" in lead or b"\f" in lead:
            col = 0
            for ch in lead:
                col = (col // 8 + 1) * 8 if ch == 9 else 0 if ch == 12 else col + 1
        while stack[-1] > col:
            stack.pop()
        if col > stack[-1]:
            stack.append(col)
        if len(stack) - 1 <= MAX_INDENT_LEVELS:
            in_run = False
            continue
        if not count:
            first = i + 1
        count += 1
        lines[i] = line[:len(line) - len(body)] + b"..." if not in_run else b""
        in_run = True
    if not count:
        return data
    diags.append((first, f"nesting deeper than {MAX_INDENT_LEVELS} indentation levels (Python's own limit); "
                         f"{count} line{'s' if count != 1 else ''} that deep skipped"))
    return b"\n".join(lines)


def _decode_fallback(raw: bytes, diags: list[Diagnostic]) -> str:
    """Decode non-UTF-8 source by its coding cookie, replacing what fails."""
    encoding = _declared_encoding(raw)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        diags.append((line, f"encoding error: source is not valid {encoding}; undecodable bytes replaced"))
    except LookupError:
        diags.append((1, f"encoding error: unknown encoding {encoding!r}; decoded as utf-8"))
        encoding = "utf-8"
    return raw.decode(encoding, "replace")


def _declared_encoding(raw: bytes) -> str:
    """PEP 263 coding cookie of the first two lines, defaulting to UTF-8."""
    lines = raw.split(b"\n", 2)[:2]
    for i, line in enumerate(lines):
        m = _CODING_RE.match(line)
        if m:
            name = m.group(1).decode("ascii", "replace").lower().replace("_", "-")
            if name in ("utf-8", "utf8") or name.startswith("utf-8-"):
                return "utf-8"
            return name
        stripped = line.strip()
        if i == 0 and stripped and not stripped.startswith(b"#"):
            break
    return "utf-8"


@contextlib.contextmanager
def _recursion_headroom(extra: int) -> Iterator[None]:
    """Make sure ``extra`` more Python frames fit under the recursion limit.

    Conversion recursion is bounded by ``max_depth`` (a few frames per level),
    never by the input; on CPython 3.11+ pure Python calls use no C stack, so
    raising the limit for the duration is safe.
    """
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    saved = sys.getrecursionlimit()
    if saved < depth + extra:
        sys.setrecursionlimit(depth + extra)
    try:
        yield
    finally:
        sys.setrecursionlimit(saved)


# --------------------------------------------------------------------------
# string literal helpers


def _unescape_str(text: str, node: Node) -> str:
    if "\\" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return ""
        for group, base in ((2, 8), (3, 16), (4, 16), (5, 16)):
            digits = m.group(group)
            if digits is not None:
                value = int(digits, base)
                if value > sys.maxunicode:
                    raise _Reject(node, "invalid \\U escape in string literal")
                return chr(value)
        name = m.group(6)
        if name is not None:
            try:
                return unicodedata.lookup(name)
            except KeyError:
                raise _Reject(node, f"unknown Unicode character name {name!r}") from None
        ch = m.group(7)
        if ch in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[ch]
        if ch in "xuUN":
            raise _Reject(node, f"truncated \\{ch} escape in string literal")
        return "\\" + ch

    return _STR_ESCAPE_RE.sub(repl, text)


def _unescape_bytes(text: str, node: Node) -> bytes:
    if "\\" in text:
        def repl(m: re.Match[str]) -> str:
            if m.group(1) is not None:
                return ""
            if m.group(2) is not None:
                return chr(int(m.group(2), 8) & 0xFF)
            if m.group(3) is not None:
                return chr(int(m.group(3), 16))
            ch = m.group(4)
            if ch in _SIMPLE_ESCAPES:
                return _SIMPLE_ESCAPES[ch]
            if ch == "x":
                raise _Reject(node, "truncated \\x escape in bytes literal")
            return "\\" + ch

        text = _BYTES_ESCAPE_RE.sub(repl, text)
    return text.encode("latin-1")


# --------------------------------------------------------------------------
# converter


class _Converter:
    def __init__(self, data: bytes, max_depth: int, diags: list[Diagnostic]) -> None:
        self.data = data
        self.max_depth = max_depth
        self.diags = diags
        self.parser = tree_sitter.Parser(_LANGUAGE)
        self.depth = 0
        self.row_off = 0  # original row of row 0 of the tree being converted
        self.text = data  # bytes the tree being converted was parsed from
        self.region_start = 0  # first original row of the text being converted
        self.region_end = 0  # exclusive original row where the current chunk ends
        self.too_deep_reported = False
        self._semicolon_end: dict[int, tuple[int, int]] = {}
        # original row of a dummy ``pass`` block -> statements recovered for it
        self._dummy_bodies: dict[int, list[ast.stmt]] = {}
        self._line_starts: list[int] | None = None
        self._string_rows: set[int] | None = None
        # Re-parses allowed for error recovery; pathological input (megabytes
        # of garbage) then degrades to skipping whole broken regions.
        self.reparse_budget = _REPARSE_BUDGET

    # ---- driver ---------------------------------------------------------

    def convert_module(self) -> list[ast.stmt]:
        tree = self.parser.parse(self.data)
        root = tree.root_node
        nrows = self._nrows()
        self.region_end = nrows
        nodes = _stmt_nodes(root)
        if not root.has_error:
            out: list[ast.stmt] = []
            self._stmt_list_into(nodes, out, 0)
            return out
        return self._convert_nodes(nodes, 0, nrows, 0, chunking=True)

    def _nrows(self) -> int:
        return len(self.line_starts) - 1

    @property
    def line_starts(self) -> list[int]:
        """Byte offset of each row start, plus a sentinel at EOF."""
        if self._line_starts is None:
            data = self.data
            starts = [0]
            find = data.find
            pos = find(b"\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find(b"\n", pos + 1)
            if starts[-1] != len(data):
                starts.append(len(data))
            self._line_starts = starts
        return self._line_starts

    # ---- error recovery ---------------------------------------------------

    def _parse_region(self, a: int, b: int, indent: int) -> tuple[list[Node], int, bytes]:
        """Parse original rows [a, b).  Indented regions are wrapped in ``if 1:``
        so the block parses at its real columns.  Returns (statement nodes,
        row offset, parsed text)."""
        ls = self.line_starts
        chunk = self.data[ls[a]:ls[b]]
        if indent:
            prefix = b"if 1:\n"
            text = prefix + chunk
            root = self.parser.parse(text).root_node
            nodes: list[Node] = []
            for i, top in enumerate(_stmt_nodes(root)):
                if i == 0 and top.type == "if_statement":
                    for part in top.children:
                        if part.type == "block":
                            nodes.extend(_stmt_nodes(part))
                        elif part.type in ("elif_clause", "else_clause") or part.is_error:
                            nodes.append(part)
                elif top.end_point[0] > 0 or top.end_point[1] > len(prefix) - 1:
                    nodes.append(top)  # (tokens of the wrapper line alone are dropped)
            return nodes, a - 1, text
        root = self.parser.parse(chunk).root_node
        return _stmt_nodes(root), a, chunk

    def _recover(self, a: int, b: int, indent: int) -> list[ast.stmt]:
        nodes, row_off, text = self._parse_region(a, b, indent)
        saved = self.row_off, self.text, self.region_start
        self.row_off, self.text, self.region_start = row_off, text, a
        try:
            return self._convert_nodes(nodes, a, b, indent, chunking=True)
        finally:
            self.row_off, self.text, self.region_start = saved

    def _convert_nodes(
        self, nodes: list[Node], a: int, b: int, indent: int, *, chunking: bool
    ) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        if not chunking or not any(n.has_error or n.is_error for n in nodes):
            saved_end = self.region_end
            self.region_end = b
            try:
                self._stmt_list_into(nodes, out, indent)
            finally:
                self.region_end = saved_end
            return out
        # Group statements into clusters of overlapping rows (one sweep: nodes
        # come in document order).  Clusters containing an error are re-parsed
        # in chunks; error-free statements sharing a row with them go along.
        # Clamp: nodes of the ``if 1:`` wrapper may start on the row before ``a``.
        clusters: list[list] = []
        for n in nodes:
            r0 = max(a, self._first_row(n))
            r1 = max(r0, min(b - 1, self._last_row(n)))
            err = n.has_error or n.is_error
            if clusters and r0 <= clusters[-1][1]:
                last = clusters[-1]
                last[1] = max(last[1], r1)
                last[2] = last[2] or err
                last[3].append(n)
            else:
                clusters.append([r0, r1, err, [n]])
        for lo, hi, err, members in clusters:
            stop = min(hi + 1, b)
            if not err or self.reparse_budget <= 0:
                self._stmt_list_into(members, out, indent)
                continue
            cuts = [r for r in range(lo + 1, stop) if self._is_stmt_start(r, indent)]
            bounds = [lo, *cuts, stop]
            for chunk_lo, chunk_hi in pairwise(bounds):
                out.extend(self._convert_chunk(chunk_lo, chunk_hi, indent))
        return out

    def _convert_chunk(self, a: int, b: int, indent: int) -> list[ast.stmt]:
        if self.depth >= self.max_depth:
            self._too_deep_diag(a)
            return []
        self.depth += 1
        self.reparse_budget -= 1
        try:
            nodes, row_off, text = self._parse_region(a, b, indent)
            if nodes and (nodes[0].has_error or nodes[0].is_error):
                recovered = self._skeleton_recover(a, b, indent)
                if recovered is not None:
                    return recovered
            saved = self.row_off, self.text, self.region_start
            self.row_off, self.text, self.region_start = row_off, text, a
            try:
                return self._convert_nodes(nodes, a, b, indent, chunking=False)
            finally:
                self.row_off, self.text, self.region_start = saved
        finally:
            self.depth -= 1

    def _skeleton_recover(self, a: int, b: int, indent: int) -> list[ast.stmt] | None:
        """Convert a broken compound statement (rows [a, b)) clause by clause.

        tree-sitter's error recovery often derails a whole compound statement
        because of one bad line in a body (e.g. a line inside brackets that is
        dedented below the block).  Here the clause headers (``def ...:``,
        ``else:``, ``except ...:``) are parsed alone, each body replaced by a
        dummy ``pass`` on the same rows, and every real body is recovered on
        its own at its indentation."""
        ls = self.line_starts
        data = self.data
        clause_rows = [a]
        for r in range(a + 1, b):
            line = data[ls[r]:ls[r + 1]]
            if (
                r not in self.string_rows
                and len(line) - len(line.lstrip(b" \t\f")) == indent
                and _CLAUSE_WORD_RE.match(line)
            ):
                clause_rows.append(r)
        clause_rows.append(b)
        lines: list[bytes] = []
        bodies: list[tuple[int, int, int]] = []  # (body start row, end row, indentation)
        for lo, hi in pairwise(clause_rows):
            body_start = self._body_start(lo, hi, indent)
            stop = hi if body_start is None else body_start
            lines.extend(data[ls[lo]:ls[stop]].splitlines(keepends=True))
            if body_start is not None:
                line = data[ls[body_start]:ls[body_start + 1]]
                body_indent = len(line) - len(line.lstrip(b" \t\f"))
                lines.append(b" " * body_indent + b"pass\n")
                lines.extend(b"\n" for _ in range(body_start + 1, hi))
                bodies.append((body_start, hi, body_indent))
        if not bodies:
            return None
        text = (b"if 1:\n" if indent else b"") + b"".join(lines)
        root = self.parser.parse(text).root_node
        nodes = _stmt_nodes(root)
        if indent:
            if len(nodes) != 1 or nodes[0].type != "if_statement" or nodes[0].has_error:
                return None
            block = nodes[0].child_by_field_name("consequence")
            nodes = _stmt_nodes(block) if block is not None else []
        if len(nodes) != 1 or nodes[0].has_error or nodes[0].type not in _COMPOUND:
            return None
        recovered = {start: self._recover(start, end, body_indent) for start, end, body_indent in bodies}
        saved = self.row_off, self.text, self.region_start, self._dummy_bodies
        self.row_off, self.text, self.region_start = (a - 1 if indent else a), text, a
        self._dummy_bodies = recovered
        try:
            out: list[ast.stmt] = []
            self._stmt_into(nodes[0], out)
            return out
        finally:
            self.row_off, self.text, self.region_start, self._dummy_bodies = saved

    def _body_start(self, a: int, b: int, indent: int) -> int | None:
        """First row in (a, b) indented deeper than ``indent`` right after a
        line ending in ``:`` -- where the body of the header at ``a`` starts."""
        ls = self.line_starts
        data = self.data
        prev_text = data[ls[a]:ls[a + 1]].strip()
        for r in range(a + 1, b):
            line = data[ls[r]:ls[r + 1]]
            stripped = line.strip()
            if not stripped or stripped.startswith(b"#"):
                continue
            if len(line) - len(line.lstrip(b" \t\f")) > indent and _HEADER_END_RE.search(prev_text):
                return r
            prev_text = stripped
        return None

    def _first_row(self, n: Node) -> int:
        return n.start_point[0] + self.row_off

    def _last_row(self, n: Node) -> int:
        (r0, _), (r1, c1) = n.start_point, n.end_point
        if c1 == 0 and r1 > r0:
            r1 -= 1
        return r1 + self.row_off

    def _is_stmt_start(self, row: int, indent: int) -> bool:
        """Whether original ``row`` looks like the start of a statement at ``indent``."""
        if row in self.string_rows:
            return False
        ls = self.line_starts
        data = self.data
        line = data[ls[row]:ls[row + 1]]
        ws = len(line) - len(line.lstrip(b" \t\f"))
        if ws != indent or not _STMT_START_RE.match(line) or _CLAUSE_WORD_RE.match(line):
            return False
        prev = row - 1
        while prev >= 0:
            pline = data[ls[prev]:ls[prev + 1]].strip()
            if pline and not pline.startswith(b"#"):
                return not (pline.endswith(b"\\") or pline.startswith(b"@"))
            prev -= 1
        return True

    @property
    def string_rows(self) -> set[int]:
        """Rows that continue a multi-line string literal, by a lexical scan.

        Only used to choose re-parse boundaries inside broken regions, where
        tree-sitter's own tokens are unreliable."""
        if self._string_rows is None:
            rows: set[int] = set()
            ls = self.line_starts
            for m in _LEX_RE.finditer(self.data):
                first = bisect.bisect_right(ls, m.start()) - 1
                last = bisect.bisect_right(ls, m.end() - 1) - 1
                if last > first:
                    rows.update(range(first + 1, last + 1))
            self._string_rows = rows
        return self._string_rows

    # ---- statements -------------------------------------------------------

    def _stmt_list_into(self, nodes: list[Node], out: list[ast.stmt], column: int | None) -> None:
        """Convert a block's statements; ``column`` is the block's indentation."""
        skipped_row = -1
        prev_row = -1
        for n in nodes:
            first = self._first_row(n)
            if first == skipped_row and not n.has_error:
                # What follows a skipped statement on its last row is a
                # fragment of it (``@@ = 2`` must not yield ``2``).
                continue
            if column is not None and first > prev_row and n.start_point[1] != column and not n.is_error:
                # tree-sitter accepts inconsistent dedents that CPython rejects.
                self._skip_diag(n, _Reject(n, "inconsistent indentation"))
                skipped_row = self._last_row(n)
            elif not self._stmt_into(n, out):
                skipped_row = self._last_row(n)
            prev_row = self._last_row(n)

    def _stmt_into(self, n: Node, out: list[ast.stmt]) -> bool:
        """Convert statement ``n`` into ``out``; False if it was skipped."""
        if (n.has_error or n.is_error) and self._header_has_error(n):
            self._skip_diag(n, None)
            return False
        try:
            out.append(self.stmt(n))
            return True
        except _Reject as exc:
            self._skip_diag(n, exc)
        except RecursionError:
            self._too_deep_diag(self._first_row(n))
        except Exception as exc:  # noqa: BLE001 -- a converter bug costs one statement, not the file
            msg = f"syntax error: could not convert statement ({type(exc).__name__}: {exc})"
            self.diags.append((self._first_row(n) + 1, msg))
        return False

    def _header_has_error(self, n: Node) -> bool:
        """Whether ``n`` has errors outside the blocks of its clauses (blocks
        handle their own broken statements)."""
        if n.is_error or (n.type not in _COMPOUND and n.type != "case_clause"):
            return True
        stack = [n]
        while stack:
            x = stack.pop()
            for c in x.children:
                if not (c.has_error or c.is_missing):
                    continue
                if c.type == "block":
                    if x.type == "match_statement":
                        stack.append(c)
                    continue
                if c.type in _CLAUSES:
                    stack.append(c)
                    continue
                return True
        return False

    def _skip_diag(self, n: Node, exc: _Reject | None) -> None:
        if exc is not None:
            where = exc.node or n
            msg = exc.message
        else:
            where = _first_error(n)
            if where.is_missing:
                msg = f"missing {where.type!r}"
            elif where.is_error:
                tok = _snippet(where)
                msg = f"unexpected {tok!r}" if tok.strip() else "invalid syntax"
            else:
                msg = "invalid syntax"
        # Rows before region_start belong to the ``if 1:`` wrapper.
        first = max(self._first_row(n), self.region_start) + 1
        last = max(self._last_row(n) + 1, first)
        lines = f"line {first}" if first == last else f"lines {first}-{last}"
        line = max(self._first_row(where) + 1, first)
        self.diags.append((line, f"syntax error: {msg}; skipped {lines}"))

    def _too_deep_diag(self, row: int) -> None:
        if not self.too_deep_reported:
            self.too_deep_reported = True
            self.diags.append((row + 1, f"nesting deeper than {self.max_depth} levels; inner expression skipped"))

    def stmt(self, n: Node) -> ast.stmt:
        d = self.depth + 1
        if d > self.max_depth:
            self._too_deep_diag(self._first_row(n))
            return self._set(ast.Expr(value=self._ellipsis(n)), n.start_point, n.end_point)
        self.depth = d
        try:
            handler = _STMT_HANDLERS.get(n.type)
            if handler is None:
                raise _Reject(n, f"unexpected {_snippet(n)!r}")
            return handler(self, n)
        finally:
            self.depth = d - 1

    def _body(self, block: Node | None, header: Node, end_row: int | None = None) -> list[ast.stmt]:
        if block is None:
            raise _Reject(header, "expected ':' and a block")
        if self._dummy_bodies:
            recovered = self._dummy_bodies.pop(self._first_row(block), None)
            if recovered is not None:
                return recovered or [self._placeholder(block)]
        kids = _stmt_nodes(block)
        if block.has_error and kids and kids[0].start_point[0] > header.start_point[0]:
            first = self._first_row(kids[0])
            stop = self.region_end if end_row is None else end_row
            if first < stop:
                line = self.data[self.line_starts[first]:self.line_starts[first + 1]]
                indent = len(line) - len(line.lstrip(b" \t\f"))
                if indent > 0:
                    self.depth += 1
                    try:
                        body = self._recover(first, stop, indent)
                    finally:
                        self.depth -= 1
                    return body or [self._placeholder(block)]
        out: list[ast.stmt] = []
        own_line = kids and kids[0].start_point[0] > header.start_point[0]
        self._stmt_list_into(kids, out, kids[0].start_point[1] if own_line else None)
        if not out:
            if not kids:
                raise _Reject(header, "expected an indented block")
            return [self._placeholder(block)]
        semi = kids[-1].next_sibling
        while semi is not None and semi.is_extra and not semi.is_error:
            semi = semi.next_sibling
        if semi is not None and semi.type == ";":
            # CPython ends a compound statement at the last token of its
            # body, which includes a trailing semicolon.
            self._semicolon_end[id(out[-1])] = (semi.end_point[0] + self.row_off + 1, semi.end_point[1])
        return out

    def _placeholder(self, n: Node) -> ast.stmt:
        return self._set(ast.Expr(value=self._ellipsis(n)), n.start_point, n.start_point)

    def _end_of(self, node: ast.AST, stmts: Sequence[ast.stmt]) -> ast.AST:
        last = stmts[-1]
        end = self._semicolon_end.get(id(last))
        if end is None:
            end = (last.end_lineno, last.end_col_offset)
        node.end_lineno, node.end_col_offset = end
        if id(last) in self._semicolon_end:
            self._semicolon_end[id(node)] = end
        return node

    def _s_expression_statement(self, n: Node) -> ast.stmt:
        kids = [c for c in n.children if not c.is_extra]
        first = kids[0]
        t = first.type
        if len(kids) > 1:
            elts = [self.expr_at(c, 1) for c in kids if c.is_named]
            value = self._set(ast.Tuple(elts=elts, ctx=_LOAD), first.start_point, kids[-1].end_point)
            return self._set(ast.Expr(value=value), first.start_point, kids[-1].end_point)
        if t == "assignment":
            return self._assignment(first)
        if t == "augmented_assignment":
            return self._augassign(first)
        return self._set(ast.Expr(value=self.expr(first)), first.start_point, first.end_point)

    def _assignment(self, n: Node) -> ast.stmt:
        left = n.child_by_field_name("left")
        annotation = n.child_by_field_name("type")
        right = n.child_by_field_name("right")
        if annotation is not None:
            target = self.expr(left)
            _set_ctx(target, _STORE, left)
            if not isinstance(target, (ast.Name, ast.Attribute, ast.Subscript)):
                raise _Reject(left, "only single target (not tuple) can be annotated")
            simple = int(isinstance(target, ast.Name) and left.type == "identifier")
            value = self._rhs(right) if right is not None else None
            return self._set(
                ast.AnnAssign(target=target, annotation=self.expr(annotation), value=value, simple=simple),
                n.start_point, n.end_point,
            )
        targets: list[ast.expr] = []
        cur = n
        while True:
            left = cur.child_by_field_name("left")
            right = cur.child_by_field_name("right")
            if left is None or right is None or cur.child_by_field_name("type") is not None:
                raise _Reject(cur, "invalid assignment")
            target = self.expr(left)
            _set_ctx(target, _STORE, left)
            targets.append(target)
            if right.type != "assignment":
                break
            cur = right
        if right.type == "augmented_assignment":
            raise _Reject(right, "invalid augmented assignment")
        return self._set(
            ast.Assign(targets=targets, value=self._rhs(right), type_comment=None), n.start_point, n.end_point
        )

    def _rhs(self, n: Node) -> ast.expr:
        if n.type in ("assignment", "augmented_assignment"):
            raise _Reject(n, "invalid syntax")
        return self.expr(n)

    def _augassign(self, n: Node) -> ast.stmt:
        left = n.child_by_field_name("left")
        op = n.child_by_field_name("operator")
        right = n.child_by_field_name("right")
        target = self.expr(left)
        if not isinstance(target, (ast.Name, ast.Attribute, ast.Subscript)):
            raise _Reject(left, "illegal expression for augmented assignment")
        _set_ctx(target, _STORE, left)
        return self._set(
            ast.AugAssign(target=target, op=_AUGOPS[op.type](), value=self._rhs(right)), n.start_point, n.end_point
        )

    def _s_return_statement(self, n: Node) -> ast.stmt:
        value = self._first_named(n)
        return self._set(ast.Return(value=self.expr(value) if value is not None else None), n.start_point, n.end_point)

    def _s_delete_statement(self, n: Node) -> ast.stmt:
        arg = self._first_named(n)
        if arg is None:
            raise _Reject(n, "invalid syntax")
        parts = [c for c in arg.children if c.is_named and not c.is_extra] if arg.type == "expression_list" else [arg]
        targets = []
        for p in parts:
            t = self.expr(p)
            _set_ctx(t, _DEL, p)
            targets.append(t)
        return self._set(ast.Delete(targets=targets), n.start_point, n.end_point)

    def _s_raise_statement(self, n: Node) -> ast.stmt:
        exc = cause = None
        for i, c in enumerate(n.children):
            if not c.is_named or c.is_extra:
                continue
            if n.field_name_for_child(i) == "cause":
                cause = self.expr(c)
            elif exc is None:
                exc = self.expr(c)
        return self._set(ast.Raise(exc=exc, cause=cause), n.start_point, n.end_point)

    def _s_pass_statement(self, n: Node) -> ast.stmt:
        return self._set(ast.Pass(), n.start_point, n.end_point)

    def _s_break_statement(self, n: Node) -> ast.stmt:
        return self._set(ast.Break(), n.start_point, n.end_point)

    def _s_continue_statement(self, n: Node) -> ast.stmt:
        return self._set(ast.Continue(), n.start_point, n.end_point)

    def _s_global_statement(self, n: Node) -> ast.stmt:
        names = [self._ident(c) for c in n.children if c.type == "identifier"]
        return self._set(ast.Global(names=names), n.start_point, n.end_point)

    def _s_nonlocal_statement(self, n: Node) -> ast.stmt:
        names = [self._ident(c) for c in n.children if c.type == "identifier"]
        return self._set(ast.Nonlocal(names=names), n.start_point, n.end_point)

    def _s_assert_statement(self, n: Node) -> ast.stmt:
        args = [c for c in n.children if c.is_named and not c.is_extra]
        if not 1 <= len(args) <= 2:
            raise _Reject(n, "invalid assert statement")
        msg = self.expr(args[1]) if len(args) == 2 else None
        return self._set(ast.Assert(test=self.expr(args[0]), msg=msg), n.start_point, n.end_point)

    def _dotted(self, n: Node) -> str:
        if n.type == "dotted_name":
            return ".".join(self._ident(c) for c in n.children if c.type == "identifier")
        return self._ident(n)

    def _alias(self, n: Node) -> ast.alias:
        if n.type == "aliased_import":
            name = self._dotted(n.child_by_field_name("name"))
            asname: str | None = self._ident(n.child_by_field_name("alias"))
        elif n.type == "wildcard_import":
            name, asname = "*", None
        else:
            name, asname = self._dotted(n), None
        return self._set(ast.alias(name=name, asname=asname), n.start_point, n.end_point)

    def _s_import_statement(self, n: Node) -> ast.stmt:
        names = [self._alias(c) for c in n.children_by_field_name("name")]
        return self._set(ast.Import(names=names), n.start_point, n.end_point)

    def _s_import_from_statement(self, n: Node) -> ast.stmt:
        mod = n.child_by_field_name("module_name")
        level = 0
        module: str | None = None
        if mod.type == "relative_import":
            for c in mod.children:
                if c.type == "import_prefix":
                    level = c.text.count(b".")
                elif c.type == "dotted_name":
                    module = self._dotted(c)
        else:
            module = self._dotted(mod)
        wildcard = [c for c in n.children if c.type == "wildcard_import"]
        names = [self._alias(c) for c in (wildcard or n.children_by_field_name("name"))]
        return self._set(ast.ImportFrom(module=module, names=names, level=level), n.start_point, n.end_point)

    def _s_future_import_statement(self, n: Node) -> ast.stmt:
        names = [self._alias(c) for c in n.children_by_field_name("name")]
        return self._set(ast.ImportFrom(module="__future__", names=names, level=0), n.start_point, n.end_point)

    def _s_print_statement(self, n: Node) -> ast.stmt:
        # ``print >>f, x`` is a valid (if useless) Python 3 tuple expression.
        chevron = next((c for c in n.children if c.type == "chevron"), None)
        if chevron is None:
            raise _Reject(n, "Missing parentheses in call to 'print'")
        head = n.children[0]
        name = self._set(ast.Name(id="print", ctx=_LOAD), head.start_point, head.end_point)
        target = self._first_named(chevron)
        shifted = self._set(
            ast.BinOp(left=name, op=ast.RShift(), right=self.expr(target)), head.start_point, chevron.end_point
        )
        args = [self.expr(c) for c in n.children_by_field_name("argument")]
        if not args:
            return self._set(ast.Expr(value=shifted), n.start_point, n.end_point)
        tup = self._set(ast.Tuple(elts=[shifted, *args], ctx=_LOAD), n.start_point, n.end_point)
        return self._set(ast.Expr(value=tup), n.start_point, n.end_point)

    def _s_type_alias_statement(self, n: Node) -> ast.stmt:
        left = n.child_by_field_name("left")
        right = n.child_by_field_name("right")
        inner = self._first_named(left)
        params: list[ast.AST] = []
        if inner is not None and inner.type == "generic_type":
            name_node = inner.children[0]
            tp = next(c for c in inner.children if c.type == "type_parameter")
            params = self._type_params(tp)
        elif inner is not None and inner.type == "identifier":
            name_node = inner
        else:
            return self._reparse_type_statement(n)
        name = self._set(ast.Name(id=self._ident(name_node), ctx=_STORE), name_node.start_point, name_node.end_point)
        value = self.expr(right)
        if _TYPE_ALIAS is not None:
            return self._set(_TYPE_ALIAS(name=name, type_params=params, value=value), n.start_point, n.end_point)
        return self._set(ast.Assign(targets=[name], value=value, type_comment=None), n.start_point, n.end_point)

    def _reparse_type_statement(self, n: Node) -> ast.stmt:
        """tree-sitter reads ``type(x).attr = v`` as a ``type`` alias statement;
        re-parse it with the soft keyword disguised as a plain identifier."""
        col = n.start_point[1]
        stmt_text = b"tYpE" + self.text[n.start_byte + 4:n.end_byte] + b"\n"
        text = (b"if 1:\n" + b" " * col if col else b"") + stmt_text
        root = self.parser.parse(text).root_node
        nodes = _stmt_nodes(root)
        if col:
            block = nodes[0].child_by_field_name("consequence") if len(nodes) == 1 else None
            nodes = _stmt_nodes(block) if block is not None else []
        if len(nodes) != 1 or nodes[0].has_error or nodes[0].type == "type_alias_statement":
            raise _Reject(n, "invalid type alias statement")
        saved = self.row_off, self.text, self.region_start
        self.region_start = self._first_row(n)
        self.row_off = self._first_row(n) - (1 if col else 0)
        self.text = text
        try:
            result = self.stmt(nodes[0])
        finally:
            self.row_off, self.text, self.region_start = saved
        line = self._first_row(n) + 1
        for sub in ast.walk(result):
            if isinstance(sub, ast.Name) and sub.id == "tYpE" and sub.lineno == line and sub.col_offset == col:
                sub.id = "type"
        return result

    def _type_params(self, tp: Node | None) -> list[ast.AST]:
        """PEP 695 type parameters; an empty list on interpreters without them."""
        if tp is None or not _HAS_TYPE_PARAMS:
            return []
        out: list[ast.AST] = []
        for t in tp.children:
            if t.type != "type":
                continue
            inner = self._first_named(t)
            if inner is None:
                raise _Reject(t, "invalid type parameter")
            if inner.type == "identifier":
                node: ast.AST = ast.TypeVar(name=self._ident(inner), bound=None)
            elif inner.type == "constrained_type":
                parts = [c for c in inner.children if c.type == "type"]
                name_node = self._first_named(parts[0])
                if name_node is None or name_node.type != "identifier" or len(parts) != 2:
                    raise _Reject(inner, "invalid type parameter")
                node = ast.TypeVar(name=self._ident(name_node), bound=self.expr_at(parts[1], 1))
            elif inner.type == "splat_type":
                star = inner.children[0].type
                ident = self._ident(inner.children[1])
                node = ast.TypeVarTuple(name=ident) if star == "*" else ast.ParamSpec(name=ident)
            else:
                raise _Reject(inner, "invalid type parameter")
            out.append(self._set(node, t.start_point, t.end_point))
        return out

    def _s_if_statement(self, n: Node) -> ast.stmt:
        clauses = [c for c in n.children_by_field_name("alternative")]
        ends = [self._first_row(c) for c in clauses] + [None]
        body = self._body(n.child_by_field_name("consequence"), n, ends[0])
        orelse: list[ast.stmt] = []
        for i in range(len(clauses) - 1, -1, -1):
            c = clauses[i]
            if c.type == "else_clause":
                orelse = self._body(c.child_by_field_name("body"), c, ends[i + 1])
            else:
                sub_body = self._body(c.child_by_field_name("consequence"), c, ends[i + 1])
                node = ast.If(test=self.expr(c.child_by_field_name("condition")), body=sub_body, orelse=orelse)
                self._set(node, c.start_point, c.end_point)
                orelse = [self._end_of(node, orelse or sub_body)]
        node = ast.If(test=self.expr(n.child_by_field_name("condition")), body=body, orelse=orelse)
        self._set(node, n.start_point, n.end_point)
        return self._end_of(node, orelse or body)

    def _s_for_statement(self, n: Node) -> ast.stmt:
        alt = n.child_by_field_name("alternative")
        body = self._body(n.child_by_field_name("body"), n, self._first_row(alt) if alt is not None else None)
        orelse = self._body(alt.child_by_field_name("body"), alt) if alt is not None else []
        left = n.child_by_field_name("left")
        target = self.expr(left)
        _set_ctx(target, _STORE, left)
        iter_ = self.expr(n.child_by_field_name("right"))
        cls = ast.AsyncFor if n.children[0].type == "async" else ast.For
        node = cls(target=target, iter=iter_, body=body, orelse=orelse, type_comment=None)
        self._set(node, n.start_point, n.end_point)
        return self._end_of(node, orelse or body)

    def _s_while_statement(self, n: Node) -> ast.stmt:
        alt = n.child_by_field_name("alternative")
        body = self._body(n.child_by_field_name("body"), n, self._first_row(alt) if alt is not None else None)
        orelse = self._body(alt.child_by_field_name("body"), alt) if alt is not None else []
        node = ast.While(test=self.expr(n.child_by_field_name("condition")), body=body, orelse=orelse)
        self._set(node, n.start_point, n.end_point)
        return self._end_of(node, orelse or body)

    def _s_try_statement(self, n: Node) -> ast.stmt:
        clauses = [c for c in n.children if c.type in ("except_clause", "else_clause", "finally_clause")]
        ends = [self._first_row(c) for c in clauses] + [None]
        body = self._body(n.child_by_field_name("body"), n, ends[0])
        handlers: list[ast.excepthandler] = []
        orelse: list[ast.stmt] = []
        final: list[ast.stmt] = []
        star: bool | None = None
        for i, c in enumerate(clauses):
            block = next((k for k in c.children if k.type == "block"), None)
            if c.type == "else_clause":
                orelse = self._body(c.child_by_field_name("body"), c, ends[i + 1])
            elif c.type == "finally_clause":
                final = self._body(block, c, ends[i + 1])
            else:
                is_star = any(k.type == "*" for k in c.children)
                if star is None:
                    star = is_star
                elif star != is_star:
                    raise _Reject(c, "cannot have both 'except' and 'except*' on the same 'try'")
                self.depth += 1  # Try -> ExceptHandler -> body
                try:
                    handler_body = self._body(block, c, ends[i + 1])
                finally:
                    self.depth -= 1
                handlers.append(self._handler(c, handler_body))
        if not handlers and (orelse or not final):
            raise _Reject(n, "expected 'except' or 'finally' block")
        if star and _TRY_STAR is None:
            raise _Reject(n, "except* is not supported by this interpreter's ast")
        cls = _TRY_STAR if star else ast.Try
        node = cls(body=body, handlers=handlers, orelse=orelse, finalbody=final)
        self._set(node, n.start_point, n.end_point)
        return self._end_of(node, final or orelse or handlers[-1].body)  # type: ignore[union-attr]

    def _handler(self, c: Node, body: list[ast.stmt]) -> ast.excepthandler:
        values: list[Node] = []
        alias: Node | None = None
        for i, k in enumerate(c.children):
            field = c.field_name_for_child(i)
            if field == "value":
                values.append(k)
            elif field == "alias":
                alias = k
        type_: ast.expr | None = None
        name: str | None = None
        if len(values) == 1 and values[0].type == "as_pattern" and alias is None:
            inner = [k for k in values[0].children if k.is_named and not k.is_extra]
            type_ = self.expr(inner[0])
            alias = inner[-1]
        elif len(values) == 1:
            type_ = self.expr(values[0])
        elif values:
            # PEP 758: ``except A, B:`` means ``except (A, B):``.
            elts = [self.expr_at(v, 1) for v in values]
            type_ = self._set(ast.Tuple(elts=elts, ctx=_LOAD), values[0].start_point, values[-1].end_point)
        if alias is not None:
            target = self._first_named(alias) if alias.type == "as_pattern_target" else alias
            if target is None or target.type != "identifier":
                raise _Reject(alias, "invalid exception handler target")
            name = self._ident(target)
        node = ast.ExceptHandler(type=type_, name=name, body=body)
        self._set(node, c.start_point, c.end_point)
        return self._end_of(node, body)  # type: ignore[return-value]

    def _s_with_statement(self, n: Node) -> ast.stmt:
        clause = next((c for c in n.children if c.type == "with_clause"), None)
        if clause is None:
            raise _Reject(n, "invalid with statement")
        items = []
        for it in clause.children:
            if it.type != "with_item":
                continue
            value = it.child_by_field_name("value")
            if value.type == "parenthesized_expression":
                inner = self._first_named(value)
                if inner is not None and inner.type == "as_pattern":
                    value = inner  # ``with (a as b):`` is one item, not a parenthesized expression
            if value.type == "as_pattern":
                parts = [k for k in value.children if k.is_named and not k.is_extra]
                target_node = parts[-1]
                if target_node.type == "as_pattern_target":
                    target_node = self._first_named(target_node)
                ctx_expr = self.expr_at(parts[0], 1)
                target = self.expr_at(target_node, 1)
                _set_ctx(target, _STORE, target_node)
                items.append(ast.withitem(context_expr=ctx_expr, optional_vars=target))
            else:
                items.append(ast.withitem(context_expr=self.expr_at(value, 1), optional_vars=None))
        body = self._body(n.child_by_field_name("body"), n)
        cls = ast.AsyncWith if n.children[0].type == "async" else ast.With
        node = cls(items=items, body=body, type_comment=None)
        self._set(node, n.start_point, n.end_point)
        return self._end_of(node, body)

    def _s_function_definition(self, n: Node, decorators: list[ast.expr] | None = None) -> ast.stmt:
        name = self._ident(n.child_by_field_name("name"))
        params = n.child_by_field_name("parameters")
        args = self._arguments(params, allow_annotations=True)
        ret = n.child_by_field_name("return_type")
        returns = self.expr(ret) if ret is not None else None
        body = self._body(n.child_by_field_name("body"), n)
        cls = ast.AsyncFunctionDef if n.children[0].type == "async" else ast.FunctionDef
        node = cls(
            name=name, args=args, body=body, decorator_list=decorators or [], returns=returns, type_comment=None
        )
        if _HAS_TYPE_PARAMS:
            node.type_params = self._type_params(n.child_by_field_name("type_parameters"))
        self._set(node, n.start_point, n.end_point)
        return self._end_of(node, body)

    def _s_class_definition(self, n: Node, decorators: list[ast.expr] | None = None) -> ast.stmt:
        name = self._ident(n.child_by_field_name("name"))
        supers = n.child_by_field_name("superclasses")
        bases: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        if supers is not None:
            bases, keywords = self._call_args(supers)
        body = self._body(n.child_by_field_name("body"), n)
        node = ast.ClassDef(name=name, bases=bases, keywords=keywords, body=body, decorator_list=decorators or [])
        if _HAS_TYPE_PARAMS:
            node.type_params = self._type_params(n.child_by_field_name("type_parameters"))
        self._set(node, n.start_point, n.end_point)
        return self._end_of(node, body)

    def _s_decorated_definition(self, n: Node) -> ast.stmt:
        decorators = []
        for c in n.children:
            if c.type == "decorator":
                expr_node = self._first_named(c)
                if expr_node is None:
                    raise _Reject(c, "invalid decorator")
                decorators.append(self.expr(expr_node))
        definition = n.child_by_field_name("definition")
        if definition is None:
            raise _Reject(n, "expected function or class after decorator")
        if definition.type == "class_definition":
            return self._s_class_definition(definition, decorators)
        return self._s_function_definition(definition, decorators)

    def _arguments(self, n: Node | None, *, allow_annotations: bool) -> ast.arguments:
        posonly: list[ast.arg] = []
        args: list[ast.arg] = []
        defaults: list[ast.expr] = []
        kwonly: list[ast.arg] = []
        kw_defaults: list[ast.expr | None] = []
        vararg: ast.arg | None = None
        kwarg: ast.arg | None = None
        star = False
        params = [] if n is None else [c for c in n.children if c.is_named and not c.is_extra]
        for p in params:
            t = p.type
            default: ast.expr | None = None
            if t == "positional_separator":
                if posonly or star or not args:
                    raise _Reject(p, "invalid '/' in parameters")
                posonly, args = args, []
                continue
            if t == "keyword_separator":
                if star:
                    raise _Reject(p, "* argument may appear only once")
                star = True
                continue
            if t in ("list_splat_pattern", "dictionary_splat_pattern"):
                a = self._arg(self._first_named(p), None, None)
                kind = t
            elif t == "identifier":
                a = self._arg(p, None, None)
                kind = "plain"
            elif t == "default_parameter":
                name = p.child_by_field_name("name")
                if name.type != "identifier":
                    raise _Reject(p, "invalid parameter")
                a = self._arg(name, None, None)
                default = self.expr_at(p.child_by_field_name("value"), 1)
                kind = "plain"
            elif t in ("typed_parameter", "typed_default_parameter"):
                if not allow_annotations:
                    raise _Reject(p, "lambda parameters cannot be annotated")
                head = p.children[0]
                ann_node = p.child_by_field_name("type")
                kind = "plain"
                if head.type in ("list_splat_pattern", "dictionary_splat_pattern"):
                    kind = head.type
                    head = self._first_named(head)
                if head is None or head.type != "identifier":
                    raise _Reject(p, "invalid parameter")
                a = self._arg(head, ann_node, self.expr_at(ann_node, 2))
                if t == "typed_default_parameter":
                    default = self.expr_at(p.child_by_field_name("value"), 1)
            else:
                raise _Reject(p, "invalid parameter")
            if kind == "list_splat_pattern":
                if star:
                    raise _Reject(p, "* argument may appear only once")
                star = True
                vararg = a
            elif kind == "dictionary_splat_pattern":
                kwarg = a
            elif star:
                kwonly.append(a)
                kw_defaults.append(default)
            else:
                args.append(a)
                if default is not None:
                    defaults.append(default)
                elif defaults:
                    raise _Reject(p, "non-default argument follows default argument")
        return ast.arguments(
            posonlyargs=posonly, args=args, vararg=vararg, kwonlyargs=kwonly,
            kw_defaults=kw_defaults, kwarg=kwarg, defaults=defaults,
        )

    def _arg(self, name: Node | None, ann_node: Node | None, annotation: ast.expr | None) -> ast.arg:
        if name is None or name.type != "identifier":
            raise _Reject(name, "invalid parameter")  # type: ignore[arg-type]
        node = ast.arg(arg=self._ident(name), annotation=annotation, type_comment=None)
        return self._set(node, name.start_point, (ann_node or name).end_point)

    def _s_match_statement(self, n: Node) -> ast.stmt:
        subjects = n.children_by_field_name("subject")
        if not subjects:
            raise _Reject(n, "invalid match statement")
        trailing = self._trailing_comma(subjects[-1])
        if len(subjects) == 1 and trailing is None:
            subject = self.expr(subjects[0])
        else:
            elts = [self.expr_at(s, 1) for s in subjects]
            end = (trailing or subjects[-1]).end_point
            subject = self._set(ast.Tuple(elts=elts, ctx=_LOAD), subjects[0].start_point, end)
        block = n.child_by_field_name("body")
        clauses = [c for c in block.children if c.type == "case_clause"] if block is not None else []
        if not clauses:
            raise _Reject(n, "expected case block")
        cases = []
        for i, c in enumerate(clauses):
            end = self._first_row(clauses[i + 1]) if i + 1 < len(clauses) else None
            if c.has_error and self._header_has_error(c):
                self._skip_diag(c, None)
                continue
            try:
                cases.append(self._case(c, end))
            except _Reject as exc:
                self._skip_diag(c, exc)
        if not cases:
            raise _Reject(n, "no valid case blocks")
        node = ast.Match(subject=subject, cases=cases)
        self._set(node, n.start_point, n.end_point)
        return self._end_of(node, cases[-1].body)

    def _case(self, c: Node, end: int | None) -> ast.match_case:
        pats = [k for k in c.children if k.type == "case_pattern"]
        if not pats:
            raise _Reject(c, "invalid case pattern")
        trailing = self._trailing_comma(pats[-1])
        self.depth += 1  # Match -> match_case -> ...
        try:
            if len(pats) == 1 and trailing is None:
                pattern = self._pattern(pats[0])
            else:
                self.depth += 1
                try:
                    elems = [self._pattern(p) for p in pats]
                finally:
                    self.depth -= 1
                end = (trailing or pats[-1]).end_point
                pattern = self._set(ast.MatchSequence(patterns=elems), pats[0].start_point, end)
            guard_node = c.child_by_field_name("guard")
            guard = self.expr(self._first_named(guard_node)) if guard_node is not None else None
            body = self._body(c.child_by_field_name("consequence"), c, end)
        finally:
            self.depth -= 1
        return ast.match_case(pattern=pattern, guard=guard, body=body)

    def _trailing_comma(self, last: Node) -> Node | None:
        """The ``,`` right after ``last`` (a trailing comma), if any."""
        sib = last.next_sibling
        while sib is not None and sib.is_extra:
            sib = sib.next_sibling
        return sib if sib is not None and sib.type == "," else None

    # ---- patterns ---------------------------------------------------------

    def _pattern(self, n: Node) -> ast.pattern:
        d = self.depth + 1
        if d > self.max_depth:
            self._too_deep_diag(self._first_row(n))
            return self._set(ast.MatchValue(value=self._ellipsis(n)), n.start_point, n.end_point)
        self.depth = d
        try:
            return self._pattern_inner(n)
        finally:
            self.depth = d - 1

    def _pattern_inner(self, n: Node) -> ast.pattern:
        t = n.type
        if t == "case_pattern":
            return self._pattern_seq([k for k in n.children if not k.is_extra], n)
        if t == "as_pattern":
            kids = [k for k in n.children if not k.is_extra]
            if len(kids) != 3 or kids[2].type != "identifier":
                raise _Reject(n, "invalid as pattern")
            inner = self._pattern(kids[0])
            name = self._ident(kids[2])
            if name == "_":
                raise _Reject(kids[2], "cannot use '_' as a target")
            return self._set(ast.MatchAs(pattern=inner, name=name), n.start_point, n.end_point)
        if t == "union_pattern":
            segments: list[list[Node]] = [[]]
            for k in n.children:
                if k.is_extra:
                    continue
                if k.type == "|":
                    segments.append([])
                else:
                    segments[-1].append(k)
            alts = [self._pattern_seq(seg, n) for seg in segments]
            return self._set(ast.MatchOr(patterns=alts), n.start_point, n.end_point)
        if t in ("list_pattern", "tuple_pattern"):
            elems = [k for k in n.children if k.type == "case_pattern"]
            if t == "tuple_pattern" and len(elems) == 1 and self._trailing_comma(elems[0]) is None:
                return self._pattern(elems[0])
            pats = [self._pattern(k) for k in elems]
            return self._set(ast.MatchSequence(patterns=pats), n.start_point, n.end_point)
        if t == "dict_pattern":
            return self._dict_pattern(n)
        if t == "class_pattern":
            return self._class_pattern(n)
        if t == "splat_pattern":
            star, target = n.children[0], n.children[-1]
            if star.type != "*":
                raise _Reject(n, "invalid ** pattern")
            name = None if target.type == "_" else self._ident(target)
            return self._set(ast.MatchStar(name=name), n.start_point, n.end_point)
        return self._pattern_seq([n], n)

    def _pattern_seq(self, seg: list[Node], span: Node) -> ast.pattern:
        if not seg:
            raise _Reject(span, "invalid pattern")
        if len(seg) == 1:
            n = seg[0]
            t = n.type
            if t in ("case_pattern", "as_pattern", "union_pattern", "list_pattern", "tuple_pattern",
                     "dict_pattern", "class_pattern", "splat_pattern"):
                return self._pattern(n)
            if t == "_":
                return self._set(ast.MatchAs(pattern=None, name=None), n.start_point, n.end_point)
            if t in ("true", "false", "none"):
                value = {"true": True, "false": False, "none": None}[t]
                return self._set(ast.MatchSingleton(value=value), n.start_point, n.end_point)
            if t == "dotted_name":
                idents = [k for k in n.children if k.type == "identifier"]
                if len(idents) == 1:
                    return self._set(ast.MatchAs(pattern=None, name=self._ident(idents[0])), n.start_point, n.end_point)
        value = self._pattern_value(seg, span)
        return self._set(ast.MatchValue(value=value), seg[0].start_point, seg[-1].end_point)

    def _pattern_value(self, seg: list[Node], span: Node) -> ast.expr:
        """Value of a literal / dotted-name pattern given as a token sequence."""
        if len(seg) == 1:
            n = seg[0]
            t = n.type
            if t == "complex_pattern":
                return self._pattern_value([k for k in n.children if not k.is_extra], n)
            if t == "dotted_name":
                idents = [k for k in n.children if k.type == "identifier"]
                head = idents[0]
                cur: ast.expr = self._set(ast.Name(id=self._ident(head), ctx=_LOAD), head.start_point, head.end_point)
                for ident in idents[1:]:
                    attr = ast.Attribute(value=cur, attr=self._ident(ident), ctx=_LOAD)
                    cur = self._set(attr, n.start_point, ident.end_point)
                return cur
            if t in ("string", "concatenated_string", "integer", "float", "true", "false", "none"):
                return self.expr(n)
            raise _Reject(n, "invalid pattern")
        # [-] number [(+|-) number]
        i = 0
        first = seg[0]
        if seg[0].type == "-":
            operand = self._number_operand(seg[1])
            negated = ast.UnaryOp(op=ast.USub(), operand=operand)
            left: ast.expr = self._set(negated, seg[0].start_point, seg[1].end_point)
            i = 2
        else:
            left = self._number_operand(seg[0])
            i = 1
        if i == len(seg):
            return left
        if i + 2 != len(seg) or seg[i].type not in ("+", "-"):
            raise _Reject(span, "invalid pattern")
        op = ast.Add() if seg[i].type == "+" else ast.Sub()
        right = self._number_operand(seg[i + 1])
        return self._set(ast.BinOp(left=left, op=op, right=right), first.start_point, seg[-1].end_point)

    def _number_operand(self, n: Node) -> ast.expr:
        if n.type not in ("integer", "float"):
            raise _Reject(n, "invalid pattern")
        return self.expr(n)

    def _dict_pattern(self, n: Node) -> ast.pattern:
        keys: list[ast.expr] = []
        pats: list[ast.pattern] = []
        rest: str | None = None
        seg: list[Node] = []
        for k in n.children:
            if k.is_extra or k.type in ("{", "}", ","):
                continue
            if k.type == ":":
                continue
            if k.type == "splat_pattern":
                if k.children[0].type != "**" or k.children[-1].type == "_":
                    raise _Reject(k, "invalid mapping pattern rest")
                rest = self._ident(k.children[-1])
                continue
            if k.type == "case_pattern" and seg:
                keys.append(self._pattern_value(seg, n))
                pats.append(self._pattern(k))
                seg = []
                continue
            seg.append(k)
        if seg:
            raise _Reject(n, "invalid mapping pattern")
        return self._set(ast.MatchMapping(keys=keys, patterns=pats, rest=rest), n.start_point, n.end_point)

    def _class_pattern(self, n: Node) -> ast.pattern:
        kids = [k for k in n.children if not k.is_extra]
        cls = self._pattern_value([kids[0]], n)
        pats: list[ast.pattern] = []
        kwd_attrs: list[str] = []
        kwd_pats: list[ast.pattern] = []
        for k in kids[1:]:
            if k.type != "case_pattern":
                continue
            inner = [x for x in k.children if not x.is_extra]
            if len(inner) == 1 and inner[0].type == "keyword_pattern":
                kp = [x for x in inner[0].children if not x.is_extra]
                kwd_attrs.append(self._ident(kp[0]))
                kwd_pats.append(self._pattern_seq(kp[2:], inner[0]))
            else:
                if kwd_attrs:
                    raise _Reject(k, "positional patterns follow keyword patterns")
                pats.append(self._pattern(k))
        node = ast.MatchClass(cls=cls, patterns=pats, kwd_attrs=kwd_attrs, kwd_patterns=kwd_pats)
        return self._set(node, n.start_point, n.end_point)

    # ---- expressions --------------------------------------------------------

    def expr(self, n: Node) -> ast.expr:
        d = self.depth + 1
        if d > self.max_depth:
            self._too_deep_diag(self._first_row(n))
            return self._ellipsis(n)
        self.depth = d
        try:
            if n.type in _POSTFIX and self.text[n.start_byte:n.start_byte + 1] == b"*":
                return self._lift_star(n)
            handler = _EXPR_HANDLERS.get(n.type)
            if handler is None:
                raise _Reject(n, f"unexpected {n.type.replace('_', ' ')}" if n.is_named and not n.is_error else
                              f"unexpected {n.text[:20].decode('utf-8', 'replace')!r}")
            return handler(self, n)
        finally:
            self.depth = d - 1

    def _lift_star(self, n: Node) -> ast.expr:
        """tree-sitter parses ``*a.b()`` as ``(*a).b()``; Python as ``*(a.b())``."""
        chain: list[Node] = []
        cur = n
        while cur.type in _POSTFIX:
            chain.append(cur)
            cur = cur.child_by_field_name(_POSTFIX[cur.type])
            if cur is None:
                raise _Reject(n, "invalid starred expression")
        if cur.type not in ("list_splat", "list_splat_pattern"):
            raise _Reject(n, "invalid starred expression")
        operand = self._first_named(cur)
        if self.depth + len(chain) >= self.max_depth:
            self._too_deep_diag(self._first_row(n))
            return self._set(ast.Starred(value=self._ellipsis(n), ctx=_LOAD), n.start_point, n.end_point)
        value = self.expr_at(operand, len(chain))
        start = operand.start_point
        for link in reversed(chain):
            t = link.type
            if t == "call":
                node: ast.expr = self._call_from(link, value)
            elif t == "attribute":
                node = ast.Attribute(value=value, attr=self._ident(link.child_by_field_name("attribute")), ctx=_LOAD)
            else:
                node = ast.Subscript(value=value, slice=self._subscript_slice(link), ctx=_LOAD)
            value = self._set(node, start, link.end_point)
        return self._set(ast.Starred(value=value, ctx=_LOAD), n.start_point, n.end_point)

    def expr_at(self, n: Node, extra: int) -> ast.expr:
        """Convert an expression ``extra`` AST levels below the current one
        (under a keyword, comprehension, Slice, ...), so that the depth limit
        bounds the depth of the resulting tree, not just of the recursion."""
        self.depth += extra
        try:
            return self.expr(n)
        finally:
            self.depth -= extra

    def _ellipsis(self, n: Node) -> ast.expr:
        return self._set(ast.Constant(value=..., kind=None), n.start_point, n.end_point)

    def _e_identifier(self, n: Node) -> ast.expr:
        return self._set(ast.Name(id=self._ident(n), ctx=_LOAD), n.start_point, n.end_point)

    def _e_integer(self, n: Node) -> ast.expr:
        text = n.text.decode("ascii", "replace")
        try:
            if text[-1] in "jJ":
                value: object = complex(text.replace("_", ""))
            elif text[-1] in "lL":
                raise ValueError(text)
            else:
                try:
                    value = int(text) if text.isdigit() and (text[0] != "0" or len(text) == 1) else int(text, 0)
                except ValueError:
                    # int() refuses very long decimal strings (CVE-2020-10735
                    # limit); the compiler does not.
                    if len(text) < 4000 or not text.replace("_", "").isdigit() or text.startswith("0"):
                        raise
                    value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            raise _Reject(n, f"invalid number literal {text!r}") from None
        return self._set(ast.Constant(value=value, kind=None), n.start_point, n.end_point)

    def _e_float(self, n: Node) -> ast.expr:
        text = n.text.decode("ascii", "replace").replace("_", "")
        try:
            value: object = complex(text) if text[-1] in "jJ" else float(text)
        except ValueError:
            raise _Reject(n, f"invalid number literal {text!r}") from None
        return self._set(ast.Constant(value=value, kind=None), n.start_point, n.end_point)

    def _e_true(self, n: Node) -> ast.expr:
        return self._set(ast.Constant(value=True, kind=None), n.start_point, n.end_point)

    def _e_false(self, n: Node) -> ast.expr:
        return self._set(ast.Constant(value=False, kind=None), n.start_point, n.end_point)

    def _e_none(self, n: Node) -> ast.expr:
        return self._set(ast.Constant(value=None, kind=None), n.start_point, n.end_point)

    def _e_ellipsis(self, n: Node) -> ast.expr:
        return self._ellipsis(n)

    def _e_parenthesized_expression(self, n: Node) -> ast.expr:
        inner = self._first_named(n)
        if inner is None:
            raise _Reject(n, "invalid syntax")
        return self.expr(inner)

    def _elts(self, n: Node) -> list[ast.expr]:
        return [self.expr(c) for c in n.children if c.is_named and not c.is_extra]

    def _e_tuple(self, n: Node) -> ast.expr:
        return self._set(ast.Tuple(elts=self._elts(n), ctx=_LOAD), n.start_point, n.end_point)

    _e_expression_list = _e_tuple
    _e_pattern_list = _e_tuple

    def _e_tuple_pattern(self, n: Node) -> ast.expr:
        elems = [c for c in n.children if c.is_named and not c.is_extra]
        if len(elems) == 1 and self._trailing_comma(elems[0]) is None:
            return self.expr(elems[0])  # ``(a)`` as a target is just ``a``
        return self._e_tuple(n)

    def _e_list(self, n: Node) -> ast.expr:
        return self._set(ast.List(elts=self._elts(n), ctx=_LOAD), n.start_point, n.end_point)

    _e_list_pattern = _e_list

    def _e_set(self, n: Node) -> ast.expr:
        return self._set(ast.Set(elts=self._elts(n)), n.start_point, n.end_point)

    def _e_dictionary(self, n: Node) -> ast.expr:
        keys: list[ast.expr | None] = []
        values: list[ast.expr] = []
        for c in n.children:
            if c.type == "pair":
                keys.append(self.expr(c.child_by_field_name("key")))
                values.append(self.expr(c.child_by_field_name("value")))
            elif c.type == "dictionary_splat":
                keys.append(None)
                values.append(self.expr(self._first_named(c)))
            elif c.is_named and not c.is_extra:
                raise _Reject(c, "invalid dictionary entry")
        return self._set(ast.Dict(keys=keys, values=values), n.start_point, n.end_point)

    def _e_list_splat(self, n: Node) -> ast.expr:
        return self._set(ast.Starred(value=self.expr(self._first_named(n)), ctx=_LOAD), n.start_point, n.end_point)

    _e_list_splat_pattern = _e_list_splat

    def _e_splat_type(self, n: Node) -> ast.expr:
        if n.children[0].type != "*":
            raise _Reject(n, "invalid syntax")
        return self._set(ast.Starred(value=self.expr(n.children[1]), ctx=_LOAD), n.start_point, n.end_point)

    def _generators(self, n: Node) -> list[ast.comprehension]:
        gens: list[ast.comprehension] = []
        for c in n.children:
            if c.type == "for_in_clause":
                left = c.child_by_field_name("left")
                rights = c.children_by_field_name("right")
                if len(rights) != 1 or self._trailing_comma(rights[0]) is not None:
                    raise _Reject(c, "invalid comprehension iterable")
                target = self.expr_at(left, 1)
                _set_ctx(target, _STORE, left)
                is_async = int(c.children[0].type == "async")
                iter_ = self.expr_at(rights[0], 1)
                gens.append(ast.comprehension(target=target, iter=iter_, ifs=[], is_async=is_async))
            elif c.type == "if_clause":
                gens[-1].ifs.append(self.expr_at(self._first_named(c), 1))
        return gens

    def _e_list_comprehension(self, n: Node) -> ast.expr:
        elt = self.expr(n.child_by_field_name("body"))
        return self._set(ast.ListComp(elt=elt, generators=self._generators(n)), n.start_point, n.end_point)

    def _e_set_comprehension(self, n: Node) -> ast.expr:
        elt = self.expr(n.child_by_field_name("body"))
        return self._set(ast.SetComp(elt=elt, generators=self._generators(n)), n.start_point, n.end_point)

    def _e_generator_expression(self, n: Node) -> ast.expr:
        elt = self.expr(n.child_by_field_name("body"))
        return self._set(ast.GeneratorExp(elt=elt, generators=self._generators(n)), n.start_point, n.end_point)

    def _e_dictionary_comprehension(self, n: Node) -> ast.expr:
        pair = n.child_by_field_name("body")
        key = self.expr(pair.child_by_field_name("key"))
        value = self.expr(pair.child_by_field_name("value"))
        return self._set(ast.DictComp(key=key, value=value, generators=self._generators(n)), n.start_point, n.end_point)

    def _e_attribute(self, n: Node) -> ast.expr:
        value = self.expr(n.child_by_field_name("object"))
        attr = self._ident(n.child_by_field_name("attribute"))
        return self._set(ast.Attribute(value=value, attr=attr, ctx=_LOAD), n.start_point, n.end_point)

    def _e_subscript(self, n: Node) -> ast.expr:
        value = self.expr(n.child_by_field_name("value"))
        node = ast.Subscript(value=value, slice=self._subscript_slice(n), ctx=_LOAD)
        return self._set(node, n.start_point, n.end_point)

    def _subscript_slice(self, n: Node) -> ast.expr:
        subs = n.children_by_field_name("subscript")
        if not subs:
            raise _Reject(n, "invalid subscript")
        trailing = self._trailing_comma(subs[-1])
        if len(subs) == 1 and trailing is None:
            sl = self._slice_item(subs[0])
            if isinstance(sl, ast.Starred):  # ``a[*b]`` means ``a[(*b,)]``
                sl = self._set(ast.Tuple(elts=[sl], ctx=_LOAD), subs[0].start_point, subs[0].end_point)
        else:
            self.depth += 1
            try:
                elts = [self._slice_item(s) for s in subs]
            finally:
                self.depth -= 1
            sl = self._set(ast.Tuple(elts=elts, ctx=_LOAD), subs[0].start_point, (trailing or subs[-1]).end_point)
        return sl

    def _slice_item(self, n: Node) -> ast.expr:
        if n.type != "slice":
            return self.expr(n)
        parts: list[Node | None] = [None]
        for c in n.children:
            if c.is_extra:
                continue
            if c.type == ":":
                parts.append(None)
            elif parts[-1] is None:
                parts[-1] = c
            else:
                raise _Reject(c, "invalid slice")
        parts += [None] * (3 - len(parts))
        lower, upper, step = (self.expr_at(p, 1) if p is not None else None for p in parts[:3])
        return self._set(ast.Slice(lower=lower, upper=upper, step=step), n.start_point, n.end_point)

    def _call_args(self, argn: Node) -> tuple[list[ast.expr], list[ast.keyword]]:
        args: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        for c in argn.children:
            if not c.is_named or c.is_extra:
                continue
            t = c.type
            if t == "keyword_argument":
                value = self.expr_at(c.child_by_field_name("value"), 1)
                kw = ast.keyword(arg=self._ident(c.child_by_field_name("name")), value=value)
                keywords.append(self._set(kw, c.start_point, c.end_point))
            elif t == "dictionary_splat":
                kw = ast.keyword(arg=None, value=self.expr_at(self._first_named(c), 1))
                keywords.append(self._set(kw, c.start_point, c.end_point))
            else:
                if keywords and t != "list_splat":
                    if any(k.arg is None for k in keywords):
                        raise _Reject(c, "positional argument follows keyword argument unpacking")
                    raise _Reject(c, "positional argument follows keyword argument")
                args.append(self.expr(c))
        return args, keywords

    def _e_call(self, n: Node) -> ast.expr:
        return self._set(self._call_from(n, self.expr(n.child_by_field_name("function"))), n.start_point, n.end_point)

    def _call_from(self, n: Node, func: ast.expr) -> ast.expr:
        argn = n.child_by_field_name("arguments")
        if argn.type == "generator_expression":
            args, keywords = [self.expr(argn)], []
        else:
            args, keywords = self._call_args(argn)
        return ast.Call(func=func, args=args, keywords=keywords)

    def _e_unary_operator(self, n: Node) -> ast.expr:
        op = _UNARYOPS[n.child_by_field_name("operator").type]()
        operand = self.expr(n.child_by_field_name("argument"))
        return self._set(ast.UnaryOp(op=op, operand=operand), n.start_point, n.end_point)

    def _e_not_operator(self, n: Node) -> ast.expr:
        operand = self.expr(n.child_by_field_name("argument"))
        return self._set(ast.UnaryOp(op=ast.Not(), operand=operand), n.start_point, n.end_point)

    def _e_binary_operator(self, n: Node) -> ast.expr:
        # tree-sitter-python ranks ``^`` above ``&`` (Python: ``&`` binds
        # tighter), so the operator chain is flattened and re-associated with
        # Python's precedences.  Flattening is iterative: a 100k-term
        # ``a+a+...`` costs no recursion.
        operands: list[Node] = []
        ops: list[Node] = []
        stack = [n]
        while stack:
            x = stack.pop()
            if x.type == "binary_operator":
                stack.append(x.child_by_field_name("right"))
                stack.append(x.child_by_field_name("operator"))
                stack.append(x.child_by_field_name("left"))
            elif x.is_named:
                operands.append(x)
            else:
                ops.append(x)
        if len(operands) != len(ops) + 1:
            raise _Reject(n, "invalid binary expression")
        out: list[object] = [0]
        pending: list[int] = []
        prec = [_BIN_PREC[o.type] for o in ops]

        def reduce() -> None:
            i = pending.pop()
            right = out.pop()
            left = out.pop()
            lo = left if isinstance(left, int) else left[3]  # type: ignore[index]
            hi = right if isinstance(right, int) else right[4]  # type: ignore[index]
            out.append((i, left, right, lo, hi))

        for i, p in enumerate(prec):
            while pending and (prec[pending[-1]] > p or (prec[pending[-1]] == p and p != _POW_PREC)):
                reduce()
            pending.append(i)
            out.append(i + 1)
        while pending:
            reduce()
        return self._bin_node(out[0], operands, ops)  # type: ignore[arg-type]

    def _bin_node(self, shape: tuple, operands: list[Node], ops: list[Node]) -> ast.expr:
        i, left, right, lo, hi = shape
        start, end = operands[lo].start_point, operands[hi].end_point
        lhs = self._bin_operand(left, operands, ops)
        rhs = self._bin_operand(right, operands, ops)
        return self._set(ast.BinOp(left=lhs, op=_BINOPS[ops[i].type](), right=rhs), start, end)

    def _bin_operand(self, shape: int | tuple, operands: list[Node], ops: list[Node]) -> ast.expr:
        if isinstance(shape, int):
            return self.expr(operands[shape])
        d = self.depth + 1
        if d > self.max_depth:
            first, last = operands[shape[3]], operands[shape[4]]
            self._too_deep_diag(self._first_row(first))
            return self._set(ast.Constant(value=..., kind=None), first.start_point, last.end_point)
        self.depth = d
        try:
            return self._bin_node(shape, operands, ops)
        finally:
            self.depth = d - 1

    def _e_boolean_operator(self, n: Node) -> ast.expr:
        op_text = n.child_by_field_name("operator").type
        rights: list[Node] = []
        cur = n
        # Flatten the left spine iteratively: ``a or b or c`` is one BoolOp,
        # and long chains must not cost recursion.
        while cur.type == "boolean_operator" and cur.child_by_field_name("operator").type == op_text:
            rights.append(cur.child_by_field_name("right"))
            cur = cur.child_by_field_name("left")
        operands = [cur, *reversed(rights)]
        values = [self.expr(v) for v in operands]
        op = ast.And() if op_text == "and" else ast.Or()
        return self._set(ast.BoolOp(op=op, values=values), n.start_point, n.end_point)

    def _e_comparison_operator(self, n: Node) -> ast.expr:
        operands: list[ast.expr] = []
        ops: list[ast.cmpop] = []
        for c in n.children:
            if c.is_extra:
                continue
            if c.is_named:
                operands.append(self.expr(c))
            else:
                op = _CMPOPS.get(c.type)
                if op is None:
                    raise _Reject(c, f"invalid comparison operator {c.type!r}")
                ops.append(op())
        return self._set(ast.Compare(left=operands[0], ops=ops, comparators=operands[1:]), n.start_point, n.end_point)

    def _e_conditional_expression(self, n: Node) -> ast.expr:
        parts = [c for c in n.children if c.is_named and not c.is_extra]
        if len(parts) != 3:
            raise _Reject(n, "invalid conditional expression")
        body, test, orelse = (self.expr(p) for p in parts)
        return self._set(ast.IfExp(test=test, body=body, orelse=orelse), n.start_point, n.end_point)

    def _e_named_expression(self, n: Node) -> ast.expr:
        name = n.child_by_field_name("name")
        target = self._set(ast.Name(id=self._ident(name), ctx=_STORE), name.start_point, name.end_point)
        value = self.expr(n.child_by_field_name("value"))
        return self._set(ast.NamedExpr(target=target, value=value), n.start_point, n.end_point)

    def _e_lambda(self, n: Node) -> ast.expr:
        args = self._arguments(n.child_by_field_name("parameters"), allow_annotations=False)
        body = self.expr(n.child_by_field_name("body"))
        return self._set(ast.Lambda(args=args, body=body), n.start_point, n.end_point)

    def _e_await(self, n: Node) -> ast.expr:
        arg = self._first_named(n)
        if arg is None:
            raise _Reject(n, "invalid await")
        if arg.type == "binary_operator" and arg.child_by_field_name("operator").type == "**":
            # tree-sitter binds ``await a ** b`` as ``await (a ** b)``;
            # Python binds it as ``(await a) ** b``.
            base = arg.child_by_field_name("left")
            awaited = self._set(ast.Await(value=self.expr(base)), n.start_point, base.end_point)
            right = self.expr(arg.child_by_field_name("right"))
            return self._set(ast.BinOp(left=awaited, op=ast.Pow(), right=right), n.start_point, n.end_point)
        return self._set(ast.Await(value=self.expr(arg)), n.start_point, n.end_point)

    def _e_yield(self, n: Node) -> ast.expr:
        is_from = any(c.type == "from" for c in n.children)
        arg = self._first_named(n)
        if is_from:
            if arg is None:
                raise _Reject(n, "invalid yield from")
            return self._set(ast.YieldFrom(value=self.expr(arg)), n.start_point, n.end_point)
        value = self.expr(arg) if arg is not None else None
        return self._set(ast.Yield(value=value), n.start_point, n.end_point)

    def _e_type(self, n: Node) -> ast.expr:
        inner = self._first_named(n)
        if inner is None:
            raise _Reject(n, "invalid annotation")
        return self.expr(inner)

    def _e_generic_type(self, n: Node) -> ast.expr:
        name, params = n.children[0], n.children[-1]
        value = self._set(ast.Name(id=self._ident(name), ctx=_LOAD), name.start_point, name.end_point)
        subs = [c for c in params.children if c.type == "type"]
        if not subs:
            raise _Reject(params, "invalid subscript")
        trailing = self._trailing_comma(subs[-1])
        if len(subs) == 1 and trailing is None:
            sl = self.expr(subs[0])
            if isinstance(sl, ast.Starred):
                sl = self._set(ast.Tuple(elts=[sl], ctx=_LOAD), subs[0].start_point, subs[0].end_point)
        else:
            elts = [self.expr_at(s, 1) for s in subs]
            sl = self._set(ast.Tuple(elts=elts, ctx=_LOAD), subs[0].start_point, (trailing or subs[-1]).end_point)
        return self._set(ast.Subscript(value=value, slice=sl, ctx=_LOAD), n.start_point, n.end_point)

    def _e_union_type(self, n: Node) -> ast.expr:
        parts = [c for c in n.children if c.type == "type"]
        left, right = self.expr(parts[0]), self.expr(parts[1])
        return self._set(ast.BinOp(left=left, op=ast.BitOr(), right=right), n.start_point, n.end_point)

    def _e_member_type(self, n: Node) -> ast.expr:
        value = self.expr(n.children[0])
        attr = self._ident(n.children[-1])
        return self._set(ast.Attribute(value=value, attr=attr, ctx=_LOAD), n.start_point, n.end_point)

    def _e_string(self, n: Node) -> ast.expr:
        return self._strings([n], n)

    def _e_concatenated_string(self, n: Node) -> ast.expr:
        return self._strings([c for c in n.children if c.type == "string"], n)

    # ---- strings ----------------------------------------------------------------

    def _strings(self, parts: list[Node], span: Node) -> ast.expr:
        pieces: list[str | bytes | ast.FormattedValue] = []
        kind: str | None = None
        is_bytes: bool | None = None
        fstring = False
        data = self.text
        for i, s in enumerate(parts):
            kids = s.children
            start, end = kids[0], kids[-1]
            if start.type != "string_start" or end.type != "string_end":
                raise _Reject(s, "invalid string literal")
            opener = start.text.decode("utf-8", "replace")
            prefix = opener.rstrip("'\"").lower()
            if i == 0 and "u" in prefix:
                kind = "u"
            b = "b" in prefix
            if is_bytes is None:
                is_bytes = b
            elif is_bytes != b:
                raise _Reject(s, "cannot mix bytes and nonbytes literals")
            raw = "r" in prefix
            # tree-sitter may fold trailing backslashes of raw strings into
            # string_end, so the closing quote is located from the end.
            close = s.end_byte - (len(opener) - len(opener.rstrip("'\"")))
            if "f" in prefix or "t" in prefix:
                fstring = True
                self._fstring_pieces(s, kids[1:-1], raw, data, span, pieces, start.end_byte, close)
                continue
            body = data[start.end_byte:close]
            if b:
                try:
                    text = body.decode("ascii")
                except UnicodeDecodeError:
                    raise _Reject(s, "bytes can only contain ASCII literal characters") from None
                pieces.append(text.encode("latin-1") if raw else _unescape_bytes(text, s))
            else:
                text = body.decode("utf-8", "replace")
                pieces.append(text if raw else _unescape_str(text, s))
        if not fstring:
            value: str | bytes = b"".join(pieces) if is_bytes else "".join(pieces)  # type: ignore[arg-type]
            return self._set(ast.Constant(value=value, kind=kind), span.start_point, span.end_point)
        values = self._merge_pieces(pieces, kind, span)
        return self._set(ast.JoinedStr(values=values), span.start_point, span.end_point)

    def _merge_pieces(self, pieces: list, kind: str | None, span: Node) -> list[ast.expr]:
        values: list[ast.expr] = []
        buf: list[str] = []
        for p in pieces:
            if isinstance(p, str):
                buf.append(p)
                continue
            if buf:
                text = "".join(buf)
                if text:
                    values.append(self._set(ast.Constant(value=text, kind=kind), span.start_point, span.end_point))
                buf = []
            values.append(p)
        text = "".join(buf)
        if text:
            values.append(self._set(ast.Constant(value=text, kind=kind), span.start_point, span.end_point))
        return values

    def _fstring_pieces(
        self, s: Node, kids: list[Node], raw: bool, data: bytes, span: Node, pieces: list, pos: int, close: int
    ) -> None:
        # Literal text is everything between interpolations (string_content
        # nodes do not always cover it all).
        for k in kids:
            if k.type == "interpolation":
                self._fstring_literal(data, pos, k.start_byte, raw, k, pieces)
                self._interpolation(k, raw, data, span, pieces)
                pos = k.end_byte
            elif k.type != "string_content" and not k.is_extra:
                raise _Reject(k, "invalid f-string")
        self._fstring_literal(data, pos, close, raw, s, pieces)

    def _fstring_literal(self, data: bytes, start: int, stop: int, raw: bool, where: Node, pieces: list) -> None:
        if stop > start:
            text = data[start:stop].decode("utf-8", "replace").replace("{{", "{").replace("}}", "}")
            pieces.append(text if raw else _unescape_str(text, where))

    def _interpolation(self, k: Node, raw: bool, data: bytes, span: Node, pieces: list) -> None:
        d = self.depth + 1
        if d > self.max_depth:
            self._too_deep_diag(self._first_row(k))
            pieces.append(self._set(ast.FormattedValue(value=self._ellipsis(k), conversion=-1, format_spec=None),
                                    span.start_point, span.end_point))
            return
        self.depth = d
        try:
            expr_node = k.child_by_field_name("expression")
            if expr_node is None:
                raise _Reject(k, "f-string: empty expression not allowed")
            if expr_node.type == "named_expression":
                # ``f"{x:=10}"`` is ``x`` with format spec ``=10``, not a walrus.
                name = expr_node.child_by_field_name("name")
                value = self.expr(name)
                text = data[name.end_byte:k.children[-1].start_byte].decode("utf-8", "replace")
                spec_text = text.split(":", 1)[1]
                spec_values = self._merge_pieces([spec_text if raw else _unescape_str(spec_text, k)], None, span)
                spec = self._set(ast.JoinedStr(values=spec_values), span.start_point, span.end_point)
                fv = ast.FormattedValue(value=value, conversion=-1, format_spec=spec)
                pieces.append(self._set(fv, span.start_point, span.end_point))
                return
            value = self.expr(expr_node)
            conv_node = k.child_by_field_name("type_conversion")
            spec_node = k.child_by_field_name("format_specifier")
            conversion = -1
            if conv_node is not None:
                letter = conv_node.text.decode("ascii", "replace")[1:]
                if letter not in ("s", "r", "a"):
                    raise _Reject(conv_node, "f-string: invalid conversion character")
                conversion = ord(letter)
            eq = next((c for c in k.children if c.type == "="), None)
            if eq is not None:
                start = k.children[0].end_byte
                stop = (conv_node or spec_node or k.children[-1]).start_byte
                text = data[start:stop]
                if b"#" in text:
                    # Comments (PEP 701) are not part of the ``=`` debug text.
                    walk = [k]
                    cuts = []
                    while walk:
                        x = walk.pop()
                        for c in x.children:
                            if c.type == "comment" and start <= c.start_byte < stop:
                                cuts.append((c.start_byte - start, c.end_byte - start))
                            elif c.child_count:
                                walk.append(c)
                    for lo, hi in sorted(cuts, reverse=True):
                        text = text[:lo] + text[hi:]
                pieces.append(text.decode("utf-8", "replace"))
                if conv_node is None and spec_node is None:
                    conversion = ord("r")
            spec = None
            if spec_node is not None:
                spec_pieces: list = []
                pos = spec_node.children[0].end_byte  # after ':'
                for c in spec_node.children[1:]:
                    if c.type == "format_expression":
                        if c.start_byte > pos:
                            text = data[pos:c.start_byte].decode("utf-8", "replace")
                            spec_pieces.append(text if raw else _unescape_str(text, spec_node))
                        self.depth += 1  # FormattedValue -> JoinedStr -> FormattedValue
                        try:
                            self._interpolation(c, raw, data, span, spec_pieces)
                        finally:
                            self.depth -= 1
                        pos = c.end_byte
                if spec_node.end_byte > pos:
                    text = data[pos:spec_node.end_byte].decode("utf-8", "replace")
                    spec_pieces.append(text if raw else _unescape_str(text, spec_node))
                spec = self._set(ast.JoinedStr(values=self._merge_pieces(spec_pieces, None, span)),
                                 span.start_point, span.end_point)
            fv = ast.FormattedValue(value=value, conversion=conversion, format_spec=spec)
            pieces.append(self._set(fv, span.start_point, span.end_point))
        finally:
            self.depth = d - 1

    # ---- helpers ----------------------------------------------------------------

    def _set(self, node: ast.AST, start: tuple[int, int], end: tuple[int, int]) -> ast.AST:
        off = self.row_off + 1
        node.lineno = start[0] + off
        node.col_offset = start[1]
        node.end_lineno = end[0] + off
        node.end_col_offset = end[1]
        return node

    def _ident(self, n: Node | None) -> str:
        if n is None or n.type not in ("identifier", "keyword_identifier"):
            raise _Reject(n, "expected a name")  # type: ignore[arg-type]
        raw = n.text
        if raw.isascii():
            return raw.decode("ascii")
        # CPython normalises identifiers to NFKC (PEP 3131).
        return unicodedata.normalize("NFKC", raw.decode("utf-8", "replace"))

    @staticmethod
    def _first_named(n: Node) -> Node | None:
        for c in n.children:
            if c.is_named and not c.is_extra:
                return c
        return None


def _set_ctx(node: ast.expr, ctx: ast.expr_context, where: Node) -> None:
    """Give an assignment/deletion target and its sub-targets ``ctx``."""
    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, (ast.Name, ast.Attribute, ast.Subscript)):
            x.ctx = ctx
        elif isinstance(x, (ast.Tuple, ast.List)):
            x.ctx = ctx
            stack.extend(x.elts)
        elif isinstance(x, ast.Starred) and ctx is not _DEL:
            x.ctx = ctx
            stack.append(x.value)
        elif isinstance(x, ast.Constant) and x.value is ...:
            pass  # placeholder for a subtree cut at max_depth
        else:
            what = type(x).__name__.lower()
            raise _Reject(where, f"cannot {'delete' if ctx is _DEL else 'assign to'} {what}")


def _stmt_nodes(n: Node) -> list[Node]:
    """Statement-level children: named nodes and ERROR nodes, minus comments and ``;``."""
    # ERROR nodes can be flagged as extras, so test them first.
    return [c for c in n.children if c.is_error or (c.is_named and not c.is_extra)]


def _first_error(n: Node) -> Node:
    while True:
        if n.is_error or n.is_missing:
            return n
        for c in n.children:
            if c.has_error or c.is_missing:
                n = c
                break
        else:
            return n


def _snippet(n: Node) -> str:
    tok = _first_leaf(n).text.decode("utf-8", "replace")
    return tok if len(tok) <= 20 else tok[:17] + "..."


def _first_leaf(n: Node) -> Node:
    while n.child_count:
        n = n.children[0]
    return n


def _collect(prefix: str) -> dict[str, Callable]:
    return {name[len(prefix):]: fn for name, fn in vars(_Converter).items() if name.startswith(prefix)}


_STMT_HANDLERS: dict[str, Callable] = _collect("_s_")
_EXPR_HANDLERS: dict[str, Callable] = _collect("_e_")
