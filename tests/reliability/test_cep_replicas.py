"""kill -9 of one of two cep replicas mid-stream, with the replicas sharing the partitions of a JetStream
stream (real processes, the NATS server of this machine, one SQLite database).

Batches go to tenant ``crashed`` through both replicas; replica B is killed with SIGKILL while a batch is
in flight; the client resends every batch through A (it cannot know what was stored). The same batches go
uninterrupted to tenant ``reference``. Once a last marker batch shows in both tenants, their alert
histories must be equal: every acknowledged event was in effect processed exactly once, by whichever
replica owned its partition, before or after the takeover.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import grpc
from google.protobuf import struct_pb2, timestamp_pb2

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite_cep.adapters.partitions import delete_namespace
from opsuite_cep.domain.partitioning import partition_of
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.processes import free_port, stop_stack, wait_serving
from opsuite_common.testing.servers import TokenFactory

from ..conftest import start_test_stack
from .test_cep_crash import _history

TOKENS = TokenFactory()
PARTITIONS = 4
RULES = [
    {  # tenant-wide: at the tenant's home partition
        "name": "cpu-high",
        "kind": "THRESHOLD",
        "event_type": "metric",
        "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
    },
    {  # keyed: spread over the partitions
        "name": "errors-high",
        "kind": "THRESHOLD",
        "event_type": "metric",
        "spec": {"condition": {"field": "errors", "op": ">", "value": 5}, "group_by": ["key", "host"]},
    },
]
BATCHES, PER_BATCH, KILL_AFTER = 24, 20, 8


def _md(tenant: str) -> tuple[tuple[str, str], ...]:
    return TOKENS.metadata(tenant, ["admin"])


def _keys(*tenants: str) -> list[str]:
    """At least eight keys that cover every partition of each tenant."""
    keys: list[str] = []
    while len(keys) < 8 or any(len({partition_of(t, k, PARTITIONS) for k in keys}) < PARTITIONS for t in tenants):
        keys.append(f"svc-{len(keys)}")
    return keys


def _event(eid: str, t: float, key: str, host: str, cpu: float, errors: int) -> cep_pb2.Event:
    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(int(t * 1e9))
    attrs = struct_pb2.Struct()
    attrs.update({"host": host, "cpu": cpu, "errors": errors})
    return cep_pb2.Event(id=eid, type="metric", source="replica-test", key=key, time=ts, attributes=attrs)


def _batches(t0: float, keys: list[str]) -> list[list[cep_pb2.Event]]:
    out = []
    for b in range(BATCHES):
        batch = []
        for i in range(PER_BATCH):
            n = b * PER_BATCH + i
            key, host = keys[n % len(keys)], f"h{n % 5}"
            hot = (n // len(keys) + n % 3) % 4 == 0
            batch.append(_event(f"e{n}", t0 + n, key, host, 95 if hot else 30, 9 if hot else 1))
        out.append(batch)
    # the marker: last in every partition (each key fires errors-high on a host of its own)
    last = BATCHES * PER_BATCH
    out.append([_event(f"m{i}", t0 + last + i, k, "marker", 30, 99) for i, k in enumerate(keys)])
    return out


def _partition_log(tmp_path: Path) -> str:
    """The partitions' warnings, errors and ownership lines of both replicas' logs (the last 60)."""
    lines = []
    for name in ("cep.log", "cep-b.log"):
        path = tmp_path / name
        for line in path.read_text(errors="replace").splitlines() if path.exists() else ():
            if "opsuite.cep.partitions" in line or '"level": "error"' in line:
                lines.append(f"{name}: {line}")
    return "\n".join(lines[-60:])


def test_kill_9_of_a_replica_mid_stream_loses_and_doubles_nothing(tmp_path: Path) -> None:
    ns = f"r{uuid.uuid4().hex[:10]}"
    env = {
        "OPSUITE_CEP_EVENT_LOG": "nats://127.0.0.1:4222",
        "OPSUITE_CEP_PARTITIONS": str(PARTITIONS),
        "OPSUITE_CEP_STREAM_NAMESPACE": ns,
        "OPSUITE_CEP_LEASE_TTL_S": "4",  # renewed every 1.3 s: slack for a loaded CI host
        "OPSUITE_CEP_CHECKPOINT_INTERVAL_S": "1",
        "OPSUITE_CEP_IDLE_PROGRESS": "false",  # event time only: the two tenants must see the same time
    }
    stack = start_test_stack(tmp_path, ["cep"], extra_env=env)
    port_b = free_port()
    with open(tmp_path / "cep-b.log", "ab") as out:
        proc_b = subprocess.Popen(
            [sys.executable, "-m", "opsuite_cep.main"],
            env={**stack.env, "OPSUITE_CEP_PORT": str(port_b)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    stack.procs["cep-b"] = proc_b  # stopped with the stack
    crashed, reference = f"crashed-{ns}", f"reference-{ns}"
    t0 = time.time() - 3600
    try:
        wait_serving(port_b, proc_b, tmp_path / "cep-b.log")
        with grpc.insecure_channel(stack.target("cep")) as ch_a, grpc.insecure_channel(f"127.0.0.1:{port_b}") as ch_b:
            a, b = cep_pb2_grpc.CepServiceStub(ch_a), cep_pb2_grpc.CepServiceStub(ch_b)
            for tenant in (crashed, reference):
                for rule in RULES:
                    definition = struct_pb2.Struct()
                    definition.update(rule)
                    a.CreateRule(cep_pb2.CreateRuleRequest(definition=definition), metadata=_md(tenant))
            keys = _keys(crashed, reference)
            batches = {t: _batches(t0, keys) for t in (crashed, reference)}
            acked, killer = 0, None
            for i, batch in enumerate(batches[crashed][:BATCHES]):
                if i == KILL_AFTER:
                    killer = threading.Timer(0.002, proc_b.send_signal, (signal.SIGKILL,))
                    killer.start()
                target = b if i % 2 else a
                try:
                    reply = target.PublishEvents(cep_pb2.PublishEventsRequest(events=batch), metadata=_md(crashed))
                except grpc.RpcError:
                    if target is b:
                        break
                    raise
                assert reply.evaluated is False and reply.accepted == len(batch)
                acked += 1
            assert killer is not None
            killer.join()
            assert proc_b.wait(10) == -signal.SIGKILL and acked >= KILL_AFTER
            for batch in batches[crashed]:  # everything again, through the survivor
                a.PublishEvents(cep_pb2.PublishEventsRequest(events=batch), metadata=_md(crashed), timeout=20)
            for batch in batches[reference]:
                a.PublishEvents(cep_pb2.PublishEventsRequest(events=batch), metadata=_md(reference), timeout=20)

            def markers_fired(tenant: str) -> bool:
                page = a.ListAlerts(cep_pb2.ListAlertsRequest(labels={"host": "marker"}), metadata=_md(tenant))
                return sum(1 for x in page.alerts if x.state == cep_pb2.FIRING) == len(keys)

            try:
                eventually_sync(lambda: markers_fired(crashed) and markers_fired(reference), timeout=60, what="markers")
            except AssertionError as exc:  # the replicas' own account of the partitions, for whoever reads CI
                raise AssertionError(f"{exc}\n{_partition_log(tmp_path)}") from None
            got, want = sorted(_history(a, crashed)), sorted(_history(a, reference))
    finally:
        stop_stack(stack)
        asyncio.run(delete_namespace("nats://127.0.0.1:4222", ns))
    assert len(want) > 20  # the scenario fires and resolves alerts
    assert got == want
