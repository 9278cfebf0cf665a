"""Tenant-scoped queries of cep: rules, channels, silences, checkpoints, alerts, outbox and deliveries.

Every function takes the caller's session (one transaction per use case) and the tenant; another
tenant's row is simply not found.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.db.alerts import AlertChange, new_id
from opsuite_cep.db.models import (
    AlertChangeRow,
    AlertRow,
    ChannelRow,
    CheckpointRow,
    DeliveryRow,
    NotificationRow,
    RuleRow,
    SilenceRow,
)
from opsuite_common.db import Database, is_unique_violation, new_etag, utcnow
from opsuite_common.errors import ConflictError, NotFoundError, StaleEtagError
from opsuite_common.secretscope import scrub

__all__ = [
    "add_channel",
    "add_rule",
    "add_silence",
    "changes_after",
    "check_etag",
    "claim_notification",
    "due_notifications",
    "get_alert",
    "get_channel",
    "get_channel_by_name",
    "get_rule",
    "get_rule_by_name",
    "last_cursor",
    "list_alerts",
    "list_channels",
    "list_deliveries",
    "list_rules",
    "list_silences",
    "load_checkpoint",
    "read",
    "record_delivery",
    "save_checkpoint",
    "schedule_rules",
]


def check_etag(row: Any, etag: str) -> None:
    """Raise StaleEtagError when ``etag`` is given and differs from the row's."""
    if etag and etag != row.etag:
        raise StaleEtagError(metadata={"current_etag": row.etag})


async def _flush_unique(session: AsyncSession, what: str, name: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise ConflictError(f"a {what} named {name!r} already exists in this tenant; pick another name") from exc
        raise


# ------------------------------------------------------------------------------------------ rules
async def add_rule(session: AsyncSession, row: RuleRow) -> RuleRow:
    """Insert a rule; a duplicate name is ALREADY_EXISTS."""
    session.add(row)
    await _flush_unique(session, "rule", row.name)
    return row


async def get_rule(session: AsyncSession, tenant: str, rule_id: str) -> RuleRow:
    """A rule of the tenant by id."""
    row = await session.get(RuleRow, rule_id)
    if row is None or row.tenant != tenant:
        raise NotFoundError(f"rule {rule_id!r} not found", metadata={"rule_id": rule_id})
    return row


async def get_rule_by_name(session: AsyncSession, tenant: str, name: str) -> RuleRow:
    """A rule of the tenant by name."""
    stmt = select(RuleRow).where(RuleRow.tenant == tenant, RuleRow.name == name)
    row = (await session.execute(stmt)).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"rule named {name!r} not found", metadata={"rule": name})
    return row


async def list_rules(
    session: AsyncSession,
    tenant: str,
    *,
    kind: str = "",
    enabled_only: bool = False,
    after: str | None = None,
    limit: int | None = None,
) -> list[RuleRow]:
    """Rules of a tenant ordered by name (keyset paging after ``after``)."""
    stmt = select(RuleRow).where(RuleRow.tenant == tenant)
    if kind:
        stmt = stmt.where(RuleRow.kind == kind.upper())
    if enabled_only:
        stmt = stmt.where(RuleRow.enabled.is_(True))
    if after is not None:
        stmt = stmt.where(RuleRow.name > after)
    stmt = stmt.order_by(RuleRow.name)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.execute(stmt)).scalars())


async def schedule_rules(session: AsyncSession) -> list[RuleRow]:
    """Every enabled SCHEDULE rule of every tenant (the scheduler runs them all)."""
    stmt = select(RuleRow).where(RuleRow.kind == "SCHEDULE", RuleRow.enabled.is_(True))
    return list((await session.execute(stmt)).scalars())


# ------------------------------------------------------------------------------------------ channels
async def add_channel(session: AsyncSession, row: ChannelRow) -> ChannelRow:
    """Insert a channel; a duplicate name is ALREADY_EXISTS."""
    session.add(row)
    await _flush_unique(session, "channel", row.name)
    return row


async def get_channel(session: AsyncSession, tenant: str, channel_id: str) -> ChannelRow:
    """A channel of the tenant by id."""
    row = await session.get(ChannelRow, channel_id)
    if row is None or row.tenant != tenant:
        raise NotFoundError(f"channel {channel_id!r} not found", metadata={"channel_id": channel_id})
    return row


async def get_channel_by_name(session: AsyncSession, tenant: str, name: str) -> ChannelRow | None:
    """A channel of the tenant by name, or None."""
    stmt = select(ChannelRow).where(ChannelRow.tenant == tenant, ChannelRow.name == name)
    return (await session.execute(stmt)).scalar_one_or_none()


