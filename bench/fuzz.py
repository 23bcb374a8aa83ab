"""Fuzz benchmark: generated and mutated programs through the real CLI; counts crashes,
hangs and nondeterminism.

    python bench/fuzz.py --programs 2000                     # a quick look
    python bench/fuzz.py --programs 100000 --corpus ~/src/homeassistant --pool pool.jsonl

Programs come from two sources:

- *generated*: hypothesmith (`from_grammar()`, and a share from `from_node()`), each used
  as is and wrapped in an `async def` with a blocking call beside it;
- *mutated*: real Python files (the standard library's asyncio package and this
  repository's fixtures, plus every `--corpus` folder) put through 1-4 random edits:
  lines deleted, duplicated, swapped, re-indented (spaces, tabs, form feeds), tokens and
  odd characters inserted (NUL, U+2028, lone surrogates' bytes, BOMs, coding cookies),
  truncation, splicing, and deep nesting of blocks or brackets around a line.

They are written in batches (a folder of `--batch` files, some in packages, some with
hostile file names: newlines, control characters, bytes that are not UTF-8), and each
batch is checked by the CLI several ways: `-j 1 --no-cache`, `-j 2 --no-cache` (worker
processes: batches are larger than the parallel threshold), and with the cache cold and
then warm, cycling through every output format (and `audit` now and then).  Per batch:

- crash: an exit status other than 0/1/2, a signal, a traceback or an "internal error";
- hang: no answer within `--timeout` seconds;
- nondeterminism: the runs of one batch disagree on any byte of output.

A failing batch is re-run file by file to name the program, which is saved under
`--out`.  Generation is the slow part (hypothesmith: ~0.1 s a program here), so
generated programs can be kept in a `--pool` file (JSON lines) and reused.  Not a test:
the figures are printed; `tests/test_fuzz.py` runs a small property test in the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FORMATS = ("text", "json", "sarif", "github")
_TOKENS = [
    "(", ")", "[", "]", "{", "}", ":", ",", ".", "=", "\\", "'", '"', "'''", '"""', "#", "@", "*", "**",
    "async ", "await ", "lambda: ", "yield ", "def ", "class ", "with ", "for ", "if ", "else:", "try:",
    "except* ", "match x:", "case _:", "type X[T] = ", "f'{", "}'", "t'{x}'", ":=", "->", "...",
    "\t", "\f", "\r", "\x00", "\u2028", "\u0085", "\ufeff", "\udcff", "é", "𝔘", "\x1b[31m",
    "open('f')", "time.sleep(1)", "requests.get(u)", "subprocess.run(c)", "asyncio.run(m())",
]
_COOKIES = ["# -*- coding: latin-1 -*-\n", "# coding: utf-16\n", "# coding: nonesuch\n", "# vim: set fileencoding=cp1252 :\n"]
_ODD_NAMES = ["new\nline.py", "tab\there.py", "esc\x1b[2J.py", "sp ace.py", "back`tick*.py", "ünï.py",
              "pct%20%0A.py", "bracket[1](x).py", "quote\"'.py", "dash-.py"]
_ODD_BYTE_NAMES = [b"latin\xff\xfe.py", b"half\xc3.py", b"ctl\x01\x7f.py"]


# ---- programs -----------------------------------------------------------------------

