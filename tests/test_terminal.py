"""Terminal output: colour only where it is wanted (NO_COLOR, FORCE_COLOR, non-terminals),
never changing the text; progress drawn by rich, in place, only on a terminal."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from asyncaudit import terminal

BLOCKING = 'import time\n\n\nasync def handler():\n    open("x").read()\n    time.sleep(1)\n'
ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def check(tmp_path: Path, **env: str) -> str:
    (tmp_path / "app.py").write_text(BLOCKING, encoding="utf-8")
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    p = subprocess.run([sys.executable, "-m", "asyncaudit", "check", "--no-cache", "app.py"], cwd=tmp_path,
                       env={**base, **env}, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stderr
    return p.stdout


def test_colour_is_forced_by_force_color_and_refused_by_no_color(tmp_path: Path) -> None:
    plain = check(tmp_path)
    assert not ESCAPE.search(plain)  # not a terminal: the plain report
    forced = check(tmp_path, FORCE_COLOR="1")
    assert ESCAPE.search(forced) and ESCAPE.sub("", forced) == plain  # colour adds escapes, changes no text
    assert "\x1b[1;31mAA107\x1b[0m" in forced
    assert check(tmp_path, FORCE_COLOR="1", NO_COLOR="1") == plain


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_drawn_only_on_a_terminal_and_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    p = terminal.Progress()
    p._start -= 5  # past the one-second grace
    for done in range(0, 101, 10):
        p("parsing", done, 100)
    p._bar.refresh()  # rich redraws ten times a second on its own thread; draw now
    p("resolving", 0, 0)
    p.close()
    out = tty.getvalue()
    assert "parsing" in out and "100/100" in out
    # redrawn in place (\r, erase line), not a line per update; on close the line is erased
    assert out.count("\n") <= 1 and out.count("\r\x1b[2K") >= 2 and out.endswith("\x1b[2K")
    quiet, pipe = _Tty(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    q = terminal.Progress(quiet=True)
    q._start -= 5
    q("parsing", 1, 2)
    q.close()
    monkeypatch.setattr(sys, "stderr", pipe)
    r = terminal.Progress()
    r._start -= 5
    r("parsing", 1, 2)
    r.close()
    assert quiet.getvalue() == pipe.getvalue() == ""
