"""Retention of cep's history: what the background sweep (``opsuite_common.db.retention``) deletes once it is
older than ``OPSUITE_CEP_HISTORY_RETENTION_S``.

- Outbox notifications ``delivered`` or ``failed`` (never ``pending`` ones), with the alert list of a group
  notification (``cep_notification_alerts``).
- Delivery log rows (``cep_deliveries``), except those of a notification still pending.
- ``resolved`` alerts whose last change is older (pending and firing ones never; ``inactive`` ones are
  deleted as they happen).
- The alert change history (``cep_alert_changes``, what WatchAlerts replays) is trimmed as a prefix per
  tenant: the oldest changes up to the first one recorded within the retention. The tenant's
  ``cep_sequences.purged_through`` is raised to the last cursor deleted, in the same transaction, so a
  WatchAlerts resuming from a cursor below it is refused (``CURSOR_PURGED``), never replayed with a gap;
  cursors are never reused (``last_seq`` keeps counting). A batch trims the tenants of the oldest changes
  before the cutoff (a page of at most ``TENANTS_PER_BATCH``; the next page, of other tenants, only when none of
  a page's could be trimmed, up to ``PAGES_PER_BATCH``), found through an index on ``recorded_at``: tenants with
  nothing to trim cost nothing (a walk over every tenant ran inside the batch's write transaction, which on a
  SQLite file held the write lock, and every tenant's event log appends, for as long as thousands took).

Alert ids are random and never reused, a fingerprint's dedup looks at its pending/firing alert only, and the
dispatcher reads only pending notifications: none of them needs the deleted rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_common.db import Purge, delete_batch_where

from .models import AlertChangeRow, AlertRow, DeliveryRow, NotificationAlertRow, NotificationRow, SequenceRow

__all__ = ["history_purges"]

_FINAL = ("delivered", "failed")


def _count(result: Any) -> int:
    count = cast(CursorResult[Any], result).rowcount
    return max(0, count or 0)


async def _notifications(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    where = [
        NotificationRow.status.in_(_FINAL),
        NotificationRow.created_at < cutoff,
        NotificationRow.next_attempt_at < cutoff,
        or_(NotificationRow.delivered_at.is_(None), NotificationRow.delivered_at < cutoff),
    ]
    ids = list((await session.execute(select(NotificationRow.id).where(*where).limit(limit))).scalars())
    if not ids:
        return 0
    await session.execute(delete(NotificationAlertRow).where(NotificationAlertRow.notification_id.in_(ids)))
    return _count(await session.execute(delete(NotificationRow).where(NotificationRow.id.in_(ids), *where)))


async def _deliveries(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    # NOT EXISTS, not NOT IN: with a large pending outbox (a channel down) it stays an anti-join on PostgreSQL.
    pending = select(NotificationRow.id).where(
        NotificationRow.id == DeliveryRow.notification_id, NotificationRow.status == "pending"
    )
    where = [DeliveryRow.at < cutoff, ~pending.exists()]
    return await delete_batch_where(session, DeliveryRow, where, limit)


async def _alerts(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    where = [AlertRow.state == "resolved", AlertRow.updated_at < cutoff]
    return await delete_batch_where(session, AlertRow, where, limit)


#: Rows of the oldest changes one page reads for their tenants (the tenants one batch trims, oldest first).
TENANTS_PER_BATCH = 200
#: Pages of tenants one batch reads at most when those of a page could not be trimmed (each page other tenants').
PAGES_PER_BATCH = 10


async def _changes(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    """Trim the oldest changes recorded before ``cutoff``, at most ``limit`` rows: the tenants of the oldest
    such changes first (found through ``ix_cep_alert_changes_recorded``), each as a prefix of its history.
    A page of tenants none of which can be trimmed (an earlier change of theirs is within the retention: a
    replica's clock behind the others') is passed over for the next, up to ``PAGES_PER_BATCH`` pages."""
    deleted, seen = 0, set[str]()
    for _page in range(PAGES_PER_BATCH):
        oldest = select(AlertChangeRow.tenant).where(AlertChangeRow.recorded_at < cutoff)
        if seen:  # the next page is other tenants': one tenant's many old rows never fill every page
            oldest = oldest.where(AlertChangeRow.tenant.not_in(seen))
        rows = (await session.execute(oldest.order_by(AlertChangeRow.recorded_at).limit(TENANTS_PER_BATCH))).all()
        if not rows:
            break
        for tenant in dict.fromkeys(t for (t,) in rows):
            room = limit - deleted
            if room <= 0:
                break
            seen.add(tenant)
            deleted += await _trim_prefix(session, tenant, cutoff, room)
        if deleted:
            break
    return deleted


async def _trim_prefix(session: AsyncSession, tenant: str, cutoff: datetime, room: int) -> int:
    """Delete ``tenant``'s oldest changes up to the first recorded within the retention (at most ``room``)."""
    prefix = (
        select(AlertChangeRow.seq, AlertChangeRow.recorded_at)
        .where(AlertChangeRow.tenant == tenant)
        .order_by(AlertChangeRow.seq)
        .limit(room)
    )
    through = 0
    for seq, recorded_at in (await session.execute(prefix)).all():
        if recorded_at is None:
            continue  # no clock (none is written without one): older than the old change after it, if any
        if recorded_at >= cutoff:
            break  # a prefix only: what follows a change within the retention stays too
        through = seq
    if not through:
        return 0
    # Raised first: the row lock orders this trim with concurrent sweeps of other replicas.
    await session.execute(
        update(SequenceRow)
        .where(SequenceRow.tenant == tenant, SequenceRow.purged_through < through)
        .values(purged_through=through)
    )
    result = await session.execute(
        delete(AlertChangeRow).where(and_(AlertChangeRow.tenant == tenant, AlertChangeRow.seq <= through))
    )
    return _count(result)


def history_purges(retention_s: float) -> list[Purge]:
    """The sweep's rules for ``retention_s`` seconds (0: nothing is deleted)."""
    return [
        Purge("cep_notifications", retention_s, _notifications),
        Purge("cep_deliveries", retention_s, _deliveries),
        Purge("cep_alerts", retention_s, _alerts),
        Purge("cep_alert_changes", retention_s, _changes),
    ]
