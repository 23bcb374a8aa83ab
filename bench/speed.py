"""Benchmark: asyncaudit `check`, cold and warm, beside hydroid and ruff on real corpora.

    python bench/speed.py                                  # all corpora, every tool found
    python bench/speed.py --corpus homeassistant --runs 2
    python bench/speed.py --hydroid /path/to/hydroid --ruff /path/to/ruff

Corpora are real async source installed from PyPI, pinned, downloaded once with
`pip download --no-deps` and unpacked under `bench/.corpora/` (large: homeassistant,
medium: langchain-core, small: httpx).  Each tool runs as a subprocess on the same tree:

    cold   no cache (asyncaudit: an empty cache folder; hydroid: no .hydroid_cache;
           ruff: no .ruff_cache)
    warm   the same command again, its cache from the cold run in place

and the script prints wall time, files/s, the peak RSS of the largest process of the
run, the findings count, and asyncaudit's time as a ratio of each peer's.  hydroid and
ruff are used when found on PATH (or given); they are compared, not required.  Not a
test: figures depend on the machine, so they are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
CORPORA_DIR = HERE / ".corpora"
CORPORA = {
    # name: (pinned requirement, top-level package folder)
    "homeassistant": ("homeassistant==2024.3.3", "homeassistant"),
    "langchain-core": ("langchain-core==1.8.2", "langchain_core"),
    "httpx": ("httpx==0.28.1", "httpx"),
}


@dataclass
class Run:
    wall: float
    peak_mib: float
    findings: int | None


def fetch(name: str) -> Path:
    req, pkg = CORPORA[name]
    dest = CORPORA_DIR / name
    if (dest / pkg).is_dir():
        return dest
    wheels = CORPORA_DIR / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
                    "-d", str(wheels), req], check=True, stderr=subprocess.DEVNULL)
    version = req.split("==")[1]
    wheel = next(w for w in wheels.glob("*.whl") if w.name.lower().startswith(f"{pkg.lower()}-{version}"))
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(dest)
    return dest


def count(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for p in tree.rglob("*.py"):
        files += 1
        lines += p.read_bytes().count(b"\n")
    return files, lines


GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MiB) of the largest process, stdout.

    The peak comes from GNU time when present: a child forked from this (large) process
    would otherwise report this process's RSS as its own high-water mark.
    """
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss:
        wrapped = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(wrapped, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
        peak_kib = int(rss.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
    if code not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed (exit {code}) on {cwd}")
    return wall, peak_kib / 1024, text


def asyncaudit(tree: Path, pkg: str, cache: Path) -> Run:
    env = {**os.environ, "ASYNCAUDIT_CACHE_DIR": str(cache)}
    wall, peak, out = measure([sys.executable, "-m", "asyncaudit", "check", pkg, "--format", "json",
                               "--no-libraries"], tree, env)
    return Run(wall, peak, len(json.loads(out)["findings"]))


def hydroid(exe: str, tree: Path, pkg: str, empty_env: Path) -> Run:
    wall, peak, out = measure([exe, pkg, "--format", "json", "--python", str(empty_env / "bin" / "python")], tree)
    try:
        n = len(json.loads(out)["diagnostics"])
    except (ValueError, KeyError):
        n = None
    return Run(wall, peak, n)


def ruff(exe: str, tree: Path, pkg: str) -> Run:
    wall, peak, out = measure([exe, "check", "--isolated", "--select", "ASYNC", "--output-format", "json",
                               "--exit-zero", pkg], tree)
    return Run(wall, peak, len(json.loads(out or "[]")))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", action="append", choices=sorted(CORPORA))
    ap.add_argument("--runs", type=int, default=1, help="cold+warm pairs per tool (default 1)")
    ap.add_argument("--hydroid", default=shutil.which("hydroid"))
    ap.add_argument("--ruff", default=shutil.which("ruff"))
    args = ap.parse_args()
    empty_env = CORPORA_DIR / "empty-venv"
    if args.hydroid and not empty_env.is_dir():
        # hydroid follows an environment's packages; an empty one keeps runs comparable
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(empty_env)], check=True)
    print(f"{'corpus':<15}{'tool':<11}{'run':<6}{'wall s':>8}{'files/s':>9}{'peak MiB':>10}{'findings':>10}"
          f"{'asyncaudit/tool':>17}")
    for name in args.corpus or list(CORPORA):
        tree = fetch(name)
        files, lines = count(tree / CORPORA[name][1])
        pkg = "."  # every tool analyzes the unpacked wheel as one tree
        print(f"-- {name}: {files} files, {lines:,} lines")
        for _ in range(args.runs):
            cache = Path(tempfile.mkdtemp(prefix="asyncaudit-bench-"))
            ours = {"cold": asyncaudit(tree, pkg, cache), "warm": asyncaudit(tree, pkg, cache)}
            shutil.rmtree(cache, ignore_errors=True)
            results = {"asyncaudit": ours}
            if args.hydroid:
                shutil.rmtree(tree / ".hydroid_cache", ignore_errors=True)
                results["hydroid"] = {"cold": hydroid(args.hydroid, tree, pkg, empty_env),
                                      "warm": hydroid(args.hydroid, tree, pkg, empty_env)}
                shutil.rmtree(tree / ".hydroid_cache", ignore_errors=True)
            if args.ruff:
                shutil.rmtree(tree / ".ruff_cache", ignore_errors=True)
                results["ruff ASYNC"] = {"cold": ruff(args.ruff, tree, pkg), "warm": ruff(args.ruff, tree, pkg)}
                shutil.rmtree(tree / ".ruff_cache", ignore_errors=True)
            for tool, runs in results.items():
                for kind, r in runs.items():
                    ratio = "" if tool == "asyncaudit" else f"{ours[kind].wall / r.wall:>16.2f}x"
                    found = "-" if r.findings is None else str(r.findings)
                    print(f"{name:<15}{tool:<11}{kind:<6}{r.wall:>8.2f}{files / r.wall:>9.0f}{r.peak_mib:>10.0f}"
                          f"{found:>10}{ratio:>17}")
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cores; peak = largest RSS of one process of "
          "the run; ratio < 1 means asyncaudit is faster")


if __name__ == "__main__":
    main()
