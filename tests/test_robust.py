"""Hostile input never crashes, hangs or loses the run (issue 15's table), end to end.

Each test builds the bad input, runs the real CLI (or `analyze`) and checks: an exit
status of 0/1/2 in time, one line per problem on stderr, no traceback, and the finding
of the good file beside it still reported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from asyncaudit import api
from asyncaudit.api import Config, analyze
from asyncaudit.parse import source

GOOD = "import time\n\nasync def ok():\n    time.sleep(1)\n"


def run(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real CLI, as a user runs it (a fresh interpreter: a segfault is an exit status)."""
    return subprocess.run([sys.executable, "-m", "asyncaudit", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, errors="surrogateescape")


def assert_survived(proc: subprocess.CompletedProcess[str], good: str = "good.py") -> None:
    assert proc.returncode in (0, 1, 2), (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr[-2000:]
    assert good in proc.stdout, proc.stdout[-2000:]  # the other file's finding is still there


# ---- deep nesting: no recursion the input controls ------------------------------------

# every statement kind that holds a block, with the nested part in each kind of its bodies
_BLOCKS: list[tuple[str, list[str], list[str]]] = [
    # (name, header lines at this level, lines after the nested body at this level)
    ("if", ["if x:"], []),
    ("else", ["if x:", " pass", "else:"], []),
    ("elif", ["if x:", " pass", "elif y:"], []),
    ("for", ["for i in x:"], []),
    ("for-else", ["for i in x:", " pass", "else:"], []),
    ("while", ["while x:"], []),
    ("with", ["with x as y:"], []),
    ("try", ["try:"], ["except E:", " pass"]),
    ("except", ["try:", " pass", "except E as e:"], []),
    ("try-else", ["try:", " pass", "except E:", " pass", "else:"], []),
    ("finally", ["try:", " pass", "finally:"], []),
    ("def", ["def f():"], []),
    ("async-def", ["async def f():"], []),
    ("class", ["class C:"], []),
    ("async-for", ["async for i in x:"], []),
    ("async-with", ["async with x:"], []),
    ("match", ["match x:", " case 1:"], []),
    ("decorated", ["@d", "def f():"], []),
]


def nested_blocks(kinds: list[str], depth: int) -> str:
    """`async def main():` holding `depth` nested blocks cycling through `kinds`, with a
    blocking `open()` innermost.  Built without recursion; one space per level."""
    table = {name: (head, tail) for name, head, tail in _BLOCKS}
    lines = ["async def main():"]
    tails: list[list[str]] = []
    indent = 1
    for i in range(depth):
        head, tail = table[kinds[i % len(kinds)]]
        lines.extend(" " * indent + h if not h.startswith(" ") else " " * (indent + 1) + h[1:] for h in head)
        tails.append([" " * indent + t if not t.startswith(" ") else " " * (indent + 1) + t[1:] for t in tail])
        indent += 2 if head[-1].startswith(" ") else 1
    lines.append(" " * indent + "open('x')")
    for tail in reversed(tails):
        lines.extend(tail)
    return "\n".join(lines) + "\n"


# every expression kind, nested 10,000 deep inside `async def`, blocking call innermost
_EXPRESSIONS = {
    "paren": lambda n: "(" * n + "open('x')" + ")" * n,
    "list": lambda n: "[" * n + "open('x')" + "]" * n,
    "tuple": lambda n: "(" * n + "open('x')," + ")" * n,
    "set": lambda n: "{" * n + "open('x')" + "}" * n,
    "dict": lambda n: "{1: " * n + "open('x')" + "}" * n,
    "attribute": lambda n: "open('x')" + ".a" * n,
    "call": lambda n: "open('x')" + "()" * n,
    "argument": lambda n: "f(" * n + "open('x')" + ")" * n,
    "keyword": lambda n: "f(a=" * n + "open('x')" + ")" * n,
    "starred": lambda n: "f(*" * n + "open('x')" + ")" * n,
    "subscript": lambda n: "open('x')" + "[0]" * n,
    "index": lambda n: "a[" * n + "open('x')" + "]" * n,
    "slice": lambda n: "a[1:" * n + "open('x')" + "]" * n,
    "binop-left": lambda n: "open('x')" + " + a" * n,
    "binop-right": lambda n: "a - " * n + "open('x')",
    "power": lambda n: "a ** " * n + "open('x')",
    "bitwise": lambda n: "a | b & " * n + "open('x')",
    "unary": lambda n: "-~" * n + "open('x')",
    "not": lambda n: "not " * n + "open('x')",
    "and-or": lambda n: "a and b or " * n + "open('x')",
    "compare": lambda n: "a < " * n + "open('x')",
    "ifexp": lambda n: "a if b else " * n + "open('x')",
    "ifexp-body": lambda n: "(" * n + "open('x')" + " if a else b)" * n,
    "lambda": lambda n: "lambda: " * n + "open('x')",
    "lambda-default": lambda n: "(lambda a=" * n + "open('x')" + ": a)" * n,
    "await": lambda n: "await " * n + "open('x')",
    "walrus": lambda n: "(y := " * n + "open('x')" + ")" * n,
    "listcomp": lambda n: "[x for x in " * n + "open('x')" + "]" * n,
    "setcomp": lambda n: "{x for x in " * n + "open('x')" + "}" * n,
    "dictcomp": lambda n: "{x: x for x in " * n + "open('x')" + "}" * n,
    "genexp": lambda n: "(x for x in " * n + "open('x')" + ")" * n,
    "comp-element": lambda n: "[" * n + "open('x')" + " for x in y]" * n,
    "fstring": lambda n: 'f"{' * n + "open('x')" + '}"' * n,
    "yield": lambda n: "(yield " * n + "open('x')" + ")" * n,
    "strings": lambda n: "'a' " * n + "+ open('x')",
}


def expression_tree(root: Path, depth: int) -> None:
    for name, make in _EXPRESSIONS.items():
        (root / f"expr_{name.replace('-', '_')}.py").write_text(f"async def main():\n    x = {make(depth)}\n")


def _deep_tree(root: Path, fillers: int) -> Path:
    root.mkdir()
    (root / "good.py").write_text(GOOD)
    expression_tree(root, 10_000)
    # statements: as deep as a file within the size limit can nest them (one byte of
    # indentation per level: 10,000 levels would be a 50 MB file, refused unread)
    kinds = [name for name, _, _ in _BLOCKS]
    for name in kinds:
        (root / f"stmt_{name.replace('-', '_')}.py").write_text(nested_blocks([name], 2_000))
    (root / "stmt_mixed_tabs.py").write_text(nested_blocks(kinds, 2_000).replace(" ", "\t"))
    for i in range(fillers):  # enough files for the worker pool
        (root / f"filler_{i:03}.py").write_text(f"def f{i}():\n    return {i}\n")
    return root


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_deep_nesting_of_every_kind_in_cli(tmp_path: Path, jobs: str) -> None:
    """The issue's segfault (an `async def` 1,000 blocks deep, tabs): every statement kind
    as deep as a file can hold, every expression kind 10,000 deep, in one process and in
    workers (`-j 2` with more files than api._PARALLEL_THRESHOLD)."""
    fillers = api._PARALLEL_THRESHOLD + 10 if jobs == "2" else 0
    root = _deep_tree(tmp_path / "deep", fillers)
    proc = run("check", str(root), "--no-cache", "--no-libraries", "-j", jobs)
    assert_survived(proc)
    assert proc.stderr == ""


def test_ten_thousand_nested_statements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """10,000 nested blocks of every kind (a 50 MB file: the size limit is lifted for it),
    in this process and in worker processes."""
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 128 * 1024 * 1024)
    root = tmp_path / "t"
    root.mkdir()
    (root / "good.py").write_text(GOOD)
    (root / "deep.py").write_text(nested_blocks([name for name, _, _ in _BLOCKS], 10_000))
    for jobs in (1, 2):
        if jobs == 2:
            for i in range(api._PARALLEL_THRESHOLD):
                (root / f"filler_{i:03}.py").write_text("x = 1\n")
        result = analyze([root], Config(follow_libraries=False, cache=False, jobs=jobs))
        assert [f.location.path for f in result.findings] == [str(root / "good.py")]
        deep = [d for d in result.diagnostics if d.path.endswith("deep.py")]
        assert len(deep) == 1 and "nesting deeper than 100 indentation levels" in deep[0].message


def test_shallow_part_of_a_deep_file_is_still_analyzed(tmp_path: Path) -> None:
    src = nested_blocks(["if"], 150) + "\nasync def after():\n    open('y')\n"
    (tmp_path / "a.py").write_text(src)
    result = analyze([tmp_path], Config(follow_libraries=False, cache=False))
    assert [f.function for f in result.findings] == ["a.after"]



def test_fix_never_hands_libcst_a_deep_file_even_when_ast_cannot_parse_it(tmp_path: Path) -> None:
    """libcst's native parser segfaults on 3,000 nested brackets.  A file this interpreter
    cannot parse (here: a syntax error, so tree-sitter analyzes it) is measured on the
    fallback's tree: the deep one is not fixed, with one line; the shallow one with syntax
    newer than the running interpreter (PEP 695 on 3.11) is still fixed."""
    deep = "import time\n\nasync def ok():\n    time.sleep(1)\n\nx = " + "(" * 3_000 + "1" + ")" * 3_000 + "\ndef g(:\n"
    (tmp_path / "deep.py").write_text(deep)
    (tmp_path / "newer.py").write_text("import time\n\ntype Alias = int\n\n\nasync def f():\n    time.sleep(1)\n")
    proc = run("check", "--fix", ".", "--no-cache", "--no-libraries", cwd=tmp_path)
    assert proc.returncode in (0, 1, 2), (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert "deep.py:1: warning: no fixes: nested too deeply for libcst; not fixed" in proc.stderr
    assert (tmp_path / "deep.py").read_text() == deep
    assert "await asyncio.sleep(1)" in (tmp_path / "newer.py").read_text()

def test_long_assignment_chain_and_deep_class_hierarchy(tmp_path: Path) -> None:
    """Evaluation follows `a2 = a1`, `a1 = a0`, ... and base classes: 10,000 of them must
    neither raise RecursionError (the whole run lost) nor overflow the C stack."""
    n = 10_000
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "chain.py").write_text("\n".join(
        ["import time", "a0 = time", *(f"a{i + 1} = a{i}" for i in range(n)),
         "async def main():", f"    a{n}.sleep(1)", "    a3.sleep(1)"]) + "\n")
    k = 3_000  # (each class's MRO is stored: 10,000 would be 50 million entries)
    (tmp_path / "classes.py").write_text("\n".join(
        ["import time", "class C0:", "    def m(self):", "        time.sleep(1)",
         *(f"class C{i + 1}(C{i}): pass" for i in range(k)),
         "async def main():", f"    C{k}().m()", "    C3().m()"]) + "\n")
    proc = run("check", str(tmp_path), "--no-cache", "--no-libraries")
    assert_survived(proc)
    assert f"{tmp_path / 'chain.py'}:{n + 5}:5" in proc.stdout  # the shallow end still resolves
    assert f"{tmp_path / 'classes.py'}:{k + 7}:5" in proc.stdout


def test_chain_longer_than_64_calls_is_complete(tmp_path: Path) -> None:
    """A 100-call chain: shown to its real end, the last step naming the real sink."""
    (tmp_path / "a.py").write_text("\n".join(
        ["import time", "def f0():", "    time.sleep(1)", *(f"def f{i + 1}():\n    f{i}()" for i in range(100)),
         "async def main():", "    f100()"]) + "\n")
    result = analyze([tmp_path], Config(follow_libraries=False, cache=False))
    (finding,) = result.findings
    (chain,) = finding.chains
    assert len(chain.hops) == 102
    assert chain.sink == "time.sleep" and chain.hops[-1].target == "time.sleep"
    assert chain.hops[-1].function == "a.f0"


# ---- files that are not regular, or too large --------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_and_device_given_as_paths_and_walked(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD)
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    for args in ([str(tmp_path)], [str(tmp_path / "pipe.py"), str(tmp_path / "zero.py"), str(tmp_path / "good.py")]):
        proc = run("check", *args, "--no-libraries", timeout=60)
        assert_survived(proc)
        problems = [line for line in proc.stdout.splitlines() if ": warning: " in line]
        assert len(problems) == 2 and all("not a regular file" in p for p in problems), proc.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_read_source_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    with pytest.raises(source.SourceError, match="not a regular file"):
        source.read_source(tmp_path / "pipe.py")


def test_huge_sparse_file_is_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD)
    with open(tmp_path / "huge.py", "wb") as fh:
        fh.truncate(8 * 1024 ** 3)  # 8 GiB, sparse: only reading it would cost memory
    proc = run("check", str(tmp_path), "--no-libraries", timeout=60)
    assert_survived(proc)
    assert f"{tmp_path / 'huge.py'}:1: warning: file is 8192.0 MiB, over the 4 MiB limit; skipped\n" in proc.stdout


