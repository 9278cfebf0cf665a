"""A quiet tenant's latency alone, then beside a noisy tenant calling at full speed (api_manager and cep).

One child process hosts the servers: api_manager and cep with the default fair-sharing limits plus fair
admission between tenants with a share of 1 (``tenant_fair_share``, the default), the same two with a share
of 2 (the default until 2026-12-07), the same two with the defaults alone (no fair admission), and the same
two with the limits lifted (``bench.harness.UNLIMITED``, fair admission off too), so "before" and "after" are
measured in one run.
The quiet tenant calls one at a time, 80 calls a second, from this process (api_manager: a SQL point
query; cep: PublishEvents of one event). The noisy tenant runs in another process: 16 callers back to
back, once ignoring RetryInfo (a runaway script) and once waiting as RetryInfo says (what opsuite's own
client does). Goal: quiet p99 beside the neighbour <= 2x quiet p99 alone, with the default limits (and
fair admission). "Beside" is the steady state: the first second after the noisy tenant starts, when it
spends its rate-limit burst (200 calls by default) at full speed, is measured and reported on its own
("onset"), not mixed into the steady-state figure. Each row alternates alone and beside ``ROUNDS`` times and
takes each side's percentiles over all its rounds' samples: one short phase's p99 is its few slowest calls,
and single phases moved the ratio by as much as half from run to run. It also reports each round's own ratio
(beside p99 / alone p99 of that round, 4 s each, measured back to back) and their median: this machine's
speed drifts by a third over minutes (the same server used 17% to 31% of a core for the same calls in
runs minutes apart), and a paired ratio compares two phases under the same drift, where the pooled p99 of a
side is set by its slowest stretch.

Fan-out rows: the cost of fair admission to a tenant whose calls wait on something else. Tenant "fan" makes
16 calls at once to an HTTP API whose loopback upstream takes 0.1 s to answer, while the quiet tenant calls as
above; the wall time of the 16 is measured on the server without fair admission and on the one with it. A
call hands its place back while it waits on the upstream (``opsuite_common.fairness.waiting_elsewhere``), so
the two should match; before that, the share held the 16 to a few at a time (409 ms instead of 106 ms at a
share of 4, echo server, 15 rounds).

Control rows ("noise on: other"): the same noisy tenant calls a second, separate server process with the
same limits while the quiet tenant calls its own. The machine then does the same work, but the tenants
share no server: what inflation is left there is CPU contention between processes (server, noisy
client and quiet client share the machine's cores), not unfairness of the shared server.

``./dev bench noisy_neighbour [--quick]``; writes bench/results/noisy_neighbour.json.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing as mp
import random
import sqlite3
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import grpc

from bench.harness import UNLIMITED, host_servers, median, paced, percentile, write_result

NOISY_CONCURRENCY = 16
#: The quiet tenant: one call at a time, 80 a second (under the default 100/s per method).
QUIET_RATE = 80.0
CEP_NOISY_BATCH = 20
#: Seconds after the noisy tenant starts that are measured apart from its steady state (its burst).
ONSET_S = 1.0
#: Alone/beside rounds per row; each side's percentiles are over the samples of every round pooled, and each
#: round's own beside/alone p99 ratio is kept too (their median is the paired figure).
ROUNDS = 5
#: The fan-out rows: FAN_CALLS calls at once, each waiting FAN_UPSTREAM_S on the upstream, FAN_ROUNDS times.
FAN_CALLS = 16
FAN_UPSTREAM_S = 0.1
FAN_ROUNDS = 7
#: Settings of each server set: limits lifted (fair admission too), the defaults without fair admission
#: (the state before it, for a before/after in one run), and the defaults.
SERVER_SETS: dict[str, dict[str, Any]] = {
    "unlimited": {**UNLIMITED, "tenant_fair_share": 0},
    "nofair": {"tenant_fair_share": 0},
    "share2": {"tenant_fair_share": 2},
    "limited": {"tenant_fair_share": 1},
}
LIMITS_LABEL = {
    "unlimited": "off",
    "nofair": "defaults, fair share off",
    "share2": "defaults, fair share 2",
    "limited": "defaults, fair share 1",
}
#: The fair share of each server set (0: fair admission off).
FAIR_SHARE = {label: settings["tenant_fair_share"] for label, settings in SERVER_SETS.items()}
#: (server set, noisy tenant honours RetryInfo, noisy tenant calls the quiet tenant's server) per service.
ROWS = (
    ("unlimited", False, True),
    ("nofair", False, True),
    ("nofair", True, True),
    ("share2", False, True),
    ("share2", True, True),
    ("limited", False, True),
    ("limited", True, True),
    ("limited", False, False),
    ("limited", True, False),
)


def _serve(conn: Any, workdir: str) -> None:
    async def build() -> dict[str, Any]:
        from cryptography.fernet import Fernet

        from opsuite_api_manager.config import Settings as AmSettings
        from opsuite_api_manager.server import create_server as create_am
        from opsuite_cep.config import Settings as CepSettings
        from opsuite_cep.server import create_server as create_cep
        from opsuite_common.settings import OutboundSettings
        from opsuite_common.testing.servers import auth_settings_for_tests

        handles = {}
        for label, extra in SERVER_SETS.items():
            handles[f"am_{label}"] = await create_am(
                AmSettings(
                    port=0,
                    database_url=f"sqlite:///{workdir}/am_{label}.db",
                    auth=auth_settings_for_tests(),
                    secret_key=Fernet.generate_key().decode(),
                    sqlite_roots=[workdir],
                    outbound=OutboundSettings(allow=("127.0.0.1",)),  # the fan-out rows' upstream
                    **extra,
                )
            )
            handles[f"cep_{label}"] = await create_cep(
                CepSettings(
                    port=0,
                    database_url=f"sqlite:///{workdir}/cep_{label}.db",
                    auth=auth_settings_for_tests(),
                    background_tasks=False,
                    **extra,
                    **({"tenant_engine_share": 0} if label == "unlimited" else {}),
                )
            )
        return handles

    host_servers(conn, build)


def _am_call(stub: Any, md: Any) -> Any:
    from google.protobuf import struct_pb2

    from opsuite.apimanager.v1 import api_manager_pb2 as pb

    ids = itertools.cycle(range(1, 1001))

    def call() -> Any:
        params = struct_pb2.Struct()
        params.update({"id": next(ids)})
        return stub.ExecuteApi(pb.ExecuteApiRequest(name="item_by_id", params=params), metadata=md, timeout=10)

    return call


def _cep_call(stub: Any, md: Any, batch: int) -> Any:
    from google.protobuf import struct_pb2

    from opsuite.cep.v1 import cep_pb2

    counter = itertools.count()
    rnd = random.Random(batch)

    def call() -> Any:
        events = []
        for _ in range(batch):
            n = next(counter)
            attrs = struct_pb2.Struct()
            attrs.update({"cpu": rnd.uniform(0, 80), "host": f"h{n % 50}"})
            ev = cep_pb2.Event(id=f"e{n}", type="metric", key=f"h{n % 50}", source="bench", attributes=attrs)
            ev.time.FromNanoseconds(int((1_700_000_000 + n * 0.001) * 1e9))
            events.append(ev)
        return stub.PublishEvents(cep_pb2.PublishEventsRequest(events=events), metadata=md, timeout=10)

    return call


async def _make_noise(call: Any, polite: bool, conn: Any) -> dict[str, int]:
    """Call back to back from NOISY_CONCURRENCY workers until ``conn`` says stop; count the outcomes."""
    from opsuite_common.rpc_status import from_grpc_error

    counts = {"ok": 0, "refused": 0, "other": 0}
    running = True

    async def worker() -> None:
        while running:
            try:
                await call()
                counts["ok"] += 1
            except grpc.aio.AioRpcError as exc:
                if exc.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
                    counts["other"] += 1
                    continue
                counts["refused"] += 1
                if polite:  # what opsuite's own client does: wait as RetryInfo says
                    await asyncio.sleep(from_grpc_error(exc).retry_after or 0.0)

    workers = [asyncio.create_task(worker()) for _ in range(NOISY_CONCURRENCY)]
    conn.send("running")
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    running = False
    await asyncio.gather(*workers)
    return counts


def _noise(conn: Any) -> None:
    """The noisy tenant: on ("run", service, port, polite), call at full speed until "stop"; reply with counts."""

    async def main() -> None:
        from opsuite.apimanager.v1 import api_manager_pb2_grpc
        from opsuite.cep.v1 import cep_pb2_grpc
        from opsuite_common.testing.servers import TokenFactory

        md = TokenFactory().metadata("noisy", ["viewer", "editor"])
        loop = asyncio.get_running_loop()
        while True:
            cmd = await loop.run_in_executor(None, conn.recv)
            if cmd == "exit":
                return
            _, service, port, polite = cmd
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
                if service == "api_manager":
                    call = _am_call(api_manager_pb2_grpc.ApiManagerServiceStub(ch), md)
                else:
                    call = _cep_call(cep_pb2_grpc.CepServiceStub(ch), md, CEP_NOISY_BATCH)
                counts = await _make_noise(call, polite, conn)
            conn.send(counts)

    asyncio.run(main())


def _slow_upstream() -> tuple[ThreadingHTTPServer, str]:
    """A loopback HTTP server answering every GET after FAN_UPSTREAM_S; returns it and its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(FAN_UPSTREAM_S)
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # 16 connections at once: the default backlog of 5 drops SYNs (1 s retries)
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/slow"


