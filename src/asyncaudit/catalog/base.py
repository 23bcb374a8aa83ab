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
    """A kind of blocking operation: its title, base severity and `advice`, the async
    alternative (offloading with asyncio.to_thread is always the other option).  Each is
    one rule; the rule's code and the rest of it live in `asyncaudit.rules.blocking`."""

    key: str
    title: str
    severity: Severity
    advice: str


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


@dataclass(frozen=True, slots=True)
class MethodFamily:
    """Every public method of `owner` (and of its subtypes) is a sink of `category`,
    except the `local` ones: a client whose operations are generated at run time from a
    service model (botocore) or are too many to list, each one request to the service.

    A name starting with `_` is never an operation.  `sink("initiate_auth")` is the
    `Sink` of `owner.initiate_auth`; the analysis reports it under that name.
    """

    owner: str
    category: str
    local: frozenset[str]
    alternative: str = ""

    def sink(self, method: str) -> Sink | None:
        """The sink `owner.method` is, or None for a local or private method."""
        if method.startswith("_") or method in self.local:
            return None
        name = f"{self.owner}.{method}"
        return Sink(name, self.category, self.alternative, patch_kind(name), *availability(name))


@dataclass(frozen=True, slots=True)
class AnyFlag:
    """A `NONBLOCKING_ARGS` value written as named constants joined with `|`: the call
    returns at once when any of `names` is among them (`fcntl.LOCK_EX | fcntl.LOCK_NB`,
    `fcntl.LOCK_UN`, `os.WNOHANG`).  Names are canonical qualnames of module constants."""

    names: frozenset[str]


@dataclass(frozen=True, slots=True)
class Given:
    """A `NONBLOCKING_ARGS` value matching any argument but the literal `None`: a
    constructor that reads its configuration files only when it is not handed a
    configuration (`fabric.Connection(host, config=cfg)`).  A parameter, a computed value,
    anything passed counts as given."""


GIVEN = Given()


def any_flag(*names: str) -> AnyFlag:
    """An `AnyFlag` of the given constant names."""
    return AnyFlag(frozenset(names))


def family(owner: str, category: str, local: str, *, alternative: str = "") -> MethodFamily:
    """A `MethodFamily`; `local` is a whitespace-separated list of method names."""
    return MethodFamily(owner, category, frozenset(local.split()), alternative)


def sinks(category: str, *names: str, alternative: str = "") -> list[Sink]:
    """A `Sink` of `category` for every name, with its run-time facts."""
    return [Sink(n, category, alternative, patch_kind(n), *availability(n)) for n in names]


def on(owner: str, methods: str) -> list[str]:
    """`owner.m` for every whitespace-separated method name in `methods`."""
    return [f"{owner}.{m}" for m in methods.split()]


def each(owners: str, methods: str) -> list[str]:
    """`on` for every whitespace-separated owner in `owners`."""
    return [name for owner in owners.split() for name in on(owner, methods)]
