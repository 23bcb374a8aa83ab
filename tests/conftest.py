"""Every test, and every CLI it runs, keeps its cache in a temporary folder."""

from __future__ import annotations

import pytest

# fixtures are code to analyze, not tests to run (a fixture project has its own tests/)
collect_ignore = ["fixtures"]


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASYNCAUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("asyncaudit_cache")))


def pytest_addoption(parser: pytest.Parser) -> None:
    # flake8-async's --generate-autofix: rewrite tests/fixtures/autofix/fixed/ from the code
    parser.addoption("--generate-autofix", action="store_true",
                     help="regenerate the golden --fix outputs in tests/fixtures/autofix/fixed/")
    # flake8-async's --runfuzz: the hypothesmith property test with many more examples
    parser.addoption("--runfuzz", action="store_true",
                     help="run tests/test_fuzz.py with 5,000 examples instead of 200")
