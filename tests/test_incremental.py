"""Incremental analysis (`asyncaudit.incremental.Session`) equals a cold run, byte for byte,
over sequences of random edits: on a generated tree, and on a real one (asyncaudit's own
source, copied).

Each step applies one edit on disk — add a blocking call to a helper, remove one, rename
a function, add an import cycle, delete a file, add an `__init__.py` — then compares the
session's JSON and text output (and the result objects) with `api.analyze` run cold on
the same tree.
"""

from __future__ import annotations

import ast
import os
import random
import shutil
from pathlib import Path

import pytest

import asyncaudit
from asyncaudit import api
from asyncaudit.config import Config
from asyncaudit.incremental import Session
from asyncaudit.model import AnalysisResult
from asyncaudit.report import json_format, text

CONFIG = Config(follow_libraries=False, cache=False, jobs=1)
BLOCKING = ("time.sleep(1)", "open('f').read()", "subprocess.run(['ls'])", "requests.get('http://x')",
            "os.listdir('.')")


def _render(result: AnalysisResult) -> str:
    return json_format.render(result) + "\n" + text.render(result)


def _assert_same(session: Session, paths: list[str]) -> AnalysisResult:
    got = session.analyze()
    cold = api.analyze(paths, CONFIG)
    assert _render(got) == _render(cold)
    assert got == cold
    return got


# ---- a generated tree -----------------------------------------------------------------

class _Tree:
    """A package of modules whose sync helpers call each other across modules and whose
    async functions call the helpers; rendered to disk, only changed files rewritten."""

    def __init__(self, root: Path, rng: random.Random, modules: int = 8) -> None:
        self.root, self.rng = root, rng
        self.mods: dict[str, dict[str, list[str]]] = {}  # module -> function -> body lines
        self.imports: dict[str, set[str]] = {}
        self.inits: set[str] = {"pkg"}
        for i in range(modules):
            sub = "pkg" if i % 3 else "pkg/sub"
            name = f"{sub}/m{i}"
            self.mods[name] = {}
            self.imports[name] = set()
        names = sorted(self.mods)
        for name in names:
            for j in range(3):
                body = []
                if rng.random() < 0.3:
                    body.append(rng.choice(BLOCKING))
                self.mods[name][f"h{j}"] = body
            self.mods[name]["run"] = []
        for name in names:  # calls across modules
            for fn in list(self.mods[name]):
                for _ in range(rng.randint(0, 2)):
                    self._call(name, fn)
        self.written: dict[Path, str] = {}
        self.write()

    def _dotted(self, name: str) -> str:
        return name.replace("/", ".")

    def _call(self, name: str, fn: str, other: str | None = None) -> None:
        other = other or self.rng.choice(sorted(self.mods))
        helpers = [h for h in self.mods[other] if h != "run"]
        if not helpers:
            return
        h = self.rng.choice(helpers)
        if other == name:
            call = f"{h}()"
        else:
            self.imports[name].add(other)
            call = f"{self._dotted(other)}.{h}()"
        self.mods[name][fn].append(call)

    def text(self, name: str) -> str:
        lines = ["import os", "import subprocess", "import time", "import requests"]
        lines += [f"import {self._dotted(o)}" for o in sorted(self.imports[name]) if o in self.mods]
        for fn, body in self.mods[name].items():
            lines.append("")
            lines.append(f"async def {fn}():" if fn == "run" else f"def {fn}():")
            lines += [f"    {b}" for b in body] or ["    pass"]
        return "\n".join(lines) + "\n"

    def write(self) -> None:
        want: dict[Path, str] = {self.root / f"{n}.py": self.text(n) for n in self.mods}
        for d in self.inits:
            want[self.root / d / "__init__.py"] = ""
        for p in set(self.written) - set(want):
            p.unlink()
        for p, t in want.items():
            if self.written.get(p) != t:
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(t)
        self.written = want

    # the edits
    def add_blocking(self) -> None:
        name = self.rng.choice(sorted(self.mods))
        fn = self.rng.choice(sorted(self.mods[name]))
        self.mods[name][fn].insert(self.rng.randint(0, len(self.mods[name][fn])), self.rng.choice(BLOCKING))

    def remove_blocking(self) -> None:
        places = [(n, f, i) for n in sorted(self.mods) for f in self.mods[n]
                  for i, b in enumerate(self.mods[n][f]) if b in BLOCKING]
        if places:
            n, f, i = self.rng.choice(places)
            del self.mods[n][f][i]

    def rename(self) -> None:
        name = self.rng.choice(sorted(self.mods))
        helpers = sorted(h for h in self.mods[name] if h != "run")
        if helpers:
            old = self.rng.choice(helpers)
            self.mods[name][f"{old}_r"] = self.mods[name].pop(old)  # callers now miss it

    def add_cycle(self) -> None:
        a, b = self.rng.sample(sorted(self.mods), 2)
        fa = self.rng.choice(sorted(self.mods[a]))
        fb = self.rng.choice(sorted(self.mods[b]))
        self._call(a, fa, b)
        self._call(b, fb, a)

    def delete(self) -> None:
        if len(self.mods) > 2:
            del self.mods[self.rng.choice(sorted(self.mods))]

    def add_init(self) -> None:
        self.inits.add("pkg/sub")

    def call(self) -> None:
        name = self.rng.choice(sorted(self.mods))
        self._call(name, self.rng.choice(sorted(self.mods[name])))

    def touch(self) -> None:
        p = self.rng.choice(sorted(self.written))
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))

    EDITS = ("add_blocking", "remove_blocking", "rename", "add_cycle", "delete", "add_init", "call", "touch")


