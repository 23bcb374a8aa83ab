"""`asyncaudit.audit` in process, from hand-built findings: grouping into violations,
evidence quoting, recommendations, and the score the report computes (README, "The
audit report")."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import chain, compliant, finding, hop, loc, path_chain, result

from asyncaudit import audit
from asyncaudit.model import Chain, Hop, Location, Severity
from asyncaudit.sourcetext import SourceText

P = "/proj/app/svc.py"


def _names(groups: list[list]) -> list[list[str]]:
    return sorted(sorted(f"{f.function}@{f.location.line}" for f in g) for g in groups)


# ---- grouping --------------------------------------------------------------------------------

@pytest.mark.parametrize(("hops", "deep"), [(1, False), (2, False), (3, False), (4, True), (6, True)])
def test_depth_threshold_more_than_three_calls_is_deep(hops: int, deep: bool) -> None:
    """Two sites in one async function through two different helpers: shallow chains are
    one violation (grouped by the async function), deep ones two (grouped by helper)."""
    def site(helper: str, line: int):  # noqa: ANN202
        helpers = [f"m.{helper}"] + [f"m.{helper}_{i}" for i in range(hops - 2)] if hops > 1 else []
        return finding(path_chain(P, "file", "builtins.open", "m.run", helpers, first_line=line))

    a, b = site("h1", 10), site("h2", 30)
    if hops == 1:  # two direct sinks: no helper at all
        b = finding(path_chain(P, "sleep", "time.sleep", "m.run", [], first_line=30))
    groups = audit.group([a, b])
    assert len(groups) == (2 if deep else 1)


def test_deep_chains_group_by_boundary_helper_across_async_functions() -> None:
    deep = ["m.load", "m.parse", "m.read"]  # 4 calls: run -> load -> parse -> read -> open
    a = finding(path_chain(P, "file", "builtins.open", "m.run", deep, first_line=10))
    b = finding(path_chain(P, "file", "builtins.open", "m.serve", deep, first_line=40))
    c = finding(path_chain(P, "file", "builtins.open", "m.serve", ["m.other", "m.x", "m.y"], first_line=70))
    assert _names(audit.group([a, b, c])) == [["m.run@10", "m.serve@40"], ["m.serve@70"]]


def test_shallow_sites_union_find_over_shared_boundary_helpers() -> None:
    """a and b share helper h1, b and c share h2: one violation for a, b and c (the merge
    is transitive); d shares only `builtins.open`, which is no helper of the project."""
    a = finding(path_chain(P, "file", "builtins.open", "m.a", ["m.h1"], first_line=10))
    b1 = finding(path_chain(P, "file", "builtins.open", "m.b", ["m.h1"], first_line=20))
    b2 = finding(path_chain(P, "sleep", "time.sleep", "m.b", ["m.h2"], first_line=22))
    c = finding(path_chain(P, "sleep", "time.sleep", "m.c", ["m.h2"], first_line=30))
    d = finding(path_chain(P, "file", "builtins.open", "m.d", [], first_line=40))
    e = finding(path_chain(P, "file", "builtins.open", "m.e", [], first_line=50))
    assert _names(audit.group([a, b1, b2, c, d, e])) == [
        ["m.a@10", "m.b@20", "m.b@22", "m.c@30"], ["m.d@40"], ["m.e@50"]]


def test_stdlib_boundary_targets_do_not_merge_functions() -> None:
    # a method of pathlib / os / builtins shared by two functions is not a shared root cause
    for sink in ("pathlib.Path.read_text", "os.listdir", "builtins.open"):
        cat = "dirwalk" if sink == "os.listdir" else "file"
        a = finding(path_chain(P, cat, sink, "m.a", [], first_line=10))
        b = finding(path_chain(P, cat, sink, "m.b", [], first_line=20))
        assert len(audit.group([a, b])) == 2, sink


def test_other_rules_attach_to_the_violation_whose_chain_passes_through_them() -> None:
    blocking = finding(path_chain(P, "file", "builtins.open", "m.run", ["m.read_manifest"], first_line=10))
    aa301 = finding(code="AA301", function="m.read_manifest", location=loc(P, 3, 1))
    aa302 = finding(code="AA302", function="m.unrelated", location=loc(P, 50, 5))
    groups = audit.group([blocking, aa301, aa302])
    assert _names(groups) == [["m.read_manifest@3", "m.run@10"], ["m.unrelated@50"]]


def test_standalone_rule_findings_group_by_pattern() -> None:
    other = "/proj/app/other.py"
    fs = [
        finding(code="AA304", function="m.a", location=loc(P, 10)),  # AA304/AA305: one per code
        finding(code="AA304", function="n.b", location=loc(other, 20)),
        finding(code="AA305", function="m.a", location=loc(P, 12)),
        finding(code="AA306", function="m.get", location=loc(P, 30, 1)),  # AA306: one per file
        finding(code="AA306", function="m.post", location=loc(P, 40, 1)),
        finding(code="AA306", function="n.put", location=loc(other, 5, 1)),
        finding(code="AA303", function="m.sync_a", location=loc(P, 60)),  # others: one per function
        finding(code="AA303", function="m.sync_b", location=loc(P, 70)),
    ]
    assert _names(audit.group(fs)) == [
        ["m.a@10", "n.b@20"], ["m.a@12"], ["m.get@30", "m.post@40"], ["m.sync_a@60"], ["m.sync_b@70"],
        ["n.put@5"]]


def test_titles_name_the_kind_the_functions_and_a_deep_helper() -> None:
    deep = ["m.load", "m.parse", "m.read"]
    g = [finding(path_chain(P, "file", "builtins.open", "m.run", deep, first_line=10)),
         finding(path_chain(P, "file", "builtins.open", "m.serve", deep, first_line=40))]
    assert audit._title(g) == ("Async `run` and `serve` reach blocking file read/write through `load` "
                               "(3-call chain)")
    shallow = [finding(path_chain(P, "sleep", "time.sleep", "m.run", [], first_line=10))]
    assert audit._title(shallow) == "Synchronous sleep inside async `run`"


def test_violation_id_is_stable_and_ignores_attached_rule_findings() -> None:
    blocking = finding(path_chain(P, "file", "builtins.open", "m.run", ["m.read_manifest"], first_line=10))
    aa301 = finding(code="AA301", function="m.read_manifest", location=loc(P, 3, 1))
    moved = finding(path_chain(P, "file", "builtins.open", "m.run", ["m.read_manifest"], first_line=90))
    assert audit._violation_id([blocking]) == audit._violation_id([blocking, aa301])
    assert audit._violation_id([blocking]) == audit._violation_id([moved])  # survives edits moving lines
    other = finding(path_chain(P, "file", "builtins.open", "m.serve", ["m.read_manifest"], first_line=10))
    assert audit._violation_id([blocking]) != audit._violation_id([other])


# ---- evidence --------------------------------------------------------------------------------

SOURCE = '''\
import time


def read_settings(path):
    with open(path) as fh:
        return fh.read()


def helper_with_a_rather_long_name_to_force_trimming(argument_one, argument_two, argument_three, four):
    value = 1
    time.sleep(0.1)


@decorator
async def handle(path):
    x = 1
    y = 2
    settings = read_settings(path)
    return settings
'''


def _source(tmp_path: Path) -> str:
    p = tmp_path / "svc.py"
    p.write_text(SOURCE, encoding="utf-8")
    return str(p)


def test_evidence_quotes_def_lines_and_every_hop_with_gaps(tmp_path: Path) -> None:
    p = _source(tmp_path)
    c = chain("file", hop(p, 18, "svc.handle", "read_settings", "svc.read_settings", col=16),
              hop(p, 5, "svc.read_settings", "open", "builtins.open", col=10))
    defs = {"svc.handle": (p, 14), "svc.read_settings": (p, 4)}
    blocks = audit.evidence([finding(c)], SourceText(), defs)
    # one file: one block; the decorated def is found below its decorator; "..." marks
    # skipped lines, indented like the next quoted line; one blank line between functions
    assert blocks == ["async def handle(path):\n"
                      "    ...\n"
                      "    settings = read_settings(path)\n"
                      "\n"
                      "def read_settings(path):\n"
                      "    with open(path) as fh:"]


def test_evidence_trims_long_lines_and_headers(tmp_path: Path) -> None:
    p = _source(tmp_path)
    c = chain("sleep", hop(p, 18, "svc.handle", "read_settings", "svc.helper"),
              hop(p, 11, "svc.helper", "time.sleep", "time.sleep"))
    defs = {"svc.handle": (p, 14), "svc.helper": (p, 9)}
    block = audit.evidence([finding(c)], SourceText(), defs)[0]
    # a def line over 100 characters is shown as `def name(...):`
    assert "def helper_with_a_rather_long_name_to_force_trimming(...):\n    ...\n    time.sleep(0.1)" in block


def test_evidence_one_block_per_file_and_a_cap_on_functions(tmp_path: Path) -> None:
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("async def run():\n    step0()\n", encoding="utf-8")
    b.write_text("".join(f"def step{i}():\n    step{i + 1}()\n" for i in range(10)), encoding="utf-8")
    hops = [hop(a, 2, "a.run", "step0", "b.step0")]
    hops += [hop(b, 2 * i + 2, f"b.step{i}", f"step{i + 1}", f"b.step{i + 1}") for i in range(9)]
    defs = {"a.run": (str(a), 1), **{f"b.step{i}": (str(b), 2 * i + 1) for i in range(10)}}
    blocks = audit.evidence([finding(chain("file", *hops))], SourceText(), defs)
    assert blocks[0] == "async def run():\n    step0()"
    assert blocks[1].startswith("def step0():\n    step1()\n\ndef step1():")
    assert "def step5():" in blocks[1] and "def step6():" not in blocks[1]  # 7 functions shown
    assert blocks[1].endswith("# ... and 3 more functions on these chains")


def test_evidence_of_a_rule_reported_at_its_def_line(tmp_path: Path) -> None:
    p = _source(tmp_path)
    f = finding(code="AA301", function="svc.read_settings", location=loc(p, 4, 1))
    assert audit.evidence([f], SourceText(), {"svc.read_settings": (p, 4)}) == ["def read_settings(path):"]


# ---- recommendations -------------------------------------------------------------------------

def _boundary(tmp_path: Path, code_line: str, helpers: list[str], category: str = "file",
              sink: str = "builtins.open") -> Chain:
    """A chain from the call in `code_line` (line 2 of svc.py, inside `run`), located on
    its real columns: the recommendation quotes the call's source."""
    p = tmp_path / "svc.py"
    p.write_text(f"async def run(path):\n    {code_line}\n", encoding="utf-8")
    call = code_line.split("= ")[-1]
    start = 5 + code_line.index(call)
    callee = call.split("(", 1)[0]
    first = Hop(Location(str(p), 2, start, 2, start + len(call)), "svc.run", callee,
                helpers[0] if helpers else sink)
    rest = path_chain(p, category, sink, "svc.run", helpers, first_line=2).hops[1:]
    return chain(category, first, *rest)


