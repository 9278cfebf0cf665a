"""History retention (``OPSUITE_CEP_HISTORY_RETENTION_S``) on SQLite and PostgreSQL: one sweep deletes the
delivered/failed notifications, delivery rows, resolved alerts and alert changes older than the retention and
keeps the rest (firing alerts, pending notifications, recent rows); a WatchAlerts resuming from a purged
cursor is refused with CURSOR_PURGED, never replayed with a gap."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import grpc
import pytest
from sqlalchemy import select, update

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.app.watch import CursorPurgedError
from opsuite_cep.db.models import (
    AlertChangeRow,
    AlertRow,
    DeliveryRow,
    NotificationAlertRow,
    NotificationRow,
    SequenceRow,
)
from opsuite_common.db import utcnow
from opsuite_common.rpc_status import from_grpc_error

from .conftest import CPU, Cep, ev

DAY = 86_400.0


def _notification(nid: str, status: str, age_days: float, alert_id: str = "a") -> NotificationRow:
    at = utcnow() - timedelta(days=age_days)
    return NotificationRow(
        id=nid,
        tenant="tenant-a",
        alert_id=alert_id,
        channel="ops",
        kind="firing",
        payload="{}",
        status=status,
        attempts=1,
        next_attempt_at=at,
        last_error="",
        created_at=at,
        delivered_at=at if status == "delivered" else None,
    )


def _delivery(nid: str, age_days: float) -> DeliveryRow:
    return DeliveryRow(
        tenant="tenant-a",
        notification_id=nid,
        alert_id="a",
        channel="ops",
        channel_id="c",
        kind="firing",
        attempt=1,
        status="failed",
        at=utcnow() - timedelta(days=age_days),
    )


async def test_outbox_and_delivery_log_past_the_retention_are_deleted(start_cep, db_url: str) -> None:
    # No dispatcher: the pending notification stays pending (the sweep is run by hand).
    cep: Cep = await start_cep(db_url, background_tasks=False)
    app = cep.handle.app
    old, recent = 40, 2
    async with app.db.session() as s:
        s.add_all(
            [
                _notification("n-old-delivered", "delivered", old),
                _notification("n-old-failed", "failed", old),
                _notification("n-old-pending", "pending", old),
                _notification("n-new-delivered", "delivered", recent),
                _notification("n-old-group", "delivered", old, alert_id="g1"),
                NotificationAlertRow(notification_id="n-old-group", alert_id="a", tenant="tenant-a"),
                NotificationAlertRow(notification_id="n-new-delivered", alert_id="a", tenant="tenant-a"),
                _delivery("n-old-delivered", old),
                _delivery("n-old-pending", old),  # its notification is still to deliver: kept
                _delivery("n-new-delivered", recent),
            ]
        )

    deleted = await app.retention.sweep()
    assert deleted["cep_notifications"] == 3 and deleted["cep_deliveries"] == 1
    async with app.db.session(readonly=True) as s:
        notes = set((await s.execute(select(NotificationRow.id))).scalars())
        members = set((await s.execute(select(NotificationAlertRow.notification_id))).scalars())
        deliveries = set((await s.execute(select(DeliveryRow.notification_id))).scalars())
    assert notes == {"n-old-pending", "n-new-delivered"}
    assert members == {"n-new-delivered"}  # the group's alert list went with it
    assert deliveries == {"n-old-pending", "n-new-delivered"}
    assert set((await app.retention.sweep()).values()) == {0}


async def _backdate(cep: Cep, alert_ids: list[str], through_seq: int, days: float) -> None:
    then = utcnow() - timedelta(days=days)
    async with cep.handle.app.db.session() as s:
        await s.execute(update(AlertRow).where(AlertRow.id.in_(alert_ids)).values(updated_at=then))
        await s.execute(
            update(AlertChangeRow)
            .where(AlertChangeRow.tenant == "tenant-a", AlertChangeRow.seq <= through_seq)
            .values(recorded_at=then)
        )


async def _first_change(cep: Cep, after: int) -> cep_pb2.AlertChange:
    stream = cep.stub.WatchAlerts(cep_pb2.WatchAlertsRequest(after_cursor=after), metadata=cep.md())
    try:
        return await asyncio.wait_for(stream.read(), 10)
    finally:
        stream.cancel()


async def test_resolved_alerts_and_old_changes_are_deleted_and_a_purged_cursor_is_refused(
    start_cep, db_url: str
) -> None:
    cep: Cep = await start_cep(db_url, background_tasks=False)
    app = cep.handle.app
    await cep.rule(CPU)
    one = (await cep.publish([ev("e1", "metric", 0, cpu=95, host="h1")])).alerts[0]
    two = (await cep.publish([ev("e2", "metric", 1, cpu=96, host="h2")])).alerts[0]
    await cep.stub.ResolveAlert(cep_pb2.ResolveAlertRequest(id=one.id), metadata=cep.md())
    acked = await cep.stub.AcknowledgeAlert(cep_pb2.AcknowledgeAlertRequest(id=two.id), metadata=cep.md())
    last = acked.cursor
    # Event time (``at``) is 2023, but the changes were recorded now: nothing is old yet.
    assert set((await app.retention.sweep()).values()) == {0}

    # Everything but the acknowledgement happened 40 days ago; the second alert is still firing.
    await _backdate(cep, [one.id, two.id], last - 1, 40)
    deleted = await app.retention.sweep()
    assert deleted["cep_alerts"] == 1 and deleted["cep_alert_changes"] == last - 1
    async with app.db.session(readonly=True) as s:
        alerts = {a.id: a.state for a in (await s.execute(select(AlertRow))).scalars()}
        seqs = list((await s.execute(select(AlertChangeRow.seq).order_by(AlertChangeRow.seq))).scalars())
        purged = (await s.execute(select(SequenceRow.purged_through))).scalar_one()
    assert alerts == {two.id: "firing"}
    assert seqs == [last] and purged == last - 1
    assert [a.id for a in await cep.alerts()] == [two.id]

    # Resuming from a purged cursor: OUT_OF_RANGE naming the cursor to resume after, never a silent gap.
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await _first_change(cep, 1)
    assert info.value.code() == grpc.StatusCode.OUT_OF_RANGE
    err = from_grpc_error(info.value)
    assert isinstance(err, CursorPurgedError) and err.reason == "CURSOR_PURGED", err
    assert err.metadata["after_cursor"] == str(last - 1)
    assert "ListAlerts" in err.message
    # From the cursor it names, or from 0 (the oldest kept), the replay starts at the first change kept.
    assert (await _first_change(cep, last - 1)).cursor == last
    assert (await _first_change(cep, 0)).cursor == last
    # Cursors are never reused: the next change continues the sequence.
    changed = await cep.stub.ResolveAlert(cep_pb2.ResolveAlertRequest(id=two.id), metadata=cep.md())
    assert changed.cursor == last + 1


async def test_zero_retention_keeps_the_history(start_cep, sqlite_url: str) -> None:
    cep: Cep = await start_cep(sqlite_url, history_retention_s=0)
    async with cep.handle.app.db.session() as s:
        s.add(_notification("n-ancient", "delivered", 3000))
    assert not cep.handle.app.retention.enabled
    assert await cep.handle.app.retention.sweep() == {}


async def test_the_sweep_runs_only_with_background_tasks(start_cep, tmp_path) -> None:
    on: Cep = await start_cep(f"sqlite:///{tmp_path / 'on.db'}")
    assert on.handle.app.retention._task is not None
    off: Cep = await start_cep(f"sqlite:///{tmp_path / 'off.db'}", background_tasks=False)
    assert off.handle.app.retention._task is None
