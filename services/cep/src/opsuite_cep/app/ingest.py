"""Ingestion use case: evaluate a batch under the tenant's lock and commit the alerts it caused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from opsuite_cep.app.engines import EngineHost
from opsuite_cep.db.alerts import AlertChange
from opsuite_cep.domain import Event, IngestResult

__all__ = ["PublishOutcome", "publish"]


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    """What one batch did: the engine's result and the committed alert changes."""

    result: IngestResult
    changes: list[AlertChange]


async def publish(host: EngineHost, tenant: str, events: Sequence[Event]) -> PublishOutcome:
    """Run ``engine.ingest`` and commit its transitions and notifications before returning."""
    te = await host.get(tenant)
    async with te.lock:
        result = te.engine.ingest(events)
        changes = await host.commit(te, result)
    return PublishOutcome(result, changes)
