"""Proto <-> use-case translation for every api_manager message (no logic beyond the mapping)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from google.protobuf import struct_pb2

from opsuite.apimanager.v1 import api_manager_pb2 as pb
from opsuite.common.v1 import common_pb2
from opsuite_api_manager.app import ApiDefinition, Outcome, Policy, Reference, definition_of
from opsuite_api_manager.app.execution import started_plus
from opsuite_api_manager.domain.script import escape_controls, split_log_records
from opsuite_common import limits
from opsuite_common.errors import ValidationError
from opsuite_common.protoconv import (
    dict_to_struct,
    dt_to_timestamp,
    duration_to_seconds,
    enum_name,
    py_to_value,
    seconds_to_duration,
    struct_to_dict,
    value_to_py,
)
from opsuite_common.secretscope import mask_url

if TYPE_CHECKING:  # the rows' types only: servicers never query the database
    from opsuite_api_manager.db import ApiRow, ApiVersionRow, DataSourceRow, ExecutionRow

__all__ = [
    "ProtoSizer",
    "api_to_proto",
    "data_source_to_proto",
    "definition_from_proto",
    "definition_to_proto",
    "execution_to_proto",
    "integral",
    "outcome_to_proto",
    "params_from",
    "version_to_proto",
]

_SPEC_KIND = {"sql": "SQL", "script": "SCRIPT", "http": "HTTP", "workflow": "WORKFLOW"}


def integral(value: Any) -> Any:
    """Struct numbers are all floats: turn integral ones back into ints (JSON has one number type)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [integral(v) for v in value]
    return value


def _value_py(value: struct_pb2.Value, field: str) -> Any:
    """One Struct Value as Python, integral numbers as ints (direct walk: MessageToDict cost ~50 us a call)."""
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        n = value.number_value
        if n.is_integer() and abs(n) < 2**53:
            return int(n)
        if not math.isfinite(n):
            raise ValidationError.for_field(field, "must be a finite number (NaN and Infinity are not JSON)")
        return n
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return {k: _value_py(v, f"{field}.{k}") for k, v in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_value_py(v, f"{field}[{i}]") for i, v in enumerate(value.list_value.values)]
    return None  # null_value (or no kind set: JSON null)


