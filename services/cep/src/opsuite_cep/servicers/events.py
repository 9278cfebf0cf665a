"""Event RPCs: PublishEvents (unary batch) and StreamEvents (client streaming, one summary).

Every event sent is counted once: accepted + late + duplicates + refused = events sent (the proto says
what each means). A refused event (too far in the future) is listed with its index and reason; the rest
of its batch is processed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import grpc

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.app.ingest import PublishOutcome, publish
from opsuite_cep.app.wiring import App
from opsuite_cep.domain import RefusedEvent
from opsuite_cep.servicers.convert import alert_to_proto, events_from_proto, ts
from opsuite_common.auth import Role, current_identity, requires
from opsuite_common.errors import RateLimitedError

__all__ = ["EventRpcs"]

#: Refused events a StreamEvents summary lists (its ``refused`` count has them all).
STREAM_REFUSED_LISTED = 1_000


def refused_to_proto(refused: RefusedEvent, batch: int = 0) -> cep_pb2.RefusedEvent:
    """A refused event as the reply lists it."""
    return cep_pb2.RefusedEvent(
        index=refused.index,
        event_id=refused.event.id,
        reason=refused.reason,
        description=refused.description,
        batch=batch,
    )


def _reply(outcome: PublishOutcome, evaluated: bool) -> cep_pb2.PublishEventsResponse:
    r = outcome.result
    latest = {c.alert["id"]: c.alert for c in outcome.changes}
    return cep_pb2.PublishEventsResponse(
        accepted=r.accepted,
        duplicates=len(r.duplicate_events),
        duplicate_event_ids=[e.id for e in r.duplicate_events],
        late_events=[
            cep_pb2.LateEvent(event_id=le.event.id, rule=le.rule, watermark=ts(le.watermark)) for le in r.late_events
        ],
        buffered=r.buffered,
        alerts=[alert_to_proto(a) for a in latest.values()],
        watermark=ts(r.watermark),
        late=r.late,
        refused=len(r.refused),
        refused_events=[refused_to_proto(x) for x in r.refused],
        evaluated=evaluated,
    )


class EventRpcs:
    """Ingestion handlers (editor)."""

    app: App

    async def _publish(self, request: cep_pb2.PublishEventsRequest) -> PublishOutcome:
        s = self.app.settings
        events = events_from_proto(request.events, max_events=s.max_batch_events, max_attr_bytes=s.max_attributes_bytes)
        tenant = current_identity().tenant
        if self.app.partitioned is not None:  # logged for the partitions' owners; evaluated after the reply
            return PublishOutcome(await self.app.partitioned.publish(tenant, events), [])
        return await publish(self.app.host, tenant, events)

    async def _publish_waiting(
        self, batch: cep_pb2.PublishEventsRequest, context: grpc.aio.ServicerContext[Any, Any], applied: int
    ) -> PublishOutcome:
        while True:
            try:
                return await self._publish(batch)
            except RateLimitedError as exc:
                left = context.time_remaining()
                wait = exc.retry_after or 0.1
                if exc.reason != "ENGINE_BUDGET" or (left is not None and wait >= left):
                    exc.metadata.update(method="StreamEvents", batches_applied=str(applied))
                    raise
                await asyncio.sleep(wait)

    @requires(Role.EDITOR)
    async def PublishEvents(
        self, request: cep_pb2.PublishEventsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.PublishEventsResponse:
        """Evaluate a batch; returns after the alerts it caused are committed."""
        return _reply(await self._publish(request), self.app.partitioned is None)

    @requires(Role.EDITOR)
    async def StreamEvents(
        self, request_iterator: AsyncIterator[cep_pb2.PublishEventsRequest], context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.StreamEventsResponse:
        """Each batch is evaluated and committed as it arrives; the summary acknowledges them all.

        A bad batch fails the stream with INVALID_ARGUMENT; the batches before it were already applied
        (the error names the batch index in its message). A batch refused because the tenant is over its
        share of the evaluation time waits as RetryInfo says and is sent again (backpressure on the stream);
        only when the call's deadline would pass first does the stream end with that refusal, its metadata
        saying how many batches were applied."""
        out = cep_pb2.StreamEventsResponse(evaluated=self.app.partitioned is None)
        async for batch in request_iterator:
            outcome = await self._publish_waiting(batch, context, out.batches)
            r = outcome.result
            room = STREAM_REFUSED_LISTED - len(out.refused_events)
            out.refused_events.extend(refused_to_proto(x, out.batches) for x in r.refused[: max(room, 0)])
            out.batches += 1
            out.accepted += r.accepted
            out.duplicates += len(r.duplicate_events)
            out.late += r.late
            out.refused += len(r.refused)
            out.alerts_changed += len(outcome.changes)
            if outcome.result.watermark is not None:
                out.watermark.CopyFrom(ts(outcome.result.watermark))
        return out