def test_recommendation_offloads_the_boundary_call_with_its_arguments(tmp_path: Path) -> None:
    c = _boundary(tmp_path, 'settings = read_settings(path, mode="r", **extra)', ["svc.read_settings"])
    rec = audit.recommendation([finding(c)], SourceText())
    assert rec == ("At the boundary: `await asyncio.to_thread(read_settings, path, mode='r', **extra)` (`svc.py:2`). "
                   "Better, make `read_settings` async and await it (use async file I/O (aiofiles, anyio.Path)).")


def test_recommendation_uses_the_async_replacement_of_a_direct_sleep(tmp_path: Path) -> None:
    c = _boundary(tmp_path, "time.sleep(1)", [], "sleep", "time.sleep")
    assert audit.recommendation([finding(c)], SourceText()) == (
        "At the boundary: `await asyncio.sleep(1)` instead of `time.sleep(1)` (`svc.py:2`).")


def test_recommendation_for_a_direct_sink_without_asyncio_twin(tmp_path: Path) -> None:
    c = _boundary(tmp_path, "path.read_text()", [], "file", "pathlib.Path.read_text")
    assert audit.recommendation([finding(c)], SourceText()) == (
        "At the boundary: `await asyncio.to_thread(path.read_text)` (`svc.py:2`). "
        "Or move to async I/O: use async file I/O (aiofiles, anyio.Path).")


