"""What kill -9 of one of two cep replicas costs when they share the partitions of a JetStream stream
(docs/architecture/cep.md, Replicas and partitions), against one replica on the same events.

The same batches (3 tenants x 40 of 500 metric events in the recent past, one per tenant every 0.5 s, then
a marker batch per tenant; two keyed and two tenant-wide rules per tenant: bench/_replicas_workload.py)
go to real cep processes on the NATS server at 127.0.0.1:4222, each stack on a fresh SQLite database and
stream namespace (deleted at the end); lease TTL 3 s, checkpoint interval 2 s, 4 partitions, idle
progress off. ``single``: one process (it owns every partition). ``replicas``: two processes on one
database, batches sent alternately through A and B; B gets SIGKILL midway, 2 ms after one of its calls
left, once its partitions' checkpoints are 1.6 s old (so A has most of an interval to replay); what B did
not acknowledge, and all that follows, goes through A.

**resume**: right after the kill a probe event (a tenant of its own) goes through A into each partition B
held (lease bucket); the seconds from the kill until every probe's alert is FIRING (ListAlerts). Goal:
<= lease TTL + 2 s. **replay rate**: the events of the records of B's partitions before the probes and
after their unit's checkpoint (stream and database read right after the kill), over the seconds from the
first of B's leases seen held by A to the last probe FIRING (both polled every 25 ms). **alerts**: each
tenant's alert changes (WatchAlerts from the start), sorted, must equal the single replica's.

``./dev bench cep_replicas [--quick]`` (--quick: 16 batches per tenant); writes bench/results/cep_replicas.json.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import grpc
import nats
from google.protobuf import struct_pb2
from nats.js.errors import BucketNotFoundError, KeyNotFoundError

from bench._replicas_workload import BATCH, PARTITIONS, PROBE, PROBE_RULE, RULES, STEP_S, TENANTS, event, keys_covering
from bench._replicas_workload import batches as build_batches
from bench.harness import unlimited_env, write_result
from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite.common.v1.common_pb2 import PageRequest
from opsuite_common.auth import TokenIssuer
from opsuite_common.testing.processes import Stack, free_port, start_stack, stop_stack, wait_serving
from tests.service_table import SERVICES

NATS_URL = "nats://127.0.0.1:4222"
LEASE_TTL_S = 3.0
CHECKPOINT_INTERVAL_S = 2.0
RESUME_SLACK_S = 2.0
GOAL = "resume <= lease TTL + 2 s; same alerts as one replica"
PACE_S = 0.5  # one batch per tenant every PACE_S (tenants staggered): 1,000 events/s per tenant, 3,000 in all
POLL_S = 0.025
WAIT_S = 120.0
#: B is killed at its first call after mid-stream once its partitions' last checkpoint is this old (a 1 s
#: timer checks the 2 s interval: B's checkpoints came ~2.1 s apart, both partitions in step).
KILL_AGE_S = 1.6

History = list[tuple[str, str, tuple[tuple[str, str], ...], str, int]]


class _Run:
    """One stack under load: replica A (and B), their stubs, the kill, the lease bucket."""

    def __init__(self, stack: Stack, ns: str, secret: str, proc_b: subprocess.Popen[bytes] | None, port_b: int):
        self.stack, self.ns, self.proc_b = stack, ns, proc_b
        issuer = TokenIssuer(key=secret)
        tokens = {t: issuer.mint(subject="bench", tenant=t, roles=["admin"]) for t in (*TENANTS, PROBE)}
        self.md = {t: (("authorization", f"Bearer {token}"),) for t, token in tokens.items()}
        self.ch_a = grpc.aio.insecure_channel(stack.target("cep"))
        self.a = cep_pb2_grpc.CepServiceStub(self.ch_a)
        self.ch_b = grpc.aio.insecure_channel(f"127.0.0.1:{port_b}") if proc_b else None
        self.b = cep_pb2_grpc.CepServiceStub(self.ch_b) if self.ch_b else None
        self.b_alive, self.kill_armed = proc_b is not None, False
        self.killed, self.t_kill = asyncio.Event(), 0.0
        self.b_parts: list[int] = []
        self.b_checkpointed: dict[int, float] = {}  # B's partition -> when its checkpoint was last seen to move
        self.age_at_kill: dict[str, float] = {}
        self.resent = self.acked_by_b = 0
        self.kv: Any = None
        self.nc: Any = None

    def kill_b(self) -> None:
        """SIGKILL replica B now."""
        assert self.proc_b is not None
        self.proc_b.send_signal(signal.SIGKILL)
        self.t_kill, self.b_alive = time.perf_counter(), False
        self.age_at_kill = {str(p): round(self.t_kill - t, 3) for p, t in sorted(self.b_checkpointed.items())}
        self.killed.set()

    def kill_due(self, i: int, kill_from: int, last: int) -> bool:
        """Whether B dies with batch ``i``: from ``kill_from`` on, once each of B's partitions was checkpointed
        ``KILL_AGE_S`` ago or longer; from ``last`` on whatever the age."""
        if self.kill_armed or i < kill_from:
            return False
        ages = [time.perf_counter() - t for t in self.b_checkpointed.values()]
        return i >= last or (len(ages) == len(self.b_parts) and min(ages) >= KILL_AGE_S)

    async def owners(self) -> dict[int, str]:
        """The lease holder of every held partition (the bucket is created by replica A on start)."""
        if self.kv is None:
            self.nc = self.nc or await nats.connect(NATS_URL, connect_timeout=2)
            try:
                self.kv = await self.nc.jetstream().key_value(f"opsuite_cep_leases_{self.ns}")
            except BucketNotFoundError:
                return {}
        out = {}
        for p in range(PARTITIONS):
            with contextlib.suppress(KeyNotFoundError):
                out[p] = bytes((await self.kv.get(f"partition.{p}")).value or b"").decode()
        return out

    async def held(self, *procs: subprocess.Popen[bytes]) -> list[list[int]]:
        """The partitions each replica process holds (a replica id is host-pid-random, ``app/wiring.py``)."""
        owners = await self.owners()
        return [
            sorted(p for p, o in owners.items() if o.startswith(f"{socket.gethostname()}-{proc.pid}-"))
            for proc in procs
        ]

    @classmethod
    async def drive(cls, batches: dict[str, list[Any]], db: Path, *args: Any) -> dict[str, Any]:
        """:func:`_drive` on a ``_Run(*args)`` made in the loop (as grpc.aio wants), then close its connections."""
        self = cls(*args)
        try:
            return await _drive(self, batches, db)
        finally:
            for closable in filter(None, (self.ch_a, self.ch_b, self.nc)):
                await closable.close()


async def _until(what: str, check: Any) -> None:
    deadline = time.monotonic() + WAIT_S
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {WAIT_S:.0f} s")
        await asyncio.sleep(POLL_S)


async def _publish(
    run: _Run, tenant: str, batches: list[Any], kill_from: int, offset: float, ended: list[float]
) -> int:
    """One batch every ``PACE_S`` from ``offset`` on, odd ones through B while it lives; B is killed 2 ms after
    one of them left (:meth:`_Run.kill_due`). What B did not acknowledge goes again through A."""
    started = time.perf_counter() + offset
    accepted = 0
    for i, req in enumerate(batches):
        await asyncio.sleep(max(0.0, started + i * PACE_S - time.perf_counter()))
        via_b = run.b is not None and run.b_alive and i % 2 == 1 and i < len(batches) - 1
        if via_b and run.kill_due(i, kill_from, len(batches) - 3):
            run.kill_armed = True
            asyncio.get_running_loop().call_later(0.002, run.kill_b)
        try:
            reply = await (run.b if via_b and run.b else run.a).PublishEvents(req, metadata=run.md[tenant], timeout=30)
            run.acked_by_b += via_b
        except grpc.aio.AioRpcError:
            if not via_b:
                raise
            run.b_alive = False  # B is gone (or going): this batch and the rest through A
            run.resent += 1
            if not run.kill_armed:  # B failed on its own: kill it now, so that the takeover is measured
                run.kill_armed = True
                run.kill_b()
            reply = await run.a.PublishEvents(req, metadata=run.md[tenant], timeout=30)
        if reply.accepted != len(req.events):
            raise RuntimeError(f"{tenant}: {reply.accepted} of {len(req.events)} events accepted")
        accepted += reply.accepted
    ended.append(time.perf_counter())
    return accepted


async def _firing(run: _Run, tenant: str, rule: str) -> list[Any]:
    req = cep_pb2.ListAlertsRequest(rule=rule, state=cep_pb2.FIRING, page=PageRequest(page_size=100))
    return list((await run.a.ListAlerts(req, metadata=run.md[tenant], timeout=10)).alerts)


async def _done(run: _Run, tenant: str) -> bool:
    """Every unit of the tenant evaluated its last batch: all its marker alerts fire."""
    return (
        len(await _firing(run, tenant, "done-keyed")) == PARTITIONS
        and len(await _firing(run, tenant, "done-tenant")) == 1
    )


async def _history(run: _Run, tenant: str) -> History:
    """Every alert change of the tenant: (change, rule, labels, state, event time in ns), oldest first."""
    last, token = 0, ""
    while True:
        req = cep_pb2.ListAlertsRequest(page=PageRequest(page_size=100, page_token=token))
        page = await run.a.ListAlerts(req, metadata=run.md[tenant], timeout=30)
        last = max([last, *(a.cursor for a in page.alerts)])
        token = page.page.next_page_token
        if not token:
            break
    out: History = []
    call = run.a.WatchAlerts(cep_pb2.WatchAlertsRequest(after_cursor=0), metadata=run.md[tenant], timeout=120)
    async for change in call:
        a, state = change.alert, cep_pb2.AlertState.Name(change.alert.state)
        out.append((change.change, a.rule, tuple(sorted(a.labels.items())), state, change.time.ToNanoseconds()))
        if change.cursor >= last:
            call.cancel()
            break
    return out


def _checkpoints(db: Path) -> dict[tuple[str, str], int]:
    """The log position of every unit's checkpoint (``p<partition>.<scope>``), read-only."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)) as conn:
        return {
            (t, u): int(pos) for t, u, pos in conn.execute("SELECT tenant, unit, log_position FROM cep_checkpoints")
        }


