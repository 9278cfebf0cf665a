"""Alert and silence RPCs: ListAlerts, GetAlert, AcknowledgeAlert, ResolveAlert, WatchAlerts, silences."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf import empty_pb2

from opsuite.cep.v1 import cep_pb2
from opsuite.common.v1 import common_pb2
from opsuite_cep.app.alerts import AlertFilter, silence_state
from opsuite_cep.app.wiring import App
from opsuite_cep.servicers.convert import STATE_NAMES, alert_to_proto, meta, ts
from opsuite_common.auth import Role, current_identity, requires
from opsuite_common.paging import fit_page, list_budget, page_size
from opsuite_common.protoconv import dt_to_timestamp, timestamp_to_dt
from opsuite_common.ratelimit import STREAM, holds_slots

if TYPE_CHECKING:  # the row's type only: servicers never query the database
    from opsuite_cep.db import SilenceRow

__all__ = ["AlertRpcs"]


def _filter(request: cep_pb2.ListAlertsRequest | cep_pb2.WatchAlertsRequest) -> AlertFilter:
    return AlertFilter(
        rule=request.rule,
        state=STATE_NAMES.get(request.state, ""),
        severity=request.severity.lower(),
        labels=dict(request.labels),
    )


def _silence(row: SilenceRow) -> cep_pb2.Silence:
    return cep_pb2.Silence(
        state=silence_state(row),
        meta=meta(row, etag=False),
        matchers=[cep_pb2.Matcher(**m) for m in json.loads(row.matchers)],
        starts_at=dt_to_timestamp(row.starts_at),
        ends_at=dt_to_timestamp(row.ends_at),
        comment=row.comment,
    )


class AlertRpcs:
    """Alert handlers (viewer reads, editor acts) and silence handlers (editor writes)."""

    app: App

    @requires(Role.VIEWER)
    async def ListAlerts(
        self, request: cep_pb2.ListAlertsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.ListAlertsResponse:
        """Alerts newest first, filtered."""
        flt = _filter(request)
        start, end = timestamp_to_dt(request.start_time, "start_time"), timestamp_to_dt(request.end_time, "end_time")
        page = await self.app.alerts.list_alerts(
            current_identity().tenant,
            flt,
            start=start,
            end=end,
            size=page_size(request.page.page_size),
            token=request.page.page_token,
        )
        alerts, token = fit_page(page, alert_to_proto, budget=list_budget(self.app.settings.max_message_bytes))
        return cep_pb2.ListAlertsResponse(alerts=alerts, page=common_pb2.PageResponse(next_page_token=token))

    @requires(Role.VIEWER)
    async def GetAlert(
        self, request: cep_pb2.GetAlertRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Alert:
        """One alert."""
        return alert_to_proto(await self.app.alerts.get(current_identity().tenant, request.id))

    @requires(Role.EDITOR)
    async def AcknowledgeAlert(
        self, request: cep_pb2.AcknowledgeAlertRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Alert:
        """Set the acknowledged flag."""
        return alert_to_proto(await self.app.alerts.acknowledge(current_identity(), request.id))

    @requires(Role.EDITOR)
    async def ResolveAlert(
        self, request: cep_pb2.ResolveAlertRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Alert:
        """Resolve by hand."""
        return alert_to_proto(await self.app.alerts.resolve(current_identity(), request.id))

    @requires(Role.VIEWER)
    @holds_slots(STREAM)
    async def WatchAlerts(
        self, request: cep_pb2.WatchAlertsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[cep_pb2.AlertChange]:
        """Replay after the cursor, then live changes."""
        # Closed explicitly: when the caller goes away, the watcher leaves the feed at once, not when the
        # abandoned generators are finalized.
        changes = self.app.alerts.watch(current_identity().tenant, request.after_cursor, _filter(request))
        async with aclosing(changes):
            async for change in changes:
                yield cep_pb2.AlertChange(
                    cursor=change.cursor, change=change.change, time=ts(change.at), alert=alert_to_proto(change.alert)
                )

    @requires(Role.EDITOR)
    async def CreateSilence(
        self, request: cep_pb2.CreateSilenceRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Silence:
        """Mute matching notifications during a window of event time."""
        row = await self.app.alerts.create_silence(
            current_identity(),
            [{"name": m.name, "op": m.op or "=", "value": m.value} for m in request.matchers],
            timestamp_to_dt(request.starts_at, "starts_at"),
            timestamp_to_dt(request.ends_at, "ends_at"),
            request.comment,
            request.duration.ToNanoseconds() / 1e9 if request.HasField("duration") else None,
        )
        return _silence(row)

    @requires(Role.VIEWER)
    async def ListSilences(
        self, request: cep_pb2.ListSilencesRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.ListSilencesResponse:
        """Silences by creation time."""
        page = await self.app.alerts.list_silences(
            current_identity().tenant, page_size(request.page.page_size), request.page.page_token, request.state
        )
        silences, token = fit_page(page, _silence, budget=list_budget(self.app.settings.max_message_bytes))
        return cep_pb2.ListSilencesResponse(silences=silences, page=common_pb2.PageResponse(next_page_token=token))

    @requires(Role.EDITOR)
    async def DeleteSilence(
        self, request: cep_pb2.DeleteSilenceRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> empty_pb2.Empty:
        """Delete a silence."""
        await self.app.alerts.delete_silence(current_identity(), request.id)
        return empty_pb2.Empty()