def test_recommendation_for_a_nested_loop(tmp_path: Path) -> None:
    c = _boundary(tmp_path, "asyncio.run(work())", [], "loop", "asyncio.run")
    assert audit.recommendation([finding(c)], SourceText()).startswith(
        "At the boundary: await the coroutine instead of calling `asyncio.run` (`svc.py:2`).")


def test_recommendation_lists_four_sites_then_counts(tmp_path: Path) -> None:
    p = tmp_path / "svc.py"
    p.write_text("async def run(path):\n" + "".join(f"    load{i}(path)\n" for i in range(6)), encoding="utf-8")
    fs = []
    for i in range(6):
        h = Hop(Location(str(p), i + 2, 5, i + 2, 16), "svc.run", f"load{i}", f"svc.load{i}")
        fs.append(finding(chain("file", h, hop(p, 20, f"svc.load{i}", "open", "builtins.open"))))
    rec = audit.recommendation(fs, SourceText())
    assert rec.count("await asyncio.to_thread(") == 4
    assert "(`svc.py:5`), and the 2 other sites listed." in rec
    assert "Better, make `load0`, `load1`, `load2`, `load3`, `load4` and 1 more async and await them" in rec


def test_recommendation_of_other_rules(tmp_path: Path) -> None:
    one = finding(code="AA305", function="m.a", location=loc(P, 12), recommendation="create it in a TaskGroup")
    assert audit.recommendation([one], SourceText()) == "AA305 (`svc.py:12`): create it in a TaskGroup."
    two = [finding(code="AA301", function="m.a", callee="a", location=loc(P, 3, 1)),
           finding(code="AA301", function="m.b", callee="b", location=loc(P, 9, 1))]
    assert audit.recommendation(two, SourceText()) == "AA301: make `a` and `b` `async def` on async I/O and await them."
    many = [finding(code="AA304", function="m.a", location=loc(P, n), recommendation="use a TaskGroup")
            for n in (3, 9, 12)]
    assert audit.recommendation(many, SourceText()) == (
        "AA304, at each of the 3 sites listed: run the iterations concurrently: one task per item in an "
        "`asyncio.TaskGroup` (or the awaitables passed to `asyncio.gather`).")


