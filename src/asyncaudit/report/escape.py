"""Render stage: file names and source text made safe for each output format.

A file name is bytes to the filesystem: it may hold a newline, control characters, or
bytes that are not UTF-8 (Python shows those as lone surrogates, `\\udcff`).  Written as
they are, they split a one-line warning in two, move the terminal's cursor, or stop the
run with UnicodeEncodeError.  Every formatter passes names through one of these:

- `one_line`: text and GitHub output, stderr, Markdown: control characters, line
  separators and undecodable bytes become visible escapes (`\\n`, `\\x1b`, `\\xff`);
- `uri`: SARIF and Markdown links: a relative or `file://` URI with the name's real bytes
  percent-encoded.

Markdown's own escaping (code spans, fences, inline text) is in `report/markdown.py`.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

# C0 and C1 controls, DEL, U+2028/U+2029 (line breaks to many renderers), and surrogates
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _NAMED:
        return _NAMED[ch]
    n = ord(ch)
    if 0xDC80 <= n <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{n - 0xDC00:02x}"
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def one_line(text: str) -> str:
    """`text` with no line break, control character or lone surrogate left in it."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def uri(path: str, *, absolute: bool) -> str:
    """A URI reference for `path` (POSIX separators), its bytes percent-encoded (RFC 3986).

    `absolute`: a `file://` URI of an absolute path; else a relative reference.
    """
    posix = path.replace(os.sep, "/") if os.sep != "/" else path
    raw = os.fsencode(posix) if not _has_lone_surrogates(posix) else posix.encode("utf-8", "surrogatepass")
    encoded = quote(raw, safe="/")
    if not absolute:
        return encoded
    if re.match(r"[A-Za-z]:", posix):  # a Windows drive: file:///C:/x
        return "file:///" + posix[:2] + quote(raw[2:], safe="/")
    return "file://" + encoded


def _has_lone_surrogates(text: str) -> bool:
    try:
        os.fsencode(text)
    except UnicodeEncodeError:
        return True
    return False
