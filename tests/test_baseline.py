"""Baselines: fingerprints survive unrelated edits, change with the finding; the file format."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from asyncaudit.api import Config, analyze
from asyncaudit.baseline import (
    Baseline,
    BaselineError,
    fingerprint,
    fingerprints,
    load_baseline,
    write_baseline,
)
from asyncaudit.model import Finding

CONFIG = Config(follow_libraries=False)

APP = '''\
import time

from helpers import load, save


async def handler():
    data = load()
    save(data)
    time.sleep(0.1)


async def other():
    load()
'''

HELPERS = '''\
from pathlib import Path


def load():
    with open("config.toml") as fh:
        return fh.read()


def save(data):
    Path("out.txt").write_text(data)
'''


def make_tree(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def findings_of(root: Path) -> list[Finding]:
    found = analyze([root], CONFIG).findings
    assert found, "the fixture must produce findings"
    return found


def project(tmp_path: Path, **overrides: str) -> Path:
    files = {"app.py": APP, "helpers.py": HELPERS}
    files.update({k.replace("__", "/") + ".py": v for k, v in overrides.items()})
    return make_tree(tmp_path / "proj", files)


def edit(root: Path, name: str, old: str, new: str) -> None:
    p = root / name
    text = p.read_text(encoding="utf-8")
    assert old in text
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def baseline_for(root: Path, tmp_path: Path) -> Baseline:
    out = tmp_path / "baseline.json"
    write_baseline(out, findings_of(root), root)
    return load_baseline(out)


def summary(found: list[Finding]) -> list[tuple[str, str, str]]:
    return [(f.code, f.function, f.callee) for f in found]


# --- (1) unchanged ------------------------------------------------------------------------------


def test_unchanged_tree_has_no_new_findings(tmp_path: Path) -> None:
    root = project(tmp_path)
    base = baseline_for(root, tmp_path)
    again = findings_of(root)
    assert len(base) == len(again) == 4
    assert base.filter_new(again, root) == []
    assert base.fixed(again, root) == []


# --- (2) unrelated edits ------------------------------------------------------------------------


def test_code_above_and_unrelated_functions_do_not_make_findings_new(tmp_path: Path) -> None:
    root = project(tmp_path)
    base = baseline_for(root, tmp_path)
    before = {f.callee: f.location.line for f in findings_of(root) if f.function == "app.handler"}
    edit(root, "app.py", "async def handler():",
         "\n\n\nCONSTANT = 1\n\n\ndef unrelated():\n    return CONSTANT + 1\n\n\n"
         "async def handler():\n    # a comment\n\n    x = unrelated()")
    edit(root, "app.py", "    load()\n", "    load()\n    print('other changed')\n")
    edit(root, "helpers.py", "def load():", "import os\n\n\ndef also_unrelated():\n    return os.sep\n\n\n"
                                               "def load():")
    (root / "app.py").write_text((root / "app.py").read_text(encoding="utf-8") + "\n\nasync def extra():\n"
                                 "    return 1\n", encoding="utf-8")
    after = findings_of(root)
    moved = {f.callee: f.location.line for f in after if f.function == "app.handler"}
    assert all(moved[c] > before[c] for c in before)  # the lines did move
    assert base.filter_new(after, root) == []
    assert base.fixed(after, root) == []


def test_fingerprint_ignores_locations(tmp_path: Path) -> None:
    root = project(tmp_path)
    f = findings_of(root)[0]
    loc = dataclasses.replace(f.location, line=f.location.line + 40, column=f.location.column + 3,
                              end_line=f.location.end_line + 40)
    chains = tuple(dataclasses.replace(c, hops=tuple(dataclasses.replace(
        h, location=dataclasses.replace(h.location, line=h.location.line + 7)) for h in c.hops))
        for c in f.chains)
    assert fingerprint(dataclasses.replace(f, location=loc, chains=chains), root) == fingerprint(f, root)


def test_lambda_callbacks_match_after_lines_move(tmp_path: Path) -> None:
    src = ("import asyncio\nimport time\n\n\nasync def main():\n"
           "    asyncio.get_running_loop().call_soon(lambda: time.sleep(1))\n")
    root = make_tree(tmp_path / "proj", {"cb.py": src})
    base = baseline_for(root, tmp_path)
    assert any("<lambda" in f.function for f in findings_of(root))
    edit(root, "cb.py", "async def main():\n    ", "async def main():\n    pass\n    pass\n    x = 1; ")
    after = findings_of(root)
    assert not {f.function for f in after} & {e["function"] for e in base.entries}  # the qualname moved
    assert base.filter_new(after, root) == []


# --- (3) the chain changes ----------------------------------------------------------------------


def test_helper_calling_a_different_blocking_api_is_new(tmp_path: Path) -> None:
    root = project(tmp_path)
    base = baseline_for(root, tmp_path)
    edit(root, "helpers.py", 'with open("config.toml") as fh:\n        return fh.read()',
         'return Path("config.toml").read_text()')
    new = base.filter_new(findings_of(root), root)
    # `load` is the boundary call in two async functions; both chains changed
    assert sorted(summary(new)) == [("AA107", "app.handler", "load"), ("AA107", "app.other", "load")]
    assert sorted((e["function"], e["callee"]) for e in base.fixed(findings_of(root), root)) == [
        ("app.handler", "load"), ("app.other", "load")]


def test_inserted_helper_hop_is_new(tmp_path: Path) -> None:
    root = project(tmp_path)
    base = baseline_for(root, tmp_path)
    edit(root, "helpers.py", "def save(data):\n    Path", "def save(data):\n    _write(data)\n\n\n"
                                                         "def _write(data):\n    Path")
    new = base.filter_new(findings_of(root), root)
    assert summary(new) == [("AA107", "app.handler", "save")]
    assert len(new[0].chains[0].hops) == 3


def test_different_category_is_new(tmp_path: Path) -> None:
    root = project(tmp_path)
    base = baseline_for(root, tmp_path)
    edit(root, "app.py", "    save(data)\n", "    save(data)\n    import subprocess\n")
    edit(root, "helpers.py", 'def save(data):\n    Path("out.txt").write_text(data)',
         'def save(data):\n    import subprocess\n    subprocess.run(["true"])')
    new = base.filter_new(findings_of(root), root)
    assert [(f.callee, f.categories) for f in new] == [("save", ("subprocess",))]


def test_fingerprint_changes_with_function_file_callee_code(tmp_path: Path) -> None:
    root = project(tmp_path)
    f = next(f for f in findings_of(root) if f.callee == "save")
    fp = fingerprint(f, root)
    variants = [
        dataclasses.replace(f, function="app.renamed"),
        dataclasses.replace(f, location=dataclasses.replace(f.location, path=str(root / "other.py"))),
        dataclasses.replace(f, callee="helpers.save"),
        dataclasses.replace(f, code="AA999"),
        dataclasses.replace(f, chains=(dataclasses.replace(f.chains[0], sink="builtins.open"),)),
        dataclasses.replace(f, chains=(dataclasses.replace(f.chains[0], category="subprocess"),)),
        dataclasses.replace(f, chains=f.chains + f.chains),
    ]
    fps = {fingerprint(v, root) for v in variants}
    assert fp not in fps and len(fps) == len(variants)
    assert fingerprint(f, root, occurrence=1) != fp
    assert len(fp) == 32 and int(fp, 16) >= 0


def test_function_moved_to_another_function_is_new(tmp_path: Path) -> None:
    root = project(tmp_path)
    base = baseline_for(root, tmp_path)
    edit(root, "app.py", "    time.sleep(0.1)\n", "")
    edit(root, "app.py", "async def other():\n", "async def other():\n    time.sleep(0.1)\n")
    after = findings_of(root)
    assert summary(base.filter_new(after, root)) == [("AA104", "app.other", "time.sleep")]
    assert [(e["function"], e["callee"]) for e in base.fixed(after, root)] == [("app.handler", "time.sleep")]


# --- (4) identical calls in one function --------------------------------------------------------


def test_second_identical_call_is_exactly_one_new(tmp_path: Path) -> None:
    root = project(tmp_path)
    base = baseline_for(root, tmp_path)
    edit(root, "app.py", "    data = load()\n", "    data = load()\n    data = load()\n")
    after = findings_of(root)
    new = base.filter_new(after, root)
    assert summary(new) == [("AA107", "app.handler", "load")]
    loads = sorted((f.location.line for f in after if f.function == "app.handler" and f.callee == "load"))
    assert new[0].location.line == loads[-1]
    assert base.fixed(after, root) == []


def test_removing_one_of_two_identical_calls_matches_the_rest(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, "app.py", "    data = load()\n", "    data = load()\n    data = load()\n")
    base = baseline_for(root, tmp_path)
    edit(root, "app.py", "    data = load()\n", "", )
    after = findings_of(root)
    assert base.filter_new(after, root) == []
    assert [(e["function"], e["callee"]) for e in base.fixed(after, root)] == [("app.handler", "load")]


def test_multiset_matching(tmp_path: Path) -> None:
    root = project(tmp_path)
    f = next(f for f in findings_of(root) if f.callee == "save")
    two = Baseline(tuple({"fingerprint": fingerprint(f, root, occurrence=i), "code": f.code} for i in range(2)))
    assert len(two.filter_new([f, f, f], root)) == 1
    assert two.filter_new([f, f], root) == []
    assert two.fixed([f], root) == [two.entries[1]]
    # a hand-merged file may repeat one fingerprint: each entry accepts one finding
    entry = {"fingerprint": fingerprint(f, root), "code": f.code}
    repeated = Baseline((entry, dict(entry)))
    assert repeated.filter_new([f], root) == []
    assert repeated.fixed([f], root) == [entry]
    assert repeated.fixed([], root) == [entry, entry]


def test_fingerprints_numbers_occurrences_in_source_order(tmp_path: Path) -> None:
    root = project(tmp_path)
    edit(root, "app.py", "    data = load()\n", "    data = load()\n    load()\n    load()\n")
    found = [f for f in findings_of(root) if f.function == "app.handler" and f.callee == "load"]
    assert len(found) == 3
    ordered = sorted(found, key=lambda f: f.location.line)
    expected = [fingerprint(f, root, occurrence=i) for i, f in enumerate(ordered)]
    assert fingerprints(ordered, root) == expected
    assert fingerprints(ordered[::-1], root) == expected[::-1]
    assert len(set(expected)) == 3


# --- (5) another checkout location --------------------------------------------------------------


def test_tree_moved_elsewhere_still_matches(tmp_path: Path) -> None:
    root = project(tmp_path)
    out = tmp_path / "baseline.json"
    write_baseline(out, findings_of(root), root)
    paths = {e["path"] for e in json.loads(out.read_text(encoding="utf-8"))["findings"]}
    assert paths == {"app.py"}
    moved = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(root, moved)
    shutil.rmtree(root)
    base = load_baseline(out)
    assert base.filter_new(findings_of(moved), moved) == []
    assert base.fixed(findings_of(moved), moved) == []


def test_relative_paths_resolve_against_the_working_directory(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    out = tmp_path / "baseline.json"
    write_baseline(out, findings_of(root), root)  # absolute finding paths
    monkeypatch.chdir(tmp_path)
    relative = analyze(["proj"], CONFIG).findings
    assert not Path(relative[0].location.path).is_absolute()
    assert load_baseline(out).filter_new(relative, Path("proj")) == []
    monkeypatch.chdir(root)
    assert load_baseline(out).filter_new(analyze(["."], CONFIG).findings, Path(".")) == []


def test_paths_below_root_keep_their_folders(tmp_path: Path) -> None:
    root = make_tree(tmp_path / "repo", {"pkg/__init__.py": "", "pkg/mod.py":
                                         "import time\n\n\nasync def f():\n    time.sleep(1)\n"})
    out = tmp_path / "b.json"
    write_baseline(out, findings_of(root), root)
    assert [e["path"] for e in json.loads(out.read_text(encoding="utf-8"))["findings"]] == ["pkg/mod.py"]


# --- (6) invalid files --------------------------------------------------------------------------


@pytest.mark.parametrize("content", [
    b"",
    b"{not json",
    b"[]",
    b'"text"',
    b"\xff\xfe\x00garbage",
    b'{"version": 2, "tool": "asyncaudit", "findings": []}',
    b'{"version": "1", "tool": "asyncaudit", "findings": []}',
    b'{"version": true, "tool": "asyncaudit", "findings": []}',
    b'{"tool": "asyncaudit", "findings": []}',
    b'{"version": 1, "tool": "other", "findings": []}',
    b'{"version": 1, "findings": []}',
    b'{"version": 1, "tool": "asyncaudit"}',
    b'{"version": 1, "tool": "asyncaudit", "findings": {}}',
    b'{"version": 1, "tool": "asyncaudit", "findings": [1]}',
    b'{"version": 1, "tool": "asyncaudit", "findings": [{"code": "AA104"}]}',
    b'{"version": 1, "tool": "asyncaudit", "findings": [{"fingerprint": 12}]}',
    b'{"version": 1, "tool": "asyncaudit", "findings": [{"fingerprint": "ab", "line": "3"}]}',
    b"[" * 100_000,
], ids=lambda c: c[:40].decode("latin-1"))
def test_invalid_baseline_files(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad-baseline.json"
    bad.write_bytes(content)
    with pytest.raises(BaselineError) as exc:
        load_baseline(bad)
    message = str(exc.value)
    assert "bad-baseline.json" in message and "\n" not in message and "Traceback" not in message


def test_missing_and_unreadable_baseline(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.json", tmp_path):
        with pytest.raises(BaselineError, match="cannot read baseline") as exc:
            load_baseline(path)
        assert "\n" not in str(exc.value) and str(path) in str(exc.value)


def test_unwritable_baseline(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="cannot write baseline"):
        write_baseline(tmp_path / "no" / "such" / "dir.json", [], tmp_path)


# --- (7) the file format ------------------------------------------------------------------------


def test_written_file_is_deterministic_and_well_formed(tmp_path: Path) -> None:
    root = project(tmp_path)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    found = findings_of(root)
    assert write_baseline(a, found, root) == len(found)
    assert write_baseline(b, list(reversed(findings_of(root))), root) == len(found)
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "\r" not in text
    doc = json.loads(text)
    assert doc["version"] == 1 and doc["tool"] == "asyncaudit"
    entries = doc["findings"]
    assert all(set(e) == {"fingerprint", "code", "path", "line", "function", "callee", "message"}
               for e in entries)
    assert entries == sorted(entries, key=lambda e: (e["path"], e["line"], e["code"], e["fingerprint"]))
    assert [e["fingerprint"] for e in entries] == [e["fingerprint"] for e in sorted(
        ({"fingerprint": fp, "path": "app.py", "line": f.location.line, "code": f.code}
         for f, fp in zip(found, fingerprints(found, root), strict=True)),
        key=lambda e: (e["path"], e["line"], e["code"], e["fingerprint"]))]
    # rewriting a loaded baseline round-trips byte for byte
    assert load_baseline(a).dumps() == text


def test_empty_baseline(tmp_path: Path) -> None:
    out = tmp_path / "empty.json"
    assert write_baseline(out, [], tmp_path) == 0
    assert out.read_text(encoding="utf-8") == '{\n  "findings": [],\n  "tool": "asyncaudit",\n  "version": 1\n}\n'
    base = load_baseline(out)
    root = project(tmp_path)
    assert len(base.filter_new(findings_of(root), root)) == len(findings_of(root))
