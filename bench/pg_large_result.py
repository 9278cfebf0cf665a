"""RSS growth of api_manager while ExecuteApi / ExecuteApiStream read a 5-million-row PostgreSQL table.

The issue: under a 1,000-row cap, api_manager grew from 206 MB to 818 MB because the driver fetched the
whole table. Now PostgreSQL rows come through a server-side cursor (at most cap + 1 rows). The table is
built with generate_series in a database of its own, dropped afterwards. api_manager runs in a child
process; the parent samples its RSS (``/proc/<pid>/status``) while the calls run. Baseline in the same
run: the same calls over a 1,000-row table. Goal: growth on the big table < 50 MB.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import sys
import tempfile
import uuid
from typing import Any

import grpc

from bench.harness import UNLIMITED, write_result

GOAL_MB = 50.0
ROW_CAP = 1000


def _serve(conn: Any, workdir: str, source_url: str) -> None:
    async def main() -> None:
        from cryptography.fernet import Fernet

        from opsuite_api_manager.app import ApiDefinition, Caller, DataSourceInput, Policy
        from opsuite_api_manager.config import Settings
        from opsuite_api_manager.server import create_server
        from opsuite_common.auth import Identity, Role, identity_var
        from opsuite_common.logging import configure_logging
        from opsuite_common.testing.servers import auth_settings_for_tests

        configure_logging("bench", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
        settings = Settings(
            port=0,
            database_url=f"sqlite:///{workdir}/am.db",
            auth=auth_settings_for_tests(),
            secret_key=Fernet.generate_key().decode(),
            data_source_allow=["127.0.0.1:*"],
            default_timeout_s=120.0,
            **UNLIMITED,
        )
        handle = await create_server(settings)
        services = handle.app
        caller = Caller("tenant-a", "bench")
        identity_var.set(Identity("bench", "tenant-a", frozenset({Role.ADMIN})))
        await services.data_sources.create(caller, DataSourceInput(name="warehouse", url=source_url))
        for table in ("small", "big"):
            await services.apis.create(
                caller,
                ApiDefinition(
                    name=f"read_{table}",
                    kind="SQL",
                    spec={"data_source": "warehouse", "statement": f"SELECT i, label FROM {table}"},
                    param_schema={},
                    policy=Policy(row_limit=ROW_CAP, timeout_s=120.0),
                ),
            )
        conn.send((os.getpid(), handle.port))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        await handle.stop(0)

    asyncio.run(main())


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _peak_growth(pid: int, calls: Any) -> tuple[float, float, float]:
    """(RSS before, peak RSS during ``calls``, growth) in MB, sampling every 5 ms."""
    before = _rss_mb(pid)
    peak = before
    task = asyncio.ensure_future(calls())
    while not task.done():
        peak = max(peak, _rss_mb(pid))
        await asyncio.sleep(0.005)
    await task
    peak = max(peak, _rss_mb(pid))
    return before, peak, peak - before


async def run(rows: int, repeats: int) -> dict[str, Any]:
    """Build the tables, measure, drop them; returns the JSON payload."""
    import psycopg
    from psycopg import sql as psql
    from sqlalchemy import make_url

    from opsuite.apimanager.v1 import api_manager_pb2 as pb
    from opsuite.apimanager.v1 import api_manager_pb2_grpc
    from opsuite_common.testing.db import ADMIN_DSN_ENV, DEFAULT_ADMIN_DSN
    from opsuite_common.testing.servers import TokenFactory

    admin = make_url(os.environ.get(ADMIN_DSN_ENV) or DEFAULT_ADMIN_DSN).set(drivername="postgresql")
    name = f"opsuite_bench_large_{uuid.uuid4().hex[:12]}"
    admin_dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as c:
        c.execute(psql.SQL("CREATE DATABASE {}").format(psql.Identifier(name)))
    source = admin.set(database=name).render_as_string(hide_password=False)
    workdir = tempfile.mkdtemp(prefix="bench-pg-large-")
    proc = None
    parent, child = mp.Pipe()
    try:
        with psycopg.connect(source, autocommit=True) as c:
            create = "CREATE TABLE {} AS SELECT i, md5(i::text) AS label FROM generate_series(1, %s) AS i"
            for table, n in (("small", ROW_CAP), ("big", rows)):
                c.execute(psql.SQL(create).format(psql.Identifier(table)), (n,))
        proc = mp.get_context("spawn").Process(target=_serve, args=(child, workdir, source), daemon=True)
        proc.start()
        pid, port = parent.recv()
        md = TokenFactory().metadata(roles=["viewer"])
        results: dict[str, Any] = {}
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
            stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)

            async def execute(api: str) -> None:
                for _ in range(repeats):
                    r = await stub.ExecuteApi(pb.ExecuteApiRequest(name=api), metadata=md, timeout=300)
                    assert r.sql.row_count == ROW_CAP, r.sql.row_count

            async def stream(api: str) -> None:
                for _ in range(repeats):
                    got = 0
                    async for chunk in stub.ExecuteApiStream(pb.ExecuteApiRequest(name=api), metadata=md, timeout=300):
                        got += len(chunk.rows.rows) if chunk.HasField("rows") else 0
                    assert got == ROW_CAP, got

            await execute("read_small")  # warm up engines, pools and caches before measuring
            await stream("read_small")
            for label, fn in (("ExecuteApi", execute), ("ExecuteApiStream", stream)):
                for table in ("small", "big"):
                    before, peak, growth = await _peak_growth(pid, lambda f=fn, t=table: f(f"read_{t}"))
                    results[f"{label}/{table}"] = {
                        "rss_before_mb": round(before, 1),
                        "rss_peak_mb": round(peak, 1),
                        "growth_mb": round(growth, 1),
                    }
    finally:
        parent.send("stop")
        if proc is not None:
            proc.join(15)
        with psycopg.connect(admin_dsn, autocommit=True) as c:
            c.execute(psql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(psql.Identifier(name)))
    worst = max(v["growth_mb"] for k, v in results.items() if k.endswith("/big"))
    baseline = max(v["growth_mb"] for k, v in results.items() if k.endswith("/small"))
    return {
        "goal": f"RSS growth reading the big table under a {ROW_CAP}-row cap < {GOAL_MB:g} MB",
        "rows": rows,
        "row_cap": ROW_CAP,
        "repeats": repeats,
        "worst_growth_mb": worst,
        "baseline_growth_mb": baseline,
        "goal_ratio": round(worst / GOAL_MB, 3),
        "met": worst < GOAL_MB,
        "calls": results,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run and print the table; write bench/results/pg_large_result.json."""
    quick = "--quick" in (argv or sys.argv[1:])
    payload = asyncio.run(run(rows=500_000 if quick else 5_000_000, repeats=1 if quick else 3))
    path = write_result("pg_large_result", payload)
    print(f"api_manager RSS while reading {payload['rows']:,} PostgreSQL rows under a {ROW_CAP}-row cap")
    print(f"{'call/table':>24} {'before MB':>10} {'peak MB':>9} {'growth MB':>10}")
    for key, r in payload["calls"].items():
        print(f"{key:>24} {r['rss_before_mb']:>10.1f} {r['rss_peak_mb']:>9.1f} {r['growth_mb']:>10.1f}")
    print(
        f"worst growth {payload['worst_growth_mb']:.1f} MB "
        f"(1,000-row baseline {payload['baseline_growth_mb']:.1f} MB); "
        f"goal < {GOAL_MB:g} MB: {'met' if payload['met'] else 'NOT met'} (ratio {payload['goal_ratio']:.2f})"
    )
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
