"""Blocking sinks: the leaf calls that block the thread they run on, by category.

Each category has a rule code, a base severity and the async alternative a user should
reach for.  `SINKS` maps a canonical qualified name (see `asyncaudit.catalog`) to its
category and, where one exists, the specific async replacement.

What belongs here: a call that blocks the calling thread on I/O (disk, network, a
pipe), on a sleep, on another thread/process (lock, queue, future, join) or on a
subprocess.  What does not: pure-CPU or in-memory work (`json.loads`, `hashlib`,
`yaml.safe_load` of a string, building a request object), APIs that are async
(`httpx.AsyncClient.get`, `aiofiles`, `asyncio.*` coroutines, `redis.asyncio`), and
`print`/`logging` (their stream writes are accepted practice).

Conventions used below:

* Methods are `<type qualname>.<method>`; a type listed in `types.TYPES` inherits the
  sinks of its bases, so a sink is written once on the type that defines the method.
* A constructor that performs I/O is the type's own qualname (`subprocess.Popen`,
  `zipfile.ZipFile`, `pika.BlockingConnection`): calling a type is calling its
  constructor.
* `<type>.__enter__` / `<type>.__exit__` are sinks of a `with` statement on an instance
  (a lock's acquire, an executor's shutdown-and-wait, a stream manager's request).
* `<type>.__iter__` / `<type>.__next__` are sinks of iterating an instance (reading a
  file line by line, paging a cursor).
* `<type>.__call__` is the sink of calling an instance (`xmlrpc` proxies, gRPC stubs).
* Every name is canonical: it never starts with a module listed as a key of
  `types.MODULE_ALIASES` (`requests.Session`, not `requests.sessions.Session`).
"""

from __future__ import annotations

from dataclasses import dataclass

from asyncaudit.model import Severity


LOOP = "loop"  # the category of starting an event loop inside a running one


@dataclass(frozen=True, slots=True)
class Category:
    """A kind of blocking operation; one rule code each.  `advice` names the async
    alternative (offloading with asyncio.to_thread is always the other option)."""

    key: str
    code: str
    title: str
    severity: Severity
    advice: str

    @property
    def rule(self) -> str:
        """The rule's name (`blocking-file`, `nested-event-loop`)."""
        return "nested-event-loop" if self.key == LOOP else f"blocking-{self.key}"


@dataclass(frozen=True, slots=True)
class Sink:
    """One blocking API."""

    qualname: str
    category: str
    alternative: str = ""


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category("network", "AA101", "network I/O", Severity.HIGH,
                 "use an async client (httpx.AsyncClient, aiohttp, the SDK's async client)"),
        Category("database", "AA102", "database I/O", Severity.HIGH,
                 "use an async driver (aiosqlite, asyncpg, redis.asyncio)"),
        Category("subprocess", "AA103", "subprocess", Severity.HIGH,
                 "use asyncio.create_subprocess_exec"),
        Category("sleep", "AA104", "sleep", Severity.HIGH, "use await asyncio.sleep(...)"),
        Category("wait", "AA105", "lock, queue or future wait", Severity.HIGH,
                 "use asyncio.Lock/Event/Queue, or await asyncio.wrap_future(...)"),
        Category("dns", "AA106", "DNS lookup", Severity.MEDIUM,
                 "use await loop.getaddrinfo(...)"),
        Category("file", "AA107", "file read/write", Severity.MEDIUM,
                 "use async file I/O (aiofiles, anyio.Path)"),
        Category("dirwalk", "AA108", "directory walk", Severity.MEDIUM,
                 "walk once in a thread (asyncio.to_thread) or use anyio.Path"),
        Category("fsmeta", "AA109", "filesystem metadata", Severity.LOW,
                 "use anyio.Path / aiofiles.os"),
        Category("input", "AA110", "terminal input", Severity.HIGH,
                 "read input before starting the loop"),
        # asyncio.run() / run_until_complete() inside a running loop (catalog.loop.LOOP_RUNNERS)
        Category(LOOP, "AA201", "nested event loop", Severity.CRITICAL,
                 "await the coroutine instead of starting a new event loop inside a running one"),
    )
}


def _sinks(category: str, *names: str, alternative: str = "") -> list[Sink]:
    return [Sink(n, category, alternative) for n in names]


def _on(owner: str, methods: str) -> list[str]:
    """`owner.m` for every whitespace-separated method name in `methods`."""
    return [f"{owner}.{m}" for m in methods.split()]


def _each(owners: str, methods: str) -> list[str]:
    """`_on` for every whitespace-separated owner in `owners`."""
    return [name for owner in owners.split() for name in _on(owner, methods)]


# --------------------------------------------------------------------------------------
# Shared method tables
# --------------------------------------------------------------------------------------

_PATH = "pathlib.Path"
_HTTP_VERBS = "get post put patch delete head options request"

# Methods of a real (disk/pipe-backed) file object that touch the OS.  Only concrete file
# types get them: `io.StringIO`/`io.BytesIO` share the abstract bases and are in-memory.
_FILE_IO = ("read read1 readinto readinto1 readall readline readlines peek write writelines "
            "flush truncate __iter__ __next__")
_FILE_TYPES = ("io.TextIOWrapper io.BufferedReader io.BufferedWriter io.BufferedRandom "
               "io.BufferedRWPair io.FileIO gzip.GzipFile bz2.BZ2File lzma.LZMAFile "
               "zipfile.ZipExtFile")

# socket.socket calls that wait on the peer (a non-blocking socket would raise instead).
_SOCKET_IO = ("connect connect_ex accept recv recv_into recvfrom recvfrom_into recvmsg "
              "recvmsg_into send sendall sendto sendmsg sendfile")

