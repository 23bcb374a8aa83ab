"""The catalog names real objects: every standard-library name exists on this interpreter
(or is marked as belonging to other Python versions or platforms), and `Sink.patch` says
truly how a runtime wrapper reaches it."""

from __future__ import annotations

import importlib
import sys
import warnings
from types import ModuleType

import pytest

from asyncaudit.catalog import FUNCTION_RETURNS, SINKS, TYPES
from asyncaudit.catalog.blocking import METHOD_FAMILIES, NOT_SINKS
from asyncaudit.catalog.runtime import C_TYPE, INDIRECT, PATCH_VALUES, SETATTR, availability
from asyncaudit.catalog.sinks import cloud, data, db, http, llm, stdlib

_MISSING = object()


def _stdlib(name: str) -> bool:
    return name.split(".")[0] in sys.stdlib_module_names


def _lookup(name: str) -> tuple[object, object]:
    """(owner, object) for a dotted name, importing the longest module prefix; the object
    is _MISSING when an attribute does not exist, the owner too when no module imports."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # telnetlib & co.
                obj: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        owner: object = _MISSING
        for attr in parts[cut:]:
            owner, obj = obj, getattr(obj, attr, _MISSING)
            if obj is _MISSING:
                return owner, _MISSING
        return owner, obj
    return _MISSING, _MISSING


def _here(name: str) -> bool | None:
    """Should `name` exist on this interpreter?  None when it depends on the platform/build."""
    av = availability(name)
    if av.since is not None and sys.version_info < av.since:
        return False
    if av.until is not None and sys.version_info >= av.until:
        return False
    return None if av.platform else True


def _catalog_names() -> list[str]:
    names = set(SINKS) | set(TYPES) | set(FUNCTION_RETURNS)
    for t in TYPES.values():
        names.update(f"{t.qualname}.{m}" for m in t.methods)
    return sorted(n for n in names if _stdlib(n) and "@" not in n)


@pytest.mark.parametrize("name", _catalog_names())
def test_stdlib_name_exists_where_marked(name: str) -> None:
    if SINKS.get(name) is not None and SINKS[name].patch == INDIRECT:
        pytest.skip("reached through instances: test_indirect_sinks_exist_on_instances")
    expected = _here(name)
    _, obj = _lookup(name)
    if expected is None:
        return  # platform- or build-specific: either way is right
    assert (obj is not _MISSING) == expected, (
        f"{name} {'does not exist' if expected else 'exists'} on Python "
        f"{sys.version_info.major}.{sys.version_info.minor}: fix the entry or its mark in "
        f"catalog/runtime.py AVAILABILITY")


def _settable(owner: object) -> bool:
    if isinstance(owner, ModuleType):
        return True
    probe = "_asyncaudit_setattr_probe"
    try:
        setattr(owner, probe, None)
    except (TypeError, AttributeError):
        return False
    delattr(owner, probe)
    return True


@pytest.mark.parametrize("name", sorted(n for n in SINKS if _stdlib(n) and SINKS[n].patch != INDIRECT))
def test_stdlib_sink_patch_matches_the_interpreter(name: str) -> None:
    owner, obj = _lookup(name)
    if obj is _MISSING:
        pytest.skip("not on this interpreter (see the availability test)")
    recorded = SINKS[name].patch
    actual = SETATTR if _settable(owner) else C_TYPE
    assert recorded == actual, f"{name}: recorded {recorded!r}, but on this interpreter it is {actual!r}"


def _lock() -> object:
    import threading

    return threading.Lock()


# How to get an instance of each owner whose sinks are INDIRECT (the test's own table).
_FACTORIES = {
    "threading.Lock": _lock,
    "threading.RLock": lambda: importlib.import_module("threading").RLock(),
    "threading.Condition": lambda: importlib.import_module("threading").Condition(),
    "select.poll": lambda: importlib.import_module("select").poll(),
    "multiprocessing.synchronize.Lock": lambda: importlib.import_module("multiprocessing").Lock(),
    "multiprocessing.synchronize.RLock": lambda: importlib.import_module("multiprocessing").RLock(),
    "multiprocessing.synchronize.Semaphore": lambda: importlib.import_module("multiprocessing").Semaphore(),
    "multiprocessing.synchronize.Condition": lambda: importlib.import_module("multiprocessing").Condition(),
}


@pytest.mark.parametrize("name", sorted(n for n in SINKS if _stdlib(n) and SINKS[n].patch == INDIRECT))
def test_indirect_sinks_exist_on_instances(name: str) -> None:
    owner_name, _, method = name.rpartition(".")
    if _here(name) is not True:
        pytest.skip("platform- or version-specific")
    owner, _ = _lookup(name)
    # indirect means setattr on the named owner cannot reach it
    assert owner is _MISSING or not isinstance(owner, type) or not _settable(owner) \
        or method not in vars(owner), f"{name} is a plain class attribute: record it as setattr"
    make = _FACTORIES.get(owner_name)
    assert make is not None, f"no factory for {owner_name} in this test"
    assert hasattr(make(), method), f"instances of {owner_name} have no {method}"


def test_patch_values_are_known() -> None:
    assert {s.patch for s in SINKS.values()} <= set(PATCH_VALUES)


def test_domain_tables_do_not_overlap() -> None:
    seen: dict[str, str] = {}
    for mod in (stdlib, http, db, llm, cloud, data):
        for s in mod.SINKS:
            assert s.qualname not in seen, f"{s.qualname} in {seen.get(s.qualname)} and {mod.__name__}"
            seen[s.qualname] = mod.__name__


def _installed(name: str) -> bool:
    top = name.split(".")[0]
    if _stdlib(name):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            importlib.import_module(top)
    except Exception:  # noqa: BLE001 - not installed, or broken: nothing to check against
        return False
    return True


@pytest.mark.parametrize("name", sorted(n for n in SINKS if "@" not in n and SINKS[n].patch != INDIRECT
                                        and _installed(n)))
def test_installed_third_party_sinks_exist(name: str) -> None:
    # third-party names are checked where the package happens to be installed (setuptools'
    # pkg_resources in the test environment)
    _, obj = _lookup(name)
    assert obj is not _MISSING, f"{name} does not exist in the installed package"


# The lists of the tools users already trust, as asyncio semantics read them: each name
# must be a sink (directly or through a base type in TYPES) or be listed in NOT_SINKS with
# its reason.  flake8-async ASYNC210-ASYNC251 and ruff ASYNC2xx, blockbuster's wrapped
# functions, Home Assistant's block_async_io (2024.12), aiocop's audit events and patches.
_HTTP = "get options head post put patch delete request"
_FLOOR = {
    "flake8-async ASYNC210": [*(f"requests.{m}" for m in _HTTP.split()), *(f"httpx.{m}" for m in _HTTP.split()),
                              "urllib3.request", "urllib.request.urlopen"],
    "flake8-async ASYNC212": [*(f"httpx.Client.{m}" for m in (_HTTP + " send stream close").split()),
                              *(f"urllib3.{pool}.{m}" for pool in ("PoolManager", "ProxyManager", "HTTPConnectionPool",
                                                                   "HTTPSConnectionPool")
                                for m in "request urlopen request_encode_url request_encode_body".split())],
    "flake8-async ASYNC220-222": ["subprocess.Popen", "os.popen", "os.system", "os.posix_spawn", "os.posix_spawnp",
                                  *(f"subprocess.{f}" for f in
                                    "run call check_call check_output getoutput getstatusoutput".split()),
                                  *(f"os.spawn{s}" for s in "l le lp lpe v ve vp vpe".split()),
                                  *(f"os.{w}" for w in "wait wait3 wait4 waitid waitpid".split())],
    "flake8-async ASYNC230-232": ["builtins.open", "io.open", "io.open_code", "os.fdopen",
                                  *(f"{t}.{m}" for t in ("io.TextIOWrapper", "io.BufferedReader", "io.BufferedWriter",
                                                         "io.BufferedRandom")
                                    for m in "read readline readlines write writelines flush".split())],
    "flake8-async ASYNC240 / ruff": [*(f"os.path.{f}" for f in
                                       "islink lexists ismount realpath exists isdir isfile getatime getctime "
                                       "getmtime getsize samefile sameopenfile normpath relpath abspath "
                                       "expanduser".split()),
                                     *(f"pathlib.Path.{m}" for m in
                                       "exists is_file is_dir is_symlink stat lstat resolve mkdir unlink rmdir touch "
                                       "chmod owner group readlink samefile rename replace iterdir glob rglob "
                                       "read_text read_bytes write_text write_bytes absolute cwd home "
                                       "expanduser".split())],
    "flake8-async ASYNC250/251": ["builtins.input", "time.sleep"],
    "ruff ASYNC210": ["requests.connect", "requests.trace", "httpx.connect", "httpx.trace"],
    "blockbuster": ["time.sleep", "builtins.input",
                    *(f"os.{f}" for f in "statvfs rename remove rmdir link symlink listdir access getcwd stat "
                                         "mkdir replace readlink sendfile unlink scandir read write".split()),
                    *(f"os.path.{f}" for f in "ismount samestat sameopenfile islink abspath".split()),
                    "io.BufferedReader.read", "io.BufferedWriter.write", "io.BufferedRandom.read",
                    "io.BufferedRandom.write", "io.TextIOWrapper.read", "io.TextIOWrapper.write",
                    *(f"socket.socket.{m}" for m in
                      "connect accept send sendall sendto recv recv_into recvfrom recvfrom_into recvmsg".split()),
                    *(f"ssl.SSLSocket.{m}" for m in "write send read recv".split()),
                    *(f"sqlite3.Cursor.{m}" for m in
                      "execute executemany executescript fetchone fetchmany fetchall".split()),
                    *(f"sqlite3.Connection.{m}" for m in "execute executemany executescript commit rollback".split()),
                    "threading.Lock.acquire", "threading.Lock.acquire_lock"],
    "Home Assistant block_async_io": ["http.client.HTTPConnection.putrequest", "time.sleep", "glob.glob", "glob.iglob",
                                      "os.walk", "os.listdir", "os.scandir", "builtins.open", "importlib.import_module",
                                      *(f"ssl.SSLContext.{m}" for m in
                                        "load_default_certs load_verify_locations load_cert_chain".split()),
                                      *(f"pathlib.Path.{m}" for m in
                                        "open read_text read_bytes write_text write_bytes".split())],
    "aiocop": ["socket.getaddrinfo", "socket.getnameinfo", "socket.gethostbyname", "socket.gethostbyaddr",
               "builtins.open", "tempfile.mkdtemp", "tempfile.mkstemp", "os.fwalk", "pathlib.Path.glob",
               "pathlib.Path.rglob", "os.truncate", "shutil.copyfile", "shutil.copymode", "shutil.copystat",
               "shutil.move", "shutil.copytree", "shutil.rmtree", "fcntl.flock", "fcntl.lockf",
               "http.client.HTTPConnection.connect", "urllib.request.urlopen", "ftplib.FTP.connect",
               "smtplib.SMTP.connect", "poplib.POP3", "imaplib.IMAP4", "nntplib.NNTP", "os.system", "os.posix_spawn",
               "os.execv", "os.fork", "subprocess.Popen", "os.kill", "sqlite3.connect", "builtins.input",
               "builtins.__import__", "syslog.syslog", "syslog.openlog", "os.getcwd", "os.path.abspath",
               "socket.socket.connect_ex", "socket.socket.bind", "socket.socket.sendmsg"],
}


def _covered(name: str) -> bool:
    from asyncaudit.resolve import _type_bases

    if name in SINKS:
        return True
    owner, _, meth = name.rpartition(".")
    return any(f"{b}.{meth}" in SINKS for b in _type_bases(owner))


@pytest.mark.parametrize("source", sorted(_FLOOR))
def test_floor_of_trusted_tools(source: str) -> None:
    missing = [n for n in _FLOOR[source] if not _covered(n) and n not in NOT_SINKS]
    assert not missing, f"{source}: neither a sink nor in NOT_SINKS: {missing}"


def test_not_sinks_are_not_sinks() -> None:
    assert not [n for n in NOT_SINKS if _covered(n)]


@pytest.mark.parametrize("owner", sorted(METHOD_FAMILIES))
def test_method_family_owner_is_a_known_type(owner: str) -> None:
    # a family is reached through a typed receiver: its owner must be a KnownType, and no
    # method it calls local may be written as a sink (SINKS would win over the family)
    family = METHOD_FAMILIES[owner]
    assert owner in TYPES, f"{owner}: add it to catalog.types.TYPES so receivers can be typed"
    assert not [m for m in family.local if f"{owner}.{m}" in SINKS]


def test_method_family_sinks() -> None:
    boto = METHOD_FAMILIES["botocore.client.BaseClient"]
    got = boto.sink("initiate_auth")
    assert got is not None and (got.qualname, got.category) == (
        "botocore.client.BaseClient.initiate_auth", "network")
    assert got.patch == INDIRECT  # operations are generated per service at run time
    assert boto.sink("generate_presigned_url") is None
    assert boto.sink("get_paginator") is None
    assert boto.sink("_make_api_call") is None
    assert boto.sink("__enter__") is None


def test_abstract_file_types_are_typed_but_not_sinks() -> None:
    # an annotated `f: TextIO` may be an io.StringIO: reading it is not a sink by itself
    abstract = ("typing.TextIO", "typing.BinaryIO", "typing.IO", "io.IOBase", "io.TextIOBase",
                "io.BufferedIOBase", "io.RawIOBase")
    assert all(a in TYPES for a in abstract)
    assert not [q for q in SINKS if q.rpartition(".")[0] in abstract]
    assert TYPES["typing.TextIO"].methods["read"] == "builtins.str"
