"""The standard library: sleep, terminal input, files, directory walks, filesystem
metadata, subprocesses, DNS, sockets and stdlib protocol clients, waits on threads,
queues, futures and processes.

Stage: catalog data, assembled into `asyncaudit.catalog.blocking.SINKS` (whose docstring
says what belongs here and the naming conventions).
"""

from __future__ import annotations

from asyncaudit.catalog.base import Sink
from asyncaudit.catalog.base import each as _each
from asyncaudit.catalog.base import on as _on
from asyncaudit.catalog.base import sinks as _sinks

_PATH = "pathlib.Path"

# Methods of a real (disk/pipe-backed) file object that touch the OS, as each type has
# them.  Only concrete file types get them: `io.StringIO`/`io.BytesIO` share the abstract
# bases and are in-memory.
_TEXT_IO = "read readline readlines write writelines flush truncate __iter__ __next__"
_BUFFERED_IO = _TEXT_IO + " read1 readinto readinto1"
_BUFFERED_READERS = ("io.BufferedReader io.BufferedRandom io.BufferedRWPair gzip.GzipFile "
                     "bz2.BZ2File lzma.LZMAFile zipfile.ZipExtFile")

# socket.socket calls that wait on the peer (a non-blocking socket would raise instead).
_SOCKET_IO = ("connect connect_ex accept recv recv_into recvfrom recvfrom_into recvmsg "
              "recvmsg_into send sendall sendto sendmsg sendfile")

SINKS: tuple[Sink, ...] = (
    # ---------------------------------------------------------------- sleep ------
    *_sinks("sleep", "time.sleep", alternative="asyncio.sleep"),

    # ---------------------------------------------------------------- input ------
    *_sinks("input", "builtins.input", "getpass.getpass",
            alternative="loop.run_in_executor(None, input)"),

    # ---------------------------------------------------------------- import -----
    # Importing searches sys.path (stat/listdir), reads and compiles the source (or the
    # .pyc) and runs the module body, on a cache miss: a module already in sys.modules
    # returns at once (Home Assistant's loop guard allows exactly that case).
    *_sinks(
        "import",
        "builtins.__import__", "importlib.__import__", "importlib.import_module",
        "importlib.reload", "importlib.util.find_spec",
        *_each("importlib.machinery.SourceFileLoader importlib.machinery.SourcelessFileLoader "
               "importlib.machinery.ExtensionFileLoader", "exec_module load_module"),
        "importlib.machinery.ExtensionFileLoader.create_module",  # dlopen()
        "pkgutil.walk_packages", "pkgutil.find_loader", "pkgutil.get_loader",
        "pkgutil.resolve_name", "runpy.run_module", "runpy.run_path",
        *_on("imp", "find_module load_module load_source load_compiled load_dynamic "
                    "load_package reload"),
        alternative="import at module level, or offload: asyncio.to_thread(importlib.import_module, name)",
    ),
    # Distribution metadata: every call scans sys.path for *.dist-info / *.egg-info and
    # reads their METADATA / entry_points.txt; loading an entry point imports its module.
    *_sinks(
        "import",
        *_on("importlib.metadata", "version metadata distribution distributions "
                                   "entry_points files requires packages_distributions"),
        "importlib.metadata.Distribution.from_name", "importlib.metadata.Distribution.discover",
        *_on("importlib.metadata.Distribution", "metadata version entry_points files requires"),
        "importlib.metadata.EntryPoint.load",
        alternative="read the metadata once at startup, or offload it",
    ),

    # ---------------------------------------------------------------- file -------
    # builtins / io / os: opening, reading and writing files and pipes.
    # `os.fdopen(fd)` is `io.open(fd)`: an fstat, an lseek in append mode, then the reads.
    *_sinks(
        "file",
        "builtins.open", "io.open", "io.open_code", "os.fdopen",
        *_on("os", "open read write pread pwrite readv writev preadv pwritev sendfile "
                   "copy_file_range splice fsync fdatasync truncate ftruncate posix_fallocate"),
        *_on("io.TextIOWrapper", _TEXT_IO),
        *_each(_BUFFERED_READERS, _BUFFERED_IO + " peek"),
        *_on("io.BufferedWriter", _BUFFERED_IO),
        *_on("io.FileIO", _TEXT_IO + " readinto readall"),
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
    # its first call, so it is not listed), sound files, file comparison, libc/os-release
    # probing, package data and resources (`importlib.resources.files()` returns a
    # Traversable: a `pathlib.Path` for a package on disk, a `zipfile.Path` in a zip).
    *_sinks(
        "file",
        "mimetypes.init", "mimetypes.read_mime_types", "mimetypes.MimeTypes.read",
        "wave.open", "filecmp.cmp", "filecmp.cmpfiles",
        "platform.libc_ver", "platform.freedesktop_os_release",
        *_on("importlib.resources", "read_text read_binary open_text open_binary"),
        *_on("importlib.resources.abc.Traversable", "read_text read_bytes open"),
        "importlib.metadata.Distribution.read_text", "pkgutil.get_data",
    ),
    *_sinks("dirwalk", "importlib.resources.contents",
            "importlib.resources.abc.Traversable.iterdir", "pkgutil.iter_modules"),
    *_sinks("fsmeta", "importlib.resources.is_resource",
            *_on("importlib.resources.abc.Traversable", "is_file is_dir")),
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
        *_on("imaplib.IMAP4", "login login_cram_md5 authenticate logout select "
                              "search fetch store copy expunge list lsub append close "
                              "create delete rename noop uid status subscribe unsubscribe "
                              "check starttls idle"),
        "telnetlib.Telnet",
        *_on("telnetlib.Telnet", "open read_until read_all read_some write expect "
                                 "interact"),
        "nntplib.NNTP",
        *_on("nntplib.NNTP", "login starttls capabilities list newgroups newnews group "
                             "article head body over xover stat next last post ihave date "
                             "help descriptions description quit"),
        "xmlrpc.client._Method.__call__",
    ),
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
    # Advisory file locks: without LOCK_NB the call waits until the lock is granted.
    *_sinks("wait", "fcntl.flock", "fcntl.lockf", alternative="filelock.AsyncFileLock"),
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
)
