"""Bad input never stops the run: each problem is a one-line diagnostic, the rest is analyzed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from asyncaudit import api
from asyncaudit.api import Config, analyze

GOOD = "import time\n\nasync def ok():\n    time.sleep(1)\n"


def _analyze(root: Path):
    return analyze([root], Config(follow_libraries=False))


def _messages(result, name: str) -> list[str]:
    return [d.message for d in result.diagnostics if Path(d.path).name == name]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "good.py").write_text(GOOD)
    return tmp_path


def test_syntax_error_file_is_analyzed_where_it_parses(tree: Path) -> None:
    (tree / "broken.py").write_text(
        "import time\n\nasync def before():\n    time.sleep(1)\n\n"
        "def oops(:\n    pass\n\n"
        "async def after():\n    time.sleep(2)\n"
    )
    result = _analyze(tree)
    lines = sorted(f.location.line for f in result.findings if f.location.path.endswith("broken.py"))
    assert lines == [4, 10]
    msgs = _messages(result, "broken.py")
    assert len(msgs) >= 1 and all("\n" not in m for m in msgs)
    assert any(d.line == 6 for d in result.diagnostics if d.path.endswith("broken.py"))


def test_undecodable_bytes(tree: Path) -> None:
    (tree / "latin.py").write_bytes(b"# caf\xe9\nimport time\nasync def f():\n    time.sleep(1)\n")
    result = _analyze(tree)
    assert any("decode" in m for m in _messages(result, "latin.py"))
    assert any(f.location.path.endswith("latin.py") for f in result.findings)


def test_nul_bytes(tree: Path) -> None:
    (tree / "nul.py").write_bytes(b"import time\nx = 1\x00\nasync def f():\n    time.sleep(1)\n")
    result = _analyze(tree)
    assert any("NUL" in m for m in _messages(result, "nul.py"))
    assert len([f for f in result.findings if f.location.path.endswith("good.py")]) == 1


def test_empty_file(tree: Path) -> None:
    (tree / "empty.py").write_bytes(b"")
    result = _analyze(tree)
    assert _messages(result, "empty.py") == []
    assert len(result.findings) == 1


def test_huge_generated_module_is_skipped(tree: Path) -> None:
    line = "VALUE_%d = 'x' * 80\n"
    (tree / "huge.py").write_text("".join(line % i for i in range(450_000)))
    assert (tree / "huge.py").stat().st_size > 10_000_000
    result = _analyze(tree)
    assert any("limit" in m for m in _messages(result, "huge.py"))
    assert len(result.findings) == 1


@pytest.mark.parametrize("source", [
    "x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n",
    "x = " + "[" * 10_000 + "]" * 10_000 + "\n",
    "x = " + "f(" * 10_000 + ")" * 10_000 + "\n",
    "x = " + " + ".join(["a"] * 100_000) + "\n",
    "x = " + "-" * 10_000 + "1\n",
])
def test_deep_nesting(tree: Path, source: str) -> None:
    (tree / "deep.py").write_text(source + GOOD.replace("ok", "ok2"))
    result = _analyze(tree)
    assert {Path(f.location.path).name for f in result.findings} == {"good.py", "deep.py"}


def test_recursive_helpers_terminate(tree: Path) -> None:
    (tree / "rec.py").write_text(
        "import time\n"
        "def a(n):\n    return b(n) if n else a(n)\n"
        "def b(n):\n    c(n)\n    return a(n - 1)\n"
        "def c(n):\n    time.sleep(n)\n"
        "async def main():\n    a(3)\n"
    )
    result = _analyze(tree)
    hits = [f for f in result.findings if f.location.path.endswith("rec.py")]
    assert len(hits) == 1
    assert [h.callee for h in hits[0].chains[0].hops] == ["a", "b", "c", "time.sleep"]


def test_symlink_loop(tree: Path) -> None:
    (tree / "pkg").mkdir()
    (tree / "pkg" / "loop").symlink_to(tree / "pkg", target_is_directory=True)
    (tree / "pkg" / "self.py").symlink_to(tree / "pkg" / "self.py")  # a file symlink to itself
    result = _analyze(tree)
    assert any("symlink" in d.message for d in result.diagnostics)
    assert len(result.findings) == 1


def test_unreadable_file_and_directory(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "secret.py").write_text(GOOD)
    (tree / "locked").mkdir()
    (tree / "locked" / "inner.py").write_text(GOOD)
    real_read, real_scandir = api.read_bytes, os.scandir

    def read(path: str) -> bytes:
        if path.endswith("secret.py"):
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    def scandir(path):  # noqa: ANN001, ANN202
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(api, "read_bytes", read)
    monkeypatch.setattr("asyncaudit.discover.os.scandir", scandir)
    result = _analyze(tree)
    assert _messages(result, "secret.py") == ["cannot read file: Permission denied"]
    assert any(d.path.endswith("locked") and "Permission denied" in d.message for d in result.diagnostics)
    assert len(result.findings) == 1


def test_cli_never_tracebacks_on_a_bad_tree(tree: Path) -> None:
    (tree / "broken.py").write_text("def (:\n")
    (tree / "nul.py").write_bytes(b"\x00\x00")
    (tree / "deep.py").write_text("x = " + "(" * 10_000 + ")" * 10_000 + "\n")
    (tree / "latin.py").write_bytes(b"x = '\xff'\n")
    (tree / "loop").symlink_to(tree, target_is_directory=True)
    p = subprocess.run([sys.executable, "-m", "asyncaudit", "check", str(tree)], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 1
    assert "Traceback" not in p.stdout + p.stderr
    warnings = [ln for ln in p.stdout.splitlines() if ": warning: " in ln]
    assert {Path(ln.split(":")[0]).name for ln in warnings} >= {"broken.py", "nul.py", "latin.py", "loop"}


def test_same_module_name_in_two_folders(tmp_path: Path) -> None:
    for d in ("x", "y"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "tool.py").write_text(GOOD)
    result = analyze([tmp_path / "x", tmp_path / "y"], Config(follow_libraries=False))
    assert sorted(Path(f.location.path).parent.name for f in result.findings) == ["x", "y"]
