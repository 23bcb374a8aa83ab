"""Source text for rendering: lines of audited files, read and decoded once per run.

ast positions are line numbers and UTF-8 byte offsets into the decoded text; reports
show 1-based character columns and quote the real lines (evidence, recommendations).
"""

from __future__ import annotations

from asyncaudit.model import Location
from asyncaudit.parse.source import decode, read_source, source_lines


class SourceText:
    """Decoded lines of files, cached."""

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        got = self._files.get(path)
        if got is None:
            try:
                # lines as ast counts them: a form feed or U+2028 inside a line splits nothing
                got = source_lines(decode(read_source(path))[0])
            except OSError:
                got = []
            self._files[path] = got
        return got

    def line(self, path: str, n: int) -> str:
        lines = self.lines(path)
        return lines[n - 1] if 0 < n <= len(lines) else ""

    def column(self, path: str, line: int, byte_col: int) -> int:
        """1-based character column of a UTF-8 byte offset."""
        text = self.line(path, line)
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore")) + 1

    def segment(self, loc: Location) -> str:
        lines = self.lines(loc.path)
        if not (0 < loc.line <= loc.end_line <= len(lines)):
            return ""
        if loc.line == loc.end_line:
            return lines[loc.line - 1][loc.column - 1:loc.end_column - 1]
        parts = [lines[loc.line - 1][loc.column - 1:], *lines[loc.line:loc.end_line - 1],
                 lines[loc.end_line - 1][:loc.end_column - 1]]
        return "\n".join(parts)
