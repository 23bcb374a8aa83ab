"""Every renderer in process, from a hand-built `AnalysisResult` (or `Audit`): what each
output format promises (README "Usage", the module docstrings of `report/*`)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from builders import chain, compliant, finding, hop, loc, result

from asyncaudit import audit
from asyncaudit.model import AnalysisResult, Diagnostic, Hop, Location, Severity, Stats
from asyncaudit.report import FORMATTERS, github, json_format, markdown, sarif, text

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding the files the findings point into."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "api.py").write_text(
        "import time\n\n\nasync def handle(path):\n    cfg = load_config(path)\n    time.sleep(1)\n"
        "    return cfg\n", encoding="utf-8")
    (tmp_path / "app" / "config.py").write_text(
        "def load_config(path):\n    if path.exists():\n        pass\n    with open(path) as fh:\n"
        "        return fh.read()\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _result(tree: Path) -> AnalysisResult:
    api, cfg = tree / "app" / "api.py", tree / "app" / "config.py"
    boundary = Hop(Location(str(api), 5, 11, 5, 28), "app.api.handle", "load_config", "app.config.load_config")
    opened = chain("file", boundary, hop(cfg, 4, "app.config.load_config", "open", "builtins.open", col=10),
                   severity=Severity.HIGH, reason="file read/write (base Medium), on a request path `handle` +1")
    exists = chain("fsmeta", boundary, hop(cfg, 2, "app.config.load_config", "path.exists", "pathlib.Path.exists",
                                           col=8), severity=Severity.MEDIUM)
    f1 = finding(opened, exists, message="`load_config` blocks the event loop in async function `handle`",
                 recommendation="offload it here")
    slept = chain("sleep", hop(api, 6, "app.api.handle", "time.sleep", "time.sleep"), severity=Severity.CRITICAL)
    f2 = finding(slept, message="blocking call `time.sleep` (sleep) in async function `handle`",
                 recommendation="use await asyncio.sleep(...) instead")
    f3 = finding(code="AA305", function="app.api.handle", location=loc(api, 7, 5), severity=Severity.MEDIUM,
                 callee="asyncio.create_task", message="the task is dropped", recommendation="keep it")
    r = result([f1, f2, f3], [compliant(api, 7, "app.api.handle", "offloaded:asyncio.to_thread")], files=2)
    r.stats = Stats(files=2, project_modules=3, functions=4, async_functions=1, loop_callbacks=0,
                    reached_functions=2, call_sites=8, resolved_call_sites=6)
    r.diagnostics = [Diagnostic(str(tree / "app" / "broken.py"), 3, "syntax error: invalid syntax")]
    r.defs = {"app.api.handle": (str(api), 4), "app.config.load_config": (str(cfg), 1)}
    return r


# ---- text -------------------------------------------------------------------------------------

def test_text_report(tree: Path) -> None:
    out = text.render(_result(tree))
    assert out == (
        "app/broken.py:3: warning: syntax error: invalid syntax\n"
        "app/api.py:5:11: AA107 [High] `load_config` blocks the event loop in async function `handle`\n"
        "    chain (file):\n"
        "      app/api.py:5:11     handle -> load_config\n"
        "      app/config.py:4:10  load_config -> open  [builtins.open]\n"
        "    chain (fsmeta):\n"
        "      app/api.py:5:11    handle -> load_config\n"
        "      app/config.py:2:8  load_config -> path.exists  [pathlib.Path.exists]\n"
        "    help: offload it here\n"
        "app/api.py:6:5: AA104 [Critical] blocking call `time.sleep` (sleep) in async function `handle`\n"
        "    help: use await asyncio.sleep(...) instead\n"
        "app/api.py:7:5: AA305 [Medium] the task is dropped\n"
        "    help: keep it\n"
        "\n"
        "3 findings in 2 files (1 async functions, 0 loop callbacks; 6/8 call sites on event-loop paths "
        "resolved, 75.0%)\n")


def test_text_report_without_findings() -> None:
    out = text.render(AnalysisResult(stats=Stats(files=1)))
    assert out == ("\n0 findings in 1 files (0 async functions, 0 loop callbacks; 0/0 call sites on event-loop "
                   "paths resolved, 100.0%)\n")


def test_text_paths_outside_the_working_directory_stay_absolute(tree: Path) -> None:
    f = finding(chain("sleep", hop("/elsewhere/x.py", 3, "x.f", "time.sleep", "time.sleep")))
    assert text.render(result([f])).startswith("/elsewhere/x.py:3:5: AA104 [High]")


# ---- json -------------------------------------------------------------------------------------

def test_json_report(tree: Path) -> None:
    r = _result(tree)
    data = json.loads(json_format.render(r))
    assert data["version"] == 1 and data["tool"]["name"] == "asyncaudit"
    assert list(data) == ["version", "tool", "findings", "compliant", "diagnostics", "stats"]
    first = data["findings"][0]
    assert {k: first[k] for k in ("code", "rule", "severity", "function", "context", "callee")} == {
        "code": "AA107", "rule": "blocking-file", "severity": "High", "function": "app.api.handle",
        "context": "async", "callee": "load_config"}
    assert first["location"] == {"path": str(tree / "app" / "api.py"), "line": 5, "column": 11, "end_line": 5,
                                 "end_column": 28}
    assert first["reason"] == "file read/write (base Medium), on a request path `handle` +1"
    assert [c["category"] for c in first["chains"]] == ["file", "fsmeta"]
    assert [(h["function"], h["callee"], h["target"]) for h in first["chains"][0]["hops"]] == [
        ("app.api.handle", "load_config", "app.config.load_config"),
        ("app.config.load_config", "open", "builtins.open")]
    assert first["chains"][0]["sink"] == "builtins.open"
    assert data["findings"][2]["chains"] == [] and data["findings"][2]["code"] == "AA305"
    assert data["compliant"] == [{"location": {"path": str(tree / "app" / "api.py"), "line": 7, "column": 5,
                                               "end_line": 7, "end_column": 15},
                                  "function": "app.api.handle", "callee": "asyncio.to_thread",
                                  "how": "offloaded:asyncio.to_thread"}]
    assert data["diagnostics"] == [{"path": str(tree / "app" / "broken.py"), "line": 3,
                                    "message": "syntax error: invalid syntax"}]
    assert data["stats"]["resolved_share"] == 0.75 and data["stats"]["files"] == 2
    assert json_format.render(r) == json_format.render(r)


# ---- sarif ------------------------------------------------------------------------------------

def test_sarif_report(tree: Path) -> None:
    data = json.loads(sarif.render(_result(tree)))
    jsonschema.validate(data, SARIF_SCHEMA)
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["AA107", "AA104", "AA305"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert [r["level"] for r in results] == ["error", "error", "warning"]  # High, Critical, Medium
    assert results[0]["message"]["text"] == "`load_config` blocks the event loop in async function `handle`. " \
                                            "offload it here"
    region = results[0]["locations"][0]["physicalLocation"]
    assert region["artifactLocation"] == {"uri": "app/api.py", "uriBaseId": "%SRCROOT%"}
    assert region["region"] == {"startLine": 5, "startColumn": 11, "endLine": 5, "endColumn": 28}
    # one codeFlow per chain, one location per hop, nested by depth
    flows = results[0]["codeFlows"]
    assert len(flows) == 2
    steps = flows[0]["threadFlows"][0]["locations"]
    assert [s["nestingLevel"] for s in steps] == [0, 1]
    assert steps[1]["location"]["message"]["text"] == "load_config calls open"
    assert steps[1]["location"]["physicalLocation"]["artifactLocation"]["uri"] == "app/config.py"
    assert "codeFlows" not in results[2]  # no chain, no flow
    assert results[0]["properties"]["categories"] == ["file", "fsmeta"]
    assert len({r["partialFingerprints"]["asyncaudit/v1"] for r in results}) == 3
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == ["syntax error: invalid syntax"]


def test_sarif_levels_by_severity(tree: Path) -> None:
    levels = {}
    for sev in Severity:
        f = finding(chain("sleep", hop(tree / "app" / "api.py", 6, "app.api.handle", "time.sleep", "time.sleep"),
                          severity=sev))
        levels[sev.label] = json.loads(sarif.render(result([f])))["runs"][0]["results"][0]["level"]
    assert levels == {"Low": "note", "Medium": "warning", "High": "error", "Critical": "error"}


# ---- github -----------------------------------------------------------------------------------

def test_github_annotations(tree: Path) -> None:
    lines = github.render(_result(tree)).splitlines()
    assert lines[0] == ("::error file=app/api.py,line=5,col=11,endLine=5,endColumn=28,title=AA107 blocking-file::"
                        "`load_config` blocks the event loop in async function `handle`%0Achain: load_config -> "
                        "open. offload it here")
    assert lines[1].startswith("::error file=app/api.py,line=6,col=5,")  # Critical
    assert lines[2].startswith("::warning file=app/api.py,line=7,col=5,")  # Medium
    assert lines[3] == "::warning file=app/broken.py,line=3::syntax error: invalid syntax"
    assert len(lines) == 4


def test_github_escaping_and_notice_level(tree: Path) -> None:
    f = finding(chain("fsmeta", hop(tree / "app" / "a,b:c.py", 2, "m.f", "p.exists", "pathlib.Path.exists")),
                message="100% of\nit", recommendation="r")
    line = github.render(result([f]))
    assert line.startswith("::notice file=app/a%2Cb%3Ac.py,line=2,")  # Low; properties escape , and :
    assert line.endswith("::100%25 of%0Ait. r\n")  # messages escape % and newlines only
    assert github.render(AnalysisResult()) == ""


def test_every_format_is_registered() -> None:
    assert set(FORMATTERS) == {"text", "json", "sarif", "github"}


# ---- markdown audit ---------------------------------------------------------------------------

def _audit(tree: Path) -> audit.Audit:
    r = _result(tree)
    return audit.build(r, root=tree, date="2026-03-01", defs=r.defs)


def test_markdown_audit_report(tree: Path) -> None:
    a = _audit(tree)
    out = markdown.render(a, tree)
    head, front, body = out.split("---\n", 2)
    assert head == ""
    fm = yaml.safe_load(front)
    assert fm == {"standard": "async-first-design", "category": "python", "score": a.score, "importance": "High",
                  "violations_count": 2, "date": datetime.date(2026, 3, 1), "status": "violations-found"}
    assert list(fm) == ["standard", "category", "score", "importance", "violations_count", "date", "status"]
    assert body.startswith("\n# Standards Audit: Async-First Design\n")
    assert f"**Score:** {a.score}/100  \n" in body
    for section in ("## Summary", "## Violations", "## Compliant Examples", "## Scoring Rationale"):
        assert f"\n{section}\n" in body
    # the blocking sites of one async function are one violation, listing both sites
    assert ("### Violation 1: Synchronous file read/write, filesystem metadata and sleep inside async `handle`\n"
            in body)
    assert "- **Severity:** Critical — " in body  # the worst site's severity
    assert "- **File:** `app/api.py:5`" in body
    assert "- **Sites (2):**" in body
    assert "  - `app/api.py:5` AA107 [High] in `handle`: `load_config` → `builtins.open`, `pathlib.Path.exists`" \
        in body
    assert "  - `app/api.py:6` AA104 [Critical] in `handle`: `time.sleep` → `time.sleep`" in body
    assert "### Violation 2: Tasks created and dropped (1 site in api.py)" in body
    assert "- **Site:** AA305 in `handle`: `asyncio.create_task`" in body
    # evidence: each function's def line and the lines of its hops, one block per file
    assert ("  ```python\n  async def handle(path):\n      cfg = load_config(path)\n      time.sleep(1)\n  ```\n"
            "  ```python\n  def load_config(path):\n      if path.exists():\n      ...\n      with open(path) as fh:\n"
            "  ```\n") in body
    assert ("- **Recommendation:** At the boundary: `await asyncio.to_thread(load_config, path)` (api.py:5); "
            "`await asyncio.sleep(...)` instead of `time.sleep` (api.py:6). Better, make `load_config` async") in body
    assert "- `app/api.py:7` — `handle` offloads `a blocking call` with `asyncio.to_thread`." in body
    assert body.count("```") % 2 == 0
    assert f"- **Coverage:** {a.coverage}" in body and f"- **Risk:** {a.risk}" in body
    data = json.loads(body.rsplit("<!-- asyncaudit-data: ", 1)[1].split(" -->")[0])
    assert data == a.data and data["score"] == a.score
    assert "## Trend" not in body  # no previous report


def test_markdown_trend_section_and_test_code_note(tree: Path) -> None:
    a = _audit(tree)
    a.trend = audit.Trend("Since the previous audit: 1 violation fixed.", "audits/old.md",
                          [{"id": "x", "title": "Old problem"}], ["New problem"], [])
    a.excluded_test_findings = 2
    out = markdown.render(a, tree)
    assert ("## Trend\n\n- **Fixed (1):**\n  - Old problem\n- **New (1):**\n  - New problem\n"
            "- **Still open (0):** none\n") in out
    assert "_Test code is not audited: 2 findings in test files are left out" in out


def test_markdown_not_applicable(tree: Path) -> None:
    a = audit.build(result([], [], async_functions=0), root=tree, date="2026-03-01")
    out = markdown.render(a, tree)
    fm = yaml.safe_load(out.split("---\n", 2)[1])
    assert (fm["score"], fm["status"], fm["violations_count"]) == ("n/a", "not-applicable", 0)
    assert "## Violations\n\nNone.\n" in out
    assert "- None found: no offloaded call" in out


def test_markdown_as_dict(tree: Path) -> None:
    a = _audit(tree)
    d = markdown.as_dict(a, tree)
    assert d["score"] == a.score and d["violations_count"] == 2
    v = d["violations"][0]
    assert v["file"] == "app/api.py:5"
    assert [(s["path"], s["line"], s["code"], s["sinks"]) for s in v["sites"]] == [
        ("app/api.py", 5, "AA107", ["builtins.open", "pathlib.Path.exists"]),
        ("app/api.py", 6, "AA104", ["time.sleep"])]
    assert d["scoring_rationale"]["coverage"] == a.coverage
    assert d["trend"]["previous"] is None
