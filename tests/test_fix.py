"""`check --fix`: golden before/after files per fix shape, safety classes, never-worse guards.

Golden fixtures (flake8-async's `tests/autofix_files` are the model):

    tests/fixtures/autofix/<shape>.py             the code before, with `# FIX: safe|unsafe|none`
                                                  on each finding's boundary line (one word per
                                                  finding there, in column order)
    tests/fixtures/autofix/fixed/<shape>.py       the file after `asyncaudit check --fix`
    tests/fixtures/autofix/fixed/<shape>.py.diff  what `check --fix --diff` prints

Header lines: `# ARGS: --unsafe-fixes` (options for both runs), `# CONFIG: key = value`
(written to [tool.asyncaudit] of a pyproject.toml beside the copy).  `pytest
--generate-autofix` rewrites the golden files from the current code.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import libcst as cst
import pytest

from asyncaudit import cli, fix
from asyncaudit.api import Config, analyze
from asyncaudit.fix import imports, offload, project
from asyncaudit.fix.planner import FilePlanner, PlanOptions, loop_bound
from asyncaudit.rules import ALL_RULES

HERE = Path(__file__).parent
AUTOFIX = HERE / "fixtures" / "autofix"
GOLDEN = AUTOFIX / "fixed"
CASES = sorted(AUTOFIX.glob("*.py"))
SARIF_SCHEMA = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
EXPECT = re.compile(r"#\s*FIX:\s*([a-z, ]+)")


def _header(case: Path) -> tuple[list[str], list[str]]:
    args: list[str] = []
    config: list[str] = []
    for line in case.read_text(encoding="utf-8").splitlines()[:5]:
        if line.startswith("# ARGS:"):
            args += shlex.split(line.split(":", 1)[1])
        elif line.startswith("# CONFIG:"):
            config.append(line.split(":", 1)[1].strip())
    return args, config


def _project(case: Path, tmp_path: Path) -> Path:
    """A copy of the fixture in a project of its own (pyproject.toml with its CONFIG lines)."""
    _, config = _header(case)
    (tmp_path / "pyproject.toml").write_text("[tool.asyncaudit]\n" + "".join(f"{c}\n" for c in config),
                                             encoding="utf-8")
    dest = tmp_path / case.name
    shutil.copyfile(case, dest)
    return dest


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["check", "--no-libraries", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_golden(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                request: pytest.FixtureRequest) -> None:
    monkeypatch.chdir(tmp_path)
    src = _project(case, tmp_path)
    args, _ = _header(case)
    before = src.read_bytes()
    _, diff, _ = _cli("--fix", "--diff", *args, src.name, capsys=capsys)
    assert src.read_bytes() == before, "--diff must not write"
    code, out, err = _cli("--fix", *args, src.name, capsys=capsys)
    assert "Traceback" not in err and code in (0, 1), err
    after = src.read_text(encoding="utf-8")
    if request.config.getoption("--generate-autofix"):
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / case.name).write_text(after, encoding="utf-8")
        (GOLDEN / f"{case.name}.diff").write_text(diff, encoding="utf-8")
    assert after == (GOLDEN / case.name).read_text(encoding="utf-8")
    assert diff == (GOLDEN / f"{case.name}.diff").read_text(encoding="utf-8")
    compile(after, case.name, "exec")
    # --fix twice is --fix once
    _cli("--fix", *args, src.name, capsys=capsys)
    assert src.read_text(encoding="utf-8") == after


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_safety_classes(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    """Each finding's fix class is the one its line expects; every finding is expected."""
    monkeypatch.chdir(tmp_path)
    src = _project(case, tmp_path)
    args, _ = _header(case)
    keep = [a for a in args if a != "--unsafe-fixes"]
    _, out, _ = _cli("--format", "json", *keep, src.name, capsys=capsys)
    got: dict[int, list[str]] = {}
    for f in sorted(json.loads(out)["findings"], key=lambda f: (f["location"]["line"], f["location"]["column"])):
        got.setdefault(f["location"]["line"], []).append(f["fix"]["applicability"])
        assert f["fix"]["applicability"] == "safe" or f["fix"]["reason"], f
    expected = {n: [w.strip() for w in m.group(1).split(",")]
                for n, line in enumerate(case.read_text(encoding="utf-8").splitlines(), 1)
                for m in [EXPECT.search(line)] if m}
    assert got == expected


