"""A caller giving up while its alerts are being written must not lose them (found in review)."""

from __future__ import annotations

import sqlite3

import grpc
import pytest
from sqlalchemy.engine import make_url

from opsuite.cep.v1 import cep_pb2
from opsuite_common.testing.eventually import eventually

from .conftest import ev


async def test_alerts_of_a_cancelled_publish_are_still_committed(sqlite_url, start_cep):
    cep = await start_cep(sqlite_url)
    await cep.rule(
        {
            "name": "hot",
            "kind": "THRESHOLD",
            "event_type": "m",
            "spec": {"condition": {"field": "v", "op": ">", "value": 1}},
        }
    )
    await cep.publish([ev("warm", "other", 999)])  # load the tenant's engine before the database is busy
    # Hold SQLite's write lock so the alert write has to wait (as under a slow or busy database).
    blocker = sqlite3.connect(make_url(sqlite_url).database, timeout=0.05)

    async def take_write_lock() -> bool:
        # Without blocking the server's event loop: its background writes (log, ticks) may hold it a moment.
        try:
            blocker.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        return True

    await eventually(take_write_lock, timeout=30, interval=0.05, what="SQLite's write lock")
    try:
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await cep.stub.PublishEvents(
                cep_pb2.PublishEventsRequest(events=[ev("e1", "m", 1_000, v=5)]), metadata=cep.md(), timeout=0.5
            )
        assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED  # the caller gave up mid-commit
    finally:
        blocker.rollback()
        blocker.close()
    alerts = await eventually(cep.alerts, what="the shielded alert write to finish once the lock is released")
    assert [(a.rule, cep_pb2.AlertState.Name(a.state)) for a in alerts] == [("hot", "FIRING")]
    # Resending the same event is a duplicate, and the alert is not written twice.
    reply = await cep.publish([ev("e1", "m", 1_000, v=5)])
    assert reply.duplicates == 1
    assert len(await cep.alerts()) == 1
