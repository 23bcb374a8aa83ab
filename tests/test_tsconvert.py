"""The tree-sitter fallback parser converts to the same `ast` trees as `ast.parse`.

Equality is checked on `ast.dump(..., include_attributes=True)` after one
normalisation: positions of nodes *inside* f-strings (`JoinedStr` parts and the
expressions in them) are dropped, because CPython 3.11 computes them in quirky
ways that the converter does not reproduce (see the module docstring).
"""

from __future__ import annotations

import ast
import random
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest

from asyncaudit.parse.tsconvert import parse_with_tree_sitter

STDLIB = Path(sysconfig.get_paths()["stdlib"])
HAS_TYPE_ALIAS = hasattr(ast, "TypeAlias")
HAS_PEP701 = sys.version_info >= (3, 12)
_POSITIONS = ("lineno", "col_offset", "end_lineno", "end_col_offset")
DEPTH_MESSAGE = "nesting deeper than {} levels; inner expression skipped"


def normalized_dump(tree: ast.AST) -> str:
    removed: list[tuple[ast.AST, str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for sub in ast.walk(node):
                for attr in _POSITIONS if sub is not node else ():
                    if attr in sub.__dict__:
                        removed.append((sub, attr, sub.__dict__.pop(attr)))
    try:
        return ast.dump(tree, include_attributes=True)
    finally:  # leave the tree compilable
        for sub, attr, value in removed:
            setattr(sub, attr, value)


def convert(src: str | bytes, **kwargs: int) -> tuple[ast.Module, list[tuple[int, str]]]:
    data = src.encode() if isinstance(src, str) else src
    module, diags = parse_with_tree_sitter(data, **kwargs)
    assert isinstance(module, ast.Module)
    return module, diags


def assert_same_as_ast(src: str | bytes, expected_src: str | bytes | None = None) -> ast.Module:
    module, diags = convert(src)
    assert diags == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes in the samples
        expected = ast.parse(src if expected_src is None else expected_src)
    assert normalized_dump(module) == normalized_dump(expected)
    assert compiles(module) == compiles(expected)
    return module


def compiles(tree: ast.AST) -> bool:
    """Compile ``tree``: a malformed tree raises, a semantic error returns False."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "'ellipsis' object is not callable" etc.
            compile(tree, "<converted>", "exec", dont_inherit=True)
    except SyntaxError:  # e.g. ``nonlocal`` at module level: ast.parse accepts it too
        return False
    return True


def ast_depth(tree: ast.AST) -> int:
    best, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        best = max(best, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return best


def names(module: ast.Module) -> list[str]:
    return [s.name for s in module.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


# --------------------------------------------------------------------------
# round trip over real files


def _corpus() -> list[Path]:
    files: list[Path] = []
    for name in ("asyncio", "email", "json", "concurrent", "pathlib", "typing.py", "dataclasses.py", "argparse.py"):
        path = STDLIB / name
        if path.is_dir():
            files.extend(sorted(path.rglob("*.py")))
        elif path.with_suffix(".py").is_file():
            files.append(path.with_suffix(".py"))
    return files


CORPUS = _corpus()


def test_corpus_found() -> None:
    assert len(CORPUS) > 50


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(STDLIB)))
def test_stdlib_round_trip(path: Path) -> None:
    assert_same_as_ast(path.read_bytes())


# --------------------------------------------------------------------------
# one of every construct (valid for CPython 3.11)

ZOO = {
    "calls": "f(a, *b, c=1, **d)\nf(x for x in y)\nf(*a, *b, **c, **d)\ng()()[0](1)\nf(a)(b=2)\n",
    "names_attributes": "a.b.c\n(a).b\na . b\n",
    "defs": (
        "@dec\n@dec2(1)\ndef f(a, /, b: int = 1, *args: str, c, d=2, **kw) -> None:\n    '''doc'''\n    return a\n"
        "async def g(*, x=None): ...\n"
        "def h(a, b, /): pass\ndef k(a=1, /, b=2, *, c): pass\ndef m(*, a, b=1, **k): pass\n"
        "class C(Base, metaclass=Meta, **kw):\n    x: int = 1\n    def meth(self): pass\n"
        "@decorator\nclass D: pass\nclass E(): pass\n"
    ),
    "imports": (
        "import a\nimport a.b.c as d, e\nfrom . import x\nfrom .. import y as z\n"
        "from .a.b import (c, d as e,)\nfrom a import *\nfrom __future__ import annotations\nfrom ... import q\n"
    ),
    "assignments": (
        "a = b = c\na, b = c\n[a, *b] = c\na.b = 1\na[0] = 1\na: int\na: int = 1\n(a): int = 1\na.b: int\n"
        "a += 1\na.b -= 1\na[0] **= 2\n(a, b), c = d\nx = yield\n"
        "a @= b\na //= b\na >>= b\na <<= b\na &= b\na ^= b\na |= b\na %= b\na /= b\na *= b\n"
    ),
    "walrus": "if (n := len(a)) > 10: pass\n[y := f(x), y**2]\nprint(x := 1)\n",
    "with": (
        "with a: pass\nwith a as b, c as (d, e): pass\nwith (a as b, c as d,): pass\nwith (a, b): pass\n"
        "with (yield): pass\nwith (\n    m() as x\n):\n    pass\nasync def f():\n    async with a as b:\n        pass\n"
    ),
    "loops": (
        "for a, b in c: pass\nelse: pass\nwhile x: break\nelse: continue\n"
        "async def f():\n    async for x in y: pass\n    else: pass\nfor (a) in b: pass\nfor x, in y: pass\n"
    ),
    "if": "if a: pass\nelif b: pass\nelif c: pass\nelse: pass\nif a:\n    pass\n# c\nelse:\n    pass\n",
    "try": (
        "try: pass\nexcept A: pass\nexcept (B, C) as e: pass\nexcept: pass\nelse: pass\nfinally: pass\n"
        "try:\n    pass\nfinally:\n    pass\n"
    ),
    "try_star": "try: pass\nexcept* A: pass\nexcept* (B, C) as e: pass\n",
    "comprehensions": (
        "[x for x in y if x if z for w in x]\n{x for x in y}\n{k: v for k, v in d.items()}\n(x for x in y)\n"
        "async def f():\n    [x async for x in y]\n    await z\n"
    ),
    "lambda": "lambda: 0\nlambda x, *y, z=1, **k: x\nlambda *, a: a\nlambda a, /, b: 0\n",
    "operators": (
        "a + b * c - d / e // f % g ** h @ i\n-a ** -b\n~a & b | c ^ d << e >> f\n~1 ^ 1 & 1 | 1 & 1 ^ -1\n"
        "not a and b or c\na and b and c or d or e\na < b <= c == d != e > f >= g in h not in i is j is not k\n"
        "x if y else z\n+a\n"
    ),
    "literals": (
        "1\n1.5\n1e10\n1j\n2.5J\n0x_FF\n0o17\n0b1\n1_000_000\n00\n'a'\nb'b'\nr'\\d'\nu'u'\nTrue\nFalse\nNone\n...\n"
        "'a' 'b'\n'''multi\nline'''\n'\\N{BULLET}\\x41\\u00e9\\101\\n\\q'\nb'\\x41\\777\\q'\nr'\\\\'\nx = '\\\\'\n"
        "'line \\\ncontinued'\n"
    ),
    "displays": "[1, 2, *a]\n(1,)\n()\n{1, *b}\n{}\n{1: 2, **d, 3: 4}\n[]\n(1, 2,)\n",
    "slices": "a[1]\na[1:2]\na[1:2:3]\na[::]\na[:, 1]\na[1:, ::2]\na[...]\na[()]\na[1,]\na[*b]\nGeneric[*Ts]\n",
    "global_nonlocal": "def f():\n    global a, b\n    def g():\n        nonlocal c\n",
    "raise_assert_del": (
        "raise\nraise E\nraise E from e\nassert x\nassert x, 'msg'\ndel a\ndel a, b[0], c.d\ndel (a, b)\ndel [a]\n"
    ),
    "await_yield": (
        "async def f():\n    await x ** 2\n    await x if False else 1\n    return await y\n"
        "def g():\n    yield\n    yield 1, 2\n    yield from x\n    x = yield y\n"
    ),
    "starred": "a, *b = c\nx = *a, *b\nprint(*a.b(), *c[0])\nfor *a, b in c: pass\nx = [*tuple[int]]\n",
    "match": (
        "match p:\n"
        "    case 1 | 2 | -3:\n        pass\n"
        "    case [a, *rest, b] if a:\n        pass\n"
        "    case (x, y):\n        pass\n"
        "    case {'k': v, 1: [*_], **rest}:\n        pass\n"
        "    case Point(x=0, y=yy) | Point(1, 2):\n        pass\n"
        "    case a.b.c:\n        pass\n"
        "    case None | True | False:\n        pass\n"
        "    case str() as s:\n        pass\n"
        "    case 1+2j | -1.5-3j | 'a' 'b' | b'x':\n        pass\n"
        "    case (a):\n        pass\n"
        "    case _:\n        pass\n"
        "match a, b,:\n    case x, y,:\n        pass\n"
        "match x:\n    case [1, 2] as z if z: pass\n    case {}: pass\n    case []: pass\n    case (): pass\n"
    ),
    "soft_keywords": (
        "match = 1\ntype = 2\nmatch(x)\ntype(x).y = 1\nif x:\n    type(self).attr[0] = 2\n"
        "print(match.group, type.mro)\ncase = 3\n_ = 4\n"
    ),
    "fstrings": (
        "f'{x}'\nf'a{x!r:>{w}.{p}}b'\nf'{x=}'\nf'{x = !s:10}'\nf'{{literal}}'\nf'{x:=10}'\nf'{(x:=10)}'\n"
        "f'''{\n x\n}'''\nrf'\\d{x}'\n'a' f'{b}' 'c'\nf''\nu'a' f'{b}'\nf'{a}' rf'\\\\'\n"
    ),
    "semicolons": "a = 1; b = 2;\nif x: a; b;\ndef f():\n    x = 1; del x;\n",
    "comments_and_continuations": (
        "x = [1,  # one\n     2]  # two\ny = 1 + \\\n    2\nif x:\n    pass\n    # trailing\n"
    ),
    "unicode": "é = 'ü'\nx = 'ñ' + é  # ✓\nﬁ = 1\n",
    "decorator_expressions": "@a.b[0](c)\ndef f(): pass\n@(lambda f: f)\nclass C: pass\n",
    "print_chevron": "print >>f, 1\n",
    "crlf": "x = 1\r\nif x:\r\n    y = (1,\r\n         2)\r\n",
}


@pytest.mark.parametrize("name", sorted(ZOO))
def test_construct_round_trip(name: str) -> None:
    assert_same_as_ast(ZOO[name])


def test_match_pattern_kinds() -> None:
    module = assert_same_as_ast(ZOO["match"])
    kinds = {type(p).__name__ for p in ast.walk(module) if isinstance(p, ast.pattern)}
    assert kinds >= {
        "MatchValue", "MatchSingleton", "MatchSequence", "MatchMapping", "MatchClass",
        "MatchStar", "MatchAs", "MatchOr",
    }


def test_bom_and_coding_cookie() -> None:
    assert_same_as_ast(b"\xef\xbb\xbfx = 1\n")
    latin1 = "# -*- coding: latin-1 -*-\nx = 'é'  # é\n".encode("latin-1")
    module = assert_same_as_ast(latin1)
    assert module.body[0].value.value == "é"


# --------------------------------------------------------------------------
# syntax newer than the running interpreter


def _blank(src: str, *parts: str) -> str:
    """``src`` with each of ``parts`` replaced by spaces (positions kept)."""
    for part in parts:
        assert part in src
        src = src.replace(part, " " * len(part), 1)
    return src


def test_pep695_type_alias() -> None:
    src = "type Alias[T] = list[T]\ntype Simple = int | None\n"
    module, diags = convert(src)
    assert diags == []
    if HAS_TYPE_ALIAS:
        assert normalized_dump(module) == normalized_dump(ast.parse(src))
        return
    first, second = module.body
    for stmt, line in ((first, 1), (second, 2)):
        assert isinstance(stmt, ast.Assign)
        assert (stmt.lineno, stmt.col_offset, stmt.end_lineno) == (line, 0, line)
        assert isinstance(stmt.targets[0], ast.Name) and isinstance(stmt.targets[0].ctx, ast.Store)
    assert first.targets[0].id == "Alias" and first.targets[0].col_offset == 5
    assert first.end_col_offset == len("type Alias[T] = list[T]")
    expected_src = src.replace("type ", "x=0; ")  # same columns, valid on 3.11
    expected = ast.parse(_blank(expected_src, "[T]"))
    del expected.body[0::2]
    assert ast.dump(first.value, include_attributes=True) == ast.dump(expected.body[0].value, include_attributes=True)
    assert ast.dump(second.value, include_attributes=True) == ast.dump(expected.body[1].value, include_attributes=True)
    assert compiles(module)


def test_pep695_generic_def_and_class() -> None:
    src = (
        "def f[T: int, *Ts, **P](x: T, *a: *Ts) -> T:\n    return x\n"
        "class C[T](Base, metaclass=M):\n    def m[S](self, s: S) -> S: ...\n"
        "async def g[T: (int, str)](): pass\n"
    )
    module, diags = convert(src)
    assert diags == []
    if HAS_TYPE_ALIAS:
        expected = ast.parse(src)
    else:
        expected = ast.parse(_blank(src, "[T: int, *Ts, **P]", "[T]", "[S]", "[T: (int, str)]"))
    assert normalized_dump(module) == normalized_dump(expected)
    assert compiles(module)


@pytest.mark.parametrize("star", ["", "*"])
def test_pep758_except_without_parentheses(star: str) -> None:
    src = f"try:\n    pass\nexcept{star} ValueError, TypeError:\n    pass\n"
    module, diags = convert(src)
    assert diags == []
    try:
        expected = ast.parse(src)  # Python 3.14+
    except SyntaxError:
        expected = None
    if expected is not None:
        assert normalized_dump(module) == normalized_dump(expected)
    (stmt,) = module.body
    assert isinstance(stmt, ast.TryStar if star else ast.Try)
    handler_type = stmt.handlers[0].type
    assert isinstance(handler_type, ast.Tuple)
    assert [e.id for e in handler_type.elts] == ["ValueError", "TypeError"]
    start = len(f"except{star} ")
    assert (handler_type.lineno, handler_type.col_offset) == (3, start)
    assert handler_type.end_col_offset == start + len("ValueError, TypeError")
    assert compiles(module)


@pytest.mark.parametrize(
    "src, equivalent",
    [
        ('x = f"{"a" + y}"\n', "x = f\"{'a' + y}\"\n"),
        ('x = f"{d["key"]!r:>{w}}" f"{d["k"]}"\n', "x = f\"{d['key']!r:>{w}}\" f\"{d['k']}\"\n"),
        ('x = f"{f"{y!s}"}"\n', "x = f\"{f'{y!s}'}\"\n"),
    ],
)
def test_pep701_nested_quotes(src: str, equivalent: str) -> None:
    module, diags = convert(src)
    assert diags == []
    expected = ast.parse(src if HAS_PEP701 else equivalent)
    assert normalized_dump(module) == normalized_dump(expected)
    assert compiles(module)


def test_pep701_comments_and_backslashes() -> None:
    src = 'x = f"""{\n    a  # the value\n}{"\\n".join(b)}"""\n'
    module, diags = convert(src)
    assert diags == []
    if HAS_PEP701:
        assert normalized_dump(module) == normalized_dump(ast.parse(src))
    joined = module.body[0].value
    assert isinstance(joined, ast.JoinedStr)
    first, second = joined.values
    assert isinstance(first.value, ast.Name) and first.value.id == "a"
    assert isinstance(second.value, ast.Call)
    assert second.value.func.value.value == "\n"
    assert compiles(module)


# --------------------------------------------------------------------------
# broken input: skip the smallest broken statement, keep the rest


def test_syntax_error_between_functions() -> None:
    src = (
        "import asyncio\n"
        "\n"
        "async def before():\n"
        "    await asyncio.sleep(1)\n"
        "\n"
        "def broken(:\n"
        "    pass\n"
        "\n"
        "async def after():\n"
        "    return 2\n"
    )
    module, diags = convert(src)
    assert names(module) == ["before", "after"]
    assert len(diags) == 1
    line, message = diags[0]
    assert line == 6 and message.startswith("syntax error: ")
    assert compiles(module)


def test_unclosed_bracket_does_not_swallow_the_rest() -> None:
    src = "def before():\n    return 1\n\nx = foo(1,\n\ndef after():\n    return 2\n"
    module, diags = convert(src)
    assert names(module) == ["before", "after"]
    assert [line for line, _ in diags] == [4]


def test_error_inside_method_keeps_class_and_siblings() -> None:
    src = (
        "class C:\n"
        "    async def m1(self):\n"
        "        await x\n"
        "\n"
        "    def m2(self):\n"
        "        y = [1, 2\n"
        "        return y\n"
        "\n"
        "    async def m3(self):\n"
        "        async with lock:\n"
        "            pass\n"
        "\n"
        "def tail():\n"
        "    pass\n"
    )
    module, diags = convert(src)
    assert names(module) == ["C", "tail"]
    cls = module.body[0]
    assert [m.name for m in cls.body] == ["m1", "m2", "m3"]
    m2 = cls.body[1]
    assert isinstance(m2.body[-1], ast.Return)
    assert [line for line, _ in diags] == [6]
    assert cls.body[2].lineno == 9 and cls.body[2].body[0].lineno == 10


def test_broken_clause_body_keeps_other_clauses() -> None:
    src = "try:\n    x = (\nexcept Exception:\n    pass\nfinally:\n    cleanup()\ny = 1\n"
    module, diags = convert(src)
    stmt = module.body[0]
    assert isinstance(stmt, ast.Try)
    assert len(stmt.handlers) == 1 and isinstance(stmt.finalbody[0], ast.Expr)
    assert isinstance(module.body[1], ast.Assign)
    assert [line for line, _ in diags] == [2]
    assert compiles(module)


def test_dedent_inside_brackets_and_bad_indentation() -> None:
    src = "def f():\n    return 1\n  stray = 2\ndef g():\n    pass\n"
    module, diags = convert(src)
    assert names(module) == ["f", "g"]
    assert [line for line, _ in diags] == [3]


def test_python2_print_is_a_skipped_statement() -> None:
    module, diags = convert('x = 1\nprint "hello"\ny = 2\n')
    assert [type(s).__name__ for s in module.body] == ["Assign", "Assign"]
    assert diags[0][0] == 2 and "print" in diags[0][1]


def test_not_utf8() -> None:
    module, diags = convert(b"x = 1\n\xff\xfe = 2\ny = 'caf\xe9'\nz = 3\n")
    assert any(line == 2 and "utf-8" in msg for line, msg in diags)
    targets = [s.targets[0].id for s in module.body]
    assert targets[0] == "x" and targets[-1] == "z"


def test_nul_bytes() -> None:
    module, diags = convert(b"x = 1\ny = 2\x00\nz = 3\n")
    assert [s.targets[0].id for s in module.body] == ["x", "y", "z"]
    assert diags and diags[0][0] == 2 and "NUL" in diags[0][1]


def test_binary_data() -> None:
    module, diags = convert(random.Random(1).randbytes(100_000))
    assert module.body == [] and any("binary" in msg for _, msg in diags)


@pytest.mark.parametrize("src", [b"", b"\n\n", b"# only a comment", b"   ", b"\xef\xbb\xbf"])
def test_empty_files(src: bytes) -> None:
    module, diags = convert(src)
    assert module.body == [] and diags == []


def test_str_input_is_accepted() -> None:
    module, _ = parse_with_tree_sitter("x = 1\n")  # type: ignore[arg-type]
    assert isinstance(module.body[0], ast.Assign)


def test_mutated_files_never_raise() -> None:
    rng = random.Random(20240611)
    sources = [p.read_bytes() for p in CORPUS[:40]]
    inserts = [b"(", b")", b"[", b":", b'"""', b"'", b"\n  ", b"def ", b"\\", b""]
    for _ in range(60):
        src = bytearray(rng.choice(sources))
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(src) or 1)
            src[i:i + rng.randint(0, 8)] = rng.choice(inserts)
        module, _ = convert(bytes(src))
        compiles(module)  # SyntaxError (e.g. 'return' outside function) is fine, TypeError is not


# --------------------------------------------------------------------------
# depth and size limits


def _nested(open_: str, close: str, n: int = 10_000) -> bytes:
    return f"x = {open_ * n}1{close * n}\n".encode()


@pytest.mark.parametrize(
    "src",
    [
        _nested("(", ")"),
        _nested("[", "]"),
        _nested("f(", ")"),
        _nested("{1: ", "}"),
        _nested("f(a=", ")"),
        _nested("a[", ":]"),
        _nested("-", ""),
        _nested("lambda: ", ""),
        b"x = a" + b".b" * 10_000 + b"\n",
        b"x = " + b"**".join([b"a"] * 10_000) + b"\n",
    ],
    ids=["parens", "lists", "calls", "dicts", "keywords", "slices", "unary", "lambdas", "attributes", "power"],
)
def test_deep_nesting(src: bytes) -> None:
    limit = sys.getrecursionlimit()
    module, diags = convert(src)
    assert sys.getrecursionlimit() == limit
    assert diags == [(1, DEPTH_MESSAGE.format(200))]
    assert ast_depth(module) <= 205
    assert any(isinstance(n, ast.Constant) and n.value is ... for n in ast.walk(module))
    ast.NodeVisitor().visit(module)
    assert compiles(module)


def test_max_depth_parameter() -> None:
    module, diags = convert(_nested("(", ")", 500), max_depth=20)
    assert diags == [(1, DEPTH_MESSAGE.format(20))]
    assert ast_depth(module) <= 25
    module, diags = convert("x = ((((1))))\n", max_depth=20)
    assert diags == [] and module.body[0].value.value == 1


def test_deep_blocks() -> None:
    src = "".join(" " * i + "if x:\n" for i in range(300)) + " " * 300 + "pass\n"
    module, diags = convert(src)
    # past Python's own 100 levels the lines never reach tree-sitter (its scanner
    # overflows from ~500): one diagnostic, the block at level 100 keeps a `...` body
    assert diags == [(102, "nesting deeper than 100 indentation levels (Python's own limit); "
                           "200 lines that deep skipped")]
    assert ast_depth(module) <= 205
    assert compiles(module)


def test_long_operator_chains() -> None:
    terms = 100_000
    module, diags = convert(b"x = " + b"+".join([b"a"] * terms) + b"\n")
    assert diags == [(1, DEPTH_MESSAGE.format(200))]
    assert ast_depth(module) <= 205
    assert compiles(module)
    # ``and`` chains are one flat BoolOp, exactly as ast.parse builds them.
    module, diags = convert(b"x = " + b" and ".join([b"a"] * terms) + b"\n")
    assert diags == []
    assert len(module.body[0].value.values) == terms


def test_ten_megabyte_file() -> None:
    line = b"lorem ipsum dolor sit amet " * 40 + b"\n"
    src = (
        b"async def before():\n    pass\n\nDATA = '''\n"
        + line * (10_000_000 // len(line))
        + b"'''\n\nasync def after(:\n    pass\n"
    )
    module, diags = convert(src)
    assert [type(s).__name__ for s in module.body] == ["AsyncFunctionDef", "Assign"]
    assert len(diags) == 1 and diags[0][1].startswith("syntax error: ")
    assert diags[0][0] == src.count(b"\n") - 1


