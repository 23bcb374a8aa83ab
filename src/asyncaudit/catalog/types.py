"""Known types of the standard library and well-known third-party packages.

Type knowledge lets the resolver follow values: `Path(x) / "a"` is a `pathlib.Path`,
`open(p)` is a text file, `requests.Session()` is a session whose `.get` is a network
sink, `httpx.AsyncClient().get` is not.  A `KnownType` lists its bases (for sink
inheritance), the result type of its methods, the type of its attributes and
properties, and what its `__enter__` returns (`"self"` by default).

Conventions (what the resolver must implement for these entries to work):

* Type strings are canonical qualnames (`pathlib.Path`) or one of three generic forms:
  `builtins.list[T]` (any iterable/sequence whose items are `T`: iterating or indexing
  it gives a `T`), `builtins.tuple[T1, T2, ...]` (positional items, for unpacking
  `conn, addr = sock.accept()`) and plain `builtins.<name>` for values that carry no
  sinks (`builtins.str`, `builtins.bytes`, `builtins.dict`).
* `methods[name]` is the result of calling the method, on an instance or on the class
  (classmethods/staticmethods such as `pathlib.Path.home` or `redis.Redis.from_url`).
  Method result types and attribute types are inherited from `bases` like sinks are.
* Special method keys: `__iter__` is the type of the *items* an iteration yields (the
  target of `for x in obj`), `__getitem__` the result of `obj[key]`, `__call__` the
  result of calling an instance (`sessionmaker()()`).
* `attributes["*"]` is a wildcard: the type of any attribute not listed explicitly and
  not a method of the type (pymongo: `client.mydb.users` is a Database then a
  Collection; xmlrpc: `proxy.any_remote_method`).  Explicit attributes and methods win.
* `enter` is the type bound by `with obj as x`.
* A type lists only methods whose result matters for reaching a sink; everything else
  resolves to "unknown", never to a sink.
* `KEYWORD_RETURNS` overrides a call's result type when a literal keyword argument has a
  given value: `requests.get(url, stream=True)` gives `requests.Response@stream`, a
  *state variant* (`T@state`, a KnownType whose base is `T`) that carries the sinks of
  reading a body still on the socket.
* `MODULE_ALIASES` rewrites a module prefix at a dot boundary, longest key first:
  `openai.resources.chat.completions.completions.Completions` becomes
  `openai.resources.chat.completions.Completions`.  No catalog name starts with a key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asyncaudit.catalog.blocking import SINKS


@dataclass(frozen=True, slots=True)
class KnownType:
    """An external type known without importing it."""

    qualname: str
    bases: tuple[str, ...] = ()
    methods: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    enter: str = "self"


def _ret(result: str, names: str) -> dict[str, str]:
    """`{name: result}` for every whitespace-separated method or attribute name."""
    return dict.fromkeys(names.split(), result)


def _sink_methods(owner: str) -> dict[str, str]:
    """Every method of `owner` that is a sink, as a method of unknown result.  Types with
    a `"*"` attribute wildcard must list them: a name missing from `methods` would be
    read as a wildcard attribute (`coll.insert_one` as a sub-collection)."""
    prefix = owner + "."
    return {q[len(prefix):]: "builtins.object" for q in SINKS
            if q.startswith(prefix) and "." not in q[len(prefix):]}


def _list(item: str) -> str:
    return f"builtins.list[{item}]"


def _tuple(*items: str) -> str:
    return f"builtins.tuple[{', '.join(items)}]"


_STR = "builtins.str"
_BYTES = "builtins.bytes"
_BOOL = "builtins.bool"
_DICT = "builtins.dict"

_P = "pathlib.Path"
_PP = "pathlib.PurePath"
_TEXT = "io.TextIOWrapper"
_BYTES_R = "io.BufferedReader"
_BYTES_W = "io.BufferedWriter"
_BYTES_RW = "io.BufferedRandom"
_FUTURE = "concurrent.futures.Future"

# Pure path operations returning a new path (overridden on `pathlib.Path` to return one).
_PATH_DERIVED = ("with_name with_suffix with_stem with_segments joinpath relative_to "
                 "__truediv__ __rtruediv__")
_PATH_STR_ATTRS = "name stem suffix anchor root drive"

# A text / binary file object: what reading it gives.
_TEXT_READS = {**_ret(_STR, "read readline"), "readlines": _list(_STR), "__iter__": _STR,
               "__next__": _STR}
_BYTES_READS = {**_ret(_BYTES, "read readline"), "readlines": _list(_BYTES),
                "__iter__": _BYTES, "__next__": _BYTES}
_BUFFERED_READS = _BYTES_READS | _ret(_BYTES, "read1 peek")


def _sdk_tree(prefix: str, tree: dict[str, dict[str, str]],
              methods: dict[str, dict[str, str]] | None = None) -> list[KnownType]:
    """Resource types of a generated SDK (OpenAI, Anthropic, Groq): each resource's
    sub-resource attributes; `with_raw_response` / `with_streaming_response` give back the
    same resource (their methods send the same request)."""
    methods = methods or {}
    names = set(tree) | {child for children in tree.values() for child in children.values()}
    out = []
    for name in sorted(names):
        qual = f"{prefix}.{name}"
        attrs = {attr: f"{prefix}.{child}" for attr, child in tree.get(name, {}).items()}
        attrs |= {"with_raw_response": qual, "with_streaming_response": qual}
        out.append(KnownType(qual, methods=methods.get(name, {}), attributes=attrs))
    return out


# OpenAI resource tree under `openai.resources.` (method sinks are in blocking.py).
_OPENAI_TREE: dict[str, dict[str, str]] = {
    "chat.Chat": {"completions": "chat.completions.Completions"},
    "chat.completions.Completions": {"messages": "chat.completions.Messages"},
    "audio.Audio": {"speech": "audio.Speech", "transcriptions": "audio.Transcriptions",
                    "translations": "audio.Translations"},
    "fine_tuning.FineTuning": {"jobs": "fine_tuning.jobs.Jobs"},
    "fine_tuning.jobs.Jobs": {"checkpoints": "fine_tuning.jobs.Checkpoints"},
    "vector_stores.VectorStores": {"files": "vector_stores.Files",
                                   "file_batches": "vector_stores.FileBatches"},
    "beta.Beta": {"assistants": "beta.Assistants", "threads": "beta.threads.Threads",
                  "chat": "beta.chat.Chat", "vector_stores": "vector_stores.VectorStores"},
    "beta.chat.Chat": {"completions": "beta.chat.Completions"},
    "beta.threads.Threads": {"runs": "beta.threads.runs.Runs",
                             "messages": "beta.threads.Messages"},
    "beta.threads.runs.Runs": {"steps": "beta.threads.runs.Steps"},
    "uploads.Uploads": {"parts": "uploads.Parts"},
    "responses.Responses": {"input_items": "responses.InputItems",
                            "input_tokens": "responses.InputTokens"},
    "conversations.Conversations": {"items": "conversations.Items"},
    "containers.Containers": {"files": "containers.files.Files"},
    "containers.files.Files": {"content": "containers.files.Content"},
    "evals.Evals": {"runs": "evals.runs.Runs"},
    "evals.runs.Runs": {"output_items": "evals.runs.OutputItems"},
    "realtime.Realtime": {"client_secrets": "realtime.ClientSecrets", "calls": "realtime.Calls"},
    "webhooks.Webhooks": {},
    "completions.Completions": {}, "embeddings.Embeddings": {},
    "moderations.Moderations": {}, "models.Models": {}, "images.Images": {},
    "files.Files": {}, "batches.Batches": {}, "videos.Videos": {},
}
_OPENAI_CLIENT_ATTRS = {
    "chat": "chat.Chat", "completions": "completions.Completions",
    "embeddings": "embeddings.Embeddings", "moderations": "moderations.Moderations",
    "models": "models.Models", "images": "images.Images", "audio": "audio.Audio",
    "files": "files.Files", "batches": "batches.Batches", "uploads": "uploads.Uploads",
    "responses": "responses.Responses", "conversations": "conversations.Conversations",
    "fine_tuning": "fine_tuning.FineTuning", "vector_stores": "vector_stores.VectorStores",
    "beta": "beta.Beta", "containers": "containers.Containers", "evals": "evals.Evals",
    "videos": "videos.Videos", "webhooks": "webhooks.Webhooks", "realtime": "realtime.Realtime",
}
_OPENAI_STREAMS = "openai.lib.streaming"
_OPENAI_METHODS = {
    "chat.completions.Completions": {"stream": f"{_OPENAI_STREAMS}.chat.ChatCompletionStreamManager"},
    "beta.chat.Completions": {"stream": f"{_OPENAI_STREAMS}.chat.ChatCompletionStreamManager"},
    "responses.Responses": {"stream": f"{_OPENAI_STREAMS}.responses.ResponseStreamManager"},
    "beta.threads.runs.Runs": _ret(f"{_OPENAI_STREAMS}.AssistantStreamManager",
                                   "stream create_and_stream submit_tool_outputs_stream"),
    "beta.threads.Threads": {"create_and_run_stream": f"{_OPENAI_STREAMS}.AssistantStreamManager"},
}

# Anthropic resource tree under `anthropic.resources.`.
_ANTHROPIC_TREE: dict[str, dict[str, str]] = {
    "messages.Messages": {"batches": "messages.Batches"},
    "beta.Beta": {"messages": "beta.messages.Messages", "models": "beta.Models",
                  "files": "beta.Files"},
    "beta.messages.Messages": {"batches": "beta.messages.Batches"},
    "models.Models": {}, "completions.Completions": {}, "files.Files": {},
}
_ANTHROPIC_CLIENT_ATTRS = {
    "messages": "anthropic.resources.messages.Messages",
    "models": "anthropic.resources.models.Models",
    "completions": "anthropic.resources.completions.Completions",
    "files": "anthropic.resources.files.Files",
    "beta": "anthropic.resources.beta.Beta",
}
_ANTHROPIC_METHODS = {
    "messages.Messages": {"stream": "anthropic.lib.streaming.MessageStreamManager"},
    "beta.messages.Messages": {"stream": "anthropic.lib.streaming.BetaMessageStreamManager"},
}

# Groq mirrors the OpenAI layout for the parts it has.
_GROQ_TREE: dict[str, dict[str, str]] = {
    "chat.Chat": {"completions": "chat.completions.Completions"},
    "embeddings.Embeddings": {},
}

# Elasticsearch namespaced clients reachable as attributes of `Elasticsearch`.
_ES_NAMESPACES = {
    "indices": "IndicesClient", "cluster": "ClusterClient", "cat": "CatClient",
    "ingest": "IngestClient", "tasks": "TasksClient", "snapshot": "SnapshotClient",
    "nodes": "NodesClient", "sql": "SqlClient", "esql": "EsqlClient",
}

# SQLAlchemy ORM Query builder methods (each returns a new Query).
_QUERY_BUILDERS = ("filter filter_by where order_by group_by having join outerjoin options "
                   "limit offset distinct with_entities select_from add_columns add_entity "
                   "populate_existing execution_options yield_per params correlate union "
                   "union_all enable_assertions autoflush with_for_update slice reset_joinpoint")
# pymongo Cursor modifiers (each returns the cursor).
_CURSOR_BUILDERS = ("sort limit skip batch_size hint where max_time_ms max_await_time_ms "
                    "collation comment clone allow_disk_use min max add_option remove_option "
                    "rewind")

TYPES: dict[str, KnownType] = {
    t.qualname: t
    for t in (
        # ------------------------------------------------------------ pathlib --------
        KnownType(
            _PP,
            methods=_ret(_PP, _PATH_DERIVED) | _ret(_STR, "as_posix as_uri __str__ __fspath__")
            | _ret(_BOOL, "is_absolute is_relative_to match full_match is_reserved"),
            attributes={"parent": _PP, "parents": _list(_PP), "suffixes": _list(_STR),
                        "parts": _list(_STR)} | _ret(_STR, _PATH_STR_ATTRS),
        ),
        KnownType("pathlib.PurePosixPath", bases=(_PP,)),
        KnownType("pathlib.PureWindowsPath", bases=(_PP,)),
        KnownType(
            _P,
            bases=(_PP,),
            methods=_ret(_P, _PATH_DERIVED + " resolve absolute expanduser home cwd readlink "
                             "rename replace copy copy_into move move_into from_uri")
            | {"open": _TEXT, "read_text": _STR, "read_bytes": _BYTES,
               "iterdir": _list(_P), "glob": _list(_P), "rglob": _list(_P),
               "walk": _list(_tuple(_P, _list(_STR), _list(_STR))),
               "stat": "os.stat_result", "lstat": "os.stat_result",
               "owner": _STR, "group": _STR},
            attributes={"parent": _P, "parents": _list(_P)},
        ),
        KnownType("pathlib.PosixPath", bases=(_P,)),
        KnownType("pathlib.WindowsPath", bases=(_P,)),

        # ------------------------------------------------------------ io / files -----
        # Real files (sinks in blocking.py).  `io.open`/`open` in binary mode give the
        # Buffered* types; every one of them has the read/write sinks.
        KnownType(_TEXT, methods=_TEXT_READS, attributes={"buffer": _BYTES_RW, "name": _STR}),
        KnownType(_BYTES_R, methods=_BUFFERED_READS, attributes={"raw": "io.FileIO"}),
        KnownType(_BYTES_W, attributes={"raw": "io.FileIO"}),
        KnownType(_BYTES_RW, methods=_BUFFERED_READS, attributes={"raw": "io.FileIO"}),
        KnownType("io.BufferedRWPair", methods=_BUFFERED_READS),
        KnownType("io.FileIO", methods=_BYTES_READS | {"readall": _BYTES}),
        # The abstract file types of annotations (`f: TextIO`, `IO[bytes]`, `BinaryIO`,
        # `io.TextIOBase`): what reading one gives, but no sinks.  An `io.StringIO` /
        # `io.BytesIO` is one as much as an open file, so only the value the caller passes
        # (an `open()` result) can say whether reading it touches the disk.
        # (typing's classes have no `__iter__` at run time, so iterating one is not typed.)
        KnownType("typing.TextIO", methods=_ret(_STR, "read readline") | {"readlines": _list(_STR)},
                  attributes={"buffer": "typing.BinaryIO", "name": _STR}),
        KnownType("typing.BinaryIO",
                  methods=_ret(_BYTES, "read readline") | {"readlines": _list(_BYTES)}),
        KnownType("typing.IO"),
        KnownType("io.IOBase"),
        KnownType("io.TextIOBase", methods=_TEXT_READS, attributes={"buffer": "io.BufferedIOBase"}),
        KnownType("io.BufferedIOBase", methods=_BYTES_READS | {"read1": _BYTES}),
        KnownType("io.RawIOBase", methods=_BYTES_READS | {"readall": _BYTES}),
        # In-memory streams: known so that nothing is inferred for them.  No sinks.
        KnownType("io.StringIO", methods=_TEXT_READS | {"getvalue": _STR}),
        KnownType("io.BytesIO", methods=_BYTES_READS | _ret(_BYTES, "read1 getvalue")),
        # os: `os.popen` returns a wrapper delegating to a text pipe; DirEntry/stat_result.
        KnownType("os._wrap_close", bases=(_TEXT,)),
        KnownType("os.DirEntry", methods={"stat": "os.stat_result"},
                  attributes={"name": _STR, "path": _STR}),
        KnownType("os.stat_result"),

        # ------------------------------------------------------------ tempfile -------
        KnownType("tempfile.TemporaryDirectory", enter=_STR, attributes={"name": _STR}),
        # Delegates every file method to `.file`, a binary random-access file by default.
        KnownType("tempfile._TemporaryFileWrapper", bases=(_BYTES_RW,),
                  attributes={"file": _BYTES_RW, "name": _STR}),
        # In memory until `rollover()` / `max_size`: no file sinks of its own.
        KnownType("tempfile.SpooledTemporaryFile"),

        # ------------------------------------------------------------ archives -------
        KnownType("zipfile.ZipFile",
                  methods={"open": "zipfile.ZipExtFile", "read": _BYTES, "namelist": _list(_STR),
                           "infolist": _list("zipfile.ZipInfo"), "getinfo": "zipfile.ZipInfo"}),
        KnownType("zipfile.ZipExtFile", methods=_BUFFERED_READS),
        KnownType("zipfile.ZipInfo"),
        KnownType("tarfile.TarFile",
                  methods={"open": "tarfile.TarFile", "extractfile": "tarfile.ExFileObject",
                           "getmembers": _list("tarfile.TarInfo"), "getnames": _list(_STR),
                           "getmember": "tarfile.TarInfo", "next": "tarfile.TarInfo",
                           "__iter__": "tarfile.TarInfo"}),
        KnownType("tarfile.ExFileObject", bases=(_BYTES_R,)),
        KnownType("tarfile.TarInfo"),
        KnownType("gzip.GzipFile", methods=_BUFFERED_READS),
        KnownType("bz2.BZ2File", methods=_BUFFERED_READS),
        KnownType("lzma.LZMAFile", methods=_BUFFERED_READS),
        KnownType("shelve.Shelf"),
        KnownType("pickle.Pickler"),
        KnownType("pickle.Unpickler"),
        KnownType("pandas.DataFrame"),
        KnownType("configparser.RawConfigParser"),
        KnownType("configparser.ConfigParser", bases=("configparser.RawConfigParser",)),
        KnownType("mimetypes.MimeTypes"),

        # ------------------------------------------------------------ importlib ------
        # Package resources: a Traversable is a `pathlib.Path` for a package on disk.
        KnownType("importlib.resources.abc.Traversable",
                  methods=_ret("importlib.resources.abc.Traversable", "joinpath __truediv__")
                  | {"iterdir": _list("importlib.resources.abc.Traversable"), "open": _TEXT,
                     "read_text": _STR, "read_bytes": _BYTES},
                  attributes={"name": _STR}),
        KnownType("importlib.machinery.ModuleSpec",
                  attributes={"loader": "importlib.machinery.SourceFileLoader", "name": _STR}),
        KnownType("importlib.machinery.SourceFileLoader"),
        KnownType("importlib.metadata.Distribution",
                  methods={"from_name": "importlib.metadata.Distribution",
                           "discover": _list("importlib.metadata.Distribution"), "read_text": _STR},
                  attributes={"entry_points": "importlib.metadata.EntryPoints"}),
        # `entry_points()` gives EntryPoints from 3.10 (a dict of lists before).
        KnownType("importlib.metadata.EntryPoints",
                  methods={"select": "importlib.metadata.EntryPoints",
                           "__iter__": "importlib.metadata.EntryPoint",
                           "__getitem__": "importlib.metadata.EntryPoint"}),
        KnownType("importlib.metadata.EntryPoint"),

        # ------------------------------------------------------------ sqlite3 --------
        # `with conn:` commits or rolls back on exit (sink in blocking.py).
        KnownType("sqlite3.Connection",
                  methods=_ret("sqlite3.Cursor", "cursor execute executemany executescript")
                  | {"blobopen": "sqlite3.Blob"}),
        KnownType("sqlite3.Cursor",
                  methods=_ret("sqlite3.Cursor", "execute executemany executescript")
                  | {"fetchall": _list("builtins.tuple"), "fetchmany": _list("builtins.tuple"),
                     "__iter__": "builtins.tuple"},
                  attributes={"connection": "sqlite3.Connection"}),
        KnownType("sqlite3.Blob"),

        # ------------------------------------------------------------ sockets / TLS --
        KnownType("socket.socket",
                  methods={"accept": _tuple("socket.socket", "builtins.tuple"),
                           "dup": "socket.socket"}),
        KnownType("ssl.SSLSocket", bases=("socket.socket",),
                  methods={"accept": _tuple("ssl.SSLSocket", "builtins.tuple")}),
        KnownType("ssl.SSLContext", methods={"wrap_socket": "ssl.SSLSocket"}),
        KnownType("select.poll"),
        KnownType("select.epoll"),
        KnownType("select.devpoll"),
        KnownType("select.kqueue"),
        KnownType("selectors.BaseSelector"),
        *(KnownType(f"selectors.{s}", bases=("selectors.BaseSelector",))
          for s in ("DefaultSelector", "SelectSelector", "PollSelector", "EpollSelector",
                    "DevpollSelector", "KqueueSelector")),
        KnownType("socketserver.BaseServer"),
        KnownType("socketserver.TCPServer", bases=("socketserver.BaseServer",)),
        KnownType("socketserver.UDPServer", bases=("socketserver.TCPServer",)),
        KnownType("socketserver.ThreadingTCPServer", bases=("socketserver.TCPServer",)),
        KnownType("socketserver.ForkingTCPServer", bases=("socketserver.TCPServer",)),
        KnownType("http.server.HTTPServer", bases=("socketserver.TCPServer",)),
        KnownType("http.server.ThreadingHTTPServer", bases=("http.server.HTTPServer",)),
        KnownType("wsgiref.simple_server.WSGIServer", bases=("http.server.HTTPServer",)),
        KnownType("xmlrpc.server.SimpleXMLRPCServer", bases=("socketserver.TCPServer",)),

        # ------------------------------------------------------------ stdlib clients -
        KnownType("http.client.HTTPConnection",
                  methods={"getresponse": "http.client.HTTPResponse"}),
        KnownType("http.client.HTTPSConnection", bases=("http.client.HTTPConnection",)),
        KnownType("http.client.HTTPResponse", methods=_BUFFERED_READS),
        KnownType("urllib.request.OpenerDirector", methods={"open": "http.client.HTTPResponse"}),
        KnownType("urllib.robotparser.RobotFileParser"),
        KnownType("ftplib.FTP"),
        KnownType("ftplib.FTP_TLS", bases=("ftplib.FTP",)),
        KnownType("smtplib.SMTP"),
        KnownType("smtplib.SMTP_SSL", bases=("smtplib.SMTP",)),
        KnownType("smtplib.LMTP", bases=("smtplib.SMTP",)),
        KnownType("poplib.POP3"),
        KnownType("poplib.POP3_SSL", bases=("poplib.POP3",)),
        KnownType("imaplib.IMAP4"),
        KnownType("imaplib.IMAP4_SSL", bases=("imaplib.IMAP4",)),
        KnownType("imaplib.IMAP4_stream", bases=("imaplib.IMAP4",)),
        KnownType("telnetlib.Telnet"),
        KnownType("nntplib.NNTP"),
        KnownType("nntplib.NNTP_SSL", bases=("nntplib.NNTP",)),
        # Any attribute of a proxy is a remote method; calling it is the request.
        KnownType("xmlrpc.client.ServerProxy", attributes={"*": "xmlrpc.client._Method"}),
        KnownType("xmlrpc.client.Server", bases=("xmlrpc.client.ServerProxy",)),
        KnownType("xmlrpc.client._Method", attributes={"*": "xmlrpc.client._Method"}),
        KnownType("webbrowser.BaseBrowser"),

        # ------------------------------------------------------------ subprocess -----
        KnownType("subprocess.Popen",
                  methods={"communicate": _tuple(_BYTES, _BYTES)},
                  attributes={"stdin": _BYTES_W, "stdout": _BYTES_R, "stderr": _BYTES_R,
                              "args": "builtins.list", "pid": "builtins.int",
                              "returncode": "builtins.int"}),
        KnownType("subprocess.CompletedProcess"),

        # ------------------------------------------------------------ threading ------
        # `with lock as x` binds the result of acquire(): a bool.
        KnownType("threading.Lock", enter=_BOOL),
        KnownType("threading.RLock", enter=_BOOL),
        KnownType("_thread.LockType", bases=("threading.Lock",), enter=_BOOL),
        KnownType("_thread.lock", bases=("threading.Lock",), enter=_BOOL),
        KnownType("_thread.RLock", bases=("threading.RLock",), enter=_BOOL),
        KnownType("threading.Condition", enter=_BOOL),
        KnownType("threading.Semaphore", enter=_BOOL),
        KnownType("threading.BoundedSemaphore", bases=("threading.Semaphore",), enter=_BOOL),
        KnownType("threading.Event"),
        KnownType("threading.Barrier"),
        KnownType("threading.Thread"),
        KnownType("threading.Timer", bases=("threading.Thread",)),

        # ------------------------------------------------------------ queue ----------
        KnownType("queue.Queue"),
        KnownType("queue.LifoQueue", bases=("queue.Queue",)),
        KnownType("queue.PriorityQueue", bases=("queue.Queue",)),
        KnownType("queue.SimpleQueue"),

        # ------------------------------------------------------------ concurrent -----
        KnownType(_FUTURE),
        KnownType("concurrent.futures.Executor",
                  methods={"submit": _FUTURE, "map": _list("builtins.object")}),
        KnownType("concurrent.futures.ThreadPoolExecutor", bases=("concurrent.futures.Executor",)),
        KnownType("concurrent.futures.ProcessPoolExecutor", bases=("concurrent.futures.Executor",)),
        KnownType("concurrent.futures.InterpreterPoolExecutor",
                  bases=("concurrent.futures.ThreadPoolExecutor",)),

        # ------------------------------------------------------------ multiprocessing
        KnownType("multiprocessing.pool.Pool",
                  methods={"apply_async": "multiprocessing.pool.AsyncResult",
                           "map_async": "multiprocessing.pool.MapResult",
                           "starmap_async": "multiprocessing.pool.MapResult",
                           "imap": "multiprocessing.pool.IMapIterator",
                           "imap_unordered": "multiprocessing.pool.IMapUnorderedIterator"}),
        KnownType("multiprocessing.pool.ThreadPool", bases=("multiprocessing.pool.Pool",)),
        KnownType("multiprocessing.pool.AsyncResult"),
        KnownType("multiprocessing.pool.ApplyResult", bases=("multiprocessing.pool.AsyncResult",)),
        KnownType("multiprocessing.pool.MapResult", bases=("multiprocessing.pool.AsyncResult",)),
        KnownType("multiprocessing.pool.IMapIterator"),
        KnownType("multiprocessing.pool.IMapUnorderedIterator",
                  bases=("multiprocessing.pool.IMapIterator",)),
        KnownType("multiprocessing.queues.Queue"),
        KnownType("multiprocessing.queues.JoinableQueue", bases=("multiprocessing.queues.Queue",)),
        KnownType("multiprocessing.queues.SimpleQueue"),
        KnownType("multiprocessing.process.BaseProcess"),
        KnownType("multiprocessing.Process", bases=("multiprocessing.process.BaseProcess",)),
        KnownType("multiprocessing.context.Process", bases=("multiprocessing.process.BaseProcess",)),
        KnownType("multiprocessing.connection.Connection"),
        KnownType("multiprocessing.connection.Listener",
                  methods={"accept": "multiprocessing.connection.Connection"}),
        *(KnownType(f"multiprocessing.synchronize.{n}", enter=_BOOL)
          for n in ("Lock", "RLock", "Semaphore", "Condition")),
        KnownType("multiprocessing.synchronize.BoundedSemaphore",
                  bases=("multiprocessing.synchronize.Semaphore",), enter=_BOOL),
        KnownType("multiprocessing.synchronize.Event"),
        KnownType("multiprocessing.synchronize.Barrier"),
        KnownType("multiprocessing.managers.SyncManager"),
        # `multiprocessing.get_context()` objects expose the same factories (`Process` is
        # defined on each concrete context class, not on the base).
        KnownType("multiprocessing.context.BaseContext",
                  methods={"Pool": "multiprocessing.pool.Pool",
                           "Queue": "multiprocessing.queues.Queue",
                           "JoinableQueue": "multiprocessing.queues.JoinableQueue",
                           "SimpleQueue": "multiprocessing.queues.SimpleQueue",
                           "Lock": "multiprocessing.synchronize.Lock",
                           "RLock": "multiprocessing.synchronize.RLock",
                           "Event": "multiprocessing.synchronize.Event",
                           "Semaphore": "multiprocessing.synchronize.Semaphore",
                           "Condition": "multiprocessing.synchronize.Condition",
                           "Barrier": "multiprocessing.synchronize.Barrier",
                           "Manager": "multiprocessing.managers.SyncManager"}),
        KnownType("multiprocessing.context.DefaultContext",
                  bases=("multiprocessing.context.BaseContext",),
                  methods={"Process": "multiprocessing.process.BaseProcess"}),

        # ------------------------------------------------------------ event loops ----
        # Known so that offloader/registrar qualnames resolve on typed receivers.
        KnownType("asyncio.AbstractEventLoop",
                  methods={"run_in_executor": "asyncio.Future", "create_task": "asyncio.Task",
                           "create_future": "asyncio.Future"}),
        KnownType("asyncio.BaseEventLoop", bases=("asyncio.AbstractEventLoop",)),
        KnownType("asyncio.Future"),
        KnownType("asyncio.Task", bases=("asyncio.Future",)),
        KnownType("asyncio.Runner"),
        KnownType("tornado.ioloop.IOLoop",
                  methods=_ret("tornado.ioloop.IOLoop", "current instance")
                  | {"run_in_executor": "asyncio.Future"}),
        KnownType("tornado.ioloop.PeriodicCallback"),
        KnownType("anyio.from_thread.BlockingPortal"),
        KnownType("trio.lowlevel.TrioToken"),
        KnownType("asgiref.sync.AsyncToSync"),
        KnownType("asgiref.sync.SyncToAsync"),

        # ------------------------------------------------------------ requests / httpx
        KnownType("requests.Session",
                  methods=_ret("requests.Response", "get post put patch delete head options "
                                                    "request send")),
        KnownType("requests.Response"),
        # A response whose body is still on the socket (`stream=True`, see KEYWORD_RETURNS).
        KnownType("requests.Response@stream", bases=("requests.Response",),
                  attributes={"raw": "urllib3.HTTPResponse@stream"}),
        KnownType("httpx.Client",
                  methods=_ret("httpx.Response", "get post put patch delete head options "
                                                 "request send")
                  | {"stream": "httpx.Response@stream"}),
        KnownType("httpx.Response"),
        # `client.stream(...)` / `httpx.stream(...)` / `client.send(req, stream=True)`.
        KnownType("httpx.Response@stream", bases=("httpx.Response",)),
        # Async counterparts: known, never sinks.
        KnownType("httpx.AsyncClient"),
        KnownType("aiohttp.ClientSession"),

        # ------------------------------------------------------------ urllib3 --------
        KnownType("urllib3.PoolManager",
                  methods=_ret("urllib3.HTTPResponse", "request urlopen request_encode_url "
                                                       "request_encode_body")
                  | _ret("urllib3.HTTPConnectionPool", "connection_from_url connection_from_host")),
        KnownType("urllib3.ProxyManager", bases=("urllib3.PoolManager",)),
        KnownType("urllib3.HTTPConnectionPool",
                  methods=_ret("urllib3.HTTPResponse", "request urlopen request_encode_url "
                                                       "request_encode_body")),
        KnownType("urllib3.HTTPSConnectionPool", bases=("urllib3.HTTPConnectionPool",)),
        KnownType("urllib3.HTTPResponse"),
        # `preload_content=False`: the body is read from the socket on demand.
        KnownType("urllib3.HTTPResponse@stream", bases=("urllib3.HTTPResponse",)),

        # ------------------------------------------------------------ other network --
        KnownType("pycurl.Curl"),
        KnownType("websocket.WebSocket"),
        KnownType("websocket.WebSocketApp"),
        KnownType("websockets.sync.connection.Connection", methods={"recv": _STR}),
        KnownType("websockets.sync.client.ClientConnection",
                  bases=("websockets.sync.connection.Connection",)),
        # gRPC: a generated stub stores `channel.unary_unary(...)` results as attributes;
        # calling one is the RPC.
        KnownType("grpc.Channel",
                  methods={"unary_unary": "grpc.UnaryUnaryMultiCallable",
                           "unary_stream": "grpc.UnaryStreamMultiCallable",
                           "stream_unary": "grpc.StreamUnaryMultiCallable",
                           "stream_stream": "grpc.StreamStreamMultiCallable"}),
        KnownType("grpc.UnaryUnaryMultiCallable"),
        KnownType("grpc.UnaryStreamMultiCallable"),
        KnownType("grpc.StreamUnaryMultiCallable"),
        KnownType("grpc.StreamStreamMultiCallable"),
        KnownType("grpc.Future"),
        KnownType("slack_sdk.WebClient"),
        KnownType("slack_sdk.web.WebClient", bases=("slack_sdk.WebClient",)),
        KnownType("minio.Minio"),

        # ------------------------------------------------------------ OpenAI ---------
        KnownType("openai.OpenAI",
                  methods=_ret("openai.OpenAI", "with_options copy"),
                  attributes={a: f"openai.resources.{t}" for a, t in _OPENAI_CLIENT_ATTRS.items()}
                  | {"with_raw_response": "openai.OpenAI",
                     "with_streaming_response": "openai.OpenAI"}),
        KnownType("openai.Client", bases=("openai.OpenAI",)),
        KnownType("openai.AzureOpenAI", bases=("openai.OpenAI",)),
        *_sdk_tree("openai.resources", _OPENAI_TREE, _OPENAI_METHODS),
        KnownType("openai.Stream"),
        KnownType(f"{_OPENAI_STREAMS}.chat.ChatCompletionStreamManager",
                  enter=f"{_OPENAI_STREAMS}.chat.ChatCompletionStream"),
        KnownType(f"{_OPENAI_STREAMS}.chat.ChatCompletionStream"),
        KnownType(f"{_OPENAI_STREAMS}.responses.ResponseStreamManager",
                  enter=f"{_OPENAI_STREAMS}.responses.ResponseStream"),
        KnownType(f"{_OPENAI_STREAMS}.responses.ResponseStream"),
        KnownType(f"{_OPENAI_STREAMS}.AssistantStreamManager",
                  enter=f"{_OPENAI_STREAMS}.AssistantEventHandler"),
        KnownType(f"{_OPENAI_STREAMS}.AssistantEventHandler"),
        KnownType("openai.AsyncOpenAI"),
        KnownType("openai.AsyncAzureOpenAI"),

        # ------------------------------------------------------------ Anthropic ------
        KnownType("anthropic.Anthropic",
                  methods=_ret("anthropic.Anthropic", "with_options copy"),
                  attributes=_ANTHROPIC_CLIENT_ATTRS
                  | {"with_raw_response": "anthropic.Anthropic",
                     "with_streaming_response": "anthropic.Anthropic"}),
        KnownType("anthropic.Client", bases=("anthropic.Anthropic",)),
        KnownType("anthropic.AnthropicBedrock", bases=("anthropic.Anthropic",)),
        KnownType("anthropic.AnthropicVertex", bases=("anthropic.Anthropic",)),
        *_sdk_tree("anthropic.resources", _ANTHROPIC_TREE, _ANTHROPIC_METHODS),
        KnownType("anthropic.Stream"),
        KnownType("anthropic.lib.streaming.MessageStreamManager",
                  enter="anthropic.lib.streaming.MessageStream"),
        KnownType("anthropic.lib.streaming.MessageStream"),
        KnownType("anthropic.lib.streaming.BetaMessageStreamManager",
                  enter="anthropic.lib.streaming.BetaMessageStream"),
        KnownType("anthropic.lib.streaming.BetaMessageStream",
                  bases=("anthropic.lib.streaming.MessageStream",)),
        KnownType("anthropic.AsyncAnthropic"),

        # ------------------------------------------------------------ other LLM SDKs -
        KnownType("groq.Groq", attributes={"chat": "groq.resources.chat.Chat",
                                           "embeddings": "groq.resources.embeddings.Embeddings"}),
        *_sdk_tree("groq.resources", _GROQ_TREE),
        KnownType("groq.AsyncGroq"),
        KnownType("mistralai.Mistral", attributes={"chat": "mistralai.chat.Chat",
                                                   "embeddings": "mistralai.embeddings.Embeddings"}),
        KnownType("mistralai.chat.Chat"),
        KnownType("mistralai.embeddings.Embeddings"),
        KnownType("cohere.Client"),
        KnownType("cohere.ClientV2"),
        KnownType("cohere.AsyncClient"),
        KnownType("ollama.Client"),
        KnownType("ollama.AsyncClient"),
        KnownType("google.genai.Client",
                  attributes={"models": "google.genai.models.Models",
                              "chats": "google.genai.chats.Chats",
                              "aio": "google.genai.AsyncClient"}),
        KnownType("google.genai.models.Models"),
        KnownType("google.genai.chats.Chats", methods={"create": "google.genai.chats.Chat"}),
        KnownType("google.genai.chats.Chat"),
        KnownType("google.genai.AsyncClient"),
        KnownType("google.generativeai.GenerativeModel",
                  methods={"start_chat": "google.generativeai.ChatSession"}),
        KnownType("google.generativeai.ChatSession"),
        KnownType("huggingface_hub.InferenceClient"),
        KnownType("huggingface_hub.AsyncInferenceClient"),
        # LangChain: network-backed chat models / LLMs / embeddings share these bases.
        KnownType("langchain_core.language_models.BaseChatModel"),
        KnownType("langchain_core.language_models.BaseLLM"),
        KnownType("langchain_core.embeddings.Embeddings"),
        *(KnownType(n, bases=("langchain_core.language_models.BaseChatModel",)) for n in (
            "langchain_openai.ChatOpenAI", "langchain_openai.AzureChatOpenAI",
            "langchain_anthropic.ChatAnthropic", "langchain_google_genai.ChatGoogleGenerativeAI",
            "langchain_ollama.ChatOllama", "langchain_mistralai.ChatMistralAI",
            "langchain_groq.ChatGroq", "langchain_aws.ChatBedrock",
            "langchain_aws.ChatBedrockConverse", "langchain_community.chat_models.ChatOllama")),
        *(KnownType(n, bases=("langchain_core.language_models.BaseLLM",)) for n in (
            "langchain_openai.OpenAI", "langchain_ollama.OllamaLLM")),
        *(KnownType(n, bases=("langchain_core.embeddings.Embeddings",)) for n in (
            "langchain_openai.OpenAIEmbeddings", "langchain_openai.AzureOpenAIEmbeddings",
            "langchain_ollama.OllamaEmbeddings", "langchain_google_genai.GoogleGenerativeAIEmbeddings",
            "langchain_mistralai.MistralAIEmbeddings", "langchain_aws.BedrockEmbeddings")),

        # ------------------------------------------------------------ boto3 ----------
        KnownType("boto3.Session",
                  methods={"client": "botocore.client.BaseClient",
                           "resource": "boto3.resources.base.ServiceResource"}),
        KnownType("botocore.session.Session", methods={"create_client": "botocore.client.BaseClient"}),
        KnownType("botocore.client.BaseClient",
                  methods={"get_paginator": "botocore.paginate.Paginator",
                           "get_waiter": "botocore.waiter.Waiter"}),
        KnownType("botocore.paginate.Paginator", methods={"paginate": "botocore.paginate.PageIterator"}),
        KnownType("botocore.paginate.PageIterator", methods={"__iter__": _DICT}),
        KnownType("botocore.waiter.Waiter"),
        # Resource objects are generated from JSON models: no static methods are known.
        # `resource.meta.client` is the resource's low-level client.
        KnownType("boto3.resources.base.ServiceResource",
                  attributes={"meta": "boto3.resources.base.ResourceMeta"}),
        KnownType("boto3.resources.base.ResourceMeta",
                  attributes={"client": "botocore.client.BaseClient"}),
        KnownType("boto3.s3.transfer.S3Transfer"),

        # ------------------------------------------------------------ Google Cloud ---
        KnownType("google.cloud.storage.Client",
                  methods=_ret("google.cloud.storage.Bucket", "bucket get_bucket lookup_bucket "
                                                              "create_bucket")
                  | {"list_buckets": _list("google.cloud.storage.Bucket"),
                     "list_blobs": _list("google.cloud.storage.Blob")}),
        KnownType("google.cloud.storage.Bucket",
                  methods=_ret("google.cloud.storage.Blob", "blob get_blob")
                  | {"list_blobs": _list("google.cloud.storage.Blob")}),
        KnownType("google.cloud.storage.Blob",
                  methods={"open": "google.cloud.storage.fileio.BlobReader"}),
        KnownType("google.cloud.storage.fileio.BlobReader", methods=_BYTES_READS),
        KnownType("google.cloud.storage.fileio.BlobWriter"),
        KnownType("google.cloud.bigquery.Client", methods={"query": "google.cloud.bigquery.QueryJob"}),
        KnownType("google.cloud.bigquery.QueryJob"),
        KnownType("google.cloud.pubsub_v1.PublisherClient",
                  methods={"publish": "google.cloud.pubsub_v1.publisher.futures.Future"}),
        KnownType("google.cloud.pubsub_v1.SubscriberClient",
                  methods={"subscribe": "google.cloud.pubsub_v1.subscriber.futures.StreamingPullFuture"}),
        KnownType("google.cloud.pubsub_v1.publisher.futures.Future", bases=(_FUTURE,)),
        KnownType("google.cloud.pubsub_v1.subscriber.futures.StreamingPullFuture", bases=(_FUTURE,)),

        # ------------------------------------------------------------ messaging ------
        KnownType("kafka.KafkaProducer", methods={"send": "kafka.producer.future.FutureRecordMetadata"}),
        KnownType("kafka.KafkaConsumer"),
        KnownType("kafka.KafkaAdminClient"),
        KnownType("kafka.producer.future.FutureRecordMetadata"),
        KnownType("pika.BlockingConnection",
                  methods={"channel": "pika.adapters.blocking_connection.BlockingChannel"}),
        KnownType("pika.adapters.blocking_connection.BlockingConnection",
                  bases=("pika.BlockingConnection",)),
        KnownType("pika.adapters.blocking_connection.BlockingChannel"),

        # ------------------------------------------------------------ SSH ------------
        KnownType("paramiko.SSHClient",
                  methods={"open_sftp": "paramiko.SFTPClient", "get_transport": "paramiko.Transport",
                           "invoke_shell": "paramiko.Channel",
                           "exec_command": _tuple("paramiko.ChannelStdinFile", "paramiko.ChannelFile",
                                                  "paramiko.ChannelStderrFile")}),
        # A Transport is the thread that reads the socket: `join()` waits for it.
        KnownType("paramiko.Transport", bases=("threading.Thread",),
                  methods=_ret("paramiko.Channel", "open_session open_channel accept "
                                                   "open_x11_channel open_forward_agent_channel "
                                                   "open_forwarded_tcpip_channel")
                  | {"open_sftp_client": "paramiko.SFTPClient"}),
        KnownType("paramiko.Channel", methods={"makefile": "paramiko.ChannelFile",
                                               "makefile_stderr": "paramiko.ChannelStderrFile",
                                               "makefile_stdin": "paramiko.ChannelStdinFile",
                                               "get_transport": "paramiko.Transport"}),
        KnownType("paramiko.ChannelFile", methods=_BYTES_READS),
        KnownType("paramiko.ChannelStdinFile", bases=("paramiko.ChannelFile",)),
        KnownType("paramiko.ChannelStderrFile", bases=("paramiko.ChannelFile",)),
        KnownType("paramiko.SFTPClient",
                  methods={"open": "paramiko.SFTPFile", "file": "paramiko.SFTPFile",
                           "from_transport": "paramiko.SFTPClient", "listdir": _list(_STR),
                           "get_channel": "paramiko.Channel"}),
        KnownType("paramiko.SFTP", bases=("paramiko.SFTPClient",)),
        KnownType("paramiko.SFTPFile", methods=_BYTES_READS),
        # Fabric: a Connection wraps an SSHClient; `sftp()` is paramiko's SFTPClient.
        KnownType("invoke.Context"),
        KnownType("fabric.Connection", bases=("invoke.Context",),
                  methods={"sftp": "paramiko.SFTPClient", "create_session": "paramiko.Channel"},
                  attributes={"client": "paramiko.SSHClient", "transport": "paramiko.Transport"}),
        KnownType("fabric.Group"),
        KnownType("fabric.SerialGroup", bases=("fabric.Group",)),
        KnownType("fabric.ThreadingGroup", bases=("fabric.Group",)),
        KnownType("fabric.transfer.Transfer"),

        # ------------------------------------------------------------ docker ---------
        KnownType("docker.DockerClient",
                  methods={"from_env": "docker.DockerClient"},
                  attributes={"containers": "docker.models.containers.ContainerCollection",
                              "images": "docker.models.images.ImageCollection",
                              "networks": "docker.models.networks.NetworkCollection",
                              "volumes": "docker.models.volumes.VolumeCollection",
                              "api": "docker.APIClient"}),
        KnownType("docker.APIClient"),
        KnownType("docker.models.containers.ContainerCollection",
                  methods=_ret("docker.models.containers.Container", "run create get")
                  | {"list": _list("docker.models.containers.Container")}),
        KnownType("docker.models.containers.Container"),
        KnownType("docker.models.images.ImageCollection",
                  methods=_ret("docker.models.images.Image", "get pull load")
                  | {"list": _list("docker.models.images.Image")}),
        KnownType("docker.models.images.Image"),
        KnownType("docker.models.networks.NetworkCollection"),
        KnownType("docker.models.volumes.VolumeCollection"),

        # ------------------------------------------------------------ SQL drivers ----
        # psycopg2 (`with conn:` commits on exit).
        KnownType("psycopg2.extensions.connection",
                  methods={"cursor": "psycopg2.extensions.cursor"}),
        KnownType("psycopg2.extras.DictConnection", bases=("psycopg2.extensions.connection",)),
        KnownType("psycopg2.extras.RealDictConnection", bases=("psycopg2.extensions.connection",)),
        KnownType("psycopg2.extensions.cursor", methods={"__iter__": "builtins.tuple"}),
        *(KnownType(f"psycopg2.extras.{c}", bases=("psycopg2.extensions.cursor",))
          for c in ("DictCursor", "RealDictCursor", "NamedTupleCursor", "LoggingCursor")),
        KnownType("psycopg2.pool.AbstractConnectionPool",
                  methods={"getconn": "psycopg2.extensions.connection"}),
        KnownType("psycopg2.pool.SimpleConnectionPool", bases=("psycopg2.pool.AbstractConnectionPool",)),
        KnownType("psycopg2.pool.ThreadedConnectionPool",
                  bases=("psycopg2.pool.AbstractConnectionPool",)),
        # psycopg 3, sync API (`with conn:` commits on exit).
        KnownType("psycopg.Connection",
                  methods=_ret("psycopg.Cursor", "cursor execute")
                  | {"connect": "psycopg.Connection", "transaction": "psycopg.Transaction"}),
        KnownType("psycopg.Cursor", methods={"__iter__": "builtins.tuple"}),
        KnownType("psycopg.ClientCursor", bases=("psycopg.Cursor",)),
        KnownType("psycopg.ServerCursor", bases=("psycopg.Cursor",)),
        KnownType("psycopg.Transaction"),
        KnownType("psycopg_pool.ConnectionPool",
                  methods=_ret("psycopg.Connection", "getconn connection")),
        KnownType("psycopg.AsyncConnection"),
        # PyMySQL (`pymysql.connect` is the Connection class itself).
        KnownType("pymysql.Connection", methods={"cursor": "pymysql.cursors.Cursor"}),
        KnownType("pymysql.cursors.Cursor", methods={"__iter__": "builtins.tuple"}),
        KnownType("pymysql.cursors.DictCursor", bases=("pymysql.cursors.Cursor",)),
        KnownType("pymysql.cursors.SSCursor", bases=("pymysql.cursors.Cursor",)),
        KnownType("pymysql.cursors.SSDictCursor", bases=("pymysql.cursors.SSCursor",)),
        # mysql-connector: pure-Python and C-extension connections share the abstract bases.
        KnownType("mysql.connector.abstracts.MySQLConnectionAbstract",
                  methods={"cursor": "mysql.connector.abstracts.MySQLCursorAbstract"}),
        KnownType("mysql.connector.MySQLConnection",
                  bases=("mysql.connector.abstracts.MySQLConnectionAbstract",)),
        KnownType("mysql.connector.CMySQLConnection",
                  bases=("mysql.connector.abstracts.MySQLConnectionAbstract",)),
        KnownType("mysql.connector.pooling.PooledMySQLConnection",
                  bases=("mysql.connector.abstracts.MySQLConnectionAbstract",)),
        KnownType("mysql.connector.pooling.MySQLConnectionPool",
                  methods={"get_connection": "mysql.connector.pooling.PooledMySQLConnection"}),
        KnownType("mysql.connector.abstracts.MySQLCursorAbstract"),
        KnownType("mysql.connector.cursor.MySQLCursor",
                  bases=("mysql.connector.abstracts.MySQLCursorAbstract",)),
        KnownType("mysql.connector.cursor_cext.CMySQLCursor",
                  bases=("mysql.connector.abstracts.MySQLCursorAbstract",)),
        # Other DB-API drivers.
        KnownType("pyodbc.Connection", methods=_ret("pyodbc.Cursor", "cursor execute")),
        KnownType("pyodbc.Cursor", methods={"execute": "pyodbc.Cursor"}),
        KnownType("oracledb.Connection", methods={"cursor": "oracledb.Cursor"}),
        KnownType("oracledb.Cursor"),
        KnownType("clickhouse_driver.Client"),
        KnownType("cassandra.cluster.Cluster", methods={"connect": "cassandra.cluster.Session"}),
        KnownType("cassandra.cluster.Session",
                  methods={"execute_async": "cassandra.cluster.ResponseFuture"}),
        KnownType("cassandra.cluster.ResponseFuture"),
        KnownType("neo4j.GraphDatabase", methods={"driver": "neo4j.Driver"}),
        KnownType("neo4j.Driver", methods={"session": "neo4j.Session"}),
        KnownType("neo4j.Session", methods={"run": "neo4j.Result"}),
        KnownType("neo4j.Result"),

        # ------------------------------------------------------------ SQLAlchemy -----
        KnownType("sqlalchemy.engine.Engine",
                  methods=_ret("sqlalchemy.engine.Connection", "connect begin")
                  | {"execution_options": "sqlalchemy.engine.Engine"}),
        KnownType("sqlalchemy.Engine", bases=("sqlalchemy.engine.Engine",)),
        KnownType("sqlalchemy.engine.Connection",
                  methods={"execute": "sqlalchemy.engine.CursorResult",
                           "scalars": "sqlalchemy.engine.ScalarResult",
                           "execution_options": "sqlalchemy.engine.Connection"}),
        KnownType("sqlalchemy.Connection", bases=("sqlalchemy.engine.Connection",)),
        # Results are buffered by the DB-API cursor: reading them is in-memory.
        KnownType("sqlalchemy.engine.Result"),
        KnownType("sqlalchemy.engine.CursorResult", bases=("sqlalchemy.engine.Result",)),
        KnownType("sqlalchemy.engine.ScalarResult"),
        KnownType("sqlalchemy.orm.Session",
                  methods={"query": "sqlalchemy.orm.Query", "execute": "sqlalchemy.engine.Result",
                           "scalars": "sqlalchemy.engine.ScalarResult",
                           "connection": "sqlalchemy.engine.Connection",
                           "get_bind": "sqlalchemy.engine.Engine",
                           "begin": "sqlalchemy.orm.SessionTransaction"}),
        KnownType("sqlalchemy.orm.SessionTransaction"),
        KnownType("sqlalchemy.orm.Query", methods=_ret("sqlalchemy.orm.Query", _QUERY_BUILDERS)),
        KnownType("sqlalchemy.orm.sessionmaker", methods={"__call__": "sqlalchemy.orm.Session"}),
        # Proxies every Session method to the thread-local session.
        KnownType("sqlalchemy.orm.scoped_session", bases=("sqlalchemy.orm.Session",),
                  methods={"__call__": "sqlalchemy.orm.Session"}),
        KnownType("sqlmodel.Session", bases=("sqlalchemy.orm.Session",),
                  methods={"exec": "sqlalchemy.engine.ScalarResult"}),
        KnownType("flask_sqlalchemy.SQLAlchemy",
                  attributes={"session": "sqlalchemy.orm.scoped_session",
                              "engine": "sqlalchemy.engine.Engine"}),
        KnownType("sqlalchemy.ext.asyncio.AsyncEngine"),
        KnownType("sqlalchemy.ext.asyncio.AsyncSession"),

        # ------------------------------------------------------------ Redis ----------
        KnownType("redis.Redis",
                  methods={"pipeline": "redis.Pipeline", "pubsub": "redis.PubSub",
                           "lock": "redis.lock.Lock", "from_url": "redis.Redis",
                           "from_pool": "redis.Redis", "client": "redis.Redis"}),
        KnownType("redis.StrictRedis", bases=("redis.Redis",)),
        # Cluster client: same commands, discovers the slot map when constructed.
        KnownType("redis.RedisCluster", bases=("redis.Redis",)),
        # Pipeline commands only buffer; `execute()` sends them (no `redis.Redis` base).
        KnownType("redis.Pipeline"),
        KnownType("redis.PubSub", methods={"listen": _list(_DICT)}),
        KnownType("redis.lock.Lock", enter="redis.lock.Lock"),
        KnownType("redis.sentinel.Sentinel", methods=_ret("redis.Redis", "master_for slave_for")),
        KnownType("redis.asyncio.Redis"),
        KnownType("pymemcache.client.base.Client"),
        KnownType("pymemcache.Client", bases=("pymemcache.client.base.Client",)),

        # ------------------------------------------------------------ MongoDB --------
        # `client.<name>` / `client["<name>"]` is a Database; `db.<name>` a Collection.
        KnownType("pymongo.MongoClient",
                  methods=_sink_methods("pymongo.MongoClient")
                  | _ret("pymongo.database.Database", "get_database get_default_database "
                                                            "__getitem__")
                  | {"start_session": "pymongo.client_session.ClientSession",
                     "watch": "pymongo.change_stream.ChangeStream",
                     "list_databases": "pymongo.command_cursor.CommandCursor",
                     "list_database_names": _list(_STR)},
                  attributes={"*": "pymongo.database.Database"}),
        KnownType("pymongo.database.Database",
                  methods=_sink_methods("pymongo.database.Database")
                  | _ret("pymongo.collection.Collection", "get_collection create_collection "
                                                                "__getitem__")
                  | _ret("pymongo.command_cursor.CommandCursor", "list_collections aggregate")
                  | {"watch": "pymongo.change_stream.ChangeStream",
                     "list_collection_names": _list(_STR),
                     "with_options": "pymongo.database.Database"},
                  attributes={"*": "pymongo.collection.Collection",
                              "client": "pymongo.MongoClient", "name": _STR}),
        KnownType("pymongo.collection.Collection",
                  methods=_sink_methods("pymongo.collection.Collection")
                  | {"find": "pymongo.cursor.Cursor",
                           "find_raw_batches": "pymongo.cursor.RawBatchCursor",
                           "aggregate": "pymongo.command_cursor.CommandCursor",
                           "list_indexes": "pymongo.command_cursor.CommandCursor",
                           "watch": "pymongo.change_stream.ChangeStream",
                           "with_options": "pymongo.collection.Collection",
                           "__getitem__": "pymongo.collection.Collection",
                           "find_one": _DICT},
                  attributes={"*": "pymongo.collection.Collection",
                              "database": "pymongo.database.Database",
                              "name": _STR, "full_name": _STR}),
        KnownType("pymongo.cursor.Cursor",
                  methods=_ret("pymongo.cursor.Cursor", _CURSOR_BUILDERS)
                  | {"__iter__": _DICT, "__next__": _DICT, "next": _DICT,
                     "to_list": _list(_DICT)}),
        KnownType("pymongo.cursor.RawBatchCursor", bases=("pymongo.cursor.Cursor",)),
        KnownType("pymongo.command_cursor.CommandCursor",
                  methods={"batch_size": "pymongo.command_cursor.CommandCursor",
                           "__iter__": _DICT, "__next__": _DICT, "next": _DICT,
                           "to_list": _list(_DICT)}),
        KnownType("pymongo.client_session.ClientSession"),
        KnownType("pymongo.change_stream.ChangeStream", methods={"__iter__": _DICT}),
        KnownType("gridfs.GridFS", methods=_ret("gridfs.GridOut", "get get_version "
                                                                  "get_last_version find_one")),
        KnownType("gridfs.GridFSBucket",
                  methods=_ret("gridfs.GridOut", "open_download_stream "
                                                 "open_download_stream_by_name")),
        KnownType("gridfs.GridOut", methods=_BYTES_READS),
        KnownType("pymongo.AsyncMongoClient"),
        KnownType("motor.motor_asyncio.AsyncIOMotorClient"),

        # ------------------------------------------------------------ Elasticsearch --
        KnownType("elasticsearch.Elasticsearch",
                  methods={"options": "elasticsearch.Elasticsearch"},
                  attributes={a: f"elasticsearch.client.{c}" for a, c in _ES_NAMESPACES.items()}),
        *(KnownType(f"elasticsearch.client.{c}") for c in _ES_NAMESPACES.values()),
        KnownType("elasticsearch.AsyncElasticsearch"),

        # ------------------------------------------------------------ file locks -----
        KnownType("filelock.BaseFileLock"),
        *(KnownType(f"filelock.{n}", bases=("filelock.BaseFileLock",))
          for n in ("FileLock", "SoftFileLock", "UnixFileLock", "WindowsFileLock")),
        # `with portalocker.Lock(path) as fh:` binds the locked file.
        KnownType("portalocker.Lock", enter=_TEXT),
        KnownType("portalocker.RLock", bases=("portalocker.Lock",), enter=_TEXT),
        KnownType("portalocker.TemporaryFileLock", bases=("portalocker.Lock",), enter=_TEXT),
        KnownType("portalocker.PidFileLock", bases=("portalocker.TemporaryFileLock",)),
        KnownType("portalocker.BoundedSemaphore"),
        KnownType("portalocker.NamedBoundedSemaphore", bases=("portalocker.BoundedSemaphore",)),
        KnownType("portalocker.RedisLock"),
    )
}

# Module-level functions (and constructors that are not classes) and the type they return.
FUNCTION_RETURNS: dict[str, str] = {
    # files
    "builtins.open": _TEXT,
    "io.open": _TEXT,
    "io.open_code": _BYTES_R,
    "os.fdopen": _TEXT,
    "os.popen": "os._wrap_close",
    "os.scandir": _list("os.DirEntry"),
    "os.listdir": _list(_STR),
    "os.walk": _list(_tuple(_STR, _list(_STR), _list(_STR))),
    "os.stat": "os.stat_result",
    "os.lstat": "os.stat_result",
    "os.fstat": "os.stat_result",
    "glob.glob": _list(_STR),
    "glob.iglob": _list(_STR),
    "tempfile.NamedTemporaryFile": "tempfile._TemporaryFileWrapper",
    "tempfile.TemporaryFile": _BYTES_RW,
    "tempfile.mkstemp": _tuple("builtins.int", _STR),
    "tempfile.mkdtemp": _STR,
    "tempfile.gettempdir": _STR,
    "gzip.open": "gzip.GzipFile",
    "bz2.open": "bz2.BZ2File",
    "lzma.open": "lzma.LZMAFile",
    "tarfile.open": "tarfile.TarFile",
    "shelve.open": "shelve.Shelf",
    # imports and package metadata
    "importlib.resources.files": "importlib.resources.abc.Traversable",
    "importlib.util.find_spec": "importlib.machinery.ModuleSpec",
    "importlib.util.spec_from_file_location": "importlib.machinery.ModuleSpec",
    "importlib.metadata.distribution": "importlib.metadata.Distribution",
    "importlib.metadata.distributions": _list("importlib.metadata.Distribution"),
    "importlib.metadata.entry_points": "importlib.metadata.EntryPoints",
    "webbrowser.get": "webbrowser.BaseBrowser",
    # sockets, TLS and stdlib clients
    "socket.create_connection": "socket.socket",
    "socket.create_server": "socket.socket",
    "socket.fromfd": "socket.socket",
    "socket.socketpair": _tuple("socket.socket", "socket.socket"),
    "ssl.create_default_context": "ssl.SSLContext",
    "ssl.wrap_socket": "ssl.SSLSocket",
    "urllib.request.urlopen": "http.client.HTTPResponse",
    "urllib.request.build_opener": "urllib.request.OpenerDirector",
    "wsgiref.simple_server.make_server": "wsgiref.simple_server.WSGIServer",
    "subprocess.run": "subprocess.CompletedProcess",
    "subprocess.check_output": _BYTES,
    # databases
    "sqlite3.connect": "sqlite3.Connection",
    "psycopg2.connect": "psycopg2.extensions.connection",
    "psycopg.connect": "psycopg.Connection",
    "pymysql.connect": "pymysql.Connection",
    "pymysql.Connect": "pymysql.Connection",
    "mysql.connector.connect": "mysql.connector.abstracts.MySQLConnectionAbstract",
    "mysql.connector.pooling.connect": "mysql.connector.abstracts.MySQLConnectionAbstract",
    "pyodbc.connect": "pyodbc.Connection",
    "oracledb.connect": "oracledb.Connection",
    "sqlalchemy.create_engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.engine_from_config": "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.create_engine": "sqlalchemy.engine.Engine",
    "sqlmodel.create_engine": "sqlalchemy.engine.Engine",
    "redis.from_url": "redis.Redis",
    # HTTP clients
    "requests.session": "requests.Session",
    **_ret("requests.Response", " ".join(f"requests.{m}" for m in (
        "get", "post", "put", "patch", "delete", "head", "options", "request"))),
    **_ret("httpx.Response", " ".join(f"httpx.{m}" for m in (
        "get", "post", "put", "patch", "delete", "head", "options", "request"))),
    "httpx.stream": "httpx.Response@stream",
    "urllib3.request": "urllib3.HTTPResponse",
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
    "urllib3.proxy_from_url": "urllib3.ProxyManager",
    "websocket.create_connection": "websocket.WebSocket",
    "websockets.sync.client.connect": "websockets.sync.client.ClientConnection",
    "grpc.insecure_channel": "grpc.Channel",
    "grpc.secure_channel": "grpc.Channel",
    "grpc.channel_ready_future": "grpc.Future",
    # cloud SDKs (boto3 clients are generated: only the BaseClient is known statically)
    "boto3.client": "botocore.client.BaseClient",
    "boto3.resource": "boto3.resources.base.ServiceResource",
    "botocore.session.get_session": "botocore.session.Session",
    "docker.from_env": "docker.DockerClient",
    # threads, processes, futures and event loops
    "_thread.allocate_lock": "threading.Lock",
    "threading.current_thread": "threading.Thread",
    "threading.main_thread": "threading.Thread",
    "concurrent.futures.ThreadPoolExecutor": "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.as_completed": _list(_FUTURE),
    "asyncio.run_coroutine_threadsafe": _FUTURE,
    "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
    "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.new_event_loop": "asyncio.AbstractEventLoop",
    "multiprocessing.Pool": "multiprocessing.pool.Pool",
    "multiprocessing.Queue": "multiprocessing.queues.Queue",
    "multiprocessing.JoinableQueue": "multiprocessing.queues.JoinableQueue",
    "multiprocessing.SimpleQueue": "multiprocessing.queues.SimpleQueue",
    "multiprocessing.Pipe": _tuple("multiprocessing.connection.Connection",
                                   "multiprocessing.connection.Connection"),
    "multiprocessing.Lock": "multiprocessing.synchronize.Lock",
    "multiprocessing.RLock": "multiprocessing.synchronize.RLock",
    "multiprocessing.Semaphore": "multiprocessing.synchronize.Semaphore",
    "multiprocessing.BoundedSemaphore": "multiprocessing.synchronize.BoundedSemaphore",
    "multiprocessing.Condition": "multiprocessing.synchronize.Condition",
    "multiprocessing.Event": "multiprocessing.synchronize.Event",
    "multiprocessing.Barrier": "multiprocessing.synchronize.Barrier",
    "multiprocessing.Manager": "multiprocessing.managers.SyncManager",
    "multiprocessing.get_context": "multiprocessing.context.DefaultContext",
    "multiprocessing.connection.Client": "multiprocessing.connection.Connection",
    "trio.lowlevel.current_trio_token": "trio.lowlevel.TrioToken",
    "anyio.from_thread.start_blocking_portal": "anyio.from_thread.BlockingPortal",
    "asgiref.sync.async_to_sync": "asgiref.sync.AsyncToSync",
    "asgiref.sync.sync_to_async": "asgiref.sync.SyncToAsync",
}


# Calls whose result type depends on a literal keyword argument: callee -> (keyword, value,
# result type) tried in order; the FUNCTION_RETURNS / method result applies otherwise.
# `requests.get(url, stream=True)` returns a response whose body is still on the socket.
_STREAMED = (("stream", True, "requests.Response@stream"),)
_UNPRELOADED = (("preload_content", False, "urllib3.HTTPResponse@stream"),)
KEYWORD_RETURNS: dict[str, tuple[tuple[str, object, str], ...]] = {
    **dict.fromkeys((f"requests.{m}" for m in
                     "get post put patch delete head options request".split()), _STREAMED),
    **dict.fromkeys((f"requests.Session.{m}" for m in
                     "get post put patch delete head options request send".split()), _STREAMED),
    "httpx.Client.send": (("stream", True, "httpx.Response@stream"),),
    "urllib3.request": _UNPRELOADED,
    **dict.fromkeys((f"urllib3.{pool}.{m}" for pool in ("PoolManager", "HTTPConnectionPool")
                     for m in "request urlopen request_encode_url request_encode_body".split()),
                    _UNPRELOADED),
}

def _package_aliases(root: str, packages: dict[str, str]) -> dict[str, str]:
    """`root.pkg.mod` -> `root.pkg` for each module named in `packages[pkg]`: generated
    SDKs define each class in a private module and re-export it from its package."""
    return {f"{root}.{pkg}.{mod}": f"{root}.{pkg}"
            for pkg, mods in packages.items() for mod in mods.split()}


# Modules that are the same module under another name (longest prefix wins).
MODULE_ALIASES: dict[str, str] = {
    # standard library
    "posixpath": "os.path",
    "ntpath": "os.path",
    "genericpath": "os.path",
    "posix": "os",
    "nt": "os",
    "pathlib._local": "pathlib",
    "pathlib._abc": "pathlib",
    "_io": "io",
    "_pyio": "io",
    "_socket": "socket",
    "_ssl": "ssl",
    "_sqlite3": "sqlite3",
    "sqlite3.dbapi2": "sqlite3",
    "_pickle": "pickle",
    "_queue": "queue",
    "_bz2": "bz2",
    "_lzma": "lzma",
    "asyncio.tasks": "asyncio",
    "asyncio.runners": "asyncio",
    "asyncio.threads": "asyncio",
    "asyncio.events": "asyncio",
    "asyncio.base_events": "asyncio",
    "asyncio.futures": "asyncio",
    "concurrent.futures._base": "concurrent.futures",
    "concurrent.futures.thread": "concurrent.futures",
    "concurrent.futures.process": "concurrent.futures",
    "importlib_metadata": "importlib.metadata",
    "importlib_resources": "importlib.resources",
    "importlib.resources._legacy": "importlib.resources",
    "importlib.resources._functional": "importlib.resources",
    # HTTP clients
    "requests.api": "requests",
    "requests.sessions": "requests",
    "requests.models": "requests",
    "httpx2": "httpx",  # pydantic's fork keeps httpx's API (flake8-async treats them as one)
    "httpx._api": "httpx",
    "httpx._client": "httpx",
    "httpx._models": "httpx",
    "urllib3.poolmanager": "urllib3",
    "urllib3.connectionpool": "urllib3",
    "urllib3.response": "urllib3",
    "websocket._core": "websocket",
    "websocket._app": "websocket",
    "slack_sdk.web.client": "slack_sdk",
    "minio.api": "minio",
    # TOML and data files
    "tomli._parser": "tomli",
    "tomli_w._writer": "tomli_w",
    "toml.decoder": "toml",
    "toml.encoder": "toml",
    "smart_open.smart_open_lib": "smart_open",
    "numpy.lib.npyio": "numpy",
    "numpy.lib._npyio_impl": "numpy",
    "pandas.io.parsers.readers": "pandas",
    "pandas.io.excel._base": "pandas",
    "pandas.io.json._json": "pandas",
    "pandas.io.parquet": "pandas",
    "pandas.io.feather_format": "pandas",
    "pandas.io.pickle": "pandas",
    "pandas.io.sql": "pandas",
    "pandas.core.frame": "pandas",
    "joblib.numpy_pickle": "joblib",
    "torch.serialization": "torch",
    # OpenAI / Anthropic / other LLM SDKs
    "openai._client": "openai",
    "openai._streaming": "openai",
    "openai.lib.azure": "openai",
    "openai.lib.streaming._assistants": "openai.lib.streaming",
    "openai.lib.streaming.chat._completions": "openai.lib.streaming.chat",
    "openai.lib.streaming.responses._responses": "openai.lib.streaming.responses",
    **_package_aliases("openai.resources", {
        "chat": "chat", "chat.completions": "completions messages",
        "audio": "audio speech transcriptions translations",
        "fine_tuning": "fine_tuning", "fine_tuning.jobs": "jobs checkpoints",
        "vector_stores": "vector_stores files file_batches",
        "beta": "beta assistants", "beta.chat": "chat completions",
        "beta.threads": "threads messages", "beta.threads.runs": "runs steps",
        "uploads": "uploads parts", "responses": "responses input_items input_tokens",
        "conversations": "conversations items", "containers": "containers",
        "containers.files": "files content", "evals": "evals",
        "evals.runs": "runs output_items", "realtime": "realtime client_secrets calls",
        "webhooks": "webhooks",
    }),
    "anthropic._client": "anthropic",
    "anthropic._streaming": "anthropic",
    "anthropic.lib.bedrock._client": "anthropic",
    "anthropic.lib.vertex._client": "anthropic",
    "anthropic.lib.streaming._messages": "anthropic.lib.streaming",
    "anthropic.lib.streaming._beta_messages": "anthropic.lib.streaming",
    **_package_aliases("anthropic.resources", {
        "messages": "messages batches", "beta": "beta models files",
        "beta.messages": "messages batches",
    }),
    "groq._client": "groq",
    "groq.resources.chat.chat": "groq.resources.chat",
    "mistralai.sdk": "mistralai",
    "cohere.client": "cohere",
    "cohere.client_v2": "cohere",
    "ollama._client": "ollama",
    "google.genai.client": "google.genai",
    "google.generativeai.generative_models": "google.generativeai",
    "huggingface_hub.inference._client": "huggingface_hub",
    "huggingface_hub.file_download": "huggingface_hub",
    "huggingface_hub._snapshot_download": "huggingface_hub",
    "huggingface_hub.hf_api": "huggingface_hub",
    "transformers.models.auto.modeling_auto": "transformers",
    "transformers.models.auto.tokenization_auto": "transformers",
    "transformers.models.auto.configuration_auto": "transformers",
    "transformers.models.auto.processing_auto": "transformers",
    "transformers.modeling_utils": "transformers",
    "transformers.tokenization_utils_base": "transformers",
    "transformers.pipelines": "transformers",
    "datasets.load": "datasets",
    "langchain_core.language_models.chat_models": "langchain_core.language_models",
    "langchain_core.language_models.llms": "langchain_core.language_models",
    "langchain_core.embeddings.embeddings": "langchain_core.embeddings",
    "langchain_openai.chat_models.base": "langchain_openai",
    "langchain_openai.chat_models.azure": "langchain_openai",
    "langchain_openai.embeddings.base": "langchain_openai",
    "langchain_anthropic.chat_models": "langchain_anthropic",
    "langchain_ollama.chat_models": "langchain_ollama",
    # cloud SDKs
    "boto3.session": "boto3",
    "docker.client": "docker",
    "docker.api.client": "docker",
    "google.cloud.storage.client": "google.cloud.storage",
    "google.cloud.storage.bucket": "google.cloud.storage",
    "google.cloud.storage.blob": "google.cloud.storage",
    "google.cloud.bigquery.client": "google.cloud.bigquery",
    "google.cloud.bigquery.job.query": "google.cloud.bigquery",
    # messaging, SSH
    "kafka.producer.kafka": "kafka",
    "kafka.consumer.group": "kafka",
    "kafka.admin.client": "kafka",
    "paramiko.client": "paramiko",
    "paramiko.transport": "paramiko",
    "paramiko.channel": "paramiko",
    "paramiko.sftp_client": "paramiko",
    "paramiko.sftp_file": "paramiko",
    "fabric.connection": "fabric",
    "fabric.config": "fabric",
    "fabric.group": "fabric",
    "invoke.context": "invoke",
    "invoke.config": "invoke",
    # databases
    "redis.client": "redis",
    "redis.cluster": "redis",
    "redis.utils": "redis",
    "pymongo.mongo_client": "pymongo",
    "pymongo.synchronous.mongo_client": "pymongo",
    "pymongo.synchronous.database": "pymongo.database",
    "pymongo.synchronous.collection": "pymongo.collection",
    "pymongo.synchronous.cursor": "pymongo.cursor",
    "pymongo.synchronous.command_cursor": "pymongo.command_cursor",
    "pymongo.synchronous.client_session": "pymongo.client_session",
    "pymongo.synchronous.change_stream": "pymongo.change_stream",
    "gridfs.synchronous.grid_file": "gridfs",
    "gridfs.grid_file": "gridfs",
    "sqlalchemy.engine.base": "sqlalchemy.engine",
    "sqlalchemy.engine.create": "sqlalchemy.engine",
    "sqlalchemy.engine.result": "sqlalchemy.engine",
    "sqlalchemy.engine.cursor": "sqlalchemy.engine",
    "sqlalchemy.orm.session": "sqlalchemy.orm",
    "sqlalchemy.orm.query": "sqlalchemy.orm",
    "sqlalchemy.orm.scoping": "sqlalchemy.orm",
    "sqlmodel.orm.session": "sqlmodel",
    "flask_sqlalchemy.extension": "flask_sqlalchemy",
    "psycopg2._psycopg": "psycopg2.extensions",
    "psycopg.connection": "psycopg",
    "psycopg.cursor": "psycopg",
    "psycopg.client_cursor": "psycopg",
    "psycopg.server_cursor": "psycopg",
    "psycopg.transaction": "psycopg",
    "psycopg_pool.pool": "psycopg_pool",
    "pymysql.connections": "pymysql",
    "mysql.connector.connection": "mysql.connector",
    "mysql.connector.connection_cext": "mysql.connector",
    "neo4j._sync.driver": "neo4j",
    "neo4j._sync.work.session": "neo4j",
    "neo4j._sync.work.result": "neo4j",
    "elasticsearch._sync.client": "elasticsearch",
    **{f"elasticsearch._sync.client.{m}": "elasticsearch.client" for m in _ES_NAMESPACES},
    "elasticsearch.helpers.actions": "elasticsearch.helpers",
    # file locks
    "filelock._api": "filelock",
    "filelock._unix": "filelock",
    "filelock._windows": "filelock",
    "filelock._soft": "filelock",
    "portalocker.utils": "portalocker",
    "portalocker.portalocker": "portalocker",
    "portalocker.redis": "portalocker",
}
