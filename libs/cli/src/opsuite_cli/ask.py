"""``opsuite ask``: stream an ops run's phases and tool calls live, then the answer, its references and
how complete it is; the exit code tells a script the same (:data:`EXIT_CODES`)."""

from __future__ import annotations

from google.protobuf import json_format
from rich.markdown import Markdown

from opsuite.ops.v1 import ops_pb2
from opsuite_cli.context import CliContext
from opsuite_cli.output import console, print_table

__all__ = ["EXIT_CODES", "EXIT_NO_ANSWER", "EXIT_PARTIAL", "ask", "exit_code"]

#: The answer is partial: some of it is missing or cut (the reasons are printed).
EXIT_PARTIAL = 3
#: No answer: the status is UNANSWERED, or the server did not say (or the stream ended without an answer).
EXIT_NO_ANSWER = 4
#: Exit code per answer status; 1 is an error shown as such, 2 a usage error (both as for every command).
EXIT_CODES = {
    ops_pb2.ANSWER_STATUS_COMPLETE: 0,
    ops_pb2.ANSWER_STATUS_PARTIAL: EXIT_PARTIAL,
    ops_pb2.ANSWER_STATUS_UNANSWERED: EXIT_NO_ANSWER,
}
_COLOURS = {"COMPLETE": "green", "PARTIAL": "yellow", "UNANSWERED": "red"}


def exit_code(answer: ops_pb2.AskResponse | None) -> int:
    """0 only for a COMPLETE answer; see :data:`EXIT_CODES`."""
    return EXIT_NO_ANSWER if answer is None else EXIT_CODES.get(answer.answer_status, EXIT_NO_ANSWER)


async def ask(ctx: CliContext, question: str, mode: str | None) -> int:
    """Run AskStream and render it; returns the exit code (:func:`exit_code`)."""
    req = ops_pb2.AskRequest(question=question)
    if mode:
        req.mode = ops_pb2.Mode.Value(f"MODE_{mode.upper()}")
    answer: ops_pb2.AskResponse | None = None
    async for event in ctx.ops_client().rpc.AskStream(req, timeout=ctx.timeout_s):
        kind = event.WhichOneof("event")
        if kind == "phase_started":
            console.print(f"[dim]▶ {_phase(event.phase_started.phase)}[/]")
        elif kind == "phase_finished":
            detail = f" — {event.phase_finished.detail}" if event.phase_finished.detail else ""
            console.print(f"[dim]✓ {_phase(event.phase_finished.phase)} {event.phase_finished.status}{detail}[/]")
        elif kind == "plan":
            for step in event.plan.plan.steps:
                args = json_format.MessageToDict(step.arguments)
                console.print(f"  plan {step.id}: [bold]{step.tool}[/]({_args(args)})", highlight=False)
        elif kind == "call_finished":
            c = event.call_finished
            ms = c.duration.ToMilliseconds() if c.HasField("duration") else 0
            status = ops_pb2.CallStatus.Name(c.status)
            colour = "green" if status.endswith("OK") else "red"
            console.print(f"  call {c.tool} [{colour}]{status.removeprefix('CALL_')}[/] {ms} ms {c.error}".rstrip())
        elif kind == "warning":
            console.print(f"  [yellow]warning:[/] {event.warning}", highlight=False)
        elif kind == "answer":
            answer = event.answer
    if answer is None:
        console.print("[red]the stream ended without an answer[/]")
        return exit_code(None)
    status = ops_pb2.AnswerStatus.Name(answer.answer_status).removeprefix("ANSWER_STATUS_")
    colour = _COLOURS.get(status, "red")
    console.rule(f"answer ([{colour}]{status.lower()}[/])")
    console.print(Markdown(answer.answer))
    if answer.references:
        rows = [{"tool": r.tool, "fact": r.fact, "execution": r.execution_id} for r in answer.references]
        print_table(rows, ["tool", "fact", "execution"], title="references")
    console.print(f"status: [bold {colour}]{status}[/]", highlight=False)
    for reason in answer.answer_reasons:
        name = ops_pb2.AnswerReason.Name(reason.reason).removeprefix("ANSWER_REASON_")
        console.print(f"  {name}: {reason.detail}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"run {answer.run_id}", style="dim")
    return exit_code(answer)


def _phase(value: ops_pb2.Phase.ValueType) -> str:
    return ops_pb2.Phase.Name(value).removeprefix("PHASE_").lower()


def _args(args: dict[str, object]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in args.items())
