"""``opsuite runs list|get`` (ops's stored runs) and ``opsuite executions list|get`` (api_manager's execution
log)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import typer
from google.protobuf import json_format
from google.protobuf.duration_pb2 import Duration
from rich.markdown import Markdown
from rich.text import Text

from opsuite.apimanager.v1 import api_manager_pb2 as am
from opsuite.ops.v1 import ops_pb2
from opsuite_cli.command import async_command
from opsuite_cli.context import CliContext
from opsuite_cli.listing import fetch, show
from opsuite_cli.output import OutputOption, console, message_dict, print_json, print_table, when
from opsuite_cli.parsing import parse_time, timestamp

__all__ = ["executions_app", "runs_app"]

runs_app = typer.Typer(help="Inspect ops runs: the questions asked, their answers and status.", no_args_is_help=True)
executions_app = typer.Typer(help="Inspect api_manager's execution log.", no_args_is_help=True)

RunStatus = Literal["succeeded", "partial", "failed", "running", "cancelled", "aborted"]
ExecutionStatus = Literal["succeeded", "failed", "timed_out", "rejected", "running", "cancelled", "aborted"]

Since = Annotated[str | None, typer.Option(help="created at or after: ISO time or a duration ago (1h)")]
Until = Annotated[str | None, typer.Option(help="created before: ISO time or a duration ago")]
Limit = Annotated[int, typer.Option(min=1, max=10000, help="at most this many (newest first)")]


def _ms(d: Duration) -> str:
    return f"{d.ToMilliseconds()} ms" if d.seconds or d.nanos else ""


def _short(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _field(label: str, value: object) -> None:
    if value not in ("", None):
        console.print(Text.assemble((f"{label}: ", "bold"), str(value)), soft_wrap=True)


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    if rows:
        print_table([dict(zip(columns, row, strict=True)) for row in rows], columns, title=title)


# ---------------------------------------------------------------- ops runs


def _run_row(r: ops_pb2.Run) -> dict[str, str]:
    return {
        "run_id": r.run_id,
        "status": ops_pb2.RunStatus.Name(r.status).removeprefix("RUN_"),
        "answer": ops_pb2.AnswerStatus.Name(r.answer_status).removeprefix("ANSWER_STATUS_"),
        "question": _short(r.question),
        "subject": r.subject,
        "created": when(r.create_time),
        "duration": _ms(r.duration),
    }


@runs_app.command("list")
@async_command
async def list_runs(
    ctx: CliContext,
    status: Annotated[RunStatus | None, typer.Option(help="only runs with this status")] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    output: OutputOption = "table",
) -> None:
    """List ops runs, newest first."""
    req = ops_pb2.ListRunsRequest(
        status=ops_pb2.RunStatus.Value(f"RUN_{status.upper()}") if status else ops_pb2.RUN_STATUS_UNSPECIFIED
    )
    if since:
        req.since.CopyFrom(timestamp(parse_time(since, "--since")))
    if until:
        req.until.CopyFrom(timestamp(parse_time(until, "--until")))
    runs, more = await fetch(ctx.ops_client().rpc.ListRuns, req, "runs", limit)
    show(output, runs, _run_row, more, limit)


@runs_app.command("get")
@async_command
async def get_run(
    ctx: CliContext,
    run_id: Annotated[str, typer.Argument(help="a run id (opsuite runs list, or the end of opsuite ask)")],
    output: OutputOption = "table",
) -> None:
    """Show one run: its question, status, answer, references and gaps (-o json adds the whole trace)."""
    run = await ctx.ops_client().rpc.GetRun(ops_pb2.GetRunRequest(run_id=run_id))
    if output == "json":
        print_json(message_dict(run))
        return
    row = _run_row(run)
    for label in ("run_id", "status", "subject", "created", "duration"):
        _field(label, row[label])
    _field("answer_status", row["answer"])
    _field("mode", ops_pb2.Mode.Name(run.mode).removeprefix("MODE_").lower() if run.mode else "")
    _field("request_id", run.request_id)
    _field("question", run.question)
    if run.error_reason or run.error_message:
        _field("error", f"{run.error_reason}: {run.error_message}".strip(": "))
    for reason in run.answer_reasons:
        name = ops_pb2.AnswerReason.Name(reason.reason).removeprefix("ANSWER_REASON_")
        _field("reason", f"{name}: {reason.detail}")
    if run.answer:
        console.rule("answer")
        console.print(Markdown(run.answer))
    _table("references", ["tool", "fact", "execution"], [[r.tool, r.fact, r.execution_id] for r in run.references])
    _table("gaps", ["step", "tool", "what", "why"], [[g.step_id, g.tool, g.what, g.why] for g in run.gaps])


# ---------------------------------------------------------------- api_manager executions


def _execution_row(e: am.Execution) -> dict[str, str]:
    return {
        "id": e.id,
        "api": f"{e.api_name} v{e.api_version}" if e.api_version else e.api_name,
        "kind": am.ApiKind.Name(e.kind),
        "status": am.ExecutionStatus.Name(e.status),
        "caller": e.caller,
        "started": when(e.start_time),
        "duration": _ms(e.duration),
        "rows": str(e.row_count),
        "error": e.error_reason,
    }


@executions_app.command("list")
@async_command
async def list_executions(
    ctx: CliContext,
    api: Annotated[str | None, typer.Option(help="only executions of this API (by name)")] = None,
    status: Annotated[ExecutionStatus | None, typer.Option(help="only executions with this status")] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 50,
    output: OutputOption = "table",
) -> None:
    """List API executions, newest first."""
    client = ctx.api_manager_client().rpc
    req = am.ListExecutionsRequest(
        status=am.ExecutionStatus.Value(status.upper()) if status else am.EXECUTION_STATUS_UNSPECIFIED
    )
    if api:
        req.api_id = (await client.GetApi(am.GetApiRequest(name=api))).meta.id
    if since:
        req.since.CopyFrom(timestamp(parse_time(since, "--since")))
    if until:
        req.until.CopyFrom(timestamp(parse_time(until, "--until")))
    found, more = await fetch(client.ListExecutions, req, "executions", limit)
    show(output, found, _execution_row, more, limit)


@executions_app.command("get")
@async_command
async def get_execution(
    ctx: CliContext,
    execution_id: Annotated[str, typer.Argument(help="an execution id (opsuite executions list, or opsuite execute)")],
    output: OutputOption = "table",
) -> None:
    """Show one execution: its API, params, status and error, workflow steps and script log lines."""
    e = await ctx.api_manager_client().rpc.GetExecution(am.GetExecutionRequest(id=execution_id))
    if output == "json":
        print_json(message_dict(e))
        return
    row = _execution_row(e)
    for label in ("id", "api", "kind", "status", "caller", "started", "duration", "rows"):
        _field(label, row[label])
    _field("depth", e.depth or "")
    _field("request_id", e.request_id)
    _field("params", _compact(json_format.MessageToDict(e.params)) if e.params.fields else "")
    if e.error_reason or e.error_message:
        _field("error", f"{e.error_reason}: {e.error_message}".strip(": "))
    _table(
        "steps",
        ["step", "api", "status", "attempts", "duration", "error"],
        [
            [
                s.step_id,
                s.api,
                s.status,
                str(s.attempts),
                _ms(s.duration),
                f"{s.error_reason} {s.error_message}".strip(),
            ]
            for s in e.steps
        ],
    )
    _table("logs", ["time", "message"], [[when(line.time), line.message] for line in e.logs])
    if e.logs_dropped:
        console.print(f"{e.logs_dropped} log line(s) dropped over the line cap", style="dim")


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)