def generated(count: int, pool: Path | None, seed: int, node_share: float) -> list[str]:
    """`count` hypothesmith programs, from `pool` first, generating (and appending) the rest."""
    have: list[str] = []
    if pool is not None and pool.exists():
        with pool.open(encoding="utf-8", errors="surrogatepass") as fh:
            have = [json.loads(line) for line in fh if line.strip()]
    if len(have) >= count:
        return have[:count]
    warnings.simplefilter("ignore")
    import hypothesmith
    from hypothesis import HealthCheck, given, settings

    need = count - len(have)
    out: list[str] = []
    sink = pool.open("a", encoding="utf-8", errors="surrogatepass") if pool is not None else None
    started = time.monotonic()

    def make(strategy, n: int) -> None:  # noqa: ANN001
        if n <= 0:
            return

        @settings(max_examples=n, database=None, deadline=None, derandomize=False,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def collect(src: str) -> None:
            out.append(src)
            if sink is not None:
                sink.write(json.dumps(src) + "\n")
                sink.flush()
            if len(out) % 500 == 0:
                print(f"  generated {len(out)}/{need} ({time.monotonic() - started:.0f} s)", file=sys.stderr)

        collect()

    nodes = int(need * node_share)
    make(hypothesmith.from_grammar(), need - nodes)
    make(hypothesmith.from_node(), nodes)
    if sink is not None:
        sink.close()
    return (have + out)[:count] if len(have) + len(out) >= count else have + out


def wrap_async(src: str, rng: random.Random) -> str:
    body = "\n".join("    " + line for line in src.splitlines()) or "    pass"
    call = rng.choice(["open('x')", "time.sleep(1)", "helper()", "requests.get('u')"])
    return (f"import time, requests\n\ndef helper():\n    return open('y').read()\n\n"
            f"async def main():\n{body}\n    {call}\n")


def seeds(corpora: list[Path], max_bytes: int) -> list[Path]:
    import asyncio

    roots = [Path(asyncio.__file__).parent, REPO / "tests" / "fixtures", REPO / "examples", *corpora]
    files: list[Path] = []
    for root in roots:
        if root.is_file():
            files.append(root)
        elif root.is_dir():
            files.extend(p for p in sorted(root.rglob("*.py")) if p.is_file() and p.stat().st_size <= max_bytes)
    return files


def mutate(data: bytes, rng: random.Random, donors: list[bytes]) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(13)
        i = rng.randrange(len(lines)) if lines else 0
        if not lines:
            lines = [""]
        if op == 0:
            del lines[i:i + rng.randint(1, 3)]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = rng.choice([" ", "\t", "    ", "\f", "  \t"]) * rng.randint(1, 3) + lines[i]
        elif op == 4:
            lines[i] = lines[i].lstrip()
        elif op == 5 or op == 6:
            pos = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:pos] + rng.choice(_TOKENS) + lines[i][pos:]
        elif op == 7:
            cut = rng.randint(0, max(0, len(text)))
            lines = "\n".join(lines)[:cut].split("\n")
        elif op == 8 and donors:
            donor = rng.choice(donors).decode("utf-8", "surrogateescape").split("\n")
            k = rng.randrange(len(donor))
            lines[i:i] = donor[k:k + rng.randint(1, 30)]
        elif op == 9:
            depth = rng.choice([50, 120, 600, 1500])
            ind = rng.choice([" ", "\t"])
            head = [ind * d + rng.choice(["if x:", "for a in b:", "with c:", "while d:", "def f():"])
                    for d in range(depth)]
            lines[i:i + 1] = head + [ind * depth + (lines[i].strip() or "open('x')")]
        elif op == 10:
            depth = rng.choice([100, 250, 1000, 5000])
            o, c = rng.choice(["()", "[]", "{}"])
            lines[i] = lines[i] + " + " + o * depth + "open('x')" + c * depth
        elif op == 11:
            lines.insert(0, rng.choice(_COOKIES).rstrip("\n"))
        else:
            raw = bytearray("\n".join(lines).encode("utf-8", "surrogateescape"))
            for _ in range(rng.randint(1, 8)):
                if raw:
                    raw[rng.randrange(len(raw))] = rng.randrange(256)
            lines = raw.decode("utf-8", "surrogateescape").split("\n")
    out = "\n".join(lines).encode("utf-8", "surrogateescape")
    if rng.random() < 0.03:
        out = b"\xef\xbb\xbf" + out
    if rng.random() < 0.03:
        out = out.replace(b"\n", b"\r\n")
    return out


# ---- batches ------------------------------------------------------------------------

