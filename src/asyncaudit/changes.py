"""Changed lines from git, for `--diff` (uncommitted changes) and `--since REV`.

A finding is kept when its boundary or any hop of its chains lies on a changed line:
editing a helper three calls down re-surfaces the boundary that reaches it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from asyncaudit.model import Finding

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class ChangesError(Exception):
    """git could not tell what changed (not a repository, unknown revision)."""


def changed_lines(rev: str | None, cwd: Path) -> dict[str, set[int]]:
    """Resolved file path -> changed (new-side) line numbers, since `rev` or in the work tree."""
    try:
        top = subprocess.run(["git", "-C", str(cwd), "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, timeout=30, check=True).stdout.strip()
        cmd = ["git", "-C", top, "diff", "--no-color", "--no-ext-diff", "-U0", rev or "HEAD", "--", "*.py"]
        diff = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout
        untracked = subprocess.run(["git", "-C", top, "ls-files", "--others", "--exclude-standard", "--", "*.py"],
                                   capture_output=True, text=True, timeout=60, check=True).stdout
    except subprocess.CalledProcessError as exc:
        raise ChangesError((exc.stderr or "").strip().splitlines()[-1] if exc.stderr else str(exc)) from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise ChangesError(str(exc)) from None
    out: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            current = None if name == "/dev/null" else out.setdefault(
                str((Path(top) / name.removeprefix("b/")).resolve()), set())
        elif current is not None and (m := _HUNK.match(line)):
            start, count = int(m.group(1)), int(m.group(2) or 1)
            current.update(range(start, start + count))
    for name in untracked.splitlines():
        out[str((Path(top) / name).resolve())] = {-1}  # every line is new
    return out


def touches(f: Finding, changed: dict[str, set[int]]) -> bool:
    points = [(f.location.path, f.location.line)] + [
        (h.location.path, h.location.line) for c in f.chains for h in c.hops]
    for path, line in points:
        lines = changed.get(str(Path(path).resolve()))
        if lines and (-1 in lines or line in lines):
            return True
    return False