async def list_channels(
    session: AsyncSession, tenant: str, *, after: str | None = None, limit: int | None = None
) -> list[ChannelRow]:
    """Channels of a tenant ordered by name."""
    stmt = select(ChannelRow).where(ChannelRow.tenant == tenant)
    if after is not None:
        stmt = stmt.where(ChannelRow.name > after)
    stmt = stmt.order_by(ChannelRow.name)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.execute(stmt)).scalars())


# ------------------------------------------------------------------------------------------ silences
async def add_silence(session: AsyncSession, row: SilenceRow) -> SilenceRow:
    """Insert a silence."""
    session.add(row)
    await session.flush()
    return row


async def list_silences(
    session: AsyncSession, tenant: str, *, after: list[Any] | None = None, limit: int | None = None
) -> list[SilenceRow]:
    """Silences of a tenant ordered by (created_at, id)."""
    stmt = select(SilenceRow).where(SilenceRow.tenant == tenant)
    if after is not None:
        at = datetime.fromisoformat(after[0])
        stmt = stmt.where(or_(SilenceRow.created_at > at, and_(SilenceRow.created_at == at, SilenceRow.id > after[1])))
    stmt = stmt.order_by(SilenceRow.created_at, SilenceRow.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.execute(stmt)).scalars())


async def delete_silence(session: AsyncSession, tenant: str, silence_id: str) -> None:
    """Delete a silence of the tenant."""
    row = await session.get(SilenceRow, silence_id)
    if row is None or row.tenant != tenant:
        raise NotFoundError(f"silence {silence_id!r} not found", metadata={"silence_id": silence_id})
    await session.delete(row)


# ------------------------------------------------------------------------------------------ checkpoints
async def save_checkpoint(session: AsyncSession, tenant: str, snapshot: dict[str, Any]) -> None:
    """Replace the tenant's engine checkpoint (JSON text: scores may be Infinity)."""
    row = await session.get(CheckpointRow, tenant)
    body = json.dumps(snapshot)
    if row is None:
        session.add(CheckpointRow(tenant=tenant, snapshot=body, updated_at=utcnow()))
    else:
        row.snapshot, row.updated_at = body, utcnow()


async def load_checkpoint(session: AsyncSession, tenant: str, *, consume: bool = True) -> dict[str, Any] | None:
    """The tenant's checkpoint, deleted once read so that an older state is never restored twice."""
    row = await session.get(CheckpointRow, tenant)
    if row is None:
        return None
    data: dict[str, Any] = json.loads(row.snapshot)
    if consume:
        await session.delete(row)
    return data


# ------------------------------------------------------------------------------------------ alerts
async def get_alert(session: AsyncSession, tenant: str, alert_id: str) -> AlertRow:
    """An alert of the tenant by id."""
    row = await session.get(AlertRow, alert_id)
    if row is None or row.tenant != tenant:
        raise NotFoundError(f"alert {alert_id!r} not found", metadata={"alert_id": alert_id})
    return row


