"""Discovery: package roots found by themselves, module names from the filesystem."""

from __future__ import annotations

from pathlib import Path

from asyncaudit.discover import discover


def _touch(root: Path, *paths: str) -> None:
    for p in paths:
        f = root / p
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("[project]\nname = 'x'\n" if f.name == "pyproject.toml" else "")


def _modules(root: Path, **kw) -> dict[str, str]:  # noqa: ANN003
    d = discover([root], **kw)
    return {s.path.relative_to(root).as_posix(): s.module for s in d.files}


def test_flat_src_and_workspace_layouts(tmp_path: Path) -> None:
    _touch(tmp_path, "pyproject.toml", "flatpkg/__init__.py", "flatpkg/a.py",
           "packages/core/pyproject.toml", "packages/core/src/core/__init__.py", "packages/core/src/core/b.py",
           "services/cli/src/app/main.py", "scripts/tool.py")
    mods = _modules(tmp_path)
    assert mods == {
        "flatpkg/__init__.py": "flatpkg", "flatpkg/a.py": "flatpkg.a",
        "packages/core/src/core/__init__.py": "core", "packages/core/src/core/b.py": "core.b",
        "services/cli/src/app/main.py": "app.main",  # a namespace package under src/
        "scripts/tool.py": "scripts.tool",
    }


def test_virtualenvs_build_and_caches_are_skipped(tmp_path: Path) -> None:
    _touch(tmp_path, "app.py", "myenv/pyvenv.cfg", "myenv/lib/site.py", ".venv/x.py", "build/lib/x.py",
           "__pycache__/x.py", "node_modules/x.py", "pkg.egg-info/x.py", ".git/hooks/x.py")
    assert list(_modules(tmp_path)) == ["app.py"]


def test_exclude_globs(tmp_path: Path) -> None:
    _touch(tmp_path, "app/a.py", "app/gen/b_pb2.py", "tests/fixtures/c.py", "tests/test_d.py")
    mods = _modules(tmp_path, exclude=("*_pb2.py", "tests/fixtures"))
    assert sorted(mods) == ["app/a.py", "tests/test_d.py"]


def test_missing_path_is_a_diagnostic(tmp_path: Path) -> None:
    d = discover([tmp_path / "nope"])
    assert d.files == () and d.diagnostics == ((str(tmp_path / "nope"), "no such file or directory"),)


def test_a_package_given_directly_keeps_its_name(tmp_path: Path) -> None:
    _touch(tmp_path, "proj/pkg/__init__.py", "proj/pkg/core.py", "proj/pkg/sub/__init__.py", "proj/pkg/sub/x.py")
    d = discover([tmp_path / "proj" / "pkg"])
    assert sorted(s.module for s in d.files) == ["pkg", "pkg.core", "pkg.sub", "pkg.sub.x"]