def test_unsafe_fixes_need_the_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    src = _project(AUTOFIX / "unsafe.py", tmp_path)
    before = src.read_bytes()
    code, out, _ = _cli("--fix", src.name, capsys=capsys)
    assert src.read_bytes() == before and code == 1
    assert "Fixed 0 findings in 0 files; 10 remain:" in out
    assert "unsafe fix not applied (--unsafe-fixes): inside `with lock`" in out
    assert "`cache` is also used by the task started at line 37" in out
    assert "8 more fixable with --unsafe-fixes." in out


def test_summary_gives_the_reason_of_each_unfixed_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    src = _project(AUTOFIX / "unfixable.py", tmp_path)
    code, out, _ = _cli("--fix", "--unsafe-fixes", "--select", "AA1,AA2,AA305", src.name, capsys=capsys)
    summary = out[out.index("Fixed 0 findings"):].splitlines()
    assert summary[0] == "Fixed 0 findings in 0 files; 6 remain:"
    reasons = "\n".join(summary[1:])
    for why in ("in a generator expression",
                "result is a context manager used on the loop", "the opened file is read or written on the loop",
                "the boundary is a `with` on a blocking object (threading.Lock.__enter__), not a call", "f-string `=` specifier", "no automatic fix for this rule"):
        assert why in reasons, why


def test_fix_only_reports_nothing_else_and_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    src = _project(AUTOFIX / "values.py", tmp_path)
    code, out, err = _cli("--fix-only", src.name, capsys=capsys)
    assert code == 0 and out == ""
    assert err.startswith("Fixed 16 findings in 1 file; 0 remain.")
    assert src.read_text(encoding="utf-8") == (GOLDEN / "values.py").read_text(encoding="utf-8")


def test_diff_exit_status_and_diff_alone_is_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    src = _project(AUTOFIX / "sleep.py", tmp_path)
    code, out, err = _cli("--fix", "--diff", src.name, capsys=capsys)
    assert code == 1 and out.startswith("--- sleep.py\n+++ sleep.py\n") and "Would fix 2 findings" in err
    _cli("--fix", src.name, capsys=capsys)
    code, out, err = _cli("--fix", "--diff", src.name, capsys=capsys)
    assert code == 0 and out == ""
    # alone, --diff keeps its earlier meaning (findings on uncommitted changes), with a warning
    code, out, err = _cli("--diff", src.name, capsys=capsys)
    assert code == 2 and "`--diff` without `--fix` is deprecated: use `--changed`" in err  # not a git repo
    assert _cli("--diff", "--since", "HEAD", src.name, capsys=capsys)[0] == 2