def write_batch(folder: Path, programs: list[bytes], rng: random.Random, hostile_names: bool) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for i, data in enumerate(programs):
        where = folder
        if i % 7 == 3:  # some in packages, so imports between them resolve
            where = folder / f"pkg{i % 5}"
            where.mkdir(exist_ok=True)
            (where / "__init__.py").touch()
        name = f"p_{i:04}.py"
        if hostile_names and rng.random() < 0.02:
            name = f"{i:04}_" + rng.choice(_ODD_NAMES)
        if hostile_names and rng.random() < 0.01:
            name = os.fsdecode(f"{i:04}_".encode() + rng.choice(_ODD_BYTE_NAMES))
        path = where / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _cli(args: list[str], cwd: Path, timeout: float, env: dict[str, str]) -> tuple[str, int, bytes, bytes]:
    """(outcome, status, stdout, stderr): outcome is ok, crash or hang."""
    try:
        p = subprocess.run([sys.executable, "-m", "asyncaudit", *args], cwd=cwd, capture_output=True,
                           timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        return "hang", -1, exc.stdout or b"", exc.stderr or b""
    bad = p.returncode not in (0, 1, 2) or b"Traceback" in p.stderr or b"internal error" in p.stderr
    return ("crash" if bad else "ok"), p.returncode, p.stdout, p.stderr


def check_batch(folder: Path, n: int, timeout: float, work: Path, audit: bool,
                cached: bool) -> list[tuple[str, str]]:
    """Problems of one batch: (kind, detail); the runs of one format must agree byte for byte."""
    fmt = FORMATS[n % len(FORMATS)]
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "ASYNCAUDIT_CACHE_DIR": str(cache), "NO_COLOR": "1"}
    base = ["check", ".", "--no-libraries", "--format", fmt]
    runs = {
        "j1": base + ["-j", "1", "--no-cache"],
        "j2": base + ["-j", "2", "--no-cache"],
    }
    if cached:  # the facts and run caches, cold then warm, must change nothing
        runs["cold"] = base + ["-j", "1"]
        runs["warm"] = base + ["-j", "1"]
    problems: list[tuple[str, str]] = []
    outputs: dict[str, tuple[int, bytes, bytes]] = {}
    for name, args in runs.items():
        outcome, status, out, err = _cli(args, folder, timeout, env)
        if outcome != "ok":
            problems.append((outcome, f"{name}: status {status}: {err[-400:].decode('utf-8', 'replace')}"))
            continue
        outputs[name] = (status, out, err)
    if len({v for v in outputs.values()}) > 1:
        differing = sorted(k for k in outputs if outputs[k] != outputs.get("j1"))
        problems.append(("nondeterminism", f"format {fmt}: {', '.join(differing)} differ from j1"))
    if audit:
        reports = []
        for k in range(2):
            out = work / f"report{k}.md"
            outcome, status, _, err = _cli(["audit", ".", "--no-libraries", "--no-cache", "--out", str(out),
                                            "--date", "2024-01-01"], folder, timeout, env)
            if outcome != "ok":
                problems.append((outcome, f"audit: status {status}: {err[-400:].decode('utf-8', 'replace')}"))
                break
            reports.append(out.read_bytes() if out.exists() else b"")
        if len(reports) == 2 and reports[0] != reports[1]:
            problems.append(("nondeterminism", "audit reports differ"))
    return problems


