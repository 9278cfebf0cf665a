"""Per-rule counters and the snapshot ``GetRuleStats`` returns."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

__all__ = ["RuleStats", "RuleStatsSnapshot", "StateSize"]

_SAMPLES = 1024  # recent evaluation durations kept for the p99


@dataclass(frozen=True, slots=True)
class StateSize:
    """How much state a rule holds right now."""

    keys: int = 0
    open_windows: int = 0
    partial_matches: int = 0


@dataclass(frozen=True, slots=True)
class RuleStatsSnapshot:
    """A point-in-time copy of a rule's counters; times are seconds measured with ``perf_counter``.

    ``filter_evaluations`` counts how often the rule's filter ran: the rule index keeps it at zero for
    events that cannot match. ``evicted`` counts state dropped by bounds (keys, partial matches, windows);
    ``dropped`` counts samples that could not be used (missing or non-numeric value, full window).
    """

    rule: str
    events_evaluated: int
    filter_evaluations: int
    matches: int
    alerts_fired: int
    late_events: int
    evicted: int
    dropped: int
    eval_time_avg: float
    eval_time_p99: float
    keys: int
    open_windows: int
    partial_matches: int
    buffered_events: int
    active_alerts: int


@dataclass(slots=True)
class RuleStats:
    """Mutable counters of one rule, updated by the engine."""

    events_evaluated: int = 0
    filter_evaluations: int = 0
    matches: int = 0
    late_events: int = 0
    evicted: int = 0
    dropped: int = 0
    total_time: float = 0.0
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=_SAMPLES))

    def record_evaluation(self, seconds: float) -> None:
        """Count one evaluated event and its duration."""
        self.events_evaluated += 1
        self.total_time += seconds
        self.recent.append(seconds)

    def p99(self) -> float:
        """Nearest-rank p99 of the recent evaluation durations."""
        if not self.recent:
            return 0.0
        ordered = sorted(self.recent)
        return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]

    def to_dict(self) -> dict[str, float | int]:
        """Counters for a checkpoint (durations are not kept across restarts)."""
        return {
            "events_evaluated": self.events_evaluated,
            "filter_evaluations": self.filter_evaluations,
            "matches": self.matches,
            "late_events": self.late_events,
            "evicted": self.evicted,
            "dropped": self.dropped,
        }

    def load(self, data: dict[str, float | int]) -> None:
        """Restore counters from :meth:`to_dict`."""
        for name, value in data.items():
            setattr(self, name, int(value))
