"""Discover stage helper: which walked files and folders git ignores.

Inside a git work tree (a folder with `.git`, or below one), the `.gitignore` files from
the work tree's root down to each walked folder, and `.git/info/exclude`, are read as
git reads them (pathspec's git wildmatch: anchoring, `dir/`, `**`, `!negation`; a deeper
file's match wins over a shallower one).  Outside a work tree nothing is ignored, as
ruff and git behave.  Every `.gitignore` looked for is recorded in the run's
`FileSystem`, so the run cache notices one added, changed or removed.
"""

from __future__ import annotations

import os

import pathspec

from asyncaudit.fscache import FileSystem

_MAX_BYTES = 1 << 20  # a .gitignore larger than this is read no further


class GitIgnore:
    """`ignored(path, is_dir)` for the paths of one run's walk (absolute paths)."""

    def __init__(self, fs: FileSystem) -> None:
        self.fs = fs
        self._roots: dict[str, str | None] = {}
        self._specs: dict[str, pathspec.GitIgnoreSpec | None] = {}
        self._chains: dict[str, tuple[tuple[str, pathspec.GitIgnoreSpec], ...]] = {}

    def root_of(self, folder: str) -> str | None:
        """The work tree `folder` lies in (the nearest folder holding `.git`), or None."""
        if folder in self._roots:
            return self._roots[folder]
        # os.path, not the recording layer: the folders above the audited tree are no
        # input unless they hold the work tree's root, whose .gitignore is tracked below
        if os.path.exists(os.path.join(folder, ".git")):
            root: str | None = folder
        else:
            parent = os.path.dirname(folder)
            root = None if parent == folder else self.root_of(parent)
        self._roots[folder] = root
        return root

    def _read(self, path: str) -> list[str]:
        self.fs.track(path)
        try:
            with open(path, "rb") as fh:
                return fh.read(_MAX_BYTES).decode("utf-8", errors="replace").splitlines()
        except OSError:
            return []

    def _spec(self, folder: str, root: str) -> pathspec.GitIgnoreSpec | None:
        if folder not in self._specs:
            lines = self._read(os.path.join(folder, ".gitignore"))
            if folder == root:
                lines = self._read(os.path.join(root, ".git", "info", "exclude")) + lines
            lines = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
            self._specs[folder] = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        return self._specs[folder]

    def _chain(self, folder: str) -> tuple[tuple[str, pathspec.GitIgnoreSpec], ...]:
        """The (folder, spec) pairs that apply below `folder`, from the root down."""
        got = self._chains.get(folder)
        if got is not None:
            return got
        root = self.root_of(folder)
        if root is None:
            got = ()
        elif folder == root:
            spec = self._spec(folder, root)
            got = ((folder, spec),) if spec is not None else ()
        else:
            spec = self._spec(folder, root)
            got = self._chain(os.path.dirname(folder)) + (((folder, spec),) if spec is not None else ())
        self._chains[folder] = got
        return got

    def ignored(self, path: str, is_dir: bool) -> bool:
        """Whether git ignores `path` (absolute; a folder when `is_dir`)."""
        decision = None
        for base, spec in self._chain(os.path.dirname(path)):
            rel = os.path.relpath(path, base).replace(os.sep, "/")
            result = spec.check_file(rel + "/" if is_dir else rel)
            if result.include is not None:
                decision = result.include
        return bool(decision)
