"""kill -9 of cep mid-stream (a real process): on its embedded event log (SQLite, PostgreSQL) and on the
NATS JetStream server of this machine (127.0.0.1:4222).

A client publishes a scenario batch by batch into tenant ``crashed``; cep is killed with SIGKILL while a
batch is in flight, restarted, and the client resends every batch (it cannot know which were applied).
The same batches go uninterrupted into tenant ``reference`` on the restarted process. Every acknowledged
event must be in effect processed exactly once: the resends of acknowledged events are duplicates, and
the alert history of ``crashed`` equals that of ``reference``, change by change.
"""

from __future__ import annotations

import signal
import threading
import time
import uuid
from pathlib import Path

import grpc
import pytest
from google.protobuf import struct_pb2, timestamp_pb2

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite.common.v1.common_pb2 import PageRequest
from opsuite_common.testing.processes import stop_stack
from opsuite_common.testing.servers import TokenFactory

from ..conftest import start_test_stack

TOKENS = TokenFactory()
RULE = {
    "name": "cpu-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["host"]},
}
NATS_URL = "nats://127.0.0.1:4222"
BATCHES, PER_BATCH, HOSTS = 24, 25, 8
KILL_AFTER = 8  # acknowledged batches before the kill


def _md(tenant: str) -> tuple[tuple[str, str], ...]:
    return TOKENS.metadata(tenant, ["admin"])


def _batches(t0: float) -> list[list[cep_pb2.Event]]:
    """A deterministic scenario: each host's cpu crosses 90 now and then, so alerts fire and resolve."""
    out = []
    for b in range(BATCHES):
        batch = []
        for i in range(PER_BATCH):
            n = b * PER_BATCH + i
            host = f"web-{n % HOSTS}"
            cpu = 95 if (n // HOSTS + n % HOSTS) % 5 == 0 else 40
            ts = timestamp_pb2.Timestamp()
            ts.FromNanoseconds(int((t0 + n) * 1e9))
            attrs = struct_pb2.Struct()
            attrs.update({"host": host, "cpu": cpu})
            batch.append(cep_pb2.Event(id=f"e{n}", type="metric", source="crash-test", time=ts, attributes=attrs))
        out.append(batch)
    return out


def _history(stub: cep_pb2_grpc.CepServiceStub, tenant: str) -> list[tuple[str, str, str, float]]:
    """Every alert change of the tenant, oldest first: (host, change, state, event time)."""
    last, token = 0, ""
    while True:  # the newest cursor: the largest of the alerts' own cursors
        page = stub.ListAlerts(
            cep_pb2.ListAlertsRequest(page=PageRequest(page_size=100, page_token=token)), metadata=_md(tenant)
        )
        last = max([last, *(a.cursor for a in page.alerts)])
        token = page.page.next_page_token
        if not token:
            break
    changes: list[tuple[str, str, str, float]] = []
    call = stub.WatchAlerts(cep_pb2.WatchAlertsRequest(after_cursor=0), metadata=_md(tenant), timeout=30)
    for change in call:
        a = change.alert
        changes.append((a.labels["host"], change.change, cep_pb2.AlertState.Name(a.state), change.time.ToSeconds()))
        if change.cursor >= last:
            call.cancel()
            break
    return changes


@pytest.mark.parametrize("store", ["sqlite", "postgresql", "jetstream"])
def test_kill_9_mid_stream_then_resend_processes_every_acknowledged_event_exactly_once(
    store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    env = {"OPSUITE_CEP_IDLE_PROGRESS": "false"}  # no wall-clock progress: the two tenants must see the same time
    if store == "postgresql":
        env["OPSUITE_CEP_DATABASE_URL"] = request.getfixturevalue("pg_url")
    if store == "jetstream":
        env["OPSUITE_CEP_EVENT_LOG"] = NATS_URL
    run = uuid.uuid4().hex[:8]  # the JetStream stream outlives the test: tenants of this run only
    crashed_tenant, reference_tenant = f"crashed-{run}", f"reference-{run}"
    stack = start_test_stack(tmp_path, ["cep"], extra_env=env)
    batches = _batches(time.time() - 3600)
    try:
        with grpc.insecure_channel(stack.target("cep")) as channel:
            stub = cep_pb2_grpc.CepServiceStub(channel)
            for tenant in (crashed_tenant, reference_tenant):
                definition = struct_pb2.Struct()
                definition.update(RULE)
                stub.CreateRule(cep_pb2.CreateRuleRequest(definition=definition), metadata=_md(tenant))
            acked = 0
            killer = None
            for i, batch in enumerate(batches):
                if i == KILL_AFTER:  # the kill lands while this batch (or the next) is in flight
                    proc = stack.procs["cep"]
                    killer = threading.Timer(0.002, proc.send_signal, (signal.SIGKILL,))
                    killer.start()
                try:
                    stub.PublishEvents(
                        cep_pb2.PublishEventsRequest(events=batch), metadata=_md(crashed_tenant), timeout=10
                    )
                except grpc.RpcError:
                    break
                acked += 1
            assert killer is not None
            killer.join()
            stack.procs["cep"].wait(10)
            assert stack.procs["cep"].returncode == -signal.SIGKILL
            assert KILL_AFTER <= acked < BATCHES

        stack.start("cep")
        with grpc.insecure_channel(stack.target("cep")) as channel:
            stub = cep_pb2_grpc.CepServiceStub(channel)
            duplicates = 0
            for batch in batches:  # the client resends everything: it cannot know what was applied
                reply = stub.PublishEvents(cep_pb2.PublishEventsRequest(events=batch), metadata=_md(crashed_tenant))
                duplicates += reply.duplicates
                assert reply.late == 0 and reply.refused == 0
            for batch in batches:
                stub.PublishEvents(cep_pb2.PublishEventsRequest(events=batch), metadata=_md(reference_tenant))
            # every acknowledged event was kept (a batch in flight at the kill may have been kept too)
            assert acked * PER_BATCH <= duplicates <= (acked + 1) * PER_BATCH
            crashed, reference = _history(stub, crashed_tenant), _history(stub, reference_tenant)
    finally:
        stop_stack(stack)
    assert len(reference) > 2 * HOSTS  # the scenario fires and resolves alerts
    assert crashed == reference
