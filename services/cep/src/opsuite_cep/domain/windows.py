"""WINDOW rules: tumbling, sliding (= hopping) and session windows per group (docs/cep-semantics.md, Windows #14-#18).

* Time windows are ``[start, end)``, aligned to the epoch; a window closes when ``W >= end`` and is
  evaluated at ``fires_at = end``. A sliding window is ``(size, slide)``; tumbling is ``slide = size``.
* Sessions: an event at ``t <= last + gap`` extends the session (inclusive gap); it closes when
  ``W >= last + gap`` and is evaluated at ``last + gap``. The close timer fires *after* events with the
  same timestamp so that the inclusive gap holds (the one exception to #4, required by #16).
* Each closed window of a group is one alert evaluation (``aggregate op threshold``). For a group with
  an active alert, a tumbling/sliding boundary without a window for that group is an empty window and
  counts as not met (#17), so it resolves the alert (or starts ``keep_firing_for``).
* Bounds: ``max_keys_per_rule`` groups (least recently updated evicted), ``max_open_windows`` windows
  (new ones refused), ``max_window_values`` samples per percentile window; all counted in stats.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from opsuite_cep.domain.aggregates import COMPARE, Accumulator
from opsuite_cep.domain.evaluator import Evaluator, GroupKey
from opsuite_cep.domain.events import Event, compile_path
from opsuite_cep.domain.results import IngestResult
from opsuite_cep.domain.rules import Aggregate, WindowSpec, WindowType
from opsuite_cep.domain.stats import StateSize
from opsuite_cep.domain.timers import AFTER_EVENTS, Timer

__all__ = ["WindowEvaluator"]


@dataclass(slots=True)
class _Session:
    start: float
    last: float
    acc: Accumulator


class WindowEvaluator(Evaluator):
    """Aggregates events into windows per group and evaluates each window when it closes."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        spec = self.rule.spec
        assert isinstance(spec, WindowSpec)
        self.spec = spec
        self._groups = GroupKey(spec.group_by)
        self._value = compile_path(spec.field) if spec.field else None
        self._compare = COMPARE[spec.op]
        self._percentile = spec.aggregate in (Aggregate.P95, Aggregate.P99)
        self._labels: OrderedDict[str, dict[str, str]] = OrderedDict()  # group key -> labels, LRU order
        self._windows: dict[str, dict[float, Accumulator]] = {}  # group key -> start -> accumulator
        self._by_end: dict[float, list[str]] = {}
        self._scheduled: set[float] = set()
        self._sessions: dict[str, _Session] = {}
        self._open = 0

    # ------------------------------------------------------------------------------------- events
    def on_event(self, event: Event, out: IngestResult) -> None:
        """Add the event to every window of its group that contains its time."""
        sample = 1.0
        if self._value is not None:
            raw = self._value(event)
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                self.stats.dropped += 1  # missing or non-numeric: nothing to aggregate
                return
            sample = float(raw)
        labels = self._groups.labels(event)
        key = GroupKey.key(labels)
        self._touch(key, labels)
        if self.spec.window is WindowType.SESSION:
            self._add_to_session(key, event.time, sample)
        else:
            self._add_to_windows(key, event.time, sample)

    def _touch(self, key: str, labels: dict[str, str]) -> None:
        if key in self._labels:
            self._labels.move_to_end(key)
            return
        if len(self._labels) >= self.limits.max_keys_per_rule:
            old, _ = self._labels.popitem(last=False)
            dropped = len(self._windows.pop(old, {})) + (1 if self._sessions.pop(old, None) else 0)
            self._open -= dropped
            self.stats.evicted += dropped
        self._labels[key] = labels

    def _starts(self, t: float) -> list[float]:
        size, slide = self.spec.size, self.spec.slide
        start = math.floor(t / slide) * slide
        starts = []
        while start > t - size:
            starts.append(start)
            start -= slide
        return starts

    def _add_to_windows(self, key: str, t: float, sample: float) -> None:
        windows = self._windows.setdefault(key, {})
        for start in self._starts(t):
            acc = windows.get(start)
            if acc is None:
                if self._open >= self.limits.max_open_windows:
                    self.stats.evicted += 1
                    continue
                acc = windows[start] = Accumulator(self._percentile)
                self._open += 1
                end = start + self.spec.size
                self._by_end.setdefault(end, []).append(key)
                self._schedule_boundary(end)
            if not acc.add(sample, self.limits.max_window_values):
                self.stats.dropped += 1

    def _schedule_boundary(self, end: float) -> None:
        if end not in self._scheduled:
            self._scheduled.add(end)
            self.timers.schedule(end, "window", "", end)

    def _add_to_session(self, key: str, t: float, sample: float) -> None:
        session = self._sessions.get(key)
        if session is None:
            session = self._sessions[key] = _Session(t, t, Accumulator(self._percentile))
            self._open += 1
        session.last = max(session.last, t)
        if not session.acc.add(sample, self.limits.max_window_values):
            self.stats.dropped += 1
        self.timers.schedule(session.last + self.spec.gap, "session", key, session.last, phase=AFTER_EVENTS)

    # ------------------------------------------------------------------------------------- timers
    def on_timer(self, timer: Timer, out: IngestResult) -> None:
        """Close the windows ending at a boundary, or a session whose gap expired."""
        if timer.kind == "session":
            session = self._sessions.get(timer.key)
            if session is not None and session.last == timer.token:  # else extended since: stale timer
                del self._sessions[timer.key]
                self._open -= 1
                labels = self._labels.pop(timer.key)
                self._evaluate(labels, session.acc, session.start, timer.deadline, out)
            return
        end = float(timer.token)
        self._scheduled.discard(end)
        start = end - self.spec.size
        closed: set[str] = set()
        for key in sorted(self._by_end.pop(end, [])):  # sorted: the same order after a restore
            acc = self._windows.get(key, {}).pop(start, None)
            if acc is None:
                continue  # evicted
            self._open -= 1
            labels = self._labels[key]
            if not self._windows[key]:
                del self._windows[key]
                del self._labels[key]
            closed.add(key)
            self._evaluate(labels, acc, start, end, out)
        for labels in self.alerts.active_groups():  # empty windows of alerting groups (#17)
            if GroupKey.key(labels) not in closed:
                # the aggregate of no sample: count 0, the others None (the record carries it, #17)
                empty = Accumulator(False).result(self.spec.aggregate)
                values = {"value": empty, "count": 0, "window_start": start, "window_end": end}
                self.alerts.evaluate(labels, False, end, values, out)
        if len(self.alerts):
            self._schedule_boundary(end + self.spec.slide)

    def _evaluate(self, labels: dict[str, str], acc: Accumulator, start: float, end: float, out: IngestResult) -> None:
        value = acc.result(self.spec.aggregate)
        met = value is not None and self._compare(value, self.spec.threshold)
        values = {"value": value, "count": acc.count, "window_start": start, "window_end": end}
        if met:
            self.report_match(labels, end, (), values, out)
        self.alerts.evaluate(labels, met, end, values, out)

    # ------------------------------------------------------------------------------------- state
    def state_size(self) -> StateSize:
        """Groups with state and open windows (sessions included)."""
        return StateSize(keys=len(self._labels), open_windows=self._open)

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable window state."""
        return {
            "labels": [[k, v] for k, v in self._labels.items()],
            "windows": {k: [[s, a.to_list()] for s, a in w.items()] for k, w in self._windows.items()},
            "sessions": {k: [s.start, s.last, s.acc.to_list()] for k, s in self._sessions.items()},
            "scheduled": sorted(self._scheduled),
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace window state from :meth:`snapshot`."""
        self._labels = OrderedDict((k, dict(v)) for k, v in data["labels"])
        self._windows = {k: {float(s): Accumulator.from_list(a) for s, a in w} for k, w in data["windows"].items()}
        self._sessions = {
            k: _Session(float(s), float(last), Accumulator.from_list(a)) for k, (s, last, a) in data["sessions"].items()
        }
        self._scheduled = {float(x) for x in data["scheduled"]}
        self._by_end = {}
        for key, windows in self._windows.items():
            for start in windows:
                self._by_end.setdefault(start + self.spec.size, []).append(key)
        self._open = sum(len(w) for w in self._windows.values()) + len(self._sessions)
