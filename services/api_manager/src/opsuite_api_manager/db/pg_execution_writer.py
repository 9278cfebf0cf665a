"""Write batches of execution records to a PostgreSQL metadata database: one statement, one round trip.

Through the async engine a batch cost a pre-ping, ``BEGIN``, an ``INSERT`` (``executemany``), an ``UPDATE``
and ``COMMIT``. Here it is one statement in autocommit on a connection of its own
(:class:`~opsuite_api_manager.db.pg_connections.PgConnections`), so it commits whole or not at all:

- new records: one multi-row ``INSERT``;
- ends of runs: one ``UPDATE ... FROM (VALUES ...)`` matched by id and tenant, ``RETURNING`` the ids it
  updated, so an end whose RUNNING row is missing is reported for that record alone (never acknowledged);
- both: the ``INSERT`` as a data-modifying ``WITH`` part of the ``UPDATE``.

A part of one statement does not see the rows another part inserts, so an end that arrives in the same
batch as its own RUNNING row (a caller cancelled while its insert was queued) is folded into that insert:
the row is inserted as it ended, as the same transaction's insert-then-update would have left it.
Values go through each column type's own bind processor for this dialect (JSON, UTCDateTime...), so rows
are stored exactly as the ORM stores them.

Durability: a batch of RUNNING rows only (the start of runs; nothing a caller is answered with as final)
goes on a second connection whose session has ``synchronous_commit = off``: committed and visible to every
session at once, and kept if this process dies (kill -9), without waiting for the WAL flush. Every other
batch (ends of runs, REJECTED records) waits for the flush as before; since the WAL is flushed in order,
it also makes every RUNNING row committed before it durable, and PostgreSQL's WAL writer flushes them
within a fraction of a second anyway. What an async commit gives up is the few RUNNING rows of the last
moment before a crash of the PostgreSQL server itself; their runs get no end written either, so nothing
acknowledged is lost (the SQLite store, ``synchronous=NORMAL`` in WAL mode, has that property for every
commit). On a disk where a flush takes milliseconds this halves the flushes ExecuteApi waits for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from opsuite_common.db import Database, translate_db_error

from .execution_writer import EXECUTIONS_TABLE
from .pg_connections import PgConnections, wrap_pg_error

__all__ = ["PgExecutionWriter"]

_TABLE = EXECUTIONS_TABLE


class PgExecutionWriter:
    """Writes batches of execution records (``am_executions``) to the PostgreSQL database behind ``db``."""

    def __init__(self, db: Database, *, application_name: str = "api_manager") -> None:
        """Two connections of its own (opened when first needed; see Durability); one batch at a time."""
        dialect = db.engine.dialect
        self._connections = PgConnections(db.engine.url, max_size=1, application_name=application_name)
        self._starts = PgConnections(
            db.engine.url, max_size=1, application_name=application_name, settings={"synchronous_commit": "off"}
        )
        columns = list(_TABLE.columns)
        quote = dialect.identifier_preparer.quote
        self._keys = [c.key for c in columns]
        self._processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
        self._names = [quote(c.name) for c in columns]
        # The VALUES rows are typed by casts; a sized cast (VARCHAR(64)) would cut an over-long value without an
        # error, where the INSERT refuses it, so the casts drop the size.
        self._casts = [re.sub(r"\(\d+\)$", "", c.type.compile(dialect=dialect)) for c in columns]
        self._table = quote(_TABLE.name)
        self._row = "(" + ", ".join("%s" for _ in columns) + ")"
        self._typed_row = "(" + ", ".join(f"%s::{cast}" for cast in self._casts) + ")"
        keys = {"id", "tenant"}
        self._set = ", ".join(
            f"{name} = v.{name}" for c, name in zip(columns, self._names, strict=True) if c.key not in keys
        )
        self._sql_cache: dict[tuple[int, int], str] = {}

    def _sql(self, inserts: int, updates: int) -> str:
        sql = self._sql_cache.get((inserts, updates))
        if sql is not None:
            return sql
        columns = ", ".join(self._names)
        insert = f"INSERT INTO {self._table} ({columns}) VALUES {', '.join([self._row] * inserts)}"
        if not updates:
            sql = insert
        else:
            update = (
                f"UPDATE {self._table} AS e SET {self._set} "
                f"FROM (VALUES {', '.join([self._typed_row] * updates)}) AS v ({columns}) "
                "WHERE e.id = v.id AND e.tenant = v.tenant RETURNING e.id"
            )
            sql = f"WITH ins AS ({insert}) {update}" if inserts else update
        if len(self._sql_cache) < 512:  # batch sizes: a few hundred shapes at most
            self._sql_cache[(inserts, updates)] = sql
        return sql

    def _params(self, row: dict[str, Any]) -> list[Any]:
        return [
            value if proc is None else proc(value)
            for value, proc in zip((row[k] for k in self._keys), self._processors, strict=True)
        ]

    async def write(self, rows: Sequence[dict[str, Any]], updates: Sequence[dict[str, Any]] = ()) -> set[str]:
        """Insert ``rows`` and update ``updates`` (complete column values, see ``complete_record``) in one
        statement; returns the ids of the updates that matched no row (nothing of theirs was written).
        Raises translated database errors (then nothing of the batch was written)."""
        inserts = list(rows)
        position = {row["id"]: i for i, row in enumerate(inserts)}
        pending: dict[str, dict[str, Any]] = {}  # by id: the last end of each run wins, as in sequence
        for row in updates:
            i = position.get(row["id"])
            if i is not None and inserts[i]["tenant"] == row["tenant"]:
                inserts[i] = row  # its RUNNING row is in this batch: insert it as it ended
            else:
                pending[row["id"]] = row
        if not inserts and not pending:
            return set()
        sql = self._sql(len(inserts), len(pending))
        params = [p for row in inserts for p in self._params(row)]
        params += [p for row in pending.values() for p in self._params(row)]
        starts_only = not pending and all(row["status"] == "RUNNING" for row in inserts)
        try:
            async with (self._starts if starts_only else self._connections).connection() as conn:
                cursor = await conn.execute(sql, params)
                updated = {str(r[0]) for r in await cursor.fetchall()} if pending else set()
        except Exception as exc:
            wrapped = wrap_pg_error(sql, exc)
            error = translate_db_error(wrapped) or wrapped
            if error is exc:
                raise
            raise error from exc
        return set(pending) - updated

    async def close(self) -> None:
        """Close the connections."""
        await self._connections.aclose()
        await self._starts.aclose()
