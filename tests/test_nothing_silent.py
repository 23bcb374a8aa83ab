"""End-to-end: a run that could analyze nothing says so in one line and exits 2, and the
run-mode flags (--quiet, --exit-zero, --show-settings) do what they say.  The real CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BLOCKING = 'import time\n\n\nasync def handler():\n    open("x").read()\n    time.sleep(1)\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "asyncaudit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def one_error(p: subprocess.CompletedProcess[str]) -> str:
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    lines = [line for line in p.stderr.splitlines() if line.startswith("asyncaudit: error:")]
    assert len(lines) == 1, p.stderr
    return lines[0]


def test_include_that_names_nothing_is_an_error_like_the_same_path_given(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.asyncaudit]\ninclude = ["nosuch"]\n')
    write(tmp_path / "app.py", BLOCKING)
    assert one_error(run(tmp_path, "check", "--no-cache")) == (
        f"asyncaudit: error: nosuch: no such file or directory (from `include` in {tmp_path / 'pyproject.toml'})")
    assert one_error(run(tmp_path, "audit", "--no-cache")).endswith("nosuch: no such file or directory "
                                                                     f"(from `include` in {tmp_path / 'pyproject.toml'})")
    assert not (tmp_path / "audits").exists()
    assert run(tmp_path, "check", "nosuch").returncode == 2  # the command line, as before
    assert run(tmp_path, "check", "app.py", "--no-cache").returncode == 1  # paths given win over include


def test_config_file_without_the_table_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "other.toml", '[project]\nname = "x"\n')
    write(tmp_path / "app.py", BLOCKING)
    assert one_error(run(tmp_path, "check", "--config", "other.toml", "--no-cache")) == (
        "asyncaudit: error: other.toml: no [tool.asyncaudit] table: nothing to read "
        "(add the table, or drop --config)")


def test_empty_folder_and_tree_without_python_files_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path / "docs" / "index.md", "# docs\n")
    assert one_error(run(tmp_path, "check", "empty", "--no-cache")) == (
        "asyncaudit: error: no Python files to analyze in empty")
    assert one_error(run(tmp_path, "check", "docs", "--no-cache")) == (
        "asyncaudit: error: no Python files to analyze in docs")
    assert one_error(run(tmp_path, "audit", "docs", "--no-cache", "--out", "r.md")) == (
        "asyncaudit: error: no Python files to analyze in docs")
    assert not (tmp_path / "r.md").exists()
    write(tmp_path / "src" / "app.py", BLOCKING)
    assert one_error(run(tmp_path, "check", "src", "--no-cache", "--exclude", "app.py")) == (
        "asyncaudit: error: no Python files to analyze in src (all excluded?)")


def test_quiet_prints_the_findings_and_nothing_else(tmp_path: Path) -> None:
    write(tmp_path / "app.py", BLOCKING)
    write(tmp_path / "bad.py", "def (:\n")
    loud = run(tmp_path, "check", "--no-cache")
    quiet = run(tmp_path, "check", "--no-cache", "-q")
    assert loud.returncode == quiet.returncode == 1
    assert "findings in" in loud.stdout and "warning" in loud.stdout + loud.stderr
    assert quiet.stderr == ""
    assert quiet.stdout.splitlines()[0].startswith("app.py:5:5: AA107")
    assert "findings in" not in quiet.stdout and "fixable" not in quiet.stdout and "warning" not in quiet.stdout
    assert quiet.stdout.strip() in loud.stdout
    audit = run(tmp_path, "audit", "--no-cache", "-q", "--out", "r.md")
    assert audit.returncode == 0 and audit.stdout == "r.md\n" and audit.stderr == ""


def test_exit_zero_with_findings_but_not_on_errors(tmp_path: Path) -> None:
    write(tmp_path / "app.py", BLOCKING)
    p = run(tmp_path, "check", "--no-cache", "--exit-zero")
    assert p.returncode == 0 and "AA107" in p.stdout
    assert run(tmp_path, "check", "nosuch", "--exit-zero").returncode == 2


def test_show_settings_names_where_each_value_came_from(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.asyncaudit]\nselect = ["AA1"]\nfail-on = "high"\n'
                                       'extend-exclude = ["gen"]\n')
    write(tmp_path / "app.py", BLOCKING)
    p = run(tmp_path, "check", "--show-settings", "--fail-on", "critical", "--extend-exclude", "x", "-j", "2")
    assert p.returncode == 0, p.stderr
    rows = {line.split(" = ")[0]: line for line in p.stdout.splitlines() if " = " in line}
    source = str(tmp_path / "pyproject.toml")
    assert p.stdout.splitlines()[0] == f"# configuration file: {source}"
    assert rows["select"].startswith('select = ["AA1"]') and rows["select"].endswith(f"# {source}")
    assert rows["fail-on"].startswith('fail-on = "critical"') and rows["fail-on"].endswith("# --fail-on")
    assert rows["extend-exclude"].startswith('extend-exclude = ["gen", "x"]')
    assert rows["extend-exclude"].endswith(f"# --extend-exclude (and {source})")
    assert rows["jobs"].endswith("# --jobs") and rows["ignore"].endswith("# default")
    assert "findings" not in p.stdout  # nothing analyzed


def test_python_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "app.py", BLOCKING)
    assert one_error(run(tmp_path, "check", "--python", "/no/such/python", "--no-cache")) == (
        "asyncaudit: error: --python: no such interpreter or environment: /no/such/python")
    write(tmp_path / "pyproject.toml", '[tool.asyncaudit]\npython = ".venv/bin/python"\n')
    assert one_error(run(tmp_path, "audit", "--no-cache")) == (
        f"asyncaudit: error: python (in {tmp_path / 'pyproject.toml'}): no such interpreter or environment: "
        f"{tmp_path / '.venv/bin/python'}")
    assert run(tmp_path, "check", "--python", sys.executable, "--no-cache").returncode == 1  # one that exists
