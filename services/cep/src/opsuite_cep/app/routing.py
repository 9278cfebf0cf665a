"""Routing use cases: a tenant's routing tree, receivers and inhibition rules (Get/Set/Delete).

A saved config reaches the tenant's loaded engine at once (its alerts are grouped again, then a checkpoint,
so a replay never applies earlier records under the new config); an engine loaded later reads it from the
database. With partitions, each owner picks it up at its next refresh (``OPSUITE_CEP_PARTITION_REFRESH_S``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from opsuite_cep.app._session import check_etag, read, touch
from opsuite_cep.app.engines import EngineHost
from opsuite_cep.db import ChannelRepository
from opsuite_cep.db.alerts import new_id
from opsuite_cep.db.models import RoutingRow
from opsuite_cep.db.routing import RoutingRepository
from opsuite_cep.domain.routing import Routing, RoutingLimits, parse_routing
from opsuite_common.auth import Identity
from opsuite_common.db import Database, new_etag, utcnow
from opsuite_common.errors import NotFoundError, StaleEtagError
from opsuite_common.limits import check_json, raise_violations

__all__ = ["RoutingService"]


class RoutingService:
    """The routing config of each tenant."""

    def __init__(self, db: Database, host: EngineHost) -> None:
        self.db, self.host = db, host

    async def get(self, tenant: str) -> RoutingRow:
        """The tenant's config; NOT_FOUND when it has none."""
        async with read(self.db) as s:
            row = await RoutingRepository(s, tenant).get()
        if row is None:
            raise NotFoundError("this tenant has no routing config; set one with SetRouting (opsuite apply)")
        return row

    async def set(self, who: Identity, config: Mapping[str, Any], etag: str) -> RoutingRow:
        """Validate and store the whole config (stale ``etag``: ABORTED); an unchanged config keeps its
        revision. Receivers must name channels of the tenant (checked in the same transaction)."""
        raise_violations(check_json("config", config, RoutingLimits().max_bytes))
        text = json.dumps(config, sort_keys=True)
        async with self.db.session() as s:
            routing = parse_routing(config, await ChannelRepository(s, who.tenant).names())
            row = await RoutingRepository(s, who.tenant).get()
            now = utcnow()
            if row is None:
                if etag:
                    raise StaleEtagError("there is no routing config to update", metadata={"current_etag": ""})
                row = RoutingRow(
                    tenant=who.tenant,
                    id=new_id(),
                    config=text,
                    revision=1,
                    etag=new_etag(),
                    created_by=who.subject,
                    updated_by=who.subject,
                    created_at=now,
                    updated_at=now,
                )
                s.add(row)
            else:
                check_etag(row, etag)
                if row.config == text:
                    return row
                row.config, row.revision = text, row.revision + 1
                touch(row, who.subject)
        await self._apply(who.tenant, routing)
        return row

    async def delete(self, who: Identity) -> None:
        """Remove the config (idempotent): alerts notify through their rules' channels only."""
        async with self.db.session() as s:
            await RoutingRepository(s, who.tenant).delete()
        await self._apply(who.tenant, None)

    async def _apply(self, tenant: str, routing: Routing | None) -> None:
        te = self.host.loaded(tenant)
        if te is None:
            self.host.changed_unloaded(tenant)  # read from the database when the engine loads
            return
        async with te.lock:
            if te.engine.set_routing(routing):
                await self.host.checkpoint(te)