async def _watch_checkpoints(run: _Run, db: Path) -> None:
    """Until B is killed: when the checkpoint of each of B's partitions last moved (polled every 50 ms)."""
    seen: dict[int, int] | None = None
    while not run.killed.is_set():
        now, moved = time.perf_counter(), dict.fromkeys(run.b_parts, 0)
        for (_, unit), position in _checkpoints(db).items():
            if (p := int(unit[1:].split(".")[0])) in moved:
                moved[p] = max(moved[p], position)
        run.b_checkpointed.update({p: now for p, pos in moved.items() if seen is not None and pos != seen[p]})
        seen = moved
        await asyncio.sleep(0.05)


async def _replay_work(run: _Run, b_parts: list[int], db: Path) -> dict[str, int]:
    """The records of B's partitions before the probes, less those in their unit's checkpoint (A replays them)."""
    checkpoints = _checkpoints(db)
    js, stream = run.nc.jetstream(), f"OPSUITE_CEP_PARTITIONS_{run.ns}"
    work = {"records": 0, "events": 0, "records_in_checkpoints": 0}
    for p in b_parts:
        subject, last = f"opsuite.cep.{run.ns}.part.{p}", 0
        while True:
            msg = await js.get_msg(stream, seq=last + 1, subject=subject, next=True)  # the probe is there
            last = int(msg.seq)
            body = json.loads(msg.data or b"{}")
            if body.get("tenant") == PROBE:
                break  # the probe: everything before it is evaluated before it
            if last <= checkpoints.get((body["tenant"], f"p{p}.{body.get('scope', 'keyed')}"), 0):
                work["records_in_checkpoints"] += 1
                continue
            work["records"] += 1
            work["events"] += len(body.get("events", []))
    return work


