"""Adopting asyncaudit in a project: configuration, suppression, baseline, CI formats, changed lines."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "pipeline"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "asyncaudit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "pipeline"
    shutil.copytree(EXAMPLE, dest)
    return dest


def _codes(p: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    return [(f["location"]["path"].rsplit("/", 1)[-1] + f":{f['location']['line']}", f["code"])
            for f in json.loads(p.stdout)["findings"]]


def test_config_extra_sink_and_cli_precedence(project: Path) -> None:
    extra = project / "src" / "pipeline" / "cache.py"
    extra.write_text("import vendor_sdk\n\n\nasync def warm(client: vendor_sdk.Client) -> None:\n"
                     "    client.fetch('models')\n")
    assert ("cache.py:5", "AA101") not in _codes(run("check", "--format", "json", cwd=project))
    with open(project / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[tool.asyncaudit]\nfail-on = "critical"\n'
                 '[tool.asyncaudit.extra-sinks]\n"vendor_sdk.Client.fetch" = { category = "network" }\n')
    p = run("check", "--format", "json", cwd=project)
    assert ("cache.py:5", "AA101") in _codes(p)
    assert p.returncode == 1  # a Critical finding exists
    assert run("check", "--select", "AA107", cwd=project).returncode == 0  # AA107 is High at most here
    assert run("check", "--fail-on", "low", "--select", "AA107", cwd=project).returncode == 1  # CLI wins


def test_config_errors_name_the_key(project: Path) -> None:
    with open(project / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[tool.asyncaudit]\nexlude = ["x"]\n')
    p = run("check", cwd=project)
    assert p.returncode == 2
    assert "tool.asyncaudit: unknown key 'exlude' (did you mean 'exclude'?)" in p.stderr
    assert "Traceback" not in p.stderr


def test_suppression_and_unused_ignores(project: Path) -> None:
    orch = project / "src" / "pipeline" / "orchestrator.py"
    text = orch.read_text()
    orch.write_text(text.replace('    store.write_report("summary", {"summary": summary})',
                                 '    store.write_report("summary", {"summary": summary})  # asyncaudit: ignore[AA107]')
                    .replace("def main() -> None:", "def main() -> None:  # asyncaudit: ignore"))
    codes = _codes(run("check", "--format", "json", cwd=project))
    assert ("orchestrator.py:24", "AA107") not in codes and ("orchestrator.py:16", "AA107") in codes
    p = run("check", "--report-unused-ignores", cwd=project)
    unused = [ln for ln in p.stderr.splitlines() if "unused suppression" in ln]
    assert p.returncode == 1 and len(unused) == 1 and "orchestrator.py:28:1: unused suppression" in unused[0]


def test_baseline_reports_only_new_findings(project: Path) -> None:
    assert run("check", "--write-baseline", "asyncaudit-baseline.json", cwd=project).returncode == 0
    assert run("check", "--baseline", "asyncaudit-baseline.json", cwd=project).returncode == 0
    orch = project / "src" / "pipeline" / "orchestrator.py"
    orch.write_text("# a comment moves every line\n\n" + orch.read_text().replace(
        "    return results\n", "    load_settings(config_path)\n    return results\n"))
    p = run("check", "--baseline", "asyncaudit-baseline.json", "--format", "json", cwd=project)
    assert p.returncode == 1
    assert _codes(p) == [("orchestrator.py:27", "AA107")]


def test_github_annotations(project: Path) -> None:
    p = run("check", "--format", "github", cwd=project)
    lines = p.stdout.splitlines()
    assert lines and all(ln.startswith(("::error ", "::warning ", "::notice ")) for ln in lines)
    assert "file=src/pipeline/orchestrator.py,line=16,col=16" in lines[0]


def test_since_reports_findings_touching_changed_lines(project: Path) -> None:
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "."], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=project, check=True)
    assert _codes(run("check", "--since", "HEAD", "--format", "json", cwd=project)) == []
    # editing a helper deep in a chain re-surfaces the boundary that reaches it
    cfg = project / "src" / "pipeline" / "config.py"
    cfg.write_text(cfg.read_text().replace('with open(path, "rb") as handle:', 'with open(path, mode="rb") as handle:'))
    codes = _codes(run("check", "--diff", "--format", "json", cwd=project))
    assert codes == [("orchestrator.py:16", "AA107")]
    assert run("check", "--since", "no-such-rev", cwd=project).returncode == 2


def test_pre_commit_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "asyncaudit")
    assert hook["entry"] == "asyncaudit check" and hook["language"] == "python" and hook["pass_filenames"] is False
    # it must run when only the configuration changes: pre-commit runs a hook when a staged
    # file matches `files` and every tag of `types` (so no `types: [python]`)
    import re

    assert "types" not in hook and "types_or" not in hook
    matches = re.compile(hook["files"]).search
    assert all(matches(f) for f in ("a.py", "pkg/b.pyi", "pyproject.toml", "sub/pyproject.toml",
                                     "asyncaudit-baseline.json"))
    assert not any(matches(f) for f in ("README.md", "setup.cfg", "mypyproject.toml", "a.pyc"))
