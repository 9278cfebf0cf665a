"""cep's spans, exported to a real OTLP/gRPC receiver: ingestion under the PublishEvents span (with partitions,
the owner's evaluation joins the publisher's trace through the JetStream message headers), and a delivery in
the trace of the PublishEvents that queued it (through the outbox row), whose call to api_manager is a child
span marked with its failure."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from opsuite.cep.v1 import cep_pb2
from opsuite_common import tracing
from opsuite_common.testing.eventually import eventually
from opsuite_common.testing.otlp import OtlpReceiver, ReceivedSpan

from .conftest import ev, struct

pytestmark = pytest.mark.asyncio

NATS_URL = "nats://127.0.0.1:4222"
PUBLISH = "opsuite.cep.v1.CepService/PublishEvents"
BY_KEY = {
    "name": "errors-high",
    "kind": "THRESHOLD",
    "event_type": "metric",
    "spec": {"condition": {"field": "errors", "op": ">", "value": 5}, "group_by": ["key"]},
}


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[OtlpReceiver]:
    """A receiver, and tracing of this process exporting to it (off again afterwards)."""
    rx = OtlpReceiver()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rx.endpoint)
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "50")
    assert tracing.configure_tracing("cep", "0", os.environ)
    try:
        yield rx
    finally:
        tracing.shutdown_tracing()
        rx.close()


def _named(spans: list[ReceivedSpan], name: str) -> list[ReceivedSpan]:
    return [s for s in spans if s.name == name]


async def test_partitioned_evaluation_joins_the_publishers_trace(
    receiver: OtlpReceiver, stream_namespace: str, sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep = await start_cep(
        sqlite_url, event_log=NATS_URL, partitions=2, stream_namespace=stream_namespace, partition_refresh_s=0.2
    )
    await cep.rule(BY_KEY)
    await eventually(lambda: len(cep.handle.app.coordinator.runners) == 2, timeout=20, what="both partitions owned")
    await cep.publish([ev("e1", "metric", 1, key="svc-1", errors=9)])

    def evaluated(spans: list[ReceivedSpan]) -> bool:
        return len(_named(spans, "cep.evaluate")) == 2  # the key's partition and the tenant's home partition

    spans = await eventually(receiver.spans, until=evaluated, timeout=20, what="both records' evaluation spans")
    publish = next(s for s in spans if s.name == PUBLISH and s.kind == "server")
    ingest = next(s for s in _named(spans, "cep.ingest") if s.parent_id == publish.span_id)
    assert ingest.attributes["opsuite.cep.events"] == 1
    for evaluation in _named(spans, "cep.evaluate"):
        assert (evaluation.kind, evaluation.trace_id, evaluation.parent_id) == (
            "consumer",
            publish.trace_id,
            ingest.span_id,
        )
        assert evaluation.attributes["messaging.system"] == "nats"


async def test_a_delivery_joins_the_publishers_trace_and_its_failed_call_is_its_child(
    receiver: OtlpReceiver, sqlite_url: str, start_cep: Callable[..., Any]
) -> None:
    cep = await start_cep(sqlite_url)  # api_manager at 127.0.0.1:1: nothing listens
    await cep.stub.CreateChannel(
        cep_pb2.CreateChannelRequest(name="run", kind="api", config=struct({"api": "count"})), metadata=cep.md()
    )
    await cep.rule({**BY_KEY, "channels": ["run"]})
    await cep.publish([ev("e1", "metric", 1, key="svc-1", errors=9)])

    def delivered(spans: list[ReceivedSpan]) -> bool:
        return any(s.name == "cep.deliver" for s in spans) and any(s.kind == "client" for s in spans)

    spans = await eventually(receiver.spans, until=delivered, timeout=20, what="a delivery span and its call")
    deliver = _named(spans, "cep.deliver")[0]
    # The delivery joins the trace of the PublishEvents that fired the alert, under its ingestion span.
    publish = next(s for s in spans if s.name == PUBLISH and s.kind == "server")
    ingest = next(s for s in _named(spans, "cep.ingest") if s.parent_id == publish.span_id)
    assert (deliver.trace_id, deliver.parent_id, deliver.kind) == (publish.trace_id, ingest.span_id, "consumer")
    assert deliver.attributes["opsuite.cep.channel.kind"] == "api"
    assert deliver.attributes["opsuite.cep.notification.kind"] == "firing"
    assert deliver.status_code == 2 and deliver.attributes["error.type"] == deliver.status_message
    call = next(s for s in spans if s.kind == "client" and s.parent_id == deliver.span_id)
    assert call.name == "opsuite.apimanager.v1.ApiManagerService/ExecuteApi"
    assert call.attributes["rpc.grpc.status_code"] == 14 and call.status_code == 2  # UNAVAILABLE
    assert (call.attributes["server.address"], call.attributes["server.port"]) == ("127.0.0.1", 1)