# redis-py command methods (redis.commands.core + sentinel mixins of `redis.Redis`), each
# one round trip to the server.  Excluded on purpose: `pipeline`, `pubsub`, `lock`,
# `register_script`, `bitfield`, `monitor` and `client`, which only build objects.
_REDIS_COMMANDS = """
acl_cat acl_deluser acl_dryrun acl_genpass acl_getuser acl_help acl_list acl_load acl_log
acl_log_reset acl_save acl_setuser acl_users acl_whoami append auth bgrewriteaof bgsave bitcount
bitfield_ro bitop bitpos blmove blmovem blmpop blpop brpop brpoplpush bzmpop bzpopmax bzpopmin
client_getname client_getredir client_id client_info client_kill client_kill_filter client_list
client_no_evict client_no_touch client_pause client_reply client_setinfo client_setname
client_tracking client_tracking_off client_tracking_on client_trackinginfo client_unblock
client_unpause cluster command command_count command_getkeys command_getkeysandflags
command_list config_get config_resetstat config_rewrite config_set copy dbsize debug_object decr
decrby delete delex digest dump echo eval eval_ro evalsha evalsha_ro execute_command exists
expire expireat expiretime fcall fcall_ro flushall flushdb function_delete function_dump
function_flush function_kill function_list function_load function_restore function_stats geoadd
geodist geohash geopos georadius georadiusbymember geosearch geosearchstore get getbit getdel
getex getrange getset hdel hexists hexpire hexpireat hexpiretime hget hgetall hgetdel hgetex
hincrby hincrbyfloat hkeys hlen hmget hmset hpersist hpexpire hpexpireat hpexpiretime hpttl
hrandfield hscan hscan_iter hset hsetex hsetnx hstrlen httl hvals incr incrby incrbyfloat info
keys lastsave latency_history latency_latest latency_reset lcs lindex linsert llen lmove lmpop
lolwut lpop lpos lpush lpushx lrange lrem lset ltrim memory_malloc_stats memory_purge
memory_stats memory_usage mget migrate module_list module_load module_loadex module_unload move
mset msetnx object persist pexpire pexpireat pexpiretime pfadd pfcount pfmerge ping psetex psync
pttl publish pubsub_channels pubsub_numpat pubsub_numsub pubsub_shardchannels pubsub_shardnumsub
quit randomkey readonly readwrite rename renamenx replicaof reset restore role rpop rpoplpush
rpush rpushx sadd save scan scan_iter scard script_exists script_flush script_kill script_load
sdiff sdiffstore select sentinel sentinel_ckquorum sentinel_failover sentinel_flushconfig
sentinel_get_master_addr_by_name sentinel_master sentinel_masters sentinel_monitor
sentinel_remove sentinel_reset sentinel_sentinels sentinel_set sentinel_slaves set setbit setex
setnx setrange shutdown sinter sintercard sinterstore sismember slaveof slowlog_get slowlog_len
slowlog_reset smembers smismember smove sort sort_ro spop spublish srandmember srem sscan
sscan_iter stralgo strlen substr sunion sunionstore swapdb sync time touch transaction ttl type
unlink unwatch wait waitaof watch xack xadd xautoclaim xclaim xdel xgroup_create
xgroup_createconsumer xgroup_delconsumer xgroup_destroy xgroup_setid xinfo_consumers
xinfo_groups xinfo_stream xlen xpending xpending_range xrange xread xreadgroup xrevrange xtrim
zadd zcard zcount zdiff zdiffstore zincrby zinter zintercard zinterstore zlexcount zmpop
zmscore zpopmax zpopmin zrandmember zrange zrangebylex zrangebyscore zrangestore zrank zrem
zremrangebylex zremrangebyrank zremrangebyscore zrevrange zrevrangebylex zrevrangebyscore
zrevrank zscan zscan_iter zscore zunion zunionstore
"""

# elasticsearch-py: every API method of the sync client is one HTTP request.
_ES_ROOT = """
bulk clear_scroll close_point_in_time count create delete delete_by_query delete_script exists
exists_source explain field_caps get get_script get_source health_report index info mget
msearch msearch_template mtermvectors open_point_in_time ping put_script rank_eval reindex
render_search_template scripts_painless_execute scroll search search_mvt search_shards
search_template terms_enum termvectors update update_by_query
"""
_ES_NAMESPACES = {
    "IndicesClient": """
        add_block analyze clear_cache clone close create create_data_stream delete delete_alias
        delete_data_stream delete_index_template delete_template disk_usage downsample exists
        exists_alias exists_index_template exists_template flush forcemerge get get_alias
        get_data_stream get_field_mapping get_index_template get_mapping get_settings
        get_template open put_alias put_index_template put_mapping put_settings put_template
        recovery refresh reload_search_analyzers resolve_index rollover segments shard_stores
        shrink simulate_index_template simulate_template split stats update_aliases
        validate_query""",
    "ClusterClient": """
        allocation_explain delete_component_template exists_component_template
        get_component_template get_settings health info pending_tasks put_component_template
        put_settings remote_info reroute state stats""",
    "CatClient": """
        aliases allocation component_templates count fielddata health help indices master
        nodeattrs nodes pending_tasks plugins recovery repositories segments shards snapshots
        tasks templates thread_pool""",
    "IngestClient": "delete_pipeline get_pipeline processor_grok put_pipeline simulate",
    "TasksClient": "cancel get list",
    "SnapshotClient": """
        cleanup_repository clone create create_repository delete delete_repository get
        get_repository restore status verify_repository""",
    "NodesClient": "hot_threads info reload_secure_settings stats usage",
    "SqlClient": "clear_cursor delete_async get_async get_async_status query translate",
    "EsqlClient": "async_query async_query_delete async_query_get query",
}

# OpenAI (`openai.OpenAI`, sync) resources: type (under `openai.resources.`) -> methods
# that send a request.  Sub-resource attributes are in types.py.  Not listed: `stream`
# (returns a manager; the request is made by its `__enter__`, listed below), and the
# purely local `Webhooks.unwrap` / `Webhooks.verify_signature`.  `*_poll` methods also
# sleep between polls.
_OPENAI_RESOURCES = {
    "chat.completions.Completions": "create parse retrieve update list delete",
    "chat.completions.Messages": "list",
    "completions.Completions": "create",
    "embeddings.Embeddings": "create",
    "moderations.Moderations": "create",
    "models.Models": "retrieve list delete",
    "images.Images": "generate edit create_variation",
    "audio.Speech": "create",
    "audio.Transcriptions": "create",
    "audio.Translations": "create",
    "files.Files": "create retrieve list delete content retrieve_content wait_for_processing",
    "batches.Batches": "create retrieve list cancel",
    "uploads.Uploads": "create cancel complete upload_file_chunked",
    "uploads.Parts": "create",
    "responses.Responses": "create parse retrieve delete cancel compact",
    "responses.InputItems": "list",
    "responses.InputTokens": "count",
    "conversations.Conversations": "create retrieve update delete",
    "conversations.Items": "create retrieve list delete",
    "fine_tuning.jobs.Jobs": "create retrieve list cancel list_events pause resume",
    "fine_tuning.jobs.Checkpoints": "list",
    "vector_stores.VectorStores": "create retrieve update list delete search",
    "vector_stores.Files": """create retrieve update list delete content create_and_poll poll
                              upload upload_and_poll""",
    "vector_stores.FileBatches": """create retrieve cancel create_and_poll list_files poll
                                    upload_and_poll""",
    "beta.Assistants": "create retrieve update list delete",
    "beta.chat.Completions": "parse create",
    "beta.threads.Threads": "create retrieve update delete create_and_run create_and_run_poll",
    "beta.threads.Messages": "create retrieve update list delete",
    "beta.threads.runs.Runs": """create retrieve update list cancel create_and_poll poll
                                 submit_tool_outputs submit_tool_outputs_and_poll""",
    "beta.threads.runs.Steps": "retrieve list",
    "containers.Containers": "create retrieve list delete",
    "containers.files.Files": "create retrieve list delete",
    "containers.files.Content": "retrieve",
    "evals.Evals": "create retrieve update list delete",
    "evals.runs.Runs": "create retrieve list delete cancel",
    "evals.runs.OutputItems": "retrieve list",
    "videos.Videos": """create create_and_poll retrieve list delete download_content poll remix
                        edit extend""",
    "webhooks.Webhooks": "create retrieve update list delete rotate_secret test",
    "realtime.ClientSecrets": "create",
    "realtime.Calls": "create accept hangup refer reject",
}
# The module-level client (`openai.chat.completions.create(...)` after `import openai`).
_OPENAI_MODULE_CALLS = """
chat.completions.create chat.completions.parse completions.create embeddings.create
moderations.create images.generate images.edit images.create_variation audio.speech.create
audio.transcriptions.create audio.translations.create responses.create responses.parse
files.create files.retrieve files.list files.content models.list models.retrieve
batches.create batches.retrieve
"""

