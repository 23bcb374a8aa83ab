"""Calls into the audited environment's installed packages are followed into their source."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from asyncaudit.api import Config, analyze
from asyncaudit.environment import find_environment


def _env(tmp_path: Path) -> Path:
    site = tmp_path / "env" / "lib" / "python3.11" / "site-packages"
    (site / "fakesdk").mkdir(parents=True)
    (site / "fakesdk" / "__init__.py").write_text(
        "from fakesdk.client import Client\n\n__all__ = ['Client']\n")
    (site / "fakesdk" / "client.py").write_text(
        "import requests\n\n\n"
        "class Client:\n"
        "    def __init__(self) -> None:\n"
        "        self._http = requests.Session()\n\n"
        "    def _send(self, path: str) -> dict:\n"
        "        return self._http.get('https://api.example.com' + path).json()\n\n"
        "    def list_models(self) -> list:\n"
        "        return self._send('/models')['data']\n"
    )
    (site / "asyncsdk.py").write_text(
        "import httpx\n\n\nasync def list_models() -> list:\n"
        "    async with httpx.AsyncClient() as c:\n"
        "        return (await c.get('https://api.example.com/models')).json()\n"
    )
    return tmp_path / "env"


def _project(tmp_path: Path) -> Path:
    proj = tmp_path / "proj"
    proj.mkdir(exist_ok=True)
    (proj / "app.py").write_text(
        "import asyncsdk\nfrom fakesdk import Client\n\n\n"
        "async def handler():\n"
        "    models = Client().list_models()\n"
        "    return models + await asyncsdk.list_models()\n"
    )
    return proj


def test_sync_sdk_is_followed_into_installed_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _env(tmp_path)
    monkeypatch.setenv("VIRTUAL_ENV", str(env))
    result = analyze([_project(tmp_path)], Config())
    assert len(result.findings) == 1
    f = result.findings[0]
    assert f.code == "AA101" and f.location.line == 6
    assert [h.callee for h in f.chains[0].hops] == ["Client().list_models", "self._send", "self._http.get"]
    assert f.chains[0].sink == "requests.Session.get"
    assert f.chains[0].hops[-1].location.path.endswith("fakesdk/client.py")
    assert result.stats.library_modules >= 2
    # the message names where the chain leaves the project, and the leaf it ends in
    assert "`fakesdk.client.Client.list_models` → `requests.Session.get`" in str(f.message)


def test_without_the_environment_the_sdk_is_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _env(tmp_path)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    result = analyze([_project(tmp_path)], Config())
    assert result.findings == []
    result = analyze([_project(tmp_path)], Config(follow_libraries=False))
    assert result.findings == []


def test_search_path_of_an_interpreter() -> None:
    env = find_environment(cli_python=sys.executable)
    assert env.search_path and all(p.is_dir() for p in env.search_path)
