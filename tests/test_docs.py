"""Every rule's documentation is true: its `## Example` is reported by the rule, its
`## Use instead` by no rule at all (each is a complete program, run through `analyze`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from asyncaudit.api import Config, analyze
from asyncaudit.rules import ALL_RULES
from asyncaudit.rules.base import Rule

_FENCE = re.compile(r"```python\n(.*?)```", re.S)


def snippet(doc: str, section: str) -> str:
    """The first ```python block of a `## section` of a rule's documentation."""
    m = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    assert m, f"no '## {section}' section"
    code = _FENCE.search(m.group(1))
    assert code, f"'## {section}' has no python code block"
    return code.group(1)


def _run(code: str, tmp_path: Path, name: str, **options: object):  # noqa: ANN202
    compile(code, name, "exec")  # a complete program, not a fragment
    path = tmp_path / name
    path.write_text(code, encoding="utf-8")
    return analyze([path], Config(follow_libraries=False, cache=False, **options), audit=True)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_example_is_reported(rule: Rule, tmp_path: Path) -> None:
    result = _run(snippet(rule.doc, "Example"), tmp_path, "example.py", select=(rule.code,))
    assert [f.code for f in result.findings if f.code == rule.code], \
        f"{rule.code}'s Example is not reported:\n{snippet(rule.doc, 'Example')}"
    assert not result.diagnostics, result.diagnostics


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_use_instead_is_clean(rule: Rule, tmp_path: Path) -> None:
    result = _run(snippet(rule.doc, "Use instead"), tmp_path, "use_instead.py")
    assert [(f.code, f.location.line, f.message) for f in result.findings] == []
    assert not result.diagnostics, result.diagnostics


def test_snippet_extraction() -> None:
    doc = "X\n\n## Example\ntext\n```python\na = 1\n```\n```python\nb = 2\n```\n## Use instead\n```python\nc = 3\n```\n"
    assert snippet(doc, "Example") == "a = 1\n"
    assert snippet(doc, "Use instead") == "c = 3\n"
    with pytest.raises(AssertionError):
        snippet("## Example\nprose only\n## Use instead\n", "Example")