# Anthropic (`anthropic.Anthropic`, sync) resources, under `anthropic.resources.`.
_ANTHROPIC_RESOURCES = {
    "messages.Messages": "create parse count_tokens",
    "messages.Batches": "create retrieve list cancel delete results",
    "models.Models": "retrieve list",
    "completions.Completions": "create",
    "files.Files": "upload download list delete retrieve_metadata",
    "beta.messages.Messages": "create parse count_tokens",
    "beta.messages.Batches": "create retrieve list cancel delete results",
    "beta.Models": "retrieve list",
    "beta.Files": "upload download list delete retrieve_metadata",
}

# docker SDK (docker.models.*): every method is a call to the Docker daemon.
_DOCKER_CONTAINER = """
attach commit diff exec_run export get_archive kill logs pause put_archive reload remove rename
resize restart start stats stop top unpause update wait
"""

# boto3 / botocore service clients are generated at run time: `boto3.client("s3")` has no
# static type, so only the operations below, called on a value known to be a
# `botocore.client.BaseClient` (see types.FUNCTION_RETURNS), are recognised.  Every
# operation of a service client is one HTTPS request; `generate_presigned_url`,
# `generate_presigned_post`, `get_paginator`, `get_waiter`, `can_paginate` are local.
_BOTO_OPERATIONS = """
get_object put_object delete_object delete_objects head_object copy_object list_objects
list_objects_v2 list_buckets create_bucket delete_bucket head_bucket get_bucket_location
create_multipart_upload upload_part complete_multipart_upload abort_multipart_upload
upload_file download_file upload_fileobj download_fileobj copy
get_item put_item update_item delete_item query scan batch_get_item batch_write_item
transact_get_items transact_write_items describe_table create_table delete_table list_tables
send_message send_message_batch receive_message delete_message delete_message_batch
get_queue_url change_message_visibility publish publish_batch invoke
get_secret_value put_secret_value get_parameter get_parameters get_parameters_by_path
put_parameter assume_role get_caller_identity describe_instances start_instances
stop_instances run_instances terminate_instances put_record put_records get_records
get_shard_iterator put_events start_execution describe_execution put_metric_data
put_log_events filter_log_events get_log_events start_query get_query_results encrypt
decrypt generate_data_key sign verify invoke_model invoke_model_with_response_stream converse
converse_stream retrieve retrieve_and_generate send_email send_raw_email
"""

