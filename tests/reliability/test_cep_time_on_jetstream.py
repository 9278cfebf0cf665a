"""Event time on a real cep process whose partitions live on the NATS JetStream server of this machine:
a quiet tenant's absence alert fires by the wall clock (idle progress, logged as a tick record of its
partition), and an event stamped far in the future is refused on its own while the next normal event
fires. The same semantics are tested in-process, with a fake clock, in services/cep/tests/service/.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import grpc
from google.protobuf import struct_pb2, timestamp_pb2

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc
from opsuite_cep.adapters.partitions import delete_namespace
from opsuite_common.testing.eventually import eventually_sync
from opsuite_common.testing.processes import stop_stack
from opsuite_common.testing.servers import TokenFactory

from ..conftest import start_test_stack

MD = TokenFactory().metadata(f"quiet-{uuid.uuid4().hex[:8]}", ["admin"])
HEARTBEAT = {
    "name": "heartbeat-lost",
    "kind": "ABSENCE",
    "spec": {
        "trigger": {"alias": "a", "event_type": "heartbeat"},
        "expected": {"alias": "b", "event_type": "heartbeat"},
        "within": "2s",
    },
}
CPU = {
    "name": "cpu-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "cpu", "op": ">", "value": 90}, "group_by": ["key"]},
}


def _event(eid: str, etype: str, t: float, key: str, **attrs: float) -> cep_pb2.Event:
    ts = timestamp_pb2.Timestamp()
    ts.FromNanoseconds(int(t * 1e9))
    s = struct_pb2.Struct()
    s.update(attrs)
    return cep_pb2.Event(id=eid, type=etype, key=key, source="time-test", time=ts, attributes=s)


def _rule(stub: cep_pb2_grpc.CepServiceStub, rule: dict[str, object]) -> None:
    definition = struct_pb2.Struct()
    definition.update(rule)
    stub.CreateRule(cep_pb2.CreateRuleRequest(definition=definition), metadata=MD)


def _firing(stub: cep_pb2_grpc.CepServiceStub, rule: str) -> list[cep_pb2.Alert]:
    page = stub.ListAlerts(cep_pb2.ListAlertsRequest(rule=rule), metadata=MD)
    return [a for a in page.alerts if a.state == cep_pb2.FIRING]


def test_a_quiet_tenant_fires_by_the_clock_and_a_future_event_is_refused_alone(tmp_path: Path) -> None:
    env = {
        "OPSUITE_CEP_EVENT_LOG": "nats://127.0.0.1:4222",
        "OPSUITE_CEP_PARTITIONS": "2",
        "OPSUITE_CEP_STREAM_NAMESPACE": (ns := f"q{uuid.uuid4().hex[:10]}"),
        "OPSUITE_CEP_LEASE_TTL_S": "2",
        "OPSUITE_CEP_IDLE_TIMEOUT_S": "1",
        "OPSUITE_CEP_SCHEDULE_TICK_S": "0.2",
    }
    stack = start_test_stack(tmp_path, ["cep"], extra_env=env)
    try:
        with grpc.insecure_channel(stack.target("cep")) as channel:
            stub = cep_pb2_grpc.CepServiceStub(channel)
            _rule(stub, HEARTBEAT)
            _rule(stub, CPU)
            now = time.time()
            reply = stub.PublishEvents(
                cep_pb2.PublishEventsRequest(events=[_event("hb-1", "heartbeat", now, "db-1")]), metadata=MD
            )
            assert reply.accepted == 1
            # No further event: the absence fires once the clock passes the deadline plus the idle timeout.
            (alert,) = eventually_sync(lambda: _firing(stub, "heartbeat-lost"), timeout=30, what="absence by clock")
            assert alert.fired_at.ToSeconds() == int(now + 2)  # stamped with the deadline (event time)

            now = time.time()
            future = _event("f-1", "metric", now + 86_400, "web-1", cpu=99)  # a day ahead
            normal = _event("n-1", "metric", now, "web-2", cpu=99)
            reply = stub.PublishEvents(cep_pb2.PublishEventsRequest(events=[future, normal]), metadata=MD)
            assert (reply.refused, reply.accepted) == (1, 1)
            assert (reply.refused_events[0].index, reply.refused_events[0].reason) == (0, "FUTURE_TIME")
            (fired,) = eventually_sync(lambda: _firing(stub, "cpu-high"), timeout=30, what="the normal event fires")
            assert fired.labels["key"] == "web-2"
    finally:
        stop_stack(stack)
        asyncio.run(delete_namespace("nats://127.0.0.1:4222", ns))
