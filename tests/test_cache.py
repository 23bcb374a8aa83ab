"""The caches: every kind of change invalidates, nothing else does, and no failure escapes."""

from __future__ import annotations

import errno
import os
import pickle
import shutil
import time
import zlib
from pathlib import Path

import pytest

import asyncaudit
from asyncaudit import api
from asyncaudit import cache as cache_mod
from asyncaudit import fscache
from asyncaudit.cache import CACHEDIR_TAG, FactsCache, RunCache, clear, fingerprint, tool_salt
from asyncaudit.config import Config
from asyncaudit.discover import discover
from asyncaudit.fscache import FileSystem
from asyncaudit.model import AnalysisResult

FILES = {
    "app/__init__.py": "",
    "app/a.py": "import time\n\nasync def handler():\n    time.sleep(1)\n",
    "app/b.py": "import os\n\ndef helper(p):\n    return os.listdir(p)\n\nasync def go():\n    helper('.')\n",
    "app/c.py": "async def fine():\n    return 1\n",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.fixture
def cdir(tmp_path: Path) -> Path:
    return tmp_path / ".asyncaudit_cache"


def _work(tree: Path) -> list[tuple[str, str, bool]]:
    out = []
    for rel in sorted(FILES):
        mod = rel[:-3].replace("/", ".")
        is_pkg = mod.endswith(".__init__")
        out.append((str(tree / rel), mod.removesuffix(".__init__"), is_pkg))
    return out


def _fill(cache: FactsCache, work: list[tuple[str, str, bool]]) -> None:
    for path, module, is_pkg in work:
        facts, fallback = api._facts_for((path, module, is_pkg))
        assert cache.put(module, is_pkg, path, Path(path).read_bytes(), facts, fallback)


def _entry(cache: FactsCache, path: str, module: str, is_pkg: bool) -> Path:
    key = cache.key(module, is_pkg, Path(path).read_bytes())
    return cache.directory / "facts" / key[:2] / key[2:]


# ---- FactsCache --------------------------------------------------------------------

def test_hit_returns_the_same_facts_as_extraction(tree: Path, cdir: Path) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work)
    cache = FactsCache(cdir, tool_salt())  # a later run
    got = cache.get_many(work)
    assert cache.hits == len(work) and cache.misses == 0
    assert got == [api._facts_for(w) for w in work]
    path, module, is_pkg = work[1]
    assert cache.get(module, is_pkg, path, Path(path).read_bytes()) == api._facts_for(work[1])


def test_content_change_misses_that_file_only(tree: Path, cdir: Path) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work)
    (tree / "app/b.py").write_text(FILES["app/b.py"] + "\nasync def more():\n    pass\n")
    cache = FactsCache(cdir, tool_salt())
    got = cache.get_many(work)
    assert [g is None for g in got] == [w[0].endswith("b.py") for w in work]
    assert (cache.hits, cache.misses) == (len(work) - 1, 1)


def test_same_content_at_another_path_hits_with_the_new_path(tree: Path, cdir: Path, tmp_path: Path) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work)
    moved = tmp_path / "elsewhere" / "proj"
    shutil.copytree(tree, moved)
    cache = FactsCache(cdir, tool_salt())
    new_work = [(w[0].replace(str(tree), str(moved)), w[1], w[2]) for w in work]
    got = cache.get_many(new_work)
    assert cache.hits == len(work)
    for (path, _, _), hit, w in zip(new_work, got, new_work):
        assert hit is not None
        facts, _ = hit
        assert facts.path == path
        assert hit == api._facts_for(w)


def test_same_content_as_another_module_misses(tree: Path, cdir: Path) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work)
    path, module, is_pkg = work[1]
    data = Path(path).read_bytes()
    cache = FactsCache(cdir, tool_salt())
    assert cache.get("other.name", is_pkg, path, data) is None
    assert cache.get(module, not is_pkg, path, data) is None
    assert cache.get(module, is_pkg, path, data) is not None
    twin = tree / "app/twin.py"
    twin.write_bytes(data)  # identical files as two modules: two entries, each its own
    twin_facts, fallback = api._facts_for((str(twin), "app.twin", False))
    assert cache.put("app.twin", False, str(twin), data, twin_facts, fallback)
    assert cache.get("app.twin", False, str(twin), data) == (twin_facts, fallback)
    assert cache.get(module, is_pkg, path, data) == api._facts_for(work[1])


