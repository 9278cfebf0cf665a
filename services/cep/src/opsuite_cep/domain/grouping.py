"""Alert groups on event time: Alertmanager's dispatcher, inhibitor, silencer and notification log in one
deterministic state machine that the engine drives and checkpoints (docs/cep-semantics.md, Routes and
groups #31-#35).

The engine hands the :class:`Router` its alert transitions (firing and resolved; pending ones stay inside
cep, as Prometheus never sends them) in event-time order, and the watermark. For each alert, every route
node it matches (:meth:`~opsuite_cep.domain.routing.Route.match`) puts it in the group of that node and
its ``group_by`` labels. A group is flushed ``group_wait`` after it was created (at once when an alert's
``starts_at + group_wait`` has already passed, as Alertmanager), then every ``group_interval``. A flush:

1. takes the group's alerts in Alertmanager's order and leaves out the muted ones: inhibited (an inhibition
   rule's target, while a firing source alert has the same ``equal`` labels and is not itself a target that
   matches the source side) or silenced (a silence active at the flush's time matches it);
2. decides as Alertmanager's notification log does whether the receiver hears of it: when nothing was sent
   before and something fires; when an alert fires that the last notification did not carry as firing; when
   every alert resolved after something was sent firing; with ``send_resolved``, when an alert resolved that
   the last one did not carry as resolved; otherwise once ``repeat_interval`` has passed since the last one;
3. emits one :class:`GroupNotification` per channel of the receiver, with the group's alerts (without the
   resolved ones when the receiver does not ``send_resolved``), and forgets the resolved alerts it flushed;
   a group left empty is removed.

Timers follow the watermark and fire at their exact deadline, **after** the transitions stamped with the
same instant (a flush at ``t`` carries every change up to ``t``). A flush that can change nothing (no
transition since the last one) is skipped: the next one considered is the first ``group_interval`` tick at
or after the next repeat or silence boundary, which is what the skipped ticks would have produced. When the
watermark (or the next transition) passes several ticks of a group at once and nothing changed since its last
flush, only the latest of those ticks is flushed: a group quiet for a day sends one repeat when time jumps
past that day (as Alertmanager on the wall clock would), not one per ``group_interval``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import heapq
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from opsuite_cep.domain.alerts import Matcher, Silence
from opsuite_cep.domain.amcompat import labelset_string, sort_alerts
from opsuite_cep.domain.results import (
    AlertState,
    AlertTransition,
    GroupAlert,
    GroupNotification,
    IngestResult,
    NotificationKind,
)
from opsuite_cep.domain.routing import InhibitRule, Route, Routing
from opsuite_cep.domain.timers import last_on_grid, next_on_grid

__all__ = ["MAX_GROUPS", "Router"]

#: Groups one engine keeps; an alert that would open another is not grouped (counted in ``dropped``).
MAX_GROUPS = 10_000


@dataclass(slots=True)
class _Log:
    """The notification log entry of a group: what its last notification carried, and when."""

    firing: frozenset[str]
    resolved: frozenset[str]
    at: float


@dataclass(slots=True)
class _Group:
    id: str
    route: str
    key: str
    labels: dict[str, str]
    alerts: dict[str, GroupAlert] = field(default_factory=dict)
    flushed_at: float | None = None
    origin: float = 0.0
    dirty: bool = True
    next_at: float | None = None
    timer: int = 0
    log: _Log | None = None


def _matches(matchers: Sequence[Matcher], labels: Mapping[str, str]) -> bool:
    return all(m.matches(labels) for m in matchers)


def _group_fingerprint(route_id: str, key: str) -> str:
    return "g" + hashlib.sha256(f"{route_id}\x00{key}".encode()).hexdigest()[:31]


class _Inhibitor:
    """The firing alerts that can inhibit, indexed per inhibition rule by their ``equal`` labels (a missing
    label is ""), so that whether an alert is muted costs a dict lookup per rule whose target it matches,
    however many alerts fire. Kept up to date as alerts fire and resolve (:meth:`add`, :meth:`remove`)."""

    def __init__(self, rules: Sequence[InhibitRule]) -> None:
        self.rules = tuple(rules)
        #: Per rule: equal-label values -> [sources, sources that also match the rule's target].
        self._counts: list[dict[tuple[str, ...], list[int]]] = [{} for _ in self.rules]
        #: Per source alert: (rule index, equal-label values, also a target) for every rule it is a source of.
        self._entries: dict[str, list[tuple[int, tuple[str, ...], bool]]] = {}

    def add(self, fingerprint: str, labels: Mapping[str, str]) -> bool:
        """A firing alert (again, maybe with other labels); whether it is a source of some rule."""
        self.remove(fingerprint)
        entries = []
        for i, rule in enumerate(self.rules):
            if _matches(rule.source, labels):
                key = tuple(labels.get(n, "") for n in rule.equal)
                both = _matches(rule.target, labels)
                count = self._counts[i].setdefault(key, [0, 0])
                count[0] += 1
                count[1] += both
                entries.append((i, key, both))
        if entries:
            self._entries[fingerprint] = entries
        return bool(entries)

    def remove(self, fingerprint: str) -> bool:
        """An alert no longer fires; whether it was a source."""
        entries = self._entries.pop(fingerprint, None)
        if entries is None:
            return False
        for i, key, both in entries:
            counts = self._counts[i]
            count = counts[key]
            count[0] -= 1
            count[1] -= both
            if count[0] == 0:
                del counts[key]
        return True

    def inhibited(self, labels: Mapping[str, str]) -> bool:
        """Whether a firing source mutes an alert with ``labels`` (Alertmanager's ``Inhibitor.Mutes``): it
        matches a rule's target, a source of that rule has the same ``equal`` labels, and that source is not
        itself a target when the alert matches the source side too (two-sided rules never mute both)."""
        for i, rule in enumerate(self.rules):
            counts = self._counts[i]
            if not counts or not _matches(rule.target, labels):
                continue
            count = counts.get(tuple(labels.get(n, "") for n in rule.equal))
            if count is None:
                continue
            if (count[0] - count[1] if _matches(rule.source, labels) else count[0]) > 0:
                return True
        return False


class Router:
    """The routing tree, groups, inhibition and silences of one engine (one tenant, or one unit)."""

    def __init__(self, routing: Routing | None, silences: Sequence[Silence], max_groups: int = MAX_GROUPS) -> None:
        """``silences`` is the engine's list, replaced in place when silences change."""
        self.routing = routing
        self._routes: dict[str, Route] = routing.routes() if routing else {}
        self._silences = silences
        self.max_groups = max_groups
        self.now = -math.inf
        #: Firing alerts by fingerprint: the sources of inhibition, and what a new config regroups.
        self._firing: dict[str, GroupAlert] = {}
        self._inhibitor = _Inhibitor(routing.inhibit_rules if routing else ())
        self._groups: dict[str, _Group] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._seq = 0
        self.dropped = 0

    # ------------------------------------------------------------------------------------- inputs
    def advance(self, transitions: Sequence[AlertTransition], watermark: float | None, out: IngestResult) -> None:
        """Apply ``transitions`` in event-time order, then fire the flushes the watermark passes."""
        if self.routing is None or (not transitions and not self._heap):  # nothing to group, no flush due
            if watermark is not None and watermark > self.now:
                self.now = watermark
            return
        changes = [t for t in transitions if t.state in (AlertState.FIRING, AlertState.RESOLVED)]
        changes.sort(key=lambda t: t.at)
        for tr in changes:
            at = max(tr.at, self.now)
            self._fire(at, out, inclusive=False)
            self.now = at
            resolved = tr.state is AlertState.RESOLVED
            ends = (tr.ends_at if tr.ends_at is not None else tr.at) if resolved else None
            alert = GroupAlert(
                tr.fingerprint,
                tr.rule,
                tr.severity,
                dict(tr.labels),
                dict(tr.annotations),
                dict(tr.values),
                tr.starts_at,
                ends,
            )
            self._apply(alert, at)
        if watermark is not None:
            self._fire(watermark, out, inclusive=True)
            self.now = max(self.now, watermark)

    def seed(self, alerts: Iterable[GroupAlert]) -> None:
        """The firing alerts, before a first config (without one the router keeps nothing)."""
        self._firing = {a.fingerprint: a for a in alerts}
        self._index_sources()

    def forget(self, fingerprint: str, at: float | None) -> None:
        """An operator resolved the alert by hand: its groups hear of it as resolved at ``at``."""
        alert = self._firing.get(fingerprint)
        if alert is None:
            return
        when = max(at if at is not None else self.now, alert.starts_at)
        self._apply(dataclasses.replace(alert, ends_at=when), max(self.now, when))

    def silences_changed(self) -> None:
        """Silences changed: every group is looked at again at its next tick (a skipped tick may matter now)."""
        for g in self._groups.values():
            if g.flushed_at is not None:
                self._wake(g, self.now)

    def reconfigure(self, routing: Routing | None, old_receivers: Mapping[str, str] | None = None) -> None:
        """A new config: every alert is grouped again (new groups wait ``group_wait`` from now, or flush at
        once for old alerts, as after an Alertmanager reload); a group whose key and receiver are unchanged
        keeps its notification log, so nothing already sent is sent again. ``old_receivers``: the receiver
        of each old route id, when the old config is no longer at hand (a checkpoint)."""
        old = self._groups
        if old_receivers is None:
            old_receivers = {rid: r.receiver for rid, r in self._routes.items()}
        self.routing = routing
        self._routes = routing.routes() if routing else {}
        self._groups, self._heap = {}, []
        if routing is None:
            self._firing = {}
            self._index_sources()
            return
        self._index_sources()
        logs = {(g.key, old_receivers.get(g.route, "")): g.log for g in old.values() if g.log is not None}
        alerts = dict(self._firing)
        for g in old.values():
            for fp, a in g.alerts.items():
                if a.ends_at is not None and fp not in alerts:
                    alerts[fp] = a  # resolved but not flushed yet: its groups still owe the news
        for alert in sorted(alerts.values(), key=lambda a: (a.starts_at, a.fingerprint)):
            self._apply(alert, self.now, register=False)
        for g in self._groups.values():
            g.log = logs.get((g.key, self._routes[g.route].receiver))

    # ------------------------------------------------------------------------------------- groups
    def _apply(self, alert: GroupAlert, at: float, register: bool = True) -> None:
        source = False
        if register:
            if alert.ends_at is None:
                self._firing[alert.fingerprint] = alert
                was = self._inhibitor.remove(alert.fingerprint)
                source = self._inhibitor.add(alert.fingerprint, alert.labels) or was
            else:
                self._firing.pop(alert.fingerprint, None)
                source = self._inhibitor.remove(alert.fingerprint)
        if self.routing is None:
            return
        for route in self.routing.route.match(alert.labels):
            labels = route.group_labels(alert.labels)
            key = f"{route.key}:{labelset_string(labels)}"
            gid = f"{route.id}\x00{key}"
            g = self._groups.get(gid)
            if g is None:
                if alert.ends_at is not None and register:
                    continue  # never notified here as firing: nothing to tell
                if len(self._groups) >= self.max_groups:
                    self.dropped += 1
                    continue
                g = self._groups[gid] = _Group(gid, route.id, key, labels)
                self._schedule(g, at + route.group_wait)
            g.alerts[alert.fingerprint] = alert
            g.dirty = True
            if g.flushed_at is None:
                if alert.starts_at + route.group_wait < at:  # Alertmanager: an old alert flushes a new group at once
                    self._schedule(g, at)
            else:
                self._wake(g, at)
        if source:
            for g in self._groups.values():  # a source came or went: what it inhibits may change anywhere
                if g.flushed_at is not None:
                    self._wake(g, at)

    def _tick_at_or_after(self, g: _Group, at: float, interval: float) -> float:
        """The first tick of ``g``'s grid (its first flush + k * group_interval) at or after ``at`` and after
        its last flush (inf if the grid cannot move the time: :func:`~opsuite_cep.domain.timers.next_on_grid`)."""
        assert g.flushed_at is not None
        if at > g.flushed_at and at > g.origin and last_on_grid(g.origin, interval, at) == at:
            return at  # ``at`` is a tick itself
        tick = next_on_grid(g.origin, interval, max(at, g.flushed_at))
        return math.inf if tick is None else tick

    def _last_tick(self, g: _Group, until: float, inclusive: bool) -> float:
        """The latest tick of ``g``'s grid before ``until`` (or at it, ``inclusive``); -inf if none is after
        its first flush or ``until`` is not finite."""
        if not math.isfinite(until):
            return -math.inf
        last = until if inclusive else math.nextafter(until, -math.inf)  # exclusive: at or before the float below
        tick = last_on_grid(g.origin, self._routes[g.route].group_interval, last)
        return tick if tick > g.origin else -math.inf

    def _wake(self, g: _Group, at: float) -> None:
        tick = self._tick_at_or_after(g, at, self._routes[g.route].group_interval)
        if g.next_at is None or tick < g.next_at:
            self._schedule(g, tick)

    def _schedule(self, g: _Group, at: float) -> None:
        self._seq += 1
        g.timer, g.next_at = self._seq, at
        heapq.heappush(self._heap, (at, self._seq, g.id))

    def _fire(self, until: float, out: IngestResult, *, inclusive: bool) -> None:
        heap = self._heap
        while heap and (heap[0][0] < until or (inclusive and heap[0][0] == until)):
            at, seq, gid = heapq.heappop(heap)
            g = self._groups.get(gid)
            if g is None or g.timer != seq:
                continue  # stale: rescheduled or removed
            if not g.dirty and g.flushed_at is not None:
                # Nothing changed since the last flush, and nothing changes before ``until`` (transitions and
                # silence changes come between calls): of the ticks up to it, only the latest is flushed.
                latest = self._last_tick(g, until, inclusive)
                if latest > at:
                    self._schedule(g, latest)
                    continue
            self.now = max(self.now, at)
            g.next_at = None
            self._flush(g, at, out)

    # ------------------------------------------------------------------------------------- flush
    def _index_sources(self) -> None:
        """Index the firing alerts anew for the config's inhibition rules (a new config, a restore, a seed)."""
        self._inhibitor = _Inhibitor(self.routing.inhibit_rules if self.routing else ())
        if self._inhibitor.rules:
            for fp, alert in self._firing.items():
                self._inhibitor.add(fp, alert.labels)

    def _muted(self, alert: GroupAlert, at: float) -> bool:
        if any(s.mutes(alert.labels, at) for s in self._silences):
            return True
        return bool(self._inhibitor.rules) and self._inhibitor.inhibited(alert.labels)

    def _flush(self, g: _Group, at: float, out: IngestResult) -> None:
        assert self.routing is not None
        route = self._routes[g.route]
        if g.flushed_at is None:
            g.origin = at
        g.flushed_at = at
        alerts = sort_alerts(list(g.alerts.values()), lambda a: a.labels)
        shown = [a for a in alerts if not self._muted(a, at)]
        if shown:  # Alertmanager's pipeline stops at an empty list: no log entry
            receiver = self.routing.receiver(route.receiver)
            firing = frozenset(a.fingerprint for a in shown if a.ends_at is None)
            resolved = frozenset(a.fingerprint for a in shown if a.ends_at is not None)
            if self._needs_update(g.log, firing, resolved, receiver.send_resolved, route.repeat_interval, at):
                sent = shown if receiver.send_resolved else [a for a in shown if a.ends_at is None]
                if firing or receiver.send_resolved:
                    kind = NotificationKind.FIRING if firing else NotificationKind.RESOLVED
                    for channel in receiver.channels:
                        out.notifications.append(
                            GroupNotification(
                                _group_fingerprint(g.route, g.key),
                                channel,
                                kind,
                                at,
                                receiver.name,
                                g.key,
                                dict(g.labels),
                                tuple(sent),
                            )
                        )
                g.log = _Log(firing, resolved, at)
        for a in alerts:  # flushed resolved alerts leave the group (unless replaced meanwhile)
            if a.ends_at is not None and g.alerts.get(a.fingerprint) is a:
                del g.alerts[a.fingerprint]
        if not g.alerts:
            del self._groups[g.id]
            return
        g.dirty = False
        self._plan(g, at, route)

    @staticmethod
    def _needs_update(
        log: _Log | None,
        firing: frozenset[str],
        resolved: frozenset[str],
        send_resolved: bool,
        repeat: float,
        at: float,
    ) -> bool:
        """Alertmanager's ``DedupStage.needsUpdate`` (a repeat is due once ``repeat`` has fully passed)."""
        if log is None:
            return bool(firing)
        if not firing <= log.firing:
            return True
        if not firing:
            return bool(log.firing)
        if send_resolved and not resolved <= log.resolved:
            return True
        return at - log.at >= repeat

    def _plan(self, g: _Group, at: float, route: Route) -> None:
        """After a flush that left nothing dirty: the next tick that can notify (a repeat, a silence boundary)."""
        due = [b for s in self._silences for b in (s.starts_at, s.ends_at) if b > at]
        if g.log is not None and g.log.firing:
            due.append(g.log.at + route.repeat_interval)
        if due:
            self._schedule(g, self._tick_at_or_after(g, min(due), route.group_interval))

    # ------------------------------------------------------------------------------------- state
    def __len__(self) -> int:
        return len(self._groups)

    def snapshot(self) -> dict[str, Any]:
        """JSON-serialisable state (the config's revision, alerts, groups, their logs and timers)."""

        def alert(a: GroupAlert) -> list[Any]:
            return [getattr(a, f) for f in GroupAlert.__slots__]

        return {
            "revision": self.routing.revision if self.routing else "",
            "now": None if self.now == -math.inf else self.now,
            "seq": self._seq,
            "dropped": self.dropped,
            "firing": [alert(a) for a in self._firing.values()],
            "groups": [
                {
                    "route": g.route,
                    "key": g.key,
                    "labels": g.labels,
                    "alerts": [alert(a) for a in g.alerts.values()],
                    "flushed_at": g.flushed_at,
                    "origin": g.origin,
                    "dirty": g.dirty,
                    "next_at": g.next_at,
                    "receiver": self._routes[g.route].receiver,
                    "log": None if g.log is None else [sorted(g.log.firing), sorted(g.log.resolved), g.log.at],
                }
                for g in self._groups.values()
            ],
        }

    def restore(self, data: Mapping[str, Any] | None) -> None:
        """Load a :meth:`snapshot`. Under another config revision the alerts are regrouped (:meth:`reconfigure`)."""
        if not data:
            return
        self.now = -math.inf if data.get("now") is None else float(data["now"])
        self._seq, self.dropped = int(data.get("seq", 0)), int(data.get("dropped", 0))
        self._firing = {a.fingerprint: a for a in (_alert(x) for x in data.get("firing", []))}
        groups: dict[str, _Group] = {}
        receivers: dict[str, str] = {}
        for item in data.get("groups", []):
            g = _Group(f"{item['route']}\x00{item['key']}", str(item["route"]), str(item["key"]), dict(item["labels"]))
            g.alerts = {a.fingerprint: a for a in (_alert(x) for x in item["alerts"])}
            g.flushed_at, g.origin, g.dirty = item["flushed_at"], float(item["origin"]), bool(item["dirty"])
            if item["log"] is not None:
                g.log = _Log(frozenset(item["log"][0]), frozenset(item["log"][1]), float(item["log"][2]))
            g.next_at = item["next_at"]
            groups[g.id] = g
            receivers[g.route] = str(item.get("receiver", ""))
        self._groups, self._heap = groups, []
        if self.routing is None or data.get("revision") != self.routing.revision:
            self.reconfigure(self.routing, receivers)
            return
        self._index_sources()
        for g in groups.values():
            if g.next_at is not None:
                self._schedule(g, float(g.next_at))


def _alert(item: Iterable[Any]) -> GroupAlert:
    fp, rule, severity, labels, annotations, values, starts, ends = item
    return GroupAlert(
        str(fp), str(rule), str(severity), dict(labels), dict(annotations), dict(values), float(starts), ends
    )
