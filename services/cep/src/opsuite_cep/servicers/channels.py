"""Channel RPCs (admin): CRUD, TestChannel, ListDeliveries; translation only (use cases in ``app.channels``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import grpc
from google.protobuf import empty_pb2

from opsuite.cep.v1 import cep_pb2
from opsuite.common.v1 import common_pb2
from opsuite_cep.adapters.senders import redact
from opsuite_cep.app.wiring import App
from opsuite_cep.servicers.convert import duration, meta, safe_struct, struct_py
from opsuite_common.auth import Role, current_identity, requires
from opsuite_common.paging import fit_page, list_budget, page_size
from opsuite_common.protoconv import dt_to_timestamp
from opsuite_common.secretscope import mask_url

if TYPE_CHECKING:  # the rows' types only: servicers never query the database
    from opsuite_cep.db import ChannelRow, DeliveryRow

__all__ = ["ChannelRpcs"]


def _channel(row: ChannelRow) -> cep_pb2.Channel:
    public, secrets = redact(json.loads(row.config))
    if isinstance(public.get("url"), str):
        public["url"] = mask_url(public["url"])  # a password in the URL's userinfo is shown as ***
    return cep_pb2.Channel(
        meta=meta(row),
        name=row.name,
        kind=row.kind,
        config=safe_struct(public),
        secrets_set=secrets,
        enabled=row.enabled,
    )


def _delivery(row: DeliveryRow) -> cep_pb2.Delivery:
    return cep_pb2.Delivery(
        notification_id=row.notification_id,
        alert_id=row.alert_id,
        channel=row.channel,
        kind=row.kind,
        attempt=row.attempt,
        status=row.status,
        reason=row.reason,
        error=row.error,
        time=dt_to_timestamp(row.at),
    )


class ChannelRpcs:
    """Channel handlers."""

    app: App

    @requires(Role.ADMIN)
    async def CreateChannel(
        self, request: cep_pb2.CreateChannelRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Channel:
        """Create a channel."""
        row = await self.app.channels.create(current_identity(), request.name, request.kind, struct_py(request.config))
        return _channel(row)

    @requires(Role.ADMIN)
    async def GetChannel(
        self, request: cep_pb2.GetChannelRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Channel:
        """A channel by id or name."""
        return _channel(await self.app.channels.get(current_identity().tenant, request.id, request.name))

    @requires(Role.ADMIN)
    async def ListChannels(
        self, request: cep_pb2.ListChannelsRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.ListChannelsResponse:
        """Channels by name."""
        page = await self.app.channels.list_channels(
            current_identity().tenant, page_size(request.page.page_size), request.page.page_token
        )
        channels, token = fit_page(page, _channel, budget=list_budget(self.app.settings.max_message_bytes))
        return cep_pb2.ListChannelsResponse(channels=channels, page=common_pb2.PageResponse(next_page_token=token))

    @requires(Role.ADMIN)
    async def UpdateChannel(
        self, request: cep_pb2.UpdateChannelRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.Channel:
        """Replace a channel's config."""
        row = await self.app.channels.update(
            current_identity(), request.id, struct_py(request.config), request.etag, request.disabled
        )
        return _channel(row)

    @requires(Role.ADMIN)
    async def DeleteChannel(
        self, request: cep_pb2.DeleteChannelRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> empty_pb2.Empty:
        """Delete a channel no rule uses."""
        await self.app.channels.delete(current_identity(), request.id)
        return empty_pb2.Empty()

    @requires(Role.ADMIN)
    async def TestChannel(
        self, request: cep_pb2.TestChannelRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.TestChannelResponse:
        """Send a test notification now."""
        out = await self.app.channels.test(current_identity().tenant, request.id)
        return cep_pb2.TestChannelResponse(
            ok=out.ok, reason=out.reason, error=out.error, latency=duration(out.latency_s)
        )

    @requires(Role.VIEWER)
    async def ListDeliveries(
        self, request: cep_pb2.ListDeliveriesRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> cep_pb2.ListDeliveriesResponse:
        """Delivery attempts of a channel or an alert, oldest first."""
        page = await self.app.channels.list_deliveries(
            current_identity().tenant,
            channel_id=request.channel_id,
            alert_id=request.alert_id,
            size=page_size(request.page.page_size),
            token=request.page.page_token,
        )
        deliveries, token = fit_page(page, _delivery, budget=list_budget(self.app.settings.max_message_bytes))
        return cep_pb2.ListDeliveriesResponse(
            deliveries=deliveries, page=common_pb2.PageResponse(next_page_token=token)
        )
