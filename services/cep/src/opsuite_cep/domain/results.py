"""Plain output records of the engine: what the storage layer writes and the servicer returns.

The storage layer writes one :class:`IngestResult`'s ``transitions`` (upsert by fingerprint) and
``notifications`` (outbox rows) in **one transaction**; the dispatcher delivers the outbox.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from opsuite_cep.domain.events import Event

__all__ = [
    "AlertState",
    "AlertTransition",
    "GroupAlert",
    "GroupNotification",
    "IngestResult",
    "LateEvent",
    "Match",
    "Notification",
    "NotificationKind",
    "RefusedEvent",
]


class AlertState(enum.StrEnum):
    """Alert lifecycle states.

    ``INACTIVE`` marks a pending alert dropped silently (docs/cep-semantics.md, Threshold alerts #11).
    """

    PENDING = "pending"
    FIRING = "firing"
    RESOLVED = "resolved"
    INACTIVE = "inactive"


class NotificationKind(enum.StrEnum):
    """Why a notification is sent."""

    FIRING = "firing"
    RESOLVED = "resolved"
    REPEAT = "repeat"


@dataclass(frozen=True, slots=True)
class Match:
    """A rule matched: one event (threshold), one closed window, one sequence, one absence or one anomaly."""

    rule: str
    fingerprint: str
    at: float
    labels: Mapping[str, str]
    event_ids: tuple[str, ...] = ()
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AlertTransition:
    """An alert changed state; the storage layer upserts the alert row identified by ``fingerprint``.

    ``at`` is the event time of the change; ``starts_at`` when the alert became active (pending or
    firing); ``fired_at`` when it started firing; ``ends_at`` when it resolved. ``values`` are those of the
    evaluation that caused the change (Alert lifecycle #19). ``silenced`` is true when a silence muted the
    notification of this transition (docs/cep-semantics.md, Alert lifecycle #21). ``INACTIVE`` means a
    pending alert was dropped: delete or close the pending row, notify nobody.
    """

    fingerprint: str
    rule: str
    state: AlertState
    at: float
    severity: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    values: Mapping[str, Any]
    starts_at: float
    fired_at: float | None = None
    ends_at: float | None = None
    silenced: bool = False


@dataclass(frozen=True, slots=True)
class Notification:
    """One outbox entry: deliver ``kind`` for alert ``fingerprint`` to ``channel`` (event time ``at``)."""

    fingerprint: str
    rule: str
    channel: str
    kind: NotificationKind
    at: float
    severity: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class GroupAlert:
    """An alert as a group holds it (docs/cep-semantics.md, Routes and groups): ``ends_at`` None while firing."""

    fingerprint: str
    rule: str
    severity: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    values: Mapping[str, Any]
    starts_at: float
    ends_at: float | None = None


@dataclass(frozen=True, slots=True)
class GroupNotification:
    """One outbox entry for a group: its alerts to ``channel`` of ``receiver`` at event time ``at``.

    ``fingerprint`` identifies the group (route node and group key): the outbox keeps a group's notifications
    to a channel in order. ``kind`` is the group's status: firing when any alert sent fires.
    """

    fingerprint: str
    channel: str
    kind: NotificationKind
    at: float
    receiver: str
    group_key: str
    group_labels: Mapping[str, str]
    alerts: tuple[GroupAlert, ...]

    @property
    def rule(self) -> str:
        """Groups span rules: no single rule."""
        return ""


@dataclass(frozen=True, slots=True)
class LateEvent:
    """An event older than a rule's watermark: reported, never used.

    See docs/cep-semantics.md, Event time and watermarks #1, #2.
    """

    event: Event
    rule: str
    watermark: float


@dataclass(frozen=True, slots=True)
class RefusedEvent:
    """An event refused on its own (docs/cep-semantics.md, Time without events #25).

    ``index`` is its position in the call.
    ``reason`` is a stable code (``FUTURE_TIME``); ``description`` says why for a person. A refused
    event never moves a watermark and is not remembered by de-duplication.
    """

    index: int
    event: Event
    reason: str
    description: str


@dataclass(slots=True)
class IngestResult:
    """Everything one ``ingest``/``advance_to``/``flush`` call produced.

    Every event of an ``ingest`` call is counted once: ``accepted + late + len(duplicate_events) +
    len(refused) == len(events)``.

    ``accepted``: events neither refused, nor duplicate, nor late for every rule they reached (an event
    that reaches no rule is accepted). ``late``: events late for every rule they reached (each
    (event, rule) pair is listed in ``late_events``, which also lists the late rules of accepted events).
    ``buffered``: events (of any call) still waiting for the watermark after this call; they are applied
    by a later call, by idle progress or by ``flush()``.
    """

    matches: list[Match] = field(default_factory=list)
    transitions: list[AlertTransition] = field(default_factory=list)
    notifications: list[Notification | GroupNotification] = field(default_factory=list)
    late_events: list[LateEvent] = field(default_factory=list)
    duplicate_events: list[Event] = field(default_factory=list)
    refused: list[RefusedEvent] = field(default_factory=list)
    accepted: int = 0
    late: int = 0
    buffered: int = 0
    watermark: float | None = None

    def extend(self, other: IngestResult) -> None:
        """Append another result's records (counters and watermark take the later value)."""
        self.matches.extend(other.matches)
        self.transitions.extend(other.transitions)
        self.notifications.extend(other.notifications)
        self.late_events.extend(other.late_events)
        self.duplicate_events.extend(other.duplicate_events)
        self.refused.extend(other.refused)
        self.accepted += other.accepted
        self.late += other.late
        self.buffered = other.buffered
        self.watermark = other.watermark
