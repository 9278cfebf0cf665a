"""One rule's runtime: its watermark, event buffer, timers, evaluator, alerts and stats.

Events are buffered and applied in event-time order once the rule's watermark reaches them
(CEP_SEMANTICS #3); due timers fire in deadline order and before events with the same timestamp (#4).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping, Sequence
from time import perf_counter
from typing import Any

from opsuite_cep.domain.alerts import AlertTracker, Silence
from opsuite_cep.domain.conditions import Predicate, compile_condition
from opsuite_cep.domain.evaluator import Evaluator
from opsuite_cep.domain.events import Event
from opsuite_cep.domain.results import IngestResult, LateEvent
from opsuite_cep.domain.rules import AnomalySpec, Limits, Rule, RuleKind, ThresholdSpec, WindowSpec
from opsuite_cep.domain.stats import RuleStats, RuleStatsSnapshot
from opsuite_cep.domain.timers import EVENT_PHASE, TimerQueue

__all__ = ["RuleProcessor"]


def _evaluator_class(kind: RuleKind) -> type[Evaluator]:
    # Imported lazily: the kind modules import this package's base classes.
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
    return classes[kind]


class RuleProcessor:
    """Runtime state of one event-driven rule."""

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
        self.stats = RuleStats()
        self.alerts = AlertTracker(rule, self.timers, silences)
        self.evaluator = _evaluator_class(rule.kind)(rule, limits, self.timers, self.alerts, self.stats)
        self.watermark = -math.inf
        self._buffer: list[tuple[float, int, Event]] = []
        self._seq = 0
        self._clock = clock
        spec = rule.spec
        where = spec.where if isinstance(spec, ThresholdSpec | WindowSpec | AnomalySpec) else None
        self._filter: Predicate | None = compile_condition(where) if where is not None else None

    @property
    def busy(self) -> bool:
        """Whether buffered events or timers may need the watermark to move."""
        return bool(self._buffer) or bool(len(self.timers))

    @property
    def buffered(self) -> int:
        """Events accepted but not yet applied."""
        return len(self._buffer)

    def accepts(self, event: Event) -> bool:
        """Run the rule's ``where`` filter (counted, so tests can see the index skip a rule)."""
        if self._filter is None:
            return True
        self.stats.filter_evaluations += 1
        return self._filter(event, {})

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
        limit = self.watermark
        evaluator, timers, buffer = self.evaluator, self.timers, self._buffer
        while True:
            timer = timers.peek()
            timer_due = timer is not None and timer.deadline <= limit
            event_due = bool(buffer) and buffer[0][0] <= limit
            if not timer_due and not event_due:
                return
            if timer_due and (not event_due or (timer.deadline, timer.phase) < (buffer[0][0], EVENT_PHASE)):  # type: ignore[union-attr]
                due = timers.pop()
                if due.kind in _ALERT_TIMERS:
                    self.alerts.on_timer(due, out)
                else:
                    evaluator.on_timer(due, out)
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
            buffered_events=len(self._buffer),
            active_alerts=len(self.alerts),
        )

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable runtime state (buffer, timers, evaluator, alerts, counters)."""
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

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace the runtime state from :meth:`snapshot`."""
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
