"""Terminal output (CLI edge only): progress and colour, drawn by rich.

rich redraws the progress line in place, fitted to the terminal's width (no fragments of a
longer earlier line, no new line per update in a narrow terminal), and decides colour as
terminals expect: none when the stream is not a terminal, `NO_COLOR` turns it off,
`FORCE_COLOR` turns it on in a pipe or a CI log.  Colour only adds escape codes around the
text the formatters produce: with colour off the bytes are exactly the plain report.
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Any

from rich.console import Console
from rich.highlighter import RegexHighlighter
from rich.text import Text
from rich.theme import Theme

_THEME = Theme({
    "asyncaudit.path": "bold",
    "asyncaudit.code": "bold red",
    "asyncaudit.critical": "bold magenta",
    "asyncaudit.high": "red",
    "asyncaudit.medium": "yellow",
    "asyncaudit.low": "cyan",
    "asyncaudit.help": "green",
    "asyncaudit.warning": "yellow",
})


class _Highlighter(RegexHighlighter):
    """Paths with their line and column, rule codes, severities, help and fix lines."""

    base_style = "asyncaudit."
    highlights = [  # noqa: RUF012 (rich reads the class attribute)
        r"(?m)^(?P<path>\S[^:\n]*:\d+(?::\d+)?):",
        r"(?P<code>\bAA\d{3}\b)",
        r"(?P<critical>\[Critical\])", r"(?P<high>\[High\])", r"(?P<medium>\[Medium\])", r"(?P<low>\[Low\])",
        r"(?m)^\s+(?P<help>(?:help|fix):)",
        r"(?P<warning>\bwarning:)",
    ]


def _console(stream: IO[str]) -> Console:
    return Console(file=stream, theme=_THEME, highlighter=_Highlighter(), soft_wrap=True, emoji=False,
                   markup=False, highlight=True)


def colour(stream: IO[str]) -> bool:
    """Whether to colour `stream`: a terminal (or FORCE_COLOR), and no NO_COLOR."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def write(text: str, stream: IO[str] | None = None) -> None:
    """Write report text, coloured when `colour(stream)`; otherwise byte for byte."""
    stream = stream or sys.stdout
    if not colour(stream):
        stream.write(text)
        return
    console = _console(stream)
    console.print(console.highlighter(Text(text)), end="")


class Progress:
    """Progress of a run on stderr: only on a terminal, not with --quiet, and only once the
    run passes a second (a warm run answers before it would flicker)."""

    def __init__(self, quiet: bool = False) -> None:
        self._start = time.monotonic()
        self._on = not quiet and sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self._on or time.monotonic() - self._start < 1.0:
            return
        if self._bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeElapsedColumn

            self._bar = Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(stage, total=total or None)
        self._bar.update(self._task, description=stage, completed=done, total=total or None)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
