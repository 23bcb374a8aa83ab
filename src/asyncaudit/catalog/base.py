"""The records the blocking catalog is made of: `Category` and `Sink`, and the small
builders the domain tables (`asyncaudit.catalog.sinks.*`) are written with.

Stage: catalog data (no analysis here).
"""

from __future__ import annotations

from dataclasses import dataclass

from asyncaudit.catalog.runtime import SETATTR, availability, patch_kind
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
    """One blocking API.

    `alternative` is the specific async replacement, where one exists.  The other fields
    describe the name at run time (`asyncaudit.catalog.runtime`): `patch` is how a runtime
    wrapper reaches it (`"setattr"`, `"c-type"` or `"indirect"`), `since` / `until` the
    Python versions that have it (None: all of 3.8-3.14), `platform` where it exists when
    not everywhere (`"Linux"`, `"built with gdbm"`).
    """

    qualname: str
    category: str
    alternative: str = ""
    patch: str = SETATTR
    since: tuple[int, int] | None = None
    until: tuple[int, int] | None = None
    platform: str = ""


def sinks(category: str, *names: str, alternative: str = "") -> list[Sink]:
    """A `Sink` of `category` for every name, with its run-time facts."""
    return [Sink(n, category, alternative, patch_kind(n), *availability(n)) for n in names]


def on(owner: str, methods: str) -> list[str]:
    """`owner.m` for every whitespace-separated method name in `methods`."""
    return [f"{owner}.{m}" for m in methods.split()]


def each(owners: str, methods: str) -> list[str]:
    """`on` for every whitespace-separated owner in `owners`."""
    return [name for owner in owners.split() for name in on(owner, methods)]
