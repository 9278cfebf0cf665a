"""Two ApiServices on one database, as two replicas in one process: the cached target follows the other's
writes (adapters/freshness.py: every cache hit reads the API's id and version, on SQLite and PostgreSQL).

The strict guarantee across real processes (a call that starts after the write answered runs what was
written) is tests/test_replicas.py; here it holds with nothing to wait for, since b reads at each hit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from opsuite_api_manager.adapters.freshness import PgVersionCheck, SqliteVersionCheck, freshness_for
from opsuite_api_manager.app.apis import ApiRef, ApiService
from opsuite_api_manager.app.definitions import ApiDefinition, Limits
from opsuite_api_manager.app.outcomes import Caller
from opsuite_api_manager.db import MIGRATIONS_DIR, VERSION_TABLE
from opsuite_common.db import Database, run_migrations
from opsuite_common.errors import NotFoundError

CALLER = Caller("t", "alice")
LIMITS = Limits(max_timeout_s=60, max_row_limit=1000, max_workflow_steps=10)


def _script(name: str, value: int) -> ApiDefinition:
    return ApiDefinition(
        name=name, kind="SCRIPT", spec={"source": f"def main(params, input, ctx):\n    return {value}\n"}
    )


Replicas = tuple[ApiService, ApiService]


@pytest.fixture
async def replicas(db_url: str) -> AsyncIterator[Replicas]:
    """Replica a and b: a Database, a freshness check and an ApiService each, on one database."""
    dbs = [Database.from_url(db_url), Database.from_url(db_url)]
    await run_migrations(dbs[0].engine, MIGRATIONS_DIR, VERSION_TABLE)
    checks = [freshness_for(db) for db in dbs]
    for check in checks:
        await check.start()
    assert all(isinstance(c, PgVersionCheck) for c in checks) or all(isinstance(c, SqliteVersionCheck) for c in checks)
    try:
        yield ApiService(dbs[0], LIMITS, checks[0]), ApiService(dbs[1], LIMITS, checks[1])
    finally:
        for check, db in zip(checks, dbs, strict=True):
            await check.aclose()
            await db.dispose()


async def _version(service: ApiService, ref: ApiRef) -> tuple[int, str]:
    target = await service.load_target(CALLER, ref)
    return target.version, target.definition.spec["source"]


async def test_the_other_replicas_cache_follows_update_rollback_and_delete(replicas: Replicas) -> None:
    a, b = replicas
    row = await a.create(CALLER, _script("q", 1))
    by_name, by_id = ApiRef(name="q"), ApiRef(id=row.id)
    assert (await _version(b, by_name))[0] == 1  # cached by b (well within its 2 s)
    assert (await _version(b, by_id))[0] == 1
    updated = await a.update(CALLER, row.id, _script("q", 2), row.etag)
    assert (await _version(b, by_name))[0] == (await _version(b, by_id))[0] == 2
    await a.rollback(CALLER, row.id, 1, updated.etag)
    assert await _version(b, by_name) == (3, _script("q", 1).spec["source"])
    await a.delete(CALLER, row.id, "")
    with pytest.raises(NotFoundError):
        await b.load_target(CALLER, by_name)
    fresh = await a.create(CALLER, _script("q", 4))
    assert (await b.load_target(CALLER, by_name)).api_id == fresh.id


async def test_a_replica_that_cannot_read_its_database_trusts_no_cache_entry() -> None:
    db = Database.from_url("postgresql://postgres@127.0.0.1:1/test")
    check = PgVersionCheck(db)
    await check.start()
    try:
        assert not await check.api_current("t", "", "q", "id", 1)
        assert not await check.source_current("t", "s", "id")
    finally:
        await check.aclose()
        await db.dispose()


async def test_sqlite_check_compares_id_and_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = Database.from_url(f"sqlite:///{tmp_path / 'am.db'}")
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    check = SqliteVersionCheck(str(tmp_path / "am.db"))
    await check.start()
    try:
        service = ApiService(db, LIMITS, check)
        row = await service.create(CALLER, _script("q", 1))
        assert check.api_current("t", "", "q", row.id, 1) and check.api_current("t", row.id, "", row.id, 1)
        assert not check.api_current("t", "", "q", row.id, 2)
        assert not check.api_current("t", "", "q", "another-id", 1)
        assert not check.api_current("other-tenant", "", "q", row.id, 1)
        assert not check.source_current("t", "missing", "id")
    finally:
        await check.aclose()
        await db.dispose()


@pytest.mark.postgres
async def test_postgresql_check_compares_id_and_version(pg_url: str) -> None:
    db = Database.from_url(pg_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    check = PgVersionCheck(db)
    try:
        row = await ApiService(db, LIMITS, check).create(CALLER, _script("q", 1))
        assert await check.api_current("t", "", "q", row.id, 1) and await check.api_current("t", row.id, "", row.id, 1)
        assert not await check.api_current("t", "", "q", row.id, 2)
        assert not await check.api_current("t", "", "q", "another-id", 1)
        assert not await check.api_current("other-tenant", "", "q", row.id, 1)
        assert not await check.source_current("t", "missing", "id")
    finally:
        await check.aclose()
        await db.dispose()


@pytest.mark.postgres
async def test_postgresql_reads_a_sql_api_s_data_source_with_the_api_for_that_run_only(pg_url: str) -> None:
    from sqlalchemy import text

    from opsuite_api_manager.adapters.freshness import forget_source_reads
    from opsuite_api_manager.db import DataSourceRow
    from opsuite_common.db import utcnow

    db = Database.from_url(pg_url)
    await run_migrations(db.engine, MIGRATIONS_DIR, VERSION_TABLE)
    check = PgVersionCheck(db)
    try:
        async with db.session() as s:
            s.add(
                DataSourceRow(
                    id="ds-1", tenant="t", name="reports", url_encrypted="x", url_masked="x", dialect="sqlite",
                    etag="e", created_at=utcnow(), updated_at=utcnow(),
                )
            )  # fmt: skip
        spec = {"data_source": "reports", "statement": "SELECT 1"}
        row = await ApiService(db, LIMITS, check).create(CALLER, ApiDefinition(name="q", kind="SQL", spec=spec))
        api = (row.id, 1)
        assert await check.api_current("t", "", "q", row.id, 1)
        # Read with the API: answered without an awaited read, for that API version's run, once.
        assert not await check.source_current("t", "reports", "another-id", api=(row.id, 2))  # not its: reads
        assert check.source_current("t", "reports", "ds-1", api=api) is True
        async with db.session() as s:
            await s.execute(text("DELETE FROM am_data_sources WHERE id = 'ds-1'"))
        assert not await check.source_current("t", "reports", "ds-1", api=api)  # used up: read again
        assert await check.api_current("t", "", "q", row.id, 1)
        assert check.source_current("t", "reports", "ds-1", api=api) is False  # the read saw it deleted
        assert await check.api_current("t", "", "q", row.id, 1)
        forget_source_reads()  # a new call: an earlier check's read no longer stands in
        assert not await check.source_current("t", "reports", "ds-1", api=api)
    finally:
        await check.aclose()
        await db.dispose()
