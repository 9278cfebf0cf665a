"""Rule index by event type and one equality predicate per rule (Esper-style filter indexing).

Each rule registers the event types it listens to (None = any type) and, when its filter implies one,
an equality ``path == v`` (or ``path in [v...]``). For an event the index looks up its type's bucket
(and the any-type bucket), reads each *distinct indexed path* once and takes the rules registered for
that value, plus the rules without an equality. So the cost per event grows with the number of distinct
indexed paths and of candidate rules, not with the number of rules; non-candidates are never evaluated.

Adding and removing a rule is incremental (no rebuild): adding is O(1) for a new name, removing is
linear in the size of the rule's buckets. The candidate order is the one a rebuild from scratch in
registration order would give: per bucket, the rules without an equality first, then each indexed path
in the order of its earliest registered rule.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

from opsuite_cep.domain.events import Event, PathGetter, compile_path

__all__ = ["RuleIndex", "index_key"]


class _NoKey:
    """Marks a value that can equal no indexed value (lists, objects, NaN)."""


_NO_KEY: Final = _NoKey()
_TRUE: Final = ("b", True)
_FALSE: Final = ("b", False)
_NULL: Final = ("z", None)


def index_key(value: object) -> object:
    """A hashable key with ``values_equal(a, b)`` => ``index_key(a) == index_key(b)`` (a superset test).

    Numbers key as themselves (Python's ``1 == 1.0`` and equal hashes match the numeric equality of
    conditions), strings as themselves (never equal to a number), booleans and null as tagged tuples
    (``True == 1`` must not collide). NaN and containers get a key that equals nothing.
    """
    t = type(value)
    if t is str or t is int:
        return value
    if t is float:
        return value if value == value else _NO_KEY
    if t is bool:
        return _TRUE if value else _FALSE
    if value is None:
        return _NULL
    # Subclasses (never produced by the servicer): key by the base value, which keeps the superset.
    if isinstance(value, bool):
        return _TRUE if value else _FALSE
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if value == value else _NO_KEY
    return _NO_KEY


def _insert(items: list[Any], seqs: list[int], seq: int, target: Any) -> None:
    """Insert by registration number (an append for a newly registered rule); no repeats."""
    if not seqs or seqs[-1] < seq:
        items.append(target)
        seqs.append(seq)
        return
    i = bisect_left(seqs, seq)
    if i < len(seqs) and seqs[i] == seq:  # a repeated value in an ``in`` list
        return
    seqs.insert(i, seq)
    items.insert(i, target)


def _delete(items: list[Any], seqs: list[int], seq: int) -> None:
    i = bisect_left(seqs, seq)
    if i < len(seqs) and seqs[i] == seq:
        del seqs[i]
        del items[i]


@dataclass(slots=True)
class _Path:
    getter: PathGetter
    first: list[int] = field(default_factory=list)  # registration numbers of its rules, sorted
    table: dict[object, list[Any]] = field(default_factory=dict)  # value key -> targets
    seqs: dict[object, list[int]] = field(default_factory=dict)  # value key -> their registration numbers


@dataclass(slots=True)
class _Bucket:
    residual: list[Any] = field(default_factory=list)
    residual_seqs: list[int] = field(default_factory=list)
    by_path: dict[str, _Path] = field(default_factory=dict)
    # (getter, table) per path in candidate order; rebuilt when a path appears, empties or reorders
    lookups: list[tuple[PathGetter, dict[object, list[Any]]]] = field(default_factory=list)

    def relink(self) -> None:
        order = sorted(self.by_path.values(), key=lambda p: p.first[0])
        self.lookups = [(p.getter, p.table) for p in order]


@dataclass(slots=True)
class _Entry:
    seq: int
    types: tuple[str | None, ...]
    predicate: tuple[str, tuple[Any, ...]] | None
    target: Any


# Per event type: (getter, table, None) when one indexed path decides alone, else
# (None, None, (buckets to read, whether a rule can be in both and candidates need de-duplication)).
_Plan: TypeAlias = tuple[PathGetter | None, dict[object, list[Any]] | None, tuple[tuple[_Bucket, ...], bool] | None]


class RuleIndex:
    """Maps an event to the names (or registered targets) of the rules that may match it."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._buckets: dict[str | None, _Bucket] = {}
        self._seq = 0
        # How to find an event type's candidates; cleared whenever the rules change.
        self._plans: dict[str, _Plan] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def add(
        self,
        name: str,
        event_types: Iterable[str | None],
        predicate: tuple[str, tuple[Any, ...]] | None,
        target: Any = None,
    ) -> None:
        """Register (or re-register, keeping its position) a rule; ``target`` is what :meth:`targets` yields."""
        old = self._entries.get(name)
        if old is not None:
            self._unlink(old)
            seq = old.seq
        else:
            seq = self._seq = self._seq + 1
        entry = _Entry(seq, tuple(dict.fromkeys(event_types)), predicate, name if target is None else target)
        self._entries[name] = entry
        self._link(entry)
        self._plans.clear()

    def remove(self, name: str) -> None:
        """Forget a rule (no error if unknown)."""
        entry = self._entries.pop(name, None)
        if entry is not None:
            self._unlink(entry)
            self._plans.clear()

    def _link(self, entry: _Entry) -> None:
        for event_type in entry.types:
            bucket = self._buckets.get(event_type)
            if bucket is None:
                bucket = self._buckets[event_type] = _Bucket()
            if entry.predicate is None:
                _insert(bucket.residual, bucket.residual_seqs, entry.seq, entry.target)
                continue
            path, values = entry.predicate
            node = bucket.by_path.get(path)
            if node is None:
                node = bucket.by_path[path] = _Path(compile_path(path))
            insort(node.first, entry.seq)
            for value in values:
                key = index_key(value)
                if key is not _NO_KEY:
                    if key not in node.table:
                        node.table[key], node.seqs[key] = [], []
                    _insert(node.table[key], node.seqs[key], entry.seq, entry.target)
            if node.first[0] == entry.seq:  # new path or new earliest rule: the path order may change
                bucket.relink()

    def _unlink(self, entry: _Entry) -> None:
        for event_type in entry.types:
            bucket = self._buckets.get(event_type)
            if bucket is None:
                continue
            if entry.predicate is None:
                _delete(bucket.residual, bucket.residual_seqs, entry.seq)
            else:
                path, values = entry.predicate
                node = bucket.by_path[path]
                was_first = node.first[0] == entry.seq
                node.first.remove(entry.seq)
                for value in values:
                    key = index_key(value)
                    if key in node.table:
                        _delete(node.table[key], node.seqs[key], entry.seq)
                        if not node.table[key]:
                            del node.table[key], node.seqs[key]
                if not node.first:
                    del bucket.by_path[path]
                if was_first:
                    bucket.relink()
            if not bucket.residual and not bucket.by_path:
                del self._buckets[event_type]

    def _plan(self, event_type: str) -> _Plan:
        buckets = tuple(b for b in (self._buckets.get(event_type), self._buckets.get(None)) if b is not None)
        if len(buckets) == 1 and not buckets[0].residual and len(buckets[0].lookups) == 1:
            getter, table = buckets[0].lookups[0]  # the common case: one indexed path, one read
            plan: _Plan = (getter, table, None)
        else:
            overlap = len(buckets) == 2 and any(
                event_type in e.types and None in e.types for e in self._entries.values() if len(e.types) > 1
            )
            plan = (None, None, (buckets, overlap))
        self._plans[event_type] = plan
        return plan

    def plan(self, event_type: str) -> _Plan:
        """How to find the candidates of an event type (for :meth:`targets` and the engine's inlined copy)."""
        plan = self._plans.get(event_type)
        return plan if plan is not None else self._plan(event_type)

    @property
    def plans(self) -> Mapping[str, _Plan]:
        """The plans made so far (missing ones come from :meth:`plan`); replaced when the rules change."""
        return self._plans

    def targets(self, event: Event) -> Sequence[Any]:
        """Targets of the rules worth evaluating for ``event``, each once. Do not mutate the result."""
        plan = self._plans.get(event.type)
        if plan is None:
            plan = self._plan(event.type)
        getter, table, general = plan
        if getter is not None:
            value = getter(event)
            return table.get(value if type(value) is str else index_key(value), ())  # type: ignore[union-attr]
        return self.general_targets(event, general)  # type: ignore[arg-type]

    def general_targets(self, event: Event, general: tuple[tuple[_Bucket, ...], bool]) -> list[Any]:
        """Candidates read from every bucket and path of a plan (the non-fast case of :meth:`targets`)."""
        buckets, overlap = general
        found: list[Any] = []
        for bucket in buckets:
            found += bucket.residual
            for get, values in bucket.lookups:
                hit = values.get(index_key(get(event)))
                if hit:
                    found += hit
        if overlap and len(found) > 1:
            found = list(dict.fromkeys(found))
        return found

    def candidates(self, event: Event) -> list[str]:
        """Names of the rules worth evaluating for ``event`` (each once, in registration order per bucket)."""
        names = {id(e.target): n for n, e in self._entries.items()}
        return [names[id(t)] for t in self.targets(event)]
