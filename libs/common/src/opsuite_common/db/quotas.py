"""Per-tenant object quotas: how many rules, channels, APIs ... one tenant may hold.

A create counts the tenant's rows in its own transaction, before its insert, and refuses with
RESOURCE_EXHAUSTED (reason ``QUOTA_EXCEEDED``, a ``google.rpc.QuotaFailure`` detail) at the limit. Creates of
one tenant that run at the same moment each see the count before the others' inserts, so the quota can be
passed by at most the number of such creates in flight (bounded by the tenant's rate limit and caps); it
is a bound on what a tenant can pile up, not an exact count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from opsuite_common.errors import QuotaExceededError

__all__ = ["enforce_quota"]


async def enforce_quota(
    session: AsyncSession,
    model: type[Any],
    where: Sequence[ColumnElement[bool]],
    *,
    limit: int,
    what: str,
    setting: str,
) -> None:
    """Refuse (QuotaExceededError) when ``model`` already has ``limit`` rows matching ``where``; 0: no quota.

    ``what`` names the objects in the message ("rules"), ``setting`` the environment variable that sets it.
    """
    if limit <= 0:
        return
    held = (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()
    if held >= limit:
        raise QuotaExceededError(
            f"this tenant already has {held} {what}, the most it may hold; delete some first, "
            f"or ask the operator to raise {setting}",
            metadata={"quota": f"{what} per tenant", "limit": str(limit)},
        )
