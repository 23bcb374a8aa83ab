"""Benchmark: asyncaudit `check`, cold and warm, beside hydroid and ruff on real corpora.

    python bench/speed.py                                  # all corpora, every tool found
    python bench/speed.py --corpus homeassistant --runs 2
    python bench/speed.py --hydroid /path/to/hydroid --ruff /path/to/ruff
    python bench/speed.py --corpus homeassistant --tree /path/to/site-packages-like-folder

Corpora are real async source installed from PyPI, pinned, downloaded once with
`pip download --no-deps` and unpacked under `bench/.corpora/` (large: homeassistant,
medium: langchain-core, small: httpx).  Each tool runs as a subprocess on the same tree:

    cold   no cache (asyncaudit: an empty cache folder; hydroid: no .hydroid_cache;
           ruff: no .ruff_cache)
    warm   the same command again, its cache from the cold run in place

and the script prints wall time, files/s, the peak RSS of the largest process of the
run, the findings count, and asyncaudit's time as a ratio of each peer's.

Re-check rows (asyncaudit only, on a temporary copy of the tree, since they edit it):

    floor      CPython's ast.parse of every file, one process (what no analysis beats)
    touch      one integration file touched, bytes unchanged, after a warm run
    edit       one integration file edited (a blocking call added to a new async function)
    edit core  homeassistant/core.py edited the same way (imported by almost everything)
    server     `asyncaudit server` driven by an LSP client: first analysis, then a save
               of an edited integration file until its fresh diagnostics arrive

Each re-check row is compared with a cold `--no-cache` run on the same tree ("same" in
the findings column means identical JSON findings), and every time is also printed as a
ratio to the floor measured in the same run (the machine may be slower or shared); CPU
seconds (the run and its worker processes; the server process's for the server rows)
are printed beside wall time, being far steadier on a machine other work shares.  hydroid and
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
    global LAST_CPU
    LAST_CPU = usage.ru_utime + usage.ru_stime  # the run and every process it waited for
    return wall, peak_kib / 1024, text


LAST_CPU = 0.0  # CPU seconds of the last `measure`d command: steadier than wall on a shared machine


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


FLOOR = """
import ast, os, sys, time
paths = [os.path.join(d, f) for d, _, fs in os.walk(sys.argv[1]) for f in fs if f.endswith(".py")]
start, cpu = time.perf_counter(), time.process_time()
for p in paths:
    with open(p, "rb") as fh:
        try:
            ast.parse(fh.read())
        except (SyntaxError, ValueError):
            pass
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def floor(tree: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of ast.parse over the tree, one process."""
    out = subprocess.run([sys.executable, "-c", FLOOR, str(tree)], capture_output=True, text=True, check=True)
    wall, cpu = out.stdout.split()
    return float(wall), float(cpu)


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system, all threads) a live process has used so far (Linux)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def findings_json(tree: Path, pkg: str, cache: Path | None) -> tuple[float, float, list]:
    env = {**os.environ, "ASYNCAUDIT_CACHE_DIR": str(cache or tree / ".unused-cache")}
    cmd = [sys.executable, "-m", "asyncaudit", "check", pkg, "--format", "json", "--no-libraries"]
    wall, peak, out = measure(cmd + ([] if cache else ["--no-cache"]), tree, env)
    return wall, peak, json.loads(out)["findings"]


PROBE = "\n\nimport time as _bench_time\n\n\nasync def _bench_probe_{n}():\n    _bench_time.sleep(1)\n"


def integration_file(pkg_dir: Path) -> Path:
    """A typical integration module: the first component (by name) with a sensor.py."""
    return next(p for p in sorted((pkg_dir / "components").glob("*/sensor.py")))


def server_save(tree: Path, pkg: str, target: Path, cache: Path) -> tuple[float, float, float, float]:
    """(first analysis wall, CPU s, save -> fresh diagnostics wall, CPU s) of `asyncaudit
    server` on `tree`; CPU is the server process's."""
    import asyncio

    from lsprotocol import types as lsp
    from pygls import uris
    from pygls.lsp.client import LanguageClient

    async def run() -> tuple[float, float, float, float]:
        client = LanguageClient("bench", "1")
        client.feature(lsp.WINDOW_LOG_MESSAGE)(lambda params: None)
        diags: dict[str, list] = {}
        changed = asyncio.Event()

        @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            diags[params.uri] = list(params.diagnostics)
            changed.set()

        async def until(pred) -> None:  # noqa: ANN001
            while not pred():
                changed.clear()
                await asyncio.wait_for(changed.wait(), 600)

        env = {**os.environ, "ASYNCAUDIT_CACHE_DIR": str(cache)}
        await client.start_io(sys.executable, "-m", "asyncaudit", "server", "--", str(tree / pkg),
                              cwd=str(tree), env=env)
        uri = uris.from_fs_path(str(target))
        pid = client._server.pid  # type: ignore[union-attr]
        start, cpu = time.perf_counter(), _cpu_of(pid)
        await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(),
                                                           root_uri=uris.from_fs_path(str(tree))))
        client.initialized(lsp.InitializedParams())
        client.text_document_did_open(lsp.DidOpenTextDocumentParams(
            lsp.TextDocumentItem(uri, "python", 1, target.read_text(encoding="utf-8"))))
        await until(lambda: uri in diags)
        first, first_cpu = time.perf_counter() - start, _cpu_of(pid) - cpu
        before = len(diags[uri])
        with target.open("a", encoding="utf-8") as fh:
            fh.write(PROBE.format(n="server"))
        start, cpu = time.perf_counter(), _cpu_of(pid)
        client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
        await until(lambda: len(diags[uri]) > before)
        save, save_cpu = time.perf_counter() - start, _cpu_of(pid) - cpu
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        return first, first_cpu, save, save_cpu

    return asyncio.run(run())


