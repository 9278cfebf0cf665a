"""Repositories of cep: one class per kind of row, bound to a session and the caller's tenant.

Every query filters by the tenant, so another tenant's row is simply not found. The use cases in
``app/`` own the session (one transaction per use case) and the page tokens: ``list_<things>(limit,
after)`` returns up to ``limit + 1`` rows after the keyset ``after``, the extra one telling that
another page follows. Background work that spans every tenant (the outbox, the schedule rules) uses
the session-only :class:`NotificationQueue` and :class:`ScheduleIndex`. Alerts are in
:mod:`opsuite_cep.db.alerts` (:class:`~opsuite_cep.db.alerts.AlertRepository`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, Table, and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.db.alerts import AlertRepository
from opsuite_cep.db.eventlog import upsert
from opsuite_cep.db.models import (
    ChannelRow,
    CheckpointRow,
    DeliveryRow,
    NotificationAlertRow,
    NotificationRow,
    PartitionEpochRow,
    RuleRow,
    SilenceRow,
)
from opsuite_common.db import is_unique_violation, utcnow
from opsuite_common.errors import ConflictError, NotFoundError
from opsuite_common.secretscope import scrub

__all__ = [
    "AlertRepository",
    "ChannelRepository",
    "CheckpointRepository",
    "DeliveryRepository",
    "NotificationQueue",
    "PartitionEpochs",
    "RuleRepository",
    "ScheduleIndex",
    "SilenceRepository",
]


async def _flush_unique(session: AsyncSession, what: str, name: str) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise ConflictError(f"a {what} named {name!r} already exists in this tenant; pick another name") from exc
        raise


class _TenantBound:
    """Bound to a session and the caller's tenant."""

    def __init__(self, session: AsyncSession, tenant: str) -> None:
        """Bind to a session and the caller's tenant."""
        self.s, self.tenant = session, tenant


class RuleRepository(_TenantBound):
    """Rules of one tenant."""

    async def add(self, row: RuleRow) -> RuleRow:
        """Insert a rule; a duplicate name is ALREADY_EXISTS."""
        row.tenant = self.tenant
        self.s.add(row)
        await _flush_unique(self.s, "rule", row.name)
        return row

    async def flush_rename(self, row: RuleRow) -> None:
        """Flush an update that may have changed the name (a duplicate is ALREADY_EXISTS)."""
        await _flush_unique(self.s, "rule", row.name)

    async def get(self, *, id: str = "", name: str = "") -> RuleRow:
        """A rule by id or name; NotFoundError otherwise (also for another tenant's)."""
        if id:
            row = await self.s.get(RuleRow, id)
            if row is None or row.tenant != self.tenant:
                raise NotFoundError(f"rule {id!r} not found", metadata={"rule_id": id})
            return row
        stmt = select(RuleRow).where(RuleRow.tenant == self.tenant, RuleRow.name == name)
        found = (await self.s.execute(stmt)).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"rule named {name!r} not found", metadata={"rule": name})
        return found

    async def list_rules(self, limit: int, after: list[Any] | None, *, kind: str = "") -> list[RuleRow]:
        """Ordered by name, after the keyset ``after`` ([name])."""
        stmt = select(RuleRow).where(RuleRow.tenant == self.tenant)
        if kind:
            stmt = stmt.where(RuleRow.kind == kind.upper())
        if after:
            stmt = stmt.where(RuleRow.name > after[0])
        stmt = stmt.order_by(RuleRow.name).limit(limit + 1)
        return list((await self.s.execute(stmt)).scalars())

    async def all_rules(self, *, enabled_only: bool = False) -> list[RuleRow]:
        """Every rule of the tenant (or every enabled one) by name: what its engine runs."""
        stmt = select(RuleRow).where(RuleRow.tenant == self.tenant)
        if enabled_only:
            stmt = stmt.where(RuleRow.enabled.is_(True))
        return list((await self.s.execute(stmt.order_by(RuleRow.name))).scalars())

    async def delete(self, row: RuleRow) -> None:
        """Remove the rule (its alerts stay in the history)."""
        await self.s.delete(row)
        await self.s.flush()


