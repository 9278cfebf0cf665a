"""``opsuite publish`` (events from JSON lines, with a progress bar) and ``opsuite alerts watch``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from opsuite.cep.v1 import cep_pb2
from opsuite_cli.context import CliContext
from opsuite_cli.output import console
from opsuite_common.errors import FieldViolation, ValidationError

__all__ = ["publish", "watch_alerts"]


def _load_events(path: Path) -> list[cep_pb2.Event]:
    events: list[cep_pb2.Event] = []
    problems: list[FieldViolation] = []
    try:
        text = path.read_text()
    except UnicodeDecodeError as exc:
        raise ValidationError.for_field(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            events.append(json_format.ParseDict(json.loads(line), cep_pb2.Event()))
        except (json.JSONDecodeError, json_format.ParseError) as exc:
            problems.append(FieldViolation(f"{path.name}:{n}", str(exc)[:200]))
    if problems:
        raise ValidationError(f"{len(problems)} line(s) of {path} are not events", field_violations=problems[:20])
    return events


#: Refused events listed one per line after the totals (all are counted).
_SHOWN = 20


async def publish(ctx: CliContext, path: Path, batch: int) -> None:
    """Publish the events of a JSONL file in batches; print what was accepted and which alerts changed."""
    events = _load_events(path)
    totals = dict.fromkeys(("accepted", "duplicates", "late", "refused", "late_pairs"), 0)
    evaluated = True
    refused: list[cep_pb2.RefusedEvent] = []
    changed: dict[str, Any] = {}
    client = ctx.cep_client().rpc
    with Progress(
        TextColumn("publishing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
    ) as progress:
        task = progress.add_task("events", total=len(events))
        for i in range(0, len(events), batch):
            chunk = events[i : i + batch]
            resp = await client.PublishEvents(cep_pb2.PublishEventsRequest(events=chunk))
            totals["accepted"] += resp.accepted
            totals["duplicates"] += resp.duplicates
            totals["late"] += resp.late  # events late for every rule they reached
            totals["refused"] += resp.refused
            totals["late_pairs"] += len(resp.late_events)  # (event, rule) pairs: one event may be late for some
            evaluated = evaluated and resp.evaluated
            refused.extend(resp.refused_events[: max(0, _SHOWN - len(refused))])
            for alert in resp.alerts:
                changed[alert.id] = alert
            progress.advance(task, len(chunk))
    if evaluated:
        console.print(
            f"{len(events)} events: {totals['accepted']} accepted, {totals['duplicates']} duplicates, "
            f"{totals['late']} late, {totals['refused']} refused"
        )
        # "late" counts events no rule used; an event late for one rule and on time for another is accepted, so
        # the (event, rule) pairs are a count of their own, not of events.
        if totals["late_pairs"]:
            console.print(
                f"  {totals['late_pairs']} (event, rule) pair(s) late: the rule was past the event's time and "
                "did not use it",
                style="dim",
            )
    else:  # partitioned cep: the owners evaluate after the reply, which knows only what it refused
        console.print(
            f"{len(events)} events: {totals['accepted']} logged for evaluation, {totals['refused']} refused "
            "(cep evaluates them on its partitions after the reply: opsuite alerts list / watch show the alerts)"
        )
    for r in refused:
        console.print(f"  refused {r.event_id or f'#{r.index}'}: {r.reason}: {r.description}", markup=False)
    for alert in changed.values():
        labels = ", ".join(f"{k}={v}" for k, v in sorted(alert.labels.items()) if k not in ("alertname", "severity"))
        state = cep_pb2.AlertState.Name(alert.state)
        console.print(f"  alert {alert.rule} [{labels}] {state} ({alert.severity})", highlight=False, markup=False)


async def watch_alerts(ctx: CliContext, after: int, rule: str | None) -> None:
    """Follow alert changes (replaying those after ``after``) until interrupted."""
    req = cep_pb2.WatchAlertsRequest(after_cursor=after, rule=rule or "")
    async for change in ctx.cep_client().rpc.WatchAlerts(req, timeout=None):
        a = change.alert
        labels = ", ".join(f"{k}={v}" for k, v in sorted(a.labels.items()) if k not in ("alertname", "severity"))
        when = change.time.ToDatetime().isoformat(timespec="seconds") if change.HasField("time") else ""
        console.print(
            f"#{change.cursor} {when} {change.change:<12} {a.rule} [{labels}] {a.severity}",
            highlight=False,
            markup=False,
        )