async def list_alerts(
    session: AsyncSession,
    tenant: str,
    *,
    rule: str = "",
    state: str = "",
    severity: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    after: list[Any] | None = None,
    limit: int = 50,
) -> list[AlertRow]:
    """Alerts newest first (starts_at desc, id desc); label filters are applied by the caller."""
    stmt = select(AlertRow).where(AlertRow.tenant == tenant, AlertRow.state != "inactive")
    if rule:
        stmt = stmt.where(AlertRow.rule == rule)
    if state:
        stmt = stmt.where(AlertRow.state == state)
    if severity:
        stmt = stmt.where(AlertRow.severity == severity)
    if start is not None:
        stmt = stmt.where(AlertRow.starts_at >= start)
    if end is not None:
        stmt = stmt.where(AlertRow.starts_at < end)
    if after is not None:
        at = datetime.fromisoformat(after[0])
        stmt = stmt.where(or_(AlertRow.starts_at < at, and_(AlertRow.starts_at == at, AlertRow.id < after[1])))
    stmt = stmt.order_by(AlertRow.starts_at.desc(), AlertRow.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def changes_after(session: AsyncSession, tenant: str, cursor: int, limit: int = 500) -> list[AlertChange]:
    """Alert changes of the tenant with a cursor greater than ``cursor``, in cursor order."""
    stmt = (
        select(AlertChangeRow)
        .where(AlertChangeRow.tenant == tenant, AlertChangeRow.seq > cursor)
        .order_by(AlertChangeRow.seq)
        .limit(limit)
    )
    rows = (await session.execute(stmt)).scalars()
    return [AlertChange(r.seq, r.change, r.at.timestamp(), json.loads(r.snapshot)) for r in rows]


async def last_cursor(session: AsyncSession, tenant: str) -> int:
    """The cursor of the tenant's latest alert change (0 when there is none)."""
    stmt = select(func.max(AlertChangeRow.seq)).where(AlertChangeRow.tenant == tenant)
    return int((await session.execute(stmt)).scalar() or 0)


# ------------------------------------------------------------------------------------------ outbox
async def due_notifications(session: AsyncSession, limit: int = 100, scan: int = 1000) -> list[NotificationRow]:
    """Pending notifications that may be sent now, oldest first, in each alert's order.

    Per alert and channel only the oldest pending notification is eligible: a "resolved" never
    overtakes the "firing" it follows while that one is backing off after a failed delivery. It is
    sent when its next attempt is due and no other dispatcher holds its lease.
    """
    now = utcnow()
    stmt = (
        select(NotificationRow)
        .where(NotificationRow.status == "pending")
        .order_by(NotificationRow.created_at, NotificationRow.id)
        .limit(scan)
    )
    heads: dict[tuple[str, str, str], NotificationRow] = {}
    for row in (await session.execute(stmt)).scalars():
        heads.setdefault((row.tenant, row.alert_id, row.channel), row)
    due = [
        row
        for row in heads.values()
        if _aware(row.next_attempt_at) <= now and (row.lease_until is None or _aware(row.lease_until) < now)
    ]
    return sorted(due, key=lambda r: (_aware(r.next_attempt_at), _aware(r.created_at)))[:limit]


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


async def claim_notification(session: AsyncSession, notification_id: str, lease_s: float) -> bool:
    """Lease one notification (compare-and-set) so that two dispatchers never send it at once."""
    now = utcnow()
    result = await session.execute(
        update(NotificationRow)
        .where(
            NotificationRow.id == notification_id,
            NotificationRow.status == "pending",
            or_(NotificationRow.lease_until.is_(None), NotificationRow.lease_until < now),
        )
        .values(lease_until=now + timedelta(seconds=lease_s))
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def record_delivery(
    session: AsyncSession,
    note: NotificationRow,
    *,
    channel_id: str,
    ok: bool,
    reason: str = "",
    error: str = "",
    retry_in: float | None = None,
    give_up: bool = False,
) -> None:
    """Log one attempt and move the notification on: delivered, retried later, or failed for good.

    The error is stored with the secrets of the current scope (the channel's, registered when they were
    opened) masked: admins read the delivery log.
    """
    row = await session.get(NotificationRow, note.id)
    if row is None:
        return
    error = scrub(error)
    row.attempts += 1
    session.add(
        DeliveryRow(
            tenant=row.tenant,
            notification_id=row.id,
            alert_id=row.alert_id,
            channel=row.channel,
            channel_id=channel_id,
            kind=row.kind,
            attempt=row.attempts,
            status="delivered" if ok else "failed",
            reason=reason,
            error=error[:2000],
            at=utcnow(),
        )
    )
    row.lease_until = None
    if ok:
        row.status, row.delivered_at, row.last_error = "delivered", utcnow(), ""
    else:
        row.last_error = f"{reason}: {error}"[:2000]
        if give_up:
            row.status = "failed"
        else:
            row.next_attempt_at = utcnow() + timedelta(seconds=retry_in or 1.0)


async def list_deliveries(
    session: AsyncSession,
    tenant: str,
    *,
    channel_id: str = "",
    alert_id: str = "",
    after: int | None = None,
    limit: int = 50,
) -> list[DeliveryRow]:
    """Delivery attempts of a channel or an alert, oldest first."""
    stmt = select(DeliveryRow).where(DeliveryRow.tenant == tenant)
    if channel_id:
        stmt = stmt.where(DeliveryRow.channel_id == channel_id)
    if alert_id:
        stmt = stmt.where(DeliveryRow.alert_id == alert_id)
    if after is not None:
        stmt = stmt.where(DeliveryRow.id > after)
    return list((await session.execute(stmt.order_by(DeliveryRow.id).limit(limit))).scalars())


async def delete_rows(session: AsyncSession, model: Any, ids: Sequence[str]) -> None:
    """Delete rows by primary key (internal helper)."""
    await session.execute(delete(model).where(model.id.in_(ids)))


def new_row_id() -> str:
    """A fresh row id."""
    return new_id()


def touch(row: Any, subject: str) -> None:
    """Stamp an update: new etag, time and author."""
    row.etag, row.updated_at, row.updated_by = new_etag(), utcnow(), subject


@asynccontextmanager
async def read(db: Database) -> AsyncIterator[AsyncSession]:
    """A read-only session whose rows stay usable afterwards (detached before the rollback expires them)."""
    async with db.session(readonly=True) as s:
        try:
            yield s
        finally:
            s.expunge_all()