# ---- the score the audit computes -----------------------------------------------------------

def _build(findings: list, sites: list, **kw) -> audit.Audit:  # noqa: ANN003
    return audit.build(result(findings, sites, **kw), root=Path("/proj"), date="2026-01-01")


def test_score_weighs_base_categories_not_adjusted_severity() -> None:
    # a Low category reported High (in a loop, on a request path) still weighs 1;
    # the finding's weight is its most severe chain's category
    exists = finding(path_chain(P, "fsmeta", "pathlib.Path.exists", "m.a", [], first_line=10),
                     severity=Severity.HIGH)
    mixed = finding(path_chain(P, "fsmeta", "pathlib.Path.exists", "m.b", ["m.h"], first_line=20),
                    path_chain(P, "network", "requests.get", "m.b", ["m.h"], first_line=20))
    sites = [compliant(P, 40, "m.c", "awaited:network", "httpx.AsyncClient.get"),  # High: 4
             compliant(P, 41, "m.c", "offloaded:asyncio.to_thread"),               # Medium: 2
             compliant(P, 42, "m.c", "awaited:fsmeta", "anyio.Path.exists"),       # Low: 1
             compliant(P, 43, "m.c", "structured:TaskGroup", "asyncio.TaskGroup")]  # not an I/O site
    a = _build([exists, mixed], sites)
    # compliant 4 + 2 + 1 = 7; blocking 1 (exists) + 4 (network, the worst of `mixed`) = 5
    assert a.score == round(100 * 7 / 12) == 58
    assert ("compliant 7, blocking 5; 7 / (7 + 5) = 58.3% → score 58." in a.coverage)
    assert "3 of 5 I/O sites" in a.coverage and "(1 offloaded, 2 awaited async I/O); 2 block" in a.coverage
    assert "(Critical 8, High 4, Medium 2, Low 1)" in a.coverage