def params_from(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Request params as a dict with integral numbers as ints (at most ``limits.PARAMS_BYTES``)."""
    _check_size("params", struct)
    return {k: _value_py(v, f"params.{k}") for k, v in struct.fields.items()}


def _check_size(field: str, message: struct_pb2.Struct | struct_pb2.Value) -> None:
    size = message.ByteSize()
    if size > limits.PARAMS_BYTES:
        raise ValidationError.for_field(field, f"is {size} bytes; the limit is {limits.PARAMS_BYTES} bytes")


def definition_from_proto(api: pb.ApiDefinition) -> ApiDefinition:
    """An ApiDefinition message as the use-case value; kind may be inferred from the spec set."""
    which = api.WhichOneof("spec")
    kind = (
        enum_name(pb.ApiKind, api.kind, "api.kind") if api.kind else (_SPEC_KIND.get(which or "", "") if which else "")
    )
    if which and api.kind and _SPEC_KIND[which] != kind:
        raise ValidationError.for_field("api.kind", f"is {kind} but the spec given is '{which}'")
    spec: dict[str, Any] = {}
    if which == "sql":
        spec = {"data_source": api.sql.data_source, "statement": api.sql.statement}
    elif which == "script":
        spec = {"source": api.script.source}
    elif which == "http":
        spec = {"method": api.http.method or "GET", "url": api.http.url, "headers": dict(api.http.headers)}
        if api.http.body:
            spec["body"] = api.http.body
    elif which == "workflow":
        spec = {"definition": integral(struct_to_dict(api.workflow.definition))}
    p = api.policy
    return ApiDefinition(
        name=api.name,
        kind=kind,
        spec=spec,
        description=api.description,
        tags=tuple(api.tags),
        param_schema=integral(struct_to_dict(api.param_schema)),
        policy=Policy(
            timeout_s=duration_to_seconds(p.timeout) if p.HasField("timeout") else None,
            row_limit=p.row_limit,
            output_cap_bytes=p.output_cap_bytes,
            network_allow_list=tuple(p.network_allow_list),
            memory_mb=p.memory_mb,
        ),
        enabled=api.enabled,
        expose_as_tool=api.expose_as_tool,
    )


def definition_to_proto(d: ApiDefinition) -> pb.ApiDefinition:
    """The use-case value as an ApiDefinition message."""
    out = pb.ApiDefinition(
        name=d.name,
        description=d.description,
        tags=list(d.tags),
        kind=pb.ApiKind.Value(d.kind) if d.kind in pb.ApiKind.keys() else pb.API_KIND_UNSPECIFIED,  # noqa: SIM118
        enabled=d.enabled,
        expose_as_tool=d.expose_as_tool,
        policy=pb.RuntimePolicy(
            timeout=seconds_to_duration(d.policy.timeout_s),
            row_limit=d.policy.row_limit,
            output_cap_bytes=d.policy.output_cap_bytes,
            network_allow_list=list(d.policy.network_allow_list),
            memory_mb=d.policy.memory_mb,
        ),
    )
    if d.param_schema:
        out.param_schema.CopyFrom(dict_to_struct(d.param_schema))
    s = d.spec
    if d.kind == "SQL":
        out.sql.CopyFrom(pb.SqlSpec(data_source=s.get("data_source", ""), statement=s.get("statement", "")))
    elif d.kind == "SCRIPT":
        out.script.CopyFrom(pb.ScriptSpec(source=s.get("source", "")))
    elif d.kind == "HTTP":
        out.http.CopyFrom(
            pb.HttpSpec(
                method=s.get("method", ""),
                url=s.get("url", ""),
                headers=s.get("headers") or {},
                body=s.get("body") or "",
            )
        )
    elif d.kind == "WORKFLOW":
        out.workflow.CopyFrom(pb.WorkflowSpec(definition=dict_to_struct(s.get("definition") or {})))
    return out


def api_to_proto(row: ApiRow) -> pb.Api:
    """A stored API as an Api message (idempotent is derived)."""
    d = definition_of(row)
    return pb.Api(
        meta=common_pb2.ResourceMeta(
            id=row.id,
            tenant=row.tenant,
            create_time=dt_to_timestamp(row.created_at),
            update_time=dt_to_timestamp(row.updated_at),
            etag=row.etag,
            created_by=row.created_by,
            updated_by=row.updated_by,
        ),
        definition=definition_to_proto(d),
        version=row.version,
        idempotent=d.idempotent,
    )


def version_to_proto(row: ApiVersionRow) -> pb.ApiVersion:
    """A version snapshot."""
    return pb.ApiVersion(
        api_id=row.api_id,
        version=row.version,
        definition=definition_to_proto(definition_of(row)),
        create_time=dt_to_timestamp(row.created_at),
        created_by=row.created_by,
        change=row.change,
    )


def data_source_to_proto(row: DataSourceRow) -> pb.DataSource:
    """A data source with its URL masked (the credentials never leave the service)."""
    return pb.DataSource(
        meta=common_pb2.ResourceMeta(
            id=row.id,
            tenant=row.tenant,
            create_time=dt_to_timestamp(row.created_at),
            update_time=dt_to_timestamp(row.updated_at),
            etag=row.etag,
            created_by=row.created_by,
        ),
        name=row.name,
        description=row.description,
        # Masked again: rows stored before query-string passwords were masked show them masked too.
        url=mask_url(row.url_masked),
        dialect={"postgres": "postgresql"}.get(row.dialect, row.dialect),
        pool_size=row.pool_size,
        connect_timeout=seconds_to_duration(row.connect_timeout_s),
        statement_timeout=seconds_to_duration(row.statement_timeout_s or None),
    )


def _log_lines(started: datetime, logs: list[Any]) -> tuple[list[pb.LogLine], int]:
    """The stored script log lines (control characters escaped, for records older than the escaping
    at the source) and how many were dropped over the cap."""
    lines, dropped = split_log_records(logs)
    return [
        pb.LogLine(
            time=dt_to_timestamp(started_plus(started, float(line.get("at") or 0.0))),
            message=escape_controls(str(line.get("message", ""))),
            fields=dict_to_struct(escape_controls(line.get("fields") or {})),
        )
        for line in lines
    ], dropped


def _steps(steps: list[dict[str, Any]]) -> list[pb.StepLog]:
    out = []
    for s in steps:
        msg = pb.StepLog(
            step_id=s.get("step_id", ""),
            api=s.get("api", ""),
            status=s.get("status", ""),
            attempts=int(s.get("attempts") or 0),
            duration=seconds_to_duration(float(s.get("duration_ms") or 0.0) / 1000),
            error_reason=s.get("error_reason", ""),
            error_message=s.get("error_message", ""),
        )
        started = dt_to_timestamp(datetime.fromisoformat(s["started_at"])) if s.get("started_at") else None
        if started is not None:
            msg.start_time.CopyFrom(started)
        if s.get("input") is not None:
            msg.input.CopyFrom(py_to_value(s["input"]))
        if s.get("output") is not None:
            msg.output.CopyFrom(py_to_value(s["output"]))
        out.append(msg)
    return out


def _references(refs: list[Reference]) -> list[pb.Reference]:
    return [pb.Reference(kind=r.kind, name=r.name, detail=r.detail) for r in refs]


def outcome_to_proto(o: Outcome, *, with_rows: bool = True) -> pb.ExecuteApiResponse:
    """An outcome as ExecuteApiResponse (SQL as columns + rows, anything else as one JSON value).

    An outcome already measured against the message size (``ResultLimit.check``) carries the response
    built then: it is returned as is.
    """
    if with_rows and o.wire is not None:
        return o.wire  # type: ignore[no-any-return]
    logs, dropped = _log_lines(o.started_at, o.logs)
    out = pb.ExecuteApiResponse(
        execution_id=o.execution_id,
        api_id=o.api_id,
        api_version=o.api_version,
        status=pb.ExecutionStatus.Value(o.status.value),
        duration=seconds_to_duration(o.duration_ms / 1000),
        references=_references(o.references),
        logs=logs,
        logs_dropped=dropped,
        steps=_steps(o.steps),
    )
    if o.sql is not None:
        sql = pb.SqlResult(
            columns=[pb.Column(name=c.name, type=c.type) for c in o.sql.columns],
            truncated=o.sql.truncated,
            row_count=o.sql.row_count,
        )
        if with_rows:
            for row in o.sql.rows:
                sql.rows.add().extend(row)
        out.sql.CopyFrom(sql)
    else:
        out.json.CopyFrom(py_to_value(o.json, "result"))
    return out


def row_batch(rows: list[list[Any]]) -> pb.RowBatch:
    """A batch of rows for ExecuteApiStream."""
    batch = pb.RowBatch()
    for row in rows:
        batch.rows.add().extend(row)
    return batch


class ProtoSizer:
    """Sizes of results as they go on the wire (``app.result_size.ResultSizer``)."""

    def outcome(self, outcome: Outcome) -> tuple[pb.ExecuteApiResponse, int]:
        """The ExecuteApiResponse for ``outcome`` and its size."""
        message = outcome_to_proto(outcome)
        return message, message.ByteSize()

    def rows(self, rows: list[list[Any]]) -> tuple[pb.RowBatch, int]:
        """One streamed RowBatch and its size."""
        message = row_batch(rows)
        return message, message.ByteSize()


def execution_to_proto(row: ExecutionRow, *, detail: bool = False) -> pb.Execution:
    """An execution record; steps and log lines only in GetExecution (``detail``)."""
    out = pb.Execution(
        id=row.id,
        api_id=row.api_id,
        api_name=row.api_name,
        api_version=row.api_version,
        kind=pb.ApiKind.Value(row.kind) if row.kind in pb.ApiKind.keys() else pb.API_KIND_UNSPECIFIED,  # noqa: SIM118
        caller=row.caller,
        params=dict_to_struct(row.params or {}),
        status=pb.ExecutionStatus.Value(row.status),
        error_reason=row.error_reason,
        error_message=row.error_message,
        start_time=dt_to_timestamp(row.started_at),
        duration=seconds_to_duration(row.duration_ms / 1000),
        row_count=row.row_count,
        request_id=row.request_id,
        depth=row.depth,
    )
    if detail:
        out.steps.extend(_steps(row.steps or []))
        logs, out.logs_dropped = _log_lines(row.started_at, row.logs or [])
        out.logs.extend(logs)
    return out


def input_from(value: struct_pb2.Value, present: bool) -> Any:
    """The optional input document (at most ``limits.PARAMS_BYTES``)."""
    if not present:
        return None
    _check_size("input", value)
    return integral(value_to_py(value))
