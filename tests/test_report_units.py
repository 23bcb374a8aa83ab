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
    assert list(data) == ["version", "tool", "findings", "compliant", "diagnostics", "stats", "environment"]
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
    assert "  - `app/api.py:5` AA107 \\[High\\] in `handle`: `load_config` → `builtins.open`, `pathlib.Path.exists`" \
        in body
    assert "  - `app/api.py:6` AA104 \\[Critical\\] in `handle`: `time.sleep` → `time.sleep`" in body
    assert "### Violation 2: Tasks created and dropped (1 site in `app/api.py`)" in body
    assert "- **Site:** `app/api.py:7` AA305 \\[Medium\\] in `handle`: `asyncio.create_task`" in body
    # evidence: each function's def line and the lines of its hops, one block per file
    assert ("  ```python\n  async def handle(path):\n      cfg = load_config(path)\n      time.sleep(1)\n  ```\n"
            "  ```python\n  def load_config(path):\n      if path.exists():\n      ...\n      with open(path) as fh:\n"
            "  ```\n") in body
    assert ("- **Recommendation:** At the boundary: `await asyncio.to_thread(load_config, path)` (`app/api.py:5`); "
            "use `asyncio.sleep` instead of `time.sleep` (`app/api.py:6`). Better, make `load_config` async"
            ) in body  # (the builders' span of the sleep call stops short of its `)`: not parsed, so not quoted)
    # line 7 is no offloading call: the example says what it knows, no placeholder
    assert "- `app/api.py:7` — `handle` runs its blocking work off the event loop with `asyncio.to_thread`." in body
    assert body.count("```") % 2 == 0
    assert f"- **Coverage:** {markdown.inline(a.coverage)}" in body and f"- **Risk:** {a.risk}" in body
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


# ---- markdown: escaping, links, contents ---------------------------------------------------------

def _html(md: str) -> str:
    from markdown_it import MarkdownIt

    body = md.split("---\n", 2)[2] if md.startswith("---\n") else md
    return MarkdownIt("commonmark").enable("table").render(body)


@pytest.mark.parametrize(("name", "expected"), [
    ("__init__.py:224", "`__init__.py:224`"),
    ("a`b", "``a`b``"),
    ("`x`", "`` `x` ``"),
    ("line\nbreak", "`line\\nbreak`"),
    ("bad\udcffbyte", "`bad\\xffbyte`"),
])
def test_code_span_shows_any_name_literally(name: str, expected: str) -> None:
    assert markdown.code_span(name) == expected


def test_inline_escapes_prose_and_keeps_code_spans() -> None:
    text = "loop at __init__.py:70 +1, in `__init__` [High] <b> *x* a|b ``un`closed"
    out = markdown.inline(text)
    assert out.startswith("loop at \\_\\_init\\_\\_.py:70 +1, in `__init__` \\[High\\] \\<b\\> \\*x\\* a\\|b ")
    html = _html(out)
    assert "<strong>" not in html and "<em>" not in html and "<b>" not in html
    assert "__init__.py:70" in html and "<code>__init__</code>" in html and "[High]" in html
    assert markdown.code_paths("loop at __init__.py:70 +1, in `x.py:3`") == "loop at `__init__.py:70` +1, in `x.py:3`"


def test_links_relative_to_the_report_and_to_a_web_host(tmp_path: Path) -> None:
    src = tmp_path / "proj" / "pkg" / "my file.py"
    rel = markdown.Links.relative(tmp_path / "audits" / "2026-03-01")
    assert rel.href(str(src), 12) == "../../proj/pkg/my%20file.py#L12"
    web = markdown.Links.web("https://github.com/o/r/blob/abc123", tmp_path / "proj")
    assert web.href(str(src), 3) == "https://github.com/o/r/blob/abc123/pkg/my%20file.py#L3"
    assert markdown.Links.web("https://h/x/", tmp_path).href(str(tmp_path / "a(b).py"), 1) == "https://h/x/a%28b%29.py#L1"
    (tmp_path / "proj" / ".git").mkdir(parents=True)
    assert markdown.repository_root(tmp_path / "proj" / "pkg") == (tmp_path / "proj").absolute()
    assert markdown.repository_root(tmp_path / "elsewhere") == (tmp_path / "elsewhere").absolute()


def _dunder_audit(tree: Path) -> audit.Audit:
    pkg = tree / "app" / "__init__.py"
    pkg.write_text("import os\n\n\nasync def __aenter__(self):\n    os.stat(p)\n", encoding="utf-8")
    f = finding(chain("fsmeta", Hop(Location(str(pkg), 5, 5, 5, 15), "app.Pool.__aenter__", "os.stat", "os.stat"),
                      severity=Severity.CRITICAL, reason="fsmeta (base Low), repeated per item (loop at __init__.py:5) +1"))
    r = result([f, *_result(tree).findings], _result(tree).compliant, files=3)
    r.defs = {"app.Pool.__aenter__": (str(pkg), 4), **_result(tree).defs}
    return audit.build(r, root=tree, date="2026-03-01", defs=r.defs)


