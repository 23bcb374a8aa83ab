"""Third-party file persistence, file locks and package metadata: numpy / pandas / joblib /
torch files, smart_open, portalocker, filelock, paramiko's host-key files, setuptools'
`pkg_resources`.

Stage: catalog data, assembled into `asyncaudit.catalog.blocking.SINKS` (whose docstring
says what belongs here and the naming conventions).
"""

from __future__ import annotations

from asyncaudit.catalog.base import Sink
from asyncaudit.catalog.base import each as _each
from asyncaudit.catalog.base import on as _on
from asyncaudit.catalog.base import sinks as _sinks

SINKS: tuple[Sink, ...] = (
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
    # smart_open streams local files and remote objects (s3://, gs://, http://).
    *_sinks("file", "smart_open.open"),
    # portalocker's atomic writer; paramiko's known_hosts files.
    *_sinks("file", "portalocker.open_atomic",
            *_on("paramiko.SSHClient", "load_system_host_keys load_host_keys "
                                       "save_host_keys")),
    # File locks: acquiring polls (with sleeps) until the lock is free.
    *_sinks(
        "wait",
        *_on("filelock.BaseFileLock", "acquire __enter__"),
        "portalocker.lock",
        *_each("portalocker.Lock portalocker.BoundedSemaphore portalocker.RedisLock",
               "acquire __enter__"),
        alternative="filelock.AsyncFileLock",
    ),
    # setuptools' pkg_resources: distribution queries scan the working set's sys.path
    # entries and read their metadata; loading an entry point imports its module.
    *_sinks(
        "import",
        *_on("pkg_resources", "require get_distribution iter_entry_points load_entry_point "
                              "get_entry_map get_entry_info find_distributions run_script"),
        *_on("pkg_resources.WorkingSet", "require iter_entry_points find resolve run_script "
                                         "find_plugins"),
        *_on("pkg_resources.EntryPoint", "load resolve"),
        *_on("pkg_resources.Distribution", "requires load_entry_point"),
        alternative="importlib.metadata, read once at startup or offloaded",
    ),
    *_sinks("file", *_on("pkg_resources", "resource_string resource_stream")),
    *_sinks("dirwalk", "pkg_resources.resource_listdir"),
    # `resource_filename` extracts the resource to a cache folder when it is zipped.
    *_sinks("fsmeta", *_on("pkg_resources", "resource_exists resource_isdir resource_filename")),
)