class ChannelRepository(_TenantBound):
    """Channels of one tenant."""

    async def add(self, row: ChannelRow) -> ChannelRow:
        """Insert a channel; a duplicate name is ALREADY_EXISTS."""
        row.tenant = self.tenant
        self.s.add(row)
        await _flush_unique(self.s, "channel", row.name)
        return row

    async def get(self, id: str) -> ChannelRow:
        """A channel by id; NotFoundError otherwise (also for another tenant's)."""
        row = await self.s.get(ChannelRow, id)
        if row is None or row.tenant != self.tenant:
            raise NotFoundError(f"channel {id!r} not found", metadata={"channel_id": id})
        return row

    async def find(self, name: str) -> ChannelRow | None:
        """A channel by name, or None."""
        stmt = select(ChannelRow).where(ChannelRow.tenant == self.tenant, ChannelRow.name == name)
        return (await self.s.execute(stmt)).scalar_one_or_none()

    async def names(self) -> set[str]:
        """The names of every channel (rules refer to channels by name)."""
        stmt = select(ChannelRow.name).where(ChannelRow.tenant == self.tenant)
        return set((await self.s.execute(stmt)).scalars())

    async def list_channels(self, limit: int, after: list[Any] | None) -> list[ChannelRow]:
        """Ordered by name, after the keyset ``after`` ([name])."""
        stmt = select(ChannelRow).where(ChannelRow.tenant == self.tenant)
        if after:
            stmt = stmt.where(ChannelRow.name > after[0])
        stmt = stmt.order_by(ChannelRow.name).limit(limit + 1)
        return list((await self.s.execute(stmt)).scalars())

    async def delete(self, row: ChannelRow) -> None:
        """Remove the channel."""
        await self.s.delete(row)
        await self.s.flush()


class SilenceRepository(_TenantBound):
    """Silences of one tenant."""

    async def add(self, row: SilenceRow) -> SilenceRow:
        """Insert a silence."""
        row.tenant = self.tenant
        self.s.add(row)
        await self.s.flush()
        return row

    async def list_silences(self, limit: int, after: list[Any] | None) -> list[SilenceRow]:
        """Ordered by (created_at, id), after the keyset ``after`` ([created_at ISO, id])."""
        stmt = self._ordered()
        if after:
            at = datetime.fromisoformat(after[0])
            stmt = stmt.where(
                or_(SilenceRow.created_at > at, and_(SilenceRow.created_at == at, SilenceRow.id > after[1]))
            )
        return list((await self.s.execute(stmt.limit(limit + 1))).scalars())

    async def all_silences(self) -> list[SilenceRow]:
        """Every silence of the tenant, by creation time: what its engine mutes with."""
        return list((await self.s.execute(self._ordered())).scalars())

    def _ordered(self) -> Select[SilenceRow]:
        return select(SilenceRow).where(SilenceRow.tenant == self.tenant).order_by(SilenceRow.created_at, SilenceRow.id)

    async def count(self) -> int:
        """How many silences the tenant has (ended ones included)."""
        stmt = select(func.count()).select_from(SilenceRow).where(SilenceRow.tenant == self.tenant)
        return int((await self.s.execute(stmt)).scalar_one())

    async def delete_ended_before(self, cutoff: datetime) -> int:
        """Delete the tenant's silences that ended before ``cutoff`` (past their retention); returns how many."""
        stmt = delete(SilenceRow).where(SilenceRow.tenant == self.tenant, SilenceRow.ends_at < cutoff)
        return int(getattr(await self.s.execute(stmt), "rowcount", 0) or 0)

    async def delete(self, id: str) -> None:
        """Delete a silence; NotFoundError when absent or another tenant's."""
        row = await self.s.get(SilenceRow, id)
        if row is None or row.tenant != self.tenant:
            raise NotFoundError(f"silence {id!r} not found", metadata={"silence_id": id})
        await self.s.delete(row)
        await self.s.flush()


class CheckpointRepository(_TenantBound):
    """The engine checkpoints of one tenant (JSON text: scores may be Infinity) and their log positions,
    one per engine unit (``""``: the tenant's one engine; ``p<partition>.<scope>`` with replicas)."""

    async def save(self, snapshot: dict[str, Any], position: int = 0, unit: str = "") -> None:
        """Replace a unit's checkpoint; ``position`` is the last event log record it includes. A partition's
        owner saves only under its epoch (:class:`PartitionEpochs`), so a stale owner writes none."""
        row = await self.s.get(CheckpointRow, (self.tenant, unit))
        body = json.dumps(snapshot)
        if row is None:
            self.s.add(
                CheckpointRow(tenant=self.tenant, unit=unit, snapshot=body, updated_at=utcnow(), log_position=position)
            )
        else:
            row.snapshot, row.updated_at, row.log_position = body, utcnow(), position

    @staticmethod
    async def tenants(session: AsyncSession) -> list[str]:
        """Every tenant that has a checkpoint of its one engine (unit "")."""
        return list((await session.execute(select(CheckpointRow.tenant).where(CheckpointRow.unit == ""))).scalars())

    async def load(self, unit: str = "") -> tuple[dict[str, Any], int] | None:
        """A unit's checkpoint and the log position it includes (kept: a restart replays the log after it)."""
        row = await self.s.get(CheckpointRow, (self.tenant, unit))
        if row is None:
            return None
        data: dict[str, Any] = json.loads(row.snapshot)
        return data, int(row.log_position)

    @staticmethod
    async def positions_of_units(session: AsyncSession, units: list[str]) -> list[int]:
        """The log positions of every tenant's checkpoints of these units (a partition's owner starts after
        the oldest)."""
        stmt = select(CheckpointRow.log_position).where(CheckpointRow.unit.in_(units))
        return [int(p) for p in (await session.execute(stmt)).scalars()]


