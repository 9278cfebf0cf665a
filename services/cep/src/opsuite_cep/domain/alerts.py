"""The alert layer: fingerprints, silences and the per-rule alert state machine.

docs/cep-semantics.md rows implemented here (sections Threshold alerts and Alert lifecycle):

* #11 ``for``: pending first, firing once ``elapsed >= for`` (a timer at ``active_at + for`` is an
  evaluation with the last known result); a false evaluation while pending drops the alert silently
  (an ``INACTIVE`` transition, no notification).
* #12 ``keep_firing_for``: the clock starts at the first false evaluation while firing, a true one
  resets it, the alert resolves once ``elapsed >= keep_firing_for``.
* #19 dedup: further true evaluations or signals of a firing alert produce nothing; an active alert
  keeps its latest evaluation's values, so a resolved record carries the evaluation that resolved it.
* #20 ``repeat_interval``: a ``REPEAT`` notification at exactly ``last + repeat_interval`` while firing (when
  the watermark passes several such instants at once, one, at the latest of them); resolution notifies when
  the rule has ``send_resolved``.
* #21 silences mute notifications only; the transition is recorded with ``silenced=True``.
* #22 signal alerts fire at the signal and resolve ``resolve_timeout`` after the last signal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opsuite_cep.domain.results import AlertState, AlertTransition, IngestResult, Notification, NotificationKind
from opsuite_cep.domain.rules import Rule
from opsuite_cep.domain.templates import alert_data, compile_map, render_all
from opsuite_cep.domain.timers import Timer, TimerQueue, last_on_grid, next_on_grid
from opsuite_cep.domain.validation import Violations, join_path
from opsuite_common.regex import RegexError, TenantPattern, compile_regex

__all__ = ["AlertTracker", "Matcher", "Silence", "alert_labels", "fingerprint", "parse_silence"]

_MATCH_OPS = ("=", "!=", "=~", "!~")
_MAX_CACHED_FINGERPRINTS = 2_048  # memoised fingerprints per rule (cleared when full: memory stays bounded)


def fingerprint(rule: str, group_labels: Mapping[str, str]) -> str:
    """Stable alert identity: a hash of the rule name and the group labels (order-independent)."""
    payload = json.dumps([rule, sorted(group_labels.items())], separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def alert_labels(rule: Rule, group_labels: Mapping[str, str]) -> dict[str, str]:
    """The labels an alert carries: ``alertname``, ``severity``, the rule's labels and the group labels."""
    return {"alertname": rule.name, "severity": str(rule.severity), **rule.labels, **group_labels}


class _NoMatch:
    """The pattern of a regex RE2 refuses (refused at save; one stored before RE2): it matches nothing."""

    def fullmatch(self, text: str) -> None:
        return None

    def search(self, text: str) -> None:
        return None


_NO_MATCH = _NoMatch()


