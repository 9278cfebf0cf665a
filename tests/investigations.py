"""Fire an alert on a rule whose channel is cep's ``ops_investigation`` kind (the process tests' shared setup)."""

from __future__ import annotations

import time

from google.protobuf import struct_pb2

from opsuite.cep.v1 import cep_pb2, cep_pb2_grpc

Metadata = tuple[tuple[str, str], ...]


def struct(data: dict[str, object]) -> struct_pb2.Struct:
    """A protobuf Struct of ``data``."""
    out = struct_pb2.Struct()
    out.update(data)
    return out


def fire_investigated_alert(
    cep: cep_pb2_grpc.CepServiceStub, metadata: Metadata, *, rule: str, service: str
) -> tuple[cep_pb2.Channel, cep_pb2.PublishEventsResponse]:
    """Create the channel ``investigate`` (kind ``ops_investigation``) and an error-rate THRESHOLD rule named
    ``rule`` that notifies it, then publish one error-rate event of ``service`` over the threshold, stamped
    now. Returns the channel and PublishEvents' reply (its ``alerts`` hold the alert that fired)."""
    channel = cep.CreateChannel(
        cep_pb2.CreateChannelRequest(name="investigate", kind="ops_investigation", config=struct({})),
        metadata=metadata,
    )
    definition = {
        "name": rule,
        "kind": "THRESHOLD",
        "event_type": "metric",
        "severity": "critical",
        "channels": ["investigate"],
        "spec": {
            "where": {"field": "metric", "op": "==", "value": "error_rate"},
            "condition": {"field": "value", "op": ">", "value": 5},
            "group_by": ["service"],
        },
    }
    cep.CreateRule(cep_pb2.CreateRuleRequest(definition=struct(definition)), metadata=metadata)
    event = cep_pb2.Event(
        id=f"{rule}-{time.time_ns()}",
        type="metric",
        key=service,
        attributes=struct({"metric": "error_rate", "service": service, "value": 12.5}),
    )
    event.time.GetCurrentTime()
    return channel, cep.PublishEvents(cep_pb2.PublishEventsRequest(events=[event]), metadata=metadata)