def test_critical_and_medium_weights_through_build() -> None:
    nested = finding(path_chain(P, "loop", "asyncio.run", "m.a", [], first_line=10))  # Critical: 8
    opened = finding(path_chain(P, "file", "builtins.open", "m.b", [], first_line=20))  # Medium: 2
    sites = [compliant(P, 40, "m.c", "awaited:database", "aiosqlite.Connection.execute")] * 5  # 5 x High 4
    a = _build([nested, opened], sites)
    assert a.score == round(100 * 20 / 30) == 67


def test_status_follows_score_and_worst_violation() -> None:
    sites = [compliant(P, 40, "m.c", "awaited:network", "httpx.AsyncClient.get")] * 10  # 40
    low = finding(path_chain(P, "fsmeta", "pathlib.Path.exists", "m.a", [], first_line=10))  # 1
    assert (a := _build([low], sites)).score == 98 and a.status == "clean"
    high = finding(path_chain(P, "fsmeta", "pathlib.Path.exists", "m.a", [], first_line=10),
                   severity=Severity.HIGH)
    assert _build([high], sites).status == "violations-found"  # a High violation is never clean
    many = [finding(path_chain(P, "file", "builtins.open", f"m.f{i}", [], first_line=10 + i)) for i in range(3)]
    assert (a := _build(many, sites)).score == 87 and a.status == "violations-found"  # 40 / 46


def test_no_io_site_scores_100_and_no_async_code_is_not_applicable() -> None:
    a = _build([], [])
    assert (a.score, a.status) == (100, "clean") and "score 100 by absence of violations" in a.coverage
    n = _build([], [], async_functions=0)
    assert (n.score, n.status, n.violations) == (None, "not-applicable", [])


def test_test_code_is_left_out_of_the_score() -> None:
    in_tests = finding(path_chain("/proj/tests/test_svc.py", "sleep", "time.sleep", "tests.test_svc.t", [],
                                  first_line=10))
    sites = [compliant(P, 40, "m.c", "awaited:network", "httpx.AsyncClient.get")]
    r = result([in_tests], sites)
    r.test_paths = frozenset({"/proj/tests/test_svc.py"})  # the analysis judged it test code, by path
    a = audit.build(r, root=Path("/proj"), date="2026-01-01")
    assert (a.score, a.violations, a.excluded_test_findings) == (100, [], 1)


# ---- one count, computed once ----------------------------------------------------------------