@dataclass(frozen=True, slots=True)
class Matcher:
    """A label matcher (Alertmanager): ``=``, ``!=``, ``=~``, ``!~``; regexes are fully anchored.

    A regex comes from the process-wide pattern cache at each match, unless the matcher was :meth:`compile`-d:
    a routing config's matchers are, once, when it is parsed, so matching them neither compiles per match nor
    evicts other tenants' patterns from that cache, however many patterns the config holds.
    """

    name: str
    op: str
    value: str
    _pattern: TenantPattern | None = field(default=None, init=False, repr=False, compare=False, hash=False)

    def compile(self, patterns: dict[str, TenantPattern] | None = None) -> Matcher:
        """This matcher with its regex compiled now and kept by it (``patterns``: the ones compiled already for
        the same config, shared by the matchers that have the same regex)."""
        if self.op not in ("=~", "!~"):
            return self
        seen = patterns if patterns is not None else {}
        pattern = seen.get(self.value)
        if pattern is None:
            try:
                pattern = compile_regex(self.value)
            except RegexError:
                pattern = _NO_MATCH
            seen[self.value] = pattern
        compiled = Matcher(self.name, self.op, self.value)
        object.__setattr__(compiled, "_pattern", pattern)
        return compiled

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether ``labels`` satisfy this matcher; a missing label is the empty string."""
        actual = labels.get(self.name, "")
        op = self.op
        if op == "=":
            return actual == self.value
        if op == "!=":
            return actual != self.value
        pattern = self._pattern
        if pattern is None:
            try:
                pattern = compile_regex(self.value)
            except RegexError:  # refused at save; a matcher stored before RE2 matches nothing
                pattern = _NO_MATCH
        found = pattern.fullmatch(actual) is not None
        return found if op == "=~" else not found


@dataclass(frozen=True, slots=True)
class Silence:
    """Mutes notifications of alerts whose labels match every matcher during ``[starts_at, ends_at)``."""

    id: str
    matchers: tuple[Matcher, ...]
    starts_at: float
    ends_at: float
    comment: str = ""

    def mutes(self, labels: Mapping[str, str], at: float) -> bool:
        """Whether this silence is active at ``at`` and matches ``labels``."""
        return self.starts_at <= at < self.ends_at and all(m.matches(labels) for m in self.matchers)


def parse_silence(data: Mapping[str, Any]) -> Silence:
    """Validate a silence dict ``{id, matchers: [{name, op, value}], starts_at, ends_at, comment}``."""
    v = Violations()
    v.check_keys(data, {"id", "matchers", "starts_at", "ends_at", "comment"}, "")
    matchers: list[Matcher] = []
    raw = data.get("matchers")
    if not isinstance(raw, list) or not raw:
        v.add("matchers", "required: at least one matcher like {'name': 'host', 'op': '=', 'value': 'web-1'}")
        raw = []
    for i, item in enumerate(raw):
        path = join_path("matchers", i)
        if not isinstance(item, Mapping):
            v.add(path, "expected an object {name, op, value}")
            continue
        name, op, value = item.get("name"), item.get("op", "="), item.get("value")
        if not isinstance(name, str) or not name:
            v.add(join_path(path, "name"), "required: a label name")
        if op not in _MATCH_OPS:
            v.add(join_path(path, "op"), f"unknown operator {op!r}; expected one of {', '.join(_MATCH_OPS)}")
        if not isinstance(value, str):
            v.add(join_path(path, "value"), "required: a string")
        elif op in ("=~", "!~"):
            try:
                compile_regex(value)
            except RegexError as exc:
                v.add(join_path(path, "value"), f"invalid regular expression: {exc}")
        matchers.append(Matcher(str(name), str(op), str(value)))
    starts, ends = data.get("starts_at"), data.get("ends_at")
    for key, value in (("starts_at", starts), ("ends_at", ends)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            v.add(key, "required: event time in seconds since the epoch")
    if isinstance(starts, int | float) and isinstance(ends, int | float) and ends <= starts:
        v.add("ends_at", "must be after starts_at")
    v.raise_if_any("silence")
    return Silence(
        id=str(data.get("id", "")),
        matchers=tuple(matchers),
        starts_at=float(starts),  # type: ignore[arg-type]
        ends_at=float(ends),  # type: ignore[arg-type]
        comment=str(data.get("comment", "")),
    )


@dataclass(slots=True)
class _Alert:
    group_labels: dict[str, str]
    state: AlertState
    active_at: float
    fired_at: float | None = None
    last_true: float = 0.0
    keep_since: float | None = None
    values: dict[str, Any] = field(default_factory=dict)


class AlertTracker:
    """Alert state of one rule, keyed by fingerprint; emits transitions and notifications into a result."""

    def __init__(self, rule: Rule, timers: TimerQueue, silences: Sequence[Silence]) -> None:
        self.rule = rule
        self._timers = timers
        self.silences = silences
        self._alerts: dict[str, _Alert] = {}
        self.active: Mapping[str, object] = self._alerts  # read-only view for hot paths: fingerprint -> alert
        self.fired = 0
        self._fps: dict[tuple[tuple[str, str], ...], str] = {}
        self._base_labels = alert_labels(rule, {})
        self._severity = str(rule.severity)
        self._templates = compile_map(rule.annotations)  # None: no annotation is a template

    def fingerprint_of(self, group_labels: Mapping[str, str]) -> str:
        """:func:`fingerprint` of this rule and ``group_labels``, memoised (for per-event callers: threshold)."""
        key = tuple(group_labels.items())
        fp = self._fps.get(key)
        if fp is None:
            if len(self._fps) >= _MAX_CACHED_FINGERPRINTS:
                self._fps.clear()
            fp = self._fps[key] = fingerprint(self.rule.name, group_labels)
        return fp

    # ------------------------------------------------------------------------------------- queries
    def __len__(self) -> int:
        return len(self._alerts)

    def has(self, fp: str) -> bool:
        """Whether the alert ``fp`` is pending or firing."""
        return fp in self._alerts

    def is_active(self, group_labels: Mapping[str, str]) -> bool:
        """Whether the group has a pending or firing alert."""
        return fingerprint(self.rule.name, group_labels) in self._alerts

    def active_groups(self) -> list[dict[str, str]]:
        """Group labels of every pending or firing alert."""
        return [dict(a.group_labels) for a in self._alerts.values()]

    def forget(self, fp: str) -> bool:
        """Drop an alert's state (after an operator resolved it) so the next true evaluation fires anew."""
        return self._alerts.pop(fp, None) is not None

    # ------------------------------------------------------------------------------------- inputs
    def evaluate(
        self,
        group_labels: Mapping[str, str],
        met: bool,
        at: float,
        values: Mapping[str, Any],
        out: IngestResult,
        fp: str | None = None,
    ) -> None:
        """One evaluation of a stateful condition (threshold event or closed window).

        ``values`` are this evaluation's values; an active alert keeps the latest ones, so the record of
        a transition (firing, resolved, dropped) carries the evaluation that caused it. ``fp`` is the
        group's fingerprint when the caller already has it.
        """
        if fp is None:
            fp = fingerprint(self.rule.name, group_labels)
        alert = self._alerts.get(fp)
        rule = self.rule
        if met:
            if alert is None:
                alert = _Alert(dict(group_labels), AlertState.PENDING, active_at=at, last_true=at, values=dict(values))
                self._alerts[fp] = alert
                if rule.for_ <= 0:
                    self._fire(fp, alert, at, out)
                else:
                    self._emit(fp, alert, AlertState.PENDING, at, out)
                    self._timers.schedule(at + rule.for_, "for", fp, at)
                return
            alert.values, alert.last_true, alert.keep_since = dict(values), at, None
            if alert.state is AlertState.PENDING and at - alert.active_at >= rule.for_:
                self._fire(fp, alert, at, out)
            return  # firing: deduplicated (#19)
        if alert is None:
            return
        alert.values = dict(values)
        if alert.state is AlertState.PENDING:
            del self._alerts[fp]
            self._emit(fp, alert, AlertState.INACTIVE, at, out)
        elif rule.keep_firing_for <= 0:
            self._resolve(fp, alert, at, out)
        elif alert.keep_since is None:
            alert.keep_since = at
            self._timers.schedule(at + rule.keep_firing_for, "keep", fp, at)
        elif at - alert.keep_since >= rule.keep_firing_for:
            self._resolve(fp, alert, at, out)

    def signal(
        self,
        group_labels: Mapping[str, str],
        at: float,
        values: Mapping[str, Any],
        out: IngestResult,
        fp: str | None = None,
    ) -> None:
        """A signal (sequence match, absence, anomaly): fire, or deduplicate while firing (#19, #22)."""
        if fp is None:
            fp = fingerprint(self.rule.name, group_labels)
        alert = self._alerts.get(fp)
        if alert is None:
            alert = _Alert(dict(group_labels), AlertState.PENDING, active_at=at, last_true=at, values=dict(values))
            self._alerts[fp] = alert
            self._fire(fp, alert, at, out)
            self._timers.schedule(at + self.rule.resolve_timeout, "resolve", fp, at)
        else:
            alert.last_true, alert.values = at, dict(values)

    def on_timer(self, timer: Timer, out: IngestResult) -> None:
        """Handle a ``for``, ``keep``, ``resolve`` or ``repeat`` timer; stale timers are ignored."""
        alert = self._alerts.get(timer.key)
        if alert is None:
            return
        at = timer.deadline
        if timer.kind == "for":
            if alert.state is AlertState.PENDING and alert.active_at == timer.token:
                self._fire(timer.key, alert, at, out)
        elif timer.kind == "keep":
            if alert.state is AlertState.FIRING and alert.keep_since == timer.token:
                self._resolve(timer.key, alert, at, out)
        elif timer.kind == "resolve":
            due = alert.last_true + self.rule.resolve_timeout
            if due <= at:
                self._resolve(timer.key, alert, due, out)
            else:  # a later signal moved the deadline: one live timer per alert
                self._timers.schedule(due, "resolve", timer.key, alert.last_true)
        elif timer.kind == "repeat" and alert.state is AlertState.FIRING and alert.fired_at == timer.token:
            step = self.rule.repeat_interval
            latest = last_on_grid(at, step, self._timers.horizon)
            if latest > at:  # the watermark passed several repeats at once: one, at the latest of them (#20)
                self._timers.schedule(latest, "repeat", timer.key, alert.fired_at)
                return
            if not self._silenced(alert, at):
                self._notify(timer.key, alert, NotificationKind.REPEAT, at, out)
            nxt = next_on_grid(at, step, at)
            if nxt is not None:  # None: an interval too small to move the time (a rule saved before the minimum)
                self._timers.schedule(nxt, "repeat", timer.key, alert.fired_at)

    # ------------------------------------------------------------------------------------- outputs
    def _labels(self, alert: _Alert) -> dict[str, str]:
        return {**self._base_labels, **alert.group_labels}

    def annotations(self, labels: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, str]:
        """The rule's annotations rendered for one alert (its labels and its latest evaluation's values)."""
        if self._templates is None:
            return dict(self.rule.annotations)
        return render_all(self._templates, alert_data(labels, values))

    def _silenced(self, alert: _Alert, at: float, labels: Mapping[str, str] | None = None) -> bool:
        if not self.silences:
            return False
        if labels is None:
            labels = self._labels(alert)
        return any(s.mutes(labels, at) for s in self.silences)

    def _emit(
        self,
        fp: str,
        alert: _Alert,
        state: AlertState,
        at: float,
        out: IngestResult,
        silenced: bool = False,
        labels: dict[str, str] | None = None,
    ) -> None:
        if labels is None:
            labels = self._labels(alert)
        out.transitions.append(
            AlertTransition(  # positional: this runs for every transition
                fp,
                self.rule.name,
                state,
                at,
                self._severity,
                labels,
                self.annotations(labels, alert.values),
                dict(alert.values),
                alert.active_at,
                alert.fired_at,
                at if state is AlertState.RESOLVED else None,
                silenced,
            )
        )

    def _notify(
        self,
        fp: str,
        alert: _Alert,
        kind: NotificationKind,
        at: float,
        out: IngestResult,
    ) -> None:
        if not self.rule.channels:
            return
        labels = self._labels(alert)  # one dict shared by this call's notifications (never with a transition)
        annotations = self.annotations(labels, alert.values)
        for channel in self.rule.channels:
            out.notifications.append(
                Notification(
                    fp,
                    self.rule.name,
                    channel,
                    kind,
                    at,
                    str(self.rule.severity),
                    labels,
                    annotations,
                    dict(alert.values),
                )
            )

    def _fire(self, fp: str, alert: _Alert, at: float, out: IngestResult) -> None:
        alert.state, alert.fired_at = AlertState.FIRING, at
        self.fired += 1
        labels = self._labels(alert)
        silenced = self._silenced(alert, at, labels)
        self._emit(fp, alert, AlertState.FIRING, at, out, silenced, labels)
        if not silenced:
            self._notify(fp, alert, NotificationKind.FIRING, at, out)
        if self.rule.repeat_interval > 0:
            self._timers.schedule(at + self.rule.repeat_interval, "repeat", fp, at)

    def _resolve(self, fp: str, alert: _Alert, at: float, out: IngestResult) -> None:
        del self._alerts[fp]
        labels = self._labels(alert)
        silenced = self._silenced(alert, at, labels)
        self._emit(fp, alert, AlertState.RESOLVED, at, out, silenced, labels)
        if self.rule.send_resolved and not silenced:
            self._notify(fp, alert, NotificationKind.RESOLVED, at, out)

    def firing(self) -> list[tuple[str, dict[str, str], dict[str, str], dict[str, Any], float]]:
        """Every firing alert as (fingerprint, labels, annotations, values, starts_at): a routing config set
        while alerts fire groups them (docs/cep-semantics.md, Routes and groups #35)."""
        out = []
        for fp, a in self._alerts.items():
            if a.state is AlertState.FIRING:
                labels = self._labels(a)
                out.append((fp, labels, self.annotations(labels, a.values), dict(a.values), a.active_at))
        return out

    # ------------------------------------------------------------------------------------- checkpoint
    def snapshot(self) -> list[dict[str, Any]]:
        """JSON-serialisable state of every active alert."""
        return [
            {
                "fp": fp,
                "group": a.group_labels,
                "state": str(a.state),
                "active_at": a.active_at,
                "fired_at": a.fired_at,
                "last_true": a.last_true,
                "keep_since": a.keep_since,
                "values": a.values,
            }
            for fp, a in self._alerts.items()
        ]

    def restore(self, items: Iterable[Mapping[str, Any]]) -> None:
        """Replace the state with a snapshot."""
        self._alerts.clear()  # in place: ``active`` refers to this dict
        self._alerts.update(
            {
                str(d["fp"]): _Alert(
                    dict(d["group"]),
                    AlertState(d["state"]),
                    float(d["active_at"]),
                    d["fired_at"],
                    float(d["last_true"]),
                    d["keep_since"],
                    dict(d["values"]),
                )
                for d in items
            }
        )
