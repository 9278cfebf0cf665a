"""Retention: the execution log sweep and the per-API version cap, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite_api_manager.db import ApiRow, ApiVersionRow, ExecutionRepository, ExecutionRow
from opsuite_common.db import utcnow
from opsuite_common.errors import NotFoundError

pytestmark = pytest.mark.asyncio

DAY = 86_400.0


def _sql(c: Any, name: str, description: str = "") -> pb.ApiDefinition:
    return c.api_def(
        name,
        description=description,
        kind=pb.SQL,
        sql=pb.SqlSpec(data_source="reports", statement="SELECT 1"),
    )


def _execution(tag: str, status: str, started_days_ago: float, duration_s: float = 1.0) -> ExecutionRow:
    return ExecutionRow(
        id=str(uuid.uuid4()),
        api_id="api-1",
        api_name=tag,
        api_version=1,
        kind="SQL",
        caller="someone",
        params={},
        status=status,
        started_at=utcnow() - timedelta(days=started_days_ago),
        duration_ms=duration_s * 1000.0,
        steps=[{"step": "one"}],
        logs=["a log line"],
    )


async def test_executions_that_ended_past_the_retention_are_deleted(start_lite, db_url):
    c = await start_lite(db_url=db_url, execution_retention_s=30 * DAY)
    app = c.handle.app
    rows = {
        ("t-one", "old-ok"): _execution("old-ok", "SUCCEEDED", 40),
        ("t-one", "old-failed"): _execution("old-failed", "FAILED", 31),
        ("t-two", "old-other-tenant"): _execution("old-other-tenant", "SUCCEEDED", 45),
        ("t-one", "old-running"): _execution("old-running", "RUNNING", 40),
        ("t-one", "recent"): _execution("recent", "SUCCEEDED", 1),
        # Started just past the cutoff but ran for an hour: it ended within the retention.
        ("t-one", "ended-late"): _execution("ended-late", "SUCCEEDED", 30 + 60 / DAY, duration_s=3600),
    }
    for (tenant, _), row in rows.items():
        async with app.db.session() as s:
            await ExecutionRepository(s, tenant).add(row)

    deleted = await app.retention.sweep()
    assert deleted == {"am_executions": 3, "am_apis (deleted)": 0}
    async with app.db.session(readonly=True) as s:
        left = set((await s.execute(select(ExecutionRow.api_name))).scalars())
    assert left == {"old-running", "recent", "ended-late"}
    assert await app.retention.sweep() == {"am_executions": 0, "am_apis (deleted)": 0}


async def test_apis_an_older_replica_soft_deleted_are_removed_with_their_versions(start_lite, db_url, sqlite_source):
    # DeleteApi deletes at once; a replica on the code before it marks ``deleted_at`` instead (rolling upgrade).
    c = await start_lite(db_url=db_url, execution_retention_s=30 * DAY)
    app = c.handle.app
    await c.data_source("reports", sqlite_source)
    ids = {name: (await c.create(_sql(c, name))).meta.id for name in ("old-tombstone", "new-tombstone", "live")}
    async with app.db.session() as s:
        for name, days in (("old-tombstone", 40), ("new-tombstone", 1)):
            row = await s.get(ApiRow, ids[name])
            row.deleted_at = utcnow() - timedelta(days=days)
    assert (await app.retention.sweep())["am_apis (deleted)"] == 1
    async with app.db.session(readonly=True) as s:
        assert set((await s.execute(select(ApiRow.name))).scalars()) == {"new-tombstone", "live"}
        versions = set((await s.execute(select(ApiVersionRow.api_id))).scalars())
    assert versions == {ids["new-tombstone"], ids["live"]}


async def test_zero_retention_keeps_executions_for_ever(start_lite, db_url):
    c = await start_lite(db_url=db_url, execution_retention_s=0)
    app = c.handle.app
    async with app.db.session() as s:
        await ExecutionRepository(s, "t-one").add(_execution("ancient", "SUCCEEDED", 3000))
    assert not app.retention.enabled
    assert await app.retention.sweep() == {}
    async with app.db.session(readonly=True) as s:
        assert list((await s.execute(select(ExecutionRow.api_name))).scalars()) == ["ancient"]


async def _versions(c: Any, api_id: str) -> list[int]:
    listed = await c.stub.ListApiVersions(pb.ListApiVersionsRequest(api_id=api_id), metadata=c.md("viewer"))
    return [v.version for v in listed.versions]


async def test_versions_beyond_the_cap_are_pruned_and_named_when_asked_for(start_lite, db_url, sqlite_source):
    c = await start_lite(db_url=db_url, max_versions_per_api=3)
    await c.data_source("reports", sqlite_source)
    api = await c.create(_sql(c, "item", "v1"))
    for n in range(2, 7):  # five updates: versions 2..6
        api = await c.stub.UpdateApi(
            pb.UpdateApiRequest(id=api.meta.id, api=_sql(c, "item", f"v{n}"), etag=api.meta.etag),
            metadata=c.md("editor"),
        )
    assert api.version == 6
    assert await _versions(c, api.meta.id) == [4, 5, 6]  # the newest three, the current one among them

    err = await c.error(
        c.stub.RollbackApi(pb.RollbackApiRequest(api_id=api.meta.id, version=1), metadata=c.md("editor"))
    )
    assert isinstance(err, NotFoundError), err
    assert "version 1" in err.message and "pruned" in err.message
    assert "versions 4 to 6 remain" in err.message
    assert err.metadata["oldest_version"] == "4" and err.metadata["pruned"] == "true"
    err = await c.error(
        c.stub.GetApiVersion(pb.GetApiVersionRequest(api_id=api.meta.id, version=3), metadata=c.md("viewer"))
    )
    assert isinstance(err, NotFoundError) and "pruned" in err.message, err
    # A version that never existed is an ordinary NOT_FOUND.
    err = await c.error(
        c.stub.GetApiVersion(pb.GetApiVersionRequest(api_id=api.meta.id, version=9), metadata=c.md("viewer"))
    )
    assert isinstance(err, NotFoundError) and "pruned" not in err.message, err

    # A rollback to a kept version works, is a new version, and prunes in turn.
    rolled = await c.stub.RollbackApi(
        pb.RollbackApiRequest(api_id=api.meta.id, version=4, etag=api.meta.etag), metadata=c.md("editor")
    )
    assert rolled.version == 7 and rolled.definition.description == "v4"
    assert await _versions(c, api.meta.id) == [5, 6, 7]
    current = await c.stub.GetApi(pb.GetApiRequest(id=api.meta.id), metadata=c.md("viewer"))
    assert current.version == 7 and current.definition.description == "v4"


async def test_no_version_cap_keeps_every_version(start_lite, db_url, sqlite_source):
    c = await start_lite(db_url=db_url, max_versions_per_api=0)
    await c.data_source("reports", sqlite_source)
    api = await c.create(_sql(c, "item", "v1"))
    for n in range(2, 5):
        api = await c.stub.UpdateApi(
            pb.UpdateApiRequest(id=api.meta.id, api=_sql(c, "item", f"v{n}")), metadata=c.md("editor")
        )
    assert await _versions(c, api.meta.id) == [1, 2, 3, 4]
