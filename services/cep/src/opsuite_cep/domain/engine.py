"""The event-time CEP engine: routes events to rules, keeps watermarks, fires timers, checkpoints.

How a call is processed (CEP_SEMANTICS #1-#5):

1. For each event **in call order**: a repeated ``id`` (within ``Limits.dedup_retention`` seconds of event
   time and ``max_dedup_ids``) is listed in ``duplicate_events`` and ignored (#5). Otherwise the rule
   index picks candidate rules, each runs its filter, and the event is late for a rule iff
   ``time < W_rule`` where ``W_rule = max(max event time seen so far, earlier events of the same call
   included) - allowed_lateness`` (#1); late events go to ``late_events`` and are never used (#2).
   On-time events are buffered.
2. Then every rule with work advances to its new watermark: due timers and buffered events are applied
   in ``(time, timers first)`` order (#3, #4).

What "processed" means: when ``ingest`` returns, every accepted event with ``time <= W_rule`` has been
applied and its matches/alert transitions are in the result. With ``allowed_lateness = 0`` that is every
accepted event of the call. With a lateness ``L > 0`` events newer than ``max - L`` stay **buffered**
(``IngestResult.buffered``) and are applied by a later call once the watermark passes them; they are part
of :meth:`Engine.snapshot`, so a planned restart loses none. The production servicer therefore reports
"accepted" events as committed: their effects are written by whichever call applies them.
``TestRule`` calls :meth:`Engine.flush` after ingesting (apply everything buffered) and optionally
:meth:`Engine.advance_to` a virtual end time so that absences, ``for``, ``resolve_timeout`` fire.

Rules: each enabled, event-driven rule has its own :class:`RuleProcessor` (state partitioned by rule
and then by partition key, so replicas could later split keys). SCHEDULE and disabled rules are kept out
of the index and never see events.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping
from time import perf_counter
from typing import Any

from opsuite_cep.domain.alerts import Silence
from opsuite_cep.domain.conditions import index_predicate
from opsuite_cep.domain.events import Event
from opsuite_cep.domain.index import RuleIndex
from opsuite_cep.domain.processor import RuleProcessor
from opsuite_cep.domain.results import IngestResult
from opsuite_cep.domain.rules import (
    AnomalySpec,
    Limits,
    Rule,
    RuleKind,
    SequenceSpec,
    ThresholdSpec,
    WindowSpec,
)
from opsuite_cep.domain.stats import RuleStatsSnapshot

__all__ = ["CHECKPOINT_VERSION", "Engine"]

CHECKPOINT_VERSION = 1


class _Dedup:
    """Remembers event ids for a bounded span of event time and a bounded count (first arrival wins)."""

    def __init__(self, retention: float, max_ids: int) -> None:
        self.retention, self.max_ids = retention, max_ids
        self._ids: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []

    def seen(self, event: Event, max_time: float) -> bool:
        """True if ``event.id`` arrived before; otherwise remember it."""
        horizon = max_time - self.retention
        while self._heap and (len(self._ids) >= self.max_ids or self._heap[0][0] < horizon):
            _, old = heapq.heappop(self._heap)
            self._ids.pop(old, None)
        if event.id in self._ids:
            return True
        self._ids[event.id] = event.time
        heapq.heappush(self._heap, (event.time, event.id))
        return False

    def snapshot(self) -> list[list[Any]]:
        """Remembered ids as ``[id, time]`` pairs."""
        return [[i, t] for i, t in self._ids.items()]

    def restore(self, pairs: Iterable[list[Any]]) -> None:
        """Replace remembered ids."""
        self._ids = {str(i): float(t) for i, t in pairs}
        self._heap = [(t, i) for i, t in self._ids.items()]
        heapq.heapify(self._heap)


def _routing(rule: Rule) -> tuple[list[str | None], tuple[str, tuple[Any, ...]] | None]:
    """The event types a rule listens to and the equality its filter implies (for the index)."""
    spec = rule.spec
    if isinstance(spec, ThresholdSpec | WindowSpec | AnomalySpec):
        return [rule.event_type], index_predicate(spec.where)
    steps = spec.steps if isinstance(spec, SequenceSpec) else (spec.trigger, spec.expected)  # type: ignore[union-attr]
    return [s.event_type or rule.event_type for s in steps], None


class Engine:
    """Evaluates rules over events on event time. Not thread-safe: one engine per tenant, one caller."""

    def __init__(
        self,
        rules: Iterable[Rule] = (),
        *,
        limits: Limits | None = None,
        allowed_lateness: float = 0.0,
        silences: Iterable[Silence] = (),
        clock: Callable[[], float] = perf_counter,
    ) -> None:
        self.limits = limits or Limits()
        self.allowed_lateness = allowed_lateness
        self._clock = clock
        self._silences: list[Silence] = list(silences)
        self._processors: dict[str, RuleProcessor] = {}
        self._index = RuleIndex()
        self._dedup = _Dedup(self.limits.dedup_retention, self.limits.max_dedup_ids)
        self._max_time = -math.inf
        self._floor = -math.inf
        self.duplicates = 0
        for rule in rules:
            self.add_rule(rule)

    # ------------------------------------------------------------------------------------- rules
    @property
    def rules(self) -> list[Rule]:
        """The rules that receive events."""
        return [p.rule for p in self._processors.values()]

    def add_rule(self, rule: Rule) -> None:
        """Add or replace a rule. Replacing with a different revision discards the old rule's state.

        SCHEDULE rules and disabled rules are not added (a disabled rule's state is discarded).
        """
        old = self._processors.get(rule.name)
        if old is not None and old.rule.revision == rule.revision and rule.enabled:
            return
        self.remove_rule(rule.name)
        if not rule.enabled or rule.kind is RuleKind.SCHEDULE:
            return
        processor = RuleProcessor(rule, self.limits, self.allowed_lateness, self._silences, self._clock)
        processor.watermark = self._watermark(processor)
        self._processors[rule.name] = processor
        types, predicate = _routing(rule)
        self._index.add(rule.name, types, predicate)

    def remove_rule(self, name: str) -> None:
        """Remove a rule and its state. Its open alerts stay in storage; resolve them there."""
        if self._processors.pop(name, None) is not None:
            self._index.remove(name)

    def set_silences(self, silences: Iterable[Silence]) -> None:
        """Replace the active silences (shared by every rule; checked at notification time)."""
        self._silences[:] = list(silences)

    def forget_alert(self, rule: str, fingerprint: str) -> bool:
        """Drop an alert's engine state after an operator resolved it, so it can fire again."""
        processor = self._processors.get(rule)
        return processor is not None and processor.alerts.forget(fingerprint)

    # ------------------------------------------------------------------------------------- time
    @property
    def watermark(self) -> float | None:
        """The engine-level watermark (default lateness); None before the first event."""
        w = max(self._max_time - self.allowed_lateness, self._floor)
        return None if w == -math.inf else w

    def _watermark(self, processor: RuleProcessor) -> float:
        return max(self._max_time - processor.lateness, self._floor)

    def ingest(self, events: Iterable[Event]) -> IngestResult:
        """Dedup, route, late-check and buffer each event in call order, then advance every rule."""
        out = IngestResult()
        processors = self._processors
        for event in events:
            if self._dedup.seen(event, self._max_time):
                self.duplicates += 1
                out.duplicate_events.append(event)
                continue
            out.accepted += 1
            for name in self._index.candidates(event):
                processor = processors[name]
                if processor.accepts(event):
                    processor.offer(event, self._watermark(processor), out)
            if event.time > self._max_time:
                self._max_time = event.time
        self._advance_all(out)
        return out

    def advance_to(self, time: float) -> IngestResult:
        """Move every watermark to at least ``time`` (virtual time); fires due timers and buffered events.

        Events older than ``time`` are late afterwards.
        """
        self._floor = max(self._floor, time)
        out = IngestResult()
        self._advance_all(out)
        return out

    def flush(self) -> IngestResult:
        """Apply every buffered event, as if the lateness had run out (end of input, e.g. ``TestRule``)."""
        return self.advance_to(self._max_time) if self._max_time > -math.inf else IngestResult()

    def _advance_all(self, out: IngestResult) -> None:
        buffered = 0
        for processor in self._processors.values():
            if processor.busy:
                processor.advance(self._watermark(processor), out)
            buffered += processor.buffered
        out.buffered = buffered
        out.watermark = self.watermark

    # ------------------------------------------------------------------------------------- stats
    def stats(self, rule: str) -> RuleStatsSnapshot:
        """Counters and state size of one rule; raises KeyError for an unknown or inactive rule."""
        return self._processors[rule].stats_snapshot()

    def all_stats(self) -> list[RuleStatsSnapshot]:
        """Stats of every rule."""
        return [p.stats_snapshot() for p in self._processors.values()]

    # ------------------------------------------------------------------------------------- checkpoint
    def snapshot(self) -> dict[str, Any]:
        """All engine state as a JSON-serialisable dict (watermarks, buffers, timers, windows, partial
        matches, baselines, alerts, dedup ids, counters)."""
        return {
            "version": CHECKPOINT_VERSION,
            "max_time": None if self._max_time == -math.inf else self._max_time,
            "floor": None if self._floor == -math.inf else self._floor,
            "duplicates": self.duplicates,
            "dedup": self._dedup.snapshot(),
            "rules": {name: p.snapshot() for name, p in self._processors.items()},
        }

    def restore(self, snapshot: Mapping[str, Any]) -> list[str]:
        """Load a :meth:`snapshot` into this engine, whose rules must already be added.

        Returns the names of rules in the snapshot whose state was **not** restored because the rule is
        gone or its revision changed (their state starts empty). Raises ValueError for an unknown version.
        """
        if snapshot.get("version") != CHECKPOINT_VERSION:
            raise ValueError(f"unsupported checkpoint version {snapshot.get('version')!r}")
        self._max_time = -math.inf if snapshot["max_time"] is None else float(snapshot["max_time"])
        self._floor = -math.inf if snapshot["floor"] is None else float(snapshot["floor"])
        self.duplicates = int(snapshot["duplicates"])
        self._dedup.restore(snapshot["dedup"])
        skipped = []
        for name, state in snapshot["rules"].items():
            processor = self._processors.get(name)
            if processor is None or processor.rule.revision != state["revision"]:
                skipped.append(name)
                continue
            processor.restore(state)
        for processor in self._processors.values():
            processor.watermark = max(processor.watermark, self._watermark(processor))
        return skipped
