"""``opsuite alerts``: list, acknowledge, resolve and watch cep's alerts; create, list and delete silences."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

import typer

from opsuite.cep.v1 import cep_pb2
from opsuite_cli.command import async_command
from opsuite_cli.context import CliContext
from opsuite_cli.events import watch_alerts
from opsuite_cli.listing import fetch, show
from opsuite_cli.output import OutputOption, message_dict, print_json, print_rows, say, when
from opsuite_cli.parsing import parse_duration, parse_labels, parse_matcher, parse_time, timestamp
from opsuite_common.errors import ValidationError

__all__ = ["alerts_app"]

alerts_app = typer.Typer(help="List, acknowledge, resolve and watch cep alerts; silence them.", no_args_is_help=True)

State = Literal["pending", "firing", "resolved"]
_STATES: dict[str, cep_pb2.AlertState.ValueType] = {
    "pending": cep_pb2.PENDING,
    "firing": cep_pb2.FIRING,
    "resolved": cep_pb2.RESOLVED,
}
#: Labels every alert carries, shown in their own columns.
_OWN_LABELS = ("alertname", "severity")


def _labels(alert: cep_pb2.Alert) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(alert.labels.items()) if k not in _OWN_LABELS)


def _alert_row(a: cep_pb2.Alert) -> dict[str, str]:
    return {
        "id": a.id,
        "rule": a.rule,
        "state": cep_pb2.AlertState.Name(a.state),
        "severity": a.severity,
        "labels": _labels(a),
        "started": when(a.starts_at),
        "acknowledged": a.acknowledged_by or ("yes" if a.acknowledged else ""),
        "silenced": "yes" if a.silenced else "",
    }


def _summary(a: cep_pb2.Alert) -> str:
    return f"{a.rule} [{_labels(a)}] {cep_pb2.AlertState.Name(a.state)} ({a.severity})"


@alerts_app.command("list")
@async_command
async def list_alerts(
    ctx: CliContext,
    rule: Annotated[str | None, typer.Option(help="only this rule")] = None,
    state: Annotated[State | None, typer.Option(help="pending, firing or resolved")] = None,
    severity: Annotated[str | None, typer.Option(help="only this severity")] = None,
    label: Annotated[
        list[str] | None, typer.Option("--label", "-l", help="name=value (repeatable; all must match)")
    ] = None,
    since: Annotated[str | None, typer.Option(help="started at or after: ISO time or a duration ago (1h)")] = None,
    until: Annotated[str | None, typer.Option(help="started before: ISO time or a duration ago")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="at most this many (newest first)")] = 50,
    output: OutputOption = "table",
) -> None:
    """List alerts, newest first."""
    req = cep_pb2.ListAlertsRequest(
        rule=rule or "",
        state=_STATES[state] if state else cep_pb2.ALERT_STATE_UNSPECIFIED,
        severity=severity or "",
        labels=parse_labels(label, "--label"),
    )
    if since:
        req.start_time.CopyFrom(timestamp(parse_time(since, "--since")))
    if until:
        req.end_time.CopyFrom(timestamp(parse_time(until, "--until")))
    alerts, more = await fetch(ctx.cep_client().rpc.ListAlerts, req, "alerts", limit)
    show(output, alerts, _alert_row, more, limit)


@alerts_app.command("ack")
@async_command
async def ack(
    ctx: CliContext,
    alert_ids: Annotated[list[str], typer.Argument(metavar="ALERT_ID...", help="alert ids (opsuite alerts list)")],
    comment: Annotated[str, typer.Option("-c", "--comment", help="why")] = "",
    output: OutputOption = "table",
) -> None:
    """Acknowledge alerts (their state does not change)."""
    client = ctx.cep_client().rpc
    done = [await client.AcknowledgeAlert(cep_pb2.AcknowledgeAlertRequest(id=i, comment=comment)) for i in alert_ids]
    _report(done, "acknowledged", output)


@alerts_app.command("resolve")
@async_command
async def resolve(
    ctx: CliContext,
    alert_ids: Annotated[list[str], typer.Argument(metavar="ALERT_ID...", help="alert ids (opsuite alerts list)")],
    comment: Annotated[str, typer.Option("-c", "--comment", help="why")] = "",
    output: OutputOption = "table",
) -> None:
    """Resolve active alerts by hand (their rule may fire them again)."""
    client = ctx.cep_client().rpc
    done = [await client.ResolveAlert(cep_pb2.ResolveAlertRequest(id=i, comment=comment)) for i in alert_ids]
    _report(done, "resolved", output)


def _report(alerts: list[cep_pb2.Alert], verb: str, output: str) -> None:
    if output == "json":
        print_json([message_dict(a) for a in alerts])
        return
    for a in alerts:
        say(f"alert {a.id} {verb}: {_summary(a)}")


@alerts_app.command("silence")
@async_command
async def silence(
    ctx: CliContext,
    matchers: Annotated[
        list[str],
        typer.Argument(
            metavar="MATCHER...", help="name=value, name!=value, name=~regex or name!~regex (all must match)"
        ),
    ],
    comment: Annotated[str, typer.Option("-c", "--comment", help="why (required)")],
    duration: Annotated[str | None, typer.Option("-d", "--duration", help="how long: 30m, 2h, 1d")] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="when it ends: ISO time, or a duration from now (instead of --duration)"),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="when it starts: ISO time or a duration ago (default now)")
    ] = None,
    output: OutputOption = "table",
) -> None:
    """Mute the notifications of alerts whose labels match, for a while (cep's event time)."""
    if (duration is None) == (until is None):
        raise ValidationError.for_field("--duration", "give either --duration or --until")
    if not comment.strip():
        raise ValidationError.for_field("--comment", "say why the alerts are silenced")
    starts = parse_time(start, "--start") if start else datetime.now(UTC)
    ends = (
        starts + parse_duration(duration, "--duration") if duration else parse_time(str(until), "--until", ahead=True)
    )
    if ends <= starts:
        raise ValidationError.for_field("--until", f"{until} is not after the start ({starts.isoformat()})")
    created = await ctx.cep_client().rpc.CreateSilence(
        cep_pb2.CreateSilenceRequest(
            matchers=[parse_matcher(m) for m in matchers],
            starts_at=timestamp(starts),
            ends_at=timestamp(ends),
            comment=comment,
        )
    )
    if output == "json":
        print_json(message_dict(created))
    else:
        say(f"silence {created.meta.id} created: {_matchers(created)} until {when(created.ends_at)}")


def _matchers(s: cep_pb2.Silence) -> str:
    return ", ".join(f"{m.name}{m.op or '='}{m.value}" for m in s.matchers)


@alerts_app.command("silences")
@async_command
async def silences(ctx: CliContext, output: OutputOption = "table") -> None:
    """List silences, oldest first."""
    found, _ = await fetch(ctx.cep_client().rpc.ListSilences, cep_pb2.ListSilencesRequest(), "silences", None)
    rows = [
        {
            "id": s.meta.id,
            "matchers": _matchers(s),
            "starts": when(s.starts_at),
            "ends": when(s.ends_at),
            "comment": s.comment,
            "created_by": s.meta.created_by,
        }
        for s in found
    ]
    print_rows(output, [message_dict(s) for s in found], rows, list(rows[0]) if rows else [])


@alerts_app.command("unsilence")
@async_command
async def unsilence(
    ctx: CliContext,
    silence_ids: Annotated[
        list[str], typer.Argument(metavar="SILENCE_ID...", help="silence ids (opsuite alerts silences)")
    ],
) -> None:
    """Delete silences: matching alerts notify again."""
    client = ctx.cep_client().rpc
    for silence_id in silence_ids:
        await client.DeleteSilence(cep_pb2.DeleteSilenceRequest(id=silence_id))
        say(f"silence {silence_id} deleted")


@alerts_app.command("watch")
@async_command
async def watch(
    ctx: CliContext,
    after: Annotated[int, typer.Option(help="replay changes after this cursor (0: all history)")] = 0,
    rule: Annotated[str | None, typer.Option(help="only this rule")] = None,
) -> None:
    """Print alert changes as they happen (Ctrl-C to stop); resume with --after <last cursor>."""
    try:
        await watch_alerts(ctx, after, rule)
    except KeyboardInterrupt:
        pass
