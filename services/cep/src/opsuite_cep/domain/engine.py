"""The event-time CEP engine: routes events to rules, keeps watermarks, fires timers, checkpoints.

How a call is processed (docs/cep-semantics.md, Event time and watermarks #1-#4, Duplicates #5, Time
without events #24-#25):

0. With ``now`` (the wall clock) given, an event more than ``max_future_skew`` ahead of it is
   **refused** on its own (``refused``, with its index and reason): it never reaches dedup, a rule or a
   watermark (#25).
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

Time without events (#24): a tenant that has received no event for ``idle_timeout`` (by the clock the
caller passes to :meth:`Engine.tick`) makes progress as if an event stamped ``now - idle_timeout`` had
arrived: every rule's watermark becomes ``now - idle_timeout - lateness``, so absences, ``for`` and
timeouts fire in an outage. ``TestRule`` runs the same code on a virtual clock: the events arrive at the
time of the newest of them, then :meth:`Engine.tick` moves the virtual clock to ``advance_to``.
:meth:`Engine.flush` and :meth:`Engine.advance_to` remain for tests and tools.

Rules: each enabled, event-driven rule has its own :class:`RuleProcessor` (state partitioned by rule
and then by partition key, so replicas could later split keys). SCHEDULE and disabled rules are kept out
of the index and never see events.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping
from operator import attrgetter
from time import perf_counter
from typing import Any

from opsuite_cep.domain.absent_keys import AbsentKeysEvaluator
from opsuite_cep.domain.alerts import Silence
from opsuite_cep.domain.conditions import index_predicate
from opsuite_cep.domain.events import Event
from opsuite_cep.domain.grouping import Router
from opsuite_cep.domain.index import RuleIndex, index_key
from opsuite_cep.domain.processor import RuleProcessor
from opsuite_cep.domain.results import GroupAlert, IngestResult, RefusedEvent
from opsuite_cep.domain.routing import Routing
from opsuite_cep.domain.rules import (
    AbsenceSpec,
    AnomalySpec,
    Limits,
    Rule,
    RuleKind,
    SequenceSpec,
    ThresholdSpec,
    WindowSpec,
)
from opsuite_cep.domain.stats import RuleStatsSnapshot

__all__ = ["CHECKPOINT_VERSION", "FUTURE_TIME", "Engine", "future_skew_description"]

CHECKPOINT_VERSION = 1
#: The reason code of an event refused for being too far ahead of the wall clock.
FUTURE_TIME = "FUTURE_TIME"


def future_skew_description(ahead: float, bound: float) -> str:
    """Why an event ``ahead`` seconds ahead of the clock was refused (bound ``bound`` seconds)."""
    return (
        f"the event time is {ahead:.3f}s ahead of the server's clock, more than max_future_skew ({bound:g}s): "
        "check the sender's clock and the time units (seconds, not milliseconds); send it again with its real time"
    )


class _Dedup:
    """Remembers event ids for a bounded span of event time and a bounded count (first arrival wins)."""

    def __init__(self, retention: float, max_ids: int) -> None:
        self.retention, self.max_ids = retention, max_ids
        self.ids: dict[str, float] = {}
        self.heap: list[tuple[float, str]] = []

    def evict(self, max_time: float) -> None:
        """Forget ids older than the retention and, beyond ``max_ids``, the oldest ones."""
        horizon = max_time - self.retention
        ids, heap = self.ids, self.heap
        while heap and (len(ids) >= self.max_ids or heap[0][0] < horizon):
            _, old = heapq.heappop(heap)
            ids.pop(old, None)

    def seen(self, event: Event, max_time: float) -> bool:
        """True if ``event.id`` arrived before; otherwise remember it."""
        self.evict(max_time)
        if event.id in self.ids:
            return True
        self.ids[event.id] = event.time
        heapq.heappush(self.heap, (event.time, event.id))
        return False

    def snapshot(self) -> list[list[Any]]:
        """Remembered ids as ``[id, time]`` pairs."""
        return [[i, t] for i, t in self.ids.items()]

    def restore(self, pairs: Iterable[list[Any]]) -> None:
        """Replace remembered ids."""
        self.ids = {str(i): float(t) for i, t in pairs}
        self.heap = [(t, i) for i, t in self.ids.items()]
        heapq.heapify(self.heap)


_BY_ORDER = attrgetter("order")  # the engine advances rules in the order they were added


def _routing(rule: Rule) -> tuple[list[str | None], tuple[str, tuple[Any, ...]] | None]:
    """The event types a rule listens to and the equality its filter implies (for the index)."""
    spec = rule.spec
    if isinstance(spec, ThresholdSpec | WindowSpec | AnomalySpec):
        return [rule.event_type], index_predicate(spec.where)
    steps = spec.steps if isinstance(spec, SequenceSpec) else (spec.trigger, spec.expected)  # type: ignore[union-attr]
    return [s.event_type or rule.event_type for s in steps if s is not None], None


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
        idle_timeout: float | None = None,
        max_future_skew: float | None = None,
        owns_key: Callable[[str], bool] | None = None,
        routing: Routing | None = None,
    ) -> None:
        """``clock`` times evaluations (stats); ``idle_timeout`` (None: no idle progress) and
        ``max_future_skew`` (None: no bound) are the tenant's time policy (#24, #25). ``owns_key`` picks
        the expected keys this engine watches (a partition's keys; None: all of them, #27). ``routing``: the
        tenant's routing tree, groups and inhibition (docs/cep-semantics.md, Routes and groups #31-#35)."""
        self.limits = limits or Limits()
        self.owns_key = owns_key
        self.allowed_lateness = allowed_lateness
        self.idle_timeout = idle_timeout
        self.max_future_skew = max_future_skew
        #: When the last event arrived (wall or virtual clock); None until an event or a tick.
        self.last_arrival: float | None = None
        self._clock = clock
        self._silences: list[Silence] = list(silences)
        #: Groups alerts along the tenant's routing tree (it keeps nothing while the tenant has none).
        self.router = Router(routing, self._silences)
        self._processors: dict[str, RuleProcessor] = {}
        self._order = 0
        # Rules with buffered events or timers after the last call: the only ones a call advances
        # besides those it gave events to (idle rules cost nothing per call).
        self._busy: dict[RuleProcessor, None] = {}
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
        self._order += 1
        processor.order = self._order
        self._processors[rule.name] = processor
        types, predicate = _routing(rule)
        self._index.add(rule.name, types, predicate, processor)
        spec = rule.spec
        if isinstance(spec, AbsenceSpec) and spec.expected_keys is not None and spec.expected_keys.keys:
            self.set_expected_keys(rule.name, spec.expected_keys.keys)

    def set_expected_keys(self, rule: str, keys: Iterable[str]) -> bool:
        """Replace the keys an ABSENCE rule with ``expected_keys`` watches (those ``owns_key`` accepts);
        False for another rule. New keys start at the rule's next progress (#27)."""
        processor = self._processors.get(rule)
        evaluator = processor.evaluator if processor is not None else None
        if processor is None or not isinstance(evaluator, AbsentKeysEvaluator):
            return False
        owns = self.owns_key
        evaluator.set_keys(keys if owns is None else (k for k in keys if owns(k)))
        if processor.busy:
            self._busy[processor] = None
        return True

    def expected_keys(self, rule: str) -> list[str] | None:
        """The keys an ABSENCE rule with ``expected_keys`` watches here; None for another rule."""
        processor = self._processors.get(rule)
        evaluator = processor.evaluator if processor is not None else None
        return evaluator.keys() if isinstance(evaluator, AbsentKeysEvaluator) else None

    def remove_rule(self, name: str) -> None:
        """Remove a rule and its state. Its open alerts stay in storage; resolve them there."""
        processor = self._processors.pop(name, None)
        if processor is not None:
            self._index.remove(name)
            self._busy.pop(processor, None)

    def set_silences(self, silences: Iterable[Silence]) -> None:
        """Replace the active silences (shared by every rule; checked at notification time)."""
        self._silences[:] = list(silences)
        self.router.silences_changed()

    def set_routing(self, routing: Routing | None) -> bool:
        """Replace the routing config: the alerts are grouped again (:meth:`Router.reconfigure`). False, and
        nothing done, when its revision is the one in use."""
        current = self.router.routing
        if (routing.revision if routing else "") == (current.revision if current else ""):
            return False
        if current is None:  # without a config the router kept nothing: the trackers know what fires
            self.router.seed(
                GroupAlert(fp, p.rule.name, str(p.rule.severity), labels, annotations, values, starts)
                for p in self._processors.values()
                for fp, labels, annotations, values, starts in p.alerts.firing()
            )
        self.router.reconfigure(routing)
        return True

    def forget_alert(self, rule: str, fingerprint: str) -> bool:
        """Drop an alert's engine state after an operator resolved it, so it can fire again."""
        processor = self._processors.get(rule)
        self.router.forget(fingerprint, self.watermark)
        return processor is not None and processor.alerts.forget(fingerprint)

    # ------------------------------------------------------------------------------------- time
    @property
    def watermark(self) -> float | None:
        """The engine-level watermark (default lateness); None before the first event."""
        w = max(self._max_time - self.allowed_lateness, self._floor)
        return None if w == -math.inf else w

    def _watermark(self, processor: RuleProcessor) -> float:
        return max(self._max_time - processor.lateness, self._floor)

    def rule_watermark(self, rule: str) -> float | None:
        """One rule's watermark (its own lateness); None before the first event or for an unknown rule."""
        processor = self._processors.get(rule)
        if processor is None:
            return None
        w = max(self._watermark(processor), processor.watermark)
        return None if w == -math.inf else w

    def ingest(
        self, events: Iterable[Event], *, now: float | None = None, arrived_at: float | None = None
    ) -> IngestResult:
        """Refuse, dedup, route, late-check and buffer each event in call order, then advance every rule.

        ``now`` is the wall clock: events more than ``max_future_skew`` ahead of it are refused (no
        bound without it). ``arrived_at`` is when the events arrived, for idle progress (``now`` by
        default; TestRule passes its virtual clock). Without either, arrival is not tracked.
        """
        out = IngestResult()
        index = self._index
        plans = index.plans
        dedup = self._dedup
        ids, heap, retention, max_ids = dedup.ids, dedup.heap, dedup.retention, dedup.max_ids
        busy = self._busy
        max_time, floor = self._max_time, self._floor
        late_events = out.late_events
        skew = self.max_future_skew
        bounded = now is not None and skew is not None
        clock = now if now is not None else 0.0
        horizon = clock + (skew or 0.0) if bounded else math.inf
        accepted = late = 0
        for position, event in enumerate(events):
            if event.time > horizon:  # refused on its own: no dedup entry, no watermark move (#25)
                reason = future_skew_description(event.time - clock, skew or 0.0)
                out.refused.append(RefusedEvent(position, event, FUTURE_TIME, reason))
                continue
            # _Dedup.seen, inlined (this loop runs once per event)
            if heap and (len(ids) >= max_ids or heap[0][0] < max_time - retention):
                dedup.evict(max_time)
            eid, t = event.id, event.time
            if eid in ids:
                self.duplicates += 1
                out.duplicate_events.append(event)
                continue
            ids[eid] = t
            heapq.heappush(heap, (t, eid))
            # RuleIndex.targets, inlined
            plan = plans.get(event.type) or index.plan(event.type)
            getter, table, general = plan
            if getter is not None:
                value = getter(event)
                found = table.get(value if type(value) is str else index_key(value), ())  # type: ignore[union-attr]
            else:
                found = index.general_targets(event, general)  # type: ignore[arg-type]
            lates, used = len(late_events), False
            for processor in found:
                if processor.route(event, max_time, floor, out):
                    used = True
                    if processor not in busy:
                        busy[processor] = None
            if used or len(late_events) == lates:
                accepted += 1
            else:
                late += 1  # late for every rule it reached
            if t > max_time:
                max_time = self._max_time = t
        out.accepted, out.late = accepted, late
        arrival = arrived_at if arrived_at is not None else now
        if arrival is not None and (accepted or late):
            self.last_arrival = arrival if self.last_arrival is None else max(self.last_arrival, arrival)
        self._advance_all(out)
        return out

    def tick(self, now: float) -> IngestResult:
        """The clock reads ``now`` (wall or virtual): idle progress (#24).

        Once no event has arrived for ``idle_timeout``, event time moves on as if an event stamped
        ``now - idle_timeout`` had arrived: each rule's watermark becomes at least ``now - idle_timeout -
        lateness``, and the timers and buffered events it passes are applied. Idle time counts from the
        last arrival, or from the first tick when no event has arrived since the engine was built.
        """
        if self.idle_progress_due(now):
            return self.idle_advance(now)
        if self.idle_timeout is not None and self.last_arrival is None:
            self.last_arrival = now
        out = IngestResult()
        out.watermark = self.watermark
        return out

    def idle_progress_due(self, now: float) -> bool:
        """Whether a tick at ``now`` moves event time (the host logs such a tick before applying it)."""
        return (
            self.idle_timeout is not None
            and self.last_arrival is not None
            and now - self.last_arrival >= self.idle_timeout
            and now - self.idle_timeout > self._max_time
        )

    def idle_advance(self, now: float) -> IngestResult:
        """The progress of an idle tick at ``now``, applied unconditionally (a replayed ``tick`` record:
        the decision that time moves was taken, and logged, when the tick happened)."""
        out = IngestResult()
        if self.idle_timeout is not None and now - self.idle_timeout > self._max_time:
            self._max_time = now - self.idle_timeout
            self._advance_all(out)
        else:
            out.watermark = self.watermark
        return out

    def idle(self, now: float) -> bool:
        """Whether idle progress drives this engine's time at ``now``."""
        return (
            self.idle_timeout is not None
            and self.last_arrival is not None
            and now - self.last_arrival >= self.idle_timeout
        )

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
        # Only rules with buffered events or timers can change; advance them in rule order.
        busy = self._busy
        buffered = 0
        if busy:
            still: dict[RuleProcessor, None] = {}
            max_time, floor = self._max_time, self._floor
            for processor in sorted(busy, key=_BY_ORDER) if len(busy) > 1 else list(busy):
                w = max_time - processor.lateness
                processor.advance(w if w > floor else floor, out)
                if processor.busy:
                    still[processor] = None
                    buffered += processor.buffered
            self._busy = still
        out.buffered = buffered
        out.watermark = self.watermark
        self.router.advance(out.transitions, out.watermark, out)

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
            "router": self.router.snapshot(),
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
        self._busy = {p: None for p in self._processors.values() if p.busy}
        self.router.restore(snapshot.get("router"))
        return skipped
