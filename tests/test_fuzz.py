"""Property test: any program hypothesmith generates, as is or inside an `async def`
beside a blocking call, goes through the whole pipeline without an exception, renders
in every format, and gives the same result twice.

200 examples by default (well under a minute); `pytest --runfuzz` runs 5,000.  The long
run over generated and mutated programs through the CLI is `bench/fuzz.py`.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

hypothesmith = pytest.importorskip("hypothesmith")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from asyncaudit.api import Config, analyze  # noqa: E402
from asyncaudit.report import FORMATTERS  # noqa: E402


def _wrapped(src: str) -> str:
    body = "\n".join("    " + line for line in src.splitlines()) or "    pass"
    return f"import time\n\ndef helper():\n    time.sleep(1)\n\nasync def main():\n{body}\n    helper()\n"


@pytest.fixture(scope="module")
def examples(request: pytest.FixtureRequest) -> int:
    return 5_000 if request.config.getoption("--runfuzz") else 200


def test_generated_programs_never_break_the_pipeline(tmp_path_factory: pytest.TempPathFactory,
                                                     examples: int) -> None:
    warnings.simplefilter("ignore")
    root = tmp_path_factory.mktemp("fuzz")
    config = Config(follow_libraries=False, cache=False, jobs=1)

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(hypothesmith.from_grammar(), st.booleans())
    def check(src: str, wrap: bool) -> None:
        path = root / "prog.py"
        path.write_text(_wrapped(src) if wrap else src, encoding="utf-8", errors="surrogatepass")
        first = analyze([root], config)
        rendered = {name: render(first) for name, render in FORMATTERS.items()}
        json.loads(rendered["sarif"])
        assert all("\n" not in d.message for d in first.diagnostics)
        second = analyze([root], config)
        assert {name: render(second) for name, render in FORMATTERS.items()} == rendered

    check()
