"""Ingestion use case: log a batch, evaluate it under the tenant's lock and commit the alerts it caused.

The batch is evaluated at the host's clock: events too far ahead of it are refused on their own, and
the call counts as the tenant's latest arrival for idle progress (docs/cep-semantics.md, Time without events #24, #25).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from opsuite_cep.app.engines import EngineHost
from opsuite_cep.db.alerts import AlertChange
from opsuite_cep.domain import Event, IngestResult
from opsuite_common.metrics import counter, histogram
from opsuite_common.tracing import span

__all__ = ["PublishOutcome", "observe_watermark_lag", "publish"]


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """What one batch did: the engine's result and the committed alert changes."""

    result: IngestResult
    changes: list[AlertChange]


_EVENTS = counter("opsuite_cep_events_total", "Events received, by outcome.", ("outcome",))
_ALERT_CHANGES = counter("opsuite_cep_alert_transitions_total", "Alert state transitions committed.", ("state",))
_WATERMARK_LAG = histogram(
    "opsuite_cep_watermark_lag_seconds",
    "How far the tenant's event-time watermark is behind the clock once a batch is evaluated.",
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600, 6 * 3600, 24 * 3600),
)


def observe_watermark_lag(now: float, watermark: float | None) -> None:
    """Count one evaluated batch in ``opsuite_cep_watermark_lag_seconds`` (nothing before the first event)."""
    if watermark is not None and math.isfinite(watermark):
        _WATERMARK_LAG.observe(max(0.0, now - watermark))


async def publish(host: EngineHost, tenant: str, events: Sequence[Event]) -> PublishOutcome:
    """Log the batch, evaluate it and commit its transitions and notifications before returning."""
    with span("cep.ingest", {"opsuite.cep.events": len(events)}) as traced:
        result, changes = await host.publish(tenant, events)
        traced.set_attribute("opsuite.cep.accepted", result.accepted)
        traced.set_attribute("opsuite.cep.alert_changes", len(changes))
    observe_watermark_lag(host.now(), result.watermark)
    _EVENTS.labels("accepted").inc(result.accepted)
    _EVENTS.labels("duplicate").inc(len(result.duplicate_events))
    _EVENTS.labels("late").inc(result.late)
    _EVENTS.labels("refused").inc(len(result.refused))
    for t in result.transitions:
        _ALERT_CHANGES.labels(str(getattr(t.state, "value", t.state))).inc()
    return PublishOutcome(result, changes)
