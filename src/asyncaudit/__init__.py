"""asyncaudit: audit Python code against the Async-First Design standard.

Finds every place where an async path blocks the event loop — directly or through any
chain of sync helpers down to the leaf I/O — without importing or running the code.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any  # noqa: E402

from asyncaudit.model import AnalysisResult, Chain, Finding, Hop, Location, Severity  # noqa: E402

if TYPE_CHECKING:
    from asyncaudit.api import analyze, render
    from asyncaudit.catalog.base import Sink
    from asyncaudit.catalog.loop import CallableSlot
    from asyncaudit.config import Config, ConfigError

# what configuring the API needs: Config and its error, Sink (extra_sinks values) and
# CallableSlot (extra_offloaders / extra_registrars entries)
_LAZY = {"Config": "asyncaudit.config", "ConfigError": "asyncaudit.config", "analyze": "asyncaudit.api",
         "render": "asyncaudit.api", "Sink": "asyncaudit.catalog.base", "CallableSlot": "asyncaudit.catalog.loop"}


def __getattr__(name: str) -> Any:
    # the pipeline is imported on first use: pytest imports `asyncaudit.runtime.pytest_plugin`
    # (and so this package) in every run of an environment that has asyncaudit installed
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'asyncaudit' has no attribute {name!r}")

__all__ = ["AnalysisResult", "CallableSlot", "Chain", "Config", "ConfigError", "Finding", "Hop", "Location",
           "Severity", "Sink", "__version__", "analyze", "render"]
