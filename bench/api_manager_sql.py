"""A SQL point query executed through api_manager vs the bare grpc.aio echo handler, in the same run.

One child process hosts both servers (as in ``echo_stack``): the bare echo server (no interceptors) and
a full api_manager (pipeline, auth, its metadata store with the execution log written on every call,
a SQLite data source). The client sends ``ExecuteApi(name="item_by_id", params={"id": n})`` and the
same-sized bare Echo, alternating rounds. Goal: api_manager QPS >= 0.5 x bare QPS.

The whole comparison runs once per metadata store: a SQLite file, then PostgreSQL (a fresh database on
127.0.0.1:5432 per server, dropped afterwards). Two more columns, in the same rounds and against the same
bare baseline: ``workers2``, api_manager started as ``python -m opsuite_api_manager.main --workers 2`` (two
processes on one SO_REUSEPORT port, one metadata store, settings from the environment as the in-process
server's), reached through one channel (one TCP connection) per concurrent caller, since one connection is
served by one worker only (see ``bench/_workers.py``); and ``spread``, the single-process api_manager
reached through the same number of channels, which separates the client's channel count from the second
worker. The machine's cores are shared by this client and the servers: 2 workers compete with the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import multiprocessing as mp
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc

from bench._workers import (
    CLIENT,
    CPU,
    WORKERS,
    WorkerProcess,
    close_all,
    connections_per_worker,
    cores_note,
    cpu_shares,
    cpu_snapshot,
    median_shares,
    round_robin,
    service_env,
    spread_channels,
)
from bench.harness import UNLIMITED, LoadResult, closed_loop, median, unlimited_env, write_result
from opsuite.testing.v1 import echo_pb2, echo_pb2_grpc

TOKEN_ROLES = ["admin"]
BACKENDS = ("sqlite", "postgresql")
STATEMENT = "SELECT id, name, price FROM items WHERE id = :id"
PARAM_SCHEMA: dict[str, Any] = {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}


def _make_source(workdir: str) -> Path:
    """The data source both api_managers query: 1,000 rows in a SQLite file."""
    source = Path(workdir, "reports.db")
    with contextlib.closing(sqlite3.connect(source)) as db:
        db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC)")
        db.executemany("INSERT INTO items VALUES (?, ?, ?)", [(i, f"item-{i}", i * 1.5) for i in range(1, 1001)])
        db.commit()
    return source


def _serve(conn: Any, workdir: str, database_url: str, secret_key: str) -> None:
    async def main() -> None:
        from opsuite_api_manager.config import Settings
        from opsuite_api_manager.server import create_server
        from opsuite_common.auth import Identity, Role, identity_var
        from opsuite_common.logging import configure_logging
        from opsuite_common.testing.echo import EchoServicer
        from opsuite_common.testing.servers import auth_settings_for_tests

        configure_logging("bench", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
        bare = grpc.aio.server()
        echo_pb2_grpc.add_EchoServiceServicer_to_server(EchoServicer(), bare)
        bare_port = bare.add_insecure_port("127.0.0.1:0")
        await bare.start()
        settings = Settings(
            port=0,
            database_url=database_url,
            auth=auth_settings_for_tests(),
            secret_key=secret_key,
            sqlite_roots=[workdir],  # the bench's reports.db is a data source of every tenant
            script_concurrency=2,
            **UNLIMITED,
        )
        handle = await create_server(settings)
        services = handle.app
        from opsuite_api_manager.app import ApiDefinition, Caller, DataSourceInput

        caller = Caller("tenant-a", "bench")
        identity_var.set(Identity("bench", "tenant-a", frozenset({Role.ADMIN})))
        source = Path(workdir, "reports.db")
        await services.data_sources.create(caller, DataSourceInput(name="reports", url=f"sqlite:///{source}"))
        await services.apis.create(
            caller,
            ApiDefinition(
                name="item_by_id",
                kind="SQL",
                spec={"data_source": "reports", "statement": STATEMENT},
                param_schema=PARAM_SCHEMA,
            ),
        )
        conn.send((bare_port, handle.port))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        await handle.stop(0)
        await bare.stop(0)

    asyncio.run(main())


def _start_workers(workdir: str, database_url: str, secret_key: str) -> WorkerProcess:
    """``python -m opsuite_api_manager.main --workers 2`` with the in-process server's settings, seeded
    (data source and API) through its port."""
    from google.protobuf import struct_pb2

    from opsuite.apimanager.v1 import api_manager_pb2 as pb
    from opsuite.apimanager.v1 import api_manager_pb2_grpc
    from opsuite_common.testing.servers import TEST_SECRET, TokenFactory

    p = "OPSUITE_API_MANAGER_"
    env = service_env(
        {
            "OPSUITE_AUTH_JWT_SECRET": TEST_SECRET,
            f"{p}PORT": "0",
            f"{p}DATABASE_URL": database_url,
            f"{p}SECRET_KEY": secret_key,
            f"{p}SQLITE_ROOTS": json.dumps([workdir]),
            f"{p}SCRIPT_CONCURRENCY": "2",
            f"{p}INSTANCE_ID": "bench-workers",
            f"{p}LOG_FORMAT": "json",
            **unlimited_env(p),
        }
    )
    argv = [sys.executable, "-m", "opsuite_api_manager.main", "--workers", str(WORKERS)]
    workers = WorkerProcess("api_manager-workers", argv, env)
    try:
        schema = struct_pb2.Struct()
        schema.update(PARAM_SCHEMA)
        md = TokenFactory().metadata(roles=TOKEN_ROLES)
        with grpc.insecure_channel(workers.target) as ch:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
            source = Path(workdir, "reports.db")
            stub.CreateDataSource(pb.CreateDataSourceRequest(name="reports", url=f"sqlite:///{source}"), metadata=md)
            api = pb.ApiDefinition(
                name="item_by_id",
                kind=pb.SQL,
                sql=pb.SqlSpec(data_source="reports", statement=STATEMENT),
                param_schema=schema,
                enabled=True,
            )
            stub.CreateApi(pb.CreateApiRequest(api=api), metadata=md)
    except BaseException:
        workers.stop()
        raise
    return workers


async def _measure(
    bare_port: int, am_port: int, workers: WorkerProcess, duration_s: float, levels: list[int], rounds: int
) -> list[dict[str, Any]]:
    from google.protobuf import struct_pb2

    from opsuite.apimanager.v1 import api_manager_pb2 as pb
    from opsuite.apimanager.v1 import api_manager_pb2_grpc
    from opsuite_common.testing.servers import TokenFactory

    Stub = api_manager_pb2_grpc.ApiManagerServiceStub
    md = TokenFactory().metadata(roles=["viewer"])
    echo_req = echo_pb2.EchoRequest(message="item_by_id", payload=b"x" * 64)
    ids = itertools.cycle(range(1, 1001))

    def am_request() -> pb.ExecuteApiRequest:
        params = struct_pb2.Struct()
        params.update({"id": next(ids)})
        return pb.ExecuteApiRequest(name="item_by_id", params=params)

    async def am_loop(pick: Callable[[], Any], c: int) -> LoadResult:
        return await closed_loop(
            "am", lambda: pick().ExecuteApi(am_request(), metadata=md), concurrency=c, duration_s=duration_s
        )

    async def spread_loop(target: str, c: int) -> tuple[LoadResult, list[int], dict[str, float]]:
        """A closed loop over ``c`` channels to ``target``; for the workers, the connections each holds and
        where the CPU went."""
        channels = spread_channels(target, c)
        try:
            mark = cpu_snapshot(workers.proc.pid)
            result = await am_loop(round_robin([Stub(ch) for ch in channels]), c)
            if target != workers.target:
                return result, [], {}
            cpu = cpu_shares(mark, cpu_snapshot(workers.proc.pid))
            return result, connections_per_worker(workers.port, workers.pids), cpu
        finally:
            await close_all(channels)

    rows = []
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{bare_port}") as bc,
        grpc.aio.insecure_channel(f"127.0.0.1:{am_port}") as ac,
    ):
        bare_stub, am_stub = echo_pb2_grpc.EchoServiceStub(bc), Stub(ac)
        for target in (f"127.0.0.1:{am_port}", workers.target):
            async with grpc.aio.insecure_channel(target) as check_channel:
                check = await Stub(check_channel).ExecuteApi(am_request(), metadata=md)
                assert check.sql.row_count == 1, check
        for c in levels:
            res: dict[str, list[LoadResult]] = {k: [] for k in ("bare", "am", "spread", "workers")}
            splits: list[list[int]] = []
            cpu: list[dict[str, float]] = []
            for _ in range(rounds):
                res["bare"].append(
                    await closed_loop(
                        "bare", lambda: bare_stub.Echo(echo_req, metadata=md), concurrency=c, duration_s=duration_s
                    )
                )
                res["am"].append(await am_loop(lambda: am_stub, c))
                res["spread"].append((await spread_loop(f"127.0.0.1:{am_port}", c))[0])
                result, split, shares = await spread_loop(workers.target, c)
                res["workers"].append(result)
                splits.append(split)
                cpu.append(shares)
            q = {k: median([r.qps for r in rs]) for k, rs in res.items()}
            rows.append(
                {
                    "concurrency": c,
                    "bare_qps": q["bare"],
                    "api_manager_qps": q["am"],
                    "ratio": round(q["am"] / q["bare"], 3),
                    "spread_qps": q["spread"],
                    "spread_ratio": round(q["spread"] / q["bare"], 3),
                    "workers2_qps": q["workers"],
                    "workers2_ratio": round(q["workers"] / q["bare"], 3),
                    "workers2_channels": c,
                    "workers2_connections_per_worker": splits,
                    "workers2_cpu": median_shares(cpu),
                    "bare_p50_ms": median([r.p50_ms for r in res["bare"]]),
                    "api_manager_p50_ms": median([r.p50_ms for r in res["am"]]),
                    "api_manager_p99_ms": median([r.p99_ms for r in res["am"]]),
                    "workers2_p50_ms": median([r.p50_ms for r in res["workers"]]),
                    "workers2_p99_ms": median([r.p99_ms for r in res["workers"]]),
                    "errors": sum(r.errors for r in res["bare"] + res["am"]),
                    "spread_errors": sum(r.errors for r in res["spread"]),
                    "workers2_errors": sum(r.errors for r in res["workers"]),
                }
            )
    return rows


def _backend(name: str, duration_s: float, levels: list[int], rounds: int) -> dict[str, Any]:
    """Both servers (and the workers) on a fresh metadata store of kind ``name``; one row per level."""
    from cryptography.fernet import Fernet

    from opsuite_common.testing.db import fresh_pg_database

    workdir = tempfile.mkdtemp(prefix=f"bench-am-sql-{name}-")
    _make_source(workdir)
    secret_key = Fernet.generate_key().decode()
    with contextlib.ExitStack() as stack:
        if name == "postgresql":
            single_url, workers_url = stack.enter_context(fresh_pg_database()), stack.enter_context(fresh_pg_database())
        else:
            single_url, workers_url = f"sqlite:///{workdir}/am.db", f"sqlite:///{workdir}/am-workers.db"
        parent, child = mp.Pipe()
        proc = mp.get_context("spawn").Process(
            target=_serve, args=(child, workdir, single_url, secret_key), daemon=True
        )
        proc.start()
        try:
            bare_port, am_port = parent.recv()
            workers = _start_workers(workdir, workers_url, secret_key)
            try:
                rows = asyncio.run(_measure(bare_port, am_port, workers, duration_s, levels, rounds))
            finally:
                stopped = workers.stop()
        finally:
            parent.send("stop")
            proc.join(15)
    return {"metadata_db": name, "workers2_exit_code": stopped, "levels": rows}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run on both metadata stores, print the table; write bench/results/api_manager_sql.json."""
    quick = "--quick" in (argv or sys.argv[1:])
    duration_s, rounds = (0.7, 1) if quick else (2.0, 3)
    payload: dict[str, Any] = {
        "goal": "api_manager_qps >= 0.5 * bare_qps",
        "note": cores_note(),
        "metadata_db": "per backend: sqlite file or a fresh postgresql database (execution log written per call)",
        "workers2": f"python -m opsuite_api_manager.main --workers {WORKERS} (one port, SO_REUSEPORT, one store)",
        "workers2_client": CLIENT,
        "workers2_cpu": CPU,
        "spread": "the single-process api_manager through the same channels as workers2 (control)",
        "duration_s": duration_s,
        "rounds": rounds,
        "backends": [_backend(b, duration_s, [1, 8, 32], rounds) for b in BACKENDS],
    }
    path = write_result("api_manager_sql", payload)
    print("api_manager: SQL point query (ExecuteApi) vs bare grpc.aio echo (same run)")
    print(f"note: {payload['note']}")
    print(f"workers2: {payload['workers2']}; client: {CLIENT}")
    print("spread: the 1-process api_manager through the same channels as workers2 (control); ratios are to bare")
    print(
        f"{'db':>10} {'conc':>5} {'bare qps':>9} {'am qps':>7} {'ratio':>6} {'spread':>6} {'w2 qps':>7} "
        f"{'w2 ratio':>8} {'conns/worker':>14} {'am p50/p99 ms':>15} {'w2 p50/p99 ms':>15} {'err':>9}"
    )
    for backend in payload["backends"]:
        for r in backend["levels"]:
            split = " ".join("/".join(map(str, s)) for s in r["workers2_connections_per_worker"])
            errors = f"{r['errors']}/{r['spread_errors']}/{r['workers2_errors']}"
            print(
                f"{backend['metadata_db']:>10} {r['concurrency']:>5} {r['bare_qps']:>9.0f} "
                f"{r['api_manager_qps']:>7.0f} {r['ratio']:>6.2f} {r['spread_ratio']:>6.2f} "
                f"{r['workers2_qps']:>7.0f} {r['workers2_ratio']:>8.2f} {split:>14} "
                f"{r['api_manager_p50_ms']:>7.2f}/{r['api_manager_p99_ms']:<7.2f} "
                f"{r['workers2_p50_ms']:>7.2f}/{r['workers2_p99_ms']:<7.2f} {errors:>9}"
            )
    print("err: bare+am / spread / workers2")
    for backend in payload["backends"]:
        for r in backend["levels"]:
            shares = " ".join(f"{k} {v:.2f}" for k, v in r["workers2_cpu"].items())
            print(f"{backend['metadata_db']:>10} {r['concurrency']:>5} cpu during workers2: {shares}")
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
