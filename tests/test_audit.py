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
    assert "`await asyncio.sleep(0.1)` instead of `time.sleep(0.1)`" in text
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


SPLIT = '''from pathlib import Path


def load(path: Path) -> str:
    return path.read_text()


def save(path: Path, text: str) -> None:
    path.write_text(text)


async def fetch(path: Path) -> str:
    return load(path)


async def sync(path: Path) -> None:
    save(path, load(path))


async def store(path: Path) -> None:
    save(path, "")
'''


def test_fixing_one_site_is_not_new_violations_in_the_trend(tmp_path: Path) -> None:
    """`sync` uses both helpers, so its two sites join `fetch` and `store` into one
    violation; offloading its `load` splits that in two (and renumbers them).  Matched by
    root cause, the trend says: one site fixed, nothing new."""
    tree = tmp_path / "svc"
    (tree / "app").mkdir(parents=True)
    (tree / "app" / "__init__.py").write_text("", encoding="utf-8")
    mod = tree / "app" / "jobs.py"
    mod.write_text(SPLIT, encoding="utf-8")
    assert audit(".", "--date", "2026-03-01", "--format", "json", "--out", "audits/2026-03-01/a.json",
                 cwd=tree).returncode == 0
    assert audit(".", "--date", "2026-03-01", cwd=tree).returncode == 0
    first = json.loads((tree / "audits" / "2026-03-01" / "a.json").read_text())
    assert len([v for v in first["violations"] if v["sites"][0]["code"].startswith("AA1")]) == 1
    mod.write_text(SPLIT.replace("    save(path, load(path))", "    save(path, await asyncio.to_thread(load, path))")
                   .replace("from pathlib", "import asyncio\nfrom pathlib"), encoding="utf-8")
    p = audit(".", "--date", "2026-03-08", "--format", "json", "--out", "audits/2026-03-08/a.json", cwd=tree)
    assert p.returncode == 0, p.stderr
    p = audit(".", "--date", "2026-03-08", cwd=tree)
    second = json.loads((tree / "audits" / "2026-03-08" / "a.json").read_text())
    assert len([v for v in second["violations"] if v["sites"][0]["code"].startswith("AA1")]) == 2
    text = (tree / "audits" / "2026-03-08" / "async-first-design.md").read_text()
    trend = re.search(r"- \*\*Trend:\*\* (.*)", text).group(1)
    # the blocking site, and `load`'s AA301 (no longer only called from async code)
    assert "0 violations fixed, 0 new, 2 still open (2 sites fixed, 0 new, matched by root cause)" in trend
    assert "- **New (0):** none" in text and text.count("(split from an earlier violation, 2 of its sites fixed)") == 2


SILENCED = '''import time


async def tick() -> None:
    time.sleep(1)  # asyncaudit: ignore[AA104]


async def tock() -> None:
    time.sleep(2)
'''


def test_suppressed_and_baselined_findings_are_counted_not_hidden(tmp_path: Path) -> None:
    tree = tmp_path / "svc"
    tree.mkdir()
    (tree / "clock.py").write_text(SILENCED, encoding="utf-8")
    check = subprocess.run([sys.executable, "-m", "asyncaudit", "check", ".", "--no-cache"], cwd=tree,
                           capture_output=True, text=True, timeout=120)
    # check prints what it printed before: the one finding left, no word of the silenced one
    assert check.stdout.count(": AA104 ") == 1 and "clock.py:9:" in check.stdout
    assert "suppress" not in check.stdout + check.stderr and "silenced" not in check.stdout
    base = subprocess.run([sys.executable, "-m", "asyncaudit", "check", ".", "--no-cache", "--write-baseline",
                           "base.json"], cwd=tree, capture_output=True, text=True, timeout=120)
    assert base.returncode == 0, base.stderr
    p = audit(".", "--date", "2026-03-01", "--baseline", "base.json", "--out", "r.md", cwd=tree)
    assert p.returncode == 0, p.stderr
    text = (tree / "r.md").read_text()
    assert "1 finding accepted in the baseline is scored like the others" in text
    assert "1 finding silenced by `# asyncaudit: ignore` comments is not scored" in text
    assert "## Suppressed findings" in text and "[`clock.py:5`](clock.py#L5) AA104" in text
    assert "[`clock.py:9`](clock.py#L9) AA104 \\[Critical\\] in `tock`: `time.sleep` → `time.sleep` (baselined)" \
        in text or "(baselined)" in text.split("## Violations")[1].split("## Compliant")[0]
    assert "[Suppressed findings (1)](#suppressed-findings)" in text
    data = json.loads(audit(".", "--date", "2026-03-01", "--baseline", "base.json", "--format", "json", "--out",
                            "r.json", cwd=tree).returncode == 0 and (tree / "r.json").read_text())
    assert data["counts"]["suppressed"] == 1 and data["counts"]["baselined"] == 1
    assert data["suppressed"][0]["line"] == 5


def test_link_base_links_sites_to_a_web_host(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "service", repo / "svc")
    (repo / ".git").mkdir()  # the repository root: blob paths are relative to it
    p = audit("svc", "--date", "2026-03-01", "--out", "out/r.md", "--link-base",
              "https://github.com/o/r/blob/0123abc", cwd=repo)
    assert p.returncode == 0, p.stderr
    text = (repo / "out" / "r.md").read_text()
    assert "](https://github.com/o/r/blob/0123abc/svc/app/handlers.py#L16)" in text
    rel = audit("svc", "--date", "2026-03-01", "--out", "out/s.md", cwd=repo)
    assert rel.returncode == 0
    assert "](../svc/app/handlers.py#L16)" in (repo / "out" / "s.md").read_text()
