"""THRESHOLD rules: evaluate the condition at each in-order event of a group.

See docs/cep-semantics.md, Threshold alerts #11-#13.

An event that passed the rule's ``where`` filter is one evaluation for its group: a true condition is a
match and feeds ``AlertTracker.evaluate(met=True)``; a false one may drop a pending alert or start
``keep_firing_for``. State is the alert tracker itself (one entry per active group), plus, for a one-line
condition with window functions (``rate(x[5m]) > 1``), each group's samples (:mod:`.series`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from opsuite_cep.domain.conditions import compile_condition, referenced_paths
from opsuite_cep.domain.evaluator import Evaluator, GroupKey
from opsuite_cep.domain.events import MISSING, Event, compile_path
from opsuite_cep.domain.expr_eval import EvalFrame
from opsuite_cep.domain.results import IngestResult, Match
from opsuite_cep.domain.rules import ThresholdSpec
from opsuite_cep.domain.series import SeriesStore
from opsuite_cep.domain.stats import StateSize
from opsuite_cep.domain.timers import Timer

__all__ = ["ThresholdEvaluator"]

_NO_BINDINGS: Mapping[str, Event] = MappingProxyType({})


class ThresholdEvaluator(Evaluator):
    """Per-event condition evaluation feeding the alert state machine."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        spec = self.rule.spec
        assert isinstance(spec, ThresholdSpec)
        self._frame = EvalFrame()  # one-line leaves: window samples in, computed values ($value, rate(...)) out
        self._condition = compile_condition(spec.condition, frame=self._frame)
        frame = self._frame
        self._series = SeriesStore(frame.windows, self.limits, self.stats, frame.ordered) if frame.windows else None
        self._groups = GroupKey(spec.group_by)
        self._value_paths = [(p, compile_path(p)) for p in referenced_paths(spec.condition)]
        # without group_by every event is in the same group: one fingerprint for the rule
        self._fp0 = self.alerts.fingerprint_of({}) if not spec.group_by else None

    def on_event(self, event: Event, out: IngestResult) -> None:
        """One evaluation of the event's group."""
        alerts, frame, labels = self.alerts, self._frame, None
        if self._series is not None:  # windows: every event of a group adds its samples before the evaluation
            labels = self._groups.labels(event)
            frame.series, frame.now = self._series.update(GroupKey.key(labels), event), event.time
        if frame.results:
            frame.results.clear()
        if not self._condition(event, _NO_BINDINGS):
            # A false evaluation only matters to a group with an active alert (drop pending, keep, resolve).
            if alerts.active:
                labels = labels if labels is not None else self._groups.labels(event)
                fp = self._fp0 if self._fp0 is not None else alerts.fingerprint_of(labels)
                if fp in alerts.active:  # the record of a resolution carries this evaluation's values
                    alerts.evaluate(labels, False, event.time, self._values(event), out, fp)
            return
        labels = labels if labels is not None else self._groups.labels(event)
        fp = self._fp0 if self._fp0 is not None else alerts.fingerprint_of(labels)
        values = self._values(event)
        # report_match without its defensive copies: labels and values are fresh dicts of this event
        self.stats.matches += 1
        out.matches.append(Match(self.rule.name, fp, event.time, labels, (event.id,), values))
        alerts.evaluate(labels, True, event.time, values, out, fp)

    def _values(self, event: Event) -> dict[str, Any]:
        """The attributes the condition reads, as the evaluation's values (missing ones left out), after what
        its one-line leaves computed (``value``, each window function by its text)."""
        values = {p: v for p, get in self._value_paths if (v := get(event)) is not MISSING}
        return {**self._frame.results, **values} if self._frame.results else values

    def on_timer(self, timer: Timer, out: IngestResult) -> None:
        """Threshold rules own no timers of their own."""

    def state_size(self) -> StateSize:
        """Active groups (or groups with window samples, when more) are the keys."""
        return StateSize(keys=max(len(self.alerts), len(self._series or ())))

    def snapshot(self) -> dict[str, Any]:
        """The groups' window samples (nothing without windows)."""
        return {"series": self._series.snapshot()} if self._series is not None else {}

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace the window samples from :meth:`snapshot`."""
        if self._series is not None:
            self._series.restore(data.get("series", []))