async def _takeover(run: _Run, b_parts: list[int], db: Path) -> dict[str, Any]:
    """After the kill: a probe into each of B's former partitions through A; when A holds their leases,
    when the probes fire; what there was to replay."""
    await _watch_checkpoints(run, db)  # until the kill
    probe_keys = keys_covering(PROBE, "probe")
    now = time.time()
    events = [event(f"probe-{p}", "probe", probe_keys[p], now - 60, {"value": 1}) for p in b_parts]
    await run.a.PublishEvents(cep_pb2.PublishEventsRequest(events=events), metadata=run.md[PROBE], timeout=30)
    probed = time.perf_counter() - run.t_kill
    part_of_key = {k: p for p, k in probe_keys.items()}
    taken, shown = dict[int, float](), dict[int, float]()

    async def fired() -> bool:
        held_by_a = (await run.held(run.stack.procs["cep"]))[0]
        at = time.perf_counter() - run.t_kill
        for p in set(b_parts) & set(held_by_a):
            taken.setdefault(p, at)
        alerts = await _firing(run, PROBE, "probe")
        at = time.perf_counter() - run.t_kill
        for p in (part_of_key[a.labels["key"]] for a in alerts):
            shown.setdefault(p, at)
            taken.setdefault(p, at)  # not seen held before its probe fired (within one poll)
        return len(shown) == len(b_parts)

    work, _ = await asyncio.gather(_replay_work(run, b_parts, db), _until("probes", fired))
    resume, replay_s = max(shown.values()), max(shown.values()) - min(taken.values())
    rate = round(work["events"] / replay_s, 1) if replay_s > 0 else None
    return {
        "b_partitions": b_parts,
        "b_checkpoint_age_at_kill_s": run.age_at_kill,
        "probes_acknowledged_s": round(probed, 3),
        "leases_taken_s": {str(p): round(taken[p], 3) for p in b_parts},
        "probes_firing_s": {str(p): round(shown[p], 3) for p in b_parts},
        "resume_s": round(resume, 3),
        "replay": {**work, "seconds": round(replay_s, 3), "events_per_s": rate},
    }


