"""An analyzed tree is data (issue 16): its configuration cannot run programs or choose
where asyncaudit writes, and git runs hardened against the tree's own `.git/config`.

The tree is built as an attacker would prepare a pull request: `[tool.asyncaudit]`
naming a program as `python` (then a virtualenv with a `sitecustomize.py` and a `.pth`
import line), a `cache-dir` outside, and a `.git/config` with an fsmonitor hook, a
textconv driver, an external diff and a clean filter.  Each of them would create a
marker file if run.  `check`, `check --diff`, `check --since` and `audit` must run none
of them, write nothing outside the current directory (cache, report), and still report
the right findings (including one inside the venv's installed package, read from files).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX scripts and FIFOs")

APP = ("import time\nimport sdk\n\n\nasync def handler():\n    time.sleep(1)\n\n\n"
       "async def fetch():\n    return sdk.download()\n")


def _script(path: Path, marker: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho ran >> '{marker}'\ncat\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _git(tree: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})


def _hostile(tmp_path: Path, python: str) -> tuple[Path, Path, Path]:
    tree, markers, outside = tmp_path / "tree", tmp_path / "markers", tmp_path / "outside"
    markers.mkdir()
    tree.mkdir()
    (tree / "app.py").write_text(APP)
    _script(tree / "tools" / "py", markers / "python-ran")
    # a virtualenv the configuration may name: its site hooks must never run
    site = tree / "venv" / "lib" / "python3.12" / "site-packages"
    (site / "sdk").mkdir(parents=True)
    (tree / "venv" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.1\n")
    (site / "sitecustomize.py").write_text(f"open({str(markers / 'sitecustomize-ran')!r}, 'w')\n")
    (site / "evil.pth").write_text(f"import os; open({str(markers / 'pth-ran')!r}, 'w')\n../../../../extra\n")
    (site / "sdk" / "__init__.py").write_text(
        "import urllib.request\n\n\ndef download():\n    return urllib.request.urlopen('https://x').read()\n")
    (tree / "pyproject.toml").write_text(
        f'[tool.asyncaudit]\npython = "{python}"\ncache-dir = "{outside}"\n')
    _git(tree, "init", "-q")
    _git(tree, "add", "app.py", "pyproject.toml")
    _git(tree, "commit", "-q", "-m", "init")
    hook = _script(tmp_path / "hooks" / "fsmonitor", markers / "fsmonitor-ran")
    conv = _script(tmp_path / "hooks" / "textconv", markers / "textconv-ran")
    ext = _script(tmp_path / "hooks" / "extdiff", markers / "extdiff-ran")
    clean = _script(tmp_path / "hooks" / "clean", markers / "filter-ran")
    with open(tree / ".git" / "config", "a") as fh:
        fh.write(f"[core]\n\tfsmonitor = {hook}\n\thooksPath = {tmp_path / 'hooks'}\n"
                 f"[diff \"evil\"]\n\ttextconv = {conv}\n[diff]\n\texternal = {ext}\n"
                 f"[filter \"evil\"]\n\tclean = {clean}\n\tsmudge = {clean}\n")
    (tree / ".gitattributes").write_text("*.py diff=evil filter=evil\n")
    (tree / "app.py").write_text(APP + "\n\nasync def later():\n    time.sleep(2)\n")  # an uncommitted change
    return tree, markers, outside


def _listing(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for dirpath, dirs, files in os.walk(root):
        if Path(dirpath) == skip or skip in Path(dirpath).parents:
            dirs[:] = []
            continue
        for name in files + dirs:
            p = Path(dirpath) / name
            if p == skip:
                continue
            st = p.lstat()
            out[str(p)] = (st.st_size, st.st_mtime_ns)
    return out


@pytest.mark.parametrize("python", ["./tools/py", "./venv", "./venv/bin/python"])
def test_hostile_tree_runs_nothing_and_writes_nothing_outside(tmp_path: Path, python: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    tree, markers, outside = _hostile(tmp_path, python)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("ASYNCAUDIT_CACHE_DIR", "VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")  # the code under test, from anywhere
    before = _listing(tmp_path, cwd)
    runs = {
        "check": ["check", str(tree)],
        "diff": ["check", str(tree), "--diff"],
        "since": ["check", str(tree), "--since", "HEAD"],
        "audit": ["audit", str(tree), "--out", "report.md", "--date", "2024-01-01"],
    }
    outputs = {}
    for name, args in runs.items():
        proc = subprocess.run([sys.executable, "-m", "asyncaudit", *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode in (0, 1), (name, proc.stderr)
        assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
        outputs[name] = proc.stdout + proc.stderr
    assert sorted(os.listdir(markers)) == []  # no program, hook, filter, driver or site hook ran
    assert not outside.exists()  # the tree's cache-dir was refused
    assert _listing(tmp_path, cwd) == before  # nothing written anywhere but the current directory
    assert sorted(os.listdir(cwd)) == [".asyncaudit_cache", "report.md"]
    check = outputs["check"]
    assert "cache-dir" in check and "refused" in check  # one line says why the cache is elsewhere
    assert "app.py:6:5: AA104" in check and "app.py:14:5: AA104" in check
    if python == "./tools/py":  # refused with one line; the project's venv/ is then found (and read)
        assert "is not a virtualenv whose files can be read; ignored" in check
    # the venv's installed package is read from its files: the chain into it is found
    assert "app.py:10:12: AA101" in check and f"environment: {tree / 'venv'} (python3.12)" in check
    diff, since = outputs["diff"], outputs["since"]
    for out in (diff, since):  # only the changed lines' findings
        assert "app.py:14:5: AA104" in out and "app.py:6:5: AA104" not in out
    assert "score:" in outputs["audit"]
