"""What cep's event log costs: PublishEvents acknowledged only once the batch is in a durable log
(docs/architecture/cep.md, The event log) against the in-memory path, and how fast a restart replays it.

One run, side by side, the same pre-built batches of 500 events on a real gRPC server (in-process, port 0):

- ``memory``: ``event_log="none"``, nothing logged (the baseline);
- ``db`` on a SQLite file and ``db`` on a fresh PostgreSQL database (reported unavailable when the server
  at ``OPSUITE_TEST_PG_DSN`` / 127.0.0.1:5432 cannot be reached);
- ``nats://127.0.0.1:4222``: the JetStream stream (SQLite for rules and alerts); reported unavailable when
  no NATS server listens there. The benchmark's tenants' subjects are purged before it runs.

Each path gets acknowledged events/s and the p50/p99 latency of one PublishEvents call, and its ratios
against the baseline. After each logged run the server is stopped without its graceful close (no
checkpoint, as kill -9 would), and a new server on the same database loads the tenants: the whole log is
replayed, so the replay rate is the events in the log over the time the load takes.

The workload keeps state: three THRESHOLD rules grouped by host (one with ``for``) and one tumbling
WINDOW count per key, over metric events of 50 hosts and 200 service keys with times in the recent past.

``./dev bench cep_log [--quick]``; writes bench/results/cep_log.json.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from typing import Any

from bench.harness import CEP_UNLIMITED, percentile, write_result

NATS_URL = "nats://127.0.0.1:4222"
GOAL = "jetstream events/s >= 0.5 x memory"
GOAL_RATIO = 0.5
BATCH = 500
TENANTS = ("bench-a", "bench-b")
PUBLISHERS_PER_TENANT = 2
WARMUP_BATCHES = 4  # per tenant, before the measurement (they are in the log too, and replayed)
HOSTS = 50
KEYS = 200
REGIONS = ("eu", "us", "ap", "sa")
#: Event time between two consecutive events of a tenant, seconds (a batch spans 2.5 s).
STEP_S = 0.005
#: Covers the reordering of two publishers per tenant (a batch or two), so no event is late.
LATENESS_S = 30.0

RULES: list[dict[str, Any]] = [
    {
        "name": "cpu-high",
        "kind": "THRESHOLD",
        "event_type": "metric",
        "for": "30s",
        "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
    },
    {
        "name": "mem-high",
        "kind": "THRESHOLD",
        "event_type": "metric",
        "spec": {"condition": {"field": "mem", "op": ">", "value": 95}, "group_by": ["host"]},
    },
    {
        "name": "cpu-eu",
        "kind": "THRESHOLD",
        "event_type": "metric",
        "spec": {
            "where": {"field": "region", "op": "==", "value": "eu"},
            "condition": {"field": "cpu", "op": ">", "value": 85},
            "group_by": ["host"],
        },
    },
    {
        "name": "service-burst",
        "kind": "WINDOW",
        "event_type": "metric",
        "spec": {
            "window": "tumbling",
            "size": "60s",
            "aggregate": "count",
            "op": ">",
            "threshold": 90,
            "group_by": ["key"],
        },
    },
]


def _batches(tenant: str, seed: int, n: int, start: float) -> list[Any]:
    """``n`` PublishEvents requests of ``BATCH`` metric events each, times from ``start`` on."""
    from opsuite.cep.v1 import cep_pb2

    rnd = random.Random(seed)
    cpu = [(rnd.uniform(10, 70), 4.0) for _ in range(HOSTS)]  # (mean, deviation) per host
    mem = [(rnd.uniform(30, 80), 2.0) for _ in range(HOSTS)]
    # A few hot hosts whose alerts fire and stay firing; the others stay well under the thresholds, so
    # alerts do not flap (flapping would make every path measure alert commits rather than the log).
    cpu[3] = cpu[17] = (97.0, 1.0)
    mem[29] = (98.5, 0.7)
    out = []
    for b in range(n):
        req = cep_pb2.PublishEventsRequest()
        for j in range(BATCH):
            i = b * BATCH + j
            h = rnd.randrange(HOSTS)
            ev = req.events.add(id=f"{tenant}-{i}", type="metric", key=f"svc-{rnd.randrange(KEYS):03d}", source="bench")
            ev.time.FromNanoseconds(int((start + i * STEP_S) * 1e9))
            ev.attributes.update(
                {
                    "host": f"web-{h:02d}",
                    "region": REGIONS[h % len(REGIONS)],
                    "cpu": round(min(100.0, max(0.0, rnd.gauss(*cpu[h]))), 2),
                    "mem": round(min(100.0, max(0.0, rnd.gauss(*mem[h]))), 2),
                }
            )
        out.append(req)
    return out


@contextlib.contextmanager
def _pg_database() -> Iterator[tuple[str | None, str]]:
    """A fresh PostgreSQL database ``(url, "")``, dropped on exit; ``(None, reason)`` when unreachable."""
    import psycopg
    from psycopg import sql
    from sqlalchemy import make_url

    from opsuite_common.testing.db import ADMIN_DSN_ENV, DEFAULT_ADMIN_DSN

    admin = make_url(os.environ.get(ADMIN_DSN_ENV) or DEFAULT_ADMIN_DSN)
    admin_dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        where = f"{admin.host}:{admin.port or 5432}"
        yield None, f"unavailable: PostgreSQL not reachable at {where} ({str(exc).strip().splitlines()[0]})"
        return
    name = f"opsuite_bench_cep_log_{uuid.uuid4().hex[:12]}"
    try:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield admin.set(database=name).render_as_string(hide_password=False), ""
    finally:
        try:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        finally:
            conn.close()


class _Server:
    """An in-process cep server on port 0 with a channel and stub."""

    def __init__(self, handle: Any, channel: Any, stub: Any) -> None:
        self.handle, self.channel, self.stub = handle, channel, stub

    @classmethod
    async def start(cls, url: str, event_log: str) -> _Server:
        import grpc

        from opsuite.cep.v1 import cep_pb2_grpc
        from opsuite_cep.config import Settings
        from opsuite_cep.server import create_server
        from opsuite_common.testing.servers import auth_settings_for_tests

        settings = Settings(
            port=0,
            database_url=url,
            auth=auth_settings_for_tests(),
            background_tasks=False,  # no scheduler: no tick records, no periodic checkpoint
            event_log=event_log,
            checkpoint_interval_s=3600.0,
            allowed_lateness_s=LATENESS_S,
            **CEP_UNLIMITED,
        )
        handle = await create_server(settings)
        channel = grpc.aio.insecure_channel(f"127.0.0.1:{handle.port}")
        return cls(handle, channel, cep_pb2_grpc.CepServiceStub(channel))

    async def stop(self) -> None:
        """Graceful stop (saves checkpoints)."""
        await self.channel.close()
        await self.handle.stop(0)

    async def crash(self) -> None:
        """Stop serving without the graceful close: no checkpoint, nothing flushed (as kill -9)."""
        self.handle.cleanups.clear()
        await self.handle.server.stop(0)
        await self.channel.close()
        await self.handle.app.db.dispose()

    async def count(self, model: Any) -> int:
        """Rows of ``model`` (a tenant-scoped table) for the benchmark's tenants."""
        from sqlalchemy import func, select

        async with self.handle.app.db.session() as s:
            stmt = select(func.count()).select_from(model).where(model.tenant.in_(TENANTS))
            return int((await s.execute(stmt)).scalar_one())