def recheck_rows(name: str, source: Path, pkg: str, files: int) -> None:
    """The re-check rows on a copy of `source` (the corpus stays untouched)."""
    work = Path(tempfile.mkdtemp(prefix="asyncaudit-bench-tree-"))
    cache = Path(tempfile.mkdtemp(prefix="asyncaudit-bench-cache-"))
    try:
        tree = work / "tree"
        shutil.copytree(source, tree, ignore=shutil.ignore_patterns("__pycache__", ".*_cache"))
        pkg_dir = tree / CORPORA[name][1]
        base, base_cpu = floor(pkg_dir)
        rows: list[tuple[str, float, float, float, str]] = [("floor", base, base_cpu, 0.0, "-")]
        cold_wall, cold_peak, _ = findings_json(tree, pkg, cache)
        rows.append(("cold", cold_wall, LAST_CPU, cold_peak, "-"))
        warm_wall, warm_peak, _ = findings_json(tree, pkg, cache)
        rows.append(("warm", warm_wall, LAST_CPU, warm_peak, "-"))
        target = integration_file(pkg_dir) if (pkg_dir / "components").is_dir() else sorted(pkg_dir.rglob("*.py"))[-1]
        core = pkg_dir / "core.py" if (pkg_dir / "core.py").is_file() else sorted(pkg_dir.rglob("*.py"))[0]

        def step(label: str, change) -> None:  # noqa: ANN001
            change()
            wall, peak, got = findings_json(tree, pkg, cache)
            cpu = LAST_CPU
            _, _, cold = findings_json(tree, pkg, None)
            rows.append((label, wall, cpu, peak, "same" if got == cold else f"DIFFER ({len(got)} vs {len(cold)})"))

        def touch() -> None:
            st = target.stat()
            os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))

        def edit(path: Path, n: int):  # noqa: ANN202
            return lambda: path.open("a", encoding="utf-8").write(PROBE.format(n=n))

        time.sleep(2.1)  # past the racy window of the files just copied: the warm entry is stored
        findings_json(tree, pkg, cache)
        step("touch", touch)
        step("edit", edit(target, 1))
        step("edit core", edit(core, 2))
        first, first_cpu, save, save_cpu = server_save(tree, pkg, target, cache)
        rows.append(("server 1st", first, first_cpu, 0.0, "-"))
        rows.append(("server save", save, save_cpu, 0.0, "-"))
        print(f"-- {name} re-check rows (copy in {work}); integration file: "
              f"{target.relative_to(tree)}; floor = ast.parse of {files} files, one process")
        print(f"{'corpus':<15}{'tool':<11}{'run':<12}{'wall s':>8}{'cpu s':>8}{'peak MiB':>10}{'findings':>10}"
              f"{'wall/floor':>12}{'cpu/floor':>11}")
        for label, wall, cpu, peak, same in rows:
            peak_s = f"{peak:>10.0f}" if peak else f"{'-':>10}"
            print(f"{name:<15}{'asyncaudit':<11}{label:<12}{wall:>8.2f}{cpu:>8.2f}{peak_s}{same:>10}"
                  f"{wall / base:>11.2f}x{cpu / base_cpu:>10.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", action="append", choices=sorted(CORPORA))
    ap.add_argument("--runs", type=int, default=1, help="cold+warm pairs per tool (default 1)")
    ap.add_argument("--hydroid", default=shutil.which("hydroid"))
    ap.add_argument("--ruff", default=shutil.which("ruff"))
    ap.add_argument("--tree", type=Path, help="use this folder (holding the corpus' package) instead of "
                                               "downloading; requires one --corpus")
    ap.add_argument("--no-recheck", action="store_true", help="skip the re-check rows (touch, edit, server)")
    ap.add_argument("--only-recheck", action="store_true", help="only the re-check rows")
    args = ap.parse_args()
    empty_env = CORPORA_DIR / "empty-venv"
    if args.hydroid and not empty_env.is_dir():
        # hydroid follows an environment's packages; an empty one keeps runs comparable
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(empty_env)], check=True)
    print(f"{'corpus':<15}{'tool':<11}{'run':<6}{'wall s':>8}{'files/s':>9}{'peak MiB':>10}{'findings':>10}"
          f"{'asyncaudit/tool':>17}")
    for name in args.corpus or list(CORPORA):
        tree = args.tree or fetch(name)
        files, lines = count(tree / CORPORA[name][1])
        pkg = "."  # every tool analyzes the unpacked wheel as one tree
        print(f"-- {name}: {files} files, {lines:,} lines")
        if not args.no_recheck:
            recheck_rows(name, tree, pkg, files)
        for _ in range(0 if args.only_recheck else args.runs):
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
