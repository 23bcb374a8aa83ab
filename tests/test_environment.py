"""The audited environment's search path, read from its files: editable installs whose
`.pth` imports a finder (setuptools, `editables`) are followed without running it."""

from __future__ import annotations

from pathlib import Path

import pytest

from asyncaudit.api import Config, analyze
from asyncaudit.environment import find_environment

NET = "import time\n\n\ndef slow() -> None:\n    time.sleep(1)\n"
USER = "from edpkg.net import slow\n\n\nasync def handler() -> None:\n    slow()\n"


def _venv(root: Path) -> Path:
    site = root / "env" / "lib" / "python3.12" / "site-packages"
    site.mkdir(parents=True)
    (root / "env" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.1\n")
    return site


def _checkout(root: Path) -> Path:
    """A flat-layout project elsewhere on disk, with a sibling that is not installed."""
    src = root / "checkout"
    (src / "edpkg").mkdir(parents=True)
    (src / "edpkg" / "__init__.py").write_text("")
    (src / "edpkg" / "net.py").write_text(NET)
    return src


def _setuptools_finder(site: Path, src: Path, marker: Path) -> None:
    # what `pip install -e` writes with setuptools >= 64 (strict or flat layouts): the .pth
    # only imports a finder module holding the name -> folder mapping
    (site / "__editable__.edpkg-0.1.pth").write_text(
        "import __editable___edpkg_0_1_finder; __editable___edpkg_0_1_finder.install()\n")
    (site / "__editable___edpkg_0_1_finder.py").write_text(
        f"open({str(marker)!r}, 'w')  # would run if imported\n"
        f"MAPPING: dict[str, str] = {{'edpkg': {str(src / 'edpkg')!r}}}\n"
        "NAMESPACES: dict[str, list[str]] = {}\n"
        "def install():\n    pass\n")


def test_setuptools_editable_finder_mapping_is_followed_unrun(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _venv(tmp_path)
    src = _checkout(tmp_path)
    marker = tmp_path / "finder-ran"
    _setuptools_finder(site, src, marker)
    env = find_environment(paths=[tmp_path], environ={"VIRTUAL_ENV": str(tmp_path / "env")})
    assert env.search_path == (site, src)  # the mapped package's folder, after site-packages
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "app.py").write_text(USER)
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "env"))
    (f,) = analyze([proj], Config(cache=False)).findings
    assert f.code == "AA104" and f.chains[0].hops[-1].location.path == str(src / "edpkg" / "net.py")
    assert not marker.exists()


def test_editables_redirector_mapping_is_followed(tmp_path: Path) -> None:
    site = _venv(tmp_path)
    src = _checkout(tmp_path)
    (site / "_edpkg.pth").write_text("import _edpkg_editable\n")
    (site / "_edpkg_editable.py").write_text(
        "from editables.redirector import RedirectingFinder as F\nF.install()\n"
        f"F.map_module('edpkg', {str(src / 'edpkg' / '__init__.py')!r})\n")
    env = find_environment(paths=[tmp_path], environ={"VIRTUAL_ENV": str(tmp_path / "env")})
    assert env.search_path == (site, src)


def test_mapping_to_a_folder_of_another_name_or_relative_is_not_followed(tmp_path: Path) -> None:
    site = _venv(tmp_path)
    src = _checkout(tmp_path)
    (site / "__editable__.x-0.pth").write_text("import __editable___x_0_finder\n")
    (site / "__editable___x_0_finder.py").write_text(
        f"MAPPING = {{'other': {str(src / 'edpkg')!r}, 'edpkg': 'edpkg'}}\n")
    env = find_environment(paths=[tmp_path], environ={"VIRTUAL_ENV": str(tmp_path / "env")})
    assert env.search_path == (site,)


def test_a_fifo_as_pth_or_finder_does_not_block(tmp_path: Path) -> None:
    import os

    site = _venv(tmp_path)
    os.mkfifo(site / "blocked.pth")
    (site / "x.pth").write_text("import __editable___x_finder\n")
    os.mkfifo(site / "__editable___x_finder.py")
    os.mkfifo(tmp_path / "env" / "pyvenv.cfg.tmp")
    env = find_environment(paths=[tmp_path], environ={"VIRTUAL_ENV": str(tmp_path / "env")})
    assert env.search_path == (site,)
