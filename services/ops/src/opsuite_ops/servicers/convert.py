"""Domain values (in their ``to_jsonable`` form, as persisted) -> ops protos.

Live results and persisted runs take the same path: ``jsonable(domain value)`` -> dict -> proto, so
what Ask returns and what GetRun reads back are built by one set of functions.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from google.protobuf import duration_pb2, struct_pb2, timestamp_pb2

from opsuite.ops.v1 import ops_pb2
from opsuite_common.paging import Page, fit_page
from opsuite_common.protoconv import dict_to_struct, dt_to_timestamp, py_to_value, seconds_to_duration
from opsuite_ops.app import jsonable
from opsuite_ops.domain import CatalogueSnapshot, EventKind, RunEvent, RunResult, Tool

if TYPE_CHECKING:  # the row's type only: servicers never query the database
    from opsuite_ops.db import RunRow

__all__ = [
    "MODE_FROM_PROTO",
    "MODE_TO_PROTO",
    "STATUS_FROM_PROTO",
    "event_to_proto",
    "result_to_proto",
    "run_to_proto",
    "snapshot_to_proto",
]

MODE_TO_PROTO = {
    "all": ops_pb2.MODE_ALL,
    "config": ops_pb2.MODE_CONFIG,
    "metric": ops_pb2.MODE_METRIC,
    "history": ops_pb2.MODE_HISTORY,
    "graph": ops_pb2.MODE_GRAPH,
    "document": ops_pb2.MODE_DOCUMENT,
}
MODE_FROM_PROTO = {v: k for k, v in MODE_TO_PROTO.items()} | {ops_pb2.MODE_UNSPECIFIED: "all"}
_PHASES = {
    "initialise": ops_pb2.PHASE_INITIALISE,
    "discover": ops_pb2.PHASE_DISCOVER,
    "plan": ops_pb2.PHASE_PLAN,
    "validate": ops_pb2.PHASE_VALIDATE,
    "execute": ops_pb2.PHASE_EXECUTE,
    "recover": ops_pb2.PHASE_RECOVER,
    "compose": ops_pb2.PHASE_COMPOSE,
}
_CALL_STATUS = {
    "ok": ops_pb2.CALL_OK,
    "failed": ops_pb2.CALL_FAILED,
    "timeout": ops_pb2.CALL_TIMEOUT,
    "skipped": ops_pb2.CALL_SKIPPED,
    "running": ops_pb2.CALL_RUNNING,
}
_RUN_STATUS = {
    "succeeded": ops_pb2.RUN_SUCCEEDED,
    "partial": ops_pb2.RUN_PARTIAL,
    "failed": ops_pb2.RUN_FAILED,
    "running": ops_pb2.RUN_RUNNING,
    "cancelled": ops_pb2.RUN_CANCELLED,
    "aborted": ops_pb2.RUN_ABORTED,
}
STATUS_FROM_PROTO = {v: k for k, v in _RUN_STATUS.items()}
_ANSWER_STATUS = {
    "complete": ops_pb2.ANSWER_STATUS_COMPLETE,
    "partial": ops_pb2.ANSWER_STATUS_PARTIAL,
    "unanswered": ops_pb2.ANSWER_STATUS_UNANSWERED,
}
_ANSWER_REASON = {
    "truncated": ops_pb2.ANSWER_REASON_TRUNCATED,
    "tool_failed": ops_pb2.ANSWER_REASON_TOOL_FAILED,
    "entity_unknown": ops_pb2.ANSWER_REASON_ENTITY_UNKNOWN,
    "not_covered": ops_pb2.ANSWER_REASON_NOT_COVERED,
    "no_tool": ops_pb2.ANSWER_REASON_NO_TOOL,
    "all_failed": ops_pb2.ANSWER_REASON_ALL_FAILED,
}


def _ts(value: Any) -> timestamp_pb2.Timestamp | None:
    if not value:
        return None
    try:
        return dt_to_timestamp(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError:
        return None


def _ms(value: Any) -> duration_pb2.Duration | None:
    return seconds_to_duration(float(value) / 1000) if value else None


def _struct(value: Any) -> struct_pb2.Struct:
    return dict_to_struct(value if isinstance(value, dict) else {})


def _value(value: Any) -> struct_pb2.Value:
    return py_to_value(value)


def _list(values: Any) -> struct_pb2.ListValue:
    out = struct_pb2.ListValue()
    out.extend(list(values))
    return out


def reference_to_proto(d: dict[str, Any]) -> ops_pb2.Reference:
    """A Reference."""
    return ops_pb2.Reference(
        tool=d.get("tool", ""),
        execution_id=d.get("execution_id", ""),
        fact=d.get("fact", ""),
        call_id=d.get("call_id", ""),
        step_id=d.get("step_id", ""),
    )


def gap_to_proto(d: dict[str, Any]) -> ops_pb2.Gap:
    """A Gap."""
    return ops_pb2.Gap(
        step_id=d.get("step_id", ""), tool=d.get("tool", ""), what=d.get("what", ""), why=d.get("why", "")
    )


def answer_status_to_proto(value: str) -> ops_pb2.AnswerStatus.ValueType:
    """The AnswerStatus of a persisted status ("" -> UNSPECIFIED)."""
    return _ANSWER_STATUS.get(value, ops_pb2.ANSWER_STATUS_UNSPECIFIED)


def answer_reason_to_proto(d: dict[str, Any]) -> ops_pb2.AnswerStatusReason:
    """An AnswerStatusReason."""
    return ops_pb2.AnswerStatusReason(
        reason=_ANSWER_REASON.get(d.get("reason", ""), ops_pb2.ANSWER_REASON_UNSPECIFIED),
        detail=d.get("detail", ""),
        tool=d.get("tool", ""),
        step_id=d.get("step_id", ""),
    )


def block_to_proto(d: dict[str, Any]) -> ops_pb2.Block:
    """A Block with the oneof of its kind set."""
    b = ops_pb2.Block(title=d.get("title", ""), call_ids=d.get("call_ids") or [])
    kind = d.get("kind")
    if kind == "markdown":
        b.markdown.text = d.get("markdown", "")
    elif kind == "table":
        b.table.columns.extend(str(c) for c in d.get("columns") or [])
        b.table.rows.extend(_list(r) for r in d.get("rows") or [])
    elif kind == "number":
        b.number.value = float(d.get("value") or 0.0)
        b.number.unit = d.get("unit", "")
    elif kind == "timeseries":
        b.timeseries.unit = d.get("unit", "")
        for p in d.get("series") or []:
            point = ops_pb2.Point(value=float(p.get("v", 0.0)))
            ts = _ts(p.get("t"))
            if ts is not None:
                point.time.CopyFrom(ts)
            else:
                point.label = str(p.get("t", ""))
            b.timeseries.points.append(point)
    elif kind == "references":
        b.references.references.extend(reference_to_proto(r) for r in d.get("references") or [])
    return b


def plan_to_proto(d: dict[str, Any]) -> ops_pb2.Plan:
    """A Plan."""
    steps = [
        ops_pb2.PlanStep(
            id=s.get("id", ""),
            tool=s.get("tool", ""),
            arguments=_struct(s.get("arguments")),
            depends_on=s.get("depends_on") or [],
            reason=s.get("reason", ""),
        )
        for s in d.get("steps") or []
    ]
    return ops_pb2.Plan(
        steps=steps, planner=d.get("planner", ""), rationale=d.get("rationale", ""), notes=d.get("notes") or []
    )


def call_to_proto(d: dict[str, Any], *, running: bool = False) -> ops_pb2.CallRecord:
    """A CallRecord (status RUNNING for a call_started event)."""
    c = ops_pb2.CallRecord(
        call_id=d.get("call_id", ""),
        step_id=d.get("step_id", ""),
        tool=d.get("tool", ""),
        arguments=_struct(d.get("arguments")),
        status=ops_pb2.CALL_RUNNING
        if running
        else _CALL_STATUS.get(d.get("status", ""), ops_pb2.CALL_STATUS_UNSPECIFIED),
        error=d.get("error", ""),
        error_reason=d.get("error_reason", ""),
        attempts=int(d.get("attempts") or 0),
        execution_id=d.get("execution_id", ""),
        recovery=d.get("recovery", ""),
        warnings=d.get("warnings") or [],
    )
    if d.get("output") is not None:
        c.output.CopyFrom(_value(d["output"]))
    for field, key in (("start_time", "started_at"), ("finish_time", "finished_at")):
        ts = _ts(d.get(key))
        if ts is not None:
            getattr(c, field).CopyFrom(ts)
    duration = None if running else _ms(d.get("duration_ms"))
    if duration is not None:
        c.duration.CopyFrom(duration)
    return c


def _phase(d: dict[str, Any]) -> ops_pb2.PhaseRecord:
    p = ops_pb2.PhaseRecord(
        phase=_PHASES.get(d.get("phase", ""), ops_pb2.PHASE_UNSPECIFIED),
        status=d.get("status", ""),
        detail=d.get("detail", ""),
    )
    for field, key in (("start_time", "started_at"), ("finish_time", "finished_at")):
        ts = _ts(d.get(key))
        if ts is not None:
            getattr(p, field).CopyFrom(ts)
    duration = _ms(d.get("duration_ms"))
    if duration is not None:
        p.duration.CopyFrom(duration)
    return p


def trace_to_proto(d: dict[str, Any]) -> ops_pb2.Trace:
    """A Trace from its persisted JSON form."""
    b = d.get("budget") or {}
    budget = ops_pb2.EffectiveBudget(
        max_steps=int(b.get("max_steps") or 0),
        max_parallelism=int(b.get("max_parallelism") or 0),
        max_retries=int(b.get("max_retries") or 0),
        total_timeout=seconds_to_duration(float(b["total_timeout_s"])) if b.get("total_timeout_s") else None,
        call_timeout=seconds_to_duration(float(b["call_timeout_s"])) if b.get("call_timeout_s") else None,
    )
    return ops_pb2.Trace(
        normalised_question=d.get("normalised_question", ""),
        mode=MODE_TO_PROTO.get(d.get("mode", "all"), ops_pb2.MODE_ALL),
        budget=budget,
        phases=[_phase(p) for p in d.get("phases") or []],
        plans=[plan_to_proto(p) for p in d.get("plans") or []],
        planner=d.get("planner", ""),
        planner_fallback_reason=d.get("planner_fallback_reason", ""),
        catalogue_stale=bool(d.get("catalogue_stale")),
        catalogue_note=d.get("catalogue_note", ""),
        tool_count=int(d.get("tool_count") or 0),
        aliases_applied=d.get("aliases_applied") or [],
        calls=[call_to_proto(c) for c in d.get("calls") or []],
        gaps=[gap_to_proto(g) for g in d.get("gaps") or []],
        warnings=d.get("warnings") or [],
        composer=d.get("composer", ""),
    )


def result_to_proto(result: RunResult) -> ops_pb2.AskResponse:
    """The AskResponse for a finished run."""
    trace = jsonable(result.trace)
    completeness = result.completeness
    return ops_pb2.AskResponse(
        run_id=result.run_id,
        answer=result.answer,
        blocks=[block_to_proto(b) for b in jsonable(result.blocks)],
        references=[reference_to_proto(r) for r in jsonable(result.references)],
        partial=result.partial,
        gaps=[gap_to_proto(g) for g in trace.get("gaps") or []],
        trace=trace_to_proto(trace),
        answer_status=answer_status_to_proto(completeness.status.value if completeness is not None else ""),
        answer_reasons=[answer_reason_to_proto(r) for r in jsonable(completeness.reasons if completeness else ())],
    )


def run_to_proto(row: RunRow, *, with_trace: bool = True) -> ops_pb2.Run:
    """A persisted run (ListRuns leaves the trace out)."""
    run = ops_pb2.Run(
        run_id=row.id,
        tenant=row.tenant,
        subject=row.subject,
        question=row.question,
        mode=MODE_TO_PROTO.get(row.mode, ops_pb2.MODE_ALL),
        status=_RUN_STATUS.get(row.status, ops_pb2.RUN_STATUS_UNSPECIFIED),
        partial=row.partial,
        answer=row.answer,
        blocks=[block_to_proto(b) for b in json.loads(row.blocks_json)],
        references=[reference_to_proto(r) for r in json.loads(row.references_json)],
        gaps=[gap_to_proto(g) for g in json.loads(row.gaps_json)],
        create_time=dt_to_timestamp(row.created_at),
        finish_time=dt_to_timestamp(row.finished_at),
        duration=seconds_to_duration(row.duration_ms / 1000),
        request_id=row.request_id,
        error_reason=row.error_reason,
        error_message=row.error_message,
        answer_status=answer_status_to_proto(row.answer_status),
        answer_reasons=[answer_reason_to_proto(r) for r in json.loads(row.answer_reasons_json or "[]")],
    )
    if with_trace:
        run.trace.CopyFrom(trace_to_proto(json.loads(row.trace_json)))
    return run


def event_to_proto(event: RunEvent, answer: ops_pb2.AskResponse | None = None) -> ops_pb2.RunEvent:
    """A streamed RunEvent (``answer`` is the AskResponse for the final event)."""
    out = ops_pb2.RunEvent(run_id=event.run_id, seq=event.seq, time=dt_to_timestamp(event.at))
    kind = event.kind
    phase = (
        _PHASES.get(event.phase.value, ops_pb2.PHASE_UNSPECIFIED)
        if event.phase is not None
        else ops_pb2.PHASE_UNSPECIFIED
    )
    if kind is EventKind.PHASE_STARTED:
        out.phase_started.CopyFrom(ops_pb2.PhaseEvent(phase=phase))
    elif kind is EventKind.PHASE_FINISHED:
        out.phase_finished.CopyFrom(ops_pb2.PhaseEvent(phase=phase, status=event.status, detail=event.detail))
    elif kind is EventKind.PLAN and event.plan is not None:
        out.plan.CopyFrom(ops_pb2.PlanEvent(plan=plan_to_proto(jsonable(event.plan)), detail=event.detail))
    elif kind in (EventKind.CALL_STARTED, EventKind.CALL_FINISHED) and event.call is not None:
        call = call_to_proto(jsonable(event.call), running=kind is EventKind.CALL_STARTED)
        (out.call_started if kind is EventKind.CALL_STARTED else out.call_finished).CopyFrom(call)
    elif kind is EventKind.BLOCK and event.block is not None:
        out.block.CopyFrom(block_to_proto(jsonable(event.block)))
    elif kind is EventKind.WARNING:
        out.warning = event.detail
    elif kind is EventKind.ANSWER and event.result is not None:
        out.answer.CopyFrom(answer if answer is not None else result_to_proto(event.result))
    return out


def tool_to_proto(tool: Tool) -> ops_pb2.Tool:
    """A discovered tool."""
    return ops_pb2.Tool(
        name=tool.name,
        description=tool.description,
        tags=sorted(tool.tags),
        kind=tool.kind,
        input_schema=_struct(jsonable(tool.input_schema)),
        idempotent=tool.idempotent,
        version=tool.version,
        api_id=tool.api_id,
    )


def snapshot_to_proto(snap: CatalogueSnapshot, *, budget: int) -> ops_pb2.ListToolsResponse:
    """ListTools' response: the tools by name, stopped at ``budget`` bytes.

    ListToolsRequest has no page token, so a catalogue over the budget is cut after the last tool that
    fits and the note says how many were left out and where to read them all (api_manager's ListApis).
    """
    ordered = sorted(snap.tools, key=lambda t: t.name)
    # token_after only marks the page as cuttable; there is no token to hand back.
    tools, _ = fit_page(Page(ordered, "", token_after=lambda t: t.name), tool_to_proto, budget=budget)
    note = snap.note
    if len(tools) < len(ordered):
        cut = (
            f"showing the first {len(tools)} of {len(ordered)} tools by name (up to {tools[-1].name!r}): the "
            f"catalogue is over the {budget}-byte response budget; api_manager's ListApis with "
            "expose_as_tool=true and enabled=true lists them all, page by page"
        )
        note = f"{note}; {cut}" if note else cut
    return ops_pb2.ListToolsResponse(tools=tools, stale=snap.stale, note=note, age=seconds_to_duration(snap.age_s))