def test_markdown_report_renders_without_stray_emphasis(tree: Path) -> None:
    """`(__init__.py:224)` rendered bold "init.py" in the HA report: every path and name is a
    code span, all other text escaped."""
    a = _dunder_audit(tree)
    out = markdown.render(a, tree, markdown.Links.relative(tree / "audits"))
    html = _html(out)
    labels = {"Standard:", "Date:", "Score:", "Importance:", "Contents:", "File:", "Severity:", "Site:",
              "Sites (2):", "Evidence:", "Recommendation:", "Coverage:", "Trend:", "Risk:"}
    import re

    assert set(re.findall(r"<strong>(.*?)</strong>", html)) <= labels
    assert "<em>" not in html
    assert "<code>Pool.__aenter__</code>" in html and "<code>app/__init__.py:5</code>" in html
    assert "(loop at <code>__init__.py:5</code>)" in html
    # outside code spans, fences, links and the data comment, no `_` or `*` is left unescaped
    prose = re.sub(r"```.*?```|<!--.*?-->|`[^`]*`|\]\([^)]*\)|\*\*[A-Z][\w ()0-9]*:\*\*", "",
                   out.split("---\n", 2)[2], flags=re.S)
    assert not re.findall(r"(?<!\\)[_*]", prose)


def test_markdown_contents_summary_table_and_site_links(tree: Path) -> None:
    a = _audit(tree)
    out = markdown.render(a, tree, markdown.Links.relative(tree / "audits" / "2026-03-01"))
    html = _html(out)
    import re

    ids = set(re.findall(r'id="([^"]+)"', html))
    fragments = re.findall(r'href="#([^"]+)"', html)
    assert {"summary", "violations", "compliant-examples", "scoring-rationale", "violation-1", "violation-2"} <= ids
    assert set(fragments) <= ids and len(fragments) == 4 + len(a.violations)
    assert "**Contents:** [Summary](#summary) · [Violations (2)](#violations) · " in out
    # the table: one row per violation, severity, sites and a link to its file and line
    rows = re.findall(r"<tr>\s*<td[^>]*>(\d+)</td>\s*<td><a href=\"#violation-\d\">(.*?)</a></td>\s*"
                      r"<td>(\w+)</td>\s*<td[^>]*>(\d+)</td>\s*<td><a href=\"([^\"]+)\"", html)
    assert [(n, sev, sites, href) for n, _, sev, sites, href in rows] == [
        ("1", "Critical", "2", "../../app/api.py#L5"), ("2", "Medium", "1", "../../app/api.py#L7")]
    for href in re.findall(r'href="(\.\./[^"#]+)#L(\d+)"', html):
        assert (tree / "audits" / "2026-03-01" / href[0]).resolve().is_file()
    # the format of the standard's example stays: sections in order, right after the contents
    order = [out.index(f"\n## {s}\n") for s in ("Summary", "Violations", "Compliant Examples", "Scoring Rationale")]
    assert order == sorted(order)
    # a `|` in a name cannot break the table
    a.violations[0].title = "`a|b` and c|d"
    row = [ln for ln in markdown.render(a, tree).splitlines() if ln.startswith("| 1 |")][0]
    assert "`a\\|b` and c\\|d" in row
    assert len(re.findall(r"<td", _html("\n".join(ln for ln in markdown.render(a, tree).splitlines()
                                                  if ln.startswith("|"))).split("</tr>")[1])) == 5


def test_markdown_json_links_counts_and_suppressed(tree: Path) -> None:
    a = _audit(tree)
    d = markdown.as_dict(a, tree, markdown.Links.web("https://example.org/blob/1", tree))
    assert d["violations"][0]["sites"][0]["link"] == "https://example.org/blob/1/app/api.py#L5"
    assert len(d["violations"][0]["sites"][0]["fingerprint"]) == 32
    assert d["counts"]["compliant_sites"] == a.tally.compliant and d["counts"]["suppressed"] == 0
    assert d["suppressed"] == [] and d["baseline"] is None


def test_markdown_data_comment_survives_double_dashes(tree: Path) -> None:
    a = _audit(tree)
    a.violations[0].title = "a --> b"
    a.data["violations"][0]["title"] = a.violations[0].title
    out = markdown.render(a, tree)
    comment = out.rsplit("<!-- asyncaudit-data: ", 1)[1]
    assert "--" not in comment.split(" -->")[0]
    path = tree / "r.md"
    path.write_text(out, encoding="utf-8")
    assert audit.read_previous(path)["violations"][0]["title"] == "a --> b"
