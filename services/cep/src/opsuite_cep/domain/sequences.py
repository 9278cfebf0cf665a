"""SEQUENCE and ABSENCE rules: partial matches per partition key (docs/cep-semantics.md, Sequences and absences #6-#10).

Sequence ``a -> b -> c`` within T:

* ``within`` is exclusive and runs from the first to the last event: a partial match expires when an
  event (or its expiry timer) reaches ``start + T`` (#6).
* Relaxed contiguity: events that do not fit are skipped; each partial binds the **first** qualifying
  next event (Flink ``followedBy``) (#7).
* ``after_match``: ``no_skip`` (default) lets every partial complete (A1 A2 B -> {A1,B} and {A2,B});
  ``skip_past_last_event`` discards the partition's other partials after a match (#8).
* Matching stays in the ``partition_by`` partition; a step's ``where`` may read earlier aliases and its
  own (``{"field": "b.version", "op": "==", "value_from": "a.version"}``) (#9). A match consumes its
  partial and signals the alert of its partition (one fingerprint per partition).

Absence ``a`` not followed by ``b`` within T fires at exactly ``a.time + T`` once ``W`` gets there; a
``b`` at the deadline is too late because timers fire before same-time events (#4, #10). One ``b``
cancels every earlier pending ``a`` of its partition for which its ``where`` holds.

Bounds: ``max_partial_matches`` per key (oldest evicted) and ``max_keys_per_rule`` partitions (least
recently used evicted); evictions are counted.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from opsuite_cep.domain.conditions import Predicate, compile_condition
from opsuite_cep.domain.evaluator import Evaluator, GroupKey
from opsuite_cep.domain.events import Event
from opsuite_cep.domain.results import IngestResult
from opsuite_cep.domain.rules import AbsenceSpec, AfterMatch, SequenceSpec, Step
from opsuite_cep.domain.stats import StateSize
from opsuite_cep.domain.timers import Timer

__all__ = ["AbsenceEvaluator", "SequenceEvaluator"]


@dataclass(slots=True)
class _Partial:
    start: float
    bound: dict[str, Event] = field(default_factory=dict)


@dataclass(slots=True)
class _Partition:
    labels: dict[str, str]
    partials: list[_Partial] = field(default_factory=list)


class _CompiledStep:
    """A step's event type and compiled condition."""

    def __init__(self, step: Step, default_type: str | None, aliases: frozenset[str]) -> None:
        self.alias = step.alias
        self.event_type = step.event_type or default_type
        self._where: Predicate | None = compile_condition(step.where, aliases) if step.where is not None else None

    def accepts(self, event: Event, bindings: Mapping[str, Event]) -> bool:
        """Whether ``event`` qualifies for this step given the earlier bindings."""
        if self.event_type is not None and event.type != self.event_type:
            return False
        return self._where is None or self._where(event, {**bindings, self.alias: event})


class _PartitionedEvaluator(Evaluator):
    """Shared partition map with LRU eviction and checkpointing."""

    partition_by: tuple[str, ...] = ()
    max_partials = 100
    within = 0.0

    def _init_partitions(self) -> None:
        self._groups = GroupKey(self.partition_by)
        self._parts: OrderedDict[str, _Partition] = OrderedDict()

    def _partition(self, event: Event) -> tuple[str, _Partition]:
        labels = self._groups.labels(event)
        key = GroupKey.key(labels)
        part = self._parts.get(key)
        if part is None:
            if len(self._parts) >= self.limits.max_keys_per_rule:
                _, old = self._parts.popitem(last=False)
                self.stats.evicted += len(old.partials)
            part = self._parts[key] = _Partition(labels)
        else:
            self._parts.move_to_end(key)
        return key, part

    def _add_partial(self, key: str, part: _Partition, partial: _Partial) -> None:
        if len(part.partials) >= self.max_partials:
            part.partials.pop(0)
            self.stats.evicted += 1
        part.partials.append(partial)

    def _tidy(self, key: str) -> None:
        part = self._parts.get(key)
        if part is not None and not part.partials:
            del self._parts[key]

    def state_size(self) -> StateSize:
        """Partitions and partial matches (pending absences count as partial matches)."""
        return StateSize(keys=len(self._parts), partial_matches=sum(len(p.partials) for p in self._parts.values()))

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable partitions."""
        return {
            "partitions": [
                [key, p.labels, [[x.start, {a: e.to_dict() for a, e in x.bound.items()}] for x in p.partials]]
                for key, p in self._parts.items()
            ]
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace partitions from :meth:`snapshot`."""
        self._parts = OrderedDict()
        for key, labels, partials in data["partitions"]:
            self._parts[key] = _Partition(
                dict(labels),
                [_Partial(float(s), {a: Event.from_dict(e) for a, e in bound.items()}) for s, bound in partials],
            )