def test_summary_and_coverage_give_one_compliant_count() -> None:
    """A TaskGroup follows the standard but is no I/O site: the Summary must not count it
    among the compliant I/O sites the Coverage line scores (3 vs 2 on examples/pipeline)."""
    blocking = finding(path_chain(P, "file", "builtins.open", "m.a", [], first_line=10))
    sites = [compliant(P, 40, "m.c", "awaited:network", "httpx.AsyncClient.get"),
             compliant(P, 41, "m.c", "offloaded:asyncio.to_thread"),
             compliant(P, 43, "m.c", "structured:TaskGroup", "asyncio.TaskGroup")]
    a = _build([blocking], sites)
    assert (a.tally.compliant, a.tally.io_sites, a.tally.structured) == (2, 3, 1)
    assert "2 of 3 I/O sites in event-loop contexts already follow the standard" in a.summary
    assert "1 fan-out runs concurrent work in a `TaskGroup` or `gather`" in a.summary
    assert a.coverage.startswith("2 of 3 I/O sites in event-loop contexts follow the standard")
    assert "1 call site blocks the event loop, grouped into 1 violation." in a.summary


# ---- no placeholder text -----------------------------------------------------------------------

def _offload_site(tmp_path: Path, call: str, how: str) -> tuple:
    p = tmp_path / "svc.py"
    p.write_text(f"async def run(loop, hass, path):\n    await {call}\n", encoding="utf-8")
    site = compliant(p, 2, "svc.run", how)
    site = type(site)(Location(str(p), 2, 11, 2, 11 + len(call)), "svc.run", "x", how)
    return site, SourceText()


@pytest.mark.parametrize(("call", "how", "handed"), [
    ("asyncio.to_thread(read, path)", "offloaded:asyncio.to_thread", "read"),
    ("asyncio.to_thread(func=self.store.read)", "offloaded:asyncio.to_thread", "self.store.read"),
    ("loop.run_in_executor(None, read, path)", "offloaded:run_in_executor", "read"),
    ("hass.async_add_executor_job(self._load, path)", "offloaded:async_add_executor_job", "self._load"),
    ("anyio.to_thread.run_sync(partial(read, path))", "offloaded:anyio.to_thread.run_sync", "partial(read, path)"),
])
def test_compliant_example_names_the_offloaded_callable(tmp_path: Path, call: str, how: str, handed: str) -> None:
    site, src = _offload_site(tmp_path, call, how)
    assert audit.offloaded_callable(site, src) == handed
    [ex] = audit.examples([site], src)
    assert ex.text == f"`run` offloads `{handed}` with `{how.split(':', 1)[1]}`"


def test_compliant_example_without_a_readable_callable_says_so(tmp_path: Path) -> None:
    site, src = _offload_site(tmp_path, "asyncio.to_thread(*job)", "offloaded:asyncio.to_thread")
    assert audit.offloaded_callable(site, src) is None
    [ex] = audit.examples([site], src)
    assert ex.text == "`run` runs its blocking work off the event loop with `asyncio.to_thread`"
    assert "a blocking call" not in ex.text


