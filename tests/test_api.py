"""The Python API: one path or several, the project's configuration read as the CLI reads
it, every configuring type exported, results rendered from Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import asyncaudit

BLOCKING = 'import time\n\n\nasync def handler():\n    open("x").read()\n    time.sleep(1)\n'


def project(tmp_path: Path, table: str = "") -> Path:
    (tmp_path / "app.py").write_text(BLOCKING, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.asyncaudit]\ncache = false\n" + table, encoding="utf-8")
    return tmp_path


def codes(result: asyncaudit.AnalysisResult) -> list[str]:
    return sorted(f.code for f in result.findings)


def test_a_single_string_is_one_path(tmp_path: Path) -> None:
    root = project(tmp_path)
    one = asyncaudit.analyze(str(root))
    assert codes(one) == ["AA104", "AA107"] and one.stats.files == 1
    assert codes(asyncaudit.analyze(root)) == codes(asyncaudit.analyze([str(root)])) == codes(one)
    assert not [d for d in one.diagnostics if "no such file" in d.message]


def test_without_a_config_the_project_table_is_read_like_the_cli(tmp_path: Path) -> None:
    root = project(tmp_path, 'select = ["AA107"]\n')
    assert codes(asyncaudit.analyze(str(root))) == ["AA107"]
    assert codes(asyncaudit.analyze(str(root), asyncaudit.Config(cache=False))) == ["AA104", "AA107"]  # no file
    config = asyncaudit.Config.from_pyproject(root / "pyproject.toml", ignore=["AA107"])
    assert config.source == root / "pyproject.toml" and config.select == ("AA107",) and config.ignore == ("AA107",)
    assert asyncaudit.Config.from_pyproject(str(root)).select == ("AA107",)  # searched from the path
    with pytest.raises(asyncaudit.ConfigError, match="--select"):
        asyncaudit.Config.from_pyproject(str(root), select=["AA999"])


def test_the_configuring_types_are_exported(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import vendor\n\n\nasync def h():\n    vendor.fetch()\n"
                                     "    vendor.run_later(vendor.fetch)\n", encoding="utf-8")
    config = asyncaudit.Config(extra_sinks={"vendor.fetch": asyncaudit.Sink("vendor.fetch", "network")},
                               extra_offloaders=(asyncaudit.CallableSlot("vendor.run_later"),), cache=False,
                               fail_on=asyncaudit.Severity.HIGH)
    result = asyncaudit.analyze(str(tmp_path), config)
    assert [(f.code, f.location.line) for f in result.findings] == [("AA101", 5)]  # the offloaded one is not
    assert set(asyncaudit.__all__) >= {"Config", "ConfigError", "Sink", "CallableSlot", "Severity", "analyze",
                                       "render"}


def test_render_gives_every_check_format(tmp_path: Path) -> None:
    result = asyncaudit.analyze(str(project(tmp_path)))
    sarif = json.loads(asyncaudit.render(result, "sarif"))
    assert sarif["version"] == "2.1.0" and len(sarif["runs"][0]["results"]) == 2
    assert json.loads(asyncaudit.render(result, "json"))["findings"]
    assert "AA107" in asyncaudit.render(result) and "::error" in asyncaudit.render(result, "github")
    with pytest.raises(ValueError, match="unknown format 'xml' \\(choose from text, json, sarif, github\\)"):
        asyncaudit.render(result, "xml")
