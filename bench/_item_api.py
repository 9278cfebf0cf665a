"""What the api_manager profiling scripts share: the bench's 1,000-row SQLite data source, the ``item_by_id``
SQL API over it, and a client process calling it (``_profile_api_manager_sql``, ``_pg_statements_api_manager_sql``).
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from pathlib import Path
from typing import Any

__all__ = ["call_item_api", "items_source", "seed_item_api"]


def items_source(workdir: Path) -> Path:
    """A SQLite file with the table ``items`` (ids 1-1000) in ``workdir``."""
    source = workdir / "reports.db"
    db = sqlite3.connect(source)
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC)")
    db.executemany("INSERT INTO items VALUES (?, ?, ?)", [(i, f"item-{i}", i * 1.5) for i in range(1, 1001)])
    db.commit()
    db.close()
    return source


async def seed_item_api(handle: Any, source: Path) -> None:
    """Data source ``reports`` on ``source`` and the SQL API ``item_by_id`` over it, for tenant-a (in process)."""
    from opsuite_api_manager.app import ApiDefinition, Caller, DataSourceInput
    from opsuite_common.auth import Identity, Role, identity_var

    caller = Caller("tenant-a", "bench")
    identity_var.set(Identity("bench", "tenant-a", frozenset({Role.ADMIN})))
    await handle.app.data_sources.create(caller, DataSourceInput(name="reports", url=f"sqlite:///{source}"))
    await handle.app.apis.create(
        caller,
        ApiDefinition(
            name="item_by_id",
            kind="SQL",
            spec={"data_source": "reports", "statement": "SELECT id, name, price FROM items WHERE id = :id"},
            param_schema={"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
        ),
    )


def call_item_api(port: int, concurrency: int, *, seconds: float | None = None, calls: int | None = None) -> None:
    """Call ``ExecuteApi(item_by_id)`` back to back, ``concurrency`` at a time, for ``seconds`` or ``calls`` in
    all (a process target); with ``seconds`` the rate is printed."""
    import grpc
    from google.protobuf import struct_pb2

    from opsuite.apimanager.v1 import api_manager_pb2 as pb
    from opsuite.apimanager.v1 import api_manager_pb2_grpc
    from opsuite_common.testing.servers import TokenFactory

    md = TokenFactory().metadata(roles=["viewer"])
    ids = itertools.cycle(range(1, 1001))

    async def main() -> None:
        done, left = 0, calls
        end = time.perf_counter() + seconds if seconds is not None else None
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)

            async def worker() -> None:
                nonlocal done, left
                while (end is None or time.perf_counter() < end) and (left is None or left > 0):
                    if left is not None:
                        left -= 1
                    params = struct_pb2.Struct()
                    params.update({"id": next(ids)})
                    await stub.ExecuteApi(pb.ExecuteApiRequest(name="item_by_id", params=params), metadata=md)
                    done += 1

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        if seconds:
            print(f"calls {done} qps {done / seconds:.0f}", flush=True)

    asyncio.run(main())
