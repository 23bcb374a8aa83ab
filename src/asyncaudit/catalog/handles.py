"""File handles: the calls that open one and the types whose methods work on an open one.

Stage: catalog data, read by the blocking rules (`asyncaudit.rules.blocking`): a read or
write on a handle the same function opened is part of that open's finding.
"""

from __future__ import annotations

OPENERS: frozenset[str] = frozenset({
    "builtins.open", "io.open", "pathlib.Path.open", "os.fdopen", "gzip.open", "bz2.open",
    "lzma.open", "tarfile.open", "zipfile.ZipFile", "tempfile.NamedTemporaryFile",
    "tempfile.TemporaryFile", "os.open",
})

# sinks whose qualname starts with one of these are operations on an open handle
HANDLE_PREFIXES: tuple[str, ...] = (
    "io.", "tempfile._TemporaryFileWrapper.", "gzip.GzipFile.", "zipfile.ZipFile.",
    "tarfile.TarFile.", "bz2.BZ2File.", "lzma.LZMAFile.", "zipfile.ZipExtFile.",
    "tarfile.ExFileObject.", "os._wrap_close.", "paramiko.SFTPFile.",
)

# Operations on an archive handle that read or write *other* paths: the member files
# extracted, the files added.  Their cost is not the open's.
OTHER_PATHS: frozenset[str] = frozenset({
    "zipfile.ZipFile.extract", "zipfile.ZipFile.extractall", "zipfile.ZipFile.write",
    "tarfile.TarFile.extract", "tarfile.TarFile.extractall", "tarfile.TarFile.add",
})
