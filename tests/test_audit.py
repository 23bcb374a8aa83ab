"""`asyncaudit audit`: the report's format, arithmetic, determinism and trend."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
FRONT_MATTER_KEYS = ["standard", "category", "score", "importance", "violations_count", "date", "status"]


def audit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "asyncaudit", "audit", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def _front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---", 2)[1])


def test_report_format_and_default_location(tmp_path: Path) -> None:
    tree = tmp_path / "service"
    shutil.copytree(FIXTURES / "service", tree)
    p = audit(".", "--date", "2026-03-01", cwd=tree)
    assert p.returncode == 0, p.stderr
    report = tree / "audits" / "2026-03-01" / "async-first-design.md"
    assert f"report: {Path('audits/2026-03-01/async-first-design.md')}" in p.stdout
    text = report.read_text(encoding="utf-8")
    fm = _front_matter(text)
    assert list(fm) == FRONT_MATTER_KEYS
    assert fm["standard"] == "async-first-design" and fm["status"] == "violations-found"
    assert fm["violations_count"] == len(re.findall(r"^### Violation \d+:", text, re.M)) >= 2
    for section in ("## Summary", "## Violations", "## Compliant Examples", "## Scoring Rationale"):
        assert section in text
    for line in ("- **Coverage:**", "- **Severity:**", "- **Trend:**", "- **Risk:**"):
        assert line in text
    # evidence quotes the real code of the chain, and the recommendation is concrete
    assert "def read_settings(path: Path) -> str:" in text and "with open(path) as fh:" in text
    assert "await asyncio.to_thread(read_settings, path)" in text
    assert "await asyncio.sleep(...)" in text
    assert "`Store` offloads the blocking I/O of 2 async methods" in text
    # renders: every fence closed, headings and lists present
    html = MarkdownIt("commonmark").render(text.split("---", 2)[2])
    assert text.count("```") % 2 == 0 and "<h3>Violation 1:" in html and "<pre><code" in html


def test_score_uses_the_documented_weights(tmp_path: Path) -> None:
    """The service fixture's I/O sites, weighed by hand from the README's table: compliant
    are `Store.save`/`Store.load` offloading (Medium 2 each) and `await client.get` (httpx,
    network, High 4); blocking are `read_settings` (open: file, Medium 2) and `time.sleep`
    (sleep, High 4).  So 8 / (8 + 6) = 57.1% -> 57."""
    out = tmp_path / "r.json"
    p = audit(str(FIXTURES / "service"), "--format", "json", "--out", str(out), "--date", "2026-03-01",
              cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    data = json.loads(out.read_text())
    compliant = 2 * 2 + 4
    blocking = 2 + 4
    assert data["score"] == round(100 * compliant / (compliant + blocking)) == 57
    assert f"compliant {compliant}, blocking {blocking}; " in data["scoring_rationale"]["coverage"]
    assert "score: 57/100  status: violations-found" in p.stdout
    assert data["violations_count"] == len(data["violations"]) == 3
    assert [v["severity"] for v in data["violations"]] == sorted(
        (v["severity"] for v in data["violations"]), key=["Critical", "High", "Medium", "Low"].index)


def test_same_tree_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    for out in (a, b):
        assert audit(str(FIXTURES / "service"), "--out", str(out), "--date", "2026-03-01", "--no-cache",
                     cwd=tmp_path).returncode == 0
    assert a.read_bytes() == b.read_bytes()


def test_no_async_code_is_not_scored(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    p = audit(str(FIXTURES / "noasync"), "--out", str(out), cwd=tmp_path)
    assert p.returncode == 0 and "score: n/a" in p.stdout
    text = out.read_text()
    fm = _front_matter(text)
    assert fm["score"] == "n/a" and fm["status"] == "not-applicable"
    assert "No async code was found" in text


def test_trend_against_previous_report(tmp_path: Path) -> None:
    tree = tmp_path / "service"
    shutil.copytree(FIXTURES / "service", tree)
    assert audit(".", "--date", "2026-03-01", cwd=tree).returncode == 0
    handlers = tree / "app" / "handlers.py"
    handlers.write_text(handlers.read_text().replace("    settings = read_settings(path)",
                                                     "    settings = await asyncio.to_thread(read_settings, path)"))
    p = audit(".", "--date", "2026-03-08", cwd=tree)  # finds audits/2026-03-01 by itself
    assert p.returncode == 0, p.stderr
    text = (tree / "audits" / "2026-03-08" / "async-first-design.md").read_text()
    trend = re.search(r"- \*\*Trend:\*\* (.*)", text).group(1)
    assert "1 violation fixed, 0 new, 2 still open" in trend
    old, new = re.search(r"score (\d+) → (\d+)", trend).groups()
    assert int(new) > int(old)
    assert "handle_request" in text.split("- **Fixed (1):**")[1].split("- **New")[0]


def test_trend_from_git_history(tmp_path: Path) -> None:
    tree = tmp_path / "service"
    shutil.copytree(FIXTURES / "service", tree)
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    old = {"GIT_AUTHOR_DATE": "2025-01-01T00:00:00", "GIT_COMMITTER_DATE": "2025-01-01T00:00:00"}
    new = {"GIT_AUTHOR_DATE": "2025-06-01T00:00:00", "GIT_COMMITTER_DATE": "2025-06-01T00:00:00"}
    import os

    subprocess.run([*git, "init", "-q"], cwd=tree, check=True)
    subprocess.run([*git, "add", "app/store.py", "app/__init__.py"], cwd=tree, check=True)
    subprocess.run([*git, "commit", "-qm", "old"], cwd=tree, check=True, env={**os.environ, **old})
    subprocess.run([*git, "add", "."], cwd=tree, check=True)
    subprocess.run([*git, "commit", "-qm", "new"], cwd=tree, check=True, env={**os.environ, **new})
    out = tmp_path / "r.md"
    assert audit(str(tree), "--out", str(out), cwd=tmp_path).returncode == 0
    trend = re.search(r"- \*\*Trend:\*\* (.*)", out.read_text()).group(1)
    # handlers.py (recent) holds the blocking sites; store.py (older) only offloads
    assert trend.startswith("Files changed in the 90 days before the last commit: 2 blocking and")
    assert "older files: 0 blocking and 2 compliant (100% compliant)" in trend
    assert "less async-first than older code" in trend
