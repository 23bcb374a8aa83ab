"""Which offloader a fix uses, and how the rewritten call is spelled.

Stage: fix.  The offloader follows the project, as its maintainers would write it:

    hass       `await hass.async_add_executor_job(f, *args)` where `hass` (a parameter
               or local) or `self.hass` is in scope and the file imports Home Assistant
    anyio      `await anyio.to_thread.run_sync(f, *args)` in files (or, failing that,
               projects) that use anyio and not asyncio
    trio       `await trio.to_thread.run_sync(f, *args)`, likewise
    executor   `await asyncio.get_running_loop().run_in_executor(None, f, *args)` when
               the project still supports Python < 3.9 (no `asyncio.to_thread`)
    asyncio    `await asyncio.to_thread(f, *args, **kwargs)` otherwise

`fix-offloader` in the configuration picks one for every fix instead of `auto`.  Only
`asyncio.to_thread` forwards keyword arguments; the others get `functools.partial`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from asyncaudit.config import FIX_OFFLOADERS as OFFLOADERS


@dataclass(frozen=True, slots=True)
class Offloader:
    """One way to run a sync call in a worker thread from async code."""

    kind: str  # asyncio | executor | anyio | trio | hass
    receiver: str = ""  # hass: the expression holding the HomeAssistant object

    @property
    def takes_kwargs(self) -> bool:
        return self.kind == "asyncio"

    @property
    def sleep_module(self) -> str:
        """The module whose `sleep` is the drop-in for `time.sleep`."""
        return self.kind if self.kind in ("anyio", "trio") else "asyncio"


class Bindings:
    """Module-level names bound by imports: how to spell `asyncio.to_thread` in this file,
    and which imports a fix must add.  Imports under `if TYPE_CHECKING:` bind nothing at
    run time and are not counted."""

    def __init__(self, module: cst.Module) -> None:
        self.names: dict[str, str] = {}  # dotted target ("asyncio", "functools.partial") -> local name
        self.imported: set[str] = set()  # top-level module names imported anywhere at module level
        self._collect(module.body)

    def _collect(self, body: object) -> None:
        for stmt in body:  # type: ignore[attr-defined]
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    if isinstance(small, cst.Import):
                        for alias in small.names:
                            dotted = _dotted(alias.name)
                            self.imported.add(dotted.split(".")[0])
                            if alias.asname is not None:
                                self.names.setdefault(dotted, _dotted(alias.asname.name))
                            else:
                                # `import a.b` binds `a`, and makes `a.b` reachable through it
                                self.names.setdefault(dotted.split(".")[0], dotted.split(".")[0])
                                self.names.setdefault(dotted, dotted)
                    elif isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
                        mod = _dotted(small.module)
                        self.imported.add(mod.split(".")[0])
                        if isinstance(small.names, cst.ImportStar):
                            continue
                        for alias in small.names:
                            name = _dotted(alias.name)
                            local = _dotted(alias.asname.name) if alias.asname is not None else name
                            self.names.setdefault(f"{mod}.{name}", local)
            elif isinstance(stmt, cst.If):
                if _is_type_checking(stmt.test):
                    continue
                self._collect(stmt.body.body)
                orelse = stmt.orelse
                while orelse is not None:
                    self._collect(orelse.body.body)
                    orelse = orelse.orelse if isinstance(orelse, cst.If) else None
            elif isinstance(stmt, cst.Try):
                self._collect(stmt.body.body)
                for handler in stmt.handlers:
                    self._collect(handler.body.body)
                if stmt.orelse is not None:
                    self._collect(stmt.orelse.body.body)

    def reverse(self) -> dict[str, str]:
        """Local name -> the dotted name it is bound to."""
        return {local: dotted for dotted, local in self.names.items() if "." not in local}

    def spell(self, dotted: str) -> tuple[str, str | None]:
        """How to write `dotted` (e.g. `anyio.to_thread.run_sync`) here, and the module to
        import first (None when the file already binds it)."""
        parts = dotted.split(".")
        # the longest bound prefix wins: `from anyio import to_thread` -> `to_thread.run_sync`
        for n in range(len(parts), 0, -1):
            prefix = ".".join(parts[:n])
            local = self.names.get(prefix)
            if local is not None:
                return ".".join([local, *parts[n:]]), None
        return dotted, parts[0]


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _is_type_checking(test: cst.BaseExpression) -> bool:
    return _dotted(test).rsplit(".", 1)[-1] == "TYPE_CHECKING"


def imports_home_assistant(bindings: Bindings, path: str) -> bool:
    """The file imports Home Assistant, or is part of it (its core uses relative imports)."""
    return "homeassistant" in bindings.imported or "homeassistant" in Path(path).parts