async def _drive(run: _Run, batches: dict[str, list[Any]], db: Path) -> dict[str, Any]:
    """Rules, ownership settled, the paced load (and the kill), the markers, the histories."""
    for tenant, rule in [(t, r) for t in TENANTS for r in RULES] + [(PROBE, PROBE_RULE)]:
        definition = struct_pb2.Struct()
        definition.update(rule)
        await run.a.CreateRule(cep_pb2.CreateRuleRequest(definition=definition), metadata=run.md[tenant], timeout=30)
    proc_b = run.proc_b
    procs = [run.stack.procs["cep"], *filter(None, [proc_b])]
    share = PARTITIONS // len(procs)

    async def settled() -> bool:
        return all(len(parts) == share for parts in await run.held(*procs))

    await _until("every replica holds its share of the partitions", settled)
    b_parts = (await run.held(proc_b))[0] if proc_b is not None else []
    per_tenant = len(batches[TENANTS[0]]) - 1
    run.b_parts = b_parts
    started = time.perf_counter()
    ended: list[float] = []  # when each tenant's last batch was acknowledged
    offsets = [k * 2 * PACE_S / len(TENANTS) for k in range(len(TENANTS))]  # B: a call every 2 * PACE_S / 3
    tasks = [_publish(run, t, batches[t], per_tenant // 2, off, ended) for t, off in zip(TENANTS, offsets, strict=True)]
    takeover = _takeover(run, b_parts, db) if proc_b is not None else asyncio.sleep(0, {})
    accepted, take = await asyncio.gather(asyncio.gather(*tasks), takeover)
    published_s = max(ended) - started
    for tenant in TENANTS:
        await _until(f"{tenant}'s markers", partial(_done, run, tenant))
    evaluated_s = time.perf_counter() - started
    if proc_b is not None:
        take["b_exit_code"] = proc_b.wait(10)
    return {
        "events": sum(accepted),
        "publish_s": round(published_s, 3),
        "events_per_s": round(sum(accepted) / published_s, 1),
        "all_evaluated_after_last_ack_s": round(evaluated_s - published_s, 3),
        "batches_acknowledged_by_b": run.acked_by_b,
        "batches_resent_through_a": run.resent,
        "takeover": take,
        "_histories": {t: await _history(run, t) for t in TENANTS},
    }


async def _delete_namespace(ns: str) -> None:
    """Delete what a stack created on the NATS server: its partition stream and lease bucket."""
    from opsuite_cep.adapters.partitions import delete_namespace

    await delete_namespace(NATS_URL, ns)


def _stack(tmp: Path, ns: str, secret: str, replicas: int) -> tuple[Stack, subprocess.Popen[bytes] | None, int]:
    env = {"OPSUITE_CEP_EVENT_LOG": NATS_URL, "OPSUITE_CEP_PARTITIONS": str(PARTITIONS),
           "OPSUITE_CEP_STREAM_NAMESPACE": ns, "OPSUITE_CEP_LEASE_TTL_S": str(LEASE_TTL_S),
           "OPSUITE_CEP_CHECKPOINT_INTERVAL_S": str(CHECKPOINT_INTERVAL_S), "OPSUITE_CEP_IDLE_PROGRESS": "false",
           **unlimited_env("OPSUITE_CEP_")}  # fmt: skip
    stack = start_stack(SERVICES, tmp, secret, ["cep"], extra_env=env)
    if replicas == 1:
        return stack, None, 0
    port_b = free_port()
    cmd, env_b = [sys.executable, "-m", SERVICES["cep"].module], {**stack.env, "OPSUITE_CEP_PORT": str(port_b)}
    try:
        with open(tmp / "cep-b.log", "ab") as out:
            proc_b = subprocess.Popen(cmd, env=env_b, stdout=out, stderr=subprocess.STDOUT)
    except BaseException:
        stop_stack(stack)
        raise
    stack.procs["cep-b"] = proc_b  # stopped with the stack (waited for by the caller)
    return stack, proc_b, port_b


def _one(replicas: int, batches: dict[str, list[Any]]) -> dict[str, Any]:
    """One stack (a fresh database and stream namespace), driven; its namespace deleted afterwards."""
    ns, secret = f"bench{uuid.uuid4().hex[:10]}", secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="bench-cep-replicas-") as tmp:
        try:
            stack, proc_b, port_b = _stack(Path(tmp), ns, secret, replicas)
            try:
                if proc_b is not None:
                    wait_serving(port_b, proc_b, stack.run_dir / "cep-b.log")
                out = asyncio.run(_Run.drive(batches, Path(tmp) / "cep.db", stack, ns, secret, proc_b, port_b))
            finally:
                stop_stack(stack, graceful=True)
        finally:
            asyncio.run(_delete_namespace(ns))
    out["stream_namespace"] = ns
    return out


async def _nats_reachable() -> str:
    try:
        await (await nats.connect(NATS_URL, connect_timeout=2, max_reconnect_attempts=0, allow_reconnect=False)).close()
    except Exception as exc:
        return f"unavailable: no NATS server at {NATS_URL} ({type(exc).__name__})"
    return ""


def _compare(single: dict[str, History], replicas: dict[str, History]) -> dict[str, Any]:
    per_tenant = {}
    for t in TENANTS:
        want, got = sorted(single[t]), sorted(replicas[t])
        diff = (Counter(want) - Counter(got)) + (Counter(got) - Counter(want))
        per_tenant[t] = {"single": len(want), "replicas": len(got), "equal": want == got, "differing": diff.total()}
    return {"equal": all(v["equal"] for v in per_tenant.values()), "alert_changes": per_tenant}


def run(per_tenant: int) -> dict[str, Any]:
    """Both stacks on the same batches; returns the JSON payload."""
    reason = asyncio.run(_nats_reachable())
    settings = {"partitions": PARTITIONS, "lease_ttl_s": LEASE_TTL_S, "checkpoint_interval_s": CHECKPOINT_INTERVAL_S,
                "idle_progress": False, "database": "a fresh SQLite file per stack (both replicas on one)"}  # fmt: skip
    base: dict[str, Any] = {"goal": GOAL, "settings": settings, "tenants": len(TENANTS), "batch_size": BATCH}
    base |= {"batches_per_tenant": per_tenant, "pace_s": PACE_S, "rules_per_tenant": [r["name"] for r in RULES]}
    if reason:
        return {**base, "goal_status": f"unmeasured: {reason}"}
    start = time.time() - per_tenant * BATCH * STEP_S - 600.0  # all in the recent past
    batches = {t: build_batches(t, 200 + k, per_tenant, start) for k, t in enumerate(TENANTS)}
    single, replicas = _one(1, batches), _one(2, batches)
    alerts = _compare(single.pop("_histories"), replicas.pop("_histories"))
    single.pop("takeover")
    met = replicas["takeover"]["resume_s"] <= LEASE_TTL_S + RESUME_SLACK_S and alerts["equal"]
    return {
        **base,
        "goal_status": "met" if met else "not met",
        "resume_goal_s": LEASE_TTL_S + RESUME_SLACK_S,
        "replay_method": (
            "events in the records of B's partitions that precede the probes and follow their unit's checkpoint "
            "(stream read right after the kill, checkpoints from the database then); a batch counts once in its "
            "keyed record and once in its home record; divided by the time from the first of B's leases seen "
            f"held by A to the last probe seen FIRING (both polled every {POLL_S * 1000:.0f} ms)"
        ),
        "single": single,
        "replicas": replicas,
        "alerts": alerts,
    }


def _table(p: dict[str, Any]) -> str:
    if "single" not in p:
        return f"goal: {p['goal']}: {p['goal_status']}"
    s, r, t = p["single"], p["replicas"], p["replicas"]["takeover"]
    changes = p["alerts"]["alert_changes"]
    rows = [
        ("events published", f"{s['events']:,}", f"{r['events']:,}"),
        ("acknowledged events/s (paced)", f"{s['events_per_s']:,.0f}", f"{r['events_per_s']:,.0f}"),
        ("all evaluated, s after last ack", f"{s['all_evaluated_after_last_ack_s']:.2f}",
         f"{r['all_evaluated_after_last_ack_s']:.2f}"),
        ("batches acknowledged by B", "-", str(r["batches_acknowledged_by_b"])),
        ("batches B did not ack, resent via A", "-", str(r["batches_resent_through_a"])),
        ("alert changes per tenant", "/".join(str(c["single"]) for c in changes.values()),
         "/".join(str(c["replicas"]) for c in changes.values())),
    ]  # fmt: skip
    head = f"{'':<34} {'single replica':>16} {'2 replicas, B kill -9':>22}"
    rep = t["replay"]
    lines = [
        head,
        "-" * len(head),
        *(f"{a:<34} {b:>16} {c:>22}" for a, b, c in rows),
        f"takeover (lease TTL {LEASE_TTL_S:g} s, checkpoint interval {CHECKPOINT_INTERVAL_S:g} s, "
        f"{PARTITIONS} partitions); B held {t['b_partitions']}, exit code {t.get('b_exit_code')}, killed "
        f"{t['b_checkpoint_age_at_kill_s']} s after their last checkpoint:",
        f"  s after the kill: leases held by A {t['leases_taken_s']}, probes FIRING {t['probes_firing_s']}",
        f"  resume {t['resume_s']:.2f} s (goal <= {p['resume_goal_s']:g} s)",
        f"  replay: {rep['events']:,} events in {rep['records']} records after B's checkpoints "
        f"({rep['records_in_checkpoints']} records skipped) in {rep['seconds']:.2f} s = "
        f"{rep['events_per_s'] or 0:,.0f} events/s",
        f"  method: {p['replay_method']}",
        f"alert histories (sorted, per tenant) equal to the single replica's: {p['alerts']['equal']}",
        f"goal: {p['goal']}: {p['goal_status']}",
    ]
    return "\n".join(lines)


def main(flags: list[str] | None = None) -> dict[str, Any]:
    """Run both stacks, print the table and write bench/results/cep_replicas.json."""
    quick = "--quick" in (flags if flags is not None else sys.argv[1:])
    payload = run(16 if quick else 40)
    path = write_result("cep_replicas", payload)
    print(_table(payload))
    print(f"written to {path}")
    return payload


if __name__ == "__main__":
    main()
