"""The module finder: names by crawling up `__init__.py`, imports searched along ordered roots."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from asyncaudit.api import Config, analyze
from asyncaudit.discover import discover
from asyncaudit.modules import NAMESPACE, SOURCE

FIXTURES = Path(__file__).parent / "fixtures" / "projects"
SLOW = "import time\n\n\ndef slow():\n    time.sleep(1)\n"


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def _finder(root: Path, files: dict[str, str], **kw):  # noqa: ANN003, ANN202
    _tree(root, files)
    return discover([root], **kw)


def _found(d, name: str, importer: Path | None) -> str | None:  # noqa: ANN001
    hit = d.finder.find(name, str(importer) if importer else None)
    return None if hit is None else os.path.relpath(hit.path, d.finder.given[0]).replace(os.sep, "/")


# ---- naming ------------------------------------------------------------------------------

def _names(d) -> dict[str, str]:  # noqa: ANN001
    top = d.finder.given[0]
    return {os.path.relpath(os.path.abspath(s.path), top).replace(os.sep, "/"): s.module for s in d.files}


def test_names_come_from_init_folders_not_from_markers_or_plain_folders(tmp_path: Path) -> None:
    d = _finder(tmp_path, {
        "work/code/myproj/pkg/__init__.py": "", "work/code/myproj/pkg/util.py": "",  # no marker (S2)
        "lib/pkg2/__init__.py": "", "lib/pkg2/tools/setup.py": "", "lib/pkg2/tools/run.py": "",  # S1
        "ha/custom_components/demo/__init__.py": "", "ha/custom_components/demo/setup.py": "",
    })
    names = _names(d)
    assert names["work/code/myproj/pkg/util.py"] == "pkg.util"
    assert names["lib/pkg2/tools/run.py"] == "run"  # tools/ is no package: run.py is top-level there
    assert names["ha/custom_components/demo/setup.py"] == "demo.setup"  # a setup.py beside __init__ is a module


def test_namespace_packages_are_named_up_to_an_explicit_base(tmp_path: Path) -> None:
    d = _finder(tmp_path, {
        "pyproject.toml": "[project]\nname = 'x'\n",
        "src/ns/pkg/__init__.py": "", "src/ns/pkg/mod.py": "",
        "scripts/tool.py": "",
        "python/mypkg/__init__.py": "",
    })
    names = _names(d)
    assert names["src/ns/pkg/mod.py"] == "ns.pkg.mod"
    assert names["scripts/tool.py"] == "scripts.tool"  # the packaging root is a base


def test_setuptools_where_and_package_dir_are_roots(tmp_path: Path) -> None:
    d = _finder(tmp_path, {
        "pyproject.toml": "[project]\nname = 'x'\n[tool.setuptools.packages.find]\nwhere = ['python']\n",
        "python/mypkg/__init__.py": "", "python/mypkg/io.py": SLOW,
        "other/setup.cfg": "[metadata]\nname = o\n[options]\npackage_dir =\n    =lib\n",
        "other/lib/opkg/__init__.py": "",
        "third/setup.py": "from setuptools import setup, find_packages\nsetup(packages=find_packages(where='code'))\n",
        "third/code/tpkg/__init__.py": "",
        "tests/test_io.py": "",
    })
    roots = {os.path.relpath(r, tmp_path) for r in d.finder.roots}
    assert {"python", "other/lib", "third/code"} <= roots
    assert _found(d, "mypkg.io", tmp_path / "tests" / "test_io.py") == "python/mypkg/io.py"
    assert _found(d, "opkg", None) == "other/lib/opkg/__init__.py"
    assert _found(d, "tpkg", None) == "third/code/tpkg/__init__.py"


def test_a_pyproject_of_tool_settings_only_is_no_packaging_root(tmp_path: Path) -> None:
    d = _finder(tmp_path / "t", {"pkg/pyproject.toml": "[tool.ruff]\nline-length = 100\n", "pkg/a.py": ""})
    assert str(tmp_path / "t" / "pkg") not in d.finder.roots


def test_two_files_claiming_one_name_are_both_kept_and_named_by_path(tmp_path: Path) -> None:
    d = _finder(tmp_path, {"a/pyproject.toml": "[project]\nname = 'a'\n", "a/util.py": "",
                           "b/pyproject.toml": "[project]\nname = 'b'\n", "b/util.py": ""})
    names = _names(d)
    assert names == {"a/util.py": "a.util", "b/util.py": "b.util"}
    (diag,) = d.diagnostics
    assert diag[0].endswith("a/util.py") and "`util` is claimed by 2 files" in diag[1] and "b/util.py" in diag[1]


# ---- search order --------------------------------------------------------------------------

def test_the_importers_own_project_comes_first(tmp_path: Path) -> None:
    d = _finder(tmp_path, {"a/pyproject.toml": "[project]\nname = 'a'\n", "a/util.py": "", "a/main.py": "",
                           "b/pyproject.toml": "[project]\nname = 'b'\n", "b/util.py": "", "b/main.py": ""})
    assert _found(d, "util", tmp_path / "a" / "main.py") == "a/util.py"
    assert _found(d, "util", tmp_path / "b" / "main.py") == "b/util.py"


def test_tree_roots_then_package_parents_then_source_roots_then_site_then_importer_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _tree(tmp_path, {
        "site/only_site.py": "", "site/both.py": "", "site/shadowed.py": "",
        "extra/only_extra.py": "", "extra/shadowed.py": "",
    })
    d = _finder(tmp_path / "proj", {
        "pyproject.toml": "[project]\nname = 'p'\n",
        "src/app/__init__.py": "", "src/app/main.py": "",
        "src/app/sibling.py": "", "src/app/both.py": "",
        "vendor/lib/vpkg/__init__.py": "",
        "shadowed.py": "",
    }, source_roots=[tmp_path / "extra"], search_path=[site])
    importer = tmp_path / "proj" / "src" / "app" / "main.py"
    assert _found(d, "app.sibling", importer) == "src/app/sibling.py"  # step 1: own base src/
    assert _found(d, "shadowed", importer) == "shadowed.py"  # step 2: the project root before extra and site
    assert _found(d, "vpkg", importer) == "vendor/lib/vpkg/__init__.py"  # step 3: parent of a top-level package
    assert _found(d, "only_extra", importer) == "../extra/only_extra.py"  # step 4: source-roots
    assert _found(d, "only_site", importer) == "../site/only_site.py"  # step 5: the environment
    assert _found(d, "both", importer) == "../site/both.py"  # step 5 before step 6
    assert _found(d, "sibling", importer) == "src/app/sibling.py"  # step 6: the importer's folder


def test_installed_libraries_see_the_project_first_and_never_the_importer_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _tree(site, {"lib/__init__.py": "", "lib/inner.py": ""})
    d = _finder(tmp_path / "proj", {"mypkg/__init__.py": "", "inner.py": ""}, search_path=[site])
    assert _found(d, "mypkg", None) == "mypkg/__init__.py"
    assert _found(d, "lib.inner", None) == "../site/lib/inner.py"
    assert d.finder.find("json", None) is None  # the standard library is never read


def test_compiled_in_modules_are_never_shadowed_and_stdlib_only_by_the_importers_own_root(tmp_path: Path) -> None:
    d = _finder(tmp_path, {"time.py": "", "json.py": "", "app.py": "",
                           "tools/calendar.py": "", "tools/run.py": "", "pkg/__init__.py": "", "pkg/m.py": "",
                           "lib/pyproject.toml": "[project]\nname = 'l'\n", "lib/calendar.py": ""})
    assert d.finder.find("time", str(tmp_path / "app.py")) is None  # compiled into the interpreter
    assert d.finder.find("os", str(tmp_path / "app.py")) is None  # frozen
    assert _found(d, "json", tmp_path / "app.py") == "json.py"  # sys.path[0] comes before the stdlib
    assert _found(d, "calendar", tmp_path / "tools" / "run.py") == "tools/calendar.py"
    # tools/ and the other project lib/ are not on app's path: the stdlib's calendar comes first
    assert d.finder.find("calendar", str(tmp_path / "app.py")) is None
    assert d.finder.find("calendar", str(tmp_path / "pkg" / "m.py")) is None


def test_namespace_portions_merge_across_roots_and_a_regular_package_wins(tmp_path: Path) -> None:
    d = _finder(tmp_path, {
        "p1/pyproject.toml": "[project]\nname = 'p1'\n", "p1/ns/a.py": "",
        "p2/pyproject.toml": "[project]\nname = 'p2'\n", "p2/ns/b.py": "",
        "p3/pyproject.toml": "[project]\nname = 'p3'\n", "p3/reg/x.py": "",
        "p4/pyproject.toml": "[project]\nname = 'p4'\n", "p4/reg/__init__.py": "",
    })
    ns = d.finder.find("ns", None)
    assert ns is not None and ns.kind == NAMESPACE and len(ns.dirs) == 2
    assert _found(d, "ns.b", None) == "p2/ns/b.py"
    assert d.finder.submodule(ns, "a").path == str(tmp_path / "p1" / "ns" / "a.py")
    reg = d.finder.find("reg", None)
    assert reg.kind == SOURCE and reg.path == str(tmp_path / "p4" / "reg" / "__init__.py")


def test_relative_imports_follow_the_importers_path(tmp_path: Path) -> None:
    d = _finder(tmp_path, {"pkg/__init__.py": "", "pkg/util.py": "", "pkg/plugins/__init__.py": "",
                           "pkg/plugins/setup.cfg": "[metadata]\nname = p\n", "pkg/plugins/p.py": ""})
    p = str(tmp_path / "pkg" / "plugins" / "p.py")
    assert d.finder.relative("..util", p).path == str(tmp_path / "pkg" / "util.py")
    assert d.finder.relative(".", p).path == str(tmp_path / "pkg" / "plugins" / "__init__.py")
    assert d.finder.relative("...", p).kind == NAMESPACE  # above the top package: a plain folder
    assert d.finder.relative(".missing", p) is None


def test_an_import_finds_its_own_file_only_under_its_own_name(tmp_path: Path) -> None:
    d = _finder(tmp_path, {"proj/myapp/__init__.py": "from myapp import tasks\n",
                           "proj/myapp/celery.py": "import celery\n", "proj/myapp/tasks.py": ""})
    app = tmp_path / "proj" / "myapp"
    assert d.finder.find("celery", str(app / "celery.py")) is None  # myapp.celery is not `celery`
    assert _found(d, "myapp", app / "__init__.py") == "proj/myapp/__init__.py"  # a package importing itself
    assert _found(d, "celery", app / "tasks.py") == "proj/myapp/celery.py"  # the importer's folder, last


# ---- end to end ------------------------------------------------------------------------------

def test_editable_install_through_a_pth_file_with_only_tests_analyzed(monkeypatch: pytest.MonkeyPatch) -> None:
    case = FIXTURES / "layout_editable_install"
    monkeypatch.setenv("VIRTUAL_ENV", str(case / "env"))
    result = analyze([case / "tests"], Config(cache=False))
    (f,) = result.findings
    assert f.code == "AA104" and f.location.path.endswith("test_net.py")
    assert f.chains[0].hops[-1].location.path.endswith(os.path.join("src", "edpkg", "net.py"))
    monkeypatch.delenv("VIRTUAL_ENV")
    assert analyze([case / "tests"], Config(cache=False)).findings == []


def test_test_code_is_judged_by_path_below_the_audited_folder(tmp_path: Path) -> None:
    code = "import time\n\n\nasync def handle_request():\n    time.sleep(1)\n"
    _tree(tmp_path, {"testing/svc/app.py": code, "svc2/tests/app.py": code, "svc3/app_test.py": code})
    sev = {}
    for folder in ("testing/svc", "svc2", "svc3"):
        (f,) = analyze([tmp_path / folder], Config(cache=False, follow_libraries=False)).findings
        sev[folder] = f.severity.label
    assert sev == {"testing/svc": "Critical", "svc2": "Low", "svc3": "Low"}
    (f,) = analyze([tmp_path / "svc3"], Config(cache=False, follow_libraries=False, test_paths=("x",))).findings
    assert f.severity.label == "Critical"  # configurable


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run([sys.executable, "-m", "asyncaudit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_unresolved_project_imports_are_counted_listed_and_hinted(tmp_path: Path) -> None:
    _tree(tmp_path, {
        "app/__init__.py": "",
        "app/main.py": "from app.util import slow\nfrom app.gone import thing\nfrom .also_gone import x\n"
                       "import tool\n\n\nasync def handler():\n    slow()\n    tool.run()\n",
        "app/util.py": SLOW,
        "extra/tool.py": SLOW.replace("slow", "run"),
    })
    out = _run("check", ".", "--no-cache", "--format", "json", cwd=tmp_path)
    stats = json.loads(out.stdout)["stats"]
    assert (stats["project_imports"], stats["resolved_project_imports"]) == (4, 1)
    assert [u["module"] for u in stats["unresolved_imports"]] == [".also_gone", "app.gone", "tool"]
    text = _run("check", ".", "--no-cache", cwd=tmp_path).stdout
    assert "1/4 imports of project modules resolved, 25.0%" in text
    assert "3 imports of project modules found nothing" in text and "--source-root DIR" in text
    assert "1 finding" in text
    fixed = _run("check", ".", "--no-cache", "--source-root", "extra", cwd=tmp_path).stdout
    assert "2 findings" in fixed  # tool.run is found through the source root


def test_calls_into_packages_that_are_not_installed_are_counted_per_package(tmp_path: Path) -> None:
    _tree(tmp_path, {"app.py": "import midealocal\nfrom midealocal.devices import Device\nimport requests\n\n\n"
                               "async def poll():\n    midealocal.discover()\n    Device().refresh()\n"
                               "    requests.get('u')\n"})
    out = _run("check", ".", "--no-cache", "--format", "json", cwd=tmp_path)
    stats = json.loads(out.stdout)["stats"]
    # requests.get is catalogued: resolved without the package; the midealocal calls are not
    assert stats["not_installed"] == [{"package": "midealocal", "call_sites": 3}]
    assert stats["resolved_call_sites"] == stats["call_sites"] - 3
    text = _run("check", ".", "--no-cache", cwd=tmp_path).stdout
    assert ("calls into 1 package that is not installed: midealocal (3 call sites on event-loop paths) "
            "— pass `--python`") in text
    off = _run("check", ".", "--no-cache", "--no-libraries", cwd=tmp_path).stdout
    assert "not followed (--no-libraries): midealocal" in off


def test_summary_and_hint_lines_from_stats() -> None:
    from asyncaudit.model import AnalysisResult, Stats
    from asyncaudit.report import text

    s = Stats(files=2, call_sites=10, resolved_call_sites=7, project_imports=8, resolved_project_imports=6,
              unresolved_imports=[("pkg.gone", 2, "a.py")], libraries="none",
              not_installed=[(f"p{i}", 9 - i) for i in range(7)])
    out = text.render(AnalysisResult(stats=s)).splitlines()
    assert out[1].endswith("7/10 call sites on event-loop paths resolved, 70.0%; "
                           "6/8 imports of project modules resolved, 75.0%)")
    assert out[2].startswith("2 imports of project modules found nothing (most: `pkg.gone` (2 files))")
    assert out[3].startswith("calls into 7 packages that are not installed: p0 (9 call sites on event-loop "
                             "paths), p1 (8 call sites") and ", and 2 more — pass `--python`" in out[3]
    assert len(text.render(AnalysisResult(stats=Stats(files=1))).splitlines()) == 2  # nothing lost, no hint
