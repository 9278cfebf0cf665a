"""Phase 2, discover tools: the :class:`ToolCatalogue` protocol and a TTL cache with last-good fallback.

The service implements :class:`ToolCatalogue` over api_manager's gRPC client (as the caller, so a
user sees exactly the tools their tenant and role allow). :class:`CachedCatalogue` wraps it: one
cache entry per (tenant, top role), refreshed after ``ttl_s``; when the source fails, the last good
catalogue is served and the snapshot says so (``stale=True`` and ``note``), which the trace records.
With no catalogue at all it raises ServiceUnavailableError(reason="TOOL_CATALOGUE_UNAVAILABLE") blamed on the
tool source (``dependency=api_manager``), so the callers' breakers toward ops do not count it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from opsuite_common.auth import Identity
from opsuite_common.errors import Code, OpsuiteError, ServiceUnavailableError
from opsuite_ops.domain.model import Tool, ToolResult

__all__ = ["TOOL_SOURCE", "CachedCatalogue", "CatalogueSnapshot", "ToolCatalogue"]

#: The dependency a failed discovery is blamed on (``OpsuiteError.dependency``).
TOOL_SOURCE = "api_manager"

#: Discovery failures worth a plain retry (anything else needs its cause fixed first).
_TRANSIENT = frozenset({Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED})


@runtime_checkable
class ToolCatalogue(Protocol):
    """Where tools come from and how they run (api_manager in production, in-memory in tests)."""

    async def list_tools(self, identity: Identity) -> list[Tool]:
        """The tools ``identity`` may use."""
        ...

    async def invoke(self, identity: Identity, tool_name: str, params: dict[str, Any], timeout: float) -> ToolResult:
        """Run ``tool_name`` as ``identity``; raise a typed OpsuiteError on transport failures."""
        ...


@dataclass(frozen=True, slots=True)
class CatalogueSnapshot:
    """The tools a run sees, and whether they came from a stale cache because discovery failed."""

    tools: tuple[Tool, ...]
    stale: bool = False
    note: str = ""
    age_s: float = 0.0

    def by_name(self) -> dict[str, Tool]:
        """Tools by name."""
        return {t.name: t for t in self.tools}


@dataclass(slots=True)
class _Entry:
    tools: tuple[Tool, ...]
    fetched_at: float


class CachedCatalogue:
    """A TTL cache over a :class:`ToolCatalogue`, keyed by tenant and role, serving last-good on failure.

    It is itself a ToolCatalogue (``invoke`` passes straight through) and is meant to be shared by
    every run of a server; it holds only catalogue data, never run state.
    """

    def __init__(
        self, source: ToolCatalogue, *, ttl_s: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.source = source
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    @staticmethod
    def _key(identity: Identity) -> tuple[str, str]:
        role = identity.top_role.name if identity.roles else ""
        return (identity.tenant, role)

    async def snapshot(self, identity: Identity) -> CatalogueSnapshot:
        """The catalogue for ``identity``: fresh, cached, or last-good with a note; else UNAVAILABLE."""
        key = self._key(identity)
        entry = self._entries.get(key)
        if entry is not None and self._clock() - entry.fetched_at < self.ttl_s:
            return CatalogueSnapshot(entry.tools, age_s=self._clock() - entry.fetched_at)
        # One refresh per key at a time: concurrent runs wait for it instead of stampeding api_manager.
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            entry = self._entries.get(key)
            if entry is not None and self._clock() - entry.fetched_at < self.ttl_s:
                return CatalogueSnapshot(entry.tools, age_s=self._clock() - entry.fetched_at)
            try:
                tools = tuple(await self.source.list_tools(identity))
            except (OpsuiteError, OSError, TimeoutError) as exc:
                return self._fallback(key, exc)
            self._entries[key] = _Entry(tools, self._clock())
            return CatalogueSnapshot(tools)

    def _fallback(self, key: tuple[str, str], exc: BaseException) -> CatalogueSnapshot:
        why = getattr(exc, "reason", type(exc).__name__)
        entry = self._entries.get(key)
        if entry is None:
            transient = isinstance(exc, (OSError, TimeoutError)) or getattr(exc, "code", None) in _TRANSIENT
            hint = "check that api_manager is reachable and retry" if transient else "fix that cause and retry"
            # Blamed on the tool source: ops itself is healthy, so its callers' breakers must not count this.
            raise ServiceUnavailableError(
                f"no tool catalogue is available: tool discovery (api_manager) failed with {why} "
                f"({getattr(exc, 'message', exc)}) and nothing is cached yet; {hint}",
                reason="TOOL_CATALOGUE_UNAVAILABLE",
                metadata={"cause": why},
            ).blame_dependency(TOOL_SOURCE) from exc
        age = self._clock() - entry.fetched_at
        note = f"tool discovery failed ({why}: {exc}); using the last good catalogue from {age:.0f}s ago"
        return CatalogueSnapshot(entry.tools, stale=True, note=note, age_s=age)

    async def list_tools(self, identity: Identity) -> list[Tool]:
        """The tools ``identity`` may use (through the cache)."""
        return list((await self.snapshot(identity)).tools)

    async def invoke(self, identity: Identity, tool_name: str, params: dict[str, Any], timeout: float) -> ToolResult:
        """Run a tool through the source catalogue (never cached)."""
        return await self.source.invoke(identity, tool_name, params, timeout)

    def invalidate(self, tenant: str | None = None) -> None:
        """Drop cached catalogues (of one tenant, or all), e.g. after an API is exposed as a tool."""
        for key in [k for k in self._entries if tenant is None or k[0] == tenant]:
            del self._entries[key]