def test_tool_version_change_misses(tree: Path, cdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work)
    assert FactsCache(cdir, tool_salt(version=asyncaudit.__version__)).get_many(work)[0] is not None
    assert FactsCache(cdir, tool_salt(version="999.0")).get_many(work) == [None] * len(work)
    monkeypatch.setattr(asyncaudit, "__version__", "999.0")  # the default reads the package's
    assert FactsCache(cdir, tool_salt()).get_many(work) == [None] * len(work)


def test_tool_code_change_misses(tree: Path, cdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work)
    monkeypatch.setattr(cache_mod, "_TOOL_DIGEST", "edited in a development checkout")
    assert FactsCache(cdir, tool_salt()).get_many(work) == [None] * len(work)


def test_config_fingerprint_change_misses(tree: Path, cdir: Path) -> None:
    work = _work(tree)
    a, b = Config(), Config(select=("AA101",))
    assert a.fingerprint() != b.fingerprint()
    assert Config(jobs=3).fingerprint() == a.fingerprint()  # options that change nothing
    _fill(FactsCache(cdir, tool_salt(a.fingerprint())), work)
    assert all(FactsCache(cdir, tool_salt(a.fingerprint())).get_many(work))
    assert FactsCache(cdir, tool_salt(b.fingerprint())).get_many(work) == [None] * len(work)
    assert FactsCache(cdir, tool_salt("")).get_many(work) == [None] * len(work)


def test_salt_is_stable_within_and_across_calls() -> None:
    assert tool_salt("x") == tool_salt("x")
    assert fingerprint("a", (1, None)) == fingerprint("a", (1, None)) != fingerprint("a", (2, None))


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage", "header-only", "swap"])
def test_corrupt_entry_is_a_miss_and_is_repaired(tree: Path, cdir: Path, damage: str) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work)
    path, module, is_pkg = work[1]
    entry = _entry(FactsCache(cdir, tool_salt()), path, module, is_pkg)
    blob = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(blob[: len(blob) // 2])
    elif damage == "flip":
        entry.write_bytes(blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:])
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "garbage":
        entry.write_bytes(os.urandom(len(blob)))
    elif damage == "header-only":
        entry.write_bytes(blob[: cache_mod._HEADER.size])
    else:  # another file's (valid) entry copied over this one
        other = _entry(FactsCache(cdir, tool_salt()), *work[2])
        entry.write_bytes(other.read_bytes())
    cache = FactsCache(cdir, tool_salt())
    got = cache.get_many(work)
    assert got[1] is None and all(g is not None for i, g in enumerate(got) if i != 1)
    facts, fallback = api._facts_for(work[1])
    assert cache.put(module, is_pkg, path, Path(path).read_bytes(), facts, fallback)
    assert FactsCache(cdir, tool_salt()).get_many(work)[1] == (facts, fallback)


class _Planted:
    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, ...]:
        return (os.mkdir, (str(self.target),))


def test_planted_entry_cannot_run_code(tree: Path, cdir: Path, tmp_path: Path) -> None:
    """A well-formed entry whose pickle calls a function is refused, not executed."""
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work)
    path, module, is_pkg = work[1]
    cache = FactsCache(cdir, tool_salt())
    entry = _entry(cache, path, module, is_pkg)
    target = tmp_path / "pwned"
    payload = pickle.dumps((_Planted(target), False))
    key = bytes.fromhex(cache.key(module, is_pkg, Path(path).read_bytes()))
    entry.write_bytes(cache_mod._HEADER.pack(cache_mod._MAGIC, key, len(payload), zlib.crc32(payload)) + payload)
    assert cache.get_many(work)[1] is None
    assert not target.exists()
    assert cache.errors == 1


def test_unreadable_source_is_a_miss(tree: Path, cdir: Path) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work)
    (tree / "app/c.py").unlink()
    got = FactsCache(cdir, tool_salt()).get_many(work)
    assert got[-1] is None and all(got[:-1])