def test_text_json_and_sarif_say_whether_and_how(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    src = _project(AUTOFIX / "import_added.py", tmp_path)
    _, out, _ = _cli(src.name, capsys=capsys)
    assert "    fix: replace with `await asyncio.to_thread(read, path)`" in out
    assert out.rstrip().endswith("1 fixable with `--fix`")
    _, out, _ = _cli("--format", "json", src.name, capsys=capsys)
    fix = json.loads(out)["findings"][0]["fix"]
    assert fix["applicability"] == "safe"
    assert [e["text"] for e in fix["edits"]] == ["await asyncio.to_thread(read, path)", "import asyncio\n"]
    _, out, _ = _cli("--format", "sarif", src.name, capsys=capsys)
    data = json.loads(out)
    jsonschema.validate(data, SARIF_SCHEMA)
    (result,) = data["runs"][0]["results"]
    reps = result["fixes"][0]["artifactChanges"][0]["replacements"]
    assert reps[0]["deletedRegion"] == {"startLine": 17, "startColumn": 12, "endLine": 17, "endColumn": 22}
    assert reps[1] == {"deletedRegion": {"startLine": 5, "startColumn": 1, "endLine": 5, "endColumn": 1},
                       "insertedContent": {"text": "import asyncio\n"}}
    # applying the SARIF edits alone gives the golden file
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    call = reps[0]["deletedRegion"]
    row = lines[call["startLine"] - 1]
    lines[call["startLine"] - 1] = (row[:call["startColumn"] - 1] + reps[0]["insertedContent"]["text"]
                                    + row[call["endColumn"] - 1:])
    lines.insert(4, "import asyncio\n")
    assert "".join(lines) == (GOLDEN / "import_added.py").read_text(encoding="utf-8")


def test_end_to_end_real_cli(tmp_path: Path) -> None:
    """The installed entry point, as a subprocess: fixes, then reports what is left."""
    src = _project(AUTOFIX / "unsafe.py", tmp_path)
    shutil.copyfile(AUTOFIX / "statements.py", tmp_path / "statements.py")
    p = subprocess.run([sys.executable, "-m", "asyncaudit", "check", "--fix", "--no-libraries", "."], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert "Fixed 4 findings in 1 file; 10 remain:" in p.stdout
    assert (tmp_path / "statements.py").read_text() == (GOLDEN / "statements.py").read_text()
    assert src.read_text() == (AUTOFIX / "unsafe.py").read_text()
    p = subprocess.run([sys.executable, "-m", "asyncaudit", "check", "--fix", "--unsafe-fixes", "--no-libraries",
                        "--format", "json", "."], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert [f["fix"]["applicability"] for f in json.loads(p.stdout)["findings"]] == ["none", "none"]
    assert "Fixed 8 findings in 1 file (8 unsafe); 2 remain:" in p.stderr


# ---------------------------------------------------------------------- never worse --

def test_a_fix_that_would_not_compile_is_dropped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Break the planner (an awaited fix in a sync callback): the compile guard must drop
    that fix, with a diagnostic, and still apply the good one in the same file."""
    monkeypatch.chdir(tmp_path)
    src = _project(AUTOFIX / "callback.py", tmp_path)
    with open(src, "a", encoding="utf-8") as fh:
        fh.write("\n\nasync def later(path: Path) -> None:\n    write_log(path, 'x')\n")

    def wrong(self, plan, f, call, where, direct):  # noqa: ANN001, ANN202
        off, _ = self._offloader(where.func)
        plan.build, plan.needs = self._offload_builder(off, call, lazy=False, consumed=False)
        return plan

    monkeypatch.setattr(FilePlanner, "_plan_callback", wrong)
    code, out, err = _cli("--fix", src.name, capsys=capsys)
    assert "callback.py:18: warning: fix dropped at 18:5: the result would not compile (SyntaxError: " in err
    text = src.read_text(encoding="utf-8")
    assert '    write_log(path, "tick\\n")  # FIX: unsafe' in text
    assert "    await asyncio.to_thread(write_log, path, 'x')" in text
    compile(text, "callback.py", "exec")
    assert "AA107 no fix: the fix was dropped: the result would not compile" in out


def test_file_libcst_cannot_parse_is_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "broken.py"
    body = "import time\n\n\nasync def f():\n    time.sleep(1)\n\n\ndef g(:\n    pass\n"
    src.write_text(body, encoding="utf-8")
    code, out, err = _cli("--fix", src.name, capsys=capsys)
    assert src.read_text(encoding="utf-8") == body
    assert "broken.py:1: warning: no fixes: libcst cannot parse the file" in err
    assert "AA104 no fix: libcst cannot parse the file" in out


def test_rest_of_file_is_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """CRLF line ends, a latin-1 coding cookie, tabs and trailing spaces all survive."""
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "m.py"
    before = ("# -*- coding: latin-1 -*-\r\n\"\"\"caf\xe9.\"\"\"\r\nimport os   \r\n\r\n\r\n"
              "async def f(p):\r\n\tif os.path.exists(p):  # caf\xe9\r\n\t\treturn 1\r\n").encode("latin-1")
    src.write_bytes(before)
    _cli("--fix", src.name, capsys=capsys)
    after = src.read_bytes()
    assert after == before.replace(b"import os   \r\n", b"import asyncio\r\nimport os   \r\n").replace(
        b"\tif os.path.exists(p):", b"\tif await asyncio.to_thread(os.path.exists, p):")


def test_overlapping_targets_are_fixed_once() -> None:
    """The consumer form of a lazy call and a finding on the consumer itself never both apply."""
    code = ("import os\n\nasync def f(root):\n    return sorted(os.listdir(root))\n")
    module = cst.parse_module(code)
    planner = FilePlanner("m.py", module, PlanOptions())
    from asyncaudit.model import Chain, Finding, Hop, Location, Severity

    def finding(col: int, end: int, sink: str) -> Finding:
        loc = Location("m.py", 4, col, 4, end)
        return Finding("AA108", "blocking-dirwalk", Severity.MEDIUM, loc, "m.f", "x",
                       (Chain("dirwalk", sink, (Hop(loc, "m.f", "x", sink),)),), "", "", "")
    plans = planner.plan([finding(19, 35, "os.listdir"), finding(19, 35, "os.listdir")])
    assert [p.applicability for p in plans] == ["safe", "none"]
    assert plans[1].reason.startswith("overlaps the fix of the finding at 4:19")


# ---------------------------------------------------------------------- offloaders ---

def test_requires_python_below_3_9_uses_the_executor(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.8"\n')
    (tmp_path / ".git").mkdir()
    mod = tmp_path / "pkg" / "m.py"
    mod.parent.mkdir()
    mod.write_text("import time\n\n\nasync def f():\n    open('x', 'w')\n")
    project._project_minor.cache_clear()
    assert project.minimum_minor(str(mod)) == 8
    result = analyze([tmp_path], Config(follow_libraries=False, cache=False))
    run = fix.plan(result.findings)
    assert run.findings[0].fix.description == (
        "replace with `await asyncio.get_running_loop().run_in_executor(None, open, 'x', 'w')`")


@pytest.mark.parametrize(("spec", "minor"), [(">=3.8", 8), (">=3.10,<4", 10), ("~=3.9", None), ("^3.7", 7)])
def test_lowest_declared_python(spec: str, minor: int | None) -> None:
    assert project._lowest(spec) == minor


def test_fix_offloader_config_is_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.asyncaudit]\nfix-offloader = "threads"\n')
    (tmp_path / "m.py").write_text("")
    code, _, err = _cli("m.py", capsys=capsys)
    assert code == 2
    assert "fix-offloader: expected one of auto, asyncio, executor, anyio, trio, hass, got 'threads'" in err


def test_hass_offloader_without_hass_in_scope_is_no_fix() -> None:
    code = "import time\n\n\nasync def f():\n    time.sleep(1)\n"
    module = cst.parse_module(code)
    from asyncaudit.model import Chain, Finding, Hop, Location, Severity

    loc = Location("m.py", 5, 5, 5, 18)
    f = Finding("AA104", "blocking-sleep", Severity.HIGH, loc, "m.f", "time.sleep",
                (Chain("sleep", "time.sleep", (Hop(loc, "m.f", "time.sleep", "time.sleep"),)),), "", "", "")
    (p,) = FilePlanner("m.py", module, PlanOptions(offloader="hass")).plan([f])
    assert p.applicability == "none" and "no `hass`" in p.reason


@pytest.mark.parametrize(("code", "why"), [
    ("from homeassistant.core import callback\n@callback\ndef f(p):\n    return p.read_text()\n",
     "is a Home Assistant `@callback`"),
    ("def f(loop, p):\n    loop.call_later(1, print)\n", "calls `loop.call_later()` (line 2)"),
    ("import homeassistant.core\ndef f(self):\n    self.async_write_ha_state()\n",
     "calls `self.async_write_ha_state()` (line 3)"),
    ("def f(engine):\n    return async_sessionmaker(engine)\n", None),  # the convention is Home Assistant's
    ("def f(loop, p):\n    loop.call_soon_threadsafe(print)\n", None),  # made for worker threads
    ("def callback(f):\n    return f\n@callback\ndef f(p):\n    return p.read_text()\n", None),  # no HA here
    ("import asyncio\ndef f(p):\n    try:\n        asyncio.get_running_loop()\n    except RuntimeError:\n"
     "        return asyncio.run(g(p))\n    return p.read_text()\n", None),  # a probe, not a use of the loop
    ("def f(hass):\n    def later():\n        hass.async_create_task(g())\n    return later\n", None),
])
def test_loop_bound_callees(code: str, why: str | None) -> None:
    tree = ast.parse(code)
    line = next(n.lineno for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "f")
    assert loop_bound(tree, line) == why


@pytest.mark.parametrize(("before", "after"), [
    ('"""d."""\n\nimport os\n', '"""d."""\n\nimport asyncio\nimport os\n'),
    ("import abc\nimport ast\n\nimport yaml\n", "import abc\nimport ast\nimport asyncio\n\nimport yaml\n"),
    ("from pathlib import Path\n", "import asyncio\nfrom pathlib import Path\n"),
    ("# header\nimport yaml\n", "# header\nimport asyncio\n\nimport yaml\n"),
    ('"""d."""\ndef f(): pass\n', '"""d."""\n\nimport asyncio\n\ndef f(): pass\n'),
    ("from __future__ import annotations\nx = 1\n", "from __future__ import annotations\n\nimport asyncio\n\nx = 1\n"),
    ("import sys\nif TYPE_CHECKING:\n    import asyncio\n", "import asyncio\nimport sys\nif TYPE_CHECKING:\n    import asyncio\n"),
])
def test_import_placement(before: str, after: str) -> None:
    assert imports.add_import(cst.parse_module(before), "asyncio").code == after


def test_type_checking_imports_bind_nothing() -> None:
    module = cst.parse_module("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import asyncio\n")
    assert offload.Bindings(module).spell("asyncio.to_thread") == ("asyncio.to_thread", "asyncio")


# ---------------------------------------------------------------------- docs ---------

@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_every_rule_documents_its_fix_safety(rule) -> None:  # noqa: ANN001
    assert "## Fix safety" in rule.doc


def test_golden_files_compile_before_and_after() -> None:
    for case in CASES:
        ast.parse(case.read_text(encoding="utf-8"))
        ast.parse((GOLDEN / case.name).read_text(encoding="utf-8"))
    assert {p.name for p in GOLDEN.glob("*.py")} == {c.name for c in CASES}


def test_summary_lists_unfixed_findings_that_are_no_longer_reported() -> None:
    """After a fix, the analysis may lose a value's type (`r = await asyncio.to_thread(
    requests.get, url, stream=True)`): what it found on `r` still blocks, and is listed."""
    from asyncaudit.fix.report import summary
    from asyncaudit.model import Finding, Location, Severity

    def finding(line: int, callee: str) -> Finding:
        return Finding("AA101", "blocking-network", Severity.HIGH, Location("s.py", line, 5, line, 20), "s.f",
                       callee, (), "", "", "")

    class Run:  # the parts of a FixRun that summary reads
        applied = [type("P", (), {"finding": finding(5, "requests.get"), "applicability": "safe"})()]
        outcomes = [type("O", (), {"changed": True})()]

    text = summary(Run(), [], unsafe=False, before=[finding(5, "requests.get"), finding(6, "r.iter_content")])
    assert text.splitlines() == [
        "Fixed 1 finding in 1 file; 0 remain.",
        "1 unfixed finding is no longer reported (a value now passes through an offloader the analysis does "
        "not follow); still blocking:",
        "  s.py:6:5: AA101 `r.iter_content` (line before fixing)",
    ]
