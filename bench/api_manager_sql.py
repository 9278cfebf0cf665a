"""A SQL point query executed through api_manager vs the bare grpc.aio echo handler, in the same run.

One child process hosts both servers (as in ``echo_stack``): the bare echo server (no interceptors) and
a full api_manager (pipeline, auth, SQLite metadata store with the execution log written on every call,
a SQLite data source). The client sends ``ExecuteApi(name="item_by_id", params={"id": n})`` and the
same-sized bare Echo, alternating rounds. Goal: api_manager QPS >= 0.5 x bare QPS.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing as mp
import os
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

import grpc

from bench.harness import UNLIMITED, closed_loop, median, write_result
from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc

TOKEN_ROLES = ["admin"]


def _serve(conn: Any, workdir: str) -> None:
    async def main() -> None:
        from cryptography.fernet import Fernet

        from opsuite.apimanager.v1 import api_manager_pb2 as pb
        from opsuite_api_manager.config import Settings
        from opsuite_api_manager.server import create_server
        from opsuite_common.auth import Identity, Role, identity_var
        from opsuite_common.logging import configure_logging
        from opsuite_common.testing.echo import EchoServicer
        from opsuite_common.testing.servers import auth_settings_for_tests

        configure_logging("bench", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
        source = Path(workdir, "reports.db")
        db = sqlite3.connect(source)
        db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC)")
        db.executemany("INSERT INTO items VALUES (?, ?, ?)", [(i, f"item-{i}", i * 1.5) for i in range(1, 1001)])
        db.commit()
        db.close()
        bare = grpc.aio.server()
        echo_pb2_grpc.add_EchoServiceServicer_to_server(EchoServicer(), bare)
        bare_port = bare.add_insecure_port("127.0.0.1:0")
        await bare.start()
        settings = Settings(
            port=0,
            database_url=f"sqlite:///{workdir}/am.db",
            auth=auth_settings_for_tests(),
            secret_key=Fernet.generate_key().decode(),
            sqlite_roots=[workdir],  # the bench's reports.db is a data source of every tenant
            script_concurrency=2,
            **UNLIMITED,
        )
        handle = await create_server(settings)
        services = handle.app
        from opsuite_api_manager.app import ApiDefinition, Caller, DataSourceInput

        caller = Caller("tenant-a", "bench")
        identity_var.set(Identity("bench", "tenant-a", frozenset({Role.ADMIN})))
        await services.data_sources.create(caller, DataSourceInput(name="reports", url=f"sqlite:///{source}"))
        await services.apis.create(
            caller,
            ApiDefinition(
                name="item_by_id",
                kind="SQL",
                spec={"data_source": "reports", "statement": "SELECT id, name, price FROM items WHERE id = :id"},
                param_schema={"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
            ),
        )
        del pb
        conn.send((bare_port, handle.port))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        await handle.stop(0)
        await bare.stop(0)

    asyncio.run(main())


async def run(duration_s: float, levels: list[int], rounds: int) -> dict[str, Any]:
    """Measure; returns the JSON payload."""
    from google.protobuf import struct_pb2

    from opsuite.apimanager.v1 import api_manager_pb2 as pb
    from opsuite.apimanager.v1 import api_manager_pb2_grpc
    from opsuite_common.testing.servers import TokenFactory

    workdir = tempfile.mkdtemp(prefix="bench-am-sql-")
    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(target=_serve, args=(child, workdir), daemon=True)
    proc.start()
    bare_port, am_port = parent.recv()
    md = TokenFactory().metadata(roles=["viewer"])
    echo_req = echo_pb2.EchoRequest(message="item_by_id", payload=b"x" * 64)
    ids = itertools.cycle(range(1, 1001))

    def am_request() -> pb.ExecuteApiRequest:
        params = struct_pb2.Struct()
        params.update({"id": next(ids)})
        return pb.ExecuteApiRequest(name="item_by_id", params=params)

    rows = []
    try:
        async with (
            grpc.aio.insecure_channel(f"127.0.0.1:{bare_port}") as bc,
            grpc.aio.insecure_channel(f"127.0.0.1:{am_port}") as ac,
        ):
            bare_stub, am_stub = echo_pb2_grpc.EchoServiceStub(bc), api_manager_pb2_grpc.ApiManagerServiceStub(ac)
            check = await am_stub.ExecuteApi(am_request(), metadata=md)
            assert check.sql.row_count == 1, check
            for c in levels:
                bare_q, am_q, bare_r, am_r = [], [], [], []
                for _ in range(rounds):
                    b = await closed_loop(
                        "bare", lambda: bare_stub.Echo(echo_req, metadata=md), concurrency=c, duration_s=duration_s
                    )
                    a = await closed_loop(
                        "am",
                        lambda: am_stub.ExecuteApi(am_request(), metadata=md),
                        concurrency=c,
                        duration_s=duration_s,
                    )
                    bare_q.append(b.qps)
                    am_q.append(a.qps)
                    bare_r.append(b)
                    am_r.append(a)
                rows.append(
                    {
                        "concurrency": c,
                        "bare_qps": median(bare_q),
                        "api_manager_qps": median(am_q),
                        "ratio": round(median(am_q) / median(bare_q), 3),
                        "bare_p50_ms": median([r.p50_ms for r in bare_r]),
                        "api_manager_p50_ms": median([r.p50_ms for r in am_r]),
                        "api_manager_p99_ms": median([r.p99_ms for r in am_r]),
                        "errors": sum(r.errors for r in bare_r + am_r),
                    }
                )
    finally:
        parent.send("stop")
        proc.join(15)
    return {
        "goal": "api_manager_qps >= 0.5 * bare_qps",
        "metadata_db": "sqlite (execution log written per call)",
        "duration_s": duration_s,
        "rounds": rounds,
        "levels": rows,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run and print the table; write bench/results/api_manager_sql.json."""
    quick = "--quick" in (argv or sys.argv[1:])
    payload = asyncio.run(run(duration_s=0.7 if quick else 2.0, levels=[1, 8, 32], rounds=1 if quick else 3))
    path = write_result("api_manager_sql", payload)
    print("api_manager: SQL point query (ExecuteApi) vs bare grpc.aio echo (same run)")
    print(f"{'conc':>5} {'bare qps':>10} {'am qps':>10} {'ratio':>6} {'bare p50':>9} {'am p50/p99 ms':>15} {'err':>4}")
    for r in payload["levels"]:
        print(
            f"{r['concurrency']:>5} {r['bare_qps']:>10.0f} {r['api_manager_qps']:>10.0f} {r['ratio']:>6.2f} "
            f"{r['bare_p50_ms']:>9.2f} {r['api_manager_p50_ms']:>7.2f}/{r['api_manager_p99_ms']:<7.2f} {r['errors']:>4}"
        )
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
