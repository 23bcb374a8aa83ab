"""Catalogs: what blocks, what offloads, what runs callbacks on the loop — as data.

Every entry is keyed by a *canonical qualified name*: the dotted name under which the
API is defined (`time.sleep`, `pathlib.Path.exists`, `requests.Session.get`,
`builtins.open`).  Methods are `<type qualname>.<method>`; a type listed in `TYPES`
inherits the sinks of its bases, so `pathlib.PosixPath.exists` is found through
`pathlib.Path`.  The analysis never imports any of these modules: the catalog is how
the standard library and well-known third-party packages are known without them.

Stage: data read by resolve (types, returns) and reach (sinks), extendable from
configuration.
"""

from __future__ import annotations

from asyncaudit.catalog.blocking import CATEGORIES, SINKS, Category, Sink
from asyncaudit.catalog.loop import OFFLOADERS, REGISTRARS, CallableSlot
from asyncaudit.catalog.types import FUNCTION_RETURNS, MODULE_ALIASES, TYPES, KnownType

__all__ = [
    "CATEGORIES",
    "FUNCTION_RETURNS",
    "MODULE_ALIASES",
    "OFFLOADERS",
    "REGISTRARS",
    "SINKS",
    "TYPES",
    "CallableSlot",
    "Category",
    "KnownType",
    "Sink",
]