def test_recommendations_quote_the_code_not_placeholders(tmp_path: Path) -> None:
    """Every template path: the boundary call rewritten from its source, a callee the
    facts could only render as `<expr>`, a call too long to quote, the category advice,
    and the other rules' generic wording (`(...)`)."""
    p = tmp_path / "svc.py"
    long_arg = "x" * 200
    p.write_text("async def run(path):\n    handlers[0](path)\n    time.sleep(delay * 2)\n"
                 f"    load(path, {long_arg})\n", encoding="utf-8")
    indexed = finding(chain("file", Hop(Location(str(p), 2, 5, 2, 22), "svc.run", "<expr>", "svc.h"),
                            hop(p, 9, "svc.h", "open", "builtins.open")), callee="<expr>")
    slept = finding(chain("sleep", Hop(Location(str(p), 3, 5, 3, 26), "svc.run", "time.sleep", "time.sleep")))
    long = finding(chain("file", Hop(Location(str(p), 4, 5, 4, 17 + len(long_arg)), "svc.run", "load", "svc.load"),
                         hop(p, 9, "svc.load", "open", "builtins.open")))
    guard = finding(chain("file", hop(p, 12, "svc.g", "open", "builtins.open")), code="AA302", function="svc.g",
                    callee="asyncio.get_running_loop", location=loc(p, 11),
                    recommendation="make `g` `async def` and offload or replace the blocking calls "
                                   "(`await asyncio.to_thread(...)`)")
    loops = [finding(code="AA304", function=f"svc.f{i}", location=loc(p, 20 + i), callee="fetch",
                     recommendation="create one task per item (or `await asyncio.gather(...)`)") for i in range(2)]
    rec = audit.recommendation([indexed, slept, long, guard, *loops], SourceText(), tmp_path)
    assert "`await asyncio.to_thread(handlers[0], path)` (`svc.py:2`)" in rec
    assert "`await asyncio.sleep(delay * 2)` instead of `time.sleep(delay * 2)` (`svc.py:3`)" in rec
    assert "pass `load` and its arguments to `asyncio.to_thread` (`svc.py:4`)" in rec
    assert "AA302 (`svc.py:11`): make `g` `async def`, and await async replacements of its blocking calls (`open`)" \
        in rec
    assert "use `asyncio.sleep`" in rec or "asyncio.sleep(...)" not in rec
    for placeholder in ("(...)", "<expr>", ", ...)", "[...]", "a blocking call"):
        assert placeholder not in rec, placeholder
    assert audit.callee_text(SourceText(), indexed) == "handlers[0]"


def test_a_constructor_helper_is_not_made_async(tmp_path: Path) -> None:
    p = tmp_path / "svc.py"
    p.write_text("async def run(path):\n    Store(path)\n", encoding="utf-8")
    f = finding(chain("file", Hop(Location(str(p), 2, 5, 2, 16), "svc.run", "Store", "svc.Store.__init__"),
                      hop(p, 9, "svc.Store.__init__", "open", "builtins.open")))
    rec = audit.recommendation([f], SourceText())
    assert "make `Store.__init__` async" not in rec
    assert "A constructor cannot be awaited: move the blocking I/O out of `Store.__init__`" in rec


# ---- trend by root cause -------------------------------------------------------------------------

def _split_findings(fixed_b: bool) -> list:
    """a calls load, c calls save, b calls both: one violation (b joins them).  Fixing b's
    `load` splits it in two by the grouping, and renumbers everything."""
    def site(fn: str, helper: str, line: int):  # noqa: ANN202
        return finding(path_chain(P, "file", "builtins.open", f"m.{fn}", [f"m.{helper}"], first_line=line))

    out = [site("a", "load", 10), site("b", "save", 22), site("c", "save", 30)]
    if not fixed_b:
        out.insert(1, site("b", "load", 20))
    return out


def _prev_report(tmp_path: Path, a: audit.Audit) -> Path:
    import json

    prev = tmp_path / "prev.md"
    prev.write_text(f"<!-- asyncaudit-data: {json.dumps(a.data)} -->\n", encoding="utf-8")
    return prev


def test_fixing_one_site_is_one_site_fixed_not_new_violations(tmp_path: Path) -> None:
    before = _build(_split_findings(False), [])
    assert len(before.violations) == 1
    prev = _prev_report(tmp_path, before)
    after = audit.build(result(_split_findings(True), []), root=Path("/proj"), date="2026-01-08", previous=prev)
    assert len(after.violations) == 2  # the grouping split it...
    tr = after.trend
    assert (len(tr.fixed), len(tr.new), len(tr.still_open)) == (0, 0, 2)  # ...the trend does not care
    assert (tr.fixed_sites, tr.new_sites) == (1, 0)
    assert "0 violations fixed, 0 new, 2 still open (1 site fixed, 0 new, matched by root cause)" in tr.line
    assert all(t.endswith("(split from an earlier violation, 1 of its sites fixed)") for t in tr.still_open)
    # a violation whose sites are all gone is fixed, one with unseen sites only is new
    gone = audit.build(result([_split_findings(True)[0]], []), root=Path("/proj"), date="2026-01-09", previous=prev)
    assert (len(gone.trend.fixed), len(gone.trend.new), len(gone.trend.still_open)) == (0, 0, 1)
    other = finding(path_chain(P, "sleep", "time.sleep", "m.z", [], first_line=50))
    fresh = audit.build(result([other], []), root=Path("/proj"), date="2026-01-09", previous=prev)
    assert (len(fresh.trend.fixed), len(fresh.trend.new), len(fresh.trend.still_open)) == (1, 1, 0)
    assert fresh.trend.fixed_sites == 4 and fresh.trend.new_sites == 1


