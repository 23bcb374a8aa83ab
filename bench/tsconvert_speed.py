"""Benchmark: the tree-sitter -> ast fallback converter on large and pathological inputs.

    python bench/tsconvert_speed.py

Prints seconds per case (typing.py of the running interpreter, a 10 MB file ending in a
syntax error, 100,000-term operator chains, 10,000-deep nestings).  Not a test: figures
depend on the machine, so they are printed, never asserted.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from asyncaudit.parse.tsconvert import parse_with_tree_sitter


def _time(label: str, src: bytes) -> None:
    started = time.perf_counter()
    parse_with_tree_sitter(src)
    took = time.perf_counter() - started
    print(f"{label:<28} {len(src) / 1e6:8.2f} MB {took:8.3f} s")


def main() -> None:
    typing_py = (Path(sys.modules["typing"].__file__)).read_bytes()
    parse_with_tree_sitter(typing_py)  # warm up
    n = typing_py.count(b"\n")
    started = time.perf_counter()
    parse_with_tree_sitter(typing_py)
    print(f"{'typing.py':<28} {n:8d} ln {(time.perf_counter() - started) * 3000 / n:8.3f} s per 3000 lines")
    line = b"lorem ipsum dolor sit amet " * 40 + b"\n"
    _time("10 MB, syntax error at end", b"DATA = '''\n" + line * (10_000_000 // len(line)) + b"'''\ndef f(:\n")
    _time("100k-term + chain", b"x = " + b"+".join([b"a"] * 100_000) + b"\n")
    _time("100k-term and chain", b"x = " + b" and ".join([b"a"] * 100_000) + b"\n")
    _time("10k nested parens", b"x = " + b"(" * 10_000 + b"1" + b")" * 10_000 + b"\n")
    _time("10k attribute chain", b"x = a" + b".b" * 10_000 + b"\n")


if __name__ == "__main__":
    main()
