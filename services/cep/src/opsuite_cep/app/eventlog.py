"""The event log cep acknowledges against (docs/architecture/cep.md, The event log).

Everything that moves a tenant's engine is a record of the log, in the order the engine saw it: a batch
of events as acknowledged (``events``), or a clock reading that moved a quiet tenant's time (``tick``).
Each record carries the wall-clock time it was evaluated at, so replaying the records after a
checkpoint's position reproduces the engine's state exactly (the engine is deterministic given its
inputs and those times).

- :class:`DatabaseLog` (``OPSUITE_CEP_EVENT_LOG=db``, the default): a table in cep's own database (on a
  SQLite file, appended by :class:`~opsuite_cep.db.eventlog.SqliteLogWriter`: group commit on a thread).
- :class:`NoLog` (``OPSUITE_CEP_EVENT_LOG=none``): nothing is logged, an acknowledged event survives
  only a graceful stop. The benchmarks' baseline; not for production.
- ``opsuite_cep.adapters.natslog.JetStreamLog`` (``OPSUITE_CEP_EVENT_LOG=nats://...``): a NATS JetStream
  stream (chosen in ``app/wiring.py``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from opsuite_cep.app._session import read
from opsuite_cep.db.eventlog import EventLogRepository, SqliteLogWriter
from opsuite_cep.domain import Event
from opsuite_cep.domain.logrecords import LogRecord, RecordKind
from opsuite_common.db import Database

__all__ = ["DatabaseLog", "EventLog", "LogRecord", "NoLog", "RecordKind"]


class EventLog(Protocol):
    """Where acknowledged input is appended before the engine applies it."""

    #: Whether an appended record survives a crash (False: replay finds nothing).
    durable: bool

    async def append(self, tenant: str, kind: RecordKind, now: float, events: Sequence[Event] = ()) -> int:
        """Append durably and return the record's position (positions grow per tenant)."""
        ...

    async def read(self, tenant: str, after: int, limit: int) -> list[LogRecord]:
        """Up to ``limit`` of the tenant's records after ``after``, in order."""
        ...

    async def trim(self, tenant: str, through: int) -> int:
        """Forget the tenant's records up to ``through`` (a checkpoint includes them)."""
        ...

    async def tenants(self) -> list[str]:
        """Tenants that have records (a restart brings each back)."""
        ...

    async def close(self) -> None:
        """Release connections (the app's close)."""
        ...


def _body(events: Sequence[Event]) -> str:
    return json.dumps([e.to_dict() for e in events], separators=(",", ":"))


def _sqlite_file(db: Database) -> Path | None:
    """The database's file if it is a SQLite file (None for PostgreSQL and in-memory SQLite)."""
    name = db.engine.url.database or ""
    if not db.is_sqlite or name in ("", ":memory:") or name.startswith("file:"):
        return None
    return Path(name).expanduser()


class DatabaseLog:
    """The embedded log: the table ``cep_event_log`` in cep's own database, committed before the caller is
    acknowledged. On a SQLite file the records are written by a :class:`SqliteLogWriter` (a thread with its
    own connection that commits the records waiting together); on PostgreSQL by one short transaction per
    append (concurrent appends do not wait for each other there)."""

    durable = True

    def __init__(self, db: Database) -> None:
        self.db = db
        path = _sqlite_file(db)
        self.writer = SqliteLogWriter(path) if path is not None else None

    async def append(self, tenant: str, kind: RecordKind, now: float, events: Sequence[Event] = ()) -> int:
        """Append and commit; returns the record's position."""
        if self.writer is not None:
            return await self.writer.append(tenant, kind, now, _body(events))
        async with self.db.session() as s:
            return await EventLogRepository(s, tenant).append(kind, now, _body(events))

    async def read(self, tenant: str, after: int, limit: int) -> list[LogRecord]:
        """The tenant's records after ``after``, oldest first."""
        async with self.db.session() as s:
            rows = await EventLogRepository(s, tenant).read(after, limit)
        return [
            LogRecord(
                int(r.seq),
                "tick" if r.kind == "tick" else "events",
                float(r.now),
                tuple(Event.from_dict(e) for e in json.loads(r.body)),
            )
            for r in rows
        ]

    async def trim(self, tenant: str, through: int) -> int:
        """Delete the tenant's records up to ``through``."""
        async with self.db.session() as s:
            return await EventLogRepository(s, tenant).trim(through)

    async def tenants(self) -> list[str]:
        """Tenants with records (a read: no write lock taken)."""
        async with read(self.db) as s:
            return await EventLogRepository.tenants(s)

    async def close(self) -> None:
        """Stop the SQLite writer's thread (the database itself is the app's)."""
        if self.writer is not None:
            await self.writer.close()


class NoLog:
    """No log: positions are counted in memory only, nothing survives a crash (benchmark baseline)."""

    durable = False

    def __init__(self) -> None:
        self._position = 0

    async def append(self, tenant: str, kind: RecordKind, now: float, events: Sequence[Event] = ()) -> int:
        """Count the record; nothing is stored."""
        self._position += 1
        return self._position

    async def read(self, tenant: str, after: int, limit: int) -> list[LogRecord]:
        """Nothing to replay."""
        return []

    async def trim(self, tenant: str, through: int) -> int:
        """Nothing to trim."""
        return 0

    async def tenants(self) -> list[str]:
        """None: nothing is logged."""
        return []

    async def close(self) -> None:
        """Nothing to release."""