def test_cache_directory_is_marked_and_ignored(tree: Path, cdir: Path) -> None:
    _fill(FactsCache(cdir, tool_salt()), _work(tree))
    assert (cdir / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cdir / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert not list(cdir.rglob("*.tmp"))


def test_existing_folder_of_other_files_gets_no_gitignore(tree: Path, tmp_path: Path) -> None:
    """A cache directory mistakenly pointed at a project must not `*`-ignore the project."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "keep.txt").write_text("mine")
    _fill(FactsCache(project, tool_salt()), _work(tree))
    assert not (project / ".gitignore").exists()
    assert clear(project) is False
    assert (project / "keep.txt").read_text() == "mine"


def test_cache_under_a_file_degrades_to_no_cache(tree: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    cache = FactsCache(blocker / "cache", tool_salt())
    work = _work(tree)
    path, module, is_pkg = work[1]
    facts, fallback = api._facts_for(work[1])
    assert cache.put(module, is_pkg, path, Path(path).read_bytes(), facts, fallback) is False
    assert cache.writable is False
    assert cache.get_many(work) == [None] * len(work)
    assert cache.prune() == 0
    runs = RunCache(blocker / "cache", tool_salt(), racy_ns=0)
    key = runs.key([tree])
    assert runs.store(key, AnalysisResult(), _looked(tree)) is False and runs.load(key) is None
    assert clear(blocker / "cache") is True  # nothing there


@pytest.mark.parametrize("failure", ["disk full", "read-only file system"])
def test_write_failure_degrades_to_no_cache_and_leaves_no_temporaries(
        tree: Path, cdir: Path, monkeypatch: pytest.MonkeyPatch, failure: str) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work[:1])
    real_open = os.open

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def read_only(path: str, flags: int, *args: object, **kwargs: object) -> int:
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *args, **kwargs)

    if failure == "disk full":
        monkeypatch.setattr(cache_mod.os, "replace", full)
    else:
        monkeypatch.setattr(cache_mod.os, "open", read_only)
    cache = FactsCache(cdir, tool_salt())
    path, module, is_pkg = work[1]
    facts, fallback = api._facts_for(work[1])
    assert cache.put(module, is_pkg, path, Path(path).read_bytes(), facts, fallback) is False
    assert cache.writable is False and cache.errors == 1
    assert cache.put(module, is_pkg, path, Path(path).read_bytes(), facts, fallback) is False  # no retry
    assert not list(cdir.rglob("*.tmp"))
    assert cache.get_many(work)[0] is not None  # what is there still serves
    runs = RunCache(cdir, tool_salt(), racy_ns=0)
    key = runs.key([str(tree)])
    assert runs.store(key, AnalysisResult(), _looked(tree)) is False and runs.load(key) is None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_cache_directory_serves_hits_and_never_raises(tree: Path, cdir: Path) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt()), work[:2])
    modes = {p: p.stat().st_mode for p in [cdir, *cdir.rglob("*")] if p.is_dir()}
    for p in modes:
        p.chmod(0o555)
    try:
        cache = FactsCache(cdir, tool_salt())
        got = cache.get_many(work)
        assert got[0] is not None and got[2] is None
        path, module, is_pkg = work[2]
        facts, fallback = api._facts_for(work[2])
        assert cache.put(module, is_pkg, path, Path(path).read_bytes(), facts, fallback) is False
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


def test_cache_travels_to_worker_processes(tree: Path, cdir: Path) -> None:
    cache = pickle.loads(pickle.dumps(FactsCache(cdir, tool_salt("cfg"))))
    _fill(cache, _work(tree))
    assert all(FactsCache(cdir, tool_salt("cfg")).get_many(_work(tree)))


def test_put_encoded_returns_what_decode_reads(tree: Path, cdir: Path, tmp_path: Path) -> None:
    """Workers send the stored bytes back instead of pickling the facts a second time."""
    work = _work(tree)
    path, module, is_pkg = work[1]
    data = Path(path).read_bytes()
    facts, fallback = api._facts_for(work[1])
    cache = FactsCache(cdir, tool_salt())
    payload = cache.put_encoded(module, is_pkg, path, data, facts, fallback)
    assert isinstance(payload, bytes)
    got, got_fallback = FactsCache.decode(payload, "/moved/b.py")
    assert got.path == "/moved/b.py"
    got.path = path
    assert (got, got_fallback) == (facts, fallback)
    assert FactsCache(cdir, tool_salt()).get(module, is_pkg, path, data) == (facts, fallback)
    blocker = tmp_path / "file"
    blocker.write_text("")
    unwritable = FactsCache(blocker / "cache", tool_salt())
    assert isinstance(unwritable.put_encoded(module, is_pkg, path, data, facts, fallback), bytes)
    assert unwritable.writable is False


def test_first_run_reads_no_sources(tree: Path, cdir: Path) -> None:
    cache = FactsCache(cdir, tool_salt())
    assert cache.get_many(iter(_work(tree))) == [None] * len(FILES)
    assert cache.misses == len(FILES)


def test_prune_keeps_what_this_run_used(tree: Path, cdir: Path) -> None:
    work = _work(tree)
    _fill(FactsCache(cdir, tool_salt("old")), work)  # four stale entries
    cache = FactsCache(cdir, tool_salt("new"))
    _fill(cache, work[:2])
    assert cache.prune(max_entries=3) == 3
    assert FactsCache(cdir, tool_salt("new")).get_many(work[:2]) == [api._facts_for(w) for w in work[:2]]
    assert sum(1 for p in (cdir / "facts").rglob("*") if p.is_file()) == 3


def test_clear(tree: Path, cdir: Path) -> None:
    _fill(FactsCache(cdir, tool_salt()), _work(tree))
    assert (cdir / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    assert clear(cdir) is True
    assert not cdir.exists()
    assert clear(cdir) is True


# ---- RunCache ----------------------------------------------------------------------

@pytest.fixture
def result(tree: Path) -> AnalysisResult:
    got = api.analyze([tree], Config(follow_libraries=False, cache=False))
    assert got.findings  # a realistic, non-empty result
    return got


def _runs(cdir: Path, salt: str = "", **kw: object) -> RunCache:
    return RunCache(cdir, tool_salt(salt), racy_ns=0, **kw)  # type: ignore[arg-type]


def _looked(*paths: Path) -> FileSystem:
    """What a run's discovery looked at."""
    fs = FileSystem()
    discover(list(paths), fs=fs)
    return fs


def _stored(cdir: Path, tree: Path, result: AnalysisResult) -> str:
    runs = _runs(cdir)
    key = runs.key([str(tree)], "cfg")
    assert runs.store(key, result, _looked(tree))
    return key


def _load(cdir: Path, tree: Path, extra: str = "cfg", salt: str = "") -> AnalysisResult | None:
    runs = _runs(cdir, salt)
    return runs.load(runs.key([str(tree)], extra))


def test_unchanged_tree_hits(tree: Path, cdir: Path, result: AnalysisResult) -> None:
    _stored(cdir, tree, result)
    assert _load(cdir, tree) == result


def test_touching_one_file_hits_and_refreshes(tree: Path, cdir: Path, result: AnalysisResult,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Content, not status: a touched file changes nothing; its new status is stored so the
    next load does not read it again."""
    _stored(cdir, tree, result)
    st = (tree / "app/c.py").stat()
    os.utime(tree / "app/c.py", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    hashed: list[str] = []
    real = fscache.content_digest
    monkeypatch.setattr(fscache, "content_digest", lambda p: hashed.append(p) or real(p))
    assert _load(cdir, tree) == result
    assert hashed == [str(tree / "app/c.py")]
    hashed.clear()
    assert _load(cdir, tree) == result
    assert hashed == []


def test_same_size_edit_under_a_new_status_misses(tree: Path, cdir: Path, result: AnalysisResult) -> None:
    _stored(cdir, tree, result)
    f = tree / "app/c.py"
    size = f.stat().st_size
    f.write_text(FILES["app/c.py"].replace("1", "2"))
    assert f.stat().st_size == size
    assert _load(cdir, tree) is None


def test_edit_keeping_size_and_mtime_misses(tree: Path, cdir: Path, result: AnalysisResult) -> None:
    _stored(cdir, tree, result)
    f = tree / "app/c.py"
    st = f.stat()
    f.write_text(FILES["app/c.py"].replace("1", "2"))
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns
    assert _load(cdir, tree) is None  # the inode change time still moved


@pytest.mark.parametrize("change", ["add", "delete", "rename", "new-folder", "project-marker", "venv"])
def test_adding_or_deleting_files_misses(tree: Path, cdir: Path, result: AnalysisResult, change: str) -> None:
    _stored(cdir, tree, result)
    if change == "add":
        (tree / "app/d.py").write_text("x = 1\n")
    elif change == "delete":
        (tree / "app/c.py").unlink()
    elif change == "rename":
        (tree / "app/c.py").rename(tree / "app/e.py")
    elif change == "new-folder":
        (tree / "app/sub").mkdir()  # a namespace package now
    elif change == "project-marker":
        (tree / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # a packaging root now
    else:
        (tree / "app/sub").mkdir()
        (tree / "app/sub/x.py").write_text("")
        _stored(cdir, tree, result)
        (tree / "app/sub/pyvenv.cfg").write_text("")  # now skipped by discovery
    assert _load(cdir, tree) is None


def test_an_init_file_added_above_the_audited_path_misses(tmp_path: Path, cdir: Path,
                                                          result: AnalysisResult) -> None:
    sub = tmp_path / "proj" / "sub"
    sub.mkdir(parents=True)
    (sub / "__init__.py").write_text("")
    (sub / "x.py").write_text("x = 1\n")
    runs = _runs(cdir)
    key = runs.key([str(sub)], "cfg")
    assert runs.store(key, result, _looked(sub))
    assert runs.load(key) == result
    (tmp_path / "proj" / "__init__.py").write_text("")  # sub.x is now proj.sub.x
    assert runs.load(key) is None


def test_unrelated_files_do_not_miss(tree: Path, cdir: Path, result: AnalysisResult) -> None:
    _stored(cdir, tree, result)
    (tree / "README.md").write_text("docs")
    (tree / "app/__pycache__").mkdir()
    (tree / "app/__pycache__/a.cpython-311.pyc").write_bytes(b"")
    (tree / ".asyncaudit_cache").mkdir()
    assert _load(cdir, tree) == result


def test_configuration_roots_cwd_and_version_are_in_the_key(
        tree: Path, cdir: Path, result: AnalysisResult, monkeypatch: pytest.MonkeyPatch) -> None:
    _stored(cdir, tree, result)
    assert _load(cdir, tree, extra="other config") is None
    assert _load(cdir, tree, salt=Config(select=("AA101",)).fingerprint()) is None
    runs = _runs(cdir)
    assert runs.load(runs.key([str(tree), str(tree)], "cfg")) is None
    monkeypatch.chdir(tree)  # relative paths would now be reported differently
    assert _load(cdir, tree) is None
    monkeypatch.undo()
    assert _load(cdir, tree) == result
    monkeypatch.setattr(asyncaudit, "__version__", "999.0")
    assert _load(cdir, tree) is None


def test_changed_dependency_misses(tree: Path, cdir: Path, result: AnalysisResult, tmp_path: Path) -> None:
    lib = tmp_path / "site-packages" / "lib.py"
    lib.parent.mkdir()
    lib.write_text("def f(): pass\n")
    runs = _runs(cdir)
    key = runs.key([str(tree)], "cfg")
    fs = _looked(tree)
    fs.read(lib)
    assert runs.store(key, result, fs)
    assert _load(cdir, tree) == result
    lib.write_text("def f():\n    pass\n")
    assert _load(cdir, tree) is None


def test_racy_result_is_not_stored(tree: Path, cdir: Path, result: AnalysisResult) -> None:
    """A file written within the racy window could change again unseen: do not store."""
    (tree / "app/c.py").write_text(FILES["app/c.py"])  # just now
    runs = RunCache(cdir, tool_salt())  # default window
    key = runs.key([str(tree)], "cfg")
    assert runs.store(key, result, _looked(tree)) is False
    assert runs.load(key) is None


def test_far_future_times_are_not_racy(tree: Path) -> None:
    """Files dated in the future (clock skew, archives) would otherwise never be stored."""
    future = 4_000_000_000 * 10**9  # year 2096
    for rel in FILES:
        os.utime(tree / rel, ns=(future, future))
    fs = _looked(tree)
    later = time.time_ns() + 5 * 10**9  # once the inode change times written just now are old
    assert not fs.racy(10**9, later)
    assert fs.racy(10**9, future)


def test_only_the_latest_runs_are_kept(tree: Path, cdir: Path, result: AnalysisResult) -> None:
    runs = _runs(cdir, keep=2)
    keys = [runs.key([str(tree)], f"cfg{i}") for i in range(4)]
    for i, key in enumerate(keys):
        assert runs.store(key, result, _looked(tree))
        os.utime(cdir / "runs" / key, ns=(i * 10**9, i * 10**9))
    assert sorted(p.name for p in (cdir / "runs").iterdir()) == sorted(keys[2:])
    assert runs.load(keys[0]) is None and runs.load(keys[3]) == result


def test_corrupt_run_entry_is_a_miss(tree: Path, cdir: Path, result: AnalysisResult) -> None:
    key = _stored(cdir, tree, result)
    entry = cdir / "runs" / key
    entry.write_bytes(entry.read_bytes()[:-7])
    assert _load(cdir, tree) is None
    entry.write_bytes(b"\0" * 100)
    assert _load(cdir, tree) is None


def test_dependencies_survive_symlink_loops_and_skip_the_cache(tree: Path, tmp_path: Path) -> None:
    try:
        (tree / "app/loop").symlink_to(tree / "app", target_is_directory=True)
    except OSError:
        pytest.skip("no symlinks here")
    inner = tree / "cachedir"
    _fill(FactsCache(inner, tool_salt()), _work(tree)[:1])

    def deps() -> tuple:
        fs = FileSystem(ignore=[inner])
        discover([tree], fs=fs)
        return fs.dependencies()

    got = deps()
    paths = [s[0] for s in got]
    assert str(tree / "app/a.py") in paths
    assert not any(p.startswith(str(inner)) for p in paths)
    assert got == deps()  # deterministic
    missing = FileSystem()
    missing.entries(tmp_path / "missing")
    assert missing.dependencies() == ((str(tmp_path / "missing"), "d", "?"),)
