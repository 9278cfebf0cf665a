"""The base every rule-kind evaluator builds on: shared context, group labels and match reporting."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from opsuite_cep.domain.alerts import AlertTracker, fingerprint
from opsuite_cep.domain.events import MISSING, Event, PathGetter, compile_path, label_name
from opsuite_cep.domain.results import IngestResult, Match
from opsuite_cep.domain.rules import Limits, Rule
from opsuite_cep.domain.stats import RuleStats, StateSize
from opsuite_cep.domain.timers import Timer, TimerQueue

__all__ = ["Evaluator", "GroupKey", "label_value"]


def label_value(value: Any) -> str:
    """Render an attribute as a label value: strings as-is, integral floats without '.0', JSON otherwise."""
    if value is MISSING:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, sort_keys=True)


class GroupKey:
    """Turns an event into its group labels and a compact string key (for state maps and timers)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.names = [label_name(p) for p in paths]
        self._getters: list[PathGetter] = [compile_path(p) for p in paths]
        self._pairs = list(zip(self.names, self._getters, strict=True))

    def labels(self, event: Event) -> dict[str, str]:
        """Group labels of ``event`` (a missing attribute gives an empty label value)."""
        if not self._pairs:
            return {}
        return {n: label_value(g(event)) for n, g in self._pairs}

    @staticmethod
    def key(labels: Mapping[str, str]) -> str:
        """A stable string key for labels."""
        return json.dumps(list(labels.values()), separators=(",", ":"))


class Evaluator:
    """Kind-specific processing of in-order events and due timers for one rule.

    Subclasses implement :meth:`on_event`, :meth:`on_timer`, :meth:`state_size`, :meth:`snapshot` and
    :meth:`restore`. Timers whose kind the evaluator does not own are alert timers.
    """

    #: Work for :meth:`catch_up` at the rule's next progress, even without an event or a timer.
    pending = False

    def __init__(self, rule: Rule, limits: Limits, timers: TimerQueue, alerts: AlertTracker, stats: RuleStats) -> None:
        self.rule, self.limits, self.timers, self.alerts, self.stats = rule, limits, timers, alerts, stats

    def catch_up(self, at: float, out: IngestResult) -> None:
        """The rule progresses to ``at`` (the first event it applies next, or its new watermark) while
        :attr:`pending` is set (absent keys start their first window then)."""

    def on_event(self, event: Event, out: IngestResult) -> None:
        """Process one on-time event that passed the rule's filter, in event-time order."""
        raise NotImplementedError

    def on_timer(self, timer: Timer, out: IngestResult) -> None:
        """Process a due timer of this evaluator."""
        raise NotImplementedError

    def state_size(self) -> StateSize:
        """Current keys, open windows and partial matches."""
        return StateSize()

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable evaluator state."""
        return {}

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace evaluator state from :meth:`snapshot`."""

    def report_match(
        self,
        group_labels: Mapping[str, str],
        at: float,
        event_ids: Sequence[str],
        values: Mapping[str, Any],
        out: IngestResult,
        fp: str | None = None,
    ) -> None:
        """Record a match (counted in stats); ``fp`` is the group's fingerprint when the caller has it."""
        self.stats.matches += 1
        out.matches.append(
            Match(
                self.rule.name,
                fingerprint(self.rule.name, group_labels) if fp is None else fp,
                at,
                dict(group_labels),
                tuple(event_ids),
                dict(values),
            )
        )
