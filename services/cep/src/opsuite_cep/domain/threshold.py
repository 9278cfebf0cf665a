"""THRESHOLD rules: evaluate the condition at each in-order event of a group (CEP_SEMANTICS #11-#13).

An event that passed the rule's ``where`` filter is one evaluation for its group: a true condition is a
match and feeds ``AlertTracker.evaluate(met=True)``; a false one may drop a pending alert or start
``keep_firing_for``. State is the alert tracker itself (one entry per active group).
"""

from __future__ import annotations

from typing import Any

from opsuite_cep.domain.conditions import compile_condition, referenced_paths
from opsuite_cep.domain.evaluator import Evaluator, GroupKey
from opsuite_cep.domain.events import MISSING, Event, compile_path
from opsuite_cep.domain.results import IngestResult
from opsuite_cep.domain.rules import ThresholdSpec
from opsuite_cep.domain.stats import StateSize
from opsuite_cep.domain.timers import Timer

__all__ = ["ThresholdEvaluator"]


class ThresholdEvaluator(Evaluator):
    """Per-event condition evaluation feeding the alert state machine."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        spec = self.rule.spec
        assert isinstance(spec, ThresholdSpec)
        self._condition = compile_condition(spec.condition)
        self._groups = GroupKey(spec.group_by)
        self._value_paths = [(p, compile_path(p)) for p in referenced_paths(spec.condition)]

    def on_event(self, event: Event, out: IngestResult) -> None:
        """One evaluation of the event's group."""
        labels = self._groups.labels(event)
        met = self._condition(event, {})
        values = {p: v for p, get in self._value_paths if (v := get(event)) is not MISSING}
        if met:
            self.report_match(labels, event.time, (event.id,), values, out)
        self.alerts.evaluate(labels, met, event.time, values, out)

    def on_timer(self, timer: Timer, out: IngestResult) -> None:
        """Threshold rules own no timers of their own."""

    def state_size(self) -> StateSize:
        """Active groups are the keys."""
        return StateSize(keys=len(self.alerts))
