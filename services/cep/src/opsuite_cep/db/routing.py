"""A tenant's routing config (``cep_routing``): the document as written, its revision and etag."""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_cep.db.models import RoutingRow
from opsuite_cep.domain.routing import Routing, parse_routing
from opsuite_common.errors import OpsuiteError
from opsuite_common.logging import get_logger

__all__ = ["RoutingRepository", "load_routing"]

log = get_logger("opsuite.cep.routing")


class RoutingRepository:
    """The routing config of one tenant."""

    def __init__(self, session: AsyncSession, tenant: str) -> None:
        """Bind to a session and the caller's tenant."""
        self.s, self.tenant = session, tenant

    async def get(self) -> RoutingRow | None:
        """The tenant's config row, or None when it has none."""
        stmt = select(RoutingRow).where(RoutingRow.tenant == self.tenant)
        return (await self.s.execute(stmt)).scalar_one_or_none()

    async def delete(self) -> bool:
        """Remove the config; whether there was one."""
        result = await self.s.execute(delete(RoutingRow).where(RoutingRow.tenant == self.tenant))
        return bool(result.rowcount)  # type: ignore[attr-defined]


async def load_routing(session: AsyncSession, tenant: str) -> Routing | None:
    """The tenant's parsed routing config, or None. A stored config that no longer parses is logged and left
    out (alerts then notify through their rules' channels only); SetRouting repairs it."""
    row = await RoutingRepository(session, tenant).get()
    if row is None:
        return None
    try:
        return parse_routing(json.loads(row.config))
    except (OpsuiteError, ValueError):
        log.exception("stored routing config no longer parses; it is not used", tenant=tenant)
        return None