def name_culprits(folder: Path, paths: list[Path], timeout: float, out: Path, env: dict[str, str]) -> list[str]:
    """Re-run a failing batch file by file; save and name the programs that fail alone."""
    named = []
    for p in paths:
        outcome, status, _, err = _cli(["check", str(p), "--no-libraries", "--no-cache", "--format", "sarif"],
                                       folder, timeout, env)
        if outcome != "ok":
            out.mkdir(parents=True, exist_ok=True)
            dest = out / f"{len(list(out.iterdir())):04}_{outcome}.py"
            shutil.copyfile(p, dest)
            named.append(f"{dest} ({outcome}, status {status})")
    return named


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--programs", type=int, default=2000, help="programs in all (generated + mutated)")
    ap.add_argument("--generated-share", type=float, default=0.25,
                    help="share of generated programs (each counted twice: as is and wrapped in async def)")
    ap.add_argument("--node-share", type=float, default=0.03, help="share of generated drawn from from_node()")
    ap.add_argument("--batch", type=int, default=1000, help="programs per CLI run (>= 300 exercises workers)")
    ap.add_argument("--corpus", type=Path, action="append", default=[], help="more real files to mutate")
    ap.add_argument("--pool", type=Path, help="JSON-lines file of generated programs to reuse and extend")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300, help="seconds before a CLI run counts as a hang")
    ap.add_argument("--out", type=Path, default=Path("fuzz-failures"), help="where failing programs are saved")
    ap.add_argument("--no-hostile-names", action="store_true", help="plain file names only")
    ap.add_argument("--max-seed-bytes", type=int, default=3_000, help="mutate real files up to this size")
    ap.add_argument("--cache-every", type=int, default=8, help="check the cache cold and warm every Nth batch")
    ap.add_argument("--generate-only", action="store_true", help="fill --pool and stop")
    args = ap.parse_args(argv)
    if args.pool is not None and args.pool.exists() and not args.generate_only:
        # use what the pool holds rather than generating more now (generation is the slow part)
        held = sum(1 for line in args.pool.open(encoding="utf-8", errors="surrogatepass") if line.strip())
        args.generated_share = min(args.generated_share, 2 * held / max(1, args.programs))

    rng = random.Random(args.seed)
    n_gen = int(args.programs * args.generated_share) // 2
    started = time.monotonic()
    gen = generated(n_gen, args.pool, args.seed, args.node_share)
    print(f"{len(gen)} generated programs ready ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    if args.generate_only:
        return 0
    seed_files = seeds(args.corpus, args.max_seed_bytes)
    donors = [p.read_bytes() for p in rng.sample(seed_files, min(len(seed_files), 300))]
    programs: list[bytes] = []
    for src in gen:
        programs.append(src.encode("utf-8", "surrogatepass"))
        programs.append(wrap_async(src, rng).encode("utf-8", "surrogatepass"))
    while len(programs) < args.programs:
        programs.append(mutate(rng.choice(seed_files).read_bytes(), rng, donors))
    rng.shuffle(programs)
    programs = programs[:args.programs]

    tally = Tally()
    # SIGTERM (a deadline, `timeout`) ends the run as Ctrl-C does: the figures for the
    # batches checked completely so far are still printed
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    batches = [programs[i:i + args.batch] for i in range(0, len(programs), args.batch)]
    try:
        _run(args, batches, rng, tally, started, len(programs))
    except KeyboardInterrupt:
        print("stopped early", file=sys.stderr)
    print(json.dumps({"programs": tally.programs, "planned": len(programs), "generated_pool": 2 * len(gen),
                      "batches": tally.batches, "failing_batches": tally.failing_batches,
                      "crashes": tally.counts["crash"], "hangs": tally.counts["hang"],
                      "nondeterministic": tally.counts["nondeterminism"],
                      "seconds": round(time.monotonic() - started)}))
    return 1 if tally.failing_batches else 0


@dataclass
class Tally:
    """What the batches checked completely so far found."""

    programs: int = 0
    batches: int = 0
    failing_batches: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"crash": 0, "hang": 0, "nondeterminism": 0})


def _run(args: argparse.Namespace, batches: list[list[bytes]], rng: random.Random, tally: Tally,
         started: float, total: int) -> None:
    counts = tally.counts
    with tempfile.TemporaryDirectory(prefix="asyncaudit-fuzz-") as tmp:
        work = Path(tmp)
        for n, batch in enumerate(batches):
            folder = work / f"batch{n:05}"
            paths = write_batch(folder, batch, rng, not args.no_hostile_names)
            problems = check_batch(folder, n, args.timeout, work, audit=n % 20 == 0,
                                   cached=n % args.cache_every == 0)
            for kind, detail in problems:
                counts[kind] += 1
                print(f"batch {n}: {kind}: {detail}", file=sys.stderr)
            if problems:
                tally.failing_batches += 1
                env = {**os.environ, "ASYNCAUDIT_CACHE_DIR": str(work / "cache1")}
                for culprit in name_culprits(folder, paths, args.timeout, args.out, env):
                    print(f"  culprit: {culprit}", file=sys.stderr)
            shutil.rmtree(folder, ignore_errors=True)
            tally.programs += len(batch)
            tally.batches += 1
            print(f"{tally.programs}/{total} programs, {time.monotonic() - started:.0f} s: "
                  f"{counts['crash']} crashes, {counts['hang']} hangs, {counts['nondeterminism']} nondeterministic",
                  file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
