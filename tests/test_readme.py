"""The README's command blocks run as shown (the real CLI, on a copy of the bundled example).

Each ``` block of "Adopting it in five minutes" that holds `$ command` lines is run in
order on one copy of `examples/pipeline`, with the edits the prose describes made between
them; each command's stdout then stderr must be what the block shows (`echo $?` is the
previous command's exit status).  A block that says it is trimmed ("chains and help lines
trimmed") is compared line by line as an ordered subset.  The Python API example runs and
prints the block that follows it.  So the README cannot drift from what the tool does.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README_PATH = ROOT / "README.md"
README = README_PATH.read_text(encoding="utf-8")
EXAMPLE = ROOT / "examples" / "pipeline"


def section(title: str) -> str:
    m = re.search(rf"^##+ {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert m, title
    return m.group(1)


def blocks(text: str, lang: str = "") -> list[str]:
    """The fenced blocks of `text` whose info string is `lang` ("" = none), in order."""
    out: list[str] = []
    current: list[str] | None = None
    info = ""
    for line in text.splitlines(keepends=True):
        if current is None:
            if line.startswith("```"):
                current, info = [], line[3:].strip()
        elif line.rstrip() == "```":
            if info == lang:
                out.append("".join(current))
            current = None
        else:
            current.append(line)
    return out


def env(tmp: Path) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "FORCE_COLOR")}
    out.update(ASYNCAUDIT_CACHE_DIR=str(tmp / "cache"), NO_COLOR="1", COLUMNS="200")
    return out


def sessions(block: str) -> list[tuple[str, list[str]]]:
    """The (command, shown output lines) of a block of `$ ` lines."""
    out: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
    return out


class Shell:
    def __init__(self, cwd: Path, tmp: Path) -> None:
        self.cwd, self.env, self.status = cwd, env(tmp), 0

    def run(self, command: str) -> list[str]:
        if command == "echo $?":
            return [str(self.status)]
        argv = shlex.split(command)
        assert argv[0] == "asyncaudit", command
        p = subprocess.run([sys.executable, "-m", "asyncaudit", *argv[1:]], cwd=self.cwd, env=self.env,
                           capture_output=True, text=True, timeout=300)
        assert "Traceback" not in p.stderr, p.stderr
        self.status = p.returncode
        return (p.stdout + p.stderr).splitlines()


def ordered_subset(shown: list[str], got: list[str]) -> bool:
    it = iter(got)
    return all(any(line == g for g in it) for line in shown)


#: ASYNCAUDIT_README_UPDATE=1 python -m pytest tests/test_readme.py rewrites the README's
#: untrimmed blocks with what the commands print now (then read the diff before committing)
UPDATE = bool(os.environ.get("ASYNCAUDIT_README_UPDATE"))


def check_block(shell: Shell, block: str, trimmed: bool = False) -> None:
    fresh: list[str] = []
    for command, shown in sessions(block):
        got = shell.run(command)
        fresh += [f"$ {command}", *got]
        if trimmed:
            assert ordered_subset([s for s in shown if s.strip()], got), (command, shown, got)
        elif not UPDATE:
            assert got == shown, f"$ {command}\n--- README\n" + "\n".join(shown) + "\n--- got\n" + "\n".join(got)
    if UPDATE and not trimmed:
        text = README_PATH.read_text(encoding="utf-8")
        README_PATH.write_text(text.replace("```\n" + block + "```", "```\n" + "\n".join(fresh) + "\n```", 1),
                               encoding="utf-8")


def test_the_walkthrough_runs_as_shown(tmp_path: Path) -> None:
    text = section("Adopting it in five minutes")
    project = tmp_path / "pipeline"
    shutil.copytree(EXAMPLE, project)
    shell = Shell(project, tmp_path)
    pkg = project / "src" / "pipeline"
    # "a file src/pipeline/cache.py calling a third-party vendor_sdk.Client.fetch was added"
    (pkg / "cache.py").write_text("import vendor_sdk\n\n\nasync def warm(client: vendor_sdk.Client) -> None:\n"
                                  '    client.fetch("models")\n', encoding="utf-8")
    shown = blocks(text)
    toml = blocks(text, "toml")[0]
    with open(project / "pyproject.toml", "a", encoding="utf-8") as fh:  # 1. "add to pyproject.toml"
        fh.write("\n" + toml)
    commands = [b for b in shown if b.startswith("$ ")]
    check_block(shell, commands[0])
    # 2. the suppression comment, on the line the README shows
    line = blocks(text, "python")[0].rstrip("\n")
    orch = pkg / "orchestrator.py"
    source = orch.read_text(encoding="utf-8")
    plain = line.split("  # asyncaudit:")[0]
    assert plain + "\n" in source
    orch.write_text(source.replace(plain + "\n", line + "\n"), encoding="utf-8")
    assert "trimmed here" in text.split(commands[1])[1][:200]
    check_block(shell, commands[1], trimmed=True)
    # 3. the baseline, then a new finding
    check_block(shell, commands[2])
    added = re.search(r"After adding `(.*?)` at the end of\n`orchestrator.py`", text)
    assert added
    with open(orch, "a", encoding="utf-8") as fh:
        fh.write("\n\n" + added.group(1).replace(": return", ":\n    return") + "\n")
    check_block(shell, commands[3])
    # 5. fixes: the diff, then applying them
    check_block(shell, commands[4])
    # the last block is another module ("On a module that reads JSON ..."), elided with `...`
    assert commands[5].splitlines()[1] == "..." and len(commands) == 6


def test_the_python_api_example_prints_what_it_shows(tmp_path: Path) -> None:
    text = section("Python API")
    code = blocks(text, "python")[0]
    shown = blocks(text)[0]
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env(tmp_path), capture_output=True, text=True,
                       timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout == shown


@pytest.mark.parametrize("snippet", ["rev: v0.1.0", "pip install asyncaudit\n"])
def test_no_snippet_names_what_does_not_exist(snippet: str) -> None:
    # no release is tagged and the package is not on PyPI yet: the README must not say so
    tags = subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if snippet.startswith("rev: ") and snippet.split()[1] in tags:
        return
    assert snippet not in README


def test_the_opening_example_is_what_check_prints_on_the_bundled_example(tmp_path: Path) -> None:
    # the first block: the one-line set-up command ends in `asyncaudit check examples/pipeline`;
    # the output shown below it is one finding of that run, verbatim (its help lines left out)
    setup = blocks(README, "sh")[0]
    assert setup.rstrip().endswith("&& asyncaudit check examples/pipeline")
    shown = blocks(README.split("---", 1)[1])[0].splitlines()
    got = Shell(ROOT, tmp_path).run("asyncaudit check examples/pipeline")
    assert ordered_subset(shown, got), "\n".join(got)
    start = got.index(shown[0])
    assert got[start:start + len(shown)] == shown  # one finding, uninterrupted
