"""A quiet tenant's cep latency alone, then with 500 idle WatchAlerts streams of other tenants open.

One child process hosts cep with its default settings (WatchAlerts fan-out, database poll every
``watch_poll_s`` per tenant with watchers, the default per-tenant stream cap of 100). The watchers
belong to five tenants (100 each), each with one alert in its history: every watcher receives that
replayed change first, which proves it is subscribed, then stays idle. The quiet tenant publishes one
event at a time, 80 calls a second. Goal: quiet p99 with the watchers open <= 1.5x quiet p99 alone.

``./dev bench idle_watchers [--quick]``; writes bench/results/idle_watchers.json.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing as mp
import sys
import tempfile
from typing import Any

import grpc

from bench.harness import host_servers, paced, write_result

WATCHER_TENANTS = 5
WATCHERS_PER_TENANT = 100
#: The quiet tenant: one call at a time, 80 a second (under the default 100/s per method).
QUIET_RATE = 80.0


def _serve(conn: Any, workdir: str) -> None:
    async def build() -> dict[str, Any]:
        from opsuite_cep.config import Settings
        from opsuite_cep.server import create_server
        from opsuite_common.testing.servers import auth_settings_for_tests

        settings = Settings(
            port=0, database_url=f"sqlite:///{workdir}/cep.db", auth=auth_settings_for_tests(), background_tasks=False
        )
        return {"cep": await create_server(settings)}

    host_servers(conn, build)


def _event(n: int, cpu: float) -> Any:
    from google.protobuf import struct_pb2

    from opsuite.cep.v1 import cep_pb2

    attrs = struct_pb2.Struct()
    attrs.update({"cpu": cpu, "host": f"h{n % 50}"})
    ev = cep_pb2.Event(id=f"e{n}", type="metric", key=f"h{n % 50}", source="bench", attributes=attrs)
    ev.time.FromNanoseconds(int((1_700_000_000 + n * 0.001) * 1e9))
    return ev


async def run(duration_s: float) -> dict[str, Any]:
    """Quiet alone, then beside the idle watchers; returns the JSON payload."""
    from google.protobuf import struct_pb2

    from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
    from opsuite_common.testing.servers import TokenFactory

    workdir = tempfile.mkdtemp(prefix="bench-watchers-")
    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(target=_serve, args=(child, workdir), daemon=True)
    proc.start()
    port = parent.recv()["cep"]
    tokens = TokenFactory()
    rule = struct_pb2.Struct()
    rule.update(
        {
            "name": "cpu-high",
            "kind": "THRESHOLD",
            "event_type": "metric",
            "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
        }
    )
    counter = itertools.count()
    quiet_md = tokens.metadata("quiet", ["editor"])
    watchers: list[Any] = []
    try:
        async with (
            grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch,
            grpc.aio.insecure_channel(f"127.0.0.1:{port}") as watch_ch,
        ):
            stub, watch_stub = cep_pb2_grpc.CepServiceStub(ch), cep_pb2_grpc.CepServiceStub(watch_ch)
            await stub.CreateRule(cep_pb2.CreateRuleRequest(definition=rule), metadata=quiet_md)

            def quiet() -> Any:
                # Below the threshold: the quiet tenant's own calls never produce a change to fan out.
                req = cep_pb2.PublishEventsRequest(events=[_event(next(counter), 42.0)])
                return stub.PublishEvents(req, metadata=quiet_md, timeout=10)

            alone = await paced("alone", quiet, rate=QUIET_RATE, duration_s=duration_s)
            for t in range(WATCHER_TENANTS):
                md = tokens.metadata(f"watchers-{t}", ["editor"])
                await stub.CreateRule(cep_pb2.CreateRuleRequest(definition=rule), metadata=md)
                await stub.PublishEvents(cep_pb2.PublishEventsRequest(events=[_event(t, 99.0)]), metadata=md)
                watchers += [
                    watch_stub.WatchAlerts(cep_pb2.WatchAlertsRequest(), metadata=md)
                    for _ in range(WATCHERS_PER_TENANT)
                ]
            first = await asyncio.wait_for(asyncio.gather(*(w.read() for w in watchers)), 60)
            assert all(c.change == "firing" for c in first), "every watcher receives its tenant's history"
            beside = await paced("beside", quiet, rate=QUIET_RATE, duration_s=duration_s)
            again = await paced("alone-again", quiet, rate=QUIET_RATE, duration_s=duration_s)
            for w in watchers:
                w.cancel()
    finally:
        parent.send("stop")
        proc.join(15)
    return {
        "goal": "quiet p99 with the idle watchers open <= 1.5x quiet p99 alone",
        "watchers": len(watchers),
        "duration_s": duration_s,
        "alone": alone,
        "beside_idle_watchers": beside,
        "alone_after_watchers_closed": again,
        "p99_ratio": round(beside.p99_ms / alone.p99_ms, 2) if alone.p99_ms else None,
        "p50_ratio": round(beside.p50_ms / alone.p50_ms, 2) if alone.p50_ms else None,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run and print; write bench/results/idle_watchers.json."""
    quick = "--quick" in (argv or sys.argv[1:])
    payload = asyncio.run(run(duration_s=1.5 if quick else 4.0))
    path = write_result("idle_watchers", payload)
    print(f"quiet tenant PublishEvents, alone vs with {payload['watchers']} idle WatchAlerts streams (same run)")
    for key in ("alone", "beside_idle_watchers", "alone_after_watchers_closed"):
        r = payload[key]
        print(f"{key:<28} p50 {r.p50_ms:>7.2f} ms  p99 {r.p99_ms:>7.2f} ms  ({r.requests} calls, {r.errors} errors)")
    print(f"p99 ratio {payload['p99_ratio']} (goal <= 1.5), p50 ratio {payload['p50_ratio']}")
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
