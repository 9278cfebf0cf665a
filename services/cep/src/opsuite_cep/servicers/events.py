"""Event RPCs: PublishEvents (unary batch) and StreamEvents (client streaming, one summary)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc

from opsuite.cep.v1 import cep_pb2
from opsuite_cep.app.ingest import PublishOutcome, publish
from opsuite_cep.app.wiring import App
from opsuite_cep.servicers.convert import alert_to_proto, events_from_proto, ts
from opsuite_common.auth import Role, current_identity, requires

__all__ = ["EventRpcs"]


def _reply(outcome: PublishOutcome) -> cep_pb2.PublishEventsResponse:
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
    )


class EventRpcs:
    """Ingestion handlers (editor)."""

    app: App

    async def _publish(self, request: cep_pb2.PublishEventsRequest) -> PublishOutcome:
        s = self.app.settings
        events = events_from_proto(request.events, max_events=s.max_batch_events, max_attr_bytes=s.max_attributes_bytes)
        return await publish(self.app.host, current_identity().tenant, events)

    @requires(Role.EDITOR)
    async def PublishEvents(
        self, request: cep_pb2.PublishEventsRequest, context: grpc.aio.ServicerContext
    ) -> cep_pb2.PublishEventsResponse:
        """Evaluate a batch; returns after the alerts it caused are committed."""
        return _reply(await self._publish(request))

    @requires(Role.EDITOR)
    async def StreamEvents(
        self, request_iterator: AsyncIterator[cep_pb2.PublishEventsRequest], context: grpc.aio.ServicerContext
    ) -> cep_pb2.StreamEventsResponse:
        """Each batch is evaluated and committed as it arrives; the summary acknowledges them all.

        A bad batch fails the stream with INVALID_ARGUMENT; the batches before it were already applied
        (the error names the batch index in its message)."""
        out = cep_pb2.StreamEventsResponse()
        async for batch in request_iterator:
            outcome = await self._publish(batch)
            out.batches += 1
            out.accepted += outcome.result.accepted
            out.duplicates += len(outcome.result.duplicate_events)
            out.late += len(outcome.result.late_events)
            out.alerts_changed += len(outcome.changes)
            if outcome.result.watermark is not None:
                out.watermark.CopyFrom(ts(outcome.result.watermark))
        return out