class SequenceEvaluator(_PartitionedEvaluator):
    """An NFA over ordered steps with relaxed contiguity, per partition."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        spec = self.rule.spec
        assert isinstance(spec, SequenceSpec)
        self.spec = spec
        self.partition_by, self.within, self.max_partials = spec.partition_by, spec.within, spec.max_partial_matches
        aliases: list[str] = []
        self._steps: list[_CompiledStep] = []
        for step in spec.steps:
            aliases.append(step.alias)
            self._steps.append(_CompiledStep(step, self.rule.event_type, frozenset(aliases)))
        self._init_partitions()

    def on_event(self, event: Event, out: IngestResult) -> None:
        """Advance, complete or start partial matches of the event's partition."""
        key, part = self._partition(event)
        within, steps = self.within, self._steps
        survivors: list[_Partial] = []
        completed: list[_Partial] = []
        skip_past = self.spec.after_match is AfterMatch.SKIP_PAST_LAST_EVENT
        for partial in part.partials:
            if event.time - partial.start >= within:
                continue  # expired: within is exclusive (#6)
            step = steps[len(partial.bound)]
            if step.accepts(event, partial.bound):
                partial.bound[step.alias] = event
                if len(partial.bound) == len(steps):
                    completed.append(partial)
                    if skip_past:
                        break  # every other partial started before this match's last event (#8)
                    continue
            survivors.append(partial)
        part.partials = survivors
        for partial in completed:
            self._complete(part, partial, out)
        if completed and skip_past:
            part.partials = []
        elif steps[0].accepts(event, {}):
            self._add_partial(key, part, _Partial(event.time, {steps[0].alias: event}))
            self.timers.schedule(event.time + within, "expire", key, event.time)
        self._tidy(key)

    def _complete(self, part: _Partition, partial: _Partial, out: IngestResult) -> None:
        events = [partial.bound[s.alias] for s in self._steps]
        at = events[-1].time
        values = {
            "events": {s.alias: e.id for s, e in zip(self._steps, events, strict=True)},
            "first_time": partial.start,
        }
        self.report_match(part.labels, at, [e.id for e in events], values, out)
        self.alerts.signal(part.labels, at, values, out)

    def on_timer(self, timer: Timer, out: IngestResult) -> None:
        """Drop partial matches whose ``within`` ran out (keeps state small without new events)."""
        part = self._parts.get(timer.key)
        if part is not None:
            part.partials = [p for p in part.partials if p.start + self.within > timer.deadline]
            self._tidy(timer.key)


class AbsenceEvaluator(_PartitionedEvaluator):
    """Pending triggers per partition, each with its own deadline timer."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        spec = self.rule.spec
        assert isinstance(spec, AbsenceSpec)
        assert spec.trigger is not None  # without a trigger: AbsentKeysEvaluator
        self.partition_by, self.within, self.max_partials = spec.partition_by, spec.within, spec.max_partial_matches
        self._alias = spec.trigger.alias
        self._trigger = _CompiledStep(spec.trigger, self.rule.event_type, frozenset({spec.trigger.alias}))
        both = frozenset({spec.trigger.alias, spec.expected.alias})
        self._expected = _CompiledStep(spec.expected, self.rule.event_type, both)
        self._init_partitions()

    def on_event(self, event: Event, out: IngestResult) -> None:
        """Cancel pending triggers this event satisfies, then maybe start a new one."""
        key, part = self._partition(event)
        alias = self._alias
        if part.partials:
            part.partials = [p for p in part.partials if not self._expected.accepts(event, {alias: p.bound[alias]})]
        if self._trigger.accepts(event, {}):
            self._add_partial(key, part, _Partial(event.time, {alias: event}))
            self.timers.schedule(event.time + self.within, "absence", key, event.id)
        self._tidy(key)

    def on_timer(self, timer: Timer, out: IngestResult) -> None:
        """The deadline passed with no qualifying event: signal the absence at exactly ``a.time + T``."""
        part = self._parts.get(timer.key)
        if part is None:
            return
        for i, partial in enumerate(part.partials):
            trigger = partial.bound[self._alias]
            if trigger.id == timer.token:
                del part.partials[i]
                values = {"trigger": trigger.id, "trigger_time": trigger.time, "deadline": timer.deadline}
                self.report_match(part.labels, timer.deadline, (trigger.id,), values, out)
                self.alerts.signal(part.labels, timer.deadline, values, out)
                self._tidy(timer.key)
                return
