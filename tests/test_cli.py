"""End-to-end: the real CLI, as a subprocess, on the workspace fixture."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

HERE = Path(__file__).parent
WORKSPACE = HERE / "fixtures" / "projects" / "workspace"
SARIF_SCHEMA = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def run(*args: str, cwd: Path = WORKSPACE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "asyncaudit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_text_output_shows_chain_and_exit_1() -> None:
    p = run("check", ".")
    assert p.returncode == 1, p.stderr
    assert "services/api/src/api/app.py:12:11: AA107 [High]" in p.stdout
    assert "handle -> load_config" in p.stdout
    assert "load_config -> open  [builtins.open]" in p.stdout
    assert "Traceback" not in p.stderr


def test_json_output_schema_fields() -> None:
    p = run("check", ".", "--format", "json")
    data = json.loads(p.stdout)
    assert data["version"] == 1
    f = next(f for f in data["findings"] if f["location"]["path"].endswith("app.py"))
    assert set(f) >= {"code", "severity", "message", "location", "function", "chains", "recommendation"}
    hops = f["chains"][0]["hops"]
    assert hops[0]["location"]["path"].endswith("app.py")
    assert hops[-1]["target"] == f["chains"][0]["sink"]
    assert data["stats"]["call_sites"] >= data["stats"]["resolved_call_sites"] > 0


def test_sarif_valid_against_official_schema(tmp_path: Path) -> None:
    p = run("check", ".", "--format", "sarif")
    data = json.loads(p.stdout)
    jsonschema.validate(data, SARIF_SCHEMA)
    results = data["runs"][0]["results"]
    assert results and all(r["codeFlows"] for r in results)  # every blocking finding has its chain
    rules = data["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    # code scanning matches results across runs with the baseline's fingerprints
    baseline = tmp_path / "baseline.json"
    assert run("check", ".", "--write-baseline", str(baseline)).returncode == 0
    expected = {e["fingerprint"] for e in json.loads(baseline.read_text())["findings"]}
    assert {r["partialFingerprints"]["asyncaudit/v1"] for r in results} == expected
    # rules without chains (AA3xx) too
    standard = [str(HERE / "fixtures" / "rules" / f"AA30{i}.py") for i in range(1, 7)]
    data = json.loads(run("check", *standard, "--select", "AA3", "--format", "sarif").stdout)
    jsonschema.validate(data, SARIF_SCHEMA)
    assert {r["ruleId"] for r in data["runs"][0]["results"]} == {f"AA30{i}" for i in range(1, 7)}


def test_select_ignore_and_fail_on() -> None:
    only_sleep = json.loads(run("check", ".", "--format", "json", "--select", "AA104").stdout)
    assert {f["code"] for f in only_sleep["findings"]} == {"AA104"}
    no_files = json.loads(run("check", ".", "--format", "json", "--ignore", "AA107").stdout)
    assert "AA107" not in {f["code"] for f in no_files["findings"]}
    assert run("check", ".", "--select", "AA107", "--fail-on", "critical").returncode == 0
    assert run("check", ".", "--select", "AA107", "--fail-on", "high").returncode == 1


def test_exclude_and_clean_exit() -> None:
    p = run("check", ".", "--exclude", "services", "--exclude", "scripts")
    assert p.returncode == 0, p.stdout


def test_usage_error_exit_2() -> None:
    assert run("check", "--fail-on", "bogus").returncode == 2
    assert run("explain", "ZZ999").returncode == 2
    missing = run("check", "no/such/dir")
    assert missing.returncode == 2 and missing.stderr == "asyncaudit: error: no/such/dir: no such file or directory\n"


def test_output_is_deterministic_parallel_or_not(tmp_path: Path) -> None:
    # above the parallel threshold (300 files), so -j 2 really uses worker processes
    pkg = tmp_path / "big" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    for i in range(320):
        (pkg / f"m{i}.py").write_text(
            f"from pkg.m{(i + 1) % 320} import helper{(i + 1) % 320}\n"
            "from pathlib import Path\n\n\n"
            f"def helper{i}(p: Path) -> str:\n    return p.read_text()\n\n\n"
            f"async def handler{i}(p: Path) -> str:\n    return helper{(i + 1) % 320}(p)\n"
        )
    big = tmp_path / "big"
    a = run("check", ".", "--format", "json", "--no-cache", "-j", "2", cwd=big)
    b = run("check", ".", "--format", "json", "--no-cache", "-j", "1", cwd=big)
    assert a.returncode == b.returncode == 1
    assert len(json.loads(a.stdout)["findings"]) == 320
    assert a.stdout == b.stdout


def test_python_m_and_rules() -> None:
    p = run("rules")
    assert p.returncode == 0 and "AA201" in p.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_output_file(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    p = run("check", ".", "--format", fmt, "-o", str(out))
    assert p.returncode == 1 and out.read_text(encoding="utf-8")


def test_cache_warm_run_same_output_and_no_cache(tmp_path: Path) -> None:
    import os

    env_dir = Path(os.environ["ASYNCAUDIT_CACHE_DIR"])
    cold = run("check", ".", "--format", "json").stdout
    assert (env_dir / "CACHEDIR.TAG").is_file() and any((env_dir / "facts").rglob("*"))
    warm = run("check", ".", "--format", "json").stdout
    assert cold == warm == run("check", ".", "--format", "json", "--no-cache").stdout
    assert not (WORKSPACE / ".asyncaudit_cache").exists()


_TRACE = '''import time
from pathlib import Path


def trace(msg: str) -> None:
    with open("/tmp/trace.log", "a") as fh:
        fh.write(msg)


def log(msg: str) -> None:
    trace(msg)


async def a() -> None:
    log("a")


async def b() -> None:
    log("b")


async def c() -> None:
    trace("c")


async def d() -> None:
    time.sleep(1)


async def e() -> None:
    Path("x").exists()
'''


def test_statistics_and_the_line_behind_many_findings(tmp_path: Path) -> None:
    (tmp_path / "svc.py").write_text(_TRACE, encoding="utf-8")
    p = run("check", ".", "--statistics", "--no-cache", cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    lines = p.stdout.splitlines()
    assert lines[:3] == ["3  AA107  blocking-file", "1  AA104  blocking-sleep", "1  AA109  blocking-fsmeta"]
    assert "3  builtins.open" in lines and "1  time.sleep" in lines
    assert not any(line.startswith("svc.py:") for line in lines)  # counts, not findings
    # a, b and c all reach the open inside `trace` (line 6): one suppression there covers them
    note = "note: 3 of 5 findings reach `builtins.open` through `trace`: " \
           "one `# asyncaudit: ignore` at svc.py:6 would cover them all"
    assert note in lines
    text = run("check", ".", "--no-cache", cwd=tmp_path).stdout
    assert note in text.splitlines()
    # and it does: the suggested suppression silences exactly those findings
    (tmp_path / "svc.py").write_text(_TRACE.replace('"a") as fh:', '"a") as fh:  # asyncaudit: ignore'),
                                     encoding="utf-8")
    after = run("check", ".", "--statistics", "--no-cache", cwd=tmp_path).stdout
    assert "AA107" not in after and "note:" not in after