async def _fan_out(port: int, upstream: str, quiet: Any) -> list[float]:
    """FAN_ROUNDS times, FAN_CALLS calls of tenant "fan" at once to an API on ``upstream`` while the quiet tenant
    calls at QUIET_RATE; the wall time of each round's calls, in ms."""
    from opsuite.apimanager.v1 import api_manager_pb2 as pb
    from opsuite.apimanager.v1 import api_manager_pb2_grpc
    from opsuite_common.testing.servers import TokenFactory

    tokens = TokenFactory()
    times: list[float] = []
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
        stub = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
        d = pb.ApiDefinition(name="slow_upstream", kind=pb.HTTP, enabled=True)
        d.http.method, d.http.url = "GET", upstream
        d.policy.network_allow_list.append("127.0.0.1")
        await stub.CreateApi(pb.CreateApiRequest(api=d), metadata=tokens.metadata("fan", ["admin"]))
        md = tokens.metadata("fan", ["viewer"])
        background = asyncio.create_task(paced("quiet", quiet, rate=QUIET_RATE, duration_s=3600))
        try:
            for _ in range(FAN_ROUNDS):
                await asyncio.sleep(0.3)  # the quiet tenant is present (its calls every 12.5 ms)
                started = time.perf_counter()
                calls = (
                    stub.ExecuteApi(pb.ExecuteApiRequest(name="slow_upstream"), metadata=md, timeout=30)
                    for _ in range(FAN_CALLS)
                )
                await asyncio.gather(*calls)
                times.append(round((time.perf_counter() - started) * 1000, 1))
        finally:
            background.cancel()
            await asyncio.gather(background, return_exceptions=True)
    return times


