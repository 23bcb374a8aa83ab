"""Runtime confirmation: the blocking calls a test suite really makes on the event loop.

Stage: beside the static pipeline.  `detector` records blocking calls made on a running
loop's thread (audit hooks plus reversible wrappers of the catalog's sinks), `join`
attributes them to boundary call sites and joins them with the static findings,
`report` writes and reads the JSON report, `pytest_plugin` is the `pytest11` entry point
(`pytest --asyncaudit`).  Importing this package costs nothing: the plugin module is
loaded by every pytest run in an environment where asyncaudit is installed.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Detector", "RuntimeSite", "attribute", "join"]


def __getattr__(name: str) -> Any:
    if name == "Detector":
        from asyncaudit.runtime.detector import Detector

        return Detector
    if name in ("RuntimeSite", "attribute", "join"):
        from asyncaudit.runtime import join as _join

        return getattr(_join, name)
    raise AttributeError(name)