@pytest.mark.parametrize("seed", range(3))
def test_generated_tree_random_edits_equal_cold(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    tree = _Tree(tmp_path / "t", rng)
    paths = [str(tmp_path / "t")]
    session = Session(paths, CONFIG)
    first = _assert_same(session, paths)
    assert first.findings  # a realistic tree: something blocks
    edits = list(_Tree.EDITS) + [rng.choice(_Tree.EDITS) for _ in range(6)]
    rng.shuffle(edits)
    for edit in edits:
        getattr(tree, edit)()
        tree.write()
        _assert_same(session, paths)
        if edit == "touch":
            assert session.stats.extracted == 0 and not session.stats.rediscovered
        if edit == "delete" and len(tree.mods) > 2:
            assert session.stats.rediscovered  # a folder listing changed


def test_only_changed_files_are_extracted_again(tmp_path: Path) -> None:
    tree = _Tree(tmp_path / "t", random.Random(7))
    paths = [str(tmp_path / "t")]
    session = Session(paths, CONFIG)
    session.analyze()
    n = len(tree.written)
    assert session.stats.extracted == n
    session.analyze()
    assert session.stats.extracted == 0 and session.stats.kept == n and not session.stats.rediscovered
    tree.add_blocking()
    tree.write()
    _assert_same(session, paths)
    assert session.stats.extracted == 1 and session.stats.kept == n - 1


# ---- a real tree: asyncaudit's own source ----------------------------------------------

def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _edit_real(root: Path, rng: random.Random, edit: str) -> None:
    files = sorted(root.rglob("*.py"))
    path = rng.choice(files)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    funcs = _functions(path)
    if edit == "delete":
        path.unlink()
        return
    if edit == "add_init":
        folder = root / "extra"
        folder.mkdir(exist_ok=True)
        (folder / "__init__.py").write_text("")
        (folder / "mod.py").write_text("import time\n\nasync def go():\n    time.sleep(1)\n")
        return
    if edit == "add_cycle":
        a, b = rng.sample([p for p in files if p.name != "__init__.py"], 2)
        for x, y in ((a, b), (b, a)):
            dotted = ".".join(y.relative_to(root.parent).with_suffix("").parts)
            x.write_text(x.read_text(encoding="utf-8") + f"\nimport {dotted}\n", encoding="utf-8")
        return
    if not funcs:
        return
    fn = rng.choice(funcs)
    body = fn.body[0]
    indent = " " * body.col_offset
    if edit == "add_blocking":
        lines.insert(body.lineno - 1, f"{indent}__import__('time').sleep(1)\n")
    elif edit == "remove_blocking":
        # drop one statement line of the body (often a call into another helper)
        target = rng.choice(fn.body)
        if target.end_lineno == target.lineno and len(fn.body) > 1:
            del lines[target.lineno - 1]
    elif edit == "rename":
        line = lines[fn.lineno - 1]
        lines[fn.lineno - 1] = line.replace(f"def {fn.name}(", f"def {fn.name}_renamed(", 1)
    path.write_text("".join(lines), encoding="utf-8")


def test_real_tree_random_edits_equal_cold(tmp_path: Path) -> None:
    source = Path(asyncaudit.__file__).parent
    root = tmp_path / "asyncaudit"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    paths = [str(root)]
    session = Session(paths, CONFIG)
    _assert_same(session, paths)
    rng = random.Random(13)
    for edit in ("add_blocking", "rename", "remove_blocking", "add_cycle", "add_blocking", "delete", "add_init"):
        _edit_real(root, rng, edit)
        _assert_same(session, paths)
