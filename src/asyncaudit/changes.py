"""Changed lines from git, for `--diff` (uncommitted changes) and `--since REV`.

A finding is kept when its boundary or any hop of its chains lies on a changed line:
editing a helper three calls down re-surfaces the boundary that reaches it.

git runs hardened, because the repository's own configuration is part of the analyzed
tree: every call is `git -c core.fsmonitor=false -c core.hooksPath=/dev/null
--no-pager ...` with `GIT_OPTIONAL_LOCKS=0` (no index refresh written into the tree) and
no terminal prompt, and only plumbing that reads objects and the index is used
(`rev-parse`, `ls-tree`, `ls-files`, `cat-file --batch`).  The work tree is compared
with the revision here, line by line, instead of by `git diff`: so no fsmonitor hook,
textconv or external diff driver, and no clean/smudge filter of `.gitattributes` runs.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import subprocess
from pathlib import Path

from asyncaudit.model import Finding
from asyncaudit.parse.source import read_source

HARDENED = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.untrackedCache=false",
            "--no-pager")


class ChangesError(Exception):
    """git could not tell what changed (not a repository, unknown revision)."""


def git(args: list[str], cwd: str | os.PathLike[str], *, timeout: float = 60,
        input: bytes | None = None) -> bytes:  # noqa: A002
    """Run `git ARGS` hardened against the repository's configuration (see the module doc)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    env.pop("GIT_EXTERNAL_DIFF", None)
    return subprocess.run(["git", "-C", os.fspath(cwd), *HARDENED, *args], capture_output=True, timeout=timeout,
                          check=True, env=env, input=input, stdin=None if input is not None else subprocess.DEVNULL
                          ).stdout


def changed_lines(rev: str | None, cwd: Path) -> dict[str, set[int]]:
    """Resolved file path -> changed (new-side) line numbers, since `rev` or in the work tree."""
    try:
        top = git(["rev-parse", "--show-toplevel"], cwd, timeout=30).decode("utf-8", "surrogateescape").strip()
        commit = git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev or 'HEAD'}^{{commit}}"], top,
                     timeout=30).decode().strip()
        fmt = git(["rev-parse", "--show-object-format"], top, timeout=30).decode().strip() or "sha1"
        tree = _tree_blobs(top, commit)
        listed = git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.py"], top)
    except subprocess.CalledProcessError as exc:
        err = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        if not err and exc.cmd and "--verify" in exc.cmd:
            err = [f"unknown revision {rev or 'HEAD'!r}"]
        raise ChangesError(err[-1] if err else str(exc)) from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise ChangesError(str(exc)) from None
    out: dict[str, set[int]] = {}
    changed: list[tuple[str, bytes, str]] = []  # (path, work bytes, old blob id)
    for raw in sorted(set(listed.split(b"\0")) - {b""}):
        name = os.fsdecode(raw)
        path = os.path.join(top, name)
        try:
            data = read_source(path)
        except OSError:
            continue  # deleted, unreadable, not a regular file: no new lines
        key = str(Path(path).resolve())
        blob = tree.get(raw)
        if blob is None:
            out[key] = {-1}  # new since rev: every line is new
        elif _blob_id(data, fmt) != blob:
            changed.append((key, data, blob))
    if changed:
        olds = _blobs(top, [b for _, _, b in changed])
        for key, data, blob in changed:
            out[key] = _new_lines(olds.get(blob, b""), data)
    return out


def _tree_blobs(top: str, commit: str) -> dict[bytes, str]:
    """path (bytes, repository-relative) -> blob id of every .py file in the commit."""
    out: dict[bytes, str] = {}
    for entry in git(["ls-tree", "-r", "-z", "--full-tree", commit], top, timeout=120).split(b"\0"):
        meta, _, name = entry.partition(b"\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == b"blob" and name.endswith(b".py"):
            out[name] = parts[2].decode()
    return out


def _blob_id(data: bytes, fmt: str) -> str:
    h = hashlib.new("sha256" if fmt == "sha256" else "sha1")
    h.update(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def _blobs(top: str, ids: list[str]) -> dict[str, bytes]:
    """The raw contents of blobs (`cat-file --batch`: no filter, no textconv)."""
    raw = git(["cat-file", "--batch"], top, timeout=120, input="".join(f"{i}\n" for i in ids).encode())
    out: dict[str, bytes] = {}
    pos = 0
    while pos < len(raw):
        end = raw.index(b"\n", pos)
        header = raw[pos:end].split()
        pos = end + 1
        if len(header) != 3:
            continue
        size = int(header[2])
        out[header[0].decode()] = raw[pos:pos + size]
        pos += size + 1
    return out


def _new_lines(old: bytes, new: bytes) -> set[int]:
    """New-side line numbers of lines added or changed (as `git diff -U0` shows them);
    line endings are compared without their CR (a checkout's eol conversion changes nothing)."""
    a = [line.rstrip(b"\r") for line in old.split(b"\n")]
    b = [line.rstrip(b"\r") for line in new.split(b"\n")]
    lines: set[int] = set()
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            lines.update(range(j1 + 1, j2 + 1))
    return lines


def touches(f: Finding, changed: dict[str, set[int]]) -> bool:
    points = [(f.location.path, f.location.line)] + [
        (h.location.path, h.location.line) for c in f.chains for h in c.hops]
    for path, line in points:
        lines = changed.get(str(Path(path).resolve()))
        if lines and (-1 in lines or line in lines):
            return True
    return False
