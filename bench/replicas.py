"""ExecuteApi QPS through gRPC's round_robin over two api_manager replicas, against one replica, same run.

Two api_manager processes (tests/replica_stack.py) share one metadata database, on PostgreSQL (a fresh
database on 127.0.0.1:5432) and then on one SQLite file; the per-tenant limits are lifted (as in every
throughput bench). The API is the SQL point query of ``api_manager_sql`` (a SQLite data source of 1,000
rows, the execution log written on every call). Each round measures, back to back with the same client
process, ``one``: a channel to replica A only (B running, idle) and ``two``: a channel with the
``round_robin`` policy over ``ipv4:A,B``. The share of the ``two`` calls each replica served is read from
their ``grpc_server_started_total`` counters.

The machine has 2 cores, shared by the client and both replicas (and by anything else running): two
replicas cannot double the QPS here; the ratio shows what a second process buys on the same cores, not on
a second machine. Where the cores went during each measurement is read from /proc (``cpu``: shares of the
machine's CPU time taken by the replicas, the PostgreSQL server processes, this client, everything else,
and idle): with idle near 0 the run was CPU-bound, and ``other`` is load this bench did not make.

``./dev bench replicas [--quick]``; writes bench/results/replicas.json.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import struct_pb2

from bench.harness import closed_loop, median, unlimited_env, write_result
from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite.apimanager.v1 import api_manager_pb2_grpc
from opsuite_common.testing.db import fresh_pg_database
from opsuite_common.testing.servers import TokenFactory
from tests.replica_stack import ReplicaStack, balanced_options, start_replicas

TENANT = "bench"
NOTE = (
    "2 CPU cores shared by the load generator and both replicas: the ratio is what a second process adds "
    "on the same cores"
)


def _seed(stack: ReplicaStack, md: Any) -> None:
    """The tenant's SQLite data source and the point-query API (created through replica A)."""
    folder = stack.run_dir / "data_sources" / TENANT
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(folder / "reports.db")) as db:
        db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC)")
        db.executemany("INSERT INTO items VALUES (?, ?, ?)", [(i, f"item-{i}", i * 1.5) for i in range(1, 1001)])
        db.commit()
    schema = struct_pb2.Struct()
    schema.update({"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]})
    with grpc.insecure_channel(stack.target("api_manager-a")) as ch:
        stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
        stub.CreateDataSource(
            pb.CreateDataSourceRequest(name="reports", url=f"sqlite:///{folder / 'reports.db'}"), metadata=md
        )
        spec = pb.SqlSpec(data_source="reports", statement="SELECT id, name, price FROM items WHERE id = :id")
        api = pb.ApiDefinition(name="item_by_id", kind=pb.SQL, sql=spec, param_schema=schema, enabled=True)
        stub.CreateApi(pb.CreateApiRequest(api=api), metadata=md)


async def _measure(stack: ReplicaStack, md: Any, duration_s: float, levels: list[int], rounds: int) -> list[Any]:
    ids = itertools.cycle(range(1, 1001))

    def request() -> pb.ExecuteApiRequest:
        params = struct_pb2.Struct()
        params.update({"id": next(ids)})
        return pb.ExecuteApiRequest(name="item_by_id", params=params)

    rows = []
    names = stack.names("api_manager")
    pids = [stack.procs[n].pid for n in names]
    async with (
        grpc.aio.insecure_channel(stack.target(names[0])) as one_ch,
        grpc.aio.insecure_channel(stack.balanced("api_manager"), options=balanced_options()) as two_ch,
    ):
        one, two = (
            api_manager_pb2_grpc.ApiManagerServiceStub(one_ch),
            api_manager_pb2_grpc.ApiManagerServiceStub(two_ch),
        )
        for stub in (one, two, two):
            assert (await stub.ExecuteApi(request(), metadata=md)).sql.row_count == 1
        for c in levels:
            one_r, two_r, shares = [], [], []
            cpu: dict[str, list[dict[str, float]]] = {"one": [], "two": []}
            for _ in range(rounds):
                mark = _cpu_snapshot(pids)
                one_r.append(
                    await closed_loop(
                        "one", lambda: one.ExecuteApi(request(), metadata=md), concurrency=c, duration_s=duration_s
                    )
                )
                cpu["one"].append(_cpu_shares(mark, mark := _cpu_snapshot(pids)))
                before = [stack.started(n, "ExecuteApi") for n in names]
                two_r.append(
                    await closed_loop(
                        "two", lambda: two.ExecuteApi(request(), metadata=md), concurrency=c, duration_s=duration_s
                    )
                )
                cpu["two"].append(_cpu_shares(mark, _cpu_snapshot(pids)))
                served = [stack.started(n, "ExecuteApi") - b for n, b in zip(names, before, strict=True)]
                shares.append(served[1] / max(sum(served), 1))
            rows.append(
                {
                    "concurrency": c,
                    "one_replica_qps": median([r.qps for r in one_r]),
                    "two_replicas_qps": median([r.qps for r in two_r]),
                    "ratio": round(median([r.qps for r in two_r]) / median([r.qps for r in one_r]), 3),
                    "one_p50_ms": median([r.p50_ms for r in one_r]),
                    "two_p50_ms": median([r.p50_ms for r in two_r]),
                    "one_p99_ms": median([r.p99_ms for r in one_r]),
                    "two_p99_ms": median([r.p99_ms for r in two_r]),
                    "share_of_replica_b": round(median(shares), 3),
                    "errors": sum(r.errors for r in one_r + two_r),
                    "cpu_one": {k: median([c[k] for c in cpu["one"]]) for k in cpu["one"][0]},
                    "cpu_two": {k: median([c[k] for c in cpu["two"]]) for k in cpu["two"][0]},
                }
            )
    return rows


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_snapshot(replica_pids: list[int]) -> dict[str, float]:
    """CPU seconds so far: the machine's (busy and idle, all cores) and by group of processes."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ticks = [int(f) for f in fields]
    out = {"total": sum(ticks[:8]) / _TICKS, "idle": (ticks[3] + ticks[4]) / _TICKS}
    replicas = postgres = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2 :].split()
        used = (int(rest[11]) + int(rest[12])) / _TICKS  # utime + stime
        if int(entry.name) in replica_pids:
            replicas += used
        elif comm.startswith("postgres"):
            postgres += used
    out["replicas"], out["postgres"] = replicas, postgres
    times = os.times()
    out["client"] = times.user + times.system
    return out


def _cpu_shares(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Shares of the machine's CPU time between two snapshots (they add up to 1, up to rounding)."""
    total = max(after["total"] - before["total"], 1e-9)
    d = {k: max(after[k] - before[k], 0.0) / total for k in ("idle", "replicas", "postgres", "client")}
    d["other"] = max(1.0 - sum(d.values()), 0.0)
    return {k: round(v, 2) for k, v in d.items()}


def _backend(name: str, duration_s: float, levels: list[int], rounds: int) -> dict[str, Any]:
    run_dir = Path(tempfile.mkdtemp(prefix=f"bench-replicas-{name}-"))
    database = fresh_pg_database() if name == "postgresql" else contextlib.nullcontext(f"sqlite:///{run_dir / 'am.db'}")
    md = TokenFactory().metadata(TENANT, ["admin"])
    env = {**unlimited_env("OPSUITE_API_MANAGER_"), "OPSUITE_API_MANAGER_LOG_LEVEL": "WARNING"}
    with database as url:
        stack = start_replicas(run_dir, url, services=("api_manager",), extra_env=env)
        try:
            _seed(stack, md)
            rows = asyncio.run(_measure(stack, md, duration_s, levels, rounds))
        finally:
            stack.stop()
    return {"metadata_db": name, "levels": rows}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run both backends, print the table, write bench/results/replicas.json."""
    quick = "--quick" in (argv or sys.argv[1:])
    duration_s, rounds = (0.7, 1) if quick else (2.0, 3)
    levels = [1, 8, 32]
    payload = {
        "goal": "reported, no goal: QPS through round_robin over two replicas vs one replica",
        "note": NOTE,
        "api": "SQL point query (ExecuteApi item_by_id), execution log written per call",
        "duration_s": duration_s,
        "rounds": rounds,
        "backends": [_backend(b, duration_s, levels, rounds) for b in ("postgresql", "sqlite")],
    }
    path = write_result("replicas", payload)
    print(f"api_manager ExecuteApi: round_robin over two replicas vs one replica (same run). {NOTE}.")
    print(
        f"{'db':>10} {'conc':>5} {'one qps':>9} {'two qps':>9} {'ratio':>6} {'b share':>8} "
        f"{'p99 one/two ms':>15} {'err':>4}"
    )
    for backend in payload["backends"]:
        for r in backend["levels"]:
            print(
                f"{backend['metadata_db']:>10} {r['concurrency']:>5} {r['one_replica_qps']:>9.0f} "
                f"{r['two_replicas_qps']:>9.0f} {r['ratio']:>6.2f} {r['share_of_replica_b']:>8.2f} "
                f"{r['one_p99_ms']:>7.1f}/{r['two_p99_ms']:<7.1f} {r['errors']:>4}"
            )
    for backend in payload["backends"]:
        for r in backend["levels"]:
            cpu = " ".join(f"{k} {v:.2f}" for k, v in r["cpu_two"].items())
            print(f"{backend['metadata_db']:>10} {r['concurrency']:>5} cpu during 'two': {cpu}")
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