def _md(tenant: str) -> Any:
    from opsuite_common.testing.servers import TokenFactory

    return TokenFactory().metadata(tenant, ["editor"])


async def _drive(stub: Any, md: Any, batches: list[Any], publishers: int) -> tuple[list[float], dict[str, int]]:
    """``publishers`` callers send ``batches`` in order, each call after its previous one was acknowledged."""
    pending = iter(batches)
    latencies: list[float] = []
    counts = {"accepted": 0, "late": 0, "duplicates": 0, "refused": 0}

    async def publisher() -> None:
        for req in pending:  # shared: each batch goes out once, in order
            t0 = time.perf_counter()
            reply = await stub.PublishEvents(req, metadata=md, timeout=120)
            latencies.append(time.perf_counter() - t0)
            counts["accepted"] += reply.accepted
            counts["late"] += reply.late
            counts["duplicates"] += reply.duplicates
            counts["refused"] += reply.refused

    await asyncio.gather(*(publisher() for _ in range(publishers)))
    return latencies, counts


async def _measure(server: _Server, warm: dict[str, list[Any]], batches: dict[str, list[Any]]) -> dict[str, Any]:
    """Rules, warm-up, then every tenant's publishers at once; acknowledged events/s and call latency."""
    from google.protobuf import struct_pb2

    from opsuite.cep.v1 import cep_pb2

    for tenant in TENANTS:
        for rule in RULES:
            definition = struct_pb2.Struct()
            definition.update(rule)
            await server.stub.CreateRule(cep_pb2.CreateRuleRequest(definition=definition), metadata=_md(tenant))
        await _drive(server.stub, _md(tenant), warm[tenant], 1)
    started = time.perf_counter()
    runs = await asyncio.gather(*(_drive(server.stub, _md(t), batches[t], PUBLISHERS_PER_TENANT) for t in TENANTS))
    seconds = time.perf_counter() - started
    latencies = sorted(x for lat, _ in runs for x in lat)
    counts = {k: sum(c[k] for _, c in runs) for k in runs[0][1]}
    events = sum(len(b) for b in batches.values()) * BATCH
    return {
        "events": events,
        "calls": len(latencies),
        "seconds": round(seconds, 3),
        "events_per_s": round(events / seconds, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        **counts,
    }


async def _replay(url: str, event_log: str, logged_events: int, positions: dict[str, int]) -> dict[str, Any]:
    """A new server on the crashed server's database and log: time loading every tenant (checkpoint none,
    so the whole log is replayed)."""
    from opsuite_cep.db.models import CheckpointRow, EventLogRow

    server = await _Server.start(url, event_log)
    try:
        checkpoints = await server.count(CheckpointRow)
        records = await server.count(EventLogRow) if event_log == "db" else None  # JetStream: in the stream
        started = time.perf_counter()
        for tenant in TENANTS:
            await server.handle.app.host.get(tenant)
        seconds = time.perf_counter() - started
        same = all(server.handle.app.host.loaded(t).position == positions[t] for t in TENANTS)
    finally:
        await server.stop()
    return {
        "checkpoints_at_restart": checkpoints,
        "log_records": records,
        "events": logged_events,
        "seconds": round(seconds, 3),
        "events_per_s": round(logged_events / seconds, 1),
        "same_position_as_before_the_crash": same,
    }


async def _path(url: str, event_log: str, warm: dict[str, list[Any]], batches: dict[str, list[Any]]) -> dict[str, Any]:
    """One path: measure; for ``db``, crash and time the replay."""
    from opsuite_cep.db.models import AlertChangeRow

    gc.collect()  # every path starts without the previous one's garbage
    server = await _Server.start(url, event_log)
    try:
        out = await _measure(server, warm, batches)
        out["alert_changes"] = await server.count(AlertChangeRow)  # the rules did work (the same on every path)
        positions = {t: server.handle.app.host.loaded(t).position for t in TENANTS}
    except BaseException:
        await server.stop()
        raise
    if event_log == "none":
        await server.stop()
        return out
    await server.crash()
    logged = sum(len(warm[t]) + len(batches[t]) for t in TENANTS) * BATCH
    out["replay"] = await _replay(url, event_log, logged, positions)
    return out


async def _jetstream(url: str, warm: dict[str, list[Any]], batches: dict[str, list[Any]]) -> dict[str, Any] | str:
    """The JetStream path, on a fresh SQLite file for rules and alerts; unavailable without a NATS server."""
    from opsuite_cep.adapters.natslog import JetStreamLog

    log = JetStreamLog(NATS_URL, timeout_s=2.0)
    try:
        for tenant in TENANTS:  # the stream outlives runs: start these tenants from an empty log
            await log.trim(tenant, 2**62)
    except Exception as exc:
        return f"unavailable: no NATS JetStream at {NATS_URL} ({type(exc).__name__})"
    finally:
        with contextlib.suppress(Exception):
            await log.close()
    return await _path(url, NATS_URL, warm, batches)


def _ratios(path: dict[str, Any], memory: dict[str, Any]) -> dict[str, float]:
    return {
        "events_per_s": round(path["events_per_s"] / memory["events_per_s"], 3),
        "p99": round(path["p99_ms"] / memory["p99_ms"], 3),
    }


async def run(batches_total: int) -> dict[str, Any]:
    """Build the batches, run every path; returns the JSON payload."""
    from opsuite_common.logging import configure_logging

    configure_logging("bench", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115
    per_tenant = batches_total // len(TENANTS)
    span = (WARMUP_BATCHES + per_tenant) * BATCH * STEP_S
    start = time.time() - span - 120.0  # every event a little in the past, well inside max_future_skew
    warm: dict[str, list[Any]] = {}
    batches: dict[str, list[Any]] = {}
    for k, tenant in enumerate(TENANTS):
        reqs = _batches(tenant, 100 + k, WARMUP_BATCHES + per_tenant, start)
        warm[tenant], batches[tenant] = reqs[:WARMUP_BATCHES], reqs[WARMUP_BATCHES:]
    paths: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-cep-log-") as tmp:
        paths["memory"] = await _path(f"sqlite:///{tmp}/memory.db", "none", warm, batches)
        paths["db_sqlite"] = await _path(f"sqlite:///{tmp}/log.db", "db", warm, batches)
    with _pg_database() as (pg_url, reason):
        paths["db_postgresql"] = await _path(pg_url, "db", warm, batches) if pg_url else reason
    with tempfile.TemporaryDirectory(prefix="bench-cep-log-") as tmp:
        paths["jetstream"] = await _jetstream(f"sqlite:///{tmp}/jetstream.db", warm, batches)
    memory = paths["memory"]
    ratios: dict[str, Any] = {
        name: _ratios(p, memory) if isinstance(p, dict) else p for name, p in paths.items() if name != "memory"
    }
    jet = paths["jetstream"]
    return {
        "goal": GOAL,
        "goal_status": (
            f"unmeasured: {jet}"
            if not isinstance(jet, dict)
            else ("met" if ratios["jetstream"]["events_per_s"] >= GOAL_RATIO else "not met")
        ),
        "batch_size": BATCH,
        "batches": per_tenant * len(TENANTS),
        "warmup_batches_per_tenant": WARMUP_BATCHES,
        "tenants": len(TENANTS),
        "publishers_per_tenant": PUBLISHERS_PER_TENANT,
        "rules_per_tenant": [r["name"] for r in RULES],
        "memory_path_database": "SQLite file (rules and alert changes only; nothing logged)",
        "paths": paths,
        "ratios_vs_memory": ratios,
    }


def _table(payload: dict[str, Any]) -> str:
    head = f"{'path':<26} {'events/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'x memory ev/s':>14} {'x memory p99':>13}"
    lines = [head, "-" * len(head)]
    labels = {
        "memory": "memory (event_log=none)",
        "db_sqlite": "db: SQLite file",
        "db_postgresql": "db: PostgreSQL",
        "jetstream": "JetStream",
    }
    for name, label in labels.items():
        p = payload["paths"][name]
        if not isinstance(p, dict):
            lines.append(f"{label:<26} {p}")
            continue
        r = payload["ratios_vs_memory"].get(name, {"events_per_s": 1.0, "p99": 1.0})
        lines.append(
            f"{label:<26} {p['events_per_s']:>10,.0f} {p['p50_ms']:>8.2f} {p['p99_ms']:>8.2f} "
            f"{r['events_per_s']:>13.2f}x {r['p99']:>12.2f}x"
        )
    lines.append("")
    lines.append("replay after a crash (no checkpoint; the whole log):")
    for name in ("db_sqlite", "db_postgresql", "jetstream"):
        p = payload["paths"][name]
        if isinstance(p, dict):
            r = p["replay"]
            lines.append(
                f"  {labels[name]:<24} {r['events']:,} events in {r['seconds']:.2f} s"
                f" = {r['events_per_s']:,.0f} events/s; same position: {r['same_position_as_before_the_crash']}"
            )
        else:
            lines.append(f"  {labels[name]:<24} {p}")
    lines.append("")
    lines.append(
        f"{payload['batches']} batches of {payload['batch_size']} events, {payload['tenants']} tenants x "
        f"{payload['publishers_per_tenant']} publishers; rules per tenant: {', '.join(payload['rules_per_tenant'])}"
    )
    lines.append(f"goal: {payload['goal']}: {payload['goal_status']}")
    return "\n".join(lines)


def main(flags: list[str] | None = None) -> dict[str, Any]:
    """Run every path, print the table and write bench/results/cep_log.json."""
    quick = "--quick" in (flags if flags is not None else sys.argv[1:])
    payload = asyncio.run(run(40 if quick else 200))
    path = write_result("cep_log", payload)
    print(_table(payload))
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
