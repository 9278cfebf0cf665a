"""SQLAlchemy models of cep (tables prefixed ``cep_``). JSON documents are TEXT: anomaly values can be
``Infinity``, which PostgreSQL JSONB rejects, and the engine checkpoint is opaque to the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from opsuite_common.db import UTCDateTime, new_etag, utcnow

__all__ = [
    "AlertChangeRow",
    "AlertRow",
    "Base",
    "ChannelRow",
    "CheckpointRow",
    "DeliveryRow",
    "EventLogRow",
    "ExpectedKeysRow",
    "LogCursorRow",
    "NotificationAlertRow",
    "NotificationRow",
    "PartitionEpochRow",
    "RoutingRow",
    "RuleRow",
    "ScheduleStateRow",
    "SequenceRow",
    "SilenceRow",
    "metadata",
]

metadata = MetaData()


class Base(DeclarativeBase):
    """Declarative base bound to cep's own MetaData."""

    metadata = metadata


class RuleRow(Base):
    """A rule definition as written (JSON text), with its revision and etag."""

    __tablename__ = "cep_rules"
    __table_args__ = (UniqueConstraint("tenant", "name", name="uq_cep_rules_tenant_name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    definition: Mapped[str] = mapped_column(Text, nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    etag: Mapped[str] = mapped_column(String(32), nullable=False, default=new_etag)
    created_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    updated_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class AlertRow(Base):
    """One alert episode: from pending/firing to resolved. At most one active row per fingerprint."""

    __tablename__ = "cep_alerts"
    __table_args__ = (
        Index("ix_cep_alerts_tenant_fp", "tenant", "fingerprint"),
        Index("ix_cep_alerts_tenant_starts", "tenant", "starts_at", "id"),
        # The retention sweep: resolved alerts by their last change.
        Index("ix_cep_alerts_state_updated", "state", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    rule: Mapped[str] = mapped_column(String(128), nullable=False)
    rule_id: Mapped[str] = mapped_column(String(32), nullable=False, default="")
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    severity: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    labels: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    annotations: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    values: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    acknowledged_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    resolved_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    silenced: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    investigation_id: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    answer: Mapped[str] = mapped_column(Text, nullable=False, default="")
    cursor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class SequenceRow(Base):
    """Per-tenant counter of alert changes; its row lock orders changes in commit order."""

    __tablename__ = "cep_sequences"

    tenant: Mapped[str] = mapped_column(String(128), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    #: The tenant's changes up to this cursor were deleted by the retention (0: none); a WatchAlerts resuming
    #: from below it is refused (OUT_OF_RANGE, ``CURSOR_PURGED``) rather than replayed with a gap.
    purged_through: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")


class AlertChangeRow(Base):
    """One alert change with its cursor (WatchAlerts replays these) and the alert right after it."""

    __tablename__ = "cep_alert_changes"

    tenant: Mapped[str] = mapped_column(String(128), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(32), nullable=False)
    change: Mapped[str] = mapped_column(String(32), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    snapshot: Mapped[str] = mapped_column(Text, nullable=False)
    #: The wall clock when the change was recorded (``at`` is event time): the retention goes by it.
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, default=utcnow)

    __table_args__ = (Index("ix_cep_alert_changes_recorded", "recorded_at"),)


class NotificationRow(Base):
    """The outbox: written with the alert change, delivered by the dispatcher exactly once on success."""

    __tablename__ = "cep_notifications"
    __table_args__ = (
        Index("ix_cep_notifications_due", "status", "next_attempt_at"),
        # The retention sweep: delivered or failed notifications by age.
        Index("ix_cep_notifications_status_created", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False)
    alert_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(128), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    #: pending -> delivered, or failed (channel deleted, or gave up after the maximum age).
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: The trace context of the work that queued it (``opsuite_common.tracing.carrier``: JSON of the
    #: ``traceparent`` headers), so its delivery joins that trace; "" when nothing was traced.
    trace_context: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")


class DeliveryRow(Base):
    """The delivery log: one row per attempt."""

    __tablename__ = "cep_deliveries"
    # The retention sweep: delivery log rows by age.
    __table_args__ = (Index("ix_cep_deliveries_at", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False)
    notification_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    alert_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(128), nullable=False)
    channel_id: Mapped[str] = mapped_column(String(32), nullable=False, default="", index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    reason: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ChannelRow(Base):
    """A notification channel; ``config`` holds secrets too and is never returned as is."""

    __tablename__ = "cep_channels"
    __table_args__ = (UniqueConstraint("tenant", "name", name="uq_cep_channels_tenant_name"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    config: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    etag: Mapped[str] = mapped_column(String(32), nullable=False, default=new_etag)
    created_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    updated_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class SilenceRow(Base):
    """Matchers plus an event-time window ``[starts_at, ends_at)``."""

    __tablename__ = "cep_silences"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    matchers: Mapped[str] = mapped_column(Text, nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class CheckpointRow(Base):
    """The engine snapshot of one tenant (TEXT JSON) and the event log position it includes."""

    __tablename__ = "cep_checkpoints"

    tenant: Mapped[str] = mapped_column(String(128), primary_key=True)
    #: The engine unit: "" for the tenant's one engine; ``p<partition>.<scope>`` with replicas.
    unit: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    snapshot: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: The last event log record the snapshot includes; a restart replays the records after it.
    log_position: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")


class EventLogRow(Base):
    """One record of the embedded event log: a batch of events as acknowledged, or a clock reading that
    moved a quiet tenant's time (``kind`` ``events`` / ``tick``), with the wall-clock time it was evaluated at."""

    __tablename__ = "cep_event_log"
    # SQLite's AUTOINCREMENT: a position is never reused, not even once a trim emptied the table.
    __table_args__ = (Index("ix_cep_event_log_tenant_seq", "tenant", "seq"), {"sqlite_autoincrement": True})

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    now: Mapped[float] = mapped_column(Float(precision=53), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="[]")


class LogCursorRow(Base):
    """The last event log record whose alert changes are committed, per tenant (written in the same
    transaction as those changes, so a replay never writes them twice)."""

    __tablename__ = "cep_log_cursors"

    tenant: Mapped[str] = mapped_column(String(128), primary_key=True)
    unit: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    applied: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class PartitionEpochRow(Base):
    """The fencing token of one partition of the event stream (replicas): raised by every owner that starts
    running the partition; a checkpoint of the partition is written only by the owner holding the current
    epoch, so a stale owner can no longer overwrite its successor's checkpoint."""

    __tablename__ = "cep_partition_epochs"

    partition: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    epoch: Mapped[int] = mapped_column(BigInteger, nullable=False)
    #: The replica that claimed the current epoch, and when (for operators; nothing decides on them).
    owner: Mapped[str] = mapped_column(String(256), nullable=False, default="", server_default="")
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ScheduleStateRow(Base):
    """The plan of one SCHEDULE rule, shared by every scheduler on this database: its next fire time (for the
    rule revision it was computed for) and the claim of the run in progress (who, and until when)."""

    __tablename__ = "cep_schedule_state"

    rule_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: The rule revision ``next_run_at`` was computed for; a newer revision is planned afresh.
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: The scheduler instance running the due run, until ``claimed_until`` (then anyone may take it over).
    claimed_by: Mapped[str] = mapped_column(String(128), nullable=False, default="", server_default="")
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ExpectedKeysRow(Base):
    """The key list an ABSENCE rule reads from an api_manager API (``spec.expected_keys.api``): the last good
    list, for the source (API, field and params) it was read from, and the status of the latest refresh. A
    failed refresh changes only the status: the list stays (docs/cep-semantics.md, Absent keys #28)."""

    __tablename__ = "cep_expected_keys"

    rule_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False, index=True)
    #: A digest of the rule's API, field and params: a list read for another source is not used.
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    #: The keys (JSON list), and a number that grows whenever they change (engines compare it).
    keys: Mapped[str] = mapped_column(Text, nullable=False, default="[]", server_default="[]")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    #: The API listed more keys than the limit; the first ones are kept.
    truncated: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=sa_false())
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    #: The next refresh, and the compare-and-set by which one scheduler claims it.
    next_refresh_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: Why the latest refresh failed ("" after a success), and how many failed in a row.
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")


class RoutingRow(Base):
    """A tenant's alert routing config (routing tree, receivers, inhibition rules) as written (JSON text)."""

    __tablename__ = "cep_routing"

    tenant: Mapped[str] = mapped_column(String(128), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), nullable=False)
    config: Mapped[str] = mapped_column(Text, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    etag: Mapped[str] = mapped_column(String(32), nullable=False, default=new_etag)
    created_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    updated_by: Mapped[str] = mapped_column(String(256), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class NotificationAlertRow(Base):
    """The alerts a group notification carries (ListDeliveries by alert finds the group's deliveries)."""

    __tablename__ = "cep_notification_alerts"
    __table_args__ = (Index("ix_cep_notification_alerts_alert", "tenant", "alert_id"),)

    notification_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(128), nullable=False)
