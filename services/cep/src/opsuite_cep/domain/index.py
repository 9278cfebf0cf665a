"""Rule index by event type and one equality predicate per rule (Esper-style filter indexing).

Each rule registers the event types it listens to (None = any type) and, when its filter implies one,
an equality ``path == v`` (or ``path in [v...]``). For an event the index looks up its type's bucket
(and the any-type bucket), reads each *distinct indexed path* once and takes the rules registered for
that value, plus the rules without an equality. So the cost per event grows with the number of distinct
indexed paths and of candidate rules, not with the number of rules; non-candidates are never evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from opsuite_cep.domain.conditions import equality_keys
from opsuite_cep.domain.events import Event, PathGetter, compile_path

__all__ = ["RuleIndex"]


@dataclass(slots=True)
class _Bucket:
    residual: list[str] = field(default_factory=list)
    by_path: dict[str, tuple[PathGetter, dict[object, list[str]]]] = field(default_factory=dict)


class RuleIndex:
    """Maps an event to the names of the rules that may match it."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple[str | None, ...], tuple[str, tuple[Any, ...]] | None]] = {}
        self._buckets: dict[str | None, _Bucket] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, name: str, event_types: Iterable[str | None], predicate: tuple[str, tuple[Any, ...]] | None) -> None:
        """Register (or re-register) a rule."""
        self._entries[name] = (tuple(dict.fromkeys(event_types)), predicate)
        self._rebuild()

    def remove(self, name: str) -> None:
        """Forget a rule (no error if unknown)."""
        if self._entries.pop(name, None) is not None:
            self._rebuild()

    def _rebuild(self) -> None:
        # Rules change rarely compared with events, so a full rebuild keeps the structure simple.
        self._buckets = {}
        for name, (types, predicate) in self._entries.items():
            for event_type in types:
                bucket = self._buckets.setdefault(event_type, _Bucket())
                if predicate is None:
                    bucket.residual.append(name)
                    continue
                path, values = predicate
                _, table = bucket.by_path.setdefault(path, (compile_path(path), {}))
                for value in values:
                    table.setdefault(equality_keys(value), []).append(name)

    def candidates(self, event: Event) -> list[str]:
        """Names of the rules worth evaluating for ``event`` (each once, in registration order per bucket)."""
        found: list[str] = []
        for bucket in (self._buckets.get(event.type), self._buckets.get(None)):
            if bucket is None:
                continue
            found.extend(bucket.residual)
            for getter, table in bucket.by_path.values():
                key = equality_keys(getter(event))
                if key is not None:
                    found.extend(table.get(key, ()))
        if len(found) > 1:
            found = list(dict.fromkeys(found))
        return found
