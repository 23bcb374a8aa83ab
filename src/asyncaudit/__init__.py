"""asyncaudit: audit Python code against the Async-First Design standard.

Finds every place where an async path blocks the event loop — directly or through any
chain of sync helpers down to the leaf I/O — without importing or running the code.
"""

from __future__ import annotations

__version__ = "0.1.0"

from asyncaudit.api import Config, analyze  # noqa: E402
from asyncaudit.model import AnalysisResult, Chain, Finding, Hop, Location, Severity  # noqa: E402

__all__ = ["AnalysisResult", "Chain", "Config", "Finding", "Hop", "Location", "Severity", "__version__",
           "analyze"]
