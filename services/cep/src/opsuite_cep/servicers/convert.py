"""proto <-> domain/storage translation for the cep servicers, and event validation."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from google.protobuf import struct_pb2, timestamp_pb2

from opsuite.cep.v1 import cep_pb2
from opsuite.common.v1 import common_pb2
from opsuite_cep.domain import Event, IngestResult
from opsuite_common.errors import FieldViolation, ValidationError
from opsuite_common.protoconv import dict_to_struct, dt_to_timestamp, seconds_to_duration

__all__ = [
    "alert_to_proto",
    "events_from_proto",
    "ingest_to_test_response",
    "meta",
    "safe_struct",
    "struct_py",
    "ts",
]

_STATE = {"pending": cep_pb2.PENDING, "firing": cep_pb2.FIRING, "resolved": cep_pb2.RESOLVED}
STATE_NAMES = {v: k for k, v in _STATE.items()}


def _py(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        return value.number_value
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return struct_py(value.struct_value)
    if kind == "list_value":
        return [_py(v) for v in value.list_value.values]
    return None


def struct_py(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A Struct as a dict (faster than json_format on the ingestion path)."""
    return {k: _py(v) for k, v in struct.fields.items()}


def _finite(value: Any) -> Any:
    # Anomaly z-scores can be +-inf: JSON (and Struct) cannot carry them, so they travel as strings.
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def safe_struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    """A Struct of ``data`` with non-finite numbers as strings."""
    return dict_to_struct(_finite(dict(data)))


def ts(seconds: float | None) -> Any:
    """Epoch seconds as a Timestamp (None stays None)."""
    if seconds is None:
        return None
    out = timestamp_pb2.Timestamp()
    out.FromNanoseconds(round(seconds * 1e9))
    return out


def meta(row: Any, *, etag: bool = True) -> common_pb2.ResourceMeta:
    """ResourceMeta of a stored row."""
    return common_pb2.ResourceMeta(
        id=row.id,
        tenant=row.tenant,
        create_time=dt_to_timestamp(row.created_at),
        update_time=dt_to_timestamp(getattr(row, "updated_at", row.created_at)),
        etag=getattr(row, "etag", "") if etag else "",
        created_by=row.created_by,
        updated_by=getattr(row, "updated_by", row.created_by),
    )


def rule_to_proto(row: Any) -> cep_pb2.Rule:
    """A stored rule."""
    definition = {**json.loads(row.definition), "enabled": row.enabled}
    return cep_pb2.Rule(
        meta=meta(row),
        name=row.name,
        kind=row.kind,
        definition=dict_to_struct(definition),
        enabled=row.enabled,
        revision=row.revision,
    )


def alert_to_proto(view: Mapping[str, Any]) -> cep_pb2.Alert:
    """An alert view (dict) as a proto."""
    return cep_pb2.Alert(
        id=view["id"],
        fingerprint=view["fingerprint"],
        rule=view["rule"],
        rule_id=view["rule_id"],
        state=_STATE.get(view["state"], cep_pb2.ALERT_STATE_UNSPECIFIED),
        severity=view["severity"],
        labels=view["labels"],
        annotations=view["annotations"],
        values=safe_struct(view["values"]),
        starts_at=ts(view["starts_at"]),
        fired_at=ts(view["fired_at"]),
        ends_at=ts(view["ends_at"]),
        acknowledged=view["acknowledged"],
        acknowledged_by=view["acknowledged_by"],
        silenced=view["silenced"],
        investigation_id=view["investigation_id"],
        # Snapshots written before the answer was part of the view lack the key.
        investigation_answer=view.get("investigation_answer", ""),
        update_time=ts(view["updated_at"]),
        cursor=view["cursor"],
        resolved_by=view.get("resolved_by", ""),
    )


def events_from_proto(events: Sequence[cep_pb2.Event], *, max_events: int, max_attr_bytes: int) -> list[Event]:
    """Validate and convert a batch; every bad field is a violation named ``events[i].<field>``."""
    if len(events) > max_events:
        raise ValidationError.for_field("events", f"at most {max_events} events per batch; split the batch")
    problems: list[FieldViolation] = []
    out: list[Event] = []
    for i, e in enumerate(events):
        path = f"events[{i}]"
        if not e.id or len(e.id) > 256:
            problems.append(FieldViolation(f"{path}.id", "required: a unique id of 1-256 characters"))
        if not e.type or len(e.type) > 128:
            problems.append(FieldViolation(f"{path}.type", "required: an event type of 1-128 characters"))
        if len(e.source) > 256 or len(e.key) > 256:
            problems.append(FieldViolation(f"{path}.key", "source and key are at most 256 characters"))
        if not e.HasField("time") or (e.time.seconds == 0 and e.time.nanos == 0):
            problems.append(FieldViolation(f"{path}.time", "required: the event time (when it happened)"))
            continue
        # An event too far in the future is refused on its own by the engine (max_future_skew), not here.
        seconds = e.time.seconds + e.time.nanos / 1e9
        if seconds < 0:
            problems.append(FieldViolation(f"{path}.time", "is before 1970-01-01"))
        if e.attributes.ByteSize() > max_attr_bytes:
            problems.append(FieldViolation(f"{path}.attributes", f"larger than {max_attr_bytes} bytes"))
        if not problems:
            out.append(Event(e.id, e.type, seconds, e.source, e.key, struct_py(e.attributes)))
    if problems:
        raise ValidationError(
            f"{len(problems)} problem(s) in the events; nothing was ingested", field_violations=problems
        )
    return out


def ingest_to_test_response(
    result: IngestResult, parsed_conditions: Mapping[str, str] | None = None
) -> cep_pb2.TestRuleResponse:
    """A dry-run result, with the rule's conditions as parsed (canonical one-line text by field)."""
    return cep_pb2.TestRuleResponse(
        matches=[
            cep_pb2.Match(
                rule=m.rule,
                fingerprint=m.fingerprint,
                time=ts(m.at),
                labels=dict(m.labels),
                event_ids=list(m.event_ids),
                values=safe_struct(m.values),
            )
            for m in result.matches
        ],
        transitions=[
            cep_pb2.AlertTransition(
                fingerprint=t.fingerprint,
                rule=t.rule,
                state=str(t.state),
                time=ts(t.at),
                labels=dict(t.labels),
                values=safe_struct(t.values),
                silenced=t.silenced,
                annotations=dict(t.annotations),
            )
            for t in result.transitions
        ],
        notifications=[
            cep_pb2.NotificationPreview(fingerprint=n.fingerprint, channel=n.channel, kind=str(n.kind), time=ts(n.at))
            for n in result.notifications
        ],
        late_events=[
            cep_pb2.LateEvent(event_id=le.event.id, rule=le.rule, watermark=ts(le.watermark))
            for le in result.late_events
        ],
        duplicate_event_ids=[e.id for e in result.duplicate_events],
        refused_events=[
            cep_pb2.RefusedEvent(index=r.index, event_id=r.event.id, reason=r.reason, description=r.description)
            for r in result.refused
        ],
        watermark=ts(result.watermark),
        buffered=result.buffered,
        parsed_conditions=dict(parsed_conditions or {}),
    )


def duration(seconds: float) -> Any:
    """Seconds as a Duration."""
    return seconds_to_duration(seconds)
