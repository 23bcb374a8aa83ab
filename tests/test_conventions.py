"""End-to-end: the configuration conventions ruff users reach for (the real CLI).

extend-select / extend-exclude, per-file-ignores, .gitignore'd files skipped by default
(--no-respect-gitignore), and `# noqa: AA107` beside `# asyncaudit: ignore[AA107]`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BLOCKING = 'import time\n\n\nasync def handler():\n    open("x").read()\n    time.sleep(1)\n'
ONLY_ASYNCIO_RUN = "import asyncio\n\n\nasync def main():\n    pass\n\n\ndef start():\n    asyncio.run(main())\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "asyncaudit", "check", *args, "--no-cache", "--format", "json"],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def found(cwd: Path, *args: str) -> list[tuple[str, str]]:
    p = run(cwd, *args)
    assert p.returncode in (0, 1), p.stderr
    return sorted((f["location"]["path"], f["code"]) for f in json.loads(p.stdout)["findings"])


def test_extend_select_adds_to_the_default_rules(tmp_path: Path) -> None:
    write(tmp_path / "app.py", BLOCKING + ONLY_ASYNCIO_RUN.replace("import asyncio\n", "import asyncio\n", 1))
    write(tmp_path / "lib" / "run.py", ONLY_ASYNCIO_RUN)
    assert "AA303" not in {c for _, c in found(tmp_path)}  # an audit rule: off in check by default
    got = {c for _, c in found(tmp_path, "--extend-select", "AA303")}
    assert {"AA104", "AA107", "AA303"} <= got
    write(tmp_path / "pyproject.toml", '[tool.asyncaudit]\nextend-select = ["AA303"]\n')
    assert {"AA104", "AA107", "AA303"} <= {c for _, c in found(tmp_path)}
    # select replaces the defaults; extend-select still adds
    assert {c for _, c in found(tmp_path, "--select", "AA104")} == {"AA104", "AA303"}


def test_extend_exclude_adds_to_exclude(tmp_path: Path) -> None:
    for name in ("app.py", "gen/a.py", "vendor/b.py"):
        write(tmp_path / name, BLOCKING)
    write(tmp_path / "pyproject.toml", '[tool.asyncaudit]\nexclude = ["vendor"]\nextend-exclude = ["gen"]\n')
    assert {p for p, _ in found(tmp_path)} == {"app.py"}
    # --exclude replaces the file's exclude, --extend-exclude adds to the file's extend-exclude
    assert {p for p, _ in found(tmp_path, "--exclude", "app.py")} == {"vendor/b.py"}
    assert {p for p, _ in found(tmp_path, "--exclude", "gen")} == {"app.py", "vendor/b.py"}
    # excluding the last file leaves nothing to analyze: an error, not "0 findings"
    assert run(tmp_path, "--extend-exclude", "app.py").returncode == 2


def test_per_file_ignores_drop_codes_in_matching_files(tmp_path: Path) -> None:
    for name in ("src/app.py", "scripts/tool.py", "tests/test_x.py"):
        write(tmp_path / name, BLOCKING)
    write(tmp_path / "pyproject.toml", '[tool.asyncaudit.per-file-ignores]\n'
                                       '"scripts/*" = ["AA107"]\n"tests/" = ["AA1"]\n')
    assert found(tmp_path) == [("scripts/tool.py", "AA104"), ("src/app.py", "AA104"), ("src/app.py", "AA107")]
    # relative to the configuration file's folder, whatever folder the run starts in
    got = found(tmp_path / "scripts", ".")
    assert got == [(".", "AA104")] or got == [("tool.py", "AA104")]


def test_per_file_ignores_are_counted_as_suppressed_in_the_audit(tmp_path: Path) -> None:
    write(tmp_path / "scripts" / "tool.py", BLOCKING)
    write(tmp_path / "pyproject.toml", '[tool.asyncaudit.per-file-ignores]\n"scripts/*" = ["AA107"]\n')
    out = tmp_path / "report.md"
    p = subprocess.run([sys.executable, "-m", "asyncaudit", "audit", "--no-cache", "--out", str(out)],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "[Suppressed findings (1)]" in out.read_text(encoding="utf-8")


def test_gitignored_files_are_skipped_unless_asked(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # a work tree's root: .gitignore applies below it
    write(tmp_path / ".gitignore", "generated/\n*_gen.py\n!keep_gen.py\n")
    write(tmp_path / "src" / ".gitignore", "local.py\n")
    for name in ("app.py", "generated/a.py", "x_gen.py", "keep_gen.py", "src/local.py", "src/ok.py"):
        write(tmp_path / name, BLOCKING)
    assert {p for p, _ in found(tmp_path)} == {"app.py", "keep_gen.py", "src/ok.py"}
    assert {p for p, _ in found(tmp_path / "src", ".")} == {"ok.py"}  # the root's file applies from below
    assert {p for p, _ in found(tmp_path, "--no-respect-gitignore")} == {
        "app.py", "generated/a.py", "x_gen.py", "keep_gen.py", "src/local.py", "src/ok.py"}
    # a file named on the command line is analyzed all the same
    assert {p for p, _ in found(tmp_path, "x_gen.py")} == {"x_gen.py"}


def test_gitignore_outside_a_work_tree_is_not_read(tmp_path: Path) -> None:
    write(tmp_path / ".gitignore", "*.py\n")
    write(tmp_path / "app.py", BLOCKING)
    assert {p for p, _ in found(tmp_path)} == {"app.py"}


def test_noqa_with_our_code_suppresses_like_our_comment(tmp_path: Path) -> None:
    write(tmp_path / "app.py", 'import time\n\n\nasync def handler():\n'
                               '    open("x").read()  # noqa: E501, AA107\n'
                               '    time.sleep(1)  # noqa\n'
                               '    time.sleep(2)  # asyncaudit: ignore[AA104]\n'
                               '    time.sleep(3)  # NOQA:aa104\n')
    # a bare `# noqa` is another linter's: the blocking call on that line is still reported
    assert [(f["location"]["line"], f["code"]) for f in json.loads(run(tmp_path).stdout)["findings"]] == [
        (6, "AA104")]
