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
import contextlib
import io
import os
import re
import stat
import sys
import tokenize
import tomllib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_FILE_BYTES = 4 * 1024 * 1024


class SourceError(OSError):
    """A file that is not read: not a regular file, or over the size limit (one-line message)."""


def read_source(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of a regular file, read safely whatever sits at `path`.

    The file is opened with O_NONBLOCK, so opening a FIFO or a device never waits, and
    checked with `fstat` on that descriptor (not on the name, which may change between a
    check and the open): only a regular file is read, and only when its size is within
    `limit` (default MAX_FILE_BYTES), so an 8 GiB sparse file is refused without being read.
    At most `limit + 1` bytes are read, for a file that grows while it is read.

    Raises:
        SourceError: Not a regular file, or too large.
        OSError: The file cannot be opened or read.
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SourceError(0, "not a regular file; skipped", os.fspath(path))
        if st.st_size > limit:
            raise SourceError(0, too_large(st.st_size, limit), os.fspath(path))
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise SourceError(0, too_large(len(data), limit), os.fspath(path))
    return data


_TOML_FRAMES = 20_000  # tomllib recurses a few frames per nesting level (pure Python: no C stack)


@contextlib.contextmanager
def recursion_headroom(frames: int) -> Iterator[None]:
    """`frames` more levels of Python recursion than the caller already uses, whatever its
    own depth; the old limit is restored on the way out."""
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, depth + frames))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def load_toml(text: str) -> dict[str, Any]:
    """`tomllib.loads` with room for the nesting a valid file may hold, however deep the
    caller already is; any TOML file in the analyzed tree (pyproject.toml) goes through here.

    Raises:
        tomllib.TOMLDecodeError: Not TOML.
        RecursionError: Values nested deeper than even that room (tens of thousands of
            levels): the caller treats it as an unreadable file, never as a lost run.
    """
    with recursion_headroom(_TOML_FRAMES):
        return tomllib.loads(text)


def too_large(size: int, limit: int = MAX_FILE_BYTES) -> str:
    """The diagnostic for a file over the size limit."""
    return f"file is {size / 1048576:.1f} MiB, over the {limit // 1048576} MiB limit; skipped"


@dataclass(slots=True)
class Parsed:
    tree: ast.Module | None
    text: str
    diagnostics: list[tuple[int, str]] = field(default_factory=list)
    fallback: bool = False  # parsed by tree-sitter, not ast


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The lines of source text as Python's tokenizer (and so `ast` line numbers) counts them.

    Only `\n`, `\r\n` and `\r` end a line: `str.splitlines()` also splits at form feeds,
    vertical tabs, U+0085 and U+2028/U+2029, which a line of Python may hold (in a string or
    comment, or a form feed in indentation), and every line after one would be off by one.
    """
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # a final line break ends the last line; it does not start an empty one
    return lines


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
        return Parsed(None, "", [(1, too_large(len(data)))])
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
