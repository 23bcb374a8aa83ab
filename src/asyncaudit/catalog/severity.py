"""Names a finding's severity depends on.

Stage: catalog data, read by the blocking rules (`asyncaudit.rules.blocking`) when they
assess a chain (`asyncaudit.severity.assess`).
"""

from __future__ import annotations

# A chain through a memoized function blocks on its first call only: -1.
MEMO_DECORATORS: frozenset[str] = frozenset({"functools.cache", "functools.lru_cache", "functools.cached_property"})
