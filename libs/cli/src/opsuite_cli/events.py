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


async def publish(ctx: CliContext, path: Path, batch: int) -> None:
    """Publish the events of a JSONL file in batches; print what was accepted and which alerts changed."""
    events = _load_events(path)
    totals: dict[str, int] = {"accepted": 0, "duplicates": 0, "late": 0}
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
            totals["late"] += len(resp.late_events)
            for alert in resp.alerts:
                changed[alert.id] = alert
            progress.advance(task, len(chunk))
    console.print(
        f"{len(events)} events: {totals['accepted']} accepted, {totals['duplicates']} duplicates, {totals['late']} late"
    )
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
