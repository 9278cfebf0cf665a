"""What the evaluation estates share: timestamps, deterministic noise, JSON schemas, and registering an
estate's SQLite data source and SQL APIs (exposed as tools) through api_manager's gRPC API, as a
tenant's admin would."""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite_common.protoconv import dict_to_struct

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["EstateClock", "SqlApi", "iso", "new_estate_db", "noise", "obj", "register_sql_estate", "weekly_rota"]

#: name -> (description, tags, statement, param schema)
SqlApi = tuple[str, list[str], str, dict[str, Any]]


def iso(t: datetime) -> str:
    """RFC 3339 in UTC, to the second."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def noise(key: str, i: int) -> float:
    """A deterministic number in [0, 1) for (key, i)."""
    return (zlib.crc32(f"{key}:{i}".encode()) % 1000) / 1000.0


@dataclass(frozen=True, slots=True)
class EstateClock:
    """An estate's minute-aligned "now" and the times its rows are stamped with, minutes before it."""

    now: datetime

    def ago(self, minutes: float | None) -> str | None:
        """RFC 3339 time ``minutes`` before now (None for None)."""
        return None if minutes is None else iso(self.now - timedelta(minutes=minutes))

    def epoch(self, minutes: float) -> int:
        """Epoch seconds ``minutes`` before now."""
        return int((self.now - timedelta(minutes=minutes)).timestamp())


def new_estate_db(path: Path, schema: str, now: datetime | None = None) -> tuple[sqlite3.Connection, EstateClock]:
    """A fresh SQLite file at ``path`` (replacing any) with ``schema``, and the estate's clock (``now``, default
    the wall clock, aligned to the minute)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(schema)
    return db, EstateClock((now or datetime.now(UTC)).replace(second=0, microsecond=0))


def weekly_rota(
    now: datetime, rotas: Mapping[str, Sequence[tuple[str, Sequence[str]]]], mobiles: Mapping[str, str], hour: int
) -> list[tuple[Any, ...]]:
    """On-call rows of weekly shifts from Monday ``hour``:00 UTC: last week, this week (the one running now) and the
    next ones, one person per week of each level of each rota: (rota, level, person, mobile, start, start epoch,
    end, end epoch)."""
    monday = (now - timedelta(days=now.weekday())).replace(hour=hour, minute=0)
    if monday > now:
        monday -= timedelta(days=7)
    rows = []
    for rota, levels in rotas.items():
        for level, people in levels:
            for w, person in enumerate(people):
                start = monday + timedelta(days=7 * (w - 1))
                end = start + timedelta(days=7)
                rows.append((rota, level, person, mobiles[person], iso(start), int(start.timestamp()), iso(end),
                             int(end.timestamp())))  # fmt: skip
    return rows


def obj(props: dict[str, Any], required: Sequence[str] = ()) -> dict[str, Any]:
    """A JSON schema object with these properties."""
    return {"type": "object", "properties": props, "required": list(required)}


async def register_sql_estate(
    stub: ApiManagerServiceAsyncStub,
    admin: tuple[tuple[str, str], ...],
    db_path: Path,
    *,
    data_source: str,
    description: str,
    apis: Mapping[str, SqlApi],
) -> None:
    """Create the data source over ``db_path`` and every API of ``apis`` on it, enabled and exposed as tools."""
    await stub.CreateDataSource(
        am.CreateDataSourceRequest(name=data_source, description=description, url=f"sqlite:///{db_path}"),
        metadata=admin,
    )
    for name, (text, tags, statement, schema) in apis.items():
        api = am.ApiDefinition(
            name=name,
            description=text,
            tags=tags,
            kind=am.SQL,
            sql=am.SqlSpec(data_source=data_source, statement=statement),
            param_schema=dict_to_struct(schema),
            enabled=True,
            expose_as_tool=True,
        )
        await stub.CreateApi(am.CreateApiRequest(api=api), metadata=admin)
