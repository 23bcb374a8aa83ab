"""Parse stage: read, decode and parse one file, tolerating every kind of bad input.

`ast.parse` is tried first (fast, exact).  When it rejects the file — syntax newer than
the running interpreter (PEP 695, PEP 758, PEP 701 on 3.11), a real syntax error, NUL
bytes, nesting too deep for CPython's parser — the file is parsed with tree-sitter and
converted to the same `ast` nodes (`tsconvert`), so the rest of the pipeline sees one
tree type and a broken file is still analyzed where it parses.  Nothing here raises:
every problem becomes a one-line diagnostic.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from dataclasses import dataclass, field

MAX_FILE_BYTES = 4 * 1024 * 1024


@dataclass(slots=True)
class Parsed:
    tree: ast.Module | None
    text: str
    diagnostics: list[tuple[int, str]] = field(default_factory=list)
    fallback: bool = False  # parsed by tree-sitter, not ast


def decode(data: bytes) -> tuple[str, list[tuple[int, str]]]:
    diags: list[tuple[int, str]] = []
    try:
        enc, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (SyntaxError, LookupError):
        enc = "utf-8"
    try:
        return data.decode(enc), diags
    except (UnicodeDecodeError, LookupError):
        text = data.decode("utf-8", errors="replace")
        bad = text.find("\ufffd")
        line = text.count("\n", 0, bad) + 1 if bad >= 0 else 1
        diags.append((line, f"cannot decode as {enc}; undecodable bytes replaced"))
        return text, diags


def parse_source(data: bytes) -> Parsed:
    """Parse `data`; always returns, with `tree` None only when nothing could be read."""
    if len(data) > MAX_FILE_BYTES:
        return Parsed(None, "", [(1, f"file is {len(data) / 1048576:.1f} MiB, over the "
                                    f"{MAX_FILE_BYTES // 1048576} MiB limit; skipped")])
    text, diags = decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
        return Parsed(tree, text, diags)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        pass
    try:
        from asyncaudit.parse.tsconvert import parse_with_tree_sitter
    except ImportError as exc:  # tree-sitter missing from a broken install
        diags.append((1, f"cannot parse with this interpreter and tree-sitter is unavailable ({exc})"))
        return Parsed(None, text, diags)
    try:
        tree, ts_diags = parse_with_tree_sitter(text.encode("utf-8", errors="surrogatepass"))
    except (RecursionError, MemoryError, ValueError) as exc:  # defensive: never stop the run
        diags.append((1, f"cannot parse: {type(exc).__name__}"))
        return Parsed(None, text, diags)
    diags.extend(ts_diags)
    return Parsed(tree, text, diags, fallback=True)