SINKS: dict[str, Sink] = {
    s.qualname: s
    for s in (
        # ---------------------------------------------------------------- sleep ------
        *_sinks("sleep", "time.sleep", alternative="asyncio.sleep"),

        # ---------------------------------------------------------------- input ------
        *_sinks("input", "builtins.input", "getpass.getpass",
                alternative="loop.run_in_executor(None, input)"),

        # ---------------------------------------------------------------- file -------
        # builtins / io / os: opening, reading and writing files and pipes.
        # `os.fdopen` only wraps an fd (its result's reads are the sinks).
        *_sinks(
            "file",
            "builtins.open", "io.open", "io.open_code",
            *_on("os", "open read write pread pwrite readv writev preadv pwritev sendfile "
                       "copy_file_range splice fsync fdatasync truncate ftruncate posix_fallocate"),
            *_each(_FILE_TYPES, _FILE_IO),
            alternative="aiofiles.open",
        ),
        # pathlib: whole-file helpers and `open`.
        *_sinks("file", *_on(_PATH, "open read_text read_bytes write_text write_bytes copy "
                                    "copy_into move move_into"),
                alternative="anyio.Path"),
        # Whole-document (de)serialisers that read or write a file object or a path.
        # `json.loads`, `pickle.loads`, `tomllib.loads`, `yaml.safe_load` & co. are in-memory.
        # PyYAML's `load`/`dump` are deliberately absent: they take a string as often as a
        # stream, and `yaml.safe_load(open(p))` is already caught at `open`.
        *_sinks(
            "file",
            "json.load", "json.dump", "pickle.load", "pickle.dump", "pickle.Pickler.dump",
            "pickle.Unpickler.load", "marshal.load", "marshal.dump", "plistlib.load",
            "plistlib.dump", "tomllib.load", "tomli.load", "tomli_w.dump", "toml.load",
            "toml.dump", "configparser.RawConfigParser.read",
        ),
        # Other stdlib readers: mime.types files (`mimetypes.guess_type` only reads them on
        # its first call, so it is not listed), module source, sound files, file
        # comparison, libc/os-release probing, package metadata and resources.
        *_sinks(
            "file",
            "mimetypes.init", "mimetypes.read_mime_types", "mimetypes.MimeTypes.read",
            "importlib.reload", "wave.open", "filecmp.cmp", "filecmp.cmpfiles",
            "platform.libc_ver", "platform.freedesktop_os_release",
            # importlib.metadata scans sys.path and reads METADATA files on every call.
            *_on("importlib.metadata", "version metadata distribution distributions "
                                       "entry_points files requires packages_distributions"),
            *_on("importlib.resources", "read_text read_binary open_text open_binary"),
        ),
        # numpy / pandas / joblib / torch persistence (given a path or a real file; pandas
        # readers also fetch URLs).  `DataFrame.to_csv/to_json` are absent: without a path
        # they only build a string.
        *_sinks(
            "file",
            *_on("numpy", "load save savez savez_compressed loadtxt savetxt genfromtxt fromfile"),
            "numpy.ndarray.tofile",
            *_on("pandas", "read_csv read_table read_excel read_json read_parquet read_feather "
                           "read_pickle read_hdf read_orc read_stata read_sas read_spss "
                           "read_fwf read_xml"),
            *_on("pandas.DataFrame", "to_parquet to_excel to_feather to_pickle to_hdf to_stata "
                                     "to_orc"),
            "joblib.load", "joblib.dump", "torch.load", "torch.save",
        ),
        # Creating an SSL context reads the CA bundle / key files from disk.
        *_sinks("file", "ssl.create_default_context",
                *_on("ssl.SSLContext", "load_verify_locations load_cert_chain "
                                       "load_default_certs set_default_verify_paths")),
        # shutil copies, tempfile files, archives and compressed files.
        # `tempfile.SpooledTemporaryFile` stays in memory until `rollover`.
        *_sinks(
            "file",
            *_on("shutil", "copy copy2 copyfile copyfileobj move make_archive unpack_archive"),
            "tempfile.TemporaryFile", "tempfile.NamedTemporaryFile", "tempfile.mkstemp",
            "tempfile.SpooledTemporaryFile.rollover",
            "gzip.open", "gzip.GzipFile", "bz2.open", "bz2.BZ2File", "lzma.open", "lzma.LZMAFile",
            "zipfile.ZipFile", "zipfile.is_zipfile",
            *_on("zipfile.ZipFile", "open read extract extractall write writestr testzip "
                                    "mkdir"),
            "tarfile.open", "tarfile.TarFile", "tarfile.TarFile.open", "tarfile.is_tarfile",
            *_on("tarfile.TarFile", "extract extractall extractfile add addfile getmembers "
                                    "getnames getmember next list __iter__"),
            "shelve.open", "dbm.open", "dbm.gnu.open", "dbm.ndbm.open", "dbm.dumb.open",
            "dbm.sqlite3.open",
        ),
        # Model / dataset loading from disk or the Hugging Face hub.
        *_sinks(
            "file",
            "transformers.pipeline",
            *(f"transformers.{c}.from_pretrained" for c in (
                "AutoConfig", "AutoTokenizer", "AutoProcessor", "AutoImageProcessor",
                "AutoFeatureExtractor", "AutoModel", "AutoModelForCausalLM",
                "AutoModelForSeq2SeqLM", "AutoModelForSequenceClassification",
                "AutoModelForTokenClassification", "AutoModelForQuestionAnswering",
                "AutoModelForMaskedLM", "PreTrainedModel", "PreTrainedTokenizerBase")),
            "transformers.PreTrainedModel.save_pretrained",
            "transformers.PreTrainedTokenizerBase.save_pretrained",
            "sentence_transformers.SentenceTransformer",
            "huggingface_hub.hf_hub_download", "huggingface_hub.snapshot_download",
            "huggingface_hub.upload_file", "huggingface_hub.upload_folder",
            "datasets.load_dataset",
        ),
        # smart_open streams local files and remote objects (s3://, gs://, http://).
        *_sinks("file", "smart_open.open"),
        # portalocker's atomic writer; paramiko's known_hosts files.
        *_sinks("file", "portalocker.open_atomic",
                *_on("paramiko.SSHClient", "load_system_host_keys load_host_keys "
                                           "save_host_keys")),
        # boto3 client/resource creation loads the service model JSON from disk.
        *_sinks("file", "boto3.client", "boto3.resource", "boto3.Session.client",
                "boto3.Session.resource", "botocore.session.Session.create_client",
                alternative="aioboto3 / aiobotocore"),

        # ---------------------------------------------------------------- dirwalk ----
        *_sinks(
            "dirwalk",
            "os.walk", "os.fwalk", "os.listdir", "os.scandir", "glob.glob", "glob.iglob",
            "shutil.rmtree", "shutil.copytree",
            *_on(_PATH, "iterdir glob rglob walk"),
            "tempfile.TemporaryDirectory.cleanup", "tempfile.TemporaryDirectory.__exit__",
        ),

        # ---------------------------------------------------------------- fsmeta -----
        # stat-like syscalls and namespace changes: cheap but still disk round trips.
        # Pure path arithmetic (`os.path.join/normpath/abspath/expanduser`, `Path.absolute`,
        # `Path.expanduser`, `Path.cwd`, `Path.home`) is not listed.
        *_sinks(
            "fsmeta",
            *_on("os.path", "exists lexists isfile isdir islink ismount isjunction getsize "
                            "getmtime getatime getctime realpath samefile sameopenfile"),
            *_on("os", "stat lstat fstat statvfs fstatvfs access chdir mkdir makedirs mkfifo "
                       "mknod remove unlink rmdir removedirs rename renames replace chmod "
                       "lchmod fchmod chown lchown fchown symlink link readlink utime "
                       "getxattr setxattr listxattr removexattr"),
            "os.DirEntry.stat",
            alternative="aiofiles.os",
        ),
        *_sinks(
            "fsmeta",
            *_on(_PATH, "exists is_file is_dir is_symlink is_mount is_junction is_block_device "
                        "is_char_device is_fifo is_socket stat lstat mkdir unlink rmdir rename "
                        "replace touch chmod lchmod resolve samefile symlink_to hardlink_to "
                        "link_to readlink owner group"),
            alternative="anyio.Path",
        ),
        *_sinks("fsmeta", *_on("shutil", "copymode copystat chown disk_usage which"),
                "tempfile.mkdtemp", "tempfile.TemporaryDirectory"),

        # ---------------------------------------------------------------- subprocess -
        *_sinks(
            "subprocess",
            *_on("subprocess", "run call check_call check_output getoutput getstatusoutput"),
            "subprocess.Popen", *_on("subprocess.Popen", "wait communicate __exit__"),
            # os.exec* never returns: the event loop (and the process) is replaced.
            *_on("os", "system popen posix_spawn posix_spawnp spawnl spawnle spawnlp spawnlpe "
                       "spawnv spawnve spawnvp spawnvpe execl execle execlp execlpe execv "
                       "execve execvp execvpe wait wait3 wait4 waitid waitpid"),
            "os._wrap_close.close",
            "pty.spawn", "ctypes.util.find_library", "platform.processor",
            "webbrowser.open", "webbrowser.open_new", "webbrowser.open_new_tab",
            "webbrowser.BaseBrowser.open",
            "multiprocessing.Manager",
            alternative="asyncio.create_subprocess_exec",
        ),

        # ---------------------------------------------------------------- dns --------
        *_sinks("dns", *_on("socket", "getaddrinfo gethostbyname gethostbyname_ex "
                                      "gethostbyaddr getfqdn getnameinfo"),
                alternative="loop.getaddrinfo"),

        # ---------------------------------------------------------------- network ----
        # Raw sockets, TLS sockets, readiness waits and socket servers.
        *_sinks(
            "network",
            "socket.create_connection", *_on("socket.socket", _SOCKET_IO),
            "ssl.get_server_certificate", "ssl.SSLContext.wrap_socket",
            *_on("ssl.SSLSocket", "do_handshake read write unwrap"),
            alternative="asyncio.open_connection",
        ),
        *_sinks("network", "select.select", "select.poll.poll", "select.epoll.poll",
                "select.devpoll.poll", "select.kqueue.control", "selectors.BaseSelector.select",
                alternative="loop.add_reader"),
        *_sinks("network", *_on("socketserver.BaseServer", "serve_forever handle_request"),
                alternative="asyncio.start_server"),
        # Standard-library HTTP and mail/file-transfer protocols.  The protocol classes
        # connect in their constructor when given a host.
        *_sinks(
            "network",
            "urllib.request.urlopen", "urllib.request.urlretrieve",
            "urllib.request.OpenerDirector.open", "urllib.robotparser.RobotFileParser.read",
            *_on("http.client.HTTPConnection", "connect request getresponse send endheaders"),
            *_on("http.client.HTTPResponse", "read read1 readinto readline readlines peek "
                                             "__iter__ __next__"),
            alternative="httpx.AsyncClient",
        ),
        *_sinks(
            "network",
            "ftplib.FTP",
            *_on("ftplib.FTP", "connect login cwd pwd dir nlst mlsd retrbinary retrlines "
                               "storbinary storlines sendcmd voidcmd delete rename mkd rmd size "
                               "quit abort"),
            "ftplib.FTP_TLS.auth", "ftplib.FTP_TLS.prot_p",
            alternative="aioftp",
        ),
        *_sinks(
            "network",
            "smtplib.SMTP",
            *_on("smtplib.SMTP", "connect login starttls sendmail send_message ehlo helo "
                                 "ehlo_or_helo_if_needed quit noop verify rset docmd auth"),
            alternative="aiosmtplib",
        ),
        *_sinks(
            "network",
            "poplib.POP3",
            *_on("poplib.POP3", "user pass_ stat list retr dele top uidl quit noop rset apop "
                                "rpop capa stls utf8"),
            "imaplib.IMAP4",
            *_on("imaplib.IMAP4", "login login_cram_md5 authenticate logout select examine "
                                  "search fetch store copy move expunge list lsub append close "
                                  "create delete rename noop uid status subscribe unsubscribe "
                                  "check starttls idle"),
            "telnetlib.Telnet",
            *_on("telnetlib.Telnet", "open read_until read_all read_some write expect "
                                     "interact"),
            "xmlrpc.client._Method.__call__",
        ),
        # requests
        *_sinks(
            "network",
            *_on("requests", _HTTP_VERBS),
            *_on("requests.Session", _HTTP_VERBS + " send"),
            alternative="httpx.AsyncClient",
        ),
        # httpx (sync API only; `httpx.AsyncClient` is async).  `stream` returns a context
        # manager whose `__enter__` sends the request: the `with` line blocks.
        *_sinks(
            "network",
            *_on("httpx", _HTTP_VERBS + " stream"),
            *_on("httpx.Client", _HTTP_VERBS + " send stream"),
            alternative="httpx.AsyncClient",
        ),
        # urllib3 pools (every request method; `urllib3.request` is the 2.x module helper).
        *_sinks(
            "network",
            "urllib3.request",
            *_each("urllib3.PoolManager urllib3.HTTPConnectionPool",
                   "request urlopen request_encode_url request_encode_body"),
            alternative="httpx.AsyncClient",
        ),
        # Other sync HTTP / websocket / RPC clients.
        *_sinks("network", "pycurl.Curl.perform", alternative="httpx.AsyncClient"),
        *_sinks(
            "network",
            "websocket.create_connection",
            *_on("websocket.WebSocket", "connect send recv recv_data ping close"),
            "websocket.WebSocketApp.run_forever",
            "websockets.sync.client.connect",
            *_on("websockets.sync.connection.Connection", "recv send ping close __iter__"),
            alternative="websockets.asyncio.client.connect",
        ),
        # gRPC: calling a stub method (a multi-callable) is the RPC.
        *_sinks(
            "network",
            *_each("grpc.UnaryUnaryMultiCallable grpc.StreamUnaryMultiCallable",
                   "__call__ with_call"),
            *_each("grpc.UnaryStreamMultiCallable grpc.StreamStreamMultiCallable", "__call__"),
            "grpc.Future.result", "grpc.Future.exception",
            alternative="grpc.aio",
        ),
        *_sinks(
            "network",
            *_on("slack_sdk.WebClient", "api_call chat_postMessage chat_update "
                                        "chat_postEphemeral conversations_history "
                                        "conversations_list users_info files_upload_v2"),
            alternative="slack_sdk.web.async_client.AsyncWebClient",
        ),
        # OpenAI (sync client; `openai.AsyncOpenAI` is async).
        *_sinks(
            "network",
            *(name for t, ms in _OPENAI_RESOURCES.items() for name in _on("openai.resources." + t, ms)),
            *_on("openai", _OPENAI_MODULE_CALLS),
            *_on("openai.Stream", "__iter__ __next__"),
            *_each("openai.lib.streaming.chat.ChatCompletionStreamManager "
                   "openai.lib.streaming.responses.ResponseStreamManager "
                   "openai.lib.streaming.AssistantStreamManager", "__enter__"),
            *_on("openai.lib.streaming.chat.ChatCompletionStream",
                 "__iter__ __next__ get_final_completion until_done"),
            *_on("openai.lib.streaming.responses.ResponseStream",
                 "__iter__ __next__ get_final_response until_done"),
            *_on("openai.lib.streaming.AssistantEventHandler",
                 "__iter__ __next__ until_done get_final_run get_final_messages"),
            alternative="openai.AsyncOpenAI",
        ),
        # Anthropic (sync clients; `anthropic.AsyncAnthropic` is async).
        *_sinks(
            "network",
            *(name for t, ms in _ANTHROPIC_RESOURCES.items()
              for name in _on("anthropic.resources." + t, ms)),
            *_on("anthropic.Stream", "__iter__ __next__"),
            "anthropic.lib.streaming.MessageStreamManager.__enter__",
            "anthropic.lib.streaming.BetaMessageStreamManager.__enter__",
            *_on("anthropic.lib.streaming.MessageStream",
                 "__iter__ __next__ get_final_message get_final_text until_done"),
            alternative="anthropic.AsyncAnthropic",
        ),
        # Other LLM SDKs, sync entry points only.
        *_sinks("network", *_on("groq.resources.chat.completions.Completions", "create"),
                *_on("groq.resources.embeddings.Embeddings", "create"), alternative="groq.AsyncGroq"),
        *_sinks("network", *_on("mistralai.chat.Chat", "complete stream parse"),
                *_on("mistralai.embeddings.Embeddings", "create"),
                alternative="complete_async / stream_async"),
        *_sinks("network",
                *_on("cohere.Client", "chat chat_stream embed rerank generate classify tokenize"),
                *_on("cohere.ClientV2", "chat chat_stream embed rerank"),
                alternative="cohere.AsyncClient"),
        *_sinks("network",
                *_each("ollama ollama.Client", "chat generate embed embeddings pull push create "
                                               "list show delete copy ps"),
                alternative="ollama.AsyncClient"),
        *_sinks("network", *_on("litellm", "completion text_completion embedding image_generation "
                                           "transcription speech moderation"),
                alternative="litellm.acompletion / litellm.aembedding"),
        *_sinks("network",
                *_on("google.genai.models.Models", "generate_content generate_content_stream "
                                                   "embed_content count_tokens generate_images"),
                *_on("google.genai.chats.Chat", "send_message send_message_stream"),
                alternative="client.aio (google.genai async client)"),
        *_sinks("network",
                *_on("google.generativeai.GenerativeModel", "generate_content count_tokens"),
                "google.generativeai.ChatSession.send_message", "google.generativeai.embed_content",
                alternative="generate_content_async / send_message_async"),
        *_sinks("network",
                *_each("langchain_core.language_models.BaseChatModel "
                       "langchain_core.language_models.BaseLLM",
                       "invoke batch stream predict predict_messages generate __call__"),
                alternative="ainvoke / abatch / astream"),
        *_sinks("network", *_on("langchain_core.embeddings.Embeddings", "embed_documents embed_query"),
                alternative="aembed_documents / aembed_query"),
        *_sinks("network",
                *_on("huggingface_hub.InferenceClient", "chat_completion text_generation "
                                                        "feature_extraction text_to_image "
                                                        "automatic_speech_recognition post"),
                alternative="huggingface_hub.AsyncInferenceClient"),
        # boto3 / botocore (see _BOTO_OPERATIONS), paginators and waiters.
        *_sinks(
            "network",
            *_on("botocore.client.BaseClient", _BOTO_OPERATIONS),
            *_on("botocore.paginate.PageIterator", "__iter__ build_full_result search"),
            "botocore.waiter.Waiter.wait",
            *_on("boto3.s3.transfer.S3Transfer", "upload_file download_file"),
            alternative="aioboto3 / aiobotocore",
        ),
        # Google Cloud client libraries (sync).  Constructors only build objects;
        # `bucket()`/`blob()`/`table()` are local references.
        *_sinks(
            "network",
            *_on("google.cloud.storage.Client", "get_bucket lookup_bucket list_buckets "
                                                "create_bucket list_blobs download_blob_to_file"),
            *_on("google.cloud.storage.Bucket", "get_blob list_blobs exists reload delete create "
                                                "patch update copy_blob delete_blob delete_blobs "
                                                "rename_blob"),
            *_on("google.cloud.storage.Blob", "upload_from_string upload_from_filename "
                                              "upload_from_file download_as_bytes "
                                              "download_as_string download_as_text "
                                              "download_to_filename download_to_file exists "
                                              "delete reload patch update rewrite compose "
                                              "make_public open"),
            *_on("google.cloud.storage.fileio.BlobReader", "read read1 readline __iter__ __next__"),
            *_on("google.cloud.storage.fileio.BlobWriter", "write flush close"),
            *_on("google.cloud.bigquery.Client", "query query_and_wait get_table list_rows "
                                                 "insert_rows insert_rows_json "
                                                 "load_table_from_file load_table_from_uri "
                                                 "load_table_from_dataframe create_table "
                                                 "delete_table get_dataset create_dataset "
                                                 "list_datasets list_tables get_job"),
            *_on("google.cloud.bigquery.QueryJob", "result to_dataframe to_arrow"),
            "google.cloud.pubsub_v1.SubscriberClient.pull",
            "google.auth.default",
        ),
        # Messaging: kafka-python (constructors bootstrap the cluster metadata), pika.
        *_sinks(
            "network",
            "kafka.KafkaProducer", "kafka.KafkaConsumer", "kafka.KafkaAdminClient",
            *_on("kafka.KafkaProducer", "send flush close partitions_for init_transactions "
                                        "commit_transaction abort_transaction "
                                        "send_offsets_to_transaction"),
            *_on("kafka.KafkaConsumer", "poll commit committed position topics "
                                        "partitions_for_topic beginning_offsets end_offsets "
                                        "offsets_for_times close __iter__ __next__"),
            *_on("kafka.KafkaAdminClient", "create_topics delete_topics list_topics "
                                           "describe_topics describe_cluster describe_configs "
                                           "alter_configs create_partitions "
                                           "list_consumer_groups describe_consumer_groups "
                                           "list_consumer_group_offsets "
                                           "delete_consumer_groups"),
            "kafka.producer.future.FutureRecordMetadata.get",
            alternative="aiokafka",
        ),
        *_sinks(
            "network",
            "pika.BlockingConnection", "pika.adapters.blocking_connection.BlockingConnection",
            *_on("pika.BlockingConnection", "channel close process_data_events sleep"),
            *_on("pika.adapters.blocking_connection.BlockingChannel",
                 "basic_publish basic_consume basic_get basic_ack basic_nack basic_reject "
                 "basic_qos basic_cancel basic_recover queue_declare queue_bind queue_unbind "
                 "queue_purge queue_delete exchange_declare exchange_bind exchange_unbind "
                 "exchange_delete confirm_delivery start_consuming consume tx_select tx_commit "
                 "tx_rollback close"),
            alternative="aio-pika",
        ),
        # SSH / SFTP: paramiko.
        *_sinks(
            "network",
            *_on("paramiko.SSHClient", "connect exec_command invoke_shell open_sftp"),
            *_on("paramiko.Transport", "connect start_client start_server auth_password "
                                       "auth_publickey open_session open_channel "
                                       "open_sftp_client accept"),
            *_on("paramiko.Channel", "recv recv_stderr send sendall send_stderr "
                                     "exec_command invoke_shell recv_exit_status "
                                     "get_pty"),
            *_on("paramiko.ChannelFile", "read readline readlines write writelines flush "
                                         "__iter__ __next__"),
            "paramiko.SFTPClient.from_transport",
            *_on("paramiko.SFTPClient", "get put getfo putfo open listdir listdir_attr "
                                        "listdir_iter remove unlink rename posix_rename mkdir "
                                        "rmdir stat lstat symlink chmod chown utime truncate "
                                        "readlink normalize chdir"),
            *_on("paramiko.SFTPFile", "read readline readlines write writelines flush stat "
                                      "__iter__ __next__"),
            alternative="asyncssh",
        ),
        # docker SDK.  `docker.from_env()` / `DockerClient()` query the daemon's API version.
        *_sinks(
            "network",
            "docker.from_env", "docker.DockerClient", "docker.DockerClient.from_env",
            "docker.APIClient",
            *_on("docker.DockerClient", "ping info version events df login"),
            *_on("docker.models.containers.ContainerCollection", "run create get list prune"),
            *_on("docker.models.containers.Container", _DOCKER_CONTAINER),
            *_on("docker.models.images.ImageCollection", "build get get_registry_data list load "
                                                         "pull push remove search prune "
                                                         "prune_builds"),
            *_on("docker.models.images.Image", "history remove save tag reload"),
            *_each("docker.models.networks.NetworkCollection docker.models.volumes.VolumeCollection",
                   "create get list prune"),
            alternative="aiodocker",
        ),
        # Object stores.
        *_sinks(
            "network",
            *_on("minio.Minio", "put_object get_object fput_object fget_object list_objects "
                                "stat_object remove_object remove_objects bucket_exists "
                                "make_bucket list_buckets remove_bucket copy_object"),
        ),
        # Stripe (classic resource API: one request per classmethod).
        *_sinks(
            "network",
            *_each("stripe.Customer stripe.PaymentIntent stripe.Charge stripe.Subscription "
                   "stripe.Invoice stripe.Refund stripe.Price stripe.Product "
                   "stripe.checkout.Session stripe.PaymentMethod stripe.SetupIntent",
                   "create retrieve modify list delete"),
            *_on("stripe.PaymentIntent", "confirm capture cancel"),
            *_on("stripe.Subscription", "cancel"),
        ),

        # ---------------------------------------------------------------- database ---
        # sqlite3: every statement runs the VM against the database file.
        *_sinks(
            "database",
            "sqlite3.connect",
            *_on("sqlite3.Connection", "execute executemany executescript commit rollback "
                                       "backup iterdump blobopen __exit__"),
            *_on("sqlite3.Cursor", "execute executemany executescript fetchone fetchall "
                                   "fetchmany __iter__ __next__"),
            alternative="aiosqlite",
        ),
        # PostgreSQL: psycopg2 and psycopg 3 (sync API; `psycopg.AsyncConnection` is async).
        # fetch* is listed for every DB-API cursor: server-side / unbuffered cursors read
        # from the network there, buffered ones only drain memory after `execute`.
        *_sinks(
            "database",
            "psycopg2.connect",
            *_on("psycopg2.extensions.connection", "commit rollback tpc_commit tpc_rollback "
                                                   "__exit__"),
            *_on("psycopg2.extensions.cursor", "execute executemany callproc fetchone fetchmany "
                                               "fetchall copy_from copy_to copy_expert"),
            "psycopg2.extras.execute_values", "psycopg2.extras.execute_batch",
            "psycopg2.pool.AbstractConnectionPool.getconn",
            alternative="asyncpg / psycopg.AsyncConnection",
        ),
        *_sinks(
            "database",
            "psycopg.connect", "psycopg.Connection.connect",
            *_on("psycopg.Connection", "execute commit rollback __exit__"),
            *_on("psycopg.Cursor", "execute executemany fetchone fetchmany fetchall copy stream "
                                   "__iter__ __next__"),
            "psycopg.Transaction.__enter__", "psycopg.Transaction.__exit__",
            *_on("psycopg_pool.ConnectionPool", "getconn connection wait"),
            alternative="psycopg.AsyncConnection",
        ),
        # MySQL: PyMySQL (its `Connection()` constructor connects) and mysql-connector.
        *_sinks(
            "database",
            "pymysql.Connection", "pymysql.connect", "pymysql.Connect",
            *_on("pymysql.Connection", "commit rollback begin ping select_db query "
                                       "next_result connect"),
            *_on("pymysql.cursors.Cursor", "execute executemany callproc fetchone fetchmany "
                                           "fetchall nextset"),
            *_on("pymysql.cursors.SSCursor", "__iter__ __next__"),
            "mysql.connector.connect", "mysql.connector.pooling.connect",
            "mysql.connector.MySQLConnection", "mysql.connector.CMySQLConnection",
            *_on("mysql.connector.abstracts.MySQLConnectionAbstract",
                 "commit rollback cmd_query ping reconnect start_transaction"),
            *_on("mysql.connector.abstracts.MySQLCursorAbstract",
                 "execute executemany callproc fetchone fetchmany fetchall nextset"),
            "mysql.connector.pooling.MySQLConnectionPool.get_connection",
            alternative="aiomysql / asyncmy",
        ),
        # Other SQL drivers.
        *_sinks(
            "database",
            "pyodbc.connect", *_on("pyodbc.Connection", "execute commit rollback"),
            *_on("pyodbc.Cursor", "execute executemany fetchone fetchmany fetchall fetchval"),
            "oracledb.connect", *_on("oracledb.Connection", "commit rollback ping"),
            *_on("oracledb.Cursor", "execute executemany callproc fetchone fetchmany fetchall"),
            *_on("clickhouse_driver.Client", "execute execute_iter query_dataframe"),
            *_on("cassandra.cluster.Cluster", "connect"),
            *_on("cassandra.cluster.Session", "execute prepare"),
            "cassandra.cluster.ResponseFuture.result",
        ),
        # SQLAlchemy (sync Engine/Connection/Session; `sqlalchemy.ext.asyncio` is async).
        # `Session.query()` only builds a Query: the Query's terminal methods are the sinks.
        *_sinks(
            "database",
            *_on("sqlalchemy.engine.Engine", "connect begin raw_connection execute scalar"),
            *_on("sqlalchemy.engine.Connection", "execute exec_driver_sql scalar scalars commit "
                                                 "rollback"),
            *_on("sqlalchemy.orm.Session", "execute scalar scalars get get_one commit flush "
                                           "refresh merge rollback connection "
                                           "bulk_save_objects bulk_insert_mappings "
                                           "bulk_update_mappings"),
            *_on("sqlalchemy.orm.Query", "all first one one_or_none scalar count get delete "
                                         "update value values __iter__"),
            "sqlmodel.Session.exec",
            # `with session.begin():` commits on exit.
            "sqlalchemy.orm.SessionTransaction.__exit__",
            alternative="sqlalchemy.ext.asyncio.AsyncSession",
        ),
        # Redis (sync client; `redis.asyncio` is async).
        *_sinks(
            "database",
            *_on("redis.Redis", _REDIS_COMMANDS),
            "redis.RedisCluster",
            *_on("redis.Pipeline", "execute watch unwatch"),
            *_on("redis.PubSub", "subscribe psubscribe ssubscribe unsubscribe punsubscribe "
                                 "sunsubscribe get_message listen ping execute_command"),
            *_on("redis.lock.Lock", "acquire release extend reacquire locked owned __enter__ "
                                    "__exit__"),
            "redis.sentinel.Sentinel.discover_master", "redis.sentinel.Sentinel.discover_slaves",
            alternative="redis.asyncio.Redis",
        ),
        # Memcached: pymemcache.
        *_sinks(
            "database",
            *_on("pymemcache.client.base.Client", "get get_many gets set set_many add replace "
                                                  "append prepend cas delete delete_many incr "
                                                  "decr touch flush_all stats version"),
            alternative="aiomcache",
        ),
        # MongoDB: pymongo (sync; `pymongo.AsyncMongoClient` and motor are async).
        # `Collection.find()`/`find_raw_batches()` are lazy: the Cursor's iteration is the sink.
        *_sinks(
            "database",
            *_on("pymongo.MongoClient", "list_database_names list_databases drop_database "
                                        "server_info start_session watch bulk_write"),
            *_on("pymongo.database.Database", "list_collection_names list_collections "
                                              "create_collection drop_collection command "
                                              "cursor_command validate_collection aggregate "
                                              "watch dereference"),
            *_on("pymongo.collection.Collection",
                 "insert_one insert_many replace_one update_one update_many delete_one "
                 "delete_many find_one find_one_and_delete find_one_and_replace "
                 "find_one_and_update count_documents estimated_document_count distinct "
                 "aggregate aggregate_raw_batches bulk_write create_index create_indexes "
                 "drop_index drop_indexes list_indexes index_information drop rename options "
                 "watch create_search_index create_search_indexes drop_search_index "
                 "update_search_index list_search_indexes"),
            *_each("pymongo.cursor.Cursor pymongo.command_cursor.CommandCursor",
                   "__iter__ __next__ next to_list try_next close"),
            *_on("pymongo.cursor.Cursor", "distinct explain"),
            *_on("pymongo.client_session.ClientSession", "commit_transaction abort_transaction "
                                                         "with_transaction end_session"),
            *_on("pymongo.change_stream.ChangeStream", "__iter__ __next__ next try_next"),
            *_on("gridfs.GridFS", "put get get_version get_last_version delete list find_one "
                                  "exists"),
            *_on("gridfs.GridOut", "read readline readchunk __iter__ __next__"),
            *_on("gridfs.GridFSBucket", "upload_from_stream upload_from_stream_with_id "
                                        "download_to_stream download_to_stream_by_name "
                                        "open_download_stream open_download_stream_by_name "
                                        "delete rename"),
            alternative="pymongo.AsyncMongoClient",
        ),
        # Elasticsearch (sync client; `elasticsearch.AsyncElasticsearch` is async).
        *_sinks(
            "database",
            *_on("elasticsearch.Elasticsearch", _ES_ROOT),
            *(name for ns, ms in _ES_NAMESPACES.items()
              for name in _on("elasticsearch.client." + ns, ms)),
            *_on("elasticsearch.helpers", "bulk streaming_bulk parallel_bulk scan reindex"),
            alternative="elasticsearch.AsyncElasticsearch",
        ),
        # Neo4j (sync driver; `neo4j.AsyncGraphDatabase` is async).
        *_sinks(
            "database",
            *_on("neo4j.Driver", "execute_query verify_connectivity"),
            *_on("neo4j.Session", "run execute_read execute_write read_transaction "
                                  "write_transaction begin_transaction"),
            *_on("neo4j.Result", "data single consume fetch peek value values __iter__ "
                                 "__next__"),
            alternative="neo4j.AsyncGraphDatabase",
        ),
        # pandas <-> SQL.
        *_sinks("database", "pandas.read_sql", "pandas.read_sql_query", "pandas.read_sql_table",
                "pandas.DataFrame.to_sql"),

        # ---------------------------------------------------------------- wait -------
        # threading primitives (the `with` statement acquires).
        *_sinks(
            "wait",
            *_each("threading.Lock threading.RLock threading.Semaphore", "acquire __enter__"),
            "threading.Lock.acquire_lock",
            *_on("threading.Condition", "acquire __enter__ wait wait_for"),
            "threading.Event.wait", "threading.Barrier.wait", "threading.Thread.join",
            alternative="asyncio.Lock / asyncio.Event",
        ),
        # Waiting for a signal.
        *_sinks("wait", *_on("signal", "pause sigwait sigwaitinfo sigtimedwait"),
                alternative="loop.add_signal_handler"),
        # queue: `get` waits for an item.  `put` is not listed: it waits only on a bounded
        # queue, and the default (maxsize=0) never does — an unknown bound is not a finding.
        *_sinks("wait", "queue.Queue.get", "queue.Queue.join",
                "queue.SimpleQueue.get", alternative="asyncio.Queue"),
        # concurrent.futures: results, waits, and executor shutdown (`with` exit waits).
        *_sinks(
            "wait",
            "concurrent.futures.Future.result", "concurrent.futures.Future.exception",
            "concurrent.futures.wait", "concurrent.futures.as_completed",
            "concurrent.futures.Executor.shutdown", "concurrent.futures.Executor.__exit__",
            alternative="asyncio.wrap_future",
        ),
        # multiprocessing: pools, queues, pipes, joins and synchronisation primitives.
        *_sinks(
            "wait",
            *_on("multiprocessing.pool.Pool", "map starmap apply join terminate __exit__"),
            *_on("multiprocessing.pool.IMapIterator", "next __next__"),
            *_on("multiprocessing.pool.AsyncResult", "get wait"),
            *_on("multiprocessing.queues.Queue", "get put join_thread"),
            "multiprocessing.queues.JoinableQueue.join",
            *_on("multiprocessing.queues.SimpleQueue", "get put"),
            "multiprocessing.process.BaseProcess.join",
            *_on("multiprocessing.connection.Connection", "recv recv_bytes recv_bytes_into send "
                                                          "send_bytes poll"),
            "multiprocessing.connection.wait", "multiprocessing.connection.Listener.accept",
            "multiprocessing.connection.Client",
            *_each("multiprocessing.synchronize.Lock multiprocessing.synchronize.RLock "
                   "multiprocessing.synchronize.Semaphore", "acquire __enter__"),
            *_on("multiprocessing.synchronize.Condition", "acquire __enter__ wait wait_for"),
            "multiprocessing.synchronize.Event.wait", "multiprocessing.synchronize.Barrier.wait",
        ),
        # File locks: acquiring polls (with sleeps) until the lock is free.
        *_sinks(
            "wait",
            *_on("filelock.BaseFileLock", "acquire __enter__"),
            "portalocker.lock",
            *_each("portalocker.Lock portalocker.BoundedSemaphore portalocker.RedisLock",
                   "acquire __enter__"),
            alternative="filelock.AsyncFileLock",
        ),
    )
}


# Sinks that do not block when called with one of these arguments: (keyword, position
# among the arguments after self, value).  `executor.shutdown(wait=False)` returns at once;
# `lock.acquire(False)` / `queue.get(block=False)` never wait.
NONBLOCKING_ARGS: dict[str, tuple[tuple[str, int, object], ...]] = {
    "concurrent.futures.Executor.shutdown": (("wait", 0, False),),
    "threading.Lock.acquire": (("blocking", 0, False), ("timeout", 1, 0)),
    "threading.RLock.acquire": (("blocking", 0, False), ("timeout", 1, 0)),
    "threading.Semaphore.acquire": (("blocking", 0, False), ("timeout", 1, 0)),
    "threading.Event.wait": (("timeout", 0, 0),),
    "threading.Thread.join": (("timeout", 0, 0),),
    "queue.Queue.get": (("block", 0, False), ("timeout", 1, 0)),
    "queue.SimpleQueue.get": (("block", 0, False), ("timeout", 1, 0)),
    "concurrent.futures.Future.result": (("timeout", 0, 0),),
}