def test_trend_against_a_report_without_fingerprints_matches_ids(tmp_path: Path) -> None:
    before = _build(_split_findings(False), [])
    old = dict(before.data, violations=[{k: v for k, v in x.items() if k != "fingerprints"}
                                        for x in before.data["violations"]])
    prev = tmp_path / "old.md"
    import json

    prev.write_text(f"<!-- asyncaudit-data: {json.dumps(old)} -->\n", encoding="utf-8")
    again = audit.build(result(_split_findings(False), []), root=Path("/proj"), date="2026-01-08", previous=prev)
    assert (len(again.trend.fixed), len(again.trend.new), len(again.trend.still_open)) == (0, 0, 1)
    assert "matched by root cause" not in again.trend.line


# ---- suppressed and baselined findings are counted ------------------------------------------------

def test_suppressed_and_baselined_findings_are_counted() -> None:
    from asyncaudit.baseline import Baseline

    kept = finding(path_chain(P, "file", "builtins.open", "m.a", [], first_line=10))
    accepted = finding(path_chain(P, "sleep", "time.sleep", "m.b", [], first_line=20))
    silenced = finding(path_chain(P, "file", "builtins.open", "m.c", [], first_line=30))
    in_tests = finding(path_chain("/proj/tests/test_x.py", "file", "builtins.open", "tests.test_x.t", [],
                                  first_line=5))
    r = result([kept, accepted], [])
    r.suppressed = [silenced, in_tests]
    r.test_paths = frozenset({"/proj/tests/test_x.py"})  # the analysis judged it test code, by path
    a = audit.build(r, root=Path("/proj"), date="2026-01-01",
                    baseline=Baseline.from_findings([accepted], Path("/proj")))
    assert (a.tally.suppressed, a.tally.baselined, a.tally.blocking) == (1, 1, 2)
    assert a.suppressed == [silenced]
    flags = {f.function: b for v in a.violations for f, b in zip(v.findings, v.baselined)}
    assert flags == {"m.a": False, "m.b": True}
    assert "1 finding accepted in the baseline is scored like the others" in a.coverage
    assert "1 finding silenced by `# asyncaudit: ignore` comments is not scored" in a.coverage


def test_trend_reads_a_json_report_and_says_when_previous_is_no_report(tmp_path: Path) -> None:
    import json

    from asyncaudit.report import markdown

    before = _build(_split_findings(False), [])
    prev = tmp_path / "prev.json"
    prev.write_text(json.dumps(markdown.as_dict(before, Path("/proj"))), encoding="utf-8")
    after = audit.build(result(_split_findings(True), []), root=Path("/proj"), date="2026-01-08", previous=prev)
    assert "0 violations fixed, 0 new, 2 still open (1 site fixed, 0 new, matched by root cause)" in after.trend.line
    junk = tmp_path / "notes.md"
    junk.write_text("# some notes\n", encoding="utf-8")
    lost = audit.build(result(_split_findings(True), []), root=Path("/proj"), date="2026-01-08", previous=junk)
    assert lost.trend.line.startswith("Not computed: `") and "is no asyncaudit audit report" in lost.trend.line
