"""One rule's runtime: its watermark, event buffer, timers, evaluator, alerts and stats.

Events are buffered and applied in event-time order once the rule's watermark reaches them
(docs/cep-semantics.md, Event time and watermarks #3); due timers fire in deadline order and before
events with the same timestamp (#4).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping, Sequence
from time import perf_counter
from types import MappingProxyType
from typing import Any

from opsuite_cep.domain.alerts import AlertTracker, Silence
from opsuite_cep.domain.conditions import Predicate, compile_condition
from opsuite_cep.domain.evaluator import Evaluator
from opsuite_cep.domain.events import Event
from opsuite_cep.domain.results import IngestResult, LateEvent
from opsuite_cep.domain.rules import AbsenceSpec, AnomalySpec, Limits, Rule, RuleKind, ThresholdSpec, WindowSpec
from opsuite_cep.domain.stats import RuleStats, RuleStatsSnapshot
from opsuite_cep.domain.timers import EVENT_PHASE, Timer, TimerQueue

__all__ = ["RuleProcessor"]


def _evaluator_class(kind: RuleKind, spec: object = None) -> type[Evaluator]:
    # Imported lazily: the kind modules import this package's base classes.
    from opsuite_cep.domain.absent_keys import AbsentKeysEvaluator
    from opsuite_cep.domain.anomaly import AnomalyEvaluator
    from opsuite_cep.domain.sequences import AbsenceEvaluator, SequenceEvaluator
    from opsuite_cep.domain.threshold import ThresholdEvaluator
    from opsuite_cep.domain.windows import WindowEvaluator

    classes: dict[RuleKind, type[Evaluator]] = {
        RuleKind.THRESHOLD: ThresholdEvaluator,
        RuleKind.WINDOW: WindowEvaluator,
        RuleKind.SEQUENCE: SequenceEvaluator,
        RuleKind.ABSENCE: AbsenceEvaluator,
        RuleKind.ANOMALY: AnomalyEvaluator,
    }
    if kind not in classes:
        raise ValueError(f"{kind} rules are run by the scheduler, not by the event engine")
    if isinstance(spec, AbsenceSpec) and spec.expected_keys is not None:
        return AbsentKeysEvaluator
    return classes[kind]


_NO_BINDINGS: Mapping[str, Event] = MappingProxyType({})
_SAMPLE_MASK = 15  # on the in-order path every 16th evaluation is timed on its own (for the p99)


class RuleProcessor:
    """Runtime state of one event-driven rule.

    Two buffers: with an allowed lateness of 0 (the default) an on-time event is never older than any
    event seen before it, so the rule's events arrive in event-time order and are kept in a plain list
    (``_pending``, applied in full by the next :meth:`advance`); otherwise, or while events restored
    from a checkpoint wait, a heap ordered by ``(time, arrival)``.
    """

    def __init__(
        self,
        rule: Rule,
        limits: Limits,
        default_lateness: float,
        silences: Sequence[Silence],
        clock: Callable[[], float] = perf_counter,
    ) -> None:
        self.rule = rule
        self.lateness = rule.allowed_lateness if rule.allowed_lateness is not None else default_lateness
        self.timers = TimerQueue()
        self._timer_heap = self.timers.heap
        self.stats = RuleStats()
        self.alerts = AlertTracker(rule, self.timers, silences)
        self.evaluator = _evaluator_class(rule.kind, rule.spec)(rule, limits, self.timers, self.alerts, self.stats)
        self.watermark = -math.inf
        self._buffer: list[tuple[float, int, Event]] = []
        self._pending: list[Event] = []
        self._in_order = self.lateness <= 0
        self._seq = 0
        self._sampled = 0
        self._clock = clock
        self.order = 0  # position among the engine's rules (the engine advances rules in this order)
        self.queued = False  # set by the engine while the rule is on its list of rules to advance
        spec = rule.spec
        where = spec.where if isinstance(spec, ThresholdSpec | WindowSpec | AnomalySpec) else None
        self._filter: Predicate | None = compile_condition(where) if where is not None else None

    @property
    def busy(self) -> bool:
        """Whether buffered events, timers or the evaluator's pending work may need the watermark to move."""
        return bool(self._buffer or self._pending or self._timer_heap or self.evaluator.pending)

    @property
    def buffered(self) -> int:
        """Events accepted but not yet applied."""
        return len(self._buffer) + len(self._pending)

    def accepts(self, event: Event) -> bool:
        """Run the rule's ``where`` filter (counted, so tests can see the index skip a rule)."""
        if self._filter is None:
            return True
        self.stats.filter_evaluations += 1
        return self._filter(event, _NO_BINDINGS)

    def route(self, event: Event, max_time: float, floor: float, out: IngestResult) -> bool:
        """Filter, late-check and buffer one event (:meth:`accepts` then :meth:`offer`); True if buffered.

        ``max_time`` is the engine's max event time before this event, ``floor`` its virtual-time floor.
        """
        f = self._filter
        if f is not None:
            self.stats.filter_evaluations += 1
            if not f(event, _NO_BINDINGS):
                return False
        w = max_time - self.lateness
        if w < floor:
            w = floor
        if self.watermark > w:
            w = self.watermark
        t = event.time
        if t < w:
            self.stats.late_events += 1
            out.late_events.append(LateEvent(event, self.rule.name, w))
            return False
        self._seq += 1  # numbered like a heap entry so that a spill to the heap keeps arrival order
        if self._in_order and not self._buffer:
            self._pending.append(event)
        else:
            heapq.heappush(self._buffer, (t, self._seq, event))
        return True

    def offer(self, event: Event, watermark: float, out: IngestResult) -> bool:
        """Buffer an on-time event; report it in ``out.late_events`` if ``time < watermark`` (#1, #2)."""
        if event.time < max(watermark, self.watermark):
            self.stats.late_events += 1
            out.late_events.append(LateEvent(event, self.rule.name, max(watermark, self.watermark)))
            return False
        self._seq += 1
        heapq.heappush(self._buffer, (event.time, self._seq, event))
        return True

    def advance(self, watermark: float, out: IngestResult) -> None:
        """Move the watermark forward and apply every due timer and buffered event in order."""
        if watermark > self.watermark:
            self.watermark = watermark
        self.timers.horizon = self.watermark
        pending = self._pending
        if self.evaluator.pending and self.watermark > -math.inf:
            self._catch_up(out)
        if pending:
            if self._buffer or pending[-1].time > self.watermark:  # not all due: use the general path
                self._spill()
            else:
                # Every pending event is due and they are in event-time order: apply them in one pass,
                # due timers in between (#4). The evaluation time is measured once for the whole list
                # (for the average); every 16th evaluation is also timed on its own (the p99 sample).
                self._pending = []
                self._apply_in_order(pending, out)
        if self._buffer or self._timer_heap:
            self._advance_general(out)

    def _catch_up(self, out: IngestResult) -> None:
        """The evaluator's pending work, at the first event this advance applies or else the watermark."""
        at = self.watermark
        if self._pending and self._pending[0].time < at:
            at = self._pending[0].time
        if self._buffer and self._buffer[0][0] < at:
            at = self._buffer[0][0]
        self.evaluator.catch_up(at, out)

    def _apply_in_order(self, events: list[Event], out: IngestResult) -> None:
        clock = self._clock
        stats = self.stats
        theap = self._timer_heap
        on_event = self.evaluator.on_event
        sampled = self._sampled
        started = clock()
        for event in events:
            if theap:
                head = theap[0]
                t = event.time
                if head.deadline < t or (head.deadline == t and head.phase < EVENT_PHASE):
                    self._fire_timers(t, out)
            sampled += 1
            if sampled & _SAMPLE_MASK:
                on_event(event, out)
            else:
                one = clock()
                on_event(event, out)
                stats.recent.append(clock() - one)
        elapsed = clock() - started
        self._sampled = sampled
        stats.events_evaluated += len(events)
        stats.total_time += elapsed
        if not stats.recent:  # a first sample, so that the p99 exists from the first evaluation on
            stats.recent.append(elapsed / len(events))

    def _fire_timers(self, before: float, out: IngestResult) -> None:
        """Fire the timers ordered before events at ``before`` (deadline < before, or == before and BEFORE)."""
        timers = self.timers
        theap = self._timer_heap
        while theap:
            head = theap[0]
            if head.deadline > before or (head.deadline == before and head.phase >= EVENT_PHASE):
                return
            self._on_timer(timers.pop(), out)

    def _on_timer(self, due: Timer, out: IngestResult) -> None:
        if due.kind in _ALERT_TIMERS:
            self.alerts.on_timer(due, out)
        else:
            self.evaluator.on_timer(due, out)

    def _advance_general(self, out: IngestResult) -> None:
        limit = self.watermark
        evaluator, timers, buffer = self.evaluator, self.timers, self._buffer
        while True:
            timer = timers.peek()
            timer_due = timer is not None and timer.deadline <= limit
            event_due = bool(buffer) and buffer[0][0] <= limit
            if not timer_due and not event_due:
                return
            if timer_due and (not event_due or (timer.deadline, timer.phase) < (buffer[0][0], EVENT_PHASE)):  # type: ignore[union-attr]
                self._on_timer(timers.pop(), out)
            else:
                _, _, event = heapq.heappop(buffer)
                started = self._clock()
                evaluator.on_event(event, out)
                self.stats.record_evaluation(self._clock() - started)

    def stats_snapshot(self) -> RuleStatsSnapshot:
        """Counters plus current state sizes."""
        size = self.evaluator.state_size()
        s = self.stats
        return RuleStatsSnapshot(
            rule=self.rule.name,
            events_evaluated=s.events_evaluated,
            filter_evaluations=s.filter_evaluations,
            matches=s.matches,
            alerts_fired=self.alerts.fired,
            late_events=s.late_events,
            evicted=s.evicted,
            dropped=s.dropped,
            eval_time_avg=s.total_time / s.events_evaluated if s.events_evaluated else 0.0,
            eval_time_p99=s.p99(),
            keys=size.keys,
            open_windows=size.open_windows,
            partial_matches=size.partial_matches,
            buffered_events=self.buffered,
            active_alerts=len(self.alerts),
        )

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable runtime state (buffer, timers, evaluator, alerts, counters)."""
        self._spill()
        return {
            "revision": self.rule.revision,
            "watermark": None if self.watermark == -math.inf else self.watermark,
            "seq": self._seq,
            "buffer": [[t, seq, e.to_dict()] for t, seq, e in sorted(self._buffer, key=lambda x: x[:2])],
            "timers": self.timers.snapshot(),
            "evaluator": self.evaluator.snapshot(),
            "alerts": self.alerts.snapshot(),
            "fired": self.alerts.fired,
            "stats": self.stats.to_dict(),
        }

    def _spill(self) -> None:
        """Move in-order pending events to the heap (they are numbered as the heap path would have)."""
        base = self._seq - len(self._pending)
        for i, event in enumerate(self._pending, start=1):
            heapq.heappush(self._buffer, (event.time, base + i, event))
        self._pending = []

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace the runtime state from :meth:`snapshot`."""
        self._pending = []
        self.watermark = -math.inf if data["watermark"] is None else float(data["watermark"])
        self._seq = int(data["seq"])
        self._buffer = [(float(t), int(seq), Event.from_dict(e)) for t, seq, e in data["buffer"]]
        heapq.heapify(self._buffer)
        self.timers.restore(data["timers"])
        self.evaluator.restore(data["evaluator"])
        self.alerts.restore(data["alerts"])
        self.alerts.fired = int(data["fired"])
        self.stats.load(data["stats"])


_ALERT_TIMERS = frozenset({"for", "keep", "resolve", "repeat"})