async def _seed(ports: dict[str, int], workdir: str) -> None:
    from google.protobuf import struct_pb2

    from opsuite.apimanager.v1 import api_manager_pb2 as pb
    from opsuite.apimanager.v1 import api_manager_pb2_grpc
    from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
    from opsuite_common.testing.servers import TokenFactory

    tokens = TokenFactory()
    source = Path(workdir, "reports.db")
    db = sqlite3.connect(source)
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price NUMERIC)")
    db.executemany("INSERT INTO items VALUES (?, ?, ?)", [(i, f"item-{i}", i * 1.5) for i in range(1, 1001)])
    db.commit()
    db.close()
    for tenant in ("quiet", "noisy"):
        md = tokens.metadata(tenant, ["admin"])
        for label in SERVER_SETS:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{ports[f'am_{label}']}") as ch:
                am = api_manager_pb2_grpc.ApiManagerServiceStub(ch)
                await am.CreateDataSource(
                    pb.CreateDataSourceRequest(name="reports", url=f"sqlite:///{source}"), metadata=md
                )
                d = pb.ApiDefinition(
                    name="item_by_id",
                    kind=pb.SQL,
                    enabled=True,
                    sql=pb.SqlSpec(data_source="reports", statement="SELECT id, name, price FROM items WHERE id = :id"),
                )
                d.param_schema.update({"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]})
                await am.CreateApi(pb.CreateApiRequest(api=d), metadata=md)
            async with grpc.aio.insecure_channel(f"127.0.0.1:{ports[f'cep_{label}']}") as ch:
                rule = struct_pb2.Struct()
                rule.update(
                    {
                        "name": "cpu-high",
                        "kind": "THRESHOLD",
                        "event_type": "metric",
                        "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
                    }
                )
                await cep_pb2_grpc.CepServiceStub(ch).CreateRule(
                    cep_pb2.CreateRuleRequest(definition=rule), metadata=md
                )


async def run(duration_s: float) -> dict[str, Any]:
    """Measure every (service, limits) pair: quiet alone, then quiet beside the noisy tenant."""
    from opsuite.apimanager.v1 import api_manager_pb2_grpc
    from opsuite.cep.v1 import cep_pb2_grpc
    from opsuite_common.testing.servers import TokenFactory

    workdir = tempfile.mkdtemp(prefix="bench-noisy-")
    ctx = mp.get_context("spawn")
    server_conn, server_child = mp.Pipe()
    other_conn, other_child = mp.Pipe()
    noise_conn, noise_child = mp.Pipe()
    other_dir = Path(workdir, "other")
    other_dir.mkdir()
    server = ctx.Process(target=_serve, args=(server_child, workdir), daemon=True)
    other = ctx.Process(target=_serve, args=(other_child, str(other_dir)), daemon=True)  # for the control rows
    noise = ctx.Process(target=_noise, args=(noise_child,), daemon=True)
    server.start()
    other.start()
    noise.start()
    ports = server_conn.recv()
    other_ports = other_conn.recv()
    md = TokenFactory().metadata("quiet", ["viewer", "editor"])
    rows: list[dict[str, Any]] = []
    controls: list[dict[str, Any]] = []
    fan_rows: list[dict[str, Any]] = []
    upstream, upstream_url = _slow_upstream()
    try:
        await _seed(ports, workdir)
        await _seed(other_ports, str(other_dir))
        for service in ("api_manager", "cep"):
            for label, polite, shared in ROWS:
                name = f"{'am' if service == 'api_manager' else 'cep'}_{label}"
                port = ports[name]
                noisy_port = port if shared else other_ports[name]
                async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as ch:
                    if service == "api_manager":
                        quiet = _am_call(api_manager_pb2_grpc.ApiManagerServiceStub(ch), md)
                    else:
                        quiet = _cep_call(cep_pb2_grpc.CepServiceStub(ch), md, 1)
                    pooled: dict[str, list[float]] = {"alone": [], "onset": [], "beside": []}
                    errors = 0
                    counts = {"ok": 0, "refused": 0, "other": 0}
                    elapsed = 0.0
                    round_ratios: list[float] = []
                    # ROUNDS of alone, then beside: a p99 of one short phase is a handful of samples, and a
                    # lucky or unlucky phase moved the ratio by half; interleaving also spreads any drift of
                    # the machine over both sides.
                    for _ in range(ROUNDS):
                        alone = await paced(
                            "alone", quiet, rate=QUIET_RATE, duration_s=duration_s, samples=pooled["alone"]
                        )
                        noise_conn.send(("run", service, noisy_port, polite))
                        assert noise_conn.recv() == "running"
                        started = time.perf_counter()
                        # The noisy tenant's first second spends its bucket's burst at full speed; measured on
                        # its own, then the steady state that the goal is about.
                        onset = await paced(
                            "onset", quiet, rate=QUIET_RATE, duration_s=ONSET_S, samples=pooled["onset"]
                        )
                        beside = await paced(
                            "beside", quiet, rate=QUIET_RATE, duration_s=duration_s, samples=pooled["beside"]
                        )
                        noise_conn.send("stop")
                        for key, value in noise_conn.recv().items():
                            counts[key] += value
                        elapsed += time.perf_counter() - started
                        errors += alone.errors + onset.errors + beside.errors
                        if alone.p99_ms:
                            round_ratios.append(round(beside.p99_ms / alone.p99_ms, 2))
                p50 = {k: round(percentile(sorted(v), 50) * 1000, 3) for k, v in pooled.items()}
                p99 = {k: round(percentile(sorted(v), 99) * 1000, 3) for k, v in pooled.items()}
                (rows if shared else controls).append(
                    {
                        "service": service,
                        "limits": LIMITS_LABEL[label],
                        "fair_share": FAIR_SHARE[label],
                        "goal_row": label == "limited",  # the default settings, which the goal is about
                        "noisy_honours_retry_info": polite,
                        "noisy_calls": "the quiet tenant's server" if shared else "a separate server (control)",
                        "quiet_alone_p50_ms": p50["alone"],
                        "quiet_alone_p99_ms": p99["alone"],
                        "quiet_beside_p50_ms": p50["beside"],
                        "quiet_beside_p99_ms": p99["beside"],
                        "p99_ratio": round(p99["beside"] / p99["alone"], 2) if p99["alone"] else None,
                        "p99_ratio_per_round": round_ratios,
                        "p99_ratio_median_of_rounds": median(round_ratios) if round_ratios else None,
                        "quiet_onset_p50_ms": p50["onset"],
                        "quiet_onset_p99_ms": p99["onset"],
                        "onset_p99_ratio": round(p99["onset"] / p99["alone"], 2) if p99["alone"] else None,
                        "quiet_samples": {k: len(v) for k, v in pooled.items()},
                        "quiet_errors": errors,
                        "noisy_ok_per_s": round(counts["ok"] / elapsed, 1),
                        "noisy_refused_per_s": round(counts["refused"] / elapsed, 1),
                        "noisy_other_errors": counts["other"],
                    }
                )
        for label in ("nofair", "limited"):
            async with grpc.aio.insecure_channel(f"127.0.0.1:{ports[f'am_{label}']}") as ch:
                quiet = _am_call(api_manager_pb2_grpc.ApiManagerServiceStub(ch), md)
                times = await _fan_out(ports[f"am_{label}"], upstream_url, quiet)
            fan_rows.append({"limits": LIMITS_LABEL[label], "fan_out_ms": times, "median_ms": median(times)})
    finally:
        upstream.shutdown()
        noise_conn.send("exit")
        server_conn.send("stop")
        other_conn.send("stop")
        noise.join(15)
        server.join(15)
        other.join(15)
    return {
        "goal": "quiet p99 beside the noisy tenant <= 2x quiet p99 alone (default limits, fair share 1)",
        "noisy": f"{NOISY_CONCURRENCY} callers back to back; cep batches of {CEP_NOISY_BATCH} events",
        "duration_s": duration_s,
        "onset_s": ONSET_S,
        "rounds": ROUNDS,
        "measured": (
            "rounds times: duration_s alone; then the noisy tenant starts: its first onset_s measured apart (it "
            "spends its rate-limit burst, 200 calls by default, at full speed), then duration_s of steady state, "
            "and the noisy tenant stops; percentiles over each side's samples of all rounds pooled (p99_ratio "
            "of the steady state is the goal); p99_ratio_per_round: each round's beside p99 / its alone p99, "
            "and their median (the paired figure, robust to the machine's drift)"
        ),
        "rows": rows,
        "fan_out": {
            "measured": (
                f"{FAN_CALLS} calls of one tenant at once, each waiting {FAN_UPSTREAM_S} s on a loopback upstream, "
                f"while the quiet tenant calls {QUIET_RATE:.0f}/s; wall time of the {FAN_CALLS}, {FAN_ROUNDS} rounds"
            ),
            "rows": fan_rows,
        },
        # Not the goal's rows: the noise goes to a separate server, so these measure CPU contention alone.
        "controls": controls,
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run and print the table; write bench/results/noisy_neighbour.json."""
    quick = "--quick" in (argv or sys.argv[1:])
    # 80 calls a second for 3 rounds: 480 samples a side in the quick run, 960 in the full one.
    payload = asyncio.run(run(duration_s=2.0 if quick else 4.0))
    path = write_result("noisy_neighbour", payload)
    print("quiet tenant alone vs beside a noisy tenant at full speed (same run)")
    print(
        f"{'service':<12} {'limits':<9} {'fair':<4} {'noisy waits':<11} {'noise on':<8} {'alone p50/p99 ms':>17} "
        f"{'beside p50/p99 ms':>18} "
        f"{'ratio':>6} {'rounds':>6} {'onset p99 ms':>13} {'ratio':>6} {'noisy ok/refused per s':>23}"
    )
    for r in [*payload["rows"], *payload["controls"]]:
        waits = "RetryInfo" if r["noisy_honours_retry_info"] else "no"
        target = "same" if r["noisy_calls"].startswith("the quiet") else "other"
        print(
            f"{r['service']:<12} {r['limits'][:9]:<9} {r['fair_share'] or 'off'!s:<4} {waits:<11} {target:<8} "
            f"{r['quiet_alone_p50_ms']:>8.2f}/{r['quiet_alone_p99_ms']:<8.2f} "
            f"{r['quiet_beside_p50_ms']:>9.2f}/{r['quiet_beside_p99_ms']:<8.2f} {r['p99_ratio']:>6} "
            f"{r['p99_ratio_median_of_rounds']:>6} "
            f"{r['quiet_onset_p99_ms']:>13.2f} {r['onset_p99_ratio']:>6} "
            f"{r['noisy_ok_per_s']:>11.0f}/{r['noisy_refused_per_s']:<11.0f}"
        )
    for f in payload["fan_out"]["rows"]:
        print(
            f"fan-out of {FAN_CALLS} upstream waits, {f['limits']}: "
            f"median {f['median_ms']} ms, rounds {f['fan_out_ms']}"
        )
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
