"""Every rule has documentation, fixtures and a README entry; sync twins of fixtures are clean."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from asyncaudit.api import Config, analyze
from asyncaudit.rules import ALL_RULES

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED_CODES = {m.group(1) for p in FIXTURES.rglob("*.py")
                  for m in re.finditer(r"#\s*(AA\d{3})(?:\[\w+\])?:", p.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_is_documented_tested_and_listed(rule) -> None:  # noqa: ANN001
    for section in ("## What it does", "## Why is this bad?"):
        assert section in rule.doc, f"{rule.code} docs lack {section!r}"
    assert rule.code in EXPECTED_CODES, f"no fixture expects {rule.code}"
    assert rule.code in (ROOT / "README.md").read_text(encoding="utf-8")
    own = FIXTURES / "rules" / f"{rule.code}.py"
    assert own.is_file(), f"{rule.code} has no fixture file of its own ({own.name})"
    assert re.search(rf"#\s*{rule.code}(?:\[\w+\])?:", own.read_text(encoding="utf-8")), \
        f"{own.name} expects no {rule.code} finding"


_CODE_NAMED = re.compile(r"^(AA\d{3})(?:_\w+)?(?:\.py)?$")


def test_fixtures_named_by_code_name_a_rule() -> None:
    """`fixtures/rules/AA302_method.py`, `fixtures/projects/AA306_plugin_hooks/`: the code
    in a fixture's name is a registered rule's (a variant may hold negatives only)."""
    codes = {r.code for r in ALL_RULES}
    named = [p for p in [*(FIXTURES / "rules").iterdir(), *(FIXTURES / "projects").iterdir()]
             if _CODE_NAMED.match(p.name)]
    assert named
    for p in named:
        assert _CODE_NAMED.match(p.name).group(1) in codes, f"{p.name}: no such rule"


class _Desugar(ast.NodeTransformer):
    """async def -> def, await x -> x, async with/for -> with/for: the same code, without a loop."""

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.FunctionDef:
        self.generic_visit(node)
        return ast.copy_location(ast.FunctionDef(**{f: getattr(node, f) for f in node._fields}), node)

    def visit_Await(self, node: ast.Await) -> ast.expr:
        return self.visit(node.value)

    def visit_AsyncWith(self, node: ast.AsyncWith) -> ast.With:
        self.generic_visit(node)
        return ast.copy_location(ast.With(**{f: getattr(node, f) for f in node._fields}), node)

    def visit_AsyncFor(self, node: ast.AsyncFor) -> ast.For:
        self.generic_visit(node)
        return ast.copy_location(ast.For(**{f: getattr(node, f) for f in node._fields}), node)


SYNC_TWINS = [p for p in sorted((FIXTURES / "rules").glob("*.py"))
              if "loop.call" not in p.read_text(encoding="utf-8") and "Protocol" not in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("case", SYNC_TWINS, ids=lambda p: p.name)
def test_sync_twin_has_no_blocking_findings(case: Path, tmp_path: Path) -> None:
    tree = _Desugar().visit(ast.parse(case.read_text(encoding="utf-8")))
    twin = tmp_path / case.name
    twin.write_text(ast.unparse(ast.fix_missing_locations(tree)), encoding="utf-8")
    result = analyze([twin], Config(follow_libraries=False, cache=False))
    blocking = [f for f in result.findings if f.code.startswith(("AA1", "AA2"))]
    assert blocking == []


def test_each_catalog_category_is_one_blocking_rule() -> None:
    """The codes are the rules' (`rules.blocking.CODES`), not the catalog's: one rule per
    category, each code once, and `Category` carries none."""
    from asyncaudit.catalog import CATEGORIES
    from asyncaudit.rules import BY_CODE
    from asyncaudit.rules.blocking import CODES

    assert set(CODES) == set(CATEGORIES)
    assert len(set(CODES.values())) == len(CODES)
    assert all(BY_CODE[code].category == key for key, code in CODES.items())
    assert not hasattr(next(iter(CATEGORIES.values())), "code")


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_findings_carry_a_template_and_its_arguments(rule, tmp_path: Path) -> None:  # noqa: ANN001
    """Analysis writes no message text: the example's finding names a template with
    fields and their values, and renders only at the edge."""
    example = re.search(r"## Example\n```python\n(.*?)```", rule.doc, re.S)
    assert example, f"{rule.code} has no example"
    (tmp_path / "example.py").write_text(example.group(1), encoding="utf-8")
    found = [f for f in analyze([tmp_path], Config(follow_libraries=False, select=(rule.code,))).findings
             if f.code == rule.code]
    assert found, f"{rule.code}'s example is not reported"
    m = found[0].message
    assert m.args and all("{" + k + "}" in m.template for k, _ in m.args)
    text = str(m)
    assert "{" not in text.replace(m.fields.get("function", ""), "") and text == m.render()