class PartitionEpochs:
    """The fencing tokens of the partitions of the event stream (bound to the session only: a partition
    holds units of many tenants). A partition's owner claims a new epoch before it reads the partition's
    checkpoints, and writes checkpoints only while :meth:`holds` that epoch."""

    def __init__(self, session: AsyncSession) -> None:
        """Bind to a session."""
        self.s = session

    async def claim(self, partition: int, owner: str) -> int:
        """Raise the partition's epoch by one (1 when it has none) and return it: every earlier claimant is
        fenced from now on. On PostgreSQL the row stays locked until the caller's transaction ends."""
        table: Table = PartitionEpochRow.__table__  # type: ignore[assignment]
        insert = upsert(self.s, table).values(partition=partition, epoch=1, owner=owner, claimed_at=utcnow())
        stmt = insert.on_conflict_do_update(
            index_elements=[table.c.partition],
            set_={"epoch": table.c.epoch + 1, "owner": owner, "claimed_at": utcnow()},
        ).returning(table.c.epoch)
        return int((await self.s.execute(stmt)).scalar_one())

    async def holds(self, partition: int, epoch: int) -> bool:
        """Whether ``epoch`` is still the partition's current one; the row is then locked (PostgreSQL) until
        the caller's transaction ends, so no claim slips in before its writes commit."""
        result = await self.s.execute(
            update(PartitionEpochRow)
            .where(PartitionEpochRow.partition == partition, PartitionEpochRow.epoch == epoch)
            .values(epoch=epoch)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


class DeliveryRepository(_TenantBound):
    """The delivery log of one tenant (written by :meth:`NotificationQueue.record_delivery`)."""

    async def list_deliveries(
        self, limit: int, after: list[Any] | None, *, channel_id: str = "", alert_id: str = ""
    ) -> list[DeliveryRow]:
        """Attempts of a channel or an alert (either may be empty; an alert's include those of the group
        notifications that carried it), oldest first, after the keyset ([id])."""
        stmt = select(DeliveryRow).where(DeliveryRow.tenant == self.tenant)
        if channel_id:
            stmt = stmt.where(DeliveryRow.channel_id == channel_id)
        if alert_id:
            groups = select(NotificationAlertRow.notification_id).where(
                NotificationAlertRow.tenant == self.tenant, NotificationAlertRow.alert_id == alert_id
            )
            stmt = stmt.where(or_(DeliveryRow.alert_id == alert_id, DeliveryRow.notification_id.in_(groups)))
        if after:
            stmt = stmt.where(DeliveryRow.id > int(after[0]))
        return list((await self.s.execute(stmt.order_by(DeliveryRow.id).limit(limit + 1))).scalars())


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


class NotificationQueue:
    """The outbox of every tenant, for the dispatcher (bound to the session only: it serves all tenants)."""

    def __init__(self, session: AsyncSession) -> None:
        """Bind to a session."""
        self.s = session

    async def due(self, limit: int = 100, scan: int = 1000) -> list[NotificationRow]:
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
        for row in (await self.s.execute(stmt)).scalars():
            heads.setdefault((row.tenant, row.alert_id, row.channel), row)
        due = [
            row
            for row in heads.values()
            if _aware(row.next_attempt_at) <= now and (row.lease_until is None or _aware(row.lease_until) < now)
        ]
        return sorted(due, key=lambda r: (_aware(r.next_attempt_at), _aware(r.created_at)))[:limit]

    async def pending_count(self) -> int:
        """How many notifications wait for delivery (the outbox's depth), due now or backing off."""
        stmt = select(func.count()).select_from(NotificationRow).where(NotificationRow.status == "pending")
        return int((await self.s.execute(stmt)).scalar_one())

    async def claim(self, notification_id: str, lease_s: float) -> bool:
        """Lease one notification (compare-and-set) so that two dispatchers never send it at once."""
        now = utcnow()
        result = await self.s.execute(
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
        self,
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
        row = await self.s.get(NotificationRow, note.id)
        if row is None:
            return
        error = scrub(error)
        row.attempts += 1
        self.s.add(
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


class ScheduleIndex:
    """The SCHEDULE rules of every tenant, for the scheduler (bound to the session only)."""

    def __init__(self, session: AsyncSession) -> None:
        """Bind to a session."""
        self.s = session

    async def enabled_schedule_rules(self) -> list[RuleRow]:
        """Every enabled SCHEDULE rule of every tenant (the scheduler runs them all)."""
        stmt = select(RuleRow).where(RuleRow.kind == "SCHEDULE", RuleRow.enabled.is_(True))
        return list((await self.s.execute(stmt)).scalars())
