"""Benchmark: the cost of `pytest --asyncaudit` on a real test suite.

    python bench/runtime_overhead.py                       # python-kasa 0.12.0's suite (fetched once)
    python bench/runtime_overhead.py --runs 5
    python bench/runtime_overhead.py --project DIR --python DIR/.venv/bin/python -- tests/unit

The default suite is python-kasa's (an asyncio device library with an offline suite of
thousands of pytest-asyncio tests; by default a fifth of it, `DEFAULT_ARGS`): its sdist is downloaded from PyPI once into
`bench/.corpora/runtime/`, with a virtualenv holding it, its test dependencies and this
checkout of asyncaudit.  `--project`/`--python` run any other suite instead (the
interpreter must have asyncaudit installed); arguments after `--` go to pytest.

Each run is a fresh `python -m pytest` subprocess, alternating plain and with
`--asyncaudit`, and the script prints, as medians over `--runs`:

    tests     time inside the tests (the sum of every test's setup, call and teardown,
              from `--junitxml`): what the detector slows down
    join      the plugin's end-of-session work (static analysis, warm cache, and the join)
    wall      the whole subprocess

and the overhead ratios.  The first audited run (cold static cache) is not counted.  Not
a test: figures depend on the machine, so they are printed, never asserted.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import venv
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parent
CORPUS = HERE / ".corpora" / "runtime"
DEFAULT = "python-kasa==0.12.0"
# a fifth of the suite (about 1,700 tests: transports, protocols, the camera devices, the README
# examples), so that a run takes minutes, not an hour
DEFAULT_ARGS = ["tests/transports", "tests/protocols", "tests/test_httpclient.py", "tests/test_readme_examples.py",
                "tests/smartcam"]
DEFAULT_TEST_DEPS = ["pytest>=8", "pytest-asyncio>=0.24", "pytest-mock", "voluptuous", "toml", "pytest-timeout~=2.0",
                     "pytest-freezer~=0.4", "pytest-socket>=0.7.0", "pytest-xdist", "xdoctest"]
_JOIN = re.compile(r"static analysis and join: ([0-9.]+) s")
_COUNTS = re.compile(r"^(\d+) confirmed, (\d+) runtime-only, (\d+) static-only.*$", re.MULTILINE)


@dataclass
class Run:
    wall: float
    tests: float
    count: int
    join: float | None
    summary: str


def fetch_default() -> tuple[Path, Path]:
    """The default project folder and its interpreter, created on first use."""
    project = CORPUS / DEFAULT.replace("==", "-")
    python = CORPUS / "venv" / "bin" / "python"
    if project.is_dir() and python.exists():
        return project, python
    CORPUS.mkdir(parents=True, exist_ok=True)
    dl = CORPUS / "sdist"
    dl.mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary=:all:", "-q", "-d", str(dl),
                    DEFAULT], check=True)
    (archive,) = dl.glob("*.tar.gz")
    with tarfile.open(archive) as tar, tempfile.TemporaryDirectory() as tmp:
        tar.extractall(tmp, filter="data")
        (top,) = Path(tmp).iterdir()
        shutil.move(str(top), project)
    subprocess.run(["git", "init", "-q"], cwd=project, check=False)  # the suite reads git metadata
    venv.create(CORPUS / "venv", with_pip=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-e", str(REPO), "-e", str(project),
                    *DEFAULT_TEST_DEPS], check=True)
    return project, python


def run_once(python: Path, project: Path, args: list[str], audited: bool) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        cmd = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore",
               f"--junitxml={junit}", *args]
        if audited:
            cmd.append("--asyncaudit")
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=project, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        if not junit.exists():
            sys.exit(f"pytest wrote no junit report (exit {done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        cases = ET.parse(junit).getroot().iter("testcase")
        times = [float(c.get("time") or 0) for c in cases]
    join = _JOIN.search(done.stdout)
    counts = _COUNTS.search(done.stdout)
    return Run(wall, sum(times), len(times), float(join.group(1)) if join else None,
               counts.group(0) if counts else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, help="the project whose suite runs (default: python-kasa)")
    parser.add_argument("--python", type=Path, help="its interpreter, with asyncaudit installed")
    parser.add_argument("--runs", type=int, default=3, help="measured runs of each kind (default 3)")
    parser.add_argument("pytest_args", nargs="*", help="after --: arguments for pytest")
    args = parser.parse_args(argv)
    if args.project is None:
        project, python = fetch_default()
        pytest_args = args.pytest_args or DEFAULT_ARGS
    else:
        project, python = args.project.resolve(), (args.python or Path(sys.executable)).absolute()
        pytest_args = args.pytest_args or []
    print(f"suite: {project}  ({python})  pytest {' '.join(pytest_args) or '(defaults)'}")
    warm = run_once(python, project, pytest_args, audited=True)  # fills the static analysis cache
    print(f"first audited run (cold static cache): wall {warm.wall:.1f} s, join {warm.join or 0:.1f} s")
    plain: list[Run] = []
    audited: list[Run] = []
    for _ in range(args.runs):
        plain.append(run_once(python, project, pytest_args, audited=False))
        audited.append(run_once(python, project, pytest_args, audited=True))

    def med(runs: list[Run], attr: str) -> float:
        return statistics.median(getattr(r, attr) or 0.0 for r in runs)

    print(f"{'':10}{'tests s':>10}{'join s':>10}{'wall s':>10}{'tests':>8}")
    for name, runs in (("plain", plain), ("asyncaudit", audited)):
        print(f"{name:10}{med(runs, 'tests'):10.2f}{med(runs, 'join'):10.2f}{med(runs, 'wall'):10.2f}"
              f"{runs[0].count:8d}")
    base_t, base_w = med(plain, "tests"), med(plain, "wall")
    print(f"overhead: tests x{med(audited, 'tests') / base_t:.2f} "
          f"({100 * (med(audited, 'tests') / base_t - 1):+.1f}%), "
          f"wall x{med(audited, 'wall') / base_w:.2f} ({100 * (med(audited, 'wall') / base_w - 1):+.1f}%)")
    if audited[-1].summary:
        print(f"asyncaudit: {audited[-1].summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
