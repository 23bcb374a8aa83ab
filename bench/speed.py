"""Benchmark: time `asyncaudit check` on real async source installed from PyPI.

    python bench/speed.py                      # all corpora
    python bench/speed.py --corpus homeassistant --runs 2

Each corpus is downloaded once (`pip download --no-deps`, pinned), unpacked under
`bench/.corpora/` and checked by the real CLI in a subprocess; the script prints wall
time, files/s, lines/s and the peak RSS of the process tree.  Not a test: figures vary
with the machine, so they are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
CORPORA_DIR = HERE / ".corpora"
CORPORA = {
    # name: (pip requirement, top-level package folder)
    "homeassistant": ("homeassistant==2024.3.3", "homeassistant"),
    "langchain-core": ("langchain-core==0.3.15", "langchain_core"),
    "httpx": ("httpx==0.27.2", "httpx"),
}


def fetch(name: str) -> Path:
    req, pkg = CORPORA[name]
    dest = CORPORA_DIR / name
    if (dest / pkg).is_dir():
        return dest / pkg
    wheels = CORPORA_DIR / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    "-q", "-d", str(wheels), req], check=True)
    version = req.split("==")[1]
    wheel = next(w for w in wheels.glob("*.whl")
                 if w.name.lower().startswith(pkg.lower().replace("-", "_") + "-" + version))
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(dest)
    return dest / pkg


def count(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for p in tree.rglob("*.py"):
        files += 1
        with open(p, "rb") as fh:
            lines += fh.read().count(b"\n")
    return files, lines


def run_check(tree: Path, extra: list[str]) -> tuple[float, int, dict]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "asyncaudit", "check", str(tree), "--format", "json",
                           *extra], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"asyncaudit failed on {tree}: {proc.stderr.strip()[:500]}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kib, json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", action="append", choices=sorted(CORPORA))
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=0)
    args = ap.parse_args()
    names = args.corpus or list(CORPORA)
    print(f"{'corpus':<16}{'files':>7}{'lines':>10}{'run':>5}{'wall s':>9}{'files/s':>9}"
          f"{'klines/s':>10}{'peak MiB':>10}{'findings':>10}{'resolved':>10}")
    for name in names:
        tree = fetch(name)
        files, lines = count(tree)
        for run in range(1, args.runs + 1):
            wall, peak, data = run_check(tree, ["-j", str(args.jobs)])
            st = data["stats"]
            print(f"{name:<16}{files:>7}{lines:>10}{run:>5}{wall:>9.2f}{files / wall:>9.0f}"
                  f"{lines / wall / 1000:>10.1f}{peak / 1024:>10.0f}{len(data['findings']):>10}"
                  f"{st['resolved_share'] * 100:>9.1f}%")
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} cores; peak = largest RSS of one process")


if __name__ == "__main__":
    main()
