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
    "IngestResult",
    "LateEvent",
    "Match",
    "Notification",
    "NotificationKind",
]


class AlertState(enum.StrEnum):
    """Alert lifecycle states. ``INACTIVE`` marks a pending alert dropped silently (CEP_SEMANTICS #11)."""

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
    firing); ``fired_at`` when it started firing; ``ends_at`` when it resolved. ``silenced`` is true when
    a silence muted the notification of this transition (CEP_SEMANTICS #21). ``INACTIVE`` means a
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
class LateEvent:
    """An event older than a rule's watermark: reported, never used (CEP_SEMANTICS #1, #2)."""

    event: Event
    rule: str
    watermark: float


@dataclass(slots=True)
class IngestResult:
    """Everything one ``ingest``/``advance_to``/``flush`` call produced.

    ``accepted``: events of the call that were neither duplicates nor late for every rule they reached.
    ``buffered``: events (of any call) still waiting for the watermark after this call; they are applied
    by a later call or by ``flush()``.
    """

    matches: list[Match] = field(default_factory=list)
    transitions: list[AlertTransition] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    late_events: list[LateEvent] = field(default_factory=list)
    duplicate_events: list[Event] = field(default_factory=list)
    accepted: int = 0
    buffered: int = 0
    watermark: float | None = None

    def extend(self, other: IngestResult) -> None:
        """Append another result's records (counters and watermark take the later value)."""
        self.matches.extend(other.matches)
        self.transitions.extend(other.transitions)
        self.notifications.extend(other.notifications)
        self.late_events.extend(other.late_events)
        self.duplicate_events.extend(other.duplicate_events)
        self.accepted += other.accepted
        self.buffered = other.buffered
        self.watermark = other.watermark
