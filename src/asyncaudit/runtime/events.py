"""The CPython audit events that reveal a blocking call, mapped onto catalog sinks.

Stage: runtime detection (data).  Each `AuditEvent` names an event the interpreter
raises and the catalog sink it stands for (`asyncaudit.catalog.SINKS`, the table the
static side reads), so one catalog gives both the category and the advice.  Sinks
covered by an event need no patching; the others are wrapped (`runtime.patching`).

Which events exist was measured on CPython 3.11.7, 3.12.1 and 3.13.0 (`time.sleep`
raises its event from 3.13 only; before, it is wrapped).  `check` decides from the
event's arguments whether the call can block at all: `open(fd)` only wraps a
descriptor, a non-blocking socket's `connect` returns at once (that is how asyncio
itself connects), and resolving an IP literal does no lookup.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """An audit event and the catalog sink it reports."""

    event: str
    sink: str
    since: tuple[int, int] = (3, 8)
    check: Callable[[tuple[object, ...]], bool] | None = None  # False: this call cannot block

    @property
    def raised(self) -> bool:
        """The running interpreter raises this event."""
        return sys.version_info[:2] >= self.since


def _not_descriptor(args: tuple[object, ...]) -> bool:
    return bool(args) and not isinstance(args[0], int)


def _blocking_socket(args: tuple[object, ...]) -> bool:
    try:
        return args[0].gettimeout() != 0.0  # type: ignore[attr-defined]
    except Exception:  # a closed or foreign object: judge it blocking, as a sink would be
        return True


def _needs_lookup(args: tuple[object, ...]) -> bool:
    host = args[0] if args else None
    if host is None:
        return False  # getaddrinfo(None, port): the wildcard / loopback address, no lookup
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return True
    return False


def _e(event: str, sink: str | None = None, **kw: object) -> AuditEvent:
    return AuditEvent(event, sink or event, **kw)  # type: ignore[arg-type]


EVENTS: dict[str, AuditEvent] = {
    e.event: e
    for e in (
        # files (`open` is raised by builtins.open, io.open, os.open and io.open_code)
        _e("open", "builtins.open", check=_not_descriptor),
        _e("os.truncate"),
        _e("shutil.copyfile"), _e("shutil.move"), _e("shutil.make_archive"), _e("shutil.unpack_archive"),
        _e("tempfile.mkstemp"),
        # directory walks
        _e("os.listdir"), _e("os.scandir"), _e("os.walk"), _e("os.fwalk"), _e("glob.glob"),
        _e("pathlib.Path.glob"), _e("pathlib.Path.rglob"), _e("pathlib.Path.walk", since=(3, 12)),
        _e("shutil.copytree"), _e("shutil.rmtree"),
        # filesystem metadata (os.unlink raises os.remove, os.replace raises os.rename)
        _e("os.mkdir"), _e("os.rmdir"), _e("os.remove"), _e("os.rename"), _e("os.chmod"),
        _e("os.chown"), _e("os.utime"), _e("os.link"), _e("os.symlink"), _e("os.chdir"),
        _e("os.listxattr"), _e("os.getxattr"), _e("os.setxattr"), _e("os.removexattr"),
        _e("shutil.copymode"), _e("shutil.copystat"), _e("shutil.chown"), _e("tempfile.mkdtemp"),
        # subprocesses
        _e("subprocess.Popen"), _e("os.system"), _e("os.posix_spawn"), _e("os.exec", "os.execv"),
        _e("pty.spawn"), _e("webbrowser.open"),
        # sleep
        _e("time.sleep", since=(3, 13)),
        # DNS
        _e("socket.getaddrinfo", check=_needs_lookup), _e("socket.gethostbyname", check=_needs_lookup),
        _e("socket.gethostbyaddr"), _e("socket.getnameinfo"),
        # network
        _e("socket.connect", "socket.socket.connect", check=_blocking_socket),
        _e("socket.sendto", "socket.socket.sendto", check=_blocking_socket),
        _e("socket.sendmsg", "socket.socket.sendmsg", check=_blocking_socket),
        _e("urllib.Request", "urllib.request.urlopen"),
        _e("http.client.connect", "http.client.HTTPConnection.connect"),
        _e("http.client.send", "http.client.HTTPConnection.send"),
        _e("ftplib.connect", "ftplib.FTP.connect"), _e("smtplib.connect", "smtplib.SMTP.connect"),
        _e("imaplib.open", "imaplib.IMAP4"), _e("poplib.connect", "poplib.POP3"),
        _e("telnetlib.Telnet.open"),
        # database
        _e("sqlite3.connect"),
        # terminal input
        _e("builtins.input"),
        # imports: raised by the `import` statement and `__import__` only on a cache miss
        # (a module already in sys.modules returns at once and raises nothing)
        _e("import", "builtins.__import__"),
    )
}

# C functions that raise one of the events above under another name: they need no
# wrapper either.
RAISED_BY: dict[str, str] = {
    "io.open": "open", "io.open_code": "open", "os.open": "open",
    "os.unlink": "os.remove", "os.replace": "os.rename",
    "os.lchmod": "os.chmod", "os.fchmod": "os.chmod", "os.lchown": "os.chown", "os.fchown": "os.chown",
    "os.execve": "os.exec", "os.posix_spawnp": "os.posix_spawn",
}

# Import sinks that are calls, not statements: they import only what sys.modules lacks,
# so a call naming a loaded module is not a blocking call.  (The argument position of the
# module name.)
IMPORTS_BY_NAME: dict[str, int] = {
    "importlib.__import__": 0, "importlib.import_module": 0, "importlib.util.find_spec": 0,
    "pkgutil.resolve_name": 0,
}


def covered() -> frozenset[str]:
    """Catalog sinks the running interpreter reports through an audit event."""
    live = {e.event for e in EVENTS.values() if e.raised}
    return frozenset({e.sink for e in EVENTS.values() if e.raised}
                     | {name for name, event in RAISED_BY.items() if event in live})


__all__ = ["EVENTS", "IMPORTS_BY_NAME", "RAISED_BY", "AuditEvent", "covered"]
