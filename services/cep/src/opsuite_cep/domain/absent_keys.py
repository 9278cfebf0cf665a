"""ABSENCE rules with ``expected_keys``: every listed key must send an ``expected`` event within ``within``,
including keys that never sent anything (docs/cep-semantics.md, Absent keys #27-#28).

Per listed key the evaluator keeps a deadline on event time:

* A key starts being watched when it is listed (the rule is added, or an API refresh lists it). Its first
  window starts at the rule's next progress after that: the time of the first event the rule then applies,
  or else the watermark it moves to (an event, or idle progress by the clock, #24). That instant is its
  ``watched_since``; the deadline is ``watched_since + within``.
* An ``expected`` event of the key at ``t`` moves the deadline to ``t + within`` and resolves the key's
  alert at ``t`` if it is firing.
* At the deadline (a timer: it fires before events stamped with the same time, #4) the key's alert fires,
  stamped with the deadline; while the key stays silent the check repeats every ``within`` (a firing alert
  is not notified again; one an operator resolved by hand fires again). When the watermark passes several of
  these instants at once, only the latest of them is checked (nothing but the key's own event, which moves
  its deadline, changes its state in between), then the first one after the watermark.
* A key that leaves the list is no longer watched; its firing alert resolves at the rule's next progress.

The alerts are stateful, one per key (``for``, ``keep_firing_for`` and ``resolve_timeout`` do not apply).
The host gives the keys with :meth:`AbsentKeysEvaluator.set_keys` (:meth:`Engine.set_expected_keys`); the
evaluator never reads a list itself, so what a partition watches is what its host gave it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from opsuite_cep.domain.evaluator import Evaluator, label_value
from opsuite_cep.domain.events import Event, compile_path, label_name
from opsuite_cep.domain.results import IngestResult
from opsuite_cep.domain.rules import AbsenceSpec
from opsuite_cep.domain.sequences import _CompiledStep
from opsuite_cep.domain.stats import StateSize
from opsuite_cep.domain.timers import Timer, last_on_grid, next_on_grid

__all__ = ["AbsentKeysEvaluator"]


@dataclass(slots=True)
class _Watch:
    """One listed key: since when it is watched (None until the rule's next progress), its last expected
    event, and the deadline of its live timer (None while it waits for its start)."""

    since: float | None = None
    last: float | None = None
    deadline: float | None = None


class AbsentKeysEvaluator(Evaluator):
    """A deadline per listed key; keys come from :meth:`set_keys`."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        spec = self.rule.spec
        assert isinstance(spec, AbsenceSpec)
        assert spec.expected_keys is not None
        self.within = spec.within
        path = spec.partition_by[0]
        self._get = compile_path(path)
        self._label = label_name(path)
        self._step = _CompiledStep(spec.expected, self.rule.event_type, frozenset({spec.expected.alias}))
        self._watch: dict[str, _Watch] = {}
        #: Keys that left the list while their alert was open: resolved at the next progress.
        self._retired: dict[str, None] = {}
        #: Keys listed but not started yet (their window starts at the next progress).
        self._unstarted: dict[str, None] = {}

    def keys(self) -> list[str]:
        """The keys watched now."""
        return list(self._watch)

    def set_keys(self, keys: Iterable[str]) -> None:
        """Replace the watched keys: new ones start at the next progress, dropped ones stop (their open
        alerts resolve at the next progress), kept ones go on as they were."""
        wanted = dict.fromkeys(keys)
        for key in [k for k in self._watch if k not in wanted]:
            del self._watch[key]
            self._unstarted.pop(key, None)
            if self.alerts.has(self.alerts.fingerprint_of(self._labels(key))):
                self._retired[key] = None
        for key in wanted:
            if key not in self._watch:
                self._watch[key] = _Watch()
                self._unstarted[key] = None
                self._retired.pop(key, None)
        self.pending = bool(self._unstarted or self._retired)

    def _labels(self, key: str) -> dict[str, str]:
        return {self._label: key}

    def catch_up(self, at: float, out: IngestResult) -> None:
        """The rule progresses to ``at``: listed keys start their first window, dropped keys' alerts resolve."""
        for key in self._unstarted:
            watch = self._watch[key]
            if watch.last is None:  # an event of the key may have come first (it set its own deadline)
                watch.since = at
                self._arm(key, watch, at + self.within)
        self._unstarted.clear()
        for key in self._retired:
            self.alerts.evaluate(self._labels(key), False, at, {"key": key, "unlisted_at": at}, out)
        self._retired.clear()
        self.pending = False

    def _arm(self, key: str, watch: _Watch, deadline: float) -> None:
        watch.deadline = deadline
        self.timers.schedule(deadline, "absent_key", key, deadline)

    def on_event(self, event: Event, out: IngestResult) -> None:
        """An expected event of a listed key: its deadline moves, its firing alert resolves."""
        key = label_value(self._get(event))
        watch = self._watch.get(key)
        if watch is None or not self._step.accepts(event, {}):
            return
        t = event.time
        watch.last = t
        if watch.since is None:
            watch.since = t
        if self._unstarted.pop(key, 0) is None:
            self.pending = bool(self._unstarted or self._retired)
        labels = self._labels(key)
        fp = self.alerts.fingerprint_of(labels)
        if self.alerts.has(fp):
            self.alerts.evaluate(labels, False, t, {"key": key, "event": event.id, "seen_at": t}, out, fp)
        self._arm(key, watch, t + self.within)

    def on_timer(self, timer: Timer, out: IngestResult) -> None:
        """A deadline passed with no expected event of the key: its alert fires (or stays firing)."""
        key = timer.key
        watch = self._watch.get(key)
        if watch is None or watch.deadline != timer.token:
            return  # the key reported meanwhile, or left the list: a stale timer
        labels = self._labels(key)
        values = {
            "key": key,
            "last_seen": watch.last,
            "watched_since": watch.since,
            "deadline": timer.deadline,
            "within": self.within,
        }
        fp = self.alerts.fingerprint_of(labels)
        if not self.alerts.has(fp):
            self.report_match(labels, timer.deadline, (), values, out, fp)
        self.alerts.evaluate(labels, True, timer.deadline, values, out, fp)
        # The next check: the latest instant of this key's grid (deadline + k * within) the watermark has
        # passed, so a long silence costs two checks, not one per ``within``; from there the first one after
        # the watermark. None: ``within`` too small to move the deadline (a rule saved before the minimum).
        latest = last_on_grid(timer.deadline, self.within, self.timers.horizon)
        nxt = latest if latest > timer.deadline else next_on_grid(timer.deadline, self.within, self.timers.horizon)
        if nxt is not None:
            self._arm(key, watch, nxt)

    def state_size(self) -> StateSize:
        """Watched keys."""
        return StateSize(keys=len(self._watch))

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable watches."""
        return {
            "watch": [[k, w.since, w.last, w.deadline] for k, w in self._watch.items()],
            "unstarted": list(self._unstarted),
            "retired": list(self._retired),
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Replace the watches from :meth:`snapshot`."""
        self._watch = {str(k): _Watch(since, last, deadline) for k, since, last, deadline in data["watch"]}
        self._unstarted = dict.fromkeys(str(k) for k in data["unstarted"])
        self._retired = dict.fromkeys(str(k) for k in data["retired"])
        self.pending = bool(self._unstarted or self._retired)
