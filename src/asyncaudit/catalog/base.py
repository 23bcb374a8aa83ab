"""The records the blocking catalog is made of: `Category` and `Sink`, and the small
builders the domain tables (`asyncaudit.catalog.sinks.*`) are written with.

Stage: catalog data (no analysis here).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """One blocking API."""

    qualname: str
    category: str
    alternative: str = ""


def sinks(category: str, *names: str, alternative: str = "") -> list[Sink]:
    """A `Sink` of `category` for every name."""
    return [Sink(n, category, alternative) for n in names]


def on(owner: str, methods: str) -> list[str]:
    """`owner.m` for every whitespace-separated method name in `methods`."""
    return [f"{owner}.{m}" for m in methods.split()]


def each(owners: str, methods: str) -> list[str]:
    """`on` for every whitespace-separated owner in `owners`."""
    return [name for owner in owners.split() for name in on(owner, methods)]