# ---- file names: bytes on the way in, escaped on the way out ----------------------------

_HOSTILE_NAMES = [b"latin\xff\xfe.py", b"new\nline.py", b"esc\x1b[2J.py", b"back`tick*_x_.py", b"pct%41 sp.py"]


def _hostile_names_tree(root: Path) -> list[bytes]:
    root.mkdir()
    (root / "good.py").write_text(GOOD)
    for name in _HOSTILE_NAMES:
        with open(os.path.join(os.fsencode(root), name), "wb") as fh:
            fh.write(GOOD.encode())
    with open(os.path.join(os.fsencode(root), b"broken\nname.py"), "wb") as fh:
        fh.write(b"def (:\n")
    return _HOSTILE_NAMES


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_any_file_name_in_every_check_format(tmp_path: Path, fmt: str) -> None:
    import json
    from urllib.parse import unquote_to_bytes

    names = _hostile_names_tree(tmp_path / "t")
    proc = run("check", ".", "--no-cache", "--no-libraries", "--format", fmt, cwd=tmp_path / "t")
    assert proc.returncode == 1, proc.stderr
    assert "internal error" not in proc.stderr
    if fmt in ("text", "github"):  # one line per problem: no name splits a line
        lines = proc.stdout.splitlines()
        problems = [ln for ln in lines if ln.startswith(("::", *(n.decode("ascii", "replace")[:3] for n in names)))
                    or ": AA104 " in ln or ": warning: " in ln]
        assert len([ln for ln in problems if "AA104" in ln]) == len(names) + 1
        assert len([ln for ln in lines if "syntax error" in ln]) == 1
        assert all("\x1b" not in ln for ln in lines)
        assert any("latin\\xff\\xfe.py" in ln for ln in lines)
        newline = "new%0Aline.py" if fmt == "github" else "new\\nline.py"  # the runner's own escape there
        assert any(newline in ln for ln in lines)
    if fmt == "sarif":
        doc = json.loads(proc.stdout)
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
        assert all(all(c.isascii() and c.isprintable() and c != " " for c in u) for u in uris)
        assert {unquote_to_bytes(u) for u in uris} == {*names, b"good.py"}  # the real bytes, percent-encoded
        notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        assert [unquote_to_bytes(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
                for n in notes] == [b"broken\nname.py"]
        assert len([ln for ln in proc.stderr.splitlines() if ": warning: " in ln]) == 1  # on one line
    if fmt == "json":
        doc = json.loads(proc.stdout)
        got = {os.fsencode(f["location"]["path"]).rsplit(b"/", 1)[-1] for f in doc["findings"]}
        assert got == {*names, b"good.py"}  # round-trips to the real name


def test_any_file_name_in_the_audit_report(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    _hostile_names_tree(tmp_path / "t")
    for fmt in ("markdown", "json"):
        out = tmp_path / f"report.{fmt}"
        proc = run("audit", ".", "--no-cache", "--no-libraries", "--format", fmt, "--out", str(out),
                   "--date", "2024-01-01", cwd=tmp_path / "t")
        assert proc.returncode == 0, proc.stderr
        text = out.read_text(encoding="utf-8")
    text = (tmp_path / "report.markdown").read_text(encoding="utf-8")
    html = MarkdownIt().render(text)
    assert "<code>back`tick*_x_.py:4</code>" in html  # a backtick in a name cannot end its code span
    assert "<code>new\\nline.py:4</code>" in html and "<code>latin\\xff\\xfe.py:4</code>" in html
    assert "\x1b" not in text


# ---- arguments ------------------------------------------------------------------------

def test_paths_among_options_and_given_twice(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.py").write_text(GOOD)
    (tmp_path / "b.py").write_text(GOOD)
    proc = run("check", "x/a.py", "--no-cache", "--format", "text", "b.py", "--no-libraries", "x/a.py",
               "./b.py", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.count("AA104") == 2
    assert "2 findings in 2 files" in proc.stdout
    # the same folder as `.` and as `../x`: analyzed once
    proc = run("check", ".", "--no-cache", "--no-libraries", "../x", cwd=tmp_path / "x")
    assert proc.returncode == 1 and "1 finding in 1 files" in proc.stdout, proc.stdout


def test_a_folder_or_file_reached_through_a_symlink_is_analyzed_once(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.py").write_text(GOOD)
    os.mkfifo(tmp_path / "x" / "pipe.py")
    (tmp_path / "link").symlink_to("x")
    (tmp_path / "x" / "alias.py").symlink_to("a.py")
    for args in (("x", "link"), ("link", "x/a.py"), ("x/a.py", "link/a.py", "x/alias.py"), ("x/a.py", "link"),
                 ("x", "x/a.py", "x")):
        proc = run("check", *args, "--no-cache", "--no-libraries", cwd=tmp_path)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "1 finding in 1 files" in proc.stdout, (args, proc.stdout)
        assert "claimed by" not in proc.stderr and proc.stderr.count("not a regular file") <= 1, (args, proc.stderr)
    # a FIFO given by name inside a folder given too: its one diagnostic, said once
    proc = run("check", "x", "x/pipe.py", "link/pipe.py", "--no-cache", "--no-libraries", "--format", "json",
               cwd=tmp_path)
    assert proc.returncode == 1 and proc.stderr.count("not a regular file") == 1, proc.stderr


def test_deeply_nested_toml_value_is_one_config_error(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD)

    def nested(depth: int) -> str:
        return "[" * depth + '"x"' + "]" * depth

    for text, status in (
        ("[tool.asyncaudit]\nexclude = " + nested(900) + "\n", 2),  # parsed, then refused by validation
        ("[tool.asyncaudit]\nexclude = " + nested(5_000) + "\n", 2),
        ("[tool.asyncaudit]\nexclude = " + nested(100_000) + "\n", 2),  # deeper than tomllib can parse
        ("[tool.other]\nx = " + nested(900) + "\n[tool.asyncaudit]\n", 1),  # another tool's: fine
        ("[tool.other]\nx = " + nested(100_000) + "\n[tool.asyncaudit]\n", 2),
    ):
        (tmp_path / "pyproject.toml").write_text(text)
        proc = run("check", ".", "--no-cache", "--no-libraries", cwd=tmp_path)
        assert proc.returncode == status, proc.stderr
        assert "internal error" not in proc.stderr
        if status == 2:
            assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("asyncaudit: error: "), proc.stderr
        else:
            assert "good.py" in proc.stdout


# ---- exact positions -----------------------------------------------------------------

def test_form_feed_and_line_separator_do_not_shift_columns_or_evidence(tmp_path: Path) -> None:
    """Python splits lines only at \\n, \\r\\n and \\r: a form feed (in indentation, PEP 8's
    page break) or U+2028 in a string must not move the lines and columns reported."""
    (tmp_path / "a.py").write_text(
        "import time\n\f\n"
        "s = 'a\u2028b\x0bc\x1cd\x85e'  # odd line breaks to str.splitlines\n"
        "async def main():\n"
        "    x = '\u2028'; time.sleep(1)\n"
        "\f    time.sleep(2)\n"
        "    time.sleep(3)  # asyncaudit: ignore[AA104]\n", encoding="utf-8")
    result = analyze([tmp_path], Config(follow_libraries=False, cache=False))
    got = [(f.location.line, f.location.column, f.location.end_column) for f in result.findings]
    assert got == [(5, 14, 27), (6, 6, 19)]  # and the suppression on line 7 applies to line 7
    from asyncaudit.sourcetext import SourceText

    src = SourceText()
    assert [src.segment(f.location) for f in result.findings] == ["time.sleep(1)", "time.sleep(2)"]
    out = tmp_path / "r.md"
    proc = run("audit", str(tmp_path), "--no-cache", "--no-libraries", "--out", str(out), "--date", "2024-01-01")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "time.sleep(1)" in text and "time.sleep(2)" in text
    assert "a.py:5`" in text and "a.py:6`" in text


# ---- a worker that dies loses only its own file ---------------------------------------

@pytest.mark.skipif(sys.platform == "win32" or __import__("multiprocessing").get_start_method() != "fork",
                    reason="the crash is injected into forked workers")
def test_a_dying_worker_is_one_diagnostic_and_the_run_completes(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    real = api._facts_job

    def job(src, cache):  # noqa: ANN001, ANN202
        if src[0].endswith("boom.py"):
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer, or a segfault in C, would
        return real(src, cache)

    monkeypatch.setattr(api, "_facts_job", job)
    for i in range(api._PARALLEL_THRESHOLD + 20):
        (tmp_path / f"m{i:03}.py").write_text(GOOD if i % 50 == 0 else f"x = {i}\n")
    (tmp_path / "boom.py").write_text(GOOD)
    result = analyze([tmp_path], Config(follow_libraries=False, cache=False, jobs=2))
    assert [(Path(d.path).name, d.message) for d in result.diagnostics] == [
        ("boom.py", "analysis crashed (its worker process died); file skipped")]
    assert len(result.findings) == 7  # m000, m050, ... m300: every other file's finding is there
    assert result.stats.files == api._PARALLEL_THRESHOLD + 21
